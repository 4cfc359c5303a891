#!/usr/bin/env python3
"""Build ``samples/revisions/rtr_e200_b.csv``: revision B of the edge router (``rtr_e200``), an
indented BOM, for ``bomtrace diff``. Revision A is ``samples/rtr_e200.xlsx``; B is made from
the same data (``samples/parent-child/rtr_e200_*.csv``, written by ``build_samples.py``).

Revision B (illustrative, like every sample):

- the switch ASIC 0063-0010 goes from one to two per main board (a second switching plane);
- the security processor 0063-0001 is re-sourced from a German maker (origin DE);
- a front-panel label 90-0001-01 (EAR99, origin DE, 0.40) is added to the chassis.

Deterministic: the same input gives the same bytes. Run ``python samples/build_revision_sample.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "parent-child"
OUT = HERE / "revisions"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with (SRC / "rtr_e200_edges.csv").open(newline="", encoding="utf-8") as f:
        edges = list(csv.reader(f))
    head, rows = edges[0], edges[1:]
    out_edges = [head]
    for parent, child, qty in rows:
        if (parent, child) == ("20-1187-03", "0063-0010"):
            qty = "2"
        out_edges.append([parent, child, qty])
    chassis = next(r[1] for r in rows if r[0] == "RTR-E200" and r[1].startswith("20-13"))
    out_edges.append([chassis, "90-0001-01", "1"])
    with (SRC / "rtr_e200_parts.csv").open(newline="", encoding="utf-8") as f:
        parts = list(csv.reader(f))
    cols = parts[0]
    out_parts = [cols]
    for r in parts[1:]:
        rec = dict(zip(cols, r, strict=True))
        if rec["Part Number"] == "0063-0001":
            rec["Country of Origin"] = "DE"
            rec["Manufacturer"] = "Rheinland Secure GmbH"
        out_parts.append([rec[c] for c in cols])
    label = dict.fromkeys(cols, "")
    label.update(
        {
            "Part Number": "90-0001-01",
            "Description": "Front-panel label",
            "Unit Cost": "0.40",
            "Currency": "USD",
            "Country of Origin": "DE",
            "ECCN": "EAR99",
        }
    )
    out_parts.append([label[c] for c in cols])
    master = {r[0]: dict(zip(cols, r, strict=True)) for r in out_parts[1:]}
    kids: dict[str, list[tuple[str, str]]] = {}
    for parent, child, qty in out_edges[1:]:
        kids.setdefault(parent, []).append((child, qty))
    rows_out = [["Level", *cols[:2], "Qty", *cols[2:]]]

    def visit(pn: str, level: int, qty: str) -> None:
        rec = master[pn]
        rows_out.append([str(level), pn, rec[cols[1]], qty, *(rec[c] for c in cols[2:])])
        for child, q in kids.get(pn, []):
            visit(child, level + 1, q)

    visit("RTR-E200", 0, "")
    with (OUT / "rtr_e200_b.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows_out)
    print(f"wrote {OUT / 'rtr_e200_b.csv'}")


if __name__ == "__main__":
    main()
