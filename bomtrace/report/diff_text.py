"""Terminal text of ``bomtrace diff``: what changed between the revisions (lines, parts), then
per product and destination the ratio and verdict before and after, with the parts that
explain each change, largest first."""

from __future__ import annotations

from typing import Any

from bomtrace.report.text import issues_block, money, verdict_changes_table

_SHOWN = 20  #: lines or parts shown per kind of change (the JSON lists up to 500, with counts)


def render_diff(d: dict[str, Any]) -> str:
    """The default ``bomtrace diff`` output, from
    :meth:`~bomtrace.analysis.bom_diff.DiffResult.to_dict`."""
    old, new = d["old"], d["new"]
    out = [f"Old: {_side(old)}", f"New: {_side(new)}"]
    lines = d["lines"]
    counts = ", ".join(f"{lines[k]['count']} {k}" for k in ("added", "removed", "changed"))
    out.append(f"Lines: {counts}")
    for kind in ("added", "removed"):
        for r in lines[kind]["listed"][:_SHOWN]:
            sign = "+" if kind == "added" else "-"
            out.append(f"  {sign} {r['parent']} > {r['child']}  ×{r['quantity']:g}")
    for r in lines["changed"]["listed"][:_SHOWN]:
        out.append(
            f"  ~ {r['parent']} > {r['child']}  ×{r['quantity_old']:g} → ×{r['quantity_new']:g}"
        )
    parts = d["parts"]
    out.append(f"Part values changed: {parts['count']}")
    for r in parts["listed"][:_SHOWN]:
        out.append(f"  {r['part_number']} {r['field']}: {r['old']} → {r['new']}")
    out.append("")
    if d["verdicts"]:
        out.append(verdict_changes_table(d["verdicts"], "old", "new"))
    else:
        out.append("No product is in both revisions.")
    for v in d["verdicts"]:
        for e in v.get("explained_by") or []:
            out.append(
                f"  {v['product']} {v['country']}: {e['part_number']} {money(e['value_from'])} → "
                f"{money(e['value_to'])} ({e['reason']})"
            )
    out.append(f"{d['flips']} verdict(s) flip.")
    if d["not_analysed"]:
        out.append(f"Not analysed in the new revision: {', '.join(d['not_analysed'])}")
    out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


def _side(s: dict[str, Any]) -> str:
    files = ", ".join(
        i["path"] + (f" [{i['sheet']}]" if i.get("sheet") else "") for i in s["inputs"]
    )
    scenario = f" · scenario {s['scenario']}" if s.get("scenario") else ""
    return f"{files or '(table)'} · rules as of {s['as_of']}{scenario}"


__all__ = ["render_diff"]
