"""The parts each product's evidence names, ranked for every product at once.

A product's top contributors are the parts of its explosion with the largest extended
controlled value; the parts that would settle an undetermined verdict are its unpriced parts
that may be controlled, then the parts whose bounds are furthest apart. Ranking per product
costs a sort per product and destination class; here one ``lexsort`` over the whole explosion
matrix (products × parts, CSR) ranks every product's parts for one track and class, and a
product's list is a slice. Ties keep the explosion's order, as a stable per-product sort
would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse


@dataclass
class Ranked:
    """CSR positions of the ranked entries, grouped by product row, and a value per entry."""

    pos: np.ndarray  #: positions into the explosion matrix's ``indices``/``data``
    value: np.ndarray  #: the ranking value of each entry (contribution or bound gap)
    flag: np.ndarray  #: bool per entry (unresolved: unpriced part, listed first)
    starts: np.ndarray  #: entries of row ``r`` are ``starts[r]:starts[r + 1]``

    def row(self, r: int, limit: int) -> slice:
        a, b = int(self.starts[r]), int(self.starts[r + 1])
        return slice(a, min(b, a + limit))


@dataclass
class Rankings:
    """Per-(kind, track, class) rankings over one explosion matrix, computed on first use."""

    matrix: sparse.csr_array | sparse.csr_matrix
    #: the denominator of each row's product (for contributors' shares)
    dens: np.ndarray | None = None
    cache: dict[tuple[str, str, int], Ranked] = field(default_factory=dict)
    #: per (kind, track, class): what callers built from a ranking, one list per row
    lists: dict[tuple[str, str, int], list[list[Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = np.repeat(
            np.arange(self.matrix.shape[0], dtype=np.int64), np.diff(self.matrix.indptr)
        )

    def _group(self, pos: np.ndarray, value: np.ndarray, flag: np.ndarray) -> Ranked:
        starts = np.searchsorted(self.rows[pos], np.arange(self.matrix.shape[0] + 1))
        return Ranked(pos, value, flag, starts)

    def contributors(self, key: tuple[str, str, int], own: np.ndarray) -> Ranked:
        """Entries with extended value ``qty × own[part] > 0``, largest first per row."""
        got = self.cache.get(key)
        if got is None:
            t = self.matrix
            c = t.data * own[t.indices]
            pos = np.flatnonzero(c > 0)
            o = np.lexsort((-c[pos], self.rows[pos]))
            pos = pos[o]
            got = self.cache[key] = self._group(pos, c[pos], np.zeros(len(pos), dtype=bool))
        return got

    def unresolved(
        self,
        key: tuple[str, str, int],
        low: np.ndarray,
        high: np.ndarray,
        open_: np.ndarray,
        first: np.ndarray,
    ) -> Ranked:
        """Entries of parts whose data is open: unpriced-and-possibly-controlled parts first,
        then by extended bound gap ``qty × (high - low)[part]`` (only positive gaps), per row."""
        got = self.cache.get(key)
        if got is None:
            t = self.matrix
            pos = np.flatnonzero(open_[t.indices])
            m = t.indices[pos]
            delta = t.data[pos] * (high[m] - low[m])
            head = first[m]
            keep = head | (delta > 0)
            pos, delta, head = pos[keep], delta[keep], head[keep]
            o = np.lexsort((-delta, ~head, self.rows[pos]))
            got = self.cache[key] = self._group(pos[o], delta[o], head[o])
        return got
