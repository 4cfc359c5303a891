"""Reading started early on a background thread (bomtrace/io/options.py ``EarlyReads``,
started by bomtrace/cli/runtime.py).

What the background read gives must be exactly what the reader gets by itself; anything that
does not match (a title block above the CSV header, a file changed since, another encoding)
is read again by the reader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from bomtrace.cli import cli
from bomtrace.cli.runtime import read_early
from bomtrace.io import ReadOptions, read_bom
from bomtrace.io.csv_files import read_csv_file
from bomtrace.io.options import EarlyReads
from bomtrace.io.workbooks import Workbook

BOM = "Level,Part No.,Qty,Unit Cost,Origin\n0,PH-1,,,\n1,A,2,1.5,US\n1,B,1,4,CN\n"


def _start(
    paths: list[Path], sheets: tuple[str, ...] = (), encoding: str | None = None
) -> EarlyReads:
    """Start reading as the CLI does."""
    read = read_early(paths, ReadOptions(sheet=sheets or None, encoding=encoding))
    assert read.early is not None
    return read.early


def _given(path: Path, value: object) -> EarlyReads:
    """Early reads holding ``value`` for ``path``."""
    early = EarlyReads()
    fut = early.expect(path)
    assert fut is not None
    fut.set_result(value)
    return early


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_csv_body_read_early_is_used_and_equal(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    alone = read_csv_file(path, "bom.csv")
    early = _start([path]).take_text(path)
    assert early is not None and early.key == (",", "utf-8-sig", 5, 1)
    assert early.table is not None and early.table.num_rows == 3
    # the reader takes the very same parse: hand it back and read with it
    got = read_csv_file(path, "bom.csv", early=_given(path, early))
    assert early.table is None  # handed over
    _same(got.frame, alone.frame)
    assert got.rows.tolist() == alone.rows.tolist() and got.sha256 == alone.sha256


def test_csv_with_title_block_is_parsed_again(write_csv: Callable[..., Path]) -> None:
    text = "Exported BOM;;\nPart;Qty;Origin\nA;1;US\nB;2;\n"
    path = write_csv("titled.csv", text)
    alone = read_csv_file(path, "titled.csv", locate=lambda head: 1)
    got = read_csv_file(path, "titled.csv", locate=lambda head: 1, early=_start([path]))
    _same(got.frame, alone.frame)
    assert got.rows.tolist() == [1, 2, 3, 4]


def test_changed_file_is_read_again(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    early = _start([path])
    path.write_text(BOM + "1,C,3,2,DE\n", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert early.take_text(path) is None
    t = read_bom([path], ReadOptions(early=_start([path])))
    assert t.lines["part_number"].tolist() == ["PH-1", "A", "B", "C"]


def test_given_encoding_is_not_second_guessed(write_csv: Callable[..., Path]) -> None:
    path = write_csv("latin.csv", "Part;Qty;Note\nA;1;Größe\n", encoding="cp1252")
    early = _start([path], encoding="latin-1").take_text(path)
    assert early is not None and early.text is None and early.table is None
    raw = read_csv_file(
        path, "latin.csv", encoding="latin-1", early=_start([path], encoding="latin-1")
    )
    assert raw.frame.iloc[1].tolist() == ["A", "1", "Größe"]


def test_workbook_read_early_equals_read_alone(write_xlsx: Callable[..., Path]) -> None:
    rows = [["Level", "Part", "Qty", "Origin"], [0, "P", None, None], [1, "A", 2, "US"]]
    path = write_xlsx("b.xlsx", {"BOM": rows, "Notes": [["x"]]}, origins={"BOM": "C3"})
    alone = Workbook(path, "b.xlsx", "xlsx")
    early = _start([path], sheets=("1",)).take_book(path, "xlsx")
    assert early is not None and list(early[1]) == ["BOM"]  # only the sheet asked for
    book = Workbook(path, "b.xlsx", "xlsx", early=_given(path, early))
    for name in ("BOM", "Notes"):  # Notes was not read early: parsed here
        (a, va), (b, vb) = alone.load(name), book.load(name)
        _same(a.frame, b.frame)
        assert (a.columns, a.rows.tolist(), va) == (b.columns, b.rows.tolist(), vb)
    assert book.sha256 == alone.sha256


def test_not_a_workbook_is_reported_by_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert _start([path]).take_book(path, "xlsx") is None
    res = CliRunner().invoke(cli, ["analyze", str(path)])
    assert res.exit_code != 0 and "broken.xlsx" in res.output


def test_cli_reads_early_and_leaves_nothing_behind(write_csv: Callable[..., Path]) -> None:
    path = write_csv("bom.csv", BOM)
    res = CliRunner().invoke(cli, ["analyze", str(path), "-d", "CN", "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    assert '"PH-1"' in res.output


def test_read_bom_drops_what_it_did_not_take(write_csv: Callable[..., Path]) -> None:
    path, other = write_csv("bom.csv", BOM), write_csv("other.csv", BOM)
    early = _start([path, other])
    read_bom([path], ReadOptions(early=early))
    assert early.take_text(other) is None


def test_waiting_tasks_run_once_when_a_reader_waits(write_csv: Callable[..., Path]) -> None:
    from concurrent.futures import Future

    path = write_csv("bom.csv", BOM)
    ran: list[str] = []

    def boom() -> None:
        ran.append("boom")
        raise RuntimeError("ignored here: the caller repeats it")

    early = _given(path, "early")
    early.while_waiting(lambda: ran.append("a"), boom, lambda: ran.append("b"))
    # a parse already finished: nobody waits, nothing runs
    assert early._take(path) == "early" and ran == []
    # a parse still running: the tasks run (a failing one does not stop the others), once
    pending = early.expect(path)
    assert isinstance(pending, Future)
    import threading

    threading.Timer(0.2, pending.set_result, ("late",)).start()
    assert early._take(path) == "late"
    assert ran == ["a", "boom", "b"]
    again = early.expect(path)
    assert again is not None
    again.set_result("again")
    assert early._take(path) == "again" and ran == ["a", "boom", "b"]


def test_discard_drops_waiting_tasks() -> None:
    ran: list[int] = []
    early = EarlyReads()
    early.while_waiting(lambda: ran.append(1))
    early.discard()
    early._run_waiting_tasks()
    assert ran == []
