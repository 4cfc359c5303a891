"""What changed in the dated rules between two dates (``bomtrace rules --changes``).

Every dated entry of the packaged data has a window (effective .. until). A change happens on
a day in ``(start, end]`` when an entry starts to apply or stops applying; this module turns
those days into sentences a user can check against the Federal Register: "RU joined Country
Group D:5", "3A090 added to the CCL", "Entity List: <name> added". Each change says which
destinations (``countries``, empty = every one) and CCL entries (``eccns``) it concerns, so
that a BOM's parts and verdicts touched by it can be found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bomtrace.rules.dated import Dated
from bomtrace.rules.fdp import load_fdp_data
from bomtrace.rules.load import RulesetData, load_data, read_toml


@dataclass(frozen=True)
class RuleChange:
    """One change of the rules on one day."""

    day: date
    table: str  #: e.g. "Country Groups", "CCL", "Entity List"
    change: str  #: what changed, in words
    citation: str
    unsure: bool = False
    countries: tuple[str, ...] = ()  #: destinations it concerns (empty: every destination)
    eccns: tuple[str, ...] = ()  #: CCL entries it concerns (empty: none in particular)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "table": self.table,
            "change": self.change,
            "citation": self.citation,
            "unsure": self.unsure,
            "countries": list(self.countries),
            "eccns": list(self.eccns),
        }


def _edges(when: Dated, start: date, end: date) -> Iterator[tuple[date, bool]]:
    """(day, True) when the entry starts applying in (start, end]; (day, False) when it stops."""
    if when.effective is not None and start < when.effective <= end:
        yield when.effective, True
    if when.until is not None:
        after = when.until + timedelta(days=1)
        if start < after <= end:
            yield after, False


def rule_changes(start: date, end: date, data: RulesetData | None = None) -> list[RuleChange]:
    """Every change of the packaged rules on a day after ``start`` up to ``end``.

    Parameters
    ----------
    start, end : datetime.date
        The two dates, ``start < end``: the rules as of ``start`` against those as of ``end``.
    data : RulesetData, optional
        The packaged data (default: :func:`bomtrace.rules.load.load_data`).

    Returns
    -------
    list of RuleChange
        Sorted by day, table and text.
    """
    d = data or load_data()
    out: list[RuleChange] = []
    add = out.append
    for g in d.group_changes:  # the entry holds the state that differs from the snapshot
        for day, on in _edges(g.when, start, end):
            joined = g.member == on
            verb = "joined" if joined else "left"
            add(
                _ch(
                    day,
                    "Country Groups",
                    f"{g.country} {verb} Country Group {g.group}",
                    g.when,
                    g.country,
                )
            )
    for m in d.mark_changes:
        for day, on in _edges(m.when, start, end):
            added, removed = (m.add, m.remove) if on else (m.remove, m.add)
            bits = [f"{', '.join(sorted(added))} marked"] if added else []
            bits += [f"{', '.join(sorted(removed))} no longer marked"] if removed else []
            add(_ch(day, "Country Chart", f"row {m.country}: {'; '.join(bits)}", m.when, m.country))
    for t in d.thresholds:
        who = ", ".join(sorted(t.groups)) or "every other destination"
        for day, on in _edges(t.when, start, end):
            what = f"{t.value:.0%} de minimis level for {who} {'applies' if on else 'ends'}"
            add(_ch(day, "De minimis levels", what, t.when))
    for e in d.embargoes:
        scope = "every item subject to the EAR" if e.level == "all" else "CCL items"
        if e.categories:
            scope = f"CCL Categories {', '.join(sorted(e.categories))}"
        for day, on in _edges(e.when, start, end):
            verb = "licence required for" if on else "licence requirement ends for"
            add(_ch(day, "Part 746", f"{e.country}: {verb} {scope}", e.when, e.country))
    for r, label in (
        *((r, "EAR99 items on Part 746 lists count") for r in d.listed_ear99),
        *(
            (r, "partner-country carve-out (Supp. No. 2 to Part 734 (a)(1))")
            for r in d.partner_carveouts
        ),
        *((r, "in Supp. No. 3 to Part 746 (partner countries)") for r in d.partner_countries),
    ):
        for day, on in _edges(r.when, start, end):
            who = ", ".join(sorted(r.countries))
            add(_ch(day, "Part 746", f"{who}: {label}{'' if on else ' no longer'}", r.when))
    for z in d.zero:
        for day, on in _edges(z.when, start, end):
            what = f"{z.rule.paragraph} {z.rule.title}: {'applies' if on else 'ends'}"
            add(_ch(day, "734.4(a) no de minimis", what, z.when))
    for n in d.not_modelled:
        for day, on in _edges(n.when, start, end):
            what = f"{n.topic}: {'not modelled from this day' if on else 'no longer a limit'}"
            add(_ch(day, "Not modelled", what, n.when, *sorted(n.countries)))
    for terr in d.territories:
        for day, on in _edges(terr.when, start, end):
            verb = "treated as" if on else "no longer treated as"
            add(
                _ch(
                    day,
                    "Destinations",
                    f"{terr.code} {verb} {terr.treated_as}",
                    terr.when,
                    terr.code,
                )
            )
    for a in d.ccl_log.added:
        for day, _on in _edges(a.when, start, end):
            add(_ch(day, "CCL", f"{a.describe()} added to the CCL", a.when, eccn=a.eccn))
    for s in d.ccl_log.scopes:
        what = f"{s.eccn}{''.join('.' + p for p in s.paragraphs)} {s.reason}"
        scope = s.scope.describe() if s.scope else "no destination"
        if s.column:
            scope = f"the destinations marked {s.column} on the Country Chart"
        for day, on in _edges(s.when, start, end):
            text = f"{what} reaches {scope}" if on else f"{what}: the scope '{scope}' ends"
            add(
                _ch(
                    day,
                    "CCL",
                    text + (f" ({s.note})" if on and s.note else ""),
                    s.when,
                    eccn=s.eccn,
                )
            )
    for v in load_fdp_data().versions:
        when = Dated(v.effective, v.until, v.citation, v.unsure)
        for day, on in _edges(when, start, end):
            verb = "applies" if on else "no longer applies"
            add(_ch(day, "FDP rules", f"{v.title} ({v.paragraph}): {verb}", when))
    out.extend(_entity_list(start, end))
    return sorted(out, key=lambda c: (c.day, c.table, c.change))


def _ch(
    day: date, table: str, change: str, when: Dated, *countries: str, eccn: str | None = None
) -> RuleChange:
    return RuleChange(
        day, table, change, when.citation, when.unsure, tuple(countries), (eccn,) if eccn else ()
    )


def _entity_list(start: date, end: date) -> Iterator[RuleChange]:
    """Entity List additions and FDP footnote designations of the packaged extract."""
    raw = read_toml("entity_list_dates.toml")
    docs = {x["citation"]: x for x in raw.get("document", [])}
    for e in raw.get("entry", []):
        unsure = bool(e.get("unsure"))
        added = e.get("added")
        if added and start < date.fromisoformat(str(added)) <= end:
            by = str(e.get("added_by", ""))
            cite = f"{by} ({docs[by]['fr_doc']})" if docs.get(by, {}).get("fr_doc") else by
            yield RuleChange(
                date.fromisoformat(str(added)), "Entity List", f"{e['name']} added", cite, unsure
            )
        for fn, day in (e.get("footnotes") or {}).items():
            d = date.fromisoformat(str(day))
            if start < d <= end and str(d) != str(added):
                cite = str((e.get("footnote_by") or {}).get(fn, ""))
                text = f"{e['name']}: footnote {fn} designation (FDP rule)"
                yield RuleChange(d, "Entity List", text, cite, unsure)


__all__ = ["RuleChange", "rule_changes"]
