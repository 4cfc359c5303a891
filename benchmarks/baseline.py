#!/usr/bin/env python3
"""The de minimis analysis written the way a competent user would, without bomtrace.

This is the comparison point for ``benchmarks/run.py``: pandas + openpyxl to read
(``pandas.read_excel(engine="openpyxl")`` for xlsx, ``pandas.read_csv`` for csv), a
networkx ``DiGraph`` as the product structure, and a plain recursive explosion of every
path below each product (no memoisation: that is what a typical script does, and its cost
grows with the number of *paths*, not edges).

Only the engineering differs from bomtrace; the rules and the value semantics are the same:

* controlled or not: ``bomtrace.load_ruleset(as_of).control(eccn, destination)`` (one call
  per ECCN and destination, cached in a dict), thresholds from the same ruleset;
* a purchased part counts by its extended value (quantity along the path × unit cost);
* a US-origin part counts as a whole, in the form received: below a US-origin assembly
  every part counts as that assembly's US content, with the assembly's ECCN;
* total cost = roll-up of the purchased parts (the cost printed on assembly lines is not
  added, as bomtrace's default ``--assembly-cost rollup``);
* denominator = the product's selling price when given, else its rolled-up cost;
* controlled US value counts ECCNs the rules call ``controlled``; the high bound also counts
  ``possible`` ones (a control covers only some paragraphs and none was given);
  subject when controlled / denominator exceeds the threshold, undetermined when only the
  high bound does. (The benchmark data has every origin, ECCN and price filled in.)
* a product whose own origin is US is subject to the EAR wherever it is (15 CFR
  734.3(a)(2)): de minimis does not apply to it.

Writes one JSON object: ``{"products": {part_number: {...}}, "timings": {...}}``.

Example::

    python benchmarks/baseline.py /tmp/bomtrace-bench/r10k/r10k_indented.csv \\
        -d CN -d DE -d IR -d CU -d RU --as-of 2020-08-17 -o /tmp/baseline.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import networkx as nx
import pandas as pd

TEXT = {
    "Item Number": str,
    "Parent Part Number": str,
    "Component": str,
    "Country of Origin": str,
    "ECCN": str,
}


def read_table(path: str) -> pd.DataFrame:
    """Read one csv or xlsx file the usual way (part numbers kept as text)."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        return pd.read_excel(path, engine="openpyxl", dtype=TEXT)
    return pd.read_csv(path, dtype=TEXT)


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _attrs(row: Any) -> dict[str, Any]:
    return {
        "cost": _num(row["Unit Cost"]) or 0.0,
        "origin": row["Country of Origin"],
        "eccn": row["ECCN"],
        "price": _num(row.get("Selling Price")),
    }


def graph_from_indented(df: pd.DataFrame) -> tuple[nx.DiGraph, list[str]]:
    """Level column → parent/child edges, with a stack of the current assembly path."""
    g = nx.DiGraph()
    products: list[str] = []
    stack: list[str] = []
    for row in df.to_dict("records"):
        level = int(row["Level"])
        pn = row["Item Number"]
        if pn not in g:
            g.add_node(pn, **_attrs(row))
        del stack[level:]
        if level == 0:
            products.append(pn)
        else:
            g.add_edge(stack[-1], pn, qty=float(row["Qty Per"]))
        stack.append(pn)
    return g, products


def graph_from_parent_child(edges: pd.DataFrame, parts: pd.DataFrame) -> tuple[nx.DiGraph, list]:
    """Edge table + parts master → DiGraph; products are the parts nobody uses."""
    g = nx.DiGraph()
    for row in parts.to_dict("records"):
        g.add_node(row["Item Number"], **_attrs(row))
    for row in edges.to_dict("records"):
        g.add_edge(row["Parent Part Number"], row["Component"], qty=float(row["Qty Per"]))
    products = [n for n in g.nodes if g.in_degree(n) == 0 and g.out_degree(n) > 0]
    return g, products


