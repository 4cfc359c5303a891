"""Start reading the input files on a background thread while the rest of bomtrace imports.

A run spends its first 0.7-0.9 s importing pandas, numpy and bomtrace. Parsing a workbook
(fastexcel) or the body of a CSV file (pyarrow) releases the GIL, so it can run on the second
core meanwhile. The CLI calls :func:`start` with the files named on the command line before it
imports the analysis; the readers then :func:`take_book` / :func:`take_text` what was read.

What was read in the background is used only when it is exactly what the reader would have
read itself: same file (path, size, modification time), same sheet, same parse parameters
(delimiter, encoding, width and first line of a CSV body). The CSV header is guessed to be
the file's first record; when the reader finds it elsewhere (a title block above it) it parses
the body again. A failure in the background is never reported from here: the reader repeats
the work and reports it with its position. Nothing in this module imports pandas.

The library's :func:`bomtrace.io.read_bom` does not start anything; it only takes what the CLI
started, and drops what it did not use (:func:`discard`).
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bomtrace.io.bookparse import Book, ParsedSheet
    from bomtrace.io.textparse import BodyKey
    from bomtrace.io.xlsxmeta import SheetMeta

    #: A workbook and, per sheet parsed, the parse and its hidden-row/merged-cell scan.
    EarlyBook = tuple[Book, dict[str, tuple[ParsedSheet, SheetMeta | str | None]]]

_FileKey = tuple[str, int, int]  # resolved path, size, modification time (ns)
_pending: dict[_FileKey, Future[Any]] = {}
_lock = threading.Lock()
#: work for the main thread while it would otherwise wait for a background parse
_waiting_tasks: list[Callable[[], object]] = []


@dataclass
class EarlyText:
    """A delimited text file read in the background: bytes, digest, sniffed text and
    encoding, and the body parsed with the guessed parameters ``key``."""

    data: bytes
    sha256: str
    text: str | None = None
    encoding: str | None = None
    key: BodyKey | None = None
    table: Any = None
    bad: list[str] = field(default_factory=list)

    def body(self, data: bytes, key: BodyKey) -> tuple[Any, list[str]] | None:
        """The parsed body (pyarrow Table, irregular lines) if it was parsed from these very
        bytes with these parameters, else None. Handed over once."""
        if self.table is None or data is not self.data or key != self.key:
            return None
        table, self.table = self.table, None
        return table, self.bad


def start(
    paths: Iterable[str | os.PathLike[str]],
    sheets: Sequence[str] = (),
    encoding: str | None = None,
) -> None:
    """Read these files (folders are left to the reader) on one background thread, in order.

    Parameters
    ----------
    paths : iterable of path
        The files as named on the command line.
    sheets : sequence of str
        Only these sheets of a workbook (names or 1-based numbers); every sheet by default.
    encoding : str, optional
        The text encoding given with ``--encoding``; the CSV body is then left to the reader.
    """
    jobs: list[tuple[Path, Future[Any]]] = []
    with _lock:
        for p in paths:
            path = Path(p)
            key = _file_key(path)
            if key is None or key in _pending:
                continue
            fut: Future[Any] = Future()
            _pending[key] = fut
            jobs.append((path, fut))
    if jobs:
        worker = threading.Thread(
            target=_work, args=(jobs, tuple(sheets), encoding), name="bomtrace-prefetch"
        )
        worker.daemon = True  # an error in the main thread must not wait for a parse
        worker.start()


def take_book(path: Path, file_type: str) -> EarlyBook | None:
    """The workbook read in the background (waiting for it), or None."""
    got = _take(path)
    if isinstance(got, tuple) and got[0].file_type == file_type:
        return got
    return None


def take_text(path: Path) -> EarlyText | None:
    """The delimited text file read in the background (waiting for it), or None."""
    got = _take(path)
    return got if isinstance(got, EarlyText) else None


def while_waiting(*tasks: Callable[[], object]) -> None:
    """Run these on the main thread the first time a reader would wait for a background parse
    (a large workbook parses for seconds after the imports are done), e.g. loading the
    ruleset, which the caller would do later anyway and caches. A task's failure is ignored
    here: the caller's own later call repeats it and reports it. Nothing runs when no reader
    waits; :func:`discard` drops the tasks."""
    with _lock:
        _waiting_tasks.extend(tasks)


def discard() -> None:
    """Forget whatever was not taken; reads not yet begun are cancelled."""
    with _lock:
        futures = list(_pending.values())
        _pending.clear()
        _waiting_tasks.clear()
    for fut in futures:
        fut.cancel()


def _take(path: Path) -> Any:
    key = _file_key(path)
    with _lock:
        fut = _pending.pop(key, None) if key is not None else None
    if fut is None or fut.cancelled():
        return None
    if not fut.done():
        _run_waiting_tasks()
    return fut.result()


def _run_waiting_tasks() -> None:
    with _lock:
        tasks = list(_waiting_tasks)
        _waiting_tasks.clear()
    for task in tasks:
        try:
            task()
        except Exception:  # repeated, and reported, where the caller needs it
            continue


def _file_key(path: Path) -> _FileKey | None:
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None
        return (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def _work(jobs: list[tuple[Path, Future[Any]]], sheets: tuple[str, ...], enc: str | None) -> None:
    for path, fut in jobs:
        if not fut.set_running_or_notify_cancel():
            continue
        try:
            got = _read(path, sheets, enc)
        except BaseException:  # the reader repeats the work and reports what went wrong
            got = None
        fut.set_result(got)


def _read(path: Path, sheets: tuple[str, ...], encoding: str | None) -> Any:
    from bomtrace.io.sniff import read_head, sniff_file_type

    kind = sniff_file_type(path, read_head(path, 8192))
    data = path.read_bytes()
    if kind == "csv":
        return _text(data, encoding)
    return _book(data, kind, sheets)


def _text(data: bytes, encoding: str | None) -> EarlyText:
    from bomtrace.io.sniff import SNIFF_BYTES, decode_text, delimiter_of
    from bomtrace.io.textparse import parse_body

    early = EarlyText(data, hashlib.sha256(data).hexdigest())
    if encoding is not None:
        return early
    text, enc = decode_text(data)
    early.text, early.encoding = text, enc
    delim, skip = delimiter_of(text)
    newline = "\n" if "\n" in text[:SNIFF_BYTES] or "\r" not in text[:SNIFF_BYTES] else "\r"
    lines = text[:SNIFF_BYTES].split(newline, skip + 1)
    if len(lines) < skip + 2 or lines[skip].count('"') % 2:
        return early  # no complete first record in the sample
    width = len(next(csv.reader(StringIO(lines[skip]), delimiter=delim), [""]))
    early.key = (delim, enc, width, skip + 1)
    early.table, early.bad = parse_body(data, early.key)
    return early


def _book(data: bytes, kind: str, sheets: tuple[str, ...]) -> EarlyBook:
    from bomtrace.io.bookparse import Book

    book = Book(data, kind)
    names = book.sheet_names
    if sheets:
        wanted = {s for s in sheets if s in names}
        wanted |= {names[int(s) - 1] for s in sheets if s.isdigit() and 0 < int(s) <= len(names)}
        names = [n for n in names if n in wanted]
    parsed: dict[str, tuple[ParsedSheet, SheetMeta | str | None]] = {}
    for name in names:
        try:
            parsed[name] = book.read(name)
        except Exception:  # the reader parses it again and reports the error
            continue
    return book, parsed
