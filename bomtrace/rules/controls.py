"""Is US-origin content with a given ECCN controlled for a destination? (paragraph level)

The decision follows 15 CFR 738.4 with the Part 746 embargoes on top, and never looks at
Part 744 (Entity List) status: de minimis is destination based (regulatory.md 0.1 #1).

Each row of an ECCN's licence-requirements table is a :class:`Control`: a reason, the Country
Chart column it names (or a destination scope written in words, such as "China, Russia or
Venezuela" or "Macau or Country Group D:5"), and the paragraphs it covers ("entire entry",
"entire entry except .y", or a parsed list such as ``b.2, b.3``). A part classified to a
paragraph (``3A001.b.2``) is judged by the rows that cover that paragraph. When only the entry
is given and a row covers part of it, the decision is ``possible`` (counted in the high bound
only). Rows whose scope is narrowed by words bomtrace cannot evaluate ("when usable in
missiles", "for computerized finger-print equipment") are counted conservatively, and the
reason says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bomtrace.eccn import is_eccn_syntax, normalize_eccn, split_eccn
from bomtrace.rules.model import ControlDecision, Destination

#: yes / no; ``maybe``: covers some paragraphs and none was given (or a broader one);
#: ``cond``: covers it only under a condition in words that bomtrace does not evaluate
Applies = Literal["yes", "no", "maybe", "cond"]
_CHART_SOURCE = "15 CFR 738.4; 15 CFR Part 774, Supp. No. 1, ECCN {}"


def within(paragraph: str, prefix: str) -> bool:
    """True when ``paragraph`` (e.g. ``y.1``) lies inside ``prefix`` (e.g. ``y``).

    >>> within("b.2.a", "b.2"), within("b.2", "b.2"), within("b.20", "b.2")
    (True, True, False)
    """
    return paragraph == prefix or paragraph.startswith(prefix + ".")


@dataclass(frozen=True)
class DestScope:
    """Destinations a control reaches when the CCL states them in words, not as a column."""

    all: bool
    groups: frozenset[str]
    countries: frozenset[str]
    except_groups: frozenset[str]
    except_countries: frozenset[str]

    def matches(self, dest: Destination) -> bool:
        """Whether ``dest`` (its code, the country it is a region of, its groups) is reached."""
        codes = {dest.code} | ({dest.region_of} if dest.region_of else set())
        if codes & self.except_countries:
            return False
        if codes & self.countries:
            # a destination the CCL names is reached even when a group it is in is excepted:
            # "the United Arab Emirates or destinations in D:1, D:4 and D:5, excluding any
            # destination also in A:5 or A:6" names the UAE (an A:5 member) to reach it
            return True
        if dest.groups & self.except_groups:
            return False
        return self.all or bool(dest.groups & self.groups)

    def describe(self) -> str:
        """Short text, e.g. ``"D:1, D:4, D:5, AE except A:5, A:6"``."""
        if self.all:
            head = "all destinations"
        else:
            head = ", ".join([*sorted(self.groups), *sorted(self.countries)])
        ex = [*sorted(self.except_groups), *sorted(self.except_countries)]
        return head + (f" except {', '.join(ex)}" if ex else "")


@dataclass(frozen=True)
class Control:
    """One row of an ECCN's licence-requirements table."""

    reason: str | None  #: reason code, e.g. "NS"
    column: str | None  #: Country Chart column, e.g. "NS 2"; None = not chart-based
    scope: str  #: "entire" or "partial"
    excepted: tuple[str, ...]  #: paragraphs excluded ("entire entry except .y", "(except .b.5)")
    applies_to: str  #: the control text, e.g. "NS applies to entire entry"
    chart: str  #: the Country Chart cell text, e.g. "NS Column 2."
    paragraphs: tuple[str, ...] = ()  #: paragraphs a partial control covers (parsed)
    condition: str | None = None  #: words that narrow a partial control further
    dest_scope: DestScope | None = None  #: destinations, when stated in words

    def applies(self, paragraph: str | None) -> Applies:
        """Whether this control covers ``paragraph`` (None = paragraph not given).

        Parameters
        ----------
        paragraph : str or None
            Paragraph below the entry, lower case, e.g. ``"b.2"``.

        Returns
        -------
        {"yes", "no", "maybe", "cond"}
        """
        if paragraph is not None and any(within(paragraph, p) for p in self.excepted):
            return "no"
        if self.scope == "entire":
            return "yes" if not self.excepted or paragraph is not None else "maybe"
        if not self.paragraphs:
            return "cond"
        if paragraph is None:
            return "maybe"
        if any(within(paragraph, p) for p in self.paragraphs):
            return "cond" if self.condition else "yes"
        if any(within(p, paragraph) for p in self.paragraphs):
            return "maybe"
        return "no"

    def reaches(self, dest: Destination) -> bool | None:
        """True / False whether the control applies to ``dest``; None when not evaluated."""
        if self.column is not None:
            return self.column in dest.chart_marks
        if self.dest_scope is not None:
            return self.dest_scope.matches(dest)
        return None

    @property
    def label(self) -> str:
        """The column, or the reason with its stated destination scope."""
        if self.column is not None:
            return self.column
        scope = self.dest_scope.describe() if self.dest_scope else "see the CCL entry"
        return f"{self.reason or '?'} ({scope})"

    def covers(self) -> str:
        """Which paragraphs the control covers, in words."""
        if self.scope == "entire":
            return "the entire entry" + (
                f" except .{', .'.join(self.excepted)}" if self.excepted else ""
            )
        if self.paragraphs:
            return "." + ", .".join(self.paragraphs)
        return "part of the entry"


