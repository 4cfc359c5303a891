"""The ``bomtrace`` command line: parse flags, call one library verb, render, exit.

Heavy modules (pandas, numpy, openpyxl) are imported inside the commands so that
``bomtrace --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import click

from bomtrace._version import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EPILOG = """\b
Exit codes:
  0  success (no product subject to the EAR)
  1  the analysis ran and found a product subject to the EAR, or one whose
     verdict is undetermined because data is missing
  2  usage or input error (the message says what was wrong and what is valid)
"""


class InputProblem(click.ClickException):
    """A one-line error with exit code 2."""

    exit_code = 2


def _fail(msg: str) -> InputProblem:
    return InputProblem(msg)


def _columns(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        field, sep, header = v.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise _fail(f"--column {v!r} is not FIELD=HEADER (e.g. --column quantity='Qty Per').")
        out[field.strip()] = header.strip()
    return out


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise _fail(f"--as-of {value!r} is not a date; use YYYY-MM-DD, e.g. 2020-08-17.") from None


def _run(fn: Callable[[], Any]) -> Any:
    """Call a library verb, turning known errors into one-line exit-2 messages."""
    from bomtrace.errors import BomtraceError

    try:
        return fn()
    except BomtraceError as e:
        raise _fail(str(e)) from None
    except FileNotFoundError as e:
        raise _fail(f"File not found: {e.filename}. Check the path.") from None
    except PermissionError as e:
        raise _fail(f"Cannot open {e.filename}: permission denied.") from None


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _json(d: Any) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False, allow_nan=False)


read_options = [
    click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="FIELD=HEADER",
        help="Map a canonical field to a header (or 1-based column number).",
    ),
    click.option("--sheet", help="Read only this sheet."),
    click.option(
        "--layout",
        type=click.Choice(["indented", "parent-child"]),
        help="Force the BOM layout instead of detecting it.",
    ),
]


def with_read_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(read_options):
        f = opt(f)
    return f


@click.group(context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.version_option(__version__, prog_name="bomtrace")
def cli() -> None:
    """Is this foreign-made product subject to US export controls?

    bomtrace reads multi-level bills of materials (xlsx or csv; indented or parent-child),
    rolls cost, US-origin value and controlled US content up through every assembly, and
    gives de minimis verdicts (15 CFR 734.4) per product and destination, with the evidence.
    Not legal advice.
    """


@cli.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--destination",
    "-d",
    "destinations",
    multiple=True,
    metavar="CC",
    help="Destination (ISO code or name); repeatable. Default: CN plus E:1/E:2.",
)
@click.option("--all-destinations", is_flag=True, help="Every destination of the Country Chart.")
@click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Date whose rules apply (default today)."
)
@click.option(
    "--scenario",
    "scenarios",
    multiple=True,
    metavar="NAME",
    help="What-if scenario shown beside the rule in force (see `bomtrace rules`).",
)
@click.option("--end-user", metavar="NAME", help="End user of the shipment (scenarios may use it).")
@click.option(
    "--assembly-cost",
    type=click.Choice(["rollup", "added", "total"]),
    default="rollup",
    show_default=True,
    help="How a cost stated on an assembly line is read.",
)
@click.option(
    "--top",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="Top contributing parts per product and destination.",
)
@click.option(
    "--no-assemblies", is_flag=True, help="Skip verdicts for foreign-made sub-assemblies."
)
@with_read_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file.")
def analyze(
    paths: tuple[str, ...],
    destinations: tuple[str, ...],
    all_destinations: bool,
    as_of: str | None,
    scenarios: tuple[str, ...],
    end_user: str | None,
    assembly_cost: str,
    top: int,
    no_assemblies: bool,
    columns: tuple[str, ...],
    sheet: str | None,
    layout: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """De minimis verdicts for every product in a BOM, per destination.

    \b
    Examples:
      bomtrace analyze samples/p30pro.xlsx --destination CN --as-of 2020-08-17
      bomtrace analyze edges.csv parts.csv --all-destinations --format json
      bomtrace analyze bom.xlsx --scenario proposed-2020-huawei-10pct --format xlsx -o report.xlsx
    """
    from bomtrace import api

    if fmt == "xlsx" and not out:
        raise _fail("--format xlsx needs an output file: add -o REPORT.xlsx.")
    result = _run(
        lambda: api.analyze(
            list(paths),
            destinations=destinations,
            all_destinations=all_destinations,
            as_of=_as_of(as_of),
            scenarios=scenarios,
            end_user=end_user,
            assembly_cost=assembly_cost,
            top=top,
            assemblies=not no_assemblies,
            columns=_columns(columns),
            sheet=sheet,
            layout=layout,
        )
    )
    d = result.to_dict()
    if fmt == "json":
        _emit(_json(d), out)
    elif fmt == "csv":
        from bomtrace.report.csvout import to_csv
        from bomtrace.report.tables import destination_rows

        _emit(to_csv(destination_rows(d)), out)
    elif fmt == "xlsx":
        from bomtrace.report.xlsx import write_xlsx

        _run(lambda: write_xlsx(d, out))  # type: ignore[arg-type]
        click.echo(f"Wrote {out}", err=True)
    else:
        from bomtrace.report.text import render_analysis

        _emit(render_analysis(d), out)
    sys.exit(result.exit_code)


@cli.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file.")
def inspect(
    paths: tuple[str, ...],
    columns: tuple[str, ...],
    sheet: str | None,
    layout: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """Show exactly how the files were read, before any analysis.

    \b
    Example:
      bomtrace inspect samples/p30pro.xlsx
    """
    from bomtrace import api

    res = _run(
        lambda: api.inspect(list(paths), columns=_columns(columns), sheet=sheet, layout=layout)
    )
    d = res.to_dict()
    if fmt == "json":
        _emit(_json(d), out)
    else:
        from bomtrace.report.text import render_inspect

        _emit(render_inspect(d), out)


@cli.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@with_read_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write to this file.")
def explode(
    paths: tuple[str, ...],
    columns: tuple[str, ...],
    sheet: str | None,
    layout: str | None,
    fmt: str,
    out: str | None,
) -> None:
    """Flatten every product to its purchased parts (total quantity, extended cost).

    \b
    Example:
      bomtrace explode samples/p30pro.xlsx --format csv -o exploded.csv
    """
    from bomtrace import api

    res = _run(
        lambda: api.explode(list(paths), columns=_columns(columns), sheet=sheet, layout=layout)
    )
    if fmt == "json":
        _emit(_json(res.to_dict()), out)
    elif fmt == "csv":
        from bomtrace.report.csvout import to_csv

        _emit(to_csv(res.rows()), out)
    else:
        from bomtrace.report.text import render_explode

        _emit(render_explode(res.to_dict()), out)


@cli.command(epilog=EPILOG)
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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="bomtrace")
