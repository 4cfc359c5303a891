"""Read a delimited text file into a :class:`~bomtrace.io.table.RawSheet`.

Two parsers, one result. The first :data:`~bomtrace.settings.HEADER_SCAN_ROWS` records (title
block and header, possibly ragged) are parsed with the pandas C parser; ``locate`` picks the
header among them. The body below the header is parsed with pyarrow's multi-threaded CSV reader
(every cell as text). When the body is irregular (a line with more or fewer fields than the
header) the whole file is re-parsed with the pandas C parser, which pads short lines: slower,
same result.

Row numbers are the line numbers a text editor shows (1-based, title and header lines counted).
A quoted field that contains line breaks makes its record span several lines; the record's row is
the line it *starts* on, found by counting the line breaks inside each record's cells.
"""

from __future__ import annotations

import csv
import hashlib
import warnings
from collections.abc import Callable
from io import BytesIO, StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bomtrace.errors import FileFormatError
from bomtrace.io.csv_parse import (
    BodyKey,
    EarlyText,
    decode_text,
    delimiter_of,
    first_lines,
    max_fields,
    newline_of,
    parse_body,
    physical_lines,
)
from bomtrace.io.csv_realign import ragged_records, written_fields
from bomtrace.io.csv_repair import repair
from bomtrace.io.formats import SNIFF_BYTES
from bomtrace.io.table import RawSheet, column_letter
from bomtrace.settings import HEADER_SCAN_ROWS

if TYPE_CHECKING:
    from bomtrace.io.options import EarlyReads


#: Most fields a line may have: Excel's column limit (wider text is not a spreadsheet table).
MAX_FIELDS = 16_384
#: Finds the header record in the head of a file: its index in ``raw.frame``, or None.
Locate = Callable[[RawSheet], "int | None"]


