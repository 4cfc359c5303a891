"""Build and validate a :class:`BomGraph` from a :class:`BomTable`.

Steps: lines → unique edges (indented or parent–child), part numbers → integer node ids,
one attribute record per part (first non-empty value wins; differing values are
``attribute-conflict`` issues), heights with cycle detection, and per-part data checks
(missing price, unknown origin, missing ECCN on a US-origin part). Cycles are found *before*
any roll-up; the products above a cycle (or above a line whose quantity is unusable) are
blocked, the others go on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.indented import EdgeList, edges_from_indented
from bomtrace.graph.model import BomGraph
from bomtrace.graph.parentchild import check_master_nodes, edges_from_parent_child
from bomtrace.graph.structure import cycles, first_rows, heights
from bomtrace.io.table import ATTRIBUTE_FIELDS, BomTable
from bomtrace.issues import IssueCode
from bomtrace.settings import DEFAULT_LIMIT_ISSUES

_QTY_CODES = {IssueCode.BAD_QUANTITY, IssueCode.ZERO_QUANTITY, IssueCode.NEGATIVE_QUANTITY}


def build_graph(table: BomTable, *, limit_issues: int = DEFAULT_LIMIT_ISSUES) -> BomGraph:
    """Turn reader output into a validated product structure.

    Parameters
    ----------
    table : BomTable
        Output of :func:`bomtrace.io.read_bom`.
    limit_issues : int, optional
        Cap per issue code (the overflow is summarised, never dropped silently).

    Returns
    -------
    BomGraph
        With ``issues`` holding the reader's issues plus everything found here.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.table import BomTable
    >>> lines = pd.DataFrame({"part_number": ["P", "A", "r1", "r1"], "level": [0, 1, 2, 1],
    ...     "quantity": [1, 2, 3, 1], "unit_cost": [None, None, 0.5, 0.5],
    ...     "_file": "b.csv", "_sheet": None, "_row": [2, 3, 4, 5]})
    >>> g = build_graph(BomTable(lines=lines, layout="indented"))
    >>> g.part_numbers.tolist(), g.height.tolist()
    (['P', 'A', 'r1'], [2, 1, 0])
    """
    sink = IssueCollector(limit_issues)
    if table.layout == "indented":
        el = edges_from_indented(table, sink)
    else:
        el = edges_from_parent_child(table, sink)
    root_pos = {
        _pos_key(f, s, r)
        for f, s, r in el.root_rows[["_file", "_sheet", "_row"]].itertuples(index=False, name=None)
    }
    reader_issues = [
        i
        for i in table.issues
        if not (i.code in _QTY_CODES and _pos_key(i.file, i.sheet, i.row) in root_pos)
    ]
    sink.extend(reader_issues)
    return _assemble(table, el, sink)


def _pos_key(file: object, sheet: object, row: object) -> tuple[str, str, int]:
    def txt(v: object) -> str:
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)

    return txt(file), txt(sheet), int(row) if row is not None else -1  # type: ignore[call-overload]


def _assemble(table: BomTable, el: EdgeList, sink: IssueCollector) -> BomGraph:
    e = el.edges
    m = len(e)
    # node ids in order of first appearance among products, parents and children
    ids, used = pd.factorize(np.concatenate([el.roots, el.parent, el.child]))
    ids = ids.astype(np.int64)
    n = len(used)
    node_of = np.full(len(el.universe), -1, dtype=np.int64)  # universe code -> node id
    node_of[used] = np.arange(n)
    pn_arr = el.universe[used]
    pn_all = pd.Index(pn_arr, dtype=object)
    k0 = len(el.roots)
    p, c = ids[k0 : k0 + m], ids[k0 + m :]

    def node_ids(codes: np.ndarray) -> np.ndarray:  # -1 (no part number) stays -1
        return np.where(codes >= 0, node_of[codes], -1)

    master_g = None if el.master_codes is None else node_ids(el.master_codes)
    if table.layout == "parent-child" and master_g is not None:
        check_master_nodes(table, e, pn_arr, master_g, p, c, sink)
    q = e["quantity"].to_numpy(dtype=float)
    # edges by parent, then child (stable): one integer sort on a combined key is about 3x
    # faster than a two-key lexsort at a million edges
    order = np.argsort(p * np.int64(max(n, 1)) + c, kind="stable")
    p, c, q = p[order], c[order], q[order]
    edge_rows = e[["_file", "_sheet", "_row"]].iloc[order].reset_index(drop=True)

    nodes, texts = _node_attributes(table, pn_all, sink, node_ids(el.line_codes), master_g)

    # blocking: unusable quantities and structurally broken listings
    bad_q = np.isnan(q) | (q < 0)
    bad_parent = np.zeros(n, dtype=bool)
    reasons: dict[int, str] = {}
    for j in np.flatnonzero(bad_q):
        bad_parent[p[j]] = True
        what = "is not a number" if np.isnan(q[j]) else f"is negative ({q[j]:g})"
        reasons.setdefault(
            int(p[j]),
            f"the quantity of {pn_all[c[j]]} under {pn_all[p[j]]} (row "
            f"{int(edge_rows['_row'].iat[j])}) {what}",
        )
    for part, why in el.blocked_parts.items():
        k = pn_all.get_indexer([part])[0]
        if k >= 0:
            bad_parent[k] = True
            reasons.setdefault(int(k), why)
    by_child = np.argsort(c, kind="stable")  # also kept for the explosions' cones
    h = heights(n, p, c, bad_parent, by_child)

    unresolved = h < 0
    if unresolved.any():
        for path in cycles(pn_all.to_numpy(dtype=object), p, c, unresolved & ~bad_parent):
            names = [str(pn_all[v]) for v in path]
            loop = " → ".join(names)
            for v in path[:-1]:
                reasons.setdefault(int(v), f"it is on the cycle {loop}")
            k = int(np.flatnonzero((p == path[0]) & (c == path[1]))[0])
            sink.add(
                IssueCode.BOM_CYCLE,
                f"The BOM has a cycle: {loop}. Products that contain it are not analysed.",
                part_number=names[0],
                file=edge_rows["_file"].iat[k],
                sheet=edge_rows["_sheet"].iat[k],
                row=int(edge_rows["_row"].iat[k]),
                column=table.letter(
                    str(edge_rows["_file"].iat[k]), edge_rows["_sheet"].iat[k], "part_number"
                ),
                data={"cycle": names},
            )

    indeg = np.bincount(c, minlength=n)
    roots = np.flatnonzero(indeg == 0)
    graph = BomGraph(
        part_numbers=pn_all.to_numpy(dtype=object),
        parent=p,
        child=c,
        qty=q,
        nodes=nodes,
        roots=roots,
        height=h,
        edge_rows=edge_rows,
        layout=table.layout,
        blocked_reason=reasons,
        column_letters=dict(table.column_letters),
    )
    graph.edges_by_child(by_child)
    graph.keep_attrs(texts)
    _check_parts(table, graph, sink)
    graph.issues = sink.finish()
    return graph


def _node_attributes(
    table: BomTable,
    pn_all: pd.Index,
    sink: IssueCollector,
    line_g: np.ndarray | None = None,
    master_g: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """One attribute record per node: first non-empty value wins, conflicts reported.

    Vectorised: per field the first non-empty row of each node (one ``minimum.at`` pass) and an
    element-wise comparison with it. ``line_g`` and ``master_g`` give the node id of each line
    and parts-master row (-1: none) when known. Also returns the text fields' object arrays
    (None where missing), which are the graph's ``attr`` values as they stand.
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
    keep = g >= 0
    if not keep.all():
        src = src[keep]
        g = g[keep]
    src = src.reset_index(drop=True)
    n, m = len(pn_all), len(src)
    out: dict[str, np.ndarray] = {}
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
    # copy into one block (0.09 s for the 1M-edge BOM's 536k nodes); nothing writes to them
    frame = pd.DataFrame(
        {k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in out.items()},
        index=pd.RangeIndex(n),
        copy=False,
    )
    return frame, {f: out[f] for f in fields if out[f].dtype == object}


