"""``bomtrace diff`` (issue 20): two BOM revisions, or one BOM under two dates — lines and part
values changed, verdicts before and after, the parts that explain a change, exit codes a
release gate can use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bomtrace import diff
from bomtrace.cli import cli
from bomtrace.errors import UsageError

HEAD = "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
# revision A: the US chip is 20 of 100 (20% <= 25% for China, NS 2 counts 3A001.a.7)
REV_A = HEAD + (
    "0,PROD,,,DE,\n"
    "1,CHIP,2,10,US,3A001.a.7\n"
    "1,CASE,1,80,DE,EAR99\n"
    "0,OTHER,,,DE,\n"
    "1,CASE,1,80,DE,EAR99\n"
)
# revision B: three chips (30 of 110 = 27.3% > 25%), a new label, the case now from Japan
REV_B = HEAD + (
    "0,PROD,,,DE,\n"
    "1,CHIP,3,10,US,3A001.a.7\n"
    "1,CASE,1,80,JP,EAR99\n"
    "1,LABEL,1,0.5,DE,EAR99\n"
    "0,OTHER,,,DE,\n"
    "1,CASE,1,80,JP,EAR99\n"
)


@pytest.fixture
def revs(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "rev-a.csv", tmp_path / "rev-b.csv"
    a.write_text(REV_A, encoding="utf-8")
    b.write_text(REV_B, encoding="utf-8")
    return a, b


def test_lines_parts_and_verdicts(revs: tuple[Path, Path]) -> None:
    r = diff(revs[0], revs[1], destinations=["CN"], as_of="2024-01-01")
    d = r.to_dict()
    assert d["lines"]["added"]["listed"] == [{"parent": "PROD", "child": "LABEL", "quantity": 1.0}]
    assert d["lines"]["removed"]["count"] == 0
    assert d["lines"]["changed"]["listed"] == [
        {"parent": "PROD", "child": "CHIP", "quantity_old": 2.0, "quantity_new": 3.0}
    ]
    assert {"part_number": "CASE", "field": "country_of_origin", "old": "DE", "new": "JP"} in d[
        "parts"
    ]["listed"]
    row = next(v for v in d["verdicts"] if v["product"] == "PROD")
    assert (row["verdict_from"], row["verdict_to"]) == ("not-subject", "subject") and row["flips"]
    assert row["ratio_from"] == pytest.approx(0.2) and row["ratio_to"] == pytest.approx(30 / 110.5)
    assert row["explained_by"][0]["part_number"] == "CHIP"
    assert row["explained_by"][0]["change"] == pytest.approx(10.0)
    other = next(v for v in d["verdicts"] if v["product"] == "OTHER")
    assert not other["flips"] and "explained_by" not in other
    assert r.exit_code == 1  # a verdict flipped towards subject: a release gate stops


def test_one_bom_under_two_dates(revs: tuple[Path, Path]) -> None:
    r = diff(revs[0], old_as_of="2021-01-13", new_as_of="2021-01-14", destinations=["SD"])
    assert r.to_dict()["lines"]["added"]["count"] == 0
    row = r.verdicts[0]  # Sudan: 10% level and NS 2 before 2021-01-14 (FR Doc 2020-29037)
    assert row["verdict_from"] == "subject" and row["verdict_to"] == "not-subject"
    assert r.exit_code == 0  # towards not subject
    with pytest.raises(UsageError, match="two revisions"):
        diff(revs[0], as_of="2021-01-13")


def test_cli_forms_and_exit_codes(revs: tuple[Path, Path]) -> None:
    a, b = map(str, revs)
    base = ["-d", "CN", "--as-of", "2024-01-01"]
    res = CliRunner().invoke(cli, ["diff", "--old", a, "--new", b, *base])
    assert res.exit_code == 1 and "FLIPS" in res.output and "+ PROD > LABEL" in res.output
    res2 = CliRunner().invoke(cli, ["diff", a, b, *base, "--format", "json"])
    assert res2.exit_code == 1 and json.loads(res2.stdout)["flips"] == 1
    res3 = CliRunner().invoke(cli, ["diff", b, a, *base])
    assert res3.exit_code == 0  # the flip goes towards not subject
    bad = CliRunner().invoke(cli, ["diff", a, "--new", b])
    assert bad.exit_code == 2 and "--old FILE" in bad.output


def test_html_is_one_static_escaped_page(revs: tuple[Path, Path], tmp_path: Path) -> None:
    evil = tmp_path / "evil.csv"
    evil.write_text(REV_B.replace("LABEL", "<script>alert(1)</script>"), encoding="utf-8")
    out = tmp_path / "diff.html"
    args = ["diff", str(revs[0]), str(evil), "-d", "CN", "--as-of", "2024-01-01"]
    res = CliRunner().invoke(cli, [*args, "--format", "html", "-o", str(out)])
    assert res.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page and "(flips)" in page


def test_one_bom_under_the_rule_and_a_scenario(revs: tuple[Path, Path]) -> None:
    # the 2020 proposal's 10% for Huawei-related China shipments: 20% > 10% (scenarios.toml)
    r = diff(revs[0], new_scenario="proposed-2020-huawei-10pct", destinations=["CN"],
             as_of="2024-01-01")  # fmt: skip
    row = next(v for v in r.verdicts if v["product"] == "PROD")
    assert (row["verdict_from"], row["verdict_to"]) == ("not-subject", "subject")
    assert r.to_dict()["new"]["scenario"] == "proposed-2020-huawei-10pct"
    with pytest.raises(UsageError, match="Valid scenarios"):
        diff(revs[0], new_scenario="nope")
