#!/usr/bin/env python3
"""Check that a change keeps bomtrace's outputs byte for byte: run one fixed set of commands
(every sample command of the README and docs, every output format, the benchmark BOMs) with
two revisions of bomtrace and compare what each wrote.

For each command the exit status, stdout and the output file are kept. Files are compared
byte for byte, except xlsx workbooks (zip archives whose entries carry a time stamp): their
entries' contents are compared. Big outputs are kept as a SHA-256 digest.

Examples::

    python benchmarks/outputs.py --base HEAD~5 --new HEAD      # two commits
    python benchmarks/outputs.py --base HEAD                   # HEAD against the work tree
    python benchmarks/outputs.py --base HEAD --no-bench        # samples only (fast)

Commits are exported with ``git archive`` (as ``benchmarks/run.py --commit`` does) into
``--data-dir``; the benchmark BOMs are made there on first use (``benchmarks/gen.py``).
Exit status 0 when every output agrees, 1 when some differs (listed).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import DEFAULT_DATA_DIR, ensure_dataset  # noqa: E402
from run import snapshot  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2020-08-17"]
HUAWEI = ["-d", "CN", "--end-user", "Huawei Technologies"]
BASE = "samples/basestation_2020.xlsx"
PRODUCERS = ["--producers", "samples/basestation_2020_producers.csv"]
PC_RU = ["samples/parent-child/ru5g64t_edges.csv", "samples/parent-child/ru5g64t_parts.csv"]

#: (name, arguments after ``bomtrace``, output file suffix or None for stdout only); the file
#: is given with ``-o``, or in place of an argument ``{out}``
SAMPLES: list[tuple[str, list[str], str | None]] = [
    ("help", ["--help"], None),
    ("p30-table", ["analyze", "samples/p30pro.xlsx", "-d", "CN", *AS_OF], None),
    ("p30-json", ["analyze", "samples/p30pro.xlsx", "-d", "CN", *AS_OF, "--format", "json"],
     "json"),
    ("p30-csv", ["analyze", "samples/p30pro.xlsx", "-d", "CN", *AS_OF, "--format", "csv"], "csv"),
    ("p30-scen", ["analyze", "samples/p30pro.xlsx", "-d", "CN", "-d", "DE", *AS_OF,
                  "--scenario", "proposed-2020-huawei-10pct", "--format", "json"], "json"),
    ("base-0514", ["analyze", BASE, *HUAWEI, "--as-of", "2020-05-14"], None),
    ("base-0515", ["analyze", BASE, *HUAWEI, "--as-of", "2020-05-15"], None),
    ("base-0817", ["analyze", BASE, *HUAWEI, *AS_OF], None),
    ("base-json", ["analyze", BASE, *HUAWEI, *AS_OF, *PRODUCERS, "--format", "json"], "json"),
    ("base-html", ["analyze", BASE, *HUAWEI, *AS_OF, *PRODUCERS, "--format", "html"], "html"),
    ("base-xlsx", ["analyze", BASE, *HUAWEI, *AS_OF, *PRODUCERS, "--format", "xlsx"], "xlsx"),
    ("ru-pc", ["analyze", *PC_RU, "-d", "CN", *AS_OF], None),
    ("ru-pc-json", ["analyze", *PC_RU, "-d", "CN", *AS_OF, "--format", "json"], "json"),
    ("ru-all-asm", ["analyze", "samples/ru5g64t.xlsx", "-d", "CN", "-d", "IR", *AS_OF,
                    "--all-assemblies", "--format", "json"], "json"),
    ("rtr-all", ["analyze", "samples/rtr_e200.xlsx", "--all-destinations", *AS_OF], None),
    ("rtr-all-json", ["analyze", "samples/rtr_e200.xlsx", "--all-destinations", *AS_OF,
                      "--format", "json"], "json"),
    ("rtr-xlsx", ["analyze", "samples/rtr_e200.xlsx", "-d", "CN", "-d", "IR", *AS_OF,
                  "--format", "xlsx"], "xlsx"),
    ("rtr-html", ["analyze", "samples/rtr_e200.xlsx", "-d", "CN", "-d", "IR", *AS_OF,
                  "--format", "html"], "html"),
    ("broken", ["analyze", "samples/broken_edges.csv", "-d", "CN", *AS_OF, "--format", "json"],
     "json"),
    ("explain-part", ["explain", "samples/rtr_e200.xlsx", "--part", "0063-0001",
                      "--destination", "CN", *AS_OF], None),
    ("explain-prod", ["explain", "samples/rtr_e200.xlsx", "--product", "RTR-E200",
                      "--destination", "IR", *AS_OF], None),
    ("explain-json", ["explain", "samples/rtr_e200.xlsx", "--product", "RTR-E200",
                      "--destination", "IR", *AS_OF, "--format", "json"], "json"),
    ("explode-csv", ["explode", "samples/p30pro.xlsx", "--format", "csv"], "csv"),
    ("explode-json", ["explode", "samples/p30pro.xlsx", "--format", "json"], "json"),
    ("inspect", ["inspect", "samples/p30pro.xlsx"], None),
    ("inspect-json", ["inspect", "samples/p30pro.xlsx", "--format", "json"], "json"),
    ("rules", ["rules", *AS_OF, "--destination", "SD"], None),
    ("rules-json", ["rules", *AS_OF, "--format", "json"], None),
    ("suppliers", ["suppliers", BASE, *HUAWEI, *AS_OF], None),
    ("suppliers-json", ["suppliers", BASE, *HUAWEI, *AS_OF, "--format", "json"], "json"),
    ("usage-error", ["analyze", "samples/p30pro.xlsx", "-d", "XX"], None),
    ("p30-table-file", ["analyze", "samples/p30pro.xlsx", "-d", "CN", *AS_OF], "txt"),
    ("xlsx-no-file", ["analyze", "samples/p30pro.xlsx", "-d", "CN", "--format", "xlsx"], None),
    ("explain-part-json", ["explain", "samples/rtr_e200.xlsx", "--part", "0063-0001",
                           "--destination", "CN", *AS_OF, "--format", "json"], "json"),
    ("explain-none", ["explain", "samples/rtr_e200.xlsx", "--destination", "CN"], None),
    ("explode-table", ["explode", "samples/p30pro.xlsx"], None),
    ("explode-csv-stdout", ["explode", "samples/p30pro.xlsx", "--format", "csv"], None),
    ("explode-parquet", ["explode", "samples/p30pro.xlsx", "--format", "parquet"], "parquet"),
    ("rules-default", ["rules", *AS_OF], None),
    ("rules-list", ["rules", *AS_OF, "--destinations"], None),
    ("rules-unknown", ["rules", *AS_OF, "-d", "XX"], None),
    ("suppliers-request", ["suppliers", BASE, *HUAWEI, *AS_OF, "--request-sheet", "{out}"],
     "xlsx"),
    *[(f"help-{c}", [c, "--help"], None)
      for c in ("analyze", "explain", "explode", "inspect", "rules", "suppliers")],
]  # fmt: skip

DESTS = ["-d", "CN", "-d", "DE", "-d", "IR", "-d", "CU", "-d", "RU"]


def bench_commands(data_dir: Path) -> list[tuple[str, list[str], str | None]]:
    """The benchmark BOMs, five destinations and all destinations, as JSON."""
    out: list[tuple[str, list[str], str | None]] = []
    sets = {
        "r100k-csv": ("r100k", ["r100k_indented.csv"]),
        "r100k-xlsx": ("r100k", ["r100k_indented.xlsx"]),
        "s100k": ("s100k", ["s100k_edges.csv", "s100k_parts.csv"]),
        "r1m-csv": ("r1m", ["r1m_indented.csv"]),
        "e1m": ("e1m", ["e1m_edges.csv", "e1m_parts.csv"]),
    }
    for name, (ds, files) in sets.items():
        ensure_dataset(ds, str(data_dir))
        paths = [str(data_dir / ds / f) for f in files]
        base = ["analyze", *paths, *AS_OF, "--format", "json", "--quiet"]
        out.append((f"{name}-5", [*base, *DESTS], "json"))
        out.append((f"{name}-all", [*base, "--all-destinations"], "json"))
    return out


def digest(path: Path, big: int) -> bytes:
    """What is compared of one output file."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = b"".join(
                n.encode() + b"\0" + z.read(n) for n in sorted(z.namelist())
                if not n.startswith("docProps/")  # creation time
            )
    return hashlib.sha256(data).hexdigest().encode() if len(data) > big else data


