#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's Chromium for the browser tests) when it
# is missing, then run every test: core, AppTest and browser. Extra arguments go to pytest,
# e.g. `bash scripts/run_tests.sh -m browser`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"

if ! command -v chromium >/dev/null 2>&1; then
    echo "Chromium is missing: installing Debian's package for the browser tests"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

"$PYTHON" -m ruff check .

set +e
"$PYTHON" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: nothing was checked" >&2
fi
exit "$status"
