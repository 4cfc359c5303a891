"""Readable, aligned text tables for the terminal (:func:`table`, :func:`money`,
:func:`issues_block`), and the default output of ``bomtrace inspect`` and ``bomtrace explode``.

The other commands' text is in ``report/*_text.py``, built from these pieces."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bomtrace.analysis.results import percent


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, indent: int = 2) -> str:
    """Align columns; numbers right-aligned, text left-aligned.

    >>> print(table(["a", "bb"], [["x", 1.5], ["yy", 10]]))
      a   bb
      x   1.5
      yy   10
    """
    cells = [[_fmt(v) for v in r] for r in rows]
    widths = [len(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    num = [
        all(isinstance(r[i], int | float) or r[i] is None for r in rows) and bool(rows)
        for i in range(len(headers))
    ]
    pad = " " * indent
    out = [pad + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for r in cells:
        parts = [
            c.rjust(w) if num[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        out.append(pad + "  ".join(parts).rstrip())
    return "\n".join(out)


MAX_CELL = 48


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) >= 1000 else f"{v:g}"
    s = str(v)
    return s if len(s) <= MAX_CELL else s[: MAX_CELL - 1] + "…"


pct = percent  #: ratio as a percentage with two decimals


def money(x: float | None) -> str:
    """Format money with thousands separators and cents.

    >>> money(1234.5), money(None)
    ('1,234.50', '-')
    """
    return "-" if x is None else f"{x:,.2f}"


def issues_block(issues: list[dict[str, Any]], *, limit: int = 25) -> str:
    """Issue counts, then the first ``limit`` issues with their positions."""
    if not issues:
        return "No issues."
    counts: dict[str, int] = {}
    for i in issues:
        counts[i["severity"]] = counts.get(i["severity"], 0) + 1
    head = "Issues: " + ", ".join(
        f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
        for s in ("error", "warning", "info")
        if s in counts
    )
    order = {"error": 0, "warning": 1, "info": 2}
    shown = sorted(issues, key=lambda i: order.get(i["severity"], 3))[:limit]
    lines = [head]
    for i in shown:
        pos = _position(i)
        lines.append(
            f"  {i['severity']:<7} {i['code']:<24} {pos}{': ' if pos else ''}{i['message']}"
        )
    if len(issues) > limit:
        lines.append(f"  ... {len(issues) - limit} more (use --format json or xlsx for all)")
    return "\n".join(lines)


def _position(i: dict[str, Any]) -> str:
    bits = []
    if i.get("file"):
        bits.append(str(i["file"]))
    if i.get("sheet"):
        bits.append(f"sheet {i['sheet']!r}")
    if i.get("row") is not None:
        bits.append(f"row {i['row']}")
    if i.get("column"):
        bits.append(f"col {i['column']}")
    return ", ".join(bits)


def _title_block(tb: dict[str, Any]) -> str:
    """``project 'X', build quantity 100, currency USD`` from a source's ``title_block``."""
    bits = []
    for key, value in tb.items():
        if key == "projects":
            bits.append(f"{len(value)} projects")
        elif isinstance(value, float):
            bits.append(f"{key.replace('_', ' ')} {value:g}")
        else:
            bits.append(f"{key.replace('_', ' ')} {value!r}")
    return ", ".join(bits)


def render_inspect(d: dict[str, Any]) -> str:
    """The default ``bomtrace inspect`` output."""
    out = [f"Layout: {d['layout']}"]
    for s in d["sources"]:
        where = s["path"] + (f", sheet {s['sheet']!r}" if s.get("sheet") else "")
        kind = [s["file_type"]]
        if s.get("encoding"):
            kind.append(f"encoding {s['encoding']}")
        if s.get("delimiter"):
            kind.append(f"delimiter {s['delimiter']!r}")
        out.append(f"{where}: {', '.join(kind)}")
        header = f"header row {s['header_row']}"
        if s.get("group_row"):
            header += f" (group labels in row {s['group_row']})"
        what = "parts master" if s["role"] == "master" else f"BOM, {s.get('structure')}"
        out.append(f"  {what}; {header}")
        skipped = s.get("rows_skipped") or {}
        why = ", ".join(f"{n} {r}" for r, n in skipped.items())
        out.append(
            f"  rows read {s['rows']}: used {s['rows_used']}, skipped {sum(skipped.values())}"
            + (f" ({why})" if why else "")
        )
        if s.get("product"):
            p = s["product"]
            out.append(f"  product line added: {p['part_number']} (named from {p['from']})")
        if s.get("title_block"):
            out.append("  title block: " + _title_block(s["title_block"]))
        rows = [
            [f, c["header"], c["column"], c["how"], c.get("confidence", "")]
            for f, c in s["columns"].items()
        ]
        out.append(table(["field", "header", "column", "matched by", "confidence"], rows))
        if s.get("unmapped_headers"):
            out.append("  not mapped (kept): " + ", ".join(s["unmapped_headers"]))
    skipped = d.get("rows_skipped") or {}
    out.append(
        f"Rows: {d.get('rows_read', 0)} read = {d.get('rows_used', 0)} used + "
        f"{sum(skipped.values())} skipped"
    )
    added = d.get("lines_added") or 0
    out.append(
        f"Lines: {d['lines']}"
        + (f" ({added} product line{'s' if added != 1 else ''} added)" if added else "")
        + (
            f" · total quantity {d['total_quantity']:g}"
            if d["total_quantity"] is not None
            else " · total quantity too large to sum (see the issues)"
        )
    )
    out.append("Products: " + (", ".join(d["products"]) or "none"))
    if d["preview"]:
        keys = [k for k in d["preview"][0] if not k.startswith("_")][:8]
        out.append("Preview:")
        out.append(
            table(
                ["row", *keys], [[r.get("_row"), *[r.get(k) for k in keys]] for r in d["preview"]]
            )
        )
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


def render_explode(d: dict[str, Any]) -> str:
    """The default ``bomtrace explode`` output."""
    out = []
    for p in d["products"]:
        out.append(
            f"Product {p['part_number']}"
            + (f"  {p['description']}" if p.get("description") else "")
        )
        rows = [
            [
                x["part_number"],
                x.get("description"),
                x["quantity"],
                x["unit_cost"],
                x["extended_cost"],
                x.get("country_of_origin"),
                x.get("eccn"),
            ]
            for x in p["parts"]
        ]
        out.append(
            table(["part", "description", "qty", "unit cost", "extended", "origin", "eccn"], rows)
        )
        out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


def verdict_changes_table(verdicts: Sequence[dict[str, Any]], before: str, after: str) -> str:
    """Verdicts of two analyses side by side (``bomtrace.analysis.compare.verdict_changes``
    rows): product, destination, ratio and verdict ``before`` and ``after``, FLIPS."""
    rows = [
        [
            v["product"],
            v["country"],
            pct(v["ratio_from"]),
            v["verdict_from"],
            pct(v["ratio_to"]),
            v["verdict_to"],
            "FLIPS" if v["flips"] else "",
        ]
        for v in verdicts
    ]
    heads = ["product", "dest", f"ratio ({before})", "verdict", f"ratio ({after})", "verdict", ""]
    return table(heads, rows)
