"""The compact per-item verdict over every destination analysed.

"Subject to the EAR for: CU, IR, KP, SY; not subject for 200 others; nearest threshold: CN at
25% (ratio 18.02%, margin 6.98 points)". Built from plain rows so that it serves products
(which also carry full per-destination results) and sub-assemblies under
``--all-destinations`` (which carry only this summary).

>>> s = summarize([(["CN"], 0.25, 0.18, "not-subject", 90.0, False),
...                (["DE", "FR"], 0.25, 0.0, "not-subject", 100.0, False),
...                (["IR"], 0.10, 0.18, "subject", -8.0, False)])
>>> s["subject_for"], s["not_subject_count"], s["nearest"]["countries"], s["nearest"]["margin"]
(['IR'], 3, ['CN'], 0.07)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bomtrace.analysis.schema import round_money, round_ratio

#: (countries sharing the outcome, threshold, ratio, verdict, headroom, zero_de_minimis)
SummaryRow = tuple[Sequence[str], float, float | None, str, float | None, bool]
_SHOW = 12  #: countries named per group before "+N more"


def summarize(rows: Iterable[SummaryRow]) -> dict[str, Any]:
    """Summarise per-destination outcomes of one item.

    Parameters
    ----------
    rows : iterable of (countries, threshold, ratio, verdict, headroom, zero_de_minimis)
        One row per destination, or per class of destinations with the same outcome.

    Returns
    -------
    dict
        ``subject_for`` and ``undetermined_for`` (country codes), ``not_subject_count``,
        ``zero_de_minimis_for`` (subject because of a 734.4(a) category), and ``nearest``: the
        not-subject destination(s) whose threshold is closest (``threshold``, ``ratio``,
        ``margin`` = threshold − ratio, ``headroom`` in money) or, when every destination is
        subject, the one(s) closest to falling below it (negative margin); None when no
        destination has a ratio.
    """
    rows = list(rows)
    subject = sorted(c for r in rows if r[3] == "subject" for c in r[0])
    undetermined = sorted(c for r in rows if r[3] == "undetermined" for c in r[0])
    zero = sorted(c for r in rows if r[5] for c in r[0])
    free = [r for r in rows if r[3] == "not-subject" and r[2] is not None]
    over = [r for r in rows if r[3] == "subject" and not r[5] and r[2] is not None]
    pool = free or over
    nearest = None
    if pool:
        best = min(abs(r[1] - (r[2] or 0.0)) for r in pool)
        near = [r for r in pool if abs(abs(r[1] - (r[2] or 0.0)) - best) < 1e-12]
        first = near[0]
        nearest = {
            "countries": sorted(c for r in near for c in r[0]),
            "threshold": first[1],
            "ratio": round_ratio(first[2]),
            "margin": round_ratio(first[1] - (first[2] or 0.0)),
            "headroom": round_money(first[4]),
        }
    return {
        "subject_for": subject,
        "undetermined_for": undetermined,
        "not_subject_count": sum(len(r[0]) for r in rows if r[3] == "not-subject"),
        "zero_de_minimis_for": zero,
        "nearest": nearest,
    }


def _codes(codes: list[str]) -> str:
    if len(codes) <= _SHOW:
        return ", ".join(codes)
    return ", ".join(codes[:_SHOW]) + f" +{len(codes) - _SHOW} more"


def summary_line(s: dict[str, Any]) -> str:
    """One line of text for a summary (as ``render_analysis`` prints it).

    >>> line = summary_line({"subject_for": ["IR"], "undetermined_for": [],
    ...   "not_subject_count": 2, "zero_de_minimis_for": [], "nearest": {"countries": ["CN"],
    ...   "threshold": 0.25, "ratio": 0.18, "margin": 0.07, "headroom": 90.0}})
    >>> line.split("; ")[2]
    'nearest threshold: 25% at 18.00% for CN (margin 7.00 points, headroom 90.00)'
    """
    parts = [
        "subject to the EAR for: " + (_codes(s["subject_for"]) or "none"),
    ]
    if s["undetermined_for"]:
        parts.append("undetermined for: " + _codes(s["undetermined_for"]))
    parts.append(f"not subject for {s['not_subject_count']}")
    n = s.get("nearest")
    if n:
        word = "margin" if n["margin"] >= 0 else "over by"
        head = "" if n["headroom"] is None else f", headroom {n['headroom']:,.2f}"
        parts.append(
            f"nearest threshold: {n['threshold']:.0%} at {n['ratio'] * 100:.2f}% for "
            f"{_codes(n['countries'])} ({word} {abs(n['margin']) * 100:.2f} points{head})"
        )
    return "; ".join(parts)
