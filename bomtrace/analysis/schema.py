"""The JSON entries of an analysis, field by field (design.md §5; docs/json.md).

Each kind of entry (a product, a destination, a sub-assembly and its destination cell, a top
contributor, a scenario outcome) is one :class:`Table` of :class:`Field` s: the key, how the
value is rounded, when the key is left out, and where the value comes from. Every writer is
generated from these tables, so the writers cannot disagree on keys, order, rounding or
presence, and adding a field is one row in a table:

* :func:`entry` writes one result object (:mod:`bomtrace.analysis.result`) as a dict: a
  field's value is the object's attribute of the field's name (or ``get``);
* :func:`entries` writes many at once from columns (a :class:`Frame`: arrays and lists the
  analysis holds, one value per entry), as :class:`~bomtrace.analysis.products.ProductResults`
  and :class:`~bomtrace.analysis.assemblies.AssemblyResults` do for thousands of items;
* :func:`json_rows` writes the same entries as JSON bytes with pyarrow, for the sub-assembly
  list that makes most of a large document.

Money is rounded to 4 decimals, ratios and quantities to 6, at output only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

#: how a field's value is written: money (4 decimals), ratio or quantity (6 decimals), text
#: (a string or None), or as it is
Kind = Literal["money", "ratio", "quantity", "text", "value"]
#: when a field's key is left out of an entry: never, when its value is None, when empty
Omit = Literal["never", "none", "empty"]
_DIGITS = {"money": 4, "ratio": 6, "quantity": 6}


def money(x: float | None) -> float | None:
    """Round a money value for output (None and NaN give None)."""
    return None if x is None or x != x else round(float(x) + 0.0, 4)


def ratio(x: float | None) -> float | None:
    """Round a ratio for output (None stays None)."""
    return None if x is None else round(float(x) + 0.0, 6)


def quantity(x: float | None) -> float | None:
    """Round a quantity for output (None stays None)."""
    return None if x is None else round(float(x), 6)


def rounded(a: Any, digits: int) -> list[float | None]:
    """``round(x, digits)`` for every value of an array, as a list; NaN gives None.

    Vectorised, and equal to Python's ``round`` (the correctly rounded decimal): numpy's
    ``round`` differs from it only within a hair of a tie, and those values are redone with
    ``round``.

    >>> rounded(np.array([0.12345, 2.5e-5, np.nan, -0.0, 1 / 3]), 4)
    [0.1235, 0.0, None, 0.0, 0.3333]
    """
    x = np.asarray(a, dtype=float)
    with np.errstate(all="ignore"):  # huge values overflow when scaled: redone below
        scaled = x * 10.0**digits
        frac = np.abs(scaled - np.trunc(scaled))
        redo = (np.abs(frac - 0.5) < 1e-6) | ~(np.abs(scaled) < 2.0**52)
        out: list[float | None] = (np.round(x, digits) + 0.0).tolist()
    for i in np.flatnonzero(redo).tolist():
        v = float(x[i])
        out[i] = None if v != v else round(v + 0.0, digits)
    return out


def text(v: object) -> str | None:
    """A value as text for output; None and NaN give None."""
    return None if v is None or (isinstance(v, float) and v != v) else str(v)


def texts(values: np.ndarray) -> list[str | None]:
    """:func:`text` of every value of an array, as a list (texts are taken as they are).

    >>> texts(np.array(["a", None, 3, float("nan")], dtype=object))
    ['a', None, '3', None]
    """
    return [x if type(x) is str else text(x) for x in values.tolist()]


_ROUND: dict[str, Callable[[Any], Any]] = {
    "money": money,
    "ratio": ratio,
    "quantity": quantity,
    "text": text,
}

# --------------------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Field:
    """One key of an entry."""

    key: str
    kind: Kind = "value"
    omit: Omit = "never"
    #: a nested entry (a dict) or, with ``many``, a list of them
    table: Table | None = None
    many: bool = False
    #: the value from a result object (default: its attribute named ``key``)
    get: Callable[[Any], Any] | None = None

    def value(self, obj: Any) -> Any:
        """This field's value in one result object, as written."""
        v = self.get(obj) if self.get is not None else getattr(obj, self.key)
        if self.table is not None:
            if self.many:
                return [entry(self.table, x) for x in v]
            return entry(self.table, v)
        r = _ROUND.get(self.kind)
        return v if r is None else r(v)

    def omitted(self, v: Any) -> bool:
        """Whether a written value leaves the key out."""
        return (self.omit == "none" and v is None) or (self.omit == "empty" and not v)


