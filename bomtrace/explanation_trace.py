"""The traces behind :func:`bomtrace.explain`: one part in one product, one product's verdict,
and their text rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from bomtrace.analysis.result import ProductResult, money, ratio
from bomtrace.analysis.values import NodeValues
from bomtrace.graph.model import BomGraph
from bomtrace.rollup import explode
from bomtrace.rules.model import Destination
from bomtrace.rules.zero import ZeroDeMinimis


def _verdict(res: ProductResult | None) -> dict[str, Any] | None:
    if res is None or not res.destinations:
        return None
    d = res.destinations[0]
    out: dict[str, Any] = {
        "ratio": ratio(d.ratio),
        "bounds": {"low": ratio(d.bounds_low), "high": ratio(d.bounds_high)},
        "threshold": d.threshold,
        "threshold_source": d.threshold_source,
        "verdict": d.verdict,
        "basis": d.basis,
        "controlled_us_value": money(d.controlled_us_value),
        "denominator": {"basis": res.denominator_basis, "value": money(res.denominator)},
        "track": d.track,
        "zero_de_minimis": d.zero_de_minimis,
    }
    if d.second_incorporation:
        out["second_incorporation"] = d.second_incorporation
    if d.notes:
        out["notes"] = d.notes
    return out


def _blocker(graph: BomGraph, vals: NodeValues, path: list[int]) -> str | None:
    """Why a path does not carry the part's content to the product, or None."""
    cut = not bool(vals.main.edge_mask.all())
    for node in path[1:-1]:
        pn = graph.part_numbers[node]
        if vals.is_us[node]:
            return f"inside {pn}, a US-origin sub-assembly counted as a whole by its own ECCN"
        if not np.isnan(vals.declared[node]):
            return f"inside {pn}, whose supplier declaration ({vals.declared[node]:.2%}) is used"
        if cut and vals.cut_applied and vals.discrete[node]:
            return (
                f"inside {pn}, a discrete foreign-made product: second incorporation, its US "
                "content is not counted again"
            )
    return None


def _why(graph: BomGraph, vals: NodeValues, m: int, track: str) -> tuple[str, str | None]:
    """(status, reason) of a part's own content for a product on ``track``."""
    own_lo = vals.own_low[track][m, 0] if track in vals.own_low else 0.0
    own_hi = vals.own_high[track][m, 0] if track in vals.own_high else 0.0
    key = vals.keys[m]
    dec = vals.decisions[0][key] if key is not None else None
    if not np.isnan(vals.declared[m]):
        return "counts", f"supplier declaration: {vals.declared[m]:.2%} controlled US content"
    if own_lo > 0:
        return "counts", dec.reason if dec else None
    if own_hi > 0:
        return "possible", dec.reason if dec else "origin unknown"
    if dec is None:
        if not graph.is_leaf[m]:
            return "assembly", "foreign-made sub-assembly: its US parts count one by one"
        return "not-counted", "not US-origin: foreign content does not count"
    if vals.track[m] != track and dec.status != "not-controlled":
        if vals.track[m] == "software":
            return "not-counted", (
                "US software not flagged bundled: not part of a commodity's de minimis"
            )
        return "not-counted", f"{vals.track[m]} content counts on the {vals.track[m]} track only"
    return "not-counted", dec.reason


