"""Readable, aligned text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bomtrace.analysis.result import percent

VERDICT_LABEL = {
    "subject": "SUBJECT",
    "not-subject": "not subject",
    "undetermined": "UNDETERMINED",
    "not-analysed": "not analysed",
}


#: what the verdict column adds for a verdict not decided by the de minimis ratio
BASIS_NOTE = {"us-origin": " (US-origin)", "zero-de-minimis": " (734.4(a))"}


def origin_lines(p: dict[str, Any]) -> list[str]:
    """What a product's origin means for its verdict, when it is not plainly foreign-made."""
    origin = p.get("origin") or {}
    if origin.get("country") == "US":
        how = "--made-in US" if origin.get("source") == "made-in-option" else "origin US"
        return [
            f"  US-origin item ({how}): subject to the EAR wherever it is (15 CFR 734.3(a)(2)); "
            "de minimis does not apply, its figures are information only"
        ]
    if origin.get("source") == "assumed-foreign":
        return [
            "  origin not given: analysed as foreign-made (if it is made in the US it is "
            "subject to the EAR; give its origin or --made-in)"
        ]
    return []


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


def render_analysis(d: dict[str, Any]) -> str:
    """The default ``bomtrace analyze`` output.

    Under ``--all-destinations`` a product shows its compact summary and only the
    destinations where it is (or may be) subject to the EAR.
    """
    from bomtrace.report.analysis_text import (
        note_lines,
        second_incorporation_lines,
        settle_lines,
        summary_lines,
        zero_lines,
    )

    rs = d["ruleset"]
    out = [f"bomtrace {d['bomtrace_version']} · rules as of {rs['as_of']} ({rs['data_version']})"]
    if rs["scenarios"]:
        out.append("Scenarios: " + ", ".join(rs["scenarios"]))
    every = bool((d.get("options") or {}).get("all_destinations"))
    for p in d["products"]:
        out.append("")
        title = f"Product {p['part_number']}"
        if p.get("description"):
            title += f"  {p['description']}"
        out.append(title)
        if not p["analysed"]:
            out.append(f"  not analysed: {p.get('not_analysed_reason')}")
            continue
        den = p["denominator"]
        basis = "selling price" if den["basis"] == "selling_price" else "rolled-up cost"
        track = p.get("track", "commodity")
        out.append(
            f"  total cost {money(p['total_cost'])} {p['currency']} · US-origin "
            f"{money(p['us_origin_value'])} · US tech/patent {money(p['us_tech_value'])} · "
            f"denominator {money(den['value'])} ({basis})"
            + ("" if track == "commodity" else f" · {track} track")
        )
        out.extend(origin_lines(p))
        shown = p["destinations"]
        if every:
            out.extend(summary_lines(p))
            shown = [x for x in shown if x["verdict"] != "not-subject"]
        rows = []
        for x in shown:
            top = x.get("top_contributors") or []
            lead = f"{top[0]['part_number']} ({top[0]['reason']})" if top else "-"
            b = x["bounds"]
            rng = pct(b["low"]) if b["low"] == b["high"] else f"{pct(b['low'])}–{pct(b['high'])}"
            others = x.get("same_for") or []
            rows.append(
                [
                    x["country"] + (f" +{len(others)}" if others else ""),
                    x["name"],
                    pct(x["threshold"]),
                    money(x["controlled_us_value"]),
                    rng,
                    VERDICT_LABEL[x["verdict"]] + BASIS_NOTE.get(x.get("basis"), ""),
                    money(x["headroom"]),
                    lead,
                ]
            )
        if rows:
            out.append(
                table(
                    [
                        "dest",
                        "name",
                        "threshold",
                        "controlled",
                        "ratio",
                        "verdict",
                        "headroom",
                        "top contributor",
                    ],
                    rows,
                )
            )
        for lines in (zero_lines, second_incorporation_lines, settle_lines, note_lines):
            out.extend(lines(p))
        scen = [
            [
                x["country"],
                s["name"],
                pct(s["threshold"]),
                pct(s["ratio"]),
                VERDICT_LABEL[s["verdict"]],
                "FLIPS" if s["flips"] else "",
            ]
            for x in p["destinations"]
            for s in x.get("scenarios", [])
        ]
        if scen:
            out.append("  what-if:")
            out.append(
                table(["dest", "scenario", "threshold", "ratio", "verdict", ""], scen, indent=4)
            )
        from bomtrace.fdpr.render import fdpr_lines

        out.extend(fdpr_lines(p, d.get("fdpr")))
    flips = d.get("scenario_flips") or []
    if flips:
        out.append("")
        out.append(
            "Scenario flips: "
            + "; ".join(
                f"{f['part_number']} → {f['country']}: {f['in_force']} → {f['under_scenario']} "
                f"({f['scenario']})"
                for f in flips
            )
        )
    n_asm = d.get("assemblies_analysed", len(d.get("assemblies") or []))
    if n_asm:
        subj = sum(
            1
            for a in d["assemblies"]
            if ((a.get("summary") or {}).get("subject_for")
                or any(x["verdict"] == "subject" for x in a["destinations"]))
            and not any(x.get("basis") == "us-origin" for x in a["destinations"])
        )  # fmt: skip
        us = d.get("assemblies_us_origin") or 0
        out.append("")
        out.append(
            f"Sub-assemblies analysed: {n_asm} ({subj} foreign-made subject for some "
            f"destination"
            + (f"; {us} US-origin, subject wherever they are" if us else "")
            + "; see --format json/xlsx)."
        )
    out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


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
        rows = [[f, c["header"], c["column"], c["how"]] for f, c in s["columns"].items()]
        out.append(table(["field", "header", "column", "matched by"], rows))
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
