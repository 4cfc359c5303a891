"""Read worksheets of a workbook (xlsx, xlsm, legacy xls, ods) into RawSheet grids.

fastexcel (calamine) reads all four formats. For xlsx/xlsm the sheet's XML is also scanned for
rows hidden in Excel and cells merged down several rows (:mod:`bomtrace.io.xlsxmeta`): hidden
rows are reported, a merged value is read in every row of its range. Sheets whose XML is larger
than :data:`META_MAX_BYTES` are not scanned (machine exports neither hide rows nor merge cells,
and the scan would cost a second per million rows); ``inspect`` says so.

fastexcel (calamine) reads every cell as text (``45.0`` → ``"45"``). By default calamine drops
leading empty rows and columns, so a header at Excel cell C3 would come back at row 0, column 0.
Two documented fastexcel features give the true positions back:

- ``skip_rows=0`` with ``header_row=None`` keeps the leading empty rows, so frame row ``i`` is
  Excel row ``i + 1`` (calamine's ``HeaderRow::Row(0)``);
- every column's ``ColumnInfo.absolute_index`` is its 0-based index in the sheet, which gives the
  column letter.

``tests/test_io_xlsx.py`` checks both with a workbook whose header sits at C3.
"""

from __future__ import annotations

import hashlib
import zipfile
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import fastexcel
import numpy as np
import pandas as pd

from bomtrace.errors import FileFormatError
from bomtrace.io.raw import RawSheet, column_letter
from bomtrace.io.sniff import SUPPORTED
from bomtrace.io.xlsxmeta import SheetMeta, read_sheet_meta, sheet_columns, sheet_info

#: Largest sheet XML (uncompressed bytes) scanned for hidden rows and merged cells.
META_MAX_BYTES = 64 * 2**20


class Workbook:
    """An open xlsx/xlsm workbook whose sheets load on demand.

    Parameters
    ----------
    path : Path
        The workbook file.
    given : str
        The path as the caller wrote it (kept in positions and issues).
    file_type : str
        ``"xlsx"``, ``"xlsm"``, ``"xls"`` or ``"ods"``.

    Raises
    ------
    FileFormatError
        When the workbook cannot be opened.
    """

    def __init__(self, path: Path, given: str, file_type: str) -> None:
        data = path.read_bytes()
        self._data = data
        self.given = given
        self.file_type = file_type
        self.sha256 = hashlib.sha256(data).hexdigest()
        try:
            self._reader: Any = fastexcel.read_excel(data)
        except Exception as exc:  # fastexcel raises its own exception types
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise FileFormatError(
                f"{given}: cannot be read as a {file_type} workbook ({why}). Supported: "
                f"{SUPPORTED}. Open it in Excel or LibreOffice and save it as .xlsx or .csv."
            ) from exc
        self.sheet_names: list[str] = list(self._reader.sheet_names)
        self._xml: dict[str, tuple[str, int]] = {}
        self._state: dict[str, str] = {}
        if file_type in ("xlsx", "xlsm"):
            try:
                info = sheet_info(data)
                with zipfile.ZipFile(BytesIO(data)) as zf:
                    sizes = {i.filename: i.file_size for i in zf.infolist()}
                self._xml = {n: (p, sizes.get(p, 0)) for n, (p, _) in info.items()}
                self._state = {n: state for n, (_, state) in info.items()}
            except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
                self._xml = {}

    def load(self, name: str) -> tuple[RawSheet, bool]:
        """Load one sheet as text cells with Excel rows and column letters.

        Parameters
        ----------
        name : str
            Sheet name (one of :attr:`sheet_names`).

        Returns
        -------
        tuple of (RawSheet, bool)
            The grid and whether the sheet is visible in Excel.

        Raises
        ------
        FileFormatError
            When the sheet cannot be parsed.
        """
        # the XML scan for hidden rows and merged cells runs beside the parse (fastexcel
        # releases the GIL while it parses)
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(self._scan, name)
            raw, visible, cols = self._load(name)
            meta = scan.result()
        if meta is not None:
            self._meta(raw, cols, meta)
        return raw, visible

    def _load(self, name: str) -> tuple[RawSheet, bool, list[int]]:
        try:
            got = self._eager(name)
            if got is not None:
                frame, cols, visible = got
            else:
                sheet = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
                frame = sheet.to_pandas()
                cols = [int(c.absolute_index) for c in sheet.selected_columns]
                visible = str(sheet.visible) == "visible"
        except Exception as exc:  # fastexcel raises its own exception types
            raise FileFormatError(f"{self.given}: sheet '{name}' cannot be read: {exc}") from exc
        letters = [column_letter(c) for c in cols]
        frame.columns = pd.RangeIndex(frame.shape[1])
        rows = np.arange(1, len(frame) + 1, dtype=np.int64)
        raw = RawSheet(
            path=self.given,
            sheet=name,
            file_type=self.file_type,
            sha256=self.sha256,
            frame=frame,
            rows=rows,
            columns=letters,
        )
        return raw, visible, cols

    def _eager(self, name: str) -> tuple[pd.DataFrame, list[int], bool] | None:
        """The sheet loaded straight into Arrow (fastexcel's eager mode: about a quarter
        faster on large sheets), when its ``<dimension>`` gives the column positions and
        agrees with what was loaded; None otherwise (the caller loads it lazily)."""
        if name not in self._xml or name not in self._state:
            return None
        span = sheet_columns(self._data, self._xml[name][0])
        if span is None:
            return None
        batch = self._reader.load_sheet(
            name, header_row=None, skip_rows=0, dtypes="string", eager=True
        )
        first, last = span
        if batch.num_columns != last - first + 1:
            return None
        return batch.to_pandas(), list(range(first, last + 1)), self._state[name] == "visible"

    def _scan(self, name: str) -> SheetMeta | str | None:
        """The sheet's hidden rows and merged cells (xlsx), or why they were not checked."""
        if name not in self._xml:
            return None
        xml_path, size = self._xml[name]
        if size > META_MAX_BYTES:
            return (
                f"Rows hidden in Excel and merged cells were not checked in sheet '{name}': its "
                f"XML is {size // 2**20} MB (checked up to {META_MAX_BYTES // 2**20} MB)."
            )
        return read_sheet_meta(self._data, xml_path)

    def _meta(self, raw: RawSheet, cols: list[int], meta: SheetMeta | str) -> None:
        """Hidden rows and vertical merges of an xlsx sheet (merged values spread down)."""
        if isinstance(meta, str):
            raw.unchecked = meta
            return
        raw.hidden_rows = sorted(meta.hidden_rows)
        where = {c: j for j, c in enumerate(cols)}
        frame = raw.frame
        for r0, r1, c0, c1 in meta.merged:
            j = where.get(c0)
            if r1 <= r0 or j is None or r0 - 1 >= len(frame):
                continue
            value = frame.iat[r0 - 1, j]
            if value is None or value != value or value == "":
                continue
            stop = min(r1, len(frame))
            col = frame.iloc[:, j].copy()
            col.iloc[r0 - 1 : stop] = value
            frame.isetitem(j, col)
            ref = f"{column_letter(c0)}{r0}:{column_letter(c1)}{r1}"
            raw.merged.append((r0, column_letter(c0), ref, str(value)))
