"""Foreign Direct Product rule exposure per part, per assembly and per product.

For every rule form in force on the date (:mod:`bomtrace.rules.fdp`) and every foreign-made
part, three-valued tests (yes / no / unknown) are combined::

    caught = item scope AND (direct product OR plant OR contains-IC) AND scope

The item and prong tests are computed once per distinct cell value and broadcast to all nodes
(numpy); the scope (destination, end user, parties) is one value per rule form and destination.
Every foreign-made part of a product is tested as travelling inside the product to the
destination and parties of the shipment: the knowledge prongs of the Entity List rules cover
incorporation explicitly; for the destination rules it is the cautious reading. US-origin parts
are not foreign-made items and are never FDP-tested (they are subject to the EAR already).

A part is *caught* when one rule form gives yes; *unresolved* when none gives yes but one gives
unknown (the missing evidence could change the answer). Per assembly, the caught parts below it
are counted and valued with :func:`bomtrace.rollup.rollup`; a caught assembly counts as a whole
and the parts inside it are not counted again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from bomtrace.analysis.ranking import Rankings
from bomtrace.analysis.schema import round_money, rounded, text
from bomtrace.fdpr.evidence import (
    EVIDENCE_FIELDS,
    NO,
    STATE_NAMES,
    UNKNOWN,
    YES,
    Evidence,
)
from bomtrace.fdpr.prongs import NodeStates, node_states
from bomtrace.fdpr.scope import RuleCase, ScreenedParty, rule_cases
from bomtrace.fdpr.screening import ScreeningList
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rollup import explode_kept, rollup
from bomtrace.rules.fdp import load_fdp_data
from bomtrace.rules.limits import fdpr_limits
from bomtrace.rules.load import load_data
from bomtrace.rules.model import Destination

#: unresolved parts listed per product (largest extended value first; ``unresolved_count``
#: has them all, and ``bomtrace suppliers`` lists every one per supplier)
UNRESOLVED_LISTED = 10


@dataclass
class ProductFdpr:
    """FDPR findings for one product: caught entries and a summary."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


_PRONG_NAMES = (("direct", "direct_product"), ("plant", "plant"), ("ic", "contains_ic"))


def screening_limits(screening: ScreeningList) -> list[str]:
    """What the parties were not screened against on the date: the Entity List beyond the
    packaged extract (without a screening-list file), or the history of a file's list."""
    files = [label for label in screening.labels if not label.startswith("packaged")]
    if not files:
        return [
            "Entity List parties outside the packaged extract (footnote-1 Huawei rows and "
            "examples; give the Consolidated Screening List with --screening-list FILE)"
        ]
    return [
        "Screening-list files as of the date: a Consolidated Screening List file keeps no "
        "history and is applied as given"
    ]


