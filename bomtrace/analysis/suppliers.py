"""Supplier audit (``bomtrace suppliers``): per supplier, what is bought, what it is worth, what
is controlled or FDPR-exposed, and which facts are still missing.

Purchased parts (the leaves of every product) are grouped by ``supplier``, else
``manufacturer``, else ``producer``. Values are extended over every product of the BOM
(quantity in the product × unit cost). "Controlled" is US-origin value controlled to at least
one destination analysed (the de minimis numerator's rule); FDPR exposure comes from
:mod:`bomtrace.fdpr` for the date, destinations and parties given. A fact is *missing* when it
could change an answer: the origin of a part, the ECCN of a part that is or may be US-origin,
and the production facts the FDP rules still need (the part's unresolved evidence).

:func:`supplier_audit` reads them off a graph and its analysis; the verb is
:func:`bomtrace.suppliers`, the workbook of questions to send
:func:`bomtrace.report.request_sheet.write_request_sheet`.

Through the verb:

>>> from datetime import date
>>> import bomtrace
>>> import pandas as pd
>>> from bomtrace.io.table import BomTable
>>> lines = pd.DataFrame({"part_number": ["P", "U1", "R1"], "level": [0, 1, 1],
...     "quantity": [1, 2, 10], "unit_cost": [None, 30.0, 0.1],
...     "country_of_origin": [None, "US", None], "eccn": [None, None, "EAR99"],
...     "supplier": [None, "Acme", "Beta"],
...     "_file": "bom.csv", "_sheet": None, "_row": [2, 3, 4]})
>>> r = bomtrace.suppliers(BomTable(lines=lines, layout="indented"), destinations=["CN"],
...                        as_of=date(2020, 8, 17))
>>> [(s.supplier, s.value, [m["facts"] for m in s.missing]) for s in r.suppliers]
[('Acme', 60.0, [['eccn']]), ('Beta', 1.0, [['country_of_origin']])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.analysis.analysis_result import AnalysisResult
from bomtrace.analysis.schema import text
from bomtrace.analysis.values import node_origins
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue
from bomtrace.rollup import used_quantities
from bomtrace.rules.ruleset import Ruleset

#: the question asked for each missing fact (request sheet)
QUESTIONS: dict[str, str] = {
    "country_of_origin": "Country where this part is made (country of origin).",
    "eccn": "Export Control Classification Number (ECCN) of this part as you supply it, "
    "e.g. 3A991, 5A992.c or EAR99.",
    "us_technology_eccns": "Was this part designed or produced with US-origin technology or "
    "software (EDA tools, process technology)? List the ECCNs (e.g. 3D991, 3E001) or answer "
    "'none'.",
    "made_with_us_equipment": "Is this part made in a plant whose major production or test "
    "equipment is a direct product of US-origin technology or software? Answer yes or no, and "
    "name the fab/plant.",
    "designed_by": "Which company designed this part (design owner)?",
}
_FACT_ORDER = tuple(QUESTIONS)
NO_SUPPLIER = "(no supplier)"


@dataclass
class SupplierRow:
    """One supplier's parts, values, exposure and missing facts."""

    supplier: str
    parts: list[str] = field(default_factory=list)
    value: float = 0.0
    us_origin_value: float = 0.0
    controlled_value: float = 0.0
    fdpr_caught: list[str] = field(default_factory=list)
    fdpr_caught_value: float = 0.0
    fdpr_unresolved: list[str] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "supplier": self.supplier,
            "parts": len(self.parts),
            "value": round(self.value, 4),
            "us_origin_value": round(self.us_origin_value, 4),
            "controlled_value": round(self.controlled_value, 4),
            "fdpr_caught_parts": sorted(self.fdpr_caught),
            "fdpr_caught_value": round(self.fdpr_caught_value, 4),
            "fdpr_unresolved_parts": sorted(self.fdpr_unresolved),
            "missing": self.missing,
        }


