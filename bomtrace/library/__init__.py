"""The parts library: what the team knows about its parts, kept in a database with history.

A SQLAlchemy 2 Core schema (:mod:`bomtrace.library.schema`) migrated by Alembic on open
(:mod:`bomtrace.library.db`); imports read parts masters and supplier answer sheets with the
BOM readers and upsert the parts' attributes in one transaction, every changed value a history
row (:mod:`bomtrace.library.importer`); a part's values as of a date are folded from that
history (:mod:`bomtrace.library.query`). The database is any SQLAlchemy URL, or a SQLite file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: name → module, imported on first use: the result types (:mod:`bomtrace.library.results`)
#: are read by the reports without loading SQLAlchemy
_LAZY = {
    "open_library": "bomtrace.library.db",
    "opened": "bomtrace.library.db",
    "resolve_db": "bomtrace.library.db",
    "import_table": "bomtrace.library.importer",
    "export_frame": "bomtrace.library.query",
    "show_part": "bomtrace.library.query",
    "LibraryExport": "bomtrace.library.results",
    "LibraryImport": "bomtrace.library.results",
    "LibraryPart": "bomtrace.library.results",
}

if TYPE_CHECKING:
    from bomtrace.library.db import open_library, opened, resolve_db
    from bomtrace.library.importer import import_table
    from bomtrace.library.query import export_frame, show_part
    from bomtrace.library.results import LibraryExport, LibraryImport, LibraryPart


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bomtrace.library' has no attribute {name!r}")


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
