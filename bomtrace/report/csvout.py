"""CSV output: one flat table per command, written with the csv module.

Text fields are made inert for spreadsheets by the OWASP rule of
:func:`bomtrace.report.safe.csv_field` (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab
or carriage return); numbers are written as they are. A table with a carriage return in some
text is written with every text field quoted, so that no spreadsheet breaks the row there.
"""

from __future__ import annotations

import csv
import io
import os
from typing import TYPE_CHECKING, Any

from bomtrace.report.safe import csv_field, csv_frame, csv_quoting, csv_row

if TYPE_CHECKING:
    import pandas as pd


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Render row dicts as CSV text (header from the first row; empty string for None; text
    made inert by :func:`bomtrace.report.safe.csv_field`).

    >>> print(to_csv([{"a": 1, "b": None}]), end="")
    a,b
    1,
    >>> print(to_csv([{"part": "=1+1", "headroom": -10.0}]), end="")
    part,headroom
    '=1+1,-10.0
    """
    buf = io.StringIO()
    if not rows:
        return ""
    inert = [csv_row(r) for r in rows]
    quoting = csv_quoting(v for r in inert for v in r.values())
    w = csv.DictWriter(
        buf, fieldnames=[csv_field(k) for k in rows[0]], lineterminator="\n", quoting=quoting
    )
    w.writeheader()
    for r in inert:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def frame_csv(frame: pd.DataFrame, path: str | os.PathLike[str] | None = None) -> str | None:
    """A table as CSV (text made inert as by :func:`to_csv`, written by pandas): written to
    ``path`` (returning None), or returned as text."""
    table, quoting = csv_frame(frame)
    if path is not None:
        table.to_csv(path, index=False, quoting=quoting)
        return None
    return str(table.to_csv(index=False, lineterminator="\n", quoting=quoting))
