"""Defects of real exports: titles, two-row headers, footers, delimiters, encodings, ragged
rows, legacy formats, several sheets, merged cells and hidden rows (bomtrace/io/*)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bomtrace import api
from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteCsv = Callable[..., Path]
WriteXlsx = Callable[..., Path]

BOM_ROWS: list[list[object]] = [
    ["Level", "Part Number", "Description", "Qty", "Unit Cost"],
    [0, "PH-1", "Phone", None, None],
    [1, "00123", "Board", 1, 2.5],
    [2, "R1", "Resistor 10k", 4, 0.01],
    [1, "CASE", "Case", 1, 3],
]


def _text(rows: Sequence[Sequence[object]], sep: str) -> str:
    return "".join(sep.join("" if v is None else str(v) for v in r) + "\n" for r in rows)


def _pn(t: object) -> list[str]:
    return t.lines["part_number"].tolist()  # type: ignore[attr-defined,no-any-return]


def test_title_block_blank_rows_and_footer(write_csv: WriteCsv) -> None:
    text = (
        "Project: Phone,,,,\n"  # 1
        "Revision: B,,,,\n"  # 2
        "Total Parts: 3,,,,\n"  # 3
        "\n"  # 4
        + _text(BOM_ROWS[:3], ",")  # 5 header, 6, 7
        + "\n"  # 8 blank
        + _text(BOM_ROWS[3:], ",")  # 9, 10
        + ",,,6,\n"  # 11 a total without label: the sum of the column above
        + "----,----,----,----,----\n"  # 12 separator
        + "Total,,,6,12.54\n"  # 13 total
        + "0,0,0,0,0\n"  # 14 padding
        + "Notes:,,,,\n"  # 15 footer
        + "1. All resistors 1%,,,,\n"  # 16
        + "Approved by: J. Doe,,,,\n"  # 17
    )
    t = read_bom([write_csv("bom.csv", text)])
    src = t.sources[0]
    assert src.header_row == 5
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert src.rows == src.rows_used + sum(src.rows_skipped.values())
    assert src.rows_skipped == {
        "blank": 1,
        "total line": 2,
        "footer below the data": 3,
        "separator line": 1,
        "padding line": 1,
    }
    assert issue_tuples(t.issues, ("row", "code")) == [
        (11, "row-skipped"),
        (12, "row-skipped"),
        (13, "row-skipped"),
        (14, "row-skipped"),
        (15, "row-skipped"),
    ]


def test_page_headers_repeated_in_the_data_are_skipped(write_csv: WriteCsv) -> None:
    text = (
        _text(BOM_ROWS[:3], ";")
        + "Level;Part Number;Description;Qty;Unit Cost\n"
        + _text(BOM_ROWS[3:], ";")
    )
    t = read_bom([write_csv("paged.csv", text)])
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert t.sources[0].rows_skipped == {"header repeated": 1}


def test_totals_as_formulas_read_cached_values(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("BOM")
    for i, row in enumerate(BOM_ROWS):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    ws.write(5, 2, "Total")
    ws.write_formula(5, 3, "=SUM(D3:D5)", None, 6)  # cached value 6
    ws.write_formula(2, 4, "=2+0.5", None, 2.5)  # a formula cell with data is a value
    wb.close()
    t = read_bom([path])
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert t.lines["unit_cost"].tolist()[1] == 2.5
    assert issue_tuples(t.issues, ("row", "code")) == [(6, "row-skipped")]


def test_two_row_header_with_group_labels(write_xlsx: WriteXlsx) -> None:
    rows = [
        [None, None, None, "Manufacturer", None, "Supplier", None],
        ["Part Number", "Description", "Qty", "Name", "Part Number", "Name", "Price"],
        ["R1", "Resistor", 4, "Yageo", "RC0603", "Digi-Key", 0.01],
    ]
    t = read_bom([write_xlsx("two.xlsx", {"BOM": rows})], layout="flat")
    src = t.sources[0]
    assert (src.header_row, src.group_row) == (2, 1)
    mapped = {c.field: c.header for c in src.columns}
    assert mapped["part_number"] == "Part Number"
    assert mapped["manufacturer"] == "Manufacturer Name"
    assert mapped["mpn"] == "Manufacturer Part Number"
    assert mapped["supplier"] == "Supplier Name"
    assert mapped["unit_cost"] == "Supplier Price"
    assert t.lines["mpn"].tolist()[1] == "RC0603"
    assert "group-header" in [i.code.value for i in t.issues]
    assert "duplicate-column" not in [i.code.value for i in t.issues]


@pytest.mark.parametrize(
    ("sep", "name"), [(",", "c.csv"), (";", "s.csv"), ("\t", "tab.csv"), ("|", "p.txt")]
)
def test_delimiters_sniffed_from_content(write_csv: WriteCsv, sep: str, name: str) -> None:
    t = read_bom([write_csv(name, _text(BOM_ROWS, sep))])
    assert t.sources[0].delimiter == sep
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]


@pytest.mark.parametrize(
    ("encoding", "bom", "found"),
    [
        ("utf-8", "", "utf-8-sig"),
        ("utf-8", "\ufeff", "utf-8-sig"),
        ("cp1252", "", "cp1252"),
        ("latin-1", "", "cp1252"),
        ("utf-16-le", "\ufeff", "utf-16"),
    ],
)
def test_encodings(write_csv: WriteCsv, encoding: str, bom: str, found: str) -> None:
    text = bom + "Level;Sachnummer;Benennung;Menge\n0;P;Gerät;\n1;A;Größe 5 µm;2\n"
    t = read_bom([write_csv("enc.csv", text, encoding=encoding)])
    assert t.sources[0].encoding == found
    assert t.lines["description"].tolist() == ["Gerät", "Größe 5 µm"]


def test_latin1_only_byte_falls_back(write_csv: WriteCsv, tmp_path: Path) -> None:
    p = tmp_path / "l1.csv"
    p.write_bytes(b"Level,Part,Description,Qty\n0,P,x\x81y,\n1,A,b,1\n")  # 0x81: not cp1252
    t = read_bom([p])
    assert t.sources[0].encoding == "latin-1"


def test_crlf_line_ends(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("crlf.csv", _text(BOM_ROWS, ",").replace("\n", "\r\n"))])
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert t.lines["_row"].tolist() == [2, 3, 4, 5]
    assert t.lines["unit_cost"].tolist()[1:] == [2.5, 0.01, 3.0]


def test_ragged_row_realigned_when_unambiguous(write_csv: WriteCsv) -> None:
    text = (
        "Level,Part,Description,Qty,Unit Cost\n"
        "0,P,Phone,,\n"
        "1,C7,Cap, 10uF X7R,2,0.05\n"  # unquoted comma in the description
        "1,R1,Resistor,4,0.01\n"
    )
    t = read_bom([write_csv("r.csv", text)])
    assert _pn(t) == ["P", "C7", "R1"]
    assert t.lines["description"].tolist()[1] == "Cap, 10uF X7R"
    assert t.lines["quantity"].tolist()[1:] == [2.0, 4.0]
    assert issue_tuples(t.issues, ("row", "column", "code", "part_number")) == [
        (3, "C", "row-realigned", "C7")
    ]


def test_quoted_row_with_an_extra_trailing_field_is_cut_not_joined(write_csv: WriteCsv) -> None:
    text = (
        '"Part","Qty","Description","Package","Policy"\n'
        '"P","","Phone","",""\n'
        '"FPGA-1","1","FPGA, 150 I/Os","BGA","No Substitutions","a note, with a comma"\n'
        '"R1","4","Resistor","0402","Any"\n'
    )
    t = read_bom([write_csv("q.csv", text)])
    assert _pn(t)[1:] == ["P", "FPGA-1", "R1"]
    assert t.lines["description"].tolist()[2] == "FPGA, 150 I/Os"
    assert t.lines["quantity"].tolist()[2:] == [1.0, 4.0]
    got = issue_tuples(t.issues, ("row", "column", "code", "part_number"))
    assert [i for i in got if i[2] == "extra-fields"] == [(3, "F", "extra-fields", "FPGA-1")]


def test_quoted_extra_field_is_cut_also_where_records_span_lines(write_csv: WriteCsv) -> None:
    # a quoted line break sends the file down the tolerant parser: quoting is still known
    text = (
        '"Part","Qty","Description","Package"\n'
        '"R1","4","Resistor\n0402","0402"\n'
        '"FPGA-1","1","FPGA, 150 I/Os","BGA","a note"\n'
    )
    t = read_bom([write_csv("spans.csv", text)])
    assert _pn(t)[1:] == ["R1", "FPGA-1"]
    assert t.lines["description"].tolist()[2] == "FPGA, 150 I/Os"
    assert "extra-fields" in [i.code for i in t.issues]


def test_row_out_of_step_before_an_empty_trailing_column_is_realigned(
    write_csv: WriteCsv,
) -> None:
    # the empty Notes field makes the row as wide as the header once trailing blanks are
    # dropped, but its quantity then reads '2 End Sets': the join that fits is the description
    text = (
        "Category,Part,Description,Qty,Notes\n"
        "Frame,P,Printer,,\n"
        ",CC-1,Cable Chain - 1m, 2 End Sets,1,\n"
        ',T-1,Cable Tie 4",40,\n'
    )
    t = read_bom([write_csv("v.csv", text)])
    assert _pn(t)[1:] == ["P", "CC-1", "T-1"]
    assert t.lines["description"].tolist()[2] == "Cable Chain - 1m, 2 End Sets"
    assert t.lines["quantity"].tolist()[2:] == [1.0, 40.0]
    got = issue_tuples(t.issues, ("row", "column", "code", "part_number"))
    assert [i for i in got if i[2] == "row-realigned"] == [(3, "C", "row-realigned", "CC-1")]


def test_ragged_row_that_cannot_be_aligned_is_reported(write_csv: WriteCsv) -> None:
    text = "Level,Part,Qty,Unit Cost\n0,P,,\n1,A,2,0.5,9,9\n1,B,1,0.2\n"
    t = read_bom([write_csv("r.csv", text)])
    assert _pn(t) == ["P", "B"]
    assert issue_tuples(t.issues, ("row", "code")) == [(3, "ragged-row")]
    assert t.sources[0].rows_skipped == {"fields could not be aligned": 1}


def test_ragged_rows_with_quoted_newlines_use_the_tolerant_parser(write_csv: WriteCsv) -> None:
    text = 'Level,Part,Description,Qty\n0,P,"two\nlines",\n1,A,Cap, 10uF,2\n1,B,x,1\n'
    t = read_bom([write_csv("q.csv", text)])
    assert _pn(t) == ["P", "A", "B"]
    assert t.lines["_row"].tolist() == [2, 4, 5]
    assert t.lines["description"].tolist()[1] == "Cap, 10uF"


def test_legacy_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("BOM")
    for i, row in enumerate(BOM_ROWS):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i + 2, j, v)  # two empty rows above
    path = tmp_path / "old.xls"
    wb.save(str(path))
    t = read_bom([path])
    assert t.sources[0].file_type == "xls"
    assert t.sources[0].header_row == 3
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert t.lines["_row"].tolist() == [4, 5, 6, 7]


def test_ods(tmp_path: Path) -> None:
    pytest.importorskip("odf")
    path = tmp_path / "b.ods"
    pd.DataFrame(BOM_ROWS[1:], columns=BOM_ROWS[0]).to_excel(path, engine="odf", index=False)
    t = read_bom([path])
    assert t.sources[0].file_type == "ods"
    assert _pn(t) == ["PH-1", "00123", "R1", "CASE"]
    assert t.lines["quantity"].tolist()[1:] == [1.0, 4.0, 1.0]


def test_sheet_picked_by_content_and_by_option(write_xlsx: WriteXlsx) -> None:
    book = write_xlsx(
        "multi.xlsx",
        {
            "Cover": [["Phone BOM"], ["Rev B"]],
            "BOM": BOM_ROWS,
            "Old BOM": [["Level", "Part", "Qty"], [0, "OLD", None], [1, "X", 1]],
        },
        hidden=("Old BOM",),
    )
    t = read_bom([book])
    assert [s.sheet for s in t.sources] == ["BOM"]
    assert issue_tuples(t.issues, ("sheet", "code")) == [
        ("Cover", "sheet-skipped"),
        ("Old BOM", "sheet-skipped"),
    ]
    assert _pn(read_bom([book], sheet="Old BOM")) == ["OLD", "X"]
    assert _pn(read_bom([book], sheet="3")) == ["OLD", "X"]


def test_merged_cells_and_hidden_rows(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["Parent", "Part", "Qty"],
        ["", "TOP", None],
        ["TOP", "A", 1],
        [None, "B", 2],  # Parent merged down from row 3
        [None, "C", 3],
        ["TOP", "D", 1],
    ]
    path = write_xlsx("m.xlsx", {"BOM": rows})
    wb = load_workbook(path)
    ws = wb["BOM"]
    ws.merge_cells("A3:A5")
    ws.row_dimensions[6].hidden = True
    wb.save(path)
    t = read_bom([path])
    assert t.lines["parent"].fillna("-").tolist() == ["-", "TOP", "TOP", "TOP", "TOP"]
    assert issue_tuples(t.issues, ("row", "column", "code")) == [
        (3, "A", "merged-cells"),
        (6, None, "hidden-row"),
    ]


def test_missing_quantity_column_lists_headers(write_csv: WriteCsv) -> None:
    t = read_bom([write_csv("b.csv", "Level,Part,Anzahl Stk\n0,P,\n1,A,2\n")])
    msg = next(i.message for i in t.issues if i.code.value == "missing-column")
    assert msg == (
        f"No quantity column found in {t.sources[0].path}, so every line's quantity is unknown. "
        "Headers are: 'Level', 'Part', 'Anzahl Stk'. Map one with --column quantity=HEADER."
    )
    fixed = read_bom(
        [write_csv("b.csv", "Level,Part,Anzahl Stk\n0,P,\n1,A,2\n")],
        columns={"quantity": "Anzahl Stk"},
    )
    assert fixed.lines["quantity"].tolist()[1] == 2.0


def test_inspect_counts_add_up_on_a_messy_file(write_csv: WriteCsv) -> None:
    text = "Title: X\n\n" + _text(BOM_ROWS, ",") + "\n,,,,\nTotal,,,6,\nSigned:,,,,\n"
    r = api.inspect([write_csv("m.csv", text)])
    assert r.rows_read == r.rows_used + sum(r.rows_skipped.values())
    assert (r.rows_used, r.lines, r.lines_added) == (4, 4, 0)
    assert r.to_dict()["columns"]["quantity"] == "Qty"


def test_second_header_row_below_the_field_names(write_csv: WriteCsv) -> None:
    text = (
        "Part Number,Qty,Price,,Manufacturer,\n"
        ",,Unit,Extended,Name,Part Number\n"
        "R1,4,0.01,0.04,Yageo,RC0603\n"
    )
    t = read_bom([write_csv("sub.csv", text)])
    src = t.sources[0]
    assert (src.header_row, src.group_row) == (2, 1)
    mapped = {c.field: (c.header, c.column) for c in src.columns}
    assert mapped["part_number"] == ("Part Number", "A")
    assert mapped["unit_cost"] == ("Price Unit", "C")
    assert mapped["manufacturer"] == ("Manufacturer Name", "E")
    assert mapped["mpn"] == ("Manufacturer Part Number", "F")
    assert t.lines["part_number"].tolist() == ["sub", "R1"]
    assert t.lines["x:Price Extended"].tolist()[1] == "0.04"


def test_encoding_option_for_other_code_pages(write_csv: WriteCsv) -> None:
    text = "Level,Part,Description,Qty\n0,P,手机,\n1,A,电阻器 10k,2\n"
    path = write_csv("gbk.csv", text, encoding="gb18030")
    t = read_bom([path], api.ReadOptions(encoding="gb18030"))
    assert t.sources[0].encoding == "gb18030"
    assert t.lines["description"].tolist() == ["手机", "电阻器 10k"]


def test_large_sheets_are_stripped_on_threads_with_the_same_result() -> None:
    import pandas as pd

    from bomtrace.io.rows import _stripped
    from bomtrace.io.values import strip

    n = 120_000
    body = pd.DataFrame(
        {
            0: pd.Series([" a ", None, "b\t"] * (n // 3), dtype="str"),
            1: pd.Series(["  1", "2  ", None] * (n // 3), dtype="str"),
            2: pd.Series([None] * n, dtype="str"),
        }
    )
    got = _stripped(body)
    want = [strip(body[j]).reset_index(drop=True) for j in range(3)]
    assert all(g.equals(w) for g, w in zip(got, want, strict=True))
    assert got[0].tolist()[:3] == ["a", "", "b"]


def test_a_quantity_column_not_recognised_is_named_with_its_flag(write_csv: WriteCsv) -> None:
    """Seen in a real export: "BOM Qty" was not read, every line counted once. A column whose
    header reads like a count and whose cells are counts is read as the quantity, with a
    warning naming it and the flag (a stock count is not); one whose cells are not counts is
    named in the warning of the designator count."""
    """Seen in a real export: "BOM Qty" was not read, every line counted once; the message
    must say which column looks like the quantity and the exact flag (a stock count is not)."""
    path = write_csv("bom.csv", "Part,Designators,BOM Qty,Stock Qty\nM3X12,A1,32,500\nCASE,,1,4\n")
    t = read_bom([path])
    assert t.lines["quantity"].tolist()[-2:] == [32.0, 1.0]
    got = [i for i in t.issues if i.code == "key-column"]
    assert len(got) == 1 and got[0].severity == "warning" and got[0].column == "C"
    assert "'BOM Qty'" in got[0].message and "--column quantity=HEADER" in got[0].message
    words = write_csv("words.csv", "Part,Designators,BOM Qty\nM3X12,A1,lots\nCASE,,some\n")
    t = read_bom([words])
    got = [i for i in t.issues if i.code == "quantity-from-designators"]
    assert len(got) == 1 and got[0].severity == "warning"
    assert "--column quantity='BOM Qty'" in got[0].message
    t = read_bom([path], columns={"quantity": "BOM Qty"})
    assert t.lines["quantity"].tolist()[-2:] == [32.0, 1.0]
    assert not [i for i in t.issues if i.code in ("quantity-from-designators", "key-column")]
