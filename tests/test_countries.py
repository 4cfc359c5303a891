"""Tests for bomtrace.countries (packaged country table lookups)."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from bomtrace.countries import country_name, normalize_country


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("united states of america", "US"),
        (" usa ", "US"),
        ("CN", "CN"),
        ("chn", "CN"),
        ("China", "CN"),
        ("China (PRC)", "CN"),
        ("PRC", "CN"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("Korea, South", "KR"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Korea, North", "KP"),
        ("DPRK", "KP"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("HK", "HK"),
        ("Macao", "MO"),
        ("Viet Nam", "VN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Czechia", "CZ"),
        ("The Bahamas", "BS"),
        ("Bahamas, The", "BS"),
        ("Seycheles", "SC"),
        ("Cote d'lvoire", "CI"),
        ("Côte d’Ivoire", "CI"),
        ("Curacao", "CW"),
        ("St. Lucia", "LC"),
        ("Saint Lucia", "LC"),
        ("Trinidad & Tobago", "TT"),
        ("Bosnia & Herzegovina", "BA"),
        ("Congo (Democratic Republic of)", "CD"),
        ("Micronesia, Federated States of", "FM"),
        ("Great Britain", "GB"),
        ("UK", "GB"),
        ("Namibia", "NA"),
        ("NAM", "NA"),
        ("Cayman Islands", "KY"),
        ("Kosovo", "XK"),
    ],
)
def test_normalize_country(text: str, code: str) -> None:
    assert normalize_country(text) == code


@pytest.mark.parametrize(
    "text", [None, "", "  ", "Atlantis", "XX", "ZZZ", "N/A", "na", "-", "unknown", 42, "Korea"]
)
def test_normalize_country_unknown(text: object) -> None:
    assert normalize_country(text) is None


def test_every_code_and_iso3_resolves_to_itself() -> None:
    table = json.loads(files("bomtrace").joinpath("rules/data/countries.json").read_text("utf-8"))
    for code, rec in table["countries"].items():
        if code != "NA":  # "NA" reads as a missing value; Namibia via "NAM" / "Namibia"
            assert normalize_country(code) == code
        if rec["iso3"] is not None:  # regions (ISO 3166-2 codes) have none
            assert normalize_country(rec["iso3"]) == code
        assert normalize_country(rec["name"]) == code
        for alias in rec["aliases"]:
            assert normalize_country(alias) == code, alias


@pytest.mark.parametrize(
    ("text", "code"),
    [("Crimea", "UA-43"), ("Sevastopol", "UA-43"), ("ua-43", "UA-43"), ("DNR", "UA-14"),
     ("LNR", "UA-09"), ("Ukraine", "UA")],
)  # fmt: skip
def test_regions_of_ukraine(text: str, code: str) -> None:
    assert normalize_country(text) == code


def test_country_name() -> None:
    assert country_name("CN") == "China"
    assert country_name("kr") == "South Korea"
    assert country_name("US") == "United States"
    assert country_name("QQ") == "QQ"


def test_module_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bomtrace.countries as c; c.normalize_country('DE'); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("美国", "US"),
        ("美國", "US"),
        ("米国", "US"),
        ("アメリカ", "US"),
        ("미국", "US"),
        ("США", "US"),
        ("中国", "CN"),
        ("中國", "CN"),
        ("中华人民共和国", "CN"),
        ("중국", "CN"),
        ("Китай", "CN"),
        ("日本", "JP"),
        ("일본", "JP"),
        ("Япония", "JP"),
        ("台湾", "TW"),
        ("台灣", "TW"),
        ("韩国", "KR"),
        ("韓国", "KR"),
        ("한국", "KR"),
        ("德国", "DE"),
        ("ドイツ", "DE"),
        ("독일", "DE"),
        ("Германия", "DE"),
        ("マレーシア", "MY"),
        ("泰国", "TH"),
        ("越南", "VN"),
        ("菲律宾", "PH"),
        ("新加坡", "SG"),
        ("墨西哥", "MX"),
        ("インド", "IN"),
        ("英国", "GB"),
        ("Royaume-Uni", "GB"),
        ("イスラエル", "IL"),
        ("Чехия", "CZ"),
        ("Ungarn", "HU"),
        ("香港", "HK"),
    ],
)
def test_country_names_in_other_languages(name: str, code: str | None) -> None:
    assert normalize_country(name) == code
