"""``analyze --db`` and the run records (issue 21), on SQLite and PostgreSQL: the library
fills what the BOM leaves empty and says where each value came from; a BOM value the library
has otherwise is a positioned issue and the BOM's value is used; every run is stored and
``show`` re-renders it byte for byte; ``history`` lists a product's verdicts and what changed;
``library impact`` re-analyses the stored BOMs under a classification change and never
guesses for a BOM whose files changed."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from bomtrace import api
from bomtrace.cli import cli
from bomtrace.errors import UsageError

DAY = date(2020, 8, 17)
BOM = [
    ["Level", "Part Number", "Description", "Qty", "Unit Cost", "Country of Origin", "ECCN",
     "Selling Price"],
    ["0", "PROD-1", "Router", "1", "", "CN", "", "100"],
    ["1", "U1", "FPGA", "1", "30", "US", "", ""],
    ["1", "U2", "DSP", "1", "10", "USA", "5A992", ""],
    ["1", "R1", "Resistor", "10", "", "", "EAR99", ""],
]  # fmt: skip
LIB = [
    ["Part Number", "ECCN", "Country of Origin", "Unit Cost", "Description"],
    ["U1", "3A001.a.7", "US", "99", "FPGA"],
    ["U2", "3A991", "United States", "", "dsp "],
    ["R1", "EAR99", "JP", "0.1", "Resistor"],
]  # fmt: skip


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture
def store(library_db: str, tmp_path: Path) -> str:
    """A parts library holding LIB, on each backend (SQLite; PostgreSQL where a server can be
    had, see tests/conftest.py)."""
    api.library_import([write(tmp_path / "lib.csv", LIB)], db=library_db)
    return library_db


@pytest.fixture
def bom(tmp_path: Path) -> Path:
    return write(tmp_path / "bom.csv", BOM)


def test_library_fills_gaps_with_their_source(bom: Path, store: str) -> None:
    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    lib = r.to_dict()["library"]
    got = {(e["part_number"], e["field"]): e for e in lib["filled"]}
    assert set(got) == {("U1", "eccn"), ("R1", "unit_cost"), ("R1", "country_of_origin")}
    assert got[("U1", "eccn")]["value"] == "3A001.a.7"
    assert Path(got[("U1", "eccn")]["source"]["file"]).name == "lib.csv"
    assert got[("U1", "eccn")]["source"]["row"] == 2
    assert got[("R1", "country_of_origin")]["source"]["row"] == 4
    assert (lib["parts_known"], lib["parts_filled"], lib["values_filled"]) == (3, 2, 3)
    codes = {(i.code, i.part_number) for i in r.issues}
    # filled before the build's checks: no "missing" issue for a value the library gave
    assert ("missing-eccn", "U1") not in codes
    assert ("missing-price", "R1") not in codes and ("unknown-origin", "R1") not in codes
    # U1 (3A001.a.7, NS 2) is now controlled for China: 30 / 100
    cn = r.product("PROD-1").destination("CN")
    assert (cn.ratio, cn.verdict) == (pytest.approx(0.3), "subject")
    assert r.run_id == 1


def test_bom_value_wins_and_disagreement_is_positioned(bom: Path, store: str) -> None:
    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    dis = [i for i in r.issues if i.code == "library-disagrees"]
    # U2: 5A992 in the BOM, 3A991 in the library; the unit cost U1 30 vs 99 too. The origin
    # USA vs United States and the description "DSP" vs "dsp " are the same values.
    assert sorted((i.part_number, i.data["field"]) for i in dis) == [("U1", "unit_cost"),
                                                                     ("U2", "eccn")]  # fmt: skip
    u2 = next(i for i in dis if i.part_number == "U2")
    assert (Path(str(u2.file)).name, u2.row, u2.column) == ("bom.csv", 4, "G")
    assert "3A991" in u2.message and "lib.csv" in u2.message
    assert r.to_dict()["library"]["disagreements"] == 2
    # the BOM's cost is used: 30 + 10 + 10 x 0.1
    assert r.product("PROD-1").total_cost == pytest.approx(41.0)


def test_without_db_nothing_changes(bom: Path) -> None:
    r = api.analyze(bom, destinations=["CN"], as_of=DAY)
    assert "library" not in r.to_dict() and r.run_id is None
    assert any(i.code == "missing-eccn" for i in r.issues)


def test_what_if_wins_over_the_library(bom: Path, store: str) -> None:
    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store, what_if=["U1:eccn=EAR99"])
    assert r.product("PROD-1").destination("CN").verdict == "not-subject"


def test_show_re_renders_the_stored_run_byte_for_byte(
    bom: Path, store: str, tmp_path: Path
) -> None:
    run = CliRunner().invoke(
        cli,
        [
            "analyze",
            str(bom),
            "-d",
            "CN",
            "--as-of",
            "2020-08-17",
            "--db",
            store,
            "--format",
            "json",
        ],  # fmt: skip
    )
    assert run.exit_code == 1, run.output
    shown = CliRunner().invoke(cli, ["show", "1", "--db", store, "--format", "json"])
    assert shown.exit_code == 1
    assert shown.stdout_bytes == run.stdout_bytes
    assert "Stored as run 1" in run.stderr
    for fmt in ("table", "csv", "html"):
        out = CliRunner().invoke(cli, ["show", "1", "--db", store, "--format", fmt])
        assert out.exit_code == 1 and "PROD-1" in out.stdout, fmt
    xlsx = tmp_path / "run1.xlsx"
    out = CliRunner().invoke(cli, ["show", "1", "--db", store, "--format", "xlsx", "-o", str(xlsx)])
    assert out.exit_code == 1 and xlsx.stat().st_size > 0
    assert store not in run.output + run.stderr + shown.output
    missing = CliRunner().invoke(cli, ["show", "9", "--db", store])
    assert missing.exit_code == 2 and "No run 9" in missing.output


def test_no_record_fills_but_stores_nothing(bom: Path, store: str) -> None:
    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store, record=False)
    assert r.run_id is None and r.to_dict()["library"]["values_filled"] == 3
    with pytest.raises(UsageError):
        api.history("PROD-1", db=store)


def test_history_lists_verdicts_and_what_changed(bom: Path, store: str, tmp_path: Path) -> None:
    api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    rows = [r[:] for r in BOM]
    rows[2][6] = "EAR99"  # U1 classified EAR99 in the BOM: no longer controlled for China
    write(bom, rows)
    api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    api.analyze(bom, destinations=["CN"], as_of=date(2024, 1, 2), db=store)
    h = api.history("PROD-1", db=store).to_dict()
    assert [r["run_id"] for r in h["runs"]] == [1, 2, 3]
    assert [r["results"][0]["verdict"] for r in h["runs"]] == ["subject", "not-subject",
                                                               "not-subject"]  # fmt: skip
    assert h["runs"][1]["verdict_changes"] == [
        {"destination": "CN", "before": "subject", "after": "not-subject"}
    ]
    assert any("input files changed" in c for c in h["runs"][1]["changed"])
    assert any("rules of 2020-08-17 -> 2024-01-02" in c for c in h["runs"][2]["changed"])
    text = CliRunner().invoke(cli, ["history", "PROD-1", "--db", store])
    assert text.exit_code == 0 and "subject -> not-subject" in text.output
    with pytest.raises(UsageError):  # no run had IR
        api.history("PROD-1", db=store, destinations=["IR"])
    assert len(api.history("PROD-1", db=store, destinations=["cn"]).entries) == 3


def test_history_of_an_unknown_product_is_a_usage_error(store: str) -> None:
    out = CliRunner().invoke(cli, ["history", "NOPE", "--db", store])
    assert out.exit_code == 2 and "No stored run has the product NOPE" in out.output


def test_impact_moves_verdicts_and_refuses_stale_records(bom: Path, store: str,
                                                         tmp_path: Path) -> None:  # fmt: skip
    api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    other = write(tmp_path / "other.csv", [r[:] for r in BOM])
    api.analyze(other, destinations=["CN"], as_of=DAY, db=store)
    r = api.library_impact("U1", set_values=["eccn=EAR99"], db=store).to_dict()
    assert r["products_checked"] == 2 and r["products_moved"] == 2
    assert [p["stored_differs"] for p in r["products"]] == [[], []]  # today's = the stored
    moved = r["products"][0]["verdict_changes"][0]
    assert (moved["country"], moved["verdict_from"], moved["verdict_to"]) == (
        "CN", "subject", "not-subject")  # fmt: skip
    write(other, [*BOM, ["1", "C1", "Cap", "1", "0.01", "JP", "EAR99", ""]])  # changed since
    r = api.library_impact("U1", set_values=["eccn=EAR99"], db=store).to_dict()
    assert r["products_checked"] == 1
    assert [s["reason"] for s in r["not_evaluated"]] == ["an input file changed since the run"]
    other.unlink()
    r = api.library_impact("U1", set_values=["eccn=EAR99"], db=store).to_dict()
    assert [s["reason"] for s in r["not_evaluated"]] == ["an input file is gone"]
    cli_out = CliRunner().invoke(cli, ["library", "impact", "U1", "--set", "eccn=EAR99",
                                       "--db", store])  # fmt: skip
    assert cli_out.exit_code == 1 and "subject (30.00%) -> not-subject" in cli_out.output
    same = CliRunner().invoke(cli, ["library", "impact", "U1", "--set", "eccn=3A001.a.7",
                                    "--db", store])  # fmt: skip
    assert same.exit_code == 0 and "no verdict moves" in same.output
    bad = CliRunner().invoke(cli, ["library", "impact", "U1", "--set", "eccn=banana",
                                   "--db", store])  # fmt: skip
    assert bad.exit_code == 2 and "not an ECCN" in bad.output


def test_impact_says_when_today_is_not_what_the_run_stored(
    bom: Path, store: str, tmp_path: Path
) -> None:
    """The library changed since the run: "before" is today's analysis, and where its verdict
    is not the stored one the impact says so, so the stored verdict is never taken for it."""
    api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)  # U1 3A001.a.7: subject
    fix = write(tmp_path / "fix.csv", [["Part Number", "ECCN"], ["U1", "EAR99"]])
    api.library_import([fix], db=store)
    r = api.library_impact("U1", set_values=["eccn=EAR99"], db=store).to_dict()
    (p,) = r["products"]
    assert p["stored_differs"] == [{"country": "CN", "stored": "subject", "today": "not-subject"}]
    assert p["verdict_changes"] == []  # already EAR99 today: the change moves nothing
    out = CliRunner().invoke(cli, ["library", "impact", "U1", "--set", "eccn=EAR99", "--db", store])
    assert "CN: the run stored subject; analysed today it is not-subject" in out.output


def test_stored_document_and_rows(bom: Path, store: str) -> None:
    from sqlalchemy import select

    from bomtrace.library import open_library
    from bomtrace.library.schema import run_results, runs

    r = api.analyze(bom, destinations=["CN", "IR"], as_of=DAY, db=store)
    engine = open_library(store)
    try:
        with engine.connect() as conn:
            run = conn.execute(select(runs)).one()
            rows = conn.execute(select(run_results).order_by(run_results.c.destination)).all()
    finally:
        engine.dispose()
    assert run.exit_code == 1 and run.ruleset_as_of == "2020-08-17"
    assert json.loads(run.inputs)[0]["sha256"] == r.inputs[0]["sha256"]
    assert json.loads(run.library)["values_filled"] == 3
    assert [(x.destination, x.verdict) for x in rows] == [("CN", "subject"), ("IR", "subject")]
    assert json.loads(rows[0].top_parts)[0] == "U1"


def test_portfolio_with_db_fills_and_stores_each_file(
    bom: Path, store: str, tmp_path: Path
) -> None:
    other = write(tmp_path / "other.csv", [r[:] for r in BOM])
    r = api.portfolio([bom, other], destinations=["CN"], as_of=DAY, workers=2, db=store)
    files = r.to_dict()["files"]
    assert sorted(f["run_id"] for f in files) == [1, 2]
    # each file's analysis was filled from the library: U1's ECCN makes PROD-1 subject
    assert [h.results[0]["verdict"] for h in api.history("PROD-1", db=store).entries] == [
        "subject",
        "subject",
    ]
    shown = api.show(files[0]["run_id"], db=store).to_dict()
    assert shown["library"]["values_filled"] == 3


def test_runs_stored_with_zlib_before_still_show_and_count(bom: Path, store: str) -> None:
    """Runs stored before Zstandard was used (zlib blobs) are read as they are."""
    import zlib

    from sqlalchemy import select, update

    from bomtrace.library import open_library
    from bomtrace.library.runs import unpack
    from bomtrace.library.schema import runs

    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store)
    assert r.run_id is not None
    engine = open_library(store)
    try:
        with engine.begin() as conn:
            doc, pns = conn.execute(select(runs.c.document, runs.c.part_numbers)).one()
            assert doc[:4] == b"BTZ1"  # this pyarrow has Zstandard
            old = {"document": unpack(doc), "part_numbers": unpack(pns)}
            old = {k: zlib.compress(v) for k, v in old.items()}
            conn.execute(update(runs).where(runs.c.id == r.run_id).values(**old))
    finally:
        engine.dispose()
    shown = api.show(r.run_id, db=store).to_dict()
    assert shown == json.loads(r.to_json())
    impact = api.library_impact("U1", set_values=["eccn=EAR99"], db=store).to_dict()
    assert [p["product"] for p in impact["products"]] == ["PROD-1"]


def test_reports_show_the_library_block(bom: Path, store: str, tmp_path: Path) -> None:
    import openpyxl

    from bomtrace.report.formats import write

    r = api.analyze(bom, destinations=["CN"], as_of=DAY, db=store, record=False)
    xlsx = tmp_path / "r.xlsx"
    write("analyze", "xlsx", r, xlsx)
    ws = openpyxl.load_workbook(xlsx)["Parts library"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert any(row[:3] == ["U1", "eccn", "3A001.a.7"] for row in rows)
    html = write("analyze", "html", r, None)
    assert isinstance(html, str) and "<h3>Parts library</h3>" in html and "3A001.a.7" in html
    plain = api.analyze(bom, destinations=["CN"], as_of=DAY)
    assert "Parts library" not in openpyxl_sheetnames(plain, tmp_path)


def openpyxl_sheetnames(result: object, tmp_path: Path) -> list[str]:
    import openpyxl

    from bomtrace.report.formats import write

    out = tmp_path / "plain.xlsx"
    write("analyze", "xlsx", result, out)
    return list(openpyxl.load_workbook(out).sheetnames)


def test_snapshot_path_gives_the_same_document(
    bom: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large BOM reads the library's Arrow snapshot (here: every BOM, by lowering the
    threshold); the document is the one the row-by-row read gives, sources included. A
    snapshot that is not of the library's state (a part added behind bomtrace's back) is not
    used."""
    from sqlalchemy import insert

    from bomtrace.library import fill, open_library, snapshot
    from bomtrace.library.schema import parts

    def doc(**kw: object) -> dict[str, object]:
        return api.analyze(bom, destinations=["CN"], as_of=DAY, db=store, record=False).to_dict()

    plain = doc()
    used: list[bool] = []
    real = snapshot.read_snapshot

    def counted(conn: object) -> object:
        used.append(True)
        return real(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(fill, "read_snapshot", counted)
    monkeypatch.setattr(fill, "SCAN_FROM", 1)
    assert doc() == plain and used == [True]
    engine = open_library(store)
    try:
        with engine.begin() as conn:
            conn.execute(insert(parts).values(part_number="ZZ-HAND", eccn="EAR99"))
            assert snapshot.read_snapshot(conn) is None  # stale: 4 parts, the snapshot has 3
    finally:
        engine.dispose()
    assert doc() == plain


def _read_snapshot(store: str) -> pd.DataFrame:
    """The library's snapshot as analyze --db reads it (it must be of the library's state)."""
    from bomtrace.library import open_library, snapshot

    engine = open_library(store)
    try:
        with engine.connect() as conn:
            frame = snapshot.read_snapshot(conn)
    finally:
        engine.dispose()
    assert frame is not None
    return frame


def test_snapshot_of_repeated_values_gives_the_same_document(
    library_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts of few distinct values are dictionary-encoded in the snapshot and read as
    categoricals (compared and tested for presence by their codes): the document, filled
    values, their sources and every disagreement, is the one the row-by-row read gives."""
    from bomtrace.library import fill

    eccns, origins = ["EAR99", "5A992", "3A991", ""], ["US", "JP", "CN"]
    lib = [["Part Number", "ECCN", "Country of Origin", "Unit Cost", "Description", "UOM"]]
    lib += [
        [f"P{i}", eccns[i % 4], origins[i % 3], str(1 + i % 5), f"part {i}", "EA" if i % 7 else ""]
        for i in range(40)
    ]
    api.library_import([write(tmp_path / "lib.csv", lib)], db=library_db)
    bom = [["Level", "Part Number", "Qty", "Unit Cost", "Country of Origin", "ECCN", "UOM",
            "Selling Price"], ["0", "PROD", "1", "", "CN", "", "", "500"]]  # fmt: skip
    for i in range(30):
        if i % 2 == 0:  # the library fills them
            bom.append(["1", f"P{i}", "1", "", "", "", "", ""])
        elif i % 5 == 0:  # the BOM differs: disagreements
            bom.append(["1", f"P{i}", "1", "9", "TW", "3A001.a.7", "PCS", ""])
        else:  # the same, written otherwise: no disagreement
            us = {"US": "United States"}.get(origins[i % 3], origins[i % 3])
            bom.append(["1", f"P{i}", "1", str(1 + i % 5), us, eccns[i % 4].lower(), "ea", ""])
    bom.append(["1", "NEW-1", "1", "2", "JP", "EAR99", "EA", ""])  # not in the library
    path = write(tmp_path / "bom.csv", bom)

    def doc() -> dict[str, Any]:
        r = api.analyze(path, destinations=["CN"], as_of=DAY, db=library_db, record=False)
        return r.to_dict()

    plain = doc()
    frame = _read_snapshot(library_db)
    assert all(isinstance(frame[f].dtype, pd.CategoricalDtype) for f in ("eccn", "uom"))
    monkeypatch.setattr(fill, "SCAN_FROM", 1)
    assert doc() == plain
    lib_block = plain["library"]
    # P5, P15, P25: cost, origin, and the ECCN and UOM where the library has one
    assert lib_block["disagreements"] == sum(
        2 + bool(eccns[i % 4]) + bool(i % 7) for i in (5, 15, 25)
    )
    # the gaps of P0, P2, ..., P28, and the description of all 30 (the BOM has none)
    assert lib_block["values_filled"] == 30 + sum(
        bool(eccns[i % 4]) + 2 + bool(i % 7) for i in range(0, 30, 2)
    )


def _snapshot_view(store: str) -> dict[str, dict[str, Any]]:
    """Per part, the snapshot's values and each value's source, as analyze --db reads them."""
    from bomtrace.library import snapshot
    from bomtrace.library.schema import PART_FIELDS

    frame = _read_snapshot(store)
    refs = frame.attrs[snapshot.SOURCES]
    out: dict[str, dict[str, Any]] = {}
    for i, pn in enumerate(frame["part_number"].tolist()):
        got: dict[str, Any] = {}
        for f in PART_FIELDS:
            if f in frame.columns:
                v = frame[f].iloc[i]
                if not pd.isna(v):
                    got[f] = v
            if f"{f}:src" in frame.columns and frame[f"{f}:src"].iloc[i] >= 0:
                got[f"{f}:source"] = (
                    *refs[frame[f"{f}:src"].iloc[i]],
                    int(frame[f"{f}:row"].iloc[i]),
                )
        out[pn] = got
    return out


def test_imports_update_the_snapshot_as_a_rebuild_would(
    library_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import replaces only the parts it wrote in the snapshot (the first: in an empty
    one); the snapshot is then the one made again from ``parts`` (values and sources). A
    snapshot that is not of the state before the import (a part added by hand) is made
    again."""
    from datetime import datetime

    from sqlalchemy import insert

    from bomtrace.library import open_library, snapshot
    from bomtrace.library.schema import parts

    rebuilt: list[bool] = []
    real = snapshot._from_parts

    def counted(conn: Any) -> Any:
        rebuilt.append(True)
        return real(conn)

    monkeypatch.setattr(snapshot, "_from_parts", counted)
    lib = [["Part Number", "ECCN", "Country of Origin", "Unit Cost", "UOM"]]
    lib += [[f"P{i}", "EAR99" if i % 2 else "5A992", "JP", str(i), "EA"] for i in range(30)]
    api.library_import([write(tmp_path / "a.csv", lib)], db=library_db)
    assert rebuilt == []  # the first import: from an empty snapshot
    changes = [["Part Number", "ECCN", "Description", "Made with US equipment"],
               ["P3", "3A991", "new text", "yes"], ["P40", "EAR99", "", "no"],
               ["P5", "EAR99", "", ""]]  # fmt: skip
    api.library_import([write(tmp_path / "b.csv", changes)], db=library_db)
    api.library_import([write(tmp_path / "c.csv", [["Part Number", "UOM"], ["P7", "PCS"]])],
                       db=library_db)  # fmt: skip
    assert rebuilt == []  # both updated in place
    updated = _snapshot_view(library_db)
    assert updated["P3"]["eccn"] == "3A991" and updated["P3"]["made_with_us_equipment"]
    assert updated["P3"]["eccn:source"][0].endswith("b.csv")
    assert updated["P3"]["eccn:source"][-1] == 2 and updated["P7"]["uom"] == "PCS"
    assert len(updated) == 31
    engine = open_library(library_db)
    try:
        with engine.begin() as conn:
            snapshot.write_snapshot(conn, datetime(2026, 1, 1))  # made again from parts
    finally:
        engine.dispose()
    assert _snapshot_view(library_db) == updated
    engine = open_library(library_db)
    try:
        with engine.begin() as conn:  # behind bomtrace's back: the snapshot is stale
            conn.execute(insert(parts).values(part_number="ZZ-HAND", eccn="EAR99"))
    finally:
        engine.dispose()
    rebuilt.clear()
    api.library_import([write(tmp_path / "d.csv", [["Part Number", "UOM"], ["P8", "KG"]])],
                       db=library_db)  # fmt: skip
    assert rebuilt == [True]
    assert _snapshot_view(library_db)["ZZ-HAND"] == {"eccn": "EAR99"}


def test_head_constant_is_alembics_head() -> None:
    """A library at ``HEAD`` is opened without Alembic: the constant must be the newest
    migration."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bomtrace.library import db

    cfg = Config()
    cfg.set_main_option("script_location", str(db._MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == db.HEAD
