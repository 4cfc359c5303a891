"""The stream names of an OLE2 compound file (CFB), read from its directory alone.

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
from typing import BinaryIO

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
