"""No stray control characters in the source (a non-raw "\\f" turns \\frac into a form feed)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_control_characters_in_python_sources():
    bad = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    folders = ("logreg_core", "tests", "bench")
    sources = [ROOT / "app.py"] + [p for f in folders for p in (ROOT / f).rglob("*.py")]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bad.search(line)
    ]
    assert offenders == []
