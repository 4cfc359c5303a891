"""The indented-BOM walk of the library (:mod:`bomtrace.analysis.bom_tree`): cycles, depth,
heavily shared assemblies, size."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from bomtrace.analysis.bom_tree import CYCLE_NOTE, indented_bom, tree_rows
from bomtrace.graph.model import BomGraph


def graph(parent: list[int], child: list[int], n: int, height: list[int]) -> BomGraph:
    p, c = np.array(parent, dtype=np.int64), np.array(child, dtype=np.int64)
    order = np.lexsort((c, p))
    return BomGraph(
        part_numbers=np.array([f"N{i}" for i in range(n)], dtype=object),
        parent=p[order],
        child=c[order],
        qty=np.ones(len(p)),
        nodes=pd.DataFrame(index=range(n)),
        roots=np.array([0]),
        height=np.array(height, dtype=np.int64),
        edge_rows=pd.DataFrame(),
        layout="parent-child",
    )


def test_a_cycle_is_listed_once_and_not_expanded() -> None:
    g = graph([0, 1, 2], [1, 2, 1], 3, [-1, -1, -1])  # N0 → N1 → N2 → N1
    t = indented_bom(g)
    assert t.table["part_number"].tolist() == ["N0", "N1", "N2", "N1"]
    notes = [x if isinstance(x, str) else None for x in t.table["note"]]
    assert notes == [None, None, None, CYCLE_NOTE]
    assert t.total_rows is None and not t.capped


def test_a_deep_bom_needs_no_recursion() -> None:
    n = 20_000  # far past Python's recursion limit
    g = graph(list(range(n - 1)), list(range(1, n)), n, list(range(n - 1, -1, -1)))
    t = indented_bom(g)
    assert t.table["level"].tolist() == list(range(n))
    assert t.total_rows == n


def test_shared_assemblies_are_counted_not_walked() -> None:
    # 30 layers of two nodes, each using both nodes of the next layer: 2**30 paths
    layers = 30
    parent, child = [], []
    for i in range(layers - 1):
        for a in (2 * i, 2 * i + 1):
            parent += [a, a]
            child += [2 * i + 2, 2 * i + 3]
    parent += [2 * layers]
    child += [0]
    parent += [2 * layers]
    child += [1]
    height = [layers - 1 - i // 2 for i in range(2 * layers)] + [layers]
    g = graph(parent, child, 2 * layers + 1, height)
    g.roots = np.array([2 * layers])
    start = time.perf_counter()
    t = indented_bom(g, limit=1000)
    assert time.perf_counter() - start < 5
    assert len(t.table) == 1000 and t.capped
    assert t.total_rows == int(tree_rows(g)[2 * layers]) == 2 ** (layers + 1) - 1


def test_a_100k_line_bom_is_walked_in_seconds() -> None:
    # a product of 1,000 assemblies of 99 parts each: 100,001 rows
    n_asm, per = 1000, 99
    parent = [0] * n_asm + [1 + a for a in range(n_asm) for _ in range(per)]
    child = list(range(1, n_asm + 1)) + list(range(n_asm + 1, n_asm + 1 + n_asm * per))
    n = 1 + n_asm + n_asm * per
    g = graph(parent, child, n, [2] + [1] * n_asm + [0] * (n_asm * per))
    start = time.perf_counter()
    t = indented_bom(g, limit=200_000)
    assert time.perf_counter() - start < 10
    assert len(t.table) == n and t.total_rows == n and not t.capped
    assert (
        t.table["level"].to_numpy() == np.r_[0, np.tile(np.r_[1, np.full(per, 2)], n_asm)]
    ).all()
