"""A sequence of :class:`ProductResult` made on access, each one once (the products' and the
sub-assemblies' results are held as arrays until a result object is asked for)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import overload

from bomtrace.analysis.result import ProductResult


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
