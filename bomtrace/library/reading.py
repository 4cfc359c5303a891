"""What ``library import`` reads from a table the readers made: per part, each field's first
non-empty value with the file, sheet and row it came from (:func:`part_values`), and the
readers' issues that concern a parts library (:func:`for_library`).

Per part and field the first non-empty value wins (parts-master rows before BOM lines, each in
file order); another non-empty value on a later row is an ``attribute-conflict`` issue at that
row. A supplier's answer sheet in the layout ``suppliers --request-sheet`` writes (one row per
part and fact: a ``Fact`` column naming the field, a ``Your answer`` column) gives each answer
to its field, converted as the readers convert that field, at the answer's row
(:func:`with_answers`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bomtrace.countries import normalize_country
from bomtrace.eccn import normalize_eccn
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, BomTable
from bomtrace.io.values import parse_flags, parse_numbers
from bomtrace.issues import Issue, IssueCode, IssueLog
from bomtrace.library.schema import PART_FIELDS

#: the columns of a request sheet (bomtrace/report/request_sheet.py) naming the fact asked and
#: holding the supplier's answer, as the readers keep headers that are no field
FACT_COLUMN, ANSWER_COLUMN = "x:Fact", "x:Your answer"
#: the request sheet's columns an import reads (the answers) or has no use for (the question)
_REQUEST_COLUMNS = (FACT_COLUMN, ANSWER_COLUMN, "x:Question", "x:Qty used")
#: what the readers note of a request sheet's columns, which bomtrace wrote itself
_REQUEST_NOTES = frozenset({IssueCode.UNMAPPED_COLUMN, IssueCode.KEY_COLUMN})
#: what the readers say of a BOM's structure and quantities, which the library does not keep
_NOT_FOR_LIBRARY = frozenset({
    IssueCode.PRODUCT_ADDED, IssueCode.SHEETS_COMBINED, IssueCode.BUILD_QUANTITY,
    IssueCode.PLACEMENTS_GROUPED, IssueCode.QUANTITY_UNIT, IssueCode.QUANTITY_FROM_DESIGNATORS,
    IssueCode.DESIGNATOR_MISMATCH, IssueCode.DO_NOT_POPULATE, IssueCode.UNDEFINED_PART,
    IssueCode.UNUSED_MASTER_PART, IssueCode.DUPLICATE_EDGE,
})  # fmt: skip


@dataclass(frozen=True)
class Sourced:
    """A value with the file, sheet and row it was read from."""

    value: Any
    file: str | None
    sheet: str | None
    row: int | None


def _empty(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _plain(v: Any) -> Any:
    """A value as stored: Python bool, float or str."""
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return str(v)


def _answer(fld: str, text: str) -> tuple[Any, IssueCode | None]:
    """A supplier's answer converted as the readers convert ``fld``; None and the issue code
    when it is not a value of that field."""
    s = pd.Series([text], dtype="str")
    if fld in BOOLEAN_FIELDS:
        flags, bad = parse_flags(s)
        return (None, IssueCode.BAD_FLAG) if bad[0] else (bool(flags[0]), None)
    if fld in NUMERIC_FIELDS:
        values, bad, _ = parse_numbers(s, percent=fld == "us_content_pct")
        return (None, IssueCode.BAD_NUMBER) if bad[0] else (float(values[0]), None)
    if fld == "country_of_origin":
        return normalize_country(text) or text, None
    if fld == "eccn":
        return normalize_eccn(text), None
    return text, None


def with_answers(table: BomTable, frame: pd.DataFrame, log: IssueLog) -> pd.DataFrame:
    """``frame`` with a request sheet's answers in the fields they answer (a copy; ``frame``
    itself when it has no ``Fact`` and ``Your answer`` columns). An answer that is not a value
    of its field (a flag that is not yes or no, say) is an issue at its row."""
    if FACT_COLUMN not in frame.columns or ANSWER_COLUMN not in frame.columns:
        return frame
    frame = frame.copy()
    facts = frame[FACT_COLUMN].astype(object).tolist()
    answers = frame[ANSWER_COLUMN].astype(object).tolist()
    for i, (fact, answer) in enumerate(zip(facts, answers, strict=True)):
        if _empty(fact) or _empty(answer) or str(fact).strip() not in PART_FIELDS:
            continue
        fld, text = str(fact).strip(), str(answer).strip()
        value, bad = _answer(fld, text)
        if fld not in frame.columns:
            frame[fld] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        elif frame[fld].dtype != object:
            frame[fld] = frame[fld].astype(object)
        if bad is not None:
            raw: list[Any] = [
                frame[c].iat[i] if c in frame.columns else None for c in ("_file", "_sheet", "_row")
            ]
            file = None if _empty(raw[0]) else str(raw[0])
            sheet = None if _empty(raw[1]) else str(raw[1])
            log.add(
                Issue(
                    bad,
                    f"The answer {text!r} for {fld} is not a value of that field; it is not "
                    "imported.",
                    file=file,
                    sheet=sheet,
                    row=None if _empty(raw[2]) else int(raw[2]),
                    column=table.column_letters.get((str(file), sheet, ANSWER_COLUMN)),
                    part_number=str(frame["part_number"].iat[i]),
                )
            )
            continue
        frame.iat[i, frame.columns.get_loc(fld)] = value
    return frame


def part_values(table: BomTable, log: IssueLog) -> dict[str, dict[str, Sourced]]:
    """Each part's attributes (first non-empty value wins), conflicts added to ``log``."""
    frames = [
        with_answers(table, f, log) for f in (table.parts, table.lines) if f is not None and len(f)
    ]
    out: dict[str, dict[str, Sourced]] = {}
    for frame in frames:
        fields = [f for f in PART_FIELDS if f in frame.columns]
        cols: dict[str, list[Any]] = {
            c: frame[c].astype(object).tolist() if c in frame.columns else [None] * len(frame)
            for c in ("part_number", "_file", "_sheet", "_row", *fields)
        }
        for i, pn in enumerate(cols["part_number"]):
            if _empty(pn):
                continue
            pn = str(pn)
            got = out.setdefault(pn, {})
            raw = [cols[c][i] for c in ("_file", "_sheet", "_row")]
            file = None if _empty(raw[0]) else str(raw[0])
            sheet = None if _empty(raw[1]) else str(raw[1])
            row = None if _empty(raw[2]) else int(raw[2])
            for f in fields:
                v = cols[f][i]
                if _empty(v):
                    continue
                v = _plain(v)
                first = got.get(f)
                if first is None:
                    got[f] = Sourced(v, file, sheet, row)
                elif first.value != v:
                    log.add(_conflict(table, pn, f, first, v, file, sheet, row))
    return {pn: vals for pn, vals in out.items() if vals}


