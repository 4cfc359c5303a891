"""One row per placement: a single-level BOM that lists a part once per designator.

KiCad's per-component BOM plugins, DipTrace and Eagle part lists write one row per placement
(``R1``, ``R2``, ... each with quantity 1). Rows of a single-level sheet that name the same part
with the same attributes (every field bomtrace reads but the quantity and the designators) are
one line: they are merged into the first such row, quantities added and designators joined, and
the merge is reported once per sheet. Rows that differ in a field (a price, an origin, a DNP
mark) stay separate lines; columns bomtrace does not read are kept from the first row; a row
whose quantity could not be read is never merged.

>>> import pandas as pd
>>> f = pd.DataFrame({"part_number": ["R", "R", "C"], "quantity": [1.0, 1.0, 2.0],
...                   "reference_designators": ["R1", "R2", "C1 C2"], "_row": [2, 3, 4]})
>>> out, merged = group_placements(f)
>>> out["quantity"].tolist(), out["reference_designators"].tolist(), out["_row"].tolist(), merged
([2.0, 2.0], ['R1, R2', 'C1 C2'], [2, 4], 1)
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
    if "quantity" in frame.columns:
        dup &= ~np.isnan(frame["quantity"].to_numpy(dtype=float, na_value=np.nan))
    if dup.sum() < 2:
        return frame, 0
    # the part and every field bomtrace reads; columns it does not read (a datasheet link, a
    # simulation model) are kept from the first row
    keys = [c for c in frame.columns if c not in _PER_PLACEMENT and not str(c).startswith("x:")]
    sub = frame.loc[dup, keys]
    group = sub.groupby(keys, dropna=False, sort=False, observed=True).ngroup().to_numpy()
    at = np.flatnonzero(dup)
    first = pd.Series(at).groupby(group).transform("min").to_numpy()
    merged = at[first != at]
    if not len(merged):
        return frame, 0
    out = frame.copy()
    target = pd.Series(first, index=at)
    if "quantity" in frame.columns:
        sums = frame["quantity"].iloc[at].groupby(first).sum()
        qty = out["quantity"].to_numpy(dtype=float, na_value=np.nan).copy()
        qty[sums.index.to_numpy()] = sums.to_numpy()
        out["quantity"] = qty
    if "reference_designators" in frame.columns:
        refs = frame["reference_designators"].iloc[at]
        joined = refs.groupby(target.to_numpy()).agg(lambda s: ", ".join(s.dropna()) or None)
        col = out["reference_designators"].astype(object)
        col.iloc[joined.index.to_numpy()] = joined.to_numpy()
        out["reference_designators"] = col.astype(frame["reference_designators"].dtype)
    keep = np.ones(len(frame), dtype=bool)
    keep[merged] = False
    return out[keep].reset_index(drop=True), int(len(merged))
