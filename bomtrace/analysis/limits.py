"""Which limits of the dated ruleset each product × destination result rests on.

A destination's limits (a table whose history is not modelled on the date, an unsure dated
row or membership) concern every item analysed for it; a control decision's limits (a CCL
entry added after the date, a destination scope not confirmed or not enforced) concern the
items that hold content with that decision. :class:`CellLimits` gives each cell its limit ids
and keeps the table of those used, for the document's ``ruleset.limits``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bomtrace.graph.model import BomGraph
from bomtrace.rollup import rollup
from bomtrace.rules.model import Destination, Limit


@dataclass
class CellLimits:
    """Limit ids per (item, destination), and the limits they name."""

    table: dict[str, Limit]
    by_dest: dict[str, list[str]]  #: destination code -> its own limit ids
    k_of: dict[str, int]  #: destination code -> its class
    #: per class: (limit id, bool per node: the item holds content whose decision carries it)
    by_class: list[list[tuple[str, np.ndarray]]]
    #: 734.4(a) category id -> the limit a hit of it names (unsure categories only)
    zero: dict[str, str]

    def ids(self, v: int, code: str) -> list[str]:
        """The limit ids of node ``v``'s result for destination ``code``, sorted."""
        k = self.k_of[code]
        return sorted({*self.by_dest[code], *(i for i, held in self.by_class[k] if held[v])})

    def with_hits(self, ids: list[str], hits: list[dict[str, Any]]) -> list[str]:
        """``ids`` plus the limits of the unsure 734.4(a) categories among ``hits``."""
        more = {self.zero[h["id"]] for h in hits if h.get("id") in self.zero}
        return sorted(set(ids) | more)

    def ids_of(self, nodes: list[int], codes: list[str]) -> list[list[str]]:
        """:meth:`ids` of many cells (node, destination code) at once."""
        fixed: dict[str, list[str]] = {}
        out = []
        for v, code in zip(nodes, codes, strict=True):
            if self.by_class[self.k_of[code]]:
                out.append(self.ids(v, code))
                continue
            if code not in fixed:
                fixed[code] = sorted(set(self.by_dest[code]))
            out.append(fixed[code])
        return out

    def to_list(self) -> list[dict[str, Any]]:
        """Every limit a result of this analysis can name, sorted by id (JSON form)."""
        return [self.table[i].to_dict() for i in sorted(self.table)]


def cell_limits(
    graph: BomGraph,
    ruleset: Any,
    dests: list[Destination],
    dest_class: list[int],
    key_index: np.ndarray,
    decisions: list[dict[Any, Any]],
) -> CellLimits:
    """Build the :class:`CellLimits` of one analysis.

    Parameters
    ----------
    graph : BomGraph
        The graph analysed.
    ruleset : Ruleset
        The ruleset of the analysis.
    dests, dest_class : list
        The destinations and the class of each.
    key_index : numpy.ndarray
        Per node, the index of its decision key in the decisions' dicts (-1: no content).
    decisions : list of dict
        Control decisions per class, by key (the same keys, in the same order, per class).
    """
    table: dict[str, Limit] = {}
    by_dest: dict[str, list[str]] = {}
    for d in dests:
        own = ruleset.limits(d)
        table.update({x.id: x for x in own})
        by_dest[d.code] = [x.id for x in own]
    at: dict[tuple[int, str], list[int]] = {}  # (class, limit id) -> key indices
    for k, decs in enumerate(decisions):
        for j, dec in enumerate(decs.values()):
            for x in dec.limits:
                table[x.id] = x
                at.setdefault((k, x.id), []).append(j)
    masks = {name: np.isin(key_index, js) for name, js in at.items()}
    by_class: list[list[tuple[str, np.ndarray]]] = [[] for _ in decisions]
    if masks:
        names = list(masks)
        own = np.stack([masks[n] for n in names], axis=1).astype(float)
        with np.errstate(all="ignore"):
            held = np.nan_to_num(rollup(graph, own), nan=1.0) > 0
        for j, (k, lid) in enumerate(names):
            by_class[k].append((lid, held[:, j]))
    zero: dict[str, str] = {}
    for z in ruleset.zero_de_minimis():
        if z.unsure:
            lim = Limit(
                id=f"unsure:{z.paragraph} ({z.id})",
                kind="unsure",
                topic=f"{z.paragraph}: {z.title}",
                text="this 734.4(a) category (its text, scope or date) is not confirmed against "
                "the Federal Register text; the verdict rests on it",
                citation=z.paragraph,
            )
            table[lim.id] = lim
            zero[z.id] = lim.id
    k_of = {d.code: k for d, k in zip(dests, dest_class, strict=True)}
    return CellLimits(table, by_dest, k_of, by_class, zero)


__all__ = ["CellLimits", "cell_limits"]
