"""What the library verbs return: plain data with ``to_dict()`` for the report writers.

None of them holds the database's name or URL: outputs never show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd

from bomtrace.issues import Issue


@lru_cache(maxsize=4096)  # an import's millions of changes share one time
def stamp(when: datetime | None) -> str | None:
    """A stored UTC time as ISO text with ``Z``.

    >>> stamp(datetime(2024, 1, 2, 3, 4, 5))
    '2024-01-02T03:04:05Z'
    """
    return None if when is None else when.replace(microsecond=0).isoformat() + "Z"


def source(
    file: str | None, sheet: str | None, row: int | None, changed_at: str | None, import_id: Any
) -> dict[str, Any]:
    """Where a library value came from, as results and ``parts.sources`` give it."""
    return {"file": file, "sheet": sheet, "row": row, "changed_at": changed_at,
            "import_id": import_id}  # fmt: skip


def source_text(src: Mapping[str, Any], *, dated: bool = False) -> str:
    """Where a value came from, for people: file, sheet, row (and, ``dated``, the day it was
    set); empty when the source names none of them.

    >>> src = {"file": "a.xlsx", "sheet": "S", "row": 4, "changed_at": "2024-01-02T03:04:05Z"}
    >>> source_text(src, dated=True)
    'a.xlsx, sheet S, row 4, 2024-01-02'
    """
    parts = [str(src["file"])] if src.get("file") else []
    if src.get("sheet"):
        parts.append(f"sheet {src['sheet']}")
    if src.get("row") is not None:
        parts.append(f"row {src['row']}")
    if dated and src.get("changed_at"):
        parts.append(str(src["changed_at"])[:10])
    return ", ".join(parts)


@dataclass
class Change:
    """One value changed by an import (also one row of a part's history)."""

    part_number: str
    field: str
    old: Any
    new: Any
    file: str | None
    sheet: str | None
    row: int | None
    changed_at: datetime
    import_id: int | None = None

    def source(self) -> dict[str, Any]:
        """Where the new value came from (:func:`source`)."""
        return source(self.file, self.sheet, self.row, stamp(self.changed_at), self.import_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "part_number": self.part_number,
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "changed_at": stamp(self.changed_at),
            "import_id": self.import_id,
        }


@dataclass
class LibraryImport:
    """The outcome of ``library import``: the files, what was added and changed, the issues."""

    import_id: int
    files: list[dict[str, str]]
    parts_read: int
    parts_added: list[str]
    parts_changed: list[str]
    changes: list[Change]
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self, *, replaced_only: bool = False) -> dict[str, Any]:
        """The import as plain data; with ``replaced_only``, only the changes of a value the
        library had (what the text report lists; a first import of a large master has
        millions of new values)."""
        changes = [c for c in self.changes if c.old is not None] if replaced_only else self.changes
        return {
            "import_id": self.import_id,
            "files": self.files,
            "parts_read": self.parts_read,
            "parts_added": len(self.parts_added),
            "parts_changed": len(self.parts_changed),
            "parts_unchanged": self.parts_read - len(self.parts_added) - len(self.parts_changed),
            "changes": [c.to_dict() for c in changes],
            "issues": [i.to_dict() for i in self.issues],
        }


@dataclass
class LibraryPart:
    """``library show``: one part's values (as of a date, when asked) and its history."""

    part_number: str
    as_of: date | None
    values: dict[str, Any]
    history: list[Change]

    def to_dict(self) -> dict[str, Any]:
        return {
            "part_number": self.part_number,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "values": self.values,
            "history": [c.to_dict() for c in self.history],
        }


@dataclass
class LibraryExport:
    """``library export``: every part, one row each (``part_number`` then the attributes)."""

    frame: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        frame = self.frame.astype(object).where(self.frame.notna(), None)
        return {"parts": frame.to_dict("records")}
