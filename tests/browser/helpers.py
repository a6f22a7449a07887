"""Helpers of the browser tests: waiting for Streamlit, finding widgets, reading the page.

Plain functions and constants (conftest.py holds fixtures only). Every wait and every
``expect`` here uses `APP_TIMEOUT_MS`, never Playwright's 5 s default: CI machines are shared
and busy, and a rerun beside CPU burners can take several seconds.

Waiting for a rerun
-------------------
`RUN_COUNTER_JS` is installed in every page before the app loads (``add_init_script``). A
MutationObserver counts every change of ``stApp``'s ``data-test-script-state`` into
"running", so a rerun is seen even when it starts late (a slider commits its value after a
debounce) or is over before Playwright looks. A run so short that React draws "running" and
"notRunning" in one commit never shows "running"; for those the script also counts the
server's WebSocket messages and every change of the page. `rerun` snapshots the counters
before an interaction and waits until a run has shown (or the server has answered, the page
has changed and both have been quiet for `QUIET_MS`) and the app is idle again.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.tabs import GROUP_OF, GROUPS
from dashboard.views import VIEWS as REGISTRY

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"


#: The suite's one timeout (ms) for every wait and every ``expect``.
APP_TIMEOUT_MS = 45_000
#: Playback of a whole run is about 10 s by design; on a loaded machine allow far more.
PLAYBACK_TIMEOUT_MS = 4 * APP_TIMEOUT_MS
# Playwright's expect() waits 5 s unless told otherwise: make the suite's timeout its default.
expect.set_options(timeout=APP_TIMEOUT_MS)

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
TALL_MAX = 9000  # cap of a viewport enlarged to hold a whole page

TITLE = "How logistic regression learns"
#: The views, in order, with their link values: the page's own registry.
VIEWS = {view.slug: view.title for view in REGISTRY}
#: The tab row: one tab per group of views (dashboard/tabs.py), in order.
TAB_TITLES = [group.title for group in GROUPS]
LESSON_STEPS = 7
#: The worked textbook step as a link: one step from w = 2.197, b = -6.593 at rate 0.1.
WORKED_LINK = "?data=five_points&lr=0.1&steps=1&w0=2.197&b0=-6.593&step=0"
#: The link of the default page (the parameters always written).
DEFAULT_QUERY = {
    "data": "five_points", "lr": "0.5", "steps": "200", "w0": "0", "b0": "0", "l2": "0",
    "std": "0", "step": "200",
}
#: The slider grids (dashboard/fields.py), to count key presses in grid positions.
LEARNING_RATE_GRID = tuple(float(f"{m}e{e}") for e in range(-4, 3) for m in (1, 2, 5)
                           if float(f"{m}e{e}") <= 100)
STEPS_GRID = (1, 2, 3, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500,
              2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 50000, 75000, 100000)

# ---------------------------------------------------------------------------------------------
# Waiting for the app
# ---------------------------------------------------------------------------------------------

RUN_COUNTER_JS = """
(() => {
  if (window.__st !== undefined) return;
  const st = window.__st = {runs: 0, wsIn: 0, wsLast: 0, mutations: 0, mutationLast: 0};
  // Runs: every change of stApp's data-test-script-state into "running". Records come in
  // order; each one's new value is the next one's old value (or the attribute as it is now,
  // for the last record of an element).
  new MutationObserver(records => {
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const next = records.slice(i + 1).find(r => r.target === record.target);
      const value = next ? next.oldValue
                         : record.target.getAttribute('data-test-script-state');
      if (value === 'running' && record.oldValue !== 'running') st.runs++;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  // Any change of the page at all, and every message from the server.
  new MutationObserver(() => { st.mutations++; st.mutationLast = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true,
                        characterData: true});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { st.wsIn++; st.wsLast = performance.now(); });
    }
  };
})();
"""

#: Milliseconds without a server message or a change of the page that end a run too short to
#: have shown "running" (see `rerun`).
QUIET_MS = 300

IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
}
"""

#: A run has happened since ``before`` (a snapshot of window.__st) and the app is idle.
RUN_AFTER_JS = """
([before, quiet]) => {
  const st = window.__st;
  if (!st) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
  if (!idle) return false;
  if (st.runs > before.runs) return true;
  // A run so short that React drew "running" and "notRunning" in one go: the server has
  // answered, the page has changed, and both have been quiet for a while.
  const now = performance.now();
  return st.wsIn > before.wsIn && st.mutations > before.mutations
    && now - st.wsLast >= quiet && now - st.mutationLast >= quiet;
}
"""

