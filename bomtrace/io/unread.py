"""What gives no BOM lines, and why: rows below the header that are not parts, sources
with nothing below their header, files of a folder that cannot be read.

**Rows below a header that are not BOM lines**: totals, footers, notes, separators, padding.

Real exports put more than data below the header: ``Total`` lines (often formulas; their cached
values are what is read), sign-off and approval blocks, notes, rows of ``-----`` or ``0``, and
the header repeated on every printed page. Each is skipped with a reason and counted, never used
as a part.

Only rows that already look unusual are examined in Python: rows without a part number or with a
quantity that is not a plain number, plus a vectorised check of the part-number column for
``Total``-like words. A clean million-row sheet costs two regular-expression passes.

>>> import pandas as pd
>>> cells = {0: pd.Series(["R1", "Total", "-----", "Approved by: J. Doe"], dtype="str"),
...          1: pd.Series(["2", "45", "", ""], dtype="str")}
>>> codes = classify_rows(cells, part_col=0, qty_col=1, header=["Part", "Qty"])
>>> [SKIP_REASONS[c] for c in codes.tolist()]
['', 'total line', 'separator line', 'footer below the data']

Inputs that give no BOM lines: a file of a folder that cannot be read, a sheet or file with a
header row and nothing below it.

A file of a folder that cannot be read at all (empty, damaged, password-protected, refused as a
zip bomb) does not stop the run: it is reported as a ``file-not-read`` issue naming it (an error,
so that the run cannot pass a gate: its products are missing), and the other files are read.
A source whose header row has no BOM line below it (or whose every line was skipped) adds
nothing: it is reported and left out. When that leaves no BOM lines at all,
the read stops with an :class:`~bomtrace.errors.InputError` saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.errors import FileFormatError, InputError
from bomtrace.io.layouts import where
from bomtrace.io.sections import obsolete_heading, section_rows, sum_rows, under_obsolete
from bomtrace.io.values import regex_matches
from bomtrace.issues import Issue, IssueCode, IssueLog, Severity

if TYPE_CHECKING:
    from bomtrace.io.table import Converted


#: Skip codes per row (0 = candidate line). The reasons are what ``inspect`` shows.
USED, BLANK, NO_PART, TOTAL, FOOTER, SEPARATOR, PADDING, HEADER_AGAIN = range(8)
RAGGED, NOT_IN_EFFECT, SECTION, NOT_USED = 8, 9, 10, 11
SKIP_REASONS: dict[int, str] = {
    USED: "",
    BLANK: "blank",
    NO_PART: "no part number",
    TOTAL: "total line",
    FOOTER: "footer below the data",
    SEPARATOR: "separator line",
    PADDING: "padding line",
    HEADER_AGAIN: "header repeated",
    RAGGED: "fields could not be aligned",
    NOT_IN_EFFECT: "not in effect",
    SECTION: "section heading",
    NOT_USED: "line under a 'no longer used' heading",
}

_TOTAL = (
    r"(?i)^(grand[\s-]*|sub[\s-]*)?(total|totals|sum|summe|gesamt|gesamtsumme|zwischensumme|"
    r"totaux|suma|importe total)\b"
)
_FOOTER = (
    r"(?i)^(approved|approval|prepared|checked|reviewed|verified|drawn|designed by|released|"
    r"authori[sz]ed|signature|signed|sign[\s-]*off|notes?\b|remarks?\b|comments?\b|"
    r"page\s+\d|printed\s+(on|by|at)\b|printed\s*:|generated|end of|date\s*:|erstellt|"
    r"geprüft|freigegeben|genehmigt|"
    r"unterschrift|bemerkung|hinweis|anmerkung|approuvé|vérifié|aprobado|revisado|firma|notas?\b)"
)
#: a label that ends with "total" in a row without a part number ("Off grid TOTAL")
_TOTAL_END = r"(?i)\b(sub|grand)?[\s-]*(total|totals|summe|gesamt|totaux)\s*:?$"
_SEPARATOR = r"^[-=_*~#.+|/\\ ]+$"
_AMOUNT = r"^[£$€¥]?\s*[-+]?\d[\d.,]*\s*[£$€¥]?$"
_MONEY = r"[£$€¥]"
_ZERO = r"^[-+]?[0.,\s]*0[0.,\s]*$|^-$"
_PLAIN = r"^[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?$"


def _match(s: pd.Series, pattern: str) -> np.ndarray:
    return regex_matches(s, pattern)[0]


def _plain_numbers(s: pd.Series) -> np.ndarray:
    """True where a cell is a plain number (one cast when the whole column is)."""
    arr = pa.array(s.astype("str"), type=pa.large_string())
    filled = pc.not_equal(arr, "")
    try:
        pc.cast(pc.if_else(filled, arr, pa.scalar(None, arr.type)), pa.float64())
        return np.asarray(filled, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _match(s, _PLAIN)


def classify_rows(
    cells: dict[int, pd.Series],
    *,
    part_col: int,
    qty_col: int | None,
    header: list[str],
    level_col: int | None = None,
) -> np.ndarray:
    """Skip code per row: 0 for a candidate BOM line, else one of :data:`SKIP_REASONS`.

    Parameters
    ----------
    cells : dict of int to pandas.Series
        Stripped text per column (``""`` = empty), rows below the header.
    part_col, qty_col, level_col : int
        Columns of the part number, quantity and level (None when not mapped).
    header : list of str
        Header text per column (a row that repeats it is a page header).

    Returns
    -------
    numpy.ndarray
        int8 codes: ``BLANK``, ``NO_PART``, ``TOTAL``, ``FOOTER``, ``SEPARATOR``, ``PADDING``,
        ``HEADER_AGAIN`` or 0.
    """
    n = len(cells[part_col]) if cells else 0
    filled = {j: (s != "").to_numpy() for j, s in cells.items()}
    nonblank = np.zeros(n, dtype=bool)
    for m in filled.values():
        nonblank |= m
    codes = np.where(nonblank, USED, BLANK).astype(np.int8)
    pn = cells[part_col]
    has_pn = filled[part_col]
    clean = has_pn.copy()
    if qty_col is not None:
        clean &= _plain_numbers(cells[qty_col])
    if level_col is not None:
        clean &= filled[level_col]
    # totals can carry a clean-looking quantity ("Total, 45"): check the whole part column
    is_total, is_zero = regex_matches(pn, _TOTAL, _ZERO)
    total = has_pn & is_total
    zero_pn = has_pn & is_zero  # "0" or "-" is padding, not a part number
    suspect = np.flatnonzero(nonblank & (~clean | total | zero_pn))
    if suspect.size == 0:
        return codes
    sub = {j: s.iloc[suspect].reset_index(drop=True) for j, s in cells.items()}
    first = _first_cell(sub)
    any_total = np.zeros(len(suspect), dtype=bool)
    for s in sub.values():
        any_total |= _match(s, _TOTAL) | _match(s, _TOTAL_END)
    is_total = total[suspect] | (any_total & ~has_pn[suspect])
    is_total |= sum_rows(cells, suspect, part_col=part_col)
    is_footer = _match(first, _FOOTER)
    sep = np.ones(len(suspect), dtype=bool)
    zero = np.ones(len(suspect), dtype=bool)
    for s in sub.values():
        empty = (s == "").to_numpy()
        sep &= empty | _match(s, _SEPARATOR)
        zero &= empty | _match(s, _ZERO)
    heading, second = section_rows(
        cells,
        suspect,
        header=header,
        part_col=part_col,
        qty_col=qty_col,
        nonblank=nonblank,
        level_col=level_col,
    )
    again = _header_again(sub, header, part_col) | second
    local = np.zeros(len(suspect), dtype=np.int8)
    local[again] = HEADER_AGAIN
    local[zero & (local == 0)] = PADDING
    local[sep & (local == 0)] = SEPARATOR
    local[is_footer & (local == 0)] = FOOTER
    lines = np.flatnonzero(clean & nonblank)
    unused = heading & obsolete_heading(first)  # "Previously used": its lines are not read
    trailing = suspect > (int(lines.max()) if lines.size else -1)  # a credit below the data
    amounts = ~has_pn[suspect]  # "£101" alone below the data: a total, rounded or not
    money = np.zeros(len(suspect), dtype=bool)
    for s in sub.values():
        amounts &= (s == "").to_numpy() | _match(s, _AMOUNT)
        money |= _match(s, _MONEY)
    is_total |= amounts & money & trailing & ~sep
    trailing &= ~unused
    local[heading & ~is_total & trailing & (local == 0)] = FOOTER
    local[heading & ~is_total & (local == 0)] = SECTION
    local[is_total & ~again] = TOTAL
    codes[suspect] = np.where(local > 0, local, codes[suspect])
    _footer_block(codes, clean & nonblank, suspect[(is_footer | heading & trailing) & ~again])
    old = suspect[unused]
    if old.size:
        stop = (codes == BLANK) | (codes == SECTION) | (codes == HEADER_AGAIN)
        below = under_obsolete(codes, old, stop=stop)
        codes[below & ((codes == USED) | (codes == NO_PART))] = NOT_USED
    return codes


def _first_cell(sub: dict[int, pd.Series]) -> pd.Series:
    """First non-empty cell of each row, left to right."""
    out: pd.Series | None = None
    for j in sorted(sub):
        s = sub[j]
        out = s if out is None else out.where(out != "", s)
    return out if out is not None else pd.Series([], dtype="str")


def _header_again(sub: dict[int, pd.Series], header: list[str], part_col: int) -> np.ndarray:
    want = header[part_col].casefold() if part_col < len(header) else ""
    if not want:
        return np.zeros(len(sub[part_col]), dtype=bool)
    return (sub[part_col].str.casefold() == want).to_numpy(dtype=bool)


def _footer_block(codes: np.ndarray, clean: np.ndarray, starts: np.ndarray) -> None:
    """From the first footer row after which no clean line follows, every row is footer."""
    if starts.size == 0:
        return
    last_clean = int(np.flatnonzero(clean).max()) if clean.any() else -1
    after = starts[starts > last_clean]
    if after.size == 0:
        return
    f = int(after.min())
    tail = codes[f:]
    tail[(tail == USED) | (tail == NO_PART) | (tail == SECTION)] = FOOTER


def name_cells(cells: dict[int, pd.Series], i: int, limit: int = 4) -> str:
    """The first non-empty cells of row ``i``, quoted, for messages."""
    vals = [str(cells[j].iat[i]) for j in sorted(cells) if cells[j].iat[i] != ""]
    return ", ".join(f"'{v}'" for v in vals[:limit]) + (", …" if len(vals) > limit else "")


def file_not_read(log: IssueLog, given: str, exc: FileFormatError) -> None:
    """Report a file of a folder that cannot be read; the others are read.

    Parameters
    ----------
    log : IssueLog
        Receives the ``file-not-read`` issue (an error, a warning when the file is empty).
    given : str
        The file as the caller named it.
    exc : FileFormatError
        Why it cannot be read.
    """
    why = str(exc)
    for prefix in (f"{given}: ", f"{given}, "):
        if why.startswith(prefix):
            why = why[len(prefix) :]
    empty = why.startswith("the file is empty")
    log.add(
        Issue(
            IssueCode.FILE_NOT_READ,
            f"File {given} was not read: {why}"
            + ("" if empty else " Its lines are missing from every result."),
            severity=Severity.WARNING if empty else Severity.ERROR,
            file=given,
        )
    )


def drop_empty(boms: Sequence[Converted], log: IssueLog) -> list[Converted]:
    """The sources that hold BOM lines; each one without is reported (``sheet-skipped``).

    Raises
    ------
    InputError
        No source holds a BOM line.
    """
    kept = [c for c in boms if c.info.rows_used > 0]
    reasons = []
    for c in boms:
        if c.info.rows_used > 0:
            continue
        why = _why(c, log)
        reasons.append(f"{where(c.info.path, c.info.sheet)} {why}")
        log.add(
            Issue(
                IssueCode.SHEET_SKIPPED,
                f"{_what(c)} has no BOM lines: it {why}. It was left out.",
                severity=Severity.WARNING,
                file=c.info.path,
                sheet=c.info.sheet,
                row=c.info.header_row or None,
            )
        )
    if not kept:
        raise InputError(
            "No BOM lines to analyse: " + "; ".join(reasons) + ". Add the BOM's lines below "
            "its header row (a product line, then its parts)."
        )
    return kept


def _what(c: Converted) -> str:
    if c.info.sheet is not None:
        return f"Sheet '{c.info.sheet}' of {c.info.path}"
    return f"File {c.info.path}"


def _why(c: Converted, log: IssueLog) -> str:
    header = f"header row (row {c.info.header_row})" if c.info.header_row else "header row"
    if not c.info.rows:
        return f"has a {header} and no rows below it"
    first = next(
        (
            i
            for i in log.finish(sort=True)
            if i.file == c.info.path and i.sheet == c.info.sheet and i.row is not None
        ),
        None,
    )
    n = c.info.rows
    said = f" (first: row {first.row}: {first.message})" if first is not None else ""
    return f"has {n} row{'s' if n != 1 else ''} below its {header}, all skipped{said}"
