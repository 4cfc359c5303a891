"""Readers: BOM files (xlsx/xlsm/xls/ods, csv/tsv) in, a :class:`BomTable` with positions out.

Public names are imported lazily, so the pandas-free parts (:mod:`bomtrace.io.formats`,
:mod:`bomtrace.io.formats`) can start reading files while pandas is still importing.

>>> from bomtrace.io import read_bom, BomTable
>>> callable(read_bom)
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    "CANONICAL_FIELDS": "bomtrace.io.table",
    "BomTable": "bomtrace.io.table",
    "ColumnMatch": "bomtrace.io.table",
    "Layout": "bomtrace.io.table",
    "SourceInfo": "bomtrace.io.table",
    "ReadOptions": "bomtrace.io.options",
    "load_profile": "bomtrace.io.mapping",
    "save_profile": "bomtrace.io.mapping",
    "read_bom": "bomtrace.io.read",
}

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

if TYPE_CHECKING:
    from bomtrace.io.mapping import load_profile, save_profile
    from bomtrace.io.options import ReadOptions
    from bomtrace.io.read import read_bom
    from bomtrace.io.table import CANONICAL_FIELDS, BomTable, ColumnMatch, Layout, SourceInfo


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bomtrace.io' has no attribute {name!r}")
