"""Inputs that once gave a silently wrong verdict or a gate that passed on nothing (issue 17,
items 1-3 and 7-9). Each test drives the real command line on a tiny BOM written here."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bomtrace import api
from bomtrace.cli import cli, debug_first
from bomtrace.exitcodes import ExitCode

WriteCsv = Callable[..., Path]
HEAD = "Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "-q"] if args[0] == "analyze" else list(args))


def doc(*args: str) -> tuple[dict[str, Any], int]:
    res = run(*args, "--format", "json")
    assert "Traceback" not in res.output
    return json.loads(res.stdout), res.exit_code


def codes(d: dict[str, Any]) -> list[str]:
    return [i["code"] for i in d["issues"]]


# -- 1. a US-origin product is subject to the EAR wherever it is (734.3(a)(2)) -----------------


def test_us_origin_product_is_subject_whatever_its_ratio(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "us.csv",
        HEAD + "0,PROD-US,Router,1,,US,5A992.c\n"
        "1,CHIP,Chip,1,35,US,3A001.a.7\n"
        "1,BOARD,Board,1,65,CN,EAR99\n",
    )
    d, code = doc("analyze", str(bom), "-d", "CN", "-d", "DE")
    p = d["products"][0]
    assert p["origin"] == {"country": "US", "source": "bom"}
    for x in p["destinations"]:
        assert (x["verdict"], x["subject_to_ear"], x["basis"]) == ("subject", True, "us-origin")
        assert x["headroom"] is None  # no amount of content makes it foreign-made
        assert x["ratio"] is not None  # the de minimis figures stay, as information
    assert "us-origin" in codes(d) and "de-minimis-exceeded" not in codes(d)
    assert code == ExitCode.FLAGGED
    text = run("analyze", str(bom), "-d", "CN")
    assert "SUBJECT (US-origin)" in text.output and "734.3(a)(2)" in text.output


def test_us_origin_sub_assembly_gets_its_own_entry(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "sub.csv",
        HEAD + "0,P,Phone,1,,CN,\n"
        "1,US-MOD,US module,1,,US,5A992.c\n"
        "2,CHIP,Chip,1,35,US,3A001.a.7\n"
        "1,BOARD,Board,1,65,CN,EAR99\n",
    )
    d, _ = doc("analyze", str(bom), "-d", "CN")
    assert d["assemblies"] == [] and d["assemblies_us_origin"] == 1  # counted, not listed
    d, _ = doc("analyze", str(bom), "-d", "CN", "--all-assemblies")
    subs = {a["part_number"]: a for a in d["assemblies"]}
    cell = subs["US-MOD"]["destinations"][0]
    assert (cell["verdict"], cell["basis"]) == ("subject", "us-origin")
    # the foreign-made product counts the US module as a whole, by its own ECCN (5A992.c)
    prod = d["products"][0]["destinations"][0]
    assert prod["basis"] == "de-minimis" and prod["verdict"] == "not-subject"


def test_product_without_origin_says_what_was_assumed_and_made_in_settles_it(
    write_csv: WriteCsv,
) -> None:
    bom = write_csv(
        "noorig.csv",
        HEAD + "0,PROD,Router,1,,,5A992.c\n1,CHIP,Chip,1,35,US,3A001.a.7\n"
        "1,BOARD,Board,1,365,CN,EAR99\n",
    )
    d, code = doc("analyze", str(bom), "-d", "CN")
    assert d["products"][0]["origin"] == {"country": None, "source": "assumed-foreign"}
    assert "origin-assumed" in codes(d) and code == ExitCode.OK
    d, code = doc("analyze", str(bom), "-d", "CN", "--made-in", "US")
    p = d["products"][0]
    assert p["origin"] == {"country": "US", "source": "made-in-option"}
    assert p["destinations"][0]["basis"] == "us-origin" and code == ExitCode.FLAGGED


# -- 2. negative and non-finite values are never taken as data ------------------------------


def test_negative_cost_is_an_error_and_does_not_lower_the_ratio(write_csv: WriteCsv) -> None:
    rows = "0,PROD,Router,1,,CN,\n1,CHIP,Chip,1,35,US,3A001.a.7\n1,BOARD,Board,1,65,CN,EAR99\n"
    good, _ = doc("analyze", str(write_csv("ok.csv", HEAD + rows)), "-d", "CN")
    bad = write_csv("neg.csv", HEAD + rows + "1,REBATE,Rebate,1,-50,US,EAR99\n")
    d, code = doc("analyze", str(bad), "-d", "CN")
    neg = [i for i in d["issues"] if i["code"] == "negative-value"]
    assert [(i["row"], i["column"], i["severity"]) for i in neg] == [(5, "E", "error")]
    x = d["products"][0]["destinations"][0]
    # the -50 would have turned 35% into exactly 25% (not subject); left missing, it opens the
    # high bound instead and the ratio is the one without it
    assert x["ratio"] == good["products"][0]["destinations"][0]["ratio"] == 0.35
    assert x["verdict"] == "subject" and code == ExitCode.FLAGGED


def test_negative_cost_in_an_xlsx_number_cell(write_xlsx: Callable[..., Path]) -> None:
    path = write_xlsx(
        "neg.xlsx",
        {
            "BOM": [
                ["Level", "Part Number", "Qty", "Unit Cost", "Country of Origin", "ECCN"],
                [0, "P", None, None, "CN", None],
                [1, "A", 1, 10.0, "US", "3A001.a.7"],
                [1, "B", 1, -40.0, "CN", "EAR99"],
            ]
        },
    )
    d, _ = doc("analyze", str(path), "-d", "CN")
    assert "negative-value" in codes(d)
    assert d["products"][0]["total_cost"] == 10.0  # not -30


@pytest.mark.parametrize("qty", ["1e308", "1e200"])
def test_overflowing_quantity_is_not_analysed(write_csv: WriteCsv, qty: str) -> None:
    bom = write_csv(
        "big.csv",
        HEAD + f"0,PROD,Router,1,,CN,\n1,CHIP,Chip,{qty},1e200,US,3A001.a.7\n"
        "1,BOARD,Board,1,65,CN,EAR99\n",
    )
    res = run("analyze", str(bom), "-d", "CN", "--format", "json")
    assert "Warning" not in res.stderr and "inf" not in res.stdout.lower().replace("info", "")
    d = json.loads(res.stdout)
    p = d["products"][0]
    assert p["analysed"] is False and "too large" in p["not_analysed_reason"]
    over = [i for i in d["issues"] if i["code"] == "value-overflow"]
    assert over and over[0]["row"] == 3 and over[0]["column"] == "D"
    assert res.exit_code == ExitCode.INCOMPLETE


def test_explode_of_a_product_it_cannot_flatten_does_not_pass(write_csv: WriteCsv) -> None:
    """Seen in the real-exports corpus: a product blocked by a bad quantity gave an empty
    table and exit 0; like analyze, explode exits 3 when a product is missing."""
    bom = write_csv("q.csv", HEAD + "0,PROD,Router,1,,CN,\n1,CHIP,Chip,x,5,US,\n")
    res = run("explode", str(bom), "--format", "csv")
    assert res.exit_code == ExitCode.INCOMPLETE
    good = write_csv("g.csv", HEAD + "0,PROD,Router,1,,CN,\n1,CHIP,Chip,2,5,US,\n")
    assert run("explode", str(good), "--format", "csv").exit_code == ExitCode.OK


def test_lines_after_a_level_jump_give_no_verdict(write_csv: WriteCsv) -> None:
    """Found by the long fuzz run: after a jump, a line with no parent became a product of
    its own and got a verdict from a structure missing a controlled part (79, 5A002.a, whose
    own jump dropped it). The lines around a jump are not analysed, nor anything above them."""
    bom = write_csv(
        "jump.csv",
        "Part Number,Level,Qty,Unit Cost,Country of Origin,ECCN\n"
        "B,0,3,327,CN,3E001\nE,3,,,,3A991\nB,5,2,219.66,CN,9A515.a.1\n"
        "P1,5,2,275.15,CN,EAR99\nE,6,3,,,\nA,7,2,288.02,,\n31,8,2,250,CN,EAR99\n"
        "79,10,1,35.5,US,5A002.a\n",
    )
    d, code = doc("analyze", str(bom), "-d", "CN")
    assert [p["part_number"] for p in d["products"] if p["analysed"]] == []
    assert all(p["destinations"] == [] for p in d["products"])
    assert code == ExitCode.INCOMPLETE


def test_overflow_in_the_fdp_thread_and_in_explode_is_reported_not_warned(
    write_csv: WriteCsv,
) -> None:
    """Found by the long fuzz run: 2 × 8.99e307 overflows in the FDP analysis (its own thread,
    where the analysis' numpy setting does not reach) and in explode's extended cost."""
    import subprocess
    import sys

    bom = write_csv("ovf.csv", ",Part Number,Qty,Unit Cost\n,P0,2.0,8.98846567431158e+307\n")
    for args, rc in (
        (["analyze", str(bom), "-d", "CN", "--format", "json"], ExitCode.INCOMPLETE),
        (["explode", str(bom), "--format", "json"], ExitCode.OK),
    ):
        p = subprocess.run(
            [sys.executable, "-W", "error::RuntimeWarning", "-m", "bomtrace", *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert p.returncode == rc, p.stderr
        assert "Warning" not in p.stderr
        d = json.loads(p.stdout)
        assert "value-overflow" in {i["code"] for i in d["issues"]}
    assert d["products"][0]["parts"][0]["extended_cost"] is None  # left empty, reported


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400"])
def test_non_finite_quantity_blocks_and_cost_opens_the_bounds(
    write_csv: WriteCsv, value: str
) -> None:
    bom = write_csv("nf.csv", HEAD + f"0,P,,1,,CN,\n1,A,,1,{value},US,3A001.a.7\n")
    d, _ = doc("analyze", str(bom), "-d", "CN")
    assert "bad-number" in codes(d)
    assert d["products"][0]["destinations"][0]["verdict"] == "undetermined"
    bom = write_csv("nq.csv", HEAD + f"0,P,,1,,CN,\n1,A,,{value},5,US,3A001.a.7\n")
    d, code = doc("analyze", str(bom), "-d", "CN")
    assert "bad-quantity" in codes(d) and d["products"][0]["analysed"] is False
    assert code == ExitCode.INCOMPLETE


# -- 3. exit codes a gate can trust ----------------------------------------------------------


def test_only_product_on_a_cycle_does_not_pass(write_csv: WriteCsv) -> None:
    bom = write_csv("cyc.csv", "Parent,Part Number,Qty,Unit Cost\nA,B,1,1\nB,A,1,1\n")
    assert run("analyze", str(bom), "-d", "CN").exit_code == ExitCode.INCOMPLETE


def test_product_above_negative_quantity_does_not_pass(write_csv: WriteCsv) -> None:
    bom = write_csv("nq.csv", HEAD + "0,P,,1,,CN,\n1,A,,-2,5,CN,EAR99\n")
    d, code = doc("analyze", str(bom), "-d", "CN")
    assert d["products"][0]["analysed"] is False and code == ExitCode.INCOMPLETE


def test_formula_without_saved_value_does_not_pass(write_xlsx: Callable[..., Path]) -> None:
    rows = [
        ["Level", "Part Number", "Qty", "Unit Cost", "Country of Origin"],
        [0, "P", None, None, "CN"],
        [1, "A", "=1+1", 5, "CN"],  # openpyxl saves no value for a formula
    ]
    path = write_xlsx("formula.xlsx", {"BOM": rows})
    assert run("analyze", str(path), "-d", "CN").exit_code == ExitCode.INCOMPLETE


def test_not_analysed_takes_precedence_over_subject(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "two.csv",
        HEAD + "0,P1,,1,,CN,\n1,A,,1,50,US,3A001.a.7\n0,P2,,1,,CN,\n1,B,,x,5,CN,EAR99\n",
    )
    assert run("analyze", str(bom), "-d", "CN").exit_code == ExitCode.INCOMPLETE


def test_internal_error_is_one_line_with_its_own_code(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch
) -> None:
    bom = write_csv("ok.csv", HEAD + "0,P,,1,,CN,\n1,A,,1,5,CN,EAR99\n")

    def broken(*_a: Any, **_k: Any) -> Any:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(api, "analyze", broken)
    res = run("analyze", str(bom), "-d", "CN")
    assert res.exit_code == ExitCode.INTERNAL
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error" in lines[0] and "--debug" in lines[0]
    assert "Traceback" not in res.output
    debug = CliRunner().invoke(cli, debug_first(["analyze", str(bom), "-d", "CN", "--debug"]))
    assert isinstance(debug.exception, ZeroDivisionError)  # the traceback is shown


def test_explain_and_suppliers_exit_like_analyze(write_csv: WriteCsv) -> None:
    bom = write_csv("s.csv", HEAD + "0,P,,1,,CN,\n1,A,,1,50,US,3A001.a.7\n1,B,,1,50,CN,EAR99\n")
    assert run("explain", str(bom), "--product", "P", "-d", "CN").exit_code == 1
    assert run("explain", str(bom), "--product", "P", "-d", "DE").exit_code == 0
    assert run("suppliers", str(bom), "-d", "CN").exit_code == 1
    assert run("suppliers", str(bom), "-d", "DE").exit_code == 0


def test_usage_errors_exit_2(write_csv: WriteCsv) -> None:
    bom = write_csv("ok.csv", HEAD + "0,P,,1,,CN,\n")
    assert run("analyze", str(bom), "-d", "XX").exit_code == ExitCode.USAGE
    assert run("analyze", str(bom), "--nope").exit_code == ExitCode.USAGE


# -- 7. one problem does not hide another ----------------------------------------------------


def test_cycle_is_reported_beside_a_bad_quantity_on_it(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "c.csv",
        "Parent,Part Number,Qty,Unit Cost,Country of Origin\n"
        ",P,1,,CN\nP,A,1,,CN\nA,B,x,,CN\nB,A,1,,CN\nP,C,1,5,CN\n",
    )
    d, code = doc("analyze", str(bom), "-d", "CN")
    cyc = [i for i in d["issues"] if i["code"] == "bom-cycle"]
    assert [i["data"]["cycle"] for i in cyc] == [["A", "B", "A"]]
    assert "bad-quantity" in codes(d) and code == ExitCode.INCOMPLETE


# -- 8. a Level column beside a Parent column ------------------------------------------------


def test_parent_column_wins_over_level_and_disagreement_is_reported(
    write_csv: WriteCsv,
) -> None:
    # listed breadth-first: read by level, C would sit under B and the cost would be wrong
    bom = write_csv(
        "lp.csv",
        "Level,Parent,Part Number,Qty,Unit Cost,Country of Origin,ECCN\n"
        "0,,P,1,,CN,\n1,P,A,1,,CN,\n1,P,B,2,,CN,\n2,A,C,1,10,US,3A001.a.7\n"
        "2,B,D,1,5,CN,EAR99\n3,B,E,1,5,CN,EAR99\n",
    )
    d, _ = doc("analyze", str(bom), "-d", "CN")
    assert d["products"][0]["total_cost"] == 30.0  # 10 + 2 × (5 + 5)
    mism = [i for i in d["issues"] if i["code"] == "level-parent-mismatch"]
    assert [(i["row"], i["column"], i["part_number"]) for i in mism] == [(7, "A", "E")]
    assert "bom-cycle" not in codes(d) and "level-jump" not in codes(d)


# -- 9. messages without holes ---------------------------------------------------------------


def test_uncomputable_ratio_says_why(write_csv: WriteCsv) -> None:
    bom = write_csv("z.csv", HEAD + "0,P,,1,,CN,\n1,A,,1,0,US,3A001.a.7\n")
    d, code = doc("analyze", str(bom), "-d", "CN")
    msg = next(i["message"] for i in d["issues"] if i["code"] == "verdict-undetermined")
    assert "between - and -" not in msg and "cannot be computed" in msg
    assert code == ExitCode.FLAGGED


def test_added_product_line_is_not_an_undefined_part(write_csv: WriteCsv) -> None:
    flat = write_csv("flat.csv", "Part Number,Qty,Unit Cost\nR1,2,0.1\nU1,1,5\n")
    master = write_csv("m.csv", "Part Number,Country of Origin,ECCN\nR1,CN,EAR99\nU1,US,3A991\n")
    d, _ = doc("analyze", str(flat), str(master), "-d", "CN")
    assert "undefined-part" not in codes(d)
    assert "product-added" in codes(d)


# -- beyond the list: sums that are no number at all -----------------------------------------


def test_product_mixing_currencies_is_not_analysed(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "cur.csv",
        "Level,Part Number,Qty,Unit Cost,Currency,Country of Origin,ECCN\n"
        "0,P,1,,,CN,\n1,A,1,10,USD,US,3A001.a.7\n1,B,1,100,EUR,CN,EAR99\n"
        "0,Q,1,,,CN,\n1,C,1,10,USD,US,3A001.a.7\n1,D,1,20,USD,CN,EAR99\n",
    )
    d, code = doc("analyze", str(bom), "-d", "CN")
    p, q = d["products"]
    assert p["analysed"] is False and "several currencies" in p["not_analysed_reason"]
    assert q["analysed"] is True and q["currency"] == "USD" and q["total_cost"] == 30.0
    assert "currency-mismatch" in codes(d) and code == ExitCode.INCOMPLETE


def test_a_huge_cell_is_quoted_short(write_csv: WriteCsv) -> None:
    bom = write_csv("long.csv", "Level,Part Number,Qty,Unit Cost\n0,P,1,\n1,A,1," + "x" * 30000)
    d, _ = doc("analyze", str(bom), "-d", "CN")
    msg = next(i["message"] for i in d["issues"] if i["code"] == "bad-number")
    assert len(msg) < 300 and "(30,000 ch)" in msg


def test_library_refuses_a_table_without_lines() -> None:
    import pandas as pd

    from bomtrace.errors import GraphError
    from bomtrace.io.table import BomTable

    cols = {c: pd.Series([], dtype=object) for c in ("part_number", "level", "quantity")}
    lines = pd.DataFrame({**cols, "_file": [], "_sheet": [], "_row": []})
    with pytest.raises(GraphError, match="no lines"):
        api.analyze(BomTable(lines=lines, layout="indented"), destinations=["CN"])


def test_lone_carriage_return_in_a_csv_field(write_csv: WriteCsv) -> None:
    bom = write_csv("cr.csv", "Level,Part Number,Description,Qty\n0,P,d,1\n1,\r=1+1 X,\r=1+1 d,1\n")
    res = run("analyze", str(bom), "-d", "CN", "--format", "json")
    assert res.exit_code == ExitCode.INCOMPLETE and "Traceback" not in res.output
    assert "missing-part-number" in codes(json.loads(res.stdout))


def test_us_origin_entries_from_arrays_equal_entries_from_objects(write_csv: WriteCsv) -> None:
    import numpy as np
    import orjson

    bom = write_csv(
        "sub.csv",
        HEAD + "0,P,Phone,1,,CN,\n1,US-MOD,US module,1,,US,5A992.c\n"
        "2,CHIP,Chip,1,35,US,3A001.a.7\n1,BOARD,Board,1,65,CN,EAR99\n"
        "1,CN-MOD,CN module,1,,CN,\n2,RES,Res,1,1,CN,EAR99\n",
    )
    r = api.analyze(str(bom), destinations=["CN", "DE"], all_assemblies=True)
    subs: Any = r.assemblies
    at = np.arange(len(subs))
    made = [subs[i].to_dict(detail=False) for i in range(len(subs))]
    assert subs.to_dicts(at) == made
    assert r.to_json() == orjson.dumps(r.to_dict())
    basis = {a["part_number"]: a["destinations"][0]["basis"] for a in made}
    assert basis == {"US-MOD": "us-origin", "CN-MOD": "de-minimis"}


def test_us_origin_products_from_arrays_equal_products_from_objects(write_csv: WriteCsv) -> None:
    bom = write_csv(
        "two.csv",
        HEAD + "0,PROD-US,Router,1,,US,5A992.c\n1,CHIP,Chip,1,35,US,3A001.a.7\n"
        "1,BOARD,Board,1,65,CN,EAR99\n1,X,Unpriced,1,,,\n"
        "0,PROD-CN,Phone,1,,CN,\n1,CHIP,Chip,1,35,US,3A001.a.7\n1,BOARD,Board,1,65,CN,EAR99\n",
    )
    bulk = api.analyze(str(bom), destinations=["CN", "DE"]).products
    made = api.analyze(str(bom), destinations=["CN", "DE"]).products
    assert bulk.to_dicts() == [made[i].to_dict() for i in range(len(made))]  # type: ignore[attr-defined]
    us = bulk.to_dicts()[0]["destinations"]  # type: ignore[attr-defined]
    assert {(x["basis"], x["headroom"]) for x in us} == {("us-origin", None)}


def test_html_report_escapes_every_text_and_runs_nothing(write_csv: WriteCsv) -> None:
    """Hostile part numbers and descriptions never appear unescaped; the only executable
    script is bomtrace's own, pinned by the page's Content-Security-Policy hash; nothing is
    loaded from anywhere."""
    import base64
    import csv
    import hashlib
    import io
    import json
    from html.parser import HTMLParser

    evil = [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "</script><script>alert(2)</script>",
    ]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(
        [
            HEAD.strip().split(","),
            [0, evil[0], evil[1], 1, "", "CN", ""],
            [1, evil[1], evil[2], 1, 50, "US", "3A001.a.7"],
            [1, "B", evil[0], 1, 10, evil[2], "EAR99"],
            [1, evil[3], evil[3], 1, "", "", ""],
        ]
    )
    bom = write_csv("x.csv", text.getvalue())
    res = run("analyze", str(bom), "-d", "CN", "--format", "html")
    assert res.exit_code in (0, 1, 3), res.output
    page = res.stdout
    for e in evil[:2] + evil[3:]:
        assert e not in page  # never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[tuple[str, dict[str, str | None]]] = []
            self.scripts: list[tuple[dict[str, str | None], str]] = []
            self._in: dict[str, str | None] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append((tag, dict(attrs)))
            if tag == "script":
                self._in = dict(attrs)
                self.scripts.append((self._in, ""))

        def handle_data(self, data: str) -> None:
            if self._in is not None:
                a, t = self.scripts[-1]
                self.scripts[-1] = (a, t + data)

        def handle_endtag(self, tag: str) -> None:
            if tag == "script":
                self._in = None

    p = Tags()
    p.feed(page)
    names = {t for t, _ in p.tags}
    assert not names & {"img", "iframe", "object", "embed", "base", "frame", "audio", "video"}
    for tag, attrs in p.tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)  # no handlers
        for k in ("src", "href", "action", "formaction", "xlink:href", "data", "srcset"):
            v = (attrs.get(k) or "").strip().lower()
            assert not v.startswith(("http:", "https:", "file:", "javascript:", "//")), (tag, k)
            assert tag != "script" or k != "src" or not v
        if tag == "link":
            assert attrs.get("href") == "data:,"
    executable = [(a, t) for a, t in p.scripts if a.get("type") != "application/json"]
    assert len(executable) == 1 and not executable[0][0]  # ours, inline, no attributes
    ours = executable[0][1]
    from bomtrace.report.html import script

    assert ours == script()  # the fixed file, no data interpolated into it
    digest = base64.b64encode(hashlib.sha256(ours.encode()).digest()).decode()
    csp = [a for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1
    rules = dict(r.strip().split(" ", 1) for r in (csp[0]["content"] or "").split(";"))
    assert rules["default-src"] == "'none'" and rules["img-src"] == "data:"
    assert rules["script-src"] == f"'sha256-{digest}'"
    data = [t for a, t in p.scripts if a.get("type") == "application/json"]
    assert len(data) == 1 and "<" not in data[0] and ">" not in data[0] and "&" not in data[0]
    tree = json.loads(data[0])  # the hostile texts survive as data
    assert set(evil) <= set(tree["pn"]) | set(tree["desc"]) | set(tree["origin"])


def test_us_origin_product_has_no_nearest_threshold(write_csv: WriteCsv) -> None:
    bom = write_csv("us.csv", HEAD + "0,PROD-US,Router,1,,US,\n1,CHIP,Chip,1,35,US,3A001.a.7\n")
    d, _ = doc("analyze", str(bom), "--all-destinations")
    s = d["products"][0]["summary"]
    assert s["nearest"] is None and s["not_subject_count"] == 0 and len(s["subject_for"]) > 100
