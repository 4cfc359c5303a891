"""Product × destination verdicts of two analyses side by side (rule changes between dates,
what-ifs): ratio and verdict before and after, and whether the verdict flips."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bomtrace.analysis.results import ProductResult


def verdict_changes(
    before: Iterable[ProductResult],
    after: Iterable[ProductResult],
    only: set[str] | None = None,
) -> list[dict[str, Any]]:
    """One row per product analysed in both and destination in both, in ``before``'s order.

    Parameters
    ----------
    before, after : iterable of ProductResult
        The two analyses' products.
    only : set of str, optional
        Part numbers of the products to compare (default: every product).

    Returns
    -------
    list of dict
        ``product``, ``country``, ``ratio_from``, ``ratio_to``, ``verdict_from``,
        ``verdict_to``, ``flips``.
    """
    later = {p.part_number: p for p in after if only is None or p.part_number in only}
    rows = []
    for a in before:
        b = later.get(a.part_number)
        if b is None or not a.analysed or not b.analysed:
            continue
        cells = {x.country: x for x in b.destinations}
        for x in a.destinations:
            y = cells.get(x.country)
            if y is None:
                continue
            rows.append(
                {
                    "product": a.part_number,
                    "country": x.country,
                    "ratio_from": x.ratio,
                    "ratio_to": y.ratio,
                    "verdict_from": x.verdict,
                    "verdict_to": y.verdict,
                    "flips": x.verdict != y.verdict,
                }
            )
    return rows


def flips_to_worse(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether some verdict flips from not-subject to subject or undetermined."""
    return any(r["flips"] and r["verdict_from"] == "not-subject" for r in rows)


__all__ = ["flips_to_worse", "verdict_changes"]
