"""Tests for the dated ruleset (bomtrace.rules): thresholds, groups, controls, lookups."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bomtrace.errors import RulesetError, UnknownDestination, UsageError
from bomtrace.rules import Destination, Ruleset, load_ruleset
from bomtrace.rules.load import load_data

D2020 = date(2020, 8, 17)


def rs(day: date = D2020) -> Ruleset:
    return load_ruleset(day)


# ------------------------------------------------------------------ thresholds


@pytest.mark.parametrize(
    ("country", "day", "expected"),
    [
        ("CN", D2020, 0.25),
        ("CN", date(2026, 8, 1), 0.25),
        ("DE", D2020, 0.25),
        ("IR", D2020, 0.10),
        ("KP", D2020, 0.10),
        ("SY", D2020, 0.10),
        ("IR", date(2014, 6, 1), 0.10),
        ("CU", date(2014, 6, 1), 0.10),  # E:1 until 2015-07-21
        ("CU", date(2015, 7, 21), 0.10),
        ("CU", date(2015, 7, 22), 0.25),  # out of E:1, E:2 not yet at 10 %
        ("CU", date(2019, 10, 20), 0.25),
        ("CU", date(2019, 10, 21), 0.10),  # Cuba rule of Oct 2019
        ("CU", D2020, 0.10),
        ("SD", D2020, 0.10),
        ("SD", date(2021, 1, 13), 0.10),
        ("SD", date(2021, 1, 14), 0.25),  # FR Doc 2020-29037
        ("SD", date(2026, 8, 1), 0.25),
    ],
)
def test_threshold(country: str, day: date, expected: float) -> None:
    dest = rs(day).destination(country)
    assert dest.threshold == pytest.approx(expected)
    assert dest.threshold_source.startswith(
        "15 CFR 734.4(c)" if expected < 0.2 else "15 CFR 734.4(d)"
    )


@pytest.mark.parametrize(
    ("country", "day", "group", "member"),
    [
        ("SD", date(2021, 1, 13), "E:1", True),
        ("SD", date(2021, 1, 13), "B", False),
        ("SD", date(2021, 1, 14), "E:1", False),
        ("SD", date(2021, 1, 14), "B", True),
        ("CU", date(2015, 7, 21), "E:1", True),
        ("CU", date(2015, 7, 22), "E:1", False),
        ("CU", date(2015, 7, 21), "E:2", True),
        ("CN", D2020, "D:5", True),
        ("MO", D2020, "D:5", False),
        ("LI", D2020, "A:1", True),  # inherits Switzerland's groups
    ],
)
def test_groups_on_date(country: str, day: date, group: str, member: bool) -> None:
    assert (group in rs(day).destination(country).groups) is member


def test_sudan_at_mark_before_2021_only() -> None:
    assert "AT 1" in rs(date(2021, 1, 13)).destination("SD").chart_marks
    assert "AT 1" not in rs(date(2021, 1, 14)).destination("SD").chart_marks
    assert rs(D2020).control("3A991", rs(D2020).destination("SD")).status == "controlled"
    later = rs(date(2021, 6, 1))
    assert later.control("3A991", later.destination("SD")).status == "not-controlled"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D2020, ["CN", "CU", "IR", "KP", "SD", "SY"]),
        (date(2021, 6, 1), ["CN", "CU", "IR", "KP", "SY"]),
        (date(2014, 6, 1), ["CN", "CU", "IR", "KP", "SD", "SY"]),
    ],
)
def test_default_destinations(day: date, expected: list[str]) -> None:
    assert [d.code for d in rs(day).default_destinations()] == expected


# ------------------------------------------------------------------ controls


@pytest.mark.parametrize(
    ("eccn", "country", "status", "reason_part"),
    [
        ("3A991", "CN", "not-controlled", "AT 1 not marked"),
        ("5A992", "CN", "not-controlled", "AT 1 not marked"),
        ("5A992.c", "CN", "not-controlled", "AT 1 not marked"),
        ("4A994", "CN", "not-controlled", "AT 1 not marked"),
        ("3A991", "IR", "controlled", "746.7"),
        ("5A992", "IR", "controlled", "746.7"),
        ("4A994", "IR", "controlled", "746.7"),
        ("3A991", "KP", "controlled", "746.4"),
        ("3A001", "CN", "controlled", "NS 2"),
        ("3a001", "CN", "controlled", "NS 2"),
        ("5A002", "CN", "controlled", "NS 1"),
        ("3E002", "CN", "controlled", "NS 1"),  # restored from the merged 3E001 entry
        ("EAR99", "CN", "not-controlled", "EAR99"),
        ("EAR99", "DE", "not-controlled", "EAR99"),
        ("EAR99", "CU", "controlled", "746.2"),
        ("EAR99", "KP", "controlled", "746.4"),
        ("EAR99", "SY", "controlled", "746.9"),
        ("EAR99", "IR", "not-controlled", "746.7"),
        ("3A998", "CN", "unknown", "not in the CCL data"),
        ("NOT-AN-ECCN", "CN", "unknown", "not in the CCL data"),
        (None, "CN", "unknown", "no ECCN"),
        (None, "CU", "controlled", "746.2"),  # everything subject to the EAR, whatever the ECCN
        ("5A980", "DE", "controlled", "738.3(a)(1)"),
        ("5A001.f.1", "CA", "controlled", "SL (all destinations)"),  # 742.13, also 738.3(a)(1)
        ("2A994", "CN", "unknown", "no licence-requirement table"),
    ],
)
def test_control(eccn: str | None, country: str, status: str, reason_part: str) -> None:
    ruleset = rs()
    decision = ruleset.control(eccn, ruleset.destination(country))
    assert decision.status == status
    assert reason_part in decision.reason


def test_control_reason_is_the_column_for_firm_matches() -> None:
    ruleset = rs()
    assert ruleset.control("3A001", ruleset.destination("CN")).reason == "NS 2"
    assert ruleset.control("5A002", ruleset.destination("CN")).reason == "NS 1"


def test_partial_control_without_paragraph_is_possible_and_says_which() -> None:
    ruleset = rs()
    decision = ruleset.control("3A001", ruleset.destination("DE"))  # NS 1 covers b.2/b.3 only
    assert decision.status == "possible"
    assert "NS 1 covers .b.2, .b.3" in decision.reason
    assert "give the paragraph" in decision.reason


def test_excepted_paragraph_is_honoured() -> None:
    ruleset = rs()
    ca = ruleset.destination("CA")  # CB 1 and FC 1 only
    assert ruleset.control("0D606", ca).status == "not-controlled"
    de = ruleset.destination("DE")
    assert ruleset.control("0D606.a", de).reason == "NS 1"
    assert ruleset.control("0D606.y", de).status == "not-controlled"  # NS/RS except .y


def test_entity_list_never_enters() -> None:
    # Huawei (Entity List) makes no difference: de minimis is destination based.
    ruleset = rs()
    assert ruleset.control("EAR99", ruleset.destination("China")).status == "not-controlled"


def test_eccn_known() -> None:
    ruleset = rs()
    assert ruleset.eccn_known("3A001.b.2")
    assert ruleset.eccn_known("ear99")
    assert ruleset.eccn_known("3E002")
    assert ruleset.eccn_known("3A999")  # a real entry ("specific processing equipment, n.e.s.")
    assert not ruleset.eccn_known("3A998")
    assert not ruleset.eccn_known("hello")


def test_russia_ccl_embargo_is_dated() -> None:
    assert rs(date(2022, 2, 23)).destination("RU").embargo is None
    after = rs(date(2022, 2, 24))
    assert after.destination("RU").embargo == "ccl"
    assert after.control("3A991", after.destination("RU")).status == "controlled"


# ------------------------------------------------------------------ destinations


@pytest.mark.parametrize(
    "text", ["China", "cn", "CN", "CHN", "chn", " china ", "PRC", "People's Republic of China"]
)
def test_destination_lookup_china(text: str) -> None:
    assert rs().destination(text).code == "CN"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Korea, South", "KR"),
        ("South Korea", "KR"),
        ("Myanmar", "MM"),
        ("Türkiye", "TR"),
        ("turkey", "TR"),
        ("Seychelles", "SC"),
        ("Cote d'lvoire", "CI"),
        ("DEU", "DE"),
        ("Liechtenstein", "LI"),
        ("Cayman Islands", "KY"),
        ("North Korea", "KP"),
    ],
)
def test_destination_lookup_names(text: str, code: str) -> None:
    assert rs().destination(text).code == code


def test_hong_kong_is_china_from_2020_12_23() -> None:
    assert load_ruleset(date(2020, 12, 23)).destination("Hong Kong").code == "CN"
    assert load_ruleset(date(2021, 6, 1)).destination("HK").code == "CN"
    with pytest.raises(UnknownDestination, match="separate destination"):
        load_ruleset(date(2020, 12, 22)).destination("Hong Kong")
    with pytest.raises(UnknownDestination, match="2020-12-23"):
        rs(D2020).destination("HK")


def test_unknown_destination_message() -> None:
    with pytest.raises(UnknownDestination) as err:
        rs().destination("XX")
    assert str(err.value).startswith(
        "Unknown destination 'XX'. Use an ISO country code such as CN or DE, or a country name; "
        "`bomtrace rules --destinations` lists them."
    )


def test_unknown_destination_suggests_close_name() -> None:
    with pytest.raises(UnknownDestination, match=r"Did you mean Germany \(DE\)"):
        rs().destination("Germny")


def test_united_states_is_not_a_destination() -> None:
    with pytest.raises(UnknownDestination, match="United States"):
        rs().destination("USA")


def test_destinations_list() -> None:
    dests = rs().destinations()
    codes = [d.code for d in dests]
    assert codes == sorted(codes)
    assert {"CN", "CU", "IR", "KP", "SY", "LI", "KY", "DE"} <= set(codes)
    assert "HK" not in codes and "US" not in codes
    assert all(isinstance(d, Destination) for d in dests)
    # 196 chart rows + 4 embargoed rows + Cayman Islands + 3 regions of Ukraine (746.6)
    assert len(codes) == 204
    assert {"UA-43", "UA-14", "UA-09"} <= set(codes)


def test_inherited_rows() -> None:
    ruleset = rs()
    assert ruleset.destination("LI").chart_marks == ruleset.destination("CH").chart_marks
    assert ruleset.destination("KY").chart_marks == ruleset.destination("GB").chart_marks


def test_class_key_groups_equivalent_destinations() -> None:
    ruleset = rs()
    key = ruleset.class_key
    assert key(ruleset.destination("DE")) == key(ruleset.destination("JP"))
    assert key(ruleset.destination("CN")) != key(ruleset.destination("DE"))
    assert key(ruleset.destination("CN")) != key(ruleset.destination("MO"))  # MO not in D:5
    classes = {key(d) for d in ruleset.destinations()}
    assert 10 < len(classes) < len(ruleset.destinations())


def test_class_key_promise_holds_for_every_eccn() -> None:
    ruleset = rs()
    by_key: dict[tuple[object, ...], list[Destination]] = {}
    for d in ruleset.destinations():
        by_key.setdefault(ruleset.class_key(d), []).append(d)
    eccns = ["EAR99", None, "3A998", *sorted(load_data().ccl)]
    for members in (m for m in by_key.values() if len(m) > 1):
        first, rest = members[0], members[1:]
        expected = [ruleset.control(e, first) for e in eccns]
        for other in rest:
            assert [ruleset.control(e, other) for e in eccns] == expected, other.code
            assert other.threshold == first.threshold


# ------------------------------------------------------------------ dates, info, scenarios


def test_before_earliest_date_raises() -> None:
    with pytest.raises(RulesetError, match="supports"):
        load_ruleset(date(2013, 12, 31))


def test_after_snapshot_uses_snapshot_and_none_is_today() -> None:
    assert load_ruleset(date(2031, 1, 1)).destination("SD").threshold == pytest.approx(0.25)
    assert load_ruleset().info.as_of == date.today()
    assert load_ruleset(datetime(2020, 8, 17, 12, 0)).info.as_of == D2020


def test_cached_per_date() -> None:
    assert load_ruleset(D2020) is load_ruleset(date(2020, 8, 17))
    assert load_ruleset(D2020) is not load_ruleset(date(2021, 8, 17))


def test_info() -> None:
    info = rs().info
    assert info.as_of == D2020
    assert info.data_version.startswith("ecfr-2026-07-23+changes-")
    assert "15 CFR 734.4" in info.sources
    assert any("2020-29037" in s for s in info.sources)  # Sudan change in force on this date
    assert not any("2020-28101" in s for s in info.sources)  # Hong Kong change not yet


def test_scenarios() -> None:
    ruleset = rs()
    names = [s.name for s in ruleset.scenarios()]
    assert names == ["count-patents", "proposed-2020-huawei-10pct"]
    huawei = ruleset.scenario("proposed-2020-huawei-10pct")
    assert huawei.threshold is not None
    assert huawei.threshold.value == pytest.approx(0.10)
    assert huawei.threshold.destinations == ("CN",)
    assert huawei.threshold.end_user_patterns == ("huawei",)
    assert "never" in huawei.title.lower() or "withdrawn" in huawei.description
    assert ruleset.scenario("count-patents").numerator_add == ("us_tech_value",)


def test_unknown_scenario_lists_valid_names() -> None:
    with pytest.raises(UsageError, match="count-patents, proposed-2020-huawei-10pct"):
        rs().scenario("nope")


@pytest.mark.parametrize(
    "kw, message",
    [({"destinations": ["XX"]}, "Unknown destination 'XX'"), ({"scenarios": ["nope"]}, "nope")],
)
def test_options_are_checked_before_the_bom_is_read(
    tmp_path: Path, kw: dict[str, Any], message: str
) -> None:
    from bomtrace import analyze

    with pytest.raises((UsageError, UnknownDestination), match=message):  # not: no such file
        analyze([tmp_path / "missing.csv"], as_of=date(2020, 8, 17), **kw)


def test_unsure_facts_are_marked_in_sources() -> None:
    sources = rs().info.sources
    assert any("742.10(a)(1)" in s for s in sources)  # Sudan AT 1/AT 2 marks: primary text read
    assert not any("742.10" in s and s.endswith("[unsure]") for s in sources)
    assert any("734.4(a)(4)" in s and s.endswith("[unsure]") for s in sources)  # 9E003 list
    later = [s for s in load_ruleset(date(2021, 6, 1)).info.sources if "[unsure]" in s]
    # entries in force on the date whose facts were not confirmed in the FR text (the list
    # grows with the change logs; these stand for each kind)
    assert {
        "15 CFR 746.6(a)(1) (Crimea region) [unsure]",  # date of the Crimea rule
        "15 CFR 734.4(a)(4) [unsure]",  # 9E003 paragraph list
        "88 FR 73424 (SME IFR), eff. 2023-11-17 [unsure]",  # no SME RS row before it
        "FR Doc 2026-14132 (91 FR 43034), eff. 2026-07-10 [unsure]",  # the UAE's groups before
    } <= set(later)
    assert not any("742.10" in s for s in later)  # Sudan's row ended 2021-01-13


def test_as_of_may_be_given_as_iso_text() -> None:
    from datetime import date
    from pathlib import Path

    import bomtrace
    from bomtrace.errors import UsageError

    sample = Path(__file__).resolve().parent.parent / "samples" / "rtr_e200.xlsx"
    by_text = bomtrace.analyze(sample, destinations=["CN"], as_of="2020-08-17")
    by_date = bomtrace.analyze(sample, destinations=["CN"], as_of=date(2020, 8, 17))
    assert by_text.to_dict() == by_date.to_dict()
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        bomtrace.load_ruleset("17/08/2020")
