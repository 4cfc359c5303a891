"""The rules as of a date (issue 19): CCL entries added later are unknown before their date,
destination scopes follow the change log, results name their limits, and
``bomtrace rules --changes`` lists what changed between two dates and what it touches in a BOM.

Expectations cite the rule each rests on (ccl_changes.toml / changes.toml hold the sources).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace import rule_changes
from bomtrace.cli import cli
from bomtrace.errors import RulesetError, UsageError
from bomtrace.rules import load_ruleset
from bomtrace.rules.ccl_dated import parse_ccl_changes
from bomtrace.rules.load import load_data

GPU_BOM = (
    "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
    "0,SERVER-1,,,TW,\n"
    "1,GPU-US,1,40,US,3A090.a\n"
    "1,BOARD,1,60,TW,EAR99\n"
)


def _decide(eccn: str, dest: str, day: str) -> tuple[str, list[str]]:
    rs = load_ruleset(day)
    d = rs.control(eccn, rs.destination(dest))
    return d.status, [x.id for x in d.limits]


# 87 FR 62186 (eff. 2022-10-21 for 3A090): RS to China; 88 FR 2821 (eff. 2023-01-17): + Macau;
# 88 FR 73458 (eff. 2023-11-17): D:1/D:4/D:5 and Macau except A:5/A:6; 90 FR 4544
# (eff. 2025-01-13): 3A090.a worldwide, compliance 2025-05-15, not enforced from 2025-05-13.
@pytest.mark.parametrize(
    ("day", "dest", "status"),
    [
        ("2022-10-20", "CN", "unknown"),  # the entry did not exist yet
        ("2022-10-21", "CN", "controlled"),
        ("2022-10-21", "MO", "not-controlled"),
        ("2023-01-16", "MO", "not-controlled"),
        ("2023-01-17", "MO", "controlled"),
        ("2023-11-16", "SA", "not-controlled"),  # Saudi Arabia: D:4, not A:5/A:6
        ("2023-11-17", "SA", "controlled"),
        ("2025-01-12", "DE", "not-controlled"),
        ("2025-01-13", "DE", "controlled"),
    ],
)
def test_3a090a_licence_scope_follows_its_rules(day: str, dest: str, status: str) -> None:
    assert _decide("3A090.a", dest, day)[0] == status


def test_an_entry_added_later_is_unknown_and_says_when_it_was_added() -> None:
    rs = load_ruleset("2021-06-01")
    d = rs.control("3A090.a", rs.destination("CN"))
    assert d.status == "unknown"
    assert "added to the CCL on 2022-10-21" in d.reason and "2021-06-01" in d.reason
    assert [x.kind for x in d.limits] == ["not-modelled"]


def test_a_paragraph_added_later_is_unknown_before_its_date() -> None:
    # 3A090.c (HBM) was added by 89 FR 96790, effective 2024-12-02
    assert _decide("3A090.c", "CN", "2024-12-01")[0] == "unknown"
    assert _decide("3A090.c", "CN", "2024-12-02")[0] == "controlled"
    # the .z paragraphs came with 88 FR 73458 (2023-11-17)
    assert _decide("5A992.z.1", "CN", "2023-11-16")[0] == "unknown"
    assert _decide("5A992.z.1", "CN", "2023-11-17")[0] == "controlled"


def test_a_worldwide_scope_bis_does_not_enforce_is_a_note_not_silent() -> None:
    status, limits = _decide("3A090.a", "DE", "2025-06-01")
    assert status == "controlled"
    assert "note:CCL 3A090.a RS" in limits


def test_an_unsure_scope_marks_the_decision() -> None:
    status, limits = _decide("3A090.a", "CN", "2024-06-01")
    assert status == "controlled" and "unsure:CCL 3A090.a RS" in limits


def test_a_full_embargo_is_not_blocked_by_a_later_entry() -> None:
    # Cuba: every item subject to the EAR needs a licence (746.2), whatever the ECCN
    assert _decide("3A090.a", "CU", "2021-06-01")[0] == "controlled"


def test_the_change_log_is_checked_against_the_snapshot() -> None:
    ccl = load_data().ccl
    with pytest.raises(RulesetError, match="not in the snapshot CCL"):
        parse_ccl_changes(
            {"eccn_added": [{"eccn": "9Z999", "effective": "2020-01-01", "citation": "x",
                             "source": "x"}]},
            ccl,
        )  # fmt: skip
    with pytest.raises(RulesetError, match="exactly one must match"):
        parse_ccl_changes(
            {"control_scope": [{"eccn": "3A090", "reason": "NS", "paragraphs": ["a"],
                                "dest_scope": {"all": True}, "citation": "x", "source": "x"}]},
            ccl,
        )  # fmt: skip


def _analyze(tmp_path: Path, day: str, *dests: str) -> dict:
    path = tmp_path / "gpu.csv"
    path.write_text(GPU_BOM, encoding="utf-8")
    args = ["analyze", str(path), "--as-of", day, "--format", "json"]
    for d in dests:
        args += ["-d", d]
    return json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)


def test_results_before_the_entry_existed_are_bounded_and_flagged(tmp_path: Path) -> None:
    doc = _analyze(tmp_path, "2021-06-01", "CN")
    cell = doc["products"][0]["destinations"][0]
    assert cell["verdict"] == "undetermined"  # 0 % low, 40 % high against 25 %
    assert "not-modelled:CCL 3A090" in cell["limits"]
    ids = {x["id"] for x in doc["ruleset"]["limits"]}
    assert set(cell["limits"]) <= ids
    assert any(i["code"] == "eccn-not-on-date" for i in doc["issues"])


def test_every_result_before_the_snapshot_names_the_ccl_limit(tmp_path: Path) -> None:
    doc = _analyze(tmp_path, "2023-06-01", "CN", "DE")
    for cell in doc["products"][0]["destinations"]:
        assert "not-modelled:CCL amendments" in cell["limits"]
    doc = _analyze(tmp_path, "2026-08-01", "CN")  # after the snapshot: no CCL limit
    assert "not-modelled:CCL amendments" not in doc["products"][0]["destinations"][0].get(
        "limits", []
    )


def test_a_limit_of_a_part_reaches_only_the_products_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        GPU_BOM + "0,PLAIN-1,,,TW,\n1,RES-US,1,10,US,EAR99\n1,CASE,1,90,TW,EAR99\n",
        encoding="utf-8",
    )
    args = ["analyze", str(path), "--as-of", "2021-06-01", "-d", "CN", "--format", "json"]
    doc = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)
    by = {p["part_number"]: p["destinations"][0] for p in doc["products"]}
    assert "not-modelled:CCL 3A090" in by["SERVER-1"]["limits"]
    assert "not-modelled:CCL 3A090" not in by["PLAIN-1"]["limits"]


def test_the_affiliates_rule_is_stated_by_date() -> None:
    def fdpr(day: str) -> list[str]:
        return load_ruleset(day).fdpr_limits()

    assert not any("Affiliates" in x for x in fdpr("2025-09-28"))
    assert any(x.startswith("Affiliates rule: In force") for x in fdpr("2025-09-29"))
    assert any(x.startswith("[note] Affiliates rule: Suspended") for x in fdpr("2025-11-10"))
    assert any("Scheduled to apply again" in x for x in fdpr("2026-11-10"))


def test_rule_changes_lists_both_sides_of_a_date() -> None:
    r = rule_changes("2021-01-13", "2021-01-14")
    assert {c.change for c in r.changes} >= {
        "SD left Country Group E:1",
        "SD joined Country Group B",
    }
    # a change on the first date is already in force then: not listed
    later = rule_changes("2021-01-14", "2021-02-01").changes
    assert all(c.day > date(2021, 1, 14) for c in later)
    assert not any(c.change.startswith("SD ") for c in later)
    gpu = rule_changes("2022-10-20", "2022-10-21").changes
    assert any(c.change == "3A090 added to the CCL" and c.eccns == ("3A090",) for c in gpu)


def test_rule_changes_refuses_dates_out_of_order() -> None:
    with pytest.raises(UsageError, match="must be before"):
        rule_changes("2022-01-01", "2021-01-01")


def test_rule_changes_with_a_bom_names_flips_and_parts(tmp_path: Path) -> None:
    path = tmp_path / "gpu.csv"
    path.write_text(GPU_BOM, encoding="utf-8")
    args = ["rules", "--changes", "--from", "2024-06-01", "--to", "2025-02-01", str(path)]
    args += ["-d", "DE", "--format", "json"]
    doc = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)
    flip = doc["bom"]["verdicts"][0]
    assert (flip["country"], flip["verdict_from"], flip["verdict_to"]) == (
        "DE",
        "not-subject",
        "subject",
    )
    part = doc["bom"]["parts"][0]
    assert part["parts"] == ["GPU-US"] and part["to"]["status"] == "controlled"
    assert any("3A090.a RS reaches all destinations" in c for c in part["changes"])
    text = CliRunner().invoke(cli, args[:-2], catch_exceptions=False).stdout
    assert "FLIPS" in text and "GPU-US" in text


def test_rules_changes_needs_both_dates() -> None:
    res = CliRunner().invoke(cli, ["rules", "--changes", "--from", "2024-01-01"])
    assert res.exit_code == 2 and "--to" in res.output
    res = CliRunner().invoke(cli, ["rules", "--from", "2024-01-01"])
    assert res.exit_code == 2 and "--changes" in res.output


# Russia in D:5 from 2021-03-18 (ITAR 126.1 listing, 86 FR 14802) [unsure]: US "600 series"
# .a-.x content then has no de minimis level for Russia (734.4(a)(6)(i)).
def test_russia_joins_d5_and_600_series_content_loses_its_de_minimis_level(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ru.csv"
    path.write_text(
        "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
        "0,RADIO-1,,,DE,\n1,MIL-US,1,1,US,9A610.a\n1,BODY,1,99,DE,EAR99\n",
        encoding="utf-8",
    )

    def cell(day: str) -> dict:
        args = ["analyze", str(path), "--as-of", day, "-d", "RU", "--format", "json"]
        doc = json.loads(CliRunner().invoke(cli, args, catch_exceptions=False).stdout)
        return doc["products"][0]["destinations"][0]

    before, after = cell("2021-03-17"), cell("2021-03-18")
    assert (before["verdict"], before["basis"]) == ("not-subject", "de-minimis")  # 1% <= 25%
    assert (after["verdict"], after["basis"]) == ("subject", "zero-de-minimis")
    assert "unsure:Country Group D:5 (RU)" in after["limits"]
    assert "unsure:Country Group D:5 (RU)" in before["limits"]  # the date itself is unsure
