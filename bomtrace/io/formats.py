"""What bomtrace reads: the file type, sniffed by content, and the registry of input formats.

The file type is decided from the first bytes, not the suffix: a zip holding ``xl/workbook.xml``
is an xlsx/xlsm workbook, an OLE2 compound file with a ``Workbook`` stream is a legacy ``.xls``
(with an ``EncryptedPackage`` stream it is a password-protected workbook, refused), a zip with
an OpenDocument ``mimetype`` is ``.ods``; anything else that is not binary (:func:`binary_kind`)
is delimited text. A workbook's zip package is checked before it is read
(:mod:`bomtrace.io.containers`).

**The registry.**

:data:`FORMATS` lists every input format once: its name (what :func:`sniff_file_type` answers),
how it is recognised, the suffixes searched for in a folder, the reader that opens it and the
pre-reader that parses it on a background thread. A new input format is one module (its reader,
and its pre-reader if it has one) plus one line here, and a branch in :func:`sniff_file_type`
when its content is not one of the containers already told apart (zip package, OLE2 compound
file, text).

A reader is named as ``"module:function"`` and imported when a file of its format is read:
readers need pandas, which the CLI imports while the files are being pre-read
(:class:`bomtrace.io.options.EarlyReads`). Nothing in this module imports pandas.
"""

from __future__ import annotations

import importlib
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bomtrace.errors import EncryptedFileError, FileFormatError
from bomtrace.io import containers

#: How much of a text file is looked at to choose the encoding hint and the delimiter.
SNIFF_BYTES = 64 * 1024
SUPPORTED = (
    "xlsx/xlsm/xls workbooks, ods spreadsheets and delimited text (csv, tsv, semicolon- or "
    "pipe-separated)"
)


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
    >>> from bomtrace.io.formats import sniff_file_type
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
    if head.startswith(containers.MAGIC):
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
        names = containers.stream_names(fh)
    if names is None:
        return  # the workbook reader says what is wrong with it
    if containers.is_encrypted(names):
        raise EncryptedFileError(
            f"{path}: the workbook is password-protected (encrypted), so it cannot be read. "
            "Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
            "with Password: clear it) and save it, or save it as .csv."
        )
    if not containers.is_workbook(names):
        shown = ", ".join(repr(n) for n in names[:5] if n.isprintable())
        raise FileFormatError(
            f"{path}: this is an OLE2 compound file without a workbook in it (it holds "
            f"{shown or 'no named streams'}): a Word or Outlook file, not a BOM. "
            f"Supported: {SUPPORTED}."
        )


_DAMAGED = "a damaged zip file"


def _zip_kind(path: Path) -> str:
    """The kind of a zip file; a workbook's package is checked first
    (:mod:`bomtrace.io.containers`)."""
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
                containers.check_package(zf)
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


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """Return the first ``size`` bytes of a file."""
    with path.open("rb") as fh:
        return fh.read(size)


@dataclass(frozen=True)
class InputFormat:
    """One input format.

    Attributes
    ----------
    name : str
        What :func:`sniff_file_type` answers for it (``"xlsx"``, ``"csv"``, ...).
    recognised_by : str
        How its content is recognised (the suffix is not enough, and not needed).
    suffixes : tuple of str
        Suffixes of the files read from a folder.
    reader : str
        ``"module:function"`` opening a file: called as ``function(path, given, name, *,
        locate, encoding, early)`` it returns an object with ``sheet_names`` (empty for a
        file without sheets) and ``load(sheet) -> (RawSheet, visible)``.
    pre_reader : str or None
        ``"module:function"`` parsing a file on a background thread, without pandas: called
        as ``function(data, name, sheets, encoding)``; what it returns the reader takes over.
    """

    name: str
    recognised_by: str
    suffixes: tuple[str, ...]
    reader: str
    pre_reader: str | None = None

    def open(self, path: Path, given: str, **kwargs: Any) -> Any:
        """Open ``path`` with this format's reader (see :attr:`reader`)."""
        return _resolve(self.reader)(path, given, self.name, **kwargs)

    def pre_read(self, data: bytes, sheets: Sequence[str] = (), encoding: str | None = None) -> Any:
        """Parse ``data`` with the pre-reader (None when the format has none)."""
        if self.pre_reader is None:
            return None
        return _resolve(self.pre_reader)(data, self.name, tuple(sheets), encoding)


_WORKBOOK = "bomtrace.io.workbooks:open_workbook"
_BOOK_EARLY = "bomtrace.io.workbook_parse:pre_read"

#: Every input format, by the name :func:`sniff_file_type` gives it.
FORMATS: dict[str, InputFormat] = {
    f.name: f
    for f in (
        InputFormat("xlsx", "a zip package with xl/workbook.xml", (".xlsx",), _WORKBOOK,
                    _BOOK_EARLY),
        InputFormat("xlsm", "an xlsx package named .xlsm", (".xlsm",), _WORKBOOK, _BOOK_EARLY),
        InputFormat("xls", "an OLE2 compound file with a Workbook stream", (".xls",), _WORKBOOK,
                    _BOOK_EARLY),
        InputFormat("ods", "a zip package whose mimetype is an OpenDocument spreadsheet", (".ods",),
                    _WORKBOOK, _BOOK_EARLY),
        InputFormat("csv", "any other file that is text", (".csv", ".tsv", ".txt"),
                    "bomtrace.io.csv_files:TextFile", "bomtrace.io.csv_parse:pre_read"),
    )
}  # fmt: skip

#: File suffixes read from a folder.
FOLDER_SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS.values() for s in f.suffixes)


def format_of(path: Path) -> InputFormat:
    """The format of a file, judged by its content (see :func:`sniff_file_type`)."""
    return FORMATS[sniff_file_type(path, read_head(path, 8192))]


def pre_read(path: Path, sheets: Sequence[str] = (), encoding: str | None = None) -> Any:
    """Read and parse one file as its format's pre-reader does (see
    :class:`bomtrace.io.options.EarlyReads`)."""
    return format_of(path).pre_read(path.read_bytes(), sheets, encoding)


def _resolve(name: str) -> Callable[..., Any]:
    module, _, function = name.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return fn
