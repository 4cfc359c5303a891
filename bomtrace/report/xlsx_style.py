"""How the xlsx report looks: human headers, number and percent formats, verdict colours,
column widths, frozen headers and filters, and the one table writer every sheet uses.

The tables (:mod:`bomtrace.report.tables`, :mod:`bomtrace.analysis.bom_tree`) name their
columns in snake_case, as csv and JSON do; a workbook is read by people, so its headers are
words (:func:`header`). Every value goes through :func:`bomtrace.report.safe.xlsx_row`, so a
text cell is a string cell whatever it starts with, and NaN or infinity becomes an empty cell
(an xlsx file cannot hold them: Excel would offer to repair it).

>>> header("controlled_us_value"), header("eccn"), header("some_new_key")
('Controlled US value', 'ECCN', 'Some new key')
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import Outline

from bomtrace.report.safe import xlsx_row

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: money: two decimals at least, four when a small part's cost needs them
MONEY = "#,##0.00##"
PCT = "0.00%"
INTEGER = "0"
QUANTITY = "General"

#: the header of each column key (keys not listed: :func:`header` makes words of them)
HEADERS: dict[str, str] = {
    "product": "Product",
    "assembly": "Assembly",
    "description": "Description",
    "analysed": "Analysed",
    "total_cost": "Total cost",
    "currency": "Currency",
    "us_origin_value": "US-origin value",
    "us_tech_value": "US technology value",
    "denominator_basis": "Denominator basis",
    "denominator": "Denominator",
    "subject_for": "Subject for",
    "undetermined_for": "Undetermined for",
    "not_subject_count": "Not-subject destinations",
    "track": "Track",
    "origin": "Product origin",
    "origin_source": "Origin source",
    "nearest_threshold_for": "Nearest threshold for",
    "nearest_margin": "Nearest margin",
    "not_analysed_reason": "Why not analysed",
    "country": "Country",
    "destination": "Destination",
    "groups": "Country groups",
    "threshold": "Threshold",
    "controlled_us_value": "Controlled US value",
    "ratio": "Ratio",
    "ratio_low": "Ratio (low bound)",
    "ratio_high": "Ratio (high bound)",
    "verdict": "Verdict",
    "basis": "Basis",
    "headroom": "Headroom",
    "zero_de_minimis": "Zero de minimis (734.4(a))",
    "ratio_without_cut": "Ratio without second-incorporation cut",
    "threshold_source": "Threshold source",
    "same_for": "Same for",
    "limits": "Limits",
    "id": "ID",
    "kind": "Kind",
    "topic": "Topic",
    "text": "Text",
    "citation": "Citation",
    "rank": "Rank",
    "part_number": "Part number",
    "quantity": "Quantity",
    "value": "Value",
    "share": "Share",
    "eccn": "ECCN",
    "reason": "Reason",
    "scenario": "Scenario",
    "applies": "Applies",
    "threshold_in_force": "Threshold in force",
    "ratio_in_force": "Ratio in force",
    "verdict_in_force": "Verdict in force",
    "flips": "Flips",
    "severity": "Severity",
    "code": "Code",
    "file": "File",
    "sheet": "Sheet",
    "row": "Row",
    "column": "Column",
    "message": "Message",
    "rule": "Rule",
    "rule_name": "Rule name",
    "prong": "Prong",
    "end_user": "End user",
    "footnote": "Footnote",
    "us_technology_eccns": "US technology ECCNs",
    "made_with_us_equipment": "Made with US equipment",
    "producer": "Producer",
    "designed_by": "Designed by",
    "source_row": "Source row",
    "level": "Level",
    "extended_quantity": "Quantity per product",
    "unit_cost": "Unit cost",
    "rolled_up_cost": "Rolled-up cost",
    "extended_cost": "Extended cost",
    "country_of_origin": "Country of origin",
    "note": "Note",
}
#: headers of the Indented BOM that say more than the shared key does
BOM_HEADERS = {"quantity": "Quantity per parent", "us_origin_value": "US-origin value (unit)"}

#: the number format of each column key
FORMATS: dict[str, str] = {
    **dict.fromkeys(
        (
            "total_cost",
            "us_origin_value",
            "us_tech_value",
            "denominator",
            "controlled_us_value",
            "headroom",
            "value",
            "unit_cost",
            "rolled_up_cost",
            "extended_cost",
        ),
        MONEY,
    ),
    **dict.fromkeys(
        (
            "threshold",
            "ratio",
            "ratio_low",
            "ratio_high",
            "share",
            "threshold_in_force",
            "ratio_in_force",
            "ratio_without_cut",
            "nearest_margin",
        ),
        PCT,
    ),
    **dict.fromkeys(("level", "rank", "row", "source_row", "not_subject_count"), INTEGER),
    **dict.fromkeys(("quantity", "extended_quantity"), QUANTITY),
}

#: verdict → (fill colour, font colour): Excel's own Bad, Neutral and Good cell colours
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "subject": ("FFC7CE", "9C0006"),
    "undetermined": ("FFEB9C", "9C5700"),
    "not-subject": ("C6EFCE", "006100"),
}
#: what each verdict colour means (the legend of the Summary sheet)
VERDICT_MEANINGS: dict[str, str] = {
    "subject": "subject to the EAR: de minimis exceeded, a zero de minimis category, or a "
    "US-origin item",
    "undetermined": "missing data (origin, ECCN, price) leaves the ratio on both sides of the "
    "threshold: classify the parts the bounds name",
    "not-subject": "not subject: controlled US content is within the threshold even at the "
    "high bound",
}
#: columns holding one verdict per cell
VERDICT_KEYS = frozenset({"verdict", "verdict_in_force"})
#: columns listing the destinations of one verdict (coloured when not empty)
VERDICT_LISTS = {"subject_for": "subject", "undetermined_for": "undetermined"}
#: header fill
HEADER_FILL = "DDEBF7"
#: widths: at least, at most, and of number columns
MIN_WIDTH, MAX_WIDTH, NUMBER_WIDTH = 6, 60, 14
#: Excel's deepest outline level
MAX_OUTLINE = 7


def header(key: str, overrides: dict[str, str] | None = None) -> str:
    """The header a person reads for a column key."""
    if overrides and key in overrides:
        return overrides[key]
    if key in HEADERS:
        return HEADERS[key]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def cell_value(v: Any) -> Any:
    """A value an xlsx cell can hold: NaN and infinities (and pandas' missing values) become
    empty cells, numpy numbers Python ones."""
    if v is None or isinstance(v, str | bool):
        return v
    if hasattr(v, "item"):  # a numpy scalar
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if not isinstance(v, int | float | str | bool):
        try:
            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
    return v


#: a hook that may change a data row's cells before it is written: (row index, cells)
Decorate = Callable[[int, list[Any]], None]


def write_table(
    ws: Worksheet,
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    total: int | None = None,
    cap: int | None = None,
    overrides: dict[str, str] | None = None,
    freeze: str = "A2",
    levels: Sequence[int] | None = None,
    decorate: Decorate | None = None,
) -> int:
    """Write a table into an empty sheet, streamed (a write-only sheet works): a bold header
    row of :func:`header` words, then ``rows`` (values in ``keys`` order, at most ``cap``),
    formatted by column key (number and percent formats, verdict colours), header frozen,
    filters on, columns sized; each data row grouped at its outline level (``levels``, at
    most 7, summary rows above). ``decorate`` may change a row's cells (a text value is
    already a string cell; others are values or cells) before it is written. With ``total``
    rows in all and more than were written, a note under the table says so. Returns the
    number of data rows written."""

    data = list(itertools.islice(rows, cap))
    n = len(data)
    widths = [len(header(k, overrides)) for k in keys]
    for r in data[:200]:
        for j, v in enumerate(r):
            if isinstance(v, str):
                widths[j] = max(widths[j], max(len(x) for x in v.split("\n")))
    for j, k in enumerate(keys, start=1):
        width = max(widths[j - 1], NUMBER_WIDTH if FORMATS.get(k) in (MONEY, PCT) else 0)
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(keys))}{1 + n}"
    if levels is not None:  # before the rows: a streamed sheet writes each row's level with it
        deepest = 0
        for i, lv in enumerate(levels[:n]):
            if lv > 0:
                ws.row_dimensions[i + 2].outline_level = min(lv, MAX_OUTLINE)
                deepest = max(deepest, min(lv, MAX_OUTLINE))
        ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
        ws.sheet_format.outlineLevelRow = deepest
    head = xlsx_row(ws, [header(k, overrides) for k in keys])
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for c in head:
        c.font, c.fill = bold, head_fill
    ws.append(head)
    styles = verdict_styles()
    fmts = [FORMATS.get(k) for k in keys]
    coloured = [k in VERDICT_KEYS or k in VERDICT_LISTS for k in keys]
    listed = [VERDICT_LISTS.get(k) for k in keys]
    for i, r in enumerate(data):
        cells = xlsx_row(ws, [cell_value(v) for v in r])
        for j, c in enumerate(cells):
            if c is None or (fmts[j] is None and not coloured[j]):
                continue
            if not isinstance(c, Cell):
                c = cells[j] = Cell(ws, row=1, column=1, value=c)  # ws.append places it
            fmt = fmts[j]
            if fmt is not None:
                c.number_format = fmt
            style = styles.get(str(listed[j] or c.value)) if coloured[j] and c.value else None
            if style is not None:
                c.fill, c.font = style
        if decorate is not None:
            decorate(i, cells)
        ws.append(cells)
    if total is not None and total > n:
        notes(ws, [f"Capped at {n:,} of {total:,} rows; use --format csv or json for all."])
    return n


def notes(ws: Worksheet, texts: Sequence[str]) -> None:
    """Bold notes under a table, after an empty row, one a row in column A."""

    if not texts:
        return
    ws.append([])
    for text in texts:
        (cell,) = xlsx_row(ws, [text])
        cell.font = Font(bold=True)
        ws.append([cell])


def verdict_styles() -> dict[str, tuple[Any, Any]]:
    """Verdict → (fill, font) of its cells."""

    return {
        v: (PatternFill("solid", fgColor=fill), Font(color=font))
        for v, (fill, font) in VERDICT_COLOURS.items()
    }


def verdict_legend(ws: Worksheet) -> None:
    """The legend of the verdict colours under a table, after an empty row: a title, then
    each verdict in its colours with its meaning beside it."""

    ws.append([])
    (title,) = xlsx_row(ws, ["Verdict colours"])
    title.font = Font(bold=True)
    ws.append([title])
    styles = verdict_styles()
    for verdict, meaning in VERDICT_MEANINGS.items():
        cells = xlsx_row(ws, [verdict, meaning])
        cells[0].fill, cells[0].font = styles[verdict]
        ws.append(cells)
