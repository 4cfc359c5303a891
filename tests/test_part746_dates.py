"""The dated facts of the Part 746 / 734.4(a) / FDP research (brief I3): both sides of every new
date, and the 734.4(a)(8)/(9) content test (a US-origin IC of CCL Category 3, 4 or 5, not EAR99).

Data: rules/data/changes.toml ([[listed_ear99]], [[partner_country]] KR, [[chart_marks]] SD),
deminimis.toml (sme-with-us-ic, fn5-advanced-node-with-us-ic), fdp_versions.toml (russia-2022-02/
-04, belarus-2022-03/-04, set CAT3_9_D_E).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented

import bomtrace
from bomtrace.io.table import BomTable
from bomtrace.rules import load_ruleset
from bomtrace.rules.fdp import fdp_rule, fdp_rules_in_force

# ---------------------------------------------------------------- 734.9(f): split at 2022-04-08

FDP_FIELDS = (*BASE_FIELDS, "us_technology_eccns", "made_with_us_equipment", "producer")


def fdp_caught(tech: str, day: date, dest: str) -> list[tuple[str, str]]:
    """FDP findings for a CN-made product with one CN-made 5A991 module made with ``tech``."""
    rows = [
        (0, "P", 1, None, "CN", "5A991", "none", False, "CM Co."),
        (1, "MOD", 1, 10.0, "CN", "5A991", tech, False, "Fab"),
    ]
    table = indented(rows, fields=FDP_FIELDS)
    r = bomtrace.analyze(table, destinations=[dest], as_of=day, end_user=None)
    return sorted((e["part_number"], e["rule_id"]) for e in r.products[0].fdpr)


@pytest.mark.parametrize(
    ("dest", "old", "new"), [("RU", "russia", "2022-02"), ("BY", "belarus", "2022-03")]
)
def test_category_0_2_technology_counts_from_2022_04_08(dest: str, old: str, new: str) -> None:
    # 734.9(f)(1) before 87 FR 22130: "product groups D or E in Categories 3, 4, 5, 6, 7, 8, or 9"
    assert fdp_caught("1E001", date(2022, 4, 7), dest) == []
    assert fdp_caught("1E001", date(2022, 4, 8), dest) == [("MOD", f"{old}-2022-04")]
    # Category 3-9 inputs were caught on both days, by the form in force on each
    assert fdp_caught("3D991", date(2022, 4, 7), dest) == [("MOD", f"{old}-{new}")]
    assert fdp_caught("3D991", date(2022, 4, 8), dest) == [("MOD", f"{old}-2022-04")]
    assert fdp_caught("9E991", date(2022, 4, 7), dest) == [("MOD", f"{old}-{new}")]


def test_russia_forms_do_not_overlap_and_name_their_inputs() -> None:
    ids = {v.id for v in fdp_rules_in_force(date(2022, 4, 7))}
    assert {"russia-2022-02", "belarus-2022-03"} <= ids
    assert not ids & {"russia-2022-04", "belarus-2022-04"}
    ids = {v.id for v in fdp_rules_in_force(date(2022, 4, 8))}
    assert {"russia-2022-04", "belarus-2022-04"} <= ids
    assert not ids & {"russia-2022-02", "belarus-2022-03"}
    early = fdp_rule("russia-2022-02").direct_product
    assert early.inputs_test is None and len(early.inputs) == 138
    assert {e[0] for e in early.inputs} == set("3456789")
    assert fdp_rule("belarus-2022-03").effective == date(2022, 3, 2)
    assert fdp_rule("russia-2022-04").direct_product.inputs_test == "any_d_or_e"


# ---------------------------------------------------------------- [[listed_ear99]]: four dates


def listed(country: str, day: date) -> str | None:
    return load_ruleset(day).destination(country).listed_ear99


def test_russia_supp_4_from_2022_03_03() -> None:
    assert listed("RU", date(2022, 3, 2)) is None
    assert "Supp. No. 4" in str(listed("RU", date(2022, 3, 3)))
    assert listed("BY", date(2022, 3, 3)) is None  # Supp. No. 4 was Russia only


def test_belarus_luxury_goods_from_2022_03_11() -> None:
    assert listed("BY", date(2022, 3, 10)) is None
    by = str(listed("BY", date(2022, 3, 11)))
    assert "746.10(a)(1)" in by and "Supp. No. 4" not in by
    assert "746.10(a)(1)" in str(listed("RU", date(2022, 3, 11)))


def test_belarus_industry_sector_and_supp_6_from_2022_09_15() -> None:
    assert "87 FR 57068" not in str(listed("BY", date(2022, 9, 14)))
    assert "87 FR 57068" in str(listed("BY", date(2022, 9, 15)))
    assert "87 FR 57068" in str(listed("RU", date(2022, 9, 15)))


def test_consolidation_of_2024_06_12_is_unsure() -> None:
    before = load_ruleset(date(2024, 6, 11)).info.sources
    after = load_ruleset(date(2024, 6, 12)).info.sources
    assert not any("89 FR 51644" in s for s in before)
    assert any("89 FR 51644" in s and s.endswith("[unsure]") for s in after)
    # the earlier lists were read in the FR: no longer unsure
    assert not any("746.10(a)(1)" in s and s.endswith("[unsure]") for s in after)


@pytest.mark.parametrize(
    ("day", "verdict"), [(date(2022, 3, 2), "not-subject"), (date(2022, 3, 3), "subject")]
)
def test_listed_ear99_content_for_russia_by_date(day: date, verdict: str) -> None:
    d = one_part(30.0, "EAR99", "RU", day, listed=True)
    assert d.verdict == verdict


def test_korea_partner_citation() -> None:
    sources = load_ruleset(date(2022, 3, 4)).info.sources
    assert any("87 FR 13627, published 2022-03-11, eff. 2022-03-04" in s for s in sources)
    assert not any("87 FR 13627" in s for s in load_ruleset(date(2022, 3, 3)).info.sources)


# ------------------------------------------------------------- Sudan: AT 1 and AT 2 to 2021-01-13


# AT Column 2 only, and not in the 742.10(a)(2) list of content not counted for Sudan (6A991 and
# 9A990.a are: that exclusion is not modelled yet, see changes.toml)
@pytest.mark.parametrize("eccn", ["9E990", "9D990"])
def test_sudan_at_2_content_before_2021_01_14(eccn: str) -> None:
    def status(country: str, day: date) -> str:
        rs = load_ruleset(day)
        return rs.control(eccn, rs.destination(country)).status

    assert status("SD", date(2021, 1, 13)) == "controlled"
    assert status("SD", date(2021, 1, 14)) == "not-controlled"
    assert status("IR", date(2021, 1, 13)) == "controlled"  # AT 2: Iran and Sudan


def test_sudan_at_1_content_still_counts_before_2021_01_14() -> None:
    rs = load_ruleset(date(2021, 1, 13))
    assert rs.control("3A991", rs.destination("SD")).status == "controlled"
    assert {"AT 1", "AT 2"} <= rs.destination("SD").chart_marks
    after = load_ruleset(date(2021, 1, 14)).destination("SD").chart_marks
    assert after.isdisjoint({"AT 1", "AT 2"})


# ---------------------------------------------------------------- 734.4(a)(8) and (a)(9)

F = (*BASE_FIELDS, "selling_price", "listed_ear99")
D_SME = date(2024, 12, 2)


def tool_bom(item: str, ic: str, *, value: float = 1.0, listed: bool | None = None) -> BomTable:
    """A JP-made tool (price 100) with one US-origin part worth ``value`` and a JP filler."""
    return indented(
        [
            (0, "TOOL", 1, None, "JP", item, 100.0, None),
            (1, "IC", 1, value, "US", ic, None, listed),
            (1, "R", 1, 5.0, "JP", "EAR99", None, None),
        ],
        fields=F,
    )


def dest_result(table: BomTable, country: str, day: date) -> Any:
    r = bomtrace.analyze(table, destinations=[country], as_of=day)
    return r.product("TOOL").destination(country)


def one_part(value: float, eccn: str, country: str, day: date, *, listed: bool | None) -> Any:
    return dest_result(tool_bom("EAR99", eccn, value=value, listed=listed), country, day)


def hits(d: Any) -> dict[str, str]:
    return {h["paragraph"]: h["status"] for h in d.zero_de_minimis}


A8, A9 = "15 CFR 734.4(a)(8)", "15 CFR 734.4(a)(9)"


@pytest.mark.parametrize("ic", ["3A001.a.7", "3A991", "4A994", "5A991"])
def test_a8_sme_with_us_ic_of_category_3_4_or_5(ic: str) -> None:
    d = dest_result(tool_bom("3B001.c", ic), "CN", D_SME)
    assert hits(d)[A8] == "applies"
    assert d.verdict == "subject"  # 1 % of the price: only (a)(8) makes it subject
    before = dest_result(tool_bom("3B001.c", ic), "CN", date(2024, 12, 1))
    assert A8 not in hits(before)


def test_a8_not_for_an_ear99_ic_nor_outside_macau_and_d5() -> None:
    assert hits(dest_result(tool_bom("3B001.c", "EAR99"), "CN", D_SME)) == {}
    assert A8 not in hits(dest_result(tool_bom("3B001.c", "4A994"), "JP", D_SME))
    assert hits(dest_result(tool_bom("3B001.c", "4A994"), "MO", D_SME))[A8] == "applies"


@pytest.mark.parametrize("country", ["CN", "DE"])  # (a)(9): a footnote-5 end user, any country
def test_a9_is_possible_for_3b_equipment_with_a_us_ic(country: str) -> None:
    d = dest_result(tool_bom("3B991.a", "5A992"), country, D_SME)
    assert hits(d) == {A9: "possible"}
    assert d.verdict == "undetermined"
    assert hits(dest_result(tool_bom("3B991.a", "EAR99"), country, D_SME)) == {}
    assert hits(dest_result(tool_bom("3B991.a", "5A992"), country, date(2024, 12, 1))) == {}


def test_a9_excepts_the_sme_set() -> None:
    # 734.4(a)(9) covers Category 3B "except 3B001.a.4, c, d, f.1, f.5, k to n, p.2, p.4, r, or
    # 3B002.c": an SME-set tool has no (a)(9) hit; one given without its paragraph may have
    assert hits(dest_result(tool_bom("3B001.c", "3A991"), "DE", D_SME)) == {}
    assert hits(dest_result(tool_bom("3B001", "3A991"), "DE", D_SME)) == {A9: "possible"}
