"""CSV output: one flat table per command, written with the csv module."""

from __future__ import annotations

import csv
import io
from typing import Any


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Render row dicts as CSV text (header from the first row; empty string for None).

    >>> print(to_csv([{"a": 1, "b": None}]), end="")
    a,b
    1,
    """
    buf = io.StringIO()
    if not rows:
        return ""
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()
