"""Issue 17, item 6 and the hostile-file half of the adversarial suite: inputs that are not
what they claim to be never end in a traceback.

Every test drives the real command line and checks: no traceback, an exit code from the
documented set, a message that names the file (and sheet, row and column where one applies),
and, for a folder, that the good files beside the hostile one are still analysed. The hostile
files are built here, small. Zip bombs, entities and sheet names are in ``test_inputs_zip``;
cell-level damage (long cells, NUL bytes, encodings, formulas, wide sheets) in
``test_inputs_cells``.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bomtrace.cli import cli

Write = Callable[..., Path]

#: One product, made in China, of a US EAR99 part and a Chinese part: "not subject", exit 0.
GOOD_BOM = (
    "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
    "0,PROD-1,1,,CN,\n"
    "1,US-PART,2,3,US,EAR99\n"
    "1,CN-PART,1,5,CN,EAR99\n"
)
HEADER = ["Level", "Part Number", "Qty", "Unit Cost", "Country of Origin", "ECCN"]
GOOD_ROWS: list[list[Any]] = [
    HEADER,
    [0, "PROD-1", 1, None, "CN", None],
    [1, "US-PART", 2, 3, "US", "EAR99"],
    [1, "CN-PART", 1, 5, "CN", "EAR99"],
]
DOCUMENTED = (0, 1, 2, 3)


def run(*args: str | Path) -> Result:
    """Run the command line; it must end with a documented exit code and no traceback."""
    res = CliRunner().invoke(cli, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output, res.output
    assert res.exit_code in DOCUMENTED, res.output
    return res


def analyze(*args: str | Path) -> tuple[Result, dict[str, Any] | None]:
    """``analyze ... -d CN --format json``: the result and its JSON (None on exit 2)."""
    res = run("analyze", *args, "-d", "CN", "--format", "json")
    return res, (json.loads(res.stdout) if res.exit_code != 2 else None)


def refused(res: Result, *words: str) -> str:
    """The one-line refusal (exit 2) of ``res``; it says each of ``words``."""
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def product(doc: dict[str, Any], name: str = "PROD-1") -> dict[str, Any]:
    """The product ``name`` of an analyze document; it must have been analysed."""
    found = [p for p in doc["products"] if p["part_number"] == name]
    assert found, [p["part_number"] for p in doc["products"]]
    assert found[0]["analysed"], found[0]
    return found[0]


def issues(doc: dict[str, Any], code: str | None = None) -> list[dict[str, Any]]:
    return [i for i in doc["issues"] if code is None or i["code"] == code]


# --- 1. a header row and nothing below it ---------------------------------------------------


@pytest.mark.parametrize("command", ["analyze", "suppliers", "explode"])
@pytest.mark.parametrize(
    "header", ["Level,Part Number,Qty,Unit Cost\n", "Parent,Part Number,Qty,Unit Cost\n"]
)
def test_header_only_csv_is_refused_in_one_line(
    write_csv: Write, command: str, header: str
) -> None:
    path = write_csv("header only.csv", header)
    res = run(command, path)
    refused(res, "header only.csv", "header row (row 1)", "no rows below it")


def test_header_only_xlsx_names_the_sheet(write_xlsx: Write) -> None:
    path = write_xlsx("empty.xlsx", {"BOM": [["Level", "Part Number", "Qty", "Unit Cost"]]})
    for command in ("analyze", "suppliers"):
        refused(run(command, path), "empty.xlsx", "sheet 'BOM'", "no rows below it")


def test_header_only_file_in_a_folder_is_left_out(write_csv: Write, tmp_path: Path) -> None:
    write_csv("bom/a_good.csv", GOOD_BOM)
    write_csv("bom/b_header_only.csv", "Level,Part Number,Qty,Unit Cost\n")
    res, doc = analyze(tmp_path / "bom")
    assert doc is not None and res.exit_code == 0
    product(doc)
    [note] = issues(doc, "sheet-skipped")
    assert note["file"].endswith("b_header_only.csv") and note["row"] == 1
    assert "no rows below it" in note["message"]


def test_every_row_skipped_says_why(write_csv: Write) -> None:
    path = write_csv("no parts.csv", "Level,Part Number,Qty\n0,,1\n1,,2\n")
    line = refused(run("analyze", path, "-d", "CN"), "no parts.csv", "all skipped")
    assert "row 2" in line and "no part number" in line


# --- 2. a file that is not a screening list --------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("name", "content", "what"),
    [
        ("list.csv", bytes(range(256)) * 16, "binary file"),
        ("list.png", PNG, "PNG image"),
        ("consolidated.json", b"PK\x03\x04" + os.urandom(200), "zip archive"),
        ("list.xlsx", None, "spreadsheet workbook"),
        ("list.csv", b"name,source\nHua\x00wei,EL\n", "line 2: holds a NUL byte"),
        ("list.json", b"[" * 100_000 + b"]" * 100_000, "nested"),
        ("list.csv", b"name,source\n" + b"A" * 200_000 + b",EL\n", "line 2"),
        ("list.csv", b"", "is empty"),
    ],
)
def test_screening_list_that_is_not_one(
    write_csv: Write, write_xlsx: Write, tmp_path: Path, name: str, content: bytes | None, what: str
) -> None:
    bom = write_csv("bom.csv", GOOD_BOM)
    if content is None:
        path = write_xlsx(name, {"Sheet": [["name", "source"], ["Huawei", "EL"]]})
    else:
        path = tmp_path / name
        path.write_bytes(content)
    res = run("analyze", bom, "-d", "CN", "--screening-list", path)
    line = refused(res, name, what)
    if "NUL" not in what and "line 2" not in what:
        assert "consolidated.json" in line or "is empty" in line


def test_screening_list_in_cp1252_is_read(write_csv: Write, tmp_path: Path) -> None:
    bom = write_csv("bom.csv", GOOD_BOM)
    listed = tmp_path / "list.csv"
    listed.write_bytes("name,source\nCafé Électronique GmbH,Entity List\n".encode("cp1252"))
    res = run(
        "analyze", bom, "-d", "CN", "--screening-list", listed,
        "--end-user", "Café Électronique", "--format", "json",
    )  # fmt: skip
    doc = json.loads(res.stdout)
    found = json.dumps(doc["fdpr"]["parties"], ensure_ascii=False)
    assert "Café Électronique GmbH" in found and "cp1252" not in found


# --- 3. a password-protected workbook --------------------------------------------------------


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors: header, FAT, one directory sector)
    whose directory lists ``streams`` (at most 3), each empty."""
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sect, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le")
        out = bytearray(128)
        out[: len(raw)] = raw
        struct.pack_into("<HBB", out, 0x40, len(raw), kind, 1)
        struct.pack_into("<III", out, 0x44, free, free, free)
        struct.pack_into("<I", out, 0x74, end)
        return bytes(out)

    entries = [entry("Root Entry", 5)] + [entry(s, 2) for s in streams]
    directory = b"".join(entries).ljust(512, b"\x00")
    return bytes(header) + fat + directory


