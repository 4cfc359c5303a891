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
    from bomtrace.library.records import ImpactResult, ProductHistory, StoredRun

Db = str | os.PathLike[str] | None


def history(part: str, *, db: Db = None, destinations: Sequence[str] = ()) -> ProductHistory:
    """The verdicts a product has had in the stored runs, and what changed between them."""
    from bomtrace.library import opened
    from bomtrace.library.runs import product_history

    with opened(db) as engine:
        return product_history(engine, part, [d.upper() for d in destinations])


def show(run_id: int, *, db: Db = None) -> StoredRun:
    """A stored run, to render in any report format without its input files."""
    from bomtrace.library import opened
    from bomtrace.library.runs import load_run

    with opened(db) as engine:
        return load_run(engine, run_id)


def library_impact(part: str, *, set_values: Sequence[str], db: Db = None) -> ImpactResult:
    """The stored products whose verdict a change of ``part``'s values would move: the latest
    run of each stored BOM that has the part is analysed again from its input files, as it
    was run, before and after the change. A BOM whose files are gone or changed since its run
    is listed as not evaluated (run it again with ``analyze --db``), never guessed."""
    from bomtrace.api.impact import impact
    from bomtrace.library import opened

    with opened(db) as engine:
        return impact(engine, part, list(set_values))


__all__ = ["history", "library_impact", "show"]
