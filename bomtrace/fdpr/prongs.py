"""The item and product-scope tests of one FDP rule form, for every node at once.

Each test is three-valued (:data:`~bomtrace.fdpr.evidence.YES` / ``NO`` / ``UNKNOWN``), computed
once per distinct cell value and broadcast to all nodes; the contains-IC route is a roll-up of
the children's plant prong (:func:`bomtrace.rollup.rollup`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from bomtrace.eccn import is_eccn_syntax
from bomtrace.fdpr.evidence import NO, UNKNOWN, YES, Evidence
from bomtrace.fdpr.screening import ScreeningList
from bomtrace.graph.model import BomGraph
from bomtrace.rollup import rollup
from bomtrace.rules.fdp import FdpVersion, ItemScope, Prong
from bomtrace.rules.load import load_data


def _by_value(values: np.ndarray, fn: Callable[[Any], int]) -> np.ndarray:
    """Apply ``fn`` once per distinct value (None included) and broadcast."""
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    table = np.array([fn(u) for u in uniq] + [fn(None)], dtype=np.int8)
    return table[codes]


def _ns_reasons(eccn: str) -> int:
    entry = load_data().ccl.get(eccn[:5])
    if entry is None:
        return UNKNOWN
    reasons = entry.reasons or " ".join(str(c.reason) for c in entry.controls)
    return YES if "NS" in reasons.replace(",", " ").split() else NO


def _covers(listed: str, eccn: str) -> bool:
    return (
        eccn == listed or eccn.startswith(listed + ".") or (len(listed) == 5 and eccn[:5] == listed)
    )


def item_state(item: ItemScope, eccn: str | None) -> int:
    """Whether a part's own ECCN puts it in a rule's item scope.

    >>> from bomtrace.rules.fdp import ItemScope
    >>> item_state(ItemScope(eccns=("3A090",)), "3A090.a"), item_state(ItemScope(any=True), None)
    (2, 2)
    >>> ns = ItemScope(test="ns_controlled")
    >>> item_state(ns, "5A992.c"), item_state(ns, "3A001.a.7"), item_state(ns, None)
    (0, 2, 1)
    """
    if item.any:
        return YES
    if eccn is None:
        return UNKNOWN
    if eccn == "EAR99":
        return NO
    if not is_eccn_syntax(eccn):
        return UNKNOWN
    if item.test == "any_ccl_eccn":
        return YES
    if item.test == "ns_controlled":
        return _ns_reasons(eccn)
    if any(_covers(x, eccn) for x in item.exclusions):
        return NO
    if any(x.startswith(eccn + ".") for x in item.exclusions) and any(
        _covers(x, eccn) for x in item.eccns
    ):
        return UNKNOWN  # given less precisely than an exclusion
    return YES if any(_covers(x, eccn) for x in item.eccns) else NO


def inputs_state(prong: Prong, eccns: frozenset[str] | None) -> int:
    """Whether technology/software ECCNs meet a prong's inputs (None = unknown)."""
    if eccns is None:
        return UNKNOWN
    if prong.inputs_test == "any_d_or_e":
        return YES if any(e[1] in "DE" for e in eccns) else NO
    if prong.inputs_test == "ns_controlled":
        states = [_ns_reasons(e) for e in eccns]
        return max(states, default=NO)
    return YES if eccns & prong.inputs else NO


def _plant_state(prong: Prong, ev: Evidence) -> np.ndarray:
    out = np.full(len(ev.plant), UNKNOWN, dtype=np.int8)
    out[ev.plant == NO] = NO
    yes = np.flatnonzero(ev.plant == YES)
    if not len(yes):
        return out
    # few distinct plants: test each (origin, ECCNs) pair once
    o_codes, origins = pd.factorize(ev.plant_origin[yes])
    l_codes, found = pd.factorize(ev.plant_eccns[yes])  # None (no ECCNs given): -1
    listings = [None, *found]
    pairs, inverse = np.unique(o_codes * len(listings) + l_codes + 1, return_inverse=True)
    states = []
    for pair in pairs.tolist():
        origin, listed = origins[pair // len(listings)], listings[pair % len(listings)]
        if prong.origin == "US-origin" and origin != "US-origin":
            states.append(NO)
        elif listed is None:
            states.append(YES if prong.generic else UNKNOWN)
        else:
            states.append(inputs_state(prong, listed))
    out[yes] = np.array(states, dtype=np.int8)[inverse.ravel()]
    return out


def _footnote_state(values: np.ndarray, fn: int, screening: ScreeningList) -> np.ndarray:
    def one(v: Any) -> int:
        if v is None or not str(v).strip():
            return UNKNOWN
        m = screening.match(str(v))
        if m.status == "match":
            return YES if fn in m.footnotes else NO
        if m.status == "possible" and any(fn in e.footnotes for e in m.entries):
            return UNKNOWN
        return NO

    return _by_value(values, one)


@dataclass
class NodeStates:
    """Per-node test results of one rule form (arrays of YES/NO/UNKNOWN)."""

    item: np.ndarray
    direct: np.ndarray  #: direct-product prong, with the designed-by condition when there is one
    plant: np.ndarray  #: plant prong, likewise
    ic: np.ndarray
    direct_raw: np.ndarray  #: direct-product prong from the evidence alone
    plant_raw: np.ndarray  #: plant prong from the evidence alone
    designer: np.ndarray | None  #: the designed-by condition, when the form has one
    product: np.ndarray  #: item AND (direct OR plant OR ic), NO for US-origin parts


def node_states(
    v: FdpVersion, graph: BomGraph, ev: Evidence, screening: ScreeningList
) -> NodeStates:
    """Item and product-scope tests of one rule form for every node."""
    item = _by_value(ev.own_eccn, lambda e: item_state(v.item, e))
    direct_raw = _by_value(ev.tech, lambda t: inputs_state(v.direct_product, t))
    direct = direct_raw.copy()
    plant_raw = _plant_state(v.plant, ev)
    plant = plant_raw.copy()
    designer = None
    fn = v.direct_product.designed_by_footnote or v.plant.designed_by_footnote
    if fn is not None:
        d = _footnote_state(ev.designed_by, fn, screening)
        p = _footnote_state(ev.producer, fn, screening)
        designer = np.maximum(d, p)
        if v.direct_product.designed_by_footnote is not None:
            direct = np.minimum(direct, designer)
        if v.plant.designed_by_footnote is not None:
            plant = np.minimum(plant, designer)
    ic = np.full(graph.n_nodes, NO, dtype=np.int8)
    if v.plant.contains_ic:
        below = rollup(graph, np.c_[plant_raw == YES, plant_raw == UNKNOWN].astype(float))
        below = np.nan_to_num(below) - np.c_[plant_raw == YES, plant_raw == UNKNOWN]
        ic[below[:, 1] > 0] = UNKNOWN
        ic[below[:, 0] > 0] = YES
    product = np.minimum(item, np.maximum(np.maximum(direct, plant), ic))
    product[~ev.foreign] = NO
    return NodeStates(item, direct, plant, ic, direct_raw, plant_raw, designer, product)
