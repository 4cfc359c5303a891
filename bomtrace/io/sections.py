"""Section headings and second tables inside the data: rows that group lines, not parts.

Hand-kept BOMs group their lines under headings: a category label alone in a row
(``Electronics``, ``Mechanical parts``, ``2 Motors``, ``Screws (Body)``), a title for a second
table (``PCB components:``) followed by that table's own header row. They are skipped with
their own reason (``section heading``, ``header repeated``), never read as lines with a bad
quantity.

A row is a **section heading** when, among the columns that have a header (and the mapped
part-number, quantity and level columns), it holds exactly one cell, that cell is a label
rather than a code (it has a space, or no digit: ``RES-10K`` and ``00123`` are part numbers),
its quantity is empty, and its place says it starts a group: it is the first row below the
header, follows a blank row or another heading, ends with a colon, or is followed by a header
row. A row whose only text is in columns without a header (a section label merged down a side
column) is one too: it holds nothing a line is read from. A part line whose quantity is merely
missing has more than one cell, or sits among the lines: it stays a line and is reported
(``bad-quantity``).

A row without a part number that holds only numbers, each the sum of the lines of its column
since the previous such row (or of all the lines above), is an unlabelled ``total line``.

A heading that says its lines are no longer used (``Previously used``, ``Obsolete``,
``以前使用していたもの``) makes the rows below it, up to the next blank row or heading, lines
that are not in the BOM (``no longer used``): skipped and reported, not counted.

>>> import numpy as np, pandas as pd
>>> cells = {0: pd.Series(["Electronics", "R1", "", "Obsolete parts", "R9"], dtype="str"),
...          1: pd.Series(["", "2", "", "", ""], dtype="str")}
>>> heading, again = section_rows(cells, np.array([0, 3, 4]), header=["Part", "Qty"],
...                               part_col=0, qty_col=1, nonblank=np.array([1, 1, 0, 1, 1], bool))
>>> heading.tolist(), again.tolist()
([True, True, False], [False, False, False])
>>> obsolete_heading(pd.Series(["Electronics", "Obsolete parts"], dtype="str")).tolist()
[False, True]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bomtrace.io.mapping import match_header
from bomtrace.io.values import regex_matches

_CODE = r"^\S*\d\S*$"  # one word with a digit: a part number, not a heading
_NUMBER = r"^[-+]?(\d+[.,]?\d*|[.,]\d+)([eE][-+]?\d+)?%?$"
_COLON = r"[:：]$"
_OBSOLETE = (
    r"(?i)(previously used|no longer used|not used|unused|obsolete|superseded|discontinued|"
    r"deprecated|old parts|replaced parts|nicht (mehr )?verwendet|entfallen|veraltet|obsol[eè]te|"
    r"plus utilis|以前使用|以前の|旧部品|不使用|未使用|废弃|弃用|停用|已淘汰|不再使用)"
)


def section_rows(
    cells: dict[int, pd.Series],
    suspect: np.ndarray,
    *,
    header: list[str],
    part_col: int,
    qty_col: int | None,
    nonblank: np.ndarray,
    level_col: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the suspect rows are section headings, and which repeat a header.

    Parameters
    ----------
    cells : dict of int to pandas.Series
        Stripped text per column, every row below the header.
    suspect : numpy.ndarray
        Positions of the rows that already look unusual (no part number, a quantity that is not
        a plain number); only these are examined.
    header : list of str
        Header text per column.
    part_col, qty_col, level_col : int or None
        Mapped columns.
    nonblank : numpy.ndarray
        bool per row: the row has a value.

    Returns
    -------
    heading, again : numpy.ndarray
        bool masks over ``suspect``.
    """
    n = len(suspect)
    mapped = {c for c in (part_col, qty_col, level_col) if c is not None}
    headed = [j for j in sorted(cells) if j in mapped or (j < len(header) and header[j])]
    if n == 0 or not headed:
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    sub = {j: cells[j].iloc[suspect].reset_index(drop=True) for j in headed}
    count = np.zeros(n, dtype=np.int64)
    label: pd.Series | None = None
    for j in headed:
        s = sub[j]
        count += (s != "").to_numpy()
        label = s if label is None else label.where(label != "", s)
    assert label is not None
    code, number, colon = regex_matches(label, _CODE, _NUMBER, _COLON)
    lone = (count == 1) & ~code & ~number
    if qty_col is not None:
        lone &= (sub[qty_col] == "").to_numpy()
    lone &= ~_named_elsewhere(cells, sub, lone, part_col)  # a product line: its parent names it
    every = {j: cells[j].iloc[suspect].reset_index(drop=True) for j in sorted(cells)}
    again = _second_header(every, header, part_col, qty_col)
    prev = suspect - 1
    at = np.maximum(prev, 0)
    gap = np.ones(n, dtype=bool)  # the row above has nothing under a header
    for j in headed:
        gap &= (cells[j].iloc[at] == "").to_numpy()
    after_gap = (prev < 0) | ~nonblank[at] | gap
    after_heading = np.isin(prev, suspect[lone])
    before_header = np.isin(suspect + 1, suspect[again])
    heading = lone & (after_gap | after_heading | colon | before_header)
    # text only in columns without a header (a section label merged down a side column)
    aside = count == 0
    if aside.any():
        text = np.zeros(n, dtype=bool)
        for j, s in every.items():
            if j not in headed:
                filled = (s != "").to_numpy()
                text |= filled & ~regex_matches(s, _NUMBER)[0]
        heading |= aside & text
    return heading, again


