"""The BOM as data for an interactive tree: every node once, with its values, and the
children lists of the DAG (a shared sub-assembly is stored once, however often it is used).

:func:`tree_data` reads the analysis context (graph, node values, verdict grid) and gives a
columnar, JSON-ready dict that the HTML report embeds and expands lazily in the browser:

``n``
    number of nodes; node ids are positions in every per-node list.
``pn``, ``desc``, ``origin``, ``eccn``
    part number, description, country of origin and ECCN as given ("" when missing).
``row``
    the source row that defined the node (as Excel shows it), or null.
``cost``, ``us``
    rolled-up cost and US-origin value per unit of the node (2 decimals; null when the node
    could not be rolled up: a cycle or unusable value at or below it).
``ptr``, ``kid``, ``qty``
    the children lists in CSR form: node ``i``'s children are ``kid[ptr[i]:ptr[i+1]]``, each
    used ``qty[j]`` times per unit of ``i`` (null when unreadable).
``roots``
    the products' node ids, in the report's order.
``classes``
    per destination class the report shows: ``codes`` (its destinations), ``ctl`` (node id →
    controlled US value per unit, low bound, only nodes where it is not zero), ``subject`` and
    ``undetermined`` (the sub-assemblies, and products, with that verdict).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.context import Context
from bomtrace.analysis.grid import SUBJECT, UNDETERMINED
from bomtrace.rules.model import Destination


def _texts(a: np.ndarray) -> list[str]:
    return ["" if v is None or v != v else str(v) for v in a.tolist()]


def _money(a: np.ndarray, blocked: np.ndarray) -> list[float | None]:
    r = np.where(blocked, np.nan, np.round(np.asarray(a, dtype=float), 2))
    return [None if v != v else v for v in r.tolist()]


def tree_data(
    ctx: Context, roots: list[int], dests: list[Destination], dest_class: list[int]
) -> dict[str, Any]:
    """The BOM tree of an analysis as JSON-ready columns (see the module docstring)."""
    graph, vals, grid = ctx.graph, ctx.vals, ctx.grid
    n = graph.n_nodes
    ptr = np.searchsorted(graph.parent, np.arange(n + 1)).tolist()
    rows = graph.attr("_row")
    classes: list[dict[str, Any]] = []
    seen: dict[int, dict[str, Any]] = {}
    assembly = ~graph.is_leaf & ~graph.blocked
    for d, k in zip(dests, dest_class, strict=True):
        got = seen.get(k)
        if got is None:
            num = np.where(graph.blocked, 0.0, np.round(grid.num_lo[:, k], 2))
            at = np.flatnonzero(np.nan_to_num(num) != 0)
            verdict = grid.verdict[:, k]
            got = seen[k] = {
                "codes": [],
                "ctl": {"at": at.tolist(), "v": num[at].tolist()},
                "subject": np.flatnonzero(assembly & (verdict == SUBJECT)).tolist(),
                "undetermined": np.flatnonzero(assembly & (verdict == UNDETERMINED)).tolist(),
            }
            classes.append(got)
        got["codes"].append(d.code)
    return {
        "n": n,
        "pn": _texts(graph.part_numbers),
        "desc": _texts(graph.attr("description")),
        "origin": _texts(graph.attr("country_of_origin")),
        "eccn": _texts(graph.attr("eccn")),
        "row": [None if v is None or v != v else int(v) for v in rows.tolist()],
        "cost": _money(vals.total, graph.blocked),
        "us": _money(vals.us, graph.blocked),
        "ptr": ptr,
        "kid": graph.child.tolist(),
        "qty": [None if q != q else q for q in graph.qty.tolist()],
        "roots": [int(r) for r in roots],
        "classes": classes,
    }
