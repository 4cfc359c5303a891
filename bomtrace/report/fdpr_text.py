"""Terminal lines for one product's FDPR findings (called by
:func:`bomtrace.report.analysis_text.render_analysis`).

Renders ``fdpr`` and ``fdpr_summary`` of one product of ``AnalysisResult.to_dict()``, with the
run-level ``fdpr`` block (date, parties, rules in scope); nothing is recomputed. Products
assessed without any production evidence or party print nothing.
"""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import money, table

_PRONG = {"direct_product": "direct product", "plant": "plant", "contains_ic": "contains IC"}


def fdpr_lines(p: dict[str, Any], run: dict[str, Any] | None = None) -> list[str]:
    """The FDPR block of one product (empty when there is nothing to say).

    ``run`` is the document's top-level ``fdpr`` block; without it the run-level keys are
    looked up in the product's ``fdpr_summary`` (as the library's results carry them).
    """
    s = p.get("fdpr_summary")
    entries = p.get("fdpr") or []
    if not s or (s.get("status") != "assessed" and not entries):
        return []
    run = run or s
    out = [f"  Foreign Direct Product rules (as of {run['as_of']}):"]
    for party in run.get("parties", []):
        role = "end user" if party["role"] == "end_user" else "party"
        if party["status"] == "match":
            e = party["entries"][0]
            fns = ", ".join(str(n) for n in e["fdp_footnotes"]) or "no FDP footnote"
            out.append(f"    {role} {party['name']!r} = {e['name']} (footnote {fns})")
        elif party["status"] == "possible":
            out.append(
                f"    {role} {party['name']!r}: resembles {party['entries'][0]['name']} "
                f"(score {party['score']:.0f}), NOT applied"
            )
        else:
            out.append(f"    {role} {party['name']!r}: not listed")
    rules = [
        [r["rule"] + (f" → {r['destination']}" if r["destination"] else ""), r["scope"], r["why"]]
        for r in run.get("rules", [])
        if r["scope"] != "no"
    ]
    if rules:
        out.append(table(["rule in scope", "scope", "why"], rules, indent=4))
    else:
        out.append("    no FDP rule in force reaches this shipment's destinations or parties")
    if entries:
        out.append(
            f"    CAUGHT: {s['caught_parts']} part(s), {money(s['caught_value'])} "
            f"{p.get('currency') or ''}".rstrip()
        )
        rows = [
            [
                e["part_number"],
                e["rule"] + (f" → {e['destination']}" if e["destination"] else ""),
                " + ".join(_PRONG.get(x, x) for x in e["prongs"]),
                _evidence(e["evidence"]),
            ]
            for e in entries
        ]
        out.append(table(["part", "rule", "prong", "evidence"], rows, indent=4))
    else:
        out.append("    caught: none")
    unresolved = s.get("unresolved") or []
    if unresolved:
        shown = unresolved[:10]
        out.append(
            f"    unresolved ({len(unresolved)}; missing evidence could change the answer): "
            + "; ".join(f"{u['part_number']} ({', '.join(u['missing'])})" for u in shown)
            + (" ..." if len(unresolved) > len(shown) else "")
        )
    return out


def _evidence(ev: dict[str, Any]) -> str:
    bits = []
    if ev.get("us_technology_eccns"):
        bits.append("/".join(ev["us_technology_eccns"]))
    if ev.get("made_with_us_equipment") == "yes":
        bits.append("US-tech plant" + (f" {ev['producer']}" if ev.get("producer") else ""))
    return "; ".join(bits) or "-"
