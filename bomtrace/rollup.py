"""Vectorised roll-up and explosion over a validated :class:`~bomtrace.graph.BomGraph`.

Assumes a validated graph: blocked nodes (height -1: on/above a cycle or an unusable
quantity) are never rolled up and come out as NaN. Everything is level-synchronous numpy:
one pass per BOM level over that level's edges, so the cost grows with edges × value tracks,
never with the number of paths (which explodes when sub-assemblies are shared).

>>> import numpy as np
>>> from bomtrace.graph.model import BomGraph
>>> import pandas as pd
>>> g = BomGraph(part_numbers=np.array(["P", "A", "r"], dtype=object),
...     parent=np.array([0, 0, 1]), child=np.array([1, 2, 2]), qty=np.array([2., 1., 3.]),
...     nodes=pd.DataFrame(index=range(3)), roots=np.array([0]),
...     height=np.array([2, 1, 0]), edge_rows=pd.DataFrame(), layout="indented")
>>> rollup(g, np.array([0., 0., 1.5])).tolist()   # P = 2*(3*1.5) + 1*1.5 = 10.5
[10.5, 4.5, 1.5]
>>> explode(g, np.array([0])).toarray().tolist()   # r appears 2*3 + 1 = 7 times in P
[[1.0, 2.0, 7.0]]
>>> keep = np.array([False, False, True])              # only r's column, bottom-up
>>> explode_kept(g, np.array([0, 1]), keep).toarray().tolist()
[[0.0, 0.0, 7.0], [0.0, 0.0, 3.0]]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from bomtrace.graph.model import BomGraph


def _plan(graph: BomGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The edges below resolved parents ordered by the parent's height (stable: parents stay
    sorted within a level) as (edge ids, parents, children, quantities), made once per graph:
    every roll-up walks them, each with its own edge mask."""

    return graph.derived(_make_plan)


