"""Total value per node under an assembly-cost convention, and positioned node issues."""

from __future__ import annotations

import numpy as np

from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rollup import rollup, rollup_stated_total
from bomtrace.settings import COST_MISMATCH_RTOL


def cost_values(graph: BomGraph, convention: str, sink: IssueLog) -> tuple[np.ndarray, np.ndarray]:
    """Total value per node and own value per node under an assembly-cost convention.

    Parameters
    ----------
    graph : BomGraph
        A validated graph.
    convention : {"rollup", "added", "total"}
        How a cost stated on an assembly line is read (see ``--assembly-cost``).
    sink : IssueLog
        Receives ``assembly-cost-mismatch`` / ``negative-value-added`` issues.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Total value per unit of each node, and each node's own value before roll-up.
    """
    leaf = graph.is_leaf
    cost = graph.num_attr("unit_cost")
    own = np.where(leaf, np.nan_to_num(cost, nan=0.0), 0.0)
    stated = np.where(~leaf, cost, np.nan)
    if convention == "added":
        own = np.where(leaf, own, np.nan_to_num(stated, nan=0.0))
        return rollup(graph, own), own
    if convention == "total":
        total, kids = rollup_stated_total(graph, own, stated)
        added = np.where(~leaf & ~np.isnan(stated), stated - kids, own)
        neg = ~leaf & (added < -1e-9) & (graph.height >= 0)
        for v in np.flatnonzero(neg):
            node_issue(
                graph,
                sink,
                int(v),
                IssueCode.NEGATIVE_VALUE_ADDED,
                f"The stated total cost of {graph.part_numbers[v]} ({stated[v]:g}) is below the "
                f"roll-up of its children ({kids[v]:g}); its value added would be negative.",
                "unit_cost",
            )
        return total, np.where(leaf, own, np.nan_to_num(added))
    total = rollup(graph, own)
    diff = ~leaf & ~np.isnan(stated) & (graph.height >= 0)
    diff &= ~np.isclose(stated, total, rtol=COST_MISMATCH_RTOL, atol=0.005)
    for v in np.flatnonzero(diff):
        node_issue(
            graph,
            sink,
            int(v),
            IssueCode.ASSEMBLY_COST_MISMATCH,
            f"{graph.part_numbers[v]} states a cost of {stated[v]:g} but its children roll up "
            f"to {total[v]:g}; the roll-up is used (see --assembly-cost added|total).",
            "unit_cost",
        )
    return total, own


def node_issue(
    graph: BomGraph, sink: IssueLog, v: int, code: IssueCode, msg: str, field: str
) -> None:
    """Add an issue positioned at the line that defined node ``v`` (column of ``field``);
    over the cap it is only counted."""
    if sink.over(code):
        sink.tally(code)
        return
    pos = graph.position(int(v))
    col = graph.column_letters.get((str(pos["file"]), pos["sheet"], field))
    sink.add(code, msg, part_number=str(graph.part_numbers[v]), column=col, **pos)
