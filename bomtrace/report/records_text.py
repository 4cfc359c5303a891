"""The run records in the terminal: ``bomtrace history`` and ``bomtrace library impact``."""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import pct


def render_history(d: dict[str, Any]) -> str:
    """One block per stored run of the product: its verdicts, and what changed since the run
    before."""
    lines = [f"History of {d['product']}: {len(d['runs'])} stored run(s)"]
    for r in d["runs"]:
        lines.append("")
        rules = r["ruleset_as_of"] or "-"
        lines.append(f"Run {r['run_id']}  {r['created_at']}  rules as of {rules}")
        lines.append("  inputs: " + (", ".join(str(p) for p in r["inputs"]) or "-"))
        lines.append(
            f"  {'dest':<5} {'verdict':<14} {'ratio':>8} {'high':>8} {'threshold':>9}  fdpr"
        )
        for x in r["results"]:
            lines.append(
                f"  {x['destination'] or '-':<5} {x['verdict'] or '-':<14} {pct(x['ratio']):>8} "
                f"{pct(x['ratio_high']):>8} {pct(x['threshold']):>9}  "
                f"{', '.join(x['fdpr']) or '-'}"
            )
        for f in r["verdict_changes"]:
            lines.append(f"  verdict {f['destination']}: {f['before']} -> {f['after']}")
        if r["changed"]:
            lines.append("  changed since the run before: " + "; ".join(r["changed"]))
    return "\n".join(lines)


def render_impact(d: dict[str, Any]) -> str:
    """The products a change of one part would move, then those not evaluated."""
    sets = ", ".join(f"{c['field']}={c['given']}" for c in d["set"])
    lines = [
        f"Impact of {d['part_number']}: {sets}",
        f"  {d['products_checked']} stored product(s) with the part checked, "
        f"{d['products_moved']} would change verdict",
    ]
    for p in d["products"]:
        lines.append("")
        lines.append(
            f"{p['product']}  (run {p['run_id']}, rules as of {p['ruleset_as_of']}; "
            f"{', '.join(str(i) for i in p['inputs'])})"
        )
        for x in p.get("stored_differs") or []:
            lines.append(
                f"  {x['country']}: the run stored {x['stored']}; analysed today it is "
                f"{x['today']} (the library or bomtrace changed since)"
            )
        if not p["verdict_changes"]:
            lines.append("  no verdict moves")
        for v in p["verdict_changes"]:
            lines.append(
                f"  {v['country']}: {v['verdict_from']} ({pct(v['ratio_from'])}) -> "
                f"{v['verdict_to']} ({pct(v['ratio_to'])})"
            )
    if d["not_evaluated"]:
        lines.append("")
        lines.append("Not evaluated (run them again with analyze --db):")
        lines += [
            f"  run {s['run_id']} ({', '.join(str(i) for i in s['inputs'])}): {s['reason']}"
            for s in d["not_evaluated"]
        ]
    return "\n".join(lines)
