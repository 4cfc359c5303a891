"""``bomtrace portfolio``: many BOM files, each analysed alone, one combined result; local
processes and a Dask LocalCluster give the same bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

import bomtrace
from bomtrace.analysis.portfolio import combine
from bomtrace.api.portfolio import analyse_file, expand_paths
from bomtrace.cli import cli
from bomtrace.errors import UsageError

DAY = "2020-08-17"
DESTS = ("CN", "IR")
HEAD = "Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN,Selling Price,Supplier\n"
#: U1 (US, 3A001.a.7: controlled to CN and IR) and X1 (no origin, no ECCN) in both products
BOM_A = HEAD + (
    "0,PA,Product A,1,,TW,,100,\n"
    "1,U1,FPGA,1,30,US,3A001.a.7,,Acme\n"
    "1,R1,Resistor,10,0.1,JP,EAR99,,Beta\n"
    '1,X1,"=HYPERLINK(""http://x"",""y"")",2,5,,,,Gamma\n'
)
BOM_B = HEAD + (
    "0,PB,Product B,1,,TW,,200,\n"
    "1,U1,FPGA,2,30,US,3A001.a.7,,Acme\n"
    '1,X1,"=HYPERLINK(""http://x"",""y"")",1,5,,,,Gamma\n'
)
CLEAN = HEAD + "0,PC,Product C,1,,TW,,100,\n1,R1,Resistor,10,0.1,JP,EAR99,,Beta\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    boms = tmp_path / "boms"
    boms.mkdir()
    (boms / "a.csv").write_text(BOM_A, encoding="utf-8")
    (boms / "b.csv").write_text(BOM_B, encoding="utf-8")
    (boms / "c_bad.csv").write_text("just some words\nand more words\n", encoding="utf-8")
    (boms / "notes.md").write_text("not read", encoding="utf-8")
    return boms


def _json(args: list[str]) -> tuple[int, bytes]:
    res = CliRunner().invoke(cli, ["portfolio", *args, "--format", "json"])
    return res.exit_code, res.stdout_bytes


def _args(folder: Path) -> list[str]:
    return [str(folder), "-d", "CN", "-d", "IR", "--as-of", DAY]


def test_folder_is_expanded_to_its_bom_files(folder: Path) -> None:
    assert [Path(p).name for p in expand_paths([folder])] == ["a.csv", "b.csv", "c_bad.csv"]


def _cells(p: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(x["country"], x["verdict"], x["ratio"], x["threshold"]) for x in p["destinations"]]


def test_verdicts_equal_each_files_own_analyze(folder: Path) -> None:
    r = bomtrace.portfolio([folder], destinations=DESTS, as_of=DAY, workers=1).to_dict()
    rows = {(p["file"], p["part_number"]): p for p in r["products"]}
    assert len(rows) == 2
    for name in ("a.csv", "b.csv"):
        path = str(folder / name)
        own = json.loads(bomtrace.analyze(path, destinations=DESTS, as_of=DAY).to_json())
        for p in own["products"]:
            got = rows[(path, p["part_number"])]
            assert _cells(got) == _cells(p)
            assert got["fdpr"] == p["fdpr_summary"]["status"]


def test_record_is_the_files_analyze_document(folder: Path) -> None:
    path = str(folder / "a.csv")
    rec = analyse_file(path, {"destinations": list(DESTS), "as_of": DAY})
    own = json.loads(bomtrace.analyze(path, destinations=DESTS, as_of=date(2020, 8, 17)).to_json())
    assert rec["analysis"] == own
    assert json.loads(json.dumps(rec)) == rec  # plain, JSON-able
    assert rec["lines"] == 4 and len(rec["sha256"]) == 64


def test_bad_file_is_reported_and_the_others_go_on(folder: Path) -> None:
    code, out = _json([*_args(folder), str(folder / "missing.csv"), "--workers", "2"])
    assert code == 3
    d = json.loads(out)
    status = {Path(f["path"]).name: (f["status"], f["message"]) for f in d["files"]}
    assert status["a.csv"] == ("ok", None) and status["b.csv"] == ("ok", None)
    assert status["c_bad.csv"][0] == "error" and "cannot be read as a BOM" in status["c_bad.csv"][1]
    assert status["missing.csv"] == ("error", f"File not found: {folder / 'missing.csv'}.")
    assert d["totals"]["files_failed"] == 2 and d["totals"]["exit_code"] == 3


def test_exit_codes(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    good = [str(folder / "a.csv"), str(folder / "b.csv"), "-d", "CN", "-d", "IR", "--as-of", DAY]
    assert _json(good)[0] == 1  # U1 makes both subject
    clean = tmp_path_factory.mktemp("clean") / "c.csv"
    clean.write_text(CLEAN, encoding="utf-8")
    assert _json([str(clean), "-d", "CN", "--as-of", DAY])[0] == 0
    res = CliRunner().invoke(cli, ["portfolio", str(clean), "-d", "XX", "--as-of", DAY])
    assert res.exit_code == 2


def test_aggregation_sums_by_hand(folder: Path) -> None:
    d = bomtrace.portfolio([folder], destinations=DESTS, as_of=DAY, workers=1).to_dict()
    # U1: 30 × 1 in PA and 30 × 2 in PB, controlled to both destinations: (30 + 60) × 2
    assert d["parts"] == [
        {"part_number": "U1", "description": "FPGA", "supplier": "Acme",
         "controlled_us_value": 180.0, "products": 2},
    ]  # fmt: skip
    assert d["suppliers"] == [
        {"supplier": "Acme", "controlled_us_value": 180.0, "parts": 1, "products": 2}
    ]
    # X1: no origin, no ECCN; 5 × 2 in PA and 5 × 1 in PB
    (x1,) = d["classify_first"]
    assert (x1["part_number"], x1["value_at_stake"], x1["products"]) == ("X1", 15.0, 2)
    assert x1["missing"] == ["country_of_origin", "eccn"]
    assert d["totals"]["lines"] == 7 and d["totals"]["products"] == 2


def test_combine_ignores_completion_order(folder: Path) -> None:
    opts: dict[str, Any] = {"destinations": list(DESTS), "as_of": DAY}
    recs = [analyse_file(p, opts) for p in expand_paths([folder])]
    a = orjson.dumps(combine(recs).to_dict())
    again = [analyse_file(p, opts) for p in reversed(expand_paths([folder]))][::-1]
    assert orjson.dumps(combine(again).to_dict()) == a


def test_same_bytes_for_one_and_two_workers(folder: Path) -> None:
    one = _json([*_args(folder), "--workers", "1"])
    two = _json([*_args(folder), "--workers", "2"])
    assert one == two and one[0] == 3


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as c:
        yield c


def test_local_cluster_gives_the_local_bytes(folder: Path, cluster: Any) -> None:
    local = _json([*_args(folder), "--workers", "1"])
    dask = _json([*_args(folder), "--scheduler", cluster.scheduler_address])
    assert dask == local and json.loads(local[1])["totals"]["files"] == 3


def test_scheduler_without_distributed_is_a_usage_error(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    with pytest.raises(UsageError, match="bomtrace\\[cluster\\]"):
        bomtrace.portfolio([folder], as_of=DAY, scheduler="tcp://127.0.0.1:1")
    res = CliRunner().invoke(cli, ["portfolio", str(folder), "--scheduler", "tcp://127.0.0.1:1"])
    assert res.exit_code == 2 and "bomtrace[cluster]" in res.output


def test_cli_does_not_import_dask() -> None:
    code = "import sys, bomtrace.cli; print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"  # noqa: E501
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_xlsx_opens_and_cells_are_text(folder: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "p.xlsx"
    res = CliRunner().invoke(cli, ["portfolio", *_args(folder), "--format", "xlsx", "-o", str(out)])
    assert res.exit_code == 3, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Files", "Verdicts", "Parts", "Suppliers", "Classify first"]
    cells = [c for row in wb["Classify first"].iter_rows() for c in row if c.value]
    hyper = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert hyper and all(c.data_type == "s" for c in hyper)


def test_html_has_no_script(folder: Path) -> None:
    res = CliRunner().invoke(cli, ["portfolio", *_args(folder), "--format", "html"])
    assert res.exit_code == 3
    page = res.output
    assert "<script" not in page.lower() and "U1" in page and "cannot be read as a BOM" in page


def test_progress_on_stderr(folder: Path) -> None:
    res = CliRunner().invoke(cli, ["portfolio", *_args(folder), "--progress", "--workers", "1"])
    assert "3/3 files" in res.stderr and "lines/s" in res.stderr
    assert "files  " not in res.stdout
