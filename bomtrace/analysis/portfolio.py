"""A portfolio of BOM files analysed one by one, combined (``bomtrace portfolio``).

Each file is analysed alone (:func:`bomtrace.api.portfolio.analyse_file`, a pure function run
in a process or on a Dask worker) into a plain record: its ``analyze`` document and the
per-part facts the portfolio ranks (:func:`part_exposure`). :func:`combine` then reads the
records, in input order, into one :class:`PortfolioResult`:

- per file: path, sha256, BOM lines, products, status (``ok`` or ``error`` with its message);
- per product × destination: verdict, ratio, threshold, margin (threshold − ratio), and the
  product's FDPR result;
- the parts that drive the most exposure: US-origin value controlled to a destination, summed
  over every product and destination where it counts, with the number of products;
- the suppliers that drive the most exposure (the same sums by supplier);
- "classify first": parts with no origin, or no ECCN while US-origin or of unknown origin,
  ranked by the value at stake (extended value summed over the products holding them).

The result depends only on the records and their order, never on which finished first.

>>> rec = {"path": "a.csv", "status": "ok", "sha256": "0" * 64, "lines": 3, "exit_code": 1,
...     "analysis": {"ruleset": {"as_of": "2020-08-17"}, "options": {"destinations": ["CN"]},
...         "products": [{"part_number": "P", "description": None, "analysed": True,
...             "destinations": [{"country": "CN", "verdict": "subject", "ratio": 0.3,
...                               "threshold": 0.25, "headroom": -5.0}]}]},
...     "parts": [{"part_number": "U1", "description": None, "supplier": "Acme", "value": 30.0,
...         "controlled_value": 30.0, "missing": [], "products": ["P"]}]}
>>> r = combine([rec])
>>> [(p["part_number"], p["controlled_us_value"]) for p in r.to_dict()["parts"]]
[('U1', 30.0)]
>>> r.exit_code
1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.analysis.analysis_result import AnalysisResult
from bomtrace.analysis.schema import round_money, round_ratio
from bomtrace.analysis.suppliers import _supplier_names
from bomtrace.analysis.values import node_origins
from bomtrace.exitcodes import ExitCode
from bomtrace.rollup import explode_kept
from bomtrace.rules.ruleset import Ruleset

#: rows of each ranked list by default
RANK = 20
_FLAGGED = ("subject", "undetermined")


def part_exposure(result: AnalysisResult, ruleset: Ruleset) -> list[dict[str, Any]]:
    """The purchased parts of an analysed BOM that the portfolio ranks, in part-number order.

    A part is listed when some product holds it and it is US-origin and controlled to some
    destination analysed (``controlled_value``: its extended value in each product, times the
    destinations it is controlled to, summed), or a fact that could change a verdict is
    missing (``missing``: ``country_of_origin``, or ``eccn`` when it is or may be US-origin).
    ``value`` is its extended value summed over the products holding it; ``products`` the
    part numbers of those products.
    """
    graph = result.products.context.graph
    dests = [ruleset.destination(d) for d in result.options["destinations"]]
    roots = np.array([int(r) for r in graph.roots if graph.height[r] >= 0], dtype=np.int64)
    is_us, unknown = node_origins(graph)
    eccn, desc = graph.attr("eccn"), graph.attr("description")
    missing_origin = unknown
    missing_eccn = graph.missing("eccn") & (is_us | unknown)
    keep = graph.is_leaf & (is_us | missing_origin | missing_eccn)
    if not len(roots) or not keep.any():
        return []
    q = explode_kept(graph, roots, keep).tocsc()
    cost = np.nan_to_num(graph.num_attr("unit_cost"), nan=0.0)
    who = _supplier_names(graph)
    out: list[dict[str, Any]] = []
    for m in np.flatnonzero(keep).tolist():
        col = q[:, [m]]
        rows, qty = col.indices, col.data
        held = qty > 0
        if not held.any():
            continue
        value = float((qty[held] * cost[m]).sum())
        n_ctl = 0
        if is_us[m]:
            n_ctl = sum(ruleset.control(eccn[m], d).status == "controlled" for d in dests)
        facts = ["country_of_origin"] if missing_origin[m] else []
        if missing_eccn[m]:
            facts.append("eccn")
        if not n_ctl and not facts:
            continue
        out.append(
            {
                "part_number": str(graph.part_numbers[m]),
                "description": None if desc[m] is None else str(desc[m]),
                "supplier": who[m],
                "value": round_money(value),
                "controlled_value": round_money(value * n_ctl),
                "missing": facts,
                "products": sorted(str(graph.part_numbers[roots[r]]) for r in rows[held]),
            }
        )
    out.sort(key=lambda p: str(p["part_number"]))
    return out


@dataclass
class _Part:
    part_number: str
    description: str | None
    supplier: str
    value: float = 0.0
    controlled: float = 0.0
    missing: list[str] = field(default_factory=list)
    products: set[tuple[int, str]] = field(default_factory=set)


@dataclass
class PortfolioResult:
    """The combined outcome of a portfolio run (see the module)."""

    files: list[dict[str, Any]]
    products: list[dict[str, Any]]
    parts: list[dict[str, Any]]
    suppliers: list[dict[str, Any]]
    classify_first: list[dict[str, Any]]
    ruleset: dict[str, Any] | None
    destinations: list[str]
    totals: dict[str, Any]
    exit_code: int = ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace portfolio --format json``."""
        return {
            "bomtrace_version": __version__,
            "ruleset": self.ruleset,
            "destinations": self.destinations,
            "totals": self.totals,
            "files": self.files,
            "products": self.products,
            "parts": self.parts,
            "suppliers": self.suppliers,
            "classify_first": self.classify_first,
        }


