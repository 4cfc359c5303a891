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

from bomtrace.graph.collect import IssueCollector
from bomtrace.graph.indented import EdgeList
from bomtrace.io.table import BomTable
from bomtrace.issues import IssueCode


def edges_from_parent_child(table: BomTable, sink: IssueCollector) -> EdgeList:
    """Turn parent–child lines into unique edges, reporting duplicates and conflicts."""
    df = table.lines.reset_index(drop=True)
    if "parent" in df.columns:
        # vectorised: text, stripped; empty means "a product line"
        parent = df["parent"].astype("string").str.strip()
        parent = parent.where(parent.notna() & (parent != ""), None).astype(object)
    else:
        parent = pd.Series([None] * len(df), dtype=object)
    is_root_line = parent.isna().to_numpy()

    def letter(i: int, field: str) -> str | None:
        return table.letter(str(df["_file"].iat[i]), df["_sheet"].iat[i], field)

    e = pd.DataFrame(
        {
            "parent": parent[~is_root_line].astype("string").reset_index(drop=True),
            "child": df.loc[~is_root_line, "part_number"].astype("string").reset_index(drop=True),
            "quantity": pd.to_numeric(df.loc[~is_root_line, "quantity"], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
            if "quantity" in df.columns
            else np.full(int((~is_root_line).sum()), np.nan),
            "_file": df.loc[~is_root_line, "_file"].to_numpy(),
            "_sheet": df.loc[~is_root_line, "_sheet"].to_numpy(),
            "_row": df.loc[~is_root_line, "_row"].to_numpy(),
            "line": np.flatnonzero(~is_root_line),
        }
    )
    dup = e.duplicated(["parent", "child"], keep="first").to_numpy()
    if dup.any():
        first = e[~dup].set_index(["parent", "child"])
        for j in np.flatnonzero(dup):
            p, c, q = e["parent"].iat[j], e["child"].iat[j], e["quantity"].iat[j]
            f = first.loc[(p, c)]
            fq, frow = float(f["quantity"]), int(f["_row"])
            i = int(e["line"].iat[j])
            pos = {
                "file": e["_file"].iat[j],
                "sheet": e["_sheet"].iat[j],
                "row": int(e["_row"].iat[j]),
            }
            if (np.isnan(q) and np.isnan(fq)) or q == fq:
                sink.add(
                    IssueCode.DUPLICATE_EDGE,
                    f"{c} under {p} is listed again (first at row {frow}) with the same "
                    f"quantity; it is counted once.",
                    part_number=str(c),
                    column=letter(i, "part_number"),
                    data={"parent": str(p), "first_row": frow},
                    **pos,
                )
            else:
                sink.add(
                    IssueCode.QUANTITY_CONFLICT,
                    f"{c} under {p} has quantity {q:g} here but {fq:g} at row {frow}; the first "
                    f"line is used.",
                    part_number=str(c),
                    column=letter(i, "quantity"),
                    data={"parent": str(p), "first_row": frow},
                    **pos,
                )
        e = e[~dup]
    roots = list(dict.fromkeys(df.loc[is_root_line, "part_number"].astype(str)))
    root_rows = df.loc[is_root_line, ["_file", "_sheet", "_row"]]
    edges = e.drop(columns=["line"]).reset_index(drop=True)
    # the parts-master check runs on integer node ids once they exist (check_master_nodes)
    return EdgeList(edges=edges, roots=roots, blocked_parts={}, root_rows=root_rows)


def check_master_nodes(
    table: BomTable,
    edges: pd.DataFrame,
    pn_all: pd.Index,
    p: np.ndarray,
    c: np.ndarray,
    sink: IssueCollector,
) -> None:
    """Report BOM parts missing from the parts master, and master parts no line uses.

    ``p``/``c`` are the node ids of ``edges`` in its own row order; every node is used by a
    BOM line by construction, so "used" is "has a node id".
    """
    assert table.parts is not None  # noqa: S101 - only called with a master
    master = table.parts
    gm = pn_all.get_indexer(master["part_number"].astype("string"))
    n = len(pn_all)
    in_master = np.zeros(n, dtype=bool)
    in_master[gm[gm >= 0]] = True
    # first edge row that mentions each node (as parent or child)
    m = len(edges)
    first = np.full(n, 2 * m + 1, dtype=np.int64)
    both = np.concatenate([p, c])
    pos = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((pos, both))
    if len(both):
        sb, sp_ = both[order], pos[order]
        starts = np.flatnonzero(np.r_[True, sb[1:] != sb[:-1]])
        first[sb[starts]] = sp_[starts]
    files = edges["_file"].to_numpy(dtype=object)
    sheets = edges["_sheet"].to_numpy(dtype=object)
    rows = edges["_row"].to_numpy()
    for v in np.flatnonzero(~in_master & (first <= 2 * m)):
        j = int(first[v])
        pn = str(pn_all[v])
        sink.add(
            IssueCode.UNDEFINED_PART,
            f"{pn} is used in the BOM but is not in the parts master; it is kept, with no "
            f"attributes other than those on its BOM lines.",
            part_number=pn,
            file=files[j],
            sheet=sheets[j],
            row=int(rows[j]),
            column=table.letter(str(files[j]), sheets[j], "part_number"),
        )
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