APP_STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {counters: window.__st,
          scriptState: app ? app.getAttribute('data-test-script-state') : null,
          skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
          stale: [...document.querySelectorAll(
              '[data-testid="stElementContainer"][data-stale="true"]')]
              .map(e => e.className.split(' ').filter(c => c.startsWith('st-key-')).join(' ')
                        || e.textContent.slice(0, 40))};
}
"""


def app_state(page: Page) -> dict:
    """What the waits look at, for a failure message."""
    return page.evaluate(APP_STATE_JS)


def wait_for(page: Page, script: str, what: str, arg: Any = None,
             timeout: float = APP_TIMEOUT_MS) -> None:
    """``page.wait_for_function`` that says what it waited for, and the app's state, on timeout."""
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout)
    except PlaywrightTimeoutError:
        raise AssertionError(f"timed out after {timeout / 1000:.0f} s waiting for {what}; "
                             f"app state: {app_state(page)}") from None


def counters(page: Page) -> dict:
    """The page's run, server-message and page-change counters (window.__st) right now."""
    return page.evaluate("() => ({...window.__st})")


def wait_idle(page: Page) -> None:
    """Wait until no script run is going on, no skeleton is shown and nothing is stale."""
    wait_for(page, IDLE_JS, "the app to be idle")


def wait_for_run_after(page: Page, before: dict) -> None:
    """Wait until a run has happened since the counters were ``before``, and the app is idle."""
    wait_for(page, RUN_AFTER_JS, f"a script run after {before}", arg=[before, QUIET_MS])


@contextlib.contextmanager
def rerun(page: Page) -> Iterator[None]:
    """Around an interaction: wait for the rerun it starts (even a late one) to finish."""
    before = counters(page)
    yield
    wait_for_run_after(page, before)


def open_url(page: Page, url: str) -> None:
    """Navigate to a full address of the app and wait for its first run to finish."""
    page.goto(url, wait_until="domcontentloaded")
    wait_for(page, "() => !!window.__st", "the page's script")
    wait_for_run_after(page, {"runs": 0, "wsIn": 0, "mutations": 0})


def open_app(page: Page, base_url: str, query: str = "") -> None:
    """Navigate to the app (optionally with a query string) and wait for its first run."""
    open_url(page, base_url + "/" + query)


def settle(page: Page) -> None:
    """Wait until every visible chart has drawn, the fonts are in and a frame is painted."""
    charts = page.get_by_test_id("stVegaLiteChart").filter(visible=True)
    expect(charts.locator("svg.marks, canvas.marks")).to_have_count(
        charts.count(), timeout=APP_TIMEOUT_MS)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# ---------------------------------------------------------------------------------------------
# Finding things
# ---------------------------------------------------------------------------------------------


def keyed(page: Page | Locator, key: str) -> Locator:
    """The element container of the widget with this key (Streamlit's ``st-key-<key>``)."""
    return page.locator(f".st-key-{key}")


def slider_thumb(page: Page | Locator, key: str) -> Locator:
    """The keyboard-focusable thumb (a range input) of a slider; its value is aria-valuetext."""
    return keyed(page, key).locator('input[type="range"]')


def button(page: Page | Locator, key: str) -> Locator:
    """The visible button of the keyed st.button (Streamlit also keeps a hidden twin)."""
    return keyed(page, key).locator("button").filter(visible=True)


def metric(page: Page, label: str) -> Locator:
    """The st.metric whose label is exactly ``label``."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=exact))


def metric_value(page: Page, label: str) -> Locator:
    return metric(page, label).get_by_test_id("stMetricValue")


def metrics(page: Page) -> dict[str, str]:
    """Every metric on the page, label to value."""
    return {norm(m.get_by_test_id("stMetricLabel").inner_text()):
            norm(m.get_by_test_id("stMetricValue").inner_text())
            for m in page.get_by_test_id("stMetric").all()}


def tab(page: Page, slug: str) -> Locator:
    """The tab of the group that holds the view ``slug``."""
    return page.get_by_role("tab", name=GROUP_OF[slug].title, exact=True)


def view_picker(page: Page | Locator, slug: str) -> Locator:
    """The button of the view ``slug`` in its group's row of views (a segmented control)."""
    return keyed(page, f"pick_{GROUP_OF[slug].slug}").get_by_role(
        "radio", name=VIEWS[slug], exact=True)


