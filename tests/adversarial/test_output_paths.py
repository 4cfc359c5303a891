"""Issue 17, item 5: an output never destroys an input, and a bad output path fails at once.

Every command that writes a file (``-o``, ``--request-sheet``, ``--save-profile``) refuses,
with exit code 2 and a one-line message, before anything is analysed: an output that is an
input file (also through another spelling of its path, a link, or a file of an input
folder), an output in a folder that does not exist or cannot be written, and an output whose
name says another format than the one asked for. The input's bytes are checked unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bomtrace.cli import cli

BOM = """\
Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN,Supplier
0,PROD,Router,1,,CN,5A992.c,Acme
1,CHIP,Chip,1,35,US,3A001.a.7,Chips Inc
1,BOARD,Board,1,65,CN,EAR99,Other
"""

Write = Callable[..., Path]

#: each command with the flags it needs to run, and the formats its -o takes
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "analyze": (["-d", "CN", "-q"], ["table", "json", "csv", "xlsx", "html"]),
    "explode": (["-q"], ["table", "json", "csv", "parquet"]),
    "explain": (["--product", "PROD", "-d", "CN"], ["table", "json"]),
    "suppliers": (["-d", "CN"], ["table", "json"]),
    "inspect": ([], ["table", "json"]),
}
#: the analysis is never reached: a test fails if it is
ANALYSIS_ENTRY_POINTS = [
    "bomtrace.api.analyze",
    "bomtrace.api.explode",
    "bomtrace.api.inspect",
    "bomtrace.api.explain",
    "bomtrace.api.suppliers",
]


@pytest.fixture
def bom(write_csv: Write) -> Path:
    return write_csv("bom.csv", BOM)


@pytest.fixture(autouse=True)
def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every library verb fail loudly, so a refusal is known to come before it."""

    def reached(*_a: object, **_k: object) -> None:
        raise AssertionError("the analysis ran before the output was checked")

    for target in ANALYSIS_ENTRY_POINTS:
        monkeypatch.setattr(target, reached)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def refused(res: Result, *words: str) -> str:
    """Assert a one-line exit-2 refusal naming ``words``; returns the message."""
    assert res.exit_code == 2, res.output
    assert "the analysis ran" not in res.output
    lines = [ln for ln in res.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert "Traceback" not in res.output
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def bytes_of(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_over_the_input_is_refused(command: str, bom: Path) -> None:
    before = bytes_of(bom)
    flags, formats = COMMANDS[command]
    for fmt in formats:
        res = run(command, str(bom), *flags, "--format", fmt, "-o", str(bom))
        refused(res, str(bom), "input")
    assert bytes_of(bom) == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_over_the_input_by_another_path_is_refused(
    command: str, bom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = bytes_of(bom)
    flags, _ = COMMANDS[command]
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(bom)
    hard = tmp_path / "hard.csv"
    os.link(bom, hard)
    monkeypatch.chdir(tmp_path)
    for out in ["sub/../bom.csv", str(bom.resolve()), "link.csv", "hard.csv", "./bom.csv"]:
        res = run(
            command,
            "bom.csv",
            *flags,
            "--format",
            "csv" if command in ("analyze", "explode") else "json",
            "-o",
            out,
        )
        refused(res, out, "input")
    assert bytes_of(bom) == before


@pytest.mark.parametrize("command", ["analyze", "explode", "suppliers", "inspect"])
def test_save_profile_over_the_input_is_refused(command: str, bom: Path) -> None:
    before = bytes_of(bom)
    flags, _ = COMMANDS[command]
    res = run(command, str(bom), *flags, "--save-profile", str(bom))
    refused(res, "--save-profile", "input")
    assert bytes_of(bom) == before


def test_save_profile_over_the_profile_read_is_refused(bom: Path, tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('[columns]\npart_number = ["Part Number"]\n', encoding="utf-8")
    before = bytes_of(profile)
    res = run("inspect", str(bom), "--profile", str(profile), "--save-profile", str(profile))
    refused(res, "--save-profile", "input")
    assert bytes_of(profile) == before


def test_request_sheet_over_the_input_is_refused(write_xlsx: Write) -> None:
    rows = [
        ["Level", "Part Number", "Qty", "Unit Cost", "Country of Origin"],
        [0, "PROD", 1, None, "CN"],
        [1, "X", 1, 5, None],
    ]
    book = write_xlsx("bom.xlsx", {"BOM": rows})
    before = bytes_of(book)
    res = run("suppliers", str(book), "-d", "CN", "--request-sheet", str(book))
    refused(res, "--request-sheet", "input")
    assert bytes_of(book) == before


def test_output_over_other_inputs_is_refused(bom: Path, write_csv: Write) -> None:
    producers = write_csv("producers.csv", "Producer,US equipment\nFab One,yes\n")
    screening = write_csv("csl.csv", "name,source\nEvil Corp,Entity List\n")
    for flag, path in [("--producers", producers), ("--screening-list", screening)]:
        before = bytes_of(path)
        for command in ("analyze", "suppliers"):
            flags, _ = COMMANDS[command]
            res = run(command, str(bom), *flags, flag, str(path), "-o", str(path))
            refused(res, str(path), "input")
        assert bytes_of(path) == before


def test_analysis_is_reached_when_the_output_is_fine(bom: Path, tmp_path: Path) -> None:
    """The guard of these tests works: a good output gets as far as the analysis."""
    out = tmp_path / "r.json"
    res = run("analyze", str(bom), "-d", "CN", "--format", "json", "-o", str(out))
    assert res.exit_code != 2 and "the analysis ran before" in res.output


@pytest.mark.parametrize("command", ["analyze", "explode", "inspect"])
def test_output_in_an_input_folder_is_refused(
    command: str, write_csv: Write, tmp_path: Path
) -> None:
    folder = tmp_path / "boms"
    first = write_csv("boms/a.csv", BOM)
    write_csv("boms/b.csv", BOM.replace("PROD", "PROD2"))
    before = bytes_of(first)
    flags = [f for f in COMMANDS[command][0] if f != "-d" and f != "CN"]
    fmt = "csv" if command != "inspect" else "table"
    # a file the folder read takes in
    res = run(command, str(folder), *flags, "--format", fmt, "-o", str(first))
    refused(res, "input folder")
    assert bytes_of(first) == before
    # a new file the next read of the folder would take in as a BOM
    new = folder / ("new.csv" if fmt == "csv" else "new.txt")
    res = run(command, str(folder), *flags, "--format", fmt, "-o", str(new))
    refused(res, "input folder")
    assert not new.exists()


def test_output_beside_an_input_folder_is_not_refused(
    tmp_path: Path, write_csv: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bomtrace.cli.outputs import check_outputs

    folder = tmp_path / "boms"
    write_csv("boms/a.csv", BOM)
    check_outputs([folder], [("-o", tmp_path / "report.csv", "csv")])
    check_outputs([folder], [("-o", folder / "report.json", "json")])  # never read as a BOM
    check_outputs([folder], [("-o", folder / ".hidden.csv", "csv")])


@pytest.mark.parametrize("command", list(COMMANDS))
def test_output_in_a_missing_folder_fails_first(command: str, bom: Path, tmp_path: Path) -> None:
    flags, _ = COMMANDS[command]
    out = tmp_path / "no" / "such" / "r.json"
    res = run(command, str(bom), *flags, "--format", "json", "-o", str(out))
    refused(res, str(out), "does not exist")
    assert not out.parent.exists()


def test_output_under_a_file_fails_first(bom: Path, tmp_path: Path) -> None:
    res = run("analyze", str(bom), "-d", "CN", "--format", "json", "-o", f"{bom}/r.json")
    refused(res, "not a folder")


def test_request_sheet_and_profile_in_a_missing_folder_fail_first(
    bom: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "nope" / "req.xlsx"
    refused(
        run("suppliers", str(bom), "-d", "CN", "--request-sheet", str(sheet)),
        "--request-sheet",
        "does not exist",
    )
    prof = tmp_path / "nope" / "p.toml"
    refused(
        run("inspect", str(bom), "--save-profile", str(prof)), "--save-profile", "does not exist"
    )


def test_output_in_a_folder_that_cannot_be_written(
    bom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    out = locked / "r.json"
    real_access = os.access

    def access(path: str, mode: int, **kw: Any) -> bool:  # root may write anywhere
        if Path(path).resolve() == locked.resolve() and mode & os.W_OK:
            return False
        return real_access(path, mode, **kw)

    monkeypatch.setattr("bomtrace.cli.outputs.os.access", access)
    for command, (flags, _) in COMMANDS.items():
        res = run(command, str(bom), *flags, "--format", "json", "-o", str(out))
        refused(res, str(out), "cannot be written")
    assert not out.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_output_in_a_read_only_folder(bom: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        res = run("analyze", str(bom), "-d", "CN", "--format", "json", "-o", str(locked / "r.json"))
        refused(res, "cannot be written")
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    ("command", "fmt", "name", "says"),
    [
        ("analyze", "xlsx", "r.csv", ".csv"),
        ("analyze", "csv", "r.xlsx", ".xlsx"),
        ("analyze", "json", "r.xlsx", ".xlsx"),
        ("analyze", "html", "r.json", ".json"),
        ("analyze", "table", "r.csv", ".csv"),
        ("analyze", "csv", "r.XLSX", ".xlsx"),
        ("explode", "parquet", "e.csv", ".csv"),
        ("explode", "csv", "e.parquet", ".parquet"),
        ("explain", "json", "x.html", ".html"),
        ("suppliers", "json", "s.xlsx", ".xlsx"),
        ("inspect", "json", "i.xls", ".xls"),
    ],
)
def test_format_and_suffix_mismatch_is_refused(
    command: str, fmt: str, name: str, says: str, bom: Path, tmp_path: Path
) -> None:
    flags, _ = COMMANDS[command]
    out = tmp_path / name
    msg = refused(run(command, str(bom), *flags, "--format", fmt, "-o", str(out)), says, fmt)
    assert "." + {"table": "txt"}.get(fmt, fmt) in msg  # names the valid suffix
    assert not out.exists()


def test_request_sheet_must_be_xlsx(bom: Path, tmp_path: Path) -> None:
    out = tmp_path / "req.csv"
    refused(
        run("suppliers", str(bom), "-d", "CN", "--request-sheet", str(out)),
        "--request-sheet",
        ".xlsx",
    )


def test_two_outputs_of_one_run_must_differ(bom: Path, tmp_path: Path) -> None:
    out = tmp_path / "same.json"
    res = run(
        "suppliers",
        str(bom),
        "-d",
        "CN",
        "--format",
        "json",
        "-o",
        str(out),
        "--save-profile",
        str(tmp_path / "same.toml"),
    )
    assert "same file" not in res.output
    out2 = tmp_path / "both"
    refused(
        run("suppliers", str(bom), "-d", "CN", "-o", str(out2), "--request-sheet", str(out2)),
        "same file",
    )


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("json", "r.json"),
        ("csv", "r.CSV"),
        ("html", "r.htm"),
        ("table", "r"),
        ("table", "r.out"),
        ("json", "r.txt.json"),
    ],
)
def test_matching_or_unknown_suffixes_are_accepted(fmt: str, name: str, tmp_path: Path) -> None:
    from bomtrace.cli.outputs import check_outputs

    check_outputs([], [("-o", tmp_path / name, fmt)])
