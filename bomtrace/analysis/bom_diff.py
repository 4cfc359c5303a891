"""Two BOM revisions (or one BOM on two dates) compared: "what changed since the last revision?"

:func:`diff_graphs` lists the lines added, removed and changed (quantity per parent) and the
parts whose values changed (cost, origin, ECCN, ...), then analyses both and gives, per product
and destination, the ratio and verdict before and after, which flip, and the parts that explain
the change, largest first (the change of each part's counted value, from the contributors of
both analyses). A release gate can stop on :attr:`DiffResult.exit_code`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.analysis.compare import (
    analyse_sides,
    flips_to_worse,
    in_force,
    under_scenario,
    verdict_changes,
)
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.exitcodes import ExitCode
from bomtrace.graph.model import BomGraph

#: part values compared between the revisions
COMPARED = ("unit_cost", "selling_price", "country_of_origin", "eccn", "us_content_pct",
            "listed_ear99", "item_type", "description")  # fmt: skip
MAX_LISTED = 500  #: lines or parts listed per kind of change (the counts are exact)
TOP = 50  #: contributors asked of each analysis to explain a change
EXPLAIN = 10  #: parts named per changed product and destination


@dataclass
class DiffResult:
    """What changed between two revisions, and what it does to the verdicts."""

    old: dict[str, Any]  #: inputs and date of the old side
    new: dict[str, Any]
    lines: dict[str, Any]  #: added / removed / changed lines, with counts
    parts: dict[str, Any]  #: parts whose values changed, with counts
    verdicts: list[dict[str, Any]]
    not_analysed: list[str] = field(default_factory=list)  #: products of the new side
    issues: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace diff --format json``."""
        return {
            "old": self.old,
            "new": self.new,
            "lines": self.lines,
            "parts": self.parts,
            "verdicts": self.verdicts,
            "flips": sum(1 for v in self.verdicts if v["flips"]),
            "not_analysed": self.not_analysed,
            "issues": self.issues,
        }

    @property
    def exit_code(self) -> int:
        """INCOMPLETE (3) when a product of the new revision could not be analysed; FLAGGED
        (1) when a verdict flips from not subject to subject or undetermined; else OK (0)."""
        if self.not_analysed:
            return ExitCode.INCOMPLETE
        if flips_to_worse(self.verdicts):
            return ExitCode.FLAGGED
        return ExitCode.OK


def _edges(g: BomGraph) -> pd.DataFrame:
    pn = g.part_numbers.astype(str)
    return pd.DataFrame({"parent": pn[g.parent], "child": pn[g.child], "quantity": g.qty})


def _capped(df: pd.DataFrame) -> dict[str, Any]:
    rows = df.head(MAX_LISTED).astype(object).where(df.head(MAX_LISTED).notna(), None)
    return {"count": int(len(df)), "listed": rows.to_dict("records")}


def line_changes(old: BomGraph, new: BomGraph) -> dict[str, Any]:
    """Lines (parent → child) added, removed, and whose quantity per parent changed."""
    both = _edges(old).merge(
        _edges(new), on=["parent", "child"], how="outer", suffixes=("_old", "_new"), indicator=True
    )
    both = both.sort_values(["parent", "child"], kind="stable")
    added = both[both["_merge"] == "right_only"][["parent", "child", "quantity_new"]]
    removed = both[both["_merge"] == "left_only"][["parent", "child", "quantity_old"]]
    kept = both[both["_merge"] == "both"]
    changed = kept[~np.isclose(kept["quantity_old"], kept["quantity_new"], rtol=1e-12)]
    return {
        "added": _capped(added.rename(columns={"quantity_new": "quantity"})),
        "removed": _capped(removed.rename(columns={"quantity_old": "quantity"})),
        "changed": _capped(changed[["parent", "child", "quantity_old", "quantity_new"]]),
    }


def part_changes(old: BomGraph, new: BomGraph) -> dict[str, Any]:
    """Parts in both revisions whose compared values differ (a missing value counts)."""
    a = pd.DataFrame({"part_number": old.part_numbers.astype(str)})
    b = pd.DataFrame({"part_number": new.part_numbers.astype(str)})
    for name in COMPARED:
        a[name], b[name] = old.attr(name), new.attr(name)
    m = a.merge(b, on="part_number", suffixes=("_old", "_new"))
    rows = []
    for name in COMPARED:
        x, y = m[f"{name}_old"], m[f"{name}_new"]
        differ = ~((x == y) | (x.isna() & y.isna()))
        for pn, u, v in zip(m["part_number"][differ], x[differ], y[differ], strict=True):
            rows.append({"part_number": pn, "field": name, "old": _plain(u), "new": _plain(v)})
    rows.sort(key=lambda r: (r["part_number"], COMPARED.index(r["field"])))
    return {"count": len(rows), "listed": rows[:MAX_LISTED]}


def _plain(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    return v.item() if isinstance(v, np.generic) else v


def diff_graphs(
    old: BomGraph,
    new: BomGraph,
    rulesets: tuple[Any, Any],
    options: AnalysisOptions,
    scenarios: tuple[str | None, str | None] = (None, None),
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[str]]:
    """Line changes, part changes, verdicts before/after with their explanation, and the new
    side's products that could not be analysed. A side with a scenario gives its verdicts
    under that scenario (``bomtrace rules`` lists them) instead of the rule in force."""
    runs = analyse_sides(
        (old, new), rulesets, replace(options, top=max(options.top, TOP)), scenarios
    )
    picks = tuple(in_force if s is None else under_scenario for s in scenarios)
    rows = verdict_changes(runs[0], runs[1], picks=(picks[0], picks[1]))
    before = {(p.part_number, d.country): d for p in runs[0] for d in p.destinations}
    after = {(p.part_number, d.country): d for p in runs[1] for d in p.destinations}
    for r in rows:
        key = (r["product"], r["country"])
        if r["flips"] or r["ratio_from"] != r["ratio_to"]:
            r["explained_by"] = _explain(before[key].top_contributors, after[key].top_contributors)
    not_analysed = [p.part_number for p in runs[1] if not p.analysed]
    return line_changes(old, new), part_changes(old, new), rows, not_analysed


def _explain(old: list[Any], new: list[Any]) -> list[dict[str, Any]]:
    """Parts whose counted value changed, largest change first."""
    a = {c.part_number: c for c in old}
    b = {c.part_number: c for c in new}
    out = []
    for pn in a.keys() | b.keys():
        x, y = a.get(pn), b.get(pn)
        va, vb = (x.value if x else 0.0), (y.value if y else 0.0)
        if abs(vb - va) > 1e-9:
            out.append(
                {
                    "part_number": pn,
                    "value_from": round(va, 4),
                    "value_to": round(vb, 4),
                    "change": round(vb - va, 4),
                    "reason": (y or x).reason if (y or x) else None,  # type: ignore[union-attr]
                }
            )
    out.sort(key=lambda r: (-abs(r["change"]), r["part_number"]))
    return out[:EXPLAIN]


__all__ = ["COMPARED", "DiffResult", "diff_graphs", "line_changes", "part_changes"]
