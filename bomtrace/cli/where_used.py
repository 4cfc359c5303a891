"""``bomtrace where-used``."""

from __future__ import annotations

import sys

import click

from bomtrace.cli.common import EPILOG, _as_of, _run, read_options_from_flags
from bomtrace.cli.options import (
    as_of_option,
    column_option,
    destinations_option,
    made_in_option,
    output_option,
    sheet_option,
)
from bomtrace.cli.outputs import check_outputs, emit, format_option


@click.command(name="where-used", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--part", required=True, metavar="PN", help="The part to look for.")
@click.option(
    "--set",
    "set_values",
    multiple=True,
    metavar="FIELD=VALUE",
    help="What-if on the part (country_of_origin, eccn, unit_cost, us_content_pct, ...): the "
    "products holding it are analysed before and after; repeatable.",
)
@destinations_option("Destination for the what-if (ISO code or name); repeatable.")
@click.option("--all-destinations", is_flag=True, help="Every destination for the what-if.")
@as_of_option
@made_in_option
@column_option
@sheet_option
@format_option("where-used")
@output_option
def where_used(
    paths: tuple[str, ...],
    part: str,
    set_values: tuple[str, ...],
    destinations: tuple[str, ...],
    all_destinations: bool,
    as_of: str | None,
    made_in: str | None,
    columns: tuple[str, ...],
    sheet: tuple[str, ...],
    fmt: str,
    out: str | None,
) -> None:
    """Every product and assembly that uses a part, with the paths and extended quantities;
    with --set, what the verdicts become if the part's value changed.

    Exit 1 when a what-if flips a verdict from not subject to subject or undetermined.

    \b
    Examples:
      bomtrace where-used samples/rtr_e200.xlsx --part 0063-0001
      bomtrace where-used samples/rtr_e200.xlsx --part 0063-0001 --set country_of_origin=DE -d IR
    """
    check_outputs(paths, [("-o", out, fmt)])
    from bomtrace import api

    read = read_options_from_flags({"columns": columns, "sheet": sheet, "as_of": as_of})
    result = _run(
        lambda: api.where_used(
            list(paths),
            part,
            set_values=set_values,
            destinations=destinations,
            all_destinations=all_destinations,
            as_of=_as_of(as_of),
            made_in=made_in,
            read=read,
        )
    )
    emit("where-used", fmt, result, out)
    sys.exit(result.exit_code)


command = where_used
