"""Parse one large xlsx sheet on every core: its rows are cut into parts parsed side by side.

calamine parses a sheet on one thread. A sheet's XML is
a run of ``<row>`` elements, so it can be cut between two rows. This module inflates the sheet
in chunks and, every :data:`PART_BYTES` or so, cuts it before a ``<row>``. Each part gets the
sheet's own XML head (without ``<dimension>``) and closing tags, and is written to a
temporary workbook next to the original's other files (shared strings, styles, workbook). Daemon
threads parse the parts with fastexcel, which releases the GIL, while this thread inflates
and cuts the next part. At exit, cutting stops and the parts are removed
(:mod:`bomtrace.io.part_files`).

A part is loaded with ``skip_rows`` = its first Excel row - 1, so frame row ``i`` of the part
is Excel row ``first + i``. The parts are padded with empty rows up to the next part's first
row and stacked, over the union of their columns. The result is what parsing the whole sheet
with ``skip_rows=0`` gives (``tests/test_io_sheet_split.py`` compares the two). The rows hidden
in Excel and the merged cells are scanned in the same pass (:func:`bomtrace.io.sheet_xml.
scan_xml`), so a split sheet is checked for both whatever its size.

What is inflated and written is bounded: the sheet is inflated with
:func:`bomtrace.io.containers.inflate`, which refuses a part that gives more than its zip header
declares (an :class:`~bomtrace.errors.UnsafeFileError`, raised rather than parsed whole); at
most :data:`PENDING_PARTS` parts per worker wait in the temporary folder; a row longer than
:data:`ROW_MAX_BYTES` makes the sheet parse whole instead of growing in memory. Part
files are named by number, never by sheet or part name, so no name can point outside the folder.

When the XML is not what the cut assumes (no ``<sheetData>``, a cut row without its ``r``
number, rows out of order) or anything else fails (a part's parse, the temporary folder),
:func:`parse_split` returns None and the caller parses the whole sheet: that parse gives the
result, or the error, in its own words.
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future
from io import BytesIO
from pathlib import Path
from typing import Any

import fastexcel

from bomtrace.errors import UnsafeFileError
from bomtrace.io import containers, part_files
from bomtrace.io.sheet_xml import SheetMeta, column_index, scan_xml

#: Sheets whose XML is at least this large are split (smaller ones are parsed whole).
SPLIT_MIN_BYTES = 64 * 2**20
#: Target size of one part's XML (uncompressed bytes).
PART_BYTES = 48 * 2**20
#: Parts written and waiting to be parsed, per worker, at most.
PENDING_PARTS = 2
#: The longest row held in memory to be cut (or PENDING_PARTS parts, if more); a longer one
#: makes the sheet parse whole.
ROW_MAX_BYTES = 4 * PART_BYTES
#: Text of the cell marking where a part starts (see :meth:`_PartWriter._marker`).
MARKER = "bomtrace: part starts below"
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
#: Parts parsed at once: the cores this process may use, at most 4.
WORKERS = max(1, min(4, _CORES or 1))
_CHUNK = 1 << 22
_HEAD_MAX = 1 << 24  # a <sheetData> further in than this is not looked for
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?(/?)>")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*>")
_ROW_R = re.compile(rb'\sr\s*=\s*["\'](\d+)["\']')
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']\$?([A-Z]{1,3})\$?\d+["\']')
#: Files of the workbook a part does not need (other sheets, pictures, charts).
_SKIP = ("xl/worksheets/", "xl/chartsheets/", "xl/media/", "xl/drawings/", "xl/charts/")


class _Cut(Exception):
    """The sheet's XML cannot be cut into parts as assumed."""


def worth_splitting(xml_bytes: int) -> bool:
    """Whether a sheet whose XML has this many bytes is parsed in parts (2+ cores, large)."""
    return WORKERS > 1 and xml_bytes >= SPLIT_MIN_BYTES


