"""How to read BOM files, as one frozen dataclass (one field per CLI reading flag)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from bomtrace.settings import DEFAULT_LIMIT_ISSUES

if TYPE_CHECKING:
    from bomtrace.io.table import LayoutChoice


@dataclass(frozen=True)
class ReadOptions:
    """Reader options shared by every verb that reads files.

    Attributes
    ----------
    columns : mapping of str to str
        ``FIELD -> HEADER`` overrides (``--column FIELD=HEADER``); HEADER is header text or a
        1-based column number.
    sheet : str, sequence of str, or None
        Read only these sheets (``--sheet``, repeatable): names or 1-based numbers.
    layout : {"indented", "parent-child", "flat", "per-assembly"} or None
        Force the BOM layout (``--layout``) instead of detecting it.
    limit_issues : int
        Cap per issue code; the overflow is summarised.
    as_of : datetime.date or None
        Use only the lines in effect on this date (``--as-of``) when the files have
        effectivity dates; None means today.
    product : str or None
        Part number of the product of a single-level BOM, or of a BOM without a product line
        (``--product``); by default it is taken from a title cell or the file name.
    profile : str or None
        A mapping profile (TOML) written by ``save_profile`` to read with (``--profile``);
        its columns, sheet and layout apply where these options leave them unset.
    save_profile : str or None
        Write the mapping that was used to this TOML file (``--save-profile``).
    encoding : str or None
        Text encoding of delimited files (``--encoding``, e.g. ``gb18030``); sniffed when None.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    sheet: str | tuple[str, ...] | None = None
    layout: LayoutChoice | None = None
    limit_issues: int = DEFAULT_LIMIT_ISSUES
    as_of: date | None = None
    product: str | None = None
    profile: str | None = None
    save_profile: str | None = None
    encoding: str | None = None

    def with_(self, **changes: Any) -> ReadOptions:
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def sheets(self) -> tuple[str, ...]:
        """The ``sheet`` option as a tuple (empty: every sheet)."""
        if self.sheet is None:
            return ()
        if isinstance(self.sheet, str):
            return (self.sheet,)
        return tuple(self.sheet)
