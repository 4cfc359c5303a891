#!/usr/bin/env python3
"""Run one command; print its wall time, peak RSS and exit status as JSON (stdlib only).

``benchmarks/run.py`` starts every measured command through this small launcher. On Linux a
process's peak RSS (``ru_maxrss``) survives ``execve``: a child spawned straight from a large
parent starts with the parent's high-water mark. Spawned from this ~10 MB launcher, the
measured command's ``ru_maxrss`` is its own. The launcher also stops the command after
``--timeout`` seconds, or when its RSS passes ``--rss-limit-mb`` (so a runaway run cannot
exhaust a shared machine).

Usage::

    python benchmarks/measure.py --timeout 600 --rss-limit-mb 8000 --log LOG -- CMD ARGS...
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=0.0)
    ap.add_argument("--rss-limit-mb", type=float, default=0.0)
    ap.add_argument("--log", default=os.devnull, help="the command's stdout and stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    log = os.open(a.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    stopped: list[str] = []
    done = threading.Event()
    t0 = time.perf_counter()
    pid = os.posix_spawnp(
        cmd[0],
        cmd,
        os.environ,
        file_actions=[(os.POSIX_SPAWN_DUP2, log, 1), (os.POSIX_SPAWN_DUP2, log, 2)],
    )

    def watch() -> None:
        while not done.wait(0.05):
            if a.timeout and time.perf_counter() - t0 > a.timeout:
                stopped.append(f"did not finish in {a.timeout:g} s")
            elif a.rss_limit_mb and _rss_mb(pid) > a.rss_limit_mb:
                stopped.append(f"stopped at RSS > {a.rss_limit_mb:g} MB")
            if stopped:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    os.close(log)
    print(
        json.dumps(
            {
                "wall_s": wall,
                "rss_mb": usage.ru_maxrss / 1024,  # Linux: KiB
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "rc": os.waitstatus_to_exitcode(status),
                "stopped": stopped[0] if stopped else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