def parse_split(
    data: bytes, xml_path: str, name: str, part_bytes: int | None = None
) -> tuple[Any, list[int], SheetMeta] | None:
    """Parse one xlsx sheet in parts on :data:`WORKERS` threads.

    Parameters
    ----------
    data : bytes
        The workbook file.
    xml_path : str
        Path of the sheet's XML inside the workbook zip.
    name : str
        The sheet's name.
    part_bytes : int, optional
        Target size of one part's XML (default :data:`PART_BYTES`).

    Returns
    -------
    tuple of (pyarrow.Table, list of int, SheetMeta) or None
        Every cell as text (frame row ``i`` is Excel row ``i + 1``), the 0-based sheet column
        of each table column, and the hidden rows and merged cells; None when the sheet is to
        be parsed whole instead.
    """
    meta = SheetMeta()
    workers = part_files.Workers(WORKERS)
    try:
        with (
            zipfile.ZipFile(BytesIO(data)) as zf,
            part_files.part_dir() as tmp,
        ):
            others = [
                (i.filename, zf.read(i))
                for i in zf.infolist()
                if i.filename != xml_path and not i.filename.startswith(_SKIP)
            ]
            writer = _PartWriter(tmp, xml_path, name, others, workers)
            try:
                sheet = _Stream(containers.inflate(data, zf.getinfo(xml_path), _CHUNK))
                _cut(sheet, part_bytes or PART_BYTES, writer, meta)
                parts = [(first, fut.result()) for first, fut in writer.futures]
            finally:
                for _, fut in writer.futures:
                    fut.cancel()
    except UnsafeFileError:  # a zip bomb: refused, not parsed whole
        raise
    except Exception:  # whatever failed, the whole parse gives the answer (or the error)
        return None
    finally:
        workers.close()
    stacked = _stack(parts)
    return None if stacked is None else (*stacked, meta)


