"""Golden JSON for the shipped samples, and indented ≡ parent-child on the same data.

Regenerate (only when a change is intended) with::

    BOMTRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

import bomtrace

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = date(2020, 8, 17)
SCENARIOS = ["proposed-2020-huawei-10pct", "count-patents"]
SAMPLES = {
    "p30pro": (
        "samples/p30pro.xlsx",
        ["samples/parent-child/p30pro_edges.csv", "samples/parent-child/p30pro_parts.csv"],
    ),
    "ru5g64t": (
        "samples/ru5g64t.xlsx",
        ["samples/parent-child/ru5g64t_edges.csv", "samples/parent-child/ru5g64t_parts.csv"],
    ),
    "rtr_e200": (
        "samples/rtr_e200.xlsx",
        ["samples/parent-child/rtr_e200_edges.csv", "samples/parent-child/rtr_e200_parts.csv"],
    ),
}


def _run(paths: str | list[str]) -> dict:
    r = bomtrace.analyze(paths, as_of=AS_OF, scenarios=SCENARIOS)
    return json.loads(json.dumps(r.to_dict(), ensure_ascii=False))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    got = _run(SAMPLES[name][0])
    path = GOLDEN / f"{name}.json"
    if os.environ.get("BOMTRACE_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_indented_and_parent_child_samples_agree(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    ind = _run(SAMPLES[name][0])
    pc = _run(SAMPLES[name][1])
    assert ind["products"] == pc["products"]
    assert ind["assemblies"] == pc["assemblies"]
    assert sorted(i["code"] for i in ind["issues"]) == sorted(i["code"] for i in pc["issues"])


def test_phone_matches_the_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    p = _run(SAMPLES["p30pro"][0])["products"][0]
    assert (p["total_cost"], p["us_origin_value"]) == (363.83, 59.36)
