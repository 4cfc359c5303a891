"""Indented BOM lines → unique parent/child edges, vectorised.

An indented export lists every occurrence of a line, so a shared sub-assembly appears in full
under each of its parents. Here each line's parent line is found from the Level column
(the last line one level up in the same file/sheet), children of one occurrence of an
assembly are summed per part number, the *first* listing of each assembly is taken as its
structure, and every later listing is compared with it (quantity and structure conflicts are
issues; the first listing wins).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bomtrace.graph.positions import RowPositions
from bomtrace.io.table import BomTable
from bomtrace.issues import IssueCode, IssueLog


@dataclass
class EdgeList:
    """Unique edges as integer codes into the distinct part numbers, plus blocking facts.

    Part numbers are hashed once (here); everything downstream works on the codes.
    """

    universe: np.ndarray  #: object array: the distinct part numbers the codes index
    parent: np.ndarray  #: int64 code per edge
    child: np.ndarray  #: int64 code per edge
    edges: pd.DataFrame  #: per edge, in the same order: quantity, _file, _sheet, _row
    roots: np.ndarray  #: int64 codes of the parts declared as products, in input order
    #: part number → reason, for products whose listing is structurally broken
    blocked_parts: dict[str, str]
    root_rows: pd.DataFrame  #: _file, _sheet, _row of root lines (quantity irrelevant)
    line_codes: np.ndarray  #: int64 code per line of ``table.lines``
    #: int64 code per row of ``table.parts`` (None without a parts master)
    master_codes: np.ndarray | None = None


def edges_from_indented(table: BomTable, sink: IssueLog) -> EdgeList:
    """Turn indented lines into unique edges.

    Parameters
    ----------
    table : BomTable
        Reader output with ``layout == "indented"``.
    sink : IssueLog
        Receives level-jump, quantity-conflict and structure-conflict issues.

    Returns
    -------
    EdgeList
    """
    df = table.lines.reset_index(drop=True)
    n = len(df)
    codes, uniq = pd.factorize(df["part_number"])
    uniq = pd.Index(np.asarray(uniq, dtype=object))
    pn = uniq.to_numpy()[codes]
    lvl = pd.to_numeric(df["level"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    fcode = pd.factorize(df["_file"])[0]
    scode = pd.factorize(df["_sheet"], use_na_sentinel=False)[0]
    grp = fcode.astype(np.int64) * (int(scode.max(initial=0)) + 1) + scode
    idx = np.arange(n)

    place = RowPositions(table, df)

    bad_level = np.isnan(lvl) | (np.nan_to_num(lvl) != np.round(np.nan_to_num(lvl))) | (lvl < 0)
    lv = np.where(bad_level, -1, np.nan_to_num(lvl)).astype(np.int64)

    # product of each row: the last level-0 row above it in the same file/sheet
    start = lv == 0
    last_start = np.maximum.accumulate(np.where(start, idx, -1))
    prod_row = np.where((last_start >= 0) & (grp[np.maximum(last_start, 0)] == grp), last_start, -1)

    blocked_parts: dict[str, str] = {}

    # rows with an unreadable level block their product (the structure below is unknown)
    for i in np.flatnonzero(bad_level):
        p = prod_row[i]
        if p >= 0:
            blocked_parts.setdefault(
                str(pn[p]), f"the level of row {int(df['_row'].iat[i])} is not a whole number"
            )

    # level jumps: deeper by more than one than the row above (same group)
    prev_lv = np.r_[-1, lv[:-1]]
    prev_grp = np.r_[-1, grp[:-1]]
    jump = (
        (lv > 0)
        & ~bad_level
        & (((prev_grp == grp) & (prev_lv >= 0) & (lv > prev_lv + 1)) | (prev_grp != grp))
    )
    for i in np.flatnonzero(jump):
        p = prod_row[i]
        row = int(df["_row"].iat[i])
        # where the line belongs is unknown: it has no parent, and the line above it and every
        # assembly above that may lack it; they are not analysed (the products above them
        # neither), so no verdict is made from a structure missing the line
        blocked_parts.setdefault(str(pn[i]), f"level jump at row {row}")
        if i > 0 and prev_grp[i] == grp[i]:
            blocked_parts.setdefault(str(pn[i - 1]), f"level jump at row {row}")
        if p >= 0 and (prev_grp[i] == grp[i]):
            msg = (
                f"Row {row} is at level {lv[i]} right after a level-{prev_lv[i]} line; a line "
                f"can only be one level deeper than the line above. Product {pn[p]} is not "
                f"analysed until the levels are fixed."
            )
            blocked_parts.setdefault(str(pn[p]), f"level jump at row {row}")
        else:
            msg = (
                f"Row {row} is at level {lv[i]} but no level-{lv[i] - 1} line precedes it in "
                f"this sheet; the line has no parent and is not used."
            )
        sink.add(
            IssueCode.LEVEL_JUMP,
            msg,
            part_number=str(pn[i]),
            **place.at(int(i), "level"),
        )

    # parent row of every row: the last row one level up (valid when no jump intervened)
    parent_row = np.full(n, -1, dtype=np.int64)
    max_l = int(lv.max()) if n else 0
    for level in range(1, max_l + 1):
        rows = np.flatnonzero(lv == level)
        cands = np.flatnonzero(lv == level - 1)
        if not len(rows) or not len(cands):
            continue
        k = np.searchsorted(cands, rows) - 1
        ok = k >= 0
        pr = np.where(ok, cands[np.maximum(k, 0)], -1)
        same = ok & (grp[np.maximum(pr, 0)] == grp[rows]) & (prod_row[rows] >= 0)
        same &= prod_row[np.maximum(pr, 0)] == prod_row[rows]
        parent_row[rows[same]] = pr[same]

    qty = pd.to_numeric(df["quantity"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    has_parent = parent_row >= 0
    occ = pd.DataFrame(
        {
            "prow": parent_row[has_parent],
            "pcode": codes[parent_row[has_parent]],
            "ccode": codes[has_parent],
            "quantity": qty[has_parent],
            "line": idx[has_parent],
        }
    )
    # sum repeated children within one listing (two lines of R1 under one board = 1 + 1)
    pair = occ["prow"].to_numpy(np.int64) * (len(uniq) + 1) + occ["ccode"].to_numpy(np.int64)
    if pd.Index(pair).has_duplicates:
        nan_any = occ["quantity"].isna().groupby([occ["prow"], occ["ccode"]]).transform("max")
        agg = occ.groupby(["prow", "ccode"], sort=False).agg(
            pcode=("pcode", "first"), quantity=("quantity", "sum"), line=("line", "first")
        )
        agg = agg.reset_index()
        nan_grp = (
            occ.assign(nan=nan_any)
            .groupby(["prow", "ccode"], sort=False)["nan"]
            .max()
            .reset_index(drop=True)
        )
        nan_mask = nan_grp.to_numpy(dtype=bool)
        agg.loc[nan_mask, "quantity"] = np.nan
        if nan_mask.any():  # the line a reason names is the one whose quantity is unusable
            bad = occ[occ["quantity"].isna()]
            first_bad = bad.groupby(["prow", "ccode"], sort=False)["line"].min()
            at = pd.MultiIndex.from_frame(agg.loc[nan_mask, ["prow", "ccode"]])
            agg.loc[nan_mask, "line"] = first_bad.reindex(at).to_numpy()
        occ = agg
    # the first listing of each assembly is its structure
    first_prow = occ.groupby("pcode")["prow"].transform("min")
    is_canon = (occ["prow"] == first_prow).to_numpy()
    canon = occ[is_canon]
    other = occ[~is_canon]
    if len(other):
        _compare_listings(df, pn, uniq, canon, other, sink, place, blocked_parts)

    e = canon
    lines = e["line"].to_numpy()
    edges = pd.DataFrame(
        {
            "quantity": e["quantity"].to_numpy(dtype=float),
            "_file": df["_file"].array.take(lines),
            "_sheet": df["_sheet"].array.take(lines),
            "_row": df["_row"].to_numpy()[lines],
        }
    )
    root_idx = np.flatnonzero(start)
    return EdgeList(
        universe=uniq.to_numpy(),
        parent=e["pcode"].to_numpy(dtype=np.int64),
        child=e["ccode"].to_numpy(dtype=np.int64),
        edges=edges,
        roots=pd.unique(codes[root_idx].astype(np.int64)),
        blocked_parts=blocked_parts,
        root_rows=df.loc[root_idx, ["_file", "_sheet", "_row"]],
        line_codes=codes.astype(np.int64),
    )


def _compare_listings(
    df: pd.DataFrame,
    pn: np.ndarray,
    uniq: pd.Index,
    canon: pd.DataFrame,
    other: pd.DataFrame,
    sink: IssueLog,
    place: RowPositions,
    blocked: dict[str, str],
) -> None:
    """Report where later listings of an assembly differ from its first listing, and block
    the assembly (``blocked``): which listing is right is not known, and a verdict resting
    on a guess is not given."""
    m = len(uniq) + 1
    ckey = canon["pcode"].to_numpy(np.int64) * m + canon["ccode"].to_numpy(np.int64)
    okey = other["pcode"].to_numpy(np.int64) * m + other["ccode"].to_numpy(np.int64)
    cindex = pd.Index(ckey)
    pos = cindex.get_indexer(okey)
    cq = canon["quantity"].to_numpy(dtype=float)
    oq = other["quantity"].to_numpy(dtype=float)
    clines = canon["line"].to_numpy()
    olines = other["line"].to_numpy()
    oprow = other["prow"].to_numpy()
    ocode = other["pcode"].to_numpy(np.int64)
    ccode = canon["pcode"].to_numpy(np.int64)
    # row of the first listing of each assembly (by its code)
    first_row = np.full(m, -1, dtype=np.int64)
    first_row[ccode[::-1]] = canon["prow"].to_numpy()[::-1]
    rows = df["_row"].to_numpy()

    extra = pos < 0
    matched = ~extra
    cqm = cq[np.maximum(pos, 0)]
    # np.isclose(oq, cqm, rtol=1e-9, atol=0), or both empty
    close = (oq == cqm) | (np.abs(oq - cqm) <= 1e-9 * np.abs(cqm))
    differ = matched & ~(close | (np.isnan(oq) & np.isnan(cqm)))
    for j in np.flatnonzero(differ):
        i, ci = olines[j], clines[pos[j]]
        parent = pn[oprow[j]]
        sink.add(
            IssueCode.QUANTITY_CONFLICT,
            f"{pn[i]} has quantity {oq[j]:g} under {parent} here, but {cq[pos[j]]:g} in the "
            f"first listing of {parent} (row {int(rows[ci])}); the products above it are not "
            "analysed until the listings agree.",
            part_number=str(pn[i]),
            data={"parent": str(parent), "first_row": int(rows[ci])},
            **place.at(int(i), "quantity"),
        )
        blocked.setdefault(
            str(parent),
            f"its listings disagree: {pn[i]} has quantity {oq[j]:g} at row {int(rows[i])} "
            f"and {cq[pos[j]]:g} at row {int(rows[ci])}",
        )
    for j in np.flatnonzero(extra):
        i = olines[j]
        parent = pn[oprow[j]]
        at = first_row[ocode[j]]
        frow = int(rows[at if at >= 0 else oprow[j]])
        sink.add(
            IssueCode.STRUCTURE_CONFLICT,
            f"{pn[i]} is listed under {parent} here but not in the first listing of {parent} "
            f"(row {frow}); the products above it are not analysed until the listings agree.",
            part_number=str(pn[i]),
            data={"parent": str(parent), "first_row": frow},
            **place.at(int(i), "part_number"),
        )
        blocked.setdefault(
            str(parent),
            f"its listings disagree: {pn[i]} is under it at row {int(rows[i])} but not in its "
            f"first listing (row {frow})",
        )
    # children of the first listing missing from a later listing
    n_canon = np.bincount(ccode, minlength=m)
    n_rows = len(df)
    n_match = np.bincount(oprow, weights=matched, minlength=n_rows)
    listed = np.bincount(oprow, minlength=n_rows) > 0
    code_at = np.zeros(n_rows, dtype=np.int64)
    code_at[oprow] = ocode
    short = np.flatnonzero(listed & (n_match < n_canon[code_at]))
    for prow in short.tolist():
        code = int(code_at[prow])
        parent = pn[prow]
        frow = int(rows[first_row[code]])
        have = set(other.loc[other["prow"] == prow, "ccode"].to_numpy().tolist())
        missing = [
            str(uniq[c])
            for c in canon.loc[canon["pcode"] == code, "ccode"].to_numpy()
            if c not in have
        ]
        sink.add(
            IssueCode.STRUCTURE_CONFLICT,
            f"This listing of {parent} lacks {', '.join(missing[:5])}"
            f"{' …' if len(missing) > 5 else ''}, which its first listing (row {frow}) has; "
            f"the products above it are not analysed until the listings agree.",
            part_number=str(parent),
            data={"missing": missing, "first_row": frow},
            **place.at(int(prow), "part_number"),
        )
        blocked.setdefault(
            str(parent),
            f"its listings disagree: the one at row {int(rows[prow])} lacks "
            f"{', '.join(missing[:3])}, which its first listing (row {frow}) has",
        )
