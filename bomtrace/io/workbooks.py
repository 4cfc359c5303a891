"""Read worksheets of a workbook (xlsx, xlsm, legacy xls, ods) into RawSheet grids.

fastexcel (calamine) reads all four formats. For xlsx/xlsm the sheet's XML is also scanned for
rows hidden in Excel and cells merged down several rows (:mod:`bomtrace.io.sheet_xml`): hidden
rows are reported, a merged value is read in every row of its range. A sheet whose XML is
larger than :data:`~bomtrace.io.sheet_split.SPLIT_MIN_BYTES` is parsed in parts on every core
and scanned in the same pass (:mod:`bomtrace.io.sheet_split`). When it cannot be cut into parts
and its XML is larger than :data:`~bomtrace.io.workbook_parse.META_MAX_BYTES`, it is not scanned
(the scan would be as slow as the whole parse beside it); ``inspect`` says so.

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

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bomtrace.errors import EncryptedFileError, FileFormatError
from bomtrace.io.formats import SUPPORTED
from bomtrace.io.sheet_xml import SheetMeta
from bomtrace.io.table import RawSheet, column_letter
from bomtrace.io.workbook_parse import Book, ParsedSheet

if TYPE_CHECKING:
    from bomtrace.io.options import EarlyReads


class Workbook:
    """An open xlsx/xlsm workbook whose sheets load on demand.

    What was already parsed of it on a background thread (``early``) is taken over; the
    rest is parsed here.

    Parameters
    ----------
    path : Path
        The workbook file.
    given : str
        The path as the caller wrote it (kept in positions and issues).
    file_type : str
        ``"xlsx"``, ``"xlsm"``, ``"xls"`` or ``"ods"``.
    early : EarlyReads, optional
        What was read of the input files on a background thread.

    Raises
    ------
    FileFormatError
        When the workbook cannot be opened.
    """

    def __init__(
        self, path: Path, given: str, file_type: str, early: EarlyReads | None = None
    ) -> None:
        self.given = given
        self.file_type = file_type
        book = early.take_book(path, file_type) if early is not None else None
        self._early: dict[str, tuple[ParsedSheet, SheetMeta | str | None]] = {}
        if book is not None:
            self._book, self._early = book
        else:
            try:
                self._book = Book(path.read_bytes(), file_type)
            except FileFormatError as exc:  # refused by the zip guard
                raise type(exc)(f"{given}: {exc}") from None
            except Exception as exc:  # fastexcel raises its own exception types
                raise _unreadable(given, file_type, exc) from exc
        self.sha256 = self._book.sha256
        self.sheet_names: list[str] = self._book.sheet_names

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
        parsed, meta = self._early.pop(name) if name in self._early else self._read(name)
        raw = self._raw(name, parsed)
        if meta is not None:
            self._meta(raw, parsed.columns, meta)
        return raw, parsed.visible

    def _read(self, name: str) -> tuple[ParsedSheet, SheetMeta | str | None]:
        try:
            return self._book.read(name)
        except FileFormatError as exc:  # refused by the zip guard
            raise type(exc)(f"{self.given}, sheet '{name}': {exc}") from None
        except Exception as exc:  # fastexcel raises its own exception types
            why = _first_line(exc)
            raise FileFormatError(
                f"{self.given}: sheet '{name}' cannot be read ({why}). The file may be "
                "damaged or cut short: open it in Excel or LibreOffice and save it again."
            ) from exc

    def _raw(self, name: str, parsed: ParsedSheet) -> RawSheet:
        frame = parsed.cells.to_pandas()
        frame.columns = pd.RangeIndex(frame.shape[1])
        return RawSheet(
            path=self.given,
            sheet=name,
            file_type=self.file_type,
            sha256=self.sha256,
            frame=frame,
            rows=np.arange(1, len(frame) + 1, dtype=np.int64),
            columns=[column_letter(c) for c in parsed.columns],
        )

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
        for r, c, formula in meta.formulas:
            j = where.get(c)
            value = frame.iat[r - 1, j] if j is not None and r - 1 < len(frame) else None
            if value is None or value != value or value == "":
                raw.notes.append((r, column_letter(c), "empty", _no_value(r, c, formula)))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _unreadable(given: str, file_type: str, exc: BaseException) -> FileFormatError:
    """The error for a workbook fastexcel cannot open: a locked one is said to be locked."""
    why = _first_line(exc)
    if "password" in why.lower() or "encrypt" in why.lower():
        return EncryptedFileError(
            f"{given}: the workbook is password-protected ({why}), so it cannot be read. Open "
            "it in Excel, remove the password and save it, or save it as .csv."
        )
    return FileFormatError(
        f"{given}: cannot be read as a {file_type} workbook ({why}). Supported: "
        f"{SUPPORTED}. Open it in Excel or LibreOffice and save it as .xlsx or .csv."
    )


def _no_value(row: int, col: int, formula: str) -> str:
    shown = formula if len(formula) <= 60 else formula[:57] + "..."
    return (
        f"Cell {column_letter(col)}{row} holds the formula {shown} but no saved value (the file "
        "was written by a program that does not calculate formulas): it was read as empty, not "
        "as the value Excel would show. Open the file in Excel or LibreOffice and save it, so "
        "the values are calculated and saved."
    )


def open_workbook(
    path: Path, given: str, file_type: str, *, early: EarlyReads | None = None, **_: object
) -> Workbook:
    """Open a workbook as its format's reader (:mod:`bomtrace.io.formats`); the text options
    (``locate``, ``encoding``) do not apply to it."""
    return Workbook(path, given, file_type, early)
