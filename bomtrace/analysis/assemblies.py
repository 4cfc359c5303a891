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
from bomtrace.analysis.result import DestinationResult, ProductResult, rounded, subject_of, texts
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
        made in bulk: every number column is written by one ``orjson.dumps`` and the
        entries are joined from the columns by pyarrow. With ``--all-destinations`` (entries
        with summaries) it is ``orjson.dumps(to_dicts(positions))``."""
        return b"".join(self.json_pieces(positions))

    def json_pieces(self, positions: np.ndarray) -> list[bytes | memoryview]:
        """:meth:`to_json` in pieces, to be written one after the other: the entries are
        not copied out of the buffer they were joined in."""
        import orjson
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._summary_only or not len(positions):
            return [orjson.dumps(self.to_dicts(positions))]
        ctx, pos = self._ctx, np.asarray(positions, dtype=np.int64)
        v = self._nodes[pos]
        vals, g, den = ctx.vals, ctx.grid, ctx.den[v]

        def nums(a: Any, digits: int) -> Any:
            tokens = pa.array([orjson.dumps(rounded(a, digits))[1:-1]], pa.large_binary())
            return pc.split_pattern(tokens, b",").flatten()

        def join(*parts: Any) -> Any:
            lits = [pa.scalar(p, pa.large_binary()) if isinstance(p, bytes) else p for p in parts]
            return pc.binary_join_element_wise(*lits, pa.scalar(b"", pa.large_binary()))

        # per verdict code, and one more for a US-origin item (subject, basis us-origin)
        words = pa.array(
            [
                orjson.dumps(subject_of(w)) + b',"verdict":' + orjson.dumps(w)
                + b',"basis":"de-minimis"'
                for w in VERDICTS
            ] + [b'true,"verdict":"subject","basis":"us-origin"'],
            pa.large_binary(),
        )  # fmt: skip
        us = ctx.us_origin(v)
        # the rows of the listed positions that have cells built in full
        built = np.array(sorted({i for i, _ in self._full}), dtype=np.int64)
        with_full = np.flatnonzero(np.isin(pos, built))
        at = dict(zip(pos[with_full].tolist(), with_full.tolist(), strict=True))
        full: dict[int, list[tuple[int, DestinationResult]]] = {}
        for (i, di), res in self._full.items():
            if i in at:
                full.setdefault(di, []).append((at[i], res))
        cells = []
        for di, (d, k) in enumerate(zip(self._dests, self._class, strict=True)):
            num = g.num_lo[v, k]
            head = np.where((den > 0) & ~us, d.threshold * den - num, np.nan)
            lo = nums(g.lo[v, k], 6)
            head_json = orjson.dumps({"country": d.code, "threshold": d.threshold})[:-1]
            cell = join(
                head_json + b',"controlled_us_value":', nums(num, 4), b',"ratio":', lo,
                b',"subject_to_ear":',
                words.take(pa.array(np.where(us, len(VERDICTS), g.verdict[v, k]))),
                b',"headroom":',
                nums(head, 4), b',"bounds":{"low":', lo, b',"high":', nums(g.hi[v, k], 6), b"}}",
            )  # fmt: skip
            if di in full:  # cells built in full (evidence, second incorporation)
                mask = np.zeros(len(pos), dtype=bool)
                mask[[r for r, _ in full[di]]] = True
                new = [orjson.dumps(res.to_dict(detail=False)) for _, res in sorted(full[di])]
                cell = pc.replace_with_mask(cell, pa.array(mask), pa.array(new, pa.large_binary()))
            cells.extend([b",", cell])
        track = np.zeros(len(v), dtype=np.int64)  # each node's track among TRACKS
        for i, name in enumerate(TRACKS[1:], 1):
            track[vals.track[v] == name] = i
        basis = np.where(self._price[v] > 0, b'"selling_price"', b'"rolled_up_cost"')
        rows = join(
            b'{"part_number":', _json_strings(texts(ctx.graph.part_numbers[v])),
            b',"description":', _json_strings(texts(self._desc[v])),
            b',"analysed":true,"total_cost":',
            nums(vals.total[v], 4), b',"currency":' + orjson.dumps(self._currency),
            b',"us_origin_value":', nums(vals.us[v], 4), b',"us_tech_value":',
            nums(vals.us_tech[v], 4), b',"denominator":{"basis":', pa.array(basis.tolist(),
            pa.large_binary()), b',"value":', nums(den, 4), b'},"track":',
            pa.array([orjson.dumps(t) for t in TRACKS], pa.large_binary()).take(track),
            b',"destinations":[', *cells[1:], b"]},",
        )  # fmt: skip
        # the rows, each ending with a comma, lie one after another in the array's data
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset :]
        data = memoryview(rows.buffers()[2])[int(offsets[0]) : int(offsets[len(rows)]) - 1]
        return [b"[", data, b"]"]

    def to_dicts(self, positions: np.ndarray) -> list[dict[str, Any]]:
        """The JSON entries (``ProductResult.to_dict(detail=False)``) of some sub-assemblies,
        written from the arrays."""
        ctx, pos = self._ctx, np.asarray(positions, dtype=np.int64)
        v = self._nodes[pos]
        vals, g, den = ctx.vals, ctx.grid, ctx.den[v]
        pairs = [] if self._summary_only else list(zip(self._dests, self._class, strict=True))
        columns: list[list[dict[str, Any]]] = []  # one column of cells per destination
        # per verdict code, and one more for a US-origin item
        words = [(w, subject_of(w), "de-minimis") for w in VERDICTS]
        words.append(("subject", True, "us-origin"))
        us = ctx.us_origin(v)
        for d, k in pairs:
            num = g.num_lo[v, k]
            head = np.where((den > 0) & ~us, d.threshold * den - num, np.nan)
            codes = np.where(us, len(VERDICTS), g.verdict[v, k])
            verdicts = [words[c] for c in codes.tolist()]
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
                        "basis": verdict[2],
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
            texts(desc[v]),
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


def _json_strings(values: list[str | None]) -> Any:
    """Each text as orjson writes it (None as null), in a pyarrow large_binary array: one
    ``orjson.dumps`` of them all, cut at the ``","`` between two texts (inside a text every
    ``"`` is escaped, so the sequence only occurs between texts)."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    if not values:
        return pa.array([], pa.large_binary())
    nulls = [x is None for x in values]
    dumped = orjson.dumps(["" if x is None else x for x in values])[2:-2]
    inner = pc.split_pattern(pa.array([dumped], pa.large_binary()), b'","').flatten()
    quote = pa.scalar(b'"', pa.large_binary())
    out = pc.binary_join_element_wise(quote, inner, quote, pa.scalar(b"", pa.large_binary()))
    if any(nulls):
        out = pc.if_else(pa.array(nulls), pa.scalar(b"null", pa.large_binary()), out)
    return out
