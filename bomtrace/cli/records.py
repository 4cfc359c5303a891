"""``bomtrace history`` and ``bomtrace show``: the runs stored by ``analyze --db``.

The database is ``--db`` (a SQLite file or a SQLAlchemy URL) or ``$BOMTRACE_DB``; it is never
printed.
"""

from __future__ import annotations

import sys

import click

from bomtrace.cli.common import EPILOG, _run
from bomtrace.cli.options import db_option, destinations_option, output_option
from bomtrace.cli.outputs import check_format, check_outputs, emit, format_option


@click.command(name="history", epilog=EPILOG)
@click.argument("product")
@db_option
@destinations_option("Only these destinations; repeatable.")
@format_option("history")
@output_option
def history(
    product: str, db: str | None, destinations: tuple[str, ...], fmt: str, out: str | None
) -> None:
    """The verdicts a product has had in the stored runs, and what changed between them.

    \b
    Examples:
      bomtrace history RTR-E200 --db parts.db
      bomtrace history RTR-E200 --db parts.db -d CN --format json
    """
    check_outputs([], [("-o", out, fmt)])
    from bomtrace import api

    result = _run(lambda: api.history(product, db=db, destinations=destinations))
    emit("history", fmt, result, out)


@click.command(name="show", epilog=EPILOG)
@click.argument("run_id", type=click.IntRange(1))
@db_option
@format_option("show")
@output_option
def show(run_id: int, db: str | None, fmt: str, out: str | None) -> None:
    """Re-render a stored run in any report format, without its input files.

    The document is the one the run wrote (JSON byte for byte); what needs the BOM itself
    (the HTML tree, the xlsx BOM sheets) is left out. The exit status is the run's.

    \b
    Examples:
      bomtrace show 12 --db parts.db
      bomtrace show 12 --db parts.db --format xlsx -o run12.xlsx
    """
    check_outputs([], [("-o", out, fmt)])
    check_format(fmt, out)
    from bomtrace import api

    result = _run(lambda: api.show(run_id, db=db))
    emit("show", fmt, result, out, say_written=True)
    sys.exit(result.exit_code)


commands = (history, show)
