"""What ``analyze --db`` does with the parts library: the lookup that fills the graph build's
gaps, the document's ``library`` block, and the run stored once the result is made.

:mod:`bomtrace.library` (SQLAlchemy, Alembic) is imported only when a library is given.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson

from bomtrace.graph.load import Source, as_paths
from bomtrace.io import ReadOptions

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bomtrace.analysis import AnalysisResult
    from bomtrace.graph.model import BomGraph
    from bomtrace.issues import IssueLog
    from bomtrace.library.fill import LibraryLookup

Db = str | os.PathLike[str] | None

#: the reading options a replay keeps (the others are the defaults or run-time only)
_READ_KEYS = ("columns", "sheet", "layout", "limit_issues", "as_of", "product", "profile",
              "encoding", "build_quantity", "ids_as_written")  # fmt: skip


class LibraryRun:
    """``analyze --db``: the library opened, its lookup for the graph build, and the run
    stored once the result is made.

    The library is opened (SQLAlchemy imported, the schema checked or migrated) and, for a
    large library, its snapshot read on a thread while the BOM is read; an error opening it
    (a missing folder, a bad URL) is raised where the build first asks for it."""

    def __init__(self, db: Db) -> None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bomtrace-library")
        self._opened: Future[tuple[Engine, LibraryLookup]] = pool.submit(_open, db)
        pool.shutdown(wait=False)

    @property
    def engine(self) -> Engine:
        return self._opened.result()[0]

    def lookup(self, part_numbers: Any) -> Any:
        """The build's fallback (:class:`~bomtrace.library.fill.LibraryLookup`)."""
        return self._opened.result()[1](part_numbers)

    def use(self, graph: BomGraph, sink: IssueLog, letters: Any) -> dict[str, Any]:
        """The document's ``library`` block; disagreements go to ``sink``."""
        from bomtrace.library.fill import library_use

        return library_use(graph, self._opened.result()[1], sink, letters)

    def store(self, result: AnalysisResult, graph: BomGraph, replay: dict[str, Any] | None) -> int:
        """Store the run; its id."""
        from bomtrace.library.runs import store_run

        head = {
            "bomtrace_version": result.version,
            "ruleset": result.ruleset,
            "options": result.options,
            "inputs": result.inputs,
            "library": result.library,
            "products": result.products.to_dicts(),
        }
        # the document as ``--format json`` writes it: the sub-assemblies in bulk
        document = b"".join(result.json_pieces(orjson.OPT_SERIALIZE_NUMPY))
        try:
            return store_run(
                self.engine,
                head,
                exit_code=int(result.exit_code),
                replay=replay,
                part_numbers=graph.part_numbers.tolist(),
                document=document,
            )
        finally:
            self.engine.dispose()


def read_options_of(replay: dict[str, Any]) -> ReadOptions:
    """The reading options a replay (:func:`replay_of`) kept."""
    o = dict(replay["read"])
    if o.get("as_of"):
        o["as_of"] = date.fromisoformat(o["as_of"])
    if isinstance(o.get("sheet"), list):
        o["sheet"] = tuple(o["sheet"])
    return ReadOptions(**o)


def _open(db: Db) -> tuple[Engine, LibraryLookup]:
    from bomtrace.library import open_library
    from bomtrace.library.fill import LibraryLookup

    engine = open_library(db)
    lookup = LibraryLookup(engine)
    lookup.read_early()
    return engine, lookup


def replay_of(source: Source, read: ReadOptions, analyze: dict[str, Any]) -> dict[str, Any] | None:
    """How to run an analysis again (``library impact``): the inputs' absolute paths, the
    reading options and the analyze options; None when it was not given files."""
    if not isinstance(source, str | os.PathLike | list | tuple):
        return None
    try:
        paths = [os.path.abspath(os.fspath(p)) for p in as_paths(source)]  # type: ignore[arg-type]
    except TypeError:
        return None
    opts = {k: getattr(read, k) for k in _READ_KEYS}  # (not asdict: it deep-copies)
    opts["columns"] = dict(read.columns)
    if read.as_of is not None:
        opts["as_of"] = read.as_of.isoformat()
    if read.profile:
        opts["profile"] = os.path.abspath(read.profile)
    if isinstance(read.sheet, tuple):
        opts["sheet"] = list(read.sheet)
    return {"paths": paths, "read": opts, "analyze": analyze}


__all__ = ["LibraryRun", "read_options_of", "replay_of"]
