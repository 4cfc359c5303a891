"""``library import``: the parts' attributes of a table the readers made, upserted in one
transaction with a history row for every value that changes.

What is read, per part (first values, request-sheet answers, the issues that concern the
library), is :mod:`bomtrace.library.reading`'s. A value the file leaves empty never erases the
library's. A part with no value at all (a product line the reader added, say) is not stored.

The transaction starts with a write (the ``imports`` row), so that on SQLite a second importer
waits for the first (busy timeout) instead of both reading and one failing to write; the rows
read are locked (``SELECT … FOR UPDATE`` where the database has it, in part-number order). On
PostgreSQL two importers adding the same new part at once cannot lock a row that does not exist
yet: the second one's insert fails on the primary key when the first commits. The whole
transaction is then run again (a few times, with a short back-off), and finds the part; so is a
serialization failure or a deadlock the server broke. Every statement is parameterised.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bomtrace.io.table import BomTable
from bomtrace.issues import IssueLog
from bomtrace.library.db import chunks
from bomtrace.library.reading import Sourced, for_library, part_values
from bomtrace.library.results import Change, LibraryImport, source, stamp
from bomtrace.library.schema import PART_FIELDS, imports, part_history, parts
from bomtrace.library.snapshot import Written, lock_snapshot, write_snapshot

#: part numbers per ``IN (...)`` query
_CHUNK = 500
#: history rows per insert
_HISTORY_CHUNK = 50_000
#: times an import's transaction is tried when it collides with another import
TRIES = 5
#: SQLSTATEs of a transaction the server rolled back and that may succeed when run again:
#: serialization failure, deadlock detected
_RETRY_STATES = frozenset({"40001", "40P01"})


def utc_now() -> datetime:
    """Now, in UTC, without a zone (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def import_table(
    engine: Engine, table: BomTable, *, now: datetime | None = None, log: IssueLog | None = None
) -> LibraryImport:
    """Upsert the parts of ``table`` into the library in one transaction (see the module)."""
    log = log or IssueLog()
    log.extend(for_library(table))
    values = part_values(table, log)
    files = [{"file": s.path, "sha256": s.sha256} for s in table.sources]
    files = list({(f["file"], f["sha256"]): f for f in files}.values())  # a file's sheets once
    for attempt in range(TRIES):
        try:
            import_id, added, changed, changes = _import_once(engine, values, files, now)
            break
        except DBAPIError as e:
            if attempt == TRIES - 1 or not _retryable(e):
                raise
            time.sleep(0.05 * 2**attempt * (1 + random.random()))
    return LibraryImport(
        import_id=import_id,
        files=files,
        parts_read=len(values),
        parts_added=added,
        parts_changed=changed,
        changes=changes,
        issues=log.finish(sort=True),
    )


def _import_once(
    engine: Engine,
    values: dict[str, dict[str, Sourced]],
    files: list[dict[str, Any]],
    now: datetime | None,
) -> tuple[int, list[str], list[str], list[Change]]:
    """One try of the import's transaction: the import id, the parts added and changed, the
    changes."""
    with engine.begin() as conn:
        key = conn.execute(
            insert(imports).values(files=json.dumps(files), started_at=now or utc_now())
        ).inserted_primary_key
        assert key is not None
        import_id = int(key[0])
        base = lock_snapshot(conn)  # imports bring the snapshot up to date one at a time
        existing = _existing(conn, sorted(values))
        # dated once the rows are locked: a change is never dated before the one it follows
        when = now or utc_now()
        added, changed, changes = _plan(values, existing, when, import_id)
        written = _write_parts(conn, values, existing, added, changed, when, changes)
        _write_history(conn, changes)
        conn.execute(update(imports).where(imports.c.id == import_id).values(finished_at=utc_now()))
        write_snapshot(conn, when, base, written)
    return import_id, added, changed, changes


def _retryable(e: DBAPIError) -> bool:
    """Whether the failed transaction may succeed when run again: a duplicate key (another
    import added the same part first), a serialization failure or a deadlock."""
    if isinstance(e, IntegrityError):
        return True
    state = getattr(e.orig, "sqlstate", None) or getattr(e.orig, "pgcode", None)
    return state in _RETRY_STATES


def _existing(conn: Connection, pns: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in chunks(pns, _CHUNK):
        q = (
            select(parts)
            .where(parts.c.part_number.in_(chunk))
            .order_by(parts.c.part_number)
            .with_for_update()
        )
        for r in conn.execute(q):
            out[r.part_number] = dict(r._mapping)
    return out


def _plan(
    values: dict[str, dict[str, Sourced]],
    existing: dict[str, dict[str, Any]],
    when: datetime,
    import_id: int,
) -> tuple[list[str], list[str], list[Change]]:
    added, changed, changes = [], [], []
    for pn in sorted(values):
        old = existing.get(pn)
        mine = [
            Change(
                pn,
                f,
                None if old is None else old[f],
                s.value,
                s.file,
                s.sheet,
                s.row,
                when,
                import_id,
            )
            for f, s in values[pn].items()
            if old is None or old[f] != s.value
        ]
        if old is None:
            added.append(pn)
        elif mine:
            changed.append(pn)
        changes.extend(mine)
    return added, changed, changes


def _write_parts(
    conn: Connection,
    values: dict[str, dict[str, Sourced]],
    existing: dict[str, dict[str, Any]],
    added: list[str],
    changed: list[str],
    when: datetime,
    changes: list[Change],
) -> dict[str, Written]:
    """Insert the added parts and update the changed ones; each one's values and sources as
    written."""
    src: dict[str, dict[str, Any]] = {}
    at = stamp(when)  # every change of an import is of its time
    for c in changes:  # where each changed value came from, beside the value (``sources``)
        src.setdefault(c.part_number, {})[c.field] = source(c.file, c.sheet, c.row, at, c.import_id)
    written: dict[str, Written] = {}
    for pn in added + changed:
        old = existing.get(pn, {})
        mine = values[pn]
        row = {f: (mine[f].value if f in mine else old.get(f)) for f in PART_FIELDS}
        text = old.get("sources")
        written[pn] = (row, (json.loads(text) if text else {}) | src.get(pn, {}))
    if added:
        rows = [
            {"part_number": pn, "updated_at": when, "sources": json.dumps(written[pn][1])}
            | dict(written[pn][0])
            for pn in added
        ]
        conn.execute(insert(parts), rows)
    if changed:
        stmt = (
            update(parts)
            .where(parts.c.part_number == bindparam("pn"))
            .values(
                {f: bindparam(f"v_{f}") for f in PART_FIELDS}
                | {"updated_at": when, "sources": bindparam("v_sources")}
            )
        )
        rows = [
            {"pn": pn, "v_sources": json.dumps(written[pn][1])}
            | {f"v_{f}": v for f, v in written[pn][0].items()}
            for pn in changed
        ]
        conn.execute(stmt, rows)
    return written


def _write_history(conn: Connection, changes: list[Change]) -> None:
    """One history row per change, inserted a chunk at a time (the rows of a half-million-part
    import are not all held at once)."""
    for chunk in chunks(changes, _HISTORY_CHUNK):
        conn.execute(
            insert(part_history),
            [
                {
                    "part_number": c.part_number,
                    "field": c.field,
                    "old": None if c.old is None else orjson.dumps(c.old).decode(),
                    "new": orjson.dumps(c.new).decode(),
                    "source_file": c.file,
                    "source_sheet": c.sheet,
                    "source_row": c.row,
                    "changed_at": c.changed_at,
                    "import_id": c.import_id,
                }
                for c in chunk
            ],
        )
