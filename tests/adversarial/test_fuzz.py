"""Issue 17: a hypothesis fuzz test of the real command line on random BOM files.

Each example is a random BOM written to a temporary folder: headers drawn from the alias table
(``bomtrace.io.aliases``) in any case, and junk headers; cells of every kind (integers,
floats with negative, NaN, infinite and 1e308 values, text, money strings, empty cells,
formula-like text, which openpyxl writes as formulas without a saved value, dates, flags);
an indented structure (Level 0..n with jumps and junk levels) or a parent-child one (a small
pool of part numbers, so cycles and duplicate edges come up), with title, blank and footer
rows; as csv (several delimiters, sometimes ragged rows) or xlsx (sometimes two sheets), and
sometimes with a separate parts master. Every example runs ``bomtrace analyze FILES -d CN
--format json -q`` and ``bomtrace inspect FILES --format json`` through click's CliRunner.

What must hold for every example, one test per family (``FAMILIES``):

``no-traceback``
    No exception escapes a command (only ``SystemExit``), no "Traceback" in its output.
``exit-code``
    The exit code is one of ``bomtrace.exitcodes.DOCUMENTED`` and never ``INTERNAL`` (4).
``no-warnings``
    No Python warning is raised while the commands run (e.g. numpy's "overflow encountered"
    when a 1e308 quantity multiplies into infinity).
``schema``
    When a command exits 0, 1 or 3 its stdout is JSON (parsed strictly: NaN and Infinity are
    refused) that validates against the published schema (``bomtrace.schema``).
``exit-matches-document``
    ``analyze`` exits 3 when some product is not analysed (or there is none), else 1 when some
    product is subject, undetermined or caught by an FDP rule for a destination, else 0.
``bookkeeping``
    Per source (``inputs`` of analyze, ``sources`` of inspect): ``rows == rows_used +
    sum(rows_skipped)``; inspect's ``rows_read == rows_used + sum(rows_skipped)`` and these
    are the sums over its sources; ``lines == rows_used of the BOM sources + lines_added``.
    Every skipped row that is not blank has an issue at its row (a ``missing-part-number``,
    ``row-skipped``, ``ragged-row`` or ``not-in-effect``): per source, the rows with such
    issues number at least the non-blank skipped rows (a block of footer rows counts once:
    it gets one issue at its first row) and at most all of them.
``no-verdict-from-error``
    No product is given a verdict from a value reported as an error. Precisely: take every
    issue of severity ``error`` that names a part (``part_number``), except the codes whose
    message says the value reported is not used (:data:`HANDLED`: ``negative-value``, treated
    as missing, which opens the bounds; ``product-not-analysed``, which is the handling
    itself). Conflicting listings (``quantity-conflict``, ``structure-conflict``) stop the
    products above them, so they are checked like any other error. If the part is in
    bomtrace's own graph
    (``bomtrace.graph.load.load_graph`` on the same files) and the issue's row is in use there (the
    row of an edge into that part, or the row that defines the part; an issue without a row
    counts as in use), the value feeds every product above that edge (or above the part).
    Each such product must be not analysed, or have no destination with the verdict
    ``not-subject`` (``undetermined`` or ``subject`` are fine). A row not in use (a line with
    no parent, "not used") feeds nothing, so repeated part numbers give no false alarm.

The examples run once and every family is checked on each (one report, ``fuzz()``); the
``test_fuzz[family]`` tests read it. Minimal examples of the defects found are run first
(``EXAMPLES``); families that fail on the current code are marked ``xfail(strict=False)`` in
``KNOWN`` with the defect: remove a mark when its fix lands. The default profile (150
examples, under a minute) is deterministic and does not shrink. ``BOMTRACE_FUZZ=long`` runs
2000 random examples; ``BOMTRACE_FUZZ_SHRINK=family[,family]`` stops at that family's first
failure, which hypothesis then shrinks to a minimal example.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import shutil
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openpyxl import Workbook

from bomtrace.cli import cli
from bomtrace.exitcodes import DOCUMENTED, ExitCode
from bomtrace.io.aliases import ALIASES
from bomtrace.schema import load_schema

# -- profiles -----------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
}
settings.register_profile(
    "bomtrace-fuzz",
    max_examples=150,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    print_blob=False,
    **_COMMON,
)
settings.register_profile("bomtrace-fuzz-long", max_examples=2000, **_COMMON)
PROFILE = "bomtrace-fuzz-long" if os.environ.get("BOMTRACE_FUZZ") == "long" else "bomtrace-fuzz"

# -- what a random BOM is made of ---------------------------------------------------------

Cell = Any  #: None, bool, int, float, str or datetime
Rows = tuple[tuple[Cell, ...], ...]

NUMERIC = (
    "quantity",
    "unit_cost",
    "selling_price",
    "us_tech_value",
    "us_content_pct",
    "package_quantity",
    "package_price",
    "price_unit",
)
TEXT = (
    "description",
    "manufacturer",
    "mpn",
    "supplier",
    "uom",
    "currency",
    "reference_designators",
    "producer",
    "designed_by",
    "us_technology_eccns",
)
FLAGS = (
    "discrete_product",
    "bundled",
    "gbs_eligible",
    "short_supply_only",
    "listed_ear99",
    "made_with_us_equipment",
    "dnp",
)
DATES = ("effective_from", "effective_to")
#: fields a random table may have besides the part number and the structure columns
OPTIONAL = (
    *NUMERIC,
    *TEXT,
    *FLAGS,
    *DATES,
    "country_of_origin",
    "eccn",
    "item_type",
)
#: the fields a parts master may have
MASTER = ("description", "unit_cost", "currency", "country_of_origin", "eccn", "selling_price")

POOL = ("P0", "P1", "A", "B", "C", "D", "E")
WEIRD_PARTS = (
    "",
    " ",
    "0047",
    "=A1",
    "+1",
    "-5",
    "@SUM(A1)",
    "Total",
    "Approved by: QA",
    "X" * 300,
    "ünï-中文",
    'quo"te',
    "semi;colon",
    "com,ma",
)
NUMBER_TEXTS = (
    "$1,234.50",
    "1.234,50 €",
    "€ 5",
    "¥300",
    "12 pcs",
    "0.5 m",
    "DNP",
    "n/a",
    "-",
    "abc",
    "1e308",
    "-1e308",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "12%",
    "(5.00)",
    "-50",
    "1,5",
    "  7 ",
    "0",
    "=A1*2",
    "=1/0",
    "#DIV/0!",
    "#VALUE!",
)
FORMULAS = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3")
COUNTRIES = (
    "US",
    "USA",
    "United States",
    "us",
    "U.S.A.",
    "CN",
    "China",
    "JP",
    "TW",
    "DE",
    "Germany",
    "RU",
    "IR",
    "KP",
    "HK",
    "XX",
    "Narnia",
    "",
)
ECCNS = (
    "EAR99",
    "3A001.a.7",
    "3A001.b.2",
    "3A991",
    "3A090",
    "4A003",
    "5A002.a",
    "5A992.c",
    "5D002",
    "9A515.a.1",
    "3E001",
    "0A501",
    "1C351",
    "9x515",
    "XYZ",
    "",
)
FOREIGN = ("CN", "JP", "TW", "DE", "China", "KR")
LOW = ("EAR99", "EAR99", "5A992.c", "3A991")  #: not controlled for China
ITEM_TYPES = ("", "software", "technology", "commodity", "hardware", "firmware", "data", "?")
FLAG_TEXTS = ("yes", "no", "Y", "N", "true", "1", "0", "x", "maybe", "DNP", "fitted", "")
DATE_TEXTS = ("2020-08-17", "17.08.2020", "2099-01-01", "1999-12-31", "not a date", "")
TITLES = ("Multi-level BOM report (indented)", "Product: P0", "Exported 2024-01-01")
FOOTERS = (("Total",), ("Approved by: QA",), ("Notes: none",), ("Page 1 of 1",), ("",))

_TEXT_CHARS = st.characters(blacklist_categories=("Cc", "Cs"))


def floats() -> st.SearchStrategy[float]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1e308, -1e308, 1.7976931348623157e308, 5e-324, -0.0, 1e-9, 2.0**63]),
        st.floats(-1000, 1000, allow_nan=False),
    )


def hostile(name: str) -> st.SearchStrategy[Cell]:
    """A cell that a careless export, a typo or an attacker puts in a column of ``name``."""
    if name in NUMERIC:
        return st.one_of(
            st.integers(-10, 1000),
            floats(),
            st.sampled_from(NUMBER_TEXTS),
            st.none(),
            st.booleans(),
        )
    if name in ("part_number", "parent"):
        return st.one_of(st.sampled_from(WEIRD_PARTS), st.integers(0, 99), st.none())
    return st.one_of(
        st.text(_TEXT_CHARS, max_size=20),
        st.sampled_from(FORMULAS),
        st.sampled_from(NUMBER_TEXTS),
        st.none(),
        st.integers(-5, 5),
        floats(),
        st.datetimes(datetime(1990, 1, 1), datetime(2100, 1, 1)),
    )


def clean(name: str) -> st.SearchStrategy[Cell]:
    """A cell as a tidy export has it in a column of ``name`` ("" for a junk column)."""
    if name == "quantity":
        return st.one_of(st.integers(1, 4), st.sampled_from([0.5, 2.0, "3", "2 pcs"]))
    if name in ("unit_cost", "package_price"):
        return st.one_of(
            st.integers(1, 400), st.floats(0.01, 500).map(lambda x: round(x, 2)), st.none()
        )
    if name in ("selling_price", "us_tech_value", "us_content_pct"):
        return st.one_of(st.none(), st.none(), st.sampled_from([900, 2500, 40.5, "12%"]))
    if name in ("package_quantity", "price_unit"):
        return st.one_of(st.none(), st.sampled_from([1, 10, 100]))
    if name == "country_of_origin":  # mostly foreign: many products come out not-subject
        return st.one_of(st.sampled_from(COUNTRIES[:14]), st.sampled_from(FOREIGN), st.none())
    if name == "eccn":
        return st.one_of(st.sampled_from(ECCNS[:13]), st.sampled_from(LOW), st.none())
    if name == "item_type":
        return st.one_of(st.sampled_from(ITEM_TYPES[:4]), st.none())
    if name in FLAGS:
        return st.one_of(st.sampled_from(["yes", "no", ""]), st.none())
    if name in DATES:
        return st.one_of(st.none(), st.none(), st.sampled_from(DATE_TEXTS[:4]))
    if name == "currency":
        return st.one_of(st.none(), st.just("USD"), st.sampled_from(["EUR", "usd"]))
    if name in ("part_number", "parent"):
        return st.sampled_from(POOL)
    ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
    return st.one_of(st.none(), ascii_text)


@st.composite
def cells(draw: st.DrawFn, name: str, noise: int) -> Cell:
    """A clean cell, or a hostile one with a chance of ``noise`` in 100."""
    bad = draw(st.integers(0, 99)) < noise
    return draw(hostile(name) if bad else clean(name))


@st.composite
def header_text(draw: st.DrawFn, name: str) -> str:
    """A header for field ``name`` from the alias table, in any case; junk for ""."""
    if not name:
        return draw(
            st.one_of(
                st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd")), max_size=8),
                st.sampled_from(["Unnamed: 3", "Remarks", "Col", "#", "  ", "2020", "Notes"]),
            )
        )
    text = draw(st.sampled_from((name, *ALIASES.get(name, ()))))
    cases: list[Callable[[str], str]] = [str, str.upper, str.lower, str.title]
    case = draw(st.sampled_from(cases))
    pad = draw(st.sampled_from(["", " ", "  "]))
    return pad + case(text) + pad


@st.composite
def levels(draw: st.DrawFn, n: int, noise: int) -> list[Cell]:
    """A level per row: a walk from 0, one deeper at most, back up to 1 or to a new product at
    0; with noise, jumps several levels deeper and junk levels."""
    out: list[Cell] = []
    lv = 0 if draw(st.integers(0, 99)) >= noise else draw(st.sampled_from([1, 2]))
    for _ in range(n):
        bad = draw(st.integers(0, 99)) < noise
        if bad and draw(st.booleans()):
            out.append(draw(st.sampled_from(["x", "1.5", "-1", "", None, "1.2.3", ".1", "..2"])))
            continue
        out.append(lv if draw(st.booleans()) else str(lv))
        step = draw(st.sampled_from([2, 3] if bad else [-2, -1, 0, 1, 1]))
        lv = max(1 if out[0] == 0 and draw(st.integers(0, 9)) else 0, lv + step)
    return out


@st.composite
def structure(draw: st.DrawFn, n: int, noise: int) -> tuple[list[Cell], list[Cell]]:
    """Part numbers and parents of a parent-child table: a tree over the pool (a product with
    no parent first), or with noise, parents from anywhere (cycles), repeats and gaps."""
    parts: list[Cell] = []
    parents: list[Cell] = []
    for i in range(n):
        if draw(st.integers(0, 99)) < noise:
            parts.append(draw(st.one_of(st.sampled_from(POOL), hostile("part_number"))))
            parents.append(draw(st.one_of(st.sampled_from(POOL), st.none(), hostile("parent"))))
            continue
        if i and draw(st.integers(0, 3)):
            parents.append(draw(st.sampled_from(parts[:i])))
        else:
            parents.append(None)
        parts.append(POOL[i] if i < len(POOL) else f"{POOL[i % len(POOL)]}{i}")
    return parts, parents


@dataclass(frozen=True)
class Table:
    """One sheet or csv file: rows above the header, the header, body rows (raw cells)."""

    above: Rows
    header: tuple[str, ...]
    fields: tuple[str, ...]  #: the field each column was drawn for ("" for junk)
    body: Rows


@dataclass(frozen=True)
class Bom:
    """A random BOM: one or two tables, how they are written, an optional parts master."""

    fmt: str  #: "csv" or "xlsx"
    layout: str  #: "indented" or "parent-child"
    tables: tuple[Table, ...]
    master: Table | None
    delimiter: str
    encoding: str

    def files(self, folder: Path) -> list[Path]:
        """Write the BOM into ``folder``; the paths to give the commands."""
        out: list[Path] = []
        if self.fmt == "xlsx":
            out.append(_write_xlsx(folder / "bom.xlsx", self.tables))
        else:
            out.append(_write_csv(folder / "bom.csv", self.tables[0], self))
        if self.master is not None:
            out.append(_write_csv(folder / "parts.csv", self.master, self))
        return out


def _text(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime):
        return v.date().isoformat()
    return str(v)


def _write_csv(path: Path, t: Table, bom: Bom) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=bom.delimiter, lineterminator="\n")
    for row in (*t.above, t.header, *t.body):
        w.writerow([_text(v) for v in row])
    path.write_bytes(buf.getvalue().encode(bom.encoding, errors="replace"))
    return path


def _write_xlsx(path: Path, tables: tuple[Table, ...]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for k, t in enumerate(tables):
        ws = wb.create_sheet("BOM" if k == 0 else f"Sheet{k + 1}")
        for i, row in enumerate((*t.above, t.header, *t.body), start=1):
            for j, v in enumerate(row, start=1):
                if v is not None and v != "":
                    ws.cell(row=i, column=j, value=v)
    wb.save(path)
    return path


@st.composite
def tables(draw: st.DrawFn, layout: str, noise: int, master: bool = False) -> Table:
    """A random table of a BOM (or of a parts master)."""
    if master:
        chosen = ["part_number", *draw(st.lists(st.sampled_from(MASTER), max_size=5))]
    else:
        chosen = draw(st.lists(st.sampled_from(OPTIONAL), max_size=6))
        usual = ("quantity", "unit_cost", "country_of_origin", "eccn")
        chosen = [f for f in usual if draw(st.integers(0, 19)) >= noise // 5] + chosen
        if draw(st.integers(0, 99)) >= noise // 4:
            chosen.insert(0, "part_number")
        if draw(st.integers(0, 99)) >= noise // 4:
            at = draw(st.integers(0, len(chosen)))
            chosen.insert(at, "level" if layout == "indented" else "parent")
    if draw(st.integers(0, 99)) < noise:  # junk columns
        for _ in range(draw(st.integers(1, 2))):
            chosen.insert(draw(st.integers(0, len(chosen))), "")
    header = tuple(draw(header_text(f)) for f in chosen)
    n = draw(st.integers(0 if noise else 1, 10))
    columns: dict[int, list[Cell]] = {}
    parts, parents = draw(structure(n, noise))
    for j, f in enumerate(chosen):
        if f == "level":
            columns[j] = draw(levels(n, noise))
        elif f == "part_number" and not master and layout == "parent-child":
            columns[j] = parts
        elif f == "parent":
            columns[j] = parents
        else:
            columns[j] = draw(st.lists(cells(f, noise), min_size=n, max_size=n))
    body: list[tuple[Cell, ...]] = [tuple(columns[j][i] for j in columns) for i in range(n)]
    if n and draw(st.integers(0, 99)) < noise:  # blank rows, footer rows, ragged rows
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(body)))
            kind = draw(st.sampled_from(["blank", "footer", "short", "long", "again"]))
            if kind == "blank":
                body.insert(at, ())
            elif kind == "footer":
                body.insert(at, draw(st.sampled_from(FOOTERS)))
            elif kind == "again":  # a repeated line: a duplicate edge
                body.insert(at, body[min(at, len(body) - 1)])
            elif kind == "short" and at < len(body):
                body[at] = body[at][: max(1, len(body[at]) - 2)]
            elif at < len(body):
                body[at] = (*body[at], "extra", "cells")
    above: Rows = tuple((draw(st.sampled_from(TITLES)),) for _ in range(draw(st.integers(0, 2))))
    gap: bool = draw(st.booleans())
    if above and gap:  # a blank row between the title and the header
        above = (*above, ())
    return Table(above, header, tuple(chosen), tuple(body))


@st.composite
def boms(draw: st.DrawFn) -> Bom:
    """A random BOM; its noise (the chance of a hostile cell, a missing column, a junk one)
    ranges from none to most."""
    noise = draw(st.sampled_from([0, 5, 15, 40, 80]))
    fmt = draw(st.sampled_from(["csv", "xlsx"]))
    layout = draw(st.sampled_from(["indented", "parent-child"]))
    first = draw(tables(layout, noise))
    two = fmt == "xlsx" and draw(st.integers(0, 5)) == 0
    more = (draw(tables(layout, noise)),) if two else ()
    with_master = layout == "parent-child" and draw(st.integers(0, 4)) == 0
    master = draw(tables(layout, noise, master=True)) if with_master else None
    return Bom(
        fmt=fmt,
        layout=layout,
        tables=(first, *more),
        master=master,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        encoding=draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252"])),
    )


# -- running the commands -----------------------------------------------------------------


@dataclass
class Outcome:
    """What the commands did for one example."""

    analyze: Result
    inspect: Result
    warned: list[str]
    #: per error issue in use (see no-verdict-from-error): the products its value feeds;
    #: None when not needed (no product is not-subject, or no error names a part)
    fed: list[tuple[dict[str, Any], list[str]]] | None = None
    graph_error: str | None = None
    docs: dict[str, Any] = field(default_factory=dict)


#: error codes whose value the message says was handled without blocking (see the docstring)
HANDLED = frozenset({"negative-value", "product-not-analysed"})
SKIP_CODES = frozenset({"missing-part-number", "row-skipped", "ragged-row", "not-in-effect"})


def _show(folder: Path) -> str:
    """The written files, for a failure message (xlsx as the cells openpyxl reads back)."""
    from openpyxl import load_workbook

    out = []
    for p in sorted(folder.iterdir()):
        if p.suffix == ".xlsx":
            wb = load_workbook(p)
            for ws in wb.worksheets:
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
                out.append(f"--- {p.name} [{ws.title}]\n" + "\n".join(map(repr, rows)))
        else:
            out.append(f"--- {p.name}\n" + p.read_bytes().decode("utf-8", "replace"))
    return "\n".join(out)


def run_commands(paths: list[str]) -> Outcome:
    """Run analyze and inspect on the files."""
    runner = CliRunner()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = runner.invoke(cli, ["analyze", *paths, "-d", "CN", "--format", "json", "-q"])
        i = runner.invoke(cli, ["inspect", *paths, "--format", "json"])
    got = Outcome(a, i, [f"{w.category.__name__}: {w.message}" for w in caught])
    for name, res in (("analyze", a), ("inspect", i)):
        if res.exit_code in (0, 1, 3):
            with contextlib.suppress(orjson.JSONDecodeError):
                got.docs[name] = orjson.loads(res.stdout_bytes)
    doc = got.docs.get("analyze")
    if doc is not None and _needs_graph(doc):
        try:
            got.fed = _fed(paths, doc)
        except Exception as e:  # the CLI ran; the check needs the graph: say why there is none
            got.graph_error = f"{type(e).__name__}: {e}"
    return got


def examine(bom: Bom) -> tuple[Outcome, dict[str, str]]:
    """Write the BOM, run the commands, check every family: the outcome and the failures
    (family -> message with the files as written and the commands' stderr)."""
    folder = Path(tempfile.mkdtemp(prefix="bomtrace-fuzz-"))
    try:
        o = run_commands([str(p) for p in bom.files(folder)])
        failed: dict[str, str] = {}
        for name, check in FAMILIES.items():
            try:
                check(o)
            except AssertionError as e:
                failed[name] = (
                    f"{name}: {e}\n{_show(folder)}\nanalyze exit {o.analyze.exit_code}, "
                    f"stderr: {o.analyze.stderr[-800:]}\ninspect exit {o.inspect.exit_code}, "
                    f"stderr: {o.inspect.stderr[-800:]}"
                )
        return o, failed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _not_subject(p: dict[str, Any]) -> bool:
    return bool(p.get("analysed")) and any(
        d.get("verdict") == "not-subject" for d in p.get("destinations", [])
    )


def _needs_graph(doc: dict[str, Any]) -> bool:
    parts = any(i["severity"] == "error" and i["part_number"] for i in doc["issues"])
    return parts and any(_not_subject(p) for p in doc["products"])


def _fed(paths: list[str], doc: dict[str, Any]) -> list[tuple[dict[str, Any], list[str]]]:
    """For each error issue naming a part whose row is in use, the products it feeds."""
    import numpy as np

    from bomtrace.graph.load import load_graph

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph, _ = load_graph(paths)
    n = graph.n_nodes
    kids: list[list[int]] = [[] for _ in range(n)]
    for u, v in zip(graph.parent.tolist(), graph.child.tolist(), strict=True):
        kids[u].append(v)
    pns = [str(p) for p in graph.part_numbers]
    roots = [int(r) for r in graph.roots]
    below: dict[int, set[int]] = {}
    for r in roots:  # every node reachable from each product (itself included)
        seen, todo = {r}, [r]
        while todo:
            for c in kids[todo.pop()]:
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        below[r] = seen

    def key(f: Any, s: Any, row: Any) -> tuple[str, str | None, int]:
        sheet = None if s is None or (isinstance(s, float) and math.isnan(s)) else str(s)
        return (str(f), sheet, int(row))

    er = graph.edge_rows
    edge_at: dict[tuple[str, str | None, int], list[int]] = {}
    if len(er):
        for e, (f, s, row) in enumerate(er[["_file", "_sheet", "_row"]].itertuples(index=False)):
            edge_at.setdefault(key(f, s, row), []).append(e)
    nodes = graph.nodes
    node_at: dict[tuple[str, str | None, int], list[int]] = {}
    if "_row" in nodes.columns:
        cols = nodes[["_file", "_sheet", "_row"]].itertuples(index=False)
        for v, (f, s, row) in enumerate(cols):
            if row is not None and not (isinstance(row, float) and np.isnan(row)):
                node_at.setdefault(key(f, s, row), []).append(v)
    out = []
    for issue in doc["issues"]:
        pn = issue["part_number"]
        if issue["severity"] != "error" or not pn or issue["code"] in HANDLED:
            continue
        try:
            x = graph.index_of(pn)
        except KeyError:
            continue
        if issue["row"] is None:
            tops = [x]
        else:
            at = (str(issue["file"]), issue["sheet"], int(issue["row"]))
            tops = [int(graph.parent[e]) for e in edge_at.get(at, []) if graph.child[e] == x]
            if x in node_at.get(at, []):
                tops.append(x)
        fed = sorted({pns[r] for r in roots for t in tops if t in below[r] and r != x})
        if fed:
            out.append((issue, fed))
    return out


# -- the families -------------------------------------------------------------------------


def _both(o: Outcome) -> list[tuple[str, Result]]:
    return [("analyze", o.analyze), ("inspect", o.inspect)]


def no_traceback(o: Outcome) -> None:
    for name, r in _both(o):
        assert r.exception is None or isinstance(r.exception, SystemExit), (
            f"{name} raised {r.exception!r}"
        )
        assert "Traceback" not in r.stdout and "Traceback" not in r.stderr, name


def exit_code(o: Outcome) -> None:
    for name, r in _both(o):
        assert r.exit_code in DOCUMENTED, f"{name} exit {r.exit_code}: {r.stderr[-500:]}"
        assert r.exit_code != ExitCode.INTERNAL, f"{name}: {r.stderr[-500:]}"


def no_warnings(o: Outcome) -> None:
    assert o.warned == [], o.warned


_VALIDATORS: dict[str, Draft202012Validator] = {}


def schema(o: Outcome) -> None:
    for name, r in _both(o):
        if r.exit_code not in (0, 1, 3):
            continue
        doc = orjson.loads(r.stdout_bytes)  # strict: NaN/Infinity refused
        v = _VALIDATORS.get(name)
        if v is None:
            v = _VALIDATORS[name] = Draft202012Validator(load_schema(name))
        where = [(list(e.absolute_path), e.message[:200]) for e in v.iter_errors(doc)]
        errors = [f"{'/'.join(map(str, p))}: {m}" for p, m in where]
        assert errors == [], f"{name}: {errors[:5]}"


def exit_matches_document(o: Outcome) -> None:
    doc = o.docs.get("analyze")
    if doc is None:
        return
    products = doc["products"]
    if not products or any(not p["analysed"] for p in products):
        want = ExitCode.INCOMPLETE
    elif any(
        p.get("fdpr") or any(d["verdict"] in ("subject", "undetermined") for d in p["destinations"])
        for p in products
    ):
        want = ExitCode.FLAGGED
    else:
        want = ExitCode.OK
    assert o.analyze.exit_code == want, f"exit {o.analyze.exit_code}, the document says {want}"


def bookkeeping(o: Outcome) -> None:
    for name, listed in (("analyze", "inputs"), ("inspect", "sources")):
        doc = o.docs.get(name)
        if doc is None:
            continue
        at: dict[tuple[Any, Any], set[int]] = {}
        for i in doc["issues"]:
            if i["code"] in SKIP_CODES and i["row"] is not None:
                at.setdefault((i["file"], i["sheet"]), set()).add(i["row"])
        for s in doc[listed]:
            skipped = s["rows_skipped"]
            assert s["rows"] == s["rows_used"] + sum(skipped.values()), (name, s)
            not_blank = sum(v for k, v in skipped.items() if k != "blank")
            footer = skipped.get("footer below the data", 0)
            least = not_blank - footer + (1 if footer else 0)
            got = len(at.get((s["path"], s["sheet"]), set()))
            assert least <= got <= not_blank, (
                f"{name}: {s['path']} [{s['sheet']}] skipped {skipped}, issues at {got} rows"
            )
    doc = o.docs.get("inspect")
    if doc is not None:
        src = doc["sources"]
        skipped = doc["rows_skipped"]
        assert doc["rows_read"] == doc["rows_used"] + sum(skipped.values())
        assert doc["rows_read"] == sum(s["rows"] for s in src)
        assert doc["rows_used"] == sum(s["rows_used"] for s in src)
        bom_used = sum(s["rows_used"] for s in src if s["role"] == "bom")
        assert doc["lines"] == bom_used + doc["lines_added"], (doc["lines"], bom_used)


def no_verdict_from_error(o: Outcome) -> None:
    doc = o.docs.get("analyze")
    if doc is None or not _needs_graph(doc):
        return
    assert o.graph_error is None, o.graph_error
    by_pn = {p["part_number"]: p for p in doc["products"]}
    for issue, products in o.fed or []:
        for pn in products:
            p = by_pn.get(pn)
            assert p is None or not _not_subject(p), (
                f"product {pn} is not-subject although {issue['code']} "
                f"({issue['message']}) feeds it"
            )


FAMILIES: dict[str, Callable[[Outcome], None]] = {
    "no-traceback": no_traceback,
    "exit-code": exit_code,
    "schema": schema,
    "bookkeeping": bookkeeping,
    "no-verdict-from-error": no_verdict_from_error,
    "exit-matches-document": exit_matches_document,
    "no-warnings": no_warnings,
}


def _csv(header: tuple[str, ...], *rows: tuple[Cell, ...], layout: str = "indented") -> Bom:
    """A small csv BOM written as given (for the examples below)."""
    return Bom("csv", layout, (Table((), header, header, rows),), None, ",", "utf-8")


#: minimal examples of the defects the fuzzing found, run first in every profile (regressions
#: once fixed; ``KNOWN`` names the families the open ones fail)
EXAMPLES: dict[str, Bom] = {
    # fixed: analyze ended in "internal error (ValueError: cannot reshape array of size 0 into
    # shape (0,newaxis))" in the roll-up (the only line has no level: a graph with no node)
    "empty-level": _csv(("Level", "Part Number", "Qty"), ("", "33", 1)),
    # inspect: total_quantity is the sum of 1e308 + 1e308 = inf, written as null (the schema
    # wants a number), with numpy's "RuntimeWarning: overflow encountered in reduce"
    "huge-quantities": _csv(("Part Number", "Qty"), ("A", 1e308), ("B", 1e308)),
}
#: families failing on the current code: the defect, until its fix lands
KNOWN: dict[str, str] = {}
#: families whose failure stops the run so that hypothesis shrinks it to a minimal example
#: (``BOMTRACE_FUZZ_SHRINK=schema,bookkeeping``; best with ``BOMTRACE_FUZZ=long``)
SHRINK = {f for f in os.environ.get("BOMTRACE_FUZZ_SHRINK", "").split(",") if f}


@dataclass
class Report:
    """The fuzz run: examples seen, exit codes, and per family its failures."""

    examples: int = 0
    exits: Counter[tuple[int, int]] = field(default_factory=Counter)
    failures: dict[str, list[str]] = field(default_factory=dict)


def fuzz() -> Report:
    """Run the random examples once; every family is checked on each of them."""
    report = Report()

    @settings(parent=settings.get_profile(PROFILE))
    @given(bom=boms())
    def run(bom: Bom) -> None:
        report.examples += 1
        o, failed = examine(bom)
        report.exits[o.analyze.exit_code, o.inspect.exit_code] += 1
        for name, message in failed.items():
            report.failures.setdefault(name, []).append(message)
            if name in SHRINK:
                raise AssertionError(message)

    for bom in reversed(EXAMPLES.values()):
        run = example(bom=bom)(run)
    run()
    return report


@pytest.fixture(scope="module")
def report() -> Report:
    return fuzz()


def _params() -> list[Any]:
    out = []
    for name in FAMILIES:
        marks = [pytest.mark.xfail(strict=False, reason=KNOWN[name])] if name in KNOWN else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


@pytest.mark.parametrize("family", _params())
def test_fuzz(family: str, report: Report) -> None:
    assert report.examples >= 10, report  # the strategy gives examples, not only rejections
    found = report.failures.get(family, [])
    assert not found, f"{len(found)} of {report.examples} examples fail; the first:\n{found[0]}"


BAD_QUANTITY = """\
Level,Part Number,Qty,Unit Cost,Country of Origin,ECCN
0,P,1,,CN,
1,A,x,5,US,3A001.a.7
1,B,1,10,CN,EAR99
Total,,,,,
"""


def test_the_checks_fail_on_what_they_are_for(tmp_path: Path) -> None:
    """A real outcome passes every check; tampered, it fails the check it breaks."""
    path = tmp_path / "bom.csv"
    path.write_text(BAD_QUANTITY, encoding="utf-8")
    o = run_commands([str(path)])
    for check in FAMILIES.values():
        check(o)
    doc = o.docs["analyze"]
    assert o.analyze.exit_code == ExitCode.INCOMPLETE
    assert [i["code"] for i in doc["issues"] if i["part_number"] == "A"] == ["bad-quantity"]

    p = doc["products"][0]  # as if P had been analysed from the bad quantity
    p.update(analysed=True, destinations=[{"verdict": "not-subject"}])
    o.fed = _fed([str(path)], doc)
    assert [(i["code"], fed) for i, fed in o.fed] == [("bad-quantity", ["P"])]
    with pytest.raises(AssertionError, match="product P is not-subject"):
        no_verdict_from_error(o)
    with pytest.raises(AssertionError, match="the document says"):
        exit_matches_document(o)  # exit 3, but every product is analysed and not-subject

    inputs = doc["inputs"][0]
    assert inputs["rows_skipped"] == {"total line": 1}
    o.docs["analyze"] = {**doc, "issues": [i for i in doc["issues"] if i["code"] != "row-skipped"]}
    with pytest.raises(AssertionError, match="issues at 0 rows"):
        bookkeeping(o)
    inputs["rows_used"] -= 1
    with pytest.raises(AssertionError):
        bookkeeping(o)
