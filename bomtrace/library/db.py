"""Opening the library: the database named by ``--db`` (or ``BOMTRACE_DB``), migrated to the
newest schema with Alembic's API on open.

A value with ``://`` is a SQLAlchemy URL (``postgresql://…``, ``sqlite:///…``); anything else
is the path of a SQLite file, opened with a busy timeout so that concurrent imports wait for
each other instead of failing. A URL that names no driver (``postgresql://…``) gets the one
installed: psycopg 3 (the ``bomtrace[postgresql]`` extra) before psycopg2. The same code runs
on every database: nothing here or in the queries depends on the dialect. The database's name
never goes into results or messages (a URL may hold a password).
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import URL, Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from bomtrace.errors import UsageError

T = TypeVar("T")

#: the environment variable naming the library when ``--db`` is not given
DB_ENV = "BOMTRACE_DB"
#: seconds a SQLite connection waits for another writer before giving up
SQLITE_TIMEOUT = 60.0
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: per database (a URL's backend), its drivers in order of preference: (module, driver name)
DRIVERS: dict[str, tuple[tuple[str, str], ...]] = {
    "postgresql": (("psycopg", "psycopg"), ("psycopg2", "psycopg2")),
}
#: what to install when a database has none of its drivers
INSTALL_HINT: dict[str, str] = {"postgresql": "pip install 'bomtrace[postgresql]'"}


def resolve_db(db: str | os.PathLike[str] | None) -> str:
    """The library to open: ``db``, else ``$BOMTRACE_DB``.

    Raises
    ------
    UsageError
        Neither is given.
    """
    if db is not None and str(os.fspath(db)).strip():
        return str(os.fspath(db))
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return env
    raise UsageError(
        f"No parts library given: add --db PATH (a SQLite file or a URL) or set {DB_ENV}."
    )


def library_url(db: str) -> URL:
    """The SQLAlchemy URL of ``db``: a URL as given, or a SQLite file with a busy timeout.

    >>> library_url("parts.db").drivername, library_url("parts.db").query["timeout"]
    ('sqlite', '60.0')
    >>> library_url("postgresql+psycopg2://u@h/lib").drivername
    'postgresql+psycopg2'
    """
    if "://" in db:
        try:
            return with_driver(make_url(db))
        except ArgumentError:
            raise UsageError("--db is not a valid database URL (scheme://...).") from None
    path = os.path.abspath(db)
    return URL.create("sqlite", database=path, query={"timeout": str(SQLITE_TIMEOUT)})


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:  # absent, or present but unusable (psycopg without libpq)
        return False
    return True


def with_driver(url: URL) -> URL:
    """``url`` with the installed driver when it names none (``postgresql://``: psycopg 3 if
    importable, else psycopg2); a URL naming its driver, or of a database without a choice
    (SQLite), is returned as is.

    Raises
    ------
    UsageError
        None of the database's drivers is installed (the message says what to install).
    """
    backend = url.get_backend_name()
    if url.drivername != backend or backend not in DRIVERS:
        return url
    for module, driver in DRIVERS[backend]:
        if _importable(module):
            return url.set(drivername=f"{backend}+{driver}")
    raise UsageError(
        f"Cannot open the parts library: no {backend} driver is installed "
        f"({INSTALL_HINT.get(backend, 'pip install a driver')})."
    )


def open_library(db: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> Engine:
    """An engine on the library ``db`` (see :func:`resolve_db`), its schema brought up to date.

    Raises
    ------
    UsageError
        The database cannot be opened or migrated (the message does not name it).
    """
    url = library_url(resolve_db(db))
    if url.drivername.startswith("sqlite") and url.database:
        folder = os.path.dirname(url.database) or os.curdir
        if not os.path.isdir(folder):
            raise UsageError("The folder of the --db file does not exist; create it first.")
    try:
        engine = create_engine(url)
        if migrate and not _at_head(engine):
            _upgrade_retrying(engine)
    except SQLAlchemyError as e:
        raise UsageError(f"Cannot open the parts library ({type(e).__name__}).") from None
    except ImportError as e:  # the URL names a driver that is not installed
        hint = INSTALL_HINT.get(url.get_backend_name(), "pip install it")
        raise UsageError(
            f"Cannot open the parts library: its database driver {e.name or ''} is not "
            f"installed ({hint})."
        ) from None
    return engine


#: the newest migration (``migrations/versions``; a test checks it is Alembic's head): a
#: library already there is opened without loading Alembic
HEAD = "0003"


def _at_head(engine: Engine) -> bool:
    """Whether the library's schema is already the newest (one small query)."""
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:
        return False  # a new database: no version table yet
    return got == [HEAD]


@contextmanager
def opened(db: str | os.PathLike[str] | None = None) -> Iterator[Engine]:
    """:func:`open_library` for the length of a ``with`` block; the engine's connections
    are closed after it."""
    engine = open_library(db)
    try:
        yield engine
    finally:
        engine.dispose()


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in pieces of ``size``: part numbers per parameterised ``IN (...)`` query,
    rows per insert."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _upgrade_retrying(engine: Engine, tries: int = 5) -> None:
    """:func:`upgrade`, tried again when another process migrating the same new database at
    the same moment made it fail (SQLite: a lock it could not wait for; PostgreSQL: the same
    table created by both, a duplicate key in the catalog); the loser then finds the schema
    made, or makes it."""
    for attempt in range(tries):
        try:
            upgrade(engine)
            return
        except DBAPIError:
            if attempt == tries - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` in one transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS).replace("%", "%%"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
