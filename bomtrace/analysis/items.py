"""Per-item results: a product's or sub-assembly's record, its summary over every destination,
the nodes evidence can name, and the verdict findings.

Split from :mod:`bomtrace.analysis.deminimis`, which orchestrates; everything here reads the
grid and node values that module computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.detail import Context
from bomtrace.analysis.grid import VERDICTS, Grid
from bomtrace.analysis.result import ProductResult, percent, text
from bomtrace.analysis.summary import summarize
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


def verdict_findings(res: ProductResult, sink: IssueCollector, pos: dict[str, Any]) -> None:
    """One finding per product: where it is subject, and where the data leaves it open."""
    subject = [d for d in res.destinations if d.verdict == "subject"]
    open_ = [d for d in res.destinations if d.verdict == "undetermined"]
    pn = res.part_number
    if subject:
        shown = ", ".join(
            f"{d.country} ({percent(d.ratio)} > {d.threshold:.0%})" for d in subject[:8]
        )
        more = f" and {len(subject) - 8} more" if len(subject) > 8 else ""
        sink.add(
            IssueCode.DE_MINIMIS_EXCEEDED,
            f"Product {pn} is subject to the EAR by de minimis for {shown}{more}.",
            part_number=pn,
            data={"countries": [d.country for d in subject]},
            **pos,
        )
    if open_:
        first = open_[0]
        lead = first.unresolved[0]["part_number"] if first.unresolved else None
        sink.add(
            IssueCode.VERDICT_UNDETERMINED,
            f"Product {pn} may be subject to the EAR for "
            f"{', '.join(d.country for d in open_[:12])}"
            f"{' and more' if len(open_) > 12 else ''}: the ratio lies between "
            f"{percent(first.bounds_low)} and {percent(first.bounds_high)} for {first.country} "
            f"because data is missing"
            + (f" (classify {lead} first; see bounds.unresolved_parts)." if lead else "."),
            part_number=pn,
            data={"countries": [d.country for d in open_]},
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
    den = float(ctx.den[v])
    rows = []
    for k, codes in enumerate(members):
        lo = grid.lo[v, k]
        thr = reps[k].threshold
        rows.append(
            (
                codes,
                thr,
                None if np.isnan(lo) else float(lo),
                VERDICTS[grid.verdict[v, k]],
                (thr * den - float(grid.num_lo[v, k])) if den > 0 else None,
                bool(grid.zero_lo[v, k]),
            )
        )
    return summarize(rows)


def node_result(
    ctx: Context, v: int, price: np.ndarray, desc: np.ndarray, currency: str
) -> ProductResult:
    vals = ctx.vals
    basis = "selling_price" if price[v] > 0 else "rolled_up_cost"
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
