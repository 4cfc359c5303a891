"""Sniffing: file type by content, text encoding, CSV delimiter.

The file type is decided from the first bytes, not the suffix: a zip holding ``xl/workbook.xml``
is an xlsx/xlsm workbook, an OLE2 compound file with a ``Workbook`` stream is a legacy ``.xls``
(with an ``EncryptedPackage`` stream it is a password-protected workbook, refused), a zip with
an OpenDocument ``mimetype`` is ``.ods``; anything else that is not binary (:func:`binary_kind`)
is delimited text. A workbook's zip package is checked before it is read
(:mod:`bomtrace.io.zipguard`).

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
import zlib
from pathlib import Path

from bomtrace.errors import EncryptedFileError, FileFormatError
from bomtrace.io import cfb, zipguard

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
        if kind == _DAMAGED:
            raise FileFormatError(
                f"{path}: this is {kind}: cut short or corrupted (its zip directory cannot be "
                "read), so no sheet in it can be read. Use the original file, or open it in "
                "Excel or LibreOffice, repair it and save it again."
            )
        raise FileFormatError(
            f"{path}: this is {kind}, which bomtrace cannot read yet. "
            f"Supported: {SUPPORTED}. Save it as .xlsx or .csv."
        )
    if head.startswith(cfb.MAGIC):
        _check_compound(path)
        return "xls"  # OLE2: a legacy workbook
    if not head:
        raise FileFormatError(f"{path}: the file is empty. Supported: {SUPPORTED}.")
    what = binary_kind(head)
    if what is not None:
        raise FileFormatError(f"{path}: this is {what}, not a BOM. Supported: {SUPPORTED}.")
    return "csv"


#: First bytes of common binary files, and what to call them.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 compound file (an Office document)"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
)
#: Control bytes that never occur in text (NUL, TAB, LF, CR, FF and SUB are left out).
_CONTROL = bytes(c for c in range(32) if c not in (0, 9, 10, 12, 13, 26)) + b"\x7f"


def binary_kind(head: bytes) -> str | None:
    """What binary file these first bytes start, or None for text.

    A text file may hold a few NUL bytes (an export that padded a field): it is text unless
    NUL bytes are a third of it, or other control bytes more than one in twenty.

    >>> binary_kind(b"Part,Qty\\nA\\x00,1\\n") is None, binary_kind(b"\\x89PNG\\r\\n\\x1a\\n")
    (True, 'a PNG image')
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text
    for magic, what in _MAGIC:
        short = len(magic) < 4  # could start a text: binary only if the rest is
        if head.startswith(magic) and (not short or binary_kind(head[len(magic) :]) is not None):
            return what
    sample = head[:8192]
    if not sample:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if 3 * sample.count(b"\x00") > len(sample) or 20 * controls > len(sample):
        return "a binary file bomtrace does not recognise"
    return None


def _check_compound(path: Path) -> None:
    """Refuse a password-protected workbook and an OLE2 file that is not a workbook."""
    with path.open("rb") as fh:
        names = cfb.stream_names(fh)
    if names is None:
        return  # the workbook reader says what is wrong with it
    if cfb.is_encrypted(names):
        raise EncryptedFileError(
            f"{path}: the workbook is password-protected (encrypted), so it cannot be read. "
            "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
            "with Password: clear it) and save it, or save it as .csv."
        )
    if not cfb.is_workbook(names):
        shown = ", ".join(repr(n) for n in names[:5] if n.isprintable())
        raise FileFormatError(
            f"{path}: this is an OLE2 compound file without a workbook in it (it holds "
            f"{shown or 'no named streams'}): a Word or Outlook file, not a BOM. "
            f"Supported: {SUPPORTED}."
        )


_DAMAGED = "a damaged zip file"


def _zip_kind(path: Path) -> str:
    """The kind of a zip file; a workbook's package is checked first (:mod:`zipguard`)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            kind = None
            if "xl/workbook.xml" in names:
                kind = "xlsm" if path.suffix.lower() == ".xlsm" else "xlsx"
            elif "xl/workbook.bin" in names:
                return "an .xlsb (binary Excel) workbook"
            elif "mimetype" in names and b"opendocument.spreadsheet" in _small(zf, "mimetype"):
                kind = "ods"
            if kind is None:
                return "a zip file that is not a workbook"
            try:
                zipguard.check_package(zf)
            except FileFormatError as exc:
                raise type(exc)(f"{path}: {exc}") from None
            if kind == "ods" and b"encryption-data" in _small(zf, "META-INF/manifest.xml"):
                raise EncryptedFileError(
                    f"{path}: the spreadsheet is password-protected (encrypted), so it cannot "
                    "be read. Open it in LibreOffice, save it without a password, or as .csv."
                )
            return kind
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        return _DAMAGED


def _small(zf: zipfile.ZipFile, name: str, limit: int = 1 << 20) -> bytes:
    """The first ``limit`` bytes of a small part ("" when there is none)."""
    try:
        with zf.open(name) as fh:
            return fh.read(limit)
    except KeyError:
        return b""


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
