"""Alembic migrations of the parts library, run by :func:`bomtrace.library.db.open_library`."""
