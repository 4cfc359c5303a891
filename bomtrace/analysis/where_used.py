"""Where is a part used, and what if it came from elsewhere? (``bomtrace where-used``)

:func:`where_used_graph` finds every product and assembly that uses one part: the assemblies
that list it directly (with the quantity per assembly), and per product the extended quantity
(one roll-up over the whole graph) and the paths from the product down to the part (listed up
to :data:`MAX_PATHS` per product; the quantity is exact whatever the number of paths). With
what-ifs (:mod:`bomtrace.analysis.what_if`) the products that hold the part are analysed with
the BOM's values and with the values set, and every product × destination verdict is shown
before and after.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace.analysis.compare import flips_to_worse, verdict_changes
from bomtrace.analysis.deminimis import analyze_graph
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.schema import text
from bomtrace.analysis.what_if import WHAT_IF_NOTE, WhatIf, with_values
from bomtrace.errors import UsageError
from bomtrace.exitcodes import ExitCode
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueLog
from bomtrace.rollup import rollup

MAX_PATHS = 20  #: paths listed per product
MAX_STEPS = 200_000  #: partial paths expanded in all, so a heavily shared part answers fast


@dataclass
class WhereUsedResult:
    """Where one part is used, and with what-ifs, the verdicts before and after."""

    part: dict[str, Any]
    used_in: list[dict[str, Any]]  #: assemblies listing the part directly
    products: list[dict[str, Any]]  #: products holding it, with quantity and paths
    what_if: dict[str, Any] | None = None
    ruleset: dict[str, Any] | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace where-used --format json``."""
        return {
            "part": self.part,
            "used_in": self.used_in,
            "products": self.products,
            "what_if": self.what_if,
            "ruleset": self.ruleset,
            "issues": self.issues,
        }

    @property
    def exit_code(self) -> int:
        """FLAGGED (1) when a what-if flips a verdict from not-subject to subject or
        undetermined (a release gate can stop on it), else OK (0)."""
        if self.what_if and flips_to_worse(self.what_if["verdicts"]):
            return ExitCode.FLAGGED
        return ExitCode.OK


def find_part(graph: BomGraph, part: str) -> int:
    """Node id of ``part``; a :class:`UsageError` naming close part numbers when absent."""
    try:
        return graph.index_of(part)
    except KeyError:
        pass
    near = difflib.get_close_matches(part, [str(p) for p in graph.part_numbers], n=3)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise UsageError(f"Part {part!r} is not in the BOM.{hint} `bomtrace inspect` lists the parts.")


def where_used_graph(graph: BomGraph, part: str) -> WhereUsedResult:
    """Where ``part`` is used in ``graph`` (see the module text)."""
    m = find_part(graph, part)
    own = np.zeros(graph.n_nodes)
    own[m] = 1.0
    with np.errstate(all="ignore"):
        held = rollup(graph, own)  # per node: units of the part in one unit of it
    desc = graph.attr("description")
    at = np.flatnonzero(graph.child == m)
    used_in = [
        {
            "part_number": str(graph.part_numbers[p]),
            "description": text(desc[p]),
            "quantity": float(q),
        }
        for p, q in sorted(
            zip(graph.parent[at].tolist(), graph.qty[at].tolist(), strict=True),
            key=lambda x: str(graph.part_numbers[x[0]]),
        )
    ]
    # products holding the part (a blocked product's roll-up is NaN: it may hold it)
    roots = [int(r) for r in graph.roots if int(r) == m or not held[r] <= 0]
    paths, complete = _paths_up(graph, m, set(roots))
    products = []
    for r in roots:
        q = float(held[r])
        listed = paths.get(r, [])
        products.append(
            {
                "product": str(graph.part_numbers[r]),
                "description": text(desc[r]),
                "extended_quantity": None if q != q else round(q, 6),
                "paths": listed,
                "paths_truncated": len(listed) >= MAX_PATHS or not complete,
            }
        )
    origin, eccn = graph.attr("country_of_origin")[m], graph.attr("eccn")[m]
    cost = float(graph.num_attr("unit_cost")[m])
    return WhereUsedResult(
        part={
            "part_number": part,
            "description": text(desc[m]),
            "country_of_origin": text(origin),
            "eccn": text(eccn),
            "unit_cost": None if cost != cost else cost,
            "is_product": m in set(int(r) for r in graph.roots),
        },
        used_in=used_in,
        products=products,
    )


def _paths_up(
    graph: BomGraph, m: int, roots: set[int]
) -> tuple[dict[int, list[dict[str, Any]]], bool]:
    """Per root, up to :data:`MAX_PATHS` paths root → ... → ``m`` with their quantity, and
    whether the search finished (False: it stopped after :data:`MAX_STEPS` steps)."""
    order = np.argsort(graph.child, kind="stable")
    starts = np.searchsorted(graph.child[order], np.arange(graph.n_nodes + 1))
    out: dict[int, list[dict[str, Any]]] = {}
    stack: list[tuple[list[int], float]] = [([m], 1.0)]
    steps = 0
    while stack:
        steps += 1
        if steps > MAX_STEPS:
            return out, False
        path, qty = stack.pop()
        head = path[0]
        if head in roots and (len(path) > 1 or head == m):
            got = out.setdefault(head, [])
            if len(got) < MAX_PATHS:
                got.append(
                    {"path": [str(graph.part_numbers[x]) for x in path], "quantity": qty}
                )
        edges = order[starts[head] : starts[head + 1]]
        for e in edges[::-1].tolist():
            p = int(graph.parent[e])
            if p not in path and len(out.get(p, ())) < MAX_PATHS:
                stack.append(([p, *path], qty * float(graph.qty[e])))
    return out, True


def what_if_verdicts(
    graph: BomGraph,
    ruleset: Any,
    options: AnalysisOptions,
    changes: list[WhatIf],
    products: list[str],
) -> dict[str, Any]:
    """The verdicts of ``products`` with the BOM's values and with ``changes`` applied."""
    before, _ = analyze_graph(graph, ruleset, options, IssueLog(0))
    after, _ = analyze_graph(with_values(graph, changes), ruleset, options, IssueLog(0))
    rows = verdict_changes(before, after, only=set(products))
    return {
        "set": [c.to_dict() for c in changes],
        "note": WHAT_IF_NOTE,
        "verdicts": rows,
        "flips": sum(1 for r in rows if r["flips"]),
    }


__all__ = ["MAX_PATHS", "WhereUsedResult", "find_part", "what_if_verdicts", "where_used_graph"]
