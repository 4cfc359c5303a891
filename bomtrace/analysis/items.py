"""Per-item results: a product's or sub-assembly's record, its summary over every destination,
the nodes evidence can name, and the verdict findings.

Split from :mod:`bomtrace.analysis.deminimis`, which orchestrates; everything here reads the
grid and node values that module computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.context import Context
from bomtrace.analysis.grid import NOT_SUBJECT, SUBJECT, UNDETERMINED, Grid
from bomtrace.analysis.result import ProductResult, percent
from bomtrace.analysis.schema import round_money, round_ratio, text
from bomtrace.analysis.values import NodeValues
from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode
from bomtrace.rules.model import Destination


def evidence_nodes(graph: BomGraph, vals: NodeValues) -> np.ndarray:
    """Nodes a product's evidence can name: contributors, parts to classify, 734.4(a) hits.

    The explosion behind contributors is confined to these (and the assemblies above them),
    so heavily shared BOMs do not pay for every product × part pair.
    """
    keep = (vals.status >= 1).any(axis=1)
    for arrays in (vals.own_low, vals.own_high, vals.zero_own, vals.zero_own_high):
        for arr in arrays.values():
            if arr.size:
                keep |= (arr != 0).any(axis=1)
    if vals.item_own.size:
        keep |= (vals.item_own > 0).any(axis=1)
    return np.asarray(keep)


#: one destination a product's result shows, for its findings: (countries it stands for,
#: verdict, ratio, high bound, threshold, the first part that would settle it)
Cell = tuple[list[str], str, float | None, float | None, float, str | None]


def product_findings(sink: IssueCollector, pn: str, pos: dict[str, Any], cells: list[Cell]) -> None:
    """One finding per product: where it is subject, and where the data leaves it open."""

    def each(verdict: str) -> list[tuple[str, Cell]]:
        # every destination, also those an entry stands for (same_for, --all-destinations)
        got = [(c, cell) for cell in cells if cell[1] == verdict for c in cell[0]]
        return sorted(got, key=lambda x: x[0]) if any(len(x[1][0]) > 1 for x in got) else got

    subject, open_ = each("subject"), each("undetermined")
    if subject and sink.over(IssueCode.DE_MINIMIS_EXCEEDED):
        sink.tally(IssueCode.DE_MINIMIS_EXCEEDED)
    elif subject:
        shown = ", ".join(f"{c} ({percent(x[2])} > {x[4]:.0%})" for c, x in subject[:8])
        more = f" and {len(subject) - 8} more" if len(subject) > 8 else ""
        sink.add(
            IssueCode.DE_MINIMIS_EXCEEDED,
            f"Product {pn} is subject to the EAR by de minimis for {shown}{more}.",
            part_number=pn,
            data={"countries": [c for c, _ in subject]},
            **pos,
        )
    if open_ and sink.over(IssueCode.VERDICT_UNDETERMINED):
        sink.tally(IssueCode.VERDICT_UNDETERMINED)
    elif open_:
        code, first = open_[0]
        lead = first[5]
        where = f"{', '.join(c for c, _ in open_[:12])}{' and more' if len(open_) > 12 else ''}"
        why = (
            f"the ratio lies between {percent(first[2])} and {percent(first[3])} for {code} "
            "because data is missing"
            + (f" (classify {lead} first; see bounds.unresolved_parts)." if lead else ".")
            if first[2] is not None
            else "the ratio cannot be computed: the product's value (its selling price, or "
            "else the rolled-up cost of its parts) is 0 or unknown. Give its selling price "
            "or its parts' unit costs."
        )
        sink.add(
            IssueCode.VERDICT_UNDETERMINED,
            f"Product {pn} may be subject to the EAR for {where}: {why}",
            part_number=pn,
            data={"countries": [c for c, _ in open_]},
            **pos,
        )


def us_origin_finding(
    sink: IssueCollector, pn: str, origin: dict[str, Any] | None, pos: dict[str, Any]
) -> None:
    """The finding of a US-origin product: subject to the EAR wherever it is."""
    if sink.over(IssueCode.US_ORIGIN):
        sink.tally(IssueCode.US_ORIGIN)
        return
    how = (
        "--made-in US"
        if (origin or {}).get("source") == "made-in-option"
        else "its country of origin is US"
    )
    sink.add(
        IssueCode.US_ORIGIN,
        f"Product {pn} is a US-origin item ({how}): it is subject to the EAR wherever it is "
        "(15 CFR 734.3(a)(2)). De minimis applies only to foreign-made items; its ratios are "
        "shown for information only.",
        part_number=pn,
        **pos,
    )


def class_members(dests: list[Destination], dest_class: list[int], k: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in range(k)]
    for d, c in zip(dests, dest_class, strict=True):
        out[c].append(d.code)
    return out


def item_summary(
    grid: Grid, ctx: Context, v: int, members: list[list[str]], reps: list[Destination]
) -> dict[str, Any]:
    """The summary of one node over every destination (:func:`item_summaries` of one)."""
    return item_summaries(grid, ctx, np.array([v]), members, reps)[0]


def item_summaries(
    grid: Grid,
    ctx: Context,
    nodes: np.ndarray,
    members: list[list[str]],
    reps: list[Destination],
) -> list[dict[str, Any]]:
    """:func:`~bomtrace.analysis.summary.summarize` of many nodes at once.

    The per-class tests run on arrays; the country lists are built once per distinct pattern
    of verdicts (most nodes share a handful), so tens of thousands of sub-assemblies under
    ``--all-destinations`` cost what a few do.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    k = np.array([c for c, m in enumerate(members) if m], dtype=np.int64)
    sizes = np.array([len(members[c]) for c in k], dtype=np.int64)
    thr = np.array([reps[c].threshold for c in k], dtype=float)
    verdict = grid.verdict[np.ix_(nodes, k)]
    lo = grid.lo[np.ix_(nodes, k)]
    zero = grid.zero_lo[np.ix_(nodes, k)].astype(bool)
    has = ~np.isnan(lo)
    free = (verdict == NOT_SUBJECT) & has
    over = (verdict == SUBJECT) & ~zero & has
    pool = np.where(free.any(axis=1)[:, None], free, over)
    pool &= ~ctx.us_origin(nodes)[:, None]  # a US-origin item has no threshold to be near
    dist = np.where(pool, np.abs(thr - np.nan_to_num(lo)), np.inf)
    best = dist.min(axis=1, initial=np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf outside the pool
        near = pool & (np.abs(dist - best[:, None]) < 1e-12)
    first = near.argmax(axis=1)
    den = ctx.den[nodes]
    rows = np.arange(len(nodes))
    f_thr, f_lo = thr[first], lo[rows, first]
    f_head = np.where(den > 0, f_thr * den - grid.num_lo[nodes, k[first]], np.nan)
    not_subject = ((verdict == NOT_SUBJECT) * sizes).sum(axis=1).tolist()

    def codes(mask: np.ndarray) -> list[str]:
        return sorted(c for j in np.flatnonzero(mask).tolist() for c in members[int(k[j])])

    lists: dict[bytes, tuple[list[str], list[str], list[str]]] = {}
    nears: dict[bytes, list[str]] = {}
    out = []
    for i in range(len(nodes)):
        key = verdict[i].tobytes() + zero[i].tobytes()
        got = lists.get(key)
        if got is None:
            got = lists[key] = (
                codes(verdict[i] == SUBJECT),
                codes(verdict[i] == UNDETERMINED),
                codes(zero[i]),
            )
        nearest = None
        if pool[i].any():
            nk = near[i].tobytes()
            countries = nears.get(nk)
            if countries is None:
                countries = nears[nk] = codes(near[i])
            t, r = float(f_thr[i]), float(f_lo[i])
            nearest = {
                "countries": list(countries),
                "threshold": t,
                "ratio": round_ratio(r),
                "margin": round_ratio(t - r),
                "headroom": round_money(f_head[i]),
            }
        out.append(
            {
                "subject_for": list(got[0]),
                "undetermined_for": list(got[1]),
                "not_subject_count": not_subject[i],
                "zero_de_minimis_for": list(got[2]),
                "nearest": nearest,
            }
        )
    return out


def denominator_bases(price: np.ndarray) -> list[str]:
    """What each item's de minimis denominator is: its selling price when it has one, else
    its rolled-up cost."""
    return np.where(price > 0, "selling_price", "rolled_up_cost").tolist()  # type: ignore[no-any-return]


def node_result(
    ctx: Context, v: int, price: np.ndarray, desc: np.ndarray, currency: str
) -> ProductResult:
    """Node ``v``'s result without destinations."""
    vals = ctx.vals
    basis = denominator_bases(price[v : v + 1])[0]
    return ProductResult(
        str(ctx.graph.part_numbers[v]),
        text(desc[v]),
        True,
        float(vals.total[v]),
        currency,
        float(vals.us[v]),
        float(vals.us_tech[v]),
        basis,
        float(ctx.den[v]),
        track=str(vals.track[v]),
    )
