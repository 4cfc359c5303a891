"""De minimis analysis end to end on tables built in code (bomtrace/analysis)."""

from __future__ import annotations

from datetime import date

import pytest
from bomfactory import indented, parent_child

from bomtrace import analyze
from bomtrace.api import ReadOptions
from bomtrace.issues import issue_tuples

D2020 = date(2020, 8, 17)
F = ("level", "part_number", "quantity", "unit_cost", "country_of_origin", "eccn", "selling_price")


def product(
    us_value: float,
    eccn: str,
    *,
    price: float | None = 100.0,
    other: float = 10.0,
    origin: str | None = "US",
):
    return indented(
        [
            (0, "P", 1, None, None, None, price),
            (1, "U1", 1, us_value, origin, eccn, None),
            (1, "R1", 1, other, "JP", "EAR99", None),
        ],
        fields=F,
    )


def dest(result, code, pn="P"):
    return result.product(pn).destination(code)


@pytest.mark.parametrize(
    ("eccn", "controlled"),
    [
        ("3A001.a.7", True),
        ("5A002.a", True),
        ("3A991", False),
        ("5A992.c", False),
        ("4A994", False),
        ("EAR99", False),
    ],
)
def test_china_counts_only_chart_controlled_content(eccn, controlled):
    r = analyze(product(30.0, eccn), destinations=["CN"], as_of=D2020)
    d = dest(r, "CN")
    assert d.controlled_us_value == (30.0 if controlled else 0.0)
    assert d.verdict == ("subject" if controlled else "not-subject")
    if controlled:
        assert d.top_contributors[0].part_number == "U1"
        assert d.top_contributors[0].reason  # e.g. "NS 2"


@pytest.mark.parametrize(
    ("value", "threshold_dest", "verdict"),
    [
        (25.0, "CN", "not-subject"),
        (25.01, "CN", "subject"),
        (10.0, "IR", "not-subject"),
        (10.01, "IR", "subject"),
    ],
)
def test_thresholds_are_inclusive(value, threshold_dest, verdict):
    r = analyze(product(value, "3A001.a.7"), destinations=[threshold_dest], as_of=D2020)
    assert dest(r, threshold_dest).verdict == verdict


def test_ear99_counts_for_embargoed_destinations_only():
    r = analyze(product(15.0, "EAR99"), destinations=["CN", "CU", "KP", "SY", "IR"], as_of=D2020)
    got = {d.country: (d.threshold, d.verdict) for d in r.product("P").destinations}
    assert got["CN"] == (0.25, "not-subject")
    assert got["CU"] == (0.10, "subject")
    assert got["KP"] == (0.10, "subject")
    assert got["SY"] == (0.10, "subject")
    assert got["IR"] == (0.10, "not-subject")  # EAR99 to Iran is OFAC's, not counted by BIS


def test_at_only_counts_for_e1():
    r = analyze(product(15.0, "3A991"), destinations=["CN", "IR"], as_of=D2020)
    assert dest(r, "CN").verdict == "not-subject"
    assert dest(r, "IR").verdict == "subject"


@pytest.mark.parametrize(
    ("day", "threshold"), [(date(2021, 1, 13), 0.10), (date(2021, 1, 14), 0.25)]
)
def test_sudan_threshold_change(day, threshold):
    r = analyze(product(15.0, "3A001.a.7"), destinations=["SD"], as_of=day)
    d = dest(r, "SD")
    assert d.threshold == threshold
    assert d.verdict == ("subject" if threshold == 0.10 else "not-subject")


def test_default_destinations_are_china_plus_e_groups():
    r = analyze(product(1.0, "EAR99"), as_of=D2020)
    assert [d.country for d in r.product("P").destinations] == ["CN", "CU", "IR", "KP", "SD", "SY"]


def test_entity_list_end_user_never_makes_content_controlled():
    r = analyze(
        product(30.0, "EAR99"),
        destinations=["CN"],
        as_of=D2020,
        end_user="Huawei Technologies Co., Ltd.",
    )
    assert dest(r, "CN").controlled_us_value == 0.0


