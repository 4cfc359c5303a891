"""The parts table as one Arrow IPC stream: what ``analyze --db`` reads for a large BOM.

Reading half a million parts row by row costs seconds in any database driver; one row holding
the table as a compressed Arrow stream costs a tenth of a second. Every import brings the
snapshot up to date inside its transaction, and records the state it is of: how many imports
and parts there were. :func:`read_snapshot` uses it only when both counts still match
(another import that committed meanwhile, an older library without one, parts added or
deleted by hand: it returns None and the caller reads ``parts`` itself). A value edited by
hand without an import is not seen (docs/library.md says so). It is derived data: nothing
else depends on it.

An import first locks the snapshot's row (:func:`lock_snapshot`; two imports bring it up to
date one after the other). When the snapshot is of the state the import starts from (or the
library is empty), only the parts the import wrote are replaced in it (:func:`write_snapshot`
with ``written``): a one-part import into a half-million-part library rewrites one stream, not
the table, and records the state as the base's plus itself. Else it is made again from
``parts``, read with the number of imports in one statement. Either way the counts recorded
are those of what the snapshot holds: another import it does not hold makes it stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, delete, func, insert, select, update

from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS
from bomtrace.library.schema import PART_FIELDS, imports, parts, parts_snapshot

_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
#: the snapshot's metadata key (and the frame's ``attrs`` key) of the distinct sources
SOURCES = "sources"
#: a part's values and where each came from (``parts.sources``), as an import wrote them
Written = tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]]]


def _arrow_type(field: str) -> pa.DataType:
    """The column type of a part attribute, as ``parts`` stores it."""
    if field in NUMERIC_FIELDS:
        return pa.float64()
    return pa.bool_() if field in BOOLEAN_FIELDS else pa.string()


def _counts(conn: Connection) -> tuple[int, int]:
    n_imports = conn.execute(select(func.count()).select_from(imports)).scalar_one()
    n_parts = conn.execute(select(func.count()).select_from(parts)).scalar_one()
    return int(n_imports), int(n_parts)


@dataclass
class Base:
    """The snapshot an import starts from: its row (locked; None: there is none) and, when it
    is of the state before the import, its table, sources and number of imports."""

    row_id: int | None
    table: pa.Table | None = None
    refs: list[list[Any]] | None = None
    n_imports: int = 0


def lock_snapshot(conn: Connection) -> Base:
    """The snapshot's row, locked until the import's transaction ends (``FOR UPDATE`` where
    the database has it; SQLite has one writer at a time). Called after the import's
    ``imports`` row is written and before anything else: the state before the import is then
    one import fewer and the parts as they are. A library with no part and no snapshot yet
    starts from an empty one."""
    row = conn.execute(
        select(parts_snapshot.c.id, parts_snapshot.c.n_imports, parts_snapshot.c.n_parts,
               parts_snapshot.c.data)
        .order_by(parts_snapshot.c.id.desc())
        .limit(1)
        .with_for_update()
    ).first()  # fmt: skip
    n_imports, n_parts = _counts(conn)
    if row is None:
        empty = pa.table({"part_number": pa.array([], type=pa.string())})
        return Base(None, empty, [], 0) if (n_imports, n_parts) == (1, 0) else Base(None)
    if (row.n_imports, row.n_parts) != (n_imports - 1, n_parts):
        return Base(int(row.id))  # not of the state before: made again
    table = pa.ipc.open_stream(row.data).read_all()
    refs = json.loads((table.schema.metadata or {}).get(SOURCES.encode(), b"[]"))
    return Base(int(row.id), table, refs, int(row.n_imports))


def write_snapshot(
    conn: Connection,
    made_at: Any,
    base: Base | None = None,
    written: Mapping[str, Written] | None = None,
) -> None:
    """Bring the snapshot up to date with the ``parts`` table as ``conn``'s transaction sees
    it: ``base``'s table with the ``written`` parts replaced, when both are given and the
    base is of the state before; else made again from ``parts``."""
    if base is not None and base.table is not None and written is not None:
        table, refs = _updated(base.table, base.refs or [], written)
        # the state it is of: the base's and this import. Counted, not taken from the
        # database: an import that committed meanwhile (not in it) makes it stale
        n_imports, n_parts = base.n_imports + 1, table.num_rows
    else:
        table, refs, (n_imports, n_parts) = _from_parts(conn)
    data = _stream(table, refs)
    values = {"made_at": made_at, "n_imports": n_imports, "n_parts": n_parts, "data": data}
    row_id = None if base is None else base.row_id
    done = 0
    if row_id is not None:
        q = update(parts_snapshot).where(parts_snapshot.c.id == row_id).values(values)
        done = conn.execute(q).rowcount
    if done:
        conn.execute(delete(parts_snapshot).where(parts_snapshot.c.id != row_id))
    else:
        conn.execute(delete(parts_snapshot))
        conn.execute(insert(parts_snapshot).values(values))


def _from_parts(conn: Connection) -> tuple[pa.Table, list[list[Any]], tuple[int, int]]:
    """The ``parts`` table as Arrow columns, its sources, and the counts of imports and parts
    of the rows read (the number of imports read in the same statement)."""
    n_imp = select(func.count()).select_from(imports).scalar_subquery()
    cols = [parts.c.part_number, *(parts.c[f] for f in PART_FIELDS), parts.c.sources, n_imp]
    rows = conn.execute(select(*cols)).all()
    if not rows:
        n_imports = int(conn.execute(select(func.count()).select_from(imports)).scalar_one())
    else:
        n_imports = int(rows[0][-1])
    names = ["part_number", *PART_FIELDS, "sources", "n_imports"]
    data: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    columns = {"part_number": pa.array(data[0], type=pa.string())}
    for f, c in zip(PART_FIELDS, data[1 : 1 + len(PART_FIELDS)], strict=True):
        columns[f] = _array(c, _arrow_type(f))
    refs, prov = _provenance_columns([orjson.loads(t) if t else {} for t in data[-2]])
    return pa.table(columns | prov), refs, (n_imports, len(rows))


def _array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """A column of values as ``parts`` holds them; a text column with a value of another type
    (which the readers do not give, but a database can hold) keeps it as text.

    >>> _array(["a", 1.5, None], pa.string()).to_pylist()
    ['a', '1.5', None]
    """
    try:
        return pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if kind != pa.string():
            raise
        return pa.array([None if v is None else str(v) for v in values], type=kind)


def _updated(
    table: pa.Table, refs: list[list[Any]], written: Mapping[str, Written]
) -> tuple[pa.Table, list[list[Any]]]:
    """``table`` with the ``written`` parts' rows replaced (or added)."""
    pns = sorted(written)
    columns = {"part_number": pa.array(pns, type=pa.string())}
    for f in PART_FIELDS:
        columns[f] = _array([written[p][0].get(f) for p in pns], _arrow_type(f))
    refs, prov = _provenance_columns([written[p][1] for p in pns], refs)
    new = pa.table(columns | prov)
    old = table.filter(pc.invert(pc.is_in(table["part_number"], value_set=columns["part_number"])))
    names = list(dict.fromkeys([*old.column_names, *new.column_names]))
    out = {}
    for n in names:
        pieces = [_plain_column(t, n, len(t)) for t in (old, new)]
        out[n] = pa.chunked_array([c for p in pieces for c in p.chunks], type=pieces[1].type)
    return pa.table(out), refs


