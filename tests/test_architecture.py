"""The shape of the house (docs/architecture.md): data flows io → graph → rollup → analysis →
report → api → cli, no module imports a higher layer, and no modules import each other in a
cycle — counting imports inside functions, which run later but tie the modules all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bomtrace"

#: layer of each top-level module or package of bomtrace, lowest first
LAYERS: dict[str, int] = {
    **dict.fromkeys(
        ("_version", "errors", "issues", "issue_codes", "exitcodes", "countries", "eccn",
         "settings", "progress", "rules", "schema"),
        0,
    ),
    "io": 1,
    "graph": 2,
    "rollup": 3,
    "explosion": 3,
    "analysis": 4,
    "fdpr": 4,
    "library": 4,
    "report": 5,
    "api": 6,
    "cli": 7,
    "__main__": 7,
    "": 8,  # bomtrace/__init__.py: the public names, imported lazily
}  # fmt: skip


def _modules(package: Path) -> dict[str, Path]:
    out = {}
    for p in package.rglob("*.py"):
        parts = p.with_suffix("").relative_to(package.parent).parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def import_graph(package: Path = PACKAGE) -> nx.DiGraph:
    """Module → module it imports (anywhere in the file: top level, functions, TYPE_CHECKING)."""
    mods = _modules(package)
    g = nx.DiGraph()
    for name, path in mods.items():
        g.add_node(name)
        pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [base, *subs]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for t in targets:
                if t in mods and t != name:
                    g.add_edge(name, t)
    return g


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else ""
    if top not in LAYERS:
        raise KeyError(f"{module}: add its package to LAYERS (and to docs/architecture.md)")
    return LAYERS[top]


def test_no_import_cycles() -> None:
    cycles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert cycles == []


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
        for a, b in import_graph().edges
        if layer(b) > layer(a)
    ]
    assert upward == []


def test_the_checker_sees_function_local_and_relative_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "bomtrace"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from bomtrace.sub import b\n")
    (pkg / "sub" / "b.py").write_text("from . import c\nfrom ..a import f\n")
    (pkg / "sub" / "c.py").write_text("")
    g = import_graph(pkg)
    assert set(g.edges) == {
        ("bomtrace.a", "bomtrace.sub.b"),
        ("bomtrace.sub.b", "bomtrace.sub.c"),
        ("bomtrace.sub.b", "bomtrace.a"),
    }
    assert [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1] == [
        ["bomtrace.a", "bomtrace.sub.b"]
    ]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_over_400_lines(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{path.relative_to(PACKAGE.parent)}: {lines} lines"
