"""One :class:`DestinationResult`: numbers from the grid, and, for products, the evidence from
the product's explosion (top contributors, the parts that would settle an undetermined verdict,
the parts behind a 734.4(a) hit)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bomtrace.analysis.grid import VERDICTS, Grid
from bomtrace.analysis.ranking import Rankings
from bomtrace.analysis.result import (
    Contributor,
    DestinationResult,
    ScenarioOutcome,
    Verdict,
    rounded,
    text,
)
from bomtrace.analysis.values import NodeValues
from bomtrace.graph.model import BomGraph
from bomtrace.rules.model import Destination, Scenario
from bomtrace.rules.zero import ZeroDeMinimis


@dataclass
class Context:
    """What every destination result of one analysis needs."""

    graph: BomGraph
    vals: NodeValues
    grid: Grid
    alt: Grid | None
    den: np.ndarray
    rules: list[ZeroDeMinimis]  #: the ruleset's 734.4(a) categories in force, in order
    top: int
    end_user: str | None
    technology_note: str
    #: evidence per (node, class): contributors, unresolved parts, zero-de-minimis hits
    evidence: dict[tuple[int, int], tuple[list[Any], list[Any], list[Any]]] = field(
        default_factory=dict
    )
    #: per (track, class): node masks that let most products skip the evidence scans
    masks: dict[tuple[str, int], NodeMasks] = field(default_factory=dict)
    #: every product's parts ranked for the evidence (over the products' explosion matrix)
    rankings: Rankings | None = None

    def node_masks(self, track: str, k: int) -> NodeMasks:
        """Node-level masks for one track and class, computed on first use."""
        key = (track, k)
        got = self.masks.get(key)
        if got is None:
            got = self.masks[key] = NodeMasks.of(self, track, k)
        return got


@dataclass
class NodeMasks:
    """Which nodes can ever appear in a product's evidence for one track and class."""

    open_: np.ndarray  #: bool, unpriced-and-possibly-controlled, or bounds apart
    first: np.ndarray  #: bool, an unpriced part that may be controlled (listed first)
    zero: bool  #: some node hits a 734.4(a) category (certain or possible)

    @classmethod
    def of(cls, ctx: Context, track: str, k: int) -> NodeMasks:
        vals, graph = ctx.vals, ctx.graph
        lo, hi = vals.own_low[track][:, k], vals.own_high[track][:, k]
        first = graph.is_leaf & np.isnan(graph.num_attr("unit_cost")) & (vals.status[:, k] >= 1)
        zero = any(
            a.size and bool((a[:, k] > 0).any())
            for a in (vals.zero_own[track], vals.zero_own_high[track])
        )
        return cls(first | (hi - lo > 0), first, zero)


@dataclass
class Explosion:
    """One product's explosion row: node ids and extended quantities (row ``row`` of the
    matrix behind ``Context.rankings``)."""

    idx: np.ndarray
    qty: np.ndarray
    row: int


def matches_end_user(end_user: str, patterns: tuple[str, ...]) -> bool:
    """Case-insensitive substring match of the end user against scenario patterns."""
    e = end_user.casefold()
    return any(p.casefold() in e for p in patterns)


def _f(x: float) -> float | None:
    """A number, None for NaN (plain float arithmetic: no numpy call per cell)."""
    v = float(x)
    return None if v != v else v


