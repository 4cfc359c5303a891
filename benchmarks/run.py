#!/usr/bin/env python3
"""Benchmark ``bomtrace analyze`` against the pandas/openpyxl/networkx baseline.

For every case, in the same batch and each as a fresh subprocess (interpreter start and
imports count):

1. ``bomtrace analyze FILES -d CN -d DE -d IR -d CU -d RU --as-of 2020-08-17 --format json
   -o OUT`` (plus ``--quiet`` when the CLI has it), ``--repeat`` times;
2. the same with ``--all-destinations`` instead of the five ``-d``, ``--repeat`` times;
3. ``benchmarks/baseline.py`` on the same files and destinations (``--baseline-repeat``
   times; skipped above ``--baseline-max-rows`` input lines, stopped after
   ``--baseline-timeout`` seconds).

Wall time is measured around the child; peak RSS is the child's own ``ru_maxrss`` from
``os.wait4`` (so it includes the interpreter and every import). Medians are reported. The
answers must agree: per product total cost, US-origin value, denominator, and per destination
controlled US value and ratio within 1e-6 relative (plus bomtrace's output rounding: 4
decimals for money, 6 for ratios), and the same verdict. Data is generated on first use
(``benchmarks/gen.py``) into ``--data-dir`` (default ``/tmp/bomtrace-bench``), outside the
repository. Run cases one at a time on a quiet machine; do not run two benchmarks at once.

Examples::

    python benchmarks/run.py                      # every target case (long: xlsx generation)
    python benchmarks/run.py --quick              # 10k-100k lines, a smoke run
    python benchmarks/run.py --cases ind-csv-1m,shared-csv-100k --repeat 3
    python benchmarks/run.py --list
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import DATASETS, DEFAULT_DATA_DIR, ensure_dataset  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DESTS = ("CN", "DE", "IR", "CU", "RU")
AS_OF = "2020-08-17"
MONEY_ABS = 1e-4  # bomtrace rounds money to 4 decimals in JSON
RATIO_ABS = 1e-6  # and ratios to 6
REL = 1e-6


@dataclass(frozen=True)
class Case:
    """One benchmark case: a data set, the files given to both tools, and bomtrace's targets."""

    name: str
    dataset: str
    inputs: tuple[str, ...]  #: format keys of Dataset.files(): "indented-csv", "edges-csv", ...
    rows_key: str  #: stats key giving the case's input size ("indented_rows"/"unique_edges")
    target_s: float | None = None
    target_mb: float | None = None
    quick: bool = False
    title: str = ""


CASES: dict[str, Case] = {
    c.name: c
    for c in [
        Case("help", "", (), "", 0.3, None, True, "`bomtrace --help`"),
        Case("ind-csv-10k", "r10k", ("indented-csv",), "indented_rows", quick=True),
        Case("ind-xlsx-10k", "r10k", ("indented-xlsx",), "indented_rows", quick=True),
        Case("pc-csv-10k", "r10k", ("edges-csv", "parts-csv"), "unique_edges", quick=True),
        Case("shared-csv-10k", "s10k", ("edges-csv", "parts-csv"), "unique_edges", quick=True),
        Case("ind-csv-100k", "r100k", ("indented-csv",), "indented_rows", quick=True),
        Case(
            "ind-xlsx-100k",
            "r100k",
            ("indented-xlsx",),
            "indented_rows",
            1.5,
            300,
            True,
            "100k-line indented xlsx",
        ),
        Case("pc-csv-100k", "e100k", ("edges-csv", "parts-csv"), "unique_edges", quick=True),
        Case(
            "ind-xlsx-1m",
            "r1m",
            ("indented-xlsx",),
            "indented_rows",
            10,
            1500,
            False,
            "1M-line indented xlsx",
        ),
        Case(
            "ind-csv-1m",
            "r1m",
            ("indented-csv",),
            "indented_rows",
            3,
            1000,
            False,
            "1M-line indented csv",
        ),
        Case(
            "pc-csv-1m",
            "e1m",
            ("edges-csv", "parts-csv"),
            "unique_edges",
            4,
            1500,
            False,
            "1M-edge parent-child csv + parts master",
        ),
        Case(
            "where-used-1m",
            "e1m",
            ("edges-csv", "parts-csv"),
            "unique_edges",
            10,
            1500,
            False,
            "where-used of the most shared part, 1M-edge BOM (issue 20)",
        ),
        Case(
            "shared-csv-100k",
            "s100k",
            ("edges-csv", "parts-csv"),
            "unique_edges",
            3,
            1000,
            False,
            "100k-edge, ~100M-path shared BOM (csv)",
        ),
    ]
}
#: the cases with targets from issue 7, in the order run by default
TARGET_CASES = (
    "help",
    "ind-xlsx-100k",
    "ind-csv-1m",
    "pc-csv-1m",
    "where-used-1m",
    "shared-csv-100k",
    "ind-xlsx-1m",
)