def read_csv_file(
    path: Path,
    given: str,
    locate: Locate | None = None,
    encoding: str | None = None,
    early: EarlyReads | None = None,
) -> RawSheet:
    """Read a CSV/TSV file as a grid of text cells with line numbers.

    Parameters
    ----------
    path : Path
        The file to read.
    given : str
        The path as the caller wrote it (kept in positions and issues).
    locate : callable, optional
        Given the head of the file (its first ``HEADER_SCAN_ROWS`` records), return the index of
        the header record, or None when there is none. Without it, the first record is taken.
    encoding : str, optional
        The text encoding (``--encoding``), e.g. ``gb18030`` or ``shift_jis``; by default
        UTF-8/UTF-16, else detected (:mod:`bomtrace.io.text_encoding`; a UTF-8 file with some
        cp1252 bytes is read as UTF-8 with those as cp1252, :mod:`bomtrace.io.csv_repair`).
        NUL bytes are read as ``\ufffd``; both are listed in ``notes`` with line and column.
    early : EarlyReads, optional
        What was read of the file on a background thread; used when it fits.

    Returns
    -------
    RawSheet
        Text cells (``""`` when empty), 1-based line numbers, column numbers as text,
        the encoding (``utf-8-sig``, ``utf-16``, ``cp1252``, ``gb18030``...) and the delimiter.

    Raises
    ------
    FileFormatError
        When the file cannot be parsed as delimited text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from bomtrace.io.csv_files import read_csv_file
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text("BOM export\\nPart;Qty\\nA;1\\n", encoding="utf-8")
    >>> raw = read_csv_file(p, "b.csv", locate=lambda head: 1)
    >>> raw.delimiter, raw.rows.tolist(), raw.frame.iloc[2].tolist()
    (';', [1, 2, 3], ['A', '1'])
    """
    early_text = early.take_text(path) if early is not None else None
    data = early_text.data if early_text is not None else path.read_bytes()
    sha256 = early_text.sha256 if early_text is not None else hashlib.sha256(data).hexdigest()
    sniffed = not encoding
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileFormatError(
                f"{given}: cannot be read as {encoding} text ({exc}). Leave out --encoding to "
                "sniff it, or give the encoding the file was saved in."
            ) from None
        encoding = (
            "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else (encoding)
        )
    elif early_text is not None and early_text.text is not None and early_text.encoding:
        text, encoding = early_text.text, early_text.encoding
    else:
        text, encoding = decode_text(data)
    delim, skip = delimiter_of(text)
    fixed = repair(data, text, encoding, delim, sniffed)  # NUL bytes, mixed encodings
    if fixed is not None:
        data, text, encoding = fixed.data, fixed.text, "utf-8-sig"
    out = RawSheet(
        path=given,
        sheet=None,
        file_type="csv",
        sha256=sha256,
        frame=pd.DataFrame(),
        rows=np.zeros(0, dtype=np.int64),
        columns=[],
        encoding=encoding,
        encoding_guessed=sniffed and encoding not in ("utf-8-sig", "utf-16"),
        delimiter=delim,
        notes=[(n, column_letter(c), "text", msg) for n, c, msg in fixed.notes] if fixed else [],
    )
    sample_lines = text[:SNIFF_BYTES].splitlines() or [""]
    sample_lines += first_lines(text, HEADER_SCAN_ROWS + skip + 1, newline_of(text))
    ncols = max(ln.count(delim) for ln in sample_lines) + 1
    if ncols > MAX_FIELDS:
        raise FileFormatError(
            f"{given}: a line near the top has {ncols:,} fields separated by {delim!r}; a "
            f"spreadsheet has at most {MAX_FIELDS:,} columns. This is not a BOM table (or the "
            "delimiter was guessed wrong: give the file as .csv with one record per line)."
        )
    try:
        head = _parse_c(data, delim, encoding, ncols, skip, nrows=HEADER_SCAN_ROWS)
        if b'"' in data:  # a quoted cell may hold line breaks: count them
            head_rows = _record_lines(head, 1 + skip, newline_of(text))
        else:
            head_rows = np.arange(1 + skip, 1 + skip + len(head), dtype=np.int64)
        out.frame, out.rows = head, head_rows
        out.columns = [column_letter(j) for j in range(head.shape[1])]
        h = locate(out) if locate is not None else 0
        frame, rows, out.ragged = _with_fast_body(data, text, out, h, skip, early_text)
    except (pd.errors.ParserError, pd.errors.ParserWarning, pa.ArrowInvalid, _Irregular):
        frame, rows = _parse_all_c(data, text, delim, encoding, skip, given)
        out.ragged = _ragged_by_reader(text, delim, skip, h if "h" in locals() else None)
    frame = _drop_empty_tail_columns(frame)
    out.frame, out.rows = frame, rows
    out.columns = [column_letter(j) for j in range(frame.shape[1])]
    return out


def _parse_c(
    data: bytes, delim: str, encoding: str, ncols: int, skip: int, nrows: int | None = None
) -> pd.DataFrame:
    with warnings.catch_warnings():  # more fields than ``ncols``: an error, not lost data
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return _read_c(data, delim, encoding, ncols, skip, nrows)


def _read_c(
    data: bytes, delim: str, encoding: str, ncols: int, skip: int, nrows: int | None
) -> pd.DataFrame:
    return pd.read_csv(
        BytesIO(data),
        sep=delim,
        header=None,
        names=list(range(ncols)),
        index_col=False,
        dtype=str,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        skiprows=skip,
        nrows=nrows,
        encoding=encoding,
        engine="c",
        quotechar='"',
    )


