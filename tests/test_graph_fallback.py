"""The graph build's fallback (the parts library behind ``analyze --db``): whatever the dtype
of a fallback column (objects, categoricals, Arrow strings, nullable booleans, floats), a
value the BOM leaves empty is filled, a value the BOM gives is never replaced, the graph's
codes agree with its values, and ``overlap`` is exactly where both give one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from bomfactory import parent_child
from hypothesis import given, settings
from hypothesis import strategies as st

from bomtrace.graph.build import build_graph
from bomtrace.graph.fallback import present, values_at

ECCNS = ["EAR99", "5A992", "3A991", "3A001.a.7"]
ORIGINS = ["US", "JP", "CN", "TW"]
DTYPES = ["object", "category", "string[pyarrow]"]


def _text(values: list[Any], dtype: str) -> pd.Series:
    s = pd.Series(np.array(values, dtype=object))
    return s if dtype == "object" else s.astype(dtype)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 12))
    pns = [f"r{i}" for i in range(n)]
    maybe = st.none() | st.sampled_from(ECCNS)
    bom_eccn = draw(st.lists(maybe, min_size=n, max_size=n))
    bom_coo = draw(st.lists(st.none() | st.sampled_from(ORIGINS), min_size=n, max_size=n))
    bom_cost = draw(st.lists(st.none() | st.floats(0.5, 9.5), min_size=n, max_size=n))
    # the library: some of the BOM's parts, in any order, and parts the BOM does not have
    known = draw(st.lists(st.sampled_from([*pns, "x1", "x2"]), unique=True, max_size=n + 2))
    k = len(known)
    return {
        "pns": pns,
        "bom": {"eccn": bom_eccn, "country_of_origin": bom_coo, "unit_cost": bom_cost},
        "lib_pns": known,
        "lib": {
            "eccn": draw(st.lists(maybe, min_size=k, max_size=k)),
            "country_of_origin": draw(
                st.lists(st.none() | st.sampled_from(ORIGINS), min_size=k, max_size=k)
            ),
            "unit_cost": draw(st.lists(st.none() | st.floats(0.5, 9.5), min_size=k, max_size=k)),
            "made_with_us_equipment": draw(
                st.lists(st.none() | st.booleans(), min_size=k, max_size=k)
            ),
        },
        "dtypes": draw(st.lists(st.sampled_from(DTYPES), min_size=2, max_size=2)),
        "node_given": draw(st.booleans()),
    }


def _given(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and np.isnan(v))


@settings(max_examples=120, deadline=None)
@given(cases())
def test_fallback_fills_gaps_only_and_keeps_codes_consistent(case: dict[str, Any]) -> None:
    pns, bom, lib = case["pns"], case["bom"], case["lib"]
    parts = pd.DataFrame(
        {
            "part_number": pd.array(pns, dtype="str"),
            "eccn": pd.array(bom["eccn"], dtype="str"),  # few distinct: the build codes them
            "country_of_origin": pd.array(bom["country_of_origin"], dtype="str"),
            "unit_cost": [np.nan if v is None else v for v in bom["unit_cost"]],
        }
    )
    rows = [(None, "P", 1), *(("P", p, 1) for p in pns)]
    table = parent_child(rows, fields=("parent", "part_number", "quantity"), parts=parts)
    d_eccn, d_coo = case["dtypes"]
    frame = pd.DataFrame(
        {
            "part_number": pd.array(case["lib_pns"], dtype="str"),
            "eccn": _text(lib["eccn"], d_eccn),
            "country_of_origin": _text(lib["country_of_origin"], d_coo),
            "unit_cost": [np.nan if v is None else v for v in lib["unit_cost"]],
            "made_with_us_equipment": pd.array(lib["made_with_us_equipment"], dtype="boolean"),
        }
    )

    def fallback(part_numbers: np.ndarray) -> pd.DataFrame:
        out = frame.copy()
        if case["node_given"]:  # the library's own lookup gives the node ids
            index = pd.Index(part_numbers, dtype=object)
            out["_node"] = index.get_indexer(out["part_number"].astype(object))
        return out

    g = build_graph(table, fallback=fallback)
    lib_of = {p: i for i, p in enumerate(case["lib_pns"])}
    for f in ("eccn", "country_of_origin", "unit_cost", "made_with_us_equipment"):
        numeric = f == "unit_cost"
        got = g.num_attr(f) if numeric else g.attr(f)
        filled = g.filled.get(f, np.zeros(g.n_nodes, dtype=bool))
        overlap = g.overlap.get(f, np.zeros(g.n_nodes, dtype=bool))
        for v, pn in enumerate(g.part_numbers.tolist()):
            i = pn.removeprefix("r")
            b = bom[f][int(i)] if pn != "P" and f in bom else None
            li = lib_of.get(pn)
            lv = None if li is None else lib[f][li]
            if _given(b):  # the BOM's value is kept, whatever the library says
                assert got[v] == b, (f, pn)
                assert not filled[v] and overlap[v] == _given(lv), (f, pn)
            elif _given(lv):  # the library fills it
                assert got[v] == lv and filled[v] and not overlap[v], (f, pn)
            else:
                assert not _given(got[v]) and not filled[v] and not overlap[v], (f, pn)
        if not numeric:  # codes and values agree, filled values included
            codes, distinct = g.codes(f)
            for v in range(g.n_nodes):
                assert (distinct[codes[v]] if codes[v] >= 0 else None) == got[v], (f, v)
            assert g.missing(f).tolist() == [x is None for x in got.tolist()]


def test_present_and_values_at_read_every_dtype_alike() -> None:
    values = [None, "a", "b", None, "a"]
    rows = np.array([4, 3, 1, 0])
    for dtype in DTYPES:
        s = _text(values, dtype)
        assert present(s).tolist() == [False, True, True, False, True], dtype
        assert values_at(s, rows).tolist() == ["a", None, "a", None], dtype
    flags = pd.array([True, None, False], dtype="boolean")
    assert present(pd.Series(flags)).tolist() == [True, False, True]
    assert values_at(pd.Series(flags), np.array([1, 2])).tolist() == [None, False]
    floats = pd.Series([1.5, np.nan])
    assert present(floats).tolist() == [True, False]
    assert np.isnan(values_at(floats, np.array([1])))[0]
