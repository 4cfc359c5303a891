"""The ``bomtrace`` command line: parse flags, call one library verb, render, exit.

One module per command. Heavy modules (pandas, numpy, openpyxl) are imported inside the
commands so that ``bomtrace --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import MutableMapping
from typing import NoReturn

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


_register()


def main() -> None:
    """Console-script entry point. A run is one process: the cyclic garbage collector is
    paused for it (see :mod:`bomtrace.gcpause`), Arrow allocates from jemalloc on Linux
    (:func:`arrow_memory_pool`), and once the command has written its output the process ends
    at once (:func:`leave`)."""
    from bomtrace.gcpause import gc_paused

    arrow_memory_pool(os.environ, sys.platform)

    try:
        with gc_paused():
            cli(args=debug_first(sys.argv[1:]), prog_name="bomtrace")
    except SystemExit as stop:
        leave(stop.code)
    leave(0)


def arrow_memory_pool(env: MutableMapping[str, str], platform: str) -> None:
    """Have pyarrow allocate from jemalloc on Linux unless ``ARROW_DEFAULT_MEMORY_POOL`` is set
    (it is read when pyarrow is imported, which the commands do later). On the benchmarks its
    peak RSS was 60-130 MB lower than with pyarrow's default (mimalloc), which keeps more of
    what the reading step freed, and the runs were no slower. Linux wheels of pyarrow include
    jemalloc; elsewhere pyarrow's default stays.

    >>> env = {}
    >>> arrow_memory_pool(env, "linux"); env
    {'ARROW_DEFAULT_MEMORY_POOL': 'jemalloc'}
    >>> env = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
    >>> arrow_memory_pool(env, "linux"); env
    {'ARROW_DEFAULT_MEMORY_POOL': 'system'}
    >>> env = {}
    >>> arrow_memory_pool(env, "darwin"); env
    {}
    """
    if platform.startswith("linux"):
        env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


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


def leave(code: object) -> NoReturn:
    """Flush stdout and stderr and end the process with ``code`` (as ``sys.exit`` reads it),
    without freeing the analysis object by object and without the interpreter's final garbage
    collection: on a million-edge BOM these took 1.1-1.6 s after the output was written.
    The temporary parts of a workbook still parsing in the background are removed first."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): a usage problem
        print(code, file=sys.stderr)
        status = 2
    parts = sys.modules.get("bomtrace.io.partfiles")
    if parts is not None:  # a workbook may still be parsing in parts in the background
        parts.clean_up()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (``| head``) or stream: nothing more can be written
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)
