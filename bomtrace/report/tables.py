"""Flat tables (lists of row dicts) from an analysis document, shared by CSV and xlsx."""

from __future__ import annotations

from typing import Any


def summary_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product."""
    rows = []
    for p in d["products"]:
        dests = p["destinations"]
        rows.append(
            {
                "product": p["part_number"],
                "description": p.get("description"),
                "analysed": p["analysed"],
                "total_cost": p["total_cost"],
                "currency": p["currency"],
                "us_origin_value": p["us_origin_value"],
                "us_tech_value": p["us_tech_value"],
                "denominator_basis": p["denominator"]["basis"],
                "denominator": p["denominator"]["value"],
                "subject_for": " ".join(x["country"] for x in dests if x["verdict"] == "subject"),
                "undetermined_for": " ".join(
                    x["country"] for x in dests if x["verdict"] == "undetermined"
                ),
                "track": p.get("track"),
                "origin": (p.get("origin") or {}).get("country"),
                "origin_source": (p.get("origin") or {}).get("source"),
                **_nearest(p.get("summary")),
                "not_analysed_reason": p.get("not_analysed_reason"),
            }
        )
    return rows


def _nearest(s: dict[str, Any] | None) -> dict[str, Any]:
    n = (s or {}).get("nearest") or {}
    return {
        "nearest_threshold_for": " ".join(n.get("countries") or []) or None,
        "nearest_margin": n.get("margin"),
    }


def assembly_summary_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per sub-assembly from its summary (what ``--all-destinations`` keeps)."""
    rows = []
    for a in d.get("assemblies") or []:
        s = a.get("summary") or {}
        rows.append(
            {
                "assembly": a["part_number"],
                "description": a.get("description"),
                "denominator": a["denominator"]["value"],
                "subject_for": " ".join(s.get("subject_for") or []),
                "undetermined_for": " ".join(s.get("undetermined_for") or []),
                "not_subject_count": s.get("not_subject_count"),
                **_nearest(s),
            }
        )
    return rows


def destination_rows(d: dict[str, Any], key: str = "products") -> list[dict[str, Any]]:
    """One row per product (or sub-assembly) × destination."""
    rows = []
    # sub-assembly entries are compact: take names and groups from the products' entries
    names = {x["country"]: x["name"] for p in d["products"] for x in p["destinations"]}
    groups = {x["country"]: x["groups"] for p in d["products"] for x in p["destinations"]}
    sources = {
        x["country"]: x["threshold_source"] for p in d["products"] for x in p["destinations"]
    }
    for p in d[key]:
        for x in p["destinations"]:
            rows.append(
                {
                    "product": p["part_number"],
                    "description": p.get("description"),
                    "country": x["country"],
                    "destination": x.get("name") or names.get(x["country"]),
                    "groups": " ".join(x.get("groups") or groups.get(x["country"], [])),
                    "threshold": x["threshold"],
                    "controlled_us_value": x["controlled_us_value"],
                    "denominator": p["denominator"]["value"],
                    "ratio": x["ratio"],
                    "ratio_low": x["bounds"]["low"],
                    "ratio_high": x["bounds"]["high"],
                    "verdict": x["verdict"],
                    "basis": x.get("basis"),
                    "headroom": x["headroom"],
                    "zero_de_minimis": " ".join(
                        dict.fromkeys(
                            f"{z.get('paragraph')}:{z['status']}"
                            for z in x.get("zero_de_minimis") or []
                        )
                    )
                    or None,
                    "ratio_without_cut": (x.get("second_incorporation") or {}).get(
                        "ratio_without_cut"
                    ),
                    "threshold_source": x.get("threshold_source") or sources.get(x["country"]),
                    "same_for": " ".join(x.get("same_for") or []) or None,
                    "limits": "; ".join(x.get("limits") or []) or None,
                }
            )
    return rows


def limit_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The ruleset's limits on its date (``ruleset.limits``), one row each."""
    return [
        {
            "id": x["id"],
            "kind": x["kind"],
            "topic": x["topic"],
            "text": x["text"],
            "citation": x["citation"],
        }
        for x in d["ruleset"].get("limits") or []
    ]


def library_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The values the parts library filled (``analyze --db``), each with where it came from."""
    out = []
    for e in (d.get("library") or {}).get("filled") or []:
        src = e.get("source") or {}
        out.append(
            {
                "part_number": e["part_number"],
                "field": e["field"],
                "value": e["value"],
                "source_file": src.get("file"),
                "source_sheet": src.get("sheet"),
                "source_row": src.get("row"),
                "changed_at": src.get("changed_at"),
                "import_id": src.get("import_id"),
            }
        )
    return out


def contributor_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product × destination × top contributing part."""
    rows = []
    for p in d["products"]:
        for x in p["destinations"]:
            for rank, c in enumerate(x.get("top_contributors") or [], start=1):
                rows.append(
                    {
                        "product": p["part_number"],
                        "country": x["country"],
                        "rank": rank,
                        "part_number": c["part_number"],
                        "description": c.get("description"),
                        "quantity": c["quantity"],
                        "value": c["value"],
                        "share": c["share"],
                        "eccn": c["eccn"],
                        "reason": c["reason"],
                    }
                )
    return rows


def scenario_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product × destination × scenario."""
    rows = []
    for p in d["products"]:
        for x in p["destinations"]:
            for s in x.get("scenarios") or []:
                rows.append(
                    {
                        "product": p["part_number"],
                        "country": x["country"],
                        "scenario": s["name"],
                        "applies": s["applies"],
                        "threshold_in_force": x["threshold"],
                        "ratio_in_force": x["ratio"],
                        "verdict_in_force": x["verdict"],
                        "threshold": s["threshold"],
                        "ratio": s["ratio"],
                        "verdict": s["verdict"],
                        "flips": s["flips"],
                    }
                )
    return rows


def issue_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per issue."""
    keys = ("severity", "code", "file", "sheet", "row", "column", "part_number", "message")
    return [{k: i.get(k) for k in keys} for i in d["issues"]]


def fdpr_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per product × FDPR-caught part (rule, prong, party, evidence, source row)."""
    rows = []
    for p in d["products"]:
        for f in p.get("fdpr") or []:
            ev = f.get("evidence") or {}
            first = (f.get("rows") or [{}])[0]
            rows.append(
                {
                    "product": p["part_number"],
                    "part_number": f.get("part_number"),
                    "description": f.get("description"),
                    "rule": f.get("rule"),
                    "rule_name": f.get("rule_name"),
                    "prong": f.get("prong"),
                    "end_user": f.get("end_user"),
                    "footnote": f.get("footnote"),
                    "quantity": f.get("quantity"),
                    "value": f.get("value"),
                    "eccn": ev.get("eccn"),
                    "us_technology_eccns": " ".join(ev.get("us_technology_eccns") or []),
                    "made_with_us_equipment": ev.get("made_with_us_equipment"),
                    "producer": ev.get("producer"),
                    "designed_by": ev.get("designed_by"),
                    "source_row": first.get("row"),
                    "citation": f.get("citation"),
                }
            )
    return rows
