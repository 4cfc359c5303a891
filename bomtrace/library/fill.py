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
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, select

from bomtrace.countries import normalize_country
from bomtrace.eccn import normalize_eccn
from bomtrace.graph.fallback import values_at
from bomtrace.graph.model import BomGraph
from bomtrace.io.table import NUMERIC_FIELDS
from bomtrace.issue_codes import Severity
from bomtrace.issues import IssueCode, IssueLog
from bomtrace.library.db import chunks
from bomtrace.library.results import source, source_text, stamp
from bomtrace.library.schema import PART_FIELDS, part_history, parts
from bomtrace.library.snapshot import SOURCES, read_snapshot

#: fields that describe a part without deciding anything: their disagreements are ``info``
DESCRIPTIVE = frozenset({"description", "manufacturer", "mpn", "supplier", "uom"})
#: part numbers per ``IN (...)`` query (SQLite allows 32,766 parameters)
CHUNK = 5_000
#: a BOM with this many parts reads the whole library in one pass when the library has at
#: most SCAN_RATIO times as many parts (cheaper than hundreds of ``IN`` queries)
SCAN_FROM = 20_000
SCAN_RATIO = 4


class LibraryLookup:
    """The library's values of a BOM's parts, read when the build asks (a
    :data:`~bomtrace.graph.fallback.Fallback`); ``frame`` keeps what it returned.

    A BOM of many parts against a library not much larger takes the library's Arrow snapshot
    (:mod:`bomtrace.library.snapshot`), which :meth:`read_early` reads before the BOM's part
    numbers are known (``analyze --db`` calls it on a thread while the BOM is read); without
    a snapshot of the library's state, one pass over the table. A smaller BOM asks for its
    parts by chunked ``IN`` queries. Only the columns some part has a value in are read; the
    statements are SQLAlchemy's, parameterised.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.frame: pd.DataFrame | None = None
        self._early: tuple[int, pd.DataFrame | None] | None = None

    def read_early(self) -> None:
        """Read the library's size and, when large, its snapshot now (used if the BOM turns
        out large)."""
        self._early = self._snapshot()

    def _snapshot(self) -> tuple[int, pd.DataFrame | None]:
        with self.engine.connect() as conn:
            n = int(conn.execute(select(func.count()).select_from(parts)).scalar_one())
            return n, (read_snapshot(conn) if n >= SCAN_FROM else None)

    def __call__(self, part_numbers: np.ndarray) -> pd.DataFrame:
        n_lib, snap = self._early if self._early is not None else self._snapshot()
        self._early = None  # not kept beside the frame
        large = len(part_numbers) >= SCAN_FROM and n_lib <= SCAN_RATIO * len(part_numbers)
        if large and snap is not None:  # parts not in the BOM: ignored by the build
            return self._keep(snap, part_numbers)
        with self.engine.connect() as conn:
            counts = conn.execute(select(*(func.count(parts.c[f]) for f in PART_FIELDS))).one()
            fields = [f for f, n in zip(PART_FIELDS, counts, strict=True) if n]
            cols = [parts.c.part_number, *(parts.c[f] for f in fields)]
            rows: list[Any] = []
            if large:
                rows.extend(conn.execute(select(*cols)))
            else:
                for chunk in chunks([str(p) for p in part_numbers], CHUNK):
                    rows.extend(conn.execute(select(*cols).where(parts.c.part_number.in_(chunk))))
        names = ["part_number", *fields]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        frame = pd.DataFrame(
            {
                n: pd.Series(np.array(c, dtype=object), dtype=object, copy=False)
                for n, c in zip(names, columns, strict=True)
            },
            copy=False,
        )
        return self._keep(frame, part_numbers)

    def _keep(self, frame: pd.DataFrame, part_numbers: np.ndarray) -> pd.DataFrame:
        """``frame`` with each row's node id (``_node``; the build's order of part numbers),
        kept for :func:`library_use`."""
        frame["_node"] = node_ids(frame["part_number"], part_numbers)
        self.frame = frame
        return frame


def node_ids(pns: pd.Series, part_numbers: np.ndarray) -> np.ndarray:
    """The node id (position in ``part_numbers``) of each of ``pns``; -1 when not there.
    Arrow-backed part numbers are looked up in Arrow (no Python object per part)."""
    if isinstance(pns.array, pd.arrays.ArrowStringArray):
        try:
            bom = pa.array(part_numbers, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # part numbers that are not all texts: the pandas way below
        else:
            got = pc.index_in(pa.chunked_array(pns.array._pa_array).cast(pa.large_string()), bom)
            return np.asarray(pc.fill_null(got, -1).to_numpy(zero_copy_only=False), np.int64)
    return np.asarray(pd.Index(part_numbers, dtype=object).get_indexer(pns), np.int64)


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
    frame = lookup.frame
    if frame is None:
        frame = pd.DataFrame({"part_number": [], "_node": np.zeros(0, dtype=np.int64)})
    node = frame["_node"].to_numpy()
    known = np.flatnonzero(node >= 0)
    lib_row = np.full(len(graph.part_numbers), -1, dtype=np.int64)  # node → library row
    lib_row[node[known]] = known
    filled = _filled(lookup.engine, graph, frame, lib_row)
    disagree = _disagreements(lookup.engine, graph, frame, lib_row, sink, letters)
    return {
        "parts_known": len(known),
        "parts_filled": len({e["part_number"] for e in filled}),
        "values_filled": len(filled),
        "disagreements": disagree,
        "library_as_of": _last_change(lookup.engine),
        "filled": filled,
    }


def _filled(
    engine: Engine, graph: BomGraph, frame: pd.DataFrame, lib_row: np.ndarray
) -> list[dict[str, Any]]:
    """Every value the library filled, with its source, by part number, then field (in the
    readers' order)."""
    fields = [(k, f) for k, f in enumerate(PART_FIELDS) if f in graph.filled]
    if not fields:
        return []
    at = {f: np.flatnonzero(graph.filled[f]) for _, f in fields}
    every = np.concatenate([at[f] for _, f in fields])
    fidx = np.concatenate([np.full(len(at[f]), k) for k, f in fields])
    values: list[Any] = []
    found: list[dict[str, Any] | None] = []
    if SOURCES in frame.attrs:
        for _, f in fields:
            found.extend(_snapshot_sources(frame, f, lib_row[at[f]]))
    else:
        nodes = np.unique(every).tolist()
        sources = _provenance(engine, [str(graph.part_numbers[v]) for v in nodes])
        for _, f in fields:
            found.extend(sources.get((str(graph.part_numbers[v]), f)) for v in at[f].tolist())
    for _, f in fields:
        values.extend((graph.num_attr(f) if f in NUMERIC_FIELDS else graph.attr(f))[at[f]].tolist())
    pns = graph.part_numbers[every]
    rank, _ = pd.factorize(pns, sort=True)
    order = np.lexsort((fidx, rank))
    names = np.array(PART_FIELDS, dtype=object)[fidx[order]].tolist()
    return [
        {"part_number": str(p), "field": f, "value": _plain(values[i]), "source": found[i]}
        for p, f, i in zip(pns[order].tolist(), names, order.tolist(), strict=True)
    ]


def _snapshot_sources(
    frame: pd.DataFrame, field: str, rows: np.ndarray
) -> list[dict[str, Any] | None]:
    """The sources of ``field`` on the snapshot's ``rows``, from its provenance columns."""
    if f"{field}:src" not in frame.columns:
        return [None] * len(rows)
    made = [source(file, sheet, None, at, imp) for file, sheet, at, imp in frame.attrs[SOURCES]]
    src = frame[f"{field}:src"].to_numpy()[rows].tolist()
    row = frame[f"{field}:row"].to_numpy()[rows].tolist()
    return [
        None if k < 0 else made[k] | {"row": None if r < 0 else r}
        for k, r in zip(src, row, strict=True)
    ]


def _disagreements(
    engine: Engine,
    graph: BomGraph,
    frame: pd.DataFrame,
    lib_row: np.ndarray,
    sink: IssueLog,
    letters: Any,
) -> int:
    """Compare the values the BOM and the library both give (the build's ``overlap``)."""
    pending: list[tuple[str, str, int, Any, Any]] = []
    for f in PART_FIELDS:
        mask = graph.overlap.get(f)
        if mask is None or f not in frame.columns:
            continue
        at = np.flatnonzero(mask)
        rows, col = lib_row[at], frame[f]
        if isinstance(col.dtype, pd.CategoricalDtype):
            at, rows = _unlike_codes(graph, f, col, at, rows)
        bom = (graph.num_attr(f) if f in NUMERIC_FIELDS else graph.attr(f))[at]
        lib = values_at(col, rows)
        for i in np.flatnonzero(_differ(f, bom, lib)).tolist():
            v = int(at[i])
            pending.append((str(graph.part_numbers[v]), f, v, bom[i], lib[i]))
    listed = pending[: sink.room(IssueCode.LIBRARY_DISAGREES)]
    sources = _provenance(engine, [p[0] for p in listed])
    return _emit(graph, listed, len(pending), sink, letters, sources)


def _unlike_codes(
    graph: BomGraph, field: str, col: pd.Series, at: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Of the pairs of BOM node ``at`` and library row ``rows``, those whose values are not
    the same value: the graph's codes of the field against the library's categorical codes
    (each distinct value looked up once; no value compared per part)."""
    codes, distinct = graph.codes(field)
    cats = col.cat.categories.to_numpy(dtype=object)
    to_bom = np.append(pd.Index(distinct, dtype=object).get_indexer(cats), -1)  # -1: not there
    lib = to_bom[col.cat.codes.to_numpy()[rows]]  # (a missing value's code -1: the last)
    unlike = (lib < 0) | (lib != codes[at])
    return at[unlike], rows[unlike]


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
        where = f" (from {source_text(src, dated=True) or 'the library'})" if src else ""
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


def _provenance(engine: Engine, pns: list[str]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Per (part, field) of ``pns``, where the library's current value came from: the part's
    ``sources`` (kept beside its values by every import), else its history."""
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    if not pns:
        return out
    wanted = sorted(set(pns))
    with engine.connect() as conn:  # by primary key: only the parts asked for
        for chunk in chunks(wanted, CHUNK):
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
        for chunk in chunks(sorted(set(pns)), CHUNK):
            for r in conn.execute(select(*cols).where(h.part_number.in_(chunk)).order_by(h.id)):
                out[(r.part_number, r.field)] = source(  # later rows replace earlier ones
                    r.source_file, r.source_sheet, r.source_row, stamp(r.changed_at), r.import_id
                )
    return out


def _last_change(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return stamp(conn.execute(select(func.max(part_history.c.changed_at))).scalar())


__all__ = ["LibraryLookup", "library_use"]
