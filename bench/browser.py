"""The served dashboard in headless Chromium, against a trivial Streamlit page served alike.

Each side is a real ``streamlit run`` server on a free local port, driven by Debian's Chromium
through Playwright. The baseline is a one-slider, one-metric script written to a temporary
directory outside the repository, so the ratio is the dashboard's own cost on top of Streamlit's
round trip (websocket, rerun, render) on this machine.

Figures:

- a learning-rate key press until the new "Loss at step ..." value is drawn and the run is over
  (5 points, default page: target 0.5 s; breast cancer at 1,000 steps: target 1 s). The rate
  toggles between two grid values, so after the warm-up both trainings come from
  ``st.cache_data``: this is the cached rerun plus its drawing;
- the same key press (5 points) with 10 other sessions rerunning the default page back to back
  against none (protocol clients from `bench.protocol`, no browser: they cost the server what
  ten tabs would, and the browser nothing): target 0.6 s. ``python -m bench --only load`` times
  it again beside CPU burners (`key_press_under_load`);
- ten pages open at once on one server (ten contexts in one Chromium), each moving the
  learning rate once: all render without an exception element or a console error and the
  server's memory (RSS of the streamlit process and its children, once all have rendered)
  stays under 500 MB, the check line. Opening the ten takes half a minute to a minute on two
  CPUs, so it is done once, not per timed call; the timed pair is then all ten moving the
  rate at once against one of them alone (the ratio is what the other nine cost it);
- the first load of a fresh page until the run is over (the issue asks only to report it; the
  5 s target is a generous ceiling).

Timed calls per side follow ``--repeats`` (one key press or one page load per call).

Playwright is a test-only dependency: it is imported only when the group runs, and the group
says it is skipped (and why) when Playwright or Debian's Chromium is missing. The servers come
from `bench.server`; nothing here imports pytest or ``tests/``.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import shutil
import statistics
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import Check, Group, Pair, Result, format_checks, format_table
from .protocol import Rerunners, RunResult
from .server import REPO_ROOT, Server

#: Debian's Chromium, driven by Playwright (never Playwright's own download).
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
DESKTOP = {"width": 1400, "height": 1000}
RENDER_TIMEOUT_MS = 30_000
RUN_START_TIMEOUT_MS = 2_000  # how long a rerun may take to start after an interaction
LOSS_LABEL = "Loss at step"
RATE_LABEL = "Learning rate η"
PAGES = 10
RSS_LIMIT_MB = 500.0
CROWD_TIMEOUT_MS = 180_000  # ten first runs at once on two CPUs: 30 to 60 s
#: Ten times the single-page target: serving ten moves at once may at worst serialize them.
CROWD_TARGET_SECONDS = 5.0
#: Protocol clients (`bench.protocol`) rerunning the default page while a key press is timed.
BACKGROUND_SESSIONS = 10
BACKGROUND_RERUN_KEY = "inspect,digits"  # the scrubber is in the player now: digits
#: Key press to new loss with `BACKGROUND_SESSIONS` other sessions rerunning.
BUSY_TARGET_SECONDS = 0.6

#: The baseline page: one select_slider (labelled as the dashboard's) and one metric showing it.
TRIVIAL = textwrap.dedent(
    f"""
    import streamlit as st

    rate = st.sidebar.select_slider(
        "{RATE_LABEL}", options=[0.1, 0.2, 0.5, 1.0, 2.0, 5.0], value=0.5)
    st.metric("{LOSS_LABEL} 1", rate)
    """
)

#: Resolves (to the new text) once the last metric whose label starts with the prefix (the
#: dashboard's final loss, "Loss at step 200", not "Loss at step 0") shows a value other than
#: ``before`` and the app's script state is notRunning.
CHANGED_AND_IDLE = """
([prefix, before]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const metrics = [...document.querySelectorAll('[data-testid="stMetric"]')].filter(m => {
        const label = m.querySelector('[data-testid="stMetricLabel"]');
        return label && label.textContent.trim().startsWith(prefix);
    });
    if (!metrics.length) return false;
    const value = metrics[metrics.length - 1].querySelector('[data-testid="stMetricValue"]');
    const text = value ? value.textContent.trim() : '';
    return text !== before ? text : false;
}
"""


# ----------------------------------------------------------------------------------------
# Server and browser
# ----------------------------------------------------------------------------------------


def missing() -> str | None:
    """Why the browser cannot run here (Playwright or Chromium missing), or None."""
    try:
        found = importlib.util.find_spec("playwright") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        return ("Playwright is not installed: it is a test-only dependency "
                "(pip install -r requirements-dev.txt); never `playwright install`: the bench "
                f"drives Debian's {CHROMIUM}")
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium package"
    return None


def collect_errors(page):
    """``page`` with ``page.console_errors``: every console error and uncaught page error
    from now on, as text (the browser tests use it too)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"console.error: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.console_errors = errors
    return page


