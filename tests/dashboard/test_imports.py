"""Dependencies in the dashboard point one way: no module imports one that imports it back.

The graph is built from the source (every import statement, at any depth, of every module of
the package and of the core) with `ast`. Importing ``a.b.c`` also runs the package ``a.b``'s
``__init__``, so that is an edge too; the only edges left out are a package's ``__init__``
importing its own submodules (a registry), which cannot close a circle on their own.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dashboard", "logreg_core")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that importing ``name`` runs, read from its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            # importing a.b.c runs a, a.b and a.b.c
            found |= {".".join(parts[:k]) for k in range(1, len(parts) + 1)} & known
    return found - {name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    edges = {}
    for name, path in found.items():
        targets = imported(name, path, known)
        if path.name == "__init__.py":  # a package's own submodules: its registry
            targets = {t for t in targets if not t.startswith(name + ".")}
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def reachable(edges, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycle():
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_graph_sees_lazy_and_relative_imports():
    edges = graph()
    assert "dashboard.fields" in edges["dashboard.state"]
    assert {"dashboard.views", "dashboard.views.learning_rates"} <= \
        edges["dashboard.views.optimizers"]


def test_the_settings_table_is_a_leaf():
    """fields reaches only the tab table, the text helpers and the core: no view, no lesson,
    no session state."""
    inside = {m for m in reachable(graph(), "dashboard.fields") if m.startswith("dashboard")}
    assert inside <= {"dashboard", "dashboard.tabs", "dashboard.text"}, inside


def test_reading_a_link_loads_no_streamlit():
    code = ("import sys; from dashboard import fields; fields.from_query({'tab': 'rates'}); "
            "print(sorted(m for m in ('streamlit', 'altair') if m in sys.modules), "
            "len([m for m in sys.modules if m.startswith('dashboard')]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "[]" and int(out[1]) <= 4, out  # dashboard, fields, tabs, text
