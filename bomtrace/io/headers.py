"""Find the header row of a sheet and map its columns to canonical fields.

The header is the row, among the first :data:`~bomtrace.settings.HEADER_SCAN_ROWS`, whose cells
name the most canonical fields (at least two, ``part_number`` among them); title and metadata
rows above it are ignored. ``--column FIELD=HEADER`` overrides win over aliases; an override whose
HEADER is a number picks that 1-based column, which also allows header-less files. Which header
text names which field is decided in :mod:`bomtrace.io.mapping`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from bomtrace.io.count_columns import choose_quantity, count_like
from bomtrace.io.headerless import generic_header, infer
from bomtrace.io.identity import KeyPlan, choose, header_role
from bomtrace.io.mapping import Overrides, header_key, match_header
from bomtrace.io.table import CANONICAL_FIELDS, ColumnMatch, RawSheet
from bomtrace.settings import HEADER_SCAN_ROWS


@dataclass
class HeaderMap:
    """Where the header is and which column holds which field."""

    index: int | None  #: frame row of the header; None for a header-less sheet
    fields: dict[str, int]  #: canonical field -> frame column
    matches: list[ColumnMatch]
    duplicates: list[tuple[str, int, int]]  #: (field, kept column, ignored column)
    unmapped: list[int]  #: frame columns with a header that names no field
    headers: list[str]  #: header text per frame column ("" when header-less)
    overrides_used: set[str]  #: fields whose override found its column here
    group_index: int | None = None  #: frame row of a group-label row above the header
    #: the other columns that key a line with no part number (see :mod:`bomtrace.io.identity`)
    keyed: KeyPlan = field(default_factory=KeyPlan)


def row_cells(frame: pd.DataFrame, i: int) -> list[str]:
    """Stripped text of one grid row; missing cells give ``""``.

    >>> import pandas as pd
    >>> row_cells(pd.DataFrame([[" Part ", None, float("nan")]]), 0)
    ['Part', '', '']
    """
    return ["" if pd.isna(v) else str(v).strip() for v in frame.iloc[i].tolist()]


def _row_fields(
    cells: list[str], ov: Overrides, groups: list[str] | None = None
) -> list[tuple[str, str] | None]:
    text_keys = ov.text_keys()
    out: list[tuple[str, str] | None] = []
    for j, cell in enumerate(cells):
        key = header_key(cell)
        group = groups[j] if groups else ""
        both = f"{group} {cell}" if group and cell else ""
        back = f"{cell} {group}" if group and cell else ""  # "Unit" under "Price"
        if both and header_key(both) in text_keys:
            out.append(text_keys[header_key(both)])
        elif key and key in text_keys:
            out.append(text_keys[key])
        elif back and match_header(back) is not None:
            out.append(match_header(back))
        elif both and match_header(both) is not None:
            out.append(match_header(both))
        else:
            out.append(match_header(cell))
    return out


def find_header(raw: RawSheet, ov: Overrides) -> HeaderMap | None:
    """Locate the header row and map columns; None when no row looks like a header.

    Parameters
    ----------
    raw : RawSheet
        The sheet as text cells.
    ov : Overrides
        ``--column`` overrides.

    Returns
    -------
    HeaderMap or None
        None when no row in the first ``HEADER_SCAN_ROWS`` rows names ``part_number`` and another
        field (and no numbered override supplies ``part_number``).
    """
    scan = raw.frame.iloc[:HEADER_SCAN_ROWS]
    best: tuple[int, int] | None = None  # (score, row)
    pn_by_number = "part_number" in ov.by_number
    for i in range(len(scan)):
        cells = row_cells(scan, i)
        found = {m[0] for m in _row_fields(cells, ov) if m is not None}
        named = found | set(ov.by_number)
        via_override = any(f in ov.by_text or f in ov.profile for f in found)
        keyed = "part_number" in named or "mpn" in named  # EDA exports may have only an MPN
        ok = via_override or (keyed and len(named) >= 2) or _identified(cells, found)
        if ok and len(found) and (best is None or len(found) > best[0]):
            best = (len(found), i)
    width = raw.frame.shape[1]
    if best is None:
        if pn_by_number:
            return _map(raw, None, [""] * width, [None] * width, ov)
        if ov.by_number:
            return None  # columns mapped by hand, but not the part number
        top = generic_header(raw)  # "Field1 … Field8": a header that names nothing
        matched, notes = infer(raw, top)  # the columns read from their content
        if not notes:
            return None
        cells = [""] * width if top is None else row_cells(raw.frame, top)
        hmap = _map(raw, top, cells, matched, ov)
        hmap.keyed.notes[:0] = notes
        return hmap
    idx = best[1]
    sub = _sub_header(raw, idx, ov)
    if sub is not None:  # the best row is a group row; the field names are in the row below
        cells, groups = sub
        shown = [f"{g} {c}" if g and c else c for g, c in zip(groups, cells, strict=True)]
        hmap = _map(raw, idx + 1, shown, _row_fields(cells, ov, groups), ov, groups)
        hmap.group_index = idx
        return hmap
    cells = row_cells(raw.frame, idx)
    matched = _row_fields(cells, ov)
    above = _group_labels(raw, idx, cells, matched)
    if above is None:
        return _map(raw, idx, cells, matched, ov)
    matched = _row_fields(cells, ov, above)
    shown = [f"{g} {c}" if g and c else c for g, c in zip(above, cells, strict=True)]
    hmap = _map(raw, idx, shown, matched, ov, above)
    hmap.group_index = idx - 1
    return hmap


def _identified(cells: list[str], found: set[str]) -> bool:
    """A header row without a part-number column whose lines another column identifies (a
    distributor's number, a value or a name) beside a quantity or designators."""
    roles = {header_role(c) for c in cells if c}
    counted = found & {"quantity", "reference_designators"} or any(count_like(c) for c in cells)
    named = roles & {"mpn", "distributor", "name"} or found & {"description", "part_number", "mpn"}
    return bool(counted and named)


def _sub_header(raw: RawSheet, idx: int, ov: Overrides) -> tuple[list[str], list[str]] | None:
    """Header cells and group labels when the row below the header is a second header row.

    ``Part Number | Qty | Price |          `` above ``            |     | Unit  | Extended``:
    the lower row has no part number of its own (empty, or the same text merged down), holds
    only words, and read with the row above it maps more fields than the row above alone.
    Returns the field row's cells (a cell left empty takes the text above it) and each
    column's group label (the label above, spread right over the columns it covers).
    """
    if idx + 1 >= min(len(raw.frame), HEADER_SCAN_ROWS):
        return None
    top = row_cells(raw.frame, idx)
    below = row_cells(raw.frame, idx + 1)
    top_fields = _row_fields(top, ov)
    pn = next((j for j, m in enumerate(top_fields) if m and m[0] == "part_number"), None)
    if pn is None or below[pn] not in ("", top[pn]):
        return None
    words = [c for j, c in enumerate(below) if c and c != top[j]]
    if not words or any(re.fullmatch(r"[-+]?[\d.,]+%?", c) for c in words):
        return None
    cells: list[str] = []
    groups: list[str] = []
    current = ""
    for j, low in enumerate(below):
        current = top[j] or current
        own = low and low != top[j]
        cells.append(low if own else top[j])
        groups.append(current if own else "")
    alone = {m[0] for m in top_fields if m}
    both = {m[0] for m in _row_fields(cells, ov, groups) if m}
    if "part_number" in both and len(both) > len(alone):
        return cells, groups
    return None


def _group_labels(
    raw: RawSheet, idx: int, cells: list[str], matched: list[tuple[str, str] | None]
) -> list[str] | None:
    """Labels of a group row above the header (two-row header), spread over their columns.

    A row counts as a group row when the header repeats a field name (``Name | Price`` under
    each supplier) and the row right above it has labels within the header's columns. Each
    label covers its column and the columns to its right up to the next label.
    """
    if idx < 1:
        return None
    fields = [m[0] for m in matched if m is not None]
    texts = [header_key(c) for c in cells if c]
    if len(set(fields)) == len(fields) and len(set(texts)) == len(texts):
        return None
    above = row_cells(raw.frame, idx - 1)[: len(cells)]
    first = next((j for j, v in enumerate(above) if v), None)
    if first is None or first == 0 and sum(1 for v in above if v) == 1:
        return None  # a title in the first cell, not group labels
    groups: list[str] = []
    current = ""
    for j in range(len(cells)):
        if j < len(above) and above[j]:
            current = above[j]
        groups.append(current if cells[j] else "")
    return groups


_RANK = {"override": 3, "profile": 3, "exact": 2, "alias": 2, "weak-alias": 1, "content": 1}


def _map(
    raw: RawSheet,
    idx: int | None,
    cells: list[str],
    matched: list[tuple[str, str] | None],
    ov: Overrides,
    groups: list[str] | None = None,
) -> HeaderMap:
    fields: dict[str, int] = {}
    how: dict[str, str] = {}
    duplicates: list[tuple[str, int, int]] = []
    width = len(cells)
    numbered = {n - 1: f for f, n in ov.by_number.items() if n - 1 < width}
    for j, m in enumerate(matched):
        if m is None or j in numbered or m[0] in ov.by_number:
            continue
        fld, kind = m
        if fld in fields:
            if _RANK[kind] > _RANK[how[fld]]:
                if _RANK[how[fld]] > 1 and _RANK[kind] < 3:
                    duplicates.append((fld, j, fields[fld]))
                fields[fld], how[fld] = j, kind  # the stronger name displaces a weaker one
            elif _RANK[kind] == _RANK[how[fld]]:
                duplicates.append((fld, fields[fld], j))
            continue
        fields[fld], how[fld] = j, kind
    for j, fld in numbered.items():
        fields[fld], how[fld] = j, "override"
    counted = choose_quantity(raw, idx, cells, fields, how) if idx is not None else None
    keyed = choose(raw, idx, cells, fields, how, duplicates, groups)
    if counted is not None:
        keyed.notes.append(counted)
    taken = set(fields.values())
    used = {f for f, k in how.items() if k == "override"}
    order = sorted(fields, key=CANONICAL_FIELDS.index)
    matches = [
        ColumnMatch(field=f, header=cells[fields[f]], column=raw.columns[fields[f]], how=how[f])
        for f in order
    ]
    unmapped = [j for j in range(width) if j not in taken]
    return HeaderMap(
        index=idx,
        fields={f: fields[f] for f in order},
        matches=matches,
        duplicates=[d for d in duplicates if d[2] not in taken],
        unmapped=unmapped,
        headers=cells,
        overrides_used=used,
        keyed=keyed,
    )


def seen_headers(raw: RawSheet, limit: int = 12) -> str:
    """Describe the first non-empty row of a sheet, for error messages.

    >>> import numpy as np, pandas as pd
    >>> from bomtrace.io.table import RawSheet
    >>> from bomtrace.io.headers import seen_headers
    >>> raw = RawSheet("b.csv", None, "csv", "", pd.DataFrame([["", ""], ["Ident", "Menge"]]),
    ...                np.array([1, 2]), ["1", "2"])
    >>> seen_headers(raw)
    "row 2: 'Ident', 'Menge'"
    """
    scan = raw.frame.iloc[:HEADER_SCAN_ROWS]
    for i in range(len(scan)):
        cells = row_cells(scan, i)
        shown = [c for c in cells if c]
        if shown:
            more = f" (and {len(shown) - limit} more)" if len(shown) > limit else ""
            return f"row {raw.rows[i]}: " + ", ".join(f"'{c}'" for c in shown[:limit]) + more
    return "no values at all"