def test_encrypted_xlsx_says_it_is_password_protected(write_xlsx: Write, tmp_path: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = write_xlsx("plain.xlsx", {"BOM": GOOD_ROWS})
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, locked.open("wb") as out:
        ooxml.OOXMLFile(src).encrypt("secret", out)
    line = refused(run("analyze", locked, "-d", "CN"), "locked.xlsx", "password-protected")
    assert "calamine" not in line and "remove the password" in line


@pytest.mark.parametrize(
    ("streams", "words"),
    [
        (["EncryptionInfo", "EncryptedPackage"], ["password-protected", "remove the password"]),
        (["WordDocument"], ["OLE2 compound file without a workbook", "'WordDocument'"]),
    ],
)
def test_compound_file_directory_is_read(
    tmp_path: Path, streams: list[str], words: list[str]
) -> None:
    path = tmp_path / "book.xls"
    path.write_bytes(compound_file(streams))
    refused(run("analyze", path, "-d", "CN"), "book.xls", *words)


# --- 4. files of a folder that cannot be read ------------------------------------------------


def test_unreadable_files_in_a_folder_do_not_stop_the_run(
    write_csv: Write, write_xlsx: Write, tmp_path: Path
) -> None:
    folder = tmp_path / "boms"
    write_csv("boms/good.csv", GOOD_BOM)
    (folder / "empty.csv").write_bytes(b"")
    whole = write_xlsx("boms/whole.xlsx", {"BOM": GOOD_ROWS}).read_bytes()
    (folder / "cut.xlsx").write_bytes(whole[: len(whole) // 2])
    (folder / "locked.xls").write_bytes(compound_file(["EncryptionInfo", "EncryptedPackage"]))
    (folder / "picture.csv").write_bytes(PNG)
    (folder / "whole.xlsx").unlink()
    res, doc = analyze(folder)
    assert doc is not None and res.exit_code == 3, res.output  # files were not read
    product(doc)
    skipped = {Path(i["file"]).name: i for i in issues(doc, "file-not-read")}
    assert set(skipped) == {"empty.csv", "cut.xlsx", "locked.xls", "picture.csv"}
    assert skipped["empty.csv"]["severity"] == "warning"
    assert "the file is empty" in skipped["empty.csv"]["message"]
    assert "damaged zip file" in skipped["cut.xlsx"]["message"]
    assert "password-protected" in skipped["locked.xls"]["message"]
    assert "PNG image" in skipped["picture.csv"]["message"]
    for name in ("cut.xlsx", "locked.xls", "picture.csv"):
        assert skipped[name]["severity"] == "error"
        assert skipped[name]["message"].startswith(f"File {folder / name} was not read")


def test_truncated_xlsx_named_alone_is_refused(write_xlsx: Write, tmp_path: Path) -> None:
    whole = write_xlsx("whole.xlsx", {"BOM": GOOD_ROWS}).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    refused(run("analyze", cut, "-d", "CN"), "cut.xlsx", "damaged zip file")


def test_file_names_with_odd_characters_are_reported_as_they_are(
    write_csv: Write, tmp_path: Path
) -> None:
    odd = "evil ..\\..\\ ;=HYPERLINK(1) ü 'x'.csv"
    write_csv("boms/good.csv", GOOD_BOM)
    write_csv(f"boms/{odd}", "Level,Part Number,Qty,Unit Cost\n")
    res, doc = analyze(tmp_path / "boms")
    assert doc is not None
    product(doc)
    [note] = issues(doc, "sheet-skipped")
    assert note["file"] == str(tmp_path / "boms" / odd)
    assert odd in note["message"]
    alone = run("analyze", tmp_path / "boms" / odd, "-d", "CN")
    refused(alone, odd)
    assert not list(tmp_path.parent.glob("evil*"))


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("image.png", PNG)
    refused(run("analyze", path, "-d", "CN"), "photos.xlsx", "not a workbook")
