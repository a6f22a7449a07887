"""Steadiness: the whole browser suite, several times in a row, beside CPU-burning processes.

Run from the repository root::

    python -m tests.browser.steadiness            # 3 runs beside 2 burners
    python -m tests.browser.steadiness --runs 5 --burners 2

Each run is ``python -m pytest tests/browser -m browser`` in a fresh process (its own server
and browser); the burners (`bench.server.Burners`) stand in for the other tenants of a shared
two-core machine and run for the whole series. Pass counts and the wall time of each run are printed
and written to test-artifacts/steadiness.json; each run's JUnit report goes beside it. The
exit status is 0 only if every run passed (expected failures, xfail, count as passed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.server import Burners
from tests.browser.helpers import ARTIFACTS, REPO_ROOT

#: The JSON notes the tests write, kept per run.
NOTES = ("key-presses.json", "playback.json")
#: Seconds each burner may run at most (it stops by itself even if this script is killed).
BURN_LIMIT = 3 * 3600.0


def counts(junit: Path) -> dict[str, int]:
    """Outcomes of one pytest run from its JUnit XML report."""
    outcome = {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "xfailed": 0, "xpassed": 0}
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None:
            outcome["failed"] += 1
        elif case.find("error") is not None:
            outcome["error"] += 1
        elif (skipped := case.find("skipped")) is not None:
            is_xfail = skipped.get("type") == "pytest.xfail"
            outcome["xfailed" if is_xfail else "skipped"] += 1
        else:
            outcome["passed"] += 1
    return outcome


def run_suite(number: int, extra: list[str]) -> dict:
    """One run of the browser suite; its outcome counts, exit code and wall time."""
    junit = ARTIFACTS / f"steadiness-run-{number}.xml"
    # Only tests/browser is collected, so a half-edited test elsewhere cannot stop the run.
    command = [sys.executable, "-m", "pytest", "tests/browser", "-m", "browser", "-q",
               "-p", "no:cacheprovider", f"--junitxml={junit}", *extra]
    start = time.monotonic()
    result = subprocess.run(command, cwd=REPO_ROOT, check=False)
    seconds = time.monotonic() - start
    outcome = counts(junit) if junit.exists() else {}
    notes = {}  # what the tests recorded for the report, as this run left it
    for name in NOTES:
        with contextlib.suppress(OSError, ValueError):
            notes[name] = json.loads((ARTIFACTS / name).read_text())
    return {"run": number, "exit_code": result.returncode, "wall_seconds": round(seconds, 1),
            **outcome, "notes": notes}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("pytest_args", nargs="*", help="more arguments for pytest")
    args = parser.parse_args(argv)
    ARTIFACTS.mkdir(exist_ok=True)
    runs = []
    with Burners(args.burners, limit=BURN_LIMIT):
        for number in range(1, args.runs + 1):
            runs.append(run_suite(number, args.pytest_args))
            print(json.dumps({k: v for k, v in runs[-1].items() if k != "notes"}), flush=True)
    report = {"burners": args.burners, "runs": runs}
    (ARTIFACTS / "steadiness.json").write_text(json.dumps(report, indent=2) + "\n")
    for run in runs:
        print(f"run {run['run']}: exit {run['exit_code']}, {run.get('passed', 0)} passed, "
              f"{run.get('xfailed', 0)} xfailed, {run.get('failed', 0)} failed, "
              f"{run.get('error', 0)} errors, {run['wall_seconds']} s")
    return 0 if all(run["exit_code"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
