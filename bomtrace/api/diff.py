"""The diff verb of the library (``bomtrace diff``); re-exported by :mod:`bomtrace.api`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bomtrace.analysis import AnalysisOptions
from bomtrace.analysis.bom_diff import DiffResult, diff_graphs
from bomtrace.countries import country_option
from bomtrace.errors import UsageError
from bomtrace.graph.load import Source, load_graph, read_options
from bomtrace.io import ReadOptions
from bomtrace.issues import sort_issues
from bomtrace.rules import load_ruleset
from bomtrace.rules.ruleset import as_date


def diff(
    old: Source,
    new: Source | None = None,
    *,
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
    as_of: date | str | None = None,
    old_as_of: date | str | None = None,
    new_as_of: date | str | None = None,
    old_scenario: str | None = None,
    new_scenario: str | None = None,
    made_in: str | None = None,
    read: ReadOptions | None = None,
) -> DiffResult:
    """Compare two BOM revisions, or one BOM under two dates: lines added, removed and
    changed, parts whose values changed, and per product and destination the ratio and verdict
    before and after, which flip, and the parts that explain the change.

    Parameters
    ----------
    old, new : path, paths or BomTable
        The two revisions; ``new`` None compares ``old`` with itself under two dates.
    destinations, all_destinations, made_in, read
        As for :func:`bomtrace.analyze`.
    as_of : date or str, optional
        The rules' date for both sides (default today).
    old_as_of, new_as_of : date or str, optional
        A date for one side only (e.g. the date of the last classification and today).
    old_scenario, new_scenario : str, optional
        A what-if scenario for one side (``bomtrace rules`` lists them): that side's verdicts
        are the scenario's, e.g. one BOM under the rule in force and under the 2020 proposal.

    Raises
    ------
    bomtrace.errors.UsageError
        One BOM and one date: nothing to compare.

    >>> r = diff("samples/rtr_e200.xlsx", old_as_of="2021-01-13", new_as_of="2021-01-14",
    ...          destinations=["SD"])
    >>> [(v["product"], v["verdict_from"], v["verdict_to"]) for v in r.verdicts]
    [('RTR-E200', 'subject', 'not-subject')]
    """
    day = as_date(as_of)
    days = (as_date(old_as_of) or day, as_date(new_as_of) or day)
    scenarios = (old_scenario, new_scenario)
    if new is None and days[0] == days[1] and scenarios[0] == scenarios[1]:
        raise UsageError(
            "diff needs two revisions (--old and --new), or one BOM under two dates "
            "(--old-as-of and --new-as-of) or two scenarios (--old-scenario, --new-scenario)."
        )
    rulesets = (load_ruleset(days[0]), load_ruleset(days[1]))
    for rs, sc in zip(rulesets, scenarios, strict=True):
        if sc is not None:
            rs.scenario(sc)  # an unknown name fails before reading, listing the valid ones
    for rs in rulesets:
        for d in destinations:
            rs.destination(d)  # unknown (or not known on a date): fails before reading
    options = AnalysisOptions(
        destinations=tuple(destinations),
        all_destinations=all_destinations,
        as_of=days[1],
        made_in=country_option(made_in, "--made-in"),
        assemblies=False,
    )
    sides: list[tuple[Any, dict[str, Any]]] = []
    for source, rs in zip((old, old if new is None else new), rulesets, strict=True):
        opts = read_options(read, None, None, None)
        if opts.as_of is None:
            opts = opts.with_(as_of=rs.info.as_of)  # lines in effect on the side's date
        graph, table = load_graph(source, read=opts)
        info = {
            "inputs": [s.to_dict() for s in table.sources] if table is not None else [],
            "as_of": rs.info.as_of.isoformat(),
            "data_version": rs.info.data_version,
            "scenario": scenarios[len(sides)],
        }
        sides.append((graph, info))
    lines, parts, verdicts, not_analysed = diff_graphs(
        sides[0][0], sides[1][0], rulesets, options, scenarios
    )
    issues = [*sides[0][0].issues, *sides[1][0].issues] if new is not None else sides[1][0].issues
    return DiffResult(
        old=sides[0][1],
        new=sides[1][1],
        lines=lines,
        parts=parts,
        verdicts=verdicts,
        not_analysed=not_analysed,
        issues=[i.to_dict() for i in sort_issues(list(issues))],
    )


__all__ = ["diff"]
