"""``bomtrace portfolio``."""

from __future__ import annotations

import sys

import click

from bomtrace.cli.common import EPILOG, _as_of, _columns, _run
from bomtrace.cli.options import (
    all_destinations_option,
    as_of_option,
    assembly_cost_option,
    column_option,
    db_option,
    destinations_option,
    end_user_option,
    made_in_option,
    output_option,
    profile_option,
    scenario_option,
    sheet_option,
    top_option,
)
from bomtrace.cli.outputs import check_format, check_outputs, emit, format_option


@click.command(name="portfolio", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@destinations_option("Destination (ISO code or name); repeatable. Default: CN plus E:1/E:2.")
@all_destinations_option
@as_of_option
@scenario_option
@end_user_option("End user of the shipment (FDP rules, scenarios).")
@assembly_cost_option
@made_in_option
@top_option("Top contributing parts per product and destination (in each file's analysis).")
@click.option(
    "--rank",
    type=click.IntRange(1, 100_000),
    default=20,
    show_default=True,
    help="Rows of each portfolio ranking (parts, suppliers, classify first).",
)
@column_option
@sheet_option
@profile_option("Read every file with a mapping profile written by --save-profile.")
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    metavar="N",
    help="Local processes (default: the CPU count; 1 runs in this process).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run the files on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786 "
    "(needs bomtrace[cluster]; the workers must see the same paths).",
)
@db_option
@format_option("portfolio")
@output_option
@click.option(
    "--progress/--quiet",
    " /-q",
    default=None,
    help="Files done and lines per second on stderr (default: when stderr is a terminal).",
)
def portfolio(
    paths: tuple[str, ...],
    destinations: tuple[str, ...],
    all_destinations: bool,
    as_of: str | None,
    scenarios: tuple[str, ...],
    end_user: str | None,
    assembly_cost: str,
    made_in: str | None,
    top: int,
    rank: int,
    columns: tuple[str, ...],
    sheet: tuple[str, ...],
    profile: str | None,
    workers: int | None,
    scheduler: str | None,
    db: str | None,
    fmt: str,
    out: str | None,
    progress: bool | None,
) -> None:
    """Analyse many BOM files (files or folders), each alone, into one combined report: per
    product the verdicts, and across the portfolio the parts and suppliers that drive the
    most exposure and what to classify first.

    \b
    Examples:
      bomtrace portfolio samples/*.xlsx -d CN -d IR --as-of 2020-08-17
      bomtrace portfolio boms/ --workers 4 --format xlsx -o portfolio.xlsx
      bomtrace portfolio boms/ --scheduler tcp://scheduler:8786 --format json
      bomtrace portfolio boms/ --db parts.db   (library fills gaps; each file's run stored)
    """
    check_outputs([*paths, profile], [("-o", out, fmt)])
    check_format(fmt, out)
    from bomtrace.api.portfolio import portfolio as run
    from bomtrace.progress import FileCounter

    with FileCounter(enabled=progress) as counter:
        result = _run(
            lambda: run(
                list(paths),
                destinations=destinations,
                all_destinations=all_destinations,
                as_of=_as_of(as_of),
                scenarios=scenarios,
                end_user=end_user,
                assembly_cost=assembly_cost,
                made_in=made_in,
                top=top,
                columns=_columns(columns),
                sheet=(sheet[0] if len(sheet) == 1 else list(sheet)) if sheet else None,
                profile=profile,
                workers=workers,
                scheduler=scheduler,
                rank=rank,
                progress=counter,
                db=db,
            )
        )
    emit("portfolio", fmt, result, out, say_written=True)
    sys.exit(result.exit_code)


command = portfolio
