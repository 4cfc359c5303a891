"""The parts library: parts, imports, part_history.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: the part attribute columns as they were at this revision (kept here, not imported, so that
#: a later change of the readers' fields is a new migration)
_FLOAT = ("unit_cost", "selling_price", "us_content_pct", "us_tech_value")
_BOOL = ("discrete_product", "bundled", "gbs_eligible", "short_supply_only", "listed_ear99",
         "made_with_us_equipment")  # fmt: skip
_ORDER = ("uom", "unit_cost", "currency", "description", "manufacturer", "mpn", "supplier",
          "country_of_origin", "eccn", "item_type", "selling_price", "us_content_pct",
          "discrete_product", "bundled", "gbs_eligible", "short_supply_only", "listed_ear99",
          "us_tech_value", "made_with_us_equipment", "us_technology_eccns", "producer",
          "designed_by")  # fmt: skip


def _type(field: str) -> sa.types.TypeEngine[object]:
    if field in _FLOAT:
        return sa.Float()  # type: ignore[return-value]
    if field in _BOOL:
        return sa.Boolean()  # type: ignore[return-value]
    return sa.Text()  # type: ignore[return-value]


def upgrade() -> None:
    op.create_table(
        "parts",
        sa.Column("part_number", sa.String(), primary_key=True),
        *(sa.Column(f, _type(f), nullable=True) for f in _ORDER),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "part_history",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("part_number", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("source_file", sa.Text(), nullable=True),
        sa.Column("source_sheet", sa.Text(), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("import_id", sa.Integer(), sa.ForeignKey("imports.id"), nullable=True),
    )
    op.create_index("ix_part_history_part_number", "part_history", ["part_number"])
    op.create_index("ix_part_history_changed_at", "part_history", ["changed_at"])


def downgrade() -> None:
    op.drop_table("part_history")
    op.drop_table("imports")
    op.drop_table("parts")
