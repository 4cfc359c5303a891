"""The 2020 story in one command: samples/basestation_2020.xlsx with --end-user "Huawei
Technologies" gives three different answers on 2020-05-14, 2020-05-15 and 2020-08-17.

The golden file holds, per date, the exit code, the de minimis verdicts and the FDPR part of the
JSON. Regenerate (only when a change is intended) with::

    BOMTRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_fdpr_sample.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import bomtrace
from bomtrace.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "samples/basestation_2020.xlsx"
GOLDEN = Path(__file__).resolve().parent / "golden" / "basestation_2020_fdpr.json"
DATES = ("2020-05-14", "2020-05-15", "2020-08-17")
END_USER = "Huawei Technologies"


def _fdpr_view(d: dict[str, Any], exit_code: int) -> dict[str, Any]:
    p = d["products"][0]
    return {
        "exit_code": exit_code,
        "verdicts": {x["country"]: x["verdict"] for x in p["destinations"]},
        "fdpr": p["fdpr"],
        "fdpr_summary": p["fdpr_summary"],
        "fdpr_run": d["fdpr"],
        "issues": [
            (i["code"], i["row"], i["part_number"])
            for i in d["issues"]
            if i["code"].startswith(("fdpr", "party"))
        ],
    }


def _run(day: str) -> dict[str, Any]:
    r = bomtrace.analyze(
        SAMPLE, destinations=["CN"], as_of=date.fromisoformat(day), end_user=END_USER
    )
    return json.loads(json.dumps(_fdpr_view(r.to_dict(), r.exit_code), ensure_ascii=False))


def test_three_dates_three_answers_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    got = {day: _run(day) for day in DATES}
    if os.environ.get("BOMTRACE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    caught = {day: sorted({e["part_number"] for e in _run(day)["fdpr"]}) for day in DATES}
    assert caught == {
        "2020-05-14": [],
        "2020-05-15": ["HI-SOC-7"],  # Huawei-designed only
        "2020-08-17": ["DRAM-8G", "HI-SOC-7", "LD-DRV", "RF-ASIC-28"],
    }
    may = _run("2020-05-15")
    assert may["verdicts"] == {"CN": "not-subject"}  # 0 % de minimis, still caught by FDPR
    assert [e["rule"] for e in may["fdpr"]] == ["736.2(b)(3)(vi)"]


@pytest.mark.parametrize(("day", "code"), [("2020-05-14", 0), ("2020-05-15", 1), ("2020-08-17", 1)])
def test_cli_exit_codes(monkeypatch: pytest.MonkeyPatch, day: str, code: int) -> None:
    monkeypatch.chdir(ROOT)
    res = CliRunner().invoke(
        cli, ["analyze", SAMPLE, "-d", "CN", "--as-of", day, "--end-user", END_USER, "-q"]
    )
    assert res.exit_code == code, res.output
    assert "Foreign Direct Product rules" in res.output
    assert ("CAUGHT" in res.output) == (code == 1)


def test_producer_table_settles_the_power_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    base = dict(destinations=["CN"], as_of=date(2020, 8, 17), end_user=END_USER)
    without = bomtrace.analyze(SAMPLE, **base).products[0].fdpr_summary  # type: ignore[arg-type]
    with_table = (
        bomtrace.analyze(
            SAMPLE,
            producers="samples/basestation_2020_producers.csv",
            **base,  # type: ignore[arg-type]
        )
        .products[0]
        .fdpr_summary
    )
    assert without is not None and with_table is not None
    assert [u["part_number"] for u in without["unresolved"]] == ["PWR-48"]
    assert with_table["unresolved"] == []
    assert with_table["caught_parts"] == without["caught_parts"] == 4


def test_sample_builder_is_deterministic(tmp_path: Path) -> None:
    script = ROOT / "samples" / "build_fdpr_sample.py"
    copy = tmp_path / "build_fdpr_sample.py"
    copy.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    for name in ("basestation_2020.xlsx", "basestation_2020_producers.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "samples" / name).read_bytes(), name


def test_fdpr_beside_the_de_minimis_analysis_equals_it_run_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # bomtrace.analyze runs the FDPR analysis on a thread; run in the calling thread after
    # the de minimis analysis (as attach_fdpr does), the document is the same
    import bomtrace.fdpr as fdpr

    def run() -> bytes:
        r = bomtrace.analyze(
            str(ROOT / SAMPLE), destinations=["CN", "DE"], as_of=date(2020, 8, 17),
            end_user=END_USER,
        )  # fmt: skip
        return r.to_json()

    beside = run()
    start = fdpr.start_fdpr
    monkeypatch.setattr(fdpr, "start_fdpr", lambda *a, **k: start(*a, **{**k, "background": False}))
    assert run() == beside
