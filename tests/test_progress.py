"""Progress bar: stderr only, terminal only, after a delay (bomtrace/progress.py)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace.cli import cli
from bomtrace.progress import StageBar

ROOT = Path(__file__).resolve().parent.parent


def test_bar_renders_stages_when_enabled() -> None:
    out = io.StringIO()
    with StageBar(enabled=True, stream=out, delay=0.0) as bar:
        bar("reading")
        time.sleep(0.25)
        bar("analysing")
        time.sleep(0.25)
    text = out.getvalue()
    assert "bomtrace [" in text and "reading" in text and "analysing" in text
    assert text.endswith("\r")  # the line is cleared at the end


def test_bar_silent_when_disabled_or_fast() -> None:
    out = io.StringIO()
    with StageBar(enabled=False, stream=out, delay=0.0) as bar:
        bar("reading")
        time.sleep(0.15)
    assert out.getvalue() == ""
    with StageBar(enabled=True, stream=out, delay=5.0) as bar:
        bar("reading")
    assert out.getvalue() == ""


def test_not_a_terminal_means_no_bar() -> None:
    class Pipe(io.StringIO):
        def isatty(self) -> bool:
            return False

    assert StageBar(stream=Pipe()).enabled is False


def test_json_stdout_stays_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    res = CliRunner().invoke(
        cli, ["analyze", "samples/p30pro.xlsx", "-d", "CN", "--format", "json", "--quiet"]
    )
    assert res.exit_code == 0
    json.loads(res.output)
