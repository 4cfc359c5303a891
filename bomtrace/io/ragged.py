"""Re-align CSV rows that have more fields than the header (an unquoted delimiter in a text).

``1,R7,Cap, 10uF,2,0.05`` under ``Level,Part,Description,Qty,Cost`` has one field too many. The
row is re-aligned when exactly one way of joining neighbouring fields back into one text column
makes every number column read as a number (numeric columns anchor the row at both ends); a
description wins a tie. Otherwise the row is skipped and reported. Rows with fewer fields are
padded with empty cells and reported (``short-row``).

>>> from bomtrace.io.header import HeaderMap
>>> hmap = HeaderMap(0, {"level": 0, "part_number": 1, "description": 2, "quantity": 3,
...                      "unit_cost": 4}, [], [], [], ["Level", "Part", "Description", "Qty",
...                      "Cost"], set())
>>> realign(["1", "R7", "Cap", " 10uF", "2", "0.05"], hmap, ",")
(['1', 'R7', 'Cap, 10uF', '2', '0.05'], 2)
"""

from __future__ import annotations

import re

from bomtrace.io.header import HeaderMap
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS

_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\s*\d[\d.,' ]*\s*(%|[$€£¥]|[A-Za-z]{1,4})?\)?$")
_LEVEL = re.compile(r"^(\.*\d+(\.\d+)*\.?|\.+)$")
#: Fields whose text may hold the delimiter; description first (it wins a tie).
TEXT_FIELDS = (
    "description",
    "manufacturer",
    "supplier",
    "reference_designators",
    "mpn",
    "producer",
    "uom",
)


def _fits(fields: list[str], hmap: HeaderMap) -> bool:
    for fld, j in hmap.fields.items():
        v = fields[j].strip() if j < len(fields) else ""
        if not v:
            if fld == "part_number":
                return False
            continue
        if fld == "level" and not _LEVEL.match(v):
            return False
        if fld in NUMERIC_FIELDS and fld != "level" and not _NUMBER.match(v):
            return False
        if fld in BOOLEAN_FIELDS and len(v) > 12:
            return False
    return True


def realign(
    fields: list[str], hmap: HeaderMap, delim: str, width: int | None = None
) -> tuple[list[str], int] | None:
    """Join surplus fields back into one text column when only one way fits.

    Parameters
    ----------
    fields : list of str
        The row's fields as written (more than the header has).
    hmap : HeaderMap
        The sheet's header map (which column holds which field).
    delim : str
        The delimiter (put back between the joined fields).
    width : int, optional
        Fields in the header record (default: the header map's width).

    Returns
    -------
    tuple of (list of str, int) or None
        The re-aligned fields and the column they were joined into, or None when no single
        way fits.
    """
    width = width or len(hmap.headers)
    extra = len(fields) - width
    if extra <= 0:
        return None
    by_col = {j: f for f, j in hmap.fields.items()}
    texts = [j for j in range(width) if by_col.get(j) in TEXT_FIELDS or j not in by_col]
    fits: list[tuple[int, list[str]]] = []
    for t in texts:
        joined = fields[:t] + [delim.join(fields[t : t + extra + 1])] + fields[t + extra + 1 :]
        if _fits(joined, hmap):
            fits.append((t, joined))
    if len(fits) == 1:
        return fits[0][1], fits[0][0]
    desc = hmap.fields.get("description")
    for t, joined in fits:
        if t == desc:
            return joined, t
    return None
