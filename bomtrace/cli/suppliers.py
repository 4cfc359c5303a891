"""``bomtrace suppliers``."""

from __future__ import annotations

import sys
from typing import Any

import click

from bomtrace.cli.common import EPILOG, _as_of, _run, with_read_options
from bomtrace.cli.options import (
    as_of_option,
    destinations_option,
    end_user_option,
    output_option,
    party_option,
    producers_option,
    screening_list_option,
)
from bomtrace.cli.outputs import check_outputs, emit, format_option
from bomtrace.cli.runtime import read_early


@click.command(name="suppliers", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@destinations_option("Destination; repeatable.")
@as_of_option
@end_user_option("End user of the shipment (FDP rules).")
@party_option
@screening_list_option
@producers_option
@click.option(
    "--request-sheet",
    type=click.Path(dir_okay=False),
    metavar="FILE.xlsx",
    help="Write a workbook asking each supplier for its missing facts (one sheet each).",
)
@with_read_options
@format_option("suppliers")
@output_option
def suppliers(
    paths: tuple[str, ...],
    destinations: tuple[str, ...],
    as_of: str | None,
    end_user: str | None,
    parties: tuple[str, ...],
    screening_lists: tuple[str, ...],
    producers: str | None,
    request_sheet: str | None,
    read: Any,
    fmt: str,
    out: str | None,
) -> None:
    """Per supplier: parts, value, US-origin and controlled value, FDPR exposure, missing data.

    \b
    Examples:
      bomtrace suppliers samples/basestation_2020.xlsx -d CN --as-of 2020-08-17 \\
          --end-user "Huawei Technologies" --request-sheet requests.xlsx
      bomtrace suppliers bom.xlsx --format json
    """
    read = read_early(paths, read)  # parsed in the background while bomtrace imports
    check_outputs(
        [*paths, read.profile, *screening_lists, producers],
        [
            ("-o", out, fmt),
            ("--request-sheet", request_sheet, "xlsx"),
            ("--save-profile", read.save_profile, "toml"),
        ],
    )
    from bomtrace import api

    res = _run(
        lambda: api.suppliers(
            list(paths),
            destinations=destinations,
            as_of=_as_of(as_of),
            end_user=end_user,
            parties=parties,
            screening_lists=screening_lists,
            producers=producers,
            read=read,
        )
    )
    emit("suppliers", fmt, res, out)
    if request_sheet:
        from bomtrace.report.request_sheet import write_request_sheet

        n = _run(lambda: write_request_sheet(res, request_sheet))
        click.echo(
            f"Wrote {request_sheet}: {n} supplier sheet(s), {res.requests} request(s).", err=True
        )
    sys.exit(res.exit_code)


command = suppliers
