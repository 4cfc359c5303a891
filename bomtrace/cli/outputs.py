"""Checks on the files a command is about to write, made before anything is read or analysed.

A command writes its output (``-o``), a request workbook (``--request-sheet``) or a mapping
profile (``--save-profile``). :func:`check_outputs` refuses, with a one-line message and exit
code 2, before the analysis runs:

- an output that is one of the inputs (the BOM, a file of an input folder, a profile,
  screening list or producer table), compared as files (``os.path.samefile``: links and
  differently spelled paths count), and an output that would be read as a BOM the next time
  an input folder is read;
- two outputs of one run that are the same file;
- an output whose folder does not exist, is not a folder or cannot be written, and an
  existing output file that cannot be written over;
- an output whose name says another format than the one asked for (``--format xlsx -o
  r.csv``); a name without a suffix, or with one bomtrace does not know, is accepted;
- a format that cannot go to stdout (xlsx, parquet) without ``-o`` (:func:`check_format`).

The formats, their suffixes and writers are the registry :data:`bomtrace.report.formats.FORMATS`;
:func:`format_option` and :func:`render` read it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bomtrace.cli.common import InputProblem, _emit, _run
from bomtrace.report.formats import FORMATS, choices, write

if TYPE_CHECKING:
    from bomtrace.report.formats import Output

PathLike = str | os.PathLike[str]
F = TypeVar("F", bound=Callable[..., Any])

#: the suffixes a file of each output format may have (compared without case), and of the
#: mapping profile (``--save-profile``)
SUFFIXES: dict[str, tuple[str, ...]] = {
    **{f.name: f.suffixes for f in FORMATS.values()},
    "toml": (".toml",),
}
#: what a file name with a suffix of another kind says it is (a mismatch for any format)
OTHER_SUFFIXES: dict[str, str] = {
    ".tsv": "tsv",
    ".xls": "xls",
    ".xlsm": "xlsm",
    ".xlsb": "xlsb",
    ".ods": "ods",
    ".pdf": "pdf",
    ".zip": "zip",
}
#: files of a folder that bomtrace reads as BOMs (as :data:`bomtrace.io.read.FOLDER_SUFFIXES`)
_FOLDER_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")


def check_outputs(
    inputs: Iterable[PathLike | None],
    outputs: Iterable[tuple[str, PathLike | None, str]],
) -> None:
    """Refuse (:class:`~bomtrace.cli.common.InputProblem`, exit 2) outputs that would destroy
    an input, cannot be written, collide, or whose name says another format.

    ``inputs`` are the files and folders the command reads (``None`` entries are skipped);
    ``outputs`` are ``(option, path, format)`` triples, ``path`` ``None`` when the option was
    not given; ``format`` is a key of :data:`SUFFIXES`.
    """
    given = [str(os.fspath(p)) for p in inputs if p is not None and str(os.fspath(p)) != ""]
    seen: list[tuple[str, str]] = []
    for option, path, fmt in outputs:
        if path is None:
            continue
        out = str(os.fspath(path))
        check_output(out, given, fmt, option)
        for other_option, other in seen:
            if _same(out, other):
                raise InputProblem(
                    f"{option} {out} and {other_option} {other} are the same file; "
                    "give each output its own name."
                )
        seen.append((option, out))


def check_output(
    path: PathLike, inputs: Iterable[PathLike], fmt: str, option: str = "--output"
) -> None:
    """Refuse one output file ``path`` (written by ``option`` in format ``fmt``): see
    :func:`check_outputs`.

    >>> try:
    ...     check_output("report.xlsx", [], "csv")
    ... except InputProblem as e:
    ...     print(e.message)
    --output report.xlsx: the name ends in .xlsx, the suffix of xlsx files, but --format is \
