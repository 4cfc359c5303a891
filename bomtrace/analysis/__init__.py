"""Analyses over a validated BOM graph: de minimis per product × destination, scenarios."""

from bomtrace.analysis.analysis_result import AnalysisResult
from bomtrace.analysis.deminimis import analyze_graph, resolve_destinations
from bomtrace.analysis.grid import verdict_of
from bomtrace.analysis.options import ASSEMBLY_COST_CHOICES, AnalysisOptions
from bomtrace.analysis.results import (
    Contributor,
    DestinationResult,
    ProductResult,
    ScenarioOutcome,
)

__all__ = [
    "ASSEMBLY_COST_CHOICES",
    "AnalysisOptions",
    "AnalysisResult",
    "Contributor",
    "DestinationResult",
    "ProductResult",
    "ScenarioOutcome",
    "analyze_graph",
    "resolve_destinations",
    "verdict_of",
]
