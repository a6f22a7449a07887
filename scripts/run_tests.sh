#!/usr/bin/env bash
# Run every test: ruff, then pytest (the numeric core, the app through AppTest, and headless
# Chromium against a real `streamlit run` server). Installs what the tests need when it is
# missing: the packages in requirements-dev.txt (pip), and Debian's chromium package for the
# browser tests (apt-get, as root or through sudo). Extra arguments go to pytest, e.g.
#   bash scripts/run_tests.sh -m browser          # only the browser tests
#   bash scripts/run_tests.sh -m "not browser"    # everything else (no Chromium needed)
#   bash scripts/run_tests.sh -n 0 -x             # one process, stop at the first failure
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
CHROMIUM=/usr/bin/chromium  # the path the browser tests launch (tests/browser/conftest.py)

"$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Browser tests are wanted unless the arguments deselect them.
wants_browser=1 only_browser=0
case " $* " in
    *"not browser"*) wants_browser=0 ;;
    *"-m browser "*) only_browser=1 ;;
esac

pytest_args=("$@")
# Two workers (pytest-xdist): the browser tests in order on one (tests/conftest.py groups
# them), everything else on the other. `-n 0` among the arguments runs in one process.
case " $* " in
    *" -n "* | *" -n="* | *" -n0 "* | *" -p no:xdist "*) ;;
    *) pytest_args=(-n 2 --dist loadgroup "${pytest_args[@]}") ;;
esac
if [ "$wants_browser" -eq 1 ] && [ ! -x "$CHROMIUM" ]; then
    echo "Chromium is missing at $CHROMIUM: installing Debian's chromium package"
    # shellcheck source=scripts/debian_install.sh
    . scripts/debian_install.sh
    if debian_install chromium; then
        echo "Installed $($CHROMIUM --version 2>/dev/null || echo chromium)"
    fi
    if [ ! -x "$CHROMIUM" ] && [ "$only_browser" -eq 1 ]; then
        echo "The browser tests were asked for, but $CHROMIUM is missing and could not be" >&2
        echo "installed (apt-get is missing or failed)." >&2
        exit 1
    fi
    if [ ! -x "$CHROMIUM" ]; then
        echo "" >&2
        echo "*** The browser tests cannot run here: $CHROMIUM is missing and Debian's" >&2
        echo "*** chromium package could not be installed (apt-get is missing or failed)." >&2
        echo "*** Running every other test. Install Chromium at $CHROMIUM to run them all." >&2
        echo "" >&2
        pytest_args+=(-m "not browser")
    fi
fi

"$PYTHON" -m ruff check .

set +e
"$PYTHON" -m pytest "${pytest_args[@]}"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: nothing was checked" >&2
fi
exit "$status"