class Chromium:
    """Headless Debian Chromium through Playwright's sync API; `close` ends both.

    Pages come from `new_page`, each in a fresh context (no cookies or session carried
    over), with its console errors and page errors in ``page.console_errors``.
    """

    def __init__(self) -> None:
        reason = missing()
        if reason:
            raise RuntimeError(reason)
        from playwright.sync_api import sync_playwright  # test-only dependency: lazily

        self.contexts: list = []
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception:
            self.playwright.stop()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def new_page(self):
        """A page in a fresh context, collecting console errors and page errors."""
        context = self.browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(RENDER_TIMEOUT_MS)
        self.contexts.append(context)
        return collect_errors(context.new_page())

    def close_context(self, page) -> None:
        context = page.context
        with contextlib.suppress(Exception):
            context.close()
        with contextlib.suppress(ValueError):
            self.contexts.remove(context)

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()
        self.contexts.clear()
        with contextlib.suppress(Exception):
            self.browser.close()
        with contextlib.suppress(Exception):
            self.playwright.stop()


def wait_for_app(page, *, after_interaction: bool = True) -> None:
    """Wait until the script run triggered by the last navigation or interaction has finished.

    After an interaction the app's state goes briefly to "running": wait (briefly, ignoring a
    timeout, since a fast run may already be over) to see it, then wait for "notRunning" and
    for every loading skeleton and stale element to be gone.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if after_interaction:
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]',
                                   state="attached", timeout=RUN_START_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           state="attached", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached",
                           timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stElementContainer"][data-stale="true"]',
                           state="detached", timeout=RENDER_TIMEOUT_MS)


def open_app(page, base_url: str, query: str = "") -> None:
    """Navigate to the app (optionally with a query string) and wait for its first run."""
    page.goto(base_url + "/" + query, wait_until="domcontentloaded")
    # The first run has produced output once a metric (or an exception) is on the page; then
    # wait for that run to end.
    page.wait_for_selector('[data-testid="stMetric"], [data-testid="stException"]',
                           state="attached", timeout=RENDER_TIMEOUT_MS)
    wait_for_app(page, after_interaction=False)


class Session:
    """Both servers and one headless Chromium; `close` releases everything it started."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="descent-lab-bench-"))
        self.servers: list[Server] = []
        self.chromium: Chromium | None = None

    def start(self) -> None:
        trivial = self.tmp / "trivial_page.py"
        trivial.write_text(TRIVIAL)
        self.app = self._serve(REPO_ROOT / "app.py", REPO_ROOT)
        self.trivial = self._serve(trivial, self.tmp)
        for server in self.servers:
            server.wait_healthy()
        self.chromium = Chromium()

    def _serve(self, script: Path, cwd: Path) -> Server:
        server = Server(script, cwd, self.tmp)
        self.servers.append(server)
        return server

    def new_page(self):
        """A page in a fresh context, collecting console errors and page errors."""
        return self.chromium.new_page()

    def close_context(self, page) -> None:
        self.chromium.close_context(page)

    def close(self) -> None:
        if self.chromium is not None:
            self.chromium.close()
            self.chromium = None
        for server in self.servers:
            with contextlib.suppress(Exception):
                server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ----------------------------------------------------------------------------------------
# Playback: frames drawn in the browser, and what playing costs the server
# ----------------------------------------------------------------------------------------

PLAYER = ".st-key-model_player .player"
#: The player's own clock at normal speed (dashboard/assets/player.js SPEEDS.normal).
DESIGN_FPS = 24
MIN_FPS = 15
LAST_STEP = 200  # the default run's last step: where a playback ends
#: Server CPU is summed over at least this long from the first Play: a whole playback of the
#: default 200 steps (8.4 s at 24 frames per second), its final rerun and some slack. A window
#: that needs longer (the final reruns not over yet) is extended, and the idle figure scaled.
CPU_WINDOW_S = 10.0
PLAYBACK_TIMEOUT_S = 90.0
SETTLE_S = 1.0  # after the pages' reruns, before a window opens
FPS_PLAYBACKS = 2  # timed playbacks of one page alone
#: (sessions, rounds): each round is one idle window and one playing window, interleaved
#: (idle, playing, playing, idle, ...). One round each keeps the playback figures near two
#: and a half minutes on two CPUs, most of it Chromium loading the 30 pages.
PLAYING_CROWDS = ((10, 1), (30, 1))
RERUNS_PER_SESSION = 2  # the allowance: one rerun at the start and one at the end
ONE_RERUN_SAMPLES = 3

