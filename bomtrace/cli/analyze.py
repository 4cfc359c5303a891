"""``bomtrace analyze``."""

from __future__ import annotations

import sys
from typing import Any

import click

from bomtrace.cli.common import (
    EPILOG,
    _as_of,
    _emit,
    _run,
    with_read_options,
)
from bomtrace.cli.options import (
    all_destinations_option,
    as_of_option,
    assembly_cost_option,
    db_option,
    destinations_option,
    end_user_option,
    made_in_option,
    output_option,
    party_option,
    producers_option,
    scenario_option,
    screening_list_option,
    second_incorporation_option,
    top_option,
)
from bomtrace.cli.outputs import check_format, check_outputs, format_option, render
from bomtrace.cli.runtime import read_early, warm_while_parsing


@click.command(name="analyze", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@destinations_option("Destination (ISO code or name); repeatable. Default: CN plus E:1/E:2.")
@all_destinations_option
@as_of_option
@scenario_option
@end_user_option("End user of the shipment (FDP rules, scenarios).")
@party_option
@screening_list_option
@producers_option
@assembly_cost_option
@top_option("Top contributing parts per product and destination.")
@click.option(
    "--no-assemblies", is_flag=True, help="Skip verdicts for foreign-made sub-assemblies."
)
@click.option(
    "--all-assemblies",
    is_flag=True,
    help="List every sub-assembly (default: those subject or undetermined somewhere).",
)
@second_incorporation_option
@made_in_option
@click.option(
    "--set",
    "what_if",
    multiple=True,
    metavar="PN:FIELD=VALUE",
    help="What-if: set a part's value for this run (e.g. 0063-0001:country_of_origin=DE); "
    "repeatable. The results say they are not the BOM's own.",
)
@click.option(
    "--stamp",
    is_flag=True,
    help="Record when the report was made (without it, the same inputs give identical bytes).",
)
@db_option
@click.option(
    "--no-record",
    is_flag=True,
    help="With --db: fill from the library but do not store the run.",
)
@with_read_options
@format_option("analyze")
@output_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar on stderr.")
def analyze(
    paths: tuple[str, ...],
    destinations: tuple[str, ...],
    all_destinations: bool,
    as_of: str | None,
    scenarios: tuple[str, ...],
    end_user: str | None,
    parties: tuple[str, ...],
    screening_lists: tuple[str, ...],
    producers: str | None,
    assembly_cost: str,
    top: int,
    no_assemblies: bool,
    all_assemblies: bool,
    second_incorporation: str,
    made_in: str | None,
    what_if: tuple[str, ...],
    stamp: bool,
    db: str | None,
    no_record: bool,
    read: Any,
    fmt: str,
    out: str | None,
    quiet: bool,
) -> None:
    """De minimis verdicts for every product in a BOM, per destination.

    \b
    Examples:
      bomtrace analyze samples/p30pro.xlsx --destination CN --as-of 2020-08-17
      bomtrace analyze edges.csv parts.csv --all-destinations --format json
      bomtrace analyze bom.xlsx --scenario proposed-2020-huawei-10pct --format xlsx -o report.xlsx
      bomtrace analyze samples/rtr_e200.xlsx -d IR --set 0063-0001:country_of_origin=DE
      bomtrace analyze bom.xlsx --db parts.db   (library fills gaps; the run is stored)
    """
    read = read_early(paths, read)  # parsed in the background while bomtrace imports
    check_outputs(
        [*paths, read.profile, *screening_lists, producers],
        [("-o", out, fmt), ("--save-profile", read.save_profile, "toml")],
    )
    from bomtrace import api

    check_format(fmt, out)
    day = _as_of(as_of)
    warm_while_parsing(read, day)
    from bomtrace.progress import StageBar

    with StageBar(enabled=False if quiet else None) as bar:
        result = _run(
            lambda: api.analyze(
                list(paths),
                destinations=destinations,
                all_destinations=all_destinations,
                as_of=day,
                scenarios=scenarios,
                end_user=end_user,
                parties=parties,
                screening_lists=screening_lists,
                producers=producers,
                assembly_cost=assembly_cost,
                top=top,
                assemblies=not no_assemblies,
                all_assemblies=all_assemblies,
                second_incorporation=second_incorporation == "on",
                made_in=made_in,
                what_if=what_if,
                stamp=stamp,
                db=db,
                record=not no_record,
                read=read,
                progress=bar,
            )
        )
        bar("writing")
        text = render("analyze", fmt, result, out)
        if text is not None and out:
            _emit(text, out)
            text = None
    # the bar is gone now: stdout gets clean output
    if text is not None:
        _emit(text, None)
    elif fmt == "xlsx":
        click.echo(f"Wrote {out}", err=True)
    if result.run_id is not None and not quiet:
        click.echo(f"Stored as run {result.run_id} (bomtrace show {result.run_id}).", err=True)
    sys.exit(result.exit_code)


command = analyze
