"""Product results held as arrays (bomtrace.analysis.product_results): the JSON entries written
from the arrays equal the entries of the result objects made on access, for fast cells and for cells
built in full (734.4(a) hit, second-incorporation difference, technology track, scenarios);
the issues, exit code and destination list come out the same either way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented

from bomtrace import analyze
from bomtrace.analysis.product_results import ProductResults
from bomtrace.issues import IssueCode, IssueLog

D2020 = date(2020, 8, 17)
F = (*BASE_FIELDS, "selling_price", "item_type", "discrete_product", "description")
DESTS = ["CN", "DE", "IR", "CU", "RU"]


def bom() -> Any:
    """Products of every kind, each its own root."""
    rows = [
        # plain, priced: US content, fast cells
        (0, "PA", 1, None, "CN", None, 100.0, None, None, "Plain product"),
        (1, "U1", 3, 5.0, "US", "3A001.a.7", None, None, None, "Amplifier"),
        (1, "U9", 2, 7.0, "US", "5A992.c", None, None, None, "Modem"),
        (1, "F1", 1, 40.0, "CN", None, None, None, None, None),
        # unpriced and no selling price: undetermined, denominator is cost
        (0, "PU", 1, None, "CN", None, None, None, None, "Open product"),
        (1, "U4", 1, None, "US", "3A001.a.7", None, None, None, "Unpriced part"),
        (1, "X1", 1, 20.0, None, "5A002.a", None, None, None, "Origin unknown"),
        (1, "F6", 1, 60.0, "CN", None, None, None, None, None),
        # a 734.4(a)(6)(i) part: zero de minimis, built in full
        (0, "PZ", 1, None, "CN", None, 300.0, None, None, "Product with a 9x515 part"),
        (1, "U2", 1, 1.0, "US", "9A515.a.1", None, None, None, "Satellite part"),
        (1, "F2", 1, 99.0, "CN", None, None, None, None, None),
        # a discrete foreign sub-assembly inside: second incorporation differs
        (0, "PB", 1, None, "CN", None, 100.0, None, None, "Holds a discrete module"),
        (1, "D", 1, None, "TW", None, None, None, True, "Discrete module"),
        (2, "U3", 2, 5.0, "US", "3A001.a.7", None, None, None, None),
        (2, "F3", 1, 2.0, "TW", None, None, None, None, None),
        (1, "F4", 1, 30.0, "CN", None, None, None, None, None),
        # technology track: built in full (the report note)
        (0, "PT", 1, None, "CN", None, 50.0, "technology", None, "Know-how"),
        (1, "UT", 1, 30.0, "US", "3E001", None, "technology", None, None),
        # nothing US: not-subject everywhere
        (0, "PN", 1, None, "CN", None, 20.0, None, None, "Local product"),
        (1, "F5", 1, 10.0, "CN", None, None, None, None, None),
    ]
    return indented(rows, fields=F)


def _run(**kw: Any) -> Any:
    every = kw.pop("every", False)
    return analyze(
        bom(), destinations=[] if every else DESTS, all_destinations=every, as_of=D2020, **kw
    )


@pytest.mark.parametrize("scenarios", [(), ("proposed-2020-huawei-10pct", "count-patents")])
@pytest.mark.parametrize("second", [True, False])
@pytest.mark.parametrize("every", [False, True])
def test_entries_from_arrays_equal_entries_from_objects(
    every: bool, second: bool, scenarios: tuple[str, ...]
) -> None:
    kw = {"every": every, "second_incorporation": second, "scenarios": scenarios}
    fast = _run(**kw)
    assert isinstance(fast.products, ProductResults)
    fast_doc = fast.to_dict()
    fast_exit, fast_issues = fast.exit_code, fast.issues
    # the same analysis with every product made into objects first
    slow = _run(**kw)
    made = list(slow.products)
    assert [p.part_number for p in made] == ["PA", "PU", "PZ", "PB", "PT", "PN"]
    assert fast_doc["products"] == slow.to_dict()["products"]
    assert fast_doc["products"] == [
        {**p.to_dict(), "fdpr_summary": e["fdpr_summary"]}
        for p, e in zip(made, fast_doc["products"], strict=True)
    ]
    assert fast_exit == slow.exit_code == 1
    assert fast_issues == slow.issues
    assert fast.options["destinations"] == sorted({d.country for p in made for d in p.destinations})
    assert fast_doc["scenario_flips"] == slow.scenario_flips()


def test_cells_built_in_full_are_the_special_ones() -> None:
    r = _run()
    products = r.products
    assert isinstance(products, ProductResults)
    rows = products._rows
    v = [r for r in products._roots if r in rows]
    import numpy as np

    from bomtrace.analysis.destination_result import product_cells_in_full

    full = product_cells_in_full(products._ctx, np.array(v), [rows[x] for x in v], False)
    pns = [str(products._ctx.graph.part_numbers[x]) for x in v]
    whole = {pns[i] for i in np.flatnonzero(full.any(axis=1)).tolist()}
    assert {"PZ", "PT", "PB"} <= whole and not {"PA", "PN", "PU"} & whole
    d = r.product("PZ").destination("CN")
    assert d.verdict == "subject" and d.zero_de_minimis


def test_made_products_win_over_the_arrays() -> None:
    """A product already made may have been changed: its entry comes from the object."""
    r = _run()
    p = r.products[0]
    p.destinations[0].notes.append("checked by hand")
    assert r.to_dict()["products"][0]["destinations"][0]["notes"] == ["checked by hand"]


def test_sequence_access_and_findings() -> None:
    r = _run()
    products = r.products
    assert products[-1] is products[len(products) - 1]
    assert [p.part_number for p in products[1:3]] == ["PU", "PZ"]
    with pytest.raises(IndexError):
        products[len(products)]
    by_code = {(i.code.value, i.part_number) for i in r.issues}
    assert ("denominator-is-cost", "PU") in by_code
    assert ("de-minimis-exceeded", "PA") in by_code
    assert ("verdict-undetermined", "PU") in by_code
    assert not any(pn == "PN" for _, pn in by_code if pn)
    assert r.exit_code == 1


def test_all_destinations_details_only_live_and_nearest_classes() -> None:
    r = _run(every=True)
    pa = r.product("PA")
    shown = [c for d in pa.destinations for c in d.countries]
    assert len(shown) == len(set(shown)) and "IR" in shown
    assert pa.destination("FR").country == "FR"  # on demand
    doc = r.to_dict()
    entry = next(p for p in doc["products"] if p["part_number"] == "PA")
    assert [d["country"] for d in entry["destinations"]] == [d.country for d in pa.destinations]


def test_collector_counts_what_it_does_not_build() -> None:
    c = IssueLog(limit=2)
    for i in range(5):
        if c.over(IssueCode.MISSING_PRICE):
            c.tally(IssueCode.MISSING_PRICE)
        else:
            c.add(IssueCode.MISSING_PRICE, f"m{i}")
    out = c.finish()
    assert [i.message for i in out][:2] == ["m0", "m1"]
    assert out[-1].data == {"count": 5, "omitted": 3} and c.count(IssueCode.MISSING_PRICE) == 5


def test_one_product_is_found_without_making_the_others() -> None:
    r = _run()
    assert r.product("PZ").part_number == "PZ"
    assert list(r.products._made) == [2]  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        r.product("nope")
