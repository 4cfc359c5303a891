"""Parsing a large xlsx sheet in parts (bomtrace/io/sheet_split.py) gives the whole parse."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import fastexcel
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bomtrace.io import read_bom, sheet_split
from bomtrace.io.sheet_xml import SheetMeta, read_sheet_meta
from bomtrace.issues import issue_tuples

SHEET_XML = "xl/worksheets/sheet1.xml"
Cells = dict[tuple[int, int], Any]  # (0-based row, 0-based column) -> value


def workbook(
    cells: Cells,
    hidden: tuple[int, ...] = (),
    merged: tuple[tuple[int, int, int, int], ...] = (),
    styled_blanks: tuple[tuple[int, int], ...] = (),
) -> bytes:
    """An xlsx (shared strings, as Excel writes them) with these cells on sheet 'BOM'."""
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("BOM")
    bold = wb.add_format({"bold": True})
    dated = wb.add_format({"num_format": "yyyy-mm-dd"})
    for (r, c), value in cells.items():
        if isinstance(value, date):
            ws.write_datetime(r, c, value, dated)
        else:
            ws.write(r, c, value)
    for r, c in styled_blanks:
        ws.write_blank(r, c, None, bold)
    for r in hidden:
        ws.set_row(r, None, None, {"hidden": True})
    for r0, c0, r1, c1 in merged:
        ws.merge_range(r0, c0, r1, c1, cells.get((r0, c0), "merged"))
    wb.close()
    return buf.getvalue()


def whole(data: bytes) -> tuple[list[list[Any]], list[int]]:
    """The sheet parsed whole, as bomtrace parses it: columns of text and sheet columns."""
    sheet = fastexcel.read_excel(data).load_sheet(
        "BOM", header_row=None, skip_rows=0, dtypes="string"
    )
    table = sheet.to_arrow()
    cols = [int(c.absolute_index) for c in sheet.selected_columns]
    return [table.column(i).to_pylist() for i in range(table.num_columns)], cols


def split(data: bytes, part_bytes: int) -> tuple[list[list[Any]], list[int], SheetMeta]:
    got = sheet_split.parse_split(data, SHEET_XML, "BOM", part_bytes)
    assert got is not None
    table, cols, meta = got
    return [table.column(i).to_pylist() for i in range(table.num_columns)], cols, meta


def rewrite_xml(data: bytes, edit: Any) -> bytes:
    """The workbook with its sheet XML passed through ``edit``."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info)
            zout.writestr(info.filename, edit(content) if info.filename == SHEET_XML else content)
    return out.getvalue()


def bom_cells(n: int = 300, origin: tuple[int, int] = (0, 0), gap_at: int = -1) -> Cells:
    r0, c0 = origin
    cells: Cells = {}
    header = ["Level", "Part Number", "Description", "Qty", "Unit Cost", "Origin"]
    for j, name in enumerate(header):
        cells[(r0, c0 + j)] = name
    row = r0 + 1
    for i in range(n):
        if i == gap_at:
            row += 500  # a run of empty rows longer than a part
        values = [min(i, 1) + (i % 3 > 1), f"P-{i:05d}", f"Part {i % 17}", i % 4 + 1]
        values += [round(1.5 * i, 4), "US" if i % 5 == 0 else "CN"]
        for j, v in enumerate(values):
            cells[(row, c0 + j)] = v
        row += 1
    return cells


CASES = {
    "plain": dict(cells=bom_cells()),
    "header at C3, a long gap": dict(cells=bom_cells(origin=(2, 2), gap_at=150)),
    "dates, booleans, empty strings": dict(
        cells={**bom_cells(120), (40, 7): date(2024, 5, 1), (80, 8): True, (90, 1): ""}
    ),
    "hidden rows and merges": dict(
        cells=bom_cells(200), hidden=(5, 77, 150), merged=((10, 2, 14, 2), (150, 5, 190, 6))
    ),
    "styled blanks outside the data": dict(
        cells=bom_cells(200, origin=(1, 1)), styled_blanks=((0, 0), (250, 12), (400, 3))
    ),
}


@pytest.mark.parametrize("part_bytes", [1, 2_000, 20_000, 10**9])
@pytest.mark.parametrize("case", list(CASES))
def test_split_parse_equals_the_whole_parse(case: str, part_bytes: int) -> None:
    data = workbook(**CASES[case])  # type: ignore[arg-type]
    cells, cols, meta = split(data, part_bytes)
    assert (cells, cols) == whole(data)
    scanned = read_sheet_meta(data, SHEET_XML)
    assert sorted(meta.hidden_rows) == sorted(scanned.hidden_rows)
    assert sorted(meta.merged) == sorted(scanned.merged)


def test_parts_are_really_parsed_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    parse = sheet_split._parse_part

    def spy(path: Path, name: str, marker: int) -> Any:
        seen.append(marker)
        return parse(path, name, marker)

    monkeypatch.setattr(sheet_split, "_parse_part", spy)
    data = workbook(bom_cells(origin=(2, 2)))
    split(data, 2_000)
    assert len(seen) > 5
    assert seen[0] == -1 and set(seen[1:]) == {2}  # markers go in column C


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 400), st.integers(0, 9)),
        st.one_of(st.text("ab1 ", min_size=1, max_size=4), st.integers(-5, 5)),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 3_000),
)
def test_any_sparse_sheet_splits_to_the_whole_parse(cells: Cells, part_bytes: int) -> None:
    data = workbook(cells)
    got, cols, _ = split(data, part_bytes)
    assert (got, cols) == whole(data)


