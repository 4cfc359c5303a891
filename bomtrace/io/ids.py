"""Numeric ids written as decimals in one place and as integers in another.

An export that went through a float column (pandas, a database client, a spreadsheet saved as
text) writes the part number 749 as ``749.0``; the parts master or the child column beside it
writes ``749``. Read as text, ``749.0`` and ``749`` are two parts: the parent-child edges do not
connect and every assembly becomes a product of its own, without a word.

A part-number or parent column of a file or sheet is *written by a float formatter* when it has
integer-valued decimals (``749.0``) and no decimal a float formatter never writes (``1.10``,
``2.00``: dotted part numbers, kept as written). Such a column's integer-valued decimals are
read as integers (``749.0`` → ``749``) when some id column of the files read (the same column
included) writes one of them as an integer: one ``id-normalised`` warning per column, naming
where the integers are and the flag to keep the ids as written (``--ids-as-written``). Excel and
OpenDocument numeric cells are read as integers already (:mod:`bomtrace.io.workbooks`).

>>> import pandas as pd
>>> float_written(pd.Series(["749.0", "A-1", "12.0"], dtype="str"))
True
>>> float_written(pd.Series(["1.10", "2.0"], dtype="str"))
False
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.io.table import Converted
from bomtrace.issues import Issue, IssueCode, IssueLog

#: Columns that hold part numbers (a line's, and its parent's).
ID_FIELDS = ("part_number", "parent")
_INT_FLOAT = r"^-?\d+\.0+$"
_INTEGER = r"^-?\d+$"
#: decimals a float formatter never writes: a trailing zero after other digits, or ".00"
_NOT_FLOAT = r"^-?\d+\.(\d*[1-9]0+|00+)$"


def _arrow(s: pd.Series) -> pa.Array:
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype("str")
    return pa.array(s.fillna("") if s.hasnans else s)


def _holds(arr: pa.Array | pa.ChunkedArray, needle: bytes) -> bool:
    """Whether the Arrow data buffers of a text column hold ``needle`` (a buffer shared with
    cells outside the column may say yes: the exact checks follow)."""
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        buffers = chunk.buffers()
        data = buffers[2] if len(buffers) > 2 else None
        if data is not None and needle in data.to_pybytes():
            return True
    return False


def float_written(s: pd.Series) -> bool:
    """Whether an id column has integer-valued decimals and only decimals a float writes."""
    arr = _arrow(s)
    if not _holds(arr, b".0"):  # the common case: one scan of the bytes
        return False
    if not pc.any(pc.match_substring_regex(arr, _INT_FLOAT)).as_py():
        return False
    return not pc.any(pc.match_substring_regex(arr, _NOT_FLOAT)).as_py()


def normalise_ids(done: list[Converted], log: IssueLog) -> None:
    """Read integer-valued decimal ids as integers where other ids say they are (in place).

    Parameters
    ----------
    done : list of Converted
        Every source read (BOMs and parts masters); their frames are changed in place.
    log : IssueLog
        Receives one ``id-normalised`` warning per column changed.
    """
    floats = [
        (c, fld)
        for c in done
        for fld in ID_FIELDS
        if fld in c.frame.columns and float_written(c.frame[fld])
    ]
    if not floats:
        return
    integers: dict[str, tuple[Converted, str]] = {}  # integer id -> where it is written so
    for c in done:
        for fld in ID_FIELDS:
            if fld not in c.frame.columns:
                continue
            arr = _arrow(c.frame[fld])
            found = pc.unique(pc.filter(arr, pc.match_substring_regex(arr, _INTEGER)))
            for value in found.to_pylist():
                integers.setdefault(value, (c, fld))
    for c, fld in floats:
        arr = _arrow(c.frame[fld])
        hit = np.asarray(pc.match_substring_regex(arr, _INT_FLOAT).to_numpy(zero_copy_only=False))
        as_int = pc.replace_substring_regex(arr, r"\.0+$", "")
        distinct = set(pc.unique(pc.filter(as_int, pa.array(hit))).to_pylist())
        known = sorted(distinct & integers.keys())
        if not known:
            continue
        dtype = c.frame[fld].dtype
        col = c.frame[fld].astype("str")
        col[hit] = np.asarray(as_int.to_numpy(zero_copy_only=False), dtype=object)[hit]
        c.frame[fld] = col.astype("category") if isinstance(dtype, pd.CategoricalDtype) else col
        log.add(_issue(c, fld, hit, known[0], integers[known[0]]))


def _name(c: Converted, fld: str) -> str:
    header = next((m.header for m in c.info.columns if m.field == fld), fld)
    letter = c.letters.get(fld, "?")
    sheet = f", sheet '{c.info.sheet}'" if c.info.sheet else ""
    return f"column {letter} '{header}' of {c.info.path}{sheet}"


def _issue(
    c: Converted, fld: str, hit: np.ndarray, example: str, at: tuple[Converted, str]
) -> Issue:
    n = int(hit.sum())
    first = int(np.flatnonzero(hit)[0])
    written = str(c.frame["_row"].iat[first]) if "_row" in c.frame.columns else None
    where = "the same column" if at[0] is c and at[1] == fld else _name(*at)
    return Issue(
        IssueCode.ID_NORMALISED,
        f"C{_name(c, fld)[1:]} writes numeric part numbers as decimals "
        f"('{example}.0') where {where} writes them as integers ('{example}'): its {n} "
        f"id{'s' if n != 1 else ''} ending in '.0' were read without it, so that they name the "
        "same parts. If they are different parts, read with --ids-as-written.",
        file=c.info.path,
        sheet=c.info.sheet,
        row=int(written) if written is not None else None,
        column=c.letters.get(fld),
    )
