"""The where-used verb of the library (``bomtrace where-used``); re-exported by
:mod:`bomtrace.api`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bomtrace.analysis import AnalysisOptions
from bomtrace.analysis.what_if import parse_set
from bomtrace.analysis.where_used import WhereUsedResult, what_if_verdicts, where_used_graph
from bomtrace.countries import country_option
from bomtrace.graph.load import Source, load_graph, read_options
from bomtrace.io import ReadOptions
from bomtrace.issues import sort_issues
from bomtrace.rules import load_ruleset
from bomtrace.rules.ruleset import as_date


def where_used(
    source: Source,
    part: str,
    *,
    set_values: Sequence[str] = (),
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
    as_of: date | str | None = None,
    made_in: str | None = None,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
) -> WhereUsedResult:
    """Every product and assembly that uses ``part``, with the paths and extended quantities;
    with ``set_values`` (``FIELD=VALUE`` for the part, e.g. ``country_of_origin=DE``,
    ``eccn=EAR99``, ``unit_cost=3.5``, ``us_content_pct=12%``), the products holding it are
    analysed with the BOM's values and with those, and each product × destination verdict is
    shown before and after (``what_if``).

    Parameters
    ----------
    source : path, paths or BomTable
        The BOM.
    part : str
        The part number.
    set_values : sequence of str, optional
        What-ifs on the part's attributes.
    destinations, all_destinations, as_of, made_in, read, columns, sheet, layout
        As for :func:`bomtrace.analyze`.

    Raises
    ------
    bomtrace.errors.UsageError
        The part is not in the BOM (close part numbers are named), or a what-if is not valid.

    >>> r = where_used("samples/rtr_e200.xlsx", "0063-0001")
    >>> [(p["product"], p["extended_quantity"]) for p in r.products]
    [('RTR-E200', 1.0)]
    """
    changes = [parse_set(s, part) for s in set_values]
    day = as_date(as_of)
    ruleset = load_ruleset(day) if changes else None
    for d in destinations:
        if ruleset is not None:
            ruleset.destination(d)  # an unknown destination fails before the BOM is read
    read_opts = read_options(read, columns, sheet, layout)
    if read_opts.as_of is None and day is not None:
        read_opts = read_opts.with_(as_of=day)
    graph, _table = load_graph(source, read=read_opts)
    out = where_used_graph(graph, part)
    out.issues = [i.to_dict() for i in sort_issues(graph.issues)]
    if ruleset is not None:
        options = AnalysisOptions(
            destinations=tuple(destinations),
            all_destinations=all_destinations,
            as_of=day,
            made_in=country_option(made_in, "--made-in"),
            assemblies=False,
        )
        held = [p["product"] for p in out.products]
        out.what_if = what_if_verdicts(graph, ruleset, options, changes, held)
        info = ruleset.info
        out.ruleset = {"as_of": info.as_of.isoformat(), "data_version": info.data_version}
    return out


__all__ = ["where_used"]
