"""What results on one date rest on that bomtrace does not model or could not confirm.

A :class:`~bomtrace.rules.model.Limit` comes from the dated data: a ``[[not_modelled]]`` entry
of ``changes.toml`` in force on the date (a table whose history is not logged, a rule not
modelled), an ``unsure`` dated entry that a destination's row, groups, threshold or Part 746
status uses, or a dated CCL change a control decision uses
(:mod:`bomtrace.rules.ccl_dated`). Results name the limits that concern them by id; the
document lists each once with its text and citation.
"""

from __future__ import annotations

from datetime import date

from bomtrace.rules.dated import Dated, near_unsure
from bomtrace.rules.load import RulesetData
from bomtrace.rules.model import Destination, Limit


def _unsure(when: Dated, topic: str, what: str) -> Limit:
    return Limit(
        id=f"unsure:{topic}",
        kind="unsure",
        topic=topic,
        text=f"{what} on this date is not confirmed against the Federal Register text (the "
        "entry or the date it changed is unsure)",
        citation=when.citation,
    )


def destination_limits(data: RulesetData, day: date, dest: Destination) -> list[Limit]:
    """The limits of every de minimis result for ``dest`` on ``day``, sorted by id.

    Parameters
    ----------
    data : RulesetData
        The packaged data.
    day : datetime.date
        The ruleset date.
    dest : Destination
        The destination as it stood on ``day``.

    Returns
    -------
    list of Limit
        ``not-modelled`` entries in force that concern every destination or this one, and
        ``unsure`` dated entries the destination's facts on ``day`` rest on.
    """
    row = data.inherits.get(dest.code, dest.code)
    codes = {dest.code, row} | ({dest.region_of} if dest.region_of else set())
    out = [
        Limit(
            id=f"{n.kind}:{n.topic}",
            kind=n.kind,
            topic=n.topic,
            text=n.text + (" [unsure]" if n.when.unsure else ""),
            citation=n.when.citation,
        )
        for n in data.not_modelled
        if n.applies_to == "de-minimis"
        and n.when.in_force(day)
        and (not n.countries or n.countries & codes)
    ]
    for g in data.group_changes:
        if g.country == row and near_unsure(g.when, day):
            what = f"{row}'s membership of Country Group {g.group}"
            out.append(_unsure(g.when, f"Country Group {g.group} ({row})", what))
    for m in data.mark_changes:
        if m.country == row and near_unsure(m.when, day):
            out.append(
                _unsure(m.when, f"Country Chart row {row}", f"The Country Chart row of {row}")
            )
    for e in data.embargoes:
        if e.country in codes and near_unsure(e.when, day):
            out.append(_unsure(e.when, f"Part 746 ({e.country})", "The Part 746 requirement"))
    for r in data.listed_ear99:
        if r.countries & codes and near_unsure(r.when, day):
            out.append(
                _unsure(r.when, "Part 746 EAR99 lists", "Which Part 746 lists of EAR99 items count")
            )
    for t in data.thresholds:
        if t.when.in_force(day) and t.when.unsure and t.value == dest.threshold:
            out.append(_unsure(t.when, "de minimis threshold", "The de minimis threshold"))
    return sorted({x.id: x for x in out}.values(), key=lambda x: x.id)


def fdpr_limits(data: RulesetData, day: date) -> list[str]:
    """The ``not_modelled`` texts of the FDPR run on ``day`` (e.g. the Affiliates rule)."""
    return [
        f"{'[note] ' if n.kind == 'note' else ''}{n.topic}: {n.text} ({n.when.citation})"
        + (" [unsure]" if n.when.unsure else "")
        for n in data.not_modelled
        if n.applies_to == "fdpr" and n.when.in_force(day)
    ]


__all__ = ["destination_limits", "fdpr_limits"]
