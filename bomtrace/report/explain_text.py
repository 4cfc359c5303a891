"""Terminal text of ``bomtrace explain``: a part's paths and share, or a product's numerator
lines, as the explanation document says them (nothing is recomputed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bomtrace.report.text import pct


def render_explain(d: Mapping[str, Any]) -> str:
    """The default ``bomtrace explain`` output, from :meth:`ExplainResult.to_dict()
    <bomtrace.analysis.explain.ExplainResult.to_dict>`."""
    dest = d["destination"]
    out = [
        f"bomtrace explain · rules as of {d['ruleset']['as_of']} · destination {dest['country']} "
        f"({dest['name']}), threshold {dest['threshold']:.0%} ({dest['threshold_source']})"
    ]
    part = d.get("part")
    if part:
        out.append(
            f"Part {part['part_number']}: {part.get('description') or '-'} · origin "
            f"{part.get('country_of_origin') or 'unknown'} · ECCN {part.get('eccn') or '-'}"
            + (f" (paragraph .{part['paragraph']})" if part.get("paragraph") else "")
            + f" · {part['track']} · unit value {part['unit_value']}"
        )
        if not d["products"]:
            out.append("  not in any analysed product")
    for t in d["products"]:
        out.append("")
        v = t.get("product_verdict") or {}
        head = f"Product {t['product']}"
        if v:
            head += (
                f": ratio {pct(v.get('ratio'))} vs threshold {v['threshold']:.0%} → "
                f"{v['verdict']} (denominator {v['denominator']['value']}, "
                f"{v['denominator']['basis']})"
            )
        out.append(head)
        if "paths" in t:
            for p in t["paths"]:
                tail = (
                    f"   not counted: {p['not_counted_because']}"
                    if p["not_counted_because"]
                    else ""
                )
                out.append(f"  path {' > '.join(p['path'])}  qty {p['quantity']:g}{tail}")
            if t["paths_truncated"]:
                out.append("  (more paths not listed)")
            out.append(
                f"  extended quantity {t['extended_quantity']:g}"
                f" (counted {t['counted_quantity']:g}) · value {t['extended_value']}"
                f" · counted {t['counted_value']}"
                f" · share {pct(t['share'])}"
            )
            out.append(f"  {t['status']}: {t['reason']}")
        else:
            out.append(f"  numerator ({len(t['numerator'])} lines):")
            for x in t["numerator"]:
                out.append(
                    f"    {x['part_number']:<16} qty {x['quantity']:<8g} {x['value']:>12,.2f}  "
                    f"{pct(x['share']):>8}  {x['eccn'] or '-':<12} {x['reason']}"
                )
            if t["high_bound_only"]:
                out.append(f"  counted in the high bound only ({len(t['high_bound_only'])}):")
                for x in t["high_bound_only"]:
                    out.append(
                        f"    {x['part_number']:<16} qty {x['quantity']:<8g} "
                        f"{x['value']:>12,.2f}  {x['eccn'] or '-':<12} {x['reason']}"
                    )
        for z in v.get("zero_de_minimis") or []:
            out.append(
                f"  no de minimis level ({z.get('paragraph')}, {z.get('status')}): "
                f"{z.get('part_number') or 'this item'}"
            )
        si = v.get("second_incorporation")
        if si:
            out.append(
                f"  second incorporation: {pct(si['ratio_with_cut'])} with the cut, "
                f"{pct(si['ratio_without_cut'])} without"
            )
        for n in v.get("notes") or []:
            out.append(f"  note: {n}")
    return "\n".join(out)