def destination_result(
    ctx: Context,
    v: int,
    d: Destination,
    k: int,
    scenarios: list[Scenario],
    row: Explosion | None,
) -> DestinationResult:
    """The result of node ``v`` for destination ``d`` (class ``k``)."""
    g, den = ctx.grid, float(ctx.den[v])
    lo, hi = _f(g.lo[v, k]), _f(g.hi[v, k])
    verdict: Verdict = VERDICTS[g.verdict[v, k]]  # type: ignore[assignment]
    track = str(ctx.vals.track[v])
    num_lo = float(g.num_lo[v, k])
    out = DestinationResult(
        country=d.code,
        name=d.name,
        groups=sorted(d.groups),
        threshold=d.threshold,
        threshold_source=d.threshold_source,
        controlled_us_value=num_lo,
        ratio=lo,
        verdict=verdict,
        headroom=(d.threshold * den - num_lo) if den > 0 else None,
        bounds_low=lo,
        bounds_high=hi,
        track=track,
    )
    if track == "technology":
        out.notes.append(ctx.technology_note)
    if ctx.alt is not None:
        out.second_incorporation = _both_ratios(ctx, v, k, lo, verdict)
    if row is not None:
        if (v, k) not in ctx.evidence:
            _evidence(ctx, v, k, track, den, out, row)
            ctx.evidence[v, k] = (out.top_contributors, out.unresolved, out.zero_de_minimis)
        contrib, unresolved, zero = ctx.evidence[v, k]
        out.top_contributors, out.unresolved = list(contrib), list(unresolved)
        out.zero_de_minimis = list(zero)
    elif g.zero_lo[v, k] or g.zero_hi[v, k]:
        out.zero_de_minimis = _item_hits(ctx, v, k, None) or [
            {"status": "applies" if g.zero_lo[v, k] else "possible", "part_number": None}
        ]
    for s in scenarios:
        out.scenarios.append(_scenario(ctx, v, d, s, lo, hi, num_lo, float(g.num_hi[v, k]), out))
    return out


def _both_ratios(
    ctx: Context, v: int, k: int, lo: float | None, verdict: str
) -> dict[str, Any] | None:
    """Both ratios (with and without the second-incorporation cut) when they differ."""
    assert ctx.alt is not None  # noqa: S101 - only called with an alternative grid
    a_lo = _f(ctx.alt.lo[v, k])
    a_verdict = VERDICTS[ctx.alt.verdict[v, k]]
    if a_verdict == verdict and (
        (a_lo is None and lo is None)
        or (a_lo is not None and lo is not None and abs(a_lo - lo) <= 1e-12)
    ):
        return None
    on = ctx.vals.cut_applied
    cut, full = (lo, a_lo) if on else (a_lo, lo)
    v_cut, v_full = (verdict, a_verdict) if on else (a_verdict, verdict)
    num = float(ctx.grid.num_lo[v, k]), float(ctx.alt.num_lo[v, k])
    return {
        "applied": on,
        "ratio_with_cut": None if cut is None else round(cut, 6),
        "ratio_without_cut": None if full is None else round(full, 6),
        "controlled_us_value_with_cut": round(num[0] if on else num[1], 4),
        "controlled_us_value_without_cut": round(num[1] if on else num[0], 4),
        "verdict_with_cut": v_cut,
        "verdict_without_cut": v_full,
        "flips": v_cut != v_full,
    }


def _scenario(
    ctx: Context,
    v: int,
    d: Destination,
    s: Scenario,
    lo: float | None,
    hi: float | None,
    num_lo: float,
    num_hi: float,
    out: DestinationResult,
) -> ScenarioOutcome:
    from bomtrace.analysis.deminimis import verdict_of

    den = float(ctx.den[v])
    thr, applies = d.threshold, False
    if (
        s.threshold
        and d.code in s.threshold.destinations
        and (
            not ctx.end_user
            or not s.threshold.end_user_patterns
            or matches_end_user(ctx.end_user, s.threshold.end_user_patterns)
        )
    ):
        thr, applies = s.threshold.value, True
    add = 0.0
    if "us_tech_value" in s.numerator_add:
        add += float(ctx.vals.us_tech[v])
        applies = True
    s_lo = (num_lo + add) / den if den > 0 else None
    s_hi = None if hi is None else max(hi, (num_hi + add) / den)
    sv = verdict_of(s_lo, s_hi, thr)
    if out.zero_de_minimis and any(z.get("status") == "applies" for z in out.zero_de_minimis):
        sv = "subject"
    return ScenarioOutcome(s.name, applies, thr, num_lo + add, s_lo, sv, sv != out.verdict)


def _reason(ctx: Context, m: int, k: int) -> str:
    vals = ctx.vals
    if not np.isnan(vals.declared[m]):
        return f"supplier declaration: {vals.declared[m]:.2%} controlled US content"
    key = vals.keys[m]
    return vals.decisions[k][key].reason if key is not None else "-"


