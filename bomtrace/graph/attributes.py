"""One attribute record per node from the BOM lines and the parts master.

For each attribute field the first non-empty value of a part wins (parts-master rows come
before the lines); a part that has the field with another value on a later row gets one
``attribute-conflict`` issue, at the first differing row. Position columns (``_file``,
``_sheet``, ``_row``) are those of the part's first row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from bomtrace.graph.model import Coded
from bomtrace.graph.positions import RowPositions
from bomtrace.graph.structure import first_rows
from bomtrace.io.table import ATTRIBUTE_FIELDS, BomTable
from bomtrace.io.values import mostly_distinct
from bomtrace.issues import IssueCode, IssueLog


def node_attributes(
    table: BomTable,
    pn_all: pd.Index,
    sink: IssueLog,
    line_g: np.ndarray | None = None,
    master_g: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, Coded]]:
    """One attribute record per node: first non-empty value wins, conflicts reported.

    Vectorised: per field the first non-empty row of each node (one ``minimum.at`` pass) and an
    element-wise comparison with it. ``line_g`` and ``master_g`` give the node id of each line
    and parts-master row (-1: none) when known. Also returns the text fields' object arrays
    (None where missing), which are the graph's ``attr`` values as they stand, and the codes
    of those read once per distinct value (:meth:`BomGraph.keep_attrs`).
    """
    frames, ids = [], []
    if table.parts is not None and len(table.parts):
        frames.append(table.parts)
        ids.append(master_g)
    frames.append(table.lines)
    ids.append(line_g)
    pos_cols = ["_file", "_sheet", "_row"]
    # only the position columns are stacked; each field is read from the frames that have it
    # (a parts master's attributes are not copied next to a million edge lines without them)
    src = _stack_positions(frames, pos_cols)
    g: np.ndarray
    if all(i is not None for i in ids):
        g = np.concatenate(ids)  # type: ignore[arg-type]
    else:
        g = pn_all.get_indexer(pd.concat([f["part_number"] for f in frames], ignore_index=True))
    g_all = g
    keep = g >= 0
    if not keep.all():
        src = src[keep]
        g = g[keep]
    src = src.reset_index(drop=True)
    n, m = len(pn_all), len(src)
    out: dict[str, np.ndarray] = {}
    coded: dict[str, Coded] = {}
    rownum = np.arange(m)
    first_any = first_rows(g, rownum, n, m)
    ok = first_any < m
    for col in pos_cols:
        arr = np.full(n, None, dtype=object)
        if col in src.columns:
            arr[ok] = _take_objects(src[col], first_any[ok])
        out[col] = arr
    fields = [f for f in ATTRIBUTE_FIELDS if any(f in fr.columns for fr in frames)]
    for f in fields:
        single = _single_values(frames, f, g_all, n)
        if single is not None:
            out[f], got = single
            if got is not None:
                coded[f] = got
            continue
        vals, labels = _field_values(frames, f, keep)
        numeric = labels is None
        valid = ~np.isnan(vals) if numeric else vals >= 0
        res = np.full(n, np.nan if numeric else None, dtype=float if numeric else object)
        if m and valid.any():
            at = np.flatnonzero(valid)
            firstv = first_rows(g[at], at, n, m)
            has = firstv < m
            firsts = vals[firstv[has]]
            res[has] = labels[firsts] if labels is not None else firsts
            if labels is not None:
                codes = np.full(n, -1, dtype=np.int64)
                codes[has] = firsts
                coded[f] = (codes, labels)
            ref = np.where(has, firstv, -1)
            rr = ref[g]
            cand = np.flatnonzero(valid & (rr >= 0) & (rownum != rr))
            if len(cand):
                differ = cand[vals[cand] != vals[rr[cand]]]
                if len(differ):
                    shown = labels[vals] if labels is not None else vals
                    _report_conflicts(table, src, g, shown, rr, differ, f, pn_all, sink)
        out[f] = res
    # object columns as they are: no per-value type inference over a million nodes, and no
    # copy into one block; nothing writes to them
    frame = pd.DataFrame(
        {k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in out.items()},
        index=pd.RangeIndex(n),
        copy=False,
    )
    texts = {f: out[f] for f in [*pos_cols, *fields] if out[f].dtype == object}
    return frame, texts, {f: c for f, c in coded.items() if f in texts}


def _single_values(
    frames: list[pd.DataFrame], field: str, g: np.ndarray, n: int
) -> tuple[np.ndarray, Coded | None] | None:
    """The field per node when no node has a value for it on two rows (a parts master that
    lists each part once, beside lines without the field): each value is the node's, with no
    first value to choose and no conflict to look for. None when some node has two. With
    the values, their codes when they were read once per distinct value from one frame.

    ``g`` is the node id of every stacked row (-1: none). A text column of mostly distinct
    values (descriptions) is converted cell by cell; others once per distinct value.
    """
    at = np.r_[0, np.cumsum([len(fr) for fr in frames])]
    found = []
    for i, fr in enumerate(frames):
        if field in fr.columns:
            rows = g[at[i] : at[i + 1]]
            ok = fr[field].notna().to_numpy() & (rows >= 0)
            found.append((fr[field], ok, rows[ok]))
    nodes = np.concatenate([x[2] for x in found])
    if len(nodes) and np.bincount(nodes, minlength=n).max() > 1:
        return None
    numeric = _is_numeric([x[0] for x in found])
    res = np.full(n, np.nan if numeric else None, dtype=float if numeric else object)
    coded = None
    for col, ok, rows in found:
        if numeric:
            res[rows] = col.to_numpy(dtype=float, na_value=np.nan)[ok]
        elif mostly_distinct(col):
            res[rows] = col.to_numpy(dtype=object)[ok]
        else:
            codes, uniq = pd.factorize(col, use_na_sentinel=True)
            labels = np.asarray(uniq, dtype=object)
            res[rows] = labels[codes[ok]]
            if len(found) == 1:
                coded = (np.full(n, -1, dtype=np.int64), labels)
                coded[0][rows] = codes[ok]
    return res, coded


def _is_numeric(cols: list[pd.Series]) -> bool:
    """Whether a field is read as a number (all its columns numeric, not boolean)."""
    return all(
        pd.api.types.is_numeric_dtype(c.dtype) and not pd.api.types.is_bool_dtype(c.dtype)
        for c in cols
    )


def _take_objects(s: pd.Series, idx: np.ndarray) -> np.ndarray:
    """``s.take(idx)`` as Python objects with None where a value is missing (as
    :meth:`BomGraph.attr` gives them); a categorical (file, sheet) through its codes, so that
    only its few categories are converted."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # the categories and, last, None for a missing value (code -1)
        cats = np.array([*s.cat.categories.to_numpy(dtype=object), None], dtype=object)
        return cats[s.cat.codes.to_numpy()[idx]]
    out = s.take(idx).to_numpy(dtype=object)
    if pd.api.types.is_integer_dtype(s.dtype):  # row numbers: none missing
        return out
    out = np.array(out, dtype=object)  # a copy: pandas may hand out a read-only view
    out[np.asarray(pd.isna(out), dtype=bool)] = None
    return out


