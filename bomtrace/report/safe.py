"""What keeps every file bomtrace writes inert when a spreadsheet opens it.

BOM cells come from suppliers and ERP exports, so a part number, description or supplier name
may be ``=HYPERLINK("http://evil","click")`` or ``=cmd|' /C calc'!A0``. Written as they are,
such cells become live formulas (or DDE calls) in the reports bomtrace writes and in the
request workbook that is sent to suppliers. The rules, used by every writer:

**xlsx** (:func:`xlsx_row`, :func:`set_text`): every text cell is written as a string cell,
never as a formula or an error value, whatever it starts with; numbers, booleans and dates stay
what they are. Characters that an xlsx file cannot hold (control characters other than tab,
line feed and carriage return) are replaced by U+FFFD, a carriage return becomes a line feed
(as an XML reader would read it back anyway), and text longer than Excel's 32,767 characters
per cell is cut there with a trailing ``…``.

**csv** (:func:`csv_field`, :func:`csv_column`), the OWASP CSV-injection rule: a *text* field
that starts with ``=``, ``+``, ``-``, ``@``, a tab (0x09) or a carriage return (0x0D) is
written with a single quote ``'`` in front of it, so that a spreadsheet shows it as text.
Numbers written as numbers (a negative headroom, say) are never prefixed: only text is. The
quote is the one change made, and text that already starts with ``'`` is written as it is;
so ``=1+1`` and ``'=1+1`` both come out as ``'=1+1``. The csv files are for people and
spreadsheets; JSON (and Parquet) carry every value exactly, for programs.

**sheet names** (:func:`sheet_title`): Excel forbids ``[ ] : * ? / \\`` in a sheet name,
more than 31 characters, a leading or trailing apostrophe, an empty name and the name
"History", and two names that differ only in case. A name made from data (a supplier) is
mended until it is none of these.

>>> csv_field("=1+1"), csv_field("-5 V"), csv_field(-5.0), csv_field("R1")
("'=1+1", "'-5 V", -5.0, 'R1')
>>> sheet_title('=HYPERLINK("x")/..\\\\x', set())
'=HYPERLINK("x")-..-x'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

#: first characters that make a spreadsheet read a csv field as a formula (OWASP)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on the characters of one cell
MAX_CELL_CHARS = 32_767
#: Excel's limit on the characters of a sheet name
MAX_SHEET_CHARS = 31
#: sheet names Excel keeps for itself (compared without case)
RESERVED_SHEET_NAMES = frozenset({"history"})

_XML_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\000-\037]")


def csv_field(value: Any) -> Any:
    """A csv field made inert: text starting with a formula trigger gets a leading ``'``.

    Anything that is not text (numbers, booleans, None) is returned unchanged.

    >>> [csv_field(v) for v in ["@SUM(1+1)", "\\t=1+1", "'=1+1", "", None, -0.5]]
    ["'@SUM(1+1)", "'\\t=1+1", "'=1+1", '', None, -0.5]
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """A csv row (header → value) with every field made inert by :func:`csv_field`."""
    return {csv_field(k): csv_field(v) for k, v in row.items()}


def csv_quoting(values: Iterable[Any]) -> Literal[0, 2]:
    r"""The ``csv`` quoting to write ``values`` with: :data:`csv.QUOTE_MINIMAL`, or
    :data:`csv.QUOTE_NONNUMERIC` when some text holds a carriage return. Written with ``\n``
    line ends, the csv module and pandas leave a field with a lone carriage return unquoted,
    and a spreadsheet would start a new row there.

    >>> import csv
    >>> csv_quoting(["a", 1.0]) == csv.QUOTE_MINIMAL
    True
    >>> csv_quoting(["a\rb"]) == csv.QUOTE_NONNUMERIC
    True
    """
    import csv

    if any(isinstance(v, str) and "\r" in v for v in values):
        return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


def csv_column(column: pd.Series) -> pd.Series:
    """A table column made inert by :func:`csv_field`, for pandas' ``to_csv``.

    Numeric columns are returned as they are. A text column is checked once per distinct
    value (a million-line explosion repeats its part numbers), and copied only when some
    value needs the quote.
    """
    return _inert_column(column)[0]


