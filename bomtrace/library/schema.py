"""The library's tables (SQLAlchemy Core): ``parts``, ``part_history`` and ``imports``.

``parts`` has one column per part attribute the readers give
(:data:`bomtrace.io.table.ATTRIBUTE_FIELDS`): numbers as floats, flags as booleans, the rest
as text. ``part_history`` holds every change of one value (old and new as JSON text, so a
number stays a number), with the file, sheet and row it came from, when (UTC, stored without
a zone) and the import that made it. ``imports`` records each import: the files with their
SHA-256, when it started and finished. The Alembic migrations
(``bomtrace/library/migrations/``) create the same tables; a test checks that they agree.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

from bomtrace.io.table import ATTRIBUTE_FIELDS, BOOLEAN_FIELDS, NUMERIC_FIELDS

metadata = MetaData()


def column_type(field: str) -> TypeEngine[object]:
    """The column type of a part attribute: Float, Boolean or Text."""
    if field in NUMERIC_FIELDS:
        return Float()  # type: ignore[return-value]
    if field in BOOLEAN_FIELDS:
        return Boolean()  # type: ignore[return-value]
    return Text()  # type: ignore[return-value]


#: the attribute columns of ``parts``, in the readers' order
PART_FIELDS: tuple[str, ...] = ATTRIBUTE_FIELDS

parts = Table(
    "parts",
    metadata,
    Column("part_number", String(), primary_key=True),
    *(Column(f, column_type(f), nullable=True) for f in PART_FIELDS),
    Column("updated_at", DateTime(), nullable=True),
    # JSON: per field, where its current value came from (file, sheet, row, changed_at,
    # import_id), so that analyze --db need not search the history (migration 0003)
    Column("sources", Text(), nullable=True),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("files", Text(), nullable=False),  # JSON: [{"file": name, "sha256": hex}, ...]
    Column("started_at", DateTime(), nullable=False),
    Column("finished_at", DateTime(), nullable=True),
)

part_history = Table(
    "part_history",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("part_number", String(), nullable=False, index=True),
    Column("field", String(), nullable=False),
    Column("old", Text(), nullable=True),  # JSON of the value before (null: none)
    Column("new", Text(), nullable=True),  # JSON of the value after
    Column("source_file", Text(), nullable=True),
    Column("source_sheet", Text(), nullable=True),
    Column("source_row", Integer(), nullable=True),
    Column("changed_at", DateTime(), nullable=False, index=True),
    Column("import_id", Integer(), ForeignKey("imports.id"), nullable=True),
)

#: one row per stored analysis (``analyze --db``): what was run, on what, with which rules,
#: and the whole JSON document (compressed, :func:`bomtrace.library.runs.pack`) so ``bomtrace
#: show RUN_ID`` re-renders it
runs = Table(
    "runs",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("created_at", DateTime(), nullable=False, index=True),
    Column("command", String(), nullable=False),
    Column("bomtrace_version", String(), nullable=False),
    Column("ruleset_as_of", String(), nullable=True),
    Column("ruleset_data_version", String(), nullable=True),
    Column("options", Text(), nullable=False),  # JSON: the document's options
    Column("inputs", Text(), nullable=False),  # JSON: files, sha256, layout, rows
    Column("library", Text(), nullable=True),  # JSON: what the library gave (summary)
    Column("replay", Text(), nullable=True),  # JSON: how to run it again (impact)
    Column("exit_code", Integer(), nullable=False),
    Column("document", LargeBinary(), nullable=False),  # pack(JSON document)
    Column("part_numbers", LargeBinary(), nullable=True),  # pack(newline-joined parts)
)

#: one row per product × destination of a stored run (``bomtrace history PN``)
run_results = Table(
    "run_results",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("run_id", Integer(), ForeignKey("runs.id"), nullable=False, index=True),
    Column("product", String(), nullable=False, index=True),
    Column("destination", String(), nullable=False),
    Column("verdict", String(), nullable=True),
    Column("ratio", Float(), nullable=True),
    Column("ratio_high", Float(), nullable=True),
    Column("threshold", Float(), nullable=True),
    Column("controlled_us_value", Float(), nullable=True),
    Column("denominator", Float(), nullable=True),
    Column("fdpr", Text(), nullable=True),  # JSON: the FDP rules that catch it there
    Column("top_parts", Text(), nullable=True),  # JSON: the top contributors' part numbers
)

#: the whole ``parts`` table as one Arrow IPC stream, rewritten by every import in its
#: transaction, so that ``analyze --db`` on a large BOM reads the library in one row instead
#: of half a million (:mod:`bomtrace.library.snapshot`). Derived data: ``n_imports`` and
#: ``n_parts`` say which state it is of; a snapshot that does not match is not used.
parts_snapshot = Table(
    "parts_snapshot",
    metadata,
    Column("id", Integer(), primary_key=True, autoincrement=True),
    Column("made_at", DateTime(), nullable=False),
    Column("n_imports", Integer(), nullable=False),
    Column("n_parts", Integer(), nullable=False),
    Column("data", LargeBinary(), nullable=False),
)