def walk(
    g: nx.DiGraph,
    node: str,
    qty: float,
    owner: str | None,
    acc: dict[str, Any],
    status: Callable[[Any], list[str]],
) -> None:
    """Visit every path below ``node``; add each purchased part's extended value."""
    attrs = g.nodes[node]
    if owner is None and attrs["origin"] == "US":
        owner = node  # US-origin: counts as a whole, with its own ECCN
    kids = g[node]
    if not kids:
        value = qty * attrs["cost"]
        acc["total"] += value
        if owner is not None:
            acc["us"] += value
            for k, st in enumerate(status(g.nodes[owner]["eccn"])):
                if st == "controlled":
                    acc["low"][k] += value
                if st != "not-controlled":
                    acc["high"][k] += value
        return
    for child, edge in kids.items():
        walk(g, child, qty * edge["qty"], owner, acc, status)


def verdict(low: float, high: float, threshold: float) -> str:
    """Subject when the known controlled share exceeds the threshold; undetermined when only
    the share that may be controlled (ECCN paragraph not given) does."""
    if low > threshold + 1e-12:
        return "subject"
    if high > threshold + 1e-12:
        return "undetermined"
    return "not-subject"


def analyse(
    g: nx.DiGraph, products: list[str], dests: list[str], as_of: date
) -> dict[str, dict[str, Any]]:
    """Per product: total cost, US-origin value, controlled value and verdict per destination."""
    from bomtrace import load_ruleset

    rules = load_ruleset(as_of)
    where = [rules.destination(d) for d in dests]
    cache: dict[Any, list[str]] = {}

    def status(eccn: Any) -> list[str]:
        """controlled / possible / not-controlled / unknown, per destination."""
        if eccn not in cache:
            e = None if eccn is None or pd.isna(eccn) else str(eccn)
            cache[eccn] = [rules.control(e, d).status for d in where]
        return cache[eccn]

    out: dict[str, dict[str, Any]] = {}
    for prod in products:
        acc: dict[str, Any] = {
            "total": 0.0,
            "us": 0.0,
            "low": [0.0] * len(dests),
            "high": [0.0] * len(dests),
        }
        walk(g, prod, 1.0, None, acc, status)
        price = g.nodes[prod]["price"]
        den = price if price else acc["total"]
        res: dict[str, Any] = {
            "total_cost": acc["total"],
            "us_origin_value": acc["us"],
            "denominator": den,
            "denominator_basis": "selling_price" if price else "rolled_up_cost",
            "destinations": {},
        }
        for k, d in enumerate(where):
            low, high = acc["low"][k] / den, max(acc["low"][k], acc["high"][k]) / den
            res["destinations"][d.code] = {
                "controlled_us_value": acc["low"][k],
                "ratio": low,
                "ratio_high": high,
                "threshold": d.threshold,
                "verdict": "subject"
                if g.nodes[prod]["origin"] == "US"
                else verdict(low, high, d.threshold),
            }
        out[prod] = res
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("paths", nargs="+", help="indented BOM, or edge table + parts master")
    ap.add_argument("-d", "--destination", action="append", dest="dests", required=True)
    ap.add_argument("--as-of", default="2020-08-17")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    sys.setrecursionlimit(10_000)
    t = {"start": time.perf_counter()}
    tables = [read_table(p) for p in a.paths]
    t["read"] = time.perf_counter()
    indented = [df for df in tables if "Level" in df.columns]
    if indented:
        g, products = graph_from_indented(pd.concat(indented, ignore_index=True))
    else:
        edges = next(df for df in tables if "Parent Part Number" in df.columns)
        parts = next(df for df in tables if "Parent Part Number" not in df.columns)
        g, products = graph_from_parent_child(edges, parts)
    t["graph"] = time.perf_counter()
    result = analyse(g, products, a.dests, date.fromisoformat(a.as_of))
    t["explode"] = time.perf_counter()
    timings = {
        "read_s": t["read"] - t["start"],
        "graph_s": t["graph"] - t["read"],
        "explode_s": t["explode"] - t["graph"],
    }
    with open(a.output, "w", encoding="utf-8") as f:
        json.dump({"products": result, "timings": timings}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
