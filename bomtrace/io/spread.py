"""A column spread over the columns to its right by depth: a hand-kept multi-level list writes
each line's designation one column further right per level (*Designation* in C for the top lines,
in D under them, in E one deeper), the columns to the right of the first without a header.

Such a column is read as one (the first filled cell of each row) when, below the header:

- the named column is followed by one or more columns with no header;
- no row fills more than one of them, and at least two rows fill one of the unnamed ones.

The depth (which of them a row fills) is the row's level when the sheet has no level or parent
column: it is then read as the level column (1 for the named column, 2 for the next ...). One
``spread-column`` note (info) says what was read.

>>> import numpy as np
>>> filled = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=bool)
>>> staircase(filled)
True
>>> staircase(np.array([[1, 1, 0], [0, 1, 0], [0, 1, 0]], dtype=bool))
False
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.io.headers import HeaderMap
from bomtrace.io.table import ColumnMatch, RawSheet
from bomtrace.issues import Issue, IssueCode, Severity

#: Fewest rows filling an unnamed column that make a spread column.
MIN_DEEPER = 2


def staircase(filled: np.ndarray) -> bool:
    """Whether a rows × columns "cell is filled" mask is one column spread by depth: one cell
    a row at most, the first column and the others used, never two columns deeper at once."""
    if filled.shape[1] < 2 or np.any(filled.sum(axis=1) > 1):
        return False
    if not (filled[:, 0].any() and filled[:, 1:].any(axis=1).sum() >= MIN_DEEPER):
        return False
    depth = np.argmax(filled[filled.any(axis=1)], axis=1)
    return bool(depth[0] == 0 and np.all(np.diff(depth) <= 1))


def spread_columns(raw: RawSheet, hmap: HeaderMap) -> list[Issue]:
    """Read every spread column as one, in ``raw.frame`` (changed in place); the notes.

    When the sheet has no level or parent column and a spread column gives depths, a level
    column is added to ``raw.frame`` (and ``hmap``) from them.
    """
    if hmap.index is None:
        return []
    top = raw.frame.iloc[hmap.index]
    named = [not pd.isna(v) and str(v).strip() != "" for v in top.tolist()]
    body = raw.frame.iloc[hmap.index + 1 :]
    notes: list[Issue] = []
    j = 0
    while j < len(named) - 1:
        k = j + 1
        while k < len(named) and not named[k]:
            k += 1
        if not named[j] or k == j + 1:
            j = k if k > j + 1 else j + 1
            continue
        cells = body.iloc[:, j:k].fillna("").astype("str")
        filled = np.column_stack(
            [(cells.iloc[:, m].str.strip() != "").to_numpy() for m in range(k - j)]
        )
        if staircase(filled):
            notes.append(_merge(raw, hmap, j, k, cells, filled))
        j = k
    return notes


def _merge(
    raw: RawSheet, hmap: HeaderMap, j: int, k: int, cells: pd.DataFrame, filled: np.ndarray
) -> Issue:
    depth = np.argmax(filled, axis=1)
    merged = cells.iloc[:, 0].to_numpy(dtype=object).copy()
    for m in range(1, k - j):
        at = filled[:, m]
        merged[at] = cells.iloc[:, m].to_numpy(dtype=object)[at]
    start = hmap.index + 1  # type: ignore[operator]
    col = raw.frame.iloc[:, j].astype(object).copy()
    col.iloc[start:] = np.where(filled.any(axis=1), merged, col.iloc[start:].to_numpy())
    raw.frame[raw.frame.columns[j]] = col
    first = int(np.flatnonzero(filled[:, 1:].any(axis=1))[0])
    how = ""
    if "level" not in hmap.fields and "parent" not in hmap.fields:
        how = _depth_level(raw, hmap, j, depth, np.asarray(filled.any(axis=1)))
    span = raw.columns[j + 1] + (f":{raw.columns[k - 1]}" if k - j > 2 else "")
    return Issue(
        IssueCode.SPREAD_COLUMN,
        f"Column {raw.columns[j]} '{hmap.headers[j]}' continues in the {k - j - 1} column(s) to "
        f"its right without a header ({span}): each row fills one of them, deeper lines further "
        f"right, so they were read as one column{how}.",
        severity=Severity.INFO,
        file=raw.path,
        sheet=raw.sheet,
        row=int(raw.rows[start + first]),
        column=raw.columns[j + 1],
    )


def _depth_level(raw: RawSheet, hmap: HeaderMap, j: int, depth: np.ndarray, has: np.ndarray) -> str:
    """Add the depth as a level column (1 = the named column); the note's words."""
    n = raw.frame.shape[1]
    start = hmap.index + 1  # type: ignore[operator]
    level = np.full(len(raw.frame), None, dtype=object)
    level[np.flatnonzero(has) + start] = (depth[has] + 1).astype(str)
    raw.frame[n] = level
    raw.columns.append(raw.columns[j])  # the level is where the designation is
    header = f"{hmap.headers[j]} (depth)"
    raw.frame.iat[hmap.index, n] = header  # type: ignore[index]
    hmap.headers.append(header)
    hmap.fields["level"] = n
    hmap.matches.append(ColumnMatch("level", header, raw.columns[j], "depth of a spread column"))
    return ", and the column a row fills gives its level (1 for the first)"
