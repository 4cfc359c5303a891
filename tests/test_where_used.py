"""``bomtrace where-used`` and what-ifs (issue 20): where a part is used, with paths and
extended quantities, and what the verdicts become if its origin or classification changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace import analyze, where_used
from bomtrace.cli import cli
from bomtrace.errors import UsageError

# a shared sub-assembly used twice in one product and once in another
BOM = (
    "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
    "0,PROD-A,,,DE,\n"
    "1,SUB-1,2,,DE,\n"
    "2,CHIP,3,10,US,3A001.a.7\n"
    "2,BOARD,1,20,DE,EAR99\n"
    "1,CASE,1,50,DE,EAR99\n"
    "0,PROD-B,,,DE,\n"
    "1,SUB-1,1,,DE,\n"
    "1,CHIP,1,10,US,3A001.a.7\n"
    "1,FRAME,1,200,DE,EAR99\n"
    "0,PROD-C,,,DE,\n"
    "1,CASE,1,50,DE,EAR99\n"
)


@pytest.fixture
def bom(tmp_path: Path) -> Path:
    path = tmp_path / "bom.csv"
    path.write_text(BOM, encoding="utf-8")
    return path


def test_products_paths_and_extended_quantities(bom: Path) -> None:
    r = where_used(bom, "CHIP")
    assert [u["part_number"] for u in r.used_in] == ["PROD-B", "SUB-1"]
    by = {p["product"]: p for p in r.products}
    assert set(by) == {"PROD-A", "PROD-B"}  # PROD-C does not hold it
    assert by["PROD-A"]["extended_quantity"] == 6  # 2 SUB-1 x 3 CHIP
    assert by["PROD-B"]["extended_quantity"] == 4  # 1 x 3 through SUB-1, plus 1 direct
    paths = sorted((p["path"], p["quantity"]) for p in by["PROD-B"]["paths"])
    assert paths == [(["PROD-B", "CHIP"], 1.0), (["PROD-B", "SUB-1", "CHIP"], 3.0)]
    assert r.what_if is None and r.exit_code == 0


def test_an_unknown_part_names_close_ones(bom: Path) -> None:
    with pytest.raises(UsageError, match="Did you mean CHIP"):
        where_used(bom, "CHIPP")


def test_what_if_origin_shows_verdicts_before_and_after(bom: Path) -> None:
    # CN: NS 2 reaches China, 3A001.a.7 counts; PROD-A: 60 / (60 + 40 + 50) = 40% > 25%
    r = where_used(bom, "CHIP", set_values=["country_of_origin=JP"], destinations=["CN"],
                   as_of="2024-01-01")  # fmt: skip
    assert r.what_if is not None
    rows = {v["product"]: v for v in r.what_if["verdicts"]}
    assert set(rows) == {"PROD-A", "PROD-B"}
    assert rows["PROD-A"]["verdict_from"] == "subject" and rows["PROD-A"]["ratio_from"] == 0.4
    assert rows["PROD-A"]["verdict_to"] == "not-subject" and rows["PROD-A"]["flips"]
    assert r.exit_code == 0  # flips towards not subject do not stop a gate
    worse = where_used(bom, "FRAME", set_values=["country_of_origin=US", "eccn=3A001.a.7"],
                       destinations=["CN"], as_of="2024-01-01")  # fmt: skip
    assert worse.what_if is not None
    assert worse.what_if["flips"] == 1 and worse.exit_code == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("colour=red", "not a part attribute"),
        ("country_of_origin=Atlantis", "not a country"),
        ("eccn=hello", "not an ECCN"),
        ("us_content_pct=lots", "not a share"),
    ],
)
def test_bad_what_ifs_say_what_would_be_valid(bom: Path, value: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        where_used(bom, "CHIP", set_values=[value])


def test_analyze_set_changes_the_run_and_says_so(bom: Path) -> None:
    base = analyze(bom, destinations=["CN"], as_of="2024-01-01")
    moved = analyze(bom, destinations=["CN"], as_of="2024-01-01",
                    what_if=["CHIP:country_of_origin=JP"])  # fmt: skip
    assert base.product("PROD-A").destination("CN").verdict == "subject"
    assert moved.product("PROD-A").destination("CN").verdict == "not-subject"
    doc = moved.to_dict()
    assert doc["options"]["what_if"][0]["value"] == "JP"
    assert any(i["code"] == "what-if" for i in doc["issues"])
    assert "what_if" not in base.to_dict()["options"]
    with pytest.raises(UsageError, match="not in the BOM"):
        analyze(bom, destinations=["CN"], what_if=["NOPE:eccn=EAR99"])


def test_cli_table_json_and_exit_code(bom: Path) -> None:
    res = CliRunner().invoke(cli, ["where-used", str(bom), "--part", "CHIP"])
    assert res.exit_code == 0 and "PROD-B > SUB-1 > CHIP" in res.output
    args = ["where-used", str(bom), "--part", "FRAME", "--set", "country_of_origin=US",
            "--set", "eccn=3A001.a.7", "-d", "CN", "--as-of", "2024-01-01"]  # fmt: skip
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 1 and "FLIPS" in res.output
    doc = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert doc["what_if"]["flips"] == 1
    res = CliRunner().invoke(cli, ["where-used", str(bom), "--part", "NOPE"])
    assert res.exit_code == 2 and "not in the BOM" in res.output


def test_reports_are_byte_identical_unless_stamped(bom: Path) -> None:
    def run(*extra: str) -> str:
        args = ["analyze", str(bom), "-d", "CN", "--as-of", "2024-01-01", *extra]
        return CliRunner().invoke(cli, args).stdout

    for fmt in ("json", "html"):
        assert run("--format", fmt) == run("--format", fmt)
    stamped = json.loads(run("--format", "json", "--stamp"))
    assert stamped["generated_at"].endswith("+00:00")
    assert "generated_at" not in json.loads(run("--format", "json"))
