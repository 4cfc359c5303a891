"""Title blocks above the header: metadata, the product's name and the build quantity
(bomtrace/io/title_block.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace import api
from bomtrace.io import read_bom
from bomtrace.io.options import ReadOptions

WriteCsv = Callable[..., Path]

KICOST = (
    "Prj:,Radio,,,,Board Qty:,100\n"
    "Co.:,ACME,,,,Unit Cost:,0\n"
    "Prj date:,,,,,Total Cost:,0\n"
    "$ date:,2024-05-01,,,,Currency:,EUR\n"
    "Part,Value,Footprint,Manf#,Qty,Unit Price,Ext$\n"
    "C1,1nF,,,100,0.02,\n"
    "R1,1k,,,250,0.01,\n"
)


def test_build_quantity_in_the_title_block_gives_quantities_per_unit(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("k.csv", KICOST)])
    assert t.lines["part_number"].tolist() == ["Radio", "C1", "R1"]  # not named "100"
    assert t.lines["quantity"].tolist()[1:] == [1.0, 2.5]
    assert t.lines["unit_cost"].tolist()[1:] == [0.02, 0.01]  # per piece: kept
    assert t.lines["currency"].tolist()[1:] == ["EUR", "EUR"]  # the title block's
    src = t.sources[0]
    assert src.title_block == {
        "project": "Radio",
        "build_quantity": 100.0,
        "date": "2024-05-01",
        "currency": "EUR",
    }
    [issue] = [i for i in t.issues if i.code == "build-quantity"]
    assert (issue.row, issue.column) == (1, "F")
    assert "--build-quantity 1" in issue.message


@pytest.mark.parametrize(("given", "want"), [(1.0, [100.0, 250.0]), (50.0, [2.0, 5.0])])
def test_build_quantity_flag_overrides_the_title_block(
    write_csv: WriteCsv, given: float, want: list[float]
) -> None:
    t = read_bom([write_csv("k.csv", KICOST)], ReadOptions(build_quantity=given))
    assert t.lines["quantity"].tolist()[1:] == want
    assert any(i.code == "build-quantity" for i in t.issues) == (given != 1)


def test_key_and_value_in_two_cells_without_a_colon(write_csv: WriteCsv) -> None:
    text = "Build quantity,10\nRevision,B\n\nPart,Qty\nA,20\nB,5\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [2.0, 0.5]
    assert t.sources[0].title_block == {"build_quantity": 10.0, "revision": "B"}


def test_no_title_block_no_metadata(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("b.csv", "Part,Qty\nA,2\n")])
    assert t.sources[0].title_block is None
    assert t.lines["quantity"].tolist()[1:] == [2.0]


def test_inspect_shows_the_title_block(write_csv: WriteCsv) -> None:
    result = api.inspect([write_csv("k.csv", KICOST)])
    [source] = result.to_dict()["sources"]
    assert source["title_block"]["build_quantity"] == 100.0


MULTI = (
    "Prj0:,Main,,,,Board Qty0:,10\n"
    "Prj1:,Sensor,,,,Board Qty1:,5\n"
    "Global Part Info,,,,,,\n"
    "Refs,Manf#,Qty.Prj0,Qty.Prj1,Qty,Unit$,Ext$\n"
    '"prj0:R1,R2\nprj1:R1",RC0402,20,5,25,,\n'
    "prj1:U1,LM317,0,5,5,,\n"
    "prj0:C1,GRM155,10,0,10,,\n"
)


def test_multi_project_export_gives_one_product_per_project(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("m.csv", MULTI)], columns={"part_number": "Manf#"})
    got = t.lines[["part_number", "level", "reference_designators"]].astype(object)
    assert got.fillna("-").values.tolist() == [
        ["Main", 0.0, "-"],
        ["RC0402", 1.0, "R1,R2"],
        ["GRM155", 1.0, "C1"],
        ["Sensor", 0.0, "-"],
        ["RC0402", 1.0, "R1"],
        ["LM317", 1.0, "U1"],
    ]
    assert t.lines["quantity"].fillna(-1).tolist() == [-1, 2.0, 1.0, -1, 1.0, 1.0]
    assert t.sources[0].rows_used == 3  # each row read once
    title = t.sources[0].title_block
    assert title is not None
    assert title["projects"] == {
        "0": {"project": "Main", "build_quantity": "10"},
        "1": {"project": "Sensor", "build_quantity": "5"},
    }
    assert not [i for i in t.issues if i.code == "designator-mismatch"]


def test_a_per_unit_quantity_header_is_not_divided(write_csv: WriteCsv) -> None:
    text = "Board Qty:,100\nPart Number,Qty/Assy\nR1,2\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [2.0]
    [issue] = [i for i in t.issues if i.code == "build-quantity"]
    assert "--build-quantity 100" in issue.message


def test_the_cli_takes_build_quantity(write_csv: WriteCsv) -> None:
    from click.testing import CliRunner

    from bomtrace.cli import cli

    path = write_csv("k.csv", KICOST)
    res = CliRunner().invoke(cli, ["inspect", str(path), "--build-quantity", "1"])
    assert res.exit_code == 0, res.output
    assert "total quantity 350" in res.output
    assert "title block: project 'Radio', build quantity 100" in res.output
    bad = CliRunner().invoke(cli, ["inspect", str(path), "--build-quantity", "0"])
    assert bad.exit_code == 2
