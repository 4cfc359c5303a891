"""Paragraph-level controls, destination scopes in words, Part 746 details and 734.4(a)
categories (bomtrace/rules: controls, zero, ruleset)."""

from __future__ import annotations

from datetime import date

import pytest

from bomtrace.rules import Destination, load_ruleset
from bomtrace.rules.zero import EccnPattern

D2020 = date(2020, 8, 17)
D2024 = date(2024, 1, 1)


def status(eccn: str | None, country: str, day: date = D2024, **kw: object) -> str:
    rs = load_ruleset(day)
    return rs.control(eccn, rs.destination(country), **kw).status  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("eccn", "country", "expected"),
    [
        # 3A001: NS 1 for b.2/b.3 only, NS 2 for the whole entry
        ("3A001.b.2", "DE", "controlled"),  # NS 1 (civil-telecom condition counted)
        ("3A001.a.7", "DE", "not-controlled"),  # only NS 2 / AT 1, neither marked for DE
        ("3A001", "DE", "possible"),  # NS 1 may apply: paragraph needed
        ("3A001.b", "DE", "possible"),  # broader than b.2: still open
        ("3A001.a.7", "CN", "controlled"),  # NS 2 marked for China
        # .z paragraphs: destination scopes written in the ECCN (from 2023-11-17)
        # D:1/D:4/D:5 on 2024-01-01 (88 FR 73458); worldwide only from 2025-01-13 (90 FR 4544)
        ("3A001.z.1.a", "DE", "not-controlled"),
        ("3A001.z.1.b", "AE", "controlled"),  # UAE named
        ("3A001.z.1.b", "CN", "controlled"),  # D:1/D:4/D:5
        ("5A992.z.2", "IL", "not-controlled"),  # D:4 but also A:6: excluded
        ("5A992.z.2", "CN", "controlled"),
        ("5A992.c", "CN", "not-controlled"),  # mass market: AT only
        ("5A992.c", "IR", "controlled"),
        ("5A992.z.2", "MO", "controlled"),
        # .y: RS to China, Russia or Venezuela only
        ("9A515.y.1", "VE", "controlled"),
        ("9A515.y.1", "IN", "not-controlled"),
        ("9A610.y.1", "DE", "not-controlled"),  # "entire entry except ... .y"
        ("9A610.a", "DE", "controlled"),
        # Macau or D:5
        ("3B001.c.2", "MO", "controlled"),
        ("3B001.c.2", "IN", "not-controlled"),
    ],
)
def test_paragraph_level_controls(eccn: str, country: str, expected: str) -> None:
    assert status(eccn, country) == expected


def test_z_paragraph_a_is_worldwide_from_the_ai_diffusion_rule() -> None:
    assert status("3A001.z.1.a", "DE", date(2025, 1, 12)) == "not-controlled"
    assert status("3A001.z.1.a", "DE", date(2025, 1, 13)) == "controlled"


def test_z_paragraph_controls_do_not_exist_before_2023() -> None:
    assert status("5A992", "CN", D2024) == "possible"  # 5A992.z.1: RS worldwide
    assert status("5A992", "CN", D2020) == "not-controlled"


def test_reason_names_the_scope_and_the_paragraphs() -> None:
    rs = load_ruleset(D2024)
    d = rs.control("9A515", rs.destination("CN"))
    assert "NS 1 covers the entire entry except .e, .x, .y" in d.reason
    assert rs.control("9A515.y.1", rs.destination("CN")).reason == "RS (CN, RU, VE)"


def test_unknown_paragraph_is_flagged_and_judged_by_the_entry() -> None:
    rs = load_ruleset(D2024)
    d = rs.control("3A001.q.1", rs.destination("DE"))
    assert (d.status, d.paragraph_unknown) == ("possible", True)
    assert not rs.control("3A001.b.2", rs.destination("DE")).paragraph_unknown


@pytest.mark.parametrize(
    ("country", "day", "level", "categories"),
    [
        ("UA-43", D2020, "all", []),
        ("UA-14", date(2022, 2, 23), None, []),
        ("UA-14", date(2022, 2, 24), "all", []),
        ("RU", date(2022, 3, 1), "ccl", ["3", "4", "5", "6", "7", "8", "9"]),
        ("RU", date(2022, 4, 8), "ccl", []),
        ("BY", date(2022, 3, 1), None, []),
        ("BY", date(2022, 3, 2), "ccl", ["3", "4", "5", "6", "7", "8", "9"]),
    ],
)
def test_part_746_dates(country: str, day: date, level: str | None, categories: list[str]) -> None:
    d = load_ruleset(day).destination(country)
    assert (d.embargo, sorted(d.embargo_categories)) == (level, categories)