#: Counts, per page, the script runs (changes of stApp's script state into "running") and the
#: server's WebSocket messages; installed before the app loads (a compact copy of the browser
#: tests' RUN_COUNTER_JS: the bench does not import tests/).
RUN_COUNTER = """
(() => {
  if (window.__st !== undefined) return;
  const st = window.__st = {runs: 0, wsIn: 0, wsLast: 0};
  new MutationObserver(records => {
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const next = records.slice(i + 1).find(r => r.target === record.target);
      const value = next ? next.oldValue : record.target.getAttribute('data-test-script-state');
      if (value === 'running' && record.oldValue !== 'running') st.runs++;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { st.wsIn++; st.wsLast = performance.now(); });
    }
  };
})();
"""

#: Records (time, frame) at every frame the player draws, from a MutationObserver on its
#: data-drawn attribute, as tests/browser/test_playback.py does. The player's root is in a
#: shadow root, so this runs through Playwright's locator (which pierces it).
FRAME_RECORDER = """root => { window.__frames = []; window.__player = root;
  new MutationObserver(() => window.__frames.push([performance.now(), root.dataset.frame]))
    .observe(root, {attributes: true, attributeFilter: ['data-drawn']}); }"""

#: What `Players` polls: the player's state, the counters and whether the app is idle.
PAGE_STATE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const p = window.__player;
  return {
    playing: p ? p.dataset.playing : null, step: p ? p.dataset.step : null,
    frames: window.__frames ? window.__frames.length : 0,
    runs: window.__st.runs, wsIn: window.__st.wsIn,
    quietMs: performance.now() - window.__st.wsLast,
    idle: !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stSkeleton"]')
      && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]'),
  };
}"""
QUIET_MS = 300  # a rerun too short to have shown "running": the server quiet this long


def distinct_fps(frames: list) -> float:
    """Distinct frames per second of a recording [(ms, frame), ...] (NaN if too short)."""
    if len(frames) < 2 or frames[-1][0] <= frames[0][0]:
        return float("nan")
    return (len({f for _, f in frames}) - 1) / ((frames[-1][0] - frames[0][0]) / 1000)


def ran_since(now: dict, before: dict) -> bool:
    """A script run since ``before`` (or the server answered and has been quiet), now idle."""
    return now["idle"] and (now["runs"] > before["runs"] or (
        now["wsIn"] > before["wsIn"] and now["quietMs"] >= QUIET_MS))


class Players:
    """Pages of the app at ``?step=0``, all driven at once: tabs of one browser context.

    Each tab is a session of its own on the server (Streamlit keys sessions by WebSocket, not
    by cookie), and the tabs share the context's cache: a fresh context per page would load
    and compile Streamlit's frontend anew each time, which on two CPUs costs a 30-page crowd
    a minute or more. Every page carries `RUN_COUNTER`, so `play_all` can tell how many
    script runs each one cost, and the frame recorder, so it can tell how many frames each
    one drew.
    """

    def __init__(self, session: Session) -> None:
        self.session, self.server = session, session.app
        self.context = session.chromium.browser.new_context(viewport=DESKTOP)
        self.context.set_default_timeout(RENDER_TIMEOUT_MS)
        self.context.add_init_script(RUN_COUNTER)
        self.pages: list = []

    def add(self, count: int) -> None:
        """Open ``count`` more pages, every navigation in flight together."""
        new = [collect_errors(self.context.new_page()) for _ in range(count)]
        for page in new:
            page.goto(self.server.url + "/?step=0", wait_until="commit")
        for page in new:
            page.wait_for_function(CHANGED_AND_IDLE, arg=[LOSS_LABEL, None],
                                   timeout=CROWD_TIMEOUT_MS)
            page.locator(PLAYER).evaluate(FRAME_RECORDER)
        self.pages.extend(new)

    def states(self, pages=None) -> list[dict]:
        return [page.evaluate(PAGE_STATE) for page in (pages or self.pages)]

    def wait(self, done: Callable[[list[dict]], bool], what: str,
             pages=None, timeout: float = PLAYBACK_TIMEOUT_S) -> list[dict]:
        """Poll the pages' states until ``done(states)``; fail with the states after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states(pages)
            if done(states):
                return states
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}: "
                                   f"{states[:3]}")
            time.sleep(0.2)

    def rewind(self, pages=None) -> None:
        """Every page to step 0 through its scrubber (one rerun each, before any window)."""
        pages = pages or self.pages
        before = self.states(pages)
        moved = []
        for page, state in zip(pages, before, strict=True):
            if state["step"] != "0":
                page.locator(f"{PLAYER} input.scrub").fill("0")
                moved.append(True)
            else:
                moved.append(False)
        self.wait(lambda states: all(
            s["step"] == "0" and s["idle"] and (not m or ran_since(s, b))
            for s, b, m in zip(states, before, moved, strict=True)),
            "the pages to rewind to step 0", pages)
        time.sleep(SETTLE_S)

    def play_all(self, pages=None) -> tuple[list[dict], list[dict]]:
        """Press Play on every page (one quick click each, in turn) and return the states
        right before and once every page has played to the end and its final rerun is over."""
        pages = pages or self.pages
        for page in pages:
            page.locator(PLAYER).evaluate(FRAME_RECORDER)
        before = self.states(pages)
        for page in pages:
            page.locator(f"{PLAYER} button.play").evaluate("button => button.click()")
        after = self.wait(lambda states: all(
            s["playing"] == "no" and s["frames"] > 1 and s["step"] == str(LAST_STEP)
            and ran_since(s, b) for s, b in zip(states, before, strict=True)),
            "every page to play to the end", pages)
        return before, after

    def fps(self, pages=None) -> list[float]:
        return [distinct_fps(page.evaluate("() => window.__frames"))
                for page in (pages or self.pages)]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()
        self.pages = []


