"""Quantities as people write them (units, do-not-populate marks, reference designators),
and the finishing of BOM lines after their cells are converted.

- ``2 pcs``, ``0.5 m``, ``3x``: the number is the quantity, the word its unit of measure;
- ``DNP``, ``NF``, ``no fit`` (in the quantity cell, a DNP/Fitted column, or the description):
  the line is kept with quantity 0 and reported;
- reference designators ``C1-C7``, ``"U1, U2"``, ``R1 R2`` are counted, to check the quantity
  or to give it when a placement list has no quantity column.

>>> import pandas as pd
>>> q = parse_quantity(pd.Series(["2", "2 pcs", "0,5 m", "DNP", "x"], dtype="str"))
>>> q.values.tolist()[:4], q.unit.tolist()[:3]
([2.0, 2.0, 0.5, 0.0], [nan, 'pcs', 'm'])
>>> q.dnp.tolist(), q.bad.tolist()
([False, False, False, True, False], [False, False, False, False, True])
>>> refs = pd.Series(["C1-C7", "U1, U2", "R1 R2;R5", "", "J1..J3"], dtype="str")
>>> count_designators(refs)[0].tolist()
[7.0, 2.0, 3.0, nan, 3.0]

Finishing BOM lines after their cells are converted: quantities, DNP, prices, levels.

Each step works on whole columns of one sheet's used rows and reports only the rows it
changes or doubts, with their positions (see :class:`~bomtrace.io.cell_checks.RowContext`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.io.cell_checks import IssueLog, RowContext
from bomtrace.io.header_words import quantity_like_headers
from bomtrace.io.layouts import settle_top
from bomtrace.io.mapping import header_key
from bomtrace.io.quantity_words import counted
from bomtrace.io.values import FLAG_WORDS, as_str, parse_numbers
from bomtrace.issues import Issue, IssueCode, Severity

#: Cell texts (any case) that mark a line as not populated.
DNP_WORDS: frozenset[str] = frozenset(
    {
        "dnp",
        "dnf",
        "dni",
        "np",
        "nf",
        "n/f",
        "n.f.",
        "no fit",
        "nofit",
        "not fitted",
        "not populated",
        "not placed",
        "not mounted",
        "do not populate",
        "do not place",
        "do not fit",
        "do not mount",
        "nicht bestückt",
        "nb",
        "non monté",
        "no montar",
    }
)
#: In a description or notes cell: a DNP mark as a word of its own.
DNP_IN_TEXT = (
    r"(?i)(^|[\s(\[,;/-])(dnp|dnf|dni|no[\s-]?fit|not[\s-]fitted|not[\s-]populated|"
    r"not[\s-]assembled|do[\s-]not[\s-](populate|place|fit|mount))([\s)\],;./]|$)"
    # "NA(10k/R0402)", "NS(HN1x10)", "NA/R0402": not assembled, not soldered (a value kept)
    r"|^(NA|NS|NM|NF|NP)\s*[(/]"
)
_WITH_UNIT = r"^([-+]?\d[\d.,\s]*|[-+]?[.,]\d+)\s*([A-Za-zµ°\"'./²³]{1,12})$"
_TIMES_FIRST = r"(?i)^x\s*(\d[\d.,]*)$"
_RANGE = re.compile(r"^([A-Za-z_]*)(\d+)(?:-|\.\.|:|–)([A-Za-z_]*)(\d+)$")
_SPLIT = r"[,;|\s]+"


@dataclass
class Quantity:
    """A parsed quantity column."""

    values: np.ndarray  #: float64; NaN where empty or unreadable; 0 where DNP
    bad: np.ndarray  #: not empty and not readable
    unit: pd.Series  #: unit written after the number (``str``; missing where none)
    dnp: np.ndarray  #: the cell said do-not-populate


def parse_quantity(s: pd.Series) -> Quantity:
    """Read quantity cells: numbers, numbers with a unit, and do-not-populate marks.

    Parameters
    ----------
    s : pandas.Series
        Stripped text (``""`` = empty).

    Returns
    -------
    Quantity
    """
    values, bad, _ = parse_numbers(s)
    n = len(s)
    unit = as_str(pa.nulls(n, pa.large_string()))
    dnp = np.zeros(n, dtype=bool)
    if not bad.any():
        return Quantity(values, bad, unit, dnp)
    idx = np.flatnonzero(bad)
    t = s.iloc[idx].reset_index(drop=True)
    is_dnp = t.str.casefold().isin(DNP_WORDS).to_numpy(dtype=bool)
    parts = t.str.extract(_WITH_UNIT)
    times = t.str.extract(_TIMES_FIRST)[0]
    number = parts[0].fillna(times).fillna("").str.replace(" ", "", regex=False)
    num, nbad, _ = parse_numbers(number.astype("str"))
    ok = ~nbad & ~np.isnan(num) & ~is_dnp
    values[idx[ok]] = num[ok]
    bad[idx[ok]] = False
    words = parts[1].where(ok)
    if words.notna().any():
        unit = unit.copy()
        unit.iloc[idx] = words.str.strip(".").to_numpy()
        unit = unit.where(~unit.str.casefold().isin(["x", "times"]))
    values[idx[is_dnp]] = 0.0
    bad[idx[is_dnp]] = False
    dnp[idx[is_dnp]] = True
    unit = counted(s, values, bad, unit)  # 12个, 一卷, 3개, 1 шт
    return Quantity(values, bad, unit, dnp)


def count_designators(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Count the reference designators in each cell (lists and ranges).

    Returns
    -------
    counts : numpy.ndarray
        float64; NaN where the cell is empty.
    bad : numpy.ndarray
        A range that cannot be read (``C7-C1``, ``C1-U3``).
    """
    arr = pa.array(s.reset_index(drop=True).astype("str"), type=pa.large_string())
    n = len(arr)
    empty = np.asarray(pc.equal(arr, ""), dtype=bool)
    tokens = pc.split_pattern_regex(pc.utf8_trim(arr, ",;| "), _SPLIT)
    counts = np.asarray(pc.list_value_length(tokens), dtype=np.float64)
    counts[empty] = np.nan
    bad = np.zeros(n, dtype=bool)
    ranged = np.asarray(
        pc.fill_null(pc.match_substring_regex(arr, r"\d(-|\.\.|:|–)[A-Za-z_]*\d"), False),
        dtype=bool,
    )
    if ranged.any():
        idx = np.flatnonzero(ranged)
        codes, uniques = pd.factorize(s.iloc[idx].reset_index(drop=True))
        done = [_count_one(str(u)) for u in uniques]
        c = np.array([d[0] for d in done], dtype=np.float64)[codes]
        b = np.array([d[1] for d in done], dtype=bool)[codes]
        counts[idx], bad[idx] = c, b
    return counts, bad


