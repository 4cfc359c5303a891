"""Tests for scripts/build_rules.py: deterministic output equal to the checked-in data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_rules.py"
REFERENCE = ROOT.parent / "shared" / "reference"
DATA = ROOT / "bomtrace" / "rules" / "data"
GENERATED = ["countries.json", "country_chart.json", "country_groups.json", "ccl.json"]

needs_reference = pytest.mark.skipif(
    not (REFERENCE / "ccl.json").exists(), reason=f"reference data not present at {REFERENCE}"
)


def _build(out: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(REFERENCE), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )


@needs_reference
def test_build_is_deterministic_and_matches_checked_in_data(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _build(first)
    _build(second)
    for name in GENERATED:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), f"{name} differs between two runs"
        assert data == (DATA / name).read_bytes(), (
            f"checked-in {name} is stale: run python scripts/build_rules.py"
        )
    assert sorted(p.name for p in first.iterdir()) == sorted(GENERATED)


@needs_reference
def test_build_fails_loudly_on_unmapped_country(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    ref.mkdir()
    for name in ("country-groups.json", "ccl.json"):
        (ref / name).write_bytes((REFERENCE / name).read_bytes())
    chart = json.loads((REFERENCE / "country-chart.json").read_text("utf-8"))
    chart["countries"]["Atlantis"] = {"marks": ["CB 1"], "footnotes": []}
    (ref / "country-chart.json").write_text(json.dumps(chart), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(ref), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "Atlantis" in run.stderr


@pytest.mark.parametrize("name", GENERATED)
def test_generated_files_carry_provenance_header(name: str) -> None:
    header = json.loads((DATA / name).read_text("utf-8"))["header"]
    assert header["ecfr_issue_date"] == "2026-07-23"
    assert header["generated_by"] == "scripts/build_rules.py"
    assert header["source"].startswith("15 CFR Part 7")
    assert header["source_url"].startswith("https://www.ecfr.gov/api/versioner/v1/full/2026-07-23/")
    assert "seelpeed-debug/export-controls-agent-mcp" in header["note"]
    assert "not re-checked" in header["note"]


def test_merged_entries_restored() -> None:
    ccl = json.loads((DATA / "ccl.json").read_text("utf-8"))
    entries = ccl["entries"]
    for eccn in ("3E002", "0D614", "2B352"):
        assert entries[eccn]["controls"], eccn
    assert entries["3E001"]["reasons"] == "NS, MT, NP, RS, AT"
    assert "License Requirements" not in entries["3E001"]["heading"]
    assert all(len(e["heading"]) <= 200 for e in entries.values())
    assert {c["eccn"] for c in ccl["corrections"]} == {"3E001", "0D606", "2B351"}


def test_column_parsing() -> None:
    entries = json.loads((DATA / "ccl.json").read_text("utf-8"))["entries"]
    ns = [c for c in entries["3A001"]["controls"] if c["column"] == "NS 2"]
    assert ns and ns[0]["scope"] == "entire"
    worldwide = [c for c in entries["5A992"]["controls"] if c["reason"] == "RS"]
    assert worldwide and all(c["column"] is None for c in worldwide)
    y_controls = [c for c in entries["9A515"]["controls"] if c["column"] == "NS 1"]
    assert y_controls[0]["except"] == ["e", "x", "y"]
    assert [c["column"] for c in entries["1A231"]["controls"]] == ["NP 1", "AT 1"]  # split row
