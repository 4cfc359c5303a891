"""Open a workbook and parse its sheets into Arrow with fastexcel, without pandas.

This is the part of reading a workbook that releases the GIL (calamine parses in Rust), so it
can run on a background thread while pandas imports (:func:`pre_read`, see
:class:`bomtrace.io.options.EarlyReads`); rows hidden in
Excel and merged cells are read from the sheet XML (:mod:`bomtrace.io.sheet_xml`)..
:class:`bomtrace.io.workbooks.Workbook` turns what it gives into :class:`~bomtrace.io.table.
RawSheet` grids with Excel positions.
"""

from __future__ import annotations

import hashlib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

import fastexcel

from bomtrace.io import containers
from bomtrace.io.sheet_xml import SheetMeta, read_sheet_meta, sheet_columns, sheet_info

#: A workbook and, per sheet parsed, the parse and its hidden-row/merged-cell scan.
EarlyBook = tuple["Book", dict[str, tuple["ParsedSheet", "SheetMeta | str | None"]]]

#: Largest sheet XML (uncompressed bytes) scanned for hidden rows and merged cells.
META_MAX_BYTES = 64 * 2**20


@dataclass
class ParsedSheet:
    """One sheet as fastexcel parsed it.

    Attributes
    ----------
    cells : pyarrow.RecordBatch, pyarrow.Table or fastexcel sheet
        Every cell as text: an Arrow record batch (eager load) or table (a sheet parsed in
        parts), or a fastexcel sheet whose ``to_pandas()`` gives the frame (lazy load).
    columns : list of int
        The 0-based sheet column of each loaded column.
    visible : bool
        Whether the sheet is visible in Excel.
    """

    cells: Any
    columns: list[int]
    visible: bool


class Book:
    """A workbook's bytes, SHA-256, fastexcel reader and the XML part of each sheet.

    Parameters
    ----------
    data : bytes
        The workbook file.
    file_type : str
        ``"xlsx"``, ``"xlsm"``, ``"xls"`` or ``"ods"``.

    Raises
    ------
    UnsafeFileError
        A part inflates to more than its zip header declares (:mod:`bomtrace.io.containers`).
    Exception
        fastexcel's own exception when the bytes are not a workbook it can read.
    """

    def __init__(self, data: bytes, file_type: str) -> None:
        self.data = data
        self.file_type = file_type
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.xml: dict[str, tuple[str, int]] = {}
        self.state: dict[str, str] = {}
        self.parts: dict[str, zipfile.ZipInfo] = {}
        if file_type in ("xlsx", "xlsm", "ods"):
            self._open_package()
        self.reader: Any = fastexcel.read_excel(data)
        self.sheet_names: list[str] = list(self.reader.sheet_names)

    def _open_package(self) -> None:
        """Sheet parts and states (xlsx), and every part calamine inflates on opening the
        workbook checked first (:func:`bomtrace.io.containers.verify`; sheets are checked when
        they are read)."""
        try:
            with zipfile.ZipFile(BytesIO(self.data)) as zf:
                self.parts = {i.filename: i for i in zf.infolist()}
        except zipfile.BadZipFile:
            return  # calamine says what is wrong with it
        if self.file_type != "ods":
            try:
                info = sheet_info(self.data)
                sizes = {p: i.file_size for p, i in self.parts.items()}
                self.xml = {n: (p, sizes.get(p, 0)) for n, (p, _) in info.items()}
                self.state = {n: state for n, (_, state) in info.items()}
            except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
                self.xml = {}
        sheets = {p for p, _ in self.xml.values()}
        for part, zinfo in self.parts.items():
            if part not in sheets and containers.needs_verify(zinfo):
                containers.verify(self.data, zinfo)

    def parse(self, name: str) -> ParsedSheet:
        """Parse one sheet, keeping leading empty rows (frame row ``i`` is Excel row ``i + 1``).

        Loaded straight into Arrow (fastexcel's eager mode: faster on large sheets) when the
        sheet's ``<dimension>`` gives the column positions and agrees with what was loaded;
        lazily otherwise.
        """
        if name in self.xml and name in self.state:
            span = sheet_columns(self.data, self.xml[name][0])
            if span is not None:
                batch = self.reader.load_sheet(
                    name, header_row=None, skip_rows=0, dtypes="string", eager=True
                )
                first, last = span
                if batch.num_columns == last - first + 1:
                    cols = list(range(first, last + 1))
                    return ParsedSheet(batch, cols, self.state[name] == "visible")
        sheet = self.reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        cols = [int(c.absolute_index) for c in sheet.selected_columns]
        return ParsedSheet(sheet, cols, str(sheet.visible) == "visible")

    def read(self, name: str) -> tuple[ParsedSheet, SheetMeta | str | None]:
        """:meth:`parse` and :meth:`scan` of one sheet; the XML scan runs beside the parse
        (fastexcel, and zlib in the scan, release the GIL). A large xlsx sheet is parsed in
        parts on every core, and scanned in the same pass (:mod:`bomtrace.io.sheet_split`).
        Raises what :meth:`parse` raises."""
        from bomtrace.io import sheet_split  # here, not at start-up: a CSV run never needs it

        if (
            name in self.xml
            and name in self.state
            and sheet_split.worth_splitting(self.xml[name][1])
        ):
            got = sheet_split.parse_split(self.data, self.xml[name][0], name)
            if got is not None:
                table, cols, meta = got
                return ParsedSheet(table, cols, self.state[name] == "visible"), meta
        part = self.parts.get(self.xml[name][0]) if name in self.xml else None
        if part is not None and containers.needs_verify(part):
            # checked before calamine inflates it (zlib alone, a fraction of the scan's time);
            # then the scan runs beside the parse as for any sheet
            containers.verify(self.data, part)
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(self.scan, name)
            parsed = self.parse(name)
            return parsed, scan.result()

    def scan(self, name: str) -> SheetMeta | str | None:
        """The sheet's hidden rows and merged cells (xlsx), why they were not checked (text),
        or None for formats without sheet XML."""
        if name not in self.xml:
            return None
        xml_path, size = self.xml[name]
        if size > META_MAX_BYTES:
            return (
                f"Rows hidden in Excel and merged cells were not checked in sheet '{name}': its "
                f"XML is {size // 2**20} MB (checked up to {META_MAX_BYTES // 2**20} MB)."
            )
        return read_sheet_meta(self.data, xml_path)


def pre_read(
    data: bytes, file_type: str, sheets: tuple[str, ...], encoding: str | None
) -> EarlyBook:
    """Open a workbook and read these sheets of it (names or 1-based numbers; every sheet
    when none is named). A sheet that fails is left out: the reader parses it again and
    reports the error."""
    book = Book(data, file_type)
    names = book.sheet_names
    if sheets:
        wanted = {s for s in sheets if s in names}
        wanted |= {names[int(s) - 1] for s in sheets if s.isdigit() and 0 < int(s) <= len(names)}
        names = [n for n in names if n in wanted]
    parsed: dict[str, tuple[ParsedSheet, SheetMeta | str | None]] = {}
    for name in names:
        try:
            parsed[name] = book.read(name)
        except Exception:  # the reader parses it again and reports the error
            continue
    return book, parsed
