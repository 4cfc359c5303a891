"""Read worksheets of an xlsx/xlsm workbook into :class:`~bomtrace.io.raw.RawSheet` grids.

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
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import pandas as pd

from bomtrace.errors import FileFormatError
from bomtrace.io.raw import RawSheet, column_letter


class Workbook:
    """An open xlsx/xlsm workbook whose sheets load on demand.

    Parameters
    ----------
    path : Path
        The workbook file.
    given : str
        The path as the caller wrote it (kept in positions and issues).
    file_type : str
        ``"xlsx"`` or ``"xlsm"``.

    Raises
    ------
    FileFormatError
        When the workbook cannot be opened.
    """

    def __init__(self, path: Path, given: str, file_type: str) -> None:
        data = path.read_bytes()
        self.given = given
        self.file_type = file_type
        self.sha256 = hashlib.sha256(data).hexdigest()
        try:
            self._reader: Any = fastexcel.read_excel(data)
        except Exception as exc:  # fastexcel raises its own exception types
            raise FileFormatError(f"{given}: cannot be read as an Excel workbook: {exc}") from exc
        self.sheet_names: list[str] = list(self._reader.sheet_names)

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
        try:
            sheet = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            frame = sheet.to_pandas()
        except Exception as exc:  # fastexcel raises its own exception types
            raise FileFormatError(f"{self.given}: sheet '{name}' cannot be read: {exc}") from exc
        letters = [column_letter(int(c.absolute_index)) for c in sheet.selected_columns]
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
        return raw, str(sheet.visible) == "visible"
