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
from datetime import UTC, date, datetime

from bomtrace._version import __version__
from bomtrace.analysis import AnalysisOptions, AnalysisResult, analyze_graph
from bomtrace.analysis.explain import ExplainResult, check_parts, explain_graph
from bomtrace.analysis.suppliers import SuppliersResult, supplier_audit
from bomtrace.analysis.what_if import WHAT_IF_NOTE, parse_set, with_values
from bomtrace.countries import country_option
from bomtrace.errors import UsageError
from bomtrace.explosion import ExplodeResult, explode_graph
from bomtrace.fdpr import start_fdpr
from bomtrace.graph import build_graph
from bomtrace.graph.inspection import InspectResult, inspection
from bomtrace.graph.load import PathArg, Source, as_paths, load_graph, read_options
from bomtrace.io import ReadOptions, read_bom
from bomtrace.issues import IssueCode, IssueLog, sort_issues
from bomtrace.progress import ProgressCallback
from bomtrace.rules import load_ruleset
from bomtrace.rules.overview import RulesOverview
from bomtrace.rules.ruleset import as_date


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
    what_if: Sequence[str] = (),
    stamp: bool = False,
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
        made_in=country_option(made_in, "--made-in"),
    )
    changes = [parse_set(s) for s in what_if]  # PN:FIELD=VALUE, checked before reading
    ruleset = load_ruleset(day)
    for s in options.scenarios:
        ruleset.scenario(s)  # fail early on unknown names
    for d in options.destinations:
        ruleset.destination(d)  # likewise, before the BOM is read
    read_opts = read_options(read, columns, sheet, layout)
    if read_opts.as_of is None and day is not None:
        read_opts = read_opts.with_(as_of=day)  # effectivity dates follow the rules' date
    graph, table = load_graph(source, read=read_opts, progress=progress)
    graph = with_values(graph, changes)
    if progress:
        progress("analysing")
    sink = IssueLog(read_opts.limit_issues)
    sink.extend(graph.issues)
    for c in changes:
        sink.add(
            IssueCode.WHAT_IF,
            f"What-if: {c.part_number} {c.field} set to {c.given!r} for this run "
            f"({WHAT_IF_NOTE}).",
            part_number=c.part_number,
        )
    fdpr = start_fdpr(  # beside the de minimis analysis, on the second core
        graph, ruleset, options, limit_issues=read_opts.limit_issues,
        parties=parties, screening_lists=screening_lists, producers=producers,
    )  # fmt: skip
    products, subs = analyze_graph(graph, ruleset, options, sink, fdpr=fdpr.result)
    dests = products.countries()
    info = ruleset.info
    return AnalysisResult(
        version=__version__,
        ruleset={
            "as_of": info.as_of.isoformat(),
            "data_version": info.data_version,
            "scenarios": list(options.scenarios),
            "sources": list(info.sources),
            "limits": products.limits(),
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
            "bom_date": read_opts.as_of.isoformat() if read_opts.as_of else None,
            **({"what_if": [c.to_dict() for c in changes]} if changes else {}),
        },
        products=products,
        assemblies=subs,
        issues=sort_issues(sink.finish()),
        all_assemblies=all_assemblies,
        stamp=datetime.now(UTC).isoformat(timespec="seconds") if stamp else None,
    )


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


def suppliers(
    source: Source,
    *,
    destinations: Sequence[str] = (),
    as_of: date | str | None = None,
    end_user: str | None = None,
    parties: Sequence[str] = (),
    screening_lists: Sequence[PathArg] = (),
    producers: PathArg | None = None,
    read: ReadOptions | None = None,
) -> SuppliersResult:
    """Per supplier: parts, value, US-origin value, controlled value, FDPR exposure, missing facts.

    The parameters are those of :func:`analyze` (``read``: reader options). Returns a
    :class:`~bomtrace.analysis.suppliers.SuppliersResult`; :mod:`bomtrace.analysis.suppliers`
    has an example.
    """
    graph, _ = load_graph(source, read=read)
    res = analyze(
        graph,
        destinations=destinations,
        as_of=as_of,
        end_user=end_user,
        parties=parties,
        screening_lists=screening_lists,
        producers=producers,
        assemblies=False,
    )
    return supplier_audit(graph, res, load_ruleset(as_date(as_of)), end_user=end_user)


from bomtrace.api.diff import diff  # noqa: E402
from bomtrace.api.library import library_export, library_import, library_show  # noqa: E402
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
    "library_export",
    "library_import",
    "library_show",
    "load_graph",
    "rule_changes",
    "rules",
    "suppliers",
    "where_used",
]