def cpu_window(server: Server, action: Callable[[], object] | None = None,
               minimum: float = CPU_WINDOW_S) -> tuple[float, float, object]:
    """Server CPU seconds from the start of ``action`` to its end or ``minimum`` seconds,
    whichever is later (the tail after a late end is `QUIET_MS`).

    Returns
    -------
    cpu, seconds : float
    result : object
        What ``action`` returned.
    """
    start, cpu = time.monotonic(), server.cpu_seconds()
    result = action() if action is not None else None
    elapsed = time.monotonic() - start
    time.sleep(max(QUIET_MS / 1000, minimum - elapsed))
    return server.cpu_seconds() - cpu, time.monotonic() - start, result


def one_rerun_cpu(players: Players, idle_rate: float) -> list[float]:
    """Server CPU seconds of single reruns of the first page (Step back, Step forward,
    alternately: the same rerun as a playback's last, the run cached), the others idle;
    the idle rate over the same time is taken off."""
    page = players.pages[0]
    costs = []
    for i in range(ONE_RERUN_SAMPLES):
        before = players.states([page])[0]
        name = "Step back" if i % 2 == 0 else "Step forward"
        start, cpu = time.monotonic(), players.server.cpu_seconds()
        page.locator(PLAYER).get_by_role("button", name=name).click()
        players.wait(lambda states, b=before: ran_since(states[0], b), f"the {name} rerun",
                     [page])
        time.sleep(QUIET_MS / 1000)
        elapsed = time.monotonic() - start
        costs.append(players.server.cpu_seconds() - cpu - idle_rate * elapsed)
        time.sleep(0.3)
    return costs


def fps_result(players: Players) -> Result:
    """One page alone plays the whole default run `FPS_PLAYBACKS` times: seconds per distinct
    frame drawn (1 / fps) against the player's own clock (1 / 24 s)."""
    page = players.pages[0]
    seconds = []
    for _ in range(FPS_PLAYBACKS):
        players.rewind([page])
        players.play_all([page])
        seconds.append(1 / players.fps([page])[0])
    fps = [1 / s for s in seconds]
    clean = not page.console_errors and page.get_by_test_id("stException").count() == 0
    # The pair only labels the row: its figures are measured here, not timed calls.
    pair = Pair(f"playback, 1 page: seconds per distinct frame (>= {MIN_FPS} fps)",
                lambda: None, lambda: None, target=None, target_seconds=1 / MIN_FPS)
    return Result(pair, (1 / DESIGN_FPS,) * len(seconds), tuple(seconds), Check(
        "playback frames per second, one page, 200 default steps", clean,
        f"{', '.join(f'{f:.1f}' for f in fps)} distinct frames per second (the player's "
        f"clock: {DESIGN_FPS}; target >= {MIN_FPS}); baseline column = 1/{DESIGN_FPS} s"
        + ("" if clean else f"; errors: {page.console_errors[:3]}")))


