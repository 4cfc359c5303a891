"""BOM levels as exports write them, turned into numeric levels (0 = product).

Four ways of writing the level of an indented BOM line are read:

- a numeric level column, 0- or 1-based (``0``, ``1``, ``2``);
- dotted position numbers (``1``, ``1.1``, ``1.1.2``): the level is the number of parts;
- dot-prefixed levels, SAP CS12 style (``.1``, ``..2``, ``...3``);
- indentation by leading spaces in the part-number or description cell.

Then the top of the structure is settled: when the top-level lines include one without
children, they are the parts of a product the file does not list (a SAP explosion of one
material, dotted positions, an indented list), and a product line is added; when every
top-level line has children, they are the products (1-based levels are lowered by 1).

>>> import pandas as pd
>>> parse_levels_text(pd.Series(["1", "1.1", "1.1.2", "2"], dtype="str"))[0].tolist()
[1.0, 2.0, 3.0, 1.0]
>>> parse_levels_text(pd.Series([".1", "..2", "...3", "0"], dtype="str"))[2]
'dot-prefixed-level'
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_DOTTED = r"^\d+(\.\d+)+\.?$"
_DEEP_DOTTED = r"^\d+(\.\d+){2,}\.?$|^\d+\.0*[1-9]\d*$"
_DOT_PREFIXED = r"^\.+\s*\d*$"
_WHOLE = r"^\d+$"


def _arr(s: pd.Series) -> pa.Array:
    return pa.array(s.reset_index(drop=True).astype("str"), type=pa.large_string())


def _mask(arr: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(pc.fill_null(pc.match_substring_regex(arr, pattern), False), dtype=bool)


def parse_levels_text(s: pd.Series) -> tuple[np.ndarray, np.ndarray, str]:
    """Read a level column written as numbers, dotted positions or dot prefixes.

    Parameters
    ----------
    s : pandas.Series
        Stripped text of the level column (``""`` = empty).

    Returns
    -------
    values : numpy.ndarray
        float64 levels; NaN where unreadable.
    bad : numpy.ndarray
        bool mask of unreadable (or empty) values.
    structure : str
        ``"level"``, ``"dotted-level"`` or ``"dot-prefixed-level"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.levels import parse_levels_text
    >>> vals, bad, how = parse_levels_text(pd.Series(["0", "1", "2.0", "x", ""], dtype="str"))
    >>> vals.tolist()[:3], bad.tolist(), how
    ([0.0, 1.0, 2.0], [False, False, False, True, True], 'level')
    """
    arr = _arr(s)
    n = len(arr)
    try:  # fast path: plain whole numbers
        vals = np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), float)
        if not np.any(np.isnan(vals)) and np.all(vals == np.floor(vals)):
            return _finish(vals.copy(), "level")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    if n and _mask(arr, _DOT_PREFIXED).any():
        dots = np.asarray(pc.count_substring(arr, "."), dtype=np.float64)
        digits = pc.replace_substring_regex(arr, r"^\.+\s*", "")
        num = _float(digits)
        pref = _mask(arr, _DOT_PREFIXED)
        whole = _mask(arr, _WHOLE)
        vals = np.where(pref, np.where(np.isnan(num), dots, num), np.nan)
        vals = np.where(whole, _float(arr), vals)
        return _finish(vals, "dot-prefixed-level")
    if n and _mask(arr, _DEEP_DOTTED).any():
        dotted = _mask(arr, _DOTTED)
        whole = _mask(arr, _WHOLE)
        parts = np.asarray(pc.count_substring(pc.utf8_rtrim(arr, "."), "."), dtype=np.float64) + 1
        zero = np.asarray(pc.fill_null(pc.equal(arr, "0"), False), dtype=bool)
        vals = np.where(dotted | whole, parts, np.nan)
        vals[zero] = 0.0
        return _finish(vals, "dotted-level")
    vals = _float(arr, plain=True)
    return _finish(vals, "level")


def _float(arr: pa.Array, plain: bool = False) -> np.ndarray:
    pattern = r"^[-+]?\d+(\.0*)?$" if plain else _WHOLE
    ok = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    kept = pc.if_else(ok, arr, pa.scalar(None, arr.type))
    out = pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False)
    return np.asarray(out, dtype=np.float64).copy()


def _finish(vals: np.ndarray, how: str) -> tuple[np.ndarray, np.ndarray, str]:
    bad = np.isnan(vals) | (vals < 0)
    vals = np.where(bad, np.nan, vals)
    return vals, bad, how


def indentation(raw: pd.Series) -> np.ndarray:
    """Width of the leading white space of each cell (a tab counts as 4 spaces).

    >>> import pandas as pd
    >>> indentation(pd.Series(["PH", "  A", "\\tB", None], dtype="str")).tolist()
    [0, 2, 4, 0]
    """
    arr = pa.array(raw.reset_index(drop=True).fillna("").astype("str"), type=pa.large_string())
    arr = pc.replace_substring(arr, "\t", "    ")
    full = np.asarray(pc.utf8_length(arr), dtype=np.int64)
    rest = np.asarray(pc.utf8_length(pc.utf8_ltrim_whitespace(arr)), dtype=np.int64)
    return full - rest


def indent_levels(widths: np.ndarray) -> np.ndarray:
    """Turn indentation widths into levels: steps of the smallest indent, else the rank.

    >>> indent_levels(np.array([0, 2, 4, 2, 0])).tolist()
    [0.0, 1.0, 2.0, 1.0, 0.0]
    >>> indent_levels(np.array([0, 3, 5])).tolist()
    [0.0, 1.0, 2.0]
    """
    if widths.size == 0:
        return widths.astype(np.float64)
    base = widths - widths.min()
    steps = np.unique(base[base > 0])
    if steps.size and not np.any(steps % steps[0]):
        return (base // steps[0]).astype(np.float64)
    ranks = np.searchsorted(np.unique(base), base)
    return ranks.astype(np.float64)


def is_indented(widths: np.ndarray) -> bool:
    """True when a column's cells are indented at two or more depths, starting at the top."""
    if widths.size < 2:
        return False
    return bool(widths.max() > widths.min() and widths[0] == widths.min())


