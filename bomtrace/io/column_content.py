"""What a column holds, read from its cells below the header: line numbers, designators, names.

These checks look at the first rows below the header only (:data:`CONTENT_ROWS`), so they cost
the same on a million-line sheet.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bomtrace.io.table import RawSheet

#: rows below the header whose content decides what a column holds
CONTENT_ROWS = 2000


def line_numbers(s: pd.Series) -> bool:
    """True when a column's filled cells are the numbers 1, 2, 3, ... in order (line or row
    numbers, not part numbers).

    >>> line_numbers(pd.Series(["1", "2", "", "3", "4"])), line_numbers(pd.Series(["10", "20"]))
    (True, False)
    """
    filled = s[s != ""]
    if len(filled) < 3:
        return False
    nums = pd.to_numeric(filled, errors="coerce").to_numpy(dtype=float)
    if np.isnan(nums).any():
        return False
    return bool(nums[0] in (0, 1) and (np.diff(nums) == 1).all())


def designator_lists(s: pd.Series) -> bool:
    """True when most filled cells are reference designators (``C10,C18``, ``R1``, ``C1 - C4``,
    ``C70_1``, ``J1#3``).

    >>> designator_lists(pd.Series(["C1, C2", "R7", "U3", "LM358"]))
    True
    >>> designator_lists(pd.Series(["BN 3525", "CIL-P-857", "TBHCEMB03/014A2"]))
    False
    """
    filled = s[s != ""]
    if len(filled) < 3:
        return False
    hits = [_designators(v) for v in filled.tolist()]
    return sum(hits) >= 0.75 * len(hits)


def _designators(text: str) -> bool:
    tokens = [t for t in re.split(r"[\s,;]+|\s-\s", text) if t and t != "-"]
    return bool(tokens) and all(_ONE_DESIGNATOR.match(t) for t in tokens)


_ONE_DESIGNATOR = re.compile(r"^[A-Za-z]{1,5}\d+[\w#.]*(-[A-Za-z]{0,5}\d+)?$")


def column_body(raw: RawSheet, idx: int | None, j: int) -> pd.Series:
    """The stripped cells below the header of one column (the first rows that decide)."""
    start = 0 if idx is None else idx + 1
    col = raw.frame.iloc[start : start + CONTENT_ROWS, j]
    return col.fillna("").astype("str").str.strip().reset_index(drop=True)


def unnamed_names(raw: RawSheet, idx: int | None, cells: list[str], taken: set[int]) -> list[int]:
    """Columns left of the last header with no header of their own whose cells are names
    (mostly filled, mostly text): a hand-kept list's item names under an empty header cell."""
    if idx is None:
        return []
    last = max((j for j, c in enumerate(cells) if c), default=-1)
    out = []
    for j in range(last):
        if cells[j] or j in taken:
            continue
        body = column_body(raw, idx, j)
        filled = body[body != ""]
        if len(filled) < 3 or len(filled) < 0.5 * len(body):
            continue
        numbers = pd.to_numeric(filled.str.replace(",", ".", regex=False), errors="coerce")
        if numbers.notna().mean() < 0.2 and filled.nunique() > len(filled) / 2:
            out.append(j)
    return out
