"""``analyze --db``: the parts library fills what the BOM leaves empty, and says so.

:class:`LibraryLookup` is the graph build's fallback (:mod:`bomtrace.graph.fallback`): given
the BOM's part numbers it reads the library's values of those parts (chunked, parameterised
``IN`` queries). After the build, :func:`library_use` reports

- every value the library filled, with where the library had it from (the file, sheet and row
  of the history row that set it, and when);
- every value the BOM gives that the library has otherwise: a ``library-disagrees`` issue at
  the BOM's cell, naming the library's value and its source. The BOM's value is used: the
  library never overrides a BOM silently.

Values are compared as the analysis reads them: countries as ISO codes, ECCNs normalised,
numbers to nine significant digits, texts without case or spacing differences. A difference
in a field that only describes the part (description, manufacturer, MPN, supplier, unit of
measure) is an ``info`` issue; in any other field, a ``warning``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from bomtrace.countries import normalize_country
from bomtrace.eccn import normalize_eccn
from bomtrace.graph.model import BomGraph
from bomtrace.io.table import NUMERIC_FIELDS
from bomtrace.issue_codes import Severity
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.library.results import stamp
from bomtrace.library.schema import PART_FIELDS, part_history, parts
from bomtrace.library.snapshot import read_snapshot

#: fields that describe a part without deciding anything: their disagreements are ``info``
DESCRIPTIVE = frozenset({"description", "manufacturer", "mpn", "supplier", "uom"})
#: part numbers per ``IN (...)`` query (SQLite allows 32,766 parameters)
CHUNK = 5_000
#: a BOM with this many parts reads the whole library in one pass when the library has at
#: most SCAN_RATIO times as many parts (cheaper than hundreds of ``IN`` queries)
SCAN_FROM = 20_000
SCAN_RATIO = 4


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class LibraryLookup:
    """The library's values of a BOM's parts, read when the build asks (a
    :data:`~bomtrace.graph.fallback.Fallback`); ``frame`` keeps what it returned.

    Only the columns some part has a value in are read. A BOM of many parts against a library
    not much larger is read in one pass over the library (filtered here); otherwise by
    chunked ``IN`` queries. Either way the statements are SQLAlchemy's, parameterised.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.frame: pd.DataFrame | None = None

    def __call__(self, part_numbers: np.ndarray) -> pd.DataFrame:
        pns = [str(p) for p in part_numbers]
        with self.engine.connect() as conn:
            counts = conn.execute(
                select(func.count(), *(func.count(parts.c[f]) for f in PART_FIELDS))
            ).one()
            fields = [f for f, n in zip(PART_FIELDS, counts[1:], strict=True) if n]
            cols = [parts.c.part_number, *(parts.c[f] for f in fields)]
            rows: Sequence[Any] = []
            if len(pns) >= SCAN_FROM and counts[0] <= SCAN_RATIO * len(pns):
                snap = read_snapshot(conn)  # parts not in the BOM: ignored by the build
                if snap is not None:
                    self.frame = snap
                    return snap
                rows = conn.execute(select(*cols)).all()
            else:
                for chunk in _chunks(pns):
                    q = select(*cols).where(parts.c.part_number.in_(chunk))
                    rows = [*rows, *conn.execute(q).all()]
        names = ["part_number", *fields]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        frame = pd.DataFrame(
            {
                n: pd.Series(np.array(c, dtype=object), dtype=object, copy=False)
                for n, c in zip(names, columns, strict=True)
            },
            copy=False,
        )
        self.frame = frame
        return frame


def _key(field: str, v: Any) -> Any:
    """A value as the analysis reads it, to compare the BOM's with the library's.

    >>> _key("country_of_origin", "USA") == _key("country_of_origin", "United States")
    True
    >>> _key("eccn", "5a991 ") == _key("eccn", "5A991"), _key("description", " DSP  chip")
    (True, 'dsp chip')
    """
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if field == "country_of_origin":
        return normalize_country(v) or str(v).strip().casefold()
    if field in ("eccn", "us_technology_eccns"):
        return normalize_eccn(v) or str(v).strip()
    return " ".join(str(v).split()).casefold()


def _differ(field: str, bom: np.ndarray, lib: np.ndarray) -> np.ndarray:
    """Mask of the pairs whose values differ for the analysis (each distinct value read once)."""
    if field in NUMERIC_FIELDS:
        a, b = bom.astype(float), lib.astype(float)
        return ~np.isclose(a, b, rtol=1e-9, atol=1e-12)
    out = np.asarray(bom != lib, dtype=bool)  # equal as given: equal as read
    at = np.flatnonzero(out)
    if len(at):
        codes, uniq = pd.factorize(np.concatenate([bom[at], lib[at]]))
        keys = np.array([_key(field, u) for u in uniq] + [None], dtype=object)
        k = keys[codes]
        out[at] = k[: len(at)] != k[len(at) :]
    return out


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def library_use(
    graph: BomGraph, lookup: LibraryLookup, sink: IssueLog, letters: Any = None
) -> dict[str, Any]:
    """What the library gave this analysis (the document's ``library`` block), disagreements
    added to ``sink`` as ``library-disagrees`` issues.

    ``letters(file, sheet, field)`` gives the column letter of a field in a BOM source (the
    table's :meth:`~bomtrace.io.table.BomTable.letter`), to position the issues.
    """
    frame = lookup.frame if lookup.frame is not None else pd.DataFrame(columns=["part_number"])
    node = pd.Index(graph.part_numbers, dtype=object).get_indexer(frame["part_number"])
    known = node >= 0
    frame, node = frame[known].reset_index(drop=True), node[known]
    filled_nodes = sorted({int(v) for m in graph.filled.values() for v in np.flatnonzero(m)})
    sources = _provenance(lookup.engine, [str(graph.part_numbers[v]) for v in filled_nodes])
    filled: list[dict[str, Any]] = []
    for f in PART_FIELDS:
        mask = graph.filled.get(f)
        if mask is None:
            continue
        for v in np.flatnonzero(mask).tolist():
            pn = str(graph.part_numbers[v])
            value = graph.num_attr(f)[v] if f in NUMERIC_FIELDS else graph.attr(f)[v]
            filled.append({"part_number": pn, "field": f, "value": _plain(value),
                           "source": sources.get((pn, f))})  # fmt: skip
    filled.sort(key=lambda e: (e["part_number"], PART_FIELDS.index(e["field"])))
    disagree = _disagreements(lookup.engine, graph, frame, node, sink, letters)
    return {
        "parts_known": int(len(frame)),
        "parts_filled": len({e["part_number"] for e in filled}),
        "values_filled": len(filled),
        "disagreements": disagree,
        "library_as_of": _last_change(lookup.engine),
        "filled": filled,
    }


