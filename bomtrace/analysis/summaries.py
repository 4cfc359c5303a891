"""Each item's verdict over every destination: its compact summary ("subject to the EAR for
CU, IR, KP, SY; not subject for 200 others; nearest threshold: CN at 25%"), and the findings
(issues) its verdicts give.

The summary is built from plain rows so that it serves products (which also carry full
per-destination results) and sub-assemblies under ``--all-destinations`` (which carry only
this summary).

>>> s = summarize([(["CN"], 0.25, 0.18, "not-subject", 90.0, False),
...                (["DE", "FR"], 0.25, 0.0, "not-subject", 100.0, False),
...                (["IR"], 0.10, 0.18, "subject", -8.0, False)])
>>> s["subject_for"], s["not_subject_count"], s["nearest"]["countries"], s["nearest"]["margin"]
(['IR'], 3, ['CN'], 0.07)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from bomtrace.analysis.context import Context
from bomtrace.analysis.grid import NOT_SUBJECT, SUBJECT, UNDETERMINED, VERDICTS, Grid
from bomtrace.analysis.results import percent
from bomtrace.analysis.schema import round_money, round_ratio
from bomtrace.analysis.verdict_evidence import unresolved_lists
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rules.model import Destination

#: one destination a product's result shows, for its findings: (countries it stands for,
#: verdict, ratio, high bound, threshold, the first part that would settle it)
#: (countries, verdict, low ratio, high ratio, threshold, part to settle first, basis)
Cell = tuple[list[str], str, float | None, float | None, float, str | None, str]


def finding_cells(
    ctx: Context, r: int, row: int, shown: list[tuple[Destination, int, list[str]]]
) -> list[Cell]:
    """The cells of product ``r`` (explosion ``row``) its findings speak of, one per
    destination shown (destination, class, the other countries it stands for)."""
    g, track = ctx.grid, str(ctx.vals.track[r])
    out: list[Cell] = []
    for d, k, same in shown:
        lo, hi = float(g.lo[r, k]), float(g.hi[r, k])
        lead = None
        if g.verdict[r, k] == UNDETERMINED:
            rows = unresolved_lists(ctx, track, k, d.threshold)[row]
            lead = rows[0]["part_number"] if rows else None
        low, high = None if lo != lo else lo, None if hi != hi else hi
        basis = ctx.basis(r, k)
        out.append(
            ([d.code, *same], VERDICTS[g.verdict[r, k]], low, high, d.threshold, lead, basis)
        )
    return out


def _why_subject(country: str, cell: Cell, ratio_only: bool) -> str:
    """Why a destination is subject: the ratio over the threshold, or no de minimis level."""
    if cell[6] == "zero-de-minimis":  # 734.4(a): subject whatever the share
        return f"{country} (no de minimis level, 15 CFR 734.4(a): subject whatever the share)"
    if cell[6] == "us-origin":
        return f"{country} (US-origin item, 15 CFR 734.3(a)(2))"
    by = "" if ratio_only else "by de minimis: "
    return f"{country} ({by}{percent(cell[2])} > {cell[4]:.0%})"


def product_findings(sink: IssueLog, pn: str, pos: dict[str, Any], cells: list[Cell]) -> None:
    """One finding per product: where it is subject, and where the data leaves it open."""

    def each(verdict: str) -> list[tuple[str, Cell]]:
        # every destination, also those an entry stands for (same_for, --all-destinations)
        got = [(c, cell) for cell in cells if cell[1] == verdict for c in cell[0]]
        return sorted(got, key=lambda x: x[0]) if any(len(x[1][0]) > 1 for x in got) else got

    subject, open_ = each("subject"), each("undetermined")
    if subject and sink.over(IssueCode.DE_MINIMIS_EXCEEDED):
        sink.tally(IssueCode.DE_MINIMIS_EXCEEDED)
    elif subject:
        ratio_only = all(x[6] == "de-minimis" for _, x in subject)
        shown = ", ".join(_why_subject(c, x, ratio_only) for c, x in subject[:8])
        more = f" and {len(subject) - 8} more" if len(subject) > 8 else ""
        by = " by de minimis" if ratio_only else ""
        sink.add(
            IssueCode.DE_MINIMIS_EXCEEDED,
            f"Product {pn} is subject to the EAR{by} for {shown}{more}.",
            part_number=pn,
            data={"countries": [c for c, _ in subject]},
            **pos,
        )
    if open_ and sink.over(IssueCode.VERDICT_UNDETERMINED):
        sink.tally(IssueCode.VERDICT_UNDETERMINED)
    elif open_:
        code, first = open_[0]
        lead = first[5]
        where = f"{', '.join(c for c, _ in open_[:12])}{' and more' if len(open_) > 12 else ''}"
        why = (
            f"the ratio lies between {percent(first[2])} and {percent(first[3])} for {code} "
            "because data is missing"
            + (f" (classify {lead} first; see bounds.unresolved_parts)." if lead else ".")
            if first[2] is not None
            else "the ratio cannot be computed: the product's value (its selling price, or "
            "else the rolled-up cost of its parts) is 0 or unknown. Give its selling price "
            "or its parts' unit costs."
        )
        sink.add(
            IssueCode.VERDICT_UNDETERMINED,
            f"Product {pn} may be subject to the EAR for {where}: {why}",
            part_number=pn,
            data={"countries": [c for c, _ in open_]},
            **pos,
        )


def us_origin_finding(
    sink: IssueLog, pn: str, origin: dict[str, Any] | None, pos: dict[str, Any]
) -> None:
    """The finding of a US-origin product: subject to the EAR wherever it is."""
    if sink.over(IssueCode.US_ORIGIN):
        sink.tally(IssueCode.US_ORIGIN)
        return
    how = (
        "--made-in US"
        if (origin or {}).get("source") == "made-in-option"
        else "its country of origin is US"
    )
    sink.add(
        IssueCode.US_ORIGIN,
        f"Product {pn} is a US-origin item ({how}): it is subject to the EAR wherever it is "
        "(15 CFR 734.3(a)(2)). De minimis applies only to foreign-made items; its ratios are "
        "shown for information only.",
        part_number=pn,
        **pos,
    )


def class_members(dests: list[Destination], dest_class: list[int], k: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in range(k)]
    for d, c in zip(dests, dest_class, strict=True):
        out[c].append(d.code)
    return out


def item_summary(
    grid: Grid, ctx: Context, v: int, members: list[list[str]], reps: list[Destination]
) -> dict[str, Any]:
    """The summary of one node over every destination (:func:`item_summaries` of one)."""
    return item_summaries(grid, ctx, np.array([v]), members, reps)[0]


def item_summaries(
    grid: Grid,
    ctx: Context,
    nodes: np.ndarray,
    members: list[list[str]],
    reps: list[Destination],
) -> list[dict[str, Any]]:
    """:func:`~bomtrace.analysis.summaries.summarize` of many nodes at once.

    The per-class tests run on arrays; the country lists are built once per distinct pattern
    of verdicts (most nodes share a handful), so tens of thousands of sub-assemblies under
    ``--all-destinations`` cost what a few do.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    k = np.array([c for c, m in enumerate(members) if m], dtype=np.int64)
    sizes = np.array([len(members[c]) for c in k], dtype=np.int64)
    thr = np.array([reps[c].threshold for c in k], dtype=float)
    verdict = grid.verdict[np.ix_(nodes, k)]
    lo = grid.lo[np.ix_(nodes, k)]
    zero = grid.zero_lo[np.ix_(nodes, k)].astype(bool)
    has = ~np.isnan(lo)
    free = (verdict == NOT_SUBJECT) & has
    over = (verdict == SUBJECT) & ~zero & has
    pool = np.where(free.any(axis=1)[:, None], free, over)
    pool &= ~ctx.us_origin(nodes)[:, None]  # a US-origin item has no threshold to be near
    dist = np.where(pool, np.abs(thr - np.nan_to_num(lo)), np.inf)
    best = dist.min(axis=1, initial=np.inf)
    with np.errstate(invalid="ignore"):  # inf - inf outside the pool
        near = pool & (np.abs(dist - best[:, None]) < 1e-12)
    first = near.argmax(axis=1)
    den = ctx.den[nodes]
    rows = np.arange(len(nodes))
    f_thr, f_lo = thr[first], lo[rows, first]
    f_head = np.where(den > 0, f_thr * den - grid.num_lo[nodes, k[first]], np.nan)
    not_subject = ((verdict == NOT_SUBJECT) * sizes).sum(axis=1).tolist()

    def codes(mask: np.ndarray) -> list[str]:
        return sorted(c for j in np.flatnonzero(mask).tolist() for c in members[int(k[j])])

    lists: dict[bytes, tuple[list[str], list[str], list[str]]] = {}
    nears: dict[bytes, list[str]] = {}
    out = []
    for i in range(len(nodes)):
        key = verdict[i].tobytes() + zero[i].tobytes()
        got = lists.get(key)
        if got is None:
            got = lists[key] = (
                codes(verdict[i] == SUBJECT),
                codes(verdict[i] == UNDETERMINED),
                codes(zero[i]),
            )
        nearest = None
        if pool[i].any():
            nk = near[i].tobytes()
            countries = nears.get(nk)
            if countries is None:
                countries = nears[nk] = codes(near[i])
            t, r = float(f_thr[i]), float(f_lo[i])
            nearest = {
                "countries": list(countries),
                "threshold": t,
                "ratio": round_ratio(r),
                "margin": round_ratio(t - r),
                "headroom": round_money(f_head[i]),
            }
        out.append(
            {
                "subject_for": list(got[0]),
                "undetermined_for": list(got[1]),
                "not_subject_count": not_subject[i],
                "zero_de_minimis_for": list(got[2]),
                "nearest": nearest,
            }
        )
    return out


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
