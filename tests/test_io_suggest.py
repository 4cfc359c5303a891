"""``bomtrace inspect --suggest-profile`` (bomtrace/io/suggest.py, api.suggest_profile)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from bomtrace import api
from bomtrace.cli import cli
from bomtrace.io import read_bom
from bomtrace.io.mapping import load_profile
from bomtrace.io.options import ReadOptions

WriteCsv = Callable[..., Path]


def test_the_suggested_profile_reads_the_file_the_same_way(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    bom = write_csv("erp.csv", "Ident;Menge;Qty needed;Price\nR1;2;2;0.1\nC1;1;1;0.2\n")
    text = api.suggest_profile(bom, read=ReadOptions(columns={"part_number": "Ident"}))
    assert "# part_number: erp.csv column A 'Ident' (override)" in text
    assert "C 'Qty needed' (by its name)" in text  # a candidate the reader did not choose
    profile = tmp_path / "erp.toml"
    profile.write_text(text, encoding="utf-8")
    assert load_profile(profile)["columns"]["part_number"] == ("Ident",)
    again = read_bom([bom], ReadOptions(profile=str(profile)))
    assert again.lines["part_number"].tolist()[1:] == ["R1", "C1"]
    assert {c.field: c.how for c in again.sources[0].columns}["part_number"] == "profile"


def test_inspect_suggest_profile_prints_or_writes_it(write_csv: WriteCsv, tmp_path: Path) -> None:
    bom = write_csv("kit.csv", "Part,Qty\nR1,2\n")
    res = CliRunner().invoke(cli, ["inspect", str(bom), "--suggest-profile"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[3] == "bomtrace_profile = 1"
    out = tmp_path / "kit.toml"
    res = CliRunner().invoke(cli, ["inspect", str(bom), "--suggest-profile", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert 'part_number = ["Part"]' in out.read_text(encoding="utf-8")


def test_a_sheet_not_read_is_named_in_the_profile(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx(
        "box.xlsx",
        {
            "Cut": [["Part", "Qty"], ["Board", 2]],
            "Screws": [["Fixing", "Size", "Count"], ["lid", "M3", 4], ["base", "M4", 6]],
        },
    )
    text = api.suggest_profile(path)
    assert "# not read: Sheet 'Screws' of" in text
