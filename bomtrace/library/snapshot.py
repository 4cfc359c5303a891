"""The parts table as one Arrow IPC stream: what ``analyze --db`` reads for a large BOM.

Reading half a million parts row by row costs seconds in any database driver; one row holding
the table as a compressed Arrow stream costs a tenth of a second. Every import rewrites the
snapshot inside its transaction (:func:`write_snapshot`), from the ``parts`` table as that
transaction sees it, and records the state it is of: how many imports and parts there were.
:func:`read_snapshot` uses it only when both counts still match (another import that
committed meanwhile, an older library without one, parts added or deleted by hand: it
returns None and the caller reads ``parts`` itself). A value edited by hand without an import
is not seen (docs/library.md says so). It is derived data: nothing else depends on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, delete, func, insert, select

from bomtrace.library.schema import PART_FIELDS, imports, parts, parts_snapshot

_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
#: the snapshot's metadata key (and the frame's ``attrs`` key) of the distinct sources
SOURCES = "sources"


def _counts(conn: Connection) -> tuple[int, int]:
    n_imports = conn.execute(select(func.count()).select_from(imports)).scalar_one()
    n_parts = conn.execute(select(func.count()).select_from(parts)).scalar_one()
    return int(n_imports), int(n_parts)


def write_snapshot(conn: Connection, made_at: Any) -> None:
    """Replace the snapshot with the ``parts`` table as ``conn``'s transaction sees it."""
    cols = [parts.c.part_number, *(parts.c[f] for f in PART_FIELDS), parts.c.sources]
    rows = conn.execute(select(*cols)).all()
    names = ["part_number", *PART_FIELDS, "sources"]
    data: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    columns = {n: pa.array(list(c), from_pandas=True) for n, c in zip(names, data, strict=True)}
    del columns["sources"]
    for n, arr in columns.items():  # a column of few distinct texts: stored (and read) once each
        text = n != "part_number" and pa.types.is_string(arr.type) and len(arr) > 0
        if text and pc.count_distinct(arr).as_py() * 2 <= len(arr):
            columns[n] = arr.dictionary_encode()
    refs, prov = _provenance_columns(data[-1])
    table = pa.table(columns | prov).replace_schema_metadata({SOURCES: json.dumps(refs)})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_OPTIONS) as w:
        w.write_table(table)
    n_imports, n_parts = _counts(conn)
    conn.execute(delete(parts_snapshot))
    conn.execute(
        insert(parts_snapshot).values(
            made_at=made_at, n_imports=n_imports, n_parts=n_parts, data=sink.getvalue().to_pybytes()
        )
    )


def _provenance_columns(texts: Sequence[Any]) -> tuple[list[Any], dict[str, pa.Array]]:
    """Each part's value sources (``parts.sources`` JSON) as two integer columns per field:
    ``FIELD:src`` (index into the distinct (file, sheet, changed_at, import_id) returned) and
    ``FIELD:row`` (-1: none)."""
    refs: dict[tuple[Any, ...], int] = {}
    src: dict[str, np.ndarray] = {}
    row: dict[str, np.ndarray] = {}
    n = len(texts)
    for i, text in enumerate(texts):
        if not text:
            continue
        for f, s in json.loads(text).items():
            if f not in src:
                src[f], row[f] = np.full(n, -1, np.int32), np.full(n, -1, np.int32)
            key = (s.get("file"), s.get("sheet"), s.get("changed_at"), s.get("import_id"))
            src[f][i] = refs.setdefault(key, len(refs))
            row[f][i] = -1 if s.get("row") is None else int(s["row"])
    out: dict[str, pa.Array] = {}
    for f in src:
        out[f"{f}:src"], out[f"{f}:row"] = pa.array(src[f]), pa.array(row[f])
    return [list(k) for k in refs], out


def read_snapshot(conn: Connection) -> pd.DataFrame | None:
    """The snapshot as a frame (``part_number`` and the attribute columns that hold some
    value; :func:`_pandas` says how), or None when there is none or it is not of the
    library's state."""
    row = conn.execute(
        select(parts_snapshot.c.n_imports, parts_snapshot.c.n_parts, parts_snapshot.c.data)
        .order_by(parts_snapshot.c.id.desc())
        .limit(1)
    ).first()
    if row is None or (row.n_imports, row.n_parts) != _counts(conn):
        return None
    table = pa.ipc.open_stream(row.data).read_all()
    keep = [n for n in table.column_names if n == "part_number" or table[n].null_count < len(table)]
    meta = table.schema.metadata or {}
    # object columns as they are (no inference of a string dtype over half a million values);
    # the part numbers stay in Arrow (looked up there), the provenance columns are integers
    cols: dict[str, pd.Series] = {}
    for n in keep:
        if n == "part_number":
            cols[n] = pd.Series(pd.arrays.ArrowStringArray(table[n].cast(pa.large_string())))
        elif ":" in n:
            cols[n] = pd.Series(table[n].to_numpy(), copy=False)
        else:
            cols[n] = _pandas(table[n])
    frame = pd.DataFrame(cols, copy=False)
    frame.attrs[SOURCES] = json.loads(meta.get(SOURCES.encode(), b"[]"))
    return frame


def _pandas(col: pa.ChunkedArray) -> pd.Series:
    """A column for pandas: floats (NaN: missing) for a number; a categorical for a
    dictionary-encoded text (each distinct value made once; compared and tested for presence
    by its codes), and so a flag; else objects (None: missing)."""
    if pa.types.is_boolean(col.type):
        col = col.dictionary_encode()
    if pa.types.is_dictionary(col.type):
        dense = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        values = pd.Index(dense.dictionary.to_numpy(zero_copy_only=False).astype(object))
        if values.is_unique and not values.hasnans:
            codes = pc.fill_null(dense.indices, -1).to_numpy(zero_copy_only=False)
            return pd.Series(pd.Categorical.from_codes(codes, categories=values, validate=False))
        col = col.cast(col.type.value_type)  # not one value per entry: as plain values
    arr = col.to_numpy(zero_copy_only=False)
    if arr.dtype != object and arr.dtype.kind != "f":
        arr = arr.astype(object)
    return pd.Series(arr, dtype=arr.dtype, copy=False)


__all__ = ["read_snapshot", "write_snapshot"]
