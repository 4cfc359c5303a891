"""The README stays true: its commands run and print what it shows."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(marker: str, text: str = README) -> str:
    m = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```\s*<!-- /{marker} -->", text, re.S)
    assert m, f"README has no {marker} block"
    return m.group(1)


def test_readme_has_exactly_the_two_setup_commands() -> None:
    run = _block("run-command").strip()
    test = _block("test-command").strip()
    assert run.startswith("pip install . && bomtrace analyze samples/")
    assert test == "pip install '.[test]' && python -m pytest"


def test_quickstart_output_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cmd = _block("run-command").strip().split("&&", 1)[1]
    args = shlex.split(cmd)[1:]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert res.output.strip() == _block("run-output").strip()


def test_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for code in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
        # every "# value" comment after a print is what it printed
        expected = [c.split("#", 1)[1].strip() for c in code.splitlines() if "print(" in c]
        got = out.getvalue().splitlines()
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert g.startswith(e.split(" (")[0]), (g, e)


def test_ci_script_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in ci


def test_where_used_output_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = shlex.split(_block("where-used-command").strip())[1:]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    got = res.output.splitlines()
    at = 0
    for want in _block("where-used-output").strip().splitlines():  # the README leaves lines out
        assert want in got[at:], want
        at = got.index(want, at) + 1


def test_diff_output_is_real(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    cli_md = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    args = shlex.split(_block("diff-command", cli_md).strip())[1:]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert res.output.strip().startswith(_block("diff-output", cli_md).strip())


_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
#: files a session writes: made in a temporary folder, not in the repository
_WRITTEN = re.compile(r"^[\w.-]+\.(db|txt|html|xlsx|json)$")


def _session(marker: str, tmp: Path) -> list[tuple[list[str], list[str]]]:
    """The README's ``$ bomtrace ...`` lines and the output lines shown under each."""
    steps: list[tuple[list[str], list[str]]] = []
    for line in _block(marker).splitlines():
        if line.startswith("$ bomtrace "):
            args = shlex.split(line[len("$ bomtrace ") :])
            steps.append(([str(tmp / a) if _WRITTEN.match(a) else a for a in args], []))
        else:
            steps[-1][1].append(_TIME.sub("<time>", line))
    return steps


@pytest.mark.parametrize("marker", ["library-session", "audit-session", "portfolio-session"])
def test_library_sessions_are_real(
    marker: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each command runs (the audit session after the library one, as in the README) and
    prints the lines shown, in that order (the README leaves lines out, and times vary)."""
    monkeypatch.chdir(ROOT)
    markers = ["library-session", *([marker] if marker != "library-session" else [])]
    for m in markers:
        for args, shown in _session(m, tmp_path):
            res = CliRunner().invoke(cli, args)
            assert res.exit_code in (0, 1, 3), (args, res.output)
            got = [_TIME.sub("<time>", x) for x in res.output.splitlines()]
            at = 0
            for want in shown:
                assert want in got[at:], (args, want)
                at = got.index(want, at) + 1
