"""Foreign Direct Product rule exposure (15 CFR 734.9; in 2020, 736.2(b)(3)).

Modules: :mod:`~bomtrace.fdpr.rules` (dated rule forms as data), :mod:`~bomtrace.fdpr.evidence`
(production evidence per part, yes / no / unknown), :mod:`~bomtrace.fdpr.screening` (Entity List
and Consolidated Screening List matching), :mod:`~bomtrace.fdpr.analysis` (caught / unresolved
parts, per-assembly counts and values). :func:`run_fdpr` runs them in order for one graph.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from bomtrace.fdpr.analysis import ProductFdpr, analyze_fdpr
from bomtrace.fdpr.evidence import ProducerTable, collect_evidence, read_producers
from bomtrace.fdpr.rules import FdpVersion, fdp_rule, fdp_rules_in_force, load_fdp_data
from bomtrace.fdpr.scope import ScreenedParty, screen_parties
from bomtrace.fdpr.screening import PartyMatch, ScreeningList, normalize_name
from bomtrace.fdpr.screening_sources import build_screening_list
from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode
from bomtrace.rules.model import Destination


def run_fdpr(
    graph: BomGraph,
    *,
    as_of: date,
    destinations: Sequence[Destination],
    is_us: object,
    end_user: str | None = None,
    parties: Sequence[str] = (),
    screening_lists: Sequence[str | os.PathLike[str]] = (),
    producers: str | os.PathLike[str] | ProducerTable | None = None,
    sink: IssueCollector | None = None,
) -> dict[int, ProductFdpr]:
    """FDPR findings for every analysable product of a graph (root node id → findings).

    Parameters
    ----------
    graph : BomGraph
        A validated graph.
    as_of : datetime.date
        Date whose rule forms apply.
    destinations : sequence of Destination
        Destinations of the shipment.
    is_us : numpy.ndarray of bool
        US-origin mask per node (US-origin parts are not FDP-tested).
    end_user : str, optional
        End user of the shipment (``--end-user``).
    parties : sequence of str, optional
        Other parties: purchaser, intermediate or ultimate consignee (``--party``).
    screening_lists : sequence of path, optional
        Consolidated Screening List files (JSON/CSV/TSV) screened besides the packaged extract.
    producers : path or ProducerTable, optional
        Producer table (``--producers``).
    sink : IssueCollector, optional
        Receives screening and FDPR issues.

    Raises
    ------
    bomtrace.errors.InputError
        A screening list or producer table cannot be read.
    """
    import numpy as np

    screening = build_screening_list(screening_lists)
    table = (
        producers
        if isinstance(producers, ProducerTable) or producers is None
        else read_producers(producers)
    )
    ev = collect_evidence(graph, np.asarray(is_us, dtype=bool), table)
    screened = screen_parties(end_user, parties, screening)
    if sink is not None:
        _party_issues(screened, screening, sink)
    return analyze_fdpr(
        graph,
        ev,
        as_of=as_of,
        destinations=destinations,
        screened=screened,
        screening=screening,
        sink=sink,
    )


def _party_issues(screened: list[ScreenedParty], sl: ScreeningList, sink: IssueCollector) -> None:
    lists = "; ".join(sl.labels)
    for p in screened:
        who = f"{'End user' if p.role == 'end_user' else 'Party'} {p.name!r}"
        m = p.match
        if m.status == "match":
            e = m.entries[0]
            fns = ", ".join(str(n) for n in sorted(m.footnotes)) or "none"
            more = f" (and {len(m.entries) - 1} more rows)" if len(m.entries) > 1 else ""
            sink.add(
                IssueCode.PARTY_LISTED,
                f"{who} is listed: {e.name!r}{more} on the {e.list_name} ({e.origin}); "
                f"FDP footnote(s): {fns}.",
                data={"match": m.to_dict()},
            )
        elif m.status == "possible":
            sink.add(
                IssueCode.PARTY_POSSIBLE_MATCH,
                f"{who} resembles the listed {m.entries[0].name!r} (score {m.score:.0f} of 100) "
                f"but is not the same name, so it was NOT treated as listed. If it is that "
                f"party, give the listed name.",
                data={"match": m.to_dict()},
            )
        else:
            sink.add(
                IssueCode.PARTY_NOT_LISTED,
                f"{who} was not found on: {lists}. Screen against the full Consolidated "
                f"Screening List with --screening-list FILE.",
            )


__all__ = [
    "FdpVersion",
    "PartyMatch",
    "ProducerTable",
    "ProductFdpr",
    "ScreeningList",
    "attach_fdpr",
    "build_screening_list",
    "fdp_rule",
    "fdp_rules_in_force",
    "load_fdp_data",
    "normalize_name",
    "read_producers",
    "run_fdpr",
]


def attach_fdpr(
    graph: BomGraph,
    ruleset: object,
    options: object,
    products: Sequence[object],
    sink: IssueCollector,
    *,
    parties: Sequence[str] = (),
    screening_lists: Sequence[str | os.PathLike[str]] = (),
    producers: str | os.PathLike[str] | ProducerTable | None = None,
) -> None:
    """Run :func:`run_fdpr` for an analysis and fill each ``ProductResult.fdpr`` /
    ``fdpr_summary`` (the glue :func:`bomtrace.analyze` calls)."""
    from bomtrace.analysis.deminimis import resolve_destinations
    from bomtrace.analysis.values import node_origins

    is_us, _ = node_origins(graph)
    found = run_fdpr(
        graph,
        as_of=ruleset.info.as_of,  # type: ignore[attr-defined]
        destinations=resolve_destinations(ruleset, options),  # type: ignore[arg-type]
        is_us=is_us,
        end_user=getattr(options, "end_user", None),
        parties=parties,
        screening_lists=screening_lists,
        producers=producers,
        sink=sink,
    )
    if hasattr(products, "attach_fdpr"):  # ProductResults: by root node
        products.attach_fdpr(found)
        return
    by_pn = {str(graph.part_numbers[r]): res for r, res in found.items()}
    for p in products:
        res = by_pn.get(p.part_number)  # type: ignore[attr-defined]
        if res is not None:
            p.fdpr = res.entries  # type: ignore[attr-defined]
            p.fdpr_summary = res.summary  # type: ignore[attr-defined]