def _conflict(
    table: BomTable, pn: str, f: str, first: Sourced, v: Any, file: Any, sheet: Any, row: Any
) -> Issue:
    where = f"row {first.row}" + (f" of {first.file}" if first.file != file else "")
    return Issue(
        IssueCode.ATTRIBUTE_CONFLICT,
        f"Part {pn}: {f} is {v!r} here but {first.value!r} on {where}; the library takes the "
        "first.",
        file=file,
        sheet=sheet,
        row=row,
        column=table.column_letters.get((file, sheet, f)),
        part_number=pn,
    )


def for_library(table: BomTable) -> list[Issue]:
    """The readers' issues that concern a parts library: not those about a BOM's structure and
    quantities (a product named from the file, sheets read as one product, a build quantity,
    placements merged, the column read as the quantity, BOM lines and parts-master rows that do
    not match), which it does not keep, nor notes on
    a request sheet's own columns (its answers are read; its "Part Number" column holds the
    part numbers bomtrace wrote, even short ones that look like designators)."""
    quantity = {(f, s, c) for (f, s, fld), c in table.column_letters.items() if fld == "quantity"}
    request = {
        (f, s, c)
        for (f, s, fld), c in table.column_letters.items()
        if fld in (*_REQUEST_COLUMNS, "part_number")
        and (f, s, FACT_COLUMN) in table.column_letters
        and (f, s, ANSWER_COLUMN) in table.column_letters
    }
    out = []
    for i in table.issues:
        at = (i.file, i.sheet, i.column)
        if i.code in _NOT_FOR_LIBRARY:
            continue
        if i.code == IssueCode.KEY_COLUMN and at in quantity:
            continue
        if i.code in _REQUEST_NOTES and at in request:
            continue
        out.append(i)
    return out


__all__ = ["ANSWER_COLUMN", "FACT_COLUMN", "Sourced", "for_library", "part_values", "with_answers"]