def crowd_result(players: Players, rounds: int) -> tuple[Result, float]:
    """All the open pages idle against all of them pressing Play at once and playing to the
    end, `CPU_WINDOW_S` windows of server CPU, interleaved (idle, playing, playing, idle...).

    The target is idle + `RERUNS_PER_SESSION` reruns per session, one rerun's cost measured
    here too (`one_rerun_cpu`). Returns the result and the median cost of one rerun.
    """
    count, server = len(players.pages), players.server
    players.rewind()
    idle: list[float] = []  # CPU seconds per idle window
    idle_seconds: list[float] = []
    playing: list[tuple[float, float]] = []  # (CPU seconds, window seconds)
    runs: list[int] = []
    fps: list[float] = []

    def idle_window() -> None:
        cpu, seconds, _ = cpu_window(server)
        idle.append(cpu)
        idle_seconds.append(seconds)

    def playing_window() -> None:
        players.rewind()
        cpu, seconds, (before, after) = cpu_window(server, players.play_all)
        playing.append((cpu, seconds))
        runs.extend(a["runs"] - b["runs"] for a, b in zip(after, before, strict=True))
        fps.extend(players.fps())

    sides = (idle_window, playing_window)
    for i in range(rounds):
        for window in sides if i % 2 == 0 else sides[::-1]:
            window()
    idle_rate = sum(idle) / sum(idle_seconds)
    rerun = statistics.median(one_rerun_cpu(players, idle_rate))
    # Each playing window against the idle rate over that window's length (which is
    # CPU_WINDOW_S unless the final reruns ran late).
    baseline = tuple(idle_rate * seconds for _, seconds in playing)
    measured = tuple(cpu for cpu, _ in playing)
    window_s = statistics.median(seconds for _, seconds in playing)
    allowed = idle_rate * window_s + RERUNS_PER_SESSION * count * rerun
    errors = [e for page in players.pages for e in page.console_errors]
    broken = sum(page.get_by_test_id("stException").count() > 0 for page in players.pages)
    extra = statistics.median(measured) - statistics.median(baseline)
    # The pair only labels the row: its figures are CPU seconds, not timed calls.
    pair = Pair(f"server CPU, {count} sessions playing (vs idle), {window_s:.0f} s window",
                lambda: None, lambda: None, target=None, target_seconds=allowed)
    check = Check(
        f"{count} sessions playing at once: script runs per session, frames, CPU per rerun",
        max(runs) <= 1 and not errors and not broken,
        f"script runs seen per session while playing: at most {max(runs)} (total "
        f"{sum(runs)} over {rounds} playback(s) of {count} pages; allowed 1 each, the final "
        f"step; a run too quick to show 'running' is not seen); "
        f"distinct fps per page min {min(fps):.1f}, median {statistics.median(fps):.1f}; "
        f"playing - idle = {extra:.2f} CPU s against {RERUNS_PER_SESSION} x {count} reruns "
        f"x {rerun:.3f} s (one rerun, measured) = {RERUNS_PER_SESSION * count * rerun:.2f} s "
        f"(ratio {extra / (RERUNS_PER_SESSION * count * rerun):.2f}); target column = idle + "
        f"that; {broken} exception element(s), {len(errors)} console error(s)"
        + (f"; first: {errors[:2]}" if errors else ""))
    return Result(pair, baseline, measured, check), rerun


