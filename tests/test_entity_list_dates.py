"""bomtrace/rules/data/entity_list_dates.toml dates every entry of entity_list_extract.json.

The checks live in `problems()` so that the tests can also show they fail on broken data (a
missing document, a wrong `added`, an entry added after the snapshot).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "bomtrace" / "rules" / "data"
CITATION = re.compile(r"(\d+)\s*FR\s*(\d+)")
FIRST_DATED_VOLUME = 84  # volume 84 = 2019; older citations only say "before 2019-01-01"
DOC_DATES = ("published", "effective", "applicable", "compliance")


def _load() -> tuple[dict[str, Any], dict[str, Any]]:
    dates = tomllib.loads((DATA / "entity_list_dates.toml").read_text("utf-8"))
    extract = json.loads((DATA / "entity_list_extract.json").read_text("utf-8"))
    return dates, extract


def _citations(notice: str) -> list[tuple[int, int]]:
    return [(int(v), int(p)) for v, p in CITATION.findall(notice)]


def _key(vol_page: tuple[int, int]) -> str:
    return f"{vol_page[0]} FR {vol_page[1]}"


def _date(value: Any, where: str, out: list[str]) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        out.append(f"{where}: {value!r} is not a YYYY-MM-DD date")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        out.append(f"{where}: {value!r} is not a valid date")
        return None


def _document_problems(docs: list[dict[str, Any]], out: list[str]) -> dict[str, dict[str, Any]]:
    by_cited: dict[str, dict[str, Any]] = {}
    firsts = sorted(_citations(d["citation"])[0] for d in docs)
    for doc in docs:
        where = f"document {doc.get('citation')}"
        (vol, first), *_ = _citations(doc["citation"])
        later = [p for v, p in firsts if v == vol and p > first]
        for cited in doc["cited_as"]:
            if cited in by_cited:
                out.append(f"{where}: {cited} is also cited_as of {by_cited[cited]['citation']}")
            by_cited[cited] = doc
            (cvol, page), *_ = _citations(cited)
            if cvol != vol or page < first or (later and page >= later[0]):
                out.append(f"{where}: {cited} cannot be a page of this document")
        got = {k: _date(doc[k], f"{where} {k}", out) for k in DOC_DATES if k in doc}
        pub, eff = got.get("published"), got.get("effective")
        if pub is None or eff is None:
            continue
        if doc.get("effective_before_publication") is not (eff < pub):
            out.append(f"{where}: effective_before_publication must be {eff < pub}")
        if (pub - eff).days > 14:
            out.append(f"{where}: effective {eff} is more than two weeks before publication")
        applicable, compliance = got.get("applicable"), got.get("compliance")
        if applicable is not None and applicable > eff:
            out.append(f"{where}: applicable after effective")
        if compliance is not None and compliance < eff:
            out.append(f"{where}: compliance before effective")
        for fn, day in doc.get("footnotes_effective", {}).items():
            fn_day = _date(day, f"{where} footnotes_effective {fn}", out)
            if fn_day and fn_day < eff:
                out.append(f"{where}: footnote {fn} applies before the document")
        if doc.get("unsure_about") and doc.get("unsure") is not True:
            out.append(f"{where}: unsure_about is set but unsure is not true")
        if not doc.get("source") or not doc.get("actions"):
            out.append(f"{where}: source and actions are required")
    return by_cited


def _entry_problems(
    entry: dict[str, Any], src: dict[str, Any], by_cited: dict[str, Any], snap: dt.date | None
) -> list[str]:
    out: list[str] = []
    where = f"entry {entry['name']!r}"
    cites = _citations(src["federal_register_notice"])
    if cites[0][0] < FIRST_DATED_VOLUME:
        if entry.get("added_before") != "2019-01-01" or "added" in entry:
            out.append(f"{where}: first citation {_key(cites[0])} is older than 2019")
        added = None
    else:
        doc = by_cited.get(_key(cites[0]))
        if doc is None:
            return [f"{where}: no document for its first citation {_key(cites[0])}"]
        if entry.get("added") != doc["effective"] or entry.get("added_by") != doc["citation"]:
            out.append(f"{where}: added must be {doc['effective']} ({doc['citation']})")
        added = _date(entry.get("added"), f"{where} added", out)
        if added and snap and added > snap:
            out.append(f"{where}: added after the snapshot {snap}")
        if "effective" in doc.get("unsure_about", []) and entry.get("unsure") is not True:
            out.append(f"{where}: rests on an unsure effective date but is not unsure")
    cited_docs = {by_cited[_key(c)]["citation"] for c in cites if _key(c) in by_cited}
    if set(entry["footnotes"]) != {str(n) for n in src["fdp_footnotes"]}:
        out.append(f"{where}: footnotes must be exactly {src['fdp_footnotes']}")
    for fn, day in entry["footnotes"].items():
        by = entry["footnote_by"].get(fn)
        doc = next((d for d in by_cited.values() if d["citation"] == by), None)
        if doc is None or by not in cited_docs:
            out.append(f"{where}: footnote {fn} by {by}, which the entry does not cite")
            continue
        if day != doc.get("footnotes_effective", {}).get(fn, doc["effective"]):
            out.append(f"{where}: footnote {fn} date differs from {by}")
        fn_day = _date(day, f"{where} footnote {fn}", out)
        if fn_day and added and fn_day < added:
            out.append(f"{where}: footnote {fn} applies before the entry was added")
        if fn_day and snap and fn_day > snap:
            out.append(f"{where}: footnote {fn} after the snapshot")
    if "removed" in entry:
        out.append(f"{where}: the extract is current, nothing is removed")
    return out


def _dated(dates: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in dates["entry"] if "added" in e]


def problems(dates: dict[str, Any], extract: dict[str, Any]) -> list[str]:
    out: list[str] = []
    by_cited = _document_problems(dates["document"], out)
    cited = {_key(c) for e in extract["entries"] for c in _citations(e["federal_register_notice"])}
    for c in sorted(cited):
        if int(c.split()[0]) >= FIRST_DATED_VOLUME and c not in by_cited:
            out.append(f"citation {c} of the extract has no [[document]]")
    out += [f"cited_as {c} is not in the extract" for c in sorted(set(by_cited) - cited)]
    snap = _date(dates["meta"]["snapshot"], "meta snapshot", out)
    if dates["meta"]["snapshot"] != extract["header"]["csl_generated"]:
        out.append("meta.snapshot must be the extract's csl_generated date")
    entries = {(e["name"], e["notice"]): e for e in dates["entry"]}
    if len(entries) != len(dates["entry"]):
        out.append("two [[entry]] tables share a name and notice")
    sources = {(e["name"], e["federal_register_notice"]): e for e in extract["entries"]}
    out += [f"extract entry {k[0]!r} has no [[entry]]" for k in sources if k not in entries]
    out += [f"[[entry]] {k[0]!r} is not in the extract" for k in entries if k not in sources]
    for key, entry in entries.items():
        if key in sources:
            out += _entry_problems(entry, sources[key], by_cited, snap)
    return out


def test_entity_list_dates_are_complete_and_consistent() -> None:
    dates, extract = _load()
    assert problems(dates, extract) == []
    assert len(dates["entry"]) == len(extract["entries"]) == 165


def test_every_2019_or_later_citation_has_a_document() -> None:
    dates, extract = _load()
    volumes = {c for e in extract["entries"] for c in _citations(e["federal_register_notice"])}
    dated = {_key(c) for c in volumes if c[0] >= FIRST_DATED_VOLUME}
    documented = {c for d in dates["document"] for c in d["cited_as"]}
    assert dated == documented


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda d: d["document"].pop(0), "has no [[document]]"),
        (lambda d: d["entry"].pop(), "has no [[entry]]"),
        (lambda d: _dated(d)[0].update(added="2019-05-17"), "added must be"),
        (lambda d: _dated(d)[1].update(footnotes={}), "footnotes must be exactly"),
        (lambda d: d["meta"].update(snapshot="2019-01-01"), "snapshot"),
        (lambda d: d["document"][0].update(effective="2019-5-16"), "not a YYYY-MM-DD"),
        (lambda d: d["document"][0].update(effective_before_publication=False), "must be True"),
    ],
)
def test_the_checks_fail_on_broken_data(break_it: Any, expected: str) -> None:
    dates, extract = _load()
    broken = copy.deepcopy(dates)
    break_it(broken)
    assert any(expected in p for p in problems(broken, extract))


def test_known_dates() -> None:
    """Dates read in the FR text (or its metadata), pinned."""
    dates, _ = _load()
    docs = {d["citation"]: d for d in dates["document"]}
    assert (docs["84 FR 22961"]["published"], docs["84 FR 22961"]["effective"]) == (
        "2019-05-21",
        "2019-05-16",
    )
    assert docs["85 FR 29849"]["effective"] == "2020-05-15"  # footnote 1 created
    assert docs["85 FR 83416"]["effective"] == "2020-12-18"  # SMIC
    assert docs["87 FR 12226"]["effective"] == "2022-02-24"  # footnote 3 created
    assert docs["87 FR 21011"]["applicable"] == "2022-02-14"
    huawei = next(
        e for e in dates["entry"] if e["name"] == "Huawei Technologies Co., Ltd. (Huawei)"
    )
    assert (huawei["added"], huawei["footnotes"]) == ("2019-05-16", {"1": "2020-05-15"})