def _evidence(
    ctx: Context, v: int, k: int, track: str, den: float, out: DestinationResult, row: Explosion
) -> None:
    masks = ctx.node_masks(track, k)
    out.top_contributors = list(_top_lists(ctx, _ranked(ctx), track, k)[row.row])
    out.unresolved = unresolved_parts(ctx, row, k, track, den, out)
    out.zero_de_minimis = (_zero_parts(ctx, row.idx, k, track) if masks.zero else []) + (
        _item_hits(ctx, v, k, row)
    )


def _ranked(ctx: Context) -> Rankings:
    """The rankings over the products' explosion matrix (set before any product's evidence)."""
    assert ctx.rankings is not None  # noqa: S101 - analyze_graph sets it with the explosion
    return ctx.rankings


def _top_lists(ctx: Context, ranked: Rankings, track: str, k: int) -> list[list[Contributor]]:
    """Every row's top contributors for one track and class, built in one pass."""
    key = ("top", track, k)
    got = ranked.lists.get(key)
    if got is not None:
        return got
    t, graph = ranked.matrix, ctx.graph
    r = ranked.contributors(key, ctx.vals.own_low[track][:, k])
    kept, ends = r.head(ctx.top)
    pos, value = r.pos[kept], r.value[kept]
    m = t.indices[pos]
    assert ranked.dens is not None  # noqa: S101 - set wherever rankings are made
    dens = ranked.dens[ranked.rows[pos]]
    eccn, desc = graph.attr("eccn"), graph.attr("description")
    qty = t.data[pos]
    share = _shares(value, dens)
    parts: dict[int, tuple[str, str | None, Any, str]] = {}  # node -> its fields, made once
    items = []
    for mm, q, c, sh, out in zip(
        m.tolist(),
        qty.tolist(),
        value.tolist(),
        share.tolist(),
        zip(rounded(qty, 6), rounded(value, 4), rounded(share, 6), strict=True),
        strict=True,
    ):
        p = parts.get(mm)
        if p is None:
            p = parts[mm] = (
                str(graph.part_numbers[mm]), text(desc[mm]), eccn[mm], _reason(ctx, mm, k)
            )  # fmt: skip
        items.append(Contributor(p[0], p[1], q, c, p[2], p[3], sh if sh == sh else None, out))
    got = ranked.lists[key] = [items[a:b] for a, b in itertools.pairwise(ends)]
    return got


def unresolved_parts(
    ctx: Context,
    row: Explosion,
    k: int,
    track: str,
    den: float,
    out: DestinationResult,
) -> list[dict[str, Any]]:
    """Parts whose missing data keeps the bounds apart, the ones that move the ratio most first.

    Unpriced parts that may be controlled come first (their value is unknown), then the
    others by how far they move the ratio. ``could_make_subject``: the part alone, if it
    turned out controlled, would push the ratio over the threshold. ``clears_with`` (on the
    first part): how many of the listed parts must turn out not controlled for the verdict
    to become not-subject (None: more than listed).

    Every product's list for one track and class is built in one pass
    (:func:`_unresolved_lists`); this takes the product's row and settles ``clears_with``.
    """
    rows = _unresolved_lists(ctx, track, k, out.threshold)[row.row]
    if rows and out.verdict == "undetermined" and out.bounds_high is not None and den > 0:
        excess, need = out.bounds_high - out.threshold, None
        for i, r in enumerate(rows, start=1):
            if r["share"] is None:
                break
            excess -= r["share"]
            if excess <= 1e-12:
                need = i
                break
        rows = [{**rows[0], "clears_with": need}, *rows[1:]]
    return rows


