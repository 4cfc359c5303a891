"""Terminal text of ``bomtrace rules``: the destinations' table, each named destination's
details, and the scenarios."""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import table


def render_rules(d: dict[str, Any], *, details: bool = False) -> str:
    """The default ``bomtrace rules`` output, from :meth:`RulesOverview.to_dict()
    <bomtrace.rules.overview.RulesOverview.to_dict>`; ``details`` adds a block per
    destination (when they were named)."""
    rows = d["destinations"]
    out = [f"Rules as of {d['as_of']} ({d['data_version']})"]
    out.append(
        table(
            ["code", "name", "groups", "threshold", "chart marks", "Part 746"],
            [
                [
                    r["code"],
                    r["name"],
                    " ".join(r["groups"]),
                    f"{r['threshold']:.0%}",
                    " ".join(r["chart_marks"]) or "-",
                    r["embargo"] or "-",
                ]
                for r in rows
            ],
        )
    )
    if details:
        for r in rows:
            out.append("")
            out.append(_detail(r))
        out.append("")
    out.append("Scenarios (--scenario NAME):")
    for s in d["scenarios"]:
        out.append(f"  {s['name']}: {s['title']}")
    return "\n".join(out)


def _embargo_text(r: dict[str, Any]) -> str:
    if r["embargo"] == "all":
        return (
            f"all items subject to the EAR need a licence, EAR99 included ({r['embargo_source']})"
        )
    if r["embargo"] == "ccl":
        what = (
            f"CCL Categories {', '.join(r['embargo_categories'])}"
            if r["embargo_categories"]
            else "every CCL item"
        )
        return f"{what} needs a licence; EAR99 does not count ({r['embargo_source']})"
    return "none: the Country Chart decides"


def _detail(r: dict[str, Any]) -> str:
    """The text block of ``bomtrace rules --destination CC``."""
    lines = [
        f"{r['code']} {r['name']}" + (f" (region of {r['region_of']})" if r["region_of"] else ""),
        f"  country groups: {' '.join(r['groups']) or '-'}",
        f"  de minimis threshold: {r['threshold']:.0%} ({r['threshold_source']})",
        f"  Country Chart marks: {' '.join(r['chart_marks']) or '- (see Part 746)'}",
        f"  Part 746 embargo: {_embargo_text(r)}",
    ]
    if r["listed_ear99"]:
        lines.append(f"  EAR99 on a Part 746 list counts (flag listed_ear99): {r['listed_ear99']}")
    if r["partner_carveout"]:
        extra = ", ".join(r["partner_carveout_eccns"])
        lines.append(
            f"  partner-country carve-out (--made-in a Supp. No. 3 country): AT-only content "
            f"and {extra} not counted ({r['partner_carveout']})"
        )
    zero = r["zero_de_minimis"]
    lines.append(f"  items with no de minimis level (734.4(a)): {len(zero) or 'none'}")
    for z in zero:
        cond = f" [only {z['condition']}]" if z["condition"] else ""
        unsure = " [unsure]" if z["unsure"] else ""
        lines.append(f"    {z['paragraph']}: {z['title']}{cond}{unsure}")
    for x in r.get("limits", []):
        lines.append(f"  limit [{x['kind']}] {x['topic']}: {x['text']} ({x['citation']})")
    return "\n".join(lines)
