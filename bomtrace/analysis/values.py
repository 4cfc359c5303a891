"""Per-node value tracks: cost under an assembly-cost convention, US-origin value, US
technology value, and controlled US value (low and high bound) per destination class.

US-origin parts are taken *in the form received* (15 CFR 734 Supp. 2 (a)(1)): a US-origin
sub-assembly counts as a whole, with its own ECCN, and the explosion stops there.
Assemblies without an origin are taken to be made where the BOM's owner makes them (not US).
Missing data never silently becomes zero: the *low* bound counts only what is known to be
controlled US content; the *high* bound also counts parts of unknown origin and US parts
whose ECCN is missing or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bomtrace.countries import normalize_country
from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode
from bomtrace.rollup import rollup, rollup_stated_total
from bomtrace.rules.model import ControlDecision, Destination
from bomtrace.settings import COST_MISMATCH_RTOL


@dataclass
class NodeValues:
    """Rolled-up values per node (arrays of length n, or n × classes)."""

    total: np.ndarray  #: total value (cost) per unit of the node
    own_total: np.ndarray  #: the node's own contribution before roll-up
    us_tech: np.ndarray  #: US technology/patent value rolled up (no origin stop)
    is_us: np.ndarray  #: bool, origin is US
    unknown_origin: np.ndarray  #: bool, purchased part with no recognised origin
    stop_mask: np.ndarray  #: bool per edge: followed for US-content tracks
    us: np.ndarray  #: US-origin value rolled up (stopping at US parts)
    low: np.ndarray  #: n × classes, known controlled US value
    high: np.ndarray  #: n × classes, possibly controlled US value
    own_low: np.ndarray  #: n × classes, own (stop-node) controlled value
    own_high: np.ndarray  #: n × classes
    unpriced: np.ndarray  #: n × classes, count of unpriced parts that could count
    decisions: list[dict[str, ControlDecision]]  #: per class: ECCN → decision


def node_origins(graph: BomGraph) -> tuple[np.ndarray, np.ndarray]:
    """(is_us, unknown_origin) masks; unknown only for purchased parts (leaves)."""
    origin = graph.attr("country_of_origin")
    cache: dict[object, str | None] = {}
    iso = np.empty(len(origin), dtype=object)
    for i, o in enumerate(origin):
        if o not in cache:
            cache[o] = normalize_country(o) if o is not None else None
        iso[i] = cache[o]
    is_us = iso == "US"
    unknown = graph.is_leaf & np.array([v is None for v in iso], dtype=bool)
    return is_us, unknown


def cost_values(
    graph: BomGraph, convention: str, sink: IssueCollector
) -> tuple[np.ndarray, np.ndarray]:
    """Total value per node and own value per node under an assembly-cost convention."""
    leaf = graph.is_leaf
    cost = graph.num_attr("unit_cost")
    own = np.where(leaf, np.nan_to_num(cost, nan=0.0), 0.0)
    stated = np.where(~leaf, cost, np.nan)
    if convention == "added":
        own = np.where(leaf, own, np.nan_to_num(stated, nan=0.0))
        return rollup(graph, own), own
    if convention == "total":
        total, kids = rollup_stated_total(graph, own, stated)
        added = np.where(~leaf & ~np.isnan(stated), stated - kids, own)
        neg = ~leaf & (added < -1e-9) & (graph.height >= 0)
        for v in np.flatnonzero(neg):
            _node_issue(
                graph,
                sink,
                int(v),
                IssueCode.NEGATIVE_VALUE_ADDED,
                f"The stated total cost of {graph.part_numbers[v]} ({stated[v]:g}) is below the "
                f"roll-up of its children ({kids[v]:g}); its value added would be negative.",
                "unit_cost",
            )
        return total, np.where(leaf, own, np.nan_to_num(added))
    total = rollup(graph, own)
    diff = ~leaf & ~np.isnan(stated) & (graph.height >= 0)
    diff &= ~np.isclose(stated, total, rtol=COST_MISMATCH_RTOL, atol=0.005)
    for v in np.flatnonzero(diff):
        _node_issue(
            graph,
            sink,
            int(v),
            IssueCode.ASSEMBLY_COST_MISMATCH,
            f"{graph.part_numbers[v]} states a cost of {stated[v]:g} but its children roll up "
            f"to {total[v]:g}; the roll-up is used (see --assembly-cost added|total).",
            "unit_cost",
        )
    return total, own


def _node_issue(
    graph: BomGraph, sink: IssueCollector, v: int, code: IssueCode, msg: str, field: str
) -> None:
    pos = graph.position(int(v))
    col = graph.column_letters.get((str(pos["file"]), pos["sheet"], field))
    sink.add(code, msg, part_number=str(graph.part_numbers[v]), column=col, **pos)


def control_matrix(
    graph: BomGraph,
    ruleset: object,
    reps: list[Destination],
    is_us: np.ndarray,
    unknown_origin: np.ndarray,
    sink: IssueCollector,
) -> tuple[np.ndarray, np.ndarray, list[dict[str, ControlDecision]]]:
    """(controlled, possibly-controlled) masks, n × classes, and the decisions used."""
    eccn = graph.attr("eccn")
    n, k = graph.n_nodes, len(reps)
    low = np.zeros((n, k), dtype=bool)
    high = np.zeros((n, k), dtype=bool)
    relevant = np.flatnonzero(is_us | unknown_origin)
    keys = np.array([eccn[i] if eccn[i] is not None else "" for i in relevant], dtype=object)
    decisions: list[dict[str, ControlDecision]] = []
    uniq = sorted(set(keys.tolist()))
    for j, dest in enumerate(reps):
        dec = {e: ruleset.control(e or None, dest) for e in uniq}  # type: ignore[attr-defined]
        decisions.append(dec)
        status = np.array([dec[e].status for e in keys], dtype=object)
        low[relevant, j] = is_us[relevant] & (status == "controlled")
        high[relevant, j] = status != "not-controlled"
    # unknown ECCNs on US parts: one positioned issue per part
    if reps:
        dec0 = decisions[0]
        for i, e in zip(relevant, keys, strict=True):
            if e and is_us[i] and dec0[e].status == "unknown":
                _node_issue(
                    graph,
                    sink,
                    int(i),
                    IssueCode.UNKNOWN_ECCN,
                    f"{graph.part_numbers[i]} has ECCN {e!r}, which is not in the ruleset's "
                    f"Commerce Control List; it is counted as not controlled, and as "
                    f"controlled in the high bound. Check the spelling (e.g. 3A001.a.7, EAR99).",
                    "eccn",
                )
    return low, high, decisions


def compute_values(
    graph: BomGraph,
    ruleset: object,
    reps: list[Destination],
    convention: str,
    sink: IssueCollector,
) -> NodeValues:
    """All value tracks for every node and destination class, in three roll-ups."""
    total, own_total = cost_values(graph, convention, sink)
    is_us, unknown = node_origins(graph)
    low_m, high_m, decisions = control_matrix(graph, ruleset, reps, is_us, unknown, sink)
    tech_own = np.nan_to_num(graph.num_attr("us_tech_value"), nan=0.0)
    unpriced_leaf = graph.is_leaf & np.isnan(graph.num_attr("unit_cost"))
    plain = rollup(graph, np.column_stack([tech_own, unpriced_leaf[:, None] & high_m]))
    stop = ~is_us[graph.parent]
    base = np.nan_to_num(total, nan=0.0)
    own_us = base * is_us
    own_low = base[:, None] * low_m
    own_high = base[:, None] * high_m
    k = len(reps)
    masked = rollup(graph, np.column_stack([own_us, own_low, own_high]), edge_mask=stop)
    return NodeValues(
        total=total,
        own_total=own_total,
        us_tech=plain[:, 0],
        is_us=is_us,
        unknown_origin=unknown,
        stop_mask=stop,
        us=masked[:, 0],
        low=masked[:, 1 : 1 + k],
        high=masked[:, 1 + k : 1 + 2 * k],
        own_low=own_low,
        own_high=own_high,
        unpriced=plain[:, 1 : 1 + k],
        decisions=decisions,
    )