def _count_one(text: str) -> tuple[float, bool]:
    total = 0
    for tok in re.split(_SPLIT, text.strip(",;| ")):
        m = _RANGE.match(tok)
        if not m:
            total += 1 if tok else 0
            continue
        p1, a, p2, b = m.group(1), int(m.group(2)), m.group(3) or m.group(1), int(m.group(4))
        if p1 != p2 or b < a:
            return float("nan"), True
        total += b - a + 1
    return float(total), False


def dnp_flags(s: pd.Series, *, fitted_header: bool) -> tuple[np.ndarray, np.ndarray]:
    """Read a DNP (or "Fitted") column: True where the line is not populated.

    Parameters
    ----------
    s : pandas.Series
        Stripped text.
    fitted_header : bool
        The column says whether the part *is* fitted ("Fitted", "Populate"): ``no`` means DNP.

    Returns
    -------
    dnp : numpy.ndarray
        bool.
    bad : numpy.ndarray
        Values that are neither a yes/no word nor a DNP mark.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["DNP", "", "x", "Fitted", "no"], dtype="str")
    >>> dnp_flags(s, fitted_header=False)[0].tolist()
    [True, False, True, False, False]
    >>> s = pd.Series(["yes", "no", "Not Fitted"], dtype="str")
    >>> dnp_flags(s, fitted_header=True)[0].tolist()
    [False, True, True]
    """
    low = s.reset_index(drop=True).str.casefold()
    words = low.isin(DNP_WORDS).to_numpy(dtype=bool)
    fitted = low.isin({"fitted", "populated", "populate", "place", "mounted", "fit"}).to_numpy(
        dtype=bool
    )
    flag = low.map(FLAG_WORDS)
    yes = (flag == True).to_numpy(dtype=bool)  # noqa: E712 - NaN compares False
    no = (flag == False).to_numpy(dtype=bool)  # noqa: E712
    empty = (low == "").to_numpy(dtype=bool)
    dnp = words | ((no if fitted_header else yes) & ~words)
    bad = ~(words | fitted | yes | no | empty)
    return dnp & ~fitted, bad


