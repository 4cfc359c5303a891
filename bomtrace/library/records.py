"""What the run-record verbs return (``history``, ``show``, ``library impact``): plain data
with ``to_dict()`` for the report writers. None holds the database's name or URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson


@dataclass
class StoredRun:
    """A stored analysis (``bomtrace show RUN_ID``): its document, as ``analyze`` wrote it.

    It renders like an :class:`~bomtrace.analysis.AnalysisResult` in every format; what
    needs the BOM itself (the HTML tree, the xlsx BOM sheets) is left out."""

    run_id: int
    created_at: datetime
    command: str
    exit_code: int
    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.document

    def json_pieces(self, option: int = 0) -> list[bytes | memoryview]:
        return [orjson.dumps(self.document, option=option)]

    def tree_data(self) -> None:
        return None


@dataclass
class HistoryEntry:
    """One stored run of a product: its results per destination and what changed."""

    run_id: int
    created_at: str | None
    command: str
    ruleset_as_of: str | None
    inputs: list[str]
    results: list[dict[str, Any]]
    verdict_changes: list[dict[str, Any]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "created_at": self.created_at,
            "command": self.command,
            "ruleset_as_of": self.ruleset_as_of,
            "inputs": self.inputs,
            "results": self.results,
            "verdict_changes": self.verdict_changes,
            "changed": self.changed,
        }


@dataclass
class ProductHistory:
    """``bomtrace history PN``: the product's stored runs, oldest first."""

    product: str
    entries: list[HistoryEntry]

    def to_dict(self) -> dict[str, Any]:
        return {"product": self.product, "runs": [e.to_dict() for e in self.entries]}


@dataclass
class ImpactResult:
    """``bomtrace library impact PN --set FIELD=VALUE``: per stored product whose BOM has the
    part, its verdicts before and after the change, and the products that could not be
    evaluated (their input files are gone or changed since the run)."""

    part_number: str
    changes: list[dict[str, Any]]
    products: list[dict[str, Any]]
    not_evaluated: list[dict[str, Any]]

    @property
    def moved(self) -> list[dict[str, Any]]:
        return [p for p in self.products if p["verdict_changes"]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "part_number": self.part_number,
            "set": self.changes,
            "products_checked": len(self.products),
            "products_moved": len(self.moved),
            "products": self.products,
            "not_evaluated": self.not_evaluated,
        }


__all__ = ["HistoryEntry", "ImpactResult", "ProductHistory", "StoredRun"]
