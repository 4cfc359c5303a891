"""The xlsx report (openpyxl), for the people who open, check and file it.

Sheets: Summary (one row per product, with the legend of the verdict colours), Destinations,
Contributors, Scenarios, Sub-assemblies, Indented BOM (every product's structure with Excel
outline groups, so assemblies fold), Exploded parts (purchased parts per product), FDPR, Limits
(what the rules on the date do not model or could not confirm), Issues and About (version,
ruleset, options, inputs). Headers are words, frozen, with filters; money, quantity and percent
columns have their formats; verdict cells are coloured (:mod:`bomtrace.report.xlsx_style`).
Contributors and products link to their rows in the Indented BOM (internal links only).

Every text cell is a string cell, never a formula, whatever the BOM said
(:mod:`bomtrace.report.safe`). The workbook keeps to what openpyxl writes plainly (no defined
names, no external links), so Excel opens it without offering a repair;
:func:`bomtrace.report.xlsx_check.check_workbook` checks a saved file for what would.

Detail sheets are capped at :data:`MAX_DETAIL_ROWS` rows with a note where they are: openpyxl
writes cell by cell, too slowly for the tables of a million-line BOM, which CSV and JSON give
complete.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from bomtrace.report.safe import xlsx_row
from bomtrace.report.tables import (
    assembly_summary_rows,
    contributor_rows,
    destination_rows,
    fdpr_rows,
    issue_rows,
    limit_rows,
    scenario_rows,
    summary_rows,
)
from bomtrace.report.xlsx_bom import (
    EXPLODED,
    INDENTED,
    Rows,
    link_column,
    write_exploded,
    write_indented,
)
from bomtrace.report.xlsx_style import MONEY, PCT, verdict_legend, write_table

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from bomtrace.analysis.analysis_result import AnalysisResult

MAX_DETAIL_ROWS = 100_000

__all__ = ["MAX_DETAIL_ROWS", "MONEY", "PCT", "write_xlsx"]


def write_xlsx(
    d: dict[str, Any], path: str | os.PathLike[str], result: AnalysisResult | None = None
) -> None:
    """Write the analysis document ``d`` as a formatted workbook; with the ``result`` it was
    made from, also the Indented BOM and Exploded parts sheets, and links to them."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    tables = [
        ("Summary", summary_rows(d)),
        ("Destinations", destination_rows(d)),
        ("Contributors", contributor_rows(d)),
        ("Scenarios", scenario_rows(d)),
        ("Sub-assemblies", destination_rows(d, "assemblies") or assembly_summary_rows(d)),
    ]
    written = {name: _table_sheet(wb, name, rows) for name, rows in tables}
    if result is not None:
        bom_rows = write_indented(
            wb.create_sheet(INDENTED), result.indented_bom(MAX_DETAIL_ROWS), MAX_DETAIL_ROWS
        )
        write_exploded(wb.create_sheet(EXPLODED), result.exploded_parts(), MAX_DETAIL_ROWS)
        _links(wb, written, bom_rows)
    summary = wb["Summary"]
    verdict_legend(summary, summary.max_row + 2)
    late = [("FDPR", fdpr_rows(d)), ("Limits", limit_rows(d)), ("Issues", issue_rows(d))]
    for name, rows in late:
        _table_sheet(wb, name, rows)
    _about(wb.create_sheet("About"), d)
    wb.save(path)


def _table_sheet(wb: Workbook, name: str, rows: list[dict[str, Any]]) -> tuple[list[str], int]:
    """A sheet of dict rows (their keys, in order, are the columns): the keys and the number
    of rows written."""
    ws = wb.create_sheet(name)
    if not rows:
        ws.append(xlsx_row(ws, ["(none)"]))
        return [], 0
    keys = list(rows[0])
    values = ([r[k] for k in keys] for r in rows)
    n = write_table(ws, keys, values, total=len(rows), cap=MAX_DETAIL_ROWS)
    return keys, n


def _links(wb: Workbook, written: dict[str, tuple[list[str], int]], rows: Rows) -> None:
    """Products (Summary) and contributing parts (Contributors) link to their Indented BOM
    rows."""
    keys, n = written["Summary"]
    link_column(wb["Summary"], keys, n, rows, part="product")
    keys, n = written["Contributors"]
    link_column(wb["Contributors"], keys, n, rows)


def _about(ws: Worksheet, d: dict[str, Any]) -> None:
    """What the report rests on: version, ruleset, options, inputs."""
    from openpyxl.styles import Font

    rs = d["ruleset"]
    opts = d.get("options") or {}
    for k, v in [
        ("bomtrace version", d["bomtrace_version"]),
        ("rules as of", rs["as_of"]),
        ("ruleset data", rs["data_version"]),
        ("scenarios", ", ".join(rs["scenarios"]) or "none"),
        ("sources", "; ".join(rs["sources"])),
        ("options", "; ".join(f"{k}: {_option(v)}" for k, v in opts.items())),
        ("inputs", "; ".join(f"{i['path']} (sha256 {i['sha256'][:12]}…)" for i in d["inputs"])),
        ("note", "Not legal advice. Verdicts follow the modelled rules only; see the README."),
    ]:
        ws.append(xlsx_row(ws, [k, v]))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100


def _option(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v) or "none"
    return "none" if v is None else str(v)
