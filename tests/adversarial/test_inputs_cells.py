"""Cells that are not what they show: a megabyte in one cell, 10,000 columns, NUL bytes,
mixed encodings, formulas without a saved value. Each is reported at its file, (sheet,) row and
column, and none becomes a silent zero or a silently wrong text."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook
from test_hostile_inputs import GOOD_ROWS, HEADER, analyze, issues, product, refused, run

from bomtrace.io.sheet_xml import SheetMeta, scan_xml

Write = Callable[..., Path]
MB = 2**20


def at(doc: dict, row: int, column: str, code: str | None = None) -> list[dict]:
    """The issues of ``doc`` at this row and column (and code)."""
    return [i for i in issues(doc, code) if i["row"] == row and i["column"] == column]


def test_megabyte_cells_are_reported_not_echoed(write_csv: Write) -> None:
    path = write_csv(
        "long.csv",
        "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
        "0,PROD-1,1,,CN,\n"
        "1,US-PART,2,3,US,EAR99\n"
        f"1,CN-PART,1,{'1' * MB},CN,EAR99\n"
        f"1,{'X' * MB},1,5,CN,EAR99\n",
    )
    res, doc = analyze(path)
    assert doc is not None and len(res.output) < 200_000
    assert product(doc)["total_cost"] == 6  # the megabyte cost is not a number: left out
    [cost] = at(doc, 4, "D", "bad-number")
    [part] = at(doc, 5, "B", "bad-number")
    for i in (cost, part):
        assert "1,048,576 characters" in i["message"] and i["file"] == str(path)
    assert part["severity"] == "error" and at(doc, 5, "B", "missing-part-number")


def test_megabyte_cell_in_an_xlsx_names_its_sheet(write_xlsx: Write, tmp_path: Path) -> None:
    src = write_xlsx("src.xlsx", {"BOM": [*GOOD_ROWS, [1, "LONG", 1, 2, "CN", "EAR99"]]})
    path = tmp_path / "long.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<t>LONG</t>", b"<t>" + b"L" * MB + b"</t>")
            out.writestr(info.filename, data)
    res, doc = analyze(path)
    assert doc is not None and len(res.output) < 200_000
    product(doc)
    [note] = at(doc, 5, "B", "bad-number")
    assert note["sheet"] == "BOM" and "1,048,576 characters" in note["message"]


def test_ten_thousand_columns(write_csv: Write) -> None:
    extra = [f"Attr {i}" for i in range(10_000)]
    rows = [HEADER + extra] + [
        [("" if v is None else str(v)) for v in r] + [f"v{i}" for i in range(10_000)]
        for r in GOOD_ROWS[1:]
    ]
    path = write_csv("wide.csv", "".join(",".join(r) + "\n" for r in rows))
    res, doc = analyze(path)
    assert doc is not None and res.exit_code == 0
    assert product(doc)["total_cost"] == 11
    [note] = issues(doc, "sheet-skipped")
    assert note["column"] == "AMK" and "10,006 columns" in note["message"]


def test_two_thousand_columns_in_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("BOM")
    for i, row in enumerate(GOOD_ROWS):
        ws.write_row(i, 0, [v if v is not None else "" for v in row])
        ws.write_row(i, len(row), [f"Attr {k}" if i == 0 else k for k in range(2000)])
    wb.close()
    res, doc = analyze(path)
    assert doc is not None and product(doc)["total_cost"] == 11
    [note] = issues(doc, "sheet-skipped")
    assert (note["sheet"], note["column"]) == ("BOM", "AMK")


def test_nul_bytes_are_reported_and_never_read_away(write_csv: Write, tmp_path: Path) -> None:
    filler = "".join(f"1,F-{i},1,1,CN,EAR99\n" for i in range(400))  # past the 8 KB sniffed
    text = (
        "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
        "0,PROD-1,1,,CN,\n"
        "1,US-PART,2,3\x00,US,EAR99\n" + filler + "1,CN\x00PART,1,5,CN,EAR99\n"
    )
    path = write_csv("nul.csv", text)
    res, doc = analyze(path)
    assert doc is not None
    p = product(doc)
    assert p["total_cost"] == 400 + 5  # '3\x00' is not 3: the cost is missing, not 3 or 0
    [nul] = [i for i in at(doc, 3, "D", "bad-number") if "NUL" in i["message"]]
    assert nul["file"] == str(path)
    assert [i for i in at(doc, 404, "B") if "NUL" in i["message"]]
    exploded = run("explode", path).stdout  # the part keeps a visible mark, not "CNPART"
    assert "CN\ufffdPART" in exploded and "CNPART" not in exploded


def test_mixed_encodings_read_each_byte_as_written(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n0,Größe-PROD,1,,CN,\n".encode()
        + "1,Café-1,2,3,US,EAR99\n".encode("cp1252")
        + b"1,CN-PART,1,5,CN,EAR99\n"
    )
    res, doc = analyze(path)
    assert doc is not None
    assert product(doc, "Größe-PROD")["total_cost"] == 11
    assert "Ã" not in res.stdout
    [note] = at(doc, 3, "B", "bad-number")
    assert "0xE9" in note["message"] and "'Café-1'" in note["message"]
    assert note["severity"] == "warning"


def test_formulas_without_saved_values(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.create_sheet("BOM")
    wb.remove(wb.worksheets[0])
    for row in GOOD_ROWS:
        ws.append(row)
    ws.append([1, "FORMULA-COST", 1, "=2+3", "CN", "EAR99"])
    ws["G1"], ws["G3"] = "Ext", "=C3*D3"  # a column that is no field: information only
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    res, doc = analyze(path)
    assert doc is not None
    assert product(doc)["total_cost"] == 11  # the formula's cost is missing, not 0 or 5
    [cost] = at(doc, 5, "D", "bad-number")
    assert "=2+3" in cost["message"] and "no saved value" in cost["message"]
    assert cost["sheet"] == "BOM" and cost["severity"] == "warning"
    [ext] = at(doc, 3, "G", "bad-number")
    assert ext["severity"] == "info"
    ws["C3"] = "=1+1"  # a quantity: the line cannot be counted, the product is not analysed
    wb.save(path)
    res, doc = analyze(path)
    assert doc is not None and res.exit_code == 3
    [qty] = [i for i in at(doc, 3, "C", "bad-quantity") if "formula" in i["message"]]
    assert "=1+1" in qty["message"] and qty["severity"] == "error"


def test_formulas_with_saved_values_are_values(tmp_path: Path) -> None:
    path = tmp_path / "saved.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("BOM")
    for i, row in enumerate(GOOD_ROWS):
        ws.write_row(i, 0, [v if v is not None else "" for v in row])
    ws.write_formula(2, 3, "=1+2", None, 3)  # cached 3
    ws.write_formula(1, 6, '=IF(1,"","")', None, "")
    wb.close()
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = "xl/worksheets/sheet1.xml"  # as Excel saves a formula whose value is the empty text
    parts[sheet] = parts[sheet].replace(b'<c r="G2">', b'<c r="G2" t="str">')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    res, doc = analyze(path)
    assert doc is not None and res.exit_code == 0
    assert product(doc)["total_cost"] == 11
    assert not [i for i in doc["issues"] if "formula" in i["message"]]


def test_scan_finds_formula_cells_without_values() -> None:
    xml = (
        b'<sheetData><row r="2"><c r="D2"><f>B2*C2</f></c><c r="E2" s="1">'
        b'<f t="shared" si="0"/><v/></c><c r="F2"><f>1+1</f><v>2</v></c>'
        b'<c r="G2" t="str"><f>""</f><v></v></c><c r="H2">\n  <f>A1&amp;"x"</f>\n</c>'
        b"</row></sheetData><conditionalFormatting><formula>1</formula></conditionalFormatting>"
    )
    meta = SheetMeta()
    scan_xml(xml, meta)
    assert meta.formulas == [(2, 3, "=B2*C2"), (2, 4, "(a shared formula)"), (2, 7, '=A1&"x"')]


def test_a_line_wider_than_any_spreadsheet_is_refused(write_csv: Write) -> None:
    path = write_csv("fields.csv", ",".join(f"C{i}" for i in range(100_000)) + "\n1,2\n")
    refused(run("analyze", path, "-d", "CN"), "fields.csv", "100,000 fields", "16,384 columns")
