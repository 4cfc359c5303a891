"""CSV rows with more fields than the header: an unquoted delimiter in a text, or a note with
no header at the end.

``1,R7,Cap, 10uF,2,0.05`` under ``Level,Part,Description,Qty,Cost`` has one field too many. The
row is re-aligned when exactly one way of joining neighbouring fields back into one text column
makes every number column read as a number (numeric columns anchor the row at both ends); a
description wins a tie. Otherwise the row is skipped and reported. Rows with fewer fields are
padded with empty cells and reported (``short-row``).

>>> from bomtrace.io.headers import HeaderMap
>>> hmap = HeaderMap(0, {"level": 0, "part_number": 1, "description": 2, "quantity": 3,
...                      "unit_cost": 4}, [], [], [], ["Level", "Part", "Description", "Qty",
...                      "Cost"], set())
>>> realign(["1", "R7", "Cap", " 10uF", "2", "0.05"], hmap, ",")
(['1', 'R7', 'Cap, 10uF', '2', '0.05'], 2)

A field written in double quotes was written whole: the delimiter after it separates fields, so
quoted fields are never joined (:class:`Written` tells which were quoted). A properly quoted row
with extra fields at the end that reads right without them has them cut and reported
(``extra-fields``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from io import StringIO

import numpy as np

from bomtrace.io.headers import HeaderMap
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, RawSheet, column_letter
from bomtrace.issues import Issue, IssueCode, IssueLog

_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\s*\d[\d.,' ]*\s*(%|[$€£¥]|[A-Za-z]{1,4})?\)?$")
_LEVEL = re.compile(r"^(\.*\d+(\.\d+)*\.?|\.+)$")
#: Fields whose text may hold the delimiter; description first (it wins a tie).
TEXT_FIELDS = (
    "description",
    "manufacturer",
    "supplier",
    "reference_designators",
    "mpn",
    "producer",
    "uom",
    "part_number",  # when a description is the key (a file with no part-number column)
)


_PLAIN = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def _fits(fields: list[str], hmap: HeaderMap) -> bool:
    for fld, j in hmap.fields.items():
        v = fields[j].strip() if j < len(fields) else ""
        if not v:
            if fld == "part_number":
                return False
            continue
        if fld == "level" and not _LEVEL.match(v):
            return False
        if fld in NUMERIC_FIELDS and fld != "level" and not _NUMBER.match(v):
            return False
        if fld in BOOLEAN_FIELDS and len(v) > 12:
            return False
    return True


class Written(list[str]):
    """A record's fields as written, and which of them were in double quotes (``quoted``;
    None when not known, e.g. for a record that spans lines)."""

    quoted: tuple[bool, ...] | None = None


def written_fields(line: str, delim: str, fields: list[str] | None = None) -> Written:
    """Parse a record's text (one line, or several when a quoted field holds line breaks),
    noting which fields were quoted; ``fields``: the record as already parsed.

    >>> f = written_fields('"a, b",c,"d"', ",")
    >>> list(f), f.quoted
    (['a, b', 'c', 'd'], (True, False, True))
    """
    if fields is None:
        fields = next(csv.reader(StringIO(line), delimiter=delim), [])
    out = Written(fields)
    quoted, at = [], 0
    while True:  # only for the few irregular lines: a scan of the line, field by field
        is_quoted = line.startswith('"', at)
        if is_quoted:
            at = line.find('"', at + 1)
            while at >= 0 and line.startswith('"', at + 1):  # a doubled quote inside
                at = line.find('"', at + 2)
            if at < 0:
                return out
        quoted.append(is_quoted)
        at = line.find(delim, at + 1 if is_quoted else at)
        if at < 0:
            break
        at += len(delim)
    out.quoted = tuple(quoted) if len(quoted) == len(out) else None
    return out


def ragged_records(body: str, delim: str, start: int) -> dict[int, list[str]]:
    """Records whose field count differs from record ``start``'s (the header's), each with
    which of its fields were quoted (:class:`Written`); the tolerant path, whole text.

    >>> got = ragged_records('a,b\\n"x, y","1\\n2",z\\nc,d\\n', ",", 0)
    >>> {i: (list(f), f.quoted) for i, f in got.items()}
    {1: (['x, y', '1\\n2', 'z'], (True, True, False))}
    """
    pieces: list[str] = []

    def lines() -> Iterator[str]:  # the text of each record, as the reader takes its lines
        # newline="": a lone carriage return ends a record, as it does for the C parser
        for line in StringIO(body, newline=""):
            pieces.append(line)
            yield line

    out: dict[int, list[str]] = {}
    width = None
    try:
        for i, rec in enumerate(csv.reader(lines(), delimiter=delim)):
            text, pieces[:] = "".join(pieces), []
            if i == start:
                width = len(rec)
            elif width is not None and rec and len(rec) != width and any(v.strip() for v in rec):
                out[i] = written_fields(text.rstrip("\r\n"), delim, rec)
    except csv.Error:  # "new-line character seen in unquoted field": read line by line
        records = list(csv.reader(body.replace("\r", "\n").split("\n"), delimiter=delim))
        if start >= len(records):
            return {}
        width = len(records[start])
        return {
            i: rec
            for i, rec in enumerate(records)
            if i > start and rec and len(rec) != width and any(v.strip() for v in rec)
        }
    return out


def fits(fields: list[str], hmap: HeaderMap) -> bool:
    """Whether every mapped column's value looks like its column (numbers in number columns,
    a level in the level column, a part number present)."""
    return _fits(fields, hmap)


def realign(
    fields: list[str], hmap: HeaderMap, delim: str, width: int | None = None
) -> tuple[list[str], int] | None:
    """Join surplus fields back into one text column when only one way fits.

    Only unquoted neighbours are joined (a quoted field was written whole: the delimiter after
    it separates fields), and never an empty one (a text split at an unquoted delimiter has text
    on both sides). Trailing empty fields are dropped first when the row fits without them.
    When no join fits, the row's text fields were all quoted (so none was split) and the row
    fits once cut to the header's width, the surplus fields at the end are extra (a note with no
    header): the cut row is returned, with ``width`` as the column.

    >>> from bomtrace.io.headers import HeaderMap
    >>> hmap = HeaderMap(0, {"part_number": 0, "quantity": 1, "description": 2}, [], [], [],
    ...                  ["Part", "Qty", "Description"], set())
    >>> realign(written_fields('"R7","2","Cap, 10uF","note"', ","), hmap, ",")
    (['R7', '2', 'Cap, 10uF'], 3)

    Parameters
    ----------
    fields : list of str
        The row's fields as written (more than the header has); a :class:`Written` tells which
        were quoted.
    hmap : HeaderMap
        The sheet's header map (which column holds which field).
    delim : str
        The delimiter (put back between the joined fields).
    width : int, optional
        Fields in the header record (default: the header map's width).

    Returns
    -------
    tuple of (list of str, int) or None
        The re-aligned fields and the column they were joined into (``width`` when extra
        trailing fields were cut), or None when no single way fits.
    """
    width = width or len(hmap.headers)
    quoted = getattr(fields, "quoted", None)
    used = len(fields)
    while used > width + 1 and not fields[used - 1].strip():
        used -= 1
    for n in range(used, len(fields) + 1):
        found = _join(list(fields[:n]), quoted, hmap, delim, width)
        if found is not None:
            return found
    cut = list(fields[:width])
    texts = _texts(hmap, width)
    written_whole = quoted is not None and all(quoted[j] for j in texts if fields[j].strip())
    if len(fields) > width and written_whole and _fits(cut, hmap):
        return cut, width
    return None


def _texts(hmap: HeaderMap, width: int) -> list[int]:
    """Columns that may hold a text with the delimiter in it (text fields and unmapped ones)."""
    by_col = {j: f for f, j in hmap.fields.items()}
    return [j for j in range(width) if by_col.get(j) in TEXT_FIELDS or j not in by_col]


def _join(
    fields: list[str],
    quoted: tuple[bool, ...] | None,
    hmap: HeaderMap,
    delim: str,
    width: int,
) -> tuple[list[str], int] | None:
    extra = len(fields) - width
    if extra <= 0:
        return None
    by_col = {j: f for f, j in hmap.fields.items()}
    texts = _texts(hmap, width)
    fits: list[tuple[int, list[str]]] = []
    for t in texts:
        pieces = fields[t : t + extra + 1]
        if not all(p.strip() for p in pieces):
            continue
        if quoted is not None and any(quoted[t : t + extra + 1]):
            continue
        if by_col.get(t) == "part_number" and not all(p[:1].isspace() for p in pieces[1:]):
            continue  # a key is joined only as prose is written: ', ' (a description as key)
        if any(
            by_col.get(t + k) in NUMERIC_FIELDS and _PLAIN.fullmatch(pieces[k].strip())
            for k in range(1, len(pieces))
        ):
            continue  # never swallow a number that sits under its own number column

        joined = fields[:t] + [delim.join(pieces)] + fields[t + extra + 1 :]
        if _fits(joined, hmap):
            fits.append((t, joined))
    if len(fits) == 1:
        return fits[0][1], fits[0][0]
    desc = hmap.fields.get("description")
    for t, joined in fits:
        if t == desc:
            return joined, t
    return None


def extra_fields(raw: RawSheet, row: int, written: list[str], width: int, part: str) -> Issue:
    """The issue for a row whose surplus fields at the end were cut (see :func:`realign`)."""
    extra = [v.strip() for v in written[width:] if v.strip()]
    shown = "; ".join(f"'{v[:60]}'" for v in extra[:3])
    quoted = getattr(written, "quoted", None)
    why = (
        "its fields are quoted, so none was split by a delimiter in a text, and "
        if (quoted is not None and all(quoted[:width]))
        else ""
    )
    return Issue(
        IssueCode.EXTRA_FIELDS,
        f"Row {row} has {len(written)} fields but the header has {width}; {why}the row reads "
        f"right without the extra field(s) at the end ({shown}), which have no header: they were "
        "left out of the line's values. Give them a header (or remove them) if they matter.",
        file=raw.path,
        sheet=raw.sheet,
        row=row,
        column=column_letter(width),
        part_number=part or None,
    )


def shifted_column(records: list[list[str]], width: int, hmap: HeaderMap, rows: int) -> int | None:
    """The column the data has and the header does not name, when the whole sheet is shifted.

    An exporter quirk writes one field more on every line than the header names (an empty
    column after some column), so everything right of it sits one column right of its header
    name: the part-number column holds notes and the quantities are read as text. When most
    data lines (at least half of ``rows``, and three) have exactly one field more than the
    header, the same field is empty on 90% of them, and the lines fit their columns once it is
    dropped, that field's position is returned.

    >>> hmap = HeaderMap(0, {"reference_designators": 0, "quantity": 1, "part_number": 2}, [],
    ...                  [], [], ["Ref", "Qty", "Part"], set())
    >>> shifted_column([["R1", "1", "", "A-1"], ["R2", "2", "", "B-2"], ["C1", "4", "", "C"]],
    ...                3, hmap, 3)
    2
    """
    wide = [r for r in records if len(r) == width + 1]
    if len(wide) < 3 or len(wide) < rows / 2:
        return None
    for p in range(width + 1):
        empty = [r for r in wide if not r[p].strip()]
        if len(empty) < 0.9 * len(wide):
            continue
        fitting = sum(_fits(r[:p] + r[p + 1 :], hmap) for r in empty)
        if fitting >= 0.9 * len(empty) and p < width:
            return p
    return None


def shift_fixes(
    raw: RawSheet,
    hmap: HeaderMap,
    start: int,
    rows: np.ndarray,
    lines: int,
    width: int,
    fixes: list[tuple[int, list[str]]],
    log: IssueLog,
) -> set[int]:
    """Drop the unnamed empty column of a sheet whose data is shifted (see
    :func:`shifted_column`); add the re-aligned rows to ``fixes`` and return them."""
    data = {k - start: list(w) for k, w in raw.ragged.items() if 0 <= k - start < len(rows)}
    p = shifted_column(list(data.values()), width, hmap, lines)
    if p is None:
        return set()
    done = {i for i, w in data.items() if len(w) == width + 1 and not w[p].strip()}
    fixes.extend((i, data[i][:p] + data[i][p + 1 :]) for i in sorted(done))
    first, last = int(rows[min(done)]), int(rows[max(done)])
    log.add(
        Issue(
            IssueCode.ROW_REALIGNED,
            f"Rows {first}-{last}: {len(done)} lines have one field more than the header names, "
            f"and that field (column {raw.columns[p]}) is empty on them: the data is shifted "
            f"one column right of its header from column {raw.columns[p]}. The empty field was "
            "dropped so that every value sits under its header; check the header row.",
            file=raw.path,
            sheet=raw.sheet,
            row=first,
            column=raw.columns[p],
        )
    )
    return done
