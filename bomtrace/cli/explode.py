"""``bomtrace explode``."""

from __future__ import annotations

from typing import Any

import click

from bomtrace.cli.common import (
    EPILOG,
    _emit,
    _json,
    _run,
    with_read_options,
)


@click.command(name="explode", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file.")
def explode(
    paths: tuple[str, ...],
    read: Any,
    fmt: str,
    out: str | None,
) -> None:
    """Flatten every product to its purchased parts (total quantity, extended cost).

    \b
    Example:
      bomtrace explode samples/p30pro.xlsx --format csv -o exploded.csv
    """
    from bomtrace import api

    res = _run(lambda: api.explode(list(paths), read=read))
    if fmt == "json":
        _emit(_json(res.to_dict()), out)
    elif fmt == "csv":
        from bomtrace.report.csvout import to_csv

        _emit(to_csv(res.rows()), out)
    else:
        from bomtrace.report.text import render_explode

        _emit(render_explode(res.to_dict()), out)


command = explode
