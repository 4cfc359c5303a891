"""bomtrace: is this foreign-made product subject to US export controls?

Reads multi-level bills of materials, rolls cost, US-origin value and controlled US content up
through every assembly, and gives de minimis verdicts (15 CFR 734.4) per product and
destination, with the evidence.

Public names are imported lazily, so ``bomtrace --help`` does not pay for pandas. The verb of
``bomtrace rules`` is :func:`bomtrace.api.rules` (``bomtrace.rules`` is the rules package).

>>> import bomtrace
>>> bomtrace.analyze.__name__
'analyze'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bomtrace._version import __version__

_LAZY = {
    "AnalysisResult": "bomtrace.analysis",
    "BomGraph": "bomtrace.graph",
    "BomTable": "bomtrace.io.table",
    "BomtraceError": "bomtrace.errors",
    "Issue": "bomtrace.issues",
    "IssueCode": "bomtrace.issues",
    "analyze": "bomtrace.api",
    "build_graph": "bomtrace.graph",
    "diff": "bomtrace.api",
    "explain": "bomtrace.api",
    "explode": "bomtrace.api",
    "inspect": "bomtrace.api",
    "load_ruleset": "bomtrace.rules",
    "portfolio": "bomtrace.api",
    "read_bom": "bomtrace.io",
    "rule_changes": "bomtrace.api",
    "suppliers": "bomtrace.api",
    "where_used": "bomtrace.api",
}

__all__ = [
    "AnalysisResult",
    "BomGraph",
    "BomTable",
    "BomtraceError",
    "Issue",
    "IssueCode",
    "__version__",
    "analyze",
    "build_graph",
    "diff",
    "explain",
    "explode",
    "inspect",
    "load_ruleset",
    "portfolio",
    "read_bom",
    "rule_changes",
    "suppliers",
    "where_used",
]

if TYPE_CHECKING:
    from bomtrace.analysis import AnalysisResult
    from bomtrace.api import (
        analyze,
        diff,
        explain,
        explode,
        inspect,
        portfolio,
        rule_changes,
        suppliers,
        where_used,
    )
    from bomtrace.errors import BomtraceError
    from bomtrace.graph import BomGraph, build_graph
    from bomtrace.io import read_bom
    from bomtrace.io.table import BomTable
    from bomtrace.issues import Issue, IssueCode
    from bomtrace.rules import load_ruleset


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'bomtrace' has no attribute {name!r}")
