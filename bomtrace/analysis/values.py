"""Per-node value tracks: cost under an assembly-cost convention, US-origin value, US
technology value, and controlled US value (low and high bound) per destination class and per
de minimis track, with the zero-de-minimis triggers.

What is counted, and where the explosion stops (15 CFR 734 Supp. No. 2; regulatory.md 0.4):

- US-origin parts are taken *in the form received*: a US-origin sub-assembly counts as a
  whole, with its own ECCN, and the explosion stops there.
- A foreign-made sub-assembly with a supplier declaration (``us_content_pct``) contributes that
  share of its value and is not exploded.
- With second incorporation on, a foreign-made sub-assembly flagged ``discrete_product``
  carries its US content for its own verdict, but contributes nothing to the items it is built
  into (BIS advisory opinion of 14 Sep 2009). Both variants are rolled up so that reports can
  show the ratio without the cut.
- Three tracks (734.4(c)/(d) (1)-(3)): a commodity counts US commodities and bundled US
  software; software counts US software; technology counts US technology.
- Missing data never silently becomes zero: the *low* bound counts only what is known to be
  controlled; the *high* bound also counts parts of unknown origin, US parts whose ECCN (or
  paragraph, or Part 746 listing) is missing, and unpriced parts that could count.

Everything is computed per destination *class* (destinations with identical treatment), in
two roll-ups of one node × column matrix; nothing walks paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.analysis.costs import cost_values, node_issue
from bomtrace.analysis.decisions import (
    DecisionKey,
    class_decisions,
    eccn_issues,
    flags_of,
)
from bomtrace.analysis.tracks import TRACKS, content_masks, node_tracks, software_notes
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rollup import rollup
from bomtrace.rules.model import ControlDecision, Destination
from bomtrace.rules.zero import ZeroDeMinimis


@dataclass
class Variant:
    """Rolled-up content for one explosion variant (second-incorporation cut or not).

    Arrays are ``n × classes`` per track name.
    """

    low: dict[str, np.ndarray]
    high: dict[str, np.ndarray]
    unpriced: dict[str, np.ndarray]  #: count of unpriced parts that could count
    zero_low: dict[str, np.ndarray]  #: count of certain zero-de-minimis content
    zero_high: dict[str, np.ndarray]  #: count of possible zero-de-minimis content
    item_counts: np.ndarray  #: n × item-scoped categories: matching US content (low)
    item_counts_high: np.ndarray
    edge_mask: np.ndarray  #: edges followed


@dataclass
class NodeValues:
    """Rolled-up values per node, and what went into them."""

    total: np.ndarray  #: total value (cost) per unit of the node
    own_total: np.ndarray  #: the node's own contribution before roll-up
    us_tech: np.ndarray  #: US technology/patent value rolled up (no origin stop)
    is_us: np.ndarray  #: bool, origin is US
    unknown_origin: np.ndarray  #: bool, purchased part with no recognised origin
    track: np.ndarray  #: object array, each node's own track name
    tracks: tuple[str, ...]  #: tracks rolled up
    declared: np.ndarray  #: float, declared controlled US share (NaN: none) of foreign nodes
    discrete: np.ndarray  #: bool, foreign-made and flagged discrete_product
    us: np.ndarray  #: US-origin value rolled up (stopping at US parts)
    main: Variant  #: the variant in force (cut when second incorporation is on)
    alt: Variant | None  #: the other variant, when some discrete sub-assembly is built in
    cut_applied: bool  #: main is the second-incorporation cut
    own_low: dict[str, np.ndarray]  #: n × classes own (stop-node) controlled value per track
    own_high: dict[str, np.ndarray]
    zero_own: dict[str, np.ndarray]  #: n × classes int: category index + 1 (certain), else 0
    zero_own_high: dict[str, np.ndarray]  #: same, possible hits
    zero_rules: list[list[ZeroDeMinimis]]  #: per class, the categories reaching it
    item_rules: list[ZeroDeMinimis]  #: categories that also name the foreign-made item
    item_own: np.ndarray  #: n × item categories int8: own content matches (2 yes, 1 maybe)
    decisions: list[dict[DecisionKey, ControlDecision]]  #: per class
    keys: np.ndarray  #: object array, decision key per node (None: not a content node)
    #: per node, the index of its key among the decisions' keys (-1: not a content node)
    key_index: np.ndarray
    status: np.ndarray  #: n × classes int8: 2 controlled, 1 possible/unknown, 0 not
    notes: list[str] = field(default_factory=list)


def node_origins(graph: BomGraph) -> tuple[np.ndarray, np.ndarray]:
    """(is_us, unknown_origin) masks; unknown only for purchased parts (leaves). Computed
    once per graph (the de minimis values and the FDPR both need them); read-only."""

    return graph.derived(_node_origins)


def _node_origins(graph: BomGraph) -> tuple[np.ndarray, np.ndarray]:
    iso = graph.origin_iso()
    is_us = iso == "US"
    unknown = graph.is_leaf & ~graph.has_origin_iso()
    is_us.flags.writeable = unknown.flags.writeable = False
    return is_us, unknown


def _zero_hits(
    graph: BomGraph,
    ruleset: Any,
    reps: list[Destination],
    content_nodes: np.ndarray,
    is_us: np.ndarray,
    unknown: np.ndarray,
) -> tuple[list[list[ZeroDeMinimis]], list[ZeroDeMinimis], dict[str, tuple[Any, Any]]]:
    """Per class, the categories reaching it; item-scoped categories; per-category matches."""
    rules = ruleset.zero_de_minimis()
    per_class = [[z for z in rules if z.reaches(d)] for d in reps]
    content = np.flatnonzero(content_nodes)
    all_codes, distinct = graph.codes("eccn")  # -1 (no ECCN) picks the last entry
    codes = all_codes[content]
    us = is_us[content]
    matches: dict[str, tuple[Any, Any]] = {}
    for z in rules:
        # matched once per distinct ECCN; "yes" on a part not of US origin is only "maybe"
        m = np.array([z.content.match(e) for e in distinct] + [z.content.match(None)])[codes]
        yes = np.zeros(graph.n_nodes, dtype=bool)
        maybe = np.zeros(graph.n_nodes, dtype=bool)
        yes[content] = (m == "yes") & us
        maybe[content] = (m != "no") & ~yes[content]
        if z.condition:
            yes, maybe = np.zeros_like(yes), yes | maybe
        matches[z.id] = (yes, maybe & (is_us | unknown))
    item_rules = [z for z in rules if z.item is not None]
    return per_class, item_rules, matches


def compute_values(
    graph: BomGraph,
    ruleset: Any,
    reps: list[Destination],
    convention: str,
    sink: IssueLog,
    *,
    second_incorporation: bool = True,
    made_in: str | None = None,
) -> NodeValues:
    """All value tracks for every node and destination class."""
    total, own_total = cost_values(graph, convention, sink)
    is_us, unknown = node_origins(graph)
    track = node_tracks(graph, sink)
    bundled = flags_of(graph, "bundled")
    pct = graph.num_attr("us_content_pct")
    declared = np.where(~is_us & ~np.isnan(pct), pct, np.nan)
    for v in np.flatnonzero(is_us & ~np.isnan(pct)):
        node_issue(
            graph,
            sink,
            int(v),
            IssueCode.DECLARATION_IGNORED,
            f"{graph.part_numbers[v]} is US-origin: it counts as a whole by its own ECCN, so its "
            "declared US content share is not used.",
            "us_content_pct",
        )
    has_decl = ~np.isnan(declared)
    discrete = ~is_us & (flags_of(graph, "discrete_product") == True)  # noqa: E712
    content = (is_us | unknown) & ~has_decl
    keys, decisions, status, key_index = class_decisions(graph, ruleset, reps, content, made_in)
    # column-major, and so everything made from it: the per-class columns below are rolled
    # up and ranked one by one, and a column is then contiguous
    status = np.asfortranarray(status)
    eccn_issues(graph, sink, keys, decisions, is_us)
    masks = content_masks(track, bundled)
    software_notes(graph, sink, track, bundled, is_us)
    roots_tracks = {str(track[r]) for r in graph.roots}
    cand = ~graph.is_leaf & ~is_us
    tracks = tuple(
        t for t in TRACKS if t in roots_tracks | {str(x) for x in pd.unique(track[cand])}
    )
    base = np.nan_to_num(total, nan=0.0)
    k = len(reps)
    low_m = (status == 2) & is_us[:, None]
    high_m = status >= 1
    zero_rules, item_rules, matches = _zero_hits(graph, ruleset, reps, content, is_us, unknown)
    own_low: dict[str, np.ndarray] = {}
    own_high: dict[str, np.ndarray] = {}
    zero_own: dict[str, np.ndarray] = {}
    zero_own_high: dict[str, np.ndarray] = {}
    unpriced_leaf = graph.is_leaf & np.isnan(graph.num_attr("unit_cost"))
    cols: list[np.ndarray] = []
    for t in tracks:
        m = masks[t][:, None]
        decl = np.where(has_decl & masks[t], base * np.nan_to_num(declared), 0.0)[:, None]
        own_low[t] = base[:, None] * (low_m & m) + decl
        own_high[t] = base[:, None] * (high_m & m) + decl
        # column-major: each class's column is filled alone, and read so below
        zo = np.zeros((graph.n_nodes, k), dtype=np.int16, order="F")
        zh = np.zeros((graph.n_nodes, k), dtype=np.int16, order="F")
        for j, rules in enumerate(zero_rules):
            for z in rules:
                if z.item is not None or not z.on_track(t):
                    continue
                num = z_index(ruleset, z) + 1
                yes, maybe = matches[z.id]
                zo[:, j] = np.where((zo[:, j] == 0) & yes & masks[t], num, zo[:, j])
                zh[:, j] = np.where((zh[:, j] == 0) & maybe & masks[t], num, zh[:, j])
        zero_own[t], zero_own_high[t] = zo, zh
        cols += [
            own_low[t],
            own_high[t],
            unpriced_leaf[:, None] & high_m & m,
            zo > 0,
            zh > 0,
        ]
    item_own = np.zeros((graph.n_nodes, len(item_rules)), dtype=np.int8)
    for c, z in enumerate(item_rules):
        yes, maybe = matches[z.id]
        on = masks[z.track] if z.track in masks else np.ones(graph.n_nodes, dtype=bool)
        yes, maybe = yes & on, maybe & on
        item_own[:, c] = np.where(yes, 2, np.where(maybe, 1, 0))
        cols += [yes[:, None], (yes | maybe)[:, None]]
    matrix = _distinct_columns(graph.n_nodes, cols)
    stop = ~(is_us | has_decl)[graph.parent]
    cut = stop & ~discrete[graph.child]
    has_discrete = bool(discrete[graph.child].any())
    use_cut = second_incorporation and has_discrete
    main = _variant(graph, matrix, tracks, k, len(item_rules), cut if use_cut else stop)
    alt = None
    if has_discrete:
        alt = _variant(graph, matrix, tracks, k, len(item_rules), stop if use_cut else cut)
    plain = rollup(graph, np.nan_to_num(graph.num_attr("us_tech_value"), nan=0.0))
    us = rollup(graph, base * is_us, edge_mask=stop)
    return NodeValues(
        total=total,
        own_total=own_total,
        us_tech=plain,
        is_us=is_us,
        unknown_origin=unknown,
        track=track,
        tracks=tracks,
        declared=declared,
        discrete=discrete,
        us=us,
        main=main,
        alt=alt,
        cut_applied=use_cut,
        own_low=own_low,
        own_high=own_high,
        zero_own=zero_own,
        zero_own_high=zero_own_high,
        zero_rules=zero_rules,
        item_rules=item_rules,
        item_own=item_own,
        decisions=decisions,
        keys=keys,
        key_index=key_index,
        status=status,
    )


def z_index(ruleset: Any, z: ZeroDeMinimis) -> int:
    """Position of a category among the ruleset's categories in force."""
    return [x.id for x in ruleset.zero_de_minimis()].index(z.id)


