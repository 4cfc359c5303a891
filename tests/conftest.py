"""Shared fixtures: tiny input files written into ``tmp_path`` so a reviewer can read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

Rows = Sequence[Sequence[object]]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(name, text, encoding="utf-8")`` writes text as-is and returns the path."""

    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    return make


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``write_xlsx(name, {"Sheet": rows}, origins={"Sheet": "C3"}, hidden=("Sheet",))``.

    Each sheet's rows are written with their first cell at ``origins[sheet]`` (default A1);
    ``None`` leaves a cell empty; Python ``str`` values are written as text cells.
    """

    def make(
        name: str,
        sheets: dict[str, Rows],
        origins: dict[str, str] | None = None,
        hidden: Sequence[str] = (),
    ) -> Path:
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            col_letter, row0 = coordinate_from_string((origins or {}).get(title, "A1"))
            col0 = column_index_from_string(col_letter)
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if value is not None:
                        ws.cell(row=row0 + i, column=col0 + j, value=value)
            if title in hidden:
                ws.sheet_state = "hidden"
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make