@dataclass(frozen=True)
class Table:
    """The fields of one kind of entry, in output order."""

    name: str
    fields: tuple[Field, ...]

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def but(self, name: str, *, drop: Sequence[str] = (), **tables: Table) -> Table:
        """This table without the ``drop`` fields and with other nested tables."""
        fields = tuple(
            replace(f, table=tables[f.key]) if f.key in tables else f
            for f in self.fields
            if f.key not in drop
        )
        return Table(name, fields)


def _self(obj: Any) -> Any:
    return obj


def _subject(verdict: str) -> bool | None:
    return {"subject": True, "not-subject": False}.get(verdict)


CONTRIBUTOR = Table(
    "contributor",
    (
        Field("part_number"),
        Field("description"),
        Field("quantity", "quantity"),
        Field("value", "money"),
        Field("eccn"),
        Field("reason"),
        Field("share", "ratio"),
    ),
)

SCENARIO = Table(
    "scenario",
    (
        Field("name"),
        Field("applies"),
        Field("threshold"),
        Field("numerator", "money"),
        Field("ratio", "ratio"),
        Field("verdict"),
        Field("subject_to_ear", get=lambda s: _subject(s.verdict)),
        Field("flips"),
    ),
)

#: a product's result for one destination (``products[].destinations[]``)
DESTINATION = Table(
    "destination",
    (
        Field("country"),
        Field("name"),
        Field("groups"),
        Field("threshold"),
        Field("threshold_source"),
        Field("controlled_us_value", "money"),
        Field("ratio", "ratio"),
        Field("subject_to_ear", get=lambda d: _subject(d.verdict)),
        Field("verdict"),
        Field("basis"),
        Field("headroom", "money"),
        Field("zero_de_minimis"),
        Field(
            "bounds",
            get=_self,
            table=Table(
                "bounds",
                (
                    Field("low", "ratio", get=lambda d: d.bounds_low),
                    Field("high", "ratio", get=lambda d: d.bounds_high),
                    Field("unresolved_parts", get=lambda d: d.unresolved),
                ),
            ),
        ),
        Field("track"),
        Field("second_incorporation", omit="none"),
        Field("notes", omit="empty"),
        Field("top_contributors", table=CONTRIBUTOR, many=True),
        Field("scenarios", omit="empty", table=SCENARIO, many=True),
        Field("same_for", omit="empty"),
    ),
)

#: a sub-assembly's result for one destination (``assemblies[].destinations[]``): what
#: differs per item (name, groups and threshold source sit in the products' entries)
ASSEMBLY_DESTINATION = Table(
    "assembly_destination",
    (
        Field("country"),
        Field("threshold"),
        Field("controlled_us_value", "money"),
        Field("ratio", "ratio"),
        Field("subject_to_ear", get=lambda d: _subject(d.verdict)),
        Field("verdict"),
        Field("basis"),
        Field("headroom", "money"),
        Field(
            "bounds",
            get=_self,
            table=Table(
                "assembly_bounds",
                (
                    Field("low", "ratio", get=lambda d: d.bounds_low),
                    Field("high", "ratio", get=lambda d: d.bounds_high),
                ),
            ),
        ),
        Field("zero_de_minimis", omit="empty"),
        Field("second_incorporation", omit="none"),
        Field("notes", omit="empty"),
    ),
)

#: a product (``products[]``)
PRODUCT = Table(
    "product",
    (
        Field("part_number"),
        Field("description"),
        Field("analysed"),
        Field("total_cost", "money"),
        Field("currency"),
        Field("us_origin_value", "money"),
        Field("us_tech_value", "money"),
        Field(
            "denominator",
            get=_self,
            table=Table(
                "denominator",
                (
                    Field("basis", get=lambda p: p.denominator_basis),
                    Field("value", "money", get=lambda p: p.denominator),
                ),
            ),
        ),
        Field("track"),
        Field("origin", omit="none"),
        Field("destinations", table=DESTINATION, many=True),
        Field("summary", omit="none"),
        Field("fdpr"),
        Field("fdpr_summary", omit="none"),
        Field("not_analysed_reason", omit="empty"),
    ),
)

#: a sub-assembly (``assemblies[]``): a product's fields without the FDPR ones (given per
#: product), with the shorter destination cells
ASSEMBLY = PRODUCT.but("assembly", drop=("fdpr", "fdpr_summary"), destinations=ASSEMBLY_DESTINATION)


def entry(table: Table, obj: Any) -> dict[str, Any]:
    """One result object's entry."""
    out: dict[str, Any] = {}
    for f in table.fields:
        v = f.value(obj)
        if not f.omitted(v):
            out[f.key] = v
    return out


# --------------------------------------------------------------------------- in bulk


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
    digits = _DIGITS.get(f.kind)
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
    digits = _DIGITS.get(f.kind)
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
