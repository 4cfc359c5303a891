"""``bomtrace rules``."""

from __future__ import annotations

from functools import partial
from typing import Any

import click

from bomtrace.cli.common import (
    EPILOG,
    _as_of,
    _json,
    _run,
)
from bomtrace.cli.options import as_of_option, destinations_option


@click.command(name="rules", epilog=EPILOG)
@as_of_option
@destinations_option("Show the rules for this destination; repeatable.")
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
    rows = [_row(rs, d) for d in dests]
    scen = [{"name": s.name, "title": s.title, "source": s.source} for s in rs.scenarios()]
    if fmt == "json":
        click.echo(
            _json(
                {
                    "as_of": rs.info.as_of.isoformat(),
                    "data_version": rs.info.data_version,
                    "destinations": rows,
                    "partner_countries": rs.partner_countries(),
                    "exclusions": [
                        {"flag": e.flag, "title": e.title, "citation": e.citation}
                        for e in rs.exclusions()
                    ],
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
    if destinations and not list_all:
        for r in rows:
            click.echo("")
            click.echo(_detail(r))
        click.echo("")
    click.echo("Scenarios (--scenario NAME):")
    for s in scen:
        click.echo(f"  {s['name']}: {s['title']}")


def _row(rs: Any, d: Any) -> dict[str, Any]:
    """Everything the ruleset says about one destination on its date."""
    return {
        "code": d.code,
        "name": d.name,
        "groups": sorted(d.groups),
        "threshold": d.threshold,
        "threshold_source": d.threshold_source,
        "chart_marks": sorted(d.chart_marks),
        "embargo": d.embargo,
        "embargo_source": d.embargo_source,
        "embargo_categories": sorted(d.embargo_categories),
        "listed_ear99": d.listed_ear99,
        "partner_carveout": d.partner_carveout,
        "partner_carveout_eccns": sorted(d.partner_eccns),
        "region_of": d.region_of,
        "zero_de_minimis": [z.to_dict() for z in rs.zero_de_minimis(d)],
    }


def _embargo_text(r: dict[str, Any]) -> str:
    if r["embargo"] == "all":
        return (
            f"all items subject to the EAR need a licence, EAR99 included ({r['embargo_source']})"
        )
    if r["embargo"] == "ccl":
        what = (
            f"CCL Categories {', '.join(r['embargo_categories'])}"
            if r["embargo_categories"]
            else "every CCL item"
        )
        return f"{what} needs a licence; EAR99 does not count ({r['embargo_source']})"
    return "none: the Country Chart decides"


def _detail(r: dict[str, Any]) -> str:
    """The text block of ``bomtrace rules --destination CC``."""
    lines = [
        f"{r['code']} {r['name']}" + (f" (region of {r['region_of']})" if r["region_of"] else ""),
        f"  country groups: {' '.join(r['groups']) or '-'}",
        f"  de minimis threshold: {r['threshold']:.0%} ({r['threshold_source']})",
        f"  Country Chart marks: {' '.join(r['chart_marks']) or '- (see Part 746)'}",
        f"  Part 746 embargo: {_embargo_text(r)}",
    ]
    if r["listed_ear99"]:
        lines.append(f"  EAR99 on a Part 746 list counts (flag listed_ear99): {r['listed_ear99']}")
    if r["partner_carveout"]:
        extra = ", ".join(r["partner_carveout_eccns"])
        lines.append(
            f"  partner-country carve-out (--made-in a Supp. No. 3 country): AT-only content "
            f"and {extra} not counted ({r['partner_carveout']})"
        )
    zero = r["zero_de_minimis"]
    lines.append(f"  items with no de minimis level (734.4(a)): {len(zero) or 'none'}")
    for z in zero:
        cond = f" [only {z['condition']}]" if z["condition"] else ""
        unsure = " [unsure]" if z["unsure"] else ""
        lines.append(f"    {z['paragraph']}: {z['title']}{cond}{unsure}")
    return "\n".join(lines)


command = rules
