"""The core is numbers and data only: numpy, pandas and the standard library.

Checked on the source (every import statement of every module) and on a fresh interpreter
(importing the package loads neither Streamlit nor Altair). ruff's banned-api rule (TID251,
pyproject.toml) catches a new import in the editor already.
"""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "logreg_core"
ALLOWED = {"numpy", "pandas"}


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_import_only_numpy_pandas_and_the_standard_library():
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(CORE.glob("*.py")):
        outside = top_level_imports(path) - stdlib - ALLOWED
        assert outside == set(), f"{path.name} imports {sorted(outside)}"


def test_importing_the_core_loads_no_presentation_library():
    code = ("import sys, logreg_core, logreg_core.limits, logreg_core.verdicts, "
            "logreg_core.examples, logreg_core.script, logreg_core.csv_reader, "
            "logreg_core.checks, logreg_core.landscape; "
            "print(sorted(m for m in ('streamlit', 'altair', 'scipy', 'sklearn') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=CORE.parent, check=True)
    assert result.stdout.strip() == "[]"


def test_no_source_file_is_over_700_lines_and_app_py_over_250():
    root = CORE.parent
    paths = [p for p in root.rglob("*.py")
             if not {".git", ".venv", "venv", "test-artifacts"} & set(p.relative_to(root).parts)]
    assert root / "app.py" in paths and root / "bench" / "load.py" in paths
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = 250 if path == root / "app.py" else 700
        assert lines <= limit, f"{path.relative_to(root)} has {lines} lines"
