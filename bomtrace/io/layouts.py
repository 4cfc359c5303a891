"""Layouts: how a BOM writes its structure (a level column, dotted or indented levels, a
parent column), and what one sheet holds.

**Levels.** BOM levels as exports write them are turned into numeric levels (0 = product).

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

**What one sheet holds** (decided before it is converted): which header, which layout, BOM
lines or a parts master.

- a ``level`` column → indented lines (numeric, dotted or dot-prefixed levels);
- a ``parent`` column → parent-child edges;
- neither, but a quantity or designator column whose part-number (or description) cells are
  indented at several depths → indented by indentation;
- neither, not indented → a single-level BOM (``flat``): one product, or one assembly of a
  workbook/folder with one sheet/file per assembly;
- a part number and attributes, no quantity/designators/level/parent → a parts master.

``--layout`` forces the choice; a sheet that cannot be read in the forced layout is an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.errors import InputError
from bomtrace.io.headerless import hint
from bomtrace.io.headers import HeaderMap, find_header, seen_headers
from bomtrace.io.mapping import Overrides
from bomtrace.io.outline import outline_column, use_outline
from bomtrace.io.spread import spread_columns
from bomtrace.io.table import RawSheet
from bomtrace.issues import Issue

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
    >>> from bomtrace.io.layouts import parse_levels_text
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


#: How a sheet's structure is given: a level column (numeric, dotted or dot-prefixed),
#: indentation of the part-number/description cells, a parent column, or none (single level).
Kind = Literal["level", "indentation", "parent-child", "flat", "master"]


@dataclass
class SourcePlan:
    """One mapped sheet and how to read it."""

    raw: RawSheet
    hmap: HeaderMap
    kind: Kind
    indent_col: int | None = None  #: column whose indentation gives the level
    #: single-level sheet (or explosion without a product line): the part number of the
    #: product/assembly it lists, where the name came from, and the row/column it came from
    assembly: str | None = None
    assembly_from: str | None = None
    assembly_row: int | None = None
    assembly_column: str | None = None
    #: one sheet/file per assembly: lines get ``parent = assembly``; ``root`` adds a product
    #: line for an assembly no other sheet uses
    per_assembly: bool = False
    root: bool = True
    as_of: date | None = None
    build_quantity: float | None = None  #: ``--build-quantity``
    combined: bool = False  #: one of the sheets of a workbook that make one product
    notes: list[Issue] = field(default_factory=list)  #: guesses made in reading its layout

    @property
    def role(self) -> Literal["bom", "master"]:
        return "master" if self.kind == "master" else "bom"


_NO_STRUCTURE = (
    "it has a part number but no quantity, level, parent or designator column, and too few "
    "attributes to be a parts master."
)
#: Fewest indented rows that make indentation a level (one stray space is not a structure).
MIN_INDENTED_ROWS = 2


def where(path: str, sheet: str | None) -> str:
    return f"{path} sheet '{sheet}'" if sheet else path


def classify(
    raw: RawSheet, ov: Overrides, layout: str | None, as_of: date | None
) -> tuple[SourcePlan | None, str]:
    """Return the sheet's plan, or None and the reason it holds no BOM or parts master.

    Raises
    ------
    InputError
        When ``layout`` is forced and the sheet cannot be read that way.
    """
    if raw.frame.empty:
        return None, "it is empty."
    hmap = find_header(raw, ov)
    if hmap is None:
        why = "no header row naming a part-number column was found."
        return None, _with(why, hint(raw, None, [], ("part_number", "quantity")))
    f = hmap.fields
    if "part_number" not in f:
        found = hint(raw, hmap.index, hmap.headers, ("part_number",), set(f.values()))
        return None, _with("no column holds the part number.", found)
    notes = spread_columns(raw, hmap)  # a designation spread over columns by depth
    has_level, has_parent = "level" in f, "parent" in f
    counted = "quantity" in f or "reference_designators" in f
    if counted and not (has_level or has_parent or layout in ("flat", "per-assembly")):
        outline = outline_column(raw, hmap)  # an outline-numbered position column (N°, Item)
        if outline is not None:
            notes.append(use_outline(raw, hmap, outline))
            has_level = True
    kind: Kind
    indent_col: int | None = None
    if layout in ("flat", "per-assembly"):
        kind = "flat"
        for fld in ("level", "parent"):
            f.pop(fld, None)
        hmap.matches = [m for m in hmap.matches if m.field not in ("level", "parent")]
    elif has_level and (layout == "indented" or not has_parent):
        # with a Parent column too, the parent names each line's assembly outright; a level
        # beside it is often per-edge metadata (or a breadth-first listing), and reading it
        # as indentation would put lines under the wrong assembly: the parent wins, and the
        # levels are checked against it (graph.parentchild)
        kind = "level"
    elif has_parent:
        kind = "parent-child"
    elif counted:
        indent_col = _indented_column(raw, hmap.index, [f["part_number"], f.get("description")])
        kind = "indentation" if indent_col is not None else "flat"
    elif len(f) > 1 and layout is None:
        kind = "master"
    else:
        found = hint(raw, hmap.index, hmap.headers, ("quantity",), set(f.values()))
        return None, _with(_NO_STRUCTURE, found)
    _check_forced(raw, kind, layout)
    plan = SourcePlan(raw, hmap, kind, indent_col=indent_col, as_of=as_of, notes=notes)
    return plan, ""


def _with(why: str, found: str) -> str:
    return f"{why} {found}" if found else why


def _indented_column(raw: RawSheet, index: int | None, cols: list[int | None]) -> int | None:
    start = 0 if index is None else index + 1
    for j in cols:
        if j is None or j >= raw.frame.shape[1]:
            continue
        col = raw.frame.iloc[start:, j]
        text = col.fillna("").astype("str")
        keep = (text.str.strip() != "").to_numpy()
        widths = indentation(text[keep])
        if np.count_nonzero(widths > widths.min(initial=0)) >= MIN_INDENTED_ROWS and is_indented(
            widths
        ):
            return j
    return None


def _check_forced(raw: RawSheet, kind: Kind, layout: str | None) -> None:
    if layout is None or kind == "master":
        return
    ok = {
        "indented": ("level", "indentation"),
        "parent-child": ("parent-child",),
        "flat": ("flat",),
        "per-assembly": ("flat",),
    }[layout]
    if kind in ok:
        return
    found = {
        "level": "an indented BOM (Level column)",
        "indentation": "an indented BOM (indented part numbers)",
        "parent-child": "a parent-child BOM (Parent column)",
        "flat": "a single-level BOM (no Level or Parent column)",
    }[kind]
    need = {
        "indented": "a Level column or indented part numbers",
        "parent-child": "a Parent column",
    }.get(layout, "")
    raise InputError(
        f"{where(raw.path, raw.sheet)} is {found}, but layout {layout} was asked for. "
        + (f"Give it {need}, or drop the layout option." if need else "Drop the layout option.")
    )


def no_role_message(raw: RawSheet, why: str) -> str:
    return (
        f"{where(raw.path, raw.sheet)} cannot be read as a BOM: {why} "
        f"The first row with values is {seen_headers(raw)}. Name the part-number column with "
        "--column part_number=HEADER (HEADER may be a column number for files without a header)."
    )
