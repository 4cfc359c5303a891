"""Names for products a file does not list: ``--product``, a title cell, or the file name.

Single-level BOMs (EDA and cart exports) and explosions of one material (SAP CS12) list the
parts but not the product they make. Its part number is taken from, in this order:
``--product NAME``; a title cell above the header (``Product: PH-100``, ``Assembly;PH-100``,
``Project: phone.kicad_sch``, KiCad's ``Source:`` line — a path gives its stem); the sheet name
when a workbook holds several such BOMs; the file name without its suffix.

>>> import numpy as np, pandas as pd
>>> from bomtrace.io.raw import RawSheet
>>> grid = pd.DataFrame([["Project:", "C:/kicad/phone.kicad_sch"], ["Ref", "Qty"]])
>>> raw = RawSheet("x/bom.csv", None, "csv", "", grid, np.array([1, 2]), ["A", "B"])
>>> title_name(raw, header_index=1)
('phone', 1, 'A')
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd

from bomtrace.io.raw import RawSheet

#: Title labels, best first.
LABELS: tuple[str, ...] = (
    "product",
    "part number",
    "part no",
    "assembly",
    "model",
    "board",
    "design",
    "project",
    "title",
    "bom for",
    "bom",
    "source",
    "produkt",
    "erzeugnis",
    "baugruppe",
    "projekt",
    "produit",
    "ensemble",
    "projet",
    "producto",
    "proyecto",
)
_LABEL = re.compile(
    r"^\s*(" + "|".join(re.escape(x) for x in LABELS) + r")\b[\w\s.#-]{0,20}$",
    re.IGNORECASE,
)


def _label(text: str) -> str | None:
    """The title label a cell's label part starts with (``"BOM export"`` -> ``"bom"``)."""
    m = _LABEL.match(text)
    return m.group(1).lower() if m else None


def clean_name(value: str) -> str:
    """A product name from a title value: a file path gives its stem.

    >>> clean_name(" /home/a/phone.kicad_sch "), clean_name("PH-100")
    ('phone', 'PH-100')
    >>> clean_name("C:\\\\x\\\\r.PrjPcb")
    'r'
    """
    v = value.strip().strip("'\"")
    if "/" in v or "\\" in v or re.search(r"\.[A-Za-z_]{2,12}$", v):
        path = PureWindowsPath(v) if "\\" in v else PurePosixPath(v)
        return path.stem or v
    return v


def title_name(raw: RawSheet, header_index: int | None) -> tuple[str, int, str] | None:
    """Find a product name in the title block above the header.

    Returns
    -------
    tuple of (str, int, str) or None
        The name, its row as Excel shows it, and the column letter of the label cell.
    """
    if not header_index:
        return None
    best: tuple[int, str, int, str] | None = None
    for i in range(header_index):
        cells = ["" if pd.isna(v) else str(v).strip() for v in raw.frame.iloc[i].tolist()]
        for j, cell in enumerate(cells):
            sep = re.search(r"[:=]", cell)
            if sep:
                label, value = _label(cell[: sep.start()]), cell[sep.end() :].strip()
            else:
                label, value = _label(cell), ""
            if label is None:
                continue
            if not value:
                value = next((c for c in cells[j + 1 :] if c), "")
            name = clean_name(value) if value else ""
            rank = LABELS.index(label) if label in LABELS else len(LABELS)
            if name and (best is None or rank < best[0]):
                best = (rank, name, int(raw.rows[i]), raw.columns[j])
            break
    return None if best is None else (best[1], best[2], best[3])


def file_stem(path: str) -> str:
    """File name without folders and suffix.

    >>> file_stem("boms/PCB-100.xlsx")
    'PCB-100'
    """
    return PurePosixPath(path.replace("\\", "/")).stem
