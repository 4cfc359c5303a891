"""Progress on long work: a one-line bar on stderr, only on a terminal, only after ~1 s.

The library reports stage boundaries through a plain callback (``progress("reading")``); the
CLI turns them into a bar. Nothing is ever written to stdout, so JSON output stays clean.

>>> events = []
>>> with StageBar(enabled=False) as bar:
...     bar("reading"); bar("building")
>>> bar.stages_seen
['reading', 'building']
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

#: Rough share of a run's time per stage (used to fill the bar between stage boundaries).
STAGE_WEIGHTS: dict[str, float] = {
    "reading": 0.55,
    "building": 0.15,
    "analysing": 0.20,
    "writing": 0.10,
}
DELAY_S = 1.0
WIDTH = 24

ProgressCallback = Callable[[str], None]


class StageBar:
    """Render ``[#####-----] stage 2.3 s`` on stderr while stages advance.

    Parameters
    ----------
    enabled : bool or None
        None = on when ``stream`` is a terminal.
    stream : file, optional
        Defaults to ``sys.stderr``.
    delay : float, optional
        Seconds before the bar first appears (short runs print nothing).
    """

    def __init__(
        self, enabled: bool | None = None, stream: IO[str] | None = None, delay: float = DELAY_S
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.delay = delay
        self.stages_seen: list[str] = []
        self._stage = ""
        self._stage_start = self._t0 = time.monotonic()
        self._done = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False

    def __call__(self, stage: str) -> None:
        """Mark the start of ``stage`` (the previous stage is complete)."""
        if self._stage:
            self._done += STAGE_WEIGHTS.get(self._stage, 0.0)
        self._stage = stage
        self._stage_start = time.monotonic()
        self.stages_seen.append(stage)

    def __enter__(self) -> StageBar:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self._shown:
            self.stream.write("\r" + " " * (WIDTH + 40) + "\r")
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self._render()
            self._stop.wait(0.1)

    def _render(self) -> None:
        now = time.monotonic()
        w = STAGE_WEIGHTS.get(self._stage, 0.0)
        # within a stage, creep towards its end without reaching it
        part = w * (1 - 1 / (1 + (now - self._stage_start)))
        frac = min(0.99, self._done + part)
        n = int(frac * WIDTH)
        line = (
            f"\rbomtrace [{'#' * n}{'-' * (WIDTH - n)}] {self._stage:<10} {now - self._t0:5.1f} s"
        )
        self.stream.write(line)
        self.stream.flush()
        self._shown = True


class FileCounter:
    """``bomtrace 12/200 files  34,567 lines/s`` on stderr, updated as files finish: the
    progress of a run over many files (``bomtrace portfolio``). Call it with (files done,
    files in all, BOM lines done).

    >>> import io
    >>> out = io.StringIO()
    >>> with FileCounter(enabled=True, stream=out) as count:
    ...     count(1, 2, 100)
    >>> "1/2 files" in out.getvalue()
    True
    """

    def __init__(self, enabled: bool | None = None, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._t0 = time.monotonic()
        self._shown = False

    def __call__(self, done: int, total: int, lines: int) -> None:
        if not self.enabled:
            return
        rate = lines / max(time.monotonic() - self._t0, 1e-9)
        self.stream.write(f"\rbomtrace {done}/{total} files  {rate:,.0f} lines/s   ")
        self.stream.flush()
        self._shown = True

    def __enter__(self) -> FileCounter:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._shown:
            self.stream.write("\r" + " " * (WIDTH + 40) + "\r")
            self.stream.flush()
