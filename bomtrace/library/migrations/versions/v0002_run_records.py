"""Run records: runs and run_results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("command", sa.String(), nullable=False),
        sa.Column("bomtrace_version", sa.String(), nullable=False),
        sa.Column("ruleset_as_of", sa.String(), nullable=True),
        sa.Column("ruleset_data_version", sa.String(), nullable=True),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("library", sa.Text(), nullable=True),
        sa.Column("replay", sa.Text(), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("part_numbers", sa.LargeBinary(), nullable=True),
    )
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_table(
        "run_results",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("product", sa.String(), nullable=False),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=True),
        sa.Column("ratio", sa.Float(), nullable=True),
        sa.Column("ratio_high", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("controlled_us_value", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("fdpr", sa.Text(), nullable=True),
        sa.Column("top_parts", sa.Text(), nullable=True),
    )
    op.create_index("ix_run_results_run_id", "run_results", ["run_id"])
    op.create_index("ix_run_results_product", "run_results", ["product"])


def downgrade() -> None:
    op.drop_table("run_results")
    op.drop_table("runs")
