"""Roll-up and explosion invariants (bomtrace/rollup.py), with hypothesis."""

from __future__ import annotations

import random

import numpy as np
from bomfactory import indented, parent_child
from hypothesis import given, settings
from hypothesis import strategies as st

from bomtrace.graph import build_graph
from bomtrace.rollup import explode, explode_kept, rollup


@st.composite
def dags(draw, max_nodes: int = 9):
    """A random BOM DAG: node 0.. are ordered so edges only go to higher ids."""
    n = draw(st.integers(2, max_nodes))
    edges = {}
    for c in range(1, n):
        parents = draw(st.sets(st.integers(0, c - 1), min_size=1, max_size=min(3, c)))
        for p in parents:
            edges[(p, c)] = draw(st.integers(1, 4))
    costs = [draw(st.integers(0, 50)) / 4 for _ in range(n)]
    return n, edges, costs


def _pc_rows(n, edges, costs, order=None):
    parents = {p for p, _ in edges}
    rows: list[tuple[object, ...]] = [
        (f"N{p}", f"N{c}", q, None if c in parents else costs[c], "JP", "EAR99")
        for (p, c), q in edges.items()
    ]
    roots = [v for v in range(n) if not any(c == v for _, c in edges)]
    rows += [(None, f"N{r}", None, None, None, None) for r in roots]
    if order is not None:
        rows = [rows[i] for i in order]
    return rows


def _naive(v, edges, costs, leaves):
    if v in leaves:
        return costs[v]
    return sum(q * _naive(c, edges, costs, leaves) for (p, c), q in edges.items() if p == v)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_rollup_equals_naive_recursion_and_exploded_leaves(dag):
    n, edges, costs = dag
    g = build_graph(parent_child(_pc_rows(n, edges, costs)))
    leaf = g.is_leaf
    cost = np.nan_to_num(g.num_attr("unit_cost"))
    tot = rollup(g, np.where(leaf, cost, 0.0))
    leaves = {v for v in range(n) if not any(p == v for p, _ in edges)}
    for v in range(n):
        assert np.isclose(tot[g.index_of(f"N{v}")], _naive(v, edges, costs, leaves))
    x = explode(g, g.roots)
    exploded = x.multiply(np.where(leaf, cost, 0.0)[None, :]).sum(axis=1).A.ravel()
    assert np.allclose(exploded, tot[g.roots])


@settings(max_examples=60, deadline=None)
@given(dags(), st.data())
def test_bottom_up_explosion_equals_explosion_on_kept_columns(dag, data):
    n, edges, costs = dag
    g = build_graph(parent_child(_pc_rows(n, edges, costs)))
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    cut = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(g.parent), max_size=len(g.parent)))
    )
    sources = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
    for mask in (None, cut):
        want = explode(g, sources, edge_mask=mask).toarray()[:, keep]
        got = explode_kept(g, sources, keep, edge_mask=mask).toarray()
        assert np.allclose(got[:, keep], want)
        assert not got[:, ~keep].any()