csv; csv files end in .csv. Rename the output or change --format.
    """
    out = str(os.fspath(path))
    for given in inputs:
        _check_not_input(out, str(os.fspath(given)), option)
    _check_suffix(out, fmt, option)
    _check_writable(out, option)


def _check_suffix(out: str, fmt: str, option: str) -> None:
    suffix = Path(out).suffix.lower()
    own = SUFFIXES.get(fmt, ())
    if not suffix or suffix in own:
        return
    says = next((f for f, sx in SUFFIXES.items() if suffix in sx), None) or OTHER_SUFFIXES.get(
        suffix
    )
    if says is None:
        return
    is_format = option in ("-o", "--output")
    raise InputProblem(
        f"{option} {out}: the name ends in {suffix}, the suffix of {says} files, but "
        + (f"--format is {fmt}" if is_format else f"{option} writes {fmt}")
        + f"; {fmt} files end in {' or '.join(own)}. Rename the output"
        + (" or change --format." if is_format else ".")
    )


def _same(a: str, b: str) -> bool:
    """Whether two paths name the same file (existing: by device and inode; else by their
    resolved paths)."""
    with contextlib.suppress(OSError):
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return os.path.abspath(a) == os.path.abspath(b)


def _check_not_input(out: str, given: str, option: str) -> None:
    if os.path.isdir(given):
        parent = os.path.dirname(out) or os.curdir
        name = os.path.basename(out)
        reads = Path(name).suffix.lower() in _FOLDER_SUFFIXES and not name.startswith(("~$", "."))
        if reads and os.path.isdir(parent) and _same(parent, given):
            exists = os.path.lexists(out)
            raise InputProblem(
                f"{option} {out} is "
                + ("a file of the input folder" if exists else "inside the input folder")
                + f" {given}"
                + (", which this run reads" if exists else ", where later runs would read it")
                + "; write the output somewhere else."
            )
    elif _same(out, given):
        raise InputProblem(
            f"{option} {out} is the input file {given}; refusing to write over it. "
            "Write the output somewhere else."
        )


def _check_writable(out: str, option: str) -> None:
    parent = os.path.dirname(out) or os.curdir
    if not os.path.exists(parent):
        raise InputProblem(
            f"{option} {out}: the folder {parent} does not exist; create it first or write "
            "somewhere else."
        )
    if not os.path.isdir(parent):
        raise InputProblem(f"{option} {out}: {parent} is not a folder.")
    if os.path.isdir(out):
        raise InputProblem(f"{option} {out} is a folder; name a file to write.")
    if os.path.exists(out):
        if not os.access(out, os.W_OK):
            raise InputProblem(f"{option} {out} cannot be written over: permission denied.")
        return
    if not os.access(parent, os.W_OK | os.X_OK) or not _can_create_in(parent):
        raise InputProblem(f"{option} {out}: the folder {parent} cannot be written.")


def _can_create_in(folder: str) -> bool:
    """Whether a file can be created in ``folder`` (tried with a nameless temporary file
    where the system has them, so nothing is left behind)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def format_option(command: str, help: str | None = None) -> Callable[[F], F]:
    """``--format`` with the formats ``command`` offers (:data:`FORMATS`), default table."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices(command)),
        default="table",
        show_default=True,
        help=help,
    )


def check_format(fmt: str, out: PathLike | None) -> None:
    """Refuse (exit 2) a format that cannot go to stdout when no output file is given."""
    f = FORMATS[fmt]
    if not f.stdout and not out:
        raise InputProblem(f"--format {fmt} needs an output file: add -o {f.example}.")


def render(command: str, fmt: str, result: Any, out: str | None) -> Output:
    """The output of ``command`` in format ``fmt``, to write to ``out`` or stdout; None when
    the writer wrote ``out`` itself. Errors writing it are one-line messages (exit 2)."""
    return _run(lambda: write(command, fmt, result, out))  # type: ignore[no-any-return]


def emit(
    command: str, fmt: str, result: Any, out: str | None, *, say_written: bool = False
) -> None:
    """Render ``result`` (:func:`render`) and write it to ``out`` or stdout; with
    ``say_written``, a file its writer wrote itself (xlsx) is named on stderr."""
    text = render(command, fmt, result, out)
    if text is not None:
        _emit(text, out)
    elif say_written and fmt == "xlsx":
        click.echo(f"Wrote {out}", err=True)
