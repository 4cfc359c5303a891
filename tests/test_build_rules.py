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


def _script() -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_rules", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize(
    ("eccn", "text", "paragraphs", "excepted", "conditional"),
    [
        ("3A001", "RS applies to 3A001.z.1.a, z.2.a, z.3.a, z.4.a",
         ["z.1.a", "z.2.a", "z.3.a", "z.4.a"], [], False),
        ("3B001", "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j",
         ["a.1", "a.2", "a.3", "b", "e", "f.2", "f.3", "f.4", "g", "h", "i", "j"], [], False),
        ("4A003", "NS applies to 4A003.b, .c, and .z.1", ["b", "c", "z.1"], [], False),
        ("0A504", "FC applies to paragraphs .a, .b, and .i of this entry",
         ["a", "b", "i"], [], False),
        ("5A001", "NS applies to 5A001.b (except .b.5), .c, .f (except f.3), and .j",
         ["b", "c", "f", "j"], ["b.5", "f.3"], False),
        ("3A001", "NS applies to MMIC amplifiers in 3A001.b.2 and discrete microwave transistors "
         "in 3A001.b.3, except those for use in civil telecommunications applications",
         ["b.2", "b.3"], [], True),
        ("9A515", "MT applies to microcircuits in 9A515.d when usable in missiles. MT also "
         "applies to 9A515.h when the total impulse capacity is large", ["d", "h"], [], True),
        ("1C353", "CB applies to genetic elements of items controlled by 1C351.d.15 and .16",
         [], [], True),
    ],
)  # fmt: skip
def test_parse_paragraphs(
    eccn: str, text: str, paragraphs: list[str], excepted: list[str], conditional: bool
) -> None:
    got = _script().parse_paragraphs(eccn, text)  # type: ignore[attr-defined]
    assert (got[0], got[1], got[2] is not None) == (paragraphs, excepted, conditional)


@pytest.mark.parametrize(
    ("chart", "expected"),
    [
        ("China, Russia, or Venezuela (see § 742.6(a)(7)).", {"countries": ["CN", "RU", "VE"]}),
        ("Worldwide control. See § 742.4(a)(5) of the EAR.", {"all": True}),
        ("A license is required for ALL destinations, except Canada, regardless of end use.",
         {"all": True, "except_countries": ["CA"]}),
        ("To or within the United Arab Emirates or destinations specified in Country Groups "
         "D:1, D:4, and D:5 of supplement no. 1 to part 740 of the EAR, excluding any "
         "destination also specified in Country Groups A:5 or A:6. See § 742.6(a)(6)(iii)(B).",
         {"groups": ["D:1", "D:4", "D:5"], "countries": ["AE"], "except_groups": ["A:5", "A:6"]}),
        ("To or within Macau or a destination specified in Country Group D:5 of supplement "
         "no. 1 to part 740 of the EAR.", {"groups": ["D:5"], "countries": ["MO"]}),
        ("See § 746.1(b) for UN controls.", None),
        ("Refer to § 742.15 of the EAR.", None),
    ],
)  # fmt: skip
def test_parse_dest_scope(chart: str, expected: dict[str, object] | None) -> None:
    got = _script().parse_dest_scope(chart)  # type: ignore[attr-defined]
    if expected is None:
        assert got is None
    else:
        base = {"all": False, "groups": [], "countries": [], "except_groups": [],
                "except_countries": []}  # fmt: skip
        assert got == {**base, **expected}


def test_regions_of_ukraine_are_generated() -> None:
    countries = json.loads((DATA / "countries.json").read_text("utf-8"))["countries"]
    chart = json.loads((DATA / "country_chart.json").read_text("utf-8"))
    for code in ("UA-43", "UA-14", "UA-09"):
        assert countries[code]["region_of"] == "UA"
        assert chart["inherits"][code] == "UA"
