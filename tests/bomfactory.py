"""Build small BomTables in code for graph/roll-up/analysis tests (no files involved)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bomtrace.io.table import BomTable

FILE = "bom.csv"
#: the columns most indented fixtures start with
BASE_FIELDS: tuple[str, ...] = (
    "level",
    "part_number",
    "quantity",
    "unit_cost",
    "country_of_origin",
    "eccn",
)


def _lines(
    rows: list[tuple[Any, ...]], fields: tuple[str, ...], first_row: int
) -> tuple[pd.DataFrame, dict[tuple[str, str | None, str], str]]:
    """The lines frame with positions, and the column letter of each field."""
    df = pd.DataFrame(rows, columns=list(fields))
    df["part_number"] = df["part_number"].astype(str)
    df["_file"] = FILE
    df["_sheet"] = None
    df["_row"] = range(first_row, first_row + len(df))
    return df, {(FILE, None, f): chr(ord("A") + i) for i, f in enumerate(fields)}


def indented(
    rows: list[tuple[Any, ...]],
    *,
    fields: tuple[str, ...] = BASE_FIELDS,
    extra: dict[str, list[Any]] | None = None,
    first_row: int = 2,
) -> BomTable:
    """Rows as tuples in ``fields`` order; Excel rows start at ``first_row``."""
    df, letters = _lines(rows, fields, first_row)
    for k, v in (extra or {}).items():
        df[k] = v
    return BomTable(lines=df, layout="indented", column_letters=letters)


def parent_child(
    rows: list[tuple[Any, ...]],
    *,
    fields: tuple[str, ...] = ("parent", *BASE_FIELDS[1:]),
    parts: pd.DataFrame | None = None,
    first_row: int = 2,
) -> BomTable:
    """Edge rows as tuples in ``fields`` order (parent None = a product line)."""
    df, letters = _lines(rows, fields, first_row)
    if parts is not None:
        parts = parts.copy()
        parts["_file"] = "parts.csv"
        parts["_sheet"] = None
        parts["_row"] = range(2, 2 + len(parts))
    return BomTable(lines=df, layout="parent-child", parts=parts, column_letters=letters)