def capture(src: Path | None, out: Path, commands: list, big: int) -> None:
    """Run every command with bomtrace from ``src`` (None: the installed one) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    for name, args, suffix in commands:
        target = out / f"{name}.{suffix}" if suffix else None
        # -P: the working directory (the repository, for the sample paths) is not put first on
        # sys.path, so a revision's export on PYTHONPATH is what runs, not the work tree
        cmd = [sys.executable, *(["-P"] if src is not None else []), "-m", "bomtrace", *args]
        if target is not None:
            target.unlink(missing_ok=True)  # left by an earlier capture
        if target is not None and "{out}" in args:
            cmd = [str(target) if a == "{out}" else a for a in cmd]
        elif target is not None:
            cmd += ["-o", str(target)]
        p = subprocess.run(cmd, capture_output=True, cwd=REPO, env=env, check=False)
        (out / f"{name}.rc").write_text(str(p.returncode))
        (out / f"{name}.stdout").write_bytes(p.stdout)
        (out / f"{name}.stderr").write_bytes(p.stderr)
        if target is not None and target.exists():
            target.write_bytes(digest(target, big))
        print(f"  {name}: exit {p.returncode}", flush=True)


def compare(a: Path, b: Path, commands: list[str]) -> list[str]:
    """The output files of ``commands`` that differ between two captures (or one lacks)."""
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    bad = []
    for n in names:
        if n.endswith(".stderr") or n.split(".")[0] not in commands:
            continue  # progress and timings
        pa, pb = a / n, b / n
        if not (pa.exists() and pb.exists()) or pa.read_bytes() != pb.read_bytes():
            bad.append(n)
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", required=True, help="revision to compare against")
    ap.add_argument("--new", help="revision to check (default: the working tree)")
    ap.add_argument("--no-bench", action="store_true", help="samples only")
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    ap.add_argument("--big", type=int, default=1 << 20, help="digest outputs above this size")
    a = ap.parse_args(argv)
    data = Path(a.data_dir)
    commands = list(SAMPLES) + ([] if a.no_bench else bench_commands(data))
    results = []
    for label, rev in (("base", a.base), ("new", a.new)):
        if rev is None:
            src, tag = REPO, f"worktree-{REPO.name}"
        else:
            src, tag = snapshot(rev, a.data_dir)
        out = data / "outputs" / tag
        if rev is None or not (out / "done").exists():
            print(f"{label}: {tag}", flush=True)
            capture(src, out, commands, a.big)
            (out / "done").write_text("")
        results.append(out)
    bad = compare(*results, [name for name, _, _ in commands])
    for n in bad:
        print(f"DIFFERS: {n}")
    print(f"{len(commands)} commands; {'all outputs agree' if not bad else f'{len(bad)} differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
