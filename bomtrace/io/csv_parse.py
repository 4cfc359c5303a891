"""Delimited text without pandas: its encoding, its delimiter, its lines, and its body parsed
into Arrow with pyarrow.

This is the part of reading a CSV file that releases the GIL, so it can run on a background
thread while pandas imports (:func:`pre_read`, see :class:`bomtrace.io.options.EarlyReads`).
:mod:`bomtrace.io.csv_files` decides the parameters (delimiter, encoding, width, where the body
starts) and places the result.

>>> sniff_delimiter("Part;Qty;Cost\\nA;1;2,50\\n")
';'
>>> sniff_delimiter('"a,b"|x|y\\n1|2|3\\n')
'|'
>>> decode_text(b"caf\\xe9")[1]
'cp1252'
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from bomtrace.io.formats import SNIFF_BYTES
from bomtrace.io.text_encoding import detect

#: Delimiters tried, in order of preference on ties.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: What decides a body parse: (delimiter, encoding, fields per record, lines skipped).
BodyKey = tuple[str, str, int, int]


def parse_body(data: bytes, key: BodyKey) -> tuple[pa.Table, list[str]]:
    """Every record below ``skip_lines`` lines as ``width`` text columns named ``"0"``...

    Parameters
    ----------
    data : bytes
        The whole file.
    key : tuple of (str, str, int, int)
        Delimiter, Python encoding name, fields per record, lines to skip.

    Returns
    -------
    tuple of (pyarrow.Table, list of str)
        The records with ``width`` fields (empty cells as ``""``), and the text of each line
        with another number of fields (left out of the table, in file order).
    """
    delim, encoding, width, skip_lines = key
    bad: list[str] = []

    def invalid(row: Any) -> str:
        bad.append(row.text)  # irregular line: put back in place by the caller
        return "skip"

    names = [str(j) for j in range(width)]
    table = pacsv.read_csv(
        BytesIO(data),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=skip_lines,
            encoding="utf8" if encoding == "utf-8-sig" else encoding,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delim,
            quote_char='"',
            # a line break inside a value needs quotes around it; without any quote the
            # parser can split the file into blocks and use both cores
            newlines_in_values=b'"' in data,
            ignore_empty_lines=False,
            invalid_row_handler=invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad


@dataclass
class EarlyText:
    """A delimited text file read in the background: bytes, digest, sniffed text and
    encoding, and the body parsed with the guessed parameters ``key``."""

    data: bytes
    sha256: str
    text: str | None = None
    encoding: str | None = None
    key: BodyKey | None = None
    table: Any = None
    bad: list[str] = field(default_factory=list)

    def body(self, data: bytes, key: BodyKey) -> tuple[Any, list[str]] | None:
        """The parsed body (pyarrow Table, irregular lines) if it was parsed from these very
        bytes with these parameters, else None. Handed over once."""
        if self.table is None or data is not self.data or key != self.key:
            return None
        table, self.table = self.table, None
        return table, self.bad


def pre_read(
    data: bytes, file_type: str, sheets: tuple[str, ...], encoding: str | None
) -> EarlyText:
    """Decode a delimited text file and parse its body, guessing that the header is its first
    record (the reader parses the body again when it finds the header elsewhere). With an
    ``encoding`` given the body is left to the reader."""
    early = EarlyText(data, hashlib.sha256(data).hexdigest())
    if encoding is not None:
        return early
    text, enc = decode_text(data)
    early.text, early.encoding = text, enc
    delim, skip = delimiter_of(text)
    newline = "\n" if "\n" in text[:SNIFF_BYTES] or "\r" not in text[:SNIFF_BYTES] else "\r"
    lines = text[:SNIFF_BYTES].split(newline, skip + 1)
    if len(lines) < skip + 2 or lines[skip].count('"') % 2:
        return early  # no complete first record in the sample
    width = len(next(csv.reader(StringIO(lines[skip]), delimiter=delim), [""]))
    early.key = (delim, enc, width, skip + 1)
    early.table, early.bad = parse_body(data, early.key)
    return early


_QUOTED = re.compile(r'"[^"]*"')


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text and return ``(text, encoding)``.

    UTF-16 when a UTF-16 BOM is present (Excel's "Unicode text"), else UTF-8 (with or without
    BOM); a file that is not UTF-8 in the encoding detected from its bytes
    (:func:`bomtrace.io.text_encoding.detect`: GB18030, Big5, Shift-JIS, EUC-KR, cp1251, ...),
    else cp1252 (Windows Western), else latin-1, which never fails.

    Parameters
    ----------
    data : bytes
        The whole file (a file is UTF-8 only if every byte of it is).

    Returns
    -------
    tuple of (str, str)
        The decoded text and the Python codec name used.

    Examples
    --------
    >>> from bomtrace.io.csv_parse import decode_text
    >>> decode_text("Größe".encode("utf-8"))
    ('Größe', 'utf-8-sig')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    encoding = detect(data)
    return data.decode(encoding), encoding


def sniff_delimiter(sample: str) -> str:
    """Choose the delimiter among ``, ; TAB |`` from a text sample.

    The winner is the delimiter that appears the same (non-zero) number of times on the most
    lines, quoted text ignored; title lines above the header do not disturb it. Ties go to the
    delimiter with more fields per line, then to the order of :data:`DELIMITERS`.

    Parameters
    ----------
    sample : str
        The first lines of the file.

    Returns
    -------
    str
        One of :data:`DELIMITERS` (``","`` when none appears: a one-column file).

    Examples
    --------
    >>> from bomtrace.io.csv_parse import sniff_delimiter
    >>> sniff_delimiter("My BOM, exported\\nPart\\tQty\\tNote\\nA\\t1\\tx, y\\nB\\t2\\t\\n")
    '\\t'
    """
    lines = [_QUOTED.sub("", ln) for ln in sample.splitlines()[:200] if ln.strip()]
    best: tuple[int, int, int] = (0, 0, 0)
    choice = DELIMITERS[0]
    for rank, delim in enumerate(DELIMITERS):
        counts = [ln.count(delim) for ln in lines]
        freq: dict[int, int] = {}
        for c in counts:
            if c:
                freq[c] = freq.get(c, 0) + 1
        if not freq:
            continue
        mode = max(freq, key=lambda c: (freq[c], c))
        score = (freq[mode], mode, -rank)
        if score > best:
            best, choice = score, delim
    return choice


def sep_hint(text: str) -> str | None:
    """Return the delimiter of an Excel ``sep=;`` first line, if the file has one.

    >>> sep_hint("sep=;\\nPart;Qty\\n"), sep_hint("Part,Qty\\n")
    (';', None)
    """
    first = text[:16].split("\n", 1)[0].strip("\r\ufeff ")
    if first.lower().startswith("sep=") and len(first) == 5:
        return first[4]
    return None


def delimiter_of(text: str) -> tuple[str, int]:
    """``(delimiter, lines before the data)``: an Excel ``sep=`` first line names the
    delimiter and is skipped, else it is sniffed from the first :data:`SNIFF_BYTES`.

    >>> delimiter_of("sep=;\\nPart;Qty\\n"), delimiter_of("Part\\tQty\\nA\\t1\\n")
    ((';', 1), ('\\t', 0))
    """
    hint = sep_hint(text)
    if hint is not None:
        return hint, 1
    return sniff_delimiter(text[:SNIFF_BYTES]), 0


def first_lines(text: str, n: int, newline: str) -> list[str]:
    """The first ``n`` lines of a text, without splitting (copying) the rest of it."""
    pos = -1
    for _ in range(n):
        pos = text.find(newline, pos + 1)
        if pos < 0:
            return text.split(newline)
    return text[:pos].split(newline)


def physical_lines(data: bytes, text: str, newline: str) -> int:
    """Number of lines a text editor shows (a final line break opens no new line)."""
    if not text:
        return 0
    ascii_compatible = not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    count = data.count(newline.encode()) if ascii_compatible else text.count(newline)
    return count + (0 if text.endswith(newline) else 1)


def newline_of(text: str) -> str:
    return "\n" if "\n" in text or "\r" not in text else "\r"


def max_fields(text: str, delim: str) -> int:
    """Upper bound of fields per line over the whole file (delimiters in quotes counted)."""
    arr = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    is_delim = arr == ord(delim)
    ends = np.flatnonzero(arr == ord(newline_of(text)))
    cum = np.concatenate(([0], np.cumsum(is_delim, dtype=np.int64)))
    bounds = np.concatenate(([0], ends + 1, [arr.size]))
    per_line = np.diff(cum[bounds])
    return int(per_line.max(initial=0)) + 1