def _plain_column(t: pa.Table, name: str, n: int) -> pa.ChunkedArray:
    """A column of ``t`` in its plain type (dictionary-encoded texts decoded; the all-null
    column of an older snapshot typed), or its empty stand-in: -1 for a provenance column,
    null for a value."""
    if ":" in name:
        want: pa.DataType = pa.int32()
    else:
        want = pa.string() if name == "part_number" else _arrow_type(name)
    if name not in t.column_names:
        fill = pa.array(np.full(n, -1, np.int32)) if ":" in name else pa.nulls(n, want)
        return pa.chunked_array([fill], type=want)
    col = t[name]
    return col if col.type == want else col.cast(want)


def _stream(table: pa.Table, refs: list[list[Any]]) -> bytes:
    """The snapshot as stored: an lz4-compressed Arrow IPC stream, texts of few distinct
    values dictionary-encoded (stored and read once each), the sources in its metadata."""
    columns = {}
    for n in table.column_names:  # a column of few distinct texts: stored (and read) once each
        arr = table[n].combine_chunks()
        text = n != "part_number" and pa.types.is_string(arr.type) and len(arr) > 0
        if text and pc.count_distinct(arr).as_py() * 2 <= len(arr):
            arr = arr.dictionary_encode()
        columns[n] = arr
    out = pa.table(columns).replace_schema_metadata({SOURCES: json.dumps(refs)})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, out.schema, options=_OPTIONS) as w:
        w.write_table(out)
    return bytes(sink.getvalue().to_pybytes())


def _provenance_columns(
    sources: Sequence[Mapping[str, Mapping[str, Any]]], refs: list[list[Any]] | None = None
) -> tuple[list[list[Any]], dict[str, pa.Array]]:
    """Each part's value sources (``parts.sources``) as two integer columns per field:
    ``FIELD:src`` (index into the distinct (file, sheet, changed_at, import_id) returned:
    ``refs`` extended) and ``FIELD:row`` (-1: none)."""
    index: dict[tuple[Any, ...], int] = {tuple(r): i for i, r in enumerate(refs or [])}
    src: dict[str, np.ndarray] = {}
    row: dict[str, np.ndarray] = {}
    fields = dict.fromkeys(f for per_field in sources for f in per_field)
    for f in fields:  # field by field: each part's source of it, then its index and row
        got = [per_field.get(f) for per_field in sources]
        src[f] = np.array(
            [-1 if s is None else index.setdefault(
                (s.get("file"), s.get("sheet"), s.get("changed_at"), s.get("import_id")),
                len(index)) for s in got],
            dtype=np.int32,
        )  # fmt: skip
        row[f] = np.array(
            [-1 if s is None or s.get("row") is None else int(s["row"]) for s in got],
            dtype=np.int32,
        )
    out: dict[str, pa.Array] = {}
    for f in src:
        out[f"{f}:src"], out[f"{f}:row"] = pa.array(src[f]), pa.array(row[f])
    return [list(k) for k in index], out


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


__all__ = ["Base", "Written", "lock_snapshot", "read_snapshot", "write_snapshot"]
