"""How to read BOM files, as one frozen dataclass (one field per CLI reading flag)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bomtrace.io.table import Layout
from bomtrace.settings import DEFAULT_LIMIT_ISSUES


@dataclass(frozen=True)
class ReadOptions:
    """Reader options shared by every verb that reads files.

    Attributes
    ----------
    columns : mapping of str to str
        ``FIELD -> HEADER`` overrides (``--column FIELD=HEADER``); HEADER is header text or a
        1-based column number.
    sheet : str or None
        Read only this sheet (``--sheet``): a name or a 1-based number.
    layout : {"indented", "parent-child"} or None
        Force the BOM layout (``--layout``) instead of detecting it.
    limit_issues : int
        Cap per issue code; the overflow is summarised.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None
    layout: Layout | None = None
    limit_issues: int = DEFAULT_LIMIT_ISSUES

    def with_(self, **changes: Any) -> ReadOptions:
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
