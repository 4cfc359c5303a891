"""The ``portfolio`` verb (``bomtrace portfolio``): many BOM files, each analysed alone, combined
into one result (:mod:`bomtrace.analysis.portfolio`); re-exported by :mod:`bomtrace.api`.

The work on one file is :func:`analyse_file`, a pure top-level function of a path and a plain
dict of options returning a plain, JSON-able dict; it is shipped as it is to local processes
(:class:`concurrent.futures.ProcessPoolExecutor`) or, with ``scheduler``, to the workers of a
Dask distributed cluster (``Client.map`` and ``as_completed``). Dask is imported only then.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bomtrace.analysis.portfolio import RANK, PortfolioResult, combine, part_exposure
from bomtrace.api.analyze import analyze, checked_rules
from bomtrace.countries import country_option
from bomtrace.errors import BomtraceError, UsageError
from bomtrace.io import ReadOptions
from bomtrace.io.formats import FOLDER_SUFFIXES
from bomtrace.rules import load_ruleset
from bomtrace.rules.ruleset import as_date

#: called after each file with (files done, files in all, BOM lines done)
FileProgress = Callable[[int, int, int], None]


def analyse_file(path: str, options: dict[str, Any]) -> dict[str, Any]:
    """Analyse one BOM file as ``bomtrace analyze FILE`` would, with ``options`` (keyword
    arguments of :func:`bomtrace.api.analyze`, plain values; ``columns``, ``sheet`` and
    ``profile`` for the readers): a record with the file's ``analyze`` document
    (``analysis``), its per-part exposure (``parts``), sha256, BOM lines and exit code, or
    ``status: "error"`` and the ``message`` when the file could not be analysed."""
    rec: dict[str, Any] = {"path": path, "status": "ok", "message": None}
    try:
        rec["sha256"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        opts = dict(options)
        read = ReadOptions(
            columns=dict(opts.pop("columns", None) or {}),
            sheet=opts.pop("sheet", None),
            profile=opts.pop("profile", None),
        )
        result = analyze(path, read=read, **opts)  # with ``db``: filled and stored
        if result.run_id is not None:
            rec["run_id"] = result.run_id
        rec["analysis"] = orjson.loads(result.to_json(orjson.OPT_SERIALIZE_NUMPY))
        rec["parts"] = part_exposure(result, load_ruleset(as_date(opts.get("as_of"))))
        rec["lines"] = sum(i.get("rows_used") or 0 for i in rec["analysis"]["inputs"])
        rec["exit_code"] = int(result.exit_code)
    except (BomtraceError, OSError, ValueError) as e:
        rec = {**rec, "status": "error", "message": _message(e), "analysis": None, "parts": []}
    return rec


def _message(e: Exception) -> str:
    if isinstance(e, FileNotFoundError):
        return f"File not found: {e.filename}."
    if isinstance(e, OSError) and e.filename:
        return f"Cannot read {e.filename}: {e.strerror}."
    return str(e).splitlines()[0] if str(e) else type(e).__name__


def expand_paths(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Files and folders → the BOM files, in the order given; a folder's files sorted by
    name, those with a suffix the readers know (not hidden, not Office lock files)."""
    out: list[str] = []
    for p in paths:
        s = os.fspath(p)
        if os.path.isdir(s):
            out += [
                str(f)
                for f in sorted(Path(s).iterdir())
                if f.is_file()
                and f.suffix.lower() in FOLDER_SUFFIXES
                and not f.name.startswith(("~$", "."))
            ]
        else:
            out.append(s)
    return out


def portfolio(
    paths: Sequence[str | os.PathLike[str]],
    *,
    destinations: Sequence[str] = (),
    all_destinations: bool = False,
    as_of: date | str | None = None,
    scenarios: Sequence[str] = (),
    end_user: str | None = None,
    assembly_cost: str = "rollup",
    made_in: str | None = None,
    top: int = 5,
    columns: dict[str, str] | None = None,
    sheet: str | Sequence[str] | None = None,
    profile: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    rank: int = RANK,
    progress: FileProgress | None = None,
    db: str | os.PathLike[str] | None = None,
) -> PortfolioResult:
    """Analyse every BOM file of ``paths`` (files or folders) alone and combine the results.

    The analysis options are those of :func:`bomtrace.analyze`; ``columns``, ``sheet`` and
    ``profile`` are the readers'. ``workers``: local processes (default: the CPU count; 1
    runs in this process). ``scheduler``: the address of a Dask distributed scheduler whose
    workers run the files instead (they must see the same paths). ``rank``: rows of each
    ranked list. The result does not depend on the workers or the order files finish in.
    ``db``: the parts library, as for :func:`bomtrace.analyze`: it fills each file's gaps and
    each file's analysis is stored as a run (its id in the file's entry); the workers open it
    themselves (a SQLite file they must see, or a database URL).

    Raises
    ------
    bomtrace.errors.UsageError
        No BOM file, an unknown option value, or ``scheduler`` without ``distributed``.
    """
    files = expand_paths(paths)
    if not files:
        raise UsageError("No BOM file to analyse: give BOM files or folders holding them.")
    day, _ = checked_rules(as_of, scenarios, destinations, assembly_cost)
    country_option(made_in, "--made-in")
    options: dict[str, Any] = {
        "destinations": list(destinations),
        "all_destinations": all_destinations,
        "as_of": day.isoformat() if day else None,
        "scenarios": list(scenarios),
        "end_user": end_user,
        "assembly_cost": assembly_cost,
        "made_in": made_in,
        "top": top,
        "columns": dict(columns or {}),
        "sheet": sheet if sheet is None or isinstance(sheet, str) else list(sheet),
        "profile": profile,
        **({"db": os.fspath(db)} if db is not None else {}),
    }
    records: list[dict[str, Any] | None] = [None] * len(files)
    lines = 0
    if scheduler:
        done = _on_dask(scheduler, files, options)
    else:
        done = _locally(files, options, workers or os.cpu_count() or 1)
    for n, (i, rec) in enumerate(done, start=1):
        records[i] = rec
        lines += rec.get("lines") or 0
        if progress:
            progress(n, len(files), lines)
    return combine([r for r in records if r is not None], rank)


def _locally(
    files: list[str], options: dict[str, Any], workers: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(input position, record) of each file as it finishes, in ``workers`` processes."""
    if workers <= 1 or len(files) == 1:
        for i, f in enumerate(files):
            yield i, analyse_file(f, options)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=min(workers, len(files))) as pool:
        futures = {pool.submit(analyse_file, f, options): i for i, f in enumerate(files)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def _on_dask(
    address: str, files: list[str], options: dict[str, Any]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(input position, record) of each file as it finishes on the Dask cluster at
    ``address``."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask distributed: pip install 'bomtrace[cluster]'."
        ) from None
    with Client(address) as client:
        futures = client.map(analyse_file, files, options=options, pure=False)
        where = {f.key: i for i, f in enumerate(futures)}
        for fut in as_completed(futures):
            yield where[fut.key], fut.result()
