"""Which parts and verdicts of a BOM the rule changes between two dates touch.

``bomtrace rules --changes --from A --to B BOM...`` answers "what changed since our last
classification?": the rule changes between the dates (:func:`bomtrace.rules.changes_between.
rule_changes`) and, for the BOM, every product × destination verdict under both dates' rules
(which flip) and the parts whose content is judged differently on the two dates (the control
decision for their ECCN and the destination differs), with the changes that concern them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.analysis.compare import analyse_sides, verdict_changes
from bomtrace.analysis.deminimis import resolve_destinations
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.errors import UsageError
from bomtrace.graph.load import load_graph
from bomtrace.graph.model import BomGraph
from bomtrace.io import ReadOptions
from bomtrace.issues import sort_issues
from bomtrace.rules import load_ruleset
from bomtrace.rules.changes_between import RuleChange, rule_changes
from bomtrace.rules.model import ControlDecision

#: parts listed per (ECCN, destination) whose decision changed
MAX_PARTS = 20


@dataclass
class RuleChangesResult:
    """The rule changes between two dates and, with a BOM, what they touch in it."""

    start: str
    end: str
    data_version: str
    changes: list[RuleChange]
    #: with a BOM: inputs, destinations, verdicts before/after, parts judged differently
    bom: dict[str, Any] | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace rules --changes --format json``."""
        return {
            "from": self.start,
            "to": self.end,
            "data_version": self.data_version,
            "changes": [c.to_dict() for c in self.changes],
            "bom": self.bom,
            "issues": self.issues,
        }

    @property
    def flips(self) -> int:
        """How many product × destination verdicts differ between the two dates."""
        return sum(1 for v in (self.bom or {}).get("verdicts", []) if v["flips"])


def changes_report(
    start: date | None,
    end: date | None,
    source: Any,
    *,
    destinations: Sequence[str],
    all_destinations: bool,
    made_in: str | None,
    read: ReadOptions,
) -> RuleChangesResult:
    """The :class:`RuleChangesResult` of :func:`bomtrace.api.rule_changes` (see there)."""
    if start is None or end is None or not start < end:
        raise UsageError(
            f"--from {start} must be before --to {end}, e.g. --from 2020-05-15 --to 2020-08-17."
        )
    rulesets = (load_ruleset(start), load_ruleset(end))
    changes = rule_changes(start, end)
    out = RuleChangesResult(
        start.isoformat(), end.isoformat(), rulesets[1].info.data_version, changes
    )
    if source is None:
        return out
    options = AnalysisOptions(
        destinations=tuple(destinations),
        all_destinations=all_destinations,
        as_of=end,
        made_in=made_in,
        assemblies=False,
    )
    for rs in rulesets:
        for d in options.destinations:
            rs.destination(d)  # unknown, or not known on one of the dates: fails before reading
    graph, table = load_graph(source, read=read)
    out.bom = {
        "inputs": [s.to_dict() for s in table.sources] if table is not None else [],
        **bom_impact(graph, rulesets, options, changes),
    }
    out.issues = [i.to_dict() for i in sort_issues(graph.issues)]
    return out


def bom_impact(
    graph: BomGraph,
    rulesets: tuple[Any, Any],
    options: AnalysisOptions,
    changes: list[RuleChange],
) -> dict[str, Any]:
    """The verdicts of ``graph`` under both rulesets and the parts judged differently.

    Parameters
    ----------
    graph : BomGraph
        The BOM.
    rulesets : (Ruleset, Ruleset)
        The rules as of the first and the second date.
    options : AnalysisOptions
        Analysis options (their ``as_of`` is replaced by each ruleset's date).
    changes : list of RuleChange
        The rule changes between the dates, to name those that concern each part.
    """
    runs = analyse_sides((graph, graph), rulesets, options)
    dests = [d.code for d in resolve_destinations(rulesets[1], options)]
    verdicts = verdict_changes(runs[0], runs[1])
    return {
        "destinations": dests,
        "verdicts": verdicts,
        "parts": _parts(graph, rulesets, dests, changes),
    }


def _parts(
    graph: BomGraph, rulesets: tuple[Any, Any], dests: list[str], changes: list[RuleChange]
) -> list[dict[str, Any]]:
    """Per (ECCN, destination) whose decision differs on the two dates: both decisions, the
    US-origin (or origin unknown) parts classified so, and the changes that concern the
    entry or the destination."""
    origin = pd.Series(graph.origin_iso(), dtype=object)
    # US-origin content, and parts whose origin is not given (US in the high bound)
    content = (origin.isna() | (origin == "US")).to_numpy()
    given = pd.Series(graph.attr("eccn"), dtype=object).where(content)
    out = []
    for value in sorted({str(x) for x in pd.unique(given.dropna())}):
        rows = np.flatnonzero((given == value).to_numpy())
        for code in dests:
            a, b = (rs.control(value, rs.destination(code)) for rs in rulesets)
            if (a.status, a.reason) == (b.status, b.reason):
                continue
            pns = sorted({str(graph.part_numbers[i]) for i in rows.tolist()})
            out.append(
                {
                    "eccn": value,
                    "country": code,
                    "from": _decision(a),
                    "to": _decision(b),
                    "parts": pns[:MAX_PARTS],
                    "parts_count": len(pns),
                    "changes": [
                        c.change
                        for c in changes
                        if value[:5].upper() in c.eccns or code in c.countries
                    ],
                }
            )
    return out


def _decision(d: ControlDecision) -> dict[str, Any]:
    return {"status": d.status, "reason": d.reason}


__all__ = ["RuleChangesResult", "bom_impact"]
