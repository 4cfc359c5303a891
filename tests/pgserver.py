"""A PostgreSQL server for the tests, and a fresh database on it per test.

:func:`find_server` gives the URL of a maintenance database: ``$BOMTRACE_TEST_PG_URL`` when
set (a server someone runs, e.g. ``.ci/run``), else a throwaway server this module starts
(``initdb`` + ``pg_ctl`` in a temporary folder, listening on a Unix socket in that folder only,
``listen_addresses=''``; as a non-root user when we are root, since postgres refuses root).
When neither works it gives the reason instead, for the tests to skip with.
:func:`create_database` and :func:`drop_database` make and remove a uniquely named database.
The fixtures are in ``conftest.py`` (``library_db``).
"""

from __future__ import annotations

import contextlib
import glob
import importlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: a running server's maintenance database, e.g. postgresql://me@/postgres?host=/run/pg
URL_ENV = "BOMTRACE_TEST_PG_URL"
_USER = "bomtrace"  # the superuser of a throwaway server


@dataclass
class Server:
    """A maintenance URL, and how to stop the server when this module started it."""

    url: str
    stop: Callable[[], None] = field(default=lambda: None)


def _driver() -> str | None:
    for module in ("psycopg", "psycopg2"):
        try:
            importlib.import_module(module)
            return module
        except ImportError:
            continue
    return None


def _binary(name: str) -> str | None:
    """``name`` on PATH, else in the newest /usr/lib/postgresql/*/bin (Debian, Ubuntu)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return versions[-1] if versions else None


def _version(path: str) -> tuple[int, ...]:
    v = Path(path).parent.parent.name
    return tuple(int(p) for p in v.split(".") if p.isdigit())


def _run_as() -> dict[str, object]:
    """``subprocess`` arguments that run a command as a non-root user when we are root."""
    if os.geteuid() != 0:
        return {}
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
    raise RuntimeError("we are root and there is no postgres or nobody user to run it as")


def find_server() -> Server | str:
    """A server to make test databases on, or why there is none."""
    if _driver() is None:
        return "no PostgreSQL driver: pip install 'bomtrace[postgresql]'"
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return Server(url)
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        return f"no PostgreSQL server: initdb not found; set {URL_ENV}"
    try:
        return _start(initdb, pg_ctl)
    except (OSError, RuntimeError, subprocess.SubprocessError) as e:
        return f"no PostgreSQL server: cannot start one ({e}); set {URL_ENV}"


def _start(initdb: str, pg_ctl: str) -> Server:
    """initdb and start a server in a new temporary folder (short: a socket path is limited)."""
    base = Path(tempfile.mkdtemp(prefix="bt-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    as_user = _run_as()
    if "user" in as_user:
        os.chown(base, int(as_user["user"]), int(as_user["group"]))  # type: ignore[call-overload]
    data, log = base / "data", base / "server.log"

    def run(*cmd: str) -> None:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=base, **as_user)  # type: ignore[call-overload]
        if res.returncode:
            tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["failed"]
            raise RuntimeError(f"{Path(cmd[0]).name}: {tail[0]}")

    try:
        run(initdb, "-D", str(data), "-U", _USER, "--auth=trust", "-E", "UTF8",
            "--locale=C", "--no-sync")  # fmt: skip
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = ''\nunix_socket_directories = '{base}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise

    def stop() -> None:
        with contextlib.suppress(OSError, RuntimeError, subprocess.SubprocessError):
            run(pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)

    return Server(f"postgresql://{_USER}@/postgres?host={base}", stop)


def _admin(url: str, sql: str) -> None:
    from sqlalchemy import create_engine, text

    from bomtrace.library.db import library_url

    engine = create_engine(library_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def create_database(maintenance_url: str) -> str:
    """A new, empty database with a unique name on the server; its URL."""
    from sqlalchemy import make_url

    name = f"bt_{uuid.uuid4().hex[:16]}"
    _admin(maintenance_url, f'CREATE DATABASE "{name}"')
    return make_url(maintenance_url).set(database=name).render_as_string(hide_password=False)


def drop_database(maintenance_url: str, url: str) -> None:
    """Drop the database of ``url`` (made by :func:`create_database`), closing its sessions."""
    from sqlalchemy import make_url

    name = make_url(url).database
    assert name and name.startswith("bt_")
    _admin(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
