"""A verdict with no de minimis level (15 CFR 734.4(a)) says so: no ratio comparison, no
threshold, no headroom (issue 19: it printed "1.00% > 25%" and a headroom)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bomtrace.cli import cli

BOM = (
    "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
    "0,SAT-1,,,DE,\n"
    "1,SPACE-PART,1,1,US,9A515.x\n"
    "1,BODY,1,99,DE,EAR99\n"
)


def _run(tmp_path: Path, *fmt: str) -> str:
    path = tmp_path / "sat.csv"
    path.write_text(BOM, encoding="utf-8")
    args = ["analyze", str(path), "-d", "CN", "-d", "FR", "--as-of", "2024-01-01", *fmt]
    return CliRunner().invoke(cli, args, catch_exceptions=False).stdout


def test_no_de_minimis_level_has_no_headroom_and_says_why(tmp_path: Path) -> None:
    doc = json.loads(_run(tmp_path, "--format", "json"))
    by = {d["country"]: d for d in doc["products"][0]["destinations"]}
    assert by["CN"]["verdict"] == "subject" and by["CN"]["basis"] == "zero-de-minimis"
    assert by["CN"]["headroom"] is None
    assert by["FR"]["headroom"] == 25.0  # the de minimis ratio decides France: headroom kept
    finding = next(i for i in doc["issues"] if i["code"] == "de-minimis-exceeded")
    assert "no de minimis level" in finding["message"] and "1.00% > 25%" not in finding["message"]


def test_the_table_shows_no_threshold_for_it(tmp_path: Path) -> None:
    line = next(x for x in _run(tmp_path).splitlines() if x.strip().startswith("CN"))
    assert "none" in line and "25.00%" not in line
