"""Command line: exit codes, exact error lines, formats, CLI/library parity (bomtrace/cli.py)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import bomtrace
from bomtrace.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PHONE = "samples/p30pro.xlsx"
ROUTER = "samples/rtr_e200.xlsx"
RADIO = "samples/ru5g64t.xlsx"
BROKEN = "samples/broken_edges.csv"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["analyze"], ["inspect"], ["explode"], ["rules"]])
def test_help_for_every_command(runner: CliRunner, command: list[str]) -> None:
    res = runner.invoke(cli, [*command, "--help"])
    assert res.exit_code == 0
    assert "Usage:" in res.output
    assert "Exit codes" in res.output or command == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:  # type: ignore[attr-defined]
        assert f"bomtrace {name}" in readme, name


def test_analyze_phone_json_has_teardown_totals(runner: CliRunner) -> None:
    res = runner.invoke(
        cli, ["analyze", PHONE, "--destination", "CN", "--as-of", "2020-08-17", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    p = d["products"][0]
    assert (p["total_cost"], p["us_origin_value"]) == (363.83, 59.36)
    cn = p["destinations"][0]
    assert (cn["country"], cn["threshold"], cn["subject_to_ear"]) == ("CN", 0.25, False)
    assert d["ruleset"]["as_of"] == "2020-08-17"
    assert d["inputs"][0]["path"] == PHONE
    assert len(d["inputs"][0]["sha256"]) == 64


def test_cli_json_equals_library_to_dict(runner: CliRunner) -> None:
    args = [
        "--destination",
        "CN",
        "--destination",
        "IR",
        "--as-of",
        "2020-08-17",
        "--scenario",
        "proposed-2020-huawei-10pct",
    ]
    res = runner.invoke(cli, ["analyze", ROUTER, *args, "--format", "json"])
    lib = bomtrace.analyze(
        ROUTER,
        destinations=["CN", "IR"],
        as_of=date(2020, 8, 17),
        scenarios=["proposed-2020-huawei-10pct"],
    )
    assert json.loads(res.output) == json.loads(json.dumps(lib.to_dict()))


def test_exit_code_1_when_subject(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["analyze", RADIO, "-d", "CN", "--as-of", "2020-08-17"])
    assert res.exit_code == 1
    assert "SUBJECT" in res.output


def test_router_flips_under_the_2020_proposal(runner: CliRunner) -> None:
    base = ["analyze", ROUTER, "-d", "CN", "--as-of", "2020-08-17", "--format", "json"]
    d = json.loads(runner.invoke(cli, base).output)
    assert d["products"][0]["destinations"][0]["verdict"] == "not-subject"
    res = runner.invoke(cli, [*base, "--scenario", "proposed-2020-huawei-10pct"])
    d = json.loads(res.output)
    s = d["products"][0]["destinations"][0]["scenarios"][0]
    assert (s["verdict"], s["flips"]) == ("subject", True)
    assert d["scenario_flips"][0]["part_number"] == "RTR-E200"


def test_unknown_destination_is_one_line_exit_2(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["analyze", PHONE, "--destination", "XX"])
    assert res.exit_code == 2
    last = res.output.strip().splitlines()[-1]
    assert last.startswith("Error: Unknown destination 'XX'.")
    assert "bomtrace rules --destinations" in last


def test_bad_date_and_bad_column_and_missing_file(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["analyze", PHONE, "--as-of", "17/08/2020"])
    assert res.exit_code == 2
    assert res.output.strip().endswith("use YYYY-MM-DD, e.g. 2020-08-17.")
    res = runner.invoke(cli, ["analyze", PHONE, "--column", "qty"])
    assert res.exit_code == 2 and "FIELD=HEADER" in res.output
    res = runner.invoke(cli, ["analyze", "nope.xlsx"])
    assert res.exit_code == 2 and "nope.xlsx" in res.output
    res = runner.invoke(cli, ["analyze", PHONE, "--scenario", "nope"])
    assert res.exit_code == 2 and "proposed-2020-huawei-10pct" in res.output


def test_xlsx_needs_output_file(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["analyze", PHONE, "--format", "xlsx"])
    assert res.exit_code == 2
    assert "-o REPORT.xlsx" in res.output


def test_xlsx_report_sheets(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    res = runner.invoke(
        cli,
        [
            "analyze",
            ROUTER,
            RADIO,
            "-d",
            "CN",
            "--as-of",
            "2020-08-17",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 1
    wb = load_workbook(out)
    assert wb.sheetnames[:4] == ["Summary", "Destinations", "Contributors", "Scenarios"]
    assert "Issues" in wb.sheetnames and "About" in wb.sheetnames
    ws = wb["Destinations"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    ratio_col = header.index("Ratio") + 1
    assert ws.cell(2, ratio_col).number_format == "0.00%"
    products = {ws.cell(r, 1).value for r in range(2, ws.max_row + 1)}
    assert products == {"RTR-E200", "RU-5G-64T"}


def test_csv_format(runner: CliRunner) -> None:
    res = runner.invoke(
        cli, ["analyze", ROUTER, "-d", "CN", "--as-of", "2020-08-17", "--format", "csv"]
    )
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("product,description,country,destination")
    assert lines[1].startswith("RTR-E200,")


def test_broken_bom_reports_and_analyses_the_rest(runner: CliRunner) -> None:
    res = runner.invoke(
        cli, ["analyze", BROKEN, "-d", "CN", "--as-of", "2020-08-17", "--format", "json"]
    )
    d = json.loads(res.output)
    analysed = {p["part_number"]: p["analysed"] for p in d["products"]}
    assert analysed == {"P1": True, "P2": False, "P3": False}
    codes = {i["code"] for i in d["issues"]}
    assert {"bom-cycle", "bad-quantity", "quantity-conflict", "product-not-analysed"} <= codes
    cyc = next(i for i in d["issues"] if i["code"] == "bom-cycle")
    assert "P2-A → P2-B → P2-C → P2-A" in cyc["message"]
    bad = next(i for i in d["issues"] if i["code"] == "bad-quantity")
    assert (bad["file"], bad["row"], bad["part_number"]) == (BROKEN, 14, "P3-301")


def test_inspect_and_explode(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["inspect", PHONE, "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert (d["layout"], d["header_row"]) == ("indented", 4)
    assert d["columns"]["part_number"] == "Part Number"
    assert d["products"] == ["VOG-L29-128"]
    res = runner.invoke(cli, ["explode", PHONE, "--format", "json"])
    d = json.loads(res.output)
    parts = d["products"][0]["parts"]
    assert round(sum(p["extended_cost"] for p in parts), 2) == 363.83
    res = runner.invoke(cli, ["explode", PHONE, "--format", "csv"])
    assert res.output.splitlines()[0].startswith("product,part_number,description,quantity")


def test_rules_command(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["rules", "--as-of", "2020-08-17", "-d", "SD", "--format", "json"])
    d = json.loads(res.output)
    sd = d["destinations"][0]
    assert (sd["code"], sd["threshold"]) == ("SD", 0.10)
    assert "E:1" in sd["groups"]
    res = runner.invoke(cli, ["rules", "--destinations"])
    assert res.exit_code == 0 and "CN" in res.output


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "bomtrace", "--version"], capture_output=True, text=True, check=True
    )
    assert "bomtrace, version" in out.stdout


def test_the_process_ends_with_its_output_written(tmp_path: Path) -> None:
    """The console entry point ends the process at once after the command (no object-by-object
    teardown): stdout, the output file, stderr and the exit code are all complete."""
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bomtrace", *args], capture_output=True, text=True, check=False
        )

    common = ["analyze", PHONE, "-d", "CN", "-d", "IR", "--as-of", "2020-08-17"]
    piped = run(*common, "--format", "json")
    doc = json.loads(piped.stdout)
    assert [p["part_number"] for p in doc["products"]] == ["VOG-L29-128"]
    assert piped.returncode == 1  # subject for Iran
    out = tmp_path / "r.json"
    written = run(*common, "--format", "json", "-o", str(out))
    assert written.returncode == 1 and json.loads(out.read_bytes()) == doc
    missing = run("analyze", str(tmp_path / "nope.xlsx"))
    assert missing.returncode == 2 and "nope.xlsx" in missing.stderr
    assert run("--version").returncode == 0


def test_explode_parquet_and_csv_files(runner: CliRunner, tmp_path: Path) -> None:
    import pandas as pd

    pq = tmp_path / "e.parquet"
    res = runner.invoke(cli, ["explode", PHONE, "--format", "parquet", "-o", str(pq)])
    assert res.exit_code == 0, res.output
    t = pd.read_parquet(pq)
    assert list(t.columns)[:3] == ["product", "part_number", "description"]
    assert round(float(t["extended_cost"].sum()), 2) == 363.83
    csv = tmp_path / "e.csv"
    runner.invoke(cli, ["explode", PHONE, "--format", "csv", "-o", str(csv)])
    assert (
        pd.read_csv(csv, dtype={"part_number": str})["part_number"].tolist()
        == t["part_number"].tolist()
    )
    res = runner.invoke(cli, ["explode", PHONE, "--format", "parquet"])
    assert res.exit_code == 2 and "-o EXPLODED.parquet" in res.output


def test_html_report(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = runner.invoke(
        cli,
        [
            "analyze",
            ROUTER,
            RADIO,
            "-d",
            "CN",
            "--as-of",
            "2020-08-17",
            "--scenario",
            "proposed-2020-huawei-10pct",
            "--format",
            "html",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Product RTR-E200" in html and "Product RU-5G-64T" in html
    assert '<td class="subject">subject</td>' in html  # RU-5G-64T to China
    assert "proposed-2020-huawei-10pct" in html
    assert html.count("<script") == 2  # self-contained: the tree's data and our one script
    assert 'src="' not in html and "http://" not in html and "https://" not in html


def test_fdpr_in_xlsx_and_html(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    args = [
        "analyze",
        "samples/basestation_2020.xlsx",
        "-d",
        "CN",
        "--as-of",
        "2020-08-17",
        "--end-user",
        "Huawei Technologies",
    ]
    x = tmp_path / "b.xlsx"
    assert runner.invoke(cli, [*args, "--format", "xlsx", "-o", str(x)]).exit_code == 1
    ws = load_workbook(x)["FDPR"]
    assert ws.max_row - 1 == 4  # four parts caught in August 2020
    h = tmp_path / "b.html"
    runner.invoke(cli, [*args, "--format", "html", "-o", str(h)])
    assert "Foreign Direct Product rule: parts caught" in h.read_text(encoding="utf-8")
