"""``bomtrace library``: the parts library (``import``, ``show``, ``export``).

The database is ``--db`` (a SQLite file or a SQLAlchemy URL) or ``$BOMTRACE_DB``; it is never
printed (a URL may hold a password).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bomtrace.cli.common import CONTEXT_SETTINGS, _as_of, _fail, _run, read_options_from_flags
from bomtrace.cli.options import (
    column_option,
    db_option,
    output_option,
    profile_option,
    sheet_option,
)
from bomtrace.cli.outputs import check_format, check_outputs, emit, format_option
from bomtrace.report.formats import choices


@click.group(name="library", context_settings=CONTEXT_SETTINGS)
def library() -> None:
    """The parts library: attributes kept across runs, with every change's history."""


@library.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@column_option
@sheet_option
@profile_option()
@format_option("library-import")
@output_option
def import_(
    paths: tuple[str, ...],
    db: str | None,
    columns: tuple[str, ...],
    sheet: tuple[str, ...],
    profile: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """Load parts masters or supplier answer sheets into the library, in one transaction.

    The first line of a part gives its values (a later, different one is an issue); a value
    the file leaves empty keeps the library's; every changed value is kept as history.

    \b
    Examples:
      bomtrace library import samples/parent-child/rtr_e200_parts.csv --db parts.db
    """
    check_outputs(paths, [("-o", out, fmt)])
    from bomtrace import api

    read = read_options_from_flags({"columns": columns, "sheet": sheet, "profile": profile})
    result = _run(lambda: api.library_import(list(paths), db=db, read=read))
    emit("library-import", fmt, result, out)


@library.command(name="show")
@click.argument("part")
@db_option
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="The values on this date, from the history."
)
@format_option("library-show")
@output_option
def show(part: str, db: str | None, as_of: str | None, fmt: str, out: str | None) -> None:
    """A part's values (as of a date) and its history.

    \b
    Examples:
      bomtrace library show 0063-0001 --db parts.db
      bomtrace library show 0063-0001 --db parts.db --as-of 2025-01-31
    """
    check_outputs([], [("-o", out, fmt)])
    from bomtrace import api

    when = _as_of(as_of)
    result = _run(lambda: api.library_show(part, db=db, as_of=when))
    emit("library-show", fmt, result, out)


@library.command(name="export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(choices("library-export")),
    help="Default: from the output's suffix (.csv, .xlsx, .json).",
)
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="FILE.csv|.xlsx"
)
def export(db: str | None, fmt: str | None, out: str) -> None:
    """Every part of the library as one table, for people who work in Excel.

    \b
    Examples:
      bomtrace library export --db parts.db -o parts.xlsx
    """
    if fmt is None:
        fmt = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}.get(Path(out).suffix.lower())
        if fmt is None:
            raise _fail(f"-o {out}: name a .csv, .xlsx or .json file, or give --format.")
    check_format(fmt, out)
    check_outputs([], [("-o", out, fmt)])
    from bomtrace import api

    result = _run(lambda: api.library_export(db=db))
    emit("library-export", fmt, result, out)


@library.command(name="impact")
@click.argument("part")
@click.option(
    "--set",
    "set_values",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help="The change to the part's values, e.g. eccn=3A001.a.7; repeatable.",
)
@db_option
@format_option("library-impact")
@output_option
def impact(
    part: str, set_values: tuple[str, ...], db: str | None, fmt: str, out: str | None
) -> None:
    """The stored products whose verdict a change of one part's values would move.

    The latest stored run of each BOM with the part is analysed again from its files, as it
    was run, before and after the change; a BOM whose files are gone or changed since is
    listed as not evaluated. Exit 1 when some verdict would move.

    \b
    Examples:
      bomtrace library impact 0063-0001 --set eccn=3A001.a.7 --db parts.db
    """
    check_outputs([], [("-o", out, fmt)])
    from bomtrace import api

    result = _run(lambda: api.library_impact(part, set_values=set_values, db=db))
    emit("library-impact", fmt, result, out)
    sys.exit(1 if result.moved else 0)


command = library
