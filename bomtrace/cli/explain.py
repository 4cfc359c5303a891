"""``bomtrace explain``."""

from __future__ import annotations

import sys

import click

from bomtrace.cli.common import EPILOG, _as_of, _run, read_options_from_flags
from bomtrace.cli.options import (
    as_of_option,
    assembly_cost_option,
    column_option,
    made_in_option,
    output_option,
    second_incorporation_option,
    sheet_option,
)
from bomtrace.cli.outputs import check_outputs, emit, format_option


@click.command(name="explain", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--part", metavar="PN", help="Part to trace through every product containing it.")
@click.option("--product", metavar="PN", help="Product whose whole verdict to explain.")
@click.option(
    "--destination", "-d", required=True, metavar="CC", help="Destination (ISO code or name)."
)
@as_of_option
@assembly_cost_option
@second_incorporation_option
@made_in_option
# the reading flags of the other commands, except their --product (single-level BOMs), whose
# name explain uses for the product to explain
@column_option
@sheet_option
@click.option(
    "--layout",
    type=click.Choice(["indented", "parent-child", "flat", "per-assembly"]),
    help="Force the BOM layout instead of detecting it.",
)
@click.option(
    "--bom-date",
    metavar="YYYY-MM-DD",
    help="Use only BOM lines in effect on this date (default: the --as-of date, else today).",
)
@format_option("explain")
@output_option
def explain(
    paths: tuple[str, ...],
    part: str | None,
    product: str | None,
    destination: str,
    as_of: str | None,
    assembly_cost: str,
    second_incorporation: str,
    made_in: str | None,
    columns: tuple[str, ...],
    sheet: tuple[str, ...],
    layout: str | None,
    bom_date: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """Explain one part's trace, or one product's whole verdict, for one destination.

    With --part: the path(s) from each product to the part, extended quantity and value, ECCN
    and paragraph, the Country Chart column or Part 746 rule that makes it count (or why it
    does not), and its share of the ratio. With --product alone: the numerator lines, the
    parts only the high bound counts, the denominator, the threshold and the verdict.

    \b
    Examples:
      bomtrace explain samples/rtr_e200.xlsx --part 0063-0001 -d CN --as-of 2020-08-17
      bomtrace explain samples/rtr_e200.xlsx --product RTR-E200 -d IR --as-of 2020-08-17
    """
    check_outputs(paths, [("-o", out, fmt)])
    from bomtrace import api

    read = read_options_from_flags(
        {"columns": columns, "sheet": sheet, "layout": layout, "as_of": as_of, "bom_date": bom_date}
    )

    result = _run(
        lambda: api.explain(
            list(paths),
            part=part,
            product=product,
            destination=destination,
            as_of=_as_of(as_of),
            assembly_cost=assembly_cost,
            second_incorporation=second_incorporation == "on",
            made_in=made_in,
            read=read,
        )
    )
    emit("explain", fmt, result, out)
    sys.exit(result.exit_code)


command = explain