def _make_plan(graph: BomGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    order = graph.edges_by_height()
    sel = order[graph.height[graph.parent[order]] >= 0]
    return sel, graph.parent[sel], graph.child[sel], graph.qty[sel]


def _levels(
    graph: BomGraph, edge_mask: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Yield, per height 1..max, (parents, children, quantities, group starts)."""
    sel, p, c, q = _plan(graph)
    if edge_mask is not None:
        m = edge_mask[sel]
        if not m.all():
            p, c, q = p[m], c[m], q[m]
    hp = graph.height[p]
    if not len(hp):
        return
    bounds = np.searchsorted(hp, np.arange(0, int(hp[-1]) + 2))
    for level in range(1, int(hp[-1]) + 1):
        lo, hi = bounds[level], bounds[level + 1]
        if lo == hi:
            continue
        pp = p[lo:hi]
        starts = np.flatnonzero(np.r_[True, pp[1:] != pp[:-1]])
        yield pp, c[lo:hi], q[lo:hi], starts


def rollup(graph: BomGraph, own: np.ndarray, *, edge_mask: np.ndarray | None = None) -> np.ndarray:
    """Roll values up: ``V[n] = own[n] + Σ qty(n→c) · V[c]`` for every node at once.

    Parameters
    ----------
    graph : BomGraph
        A validated graph.
    own : numpy.ndarray
        Shape ``(n,)`` or ``(n, k)``: each node's own value per track (per unit of the node).
    edge_mask : numpy.ndarray of bool, optional
        Only these edges are followed (e.g. stop below US-origin parts).

    Returns
    -------
    numpy.ndarray
        Same shape as ``own``; NaN rows for blocked nodes.
    """
    one_d = own.ndim == 1
    v = np.array(own, dtype=float, copy=True).reshape(len(own), -1)
    if not v.any():  # nothing to roll up (no US-technology value, no hit...): zeros stay
        v[graph.height < 0] = np.nan
        return v[:, 0] if one_d else v
    n = len(v)
    for pp, cc, qq, starts in _levels(graph, edge_mask):
        # the level's parents × nodes quantity matrix, its rows as they lie in the edges
        a = sp.csr_matrix((qq, cc, np.r_[starts, len(cc)]), shape=(len(starts), n))
        v[pp[starts]] += a @ v
    v[graph.height < 0] = np.nan
    return v[:, 0] if one_d else v


def used_quantities(graph: BomGraph, sources: np.ndarray) -> np.ndarray:
    """How many of every node all ``sources`` together hold (each source counts once): the
    column sums of :func:`explode`, in one top-down pass per BOM level instead of a row per
    source. ``sources`` must not be blocked.

    >>> import numpy as np, pandas as pd
    >>> from bomtrace.graph.model import BomGraph
    >>> g = BomGraph(part_numbers=np.array(["P", "A", "r"], dtype=object),
    ...     parent=np.array([0, 0, 1]), child=np.array([1, 2, 2]), qty=np.array([2., 1., 3.]),
    ...     nodes=pd.DataFrame(index=range(3)), roots=np.array([0]),
    ...     height=np.array([2, 1, 0]), edge_rows=pd.DataFrame(), layout="indented")
    >>> used_quantities(g, np.array([0, 1])).tolist()   # r: 7 in P, 3 more in A alone
    [1.0, 3.0, 10.0]
    """
    n = graph.n_nodes
    count = np.bincount(np.asarray(sources, dtype=np.int64), minlength=n).astype(float)
    for pp, cc, qq, _ in reversed(list(_levels(graph, None))):
        count += np.bincount(cc, weights=qq * count[pp], minlength=n)
    return count


def rollup_stated_total(
    graph: BomGraph, own: np.ndarray, stated: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Roll up one track where an assembly's stated value, when given, is its total.

    Returns ``(values, children_sum)``: the node values (stated where given, else the roll-up)
    and the rolled-up value of each node's children, so that value added = stated − children.
    """
    v = np.array(own, dtype=float, copy=True)
    kids = np.zeros(len(v))
    for pp, cc, qq, starts in _levels(graph, None):
        sums = np.add.reduceat(qq * v[cc], starts)
        par = pp[starts]
        kids[par] = sums
        use = ~np.isnan(stated[par])
        v[par] = np.where(use, stated[par], v[par] + sums)
    v[graph.height < 0] = np.nan
    return v, kids


def explode(
    graph: BomGraph,
    sources: np.ndarray,
    *,
    edge_mask: np.ndarray | None = None,
    keep: np.ndarray | None = None,
    chunk: int = 512,
) -> sp.csr_matrix:
    """Total quantity of every node inside each source node (the source itself counts 1).

    Parameters
    ----------
    graph : BomGraph
        A validated graph; ``sources`` must not be blocked.
    sources : numpy.ndarray
        Node ids (typically the products).
    edge_mask : numpy.ndarray of bool, optional
        Only these edges are followed.
    keep : numpy.ndarray of bool, optional
        Only these nodes' columns are needed. The explosion is then confined to them and the
        assemblies above them, which keeps heavily shared BOMs (millions of paths, thousands
        of products) small; other columns come out empty.
    chunk : int, optional
        Sources exploded together; bounds the working memory.

    Returns
    -------
    scipy.sparse.csr_matrix
        ``len(sources) × n``; cost is bounded by the output (sources × distinct parts below
        them) times the depth, never by the number of paths.
    """
    n = graph.n_nodes
    ok = _followed(graph, edge_mask)
    if keep is not None:
        ok &= _cone(graph, ok, keep)[graph.child]
    a = sp.csr_matrix((graph.qty[ok], (graph.parent[ok], graph.child[ok])), shape=(n, n))
    depth = int(graph.height.max(initial=0)) + 1
    blocks = []
    for lo in range(0, max(len(sources), 1), chunk):
        src = sources[lo : lo + chunk]
        m = len(src)
        y = sp.csr_matrix((np.ones(m), (np.arange(m), src)), shape=(m, n))
        total = y.copy()
        for _ in range(depth):
            y = y @ a
            if y.nnz == 0:
                break
            total = total + y
        blocks.append(total)
    return sp.csr_matrix(sp.vstack(blocks, format="csr")) if blocks else sp.csr_matrix((0, n))


def explode_kept(
    graph: BomGraph,
    sources: np.ndarray,
    keep: np.ndarray,
    *,
    edge_mask: np.ndarray | None = None,
) -> sp.csr_matrix:
    """:func:`explode` for the ``keep`` columns only, computed bottom-up.

    Every assembly above a kept node gets the row ``Q[v] = [v kept] + Σ qty(v→c) · Q[c]`` of
    kept-node quantities inside it, one sparse product per BOM level, and the sources' rows
    are taken at the end. A shared sub-assembly is exploded once, not once per product that
    holds it, so this is the faster form when many products share sub-assemblies and few
    nodes are kept. Sums run in another order than :func:`explode`'s, so quantities may
    differ from it in the last bits.

    See the module's example.
    """
    n = graph.n_nodes
    ok = _followed(graph, edge_mask)
    kept = np.flatnonzero(keep)
    cone = _cone(graph, ok, keep)
    ok &= cone[graph.child]
    nodes = np.flatnonzero(cone)
    nodes = nodes[np.argsort(graph.height[nodes], kind="stable")]  # children before parents
    at = np.full(n, len(nodes), dtype=np.int64)  # row of each node; outside the cone: empty
    at[nodes] = np.arange(len(nodes))
    a = sp.csr_matrix(
        (graph.qty[ok], (at[graph.parent[ok]], at[graph.child[ok]])), shape=(len(nodes),) * 2
    )
    own = sp.csr_matrix((np.ones(len(kept)), (at[kept], kept)), shape=(len(nodes), n))
    heights = graph.height[nodes]
    # one block per height (blocked kept nodes, height -1, first: no edges reach them)
    low, high = int(heights.min(initial=0)), int(heights.max(initial=0))
    bounds = np.searchsorted(heights, np.arange(low, high + 2))
    done = sp.csr_matrix((0, n))
    for lo, hi in itertools.pairwise(bounds.tolist()):
        if lo == hi:
            continue
        level = own[lo:hi] + a[lo:hi, :lo] @ done if lo else own[lo:hi]
        done = sp.vstack([done, level], format="csr")
    done = sp.vstack([done, sp.csr_matrix((1, n))], format="csr")  # the empty row
    return sp.csr_matrix(done[at[sources]])


def _cone(graph: BomGraph, ok: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The ``keep`` nodes and every node above them over the ``ok`` edges (edges below
    resolved parents): one pass per BOM level, lowest first, so a node's children are
    settled before it is reached."""
    mask = np.array(keep, dtype=bool, copy=True)
    for pp, cc, _, _ in _levels(graph, ok):
        mask[pp[mask[cc]]] = True
    return mask


def _followed(graph: BomGraph, edge_mask: np.ndarray | None) -> np.ndarray:
    """The edges an explosion follows: below a resolved parent, and in ``edge_mask``."""
    ok = graph.height[graph.parent] >= 0
    return ok & edge_mask if edge_mask is not None else ok
