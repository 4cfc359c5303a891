"""Property: one BOM written as csv, a tab-separated ``.csv``, xlsx and ods reads the same,
so ``explode`` and ``analyze`` give identical results (bomtrace/io/*)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bomtrace import api

HEADER = ["Level", "Part Number", "Description", "Qty", "Unit Cost", "COO", "ECCN"]
PARTS = ["00123", "1E5", "3-4", "MAR1", "R-10K", "C.100", "U7", "ASM-1", "ASM-2", "Gerät-9"]


@st.composite
def boms(draw: st.DrawFn) -> list[list[Any]]:
    """An indented BOM: one product, sub-assemblies to depth 3, purchased parts below."""
    rows: list[list[Any]] = [[0, "PROD-1", "Product", None, None, None, None]]

    def children(level: int, budget: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            pn = draw(st.sampled_from(PARTS))
            qty = draw(st.sampled_from([1, 2, 4, 10, 0.5, 2.25]))
            asm = level < 3 and budget > 0 and draw(st.booleans())
            cost = None if asm else draw(st.integers(1, 50000)) / 100
            coo = None if asm else draw(st.sampled_from(["US", "CN", "DE", "JP"]))
            eccn = None if asm else draw(st.sampled_from(["EAR99", "3A001.b.2", "5A992.c"]))
            # assemblies are named by level (no loops); a part keeps one set of attributes
            pn = f"ASM{level}-{pn}" if asm else pn
            rows.append([level, pn, f"Item {pn}", qty, cost, coo, eccn])
            if asm:
                children(level + 1, budget - 1)

    children(1, 3)
    seen: dict[str, list[Any]] = {}
    for r in rows[1:]:
        first = seen.setdefault(r[1], r)
        r[4:] = first[4:]
    return rows


def _csv(rows: list[list[Any]], sep: str) -> str:
    def cell(v: Any) -> str:
        return "" if v is None else str(v)

    return "".join(sep.join(cell(v) for v in r) + "\n" for r in [HEADER, *rows])


def _write_all(rows: list[list[Any]], d: Path) -> dict[str, Path]:
    out = {"csv": d / "bom.csv", "tsv": d / "bom_tab.csv", "xlsx": d / "bom.xlsx"}
    out["csv"].write_text(_csv(rows, ","), encoding="utf-8")
    out["tsv"].write_text(_csv(rows, "\t"), encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "BOM"
    for r in [HEADER, *rows]:
        ws.append(r)
    wb.save(out["xlsx"])
    try:
        import odf  # noqa: F401

        out["ods"] = d / "bom.ods"
        pd.DataFrame(rows, columns=HEADER).to_excel(out["ods"], engine="odf", index=False)
    except ImportError:  # pragma: no cover - odfpy is a test dependency
        pass
    return out


def _results(path: Path) -> tuple[Any, Any, Any]:
    ex = api.explode([path]).to_dict()
    an = api.analyze([path], destinations=["CN", "CU"], as_of=date(2020, 8, 17)).to_dict()
    issues = [(i["code"], i["row"], i["column"], i["part_number"]) for i in an["issues"]]
    an.pop("inputs")
    an.pop("issues")
    ex.pop("issues")
    return ex, an, issues


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(boms())
def test_same_bom_in_every_format_gives_the_same_results(rows: list[list[Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = _write_all(rows, Path(tmp))
        base = _results(files["csv"])
        for kind, path in files.items():
            assert _results(path) == base, kind


def test_ods_writer_is_available() -> None:
    pytest.importorskip("odf", reason="odfpy writes the .ods variant of the property test")
