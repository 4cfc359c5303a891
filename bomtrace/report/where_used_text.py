"""Terminal text of ``bomtrace where-used``: the part, the assemblies listing it, each product
holding it with the paths and quantities, and with --set the verdicts before and after."""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import issues_block, money, table, verdict_changes_table


def render_where_used(d: dict[str, Any]) -> str:
    """The default ``bomtrace where-used`` output, from
    :meth:`~bomtrace.analysis.where_used.WhereUsedResult.to_dict`."""
    p = d["part"]
    head = f"Part {p['part_number']}" + (f"  {p['description']}" if p.get("description") else "")
    facts = [
        f"origin {p['country_of_origin'] or '?'}",
        f"ECCN {p['eccn'] or '?'}",
        f"unit cost {money(p['unit_cost'])}",
    ]
    out = [head, "  " + " · ".join(facts)]
    if d["used_in"]:
        n = len(d["used_in"])
        out.append(f"Used directly in {n} assembl{'y' if n == 1 else 'ies'}:")
        out.append(
            table(
                ["assembly", "description", "qty per assembly"],
                [
                    [u["part_number"], u["description"] or "", f"{u['quantity']:g}"]
                    for u in d["used_in"]
                ],
            )
        )
    out.append(f"In {len(d['products'])} product{'' if len(d['products']) == 1 else 's'}:")
    for q in d["products"]:
        qty = "?" if q["extended_quantity"] is None else f"{q['extended_quantity']:g}"
        out.append(
            f"  {q['product']}: {qty} per unit"
            + (f"  ({q['description']})" if q.get("description") else "")
        )
        for path in q["paths"]:
            out.append(f"    {' > '.join(path['path'])}  ×{path['quantity']:g}")
        if q["paths_truncated"]:
            out.append("    (more paths; the quantity above counts them all)")
    w = d.get("what_if")
    if w:
        sets = ", ".join(f"{s['field']}={s['given']}" for s in w["set"])
        out += ["", f"What if {p['part_number']} had {sets} ({d['ruleset']['as_of']} rules):"]
        out.append(
            verdict_changes_table(w["verdicts"], "BOM", "what-if")
            if w["verdicts"]
            else "  no product holding the part was analysed"
        )
        out.append(f"  {w['flips']} verdict(s) flip.")
    out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


__all__ = ["render_where_used"]