def test_namespace_prefixed_xml_is_split() -> None:
    data = workbook(bom_cells(100, origin=(1, 1)))

    def prefix(xml: bytes) -> bytes:
        xml = xml.replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="', 1)
        return re.sub(rb"<(/?)(?!\?|x:)([A-Za-z])", rb"<\1x:\2", xml)

    prefixed = rewrite_xml(data, prefix)
    assert b"<x:row " in zipfile.ZipFile(BytesIO(prefixed)).read(SHEET_XML)
    cells, cols, _ = split(prefixed, 1_000)
    assert (cells, cols) == whole(data)


def test_rows_without_cells_are_cut_too() -> None:
    """Rows that only set a height or a format (no ``<c>``), as Excel leaves below the data,
    make parts with nothing to read; the sheet still splits to the whole parse."""
    data = workbook(bom_cells(150))
    empty = b"".join(b'<row r="%d" ht="30" customHeight="1"/>' % r for r in range(400, 700))
    padded = rewrite_xml(data, lambda x: x.replace(b"</sheetData>", empty + b"</sheetData>"))
    cells, cols, _ = split(padded, 1_000)
    assert (cells, cols) == whole(padded) == whole(data)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda x: re.sub(rb'<row r="\d+"', b"<row", x), id="rows without r"),
        pytest.param(lambda x: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", x), id="cells without r"),
        pytest.param(
            lambda x: re.sub(rb'(r="[A-Z]*)650"', rb"\g<1>300\"", x), id="rows out of order"
        ),
        pytest.param(lambda x: x.replace(b"sheetData", b"sheetDatum"), id="no sheetData"),
    ],
)
def test_xml_that_cannot_be_cut_is_left_to_the_whole_parse(edit: Any) -> None:
    data = rewrite_xml(workbook(bom_cells(200, gap_at=100)), edit)
    assert sheet_split.parse_split(data, SHEET_XML, "BOM", 1_000) is None


def test_read_bom_splits_large_sheets_and_reports_their_hidden_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bom.xlsx"
    path.write_bytes(workbook(bom_cells(400), hidden=(30,)))
    before = read_bom([path])
    calls: list[str] = []
    parse = sheet_split.parse_split

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[2])
        return parse(*args, **kwargs)

    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(sheet_split, "WORKERS", 2)
    monkeypatch.setattr(sheet_split, "PART_BYTES", 5_000)
    monkeypatch.setattr(sheet_split, "parse_split", spy)
    after = read_bom([path])
    assert calls == ["BOM"]
    assert after.lines.equals(before.lines)
    keys = ("row", "column", "code")
    assert issue_tuples(after.issues, keys) == issue_tuples(before.issues, keys)
    assert (31, None, "hidden-row") in issue_tuples(after.issues, keys)


def test_one_core_parses_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_split, "WORKERS", 1)
    assert not sheet_split.worth_splitting(10**9)
    monkeypatch.setattr(sheet_split, "WORKERS", 2)
    assert sheet_split.worth_splitting(sheet_split.SPLIT_MIN_BYTES)
    assert not sheet_split.worth_splitting(sheet_split.SPLIT_MIN_BYTES - 1)


EARLY_EXIT = """
import sys, time
from pathlib import Path
from bomtrace.cli.runtime import leave, read_early
from bomtrace.io import ReadOptions, sheet_split

sheet_split.SPLIT_MIN_BYTES, sheet_split.PART_BYTES = 0, 2_000
parse = sheet_split._parse_part

def slow(*args):
    time.sleep(0.2)
    return parse(*args)

sheet_split._parse_part = slow
read_early([sys.argv[1]], ReadOptions())
tmp = Path(sys.argv[2])
for _ in range(500):  # until the parts are being written
    if any(tmp.glob("bomtrace-*/part*.xlsx")):
        break
    time.sleep(0.01)
else:
    sys.exit("no parts were written")
leave(2)  # how the CLI ends a run: os._exit after clean-up
"""


def test_an_early_exit_leaves_no_parts_behind(tmp_path: Path) -> None:
    """A run that stops while a workbook is parsed in parts in the background (a usage
    error found after the parse began) removes the parts' temporary folder."""
    import os
    import subprocess
    import sys

    book = tmp_path / "bom.xlsx"
    book.write_bytes(workbook(bom_cells(2_000)))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    done = subprocess.run(
        [sys.executable, "-c", EARLY_EXIT, str(book), str(tmp)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert list(tmp.iterdir()) == []


def test_an_openpyxl_workbook_splits_to_the_whole_parse() -> None:
    """openpyxl writes text as inline strings (``t="inlineStr"``) and every cell's type."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "BOM"
    for (r, c), value in bom_cells(300, origin=(3, 1), gap_at=120).items():
        ws.cell(row=r + 1, column=c + 1, value=value)
    ws.cell(row=2, column=9).number_format = "0.00"  # a styled empty cell above the data
    buf = BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert b"inlineStr" in zipfile.ZipFile(BytesIO(data)).read(SHEET_XML)
    for part_bytes in (1, 3_000):
        cells, cols, _ = split(data, part_bytes)
        assert (cells, cols) == whole(data)
