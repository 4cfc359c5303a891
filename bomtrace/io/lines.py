"""Finishing BOM lines after their cells are converted: quantities, DNP, prices, levels.

Each step works on whole columns of one sheet's used rows and reports only the rows it
changes or doubts, with their positions (see :class:`~bomtrace.io.fields.RowContext`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.io.aliases import header_key
from bomtrace.io.fields import RowContext
from bomtrace.io.issuelog import IssueLog
from bomtrace.io.levels import settle_top
from bomtrace.io.quantity import count_designators, dnp_in_text
from bomtrace.issues import IssueCode

#: Unmapped columns whose text is searched for DNP marks ("Value", "Comment", "Variant"...).
_DNP_TEXT_HEADERS = ("value", "comment", "note", "remark", "variant", "fit", "popul", "mount")


def _num(out: dict[str, object], fld: str, n: int) -> np.ndarray:
    v = out.get(fld)
    return np.full(n, np.nan) if v is None else np.asarray(v, dtype=np.float64)


def designators(out: dict[str, object], ctx: RowContext, log: IssueLog, *, flat: bool) -> None:
    """Count reference designators; check them against the quantity, or give the quantity.

    A placement list (one row per designator, no quantity column) gets its quantity from the
    designators; a single-level BOM with neither counts each row once.
    """
    n = len(ctx.pn)
    refs = out.get("reference_designators")
    has_qty = "quantity" in out
    if not isinstance(refs, pd.Series):
        if flat and not has_qty:
            out["quantity"] = np.ones(n)
            ctx.qty_empty = np.zeros(n, dtype=bool)
            log.add(
                ctx.issue_at(
                    IssueCode.QUANTITY_FROM_DESIGNATORS,
                    f"{ctx.where} has no quantity and no designator column: each row was counted "
                    "as one part. Map the quantity with --column quantity=HEADER if it has one.",
                    "part_number",
                )
            )
        return
    counts, bad = count_designators(refs.fillna(""))
    log.add_rows(
        IssueCode.DESIGNATOR_MISMATCH,
        bad,
        lambda i: ctx.issue(
            IssueCode.DESIGNATOR_MISMATCH,
            f"Designators '{refs.iat[i]}' in row {ctx.rows[i]} hold a range that cannot be "
            "counted. Write ranges as C1-C7 (same prefix, rising numbers).",
            i,
            "reference_designators",
        ),
    )
    if not has_qty:
        out["quantity"] = np.where(np.isnan(counts), 1.0, counts)
        ctx.qty_empty = np.zeros(n, dtype=bool)
        log.add(
            ctx.issue_at(
                IssueCode.QUANTITY_FROM_DESIGNATORS,
                f"{ctx.where} has no quantity column: each line's quantity is the number of its "
                "reference designators (1 where the cell is empty).",
                "reference_designators",
            )
        )
        return
    qty = _num(out, "quantity", n)
    empty = ctx.qty_empty if ctx.qty_empty is not None else np.zeros(n, dtype=bool)
    fill = empty & ~np.isnan(counts)
    if fill.any():
        qty = np.where(fill, counts, qty)
        out["quantity"] = qty
        ctx.qty_empty = empty & ~fill
        log.add_rows(
            IssueCode.QUANTITY_FROM_DESIGNATORS,
            fill,
            lambda i: ctx.issue(
                IssueCode.QUANTITY_FROM_DESIGNATORS,
                f"Quantity is empty in row {ctx.rows[i]}; it was taken from the "
                f"{counts[i]:g} designator(s) '{refs.iat[i]}'.",
                i,
                "quantity",
            ),
        )
    dnp = ctx.qty_dnp if ctx.qty_dnp is not None else np.zeros(n, dtype=bool)
    whole = ~np.isnan(qty) & (qty == np.round(qty)) & (qty > 0)
    off = whole & ~np.isnan(counts) & (counts != qty) & ~fill & ~bad & ~dnp
    log.add_rows(
        IssueCode.DESIGNATOR_MISMATCH,
        off,
        lambda i: ctx.issue(
            IssueCode.DESIGNATOR_MISMATCH,
            f"Row {ctx.rows[i]} lists {counts[i]:g} reference designator(s) ('{refs.iat[i]}') "
            f"but the quantity is {qty[i]:g}. Check which is right; the quantity is used.",
            i,
            "quantity",
        ),
    )


def do_not_populate(
    out: dict[str, object], ctx: RowContext, log: IssueLog, extra: dict[str, pd.Series]
) -> None:
    """Lines marked DNP (quantity cell, DNP/Fitted column, description) get quantity 0."""
    n = len(ctx.pn)
    dnp = ctx.qty_dnp.copy() if ctx.qty_dnp is not None else np.zeros(n, dtype=bool)
    col = out.get("dnp")
    if isinstance(col, pd.Series):
        dnp |= col.fillna(False).to_numpy(dtype=bool)
    desc = out.get("description")
    texts = [desc] if isinstance(desc, pd.Series) else []
    texts += [s for h, s in extra.items() if any(k in header_key(h) for k in _DNP_TEXT_HEADERS)]
    for s in texts:
        dnp |= dnp_in_text(s.fillna(""))
    if not dnp.any():
        return
    qty = _num(out, "quantity", n)
    was = qty.copy()
    qty[dnp] = 0.0
    out["quantity"] = qty
    ctx.qty_dnp = dnp
    if ctx.qty_empty is not None:
        ctx.qty_empty = ctx.qty_empty & ~dnp
    log.add_rows(
        IssueCode.DO_NOT_POPULATE,
        dnp,
        lambda i: ctx.issue(
            IssueCode.DO_NOT_POPULATE,
            f"Row {ctx.rows[i]} is marked do-not-populate; {ctx.pn.iat[i]} is kept with quantity "
            "0" + (f" (instead of {was[i]:g})." if was[i] > 0 else "."),
            i,
            "quantity",
        ),
    )


def units(out: dict[str, object], ctx: RowContext) -> None:
    """A unit written after the quantity (``2 pcs``) fills an empty unit-of-measure cell."""
    if ctx.qty_unit is None or not ctx.qty_unit.notna().any():
        return
    uom = out.get("uom")
    unit = ctx.qty_unit
    out["uom"] = uom.where(uom.notna(), unit) if isinstance(uom, pd.Series) else unit


def package_pricing(out: dict[str, object], ctx: RowContext, log: IssueLog) -> None:
    """Unit cost from package price ÷ package quantity, or a price per N units (SAP)."""
    n = len(ctx.pn)
    cost = _num(out, "unit_cost", n)
    notes: list[str] = []
    if "package_price" in out:
        pp, pq = _num(out, "package_price", n), _num(out, "package_quantity", n)
        use = np.isnan(cost) & ~np.isnan(pp) & ~np.isnan(pq)
        cost = np.where(use, pp / np.where(use, pq, 1.0), cost)
        if use.any():
            notes.append(f"{int(use.sum())} line(s) from package price ÷ package quantity")
    if "price_unit" in out and "unit_cost" in out:
        per = _num(out, "price_unit", n)
        use = ~np.isnan(per) & (per != 1) & ~np.isnan(cost)
        cost = np.where(use, cost / np.where(use, per, 1.0), cost)
        if use.any():
            notes.append(f"{int(use.sum())} line(s) priced per more than one unit (price unit)")
    if notes:
        out["unit_cost"] = cost
        log.add(
            ctx.issue_at(
                IssueCode.UNIT_COST_DERIVED,
                f"Unit cost in {ctx.where} was derived: " + "; ".join(notes) + ".",
                "unit_cost" if "unit_cost" in ctx.hmap.fields else "package_price",
            )
        )


def settle_levels(out: dict[str, object], ctx: RowContext, log: IssueLog) -> bool:
    """Shift levels so products are level 0; True when a product line must be added."""
    if "level" not in out:
        return False
    lv, add, shift = settle_top(np.asarray(out["level"], dtype=np.float64), ctx.structure)
    out["level"] = lv
    if shift > 0 and not add:
        log.add(
            ctx.issue_at(
                IssueCode.LEVEL_SHIFTED,
                f"Levels in {ctx.where} start at {shift}, so they were read as {shift}-based: "
                f"level {shift} is the product (level 0) and every level was lowered by {shift}.",
                "level",
            )
        )
    return add
