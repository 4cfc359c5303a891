"""De minimis (15 CFR 734.4) per product × destination, computed once per destination class.

numerator = controlled US-origin value on the item's track (Supp. No. 2 to Part 734 (a)(1):
Country Chart and Part 746, never Part 744; GBS-eligible, short-supply-only and NLR content
left out); denominator = the item's selling price when given, else its rolled-up cost
(conservative: cost is below price, so the ratio is overstated); subject to the EAR when the
ratio *exceeds* the threshold (both thresholds inclusive) or a 734.4(a) category applies.

Destinations with identical treatment (:meth:`Ruleset.class_key`) share one column of every
array; results fan out to the destinations at the end. Under ``--all-destinations`` the
sub-assemblies carry only their compact summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.analysis.assembly_results import AssemblyResults
from bomtrace.analysis.context import Context
from bomtrace.analysis.decisions import decision_for, decision_keys
from bomtrace.analysis.destination_result import matches_end_user
from bomtrace.analysis.grid import NOT_SUBJECT, SUBJECT, build_grid
from bomtrace.analysis.limits import cell_limits
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.origins import finite_nodes, overflowed, product_origins, us_items
from bomtrace.analysis.product_results import ProductResults
from bomtrace.analysis.ranking import Rankings
from bomtrace.analysis.summaries import class_members, item_summaries
from bomtrace.analysis.values import NodeValues, compute_values
from bomtrace.analysis.verdict_evidence import evidence_nodes
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue, IssueCode, IssueLog
from bomtrace.rollup import explode, rollup
from bomtrace.rules.model import Destination, Scenario


def resolve_destinations(ruleset: Any, options: AnalysisOptions) -> list[Destination]:
    """Destinations to analyse, de-duplicated, in the order asked."""
    if options.all_destinations:
        dests = list(ruleset.destinations())
    elif options.destinations:
        dests = [ruleset.destination(d) for d in options.destinations]
    else:
        dests = list(ruleset.default_destinations())
    seen: dict[str, Destination] = {}
    for d in dests:
        seen.setdefault(d.code, d)
    return list(seen.values())


def destination_classes(
    ruleset: Any, dests: list[Destination]
) -> tuple[list[Destination], list[int]]:
    """(one representative per class, class index of every destination)."""
    class_of: dict[Any, int] = {}
    reps: list[Destination] = []
    dest_class = []
    for d in dests:
        key = ruleset.class_key(d)
        if key not in class_of:
            class_of[key] = len(reps)
            reps.append(d)
        dest_class.append(class_of[key])
    return reps, dest_class


def merge_classes(
    graph: BomGraph,
    ruleset: Any,
    reps: list[Destination],
    dest_class: list[int],
    made_in: str | None,
) -> tuple[list[Destination], list[int]]:
    """Merge the destination classes this BOM cannot tell apart.

    The ruleset's classes (:meth:`class_key`) hold for any BOM; one BOM has only a few
    ECCNs, so classes with the same threshold, the same control decision for every decision
    key the BOM has and the same 734.4(a) categories give identical numbers for every node.
    Under ``--all-destinations`` about a hundred classes typically fall to a handful, and
    every per-node × class array shrinks with them.
    """
    if len(reps) < 2:
        return reps, dest_class
    keys, _ = decision_keys(graph, np.arange(graph.n_nodes))
    zero = ruleset.zero_de_minimis()
    merged: dict[tuple[Any, ...], int] = {}
    new_reps: list[Destination] = []
    remap = []
    for d in reps:
        sig = (
            d.threshold,
            tuple(decision_for(ruleset, d, u, made_in) for u in keys),
            tuple(z.id for z in zero if z.reaches(d)),
        )
        if sig not in merged:
            merged[sig] = len(new_reps)
            new_reps.append(d)
        remap.append(merged[sig])
    return new_reps, [remap[k] for k in dest_class]


def _item_arrays(
    graph: BomGraph, vals: NodeValues, reps: list[Destination]
) -> tuple[np.ndarray, np.ndarray]:
    """Item-pattern match per node and reach per class for categories naming the item."""
    eccn = graph.attr("eccn")
    n_items = len(vals.item_rules)
    match = np.zeros((graph.n_nodes, n_items), dtype=np.int8)
    reach = np.zeros((len(reps), n_items), dtype=np.int8)
    for c, z in enumerate(vals.item_rules):
        assert z.item is not None  # noqa: S101 - item_rules only holds such categories
        cand = np.flatnonzero(~graph.is_leaf & ~vals.is_us & (vals.track == z.track))
        cache: dict[object, str] = {}
        for v in cand:
            e = eccn[v]
            if e not in cache:
                cache[e] = z.item.match(e)
            m = cache[e]
            match[v, c] = 2 if m == "yes" and not z.condition else (1 if m != "no" else 0)
        reach[:, c] = [z.reaches(d) for d in reps]
    return match, reach


#: the FDPR findings of a run (:meth:`bomtrace.fdpr.PendingFdpr.result`): per product node its
#: findings (``entries``, ``summary``), and the run's issues
FdprFindings = Callable[[], tuple[Mapping[int, Any], list[Issue]]]


def analyze_graph(
    graph: BomGraph,
    ruleset: Any,
    options: AnalysisOptions,
    sink: IssueLog,
    *,
    fdpr: FdprFindings | None = None,
) -> tuple[ProductResults, AssemblyResults]:
    """De minimis results for every product and (optionally) foreign-made sub-assembly,
    with the FDPR findings of each product when ``fdpr`` gives them.

    Quantities and costs that multiply past the largest float give ``inf`` without a numpy
    warning: such values are found and reported (:func:`~bomtrace.analysis.origins.overflowed`),
    and the products above them are not analysed."""
    with np.errstate(over="ignore"):
        return _analyze_graph(graph, ruleset, options, sink, fdpr)


def _analyze_graph(
    graph: BomGraph,
    ruleset: Any,
    options: AnalysisOptions,
    sink: IssueLog,
    fdpr: FdprFindings | None,
) -> tuple[ProductResults, AssemblyResults]:
    dests = resolve_destinations(ruleset, options)
    reps, dest_class = destination_classes(ruleset, dests)
    reps, dest_class = merge_classes(graph, ruleset, reps, dest_class, options.made_in)
    scenarios = [ruleset.scenario(s) for s in options.scenarios]
    for s in scenarios:
        if (
            s.threshold
            and options.end_user
            and s.threshold.end_user_patterns
            and not matches_end_user(options.end_user, s.threshold.end_user_patterns)
        ):
            sink.add(
                IssueCode.SCENARIO_NOT_APPLICABLE,
                f"Scenario {s.name} applies only to end users matching "
                f"{', '.join(s.threshold.end_user_patterns)}; end user "
                f"{options.end_user!r} does not match, so it changes nothing.",
            )
    vals = compute_values(
        graph,
        ruleset,
        reps,
        options.assembly_cost,
        sink,
        second_incorporation=options.second_incorporation,
        made_in=options.made_in,
    )
    currency, mixed, currencies = _currency(graph, sink)
    price = graph.num_attr("selling_price")
    den = np.where(price > 0, price, vals.total)
    thresholds = np.array([d.threshold for d in reps], dtype=float)
    item_match, item_reach = _item_arrays(graph, vals, reps)
    grid = build_grid(vals, vals.main, den, thresholds, item_match, item_reach)
    alt = (
        build_grid(vals, vals.alt, den, thresholds, item_match, item_reach)
        if vals.alt is not None
        else None
    )
    us_item = us_items(graph, vals, options.made_in)
    for gr in (grid, alt):
        if gr is not None:  # US-origin: subject wherever it is (734.3(a)(2)), not de minimis
            gr.verdict[us_item] = SUBJECT
    ctx = Context(
        graph=graph,
        vals=vals,
        grid=grid,
        alt=alt,
        den=den,
        rules=list(ruleset.zero_de_minimis()),
        top=options.top,
        end_user=options.end_user,
        technology_note=ruleset.note("tracks", "technology_report"),
        us_item=us_item,
        limits=cell_limits(graph, ruleset, dests, dest_class, vals.key_index, vals.decisions),
    )
    _technology_issue(graph, vals, sink, ctx.technology_note)
    overflow = overflowed(graph, vals, den, sink) | mixed
    ok_roots = [int(r) for r in graph.roots if graph.height[r] >= 0 and r not in overflow]
    roots = np.array(ok_roots, dtype=np.int64)
    t = explode(graph, roots, edge_mask=vals.main.edge_mask, keep=evidence_nodes(graph, vals))
    ctx.rankings = Rankings(t, dens=den[roots], low=grid.lo[roots])
    desc = graph.attr("description")
    members = class_members(dests, dest_class, len(reps))
    summaries = item_summaries(grid, ctx, roots, members, reps)
    first_at: dict[int, int] = {}  # class -> index of its first destination
    for i, k in enumerate(dest_class):
        first_at.setdefault(k, i)
    picks = [
        _detailed(grid, r, members, first_at, summaries[row], options, scenarios)
        for row, r in enumerate(ok_roots)
    ]
    all_roots = [int(x) for x in graph.roots]
    ok_rows = {r: i for i, r in enumerate(ok_roots)}
    found, fdpr_issues = fdpr() if fdpr is not None else ({}, [])
    products = ProductResults(
        ctx, all_roots, ok_rows,
        {r: overflow.get(r) or _blocked_reason(graph, r) for r in all_roots if r not in ok_rows},
        dests, dest_class, picks, summaries, scenarios, price, desc, currency, members,
        origins=product_origins(graph, all_roots, options.made_in, sink),
        currencies=currencies, fdpr=found,
    )  # fmt: skip
    products.report(sink)
    subs = np.empty(0, dtype=np.int64)
    if options.assemblies:
        cand = ~graph.is_leaf & (graph.height >= 0) & finite_nodes(vals, den)
        cand[graph.roots] = False
        subs = np.flatnonzero(cand)
    assemblies = AssemblyResults(
        ctx, subs, dests, dest_class, price, desc, currency,
        summary_only=options.all_destinations, members=members, reps=reps,
    )  # fmt: skip
    sink.extend(fdpr_issues)  # as if the FDPR run came last
    return products, assemblies


def _detailed(
    grid: Any,
    r: int,
    members: list[list[str]],
    first_at: dict[int, int],
    summary: dict[str, Any],
    options: AnalysisOptions,
    scenarios: list[Scenario],
) -> list[int] | None:
    """The destination classes a product's result details under ``--all-destinations``, in
    the order of their first destinations.

    One entry per class of destinations with the same outcome where the product is subject
    or undetermined, and for the nearest not-subject class(es): the class's first destination,
    the others in ``same_for``. None: every destination in full (without
    ``--all-destinations``, or with a scenario, which can flip any destination).
    """
    if not options.all_destinations or scenarios:
        return None
    near = set((summary.get("nearest") or {}).get("countries", ()))
    live = grid.verdict[r] != NOT_SUBJECT
    picks = [k for k, codes in enumerate(members) if codes and (live[k] or codes[0] in near)]
    return sorted(picks, key=first_at.__getitem__)


def _technology_issue(graph: BomGraph, vals: NodeValues, sink: IssueLog, note: str) -> None:
    tech = [int(r) for r in graph.roots if vals.track[r] == "technology"]
    for r in tech[:20]:
        sink.add(
            IssueCode.TECHNOLOGY_REPORT,
            f"{graph.part_numbers[r]} is analysed on the technology track. {note}",
            part_number=str(graph.part_numbers[r]),
            **graph.position(r),
        )


def _currency(graph: BomGraph, sink: IssueLog) -> tuple[str, dict[int, str], dict[int, str]]:
    """The currency of the values; the products not analysed because their costs are in
    several currencies (bomtrace does not convert currencies: a sum of euros and dollars is
    no number at all), with the reason; and, where the run has several, each other
    product's own currency. Products whose costs are all in one currency are analysed."""
    given = graph.attr("currency")
    cur = {str(c).strip().upper() for c in pd.unique(given) if c is not None and str(c).strip()}
    if len(cur) <= 1:
        return (cur.pop() if cur else "USD"), {}, {}
    names = sorted(cur)
    priced = ~np.isnan(graph.num_attr("unit_cost")) | ~np.isnan(graph.num_attr("selling_price"))
    norm = np.array([None if c is None else str(c).strip().upper() for c in given], dtype=object)
    own = np.stack([(norm == c) & priced for c in names], axis=1).astype(float)
    with np.errstate(all="ignore"):
        seen = rollup(graph, own) > 0
    blocked: dict[int, str] = {}
    own_currency: dict[int, str] = {}
    for r in graph.roots.tolist():
        if graph.height[r] >= 0 and seen[r].sum() == 1:
            own_currency[int(r)] = names[int(np.argmax(seen[r]))]
        if graph.height[r] >= 0 and seen[r].sum() > 1:
            these = ", ".join(c for c, s in zip(names, seen[r], strict=True) if s)
            blocked[int(r)] = (
                f"its costs are in several currencies ({these}) and bomtrace does not convert "
                "currencies; convert them to one currency"
            )
    sink.add(
        IssueCode.CURRENCY_MISMATCH,
        f"Costs are given in several currencies ({', '.join(names)}); bomtrace does not "
        f"convert currencies, so a product whose parts mix them is not analysed "
        f"({len(blocked)} product(s)). Convert to one currency first.",
    )
    return "mixed", blocked, own_currency


def _blocked_reason(graph: BomGraph, root: int) -> str:
    """The reason of the first blocking node found below a blocked product."""
    if root in graph.blocked_reason:
        return graph.blocked_reason[root]
    seen = {root}
    frontier = [root]
    while frontier:
        nxt = []
        for v in frontier:
            kids, _ = graph.children_of(v)
            for c in kids.tolist():
                if c in graph.blocked_reason:
                    return (
                        f"{graph.part_numbers[c]} below it cannot be rolled up: "
                        + (graph.blocked_reason[c])
                    )
                if c not in seen and graph.height[c] < 0:
                    seen.add(c)
                    nxt.append(c)
        frontier = nxt
    return "its structure could not be resolved"
