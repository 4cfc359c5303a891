"""De minimis (15 CFR 734.4) per product × destination, computed once per destination class.

numerator = controlled US-origin value (Supp. No. 2 to Part 734 (a)(1): Country Chart and
Part 746, never Part 744); denominator = the product's selling price when given, else its
rolled-up cost (conservative: cost is below price, so the ratio is overstated); subject to
the EAR only when the ratio *exceeds* the threshold (both thresholds inclusive).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.result import (
    Contributor,
    DestinationResult,
    ProductResult,
    ScenarioOutcome,
    Verdict,
)
from bomtrace.analysis.values import NodeValues, compute_values
from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode
from bomtrace.rollup import explode
from bomtrace.rules.model import Destination, Scenario

EPS = 1e-12


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


def verdict_of(low: float | None, high: float | None, threshold: float) -> Verdict:
    """subject when the low bound exceeds the threshold, not-subject when the high bound does
    not, undetermined in between.

    >>> verdict_of(0.25, 0.25, 0.25), verdict_of(0.2501, 0.3, 0.25), verdict_of(0.1, 0.3, 0.25)
    ('not-subject', 'subject', 'undetermined')
    """
    if low is None or high is None:
        return "undetermined"
    if low > threshold + EPS:
        return "subject"
    if high > threshold + EPS:
        return "undetermined"
    return "not-subject"


def analyze_graph(
    graph: BomGraph, ruleset: Any, options: AnalysisOptions, sink: IssueCollector
) -> tuple[list[ProductResult], list[ProductResult]]:
    """De minimis results for every product and (optionally) foreign-made sub-assembly."""
    dests = resolve_destinations(ruleset, options)
    class_of: dict[Any, int] = {}
    reps: list[Destination] = []
    dest_class = []
    for d in dests:
        key = ruleset.class_key(d)
        if key not in class_of:
            class_of[key] = len(reps)
            reps.append(d)
        dest_class.append(class_of[key])
    scenarios = [ruleset.scenario(s) for s in options.scenarios]
    for s in scenarios:
        if (
            s.threshold
            and options.end_user
            and s.threshold.end_user_patterns
            and not _matches(options.end_user, s.threshold.end_user_patterns)
        ):
            sink.add(
                IssueCode.SCENARIO_NOT_APPLICABLE,
                f"Scenario {s.name} applies only to end users matching "
                f"{', '.join(s.threshold.end_user_patterns)}; end user "
                f"{options.end_user!r} does not match, so it changes nothing.",
            )
    vals = compute_values(graph, ruleset, reps, options.assembly_cost, sink)
    currency = _currency(graph, sink)

    ok_roots = [int(r) for r in graph.roots if graph.height[r] >= 0]
    t = explode(graph, np.array(ok_roots, dtype=np.int64), edge_mask=vals.stop_mask)
    row_of = {r: i for i, r in enumerate(ok_roots)}
    price = graph.num_attr("selling_price")
    desc = graph.attr("description")
    products: list[ProductResult] = []
    for r in (int(x) for x in graph.roots):
        pn = str(graph.part_numbers[r])
        if r not in row_of:
            why = _blocked_reason(graph, r)
            sink.add(
                IssueCode.PRODUCT_NOT_ANALYSED,
                f"Product {pn} is not analysed because {why}.",
                part_number=pn,
                **graph.position(r),
            )
            products.append(
                ProductResult(
                    pn,
                    _s(desc[r]),
                    False,
                    None,
                    currency,
                    None,
                    None,
                    None,
                    None,
                    not_analysed_reason=why,
                )
            )
            continue
        products.append(
            _node_result(
                graph,
                vals,
                r,
                dests,
                dest_class,
                scenarios,
                options,
                price,
                desc,
                currency,
                sink,
                t.getrow(row_of[r]),
            )
        )
    assemblies: list[ProductResult] = []
    if options.assemblies:
        cand = ~graph.is_leaf & (graph.height >= 0) & ~vals.is_us
        cand[graph.roots] = False
        for v in np.flatnonzero(cand):
            assemblies.append(
                _node_result(
                    graph,
                    vals,
                    int(v),
                    dests,
                    dest_class,
                    [],
                    options,
                    price,
                    desc,
                    currency,
                    None,
                    None,
                )
            )
    return products, assemblies


def _node_result(
    graph: BomGraph,
    vals: NodeValues,
    v: int,
    dests: list[Destination],
    dest_class: list[int],
    scenarios: list[Scenario],
    options: AnalysisOptions,
    price: np.ndarray,
    desc: np.ndarray,
    currency: str,
    sink: IssueCollector | None,
    row: sp.csr_matrix | None,
) -> ProductResult:
    pn = str(graph.part_numbers[v])
    total = float(vals.total[v])
    if price[v] > 0:
        basis, den = "selling_price", float(price[v])
    else:
        basis, den = "rolled_up_cost", total
        if sink is not None:
            sink.add(
                IssueCode.DENOMINATOR_IS_COST,
                f"Product {pn} has no selling price; its rolled-up cost ({total:,.2f}) is used "
                f"as the denominator, so the ratio is conservative (higher than against the "
                f"normal selling price).",
                part_number=pn,
                **graph.position(v),
            )
    res = ProductResult(
        pn,
        _s(desc[v]),
        True,
        total,
        currency,
        float(vals.us[v]),
        float(vals.us_tech[v]),
        basis,
        den,
    )
    idx = data = None
    if row is not None:
        idx, data = row.indices, row.data
    for d, k in zip(dests, dest_class, strict=True):
        res.destinations.append(
            _destination(graph, vals, v, d, k, den, scenarios, options, idx, data)
        )
    return res


def _destination(
    graph: BomGraph,
    vals: NodeValues,
    v: int,
    d: Destination,
    k: int,
    den: float,
    scenarios: list[Scenario],
    options: AnalysisOptions,
    idx: np.ndarray | None,
    qty: np.ndarray | None,
) -> DestinationResult:
    num_lo, num_hi = float(vals.low[v, k]), float(vals.high[v, k])
    unpriced = vals.unpriced[v, k] > 0
    lo = num_lo / den if den > 0 else None
    hi = (1.0 if unpriced else num_hi / den) if den > 0 else None
    if hi is not None and lo is not None:
        hi = max(hi, lo)
    verdict = verdict_of(lo, hi, d.threshold)
    out = DestinationResult(
        country=d.code,
        name=d.name,
        groups=sorted(d.groups),
        threshold=d.threshold,
        threshold_source=d.threshold_source,
        controlled_us_value=num_lo,
        ratio=lo,
        verdict=verdict,
        headroom=(d.threshold * den - num_lo) if den > 0 else None,
        bounds_low=lo,
        bounds_high=hi,
    )
    if idx is not None and qty is not None:
        dec = vals.decisions[k]
        eccn = graph.attr("eccn")
        desc = graph.attr("description")
        contrib = qty * vals.own_low[idx, k]
        for j in np.argsort(-contrib, kind="stable")[: options.top]:
            if contrib[j] <= 0:
                break
            m = int(idx[j])
            e = eccn[m]
            out.top_contributors.append(
                Contributor(
                    str(graph.part_numbers[m]),
                    _s(desc[m]),
                    float(qty[j]),
                    float(contrib[j]),
                    e,
                    dec[e or ""].reason,
                    float(contrib[j]) / den if den > 0 else None,
                )
            )
        delta = qty * (vals.own_high[idx, k] - vals.own_low[idx, k])
        for j in np.argsort(-delta, kind="stable")[: options.top]:
            if delta[j] <= 0:
                break
            m = int(idx[j])
            why = "origin unknown" if vals.unknown_origin[m] else "ECCN missing or unknown"
            out.unresolved.append(
                {
                    "part_number": str(graph.part_numbers[m]),
                    "value": round(float(delta[j]), 4),
                    "why": why,
                    "eccn": eccn[m],
                }
            )
    for s in scenarios:
        thr, applies = d.threshold, False
        if (
            s.threshold
            and d.code in s.threshold.destinations
            and (
                not options.end_user
                or not s.threshold.end_user_patterns
                or _matches(options.end_user, s.threshold.end_user_patterns)
            )
        ):
            thr, applies = s.threshold.value, True
        add = 0.0
        if "us_tech_value" in s.numerator_add:
            add += float(vals.us_tech[v])
            applies = True
        s_lo = (num_lo + add) / den if den > 0 else None
        s_hi = None if hi is None else max(hi, (num_hi + add) / den)
        sv = verdict_of(s_lo, s_hi, thr)
        out.scenarios.append(
            ScenarioOutcome(s.name, applies, thr, num_lo + add, s_lo, sv, sv != verdict)
        )
    return out


def _matches(end_user: str, patterns: tuple[str, ...]) -> bool:
    e = end_user.casefold()
    return any(p.casefold() in e for p in patterns)


def _s(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)


def _currency(graph: BomGraph, sink: IssueCollector) -> str:
    cur = {
        str(c).strip().upper() for c in graph.attr("currency") if c is not None and str(c).strip()
    }
    if len(cur) > 1:
        sink.add(
            IssueCode.CURRENCY_MISMATCH,
            f"Costs are given in several currencies ({', '.join(sorted(cur))}); bomtrace does "
            f"not convert currencies yet, so totals mix them. Convert to one currency first.",
        )
        return "mixed"
    return cur.pop() if cur else "USD"


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
