"""Product structure: unique edges on integer node ids, validated (cycles, conflicts)."""

from bomtrace.graph.build import build_graph
from bomtrace.graph.model import BomGraph

__all__ = ["BomGraph", "build_graph"]
