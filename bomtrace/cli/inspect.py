"""``bomtrace inspect``."""

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
from bomtrace.cli.outputs import check_outputs


@click.command(name="inspect", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file.")
def inspect(
    paths: tuple[str, ...],
    read: Any,
    fmt: str,
    out: str | None,
) -> None:
    """Show exactly how the files were read, before any analysis.

    \b
    Example:
      bomtrace inspect samples/p30pro.xlsx
    """
    check_outputs(
        [*paths, read.profile], [("-o", out, fmt), ("--save-profile", read.save_profile, "toml")]
    )
    from bomtrace import api

    res = _run(lambda: api.inspect(list(paths), read=read))
    d = res.to_dict()
    if fmt == "json":
        _emit(_json(d), out)
    else:
        from bomtrace.report.text import render_inspect

        _emit(render_inspect(d), out)


command = inspect
