"""Terminal text of ``bomtrace suppliers``: one row per supplier, then the facts each still
owes."""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import issues_block, money, table


def render_suppliers(d: dict[str, Any]) -> str:
    """The default ``bomtrace suppliers`` output, from :meth:`SuppliersResult.to_dict()
    <bomtrace.analysis.suppliers.SuppliersResult.to_dict>`."""
    head = (
        f"bomtrace {d['bomtrace_version']} · suppliers · rules as of {d['as_of']} · "
        f"destinations {', '.join(d['destinations']) or '-'}"
        + (f" · end user {d['end_user']}" if d.get("end_user") else "")
    )
    rows = [
        [
            s["supplier"],
            s["parts"],
            money(s["value"]),
            money(s["us_origin_value"]),
            money(s["controlled_value"]),
            f"{len(s['fdpr_caught_parts'])} ({money(s['fdpr_caught_value'])})",
            len(s["fdpr_unresolved_parts"]),
            sum(len(m["facts"]) for m in s["missing"]),
        ]
        for s in d["suppliers"]
    ]
    hdr = ["supplier", "parts", "value", "US-origin", "controlled", "FDPR caught", "unresolved"]
    out = [head, "", table([*hdr, "missing facts"], rows)]
    for s in d["suppliers"]:
        for m in s["missing"]:
            out.append(f"  {s['supplier']}: {m['part_number']} needs {', '.join(m['facts'])}")
    out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)
