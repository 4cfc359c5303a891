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

from bomtrace.analysis.bulk import Coded, Const, Frame, entries, json_rows
from bomtrace.analysis.context import BASES, Context
from bomtrace.analysis.destination_result import (
    destination_result,
    item_columns,
    node_result,
    ratios_differ,
)
from bomtrace.analysis.grid import NOT_SUBJECT, SUBJECT_TO_EAR, VERDICTS
from bomtrace.analysis.results import DestinationResult, LazyResults, ProductResult
from bomtrace.analysis.schema import ASSEMBLY
from bomtrace.analysis.summaries import item_summaries, item_summary
from bomtrace.analysis.tracks import TRACKS
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
        """Positions of the foreign-made sub-assemblies subject to the EAR or undetermined
        somewhere (a US-origin one is subject everywhere by its origin: it is counted in
        :meth:`us_origin_count`, and listed only with ``--all-assemblies``)."""
        v = self._ctx.grid.verdict[self._nodes][:, self._classes()]
        return np.flatnonzero((v != NOT_SUBJECT).any(axis=1) & ~self._ctx.us_origin(self._nodes))

    def us_origin_count(self) -> int:
        """How many of the sub-assemblies are US-origin items."""
        return int(self._ctx.us_origin(self._nodes).sum())

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

    def to_json(self, positions: np.ndarray) -> bytes:
        """The JSON array of :meth:`to_dicts`'s entries, byte for byte as orjson writes it,
        made in bulk (:func:`~bomtrace.analysis.schema.json_rows`)."""
        return b"".join(self.json_pieces(positions))

    def json_pieces(self, positions: np.ndarray) -> list[bytes | memoryview]:
        """:meth:`to_json` in pieces, to be written one after the other: the entries are
        not copied out of the buffer they were joined in."""
        import orjson

        if self._summary_only or not len(positions):
            return [orjson.dumps(self.to_dicts(positions))]
        # each entry and a comma: they lie one after another in the array's data
        rows = json_rows(ASSEMBLY, self._frame(np.asarray(positions, dtype=np.int64)), end=b",")
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset :]
        data = memoryview(rows.buffers()[2])[int(offsets[0]) : int(offsets[len(rows)]) - 1]
        return [b"[", data, b"]"]

    def to_dicts(self, positions: np.ndarray) -> list[dict[str, Any]]:
        """The JSON entries (``ProductResult.to_dict(detail=False)``) of some sub-assemblies,
        written from the arrays."""
        return entries(ASSEMBLY, self._frame(np.asarray(positions, dtype=np.int64)))

    def _frame(self, pos: np.ndarray) -> Frame:
        """The entries of the sub-assemblies at positions ``pos``, as columns."""
        ctx, v = self._ctx, self._nodes[pos]
        vals, g = ctx.vals, ctx.grid
        # cells built in full (evidence, second incorporation), per destination: their entries
        built = np.array(sorted({i for i, _ in self._full}), dtype=np.int64)
        rows = np.flatnonzero(np.isin(pos, built))  # entries with a cell built in full
        at = dict(zip(pos[rows].tolist(), rows.tolist(), strict=True))
        done: list[dict[int, dict[str, Any]]] = [{} for _ in self._dests]
        for (i, di), res in self._full.items():
            if i in at:
                done[di][at[i]] = res.to_dict(detail=False)
        cells = []
        if not self._summary_only:
            for di, (d, k) in enumerate(zip(self._dests, self._class, strict=True)):
                codes = g.verdict[v, k]
                lo = g.lo[v, k]
                columns = {
                    "country": Const(d.code),
                    "threshold": Const(d.threshold),
                    "controlled_us_value": g.num_lo[v, k],
                    "ratio": lo,
                    # a US-origin item's grid verdict is already subject everywhere
                    "subject_to_ear": Coded(codes, SUBJECT_TO_EAR),
                    "verdict": Coded(codes, VERDICTS),
                    "basis": Coded(ctx.basis_codes(v, k), BASES),
                    "headroom": ctx.headroom(v, k, d.threshold),
                    "bounds": Frame(len(v), {"low": lo, "high": g.hi[v, k]}),
                    "zero_de_minimis": Const([]),
                    "second_incorporation": Const(None),
                    "notes": Const([]),
                }
                cells.append(Frame(len(v), columns, done[di]))
        summaries: Any = Const(None)
        if self._summary_only:
            summaries = item_summaries(g, ctx, v, self._members, self._reps)
        track = np.zeros(len(v), dtype=np.int64)  # each node's track among TRACKS
        for i, name in enumerate(TRACKS[1:], 1):
            track[vals.track[v] == name] = i
        columns = {
            **item_columns(ctx, v, self._price, self._desc),
            "currency": Const(self._currency),
            "track": Coded(track, TRACKS),
            "origin": Const(None),
            "destinations": cells,
            "summary": summaries,
        }
        return Frame(len(v), columns)
