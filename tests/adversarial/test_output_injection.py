"""Issue 17, item 4: nothing bomtrace writes is live when a spreadsheet opens it.

The OWASP CSV/formula-injection payloads go into part numbers, descriptions, suppliers and the
ECCN column of a BOM, through the real command line (analyze xlsx and csv, explode csv,
suppliers --request-sheet); each written file is opened again: no xlsx cell is a formula, no
csv field starts with a formula trigger, and the text of every payload is still there. The
writers are also fed the payloads raw (a leading tab or carriage return, which the reader
strips from BOM cells), and sheet names made from hostile supplier names are checked.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from bomtrace.analysis.suppliers import SupplierRow, SuppliersResult
from bomtrace.cli import cli
from bomtrace.explosion import ExplodeResult
from bomtrace.report.csvout import frame_csv, to_csv
from bomtrace.report.request_sheet import write_request_sheet
from bomtrace.report.safe import FORMULA_TRIGGERS, csv_column, csv_field, sheet_title
from bomtrace.report.xlsx_check import check_workbook

#: the OWASP CSV-injection payloads (and one already quoted)
PAYLOADS = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil","click")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    '=DDE("cmd";"/C calc";"!A0")',
    "'=1+1",
]
HEADER = ["Level", "Part Number", "Description", "Qty", "Unit Cost", "Country of Origin", "ECCN"]
FORBIDDEN_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")

Write = Callable[..., Path]


def hostile_bom(write_csv: Write, name: str = "bom.csv") -> tuple[Path, dict[str, list[str]]]:
    """A BOM with one product per payload. Each product has a controlled US part (a top
    contributor), a part of unknown origin (a fact to request) and a part whose ECCN is the
    payload, all named, described and supplied by payload text.

    Returns the path and the texts (as the reader keeps them: leading blanks stripped) that
    must come out again, by kind."""
    rows = [[*HEADER, "Supplier"]]
    expect: dict[str, list[str]] = {"product": [], "part": [], "description": [], "supplier": []}
    for i, p in enumerate(PAYLOADS):
        rows += [
            ["0", f"{p} PROD{i}", f"{p} product", "1", "", "CN", "5A992.c", "Acme"],
            ["1", f"{p} US{i}", f"{p} us part", "1", "35", "US", "3A001.a.7", f"{p} S{i}"],
            ["1", f"{p} UNK{i}", f"{p} unknown", "1", "20", "", "", f"{p} S{i}"],
            ["1", f"{p} J{i}", f"{p} junk eccn", "1", "1", "CN", p, f"{p} S{i}"],
            ["1", f"BOARD{i}", "Board", "1", "65", "CN", "EAR99", "Other"],
        ]
        kept = p.strip()
        expect["product"].append(f"{kept} PROD{i}")
        expect["part"] += [f"{kept} US{i}", f"{kept} UNK{i}", f"{kept} J{i}"]
        expect["description"].append(f"{kept} product")
        expect["supplier"].append(f"{kept} S{i}")
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)  # "\r\n" lines: a field with a CR is quoted
    return write_csv(name, buf.getvalue()), expect


def run(*args: str) -> Result:
    res = CliRunner().invoke(cli, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


def workbook_cells(path: Path) -> list[Any]:
    """Every non-empty cell of every sheet of the workbook at ``path``."""
    wb = load_workbook(path)
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def in_xlsx(text: str) -> str:
    """``text`` as an xlsx cell holds it (a carriage return is read back as a line feed)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def assert_inert_workbook(path: Path, texts: Iterable[str]) -> None:
    cells = workbook_cells(path)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    values = [c.value for c in cells if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    for t in map(in_xlsx, texts):  # nothing lost: each text is a cell, or part of a message
        assert any(t in v for v in values), repr(t)


def csv_fields(text: str) -> list[str]:
    return [f for row in csv.reader(io.StringIO(text)) for f in row]


def is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def live_fields(fields: Iterable[str]) -> list[str]:
    """Fields a spreadsheet would take for a formula (a number such as -4.75 is none)."""
    return [f for f in fields if f.startswith(FORMULA_TRIGGERS) and not is_number(f)]


def assert_inert_csv(text: str, texts: Iterable[str]) -> None:
    fields = csv_fields(text)
    assert fields, text
    assert live_fields(fields) == []
    for t in texts:  # nothing lost: the payload, with the quote in front where it needs one
        assert t in fields or "'" + t in fields, t


def test_analyze_xlsx_report_has_no_formula(write_csv: Write, tmp_path: Path) -> None:
    bom, expect = hostile_bom(write_csv)
    out = tmp_path / "r.xlsx"
    res = run("analyze", str(bom), "-d", "CN", "--format", "xlsx", "-o", str(out), "-q")
    assert res.exit_code in (0, 1), res.output  # 1: a product is subject, not an error
    texts = expect["product"] + expect["description"] + [p for p in expect["part"] if " US" in p]
    assert_inert_workbook(out, texts)
    wb = load_workbook(out)
    contributors = [c.value for row in wb["Contributors"].iter_rows() for c in row]
    assert '=HYPERLINK("http://evil","click") US2' in contributors
    assert "=cmd|' /C calc'!A0 US1" in contributors
    for sheet in ("Indented BOM", "Exploded parts"):  # every part, as text
        cells = {c.value: c.data_type for row in wb[sheet].iter_rows() for c in row}
        for p in expect["part"]:
            assert cells.get(in_xlsx(p)) == "s", (sheet, p)
    assert check_workbook(out) == []


def test_analyze_xlsx_about_sheet_input_name(
    write_csv: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file name of the BOM (in the About sheet) is data too."""
    bom, _ = hostile_bom(write_csv, '=HYPERLINK("http-evil","x").csv')
    monkeypatch.chdir(tmp_path)
    res = run("analyze", bom.name, "-d", "CN", "--format", "xlsx", "-o", "r.xlsx", "-q")
    assert res.exit_code in (0, 1), res.output
    about = load_workbook(tmp_path / "r.xlsx")["About"]
    inputs = next(row for row in about.iter_rows() if row[0].value == "inputs")[1]
    assert inputs.data_type == "s" and isinstance(inputs.value, str)
    assert inputs.value.startswith('=HYPERLINK("http-evil","x").csv')


def test_analyze_csv_is_inert(write_csv: Write) -> None:
    bom, expect = hostile_bom(write_csv)
    res = run("analyze", str(bom), "-d", "CN", "--format", "csv", "-q")
    assert res.exit_code in (0, 1), res.output
    assert_inert_csv(res.stdout, expect["product"] + expect["description"])
    # numbers stay numbers: the negative headroom of a subject product is not quoted
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert any(float(r["headroom"]) < 0 for r in rows if r["headroom"])


def test_analyze_csv_file_is_inert(write_csv: Write, tmp_path: Path) -> None:
    bom, expect = hostile_bom(write_csv)
    out = tmp_path / "r.csv"
    res = run("analyze", str(bom), "-d", "CN", "--format", "csv", "-o", str(out), "-q")
    assert res.exit_code in (0, 1), res.output
    assert_inert_csv(out.read_text(encoding="utf-8"), expect["product"])


def test_explode_csv_is_inert(write_csv: Write, tmp_path: Path) -> None:
    bom, expect = hostile_bom(write_csv)
    res = run("explode", str(bom), "--format", "csv", "-q")
    assert res.exit_code == 0, res.output
    texts = expect["product"] + expect["part"]
    assert_inert_csv(res.stdout, texts)
    out = tmp_path / "e.csv"
    res = run("explode", str(bom), "--format", "csv", "-o", str(out), "-q")
    assert res.exit_code == 0, res.output
    written = out.read_text(encoding="utf-8")
    assert_inert_csv(written, texts)
    # the ECCN column (junk ECCNs as the reader keeps them) and numbers as numbers
    table = list(csv.DictReader(io.StringIO(written)))
    junk = [r["eccn"] for r in table if r["part_number"].endswith("J5")]
    assert junk == ["'@SUM(1+1)"]
    assert all(not r["quantity"].startswith("'") for r in table)


def test_request_sheet_is_inert(write_csv: Write, tmp_path: Path) -> None:
    bom, expect = hostile_bom(write_csv)
    out = tmp_path / "req.xlsx"
    res = run("suppliers", str(bom), "-d", "CN", "--request-sheet", str(out))
    assert res.exit_code in (0, 1), res.output
    unknown = [p for p in expect["part"] if " UNK" in p]
    assert_inert_workbook(out, unknown + expect["supplier"])
    wb = load_workbook(out)
    assert_valid_sheet_names(wb.sheetnames)
    assert len(wb.sheetnames) == len(PAYLOADS)  # one sheet per supplier with requests
    # the title row names the supplier as it is, as text
    first = {ws["A1"].value for ws in wb}
    assert "Data request to =cmd|' /C calc'!A0 S1" in first


def assert_valid_sheet_names(names: list[str]) -> None:
    for n in names:
        assert n and len(n) <= 31, n
        assert not FORBIDDEN_IN_SHEET_NAMES.search(n), n
        assert not n.startswith("'") and not n.endswith("'"), n
        assert n.casefold() != "history"
    assert len({n.casefold() for n in names}) == len(names)


def test_request_sheet_names_from_hostile_supplier_names(write_csv: Write, tmp_path: Path) -> None:
    names = [
        '=HYPERLINK("http://evil","x")/..\\x',
        "[Acme]: *?/\\",
        "'quoted'",
        "History",
        "ACME",
        "acme",
        "A" * 40,
        "A" * 40 + "b",
        "''",
        "///",
    ]
    rows = [[*HEADER, "Supplier"], ["0", "PROD", "Router", "1", "", "CN", "5A992.c", "x"]]
    rows += [["1", f"P{i}", "part", "1", "1", "", "", n] for i, n in enumerate(names)]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)  # "\r\n" lines: a field with a CR is quoted
    bom = write_csv("bom.csv", buf.getvalue())
    out = tmp_path / "req.xlsx"
    res = run("suppliers", str(bom), "-d", "CN", "--request-sheet", str(out))
    assert res.exit_code in (0, 1), res.output
    wb = load_workbook(out)
    assert_valid_sheet_names(wb.sheetnames)
    assert len(wb.sheetnames) == len(names)  # one sheet each: none lost to a clash
    titles = {ws["A1"].value for ws in wb}
    assert {f"Data request to {n}" for n in names} == titles


@pytest.mark.parametrize(
    "name",
    ["", "'", "History", "history", "a:b", "x" * 31 + "'", "  ", "[]", "=1+1", "a\x00b", "'a'"],
)
def test_sheet_title_rules(name: str) -> None:
    used: set[str] = set()
    titles = [sheet_title(name, used) for _ in range(12)]
    assert_valid_sheet_names(titles)
    assert all(not any(ord(ch) < 32 for ch in t) for t in titles)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_rule(payload: str) -> None:
    field = csv_field(payload)
    if payload.startswith("'"):
        assert field == payload
    else:
        assert field == "'" + payload
    assert csv_field(-1.5) == -1.5 and csv_field(0) == 0 and csv_field(None) is None
    assert csv_field(True) is True


def test_csv_writers_with_raw_payloads() -> None:
    """The writers themselves, fed values the reader would have cleaned (tab, CR)."""
    rows = [{"part": p, "ratio": -0.25, "n": 3} for p in PAYLOADS]
    text = to_csv(rows)
    fields = csv_fields(text)
    assert live_fields(fields) == []
    assert fields.count("-0.25") == len(PAYLOADS)
    table = pd.DataFrame(
        {
            "product": PAYLOADS,
            "part_number": list(reversed(PAYLOADS)),
            "description": [None, *PAYLOADS[1:]],
            "quantity": [-1.0] * len(PAYLOADS),
            "unit_cost": [float("nan")] * len(PAYLOADS),
            "extended_cost": [-2.0] * len(PAYLOADS),
            "country_of_origin": ["US"] * len(PAYLOADS),
            "eccn": PAYLOADS,
        }
    )
    res = ExplodeResult(table=table, products=[])
    fields = csv_fields(str(frame_csv(res.table)))
    assert live_fields(fields) == []
    assert fields.count("-1.0") == len(PAYLOADS)  # numbers are not quoted
    for p in PAYLOADS:
        assert (p if p.startswith("'") else "'" + p) in fields
    assert res.table["product"].tolist() == PAYLOADS  # the result itself is unchanged


def test_csv_column_keeps_numbers_and_missing() -> None:
    nums = pd.Series([-1.0, 2.0])
    assert csv_column(nums) is nums
    plain = pd.Series(["a", None, "b"], dtype=object)
    assert csv_column(plain) is plain
    mixed = csv_column(pd.Series(["=1", None, "b", "=1", "-x"], dtype=object))
    assert mixed.tolist()[0] == "'=1" and pd.isna(mixed.tolist()[1])
    assert mixed.tolist()[2:] == ["b", "'=1", "'-x"]


def test_request_sheet_writer_with_raw_payloads(tmp_path: Path) -> None:
    """Raw payloads (with a leading tab or CR, and a control character) straight into the
    request workbook: string cells only, text unchanged (the control character replaced)."""
    sup = []
    for i, p in enumerate(PAYLOADS):
        row = SupplierRow(supplier=f"{p}/{i}")
        row.missing.append(
            {
                "part_number": p,
                "description": p + "\x01",
                "mpn": p,
                "quantity": -1.0,
                "facts": ["country_of_origin", "eccn"],
            }
        )
        sup.append(row)
    result = SuppliersResult(
        as_of="2020-08-17", destinations=["CN"], end_user=None, suppliers=sup, issues=[]
    )
    out = tmp_path / "req.xlsx"
    assert write_request_sheet(result, out) == len(PAYLOADS)
    assert_inert_workbook(out, PAYLOADS)
    wb = load_workbook(out)
    assert_valid_sheet_names(wb.sheetnames)
    ws = wb.worksheets[6]  # the tab payload
    assert ws["A6"].value == "\t=1+1" and ws["A6"].data_type == "s"
    assert ws["B6"].value == "\t=1+1\ufffd"
    assert ws["D6"].value == -1.0 and ws["D6"].data_type == "n"


def test_xlsx_report_writer_with_raw_payloads(write_csv: Write, tmp_path: Path) -> None:
    """The analysis document with raw payloads put into its text fields, written as xlsx."""
    from bomtrace import api
    from bomtrace.report.xlsx import write_xlsx

    bom, _ = hostile_bom(write_csv)
    d = api.analyze([str(bom)], destinations=["CN"]).to_dict()
    for p, prod in zip(PAYLOADS, d["products"], strict=True):
        prod["part_number"], prod["description"] = p, p + "\x1b"
    for p, issue in zip(PAYLOADS, d["issues"], strict=False):
        issue["message"] = p
    d["inputs"][0]["path"] = "=1+1.csv"
    out = tmp_path / "raw.xlsx"
    write_xlsx(d, out)
    assert_inert_workbook(out, PAYLOADS)
    wb = load_workbook(out)
    last = len(PAYLOADS) + 1  # the verdict legend follows the table, after an empty row
    summary = wb["Summary"]
    products = [c.value for c in next(summary.iter_cols(min_row=2, max_row=last + 1, max_col=1))]
    assert products == [*(in_xlsx(p) for p in PAYLOADS), None]
