"""Where screening lists come from: the packaged Entity List extract and the Consolidated
Screening List files users download (JSON, CSV or TSV).

A file is read with the BOM readers' means (:mod:`bomtrace.io`): a binary file or a workbook
is told by its content, text is decoded and a CSV's delimiter sniffed as a BOM's are
(:mod:`bomtrace.io.csv_parse`). What the records mean (names, alternative names, footnotes) is
decided here."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from bomtrace.errors import InputError
from bomtrace.fdpr.screening import ListedParty, ScreeningList, parse_fdp_footnotes
from bomtrace.io import containers
from bomtrace.io.csv_parse import decode_text, delimiter_of
from bomtrace.io.formats import binary_kind
from bomtrace.rules.load import read_json, read_toml


@lru_cache(maxsize=8)
def _packaged_rows(as_of: date | None = None) -> tuple[tuple[ListedParty, ...], str]:
    """The packaged extract as of a date: an entry added later is not on the list, a footnote
    designation made later is not carried (``entity_list_dates.toml``, dated from the Federal
    Register); None: the extract as it is (the snapshot)."""
    doc = read_json("entity_list_extract.json")
    dated = {
        (e["name"], e["notice"]): e for e in read_toml("entity_list_dates.toml").get("entry", [])
    }
    rows = []
    for e in doc["entries"]:
        when = dated.get((e["name"], e.get("federal_register_notice") or ""), {})
        added = str(when.get("added", ""))
        if as_of is not None and added and date.fromisoformat(added) > as_of:
            continue  # not yet on the Entity List on that date
        since = {int(k): date.fromisoformat(str(v)) for k, v in when.get("footnotes", {}).items()}
        footnotes = tuple(
            n for n in e["fdp_footnotes"] if as_of is None or n not in since or since[n] <= as_of
        )
        rows.append(
            ListedParty(
                name=e["name"],
                alt_names=tuple(e["alt_names"]),
                countries=tuple(e["countries"]),
                footnotes=footnotes,
                list_name="Entity List (EL) - Bureau of Industry and Security",
                license_requirement=e["license_requirement"],
                footnotes_inferred=bool(e.get("fdp_footnotes_inferred")),
                origin="packaged extract",
                listed_from=added,
                dates_unsure=bool(when.get("unsure")),
            )
        )
    on = f"as of {as_of.isoformat()}, " if as_of is not None else ""
    label = (
        f"packaged Entity List extract (CSL {doc['header']['csl_generated']}, {on}"
        f"{len(rows)} of {len(doc['entries'])} rows, dated from the Federal Register)"
    )
    return tuple(rows), label


def packaged_entity_list(as_of: date | None = None) -> ScreeningList:
    """A screening list holding the packaged Entity List extract only, as of ``as_of`` (entries
    added later left out, footnote designations made later not carried)."""
    rows, label = _packaged_rows(as_of)
    sl = ScreeningList()
    sl.add(rows, label)
    return sl


def load_screening_list(path: str | os.PathLike[str]) -> tuple[list[ListedParty], str]:
    """Read a Consolidated Screening List file (its JSON, CSV or TSV download).

    Parameters
    ----------
    path : str or Path
        ``consolidated.json`` (an object with ``results`` or a list of records),
        ``consolidated.csv`` or ``consolidated.tsv``. Only ``name`` is required; ``alt_names``
        (a list, or text separated by ``;``), ``source``, ``license_requirement`` and
        ``addresses``/``countries`` are used when present.

    Returns
    -------
    (list of ListedParty, str)
        The rows and a label saying what was loaded.

    Raises
    ------
    InputError
        When the file is empty, binary (an image, a workbook, random bytes), holds NUL bytes,
        cannot be parsed as JSON or CSV (the message gives the line), has no ``name`` field or
        a ``name`` that is not text. Text that is not UTF-8 is read as cp1252.
    """
    p = Path(path)
    text, encoding = _text(p)
    records: list[tuple[int, dict[str, Any]]]
    if p.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InputError(f"Screening list {p.name} is not valid JSON: {exc}.") from exc
        except RecursionError:
            raise InputError(
                f"Screening list {p.name} is not a screening list: its JSON is nested "
                f"thousands of levels deep. {_VALID}"
            ) from None
        recs = doc.get("results", doc.get("entries")) if isinstance(doc, dict) else doc
        if not isinstance(recs, list):
            raise InputError(
                f"Screening list {p.name}: expected a list of records or an object with "
                f"'results' (the CSL consolidated.json)."
            )
        records = [(i + 1, r) for i, r in enumerate(recs) if isinstance(r, dict)]
    else:
        delim, skip = delimiter_of(text)
        stream = io.StringIO(text)
        for _ in range(skip):  # an Excel "sep=" line
            stream.readline()
        reader = csv.DictReader(stream, delimiter=delim)
        fields = [f.strip() for f in reader.fieldnames or []]
        if "name" not in fields:
            raise InputError(
                f"Screening list {p.name} has no 'name' column (columns: "
                f"{', '.join(fields) or 'none'}). Use the CSL download (consolidated.csv/tsv/json)."
            )
        records = []
        try:
            for r in reader:
                records.append((reader.line_num, {(k or "").strip(): v for k, v in r.items()}))
        except csv.Error as exc:
            raise InputError(
                f"Screening list {p.name}, the record starting on line {reader.line_num + 1}: "
                f"cannot be read as CSV ({exc}). {_VALID}"
            ) from None
    where = "record" if p.suffix.lower() == ".json" else "row"
    for n, r in records:
        if r.get("name") is not None and not isinstance(r["name"], str | int | float):
            raise InputError(
                f"Screening list {p.name}, {where} {n}: 'name' is not text "
                f"({type(r['name']).__name__}). {_VALID}"
            )
    rows = [_row(r, f"{p.name} {where} {n}") for n, r in records if r.get("name")]
    if not rows and records:
        raise InputError(f"Screening list {p.name} has no record with a 'name'.")
    read_as = "" if encoding == "utf-8" else f", read as {encoding}"
    return rows, f"screening list {p.name} ({len(rows)} rows{read_as})"


_VALID = (
    "Give the Consolidated Screening List as downloaded: consolidated.json, consolidated.csv "
    "or consolidated.tsv (UTF-8 text with a 'name' field)."
)


def _text(p: Path) -> tuple[str, str]:
    """The file's text and encoding, decoded as a BOM is (UTF-8 or UTF-16 by its mark, else
    cp1252 as Excel saves CSV on Windows, else latin-1); a binary file, an empty one or text
    holding NUL bytes is refused with what would be valid."""
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"Screening list {p}: cannot be read ({exc.strerror}).") from None
    if not data.strip():
        raise InputError(f"Screening list {p.name} is empty. {_VALID}")
    kind = binary_kind(data[:8192])
    if kind is not None or data.startswith(containers.MAGIC):
        if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods") or data.startswith(
            containers.MAGIC
        ):
            kind = "a spreadsheet workbook; save it as CSV first"
        raise InputError(
            f"Screening list {p.name} is not a readable CSV/JSON screening list: it is "
            f"{kind or 'a binary file'}. {_VALID}"
        )
    text, encoding = decode_text(data)
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(
            f"Screening list {p.name}, line {line}: holds a NUL byte, which text never has: "
            f"the file is damaged or not text. {_VALID}"
        )
    return text, encoding


def _split(v: Any) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, list):
        return tuple(str(x).strip() for x in v if str(x).strip())
    return tuple(s.strip() for s in str(v).split(";") if s.strip())


def _row(r: dict[str, Any], origin: str) -> ListedParty:
    lic = r.get("license_requirement") or None
    footnotes, inferred = parse_fdp_footnotes(lic)
    countries: tuple[str, ...] = ()
    if isinstance(r.get("addresses"), list):
        countries = tuple(
            sorted(
                {
                    str(a.get("country"))
                    for a in r["addresses"]
                    if isinstance(a, dict) and a.get("country")
                }
            )
        )
    elif r.get("countries"):
        countries = _split(r["countries"])
    return ListedParty(
        name=str(r["name"]).strip(),
        alt_names=_split(r.get("alt_names")),
        countries=countries,
        footnotes=footnotes,
        list_name=str(r.get("source") or "screening list"),
        license_requirement=lic,
        footnotes_inferred=inferred,
        origin=origin,
    )


def build_screening_list(
    screening_files: Sequence[str | os.PathLike[str]] = (), as_of: date | None = None
) -> ScreeningList:
    """The packaged extract (as of ``as_of``) plus any user-supplied screening list files (as
    the user gives them: a Consolidated Screening List file keeps no history)."""
    sl = packaged_entity_list(as_of)
    for f in screening_files:
        rows, label = load_screening_list(f)
        sl.add(rows, label)
    return sl
