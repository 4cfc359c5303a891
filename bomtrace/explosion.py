"""Flatten products to purchased parts, as one table (vectorised; fast at a million lines).

One row per (product, purchased part): total quantity in one unit of the product, unit cost,
extended cost, origin and ECCN. Built straight from the sparse explosion matrix, never one
Python object per row on the hot path; the CSV and Parquet writers
(:mod:`bomtrace.report.formats`) write the table as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bomtrace._version import __version__
from bomtrace.exitcodes import ExitCode
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue, IssueCode
from bomtrace.rollup import explode as explode_matrix

COLUMNS = (
    "product",
    "part_number",
    "description",
    "quantity",
    "unit_cost",
    "extended_cost",
    "country_of_origin",
    "eccn",
)


@dataclass
class ExplodeResult:
    """Every product's purchased parts: ``table`` has the columns of :data:`COLUMNS`."""

    table: pd.DataFrame
    products: list[dict[str, Any]]  #: part_number, description, analysed
    issues: list[Issue] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """The command's exit status (:class:`bomtrace.exitcodes.ExitCode`): INCOMPLETE (3)
        when there is no product, some product could not be exploded (its parts are missing
        from the table) or an input file could not be read, else OK (0)."""
        if any(i.code == "file-not-read" and i.severity == "error" for i in self.issues):
            return ExitCode.INCOMPLETE
        if not self.products or not all(p["analysed"] for p in self.products):
            return ExitCode.INCOMPLETE
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """JSON form: per product, its parts (money rounded to 4 decimals)."""
        t = self.table.astype(object).where(self.table.notna(), None)
        groups = {k: g for k, g in t.groupby("product", sort=False)}
        out = []
        for p in self.products:
            g = groups.get(p["part_number"])
            parts = [] if g is None else g.drop(columns="product").to_dict("records")
            out.append({**p, "parts": parts})
        return {
            "bomtrace_version": __version__,
            "products": out,
            "issues": [i.to_dict() for i in self.issues],
        }


def explode_graph(graph: BomGraph, issues: list[Issue]) -> ExplodeResult:
    """Explode every analysable product of a validated graph to its purchased parts."""
    ok = np.array([int(r) for r in graph.roots if graph.height[r] >= 0], dtype=np.int64)
    t = explode_matrix(graph, ok).tocoo()
    leaf = graph.is_leaf
    keep = leaf[t.col]
    prod_i, part, qty = t.row[keep], t.col[keep], t.data[keep]
    order = np.lexsort((graph.part_numbers[part].astype(str), prod_i))
    prod_i, part, qty = prod_i[order], part[order], qty[order]
    cost = graph.num_attr("unit_cost")[part]
    with np.errstate(over="ignore"):  # past the largest float: inf, and reported below
        extended = qty * cost
    huge = np.flatnonzero(np.isinf(extended) & np.isfinite(cost))
    extended[huge] = np.nan
    if len(huge):
        i = int(huge[0])
        issues = [
            *issues,
            Issue(
                IssueCode.VALUE_OVERFLOW,
                f"{len(huge):,} extended cost(s) are too large to compute: quantity × unit cost "
                f"passes the largest number (first: {qty[i]:g} × {cost[i]:.6g} for part "
                f"{graph.part_numbers[part[i]]} of product {graph.part_numbers[ok][prod_i[i]]}); "
                "they are left empty. Check the quantities and unit costs.",
                part_number=str(graph.part_numbers[part[i]]),
            ),
        ]
    table = pd.DataFrame(
        {
            "product": graph.part_numbers[ok][prod_i],
            "part_number": graph.part_numbers[part],
            "description": graph.attr("description")[part],
            "quantity": np.round(qty, 6),
            "unit_cost": cost,
            "extended_cost": np.round(extended, 4),
            "country_of_origin": graph.attr("country_of_origin")[part],
            "eccn": graph.attr("eccn")[part],
        },
        columns=list(COLUMNS),
    )
    desc = graph.attr("description")
    products = [
        {
            "part_number": str(graph.part_numbers[r]),
            "description": desc[r],
            "analysed": bool(graph.height[r] >= 0),
        }
        for r in graph.roots
    ]
    return ExplodeResult(table=table, products=products, issues=issues)
