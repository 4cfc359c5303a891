"""``--column FILE:FIELD=HEADER``: overrides for one file or sheet (bomtrace/io/file_columns.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace.cli import cli
from bomtrace.errors import ColumnMappingError
from bomtrace.io import read_bom
from bomtrace.io.file_columns import matches

WriteCsv = Callable[..., Path]
WriteXlsx = Callable[..., Path]


def test_a_header_less_master_beside_a_bom_with_headers(write_csv: WriteCsv) -> None:
    bom = write_csv("d/bom.csv", "Parent,Part,Qty\n,TOP,\nTOP,R1,2\nTOP,C1,1\n")
    master = write_csv("d/parts.csv", "R1,Resistor,0.01\nC1,Capacitor,0.02\n")
    columns = {
        "parts.csv:part_number": "1",
        "parts.csv:description": "2",
        "parts.csv:unit_cost": "3",
    }
    t = read_bom([bom, master], columns=columns)
    assert t.parts is not None
    assert t.parts["part_number"].tolist() == ["R1", "C1"]
    assert t.parts["unit_cost"].tolist() == [0.01, 0.02]
    assert t.lines["part_number"].tolist() == ["TOP", "R1", "C1"]  # the BOM keeps its headers


def test_a_sheet_gets_its_own_mapping(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "box.xlsx",
        {
            "Cut": [["Part", "Qty"], ["Board", 2]],
            "Screws": [["Fixing", "Size", "Qty"], ["lid", "M3", 4], ["base", "M4", 6]],
        },
    )
    t = read_bom([path], columns={"Screws:part_number": "Fixing"})
    assert t.lines["part_number"].tolist() == ["box", "Board", "lid", "base"]
    by_sheet = {s.sheet: {c.field: c.header for c in s.columns} for s in t.sources}
    assert by_sheet["Screws"]["part_number"] == "Fixing"
    assert by_sheet["Cut"]["part_number"] == "Part"


def test_a_file_prefix_that_names_nothing_is_an_error(write_csv: WriteCsv) -> None:
    bom = write_csv("bom.csv", "Part,Qty\nR1,2\n")
    with pytest.raises(ColumnMappingError, match="'other.csv' names no file or sheet"):
        read_bom([bom], columns={"other.csv:part_number": "1"})


def test_the_cli_takes_a_file_prefix(write_csv: WriteCsv) -> None:
    bom = write_csv("bom.csv", "Ident,Qty\nR1,2\n")
    res = CliRunner().invoke(cli, ["inspect", str(bom), "--column", "bom:part_number=Ident"])
    assert res.exit_code == 0, res.output
    assert any(line.split()[:2] == ["part_number", "Ident"] for line in res.output.splitlines())


@pytest.mark.parametrize(
    ("scope", "path", "sheet", "want"),
    [
        ("parts.csv", "data/parts.csv", None, True),
        ("PARTS", "data/parts.csv", None, True),
        ("data/parts.csv", "/home/x/data/parts.csv", None, True),
        ("*.csv", "data/parts.csv", None, True),
        ("Vis", "box.xlsx", "Vis", True),
        ("box/Vis", "box.xlsx", "Vis", True),
        ("arts.csv", "data/parts.csv", None, False),
        ("Vis", "box.xlsx", "Cut", False),
    ],
)
def test_matching(scope: str, path: str, sheet: str | None, want: bool) -> None:
    assert matches(scope, path, sheet) is want
