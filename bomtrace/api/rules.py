"""The rules verbs of the library: :func:`rules` (``bomtrace rules``) and :func:`rule_changes`
(``bomtrace rules --changes``); re-exported by :mod:`bomtrace.api`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bomtrace.analysis.rule_impact import RuleChangesResult, changes_report
from bomtrace.countries import country_option
from bomtrace.graph.load import Source, read_options
from bomtrace.io import ReadOptions
from bomtrace.rules import load_ruleset
from bomtrace.rules.overview import RulesOverview, rules_overview
from bomtrace.rules.ruleset import as_date


def rules(
    *,
    as_of: date | str | None = None,
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
) -> RulesOverview:
    """The dated rules (``bomtrace rules``): per destination its country groups, threshold,
    chart marks, Part 746 status and items with no de minimis level; partner countries,
    exclusions and scenarios. Named ``destinations`` (ISO codes or names) narrow the list
    unless ``all_destinations`` is set.

    Raises
    ------
    bomtrace.errors.RulesetError
        A date the ruleset does not cover, or an unknown destination.

    >>> d = rules(as_of=date(2020, 8, 17), destinations=["IR"]).destinations[0]
    >>> d["code"], d["threshold"], d["embargo"]
    ('IR', 0.1, 'ccl')
    """
    return rules_overview(
        load_ruleset(as_date(as_of)), destinations=destinations, all_destinations=all_destinations
    )


def rule_changes(
    start: date | str,
    end: date | str,
    source: Source | None = None,
    *,
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
    made_in: str | None = None,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
) -> RuleChangesResult:
    """What changed in the rules between two dates (``bomtrace rules --changes``), and, with
    a BOM (``source``), which of its verdicts and parts those changes touch.

    Parameters
    ----------
    start, end : datetime.date or str
        The two dates (``start`` before ``end``), e.g. the date of the last classification
        and today.
    source : path, paths or BomTable, optional
        A BOM: its products are analysed under both dates' rules.
    destinations, all_destinations, made_in, read, columns, sheet, layout
        As for :func:`analyze`.

    Raises
    ------
    bomtrace.errors.UsageError
        ``start`` is not before ``end``, or a date is malformed.
    bomtrace.errors.RulesetError
        A date the ruleset does not cover.

    >>> r = rule_changes("2021-01-01", "2021-02-01")
    >>> [c.change for c in r.changes if c.table == "Country Groups"]
    ['SD joined Country Group B', 'SD left Country Group E:1']
    """
    return changes_report(
        as_date(start),
        as_date(end),
        source,
        destinations=destinations,
        all_destinations=all_destinations,
        made_in=country_option(made_in, "--made-in"),
        read=read_options(read, columns, sheet, layout),
    )


__all__ = ["rule_changes", "rules"]
