"""What one sheet holds: which header, which layout, BOM lines or a parts master.

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

from datetime import date

import numpy as np

from bomtrace.errors import InputError
from bomtrace.io.header import Overrides, find_header, seen_headers
from bomtrace.io.levels import indentation, is_indented
from bomtrace.io.plan import Kind, SourcePlan
from bomtrace.io.raw import RawSheet

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
        return None, "no header row naming a part-number column was found."
    f = hmap.fields
    if "part_number" not in f:
        return None, "no column holds the part number."
    has_level, has_parent = "level" in f, "parent" in f
    counted = "quantity" in f or "reference_designators" in f
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
        return None, _NO_STRUCTURE
    _check_forced(raw, kind, layout)
    plan = SourcePlan(raw=raw, hmap=hmap, kind=kind, indent_col=indent_col, as_of=as_of)
    return plan, ""


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
