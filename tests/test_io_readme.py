"""The "Reading your BOM" example (docs/reading.md) runs and prints what the page shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace.cli import cli

README = (Path(__file__).resolve().parent.parent / "docs" / "reading.md").read_text(
    encoding="utf-8"
)


def _block(marker: str) -> str:
    m = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```\s*<!-- /{marker} -->", README, re.S)
    assert m, f"docs/reading.md has no {marker} block"
    return m.group(1)


def test_reading_example_output_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "kit.csv").write_text(_block("reading-example-file"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(_block("reading-example-command").strip())[1:]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == _block("reading-example-output").strip()
