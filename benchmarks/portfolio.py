#!/usr/bin/env python3
"""Portfolio throughput: BOM lines per second of ``bomtrace.portfolio`` on 200 generated BOM
files, with 1 and 2 local worker processes and on a Dask LocalCluster of 2 worker processes.

The files are made by ``benchmarks/gen.py`` (the model of ``shared/tools/gen_bom.py``), one
seed per file, and kept in ``DATA_DIR/portfolio-N-R`` for the next run. Each mode analyses
every file for the same destinations and date; the three JSON documents must be the same
bytes (the run fails otherwise). A warm-up file first pays the imports in this process; the
local pools start with each run (their start is in the timing), the LocalCluster is started
before its run and its workers import bomtrace on a warm-up file (outside the timing).

Examples::

    python benchmarks/portfolio.py                 # 200 files of ~1,000 lines
    python benchmarks/portfolio.py --quick         # 6 small files (a smoke test)
    python benchmarks/portfolio.py -o /tmp/portfolio.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen  # noqa: E402

DESTS = ("CN", "DE", "IR", "RU")
AS_OF = "2020-08-17"


def make_files(data_dir: str | os.PathLike[str], n: int, rows: int) -> list[str]:
    """``n`` indented csv BOMs of at most ``rows`` lines (seeds 1000…), made once."""
    folder = Path(data_dir) / f"portfolio-{n}-{rows}"
    files = []
    for i in range(n):
        prefix = f"bom{i:04d}"
        path = folder / f"{prefix}_indented.csv"
        if not path.exists():
            spec = gen.Spec(seed=1000 + i, depth=5, target_rows=rows, formats=("indented-csv",))
            gen.generate(spec, folder, prefix)
        files.append(str(path))
    return files


def run(files: list[str], **how: Any) -> tuple[float, int, bytes]:
    """Seconds, BOM lines and JSON bytes of one portfolio run."""
    import orjson

    import bomtrace

    t0 = time.perf_counter()
    res = bomtrace.portfolio(files, destinations=DESTS, as_of=AS_OF, **how)
    wall = time.perf_counter() - t0
    return wall, res.totals["lines"], orjson.dumps(res.to_dict())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--rows", type=int, default=1000, help="most lines per file")
    ap.add_argument("--quick", action="store_true", help="6 files of ~150 lines")
    ap.add_argument("--no-dask", action="store_true", help="skip the LocalCluster run")
    ap.add_argument("--data-dir", default=gen.DEFAULT_DATA_DIR)
    ap.add_argument("-o", "--output", help="write the numbers as JSON")
    a = ap.parse_args(argv)
    n, rows = (6, 150) if a.quick else (a.files, a.rows)
    files = make_files(a.data_dir, n, rows)
    run(files[:1], workers=1)  # imports and caches of this process
    results: list[dict[str, Any]] = []
    docs: dict[str, bytes] = {}
    for label, how in (("1 local worker", {"workers": 1}), ("2 local workers", {"workers": 2})):
        wall, lines, doc = run(files, **how)
        docs[label] = doc
        results.append({"mode": label, "wall_s": wall, "lines": lines})
    if not a.no_dask:
        from distributed import Client, LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:  # fmt: skip
            with Client(cluster.scheduler_address) as client:  # warm the workers
                client.run(lambda: __import__("bomtrace.api"))
            wall, lines, doc = run(files, scheduler=cluster.scheduler_address)
        docs["LocalCluster (2 workers)"] = doc
        results.append({"mode": "LocalCluster (2 workers)", "wall_s": wall, "lines": lines})
    same = len(set(docs.values())) == 1
    print(f"{n} files, {results[0]['lines']:,} BOM lines, destinations {', '.join(DESTS)}")
    for r in results:
        r["lines_per_s"] = r["lines"] / r["wall_s"]
        print(f"  {r['mode']:<26} {r['wall_s']:7.2f} s  {r['lines_per_s']:>10,.0f} lines/s")
    print("  JSON identical across modes:", "yes" if same else "NO")
    if a.output:
        Path(a.output).write_text(
            json.dumps({"files": n, "results": results, "identical": same}, indent=1),
            encoding="utf-8",
        )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
