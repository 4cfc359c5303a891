"""Result objects of an analysis (products, destinations, contributors, scenarios) and their
JSON entries (design.md §5); the whole document is
:meth:`bomtrace.analysis.analysis_result.AnalysisResult.to_dict`, which every report writer renders,
nothing downstream recomputes.
Money is rounded to 4 decimals and ratios to 6 at output (internal sums differ from exact
decimal arithmetic only in the last floating-point bits).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from bomtrace.analysis.schema import (
    ASSEMBLY,
    ASSEMBLY_DESTINATION,
    CONTRIBUTOR,
    DESTINATION,
    PRODUCT,
    SCENARIO,
    entry,
    subject_of,
)

Verdict = Literal["subject", "not-subject", "undetermined", "not-analysed"]
#: why a verdict is what it is: a US-origin item is subject to the EAR wherever it is
#: (15 CFR 734.3(a)(2)) and de minimis does not apply to it; a 734.4(a) category makes a
#: foreign-made item subject whatever its ratio; otherwise the de minimis ratio decides
Basis = Literal["us-origin", "zero-de-minimis", "de-minimis"]


def percent(x: float | None) -> str:
    """Format a ratio as a percentage with two decimals.

    >>> percent(0.163149), percent(None)
    ('16.31%', '-')
    """
    return "-" if x is None else f"{x * 100:.2f}%"


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

    def to_dict(self) -> dict[str, Any]:
        return entry(CONTRIBUTOR, self)


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
        return entry(SCENARIO, self)


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
    #: ids of the ruleset limits (``ruleset.limits``) the result rests on on its date
    limits: list[str] = field(default_factory=list)

    @property
    def subject_to_ear(self) -> bool | None:
        """True / False, or None when the bounds straddle the threshold."""
        return subject_of(self.verdict)

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        """The product form (``detail``) or the shorter sub-assembly form."""
        return entry(DESTINATION if detail else ASSEMBLY_DESTINATION, self)

    @property
    def countries(self) -> list[str]:
        """This destination and those with the same outcome (``same_for``)."""
        return [self.country, *self.same_for]


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
    #: compact verdict over all destinations analysed (bomtrace.analysis.summaries)
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
        """A product's entry (``detail``) or a sub-assembly's."""
        return entry(PRODUCT if detail else ASSEMBLY, self)


class LazyResults(Sequence[ProductResult]):
    """Results ``0 .. size - 1`` made by :meth:`_make` on first access and kept."""

    def __init__(self, size: int) -> None:
        self._size = size
        #: the results made so far, by position (they may have been changed since)
        self._made: dict[int, ProductResult] = {}

    @abstractmethod
    def _make(self, i: int) -> ProductResult:
        """The result at position ``i``."""

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, i: int) -> ProductResult: ...

    @overload
    def __getitem__(self, i: slice) -> list[ProductResult]: ...

    def __getitem__(self, i: int | slice) -> ProductResult | list[ProductResult]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        got = self._made.get(i)
        if got is None:
            got = self._made[i] = self._make(i)
        return got

    def __iter__(self) -> Iterator[ProductResult]:
        for i in range(len(self)):
            yield self[i]
