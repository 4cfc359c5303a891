"""Product × destination verdicts of two analyses side by side (rule changes between dates,
what-ifs): ratio and verdict before and after, and whether the verdict flips."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from bomtrace.analysis.deminimis import analyze_graph
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.results import DestinationResult, ProductResult
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueLog

#: what a side's cell says: (ratio, verdict)
Pick = Callable[[DestinationResult], tuple[float | None, str]]


def analyse_sides(
    graphs: tuple[BomGraph, BomGraph],
    rulesets: tuple[Any, Any],
    options: AnalysisOptions,
    scenarios: tuple[str | None, str | None] = (None, None),
) -> tuple[list[ProductResult], list[ProductResult]]:
    """The products of each side: its graph under its ruleset (``options.as_of`` set to the
    ruleset's date) and, where given, its scenario."""
    out = []
    for g, rs, scenario in zip(graphs, rulesets, scenarios, strict=True):
        opts = replace(options, as_of=rs.info.as_of)
        if scenario is not None:
            opts = replace(opts, scenarios=(scenario,))
        products, _ = analyze_graph(g, rs, opts, IssueLog(0))
        out.append(list(products))
    return out[0], out[1]


def in_force(x: DestinationResult) -> tuple[float | None, str]:
    """The cell's ratio and verdict under the rule in force."""
    return x.ratio, x.verdict


def under_scenario(x: DestinationResult) -> tuple[float | None, str]:
    """The cell's ratio and verdict under the (one) scenario it was analysed with."""
    s = x.scenarios[0]
    return s.ratio, s.verdict


def verdict_changes(
    before: Iterable[ProductResult],
    after: Iterable[ProductResult],
    only: set[str] | None = None,
    picks: tuple[Pick, Pick] = (in_force, in_force),
) -> list[dict[str, Any]]:
    """One row per product analysed in both and destination in both, in ``before``'s order.

    Parameters
    ----------
    before, after : iterable of ProductResult
        The two analyses' products.
    only : set of str, optional
        Part numbers of the products to compare (default: every product).
    picks : (Pick, Pick), optional
        What each side's cell says (:func:`in_force`, or :func:`under_scenario`).

    Returns
    -------
    list of dict
        ``product``, ``country``, ``ratio_from``, ``ratio_to``, ``verdict_from``,
        ``verdict_to``, ``flips``.
    """
    later = {p.part_number: p for p in after if only is None or p.part_number in only}
    rows = []
    for a in before:
        b = later.get(a.part_number)
        if b is None or not a.analysed or not b.analysed:
            continue
        cells = {x.country: x for x in b.destinations}
        for x in a.destinations:
            y = cells.get(x.country)
            if y is None:
                continue
            (r0, v0), (r1, v1) = picks[0](x), picks[1](y)
            rows.append(
                {
                    "product": a.part_number,
                    "country": x.country,
                    "ratio_from": r0,
                    "ratio_to": r1,
                    "verdict_from": v0,
                    "verdict_to": v1,
                    "flips": v0 != v1,
                }
            )
    return rows


def flips_to_worse(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether some verdict flips from not-subject to subject or undetermined."""
    return any(r["flips"] and r["verdict_from"] == "not-subject" for r in rows)


__all__ = ["analyse_sides", "flips_to_worse", "in_force", "under_scenario", "verdict_changes"]