# --------------------------------------------------------------------------- measuring
def measure(
    cmd: list[str],
    timeout: float | None,
    log_path: Path,
    rss_limit: float,
    expect: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path = REPO,
) -> dict[str, Any]:
    """Run ``cmd`` as a fresh process (through measure.py); wall, peak RSS MiB, exit code.

    ``expect``: the output file the command must write (removed first); a run that exits
    0 or 1 without writing it (e.g. a traceback: exit 1) counts as failed.
    """
    if expect is not None and expect.exists():
        expect.unlink()
    launcher = [sys.executable, str(HERE / "measure.py"), "--log", str(log_path)]
    launcher += ["--timeout", str(timeout or 0), "--rss-limit-mb", str(rss_limit), "--"]
    out = subprocess.run(
        [*launcher, *cmd], capture_output=True, text=True, check=True, cwd=cwd, env=env
    )
    r: dict[str, Any] = json.loads(out.stdout)
    r["timed_out"] = r["stopped"] is not None
    r["ok"] = r["rc"] in (0, 1) and not r["timed_out"] and (expect is None or expect.exists())
    return r


def snapshot(rev: str, data_dir: str) -> tuple[Path, str]:
    """Export the bomtrace tree at ``rev`` (git archive, read-only for the repo)."""
    sha = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", rev],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dest = Path(data_dir) / f"src-{sha}"
    if not (dest / "bomtrace" / "__init__.py").exists():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", sha, "bomtrace"], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        # bytecode up front, so the first measured run does not pay for compiling
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest)], check=True)
    return dest, sha


def bomtrace_cmd(src: Path | None) -> list[str]:
    if src is not None:
        return [sys.executable, "-m", "bomtrace"]
    exe = Path(sys.executable).parent / "bomtrace"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("bomtrace")
    return [found] if found else [sys.executable, "-m", "bomtrace"]


def has_quiet(bt: list[str], env: dict[str, str] | None, cwd: str | Path) -> bool:
    out = subprocess.run(
        [*bt, "analyze", "--help"], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )
    return "--quiet" in out.stdout


def warm(files: list[Path]) -> None:
    """Read the inputs once so every tool sees a warm page cache."""
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 24):
                pass


