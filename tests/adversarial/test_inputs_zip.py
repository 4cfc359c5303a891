"""Hostile workbook packages: zip bombs (honest and lying), entity expansion, encrypted zip
parts, and sheet names that look like paths.

The bombs are written here without ever being inflated: a deflate stream of one repeated,
fully flushed block is that block's bytes repeated (:func:`deflate_repeated`), so a 5 GB sheet
costs 5 MB of disk and a few milliseconds. The tests check that bomtrace refuses them from the
zip's directory (or after inflating at most what a part declares), and never hands them to
calamine.
"""

from __future__ import annotations

import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from test_hostile_inputs import GOOD_BOM, GOOD_ROWS, analyze, issues, product, refused, run

from bomtrace.io import containers, sheet_split, workbook_parse

Write = Callable[..., Path]
SHEET = "xl/worksheets/sheet1.xml"


@dataclass
class Deflated:
    """A raw deflate stream and what its zip entry declares."""

    data: bytes
    size: int  #: declared uncompressed size
    crc: int = 0


def deflate(data: bytes) -> Deflated:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Deflated(c.compress(data) + c.flush(), len(data), zlib.crc32(data))


def deflate_repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> Deflated:
    """``head + unit * times + tail`` deflated without deflating it all: after a full flush
    the compressor starts afresh, so every flushed ``unit`` block is the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    stream = first + block * times + c.compress(tail) + c.flush()
    return Deflated(stream, len(head) + len(unit) * times + len(tail))


def write_zip(path: Path, parts: list[tuple[str, bytes | Deflated]]) -> Path:
    """A zip (zip64 records throughout) of deflated parts, with the sizes they declare."""
    out, central = bytearray(), bytearray()
    for name, part in parts:
        d = part if isinstance(part, Deflated) else deflate(part)
        raw, offset = name.encode(), len(out)
        extra = struct.pack("<HHQQ", 1, 16, d.size, len(d.data))
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, d.crc, 2**32 - 1, 2**32 - 1,
            len(raw), len(extra),
        ) + raw + extra + d.data  # fmt: skip
        cextra = struct.pack("<HHQQQ", 1, 24, d.size, len(d.data), offset)
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, d.crc, 2**32 - 1,
            2**32 - 1, len(raw), len(cextra), 0, 0, 0, 0, 2**32 - 1,
        ) + raw + cextra  # fmt: skip
    start, n = len(out), len(parts)
    out += central
    end64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(central), start)
    out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), 2**32 - 1, 0)
    path.write_bytes(bytes(out))
    return path


def workbook_parts(tmp_path: Path, rows: list[list[Any]] = GOOD_ROWS) -> dict[str, bytes]:
    """The parts of a real xlsx (written by xlsxwriter, with shared strings)."""
    src = tmp_path / "source.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("BOM")
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    wb.close()
    with zipfile.ZipFile(src) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def bomb_sheet(parts: dict[str, bytes], unit: bytes, times: int) -> Deflated:
    """The real sheet with ``unit * times`` inside one more row's inline text cell."""
    xml = parts[SHEET]
    at = xml.index(b"</sheetData>")
    head = xml[:at] + b'<row r="99"><c r="B99" t="inlineStr"><is><t>'
    return deflate_repeated(head, unit, times, b"</t></is></c></row>" + xml[at:])


