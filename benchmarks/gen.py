#!/usr/bin/env python3
"""Seeded synthetic multi-level BOMs for the bomtrace benchmarks.

Adapted from ``shared/tools/gen_bom.py`` (the project's measurement tool, see
``shared/docs/performance.md`` section 2): the DAG model and its random draws are copied
from there, so a given seed builds the same structure. Changes for the benchmarks:

* an assembly's ``Unit Cost`` is its rolled-up standard cost (as ERP multi-level exports
  print it), so bomtrace's default ``--assembly-cost rollup`` sees no mismatches;
* about a third of the products carry a ``Selling Price`` (rolled-up cost × 1.15-1.8), so
  both de minimis denominators (selling price, rolled-up cost) are exercised;
* realistic ERP headers (``Level``, ``Item Number``, ``Qty Per``, ``Unit Cost``,
  ``Country of Origin``, ``ECCN``, ...; parent-child: ``Parent Part Number``, ``Component``)
  that bomtrace maps through its aliases;
* a catalogue of named data sets (``DATASETS``) used by ``benchmarks/run.py``.

Model (all structure draws from one seeded ``random.Random``):

* each assembly has a budget = the most levels below it; products get ``depth`` minus
  0..``depth_jitter``. Budget-1 assemblies have only purchased parts;
* an assembly has max(1, round(gamma)) children (mean ``fanout``); each child slot is a
  sub-assembly with probability ``asm_frac`` (if budget > 1), else a purchased part;
* a sub-assembly slot reuses an existing sub-assembly of the same budget with probability
  ``share`` (reuse spans products), else builds a new one. With ``share`` 0.8 and depth 10,
  100k unique edges expand to ~100M indented rows (paths);
* a purchased-part slot reuses a part with probability ``leaf_reuse`` (skewed towards
  "common" parts: screws, resistors), else makes a new part.

Outputs (``--formats``, comma separated):

* ``indented-csv``, ``indented-xlsx``: one row per BOM line occurrence, Level 0..n, a shared
  sub-assembly listed in full under each occurrence, products one after another;
* ``edges-csv``, ``edges-xlsx``: parent-child edge table (unique pairs) plus a parts master.

Re-running with the same arguments gives byte-identical csv files. Data goes to a scratch
directory outside the repository (default ``/tmp/bomtrace-bench``); never commit it.

Examples::

    python benchmarks/gen.py --dataset r100k            # a catalogued data set
    python benchmarks/gen.py --out-dir /tmp/x --prefix tiny --seed 9 --target-rows 200 \\
        --formats indented-csv,edges-csv
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_DATA_DIR = "/tmp/bomtrace-bench"
XLSX_MAX_DATA_ROWS = 1_048_575
FORMATS = ("indented-csv", "indented-xlsx", "edges-csv", "edges-xlsx")

COUNTRIES = ["CN", "TW", "JP", "KR", "DE", "MX", "MY", "VN", "TH", "IN", "CA", "PH",
             "SG", "FR", "GB", "IT", "NL", "IL", "CH", "CZ"]  # fmt: skip
COUNTRY_W = [30, 14, 10, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1.5, 1, 1, 0.6, 0.6, 0.6, 0.4, 0.3]
ECCNS = ["EAR99", "3A991", "5A992", "3A001", "4A994", "5A991", "5A002", "3A090", "4A003",
         "7A994", "9A991", "3A992"]  # fmt: skip
ECCN_W_LEAF = [70, 7, 6, 4, 3, 2.5, 2, 1.5, 1, 1, 1, 1]
ECCN_W_ASM = [72, 4, 10, 2, 6, 2, 2, 0.5, 1, 0.2, 0.1, 0.2]
LEAF_CATS = ["RES SMD", "CAP CER", "CAP TANT", "IC MCU 32BIT", "IC FPGA", "IC DRAM",
             "IC PMIC", "IC RF TRANSCEIVER", "IC ADC 16BIT", "CONN HDR", "CONN RF SMA",
             "SCREW PAN M3", "NUT HEX M4", "WASHER", "GASKET", "HEATSINK AL", "PCB BARE 8L",
             "CABLE COAX", "LABEL", "FAN 40MM", "INDUCTOR", "DIODE TVS", "MOSFET N-CH",
             "OSC XTAL", "LED", "FUSE", "BRACKET STEEL", "THERMAL PAD", "ADHESIVE",
             "WIRE 22AWG"]  # fmt: skip
ASM_CATS = ["ASSY PCBA", "ASSY CHASSIS", "ASSY PSU", "ASSY RF FRONTEND", "ASSY CABLE HARNESS",
            "ASSY COOLING", "ASSY DISPLAY", "ASSY CONTROLLER", "ASSY SENSOR HEAD",
            "ASSY ENCLOSURE", "SUBASSY BRACKET", "ASSY BACKPLANE"]  # fmt: skip
QTY_LEAF = np.array([1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 6, 8, 10, 12, 16, 24], dtype=float)
QTY_ASM = np.array([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4], dtype=float)
FRAC_UOMS = ["M", "KG", "L"]

INDENTED_HEADERS = ["Level", "Find No", "Item Number", "Description", "Item Type", "Qty Per",
                    "UoM", "Unit Cost", "Currency", "Country of Origin", "ECCN",
                    "Made With US Equipment", "Selling Price"]  # fmt: skip
EDGE_HEADERS = ["Parent Part Number", "Component", "Qty Per", "Find No"]
PARTS_HEADERS = ["Item Number", "Description", "Item Type", "UoM", "Unit Cost", "Currency",
                 "Country of Origin", "ECCN", "Made With US Equipment",
                 "Selling Price"]  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """Generator parameters (defaults as in ``shared/tools/gen_bom.py``)."""

    seed: int = 1
    products: int = 100_000  #: upper bound on top-level products
    target_rows: int = 0  #: stop before indented rows exceed this
    target_edges: int = 0  #: stop before unique edges exceed this
    depth: int = 8
    depth_jitter: int = 2
    fanout: float = 8.0
    fanout_shape: float = 2.0
    asm_frac: float = 0.4
    share: float = 0.3
    leaf_reuse: float = 0.5
    us_frac: float = 0.22
    us_frac_asm: float = 0.3
    price_frac: float = 0.35  #: share of products with a Selling Price
    formats: tuple[str, ...] = ("indented-csv", "edges-csv")


@dataclass(frozen=True)
class Dataset:
    """A catalogued data set: a spec plus the files it writes."""

    name: str
    spec: Spec
    note: str = ""

    def files(self, data_dir: str | os.PathLike[str]) -> dict[str, Path]:
        """Paths of the files this data set writes, keyed by format."""
        base = Path(data_dir) / self.name / self.name
        out: dict[str, Path] = {}
        for f in self.spec.formats:
            layout, ext = f.split("-")
            if layout == "indented":
                out[f] = Path(f"{base}_indented.{ext}")
            else:
                out[f] = Path(f"{base}_edges.{ext}")
                out[f"parts-{ext}"] = Path(f"{base}_parts.{ext}")
        return out


_IND = ("indented-csv", "indented-xlsx")
#: The benchmark data sets (structure seeds as in performance.md section 2 where they exist).
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("r10k", Spec(seed=11, target_rows=10_000, formats=(*_IND, "edges-csv"))),
        Dataset("r100k", Spec(seed=1, target_rows=100_000, formats=(*_IND, "edges-csv"))),
        Dataset("r1m", Spec(seed=3, target_rows=1_000_000, formats=_IND)),
        Dataset("e100k", Spec(seed=2, target_edges=100_000, formats=("edges-csv",))),
        Dataset("e1m", Spec(seed=4, target_edges=1_000_000, formats=("edges-csv",))),
        Dataset(
            "s10k",
            Spec(seed=6, target_edges=10_000, share=0.8, depth=10, formats=("edges-csv",)),
            "heavily shared, small",
        ),
        Dataset(
            "s100k",
            Spec(seed=5, target_edges=100_000, share=0.8, depth=10, formats=("edges-csv",)),
            "heavily shared: 100k edges, ~100M indented rows (paths)",
        ),
    ]
}


class Gen:
    """The random BOM DAG (structure copied from shared/tools/gen_bom.py)."""

    def __init__(self, a: Spec) -> None:
        self.a = a
        self.rnd = random.Random(a.seed)
        self.is_asm: list[bool] = []
        self.budget: list[int] = []
        self.children: list[list[tuple[int, float]]] = []
        self.size: list[int] = []  # indented rows of the subtree, node included
        self.frac: list[bool] = []  # purchased part measured in M/KG/L
        self.products: list[int] = []
        self.pool: dict[int, list[int]] = {b: [] for b in range(1, a.depth + 1)}
        self.leaves: list[int] = []
        self.n_edges = 0
        self.n_rows = 0
        self.attr: dict[str, np.ndarray] = {}

    # --- structure ------------------------------------------------------------------
    def _new_node(self, is_asm: bool, budget: int) -> int:
        i = len(self.is_asm)
        self.is_asm.append(is_asm)
        self.budget.append(budget)
        self.children.append([])
        self.size.append(1)
        self.frac.append(False)
        return i

    def _leaf_qty(self, c: int) -> float:
        r = self.rnd
        if self.frac[c]:
            return round(r.uniform(0.05, 5.0), 3)
        return float(QTY_LEAF[r.randrange(len(QTY_LEAF))])

    def _pick_leaf(self) -> int:
        r = self.rnd
        if self.leaves and r.random() < self.a.leaf_reuse:
            return self.leaves[int(len(self.leaves) * r.random() ** 1.5)]
        i = self._new_node(False, 0)
        self.frac[i] = r.random() < 0.03
        self.leaves.append(i)
        return i

    def _make_asm(self, budget: int) -> int:
        a, r = self.a, self.rnd
        me = self._new_node(True, budget)
        n = max(1, round(r.gammavariate(a.fanout_shape, a.fanout / a.fanout_shape)))
        seen: set[int] = set()
        kids: list[tuple[int, float]] = []
        size = 1
        for _ in range(n):
            if budget > 1 and r.random() < a.asm_frac:
                cb = budget - 1 if r.random() < 0.8 else r.randint(1, budget - 1)
                pool = self.pool[cb]
                c = pool[r.randrange(len(pool))] if pool and r.random() < a.share else None
                if c is None:
                    c = self._make_asm(cb)
                q = float(QTY_ASM[r.randrange(len(QTY_ASM))])
            else:
                c = self._pick_leaf()
                q = self._leaf_qty(c)
            if c in seen:
                continue
            seen.add(c)
            kids.append((c, q))
            size += self.size[c]
        self.children[me] = kids
        self.size[me] = size
        self.n_edges += len(kids)
        self.pool[budget].append(me)
        return me

    def _snapshot(self) -> tuple[int, int, dict[int, int], int]:
        return (
            len(self.is_asm),
            len(self.leaves),
            {b: len(p) for b, p in self.pool.items()},
            self.n_edges,
        )

    def _rollback(self, snap: tuple[int, int, dict[int, int], int]) -> None:
        n, nl, pl, ne = snap
        del self.is_asm[n:], self.budget[n:], self.children[n:], self.size[n:], self.frac[n:]
        del self.leaves[nl:]
        for b, k in pl.items():
            del self.pool[b][k:]
        self.n_edges = ne

    def build(self) -> None:
        a, r = self.a, self.rnd
        misses = 0
        while len(self.products) < a.products:
            snap = self._snapshot()
            b = a.depth - (r.randint(0, a.depth_jitter) if a.depth_jitter else 0)
            p = self._make_asm(max(1, b))
            over = (a.target_rows and self.n_rows + self.size[p] > a.target_rows) or (
                a.target_edges and self.n_edges > a.target_edges
            )
            if over:
                self._rollback(snap)
                misses += 1
                if misses >= 30:
                    break
                continue
            self.pool[self.budget[p]].pop()  # a product is never reused as a sub-assembly
            self.products.append(p)
            self.n_rows += self.size[p]

    # --- attributes -----------------------------------------------------------------
    def attributes(self) -> None:
        a = self.a
        n = len(self.is_asm)
        rng = np.random.default_rng(a.seed + 7919)
        is_asm = np.array(self.is_asm, dtype=bool)
        is_prod = np.zeros(n, dtype=bool)
        is_prod[self.products] = True
        # same draws as gen_bom.py; only purchased parts keep their own cost here
        rng.lognormal(np.log(6.0), 1.0, n)  # gen_bom: assembly value added (unused)
        cost = rng.lognormal(np.log(1.5), 1.7, n)
        rng.lognormal(np.log(60.0), 0.8, n)  # gen_bom: product value added (unused)
        cost = np.round(np.minimum(np.where(is_asm, 0.0, cost), 250_000.0), 4)
        us_frac = np.where(is_asm, a.us_frac_asm, a.us_frac)
        is_us = rng.random(n) < us_frac
        cw = np.array(COUNTRY_W) / sum(COUNTRY_W)
        country = np.array(COUNTRIES)[rng.choice(len(COUNTRIES), n, p=cw)]
        country = np.where(is_us, "US", country)
        ew_l = np.array(ECCN_W_LEAF) / sum(ECCN_W_LEAF)
        ew_a = np.array(ECCN_W_ASM) / sum(ECCN_W_ASM)
        eccn = np.where(
            is_asm,
            np.array(ECCNS)[rng.choice(len(ECCNS), n, p=ew_a)],
            np.array(ECCNS)[rng.choice(len(ECCNS), n, p=ew_l)],
        )
        sensitive = np.isin(eccn, [e for e in ECCNS if e[:2] in ("3A", "4A", "5A")])
        p_equip = np.where(sensitive & ~is_us, 0.6, 0.2)
        mwue = np.where(rng.random(n) < p_equip, "Y", "N")
        frac_uom = np.array(FRAC_UOMS)[rng.integers(0, len(FRAC_UOMS), n)]
        cat_l = rng.integers(0, len(LEAF_CATS), n)
        cat_a = rng.integers(0, len(ASM_CATS), n)
        variant = rng.integers(0, 100_000, n)
        # assemblies: rolled-up standard cost; children always have a smaller budget
        tot = cost.tolist()
        for v in sorted(np.flatnonzero(is_asm).tolist(), key=self.budget.__getitem__):
            tot[v] = sum(q * tot[c] for c, q in self.children[v])
        total = np.array(tot, dtype=float)
        cost = np.where(is_asm, np.round(total, 4), cost)
        prng = np.random.default_rng(a.seed + 104729)
        priced = is_prod & (prng.random(n) < a.price_frac)
        price = np.where(priced, np.round(total * prng.uniform(1.15, 1.8, n), 2), np.nan)
        width = max(6, len(str(n)))
        pn, desc = [], []
        for i in range(n):
            if is_prod[i]:
                pn.append(f"PRD-{i:0{width}d}")
                desc.append(f"PRODUCT {ASM_CATS[cat_a[i]][5:]} MODEL {variant[i]:05d}")
            elif is_asm[i]:
                pn.append(f"A-{i:0{width}d}")
                desc.append(f"{ASM_CATS[cat_a[i]]} REV {chr(65 + variant[i] % 6)} {variant[i]:05d}")
            else:
                pn.append(f"P-{i:0{width}d}")
                desc.append(f"{LEAF_CATS[cat_l[i]]} {variant[i]:05d}")
        uom = np.where(np.array(self.frac, dtype=bool), frac_uom, "EA")
        self.attr = dict(
            pn=np.array(pn, dtype=object),
            desc=np.array(desc, dtype=object),
            is_asm=is_asm,
            is_prod=is_prod,
            cost=cost,
            total=total,
            price=price,
            country=country.astype(object),
            eccn=eccn.astype(object),
            mwue=mwue.astype(object),
            uom=uom.astype(object),
        )

    # --- tables ---------------------------------------------------------------------
    def edges_table(self) -> Any:
        import pandas as pd

        par, chi, qty, fn = [], [], [], []
        for p, kids in enumerate(self.children):
            for k, (c, q) in enumerate(kids):
                par.append(p)
                chi.append(c)
                qty.append(q)
                fn.append(10 * (k + 1))
        pn = self.attr["pn"]
        pa, ch = np.array(par, dtype=np.int64), np.array(chi, dtype=np.int64)
        cols = [pn[pa], pn[ch], np.array(qty, dtype=float), np.array(fn, dtype=np.int64)]
        return pd.DataFrame(dict(zip(EDGE_HEADERS, cols, strict=True)))

    def parts_table(self) -> Any:
        import pandas as pd

        t = self.attr
        cols = [
            t["pn"],
            t["desc"],
            np.where(t["is_asm"], "Make", "Buy"),
            t["uom"],
            t["cost"],
            "USD",
            t["country"],
            t["eccn"],
            t["mwue"],
            t["price"],
        ]
        return pd.DataFrame(dict(zip(PARTS_HEADERS, cols, strict=True)))

    def indented_table(self) -> Any:
        import pandas as pd

        lev, node, qty, fn = [], [], [], []
        ch = self.children
        for p in self.products:
            lev.append(0)
            node.append(p)
            qty.append(1.0)
            fn.append(0)
            stack = [iter(enumerate(ch[p]))]
            depth = [0]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    stack.pop()
                    depth.pop()
                    continue
                k, (c, q) = nxt
                d = depth[-1] + 1
                lev.append(d)
                node.append(c)
                qty.append(q)
                fn.append(10 * (k + 1))
                if ch[c]:
                    stack.append(iter(enumerate(ch[c])))
                    depth.append(d)
        t = self.attr
        nd = np.array(node, dtype=np.int64)
        level = np.array(lev, dtype=np.int64)
        cols = [
            level,
            np.array(fn, dtype=np.int64),
            t["pn"][nd],
            t["desc"][nd],
            np.where(t["is_asm"][nd], "Make", "Buy"),
            np.array(qty, dtype=float),
            t["uom"][nd],
            t["cost"][nd],
            "USD",
            t["country"][nd],
            t["eccn"][nd],
            t["mwue"][nd],
            np.where(level == 0, t["price"][nd], np.nan),
        ]
        return pd.DataFrame(dict(zip(INDENTED_HEADERS, cols, strict=True)))

    def stats(self) -> dict[str, Any]:
        n = len(self.is_asm)
        npar = np.zeros(n, dtype=np.int64)
        for kids in self.children:
            for c, _ in kids:
                npar[c] += 1
        is_asm = np.array(self.is_asm, dtype=bool)
        sub = is_asm.copy()
        sub[self.products] = False
        priced = int(np.isfinite(self.attr["price"]).sum()) if self.attr else 0
        return dict(
            products=len(self.products),
            products_with_selling_price=priced,
            nodes=n,
            assemblies=int(is_asm.sum()),
            purchased_parts=int((~is_asm).sum()),
            unique_edges=self.n_edges,
            indented_rows=self.n_rows,
            rows_per_edge=round(self.n_rows / max(1, self.n_edges), 2),
            subassemblies_with_multiple_parents=int((npar[sub] > 1).sum()),
            max_level=max((self.budget[p] for p in self.products), default=0),
        )


def write_xlsx(df: Any, path: str | os.PathLike[str], sheet: str = "BOM") -> None:
    """Shared-string xlsx (as Excel saves it), written with xlsxwriter; blanks stay empty."""
    import xlsxwriter

    if len(df) > XLSX_MAX_DATA_ROWS:
        raise SystemExit(f"{path}: {len(df)} rows > xlsx sheet limit {XLSX_MAX_DATA_ROWS}")
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    ws = wb.add_worksheet(sheet)
    ws.write_row(0, 0, list(df.columns))
    cols = [df[c].tolist() for c in df.columns]
    write = ws.write
    for r, row in enumerate(zip(*cols, strict=True), start=1):
        for c, v in enumerate(row):
            if v is None or (isinstance(v, float) and v != v):
                continue
            write(r, c, v)
    wb.close()


def generate(spec: Spec, out_dir: str | os.PathLike[str], prefix: str) -> dict[str, Any]:
    """Build the BOM for ``spec`` and write its files as ``out_dir/prefix_*``; return stats."""
    bad = set(spec.formats) - set(FORMATS)
    if bad:
        raise ValueError(f"unknown formats {sorted(bad)}; use {', '.join(FORMATS)}")
    if not spec.target_rows and not spec.target_edges and spec.products >= 100_000:
        raise ValueError("give products, target_rows or target_edges")
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.perf_counter()
    g = Gen(spec)
    g.build()
    g.attributes()
    st = g.stats()
    st["build_s"] = round(time.perf_counter() - t0, 2)
    base = os.path.join(out_dir, prefix)
    files: list[str] = []
    fm = set(spec.formats)
    if fm & {"indented-csv", "indented-xlsx"}:
        ind = g.indented_table()
        if "indented-csv" in fm:
            ind.to_csv(base + "_indented.csv", index=False, lineterminator="\n")
            files.append(base + "_indented.csv")
        if "indented-xlsx" in fm:
            write_xlsx(ind, base + "_indented.xlsx")
            files.append(base + "_indented.xlsx")
        del ind
    if fm & {"edges-csv", "edges-xlsx"}:
        ed, pa = g.edges_table(), g.parts_table()
        if "edges-csv" in fm:
            ed.to_csv(base + "_edges.csv", index=False, lineterminator="\n")
            pa.to_csv(base + "_parts.csv", index=False, lineterminator="\n")
            files += [base + "_edges.csv", base + "_parts.csv"]
        if "edges-xlsx" in fm:
            write_xlsx(ed, base + "_edges.xlsx", "Edges")
            write_xlsx(pa, base + "_parts.xlsx", "Parts")
            files += [base + "_edges.xlsx", base + "_parts.xlsx"]
    st["total_s"] = round(time.perf_counter() - t0, 2)
    st["files"] = {os.path.basename(f): os.path.getsize(f) for f in files}
    st["spec"] = asdict(spec)
    with open(base + "_stats.json", "w", encoding="utf-8") as f:
        json.dump(st, f, indent=1)
    return st


def ensure_dataset(
    name: str, data_dir: str | os.PathLike[str] = DEFAULT_DATA_DIR, *, log: Any = None
) -> dict[str, Path]:
    """Generate a catalogued data set unless its files (and matching spec) already exist."""
    ds = DATASETS[name]
    files = ds.files(data_dir)
    stats = Path(data_dir) / name / f"{name}_stats.json"
    if stats.exists() and all(p.exists() for p in files.values()):
        try:
            old = json.loads(stats.read_text(encoding="utf-8")).get("spec", {})
        except ValueError:
            old = {}
        if old == json.loads(json.dumps(asdict(ds.spec))):
            return files
    if log:
        log(f"generating {name} in {Path(data_dir) / name} ...")
    generate(ds.spec, Path(data_dir) / name, name)
    return files


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--dataset",
        action="append",
        choices=sorted(DATASETS),
        help="generate a catalogued data set into DATA_DIR/NAME (repeatable)",
    )
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="for --dataset")
    ap.add_argument("--out-dir", help="custom run: output directory")
    ap.add_argument("--prefix", default="bom")
    d = Spec()
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--products", type=int, default=d.products, help="max top-level products")
    ap.add_argument("--target-rows", type=int, default=0, help="stop before rows exceed this")
    ap.add_argument("--target-edges", type=int, default=0, help="stop before edges exceed this")
    ap.add_argument("--depth", type=int, default=d.depth, help="levels below a product")
    ap.add_argument("--depth-jitter", type=int, default=d.depth_jitter)
    ap.add_argument("--fanout", type=float, default=d.fanout, help="mean children per assembly")
    ap.add_argument("--fanout-shape", type=float, default=d.fanout_shape)
    ap.add_argument("--asm-frac", type=float, default=d.asm_frac)
    ap.add_argument("--share", type=float, default=d.share, help="P(reuse a sub-assembly)")
    ap.add_argument("--leaf-reuse", type=float, default=d.leaf_reuse)
    ap.add_argument("--us-frac", type=float, default=d.us_frac)
    ap.add_argument("--us-frac-asm", type=float, default=d.us_frac_asm)
    ap.add_argument("--price-frac", type=float, default=d.price_frac)
    ap.add_argument("--formats", default=",".join(d.formats), help=", ".join(FORMATS))
    ap.add_argument("--force", action="store_true", help="--dataset: regenerate even if present")
    a = ap.parse_args(argv)
    if a.dataset:
        for name in a.dataset:
            if a.force:
                ds = DATASETS[name]
                generate(ds.spec, Path(a.data_dir) / name, name)
            files = ensure_dataset(name, a.data_dir, log=print)
            stats = Path(a.data_dir) / name / f"{name}_stats.json"
            print(stats.read_text(encoding="utf-8"))
            print("\n".join(str(p) for p in files.values()))
        return
    if not a.out_dir:
        ap.error("give --dataset NAME or --out-dir DIR")
    fmts = tuple(f.strip() for f in a.formats.split(",") if f.strip())
    spec = replace(
        d,
        **{k: getattr(a, k) for k in asdict(d) if k != "formats"},
        formats=fmts,
    )
    try:
        st = generate(spec, a.out_dir, a.prefix)
    except ValueError as e:
        ap.error(str(e))
    print(json.dumps(st, indent=1))


if __name__ == "__main__":
    main()
