"""Reading delimited text (bomtrace/io/csv_files.py, csv_parse.py, through read_bom)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.errors import FileFormatError
from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]

TITLED = (
    "Phone BOM export\n"  # 1
    "Exported by: ERP 9.2,,\n"  # 2
    "\n"  # 3
    "Level,Part No.,Description,Qty,Unit Cost\n"  # 4 header
    "0,PH-100,Phone,,\n"  # 5
    "1,00123,Board,1,2.50\n"  # 6
    "2,1E5,Resistor,two,0.01\n"  # 7
    "\n"  # 8 blank
    "2,3-4,Cap,4,0.02\n"  # 9
    ",,orphan note,1,\n"  # 10 no part number
    "2,MAR1,IC,1,3.00\n"  # 11
)


def test_header_below_title_block(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("bom.csv", TITLED)])
    src = t.sources[0]
    assert (src.header_row, src.delimiter, src.encoding) == (4, ",", "utf-8-sig")
    assert t.lines["_row"].tolist() == [5, 6, 7, 9, 11]
    assert t.lines["part_number"].tolist() == ["PH-100", "00123", "1E5", "3-4", "MAR1"]
    assert {c.field: (c.column, c.how) for c in src.columns}["part_number"] == ("B", "alias")


def test_bad_quantity_issue_position(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("bom.csv", TITLED)])
    bad = [i for i in t.issues if i.code.value == "bad-quantity"]
    assert issue_tuples(bad, ("row", "column", "code", "part_number")) == [
        (7, "D", "bad-quantity", "1E5")
    ]
    assert bad[0].message == (
        "Quantity 'two' in row 7 is not a number. Use a number such as 2 or 0.5 (a unit may "
        "follow: 2 pcs, 0.5 m), or DNP."
    )
    assert bad[0].file.endswith("bom.csv") and bad[0].sheet is None  # type: ignore[union-attr]


def test_blank_rows_skipped_and_counted(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("bom.csv", TITLED)])
    src = t.sources[0]
    # 7 data lines below the header: 5 used, 1 blank (silent), 1 without part number (issue)
    assert (src.rows, src.rows_used) == (7, 5)
    assert issue_tuples(
        [i for i in t.issues if i.code.value == "missing-part-number"], ("row", "column")
    ) == [(10, "B")]


def test_semicolon_delimiter_and_decimal_comma(write_csv: WriteCsv) -> None:
    text = "Ebene;Teilenummer;Menge;Preis\n0;P1;;\n1;00123;2;1.234,50 €\n1;B;0,5;0,25\n"
    t = read_bom([write_csv("de.csv", text)])
    assert t.sources[0].delimiter == ";"
    assert t.lines["quantity"].tolist()[1:] == [2.0, 0.5]
    assert t.lines["unit_cost"].tolist()[1:] == [1234.5, 0.25]
    assert t.lines["currency"].tolist()[1] == "EUR"


def test_tab_delimiter(write_csv: WriteCsv) -> None:
    text = "Parent\tChild\tQty\tNote\n\tTOP\t\tproduct, top\nTOP\t00123\t2\ta, b\n"
    t = read_bom([write_csv("edges.tsv", text)])
    assert t.sources[0].delimiter == "\t"
    assert t.layout == "parent-child"
    assert t.lines["part_number"].tolist() == ["TOP", "00123"]
    assert t.lines["x:Note"].tolist() == ["product, top", "a, b"]


def test_cp1252_file(write_csv: WriteCsv) -> None:
    text = "Level;Part Number;Description;Qty\n0;P1;Résistance 10 kΩ;\n1;R1;Gehäuse – groß;2\n"
    text = text.replace("Ω", "O")  # cp1252 has no omega
    t = read_bom([write_csv("win.csv", text, encoding="cp1252")])
    assert t.sources[0].encoding == "cp1252"
    assert t.lines["description"].tolist() == ["Résistance 10 kO", "Gehäuse – groß"]


def test_utf8_bom_and_sep_hint(write_csv: WriteCsv) -> None:
    text = "sep=;\nLevel;Part;Qty\n0;P1;\n1;A,1;2\n"
    t = read_bom([write_csv("hint.csv", "\ufeff" + text)])
    assert t.sources[0].delimiter == ";"
    assert t.sources[0].header_row == 2
    assert t.lines["part_number"].tolist() == ["P1", "A,1"]
    assert t.lines["_row"].tolist() == [3, 4]


def test_part_numbers_stay_text(write_csv: WriteCsv) -> None:
    text = "Level,PN,Qty\n0,00123,\n1,1E5,1\n1,3-4,1\n1,MAR1,1\n1, 0042 ,1\n"
    t = read_bom([write_csv("pn.csv", text)])
    assert t.lines["part_number"].tolist() == ["00123", "1E5", "3-4", "MAR1", "0042"]
    assert t.lines["part_number"].dtype == "str"


def test_quoted_newline_keeps_line_numbers(write_csv: WriteCsv) -> None:
    text = 'Level,Part,Description,Qty\n0,P,"two\nline",\n1,A,x,1\n1,B,y,bad\n'
    t = read_bom([write_csv("nl.csv", text)])
    assert t.lines["_row"].tolist() == [2, 4, 5]
    assert t.lines["description"].tolist()[0] == "two\nline"
    assert issue_tuples(t.issues, ("row", "code")) == [(5, "bad-quantity")]


def test_ragged_lines_are_padded_or_skipped(write_csv: WriteCsv) -> None:
    # a short line is padded; a line with a surplus field and no text column to absorb it
    # cannot be re-aligned: it is skipped and reported, and reading goes on
    text = "Level,Part,Qty\n0,P\n1,A,1,surplus\n1,B,bad\n"
    t = read_bom([write_csv("ragged.csv", text)])
    assert t.lines["part_number"].tolist() == ["P", "B"]
    assert t.lines["_row"].tolist() == [2, 4]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [
        (2, "C", "short-row"),
        (3, "D", "ragged-row"),
        (4, "C", "bad-quantity"),
    ]
    src = t.sources[0]
    assert (src.rows, src.rows_used, src.rows_skipped) == (3, 2, {"fields could not be aligned": 1})


def test_format_is_sniffed_from_content_not_suffix(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("looks_like.xlsx", "Level,Part,Qty\n0,P,\n")])
    assert t.sources[0].file_type == "csv"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "cannot be read as a xls workbook"),
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_unsupported_files(tmp_path: Path, content: bytes, needle: str) -> None:
    p = tmp_path / "old.xls"
    p.write_bytes(content)
    with pytest.raises(FileFormatError) as err:
        read_bom([p])
    assert needle in str(err.value)
    assert "Supported: xlsx/xlsm/xls workbooks, ods" in str(err.value)


def test_quoted_newline_in_title_block(write_csv: WriteCsv) -> None:
    text = '"Report\nsecond line"\nLevel,Part,Qty\n0,P,\n1,A,x\n'
    t = read_bom([write_csv("title.csv", text)])
    assert t.sources[0].header_row == 3
    assert t.lines["_row"].tolist() == [4, 5]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [(5, "C", "bad-quantity")]


def test_excel_unicode_text_is_utf16_tab_separated(write_csv: WriteCsv) -> None:
    text = "Level\tPart Number\tQty\tDescription\n0\tP\t\tGerät\n1\t00123\t2\t抵抗\n"
    t = read_bom([write_csv("unicode.txt", "\ufeff" + text, encoding="utf-16-le")])
    src = t.sources[0]
    assert (src.encoding, src.delimiter) == ("utf-16", "\t")
    assert t.lines["description"].tolist() == ["Gerät", "抵抗"]
    assert t.lines["_row"].tolist() == [2, 3]
