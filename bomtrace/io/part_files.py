"""Temporary part files, and the daemon threads that parse them, cleaned up when a run ends.

:mod:`bomtrace.io.sheet_split` writes a large sheet's parts as temporary workbooks and parses
them on threads, often in the background while the CLI is still importing or checking its
options. A run can end at any moment (a usage error found meanwhile), so:

- the threads are daemon threads (:class:`Workers`, not a ThreadPoolExecutor, which the
  interpreter joins before it exits: an early error would first wait for every part);
- :func:`clean_up`, registered with :mod:`atexit` and called by the CLI before its
  ``os._exit``, stops the making of parts (:func:`check` and :func:`making_part` raise
  :class:`Exiting` from then on) and removes their folders. A lock makes sure no part is being
  written while its folder is removed.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_closing = threading.Event()
_writing = threading.Lock()  # held while a part folder or file is made
_live_dirs: set[str] = set()


class Exiting(Exception):
    """The run is ending: no more parts are made or parsed."""


class Workers:
    """``n`` daemon threads running submitted calls, each call's outcome in a Future."""

    def __init__(self, n: int) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._n = n
        self.size = n  #: number of threads
        for i in range(n):
            threading.Thread(target=self._run, name=f"bomtrace-part-{i}", daemon=True).start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        self._jobs.put((fut, fn, args))
        return fut

    def close(self) -> None:
        """Let the threads end once the calls submitted so far are done (or cancelled)."""
        for _ in range(self._n):
            self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            fut, fn, args = job
            if fut.set_running_or_notify_cancel():
                try:
                    fut.set_result(fn(*args))
                except BaseException as exc:  # handed to the caller of result()
                    fut.set_exception(exc)


def check() -> None:
    """Raise :class:`Exiting` once :func:`clean_up` has run."""
    if _closing.is_set():
        raise Exiting


@contextmanager
def making_part() -> Iterator[None]:
    """Hold off :func:`clean_up` while a part is written (raises :class:`Exiting` after it)."""
    with _writing:
        check()
        yield


@contextmanager
def part_dir() -> Iterator[Path]:
    """A temporary folder for the parts, removed after the parse or at exit."""
    with making_part():
        tmp = tempfile.mkdtemp(prefix="bomtrace-")
        _live_dirs.add(tmp)
    try:
        yield Path(tmp)
    finally:
        _live_dirs.discard(tmp)
        shutil.rmtree(tmp, ignore_errors=True)


@atexit.register
def clean_up() -> None:
    """Stop making and parsing parts, and remove their folders (at exit)."""
    _closing.set()
    with _writing:
        for tmp in list(_live_dirs):
            shutil.rmtree(tmp, ignore_errors=True)
