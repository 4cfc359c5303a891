"""Shared pieces of the command line: errors with exit code 2, option parsing, output."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
EPILOG = """\b
Exit codes:
  0  every product was analysed; none is subject to the EAR, undetermined
     or caught by an FDP rule
  1  some product is subject to the EAR (US-origin, de minimis, 734.4(a)),
     undetermined because data is missing, or caught by an FDP rule
  2  usage or input error (the message says what was wrong and what is valid)
  3  some product could not be analysed (or there is none): do not pass a gate
  4  internal error in bomtrace (one line; the traceback with --debug)
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


def _as_of(value: str | None, flag: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise _fail(f"{flag} {value!r} is not a date; use YYYY-MM-DD, e.g. 2020-08-17.") from None


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


def _emit(text: str | bytes | list[bytes | memoryview], out: str | None) -> None:
    """Write output to the file ``out`` or to stdout (bytes are UTF-8 already; a list holds
    the pieces of one document, written one after the other)."""
    if isinstance(text, list):
        if out:
            with open(out, "wb") as f:
                f.writelines(text)
        else:
            for piece in text:  # click writes bytes, not views, to the binary stdout
                click.echo(piece if isinstance(piece, bytes) else bytes(piece), nl=False)
            click.echo(b"")
    elif out:
        if isinstance(text, bytes):
            Path(out).write_bytes(text)
        else:
            Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


read_options = [
    click.option(
        "--column",
        "columns",
        multiple=True,
        metavar="[FILE:]FIELD=HEADER",
        help="Map a canonical field to a header (or 1-based column number); with FILE: only "
        "in the files or sheets FILE names.",
    ),
    click.option(
        "--sheet",
        multiple=True,
        metavar="NAME",
        help="Read only this sheet (name or number from 1); repeatable.",
    ),
    click.option(
        "--layout",
        type=click.Choice(["indented", "parent-child", "flat", "per-assembly"]),
        help="Force the BOM layout instead of detecting it.",
    ),
    click.option(
        "--product",
        metavar="NAME",
        help="Part number of the product of a single-level BOM (default: title cell or file).",
    ),
    click.option(
        "--profile",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Read with a mapping profile written by --save-profile.",
    ),
    click.option(
        "--encoding",
        metavar="NAME",
        help="Text encoding of csv/tsv files, e.g. gb18030 (default: sniffed).",
    ),
    click.option(
        "--build-quantity",
        type=click.FloatRange(min=0, min_open=True),
        metavar="N",
        help="Units the quantities are for: each is divided by N (1 keeps them as written; "
        "default: a build quantity in the title block, e.g. 'Board Qty: 100').",
    ),
    click.option(
        "--ids-as-written",
        is_flag=True,
        default=None,
        help="Keep part numbers written as decimals (749.0) as written (default: read as "
        "integers where other files or columns write them so).",
    ),
    click.option(
        "--bom-date",
        metavar="YYYY-MM-DD",
        help="Use only BOM lines in effect on this date (effectivity columns; default: the "
        "--as-of date, else today).",
    ),
    click.option(
        "--save-profile",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Write the column mapping that was used to FILE (TOML).",
    ),
]
#: added to commands that have no --as-of of their own
AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Use only BOM lines in effect on this date (effectivity columns; default today).",
)


#: parameter names of the reading flags, collected into one ReadOptions
READ_FLAGS = (
    "columns", "sheet", "layout", "product", "profile", "save_profile", "encoding", "bom_date",
    "build_quantity",
    "ids_as_written",
)  # fmt: skip


def read_options_from_flags(flags: dict[str, Any]) -> Any:
    """Build a :class:`bomtrace.io.ReadOptions` from the reading flags' values."""
    from bomtrace.io.options import ReadOptions

    sheets = flags.get("sheet") or ()
    if isinstance(sheets, str):
        sheets = (sheets,)
    return ReadOptions(
        columns=_columns(flags.get("columns") or ()),
        sheet=(sheets[0] if len(sheets) == 1 else tuple(sheets)) if sheets else None,
        layout=flags.get("layout"),
        product=flags.get("product"),
        profile=flags.get("profile"),
        save_profile=flags.get("save_profile"),
        encoding=flags.get("encoding"),
        build_quantity=flags.get("build_quantity"),
        ids_as_written=bool(flags.get("ids_as_written")),
        as_of=_as_of(flags.get("bom_date"), "--bom-date") or _as_of(flags.get("as_of")),
    )


def with_read_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Add the reading flags to a command; it receives them as one ``read`` argument.

    A command with its own ``as_of`` parameter (``analyze``: the rules' date) keeps it, and its
    value also selects the BOM lines in effect unless ``--bom-date`` gives another date; other
    commands get ``--as-of`` for the BOM lines alone (``--bom-date`` says the same there).
    """
    own_as_of = "as_of" in inspect.signature(f).parameters

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = {k: kwargs.pop(k) for k in READ_FLAGS if k in kwargs}
        if own_as_of:
            flags["as_of"] = kwargs.get("as_of")
        else:
            flags["as_of"] = kwargs.pop("as_of", None)
        kwargs["read"] = read_options_from_flags(flags)
        return f(*args, **kwargs)

    out: Callable[..., Any] = wrapper
    for opt in reversed(read_options):
        out = opt(out)
    if not own_as_of:
        out = AS_OF_OPTION(out)
    return out
