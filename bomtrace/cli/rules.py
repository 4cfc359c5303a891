"""``bomtrace rules``."""

from __future__ import annotations

from functools import partial

import click

from bomtrace.cli.common import (
    EPILOG,
    _as_of,
    _json,
    _run,
)


@click.command(name="rules", epilog=EPILOG)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Date whose rules apply.")
@click.option(
    "--destination",
    "-d",
    "destinations",
    multiple=True,
    metavar="CC",
    help="Show the rules for this destination; repeatable.",
)
@click.option("--destinations", "list_all", is_flag=True, help="List every destination code.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def rules(as_of: str | None, destinations: tuple[str, ...], list_all: bool, fmt: str) -> None:
    """Show the dated rules: destinations, country groups, thresholds, chart marks, scenarios.

    \b
    Examples:
      bomtrace rules --destinations
      bomtrace rules --as-of 2020-08-17 --destination CN --destination SD
    """
    from bomtrace.report.text import table
    from bomtrace.rules import load_ruleset

    rs = _run(lambda: load_ruleset(_as_of(as_of)))
    if list_all or not destinations:
        dests = rs.destinations()
    else:
        dests = [_run(partial(rs.destination, d)) for d in destinations]
    rows = [
        {
            "code": d.code,
            "name": d.name,
            "groups": sorted(d.groups),
            "threshold": d.threshold,
            "threshold_source": d.threshold_source,
            "chart_marks": sorted(d.chart_marks),
            "embargo": d.embargo,
            "embargo_source": d.embargo_source,
        }
        for d in dests
    ]
    scen = [{"name": s.name, "title": s.title, "source": s.source} for s in rs.scenarios()]
    if fmt == "json":
        click.echo(
            _json(
                {
                    "as_of": rs.info.as_of.isoformat(),
                    "data_version": rs.info.data_version,
                    "destinations": rows,
                    "scenarios": scen,
                }
            )
        )
        return
    click.echo(f"Rules as of {rs.info.as_of.isoformat()} ({rs.info.data_version})")
    click.echo(
        table(
            ["code", "name", "groups", "threshold", "chart marks", "Part 746"],
            [
                [
                    r["code"],
                    r["name"],
                    " ".join(r["groups"]),
                    f"{r['threshold']:.0%}",
                    " ".join(r["chart_marks"]) or "-",
                    r["embargo"] or "-",
                ]
                for r in rows
            ],
        )
    )
    click.echo("Scenarios (--scenario NAME):")
    for s in scen:
        click.echo(f"  {s['name']}: {s['title']}")


command = rules
