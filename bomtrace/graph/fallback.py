"""Values a BOM leaves empty, taken from a fallback table (the parts library, ``analyze --db``).

The build fills a part's missing attribute from the fallback *before* its per-part checks run
(so a part whose ECCN the library knows is not reported as missing one), never over a value
the BOM gives, and records which values it filled (results say where each came from) and
where the BOM and the fallback both give one (what the library compares). The fallback is any
callable that, given the part numbers of the BOM, returns a table with a ``part_number``
column and attribute columns; parts it does not know are simply left out. A column may be of
any pandas dtype: objects (None for a missing value), floats (NaN), categoricals, strings or
nullable values (``<NA>``). A ``_node`` column, when the fallback gives it, is the node id of
each row (-1: not in the BOM), so that it is not looked up again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bomtrace.graph.model import Coded
from bomtrace.io.table import ATTRIBUTE_FIELDS, NUMERIC_FIELDS

#: given the BOM's part numbers (an object array), the fallback values of those it knows
Fallback = Callable[[np.ndarray], pd.DataFrame | None]


@dataclass
class Filled:
    """What :func:`fill_missing` did, per field, as masks over the nodes (only fields with at
    least one node): ``filled``, the values taken from the fallback; ``overlap``, the nodes
    whose value the BOM gives and the fallback gives too (the values to compare)."""

    filled: dict[str, np.ndarray] = field(default_factory=dict)
    overlap: dict[str, np.ndarray] = field(default_factory=dict)


def fill_missing(
    nodes: pd.DataFrame,
    texts: dict[str, np.ndarray],
    coded: dict[str, Coded],
    pn_all: pd.Index,
    extra: pd.DataFrame | None,
) -> Filled:
    """Fill, in place, the attributes ``nodes`` lacks from ``extra``.

    ``texts`` (the object arrays the graph keeps, None where missing) is updated with the
    filled text fields, and their ``coded`` entries with the filled values' codes.

    >>> nodes = pd.DataFrame({"eccn": np.array(["3A991", None], dtype=object),
    ...                       "unit_cost": [1.0, np.nan]})
    >>> extra = pd.DataFrame({"part_number": ["b", "a", "zz"], "eccn": ["5A992", "4A994", "EAR99"],
    ...                       "unit_cost": [2.5, None, 1.0]})
    >>> texts = {"eccn": nodes["eccn"].to_numpy()}
    >>> done = fill_missing(nodes, texts, {}, pd.Index(["a", "b"]), extra)
    >>> nodes["eccn"].tolist(), nodes["unit_cost"].tolist(), sorted(done.filled)
    (['3A991', '5A992'], [1.0, 2.5], ['eccn', 'unit_cost'])
    >>> {f: m.tolist() for f, m in done.overlap.items()}
    {'eccn': [True, False]}
    """
    done = Filled()
    if extra is None or not len(extra) or "part_number" not in extra.columns:
        return done
    if "_node" in extra.columns:
        node = extra["_node"].to_numpy()
    else:
        node = pn_all.get_indexer(extra["part_number"].astype(object))
    found = node >= 0
    # every row a part of the BOM: no row left out (nothing copied)
    rows = None if found.all() else np.flatnonzero(found)
    at = node if rows is None else node[rows]
    n = len(pn_all)
    for f in ATTRIBUTE_FIELDS:
        if f not in extra.columns:
            continue
        col = extra[f]
        has = present(col)
        if rows is not None:
            has = has[rows]
        if not has.any():
            continue
        numeric = f in NUMERIC_FIELDS
        given = _given(nodes, texts, coded, f)
        given_at = given[at]
        both = has & given_at
        if both.any():
            done.overlap[f] = _mask(n, at[both])
        take = has & ~given_at
        if not take.any():
            continue
        which = np.flatnonzero(take) if rows is None else rows[take]
        new = values_at(col, which)
        if f in nodes.columns:
            cur = nodes[f].to_numpy(dtype=float if numeric else object, copy=True)
        else:
            cur = np.full(n, np.nan if numeric else None, dtype=float if numeric else object)
        cur[at[take]] = new.astype(float) if numeric else new
        nodes[f] = pd.Series(cur, index=nodes.index, dtype=cur.dtype, copy=False)
        if not numeric:
            texts[f] = cur
            if f in coded:
                coded[f] = _recoded(coded[f], at[take], new)
        done.filled[f] = _mask(n, at[take])
    return done


def _mask(n: int, at: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[at] = True
    return mask


def _given(
    nodes: pd.DataFrame, texts: dict[str, np.ndarray], coded: dict[str, Coded], f: str
) -> np.ndarray:
    """Mask of the nodes whose ``f`` the BOM gives, from the cheapest form the build kept."""
    if f in coded:
        return coded[f][0] >= 0
    if f in texts or f in nodes.columns:
        return np.asarray(pd.notna(texts[f] if f in texts else nodes[f].to_numpy()), dtype=bool)
    return np.zeros(len(nodes), dtype=bool)


def _recoded(codes: Coded, at: np.ndarray, new: np.ndarray) -> Coded:
    """``codes`` with the nodes ``at`` given the values ``new`` (new distinct values added)."""
    old, labels = codes
    idx = pd.Index(labels, dtype=object).get_indexer(new)
    extra = idx < 0
    if extra.any():
        more, uniq = pd.factorize(new[extra])
        idx[extra] = len(labels) + more
        labels = np.concatenate([np.asarray(labels, dtype=object), np.asarray(uniq, dtype=object)])
    out = old.copy()
    out[at] = idx
    return out, labels


def values_at(col: pd.Series, rows: np.ndarray) -> np.ndarray:
    """The values of a fallback column on ``rows``: floats as they are (NaN: missing), any
    other dtype as objects with None for a missing value (a categorical's categories are
    converted once each).

    >>> values_at(pd.Series(["a", None, "b"], dtype="category"), np.array([2, 1])).tolist()
    ['b', None]
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = col.cat.categories
        labels = np.empty(len(cats) + 1, dtype=object)  # code -1 (missing): the last, None
        labels[:-1] = cats.to_numpy(dtype=object)
        return labels[col.cat.codes.to_numpy()[rows]]
    if isinstance(col.dtype, np.dtype) and (col.dtype.kind == "f" or col.dtype == object):
        return col.to_numpy()[rows]
    return col.iloc[rows].to_numpy(dtype=object, na_value=None)


def present(values: pd.Series | np.ndarray) -> np.ndarray:
    """Mask of the values given: not NaN in floats, not None in objects (one pass in C, not
    ``pd.notna``'s per-object checks), a code in a categorical, valid in other pandas dtypes
    (Arrow's validity bitmap for Arrow-backed strings).

    >>> present(np.array([1.0, np.nan])).tolist(), present(np.array(["a", None])).tolist()
    ([True, False], [True, False])
    >>> present(pd.Series(["x", None, "x"], dtype="category")).tolist()
    [True, False, True]
    """
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.CategoricalDtype):
            return np.asarray(values.cat.codes.to_numpy() >= 0)
        if isinstance(values.dtype, np.dtype):  # numpy's own: floats, objects, flags
            return present(values.to_numpy())
        return ~np.asarray(values.isna().to_numpy(), dtype=bool)  # <NA> of pandas' dtypes
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype == object:
        return np.asarray(values != None, dtype=bool)  # noqa: E711 (element-wise)
    return np.ones(len(values), dtype=bool)


__all__ = ["Fallback", "Filled", "fill_missing", "present", "values_at"]
