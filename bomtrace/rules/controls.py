"""Is US-origin content with a given ECCN controlled for a destination? (entry level)

The decision follows 15 CFR 738.4 with the Part 746 embargoes on top, and never looks at
Part 744 (Entity List) status: de minimis is destination based (regulatory.md 0.1 #1).

Paragraph-level scoping is only partly done: a control that applies to the *entire entry
except* listed paragraphs is checked against the paragraph when one is given (``9A515.y.1``),
and the 738.3(a)(1) all-destinations paragraphs likewise. A control that applies to *part* of
an entry is counted conservatively, and its decision says the paragraph was not checked.
:meth:`Control.applies` is where finer paragraph matching slots in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bomtrace.eccn import is_eccn_syntax, normalize_eccn, split_eccn
from bomtrace.rules.model import ControlDecision, Destination

Applies = Literal["yes", "no", "unchecked"]
_CHART_SOURCE = "15 CFR 738.4; 15 CFR Part 774, Supp. No. 1, ECCN {}"


def _within(paragraph: str, prefix: str) -> bool:
    """True when ``paragraph`` (e.g. ``y.1``) lies inside ``prefix`` (e.g. ``y``)."""
    return paragraph == prefix or paragraph.startswith(prefix + ".")


@dataclass(frozen=True)
class Control:
    """One row of an ECCN's licence-requirements table."""

    reason: str | None  #: reason code, e.g. "NS"
    column: str | None  #: Country Chart column, e.g. "NS 2"; None = not chart-based
    scope: str  #: "entire" or "partial"
    excepted: tuple[str, ...]  #: paragraphs excluded from an "entire entry" control
    applies_to: str  #: the control text, e.g. "NS applies to entire entry"
    chart: str  #: the Country Chart cell text, e.g. "NS Column 2."

    def applies(self, paragraph: str | None) -> Applies:
        """Whether this control covers ``paragraph`` (None = paragraph not given).

        Parameters
        ----------
        paragraph : str or None
            Paragraph below the entry, lower case, e.g. ``"b.2"``.

        Returns
        -------
        {"yes", "no", "unchecked"}
            ``"unchecked"`` when the control covers only part of the entry and the paragraph
            was not (or cannot yet be) compared.
        """
        if self.scope != "entire":
            return "unchecked"
        if not self.excepted:
            return "yes"
        if paragraph is None:
            return "unchecked"
        return "no" if any(_within(paragraph, p) for p in self.excepted) else "yes"


@dataclass(frozen=True)
class CclEntry:
    """One ECCN entry of the Commerce Control List."""

    eccn: str
    heading: str
    reasons: str | None
    controls: tuple[Control, ...]


@dataclass(frozen=True)
class AllDestinationsEntry:
    """An entry (or paragraph) needing a licence to every destination (15 CFR 738.3(a)(1))."""

    eccn: str
    paragraph: str | None
    text: str
    scope: str
    source: str

    def applies(self, paragraph: str | None) -> Applies:
        """Whether the requirement covers ``paragraph`` (see :meth:`Control.applies`)."""
        if self.scope == "entire":
            return "yes"
        if self.paragraph is None or paragraph is None:
            return "unchecked"
        if _within(paragraph, self.paragraph):
            return "yes" if self.text == f"{self.eccn}.{self.paragraph}" else "unchecked"
        return "unchecked" if _within(self.paragraph, paragraph) else "no"


def _controlled(reason: str, source: str | None) -> ControlDecision:
    return ControlDecision(status="controlled", reason=reason, source=source)