def part_trace(
    graph: BomGraph,
    vals: NodeValues,
    results: dict[str, ProductResult],
    r: int,
    m: int,
    rules: list[ZeroDeMinimis],
) -> dict[str, Any] | None:
    """The trace of part ``m`` inside product ``r``; None when ``m`` is not in ``r``.

    ``rules`` are the ruleset's 734.4(a) categories in force (the arrays index them).
    """
    from bomtrace.explanation import MAX_PATHS, paths_to

    q_all = explode(graph, np.array([r], dtype=np.int64))[0, m]
    if q_all == 0:
        return None
    q_cnt = explode(graph, np.array([r], dtype=np.int64), edge_mask=vals.main.edge_mask)[0, m]
    track = str(vals.track[r])
    status, reason = _why(graph, vals, m, track)
    paths = []
    for path in paths_to(graph, r, m):
        qty = 1.0
        for a, b in zip(path, path[1:], strict=False):
            kids, qs = graph.children_of(a)
            qty *= float(qs[kids == b][0])
        paths.append(
            {
                "path": [str(graph.part_numbers[x]) for x in path],
                "quantity": round(qty, 6),
                "not_counted_because": _blocker(graph, vals, path),
            }
        )
    res = results.get(str(graph.part_numbers[r]))
    den = float(res.denominator) if res and res.denominator else 0.0
    own = vals.own_low[track][m, 0] if track in vals.own_low else 0.0
    value = float(q_cnt) * float(own)
    if q_cnt == 0 and status == "counts":
        blocked = [str(p["not_counted_because"]) for p in paths if p["not_counted_because"]]
        status, reason = "not-counted", (blocked[0] if blocked else reason)
    zero = []
    if track in vals.zero_own and q_cnt:
        pairs = ((vals.zero_own[track], "applies"), (vals.zero_own_high[track], "possible"))
        for arr, word in pairs:
            if arr[m, 0]:
                z = rules[int(arr[m, 0]) - 1]
                zero.append({"id": z.id, "paragraph": z.paragraph, "status": word})
    return {
        "product": str(graph.part_numbers[r]),
        "paths": paths,
        "paths_truncated": len(paths) >= MAX_PATHS,
        "extended_quantity": round(float(q_all), 6),
        "counted_quantity": round(float(q_cnt), 6),
        "extended_value": money(float(q_all) * float(np.nan_to_num(vals.total[m]))),
        "counted_value": money(value),
        "counts": status == "counts" and value > 0,
        "status": status,
        "reason": reason,
        "share": ratio(value / den) if den > 0 else None,
        "zero_de_minimis": zero,
        "product_verdict": _verdict(res),
    }


def product_trace(
    graph: BomGraph,
    vals: NodeValues,
    results: dict[str, ProductResult],
    r: int,
    dest: Destination,
) -> dict[str, Any]:
    """Every line of product ``r``'s calculation for ``dest``."""
    del dest
    pn = str(graph.part_numbers[r])
    res = results.get(pn)
    row = explode(graph, np.array([r], dtype=np.int64), edge_mask=vals.main.edge_mask).getrow(0)
    track = str(vals.track[r])
    den = float(res.denominator) if res and res.denominator else 0.0
    lines: list[dict[str, Any]] = []
    possible: list[dict[str, Any]] = []
    eccn = graph.attr("eccn")
    for m, q in zip(row.indices.tolist(), row.data.tolist(), strict=True):
        if m == r or track not in vals.own_low:
            continue
        lo, hi = vals.own_low[track][m, 0] * q, vals.own_high[track][m, 0] * q
        if lo <= 0 and hi <= 0:
            continue
        status, reason = _why(graph, vals, m, track)
        line = {
            "part_number": str(graph.part_numbers[m]),
            "quantity": round(q, 6),
            "value": money(lo if lo > 0 else hi),
            "eccn": eccn[m],
            "reason": reason,
            "share": ratio((lo if lo > 0 else hi) / den) if den > 0 else None,
        }
        (lines if lo > 0 else possible).append(line)
    lines.sort(key=lambda x: -(x["value"] or 0.0))
    possible.sort(key=lambda x: -(x["value"] or 0.0))
    return {
        "product": pn,
        "description": graph.attr("description")[r],
        "numerator": lines,
        "high_bound_only": possible,
        "product_verdict": _verdict(res),
    }


def render(d: Mapping[str, Any]) -> str:
    """Text for ``bomtrace explain``."""
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
                f": ratio {_p(v.get('ratio'))} vs threshold {v['threshold']:.0%} → "
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
                f" · share {_p(t['share'])}"
            )
            out.append(f"  {t['status']}: {t['reason']}")
        else:
            out.append(f"  numerator ({len(t['numerator'])} lines):")
            for x in t["numerator"]:
                out.append(
                    f"    {x['part_number']:<16} qty {x['quantity']:<8g} {x['value']:>12,.2f}  "
                    f"{_p(x['share']):>8}  {x['eccn'] or '-':<12} {x['reason']}"
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
                f"  second incorporation: {_p(si['ratio_with_cut'])} with the cut, "
                f"{_p(si['ratio_without_cut'])} without"
            )
        for n in v.get("notes") or []:
            out.append(f"  note: {n}")
    return "\n".join(out)


def _p(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.2f}%"
