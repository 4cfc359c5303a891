"""Sheets of one workbook read as the parts of one product (bomtrace/io/sheet_groups.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bomtrace.io import read_bom
from bomtrace.io.options import ReadOptions

WriteXlsx = Callable[..., Path]


def test_unnamed_single_level_sheets_are_one_product(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "printer.xlsx",
        {
            "Body": [["Part", "Qty"], ["Frame", 1], ["Foot", 4]],
            "Screws": [["Part No.", "Size", "Qty"], ["M3 screw", "M3x6", 12], ["Nut", "M3", 4]],
            "Tools": [["Tool", "Use"], ["Hex key", "M3"], ["Pliers", "wires"]],
        },
    )
    t = read_bom([path])
    products = t.lines.loc[t.lines["parent"].isna(), "part_number"].tolist()
    assert products == ["printer"]
    parts = t.lines.loc[t.lines["parent"] == "printer"]
    assert parts["part_number"].tolist() == ["Frame", "Foot", "M3 screw", "Nut"]
    assert parts["quantity"].tolist() == [1.0, 4.0, 12.0, 4.0]
    assert [s.sheet for s in t.sources] == ["Body", "Screws"]  # each with its own mapping
    assert {s.structure for s in t.sources} == {"flat"}  # a saved profile says flat, not per sheet
    [issue] = [i for i in t.issues if i.code == "sheets-combined"]
    assert "--sheet NAME" in issue.message
    [skipped] = [i for i in t.issues if i.code == "sheet-skipped"]  # never left out unsaid
    assert (skipped.sheet, skipped.severity) == ("Tools", "warning")
    assert "--column 'Tools:part_number=HEADER'" in skipped.message


def test_one_sheet_named_is_a_product_of_its_own(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "printer.xlsx",
        {"Body": [["Part", "Qty"], ["Frame", 1]], "Screws": [["Part", "Qty"], ["Nut", 4]]},
    )
    t = read_bom([path], ReadOptions(sheet="Screws"))
    assert t.lines["part_number"].tolist() == ["printer", "Nut"]
    assert not [i for i in t.issues if i.code == "sheets-combined"]


def test_sheets_with_their_own_titles_are_products(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "kits.xlsx",
        {
            "A": [["Product: KIT-A", None], ["Part", "Qty"], ["R1", 1]],
            "B": [["Product: KIT-B", None], ["Part", "Qty"], ["R2", 2]],
        },
    )
    t = read_bom([path])
    assert t.lines["part_number"].tolist() == ["KIT-A", "R1", "KIT-B", "R2"]
