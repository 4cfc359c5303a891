"""The JSON entries of an analysis, field by field (design.md §5; docs/json.md).

Each kind of entry (a product, a destination, a sub-assembly and its destination cell, a top
contributor, a scenario outcome) is one :class:`Table` of :class:`Field` s: the key, how the
value is rounded, when the key is left out, and where the value comes from. Every writer is
generated from these tables, so the writers cannot disagree on keys, order, rounding or
presence, and adding a field is one row in a table:

* :func:`entry` writes one result object (:mod:`bomtrace.analysis.results`) as a dict: a
  field's value is the object's attribute of the field's name (or ``get``);
* :func:`bomtrace.analysis.bulk.entries` writes many at once from columns (arrays and lists
  the analysis holds, one value per entry), as the products' and sub-assemblies' results do
  for thousands of items;
* :func:`bomtrace.analysis.bulk.json_rows` writes the same entries as JSON bytes with
  pyarrow, for the sub-assembly list that makes most of a large document.

Money is rounded to 4 decimals, ratios and quantities to 6, at output only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

#: how a field's value is written: money (4 decimals), ratio or quantity (6 decimals), text
#: (a string or None), or as it is
Kind = Literal["money", "ratio", "quantity", "text", "value"]
#: when a field's key is left out of an entry: never, when its value is None, when empty
Omit = Literal["never", "none", "empty"]
#: decimals each rounded kind keeps
DIGITS = {"money": 4, "ratio": 6, "quantity": 6}


def round_money(x: float | None) -> float | None:
    """Round a money value for output (None and NaN give None)."""
    return None if x is None or x != x else round(float(x) + 0.0, 4)


def round_ratio(x: float | None) -> float | None:
    """Round a ratio for output (None stays None)."""
    return None if x is None else round(float(x) + 0.0, 6)


def round_quantity(x: float | None) -> float | None:
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
    "money": round_money,
    "ratio": round_ratio,
    "quantity": round_quantity,
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


_SUBJECT: dict[str, bool] = {"subject": True, "not-subject": False}


def subject_of(verdict: str) -> bool | None:
    """``subject_to_ear`` of a verdict: True / False, None when undetermined."""
    return _SUBJECT.get(verdict)


CONTRIBUTOR = Table(
    "contributor",
    (
        Field("part_number", "text"),
        Field("description", "text"),
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
        Field("subject_to_ear", get=lambda s: subject_of(s.verdict)),
        Field("flips"),
    ),
)

#: a destination cell's verdict, the same in a product's and a sub-assembly's
_VERDICT = (
    Field("controlled_us_value", "money"),
    Field("ratio", "ratio"),
    Field("subject_to_ear", get=lambda d: subject_of(d.verdict)),
    Field("verdict"),
    Field("basis"),
    Field("headroom", "money"),
)
#: the ratio's bounds (equal unless missing data keeps them apart)
_BOUNDS = (
    Field("low", "ratio", get=lambda d: d.bounds_low),
    Field("high", "ratio", get=lambda d: d.bounds_high),
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
        *_VERDICT,
        Field("zero_de_minimis"),
        Field(
            "bounds",
            get=_self,
            table=Table(
                "bounds",
                (
                    *_BOUNDS,
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
        Field("limits", omit="empty"),
    ),
)

#: a sub-assembly's result for one destination (``assemblies[].destinations[]``): what
#: differs per item (name, groups and threshold source sit in the products' entries)
ASSEMBLY_DESTINATION = Table(
    "assembly_destination",
    (
        Field("country"),
        Field("threshold"),
        *_VERDICT,
        Field(
            "bounds",
            get=_self,
            table=Table(
                "assembly_bounds",
                (*_BOUNDS,),
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
        Field("part_number", "text"),
        Field("description", "text"),
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
