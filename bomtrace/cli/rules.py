"""``bomtrace rules``, and ``bomtrace rules --changes`` (what changed between two dates)."""

from __future__ import annotations

import click

from bomtrace.cli.common import EPILOG, _as_of, _fail, _run
from bomtrace.cli.options import as_of_option, destinations_option, made_in_option
from bomtrace.cli.outputs import emit, format_option


@click.command(name="rules", epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path())
@as_of_option
@destinations_option("Show the rules for this destination; repeatable.")
@click.option("--destinations", "list_all", is_flag=True, help="List every destination code.")
@click.option(
    "--changes",
    is_flag=True,
    help="List what changed in the rules after --from up to --to; with BOM files, the "
    "verdicts that flip and the parts judged differently.",
)
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First date (with --changes).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Second date (with --changes).")
@click.option(
    "--all-destinations", is_flag=True, help="With --changes and a BOM: every destination."
)
@made_in_option
@format_option("rules")
def rules(
    paths: tuple[str, ...],
    as_of: str | None,
    destinations: tuple[str, ...],
    list_all: bool,
    changes: bool,
    start: str | None,
    end: str | None,
    all_destinations: bool,
    made_in: str | None,
    fmt: str,
) -> None:
    """Show the dated rules: destinations, country groups, thresholds, chart marks, scenarios.

    With --changes --from DATE --to DATE: what changed in the rules between the two dates,
    rule by rule, and, given BOM files (PATHS), which verdicts and parts the changes touch
    ("what changed since our last classification?").

    \b
    Examples:
      bomtrace rules --destinations
      bomtrace rules --as-of 2020-08-17 --destination CN --destination SD
      bomtrace rules --changes --from 2020-05-14 --to 2021-02-01
      bomtrace rules --changes --from 2020-05-14 --to 2021-02-01 samples/p30pro.xlsx -d SD
    """
    from bomtrace import api

    if not changes:
        if paths or start or end or all_destinations or made_in:
            raise _fail(
                "BOM files, --from, --to, --all-destinations and --made-in go with --changes: "
                "e.g. bomtrace rules --changes --from 2020-05-14 --to 2021-02-01 BOM.xlsx"
            )
        result = _run(
            lambda: api.rules(
                as_of=_as_of(as_of), destinations=destinations, all_destinations=list_all
            )
        )
        emit("rules", fmt, result, None)
        return
    if not start or not end or as_of or list_all:
        raise _fail(
            "--changes needs --from DATE and --to DATE (and no --as-of or --destinations), "
            "e.g. bomtrace rules --changes --from 2020-05-14 --to 2021-02-01"
        )
    result = _run(
        lambda: api.rule_changes(
            start,
            end,
            list(paths) or None,
            destinations=destinations,
            all_destinations=all_destinations,
            made_in=made_in,
        )
    )
    emit("rule-changes", fmt, result, None)


command = rules
