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

from openpyxl import Workbook
from openpyxl.styles import Font

from bomtrace.report.safe import xlsx_row
from bomtrace.report.tables import (
    assembly_summary_rows,
    contributor_rows,
    destination_rows,
    fdpr_rows,
    issue_rows,
    library_rows,
    limit_rows,
    scenario_rows,
    summary_rows,
)
from bomtrace.report.xlsx_bom import (
    EXPLODED,
    INDENTED,
    Rows,
    bom_rows,
    linker,
    write_exploded,
    write_indented,
)
from bomtrace.report.xlsx_style import MONEY, PCT, verdict_legend, write_table

if TYPE_CHECKING:
    from bomtrace.analysis.analysis_result import AnalysisResult

MAX_DETAIL_ROWS = 100_000
#: rows of the Indented BOM and Exploded parts sheets: openpyxl writes cell by cell (about
#: 100k rows a few seconds with lxml), and these sheets are for reading and folding, not for
#: the whole of a million-line BOM (``explode --format csv`` gives every exploded row)
MAX_BOM_ROWS = 10_000

__all__ = ["MAX_BOM_ROWS", "MAX_DETAIL_ROWS", "MONEY", "PCT", "write_xlsx"]


def write_xlsx(
    d: dict[str, Any], path: str | os.PathLike[str], result: AnalysisResult | None = None
) -> None:
    """Write the analysis document ``d`` as a formatted workbook; with the ``result`` it was
    made from, also the Indented BOM and Exploded parts sheets, and links to them. The sheets
    are streamed (a write-only workbook): a capped sheet of 100,000 rows is not held in
    memory cell by cell."""

    wb = Workbook(write_only=True)
    tree = result.indented_bom(MAX_BOM_ROWS) if result is not None else None
    rows: Rows = bom_rows(tree, MAX_BOM_ROWS) if tree is not None else {}
    summary = wb.create_sheet("Summary")
    _table_sheet(summary, summary_rows(d), rows, "product")
    verdict_legend(summary)
    _table_sheet(wb.create_sheet("Destinations"), destination_rows(d))
    _table_sheet(wb.create_sheet("Contributors"), contributor_rows(d), rows)
    _table_sheet(wb.create_sheet("Scenarios"), scenario_rows(d))
    assemblies = destination_rows(d, "assemblies") or assembly_summary_rows(d)
    _table_sheet(wb.create_sheet("Sub-assemblies"), assemblies)
    if result is not None and tree is not None:
        write_indented(wb.create_sheet(INDENTED), tree, MAX_BOM_ROWS)
        write_exploded(wb.create_sheet(EXPLODED), result.exploded_parts(), MAX_BOM_ROWS)
    _table_sheet(wb.create_sheet("FDPR"), fdpr_rows(d))
    _table_sheet(wb.create_sheet("Limits"), limit_rows(d))
    if d.get("library") is not None:
        _table_sheet(wb.create_sheet("Parts library"), library_rows(d))
    _table_sheet(wb.create_sheet("Issues"), issue_rows(d))
    _about(wb.create_sheet("About"), d)
    wb.save(path)


def _table_sheet(
    ws: Any, rows: list[dict[str, Any]], links: Rows | None = None, part: str = "part_number"
) -> None:
    """A sheet of dict rows (their keys, in order, are the columns); with ``links``, each
    row's ``part`` cell links to its row in the Indented BOM."""
    if not rows:
        ws.append(xlsx_row(ws, ["(none)"]))
        return
    keys = list(rows[0])
    values = ([r[k] for k in keys] for r in rows)
    hook = linker(keys, links, part) if links else None
    write_table(ws, keys, values, total=len(rows), cap=MAX_DETAIL_ROWS, decorate=hook)


def _about(ws: Any, d: dict[str, Any]) -> None:
    """What the report rests on: version, ruleset, options, inputs."""

    rs = d["ruleset"]
    opts = d.get("options") or {}
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 100
    bold = Font(bold=True)
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
        cells = xlsx_row(ws, [k, v])
        cells[0].font = bold
        ws.append(cells)


def _option(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v) or "none"
    return "none" if v is None else str(v)
