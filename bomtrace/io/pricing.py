"""What a price column holds — a unit cost, the price of a pack, or the line's cost — read from
the content, not only the header.

A column headed *Cost* or *Unit Cost* is mapped to ``unit_cost`` by its header. The content can
say otherwise, and a cost read wrongly is a verdict silently wrong:

- **pack price**: another column gives each line's cost as quantity × price ÷ a pack size
  column (*Sub Total* = *QTY* × *Unit Cost* ÷ *Unit QTY*): the price is a ``package_price`` and
  the pack size a ``package_quantity`` (the unit cost is their quotient);
- **line cost**: the price column equals quantity × another number column (that column is the
  unit price), or a total line under it equals the column's sum, not the sum of quantity ×
  price: it is the line's cost (``line_cost``; unit cost = line cost ÷ quantity) — unless its
  header says *unit* or *each* (the total may be a naive sum of unit prices: flagged, below);
- **unit cost**: another column equals quantity × price (the extended cost), or the total line
  equals the sum of quantity × price: nothing to change.

Each reading that changes the mapping is a ``price-basis`` warning with the flag that reads the
column as a unit cost. When the content cannot tell — a header such as *Cost* or *Amount* that
names no unit, quantities other than 1, no total line and no other price column — or a pack-size
column sits beside the price with nothing to check it by, the column is read as a unit cost and a
``price-basis`` warning names the flags for the other readings. A field mapped with ``--column``
is never second-guessed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bomtrace.io.cell_checks import IssueLog, RowContext
from bomtrace.io.table import ColumnMatch
from bomtrace.io.values import parse_numbers
from bomtrace.issues import Issue, IssueCode

#: Fields whose presence (or override) settles the price basis already.
_SETTLED = ("package_price", "package_quantity", "price_unit", "line_cost")
#: Words of a header that say a price is per unit (then nothing is ambiguous).
_UNIT_WORDS = frozenset({
    "unit", "each", "ea", "per", "pp", "pc", "pcs", "piece", "stk", "stück", "einzel",
    "unitaire", "unitario", "unitaria", "1pc",
})  # fmt: skip
#: Words of a header that may name a unit cost or a line's cost.
_COST_WORDS = frozenset({
    "cost", "costs", "amount", "value", "total", "sum", "kosten", "coût", "cout", "costo", "coste",
})  # fmt: skip
#: Words of a header beside a price that may name a pack size.
_PACK_WORDS = frozenset(
    {"qty", "quantity", "pack", "pcs", "count", "menge", "package", "reel", "moq"}
)
#: Words of the headers of the columns compared with a price: money, and pack sizes.
_MONEY_WORDS = _COST_WORDS | {
    "price", "prices", "each", "subtotal", "sub", "ext", "extended", "line", "gesamt",
    "gesamtpreis", "betrag", "montant", "prix",
}  # fmt: skip
_CHECK_WORDS = _MONEY_WORDS | _PACK_WORDS | {"size", "unit", "units", "per"}
_WORD = re.compile(r"[^\W\d_]+|\d+")


def _words(header: str) -> set[str]:
    return set(_WORD.findall(header.lower()))


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal as money written to the cent (or to half a percent)."""
    return bool(a.size) and bool(np.all(np.isclose(a, b, rtol=0.005, atol=0.006)))