@dataclass(frozen=True)
class CclEntry:
    """One ECCN entry of the Commerce Control List."""

    eccn: str
    heading: str
    reasons: str | None
    controls: tuple[Control, ...]
    #: first-level paragraph letters of the entry (None when the data has no paragraph text)
    paragraph_roots: frozenset[str] | None = None

    def knows(self, paragraph: str) -> bool:
        """Whether ``paragraph`` can be a paragraph of this entry (its first letter exists)."""
        return self.paragraph_roots is None or paragraph.split(".")[0] in self.paragraph_roots

    def at_only(self, paragraph: str | None) -> bool:
        """True when every control that may cover ``paragraph`` is for AT reasons only."""
        live = [c for c in self.controls if c.applies(paragraph) != "no"]
        return bool(live) and all(c.reason == "AT" for c in live)


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
        if self.paragraph is None:
            return "cond"
        if paragraph is None:
            return "maybe"
        if within(paragraph, self.paragraph):
            return "yes" if self.text == f"{self.eccn}.{self.paragraph}" else "cond"
        return "maybe" if within(self.paragraph, paragraph) else "no"


def _controlled(
    reason: str, source: str | None, paragraph_unknown: bool = False
) -> ControlDecision:
    return ControlDecision(
        status="controlled", reason=reason, source=source, paragraph_unknown=paragraph_unknown
    )


