"""Run records: every ``analyze --db`` stored with what it was run on and what it found.

A run keeps the bomtrace version, the ruleset's date and data version, the options, the input
files with their SHA-256, what the parts library gave, the exit code, the whole JSON document
(compressed, :func:`pack`: ``bomtrace show RUN_ID`` re-renders it in any format without the
inputs) and one ``run_results`` row per product × destination (``bomtrace history PN``).
``replay`` holds how to run it again (the inputs' absolute paths and the reading options) for
``library impact``; it is never shown.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
import pyarrow as pa
from sqlalchemy import Engine, insert, select

from bomtrace.errors import UsageError
from bomtrace.library.importer import utc_now
from bomtrace.library.records import HistoryEntry, ProductHistory, StoredRun
from bomtrace.library.results import stamp
from bomtrace.library.schema import run_results, runs

#: a stored blob compressed with Zstandard starts with this mark and its size (8 bytes, little
#: endian); any other is zlib (runs stored before, or a pyarrow without Zstandard)
_ZSTD = b"BTZ1"


def pack(data: bytes) -> bytes:
    """A document or part-number list as stored: Zstandard at level 1 (through pyarrow; about
    four times faster than zlib's fastest level, and smaller), else zlib.

    >>> unpack(pack(b"abc" * 1000)) == b"abc" * 1000
    True
    """
    if not pa.Codec.is_available("zstd"):
        return zlib.compress(data, 1)
    packed = pa.Codec("zstd", compression_level=1).compress(data, asbytes=True)
    return _ZSTD + struct.pack("<Q", len(data)) + packed


def unpack(blob: bytes) -> bytes:
    """What :func:`pack` stored (or zlib, as runs were stored before)."""
    if blob[:4] == _ZSTD:
        (size,) = struct.unpack_from("<Q", blob, 4)
        data = memoryview(blob)[12:]
        return pa.Codec("zstd").decompress(data, decompressed_size=size, asbytes=True)  # type: ignore[no-any-return]
    return zlib.decompress(blob)


def _fdpr_rules(product: dict[str, Any], country: str) -> list[str]:
    hits = product.get("fdpr") or []
    return sorted({str(e.get("rule_id")) for e in hits if e.get("destination") in (None, country)})


def result_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``run_results`` row per product × destination of an analysis document."""
    rows = []
    for p in doc.get("products", []):
        denom = (p.get("denominator") or {}).get("value")
        for d in p.get("destinations") or []:
            bounds = d.get("bounds") or {}
            rows.append(
                {
                    "product": p["part_number"],
                    "destination": d["country"],
                    "verdict": d.get("verdict"),
                    "ratio": d.get("ratio"),
                    "ratio_high": bounds.get("high"),
                    "threshold": d.get("threshold"),
                    "controlled_us_value": d.get("controlled_us_value"),
                    "denominator": denom,
                    "fdpr": json.dumps(_fdpr_rules(p, d["country"])),
                    "top_parts": json.dumps(
                        [c["part_number"] for c in d.get("top_contributors") or []]
                    ),
                }
            )
        if not p.get("destinations"):  # not analysed: kept, so history shows it
            rows.append({"product": p["part_number"], "destination": "", "verdict": "not-analysed"})
    return rows


def store_run(
    engine: Engine,
    doc: dict[str, Any],
    *,
    exit_code: int,
    command: str = "analyze",
    replay: dict[str, Any] | None = None,
    part_numbers: Sequence[Any] = (),
    now: datetime | None = None,
    document: bytes | None = None,
) -> int:
    """Store one analysis in one transaction; its run id. ``doc`` is its JSON document, or
    (with ``document``, the document's JSON bytes) the document's top-level entries that the
    run's columns and rows are made of: ``bomtrace_version``, ``ruleset``, ``options``,
    ``inputs``, ``library`` and ``products``."""
    ruleset = doc.get("ruleset") or {}
    if document is None:
        document = orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)
    blob = pack(document)
    try:
        text = "\n".join(part_numbers)
    except TypeError:  # a graph built in code may have other part numbers than texts
        text = "\n".join(map(str, part_numbers))
    pns = pack(text.encode("utf-8"))
    library = doc.get("library")
    with engine.begin() as conn:
        key = conn.execute(
            insert(runs).values(
                created_at=now or utc_now(),
                command=command,
                bomtrace_version=str(doc.get("bomtrace_version")),
                ruleset_as_of=ruleset.get("as_of"),
                ruleset_data_version=ruleset.get("data_version"),
                options=json.dumps(doc.get("options") or {}, sort_keys=True),
                inputs=json.dumps(doc.get("inputs") or []),
                library=None
                if library is None
                else json.dumps({k: v for k, v in library.items() if k != "filled"}),
                replay=None if replay is None else json.dumps(replay),
                exit_code=int(exit_code),
                document=blob,
                part_numbers=pns,
            )
        ).inserted_primary_key
        assert key is not None
        run_id = int(key[0])
        rows = [r | {"run_id": run_id} for r in result_rows(doc)]
        if rows:
            conn.execute(insert(run_results), rows)
    return run_id


def load_run(engine: Engine, run_id: int) -> StoredRun:
    """A stored run, its document decompressed.

    Raises
    ------
    UsageError
        No run has that id.
    """
    with engine.connect() as conn:
        r = conn.execute(select(runs).where(runs.c.id == run_id)).first()
    if r is None:
        raise UsageError(f"No run {run_id} in the library: `bomtrace history PN` lists the runs.")
    return StoredRun(
        run_id=int(r.id),
        created_at=r.created_at,
        command=r.command,
        exit_code=int(r.exit_code),
        document=orjson.loads(unpack(r.document)),
    )