def price_basis(
    out: dict[str, object],
    ctx: RowContext,
    log: IssueLog,
    cells: dict[int, pd.Series],
    used: np.ndarray,
) -> None:
    """Settle what the ``unit_cost`` column holds (see the module text); ``out``, the header
    map's fields, matches and unmapped columns are changed in place.

    Parameters
    ----------
    out : dict
        The converted fields of the used rows.
    ctx : RowContext
        The sheet, its header map and the used rows' positions.
    log : IssueLog
        Receives the ``price-basis`` warnings.
    cells : dict of int to pandas.Series
        Stripped text of every column on every row below the header.
    used : numpy.ndarray
        Which of those rows are used (the rows below the last one may hold a total line).
    """
    hmap = ctx.hmap
    f = hmap.fields
    if "unit_cost" not in f or "quantity" not in out or hmap.overrides_used & {"unit_cost"}:
        return
    if any(k in f or k in hmap.overrides_used for k in _SETTLED):
        return
    q = np.asarray(out["quantity"], dtype=np.float64)
    c = np.asarray(out["unit_cost"], dtype=np.float64)
    ok = ~np.isnan(q) & ~np.isnan(c) & (q > 0)
    if np.count_nonzero(ok) < 2 or not np.any(q[ok] != 1):
        return  # every quantity 1: a unit cost and a line cost are the same
    at = np.flatnonzero(used)
    nums = {}
    for j in hmap.unmapped:  # columns whose header names money or a count, not any number
        if j in cells and _words(hmap.headers[j]) & _CHECK_WORDS:
            v = parse_numbers(cells[j].iloc[at].reset_index(drop=True))[0]
            if np.count_nonzero(~np.isnan(v) & ok) >= 2:
                nums[j] = v
    for e, ext in nums.items():
        r = ok & ~np.isnan(ext)
        if not np.any(q[r] != 1):
            continue
        if _close(ext[r], q[r] * c[r]):
            return  # ext is the line's cost: the price is a unit cost
        for k, pack in nums.items():
            rk = r & ~np.isnan(pack) & (pack >= 1)
            whole = np.all(pack[rk] == np.round(pack[rk]))  # a pack holds whole items
            fits = k != e and whole and rk.sum() == r.sum() and np.any(pack[rk] != 1)
            if fits and _close(ext[rk], q[rk] * c[rk] / pack[rk]):
                _as_pack(out, ctx, log, k, pack, e)
                return
        if _close(c[r], q[r] * ext[r]):
            _as_line_cost(out, ctx, log, f"it equals {_col(ctx, 'quantity')} × {_name(ctx, e)}")
            _remap(ctx, "unit_cost", e, "content (unit of the line cost)")
            out["unit_cost"] = ext
            return
    total = _total(cells[f["unit_cost"]].iloc[int(at[-1]) + 1 :])
    if total is not None:
        s1, s2 = float(c[ok].sum()), float((q[ok] * c[ok]).sum())
        d1, d2 = abs(total - s1) / max(abs(s1), 1e-9), abs(total - s2) / max(abs(s2), 1e-9)
        per_unit = _words(hmap.headers[f["unit_cost"]]) & _UNIT_WORDS
        if d1 <= 0.1 and d2 > 0.5 and per_unit:  # a header that says "unit": a naive sum?
            _ambiguous(ctx, log, nums, f"the total under it ({total:g}) is its sum ({s1:g})")
            return
        if d1 <= 0.1 and d2 > 0.5:
            _as_line_cost(
                out, ctx, log,
                f"the total under it ({total:g}) is the sum of the column ({s1:g}), not of "
                f"quantity × price ({s2:g})",
            )  # fmt: skip
            return
        if d2 <= 0.1 and d1 > 0.5:
            return
    _ambiguous(ctx, log, nums)


def _total(below: pd.Series) -> float | None:
    vals = parse_numbers(below)[0] if len(below) else np.array([])
    vals = vals[~np.isnan(vals)]
    return float(vals[-1]) if vals.size else None


def _col(ctx: RowContext, fld: str) -> str:
    return _name(ctx, ctx.hmap.fields[fld])


def _name(ctx: RowContext, j: int) -> str:
    return f"{ctx.raw.columns[j]} '{ctx.hmap.headers[j]}'"


def _remap(ctx: RowContext, fld: str, j: int, how: str) -> None:
    hmap = ctx.hmap
    old = hmap.fields.get(fld)
    hmap.fields[fld] = j
    hmap.matches = [m for m in hmap.matches if m.field != fld]
    hmap.matches.append(ColumnMatch(fld, hmap.headers[j], ctx.raw.columns[j], how))
    if j in hmap.unmapped:
        hmap.unmapped.remove(j)
    if old is not None and old != j and old not in hmap.fields.values():
        hmap.unmapped.append(old)


