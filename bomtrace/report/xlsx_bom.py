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

from bomtrace.report.xlsx_style import BOM_HEADERS, note, write_table

if TYPE_CHECKING:
    import pandas as pd
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

    from bomtrace.analysis.bom_tree import BomTree

INDENTED = "Indented BOM"
EXPLODED = "Exploded parts"
#: Excel's deepest outline level
MAX_OUTLINE = 7
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


def write_indented(ws: Worksheet, tree: BomTree, cap: int) -> Rows:
    """Write the Indented BOM into an empty sheet; returns where each product's parts are
    first used, for links."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import Outline

    t = tree.table
    keys = list(t.columns)
    if not t["note"].notna().any():
        keys.remove("note")
    n = write_table(
        ws, keys, frame_rows(t, keys), total=tree.total_rows, cap=cap, overrides=BOM_HEADERS,
        freeze="D2",
    )  # fmt: skip
    levels = t["level"].to_numpy()[:n].tolist()
    bold = Font(bold=True)
    indents = [Alignment(indent=i) for i in range(MAX_INDENT + 1)]
    part_col = keys.index("part_number") + 1
    deepest = 0
    for i, lv in enumerate(levels):
        r = i + 2
        if lv:
            outline = min(lv, MAX_OUTLINE)
            ws.row_dimensions[r].outline_level = outline
            deepest = max(deepest, outline)
            ws.cell(r, part_col).alignment = indents[min(lv, MAX_INDENT)]
        else:
            for c in ws[r]:
                c.font = bold
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=True)
    ws.sheet_format.outlineLevelRow = deepest
    notes = []
    if tree.capped and tree.total_rows is None:
        notes.append(f"Capped at {n:,} rows; the BOM has more (bomtrace explode lists its parts).")
    if levels and max(levels) > MAX_OUTLINE:
        notes.append(
            f"The BOM is {max(levels)} levels deep; Excel groups at most {MAX_OUTLINE} levels, so "
            f"levels below {MAX_OUTLINE} are grouped at outline level {MAX_OUTLINE}. The Level "
            "column gives each row's true level."
        )
    at = n + 3 + (1 if tree.total_rows is not None and tree.total_rows > n else 0)
    for k, text in enumerate(notes):
        note(ws, at + k, text)
    head = t.iloc[:n]
    first = head.drop_duplicates(["product", "part_number"])
    return {
        (str(p), str(q)): int(i) + 2
        for p, q, i in zip(first["product"], first["part_number"], first.index, strict=True)
    }


def write_exploded(ws: Worksheet, table: pd.DataFrame, cap: int) -> None:
    """Write the Exploded parts table (:data:`bomtrace.explosion.COLUMNS`) into an empty
    sheet."""
    keys = list(table.columns)
    write_table(
        ws, keys, frame_rows(table, keys), total=len(table), cap=cap, freeze="C2",
        overrides={"quantity": "Total quantity"},
    )  # fmt: skip


def link(cell: Cell | MergedCell, row: int | None) -> None:
    """Make ``cell`` an internal link to ``row`` of the Indented BOM (no link when None)."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    if row is None:
        return
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{INDENTED}'!{PART_COLUMN}{row}")
    cell.font = Font(color="0563C1", underline="single")


def link_column(
    ws: Worksheet, keys: Sequence[str], n: int, rows: Rows, part: str = "part_number"
) -> None:
    """Link the ``part`` cell of each of the ``n`` data rows to the use of that part in the
    row's ``product`` in the Indented BOM."""
    if part not in keys or "product" not in keys:
        return
    pc, qc = keys.index("product") + 1, keys.index(part) + 1
    for r in range(2, n + 2):
        p, q = ws.cell(r, pc).value, ws.cell(r, qc).value
        if p is not None and q is not None:
            link(ws.cell(r, qc), rows.get((str(p), str(q))))