def _named_elsewhere(
    cells: dict[int, pd.Series], sub: dict[int, pd.Series], lone: np.ndarray, part_col: int
) -> np.ndarray:
    """Where a lone cell's text is also a part number or parent elsewhere in the sheet: in
    another column, or again in the part-number column (a product line, not a heading)."""
    out = np.zeros(len(lone), dtype=bool)
    if not lone.any():
        return out
    for j, s in sub.items():
        mine = lone & (s != "").to_numpy()
        if not mine.any():
            continue
        texts = set(s[mine].tolist())
        found: dict[str, int] = {}
        for k, col in cells.items():
            if k == j and j != part_col:
                continue
            hits = col[col.isin(texts)].value_counts()
            for t, v in hits.items():
                found[str(t)] = found.get(str(t), 0) + int(v)
        own = 1 if j == part_col else 0  # the heading's own cell
        out[mine] = [found.get(t, 0) > own for t in s[mine].tolist()]
    return out


def _second_header(
    sub: dict[int, pd.Series], header: list[str], part_col: int, qty_col: int | None
) -> np.ndarray:
    """Rows of header names: the quantity or part-number cell names a field (or is a word of
    that column's header: ``数量`` under ``物料数量``), and at least two cells name fields or
    repeat a header text, with no number among them."""
    n = len(next(iter(sub.values())))
    again = np.zeros(n, dtype=bool)
    texts = {h.casefold() for h in header if h}
    probe = [c for c in (qty_col, part_col) if c is not None and c in sub]
    names = np.zeros(n, dtype=bool)
    for j in probe:
        s = sub[j]
        own = header[j].casefold() if j < len(header) else ""
        uniq = [u for u in pd.unique(s[s != ""]).tolist()][:10_000]
        hits = {u for u in uniq if match_header(u) is not None or _word_of(u, own)}
        names |= s.isin(hits).to_numpy()
    for i in np.flatnonzero(names):  # a few rows: the title rows of second tables
        row = {j: str(s.iat[i]) for j, s in sub.items() if s.iat[i] != ""}
        named = [
            match_header(c) is not None
            or c.casefold() in texts
            or (j < len(header) and _word_of(c, header[j].casefold()))
            for j, c in row.items()
        ]
        again[i] = sum(named) >= 2 and not any(_is_number(c) for c in row.values())
    return again


def _word_of(cell: str, header: str) -> bool:
    """``数量`` in the header ``物料数量``, ``Qty`` in ``Qty Per`` (two letters or more)."""
    c = str(cell).casefold().strip()
    return len(c) >= 2 and bool(header) and c != header and c in header


def _is_number(text: str) -> bool:
    return re.fullmatch(_NUMBER.strip("^$"), text) is not None


def obsolete_heading(labels: pd.Series) -> np.ndarray:
    """Where a heading says the lines below it are no longer used."""
    return regex_matches(labels, _OBSOLETE)[0]


def under_obsolete(codes: np.ndarray, starts: np.ndarray, *, stop: np.ndarray) -> np.ndarray:
    """Rows below each no-longer-used heading, up to the next ``stop`` row (blank, heading)."""
    out = np.zeros(len(codes), dtype=bool)
    ends = np.flatnonzero(stop)
    for s in starts.tolist():  # one per heading
        k = int(np.searchsorted(ends, s + 1))
        out[s + 1 : int(ends[k]) if k < len(ends) else len(codes)] = True
    return out


def sum_rows(cells: dict[int, pd.Series], suspect: np.ndarray, *, part_col: int) -> np.ndarray:
    """Which suspect rows are unlabelled totals: no part number, only numbers, each the sum of
    its column above (since the previous such row, or since the header).

    >>> cells = {0: pd.Series(["A", "B", "", "C", "", ""], dtype="str"),
    ...          1: pd.Series(["2", "3", "5", "4", "9", "4"], dtype="str")}
    >>> sum_rows(cells, np.array([2, 4, 5]), part_col=0).tolist()
    [True, True, False]
    """
    out = np.zeros(len(suspect), dtype=bool)
    nopn = np.flatnonzero((cells[part_col].iloc[suspect] == "").to_numpy())
    if nopn.size == 0:
        return out
    sub = {j: s.iloc[suspect[nopn]].reset_index(drop=True) for j, s in cells.items()}
    filled = np.zeros(nopn.size, dtype=np.int64)
    numeric = np.ones(nopn.size, dtype=bool)
    for s in sub.values():
        has = (s != "").to_numpy()
        filled += has
        numeric &= ~has | regex_matches(s, _NUMBER)[0]
    cand = np.zeros(len(suspect), dtype=bool)
    cand[nopn[numeric & (filled > 0)]] = True
    if not cand.any():
        return out
    rows = suspect[cand]
    ok = np.ones(len(rows), dtype=bool)
    starts = np.concatenate(([0], rows[:-1] + 1))
    notline = np.zeros(len(cells[part_col]), dtype=bool)
    notline[suspect[nopn]] = True  # rows without a part number are summed by no total
    for s in cells.values():
        mine = (s.iloc[rows] != "").to_numpy()
        if not mine.any():
            continue
        values = pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")
        values = values.to_numpy(dtype=float)
        summed = np.where(notline, np.nan, values)
        sums = np.concatenate(([0.0], np.cumsum(np.nan_to_num(summed))))
        counts = np.concatenate(([0], np.cumsum(~np.isnan(summed))))
        here = values[rows]
        block = sums[rows] - sums[starts]  # the lines since the previous such row
        several = counts[rows] - counts[starts] >= 2  # a sum of one value proves nothing
        match = several & np.isclose(here, block, rtol=1e-6, atol=0.005)
        match |= (counts[rows] >= 2) & np.isclose(here, sums[rows], rtol=1e-6, atol=0.005)
        ok &= ~mine | match
    out[np.flatnonzero(cand)] = ok
    return out
