"""The published JSON Schemas (bomtrace/schema): every document the commands print for the
shipped samples validates, so does the library's ``analyze(...).to_dict()``, every field
written is described (a field typed wrongly fails), and broken documents fail.

Documents are parsed with orjson, which refuses NaN and Infinity (JSON has neither).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

import bomtrace
from bomtrace.cli import cli
from bomtrace.schema import SCHEMAS, load_schema

ROOT = Path(__file__).resolve().parent.parent
S = ROOT / "samples"
PC = S / "parent-child"
FDP = [
    str(S / "basestation_2020.xlsx"),
    "-d",
    "CN",
    "--end-user",
    "Huawei Technologies",
]
#: (schema, arguments) of every sample command whose JSON document is checked
COMMANDS: list[tuple[str, list[str]]] = [
    *[
        (verb, [str(S / f"{name}.xlsx")])
        for verb in ("analyze", "inspect", "explode")
        for name in ("p30pro", "ru5g64t", "rtr_e200", "basestation_2020")
    ],
    *[
        (verb, [str(PC / f"{name}_edges.csv"), str(PC / f"{name}_parts.csv")])
        for verb in ("analyze", "inspect", "explode")
        for name in ("p30pro", "ru5g64t", "rtr_e200")
    ],
    *[(verb, [str(S / "broken_edges.csv")]) for verb in ("analyze", "inspect", "explode")],
    ("analyze", [str(S / "rtr_e200.xlsx"), "--all-destinations"]),
    ("analyze", [str(S / "rtr_e200.xlsx"), "--scenario", "proposed-2020-huawei-10pct"]),
    (
        "analyze",
        [
            str(S / "ru5g64t.xlsx"),
            "--all-destinations",
            "--all-assemblies",
            "--scenario",
            "proposed-2020-huawei-10pct",
        ],
    ),
    ("analyze", [*FDP, "--as-of", "2020-05-15"]),
    ("analyze", [*FDP, "--as-of", "2020-08-17"]),
    ("analyze", [*FDP, "--producers", str(S / "basestation_2020_producers.csv")]),
    ("analyze", [str(S / "p30pro.xlsx"), "-d", "RU", "--made-in", "CN", "--all-assemblies"]),
    ("analyze", [str(S / "ru5g64t.xlsx"), str(S / "rtr_e200.xlsx"), "--all-assemblies"]),
]

#: a BOM that makes the optional parts of a result appear: a 734.4(a) hit, a discrete module
#: (second incorporation), the technology track (its note), an unknown origin and a missing
#: price (bounds and unresolved parts), a supplier declaration, a product left undetermined
RICH = """\
Level,Part Number,Description,Qty,Unit Cost,Country of Origin,ECCN,Selling Price,Item Type,\
Discrete Product,US Content
0,P,Product,1,,CN,,500,,,
1,A,Plain assembly,2,,CN,,,,,
2,U1,Amplifier,3,5,US,3A001.a.7,,,,
2,F1,,1,40,CN,,,,,
1,Z,Assembly with a 9x515 part,1,,CN,,,,,
2,U2,Satellite part,1,1,US,9A515.a.1,,,,
2,F2,,1,99,CN,,,,,
1,B,Holds a discrete module,1,,CN,,,,,
2,D,Discrete module,1,,TW,,,,yes,
3,U3,,2,5,US,3A001.a.7,,,,
3,F3,,1,2,TW,,,,,
2,F4,,1,30,CN,,,,,
1,T,Know-how,1,,CN,,,technology,,
2,UT,,1,30,US,3E001,,technology,,
1,N,Local assembly,1,,CN,,,,,
2,F5,,1,10,CN,,,,,
2,X1,Unknown origin,1,12,,3A001.a.7,,,,
2,X2,No price,1,,US,3A001.a.7,,,,
2,M1,Declared module,1,20,JP,,,,,12%
0,Q,Second product,1,,JP,,,,,
1,QX,US part,1,5,US,5A002.a,,,,
1,QY,,1,1,JP,EAR99,,,,
0,R,Third product,1,,CN,,100,,,
1,RX,Unknown origin,1,30,,3A001.a.7,,,,
1,RY,,1,10,CN,,,,,
"""
RICH_RUNS = [
    ["-d", "CN", "-d", "DE", "-d", "IR", "-d", "RU", "--all-assemblies"],
    ["--all-destinations", "--all-assemblies", "--second-incorporation", "off"],
    ["-d", "CN", "--scenario", "proposed-2020-huawei-10pct", "--end-user", "Huawei Technologies"],
]


@functools.cache
def validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, doc: Any) -> list[str]:
    """The validation errors of a document, as "path: message" lines."""
    found = validator(name).iter_errors(doc)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in found]


def run(verb: str, args: list[str]) -> Any:
    """The parsed JSON document of one command (strict: NaN or Infinity fail)."""
    extra = ["-q"] if verb != "inspect" else []
    res = CliRunner().invoke(cli, [verb, *args, "--format", "json", *extra])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert res.exit_code in (0, 1, 3), res.output
    return orjson.loads(res.stdout_bytes)


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "rich.csv"
    path.write_text(RICH, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def documents(rich: Path) -> dict[str, list[Any]]:
    """Documents per schema: the rich BOM's runs and a few samples (for the field checks)."""
    docs: dict[str, list[Any]] = {name: [] for name in SCHEMAS}
    for args in RICH_RUNS:
        docs["analyze"].append(run("analyze", [str(rich), "--as-of", "2020-08-17", *args]))
    docs["analyze"].append(run("analyze", [*FDP, "--as-of", "2020-08-17"]))
    docs["analyze"].append(run("analyze", [str(S / "broken_edges.csv")]))
    for verb in ("inspect", "explode"):
        docs[verb].append(run(verb, [str(rich)]))
        docs[verb].append(run(verb, [str(S / "basestation_2020.xlsx")]))
        docs[verb].append(run(verb, [str(S / "broken_edges.csv")]))
    return docs


