"""What :func:`bomtrace.io.read_bom` is given: how to read (:class:`ReadOptions`, one field per
CLI reading flag), and what the caller already read (:class:`EarlyReads`).

**Early reads.** The CLI starts parsing the files named on its command line on a background
thread while the rest of bomtrace imports (parsing a workbook with fastexcel, or the body of a
CSV file with pyarrow, releases the GIL; see :mod:`bomtrace.cli.runtime`). What that thread
reads is held in an :class:`EarlyReads`, handed to the readers as ``ReadOptions.early``; they
take from it what they would have read themselves: same file (path, size, modification time),
same sheet, same parse parameters. Anything else is read again by the reader, and a failure in
the background is never reported from here: the reader repeats the work and reports it with its
position. Without an :class:`EarlyReads` the readers read everything themselves. Nothing in this
module imports pandas.
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bomtrace.settings import DEFAULT_LIMIT_ISSUES

if TYPE_CHECKING:
    from bomtrace.io.csv_parse import EarlyText
    from bomtrace.io.table import LayoutChoice
    from bomtrace.io.workbook_parse import EarlyBook


@dataclass(frozen=True)
class ReadOptions:
    """Reader options shared by every verb that reads files.

    Attributes
    ----------
    columns : mapping of str to str
        ``FIELD -> HEADER`` overrides (``--column FIELD=HEADER``); HEADER is header text or a
        1-based column number. A key ``FILE:FIELD`` applies to the files or sheets FILE names
        only (:mod:`bomtrace.io.file_columns`).
    sheet : str, sequence of str, or None
        Read only these sheets (``--sheet``, repeatable): names or 1-based numbers.
    layout : {"indented", "parent-child", "flat", "per-assembly"} or None
        Force the BOM layout (``--layout``) instead of detecting it.
    limit_issues : int
        Cap per issue code; the overflow is summarised.
    as_of : datetime.date or None
        Use only the lines in effect on this date (``--as-of``) when the files have
        effectivity dates; None means today.
    product : str or None
        Part number of the product of a single-level BOM, or of a BOM without a product line
        (``--product``); by default it is taken from a title cell or the file name.
    profile : str or None
        A mapping profile (TOML) written by ``save_profile`` to read with (``--profile``);
        its columns, sheet and layout apply where these options leave them unset.
    save_profile : str or None
        Write the mapping that was used to this TOML file (``--save-profile``).
    encoding : str or None
        Text encoding of delimited files (``--encoding``, e.g. ``gb18030``); sniffed when None.
    build_quantity : float or None
        Units the sheets' quantities are for (``--build-quantity``): quantities are divided by
        it; 1 keeps them as written. None: a build quantity in a title block (``Board Qty:
        100``) is applied (:mod:`bomtrace.io.title_block`).
    ids_as_written : bool
        Keep part numbers written as integer-valued decimals (``749.0``) as written
        (``--ids-as-written``); by default they are read as integers where other ids are
        written so (:mod:`bomtrace.io.ids`).
    early : EarlyReads or None
        What the caller already read of the files on a background thread (the CLI starts it
        while bomtrace imports); the readers take what fits and read the rest. None: the
        readers read everything.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    sheet: str | tuple[str, ...] | None = None
    layout: LayoutChoice | None = None
    limit_issues: int = DEFAULT_LIMIT_ISSUES
    as_of: date | None = None
    product: str | None = None
    profile: str | None = None
    save_profile: str | None = None
    encoding: str | None = None
    build_quantity: float | None = None
    ids_as_written: bool = False
    early: EarlyReads | None = field(default=None, compare=False, repr=False)
    #: a table of parts masters alone is returned (``lines`` empty) instead of refused: the
    #: parts library reads parts masters and supplier answer sheets (``library import``)
    parts_only: bool = False

    def with_(self, **changes: Any) -> ReadOptions:
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def sheets(self) -> tuple[str, ...]:
        """The ``sheet`` option as a tuple (empty: every sheet)."""
        if self.sheet is None:
            return ()
        if isinstance(self.sheet, str):
            return (self.sheet,)
        return tuple(self.sheet)


_FileKey = tuple[str, int, int]  # resolved path, size, modification time (ns)


class EarlyReads:
    """What was read of the input files on a background thread, waiting for the readers.

    The thread is started by the caller (the CLI): :meth:`expect` gives it a future per file to
    set with what :func:`pre_read` returned. A reader takes a file's result once
    (:meth:`take_book`, :meth:`take_text`), waiting for it if it is not ready yet;
    :meth:`discard` drops what no reader took.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = p.write_text("Part,Qty\\nA,1\\n", encoding="utf-8")
    >>> early = EarlyReads()
    >>> from bomtrace.io.formats import pre_read
    >>> early.expect(p).set_result(pre_read(p))
    >>> early.take_text(p).encoding, early.take_text(p)
    ('utf-8-sig', None)
    """

    def __init__(self) -> None:
        self._pending: dict[_FileKey, Future[Any]] = {}
        self._lock = threading.Lock()
        #: work for the main thread while it would otherwise wait for a background parse
        self._waiting_tasks: list[Callable[[], object]] = []

    def expect(self, path: Path) -> Future[Any] | None:
        """A future to set with what is read of ``path``; None when it is not a regular file
        (a folder is left to the reader) or is already expected."""
        key = _file_key(path)
        with self._lock:
            if key is None or key in self._pending:
                return None
            fut: Future[Any] = Future()
            self._pending[key] = fut
            return fut

    def take_book(self, path: Path, file_type: str) -> EarlyBook | None:
        """The workbook read in the background (waiting for it), or None."""
        got = self._take(path)
        if isinstance(got, tuple) and got[0].file_type == file_type:
            return got
        return None

    def take_text(self, path: Path) -> EarlyText | None:
        """The delimited text file read in the background (waiting for it), or None."""
        from bomtrace.io.csv_parse import EarlyText

        got = self._take(path)
        return got if isinstance(got, EarlyText) else None

    def while_waiting(self, *tasks: Callable[[], object]) -> None:
        """Run these on the main thread the first time a reader would wait for a background
        parse (a large workbook may still be parsing when the imports are done), e.g. loading
        the ruleset, which the caller would do later anyway and caches. A task's failure is
        ignored here: the caller's own later call repeats it and reports it. Nothing runs when
        no reader waits; :meth:`discard` drops the tasks."""
        with self._lock:
            self._waiting_tasks.extend(tasks)

    def discard(self) -> None:
        """Forget whatever was not taken; reads not yet begun are cancelled."""
        with self._lock:
            futures = list(self._pending.values())
            self._pending.clear()
            self._waiting_tasks.clear()
        for fut in futures:
            fut.cancel()

    def _take(self, path: Path) -> Any:
        key = _file_key(path)
        with self._lock:
            fut = self._pending.pop(key, None) if key is not None else None
        if fut is None or fut.cancelled():
            return None
        if not fut.done():
            self._run_waiting_tasks()
        return fut.result()

    def _run_waiting_tasks(self) -> None:
        with self._lock:
            tasks = list(self._waiting_tasks)
            self._waiting_tasks.clear()
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