def analyze_fdpr(
    graph: BomGraph,
    ev: Evidence,
    *,
    as_of: date,
    destinations: Sequence[Destination],
    screened: list[ScreenedParty],
    screening: ScreeningList,
    sink: IssueLog | None = None,
    limit: int = UNRESOLVED_LISTED,
) -> dict[int, ProductFdpr]:
    """FDPR findings for every analysable product (root node id → findings).

    Parameters
    ----------
    graph : BomGraph
        A validated graph.
    ev : Evidence
        Production evidence per node (:func:`bomtrace.fdpr.evidence.collect_evidence`).
    as_of : datetime.date
        Date whose rule forms apply.
    destinations : sequence of Destination
        Destinations of the shipment (for the destination-scoped rules).
    screened : list of ScreenedParty
        The end user and other parties, screened.
    screening : ScreeningList
        Used for the designed-by / producer conditions of the May 2020 rule.
    sink : IssueLog, optional
        Receives ``fdpr-flag`` and ``fdpr-evidence-missing`` issues when given.
    limit : int, optional
        Unresolved parts listed per product, largest extended value first
        (``unresolved_count`` gives them all).
    """
    ctxs = rule_cases(as_of, destinations, screened)
    live = [c for c in ctxs if c.scope != NO]
    states: dict[str, NodeStates] = {}
    for c in live:
        if c.version.id not in states:
            states[c.version.id] = node_states(c.version, graph, ev, screening)
    n = graph.n_nodes
    caught_any = np.zeros(n, dtype=bool)
    unknown_any = np.zeros(n, dtype=bool)
    final: list[np.ndarray] = []
    for c in live:
        f = np.minimum(states[c.version.id].product, c.scope)
        final.append(f)
        caught_any |= f == YES
        unknown_any |= f == UNKNOWN
    unknown_any &= ~caught_any

    leaf = graph.is_leaf
    cost = graph.num_attr("unit_cost")
    unit_total = rollup(graph, np.where(leaf, np.nan_to_num(cost, nan=0.0), 0.0))
    stop = ~caught_any[graph.parent]
    below = rollup(
        graph,
        np.c_[caught_any.astype(float), np.where(caught_any, np.nan_to_num(unit_total), 0.0)],
        edge_mask=stop,
    )
    ok_roots = np.array([int(r) for r in graph.roots if graph.height[r] >= 0], dtype=np.int64)
    # only caught parts, parts with open evidence and the assemblies holding caught parts are
    # ever listed: explode only their columns, bottom-up (shared sub-assemblies once)
    t = explode_kept(graph, ok_roots, caught_any | unknown_any | (~leaf & (below[:, 0] > 0)))
    engaged = ev.any_given or bool(screened)
    out: dict[int, ProductFdpr] = {}
    reported: set[tuple[int, str]] = set()
    bases: dict[int, list[dict[str, Any]]] = {}  # node -> its caught entries (no quantities)
    open_bases: dict[int, dict[str, Any]] = {}
    # the same for every product: built once, shared by the summaries
    fixed = {
        "status": "assessed" if engaged else "no-evidence",
        "as_of": as_of.isoformat(),
        "data_version": load_fdp_data().data_version,
        "parties": [p.to_dict() for p in screened],
        "rules": [c.label() for c in ctxs],
        "not_modelled": [
            *load_fdp_data().not_modelled,
            *screening_limits(screening),
            *fdpr_limits(load_data(), as_of),
        ],
    }
    holds = ~leaf & (below[:, 0] > 0)
    desc = graph.attr("description")
    # every product's lists at once, as slices of the explosion matrix ordered per row
    nodes, qtys = t.indices, t.data
    ranks = Rankings(t)
    by_pn = part_number_ranks(graph, nodes)  # sorts per-product lists with integer keys
    caught_at = ranks.grouped(np.flatnonzero(caught_any[nodes]), by_pn)
    pos = np.flatnonzero(unknown_any[nodes])
    # the parts whose evidence matters most first: by extended value, then part number
    worth = np.zeros(len(nodes))
    worth[pos] = qtys[pos] * unit_total[nodes[pos]]
    open_at = ranks.grouped(pos, by_pn, -worth)
    held_at = ranks.grouped(np.flatnonzero(holds[nodes] & (nodes != ok_roots[ranks.rows])), by_pn)
    # every row's first ``limit`` open parts, their numbers rounded for output in bulk
    heads, open_ends = open_at.head(limit)
    kept = open_at.pos[heads]
    open_m = nodes[kept].tolist()
    open_qty = rounded(qtys[kept], 6)
    open_value = rounded(qtys[kept] * unit_total[nodes[kept]], 4)
    # every caught entry's part, quantity and value, rounded for output in bulk
    caught_m = nodes[caught_at.pos].tolist()
    caught_qty = rounded(qtys[caught_at.pos], 6)
    caught_value = rounded(qtys[caught_at.pos] * unit_total[nodes[caught_at.pos]], 4)
    # an assembly's caught units and value do not depend on the product holding it
    held: dict[int, dict[str, Any]] = {}
    for row, r in enumerate(ok_roots.tolist()):
        res = ProductFdpr()
        span = caught_at.row(row)
        for m, qc, vc in zip(caught_m[span], caught_qty[span], caught_value[span], strict=True):
            mine = bases.get(m)
            if mine is None:  # the part's entries, one per context catching it, made once
                mine = bases[m] = []
                for c, f in zip(live, final, strict=True):
                    if f[m] != YES:
                        continue
                    mine.append(_entry(graph, ev, states[c.version.id], c, m))
                    if sink is not None and (m, c.version.id) not in reported:
                        reported.add((m, c.version.id))
                        _flag_issue(sink, graph, c, mine[-1], m)
            res.entries.extend([{**base, "quantity": qc, "value": vc} for base in mine])
        unresolved: list[dict[str, Any]] = []
        a, b = open_ends[row], open_ends[row + 1]
        for m, qo, vo in zip(open_m[a:b], open_qty[a:b], open_value[a:b], strict=True):
            ub = open_bases.get(m)
            if ub is None:
                ub = open_bases[m] = _open_entry(graph, live, final, states, m, desc)
            u = dict(ub)
            u["quantity"] = qo
            u["value"] = vo
            unresolved.append(u)
            if sink is not None and engaged and (m, "") not in reported:
                reported.add((m, ""))  # one issue per part, not per product holding it
                if sink.over(IssueCode.FDPR_EVIDENCE_MISSING):
                    sink.tally(IssueCode.FDPR_EVIDENCE_MISSING)  # counted, not written out
                else:
                    sink.add(
                        IssueCode.FDPR_EVIDENCE_MISSING,
                        f"{u['part_number']} may be caught by {', '.join(u['rules'])}: "
                        f"{', '.join(u['missing'])} not known.",
                        part_number=u["part_number"],
                        **graph.position(m),
                    )
        asm = []
        for m in nodes[held_at.pos[held_at.row(row)]].tolist():
            one = held.get(m)
            if one is None:
                one = held[m] = {
                    "part_number": str(graph.part_numbers[m]),
                    "caught_units": round(float(below[m, 0]), 6),
                    "caught_value": round_money(below[m, 1]),
                    "total_cost": round_money(unit_total[m]),
                }
            asm.append(dict(one))
        caught_nodes = {e["part_number"] for e in res.entries}
        res.summary = {
            **fixed,
            "caught_parts": len(caught_nodes),
            "caught_units": round(float(below[r, 0]), 6),
            "caught_value": round_money(below[r, 1]),
            "assemblies": asm,
            "unresolved_count": open_at.count(row),
            "unresolved": unresolved,
        }
        out[r] = res
    return out


