"""The supplier data-request workbook (``bomtrace suppliers --request-sheet``): one sheet per
supplier, one row per part and missing fact, with the question to answer."""

from __future__ import annotations

import os

from bomtrace._version import __version__
from bomtrace.analysis.suppliers import QUESTIONS, SuppliersResult
from bomtrace.errors import ReportError
from bomtrace.report.safe import set_text, sheet_title, xlsx_row


def _sheet_title(name: str, used: set[str]) -> str:
    """The sheet name for supplier ``name``: valid, unique among ``used`` (casefolded)."""
    return sheet_title(name, used, default="supplier")


def write_request_sheet(result: SuppliersResult, path: str | os.PathLike[str]) -> int:
    """Write the data-request workbook: one sheet per supplier with missing facts.

    Each sheet says what is asked and why, then lists one row per part and missing fact
    (part number, description, MPN, quantity, the fact, the question) with an empty answer
    column. Returns the number of supplier sheets written.

    The workbook goes to people outside the company, so nothing in it is live: every text
    cell is a string cell (never a formula, whatever a part number or supplier name says) and
    sheet names made from supplier names are mended to valid, unique names
    (:mod:`bomtrace.report.safe`).

    Raises
    ------
    bomtrace.errors.ReportError
        When the file cannot be written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    first = wb.active
    used: set[str] = set()
    written = 0
    headers = ["Part Number", "Description", "MPN", "Qty used", "Fact", "Question", "Your answer"]
    widths = [16, 44, 18, 9, 24, 70, 30]
    for s in result.suppliers:
        if not s.missing:
            continue
        ws = wb.create_sheet(_sheet_title(s.supplier, used))
        set_text(ws, 1, 1, f"Data request to {s.supplier}").font = Font(bold=True, size=13)
        set_text(
            ws,
            2,
            1,
            "We need the facts below to determine US export-control status (EAR de minimis and "
            "Foreign Direct Product rules) of products that use your parts. Please fill in the "
            "last column and return this sheet.",
        )
        set_text(ws, 3, 1, f"Prepared with bomtrace {__version__}; rules as of {result.as_of}.")
        ws.append([])
        ws.append(xlsx_row(ws, headers))
        for c in ws[5]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor="DDEBF7")
        for m in s.missing:
            for fact in m["facts"]:
                ws.append(
                    xlsx_row(
                        ws,
                        [
                            m["part_number"],
                            m["description"],
                            m["mpn"],
                            m["quantity"],
                            fact,
                            QUESTIONS[fact],
                            None,
                        ],
                    )
                )
        for i, w in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = w
        for row in ws.iter_rows(min_row=6):
            row[5].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A6"
        written += 1
    if written and first is not None:
        wb.remove(first)
    elif first is not None:
        first.title = "No requests"
        set_text(first, 1, 1, "No data is missing: nothing to request.")
    try:
        wb.save(path)
    except OSError as exc:
        raise ReportError(f"Cannot write {path}: {exc}.") from exc
    return written
