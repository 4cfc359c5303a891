"""The raw grid every file reader hands on: text cells with their true positions."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class RawSheet:
    """One CSV file or one worksheet as text, before any header or value handling.

    ``frame`` has integer column labels ``0..n-1`` and text cells (``""`` or NaN when empty).
    ``rows[i]`` is the 1-based row number (as Excel or a text editor shows it) of ``frame`` row
    ``i``; ``columns[j]`` is the letter of ``frame`` column ``j`` as Excel shows it (also for
    CSV files, as Excel opens them).
    """

    path: str  #: as given by the caller
    sheet: str | None  #: None for CSV
    file_type: str  #: "xlsx", "xlsm", "csv"
    sha256: str
    frame: pd.DataFrame
    rows: np.ndarray
    columns: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    #: CSV rows with more or fewer fields than the header: frame row -> the fields as written
    ragged: dict[int, list[str]] = field(default_factory=dict)
    #: xlsx rows hidden in Excel (1-based)
    hidden_rows: list[int] = field(default_factory=list)
    #: xlsx cells merged down several rows, whose value was read in every row of the range:
    #: (first row as Excel shows it, column letter, range such as "B5:B9", value)
    merged: list[tuple[int, str, str, str]] = field(default_factory=list)
    #: a note for ``inspect`` when hidden rows and merged cells were not checked
    unchecked: str | None = None
    #: cells not read as they show: (row as Excel/an editor numbers it, column letter, kind,
    #: message); kind "text" (NUL bytes, mixed encodings: read with replacements) or "empty"
    #: (a formula without a saved value: read as empty). See :mod:`bomtrace.io.cellnotes`
    notes: list[tuple[int, str, str, str]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """Return the Excel column letter of a 0-based column index.

    >>> column_letter(0), column_letter(2), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'C', 'Z', 'AA', 'ZZ')
    """
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
