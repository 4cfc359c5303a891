"""What identifies a line (issue 22): the part-number column chosen by role and content, lines
without a part number kept under another identifier or their names, placeholders, placements,
a quantity column found from its content. Fixtures are small CSVs written in the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from bomtrace.io import read_bom
from bomtrace.io.column_content import designator_lists, line_numbers
from bomtrace.io.header_words import by_words
from bomtrace.io.identity import header_role

WriteCsv = Callable[..., Path]


def _codes(t) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.code for i in t.issues]


def _issues(t, code: str) -> list:  # type: ignore[no-untyped-def, type-arg]
    return [i for i in t.issues if i.code == code]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("LCSC Part #", "distributor"),
        ("Digi-Key Part Number", "distributor"),
        ("Order ID", "distributor"),
        ("SKU", "distributor"),
        ("Supplier Reference", "distributor"),
        ("Manufacturer_No", "mpn"),
        ("*Mfg Part #", "mpn"),
        ("manf#", "mpn"),
        ("Part Manufacturer", None),  # the maker's name, not a number
        ("Qty", None),
        ("Digikey $", None),
        ("Value", "name"),
        ("Footprint", "shape"),
    ],
)
def test_header_roles(header: str, role: str | None) -> None:
    assert header_role(header) == role


def test_prices_read_by_their_words_only_when_every_word_says_price() -> None:
    assert by_words("Price\nEach") == ("unit_cost", "alias")
    assert by_words("$ each") == ("unit_cost", "alias")
    assert by_words("Unit$") == ("unit_cost", "alias")
    assert by_words("Ext. Price") is None and by_words("Cost of Used Parts") is None


def test_content_checks() -> None:
    assert line_numbers(pd.Series(["1", "2", "3", "4"]))
    assert not line_numbers(pd.Series(["1", "3", "4"]))
    assert designator_lists(pd.Series(["C1 - C4", "C70_1, C70_2", "J1#3", "R5"]))
    assert not designator_lists(pd.Series(["BN 3525", "CIL-P-857", "M3 screw"]))


def test_a_distributor_number_keys_the_lines_and_a_line_without_one_is_kept_by_its_names(
    write_csv: WriteCsv,
) -> None:
    text = (
        "Designator,Footprint,Quantity,Value,LCSC Part #\n"
        '"C1, C2",0402,2,100n,C1525\n'
        "J4,USB_C,1,USB-C,\n"
    )
    t = read_bom([write_csv("jlc.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["C1525", "(no part number) USB-C | USB_C"]
    assert t.lines["quantity"].tolist()[1:] == [2.0, 1.0]
    key = _issues(t, "key-column")
    assert (
        len(key) == 1 and key[0].column == "E" and "--column part_number=HEADER" in (key[0].message)
    )
    named = _issues(t, "line-keyed-by-name")
    assert len(named) == 1 and named[0].row == 3 and named[0].severity == "warning"
    assert "missing-part-number" not in _codes(t)


def test_an_empty_part_number_takes_the_mpn_and_a_placeholder_is_flagged(
    write_csv: WriteCsv,
) -> None:
    text = "Part Number,MPN,Qty,Value\nP-1,X1,1,\n,LM358,2,\nANY,ANY,3,10k\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["P-1", "LM358", "(no part number) 10k"]
    assert [i.row for i in _issues(t, "part-number-from-column")] == [3]
    assert "placeholder" in _issues(t, "line-keyed-by-name")[0].message


def test_a_line_number_column_is_not_the_part_number(write_csv: WriteCsv) -> None:
    text = "Component,Quantity,PartNumber\n1,2,ABC-1\n2,1,DEF-2\n3,4,GHI-3\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["ABC-1", "DEF-2", "GHI-3"]
    assert "line numbers" in _issues(t, "key-column")[0].message


def test_a_sheet_without_part_numbers_is_keyed_by_what_its_lines_name(
    write_csv: WriteCsv,
) -> None:
    text = "RefDes,Value,Name,Pattern,Quantity\nC1,22uF,CAP,CAP_1206,1\nC2,22uF,CAP,CAP_1206,1\n"
    text += "C3,22uF,CAP,CAP_0805,1\n"
    t = read_bom([write_csv("diptrace.csv", text)])
    # one row per placement: C1 and C2 are one part (same value, name and pattern), C3 another
    assert t.lines["part_number"].tolist()[1:] == ["22uF | CAP | CAP_1206", "22uF | CAP | CAP_0805"]
    assert t.lines["quantity"].tolist()[1:] == [2.0, 1.0]
    assert t.sources[0].rows_merged == 1 and "placements-grouped" in _codes(t)


def test_a_quantity_column_found_from_its_content(write_csv: WriteCsv) -> None:
    text = "Part number,Units,Sold Quantity\nA-1,4,100\nB-2,2,50\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [4.0, 2.0]  # not the quantity bought
    assert "'Units'" in _issues(t, "key-column")[0].message


def test_a_not_assembled_mark_in_the_name_key_is_do_not_populate(write_csv: WriteCsv) -> None:
    text = (
        "Quantity,Designation,Package,Designator\n1,10k/R0402,R0402,R1\n1,NA(10k/R0402),R0402,R2\n"
    )
    t = read_bom([write_csv("olimex.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [1.0, 0.0]
    assert "do-not-populate" in _codes(t)


def test_a_side_table_never_keys_a_line_of_the_bom_beside_it(write_csv: WriteCsv) -> None:
    """Seen in a real workbook: a consumables table to the right of the BOM, in the same rows,
    under its own group label; a BOM line without a number must not take the number of the
    consumable in its row."""
    text = (
        "BOM,,,Consumables,\n"
        "Designation,Qty,Supplier Reference,Designation,Supplier Reference\n"
        "PCB,1,,Glue,ACF00002\n"
        "Screw,2,S-1,,\n"
    )
    t = read_bom([write_csv("side.csv", text)])
    keys = t.lines["part_number"].tolist()[1:]
    assert keys == ["(no part number) PCB", "S-1"]
    assert "ACF00002" not in keys


def test_an_amount_alone_below_the_data_is_a_total(write_csv: WriteCsv) -> None:
    """Seen in a real export: '£101' alone under the cost column after a blank row (a rounded
    total, not the exact sum) was an error 'no part number'."""
    text = "Part Number,Qty,Cost\nA-1,1,£2.50\nB-2,2,£3.10\n,,\n,,£6\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.sources[0].rows_skipped == {"blank": 1, "total line": 1}
    assert "missing-part-number" not in _codes(t)


def test_a_sheet_shifted_right_of_its_header_is_put_back_under_it(write_csv: WriteCsv) -> None:
    """The issue's exporter quirk: every line has one (empty) field more than the header names,
    so the part-number column held the notes. Joining 'R1,1' into the designators would have
    made each quantity the count of two 'designators' (R1 and 1): a wrong quantity."""
    text = (
        "Reference,Qty,Part Number,Description,Notes\n"
        "R1,1,,RES-10K,Resistor 10k,ok\n"
        "R2,2,,RES-22K,Resistor 22k,\n"
        "C1,1,,CAP-1U,Cap 1u,x\n"
        "U1,1,,MCU-1,Micro,\n"
    )
    t = read_bom([write_csv("shift.csv", text)])
    assert t.lines["part_number"].tolist()[1:] == ["RES-10K", "RES-22K", "CAP-1U", "MCU-1"]
    assert t.lines["quantity"].tolist()[1:] == [1.0, 2.0, 1.0, 1.0]
    assert [i.column for i in _issues(t, "row-realigned")] == ["C"]


def test_a_row_is_never_realigned_by_swallowing_its_quantity(write_csv: WriteCsv) -> None:
    text = "Reference,Qty,Part Number\nR1,1,A-1\nR2,R3,2,B-2\nC1,1,C-1\n"
    t = read_bom([write_csv("b.csv", text)])
    assert t.lines["quantity"].tolist()[1:] == [1.0, 2.0, 1.0]  # 'R2,R3' joined: both letters
    text = "Reference,Qty,Part Number\nR1,1,A-1\nR2,1,,B-2\nC1,1,C-1\n"
    t = read_bom([write_csv("c.csv", text)])
    assert 2.0 not in t.lines["quantity"].tolist()  # never 'R2,1' as two designators


def test_generic_headers_are_no_header_and_the_columns_are_read_from_content(
    write_csv: WriteCsv,
) -> None:
    text = (
        "Field1,Field2,Field3,Field4\n"
        "2,490-1524-1-ND,C1 C2,Cap 100nF\n"
        "3,311-10.0KHRCT-ND,R1 R2 R3,Res 10k\n"
        "1,LM358DR,U1,Op amp\n"
        "2,MMBT3904,Q1 Q2,Transistor\n"
    )
    t = read_bom([write_csv("fields.csv", text)])
    assert t.sources[0].header_row == 1
    assert t.lines["part_number"].tolist()[1:] == [
        "490-1524-1-ND",
        "311-10.0KHRCT-ND",
        "LM358DR",
        "MMBT3904",
    ]
    assert t.lines["quantity"].tolist()[1:] == [2.0, 3.0, 1.0, 2.0]
    assert len(_issues(t, "key-column")) >= 2
