"""The three de minimis tracks (15 CFR 734.4(c)/(d) (1)-(3)): which track an ``item_type`` names,
and which nodes' own content counts on each track."""

from __future__ import annotations

import numpy as np

from bomtrace.analysis.costs import node_issue
from bomtrace.graph.model import BomGraph, first_positions
from bomtrace.issues import IssueCode, IssueLog

TRACKS: tuple[str, ...] = ("commodity", "software", "technology")
_TRACK_WORDS = {
    "software": ("software", "sw", "firmware", "fw", "program", "code", "application"),
    "technology": ("technology", "tech", "technical data", "data", "know-how", "design"),
}
#: item_type values that name commodities without saying so (ERP make/buy codes)
_COMMODITY_WORDS = (
    "commodity", "hardware", "hw", "part", "component", "material", "make", "buy",
    "purchased", "manufactured", "assembly", "product", "phantom", "raw", "goods",
)  # fmt: skip


def track_of(value: object) -> str | None:
    """Track named by an ``item_type`` value; None when the value names no track.

    >>> track_of("Firmware"), track_of("Buy"), track_of(None), track_of("xyz")
    ('software', 'commodity', 'commodity', None)
    """
    if value is None:
        return "commodity"
    text = str(value).strip().casefold()
    if not text:
        return "commodity"
    for track, words in _TRACK_WORDS.items():
        if text in words:
            return track
    return "commodity" if text in _COMMODITY_WORDS else None


def node_tracks(graph: BomGraph, sink: IssueLog) -> np.ndarray:
    """Track of every node (``item_type`` read once per distinct value); an ``item_type``
    that names no track is reported once, at its first node, and read as commodity."""
    codes, distinct = graph.codes("item_type")
    named = [track_of(v) for v in distinct] + [track_of(None)]
    out = np.array([t or "commodity" for t in named], dtype=object)[codes]
    bad: dict[str, int] = {}
    unnamed = [c for c, t in enumerate(named[:-1]) if t is None]
    if unnamed:
        first = first_positions(codes, len(distinct))
        for c in unnamed:  # in order of first appearance
            bad.setdefault(str(distinct[c]), int(first[c]))
    for value, i in bad.items():
        node_issue(
            graph,
            sink,
            i,
            IssueCode.UNKNOWN_ITEM_TYPE,
            f"Item type {value!r} (first at {graph.part_numbers[i]}) is not commodity, "
            "software or technology; those parts are read as commodities.",
            "item_type",
        )
    return out


def content_masks(track: np.ndarray, bundled: np.ndarray) -> dict[str, np.ndarray]:
    """Which nodes' own content counts on each track."""
    sw = track == "software"
    return {
        "commodity": (track == "commodity") | (sw & (bundled == True)),  # noqa: E712
        "software": sw,
        "technology": track == "technology",
    }


def software_notes(
    graph: BomGraph,
    sink: IssueLog,
    track: np.ndarray,
    bundled: np.ndarray,
    is_us: np.ndarray,
) -> None:
    """US software in the BOM that is not flagged bundled: one issue per part."""
    loose = is_us & (track == "software") & (bundled != True)  # noqa: E712
    if not loose.any():
        return
    parents = set(graph.parent[np.isin(graph.child, np.flatnonzero(loose))].tolist())
    if not any(track[p] == "commodity" for p in parents):
        return
    for v in np.flatnonzero(loose)[:50]:
        node_issue(
            graph,
            sink,
            int(v),
            IssueCode.SOFTWARE_NOT_BUNDLED,
            f"{graph.part_numbers[v]} is US-origin software not flagged bundled: it is not "
            "counted in the de minimis of the commodities it is listed under (flag bundled=yes "
            "when it is shipped with and configured for the hardware).",
            "item_type",
        )
