"""The worked examples of regulatory.md ("Worked examples" 1-6 and 11), table-driven.

Every case builds a small BOM in code: a foreign-made product ``P`` (selling price 100) with one
US-origin part ``U`` of the given value and ECCN, and a foreign filler part. The expected values
are the published ones (or arithmetic on them, marked *derived* in regulatory.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented

from bomtrace import analyze

D2020 = date(2020, 8, 17)
D2022 = date(2022, 6, 1)
F = (
    *BASE_FIELDS,
    "selling_price",
    "listed_ear99",
)


def one_part(value: float, eccn: str | None, *, listed: bool | None = None) -> Any:
    return indented(
        [
            (0, "P", 1, None, "CN", None, 100.0, None),
            (1, "U", 1, value, "US", eccn, None, listed),
            (1, "R", 1, 5.0, "JP", "EAR99", None, None),
        ],
        fields=F,
    )


def dest(value: float, eccn: str | None, country: str, day: date, **kw: Any) -> Any:
    listed = kw.pop("listed", None)
    r = analyze(one_part(value, eccn, listed=listed), destinations=[country], as_of=day, **kw)
    return r.product("P").destination(country)


# ---------------------------------------------------------------- 1. BIS threshold table


@pytest.mark.parametrize(
    ("value", "eccn", "country", "threshold", "controlled", "verdict"),
    [
        # non-600-series controlled content: 10 % for E:1, 25 % elsewhere (inclusive)
        (10.0, "3A001.a.7", "IR", 0.10, 10.0, "not-subject"),
        (10.01, "3A001.a.7", "IR", 0.10, 10.01, "subject"),
        (25.0, "3A001.a.7", "CN", 0.25, 25.0, "not-subject"),
        (25.01, "3A001.a.7", "CN", 0.25, 25.01, "subject"),
        # AT-only content: counted only for E:1
        (15.0, "3A991", "SY", 0.10, 15.0, "subject"),
        (15.0, "3A991", "IR", 0.10, 15.0, "subject"),
        (15.0, "3A991", "CN", 0.25, 0.0, "not-subject"),
        (15.0, "3A991", "DE", 0.25, 0.0, "not-subject"),
        # EAR99 to North Korea / Syria counts at 10 %; elsewhere it does not count
        (15.0, "EAR99", "KP", 0.10, 15.0, "subject"),
        (15.0, "EAR99", "SY", 0.10, 15.0, "subject"),
        (15.0, "EAR99", "CN", 0.25, 0.0, "not-subject"),
        (15.0, "EAR99", "DE", 0.25, 0.0, "not-subject"),
    ],
)
def test_bis_threshold_table(
    value: float, eccn: str, country: str, threshold: float, controlled: float, verdict: str
) -> None:
    d = dest(value, eccn, country, D2020)
    assert d.threshold == pytest.approx(threshold)
    assert d.controlled_us_value == pytest.approx(controlled)
    assert d.verdict == verdict
    assert d.zero_de_minimis == []


@pytest.mark.parametrize(
    ("eccn", "country", "zero", "paragraph"),
    [
        # 600 series / 9x515 .a-.x: no de minimis level to D:5, 25 % elsewhere
        ("9A515.a.1", "CN", True, "15 CFR 734.4(a)(6)(i)"),
        ("9A610.a", "VE", True, "15 CFR 734.4(a)(6)(i)"),
        ("9A515.a.1", "DE", False, None),
        # .y: no de minimis level to China or E:1/E:2; elsewhere not counted
        ("9A610.y.1", "CN", True, "15 CFR 734.4(a)(6)(ii)"),
        ("9A515.y.1", "IR", True, "15 CFR 734.4(a)(6)(ii)"),
        ("9A610.y.1", "DE", False, None),
    ],
)
def test_zero_de_minimis_categories(
    eccn: str, country: str, zero: bool, paragraph: str | None
) -> None:
    d = dest(1.0, eccn, country, D2020)  # 1 % of the price: far below any threshold
    assert d.verdict == ("subject" if zero else "not-subject")
    if zero:
        hit = d.zero_de_minimis[0]
        assert (hit["paragraph"], hit["status"], hit["part_number"], hit["eccn"]) == (
            paragraph,
            "applies",
            "U",
            eccn,
        )
    else:
        assert d.zero_de_minimis == []


def test_y_part_elsewhere_is_not_counted() -> None:
    assert dest(30.0, "9A610.y.1", "DE", D2020).controlled_us_value == 0.0


def test_y_part_without_paragraph_may_have_no_de_minimis_level() -> None:
    d = dest(1.0, "9A610", "CN", D2020)  # .y or .a-.x: both have no level for China
    assert d.verdict == "undetermined"
    assert d.zero_de_minimis[0]["status"] == "possible"


# ---------------------------------------------------------------- 2. second incorporation


LG_FIELDS = (
    *BASE_FIELDS,
    "selling_price",
    "discrete_product",
    "us_content_pct",
)


def aircraft(*, declared: bool) -> Any:
    """German aircraft (price 1,000): 9 % direct US content, UK landing gear with 50 % US parts
    worth 2 % of the aircraft (ArentFox on the BIS advisory opinion of 14 Sep 2009)."""
    gear: list[tuple[Any, ...]]
    if declared:
        gear = [(1, "LG", 1, 40.0, "GB", "9A991.d", None, True, 0.5)]
    else:
        gear = [
            (1, "LG", 1, None, "GB", "9A991.d", None, True, None),
            (2, "LG-US", 1, 20.0, "US", "9A991.d", None, None, None),
            (2, "LG-UK", 1, 20.0, "GB", "EAR99", None, None, None),
        ]
    return indented(
        [
            (0, "AC", 1, None, "DE", "9A991.b", 1000.0, None, None),
            (1, "US-AVIONICS", 1, 90.0, "US", "9A991.d", None, None, None),
            *gear,
            (1, "AIRFRAME", 1, 500.0, "DE", "EAR99", None, None, None),
        ],
        fields=LG_FIELDS,
    )


@pytest.mark.parametrize("declared", [False, True], ids=["exploded", "declared"])
@pytest.mark.parametrize(
    ("second", "ratio", "verdict"), [(True, 0.09, "not-subject"), (False, 0.11, "subject")]
)
def test_landing_gear_second_incorporation(
    declared: bool, second: bool, ratio: float, verdict: str
) -> None:
    r = analyze(
        aircraft(declared=declared),
        destinations=["IR"],  # E:1: 10 % threshold, every CCL item counts (Part 746)
        as_of=D2020,
        second_incorporation=second,
    )
    d = r.product("AC").destination("IR")
    assert d.ratio == pytest.approx(ratio)
    assert d.verdict == verdict
    both = d.second_incorporation
    assert both is not None
    assert both["applied"] is second
    assert (both["ratio_with_cut"], both["ratio_without_cut"]) == (0.09, 0.11)
    assert (both["verdict_with_cut"], both["verdict_without_cut"]) == ("not-subject", "subject")
    assert both["flips"]
    # the landing gear itself carries its US content either way (first incorporation)
    if not declared:
        gear = next(a for a in r.assemblies if a.part_number == "LG")
        assert gear.destination("IR").ratio == pytest.approx(0.5)


# ---------------------------------------------------------------- 3. and 4. dated thresholds


@pytest.mark.parametrize(
    ("country", "eccn", "day", "threshold", "verdict"),
    [
        # Sudan: E:1 (10 %) until 2021-01-13, 25 % from 2021-01-14 (FR Doc 2020-29037)
        ("SD", "3A001.a.7", date(2021, 1, 13), 0.10, "subject"),
        ("SD", "3A001.a.7", date(2021, 1, 14), 0.25, "not-subject"),
        # Cuba: 10 % before 2015-07-22, 25 % to 2019-10-20, 10 % from 2019-10-21; EAR99 counts
        ("CU", "EAR99", date(2015, 7, 21), 0.10, "subject"),
        ("CU", "EAR99", date(2015, 7, 22), 0.25, "not-subject"),
        ("CU", "EAR99", date(2019, 10, 20), 0.25, "not-subject"),
        ("CU", "EAR99", date(2019, 10, 21), 0.10, "subject"),
    ],
)
def test_dated_thresholds(
    country: str, eccn: str, day: date, threshold: float, verdict: str
) -> None:
    d = dest(15.0, eccn, country, day)  # 15 % controlled content (derived test)
    assert d.threshold == pytest.approx(threshold)
    assert d.controlled_us_value == pytest.approx(15.0)
    assert d.verdict == verdict


# ---------------------------------------------------------------- 5. and 6. Russia 2022


@pytest.mark.parametrize(
    ("eccn", "made_in", "day", "controlled"),
    [
        ("3A991", "CN", D2022, 30.0),  # a 3A991 chip in a Chinese-made widget counts
        ("3A991", None, D2022, 30.0),
        ("3A991", "FI", D2022, 0.0),  # made in a Supp. No. 3 country: AT-only not counted
        ("9A991.d", "FI", D2022, 0.0),  # 9A991 named in the carve-out
        ("9A991.d", "CN", D2022, 30.0),
        ("3A001.a.7", "FI", D2022, 30.0),  # NS-controlled: the chart still counts it
        ("3A991", "CN", date(2022, 2, 23), 0.0),  # before the Russia rule: AT-only
        ("3A991", "KR", date(2022, 3, 3), 30.0),  # Korea joined Supp. No. 3 on 2022-03-04
        ("3A991", "KR", date(2022, 3, 4), 0.0),
        ("1A995", "CN", date(2022, 3, 1), 0.0),  # Categories 3-9 only until 2022-04-07
        ("1A995", "CN", date(2022, 4, 8), 30.0),
    ],
)
def test_russia_2022(eccn: str, made_in: str | None, day: date, controlled: float) -> None:
    d = dest(30.0, eccn, "RU", day, made_in=made_in)
    assert d.controlled_us_value == pytest.approx(controlled)
    assert d.verdict == ("subject" if controlled > 25.0 else "not-subject")


@pytest.mark.parametrize(
    ("listed", "verdict", "low", "high"),
    [
        (True, "subject", 0.3, 0.3),
        (False, "not-subject", 0.0, 0.0),
        (None, "undetermined", 0.0, 0.3),
    ],
)
def test_russia_listed_ear99(listed: bool | None, verdict: str, low: float, high: float) -> None:
    d = dest(30.0, "EAR99", "RU", D2022, listed=listed)
    assert (d.verdict, d.bounds_low, d.bounds_high) == (verdict, low, high)


def test_russia_end_use_controls_do_not_count() -> None:
    # 746.5 end-use / end-user requirements are not controlled content (BIS FAQ): naming a
    # military end user changes nothing
    plain = dest(20.0, "EAR99", "RU", D2022, listed=False)
    meu = dest(20.0, "EAR99", "RU", D2022, listed=False, end_user="Russian military end user")
    assert plain.controlled_us_value == meu.controlled_us_value == 0.0


# ---------------------------------------------------------------- 11. OFAC contrast (Iran)


def test_iran_exactly_ten_percent_is_within_ear_de_minimis() -> None:
    # OFAC (31 CFR 560.420) needs strictly less than 10 %; the EAR's 10 % is inclusive
    assert dest(10.0, "3A001.a.7", "IR", D2020).verdict == "not-subject"
    assert dest(10.000001, "3A001.a.7", "IR", D2020).verdict == "subject"


def test_iran_ear99_is_not_counted_by_bis() -> None:
    assert dest(50.0, "EAR99", "IR", D2020).controlled_us_value == 0.0


# ---------------------------------------------------------------- China: AT-only and EAR99


def test_china_at_only_ear99_and_mass_market_do_not_count() -> None:
    t = indented(
        [
            (0, "P", 1, None, "CN", None, 100.0, None),
            (1, "A", 1, 20.0, "US", "3A991", None, None),
            (1, "B", 1, 20.0, "US", "EAR99", None, None),
            (1, "C", 1, 20.0, "US", "5A992.c", None, None),
        ],
        fields=F,
    )
    d = analyze(t, destinations=["CN"], as_of=D2020).product("P").destination("CN")
    assert (d.controlled_us_value, d.verdict) == (0.0, "not-subject")
