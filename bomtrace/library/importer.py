"""``library import``: the parts' attributes of a table the readers made, upserted in one
transaction with a history row for every value that changes.

Per part and field the first non-empty value wins (parts-master rows before BOM lines, each in
file order); another non-empty value on a later row is an ``attribute-conflict`` issue at that
row. A value the file leaves empty never erases the library's. A part with no value at all
(a product line the reader added, say) is not stored. A supplier's answer sheet in the layout
``suppliers --request-sheet`` writes (one row per part and fact: a ``Fact`` column naming the
field, a ``Your answer`` column) gives each answer to its field, converted as the readers
convert that field, at the answer's row (:func:`with_answers`).

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
import math
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from bomtrace.countries import normalize_country
from bomtrace.eccn import normalize_eccn
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, BomTable
from bomtrace.io.values import parse_flags, parse_numbers
from bomtrace.issues import Issue, IssueCode, IssueLog
from bomtrace.library.db import chunks
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
#: the columns of a request sheet (bomtrace/report/request_sheet.py) naming the fact asked and
#: holding the supplier's answer, as the readers keep headers that are no field
FACT_COLUMN, ANSWER_COLUMN = "x:Fact", "x:Your answer"
#: the request sheet's columns an import reads (the answers) or has no use for (the question)
_REQUEST_COLUMNS = (FACT_COLUMN, ANSWER_COLUMN, "x:Question", "x:Qty used")
#: what the readers note of a request sheet's columns, which bomtrace wrote itself
_REQUEST_NOTES = frozenset({IssueCode.UNMAPPED_COLUMN, IssueCode.KEY_COLUMN})
#: what the readers say of a BOM's structure and quantities, which the library does not keep
_NOT_FOR_LIBRARY = frozenset({
    IssueCode.PRODUCT_ADDED, IssueCode.SHEETS_COMBINED, IssueCode.BUILD_QUANTITY,
    IssueCode.PLACEMENTS_GROUPED, IssueCode.QUANTITY_UNIT, IssueCode.QUANTITY_FROM_DESIGNATORS,
    IssueCode.DESIGNATOR_MISMATCH, IssueCode.DO_NOT_POPULATE, IssueCode.UNDEFINED_PART,
    IssueCode.UNUSED_MASTER_PART, IssueCode.DUPLICATE_EDGE,
})  # fmt: skip


@dataclass(frozen=True)
class Sourced:
    """A value with the file, sheet and row it was read from."""

    value: Any
    file: str | None
    sheet: str | None
    row: int | None


def utc_now() -> datetime:
    """Now, in UTC, without a zone (as stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _empty(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _plain(v: Any) -> Any:
    """A value as stored: Python bool, float or str."""
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return str(v)


def _answer(fld: str, text: str) -> tuple[Any, IssueCode | None]:
    """A supplier's answer converted as the readers convert ``fld``; None and the issue code
    when it is not a value of that field."""
    s = pd.Series([text], dtype="str")
    if fld in BOOLEAN_FIELDS:
        flags, bad = parse_flags(s)
        return (None, IssueCode.BAD_FLAG) if bad[0] else (bool(flags[0]), None)
    if fld in NUMERIC_FIELDS:
        values, bad, _ = parse_numbers(s, percent=fld == "us_content_pct")
        return (None, IssueCode.BAD_NUMBER) if bad[0] else (float(values[0]), None)
    if fld == "country_of_origin":
        return normalize_country(text) or text, None
    if fld == "eccn":
        return normalize_eccn(text), None
    return text, None


def with_answers(table: BomTable, frame: pd.DataFrame, log: IssueLog) -> pd.DataFrame:
    """``frame`` with a request sheet's answers in the fields they answer (a copy; ``frame``
    itself when it has no ``Fact`` and ``Your answer`` columns). An answer that is not a value
    of its field (a flag that is not yes or no, say) is an issue at its row."""
    if FACT_COLUMN not in frame.columns or ANSWER_COLUMN not in frame.columns:
        return frame
    frame = frame.copy()
    facts = frame[FACT_COLUMN].astype(object).tolist()
    answers = frame[ANSWER_COLUMN].astype(object).tolist()
    for i, (fact, answer) in enumerate(zip(facts, answers, strict=True)):
        if _empty(fact) or _empty(answer) or str(fact).strip() not in PART_FIELDS:
            continue
        fld, text = str(fact).strip(), str(answer).strip()
        value, bad = _answer(fld, text)
        if fld not in frame.columns:
            frame[fld] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        elif frame[fld].dtype != object:
            frame[fld] = frame[fld].astype(object)
        if bad is not None:
            raw: list[Any] = [
                frame[c].iat[i] if c in frame.columns else None for c in ("_file", "_sheet", "_row")
            ]
            file = None if _empty(raw[0]) else str(raw[0])
            sheet = None if _empty(raw[1]) else str(raw[1])
            log.add(
                Issue(
                    bad,
                    f"The answer {text!r} for {fld} is not a value of that field; it is not "
                    "imported.",
                    file=file,
                    sheet=sheet,
                    row=None if _empty(raw[2]) else int(raw[2]),
                    column=table.column_letters.get((str(file), sheet, ANSWER_COLUMN)),
                    part_number=str(frame["part_number"].iat[i]),
                )
            )
            continue
        frame.iat[i, frame.columns.get_loc(fld)] = value
    return frame


def part_values(table: BomTable, log: IssueLog) -> dict[str, dict[str, Sourced]]:
    """Each part's attributes (first non-empty value wins), conflicts added to ``log``."""
    frames = [
        with_answers(table, f, log) for f in (table.parts, table.lines) if f is not None and len(f)
    ]
    out: dict[str, dict[str, Sourced]] = {}
    for frame in frames:
        fields = [f for f in PART_FIELDS if f in frame.columns]
        cols: dict[str, list[Any]] = {
            c: frame[c].astype(object).tolist() if c in frame.columns else [None] * len(frame)
            for c in ("part_number", "_file", "_sheet", "_row", *fields)
        }
        for i, pn in enumerate(cols["part_number"]):
            if _empty(pn):
                continue
            pn = str(pn)
            got = out.setdefault(pn, {})
            raw = [cols[c][i] for c in ("_file", "_sheet", "_row")]
            file = None if _empty(raw[0]) else str(raw[0])
            sheet = None if _empty(raw[1]) else str(raw[1])
            row = None if _empty(raw[2]) else int(raw[2])
            for f in fields:
                v = cols[f][i]
                if _empty(v):
                    continue
                v = _plain(v)
                first = got.get(f)
                if first is None:
                    got[f] = Sourced(v, file, sheet, row)
                elif first.value != v:
                    log.add(_conflict(table, pn, f, first, v, file, sheet, row))
    return {pn: vals for pn, vals in out.items() if vals}


def _conflict(
    table: BomTable, pn: str, f: str, first: Sourced, v: Any, file: Any, sheet: Any, row: Any
) -> Issue:
    where = f"row {first.row}" + (f" of {first.file}" if first.file != file else "")
    return Issue(
        IssueCode.ATTRIBUTE_CONFLICT,
        f"Part {pn}: {f} is {v!r} here but {first.value!r} on {where}; the library takes the "
        "first.",
        file=file,
        sheet=sheet,
        row=row,
        column=table.column_letters.get((file, sheet, f)),
        part_number=pn,
    )


def for_library(table: BomTable) -> list[Issue]:
    """The readers' issues that concern a parts library: not those about a BOM's structure and
    quantities (a product named from the file, sheets read as one product, a build quantity,
    placements merged, the column read as the quantity, BOM lines and parts-master rows that do
    not match), which it does not keep, nor notes on
    a request sheet's own columns (its answers are read; its "Part Number" column holds the
    part numbers bomtrace wrote, even short ones that look like designators)."""
    quantity = {(f, s, c) for (f, s, fld), c in table.column_letters.items() if fld == "quantity"}
    request = {
        (f, s, c)
        for (f, s, fld), c in table.column_letters.items()
        if fld in (*_REQUEST_COLUMNS, "part_number")
        and (f, s, FACT_COLUMN) in table.column_letters
        and (f, s, ANSWER_COLUMN) in table.column_letters
    }
    out = []
    for i in table.issues:
        at = (i.file, i.sheet, i.column)
        if i.code in _NOT_FOR_LIBRARY:
            continue
        if i.code == IssueCode.KEY_COLUMN and at in quantity:
            continue
        if i.code in _REQUEST_NOTES and at in request:
            continue
        out.append(i)
    return out


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