# --------------------------------------------------------------------------- agreement
def _close(a: Any, b: Any, abs_tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= REL * max(abs(a), abs(b)) + abs_tol


def compare(bt: dict[str, Any], base: dict[str, Any], dests: tuple[str, ...]) -> dict[str, Any]:
    """Per product and destination: do bomtrace's JSON and the baseline's JSON agree?"""
    problems: list[str] = []
    borderline = zero_dm = 0
    prods = {p["part_number"]: p for p in bt["products"]}
    bp = base["products"]
    if set(prods) != set(bp):
        only_bt, only_base = sorted(set(prods) - set(bp)), sorted(set(bp) - set(prods))
        problems.append(
            f"product sets differ: only bomtrace {only_bt[:5]}, only baseline {only_base[:5]}"
        )
    checked = 0
    for pn in sorted(set(prods) & set(bp)):
        p, q = prods[pn], bp[pn]
        if not p["analysed"]:
            problems.append(f"{pn}: not analysed by bomtrace ({p['not_analysed_reason']})")
            continue
        for key, a, b in (
            ("total_cost", p["total_cost"], q["total_cost"]),
            ("us_origin_value", p["us_origin_value"], q["us_origin_value"]),
            ("denominator", p["denominator"]["value"], q["denominator"]),
        ):
            if not _close(a, b, MONEY_ABS):
                problems.append(f"{pn} {key}: bomtrace {a} baseline {b}")
        if p["denominator"]["basis"] != q["denominator_basis"]:
            problems.append(
                f"{pn} denominator basis: {p['denominator']['basis']} vs {q['denominator_basis']}"
            )
        pd_ = {d["country"]: d for d in p["destinations"]}
        for c in dests:
            d, e = pd_.get(c), q["destinations"].get(c)
            if d is None or e is None:
                problems.append(f"{pn} {c}: missing in {'bomtrace' if d is None else 'baseline'}")
                continue
            checked += 1
            if not _close(d["controlled_us_value"], e["controlled_us_value"], MONEY_ABS):
                problems.append(
                    f"{pn} {c} controlled: bomtrace {d['controlled_us_value']} "
                    f"baseline {e['controlled_us_value']}"
                )
            if not _close(d["ratio"], e["ratio"], RATIO_ABS):
                problems.append(f"{pn} {c} ratio: bomtrace {d['ratio']} baseline {e['ratio']}")
            high = (d.get("bounds") or {}).get("high")
            if "ratio_high" in e and not _close(high, e["ratio_high"], RATIO_ABS):
                problems.append(f"{pn} {c} high bound: bomtrace {high} baseline {e['ratio_high']}")
            if d.get("zero_de_minimis"):
                zero_dm += 1  # verdict set by 15 CFR 734.4(a), whatever the ratio: not compared
            elif d["verdict"] != e["verdict"]:
                if e["ratio"] is not None and abs(e["ratio"] - d["threshold"]) <= RATIO_ABS:
                    borderline += 1
                else:
                    problems.append(
                        f"{pn} {c} verdict: bomtrace {d['verdict']} baseline {e['verdict']}"
                    )
    return {
        "agree": not problems,
        "products": len(prods),
        "destination_results_checked": checked,
        "borderline_verdicts": borderline,
        "zero_de_minimis_verdicts_not_compared": zero_dm,
        "problems": problems[:20],
        "n_problems": len(problems),
    }


def compare_subset(full: dict[str, Any], five: dict[str, Any], dests: tuple[str, ...]) -> bool:
    """The all-destinations run gives the same answers for the five destinations.

    Under ``--all-destinations`` a product details only the destinations where it is subject
    or undetermined and the nearest ones (one entry per class, the others in ``same_for``); a
    destination it does not detail must be not-subject in the 5-destination run and absent
    from the summary's subject/undetermined lists.
    """
    fp = {p["part_number"]: p for p in full["products"]}
    for p5 in five["products"]:
        p = fp.get(p5["part_number"])
        if p is None or p["analysed"] != p5["analysed"]:
            return False
        if not p5["analysed"]:
            continue
        for key in ("total_cost", "us_origin_value"):
            if not _close(p[key], p5[key], MONEY_ABS):
                return False
        if not _close(p["denominator"]["value"], p5["denominator"]["value"], MONEY_ABS):
            return False
        shown: dict[str, dict[str, Any]] = {}
        for d in p["destinations"]:
            for c in (d["country"], *d.get("same_for", ())):
                shown[c] = d
        s = p.get("summary") or {}
        flagged = {*s.get("subject_for", ()), *s.get("undetermined_for", ())}
        for d5 in p5["destinations"]:
            c = d5["country"]
            if c not in dests:
                continue
            d = shown.get(c)
            if d is None:
                if d5["verdict"] != "not-subject" or c in flagged:
                    return False
                continue
            if d["verdict"] != d5["verdict"] or not (
                _close(d["controlled_us_value"], d5["controlled_us_value"], MONEY_ABS)
                and _close(d["ratio"], d5["ratio"], RATIO_ABS)
            ):
                return False
    return True


# --------------------------------------------------------------------------- running
def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r["ok"]]
    if not ok:
        stopped = [r["stopped"] for r in runs if r["stopped"]]
        if stopped:
            return {"status": stopped[0], "runs_wall_s": [round(r["wall_s"], 1) for r in runs]}
        return {"status": f"failed (exit {runs[0]['rc']})" if runs else "not run"}
    return {
        "status": "ok",
        "wall_s": statistics.median(r["wall_s"] for r in ok),
        "rss_mb": statistics.median(r["rss_mb"] for r in ok),
        "cpu_s": statistics.median(r["cpu_s"] for r in ok),
        "runs_wall_s": [round(r["wall_s"], 3) for r in runs],
        "runs_rss_mb": [round(r["rss_mb"], 1) for r in runs],
    }


def where_used_cmd(bt: list[str], paths: list[Path], out_dir: Path) -> list[str]:
    """``bomtrace where-used`` of the part listed under the most parents (the child column of
    the edges file: its second column)."""
    import pandas as pd

    child = pd.read_csv(paths[0], usecols=[1]).iloc[:, 0]
    part = str(child.value_counts().index[0])
    out = out_dir / "where-used.json"
    return [*bt, "where-used", *map(str, paths), "--part", part, "--format", "json", "-o", str(out)]