def _unit_flag(ctx: RowContext, j: int) -> str:
    return f'--column unit_cost="{ctx.hmap.headers[j]}"'


def _as_pack(
    out: dict[str, object], ctx: RowContext, log: IssueLog, k: int, pack: np.ndarray, e: int
) -> None:
    j = ctx.hmap.fields.pop("unit_cost")
    price = out.pop("unit_cost")
    ctx.hmap.matches = [m for m in ctx.hmap.matches if m.field != "unit_cost"]
    _remap(ctx, "package_price", j, "content (pack price)")
    _remap(ctx, "package_quantity", k, "content (pack size)")
    out["package_price"], out["package_quantity"] = price, pack
    log.add(
        _issue(
            ctx,
            f"Column {_name(ctx, j)} is the price of a pack of {_name(ctx, k)} items, not a unit "
            f"cost: {_name(ctx, e)} equals {_col(ctx, 'quantity')} × the price ÷ the pack size on "
            "every line. It was read as the package price and the pack size (unit cost = price ÷ "
            f"pack size). If it is a unit cost, use {_unit_flag(ctx, j)}.",
            j,
        )
    )


def _as_line_cost(out: dict[str, object], ctx: RowContext, log: IssueLog, why: str) -> None:
    j = ctx.hmap.fields.pop("unit_cost")
    out["line_cost"] = out.pop("unit_cost")
    ctx.hmap.matches = [m for m in ctx.hmap.matches if m.field != "unit_cost"]
    _remap(ctx, "line_cost", j, "content (line cost)")
    log.add(
        _issue(
            ctx,
            f"Column {_name(ctx, j)} holds each line's cost (quantity × unit cost), not a unit "
            f"cost: {why}. The unit cost was read as that cost ÷ {_col(ctx, 'quantity')}. If it "
            f"is a unit cost, use {_unit_flag(ctx, j)}.",
            j,
        )
    )


def _ambiguous(
    ctx: RowContext, log: IssueLog, nums: dict[int, np.ndarray], total: str = ""
) -> None:
    hmap = ctx.hmap
    j = hmap.fields["unit_cost"]
    header = hmap.headers[j]
    words = _words(header)
    packs = [
        k
        for k in (j - 1, j + 1)
        if k in nums and _words(hmap.headers[k]) & _PACK_WORDS and np.nanmax(nums[k]) > 1
    ]
    if total:
        msg = (
            f"Column {_name(ctx, j)} is headed as a unit price, but {total}, as if it held each "
            "line's cost (quantity × unit cost). It was read as a unit cost, as headed. If it is "
            f'the line\'s cost, use --column line_cost="{header}" (or {_unit_flag(ctx, j)} to '
            "say it is a unit cost)."
        )
    elif packs:
        k = packs[0]
        msg = (
            f"Column {_name(ctx, k)} beside {_name(ctx, j)} may be a pack size, and the price that "
            "of a pack; nothing in the file (a line-cost column, a total) tells. It was read as a "
            "unit cost. If it is the price of a pack, use --column "
            f'package_price="{header}" --column package_quantity="{hmap.headers[k]}".'
        )
    elif words & _COST_WORDS and not words & _UNIT_WORDS:
        msg = (
            f"Column {_name(ctx, j)} may hold a unit cost or each line's cost (quantity × unit "
            "cost); nothing in the file (a unit or line-cost column, a total) tells. It was read "
            f'as a unit cost. If it is the line\'s cost, use --column line_cost="{header}" (or '
            f"{_unit_flag(ctx, j)} to say it is a unit cost)."
        )
    else:
        return
    log.add(_issue(ctx, msg, j))


def _issue(ctx: RowContext, msg: str, j: int) -> Issue:
    return Issue(
        IssueCode.PRICE_BASIS,
        msg,
        file=ctx.raw.path,
        sheet=ctx.raw.sheet,
        row=ctx.header_row,
        column=ctx.raw.columns[j],
    )