@dataclass
class SuppliersResult:
    """The outcome of :func:`supplier_audit`."""

    as_of: str
    destinations: list[str]
    end_user: str | None
    suppliers: list[SupplierRow]
    issues: list[Issue]
    #: the exit status of the analysis behind it (:class:`bomtrace.exitcodes.ExitCode`)
    exit_code: int = 0

    @property
    def requests(self) -> int:
        """Number of (part, fact) requests across all suppliers."""
        return sum(len(m["facts"]) for s in self.suppliers for m in s.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bomtrace_version": __version__,
            "as_of": self.as_of,
            "destinations": self.destinations,
            "end_user": self.end_user,
            "suppliers": [s.to_dict() for s in self.suppliers],
            "issues": [i.to_dict() for i in self.issues],
        }


def supplier_audit(
    graph: BomGraph,
    res: AnalysisResult,
    ruleset: Ruleset,
    *,
    end_user: str | None = None,
) -> SuppliersResult:
    """Per supplier: parts, value, US-origin value, controlled value, FDPR exposure, missing facts.

    Parameters
    ----------
    graph : BomGraph
        The validated BOM.
    res : AnalysisResult
        Its analysis (destinations, FDPR findings, issues, exit code).
    ruleset : Ruleset
        The rules of the analysis's date.
    end_user : str, optional
        The end user the analysis screened (reported as given).

    Returns
    -------
    SuppliersResult
    """
    dests = [ruleset.destination(d) for d in res.options["destinations"]]
    roots = np.array([int(r) for r in graph.roots if graph.height[r] >= 0], dtype=np.int64)
    qty = used_quantities(graph, roots)
    leaf = graph.is_leaf
    is_us, unknown_origin = node_origins(graph)
    cost = np.nan_to_num(graph.num_attr("unit_cost"), nan=0.0)
    eccn, desc = graph.attr("eccn"), graph.attr("description")
    who = _supplier_names(graph)
    caught: dict[str, float] = {}
    unresolved: dict[str, list[str]] = {}
    for entries, summary in res.fdpr_findings():
        for e in entries:
            caught[e["part_number"]] = max(caught.get(e["part_number"], 0.0), e["value"] or 0.0)
        for u in (summary or {}).get("unresolved", []):
            unresolved.setdefault(u["part_number"], []).extend(u["missing"])
    rows: dict[str, SupplierRow] = {}
    for m in np.flatnonzero(leaf & (qty > 0)).tolist():
        pn = str(graph.part_numbers[m])
        row = rows.setdefault(who[m], SupplierRow(who[m]))
        row.parts.append(pn)
        v = float(qty[m] * cost[m])
        row.value += v
        if is_us[m]:
            row.us_origin_value += v
            if any(ruleset.control(eccn[m], d).status == "controlled" for d in dests):
                row.controlled_value += v
        if pn in caught:
            row.fdpr_caught.append(pn)
            row.fdpr_caught_value += caught[pn]
        facts = set(unresolved.get(pn, [])) & set(QUESTIONS)
        if pn in unresolved:
            row.fdpr_unresolved.append(pn)
        if unknown_origin[m]:
            facts.add("country_of_origin")
        if eccn[m] is None and (is_us[m] or unknown_origin[m]):
            facts.add("eccn")
        if facts:
            row.missing.append(
                {
                    "part_number": pn,
                    "description": None if desc[m] is None else str(desc[m]),
                    "mpn": text(graph.attr("mpn")[m]),
                    "quantity": round(float(qty[m]), 6),
                    "facts": [f for f in _FACT_ORDER if f in facts],
                    **graph.position(m),
                }
            )
    out = sorted(rows.values(), key=lambda r: (r.supplier == NO_SUPPLIER, r.supplier.casefold()))
    for r in out:
        r.missing.sort(key=lambda d: d["part_number"])
    return SuppliersResult(
        as_of=res.ruleset["as_of"],
        destinations=list(res.options["destinations"]),
        end_user=end_user,
        suppliers=out,
        issues=res.issues,
        exit_code=res.exit_code,
    )


def _supplier_names(graph: BomGraph) -> list[str]:
    """Each node's supplier: ``supplier``, else ``manufacturer``, else ``producer``."""
    cols = [graph.attr(f) for f in ("supplier", "manufacturer", "producer")]
    out = []
    for vals in zip(*cols, strict=True):
        name = next((str(v).strip() for v in vals if v is not None and str(v).strip()), None)
        out.append(name or NO_SUPPLIER)
    return out
