"""The BOM sheets of the xlsx report: "Indented BOM" (every product's structure depth first,
with Excel outline groups so that users can fold assemblies) and "Exploded parts" (per
product, its purchased parts with total quantity and extended cost), and the internal links
from other sheets to a part's row in the Indented BOM.

The walk over the BOM is the library's (:meth:`bomtrace.analysis.AnalysisResult.indented_bom`);
this module only writes it. Excel has eight outline levels (0-7): deeper BOM levels are grouped
at level 7, and a note under the table says so (the Level column keeps the true level).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.hyperlink import Hyperlink

from bomtrace.report.xlsx_style import (
    BOM_HEADERS,
    MAX_OUTLINE,
    Decorate,
    notes,
    write_table,
)

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from bomtrace.analysis.bom_tree import BomTree

INDENTED = "Indented BOM"
EXPLODED = "Exploded parts"
#: the column of the part number in the Indented BOM (where links land)
PART_COLUMN = "C"
#: deepest indent of a part number in its cell
MAX_INDENT = 15

#: (product, part number) → row of its first use in the Indented BOM
Rows = dict[tuple[str, str], int]


def frame_rows(frame: pd.DataFrame, keys: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``frame`` (its ``keys`` columns), as tuples of Python values."""
    cols = [frame[k].to_numpy(dtype=object) for k in keys]
    return zip(*cols, strict=True)


def bom_rows(tree: BomTree, cap: int) -> Rows:
    """Where each product's parts are first used in the Indented BOM of ``tree`` (its first
    ``cap`` rows), for links."""
    first = tree.table.iloc[:cap].drop_duplicates(["product", "part_number"])
    return {
        (str(p), str(q)): int(i) + 2
        for p, q, i in zip(first["product"], first["part_number"], first.index, strict=True)
    }


def write_indented(ws: Worksheet, tree: BomTree, cap: int) -> None:
    """Write the Indented BOM into an empty (write-only) sheet."""

    t = tree.table
    keys = list(t.columns)
    if not t["note"].notna().any():
        keys.remove("note")
    levels = t["level"].to_numpy()[:cap].tolist()
    bold = Font(bold=True)
    indents = [Alignment(indent=i) for i in range(MAX_INDENT + 1)]
    part_col = keys.index("part_number")

    def decorate(i: int, cells: list[Any]) -> None:
        lv = levels[i]
        if lv:
            cell = cells[part_col]
            if isinstance(cell, Cell):
                cell.alignment = indents[min(lv, MAX_INDENT)]
            return
        for j, c in enumerate(cells):  # a product's row stands out
            if c is not None and not isinstance(c, Cell):
                c = cells[j] = Cell(ws, row=1, column=1, value=c)
            if c is not None:
                c.font = bold

    n = write_table(
        ws, keys, frame_rows(t, keys), cap=cap, overrides=BOM_HEADERS, freeze="D2",
        levels=levels, decorate=decorate,
    )  # fmt: skip
    texts = []
    if tree.total_rows is not None and tree.total_rows > n:
        texts.append(
            f"Capped at {n:,} of {tree.total_rows:,} rows; use --format csv or json for all."
        )
    elif tree.capped:
        texts.append(f"Capped at {n:,} rows; the BOM has more (bomtrace explode lists its parts).")
    if levels and max(levels) > MAX_OUTLINE:
        texts.append(
            f"The BOM is {max(levels)} levels deep; Excel groups at most {MAX_OUTLINE} levels, so "
            f"levels below {MAX_OUTLINE} are grouped at outline level {MAX_OUTLINE}. The Level "
            "column gives each row's true level."
        )
    notes(ws, texts)


def write_exploded(ws: Worksheet, table: pd.DataFrame, cap: int) -> None:
    """Write the Exploded parts table (:data:`bomtrace.explosion.COLUMNS`) into an empty
    sheet."""
    keys = list(table.columns)
    write_table(
        ws, keys, frame_rows(table.iloc[:cap], keys), total=len(table), cap=cap, freeze="C2",
        overrides={"quantity": "Total quantity"},
    )  # fmt: skip


def link(cell: Any, row: int | None) -> None:
    """Make ``cell`` (a string cell) an internal link to ``row`` of the Indented BOM (no link
    when None)."""

    if row is None or not hasattr(cell, "hyperlink"):
        return
    cell.hyperlink = Hyperlink(ref="", location=f"'{INDENTED}'!{PART_COLUMN}{row}")
    cell.font = Font(color="0563C1", underline="single")


def linker(keys: Sequence[str], rows: Rows, part: str = "part_number") -> Decorate | None:
    """A :func:`~bomtrace.report.xlsx_style.write_table` hook that links each row's ``part``
    cell to the use of that part in the row's ``product`` in the Indented BOM."""
    if part not in keys or "product" not in keys:
        return None
    pc, qc = keys.index("product"), keys.index(part)

    def decorate(i: int, cells: list[Any]) -> None:
        p, q = cells[pc], cells[qc]
        if p is not None and q is not None:
            link(q, rows.get((str(getattr(p, "value", p)), str(getattr(q, "value", q)))))

    return decorate