def combine(records: Sequence[dict[str, Any]], rank: int = RANK) -> PortfolioResult:
    """One :class:`PortfolioResult` from the per-file records, in input order; the ranked
    lists keep their first ``rank`` rows (ties by part number or supplier name)."""
    files: list[dict[str, Any]] = []
    products: list[dict[str, Any]] = []
    dests: list[str] = []
    parts: dict[str, _Part] = {}
    ruleset = None
    code = ExitCode.OK
    for i, rec in enumerate(records):
        doc = rec.get("analysis") or {}
        prods = doc.get("products") or []
        files.append(
            {
                "path": rec["path"],
                "sha256": rec.get("sha256"),
                "lines": rec.get("lines", 0),
                "products": len(prods),
                "status": rec["status"],
                "message": rec.get("message"),
                **({"run_id": rec["run_id"]} if "run_id" in rec else {}),
            }
        )
        if rec["status"] != "ok":
            code = ExitCode.INCOMPLETE
            continue
        code = max(code, ExitCode(rec["exit_code"]))
        ruleset = ruleset or doc.get("ruleset")
        for c in (doc.get("options") or {}).get("destinations") or []:
            if c not in dests:
                dests.append(c)
        products.extend(_product_row(rec["path"], p) for p in prods)
        for p in rec.get("parts") or []:
            got = parts.setdefault(
                p["part_number"], _Part(p["part_number"], p["description"], p["supplier"])
            )
            got.value += p["value"]
            got.controlled += p["controlled_value"]
            got.missing += [f for f in p["missing"] if f not in got.missing]
            got.products.update((i, pn) for pn in p["products"])
    ordered = sorted(parts.values(), key=lambda p: p.part_number)
    exposed = sorted((p for p in ordered if p.controlled > 0), key=lambda p: -p.controlled)
    unknown = sorted((p for p in ordered if p.missing), key=lambda p: -p.value)
    totals = {
        "files": len(files),
        "files_failed": sum(f["status"] != "ok" for f in files),
        "lines": sum(f["lines"] or 0 for f in files),
        "products": len(products),
        **{
            f"{v.replace('-', '_')}_cells": sum(
                x["verdict"] == v for p in products for x in p["destinations"]
            )
            for v in (*_FLAGGED, "not-subject")
        },
        "exit_code": int(code),
    }
    return PortfolioResult(
        files=files,
        products=products,
        parts=[_part_row(p, "controlled_us_value", p.controlled) for p in exposed[:rank]],
        suppliers=_suppliers(exposed)[:rank],
        classify_first=[
            {**_part_row(p, "value_at_stake", p.value), "missing": p.missing}
            for p in unknown[:rank]
        ],
        ruleset=ruleset,
        destinations=dests,
        totals=totals,
        exit_code=int(code),
    )


def _product_row(path: str, p: dict[str, Any]) -> dict[str, Any]:
    fdpr = p.get("fdpr_summary") or {}
    return {
        "file": path,
        "part_number": p["part_number"],
        "description": p.get("description"),
        "analysed": p.get("analysed", True),
        "not_analysed_reason": p.get("not_analysed_reason") or None,
        "fdpr": fdpr.get("status"),
        "fdpr_caught_value": fdpr.get("caught_value"),
        "destinations": [
            {
                "country": x["country"],
                "verdict": x.get("verdict"),
                "ratio": x.get("ratio"),
                "threshold": x.get("threshold"),
                "margin": _margin(x.get("threshold"), x.get("ratio")),
                "headroom": x.get("headroom"),
            }
            for x in p.get("destinations") or []
        ],
    }


def _margin(threshold: float | None, ratio: float | None) -> float | None:
    return None if threshold is None or ratio is None else round_ratio(threshold - ratio)


def _part_row(p: _Part, key: str, value: float) -> dict[str, Any]:
    return {
        "part_number": p.part_number,
        "description": p.description,
        "supplier": p.supplier,
        key: round_money(value),
        "products": len(p.products),
    }


def _suppliers(exposed: list[_Part]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    held: dict[str, set[tuple[int, str]]] = {}
    for p in sorted(exposed, key=lambda p: p.part_number):
        r = rows.setdefault(
            p.supplier, {"supplier": p.supplier, "controlled_us_value": 0.0, "parts": 0}
        )
        r["controlled_us_value"] += p.controlled
        r["parts"] += 1
        held.setdefault(p.supplier, set()).update(p.products)
    out = []
    for s, r in sorted(rows.items()):
        value = round_money(r["controlled_us_value"])
        out.append({**r, "controlled_us_value": value, "products": len(held[s])})
    return sorted(out, key=lambda r: -r["controlled_us_value"])
