#!/usr/bin/env python3
"""Where a ``bomtrace analyze`` run spends its time: one process, stage by stage.

Runs what ``bomtrace analyze FILES -d ... --format json -o OUT`` runs, through the library:
imports, ``read_bom`` (read), ``build_graph`` (graph build), ``analyze`` on the built graph
(roll-up and analysis), the JSON document as the CLI makes it (``AnalysisResult.json_pieces``) and
its write.
Wall time and peak RSS so far are printed after each stage. A few internal functions are
also timed by wrapping them (``--wrap module:function``; the defaults split reading into
parse and convert, the graph into edges and assembly, the analysis into value roll-up,
per-product explosion and result building); wraps that no longer resolve are listed as
missing. ``--profile FILE`` runs the same under cProfile and prints the top functions. Like
the CLI, it has pyarrow allocate from jemalloc on Linux unless ``ARROW_DEFAULT_MEMORY_POOL``
is set.

Examples::

    python benchmarks/stages.py /tmp/bomtrace-bench/r1m/r1m_indented.csv
    python benchmarks/stages.py /tmp/bomtrace-bench/e1m/e1m_edges.csv \\
        /tmp/bomtrace-bench/e1m/e1m_parts.csv --profile /tmp/e1m.prof
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import functools  # noqa: E402
import importlib  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any  # noqa: E402

DESTS = ("CN", "DE", "IR", "CU", "RU")
WRAPS = (
    # read
    "bomtrace.io.csv_files:read_csv_file",
    "bomtrace.io.workbooks:Workbook.load",
    "bomtrace.io.read:convert",
    # graph build
    "bomtrace.graph.build:edges_from_indented",
    "bomtrace.graph.build:edges_from_parent_child",
    "bomtrace.graph.build:_assemble",
    # analysis (de minimis, then FDPR)
    "bomtrace.api.analyze:analyze_graph",
    "bomtrace.analysis.deminimis:compute_values",
    "bomtrace.analysis.deminimis:explode",
    "bomtrace.analysis.deminimis:build_grid",
    "bomtrace.analysis.deminimis:item_summaries",
    "bomtrace.analysis.product_results:ProductResults.report",
    "bomtrace.fdpr:PendingFdpr.result",
    # JSON document
    "bomtrace.analysis.product_results:ProductResults.to_dicts",
    "bomtrace.analysis.assembly_results:AssemblyResults.json_pieces",
)
TIMED: dict[str, list[float]] = {}  # name -> [calls, seconds]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wrap(spec: str) -> bool:
    """Time every outermost call of ``module:function`` (or ``module:Class.method``)."""
    mod_name, _, attr = spec.partition(":")
    try:
        owner: Any = importlib.import_module(mod_name)
        *path, name = attr.split(".")
        for p in path:
            owner = getattr(owner, p)
        fn = getattr(owner, name)
    except (ImportError, AttributeError):
        return False
    TIMED[spec] = [0, 0.0]
    depth = [0]

    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                TIMED[spec][0] += 1
                TIMED[spec][1] += time.perf_counter() - t

    setattr(owner, name, timed)
    return True


def run(paths: list[str], dests: list[str], all_dest: bool, out: str, t0: float) -> list[tuple]:
    stages: list[tuple[str, float, float]] = []
    t = t0

    def mark(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        stages.append((name, now - t, _peak_mb()))
        t = now

    import os

    from bomtrace.cli import runtime

    # the CLI's Arrow memory pool (jemalloc on Linux), set before pyarrow is imported
    runtime.arrow_memory_pool(os.environ, sys.platform)
    import bomtrace
    import bomtrace.api  # noqa: F401  (the CLI imports it too)

    mark("imports (since the script started)")
    with runtime.gc_paused():  # as the CLI runs a command
        _stages(paths, dests, all_dest, out, mark)
    return stages


def _stages(
    paths: list[str], dests: list[str], all_dest: bool, out: str, mark: Callable[[str], None]
) -> None:
    import bomtrace

    table = bomtrace.read_bom(paths)
    mark("read (read_bom)")
    graph = bomtrace.build_graph(table)
    mark("graph build (build_graph)")
    result = bomtrace.analyze(
        graph,
        destinations=() if all_dest else dests,
        all_destinations=all_dest,
        as_of=date(2020, 8, 17),
    )
    mark("roll-up + analysis (analyze on the graph)")
    from bomtrace.cli.common import _emit
    from bomtrace.report.formats import json_option

    pieces = result.json_pieces(json_option(pretty=False))  # as the CLI makes it
    size = sum(memoryview(p).nbytes for p in pieces)
    mark(f"JSON document ({size / 2**20:,.1f} MB)")
    _emit(pieces, out)
    mark("write")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("paths", nargs="+")
    ap.add_argument("-d", "--destination", action="append", dest="dests")
    ap.add_argument("--all-destinations", action="store_true")
    ap.add_argument("-o", "--output", default="/tmp/bomtrace-bench-stages.json")
    ap.add_argument("--wrap", action="append", help="extra module:function to time")
    ap.add_argument("--no-wraps", action="store_true", help="time only the public stages")
    ap.add_argument("--profile", help="run under cProfile and dump the stats here")
    ap.add_argument("--top", type=int, default=30, help="functions shown with --profile")
    a = ap.parse_args(argv)
    dests = a.dests or list(DESTS)
    t0 = time.perf_counter() if a.profile else T_START
    missing = []
    if not a.no_wraps:
        for spec in (*WRAPS, *(a.wrap or ())):
            if not wrap(spec):
                missing.append(spec)
    job: Callable[[], list[tuple]] = functools.partial(
        run, a.paths, dests, a.all_destinations, a.output, t0
    )
    if a.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        stages = prof.runcall(job)
        prof.dump_stats(a.profile)
    else:
        stages = job()
    total = time.perf_counter() - T_START
    print(f"{'stage':44} {'s':>8} {'share':>6} {'peak RSS MB':>12}")
    for name, s, mb in stages:
        print(f"{name:44} {s:8.3f} {s / total:6.1%} {mb:12,.0f}")
    print(f"{'total (incl. interpreter start)':44} {total:8.3f}")
    if TIMED:
        print("\nwrapped functions (outermost calls):")
        for spec, (n, s) in TIMED.items():
            if n:
                print(f"  {spec:52} {int(n):7d} calls {s:8.3f} s")
    if missing:
        print("not found (code moved?):", ", ".join(missing))
    if a.profile:
        st = pstats.Stats(a.profile)
        st.sort_stats("tottime").print_stats(a.top)
        st.sort_stats("cumulative").print_stats(a.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