def decide(
    eccn: str | None,
    dest: Destination,
    ccl: Mapping[str, CclEntry],
    all_destinations: Mapping[str, tuple[AllDestinationsEntry, ...]],
) -> ControlDecision:
    """Decide whether US-origin content classified ``eccn`` is controlled for ``dest``.

    Parameters
    ----------
    eccn : str or None
        The ECCN as given (normalised here), ``EAR99``, or None when missing.
    dest : Destination
        The destination as it stood on the ruleset date.
    ccl : mapping
        CCL entries by five-character ECCN.
    all_destinations : mapping
        The 738.3(a)(1) entries by five-character ECCN.

    Returns
    -------
    ControlDecision
        ``controlled``, ``not-controlled`` or ``unknown``, with the reason and citation.
    """
    if dest.embargo == "all":
        return _controlled(
            "Part 746 embargo: all items subject to the EAR need a licence, "
            f"EAR99 included, whatever the ECCN ({dest.embargo_source})",
            dest.embargo_source,
        )
    norm = normalize_eccn(eccn)
    if norm is None:
        return ControlDecision(status="unknown", reason="no ECCN")
    if norm == "EAR99":
        if dest.embargo == "ccl":
            return ControlDecision(
                status="not-controlled",
                source=dest.embargo_source,
                reason=f"EAR99: the Part 746 requirement covers CCL items only "
                f"({dest.embargo_source}); any OFAC rule is separate and not counted",
            )
        return ControlDecision(
            status="not-controlled",
            reason="EAR99: no licence required "
            "(no Part 746 embargo covers EAR99 for this destination)",
        )
    entry_code, paragraph = split_eccn(norm) if is_eccn_syntax(norm) else (norm, None)
    entry = ccl.get(entry_code)
    if entry is None:
        return ControlDecision(status="unknown", reason=f"ECCN {norm!r} is not in the CCL data")
    if dest.embargo == "ccl":
        return _controlled(
            f"Part 746: every CCL item needs a licence ({dest.embargo_source})", dest.embargo_source
        )
    return _chart_decision(entry, paragraph, dest, all_destinations.get(entry_code, ()))


def _chart_decision(
    entry: CclEntry,
    paragraph: str | None,
    dest: Destination,
    everywhere: tuple[AllDestinationsEntry, ...],
) -> ControlDecision:
    source = _CHART_SOURCE.format(entry.eccn)
    loose: Control | None = None
    for c in entry.controls:
        if c.column is None or c.column not in dest.chart_marks:
            continue
        hit = c.applies(paragraph)
        if hit == "yes":
            return _controlled(c.column, source)
        if hit == "unchecked" and loose is None:
            loose = c
    loose_all: AllDestinationsEntry | None = None
    for a in everywhere:
        hit = a.applies(paragraph)
        if hit == "yes":
            return _controlled(
                f"738.3(a)(1): {a.text} needs a licence to all destinations", a.source
            )
        if hit == "unchecked" and loose_all is None:
            loose_all = a
    if loose is not None:
        why = (
            f"applies to the entire entry except .{', .'.join(loose.excepted)}; paragraph not given"
            if loose.scope == "entire"
            else "applies to part of the entry; paragraph not checked"
        )
        return _controlled(f"{loose.column} ({why})", source)
    if loose_all is not None:
        return _controlled(
            f"738.3(a)(1): {loose_all.text} needs a licence to all destinations "
            "(applies to part of the entry; paragraph not checked)",
            loose_all.source,
        )
    if not entry.controls:
        return ControlDecision(
            status="unknown",
            source=source,
            reason=f"the CCL data has no licence-requirement table for {entry.eccn} (reasons: "
            f"{entry.reasons or 'none given'}); check the entry by hand",
        )
    columns = [
        c.column for c in entry.controls if c.column is not None and c.applies(paragraph) != "no"
    ]
    columns = list(dict.fromkeys(columns))
    reason = (
        f"{', '.join(columns)} not marked for the destination"
        if columns
        else "no Country Chart column applies"
    )
    other = list(
        dict.fromkeys(
            c.reason or "?"
            for c in entry.controls
            if c.column is None and c.applies(paragraph) != "no"
        )
    )
    if other:
        reason += (
            f"; not evaluated: {', '.join(other)} requirement(s) stated outside the "
            "Country Chart columns (see the CCL entry)"
        )
    return ControlDecision(status="not-controlled", reason=reason, source=source)
