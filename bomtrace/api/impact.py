"""``bomtrace library impact PN --set FIELD=VALUE``: which stored products would a change of
one part's values move?

The latest stored run of each BOM (by its input files) whose parts include ``PN`` is analysed
again from its files, with the library filling what the BOM leaves empty as ``analyze --db``
does and the run's own options and rules date, once as the values stand and once with the
change; each product × destination whose verdict moves is listed. "Before" is that analysis
of today (the library as it stands, this bomtrace): where its verdict is not the one the run
stored, the product says so (``stored_differs``), so that the stored verdict is never taken
for today's. A BOM whose files are gone or differ from the run's (SHA-256) is listed as not
evaluated: the answer is never guessed from an out-of-date record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Engine, select

from bomtrace.analysis.compare import verdict_changes
from bomtrace.analysis.what_if import parse_set
from bomtrace.analysis.where_used import where_used_graph
from bomtrace.api.analyze import analyze
from bomtrace.api.library_run import read_options_of
from bomtrace.errors import BomtraceError
from bomtrace.graph.load import load_graph
from bomtrace.library.db import chunks
from bomtrace.library.fill import LibraryLookup
from bomtrace.library.records import ImpactResult
from bomtrace.library.runs import run_parts
from bomtrace.library.schema import run_results, runs


def _sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _latest_runs(engine: Engine, part: str) -> list[Any]:
    """The latest run of each stored BOM (same input paths) whose parts include ``part``
    (only those runs' part numbers are read)."""
    latest: dict[tuple[str, ...], int] = {}
    with engine.connect() as conn:
        q = select(runs.c.id, runs.c.replay).where(runs.c.replay.is_not(None)).order_by(runs.c.id)
        for r in conn.execute(q):
            latest[tuple(json.loads(r.replay)["paths"])] = r.id  # a later run replaces it
        cols = [runs.c.id, runs.c.inputs, runs.c.replay, runs.c.part_numbers]
        got = {
            r.id: r
            for chunk in chunks(sorted(latest.values()), 500)
            for r in conn.execute(select(*cols).where(runs.c.id.in_(chunk)))
        }
    found = [got[i] for i in latest.values()]  # in the order the BOMs were first stored
    return [r for r in found if part in run_parts(r.part_numbers)]


def impact(engine: Engine, part: str, set_values: list[str]) -> ImpactResult:
    """See the module."""
    changes = [parse_set(s, part) for s in set_values]  # refused before anything is read
    checked: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for r in _latest_runs(engine, part):
        replay = json.loads(r.replay)
        shown = [i.get("path") for i in json.loads(r.inputs)]
        stored = sorted({i.get("sha256") for i in json.loads(r.inputs)})
        now = sorted(h for h in {_sha256(p) for p in replay["paths"]} if h is not None)
        if len(now) < len({*replay["paths"]}) or now != stored:
            why = "an input file is gone" if len(now) < len(set(replay["paths"])) else (
                "an input file changed since the run")  # fmt: skip
            skipped.append({"run_id": int(r.id), "inputs": shown, "reason": why})
            continue
        try:
            checked.extend(_evaluate(engine, part, r.id, shown, replay, set_values))
        except BomtraceError as e:
            skipped.append({"run_id": int(r.id), "inputs": shown, "reason": str(e)})
    checked.sort(key=lambda p: (p["product"], p["run_id"]))
    return ImpactResult(part, [c.to_dict() for c in changes], checked, skipped)


def _evaluate(
    engine: Engine,
    part: str,
    run_id: int,
    shown: list[str],
    replay: dict[str, Any],
    set_values: list[str],
) -> list[dict[str, Any]]:
    read = read_options_of(replay)
    graph, _ = load_graph(replay["paths"], read=read, fallback=LibraryLookup(engine))
    held = [p["product"] for p in where_used_graph(graph, part).products]
    opts = dict(replay["analyze"])
    kw = {k: opts[k] for k in ("destinations", "all_destinations", "as_of", "scenarios",
                               "end_user", "assembly_cost", "parties", "made_in")
          if k in opts}  # fmt: skip
    kw["second_incorporation"] = opts.get("second_incorporation", True)
    before = analyze(graph, assemblies=False, **kw)
    after = analyze(graph, assemblies=False, what_if=[f"{part}:{s}" for s in set_values], **kw)
    rows = verdict_changes(before.products, after.products, only=set(held))
    stored = _stored_verdicts(engine, run_id)
    out = []
    for product in held:
        mine = [x for x in rows if x["product"] == product]
        out.append(
            {
                "product": product,
                "run_id": int(run_id),
                "inputs": shown,
                "ruleset_as_of": before.ruleset["as_of"],
                "verdicts": mine,
                "verdict_changes": [x for x in mine if x["flips"]],
                "stored_differs": [
                    {"country": x["country"], "stored": got, "today": x["verdict_from"]}
                    for x in mine
                    if (got := stored.get((product, x["country"]))) is not None
                    and got != x["verdict_from"]
                ],
            }
        )
    return out


def _stored_verdicts(engine: Engine, run_id: int) -> dict[tuple[str, str], str]:
    """(product, destination) → the verdict the run stored."""
    c = run_results.c
    q = select(c.product, c.destination, c.verdict).where(c.run_id == run_id)
    with engine.connect() as conn:
        return {(r.product, r.destination): r.verdict for r in conn.execute(q)}


__all__ = ["impact"]