def settle_top(levels: np.ndarray, structure: str) -> tuple[np.ndarray, bool, int]:
    """Make the top of the structure level 0, adding a product when the file has none.

    Parameters
    ----------
    levels : numpy.ndarray
        Levels as read (NaN where unreadable), in line order.
    structure : str
        How they were read (see :func:`parse_levels_text`, plus ``"indentation"``).

    Returns
    -------
    levels : numpy.ndarray
        Shifted levels: 0 for products, or from 1 when a product line must be added.
    add_product : bool
        True when the top-level lines are the parts of a product the file does not list.
    shift : int
        How much every level was lowered (negative: raised).

    Examples
    --------
    >>> import numpy as np
    >>> lv, add, shift = settle_top(np.array([1.0, 2.0, 3.0]), "level")
    >>> lv.tolist(), add, shift
    ([0.0, 1.0, 2.0], False, 1)
    >>> lv, add, shift = settle_top(np.array([1.0, 1.0, 2.0]), "dot-prefixed-level")
    >>> lv.tolist(), add, shift
    ([1.0, 1.0, 2.0], True, 0)
    """
    known = levels[~np.isnan(levels)]
    if known.size == 0:
        return levels, False, 0
    top = float(known.min())
    is_top = levels == top
    nxt = np.r_[levels[1:], -np.inf]
    childless = is_top & ~(nxt > top)
    if structure == "dotted-level":
        add = bool(is_top.sum() > 1 or childless.any())
    elif top == 0 and structure != "indentation":
        add = False
    else:
        add = bool(childless.any())
    shift = int(top) - (1 if add else 0)
    return levels - shift, add, shift