@settings(max_examples=40, deadline=None)
@given(dags(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(dag, rnd: random.Random):
    n, edges, costs = dag
    rows = _pc_rows(n, edges, costs)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    g1 = build_graph(parent_child(rows))
    g2 = build_graph(parent_child(_pc_rows(n, edges, costs, order)))

    def totals(g):
        leaf = g.is_leaf
        t = rollup(g, np.where(leaf, np.nan_to_num(g.num_attr("unit_cost")), 0.0))
        return {str(p): round(v, 9) for p, v in zip(g.part_numbers, t, strict=True)}

    assert totals(g1) == totals(g2)
    assert sorted(map(str, g1.part_numbers[g1.roots])) == sorted(
        map(str, g2.part_numbers[g2.roots])
    )


def _indented_rows(n, edges, costs):
    parents = {p for p, _ in edges}
    roots = [v for v in range(n) if not any(c == v for _, c in edges)]
    rows = []

    def walk(v, level, q):
        rows.append((level, f"N{v}", q, None if v in parents else costs[v], "JP", "EAR99"))
        for (p, c), qq in sorted(edges.items()):
            if p == v:
                walk(c, level + 1, qq)

    for r in roots:
        walk(r, 0, 1)
    return rows


@settings(max_examples=40, deadline=None)
@given(dags(max_nodes=7))
def test_indented_and_parent_child_forms_agree(dag):
    n, edges, costs = dag
    gi = build_graph(indented(_indented_rows(n, edges, costs)))
    gp = build_graph(parent_child(_pc_rows(n, edges, costs)))
    assert not [i for i in gi.issues if i.severity == "error"]

    def totals(g):
        t = rollup(g, np.where(g.is_leaf, np.nan_to_num(g.num_attr("unit_cost")), 0.0))
        return {str(p): round(v, 9) for p, v in zip(g.part_numbers, t, strict=True)}

    assert totals(gi) == totals(gp)
    ei = {
        (str(gi.part_numbers[p]), str(gi.part_numbers[c]), q)
        for p, c, q in zip(gi.parent, gi.child, gi.qty, strict=True)
    }
    ep = {
        (str(gp.part_numbers[p]), str(gp.part_numbers[c]), q)
        for p, c, q in zip(gp.parent, gp.child, gp.qty, strict=True)
    }
    assert ei == ep


def test_blocked_nodes_are_nan_and_excluded():
    g = build_graph(
        parent_child(
            [
                (None, "P", None, None, None, None),
                ("P", "A", 1, None, None, None),
                ("A", "B", 1, None, None, None),
                ("B", "A", 1, None, None, None),
                (None, "Q", None, None, None, None),
                ("Q", "r", 2, 1.5, "JP", "EAR99"),
            ]
        )
    )
    t = rollup(g, np.where(g.is_leaf, np.nan_to_num(g.num_attr("unit_cost")), 0.0))
    assert np.isnan(t[g.index_of("P")])
    assert t[g.index_of("Q")] == 3.0
    # a blocked node kept for the bottom-up explosion is its own row, reached by no edge
    keep = np.zeros(g.n_nodes, dtype=bool)
    keep[[g.index_of("A"), g.index_of("r")]] = True
    x = explode_kept(g, np.array([g.index_of("Q")]), keep).toarray()
    assert x[0, g.index_of("r")] == 2.0 and x.sum() == 2.0


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1.0, 2.5, -1.0]), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(0, 5), min_size=1, max_size=9),
)
def test_distinct_columns_rebuild_every_column(columns, picks):
    """Zero columns are left out and repeated ones kept once; every column is recovered."""
    from bomtrace.analysis.values import _distinct_columns

    pool = [np.array(c) for c in columns]
    flat = [pool[i % len(pool)] for i in picks]
    blocks = (
        [np.column_stack(flat[:2]), np.column_stack(flat[2:])]
        if len(flat) > 2
        else [np.column_stack(flat)]
    )
    got = _distinct_columns(4, blocks)
    assert got.distinct.shape[1] == len({c.tobytes() for c in flat if c.any()})
    for col, w in zip(flat, got.where.tolist(), strict=True):
        if w < 0:
            assert not col.any()
        else:
            assert got.distinct[:, w].tolist() == col.tolist()


@settings(max_examples=60, deadline=None)
@given(
    dags(),
    st.integers(1, 3),
    st.integers(0, 2),
    st.lists(st.integers(0, 4), min_size=40, max_size=40),
)
def test_variant_blocks_equal_rolling_up_every_column(dag, k, n_items, picks):
    """A variant rolls up only the distinct non-zero columns and shares equal blocks; every
    block equals the roll-up of its own columns (NaN rows included)."""
    from bomtrace.analysis.values import _distinct_columns, _variant

    n, edges, costs = dag
    g = build_graph(parent_child(_pc_rows(n, edges, costs)))
    rng = np.random.default_rng(len(picks) + k)
    pool = [np.zeros(n), np.ones(n), rng.random(n), rng.random(n), np.arange(n, dtype=float)]
    tracks = ("hardware", "software")
    width = 5 * len(tracks) * k + 2 * n_items
    full = np.column_stack([pool[picks[i % len(picks)]] for i in range(width)])
    mask = np.ones(g.n_edges, dtype=bool)
    v = _variant(g, _distinct_columns(g.n_nodes, [full]), tracks, k, n_items, mask)
    want = rollup(g, full)
    for i, t in enumerate(tracks):
        for j, f in enumerate(("low", "high", "unpriced", "zero_low", "zero_high")):
            got = getattr(v, f)[t]
            assert not got.flags.writeable
            start = (5 * i + j) * k
            np.testing.assert_array_equal(got, want[:, start : start + k])
    at = 5 * len(tracks) * k
    np.testing.assert_array_equal(v.item_counts, want[:, at : at + 2 * n_items : 2])
    np.testing.assert_array_equal(v.item_counts_high, want[:, at + 1 : at + 2 * n_items : 2])


@settings(max_examples=60, deadline=None)
@given(dags(), st.lists(st.integers(0, 8), min_size=1, max_size=4))
def test_used_quantities_are_the_explosions_column_sums(dag, picks):
    from bomtrace.rollup import used_quantities

    n, edges, costs = dag
    g = build_graph(parent_child(_pc_rows(n, edges, costs)))
    sources = np.array([p % n for p in picks], dtype=np.int64)  # repeats count again
    want = np.asarray(explode(g, sources).sum(axis=0)).ravel()
    np.testing.assert_allclose(used_quantities(g, sources), want, rtol=1e-12)
