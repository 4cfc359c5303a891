"""``bomtrace explode``."""

from __future__ import annotations

import sys
from typing import Any

import click

from bomtrace.cli.common import (
    EPILOG,
    _emit,
    _run,
    with_read_options,
)
from bomtrace.cli.options import output_option
from bomtrace.cli.outputs import check_format, check_outputs, format_option, render
from bomtrace.cli.runtime import read_early


@click.command(name="explode", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@format_option("explode", help="csv and parquet write one row per product × purchased part.")
@output_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
def explode(
    paths: tuple[str, ...],
    read: Any,
    fmt: str,
    out: str | None,
    quiet: bool,
) -> None:
    """Flatten every product to its purchased parts (total quantity, extended cost).

    \b
    Examples:
      bomtrace explode samples/p30pro.xlsx
      bomtrace explode samples/p30pro.xlsx --format csv -o exploded.csv
      bomtrace explode big_bom.csv --format parquet -o exploded.parquet
    """
    read = read_early(paths, read)  # parsed in the background while bomtrace imports
    check_outputs(
        [*paths, read.profile], [("-o", out, fmt), ("--save-profile", read.save_profile, "toml")]
    )
    from bomtrace import api
    from bomtrace.progress import StageBar

    check_format(fmt, out)
    with StageBar(enabled=False if quiet else None) as bar:
        res = _run(lambda: api.explode(list(paths), read=read, progress=bar))
        bar("writing")
        text = render("explode", fmt, res, out)
        if text is not None and out:
            _emit(text, out)
            text = None
    if text is not None:
        _emit(text, None)
    sys.exit(res.exit_code)


command = explode