def _take_objects(s: pd.Series, idx: np.ndarray) -> np.ndarray:
    """``s.take(idx)`` as Python objects; a categorical (file, sheet) through its codes, so
    that only its few categories are converted."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # the categories and, last, what pandas gives for a missing value (code -1)
        cats = np.array([*s.cat.categories.to_numpy(dtype=object), np.nan], dtype=object)
        return cats[s.cat.codes.to_numpy()[idx]]
    return s.take(idx).to_numpy(dtype=object)


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
    numeric = all(
        pd.api.types.is_numeric_dtype(c.dtype) and not pd.api.types.is_bool_dtype(c.dtype)
        for c in cols
    )
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
    sink: IssueCollector,
) -> None:
    """One attribute-conflict issue per part and field (at the first differing row)."""
    _, first = np.unique(g[rows], return_index=True)
    files = src["_file"].array
    sheets = src["_sheet"].array
    rownums = src["_row"].to_numpy()
    for i in np.sort(rows[first]):
        r0 = int(ref[i])
        pn = str(pn_all[int(g[i])])
        sink.add(
            IssueCode.ATTRIBUTE_CONFLICT,
            f"{pn} has {field} {_py(vals[i])!r} here but {_py(vals[r0])!r} at row "
            f"{int(rownums[r0])}; "
            f"the first value is used.",
            part_number=pn,
            file=files[i],
            sheet=sheets[i],
            row=int(rownums[i]),
            column=table.letter(str(files[i]), sheets[i], field),
            data={"field": field, "first_row": int(rownums[r0])},
        )


def _check_parts(table: BomTable, graph: BomGraph, sink: IssueCollector) -> None:
    """Missing price, unknown origin, missing ECCN on US-origin parts (positioned)."""
    leaf = graph.is_leaf
    cost = graph.num_attr("unit_cost")
    origin = graph.attr("country_of_origin")
    eccn = graph.attr("eccn")
    iso = graph.origin_iso()
    is_us = iso == "US"
    nodes = graph.nodes

    def emit(mask: np.ndarray, code: IssueCode, field: str, msg: str) -> None:
        for v in np.flatnonzero(mask):
            f, s, r = nodes["_file"].iat[v], nodes["_sheet"].iat[v], nodes["_row"].iat[v]
            sink.add(
                code,
                msg.format(pn=graph.part_numbers[v], value=origin[v]),
                part_number=str(graph.part_numbers[v]),
                file=f,
                sheet=s,
                row=int(r) if r is not None else None,
                column=table.letter(str(f), s, field),
            )

    emit(
        leaf & np.isnan(cost),
        IssueCode.MISSING_PRICE,
        "unit_cost",
        "{pn} has no unit cost; its value is left out of every total and ratio (and the "
        "ratio's high bound assumes the worst).",
    )
    no_origin = leaf & pd.isna(origin)
    emit(
        no_origin,
        IssueCode.UNKNOWN_ORIGIN,
        "country_of_origin",
        "{pn} has no country of origin; it is counted as non-US, and as US in the high bound.",
    )
    emit(
        leaf & ~no_origin & pd.isna(iso),
        IssueCode.UNKNOWN_ORIGIN,
        "country_of_origin",
        "{pn} has country of origin {value!r}, which is not a recognised country; it is "
        "counted as non-US, and as US in the high bound. Use an ISO code such as US, CN, JP.",
    )
    emit(
        is_us & pd.isna(eccn),
        IssueCode.MISSING_ECCN,
        "eccn",
        "{pn} is US-origin but has no ECCN; it is counted as not controlled, and as controlled "
        "in the high bound.",
    )