@dataclass
class Columns:
    """Node × column blocks side by side, as their distinct non-zero columns (``distinct``,
    nodes × u) and, per column, its index among them (``where``; -1: zero everywhere)."""

    distinct: np.ndarray
    where: np.ndarray


def _distinct_columns(n: int, blocks: list[np.ndarray]) -> Columns:
    """The blocks' columns with the zero ones left out and each repeated one kept once.
    Blocks of counts may be boolean (a column and its float copy are the same column).

    Zero columns (no unpriced part, no 734.4(a) hit for a class, nothing controlled for a
    destination...) roll up to zero, and equal columns (a class's low and high value when
    no classification is open, the same hits for several classes...) to equal columns: a
    typical BOM rolls up half of its columns or fewer.

    >>> c = _distinct_columns(3, [np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 0.0]]),
    ...                          np.array([[1.0], [2.0], [0.0]])])
    >>> c.distinct.tolist(), c.where.tolist()
    ([[1.0], [2.0], [0.0]], [0, -1, 0])
    """
    # column-major copies (where a block is not already), so that each column is contiguous
    flat = [c[:, j] for b in blocks for c in [np.asfortranarray(b)] for j in range(c.shape[1])]
    where = np.full(len(flat), -1, dtype=np.int64)
    kept: list[np.ndarray] = []
    by_sum: dict[float, list[int]] = {}
    for i, col in enumerate(flat):
        if not col.any():
            continue
        same = by_sum.setdefault(float(col.sum()), [])
        for u in same:
            if np.array_equal(kept[u], col):
                where[i] = u
                break
        else:
            where[i] = len(kept)
            same.append(len(kept))
            kept.append(col)
    return Columns(np.column_stack(kept) if kept else np.zeros((n, 0)), where)


