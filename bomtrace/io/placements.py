"""One row per placement: a single-level BOM that lists a part once per designator.

KiCad's per-component BOM plugins, DipTrace and Eagle part lists write one row per placement
(``R1``, ``R2``, ... each with quantity 1). In such a sheet (it has designators, and at least
80% of its rows count one part) the rows that name the same part with the same fields are one
line: they are merged into the first such row, quantities added, designators joined, and what
the placements write in columns bomtrace does not read (a label such as ``FIRE``, a simulation
model) joined as well, so nothing written is lost; the merge is reported once per sheet. Rows
that differ in a field bomtrace reads (a price, an origin, a DNP mark) stay separate lines; a
row whose quantity could not be read is never merged. A sheet that groups its lines already
(rows with several designators) is left as written: a part on two of its rows stays two lines.

>>> import pandas as pd
>>> f = pd.DataFrame({"part_number": ["R", "R", "C"], "quantity": [1.0, 1.0, 1.0],
...                   "reference_designators": ["R1", "R2", "C1"], "x:Value": ["A", "B", "C"],
...                   "_row": [2, 3, 4]})
>>> out, merged = group_placements(f)
>>> out["quantity"].tolist(), out["reference_designators"].tolist(), out["x:Value"].tolist()
([2.0, 1.0], ['R1, R2', 'C1'], ['A, B', 'C'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: columns that differ between the placements of one part
_PER_PLACEMENT = ("quantity", "reference_designators", "_row")


def group_placements(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Merge the rows of one part with equal attributes; return the frame and the number of
    rows merged into an earlier one."""
    pn = frame["part_number"]
    dup = pn.duplicated(keep=False).to_numpy(dtype=bool).copy()
    if dup.sum() < 2 or "quantity" not in frame.columns:
        return frame, 0
    if "reference_designators" not in frame.columns:
        return frame, 0  # a placement is a designator: a list without them names no placements
    qty = frame["quantity"].to_numpy(dtype=float, na_value=np.nan)
    read = ~np.isnan(qty)
    if not read.any() or (qty[read] <= 1).mean() < 0.8:
        return frame, 0  # lines grouped already: not one row per placement
    dup &= read
    joined = [c for c in frame.columns if str(c).startswith("x:")]
    keys = [c for c in frame.columns if c not in _PER_PLACEMENT and c not in joined]
    sub = frame.loc[dup, keys]
    group = sub.groupby(keys, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    at = np.flatnonzero(dup)
    first = pd.Series(at).groupby(group).transform("min").to_numpy()
    merged = at[first != at]
    if not len(merged):
        return frame, 0
    out = frame.copy()
    target = pd.Series(first, index=at)
    sums = frame["quantity"].iloc[at].groupby(first).sum()
    total = qty.copy()
    total[sums.index.to_numpy()] = sums.to_numpy()
    out["quantity"] = total
    for name in [c for c in ("reference_designators",) if c in frame.columns] + joined:
        texts = frame[name].iloc[at]
        agg = texts.groupby(target.to_numpy()).agg(
            lambda s: ", ".join(dict.fromkeys(s.dropna().astype(str))) or None
        )
        col = out[name].astype(object)
        col.iloc[agg.index.to_numpy()] = agg.to_numpy()
        out[name] = col.astype(frame[name].dtype)
    keep = np.ones(len(frame), dtype=bool)
    keep[merged] = False
    return out[keep].reset_index(drop=True), int(len(merged))
