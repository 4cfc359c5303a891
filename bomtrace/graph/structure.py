"""Heights, cycles and blocking on integer edge arrays (vectorised Kahn layering).

``height[n]`` is the longest distance from ``n`` down to a purchased part. Nodes are peeled
from the leaves upward, one layer per round; a node whose children are never all peeled sits
on a cycle or above one (or above an edge marked bad) and keeps height ``-1``. The cost is one
pass over the edges per layer — the BOM depth — never one per path.
"""

from __future__ import annotations

import numpy as np


def gather_ranges(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(indptr[v], indptr[v+1])`` for every ``v`` in ``nodes``.

    >>> gather_ranges(np.array([0, 2, 2, 5]), np.array([0, 2])).tolist()
    [0, 1, 2, 3, 4]
    """
    starts = indptr[nodes]
    lens = indptr[nodes + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offs = np.repeat(starts - np.r_[0, np.cumsum(lens)[:-1]], lens)
    return np.arange(total, dtype=np.int64) + offs


def first_rows(g: np.ndarray, rows: np.ndarray, n: int, none: int) -> np.ndarray:
    """The smallest of ``rows`` per node id in ``g`` (``none`` for a node with none): one
    unbuffered ``minimum.at`` pass, no sort.

    >>> first_rows(np.array([2, 0, 2]), np.array([5, 6, 7]), 4, -1 + 10).tolist()
    [6, 9, 5, 9]
    """
    first = np.full(n, none, dtype=np.int64)
    np.minimum.at(first, g, rows)
    return first


def heights(
    n: int,
    parent: np.ndarray,
    child: np.ndarray,
    bad_parent: np.ndarray | None = None,
) -> np.ndarray:
    """Longest distance to a leaf per node; -1 on/above cycles and above bad parents.

    Parameters
    ----------
    n : int
        Number of nodes.
    parent, child : numpy.ndarray
        Edge arrays of node ids.
    bad_parent : numpy.ndarray of bool, optional
        Nodes that must stay unresolved (e.g. an edge below them has no usable quantity).

    Examples
    --------
    >>> heights(4, np.array([0, 1, 2, 3]), np.array([1, 2, 1, 2])).tolist()  # 1 → 2 → 1
    [-1, -1, -1, -1]
    >>> heights(3, np.array([0, 0, 1]), np.array([1, 2, 2])).tolist()
    [2, 1, 0]
    """
    remaining = np.bincount(parent, minlength=n).astype(np.int64)
    if bad_parent is not None:
        remaining[bad_parent] += 1
    order = np.argsort(child)  # edges grouped by child; their order within a child is free
    indptr = np.r_[0, np.cumsum(np.bincount(child, minlength=n))]
    p_by_child = parent[order]
    height = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(remaining == 0)
    height[frontier] = 0
    h = 0
    while frontier.size:
        ps = p_by_child[gather_ranges(indptr, frontier)]
        if not ps.size:
            break
        cnt = np.bincount(ps, minlength=n)  # per node, edges to it settled now (no sort)
        remaining -= cnt
        frontier = np.flatnonzero((cnt > 0) & (remaining == 0))
        h += 1
        height[frontier] = h
    return height


def cycles(
    part_numbers: np.ndarray, parent: np.ndarray, child: np.ndarray, unresolved: np.ndarray
) -> list[list[int]]:
    """One simple cycle (as a node-id path, first node repeated at the end) per cyclic
    strongly connected component among the unresolved nodes.

    Uses networkx on the (small) unresolved subgraph only — the error path.
    """
    import networkx as nx

    sel = unresolved[parent] & unresolved[child]
    g = nx.DiGraph()
    g.add_edges_from(zip(parent[sel].tolist(), child[sel].tolist(), strict=True))
    out: list[list[int]] = []
    for comp in nx.strongly_connected_components(g):
        sub = g.subgraph(comp)
        if len(comp) == 1 and not any(sub.has_edge(v, v) for v in comp):
            continue
        start = min(comp, key=lambda v: str(part_numbers[v]))
        edges = nx.find_cycle(sub, source=start)
        path = [int(edges[0][0])] + [int(e[1]) for e in edges]
        out.append(path)
    out.sort(key=lambda p: str(part_numbers[p[0]]))
    return out
