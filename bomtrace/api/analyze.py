"""The ``analyze`` and ``suppliers`` verbs (``bomtrace analyze``, ``bomtrace suppliers``);
re-exported by :mod:`bomtrace.api`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from bomtrace._version import __version__
from bomtrace.analysis import AnalysisOptions, AnalysisResult, analyze_graph
from bomtrace.analysis.suppliers import SuppliersResult, supplier_audit
from bomtrace.analysis.what_if import WHAT_IF_NOTE, parse_set, with_values
from bomtrace.api.library_run import LibraryRun, replay_of
from bomtrace.countries import country_option
from bomtrace.errors import UsageError
from bomtrace.fdpr import start_fdpr
from bomtrace.graph.load import PathArg, Source, load_graph, read_options
from bomtrace.io import ReadOptions
from bomtrace.issues import IssueCode, IssueLog, sort_issues
from bomtrace.progress import ProgressCallback
from bomtrace.rules import load_ruleset
from bomtrace.rules.ruleset import Ruleset, as_date


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
    db: str | os.PathLike[str] | None = None,
    record: bool = True,
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

    db : str or path, optional
        The parts library (a SQLite file or a database URL, :mod:`bomtrace.library`): it fills
        the part attributes the BOM leaves empty (the document's ``library`` says which, and
        where each came from; a BOM value the library has otherwise is a ``library-disagrees``
        issue, the BOM's value used) and, with ``record``, the run is stored (``run_id``).
        Not used for filling when ``source`` is a built graph.
    record : bool, optional
        Store the run in the library ``db`` (default True).

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
    day, ruleset = checked_rules(as_of, scenarios, destinations, assembly_cost)
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
    read_opts = read_options(read, columns, sheet, layout)
    if read_opts.as_of is None and day is not None:
        read_opts = read_opts.with_(as_of=day)  # effectivity dates follow the rules' date
    library = LibraryRun(db) if db is not None else None
    fallback = library.lookup if library is not None else None
    graph, table = load_graph(source, read=read_opts, progress=progress, fallback=fallback)
    if progress:
        progress("analysing")
    sink = IssueLog(read_opts.limit_issues)
    sink.extend(graph.issues)
    used = None
    if library is not None:
        used = library.use(graph, sink, table.letter if table is not None else None)
    graph = with_values(graph, changes)  # a what-if wins over the BOM and the library
    for c in changes:
        sink.add(
            IssueCode.WHAT_IF,
            f"What-if: {c.part_number} {c.field} set to {c.given!r} for this run ({WHAT_IF_NOTE}).",
            part_number=c.part_number,
        )
    fdpr = start_fdpr(  # beside the de minimis analysis, on the second core
        graph, ruleset, options, limit_issues=read_opts.limit_issues,
        parties=parties, screening_lists=screening_lists, producers=producers,
    )  # fmt: skip
    products, subs = analyze_graph(graph, ruleset, options, sink, fdpr=fdpr.result)
    dests = products.countries()
    info = ruleset.info
    result = AnalysisResult(
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
        library=used,
    )
    if library is not None and record:
        replay = replay_of(source, read_opts, {
            "destinations": dests, "all_destinations": all_destinations,
            "as_of": info.as_of.isoformat(), "scenarios": list(options.scenarios),
            "end_user": end_user, "assembly_cost": assembly_cost, "parties": list(parties),
            "made_in": options.made_in, "second_incorporation": second_incorporation,
        })  # fmt: skip
        result.run_id = library.store(result, graph, replay)
    elif library is not None:
        library.engine.dispose()
    return result


def checked_rules(
    as_of: date | str | None,
    scenarios: Sequence[str],
    destinations: Sequence[str],
    assembly_cost: str,
) -> tuple[date | None, Ruleset]:
    """The day and the rules of ``as_of``, once the options are known good: refused (before
    any BOM is read) are an unknown assembly-cost convention, scenario or destination."""
    if assembly_cost not in ("rollup", "added", "total"):
        raise UsageError(
            f"Unknown assembly cost convention {assembly_cost!r}. Use rollup, added or total."
        )
    day = as_date(as_of)
    ruleset = load_ruleset(day)
    for s in scenarios:
        ruleset.scenario(s)
    for d in destinations:
        ruleset.destination(d)
    return day, ruleset


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
