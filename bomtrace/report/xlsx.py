"""The xlsx report (openpyxl): Summary, Destinations, Contributors, Scenarios, Sub-assemblies,
FDPR, Limits (what the rules on the date do not model or could not confirm), Issues and About
sheets, headers frozen, filters on, number formats set. Every text cell is a
string cell, never a formula, whatever the BOM said (:mod:`bomtrace.report.safe`).

Detail sheets are capped at :data:`MAX_DETAIL_ROWS` rows with a note where they are: openpyxl
writes cell by cell, too slowly for the tables of a million-line BOM, which CSV and JSON give
complete.
"""

from __future__ import annotations

import os
from typing import Any

from bomtrace.report.safe import set_text, xlsx_row
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

MAX_DETAIL_ROWS = 100_000
MONEY = "#,##0.00"
PCT = "0.00%"
_MONEY_COLS = {
    "total_cost",
    "us_origin_value",
    "us_tech_value",
    "denominator",
    "controlled_us_value",
    "headroom",
    "value",
}
_PCT_COLS = {
    "threshold",
    "ratio",
    "ratio_low",
    "ratio_high",
    "share",
    "threshold_in_force",
    "ratio_in_force",
    "ratio_without_cut",
    "nearest_margin",
}


def write_xlsx(d: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """Write the analysis document ``d`` as a formatted workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    sheets = [
        ("Summary", summary_rows(d)),
        ("Destinations", destination_rows(d)),
        ("Contributors", contributor_rows(d)),
        ("Scenarios", scenario_rows(d)),
        ("Sub-assemblies", destination_rows(d, "assemblies") or assembly_summary_rows(d)),
        ("FDPR", fdpr_rows(d)),
        ("Limits", limit_rows(d)),
        ("Issues", issue_rows(d)),
    ]
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        if not rows:
            ws.append(xlsx_row(ws, ["(none)"]))
            continue
        headers = list(rows[0])
        ws.append(xlsx_row(ws, headers))
        for c in ws[1]:
            c.font, c.fill = bold, fill
        capped = rows[:MAX_DETAIL_ROWS]
        for r in capped:
            ws.append(xlsx_row(ws, [r[h] for h in headers]))
        for j, h in enumerate(headers, start=1):
            fmt = MONEY if h in _MONEY_COLS else PCT if h in _PCT_COLS else None
            width = max([len(h)] + [len(str(r[h])) for r in capped[:200] if r[h] is not None])
            ws.column_dimensions[ws.cell(1, j).column_letter].width = min(60, width + 2)
            if fmt:
                for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    row[0].number_format = fmt
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        if len(rows) > MAX_DETAIL_ROWS:
            set_text(
                ws,
                len(capped) + 3,
                1,
                f"Capped at {MAX_DETAIL_ROWS:,} of {len(rows):,} rows; "
                f"use --format csv or json for all.",
            ).font = bold
    about = wb.create_sheet("About")
    rs = d["ruleset"]
    for k, v in [
        ("bomtrace version", d["bomtrace_version"]),
        ("rules as of", rs["as_of"]),
        ("ruleset data", rs["data_version"]),
        ("scenarios", ", ".join(rs["scenarios"]) or "none"),
        ("sources", "; ".join(rs["sources"])),
        ("inputs", "; ".join(f"{i['path']} (sha256 {i['sha256'][:12]}…)" for i in d["inputs"])),
        ("note", "Not legal advice. Verdicts follow the modelled rules only; see the README."),
    ]:
        about.append(xlsx_row(about, [k, v]))
        about.cell(about.max_row, 1).font = bold
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100
    wb.save(path)
