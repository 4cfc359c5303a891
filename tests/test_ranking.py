"""Rankings over the explosion matrix (bomtrace/analysis/ranking.py) equal a stable sort of
each product's row on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from bomtrace.analysis.ranking import Rankings


@st.composite
def matrices(draw: st.DrawFn) -> tuple[sparse.csr_array, np.ndarray, np.ndarray]:
    rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 12))
    dense = np.array(
        draw(
            st.lists(
                st.lists(st.sampled_from([0.0, 1.0, 2.0, 0.5]), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
    own = np.array(
        draw(st.lists(st.sampled_from([0.0, 1.0, 3.0, -1.0]), min_size=cols, max_size=cols))
    )
    flags = np.array(draw(st.lists(st.booleans(), min_size=cols, max_size=cols)))
    return sparse.csr_array(dense), own, flags


def _row(t: sparse.csr_array, r: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = t.indptr[r], t.indptr[r + 1]
    return t.indices[a:b], t.data[a:b]


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_contributors_equal_a_stable_sort_per_row(
    m: tuple[sparse.csr_array, np.ndarray, np.ndarray],
) -> None:
    t, own, _ = m
    ranked = Rankings(t).contributors(("top", "commodity", 0), own)
    for r in range(t.shape[0]):
        idx, qty = _row(t, r)
        c = qty * own[idx]
        keep = np.flatnonzero(c > 0)
        want = keep[np.argsort(-c[keep], kind="stable")]
        sl = ranked.row(r, 10**6)
        got = ranked.pos[sl] - t.indptr[r]
        assert got.tolist() == want.tolist()
        assert np.allclose(ranked.value[sl], c[want])


@settings(max_examples=200, deadline=None)
@given(
    matrices(), st.lists(st.lists(st.booleans(), min_size=12, max_size=12), min_size=2, max_size=4)
)
def test_one_ranking_for_every_class_equals_each_class_on_its_own(
    m: tuple[sparse.csr_array, np.ndarray, np.ndarray], counts: list[list[bool]]
) -> None:
    """Parts count with their whole value or not at all in each class: ranking once over
    every class and taking each class's subset gives each class's own ranking."""
    from bomtrace.analysis.verdict_evidence import _same_value_everywhere

    t, own, _ = m
    n = t.shape[1]
    per_class = np.stack([np.where(np.array(c[:n]), own, 0.0) for c in counts], axis=1)
    every = _same_value_everywhere(per_class)
    assert every is not None
    shared, alone = Rankings(t), Rankings(t)
    for k in range(per_class.shape[1]):
        a = shared.contributors(("top", "commodity", k), per_class[:, k], every)
        b = alone.contributors(("top", "commodity", k), per_class[:, k])
        assert a.pos.tolist() == b.pos.tolist() and a.starts.tolist() == b.starts.tolist()
        assert a.value.tolist() == b.value.tolist()


def test_classes_with_different_values_are_ranked_apart() -> None:
    from bomtrace.analysis.verdict_evidence import _same_value_everywhere

    assert _same_value_everywhere(np.array([[1.0, 0.0], [2.0, 2.0]])) is not None
    assert _same_value_everywhere(np.array([[1.0, 0.5], [2.0, 2.0]])) is None
    assert _same_value_everywhere(np.array([[1.0], [2.0]])) is None  # one class: no need


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_unresolved_first_flagged_then_by_gap(
    m: tuple[sparse.csr_array, np.ndarray, np.ndarray],
) -> None:
    t, own, flags = m
    low, high = np.zeros_like(own), np.abs(own)
    open_ = flags | (high - low > 0)
    ranked = Rankings(t).unresolved(("open", "commodity", 0), low, high, open_, flags)
    for r in range(t.shape[0]):
        idx, qty = _row(t, r)
        delta = qty * (high[idx] - low[idx])
        cand = np.flatnonzero(open_[idx] & (flags[idx] | (delta > 0)))
        want = cand[np.lexsort((-delta[cand], ~flags[idx][cand]))]
        sl = ranked.row(r, 10**6)
        assert (ranked.pos[sl] - t.indptr[r]).tolist() == want.tolist()
        assert ranked.flag[sl].tolist() == flags[idx][want].tolist()


@settings(max_examples=200, deadline=None)
@given(matrices(), st.integers(0, 4))
def test_head_is_each_rows_first_entries(
    m: tuple[sparse.csr_array, np.ndarray, np.ndarray], limit: int
) -> None:
    t, own, _ = m
    ranked = Rankings(t).contributors(("top", "commodity", 0), own)
    kept, ends = ranked.head(limit)
    assert len(ends) == t.shape[0] + 1
    for r in range(t.shape[0]):
        want = ranked.pos[ranked.row(r, limit)]
        assert ranked.pos[kept[ends[r] : ends[r + 1]]].tolist() == want.tolist()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from([0.0, -0.0, 1.5, -2.0, float("nan"), 1e300]),
            st.integers(-3, 3),
        ),
        max_size=40,
    )
)
def test_sort_order_equals_lexsort(rows: list[tuple[int, float, int]]) -> None:
    from bomtrace.analysis.ranking import sort_order

    primary = np.array([r[0] for r in rows], dtype=np.int64)
    a = np.array([r[1] for r in rows], dtype=float)
    b = np.array([r[2] for r in rows], dtype=np.int64)
    want = np.lexsort((b, a, primary)) if rows else np.zeros(0, dtype=np.int64)
    assert sort_order(primary, [b, a]).tolist() == want.tolist()
    # a packed key too wide for 62 bits falls back to lexsort
    wide = primary * 2**58
    assert sort_order(wide, [b, a]).tolist() == (np.lexsort((b, a, wide)).tolist() if rows else [])
