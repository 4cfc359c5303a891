"""Every product's structure as an indented BOM: one row per place a part is used, depth first.

An indented BOM lists a shared sub-assembly in full under each of its parents, so its rows are
the paths of the graph, not its nodes: :func:`indented_bom` walks them iteratively (an explicit
stack, no recursion limit) and stops at ``limit`` rows, while :func:`tree_rows` counts every
product's rows with one numpy pass per BOM level (the count can pass a billion on a heavily
shared BOM; nothing walks those paths). The values come from the analysis (:class:`NodeValues`,
per unit of each part); quantities are per parent and per one unit of the product.

A part already on the path above it (a cycle, which blocks its product) is listed once more and
not expanded, and its row says so.

>>> import numpy as np, pandas as pd
>>> from bomtrace.graph.model import BomGraph
>>> g = BomGraph(part_numbers=np.array(["P", "A", "r"], dtype=object),
...     parent=np.array([0, 0, 1]), child=np.array([1, 2, 2]), qty=np.array([2., 1., 3.]),
...     nodes=pd.DataFrame({"unit_cost": [None, None, 1.5]}), roots=np.array([0]),
...     height=np.array([2, 1, 0]), edge_rows=pd.DataFrame(), layout="indented")
>>> t = indented_bom(g)
>>> t.table[["level", "part_number", "quantity", "extended_quantity"]].values.tolist()
[[0, 'P', nan, 1.0], [1, 'A', 2.0, 2.0], [2, 'r', 3.0, 6.0], [1, 'r', 1.0, 1.0]]
>>> t.total_rows, t.capped, indented_bom(g, limit=2).capped
(4, False, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bomtrace.graph.model import BomGraph

#: the columns of :attr:`BomTree.table`
COLUMNS = (
    "product",
    "level",
    "part_number",
    "description",
    "quantity",
    "extended_quantity",
    "unit_cost",
    "rolled_up_cost",
    "extended_cost",
    "country_of_origin",
    "eccn",
    "us_origin_value",
    "note",
)

#: the note of a row whose part is already on the path above it
CYCLE_NOTE = "cycle: this part is already above it on the path; not expanded again"


@dataclass
class BomTree:
    """An indented BOM (:data:`COLUMNS`), and how much of it there is."""

    #: one row per use of a part, depth first, each product's row first (level 0)
    table: pd.DataFrame
    #: the rows of the whole walk (None when a cycle leaves a product's count open)
    total_rows: int | None
    #: the walk stopped at its limit: ``table`` holds the first rows only
    capped: bool


def tree_rows(graph: BomGraph) -> np.ndarray:
    """Per node, the rows of its indented BOM (itself and every use below it), as floats;
    NaN for blocked nodes (a cycle has no finite count). One numpy pass per BOM level.

    >>> import numpy as np, pandas as pd
    >>> from bomtrace.graph.model import BomGraph
    >>> g = BomGraph(part_numbers=np.array(["P", "A", "r"], dtype=object),
    ...     parent=np.array([0, 0, 1]), child=np.array([1, 2, 2]), qty=np.ones(3),
    ...     nodes=pd.DataFrame(index=range(3)), roots=np.array([0]),
    ...     height=np.array([2, 1, 0]), edge_rows=pd.DataFrame(), layout="indented")
    >>> tree_rows(g).tolist()
    [4.0, 2.0, 1.0]
    """
    count = np.ones(graph.n_nodes, dtype=float)
    order = graph.edges_by_height()
    p, c = graph.parent[order], graph.child[order]
    hp = graph.height[p]
    keep = hp >= 0
    p, c, hp = p[keep], c[keep], hp[keep]
    if len(hp):
        bounds = np.searchsorted(hp, np.arange(0, int(hp[-1]) + 2))
        for level in range(1, int(hp[-1]) + 1):
            lo, hi = bounds[level], bounds[level + 1]
            if lo < hi:  # children sit lower, so their counts are complete
                np.add.at(count, p[lo:hi], count[c[lo:hi]])
    count[graph.height < 0] = np.nan
    return count


def walk(
    graph: BomGraph, roots: np.ndarray, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """The depth-first rows under ``roots``: per row its node, the edge it is reached by (-1
    for a product), its level, its quantity per product and whether it closes a cycle; and
    whether ``limit`` stopped the walk. Iterative: the depth of the BOM does not matter."""
    indptr = np.searchsorted(graph.parent, np.arange(graph.n_nodes + 1)).tolist()
    child, qty = graph.child.tolist(), graph.qty.tolist()
    nodes: list[int] = []
    edges: list[int] = []
    levels: list[int] = []
    ext: list[float] = []
    cycle: list[bool] = []
    on_path = bytearray(graph.n_nodes)
    path: list[int] = []
    # (node, edge, level, quantity per product), products last so the first pops first
    stack: list[tuple[int, int, int, float]] = [(int(r), -1, 0, 1.0) for r in roots[::-1]]
    cap = limit if limit is not None else -1
    while stack and len(nodes) != cap:
        v, e, lv, q = stack.pop()
        while len(path) > lv:  # back up to this row's parent
            on_path[path.pop()] = 0
        closes = bool(on_path[v])
        nodes.append(v)
        edges.append(e)
        levels.append(lv)
        ext.append(q)
        cycle.append(closes)
        if closes:
            continue
        path.append(v)
        on_path[v] = 1
        a, b = indptr[v], indptr[v + 1]
        for j in range(b - 1, a - 1, -1):  # reversed, so the first child pops first
            stack.append((child[j], j, lv + 1, q * qty[j]))
    return (
        np.array(nodes, dtype=np.int64),
        np.array(edges, dtype=np.int64),
        np.array(levels, dtype=np.int64),
        np.array(ext, dtype=float),
        np.array(cycle, dtype=bool),
        bool(stack),
    )


def indented_bom(
    graph: BomGraph,
    total: np.ndarray | None = None,
    us: np.ndarray | None = None,
    *,
    roots: np.ndarray | None = None,
    limit: int | None = None,
) -> BomTree:
    """The indented BOM of ``roots`` (every product by default), at most ``limit`` rows.

    Parameters
    ----------
    graph : BomGraph
        The analysed graph.
    total, us : numpy.ndarray, optional
        Rolled-up cost and US-origin value per unit of each node (the analysis'
        ``NodeValues.total`` and ``.us``); NaN columns when not given.
    roots : numpy.ndarray, optional
        The products to list, in order (default: ``graph.roots``).
    limit : int, optional
        Stop after this many rows (:attr:`BomTree.capped` says so).
    """
    roots = graph.roots if roots is None else np.asarray(roots, dtype=np.int64)
    node, edge, level, ext, cycle, capped = walk(graph, roots, limit)
    nan = np.full(graph.n_nodes, np.nan)
    total = nan if total is None else total
    us = nan if us is None else us
    product = np.maximum.accumulate(np.where(level == 0, np.arange(len(node)), 0))
    has_edge = edge >= 0
    quantity = np.full(len(node), np.nan)
    quantity[has_edge] = graph.qty[edge[has_edge]]
    with np.errstate(over="ignore", invalid="ignore"):
        extended = ext * total[node]
    extended[~np.isfinite(extended)] = np.nan
    note = np.full(len(node), None, dtype=object)
    note[cycle] = CYCLE_NOTE
    table = pd.DataFrame(
        {
            "product": graph.part_numbers[node[product]] if len(node) else [],
            "level": level,
            "part_number": graph.part_numbers[node],
            "description": graph.attr("description")[node],
            "quantity": quantity,
            "extended_quantity": np.round(ext, 6),
            "unit_cost": graph.num_attr("unit_cost")[node],
            "rolled_up_cost": total[node],
            "extended_cost": np.round(extended, 4),
            "country_of_origin": graph.attr("country_of_origin")[node],
            "eccn": graph.attr("eccn")[node],
            "us_origin_value": us[node],
            "note": note,
        },
        columns=list(COLUMNS),
    )
    counts = tree_rows(graph)[roots]
    total_rows = int(counts.sum()) if len(counts) and np.isfinite(counts).all() else None
    if not len(counts):
        total_rows = 0
    return BomTree(table=table, total_rows=total_rows, capped=capped)
