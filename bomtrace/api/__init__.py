"""The verbs: one library function per CLI command, with the command's name and options.

``analyze``, ``inspect``, ``explode``, ``explain``, ``suppliers`` and ``rules`` each take what
the command reads (paths, a :class:`~bomtrace.io.table.BomTable` or a
:class:`~bomtrace.graph.BomGraph`) and its options, call the stages in order — reading
(:mod:`bomtrace.io`), the graph (:func:`bomtrace.graph.load.load_graph`), the analysis
(:mod:`bomtrace.analysis`) — and return a result object whose ``to_dict()`` every report
renders. The CLI only parses flags, calls one of these and renders the result
(:mod:`bomtrace.report.formats`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bomtrace.analysis import AnalysisOptions
from bomtrace.analysis.explain import ExplainResult, check_parts, explain_graph
from bomtrace.analysis.suppliers import SuppliersResult
from bomtrace.countries import country_option
from bomtrace.errors import UsageError
from bomtrace.explosion import ExplodeResult, explode_graph
from bomtrace.graph import build_graph
from bomtrace.graph.inspection import InspectResult, inspection
from bomtrace.graph.load import PathArg, Source, as_paths, load_graph, read_options
from bomtrace.io import ReadOptions, read_bom
from bomtrace.issues import sort_issues
from bomtrace.progress import ProgressCallback
from bomtrace.rules import load_ruleset
from bomtrace.rules.overview import RulesOverview
from bomtrace.rules.ruleset import as_date


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
    opts = read_options(read, columns, sheet, layout)
    table = read_bom(as_paths(source), opts)
    graph = build_graph(table, limit_issues=opts.limit_issues)
    return inspection(table, graph, preview=preview)


def suggest_profile(source: PathArg | Sequence[PathArg], *, read: ReadOptions | None = None) -> str:
    """The mapping profile (commented TOML) of the files as read: ``inspect --suggest-profile``."""
    from bomtrace.io.suggest import suggest_profile as suggest

    return suggest(read_bom(as_paths(source), read), read)


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
        source, read=read_options(read, columns, sheet, layout), progress=progress
    )
    if progress:
        progress("analysing")
    return explode_graph(graph, sort_issues(graph.issues))


def explain(
    source: Source,
    *,
    destination: str,
    part: str | None = None,
    product: str | None = None,
    as_of: date | str | None = None,
    assembly_cost: str = "rollup",
    second_incorporation: bool = True,
    made_in: str | None = None,
    read: ReadOptions | None = None,
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
        See :mod:`bomtrace.analysis.explain` for an example.

    Raises
    ------
    bomtrace.errors.UsageError
        Neither ``part`` nor ``product`` given, or a part number not in the BOM.
    bomtrace.errors.UnknownDestination
        The destination is not known on ``as_of``.
    """
    if part is None and product is None:
        raise UsageError("explain needs --part PN or --product PN (or both).")
    day = as_date(as_of)
    ruleset = load_ruleset(day)
    dest = ruleset.destination(destination)
    graph, _ = load_graph(source, read=read_options(read, columns, sheet, layout))
    check_parts(graph, part, product)
    options = AnalysisOptions(
        destinations=(dest.code,),
        as_of=day,
        assembly_cost=assembly_cost,  # type: ignore[arg-type]
        top=1_000_000,
        assemblies=True,
        second_incorporation=second_incorporation,
        made_in=country_option(made_in, "--made-in"),
    )
    return explain_graph(graph, ruleset, dest, options, part=part, product=product)


from bomtrace.api.analyze import analyze, suppliers  # noqa: E402
from bomtrace.api.diff import diff  # noqa: E402
from bomtrace.api.library import library_export, library_import, library_show  # noqa: E402
from bomtrace.api.portfolio import portfolio  # noqa: E402
from bomtrace.api.records import history, library_impact, show  # noqa: E402
from bomtrace.api.rules import rule_changes, rules  # noqa: E402
from bomtrace.api.where_used import where_used  # noqa: E402

__all__ = [
    "ExplainResult",
    "ExplodeResult",
    "InspectResult",
    "RulesOverview",
    "SuppliersResult",
    "analyze",
    "diff",
    "explain",
    "explode",
    "inspect",
    "history",
    "library_export",
    "library_impact",
    "library_import",
    "library_show",
    "load_graph",
    "portfolio",
    "rule_changes",
    "rules",
    "show",
    "suppliers",
    "where_used",
]
