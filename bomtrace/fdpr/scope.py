"""Who and where a shipment goes: parties screened, and each FDP rule form's scope per
destination (yes / no / unknown), for :mod:`bomtrace.fdpr.analysis`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bomtrace.fdpr.evidence import NO, STATE_NAMES, UNKNOWN, YES
from bomtrace.fdpr.screening import PartyMatch, ScreeningList
from bomtrace.rules.fdp import FdpVersion, fdp_rules_in_force
from bomtrace.rules.model import Destination


@dataclass(frozen=True)
class ScreenedParty:
    """A party of the shipment and what screening found."""

    role: str  #: "end_user" or "party"
    name: str
    match: PartyMatch

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, **self.match.to_dict()}


@dataclass
class RuleCase:
    """One rule form applied to one destination (None for party-scoped forms)."""

    version: FdpVersion
    destination: str | None
    scope: int
    why: str
    party: ScreenedParty | None = None

    @property
    def unsure(self) -> bool:
        """The rule form's dates are unsure, or the listing of the party it rests on is (the
        date an entry or its footnote took effect could not be confirmed)."""
        party = self.party
        listing = party is not None and any(e.dates_unsure for e in party.match.entries)
        return self.version.unsure or listing

    def label(self) -> dict[str, Any]:
        return {
            "rule": self.version.paragraph,
            "id": self.version.id,
            "title": self.version.title,
            "destination": self.destination,
            "scope": STATE_NAMES[self.scope],
            "why": self.why,
            "unsure": self.unsure,
        }


def screen_parties(
    end_user: str | None, parties: Sequence[str], screening: ScreeningList
) -> list[ScreenedParty]:
    """Screen the end user and the other parties of the shipment."""
    out = []
    if end_user and end_user.strip():
        out.append(ScreenedParty("end_user", end_user.strip(), screening.match(end_user)))
    for p in parties:
        if p and p.strip():
            out.append(ScreenedParty("party", p.strip(), screening.match(p)))
    return out


def _scope(
    v: FdpVersion, dest: Destination | None, screened: list[ScreenedParty]
) -> tuple[int, str, ScreenedParty | None]:
    s = v.scope
    if s.type == "worldwide":
        return YES, "applies to every destination", None
    if s.type in ("country_group", "destination"):
        assert dest is not None
        groups = dest.groups
        if set(s.exclude_groups) & groups:
            return (
                NO,
                f"{dest.code} is in {', '.join(sorted(set(s.exclude_groups) & groups))}",
                None,
            )
        hit = sorted(set(s.groups) & groups)
        if hit or dest.code in s.countries:
            what = ", ".join(hit) if hit else dest.code
            return YES, f"destination {dest.code} ({what})", None
        return NO, f"destination {dest.code} is not in scope", None
    fn = s.footnote
    best: tuple[int, str, ScreenedParty | None] = (NO, f"no party carries footnote {fn}", None)
    for p in screened:
        m = p.match
        if m.status == "match" and fn in m.footnotes:
            if p.role in s.roles:
                return YES, f"{_role(p.role)} {p.name!r}: footnote {fn}", p
            best = max(
                best,
                (
                    UNKNOWN,
                    f"{_role(p.role)} {p.name!r} is listed with footnote {fn}, but this form of "
                    f"the rule needs knowledge that the item is destined to it (end user)",
                    p,
                ),
                key=lambda t: t[0],
            )
        elif m.status == "possible" and any(fn in e.footnotes for e in m.entries):
            best = max(
                best,
                (
                    UNKNOWN,
                    f"{_role(p.role)} {p.name!r} resembles {m.entries[0].name!r} (footnote {fn}, "
                    f"score {m.score:.0f}); not applied: confirm the name",
                    p,
                ),
                key=lambda t: t[0],
            )
    return best


def _role(role: str) -> str:
    return "end user" if role == "end_user" else "party"


def rule_cases(
    day: date, destinations: Sequence[Destination], screened: list[ScreenedParty]
) -> list[RuleCase]:
    """Every rule form in force on ``day``, applied to each destination where it depends on one."""
    out = []
    for v in fdp_rules_in_force(day):
        if v.scope.type in ("country_group", "destination"):
            for d in destinations:
                st, why, _ = _scope(v, d, screened)
                out.append(RuleCase(v, d.code, st, why))
        else:
            st, why, p = _scope(v, None, screened)
            out.append(RuleCase(v, None, st, why, p))
    return out