def run_case(case: Case, a: argparse.Namespace) -> dict[str, Any]:
    """Measure one case; ``a`` carries the options plus ``bt`` (command), ``env``, ``quiet``."""
    bt, quiet = a.bt, a.quiet
    out_dir = Path(a.data_dir) / "out"
    out_dir.mkdir(parents=True, exist_ok=True)

    def m(cmd: list[str], timeout: float, log: str, expect: Path | None) -> dict[str, Any]:
        return measure(cmd, timeout, out_dir / log, a.rss_limit_mb, expect, a.env, a.cwd)

    res: dict[str, Any] = {
        "loadavg_before": os.getloadavg()[0],
        "case": case.name,
        "title": case.title or case.name,
        "target_s": case.target_s,
        "target_mb": case.target_mb,
    }
    if case.name == "help":
        runs = [m([*bt, "--help"], 60, "help.log", None) for _ in range(a.repeat)]
        res["bomtrace"] = median_of(runs)
        return res
    files = ensure_dataset(case.dataset, a.data_dir, log=lambda m: print(m, flush=True))
    paths = [files[k] for k in case.inputs]
    stats = json.loads((Path(a.data_dir) / case.dataset / f"{case.dataset}_stats.json").read_text())
    rows = int(stats[case.rows_key])
    res["data"] = {
        "files": [str(p) for p in paths],
        "bytes": sum(p.stat().st_size for p in paths),
        **{k: stats[k] for k in ("products", "nodes", "unique_edges", "indented_rows")},
    }
    warm(paths)
    if case.name.startswith("where-used"):
        cmd = where_used_cmd(bt, paths, out_dir)
        runs = [m(cmd, a.timeout, "where-used.log", None) for _ in range(a.repeat)]
        for r in runs:
            print(f"  {case.name}: {fmt_run(r)}", flush=True)
        res["bomtrace"] = median_of(runs)
        return res
    dflags = [x for c in DESTS for x in ("-d", c)]
    common = ["--as-of", AS_OF, "--format", "json", *(["--quiet"] if quiet else [])]
    five_out, all_out = out_dir / f"{case.name}.bt5.json", out_dir / f"{case.name}.btall.json"
    cmd5 = [*bt, "analyze", *map(str, paths), *dflags, *common, "-o", str(five_out)]
    cmd_all = [*bt, "analyze", *map(str, paths), "--all-destinations", *common, "-o", str(all_out)]
    runs5, runs_all = [], []
    for i in range(a.repeat):
        runs5.append(m(cmd5, a.timeout, f"{case.name}.bt5.log", five_out))
        print(f"  {case.name} bomtrace 5 dest: {fmt_run(runs5[-1])}", flush=True)
        if a.no_all or i >= a.all_repeat:
            continue
        runs_all.append(m(cmd_all, a.timeout, f"{case.name}.btall.log", all_out))
        print(f"  {case.name} bomtrace all dest: {fmt_run(runs_all[-1])}", flush=True)
    res["bomtrace"] = median_of(runs5)
    res["bomtrace_all"] = median_of(runs_all) if runs_all else {"status": "not run"}
    if a.baseline_max_rows and rows > a.baseline_max_rows:
        res["baseline"] = {"status": f"skipped (> {a.baseline_max_rows:,} rows)"}
    elif a.no_baseline:
        res["baseline"] = {"status": "skipped (--no-baseline)"}
    else:
        base_out = out_dir / f"{case.name}.baseline.json"
        cmdb = [
            sys.executable,
            str(HERE / "baseline.py"),
            *map(str, paths),
            *dflags,
            "--as-of",
            AS_OF,
            "-o",
            str(base_out),
        ]
        runsb = []
        for _ in range(a.baseline_repeat):
            runsb.append(m(cmdb, a.baseline_timeout, f"{case.name}.base.log", base_out))
            print(f"  {case.name} baseline: {fmt_run(runsb[-1])}", flush=True)
            if runsb[-1]["timed_out"]:
                break
        res["baseline"] = median_of(runsb)
        if res["baseline"]["status"] == "ok":
            res["baseline"]["stages"] = json.loads(base_out.read_text())["timings"]
    # agreement
    if res["bomtrace"]["status"] == "ok":
        five = json.loads(five_out.read_text())
        res["bomtrace"]["issue_counts"] = five.get("issue_counts")
        if res["baseline"].get("status") == "ok":
            base = json.loads((out_dir / f"{case.name}.baseline.json").read_text())
            res["agreement"] = compare(five, base, DESTS)
        if res["bomtrace_all"].get("status") == "ok":
            size = all_out.stat().st_size
            res["bomtrace_all"]["json_mb"] = size / 2**20
            if size <= a.max_compare_mb * 2**20:
                res["all_vs_5_agree"] = compare_subset(json.loads(all_out.read_text()), five, DESTS)
        res["bomtrace"]["json_mb"] = five_out.stat().st_size / 2**20
    return res