def _parse_all_c(
    data: bytes, text: str, delim: str, encoding: str, skip: int, given: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """Whole file with the C parser, ragged lines padded (the slow, tolerant path)."""
    try:
        frame = _parse_c(data, delim, encoding, max_fields(text, delim), skip)
    except pd.errors.ParserError as exc:
        raise FileFormatError(f"{given}: cannot be read as delimited text: {exc}") from exc
    newline = newline_of(text)
    if len(frame) + skip == physical_lines(data, text, newline):
        return frame, np.arange(1 + skip, 1 + skip + len(frame), dtype=np.int64)
    return frame, _record_lines(frame, 1 + skip, newline)


class _Irregular(Exception):
    """Irregular rows the fast path cannot place: use the tolerant parser."""


#: Above this many irregular rows (and 5% of the body) the header is taken to be the odd one
#: out (e.g. data rows with an unnamed last column) and the tolerant parser pads everything.
MAX_RAGGED = 1000


def _with_fast_body(
    data: bytes,
    text: str,
    head: RawSheet,
    h: int | None,
    skip: int,
    early: EarlyText | None = None,
) -> tuple[pd.DataFrame, np.ndarray, dict[int, list[str]]]:
    """Keep the head records up to the header; parse everything below it with pyarrow."""
    newline = newline_of(text)
    if h is None:  # no header: the body is the whole file; the first line gives the width
        keep, first, last = 0, 1 + skip, 1 + skip
    else:
        keep, first = h + 1, int(head.rows[h])
        cells = head.frame.iloc[h].tolist()
        last = first + sum(c.count(newline) for c in cells if isinstance(c, str))
    lines = first_lines(text, last, newline)
    record = newline.join(lines[first - 1 : last])
    width = len(next(csv.reader(StringIO(record), delimiter=head.delimiter or ","), [""]))
    body_line = last + 1 if keep else first
    delim = head.delimiter or ","
    body, bad = _parse_arrow(data, (delim, head.encoding or "utf-8", width, body_line - 1), early)
    ragged: dict[int, list[str]] = {}
    if bad:
        enc = head.encoding or "utf-8"
        body, ragged = _merge_bad(data, text, newline, body, bad, body_line, width, delim, enc)
    # without any quote character no record can span lines; else count the lines to be sure
    one_line_records = b'"' not in data
    if one_line_records or len(body) == physical_lines(data, text, newline) - (body_line - 1):
        body_rows = np.arange(body_line, body_line + len(body), dtype=np.int64)
    else:
        body_rows = _record_lines(body, body_line, newline)
    frame = body
    if keep:
        frame = pd.concat([head.frame.iloc[:keep], body], ignore_index=True)
        if head.frame.shape[1] != body.shape[1]:
            frame = frame.fillna("")
    rows = np.concatenate([head.rows[:keep], body_rows]).astype(np.int64)
    return frame, rows, {keep + i: f for i, f in ragged.items()}


def _merge_bad(
    data: bytes,
    text: str,
    newline: str,
    body: pd.DataFrame,
    bad: list[str],
    body_line: int,
    width: int,
    delim: str,
    encoding: str,
) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """Put the rows pyarrow skipped (wrong number of fields) back in place, padded/cut to width.

    The skipped rows are found by counting each line's fields (:func:`_bad_lines`); a line's
    number is its record number when no record spans lines (else :class:`_Irregular`).
    Returns the full body and ``{body row: fields as written}`` for the irregular rows.
    """
    total = len(body) + len(bad)
    if len(bad) > MAX_RAGGED and len(bad) > 0.05 * total:
        raise _Irregular
    if total != physical_lines(data, text, newline) - (body_line - 1):
        raise _Irregular  # records span lines, or blank lines were dropped: count precisely
    where, bad = _bad_lines(data, newline, delim, width, body_line, bad, encoding)
    fields = [written_fields(t, delim) for t in bad]  # which were quoted, for realign
    fixed = pd.DataFrame(
        [(f + [""] * width)[:width] for f in fields], columns=body.columns, dtype="str"
    )
    order = np.empty(total, dtype=np.int64)
    is_bad = np.zeros(total, dtype=bool)
    is_bad[where] = True
    order[~is_bad] = np.arange(len(body))
    order[is_bad] = len(body) + np.arange(len(bad))
    both = pd.concat([body, fixed], ignore_index=True).iloc[order].reset_index(drop=True)
    return both, dict(zip(where, fields, strict=True))


def _bad_lines(
    data: bytes,
    newline: str,
    delim: str,
    width: int,
    body_line: int,
    bad: list[str],
    encoding: str,
) -> tuple[list[int], list[str]]:
    """Body record index and text of each line whose field count is not ``width``, in order.

    Counted with numpy over the bytes (delimiters inside quotes ignored), not line by line in
    Python. The lines found must be the ones pyarrow rejected
    (same texts), else :class:`_Irregular`.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or len(delim) != 1 or ord(delim) > 127:
        raise _Irregular
    arr = np.frombuffer(data, dtype=np.uint8)
    inside = np.bitwise_xor.accumulate((arr == ord('"')).astype(np.uint8)).astype(bool)
    ends = np.flatnonzero(arr == ord(newline))
    if not len(ends) or ends[-1] != len(arr) - 1:
        ends = np.append(ends, len(arr))
    starts = np.r_[0, ends[:-1] + 1]
    dpos = np.flatnonzero((arr == ord(delim)) & ~inside)
    counts = np.bincount(np.searchsorted(ends, dpos), minlength=len(ends))
    length = ends - starts
    first = body_line - 1
    off = np.flatnonzero((counts[first:] != width - 1) & (length[first:] > 0)) + first
    texts = [data[starts[i] : ends[i]].decode(encoding, "replace").rstrip("\r") for i in off]
    if sorted(texts) != sorted(bad):
        raise _Irregular
    return [int(i) - first for i in off], texts


def _ragged_by_reader(text: str, delim: str, skip: int, h: int | None) -> dict[int, list[str]]:
    """Records whose field count differs from the header's (tolerant path, whole file)."""
    body = text.split("\n", skip)[-1] if skip else text
    return ragged_records(body, delim, 0 if h is None else h)


def _parse_arrow(
    data: bytes, key: BodyKey, early: EarlyText | None
) -> tuple[pd.DataFrame, list[str]]:
    got = early.body(data, key) if early is not None else None
    table, bad = got if got is not None else parse_body(data, key)
    frame = table.to_pandas()
    frame.columns = pd.RangeIndex(key[2])
    return frame, bad


def _drop_empty_tail_columns(frame: pd.DataFrame) -> pd.DataFrame:
    keep = frame.shape[1]
    while keep > 1 and not (frame.iloc[:, keep - 1] != "").any():
        keep -= 1
    return frame.iloc[:, :keep] if keep < frame.shape[1] else frame


def _record_lines(frame: pd.DataFrame, first: int, newline: str) -> np.ndarray:
    """1-based line on which each record starts, counting line breaks inside cells."""
    n = len(frame)
    extra = np.zeros(n, dtype=np.int64)
    if frame.shape[1] > 64 and n * frame.shape[1] < 2**22:  # a wide head: cell by cell
        cells = frame.to_numpy(dtype=object)
        for i in range(n):
            extra[i] = sum(v.count(newline) for v in cells[i] if isinstance(v, str))
        starts = first + np.arange(n, dtype=np.int64)
        starts[1:] += np.cumsum(extra[:-1])
        return starts
    for j in range(frame.shape[1]):
        arr = pa.array(frame.iloc[:, j].astype("str"))
        extra += np.asarray(pc.count_substring(arr, newline), dtype=np.int64)
    starts = np.full(n, first, dtype=np.int64)
    if n > 1:
        starts[1:] += np.cumsum(1 + extra[:-1])
    return starts


class TextFile:
    """A delimited text file opened as its format's reader (:mod:`bomtrace.io.formats`): a
    file without sheets, whose one grid :meth:`load` reads with :func:`read_csv_file` (``how``
    holds its keyword arguments)."""

    sheet_names: list[str] = []

    def __init__(self, path: Path, given: str, file_type: str, **how: object) -> None:
        self.path, self.given, self.how = path, given, how

    def load(self, name: str | None = None) -> tuple[RawSheet, bool]:
        """The file's grid (see :func:`read_csv_file`), and True: text has no hidden rows."""
        return read_csv_file(self.path, self.given, **self.how), True  # type: ignore[arg-type]
