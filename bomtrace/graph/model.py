"""The product structure as integer-indexed arrays.

A :class:`BomGraph` holds one node per distinct part number and one edge per
(parent, child) pair, with the quantity per parent. Node ids are ``0..n-1``; the hot paths
(roll-up, explosion) work on the numpy arrays only. :meth:`BomGraph.to_networkx` gives a
``networkx.DiGraph`` view for users and for evidence on error paths.

Assumptions: the graph stage has already validated the structure. ``height`` is the length of
the longest path from a node down to a purchased part (0 for leaves) and is ``-1`` for nodes
that sit on a cycle or above one, or above an edge whose quantity is unusable; those nodes are
``blocked`` and are never rolled up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from bomtrace.countries import normalize_country
from bomtrace.issues import Issue

T = TypeVar("T")
P = ParamSpec("P")
#: Per node, the index of its value among distinct values (-1: missing), and those values.
Coded = tuple[np.ndarray, np.ndarray]

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp


def distinct_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, distinct)`` of an object array: ``values[i] == distinct[codes[i]]``, with
    None coded ``len(distinct)``, so ``per_value[codes]`` maps every value through a list
    made once per distinct value plus one entry for None. Distinct values come in order of
    first appearance.

    >>> codes, distinct = distinct_codes(np.array(["b", None, "a", "b"], dtype=object))
    >>> codes.tolist(), distinct.tolist()
    ([0, 2, 1, 0], ['b', 'a'])
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    codes = np.where(codes < 0, len(distinct), codes)
    return codes, np.asarray(distinct, dtype=object)


def first_positions(codes: np.ndarray, n: int) -> np.ndarray:
    """Index of the first occurrence of each code ``0..n-1`` (-1 where absent); other codes
    (a missing value's -1 or ``n``) are left out.

    >>> first_positions(np.array([1, -1, 1, 0, 2]), 2).tolist()
    [3, 0]
    """
    first = np.full(n, -1, dtype=np.int64)
    seen, at = np.unique(codes, return_index=True)
    keep = (seen >= 0) & (seen < n)
    first[seen[keep]] = at[keep]
    return first


@dataclass
class BomGraph:
    """A validated multi-level BOM.

    Attributes
    ----------
    part_numbers : numpy.ndarray
        Object array, node id → part number.
    parent, child : numpy.ndarray
        int64 edge arrays (node ids), sorted by parent then child.
    qty : numpy.ndarray
        float64 quantity per parent for each edge (NaN when unreadable).
    nodes : pandas.DataFrame
        One row per node (index = node id): part attributes (canonical fields) and the
        position of the row that defined them (``_file``, ``_sheet``, ``_row``).
    roots : numpy.ndarray
        Node ids of the products (nodes no other node uses), in input order.
    height : numpy.ndarray
        int64 longest distance to a leaf; -1 for blocked nodes.
    blocked_reason : dict
        node id → short reason, for the nodes that block (cycle members, bad edges); their
        ancestors are blocked too but not listed.
    edge_rows : pandas.DataFrame
        Per edge (same order as the arrays): ``_file``, ``_sheet``, ``_row`` of the line that
        defined it.
    layout : str
        "indented" or "parent-child".
    issues : list of Issue
        Everything found while building and validating.
    """

    part_numbers: np.ndarray
    parent: np.ndarray
    child: np.ndarray
    qty: np.ndarray
    nodes: pd.DataFrame
    roots: np.ndarray
    height: np.ndarray
    edge_rows: pd.DataFrame
    layout: str
    blocked_reason: dict[int, str] = field(default_factory=dict)
    #: field → mask of the nodes whose value the build took from a fallback (the parts
    #: library) because the BOM left it empty (:mod:`bomtrace.graph.fallback`)
    filled: dict[str, np.ndarray] = field(default_factory=dict)
    #: field → mask of the nodes whose value the BOM gives and the fallback gives too (the
    #: library compares them)
    overlap: dict[str, np.ndarray] = field(default_factory=dict)
    #: (file, sheet, field) → column letter, from the reader, to position issues
    column_letters: dict[tuple[str, str | None, str], str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    _index: dict[str, int] | None = field(default=None, repr=False)
    #: text attributes (:meth:`attr`), numeric ones (:meth:`num_attr`), codes (:meth:`codes`)
    #: and missing masks (:meth:`missing`), each made once per name; read-only
    _texts: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _numbers: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _codes: dict[str, Coded] = field(default_factory=dict, repr=False)
    _missing: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: codes of kept texts as the build read them (:meth:`keep_attrs`), until :meth:`codes`
    _given_codes: dict[str, Coded] = field(default_factory=dict, repr=False)
    #: what other steps derive from the graph (:meth:`derived`), by function and arguments
    _derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ basics
    @property
    def n_nodes(self) -> int:
        """Number of distinct parts."""
        return int(len(self.part_numbers))

    @property
    def n_edges(self) -> int:
        """Number of distinct parent/child pairs."""
        return int(len(self.parent))

    @property
    def blocked(self) -> np.ndarray:
        """Boolean mask of nodes that cannot be rolled up (on or above a cycle/bad edge)."""
        return np.asarray(self.height < 0)

    @cached_property
    def is_leaf(self) -> np.ndarray:
        """Boolean mask of nodes with no children (purchased parts); read-only."""
        out = np.ones(self.n_nodes, dtype=bool)
        out[self.parent] = False
        return _read_only(out)

    def index_of(self, part_number: str) -> int:
        """Node id of a part number.

        Raises
        ------
        KeyError
            If the part number is not in the BOM.
        """
        if self._index is None:
            self._index = {str(p): i for i, p in enumerate(self.part_numbers)}
        return self._index[part_number]

    def attr(self, name: str) -> np.ndarray:
        """Node attribute as an array (all-missing when the column was not in the input)."""
        got = self._texts.get(name)
        if got is None:
            if name in self.nodes.columns:
                col = self.nodes[name].astype(object)
                got = col.where(col.notna(), None).to_numpy(dtype=object)
            else:
                got = np.full(self.n_nodes, None, dtype=object)
            got = self._texts[name] = _read_only(got)
        return got

    def keep_attrs(
        self, arrays: dict[str, np.ndarray], coded: dict[str, Coded] | None = None
    ) -> None:
        """Take these object arrays (None where a value is missing, as :meth:`attr` gives them)
        as the text attributes, so that ``attr`` does not convert the node columns again. The
        graph build hands over what it made the columns from; they become read-only.
        ``coded`` gives, for some of them, each node's code among distinct values (-1:
        missing) and those values in any order, as the build read them (:meth:`codes`)."""
        for name, arr in arrays.items():
            if arr.dtype != object or len(arr) != self.n_nodes:
                raise ValueError(f"attribute {name!r}: an object array per node is expected")
            self._texts[name] = _read_only(arr)
        for name, (codes, values) in (coded or {}).items():
            if name not in arrays or len(codes) != self.n_nodes:
                raise ValueError(f"attribute {name!r}: codes per node of a kept text are expected")
            self._given_codes[name] = (codes, values)

    def codes(self, name: str) -> Coded:
        """``(codes, distinct)`` of an attribute: ``attr(name)[i] == distinct[codes[i]]``, with
        -1 where the value is missing (so ``per_value[codes]`` maps every node through a list
        made once per distinct value plus a last entry for a missing one). Distinct values
        come in order of first appearance. Computed once per graph; read-only.

        >>> g = BomGraph(part_numbers=np.array(["a", "b", "c"], dtype=object),
        ...     parent=np.zeros(0, dtype=np.int64), child=np.zeros(0, dtype=np.int64),
        ...     qty=np.zeros(0), nodes=pd.DataFrame({"eccn": ["5A992", None, "5A992"]}),
        ...     roots=np.arange(3), height=np.zeros(3, dtype=np.int64),
        ...     edge_rows=pd.DataFrame(), layout="parent-child")
        >>> [x.tolist() for x in g.codes("eccn")], g.missing("eccn").tolist()
        ([[0, -1, 0], ['5A992']], [False, True, False])
        """
        got = self._codes.get(name)
        if got is None:
            given = self._given_codes.pop(name, None)
            if given is None and name not in self.nodes.columns:
                codes, distinct = np.full(self.n_nodes, -1), np.zeros(0, dtype=object)
            elif given is None:
                codes, uniq = pd.factorize(self.attr(name), use_na_sentinel=True)
                distinct = np.asarray(uniq, dtype=object)
            else:  # the build's codes, renumbered in order of first appearance
                raw, values = given
                codes = np.full(len(raw), -1, dtype=np.int64)
                has = raw >= 0
                codes[has], used = pd.factorize(raw[has])
                distinct = np.asarray(values, dtype=object)[used]
            codes = codes.astype(np.int64, copy=False)
            got = self._codes[name] = (_read_only(codes), _read_only(distinct))
        return got

    def missing(self, name: str) -> np.ndarray:
        """Boolean mask of the nodes without a value for an attribute (read-only)."""
        got = self._missing.get(name)
        if got is None:
            got = self._missing[name] = _read_only(self.codes(name)[0] < 0)
        return got

    def with_nodes(self, nodes: pd.DataFrame) -> BomGraph:
        """The same structure with other part attributes (``nodes``: the same rows, in the
        same order); nothing derived from the old attributes is kept."""
        if len(nodes) != self.n_nodes:
            raise ValueError("with_nodes: one row per node is expected")
        return replace(
            self,
            nodes=nodes,
            issues=list(self.issues),
            _texts={},
            _numbers={},
            _codes={},
            _missing={},
            _given_codes={},
            _derived={},
        )

    def derived(
        self, make: Callable[Concatenate[BomGraph, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``make(self, *args)`` computed once per graph and kept (for derived per-node
        arrays that several steps of an analysis need), keyed by the function and arguments."""
        key = (make, *args, *sorted(kwargs.items()))
        if key not in self._derived:
            self._derived[key] = make(self, *args, **kwargs)
        return self._derived[key]  # type: ignore[no-any-return]

    def edges_by_height(self) -> np.ndarray:
        """Edge indices ordered by the parent's height (stable: edge order kept within a
        height), computed once; the roll-ups walk levels in this order."""
        return self._by_height

    @cached_property
    def _by_height(self) -> np.ndarray:
        return _read_only(np.argsort(self.height[self.parent], kind="stable"))

    def origin_iso(self) -> np.ndarray:
        """Country of origin as an ISO-2 code per node (None when missing or unrecognised).

        Each distinct spelling is normalised once (``United States``, ``USA`` → ``US``).
        """
        return self._origins[0]

    def has_origin_iso(self) -> np.ndarray:
        """Boolean mask of the nodes whose country of origin is a recognised country
        (:meth:`origin_iso` is not None); read-only."""
        return self._origins[1]

    @cached_property
    def _origins(self) -> tuple[np.ndarray, np.ndarray]:
        codes, uniq = self.codes("country_of_origin")
        table = np.array([normalize_country(u) for u in uniq] + [None], dtype=object)
        iso = table[codes]  # code -1 (missing) picks the trailing None
        known = np.array([u is not None for u in table], dtype=bool)[codes]
        return _read_only(iso), _read_only(known)

    def num_attr(self, name: str) -> np.ndarray:
        """Numeric node attribute as float64 (NaN when missing)."""
        got = self._numbers.get(name)
        if got is None:
            if name in self.nodes.columns:
                got = pd.to_numeric(self.nodes[name], errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
            else:
                got = np.full(self.n_nodes, np.nan)
            got = self._numbers[name] = _read_only(got)
        return got

    def position(self, node: int) -> dict[str, Any]:
        """Source position (file, sheet, row) of the line that defined a node."""
        f, s, r = self.attr("_file")[node], self.attr("_sheet")[node], self.attr("_row")[node]
        return {
            "file": None if _isna(f) else f,
            "sheet": None if _isna(s) else s,
            "row": None if _isna(r) else int(r),
        }

    def children_of(self, node: int) -> tuple[np.ndarray, np.ndarray]:
        """(child ids, quantities) of one node."""
        lo, hi = np.searchsorted(self.parent, [node, node + 1])
        return self.child[lo:hi], self.qty[lo:hi]

    def adjacency(self, edge_mask: np.ndarray | None = None) -> sp.csr_matrix:
        """Sparse parent × child quantity matrix (optionally only the masked edges)."""
        import scipy.sparse as sp

        p, c, q = self.parent, self.child, self.qty
        if edge_mask is not None:
            p, c, q = p[edge_mask], c[edge_mask], q[edge_mask]
        n = self.n_nodes
        return sp.csr_matrix((q, (p, c)), shape=(n, n))

    def to_networkx(self) -> nx.DiGraph:
        """A ``networkx.DiGraph`` view: nodes are part numbers, edges carry ``quantity``.

        Node attributes are the part attributes. Meant for users and error evidence; bomtrace's
        own computations never build it.
        """
        import networkx as nx

        g = nx.DiGraph()
        attrs = self.nodes.drop(columns=[c for c in self.nodes.columns if c.startswith("_")])
        for i, rec in enumerate(attrs.to_dict("records")):
            g.add_node(
                str(self.part_numbers[i]),
                **{k: v for k, v in rec.items() if v is not None and not _isna(v)},
            )
        pn = self.part_numbers
        g.add_edges_from(
            (str(pn[p]), str(pn[c]), {"quantity": float(q)})
            for p, c, q in zip(self.parent, self.child, self.qty, strict=True)
        )
        return g


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _isna(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    if isinstance(v, (str, int)):  # the usual cells, answered without pandas (issues ask often)
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
