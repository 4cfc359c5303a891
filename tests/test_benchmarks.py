"""Smoke test of benchmarks/: the generator, the baseline and the agreement check.

No timing assertions: this only checks that the scripts run and that the baseline and
bomtrace give the same answers on a ~200-line BOM.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import bomtrace

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
DESTS = ("CN", "DE", "IR", "CU", "RU")


def _load(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # run.py imports gen
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    gen = _load("gen")
    out = tmp_path_factory.mktemp("bench")
    spec = gen.Spec(
        seed=3,
        depth=4,
        target_rows=200,
        price_frac=0.5,
        formats=("indented-csv", "indented-xlsx", "edges-csv"),
    )
    stats = gen.generate(spec, out, "t")
    return {"dir": out, "stats": stats}


def test_generator_is_seeded_and_sized(tiny: dict[str, Any], tmp_path: Path) -> None:
    stats = tiny["stats"]
    assert 150 <= stats["indented_rows"] <= 200
    assert stats["products"] >= 2
    assert 1 <= stats["products_with_selling_price"] < stats["products"]
    gen = _load("gen")
    again = gen.generate(gen.Spec(seed=3, depth=4, target_rows=200, price_frac=0.5), tmp_path, "t")
    assert again["indented_rows"] == stats["indented_rows"]
    for name in ("t_indented.csv", "t_edges.csv", "t_parts.csv"):
        assert (tmp_path / name).read_bytes() == (tiny["dir"] / name).read_bytes()


@pytest.mark.parametrize(
    "files",
    [["t_indented.csv"], ["t_indented.xlsx"], ["t_edges.csv", "t_parts.csv"]],
    ids=["indented-csv", "indented-xlsx", "parent-child-csv"],
)
def test_baseline_agrees_with_bomtrace(
    tiny: dict[str, Any], tmp_path: Path, files: list[str]
) -> None:
    baseline, run = _load("baseline"), _load("run")
    paths = [str(tiny["dir"] / f) for f in files]
    out = tmp_path / "baseline.json"
    argv = [*paths, *[x for d in DESTS for x in ("-d", d)], "--as-of", "2020-08-17"]
    assert baseline.main([*argv, "-o", str(out)]) == 0
    base = json.loads(out.read_text(encoding="utf-8"))
    result = bomtrace.analyze(paths, destinations=DESTS, as_of=date(2020, 8, 17))
    bt = json.loads(json.dumps(result.to_dict()))
    check = run.compare(bt, base, DESTS)
    assert check["agree"], check["problems"]
    assert check["products"] == tiny["stats"]["products"]
    assert check["destination_results_checked"] == len(DESTS) * check["products"]
    bases = {p["denominator_basis"] for p in base["products"].values()}
    assert bases == {"selling_price", "rolled_up_cost"}


def test_agreement_check_catches_a_difference(tiny: dict[str, Any], tmp_path: Path) -> None:
    baseline, run = _load("baseline"), _load("run")
    out = tmp_path / "baseline.json"
    path = str(tiny["dir"] / "t_indented.csv")
    assert baseline.main([path, "-d", "CN", "-o", str(out)]) == 0
    base = json.loads(out.read_text(encoding="utf-8"))
    pn = next(iter(base["products"]))
    base["products"][pn]["total_cost"] *= 1.001
    result = bomtrace.analyze([path], destinations=["CN"], as_of=date(2020, 8, 17))
    check = run.compare(json.loads(json.dumps(result.to_dict())), base, ("CN",))
    assert not check["agree"]
    assert any("total_cost" in p for p in check["problems"])


def test_measure_reports_a_child_run(tmp_path: Path) -> None:
    run = _load("run")
    r = run.measure([sys.executable, "-c", "pass"], 60, tmp_path / "log", 0)
    assert r["rc"] == 0 and r["stopped"] is None
    assert r["wall_s"] > 0 and r["rss_mb"] > 0


def test_all_destinations_check_reads_same_for_and_summaries(tiny: dict[str, Any]) -> None:
    run = _load("run")
    path = tiny["dir"] / "t_indented.csv"
    day = date(2020, 8, 17)
    five = json.loads(json.dumps(bomtrace.analyze(path, destinations=DESTS, as_of=day).to_dict()))
    every = bomtrace.analyze(path, all_destinations=True, as_of=day).to_dict()
    full = json.loads(json.dumps(every))
    assert run.compare_subset(full, five, DESTS)
    # a verdict changed in the 5-destination run is caught, detailed or not
    for p in five["products"]:
        for d in p["destinations"]:
            d["verdict"] = "subject" if d["verdict"] == "not-subject" else "not-subject"
    assert not run.compare_subset(full, five, DESTS)


def test_stages_script_runs_every_stage(tiny: dict[str, Any], tmp_path: Path) -> None:
    import subprocess

    out = tmp_path / "stages.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "stages.py"), str(tiny["dir"] / "t_indented.csv"),
         "-o", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout + proc.stderr
    for stage in ("imports", "read (read_bom)", "graph build", "JSON document", "write"):
        assert stage in text
    assert "not found" not in text  # every default wrap still resolves
    assert json.loads(out.read_bytes())["products"]


def _quick(script: str, tmp_path: Path) -> dict[str, Any]:
    """What ``benchmarks/SCRIPT --quick -o OUT`` writes (it must succeed)."""
    import subprocess

    out = tmp_path / "quick.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick", "--data-dir", str(tmp_path),
         "-o", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_portfolio_benchmark_quick(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    got = _quick("portfolio.py", tmp_path)
    assert got["identical"] and got["files"] == 6
    assert [r["mode"] for r in got["results"]] == [
        "1 local worker", "2 local workers", "LocalCluster (2 workers)"
    ]  # fmt: skip
    assert all(r["lines"] > 0 and r["lines_per_s"] > 0 for r in got["results"])


def test_library_cost_benchmark_quick(tmp_path: Path) -> None:
    got = _quick("library_cost.py", tmp_path)
    assert [r["mode"] for r in got["results"]] == ["no library", "--db --no-record", "--db"]
    assert got["library_import_s"] > 0 and all(r["wall_s"] > 0 for r in got["results"])
    assert len(got["one_part_import_s"]) == 2 and all(x > 0 for x in got["one_part_import_s"])
