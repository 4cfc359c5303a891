"""The evidence of a product's result: top contributors, the parts that would settle an
undetermined verdict, the parts behind a 734.4(a) hit. Every product's lists for one track and
destination class are built in one pass over the explosion matrix (:mod:`ranking`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from bomtrace.analysis.bulk import Frame, entries
from bomtrace.analysis.context import Context, Explosion
from bomtrace.analysis.ranking import Rankings
from bomtrace.analysis.results import Contributor, DestinationResult
from bomtrace.analysis.schema import CONTRIBUTOR, rounded, text
from bomtrace.analysis.values import NodeValues
from bomtrace.graph.model import BomGraph
from bomtrace.rules.zero import ZeroDeMinimis


def _reason(ctx: Context, m: int, k: int) -> str:
    vals = ctx.vals
    if not np.isnan(vals.declared[m]):
        return f"supplier declaration: {vals.declared[m]:.2%} controlled US content"
    key = vals.keys[m]
    return vals.decisions[k][key].reason if key is not None else "-"


def fill_evidence(
    ctx: Context, v: int, k: int, track: str, den: float, out: DestinationResult, row: Explosion
) -> None:
    """Set ``out``'s top contributors, unresolved parts and 734.4(a) hits (product ``v``,
    class ``k``, explosion ``row``)."""
    masks = ctx.node_masks(track, k)
    out.top_contributors = top_entries(ctx, track, k).contributors(row.row)
    out.unresolved = settle(
        unresolved_lists(ctx, track, k, out.threshold)[row.row],
        out.verdict,
        out.bounds_high,
        out.threshold,
        den,
    )
    out.zero_de_minimis = (_zero_parts(ctx, row.idx, k, track) if masks.zero else []) + (
        item_hits(ctx, v, k, row)
    )


def _ranked(ctx: Context) -> Rankings:
    """The rankings over the products' explosion matrix (set before any product's evidence)."""
    assert ctx.rankings is not None  # noqa: S101 - analyze_graph sets it with the explosion
    return ctx.rankings


@dataclass
class TopEntries:
    """Every product row's top contributors for one track and class: their JSON entries
    (``Contributor.to_dict``), built in bulk, and the unrounded numbers behind them."""

    entries: list[dict[str, Any]]  #: all rows' entries, row by row
    raw: np.ndarray  #: entries × (quantity, value, share); share NaN when there is none
    ends: list[int]  #: row ``r``'s entries are ``entries[ends[r]:ends[r + 1]]``

    def row(self, r: int) -> list[dict[str, Any]]:
        """Row ``r``'s entries (shared with every result that shows them)."""
        return self.entries[self.ends[r] : self.ends[r + 1]]

    def contributors(self, r: int) -> list[Contributor]:
        """Row ``r``'s contributors as objects."""
        a, b = self.ends[r], self.ends[r + 1]
        out = []
        for e, (q, c, sh) in zip(self.entries[a:b], self.raw[a:b].tolist(), strict=True):
            out.append(
                Contributor(
                    e["part_number"],
                    e["description"],
                    q,
                    c,
                    e["eccn"],
                    e["reason"],
                    None if sh != sh else sh,
                )  # fmt: skip
            )
        return out


def top_entries(ctx: Context, track: str, k: int) -> TopEntries:
    """Every row's top contributors for one track and class, built in one pass."""
    ranked = _ranked(ctx)
    key = ("top", track, k)
    got = ranked.lists.get(key)
    if got is not None:
        return got  # type: ignore[no-any-return]
    t, graph = ranked.matrix, ctx.graph
    own = ctx.vals.own_low[track]
    every_key = ("every", track, -1)  # computed once per track, shared by its classes
    if every_key not in ranked.lists:
        ranked.lists[every_key] = _same_value_everywhere(own)
    r = ranked.contributors(key, own[:, k], ranked.lists[every_key])
    kept, ends = r.head(ctx.top)
    pos, value = r.pos[kept], r.value[kept]
    m = t.indices[pos]
    assert ranked.dens is not None  # noqa: S101 - set wherever rankings are made
    dens = ranked.dens[ranked.rows[pos]]
    eccn, desc = graph.attr("eccn"), graph.attr("description")
    qty = t.data[pos]
    share = _shares(value, dens)
    parts: dict[int, tuple[str, str | None, Any, str]] = {}  # node -> its fields, made once
    fields = []
    for mm in m.tolist():
        p = parts.get(mm)
        if p is None:
            p = parts[mm] = (
                str(graph.part_numbers[mm]), text(desc[mm]), eccn[mm], _reason(ctx, mm, k)
            )  # fmt: skip
        fields.append(p)
    pn, ds, ec, why = zip(*fields, strict=True) if fields else ((), (), (), ())
    columns = {"part_number": pn, "description": ds, "quantity": qty, "value": value,
               "eccn": ec, "reason": why, "share": share}  # fmt: skip
    written = entries(CONTRIBUTOR, Frame(len(fields), columns))
    got = TopEntries(written, np.column_stack([qty, value, share]), ends)
    ranked.lists[key] = got
    return got


def _same_value_everywhere(own: np.ndarray) -> np.ndarray | None:
    """Each part's value over the classes (nodes × classes), when every positive value of a
    part is the same in each class (one ranking then serves every class); else None."""
    if own.shape[1] < 2:
        return None
    top = own.max(axis=1)
    return top if bool(((own <= 0) | (own == top[:, None])).all()) else None


def settle(
    rows: list[dict[str, Any]], verdict: str, high: float | None, threshold: float, den: float
) -> list[dict[str, Any]]:
    """A product's unresolved parts for one destination: its row of :func:`unresolved_lists`,
    with ``clears_with`` settled on the first part when the verdict is undetermined."""
    if rows and verdict == "undetermined" and high is not None and den > 0:
        excess, need = high - threshold, None
        for i, r in enumerate(rows, start=1):
            if r["share"] is None:
                break
            excess -= r["share"]
            if excess <= 1e-12:
                need = i
                break
        return [{**rows[0], "clears_with": need}, *rows[1:]]
    return list(rows)


def unresolved_lists(
    ctx: Context, track: str, k: int, threshold: float
) -> list[list[dict[str, Any]]]:
    """Every row's unresolved parts for one track and class (without ``clears_with``), built
    in one pass: parts whose missing data keeps the bounds apart, the ones that move the
    ratio most first.

    Unpriced parts that may be controlled come first (their value is unknown), then the
    others by how far they move the ratio. ``could_make_subject``: the part alone, if it
    turned out controlled, would push the ratio over the threshold. ``clears_with`` (on the
    first part, :func:`settle`): how many of the listed parts must turn out not controlled
    for the verdict to become not-subject (None: more than listed).
    """
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


def item_hits(ctx: Context, v: int, k: int, row: Explosion | None) -> list[dict[str, Any]]:
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


def evidence_nodes(graph: BomGraph, vals: NodeValues) -> np.ndarray:
    """Nodes a product's evidence can name: contributors, parts to classify, 734.4(a) hits.

    The explosion behind contributors is confined to these (and the assemblies above them),
    so heavily shared BOMs do not pay for every product × part pair.
    """
    keep = (vals.status >= 1).any(axis=1)
    for arrays in (vals.own_low, vals.own_high, vals.zero_own, vals.zero_own_high):
        for arr in arrays.values():
            if arr.size:
                keep |= (arr != 0).any(axis=1)
    if vals.item_own.size:
        keep |= (vals.item_own > 0).any(axis=1)
    return np.asarray(keep)
