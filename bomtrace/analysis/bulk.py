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
        c = cols[f.key]
        if isinstance(c, Const) and f.omitted(c.value):
            continue  # left out of every entry
        col = _column(f, c, n)
        if f.omit != "never":
            gone = _omitted(f, col)
            if gone == n:
                continue
            if gone:
                sparse.append((f.key, f))
        keys.append(f.key)
        values.append(col)
    out = [dict(zip(keys, row, strict=False)) for row in zip(*values, strict=True)]
    if not keys:
        out = [{} for _ in range(n)]
    for key, f in sparse:
        for e in out:
            if f.omitted(e[key]):
                del e[key]
    for i, e in frame.done.items():
        out[i] = e
    return out


def _omitted(f: Field, col: list[Any]) -> int:
    """How many values of a column leave field ``f`` out of their entry."""
    if f.omit == "none":
        return sum(v is None for v in col)
    return len(col) - sum(map(bool, col))


# --------------------------------------------------------------------------- JSON bytes


def json_rows(table: Table, frame: Frame, *, end: bytes = b"") -> Any:
    """The entries of a frame as JSON bytes (a pyarrow ``large_binary`` array, one object
    each, followed by ``end``), byte for byte as ``orjson.dumps`` writes :func:`entries`:
    each number column is written by one ``orjson.dumps`` and the objects are joined from
    the columns by pyarrow.

    A field left out when empty must be left out of every entry not ``done``.
    """
    parts = _json_parts(table, frame, {})
    if isinstance(parts[-1], bytes):
        parts[-1] += end
    elif end:
        parts.append(end)
    return _joined(parts, frame.n)


def _json_parts(
    table: Table, frame: Frame, cache: dict[Any, Any], live: np.ndarray | None = None
) -> list[Any]:
    """The pieces (byte strings, and arrays of one piece per entry) whose element-wise join
    is each entry's JSON; ``cache`` keeps number columns written once (a column may serve two
    fields, as the ratio serves ``ratio`` and the low bound); ``live``: the entries whose
    columns are read (default all)."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    n, cols = frame.n, frame.columns
    if frame.done:  # these entries are written whole, the others joined
        live = np.ones(n, dtype=bool)
        live[list(frame.done)] = False
        out = join(_json_parts(table, Frame(n, cols), cache, live))
        new = [orjson.dumps(frame.done[i]) for i in sorted(frame.done)]
        return [pc.replace_with_mask(out, pa.array(~live), pa.array(new, pa.large_binary()))]
    if live is None:
        live = np.ones(n, dtype=bool)
    parts: list[Any] = [b"{"]
    for f in table.fields:
        c = cols[f.key]
        if f.omit != "never":
            if _left_out(f, c, live):
                continue
            raise ValueError(f"{table.name}.{f.key}: left out in some entries only")
        parts.append(orjson.dumps(f.key) + b":")
        if isinstance(c, Const):
            parts.append(orjson.dumps(c.value))
        elif f.table is not None and isinstance(c, Frame):
            parts += _json_parts(f.table, c, cache, live)
        elif f.table is not None and isinstance(c, list):  # the same count of entries in each
            parts.append(b"[")
            for i, fr in enumerate(c):  # each entry joined on its own: fewer, longer pieces
                parts += [b","] if i else []
                parts.append(_joined(_json_parts(f.table, fr, cache), fr.n))
            parts.append(b"]")
        else:
            parts.append(_json_column(f, c, n, cache))
        parts.append(b",")
    parts[-1] = b"}" if len(parts) > 1 else b"{}"
    merged: list[Any] = []  # adjacent byte strings as one
    for p in parts:
        if isinstance(p, bytes) and merged and isinstance(merged[-1], bytes):
            merged[-1] += p
        else:
            merged.append(p)
    return merged


def _joined(parts: list[Any], n: int) -> Any:
    """The element-wise join of pieces, as one array."""
    import pyarrow as pa

    if len(parts) == 1 and not isinstance(parts[0], bytes):
        return parts[0]
    if all(isinstance(p, bytes) for p in parts):
        return pa.array([b"".join(parts)] * n, pa.large_binary())
    return join(parts)


def _left_out(f: Field, c: Any, live: np.ndarray) -> bool:
    """Whether field ``f`` (column ``c``) is left out of every live entry."""
    if isinstance(c, Const):
        return f.omitted(c.value)
    if isinstance(c, Coded):
        return all(f.omitted(c.choices[i]) for i in np.unique(c.codes[live]).tolist())
    values = _column(f, c, len(live))
    return all(f.omitted(v) for v, keep in zip(values, live.tolist(), strict=True) if keep)


def join(parts: list[Any]) -> Any:
    """Join byte strings and pyarrow ``large_binary`` arrays element-wise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lits = [pa.scalar(p, pa.large_binary()) if isinstance(p, bytes) else p for p in parts]
    return pc.binary_join_element_wise(*lits, pa.scalar(b"", pa.large_binary()))


def _json_column(f: Field, c: Any, n: int, cache: dict[Any, Any]) -> Any:
    """One field's values as JSON bytes, one per entry."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(c, Coded):
        words = pa.array([orjson.dumps(x) for x in c.choices], pa.large_binary())
        return words.take(pa.array(c.codes))
    digits = DIGITS.get(f.kind)
    if digits is not None and isinstance(c, np.ndarray):
        key = (id(c), digits)
        if key not in cache:
            tokens = pa.array([orjson.dumps(rounded(c, digits))[1:-1]], pa.large_binary())
            cache[key] = (c, pc.split_pattern(tokens, b",").flatten())
        return cache[key][1]
    values = list(c.values if isinstance(c, Written) else c)
    if f.table is not None and not isinstance(c, Written):
        raise ValueError(f"{f.key}: nested entries are written from frames")
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