def _unresolved_lists(
    ctx: Context, track: str, k: int, threshold: float
) -> list[list[dict[str, Any]]]:
    """Every row's unresolved parts for one track and class (without ``clears_with``)."""
    ranked = _ranked(ctx)
    key = ("open", track, k)
    got = ranked.lists.get(key)
    if got is not None:
        return got
    vals, graph, t = ctx.vals, ctx.graph, ranked.matrix
    masks = ctx.node_masks(track, k)
    r = ranked.unresolved(
        key, vals.own_low[track][:, k], vals.own_high[track][:, k], masks.open_, masks.first
    )
    kept, ends = r.head(max(ctx.top, 1))
    pos, first = r.pos[kept], r.flag[kept]
    m = t.indices[pos]
    assert ranked.dens is not None and ranked.low is not None  # noqa: S101 - set with rankings
    row_of = ranked.rows[pos]
    dens = ranked.dens[row_of]
    value_out = [
        None if f else v for v, f in zip(rounded(r.value[kept], 4), first.tolist(), strict=True)
    ]
    share = _shares(np.array(value_out, dtype=float), dens)  # NaN for unpriced parts
    lo = np.nan_to_num(ranked.low[row_of, k], nan=0.0)
    could = np.isnan(share) | (lo + np.nan_to_num(share) > threshold + 1e-12)
    eccn = graph.attr("eccn")
    reasons: dict[int, str] = {}
    items = []
    for mm, pn, e, f, v, sh, c in zip(
        m.tolist(),
        graph.part_numbers[m].tolist(),
        eccn[m].tolist(),
        first.tolist(),
        value_out,
        rounded(share, 6),
        could.tolist(),
        strict=True,
    ):
        why = "price missing" if f else reasons.get(mm)
        if why is None:
            why = reasons[mm] = _open_reason(ctx, mm, k)
        items.append(
            {
                "part_number": str(pn),
                "value": v,
                "share": sh,
                "why": why,
                "eccn": e,
                "could_make_subject": bool(c),
            }
        )
    got = ranked.lists[key] = [items[a:b] for a, b in itertools.pairwise(ends)]
    return got


def _shares(value: np.ndarray, dens: np.ndarray) -> np.ndarray:
    """``value / den`` per entry; NaN where the denominator is not positive (no share)."""
    with np.errstate(all="ignore"):
        return np.where(dens > 0, value / np.where(dens > 0, dens, 1.0), np.nan)


def _open_reason(ctx: Context, m: int, k: int) -> str:
    vals = ctx.vals
    if vals.unknown_origin[m]:
        return "origin unknown"
    key = vals.keys[m]
    why = vals.decisions[k][key].reason if key is not None else "?"
    return f"classification open: {why}"


def _category(ctx: Context, num: int) -> ZeroDeMinimis:
    return ctx.rules[num - 1]


def _zero_parts(ctx: Context, idx: np.ndarray, k: int, track: str) -> list[dict[str, Any]]:
    vals, graph = ctx.vals, ctx.graph
    eccn = graph.attr("eccn")
    found: list[dict[str, Any]] = []
    for arr, status in ((vals.zero_own[track], "applies"), (vals.zero_own_high[track], "possible")):
        if not arr.size:
            continue
        for m in idx[arr[idx, k] > 0][:20]:
            z = _category(ctx, int(arr[m, k]))
            found.append(_hit(z, status, str(graph.part_numbers[m]), eccn[m]))
    return found


def _hit(z: ZeroDeMinimis, status: str, part: str | None, eccn: object) -> dict[str, Any]:
    return {
        "id": z.id,
        "paragraph": z.paragraph,
        "title": z.title,
        "status": status,
        "part_number": part,
        "eccn": eccn,
        "condition": z.condition,
        "unsure": z.unsure,
    }


def _item_hits(ctx: Context, v: int, k: int, row: Explosion | None) -> list[dict[str, Any]]:
    """Hits of categories that name the foreign-made item itself (734.4(a)(8), (a)(9))."""
    codes = ctx.grid.item_zero[v, k].tolist()
    if not any(codes):
        return []
    eccn = ctx.graph.attr("eccn")
    out = []
    for c, code in enumerate(codes):
        if not code:
            continue
        z = ctx.vals.item_rules[c]
        status = "applies" if code == 2 else "possible"
        parts: list[int | None] = []
        if row is not None:
            parts = [int(m) for m in row.idx[ctx.vals.item_own[row.idx, c] > 0][:5]]
        for m in parts or [None]:
            hit = _hit(
                z,
                status,
                None if m is None else str(ctx.graph.part_numbers[m]),
                None if m is None else eccn[m],
            )
            hit["item_eccn"] = eccn[v]
            out.append(hit)
    return out
