"""Tables that are not BOMs (bomtrace/io/records.py): a producer table's file read like a BOM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bomtrace.errors import FileFormatError
from bomtrace.io.records import WorkbookTooLarge, read_records


def test_text_is_sniffed_and_rows_numbered_as_shown(write_csv: Callable[..., Path]) -> None:
    path = write_csv("plants.txt", "Producer\tOrigin\nFab 1\tUS\n\nFab 2\n", encoding="cp1252")
    got = read_records(path)
    assert got.header == ["Producer", "Origin"]
    assert got.rows == [(2, ["Fab 1", "US"]), (3, ["Fab 2"])]


def test_first_sheet_of_a_workbook(write_xlsx: Callable[..., Path]) -> None:
    rows = [["Producer", "Made With US Equipment", "N"], ["Fab 1", True, 1], [None, None, None],
            ["Fab 2", "no", 1.5]]  # fmt: skip
    path = write_xlsx("plants.xlsx", {"Plants": rows, "Other": [["x"]]})
    got = read_records(path)
    assert got.header == ["Producer", "Made With US Equipment", "N"]
    assert got.rows == [(2, ["Fab 1", "true", "1"]), (4, ["Fab 2", "no", "1.5"])]


def test_a_workbook_over_the_limit_is_refused_unread(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx("plants.xlsx", {"Plants": [["Producer"], ["Fab 1"]]})
    with pytest.raises(WorkbookTooLarge):
        read_records(path, max_workbook_bytes=100)


def test_a_binary_file_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "logo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(FileFormatError) as exc:
        read_records(path)
    assert str(exc.value).startswith("this is a PNG image")  # the caller names the file
