"""Reading the library: one part's values now or as of a date (folded from its history), its
history, and every part as a table for ``library export``."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from bomtrace.errors import UsageError
from bomtrace.library.results import Change, LibraryExport, LibraryPart
from bomtrace.library.schema import PART_FIELDS, part_history, parts


def _end_of(day: date) -> datetime:
    """The first instant after ``day`` (UTC): changes before it are in effect on ``day``."""
    return datetime.combine(day + timedelta(days=1), time())


def show_part(engine: Engine, part: str, as_of: date | None = None) -> LibraryPart:
    """The values of ``part`` (on ``as_of``, from its history: changes made up to the end of
    that day, UTC) and the history up to then.

    Raises
    ------
    UsageError
        The part is not in the library (on that date).
    """
    q = select(part_history).where(part_history.c.part_number == part)
    if as_of is not None:
        q = q.where(part_history.c.changed_at < _end_of(as_of))
    q = q.order_by(part_history.c.changed_at, part_history.c.id)
    with engine.connect() as conn:
        history = [
            Change(
                r.part_number, r.field, None if r.old is None else json.loads(r.old),
                None if r.new is None else json.loads(r.new), r.source_file, r.source_sheet,
                r.source_row, r.changed_at, r.import_id,
            )  # fmt: skip
            for r in conn.execute(q)
        ]
        row = None
        if as_of is None:
            row = conn.execute(select(parts).where(parts.c.part_number == part)).first()
    if as_of is None:
        if row is None:
            raise UsageError(f"Part {part} is not in the parts library.")
        values = {f: row._mapping[f] for f in PART_FIELDS if row._mapping[f] is not None}
    else:
        if not history:
            raise UsageError(f"Part {part} was not in the parts library on {as_of.isoformat()}.")
        values = {}
        for c in history:
            values[c.field] = c.new
        values = {f: values[f] for f in PART_FIELDS if values.get(f) is not None}
    return LibraryPart(part, as_of, values, history)


def export_frame(engine: Engine) -> LibraryExport:
    """Every part, ordered by part number: ``part_number`` then the attributes that some part
    has (numbers as numbers, flags as booleans)."""
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(parts).order_by(parts.c.part_number))]
    frame = pd.DataFrame(rows, columns=["part_number", *PART_FIELDS])
    keep = ["part_number", *(f for f in PART_FIELDS if frame[f].notna().any())]
    return LibraryExport(frame[keep].reset_index(drop=True))
