"""What-ifs on part attributes: "what if this part came from elsewhere, or were classified so?"

A what-if is ``FIELD=VALUE`` for one part (``PN:FIELD=VALUE`` on ``analyze --set``). The
value is read as the BOM readers read that field (a country name or code, an ECCN, a number, a
percentage, a yes/no flag) and refused with a message naming what would be valid; the graph
gets a copy of its part attributes with the value set, its structure unchanged. Results made
under a what-if say so (:data:`WHAT_IF_NOTE`), so they cannot be mistaken for the BOM's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from bomtrace.countries import normalize_country
from bomtrace.eccn import is_eccn_syntax, normalize_eccn
from bomtrace.errors import UsageError
from bomtrace.graph.model import BomGraph
from bomtrace.io.table import ATTRIBUTE_FIELDS, BOOLEAN_FIELDS, NUMERIC_FIELDS
from bomtrace.io.values import parse_flags, parse_numbers

#: the fields a what-if may set (part attributes; not the structure)
SETTABLE: tuple[str, ...] = tuple(f for f in ATTRIBUTE_FIELDS if not f.startswith("_"))
WHAT_IF_NOTE = "what-if: results under part values set on the command line, not the BOM's own"


@dataclass(frozen=True)
class WhatIf:
    """One part attribute set to a value (already read as the readers read it)."""

    part_number: str
    field: str
    value: object  #: the value as stored (ISO code, normalised ECCN, float, bool, text)
    given: str  #: as the user wrote it

    def to_dict(self) -> dict[str, object]:
        return {
            "part_number": self.part_number,
            "field": self.field,
            "value": self.value,
            "given": self.given,
        }


def parse_set(text: str, part: str | None = None) -> WhatIf:
    """Read ``FIELD=VALUE`` (for ``part``) or ``PN:FIELD=VALUE``.

    Raises
    ------
    UsageError
        The form, the field or the value is not valid; the message says what would be.

    >>> parse_set("country_of_origin=Germany", "R1").value
    'DE'
    >>> parse_set("R1:us_content_pct=12%").value
    0.12
    """
    body = text.strip()
    if part is None:
        pn, sep, body = body.partition(":")
        if not sep or not pn.strip():
            raise UsageError(
                f"--set {text!r}: give PN:FIELD=VALUE, e.g. --set 0063-0001:country_of_origin=DE."
            )
        part = pn.strip()
        # a part number may hold ':' itself: the field is what follows the last ':'
        if "=" not in body and ":" in body:
            raise UsageError(f"--set {text!r}: give PN:FIELD=VALUE.")
    name, sep, value = body.partition("=")
    name = name.strip().lower().replace(" ", "_")
    if not sep:
        raise UsageError(f"--set {text!r}: give FIELD=VALUE, e.g. country_of_origin=DE.")
    if name not in SETTABLE:
        raise UsageError(
            f"--set {text!r}: {name!r} is not a part attribute a what-if can set. Valid: "
            f"{', '.join(SETTABLE)}."
        )
    return WhatIf(part, name, _value(name, value.strip(), text), value.strip())


def _value(name: str, value: str, text: str) -> object:
    if value == "":
        return None  # the value is cleared: missing, as if the BOM had not given it
    if name == "country_of_origin":
        code = normalize_country(value)
        if code is None:
            raise UsageError(f"--set {text!r}: {value!r} is not a country; use e.g. DE or Germany.")
        return code
    if name == "eccn":
        norm = normalize_eccn(value)
        if norm is None or (norm != "EAR99" and not is_eccn_syntax(norm)):
            raise UsageError(f"--set {text!r}: {value!r} is not an ECCN; use e.g. 3A991 or EAR99.")
        return norm
    if name in NUMERIC_FIELDS:
        pct = name == "us_content_pct"
        numbers, bad, _ = parse_numbers(pd.Series([value]), percent=pct)
        number = float(numbers[0])
        if bool(bad[0]) or number != number or number < 0:
            what = "a share such as 12% or 0.12" if pct else "a number of 0 or more"
            raise UsageError(f"--set {text!r}: {value!r} is not {what}.")
        return number
    if name in BOOLEAN_FIELDS:
        flags, bad = parse_flags(pd.Series([value]))
        if bool(bad[0]):
            raise UsageError(f"--set {text!r}: {value!r} is not yes or no.")
        return bool(flags.iat[0])
    return value


def with_values(graph: BomGraph, changes: Iterable[WhatIf]) -> BomGraph:
    """A graph with the same structure and the parts' attributes set by ``changes``.

    Raises
    ------
    UsageError
        A part number is not in the BOM.
    """
    changes = list(changes)
    if not changes:
        return graph
    nodes = graph.nodes.copy()
    known = {str(p): i for i, p in enumerate(graph.part_numbers)}
    for c in changes:
        if c.part_number not in known:
            raise UsageError(
                f"--set: part {c.part_number!r} is not in the BOM. `bomtrace inspect` lists the "
                "parts."
            )
        if c.field not in nodes.columns:
            nodes[c.field] = pd.Series([None] * len(nodes), index=nodes.index, dtype=object)
        if nodes[c.field].dtype != object and not isinstance(c.value, float):
            nodes[c.field] = nodes[c.field].astype(object)
        nodes.iloc[known[c.part_number], nodes.columns.get_loc(c.field)] = c.value
    return graph.with_nodes(nodes)


__all__ = ["SETTABLE", "WHAT_IF_NOTE", "WhatIf", "parse_set", "with_values"]
