"""Tests for bomtrace/fdpr/analysis.py and evidence.py: each rule's product and end-user prongs,
each date boundary, the unknown-evidence state, producer tables and per-assembly roll-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented

import bomtrace
from bomtrace.analysis import AnalysisResult
from bomtrace.io.table import BomTable

FIELDS = (
    *BASE_FIELDS,
    "us_technology_eccns",
    "made_with_us_equipment",
    "producer",
    "designed_by",
)
HUAWEI = "Huawei Technologies"


def bom(*parts: tuple[Any, ...], product_eccn: str = "5A991") -> BomTable:
    """A product P (CN, no US-technology evidence) with the given level-1 parts."""
    rows = [(0, "P", 1, None, "CN", product_eccn, "none", False, "CM Co.", "CM Co.")]
    rows += [(1, *p) for p in parts]
    return indented(rows, fields=FIELDS)


# part_number, qty, cost, origin, own eccn, tech eccns, made with US equipment, producer, designer
HUAWEI_SOC = ("SOC", 1, 100.0, "TW", "5A991", "3D991; 3E991", True, "TSMC", "HiSilicon")
THIRD_ASIC = ("ASIC", 2, 10.0, "TW", "3A991", "3D991", True, "TSMC", "Formosa Design")
PLANT_ONLY = ("DRAM", 4, 5.0, "KR", "3A991", "none", True, "Hanbit", "Hanbit")
CLEAN = ("CAP", 100, 0.01, "JP", "EAR99", "none", False, "Kansai", "Kansai")
UNKNOWN_EV = ("PWR", 1, 20.0, "CN", "EAR99", None, None, "Pearl River", None)


def run(
    table: BomTable,
    day: date,
    *,
    dest: str = "CN",
    end_user: str | None = HUAWEI,
    parties: Sequence[str] = (),
    producers: Path | None = None,
) -> AnalysisResult:
    return bomtrace.analyze(
        table,
        destinations=[dest],
        as_of=day,
        end_user=end_user,
        parties=parties,
        producers=producers,
    )


def caught(r: AnalysisResult) -> list[tuple[str, str, str]]:
    return sorted((e["part_number"], e["rule_id"], e["prong"]) for e in r.products[0].fdpr)


def unresolved(r: AnalysisResult) -> dict[str, list[str]]:
    s = r.products[0].fdpr_summary
    assert s is not None
    return {u["part_number"]: u["missing"] for u in s["unresolved"]}


# ---------------------------------------------------------------- footnote 1 (Huawei), 2020
def test_before_may_2020_nothing_is_caught() -> None:
    r = run(bom(HUAWEI_SOC, THIRD_ASIC, PLANT_ONLY), date(2020, 5, 14))
    assert caught(r) == []
    assert r.exit_code == 0


@pytest.mark.parametrize("day", [date(2020, 5, 15), date(2020, 8, 16)])
def test_may_2020_catches_only_huawei_designed_parts(day: date) -> None:
    r = run(bom(HUAWEI_SOC, THIRD_ASIC, PLANT_ONLY, CLEAN), day)
    assert caught(r) == [("SOC", "fn1-2020-05", "direct_product")]
    e = r.products[0].fdpr[0]
    assert (e["rule"], e["prongs"], e["footnote"]) == (
        "736.2(b)(3)(vi)",
        ["direct_product", "plant"],
        1,
    )
    assert e["end_user"] == "HiSilicon" or e["end_user"].startswith("Huawei Technologies")
    assert r.exit_code == 1


def test_may_2020_designer_unknown_is_unresolved_not_no() -> None:
    part = ("SOC2", 1, 50.0, "TW", "5A991", "3D991", True, "TSMC", None)
    r = run(bom(part), date(2020, 6, 1))
    assert caught(r) == []
    assert unresolved(r) == {"SOC2": ["designed_by"]}


def test_august_2020_catches_every_direct_product_and_plant_product() -> None:
    r = run(bom(HUAWEI_SOC, THIRD_ASIC, PLANT_ONLY, CLEAN), date(2020, 8, 17))
    assert caught(r) == [
        ("ASIC", "fn1-2020-08", "direct_product"),
        ("DRAM", "fn1-2020-08", "plant"),
        ("SOC", "fn1-2020-08", "direct_product"),
    ]
    s = r.products[0].fdpr_summary
    assert s is not None
    assert (s["caught_parts"], s["caught_units"], s["caught_value"]) == (3, 7.0, 140.0)


def test_us_origin_parts_are_not_fdp_tested() -> None:
    us = ("FPGA", 1, 145.0, "US", "3A991.d", "3D991", True, "Sierra", "Sierra")
    r = run(bom(us), date(2020, 8, 17))
    assert caught(r) == [] and unresolved(r) == {}


def test_end_user_prong_no_party_or_unlisted_party_is_not_in_scope() -> None:
    table = bom(HUAWEI_SOC)
    assert caught(run(table, date(2020, 8, 17), end_user=None)) == []
    r = run(table, date(2020, 8, 17), end_user="Nokia Solutions and Networks Oy")
    assert caught(r) == []
    assert "party-not-listed" in [i.code.value for i in r.issues]


def test_party_role_may_2020_needs_end_user_august_takes_any_party() -> None:
    table = bom(HUAWEI_SOC)
    may = run(table, date(2020, 6, 1), end_user=None, parties=["Huawei Device Co., Ltd."])
    assert caught(may) == []
    assert unresolved(may) == {"SOC": ["party"]}
    aug = run(table, date(2020, 8, 17), end_user=None, parties=["Huawei Device Co., Ltd."])
    assert caught(aug) == [("SOC", "fn1-2020-08", "direct_product")]
    assert aug.products[0].fdpr[0]["party"] == {"role": "party", "name": "Huawei Device Co., Ltd."}


def test_weak_name_match_is_never_applied() -> None:
    r = run(bom(HUAWEI_SOC), date(2020, 8, 17), end_user="Huawai Technologies")
    assert caught(r) == []
    assert unresolved(r) == {"SOC": ["party"]}
    assert "party-possible-match" in [i.code.value for i in r.issues]


# ---------------------------------------------------------------- unknown evidence
def test_unknown_evidence_is_its_own_state() -> None:
    r = run(bom(UNKNOWN_EV, CLEAN), date(2020, 8, 17))
    assert caught(r) == []
    assert unresolved(r) == {"PWR": ["made_with_us_equipment", "us_technology_eccns"]}
    issues = [
        (i.code.value, i.part_number, i.row) for i in r.issues if i.code.value.startswith("fdpr")
    ]
    assert issues == [("fdpr-evidence-missing", "PWR", 3)]
    assert r.exit_code == 0  # unresolved is not a flag


def test_explicit_no_answers_the_question() -> None:
    answered = ("PWR", 1, 20.0, "CN", "EAR99", "none", False, "Pearl River", None)
    r = run(bom(answered), date(2020, 8, 17))
    assert caught(r) == [] and unresolved(r) == {}


def test_producer_table_fills_blank_plant_evidence(write_csv: Callable[..., Path]) -> None:
    table = write_csv(
        "producers.csv",
        "Producer,Made With US Equipment,Equipment Tech ECCNs,Origin,Source,Aliases\n"
        '"Pearl River Co., Ltd.",no,,,supplier letter 2020-07-01,\n'
        "Taiwan Semiconductor Manufacturing Co.,yes,3E001,US-origin,tool list,TSMC\n",
    )
    tsmc_only = ("LD", 1, 9.5, "TW", "3A991", "none", None, "TSMC", "Formosa")
    r = run(bom(UNKNOWN_EV, tsmc_only), date(2020, 8, 17), producers=table)
    assert unresolved(r) == {"PWR": ["us_technology_eccns"]}
    assert caught(r) == [("LD", "fn1-2020-08", "plant")]
    e = r.products[0].fdpr[0]
    assert e["evidence"]["plant_source"] == "producers.csv row 3: tool list"
    assert {
        "field": "producer_table",
        "file": "producers.csv",
        "sheet": None,
        "row": 3,
        "column": None,
    } in e["rows"]


def test_plant_origin_subject_to_ear_only_meets_the_february_2022_form(
    write_csv: Callable[..., Path],
) -> None:
    table = write_csv(
        "producers.csv",
        "producer,made_with_us_equipment,equipment_tech_eccns,origin,source\n"
        "Foreign Fab,yes,3E001,subject to the EAR,fab audit\n",
    )
    part = ("IC", 1, 3.0, "SG", "3A991", "none", None, "Foreign Fab", "X")
    got = {
        d: caught(run(bom(part), d, producers=table))
        for d in (date(2020, 8, 17), date(2022, 2, 10), date(2022, 2, 24))
    }
    assert got == {
        date(2020, 8, 17): [],
        date(2022, 2, 10): [("IC", "fn1-2022-02-03", "plant")],
        date(2022, 2, 24): [],
    }


def test_24_eccn_list_from_december_2024() -> None:
    part = ("NEW", 1, 3.0, "SG", "3A991", "3D993", False, "Fab", "X")
    assert caught(run(bom(part), date(2024, 12, 1))) == []
    assert caught(run(bom(part), date(2024, 12, 2))) == [("NEW", "fn1-2024-12", "direct_product")]


def test_evidence_rows_point_at_the_cells() -> None:
    r = run(bom(HUAWEI_SOC), date(2020, 8, 17))
    rows = {x["field"]: (x["row"], x["column"]) for x in r.products[0].fdpr[0]["rows"]}
    assert rows["us_technology_eccns"] == (3, "G")
    assert rows["made_with_us_equipment"] == (3, "H")
    assert rows["designed_by"] == (3, "J")


# ---------------------------------------------------------------- (e)(2) footnote 4
def test_footnote4_rule_and_its_wider_input_list() -> None:
    part = ("NIC", 1, 30.0, "TW", "5A992.c", "5D002", False, "Fab", "X")
    assert caught(run(bom(part), date(2022, 10, 20), end_user="CSCC")) == []
    assert caught(run(bom(part), date(2022, 10, 21), end_user="CSCC")) == [
        ("NIC", "fn4-2022-10", "direct_product")
    ]
    # 5D002 is not a footnote-1 input
    assert caught(run(bom(part), date(2022, 10, 21), end_user=HUAWEI)) == []


# ---------------------------------------------------------------- (b) national security
def test_national_security_rule_product_and_destination_prongs() -> None:
    ns_part = ("RX", 1, 80.0, "FR", "3A001.a.7", "3E001", False, "Fab", "X")
    assert caught(run(bom(ns_part), date(2020, 8, 17), end_user=None)) == [
        ("RX", "ns-gp3", "direct_product")
    ]
    assert caught(run(bom(ns_part), date(2020, 8, 17), dest="DE", end_user=None)) == []
    not_ns = ("RX", 1, 80.0, "FR", "3A991", "3E001", False, "Fab", "X")
    assert caught(run(bom(not_ns), date(2020, 8, 17), end_user=None)) == []
    no_eccn = ("RX", 1, 80.0, "FR", None, None, None, "Fab", "X")
    r = run(bom(no_eccn), date(2022, 3, 1), end_user=None)
    assert unresolved(r)["RX"] == ["eccn", "made_with_us_equipment", "us_technology_eccns"]


# ---------------------------------------------------------------- (f), (g) Russia / Belarus
def test_russia_destination_rule() -> None:
    part = ("MOD", 1, 10.0, "CN", "5A991", "3D991", False, "Fab", "X")
    ear99 = ("CASE", 1, 1.0, "CN", "EAR99", "3D991", False, "Fab", "X")
    table = bom(part, ear99)
    assert caught(run(table, date(2022, 2, 23), dest="RU", end_user=None)) == []
    assert caught(run(table, date(2022, 2, 24), dest="RU", end_user=None)) == [
        ("MOD", "russia-2022-02", "direct_product")
    ]
    assert caught(run(table, date(2022, 3, 2), dest="BY", end_user=None)) == [
        ("MOD", "belarus-2022-03", "direct_product")
    ]
    assert caught(run(table, date(2022, 3, 2), dest="KZ", end_user=None)) == []


def test_russia_military_end_user_rule_reaches_ear99() -> None:
    ear99 = ("CASE", 1, 1.0, "CN", "EAR99", "3E991", False, "Fab", "X")
    assert caught(run(bom(ear99), date(2022, 2, 23), dest="KZ", end_user="Argut OOO")) == []
    assert caught(run(bom(ear99), date(2022, 2, 24), dest="KZ", end_user="Argut OOO")) == [
        ("CASE", "meu-2022", "direct_product")
    ]


# ---------------------------------------------------------------- (h) advanced computing
def test_advanced_computing_rule_by_period() -> None:
    gpu = ("GPU", 1, 900.0, "TW", "3A090.a", "3E001", True, "Fab", "X")
    table = bom(gpu, product_eccn="4A090.a")
    cases = {
        (date(2022, 10, 20), "CN"): [],
        (date(2022, 10, 21), "CN"): ["ac-2022-10"],
        (date(2023, 1, 17), "MO"): [],
        (date(2023, 1, 18), "MO"): ["ac-2023-01"],
        (date(2023, 11, 17), "MO"): ["ac-2023-11"],
        (date(2023, 11, 17), "DE"): [],
        (date(2025, 1, 13), "DE"): ["ac-2025-01"],
    }
    for (day, dest), want in cases.items():
        got = sorted(
            {e["rule_id"] for e in run(table, day, dest=dest, end_user=None).products[0].fdpr}
        )
        assert got == want, (day, dest)


# ---------------------------------------------------------------- (k) contains-IC route
def test_sme_rule_contains_ic_route_and_assembly_rollup() -> None:
    rows = [
        (0, "TOOL", 1, None, "JP", "3B001.c", "none", False, "Tool Co.", "Tool Co."),
        (1, "CTRL", 2, None, "JP", "EAR99", "none", False, "Tool Co.", "Tool Co."),
        (2, "MCU", 1, 4.0, "TW", "3A991", "none", True, "Fab", "X"),
        (2, "RES", 10, 0.1, "JP", "EAR99", "none", False, "Kansai", "Kansai"),
    ]
    table = indented(rows, fields=FIELDS)
    r = bomtrace.analyze(table, destinations=["CN"], as_of=date(2024, 12, 2))
    got = {(e["part_number"], e["rule_id"], e["prong"]) for e in r.products[0].fdpr}
    assert ("TOOL", "sme-2024-12", "contains_ic") in got
    before = bomtrace.analyze(table, destinations=["CN"], as_of=date(2024, 12, 1))
    assert before.products[0].fdpr == []


def test_per_assembly_counts_and_values() -> None:
    rows = [
        (0, "P", 1, None, "CN", "5A991", "none", False, "CM", "CM"),
        (1, "MOD", 2, None, "CN", "5A991", "none", False, "CM", "CM"),
        (2, "LD", 3, 9.5, "TW", "3A991", "3D991", True, "TSMC", "X"),
        (2, "LENS", 1, 3.0, "JP", "EAR99", "none", False, "K", "K"),
        (1, "SOC", 1, 100.0, "TW", "5A991", "3D991", True, "TSMC", "X"),
    ]
    r = run(indented(rows, fields=FIELDS), date(2020, 8, 17))
    s = r.products[0].fdpr_summary
    assert s is not None
    assert s["assemblies"] == [
        {"part_number": "MOD", "caught_units": 3.0, "caught_value": 28.5, "total_cost": 31.5}
    ]
    assert (s["caught_parts"], s["caught_units"], s["caught_value"]) == (2, 7.0, 157.0)
    ld = [e for e in r.products[0].fdpr if e["part_number"] == "LD"][0]
    assert (ld["quantity"], ld["value"]) == (6.0, 57.0)


def test_summary_lists_rules_and_what_is_not_modelled() -> None:
    r = run(bom(CLEAN), date(2020, 8, 17))
    s = r.products[0].fdpr_summary
    assert s is not None
    assert [(x["id"], x["scope"]) for x in s["rules"]] == [
        ("ns-gp3", "yes"),
        ("fn1-2020-08", "yes"),
    ]
    assert s["status"] == "assessed"
    assert any("Iran" in n for n in s["not_modelled"])


def test_unreadable_screening_list_is_raised_from_the_fdpr_run(
    write_csv: Callable[..., Path],
) -> None:
    # the FDPR analysis runs beside the de minimis one; its errors still reach the caller
    from bomtrace.errors import InputError

    bad = write_csv("bad.csv", "entity,country\nX,CN\n")
    with pytest.raises(InputError, match="no 'name' column"):
        bomtrace.analyze(
            bom(HUAWEI_SOC), destinations=["CN"], as_of=date(2020, 8, 17), screening_lists=[bad]
        )


def test_fdpr_issues_over_the_cap_join_the_analysis_count() -> None:
    from bomtrace.io import ReadOptions

    parts = [(f"X{i}", 1, 1.0, "CN", "EAR99", None, None, f"Maker {i}", None) for i in range(4)]
    r = bomtrace.analyze(
        bom(*parts), destinations=["CN"], as_of=date(2020, 8, 17), end_user=HUAWEI,
        read=ReadOptions(limit_issues=2),
    )  # fmt: skip
    missing = [i for i in r.issues if i.code.value == "fdpr-evidence-missing"]
    listed = [i for i in missing if i.data.get("omitted") is None]
    summary = [i for i in missing if i.data.get("omitted") is not None]
    assert len(listed) == 2
    assert [(s.data["count"], s.data["omitted"]) for s in summary] == [(4, 2)]  # one per part
