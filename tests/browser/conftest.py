"""Fixtures for the browser tests: a real `streamlit run` server and headless Chromium.

The server and the browser are started once per session; every test gets a fresh browser
context (so no cookies, session or cache carry over) whose console errors and page errors are
collected in ``page.console_errors``.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
APP_TIMEOUT_MS = 30_000  # longest wait for a script run to finish
RUN_START_TIMEOUT_MS = 2_000  # how long a rerun may take to start after an interaction
DESKTOP = {"width": 1400, "height": 1000}


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (ignored by git): screenshots and the server log."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def health(url: str) -> str | None:
    """The body of Streamlit's health endpoint, or None while it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(artifacts_dir: Path) -> Iterator[str]:
    """Base URL of `streamlit run app.py` on a free local port, stopped after the session."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]
    log_path = artifacts_dir / "streamlit-server.log"
    err_path = artifacts_dir / "streamlit-server.err.log"
    base = f"http://127.0.0.1:{port}"
    # Files rather than pipes: a pipe nobody reads would fill up and block the server.
    with open(log_path, "wb") as out, open(err_path, "wb") as err:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"`streamlit run app.py` exited with code {process.returncode} before "
                    f"answering on {base}.\nstderr:\n{err_path.read_text(errors='replace')}\n"
                    f"stdout:\n{log_path.read_text(errors='replace')}",
                    pytrace=False,
                )
            if health(f"{base}/_stcore/health") == "ok":
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`streamlit run app.py` did not answer ok on {base}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT:.0f} s.\nstderr:\n"
                    f"{err_path.read_text(errors='replace')}",
                    pytrace=False,
                )
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never Playwright's own download)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing, so the browser tests cannot run. Run "
            "`bash scripts/run_tests.sh`, which installs Debian's chromium package.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """Factory: ``new_page(viewport=..., color_scheme=...)`` opens a page in a fresh context.

    Each page gets ``page.console_errors``, a list of the console messages of type "error" and
    the uncaught page errors seen so far. Contexts are closed when the test ends.
    """
    contexts = []

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True, **options,
        )
        context.set_default_timeout(APP_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console",
                lambda message: errors.append(f"console.error: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.console_errors = errors
        return page

    yield make
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def page(new_page):
    """A fresh 1400x1000 page with ``page.console_errors``."""
    return new_page()


def wait_for_app(page, *, after_interaction: bool = True) -> None:
    """Wait until the script run triggered by the last navigation or interaction has finished.

    After an interaction the app's state goes briefly to "running": wait (briefly, ignoring a
    timeout, since a fast run may already be over) to see it, then wait for "notRunning" and
    for every loading skeleton to be gone.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if after_interaction:
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]',
                                   state="attached", timeout=RUN_START_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           state="attached", timeout=APP_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached",
                           timeout=APP_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stElementContainer"][data-stale="true"]',
                           state="detached", timeout=APP_TIMEOUT_MS)


def open_app(page, base_url: str, query: str = "") -> None:
    """Navigate to the app (optionally with a query string) and wait for its first run."""
    page.goto(base_url + "/" + query, wait_until="domcontentloaded")
    # The first run has produced output once a metric (or an exception) is on the page; then
    # wait for that run to end.
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stException"]',
                           state="attached", timeout=APP_TIMEOUT_MS)
    wait_for_app(page, after_interaction=False)
