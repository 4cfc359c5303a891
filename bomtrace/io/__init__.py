"""Readers: BOM files (xlsx/xlsm/xls/ods, csv/tsv) in, a :class:`BomTable` with positions out.

>>> from bomtrace.io import read_bom, BomTable
>>> callable(read_bom)
True
"""

from __future__ import annotations

from bomtrace.io.options import ReadOptions
from bomtrace.io.profile import load_profile, save_profile
from bomtrace.io.read import read_bom
from bomtrace.io.table import (
    CANONICAL_FIELDS,
    BomTable,
    ColumnMatch,
    Layout,
    SourceInfo,
)

__all__ = [
    "CANONICAL_FIELDS",
    "BomTable",
    "ColumnMatch",
    "Layout",
    "ReadOptions",
    "SourceInfo",
    "load_profile",
    "read_bom",
    "save_profile",
]
