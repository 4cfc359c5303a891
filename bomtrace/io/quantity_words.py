"""Quantities written with a counter word or a unit, in any language, and how they are reported.

``12个``, ``1套``, ``4只``, ``10颗``, ``2枚``, ``1本``, ``3개``, ``1 шт``, ``5 pcs``: the number is
the quantity and the word only counts it (a *counter*); ``一卷`` (one roll), ``两个`` (two),
``十`` (ten): a Chinese or Japanese numeral, when the whole cell is a numeral and a counter.
Full-width digits (``１２個``) read as digits.

The quantity column then holds units, which the reader says once per column (``quantity-unit``,
information). A cell whose word is a unit of *measure* (``100mm``, ``0.5 m``, ``2米``) is a
length or a weight, not a count: it is read as that many units (the unit goes to the line's
unit of measure) and reported at its row as a warning; so is a word that is neither
(``4.7k``: perhaps a value in the wrong column), so that no other number becomes a quantity
without a word. Texts such as ``若干`` (some) or ``少量`` (a little) hold no number: they stay
bad quantities.

>>> import pandas as pd
>>> cells = pd.Series(["12个", "一卷", "两个", "十", "3개", "1 шт", "１２個", "若干"], dtype="str")
>>> values, units = read_counted(cells)
>>> values.tolist()[:7], pd.isna(values[7])
([12.0, 1.0, 2.0, 10.0, 3.0, 1.0, 12.0], True)
>>> units.tolist()[:3]
['个', '卷', '个']
>>> [kind(u) for u in ("pcs", "个", "mm", "米", "k")]
['counter', 'counter', 'measure', 'measure', 'unknown']
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import numpy as np
import pandas as pd

from bomtrace.io.cell_checks import IssueLog, RowContext
from bomtrace.issues import Issue, IssueCode, Severity


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that count pieces (any case): the number before them is the quantity.
COUNTERS: frozenset[str] = _words(
    "pcs pc pce pces piece pieces ea each x times unit units st stk stck stück set sets "
    "pair pairs pr roll rolls reel reels pack packs pkg box boxes bag bags kit kits lot "
    "个 個 只 隻 颗 顆 粒 片 套 卷 捲 条 條 根 张 張 块 塊 对 對 把 台 盒 包 袋 本 枚 组 組 "
    "支 件 双 雙 箱 瓶 副 份 排 盘 盤 捆 节 節 架 座 头 頭 管 ケ ヶ 箇 巻 式 セット パック 対 "
    "点 脚 개 장 세트 롤 쌍 대 조 묶음 봉 박스 "
    "шт штук штуки штука компл комплект комплекта пар пара уп упак рулон"
)
#: Units of measure (any case): the number before them is a length, weight or volume.
MEASURES: frozenset[str] = _words(
    'mm cm m km um µm in inch inches ft feet foot yd g kg mg lb lbs oz ml l ltr liter " '
    "' litre m2 mm2 sqm cc 米 毫米 厘米 公分 公尺 克 千克 公斤 毫升 升 メートル ミリ センチ "
    "グラム キロ リットル 미터 센티미터 밀리미터 그램 킬로그램 리터 м мм см г кг л мл метр "
    "метра метров грамм"
)
_NUMERALS = {"〇": 0, "零": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2}
_NUMERALS |= {"三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_COUNTED = re.compile(
    r"^([-+]?\d+(?:[.,]\d+)?|[〇零一壹二贰貳两兩三四五六七八九十百]+)\s*([^\d\s].{0,11}?)?\.?$"
)


def numeral(text: str) -> float | None:
    """A Chinese/Japanese numeral up to 999 (``十二`` = 12, ``二十`` = 20, ``两`` = 2).

    >>> numeral("十二"), numeral("二十五"), numeral("三百"), numeral("十十")
    (12.0, 25.0, 300.0, None)
    """
    total, digit, seen = 0, None, set()
    for c in text:
        if c in ("十", "百"):
            if c in seen:
                return None
            seen.add(c)
            total += (1 if digit is None else digit) * (10 if c == "十" else 100)
            digit = None
        elif c in _NUMERALS and digit is None:
            digit = _NUMERALS[c]
        else:
            return None
    return float(total + (digit or 0))


def kind(unit: str) -> str:
    """``counter``, ``measure`` or ``unknown`` for the word after a quantity."""
    word = unit.strip().strip(".").casefold()
    if word in COUNTERS:
        return "counter"
    return "measure" if word in MEASURES else "unknown"


def _one(text: str) -> tuple[float, str | None] | None:
    m = _COUNTED.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    num, word = m.group(1), (m.group(2) or "").strip()
    if num[-1].isdigit():
        value = float(num.replace(",", "."))
    else:
        got = numeral(num)
        if got is None:
            return None
        value = got
    if word and kind(word) == "unknown":
        return None  # only known words here: other text is not a quantity
    return value, word or None


def read_counted(cells: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Quantities written with a counter or measure word, or as a CJK numeral.

    Called on the few cells that are not plain numbers (each distinct text read once).

    Returns
    -------
    values : numpy.ndarray
        float64; NaN where the cell is not such a quantity.
    units : pandas.Series
        The word after the number (``str``; missing where none).
    """
    codes, uniques = pd.factorize(cells.reset_index(drop=True))
    read = [_one(str(u)) for u in uniques]
    vals = np.array([np.nan if r is None else r[0] for r in read] + [np.nan])[codes]
    words = pd.Series([None if r is None else r[1] for r in read] + [None], dtype="str")
    return vals, pd.Series(words.to_numpy()[codes], dtype="str")