@pytest.mark.parametrize(
    ("verb", "args"), COMMANDS, ids=[f"{v}-{i}" for i, (v, _) in enumerate(COMMANDS)]
)
def test_every_sample_document_validates(verb: str, args: list[str]) -> None:
    assert errors(verb, run(verb, args)) == []


def test_the_rich_documents_validate(documents: dict[str, list[Any]]) -> None:
    for name, docs in documents.items():
        for doc in docs:
            assert errors(name, doc) == []
    first = documents["analyze"][0]
    cells = [d for p in first["products"] for d in p["destinations"]]
    cells += [d for a in first["assemblies"] for d in a["destinations"]]
    # the optional parts this BOM is there for are present (else the checks below miss them)
    for key in ("zero_de_minimis", "second_incorporation", "notes"):
        assert any(c.get(key) for c in cells), key
    unresolved = [u for c in cells for u in c.get("bounds", {}).get("unresolved_parts", [])]
    assert any("clears_with" in u for u in unresolved)


def library_document(doc: dict[str, Any]) -> Any:
    """A library dict as JSON would carry it; NaN or infinity anywhere fails."""
    return json.loads(json.dumps(doc, allow_nan=False))


def test_library_documents_validate(rich: Path) -> None:
    day = date(2020, 8, 17)
    for res in (
        bomtrace.analyze(S / "p30pro.xlsx", destinations=["CN"], as_of=day),
        bomtrace.analyze(
            [PC / "ru5g64t_edges.csv", PC / "ru5g64t_parts.csv"], all_destinations=True
        ),
        bomtrace.analyze(rich, destinations=["CN", "IR"], as_of=day, all_assemblies=True),
        bomtrace.analyze(
            S / "basestation_2020.xlsx",
            destinations=["CN"],
            as_of=day,
            end_user="Huawei Technologies",
        ),
        bomtrace.analyze(S / "broken_edges.csv", destinations=["CN"]),
    ):
        assert errors("analyze", library_document(res.to_dict())) == []
    assert errors("inspect", library_document(bomtrace.inspect(rich).to_dict())) == []
    assert errors("explode", library_document(bomtrace.explode(rich).to_dict())) == []


