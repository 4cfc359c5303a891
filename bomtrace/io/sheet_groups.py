"""Sheets of one workbook that are parts of one product: one BOM split over sheets.

A hand-kept BOM is often split by category over the sheets of one workbook (``Body``,
``Ebox&Wiring``, ``Fasteners``; a cut list and a screw list; a shop's cart and a distributor's
quotation). When a workbook holds several single-level sheets that name no product of their
own (no title cell naming one), and no line of one names another sheet (that would be one
sheet per assembly), the sheets are read as the parts of **one product**, named like a
single-level file: by ``--product``, else the file name. A ``sheets-combined`` info issue says
so; ``--sheet NAME`` reads one sheet on its own, as a product of its own.

A sheet whose title cell names its product is that product (several such sheets are several
products); each sheet is read with its own header and mapping.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePosixPath

from bomtrace.io.layouts import SourcePlan
from bomtrace.io.table import RawSheet
from bomtrace.issues import Issue, IssueCode, IssueLog, Severity

#: how a sheet was named when nothing else named it (see :mod:`bomtrace.io.products`)
BY_SHEET_NAME = "the sheet name"


def combine_sheets(flats: list[SourcePlan], log: IssueLog) -> None:
    """Make the unnamed single-level sheets of each workbook the parts of one product.

    Each such sheet's lines get the product as their parent (``per_assembly``); the first
    sheet adds the product line. Changes the plans in place.
    """
    groups: dict[str, list[SourcePlan]] = defaultdict(list)
    for p in flats:
        if p.raw.sheet is not None and p.assembly_from == BY_SHEET_NAME:
            groups[p.raw.path].append(p)
    for path, sheets in groups.items():
        if len(sheets) < 2:
            continue
        name = PurePosixPath(path.replace("\\", "/")).stem
        listed = ", ".join(f"'{p.raw.sheet}'" for p in sheets)
        for i, p in enumerate(sheets):
            p.assembly, p.assembly_row, p.assembly_column = name, None, None
            p.assembly_from = "the file name"
            p.per_assembly, p.root, p.combined = True, i == 0, True
        log.add(
            Issue(
                IssueCode.SHEETS_COMBINED,
                f"The sheets {listed} of {path} are single-level lists that name no product of "
                f"their own: they were read as the parts of one product, '{name}' (named from "
                "the file name; --product NAME names it). To read one sheet as a product of "
                "its own, name it with --sheet NAME.",
                file=path,
                sheet=sheets[0].raw.sheet,
            )
        )


def unread_sheet(raw: RawSheet, why: str) -> Issue:
    """``sheet-skipped`` for a sheet (or a file of a folder) that maps to no BOM or parts
    master: a warning naming the flag that reads it when it holds rows of data, else info."""
    what = f"Sheet '{raw.sheet}' of {raw.path}" if raw.sheet else f"File {raw.path}"
    head = raw.frame.iloc[:10_000]
    filled = head.notna() & (head.astype("str").apply(lambda s: s.str.strip()) != "")
    rows = int((filled.sum(axis=1) >= 2).sum())
    if rows < 3:  # empty, or a note: nothing that reads like lines
        return Issue(
            IssueCode.SHEET_SKIPPED, f"{what} was skipped: {why}", file=raw.path, sheet=raw.sheet
        )
    scope = raw.sheet if raw.sheet else PurePosixPath(raw.path.replace("\\", "/")).name
    return Issue(
        IssueCode.SHEET_SKIPPED,
        f"{what} was skipped: {why} It has {rows} rows of values that are not read. To read "
        f"it, name its columns for it alone: --column '{scope}:part_number=HEADER' (and "
        f"--column '{scope}:quantity=HEADER').",
        severity=Severity.WARNING,
        file=raw.path,
        sheet=raw.sheet,
    )
