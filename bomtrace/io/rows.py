"""Decide which rows below the header are BOM lines, and report every row that is not.

Every data row ends up used or skipped with a reason (see :data:`~bomtrace.io.unread.
SKIP_REASONS`), so ``rows == rows_used + sum(rows_skipped)`` holds for each sheet. Blank rows
are counted silently; every other skipped row gets a positioned issue.

**Effectivity dates**: which BOM lines are in effect on a date.

A line is in effect on day D when ``effective_from <= D < effective_to``; an empty date is
open. The end date is the first day a line no longer applies (as SAP and most PLM systems
write an engineering change: the old line ends on the day its replacement starts), so a line
that ends on the day another starts is never counted twice.

Dates are read as ISO (``2020-06-01``, also with a time), ``01.06.2020`` (day first),
``6/1/2020`` (month first unless the first number is above 12), ``20200601``, and
``31.12.9999``-style "forever" dates.

>>> import numpy as np, pandas as pd
>>> d, bad = parse_dates(pd.Series(["2020-06-01", "01.06.2020", "6/1/2020", "", "soon"],
...                                 dtype="str"))
>>> np.datetime_as_string(d).tolist(), bad.tolist()
(['2020-06-01', '2020-06-01', '2020-06-01', 'NaT', 'NaT'], [False, False, False, False, True])
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from bomtrace.io.csv_realign import extra_fields as _extra_fields
from bomtrace.io.csv_realign import fits, realign, shift_fixes
from bomtrace.io.layouts import SourcePlan
from bomtrace.io.line_keys import key_lines
from bomtrace.io.table import column_letter
from bomtrace.io.unread import (
    BLANK,
    FOOTER,
    NO_PART,
    NOT_IN_EFFECT,
    RAGGED,
    SKIP_REASONS,
    USED,
    classify_rows,
    name_cells,
)
from bomtrace.io.values import strip
from bomtrace.issues import Issue, IssueCode, IssueLog


@dataclass
class Body:
    """The rows below the header: stripped cells, Excel rows and a skip code per row."""

    cells: dict[int, pd.Series]
    rows: np.ndarray
    codes: np.ndarray
    raw_cells: dict[int, pd.Series]  #: unstripped text of the columns that may be indented

    def skipped(self) -> dict[str, int]:
        """Rows not used, by reason."""
        kinds, counts = np.unique(self.codes[self.codes != USED], return_counts=True)
        return {SKIP_REASONS[int(k)]: int(c) for k, c in zip(kinds, counts, strict=True)}


def _stripped(body: pd.DataFrame) -> list[pd.Series]:
    """Every column stripped; large sheets column by column on two threads (the string
    kernels release the GIL)."""

    def one(j: int) -> pd.Series:
        return strip(body.iloc[:, j]).reset_index(drop=True)

    cols = range(body.shape[1])
    if len(body) < 100_000 or body.shape[1] < 2:
        return [one(j) for j in cols]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, cols))


def read_body(plan: SourcePlan, log: IssueLog, *, indent_cols: tuple[int, ...] = ()) -> Body:
    """Strip the cells below the header and give every row a skip code (0 = used).

    Parameters
    ----------
    plan : SourcePlan
        The sheet and its header map.
    log : IssueLog
        Receives ``missing-part-number``, ``row-skipped``, ``ragged-row``, ``row-realigned``,
        ``short-row`` and ``not-in-effect`` issues.
    indent_cols : tuple of int
        Columns whose unstripped text is kept (indentation levels).

    Returns
    -------
    Body
    """
    raw, hmap = plan.raw, plan.hmap
    start = 0 if hmap.index is None else hmap.index + 1
    body = raw.frame.iloc[start:]
    rows = raw.rows[start:]
    cells = dict(enumerate(_stripped(body)))
    raw_cells = {j: body.iloc[:, j].reset_index(drop=True) for j in indent_cols}
    fields = hmap.fields
    codes = classify_rows(
        cells,
        part_col=fields["part_number"],
        qty_col=fields.get("quantity"),
        level_col=fields.get("level"),
        header=hmap.headers,
    )
    _ragged(plan, start, cells, rows, codes, log)
    key_lines(raw, hmap, cells, rows, codes, log)
    has_pn = (cells[fields["part_number"]] != "").to_numpy()
    codes[(codes == USED) & ~has_pn] = NO_PART
    if plan.role == "bom" and ("effective_from" in fields or "effective_to" in fields):
        _effectivity(plan, cells, rows, codes, log, plan.as_of or date.today())
    _report(plan, cells, rows, codes, log)
    return Body(cells=cells, rows=rows, codes=codes, raw_cells=raw_cells)


def _issue(plan: SourcePlan, code: IssueCode, msg: str, row: int, col: str | None) -> Issue:
    return Issue(code, msg, file=plan.raw.path, sheet=plan.raw.sheet, row=row, column=col)


def _ragged(
    plan: SourcePlan,
    start: int,
    cells: dict[int, pd.Series],
    rows: np.ndarray,
    codes: np.ndarray,
    log: IssueLog,
) -> None:
    raw, hmap = plan.raw, plan.hmap
    if not raw.ragged:
        return
    named = [j for j, h in enumerate(hmap.headers) if h]
    width = (max(named) + 1) if named else len(hmap.headers)
    delim = raw.delimiter or ","
    pn_col = hmap.fields["part_number"]
    fixes: list[tuple[int, list[str]]] = []
    shift = shift_fixes(raw, hmap, start, rows, int((codes != BLANK).sum()), width, fixes, log)
    for k, written in sorted(raw.ragged.items()):
        i = k - start
        if i < 0 or i >= len(rows) or codes[i] not in (USED, NO_PART) or i in shift:
            continue
        fields = list(written)
        while len(fields) > width and not fields[-1].strip():
            fields.pop()
        row = int(rows[i])
        if len(fields) < width:
            log.add(
                _issue(
                    plan,
                    IssueCode.SHORT_ROW,
                    f"Row {row} has {len(fields)} fields but the header has {width}; the missing "
                    "cells at the end were read as empty.",
                    row,
                    raw.columns[len(fields)] if len(fields) < len(raw.columns) else None,
                )
            )
            continue
        if len(fields) == width and (len(written) == width or fits(fields, hmap)):
            continue
        fixed = realign(written, hmap, delim, width)
        if fixed is None and len(fields) == width:
            continue  # read as written: its cells are checked as any other row's
        if fixed is None:
            codes[i] = RAGGED
            log.add(
                _issue(
                    plan,
                    IssueCode.RAGGED_ROW,
                    f"Row {row} has {len(fields)} fields but the header has {width}, and there is "
                    f"no single way to align them, so it was skipped. Put text that contains "
                    f"'{delim}' in double quotes.",
                    row,
                    column_letter(width),
                )
            )
            continue
        values, col = fixed
        fixes.append((i, values))
        if col >= width:
            log.add(_extra_fields(raw, row, written, width, values[pn_col].strip()))
            continue
        log.add(
            Issue(
                IssueCode.ROW_REALIGNED,
                f"Row {row} has {len(written)} fields but the header has {width}: an unquoted "
                f"'{delim}' in {hmap.headers[col] or 'column ' + raw.columns[col]} was taken as "
                f"part of the text ('{values[col]}'). Put such text in double quotes.",
                file=raw.path,
                sheet=raw.sheet,
                row=row,
                column=raw.columns[col],
                part_number=values[pn_col].strip() or None,
            )
        )
    if fixes:  # one write per column (a cell write copies an Arrow column)
        at = np.array([i for i, _ in fixes], dtype=np.int64)
        for j in range(len(cells)):
            vals = [v[j].strip() if j < len(v) else "" for _, v in fixes]
            col = cells[j].copy()
            col.iloc[at] = vals
            cells[j] = col


def _effectivity(
    plan: SourcePlan,
    cells: dict[int, pd.Series],
    rows: np.ndarray,
    codes: np.ndarray,
    log: IssueLog,
    on: date,
) -> None:
    f = plan.hmap.fields
    start = parse_dates(cells[f["effective_from"]])[0] if "effective_from" in f else None
    end = parse_dates(cells[f["effective_to"]])[0] if "effective_to" in f else None
    out = ~in_effect(start, end, on) & (codes == USED)
    if not out.any():
        return
    codes[out] = NOT_IN_EFFECT
    pn = cells[f["part_number"]]
    col = plan.raw.columns[f["effective_from" if start is not None else "effective_to"]]

    def span(i: int) -> str:
        a = "open" if start is None or np.isnat(start[i]) else str(start[i])
        b = "open" if end is None or np.isnat(end[i]) else str(end[i])
        return f"from {a} to {b}"

    log.add_rows(
        IssueCode.NOT_IN_EFFECT,
        out,
        lambda i: Issue(
            IssueCode.NOT_IN_EFFECT,
            f"Row {rows[i]} ({pn.iat[i]}) is not in effect on {on.isoformat()} ({span(i)}, the "
            "end date excluded), so it was not used. Pick another date with --as-of.",
            file=plan.raw.path,
            sheet=plan.raw.sheet,
            row=int(rows[i]),
            column=col,
            part_number=str(pn.iat[i]),
        ),
    )


def _report(
    plan: SourcePlan,
    cells: dict[int, pd.Series],
    rows: np.ndarray,
    codes: np.ndarray,
    log: IssueLog,
) -> None:
    raw = plan.raw
    pn_letter = raw.columns[plan.hmap.fields["part_number"]]
    log.add_rows(
        IssueCode.MISSING_PART_NUMBER,
        codes == NO_PART,
        lambda i: _issue(
            plan,
            IssueCode.MISSING_PART_NUMBER,
            f"Row {rows[i]} has values ({name_cells(cells, i)}) but no part number, so it was "
            f"skipped. Fill in the part number in column {pn_letter}.",
            int(rows[i]),
            pn_letter,
        ),
    )
    other = (codes > NO_PART) & (codes != FOOTER) & (codes != RAGGED) & (codes != NOT_IN_EFFECT)
    log.add_rows(
        IssueCode.ROW_SKIPPED,
        other,
        lambda i: _issue(
            plan,
            IssueCode.ROW_SKIPPED,
            f"Row {rows[i]} ({name_cells(cells, i)}) is a {SKIP_REASONS[int(codes[i])]}, not a "
            "part, so it was skipped.",
            int(rows[i]),
            None,
        ),
    )
    footer = np.flatnonzero(codes == FOOTER)
    if not footer.size:
        return
    runs = np.split(footer, np.flatnonzero(np.diff(footer) > 1) + 1)
    last_row = int(np.flatnonzero(codes != BLANK).max())
    for run in runs:  # one issue per block of footer rows (notes, sign-off)
        where = " below the data" if int(run[-1]) >= last_row else ""
        first, last = int(rows[run[0]]), int(rows[run[-1]])
        one = first == last
        span = f"Row {first} is" if one else f"Rows {first}-{last} are"
        log.add(
            _issue(
                plan,
                IssueCode.ROW_SKIPPED,
                f"{span} a footer{where} ({name_cells(cells, int(run[0]))}: notes, sign-off, "
                f"totals), not parts, so {'it was' if one else 'they were'} skipped.",
                first,
                None,
            )
        )


_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y", "%Y%m%d")


def _one(text: str) -> date | None:
    t = text.strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    parts = t.replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, y = (int(p) for p in parts)
        if y < 100:
            y += 2000
        month, day = (b, a) if a > 12 else (a, b)
        try:
            return date(y, month, day)
        except ValueError:
            return None
    if "T" in t:
        try:
            return datetime.fromisoformat(t).date()
        except ValueError:
            return None
    return None


def parse_dates(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read date cells (once per distinct value).

    Returns
    -------
    dates : numpy.ndarray
        ``datetime64[D]``; NaT where empty or unreadable.
    bad : numpy.ndarray
        bool: not empty and not a date.
    """
    codes, uniques = pd.factorize(s.reset_index(drop=True), use_na_sentinel=True)
    parsed = [_one(str(u)) if u else None for u in uniques]
    table = np.array(
        [np.datetime64(p, "D") if p else np.datetime64("NaT", "D") for p in parsed]
        + [np.datetime64("NaT", "D")],
        dtype="datetime64[D]",
    )
    out = table[np.where(codes < 0, len(parsed), codes)]
    unread = np.array([p is None and bool(u) for u, p in zip(uniques, parsed, strict=True)])
    bad = unread[codes] if len(unread) else np.zeros(len(codes), dtype=bool)
    bad = bad & (codes >= 0)
    return out, bad


def in_effect(start: np.ndarray | None, end: np.ndarray | None, on: date) -> np.ndarray:
    """True where ``start <= on < end`` (a missing date is open).

    >>> import numpy as np
    >>> from datetime import date
    >>> s = np.array(["2020-01-01", "NaT", "2020-06-01"], dtype="datetime64[D]")
    >>> e = np.array(["2020-06-01", "NaT", "NaT"], dtype="datetime64[D]")
    >>> in_effect(s, e, date(2020, 6, 1)).tolist()
    [False, True, True]
    """
    d = np.datetime64(on, "D")
    n = len(start) if start is not None else len(end) if end is not None else 0
    ok = np.ones(n, dtype=bool)
    if start is not None:
        ok &= np.isnat(start) | (start <= d)
    if end is not None:
        ok &= np.isnat(end) | (d < end)
    return ok


def iso(dates: np.ndarray) -> pd.Series:
    """Dates as ISO text (missing where NaT), for the ``effective_*`` columns."""
    out = pd.Series(np.datetime_as_string(dates, unit="D"), dtype="str")
    return out.where(~np.isnat(dates))
