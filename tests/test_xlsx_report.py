"""The xlsx report as people open it: an openpyxl round-trip of the saved workbook (sheets,
headers, outline levels of the Indented BOM, number and percent formats, verdict colours,
frozen panes, filters, internal links, formula safety), on a small BOM built here and on the
router sample, capped, and with a cycle (the walk itself: tests/test_bom_tree.py)."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bomfactory import indented
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from bomtrace import analyze
from bomtrace.analysis.bom_tree import CYCLE_NOTE
from bomtrace.io.table import BomTable
from bomtrace.report import xlsx as xlsx_mod
from bomtrace.report.formats import write
from bomtrace.report.xlsx_check import check_workbook
from bomtrace.report.xlsx_style import MONEY, PCT, VERDICT_COLOURS

D2020 = date(2020, 8, 17)
F = ("level", "part_number", "quantity", "unit_cost", "country_of_origin", "eccn", "selling_price")
EVIL = '=HYPERLINK("x")'
SHEETS = [
    "Summary",
    "Destinations",
    "Contributors",
    "Scenarios",
    "Sub-assemblies",
    "Indented BOM",
    "Exploded parts",
    "FDPR",
    "Limits",
    "Issues",
    "About",
]
CHAIN = [f"D{i}" for i in range(1, 10)]  # nine assemblies: the leaf is at level 10


def small_bom() -> BomTable:
    """Three products: P1 subject for China (through a part named like a formula), P2
    undetermined and ten levels deep, P3 not subject."""
    rows = [
        (0, "P1", 1, None, None, None, 100.0),
        (1, "A1", 2, None, "TW", "EAR99", None),
        (2, EVIL, 1, 10.0, "US", "3A001.a.7", None),
        (2, "R1", 3, 1.0, "JP", "EAR99", None),
        (1, "U2", 1, 15.0, "US", "3A001.a.7", None),
        (0, "P2", 1, None, None, None, 1000.0),
        *[(i, pn, 1, None, "TW", "EAR99", None) for i, pn in enumerate(CHAIN, start=1)],
        (10, "L9", 1, 50.0, "JP", "EAR99", None),
        (1, "Q", 1, 400.0, None, None, None),
        (0, "P3", 1, None, None, None, 100.0),
        (1, "J1", 1, 10.0, "JP", "EAR99", None),
    ]
    return indented(rows, fields=F)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    result = analyze(small_bom(), destinations=["CN"], as_of=D2020)
    path = tmp_path_factory.mktemp("xlsx") / "small.xlsx"
    assert write("analyze", "xlsx", result, path) is None
    return result, path


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    result = analyze("samples/rtr_e200.xlsx", destinations=["CN", "IR"], as_of=D2020)
    path = tmp_path_factory.mktemp("xlsx") / "router.xlsx"
    write("analyze", "xlsx", result, path)
    return result, path


def headers(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


def column(ws: Any, name: str) -> int:
    return headers(ws).index(name) + 1


def fill_of(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:]


def link_row(cell: Any) -> int:
    """The Indented BOM row an internal link of ``cell`` lands on."""
    link = cell.hyperlink
    assert link is not None and not link.target
    m = re.fullmatch(r"'Indented BOM'!C(\d+)", str(link.location))
    assert m, link.location
    return int(m.group(1))


# -- the small BOM ---------------------------------------------------------------------------


def test_sheets_and_human_headers(small) -> None:
    _, path = small
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        if ws.title == "About" or ws["A1"].value == "(none)":
            continue
        for h in headers(ws):
            assert isinstance(h, str) and "_" not in h and h[:1].isupper(), (ws.title, h)
    dest = headers(wb["Destinations"])
    for h in ("Controlled US value", "Ratio", "Verdict", "Threshold", "Headroom", "Denominator"):
        assert h in dest
    assert headers(wb["Indented BOM"]) == [
        "Product",
        "Level",
        "Part number",
        "Description",
        "Quantity per parent",
        "Quantity per product",
        "Unit cost",
        "Rolled-up cost",
        "Extended cost",
        "Country of origin",
        "ECCN",
        "US-origin value (unit)",
    ]
    assert headers(wb["Exploded parts"]) == [
        "Product",
        "Part number",
        "Description",
        "Total quantity",
        "Unit cost",
        "Extended cost",
        "Country of origin",
        "ECCN",
    ]


def test_workbook_has_nothing_excel_would_repair(small) -> None:
    _, path = small
    assert check_workbook(path) == []


def test_indented_bom_rows_and_outline(small) -> None:
    _, path = small
    ws = load_workbook(path)["Indented BOM"]
    level_col, part_col = column(ws, "Level"), column(ws, "Part number")
    rows = [
        (ws.cell(r, 1).value, ws.cell(r, level_col).value, ws.cell(r, part_col).value)
        for r in range(2, 2 + 18)
    ]
    assert rows == [
        ("P1", 0, "P1"),
        ("P1", 1, "A1"),
        ("P1", 2, EVIL),
        ("P1", 2, "R1"),
        ("P1", 1, "U2"),
        ("P2", 0, "P2"),
        *[("P2", i, pn) for i, pn in enumerate(CHAIN, start=1)],
        ("P2", 10, "L9"),
        ("P2", 1, "Q"),
        ("P3", 0, "P3"),
    ]
    for r in range(2, ws.max_row + 1):
        level = ws.cell(r, level_col).value
        if not isinstance(level, int):
            continue
        assert (ws.row_dimensions[r].outline_level or 0) == min(level, 7), r
        if level:
            assert ws.cell(r, part_col).alignment.indent == min(level, 15)
        else:
            assert ws.cell(r, part_col).font.b  # product rows stand out
    assert ws.sheet_format.outlineLevelRow == 7
    outline = ws.sheet_properties.outlinePr
    assert outline is not None and outline.summaryBelow is False  # a product above its parts
    notes = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert any("10 levels deep" in str(n) and "outline level 7" in str(n) for n in notes)
    # quantities, costs and their formats: 3 R1 per A1, 2 A1 per P1
    r1 = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, part_col).value == "R1")
    values = {h: ws.cell(r1, column(ws, h)) for h in headers(ws)}
    assert values["Quantity per parent"].value == 3
    assert values["Quantity per product"].value == 6
    assert values["Unit cost"].value == 1 and values["Unit cost"].number_format == MONEY
    assert values["Extended cost"].value == 6
    assert values["Quantity per product"].number_format == "General"
    assert values["Country of origin"].value == "JP"


def test_verdict_colours_and_legend(small) -> None:
    _, path = small
    wb = load_workbook(path)
    ws = wb["Destinations"]
    verdict = column(ws, "Verdict")
    seen = {}
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(r, verdict)
        seen[ws.cell(r, 1).value] = cell.value
        assert fill_of(cell) == VERDICT_COLOURS[str(cell.value)][0]
    assert seen == {"P1": "subject", "P2": "undetermined", "P3": "not-subject"}
    summary = wb["Summary"]
    subject_for = summary.cell(2, column(summary, "Subject for"))
    assert subject_for.value == "CN" and fill_of(subject_for) == VERDICT_COLOURS["subject"][0]
    legend = next(
        r for r in range(1, summary.max_row + 1) if summary.cell(r, 1).value == "Verdict colours"
    )
    assert legend > 4  # under the table, outside its filter
    for i, v in enumerate(("subject", "undetermined", "not-subject"), start=1):
        assert summary.cell(legend + i, 1).value == v
        assert fill_of(summary.cell(legend + i, 1)) == VERDICT_COLOURS[v][0]
        assert summary.cell(legend + i, 2).value


def test_formats_frozen_panes_and_filters(small) -> None:
    _, path = small
    wb = load_workbook(path)
    ws = wb["Destinations"]
    for h, fmt in [("Ratio", PCT), ("Threshold", PCT), ("Controlled US value", MONEY)]:
        assert ws.cell(2, column(ws, h)).number_format == fmt, h
    share = wb["Contributors"].cell(2, column(wb["Contributors"], "Share"))
    assert share.number_format == PCT
    assert wb["Summary"].cell(2, column(wb["Summary"], "Total cost")).number_format == MONEY
    for name in ("Summary", "Destinations", "Contributors", "Sub-assemblies", "Limits"):
        assert wb[name].freeze_panes == "A2", name
    assert wb["Indented BOM"].freeze_panes == "D2"
    assert wb["Exploded parts"].freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(4, len(headers(ws))).coordinate}"
    bom = wb["Indented BOM"]
    assert bom.auto_filter.ref == f"A1:{bom.cell(1 + 19, len(headers(bom))).coordinate}"
    for name in ("Destinations", "Indented BOM"):
        dims = wb[name].column_dimensions
        widths = [dims[get_column_letter(j)].width for j in range(1, wb[name].max_column + 1)]
        assert all(6 <= w <= 62 for w in widths), (name, widths)


def test_contributors_link_to_their_bom_rows(small) -> None:
    _, path = small
    wb = load_workbook(path)
    ws, bom = wb["Contributors"], wb["Indented BOM"]
    part = column(ws, "Part number")
    linked = 0
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(r, part)
        row = link_row(cell)
        assert (
            bom.cell(row, 3).value == cell.value and bom.cell(row, 1).value == ws.cell(r, 1).value
        )
        linked += 1
    assert linked >= 2
    summary = wb["Summary"]
    for r in range(2, 5):  # products link to their own row
        row = link_row(summary.cell(r, 1))
        assert bom.cell(row, 3).value == summary.cell(r, 1).value
        assert bom.cell(row, column(bom, "Level")).value == 0
    with zipfile.ZipFile(path) as z:
        rels = b"".join(z.read(n) for n in z.namelist() if n.endswith(".rels"))
    assert b"External" not in rels and b"hyperlink" not in rels  # internal links only


def test_a_part_named_like_a_formula_stays_text(small) -> None:
    _, path = small
    wb = load_workbook(path)
    found = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if cell.value == EVIL:
                    assert cell.data_type == "s"
                    found += 1
    assert found >= 3  # Indented BOM, Exploded parts, Contributors
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_exploded_parts(small) -> None:
    result, path = small
    ws = load_workbook(path)["Exploded parts"]
    got = {
        (ws.cell(r, 1).value, ws.cell(r, 2).value): (ws.cell(r, 4).value, ws.cell(r, 6).value)
        for r in range(2, ws.max_row + 1)
    }
    assert got[("P1", "R1")] == (6, 6)
    assert got[("P1", EVIL)] == (2, 20)
    assert got[("P2", "L9")] == (1, 50)
    assert len(got) == len(result.exploded_parts())


def test_detail_sheets_are_capped_with_a_note(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_mod, "MAX_DETAIL_ROWS", 5)
    monkeypatch.setattr(xlsx_mod, "MAX_BOM_ROWS", 5)
    result = analyze(small_bom(), destinations=["CN"], as_of=D2020)
    path = tmp_path / "capped.xlsx"
    write("analyze", "xlsx", result, path)
    wb = load_workbook(path)
    bom = wb["Indented BOM"]
    assert [bom.cell(r, 3).value for r in range(2, 7)] == ["P1", "A1", EVIL, "R1", "U2"]
    assert bom.cell(7, 3).value is None
    assert bom.cell(8, 1).value == "Capped at 5 of 19 rows; use --format csv or json for all."
    assert str(wb["Exploded parts"].cell(8, 1).value).startswith("Capped at 5 of ")
    assert check_workbook(path) == []


# -- the router sample -------------------------------------------------------------------


def test_router_round_trip(router) -> None:
    result, path = router
    assert check_workbook(path) == []
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    bom = wb["Indented BOM"]
    tree = result.indented_bom().table
    level = column(bom, "Level")
    assert bom.max_row - 1 == len(tree)
    assert [bom.cell(r, 3).value for r in range(2, bom.max_row + 1)] == tree["part_number"].tolist()
    for r, lv in enumerate(tree["level"].tolist(), start=2):
        assert bom.cell(r, level).value == lv
        assert (bom.row_dimensions[r].outline_level or 0) == min(lv, 7)
    assert bom.sheet_format.outlineLevelRow == min(int(tree["level"].max()), 7)
    # the product's row holds the analysis' rolled-up cost
    d = result.to_dict()["products"][0]
    assert bom.cell(2, column(bom, "Rolled-up cost")).value == pytest.approx(d["total_cost"])
    assert bom.cell(2, column(bom, "US-origin value (unit)")).value == pytest.approx(
        d["us_origin_value"]
    )
    ws = wb["Contributors"]
    part = column(ws, "Part number")
    for r in range(2, ws.max_row + 1):
        row = link_row(ws.cell(r, part))
        assert bom.cell(row, 3).value == ws.cell(r, part).value
    dest = wb["Destinations"]
    for r in range(2, dest.max_row + 1):
        cell = dest.cell(r, column(dest, "Verdict"))
        assert fill_of(cell) == VERDICT_COLOURS[str(cell.value)][0]
        assert dest.cell(r, column(dest, "Ratio")).number_format == PCT
    exploded = wb["Exploded parts"]
    assert exploded.max_row - 1 == len(result.exploded_parts())
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows()}
    assert about["rules as of"] == "2020-08-17" and "CN" in str(about["options"])


def test_a_cycle_in_a_read_bom_still_writes(tmp_path: Path) -> None:
    t = indented(
        [(0, "P", 1, None, None, None, 10.0), (1, "A", 1, None, "TW", "EAR99", None),
         (2, "B", 1, None, "TW", "EAR99", None), (3, "A", 1, None, "TW", "EAR99", None)],
        fields=F,
    )  # fmt: skip
    result = analyze(t, destinations=["CN"], as_of=D2020)
    path = tmp_path / "cycle.xlsx"
    write("analyze", "xlsx", result, path)
    assert check_workbook(path) == []
    bom = load_workbook(path)["Indented BOM"]
    assert [bom.cell(r, 3).value for r in range(2, 6)] == ["P", "A", "B", "A"]
    assert bom.cell(5, column(bom, "Note")).value == CYCLE_NOTE
