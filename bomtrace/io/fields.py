"""Per-field conversion of one sheet's used rows, and the checks on BOM quantities and levels.

Each function works on whole columns (see :mod:`bomtrace.io.values`); issues are built only for
the flagged rows, with the row's Excel/line number, column letter/number and part number.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bomtrace.countries import normalize_country
from bomtrace.eccn import normalize_eccn
from bomtrace.io.aliases import POSITIVE_DNP_HEADERS
from bomtrace.io.cell_checks import IssueLog, RowContext
from bomtrace.io.layouts import parse_levels_text
from bomtrace.io.mapping import header_key
from bomtrace.io.quantities import dnp_flags, numbers_of, parse_quantity
from bomtrace.io.quantity_words import report_units
from bomtrace.io.rows import iso, parse_dates
from bomtrace.io.table import BOOLEAN_FIELDS, Layout
from bomtrace.io.values import map_distinct, parse_flags, parse_numbers
from bomtrace.io.values import text_or_na as text
from bomtrace.issues import IssueCode

MONEY_FIELDS = ("unit_cost", "selling_price", "us_tech_value", "package_price", "line_cost")
COUNT_FIELDS = ("package_quantity", "price_unit")
_PRICED = ("unit_cost", "package_price", "line_cost")  #: a derived unit cost's column
LABELS = {
    "unit_cost": "Unit cost",
    "selling_price": "Selling price",
    "us_tech_value": "US tech value",
    "us_content_pct": "US content",
    "discrete_product": "Discrete product",
    "bundled": "Bundled",
    "gbs_eligible": "GBS eligible",
    "short_supply_only": "Short supply only",
    "listed_ear99": "Listed EAR99",
    "made_with_us_equipment": "Made with US equipment",
    "package_price": "Package price",
    "package_quantity": "Package quantity",
    "price_unit": "Price unit",
    "line_cost": "Line cost",
    "dnp": "DNP",
    "effective_from": "Effective-from date",
    "effective_to": "Effective-to date",
}
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "US$": "USD"}


#: characters of a cell quoted in a message (a cell may hold 32,767)
QUOTE_CHARS = 60


def quoted(value: object) -> str:
    """A cell's text as a message quotes it: cut to :data:`QUOTE_CHARS` characters.

    >>> quoted("x" * 100)[-12:], quoted(" 12 ")
    ('xx… (100 ch)', ' 12 ')
    """
    text = str(value)
    if len(text) <= QUOTE_CHARS:
        return text
    return f"{text[: QUOTE_CHARS - 1]}… ({len(text):,} ch)"


def convert_field(fld: str, s: pd.Series, ctx: RowContext, log: IssueLog) -> object:
    """Convert one canonical field's stripped text to its contract type, logging bad values.

    Parameters
    ----------
    fld : str
        Canonical field name.
    s : pandas.Series
        The field's stripped text on the used rows.
    ctx : RowContext
        Positions for issues; collects currencies and empty quantities for later checks.
    log : IssueLog
        Receives ``bad-level``, ``bad-quantity``, ``bad-number`` and ``bad-flag`` issues.

    Returns
    -------
    numpy.ndarray or pandas.Series
        float64 for numeric fields, ``boolean`` for flags, ``str`` for text (missing = NA).
    """
    if fld == "part_number":
        return s
    if fld == "level":
        values, bad, ctx.structure = parse_levels_text(s)
        log.add_rows(
            IssueCode.BAD_LEVEL,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_LEVEL, _level_msg(str(s.iat[i]), int(ctx.rows[i])), i, fld
            ),
        )
        return values
    if fld == "quantity":
        q = parse_quantity(s)
        ctx.qty_empty = (s == "").to_numpy()
        ctx.qty_unit, ctx.qty_dnp = q.unit, q.dnp
        log.add_rows(
            IssueCode.BAD_QUANTITY,
            q.bad,
            lambda i: ctx.issue(
                IssueCode.BAD_QUANTITY,
                f"Quantity '{quoted(s.iat[i])}' in row {ctx.rows[i]} is not a number. "
                "Use a number such as 2 or 0.5 (a unit may follow: 2 pcs, 0.5 m), or DNP.",
                i,
                fld,
            ),
        )
        report_units(q.unit, s, ctx, log)
        return q.values
    if fld == "dnp":
        header = ctx.hmap.headers[ctx.hmap.fields[fld]] if fld in ctx.hmap.fields else ""
        plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", header)  # "Place (YES/NO)"
        fitted = header_key(plain) in {header_key(h) for h in POSITIVE_DNP_HEADERS}
        dnp, bad = dnp_flags(s, fitted_header=fitted)
        log.add_rows(
            IssueCode.BAD_FLAG,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_FLAG,
                f"{header or 'DNP'} '{quoted(s.iat[i])}'"
                f" in row {ctx.rows[i]} is not a fitted/DNP mark. "
                "Use DNP (or yes/no), and leave it empty for a fitted part.",
                i,
                fld,
            ),
        )
        return pd.Series(pd.array(dnp, dtype="boolean"))
    if fld in ("effective_from", "effective_to"):
        dates, bad = parse_dates(s)
        log.add_rows(
            IssueCode.BAD_DATE,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_DATE,
                f"{LABELS[fld]} '{quoted(s.iat[i])}'"
                f" in row {ctx.rows[i]} is not a date, so the line is "
                "taken as open on that side. Use YYYY-MM-DD or DD.MM.YYYY.",
                i,
                fld,
            ),
        )
        return iso(dates)
    if fld in COUNT_FIELDS:
        values, bad, _ = parse_numbers(s)
        bad |= values <= 0
        log.add_rows(
            IssueCode.BAD_NUMBER,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_NUMBER,
                f"{LABELS[fld]} '{quoted(s.iat[i])}'"
                f" in row {ctx.rows[i]} is not a positive number. "
                "Use the number of units the price is for, such as 100.",
                i,
                fld,
            ),
        )
        return np.where(bad, np.nan, values)
    if fld in MONEY_FIELDS or fld == "us_content_pct":
        pct = fld == "us_content_pct"
        values, bad, cur = parse_numbers(s, percent=pct)
        hint = (
            "Use a percentage such as 12% or a fraction such as 0.12."
            if pct
            else "Use a number such as 12.50, 1,234.50 or 1.234,50."
        )
        what = "a share from 0 to 100%" if pct else "a number"
        log.add_rows(
            IssueCode.BAD_NUMBER,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_NUMBER,
                f"{LABELS[fld]} '{quoted(s.iat[i])}' in row {ctx.rows[i]} is not {what}. {hint}",
                i,
                fld,
            ),
        )
        if not pct:
            # a cost or price below zero (a rebate, a credit line, a sign slip) would lower
            # totals and ratios without a word: it is an error and the value is left missing,
            # which the analysis bounds (the ratio's high bound assumes the worst)
            negative = values < 0
            log.add_rows(
                IssueCode.NEGATIVE_VALUE,
                negative,
                lambda i: ctx.issue(
                    IssueCode.NEGATIVE_VALUE,
                    f"{LABELS[fld]} '{quoted(s.iat[i])}'"
                    f" in row {ctx.rows[i]} is negative; a cost or "
                    "price cannot be below zero, so it is treated as missing. Give the "
                    "positive value (a credit or rebate is not a part of the product).",
                    i,
                    fld,
                ),
            )
            if negative.any():
                values = np.where(negative, np.nan, values)
            ctx.currency.append(cur)
        return values
    if fld in BOOLEAN_FIELDS:
        flags, bad = parse_flags(s)
        log.add_rows(
            IssueCode.BAD_FLAG,
            bad,
            lambda i: ctx.issue(
                IssueCode.BAD_FLAG,
                f"{LABELS[fld]} '{quoted(s.iat[i])}'"
                f" in row {ctx.rows[i]} is not yes or no. Use yes/no, "
                "y/n, true/false or 1/0, and leave it empty when unknown.",
                i,
                fld,
            ),
        )
        return flags
    if fld == "country_of_origin":
        return map_distinct(s, lambda v: normalize_country(v) or v)
    if fld == "eccn":
        return map_distinct(s, normalize_eccn)
    if fld == "currency":
        return map_distinct(s, lambda v: _CURRENCY_SIGNS.get(v.upper(), v.upper()))
    return text(s)


def _level_msg(value: str, row: int) -> str:
    fix = "Use 0 for the product, 1 for its parts, 2 for theirs, and so on."
    if not value:
        return f"Level is empty in row {row}. {fix}"
    return (
        f"Level '{quoted(value)}' in row {row} is not a level. {fix} Dotted positions (1.2.3) and "
        "SAP-style levels (.1 ..2) are read too."
    )


def fill_currency(out: dict[str, object], ctx: RowContext) -> None:
    """Where the currency cell is empty, use a code written in a money cell (``€ 5``)."""
    found: pd.Series | None = None
    for cur in ctx.currency:
        if cur.notna().any():
            found = cur if found is None else found.where(found.notna(), cur)
    if found is None:
        return
    given = out.get("currency")
    out["currency"] = given.where(given.notna(), found) if isinstance(given, pd.Series) else found


def bom_checks(
    out: dict[str, object], layout: Layout | None, ctx: RowContext, log: IssueLog
) -> None:
    """Check BOM lines: missing quantity column, empty/zero/negative quantities.

    Parameters
    ----------
    out : dict
        Converted columns by field; ``quantity`` is added when missing.
    layout : {"indented", "parent-child"} or None
        The sheet's layout; root lines (level 0, or no parent) may leave the quantity empty.
    ctx : RowContext
        Positions for issues.
    log : IssueLog
        Receives the issues.
    """
    n = len(ctx.pn)
    if "quantity" not in out:
        out["quantity"] = np.full(n, np.nan)
        headers = ", ".join(f"'{h}'" for h in ctx.hmap.headers if h)
        log.add(
            ctx.issue(
                IssueCode.MISSING_COLUMN,
                f"No quantity column found in {ctx.where}, so every line's quantity is unknown. "
                f"Headers are: {headers}. Map one with --column quantity=HEADER.",
                None,
                None,
            )
        )
        return
    qty = np.asarray(out["quantity"], dtype=np.float64)
    if layout == "indented":
        root = np.asarray(out.get("level", np.full(n, np.nan)), dtype=np.float64) == 0
    else:
        parent = out.get("parent")
        root = parent.isna().to_numpy() if isinstance(parent, pd.Series) else np.zeros(n, bool)
    empty = ~root & (ctx.qty_empty if ctx.qty_empty is not None else np.zeros(n, dtype=bool))
    log.add_rows(
        IssueCode.BAD_QUANTITY,
        empty,
        lambda i: ctx.issue(
            IssueCode.BAD_QUANTITY,
            f"Quantity is empty in row {ctx.rows[i]}. Give the quantity per parent assembly, "
            "such as 2 or 0.5.",
            i,
            "quantity",
        ),
    )
    dnp = ctx.qty_dnp if ctx.qty_dnp is not None else np.zeros(n, dtype=bool)
    log.add_rows(
        IssueCode.ZERO_QUANTITY,
        (qty == 0) & ~dnp,
        lambda i: ctx.issue(
            IssueCode.ZERO_QUANTITY,
            f"Quantity is 0 in row {ctx.rows[i]}, so the part is listed but not used. Give the "
            "quantity per parent assembly, or delete the line.",
            i,
            "quantity",
        ),
    )
    log.add_rows(
        IssueCode.NEGATIVE_QUANTITY,
        qty < 0,
        lambda i: ctx.issue(
            IssueCode.NEGATIVE_QUANTITY,
            f"Quantity {qty[i]:g} in row {ctx.rows[i]} is negative. Use the quantity per parent "
            "assembly, such as 2 or 0.5.",
            i,
            "quantity",
        ),
    )


def package_pricing(out: dict[str, object], ctx: RowContext, log: IssueLog) -> None:
    """Unit cost from package price ÷ package quantity, or a price per N units (SAP)."""
    n = len(ctx.pn)
    cost = numbers_of(out, "unit_cost", n)
    notes: list[str] = []
    if "package_price" in out:
        pp, pq = numbers_of(out, "package_price", n), numbers_of(out, "package_quantity", n)
        use = np.isnan(cost) & ~np.isnan(pp) & ~np.isnan(pq)
        cost = np.where(use, pp / np.where(use, pq, 1.0), cost)
        if use.any():
            notes.append(f"{int(use.sum())} line(s) from package price ÷ package quantity")
    if "line_cost" in out and "quantity" in out:
        lc, q = numbers_of(out, "line_cost", n), numbers_of(out, "quantity", n)
        use = np.isnan(cost) & ~np.isnan(lc) & (q > 0)
        cost = np.where(use, lc / np.where(use, q, 1.0), cost)
        if use.any():
            notes.append(f"{int(use.sum())} line(s) from line cost ÷ quantity")
    if "price_unit" in out and "unit_cost" in out:
        per = numbers_of(out, "price_unit", n)
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
                next((f for f in _PRICED if f in ctx.hmap.fields), None),
            )
        )