def open_view(page: Page, slug: str) -> Locator:
    """Open a view: its group's tab, then (in a group of several) its button; only the open
    view runs, so each is a rerun. Returns the open tab panel."""
    the_tab = tab(page, slug)
    if the_tab.get_attribute("aria-selected") != "true":
        with rerun(page):
            the_tab.click()
    expect(the_tab).to_have_attribute("aria-selected", "true", timeout=APP_TIMEOUT_MS)
    panel = page.get_by_test_id("stTabPanel").filter(visible=True)
    expect(panel).to_have_count(1, timeout=APP_TIMEOUT_MS)
    if len(GROUP_OF[slug].members) > 1:
        picker = view_picker(panel, slug)
        if picker.get_attribute("aria-checked") != "true":
            with rerun(page):
                picker.click()
        expect(picker).to_have_attribute("aria-checked", "true")
    return panel


#: "Take a step apart"'s expanders drawn only while open: the formulas, the gradient check.
STEP_EXPANDERS = {"step_formulas_open": "The same step as formulas",
                  "gradient_check_open": "Gradient check"}


def open_step_expanders(page: Page) -> None:
    """Open the step view's formulas and gradient check (each a rerun), as a learner would."""
    for key, label in STEP_EXPANDERS.items():
        box = keyed(page, key)
        expect(box).to_have_count(1, timeout=APP_TIMEOUT_MS)
        if box.locator("details").get_attribute("open") is None:
            with rerun(page):
                box.get_by_text(label).first.click()
        expect(box.locator("details")).to_have_attribute("open", "")


def charts_named(page: Page | Locator, prefix: str) -> Locator:
    """Vega-Lite charts whose text alternative (aria-label) starts with ``prefix``."""
    return page.locator(f'[data-testid="stVegaLiteChart"][aria-label^="{prefix}"]')


def player(page: Page | Locator) -> Locator:
    """The first screen's model player (dashboard/player.py): its root element carries
    ``data-step`` (the step shown), ``data-drawn`` (frames drawn so far) and ``data-playing``."""
    return keyed(page, "model_player").locator(".player")


def loss_chart(page: Page) -> Locator:
    """The player's loss curve (a canvas)."""
    return player(page).locator("canvas.loss")


def model_picture(page: Page) -> Locator:
    """The player's model picture (a canvas)."""
    return player(page).locator("canvas.picture")


def player_step(page: Page) -> int:
    return int(player(page).get_attribute("data-step"))


def gradient_table(page: Page) -> Locator:
    """The first screen's per-sample table of the inspected step (an HTML table)."""
    return page.get_by_test_id("stMain").locator(
        'table[aria-label^="The forward and backward pass of every sample"]')


def worked_table(page: Page) -> Locator:
    """The first screen's Markdown table of the worked 5-point step."""
    return page.get_by_test_id("stMain").get_by_test_id("stMarkdownContainer").locator(
        "table").filter(has=page.locator("th", has_text="textbook"))


def html_table(table: Locator) -> list[dict[str, str]]:
    """An HTML table's body rows as dicts keyed by the header cells (text normalized)."""
    rows = table.evaluate(
        """t => {
            const head = [...t.querySelectorAll('thead th')].map(c => c.textContent.trim());
            return [...t.querySelectorAll('tbody tr')].map(r => {
                const cells = [...r.querySelectorAll('th, td')].map(c => c.textContent);
                return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
            });
        }""")
    return [{norm(k): norm(v or "") for k, v in row.items()} for row in rows]


def latex_texts(scope: Page | Locator) -> list[str]:
    """The rendered text of every KaTeX formula in ``scope``, normalized."""
    texts = scope.locator(".katex-html").evaluate_all("els => els.map(e => e.textContent)")
    return [norm(t) for t in texts]


