"""Hidden rows and merged cells of an xlsx sheet, read from the sheet's XML.

fastexcel gives cell values only. Whether a row is hidden (``<row r="12" hidden="1">``) and
which cells are merged (``<mergeCell ref="B5:B9"/>``) is read by streaming the sheet's XML out
of the zip and searching it with ``bytes.find`` (no XML tree is built), so a million-row sheet
costs its decompression, about a second.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree import ElementTree

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_HIDDEN = b'hidden="'  # then 1 or true
CHUNK = 1 << 22


@dataclass
class SheetMeta:
    """Hidden rows and merged ranges (first/last row 1-based, first/last column 0-based)."""

    hidden_rows: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


def column_index(letters: bytes | str) -> int:
    """0-based index of an Excel column (``b"A"`` → 0, ``"AB"`` → 27)."""
    if isinstance(letters, str):
        letters = letters.encode()
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def sheet_info(data: bytes) -> dict[str, tuple[str, str]]:
    """Sheet name -> (path of its XML inside the workbook zip, state: visible / hidden /
    veryHidden)."""
    with zipfile.ZipFile(BytesIO(data)) as zf:
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, tuple[str, str]] = {}
    for sh in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sh.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[sh.get("name", "")] = (path, sh.get("state") or "visible")
    return out


_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]+)\$?\d*(?::\$?([A-Z]+)\$?\d*)?"')


def sheet_columns(data: bytes, xml_path: str) -> tuple[int, int] | None:
    """First and last column (0-based) of the sheet's used range, from its ``<dimension>``
    element at the start of the XML (None when there is none)."""
    with zipfile.ZipFile(BytesIO(data)) as zf, zf.open(xml_path) as fh:
        head = fh.read(1 << 16)
    m = _DIMENSION.search(head)
    if m is None:
        return None
    first = column_index(m.group(1))
    return first, column_index(m.group(2)) if m.group(2) else first


def read_sheet_meta(data: bytes, xml_path: str) -> SheetMeta:
    """Scan one sheet's XML for hidden rows and merged cells.

    Parameters
    ----------
    data : bytes
        The workbook file.
    xml_path : str
        Path of the sheet inside the zip (see :func:`sheet_info`).

    Returns
    -------
    SheetMeta
    """
    meta = SheetMeta()
    with zipfile.ZipFile(BytesIO(data)) as zf, zf.open(xml_path) as fh:
        carry = b""
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            buf = carry + chunk
            cut = buf.rfind(b">") + 1
            buf, carry = buf[:cut], buf[cut:]
            scan_xml(buf, meta)
        scan_xml(carry, meta)
    return meta


def scan_xml(
    buf: bytes, meta: SheetMeta, merges: bool = True, start: int = 0, stop: int | None = None
) -> None:
    """Add the hidden rows, and unless ``merges`` is false the merged cells, found in
    ``buf[start:stop]`` (whole elements of a sheet's XML) to ``meta``."""
    stop = len(buf) if stop is None else stop
    pos = buf.find(_HIDDEN, start, stop)
    while pos >= 0:
        value = buf[pos + len(_HIDDEN) : pos + len(_HIDDEN) + 5]
        tag = buf.rfind(b"<", 0, pos)
        if (value[:2] == b'1"' or value == b'true"') and buf.startswith(b"<row", tag):
            end = buf.find(b">", pos)
            m = _ROW_NUMBER.search(buf, tag, end)
            if m:
                meta.hidden_rows.append(int(m.group(1)))
        pos = buf.find(_HIDDEN, pos + 1, stop)
    if merges and buf.find(b"<mergeCell ", start, stop) >= 0:
        for m in _MERGE.finditer(buf, start, stop):
            rows = int(m.group(2)), int(m.group(4))
            meta.merged.append((*rows, column_index(m.group(1)), column_index(m.group(3))))
