"""Outline numbers as levels: a position column (``N°``, ``Item``, ``Pos``, ``Find No`` ...)
numbered ``1, 2, 2.1, 2.2, 3 ...`` gives the structure (2.1 and 2.2 are parts of 2).

A hand-kept multi-level list often has no Level column: its first column numbers the lines in
outline form. Such a column is read as the level column (dotted positions,
:func:`bomtrace.io.layouts.parse_levels_text`) when nothing else gives the structure (no level or
parent column) and its content is an outline, not line numbers:

- its header names a position (see :data:`HEADERS`), and no field is mapped to it;
- every value below the header is a whole number or a dotted one (``2``, ``2.1``, ``2.1.3``),
  at least one is dotted, and every dotted value comes after the line it belongs to (``2.1``
  after a ``2``). A plain line-number column ``1 .. N`` has no dotted value; decimals such as
  ``1.5`` or ``2.0`` come after no ``1`` or ``2``.

The guess is reported (``outline-levels``, a warning) with the flag that reads the sheet flat.

>>> import pandas as pd
>>> is_outline(pd.Series(["1", "2", "2.1", "2.2", "3", "3.1"], dtype="str"))
True
>>> is_outline(pd.Series(["1", "2", "3", "4"], dtype="str"))
False
>>> is_outline(pd.Series(["1.5", "2.0", "3"], dtype="str"))
False
"""

from __future__ import annotations

import re

import pandas as pd

from bomtrace.io.headers import HeaderMap
from bomtrace.io.table import ColumnMatch, RawSheet
from bomtrace.issues import Issue, IssueCode

#: Header texts of a position column (lower case, punctuation ``° º . # : -`` read as spaces).
HEADERS = frozenset(
    {
        "n", "no", "nr", "num", "number", "item", "item no", "item nr", "item number",
        "pos", "pos nr", "position", "position no", "find", "find no", "find number",
        "outline", "wbs", "rep", "repère", "repere", "index", "lfd nr",
    }
)  # fmt: skip
_PUNCT = re.compile(r"[°º.#:\-]")
_OUTLINE = r"^\d+(\.\d+)*$"
#: Fewest values that make an outline (two lines are no structure to guess from).
MIN_VALUES = 3


def _header_key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def is_outline(values: pd.Series) -> bool:
    """Whether stripped non-empty cells are outline numbers (see the module text)."""
    s = values.astype("str").str.rstrip(".").reset_index(drop=True)
    if len(s) < MIN_VALUES or not s.str.fullmatch(_OUTLINE).all():
        return False
    dotted = s.str.contains(".", regex=False).to_numpy()
    if not dotted.any():
        return False
    first = pd.Series(s.index[~s.duplicated()], index=s[~s.duplicated()].to_numpy())
    owner = s[dotted].str.replace(r"\.\d+$", "", regex=True).map(first)
    return bool((owner.to_numpy() < s.index.to_numpy()[dotted]).all())


def outline_column(raw: RawSheet, hmap: HeaderMap) -> int | None:
    """The unmapped position column whose content is an outline, if any."""
    mapped = set(hmap.fields.values())
    start = 0 if hmap.index is None else hmap.index + 1
    for j, header in enumerate(hmap.headers):
        if j in mapped or j >= raw.frame.shape[1] or _header_key(header) not in HEADERS:
            continue
        cells = raw.frame.iloc[start:, j].dropna().astype("str").str.strip()
        if is_outline(cells[cells != ""]):
            return j
    return None


def use_outline(raw: RawSheet, hmap: HeaderMap, j: int) -> Issue:
    """Map column ``j`` as the level column; the issue that says so."""
    hmap.fields["level"] = j
    hmap.matches.append(ColumnMatch("level", hmap.headers[j], raw.columns[j], "outline numbers"))
    if j in hmap.unmapped:
        hmap.unmapped.remove(j)
    start = 0 if hmap.index is None else hmap.index + 1
    cells = raw.frame.iloc[start:, j].dropna().astype("str").str.strip()
    shown = ", ".join(cells[cells != ""].head(5).tolist())
    return Issue(
        IssueCode.OUTLINE_LEVELS,
        f"Column {raw.columns[j]} '{hmap.headers[j]}' numbers the lines as an outline "
        f"({shown}, ...): it was read as the BOM's levels, a line numbered 2.1 being part of the "
        "line numbered 2 above it. To read the sheet as a single-level list instead, use "
        "--layout flat.",
        file=raw.path,
        sheet=raw.sheet,
        row=None if hmap.index is None else int(raw.rows[hmap.index]),
        column=raw.columns[j],
    )
