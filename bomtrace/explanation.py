"""Explain a de minimis verdict: one part's trace, or one product's whole calculation.

(The module is not called ``explain``: a submodule of that name would replace the lazily
exported verb ``bomtrace.explain`` on the package as soon as it is imported.)

``explain(path, part="U7", destination="CN")`` gives, for every product the part is in: the
path(s) from the product to the part with the quantities along them, the extended quantity and
value, ECCN and paragraph, the Country Chart column or Part 746 rule that makes it count (or
why it does not: not US-origin, NLR, excluded, inside a US-origin or declared or discrete
sub-assembly, on another track), and its share of the ratio. ``explain(path, product="P",
destination="CN")`` lists the numerator lines, the parts that only the high bound counts, the
734.4(a) hits, the denominator, the threshold and the verdict.

It runs the same computation as :func:`bomtrace.analyze` for one destination and reads the
arrays it produces; the only per-path work is listing the (capped) paths of one part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.analysis.assemblies import AssemblyResults
from bomtrace.analysis.deminimis import analyze_graph
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.result import money
from bomtrace.gcpause import without_gc
from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue, sort_issues
from bomtrace.rollup import explode

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
        from bomtrace.exitcodes import ExitCode

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


@without_gc
def explain(
    source: Any,
    *,
    destination: str,
    part: str | None = None,
    product: str | None = None,
    as_of: date | str | None = None,
    assembly_cost: str = "rollup",
    second_incorporation: bool = True,
    made_in: str | None = None,
    read: Any = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
) -> ExplainResult:
    """Explain the de minimis calculation for one part or one product and one destination.

    Parameters
    ----------
    source : path, list of paths, BomTable or BomGraph
        The BOM, as for :func:`bomtrace.analyze`.
    destination : str
        ISO code or name.
    part : str, optional
        Part number to trace through every product that contains it.
    product : str, optional
        Product (or sub-assembly) whose whole verdict to explain. With ``part``, only that
        product's trace of the part.
    as_of, assembly_cost, second_incorporation, made_in, read, columns, sheet, layout
        As for :func:`bomtrace.analyze`.

    Returns
    -------
    ExplainResult

    Raises
    ------
    bomtrace.errors.UsageError
        Neither ``part`` nor ``product`` given, or a part number not in the BOM.
    bomtrace.errors.UnknownDestination
        The destination is not known on ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.table import BomTable
    >>> lines = pd.DataFrame({"part_number": ["P", "A", "U1"], "level": [0, 1, 2],
    ...     "quantity": [1, 2, 3], "unit_cost": [None, None, 5.0],
    ...     "country_of_origin": [None, "CN", "US"], "eccn": [None, None, "3A001.a.7"],
    ...     "selling_price": [100.0, None, None],
    ...     "_file": "bom.csv", "_sheet": None, "_row": [2, 3, 4]})
    >>> r = explain(BomTable(lines=lines, layout="indented"), part="U1", destination="CN",
    ...             as_of=date(2020, 8, 17))
    >>> t = r.products[0]
    >>> t["paths"][0]["path"], t["extended_quantity"], t["counts"], t["share"]
    (['P', 'A', 'U1'], 6.0, True, 0.3)
    """
    from bomtrace.api import _country_option, _read_options, load_graph
    from bomtrace.errors import UsageError
    from bomtrace.rules import load_ruleset
    from bomtrace.rules.ruleset import as_date

    if part is None and product is None:
        raise UsageError("explain needs --part PN or --product PN (or both).")
    day = as_date(as_of)
    ruleset = load_ruleset(day)
    dest = ruleset.destination(destination)
    graph, _ = load_graph(source, read=_read_options(read, columns, sheet, layout))
    for pn in (part, product):
        if pn is not None and pn not in {str(x) for x in graph.part_numbers}:
            raise UsageError(f"Part {pn!r} is not in the BOM. `bomtrace inspect` lists the parts.")
    options = AnalysisOptions(
        destinations=(dest.code,),
        as_of=day,
        assembly_cost=assembly_cost,  # type: ignore[arg-type]
        top=1_000_000,
        assemblies=True,
        second_incorporation=second_incorporation,
        made_in=_country_option(made_in, "--made-in"),
    )
    sink = IssueCollector()
    sink.extend(graph.issues)
    products, assemblies = analyze_graph(graph, ruleset, options, sink)
    # the roll-ups the verdicts came from (one destination: one class, no second computation)
    assert isinstance(assemblies, AssemblyResults)  # noqa: S101 - options.assemblies is set
    vals = assemblies.values
    results = {p.part_number: p for p in [*products, *assemblies]}
    from bomtrace.explanation_trace import part_trace, product_trace

    if part is not None:
        m = graph.index_of(part)
        roots = [graph.index_of(product)] if product else [int(r) for r in graph.roots]
        traces = [
            t
            for r in roots
            if (t := part_trace(graph, vals, results, r, m, ruleset.zero_de_minimis())) is not None
        ]
        body = {"part_number": part, **_part_facts(graph, vals, m)}
    else:
        assert product is not None  # noqa: S101 - checked above
        r = graph.index_of(product)
        traces = [product_trace(graph, vals, results, r, dest)]
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
    from bomtrace.eccn import normalize_eccn, split_eccn

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
        "unit_value": money(float(np.nan_to_num(vals.total[m]))),
        "position": graph.position(m),
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


def explain_text(d: Mapping[str, Any]) -> str:
    """Render an :class:`ExplainResult` document as text (``bomtrace explain``)."""
    from bomtrace.explanation_trace import render

    return render(d)


__all__: Sequence[str] = ["ExplainResult", "explain", "explain_text", "paths_to"]
