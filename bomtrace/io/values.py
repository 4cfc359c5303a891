"""Vectorised value coercion: text columns in, typed columns plus "bad value" masks out.

Every function takes a pandas text Series that is already stripped (``""`` = empty) and returns
numpy/pandas results of the same length, plus a boolean mask of the values that could not be
read. The caller turns masks into positioned issues. Work is done with pyarrow compute kernels or
once per *distinct* value, never per row in Python.

>>> import pandas as pd
>>> vals, bad, cur = parse_numbers(pd.Series(["$1,234.50", "1.234,50 €", "", "two"], dtype="str"))
>>> vals.tolist()[:2], bad.tolist(), cur.tolist()
([1234.5, 1234.5], [False, False, False, True], [nan, 'EUR', nan, nan])
>>> parse_numbers(pd.Series(["12%", "12", "0.12"], dtype="str"), percent=True)[0].tolist()
[0.12, 0.12, 0.12]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_PLAIN = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
#: Currency markers removed from money text; codes/symbols that name one currency unambiguously.
_CURRENCY = (
    r"(?i)(US\$|USD|EUR|GBP|JPY|CNY|RMB|CHF|CAD|AUD|KRW|TWD|INR|MXN|RUB|руб\.?|[$€£¥￥元円₩₽])"
)
_CURRENCY_CODE = {"€": "EUR", "£": "GBP", "RMB": "CNY", "US$": "USD", "円": "JPY", "₩": "KRW"}
_CURRENCY_CODE |= {"₽": "RUB", "РУБ": "RUB", "РУБ.": "RUB"}
_AMBIGUOUS_SYMBOLS = {"$", "¥", "￥", "元"}  # 元: yuan (CNY) or New Taiwan dollars (TWD)
_SPACES = r"[\s\u00a0\u202f']"
_THOUSANDS_COMMA = r"^[-+]?\d{1,3}(,\d{3})+$"
_THOUSANDS_DOT = r"^[-+]?\d{1,3}(\.\d{3})+$"
_TRUE = ("y", "yes", "true", "1", "x", "ja", "j", "oui", "si", "sí", "t", "wahr", "vrai")
_FALSE = ("n", "no", "false", "0", "nein", "non", "f", "falsch", "faux")
FLAG_WORDS: dict[str, bool] = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def as_str(values: object) -> pd.Series:
    """Wrap a pyarrow string array (or list) as a pandas ``str`` Series, without copying."""
    return pd.Series(pd.array(values, dtype="str"))  # type: ignore[call-overload]


def _arrow_text(s: pd.Series) -> pa.Array:
    """A text Series as one contiguous pyarrow large_string array."""
    arr: Any = pa.array(s.astype("str"), type=pa.large_string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def regex_matches(s: pd.Series, *patterns: str) -> list[np.ndarray]:
    """Where each regular expression (RE2 syntax, searched) matches a cell; missing is False.

    BOM columns mostly repeat (a million indented lines hold about 80k distinct part
    numbers): each pattern then runs once per distinct value, found by one dictionary
    encoding. A column of mostly distinct values (a parts master's part numbers) is matched
    cell by cell instead, which costs less than encoding it first.

    >>> import pandas as pd
    >>> s = pd.Series(["Total", "R1", None, "R1"], dtype="str")
    >>> [m.tolist() for m in regex_matches(s, "^Tot", "1$")]
    [[True, False, False, False], [False, True, False, True]]
    """
    arr = _arrow_text(s)
    if mostly_distinct(arr):
        return _matches(arr, patterns)
    enc = pc.dictionary_encode(arr, null_encoding="encode")
    idx = enc.indices.to_numpy(zero_copy_only=False)
    return [m[idx] for m in _matches(enc.dictionary, patterns)]


def _matches(arr: pa.Array, patterns: tuple[str, ...]) -> list[np.ndarray]:
    """Each pattern searched in every cell. Several patterns are first searched as one
    alternation (RE2 keeps each alternative's flags), and each alone only in the cells that
    matched: BOM cells rarely match, and one pass costs about as much as one pattern."""

    def search(values: pa.Array, pattern: str) -> np.ndarray:
        return np.asarray(pc.fill_null(pc.match_substring_regex(values, pattern), False), bool)

    if len(patterns) == 1:
        return [search(arr, patterns[0])]
    hit = np.flatnonzero(search(arr, "|".join(f"(?:{p})" for p in patterns)))
    out = [np.zeros(len(arr), dtype=bool) for _ in patterns]
    if hit.size:
        some = arr.take(pa.array(hit))
        for m, p in zip(out, patterns, strict=True):
            m[hit] = search(some, p)
    return out


def mostly_distinct(values: pa.Array | pd.Series, sample: int = 20_000) -> bool:
    """True when a large column's first ``sample`` cells are more than half distinct (a
    parts master's part numbers or descriptions): worth handling cell by cell rather than
    once per distinct value."""
    if len(values) <= 4 * sample:
        return False
    if isinstance(values, pd.Series):
        return int(values.iloc[:sample].nunique()) > sample // 2
    return int(pc.count_distinct(values.slice(0, sample)).as_py()) > sample // 2


#: Unicode white space (no-break, thin, ideographic ... spaces) and the invisible characters a
#: copy from a web page or a PDF leaves at the ends of a code (zero-width space and joiners,
#: word joiner, byte-order mark), stripped from the ends of every cell.
INVISIBLE = "\u180e\u200b\u200c\u200d\u2060\ufeff"
BLANKS = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + INVISIBLE


def strip(s: pd.Series) -> pd.Series:
    """Strip surrounding white space, Unicode spaces and invisible characters included;
    missing cells become ``""``.

    >>> strip(pd.Series(["426-2038\u00a0", "\u200bSR8 ", None], dtype="str")).tolist()
    ['426-2038', 'SR8', '']
    """
    if s.dtype != "str" or s.hasnans:
        s = s.fillna("").astype("str")
    out = s.str.strip()
    if len(out) and not _ascii(out):  # the full set only for a column with other characters
        out = out.str.strip(BLANKS)
    return out


def _ascii(s: pd.Series) -> bool:
    """Whether a text column is ASCII only, from its Arrow data buffers (a few ms a million
    cells; a buffer shared with cells outside the column may say no: then it is checked the
    slow way, never wrongly skipped)."""
    arr = pa.array(s)
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        buffers = chunk.buffers()
        data = buffers[2] if len(buffers) > 2 else None
        if data is not None and data.size and int(np.frombuffer(data, np.uint8).max()) >= 128:
            return False
    return True


def text_or_na(s: pd.Series) -> pd.Series:
    """Return text with empty cells as missing (pandas ``str`` dtype, ``isna()`` true)."""
    return s.where(s != "").reset_index(drop=True)


def map_distinct(s: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    """Apply ``func`` once per distinct non-empty value; empty or None results are missing.

    Parameters
    ----------
    s : pandas.Series
        Stripped text.
    func : callable
        ``str -> str | None``.

    Returns
    -------
    pandas.Series
        ``str`` dtype, same length, missing where ``s`` is empty or ``func`` gave None/``""``.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.values import map_distinct
    >>> map_distinct(pd.Series(["a", "", "b", "a"], dtype="str"), str.upper).tolist()
    ['A', nan, 'B', 'A']
    """
    enc = pc.dictionary_encode(_arrow_text(s))  # missing cells: missing indices
    mapped = [(func(u) or None) if u else None for u in enc.dictionary.to_pylist()]
    return as_str(pc.take(pa.array(mapped, type=pa.large_string()), enc.indices))


def parse_numbers(
    s: pd.Series, *, percent: bool = False
) -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Read numbers written the ways people write them.

    Accepts plain numbers, money (``$1,234.50``, ``1.234,50 €``, ``USD 12``), thousands
    separators (``,`` ``.`` space ``'``), a decimal comma when the text says so (``0,25``,
    ``1.234,50``; a lone ``1,234`` is a thousands separator unless the same column shows decimal
    commas elsewhere), and ``(12.50)`` for -12.50.

    Parameters
    ----------
    s : pandas.Series
        Stripped text (``""`` = empty).
    percent : bool, default False
        Read shares: ``"12%"``, ``12`` and ``0.12`` all give 0.12 (values above 1 and values with
        ``%`` are percentages); a share outside 0..100 % is bad.

    Returns
    -------
    values : numpy.ndarray
        float64; NaN where empty or bad.
    bad : numpy.ndarray
        bool; True where the text is not empty and could not be read.
    currency : pandas.Series
        Currency code written in the text (``EUR`` for ``€``), missing where none or ambiguous
        (``$`` and ``¥`` name several currencies).

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.values import parse_numbers
    >>> parse_numbers(pd.Series(["1,234", "(3)", "12 500", "1.234.567"], dtype="str"))[0].tolist()
    [1234.0, -3.0, 12500.0, 1234567.0]
    >>> parse_numbers(pd.Series(["0,25", "1,234", "1.234"], dtype="str"))[0].tolist()
    [0.25, 1.234, 1234.0]
    """
    n = len(s)
    arr = pa.array(s.reset_index(drop=True).astype("str"))
    empty = pc.equal(arr, "")
    nulled = pc.if_else(empty, pa.scalar(None, arr.type), arr)
    values: np.ndarray
    try:
        values = _to_float(pc.cast(nulled, pa.float64()))
        rest = np.zeros(n, dtype=bool)
    except pa.ArrowInvalid:
        plain = pc.fill_null(pc.match_substring_regex(nulled, _PLAIN), False)
        kept = pc.if_else(plain, nulled, pa.scalar(None, arr.type))
        values = _to_float(pc.cast(kept, pa.float64()))
        rest = ~np.asarray(plain, dtype=bool) & ~np.asarray(empty, dtype=bool)
    empty_np = np.asarray(empty, dtype=bool)
    bad = ~np.isfinite(values) & ~np.isnan(values)  # inf
    bad |= np.isnan(values) & ~empty_np & ~rest  # "nan" text
    values[bad] = np.nan
    currency = as_str(pa.nulls(n, pa.large_string()))
    pct = np.zeros(n, dtype=bool)
    if rest.any():
        idx = np.flatnonzero(rest)
        parsed, cur, has_pct, comma_col = _parse_messy(s.iloc[idx].reset_index(drop=True), percent)
        values[idx] = parsed
        bad[idx] = np.isnan(parsed)
        pct[idx] = has_pct
        if cur.notna().any():
            currency = currency.copy()
            currency.iloc[idx] = cur.to_numpy()
        if comma_col:
            _dots_are_thousands(s, values, rest)
    if percent:
        share = np.where(pct | (values > 1), values / 100.0, values)
        out = (share < 0) | (share > 1)
        bad |= out
        share[out] = np.nan
        values = share
    return values, bad, currency


def _to_float(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=np.float64).copy()


def _parse_messy(t: pd.Series, percent: bool) -> tuple[np.ndarray, pd.Series, np.ndarray, bool]:
    """Parse the values the fast path rejected; returns values, currency, had-%, comma column."""
    found = t.str.extract(_CURRENCY, expand=False)
    cur = found.str.upper().replace(_CURRENCY_CODE)
    cur = cur.where(~cur.isin(_AMBIGUOUS_SYMBOLS))
    u = t.str.replace(_CURRENCY, "", regex=True).str.replace(_SPACES, "", regex=True)
    neg = u.str.match(r"^\(.*\)$")
    u = u.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    has_pct = u.str.endswith("%").to_numpy(dtype=bool)
    if percent:
        u = u.str.rstrip("%")
    comma_groups = u.str.match(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234 / 1,234.5
    dot_groups_comma = u.str.match(r"^[-+]?\d{1,3}(\.\d{3})+,\d+$")  # 1.234,5
    comma_dec = u.str.match(r"^[-+]?\d*,\d+$")  # 0,25 / 1,5 / 1,234 (ambiguous)
    dot_groups = u.str.match(r"^[-+]?\d{1,3}(\.\d{3}){2,}$")  # 1.234.567
    point_evidence = comma_groups & u.str.contains(".", regex=False)
    comma_evidence = dot_groups_comma | (comma_dec & ~comma_groups)
    comma_col = bool(comma_evidence.any()) and not bool(point_evidence.any())
    to_point = dot_groups_comma | (comma_dec & (~comma_groups | comma_col))
    swapped = u.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    dec = u.where(~to_point, swapped)
    dec = dec.where(~(comma_groups & ~to_point), u.str.replace(",", "", regex=False))
    dec = dec.where(~dot_groups, u.str.replace(".", "", regex=False))
    plain = dec.str.match(_PLAIN).to_numpy(dtype=bool)
    vals = np.full(len(t), np.nan)
    if plain.any():
        vals[plain] = dec[plain].astype("float64").to_numpy()
    vals = np.where(neg.to_numpy(dtype=bool), -vals, vals)
    return vals, cur, has_pct, comma_col


def _dots_are_thousands(s: pd.Series, values: np.ndarray, rest: np.ndarray) -> None:
    """In a decimal-comma column, a plain ``1.234`` means 1234."""
    cand = ~rest & ~np.isnan(values)
    if not cand.any():
        return
    idx = np.flatnonzero(cand)
    hit = s.iloc[idx].str.match(_THOUSANDS_DOT).to_numpy(dtype=bool)
    if hit.any():
        fixed = s.iloc[idx[hit]].str.replace(".", "", regex=False).astype("float64")
        values[idx[hit]] = fixed.to_numpy()


def parse_flags(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read yes/no cells as a nullable boolean column.

    ``y``, ``yes``, ``true``, ``1``, ``x``, ``ja``, ``oui``, ``si`` (any case) are True; ``n``,
    ``no``, ``false``, ``0`` are False; empty is <NA>; anything else is <NA> and bad.

    Returns
    -------
    flags : pandas.Series
        ``boolean`` dtype.
    bad : numpy.ndarray
        bool mask of unreadable values.

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.values import parse_flags
    >>> flags, bad = parse_flags(pd.Series(["Yes", "n", "", "maybe"], dtype="str"))
    >>> flags.tolist(), bad.tolist()
    ([True, False, <NA>, <NA>], [False, False, False, True])
    """
    codes, uniques = pd.factorize(s.reset_index(drop=True), use_na_sentinel=True)
    words = np.array([FLAG_WORDS.get(str(u).lower(), -1) if u else -2 for u in uniques])
    kind = words[codes] if len(words) else np.full(len(codes), -2)
    flags = pd.array(np.where(kind >= 0, kind, 0).astype(bool), dtype="boolean")
    flags[kind < 0] = pd.NA
    return pd.Series(flags), kind == -1


def parse_levels(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read numeric BOM levels: whole numbers from 0 up; anything else is bad (NaN).

    Examples
    --------
    >>> import pandas as pd
    >>> from bomtrace.io.values import parse_levels
    >>> vals, bad = parse_levels(pd.Series(["0", "1", "2.0", "1.2.1", "-1", ""], dtype="str"))
    >>> vals.tolist()[:3], bad.tolist()
    ([0.0, 1.0, 2.0], [False, False, False, True, True, True])
    """
    values, bad, _ = parse_numbers(s)
    wrong = ~np.isnan(values) & ((values < 0) | (values != np.floor(values)))
    missing = np.isnan(values)
    bad = bad | wrong | missing
    values = np.where(bad, np.nan, values)
    return values, bad