class _Stream:
    """``read()`` over the chunks of :func:`bomtrace.io.containers.inflate` (b"" at the end)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks

    def read(self, _size: int) -> bytes:
        return next(self._chunks, b"")


def _cut(fh: Any, part_bytes: int, writer: _PartWriter, meta: SheetMeta) -> None:
    """Inflate the sheet XML from ``fh`` and hand it to ``writer`` part by part."""
    pending: list[bytes] = []
    size = 0
    row_tag = end_tag = b""
    while True:
        part_files.check()
        chunk = fh.read(_CHUNK)
        if chunk:
            pending.append(chunk)
            size += len(chunk)
        if not row_tag:
            joined = b"".join(pending)
            m = _SHEET_DATA.search(joined)
            if m is None:
                if not chunk or size > _HEAD_MAX:
                    raise _Cut("no <sheetData>")
                continue
            if m.group(2):
                raise _Cut("empty <sheetData/>")
            writer.open(joined[: m.end()], m.group(1))
            row_tag, end_tag = writer.row_tag, b"</" + m.group(1) + b"sheetData>"
            pending = [joined[m.end() :]]
            size = len(pending[0])
        if not chunk:
            break
        if size >= part_bytes:
            joined = b"".join(pending)
            done = _add_parts(joined, len(joined), part_bytes, writer, meta)
            pending = [joined[done:]]
            size = len(pending[0])
            if size > max(PENDING_PARTS * part_bytes, ROW_MAX_BYTES):  # held in memory whole
                raise _Cut("a row longer than several parts")
    joined = b"".join(pending)
    end = joined.rfind(end_tag)
    if end < 0:
        raise _Cut("no </sheetData>")
    done = _add_parts(joined, end, part_bytes, writer, meta)
    scan_xml(joined, meta, start=done)  # the last rows, and the merged cells listed after them
    if _row_start(joined, row_tag, done, end) >= 0:
        writer.add(joined, done, end)


def _add_parts(buf: bytes, end: int, part_bytes: int, writer: _PartWriter, meta: SheetMeta) -> int:
    """Hand ``writer`` parts of about ``part_bytes`` of the rows in ``buf[:end]``, each cut
    before a ``<row``; return where the rows not handed over yet start."""
    done = 0
    while end - done >= part_bytes:
        cut = _row_start(buf, writer.row_tag, done + 1, done + part_bytes)
        if cut < 0:  # a row longer than a part
            cut = _row_start(buf, writer.row_tag, done + part_bytes, end, last=False)
        if cut < 0:
            break
        scan_xml(buf, meta, merges=False, start=done, stop=cut)
        writer.add(buf, done, cut)
        done = cut
    return done


def _row_start(buf: bytes, row_tag: bytes, lo: int, hi: int, last: bool = True) -> int:
    """Offset of the last (or first) ``<row`` start tag in ``buf[lo:hi]``, -1 if none."""
    pos = buf.rfind(row_tag, lo, hi) if last else buf.find(row_tag, lo, hi)
    while pos >= 0:
        after = buf[pos + len(row_tag) : pos + len(row_tag) + 1]
        if after in (b" ", b">", b"\t", b"\n", b"\r", b"/"):
            return pos
        pos = buf.rfind(row_tag, lo, pos) if last else buf.find(row_tag, pos + 1, hi)
    return -1


class _PartWriter:
    """Writes each part as a workbook and submits its parse; keeps the parts' futures."""

    def __init__(
        self,
        tmp: Path,
        xml_path: str,
        name: str,
        others: list[tuple[str, bytes]],
        pool: part_files.Workers,
    ) -> None:
        self.tmp, self.xml_path, self.name = tmp, xml_path, name
        self.others, self.pool = others, pool
        self.head = b""
        self.futures: list[tuple[int, Future[tuple[Any, list[int]]]]] = []
        self.last_row = 0

    def add(self, buf: bytes, start: int, stop: int) -> None:
        """Submit the rows ``buf[start:stop]`` (starting with a ``<row``) as a part. It ends
        with the closing tags only: what follows ``</sheetData>`` holds no cell values."""
        first = self._row_number(buf, start)
        later = bool(self.futures)
        if later and (first is None or first <= self.last_row):
            raise _Cut("a row without its r number, or rows out of order")
        last = self._row_number(buf, _row_start(buf, self.row_tag, start, stop))
        self.last_row = max(self.last_row, first or 0, last or 0)
        cell = self._first_cell(buf, start, stop)
        if later and cell < 0:
            return  # rows without cells (a height or a format): nothing to read in them
        marker, column = self._marker(buf, cell, first) if later else (b"", -1)
        self._wait_for_room()
        path = self.tmp / f"part{len(self.futures)}.xlsx"
        with part_files.making_part(), zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
            for filename, content in self.others:
                out.writestr(filename, content)
            with out.open(zipfile.ZipInfo(self.xml_path), "w", force_zip64=True) as sheet:
                sheet.write(self.head + marker)
                sheet.write(memoryview(buf)[start:stop])
                sheet.write(self.close)
        start = first if later and first is not None else 1
        self.futures.append((start, self.pool.submit(_parse_part, path, self.name, column)))

    def _wait_for_room(self) -> None:
        """Wait while :data:`PENDING_PARTS` parts per worker are written and not parsed yet:
        the temporary folder holds a bounded number of parts, whatever the sheet's size."""
        waiting = [fut for _, fut in self.futures if not fut.done()]
        while len(waiting) >= PENDING_PARTS * self.pool.size:
            waiting[0].result()
            waiting = [fut for fut in waiting if not fut.done()]

    def _first_cell(self, buf: bytes, start: int, stop: int) -> int:
        """Offset of the first ``<c`` start tag in ``buf[start:stop]``, -1 if none."""
        at = buf.find(self.cell_tag, start, stop)
        while at >= 0 and buf[at + len(self.cell_tag) : at + len(self.cell_tag) + 1] not in (
            b" ", b">", b"/", b"\t", b"\n", b"\r",
        ):  # fmt: skip
            at = buf.find(self.cell_tag, at + 1, stop)
        return at

    def _marker(self, buf: bytes, at: int, first: int | None) -> tuple[bytes, int]:
        """A row holding one :data:`MARKER` cell just above the part's first row, in the
        column of its first cell (at ``at``): calamine's range then starts there, so the
        part's rows are known."""
        m = _CELL_REF.search(buf, at, buf.find(b">", at) + 1)
        if m is None or first is None:
            raise _Cut("the part's first cell has no reference")
        letters, row, p = m.group(1), first - 1, self.prefix
        text = b"<%sis><%st>%s</%st></%sis>" % (p, p, MARKER.encode(), p, p)
        cell = b'<%sc r="%s%d" t="inlineStr">%s</%sc>' % (p, letters, row, text, p)
        return b'<%srow r="%d">%s</%srow>' % (p, row, cell, p), column_index(letters)

    def open(self, head: bytes, prefix: bytes) -> None:
        """The sheet's XML up to ``<sheetData>`` (its ``<dimension>`` dropped: a part's range
        is its own) and the namespace prefix of its tags."""
        self.head = _DIMENSION.sub(b"", head)
        self.prefix = prefix
        self.row_tag, self.cell_tag = b"<" + prefix + b"row", b"<" + prefix + b"c"
        self.close = b"</" + prefix + b"sheetData></" + prefix + b"worksheet>"

    @staticmethod
    def _row_number(buf: bytes, start: int) -> int | None:
        if start < 0:
            return None
        end = buf.find(b">", start)
        m = _ROW_R.search(buf, start, end if end > 0 else start)
        return int(m.group(1)) if m else None


