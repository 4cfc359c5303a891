"""Tracks, supplier declarations, exclusions, bounds, summaries and --all-destinations
(bomtrace/analysis: values, grid, detail, summary, deminimis)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented

from bomtrace import analyze
from bomtrace.issues import issue_tuples

D2020 = date(2020, 8, 17)
F = (
    *BASE_FIELDS,
    "selling_price",
    "item_type",
    "bundled",
    "us_content_pct",
    "gbs_eligible",
    "short_supply_only",
)


def bom(*rows: tuple[Any, ...]) -> Any:
    """Rows (level, pn, qty, cost, origin, eccn, price, item_type, bundled, pct, gbs, short);
    missing trailing fields are None."""
    return indented([tuple(r) + (None,) * (len(F) - len(r)) for r in rows], fields=F)


def cn(t: Any, pn: str = "P", **kw: Any) -> Any:
    return analyze(t, destinations=["CN"], as_of=D2020, **kw).product(pn).destination("CN")


# ---------------------------------------------------------------- tracks


def test_bundled_software_counts_for_a_commodity_only_when_flagged() -> None:
    rows = [(0, "P", 1, None, "CN", None, 100.0, "commodity")]
    flagged = bom(*rows, (1, "SW", 1, 30.0, "US", "5D002", None, "software", True))
    loose = bom(*rows, (1, "SW", 1, 30.0, "US", "5D002", None, "software", None))
    assert cn(flagged).controlled_us_value == 30.0
    d = cn(loose)
    assert d.controlled_us_value == 0.0
    r = analyze(loose, destinations=["CN"], as_of=D2020)
    assert ("software-not-bundled", "SW") in issue_tuples(r.issues, ("code", "part_number"))


def test_technology_counts_on_its_own_track_with_the_report_note() -> None:
    t = bom(
        (0, "TECH", 1, None, "CN", "3E001", 100.0, "technology"),
        (1, "UST", 1, 30.0, "US", "3E001", None, "technology"),
        (1, "USC", 1, 30.0, "US", "3A001.a.7", None, "commodity"),
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    p = r.product("TECH")
    d = p.destination("CN")
    assert (p.track, d.track, d.controlled_us_value) == ("technology", "technology", 30.0)
    assert [c.part_number for c in d.top_contributors] == ["UST"]
    assert d.notes and "one-time report" in d.notes[0]
    assert ("technology-report", "TECH") in issue_tuples(r.issues, ("code", "part_number"))


def test_us_technology_is_not_in_a_commodity_numerator() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0, "commodity"),
        (1, "UST", 1, 30.0, "US", "3E001", None, "technology"),
    )
    assert cn(t).controlled_us_value == 0.0


def test_unknown_item_type_reads_as_commodity_with_an_issue() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0, "Make"),  # ERP make/buy codes are commodities
        (1, "U", 1, 30.0, "US", "3A001.a.7", None, "gizmo"),
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    assert r.product("P").destination("CN").controlled_us_value == 30.0
    found = issue_tuples(r.issues, ("code", "part_number"))
    assert [f for f in found if f[0] != "de-minimis-exceeded"] == [("unknown-item-type", "U")]


# ---------------------------------------------------------------- declarations, exclusions


def test_supplier_declaration_counts_its_share_without_explosion() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "SUB", 2, None, "TW", "5A991", None, None, None, 0.25),
        (2, "X", 1, 20.0, "US", "3A001.a.7"),  # would be 40 controlled if exploded
        (2, "Y", 1, 20.0, "TW", "EAR99"),
    )
    d = cn(t)
    assert d.controlled_us_value == pytest.approx(2 * 0.25 * 40.0)
    assert d.top_contributors[0].part_number == "SUB"
    assert "supplier declaration" in d.top_contributors[0].reason


def test_declaration_on_a_us_part_is_ignored_with_an_issue() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "U", 1, 30.0, "US", "EAR99", None, None, None, 0.9),
    )
    r = analyze(t, destinations=["CN"], as_of=D2020)
    assert r.product("P").destination("CN").controlled_us_value == 0.0
    assert ("declaration-ignored", "U") in issue_tuples(r.issues, ("code", "part_number"))


@pytest.mark.parametrize(
    ("country", "gbs", "short", "controlled"),
    [
        ("DE", True, None, 0.0),  # GBS-eligible, Germany is in Country Group B
        ("DE", None, None, 30.0),
        ("CN", True, None, 30.0),  # China is not in Country Group B: GBS does not apply
        ("CN", None, True, 0.0),  # short-supply-only content never counts
    ],
)
def test_gbs_and_short_supply_exclusions(
    country: str, gbs: bool | None, short: bool | None, controlled: float
) -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "U", 1, 30.0, "US", "3A001.b.2", None, None, None, None, gbs, short),
    )
    d = analyze(t, destinations=[country], as_of=D2020).product("P").destination(country)
    assert d.controlled_us_value == controlled
    if not controlled:
        assert d.top_contributors == []


# ---------------------------------------------------------------- bounds


def test_unresolved_parts_are_ordered_and_say_what_settles_the_verdict() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "A", 1, 20.0, "US", "3A001.a.7"),  # 20 % known
        (1, "B", 1, 4.0, None, "EAR99"),  # origin unknown, could count (EAR99 does not: no)
        (1, "C", 1, 8.0, "US", "9A515"),  # paragraph missing: possible
        (1, "D", 1, 3.0, "US", None),  # ECCN missing
    )
    d = cn(t)
    assert d.verdict == "undetermined"
    assert [u["part_number"] for u in d.unresolved] == ["C", "D"]
    assert d.unresolved[0]["could_make_subject"] is True  # 20 % + 8 % > 25 %
    assert d.unresolved[1]["could_make_subject"] is False
    assert d.unresolved[0]["clears_with"] == 1  # C not controlled: 23 % <= 25 %


def test_paragraph_unknown_falls_back_to_the_entry_with_an_issue() -> None:
    t = bom((0, "P", 1, None, "CN", None, 100.0), (1, "U", 1, 30.0, "US", "3A001.q.7"))
    r = analyze(t, destinations=["CN"], as_of=D2020)
    assert r.product("P").destination("CN").controlled_us_value == 30.0  # NS 2: whole entry
    assert ("unknown-eccn-paragraph", "U") in issue_tuples(r.issues, ("code", "part_number"))


# ---------------------------------------------------------------- all destinations


def test_all_destinations_summary_and_assemblies_carry_summary_only() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "A", 1, None, "CN", None),
        (2, "U", 1, 15.0, "US", "3A991"),
        (2, "R", 1, 5.0, "CN", "EAR99"),
    )
    r = analyze(t, all_destinations=True, as_of=D2020)
    p = r.product("P")
    s = p.summary
    assert s is not None
    # AT-only 15 %: counted for E:1/E:2 (10 %) and the embargoes (Crimea: counted, but 25 %)
    assert s["subject_for"] == ["CU", "IR", "KP", "SD", "SY"]
    assert s["not_subject_count"] == 199
    assert (s["nearest"]["countries"], s["nearest"]["margin"]) == (["UA-43"], 0.1)
    # detailed: where subject, and the nearest, one entry per class with the same outcome
    # (same_for); every other destination on demand
    covered = sorted(c for x in p.destinations for c in x.countries)
    assert covered == [*s["subject_for"], "UA-43"]
    de = p.destination("DE")
    assert (de.verdict, de.ratio, de.name) == ("not-subject", 0.0, "Germany")
    assert de not in p.destinations
    with pytest.raises(KeyError):
        p.destination("XX")
    a = r.assemblies[0]
    assert a.destinations == [] and a.summary is not None
    # the assembly's denominator is its cost (20): 75 % is over 25 % for Crimea too
    assert a.summary["subject_for"] == [*s["subject_for"], "UA-43"]
    d = r.to_dict()
    assert d["products"][0]["summary"]["subject_for"][0] == "CU"
    assert d["assemblies"][0]["destinations"] == []


def test_all_destinations_equals_one_by_one() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "U1", 1, 12.0, "US", "9A610.y.1"),
        (1, "U2", 1, 14.0, "US", "3A001.z.1.b"),
        (1, "U3", 1, 9.0, "US", "EAR99"),
    )
    day = date(2024, 1, 1)
    every = analyze(t, all_destinations=True, as_of=day).product("P")
    for code in ("CN", "VE", "AE", "DE", "MO", "RU", "UA-43", "KP", "IN"):
        one = analyze(t, destinations=[code], as_of=day).product("P").destination(code)
        got = every.destination(code)
        assert (got.verdict, got.ratio, got.zero_de_minimis) == (
            one.verdict,
            one.ratio,
            one.zero_de_minimis,
        ), code


def test_report_tables_show_summaries_and_new_fields() -> None:
    from bomtrace.report.tables import assembly_summary_rows, destination_rows, summary_rows

    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "A", 1, None, "CN", None),
        (2, "U", 1, 15.0, "US", "9A515.a.1"),
    )
    d = analyze(t, all_destinations=True, as_of=D2020).to_dict()
    (row,) = summary_rows(d)
    assert row["track"] == "commodity" and row["nearest_threshold_for"]
    cn = next(r for r in destination_rows(d) if r["country"] == "CN")
    assert cn["zero_de_minimis"] == "15 CFR 734.4(a)(6)(i):applies"
    assert destination_rows(d, "assemblies") == []
    (asm,) = assembly_summary_rows(d)
    assert asm["assembly"] == "A" and "CN" in asm["subject_for"].split()


def test_all_destinations_groups_destinations_with_the_same_outcome() -> None:
    t = bom(
        (0, "P", 1, None, "CN", None, 100.0),
        (1, "U", 1, 30.0, "US", "3A991"),  # AT only: counted for E:1/E:2 and embargoes
    )
    p = analyze(t, all_destinations=True, as_of=D2020).product("P")
    s = p.summary
    assert s is not None and len(s["nearest"]["countries"]) == 198  # ratio 0 at 25 %
    near = [x for x in p.destinations if x.verdict == "not-subject"]
    # the 198 nearest destinations fall into a few classes: one entry each (same_for)
    assert len(near) <= 5
    assert sorted(c for x in near for c in x.countries) == s["nearest"]["countries"]
    d = analyze(t, all_destinations=True, as_of=D2020).to_dict()
    entries = [x for x in d["products"][0]["destinations"] if x["verdict"] == "not-subject"]
    assert [x.get("same_for", []) for x in entries] == [x.same_for for x in near]
    # every destination still answers, with its own name
    fr = p.destination("FR")
    assert (fr.country, fr.name, fr.ratio) == ("FR", "France", 0.0)


@pytest.mark.parametrize("sample", ["rtr_e200", "p30pro", "ru5g64t"])
def test_merging_destination_classes_changes_no_answer(
    sample: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """merge_classes is an optimisation only: without it every answer is the same."""
    from pathlib import Path

    import bomtrace.analysis.deminimis as dm

    path = Path(__file__).resolve().parent.parent / "samples" / f"{sample}.xlsx"
    merged = analyze(path, all_destinations=True, as_of=D2020)
    monkeypatch.setattr(dm, "merge_classes", lambda g, rs, reps, dc, made_in: (reps, dc))
    plain = analyze(path, all_destinations=True, as_of=D2020)
    for a, b in zip(merged.products, plain.products, strict=True):
        assert a.summary == b.summary
        for code in ("CN", "DE", "IR", "CU", "RU", "FR", "UA-43", "VE"):
            x, y = a.destination(code), b.destination(code)
            assert (x.verdict, x.ratio, x.controlled_us_value) == (
                y.verdict,
                y.ratio,
                y.controlled_us_value,
            )
            assert [c.to_dict() for c in x.top_contributors] == [
                c.to_dict() for c in y.top_contributors
            ]
    assert merged.to_dict()["assemblies"] == plain.to_dict()["assemblies"]
