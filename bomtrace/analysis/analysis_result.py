"""The outcome of an analysis as one object, and its JSON document (design.md §5).

:class:`AnalysisResult` holds the products, the sub-assemblies, the issues and the
provenance; :meth:`AnalysisResult.to_dict` is the document every report writer renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from bomtrace.analysis.assembly_results import AssemblyResults
from bomtrace.analysis.bom_tree import BomTree, indented_bom
from bomtrace.analysis.product_results import ProductResults
from bomtrace.analysis.results import ProductResult
from bomtrace.exitcodes import ExitCode
from bomtrace.explosion import explode_graph
from bomtrace.issues import Issue, Severity

if TYPE_CHECKING:
    import pandas as pd


#: keys of a product's ``fdpr_summary`` that are the same for every product of a run: the
#: JSON document gives them once, in its top-level ``fdpr`` block
FDPR_RUN_KEYS = ("as_of", "data_version", "parties", "rules", "not_modelled")


@dataclass
class AnalysisResult:
    """The outcome of :func:`bomtrace.analyze`: products, sub-assemblies, issues, provenance."""

    version: str
    ruleset: dict[str, Any]
    inputs: list[dict[str, Any]]
    options: dict[str, Any]
    #: the products (a sequence of :class:`ProductResult` made on access)
    products: ProductResults
    #: foreign-made sub-assemblies (a sequence of :class:`ProductResult` made on access)
    assemblies: AssemblyResults
    issues: list[Issue]
    #: list every sub-assembly in :meth:`to_dict`; by default only those subject to the EAR
    #: (or undetermined) for some destination are listed, the rest are counted
    all_assemblies: bool = False
    #: when the run was made (ISO 8601, UTC), only when asked (``--stamp``): without it the
    #: same inputs give byte-identical documents
    stamp: str | None = None
    #: what the parts library gave the run (``analyze --db``): the document's ``library``
    library: dict[str, Any] | None = None
    #: the id the run was stored under (``analyze --db``); not part of the document
    run_id: int | None = None
    #: :meth:`json_pieces` made, by option: the run record and the report write the same bytes
    _pieces: dict[int, list[bytes | memoryview]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def listed_assemblies(self) -> list[ProductResult]:
        """Sub-assemblies the JSON lists: all, or those not plainly not-subject everywhere."""
        return [self.assemblies[i] for i in self._listed()]

    def _listed(self) -> list[int]:
        """Positions of the listed sub-assemblies."""
        if self.all_assemblies:
            return list(range(len(self.assemblies)))
        return list(self.assemblies.listed().tolist())

    def product(self, part_number: str) -> ProductResult:
        """The result for one product (made without making the others).

        Raises
        ------
        KeyError
            If no product has that part number.
        """
        return self.products[self.products.position(part_number)]

    def indented_bom(self, limit: int | None = None) -> BomTree:
        """Every product's structure depth first, with the analysis' rolled-up cost and
        US-origin value per part (:func:`bomtrace.analysis.bom_tree.indented_bom`), at most
        ``limit`` rows."""
        ctx = self.products.context
        return indented_bom(ctx.graph, ctx.vals.total, ctx.vals.us, limit=limit)

    def exploded_parts(self) -> pd.DataFrame:
        """Per product, its purchased parts with total quantity and extended cost
        (:data:`bomtrace.explosion.COLUMNS`)."""
        return explode_graph(self.products.context.graph, []).table

    def scenario_flips(self) -> list[dict[str, Any]]:
        """Products and destinations whose verdict a scenario changes."""
        if not self.products.scenarios:
            return []
        out = []
        for p in self.products:
            for d in p.destinations:
                for s in d.scenarios:
                    if s.flips:
                        out.append(
                            {
                                "part_number": p.part_number,
                                "country": d.country,
                                "scenario": s.name,
                                "in_force": d.verdict,
                                "under_scenario": s.verdict,
                            }
                        )
        return out

    def fdpr_findings(self) -> list[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
        """Each product's FDPR entries and summary (``ProductResult.fdpr`` and
        ``fdpr_summary``), without making every product's result on a large BOM."""
        return self.products.fdpr_findings()

    def tree_data(self) -> dict[str, Any]:
        """The BOM under the products as JSON-ready columns for an interactive tree: each
        node once with its cost, US-origin and controlled value per destination class, and
        the children lists of the DAG (:mod:`bomtrace.analysis.tree_data`)."""
        return self.products.tree_data()

    @property
    def exit_code(self) -> int:
        """The run's exit status (:class:`bomtrace.exitcodes.ExitCode`): INCOMPLETE (3) when
        there is no product, some product could not be analysed or an input file could not be
        read, FLAGGED (1) when some product is (or may be) subject to the EAR or FDPR-flagged,
        else OK (0)."""
        if any(i.code == "file-not-read" and i.severity == "error" for i in self.issues):
            return ExitCode.INCOMPLETE  # a file of the input was not read: products are missing
        if not len(self.products) or self.products.not_analysed():
            return ExitCode.INCOMPLETE
        return ExitCode.FLAGGED if self.products.flagged() else ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``bomtrace analyze --format json``."""
        keep = self._listed()
        entries = self.assemblies.to_dicts(np.array(keep, dtype=np.int64))
        return self._document(entries, len(keep))

    def to_json(self, option: int = 0) -> bytes:
        """:meth:`to_dict` written by ``orjson.dumps(..., option=option)``, as bytes.

        Unless ``option`` asks for indenting or sorted keys, the listed sub-assemblies are
        written in bulk from the arrays (:meth:`~bomtrace.analysis.assembly_results.AssemblyResults.
        to_json`)."""
        return b"".join(self.json_pieces(option))

    def json_pieces(self, option: int = 0) -> list[bytes | memoryview]:
        """:meth:`to_json` in pieces, to be written one after the other (a file's
        ``writelines``): the listed sub-assemblies, most of a large document, are not copied
        into it."""
        got = self._pieces.get(option)
        if got is None:
            got = self._pieces[option] = self._json_pieces(option)
        return got

    def _json_pieces(self, option: int) -> list[bytes | memoryview]:
        import orjson

        layout = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS  # these change the entries' bytes
        if option & layout:
            return [orjson.dumps(self.to_dict(), option=option)]
        keep = self._listed()
        entries = self.assemblies.json_pieces(np.array(keep, dtype=np.int64))
        doc = orjson.dumps(self._document(orjson.Fragment(b"[]"), len(keep)), option=option)
        # compact, so the key and its empty stand-in are found as written: inside texts every
        # quote is escaped, and no other "assemblies" is followed by "assemblies_analysed".
        # Searched from the end: only the flips and issues come after it, the products before
        at = doc.rindex(b'"assemblies":[],"assemblies_analysed":') + len(b'"assemblies":')
        view = memoryview(doc)
        return [view[:at], *entries, view[at + 2 :]]

    def _document(self, entries: Any, listed: int) -> dict[str, Any]:
        """The JSON document around the listed sub-assemblies' ``entries``."""
        counts = {s.value: 0 for s in Severity}
        for i in self.issues:
            counts[i.severity.value if i.severity else "warning"] += 1
        products = self.products.to_dicts()
        fdpr: dict[str, Any] | None = None
        for p in products:
            s = p.get("fdpr_summary")
            if s:
                if fdpr is None:
                    fdpr = {k: s[k] for k in FDPR_RUN_KEYS if k in s}
                p["fdpr_summary"] = {k: v for k, v in s.items() if k not in FDPR_RUN_KEYS}
        return {
            "bomtrace_version": self.version,
            **({"generated_at": self.stamp} if self.stamp else {}),
            "ruleset": self.ruleset,
            "options": self.options,
            "inputs": self.inputs,
            **({"library": self.library} if self.library is not None else {}),
            "fdpr": fdpr,
            "products": products,
            "assemblies": entries,
            "assemblies_analysed": len(self.assemblies),
            "assemblies_listed": listed,
            "assemblies_us_origin": self.assemblies.us_origin_count(),
            "scenario_flips": self.scenario_flips(),
            "issue_counts": counts,
            "issues": [i.to_dict() for i in self.issues],
        }
