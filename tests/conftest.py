"""Shared fixtures: tiny input files written into ``tmp_path`` so a reviewer can read them, and
a fresh parts-library database per test on every backend (``library_db``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pgserver
import pytest
from openpyxl import Workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

Rows = Sequence[Sequence[object]]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(name, text, encoding="utf-8")`` writes text as-is and returns the path."""

    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    return make


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``write_xlsx(name, {"Sheet": rows}, origins={"Sheet": "C3"}, hidden=("Sheet",))``.

    Each sheet's rows are written with their first cell at ``origins[sheet]`` (default A1);
    ``None`` leaves a cell empty; Python ``str`` values are written as text cells.
    """

    def make(
        name: str,
        sheets: dict[str, Rows],
        origins: dict[str, str] | None = None,
        hidden: Sequence[str] = (),
    ) -> Path:
        wb = Workbook()
        wb.remove(wb.active)  # type: ignore[arg-type]
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            col_letter, row0 = coordinate_from_string((origins or {}).get(title, "A1"))
            col0 = column_index_from_string(col_letter)
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if value is not None:
                        ws.cell(row=row0 + i, column=col0 + j, value=value)
            if title in hidden:
                ws.sheet_state = "hidden"
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server | str]:
    """The PostgreSQL server of the session (see :mod:`pgserver`), or why there is none."""
    server = pgserver.find_server()
    try:
        yield server
    finally:
        if isinstance(server, pgserver.Server):
            server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def library_backend(request: pytest.FixtureRequest) -> str:
    """The database the library tests run on: each test runs on both."""
    return str(request.param)


@pytest.fixture
def library_db_factory(
    library_backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[], str]]:
    """``make()`` gives a new, empty library as a ``db=`` string on the test's backend: a
    SQLite file in ``tmp_path``, or a fresh PostgreSQL database (dropped after the test). The
    PostgreSQL cases skip, with the reason, when no server can be had."""
    made: list[str] = []
    server: pgserver.Server | str | None = None
    if library_backend == "postgresql":
        server = request.getfixturevalue("pg_server")
        if isinstance(server, str):
            pytest.skip(server)

    def make() -> str:
        if isinstance(server, pgserver.Server):
            made.append(pgserver.create_database(server.url))
            return made[-1]
        folder = tmp_path / "libraries"
        folder.mkdir(exist_ok=True)
        made.append(str(folder / f"library{len(made)}.db"))
        return made[-1]

    yield make
    if isinstance(server, pgserver.Server):
        for url in made:
            pgserver.drop_database(server.url, url)


@pytest.fixture
def library_db(library_db_factory: Callable[[], str]) -> str:
    """A new, empty parts library on the test's backend (see ``library_db_factory``)."""
    return library_db_factory()
