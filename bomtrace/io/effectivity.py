"""Effectivity dates: which BOM lines are in effect on a date.

A line is in effect on day D when ``effective_from <= D < effective_to``; an empty date is
open. The end date is the first day a line no longer applies (as SAP and most PLM systems
write an engineering change: the old line ends on the day its replacement starts), so a line
that ends on the day another starts is never counted twice.

Dates are read as ISO (``2020-06-01``, also with a time), ``01.06.2020`` (day first),
``6/1/2020`` (month first unless the first number is above 12), ``20200601``, and
``31.12.9999``-style "forever" dates.

>>> import numpy as np, pandas as pd
>>> d, bad = parse_dates(pd.Series(["2020-06-01", "01.06.2020", "6/1/2020", "", "soon"],
...                                 dtype="str"))
>>> np.datetime_as_string(d).tolist(), bad.tolist()
(['2020-06-01', '2020-06-01', '2020-06-01', 'NaT', 'NaT'], [False, False, False, False, True])
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y", "%Y%m%d")


def _one(text: str) -> date | None:
    t = text.strip()
    for fmt in _FORMATS:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    parts = t.replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, y = (int(p) for p in parts)
        if y < 100:
            y += 2000
        month, day = (b, a) if a > 12 else (a, b)
        try:
            return date(y, month, day)
        except ValueError:
            return None
    if "T" in t:
        try:
            return datetime.fromisoformat(t).date()
        except ValueError:
            return None
    return None


def parse_dates(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Read date cells (once per distinct value).

    Returns
    -------
    dates : numpy.ndarray
        ``datetime64[D]``; NaT where empty or unreadable.
    bad : numpy.ndarray
        bool: not empty and not a date.
    """
    codes, uniques = pd.factorize(s.reset_index(drop=True), use_na_sentinel=True)
    parsed = [_one(str(u)) if u else None for u in uniques]
    table = np.array(
        [np.datetime64(p, "D") if p else np.datetime64("NaT", "D") for p in parsed]
        + [np.datetime64("NaT", "D")],
        dtype="datetime64[D]",
    )
    out = table[np.where(codes < 0, len(parsed), codes)]
    unread = np.array([p is None and bool(u) for u, p in zip(uniques, parsed, strict=True)])
    bad = unread[codes] if len(unread) else np.zeros(len(codes), dtype=bool)
    bad = bad & (codes >= 0)
    return out, bad


def in_effect(start: np.ndarray | None, end: np.ndarray | None, on: date) -> np.ndarray:
    """True where ``start <= on < end`` (a missing date is open).

    >>> import numpy as np
    >>> from datetime import date
    >>> s = np.array(["2020-01-01", "NaT", "2020-06-01"], dtype="datetime64[D]")
    >>> e = np.array(["2020-06-01", "NaT", "NaT"], dtype="datetime64[D]")
    >>> in_effect(s, e, date(2020, 6, 1)).tolist()
    [False, True, True]
    """
    d = np.datetime64(on, "D")
    n = len(start) if start is not None else len(end) if end is not None else 0
    ok = np.ones(n, dtype=bool)
    if start is not None:
        ok &= np.isnat(start) | (start <= d)
    if end is not None:
        ok &= np.isnat(end) | (d < end)
    return ok


def iso(dates: np.ndarray) -> pd.Series:
    """Dates as ISO text (missing where NaT), for the ``effective_*`` columns."""
    out = pd.Series(np.datetime_as_string(dates, unit="D"), dtype="str")
    return out.where(~np.isnat(dates))
