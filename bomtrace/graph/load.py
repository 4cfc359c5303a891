"""From what a verb is given (paths, a read table or a built graph) to a validated graph.

Every verb starts here, so reading options are combined and an empty BOM is refused in one
place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from bomtrace.errors import GraphError
from bomtrace.graph.build import build_graph
from bomtrace.graph.fallback import Fallback
from bomtrace.graph.model import BomGraph
from bomtrace.io import ReadOptions, read_bom
from bomtrace.io.table import BomTable
from bomtrace.progress import ProgressCallback

PathArg = str | os.PathLike[str]
Source = PathArg | Sequence[PathArg] | BomTable | BomGraph


def as_paths(src: PathArg | Sequence[PathArg]) -> list[PathArg]:
    """One path or several, as a list."""
    if isinstance(src, str | os.PathLike):
        return [src]
    return list(src)


def read_options(
    read: ReadOptions | None,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    layout: str | None = None,
) -> ReadOptions:
    """``read`` (default options when None) with ``columns``, ``sheet`` and ``layout`` set
    where given."""
    return (read or ReadOptions()).with_(columns=columns, sheet=sheet, layout=layout)


def load_graph(
    source: Source,
    *,
    read: ReadOptions | None = None,
    progress: ProgressCallback | None = None,
    fallback: Fallback | None = None,
) -> tuple[BomGraph, BomTable | None]:
    """Read (when given paths) and build the validated graph.

    Returns the graph and the table it came from (None when a graph was passed in).
    ``progress`` is called with "reading" and "building" as those stages start; ``fallback``
    fills the attributes the BOM leaves empty (:func:`~bomtrace.graph.build.build_graph`; not
    used when a built graph is passed in).

    Raises
    ------
    bomtrace.errors.GraphError
        The BOM has no lines.
    """
    if isinstance(source, BomGraph):
        graph, table = source, None
    else:
        if progress:
            progress("reading")
        table = source if isinstance(source, BomTable) else read_bom(as_paths(source), read)
        if progress:
            progress("building")
        graph = build_graph(
            table, limit_issues=(read or ReadOptions()).limit_issues, fallback=fallback
        )
    if graph.n_nodes == 0:
        raise GraphError("The BOM has no lines: there is no product to analyse.")
    return graph, table


__all__ = ["PathArg", "Source", "as_paths", "load_graph", "read_options"]
