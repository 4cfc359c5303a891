"""Value types the ruleset hands to the analysis (interface shared by rules and analysis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

#: ``possible``: the ECCN is known but the data given does not settle it (a control that covers
#: only some paragraphs and no paragraph was given, an EAR99 item that counts only if it is on a
#: Part 746 list): not counted in the low bound, counted in the high bound.
ControlStatus = Literal["controlled", "possible", "not-controlled", "unknown"]
EmbargoLevel = Literal["all", "ccl"]


@dataclass(frozen=True)
class Destination:
    """One destination as it stood on the ruleset's ``as_of`` date."""

    code: str  #: ISO 3166-1 alpha-2, e.g. "CN"
    name: str  #: display name, e.g. "China"
    groups: frozenset[str]  #: country groups on as_of, e.g. {"D:1", "D:3", "D:4", "D:5"}
    chart_marks: frozenset[str]  #: Country Chart columns with an X, e.g. {"NS 1", "AT 1"}
    embargo: EmbargoLevel | None  #: Part 746: "all" = EAR99 counts too; "ccl" = every CCL item
    embargo_source: str | None  #: citation of the Part 746 rule, when embargo is set
    threshold: float  #: de minimis threshold on as_of (0.10 or 0.25)
    threshold_source: str  #: citation, e.g. "15 CFR 734.4(c)"
    #: CCL categories the "ccl" embargo covers on as_of (empty = the whole CCL)
    embargo_categories: frozenset[str] = frozenset()
    #: citations ("; ") of the Part 746 lists whose EAR99 items count (flag ``listed_ear99``),
    #: else None
    listed_ear99: str | None = None
    #: citation when the partner-country carve-out of Supp. No. 2 to Part 734 (a)(1) is in force
    #: for this destination (AT-only and listed ECCNs not counted for items made in a
    #: Supp. No. 3 to Part 746 country), else None
    partner_carveout: str | None = None
    #: ECCNs the partner-country carve-out drops besides AT-only ones (e.g. 9A991)
    partner_eccns: frozenset[str] = frozenset()
    #: the country this destination is a region of (e.g. "UA" for the Crimea region)
    region_of: str | None = None


#: what a limit says about a result: ``not-modelled`` (a rule or a table's history bomtrace does
#: not model on the date), ``unsure`` (a dated fact not confirmed against primary text),
#: ``note`` (in force but e.g. not enforced by BIS, or before its compliance date)
LimitKind = Literal["not-modelled", "unsure", "note"]


@dataclass(frozen=True)
class Limit:
    """Something a result rests on that bomtrace could not model or confirm for its date."""

    id: str  #: stable key, e.g. "unsure:CCL 3A090.a RS"; results refer to limits by it
    kind: str  #: a :data:`LimitKind`
    topic: str  #: what it is about, e.g. "Country Group D:5 (RU)"
    text: str  #: what is not modelled or unsure, and what it means for the result
    citation: str | None = None  #: the rule or entry it comes from

    def to_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "kind": self.kind,
            "topic": self.topic,
            "text": self.text,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class ControlDecision:
    """Whether US-origin content with one ECCN counts as controlled for one destination."""

    status: ControlStatus
    reason: str  #: e.g. "NS 2", "Part 746 embargo: EAR99 counts (15 CFR 746.2)", "AT 1 not marked"
    source: str | None = None  #: citation
    #: the paragraph given is not one of the entry's paragraphs; the entry was judged instead
    paragraph_unknown: bool = False
    #: what the decision rests on that is unsure or noted on the date (dated CCL changes)
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True)
class ThresholdOverride:
    """A scenario's replacement threshold."""

    value: float
    destinations: tuple[str, ...]  #: ISO-2 codes the override applies to
    #: when an end user is given, the override applies only if it matches one of these
    #: case-insensitive substrings; empty = applies regardless of end user
    end_user_patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A what-if: data-driven changes to the rule in force (never a special case in code)."""

    name: str
    title: str
    description: str
    source: str
    threshold: ThresholdOverride | None = None
    #: extra value tracks added to the numerator, e.g. ("us_tech_value",)
    numerator_add: tuple[str, ...] = ()


@dataclass(frozen=True)
class RulesetInfo:
    """Provenance of the ruleset in use (goes into the JSON ``ruleset`` object)."""

    as_of: date
    data_version: str  #: e.g. "ecfr-2026-07-23+changes-2026-12-07"
    sources: tuple[str, ...] = field(default_factory=tuple)
