"""The HTML report: a normalised golden of the router sample, determinism, the overview and
every-destination tables, the parts to classify next, and the tree's data (each node once).

Regenerate the golden (only when a change is intended) with::

    BOMTRACE_UPDATE_GOLDEN=1 python -m pytest tests/test_html_report.py

The golden is normalised: the embedded script and its CSP hash are replaced by placeholders
(the script is tested in a browser by tests/test_html_browser.py)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import bomtrace
from bomtrace.cli import cli
from bomtrace.report.formats import write
from bomtrace.report.html import json_block, script, script_hash

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "rtr_e200.html"
HEAD = "Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN\n"
WriteCsv = Callable[..., Path]


def normalise(page: str) -> str:
    """The page with the script and its hash replaced by placeholders."""
    assert script_hash()[1:-1] in page.replace("&#39;", "'")
    page = page.replace(script(), "/* report.js */")
    return re.sub(r"sha256-[A-Za-z0-9+/]+=*", "sha256-…", page)


def router_page() -> str:
    r = bomtrace.analyze(
        "samples/rtr_e200.xlsx", as_of=date(2023, 6, 1), destinations=["CN", "RU", "IR", "DE"]
    )
    out = write("analyze", "html", r, None)
    assert isinstance(out, str)
    return out


def test_golden_router_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    got = normalise(router_page())
    if os.environ.get("BOMTRACE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["p30pro", "ru5g64t"])
def test_golden_sample_html(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The other two samples, as the golden JSON runs them (CN, 2020-08-17)."""
    monkeypatch.chdir(ROOT)
    r = bomtrace.analyze(f"samples/{name}.xlsx", as_of=date(2020, 8, 17), destinations=["CN"])
    page = write("analyze", "html", r, None)
    assert isinstance(page, str)
    got, golden = normalise(page), GOLDEN.with_name(f"{name}.html")
    if os.environ.get("BOMTRACE_UPDATE_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")


def test_same_inputs_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    args = ["analyze", "samples/rtr_e200.xlsx", "-d", "CN", "--as-of", "2023-06-01", "-q"]
    pages = []
    for name in ("a.html", "b.html"):
        CliRunner().invoke(cli, [*args, "--format", "html", "-o", str(tmp_path / name)])
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1] and b"made 20" not in pages[0]
    CliRunner().invoke(cli, [*args, "--stamp", "--format", "html", "-o", str(tmp_path / "c.html")])
    stamped = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert re.search(r"<th>Made</th><td>\d{4}-\d\d-\d\dT", stamped)


def test_page_shows_the_verdicts_parts_to_classify_and_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    page = router_page()
    assert '<table class="matrix" id="overview-table">' in page
    assert page.count('data-verdict="subject"') == 2  # RU and IR
    assert "Parts to classify next, RU" in page and "<td>0061-0042</td>" in page
    assert "bounds.unresolved_parts" not in page  # a table, not a pointer to the JSON
    assert page.count('<svg class="chart"') >= 2  # the ratio bars and the contributors
    sha = bomtrace.analyze("samples/rtr_e200.xlsx").inputs[0]["sha256"]
    assert f"<code>{sha}</code>" in page and "<th>Data version</th>" in page
    assert '<a href="#limit-L1">L1</a>' in page and 'id="limit-L1"' in page
    assert re.search(r"<td>samples/rtr_e200.xlsx</td><td>BOM</td>\s*<td class=\"num\"", page)


def test_every_destination_is_a_sortable_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    r = bomtrace.analyze("samples/rtr_e200.xlsx", all_destinations=True, as_of=date(2023, 6, 1))
    d = r.to_dict()
    page = write("analyze", "html", r, None)
    assert isinstance(page, str)
    body = page.split('<table class="sortable" id="every-table">')[1].split("</table>")[0]
    shown = sum(1 + len(x.get("same_for") or []) for x in d["products"][0]["destinations"])
    assert body.count("<tr><td>RTR-E200</td>") == shown > 100
    assert '<table class="matrix sortable" id="overview-table">' in page


def test_tree_data_stores_a_shared_assembly_once(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "shared.csv",
        HEAD + "0,P1,Product one,1,,TW,\n1,SUB,Shared board,2,,TW,\n2,CHIP,Chip,1,40,US,3A001.a.7\n"
        "2,RES,Resistor,10,0.5,CN,EAR99\n0,P2,Product two,1,,TW,\n1,SUB,Shared board,1,,TW,\n"
        "2,CHIP,Chip,1,40,US,3A001.a.7\n2,RES,Resistor,10,0.5,CN,EAR99\n1,CASE,Case,1,5,CN,\n",
    )
    r = bomtrace.analyze(str(bom), destinations=["CN", "RU"])
    t = r.tree_data()
    assert t["n"] == 6 and sorted(t["pn"]) == ["CASE", "CHIP", "P1", "P2", "RES", "SUB"]
    at = {pn: i for i, pn in enumerate(t["pn"])}  # each node once, used twice
    sub = at["SUB"]
    kids = [t["pn"][k] for k in t["kid"][t["ptr"][sub] : t["ptr"][sub + 1]]]
    assert sorted(kids) == ["CHIP", "RES"]
    assert [t["pn"][x] for x in t["roots"]] == ["P1", "P2"]
    d = r.to_dict()
    for i, p in enumerate(d["products"]):
        root = t["roots"][i]
        assert t["cost"][root] == p["total_cost"] and t["us"][root] == p["us_origin_value"]
        for c, x in zip(t["classes"], p["destinations"], strict=True):
            assert c["codes"] == [x["country"]]
            ctl = dict(zip(c["ctl"]["at"], c["ctl"]["v"], strict=True))
            assert ctl.get(root, 0.0) == x["controlled_us_value"]
    assert t["cost"][sub] == 45.0 and t["us"][sub] == 40.0


def test_json_block_cannot_close_its_tag() -> None:
    got = json_block({"a": "</script><!-- & >"})
    assert "<" not in got and ">" not in got and "&" not in got
    assert json.loads(got) == {"a": "</script><!-- & >"}
