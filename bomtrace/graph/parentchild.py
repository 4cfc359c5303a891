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
    if table.parts is not None:
        _check_master(table, df, edges, sink)
    return EdgeList(edges=edges, roots=roots, blocked_parts={}, root_rows=root_rows)


def _check_master(
    table: BomTable, lines: pd.DataFrame, edges: pd.DataFrame, sink: IssueCollector
) -> None:
    """Report parts missing from the master and master parts nothing uses."""
    assert table.parts is not None
    master = table.parts
    known = pd.Index(master["part_number"].to_numpy(dtype=object)).unique()
    # first line that mentions each part (as parent or child)
    pos = pd.concat(
        [
            edges[["parent", "_file", "_sheet", "_row"]].rename(columns={"parent": "pn"}),
            edges[["child", "_file", "_sheet", "_row"]].rename(columns={"child": "pn"}),
        ]
    ).drop_duplicates("pn")
    missing = pos[known.get_indexer(pos["pn"].to_numpy(dtype=object)) < 0]
    cols = ["pn", "_file", "_sheet", "_row"]
    for pn, file, sheet, row in missing[cols].itertuples(index=False, name=None):
        sink.add(
            IssueCode.UNDEFINED_PART,
            f"{pn} is used in the BOM but is not in the parts master; it is kept, with no "
            f"attributes other than those on its BOM lines.",
            part_number=str(pn),
            file=file,
            sheet=sheet,
            row=int(row),
            column=table.letter(str(file), sheet, "part_number"),
        )
    used = pd.Index(
        np.concatenate(
            [
                pos["pn"].to_numpy(dtype=object),
                lines["part_number"].to_numpy(dtype=object),
            ]
        )
    ).unique()
    master_pn = master["part_number"].to_numpy(dtype=object)
    unused = master[used.get_indexer(master_pn) < 0].drop_duplicates("part_number")
    for d in unused.to_dict("records"):
        sink.add(
            IssueCode.UNUSED_MASTER_PART,
            f"{d['part_number']} is in the parts master but no BOM line uses it.",
            part_number=str(d["part_number"]),
            file=d.get("_file"),
            sheet=d.get("_sheet"),
            row=int(d["_row"]) if d.get("_row") is not None else None,
        )
