"""Turn one mapped sheet into typed BOM lines (or parts-master rows) plus positioned issues.

Input: a :class:`~bomtrace.io.table.RawSheet` and its :class:`~bomtrace.io.headers.HeaderMap`.
Output: a DataFrame with canonical columns (see :mod:`bomtrace.io.table`), ``x:`` columns for
unmapped headers, ``_file``/``_sheet``/``_row``, and a :class:`~bomtrace.io.table.SourceInfo`.
Blank rows are skipped silently but counted; rows without a part number are skipped with an issue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.io.cell_checks import IssueLog, RowContext, check_cells
from bomtrace.io.fields import bom_checks, convert_field, fill_currency, package_pricing
from bomtrace.io.headers import HeaderMap
from bomtrace.io.layouts import SourcePlan, indent_levels, indentation
from bomtrace.io.placements import group_placements
from bomtrace.io.pricing import price_basis
from bomtrace.io.projects import by_project, split_quantities
from bomtrace.io.quantities import (
    designators,
    do_not_populate,
    settle_levels,
    units,
)
from bomtrace.io.rows import read_body
from bomtrace.io.table import CANONICAL_FIELDS, Converted, RawSheet, SourceInfo
from bomtrace.io.title_block import per_unit
from bomtrace.io.unread import USED
from bomtrace.io.values import text_or_na as text
from bomtrace.issues import Issue, IssueCode, Severity

#: Line forms a source can produce; ``flat`` lines (a product at level 0 and its parts at
#: level 1) become indented or parent-child lines to match the other sources.
FORMS = ("indented", "parent-child", "flat")


def convert(plan: SourcePlan, log: IssueLog) -> Converted:
    """Read one mapped sheet into typed columns.

    Parameters
    ----------
    plan : SourcePlan
        The sheet, its header map, how its structure is given and any product to add.
    log : IssueLog
        Receives the issues.

    Returns
    -------
    Converted
        Rows used, the SourceInfo and the column letter of every output column.
    """
    raw, hmap = plan.raw, plan.hmap
    check_cells(plan, log)  # cells not read as they show (and overlong ones emptied)
    indent = (plan.indent_col,) if plan.indent_col is not None else ()
    body = read_body(plan, log, indent_cols=indent)
    used = body.codes == USED
    rows = body.rows[used]
    sel = {j: s[used].reset_index(drop=True) for j, s in body.cells.items()}
    _sheet_notes(plan, body.rows, log)
    out: dict[str, object] = {}
    pn = sel[hmap.fields["part_number"]]
    ctx = RowContext(raw, hmap, rows, pn)
    for fld, j in hmap.fields.items():
        out[fld] = convert_field(fld, sel[j], ctx, log)
    fill_currency(out, ctx)
    price_basis(out, ctx, log, body.cells, used)  # a pack price or line cost, from content
    title = per_unit(plan, out, ctx, log)  # a build quantity in the title block
    projects = split_quantities(plan, out, ctx, title, log)  # KiCost: Qty.Prj0, Qty.Prj1
    add_product = False
    letters = {f: raw.columns[j] for f, j in hmap.fields.items()}
    extra: dict[str, pd.Series] = {}
    unmapped_headers = _extras(raw, hmap, sel, extra, letters, ctx, log)
    if plan.role == "bom":
        if plan.kind == "indentation" and plan.indent_col is not None:
            widths = indentation(body.raw_cells[plan.indent_col][used])
            out["level"] = indent_levels(widths)
            ctx.structure = "indentation"
            letters["level"] = raw.columns[plan.indent_col]
        flat = plan.kind == "flat"
        designators(out, ctx, log, flat=flat)
        do_not_populate(out, ctx, log, extra)
        units(out, ctx)
        if plan.kind in ("level", "indentation"):
            add_product = settle_levels(out, ctx, log)
        if flat:
            out["level"] = np.ones(len(pn))
        if plan.per_assembly:
            out.pop("level", None)
            out["parent"] = _repeat(plan.assembly, len(pn))
        pc = plan.per_assembly or plan.kind == "parent-child"
        bom_checks(out, "parent-child" if pc else "indented", ctx, log)
    package_pricing(out, ctx, log)
    out.update(extra)
    frame = pd.DataFrame({c: out[c] for c in order_columns(list(out))})
    frame["_file"] = _repeat(raw.path, len(frame))
    frame["_sheet"] = _repeat(raw.sheet, len(frame))
    frame["_row"] = rows.astype(np.int64)
    merged = 0
    if plan.role == "bom" and plan.kind == "flat" and not projects:
        frame, merged = group_placements(frame)
        if merged:
            _merged_issue(plan, ctx, len(frame), merged, log)
    product: dict[str, object] | None = None
    wanted = add_product or plan.kind == "flat" and (plan.root or not plan.per_assembly)
    if plan.role == "bom" and wanted and plan.assembly:
        at = plan.assembly_row or ctx.header_row or (int(rows[0]) if len(rows) else 1)
        frame = _with_product(frame, plan.assembly, at)
        product = {"part_number": plan.assembly, "from": plan.assembly_from, "row": at}
        _product_issue(plan, ctx, at, add_product, log)
        if projects:
            frame = by_project(frame, projects)
            product["products"] = len(projects)  # one product line per project
    info = SourceInfo(
        path=raw.path,
        sha256=raw.sha256,
        role=plan.role,
        file_type=raw.file_type,
        sheet=raw.sheet,
        header_row=ctx.header_row or 0,
        layout=None,
        rows=int(len(body.codes)),
        rows_used=int(used.sum()),
        columns=list(hmap.matches),
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        unmapped_headers=unmapped_headers,
        structure=_structure(plan, ctx),
        rows_skipped=body.skipped(),
        group_row=int(raw.rows[hmap.group_index]) if hmap.group_index is not None else None,
        product=product,
        rows_merged=merged,
        title_block=title.to_dict() or None,
    )
    if plan.role == "bom":
        form = "parent-child" if plan.per_assembly or plan.kind == "parent-child" else "indented"
        form = "flat" if plan.kind == "flat" and not plan.per_assembly else form
        form = "indented" if projects and form == "flat" else form  # one product per project
        info.layout = "parent-child" if form == "parent-child" else "indented"
        return Converted(frame=frame, info=info, letters=letters, form=form)
    return Converted(frame=frame, info=info, letters=letters)


def _structure(plan: SourcePlan, ctx: RowContext) -> str | None:
    if plan.role != "bom":
        return None
    if plan.per_assembly:
        return "flat" if plan.combined else "per-assembly"
    if plan.kind == "level":
        return ctx.structure
    return plan.kind


def _with_product(frame: pd.DataFrame, name: str, row: int) -> pd.DataFrame:
    """Put a product line (level 0 / no parent) above the lines."""
    first: dict[str, object] = {}
    for c in frame.columns:
        if c == "part_number":
            first[c] = pd.Series([name], dtype="str")
        elif c == "level":
            first[c] = np.zeros(1)
        elif c in ("_file", "_sheet"):
            first[c] = frame[c].iloc[:1].reset_index(drop=True) if len(frame) else [None]
        elif c == "_row":
            first[c] = np.array([row], dtype=np.int64)
        else:
            first[c] = pd.Series([None], dtype=frame[c].dtype)
    top = pd.DataFrame(first)
    if not len(frame):
        top["_file"] = top["_file"].astype("str")
        return top
    return pd.concat([top, frame], ignore_index=True)


def _product_issue(
    plan: SourcePlan, ctx: RowContext, row: int, no_product_line: bool, log: IssueLog
) -> None:
    name, source = plan.assembly, plan.assembly_from or "the file name"
    if no_product_line:
        what = "has no product line above its top-level lines"
    elif plan.per_assembly:
        what = "lists an assembly no other sheet or file uses"
    else:
        what = "is a single-level BOM"
    log.add(
        Issue(
            IssueCode.PRODUCT_ADDED,
            f"{ctx.where} {what}: its lines were read as the parts of product '{name}' (named "
            f"from {source})."
            + ("" if plan.per_assembly else " Name the product with --product NAME."),
            file=plan.raw.path,
            sheet=plan.raw.sheet,
            row=row,
            column=plan.assembly_column,
            part_number=name,
        )
    )


def _sheet_notes(plan: SourcePlan, rows: np.ndarray, log: IssueLog) -> None:
    """Hidden rows and merged cells of an xlsx sheet, and a two-row header."""
    raw, hmap = plan.raw, plan.hmap
    hidden = sorted(set(raw.hidden_rows) & set(rows.tolist())) if raw.hidden_rows else []
    for r in hidden[: log.room(IssueCode.HIDDEN_ROW)]:
        log.add(
            Issue(
                IssueCode.HIDDEN_ROW,
                f"Row {r} is hidden in Excel; it was read like any other row. Delete it from the "
                "sheet if it is not part of the BOM.",
                file=raw.path,
                sheet=raw.sheet,
                row=r,
            )
        )
    for r0, letter, ref, value in raw.merged:
        log.add(
            Issue(
                IssueCode.MERGED_CELLS,
                f"Cells {ref} are merged; their value '{value}' was read in every row of the "
                "range.",
                file=raw.path,
                sheet=raw.sheet,
                row=r0,
                column=letter,
            )
        )
    if raw.unchecked:
        log.add(
            Issue(
                IssueCode.HIDDEN_ROW,
                raw.unchecked,
                severity=Severity.INFO,
                file=raw.path,
                sheet=raw.sheet,
            )
        )
    if hmap.group_index is not None:
        shown = [h for h in hmap.headers if h][:6]
        log.add(
            Issue(
                IssueCode.GROUP_HEADER,
                f"Row {raw.rows[hmap.group_index]} holds group labels over the header row "
                f"{raw.rows[hmap.index or 0]}; the headers were read with them: "
                + ", ".join(f"'{h}'" for h in shown)
                + ".",
                file=raw.path,
                sheet=raw.sheet,
                row=int(raw.rows[hmap.group_index]),
            )
        )


def order_columns(cols: list[str]) -> list[str]:
    """Canonical fields in display order, then ``x:`` columns as found, then positions.

    >>> order_columns(["_row", "x:Notes", "quantity", "part_number"])
    ['part_number', 'quantity', 'x:Notes', '_row']
    """
    canon = [f for f in CANONICAL_FIELDS if f in cols]
    extra = [c for c in cols if c not in CANONICAL_FIELDS and not c.startswith("_")]
    return canon + extra + [c for c in cols if c.startswith("_")]


def _merged_issue(
    plan: SourcePlan, ctx: RowContext, lines: int, merged: int, log: IssueLog
) -> None:
    log.add(
        Issue(
            IssueCode.PLACEMENTS_GROUPED,
            f"{ctx.where}: {merged} row(s) repeat a part of an earlier row with the same "
            f"attributes (one row per placement); each was merged into that line, quantities "
            f"added and designators joined ({lines + merged} rows, {lines} lines).",
            file=plan.raw.path,
            sheet=plan.raw.sheet,
            row=ctx.header_row,
        )
    )


def _repeat(value: str | None, n: int) -> pd.Series:
    """One value on every row, as a categorical: one string stored, integer codes per row
    (hashing and copying a million equal file names is what it saves)."""
    cats = pd.Index([] if value is None else [value], dtype="str")
    codes = np.full(n, -1 if value is None else 0, dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, categories=cats))


def _extras(
    raw: RawSheet,
    hmap: HeaderMap,
    sel: dict[int, pd.Series],
    out: dict[str, pd.Series],
    letters: dict[str, str],
    ctx: RowContext,
    log: IssueLog,
) -> list[str]:
    """Carry unmapped columns as ``x:<header>`` in ``out``; return their header texts."""
    headers: list[str] = []
    dups = {dup for _, _, dup in hmap.duplicates}
    for j in hmap.unmapped:
        header = hmap.headers[j]
        letter = raw.columns[j]
        if not header and not (sel[j] != "").any():
            continue
        name = f"x:{header or letter}"
        if name in out or name in letters:
            name = f"{name} ({letter})"
        out[name] = text(sel[j])
        letters[name] = letter
        if header:
            headers.append(header)
        if header and j not in dups:
            log.add(
                Issue(
                    IssueCode.UNMAPPED_COLUMN,
                    f"Column {letter} '{header}' is not a bomtrace field; it is kept as '{name}'. "
                    f"If it is one, map it with --column FIELD={header}.",
                    file=raw.path,
                    sheet=raw.sheet,
                    row=ctx.header_row,
                    column=letter,
                )
            )
    for fld, kept, dup in hmap.duplicates:
        log.add(
            Issue(
                IssueCode.DUPLICATE_COLUMN,
                f"Columns {raw.columns[kept]} '{hmap.headers[kept]}' and {raw.columns[dup]} "
                f"'{hmap.headers[dup]}' both look like {fld}; column {raw.columns[kept]} is used. "
                f"Choose with --column {fld}=HEADER.",
                file=raw.path,
                sheet=raw.sheet,
                row=ctx.header_row,
                column=raw.columns[dup],
            )
        )
    return headers