def run_parts(blob: bytes | None) -> set[str]:
    """The part numbers a run's BOM had."""
    return set(unpack(blob).decode("utf-8").split("\n")) if blob else set()


def _changes(prev: Any, cur: Any, prev_rows: dict[str, Any], rows: dict[str, Any]) -> list[str]:
    """What differs between two runs of a product, in words."""
    out = []
    if prev.ruleset_as_of != cur.ruleset_as_of:
        out.append(f"rules of {prev.ruleset_as_of} -> {cur.ruleset_as_of}")
    if prev.ruleset_data_version != cur.ruleset_data_version:
        out.append(f"ruleset data {prev.ruleset_data_version} -> {cur.ruleset_data_version}")
    if prev.bomtrace_version != cur.bomtrace_version:
        out.append(f"bomtrace {prev.bomtrace_version} -> {cur.bomtrace_version}")
    old_in = {i.get("path"): i.get("sha256") for i in json.loads(prev.inputs)}
    new_in = {i.get("path"): i.get("sha256") for i in json.loads(cur.inputs)}
    if sorted(old_in.values()) != sorted(new_in.values()):
        out.append("input files changed (" + ", ".join(sorted(str(p) for p in new_in)) + ")")
    if prev.options != cur.options:
        a, b = json.loads(prev.options), json.loads(cur.options)
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k) and k != "destinations")
        if a.get("bom_date") == prev.ruleset_as_of and b.get("bom_date") == cur.ruleset_as_of:
            keys = [k for k in keys if k != "bom_date"]  # the BOM's date follows the rules'
        if keys:
            out.append("options: " + ", ".join(keys))
    if (prev.library or None) != (cur.library or None):
        la, lb = json.loads(prev.library or "{}"), json.loads(cur.library or "{}")
        if la.get("library_as_of") != lb.get("library_as_of"):
            out.append(
                f"parts library as of {la.get('library_as_of')} -> {lb.get('library_as_of')}"
            )
    for dest in sorted(set(prev_rows) & set(rows)):
        a, b = prev_rows[dest], rows[dest]
        if a.top_parts != b.top_parts:
            out.append(f"{dest}: top parts {', '.join(json.loads(a.top_parts or '[]')) or '-'}"
                       f" -> {', '.join(json.loads(b.top_parts or '[]')) or '-'}")  # fmt: skip
    return out


def product_history(
    engine: Engine, product: str, destinations: Sequence[str] = ()
) -> ProductHistory:
    """The verdicts ``product`` has had in the stored runs, oldest first, each with what
    changed since the run before.

    Raises
    ------
    UsageError
        No stored run has the product.
    """
    q = select(run_results).where(run_results.c.product == product)
    if destinations:
        q = q.where(run_results.c.destination.in_(list(destinations)))
    with engine.connect() as conn:
        results = list(conn.execute(q.order_by(run_results.c.run_id, run_results.c.destination)))
        ids = sorted({r.run_id for r in results})
        meta = {
            r.id: r
            for r in conn.execute(
                select(
                    runs.c.id,
                    runs.c.created_at,
                    runs.c.command,
                    runs.c.bomtrace_version,
                    runs.c.ruleset_as_of,
                    runs.c.ruleset_data_version,
                    runs.c.options,
                    runs.c.inputs,
                    runs.c.library,
                ).where(runs.c.id.in_(ids))  # fmt: skip
            )
        }
    if not results:
        raise UsageError(
            f"No stored run has the product {product}: `bomtrace analyze BOM --db …` stores runs."
        )
    by_run: dict[int, dict[str, Any]] = {}
    for r in results:
        by_run.setdefault(r.run_id, {})[r.destination] = r
    entries: list[HistoryEntry] = []
    prev_id: int | None = None
    for rid in ids:
        m, rows = meta[rid], by_run[rid]
        changed = [] if prev_id is None else _changes(meta[prev_id], m, by_run[prev_id], rows)
        flips = []
        if prev_id is not None:
            for dest in sorted(set(rows) & set(by_run[prev_id])):
                a, b = by_run[prev_id][dest].verdict, rows[dest].verdict
                if a != b:
                    flips.append({"destination": dest, "before": a, "after": b})
        entries.append(
            HistoryEntry(
                run_id=rid,
                created_at=stamp(m.created_at),
                command=m.command,
                ruleset_as_of=m.ruleset_as_of,
                inputs=[i.get("path") for i in json.loads(m.inputs)],
                results=[_result(r) for r in rows.values()],
                verdict_changes=flips,
                changed=changed,
            )
        )
        prev_id = rid
    return ProductHistory(product=product, entries=entries)


def _result(r: Any) -> dict[str, Any]:
    return {
        "destination": r.destination,
        "verdict": r.verdict,
        "ratio": r.ratio,
        "ratio_high": r.ratio_high,
        "threshold": r.threshold,
        "controlled_us_value": r.controlled_us_value,
        "denominator": r.denominator,
        "fdpr": json.loads(r.fdpr) if r.fdpr else [],
    }


__all__ = ["load_run", "product_history", "result_rows", "run_parts", "store_run"]
