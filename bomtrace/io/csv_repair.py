"""Delimited text that is not clean: NUL bytes, mixed encodings, and rows with an
unquoted delimiter in a text.

- **NUL bytes** (``\\x00``) are not text; an export may pad a field with them. Each is read as
  the replacement character ``\\ufffd`` (so ``5\\x00`` is not silently the number 5, and a part
  number with one is visibly not the clean one) and reported at its line and column.
- **Mixed encodings**: a UTF-8 file in which some lines were pasted or appended in cp1252
  (Windows Western). Read as cp1252 as a whole, every accented UTF-8 letter would turn into two
  wrong ones (``Größe`` → ``GrÃ¶ÃŸe``) without a word. A file that is not valid UTF-8 but holds
  UTF-8 sequences is read as UTF-8, the bytes that are not UTF-8 as cp1252, and each cell
  holding such bytes is reported at its line and column with the text as read.

:func:`repair` returns the text re-encoded as UTF-8 for the parsers, and the notes; the reader
turns them into positioned issues (:mod:`bomtrace.io.cell_checks`).

>>> fixed = repair(b"Part,Qty\\nGr\\xc3\\xb6\\xc3\\x9fe,1\\nCaf\\xe9,2\\nA\\x00,3\\n",
...                "", "cp1252", ",", sniffed=True)
>>> fixed.text.splitlines()[1:]
['Größe,1', 'Café,2', 'A\\ufffd,3']
>>> [(line, col) for line, col, _ in fixed.notes]
[(3, 0), (4, 0)]

**Rows with a field too many** (an unquoted delimiter in a text) are re-aligned.

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
"""

from __future__ import annotations

import codecs
import csv
import re
import threading
from dataclasses import dataclass
from io import StringIO

from bomtrace.io.headers import HeaderMap
from bomtrace.io.table import BOOLEAN_FIELDS, NUMERIC_FIELDS, RawSheet, column_letter
from bomtrace.issues import Issue, IssueCode

#: Cells reported at most per file (the rest are counted in the last note).
MAX_NOTES = 1000
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_local = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    _local.offsets.append(exc.start)
    return exc.object[exc.start : exc.end].decode("cp1252", errors="replace"), exc.end


codecs.register_error("bomtrace.cp1252", _cp1252_fallback)


@dataclass
class Repaired:
    """The text to parse (as UTF-8 ``data``) and one note per damaged cell:
    (line, 0-based column, message)."""

    data: bytes
    text: str
    notes: list[tuple[int, int, str]]


def repair(data: bytes, text: str, encoding: str, delimiter: str, sniffed: bool) -> Repaired | None:
    """Repair mixed encodings (when the encoding was sniffed) and NUL bytes.

    Parameters
    ----------
    data : bytes
        The file.
    text : str
        The file decoded as ``encoding``.
    encoding : str
        The encoding used (sniffed, or given with ``--encoding``).
    delimiter : str
        The delimiter (to tell the column of a damaged cell).
    sniffed : bool
        Whether ``encoding`` was sniffed: a given encoding is kept as given.

    Returns
    -------
    Repaired or None
        None when there is nothing to repair (the common case: two byte searches).
    """
    notes: list[tuple[int, int, str]] = []
    mixed = sniffed and encoding in ("cp1252", "latin-1") and bool(_UTF8_SEQUENCE.search(data))
    if mixed:
        _local.offsets = []
        try:
            text = data.decode("utf-8-sig", errors="bomtrace.cp1252")
            offsets = _local.offsets
        finally:
            _local.offsets = []
        notes += _mixed_notes(data, text, offsets, delimiter)
    if "\x00" in text:
        notes += _nul_notes(text, delimiter)
        text = text.replace("\x00", "\ufffd")
    elif not mixed:
        return None
    return Repaired(text.encode("utf-8"), text, notes)


def _line_starts(buf: bytes | str, positions: list[int]) -> list[tuple[int, int]]:
    """(1-based line, offset where that line starts) of each sorted position, in one pass."""
    nl: bytes | str = b"\n" if isinstance(buf, bytes) else "\n"
    out, line, start, at = [], 1, 0, 0
    for pos in positions:
        line += buf.count(nl, at, pos)  # type: ignore[arg-type]
        if line > 1:
            start = buf.rfind(nl, 0, pos) + 1  # type: ignore[arg-type]
        at = pos
        out.append((line, start))
    return out


def _column(prefix: str, delimiter: str) -> int:
    """0-based field index of the character after ``prefix`` (the start of its line)."""
    fields = next(csv.reader(StringIO(prefix + "x"), delimiter=delimiter), [""])
    return max(len(fields) - 1, 0)


def _cell(line: str, col: int, delimiter: str) -> str:
    fields = next(csv.reader(StringIO(line), delimiter=delimiter), [])
    value = fields[col] if col < len(fields) else line
    return value if len(value) <= 60 else value[:57] + "..."


def _mixed_notes(
    data: bytes, text: str, offsets: list[int], delimiter: str
) -> list[tuple[int, int, str]]:
    """One note per cell holding bytes that are not UTF-8."""
    cells: dict[tuple[int, int], list[int]] = {}
    for (line, start), off in zip(_line_starts(data, offsets), offsets, strict=True):
        prefix = data[start:off].decode("utf-8", errors="replace")
        key = (line, _column(prefix, delimiter))
        if key in cells or len(cells) < MAX_NOTES:
            cells.setdefault(key, []).append(off)
    lines = text.splitlines() if cells else []
    notes = []
    for (line, col), offs in cells.items():
        shown = " ".join(f"0x{data[o]:02X}" for o in offs[:4])
        cell = _cell(lines[line - 1], col, delimiter) if line <= len(lines) else ""
        notes.append(
            (
                line,
                col,
                f"Line {line} holds bytes that are not UTF-8 ({shown}) in a file that is "
                f"otherwise UTF-8: they were read as cp1252, giving '{cell}'. Check the text, "
                "and save the file in one encoding (UTF-8).",
            )
        )
    return notes


def _nul_notes(text: str, delimiter: str) -> list[tuple[int, int, str]]:
    """One note per cell holding NUL bytes."""
    positions: list[int] = []
    pos = text.find("\x00")
    while pos >= 0 and len(positions) < MAX_NOTES * 4:
        positions.append(pos)
        pos = text.find("\x00", pos + 1)
    cells: dict[tuple[int, int], int] = {}
    for (line, start), at in zip(_line_starts(text, positions), positions, strict=True):
        key = (line, _column(text[start:at].replace("\x00", ""), delimiter))
        if key in cells or len(cells) < MAX_NOTES:
            cells[key] = cells.get(key, 0) + 1
    notes = []
    for (line, col), n in cells.items():
        what = "a NUL byte" if n == 1 else f"{n} NUL bytes"
        notes.append(
            (
                line,
                col,
                f"Line {line} holds {what} (\\x00), which text never has; each was read as "
                "'\ufffd', so the cell is not taken for what it would be without them. The "
                "export is damaged: export it again, or remove them.",
            )
        )
    return notes


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


def written_fields(line: str, delim: str) -> Written:
    """Parse one physical line as a CSV record, noting which fields were quoted.

    >>> f = written_fields('"a, b",c,"d"', ",")
    >>> list(f), f.quoted
    (['a, b', 'c', 'd'], (True, False, True))
    """
    out = Written(next(csv.reader(StringIO(line), delimiter=delim), []))
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
