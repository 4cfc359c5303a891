"""Tests for bomtrace/rules/fdp.py and scripts/build_fdp_rules.py: dated FDP rule forms as data."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bomtrace.rules.fdp import fdp_rule, fdp_rules_in_force, load_fdp_data

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_fdp_rules.py"
REFERENCE = ROOT.parent / "shared" / "reference"
DATA = ROOT / "bomtrace" / "rules" / "data"
GENERATED = ["fdp_rules.json", "entity_list_extract.json"]

needs_reference = pytest.mark.skipif(
    not (REFERENCE / "fdp-rules.json").exists(), reason=f"reference data not at {REFERENCE}"
)


def _ids(day: date, rule: str) -> list[str]:
    return [v.id for v in fdp_rules_in_force(day) if v.rule == rule]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 5, 14), []),
        (date(2020, 5, 15), ["fn1-2020-05"]),
        (date(2020, 8, 16), ["fn1-2020-05"]),
        (date(2020, 8, 17), ["fn1-2020-08"]),
        (date(2022, 2, 2), ["fn1-2020-08"]),
        (date(2022, 2, 3), ["fn1-2022-02-03"]),
        (date(2022, 2, 23), ["fn1-2022-02-03"]),
        (date(2022, 2, 24), ["fn1-2022-02-24"]),
        (date(2024, 12, 1), ["fn1-2022-02-24"]),
        (date(2024, 12, 2), ["fn1-2024-12"]),
        (date(2026, 7, 23), ["fn1-2024-12"]),
    ],
)
def test_footnote1_form_in_force(day: date, expected: list[str]) -> None:
    assert _ids(day, "entity_list_fn1") == expected


def test_may_and_august_2020_forms_differ_as_documented() -> None:
    may, aug = fdp_rule("fn1-2020-05"), fdp_rule("fn1-2020-08")
    assert may.paragraph == aug.paragraph == "736.2(b)(3)(vi)"
    assert may.direct_product.designed_by_footnote == 1
    assert may.plant.designed_by_footnote == 1
    assert aug.direct_product.designed_by_footnote is None
    assert may.scope.roles == ("end_user",)
    assert aug.scope.roles == ("end_user", "party")
    assert len(aug.direct_product.inputs) == 16
    assert aug.direct_product.inputs == aug.plant.inputs == may.direct_product.inputs
    assert (aug.direct_product.origin, aug.plant.origin) == ("subject to the EAR", "US-origin")
    assert "85 FR 29849" in may.source and "85 FR 51596" in aug.source


def test_plant_prong_origin_gap_in_february_2022() -> None:
    assert fdp_rule("fn1-2022-02-03").plant.origin == "subject to the EAR"
    assert fdp_rule("fn1-2022-02-24").plant.origin == "US-origin"


def test_current_list_has_24_eccns_and_fn4_adds_5x002() -> None:
    fn1, fn4 = fdp_rule("fn1-2024-12"), fdp_rule("fn4-2024-12")
    assert len(fn1.direct_product.inputs) == 24
    assert fn4.direct_product.inputs == fn1.direct_product.inputs | {"5D002", "5E002"}
    assert {"3D993", "3E994"} <= fn1.direct_product.inputs
    assert not {"3D993", "3E994"} & fdp_rule("fn1-2020-08").direct_product.inputs


@pytest.mark.parametrize(
    ("rule", "before", "first"),
    [
        ("entity_list_fn4", date(2022, 10, 20), date(2022, 10, 21)),
        ("russia_belarus_crimea", date(2022, 2, 23), date(2022, 2, 24)),
        ("russia_belarus_meu", date(2022, 2, 23), date(2022, 2, 24)),
        ("advanced_computing", date(2022, 10, 20), date(2022, 10, 21)),
        ("sme", date(2024, 12, 1), date(2024, 12, 2)),
    ],
)
def test_rules_start_on_their_effective_date(rule: str, before: date, first: date) -> None:
    assert _ids(before, rule) == []
    assert _ids(first, rule)


def test_national_security_rule_moves_to_734_9() -> None:
    assert [
        v.paragraph for v in fdp_rules_in_force(date(2020, 8, 17)) if v.rule == "national_security"
    ] == ["736.2(b)(3)"]
    assert [
        v.paragraph for v in fdp_rules_in_force(date(2022, 2, 3)) if v.rule == "national_security"
    ] == ["734.9(b)"]


def test_every_form_cites_a_source_and_not_modelled_rules_are_listed() -> None:
    data = load_fdp_data()
    assert all(v.citation and v.source for v in data.versions)
    assert any("(l)" in n for n in data.not_modelled)
    assert data.data_version.startswith("ecfr-2026-07-23+fdp-")


@needs_reference
def test_build_is_deterministic_and_matches_checked_in_data(tmp_path: Path) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, str(SCRIPT), "--reference", str(REFERENCE), "--out", str(out)],
            check=True,
            capture_output=True,
        )
        outs.append(out)
    for name in GENERATED:
        data = (outs[0] / name).read_bytes()
        assert data == (outs[1] / name).read_bytes()
        assert data == (DATA / name).read_bytes(), f"{name} is stale: run build_fdp_rules.py"


@needs_reference
def test_build_fails_loudly_when_a_rule_disappears(tmp_path: Path) -> None:
    ref = json.loads((REFERENCE / "fdp-rules.json").read_text("utf-8"))
    ref["rules"] = [r for r in ref["rules"] if r["id"] != "entity_list_fn1"]
    (tmp_path / "fdp-rules.json").write_text(json.dumps(ref), encoding="utf-8")
    (tmp_path / "entity-list.json").write_bytes((REFERENCE / "entity-list.json").read_bytes())
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "entity_list_fn1" in run.stderr


def test_extract_is_small_and_keeps_the_huawei_rows() -> None:
    doc = json.loads((DATA / "entity_list_extract.json").read_text("utf-8"))
    names = [e["name"] for e in doc["entries"]]
    assert len(names) < 200
    assert "Huawei Technologies Co., Ltd. (Huawei)" in names
    assert "HiSilicon Technologies Co., Ltd (HiSilicon)" in names
    assert {n for e in doc["entries"] for n in e["fdp_footnotes"]} == {1, 3, 4, 5}
    assert doc["header"]["generated_by"] == "scripts/build_fdp_rules.py"
