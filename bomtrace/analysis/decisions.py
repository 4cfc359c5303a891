"""Control decisions per destination class for every content node, with the Supp. No. 2
(a)(1) exclusions (GBS, short supply) applied, and the issues about unknown ECCNs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bomtrace.analysis.costs import node_issue
from bomtrace.graph.model import BomGraph, distinct_codes
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.rules.model import ControlDecision, Destination

#: the key of a control decision: (ECCN as given, listed_ear99, gbs_eligible, short_supply_only)
DecisionKey = tuple[str, bool | None, bool, bool]


def flag(value: object) -> bool | None:
    """A per-part yes/no flag as read (True, False or None when not given)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return bool(value)


def flags_of(graph: BomGraph, name: str) -> np.ndarray:
    """:func:`flag` of every node's value (object array of True / False / None), once per
    graph."""

    return graph.derived(_flags_of, name)


def _flags_of(graph: BomGraph, name: str) -> np.ndarray:
    codes, distinct = graph.codes(name)
    return np.array([flag(v) for v in distinct] + [None], dtype=object)[codes]


def decision_for(
    ruleset: Any,
    dest: Destination,
    key: DecisionKey,
    made_in: str | None,
) -> ControlDecision:
    """The control decision for one decision key, with the Supp. No. 2 exclusions applied."""
    eccn, listed, gbs, short = key
    dec: ControlDecision = ruleset.control(eccn or None, dest, made_in=made_in, listed_ear99=listed)
    if dec.status == "not-controlled":
        return dec
    for ex in ruleset.exclusions():
        marked = (ex.flag == "gbs_eligible" and gbs) or (ex.flag == "short_supply_only" and short)
        if marked and ex.destinations.matches(dest):
            return ControlDecision(
                status="not-controlled",
                source=ex.citation,
                reason=f"not counted: {ex.title} ({ex.citation}); otherwise {dec.reason}",
                paragraph_unknown=dec.paragraph_unknown,
                limits=dec.limits,
            )
    return dec


def _key_codes(graph: BomGraph) -> np.ndarray:
    """One integer per node for its (ECCN, listed, gbs, short) decision key, once per graph."""

    return graph.derived(_make_key_codes)


def _make_key_codes(graph: BomGraph) -> np.ndarray:
    listed = flags_of(graph, "listed_ear99")
    e_code = graph.codes("eccn")[0] + 1  # 0: no ECCN
    l_code = np.select([listed == True, listed == False], [1, 2], 0)  # noqa: E712
    g_bit = (flags_of(graph, "gbs_eligible") == True).astype(np.int64)  # noqa: E712
    s_bit = (flags_of(graph, "short_supply_only") == True).astype(np.int64)  # noqa: E712
    return np.asarray(((e_code * 3 + l_code) * 2 + g_bit) * 2 + s_bit)


def decision_keys(graph: BomGraph, idx: np.ndarray) -> tuple[list[DecisionKey], np.ndarray]:
    """The distinct decision keys of nodes ``idx`` (in order of first appearance), and the
    index of each node's key among them."""
    inv = pd.factorize(_key_codes(graph)[idx])[0]
    # codes come in order of first appearance: a row is its key's first where they rise
    top = np.maximum.accumulate(inv)
    at = np.flatnonzero(np.r_[True, top[1:] > top[:-1]]) if len(inv) else inv
    eccn = graph.attr("eccn")
    listed, gbs, short = (
        flags_of(graph, "listed_ear99"),
        flags_of(graph, "gbs_eligible"),
        flags_of(graph, "short_supply_only"),
    )
    ulist: list[DecisionKey] = [
        ("" if eccn[i] is None else str(eccn[i]), listed[i], bool(gbs[i]), bool(short[i]))
        for i in idx[at].tolist()
    ]
    return ulist, inv


def class_decisions(
    graph: BomGraph,
    ruleset: Any,
    reps: list[Destination],
    content: np.ndarray,
    made_in: str | None,
) -> tuple[np.ndarray, list[dict[DecisionKey, ControlDecision]], np.ndarray, np.ndarray]:
    """Decision keys per content node, decisions per class, status codes n × k, and each
    node's index in the distinct keys (-1: not a content node; the keys in the order of the
    decisions' dicts).

    Status codes: 2 controlled, 1 possible (incl. unknown), 0 not controlled.
    """
    n, k = graph.n_nodes, len(reps)
    keys = np.full(n, None, dtype=object)
    idx = np.flatnonzero(content)
    ulist, inv = decision_keys(graph, idx)
    key_objs = np.empty(len(ulist), dtype=object)
    for j, key in enumerate(ulist):  # element-wise: numpy would unpack the tuples
        key_objs[j] = key
    keys[idx] = key_objs[inv]
    code = {"controlled": 2, "possible": 1, "unknown": 1, "not-controlled": 0}
    decisions: list[dict[DecisionKey, ControlDecision]] = []
    status = np.zeros((n, k), dtype=np.int8)
    for j, dest in enumerate(reps):
        dec = {u: decision_for(ruleset, dest, u, made_in) for u in ulist}
        decisions.append(dec)
        codes = np.array([code[dec[u].status] for u in ulist], dtype=np.int8)
        status[idx, j] = codes[inv] if len(ulist) else 0
    key_index = np.full(n, -1, dtype=np.int64)
    key_index[idx] = inv
    return keys, decisions, status, key_index


def eccn_issues(
    graph: BomGraph,
    sink: IssueLog,
    keys: np.ndarray,
    decisions: list[dict[DecisionKey, ControlDecision]],
    is_us: np.ndarray,
) -> None:
    """One positioned issue per US part whose ECCN (or paragraph) the ruleset does not know."""
    if not decisions:
        return
    dec0 = decisions[0]
    us = np.flatnonzero(is_us)
    codes, distinct = distinct_codes(keys[us])  # each key judged once

    def problem(key: DecisionKey | None) -> bool:
        if key is None or not key[0]:
            return False
        return dec0[key].status == "unknown" or dec0[key].paragraph_unknown

    flagged = np.array([problem(k) for k in distinct] + [False], dtype=bool)[codes]
    for i in us[flagged].tolist():
        key = keys[i]
        dec = dec0[key]
        if dec.status == "unknown" and any(x.kind == "not-modelled" for x in dec.limits):
            node_issue(
                graph,
                sink,
                int(i),
                IssueCode.ECCN_NOT_ON_DATE,
                f"{graph.part_numbers[i]} has ECCN {key[0]!r}: {dec.reason} ({dec.source}). It "
                "is counted as not controlled, and as controlled in the high bound.",
                "eccn",
            )
        elif dec.status == "unknown":
            node_issue(
                graph,
                sink,
                int(i),
                IssueCode.UNKNOWN_ECCN,
                f"{graph.part_numbers[i]} has ECCN {key[0]!r}, which is not in the ruleset's "
                "Commerce Control List; it is counted as not controlled, and as controlled in "
                "the high bound. Check the spelling (e.g. 3A001.a.7, EAR99).",
                "eccn",
            )
        elif dec.paragraph_unknown:
            node_issue(
                graph,
                sink,
                int(i),
                IssueCode.UNKNOWN_ECCN_PARAGRAPH,
                f"{graph.part_numbers[i]} has ECCN {key[0]!r}, whose paragraph is not one of the "
                "entry's paragraphs; the entry is judged without it (a control covering only "
                "some paragraphs then counts in the high bound only). Check the paragraph.",
                "eccn",
            )
