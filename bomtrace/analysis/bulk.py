"""Many JSON entries at once, written from columns (design.md §5).

The products' and sub-assemblies' results hold their numbers as arrays; a result object per
item, then a dict from each, would cost more than the analysis. A :class:`Frame` gives each
field of an entry table (:mod:`bomtrace.analysis.schema`) as a column, and :func:`entries`
(dicts) or :func:`json_rows` (JSON bytes, joined by pyarrow) write every entry at once,
exactly as :func:`bomtrace.analysis.schema.entry` writes one result object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace.analysis.schema import DIGITS, Field, Table, rounded


@dataclass
class Const:
    """The same value in every entry of a frame (a list is copied into each)."""

    value: Any


@dataclass
class Coded:
    """A value out of a few: ``choices[code]`` per entry."""

    codes: np.ndarray
    choices: Sequence[Any]


@dataclass
class Grouped:
    """A list of nested entries per entry: entries ``ends[i]:ends[i + 1]`` of ``frame``."""

    frame: Frame
    ends: Sequence[int]


@dataclass
class Written:
    """Nested entries already written (one per entry of the frame, or a list of them)."""

    values: Sequence[Any]


@dataclass
class Frame:
    """``n`` entries as columns: per field key, an array or list of values (rounded by the
    field's kind), a :class:`Const`, a :class:`Coded`, a nested :class:`Frame` (one entry each)
    or, for a list of nested entries, a :class:`Grouped` or a list of frames (the same count
    for every entry); :class:`Written` for nested entries already written. ``done``: entries
    written some other way (results built in full), by position; their columns are not read
    there."""

    n: int
    columns: Mapping[str, Any]
    done: Mapping[int, dict[str, Any]] = field(default_factory=dict)


def _column(f: Field, c: Any, n: int) -> list[Any]:
    """One field's written values for every entry of a frame."""
    if isinstance(c, Const):
        v = c.value
        return [list(v) for _ in range(n)] if isinstance(v, list) else [v] * n
    if isinstance(c, Coded):
        choices = list(c.choices)
        return [choices[i] for i in c.codes.tolist()]
    if isinstance(c, Written):
        return list(c.values)
    if f.table is not None:
        if isinstance(c, Frame):
            return entries(f.table, c)
        if isinstance(c, Grouped):
            flat, ends = entries(f.table, c.frame), c.ends
            return [flat[ends[i] : ends[i + 1]] for i in range(n)]
        per = [entries(f.table, fr) for fr in c]  # one frame per item of the list
        return [list(x) for x in zip(*per, strict=True)] if per else [[] for _ in range(n)]
    digits = DIGITS.get(f.kind)
    if digits is not None and isinstance(c, np.ndarray):
        return rounded(c, digits)
    out = list(c)
    if len(out) != n:
        raise ValueError(f"column {f.key!r} has {len(out)} values for {n} entries")
    return out


def entries(table: Table, frame: Frame) -> list[dict[str, Any]]:
    """The entries of a frame, as :func:`entry` writes each."""
    n, cols = frame.n, frame.columns
    keys: list[str] = []
    values: list[list[Any]] = []
    sparse: list[tuple[str, Field]] = []  # present in some entries only
    for f in table.fields:
        col = _column(f, cols[f.key], n)
        if f.omit != "never":
            gone = [f.omitted(v) for v in col]
            if all(gone):
                continue
            if any(gone):
                sparse.append((f.key, f))
        keys.append(f.key)
        values.append(col)
    out = [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]
    if not keys:
        out = [{} for _ in range(n)]
    for key, f in sparse:
        for e in out:
            if f.omitted(e[key]):
                del e[key]
    for i, e in frame.done.items():
        out[i] = e
    return out


# --------------------------------------------------------------------------- JSON bytes


def json_rows(table: Table, frame: Frame) -> Any:
    """The entries of a frame as JSON bytes (a pyarrow ``large_binary`` array, one object
    each), byte for byte as ``orjson.dumps`` writes :func:`entries`: each number column is
    written by one ``orjson.dumps`` and the objects are joined from the columns by pyarrow.

    A field left out when empty must be left out of every entry not ``done``.
    """
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    n, cols = frame.n, frame.columns
    live = np.ones(n, dtype=bool)
    live[list(frame.done)] = False
    parts: list[Any] = []
    lead = b"{"
    for f in table.fields:
        c = cols[f.key]
        if f.omit != "never":
            if all(f.omitted(v) for v in _live(_column(f, c, n), live)):
                continue
            raise ValueError(f"{table.name}.{f.key}: left out in some entries only")
        lead += orjson.dumps(f.key) + b":"
        if isinstance(c, Const) and f.table is None:
            lead += orjson.dumps(c.value)
        else:
            parts += [lead, _json_column(f, c, n)]
            lead = b""
        lead += b","
    parts.append(lead[:-1] + b"}")
    out = join(parts) if len(parts) > 1 else pa.array([parts[0]] * n, pa.large_binary())
    if frame.done:
        mask = pa.array(~live)
        new = [orjson.dumps(frame.done[i]) for i in sorted(frame.done)]
        out = pc.replace_with_mask(out, mask, pa.array(new, pa.large_binary()))
    return out


def _live(values: list[Any], live: np.ndarray) -> list[Any]:
    return [v for v, keep in zip(values, live.tolist(), strict=True) if keep]


def join(parts: list[Any]) -> Any:
    """Join byte strings and pyarrow ``large_binary`` arrays element-wise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lits = [pa.scalar(p, pa.large_binary()) if isinstance(p, bytes) else p for p in parts]
    return pc.binary_join_element_wise(*lits, pa.scalar(b"", pa.large_binary()))


def _json_column(f: Field, c: Any, n: int) -> Any:
    """One field's values as JSON bytes, one per entry."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    if f.table is not None and not isinstance(c, Written | Const):
        if isinstance(c, Frame):
            return json_rows(f.table, c)
        if isinstance(c, Grouped):
            raise ValueError(f"{f.key}: grouped lists are written as dicts")
        if not c:
            return pa.array([b"[]"] * n, pa.large_binary())
        pieces: list[Any] = []
        for fr in c:
            pieces += [b",", json_rows(f.table, fr)]
        pieces[0] = b"["
        return join([*pieces, b"]"])
    if isinstance(c, Coded):
        words = pa.array([orjson.dumps(x) for x in c.choices], pa.large_binary())
        return words.take(pa.array(c.codes))
    if isinstance(c, Const):
        return pa.array([orjson.dumps(c.value)] * n, pa.large_binary())
    digits = DIGITS.get(f.kind)
    if digits is not None and isinstance(c, np.ndarray):
        tokens = pa.array([orjson.dumps(rounded(c, digits))[1:-1]], pa.large_binary())
        return pc.split_pattern(tokens, b",").flatten()
    values = list(c.values if isinstance(c, Written) else c)
    if f.kind == "text" or all(v is None or type(v) is str for v in values):
        return _json_strings(values)
    return pa.array([orjson.dumps(v) for v in values], pa.large_binary())


def _json_strings(values: list[str | None]) -> Any:
    """Each text as orjson writes it (None as null), in a pyarrow large_binary array: one
    ``orjson.dumps`` of them all, cut at the ``","`` between two texts (inside a text every
    ``"`` is escaped, so the sequence only occurs between texts)."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    if not values:
        return pa.array([], pa.large_binary())
    nulls = [x is None for x in values]
    dumped = orjson.dumps(["" if x is None else x for x in values])[2:-2]
    inner = pc.split_pattern(pa.array([dumped], pa.large_binary()), b'","').flatten()
    quote = pa.scalar(b'"', pa.large_binary())
    out = pc.binary_join_element_wise(quote, inner, quote, pa.scalar(b"", pa.large_binary()))
    if any(nulls):
        out = pc.if_else(pa.array(nulls), pa.scalar(b"null", pa.large_binary()), out)
    return out