def report_playback(session: Session) -> list[Result]:
    """Measure and print the playback figures, as the group's table does.

    Frames per second of one page playing the default run, then the server's CPU with
    10 and then 30 sessions (one Chromium, a context per page) idle and all playing at once.
    """
    start = time.perf_counter()
    print("  running: playback (frames per second; server CPU of 10, then 30 sessions "
          "playing vs idle, in one Chromium with a context per page)", flush=True)
    players = Players(session)
    results: list[Result] = []
    reruns: list[tuple[int, float]] = []
    try:
        players.add(1)
        results.append(fps_result(players))
        for count, rounds in PLAYING_CROWDS:
            players.add(count - len(players.pages))
            result, rerun = crowd_result(players, rounds)
            results.append(result)
            reruns.append((count, rerun))
    finally:
        players.close()
    print()
    print("Playback (CPU seconds of the streamlit server's process tree; these rows are not "
          "counted in the group's table that follows):")
    print("\n".join(format_checks(results)))
    print()
    print("\n".join(format_table(results)))
    fps = [1 / t for t in results[0].measured_times]
    print(f"  playback: {statistics.median(fps):.1f} distinct frames per second "
          f"(target >= {MIN_FPS})")
    for result, (count, rerun) in zip(results[1:], reruns, strict=True):
        extra = result.measured_median - result.baseline_median
        allowance = RERUNS_PER_SESSION * count * rerun
        print(f"  {count} sessions: playing {result.measured_median:.2f} - idle "
              f"{result.baseline_median:.2f} = {extra:.2f} CPU s; {RERUNS_PER_SESSION} x "
              f"{count} x (1 rerun {rerun:.3f} s) = {allowance:.2f} CPU s; ratio "
              f"{extra / allowance:.2f}")
    for r in results:
        if not r.passed:
            print(f"MISS: {r.pair.name}: {r.measured_median:.3f} s > target "
                  f"{r.pair.target_seconds:.3f} s")
    met = sum(r.passed for r in results)
    print(f"{met} of {len(results)} playback targets met "
          f"({time.perf_counter() - start:.1f} s)")
    print()
    return results


# ----------------------------------------------------------------------------------------
# What is timed
# ----------------------------------------------------------------------------------------


def loss_text(page) -> str:
    return page.evaluate(CHANGED_AND_IDLE, [LOSS_LABEL, None])


def rate_thumb(page):
    """The learning-rate slider's thumb, wherever the app puts it (the sidebar until the
    app's split into a dashboard package, the main area above the loss curve since)."""
    return (page.get_by_test_id("stSlider").filter(has_text=RATE_LABEL)
            .get_by_role("slider").first)


def key_press_round_trip(page) -> Callable[[], float]:
    """One call: press ArrowRight or ArrowLeft (alternately) on the learning-rate thumb and
    wait until the loss metric shows a new value and the run has ended."""
    thumb = rate_thumb(page)
    keys = ["ArrowRight", "ArrowLeft"]
    if thumb.get_attribute("aria-valuenow") == thumb.get_attribute("aria-valuemax"):
        keys.reverse()
    presses = 0

    def press() -> float:
        nonlocal presses
        before = loss_text(page)
        thumb.focus()
        start = time.perf_counter()
        page.keyboard.press(keys[presses % 2])
        page.wait_for_function(CHANGED_AND_IDLE, arg=[LOSS_LABEL, before],
                               timeout=RENDER_TIMEOUT_MS)
        presses += 1
        return time.perf_counter() - start

    return press


def first_load(session: Session, server: Server, query: str = "") -> Callable[[], float]:
    """One call: a fresh context loads the page until the first run is over (no skeleton)."""

    def load() -> float:
        page = session.new_page()
        try:
            start = time.perf_counter()
            open_app(page, server.url, query)
            return time.perf_counter() - start
        finally:
            session.close_context(page)

    return load


class BusyPress:
    """A key press on a page, with protocol clients rerunning the same server in between.

    `Rerunners` (from `bench.protocol`) opens ``count`` sessions of ``query`` beside the
    page; `idle` times a key press with them paused (and ``pause_others`` called, e.g. to
    stop CPU burners), `busy` with them rerunning back to back (after ``settle`` seconds, so
    the press meets a loaded server rather than a starting one).

    Parameters
    ----------
    page
        A Playwright page showing the app, ready for `key_press_round_trip`.
    base_url, query : str
        The server, and the page the other sessions open (without the "?").
    count : int
        Other sessions.
    rerun_key : str
        User key of the widget each of their reruns moves.
    pause_others, resume_others : callable () -> None, optional
        Called before an idle press and before a busy one.
    settle : float, default 1
    """

    def __init__(self, page, base_url: str, query: str, count: int, rerun_key: str,
                 pause_others: Callable[[], None] | None = None,
                 resume_others: Callable[[], None] | None = None,
                 settle: float = 1.0) -> None:
        self.press = key_press_round_trip(page)
        self.rerunners = Rerunners(base_url, query, count, rerun_key)
        self.pause_others, self.resume_others = pause_others, resume_others
        self.settle = settle
        self.opened = self.rerunners.start()

    def idle(self) -> float:
        self.rerunners.pause()
        if self.pause_others:
            self.pause_others()
        time.sleep(0.2)
        return self.press()

    def busy(self) -> float:
        if self.resume_others:
            self.resume_others()
        self.rerunners.resume()
        time.sleep(self.settle)
        try:
            return self.press()
        finally:
            self.rerunners.pause()

    @property
    def background(self) -> list[RunResult]:
        """Every run of the other sessions so far, their first runs included."""
        return [*self.opened, *self.rerunners.reruns]

    def check(self) -> Check:
        runs = self.background
        bad = [r for r in runs if not r.ok]
        reruns = [r.seconds for r in self.rerunners.reruns if r.ok]
        median = statistics.median(reruns) if reruns else float("nan")
        return Check(
            f"{self.rerunners.count} other sessions rerunning during the busy presses",
            not bad and bool(reruns),
            f"{len(runs)} runs of theirs (first loads included), {len(bad)} failed, "
            f"median rerun {median:.2f} s" + (f"; first: {bad[0].problem()}" if bad else ""),
        )

    def close(self) -> None:
        self.rerunners.stop()


