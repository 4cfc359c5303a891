"""Text lines that explain a product's de minimis verdicts beyond the destination table:
734.4(a) hits, both second-incorporation ratios, the parts that would settle an undetermined
verdict, track notes, and the compact summary of ``--all-destinations``.

Each helper takes one product of the analysis document (``AnalysisResult.to_dict()``) and
returns lines (indented two spaces), so :func:`render_analysis`, the default ``bomtrace
analyze`` output, stays a thin loop.
"""

from __future__ import annotations

from typing import Any

from bomtrace.analysis.results import percent
from bomtrace.analysis.summaries import summary_line
from bomtrace.library.results import source_text
from bomtrace.report.fdpr_text import fdpr_lines
from bomtrace.report.text import issues_block, money, pct, table

_MAX_CODES = 12

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


def _codes(codes: list[str]) -> str:
    if len(codes) <= _MAX_CODES:
        return ", ".join(codes)
    return ", ".join(codes[:_MAX_CODES]) + f" +{len(codes) - _MAX_CODES} more"


def zero_lines(p: dict[str, Any]) -> list[str]:
    """One line per 734.4(a) category and part, with the destinations it reaches."""
    seen: dict[tuple[Any, ...], list[str]] = {}
    for x in p["destinations"]:
        for z in x.get("zero_de_minimis") or []:
            key = (z.get("paragraph"), z.get("status"), z.get("part_number"), z.get("eccn"))
            seen.setdefault(key, []).append(x["country"])
    out = []
    for (para, status, part, eccn), codes in seen.items():
        what = f"{part} ({eccn})" if part else "this item"
        word = "no de minimis level" if status == "applies" else "possibly no de minimis level"
        out.append(f"  {word} ({para}): {what} → {_codes(codes)}")
    return out


def second_incorporation_lines(p: dict[str, Any]) -> list[str]:
    """Both ratios where the second-incorporation cut changes them."""
    seen: dict[tuple[Any, ...], list[str]] = {}
    for x in p["destinations"]:
        s = x.get("second_incorporation")
        if s:
            key = (
                s["applied"],
                s["ratio_with_cut"],
                s["ratio_without_cut"],
                s["verdict_with_cut"],
                s["verdict_without_cut"],
            )
            seen.setdefault(key, []).append(x["country"])
    out = []
    for (applied, with_cut, without, v_cut, v_full), codes in seen.items():
        state = "on" if applied else "off"
        flip = f"; verdict {v_cut} vs {v_full}" if v_cut != v_full else ""
        out.append(
            f"  second incorporation ({state}): {percent(with_cut)} with discrete sub-assemblies "
            f"cut, {percent(without)} without → {_codes(codes)}{flip}"
        )
    return out


def settle_lines(p: dict[str, Any]) -> list[str]:
    """For undetermined destinations: the parts whose data would settle the verdict."""
    seen: dict[tuple[str, ...], list[str]] = {}
    for x in p["destinations"]:
        if x["verdict"] != "undetermined":
            continue
        parts = (x.get("bounds") or {}).get("unresolved_parts") or []
        key = tuple(f"{u['part_number']} ({u['why']})" for u in parts[:3])
        if key:
            seen.setdefault(key, []).append(x["country"])
    return [f"  to settle {_codes(codes)}: {'; '.join(key)}" for key, codes in seen.items()]


def note_lines(p: dict[str, Any]) -> list[str]:
    """Notes attached to the destinations (once each), e.g. the technology report."""
    notes = dict.fromkeys(n for x in p["destinations"] for n in x.get("notes") or [])
    return [f"  note: {n}" for n in notes]


def summary_lines(p: dict[str, Any]) -> list[str]:
    """The compact ``--all-destinations`` summary of a product."""
    s = p.get("summary")
    if not s:
        return []
    n_dest = len(s["subject_for"]) + len(s["undetermined_for"]) + s["not_subject_count"]
    return [f"  all {n_dest} destinations: {summary_line(s)}"]


def render_analysis(d: dict[str, Any]) -> str:
    """The default ``bomtrace analyze`` output.

    Under ``--all-destinations`` a product shows its compact summary and only the
    destinations where it is (or may be) subject to the EAR.
    """
    rs = d["ruleset"]
    out = [f"bomtrace {d['bomtrace_version']} · rules as of {rs['as_of']} ({rs['data_version']})"]
    if rs["scenarios"]:
        out.append("Scenarios: " + ", ".join(rs["scenarios"]))
    every = bool((d.get("options") or {}).get("all_destinations"))
    marks = limit_marks(d)
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
                    "none" if x.get("basis") == "zero-de-minimis" else pct(x["threshold"]),
                    money(x["controlled_us_value"]),
                    rng,
                    VERDICT_LABEL[x["verdict"]] + BASIS_NOTE.get(x.get("basis"), ""),
                    money(x["headroom"]),
                    lead,
                    " ".join(marks[i] for i in x.get("limits") or []),
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
                        "limits",
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
    out.extend(library_lines(d.get("library")))
    out.extend(limit_lines(rs, marks))
    out.append("")
    out.append(issues_block(d["issues"]))
    return "\n".join(out)


def library_lines(lib: dict[str, Any] | None, show: int = 10) -> list[str]:
    """What the parts library gave (``analyze --db``): the values filled, each with its
    source, and how many BOM values it has otherwise (the issues name them)."""
    if lib is None:
        return []
    out = [
        "",
        f"Parts library (as of {lib.get('library_as_of') or '-'}): {lib['parts_known']} of the "
        f"BOM's parts known; {lib['values_filled']} value(s) the BOM left empty filled for "
        f"{lib['parts_filled']} part(s); {lib['disagreements']} BOM value(s) differ from it "
        "(the BOM's used; see the issues).",
    ]
    for e in lib["filled"][:show]:
        where = source_text(e.get("source") or {}) or "-"
        out.append(f"  {e['part_number']} {e['field']} = {e['value']}  (from {where})")
    if len(lib["filled"]) > show:
        out.append(f"  … and {len(lib['filled']) - show} more (--format json/xlsx lists them all)")
    return out


def limit_marks(d: dict[str, Any]) -> dict[str, str]:
    """Short marks (L1, L2, ...) of the ruleset limits the products' results name, in the
    document's order (the JSON lists every limit a result could name)."""
    named = {i for p in d["products"] for x in p["destinations"] for i in x.get("limits") or []}
    used = [x["id"] for x in d["ruleset"].get("limits") or [] if x["id"] in named]
    return {lid: f"L{i}" for i, lid in enumerate(used, 1)}


def limit_lines(rs: dict[str, Any], marks: dict[str, str]) -> list[str]:
    """The limits the results name, each with its mark, kind and citation."""
    shown = [x for x in rs.get("limits") or [] if x["id"] in marks]
    if not shown:
        return []
    out = ["", f"Limits of the rules as of {rs['as_of']} (the 'limits' column names them):"]
    for x in shown:
        cite = f" ({x['citation']})" if x.get("citation") else ""
        out.append(f"  {marks[x['id']]} [{x['kind']}] {x['topic']}: {x['text']}{cite}")
    return out
