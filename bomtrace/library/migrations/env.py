"""Alembic's environment: runs the migrations on the connection the caller hands over in
``config.attributes["connection"]`` (no alembic.ini, no URL here). Imported outside a
migration (a doctest run collecting modules), it does nothing."""

from __future__ import annotations

from alembic import context


def run() -> None:
    """Run the migrations in one transaction on the caller's connection."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "config", None) is not None:
    run()
