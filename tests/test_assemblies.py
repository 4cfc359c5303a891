"""Sub-assembly results held as arrays (bomtrace.analysis.assembly_results): the JSON entries
written from the arrays equal the entries of the result objects made on access, for fast cells and
for the cells built in full (734.4(a) hit, second-incorporation difference, technology track).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import orjson
import pytest
from bomfactory import BASE_FIELDS, indented
from hypothesis import given
from hypothesis import strategies as st

from bomtrace import analyze
from bomtrace.analysis.assembly_results import AssemblyResults
from bomtrace.analysis.bulk import _json_strings
from bomtrace.analysis.schema import rounded

D2020 = date(2020, 8, 17)
F = (*BASE_FIELDS, "selling_price", "item_type", "discrete_product", "description")
DESTS = ["CN", "DE", "IR", "CU", "RU"]


def bom() -> Any:
    """Foreign sub-assemblies of every kind under one product."""
    rows = [
        (0, "P", 1, None, "CN", None, 500.0, None, None, "Product"),
        # plain: US content, fast path
        (1, "A", 2, None, "CN", None, None, None, None, "Plain assembly"),
        (2, "U1", 3, 5.0, "US", "3A001.a.7", None, None, None, "Amplifier"),
        (2, "F1", 1, 40.0, "CN", None, None, None, None, None),
        # a 734.4(a)(6)(i) part: zero de minimis, built in full
        (1, "Z", 1, None, "CN", None, None, None, None, "Assembly with a 9x515 part"),
        (2, "U2", 1, 1.0, "US", "9A515.a.1", None, None, None, "Satellite part"),
        (2, "F2", 1, 99.0, "CN", None, None, None, None, None),
        # a discrete foreign sub-assembly inside another: second incorporation differs
        (1, "B", 1, None, "CN", None, None, None, None, "Holds a discrete module"),
        (2, "D", 1, None, "TW", None, None, None, True, "Discrete module"),
        (3, "U3", 2, 5.0, "US", "3A001.a.7", None, None, None, None),
        (3, "F3", 1, 2.0, "TW", None, None, None, None, None),
        (2, "F4", 1, 30.0, "CN", None, None, None, None, None),
        # technology track: built in full (the report note)
        (1, "T", 1, None, "CN", None, None, "technology", None, "Know-how"),
        (2, "UT", 1, 30.0, "US", "3E001", None, "technology", None, None),
        # nothing US: not-subject everywhere, not listed by default
        (1, "N", 1, None, "CN", None, None, None, None, "Local assembly"),
        (2, "F5", 1, 10.0, "CN", None, None, None, None, None),
    ]
    return indented(rows, fields=F)


def _slow_listed(subs: AssemblyResults) -> list[str]:
    """The listing rule applied to the result objects one by one."""
    out = []
    for a in subs:
        s = a.summary or {}
        if (
            s.get("subject_for")
            or s.get("undetermined_for")
            or any(d.verdict != "not-subject" for d in a.destinations)
        ):
            out.append(a.part_number)
    return out


@pytest.mark.parametrize("second", [True, False])
@pytest.mark.parametrize("every", [False, True])
def test_entries_from_arrays_equal_entries_from_objects(second: bool, every: bool) -> None:
    r = analyze(
        bom(),
        destinations=[] if every else DESTS,
        all_destinations=every,
        as_of=D2020,
        second_incorporation=second,
    )
    subs = r.assemblies
    assert isinstance(subs, AssemblyResults)
    assert sorted(a.part_number for a in subs) == ["A", "B", "D", "N", "T", "Z"]
    if not every:
        full = {subs[i].part_number for i, _ in subs._full}
        assert {"Z", "T", "B"} <= full and "A" not in full
    everything = subs.to_dicts(np.arange(len(subs)))
    assert everything == [a.to_dict(detail=False) for a in subs]
    assert subs.to_json(np.arange(len(subs))) == orjson.dumps(everything)
    assert subs.to_json(np.array([], dtype=np.int64)) == b"[]"
    for opt in (0, orjson.OPT_SERIALIZE_NUMPY, orjson.OPT_INDENT_2, orjson.OPT_SORT_KEYS):
        assert r.to_json(opt) == orjson.dumps(r.to_dict(), option=opt)
    listed = [subs[i].part_number for i in subs.listed().tolist()]
    assert listed == _slow_listed(subs)
    assert "N" not in listed and {"A", "Z"} <= set(listed)
    d = r.to_dict()
    assert [e["part_number"] for e in d["assemblies"]] == listed
    assert d["assemblies_listed"] == len(listed) and d["assemblies_analysed"] == 6


TRICKY = ['say "hi", then', 'a","b', "back\\slash\\", "tab\tnew\nline\x01", "ünï 中文 ✓", None, ""]


def test_bulk_json_writes_any_text_as_orjson_does() -> None:
    rows: list[tuple[Any, ...]] = [(0, "P", 1, None, "CN", None, 500.0, None, None, "Product")]
    for i, desc in enumerate(TRICKY):
        rows.append((1, f'A"{i}\\', 1, None, "CN", None, None, None, None, desc))
        rows.append((2, f"U{i}", 1, 5.0 + i, "US", "3A001.a.7", None, None, None, None))
    r = analyze(indented(rows, fields=F), destinations=DESTS, as_of=D2020, all_assemblies=True)
    subs = r.assemblies
    assert isinstance(subs, AssemblyResults)
    every = np.arange(len(subs))
    assert subs.to_json(every) == orjson.dumps(subs.to_dicts(every))
    assert {a.description for a in subs} == set(TRICKY)


@given(st.lists(st.one_of(st.none(), st.text()), max_size=30))
def test_json_strings_are_orjson_strings(values: list[str | None]) -> None:
    assert _json_strings(values).to_pylist() == [orjson.dumps(v) for v in values]


def test_sequence_access() -> None:
    subs = analyze(bom(), destinations=["CN"], as_of=D2020).assemblies
    assert subs[-1] is subs[len(subs) - 1]
    assert [a.part_number for a in subs[1:3]] == [subs[1].part_number, subs[2].part_number]
    with pytest.raises(IndexError):
        subs[len(subs)]
    z = next(a for a in subs if a.part_number == "Z").destination("CN")
    assert z.verdict == "subject" and z.zero_de_minimis
    t = next(a for a in subs if a.part_number == "T").destination("CN")
    assert t.track == "technology" and t.notes


def test_all_assemblies_lists_every_one() -> None:
    d = analyze(bom(), destinations=["CN"], as_of=D2020, all_assemblies=True).to_dict()
    assert d["assemblies_listed"] == d["assemblies_analysed"] == 6


@given(
    st.lists(
        st.one_of(
            st.floats(allow_infinity=False, width=64),
            # ties and near-ties at the 4th/6th decimal, as money and ratios produce them
            st.integers(-(10**12), 10**12).map(lambda i: i / 10**5),
            st.integers(-(10**9), 10**9).map(lambda i: i / 10**7),
        ),
        max_size=50,
    ),
    st.sampled_from([4, 6]),
)
def test_rounded_equals_python_round(xs: list[float], digits: int) -> None:
    want = [None if x != x else round(x + 0.0, digits) for x in xs]
    assert rounded(np.array(xs, dtype=float), digits) == want


def test_bulk_summaries_equal_summarize_row_by_row() -> None:
    """item_summaries (arrays, patterns memoised) against summarize (the reference)."""
    from bomtrace.analysis.grid import VERDICTS
    from bomtrace.analysis.summaries import item_summaries, summarize

    for day in (D2020, date(2024, 1, 1)):
        r = analyze(bom(), all_destinations=True, as_of=day)
        subs = r.assemblies
        assert isinstance(subs, AssemblyResults)
        ctx, nodes = subs._ctx, subs._nodes
        g = ctx.grid
        got = item_summaries(g, ctx, nodes, subs._members, subs._reps)
        for v, s in zip(nodes.tolist(), got, strict=True):
            den = float(ctx.den[v])
            rows = [
                (
                    codes,
                    subs._reps[k].threshold,
                    None if np.isnan(g.lo[v, k]) else float(g.lo[v, k]),
                    VERDICTS[g.verdict[v, k]],
                    (subs._reps[k].threshold * den - float(g.num_lo[v, k])) if den > 0 else None,
                    bool(g.zero_lo[v, k]),
                )
                for k, codes in enumerate(subs._members)
            ]
            assert s == summarize(rows), ctx.graph.part_numbers[v]
