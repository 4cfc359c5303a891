"""Result objects of an analysis (products, destinations, contributors, scenarios) and their
JSON entries (design.md §5); the whole document is
:meth:`bomtrace.analysis.document.AnalysisResult.to_dict`, which every report writer renders,
nothing downstream recomputes.
Money is rounded to 4 decimals and ratios to 6 at output (internal sums differ from exact
decimal arithmetic only in the last floating-point bits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Verdict = Literal["subject", "not-subject", "undetermined", "not-analysed"]
#: why a verdict is what it is: a US-origin item is subject to the EAR wherever it is
#: (15 CFR 734.3(a)(2)) and de minimis does not apply to it; a 734.4(a) category makes a
#: foreign-made item subject whatever its ratio; otherwise the de minimis ratio decides
Basis = Literal["us-origin", "zero-de-minimis", "de-minimis"]


def money(x: float | None) -> float | None:
    """Round a money value for output (None and NaN give None)."""
    return None if x is None or x != x else round(float(x) + 0.0, 4)


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


def percent(x: float | None) -> str:
    """Format a ratio as a percentage with two decimals.

    >>> percent(0.163149), percent(None)
    ('16.31%', '-')
    """
    return "-" if x is None else f"{x * 100:.2f}%"


def ratio(x: float | None) -> float | None:
    """Round a ratio for output (None stays None)."""
    return None if x is None else round(float(x) + 0.0, 6)


@dataclass
class Contributor:
    """One part's share of a product's controlled US value for one destination."""

    part_number: str
    description: str | None
    quantity: float  #: extended quantity in one unit of the product
    value: float  #: extended value counted
    eccn: str | None
    reason: str  #: why it counts, e.g. "NS 2" or "Part 746 embargo ..."
    share: float | None  #: value / denominator
    #: (quantity, value, share) rounded for output when the analysis made them in bulk
    #: (``to_dict`` rounds the fields itself when None; set it to None after changing them)
    rounded: tuple[float | None, float | None, float | None] | None = field(
        default=None, repr=False, compare=False
    )

    def to_dict(self) -> dict[str, Any]:
        q, v, s = self.rounded or (round(self.quantity, 6), money(self.value), ratio(self.share))
        return {
            "part_number": self.part_number,
            "description": self.description,
            "quantity": q,
            "value": v,
            "eccn": self.eccn,
            "reason": self.reason,
            "share": s,
        }


@dataclass
class ScenarioOutcome:
    """The verdict for one product and destination under one what-if scenario."""

    name: str
    applies: bool
    threshold: float
    numerator: float
    ratio: float | None
    verdict: Verdict
    flips: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "applies": self.applies,
            "threshold": self.threshold,
            "numerator": money(self.numerator),
            "ratio": ratio(self.ratio),
            "verdict": self.verdict,
            "subject_to_ear": subject_of(self.verdict),
            "flips": self.flips,
        }


_SUBJECT: dict[str, bool] = {"subject": True, "not-subject": False}


def subject_of(verdict: str) -> bool | None:
    """``subject_to_ear`` of a verdict: True / False, None when undetermined."""
    return _SUBJECT.get(verdict)


@dataclass
class DestinationResult:
    """De minimis outcome for one product (or sub-assembly) and one destination."""

    country: str
    name: str
    groups: list[str]
    threshold: float
    threshold_source: str
    controlled_us_value: float
    ratio: float | None
    verdict: Verdict
    headroom: float | None
    bounds_low: float | None
    bounds_high: float | None
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    top_contributors: list[Contributor] = field(default_factory=list)
    scenarios: list[ScenarioOutcome] = field(default_factory=list)
    #: 734.4(a) hits: {id, paragraph, title, status (applies/possible), part_number, eccn, ...}
    zero_de_minimis: list[dict[str, Any]] = field(default_factory=list)
    track: str = "commodity"  #: de minimis track: commodity, software or technology
    #: the ratio without the second-incorporation cut, when it differs (None otherwise)
    second_incorporation: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)  #: e.g. the technology report requirement
    #: under ``--all-destinations``: the other destinations with this same outcome
    same_for: list[str] = field(default_factory=list)
    basis: Basis = "de-minimis"

    @property
    def subject_to_ear(self) -> bool | None:
        """True / False, or None when the bounds straddle the threshold."""
        return subject_of(self.verdict)

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        if not detail:
            return self._compact()
        out: dict[str, Any] = {
            "country": self.country,
            "name": self.name,
            "groups": self.groups,
            "threshold": self.threshold,
            "threshold_source": self.threshold_source,
            "controlled_us_value": money(self.controlled_us_value),
            "ratio": ratio(self.ratio),
            "subject_to_ear": self.subject_to_ear,
            "verdict": self.verdict,
            "basis": self.basis,
            "headroom": money(self.headroom),
            "zero_de_minimis": self.zero_de_minimis,
            "bounds": {"low": ratio(self.bounds_low), "high": ratio(self.bounds_high)},
            "track": self.track,
        }
        if self.second_incorporation is not None:
            out["second_incorporation"] = self.second_incorporation
        if self.notes:
            out["notes"] = self.notes
        out["bounds"]["unresolved_parts"] = self.unresolved
        out["top_contributors"] = [c.to_dict() for c in self.top_contributors]
        if self.scenarios:
            out["scenarios"] = [s.to_dict() for s in self.scenarios]
        if self.same_for:
            out["same_for"] = self.same_for
        return out

    @property
    def countries(self) -> list[str]:
        """This destination and those with the same outcome (``same_for``)."""
        return [self.country, *self.same_for]

    def _compact(self) -> dict[str, Any]:
        """Sub-assembly form: what differs per item (name, groups and threshold source are
        the same for every item and sit in the products' entries)."""
        out: dict[str, Any] = {
            "country": self.country,
            "threshold": self.threshold,
            "controlled_us_value": money(self.controlled_us_value),
            "ratio": ratio(self.ratio),
            "subject_to_ear": self.subject_to_ear,
            "verdict": self.verdict,
            "basis": self.basis,
            "headroom": money(self.headroom),
            "bounds": {"low": ratio(self.bounds_low), "high": ratio(self.bounds_high)},
        }
        if self.zero_de_minimis:
            out["zero_de_minimis"] = self.zero_de_minimis
        if self.second_incorporation is not None:
            out["second_incorporation"] = self.second_incorporation
        if self.notes:
            out["notes"] = self.notes
        return out


@dataclass
class ProductResult:
    """Everything about one product (a root of the BOM) or foreign-made sub-assembly."""

    part_number: str
    description: str | None
    analysed: bool
    total_cost: float | None
    currency: str
    us_origin_value: float | None
    us_tech_value: float | None
    denominator_basis: str | None  #: "selling_price" or "rolled_up_cost"
    denominator: float | None
    destinations: list[DestinationResult] = field(default_factory=list)
    fdpr: list[dict[str, Any]] = field(default_factory=list)
    #: FDPR exposure: rules tested, parties screened, caught counts/values per assembly,
    #: unresolved parts (bomtrace.fdpr); None when FDPR was not run
    fdpr_summary: dict[str, Any] | None = None
    not_analysed_reason: str | None = None
    track: str = "commodity"  #: de minimis track of the item (its item_type)
    #: compact verdict over all destinations analysed (bomtrace.analysis.summary)
    summary: dict[str, Any] | None = None
    #: under ``--all-destinations``, ``destinations`` details only where the product is subject
    #: or undetermined and the nearest others; this gives any other analysed destination
    more: Callable[[str], DestinationResult | None] | None = field(
        default=None, repr=False, compare=False
    )
    #: a product's own origin: {"country": ISO code or None, "source": "bom" (its own line),
    #: "made-in-option" (--made-in) or "assumed-foreign" (none given: analysed as foreign-made)}
    origin: dict[str, Any] | None = None

    def destination(self, code: str) -> DestinationResult:
        """The result for one destination code (computed on demand when not detailed).

        Raises
        ------
        KeyError
            If that destination was not analysed.
        """
        for d in self.destinations:
            if d.country == code:
                return d
        got = self.more(code) if self.more is not None else None
        if got is None:
            raise KeyError(code)
        return got

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "part_number": self.part_number,
            "description": self.description,
            "analysed": self.analysed,
            "total_cost": money(self.total_cost),
            "currency": self.currency,
            "us_origin_value": money(self.us_origin_value),
            "us_tech_value": money(self.us_tech_value),
            "denominator": {"basis": self.denominator_basis, "value": money(self.denominator)},
            "track": self.track,
        }
        if self.origin is not None:
            out["origin"] = self.origin
        out["destinations"] = [d.to_dict(detail=detail) for d in self.destinations]
        if self.summary is not None:
            out["summary"] = self.summary
        if detail:
            out["fdpr"] = self.fdpr
            if self.fdpr_summary is not None:
                out["fdpr_summary"] = self.fdpr_summary
        if self.not_analysed_reason:
            out["not_analysed_reason"] = self.not_analysed_reason
        return out
