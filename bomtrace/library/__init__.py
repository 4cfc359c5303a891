"""The parts library: what the team knows about its parts, kept in a database with history.

A SQLAlchemy 2 Core schema (:mod:`bomtrace.library.schema`) migrated by Alembic on open
(:mod:`bomtrace.library.db`); imports read parts masters and supplier answer sheets with the
BOM readers and upsert the parts' attributes in one transaction, every changed value a history
row (:mod:`bomtrace.library.importer`); a part's values as of a date are folded from that
history (:mod:`bomtrace.library.query`). The database is any SQLAlchemy URL, or a SQLite file.
"""

from __future__ import annotations

from bomtrace.library.db import open_library, opened, resolve_db
from bomtrace.library.importer import import_table
from bomtrace.library.query import export_frame, show_part
from bomtrace.library.results import LibraryExport, LibraryImport, LibraryPart

__all__ = [
    "LibraryExport",
    "LibraryImport",
    "LibraryPart",
    "export_frame",
    "import_table",
    "open_library",
    "opened",
    "resolve_db",
    "show_part",
]