def dnp_in_text(s: pd.Series) -> np.ndarray:
    """True where a description/notes cell marks the line as not populated."""
    arr = pa.array(s.reset_index(drop=True).astype("str"), type=pa.large_string())
    return np.asarray(pc.fill_null(pc.match_substring_regex(arr, DNP_IN_TEXT), False), dtype=bool)


#: Unmapped columns whose text is searched for DNP marks ("Value", "Comment", "Variant"...).
_DNP_TEXT_HEADERS = ("value", "comment", "note", "remark", "variant", "fit", "popul", "mount")


def numbers_of(out: dict[str, object], fld: str, n: int) -> np.ndarray:
    """A converted field's values as floats (NaN for every line when the field is absent)."""
    v = out.get(fld)
    return np.full(n, np.nan) if v is None else np.asarray(v, dtype=np.float64)


def _no_quantity_column(ctx: RowContext, msg: str, fld: str) -> Issue:
    """The issue of a sheet without a quantity column; a warning naming the flag when some
    unmapped column reads like a quantity (the quantities assumed are then likely wrong)."""
    like = quantity_like_headers(ctx.hmap.headers, ctx.hmap.unmapped)
    issue = ctx.issue_at(IssueCode.QUANTITY_FROM_DESIGNATORS, msg, fld)
    if not like:
        return issue
    named = ", ".join(f"'{h}'" for h in like)
    flag = f"--column quantity='{like[0]}'"
    return dataclasses.replace(
        issue,
        message=f"{msg[:-1]}; but {named} looks like a quantity column: read it with {flag}.",
        severity=Severity.WARNING,
    )


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
                _no_quantity_column(
                    ctx,
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
            _no_quantity_column(
                ctx,
                f"{ctx.where} has no quantity column: each line's quantity is the number of its "
                "reference designators (1 where the cell is empty).",
                "reference_designators",
            )
        )
        return
    qty = numbers_of(out, "quantity", n)
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
    keyed = next((m.how for m in ctx.hmap.matches if m.field == "part_number"), "")
    if keyed.startswith(("name", "description")):  # the key is what a line names
        texts.append(ctx.pn)
    texts += [s for h, s in extra.items() if any(k in header_key(h) for k in _DNP_TEXT_HEADERS)]
    for s in texts:
        dnp |= dnp_in_text(s.fillna(""))
    if not dnp.any():
        return
    qty = numbers_of(out, "quantity", n)
    was = qty.copy()
    qty[dnp] = 0.0
    out["quantity"] = qty
    ctx.qty_dnp = dnp
    if not isinstance(col, pd.Series):  # the mark was in a quantity or text cell: keep it
        out["dnp"] = pd.array(dnp, dtype="boolean")
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