def test_regions_inherit_ukraine_row_and_count_ear99() -> None:
    rs = load_ruleset(D2024)
    crimea, ukraine = rs.destination("Crimea"), rs.destination("UA")
    assert crimea.code == "UA-43" and crimea.region_of == "UA"
    assert crimea.chart_marks == ukraine.chart_marks and crimea.groups == ukraine.groups
    assert rs.control("EAR99", crimea).status == "controlled"
    assert rs.control("EAR99", ukraine).status == "not-controlled"
    assert rs.class_key(crimea) != rs.class_key(ukraine)


@pytest.mark.parametrize(
    ("made_in", "day", "partner"),
    [
        ("FI", date(2022, 2, 24), True),
        ("KR", date(2022, 3, 3), False),
        ("KR", date(2022, 3, 4), True),
        ("CH", date(2022, 4, 8), True),
        ("TW", date(2023, 2, 23), False),
        ("TW", date(2023, 2, 24), True),
        ("CN", D2024, False),
        (None, D2024, False),
    ],
)
def test_partner_countries_by_date(made_in: str | None, day: date, partner: bool) -> None:
    assert load_ruleset(day).is_partner(made_in) is partner


def test_partner_carveout_only_for_at_only_and_listed_eccns() -> None:
    assert status("3A991", "RU", made_in="DE") == "not-controlled"
    assert status("9A991.b", "RU", made_in="DE") == "not-controlled"
    assert status("3A991", "RU", made_in="CN") == "controlled"
    assert status("5A002.a", "RU", made_in="DE") == "controlled"  # NS 1 marked for Russia
    assert status("3A991", "CN", made_in="DE") == "not-controlled"  # no carve-out needed


@pytest.mark.parametrize(
    ("listed", "expected"), [(True, "controlled"), (False, "not-controlled"), (None, "possible")]
)
def test_listed_ear99_for_russia(listed: bool | None, expected: str) -> None:
    assert status("EAR99", "RU", listed_ear99=listed) == expected
    assert status("EAR99", "CN", listed_ear99=listed) == "not-controlled"


def test_class_key_promise_holds_for_paragraphs_and_options() -> None:
    rs = load_ruleset(D2024)
    eccns = ["3A001.z.1.b", "9A515.y.1", "3B001.c.2", "5A992.z.2", "9A610.a", "3A991", "EAR99"]
    by_key: dict[tuple[object, ...], list[Destination]] = {}
    for d in rs.destinations():
        by_key.setdefault(rs.class_key(d), []).append(d)
    for members in by_key.values():
        first = members[0]
        for other in members[1:]:
            code = other.code
            for e in eccns:
                for made_in in (None, "FI"):
                    assert rs.control(e, first, made_in=made_in) == rs.control(
                        e, other, made_in=made_in
                    ), (e, code)
            assert [z.id for z in rs.zero_de_minimis(first)] == [
                z.id for z in rs.zero_de_minimis(other)
            ]


@pytest.mark.parametrize(
    ("country", "day", "ids"),
    [
        ("CN", D2020, {"600-series-9x515-a-x-to-d5", "600-series-9x515-y-to-cn-e"}),
        ("DE", D2020, set()),
        ("RU", date(2022, 2, 23), {"600-series-9x515-a-x-to-d5"}),
        ("RU", date(2022, 2, 24), {"600-series-9x515-a-x-to-d5", "600-series-9x515-y-to-ru"}),
        ("MO", date(2024, 12, 1), set()),
        ("MO", date(2024, 12, 2), {"sme-with-us-ic", "fn5-advanced-node-with-us-ic"}),
    ],
)
def test_zero_de_minimis_reach(country: str, day: date, ids: set[str]) -> None:
    rs = load_ruleset(day)
    everywhere = {"5e002-encryption-technology", "9e003-technology"}
    got = {z.id for z in rs.zero_de_minimis(rs.destination(country))} - everywhere
    assert got == ids


@pytest.mark.parametrize(
    ("pattern", "eccn", "expected"),
    [
        (EccnPattern(series=("600",)), "0A606.a", "yes"),
        (EccnPattern(series=("600",)), "3A001", "no"),
        (EccnPattern(series=("515",), paragraphs=("y",)), "9E515.y", "yes"),
        (EccnPattern(eccns=("5E002",)), "5E002.a.1", "yes"),
        (EccnPattern(eccns=("9E003.h",)), "9E003", "maybe"),
        (EccnPattern(eccns=("9E003.h",)), "9E003.c", "no"),
        (EccnPattern(prefixes=("3A",)), "3A991.a", "yes"),
        (EccnPattern(prefixes=("3A",)), "EAR99", "no"),
        (EccnPattern(any=True), "EAR99", "yes"),
    ],
)
def test_eccn_patterns(pattern: EccnPattern, eccn: str, expected: str) -> None:
    assert pattern.match(eccn) == expected
