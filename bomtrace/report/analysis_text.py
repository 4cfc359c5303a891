"""Text lines that explain a product's de minimis verdicts beyond the destination table:
734.4(a) hits, both second-incorporation ratios, the parts that would settle an undetermined
verdict, track notes, and the compact summary of ``--all-destinations``.

Each helper takes one product of the analysis document (``AnalysisResult.to_dict()``) and
returns lines (indented two spaces), so ``render_analysis`` stays a thin loop.
"""

from __future__ import annotations

from typing import Any

from bomtrace.analysis.result import percent

_MAX_CODES = 12


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
    from bomtrace.analysis.summary import summary_line

    s = p.get("summary")
    if not s:
        return []
    n_dest = len(s["subject_for"]) + len(s["undetermined_for"]) + s["not_subject_count"]
    return [f"  all {n_dest} destinations: {summary_line(s)}"]
