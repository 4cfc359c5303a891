"""What the dated rules say, destination by destination (``bomtrace rules``).

:func:`rules_overview` lists a ruleset's destinations (all, or those named) with their
country groups, de minimis threshold, Country Chart marks, Part 746 status and 734.4(a)
categories, and the ruleset's partner countries, exclusions and scenarios. The verb is
:func:`bomtrace.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bomtrace.rules.model import Destination
from bomtrace.rules.ruleset import Ruleset


@dataclass
class RulesOverview:
    """The rules on one date: ``destinations`` are :func:`destination_facts` rows."""

    as_of: str
    data_version: str
    destinations: list[dict[str, Any]]
    partner_countries: list[str]
    exclusions: list[dict[str, Any]]
    scenarios: list[dict[str, Any]]
    #: whether the destinations were named (their details are worth showing)
    named: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace rules --format json``."""
        return {
            "as_of": self.as_of,
            "data_version": self.data_version,
            "destinations": self.destinations,
            "partner_countries": self.partner_countries,
            "exclusions": self.exclusions,
            "scenarios": self.scenarios,
        }


def rules_overview(
    ruleset: Ruleset, *, destinations: Sequence[str] = (), all_destinations: bool = False
) -> RulesOverview:
    """The rules of ``ruleset`` for the named ``destinations`` (ISO codes or names), or for
    every destination when none is named or ``all_destinations`` is set.

    Raises
    ------
    bomtrace.errors.UnknownDestination
        A named destination is not known on the ruleset's date.
    """
    named = bool(destinations) and not all_destinations
    dests = [ruleset.destination(d) for d in destinations] if named else ruleset.destinations()
    info = ruleset.info
    return RulesOverview(
        as_of=info.as_of.isoformat(),
        data_version=info.data_version,
        destinations=[destination_facts(ruleset, d) for d in dests],
        partner_countries=ruleset.partner_countries(),
        exclusions=[
            {"flag": e.flag, "title": e.title, "citation": e.citation} for e in ruleset.exclusions()
        ],
        scenarios=[
            {"name": s.name, "title": s.title, "source": s.source} for s in ruleset.scenarios()
        ],
        named=named,
    )


def destination_facts(ruleset: Ruleset, d: Destination) -> dict[str, Any]:
    """Everything the ruleset says about one destination on its date."""
    return {
        "code": d.code,
        "name": d.name,
        "groups": sorted(d.groups),
        "threshold": d.threshold,
        "threshold_source": d.threshold_source,
        "chart_marks": sorted(d.chart_marks),
        "embargo": d.embargo,
        "embargo_source": d.embargo_source,
        "embargo_categories": sorted(d.embargo_categories),
        "listed_ear99": d.listed_ear99,
        "partner_carveout": d.partner_carveout,
        "partner_carveout_eccns": sorted(d.partner_eccns),
        "region_of": d.region_of,
        "zero_de_minimis": [z.to_dict() for z in ruleset.zero_de_minimis(d)],
        "limits": [x.to_dict() for x in ruleset.limits(d)],
    }


__all__ = ["RulesOverview", "destination_facts", "rules_overview"]