def counted(s: pd.Series, values: np.ndarray, bad: np.ndarray, unit: pd.Series) -> pd.Series:
    """Read the ``bad`` cells of ``s`` that are counted quantities (in place: ``values``,
    ``bad``); return ``unit`` with their words."""
    idx = np.flatnonzero(bad)
    if not idx.size:
        return unit
    vals, words = read_counted(s.iloc[idx])
    ok = ~np.isnan(vals)
    if not ok.any():
        return unit
    values[idx[ok]] = vals[ok]
    bad[idx[ok]] = False
    unit = unit.copy()
    unit.iloc[idx[ok]] = words.to_numpy()[ok]
    return unit


def report_units(unit: pd.Series, s: pd.Series, ctx: RowContext, log: IssueLog) -> None:
    """One information issue for a quantity column written with counters; a warning at each
    row whose word is a unit of measure or an unknown word."""
    has = unit.notna().to_numpy()
    if not has.any():
        return
    codes, uniques = pd.factorize(unit[has])  # each distinct word classified once
    is_counter = np.array([kind(str(u)) == "counter" for u in uniques], dtype=bool)[codes]
    counters = sorted({str(u) for u in uniques if kind(str(u)) == "counter"})
    if counters:
        listed = ", ".join(f"'{w}'" for w in counters[:8])
        log.add(
            ctx.issue_at(
                IssueCode.QUANTITY_UNIT,
                f"Quantities in {ctx.where} are written with counter words ({listed}): the "
                "numbers before them were read as the quantities.",
                "quantity",
            )
        )
    odd = np.zeros(len(unit), dtype=bool)
    odd[np.flatnonzero(has)] = ~is_counter
    log.add_rows(
        IssueCode.QUANTITY_UNIT,
        odd,
        lambda i: _odd_issue(unit.iat[i], s.iat[i], i, ctx),
    )


def _odd_issue(word: str, text: str, i: int, ctx: RowContext) -> Issue:
    if kind(word) == "measure":
        what = (
            f"is a measure ({word}), not a count: the line was read as that many {word} "
            f"(its unit of measure); its unit cost must be per {word}"
        )
    else:
        what = f"has a word ('{word}') that is neither a counter nor a unit bomtrace knows"
    issue = ctx.issue(
        IssueCode.QUANTITY_UNIT,
        f"Quantity '{text}' in row {ctx.rows[i]} {what}. Check the quantity column "
        "(--column quantity=HEADER names another).",
        i,
        "quantity",
    )
    return dataclasses.replace(issue, severity=Severity.WARNING)