def _parse_part(path: Path, name: str, marker: int) -> tuple[Any, list[int]]:
    """One part as an Arrow record batch and the sheet column of each of its columns.

    The first part keeps its leading empty rows (frame row ``i`` is Excel row ``i + 1``). A
    later part's first frame row must be its marker row alone (else a row of the part is out
    of order); it is dropped, and so is the marker's column if no cell of the part is in it."""
    try:
        batch, cols = _load(path, name, marker < 0)
    finally:  # the reader is gone, so the file is closed (Windows cannot remove an open one)
        with contextlib.suppress(OSError):  # else it goes with its folder
            path.unlink(missing_ok=True)
    if marker < 0:
        return batch, cols
    j = cols.index(marker) if marker in cols else -1
    top = batch.slice(0, 1).to_pylist()
    if j < 0 or top[0] != {n: MARKER if i == j else None for i, n in enumerate(batch.schema.names)}:
        raise _Cut("a row of the part is above its first row")  # rows out of order
    batch = batch.slice(1)
    if j in (0, len(cols) - 1) and batch.column(j).null_count == batch.num_rows:
        keep = [i for i in range(len(cols)) if i != j]
        batch, cols = batch.select(keep), [cols[i] for i in keep]
    return batch, cols


def _load(path: Path, name: str, first: bool) -> tuple[Any, list[int]]:
    """A part's cells as fastexcel loads them, and the sheet column of each of its columns."""
    import pyarrow as pa

    part_files.check()
    reader = fastexcel.read_excel(str(path))
    try:
        skip = 0 if first else None
        sheet = reader.load_sheet(name, header_row=None, skip_rows=skip, dtypes="string")
    except fastexcel.InvalidParametersError:  # a first part without cells
        return pa.record_batch([]), []
    return sheet.to_arrow(), [int(c.absolute_index) for c in sheet.selected_columns]


def _stack(parts: list[tuple[int, tuple[Any, list[int]]]]) -> tuple[Any, list[int]] | None:
    """Stack the parts' batches over the union of their columns, each padded with empty rows
    up to the next part's first row; None when a part has more rows than that span."""
    import pyarrow as pa

    while parts and parts[-1][1][0].num_rows == 0:
        parts.pop()  # trailing rows without cells are not in the whole sheet's range either
    used = [c for _, (_, cols) in parts for c in cols]
    if not used:
        return None
    lo, hi = min(used), max(used)
    names = [f"__UNNAMED__{i}" for i in range(hi - lo + 1)]
    schema = pa.schema([(n, pa.string()) for n in names])
    batches = []
    for k, (first, (batch, cols)) in enumerate(parts):
        n = batch.num_rows
        if n:
            where = {c: j for j, c in enumerate(cols)}
            arrays = [
                batch.column(where[c]) if c in where else pa.nulls(n, pa.string())
                for c in range(lo, hi + 1)
            ]
            batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
        if k + 1 < len(parts):
            gap = parts[k + 1][0] - first - n
            if gap < 0:
                return None
            if gap:
                batches.append(
                    pa.RecordBatch.from_arrays(
                        [pa.nulls(gap, pa.string())] * len(names), schema=schema
                    )
                )
    return pa.Table.from_batches(batches, schema=schema), list(range(lo, hi + 1))
