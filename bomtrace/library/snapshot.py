"""The parts table as one Arrow IPC stream: what ``analyze --db`` reads for a large BOM.

Reading half a million parts row by row costs seconds in any database driver; one row holding
the table as a compressed Arrow stream costs a tenth of a second. Every import rewrites the
snapshot inside its transaction (:func:`write_snapshot`), from the ``parts`` table as that
transaction sees it, and records the state it is of: how many imports and parts there were.
:func:`read_snapshot` uses it only when both counts still match (another import that
committed meanwhile, an older library without one, or a table changed by hand: it returns
None and the caller reads ``parts`` itself). It is derived data: nothing else depends on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, delete, func, insert, select

from bomtrace.library.schema import PART_FIELDS, imports, parts, parts_snapshot

_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")


def _counts(conn: Connection) -> tuple[int, int]:
    n_imports = conn.execute(select(func.count()).select_from(imports)).scalar_one()
    n_parts = conn.execute(select(func.count()).select_from(parts)).scalar_one()
    return int(n_imports), int(n_parts)


def write_snapshot(conn: Connection, made_at: Any) -> None:
    """Replace the snapshot with the ``parts`` table as ``conn``'s transaction sees it."""
    cols = [parts.c.part_number, *(parts.c[f] for f in PART_FIELDS)]
    rows = conn.execute(select(*cols)).all()
    names = ["part_number", *PART_FIELDS]
    data: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    table = pa.table(
        {n: pa.array(list(c), from_pandas=True) for n, c in zip(names, data, strict=True)}
    )
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


def read_snapshot(conn: Connection) -> pd.DataFrame | None:
    """The snapshot as a frame (``part_number`` and the attribute columns that hold some
    value, as objects), or None when there is none or it is not of the library's state."""
    row = conn.execute(
        select(parts_snapshot.c.n_imports, parts_snapshot.c.n_parts, parts_snapshot.c.data)
        .order_by(parts_snapshot.c.id.desc())
        .limit(1)
    ).first()
    if row is None or (row.n_imports, row.n_parts) != _counts(conn):
        return None
    table = pa.ipc.open_stream(row.data).read_all()
    keep = [n for n in table.column_names if n == "part_number" or table[n].null_count < len(table)]
    # object columns as they are (no inference of a string dtype over half a million values)
    return pd.DataFrame(
        {n: pd.Series(_objects(table[n]), dtype=object, copy=False) for n in keep}, copy=False
    )


def _objects(col: pa.ChunkedArray) -> np.ndarray:
    """A column as a numpy object array: None for a missing text or flag, NaN for a number."""
    arr = col.to_numpy(zero_copy_only=False)
    return arr if arr.dtype == object else arr.astype(object)


__all__ = ["read_snapshot", "write_snapshot"]