def leaves(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of the scalars and empty containers of a document (not inside ``issues[].data``,
    which is free-form evidence)."""
    if len(path) >= 3 and path[0] == "issues" and path[2] == "data":
        return
    if isinstance(doc, dict) and doc:
        for k, v in doc.items():
            yield from leaves(v, (*path, k))
    elif isinstance(doc, list) and doc:
        for i, v in enumerate(doc):
            yield from leaves(v, (*path, i))
    else:
        yield path


def pattern(path: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple("[]" if isinstance(p, int) else p for p in path)


def trimmed(doc: Any, path: tuple[Any, ...]) -> Any:
    """The document with every list cut to one item: the one on ``path`` (which becomes item
    0), else the first. Still a valid document, and small to validate."""
    head, rest = (path[0], path[1:]) if path else (None, ())
    if isinstance(doc, list):
        if not doc:
            return []
        return [trimmed(doc[head], rest) if isinstance(head, int) else trimmed(doc[0], ())]
    if isinstance(doc, dict):
        return {k: trimmed(v, rest if k == head else ()) for k, v in doc.items()}
    return doc


def test_every_field_written_is_described(documents: dict[str, list[Any]]) -> None:
    """Each kind of value the documents hold, replaced by a value of no JSON type the tool
    writes there (a nested list), makes the document invalid: the schema lists that field
    and gives it a type (objects stay open to new fields, so an unlisted one would pass)."""
    odd = [[None]]
    for name, docs in documents.items():
        v = validator(name)
        seen: dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] = {}
        for doc in docs:  # each kind of value once, from the first document that has it
            for p in leaves(doc):
                seen.setdefault(pattern(p), (doc, p))
        for pat, (doc, p) in seen.items():
            small = trimmed(doc, p)
            assert v.is_valid(small), pat
            at = small
            for k in pat[:-1]:
                at = at[0 if k == "[]" else k]
            at[0 if pat[-1] == "[]" else pat[-1]] = odd
            assert not v.is_valid(small), f"{name}: {'/'.join(map(str, pat))} is not described"


def test_shared_definitions_are_the_same_in_every_file() -> None:
    defs = {name: load_schema(name)["$defs"] for name in SCHEMAS}
    for a in SCHEMAS:
        for b in SCHEMAS:
            for k in defs[a].keys() & defs[b].keys():
                assert defs[a][k] == defs[b][k], (a, b, k)


@pytest.fixture(scope="module")
def good(documents: dict[str, list[Any]]) -> dict[str, Any]:
    return dict(documents["analyze"][0])


def broken(doc: dict[str, Any], change: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    change(out)
    return out


def _cell(d: dict[str, Any]) -> dict[str, Any]:
    cell: dict[str, Any] = d["products"][0]["destinations"][0]
    return cell


BREAKS = {
    "ratio as a string": lambda d: _cell(d).update(ratio="0.25"),
    "verdict maybe": lambda d: _cell(d).update(verdict="maybe"),
    "no products": lambda d: d.pop("products"),
    "infinite ratio": lambda d: _cell(d).update(ratio=float("inf")),
    "negative controlled value": lambda d: _cell(d).update(controlled_us_value=-50.0),
    "subject_to_ear against the verdict": lambda d: _cell(d).update(
        subject_to_ear=_cell(d)["subject_to_ear"] is not True
    ),
    "analysed product without a cost": lambda d: d["products"][0].update(total_cost=None),
    "not analysed without a reason": lambda d: d["products"][0].update(analysed=False),
    "severity fatal": lambda d: d["issues"][0].update(severity="fatal"),
    "issue code not kebab-case": lambda d: d["issues"][0].update(code="Bad_Quantity"),
    "issue without a message": lambda d: d["issues"][0].pop("message"),
    "basis unknown": lambda d: _cell(d).update(basis="vibes"),
    "origin source unknown": lambda d: d["products"][0].update(
        origin={"country": "CN", "source": "guess"}
    ),
    "rows as text": lambda d: d["inputs"][0].update(rows="12"),
}


@pytest.mark.parametrize("what", list(BREAKS))
def test_a_broken_document_fails(good: dict[str, Any], what: str) -> None:
    assert errors("analyze", good) == []
    assert errors("analyze", broken(good, BREAKS[what])) != []


def test_the_fields_being_added_are_accepted(good: dict[str, Any]) -> None:
    """``basis`` per destination cell and ``origin`` per product/sub-assembly (optional)."""

    def add(d: dict[str, Any]) -> None:
        for item in [*d["products"], *d["assemblies"]]:
            item["origin"] = {"country": None, "source": "assumed-foreign"}
            for c in item["destinations"]:
                c["basis"] = "de-minimis"
                c["ratio"] = None

    assert errors("analyze", broken(good, add)) == []


def test_unknown_schema_name() -> None:
    with pytest.raises(ValueError, match="No schema 'report'"):
        load_schema("report")


def _properties(schema: dict[str, Any], node: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(properties, required) of a schema object, through ``allOf`` and ``$ref``."""
    if "$ref" in node:
        return _properties(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]])
    props, required = set(node.get("properties", {})), set(node.get("required", []))
    for part in node.get("allOf", []):
        p, r = _properties(schema, part)
        props, required = props | p, required | r
    return props, required


@pytest.mark.parametrize(
    "table", ["contributor", "scenario", "destination", "assembly_destination", "product",
              "assembly"],
)  # fmt: skip
def test_field_tables_are_what_the_json_schema_documents(table: str) -> None:
    """The entry tables that write the document (bomtrace.analysis.schema) and the published
    JSON Schema name the same keys, and a key the writers may leave out is not required."""
    from bomtrace.analysis import schema as tables

    t = {x.name: x for x in vars(tables).values() if isinstance(x, tables.Table)}[table]
    doc = load_schema("analyze")
    props, required = _properties(doc, doc["$defs"][table])
    assert set(t.keys) == props
    assert required <= {f.key for f in t.fields if f.omit == "never"}
