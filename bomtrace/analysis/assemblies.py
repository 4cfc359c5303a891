"""Sub-assembly verdicts held as arrays: a sequence of :class:`ProductResult` made on access.

A million-line BOM has tens of thousands of foreign-made sub-assemblies; building a result
object per sub-assembly and destination, then a dict from each, cost more than the whole
roll-up. :class:`AssemblyResults` keeps the grid's arrays and the node ids, makes a
:class:`ProductResult` only when one is asked for (``results[i]``, iteration), decides which
sub-assemblies the JSON lists with one numpy test, and writes their JSON entries straight
from the arrays. Cells that need more than numbers (a 734.4(a) hit, a second-incorporation
difference, the technology-track note) are built in full up front; there are few.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.context import Context
from bomtrace.analysis.detail import destination_result, ratios_differ
from bomtrace.analysis.grid import NOT_SUBJECT, VERDICTS
from bomtrace.analysis.items import item_summaries, item_summary, node_result
from bomtrace.analysis.lazy import LazyResults
from bomtrace.analysis.result import DestinationResult, ProductResult, rounded, subject_of, text
from bomtrace.analysis.values import NodeValues
from bomtrace.rules.model import Destination


class AssemblyResults(LazyResults):
    """Verdicts of foreign-made sub-assemblies for every destination analysed.

    Parameters
    ----------
    ctx : Context
        The analysis context (graph, node values, grid).
    nodes : numpy.ndarray
        Node ids of the sub-assemblies, in output order.
    dests, dest_class : list
        Destinations and the class of each.
    price, desc : numpy.ndarray
        Selling price and description per node.
    currency : str
        Currency of the values.
    summary_only : bool
        Give each sub-assembly only its summary over all destinations
        (``--all-destinations``) instead of one result per destination.
    members, reps : list
        Country codes per class and the class representatives (for the summary).
    """

    def __init__(
        self,
        ctx: Context,
        nodes: np.ndarray,
        dests: list[Destination],
        dest_class: list[int],
        price: np.ndarray,
        desc: np.ndarray,
        currency: str,
        *,
        summary_only: bool,
        members: list[list[str]],
        reps: list[Destination],
    ) -> None:
        super().__init__(len(nodes))
        self._ctx, self._nodes = ctx, np.asarray(nodes, dtype=np.int64)
        self._dests, self._class = dests, dest_class
        self._price, self._desc, self._currency = price, desc, currency
        self._summary_only, self._members, self._reps = summary_only, members, reps
        #: cells built in full: (position, destination index) -> result
        self._full: dict[tuple[int, int], DestinationResult] = {}
        if summary_only:
            return
        g, vals, nodes = ctx.grid, ctx.vals, self._nodes
        special = vals.track[nodes] == "technology"
        differ = ratios_differ(ctx, nodes)
        for di, (d, k) in enumerate(zip(dests, dest_class, strict=True)):
            slow = special | g.zero_lo[nodes, k] | g.zero_hi[nodes, k] | differ[:, k]
            for i in np.flatnonzero(slow).tolist():
                self._full[i, di] = destination_result(ctx, int(nodes[i]), d, k, [], None)

    @property
    def values(self) -> NodeValues:
        """The node values (roll-ups, decisions) every verdict of the analysis came from."""
        return self._ctx.vals

    def _classes(self) -> list[int]:
        """The classes whose verdicts the output shows."""
        if self._summary_only:
            return [k for k, m in enumerate(self._members) if m]
        return list(self._class)

    def listed(self) -> np.ndarray:
        """Positions of the sub-assemblies subject to the EAR or undetermined somewhere."""
        v = self._ctx.grid.verdict[self._nodes][:, self._classes()]
        return np.flatnonzero((v != NOT_SUBJECT).any(axis=1))

    def _make(self, i: int) -> ProductResult:
        ctx, v = self._ctx, int(self._nodes[i])
        res = node_result(ctx, v, self._price, self._desc, self._currency)
        if self._summary_only:
            res.summary = item_summary(ctx.grid, ctx, v, self._members, self._reps)
            return res
        for di, (d, k) in enumerate(zip(self._dests, self._class, strict=True)):
            full = self._full.get((i, di))
            res.destinations.append(
                full if full is not None else destination_result(ctx, v, d, k, [], None)
            )
        return res

    def to_dicts(self, positions: np.ndarray) -> list[dict[str, Any]]:
        """The JSON entries (``ProductResult.to_dict(detail=False)``) of some sub-assemblies,
        written from the arrays."""
        ctx, pos = self._ctx, np.asarray(positions, dtype=np.int64)
        v = self._nodes[pos]
        vals, g, den = ctx.vals, ctx.grid, ctx.den[v]
        pairs = [] if self._summary_only else list(zip(self._dests, self._class, strict=True))
        columns: list[list[dict[str, Any]]] = []  # one column of cells per destination
        words = [(w, subject_of(w)) for w in VERDICTS]  # per verdict code
        for d, k in pairs:
            num = g.num_lo[v, k]
            head = np.where(den > 0, d.threshold * den - num, np.nan)
            verdicts = [words[c] for c in g.verdict[v, k].tolist()]
            code, thr = d.code, d.threshold
            columns.append(
                [
                    {
                        "country": code,
                        "threshold": thr,
                        "controlled_us_value": n,
                        "ratio": lo,
                        "subject_to_ear": verdict[1],
                        "verdict": verdict[0],
                        "headroom": h,
                        "bounds": {"low": lo, "high": hi},
                    }
                    for n, lo, hi, verdict, h in zip(
                        rounded(num, 4),
                        rounded(g.lo[v, k], 6),
                        rounded(g.hi[v, k], 6),
                        verdicts,
                        rounded(head, 4),
                        strict=True,
                    )
                ]
            )
        if self._full:  # cells built in full (evidence, second incorporation): their entries
            has_full = {i for i, _ in self._full}
            for r, i in enumerate(pos.tolist()):
                if i in has_full:
                    for di, column in enumerate(columns):
                        full = self._full.get((i, di))
                        if full is not None:
                            column[r] = full.to_dict(detail=False)
        cells: list[list[dict[str, Any]]] = (
            [list(c) for c in zip(*columns, strict=True)] if columns else [[] for _ in pos]
        )
        desc = self._desc
        basis = np.where(self._price[v] > 0, "selling_price", "rolled_up_cost").tolist()
        rows = zip(
            ctx.graph.part_numbers[v].tolist(),
            [text(x) for x in desc[v].tolist()],
            rounded(vals.total[v], 4),
            rounded(vals.us[v], 4),
            rounded(vals.us_tech[v], 4),
            basis,
            rounded(den, 4),
            [str(t) for t in vals.track[v].tolist()],
            cells,
            strict=True,
        )
        out = [
            {
                "part_number": str(pn),
                "description": ds,
                "analysed": True,
                "total_cost": tot,
                "currency": self._currency,
                "us_origin_value": us,
                "us_tech_value": tech,
                "denominator": {"basis": b, "value": dn},
                "track": tr,
                "destinations": c,
            }
            for pn, ds, tot, us, tech, b, dn, tr, c in rows
        ]
        if self._summary_only:
            sums = item_summaries(g, ctx, v, self._members, self._reps)
            for entry, summary in zip(out, sums, strict=True):
                entry["summary"] = summary
        return out
