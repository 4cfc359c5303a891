"""``bomtrace inspect``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from bomtrace.cli.common import (
    EPILOG,
    _run,
    with_read_options,
)
from bomtrace.cli.options import output_option
from bomtrace.cli.outputs import check_outputs, emit, format_option
from bomtrace.cli.runtime import read_early


@click.command(name="inspect", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@format_option("inspect")
@output_option
@click.option(
    "--suggest-profile",
    "suggest",
    is_flag=True,
    help="Print the mapping profile (TOML, for --profile) of the files as read, with the "
    "column chosen for each field and the other candidates.",
)
def inspect(
    paths: tuple[str, ...],
    read: Any,
    fmt: str,
    out: str | None,
    suggest: bool,
) -> None:
    """Show exactly how the files were read, before any analysis.

    \b
    Example:
      bomtrace inspect samples/p30pro.xlsx
      bomtrace inspect export.csv --suggest-profile -o erp.toml
    """
    read = read_early(paths, read)  # parsed in the background while bomtrace imports
    check_outputs(
        [*paths, read.profile],
        [("-o", out, "toml" if suggest else fmt), ("--save-profile", read.save_profile, "toml")],
    )
    from bomtrace import api

    if suggest:
        text = _run(lambda: api.suggest_profile(list(paths), read=read))
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
        return
    res = _run(lambda: api.inspect(list(paths), read=read))
    emit("inspect", fmt, res, out)


command = inspect
