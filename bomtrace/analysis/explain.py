"""Explain a de minimis verdict: one part's trace, or one product's whole calculation.

For every product a part is in: the path(s) from the product to the part with the quantities
along them, the extended quantity and value, ECCN and paragraph, the Country Chart column or
Part 746 rule that makes it count (or why it does not: not US-origin, NLR, excluded, inside a
US-origin or declared or discrete sub-assembly, on another track), and its share of the ratio.
For a product: the numerator lines, the parts that only the high bound counts, the 734.4(a)
hits, the denominator, the threshold and the verdict.

:func:`explain_graph` runs the same computation as the analysis for one destination and reads
the arrays it produces; the only per-path work is listing the (capped) paths of one part
(:func:`paths_to`). The verb is :func:`bomtrace.explain`.

Through the verb:

>>> from datetime import date
>>> import bomtrace
>>> import pandas as pd
>>> from bomtrace.io.table import BomTable
>>> lines = pd.DataFrame({"part_number": ["P", "A", "U1"], "level": [0, 1, 2],
...     "quantity": [1, 2, 3], "unit_cost": [None, None, 5.0],
...     "country_of_origin": [None, "CN", "US"], "eccn": [None, None, "3A001.a.7"],
...     "selling_price": [100.0, None, None],
...     "_file": "bom.csv", "_sheet": None, "_row": [2, 3, 4]})
>>> r = bomtrace.explain(BomTable(lines=lines, layout="indented"), part="U1",
...                      destination="CN", as_of=date(2020, 8, 17))
>>> t = r.products[0]
>>> t["paths"][0]["path"], t["extended_quantity"], t["counts"], t["share"]
(['P', 'A', 'U1'], 6.0, True, 0.3)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.analysis.assembly_results import AssemblyResults
from bomtrace.analysis.deminimis import analyze_graph
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.results import ProductResult
from bomtrace.analysis.schema import round_money, round_ratio
from bomtrace.analysis.values import NodeValues
from bomtrace.eccn import normalize_eccn, split_eccn
from bomtrace.errors import UsageError
from bomtrace.exitcodes import ExitCode
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue, IssueLog, sort_issues
from bomtrace.rollup import explode
from bomtrace.rules.model import Destination
from bomtrace.rules.ruleset import Ruleset
from bomtrace.rules.zero import ZeroDeMinimis

MAX_PATHS = 20  #: paths listed per product for one part


@dataclass
class ExplainResult:
    """The trace of one part (``part``) or one product's verdict (``product``)."""

    destination: dict[str, Any]
    ruleset: dict[str, Any]
    part: dict[str, Any] | None
    products: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """As ``analyze``'s (:class:`bomtrace.exitcodes.ExitCode`), over the products
        explained: INCOMPLETE when one could not be analysed (or none is traced), FLAGGED
        when one is subject to the EAR or undetermined for the destination, else OK."""
        verdicts = [t.get("product_verdict") for t in self.products]
        if not verdicts or any(v is None for v in verdicts):
            return ExitCode.INCOMPLETE
        if any(v["verdict"] in ("subject", "undetermined") for v in verdicts if v):
            return ExitCode.FLAGGED
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace explain --format json``."""
        return {
            "bomtrace_version": __version__,
            "ruleset": self.ruleset,
            "destination": self.destination,
            "part": self.part,
            "products": self.products,
            "issues": [i.to_dict() for i in self.issues],
        }


def check_parts(graph: BomGraph, *part_numbers: str | None) -> None:
    """Refuse (:class:`~bomtrace.errors.UsageError`) a part number that is not in the BOM."""
    known: set[str] | None = None
    for pn in part_numbers:
        if pn is None:
            continue
        if known is None:
            known = {str(x) for x in graph.part_numbers}
        if pn not in known:
            raise UsageError(f"Part {pn!r} is not in the BOM. `bomtrace inspect` lists the parts.")


def explain_graph(
    graph: BomGraph,
    ruleset: Ruleset,
    dest: Destination,
    options: AnalysisOptions,
    *,
    part: str | None = None,
    product: str | None = None,
) -> ExplainResult:
    """Explain part ``part`` (in every product, or in ``product`` only) or, without a part,
    the whole verdict of ``product``, for destination ``dest``.

    ``options`` are the analysis's for that one destination; ``part`` and ``product`` are
    part numbers of ``graph`` (:func:`check_parts`), one of them given.
    """
    sink = IssueLog()
    sink.extend(graph.issues)
    products, assemblies = analyze_graph(graph, ruleset, options, sink)
    # the roll-ups the verdicts came from (one destination: one class, no second computation)
    assert isinstance(assemblies, AssemblyResults)  # noqa: S101 - options.assemblies is set
    vals = assemblies.values
    results = {p.part_number: p for p in [*products, *assemblies]}
    if part is not None:
        m = graph.index_of(part)
        roots = [graph.index_of(product)] if product else [int(r) for r in graph.roots]
        zero = ruleset.zero_de_minimis()
        traces = [
            t for r in roots if (t := part_trace(graph, vals, results, r, m, zero)) is not None
        ]
        body = {"part_number": part, **_part_facts(graph, vals, m)}
    else:
        assert product is not None  # noqa: S101 - one of them is given
        traces = [product_trace(graph, vals, results, graph.index_of(product))]
        body = None
    info = ruleset.info
    return ExplainResult(
        destination={
            "country": dest.code,
            "name": dest.name,
            "groups": sorted(dest.groups),
            "threshold": dest.threshold,
            "threshold_source": dest.threshold_source,
            "embargo": dest.embargo,
            "embargo_source": dest.embargo_source,
        },
        ruleset={"as_of": info.as_of.isoformat(), "data_version": info.data_version},
        part=body,
        products=traces,
        issues=sort_issues([i for i in sink.finish() if _concerns(i, part, product)]),
    )


def _concerns(issue: Issue, part: str | None, product: str | None) -> bool:
    return issue.part_number is None or issue.part_number in (part, product)


def _part_facts(graph: BomGraph, vals: Any, m: int) -> dict[str, Any]:
    eccn = graph.attr("eccn")[m]
    norm = normalize_eccn(eccn)
    entry, para = split_eccn(norm) if norm else (None, None)
    return {
        "description": graph.attr("description")[m],
        "country_of_origin": graph.attr("country_of_origin")[m],
        "us_origin": bool(vals.is_us[m]),
        "eccn": eccn,
        "eccn_entry": entry,
        "paragraph": para,
        "track": str(vals.track[m]),
        "unit_value": round_money(float(np.nan_to_num(vals.total[m]))),
        "position": graph.position(m),
    }


def _verdict(res: ProductResult | None) -> dict[str, Any] | None:
    if res is None or not res.destinations:
        return None
    d = res.destinations[0]
    out: dict[str, Any] = {
        "ratio": round_ratio(d.ratio),
        "bounds": {"low": round_ratio(d.bounds_low), "high": round_ratio(d.bounds_high)},
        "threshold": d.threshold,
        "threshold_source": d.threshold_source,
        "verdict": d.verdict,
        "basis": d.basis,
        "controlled_us_value": round_money(d.controlled_us_value),
        "denominator": {"basis": res.denominator_basis, "value": round_money(res.denominator)},
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
        "extended_value": round_money(float(q_all) * float(np.nan_to_num(vals.total[m]))),
        "counted_value": round_money(value),
        "counts": status == "counts" and value > 0,
        "status": status,
        "reason": reason,
        "share": round_ratio(value / den) if den > 0 else None,
        "zero_de_minimis": zero,
        "product_verdict": _verdict(res),
    }


def product_trace(
    graph: BomGraph,
    vals: NodeValues,
    results: dict[str, ProductResult],
    r: int,
) -> dict[str, Any]:
    """Every line of product ``r``'s calculation (for the one destination of ``vals``)."""
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
            "value": round_money(lo if lo > 0 else hi),
            "eccn": eccn[m],
            "reason": reason,
            "share": round_ratio((lo if lo > 0 else hi) / den) if den > 0 else None,
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


def paths_to(graph: BomGraph, root: int, target: int, limit: int = MAX_PATHS) -> list[list[int]]:
    """Up to ``limit`` paths (node ids) from ``root`` down to ``target``, depth first.

    Only nodes inside ``root`` are followed, so the search never leaves the product.
    """
    inside = explode(graph, np.array([root], dtype=np.int64)).getrow(0).indices
    allowed = set(inside.tolist())
    order = np.argsort(graph.child, kind="stable")
    starts = np.searchsorted(graph.child[order], np.arange(graph.n_nodes + 1))
    out: list[list[int]] = []
    stack: list[list[int]] = [[target]]
    while stack and len(out) < limit:
        path = stack.pop()
        head = path[0]
        if head == root:
            out.append(path)
            continue
        ps = graph.parent[order[starts[head] : starts[head + 1]]]
        for p in sorted(set(ps.tolist()) & allowed, reverse=True):
            if p not in path:
                stack.append([p, *path])
    return out


__all__ = ["MAX_PATHS", "ExplainResult", "check_parts", "explain_graph", "paths_to"]
