"""Build and validate a :class:`BomGraph` from a :class:`BomTable`.

Steps: lines → unique edges (indented or parent–child), part numbers → integer node ids,
one attribute record per part (first non-empty value wins; differing values are
``attribute-conflict`` issues), heights with cycle detection, and per-part data checks
(missing price, unknown origin, missing ECCN on a US-origin part). Cycles are found *before*
any roll-up; the products above a cycle (or above a line whose quantity is unusable) are
blocked, the others go on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.graph.attributes import node_attributes
from bomtrace.graph.fallback import Fallback, Filled, fill_missing
from bomtrace.graph.indented import EdgeList, edges_from_indented
from bomtrace.graph.model import BomGraph
from bomtrace.graph.parentchild import check_master_nodes, edges_from_parent_child
from bomtrace.graph.structure import cycles, heights
from bomtrace.io.table import BomTable
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.settings import DEFAULT_LIMIT_ISSUES

_QTY_CODES = {IssueCode.BAD_QUANTITY, IssueCode.ZERO_QUANTITY, IssueCode.NEGATIVE_QUANTITY}


def build_graph(
    table: BomTable, *, limit_issues: int = DEFAULT_LIMIT_ISSUES, fallback: Fallback | None = None
) -> BomGraph:
    """Turn reader output into a validated product structure.

    Parameters
    ----------
    table : BomTable
        Output of :func:`bomtrace.io.read_bom`.
    limit_issues : int, optional
        Cap per issue code (the overflow is summarised, never dropped silently).
    fallback : callable, optional
        Values for the attributes the BOM leaves empty (the parts library): given the part
        numbers, a table of the values it knows (:mod:`bomtrace.graph.fallback`). The graph's
        ``filled`` says which values came from it, ``overlap`` where the BOM gave one too.

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
    sink = IssueLog(limit_issues)
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
    return _assemble(table, el, sink, fallback)


def _pos_key(file: object, sheet: object, row: object) -> tuple[str, str, int]:
    def txt(v: object) -> str:
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)

    return txt(file), txt(sheet), int(row) if row is not None else -1  # type: ignore[call-overload]


def _assemble(
    table: BomTable, el: EdgeList, sink: IssueLog, fallback: Fallback | None = None
) -> BomGraph:
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

    nodes, texts, coded = node_attributes(table, pn_all, sink, node_ids(el.line_codes), master_g)
    extra = None if fallback is None else fallback(pn_arr)
    done = Filled() if extra is None else fill_missing(nodes, texts, coded, pn_all, extra)

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
    h = heights(n, p, c, bad_parent)

    unresolved = h < 0
    if unresolved.any():
        # every cycle, also one through a node already blocked by a bad quantity: one
        # problem must not hide another
        for path in cycles(pn_all.to_numpy(dtype=object), p, c, unresolved):
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
        filled=done.filled,
        overlap=done.overlap,
        column_letters=dict(table.column_letters),
    )
    graph.keep_attrs(texts, coded)
    _check_parts(table, graph, sink)
    graph.issues = sink.finish()
    return graph


def _check_parts(table: BomTable, graph: BomGraph, sink: IssueLog) -> None:
    """Missing price, unknown origin, missing ECCN on US-origin parts (positioned)."""
    leaf = graph.is_leaf
    cost = graph.num_attr("unit_cost")
    origin = graph.attr("country_of_origin")
    iso = graph.origin_iso()
    is_us = iso == "US"
    files, sheets, rows = graph.attr("_file"), graph.attr("_sheet"), graph.attr("_row")

    def emit(mask: np.ndarray, code: IssueCode, field: str, msg: str) -> None:
        at = np.flatnonzero(mask)
        listed = at[: sink.room(code)]  # the others are only counted
        for v in listed.tolist():
            f, s, r = files[v], sheets[v], rows[v]
            sink.add(
                code,
                msg.format(pn=graph.part_numbers[v], value=origin[v]),
                part_number=str(graph.part_numbers[v]),
                file=f,
                sheet=s,
                row=int(r) if r is not None else None,
                column=table.letter(str(f), s, field),
            )
        sink.tally(code, len(at) - len(listed))

    emit(
        leaf & np.isnan(cost),
        IssueCode.MISSING_PRICE,
        "unit_cost",
        "{pn} has no unit cost; its value is left out of every total and ratio (and the "
        "ratio's high bound assumes the worst).",
    )
    no_origin = leaf & graph.missing("country_of_origin")
    emit(
        no_origin,
        IssueCode.UNKNOWN_ORIGIN,
        "country_of_origin",
        "{pn} has no country of origin; it is counted as non-US, and as US in the high bound.",
    )
    emit(
        leaf & ~no_origin & ~graph.has_origin_iso(),
        IssueCode.UNKNOWN_ORIGIN,
        "country_of_origin",
        "{pn} has country of origin {value!r}, which is not a recognised country; it is "
        "counted as non-US, and as US in the high bound. Use an ISO code such as US, CN, JP.",
    )
    emit(
        is_us & graph.missing("eccn"),
        IssueCode.MISSING_ECCN,
        "eccn",
        "{pn} is US-origin but has no ECCN; it is counted as not controlled, and as controlled "
        "in the high bound.",
    )