def fmt_run(r: dict[str, Any]) -> str:
    s = f"{r['wall_s']:.2f} s, {r['rss_mb']:.0f} MB, rc {r['rc']}"
    return s + (f" ({r['stopped']})" if r["stopped"] else "")


# --------------------------------------------------------------------------- reporting
def machine() -> dict[str, Any]:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    vers: dict[str, str] = {}
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("bomtrace", "pandas", "numpy", "scipy", "networkx", "openpyxl", "fastexcel"):
        with contextlib.suppress(PackageNotFoundError):
            vers[pkg] = version(pkg)
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "bomtrace"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "packages": vers,
        "bomtrace_commit": commit + ("+uncommitted" if dirty else ""),
    }


def _met(wall: float, rss: float, ts: float | None, tm: float | None) -> str:
    miss = []
    if ts is not None and wall > ts:
        miss.append("wall")
    if tm is not None and rss > tm:
        miss.append("RSS")
    if ts is None and tm is None:
        return ""
    return "yes" if not miss else "**no** (" + ", ".join(miss) + ")"


def table(results: list[dict[str, Any]]) -> str:
    """Markdown table: case, tool, wall, peak RSS, ratio, target, met?"""
    rows = [
        "| case | tool | wall s | peak RSS MB | ratio | target | met? |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        bt = r["bomtrace"]
        tgt = []
        if r["target_s"] is not None:
            tgt.append(f"≤ {r['target_s']:g} s")
        if r["target_mb"] is not None:
            tgt.append(f"≤ {r['target_mb']:,.0f} MB")
        target = " / ".join(tgt)
        title = r["title"]
        if "data" in r:
            d = r["data"]
            if r["case"].startswith("ind-"):
                title += f" ({d['indented_rows']:,} lines)"
            else:
                title += f" ({d['unique_edges']:,} edges, {d['indented_rows']:,} paths)"
        if bt["status"] != "ok":
            rows.append(f"| {title} | bomtrace, 5 dest | {bt['status']} | | | {target} | **no** |")
            continue
        name = "bomtrace" if r["case"] == "help" else "bomtrace, 5 dest"
        met = _met(bt["wall_s"], bt["rss_mb"], r["target_s"], r["target_mb"])
        rows.append(
            f"| {title} | {name} | {bt['wall_s']:.2f} | {bt['rss_mb']:,.0f} | | {target} | {met} |"
        )
        if r["case"] == "help":
            continue
        al = r.get("bomtrace_all", {})
        if al.get("status") == "ok":
            ratio = al["wall_s"] / bt["wall_s"]
            rows.append(
                f"| | bomtrace, all dest ({al['json_mb']:,.0f} MB JSON) | "
                f"{al['wall_s']:.2f} | {al['rss_mb']:,.0f} | all/5 = {ratio:.2f}× | "
                f"| |"
            )
        elif al.get("status") != "not run":
            rows.append(f"| | bomtrace, all dest | {al.get('status')} | | | | |")
        bs = r.get("baseline", {})
        if bs.get("status") == "ok":
            ratio = bs["wall_s"] / bt["wall_s"]
            agree = r.get("agreement", {})
            ok = "agree" if agree.get("agree") else f"**DISAGREE** ({agree.get('n_problems')})"
            rows.append(
                f"| | baseline (pandas+openpyxl, networkx, recursion) | "
                f"{bs['wall_s']:.2f} | {bs['rss_mb']:,.0f} | "
                f"baseline/bomtrace = {ratio:.1f}× | | {ok} |"
            )
        elif bs:
            rows.append(f"| | baseline | {bs.get('status')} | | | | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--cases", help="comma-separated case names (see --list)")
    ap.add_argument("--quick", action="store_true", help="10k-100k cases only (smoke run)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--repeat", type=int, default=1, help="bomtrace runs per case (median)")
    ap.add_argument("--all-repeat", type=int, default=1, help="--all-destinations runs per case")
    ap.add_argument("--baseline-repeat", type=int, default=1, help="baseline runs per case")
    ap.add_argument(
        "--baseline-max-rows",
        type=int,
        default=0,
        help="skip the baseline above this many input lines/edges (0: never)",
    )
    ap.add_argument("--baseline-timeout", type=float, default=600.0, help="seconds")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per bomtrace run")
    ap.add_argument(
        "--rss-limit-mb",
        type=float,
        default=8000.0,
        help="stop any measured run whose RSS passes this (protects a shared machine)",
    )
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--no-all", action="store_true", help="skip the --all-destinations runs")
    ap.add_argument(
        "--max-compare-mb",
        type=float,
        default=400.0,
        help="check all-destinations JSON against the 5-destination run up to this size",
    )
    ap.add_argument(
        "--commit",
        help="benchmark bomtrace as committed at this revision (git archive into DATA_DIR, "
        "run with PYTHONPATH) instead of the installed working tree",
    )
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    ap.add_argument("--out", help="results JSON (default DATA_DIR/results.json)")
    a = ap.parse_args(argv)
    if a.list:
        for c in CASES.values():
            tgt = f"≤ {c.target_s:g} s" if c.target_s else ""
            tgt += f" / ≤ {c.target_mb:g} MB" if c.target_mb else ""
            spec = DATASETS[c.dataset].spec if c.dataset else None
            sz = f"rows≤{spec.target_rows or '-'} edges≤{spec.target_edges or '-'}" if spec else ""
            print(f"{c.name:18} {'quick' if c.quick else 'full ':6} {sz:28} {tgt}")
        return 0
    if a.cases:
        names = [n.strip() for n in a.cases.split(",") if n.strip()]
        unknown = [n for n in names if n not in CASES]
        if unknown:
            ap.error(f"unknown cases {unknown}; use --list")
    elif a.quick:
        names = [c.name for c in CASES.values() if c.quick]
    else:
        names = list(TARGET_CASES)
    a.env, a.cwd, src, sha = None, REPO, None, None
    if a.commit:
        src, sha = snapshot(a.commit, a.data_dir)
        # outside the repository: ``python -m`` puts the working directory first on sys.path
        a.env, a.cwd = {**os.environ, "PYTHONPATH": str(src)}, src.parent
    a.bt = bomtrace_cmd(src)
    a.quiet = has_quiet(a.bt, a.env, a.cwd)
    where = subprocess.run(
        [sys.executable, "-c", "import bomtrace; print(bomtrace.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=a.env,
        cwd=a.cwd,
    ).stdout.strip()
    subprocess.run([*a.bt, "--help"], capture_output=True, check=False, env=a.env, cwd=a.cwd)
    mach = machine()
    mach["bomtrace_source"] = where
    if sha:
        mach["bomtrace_commit"] = sha
    print(
        f"machine: {mach['cores']} cores ({mach['cpu']}), {mach['ram_gib']} GiB RAM, "
        f"Python {mach['python']}, bomtrace {mach['bomtrace_commit']} ({where})",
        flush=True,
    )
    results = []
    for n in names:
        print(f"== {n}", flush=True)
        results.append(run_case(CASES[n], a))
    out = Path(a.out or Path(a.data_dir) / "results.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"machine": mach, "quiet_flag": a.quiet, "repeat": a.repeat, "results": results},
            indent=1,
        ),
        encoding="utf-8",
    )
    print()
    print(table(results))
    print(
        f"\nmedian of {a.repeat} bomtrace run(s) (all destinations: {a.all_repeat}), "
        f"{a.baseline_repeat} baseline run(s); "
        f"MB = 2^20 bytes; results: {out}"
    )
    bad = [r["case"] for r in results if r.get("agreement") and not r["agreement"]["agree"]]
    for r in results:
        if r.get("agreement") and not r["agreement"]["agree"]:
            print(
                f"{r['case']}: bomtrace and baseline disagree:",
                *r["agreement"]["problems"],
                sep="\n  ",
            )
        if r.get("all_vs_5_agree") is False:
            bad.append(r["case"])
            print(f"{r['case']}: --all-destinations disagrees with the 5-destination run")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
