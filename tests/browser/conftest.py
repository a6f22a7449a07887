"""Fixtures of the browser tests: a real `streamlit run app.py` server and headless Chromium.

Fixtures only; the helpers are in tests/browser/helpers.py. The server comes from
`bench.server.Server` (free port, headless, file watcher off, health check) and the browser is
Debian's Chromium. Both start once per session; every test gets fresh browser contexts (no
cookies, session or cache carry over), each page with the run counter of
`helpers.RUN_COUNTER_JS` and ``page.console_errors``, the console errors and uncaught page
errors seen so far.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Debian's Chromium, its flags and the error collector are the benchmark's: one definition
# (tests may import bench; bench never imports tests).
from bench.browser import CHROMIUM, CHROMIUM_ARGS, collect_errors
from bench.server import Server
from tests.browser.helpers import (
    APP_TIMEOUT_MS,
    ARTIFACTS,
    DESKTOP,
    REPO_ROOT,
    RUN_COUNTER_JS,
)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """test-artifacts/ at the repo root (ignored by git): screenshots, JSON notes, server logs.

    Screenshots of failed tests from an earlier session are removed, so those present belong
    to this one.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("failed-*.png"):
        old.unlink(missing_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_server(artifacts_dir: Path) -> Iterator[Server]:
    """`streamlit run app.py` on a free local port, stopped after the session.

    Its output goes to test-artifacts/server-logs/app-<port>.log.
    """
    logs = artifacts_dir / "server-logs"
    logs.mkdir(exist_ok=True)
    server = Server(REPO_ROOT / "app.py", REPO_ROOT, logs)
    try:
        server.wait_healthy()
    except RuntimeError as error:
        server.stop()
        pytest.fail(f"the app's server did not start: {error}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(app_server: Server) -> str:
    """Base URL of the app, ``http://127.0.0.1:<port>``."""
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (never Playwright's own download)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(scripts/run_tests.sh does).", pytrace=False)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, request, artifacts_dir: Path) -> Iterator[Callable]:
    """Factory: ``new_page(viewport=..., color_scheme=..., **context_options)``.

    Each call opens a page in a fresh context; the contexts close when the test ends. When
    the test has failed, each page still open is saved first as
    test-artifacts/failed-<test>-<n>.png.
    """
    contexts = []
    failed_before = request.session.testsfailed

    def make(viewport: dict | None = None, **options):
        context = browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True,
                                      **options)
        context.set_default_timeout(APP_TIMEOUT_MS)
        context.set_default_navigation_timeout(APP_TIMEOUT_MS)
        context.add_init_script(RUN_COUNTER_JS)
        contexts.append(context)
        return collect_errors(context.new_page())

    yield make
    failed = request.session.testsfailed > failed_before  # the call's report is in by now
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    for n, context in enumerate(contexts):
        with contextlib.suppress(Exception):
            if failed and context.pages:
                context.pages[0].screenshot(path=artifacts_dir / f"failed-{name}-{n}.png")
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def page(new_page):
    """A fresh 1400x1000 page."""
    return new_page()
