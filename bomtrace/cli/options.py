"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

assembly_cost_option = click.option(
    "--assembly-cost",
    type=click.Choice(["rollup", "added", "total"]),
    default="rollup",
    show_default=True,
    help="How a cost stated on an assembly line is read.",
)
second_incorporation_option = click.option(
    "--second-incorporation",
    type=click.Choice(["on", "off"]),
    default="on",
    show_default=True,
    help="A discrete_product sub-assembly stops the explosion (both ratios are shown).",
)
made_in_option = click.option(
    "--made-in",
    metavar="CC",
    help="Country the foreign-made items are made in (partner-country carve-out for RU/BY).",
)
party_option = click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="NAME",
    help="Other party (purchaser, consignee), screened for the FDP rules; repeatable.",
)
screening_list_option = click.option(
    "--screening-list",
    "screening_lists",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Consolidated Screening List download (json/csv/tsv) screened too.",
)
producers_option = click.option(
    "--producers",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Producer table: fab/plant -> US-technology equipment evidence (csv/xlsx).",
)
column_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=HEADER",
    help="Map a canonical field to a header (or 1-based column number).",
)
sheet_option = click.option(
    "--sheet", multiple=True, metavar="NAME", help="Read only this sheet; repeatable."
)
as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Date whose rules apply (default today)."
)


def destinations_option(help: str) -> Callable[[F], F]:
    """``--destination/-d CC`` (repeatable), with the command's own help text."""
    return click.option(
        "--destination", "-d", "destinations", multiple=True, metavar="CC", help=help
    )


def end_user_option(help: str) -> Callable[[F], F]:
    """``--end-user NAME``, with the command's own help text."""
    return click.option("--end-user", metavar="NAME", help=help)


def top_option(help: str) -> Callable[[F], F]:
    """``--top N``: the top contributing parts listed, with the command's own help text."""
    return click.option(
        "--top", type=click.IntRange(0, 1000), default=5, show_default=True, help=help
    )


#: the parts library (``library``, ``analyze --db``, ``history``, ``show``)
db_option = click.option(
    "--db",
    envvar="BOMTRACE_DB",
    show_envvar=True,
    metavar="PATH|URL",
    help="The parts library: a SQLite file (created if missing) or a database URL "
    "(postgresql://...).",
)

#: ``--all-destinations`` (analyze, portfolio)
all_destinations_option = click.option(
    "--all-destinations", is_flag=True, help="Every destination of the Country Chart."
)
#: ``--scenario NAME`` (analyze, portfolio)
scenario_option = click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    help="What-if scenario shown beside the rule in force (see `bomtrace rules`).",
)


def profile_option(help: str = "Read with a mapping profile written by --save-profile.") -> Any:
    """``--profile FILE`` for the commands that take the reading flags one by one."""
    return click.option("--profile", type=click.Path(dir_okay=False), metavar="FILE", help=help)


#: ``-o FILE`` (every command that writes a report)
output_option = click.option(
    "-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file."
)
