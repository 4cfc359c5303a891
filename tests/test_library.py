"""The parts library (issue 21): import with history, empty cells keep values, as-of, export
round trip, hostile text read back unchanged, a crash leaves the library as it was, concurrent
imports lose nothing, and the database's name never appears in outputs. Every test that opens
a library runs on SQLite and on PostgreSQL (``library_db`` in conftest.py; the PostgreSQL cases
skip, with the reason, where no server can be had)."""

from __future__ import annotations

import csv
import multiprocessing
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, make_url, select

from bomtrace import api
from bomtrace.cli import cli
from bomtrace.library import importer, open_library
from bomtrace.library.schema import imports, metadata, part_history, parts

HEADER = ["Part Number", "Description", "Unit Cost", "Country of Origin", "ECCN"]
JAN = datetime(2024, 1, 15, 9, 0)
JUN = datetime(2024, 6, 15, 9, 0)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def count(db: str, table: object) -> int:
    engine = open_library(db)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.fixture
def db(library_db: str) -> str:
    return library_db


@pytest.fixture(autouse=True)
def _folder(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()


def test_import_and_reimport_keeps_history(tmp_path: Path, db: str) -> None:
    a = write_csv(tmp_path / "a.csv", [["R1", "Resistor", "0.01", "CN", "EAR99"],
                                       ["U1", "FPGA", "120", "US", "3A001.a.7"]])  # fmt: skip
    r = api.library_import([a], db=db, now=JAN)
    assert (len(r.parts_added), len(r.parts_changed)) == (2, 0)
    assert all(c.old is None for c in r.changes)
    b = write_csv(tmp_path / "b.csv", [["R1", "Resistor", "0.02", "", ""],
                                       ["U1", "", "", "", ""]])  # fmt: skip
    r = api.library_import([b], db=db, now=JUN)
    assert (len(r.parts_added), r.parts_changed) == (0, ["R1"])
    (c,) = r.changes
    assert (c.part_number, c.field, c.old, c.new) == ("R1", "unit_cost", 0.01, 0.02)
    assert (c.file, c.sheet, c.row, c.changed_at) == (str(b), None, 2, JUN)
    # empty cells kept the library's values
    now = api.library_show("R1", db=db)
    assert now.values == {"description": "Resistor", "unit_cost": 0.02,
                          "country_of_origin": "CN", "eccn": "EAR99"}  # fmt: skip
    assert api.library_show("U1", db=db).values["eccn"] == "3A001.a.7"
    # as of a date: before the change, after it, before the part was known
    assert api.library_show("R1", db=db, as_of=date(2024, 3, 1)).values["unit_cost"] == 0.01
    assert api.library_show("R1", db=db, as_of="2024-06-15").values["unit_cost"] == 0.02
    before = api.library_show("R1", db=db, as_of="2024-03-01")
    assert [h.new for h in before.history if h.field == "unit_cost"] == [0.01]
    with pytest.raises(Exception, match="not in the parts library on 2023-12-31"):
        api.library_show("R1", db=db, as_of="2023-12-31")
    assert count(db, part_history) == 9 and count(db, imports) == 2


def test_conflicting_lines_are_positioned_issues(tmp_path: Path, db: str) -> None:
    a = write_csv(tmp_path / "a.csv", [["R1", "Resistor", "0.01", "CN", ""],
                                       ["R1", "Resistor", "0.03", "", ""]])  # fmt: skip
    r = api.library_import([a], db=db)
    assert api.library_show("R1", db=db).values["unit_cost"] == 0.01
    (i,) = [i for i in r.issues if i.code == "attribute-conflict"]
    assert (i.file, i.row, i.part_number) == (str(a), 3, "R1")


HOSTILE = [
    "'; DROP TABLE parts;--",
    'say "hi"; it\'s fine',
    "a;b;c",
    '=HYPERLINK("http://x")',
    "Ω≈ç√ junk \x01\x7f",
]


def test_hostile_text_reads_back_unchanged(tmp_path: Path, db: str) -> None:
    rows = [[f"PN{i}{t}", t, "1", "DE", ""] for i, t in enumerate(HOSTILE)]
    rows.append(["'; DROP TABLE parts;--", "'; DROP TABLE parts;--", "2", "DE", ""])
    api.library_import([write_csv(tmp_path / "h.csv", rows)], db=db)
    for i, t in enumerate(HOSTILE):
        got = api.library_show(f"PN{i}{t}", db=db)
        assert got.values["description"] == t.strip()
    assert api.library_show("'; DROP TABLE parts;--", db=db).values["unit_cost"] == 2.0
    assert count(db, parts) == len(HOSTILE) + 1


def test_export_round_trip(tmp_path: Path, db: str, library_db_factory: Callable[[], str]) -> None:
    a = write_csv(tmp_path / "a.csv", [["R1", 'Res "0402"; 1%', "0.01", "CN", "EAR99"],
                                       ["U1", "FPGA", "120", "US", "3A001.a.7"],
                                       ["C1", "=1+1", "", "JP", ""]])  # fmt: skip
    api.library_import([a], db=db)
    first = api.library_export(db=db).frame
    runner = CliRunner()
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"parts.{suffix}"
        res = runner.invoke(cli, ["library", "export", "--db", db, "-o", str(out)])
        assert res.exit_code == 0, res.output
        other = library_db_factory()
        api.library_import([out], db=other)
        back = api.library_export(db=other).frame
        if suffix == "csv":  # the csv keeps text inert: a leading ' that reads back as written
            back.loc[back.part_number == "C1", "description"] = "=1+1"
        assert back.equals(first), (suffix, back, first)


def test_crash_mid_import_leaves_library_as_it_was(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.library_import([write_csv(tmp_path / "a.csv", [["R1", "Res", "1", "CN", ""]])], db=db)
    before = api.library_export(db=db).frame

    def boom(*args: object) -> None:
        raise RuntimeError("killed mid-import")

    monkeypatch.setattr(importer, "_write_history", boom)
    b = write_csv(tmp_path / "b.csv", [["R1", "Res", "2", "CN", ""], ["R2", "X", "3", "", ""]])
    with pytest.raises(RuntimeError, match="killed"):
        api.library_import([b], db=db)
    assert api.library_export(db=db).frame.equals(before)
    assert count(db, imports) == 1 and count(db, part_history) == 3


def _import_worker(args: tuple[str, str]) -> int:
    path, db = args
    return api.library_import([path], db=db).import_id


def test_concurrent_imports_lose_nothing(tmp_path: Path, db: str) -> None:
    open_library(db).dispose()  # created (migrated) once, then written at once
    files = []
    for k in range(4):
        rows = [[f"P{k}-{i}", f"part {i}", str(k + 1), "DE", ""] for i in range(200)]
        rows += [["SHARED", "shared", str(k + 1), "DE", ""]]
        files.append(str(write_csv(tmp_path / f"f{k}.csv", rows)))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        ids = pool.map(_import_worker, [(f, str(db)) for f in files])
    # ids are distinct; on PostgreSQL a retried import leaves a gap in the sequence
    assert len(set(ids)) == 4 and count(db, imports) == 4
    assert count(db, parts) == 4 * 200 + 1
    shared = api.library_show("SHARED", db=db).history
    # every import saw the one before it: the cost history is one chain
    costs = [h for h in shared if h.field == "unit_cost"]
    assert len(costs) == 4
    assert [h.old for h in costs[1:]] == [h.new for h in costs[:-1]]
    assert_snapshot_is_parts(db)


def _with_password(db: str) -> tuple[str, list[str]]:
    """``db`` and the strings naming it that no output may hold: a SQLite file's path and
    name; a URL (given a password if it has none: the test server trusts local users, so it
    is not checked) with its password, database name and host."""
    if "://" not in db:
        return db, [db, Path(db).name]
    url = make_url(db)
    if not url.password:
        url = url.set(password="s3cret-pa55")
    secrets = [str(url.password), str(url.database)]
    secrets += [str(h) for h in (url.host, url.query.get("host")) if h]
    return url.render_as_string(hide_password=False), secrets


def test_database_name_never_in_outputs(tmp_path: Path, db: str) -> None:
    db, secrets = _with_password(db)
    a = write_csv(tmp_path / "a.csv", [["R1", "Res", "1", "CN", ""]])
    runner = CliRunner()
    outs = [
        runner.invoke(cli, ["library", "import", str(a), "--db", db]),
        runner.invoke(cli, ["library", "import", str(a), "--db", db, "--format", "json"]),
        runner.invoke(cli, ["library", "show", "R1", "--db", db]),
        runner.invoke(cli, ["library", "show", "R1", "--db", db, "--format", "json"]),
        runner.invoke(cli, ["library", "show", "NOPE", "--db", db]),
        runner.invoke(cli, ["library", "show", "R1"], env={"BOMTRACE_DB": db}),
        runner.invoke(cli, ["library", "export", "--db", db, "-o", str(tmp_path / "e.json")]),
        runner.invoke(cli, ["library", "show", "R1", "--db", "postgresql://u:secret@nohost:1/x"]),
    ]
    assert [r.exit_code for r in outs] == [0, 0, 0, 0, 2, 0, 0, 2]
    texts = [r.output for r in outs] + [(tmp_path / "e.json").read_text(encoding="utf-8")]
    for text in texts:
        assert db not in text
        for s in [*secrets, "secret", "nohost"]:
            assert s not in text, s
    res = runner.invoke(cli, ["library", "show", "R1"], env={"BOMTRACE_DB": ""})
    assert res.exit_code == 2 and "--db" in res.output


def test_migrations_match_the_schema(db: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = open_library(db)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_concurrent_imports_into_a_new_library(tmp_path: Path, db: str) -> None:
    rows = [[[f"N{k}-{i}", "x", "1", "DE", ""] for i in range(50)] for k in range(3)]
    files = [str(write_csv(tmp_path / f"n{k}.csv", r)) for k, r in enumerate(rows)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        ids = pool.map(_import_worker, [(f, str(db)) for f in files])
    assert sorted(ids) == [1, 2, 3]
    assert count(db, parts) == 150
    assert_snapshot_is_parts(db)


def assert_snapshot_is_parts(db: str) -> None:
    """A snapshot that says it is of the library's state (after imports at once) holds the
    ``parts`` table's values; one that does not is not used."""
    from sqlalchemy import select

    from bomtrace.library.schema import PART_FIELDS
    from bomtrace.library.snapshot import read_snapshot

    engine = open_library(db)
    try:
        with engine.connect() as conn:
            frame = read_snapshot(conn)
            rows = {r.part_number: r for r in conn.execute(select(parts))}
    finally:
        engine.dispose()
    if frame is None:  # stale: on SQLite imports are one after the other, so never
        assert "://" in db
        return
    assert sorted(frame["part_number"].tolist()) == sorted(rows)
    for f in PART_FIELDS:
        if f not in frame.columns:
            assert all(getattr(r, f) is None for r in rows.values()), f
            continue
        got = dict(zip(frame["part_number"].tolist(), frame[f].tolist(), strict=True))
        for pn, r in rows.items():
            v = got[pn]
            assert (None if v is None or v != v else v) == getattr(r, f), (pn, f)


def test_the_other_commands_do_not_import_the_database_layer() -> None:
    """SQLAlchemy and Alembic cost a tenth of a second to import: only library verbs pay it."""
    import subprocess
    import sys

    code = "import sys, bomtrace.api, bomtrace.cli; print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_plain_postgresql_url_gets_the_installed_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    from bomtrace.errors import UsageError
    from bomtrace.library import db as dbmod

    pytest.importorskip("psycopg")
    assert dbmod.library_url("postgresql://u@h/lib").drivername == "postgresql+psycopg"
    assert dbmod.library_url("postgresql://u@/lib?host=/tmp/x").query == {"host": "/tmp/x"}
    for named in ("postgresql+psycopg2://u@h/lib", "sqlite:///lib.db"):
        assert dbmod.library_url(named).drivername == named.split(":")[0]
    monkeypatch.setattr(dbmod, "_importable", lambda module: False)
    with pytest.raises(UsageError) as e:
        dbmod.open_library("postgresql://u:s3cret@dbhost/lib")
    msg = str(e.value)
    assert "pip install 'bomtrace[postgresql]'" in msg
    assert "s3cret" not in msg and "dbhost" not in msg


def test_an_import_colliding_on_a_new_part_is_retried(
    tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another transaction adds part X while an import that adds X too runs: on PostgreSQL the
    import's insert waits, fails on the primary key when the other commits, and the import is
    run again (it then finds X); on SQLite the import waits for the writer. Either way X has
    both values and a history chain."""
    import threading
    import time

    from sqlalchemy import insert

    from bomtrace.io import ReadOptions, read_bom

    engine = open_library(db)
    tries: list[int] = []
    once = importer._import_once

    def counted(*args: object) -> object:
        tries.append(1)
        return once(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "_import_once", counted)
    f = write_csv(tmp_path / "x.csv", [["X", "", "5", "", ""], ["Y", "y", "1", "", ""]])
    table = read_bom([f], ReadOptions().with_(parts_only=True))
    got: list[object] = []
    try:
        with engine.begin() as conn:
            conn.execute(insert(parts).values(part_number="X", description="first", updated_at=JAN))
            t = threading.Thread(target=lambda: got.append(importer.import_table(engine, table)))
            t.start()
            time.sleep(1.0)  # the import is now waiting for this transaction
        t.join(60)
        assert not t.is_alive()
    finally:
        engine.dispose()
    (r,) = got
    assert r.parts_added == ["Y"] and r.parts_changed == ["X"]  # type: ignore[attr-defined]
    x = api.library_show("X", db=db)
    assert x.values == {"description": "first", "unit_cost": 5.0}
    assert len(tries) == (2 if db.startswith("postgresql") else 1)


def _barrier_init(barrier: object) -> None:
    global _BARRIER
    _BARRIER = barrier


_BARRIER: object = None


def _import_at_once(args: tuple[str, str]) -> list[str]:
    path, db = args
    _BARRIER.wait()  # type: ignore[attr-defined]
    return api.library_import([path], db=db).parts_added


def test_concurrent_imports_of_the_same_new_parts_lose_nothing(tmp_path: Path, db: str) -> None:
    """Four processes add the same 100 new parts at the same moment, each with another field:
    every part is added once, has every field, and one history row per field."""
    open_library(db).dispose()
    fields = [("Description", "d"), ("Unit Cost", "7"), ("Country of Origin", "JP"),
              ("ECCN", "5A992.c")]  # fmt: skip
    files = []
    for k, (header, value) in enumerate(fields):
        rows = [[f"NEW-{i:03d}", value] for i in range(100)]
        files.append(str(write_csv(tmp_path / f"s{k}.csv", rows, ["Part Number", header])))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(files))
    with ctx.Pool(len(files), initializer=_barrier_init, initargs=(barrier,)) as pool:
        added = pool.map(_import_at_once, [(f, db) for f in files])
    assert sorted(pn for a in added for pn in a) == [f"NEW-{i:03d}" for i in range(100)]
    assert count(db, parts) == 100 and count(db, imports) == 4
    assert count(db, part_history) == 4 * 100
    for pn in ("NEW-000", "NEW-057", "NEW-099"):
        got = api.library_show(pn, db=db)
        assert got.values == {"description": "d", "unit_cost": 7.0,
                              "country_of_origin": "JP", "eccn": "5A992.c"}  # fmt: skip
        assert sorted(h.field for h in got.history) == sorted(got.values)
        assert all(h.old is None for h in got.history)


def request_sheet(tmp_path: Path, lines: str, *, mpn: bool = False) -> Path:
    """The workbook ``suppliers --request-sheet`` writes for a BOM of these ``lines`` (Level,
    Part Number, Description, Qty, Unit Cost, Country of Origin, ECCN, Supplier[, MPN])."""
    bom = tmp_path / "bom.csv"
    head = "Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN,Supplier"
    bom.write_text(head + (",MPN\n" if mpn else "\n") + lines, encoding="utf-8")
    req = tmp_path / "requests.xlsx"
    res = CliRunner().invoke(cli, ["suppliers", str(bom), "-d", "CN", "--request-sheet", str(req)])
    assert res.exit_code in (0, 1) and req.exists(), res.output  # 1: missing data flagged
    return req


def test_a_filled_in_request_sheet_imports(tmp_path: Path, db: str) -> None:
    """The workbook ``suppliers --request-sheet`` writes, filled in by the suppliers (answers in
    'Your answer'; one adds a 'US content' column): each answer lands on its part and field,
    converted as the readers convert it, with the answer's sheet and row."""
    from openpyxl import load_workbook

    req = request_sheet(
        tmp_path,
        "0,RTR-100,Router,1,,CN,5A991,\n"
        "1,IC-FPGA-7,FPGA,1,100,US,,Acme Inc\n"
        "1,PWR-REG-3,Regulator,2,3,,EAR99,Acme Inc\n"
        "1,CON-0042,Connector,4,1,,,Beta Ltd\n",
    )
    answers = {
        ("IC-FPGA-7", "eccn"): "3a001.a.7",
        ("PWR-REG-3", "country_of_origin"): "Malaysia",
        ("CON-0042", "country_of_origin"): "TW",
        ("CON-0042", "eccn"): "EAR99",
        ("CON-0042", "us_technology_eccns"): "none",
        ("CON-0042", "made_with_us_equipment"): "no",
    }
    wb = load_workbook(req)
    where: dict[tuple[str, str], tuple[str, int | None]] = {}
    for ws in wb.worksheets:
        assert [c.value for c in ws[5]][4:7] == ["Fact", "Question", "Your answer"]
        for row in ws.iter_rows(min_row=6):
            key = (str(row[0].value), str(row[4].value))
            if key in answers:
                row[6].value = answers[key]
                where[key] = (ws.title, row[0].row)
    assert set(where) == set(answers)  # every fact was asked
    beta = wb["Beta Ltd"]
    beta["H5"] = "US content"
    beta["H6"] = "12%"
    answered = tmp_path / "answered.xlsx"
    wb.save(answered)

    res = CliRunner().invoke(cli, ["library", "import", str(answered), "--db", db])
    assert res.exit_code == 0, res.output
    want = {
        "IC-FPGA-7": {"description": "FPGA", "eccn": "3A001.a.7"},
        "PWR-REG-3": {"description": "Regulator", "country_of_origin": "MY"},
        "CON-0042": {"description": "Connector", "country_of_origin": "TW", "eccn": "EAR99",
                     "us_technology_eccns": "none", "made_with_us_equipment": False,
                     "us_content_pct": 0.12},
    }  # fmt: skip
    for pn, values in want.items():
        got = api.library_show(pn, db=db)
        assert got.values == values, pn
        for h in got.history:
            assert h.file == str(answered)
            if (pn, h.field) in where:
                assert (h.sheet, h.row) == where[pn, h.field], (pn, h.field)
    us = [h for h in api.library_show("CON-0042", db=db).history if h.field == "us_content_pct"]
    assert [(h.sheet, h.row) for h in us] == [("Beta Ltd", 6)]


@pytest.mark.parametrize("mpn", [False, True])
def test_a_request_sheet_of_short_part_numbers_imports_to_those_parts(
    tmp_path: Path, db: str, mpn: bool
) -> None:
    """Part numbers such as U1, R1, C12 look like reference designators; a request sheet's
    "Part Number" column holds them, with or without MPNs beside them: every answer lands on
    its part (they were once read as '(no part number) Cap' and the answers lost), and the
    import says nothing of the sheet's structure, quantities or own columns."""
    from openpyxl import load_workbook

    lines = ("0,P1,Router,1,,CN,5A991,\n1,U1,FPGA,1,100,US,,Acme Inc\n"
             "1,R1,Connector,4,1,,,Beta Ltd\n1,C12,Cap,4,1,,,Beta Ltd\n")  # fmt: skip
    if mpn:  # the request sheet's MPN column filled from the BOM's
        lines = lines.replace("Inc\n", "Inc,XC7A\n").replace("Ltd\n", "Ltd,RC06\n")
        lines = lines.replace("5A991,\n", "5A991,,\n")
    req = request_sheet(tmp_path, lines, mpn=mpn)
    wb = load_workbook(req)
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=6):
            row[6].value = {"eccn": "EAR99", "country_of_origin": "JP"}.get(str(row[4].value))
    wb.save(req)
    r = api.library_import([req], db=db)
    for pn in ("U1", "R1", "C12"):
        assert api.library_show(pn, db=db).values.get("eccn") == "EAR99", pn
    for pn in ("R1", "C12"):
        assert api.library_show(pn, db=db).values.get("country_of_origin") == "JP", pn
    assert sorted(r.parts_added) == ["C12", "R1", "U1"]
    assert r.issues == []


def test_an_answer_that_is_no_value_of_its_field_is_an_issue(tmp_path: Path, db: str) -> None:
    rows = [["AB-1", "bracket", "made_with_us_equipment", "maybe"],
            ["AB-1", "bracket", "us_content_pct", "12 %"],
            ["AB-1", "bracket", "designed_by", "Acme"],
            ["AB-1", "bracket", "not_a_field", "x"]]  # fmt: skip
    f = write_csv(tmp_path / "answers.csv", rows, ["Part Number", "Description", "Fact",
                                                   "Your answer"])  # fmt: skip
    r = api.library_import([f], db=db)
    assert api.library_show("AB-1", db=db).values == {
        "description": "bracket", "us_content_pct": 0.12, "designed_by": "Acme"}  # fmt: skip
    (bad,) = [i for i in r.issues if i.code == "bad-flag"]
    assert (bad.file, bad.row, bad.part_number) == (str(f), 2, "AB-1")