def _inert_column(column: pd.Series) -> tuple[pd.Series, bool]:
    """:func:`csv_column`, and whether some text of the column holds a carriage return."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column, False
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = uniques.tolist()
    fixed = [csv_field(u) for u in values]
    has_cr = any(isinstance(u, str) and "\r" in u for u in values)
    changed = np.array([f is not u for f, u in zip(fixed, values, strict=True)], dtype=bool)
    if not changed.any():
        return column, has_cr
    lookup = np.empty(len(fixed) + 1, dtype=object)  # the last entry for code -1 (missing)
    lookup[:-1] = fixed
    lookup[-1] = None
    return pd.Series(lookup[codes], index=column.index, name=column.name, dtype=object), has_cr


def csv_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, Literal[0, 2]]:
    """A table with every text column made inert (a copy when something changed), and the
    quoting to write it with (:func:`csv_quoting`)."""
    import csv

    import pandas as pd

    columns = {c: frame[c] for c in frame.columns}
    done = {c: _inert_column(col) for c, col in columns.items()}
    quoting: Literal[0, 2] = (
        csv.QUOTE_NONNUMERIC if any(cr for _, cr in done.values()) else csv.QUOTE_MINIMAL
    )
    if all(done[c][0] is col for c, col in columns.items()):
        return frame, quoting
    return pd.DataFrame({c: col for c, (col, _) in done.items()}, columns=frame.columns), quoting


def xlsx_text(value: str) -> str:
    r"""Text an xlsx cell can hold: XML-illegal control characters replaced by U+FFFD, line
    ends as line feeds, cut to Excel's 32,767 characters (with a trailing ``…``).

    >>> xlsx_text("a\x00b\r\nc\rd") == "a\ufffdb\nc\nd"
    True
    """
    if _XML_ILLEGAL.search(value):
        value = _XML_ILLEGAL.sub("\ufffd", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > MAX_CELL_CHARS:
        value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def text_cell(ws: Worksheet, value: str) -> Cell:
    """A string cell of ``ws`` holding ``value`` (never a formula or an error value)."""
    from openpyxl.cell.cell import Cell

    cell = Cell(ws, row=1, column=1, value=xlsx_text(value))  # ws.append places it
    cell.data_type = "s"
    return cell


def xlsx_row(ws: Worksheet, values: Iterable[Any]) -> list[Any]:
    """Values for ``ws.append``: every text value as a string cell (:func:`text_cell`),
    other values unchanged."""
    return [text_cell(ws, v) if isinstance(v, str) else v for v in values]


def set_text(ws: Worksheet, row: int, column: int, value: str) -> Cell | MergedCell:
    """Write ``value`` into the cell at ``row``, ``column`` as a string cell; returns it."""
    cell = ws.cell(row=row, column=column)
    cell.value = xlsx_text(value)
    cell.data_type = "s"
    return cell


def sheet_title(name: str, used: set[str], default: str = "Sheet") -> str:
    """A valid sheet name for ``name``, unique among ``used`` (casefolded names, updated).

    Forbidden characters become ``-``; leading and trailing apostrophes and spaces go; an
    empty result becomes ``default``; the name is cut to 31 characters, and a taken or
    reserved name gets `` (2)``, `` (3)``... at the end.

    >>> used = set()
    >>> [sheet_title(n, used) for n in ["A/B", "a-b", "'x'", "", "History", "x" * 40]]
    ['A-B', 'a-b (2)', 'x', 'Sheet', 'History (2)', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    """

    def tidy(text: str) -> str:
        return text.strip().strip("'").strip()

    base = tidy(_BAD_SHEET_CHARS.sub("-", name)) or tidy(default) or "Sheet"
    title, n = tidy(base[:MAX_SHEET_CHARS]) or "Sheet", 2
    while title.casefold() in used or title.casefold() in RESERVED_SHEET_NAMES:
        suffix = f" ({n})"
        title, n = tidy(base[: MAX_SHEET_CHARS - len(suffix)]) + suffix, n + 1
    used.add(title.casefold())
    return title
