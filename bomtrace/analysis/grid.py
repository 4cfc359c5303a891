"""Ratios and verdicts for every node × destination class at once (numpy, no per-node loop
over destinations).

A node's numerator is the rolled-up controlled US value on *its own* track (a commodity counts
US commodities and bundled software, software counts software, technology counts technology);
its denominator is its selling price when given, else its rolled-up cost. A 734.4(a) category
makes it subject whatever the ratio; a *possible* category hit (paragraph not given, a
condition bomtrace cannot evaluate) makes a not-subject verdict undetermined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bomtrace.analysis.results import Verdict
from bomtrace.analysis.values import NodeValues, Variant

EPS = 1e-12
#: verdict codes in the grid
NOT_SUBJECT, UNDETERMINED, SUBJECT = 0, 1, 2
VERDICTS = ("not-subject", "undetermined", "subject")
#: ``subject_to_ear`` of each verdict code
SUBJECT_TO_EAR = (False, None, True)


def verdict_of(low: float | None, high: float | None, threshold: float) -> Verdict:
    """subject when the low bound exceeds the threshold, not-subject when the high bound does
    not, undetermined in between.

    >>> verdict_of(0.25, 0.25, 0.25), verdict_of(0.2501, 0.3, 0.25), verdict_of(0.1, 0.3, 0.25)
    ('not-subject', 'subject', 'undetermined')
    """
    if low is None or high is None:
        return "undetermined"
    if low > threshold + EPS:
        return "subject"
    if high > threshold + EPS:
        return "undetermined"
    return "not-subject"


@dataclass
class Grid:
    """Per node × class: numerators, ratios, zero-de-minimis flags and verdict codes."""

    num_lo: np.ndarray
    num_hi: np.ndarray
    lo: np.ndarray  #: NaN where the denominator is not positive
    hi: np.ndarray
    zero_lo: np.ndarray  #: bool: a 734.4(a) category certainly applies
    zero_hi: np.ndarray  #: bool: a category may apply
    item_zero: np.ndarray  #: n × k × item categories: 2 applies, 1 possible, 0 no
    verdict: np.ndarray  #: int8 codes (NOT_SUBJECT, UNDETERMINED, SUBJECT)


def _pick(
    per_track: dict[str, np.ndarray], rows_of: dict[str, np.ndarray], shape: tuple[int, int]
) -> Any:
    """Each node's row from its own track's array (zeros for a track without one); the
    array itself, not a copy, when every node is on one track."""
    out = np.zeros(shape)
    for t, arr in per_track.items():
        rows = rows_of[t]
        if rows.all():
            return arr
        out[rows] = arr[rows]
    return out


def build_grid(
    vals: NodeValues,
    variant: Variant,
    den: np.ndarray,
    thresholds: np.ndarray,
    item_match: np.ndarray,
    item_reach: np.ndarray,
) -> Grid:
    """Compute the grid for one explosion variant.

    Parameters
    ----------
    vals : NodeValues
        Output of :func:`bomtrace.analysis.values.compute_values`.
    variant : Variant
        ``vals.main`` or ``vals.alt``.
    den : numpy.ndarray
        Denominator per node.
    thresholds : numpy.ndarray
        Threshold per class.
    item_match : numpy.ndarray
        n × item categories: 2 when the node's own ECCN matches the category's item pattern
        and it is on the category's track and the category has no condition in words; 1 when
        it may match; 0 otherwise.
    item_reach : numpy.ndarray
        classes × item categories: the category reaches the class.
    """
    n, k = len(den), len(thresholds)
    rows_of = {t: vals.track == t for t in variant.low}
    num_lo = _pick(variant.low, rows_of, (n, k))
    num_hi = _pick(variant.high, rows_of, (n, k))
    unpriced = _pick(variant.unpriced, rows_of, (n, k)) > 0
    zero_lo = _pick(variant.zero_low, rows_of, (n, k)) > 0
    zero_hi = _pick(variant.zero_high, rows_of, (n, k)) > 0
    n_items = item_match.shape[1]
    item_zero = np.zeros((n, k, n_items), dtype=np.int8)
    for c in range(n_items):
        certain = (item_match[:, c] == 2) & (variant.item_counts[:, c] > 0)
        possible = (item_match[:, c] >= 1) & (variant.item_counts_high[:, c] > 0)
        code = np.where(certain, 2, np.where(possible, 1, 0)).astype(np.int8)
        item_zero[:, :, c] = code[:, None] * item_reach[None, :, c]
    if n_items:
        zero_lo |= (item_zero == 2).any(axis=2)
        zero_hi |= (item_zero >= 1).any(axis=2)
    ok = den > 0
    safe = np.where(ok, den, 1.0)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(ok[:, None], num_lo / safe, np.nan)
        hi = np.where(ok[:, None], np.where(unpriced, 1.0, num_hi / safe), np.nan)
    hi = np.fmax(hi, lo)
    thr = thresholds[None, :] + EPS
    verdict = np.full((n, k), NOT_SUBJECT, dtype=np.int8)
    verdict[(hi > thr) | zero_hi | np.isnan(lo)] = UNDETERMINED
    verdict[(lo > thr) | zero_lo] = SUBJECT
    return Grid(num_lo, num_hi, lo, hi, zero_lo, zero_hi, item_zero, verdict)
