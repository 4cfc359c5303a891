"""The generated tables on the dates the Federal Register changed them (issue 19), kept as a
golden file so that any change to the dated data shows up in review as a diff of what the
rules say on those dates. The expected values were checked by hand against the FR rules cited
in the data (changes.toml, ccl_changes.toml) and the dated case suite; regenerate with

    BOMTRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_rules_on_issue_dates.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bomtrace.rules import load_ruleset

GOLDEN = Path(__file__).resolve().parent / "golden" / "rules_on_issue_dates.json"
DATES = (
    "2019-05-16", "2020-05-15", "2020-08-17", "2021-03-18", "2022-02-24", "2022-10-07",
    "2023-11-17", "2024-12-02", "2025-01-13",
)  # fmt: skip
DESTINATIONS = ("CN", "MO", "RU", "BY", "VE", "YE", "SD", "CU", "IR", "GB", "AU", "AE", "SA",
                "KH", "NI", "UA", "DE")  # fmt: skip
ECCNS = ("3A090.a", "3A090.b", "3A090.c", "4A090.a", "3A001.z.1.a", "5A992.z.1", "9A610.y.1",
         "3B001.c.1.a", "3B001.c.2", "3A991", "5A992.c", "EAR99")  # fmt: skip


def _tables(day: str) -> dict[str, Any]:
    rs = load_ruleset(day)
    out: dict[str, Any] = {}
    for code in DESTINATIONS:
        d = rs.destination(code)
        out[code] = {
            "groups": sorted(d.groups),
            "chart_marks": sorted(d.chart_marks),
            "threshold": d.threshold,
            "embargo": d.embargo,
            "embargo_categories": sorted(d.embargo_categories),
            "listed_ear99": d.listed_ear99 is not None,
            "zero_de_minimis": sorted(z.paragraph for z in rs.zero_de_minimis(d)),
            "controls": {e: rs.control(e, d).status for e in ECCNS},
            "limits": [x.id for x in rs.limits(d)],
        }
    return out


def test_tables_on_the_dates_the_rules_changed() -> None:
    got = {day: _tables(day) for day in DATES}
    if os.environ.get("BOMTRACE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_spot_checks_against_the_federal_register() -> None:
    got = {day: _tables(day) for day in ("2020-08-17", "2022-10-07", "2025-01-13")}
    # 85 FR 10274 (2020-02-24): Russia out of A:2/A:4, into D:2/D:4
    assert {"D:2", "D:4"} <= set(got["2020-08-17"]["RU"]["groups"])
    assert "A:2" not in got["2020-08-17"]["RU"]["groups"]
    # 87 FR 62186: 3A090 took effect 2022-10-21, so on 2022-10-07 it is not on the CCL
    assert got["2022-10-07"]["CN"]["controls"]["3A090.a"] == "unknown"
    # 90 FR 4544 (2025-01-13): 3A090.a worldwide; .b keeps the D:1/D:4/D:5 scope
    assert got["2025-01-13"]["DE"]["controls"]["3A090.a"] == "controlled"
    assert got["2025-01-13"]["DE"]["controls"]["3A090.b"] == "not-controlled"
    # AUKUS rule (2024-04-19): the UK row has only CB 1 afterwards
    assert got["2025-01-13"]["GB"]["chart_marks"] == ["CB 1"]
    assert "NS 1" in got["2020-08-17"]["GB"]["chart_marks"]