def part_number_ranks(graph: BomGraph, nodes: np.ndarray) -> np.ndarray:
    """Per entry of ``nodes``, the rank of its part number among the distinct nodes listed
    (part numbers are unique, so this orders them as a rank over every node would); only the
    listed nodes' part numbers are sorted.

    >>> import numpy as np
    >>> g = BomGraph(part_numbers=np.array(["b", "c", "a"], dtype=object),
    ...     parent=np.array([0]), child=np.array([1]), qty=np.array([1.0]),
    ...     nodes=None, roots=np.array([0]), height=np.array([1, 0, 0]),
    ...     edge_rows=None, layout="indented")
    >>> part_number_ranks(g, np.array([1, 0, 1])).tolist()
    [1, 0, 1]
    """
    listed, at = np.unique(nodes, return_inverse=True)
    rank = np.empty(len(listed), dtype=np.int64)
    rank[np.argsort(graph.part_numbers[listed].astype(str), kind="stable")] = np.arange(len(listed))
    return rank[at.reshape(-1)]


def _open_entry(
    graph: BomGraph,
    live: list[RuleCase],
    final: list[np.ndarray],
    states: dict[str, NodeStates],
    m: int,
    desc: np.ndarray,
) -> dict[str, Any]:
    """The unresolved-part entry of node ``m``; quantity and value are per product."""
    rules, missing = set(), set()
    for c, f in zip(live, final, strict=True):
        if f[m] == UNKNOWN:
            rules.add(c.version.paragraph + (f" → {c.destination}" if c.destination else ""))
            missing |= _missing(states[c.version.id], c, m)
    return {
        "part_number": str(graph.part_numbers[m]),
        "description": text(desc[m]),
        "quantity": None,
        "value": None,
        "rules": sorted(rules),
        "missing": sorted(missing),
    }


def _missing(st: NodeStates, c: RuleCase, m: int) -> set[str]:
    out = set()
    if st.item[m] == UNKNOWN:
        out.add("eccn")
    if st.direct_raw[m] == UNKNOWN:
        out.add("us_technology_eccns")
    if st.plant_raw[m] == UNKNOWN:
        out.add("made_with_us_equipment")
    if st.designer is not None and st.designer[m] == UNKNOWN:
        out.add("designed_by")
    if c.scope == UNKNOWN:
        out.add("party")
    return out


def _entry(
    graph: BomGraph,
    ev: Evidence,
    st: NodeStates,
    c: RuleCase,
    m: int,
) -> dict[str, Any]:
    """The entry of one caught node under one context; quantity and value are per product."""
    prongs = [name for attr, name in _PRONG_NAMES if getattr(st, attr)[m] == YES]
    pos = graph.position(m)
    rows = []
    for f in EVIDENCE_FIELDS:
        if f in ev.columns_present and graph.attr(f)[m] is not None:
            rows.append(
                {
                    "field": f,
                    **pos,
                    "column": graph.column_letters.get((pos["file"], pos["sheet"], f)),
                }
            )
    claim = ev.claims.get(m)
    if claim is not None:
        rows.append({"field": "producer_table", **claim.position, "column": None})
    tech = ev.tech[m]
    p = c.party
    return {
        "part_number": str(graph.part_numbers[m]),
        "description": text(graph.attr("description")[m]),
        "rule": c.version.paragraph,
        "rule_id": c.version.id,
        "rule_name": c.version.title,
        "prong": prongs[0] if prongs else None,
        "prongs": prongs,
        "end_user": p.match.entries[0].name if p is not None else None,
        "party": None if p is None else {"role": p.role, "name": p.name},
        "footnote": c.version.scope.footnote,
        "destination": c.destination,
        "quantity": None,
        "value": None,
        "evidence": {
            "eccn": ev.own_eccn[m],
            "us_technology_eccns": None if tech is None else sorted(tech),
            "made_with_us_equipment": STATE_NAMES[int(ev.plant[m])],
            "plant_source": ev.plant_source[m],
            "producer": text(ev.producer[m]),
            "designed_by": text(ev.designed_by[m]),
        },
        "rows": rows,
        "citation": c.version.citation,
        "source": c.version.source,
        "unsure": c.unsure,
    }


def _flag_issue(sink: IssueLog, graph: BomGraph, c: RuleCase, e: dict[str, Any], m: int) -> None:
    if sink.over(IssueCode.FDPR_FLAG):
        sink.tally(IssueCode.FDPR_FLAG)  # counted, not written out
        return
    who = f"end user {e['end_user']}" if e["end_user"] else f"destination {c.destination}"
    sink.add(
        IssueCode.FDPR_FLAG,
        f"{e['part_number']} is caught by {c.version.paragraph} ({c.version.title}; {who}) "
        f"through the {' and '.join(e['prongs'])} prong: it is subject to the EAR and needs a "
        f"licence under {c.version.licence or 'the rule'}.",
        part_number=e["part_number"],
        **graph.position(m),
    )
