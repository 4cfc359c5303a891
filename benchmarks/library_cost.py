#!/usr/bin/env python3
"""The cost of ``analyze --db`` on the 1M-edge case: the parts library filling what the BOM
leaves empty, checking what it gives, and storing the run; and the time of a one-part import
into that library.

The parent-child data set (``e1m``: 1M edges, 535k parts, made by ``benchmarks/gen.py``) is
read with a copy of its parts master in which every tenth part has lost its ECCN and country
of origin (``*_parts_gaps.csv``). The library is the full parts master, imported once
(``library import``, timed and kept in ``DATA_DIR/NAME/NAME_library.db``). Then, alternating,
``REPEAT`` times each: ``analyze`` without the library, with ``--db --no-record`` (fill-in
only) and with ``--db`` (fill-in and run record), one process per run (``python -m bomtrace``,
``--format json -o``), wall time from ``os.wait4``. Reported: medians and their ratios to the
run without the library (target: at most 1.25). Last, two one-part imports into the library
(a description changed, then changed back): what an import costs when the library is large.

Examples::

    python benchmarks/library_cost.py                  # e1m, 3 runs of each
    python benchmarks/library_cost.py --quick          # r10k (a smoke test)
    python benchmarks/library_cost.py -o /tmp/library_cost.json
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen  # noqa: E402

MODES = ("no library", "--db --no-record", "--db")


def gaps_copy(parts: Path) -> Path:
    """The parts master with every tenth part's ECCN and country of origin emptied."""
    out = parts.with_name(parts.stem + "_gaps.csv")
    if out.exists() and out.stat().st_mtime >= parts.stat().st_mtime:
        return out
    with (
        parts.open(newline="", encoding="utf-8") as f,
        out.open("w", newline="", encoding="utf-8") as g,
    ):
        r, w = csv.reader(f), csv.writer(g)
        head = next(r)
        w.writerow(head)
        blank = [head.index(h) for h in ("ECCN", "Country of Origin") if h in head]
        for i, row in enumerate(r):
            if i % 10 == 1:
                for j in blank:
                    row[j] = ""
            w.writerow(row)
    return out


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and exit status of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return wall, proc.returncode


def one_part_imports(bt: list[str], lib: Path, parts: Path) -> list[float]:
    """Wall seconds of two one-part imports into the library: the first part's description
    changed, then changed back (the library's values end as they were)."""
    with parts.open(newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        head = next(r)
        first = next(r)
    pn, desc = first[0], first[head.index("Description")]  # the part number comes first
    out = []
    for text in ("benchmark probe", desc):
        probe = lib.with_name("one_part.csv")
        with probe.open("w", newline="", encoding="utf-8") as g:
            csv.writer(g).writerows([["Part Number", "Description"], [pn, text]])
        out.append(timed([*bt, "library", "import", str(probe), "--db", str(lib)])[0])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--dataset", default="e1m")
    ap.add_argument("--quick", action="store_true", help="the r10k data set, 1 run each")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data-dir", default=gen.DEFAULT_DATA_DIR)
    ap.add_argument("-o", "--out", help="results JSON")
    a = ap.parse_args(argv)
    name, repeat = ("r10k", 1) if a.quick else (a.dataset, a.repeat)
    files = gen.ensure_dataset(name, a.data_dir, log=print)
    edges, parts = files["edges-csv"], files["parts-csv"]
    gaps = gaps_copy(parts)
    bt = [sys.executable, "-m", "bomtrace"]
    lib = Path(a.data_dir) / name / f"{name}_library.db"
    import_s = None
    if not lib.exists() or lib.stat().st_mtime < parts.stat().st_mtime:
        lib.unlink(missing_ok=True)
        log = lib.with_suffix(".import.json")
        import_s, _ = timed(
            [
                *bt,
                "library",
                "import",
                str(parts),
                "--db",
                str(lib),
                "--format",
                "json",
                "-o",
                str(log),
            ]
        )
        print(f"library import of {parts.name}: {import_s:.1f} s")
    out = Path(a.data_dir) / name / "library_cost_out.json"
    base = [*bt, "analyze", str(edges), str(gaps), "-d", "CN", "--as-of", "2020-08-17", "-q",
            "--format", "json", "-o", str(out)]  # fmt: skip
    cmds = {
        "no library": base,
        "--db --no-record": [*base, "--db", str(lib), "--no-record"],
        "--db": [*base, "--db", str(lib)],
    }
    walls: dict[str, list[float]] = {m: [] for m in MODES}
    for _ in range(repeat):
        for m in MODES:
            walls[m].append(timed(cmds[m])[0])
    med = {m: statistics.median(v) for m, v in walls.items()}
    small = one_part_imports(bt, lib, parts)
    print(f"one-part imports into the library: {', '.join(f'{x:.2f} s' for x in small)}")
    doc: dict[str, Any] = {
        "dataset": name,
        "repeat": repeat,
        "library_import_s": import_s,
        "one_part_import_s": [round(x, 3) for x in small],
        "results": [
            {
                "mode": m,
                "wall_s": round(med[m], 3),
                "runs": [round(x, 3) for x in walls[m]],
                "ratio": round(med[m] / med["no library"], 3),
            }  # fmt: skip
            for m in MODES
        ],
    }
    for r in doc["results"]:
        print(f"{r['mode']:<18} {r['wall_s']:8.2f} s  x{r['ratio']:.2f}")
    if a.out:
        Path(a.out).write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
