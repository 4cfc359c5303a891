"""Result objects made from the grid: an item's :class:`ProductResult` (:func:`node_result`)
and its :class:`DestinationResult` for one destination (:func:`destination_result`), with, for
products, the evidence from the product's explosion (:mod:`bomtrace.analysis.verdict_evidence`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.bulk import Coded, Const, Frame
from bomtrace.analysis.context import Context, Explosion
from bomtrace.analysis.grid import VERDICTS, verdict_of
from bomtrace.analysis.results import DestinationResult, ProductResult, ScenarioOutcome, Verdict
from bomtrace.analysis.schema import text, texts
from bomtrace.analysis.verdict_evidence import fill_evidence, item_hits
from bomtrace.rules.model import Destination, Scenario


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
    basis = ctx.basis(v, k)
    out = DestinationResult(
        country=d.code,
        name=d.name,
        groups=sorted(d.groups),
        threshold=d.threshold,
        threshold_source=d.threshold_source,
        controlled_us_value=num_lo,
        ratio=lo,
        verdict=verdict,
        headroom=_f(ctx.headroom(v, k, d.threshold)),
        bounds_low=lo,
        bounds_high=hi,
        track=track,
        basis=basis,
    )
    if ctx.limits is not None:
        out.limits = ctx.limits.ids(v, d.code)
    if track == "technology":
        out.notes.append(ctx.technology_note)
    if ctx.alt is not None:
        out.second_incorporation = _both_ratios(ctx, v, k, lo, verdict)
    if row is not None:
        if (v, k) not in ctx.evidence:
            fill_evidence(ctx, v, k, track, den, out, row)
            ctx.evidence[v, k] = (out.top_contributors, out.unresolved, out.zero_de_minimis)
        contrib, unresolved, zero = ctx.evidence[v, k]
        out.top_contributors, out.unresolved = list(contrib), list(unresolved)
        out.zero_de_minimis = list(zero)
    elif g.zero_lo[v, k] or g.zero_hi[v, k]:
        out.zero_de_minimis = item_hits(ctx, v, k, None) or [
            {"status": "applies" if g.zero_lo[v, k] else "possible", "part_number": None}
        ]
    if ctx.limits is not None and out.zero_de_minimis:
        out.limits = ctx.limits.with_hits(out.limits, out.zero_de_minimis)
    for s in scenarios:
        out.scenarios.append(_scenario(ctx, v, d, s, lo, hi, num_lo, float(g.num_hi[v, k]), out))
    return out


def product_cells_in_full(
    ctx: Context, v: np.ndarray, rows: list[int], scenarios: bool
) -> np.ndarray:
    """Products ``v`` (explosion ``rows``) × classes whose cells need more than the grid's
    numbers and the shared evidence lists, and are built in full by
    :func:`destination_result`: under a scenario, on the technology track, with a 734.4(a)
    hit in the product or its explosion, or with a second-incorporation difference."""
    g, vals = ctx.grid, ctx.vals
    n_classes = g.verdict.shape[1]
    full = np.zeros((len(v), n_classes), dtype=bool)
    if scenarios:
        full[:] = True
        return full
    full |= (vals.track[v] == "technology")[:, None]
    if g.item_zero.shape[2]:
        full |= g.item_zero[v].any(axis=2)
    ranked = ctx.rankings
    assert ranked is not None  # noqa: S101 - set with the explosion
    t = ranked.matrix
    at = np.array(rows, dtype=np.int64)
    for k in range(n_classes):
        for track in np.unique(vals.track[v]).tolist():
            if not ctx.node_masks(str(track), k).zero:
                continue
            # products whose explosion holds a part hitting a 734.4(a) category
            hit = np.zeros(t.shape[1], dtype=bool)
            for arr in (vals.zero_own[track], vals.zero_own_high[track]):
                if arr.size:
                    hit |= arr[:, k] > 0
            count = np.bincount(ranked.rows, weights=hit[t.indices], minlength=t.shape[0])
            holds = count[at] > 0
            full[(vals.track[v] == track) & holds, k] = True
    return full | ratios_differ(ctx, v)


def ratios_differ(ctx: Context, nodes: np.ndarray) -> np.ndarray:
    """Nodes × classes where the ratio or verdict without the second-incorporation cut
    differs from the one with it (all False without an alternative grid): the cells whose
    result carries both (:func:`_both_ratios`)."""
    g, alt = ctx.grid, ctx.alt
    if alt is None:
        return np.zeros((len(nodes), g.verdict.shape[1]), dtype=bool)
    return np.asarray(
        (alt.verdict[nodes] != g.verdict[nodes])
        | ~np.isclose(alt.lo[nodes], g.lo[nodes], rtol=0, atol=1e-12, equal_nan=True)
    )


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
    if out.basis == "us-origin" or (
        out.zero_de_minimis and any(z.get("status") == "applies" for z in out.zero_de_minimis)
    ):
        sv = "subject"
    return ScenarioOutcome(s.name, applies, thr, num_lo + add, s_lo, sv, sv != out.verdict)


#: what an item's de minimis denominator is, by :func:`denominator_codes`
DENOMINATOR_BASES = ("rolled_up_cost", "selling_price")


def denominator_codes(price: np.ndarray) -> np.ndarray:
    """Per item, the index in :data:`DENOMINATOR_BASES` of its de minimis denominator: its
    selling price when it has one, else its rolled-up cost."""
    return (price > 0).astype(np.int8)


def item_columns(
    ctx: Context, v: np.ndarray, price: np.ndarray, desc: np.ndarray
) -> dict[str, Any]:
    """The columns of items ``v`` that products and sub-assemblies write alike (for
    :func:`bomtrace.analysis.bulk.entries`)."""
    vals = ctx.vals
    basis = Coded(denominator_codes(price[v]), DENOMINATOR_BASES)
    return {
        "part_number": texts(ctx.graph.part_numbers[v]),
        "description": texts(desc[v]),
        "analysed": Const(True),
        "total_cost": vals.total[v],
        "us_origin_value": vals.us[v],
        "us_tech_value": vals.us_tech[v],
        "denominator": Frame(len(v), {"basis": basis, "value": ctx.den[v]}),
        "not_analysed_reason": Const(None),
    }


def node_result(
    ctx: Context, v: int, price: np.ndarray, desc: np.ndarray, currency: str
) -> ProductResult:
    """Node ``v``'s result without destinations."""
    vals = ctx.vals
    basis = DENOMINATOR_BASES[int(denominator_codes(price[v]))]
    return ProductResult(
        str(ctx.graph.part_numbers[v]),
        text(desc[v]),
        True,
        float(vals.total[v]),
        currency,
        float(vals.us[v]),
        float(vals.us_tech[v]),
        basis,
        float(ctx.den[v]),
        track=str(vals.track[v]),
    )
