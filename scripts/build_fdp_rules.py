#!/usr/bin/env python3
"""Build bomtrace's packaged Foreign Direct Product data from the regulatory reference snapshot.

Reads ``fdp-rules.json`` and ``entity-list.json`` from ``--reference`` (default
``../shared/reference`` beside the repository) and writes two compact, sorted, deterministic files
into ``--out`` (default ``bomtrace/rules/data``):

``fdp_rules.json``
    The FDP rules of 15 CFR 734.9 (b)-(l) as of the eCFR issue of 2026-07-23: item scope, the
    input ECCNs of the direct-product and plant prongs, the destination / end-user scope and the
    citations. The dated forms (2020 Huawei rule, the 16-ECCN list, ...) are NOT here: they are
    hand-written with their sources in ``fdp_versions.toml``.
``entity_list_extract.json``
    A *small* extract of the Entity List rows of the Consolidated Screening List (generated
    2026-07-31): every row with an FDP footnote-1 designation (the Huawei entities) plus the
    named footnote-3/4/5 and non-FDP rows that the samples and tests use. Users screen against
    the full list with ``--screening-list FILE`` (the CSL they download themselves).

bomtrace never reads the reference folder at run time. The script fails loudly when the source
changes shape (a rule id or named row disappears, a field is missing).

Usage: ``python scripts/build_fdp_rules.py [--reference DIR] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ISSUE_DATE = "2026-07-23"
CSL_DATE = "2026-07-31"
NOTE = (
    "Values transcribed by a third party (GitHub repository"
    " seelpeed-debug/export-controls-agent-mcp, commit 5847b092f2a44117b2e18d06a8c6aa3e16106250,"
    " MIT licence) from the eCFR and the"
    " Consolidated Screening List, and not re-checked against the live sources."
)

#: rules of 734.9 the packaged data must contain (id -> paragraph)
RULE_IDS = {
    "national_security": "(b)",
    "9x515": "(c)",
    "600_series": "(d)",
    "entity_list_fn1": "(e)(1)",
    "entity_list_fn4": "(e)(2)",
    "entity_list_fn5_advanced_node": "(e)(3)",
    "russia_belarus_crimea": "(f)",
    "russia_belarus_meu": "(g)",
    "advanced_computing": "(h)",
    "supercomputer": "(i)",
    "iran": "(j)",
    "sme": "(k)",
    "ai_model_weights": "(l)",
}

#: rows kept besides every footnote-1 row: (exact listed name, why it is kept)
KEEP_ROWS = {
    "National University of Defense Technology (NUDT)": "footnote 4 example (alias CSCC)",
    "National Supercomputing Center Tianjin (NSCC-TJ)": "footnote 4 example",
    "Sugon": "footnote 4 example with alternate names",
    "Semiconductor Manufacturing International Corporation (SMIC)": "footnote 5 example",
    "Chinese Academy of Sciences Institute of Microelectronics": "footnote 5 example",
    "Federal Security Service (FSB)": "footnote 3 example",
    "Argut OOO": "footnote 3 example (legal form OOO)",
    "Semiconductor Manufacturing International (Shenzhen) Corporation": "no FDP footnote",
    "SMIC Holdings Limited": "no FDP footnote",
}

_RULE_FIELDS = ("paragraph", "citation", "name", "license_requirement_reference")
_PRONG_FIELDS = (
    "available",
    "input_eccns",
    "input_any_product_group_D_or_E",
    "input_categories",
    "input_described_as",
    "input_condition",
    "input_qualifiers",
    "contains_ic_route",
    "note",
)
_ITEM_FIELDS = ("kind", "test", "eccns", "exclusions", "qualifiers", "summary")
_SCOPE_FIELDS = (
    "type",
    "country_groups",
    "countries",
    "entity_list_footnote",
    "includes_macau",
    "advanced_node_facility",
    "summary",
)


class BuildError(Exception):
    """The reference data does not have the shape this script expects."""


def _pick(obj: dict[str, Any], fields: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise BuildError(f"{where}: expected an object, got {type(obj).__name__}")
    return {f: obj[f] for f in fields if obj.get(f) is not None}


def build_rules(ref: dict[str, Any]) -> dict[str, Any]:
    """The compact ``fdp_rules.json`` document from ``fdp-rules.json``."""
    try:
        rules = {r["id"]: r for r in ref["rules"]}
        issue = ref["source"]["ecfr_issue_date"]
    except (KeyError, TypeError) as exc:
        raise BuildError(f"fdp-rules.json lacks {exc}") from exc
    if issue != ISSUE_DATE:
        raise BuildError(f"fdp-rules.json is the {issue} issue, expected {ISSUE_DATE}")
    missing = sorted(set(RULE_IDS) - set(rules))
    if missing:
        raise BuildError(f"fdp-rules.json has no rule(s) {', '.join(missing)}")
    out: dict[str, Any] = {}
    for rid, para in RULE_IDS.items():
        r = rules[rid]
        if r.get("paragraph") != para:
            raise BuildError(f"rule {rid} is paragraph {r.get('paragraph')!r}, expected {para}")
        rec = _pick(r, _RULE_FIELDS, rid)
        rec["item_scope"] = _pick(r["item_scope"], _ITEM_FIELDS, f"{rid}.item_scope")
        rec["direct_product_prong"] = _pick(
            r["direct_product_prong"], _PRONG_FIELDS, f"{rid}.direct_product_prong"
        )
        rec["plant_prong"] = _pick(r["plant_prong"], _PRONG_FIELDS, f"{rid}.plant_prong")
        rec["scope"] = _pick(r["scope"], _SCOPE_FIELDS, f"{rid}.scope")
        out[rid] = rec
    return {
        "header": {
            "generated_by": "scripts/build_fdp_rules.py",
            "ecfr_issue_date": ISSUE_DATE,
            "source": "15 CFR 734.9",
            "source_url": ref["source"]["ecfr_url"],
            "note": NOTE,
        },
        "named_sets": {k: sorted(v["eccns"]) for k, v in ref["named_sets"].items()},
        "rules": out,
    }


def build_entities(ref: dict[str, Any]) -> dict[str, Any]:
    """The small ``entity_list_extract.json`` document from ``entity-list.json``."""
    try:
        entries = ref["entries"]
        generated = ref["source"]["sourceGeneratedAt"]
    except (KeyError, TypeError) as exc:
        raise BuildError(f"entity-list.json lacks {exc}") from exc
    if not str(generated).startswith(CSL_DATE):
        raise BuildError(f"entity-list.json was generated {generated}, expected {CSL_DATE}")
    rows: list[dict[str, Any]] = []
    found: set[str] = set()
    for e in entries:
        footnotes = sorted({*e.get("fdp_footnotes", []), *e.get("fdp_footnotes_inferred", [])})
        if 1 not in footnotes and e["name"] not in KEEP_ROWS:
            continue
        found.add(e["name"])
        row = {
            "name": e["name"],
            "alt_names": list(e["alt_names"]),
            "countries": list(e["countries"]),
            "fdp_footnotes": footnotes,
            "license_requirement": e["license_requirement"],
            "license_policy": e["license_policy"],
        }
        if e.get("federal_register_notice"):
            row["federal_register_notice"] = e["federal_register_notice"]
        if e.get("fdp_footnotes_inferred"):
            row["fdp_footnotes_inferred"] = True
        rows.append(row)
    missing = sorted(set(KEEP_ROWS) - found)
    if missing:
        raise BuildError(f"entity-list.json has no row named {', '.join(missing)}")
    return {
        "header": {
            "generated_by": "scripts/build_fdp_rules.py",
            "csl_generated": CSL_DATE,
            "source": "15 CFR Part 744, Supp. No. 4 (Entity List), via the CSL",
            "source_url": ref["source"]["url"],
            "selection": (
                "every row with FDP footnote 1, plus: "
                + "; ".join(f"{k} ({v})" for k, v in sorted(KEEP_ROWS.items()))
            ),
            "note": NOTE
            + " Current-only: the CSL keeps no history, so footnote designations are those of"
            " the snapshot.",
        },
        "entries": rows,
    }


def write_json(path: Path, obj: Any) -> None:
    """Write sorted, compact, deterministic JSON (one value per line for readable diffs)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=0, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--reference", type=Path, default=REPO_ROOT.parent / "shared" / "reference")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "bomtrace" / "rules" / "data")
    args = ap.parse_args(argv)
    try:
        rules = json.loads((args.reference / "fdp-rules.json").read_text("utf-8"))
        ents = json.loads((args.reference / "entity-list.json").read_text("utf-8"))
        docs = {
            "fdp_rules.json": build_rules(rules),
            "entity_list_extract.json": build_entities(ents),
        }
    except (OSError, ValueError, BuildError) as exc:
        print(f"build_fdp_rules: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, obj in docs.items():
        write_json(args.out / name, obj)
    return 0


if __name__ == "__main__":
    sys.exit(main())
