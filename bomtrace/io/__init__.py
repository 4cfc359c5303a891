"""Readers: BOM files (xlsx/xlsm/xls/ods, csv/tsv) in, a :class:`BomTable` with positions out.

Public names are imported lazily, so the pandas-free parts (:mod:`bomtrace.io.formats`,
:mod:`bomtrace.io.options`, :mod:`bomtrace.io.csv_parse`, :mod:`bomtrace.io.workbook_parse`)
can start reading files while pandas is still importing.

Where things are: :mod:`~bomtrace.io.read` (``read_bom``) reads each file with the reader its
format names in :mod:`~bomtrace.io.formats`: delimited text (:mod:`~bomtrace.io.csv_files`,
:mod:`~bomtrace.io.csv_parse`, :mod:`~bomtrace.io.csv_repair`) or a workbook
(:mod:`~bomtrace.io.workbooks`, :mod:`~bomtrace.io.workbook_parse`,
:mod:`~bomtrace.io.sheet_xml`, :mod:`~bomtrace.io.sheet_split`, :mod:`~bomtrace.io.part_files`,
:mod:`~bomtrace.io.containers`). Each sheet's header is found (:mod:`~bomtrace.io.headers`,
:mod:`~bomtrace.io.mapping`, :mod:`~bomtrace.io.aliases`), its layout decided
(:mod:`~bomtrace.io.layouts`), its rows kept or skipped (:mod:`~bomtrace.io.rows`,
:mod:`~bomtrace.io.unread`) and its cells converted (:mod:`~bomtrace.io.sources`,
:mod:`~bomtrace.io.fields`, :mod:`~bomtrace.io.values`, :mod:`~bomtrace.io.quantities`); products
are named and sources put together in :mod:`~bomtrace.io.products`. Issues are collected in
:mod:`~bomtrace.io.cell_checks`; the result is a :class:`~bomtrace.io.table.BomTable`. Tables that
are not BOMs (a producer table) are read by :mod:`~bomtrace.io.records`.

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
