"""Product verdicts held as arrays: a sequence of :class:`ProductResult` made on access.

A heavily shared BOM has thousands of products; a result object per product and
destination, then a dict from each, cost more than the roll-ups and the explosion together.
:class:`ProductResults` keeps the grid, the evidence lists built for every product at once
(:mod:`bomtrace.analysis.verdict_evidence`) and each product's detailed destination classes.
It makes a :class:`ProductResult` only when one is asked for (``results[i]``, iteration) and
writes the JSON entries straight from the arrays (:mod:`bomtrace.analysis.bulk`). Cells that
need more than numbers and the shared evidence lists (a scenario, a 734.4(a) hit, a
second-incorporation difference, the technology-track note) are built in full, as are
products already made (they may have been changed) and products not analysed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from bomtrace.analysis.bulk import Coded, Const, Frame, Grouped, Written, entries
from bomtrace.analysis.context import BASES, Context, Explosion
from bomtrace.analysis.destination_result import (
    destination_result,
    item_columns,
    node_result,
    product_cells_in_full,
)
from bomtrace.analysis.grid import NOT_SUBJECT, SUBJECT, SUBJECT_TO_EAR, UNDETERMINED, VERDICTS
from bomtrace.analysis.results import DestinationResult, LazyResults, ProductResult
from bomtrace.analysis.schema import PRODUCT, text
from bomtrace.analysis.summaries import (
    finding_cells,
    product_findings,
    us_origin_finding,
)
from bomtrace.analysis.verdict_evidence import settle, top_entries, unresolved_lists
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rules.model import Destination, Scenario

#: the finding each verdict code gives (:func:`~bomtrace.analysis.summaries.product_findings`)
_FINDINGS = (
    (SUBJECT, IssueCode.DE_MINIMIS_EXCEEDED),
    (UNDETERMINED, IssueCode.VERDICT_UNDETERMINED),
)

#: one product's shown destination: (destination index, class, the other countries it stands for)
Slot = tuple[int, int, list[str]]


class ProductResults(LazyResults):
    """De minimis results of every product (a root of the BOM), in the graph's root order.

    Parameters
    ----------
    ctx : Context
        The analysis context; its rankings are over the analysed products' explosion.
    roots : list of int
        Node ids of every product, analysed or not.
    ok_rows : dict
        Row of each analysed product in the explosion matrix.
    blocked : dict
        Why each product not analysed is not.
    dests, dest_class : list
        Destinations and the class of each.
    picks : list
        Per analysed product (explosion row): the classes its result details under
        ``--all-destinations`` (first destination of each, the others in ``same_for``), or
        None for every destination.
    summaries : list of dict
        Per analysed product: its summary over every destination.
    scenarios : list of Scenario
        What-if scenarios reported beside the rule in force.
    price, desc : numpy.ndarray
        Selling price and description per node.
    currency : str
        Currency of the values.
    members : list
        Country codes per class.
    """

    def __init__(
        self,
        ctx: Context,
        roots: list[int],
        ok_rows: dict[int, int],
        blocked: dict[int, str],
        dests: list[Destination],
        dest_class: list[int],
        picks: list[list[int] | None],
        summaries: list[dict[str, Any]],
        scenarios: list[Scenario],
        price: np.ndarray,
        desc: np.ndarray,
        currency: str,
        members: list[list[str]],
        *,
        origins: dict[int, dict[str, Any]] | None = None,
        currencies: dict[int, str] | None = None,
        fdpr: Mapping[int, Any] | None = None,
    ) -> None:
        super().__init__(len(roots))
        #: each product's origin entry (:func:`~bomtrace.analysis.origins.product_origins`)
        self._origins = origins or {}
        #: a product's own currency where the run's costs are in several
        self._currencies = currencies or {}
        self._ctx, self._roots, self._rows, self._blocked = ctx, roots, ok_rows, blocked
        self._dests, self._class, self._picks = dests, dest_class, picks
        self._summaries, self._scenarios = summaries, scenarios
        self._price, self._desc, self._currency, self._members = price, desc, currency, members
        self._first_at: dict[int, int] = {}  # class -> index of its first destination
        for i, k in enumerate(dest_class):
            self._first_at.setdefault(k, i)
        self._where = {d.code: (d, k) for d, k in zip(dests, dest_class, strict=True)}
        self._ok = np.empty(len(ok_rows), dtype=np.int64)  # product node of each explosion row
        self._ok[list(ok_rows.values())] = list(ok_rows)
        #: FDPR findings per product node (``entries``, ``summary``)
        self._fdpr: Mapping[int, Any] = fdpr or {}

    # -- making one result ---------------------------------------------------------------

    def _slots(self, row: int) -> list[Slot]:
        """The destinations a product's result shows: (destination index, class, same_for)."""
        picks = self._picks[row]
        if picks is None:
            return [(di, k, []) for di, k in enumerate(self._class)]
        return [(self._first_at[k], k, self._members[k][1:]) for k in picks]

    def _explosion(self, row: int) -> Explosion:
        t = self._ctx.rankings.matrix  # type: ignore[union-attr]
        a, b = t.indptr[row], t.indptr[row + 1]
        return Explosion(t.indices[a:b], t.data[a:b], row)

    def _make(self, i: int) -> ProductResult:
        ctx, r = self._ctx, self._roots[i]
        row = self._rows.get(r)
        if row is None:
            return ProductResult(
                str(ctx.graph.part_numbers[r]), text(self._desc[r]), False, None,
                self._currencies.get(r, self._currency),
                None, None, None, None, not_analysed_reason=self._blocked[r],
                origin=self._origins.get(r),
            )  # fmt: skip
        res = node_result(ctx, r, self._price, self._desc, self._currencies.get(r, self._currency))
        res.origin = self._origins.get(r)
        res.summary = self._summaries[row]
        expl = self._explosion(row)
        for di, k, same in self._slots(row):
            dr = destination_result(ctx, r, self._dests[di], k, self._scenarios, expl)
            dr.same_for = list(same)
            res.destinations.append(dr)
        if self._picks[row] is not None:  # the others on demand (ProductResult.destination)
            res.more = self._on_demand(r, expl)
        found = self._fdpr.get(r)
        if found is not None:
            res.fdpr, res.fdpr_summary = found.entries, found.summary
        return res

    def _on_demand(self, r: int, expl: Explosion) -> Callable[[str], DestinationResult | None]:
        def more(code: str) -> DestinationResult | None:
            got = self._where.get(code)
            if got is None:
                return None
            return destination_result(self._ctx, r, *got, self._scenarios, expl)

        return more

    # -- what the analysis reports about every product ---------------------------------

    def report(self, sink: IssueLog) -> None:
        """Add each product's issues: not analysed, denominator is cost, verdict findings."""
        ctx = self._ctx
        graph, g, vals = ctx.graph, ctx.grid, ctx.vals
        verdicts = g.verdict[self._ok].tolist()
        for r in self._roots:
            pn = str(graph.part_numbers[r])
            row = self._rows.get(r)
            if row is None:
                sink.add(
                    IssueCode.PRODUCT_NOT_ANALYSED,
                    f"Product {pn} is not analysed because {self._blocked[r]}.",
                    part_number=pn,
                    **graph.position(r),
                )
                continue
            if not self._price[r] > 0 and sink.over(IssueCode.DENOMINATOR_IS_COST):
                sink.tally(IssueCode.DENOMINATOR_IS_COST)
            elif not self._price[r] > 0:
                sink.add(
                    IssueCode.DENOMINATOR_IS_COST,
                    f"Product {pn} has no selling price; its rolled-up cost "
                    f"({vals.total[r]:,.2f}) is used as the denominator, so the ratio is "
                    "conservative (higher than against the normal selling price).",
                    part_number=pn,
                    **graph.position(r),
                )
            if ctx.us_origin(r):
                us_origin_finding(sink, pn, self._origins.get(r), graph.position(r))
                continue
            slots = self._slots(row)
            codes = {verdicts[row][k] for _, k, _ in slots}
            if codes == {NOT_SUBJECT}:
                continue
            found = [c for v, c in _FINDINGS if v in codes]
            if all(sink.over(c) for c in found):  # past the cap: counted, not written
                for c in found:
                    sink.tally(c)
                continue
            shown = [(self._dests[di], k, same) for di, k, same in slots]
            product_findings(sink, pn, graph.position(r), finding_cells(ctx, r, row, shown))

    def position(self, part_number: str) -> int:
        """Position of the product with this part number (KeyError when none), found without
        making any result."""
        pns = self._ctx.graph.part_numbers
        for i, r in enumerate(self._roots):
            if str(pns[r]) == part_number:
                return i
        raise KeyError(part_number)

    @property
    def context(self) -> Context:
        """The analysis context: the analysed graph and its node values."""
        return self._ctx

    @property
    def scenarios(self) -> list[Scenario]:
        """The what-if scenarios every result reports."""
        return self._scenarios

    def not_analysed(self) -> int:
        """How many products could not be analysed (a cycle, an unusable value below them)."""
        return len(self._blocked)

    def flagged(self) -> bool:
        """Some product is (or may be) subject to the EAR somewhere shown, or FDPR-flagged."""
        if any(f.entries for f in self._fdpr.values()):
            return True
        if self._made:  # made results may have been changed: ask them
            return any(
                d.verdict in ("subject", "undetermined") for p in self for d in p.destinations
            )
        classes = np.array(sorted(set(self._class)), dtype=np.int64)
        return bool((self._ctx.grid.verdict[np.ix_(self._ok, classes)] != NOT_SUBJECT).any())

    def countries(self) -> list[str]:
        """The destination codes the products' results show, sorted."""
        if self._made:
            return sorted({d.country for p in self for d in p.destinations})
        rows = self._rows.values()
        return sorted({self._dests[di].code for row in rows for di, _, _ in self._slots(row)})

    def limits(self) -> list[dict[str, Any]]:
        """Every ruleset limit the products' results can name (``ruleset.limits``)."""
        return self._ctx.limits.to_list() if self._ctx.limits is not None else []

    def tree_data(self) -> dict[str, Any]:
        """The BOM under the products as data for an interactive tree
        (:func:`bomtrace.analysis.tree_data.tree_data`)."""
        from bomtrace.analysis.tree_data import tree_data

        return tree_data(self._ctx, self._roots, self._dests, self._class)

    def fdpr_findings(self) -> list[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
        """Per product with FDPR findings, its entries and summary (as its result holds them)."""
        return [(f.entries, f.summary) for f in self._fdpr.values()]

    # -- JSON ---------------------------------------------------------------------------

    def to_dicts(self) -> list[dict[str, Any]]:
        """Every product's JSON entry (``ProductResult.to_dict()``), written from the arrays."""
        ctx = self._ctx
        vals = ctx.vals
        ok = [(i, r) for i, r in enumerate(self._roots) if r in self._rows and i not in self._made]
        v = np.array([r for _, r in ok], dtype=np.int64)
        rows = [self._rows[r] for _, r in ok]
        tracks = [str(x) for x in vals.track[v].tolist()]
        cells, ends = self._cells_frame(v, rows, tracks)
        fdpr = [self._fdpr.get(r) for _, r in ok]
        columns = {
            **item_columns(ctx, v, self._price, self._desc),
            "currency": [self._currencies.get(r, self._currency) for _, r in ok],
            "track": tracks,
            "origin": [self._origins.get(r) for _, r in ok],
            "destinations": Grouped(cells, ends),
            "summary": [self._summaries[row] for row in rows],
            "fdpr": [[] if f is None else f.entries for f in fdpr],
            "fdpr_summary": [None if f is None else f.summary for f in fdpr],
        }
        written = entries(PRODUCT, Frame(len(v), columns))
        at = {i: e for (i, _), e in zip(ok, written, strict=True)}
        return [at[i] if i in at else self[i].to_dict() for i in range(len(self))]

    def _pairs(
        self, rows: list[int]
    ) -> tuple[list[int], list[int], list[int], list[list[str]], list[int]]:
        """Every (product, destination shown) pair of products at explosion ``rows``: the
        product's position, the destination's index and class, the destinations it also
        stands for, and where each product's pairs end."""
        n_dest = len(self._class)
        if all(self._picks[row] is None for row in rows):  # every destination, each its own
            m = len(rows)
            return (
                np.repeat(np.arange(m), n_dest).tolist(),
                list(range(n_dest)) * m,
                list(self._class) * m,
                [[] for _ in range(m * n_dest)],
                list(range(0, (m + 1) * n_dest, n_dest)),
            )
        pj, pdi, pk, same_for, ends = [], [], [], [], [0]
        for j, row in enumerate(rows):
            for di, k, same in self._slots(row):
                pj.append(j)
                pdi.append(di)
                pk.append(k)
                same_for.append(list(same))
            ends.append(len(pj))
        return pj, pdi, pk, same_for, ends

    def _cells_frame(
        self, v: np.ndarray, rows: list[int], tracks: list[str]
    ) -> tuple[Frame, list[int]]:
        """The destination cells of products ``v`` (explosion ``rows``), one per product and
        destination shown, product by product; product ``j``'s are ``ends[j]:ends[j + 1]``."""
        ctx, g = self._ctx, self._ctx.grid
        full = product_cells_in_full(ctx, v, rows, bool(self._scenarios)).tolist()
        pj, pdi, pk, same_for, ends = self._pairs(rows)
        node, k_of = v[np.array(pj, dtype=np.int64)], np.array(pk, dtype=np.int64)
        dests = [self._dests[di] for di in pdi]
        threshold = np.array([d.threshold for d in dests], dtype=float)
        codes = g.verdict[node, k_of]
        lo, hi = g.lo[node, k_of], g.hi[node, k_of]
        done: dict[int, dict[str, Any]] = {}
        lists: dict[tuple[str, int], tuple[Any, list[list[dict[str, Any]]]]] = {}
        top: list[list[dict[str, Any]]] = []
        unresolved: list[list[dict[str, Any]]] = []
        words, his, dens = codes.tolist(), hi.tolist(), ctx.den[node].tolist()
        for c, (j, di, k) in enumerate(zip(pj, pdi, pk, strict=True)):
            row, track = rows[j], tracks[j]
            if full[j][k]:  # a cell that needs more than the arrays: built in full
                done[c] = self._full_cell(int(v[j]), row, di, k, same_for[c])
                top.append([])
                unresolved.append([])
                continue
            got = lists.get((track, k))
            if got is None:
                got = lists[track, k] = (
                    top_entries(ctx, track, k),
                    unresolved_lists(ctx, track, k, self._dests[di].threshold),
                )
            top.append(got[0].row(row))
            unresolved.append(
                settle(got[1][row], VERDICTS[words[c]], his[c], dests[c].threshold, dens[c])
            )
        groups = [sorted(d.groups) for d in self._dests]
        columns = {
            "country": [d.code for d in dests],
            "name": [d.name for d in dests],
            "groups": [list(groups[di]) for di in pdi],
            "threshold": [d.threshold for d in dests],
            "threshold_source": [d.threshold_source for d in dests],
            "controlled_us_value": g.num_lo[node, k_of],
            "ratio": lo,
            "subject_to_ear": Coded(codes, SUBJECT_TO_EAR),
            "verdict": Coded(codes, VERDICTS),
            "basis": Coded(ctx.basis_codes(node, k_of), BASES),
            "headroom": ctx.headroom(node, k_of, threshold),
            "zero_de_minimis": Const([]),
            "bounds": Frame(len(pj), {"low": lo, "high": hi, "unresolved_parts": unresolved}),
            "track": [tracks[j] for j in pj],
            "second_incorporation": Const(None),
            "notes": Const([]),
            "top_contributors": Written(top),
            "scenarios": Const([]),
            "same_for": same_for,
            "limits": self._limits(node, dests),
        }
        return Frame(len(pj), columns, done), ends

    def _limits(self, node: np.ndarray, dests: list[Destination]) -> list[list[str]] | Const:
        lim = self._ctx.limits
        if lim is None:
            return Const([])
        return lim.ids_of(node.tolist(), [d.code for d in dests])

    def _full_cell(self, r: int, row: int, di: int, k: int, same: list[str]) -> dict[str, Any]:
        """One cell's entry, from its result built in full."""
        dr = destination_result(
            self._ctx, r, self._dests[di], k, self._scenarios, self._explosion(row)
        )
        dr.same_for = list(same)
        return dr.to_dict()
