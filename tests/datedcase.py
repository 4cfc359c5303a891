"""One dated de minimis case (tests/test_dated_cases*.py): a small BOM built in code, analysed
as of the case's date for one destination, and checked against an expectation derived by hand
from the regulation and the Federal Register rule the case cites.

Every BOM is one foreign-made product ``P`` sold for 100.00 (its selling price is the de minimis
denominator), built of the case's US-origin parts (``U1``, ``U2``, ...), a Taiwanese part that is
controlled (3A001.a.7) but not US-origin, so never counted, and a Japanese EAR99 part that makes
up the rest of the cost. The hand ratio is therefore the controlled US cost divided by 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pytest
from _pytest.mark.structures import ParameterSet
from bomfactory import BASE_FIELDS, indented

from bomtrace import analyze
from bomtrace.errors import UnknownDestination

PRICE = 100.0
FOREIGN_CONTROLLED = 5.0  #: the Taiwanese 3A001.a.7 part: controlled, but not US-origin
FIELDS = (*BASE_FIELDS, "selling_price")


@dataclass(frozen=True)
class Case:
    """What is analysed, what is expected, and why."""

    day: str  #: as_of
    dest: str  #: destination code
    us: tuple[tuple[str, float], ...]  #: US-origin parts: (ECCN, cost)
    verdict: str  #: subject | not-subject | undetermined | refused (no result on the date)
    ratio: float | None  #: hand ratio (low bound when undetermined); None: not checked
    calc: str  #: the hand arithmetic: counted value / 100 against the threshold
    law: str  #: CFR paragraph(s) and the Federal Register rule with its effective date
    basis: str = "de-minimis"  #: or "zero-de-minimis" (734.4(a))
    high: float | None = None  #: hand high bound (undetermined cases)
    issue: str | None = None  #: an issue code the analysis must raise
    limits: tuple[str, ...] = ()  #: "kind:WORDS": some limit id of that kind holds WORDS
    absent: tuple[str, ...] = ()  #: "kind:WORDS" that no limit id may match
    made_in: str | None = None  #: the product's country of origin (--made-in)
    end_user: str | None = None
    item: str | None = None  #: the foreign-made product's own ECCN
    listed: bool = False  #: U1 is flagged listed_ear99 (on a Part 746 list of EAR99 items)


def case(name: str, *args: Any, xfail: str | None = None, **kw: Any) -> ParameterSet:
    """A :class:`Case` as a pytest param with id ``name``; ``xfail`` says why bomtrace is wrong."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(Case(*args, **kw), id=name, marks=marks)


def bom(c: Case) -> Any:
    """The case's BOM as a BomTable."""
    rows: list[tuple[Any, ...]] = [(0, "P", 1, None, c.made_in, c.item, PRICE)]
    rows += [(1, f"U{i}", 1, cost, "US", eccn, None) for i, (eccn, cost) in enumerate(c.us, 1)]
    rest = PRICE - FOREIGN_CONTROLLED - sum(cost for _, cost in c.us)
    assert rest >= 0, "the US parts must leave room for the foreign parts"
    rows += [(1, "T1", 1, FOREIGN_CONTROLLED, "TW", "3A001.a.7", None)]
    rows += [(1, "J1", 1, rest, "JP", "EAR99", None)]
    listed: list[bool | None] = [None] * len(rows)
    if c.listed:
        listed[1] = True
    return indented(rows, fields=FIELDS, extra={"listed_ear99": pd.array(listed, "boolean")})


def _matches(token: str, ids: list[str]) -> bool:
    kind, _, words = token.partition(":")
    return any(i.startswith(kind + ":") and words in i for i in ids)


def check(c: Case) -> None:
    """Analyse the case's BOM and compare with the hand-derived expectation."""
    kw: dict[str, Any] = {"destinations": [c.dest], "as_of": date.fromisoformat(c.day)}
    if c.made_in:
        kw["made_in"] = c.made_in
    if c.end_user:
        kw["end_user"] = c.end_user
    if c.verdict == "refused":
        with pytest.raises(UnknownDestination):
            analyze(bom(c), **kw)
        return
    r = analyze(bom(c), **kw)
    (d,) = r.product("P").destinations
    got = (d.verdict, d.basis)
    assert got == (c.verdict, c.basis), f"{c.calc}; {c.law}"
    if c.ratio is not None:
        assert d.ratio == pytest.approx(c.ratio, abs=1e-9), c.calc
    if c.high is not None:
        assert d.bounds_high == pytest.approx(c.high, abs=1e-9), c.calc
    codes = {i.code.value for i in r.issues}
    if c.issue:
        assert c.issue in codes
    if c.issue == "eccn-not-on-date" and c.verdict == "undetermined":
        assert {u["part_number"] for u in d.unresolved} & {f"U{i}" for i in range(1, 4)}
    listed = {x["id"] for x in r.to_dict()["ruleset"]["limits"]}
    assert set(d.limits) <= listed, "every limit a result names is listed in ruleset.limits"
    for token in c.limits:
        assert _matches(token, d.limits), f"{token} not in {d.limits}"
    for token in c.absent:
        assert not _matches(token, d.limits), f"{token} in {d.limits}"
