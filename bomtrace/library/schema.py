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
