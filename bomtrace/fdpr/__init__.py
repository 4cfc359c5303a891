"""Foreign Direct Product rule exposure (15 CFR 734.9; in 2020, 736.2(b)(3)).

Modules: :mod:`~bomtrace.rules.fdp` (dated rule forms as data), :mod:`~bomtrace.fdpr.evidence`
(production evidence per part, yes / no / unknown), :mod:`~bomtrace.fdpr.screening` (Entity List
and Consolidated Screening List matching), :mod:`~bomtrace.fdpr.analysis` (caught / unresolved
parts, per-assembly counts and values). :func:`run_fdpr` runs them in order for one graph.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from datetime import date

import numpy as np

from bomtrace.analysis.deminimis import resolve_destinations
from bomtrace.analysis.options import AnalysisOptions
from bomtrace.analysis.values import node_origins
from bomtrace.fdpr.analysis import ProductFdpr, analyze_fdpr
from bomtrace.fdpr.evidence import ProducerTable, collect_evidence, read_producers
from bomtrace.fdpr.scope import ScreenedParty, screen_parties
from bomtrace.fdpr.screening import PartyMatch, ScreeningList, normalize_name
from bomtrace.fdpr.screening_sources import build_screening_list
from bomtrace.graph.model import BomGraph
from bomtrace.issues import Issue, IssueCode, IssueLog
from bomtrace.rules.fdp import FdpVersion, fdp_rule, fdp_rules_in_force, load_fdp_data
from bomtrace.rules.model import Destination
from bomtrace.rules.ruleset import Ruleset


def run_fdpr(
    graph: BomGraph,
    *,
    as_of: date,
    destinations: Sequence[Destination],
    is_us: np.ndarray,
    end_user: str | None = None,
    parties: Sequence[str] = (),
    screening_lists: Sequence[str | os.PathLike[str]] = (),
    producers: str | os.PathLike[str] | ProducerTable | None = None,
    sink: IssueLog | None = None,
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
    sink : IssueLog, optional
        Receives screening and FDPR issues.

    Raises
    ------
    bomtrace.errors.InputError
        A screening list or producer table cannot be read.
    """

    screening = build_screening_list(screening_lists, as_of)
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


def _party_issues(screened: list[ScreenedParty], sl: ScreeningList, sink: IssueLog) -> None:
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
    "PendingFdpr",
    "build_screening_list",
    "fdp_rule",
    "fdp_rules_in_force",
    "load_fdp_data",
    "normalize_name",
    "read_producers",
    "run_fdpr",
    "start_fdpr",
]


def start_fdpr(
    graph: BomGraph,
    ruleset: Ruleset,
    options: AnalysisOptions,
    *,
    limit_issues: int,
    parties: Sequence[str] = (),
    screening_lists: Sequence[str | os.PathLike[str]] = (),
    producers: str | os.PathLike[str] | ProducerTable | None = None,
    background: bool = True,
) -> PendingFdpr:
    """Start :func:`run_fdpr` for an analysis (the glue :func:`bomtrace.analyze` calls).

    With ``background`` it runs on a thread while the caller does the de minimis analysis:
    both mostly run numpy and sparse products, which release the GIL, so on two cores they
    overlap. Its issues go to a collector of its own (cap ``limit_issues``) until
    :meth:`PendingFdpr.result`.
    """
    is_us, _ = node_origins(graph)  # shared with the de minimis analysis: made once, here
    own = IssueLog(limit_issues)

    def job() -> dict[int, ProductFdpr]:
        # values that multiply past the largest float are inf, without a warning, as in the
        # de minimis analysis (which reports them and leaves their products unanalysed); the
        # setting is per thread, so it is made here too
        with np.errstate(over="ignore"):
            return run_fdpr(
                graph,
                as_of=ruleset.info.as_of,
                destinations=resolve_destinations(ruleset, options),
                is_us=is_us,
                end_user=options.end_user,
                parties=parties,
                screening_lists=screening_lists,
                producers=producers,
                sink=own,
            )

    return PendingFdpr(job, own, background)


class PendingFdpr:
    """A :func:`run_fdpr` started by :func:`start_fdpr`; :meth:`result` waits for it and gives
    its findings to the analysis (:func:`~bomtrace.analysis.deminimis.analyze_graph`)."""

    def __init__(
        self,
        job: Callable[[], dict[int, ProductFdpr]],
        sink: IssueLog,
        background: bool,
    ) -> None:
        self._job, self._sink = job, sink
        self._found: dict[int, ProductFdpr] | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="bomtrace-fdpr", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._found = self._job()
        except BaseException as exc:  # raised again in the caller's thread by attach()
            self._error = exc

    def result(self) -> tuple[dict[int, ProductFdpr], list[Issue]]:
        """Wait for the run; its findings per product node and its issues (to go after
        those of the de minimis analysis, as if it had run last). An error of the run (an
        unreadable screening list or producer table) is raised here."""
        if self._thread is None:
            self._run()
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._found or {}, self._sink.finish()