def _stack_positions(frames: list[pd.DataFrame], cols: list[str]) -> pd.DataFrame:
    """The position columns of all frames stacked; file/sheet categoricals stay categorical."""
    out: dict[str, Any] = {}
    for c in cols:
        parts = [f[c] for f in frames if c in f.columns]
        if not parts:
            continue
        if len(parts) != len(frames):  # a frame without the column: empty there
            parts = [f[c] if c in f.columns else pd.Series([None] * len(f)) for f in frames]
        if len(parts) > 1 and all(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            out[c] = pd.Series(union_categoricals(parts, ignore_order=True))
        else:
            out[c] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return pd.DataFrame(out).reset_index(drop=True)


def _field_values(
    frames: list[pd.DataFrame], field: str, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """One field over the stacked rows (kept ones): floats (NaN: empty) and no labels for a
    numeric field, else integer codes (-1: empty) and the distinct values they index."""
    cols = [fr[field] for fr in frames if field in fr.columns]
    numeric = _is_numeric(cols)
    sizes = [len(fr) for fr in frames]
    at = np.r_[0, np.cumsum(sizes)]
    if numeric:
        vals = np.full(int(at[-1]), np.nan)
        for i, fr in enumerate(frames):
            if field in fr.columns:
                vals[at[i] : at[i + 1]] = fr[field].to_numpy(dtype=float, na_value=np.nan)
        return vals[keep], None
    present = pd.concat(cols, ignore_index=True) if len(cols) > 1 else cols[0]
    codes, uniq = pd.factorize(present, use_na_sentinel=True)
    out = np.full(int(at[-1]), -1, dtype=np.int64)
    j = 0
    for i, fr in enumerate(frames):
        if field in fr.columns:
            out[at[i] : at[i + 1]] = codes[j : j + len(fr)]
            j += len(fr)
    return out[keep], np.asarray(uniq, dtype=object)


def _py(v: object) -> object:
    """A numpy scalar as the plain Python value (for messages)."""
    return v.item() if isinstance(v, np.generic) else v


def _report_conflicts(
    table: BomTable,
    src: pd.DataFrame,
    g: np.ndarray,
    vals: np.ndarray,
    ref: np.ndarray,
    rows: np.ndarray,
    field: str,
    pn_all: pd.Index,
    sink: IssueLog,
) -> None:
    """One attribute-conflict issue per part and field (at the first differing row); over
    the cap they are only counted."""
    _, first = np.unique(g[rows], return_index=True)
    at = np.sort(rows[first])
    code = IssueCode.ATTRIBUTE_CONFLICT
    listed = at[: sink.room(code)].tolist()  # the others are only counted, below
    pos = RowPositions(table, src)
    for i in listed:
        r0 = int(ref[i])
        pn = str(pn_all[int(g[i])])
        sink.add(
            code,
            f"{pn} has {field} {_py(vals[i])!r} here but {_py(vals[r0])!r} at row "
            f"{int(pos.rows[r0])}; the first value is used.",
            part_number=pn,
            data={"field": field, "first_row": int(pos.rows[r0])},
            **pos.at(i, field),
        )
    sink.tally(code, len(at) - len(listed))
