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
class Grouped:
    """Positions of the explosion matrix grouped by product row: a row's are a slice."""

    pos: np.ndarray  #: positions into the explosion matrix's ``indices``/``data``
    starts: np.ndarray  #: entries of row ``r`` are ``starts[r]:starts[r + 1]``

    def row(self, r: int, limit: int | None = None) -> slice:
        """The slice of row ``r`` (its first ``limit`` entries when given)."""
        a, b = int(self.starts[r]), int(self.starts[r + 1])
        return slice(a, b if limit is None else min(b, a + limit))

    def positions(self, r: int, limit: int | None = None) -> list[int]:
        """Row ``r``'s positions, in order."""
        return self.pos[self.row(r, limit)].tolist()

    def count(self, r: int) -> int:
        return int(self.starts[r + 1] - self.starts[r])

    def head(self, limit: int) -> tuple[np.ndarray, list[int]]:
        """Every row's first ``limit`` entries: their indexes into ``pos`` (row by row), and
        the row bounds into those (row ``r`` is ``ends[r]:ends[r + 1]``)."""
        sizes = np.diff(self.starts)
        rank = np.arange(len(self.pos)) - np.repeat(self.starts[:-1], sizes)
        return np.flatnonzero(rank < limit), [0, *np.cumsum(np.minimum(sizes, limit)).tolist()]


@dataclass
class Ranked(Grouped):
    """Ranked entries, and a value and a flag per entry."""

    value: np.ndarray = field(default_factory=lambda: np.zeros(0))  #: contribution or gap
    flag: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  #: listed first


@dataclass
class Rankings:
    """Per-(kind, track, class) rankings over one explosion matrix, computed on first use."""

    matrix: sparse.csr_array | sparse.csr_matrix
    #: the denominator of each row's product (for contributors' shares)
    dens: np.ndarray | None = None
    #: the low ratio bound of each row's product per destination class (rows × classes)
    low: np.ndarray | None = None
    cache: dict[tuple[str, str, int], Ranked] = field(default_factory=dict)
    #: per (kind, track, class): what callers built from a ranking for every row
    lists: dict[tuple[str, str, int], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        #: the row of every stored entry
        self.rows = np.repeat(
            np.arange(self.matrix.shape[0], dtype=np.int64), np.diff(self.matrix.indptr)
        )

    def grouped(self, pos: np.ndarray, *keys: np.ndarray) -> Grouped:
        """``pos`` grouped by row, each row ordered by ``keys`` (one value per stored entry),
        given as numpy.lexsort takes them: the last key decides first. Ties keep the
        explosion's order."""
        pos = pos[sort_order(self.rows[pos], [k[pos] for k in keys])]
        return Grouped(pos, np.searchsorted(self.rows[pos], np.arange(self.matrix.shape[0] + 1)))

    def contributors(
        self, key: tuple[str, str, int], own: np.ndarray, every: np.ndarray | None = None
    ) -> Ranked:
        """Entries with extended value ``qty × own[part] > 0``, largest first per row.

        ``every`` (optional): the parts' values over every class of the same kind, each
        part's positive value the same in every class it has one (a part counts with its
        whole value or not at all). The entries are then ranked once by ``every`` (cached
        under the key with class -1) and each class's ranking is the subset where ``own`` is
        positive, in the same order: what ranking ``own`` alone would give.
        """
        got = self.cache.get(key)
        if got is not None:
            return got
        t = self.matrix
        if every is None:
            c = t.data * own[t.indices]
            g = self.grouped(np.flatnonzero(c > 0), -c)
            got = Ranked(g.pos, g.starts, c[g.pos], np.zeros(len(g.pos), dtype=bool))
        else:
            whole = self.contributors((key[0], key[1], -1), every)
            sel = own[t.indices[whole.pos]] > 0
            pos = whole.pos[sel]
            counts = np.bincount(self.rows[pos], minlength=t.shape[0])
            got = Ranked(
                pos, np.r_[0, np.cumsum(counts)], whole.value[sel], np.zeros(len(pos), dtype=bool)
            )
        self.cache[key] = got
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
            delta = np.zeros(len(t.data))
            delta[pos] = t.data[pos] * (high - low)[t.indices[pos]]
            head = first[t.indices]
            pos = pos[head[pos] | (delta[pos] > 0)]
            g = self.grouped(pos, -delta, ~head)
            got = self.cache[key] = Ranked(g.pos, g.starts, delta[g.pos], head[g.pos])
        return got


def sort_order(primary: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """``np.lexsort((*keys, primary))``: the indexes that sort by ``primary`` (non-negative
    integers), then by the last key, ..., then the first; ties keep their order.

    Each key is replaced by its rank among its distinct values (a direct sort), and the ranks
    are packed into one integer key sorted once; about twice as fast as ``lexsort``'s
    indirect passes. Falls back to ``lexsort`` when the packed key would not fit 62 bits.

    >>> sort_order(np.array([1, 0, 1, 0]), [np.array([2.0, 1.0, 1.0, np.nan])]).tolist()
    [1, 3, 2, 0]
    """
    if not len(primary):
        return np.zeros(0, dtype=np.int64)
    key = primary.astype(np.int64)
    span = int(key.max()) + 1
    for k in reversed(keys):
        distinct, rank = np.unique(k, return_inverse=True)
        span *= max(len(distinct), 1)
        if span >= 2**62:
            return np.lexsort((*keys, primary))
        key = key * len(distinct) + rank.reshape(-1)
    return np.argsort(key, kind="stable")
