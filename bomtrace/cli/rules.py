"""``bomtrace rules``."""

from __future__ import annotations

import click

from bomtrace.cli.common import EPILOG, _as_of, _run
from bomtrace.cli.options import as_of_option, destinations_option
from bomtrace.cli.outputs import emit, format_option


@click.command(name="rules", epilog=EPILOG)
@as_of_option
@destinations_option("Show the rules for this destination; repeatable.")
@click.option("--destinations", "list_all", is_flag=True, help="List every destination code.")
@format_option("rules")
def rules(as_of: str | None, destinations: tuple[str, ...], list_all: bool, fmt: str) -> None:
    """Show the dated rules: destinations, country groups, thresholds, chart marks, scenarios.

    \b
    Examples:
      bomtrace rules --destinations
      bomtrace rules --as-of 2020-08-17 --destination CN --destination SD
    """
    from bomtrace import api

    result = _run(
        lambda: api.rules(as_of=_as_of(as_of), destinations=destinations, all_destinations=list_all)
    )
    emit("rules", fmt, result, None)


command = rules