def test_missing_eccn_gives_bounds_and_undetermined():
    t = indented(
        [(0, "P", 1, None, None, None, 100.0), (1, "U1", 1, 30.0, "US", None, None)], fields=F
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    d = dest(r, "CN")
    assert (d.bounds_low, d.bounds_high, d.verdict) == (0.0, 0.3, "undetermined")
    assert d.subject_to_ear is None
    assert d.unresolved[0]["part_number"] == "U1"
    assert r.exit_code == 1
    assert ("missing-eccn", "U1") in issue_tuples(r.issues, ("code", "part_number"))


def test_unknown_origin_counts_in_high_bound_only():
    r = analyze(product(30.0, "3A001.a.7", origin=None), destinations=["CN"], as_of=D2020)
    d = dest(r, "CN")
    assert (d.bounds_low, d.bounds_high) == (0.0, 0.3)


def test_missing_price_on_possible_part_opens_high_bound():
    t = indented(
        [
            (0, "P", 1, None, None, None, 100.0),
            (1, "U1", 1, None, "US", "3A001.a.7", None),
            (1, "R1", 1, 5.0, "JP", "EAR99", None),
        ],
        fields=F,
    )
    d = dest(analyze(t, destinations=["CN"], as_of=D2020), "CN")
    assert (d.bounds_low, d.bounds_high, d.verdict) == (0.0, 1.0, "undetermined")


def test_us_origin_subassembly_counts_whole_by_its_own_eccn():
    t = indented(
        [
            (0, "P", 1, None, None, None, 100.0),
            (1, "M", 1, None, "US", "5A002.a", None),  # US-made module, received as 5A002
            (2, "m1", 1, 20.0, "US", "EAR99", None),
            (2, "m2", 1, 10.0, "JP", "EAR99", None),
        ],
        fields=F,
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    p = r.product("P")
    assert p.us_origin_value == 30.0  # the whole US module, not just m1
    d = p.destination("CN")
    assert d.controlled_us_value == 30.0
    assert [c.part_number for c in d.top_contributors] == ["M"]


def test_denominator_falls_back_to_cost_with_issue():
    r = analyze(product(30.0, "3A001.a.7", price=None), destinations=["CN"], as_of=D2020)
    p = r.product("P")
    assert (p.denominator_basis, p.denominator) == ("rolled_up_cost", 40.0)
    assert p.destination("CN").ratio == 0.75
    assert ("denominator-is-cost", "P") in issue_tuples(r.issues, ("code", "part_number"))


def test_proposed_huawei_scenario_flips_between_10_and_25():
    t = product(18.0, "3A001.a.7")
    r = analyze(t, destinations=["CN", "DE"], as_of=D2020, scenarios=["proposed-2020-huawei-10pct"])
    cn = dest(r, "CN")
    assert cn.verdict == "not-subject"
    s = cn.scenarios[0]
    assert (s.applies, s.threshold, s.verdict, s.flips) == (True, 0.10, "subject", True)
    assert not dest(r, "DE").scenarios[0].applies
    assert r.scenario_flips() == [
        {
            "part_number": "P",
            "country": "CN",
            "scenario": "proposed-2020-huawei-10pct",
            "in_force": "not-subject",
            "under_scenario": "subject",
        }
    ]
    r2 = analyze(
        t,
        destinations=["CN"],
        as_of=D2020,
        scenarios=["proposed-2020-huawei-10pct"],
        end_user="Acme Telecom",
    )
    assert not dest(r2, "CN").scenarios[0].flips
    r3 = analyze(
        t,
        destinations=["CN"],
        as_of=D2020,
        scenarios=["proposed-2020-huawei-10pct"],
        end_user="Huawei Technologies Co., Ltd.",
    )
    assert dest(r3, "CN").scenarios[0].flips


def test_count_patents_scenario_adds_tech_value():
    t = indented(
        [
            (0, "P", 1, None, None, None, 100.0, None),
            (1, "U1", 1, 20.0, "US", "3A001.a.7", None, None),
            (1, "S1", 1, 10.0, "CN", "EAR99", None, 8.0),
        ],
        fields=(*F, "us_tech_value"),
    )
    r = analyze(t, destinations=["CN"], as_of=D2020, scenarios=["count-patents"])
    p = r.product("P")
    assert p.us_tech_value == 8.0
    s = p.destination("CN").scenarios[0]
    assert s.ratio is not None
    assert (round(s.ratio, 6), s.verdict, s.flips) == (0.28, "subject", True)


def test_assembly_cost_conventions():
    t = indented(
        [
            (0, "P", 1, None, None, None, None),
            (1, "A", 1, 15.0, "CN", None, None),
            (2, "r", 2, 5.0, "JP", "EAR99", None),
        ],
        fields=F,
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    assert r.product("P").total_cost == 10.0
    assert ("assembly-cost-mismatch", "A") in issue_tuples(r.issues, ("code", "part_number"))
    assert (
        analyze(t, destinations=["CN"], as_of=D2020, assembly_cost="added").product("P").total_cost
        == 25.0
    )
    assert (
        analyze(t, destinations=["CN"], as_of=D2020, assembly_cost="total").product("P").total_cost
        == 15.0
    )


def test_cycle_conflict_and_bad_quantity_still_analyse_other_products():
    t = parent_child(
        [
            (None, "P1", None, None, None, None),
            ("P1", "r", 2, 1.0, "US", "3A001.a.7"),
            (None, "P2", None, None, None, None),
            ("P2", "A", 1, None, None, None),
            ("A", "B", 1, None, None, None),
            ("B", "A", 1, None, None, None),
            (None, "P3", None, None, None, None),
            ("P3", "s", float("nan"), 1.0, "JP", "EAR99"),
            ("P1", "r", 3, 1.0, "US", "3A001.a.7"),
            (None, "P4", None, None, None, None),
            ("P4", "t", 2, 1.0, "US", "3A001.a.7"),
        ]
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    assert r.product("P4").analysed
    assert r.product("P4").destination("CN").controlled_us_value == 2.0
    # which of P1's two lines for r is right is not known: no verdict rests on a guess
    p1 = r.product("P1")
    assert not p1.analysed and "at row 10 and 2 at row 3" in (p1.not_analysed_reason or "")
    assert not r.product("P2").analysed and not r.product("P3").analysed
    codes = {c for (c,) in issue_tuples(r.issues, ("code",))}
    assert {"bom-cycle", "quantity-conflict", "product-not-analysed"} <= codes


def test_subassembly_verdicts():
    t = indented(
        [
            (0, "P", 1, None, None, None, 100.0),
            (1, "A", 1, None, "CN", None, None),
            (2, "U1", 1, 30.0, "US", "3A001.a.7", None),
            (2, "r", 1, 10.0, "JP", "EAR99", None),
        ],
        fields=F,
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    a = r.assemblies[0]
    assert a.part_number == "A"
    assert a.destination("CN").ratio == 0.75


def test_unknown_destination_and_scenario_errors():
    from bomtrace.errors import UnknownDestination, UsageError

    with pytest.raises(UnknownDestination):
        analyze(product(1.0, "EAR99"), destinations=["XX"], as_of=D2020)
    with pytest.raises(UsageError):
        analyze(product(1.0, "EAR99"), scenarios=["nope"], as_of=D2020)


def test_verdict_findings_are_issues() -> None:
    r = analyze(product(30.0, "3A001.a.7"), destinations=["CN", "DE"], as_of=D2020)
    found = [i for i in r.issues if i.code.value == "de-minimis-exceeded"]
    assert len(found) == 1 and found[0].part_number == "P"
    assert "CN (30.00% > 25%)" in found[0].message
    t = indented(
        [(0, "P", 1, None, None, None, 100.0), (1, "U1", 1, 30.0, "US", None, None)], fields=F
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    und = [i for i in r.issues if i.code.value == "verdict-undetermined"]
    assert len(und) == 1 and "classify U1 first" in und[0].message


def test_node_issues_over_the_cap_are_counted():
    rows: list[tuple[object, ...]] = [(0, "P", 1, None, None, None, None)]
    for i in range(4):  # each assembly states 15 but rolls up to 10
        rows += [(1, f"A{i}", 1, 15.0, "CN", None, None), (2, f"r{i}", 2, 5.0, "JP", "EAR99", None)]
    r = analyze(
        indented(rows, fields=F), destinations=["CN"], as_of=D2020, read=ReadOptions(limit_issues=2)
    )
    got = [i for i in r.issues if i.code.value == "assembly-cost-mismatch"]
    assert [i.part_number for i in got if i.row is not None] == ["A0", "A1"]
    assert [i.data["count"] for i in got if i.row is None] == [4]


def test_issues_over_the_cap_in_reading_and_building_keep_their_count():
    # 1005 unpriced parts: the build lists 1000 and counts the rest; the analysis, which
    # takes the build's issues on, must still say 5 more (of 1005), not 1 more
    rows = [(0, "P", 1, None, None, None)] + [
        (1, f"r{i}", 1, None, "JP", "EAR99") for i in range(1005)
    ]
    r = analyze(indented(rows), destinations=["CN"], as_of=D2020)
    got = [i for i in r.issues if i.code.value == "missing-price"]
    summary = [i for i in got if i.row is None]
    assert len(got) == 1001 and len(summary) == 1
    assert summary[0].data == {"count": 1005, "omitted": 5}
    assert summary[0].message.startswith("5 more 'missing-price' issues not listed")
