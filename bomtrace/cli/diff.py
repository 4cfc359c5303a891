"""``bomtrace diff``."""

from __future__ import annotations

import sys

import click

from bomtrace.cli.common import EPILOG, _as_of, _fail, _run, read_options_from_flags
from bomtrace.cli.options import (
    as_of_option,
    destinations_option,
    made_in_option,
    output_option,
    sheet_option,
)
from bomtrace.cli.outputs import check_outputs, emit, format_option


@click.command(name="diff", epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--old", "old", multiple=True, type=click.Path(), help="A file of the old revision.")
@click.option("--new", "new", multiple=True, type=click.Path(), help="A file of the new revision.")
@destinations_option("Destination (ISO code or name); repeatable. Default: CN plus E:1/E:2.")
@click.option("--all-destinations", is_flag=True, help="Every destination of the Country Chart.")
@as_of_option
@click.option("--old-as-of", metavar="YYYY-MM-DD", help="Rules' date for the old side.")
@click.option("--new-as-of", metavar="YYYY-MM-DD", help="Rules' date for the new side.")
@click.option("--old-scenario", metavar="NAME", help="What-if scenario for the old side.")
@click.option("--new-scenario", metavar="NAME", help="What-if scenario for the new side.")
@made_in_option
@sheet_option
@format_option("diff")
@output_option
def diff(
    paths: tuple[str, ...],
    old: tuple[str, ...],
    new: tuple[str, ...],
    destinations: tuple[str, ...],
    all_destinations: bool,
    as_of: str | None,
    old_as_of: str | None,
    new_as_of: str | None,
    old_scenario: str | None,
    new_scenario: str | None,
    made_in: str | None,
    sheet: tuple[str, ...],
    fmt: str,
    out: str | None,
) -> None:
    """Compare two BOM revisions, or one BOM under two dates.

    Lines added, removed and changed, parts whose values changed, and per product and
    destination the ratio and verdict before and after, which flip, and the parts that explain
    it. Give the revisions as --old FILE and --new FILE (repeatable), or as two paths; one BOM
    with --old-as-of and --new-as-of (or --old-scenario/--new-scenario) compares its verdicts
    under two dates (or the rule in force and a scenario). Exit 1 when a
    verdict flips from not subject to subject or undetermined, 3 when a product of the new
    revision could not be analysed: a release gate can stop on it.

    \b
    Examples:
      bomtrace diff --old rev-a.xlsx --new rev-b.xlsx -d CN
      bomtrace diff samples/rtr_e200.xlsx --old-as-of 2021-01-13 --new-as-of 2021-01-14 -d SD
      bomtrace diff samples/rtr_e200.xlsx --new-scenario proposed-2020-huawei-10pct -d CN
    """
    if not old and not new:
        if len(paths) == 2:
            old, new = (paths[0],), (paths[1],)
        elif len(paths) == 1:
            old = paths
        else:
            raise _fail(
                "diff needs --old FILE and --new FILE (or two paths, or one BOM with --old-as-of "
                "and --new-as-of)."
            )
    elif paths or not old:
        raise _fail("give the revisions as --old FILE ... --new FILE ..., not as bare paths too.")
    check_outputs([*old, *new], [("-o", out, fmt)])
    from bomtrace import api

    read = read_options_from_flags({"sheet": sheet})
    result = _run(
        lambda: api.diff(
            list(old),
            list(new) or None,
            destinations=destinations,
            all_destinations=all_destinations,
            as_of=_as_of(as_of),
            old_as_of=_as_of(old_as_of, "--old-as-of"),
            new_as_of=_as_of(new_as_of, "--new-as-of"),
            old_scenario=old_scenario,
            new_scenario=new_scenario,
            made_in=made_in,
            read=read,
        )
    )
    emit("diff", fmt, result, out)
    sys.exit(result.exit_code)


command = diff
