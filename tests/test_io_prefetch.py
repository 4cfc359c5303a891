"""Reading started early on a background thread (bomtrace/io/prefetch.py).

What the background read gives must be exactly what the reader gets by itself; anything that
does not match (a title block above the CSV header, a file changed since, another encoding)
is read again by the reader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bomtrace.cli import cli
from bomtrace.io import prefetch, read_bom
from bomtrace.io.csvfile import read_csv_file
from bomtrace.io.xlsxfile import Workbook

BOM = "Level,Part No.,Qty,Unit Cost,Origin\n0,PH-1,,,\n1,A,2,1.5,US\n1,B,1,4,CN\n"


@pytest.fixture(autouse=True)
def _clean() -> None:
    prefetch.discard()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_csv_body_read_early_is_used_and_equal(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    alone = read_csv_file(path, "bom.csv")
    prefetch.start([path])
    early = prefetch.take_text(path)
    assert early is not None and early.key == (",", "utf-8-sig", 5, 1)
    assert early.table is not None and early.table.num_rows == 3
    # the reader takes the very same parse: hand it back and read with it
    prefetch._pending[prefetch._file_key(path)] = _done(early)  # type: ignore[index,assignment]
    got = read_csv_file(path, "bom.csv")
    assert early.table is None  # handed over
    _same(got.frame, alone.frame)
    assert got.rows.tolist() == alone.rows.tolist() and got.sha256 == alone.sha256


def _done(value: object) -> object:
    from concurrent.futures import Future

    fut: Future[object] = Future()
    fut.set_result(value)
    return fut


def test_csv_with_title_block_is_parsed_again(write_csv: Callable[..., Path]) -> None:
    text = "Exported BOM;;\nPart;Qty;Origin\nA;1;US\nB;2;\n"
    path = write_csv("titled.csv", text)
    alone = read_csv_file(path, "titled.csv", locate=lambda head: 1)
    prefetch.start([path])
    got = read_csv_file(path, "titled.csv", locate=lambda head: 1)
    _same(got.frame, alone.frame)
    assert got.rows.tolist() == [1, 2, 3, 4]


def test_changed_file_is_read_again(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    prefetch.start([path])
    path.write_text(BOM + "1,C,3,2,DE\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert prefetch.take_text(path) is None
    t = read_bom([path])
    assert t.lines["part_number"].tolist() == ["PH-1", "A", "B", "C"]


def test_given_encoding_is_not_second_guessed(write_csv: Callable[..., Path]) -> None:
    path = write_csv("latin.csv", "Part;Qty;Note\nA;1;Größe\n", encoding="cp1252")
    prefetch.start([path], encoding="latin-1")
    early = prefetch.take_text(path)
    assert early is not None and early.text is None and early.table is None
    prefetch.start([path], encoding="latin-1")
    raw = read_csv_file(path, "latin.csv", encoding="latin-1")
    assert raw.frame.iloc[1].tolist() == ["A", "1", "Größe"]


def test_workbook_read_early_equals_read_alone(write_xlsx: Callable[..., Path]) -> None:
    rows = [["Level", "Part", "Qty", "Origin"], [0, "P", None, None], [1, "A", 2, "US"]]
    path = write_xlsx("b.xlsx", {"BOM": rows, "Notes": [["x"]]}, origins={"BOM": "C3"})
    alone = Workbook(path, "b.xlsx", "xlsx")
    prefetch.start([path], sheets=("1",))
    early = prefetch.take_book(path, "xlsx")
    assert early is not None and list(early[1]) == ["BOM"]  # only the sheet asked for
    prefetch._pending[prefetch._file_key(path)] = _done(early)  # type: ignore[index,assignment]
    book = Workbook(path, "b.xlsx", "xlsx")
    for name in ("BOM", "Notes"):  # Notes was not read early: parsed here
        (a, va), (b, vb) = alone.load(name), book.load(name)
        _same(a.frame, b.frame)
        assert (a.columns, a.rows.tolist(), va) == (b.columns, b.rows.tolist(), vb)
    assert book.sha256 == alone.sha256


def test_not_a_workbook_is_reported_by_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    prefetch.start([path])
    res = CliRunner().invoke(cli, ["analyze", str(path)])
    assert res.exit_code != 0 and "broken.xlsx" in res.output


def test_cli_reads_early_and_leaves_nothing_behind(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    res = CliRunner().invoke(cli, ["analyze", str(path), "-d", "CN", "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    assert '"PH-1"' in res.output
    assert not prefetch._pending


def test_waiting_tasks_run_once_when_a_reader_waits(write_csv: Callable[..., Path]) -> None:
    from concurrent.futures import Future

    path = write_csv("bom.csv", BOM)
    ran: list[str] = []

    def boom() -> None:
        ran.append("boom")
        raise RuntimeError("ignored here: the caller repeats it")

    prefetch.while_waiting(lambda: ran.append("a"), boom, lambda: ran.append("b"))
    # a parse already finished: nobody waits, nothing runs
    prefetch._pending[prefetch._file_key(path)] = _done("early")  # type: ignore[index,assignment]
    assert prefetch._take(path) == "early" and ran == []
    # a parse still running: the tasks run (a failing one does not stop the others), once
    pending: Future[object] = Future()
    prefetch._pending[prefetch._file_key(path)] = pending  # type: ignore[index]
    import threading

    threading.Timer(0.2, pending.set_result, ("late",)).start()
    assert prefetch._take(path) == "late"
    assert ran == ["a", "boom", "b"]
    pending2: Future[object] = Future()
    pending2.set_result("again")
    prefetch._pending[prefetch._file_key(path)] = pending2  # type: ignore[index]
    assert prefetch._take(path) == "again" and ran == ["a", "boom", "b"]


def test_discard_drops_waiting_tasks() -> None:
    ran: list[int] = []
    prefetch.while_waiting(lambda: ran.append(1))
    prefetch.discard()
    prefetch._run_waiting_tasks()
    assert ran == []
