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

**Rows with a field too many** (an unquoted delimiter in a text, a note with no header) are
re-aligned by :mod:`bomtrace.io.csv_realign`.
"""

from __future__ import annotations

import codecs
import csv
import re
import threading
from dataclasses import dataclass
from io import StringIO

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
