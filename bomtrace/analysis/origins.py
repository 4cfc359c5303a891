"""Where an item is made, and whether its numbers can be trusted at all.

- A US-origin item is subject to the EAR wherever it is (15 CFR 734.3(a)(2)); de minimis
  (734.4) applies only to foreign-made items. :func:`us_items` marks them; the analysis gives
  them the verdict ``subject`` with the basis ``us-origin`` and keeps the de minimis figures
  beside it as information only.
- A product without a country of origin is analysed as foreign-made (made where the BOM's
  owner makes it, outside the US); :func:`product_origins` says so in every result and
  ``--made-in`` settles it.
- Quantities and costs that multiply past the largest float give infinite totals;
  :func:`overflowed` keeps such products out of the analysis with an error, never ``inf`` or
  ``null`` in a verdict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bomtrace.analysis.values import NodeValues
from bomtrace.graph.model import BomGraph
from bomtrace.issues import IssueCode, IssueLog


def us_items(graph: BomGraph, vals: NodeValues, made_in: str | None) -> np.ndarray:
    """Bool per node: a US-origin item. Its own country of origin is US; with ``--made-in
    US``, also an assembly (or product) that gives no origin of its own. Purchased parts
    without an origin stay unknown (they are bounded, not assumed)."""
    out = np.array(vals.is_us, dtype=bool)
    if made_in == "US":
        out |= ~graph.is_leaf & ~graph.has_origin_iso()
    return out


def product_origins(
    graph: BomGraph, roots: list[int], made_in: str | None, sink: IssueLog
) -> dict[int, dict[str, Any]]:
    """Each product's origin entry: ``{"country", "source"}`` with source ``bom`` (its own
    line), ``made-in-option`` or ``assumed-foreign``. A product analysed on an assumption gets
    an ``origin-assumed`` finding that says how to settle it."""
    iso = graph.origin_iso()
    given = graph.attr("country_of_origin")
    out: dict[int, dict[str, Any]] = {}
    for r in roots:
        if iso[r] is not None:
            out[r] = {"country": iso[r], "source": "bom"}
            continue
        if made_in:
            out[r] = {"country": made_in, "source": "made-in-option"}
            continue
        out[r] = {"country": None, "source": "assumed-foreign"}
        pn = str(graph.part_numbers[r])
        if sink.over(IssueCode.ORIGIN_ASSUMED):
            sink.tally(IssueCode.ORIGIN_ASSUMED)
            continue
        what = "no country of origin" if given[r] is None else f"country of origin {given[r]!r}"
        pos = graph.position(r)
        sink.add(
            IssueCode.ORIGIN_ASSUMED,
            f"Product {pn} has {what}, so it is analysed as foreign-made (made by the BOM's "
            "owner outside the US). If it is made in the US it is subject to the EAR whatever "
            "its content (15 CFR 734.3(a)(2)): give its country of origin, or --made-in CC.",
            part_number=pn,
            column=graph.column_letters.get((pos["file"], pos["sheet"], "country_of_origin")),
            **pos,
        )
    return out


def finite_nodes(vals: NodeValues, den: np.ndarray) -> np.ndarray:
    """Bool per node: every rolled-up value and the denominator are finite numbers."""
    ok = np.isfinite(vals.total) & np.isfinite(vals.us) & np.isfinite(vals.us_tech)
    return np.asarray(ok & ~np.isinf(den))


def overflowed(
    graph: BomGraph, vals: NodeValues, den: np.ndarray, sink: IssueLog
) -> dict[int, str]:
    """Products whose values are too large to compute (infinite), with the reason; a
    ``value-overflow`` error at each node where the overflow starts (its children's values
    are still finite)."""
    bad = ~finite_nodes(vals, den) & (graph.height >= 0)  # (blocked nodes have no values)
    if not bad.any():
        return {}
    p, c = graph.parent, graph.child
    bad_below = np.bincount(p[bad[c]], minlength=graph.n_nodes) > 0
    start = np.flatnonzero(bad & ~bad_below)
    names = [str(graph.part_numbers[v]) for v in start[:3]]
    room = sink.room(IssueCode.VALUE_OVERFLOW)
    rows = graph.edge_rows
    for v in start.tolist()[:room]:
        pn = str(graph.part_numbers[v])
        lo, hi = np.searchsorted(p, [v, v + 1])
        if hi > lo:  # the line below it whose quantity × value is the largest
            with np.errstate(all="ignore"):
                size = np.abs(graph.qty[lo:hi] * vals.total[c[lo:hi]])
            j = int(lo + np.nanargmax(np.where(np.isnan(size), -1.0, size)))
            kid = str(graph.part_numbers[c[j]])
            what = f"{graph.qty[j]:g} × {kid} (value {vals.total[c[j]]:.6g} each) is too large"
            f, s = rows["_file"].iat[j], rows["_sheet"].iat[j]
            s = s if isinstance(s, str) else None
            pos = {
                "file": f,
                "sheet": s,
                "row": int(rows["_row"].iat[j]),
                "column": graph.column_letters.get((str(f), s, "quantity")),
            }
        else:
            what, pos = "its own value is too large", dict(graph.position(v))
        sink.add(
            IssueCode.VALUE_OVERFLOW,
            f"The values of {pn} cannot be computed: {what}; the totals pass the largest "
            "number a computer holds (about 1.8e308). The quantity or cost is wrong (a part "
            "number or a date read as a number?); the products above it are not analysed.",
            part_number=pn,
            **pos,
        )
    sink.tally(IssueCode.VALUE_OVERFLOW, max(len(start) - room, 0))
    why = (
        "its rolled-up values are too large to compute (the overflow starts at "
        + ", ".join(names)
        + (" and others" if len(start) > 3 else "")
        + ")"
    )
    return {int(r): why for r in graph.roots if bad[r]}
