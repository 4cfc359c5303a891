"""Where the rows of the BOM lines are, for positioned issues."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from bomtrace.io.table import BomTable


class RowPositions:
    """Where the rows of a frame with position columns (``_file``, ``_sheet``, ``_row``) are,
    for positioned issues: :meth:`at` gives an issue's ``file``, ``sheet``, ``row`` and the
    column letter of a field."""

    def __init__(self, table: BomTable, frame: pd.DataFrame) -> None:
        self._letter = table.letter
        self.files, self.sheets = frame["_file"].array, frame["_sheet"].array
        self.rows = frame["_row"].to_numpy()

    def at(self, j: int, field: str) -> dict[str, Any]:
        """The position of row ``j``, in the column of ``field``."""
        f, s = self.files[j], self.sheets[j]
        column = self._letter(str(f), s, field)
        return {"file": f, "sheet": s, "row": int(self.rows[j]), "column": column}