def key_press_under_load(base_url: str, query: str = "", *, presses: int = 7,
                         background_sessions: int = BACKGROUND_SESSIONS,
                         rerun_key: str = BACKGROUND_RERUN_KEY,
                         pause_others: Callable[[], None] | None = None,
                         resume_others: Callable[[], None] | None = None,
                         ) -> tuple[list[float], list[float], list[RunResult]]:
    """Key press to new loss in Chromium, idle and with other sessions rerunning, interleaved.

    Parameters
    ----------
    base_url : str
        A running server of the app.
    query : str, optional
        The page's query string, with its "?" (the other sessions open the same page).
    presses : int, default 7
        Timed presses per side, after one untimed idle press.
    background_sessions : int, default 10
    rerun_key : str, default "inspect,digits"
        User key of the widget the other sessions move.
    pause_others, resume_others : callable () -> None, optional
        Called before each idle and each busy press (to stop and restart CPU burners, say).

    Returns
    -------
    idle, busy : list of float
        Seconds per press, in order.
    background : list of RunResult
        Every run of the other sessions.
    """
    with Chromium() as chromium:
        page = chromium.new_page()
        open_app(page, base_url, query)
        busy_press = BusyPress(page, base_url, query.lstrip("?"), background_sessions,
                               rerun_key, pause_others, resume_others)
        try:
            busy_press.idle()  # warm-up: both rates of the toggle in the cache
            idle: list[float] = []
            busy: list[float] = []
            for i in range(presses):
                sides = [(busy_press.idle, idle), (busy_press.busy, busy)]
                for press, times in sides if i % 2 == 0 else sides[::-1]:
                    times.append(press())
            return idle, busy, busy_press.background
        finally:
            busy_press.close()


class Crowd:
    """`PAGES` pages of one server open at once, each in its own context.

    `open` loads them all together; `press` moves the rate on some or all of them at once
    (each page alternates ArrowRight and ArrowLeft) and waits for every new loss. The first
    call of the pair built on it (its untimed warm-up) moves every page's rate once, and its
    check then looks at every page and the server's memory.
    """

    def __init__(self, session: Session, server: Server) -> None:
        self.session, self.server = session, server
        self.pages: list = []
        self.presses = [0] * PAGES
        self.loaded_s = float("nan")

    def open(self) -> None:
        start = time.perf_counter()
        self.pages = [self.session.new_page() for _ in range(PAGES)]
        for page in self.pages:  # every navigation in flight together
            page.goto(self.server.url + "/", wait_until="commit")
        for page in self.pages:
            page.wait_for_function(CHANGED_AND_IDLE, arg=[LOSS_LABEL, None],
                                   timeout=CROWD_TIMEOUT_MS)
        self.loaded_s = time.perf_counter() - start

    def press(self, indices, timeout_ms: float = RENDER_TIMEOUT_MS) -> None:
        pages = [self.pages[i] for i in indices]
        befores = [loss_text(page) for page in pages]
        for page in pages:
            rate_thumb(page).focus()
        for i, page in zip(indices, pages, strict=True):  # every key press in flight together
            page.keyboard.press(("ArrowRight", "ArrowLeft")[self.presses[i] % 2])
            self.presses[i] += 1
        for page, before in zip(pages, befores, strict=True):
            page.wait_for_function(CHANGED_AND_IDLE, arg=[LOSS_LABEL, before],
                                   timeout=timeout_ms)

    def check(self) -> Check:
        """Every page free of exception elements and console errors, and the server's RSS."""
        clean = [page.get_by_test_id("stException").count() == 0 and not page.console_errors
                 for page in self.pages]
        errors = [error for page in self.pages for error in page.console_errors]
        moved = sum(count > 0 for count in self.presses)
        rss = self.server.rss_mb()
        return Check(
            f"{PAGES} pages at once on one server: render-ok count and server RSS",
            all(clean) and moved == PAGES and rss < RSS_LIMIT_MB,
            f"{sum(clean)} of {PAGES} pages rendered ok (first run, loaded together in "
            f"{self.loaded_s:.1f} s, then the rate moved on {moved} of them) with no exception "
            f"element and no console error; server RSS {rss:.0f} MB (limit "
            f"{RSS_LIMIT_MB:.0f} MB)" + (f"; first errors: {errors[:3]}" if errors else ""),
        )

    def close(self) -> None:
        for page in self.pages:
            self.session.close_context(page)
        self.pages = []


