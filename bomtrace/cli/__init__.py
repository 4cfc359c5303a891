"""The ``bomtrace`` command line: parse flags, call one library verb, render, exit.

One module per command. Heavy modules (pandas, numpy, openpyxl) are imported inside the
commands so that ``bomtrace --help`` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from bomtrace._version import __version__
from bomtrace.cli.common import CONTEXT_SETTINGS, EPILOG


class _Commands(click.Group):
    """The command group: an unexpected exception (a defect in bomtrace, never bad input) ends
    the run with one line and :data:`~bomtrace.exitcodes.ExitCode.INTERNAL`; ``--debug``
    (anywhere on the line) or ``BOMTRACE_DEBUG=1`` shows the traceback instead."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (``bomtrace ... | head``): stop quietly, as cat does; the
            # rest of the output has nowhere to go, so stdout is pointed at nothing
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception as e:
            if ctx.meta.get("bomtrace.debug") or os.environ.get("BOMTRACE_DEBUG") == "1":
                raise
            from bomtrace.exitcodes import ExitCode

            what = str(e).splitlines()[0][:300] if str(e) else ""
            click.echo(
                f"bomtrace: internal error ({type(e).__name__}{': ' + what if what else ''}). "
                "This is a defect in bomtrace, not in your input; rerun with --debug for the "
                "traceback and report it.",
                err=True,
            )
            ctx.exit(ExitCode.INTERNAL)


def _debug(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    ctx.meta["bomtrace.debug"] = value
    return value


@click.group(cls=_Commands, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.version_option(__version__, prog_name="bomtrace")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_debug,
    help="Show the traceback of an internal error (may also follow the command).",
)
def cli() -> None:
    """Is this foreign-made product subject to US export controls?

    bomtrace reads multi-level bills of materials (xlsx or csv; indented or parent-child),
    rolls cost, US-origin value and controlled US content up through every assembly, and
    gives de minimis verdicts (15 CFR 734.4) per product and destination, with the evidence.
    Not legal advice.
    """


def _register() -> None:
    from bomtrace.cli import analyze, explode, inspect, rules

    for mod in (analyze, inspect, explode, rules):
        cli.add_command(mod.command)
    cli.add_command(importlib.import_module("bomtrace.cli.suppliers").command)
    cli.add_command(importlib.import_module("bomtrace.cli.explain").command)
    cli.add_command(importlib.import_module("bomtrace.cli.where_used").command)
    cli.add_command(importlib.import_module("bomtrace.cli.diff").command)
    cli.add_command(importlib.import_module("bomtrace.cli.library").command)
    for c in importlib.import_module("bomtrace.cli.records").commands:
        cli.add_command(c)
    cli.add_command(importlib.import_module("bomtrace.cli.portfolio").command)


_register()


def main() -> None:
    """Console-script entry point: one command as one process, run the fast way
    (:func:`bomtrace.cli.runtime.run`)."""
    from bomtrace.cli.runtime import run

    run(lambda: cli(args=debug_first(sys.argv[1:]), prog_name="bomtrace"))


def debug_first(args: list[str]) -> list[str]:
    """The command line with ``--debug`` moved to the front, where the group reads it, so that
    ``bomtrace analyze bom.xlsx --debug`` works too (arguments after ``--`` are left alone).

    >>> debug_first(["analyze", "bom.xlsx", "--debug"])
    ['--debug', 'analyze', 'bom.xlsx']
    >>> debug_first(["analyze", "--", "--debug"])
    ['analyze', '--', '--debug']
    """
    head = args[: args.index("--")] if "--" in args else args
    if "--debug" not in head:
        return args
    i = args.index("--debug")
    return ["--debug", *args[:i], *args[i + 1 :]]
