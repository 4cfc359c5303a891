"""``bomtrace inspect`` and the reading flags on the command line (bomtrace/cli/inspect.py,
cli/common.py, api.inspect, report/text.render_inspect)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace import api
from bomtrace.cli import cli

WriteCsv = Callable[..., Path]
WriteXlsx = Callable[..., Path]

MESSY = (
    "BOM export: PH-7,,,\n"  # 1 title
    "\n"  # 2
    "Ref,Part Number,Qty,Description\n"  # 3 header
    "C1-C3,CAP-1,3,Cap\n"  # 4
    "U1,IC-1,1,MCU\n"  # 5
    "\n"  # 6 blank
    "R9,RES-1,DNP,Res\n"  # 7
    ",,4,Total\n"  # 8 total line
    "Approved:,,,\n"  # 9 footer
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_inspect_json_counts_add_up(runner: CliRunner, write_csv: WriteCsv) -> None:
    path = write_csv("messy.csv", MESSY)
    res = runner.invoke(cli, ["inspect", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d == json.loads(json.dumps(api.inspect([str(path)]).to_dict()))  # CLI = library
    assert d["rows_read"] == d["rows_used"] + sum(d["rows_skipped"].values())
    assert (d["rows_read"], d["rows_used"]) == (6, 3)
    assert d["rows_skipped"] == {"blank": 1, "total line": 1, "footer below the data": 1}
    assert (d["lines"], d["lines_added"], d["products"]) == (4, 1, ["PH-7"])
    src = d["sources"][0]
    assert (src["file_type"], src["encoding"], src["delimiter"], src["header_row"]) == (
        "csv",
        "utf-8-sig",
        ",",
        3,
    )
    assert src["structure"] == "flat"
    assert d["columns"] == {
        "part_number": "Part Number",
        "quantity": "Qty",
        "description": "Description",
        "reference_designators": "Ref",
    }
    assert [p["part_number"] for p in d["preview"]] == ["PH-7", "CAP-1", "IC-1", "RES-1"]
    codes = [(i["row"], i["code"]) for i in d["issues"] if i["severity"] == "info"]
    assert (7, "do-not-populate") in codes and (8, "row-skipped") in codes


def test_inspect_table_output(runner: CliRunner, write_csv: WriteCsv) -> None:
    path = write_csv("messy.csv", MESSY)
    res = runner.invoke(cli, ["inspect", str(path)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "Layout: indented"
    assert lines[1] == f"{path}: csv, encoding utf-8-sig, delimiter ','"
    assert lines[2] == "  BOM, flat; header row 3"
    assert lines[3] == (
        "  rows read 6: used 3, skipped 3 (1 blank, 1 total line, 1 footer below the data)"
    )
    assert lines[4] == "  product line added: PH-7 (named from the title cell A1)"
    assert "Rows: 6 read = 3 used + 3 skipped" in lines
    assert "Products: PH-7" in lines


def test_product_flag_and_profile_flags(
    runner: CliRunner, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv("cart.csv", "Menge;Teil\n2;R1\n")
    prof = tmp_path / "p.toml"
    res = runner.invoke(
        cli,
        [
            "inspect",
            str(path),
            "--product",
            "KIT",
            "--column",
            "part_number=Teil",
            "--save-profile",
            str(prof),
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["products"] == ["KIT"]
    text = prof.read_text(encoding="utf-8")
    assert 'part_number = [\n    "Teil",\n]' in text and 'layout = "flat"' in text
    other = write_csv("cart2.csv", "Teil;Menge\nR2;5\n")
    res = runner.invoke(cli, ["inspect", str(other), "--profile", str(prof), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["total_quantity"] == 5


def test_as_of_flag_on_inspect_and_analyze(runner: CliRunner, write_csv: WriteCsv) -> None:
    path = write_csv(
        "e.csv",
        "Parent,Part,Qty,Effective From,Effective To\n,TOP,,,\nTOP,A,1,,2020-01-01\n"
        "TOP,B,1,2020-01-01,\n",
    )
    res = runner.invoke(cli, ["inspect", str(path), "--as-of", "2019-06-01", "--format", "json"])
    assert json.loads(res.output)["rows_skipped"] == {"not in effect": 1}
    assert [p["part_number"] for p in json.loads(res.output)["preview"]] == ["TOP", "A"]
    res = runner.invoke(
        cli, ["analyze", str(path), "-d", "CN", "--as-of", "2021-01-01", "--format", "json"]
    )
    d = json.loads(res.output)
    assert d["inputs"][0]["rows_skipped"] == {"not in effect": 1}
    res = runner.invoke(cli, ["inspect", str(path), "--as-of", "June"])
    assert res.exit_code == 2
    assert "--as-of 'June' is not a date" in res.output


def test_bom_date_apart_from_the_rules_date(runner: CliRunner, write_csv: WriteCsv) -> None:
    """--bom-date picks the BOM lines in effect; --as-of keeps meaning the rules' date (and
    picks the lines too when --bom-date is not given)."""
    path = write_csv(
        "e.csv",
        "Parent,Part,Qty,Effective From,Effective To\n,TOP,,,\nTOP,A,1,,2020-01-01\n"
        "TOP,B,1,2020-01-01,\n",
    )
    args = ["analyze", str(path), "-d", "CN", "--as-of", "2021-01-01", "--format", "json"]
    d = json.loads(runner.invoke(cli, [*args, "--bom-date", "2012-03-01"]).output)
    assert d["ruleset"]["as_of"] == "2021-01-01" and d["options"]["bom_date"] == "2012-03-01"
    assert d["inputs"][0]["rows_used"] == 2
    assert d["inputs"][0]["rows_skipped"] == {"not in effect": 1}
    res = runner.invoke(cli, ["explode", str(path), "--bom-date", "2012-03-01", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert ",A," in res.output and ",B," not in res.output
    d = json.loads(runner.invoke(cli, args).output)
    assert d["options"]["bom_date"] == "2021-01-01"
    res = runner.invoke(cli, [*args, "--bom-date", "2012"])
    assert res.exit_code == 2
    assert "--bom-date '2012' is not a date" in res.output


def test_bad_profile_is_a_usage_error(
    runner: CliRunner, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv("b.csv", "Level,Part,Qty\n0,P,\n")
    res = runner.invoke(cli, ["inspect", str(path), "--profile", str(tmp_path / "none.toml")])
    assert res.exit_code == 2
    assert res.output.strip().endswith("Write one with --save-profile.")


def test_sheet_flag_repeatable(runner: CliRunner, write_xlsx: WriteXlsx) -> None:
    head = ["Level", "Part", "Qty"]
    book = write_xlsx(
        "b.xlsx",
        {"A": [head, [0, "P", None]], "B": [head, [0, "Q", None]], "C": [head, [0, "R", None]]},
    )
    res = runner.invoke(
        cli, ["inspect", str(book), "--sheet", "A", "--sheet", "C", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["products"] == ["P", "R"]


def _fixtures(tmp_path: Path, write_csv: WriteCsv, write_xlsx: WriteXlsx) -> dict[str, list[Path]]:
    rows: list[list[object]] = [
        ["Level", "Part Number", "Qty", "Unit Cost"],
        [0, "P", None, None],
        [1, "A", 2, 1.5],
        [None, None, None, None],
        [1, "B", "x", 2],
        ["Total", None, 3, None],
    ]
    xls = tmp_path / "b.xls"
    try:
        import xlwt

        wb = xlwt.Workbook()
        ws = wb.add_sheet("BOM")
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                if v is not None:
                    ws.write(i, j, v)
        wb.save(str(xls))
    except ImportError:  # pragma: no cover - xlwt is a test dependency
        xls = write_xlsx("b2.xlsx", {"BOM": rows})
    text = "".join(";".join("" if v is None else str(v) for v in r) + "\n" for r in rows)
    return {
        "csv": [write_csv("b.csv", text)],
        "tab": [write_csv("t.csv", text.replace(";", "\t"))],
        "xlsx": [write_xlsx("b.xlsx", {"BOM": rows, "Notes": [["see"]]})],
        "xls": [xls],
        "flat": [write_csv("f.csv", "Title: K\nPart;Qty\nA;1\n;\nB;2\nNotes:;\n")],
        "per-assembly": [
            write_xlsx(
                "a.xlsx", {"TOP": [["Part", "Qty"], ["SUB", 1]], "SUB": [["Part", "Qty"], ["R", 2]]}
            )
        ],
        "edges+master": [
            write_csv("e.csv", "Parent,Part,Qty\n,TOP,\nTOP,A,2\n"),
            write_csv("m.csv", "Part,Unit Cost,COO\nA,1,US\nZ,2,CN\n"),
        ],
    }


@pytest.mark.parametrize(
    "kind", ["csv", "tab", "xlsx", "xls", "flat", "per-assembly", "edges+master"]
)
def test_inspect_counts_add_up_on_every_fixture(
    kind: str, tmp_path: Path, write_csv: WriteCsv, write_xlsx: WriteXlsx
) -> None:
    paths = _fixtures(tmp_path, write_csv, write_xlsx)[kind]
    d = api.inspect([str(p) for p in paths]).to_dict()
    assert d["rows_read"] == d["rows_used"] + sum(d["rows_skipped"].values())
    for s in d["sources"]:
        assert s["rows"] == s["rows_used"] + sum(s["rows_skipped"].values())
        assert "part_number" in s["columns"]
    bom_used = sum(s["rows_used"] for s in d["sources"] if s["role"] == "bom")
    assert d["lines"] == bom_used + d["lines_added"]
    assert d["products"]
