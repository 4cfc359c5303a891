"""Values a BOM leaves empty, taken from a fallback table (the parts library, ``analyze --db``).

The build fills a part's missing attribute from the fallback *before* its per-part checks run
(so a part whose ECCN the library knows is not reported as missing one), never over a value
the BOM gives, and records which values it filled: results say where each came from. The
fallback is any callable that, given the part numbers of the BOM, returns a table with a
``part_number`` column and attribute columns (missing: None, or NaN in a float column); parts
it does not know are simply left out. A ``_node`` column, when the fallback gives it, is the
node id of each row (-1: not in the BOM), so that it is not looked up again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from bomtrace.graph.model import Coded
from bomtrace.io.table import ATTRIBUTE_FIELDS, NUMERIC_FIELDS

#: given the BOM's part numbers (an object array), the fallback values of those it knows
Fallback = Callable[[np.ndarray], pd.DataFrame | None]


def fill_missing(
    nodes: pd.DataFrame,
    texts: dict[str, np.ndarray],
    coded: dict[str, Coded],
    pn_all: pd.Index,
    extra: pd.DataFrame | None,
) -> dict[str, np.ndarray]:
    """Fill, in place, the attributes ``nodes`` lacks from ``extra``; return per field the
    mask of the nodes whose value was filled (only fields with at least one).

    ``texts`` (the object arrays the graph keeps) is updated with the filled text fields and
    their ``coded`` entries dropped (the codes are made again on first use).

    >>> nodes = pd.DataFrame({"eccn": np.array(["3A991", None], dtype=object),
    ...                       "unit_cost": [1.0, np.nan]})
    >>> extra = pd.DataFrame({"part_number": ["b", "a", "zz"], "eccn": ["5A992", "4A994", "EAR99"],
    ...                       "unit_cost": [2.5, None, 1.0]})
    >>> texts = {"eccn": nodes["eccn"].to_numpy()}
    >>> filled = fill_missing(nodes, texts, {}, pd.Index(["a", "b"]), extra)
    >>> nodes["eccn"].tolist(), nodes["unit_cost"].tolist(), sorted(filled)
    (['3A991', '5A992'], [1.0, 2.5], ['eccn', 'unit_cost'])
    """
    if extra is None or not len(extra) or "part_number" not in extra.columns:
        return {}
    if "_node" in extra.columns:
        node = extra["_node"].to_numpy()
    else:
        node = pn_all.get_indexer(extra["part_number"].astype(object))
    found = node >= 0
    # every row a part of the BOM: the columns are taken as they are, not copied
    known: np.ndarray | slice = slice(None) if found.all() else found
    at = node[known]
    n = len(pn_all)
    filled: dict[str, np.ndarray] = {}
    for f in ATTRIBUTE_FIELDS:
        if f not in extra.columns:
            continue
        vals = column(extra[f])[known]
        has = present(vals)
        if not has.any():
            continue
        numeric = f in NUMERIC_FIELDS
        if f in nodes.columns:
            cur = nodes[f].to_numpy(dtype=float if numeric else object, copy=True)
        else:
            cur = np.full(n, np.nan if numeric else None, dtype=float if numeric else object)
        take = has & pd.isna(cur[at])
        if not take.any():
            continue
        cur[at[take]] = vals[take].astype(float) if numeric else vals[take].astype(object)
        nodes[f] = pd.Series(cur, index=nodes.index, dtype=cur.dtype, copy=False)
        if not numeric:
            texts[f] = cur
            coded.pop(f, None)
        mask = np.zeros(n, dtype=bool)
        mask[at[take]] = True
        filled[f] = mask
    return filled


def column(col: pd.Series) -> np.ndarray:
    """A fallback column as numpy: floats as they are, object columns as they are (None for a
    missing value, as the protocol says), other dtypes (strings, nullable flags) as objects
    with None for a missing value."""
    if col.dtype == object or col.dtype.kind == "f":
        return col.to_numpy()
    return col.to_numpy(dtype=object, na_value=None)


def present(values: np.ndarray) -> np.ndarray:
    """Mask of the values given: not NaN in a float array, not None in an object array (a
    fallback's missing values; one pass in C instead of ``pd.notna``'s per-object checks).

    >>> present(np.array([1.0, np.nan])).tolist(), present(np.array(["a", None])).tolist()
    ([True, False], [True, False])
    """
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype == object:
        return np.asarray(values != None, dtype=bool)  # noqa: E711 (element-wise)
    return np.ones(len(values), dtype=bool)


__all__ = ["Fallback", "column", "fill_missing", "present"]
