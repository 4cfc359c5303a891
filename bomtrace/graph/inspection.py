"""What ``bomtrace inspect`` reports: how the files were read, before any analysis.

:func:`inspection` sums up a read table and the graph built from it (file type, encoding,
delimiter, sheet, header row, layout, column mapping, rows read, used and skipped with their
reasons, products, a preview and every issue). The verb is :func:`bomtrace.inspect`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace._version import __version__
from bomtrace.graph.model import BomGraph
from bomtrace.io.table import BomTable
from bomtrace.issues import Issue, sort_issues


@dataclass
class InspectResult:
    """How the files were read, before any analysis (``bomtrace inspect``).

    Counts add up: ``rows_read == rows_used + sum(rows_skipped.values())`` over all sources,
    and ``lines`` (BOM lines) is the BOM sources' used rows plus ``lines_added`` (product lines
    the reader added for files that list none) minus ``lines_merged`` (rows of one part merged
    into its first line: one row per placement).
    """

    layout: str
    sources: list[dict[str, Any]]
    lines: int
    total_quantity: float  #: inf when the quantities are too large to sum (written as None)
    products: list[str]
    preview: list[dict[str, Any]]
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    rows_used: int = 0
    rows_skipped: dict[str, int] = field(default_factory=dict)
    lines_added: int = 0
    master_rows: int = 0
    lines_merged: int = 0  #: used rows merged into an earlier line (one row per placement)
    lines_not_fitted: int = 0  #: lines marked do-not-populate

    def to_dict(self) -> dict[str, Any]:
        first = self.sources[0] if self.sources else {}
        return {
            "bomtrace_version": __version__,
            "layout": self.layout,
            "header_row": first.get("header_row"),
            "columns": {k: v["header"] for k, v in (first.get("columns") or {}).items()},
            "sources": self.sources,
            "rows_read": self.rows_read,
            "rows_used": self.rows_used,
            "rows_skipped": self.rows_skipped,
            "lines": self.lines,
            "lines_added": self.lines_added,
            "lines_merged": self.lines_merged,
            "lines_not_fitted": self.lines_not_fitted,
            "master_rows": self.master_rows,
            "total_quantity": round(self.total_quantity, 6)
            if math.isfinite(self.total_quantity)
            else None,
            "products": self.products,
            "preview": self.preview,
            "issues": [i.to_dict() for i in self.issues],
        }


def _added(product: dict[str, Any]) -> int:
    """Product lines a source added: one, or one per project of a multi-project sheet."""
    count = product.get("products", 1)
    return int(count) if isinstance(count, int) else 1


def inspection(table: BomTable, graph: BomGraph, *, preview: int = 10) -> InspectResult:
    """How ``table`` was read and what ``graph`` (built from it) holds; ``preview`` is the
    number of interpreted lines to show."""
    lines = table.lines
    qty = lines["quantity"] if "quantity" in lines.columns else None
    with np.errstate(over="ignore", invalid="ignore"):  # too large to sum: None, not inf
        total_q = (
            float(np.nansum(qty.to_numpy(dtype=float, na_value=np.nan))) if qty is not None else 0.0
        )
    show = [c for c in lines.columns if not str(c).startswith("x:")]
    head = lines[show].head(preview)
    prev = head.astype(object).where(head.notna(), None)
    skipped: dict[str, int] = {}
    for s in table.sources:
        for reason, n in s.rows_skipped.items():
            skipped[reason] = skipped.get(reason, 0) + n
    return InspectResult(
        layout=table.layout,
        sources=[s.to_dict() for s in table.sources],
        lines=len(lines),
        total_quantity=total_q,
        products=[str(graph.part_numbers[r]) for r in graph.roots],
        preview=prev.to_dict("records"),
        issues=sort_issues(graph.issues),
        rows_read=sum(s.rows for s in table.sources),
        rows_used=sum(s.rows_used for s in table.sources),
        rows_skipped=skipped,
        lines_added=sum(_added(s.product) for s in table.sources if s.product and s.rows_used),
        master_rows=sum(s.rows_used for s in table.sources if s.role == "master"),
        lines_merged=sum(s.rows_merged for s in table.sources),
        lines_not_fitted=int(lines["dnp"].fillna(False).sum()) if "dnp" in lines.columns else 0,
    )


__all__ = ["InspectResult", "inspection"]
