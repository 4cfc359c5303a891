"""Reading xlsx workbooks (bomtrace/io/workbooks.py, through read_bom)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from bomtrace.errors import ColumnMappingError, SheetNotFound
from bomtrace.io import read_bom
from bomtrace.issues import issue_tuples

WriteXlsx = Callable[..., Path]

# Header at C3 with rows 1-2 and columns A-B empty; one blank row (7) inside the data.
C3_ROWS = [
    ["Level", "Part Number", "Qty", "Unit Cost", "Notes"],  # row 3
    [0, "PH-100", None, None, None],  # row 4
    [1, "00123", 2, 1.5, "text cell"],  # row 5
    [1, "1E5", "two", 3, None],  # row 6
    [None, None, None, None, None],  # row 7
    [1, "MAR1", 45.0, "abc", None],  # row 8
]


def c3_book(write_xlsx: WriteXlsx) -> Path:
    return write_xlsx("c3.xlsx", {"BOM": C3_ROWS}, origins={"BOM": "C3"})


def test_header_at_c3_gives_excel_rows_and_letters(write_xlsx: WriteXlsx) -> None:
    t = read_bom([c3_book(write_xlsx)])
    src = t.sources[0]
    assert src.header_row == 3
    assert {c.field: c.column for c in src.columns} == {
        "part_number": "D",
        "level": "C",
        "quantity": "E",
        "unit_cost": "F",
    }
    assert t.lines["_row"].tolist() == [4, 5, 6, 8]
    assert issue_tuples(t.issues, ("row", "column", "code", "part_number")) == [
        (3, "G", "unmapped-column", None),
        (6, "E", "bad-quantity", "1E5"),
        (8, "F", "bad-number", "MAR1"),
    ]
    assert t.letter(src.path, "BOM", "x:Notes") == "G"
    assert t.lines["quantity"].tolist()[2:] == [pytest.approx(float("nan"), nan_ok=True), 45.0]


def test_offsets_ignore_styled_empty_cells_and_titles(write_xlsx: WriteXlsx) -> None:
    # A formatted but empty A1 widens the sheet's <dimension>; a title sits in D1.
    path = c3_book(write_xlsx)
    wb = load_workbook(path)
    wb["BOM"]["A1"].font = Font(bold=True)
    wb["BOM"]["B2"] = ""
    wb["BOM"]["D1"] = "Phone BOM, exported 2024-05-01"
    wb.save(path)
    t = read_bom([path])
    assert t.sources[0].header_row == 3
    assert t.lines["_row"].tolist() == [4, 5, 6, 8]
    assert issue_tuples(
        [i for i in t.issues if i.code.value == "bad-quantity"], ("row", "column")
    ) == [(6, "E")]


def test_part_numbers_survive_as_text(write_xlsx: WriteXlsx) -> None:
    rows = [
        ["Level", "Item Number", "Qty"],
        [0, "00123", None],
        [1, "1E5", 1],
        [1, "3-4", 1],
        [1, "MAR1", 1],
        [1, 4711, 1],
    ]
    t = read_bom([write_xlsx("pn.xlsx", {"BOM": rows})])
    assert t.lines["part_number"].tolist() == ["00123", "1E5", "3-4", "MAR1", "4711"]


def test_edge_sheet_and_parts_sheet_in_one_workbook(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "two.xlsx",
        {
            "Edges": [["Parent", "Child", "Qty per"], [None, "TOP", None], ["TOP", "00123", 2]],
            "Parts": [
                ["Part No", "Country of Origin", "ECCN", "Unit Price"],
                ["00123", "USA", "3a001.b.2", "$1,000.00"],
                ["TOP", "China", "EAR99", None],
            ],
            "Notes": [["Please review by Friday"]],
        },
    )
    t = read_bom([path])
    assert t.layout == "parent-child"
    assert [(s.sheet, s.role, s.layout) for s in t.sources] == [
        ("Edges", "bom", "parent-child"),
        ("Parts", "master", None),
    ]
    assert t.parts is not None
    assert t.parts["country_of_origin"].tolist() == ["US", "CN"]
    assert t.parts["eccn"].tolist() == ["3A001.b.2", "EAR99"]
    assert t.parts["unit_cost"].tolist()[0] == 1000.0
    assert issue_tuples(t.issues, ("sheet", "code")) == [("Notes", "sheet-skipped")]


def test_sheet_option_and_not_found(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "two.xlsx",
        {
            "Edges": [["Parent", "Child", "Qty"], ["TOP", "A", 1]],
            "Old": [["Parent", "Child", "Qty"], ["TOP", "B", 1]],
        },
    )
    assert read_bom([path], sheet="Old").lines["part_number"].tolist() == ["B"]
    assert read_bom([path], sheet="1").lines["part_number"].tolist() == ["A"]
    with pytest.raises(SheetNotFound) as err:
        read_bom([path], sheet="BOM")
    assert str(err.value) == (
        f"Sheet 'BOM' not found in {path}. Sheets are: 'Edges', 'Old'. "
        "Use --sheet with one of these names (or a sheet number from 1)."
    )


def test_hidden_sheet_skipped_unless_named(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx(
        "h.xlsx",
        {
            "BOM": [["Level", "Part", "Qty"], [0, "P", None]],
            "Backup": [["Level", "Part", "Qty"], [0, "OLD", None]],
        },
        hidden=("Backup",),
    )
    t = read_bom([path])
    assert t.lines["part_number"].tolist() == ["P"]
    assert issue_tuples(t.issues, ("sheet", "code")) == [("Backup", "sheet-skipped")]
    assert read_bom([path], sheet="Backup").lines["part_number"].tolist() == ["OLD"]


def test_workbook_without_any_bom_sheet(write_xlsx: WriteXlsx) -> None:
    path = write_xlsx("n.xlsx", {"A": [["Hello", "World"]], "B": [["x"]]})
    with pytest.raises(ColumnMappingError) as err:
        read_bom([path])
    assert "no sheet holds a BOM" in str(err.value)
    assert "--column part_number=HEADER" in str(err.value)


def test_xlsx_content_with_csv_suffix(write_xlsx: WriteXlsx, tmp_path: Path) -> None:
    path = write_xlsx("real.xlsx", {"BOM": [["Level", "Part", "Qty"], [0, "P", None]]})
    renamed = path.rename(tmp_path / "export.csv")
    t = read_bom([renamed])
    assert (t.sources[0].file_type, t.sources[0].sheet) == ("xlsx", "BOM")


def test_eager_load_only_when_the_dimension_agrees(write_xlsx: WriteXlsx) -> None:
    import pyarrow as pa

    from bomtrace.io.workbook_parse import Book
    from bomtrace.io.workbooks import Workbook

    path = c3_book(write_xlsx)
    got = Book(path.read_bytes(), "xlsx").parse("BOM")
    assert isinstance(got.cells, pa.RecordBatch)
    assert got.columns == [2, 3, 4, 5, 6] and got.visible is True
    raw, visible = Workbook(path, str(path), "xlsx").load("BOM")
    assert raw.columns == ["C", "D", "E", "F", "G"] and visible
    # a styled empty A1 widens <dimension> to A1:G8: the lazy load gives the true columns
    book = load_workbook(path)
    book["BOM"]["A1"].font = Font(bold=True)
    book.save(path)
    got = Book(path.read_bytes(), "xlsx").parse("BOM")
    assert not isinstance(got.cells, pa.RecordBatch) and got.columns == [2, 3, 4, 5, 6]
    raw, _ = Workbook(path, str(path), "xlsx").load("BOM")
    assert raw.columns == ["C", "D", "E", "F", "G"]
