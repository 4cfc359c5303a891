"""Terminal text of ``bomtrace rules --changes``: the rule changes between two dates, day by
day (Entity List changes of one document on one day grouped), and with a BOM the verdicts that
flip and the parts judged differently."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from bomtrace.report.text import verdict_changes_table

#: Entity List names shown per grouped line before "and N more"
_NAMES = 3


def render_rule_changes(d: dict[str, Any]) -> str:
    """The default ``bomtrace rules --changes`` output, from
    :meth:`~bomtrace.analysis.rule_impact.RuleChangesResult.to_dict`."""
    out = [f"Rule changes after {d['from']} up to {d['to']} ({d['data_version']})"]
    if not d["changes"]:
        out.append("  none logged")
    for day, same_day in groupby(d["changes"], key=lambda c: c["date"]):
        out.append(f"{day}")
        out.extend(_day_lines(list(same_day)))
    bom = d.get("bom")
    if bom is not None:
        out.extend(_bom_lines(d, bom))
    return "\n".join(out)


def _day_lines(changes: list[dict[str, Any]]) -> list[str]:
    out = []
    listed = [c for c in changes if c["table"] == "Entity List"]
    for c in changes:
        if c["table"] != "Entity List":
            unsure = " [unsure]" if c["unsure"] else ""
            out.append(f"  {c['table']}: {c['change']} ({c['citation']}){unsure}")
    key = lambda c: (c["citation"], "footnote" in c["change"])  # noqa: E731
    for (cite, footnote), group in groupby(sorted(listed, key=key), key=key):
        names = [c["change"].split(":")[0].removesuffix(" added") for c in group]
        n = len(names)
        what = (
            ("FDP footnote designation" if footnote else "entry added")
            if n == 1
            else ("FDP footnote designations" if footnote else "entries added")
        )
        more = f" and {len(names) - _NAMES} more" if len(names) > _NAMES else ""
        out.append(
            f"  Entity List: {len(names)} {what} ({cite}): {'; '.join(names[:_NAMES])}{more}"
        )
    return out


def _bom_lines(d: dict[str, Any], bom: dict[str, Any]) -> list[str]:
    out = ["", f"BOM verdicts on {d['from']} and {d['to']}:"]
    if bom["verdicts"]:
        out.append(verdict_changes_table(bom["verdicts"], d["from"], d["to"]))
    else:
        out.append("  no product analysed")
    out.append("")
    if not bom["parts"]:
        out.append("No part is judged differently on the two dates.")
        return out
    out.append("Parts judged differently (US-origin or origin not given):")
    for p in bom["parts"]:
        more = p["parts_count"] - len(p["parts"])
        pns = ", ".join(p["parts"]) + (f" and {more} more" if more > 0 else "")
        out.append(
            f"  {p['eccn']} → {p['country']}: {p['from']['status']} ({p['from']['reason']}) → "
            f"{p['to']['status']} ({p['to']['reason']}); parts {pns}"
        )
        if p["changes"]:
            out.append(f"    because: {'; '.join(p['changes'])}")
    return out


__all__ = ["render_rule_changes"]
