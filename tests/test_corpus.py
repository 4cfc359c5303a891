"""The corpus of real public BOM exports (issue 22): each file read as a correct reader must.

Every folder ``tests/corpus/<kind>/`` holds files copied byte for byte from public repositories,
their provenance in ``SOURCES.md`` and, in ``expected.toml``, the facts established by hand that a
correct reader gives (one ``[[file]]`` table per file)::

    path = "eda/slug.csv"        # relative to tests/corpus
    tool = "KiCad"               # exporting tool or source
    header_row = 1               # row (line) of the header as Excel or a text editor shows it
    lines = 42                   # BOM lines a correct reader uses (one per part line)
    total_quantity = 123.0       # sum of the quantity over those lines (per one product unit)
    products = 1                 # products (top-level items) in the file
    exploded = { "PN" = 4.0 }    # optional: a few parts' total quantity per product unit
    rolled_cost = 12.34          # optional: one product's rolled-up cost
    product = "PN"               # optional: the product those two are about (default: the first)
    args = []                    # bomtrace flags a user needs today
    status = "reads"             # "reads" or "gap"
    gap = ""                     # for a gap: what goes wrong

A file whose ``status`` is ``"gap"`` is an expected failure, strictly: when a reader learns to read
it, the test fails until its expectations say ``"reads"``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bomtrace.cli import cli

CORPUS = Path(__file__).parent / "corpus"
KEEP = {"expected.toml", "SOURCES.md", "README.md"}
STATUSES = {"reads", "gap"}
REQUIRED = ("path", "tool", "header_row", "lines", "total_quantity", "products", "status")


@dataclass(frozen=True)
class Expected:
    """One ``[[file]]`` table of an ``expected.toml``."""

    path: str
    tool: str
    header_row: int
    lines: int
    total_quantity: float
    products: int
    status: str
    gap: str = ""
    args: tuple[str, ...] = ()
    exploded: dict[str, float] = field(default_factory=dict)
    rolled_cost: float | None = None
    product: str | None = None

    @property
    def file(self) -> Path:
        return CORPUS / self.path


def _expectation_files() -> list[Path]:
    return sorted(CORPUS.glob("*/expected.toml"))


def _entries() -> Iterator[tuple[Path, dict[str, Any]]]:
    for toml_path in _expectation_files():
        with toml_path.open("rb") as handle:
            document = tomllib.load(handle)
        for entry in document.get("file", []):
            yield toml_path, entry


def _expected(entry: dict[str, Any]) -> Expected:
    return Expected(
        path=entry["path"],
        tool=entry["tool"],
        header_row=int(entry["header_row"]),
        lines=int(entry["lines"]),
        total_quantity=float(entry["total_quantity"]),
        products=int(entry["products"]),
        status=entry["status"],
        gap=entry.get("gap", ""),
        args=tuple(entry.get("args", ())),
        exploded={str(k): float(v) for k, v in entry.get("exploded", {}).items()},
        rolled_cost=None if entry.get("rolled_cost") is None else float(entry["rolled_cost"]),
        product=entry.get("product"),
    )


def _params() -> list[Any]:
    params = []
    for _, entry in _entries():
        expected = _expected(entry)
        marks = []
        if expected.status == "gap":
            marks.append(pytest.mark.xfail(strict=True, reason=expected.gap or "gap"))
        params.append(pytest.param(expected, id=expected.path, marks=marks))
    return params


def _run(command: str, expected: Expected, *extra: str) -> str:
    runner = CliRunner()
    result = runner.invoke(
        cli, [command, str(expected.file), *expected.args, *extra], catch_exceptions=False
    )
    # exit 2/3 (refused, unreadable): the reader did not read the file; the facts below fail
    assert result.exit_code in (0, 1), f"{command} exited {result.exit_code}: {result.output}"
    return result.stdout


def _close(got: float | None, want: float) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6)


@pytest.mark.parametrize("expected", _params())
def test_corpus_file_reads_as_expected(expected: Expected) -> None:
    inspected = json.loads(_run("inspect", expected, "--format", "json"))
    facts = {
        "header_row": inspected["header_row"],
        # fitted part lines: rows of one part merged (one row per placement), product lines
        # the reader added and do-not-populate lines left out
        "lines": inspected["lines"] - inspected["lines_added"] - inspected["lines_not_fitted"],
        "total_quantity": inspected["total_quantity"],
        "products": len(inspected["products"]),
    }
    wanted = {
        "header_row": expected.header_row,
        "lines": expected.lines,
        "total_quantity": expected.total_quantity,
        "products": expected.products,
    }
    assert facts["header_row"] == wanted["header_row"], facts
    assert facts["lines"] == wanted["lines"], facts
    assert _close(facts["total_quantity"], expected.total_quantity), facts
    assert facts["products"] == wanted["products"], facts

    if not expected.exploded and expected.rolled_cost is None:
        return
    table = list(csv.DictReader(io.StringIO(_run("explode", expected, "--format", "csv"))))
    product = expected.product or (table[0]["product"] if table else None)
    rows = [row for row in table if row["product"] == product]
    for part, quantity in expected.exploded.items():
        got = sum(float(row["quantity"] or 0) for row in rows if row["part_number"] == part)
        assert _close(got, quantity), f"{part}: {got} != {quantity}"
    if expected.rolled_cost is not None:
        costs = [row["extended_cost"] for row in rows]
        assert all(costs), f"a line of {product} has no cost"
        assert _close(round(sum(float(c) for c in costs), 6), expected.rolled_cost), costs


def test_corpus_has_expectations() -> None:
    assert _expectation_files(), "no tests/corpus/*/expected.toml"


@pytest.mark.parametrize("toml_path", _expectation_files(), ids=lambda p: p.parent.name)
def test_expectations_are_well_formed(toml_path: Path) -> None:
    with toml_path.open("rb") as handle:
        entries = tomllib.load(handle).get("file", [])
    paths = [entry.get("path") for entry in entries]
    assert len(paths) == len(set(paths)), "a file has two [[file]] tables"
    for entry in entries:
        missing = [key for key in REQUIRED if key not in entry]
        assert not missing, f"{entry.get('path')}: missing {missing}"
        assert entry["status"] in STATUSES, entry["path"]
        assert entry["status"] != "gap" or entry.get("gap"), f"{entry['path']}: gap not said"
        assert (CORPUS / entry["path"]).is_file(), f"{entry['path']} is not in the corpus"
        assert Path(entry["path"]).parts[0] == toml_path.parent.name, entry["path"]


@pytest.mark.parametrize(
    "folder", sorted(p.parent for p in _expectation_files()), ids=lambda p: p.name
)
def test_every_corpus_file_has_expectations_and_sources(folder: Path) -> None:
    with (folder / "expected.toml").open("rb") as handle:
        listed = {entry["path"] for entry in tomllib.load(handle).get("file", [])}
    sources = [folder / "SOURCES.md", CORPUS / "SOURCES.md"]
    rows = "\n".join(
        line
        for source in sources
        if source.is_file()
        for line in source.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    )
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name in KEEP:
            continue
        relative = path.relative_to(CORPUS).as_posix()
        assert relative in listed, f"{relative} has no [[file]] in {folder.name}/expected.toml"
        assert path.name in rows, f"{relative} has no row in SOURCES.md"


def _corpus_files() -> list[Path]:
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.name not in KEEP and p.suffix != ".md"
    )


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.relative_to(CORPUS).as_posix())
def test_corpus_file_without_flags_never_crashes_nor_loses_a_row(path: Path) -> None:
    """Every corpus file, read as a new user would (no flags): no traceback, and every row
    read is used or skipped with a reason (read = used + skipped, per source)."""
    runner = CliRunner()
    result = runner.invoke(cli, ["inspect", str(path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1, 2, 3), result.output
    if result.exit_code >= 2:  # refused: the message says why and what to do
        assert "--column" in result.output or "--sheet" in result.output, result.output
        return
    inspected = json.loads(result.stdout)
    for source in inspected["sources"]:
        skipped = sum(source["rows_skipped"].values())
        assert source["rows"] == source["rows_used"] + skipped, source["path"]
    analyzed = runner.invoke(
        cli, ["analyze", str(path), "-d", "CN", "--format", "json"], catch_exceptions=False
    )
    assert analyzed.exit_code in (0, 1, 3), analyzed.output
