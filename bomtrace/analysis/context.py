"""What every result of one analysis reads: the graph, node values, grids and rankings
(:class:`Context`), the node masks that let most products skip evidence scans, and one
product's explosion row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace.analysis.grid import Grid
from bomtrace.analysis.limits import CellLimits
from bomtrace.analysis.ranking import Rankings
from bomtrace.analysis.results import Basis
from bomtrace.analysis.values import NodeValues
from bomtrace.graph.model import BomGraph
from bomtrace.rules.zero import ZeroDeMinimis

#: the bases by :meth:`Context.basis_codes`
BASES: tuple[Basis, ...] = ("de-minimis", "zero-de-minimis", "us-origin")


@dataclass
class Context:
    """What every destination result of one analysis needs."""

    graph: BomGraph
    vals: NodeValues
    grid: Grid
    alt: Grid | None
    den: np.ndarray
    rules: list[ZeroDeMinimis]  #: the ruleset's 734.4(a) categories in force, in order
    top: int
    end_user: str | None
    technology_note: str
    #: evidence per (node, class): contributors, unresolved parts, zero-de-minimis hits
    evidence: dict[tuple[int, int], tuple[list[Any], list[Any], list[Any]]] = field(
        default_factory=dict
    )
    #: per (track, class): node masks that let most products skip the evidence scans
    masks: dict[tuple[str, int], NodeMasks] = field(default_factory=dict)
    #: every product's parts ranked for the evidence (over the products' explosion matrix)
    rankings: Rankings | None = None
    #: bool per node: a US-origin item (its own origin is US, or --made-in US and none
    #: given), subject to the EAR wherever it is; its verdicts are SUBJECT in the grids
    us_item: np.ndarray | None = None
    #: the limits of the dated ruleset each product × destination result rests on
    limits: CellLimits | None = None

    def us_origin(self, nodes: Any) -> Any:
        """Bool per node of ``nodes`` (or one bool): a US-origin item (basis ``us-origin``,
        no headroom, no nearest threshold)."""
        if self.us_item is None:
            return np.zeros(np.shape(nodes), dtype=bool)[()]
        return self.us_item[nodes]

    def basis_codes(self, nodes: Any, classes: Any) -> Any:
        """Why each verdict (nodes × classes, or one) is what it is: the index in
        :data:`BASES` (a US-origin item; a 734.4(a) category; the de minimis ratio)."""
        code = self.grid.zero_lo[nodes, classes].astype(np.int8)
        return np.where(self.us_origin(nodes), 2, code)

    def basis(self, v: int, k: int) -> Basis:
        """Why node ``v``'s verdict for class ``k`` is what it is."""
        return BASES[int(self.basis_codes(v, k))]

    def headroom(self, nodes: Any, classes: Any, threshold: Any) -> Any:
        """Controlled US value that could be added before the verdict turns subject
        (threshold × denominator − controlled US value), per node and class; NaN without a
        denominator, for a US-origin item (no amount of content makes it foreign-made) and
        where a 734.4(a) category certainly applies (no de minimis level: no headroom)."""
        den, num = self.den[nodes], self.grid.num_lo[nodes, classes]
        ok = (den > 0) & ~self.us_origin(nodes) & ~self.grid.zero_lo[nodes, classes]
        return np.where(ok, threshold * den - num, np.nan)

    def node_masks(self, track: str, k: int) -> NodeMasks:
        """Node-level masks for one track and class, computed on first use."""
        key = (track, k)
        got = self.masks.get(key)
        if got is None:
            got = self.masks[key] = NodeMasks.of(self, track, k)
        return got


@dataclass
class NodeMasks:
    """Which nodes can ever appear in a product's evidence for one track and class."""

    open_: np.ndarray  #: bool, unpriced-and-possibly-controlled, or bounds apart
    first: np.ndarray  #: bool, an unpriced part that may be controlled (listed first)
    zero: bool  #: some node hits a 734.4(a) category (certain or possible)

    @classmethod
    def of(cls, ctx: Context, track: str, k: int) -> NodeMasks:
        vals, graph = ctx.vals, ctx.graph
        lo, hi = vals.own_low[track][:, k], vals.own_high[track][:, k]
        first = graph.is_leaf & np.isnan(graph.num_attr("unit_cost")) & (vals.status[:, k] >= 1)
        zero = any(
            a.size and bool((a[:, k] > 0).any())
            for a in (vals.zero_own[track], vals.zero_own_high[track])
        )
        return cls(first | (hi - lo > 0), first, zero)


@dataclass
class Explosion:
    """One product's explosion row: node ids and extended quantities (row ``row`` of the
    matrix behind ``Context.rankings``)."""

    idx: np.ndarray
    qty: np.ndarray
    row: int
