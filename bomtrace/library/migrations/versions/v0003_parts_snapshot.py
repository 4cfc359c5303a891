"""The parts table as one Arrow stream (derived data, rewritten by every import), and each
part's value sources (``parts.sources``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("parts", sa.Column("sources", sa.Text(), nullable=True))
    op.create_table(
        "parts_snapshot",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("n_imports", sa.Integer(), nullable=False),
        sa.Column("n_parts", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("parts_snapshot")
    with op.batch_alter_table("parts") as batch:
        batch.drop_column("sources")