def _variant(
    graph: BomGraph,
    matrix: Columns,
    tracks: tuple[str, ...],
    k: int,
    n_items: int,
    mask: np.ndarray,
) -> Variant:
    # only the distinct non-zero columns are rolled up; the others are zeros or copies. A
    # zero column (NaN for blocked nodes) goes last, and blocks of the same columns (a
    # class's low and high values when nothing is open, the zeros) are one read-only array.
    u = matrix.distinct.shape[1]
    ext = np.empty((graph.n_nodes, u + 1))
    if u:
        ext[:, :u] = rollup(graph, matrix.distinct, edge_mask=mask)
    ext[:, u] = np.where(graph.height < 0, np.nan, 0.0)
    col = np.where(matrix.where >= 0, matrix.where, u)
    blocks: dict[tuple[int, ...], np.ndarray] = {}

    def block(cols: np.ndarray) -> np.ndarray:
        key = tuple(cols.tolist())
        got = blocks.get(key)
        if got is None:
            got = blocks[key] = np.take(ext, cols, axis=1)
            got.flags.writeable = False
        return got

    out: dict[str, dict[str, np.ndarray]] = {
        f: {} for f in ("low", "high", "unpriced", "zero_low", "zero_high")
    }
    for i, t in enumerate(tracks):
        for j, f in enumerate(("low", "high", "unpriced", "zero_low", "zero_high")):
            start = (5 * i + j) * k
            out[f][t] = block(col[start : start + k])
    items = col[5 * len(tracks) * k :][: 2 * n_items]
    return Variant(
        low=out["low"],
        high=out["high"],
        unpriced=out["unpriced"],
        zero_low=out["zero_low"],
        zero_high=out["zero_high"],
        item_counts=block(items[0::2]),
        item_counts_high=block(items[1::2]),
        edge_mask=mask,
    )