def decide(
    eccn: str | None,
    dest: Destination,
    ccl: Mapping[str, CclEntry],
    all_destinations: Mapping[str, tuple[AllDestinationsEntry, ...]],
    *,
    partner: bool = False,
    listed_ear99: bool | None = None,
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
    partner : bool, optional
        The foreign-made item is made in (exported from) a Supp. No. 3 to Part 746 country on
        the ruleset date: the partner-country carve-out applies where it is in force.
    listed_ear99 : bool or None, optional
        For EAR99 content: the item is on a Part 746 list (True), is not (False), unknown (None).

    Returns
    -------
    ControlDecision
        ``controlled``, ``possible``, ``not-controlled`` or ``unknown``, with reason and
        citation.
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
        return _ear99(dest, listed_ear99)
    entry_code, paragraph = split_eccn(norm) if is_eccn_syntax(norm) else (norm, None)
    entry = ccl.get(entry_code)
    if entry is None:
        return ControlDecision(status="unknown", reason=f"ECCN {norm!r} is not in the CCL data")
    unknown_para = paragraph is not None and not entry.knows(paragraph)
    if unknown_para:
        paragraph = None
    if dest.embargo == "ccl" and (
        not dest.embargo_categories or entry_code[0] in dest.embargo_categories
    ):
        carved = partner and dest.partner_carveout is not None
        if carved and (entry.at_only(paragraph) or entry_code in dest.partner_eccns):
            pass  # Supp. No. 2 (a)(1) carve-out: judged by the chart alone
        else:
            what = (
                "every CCL item"
                if not dest.embargo_categories
                else f"CCL Categories {', '.join(sorted(dest.embargo_categories))}"
            )
            return _controlled(
                f"Part 746: {what} needs a licence ({dest.embargo_source})",
                dest.embargo_source,
                paragraph_unknown=unknown_para,
            )
    out = _chart_decision(entry, paragraph, dest, all_destinations.get(entry_code, ()))
    if dest.embargo == "ccl" and partner and dest.partner_carveout and out.status != "controlled":
        out = ControlDecision(
            status=out.status,
            source=dest.partner_carveout,
            reason=f"{out.reason}; the Part 746 requirement is not counted: item made in a "
            f"Supp. No. 3 to Part 746 country and this content is AT-only or "
            f"{', '.join(sorted(dest.partner_eccns))} ({dest.partner_carveout})",
        )
    if unknown_para:
        out = ControlDecision(out.status, out.reason, out.source, paragraph_unknown=True)
    return out


def _ear99(dest: Destination, listed: bool | None) -> ControlDecision:
    if dest.listed_ear99 is not None and listed is not False:
        if listed:
            return _controlled(
                f"EAR99 item on a Part 746 list: needs a licence ({dest.listed_ear99})",
                dest.listed_ear99,
            )
        return ControlDecision(
            status="possible",
            source=dest.listed_ear99,
            reason=f"EAR99: counts only if the item is on a Part 746 list ({dest.listed_ear99});"
            " give listed_ear99 yes/no",
        )
    if dest.embargo == "ccl":
        return ControlDecision(
            status="not-controlled",
            source=dest.embargo_source,
            reason=f"EAR99: the Part 746 requirement covers CCL items only "
            f"({dest.embargo_source}); any OFAC rule is separate and not counted",
        )
    return ControlDecision(
        status="not-controlled",
        reason="EAR99: no licence required (no Part 746 embargo covers EAR99 for this destination)",
    )


def _chart_decision(
    entry: CclEntry,
    paragraph: str | None,
    dest: Destination,
    everywhere: tuple[AllDestinationsEntry, ...],
) -> ControlDecision:
    source = _CHART_SOURCE.format(entry.eccn)
    cond: Control | None = None
    maybe: Control | None = None
    unevaluated: list[str] = []
    for c in entry.controls:
        hit = c.applies(paragraph)
        if hit == "no":
            continue
        reach = c.reaches(dest)
        if reach is None:
            unevaluated.append(c.reason or "?")
            continue
        if not reach:
            continue
        if hit == "yes":
            return _controlled(c.label, source)
        if hit == "cond" and cond is None:
            cond = c
        if hit == "maybe" and maybe is None:
            maybe = c
    for a in everywhere:
        hit = a.applies(paragraph)
        if hit == "yes":
            return _controlled(
                f"738.3(a)(1): {a.text} needs a licence to all destinations", a.source
            )
        if hit == "cond" and cond is None:
            return _controlled(
                f"738.3(a)(1): {a.text} needs a licence to all destinations "
                "(applies to part of the entry; counted)",
                a.source,
            )
        if hit == "maybe" and maybe is None:
            maybe = Control(None, None, "partial", (), a.text, a.text, (a.paragraph or "",))
    if cond is not None:
        why = cond.condition or cond.applies_to
        return _controlled(
            f"{cond.label} (covers {cond.covers()} under a condition bomtrace does not "
            f"evaluate, counted: {why})",
            source,
        )
    if maybe is not None:
        return ControlDecision(
            status="possible",
            source=source,
            reason=f"{maybe.label} covers {maybe.covers()}; give the paragraph "
            f"(e.g. {entry.eccn}.{_example(maybe)}) to settle it",
        )
    if not entry.controls:
        return ControlDecision(
            status="unknown",
            source=source,
            reason=f"the CCL data has no licence-requirement table for {entry.eccn} (reasons: "
            f"{entry.reasons or 'none given'}); check the entry by hand",
        )
    labels = [c.label for c in entry.controls if c.applies(paragraph) != "no"]
    labels = [x for x in dict.fromkeys(labels) if not x.endswith("(see the CCL entry)")]
    reason = (
        f"{', '.join(labels)} not marked for the destination"
        if labels
        else "no Country Chart column applies"
    )
    if unevaluated:
        reason += (
            f"; not evaluated: {', '.join(dict.fromkeys(unevaluated))} requirement(s) stated "
            "outside the Country Chart columns (see the CCL entry)"
        )
    return ControlDecision(status="not-controlled", reason=reason, source=source)


def _example(c: Control) -> str:
    if c.paragraphs:
        return c.paragraphs[0]
    return c.excepted[0] if c.excepted else "a"
