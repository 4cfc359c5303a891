"""The parts-library verbs (``bomtrace library import|show|export``); re-exported by
:mod:`bomtrace.api`.

Each takes ``db``: a SQLite file's path or a SQLAlchemy URL; None means ``$BOMTRACE_DB``.
Results never hold it. :mod:`bomtrace.library` (SQLAlchemy, Alembic) is imported when a verb
runs, so that the other commands do not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from bomtrace.io import ReadOptions, read_bom
from bomtrace.rules.ruleset import as_date

if TYPE_CHECKING:
    from bomtrace.library import LibraryExport, LibraryImport, LibraryPart

Db = str | os.PathLike[str] | None


def library_import(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    db: Db = None,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    now: datetime | None = None,
) -> LibraryImport:
    """Load parts masters or supplier answer sheets into the parts library: each part's
    attributes upserted in one transaction, every changed value kept as history (old → new,
    file, sheet, row, when). ``now`` (UTC, naive) dates the changes; default the clock.
    """
    from bomtrace.library import import_table, opened

    opts = (read or ReadOptions()).with_(columns=columns, sheet=sheet, parts_only=True)
    with opened(db) as engine:
        return import_table(engine, read_bom(paths, opts), now=now)


def library_show(part: str, *, db: Db = None, as_of: date | str | None = None) -> LibraryPart:
    """One part's values (as of a date: from its history) and its history."""
    from bomtrace.library import opened, show_part

    with opened(db) as engine:
        return show_part(engine, part, as_date(as_of))


def library_export(*, db: Db = None) -> LibraryExport:
    """Every part of the library as one table, for ``--format csv|xlsx``."""
    from bomtrace.library import export_frame, opened

    with opened(db) as engine:
        return export_frame(engine)


__all__ = ["library_export", "library_import", "library_show"]
