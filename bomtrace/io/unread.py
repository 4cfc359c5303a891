"""Inputs that give no BOM lines: a file of a folder that cannot be read, a sheet or file with a
header row and nothing below it.

A file of a folder that cannot be read at all (empty, damaged, password-protected, refused as a
zip bomb) does not stop the run: it is reported as a ``file-not-read`` issue naming it (an error,
so that the run cannot pass a gate: its products are missing), and the other files are read.
A source whose header row has no BOM line below it (or whose every line was skipped) adds
nothing: it is reported and left out. When that leaves no BOM lines at all,
the read stops with an :class:`~bomtrace.errors.InputError` saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bomtrace.errors import FileFormatError, InputError
from bomtrace.io.classify import where
from bomtrace.io.issuelog import IssueLog
from bomtrace.issues import Issue, IssueCode, Severity

if TYPE_CHECKING:
    from bomtrace.io.source import Converted


def file_not_read(log: IssueLog, given: str, exc: FileFormatError) -> None:
    """Report a file of a folder that cannot be read; the others are read.

    Parameters
    ----------
    log : IssueLog
        Receives the ``file-not-read`` issue (an error, a warning when the file is empty).
    given : str
        The file as the caller named it.
    exc : FileFormatError
        Why it cannot be read.
    """
    why = str(exc)
    for prefix in (f"{given}: ", f"{given}, "):
        if why.startswith(prefix):
            why = why[len(prefix) :]
    empty = why.startswith("the file is empty")
    log.add(
        Issue(
            IssueCode.FILE_NOT_READ,
            f"File {given} was not read: {why}" + ("" if empty else " Its lines are missing "
                                                   "from every result."),
            severity=Severity.WARNING if empty else Severity.ERROR,
            file=given,
        )
    )


def drop_empty(boms: Sequence[Converted], log: IssueLog) -> list[Converted]:
    """The sources that hold BOM lines; each one without is reported (``sheet-skipped``).

    Raises
    ------
    InputError
        No source holds a BOM line.
    """
    kept = [c for c in boms if c.info.rows_used > 0]
    reasons = []
    for c in boms:
        if c.info.rows_used > 0:
            continue
        why = _why(c, log)
        reasons.append(f"{where(c.info.path, c.info.sheet)} {why}")
        log.add(
            Issue(
                IssueCode.SHEET_SKIPPED,
                f"{_what(c)} has no BOM lines: it {why}. It was left out.",
                severity=Severity.WARNING,
                file=c.info.path,
                sheet=c.info.sheet,
                row=c.info.header_row or None,
            )
        )
    if not kept:
        raise InputError(
            "No BOM lines to analyse: " + "; ".join(reasons) + ". Add the BOM's lines below "
            "its header row (a product line, then its parts)."
        )
    return kept


def _what(c: Converted) -> str:
    if c.info.sheet is not None:
        return f"Sheet '{c.info.sheet}' of {c.info.path}"
    return f"File {c.info.path}"


def _why(c: Converted, log: IssueLog) -> str:
    header = f"header row (row {c.info.header_row})" if c.info.header_row else "header row"
    if not c.info.rows:
        return f"has a {header} and no rows below it"
    first = next(
        (
            i
            for i in log.issues()
            if i.file == c.info.path and i.sheet == c.info.sheet and i.row is not None
        ),
        None,
    )
    n = c.info.rows
    said = f" (first: row {first.row}: {first.message})" if first is not None else ""
    return f"has {n} row{'s' if n != 1 else ''} below its {header}, all skipped{said}"
