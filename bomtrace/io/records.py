"""Tables that are not BOMs (a producer table, for instance), read with the BOM readers' means.

The file type is judged by content (:mod:`bomtrace.io.formats`), not by the suffix. A workbook's
package is checked first (:func:`bomtrace.io.containers.check_workbook`), then its first sheet
is parsed by fastexcel (:mod:`bomtrace.io.workbook_parse`); delimited text is decoded and its
delimiter sniffed as for a BOM (:mod:`bomtrace.io.csv_parse`). The first row is the header;
what its columns mean is the caller's business. Nothing in this module imports pandas.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "plants.csv"
>>> _ = p.write_text("Producer;Source\\nFab 1;letter\\n\\nFab 2;\\n", encoding="utf-8")
>>> t = read_records(p)
>>> t.header, t.rows
(['Producer', 'Source'], [(2, ['Fab 1', 'letter']), (3, ['Fab 2', ''])])
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from bomtrace.errors import FileFormatError, UnsafeFileError
from bomtrace.io import containers
from bomtrace.io.csv_parse import decode_text, delimiter_of
from bomtrace.io.formats import sniff_file_type


class WorkbookTooLarge(UnsafeFileError):
    """A workbook whose parts together declare more than the caller allows (``limit`` bytes);
    refused before anything in it is inflated."""

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"the workbook would inflate to {total:,} bytes (at most {limit:,})")
        self.total, self.limit = total, limit


@dataclass
class Records:
    """A table's header and its rows as text (``""`` for an empty cell).

    Attributes
    ----------
    header : list of str
        The cells of the first row.
    rows : list of (int, list of str)
        Each row below the header that is not empty, with its row number as a spreadsheet shows
        it (counted like pandas: the header is row 1 and empty lines of a text file are not
        counted). A row may have fewer or more cells than the header.
    """

    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_records(path: Path, *, max_workbook_bytes: int = containers.MAX_TOTAL_BYTES) -> Records:
    """Read a small table: the first sheet of a workbook, or a delimited text file.

    Parameters
    ----------
    path : Path
        The file.
    max_workbook_bytes : int, optional
        Most a workbook's parts may declare in all.

    Returns
    -------
    Records
        The header and the rows.

    Raises
    ------
    WorkbookTooLarge
        A workbook declares more than ``max_workbook_bytes``.
    FileFormatError
        The file is not a table bomtrace can read, is refused as unsafe, or cannot be parsed
        (its message names no file: the caller says which file it is).
    OSError
        The file cannot be opened.
    zipfile.BadZipFile
        A workbook's zip is damaged.
    """
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        total = containers.check_workbook(data, max_workbook_bytes)
        if total > max_workbook_bytes:
            raise WorkbookTooLarge(total, max_workbook_bytes)
    try:
        kind = sniff_file_type(path, data[:8192])
    except FileFormatError as exc:  # the caller names the file
        raise type(exc)(str(exc).removeprefix(f"{path}: ")) from None
    if kind == "csv":
        return _text_records(data)
    return _sheet_records(data, kind)


def _text_records(data: bytes) -> Records:
    text, _ = decode_text(data)
    delim, skip = delimiter_of(text)
    reader = csv.reader(StringIO(text), delimiter=delim)
    try:
        records = list(reader)[skip:]
    except csv.Error as exc:
        raise FileFormatError(f"line {reader.line_num}: {exc}") from None
    records = [r for r in records if r]  # empty lines, as pandas skips them
    if not records:
        raise FileFormatError("No columns to parse from file")
    return Records(records[0], [(i + 2, r) for i, r in enumerate(records[1:])])


def _sheet_records(data: bytes, kind: str) -> Records:
    from bomtrace.io.workbook_parse import Book

    try:
        book = Book(data, kind)
        if not book.sheet_names:
            raise FileFormatError("the workbook has no sheet")
        cells = book.parse(book.sheet_names[0]).cells
        table = cells if hasattr(cells, "to_pylist") else cells.to_arrow()
    except FileFormatError:
        raise
    except Exception as exc:  # fastexcel raises its own exception types
        raise FileFormatError(str(exc).strip().splitlines()[0] if str(exc) else "") from exc
    grid = [["" if v is None else str(v) for v in rec.values()] for rec in table.to_pylist()]
    while grid and not any(grid[-1]):
        grid.pop()
    if not grid:
        raise FileFormatError("No columns to parse from file")
    rows = [(i + 2, r) for i, r in enumerate(grid[1:]) if any(r)]
    return Records(grid[0], rows)
