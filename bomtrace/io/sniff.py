"""Sniffing: file type by content, text encoding, CSV delimiter.

The file type is decided from the first bytes, not the suffix: a zip holding ``xl/workbook.xml``
is an xlsx/xlsm workbook, an OLE2 compound file is a legacy ``.xls``, a zip with an OpenDocument
``mimetype`` is ``.ods``; anything else without NUL bytes is delimited text.

>>> sniff_delimiter("Part;Qty;Cost\\nA;1;2,50\\n")
';'
>>> sniff_delimiter('"a,b"|x|y\\n1|2|3\\n')
'|'
>>> decode_text(b"caf\\xe9")[1]
'cp1252'
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from bomtrace.errors import FileFormatError

#: How much of a text file is looked at to choose the encoding hint and the delimiter.
SNIFF_BYTES = 64 * 1024
#: Delimiters tried, in order of preference on ties.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
SUPPORTED = (
    "xlsx/xlsm/xls workbooks, ods spreadsheets and delimited text (csv, tsv, semicolon- or "
    "pipe-separated)"
)

_QUOTED = re.compile(r'"[^"]*"')


def sniff_file_type(path: Path, head: bytes) -> str:
    """Return ``"xlsx"``, ``"xlsm"``, ``"xls"``, ``"ods"`` or ``"csv"``, judged by content.

    Parameters
    ----------
    path : Path
        The file (its suffix only tells xlsx from xlsm).
    head : bytes
        The first bytes of the file (a few KB are enough).

    Returns
    -------
    str
        ``"xlsx"``, ``"xlsm"``, ``"xls"``, ``"ods"`` or ``"csv"`` (any delimited text).

    Raises
    ------
    FileFormatError
        When the file is another zip/binary file (``.xlsb``, a damaged zip), or empty.

    Examples
    --------
    >>> from pathlib import Path
    >>> from bomtrace.io.sniff import sniff_file_type
    >>> sniff_file_type(Path("bom.xlsx"), b"Part,Qty\\nA,1\\n")
    'csv'
    """
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if kind in ("xlsx", "xlsm", "ods"):
            return kind
        raise FileFormatError(
            f"{path}: this is {kind}, which bomtrace cannot read yet. "
            f"Supported: {SUPPORTED}. Save it as .xlsx or .csv."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # OLE2: a legacy workbook (fastexcel says so if it is another OLE2 file)
    if not head:
        raise FileFormatError(f"{path}: the file is empty. Supported: {SUPPORTED}.")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileFormatError(
            f"{path}: this is a binary file bomtrace does not recognise. Supported: {SUPPORTED}."
        )
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return "xlsm" if path.suffix.lower() == ".xlsm" else "xlsx"
            if "xl/workbook.bin" in names:
                return "an .xlsb (binary Excel) workbook"
            if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                return "ods"
    except zipfile.BadZipFile:
        return "a damaged zip file"
    return "a zip file that is not a workbook"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text and return ``(text, encoding)``.

    UTF-8 (with or without BOM) is tried first, UTF-16 when a UTF-16 BOM is present (Excel's
    "Unicode text"), else cp1252 (Windows Western), else latin-1, which never fails.

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
    >>> from bomtrace.io.sniff import decode_text
    >>> decode_text("Größe".encode("utf-8"))
    ('Größe', 'utf-8-sig')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


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
    >>> from bomtrace.io.sniff import sniff_delimiter
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


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """Return the first ``size`` bytes of a file."""
    with path.open("rb") as fh:
        return fh.read(size)
