"""The reader's data: the raw grid every file reader hands on, and the :class:`BomTable`
every reader returns.

The raw grid (:class:`RawSheet`) holds text cells with their true positions. A
:class:`BomTable` is what every reader returns and what :mod:`bomtrace.graph` consumes.
Readers never build graphs; the graph stage never opens a file.

``lines`` (pandas DataFrame) has one row per BOM line that was *used*, in input order, with
these columns (absent optional fields are simply missing columns):

=========================  ===========  ========================================================
column                     dtype        meaning
=========================  ===========  ========================================================
``part_number``            str          node key; always text ("00123" stays "00123")
``level``                  float        indented layout only: 0 = product (NaN if unreadable)
``parent``                 str/None     parent-child layout only; None/"" = a root line
``quantity``               float        quantity per parent; NaN when not a number (issue given)
``unit_cost``              float        NaN when missing/unreadable (never 0 for "missing")
``selling_price``          float        NaN when not given
``us_tech_value``          float        NaN when not given
``us_content_pct``         float        fraction 0..1 (``"12%"`` and ``12`` both read as 0.12)
``discrete_product``       boolean      pandas nullable boolean; <NA> when not given
``made_with_us_equipment`` boolean      pandas nullable boolean; <NA> = unknown
``country_of_origin``      str/None     ISO-2 code when recognised (``US``, ``CN``), else the raw
                                        text; None when empty
``eccn``                   str/None     normalised: upper case, no spaces (``3A001.b.2``,
                                        ``EAR99``); None when empty
``effective_from``,        str/None     effectivity dates as ISO text (lines outside them on the
``effective_to``                        ``--as-of`` date are skipped, not kept)
``dnp``                    boolean      the line was marked do-not-populate (its quantity is 0)
``package_quantity``,      float        package pricing as read; ``unit_cost`` is derived from
``package_price``,                      them where it was empty
``price_unit``
``line_cost``              float        the line's cost (quantity × unit cost) as read;
                                        ``unit_cost`` is derived from it where it was empty
other canonical fields     str/None     ``description``, ``uom``, ``currency``, ``manufacturer``,
                                        ``mpn``, ``supplier``, ``reference_designators``,
                                        ``item_type``, ``us_technology_eccns``, ``producer``,
                                        ``designed_by``
``_file``                  str          file name as given on the command line
``_sheet``                 str/None     sheet name (None for CSV)
``_row``                   int          1-based row as Excel / a text editor shows it (for a product
                                        line the reader added: the title cell's or header's row)
=========================  ===========  ========================================================

Text columns use pandas' ``str`` dtype (Arrow-backed, fast to build at a million rows); a value
shown as None above is a missing value there: ``isna()`` is true and pandas stores it as NaN.
Unmapped source columns are kept as extra text columns named ``x:<header text>``.

``parts`` is the optional parts master (same columns minus ``level``/``parent``/``quantity``),
one row per part as read (duplicates kept; the graph stage reports conflicts).

``column_letters`` maps ``(file, sheet, field)`` to the column letter (xlsx) or 1-based column
number as text (CSV) the field was read from, so later stages can position issues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from bomtrace.issues import Issue


@dataclass
class RawSheet:
    """One CSV file or one worksheet as text, before any header or value handling.

    ``frame`` has integer column labels ``0..n-1`` and text cells (``""`` or NaN when empty).
    ``rows[i]`` is the 1-based row number (as Excel or a text editor shows it) of ``frame`` row
    ``i``; ``columns[j]`` is the letter of ``frame`` column ``j`` as Excel shows it (also for
    CSV files, as Excel opens them).
    """

    path: str  #: as given by the caller
    sheet: str | None  #: None for CSV
    file_type: str  #: "xlsx", "xlsm", "csv"
    sha256: str
    frame: pd.DataFrame
    rows: np.ndarray
    columns: list[str]
    encoding: str | None = None
    #: the encoding was detected from the bytes (not UTF-8/UTF-16, not given): a guess
    encoding_guessed: bool = False
    delimiter: str | None = None
    #: CSV rows with more or fewer fields than the header: frame row -> the fields as written
    ragged: dict[int, list[str]] = field(default_factory=dict)
    #: xlsx rows hidden in Excel (1-based)
    hidden_rows: list[int] = field(default_factory=list)
    #: xlsx cells merged down several rows, whose value was read in every row of the range:
    #: (first row as Excel shows it, column letter, range such as "B5:B9", value)
    merged: list[tuple[int, str, str, str]] = field(default_factory=list)
    #: a note for ``inspect`` when hidden rows and merged cells were not checked
    unchecked: str | None = None
    #: cells not read as they show: (row as Excel/an editor numbers it, column letter, kind,
    #: message); kind "text" (NUL bytes, mixed encodings: read with replacements) or "empty"
    #: (a formula without a saved value: read as empty). See :mod:`bomtrace.io.cell_checks`
    notes: list[tuple[int, str, str, str]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """Return the Excel column letter of a 0-based column index.

    >>> column_letter(0), column_letter(2), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'C', 'Z', 'AA', 'ZZ')
    """
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


Layout = Literal["indented", "parent-child"]
#: Layouts a user can ask for (``--layout``): the two graph forms plus single-level BOMs
#: (``flat``) and one sheet or file per assembly (``per-assembly``).
LayoutChoice = Literal["indented", "parent-child", "flat", "per-assembly"]
LAYOUT_CHOICES: tuple[str, ...] = ("indented", "parent-child", "flat", "per-assembly")

#: Canonical fields (design.md §2) in display order.
CANONICAL_FIELDS: tuple[str, ...] = (
    "part_number",
    "parent",
    "level",
    "quantity",
    "uom",
    "unit_cost",
    "currency",
    "description",
    "manufacturer",
    "mpn",
    "supplier",
    "reference_designators",
    "country_of_origin",
    "eccn",
    "item_type",
    "selling_price",
    "us_content_pct",
    "discrete_product",
    "bundled",
    "gbs_eligible",
    "short_supply_only",
    "listed_ear99",
    "us_tech_value",
    "made_with_us_equipment",
    "us_technology_eccns",
    "producer",
    "designed_by",
    "effective_from",
    "effective_to",
    "dnp",
    "package_quantity",
    "package_price",
    "price_unit",
    "line_cost",
)
#: Fields that describe one BOM line (its use in a parent: designators, effectivity, DNP), not
#: the part: never compared across lines of one part. ``package_*``/``price_unit`` are consumed
#: into ``unit_cost`` when read.
LINE_FIELDS: tuple[str, ...] = (
    "reference_designators",
    "effective_from",
    "effective_to",
    "dnp",
    "package_quantity",
    "package_price",
    "price_unit",
    "line_cost",
)
NUMERIC_FIELDS: tuple[str, ...] = (
    "level",
    "quantity",
    "unit_cost",
    "selling_price",
    "us_content_pct",
    "us_tech_value",
    "package_quantity",
    "package_price",
    "price_unit",
    "line_cost",
)
BOOLEAN_FIELDS: tuple[str, ...] = ("discrete_product", "made_with_us_equipment", "dnp")
#: de minimis flags (bomtrace.analysis): US software bundled with the hardware, content eligible
#: for License Exception GBS, subject only to short supply controls, EAR99 item on a Part 746 list
BOOLEAN_FIELDS += ("bundled", "gbs_eligible", "short_supply_only", "listed_ear99")
#: Part attributes (everything that describes the part rather than its use in a parent).
ATTRIBUTE_FIELDS: tuple[str, ...] = tuple(
    f
    for f in CANONICAL_FIELDS
    if f not in ("part_number", "parent", "level", "quantity") and f not in LINE_FIELDS
)
POSITION_COLUMNS: tuple[str, ...] = ("_file", "_sheet", "_row")


@dataclass
class ColumnMatch:
    """How one canonical field was matched to a source column."""

    field: str
    header: str  #: header text as found ("" for header-less files)
    column: str  #: column letter as Excel shows it (also for CSV files, as Excel opens them)
    how: str  #: "alias", "exact", "override"

    @property
    def confidence(self) -> str:
        """How sure the choice is, in one word (see :func:`confidence`)."""
        return confidence(self.how)


def confidence(how: str) -> str:
    """One word for how a column was chosen: ``given`` (``--column`` or a profile), ``header``
    (its header names the field), ``header words`` (a weak header, or one whose words name the
    role), ``content`` (what the column holds) or ``guess`` (the lines' names key them).

    >>> confidence("alias"), confidence("mpn (no part-number column)"), confidence("content")
    ('header', 'header words', 'content')
    """
    if how in ("override", "profile"):
        return "given"
    if how in ("exact", "alias"):
        return "header"
    if how.startswith("name ("):
        return "guess"
    if how == "content" or how.endswith("(content)"):
        return "content"
    return "header words"


@dataclass
class SourceInfo:
    """What was read from one file/sheet, for ``inspect`` and the JSON ``inputs`` list."""

    path: str
    sha256: str
    role: Literal["bom", "master"]
    file_type: str  #: "xlsx", "csv", ...
    sheet: str | None
    header_row: int  #: 1-based, as Excel shows it (0: no header row, columns given by number)
    layout: Layout | None  #: None for a parts master
    rows: int  #: data rows read below the header
    rows_used: int
    columns: list[ColumnMatch] = field(default_factory=list)
    encoding: str | None = None
    #: the encoding was detected from the bytes (not UTF-8/UTF-16, not given): a guess
    encoding_guessed: bool = False
    delimiter: str | None = None
    unmapped_headers: list[str] = field(default_factory=list)
    #: how the structure was read: "level", "dotted-level", "dot-prefixed-level",
    #: "indentation", "parent-child", "flat", "per-assembly" (None for a parts master)
    structure: str | None = None
    #: data rows not used, by reason ("blank", "no part number", "footer", ...):
    #: ``rows == rows_used + sum(rows_skipped.values())``
    rows_skipped: dict[str, int] = field(default_factory=dict)
    #: a group-label row above the header row (two-row header), as Excel numbers it
    group_row: int | None = None
    #: a product line the reader added (no product line in the file): part number and source
    product: dict[str, object] | None = None
    #: used rows merged into an earlier line of the same part (one row per placement)
    rows_merged: int = 0
    #: metadata of a title block above the header (project, build_quantity, currency, date …)
    title_block: dict[str, object] | None = None

    def to_dict(self) -> dict[str, object]:
        merged = {"rows_merged": self.rows_merged} if self.rows_merged else {}
        return {
            "path": self.path,
            "sha256": self.sha256,
            "role": self.role,
            "file_type": self.file_type,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "layout": self.layout,
            "rows": self.rows,
            "rows_used": self.rows_used,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "columns": {
                c.field: {
                    "header": c.header,
                    "column": c.column,
                    "how": c.how,
                    "confidence": c.confidence,
                }
                for c in self.columns
            },
            "unmapped_headers": list(self.unmapped_headers),
            "structure": self.structure,
            "rows_skipped": dict(self.rows_skipped),
            "group_row": self.group_row,
            "product": dict(self.product) if self.product else None,
            "title_block": dict(self.title_block) if self.title_block else None,
            **merged,
        }


@dataclass
class BomTable:
    """BOM lines, an optional parts master, where they came from, and what went wrong."""

    lines: pd.DataFrame
    layout: Layout
    parts: pd.DataFrame | None = None
    sources: list[SourceInfo] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    column_letters: dict[tuple[str, str | None, str], str] = field(default_factory=dict)

    def letter(self, file: str, sheet: str | None, field_name: str) -> str | None:
        """Column letter (or number) a field was read from in one source, if known."""
        if sheet is not None and not isinstance(sheet, str):
            sheet = None  # NaN/NA from a text column of CSV lines
        return self.column_letters.get((file, sheet, field_name))


@dataclass
class Converted:
    """One source, read: its rows, what was read, and where each column came from."""

    frame: pd.DataFrame
    info: SourceInfo
    letters: dict[str, str]
    form: str | None = None  #: one of :data:`bomtrace.io.sources.FORMS`; None for a parts master
