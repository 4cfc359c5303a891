"""Quantities as people write them: units, do-not-populate marks, reference designators.

- ``2 pcs``, ``0.5 m``, ``3x``: the number is the quantity, the word its unit of measure;
- ``DNP``, ``NF``, ``no fit`` (in the quantity cell, a DNP/Fitted column, or the description):
  the line is kept with quantity 0 and reported;
- reference designators ``C1-C7``, ``"U1, U2"``, ``R1 R2`` are counted, to check the quantity
  or to give it when a placement list has no quantity column.

>>> import pandas as pd
>>> q = parse_quantity(pd.Series(["2", "2 pcs", "0,5 m", "DNP", "x"], dtype="str"))
>>> q.values.tolist()[:4], q.unit.tolist()[:3]
([2.0, 2.0, 0.5, 0.0], [nan, 'pcs', 'm'])
>>> q.dnp.tolist(), q.bad.tolist()
([False, False, False, True, False], [False, False, False, False, True])
>>> refs = pd.Series(["C1-C7", "U1, U2", "R1 R2;R5", "", "J1..J3"], dtype="str")
>>> count_designators(refs)[0].tolist()
[7.0, 2.0, 3.0, nan, 3.0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.io.coerce import FLAG_WORDS, as_str, parse_numbers

#: Cell texts (any case) that mark a line as not populated.
DNP_WORDS: frozenset[str] = frozenset(
    {
        "dnp",
        "dnf",
        "dni",
        "np",
        "nf",
        "n/f",
        "n.f.",
        "no fit",
        "nofit",
        "not fitted",
        "not populated",
        "not placed",
        "not mounted",
        "do not populate",
        "do not place",
        "do not fit",
        "do not mount",
        "nicht bestückt",
        "nb",
        "non monté",
        "no montar",
    }
)
#: In a description or notes cell: a DNP mark as a word of its own.
DNP_IN_TEXT = (
    r"(?i)(^|[\s(\[,;/-])(dnp|dnf|dni|no[\s-]?fit|not[\s-]fitted|not[\s-]populated|"
    r"do[\s-]not[\s-](populate|place|fit|mount))([\s)\],;./]|$)"
)
_WITH_UNIT = r"^([-+]?\d[\d.,\s]*|[-+]?[.,]\d+)\s*([A-Za-zµ°\"'./²³]{1,12})$"
_TIMES_FIRST = r"(?i)^x\s*(\d[\d.,]*)$"
_RANGE = re.compile(r"^([A-Za-z_]*)(\d+)(?:-|\.\.|:|–)([A-Za-z_]*)(\d+)$")
_SPLIT = r"[,;\s]+"


@dataclass
class Quantity:
    """A parsed quantity column."""

    values: np.ndarray  #: float64; NaN where empty or unreadable; 0 where DNP
    bad: np.ndarray  #: not empty and not readable
    unit: pd.Series  #: unit written after the number (``str``; missing where none)
    dnp: np.ndarray  #: the cell said do-not-populate


def parse_quantity(s: pd.Series) -> Quantity:
    """Read quantity cells: numbers, numbers with a unit, and do-not-populate marks.

    Parameters
    ----------
    s : pandas.Series
        Stripped text (``""`` = empty).

    Returns
    -------
    Quantity
    """
    values, bad, _ = parse_numbers(s)
    n = len(s)
    unit = as_str(pa.nulls(n, pa.large_string()))
    dnp = np.zeros(n, dtype=bool)
    if not bad.any():
        return Quantity(values, bad, unit, dnp)
    idx = np.flatnonzero(bad)
    t = s.iloc[idx].reset_index(drop=True)
    is_dnp = t.str.casefold().isin(DNP_WORDS).to_numpy(dtype=bool)
    parts = t.str.extract(_WITH_UNIT)
    times = t.str.extract(_TIMES_FIRST)[0]
    number = parts[0].fillna(times).fillna("").str.replace(" ", "", regex=False)
    num, nbad, _ = parse_numbers(number.astype("str"))
    ok = ~nbad & ~np.isnan(num) & ~is_dnp
    values[idx[ok]] = num[ok]
    bad[idx[ok]] = False
    words = parts[1].where(ok)
    if words.notna().any():
        unit = unit.copy()
        unit.iloc[idx] = words.str.strip(".").to_numpy()
        unit = unit.where(~unit.str.casefold().isin(["x", "times"]))
    values[idx[is_dnp]] = 0.0
    bad[idx[is_dnp]] = False
    dnp[idx[is_dnp]] = True
    return Quantity(values, bad, unit, dnp)


def count_designators(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Count the reference designators in each cell (lists and ranges).

    Returns
    -------
    counts : numpy.ndarray
        float64; NaN where the cell is empty.
    bad : numpy.ndarray
        A range that cannot be read (``C7-C1``, ``C1-U3``).
    """
    arr = pa.array(s.reset_index(drop=True).astype("str"), type=pa.large_string())
    n = len(arr)
    empty = np.asarray(pc.equal(arr, ""), dtype=bool)
    tokens = pc.split_pattern_regex(pc.utf8_trim(arr, ",; "), _SPLIT)
    counts = np.asarray(pc.list_value_length(tokens), dtype=np.float64)
    counts[empty] = np.nan
    bad = np.zeros(n, dtype=bool)
    ranged = np.asarray(
        pc.fill_null(pc.match_substring_regex(arr, r"\d(-|\.\.|:|–)[A-Za-z_]*\d"), False),
        dtype=bool,
    )
    if ranged.any():
        idx = np.flatnonzero(ranged)
        codes, uniques = pd.factorize(s.iloc[idx].reset_index(drop=True))
        done = [_count_one(str(u)) for u in uniques]
        c = np.array([d[0] for d in done], dtype=np.float64)[codes]
        b = np.array([d[1] for d in done], dtype=bool)[codes]
        counts[idx], bad[idx] = c, b
    return counts, bad


