"""Hidden rows and merged cells of an xlsx sheet, read from the sheet's XML.

fastexcel gives cell values only. Whether a row is hidden (``<row r="12" hidden="1">``), which
cells are merged (``<mergeCell ref="B5:B9"/>``) and which formula cells have no saved value
(``<c r="D2"><f>B2*C2</f></c>``: written by a program that does not calculate, such as
openpyxl; fastexcel reads them as empty) is read by streaming the sheet's XML out of the zip
and searching it with ``bytes.find`` and regular expressions (no XML tree is built), so a
million-row sheet costs little more than its decompression. Sheets whose tags carry a namespace
prefix (``<x:c>``) are not searched for formulas.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree import ElementTree

from bomtrace.errors import UnsafeFileError
from bomtrace.io import containers

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_HIDDEN = b'hidden="'  # then 1 or true
CHUNK = 1 << 22
#: Largest workbook.xml or relationships part read (real ones are a few kilobytes).
PART_MAX_BYTES = 64 * 2**20


@dataclass
class SheetMeta:
    """Hidden rows and merged ranges (first/last row 1-based, first/last column 0-based), and
    formula cells without a saved value: (row 1-based, column 0-based, formula)."""

    hidden_rows: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: list[tuple[int, int, str]] = field(default_factory=list)


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
        wb = ElementTree.fromstring(_read_part(data, zf, "xl/workbook.xml"))
        rels = ElementTree.fromstring(_read_part(data, zf, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, tuple[str, str]] = {}
    for sh in wb.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sh.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[sh.get("name", "")] = (path, sh.get("state") or "visible")
    return out


def _read_part(data: bytes, zf: zipfile.ZipFile, name: str) -> bytes:
    """A small part read whole (at most :data:`PART_MAX_BYTES`, else refused). The package
    has no DTD (:func:`bomtrace.io.containers.check_package`), so parsing it expands nothing."""
    info = zf.getinfo(name)
    if info.file_size > PART_MAX_BYTES:
        raise UnsafeFileError(
            f"part '{name}' would inflate to {info.file_size:,} bytes; a workbook's is a few "
            "kilobytes. Refused: it is crafted or damaged."
        )
    return b"".join(containers.inflate(data, info))


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
    with zipfile.ZipFile(BytesIO(data)) as zf:
        info = zf.getinfo(xml_path)
    carry = b""
    for chunk in containers.inflate(data, info, CHUNK):
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
    if buf.find(b"</f>", start, stop) >= 0 or buf.find(b"<f ", start, stop) >= 0:
        _formulas(buf, meta, start, stop)


#: A formula cell's ``<f>`` with no value after it: ``<f>B2*C2</f></c>``, ``<f>..</f><v/></c>``
#: (what openpyxl and other writers that do not calculate leave), or a shared formula's cell.
_NO_VALUE = re.compile(rb"<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)\s*(<v\s*/>|<v></v>)?\s*</c>")
_CELL_TAG = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>')
_STRING_TYPE = re.compile(rb'\bt="str"')
_ENTITIES = ((b"&lt;", b"<"), (b"&gt;", b">"), (b"&quot;", b'"'), (b"&apos;", b"'"))
#: Formula cells without a value recorded per sheet, at most.
MAX_FORMULAS = 10_000


def _formulas(buf: bytes, meta: SheetMeta, start: int, stop: int) -> None:
    """Add the formula cells of ``buf[start:stop]`` that have no saved value. A formula whose
    saved value is the empty text (``t="str"`` and ``<v></v>``) has one."""
    for m in _NO_VALUE.finditer(buf, start, stop):
        if len(meta.formulas) >= MAX_FORMULAS:
            return
        tag = buf.rfind(b"<c ", start, m.start())
        cell = _CELL_TAG.match(buf, tag) if tag >= 0 else None
        if cell is None or buf[cell.end() : m.start()].strip():
            continue
        if m.group(2) and _STRING_TYPE.search(cell.group(0)):
            continue  # a formula whose value is the empty text
        text = m.group(1)
        if text is None:
            formula = "(a shared formula)"
        else:
            for ent, ch in _ENTITIES:
                text = text.replace(ent, ch)
            formula = "=" + text.replace(b"&amp;", b"&").decode("utf-8", errors="replace")
        meta.formulas.append((int(cell.group(2)), column_index(cell.group(1)), formula))
