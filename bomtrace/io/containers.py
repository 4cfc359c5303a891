"""Workbook containers, checked before any reader sees them: zip packages (xlsx, xlsm,
ods) and OLE2 compound files (legacy xls).

**Zip packages** (xlsx, xlsm, ods): zip bombs and DTDs are refused.

A small workbook can hold a part that inflates to many gigabytes (a *zip bomb*), and an XML
part can declare entities that expand a thousandfold ("billion laughs"). bomtrace reads
workbooks with calamine (fastexcel), which inflates whatever a part holds, and splits large
sheets into temporary files (:mod:`bomtrace.io.sheet_split`). So, before any reader sees a
workbook:

- :func:`check_package` looks at the zip's directory only (O(number of entries)): every part's
  declared size (at most :data:`MAX_ENTRY_BYTES`, all parts together :data:`MAX_TOTAL_BYTES`),
  its compression ratio (at most :data:`MAX_RATIO` for a part of :data:`RATIO_MIN_BYTES` or
  more: real sheets compress 5-30 times, a bomb about 1000 times), its compression method
  (stored or deflate, what spreadsheet programs write), and the first bytes of every XML part:
  a workbook never has a DTD (the Open Packaging Conventions forbid it), so a ``<!DOCTYPE``
  is refused and no reader ever sees an entity declaration.
- A zip's declared sizes can lie: a part may say 1 MB and inflate to 5 GB. Python's zipfile
  stops at the declared size, but calamine inflates the whole stream. What bomtrace inflates
  itself goes through :func:`inflate`, which stops and refuses as soon as a part gives more than
  it declares. A part that calamine would inflate on its own is first checked with it
  (:func:`verify`), unless it cannot inflate to more than :data:`VERIFY_MIN_BYTES` whatever it
  declares (deflate inflates at most about 1032 times): in practice only parts of a megabyte
  or more compressed, the large sheets and shared strings. A large sheet is inflated once
  anyway by the sheet splitter, which uses :func:`inflate` and so checks it on the way.

Every refusal is an :class:`~bomtrace.errors.UnsafeFileError` naming the part and the limit.

**OLE2 compound files** (CFB, legacy xls): the stream names, read from the directory alone.

A legacy ``.xls`` workbook is a compound file holding a ``Workbook`` (or ``Book``) stream. A
password-protected xlsx/xlsm is a compound file too: Excel encrypts the whole workbook into an
``EncryptedPackage`` stream, described by an ``EncryptionInfo`` stream ([MS-OFFCRYPTO] 2.3.4).
Listing the directory tells the two apart (and from a Word document or an Outlook message)
before any reader is given the file, so a locked workbook gets its own message.

Only the header, the sectors of the file allocation table that the directory's chain needs and
the directory sectors are read: a few kilobytes, whatever the size of the file. The layout is
[MS-CFB] 2.2 (header), 2.3 (FAT), 2.5 (DIFAT) and 2.6 (directory entries).

>>> import io
>>> stream_names(io.BytesIO(b"not a compound file")) is None
True
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from typing import BinaryIO

from bomtrace.errors import EncryptedFileError, UnsafeFileError

#: Largest declared uncompressed size of one part. An Excel sheet holds at most 1,048,576
#: rows; a million BOM lines of 12 columns are about 0.5 GB of XML.
MAX_ENTRY_BYTES = 2 * 2**30
#: Largest declared uncompressed size of all parts together.
MAX_TOTAL_BYTES = 4 * 2**30
#: Largest compression ratio (declared / compressed size) of a part of RATIO_MIN_BYTES or more.
MAX_RATIO = 200
#: Parts smaller than this are not held to MAX_RATIO (a few MB cannot exhaust anything).
RATIO_MIN_BYTES = 16 * 2**20
#: Most parts a workbook may have (real ones have tens to a few hundred).
MAX_ENTRIES = 10_000
#: A part that could inflate to more than this (whatever it declares) is checked before
#: calamine reads it.
VERIFY_MIN_BYTES = 256 * 2**20
#: How much of each XML part is looked at for a DTD: the prolog before the root element.
PROLOG_BYTES = 64 * 2**10
#: Most a deflate stream can inflate per compressed byte (a run of zeros), with some margin.
DEFLATE_MAX_RATIO = 1040
_CHUNK = 1 << 22
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_METHODS = {0: "stored", 8: "deflate"}


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n:,} bytes"


def check_package(zf: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory declares a bomb, or whose XML parts hold a DTD.

    Parameters
    ----------
    zf : zipfile.ZipFile
        The open workbook package.

    Raises
    ------
    UnsafeFileError
        A part too large, too highly compressed, compressed in a way spreadsheet programs
        never use, too many parts, or a ``<!DOCTYPE`` in an XML part.
    EncryptedFileError
        The zip's parts are encrypted (a zip password, not an Office one).
    """
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise UnsafeFileError(
            f"the zip holds {len(infos):,} parts (a workbook has at most a few hundred; the "
            f"limit is {MAX_ENTRIES:,}). Refused: it is not a workbook, or it is crafted."
        )
    total = 0
    for info in infos:
        _check_entry(info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeFileError(
                f"its parts would inflate to more than {_mb(MAX_TOTAL_BYTES)} in all (a zip "
                "bomb, or far more than any workbook holds). Refused before reading it."
            )
    for info in infos:
        if info.filename.lower().endswith(_XML_SUFFIXES) and info.file_size:
            _check_prolog(zf, info)


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise EncryptedFileError(
            f"part '{name}' is encrypted with a zip password. Save the workbook again without "
            "a password (or as .csv)."
        )
    if info.compress_type not in _METHODS:
        raise UnsafeFileError(
            f"part '{name}' is compressed with zip method {info.compress_type}, which "
            "spreadsheet programs never use (only stored or deflate). Refused: it is damaged "
            "or crafted. Open it in Excel or LibreOffice and save it again."
        )
    if info.file_size > MAX_ENTRY_BYTES:
        raise UnsafeFileError(
            f"part '{name}' would inflate to {_mb(info.file_size)} (the limit is "
            f"{_mb(MAX_ENTRY_BYTES)}; an Excel sheet of 1,048,576 rows is far smaller). "
            "Refused before reading it: it is a zip bomb or not a real workbook."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_MIN_BYTES and ratio > MAX_RATIO:
        raise UnsafeFileError(
            f"part '{name}' would inflate from {_mb(info.compress_size)} to "
            f"{_mb(info.file_size)}, {ratio:,.0f} times (real workbooks compress at most "
            f"about {MAX_RATIO} times). Refused before reading it: it is a zip bomb."
        )


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with zf.open(info) as fh:
            head = fh.read(PROLOG_BYTES)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        return  # a damaged part: the reader says so in its own words
    if b"\x00" in head[:4]:  # UTF-16 XML: its markup is ASCII with NUL bytes between
        head = head.replace(b"\x00", b"")
    pos = 0
    while True:
        lt = head.find(b"<", pos)
        if lt < 0 or lt + 1 >= len(head):
            if len(head) >= PROLOG_BYTES:
                raise UnsafeFileError(
                    f"part '{info.filename}' has no XML element in its first "
                    f"{_mb(PROLOG_BYTES)}. Refused: it is damaged or crafted."
                )
            return
        nxt = head[lt + 1 : lt + 2]
        if head.startswith(b"<!DOCTYPE", lt) or head.startswith(b"<!ENTITY", lt):
            raise UnsafeFileError(
                f"part '{info.filename}' declares a DTD (<!DOCTYPE ...>), which workbooks never "
                "have (the Open Packaging Conventions forbid it): its entities could expand "
                'to gigabytes ("billion laughs"). Refused: open the file in Excel or '
                "LibreOffice and save it again."
            )
        if nxt not in (b"?", b"!"):
            return  # the root element: no DTD can follow it
        pos = lt + 1


def worst_case(info: zipfile.ZipInfo) -> int:
    """The most this part can inflate to, whatever its header declares."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    return info.compress_size * DEFLATE_MAX_RATIO + 2**16


def needs_verify(info: zipfile.ZipInfo) -> bool:
    """Whether calamine could inflate this part to more than :data:`VERIFY_MIN_BYTES`."""
    return worst_case(info) > VERIFY_MIN_BYTES


def inflate(data: bytes, info: zipfile.ZipInfo, chunk: int = _CHUNK) -> Iterator[bytes]:
    """The inflated bytes of one part, in chunks of at most ``chunk`` bytes.

    Unlike :meth:`zipfile.ZipFile.open`, which stops at the declared size, the deflate stream
    is followed to its end, and a part that gives more than it declares is refused at once.

    Parameters
    ----------
    data : bytes
        The whole zip file.
    info : zipfile.ZipInfo
        The part (from the zip's central directory).
    chunk : int, optional
        Largest chunk yielded.

    Raises
    ------
    UnsafeFileError
        The part inflates to more than its declared size.
    zipfile.BadZipFile
        The part is damaged: its local header is missing, or its stream ends early.
    """
    if info.compress_type not in _METHODS:
        raise UnsafeFileError(f"part '{info.filename}' uses zip method {info.compress_type}.")
    head = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"part '{info.filename}' has no local header")
    name_len, extra_len = _LOCAL_HEADER.unpack(head)[-2:]
    start = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len
    view = memoryview(data)[start : start + info.compress_size]
    declared = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        for pos in range(0, min(len(view), declared), chunk):
            yield bytes(view[pos : min(pos + chunk, declared)])
        return
    dec = zlib.decompressobj(-zlib.MAX_WBITS)
    total = pos = 0
    while not dec.eof:
        if dec.unconsumed_tail:
            out = dec.decompress(dec.unconsumed_tail, chunk)
        elif pos < len(view):
            out = dec.decompress(view[pos : pos + chunk], chunk)
            pos += chunk
        else:
            break
        total += len(out)
        if total > declared:
            raise UnsafeFileError(
                f"part '{info.filename}' holds more data than its zip header declares "
                f"({_mb(declared)}): a zip bomb, or a damaged file. Refused; nothing more "
                "of it was read."
            )
        if out:
            yield out
    if total < declared:
        raise zipfile.BadZipFile(
            f"part '{info.filename}' ends after {total:,} of its {declared:,} bytes"
        )


def verify(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate one part to its end without keeping it: refuse it if it gives more than it
    declares (see :func:`inflate`)."""
    for _ in inflate(data, info):
        pass


def check_workbook(data: bytes, max_total: int = MAX_TOTAL_BYTES) -> int:
    """Check a whole workbook package before a reader opens it: :func:`check_package`, then,
    when all its parts together declare at most ``max_total`` bytes, every part calamine could
    inflate to more than it declares (:func:`verify`). Returns the declared total; a caller
    that allows less than :data:`MAX_TOTAL_BYTES` refuses the file when it is larger.

    Raises
    ------
    UnsafeFileError
        As :func:`check_package` and :func:`verify`.
    zipfile.BadZipFile
        The zip is damaged.
    """
    with zipfile.ZipFile(BytesIO(data)) as zf:
        check_package(zf)
        infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total <= max_total:
        for info in infos:
            if needs_verify(info):
                verify(data, info)
    return total


MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Streams that only an encrypted Office document has.
ENCRYPTED_STREAMS = frozenset({"encryptedpackage", "encryptioninfo"})
#: Streams of a legacy Excel workbook (BIFF8, BIFF5).
WORKBOOK_STREAMS = frozenset({"workbook", "book"})
_MAX_SECTOR = 0xFFFFFFFA  # larger numbers mark the end of a chain or special sectors
_MAX_DIRECTORY_SECTORS = 4096  # 16k+ directory entries; a longer chain is damaged or crafted
_MAX_DIFAT_SECTORS = 1 << 16
_ENTRY = 128


class _Damaged(Exception):
    """The compound file's header or chains are not as [MS-CFB] describes."""


def stream_names(fh: BinaryIO) -> list[str] | None:
    """Names of the storages and streams in a compound file's directory.

    Parameters
    ----------
    fh : binary file
        Seekable, positioned anywhere.

    Returns
    -------
    list of str or None
        The names in directory order; None when the file is not a compound file or its
        directory cannot be followed (the reader then says what is wrong with it).
    """
    try:
        return _Directory(fh).names()
    except (_Damaged, struct.error, OSError, ValueError):
        return None


class _Directory:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        fh.seek(0)
        head = fh.read(512)
        if len(head) < 512 or not head.startswith(MAGIC):
            raise _Damaged("no compound-file header")
        shift = struct.unpack_from("<H", head, 0x1E)[0]
        if shift not in (9, 12):
            raise _Damaged("sector size")
        self.size = 1 << shift
        self.per = self.size // 4  # FAT entries per sector
        n_fat, self.first_dir = struct.unpack_from("<II", head, 0x2C)
        difat_next, n_difat = struct.unpack_from("<II", head, 0x44)
        fat = [s for s in struct.unpack_from("<109I", head, 0x4C) if s <= _MAX_SECTOR]
        seen = 0
        while difat_next <= _MAX_SECTOR and seen < min(n_difat, _MAX_DIFAT_SECTORS):
            entries = struct.unpack(f"<{self.per}I", self._sector(difat_next))
            fat.extend(s for s in entries[:-1] if s <= _MAX_SECTOR)
            difat_next = entries[-1]
            seen += 1
        self.fat_sectors = fat[:n_fat]
        self._fat_cache: dict[int, tuple[int, ...]] = {}

    def _sector(self, n: int) -> bytes:
        self.fh.seek((n + 1) * self.size)
        data = self.fh.read(self.size)
        if len(data) < self.size:
            raise _Damaged("a sector beyond the end of the file")
        return data

    def _next(self, n: int) -> int:
        idx = n // self.per
        if idx >= len(self.fat_sectors):
            raise _Damaged("a chain beyond the allocation table")
        if idx not in self._fat_cache:
            data = self._sector(self.fat_sectors[idx])
            self._fat_cache[idx] = struct.unpack(f"<{self.per}I", data)
        return self._fat_cache[idx][n % self.per]

    def names(self) -> list[str]:
        out: list[str] = []
        sector, visited = self.first_dir, set[int]()
        while sector <= _MAX_SECTOR:
            if sector in visited or len(visited) >= _MAX_DIRECTORY_SECTORS:
                raise _Damaged("the directory chain loops")
            visited.add(sector)
            data = self._sector(sector)
            for off in range(0, self.size, _ENTRY):
                kind = data[off + 0x42]
                if kind not in (1, 2, 5):  # storage, stream, root storage
                    continue
                length = min(struct.unpack_from("<H", data, off + 0x40)[0], 64)
                name = data[off : off + length].decode("utf-16-le", "replace").rstrip("\x00")
                if kind != 5:
                    out.append(name)
            sector = self._next(sector)
        return out


def is_encrypted(names: list[str]) -> bool:
    """Whether these directory names are those of an encrypted Office document."""
    return any(n.casefold() in ENCRYPTED_STREAMS for n in names)


def is_workbook(names: list[str]) -> bool:
    """Whether these directory names include a legacy Excel workbook stream."""
    return any(n.casefold() in WORKBOOK_STREAMS for n in names)