@pytest.fixture
def calamine_must_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if fastexcel is asked to open or parse anything."""

    def no(*_: object, **__: object) -> None:
        raise AssertionError("the workbook reached calamine")

    monkeypatch.setattr(workbook_parse.fastexcel, "read_excel", no)


def test_five_gigabyte_sheet_is_refused_from_the_zip_directory(
    tmp_path: Path, calamine_must_not_read: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path))
    parts[SHEET] = bomb_sheet(workbook_parts(tmp_path), b"0" * 2**20, 5 * 1024)
    bomb = write_zip(tmp_path / "bomb.xlsx", list(parts.items()))
    assert bomb.stat().st_size < 10 * 2**20
    seen: list[str] = []
    real = containers.inflate

    def inflate(data: bytes, info: zipfile.ZipInfo, *args: Any) -> Any:
        seen.append(info.filename)
        return real(data, info, *args)

    monkeypatch.setattr(containers, "inflate", inflate)
    started = time.monotonic()
    refused(run("analyze", bomb, "-d", "CN"), "bomb.xlsx", SHEET, "5,120 MB", "zip bomb")
    assert time.monotonic() - started < 30 and SHEET not in seen


def test_highly_compressed_sheet_is_refused_by_its_ratio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calamine_must_not_read: None
) -> None:
    monkeypatch.setattr(containers, "RATIO_MIN_BYTES", 2**20)
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path))
    parts[SHEET] = bomb_sheet(workbook_parts(tmp_path), b"0" * 2**16, 32)  # 2 MB of zeros
    bomb = write_zip(tmp_path / "dense.xlsx", list(parts.items()))
    refused(run("analyze", bomb, "-d", "CN"), "dense.xlsx", SHEET, "times", "zip bomb")


@pytest.mark.parametrize("part", [SHEET, "xl/sharedStrings.xml"])
def test_part_that_inflates_beyond_what_it_declares_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: str
) -> None:
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path))
    real = workbook_parts(tmp_path)[part]
    at = real.rindex(b"</")
    lie = deflate_repeated(real[:at] + b"<!--", b"0" * 2**20, 5 * 1024, b"-->" + real[at:])
    lie.size = len(real) + 100  # declares a few kilobytes; inflates to 5 GB
    parts[part] = lie
    bomb = write_zip(tmp_path / "liar.xlsx", list(parts.items()))
    parsed: list[str] = []
    monkeypatch.setattr(workbook_parse.Book, "parse", lambda self, name: parsed.append(name))
    started = time.monotonic()
    res = run("analyze", bomb, "-d", "CN")
    refused(res, "liar.xlsx", part, "more data than its zip header declares")
    assert time.monotonic() - started < 30 and not parsed


def test_lying_sheet_is_refused_by_the_splitter_and_its_parts_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sheet_split, "WORKERS", 2)
    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(sheet_split, "PART_BYTES", 4096)
    monkeypatch.setattr(containers, "VERIFY_MIN_BYTES", 2**40)  # so the splitter meets it first
    rows = GOOD_ROWS + [[1, f"P-{i}", 1, 1, "CN", "EAR99"] for i in range(400)]
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path, rows))
    real = workbook_parts(tmp_path, rows)[SHEET]
    at = real.index(b"</sheetData>")
    lie = bomb_sheet({SHEET: real}, b"0" * 2**20, 64)
    lie.size = len(real) + 1000
    parts[SHEET] = lie
    bomb = write_zip(tmp_path / "split.xlsx", list(parts.items()))
    assert at > 3 * 4096
    res = run("analyze", bomb, "-d", "CN")
    refused(res, "split.xlsx", "sheet 'BOM'", "more data than its zip header declares")
    assert not list(scratch.iterdir())


def test_splitter_keeps_a_bounded_number_of_parts_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sheet_split, "WORKERS", 2)
    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(sheet_split, "PART_BYTES", 2048)
    most = 0
    real_add = sheet_split._PartWriter.add

    def add(self: Any, *args: Any) -> None:
        nonlocal most
        real_add(self, *args)
        most = max(most, sum(len(list(d.iterdir())) for d in scratch.iterdir()))

    monkeypatch.setattr(sheet_split._PartWriter, "add", add)
    rows = GOOD_ROWS + [[1, f"P-{i}", 1, 1, "CN", "EAR99"] for i in range(2000)]
    path = write_zip(tmp_path / "big.xlsx", list(workbook_parts(tmp_path, rows).items()))
    res, doc = analyze(path)
    assert doc is not None
    product(doc)
    assert 0 < most <= sheet_split.PENDING_PARTS * 2 + 1
    assert not list(scratch.iterdir())


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n"
)


@pytest.mark.parametrize(
    ("part", "old", "new"),
    [
        ("xl/sharedStrings.xml", b"<t>PROD-1</t>", b"<t>&lol9;</t>"),
        ("xl/workbook.xml", b'name="BOM"', b'name="&lol9;"'),
        ("xl/_rels/workbook.xml.rels", b"", b""),
    ],
)
def test_entity_expansion_is_refused_before_any_parser(
    tmp_path: Path, calamine_must_not_read: None, part: str, old: bytes, new: bytes
) -> None:
    parts = workbook_parts(tmp_path)
    xml = parts[part].replace(old, new) if old else parts[part]
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    parts[part] = BILLION_LAUGHS + body.lstrip()
    bomb = write_zip(tmp_path / "laughs.xlsx", list(parts.items()))
    refused(run("analyze", bomb, "-d", "CN"), "laughs.xlsx", part, "DTD", "billion laughs")


def test_zip_password_is_reported(tmp_path: Path) -> None:
    parts = workbook_parts(tmp_path)
    path = write_zip(tmp_path / "zipcrypto.xlsx", list(parts.items()))
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:  # mark every part encrypted in the central directory
        data[pos + 8] |= 1
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    refused(run("analyze", path, "-d", "CN"), "zipcrypto.xlsx", "encrypted with a zip password")


@pytest.mark.parametrize("sheet", ["../../x", "..\\..\\x", "/etc/passwd", "a/b:c"])
def test_sheet_names_with_path_separators_stay_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet: str
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(sheet_split, "WORKERS", 2)
    monkeypatch.setattr(sheet_split, "SPLIT_MIN_BYTES", 1)
    monkeypatch.setattr(sheet_split, "PART_BYTES", 1024)
    split: list[str] = []
    real_split = sheet_split.parse_split

    def parse_split(data: bytes, xml_path: str, name: str, *args: Any) -> Any:
        split.append(name)
        return real_split(data, xml_path, name, *args)

    monkeypatch.setattr(sheet_split, "parse_split", parse_split)
    rows = GOOD_ROWS + [[1, f"P-{i}", 1, 0.5, "CN", "EAR99"] for i in range(200)]
    parts = workbook_parts(tmp_path, rows)
    escaped = sheet.replace("&", "&amp;").encode()
    book = parts["xl/workbook.xml"]
    parts["xl/workbook.xml"] = book.replace(b'name="BOM"', b'name="%s"' % escaped)
    path = write_zip(tmp_path / "named.xlsx", list(parts.items()))
    res, doc = analyze(path, "--sheet", sheet)
    assert doc is not None
    assert product(doc)["total_cost"] == pytest.approx(6 + 5 + 200 * 0.5)
    assert split == [sheet]
    assert doc["inputs"][0]["sheet"] == sheet
    assert not list(scratch.iterdir())  # the parts were written there, and removed
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()


def test_good_workbook_beside_a_bomb_in_a_folder_is_analysed(
    tmp_path: Path, write_csv: Write
) -> None:
    write_csv("boms/good.csv", GOOD_BOM)
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path))
    parts[SHEET] = bomb_sheet(workbook_parts(tmp_path), b"0" * 2**20, 3 * 1024)
    write_zip(tmp_path / "boms" / "bomb.xlsx", list(parts.items()))
    res, doc = analyze(tmp_path / "boms")
    assert doc is not None
    product(doc)
    [note] = issues(doc, "file-not-read")
    assert note["file"].endswith("bomb.xlsx") and "zip bomb" in note["message"]
    assert note["severity"] == "error"


def test_entity_expansion_in_an_ods_is_refused(tmp_path: Path) -> None:
    import pandas as pd

    src = tmp_path / "src.ods"
    pd.DataFrame(GOOD_ROWS[1:], columns=GOOD_ROWS[0]).to_excel(src, engine="odf", index=False)
    res, doc = analyze(src)
    assert doc is not None and product(doc)["total_cost"] == 11
    with zipfile.ZipFile(src) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    body = parts["content.xml"].split(b"?>", 1)[1]
    parts["content.xml"] = BILLION_LAUGHS + body.replace(b">PROD-1<", b">&lol9;<", 1)
    bomb = tmp_path / "laughs.ods"
    with zipfile.ZipFile(bomb, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else 8)
    refused(run("analyze", bomb, "-d", "CN"), "laughs.ods", "content.xml", "DTD")


def test_producer_workbook_bomb_is_refused_before_it_is_parsed(
    tmp_path: Path, write_csv: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--producers`` is read by fastexcel: the zip is checked first, never inflated."""

    def no(*_: object, **__: object) -> None:
        raise AssertionError("the producer workbook reached fastexcel")

    monkeypatch.setattr(workbook_parse, "Book", no)
    bom = write_csv("good.csv", GOOD_BOM)
    parts: dict[str, bytes | Deflated] = dict(workbook_parts(tmp_path))
    # declares its true size (400 MB): over what a producer table may inflate to
    parts[SHEET] = bomb_sheet(workbook_parts(tmp_path), b"0" * 2**20, 400)
    plants = write_zip(tmp_path / "plants.xlsx", list(parts.items()))
    res = run("analyze", bom, "-d", "CN", "--producers", plants)
    refused(res, "plants.xlsx", "Producer table")
