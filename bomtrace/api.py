"""The verbs: one library function per CLI command, calling the stages in order.

``read_bom`` (io) → ``build_graph`` (graph) → ``analyze`` / ``explode`` (analysis) →
``AnalysisResult.to_dict()`` (report). The CLI only parses flags, calls one of these and
renders the result.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.analysis import AnalysisOptions, AnalysisResult, analyze_graph
from bomtrace.errors import GraphError
from bomtrace.explosion import ExplodeResult, explode_graph
from bomtrace.gcpause import without_gc
from bomtrace.graph import BomGraph, build_graph
from bomtrace.graph.collect import IssueCollector
from bomtrace.io import ReadOptions, read_bom
from bomtrace.io.table import BomTable
from bomtrace.issues import Issue, sort_issues
from bomtrace.progress import ProgressCallback

PathArg = str | os.PathLike[str]
Source = PathArg | Sequence[PathArg] | BomTable | BomGraph


def _paths(src: PathArg | Sequence[PathArg]) -> list[PathArg]:
    if isinstance(src, str | os.PathLike):
        return [src]
    return list(src)


def _read_options(
    read: ReadOptions | None,
    columns: Mapping[str, str] | None,
    sheet: str | None,
    layout: str | None,
) -> ReadOptions:
    return (read or ReadOptions()).with_(columns=columns, sheet=sheet, layout=layout)


def load_graph(
    source: Source,
    *,
    read: ReadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[BomGraph, BomTable | None]:
    """Read (when given paths) and build the validated graph.

    Returns the graph and the table it came from (None when a graph was passed in).
    ``progress`` is called with "reading" and "building" as those stages start.
    """
    if isinstance(source, BomGraph):
        graph, table = source, None
    else:
        if progress:
            progress("reading")
        table = source if isinstance(source, BomTable) else read_bom(_paths(source), read)
        if progress:
            progress("building")
        graph = build_graph(table, limit_issues=(read or ReadOptions()).limit_issues)
    if graph.n_nodes == 0:
        raise GraphError("The BOM has no lines: there is no product to analyse.")
    return graph, table


@without_gc
def analyze(
    source: Source,
    *,
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
    as_of: date | str | None = None,
    scenarios: Sequence[str] = (),
    end_user: str | None = None,
    assembly_cost: str = "rollup",
    top: int = 5,
    assemblies: bool = True,
    all_assemblies: bool = False,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
    progress: ProgressCallback | None = None,
    parties: Sequence[str] = (),
    screening_lists: Sequence[PathArg] = (),
    producers: PathArg | None = None,
    second_incorporation: bool = True,
    made_in: str | None = None,
) -> AnalysisResult:
    """De minimis verdicts for every product in a BOM, per destination.

    Parameters
    ----------
    source : path, list of paths, BomTable or BomGraph
        BOM file(s): an indented BOM, or an edge table plus an optional parts master.
    destinations : sequence of str, optional
        ISO codes or names; default China plus the E:1/E:2 destinations in force.
    all_destinations : bool, optional
        Every destination of the Commerce Country Chart.
    as_of : datetime.date or str, optional
        Date whose rules apply (default: today).
    scenarios : sequence of str, optional
        What-if scenarios reported beside the rule in force (see ``bomtrace rules``).
    end_user : str, optional
        End user of the shipment (scenarios may depend on it; controlled content never does).
    assembly_cost : {"rollup", "added", "total"}, optional
        How costs stated on assembly lines are read.
    top : int, optional
        Top contributing parts listed per product and destination.
    assemblies : bool, optional
        Also give verdicts for foreign-made sub-assemblies.
    all_assemblies : bool, optional
        List every sub-assembly in ``to_dict()``; by default only those subject to the EAR or
        undetermined for some destination are listed (all are in ``result.assemblies``).
    read : ReadOptions, optional
        Reader options; ``columns``, ``sheet`` and ``layout`` override its fields.
    progress : callable, optional
        Called with the name of each stage as it starts ("reading", "building",
        "analysing"), e.g. a :class:`bomtrace.progress.StageBar`.
    parties : sequence of str, optional
        Other parties of the shipment (purchaser, consignees), screened for the Foreign
        Direct Product rules together with ``end_user``.
    screening_lists : sequence of path, optional
        Consolidated Screening List files (JSON/CSV/TSV) screened besides the packaged
        Entity List extract.
    producers : path, optional
        Producer table: per fab/plant, whether its major equipment is a direct product of
        US technology (ECCNs, origin, source of the claim).
    second_incorporation : bool, optional
        A foreign-made sub-assembly flagged ``discrete_product`` contributes none of its US
        content to the items it is built into (default True; results show the other ratio).
    made_in : str, optional
        Country the foreign-made items are made in (exported from), ISO code or name: the
        Supp. No. 3 to Part 746 partner-country carve-out for Russia and Belarus.

    Returns
    -------
    AnalysisResult

    Raises
    ------
    bomtrace.errors.InputError
        A file cannot be read as a BOM.
    bomtrace.errors.RulesetError
        Unknown destination, or a date the ruleset does not cover.
    bomtrace.errors.UsageError
        Unknown scenario or option value.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.table import BomTable
    >>> lines = pd.DataFrame({"part_number": ["P", "U1", "R1"], "level": [0, 1, 1],
    ...     "quantity": [1, 1, 10], "unit_cost": [None, 30.0, 0.1],
    ...     "country_of_origin": [None, "US", "JP"], "eccn": [None, "3A001.a.7", "EAR99"],
    ...     "selling_price": [100.0, None, None],
    ...     "_file": "bom.csv", "_sheet": None, "_row": [2, 3, 4]})
    >>> r = analyze(BomTable(lines=lines, layout="indented"), destinations=["CN"],
    ...             as_of=date(2020, 8, 17))
    >>> d = r.product("P").destination("CN")
    >>> d.ratio, d.threshold, d.verdict
    (0.3, 0.25, 'subject')
    """
    from bomtrace.errors import UsageError
    from bomtrace.rules import load_ruleset
    from bomtrace.rules.ruleset import as_date

    if assembly_cost not in ("rollup", "added", "total"):
        raise UsageError(
            f"Unknown assembly cost convention {assembly_cost!r}. Use rollup, added or total."
        )
    day = as_date(as_of)
    options = AnalysisOptions(
        destinations=tuple(destinations),
        all_destinations=all_destinations,
        as_of=day,
        scenarios=tuple(scenarios),
        end_user=end_user,
        assembly_cost=assembly_cost,  # type: ignore[arg-type]
        top=top,
        assemblies=assemblies,
        second_incorporation=second_incorporation,
        made_in=_country_option(made_in, "--made-in"),
    )
    ruleset = load_ruleset(day)
    for s in options.scenarios:
        ruleset.scenario(s)  # fail early on unknown names
    for d in options.destinations:
        ruleset.destination(d)  # likewise, before the BOM is read
    read_opts = _read_options(read, columns, sheet, layout)
    if read_opts.as_of is None and day is not None:
        read_opts = read_opts.with_(as_of=day)  # effectivity dates follow the rules' date
    graph, table = load_graph(source, read=read_opts, progress=progress)
    if progress:
        progress("analysing")
    sink = IssueCollector(read_opts.limit_issues)
    sink.extend(graph.issues)
    from bomtrace.fdpr import start_fdpr

    fdpr = start_fdpr(  # beside the de minimis analysis, on the second core
        graph, ruleset, options, limit_issues=read_opts.limit_issues,
        parties=parties, screening_lists=screening_lists, producers=producers,
    )  # fmt: skip
    products, subs = analyze_graph(graph, ruleset, options, sink)
    fdpr.attach(products, sink)
    dests = products.countries()
    info = ruleset.info
    return AnalysisResult(
        version=__version__,
        ruleset={
            "as_of": info.as_of.isoformat(),
            "data_version": info.data_version,
            "scenarios": list(options.scenarios),
            "sources": list(info.sources),
        },
        inputs=[s.to_dict() for s in table.sources] if table is not None else [],
        options={
            "destinations": dests,
            "all_destinations": all_destinations,
            "assembly_cost": assembly_cost,
            "end_user": end_user,
            "parties": list(parties),
            "top": top,
            "second_incorporation": "on" if second_incorporation else "off",
            "made_in": options.made_in,
        },
        products=products,
        assemblies=subs,
        issues=sort_issues(sink.finish()),
        all_assemblies=all_assemblies,
    )


def _country_option(text: str | None, flag: str) -> str | None:
    """ISO code of a country option, or a UsageError naming the flag."""
    if text is None or not str(text).strip():
        return None
    from bomtrace.countries import normalize_country
    from bomtrace.errors import UsageError

    code = normalize_country(text)
    if code is None:
        raise UsageError(f"Unknown country {text!r} for {flag}. Use an ISO code such as FI or CN.")
    return code


@dataclass
class InspectResult:
    """How the files were read, before any analysis (``bomtrace inspect``).

    Counts add up: ``rows_read == rows_used + sum(rows_skipped.values())`` over all sources,
    and ``lines`` (BOM lines) is the BOM sources' used rows plus ``lines_added`` (product lines
    the reader added for files that list none).
    """

    layout: str
    sources: list[dict[str, Any]]
    lines: int
    total_quantity: float  #: inf when the quantities are too large to sum (written as None)
    products: list[str]
    preview: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    rows_skipped: dict[str, int] = field(default_factory=dict)
    lines_added: int = 0
    master_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        first = self.sources[0] if self.sources else {}
        return {
            "bomtrace_version": __version__,
            "layout": self.layout,
            "header_row": first.get("header_row"),
            "columns": {k: v["header"] for k, v in (first.get("columns") or {}).items()},
            "sources": self.sources,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_skipped": self.rows_skipped,
            "lines": self.lines,
            "lines_added": self.lines_added,
            "master_rows": self.master_rows,
            "total_quantity": round(self.total_quantity, 6)
            if math.isfinite(self.total_quantity)
            else None,
            "products": self.products,
            "preview": self.preview,
            "issues": [i.to_dict() for i in self.issues],
        }


@without_gc
def inspect(
    source: PathArg | Sequence[PathArg],
    *,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
    preview: int = 10,
) -> InspectResult:
    """Show exactly what was read: file type, encoding, delimiter, sheet, header row, layout,
    column mapping, rows read/used/skipped (with reasons), products, a preview and every issue.

    Parameters
    ----------
    source : path or list of paths
    read : ReadOptions, optional
        Reader options; ``columns``, ``sheet`` and ``layout`` override its fields.
    preview : int, optional
        Number of interpreted lines to show.

    Returns
    -------
    InspectResult

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "kit.csv"
    >>> _ = p.write_text("Part,Qty\\nR1,2\\nTotal,2\\n", encoding="utf-8")
    >>> r = inspect(p)
    >>> r.products, r.rows_read, r.rows_used, r.rows_skipped, r.lines, r.lines_added
    (['kit'], 2, 1, {'total line': 1}, 2, 1)
    """
    opts = _read_options(read, columns, sheet, layout)
    table = read_bom(_paths(source), opts)
    graph = build_graph(table, limit_issues=opts.limit_issues)
    lines = table.lines
    qty = lines["quantity"] if "quantity" in lines.columns else None
    with np.errstate(over="ignore", invalid="ignore"):  # too large to sum: None, not inf
        total_q = (
            float(np.nansum(qty.to_numpy(dtype=float, na_value=np.nan)))
            if qty is not None
            else 0.0
        )
    show = [c for c in lines.columns if not str(c).startswith("x:")]
    head = lines[show].head(preview)
    prev = head.astype(object).where(head.notna(), None)
    skipped: dict[str, int] = {}
    for s in table.sources:
        for reason, n in s.rows_skipped.items():
            skipped[reason] = skipped.get(reason, 0) + n
    return InspectResult(
        layout=table.layout,
        sources=[s.to_dict() for s in table.sources],
        lines=len(lines),
        total_quantity=total_q,
        products=[str(graph.part_numbers[r]) for r in graph.roots],
        preview=prev.to_dict("records"),
        issues=sort_issues(graph.issues),
        rows_read=sum(s.rows for s in table.sources),
        rows_used=sum(s.rows_used for s in table.sources),
        rows_skipped=skipped,
        lines_added=sum(1 for s in table.sources if s.product),
        master_rows=sum(s.rows_used for s in table.sources if s.role == "master"),
    )


@without_gc
def explode(
    source: Source,
    *,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
    progress: ProgressCallback | None = None,
) -> ExplodeResult:
    """Flatten every product to its purchased parts (total quantity, extended cost).

    Returns
    -------
    ExplodeResult
        ``table`` (one row per product × purchased part), ``products``, ``issues``.
    """
    graph, _ = load_graph(
        source, read=_read_options(read, columns, sheet, layout), progress=progress
    )
    if progress:
        progress("analysing")
    return explode_graph(graph, sort_issues(graph.issues))


__all__ = ["ExplodeResult", "InspectResult", "analyze", "explode", "inspect", "load_graph"]