# ----------------------------------------------------------------------------------------
# The group
# ----------------------------------------------------------------------------------------

def prepare() -> Iterator[Pair]:
    """Start both servers and the browser, then hand out the pairs one at a time.

    A generator rather than a list, so that the servers and the browser live exactly as long
    as the group: ``run_group`` runs each pair before asking for the next, the ``finally``
    runs once it asks past the last one, and an exception in a pair closes the generator (and
    so runs the ``finally`` too). `atexit` is a last resort for an interpreter that exits with
    the generator still suspended.
    """
    reason = missing()
    if reason:
        print(f"  skipped: {reason}")
        return
    session = Session()
    atexit.register(session.close)
    try:
        session.start()
        singles = [session.new_page() for _ in range(3)]
        trivial_page, five_page, cancer_page = singles
        open_app(trivial_page, session.trivial.url)
        open_app(five_page, session.app.url)
        open_app(cancer_page, session.app.url, "?data=breast_cancer&steps=1000")
        trivial_press = key_press_round_trip(trivial_page)
        yield Pair("key press to new loss, 5 points", trivial_press,
                   key_press_round_trip(five_page), target=None, target_seconds=0.5)
        yield Pair("key press to new loss, breast cancer 1,000 steps", trivial_press,
                   key_press_round_trip(cancer_page), target=None, target_seconds=1.0)
        busy = BusyPress(five_page, session.app.url, "", BACKGROUND_SESSIONS,
                         BACKGROUND_RERUN_KEY)
        try:
            yield Pair(f"key press to new loss, 5 points, {BACKGROUND_SESSIONS} other sessions "
                       "rerunning (vs none)", busy.idle, busy.busy, target=None,
                       agree=lambda _idle, _busy: busy.check(),
                       target_seconds=BUSY_TARGET_SECONDS)
        finally:
            busy.close()
        for page in singles:
            session.close_context(page)

        crowd = Crowd(session, session.app)
        crowd.open()
        yield Pair(f"{PAGES} pages move the rate at once (vs one alone)",
                   lambda: crowd.press([0]), lambda: crowd.press(range(PAGES)),
                   target=None, agree=lambda _one, _all: crowd.check(),
                   target_seconds=CROWD_TARGET_SECONDS)
        crowd.close()

        yield Pair("first load of a fresh page", first_load(session, session.trivial),
                   first_load(session, session.app), target=None, target_seconds=5.0)
        yield Pair("first screen drawn, breast cancer standardized",
                   first_load(session, session.trivial),
                   first_load(session, session.app, "?data=breast_cancer&std=1"),
                   target=None, target_seconds=1.5)
        yield Pair("Learning rates view drawn, breast cancer standardized",
                   first_load(session, session.trivial),
                   first_load(session, session.app, "?data=breast_cancer&std=1&tab=rates"),
                   target=None, target_seconds=2.0)
        report_playback(session)
    finally:
        session.close()
        atexit.unregister(session.close)


GROUP = Group(
    name="browser",
    description=(
        "the served app in headless Chromium against a trivial served page: key press to "
        "new loss (also with 10 other sessions rerunning); 10 pages at once (clean renders, "
        "server RSS); first load (the issue asks only to report it: its 5 s target is a "
        "generous ceiling); the first screen and the Learning rates view on breast cancer; "
        "playback frames per second and the server CPU of 10 and 30 sessions playing"
    ),
    prepare=prepare,
)