def _disagreements(
    engine: Engine,
    graph: BomGraph,
    frame: pd.DataFrame,
    node: np.ndarray,
    sink: IssueLog,
    letters: Any,
) -> int:
    pending: list[tuple[str, str, int, Any, Any]] = []
    for f in PART_FIELDS:
        if f not in frame.columns:
            continue
        lib = frame[f].to_numpy(dtype=object)
        has = pd.notna(lib)
        if not has.any():
            continue
        if f in NUMERIC_FIELDS:
            bom = graph.num_attr(f)[node]
            given = ~np.isnan(bom)
        else:
            bom = graph.attr(f)[node]
            given = pd.notna(bom)
        mask = graph.filled.get(f)
        if mask is not None:
            given &= ~mask[node]
        at = np.flatnonzero(has & given)
        if not len(at):
            continue
        for i in at[_differ(f, bom[at], lib[at])].tolist():
            pending.append((str(frame["part_number"].iat[i]), f, int(node[i]), bom[i], lib[i]))
    listed = pending[: sink.room(IssueCode.LIBRARY_DISAGREES)]
    sources = _provenance(engine, [p[0] for p in listed])
    return _emit(graph, listed, len(pending), sink, letters, sources)


def _emit(
    graph: BomGraph,
    listed: list[tuple[str, str, int, Any, Any]],
    found: int,
    sink: IssueLog,
    letters: Any,
    sources: dict[tuple[str, str], dict[str, Any] | None],
) -> int:
    for pn, f, v, bom, lib in listed:
        pos = graph.position(v)
        src = sources.get((pn, f))
        where = f" (from {_where(src)})" if src else ""
        sink.add(
            IssueCode.LIBRARY_DISAGREES,
            f"Part {pn}: the BOM gives {f} {_plain(bom)!r} but the parts library has "
            f"{_plain(lib)!r}{where}; the BOM's value is used. Correct the BOM or the library "
            "(bomtrace library import).",
            part_number=pn,
            file=pos["file"],
            sheet=pos["sheet"],
            row=pos["row"],
            column=letters(str(pos["file"]), pos["sheet"], f) if letters and pos["file"] else None,
            data={"field": f, "bom": _plain(bom), "library": _plain(lib)},
            severity=Severity.INFO if f in DESCRIPTIVE else None,
        )
    sink.tally(IssueCode.LIBRARY_DISAGREES, found - len(listed))
    return found


def _where(src: dict[str, Any]) -> str:
    parts_ = [str(src["file"])] if src.get("file") else []
    if src.get("sheet"):
        parts_.append(f"sheet {src['sheet']}")
    if src.get("row") is not None:
        parts_.append(f"row {src['row']}")
    if src.get("changed_at"):
        parts_.append(str(src["changed_at"])[:10])
    return ", ".join(parts_) or "the library"


def _provenance(engine: Engine, pns: list[str]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Per (part, field) of ``pns``, where the library's current value came from: the part's
    ``sources`` (kept beside its values by every import), else its history."""
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    if not pns:
        return out
    wanted = sorted(set(pns))
    with engine.connect() as conn:  # by primary key: only the parts asked for
        for chunk in _chunks(wanted):
            q = select(parts.c.part_number, parts.c.sources).where(parts.c.part_number.in_(chunk))
            for pn, text in conn.execute(q):
                if text:
                    for f, src in json.loads(text).items():
                        out[(pn, f)] = src
    # parts imported before ``sources`` was kept: their history says
    found = {pn for pn, _ in out}
    missing = [pn for pn in wanted if pn not in found]
    return _sources(engine, missing) | out


def _sources(engine: Engine, pns: list[str]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Per (part, field), where the library's current value came from: its latest history
    row's file, sheet, row, time and import."""
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    if not pns:
        return out
    h = part_history.c
    cols = [h.id, h.part_number, h.field, h.source_file, h.source_sheet, h.source_row,
            h.changed_at, h.import_id]  # fmt: skip
    with engine.connect() as conn:
        for chunk in _chunks(sorted(set(pns))):
            for r in conn.execute(select(*cols).where(h.part_number.in_(chunk)).order_by(h.id)):
                out[(r.part_number, r.field)] = {  # later rows replace earlier ones
                    "file": r.source_file,
                    "sheet": r.source_sheet,
                    "row": r.source_row,
                    "changed_at": stamp(r.changed_at),
                    "import_id": r.import_id,
                }
    return out


def _last_change(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return stamp(conn.execute(select(func.max(part_history.c.changed_at))).scalar())


__all__ = ["LibraryLookup", "library_use"]