def _count_one(text: str) -> tuple[float, bool]:
    total = 0
    for tok in re.split(_SPLIT, text.strip(",; ")):
        m = _RANGE.match(tok)
        if not m:
            total += 1 if tok else 0
            continue
        p1, a, p2, b = m.group(1), int(m.group(2)), m.group(3) or m.group(1), int(m.group(4))
        if p1 != p2 or b < a:
            return float("nan"), True
        total += b - a + 1
    return float(total), False


def dnp_flags(s: pd.Series, *, fitted_header: bool) -> tuple[np.ndarray, np.ndarray]:
    """Read a DNP (or "Fitted") column: True where the line is not populated.

    Parameters
    ----------
    s : pandas.Series
        Stripped text.
    fitted_header : bool
        The column says whether the part *is* fitted ("Fitted", "Populate"): ``no`` means DNP.

    Returns
    -------
    dnp : numpy.ndarray
        bool.
    bad : numpy.ndarray
        Values that are neither a yes/no word nor a DNP mark.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["DNP", "", "x", "Fitted", "no"], dtype="str")
    >>> dnp_flags(s, fitted_header=False)[0].tolist()
    [True, False, True, False, False]
    >>> s = pd.Series(["yes", "no", "Not Fitted"], dtype="str")
    >>> dnp_flags(s, fitted_header=True)[0].tolist()
    [False, True, True]
    """
    low = s.reset_index(drop=True).str.casefold()
    words = low.isin(DNP_WORDS).to_numpy(dtype=bool)
    fitted = low.isin({"fitted", "populated", "populate", "place", "mounted", "fit"}).to_numpy(
        dtype=bool
    )
    flag = low.map(FLAG_WORDS)
    yes = (flag == True).to_numpy(dtype=bool)  # noqa: E712 - NaN compares False
    no = (flag == False).to_numpy(dtype=bool)  # noqa: E712
    empty = (low == "").to_numpy(dtype=bool)
    dnp = words | ((no if fitted_header else yes) & ~words)
    bad = ~(words | fitted | yes | no | empty)
    return dnp & ~fitted, bad


def dnp_in_text(s: pd.Series) -> np.ndarray:
    """True where a description/notes cell marks the line as not populated."""
    arr = pa.array(s.reset_index(drop=True).astype("str"), type=pa.large_string())
    return np.asarray(pc.fill_null(pc.match_substring_regex(arr, DNP_IN_TEXT), False), dtype=bool)
