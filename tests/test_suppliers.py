"""Tests for ``bomtrace.suppliers`` and ``bomtrace suppliers``: per-supplier audit
(analysis/suppliers.py) and the data-request workbook (report/request_sheet.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from bomfactory import BASE_FIELDS, indented
from click.testing import CliRunner
from openpyxl import load_workbook

from bomtrace import suppliers
from bomtrace.analysis.suppliers import QUESTIONS
from bomtrace.cli import cli
from bomtrace.report.request_sheet import _sheet_title, write_request_sheet

ROOT = Path(__file__).resolve().parent.parent
FIELDS = (
    *BASE_FIELDS,
    "supplier",
    "us_technology_eccns",
    "made_with_us_equipment",
)


def table():  # type: ignore[no-untyped-def]
    rows = [
        (0, "P", 1, None, "CN", "5A991", None, "none", False),
        (1, "A", 2, None, "CN", "5A991", "Asm Co", "none", False),
        (2, "U1", 3, 10.0, "US", "3A001.a.7", "Acme/US", None, None),  # NS-controlled to CN
        (2, "U2", 1, 5.0, "US", None, "Acme/US", None, None),  # US, ECCN missing
        (1, "T1", 1, 50.0, "TW", "3A991", "Fab: One", "3D991", True),  # FDPR-caught for Huawei
        (1, "X1", 4, 1.0, None, "EAR99", None, None, None),  # origin and evidence unknown
    ]
    return indented(rows, fields=FIELDS)


def test_values_exposure_and_missing_facts() -> None:
    r = suppliers(table(), destinations=["CN"], as_of=date(2020, 8, 17), end_user="Huawei")
    got = {s.supplier: s.to_dict() for s in r.suppliers}
    assert list(got) == ["Acme/US", "Fab: One", "(no supplier)"]
    acme = got["Acme/US"]
    assert (acme["parts"], acme["value"], acme["us_origin_value"], acme["controlled_value"]) == (
        2,
        70.0,
        70.0,
        60.0,
    )
    assert [(m["part_number"], m["facts"]) for m in acme["missing"]] == [("U2", ["eccn"])]
    fab = got["Fab: One"]
    assert (fab["fdpr_caught_parts"], fab["fdpr_caught_value"], fab["missing"]) == (
        ["T1"],
        50.0,
        [],
    )
    none = got["(no supplier)"]
    assert none["fdpr_unresolved_parts"] == ["X1"]
    assert none["missing"][0]["facts"] == [
        "country_of_origin",
        "us_technology_eccns",
        "made_with_us_equipment",
    ]
    assert r.requests == 4


def test_without_a_party_no_fdpr_facts_are_requested() -> None:
    r = suppliers(table(), destinations=["CN"], as_of=date(2020, 8, 17))
    none = [s for s in r.suppliers if s.supplier == "(no supplier)"][0]
    assert [m["facts"] for m in none.missing] == [["country_of_origin"]]


def test_request_sheet_one_sheet_per_supplier(tmp_path: Path) -> None:
    r = suppliers(table(), destinations=["CN"], as_of=date(2020, 8, 17), end_user="Huawei")
    out = tmp_path / "requests.xlsx"
    assert write_request_sheet(r, out) == 2
    wb = load_workbook(out)
    assert wb.sheetnames == ["Acme-US", "(no supplier)"]
    ws = wb["(no supplier)"]
    assert ws["A1"].value == "Data request to (no supplier)"
    assert [c.value for c in ws[5]] == [
        "Part Number",
        "Description",
        "MPN",
        "Qty used",
        "Fact",
        "Question",
        "Your answer",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    assert [(x[0], x[4]) for x in rows] == [
        ("X1", "country_of_origin"),
        ("X1", "us_technology_eccns"),
        ("X1", "made_with_us_equipment"),
    ]
    assert rows[0][5] == QUESTIONS["country_of_origin"] and rows[0][6] is None


def test_request_sheet_when_nothing_is_missing(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [
        (0, "P", 1, None, "CN", "5A991", None, "none", False),
        (1, "R", 1, 1.0, "JP", "EAR99", "Kansai", "none", False),
    ]
    r = suppliers(indented(rows, fields=FIELDS), destinations=["CN"], as_of=date(2020, 8, 17))
    out = tmp_path / "none.xlsx"
    assert write_request_sheet(r, out) == 0
    assert load_workbook(out).sheetnames == ["No requests"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Acme/US", "Acme-US"), ("A" * 40, "A" * 31), ("[x]:y", "-x--y")],
)
def test_sheet_titles_are_valid_and_unique(name: str, expected: str) -> None:
    used: set[str] = set()
    assert _sheet_title(name, used) == expected
    second = _sheet_title(name, used)
    assert second != expected and len(second) <= 31


def test_cli_suppliers_json_and_request_sheet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "req.xlsx"
    args = ["suppliers", "samples/basestation_2020.xlsx", "-d", "CN", "--as-of", "2020-08-17"]
    args += ["--end-user", "Huawei Technologies", "--format", "json", "--request-sheet", str(out)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1, res.output  # parts caught by an FDP rule: a gate must not pass
    d = json.loads(res.stdout)
    caught = {
        s["supplier"]: s["fdpr_caught_parts"] for s in d["suppliers"] if s["fdpr_caught_parts"]
    }
    assert caught == {
        "Formosa Silicon Design": ["LD-DRV", "RF-ASIC-28"],
        "Hanbit Memory Co.": ["DRAM-8G"],
        "HiSilicon": ["HI-SOC-7"],
    }
    assert load_workbook(out).sheetnames == ["Pearl River Power Co., Ltd."]
    assert "1 supplier sheet(s), 1 request(s)" in res.stderr


def test_fdpr_findings_come_without_making_the_products() -> None:
    """``AnalysisResult.fdpr_findings`` (what ``suppliers`` reads) gives each product's FDPR
    entries and summary as the product results hold them, without making them."""
    from bomtrace import analyze
    from bomtrace.analysis.product_results import ProductResults

    def run():  # type: ignore[no-untyped-def]
        return analyze(table(), destinations=["CN"], as_of=date(2020, 8, 17), end_user="Huawei")

    fast = run()
    assert isinstance(fast.products, ProductResults)
    got = fast.fdpr_findings()
    assert not fast.products._made  # nothing was made
    made = [(p.fdpr, p.fdpr_summary) for p in run().products]
    assert got == made
    assert [e["part_number"] for entries, _ in got for e in entries] == ["T1"]
    assert [u["part_number"] for _, s in got for u in (s or {}).get("unresolved", [])] == ["X1"]