# ---------------------------------------------------------------------------------------------
# Reading values
# ---------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Rendered text as typed: U+2212 as "-", no zero-width spaces or word joiners (the
    invisible break md_escape puts in a bare address), no no-break spaces, stripped."""
    return (text.replace("\u2212", "-").replace("\u200b", "").replace("\u2060", "")
            .replace("\xa0", " ").replace("\u202f", " ").strip())


def number(text: str) -> float:
    """A number as the page shows it ("1,500", "−6.603")."""
    return float(norm(text).replace(",", ""))


def query_of(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def fmt(value: float, digits: int = 4) -> str:
    """A number as the page formats it: ``digits`` significant digits, no "-0"."""
    text = f"{float(value):.{digits}g}"
    return "0" if text in ("-0", "0") else text


def page_text(page: Page) -> str:
    """All the app's text: its DOM text (hidden parts too), chart text, labels and titles."""
    return page.evaluate(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const parts = [app.textContent];
            for (const el of app.querySelectorAll('[aria-label], [title], [alt], [placeholder]'))
                for (const a of ['aria-label', 'title', 'alt', 'placeholder'])
                    if (el.hasAttribute(a)) parts.push(el.getAttribute(a));
            return parts.join('\\n');
        }""")


def assert_clean(page: Page) -> None:
    """No Python exception box on the page, no console error and no uncaught page error."""
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, f"exception on the page: {exceptions.all_inner_texts()}"
    assert page.console_errors == [], f"browser errors: {page.console_errors}"


def overflow(page: Page) -> dict[str, int]:
    """Widths of the scrolling main container and of the document (for overflow checks)."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const root = document.documentElement;
            return {mainScroll: main.scrollWidth, mainClient: main.clientWidth,
                    mainScrollHeight: main.scrollHeight,
                    docScroll: root.scrollWidth, docClient: root.clientWidth};
        }""")


def assert_no_horizontal_overflow(page: Page, where: str = "") -> dict[str, int]:
    sizes = overflow(page)
    assert sizes["mainScroll"] <= sizes["mainClient"] + 1, f"{where}: main overflows: {sizes}"
    assert sizes["docScroll"] <= sizes["docClient"] + 1, f"{where}: page overflows: {sizes}"
    return sizes


def within_viewport(box: dict[str, float] | None, viewport: dict[str, int]) -> bool:
    return (box is not None and box["x"] >= -0.5 and box["y"] >= -0.5
            and box["x"] + box["width"] <= viewport["width"] + 0.5
            and box["y"] + box["height"] <= viewport["height"] + 0.5)


def enlarge_to_content(page: Page, width: int) -> int:
    """Make the viewport as tall as the main block's content (capped at `TALL_MAX`).

    Streamlit scrolls an inner container, so ``full_page`` screenshots would show one screen;
    a taller viewport shows the whole page instead.
    """
    height = min(max(page.viewport_size["height"], overflow(page)["mainScrollHeight"]),
                 TALL_MAX)
    page.set_viewport_size({"width": width, "height": height})
    settle(page)
    return height


# ---------------------------------------------------------------------------------------------
# Independent reference numbers
# ---------------------------------------------------------------------------------------------

FIVE_X = np.arange(1.0, 6.0)
FIVE_Y = np.array([0.0, 0.0, 0.0, 1.0, 1.0])


@dataclass
class Reference:
    """Plain full-batch gradient descent on the 5 points, written here from the formulas."""

    w: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def reference_run(learning_rate: float, steps: int, w0: float = 0.0,
                  b0: float = 0.0) -> Reference:
    """Gradient descent on the 5 points from (w0, b0): w, b and loss at every step."""
    ref = Reference()
    w, b = w0, b0
    for t in range(steps + 1):
        z = w * FIVE_X + b
        u = np.where(FIVE_Y == 1, -z, z)
        loss = float(np.mean(np.log1p(np.exp(-np.abs(u))) + np.maximum(u, 0.0)))
        ref.w.append(w)
        ref.b.append(b)
        ref.loss.append(loss)
        if t == steps:
            break
        error = _sigmoid(z) - FIVE_Y
        w, b = w - learning_rate * float(np.mean(error * FIVE_X)), b - learning_rate * float(
            np.mean(error))
    return ref


# ---------------------------------------------------------------------------------------------
# Artifacts
# ---------------------------------------------------------------------------------------------


def record(name: str, key: str, value: Any) -> Path:
    """Merge ``{key: value}`` into the JSON file test-artifacts/<name> and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    data = {}
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text())
    data[key] = value
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# A local HTTP server that records whoever calls it
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def recording_http_server(port: int) -> Iterator[list[str]]:
    """Serve 127.0.0.1:``port`` for the block; yields the list of request paths it received."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def pause(seconds: float) -> None:
    """Let time pass deliberately (to space key presses or to see that nothing changes)."""
    time.sleep(seconds)
