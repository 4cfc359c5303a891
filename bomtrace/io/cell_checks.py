"""Checks on cells: those not read as they show, reported where they sit (in the run's
:class:`~bomtrace.issues.IssueLog`, which lists a capped number per code).

The readers note cells whose text had to be changed or could not be had (``RawSheet.notes``):
NUL bytes and bytes in another encoding (CSV, :mod:`bomtrace.io.csv_repair`), formulas
without a saved value (xlsx, :mod:`bomtrace.io.sheet_xml`). Here, once the header is known,
each becomes an issue at its row and column, under the code of the field the column holds
(``bad-quantity``, ``bad-level``, ``bad-flag``, ``bad-date``, else ``bad-number``).

A sheet wider than :data:`MAX_COLUMNS` is read up to that column (:func:`cap_columns`): the
columns past it are reported in one issue, not carried column by column through every step.

Cells longer than a spreadsheet cell can be (:data:`MAX_CELL_CHARS`, Excel's limit) in a
column that holds a field are not real values (a broken export, a pasted file): they are read
as empty and reported, so no message or report repeats a megabyte of text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.io.headers import HeaderMap
from bomtrace.io.layouts import SourcePlan
from bomtrace.io.table import BOOLEAN_FIELDS, RawSheet, column_letter
from bomtrace.io.text_encoding import guessed_message
from bomtrace.issues import Issue, IssueCode, IssueLog, Severity

#: Most characters a cell holds in Excel; a longer one in a field's column is read as empty.
MAX_CELL_CHARS = 32_767
#: Columns of a sheet or file read; BOM exports have tens, PLM attribute dumps a few hundred.
MAX_COLUMNS = 1024
#: Fields without which a line cannot be placed or counted: their notes are errors.
_STRUCTURE = ("part_number", "parent", "quantity", "level")


def field_code(fld: str | None) -> IssueCode:
    """The issue code for a value of this field (None: a column that holds no field) that
    could not be read as it should."""
    if fld == "quantity":
        return IssueCode.BAD_QUANTITY
    if fld == "level":
        return IssueCode.BAD_LEVEL
    if fld in BOOLEAN_FIELDS:
        return IssueCode.BAD_FLAG
    if fld in ("effective_from", "effective_to"):
        return IssueCode.BAD_DATE
    return IssueCode.BAD_NUMBER


def _severity(fld: str | None, kind: str) -> Severity:
    """Text read with replacements: a warning. A value read as empty: an error in a column
    that places or counts the line, a warning in another field, information elsewhere."""
    if kind == "text":
        return Severity.WARNING
    if fld is None:
        return Severity.INFO
    return Severity.ERROR if fld in _STRUCTURE else Severity.WARNING


def check_cells(plan: SourcePlan, log: IssueLog) -> None:
    """Blank the overlong cells of the field columns, and report them and the sheet's notes.

    Parameters
    ----------
    plan : SourcePlan
        The mapped sheet; its ``raw.frame`` is changed in place (overlong cells emptied).
    log : IssueLog
        Receives the issues.
    """
    raw, hmap = plan.raw, plan.hmap
    if raw.encoding_guessed and raw.encoding:
        log.add(Issue(IssueCode.ENCODING_GUESSED, guessed_message(raw.encoding), file=raw.path))
    for note in plan.notes:
        log.add(note)
    by_letter = {raw.columns[j]: f for f, j in hmap.fields.items() if j < len(raw.columns)}
    for row, letter, kind, message in raw.notes:
        fld = by_letter.get(letter)
        code = field_code(fld)
        if not log.room(code):
            log.add(Issue(code, message))  # counted only
            continue
        log.add(
            Issue(
                code,
                message + (f" (column {letter} holds {fld})" if fld else ""),
                severity=_severity(fld, kind),
                file=raw.path,
                sheet=raw.sheet,
                row=row,
                column=letter,
            )
        )
    first = 0 if hmap.index is None else hmap.index + 1
    for fld, j in hmap.fields.items():
        if j < raw.frame.shape[1]:
            _long_cells(raw, first, j, fld, log)


def _long_cells(raw: RawSheet, first: int, j: int, fld: str, log: IssueLog) -> None:
    """Report and empty the cells of column ``j`` (rows from ``first``) longer than a cell can
    be. Byte lengths come from the Arrow offsets (no cell is decoded); characters are
    counted only in the cells that have more bytes than the limit."""
    col = raw.frame.iloc[first:, j]
    if not len(col):
        return
    arr = pa.array(col if col.dtype == "str" else col.astype("str"))
    nbytes = pc.binary_length(arr)
    if (pc.max(nbytes).as_py() or 0) <= MAX_CELL_CHARS:
        return
    over = np.flatnonzero(pc.fill_null(pc.greater(nbytes, MAX_CELL_CHARS), False))
    long = np.array([i for i in over if len(str(col.iat[int(i)])) > MAX_CELL_CHARS], dtype=np.int64)
    if not len(long):
        return
    letter = raw.columns[j] if j < len(raw.columns) else column_letter(j)
    code = field_code(fld)
    for i in long:
        at = first + int(i)
        value = str(raw.frame.iat[at, j])
        row = int(raw.rows[at])
        log.add(
            Issue(
                code,
                f"Cell {letter}{row} holds {len(value):,} characters ('{value[:20]}...'), more "
                f"than a spreadsheet cell can ({MAX_CELL_CHARS:,}): it is not a {fld} and was "
                "read as empty. Check the export.",
                severity=_severity(fld, "empty"),
                file=raw.path,
                sheet=raw.sheet,
                row=row,
                column=letter,
            )
        )
    cells = raw.frame.iloc[:, j].copy()
    cells.iloc[first + long] = ""
    raw.frame.isetitem(j, pd.Series(cells, dtype=cells.dtype))


def cap_columns(raw: RawSheet, log: IssueLog) -> None:
    """Keep the first :data:`MAX_COLUMNS` columns of ``raw`` (in place); report the rest.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> raw = RawSheet("w.csv", None, "csv", "", pd.DataFrame([list(range(1030))]),
    ...                np.array([1]), [column_letter(j) for j in range(1030)])
    >>> log = IssueLog()
    >>> cap_columns(raw, log)
    >>> raw.frame.shape, log.finish()[0].column
    ((1, 1024), 'AMK')
    """
    n = raw.frame.shape[1]
    if n <= MAX_COLUMNS:
        return
    first, last = column_letter(MAX_COLUMNS), column_letter(n - 1)
    raw.frame = raw.frame.iloc[:, :MAX_COLUMNS]
    raw.columns = raw.columns[:MAX_COLUMNS]
    where = f"{raw.path}" + (f", sheet '{raw.sheet}'" if raw.sheet else "")
    log.add(
        Issue(
            IssueCode.SHEET_SKIPPED,
            f"{where} has {n:,} columns; columns {first} to {last} ({n - MAX_COLUMNS:,}) were "
            f"not read: bomtrace reads the first {MAX_COLUMNS:,} columns of a sheet, and a BOM's "
            "fields must be among them. Delete the columns it does not need.",
            severity=Severity.WARNING,
            file=raw.path,
            sheet=raw.sheet,
            column=first,
        )
    )


class RowContext:
    """Positions of one sheet's used rows, for building issues, and what later checks need.

    Parameters
    ----------
    raw : RawSheet
        The sheet (file, sheet name, column letters).
    hmap : HeaderMap
        Its header row and field-to-column map.
    rows : numpy.ndarray
        Excel/line number of every used row.
    pn : pandas.Series
        Part number of every used row.
    """

    def __init__(self, raw: RawSheet, hmap: HeaderMap, rows: np.ndarray, pn: pd.Series) -> None:
        self.raw, self.hmap, self.rows, self.pn = raw, hmap, rows, pn
        self.currency: list[pd.Series] = []  #: currency codes written in money cells
        self.qty_empty: np.ndarray | None = None  #: quantity cell left empty
        self.qty_unit: pd.Series | None = None  #: unit written after a quantity ("2 pcs")
        self.qty_dnp: np.ndarray | None = None  #: quantity cell said DNP
        self.structure = "level"  #: how the level column is written

    def issue(self, code: IssueCode, msg: str, i: int | None, fld: str | None) -> Issue:
        """Issue at used row ``i`` (None: the header row) in the column of field ``fld``."""
        col = self.raw.columns[self.hmap.fields[fld]] if fld in self.hmap.fields else None
        row = int(self.rows[i]) if i is not None else self.header_row
        part = str(self.pn.iat[i]) if i is not None else None
        return Issue(
            code,
            msg,
            file=self.raw.path,
            sheet=self.raw.sheet,
            row=row,
            column=col,
            part_number=part,
        )

    @property
    def header_row(self) -> int | None:
        return int(self.raw.rows[self.hmap.index]) if self.hmap.index is not None else None

    @property
    def where(self) -> str:
        return f"{self.raw.path}" + (f", sheet '{self.raw.sheet}'" if self.raw.sheet else "")

    def issue_at(self, code: IssueCode, msg: str, fld: str | None) -> Issue:
        """Issue about the whole sheet, positioned at the header cell of ``fld``."""
        return self.issue(code, msg, None, fld)
