"""The Commerce Control List as it stood on one date (``ccl_changes.toml``).

The CCL data is the 2026 snapshot. ``ccl_changes.toml`` logs what read differently before:

* ``[[eccn_added]]``: an entry (or some of its first-level paragraphs) that did not exist
  before its effective date. Content classified under it on an earlier date cannot be judged
  from the snapshot: the decision is ``unknown`` (counted in the high bound only) and says when
  the entry was added, so that the user gives the classification the part had on that date.
* ``[[control_scope]]``: a destination-scoped control (e.g. 3A090.a, "any destination
  worldwide" from 2025-01-13) that reached other destinations in a period, or none.

:func:`dated_ccl` applies the log to one date; :class:`DatedCcl` is what the ruleset asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bomtrace.eccn import is_eccn_syntax, normalize_eccn, split_eccn
from bomtrace.errors import RulesetError
from bomtrace.rules.controls import CclEntry, Control, DestScope
from bomtrace.rules.dated import NEAR, Dated, dated, near_unsure
from bomtrace.rules.load_deminimis import dest_scope
from bomtrace.rules.model import ControlDecision, Limit


@dataclass(frozen=True)
class EccnAdded:
    """An ECCN, or some first-level paragraphs of it, added to the CCL on ``when.effective``."""

    when: Dated
    eccn: str
    paragraphs: frozenset[str]  #: first-level letters; empty = the whole entry
    before: str  #: how such items were classified before, when known (may be empty)
    source: str

    def describe(self) -> str:
        """``3A090`` or ``3A090.c``."""
        paras = ", ".join(f"{self.eccn}.{p}" for p in sorted(self.paragraphs))
        return paras or self.eccn


@dataclass(frozen=True)
class ScopeChange:
    """A destination-scoped control that read differently in a period."""

    when: Dated
    eccn: str
    reason: str
    paragraphs: tuple[str, ...]
    scope: DestScope | None  #: None: the control did not apply in the period (or `column`)
    note: str  #: non-enforcement or compliance-date note (may be empty)
    source: str
    #: words of the control's "applies to" text, where reason and paragraphs name several
    applies_to: str = ""
    #: the Country Chart column the row named in the period instead of a destination scope
    column: str | None = None

    def matches(self, c: Control) -> bool:
        """Whether ``c`` is the snapshot control this change rewrites."""
        return (
            c.reason == self.reason
            and tuple(c.paragraphs) == self.paragraphs
            and self.applies_to in c.applies_to
        )


@dataclass(frozen=True)
class CclLog:
    """``ccl_changes.toml``, validated."""

    added: tuple[EccnAdded, ...]
    scopes: tuple[ScopeChange, ...]


def parse_ccl_changes(raw: dict[str, Any], ccl: Mapping[str, CclEntry]) -> CclLog:
    """Validate ``ccl_changes.toml`` against the snapshot CCL.

    Raises
    ------
    RulesetError
        An entry lacks a field, names an ECCN the snapshot does not have, or a control the
        entry does not have.
    """
    added, scopes = [], []
    try:
        for e in raw.get("eccn_added", []):
            where = f"ccl_changes.toml eccn_added {e.get('eccn')}"
            when = dated(e, where)
            if when.effective is None:
                raise RulesetError(f"{where}: needs `effective`")
            _known(ccl, e["eccn"], where)
            added.append(
                EccnAdded(
                    when,
                    e["eccn"],
                    frozenset(e.get("paragraphs", [])),
                    " ".join(str(e.get("before", "")).split()),
                    e["source"],
                )
            )
        for e in raw.get("control_scope", []):
            where = f"ccl_changes.toml control_scope {e.get('eccn')} {e.get('paragraphs')}"
            when = dated(e, where)
            entry = _known(ccl, e["eccn"], where)
            change = ScopeChange(
                when,
                e["eccn"],
                e["reason"],
                tuple(e.get("paragraphs", [])),
                None if e.get("scope") == "none" or "column" in e else dest_scope(e["dest_scope"]),
                " ".join(str(e.get("note", "")).split()),
                e["source"],
                str(e.get("applies_to", "")),
                e.get("column"),
            )
            hits = sum(change.matches(c) for c in entry.controls)
            if hits != 1:
                raise RulesetError(
                    f"{where}: {e['eccn']} has {hits} {e['reason']} controls on paragraphs "
                    f"{list(change.paragraphs)} in the snapshot; exactly one must match (add "
                    "`applies_to` words to tell them apart)"
                )
            scopes.append(change)
    except KeyError as exc:
        raise RulesetError(f"ccl_changes.toml: an entry lacks the field {exc}") from exc
    return CclLog(tuple(added), tuple(scopes))


def _known(ccl: Mapping[str, CclEntry], eccn: str, where: str) -> CclEntry:
    if eccn not in ccl:
        raise RulesetError(f"{where}: {eccn} is not in the snapshot CCL")
    return ccl[eccn]


def limit_of(when: Dated, topic: str, text: str, *, kind: str | None = None) -> Limit:
    """The :class:`Limit` a dated entry puts on results (``unsure`` unless ``kind`` says)."""
    k = kind or "unsure"
    return Limit(id=f"{k}:{topic}", kind=k, topic=topic, text=text, citation=when.citation)


class DatedCcl:
    """The CCL on one date: the snapshot entries with the log applied.

    Parameters
    ----------
    ccl : mapping
        Snapshot entries by five-character ECCN.
    log : CclLog
        The parsed ``ccl_changes.toml``.
    day : datetime.date
        The ruleset date.
    """

    def __init__(self, ccl: Mapping[str, CclEntry], log: CclLog, day: date) -> None:
        self.day = day
        #: entry -> the addition that makes it unknown on ``day`` (whole entry)
        self.not_yet: dict[str, EccnAdded] = {}
        #: entry -> {first-level paragraph: addition} not yet in force on ``day``
        self.paragraphs_not_yet: dict[str, dict[str, EccnAdded]] = {}
        for a in log.added:
            if a.when.effective is not None and day < a.when.effective:
                if a.paragraphs:
                    per = self.paragraphs_not_yet.setdefault(a.eccn, {})
                    per.update(dict.fromkeys(a.paragraphs, a))
                else:
                    self.not_yet[a.eccn] = a
        #: entry -> (control or None, paragraph roots, limit): what decisions on the entry
        #: rest on that is unsure or noted on ``day``; a control's limit concerns the
        #: paragraphs it covers, a root set those paragraphs, neither the whole entry
        self.limits: dict[str, list[tuple[Control | None, frozenset[str], Limit]]] = {}
        entries = dict(ccl)
        for eccn in {s.eccn for s in log.scopes}:
            live = [s for s in log.scopes if s.eccn == eccn and s.when.in_force(day)]
            if live:
                entries[eccn] = _rewritten(ccl[eccn], live)
        for s in log.scopes:
            control = next(c for c in ccl[s.eccn].controls if s.matches(c))
            for lim in _scope_limits(s, day):
                self.limits.setdefault(s.eccn, []).append((control, frozenset(), lim))
        for a in log.added:
            eff = a.when.effective
            if a.when.unsure and eff is not None and eff <= day <= eff + NEAR:
                what = a.describe()
                lim = limit_of(
                    a.when,
                    f"CCL {what}",
                    f"the date {what} was added to the CCL ({eff}) is not confirmed against the "
                    "Federal Register text: on dates near it the part may not have been "
                    f"classified {what} yet",
                )
                self.limits.setdefault(a.eccn, []).append((None, a.paragraphs, lim))
        for eccn, per in self.paragraphs_not_yet.items():
            entries[eccn] = _without(entries[eccn], frozenset(per))
        self.entries: Mapping[str, CclEntry] = entries

    def added_later(self, eccn: str, paragraph: str | None) -> EccnAdded | None:
        """The addition that makes ``eccn`` (entry, paragraph) unknown on the date, if any."""
        if eccn in self.not_yet:
            return self.not_yet[eccn]
        if paragraph is not None:
            return self.paragraphs_not_yet.get(eccn, {}).get(paragraph.split(".")[0])
        return None

    def unknown_on_date(self, eccn: str | None) -> ControlDecision | None:
        """The ``unknown`` decision for content classified under an entry (or paragraph) not
        yet on the CCL on the date; None when it existed (or is no ECCN)."""
        norm = normalize_eccn(eccn)
        if norm is None or norm == "EAR99" or not is_eccn_syntax(norm):
            return None
        added = self.added_later(*split_eccn(norm))
        if added is None:
            return None
        before = f" Before then: {added.before}" if added.before else ""
        what = added.describe()
        return ControlDecision(
            status="unknown",
            reason=f"{what} was added to the CCL on {added.when.effective}, after {self.day}: "
            "give the classification the part had then",
            source=added.when.citation,
            limits=(
                Limit(
                    id=f"not-modelled:CCL {what}",
                    kind="not-modelled",
                    topic=f"CCL {what}",
                    text=f"content classified {what} before the entry existed: its "
                    "classification on the date is not known (counted in the high bound "
                    f"only).{before}",
                    citation=added.when.citation,
                ),
            ),
        )

    def limits_of(self, eccn: str | None) -> tuple[Limit, ...]:
        """Limits a decision on ``eccn`` carries on the date: those of the dated rows that
        cover its paragraph (every row's when no paragraph is given), of the entry or
        paragraph added on an unsure date."""
        norm = normalize_eccn(eccn)
        if norm is None or not is_eccn_syntax(norm):
            return ()
        entry, para = split_eccn(norm)
        out = []
        for control, roots, lim in self.limits.get(entry, ()):
            if para is None:
                out.append(lim)
            elif control is not None:
                if control.applies(para) != "no":
                    out.append(lim)
            elif not roots or para.split(".")[0] in roots:
                out.append(lim)
        first: dict[str, Limit] = {}
        for x in out:
            first.setdefault(x.id, x)  # rows of one entry may share a limit id: keep the first
        return tuple(first.values())


def _rewritten(entry: CclEntry, live: list[ScopeChange]) -> CclEntry:
    controls: list[Control] = []
    for c in entry.controls:
        change = next((s for s in live if s.matches(c)), None)
        if change is None:
            controls.append(c)
        elif change.column is not None:
            controls.append(replace(c, dest_scope=None, column=change.column))
        elif change.scope is not None:
            controls.append(replace(c, dest_scope=change.scope, chart=change.when.citation))
    return replace(entry, controls=tuple(controls))


def _without(entry: CclEntry, roots: frozenset[str]) -> CclEntry:
    """``entry`` without the controls that cover only paragraphs under ``roots``."""
    keep = tuple(
        c
        for c in entry.controls
        if not c.paragraphs or any(p.split(".")[0] not in roots for p in c.paragraphs)
    )
    return replace(entry, controls=keep)


def _scope_limits(s: ScopeChange, day: date) -> list[Limit]:
    """The limits a dated row puts on decisions on ``day``: unsure near its window, its note
    while in force."""
    out = []
    what = f"{s.eccn}{''.join('.' + p for p in s.paragraphs[:1])} {s.reason}"
    if s.applies_to:
        what += f" ({s.applies_to})"
    if near_unsure(s.when, day):
        out.append(
            limit_of(
                s.when,
                f"CCL {what}",
                f"the destination scope of {what} on this date, or the date it changed, is not "
                "confirmed against the Federal Register text",
            )
        )
    if s.note and s.when.in_force(day):
        out.append(limit_of(s.when, f"CCL {what}", s.note, kind="note"))
    return out


__all__ = ["CclLog", "DatedCcl", "EccnAdded", "ScopeChange", "limit_of", "parse_ccl_changes"]
