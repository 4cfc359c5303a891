"""Parent–child edge tables → unique edges.

A line with an empty parent declares a product (its attributes describe the product). The same
(parent, child) pair given twice is taken as the same listing repeated when the quantities
agree (``duplicate-edge``, kept once) and as a ``quantity-conflict`` when they differ (the
first line wins). A part used in the edges but absent from a parts master is kept and
reported (``undefined-part``); master parts no edge uses are reported (``unused-master-part``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bomtrace.graph.indented import EdgeList
from bomtrace.graph.positions import RowPositions
from bomtrace.graph.structure import first_rows
from bomtrace.io.table import BomTable
from bomtrace.issues import IssueCode, IssueLog


def edges_from_parent_child(table: BomTable, sink: IssueLog) -> EdgeList:
    """Turn parent–child lines into unique edges, reporting duplicates and conflicts.

    Child, parent and parts-master part numbers are hashed together once; the rest works on
    the integer codes.
    """
    df = table.lines.reset_index(drop=True)
    n_lines = len(df)
    child_pn = _text(df["part_number"])
    if "parent" in df.columns:
        # vectorised: text, stripped; empty means "a product line"
        parent = _text(df["parent"]).str.strip()
        parent = parent.mask(parent == "")
    else:
        parent = pd.Series(pd.NA, index=df.index, dtype="string")
    master_pn = (
        _text(table.parts["part_number"])
        if table.parts is not None
        else pd.Series([], dtype="string")
    )
    codes, uniq = pd.factorize(
        pd.concat([child_pn, parent, master_pn], ignore_index=True), use_na_sentinel=True
    )
    codes = codes.astype(np.int64, copy=False)
    line_codes, parent_codes = codes[:n_lines], codes[n_lines : 2 * n_lines]
    is_root_line = parent_codes < 0
    sel = np.flatnonzero(~is_root_line)
    pc, cc = parent_codes[sel], line_codes[sel]
    qty = (
        pd.to_numeric(df["quantity"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[sel]
        if "quantity" in df.columns
        else np.full(len(sel), np.nan)
    )
    files = df["_file"].array.take(sel)
    sheets = df["_sheet"].array.take(sel)
    rows = df["_row"].to_numpy()[sel]
    universe = np.asarray(uniq, dtype=object)
    key = pc * (len(universe) + 1) + cc
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    blocked: dict[str, str] = {}
    if dup.any():
        first_of = dict(zip(key[~dup].tolist(), np.flatnonzero(~dup).tolist(), strict=True))
        place = RowPositions(table, df)
        for j in np.flatnonzero(dup):
            f = first_of[int(key[j])]
            q, fq, frow = qty[j], qty[f], int(rows[f])
            same = (np.isnan(q) and np.isnan(fq)) or q == fq
            code = IssueCode.DUPLICATE_EDGE if same else IssueCode.QUANTITY_CONFLICT
            if not same:  # which line is right is not known: no verdict rests on a guess
                p, c = universe[pc[j]], universe[cc[j]]
                blocked.setdefault(
                    str(p),
                    f"{c} under it has quantity {q:g} at row {int(rows[j])} and {fq:g} at row "
                    f"{frow}",
                )
            if sink.over(code):  # counted, not written out
                sink.tally(code)
                continue
            p, c = universe[pc[j]], universe[cc[j]]
            sink.add(
                code,
                f"{c} under {p} is listed again (first at row {frow}) with the same "
                f"quantity; it is counted once."
                if same
                else f"{c} under {p} has quantity {q:g} here but {fq:g} at row {frow}; the "
                f"products above {p} are not analysed until the lines agree.",
                part_number=str(c),
                data={"parent": str(p), "first_row": frow},
                **place.at(int(sel[j]), "part_number" if same else "quantity"),
            )
        keep = ~dup
        pc, cc, qty = pc[keep], cc[keep], qty[keep]
        files, sheets, rows = files[keep], sheets[keep], rows[keep]
    if "level" in df.columns:
        _check_levels(table, df, line_codes, parent_codes, universe, sink)
    root_idx = np.flatnonzero(is_root_line)
    return EdgeList(
        universe=universe,
        parent=pc,
        child=cc,
        edges=pd.DataFrame({"quantity": qty, "_file": files, "_sheet": sheets, "_row": rows}),
        roots=pd.unique(line_codes[root_idx]),
        blocked_parts=blocked,
        root_rows=df.loc[root_idx, ["_file", "_sheet", "_row"]],
        line_codes=line_codes,
        master_codes=codes[2 * n_lines :] if table.parts is not None else None,
    )


def _check_levels(
    table: BomTable,
    df: pd.DataFrame,
    line_codes: np.ndarray,
    parent_codes: np.ndarray,
    universe: np.ndarray,
    sink: IssueLog,
) -> None:
    """A Level column beside the Parent column: the parent decides the structure, and a line
    whose level is not one below a level its parent is listed at is reported
    (``level-parent-mismatch``). A parent listed on no line of its own is not checked."""
    lv = pd.to_numeric(df["level"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    has = ~np.isnan(lv)
    known = pd.MultiIndex.from_arrays([line_codes[has], lv[has]])
    listed = np.zeros(len(universe) + 1, dtype=bool)
    listed[line_codes[has]] = True
    ask = np.flatnonzero(has & (parent_codes >= 0))
    ask = ask[listed[parent_codes[ask]]]
    bad = ask[~pd.MultiIndex.from_arrays([parent_codes[ask], lv[ask] - 1]).isin(known)]
    code = IssueCode.LEVEL_PARENT_MISMATCH
    listed_bad = bad[: sink.room(code)]
    if len(listed_bad):
        place = RowPositions(table, df)
        levels: dict[int, list[float]] = {}
        for c, v in zip(line_codes[has].tolist(), lv[has].tolist(), strict=True):
            levels.setdefault(c, []).append(v)
    for j in listed_bad.tolist():
        p, c = universe[parent_codes[j]], universe[line_codes[j]]
        at = ", ".join(f"{x:g}" for x in sorted(set(levels[int(parent_codes[j])])))
        sink.add(
            code,
            f"{c} has level {lv[j]:g} under {p}, which is listed at level {at}: the Level and "
            f"Parent columns disagree. The Parent column is used for the structure; check "
            f"the line (a child is one level below its parent).",
            part_number=str(c),
            data={"parent": str(p), "level": float(lv[j])},
            **place.at(j, "level"),
        )
    sink.tally(code, len(bad) - len(listed_bad))


def _text(col: pd.Series) -> pd.Series:
    """A column as a pandas string column (kept as it is when it already is one)."""
    return col if isinstance(col.dtype, pd.StringDtype) else col.astype("string")


def check_master_nodes(
    table: BomTable,
    edges: pd.DataFrame,
    pn_all: np.ndarray,
    gm: np.ndarray,
    p: np.ndarray,
    c: np.ndarray,
    sink: IssueLog,
) -> None:
    """Report BOM parts missing from the parts master, and master parts no line uses.

    ``gm`` is the node id of each master row (-1: no BOM line uses the part); ``p``/``c``
    are the node ids of ``edges`` in its own row order; every node is used by a BOM line by
    construction, so "used" is "has a node id".
    """
    assert table.parts is not None  # noqa: S101 - only called with a master
    master = table.parts
    n = len(pn_all)
    in_master = np.zeros(n, dtype=bool)
    in_master[gm[gm >= 0]] = True
    # first edge row that mentions each node (as parent or child)
    m = len(edges)
    rows = np.arange(m)
    first = np.minimum(first_rows(p, rows, n, 2 * m + 1), first_rows(c, rows, n, 2 * m + 1))
    # the product line bomtrace put above a single-level BOM is not a part the master lacks
    added = {str(s.product["part_number"]) for s in table.sources if s.product}
    if added:
        in_master |= np.isin(pn_all.astype(str), list(added))
    undefined = np.flatnonzero(~in_master & (first <= 2 * m))
    code = IssueCode.UNDEFINED_PART
    listed = undefined[: sink.room(code)].tolist()  # the others are only counted, below
    pos = RowPositions(table, edges)
    for v in listed:
        pn = str(pn_all[v])
        sink.add(
            code,
            f"{pn} is used in the BOM but is not in the parts master; it is kept, with no "
            f"attributes other than those on its BOM lines.",
            part_number=pn,
            **pos.at(int(first[v]), "part_number"),
        )
    sink.tally(code, len(undefined) - len(listed))
    unused = master[gm < 0].drop_duplicates("part_number")
    for d in unused.to_dict("records"):
        sink.add(
            IssueCode.UNUSED_MASTER_PART,
            f"{d['part_number']} is in the parts master but no BOM line uses it.",
            part_number=str(d["part_number"]),
            file=d.get("_file"),
            sheet=d.get("_sheet"),
            row=int(d["_row"]) if d.get("_row") is not None else None,
        )
