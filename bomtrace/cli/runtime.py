"""How the command line runs fast: everything about speed that is not the algorithm itself.

The library's verbs are plain functions; a CLI run is one process that may do more:

- :func:`run` pauses Python's cyclic garbage collector for the whole command (building the
  result of a million-line BOM allocates millions of small containers while millions of others
  are alive, and the collector would walk the live ones again and again; objects are still
  freed by reference counting, only reference cycles wait), has pyarrow allocate from jemalloc
  on Linux (:func:`arrow_memory_pool`), and once the command has written its output ends the
  process at once (:func:`leave`), without freeing the analysis object by object.
- :func:`read_early` starts parsing the input files on a background thread while the rest of
  bomtrace imports, and hands what it reads to the readers through ``ReadOptions.early``
  (see :class:`bomtrace.io.options.EarlyReads`); :func:`warm_while_parsing` gives the main
  thread useful work while it would wait for that parse.

Nothing here imports pandas: a command calls :func:`read_early` first thing, before the
heavy imports.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from concurrent.futures import Future

    from bomtrace.io.options import ReadOptions


def run(command: Callable[[], object]) -> NoReturn:
    """Run a command as one process (see the module docstring) and end the process with the
    command's exit status."""
    arrow_memory_pool(os.environ, sys.platform)
    try:
        with gc_paused():
            command()
    except SystemExit as stop:
        leave(stop.code)
    leave(0)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after.

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def arrow_memory_pool(env: MutableMapping[str, str], platform: str) -> None:
    """Have pyarrow allocate from jemalloc on Linux unless ``ARROW_DEFAULT_MEMORY_POOL`` is set
    (it is read when pyarrow is imported, which the commands do later): pyarrow's default
    (mimalloc) keeps more of what the reading step freed, so the peak memory is higher. Linux
    wheels of pyarrow include jemalloc; elsewhere pyarrow's default stays.

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


def leave(code: object) -> NoReturn:
    """Flush stdout and stderr and end the process with ``code`` (as ``sys.exit`` reads it),
    without freeing the analysis object by object and without the interpreter's final garbage
    collection. The temporary parts of a workbook still parsing in the background are removed
    first."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): a usage problem
        print(code, file=sys.stderr)
        status = 2
    parts = sys.modules.get("bomtrace.io.part_files")
    if parts is not None:  # a workbook may still be parsing in parts in the background
        parts.clean_up()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (``| head``) or stream: nothing more can be written
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def read_early(paths: Iterable[str | os.PathLike[str]], read: ReadOptions) -> ReadOptions:
    """Start reading these files (folders are left to the reader) on one background thread, in
    order, and return ``read`` with what it reads attached (``early``).

    Parameters
    ----------
    paths : iterable of path
        The files as named on the command line.
    read : ReadOptions
        The reading flags: only the sheets named with ``--sheet`` are parsed; with
        ``--encoding`` the CSV body is left to the reader.

    Returns
    -------
    ReadOptions
        ``read`` with ``early`` set.
    """
    from bomtrace.io.options import EarlyReads

    early = EarlyReads()
    jobs = [(Path(p), fut) for p in paths if (fut := early.expect(Path(p))) is not None]
    if jobs:
        worker = threading.Thread(
            target=_work, args=(jobs, read.sheets, read.encoding), name="bomtrace-early-reads"
        )
        worker.daemon = True  # an error in the main thread must not wait for a parse
        worker.start()
    return read.with_(early=early)


def _work(jobs: list[tuple[Path, Future[Any]]], sheets: tuple[str, ...], enc: str | None) -> None:
    from bomtrace.io.formats import pre_read

    for path, fut in jobs:
        if not fut.set_running_or_notify_cancel():
            continue
        try:
            got = pre_read(path, sheets, enc)
        except BaseException:  # the reader repeats the work and reports what went wrong
            got = None
        fut.set_result(got)


def warm_while_parsing(read: ReadOptions, day: date | None) -> None:
    """While a large workbook is still parsing in the background, load what the analysis
    needs first thing and keeps: the ruleset for the date, the FDPR modules and their rules."""
    if read.early is None:
        return

    def fdpr_data() -> None:
        from bomtrace.rules.fdp import load_fdp_data

        load_fdp_data()  # (importing it imports the FDPR package)

    def ruleset() -> None:
        from bomtrace.rules import load_ruleset

        load_ruleset(day)

    read.early.while_waiting(ruleset, fdpr_data)
