"""The run-record verbs (``bomtrace history``, ``bomtrace show``, ``bomtrace library
impact``); re-exported by :mod:`bomtrace.api`.

:mod:`bomtrace.library` (SQLAlchemy, Alembic) is imported when one of these runs, so that the
other commands do not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bomtrace.library.records import ImpactResult, ProductHistory, StoredRun

Db = str | os.PathLike[str] | None


def _engine(db: Db) -> Engine:
    from bomtrace.library import open_library

    return open_library(db)


def history(part: str, *, db: Db = None, destinations: Sequence[str] = ()) -> ProductHistory:
    """The verdicts a product has had in the stored runs, and what changed between them."""
    from bomtrace.library.runs import product_history

    engine = _engine(db)
    try:
        return product_history(engine, part, [d.upper() for d in destinations])
    finally:
        engine.dispose()


def show(run_id: int, *, db: Db = None) -> StoredRun:
    """A stored run, to render in any report format without its input files."""
    from bomtrace.library.runs import load_run

    engine = _engine(db)
    try:
        return load_run(engine, run_id)
    finally:
        engine.dispose()


def library_impact(part: str, *, set_values: Sequence[str], db: Db = None) -> ImpactResult:
    """The stored products whose verdict a change of ``part``'s values would move: the latest
    run of each stored BOM that has the part is analysed again from its input files, as it
    was run, before and after the change. A BOM whose files are gone or changed since its run
    is listed as not evaluated (run it again with ``analyze --db``), never guessed."""
    from bomtrace.api.impact import impact

    engine = _engine(db)
    try:
        return impact(engine, part, list(set_values))
    finally:
        engine.dispose()


__all__ = ["history", "library_impact", "show"]
