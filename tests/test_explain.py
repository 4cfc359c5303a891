"""bomtrace explain (library and CLI), and the CLI flags of this issue (rules --destination,
analyze --second-incorporation / --made-in / --all-destinations text)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bomfactory import BASE_FIELDS, indented
from click.testing import CliRunner

import bomtrace
from bomtrace.cli import cli
from bomtrace.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
ROUTER = "samples/rtr_e200.xlsx"
D2020 = date(2020, 8, 17)
F = (
    *BASE_FIELDS,
    "selling_price",
    "discrete_product",
)


def shared_bom() -> Any:
    """Part U1 reached through two sub-assemblies, once inside a US-made module and once inside
    a discrete foreign sub-assembly."""
    return indented(
        [
            (0, "P", 1, None, "CN", None, 200.0, None),
            (1, "A", 2, None, "CN", None, None, None),
            (2, "U1", 3, 5.0, "US", "3A001.a.7", None, None),
            (1, "M", 1, None, "US", "5A991", None, None),
            (2, "U1", 1, 5.0, "US", "3A001.a.7", None, None),
            (1, "D", 1, None, "TW", None, None, True),
            (2, "U1", 2, 5.0, "US", "3A001.a.7", None, None),
        ],
        fields=F,
    )


def test_part_trace_lists_paths_quantities_and_why() -> None:
    r = bomtrace.explain(shared_bom(), part="U1", destination="CN", as_of=D2020)
    assert r.part is not None and r.part["paragraph"] == "a.7"
    (t,) = r.products
    paths = {tuple(p["path"]): p for p in t["paths"]}
    assert set(paths) == {("P", "A", "U1"), ("P", "M", "U1"), ("P", "D", "U1")}
    assert paths["P", "A", "U1"]["quantity"] == 6.0
    assert paths["P", "A", "U1"]["not_counted_because"] is None
    assert "US-origin sub-assembly" in paths["P", "M", "U1"]["not_counted_because"]
    assert "second incorporation" in paths["P", "D", "U1"]["not_counted_because"]
    assert (t["extended_quantity"], t["counted_quantity"]) == (9.0, 6.0)
    assert (t["counts"], t["reason"], t["share"]) == (True, "NS 2", 0.15)
    assert t["product_verdict"]["verdict"] == "not-subject"


def test_part_that_does_not_count_says_why() -> None:
    r = bomtrace.explain(shared_bom(), part="M", destination="CN", as_of=D2020)
    t = r.products[0]
    assert (t["counts"], t["status"]) == (False, "not-counted")
    assert "AT 1 not marked" in t["reason"]


def test_product_trace_lists_numerator_denominator_threshold() -> None:
    r = bomtrace.explain(shared_bom(), product="P", destination="IR", as_of=D2020)
    (t,) = r.products
    assert [x["part_number"] for x in t["numerator"]] == ["U1", "M"]
    v = t["product_verdict"]
    assert v["denominator"] == {"basis": "selling_price", "value": 200.0}
    assert (v["threshold"], v["verdict"]) == (0.10, "subject")
    assert (
        v["second_incorporation"]["ratio_without_cut"] > v["second_incorporation"]["ratio_with_cut"]
    )


def test_explain_needs_part_or_product() -> None:
    with pytest.raises(UsageError, match="--part PN or --product PN"):
        bomtrace.explain(shared_bom(), destination="CN", as_of=D2020)
    with pytest.raises(UsageError, match="not in the BOM"):
        bomtrace.explain(shared_bom(), part="NOPE", destination="CN", as_of=D2020)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(ROOT)
    return CliRunner()


def test_cli_explain_part(runner: CliRunner) -> None:
    res = runner.invoke(
        cli, ["explain", ROUTER, "--part", "0063-0001", "-d", "CN", "--as-of", "2020-08-17"]
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == (
        "bomtrace explain · rules as of 2020-08-17 · destination CN (China), threshold 25% "
        "(15 CFR 734.4(d))"
    )
    assert "  path RTR-E200 > 20-1187-03 > 0063-0001  qty 1" in lines
    assert "  counts: NS 1" in lines


def test_cli_explain_json_equals_library(runner: CliRunner) -> None:
    args = ["--product", "RTR-E200", "-d", "IR", "--as-of", "2020-08-17"]
    res = runner.invoke(cli, ["explain", ROUTER, *args, "--format", "json"])
    assert res.exit_code == 1, res.output  # subject for IR: a gate must not pass
    lib = bomtrace.explain(ROUTER, product="RTR-E200", destination="IR", as_of=D2020)
    assert json.loads(res.output) == json.loads(json.dumps(lib.to_dict()))


def test_cli_explain_error_line(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["explain", ROUTER, "-d", "CN"])
    assert res.exit_code == 2
    assert res.output.strip().splitlines()[-1] == (
        "Error: explain needs --part PN or --product PN (or both)."
    )


def test_cli_rules_destination_details(runner: CliRunner) -> None:
    res = runner.invoke(cli, ["rules", "--as-of", "2022-06-01", "--destination", "RU"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "  Part 746 embargo: every CCL item needs a licence; EAR99 does not count" in out
    assert "partner-country carve-out (--made-in a Supp. No. 3 country)" in out
    assert "    15 CFR 734.4(a)(6)(i): " in out
    d = json.loads(
        runner.invoke(
            cli, ["rules", "--as-of", "2022-06-01", "-d", "RU", "--format", "json"]
        ).output
    )
    ru = d["destinations"][0]
    assert ru["embargo"] == "ccl" and ru["partner_carveout_eccns"] == ["9A991"]
    assert "FI" in d["partner_countries"] and "TW" not in d["partner_countries"]


def test_cli_analyze_all_destinations_text(runner: CliRunner) -> None:
    res = runner.invoke(
        cli, ["analyze", ROUTER, "--all-destinations", "--as-of", "2020-08-17", "-q"]
    )
    assert res.exit_code == 1  # subject for some destinations
    assert (
        "  all 204 destinations: subject to the EAR for: CU, IR, KP, SD, SY, UA-43; "
        "not subject for 198; nearest threshold: 25% at 18.02%" in res.output
    )


def test_cli_analyze_second_incorporation_and_made_in(runner: CliRunner, tmp_path: Path) -> None:
    bom = tmp_path / "ac.csv"
    bom.write_text(
        "Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN,Selling Price,Discrete Product\n"
        "0,AC,1,,DE,9A991.b,1000,\n"
        "1,AV,1,90,US,9A991.d,,\n"
        "1,LG,1,,GB,9A991.d,,yes\n"
        "2,LG-US,1,20,US,9A991.d,,\n"
        "2,LG-UK,1,20,GB,EAR99,,\n",
        encoding="utf-8",
    )
    base = ["analyze", str(bom), "-d", "IR", "--as-of", "2020-08-17", "-q", "--format", "json"]
    on = json.loads(runner.invoke(cli, base).output)["products"][0]["destinations"][0]
    off = json.loads(runner.invoke(cli, [*base, "--second-incorporation", "off"]).output)
    off_ir = off["products"][0]["destinations"][0]
    assert (on["ratio"], on["verdict"]) == (0.09, "not-subject")
    assert (off_ir["ratio"], off_ir["verdict"]) == (0.11, "subject")
    assert on["second_incorporation"]["ratio_without_cut"] == 0.11
    text = runner.invoke(cli, [*base[:-2]]).output
    assert (
        "  second incorporation (on): 9.00% with discrete sub-assemblies cut, 11.00% without "
        "→ IR; verdict not-subject vs subject" in text
    )
    ru = ["analyze", str(bom), "-d", "RU", "--as-of", "2022-06-01", "-q", "--format", "json"]
    made_de = json.loads(runner.invoke(cli, [*ru, "--made-in", "Germany"]).output)
    assert made_de["options"]["made_in"] == "DE"
    assert made_de["products"][0]["destinations"][0]["controlled_us_value"] == 0.0  # 9A991
    bad = runner.invoke(cli, [*ru, "--made-in", "Atlantis"])
    assert bad.exit_code == 2
    assert bad.output.strip().splitlines()[-1] == (
        "Error: Unknown country 'Atlantis' for --made-in. Use an ISO code such as FI or CN."
    )
