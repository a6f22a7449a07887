"""Load on one served app: many sessions at once, starvation, one heavy user, a key press.

``python -m bench --only load [options]`` (``python -m bench --only load --help`` lists them).

Streamlit serves every browser tab as a session of ONE Python process, and Streamlit
Community Cloud gives that process a share of a two-core machine. This benchmark starts
``streamlit run app.py`` on a free port of 127.0.0.1 and talks to it with protocol clients
(`bench.protocol.Session`: the websocket and protobufs of a browser tab, no browser), while
`bench.server.RssSampler` reads the server's memory every 0.2 s. Nothing leaves this machine.

Phases (each prints its figures beside its targets; no figure is asserted):

0. idle baseline, with nothing else running: the default page's first load and its reruns (a
   widget moved per rerun), one explorer page alone, the server's memory;
1. concurrency: 1, 3, 10 and 30 sessions open the learning-rate explorer on breast cancer at
   once, each from its own starting bias (so no session is served from another's cache):
   seconds until all are rendered, as a ratio to one session alone; failures; peak memory;
   the memory 60 s after the sessions close, against the idle memory. 1 and 3 are timed with
   the burners paused too: the target (3 at once <= 2x one) is for the server alone;
2. starvation: 20, then 50 sessions rerun the default page back to back for 30 s: median and
   95th percentile rerun seconds against the idle rerun, lost connections, server CPU
   seconds per rerun;
3. one heavy user: one session asks for the heaviest work the link allows (100,000 steps and
   the explorer) and keeps asking for it from new starting points, while another opens the
   default page and reruns it: that page's seconds against its idle seconds;
4. key press to new loss in Chromium (``bench.browser``), idle against 10 other sessions
   rerunning: skipped, with the reason, when Playwright or Chromium is missing.

From phase 1 on, ``--burn`` processes (2 by default) spin on the CPU beside the server, as the
other tenants of a shared machine would (except where a phase pauses them); the idle baseline
has none. The baseline of every
ratio is measured by this same process, on this same server.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .load_parts import (
    Burn,
    Context,
    Idle,
    Round,
    close_all,
    explorer_query,
    link_notices,
    median,
    merge,
    open_many,
    open_tabs,
    p95,
    problems,
    ratio,
    rerun_until,
    seconds_of,
    table,
    verdict,
)
from .protocol import RunResult, Session, cycle_value
from .server import (
    REPO_ROOT,
    Burners,
    ClassServer,
    OtherLoad,
    RssSampler,
    Server,
    machine_busy,
)

__all__ = ["DESCRIPTION", "Pages", "main"]

DESCRIPTION = (
    "the served app under load, by protocol clients: sessions at once (1/3/10/30), "
    "starvation (20/50 rerunning), one heavy user, key press under load; server RSS "
    "(only with --only load; ~8 min)"
)


@dataclass(frozen=True)
class Pages:
    """The links and widgets the load is made of: the one place to change when the app does.

    Attributes
    ----------
    explorer : str
        Query string of the explorer page; ``{b0}`` becomes a starting bias that no other
        session of the run uses.
    default : str
        Query string of the default page ("" for the bare address).
    heavy : str
        Query string of the heaviest page a link may ask for.
    rerun_key : str
        User key of the widget a light rerun moves (through its range).
    heavy_key : str
        User key of the widget a heavy rerun sets to a new value (a new starting bias, so
        every heavy rerun trains anew).
    tab_key, tabs : str, tuple of str
        The tab row's user key, and two of its labels, which the idle baseline opens in turn.

    Notes
    -----
    A key may list candidates, comma-separated: the first one the page draws is used (the
    bias box was ``b0_input`` until the app's split into a dashboard package, ``b0`` since).
    """

    explorer: str = "data=breast_cancer&explore=1&steps=1000&b0={b0}"
    default: str = ""
    heavy: str = "data=breast_cancer&steps=100000&explore=1"
    rerun_key: str = "inspect,digits"  # the step scrubber became the player: digits since
    heavy_key: str = "b0_input,b0"
    tab_key: str = "view_tab"
    tabs: tuple[str, str] = ("Take a step apart", "Check the textbook")


PAGES = Pages()

# Targets (printed beside the figures, never asserted).
RATIO_3_SESSIONS = 2.0  # 3 sessions at once <= 2x one session, on 2 cores
PEAK_RSS_MB = 600.0
AFTER_CLOSE_RATIO = 1.2  # RSS after the sessions close <= 1.2x idle RSS
HEAVY_RATIO = 3.0  # the default page beside a heavy user <= 3x its idle time
KEYPRESS_IDLE_S = 0.25
KEYPRESS_BUSY_S = 0.6


# ----------------------------------------------------------------------------------------
# Phase 0: idle baseline
# ----------------------------------------------------------------------------------------


async def _idle(ctx: Context) -> Idle:
    url, pages, timeout, repeats = ctx.url, ctx.pages, ctx.args.timeout, ctx.args.repeats
    rss_start = ctx.server.rss_mb()
    # Warm-up, untimed: the first run imports the app's modules and fills the default page's
    # cache, as the first visitor after a deploy does. A broken app shows here.
    _, warm, sessions = await open_many(
        url, [pages.default, explorer_query(pages, ctx.starts())], timeout)
    await close_all(sessions)
    bad = [r for r in warm if not r.ok]
    if bad:
        raise AppBrokenError("; ".join(problems(bad)))
    notices = link_notices(warm)
    if notices:
        print("  note: the app showed warnings (a link notice says a query parameter was "
              f"not read): {notices[:3]}")
    opens: list[RunResult] = []
    for _ in range(repeats):
        _, results, sessions = await open_many(url, [pages.default], timeout)
        opens += results
        await close_all(sessions)
    session = Session(url, pages.default, timeout=timeout)
    await session.open()
    cpu = ctx.server.cpu_seconds()
    reruns = []
    key = session.find_key(pages.rerun_key)
    for i in range(repeats):
        reruns.append(await session.set_widget(key, cycle_value(session.widget(key), i)))
    cpu_per_rerun = (ctx.server.cpu_seconds() - cpu) / max(1, len(reruns))
    switches, cpu_per_switch = await open_tabs(session, ctx.server, pages.tab_key, pages.tabs,
                                               repeats)
    await session.close()
    explorer: list[RunResult] = []
    for _ in range(repeats):
        _, results, sessions = await open_many(
            url, [explorer_query(pages, ctx.starts())], timeout)
        explorer += results
        await close_all(sessions)
    return Idle(opens, reruns, explorer, cpu_per_rerun, rss_start, switches=switches,
                cpu_per_switch=cpu_per_switch)


class AppBrokenError(RuntimeError):
    """The app did not render cleanly when nothing else was running."""


def phase_idle(ctx: Context) -> Idle:
    """Phase 0: the baselines, with nothing else running."""
    print(f"== load 0: idle baseline (no burners; {ctx.args.repeats} timed runs each, "
          "after one untimed warm-up)")
    idle = asyncio.run(_idle(ctx))
    time.sleep(1.0)
    idle.rss_mb = ctx.server.rss_mb()
    rows = []
    for name, results in (
        ("default page, first load", idle.opens),
        (f"default page, rerun (widget {ctx.pages.rerun_key!r} moved)", idle.reruns),
        ("explorer on breast cancer, one session alone", idle.explorer),
        (f"default page, a tab opened ({' and '.join(map(repr, ctx.pages.tabs))} in turn)",
         idle.switches),
    ):
        secs = seconds_of(results)
        rows.append((name, f"{median(secs):.3f}", f"{min(secs, default=math.nan):.3f}",
                     f"{max(secs, default=math.nan):.3f}", str(sum(not r.ok for r in results))))
    print("\n".join(table(("figure", "median s", "min s", "max s", "failed"), rows)))
    print(f"server CPU s per default-page rerun: {idle.cpu_per_rerun:.3f}")
    print(f"server CPU s per tab opened: {idle.cpu_per_switch:.3f} ("
          f"{sum(r.fragment for r in idle.switches)} of {len(idle.switches)} reran the view "
          f"alone, as a fragment; none timed without a tab row keyed {ctx.pages.tab_key!r})")
    print(f"server RSS: {idle.rss_start_mb:.0f} MB before any session, {idle.rss_mb:.0f} MB "
          "idle after the warm-up and these runs (the idle RSS of phase 1)")
    for line in problems(idle.opens + idle.reruns + idle.explorer + idle.switches):
        print(f"  failed: {line}")
    return idle


# ----------------------------------------------------------------------------------------
# Phase 1: concurrency
# ----------------------------------------------------------------------------------------


def _round(ctx: Context, n: int) -> Round:
    ctx.rss.mark()
    cpu = ctx.server.cpu_seconds()
    client = time.process_time()

    async def run() -> tuple[float, list[RunResult]]:
        queries = [explorer_query(ctx.pages, ctx.starts()) for _ in range(n)]
        wall, results, sessions = await open_many(ctx.url, queries, ctx.args.timeout)
        await close_all(sessions)
        return wall, results

    wall, results = asyncio.run(run())
    return Round(n, wall, results, ctx.rss.peak(), ctx.server.cpu_seconds() - cpu,
                 time.process_time() - client, peak_process_mb=ctx.rss.peak_process())


def phase_concurrency(ctx: Context, idle: Idle) -> None:
    sizes = sorted(set(ctx.args.sessions) | {1})
    print(f"== load 1: concurrency, {ctx.burners} CPU burner(s) beside the server: N sessions "
          "open the explorer on breast cancer at once, each from its own start")
    print(f"   query: ?{explorer_query(ctx.pages, '<distinct>')}")
    # One session alone is the baseline of 3 at once (the pair with a target). The pair is timed
    # --repeats times with the burners paused (the server alone on the machine's cores: the
    # target's condition) and as many with them running, interleaved, so that a slow spell of
    # the machine hits all alike.
    paired = [n for n in sizes if n <= 3]
    quiet: dict[int, list[Round]] = {n: [] for n in paired}
    series: dict[int, list[Round]] = {n: [] for n in paired}
    for i in range(ctx.args.repeats):
        for burning in (False, True) if i % 2 == 0 else (True, False):
            (ctx.burn.resume if burning else ctx.burn.pause)()
            for n in paired if i % 2 == 0 else paired[::-1]:
                (series if burning else quiet)[n].append(_round(ctx, n))
                time.sleep(0.5)
    ctx.burn.resume()
    alone = [merge(quiet[n]) for n in paired]
    rounds = [merge(series[n]) for n in paired]
    one, one_alone = rounds[0].wall, alone[0].wall
    for n in sizes[len(paired):]:
        time.sleep(1.0)
        print(f"  running: {n} sessions", flush=True)
        rounds.append(_round(ctx, n))
    close_time = time.monotonic()

    rows = []
    for r, burners in [(r, 0) for r in alone] + [(r, ctx.burners) for r in rounds]:
        secs = seconds_of(r.results)
        base = one if burners else one_alone
        target = ""
        if r.n == 3 and not burners:
            ok = r.wall / base <= RATIO_3_SESSIONS and not r.failed
            target = (f"<= {RATIO_3_SESSIONS:.1f}x: " + ctx.report.target(
                ok, f"3 sessions at once {r.wall / base:.2f}x one session, no burner (<= "
                    f"{RATIO_3_SESSIONS:.1f}x)"))
        elif r.n == 3:
            target = "(report)"
        elif r.n == max(sizes) and r.n > 3:
            ok = not r.failed
            target = "all, no error: " + ctx.report.target(
                ok, f"{r.n} sessions: {r.n - r.failed} of {r.n} rendered with no error")
        label = f"{r.n}, {burners} burner(s)" + (f" (median of {r.repeats})" if r.repeats > 1
                                                 else "")
        rows.append((label, f"{r.wall:.2f}", ratio(r.wall, base), f"{median(secs):.2f}",
                     f"{len(r.results) - r.failed}/{len(r.results)}", f"{r.peak_mb:.0f}",
                     ratio(r.peak_mb, idle.rss_mb), f"{r.cpu_s:.1f}", f"{r.client_s:.1f}", target))
    print("\n".join(table(("sessions", "all rendered s", "x one", "median s", "rendered ok",
                           "peak RSS MB", "x idle", "server CPU s", "bench CPU s", "target"),
                          rows)))
    print(f"one session alone with no burner (phase 0): {idle.explorer_s:.2f} s; with "
          f"{ctx.burners} burner(s): {one:.2f} s ({ratio(one, idle.explorer_s)})")
    print("The target is set with the burners paused: beside them the server gets a share of "
          "the cores that shrinks as its own threads multiply, so their ratio is a report.")
    for r in alone + rounds:
        for line in problems(r.results):
            print(f"  {r.n} sessions, failed: {line}")
    peak = max(r.peak_mb for r in alone + rounds)
    if ctx.args.workers > 1:  # the bound is one server's; the tree holds N and a balancer
        one = max(r.peak_process_mb for r in alone + rounds)
        print(f"peak RSS of the largest worker over the rounds: {one:.0f} MB (target <= "
              f"{PEAK_RSS_MB:.0f} MB for each server process): "
              + ctx.report.target(one <= PEAK_RSS_MB, f"peak RSS of one worker {one:.0f} MB "
                                                      f"(<= {PEAK_RSS_MB:.0f} MB)"))
        print(f"peak RSS of the whole tree ({ctx.args.workers} workers and the balancer): "
              f"{peak:.0f} MB (report)")
    else:
        print(f"peak server RSS over the rounds: {peak:.0f} MB (target <= {PEAK_RSS_MB:.0f} "
              "MB): " + ctx.report.target(peak <= PEAK_RSS_MB,
                                          f"peak RSS {peak:.0f} MB (<= {PEAK_RSS_MB:.0f} MB)"))
    wait = close_time + ctx.args.settle - time.monotonic()
    print(f"  waiting {max(wait, 0):.0f} s for the server to settle...", flush=True)
    time.sleep(max(wait, 0))
    after = ctx.server.rss_mb()
    ok = after <= AFTER_CLOSE_RATIO * idle.rss_mb
    print(f"server RSS {ctx.args.settle:.0f} s after the last round closed: {after:.0f} MB = "
          f"{ratio(after, idle.rss_mb)} the idle {idle.rss_mb:.0f} MB (target <= "
          f"{AFTER_CLOSE_RATIO:.1f}x): "
          + ctx.report.target(ok, f"RSS {ctx.args.settle:.0f} s after close {after:.0f} MB, "
                                  f"{ratio(after, idle.rss_mb)} idle (<= "
                                  f"{AFTER_CLOSE_RATIO:.1f}x)"))
    print("  (Streamlit keeps a closed session's state for a reconnect for "
          "server.disconnectedSessionTTL, 30 s in the app's config; once no browser has been "
          "connected that long, the app forgets its cached results too (dashboard/memory.py); "
          "freed Python memory is not always given back to the system)")


# ----------------------------------------------------------------------------------------
# Phase 2: starvation
# ----------------------------------------------------------------------------------------


async def _starve(ctx: Context, m: int) -> tuple[float, list[RunResult], list[RunResult],
                                                 int, float, float, float]:
    key = ctx.pages.rerun_key
    wall, opened, sessions = await open_many(ctx.url, [ctx.pages.default] * m, ctx.args.timeout)
    live = [s for s in sessions if not s.broken]
    cpu = ctx.server.cpu_seconds()
    start = time.perf_counter()
    deadline = start + ctx.args.starve_seconds

    def done() -> bool:
        return time.perf_counter() >= deadline

    client = time.process_time()
    per_session = await asyncio.gather(*(rerun_until(s, key, done) for s in live))
    elapsed = time.perf_counter() - start
    cpu = ctx.server.cpu_seconds() - cpu
    client = time.process_time() - client
    lost = sum(s.closed_by_server for s in sessions)
    await close_all(sessions)
    return (wall, opened, [r for rs in per_session for r in rs], lost, cpu, elapsed,
            client / elapsed)


def phase_starvation(ctx: Context, idle: Idle) -> None:
    print(f"== load 2: starvation, {ctx.burners} CPU burner(s): M sessions open the default "
          f"page, then each reruns it back to back (widget {ctx.pages.rerun_key!r} moved) for "
          f"{ctx.args.starve_seconds:.0f} s")
    rows = []
    failures = []
    for m in ctx.args.starve:
        print(f"  running: {m} sessions", flush=True)
        wall, opened, reruns, lost, cpu, elapsed, client = asyncio.run(_starve(ctx, m))
        secs = seconds_of(reruns)
        done = len(secs)
        rows.append((
            str(m), f"{wall:.1f}", str(done), f"{median(secs):.2f}",
            ratio(median(secs), idle.rerun_s), f"{p95(secs):.2f}", ratio(p95(secs), idle.rerun_s),
            str(lost), str(sum(r.status == "timeout" for r in reruns)),
            str(sum(not r.ok for r in opened + reruns) - lost),
            f"{cpu / max(done, 1):.3f}", ratio(cpu / max(done, 1), idle.cpu_per_rerun),
            f"{cpu / elapsed:.2f}", f"{client:.2f}",
        ))
        failures += [f"{m} sessions: {line}" for line in problems(opened + reruns)]
        time.sleep(1.0)
    print("\n".join(table(
        ("sessions", "open all s", "reruns", "median s", "x idle", "p95 s", "x idle",
         "lost conn", "timeouts", "failed", "CPU s/rerun", "x idle", "server cores",
         "bench cores"), rows)))
    print(f"idle baseline (phase 0, one session, no burner): rerun {idle.rerun_s:.3f} s, "
          f"{idle.cpu_per_rerun:.3f} server CPU s per rerun. No target: a report. "
          "'server cores' = server CPU s / wall s while rerunning; 'bench cores' the same for this "
          "process (the clients), which shares the machine")
    for line in failures:
        print(f"  failed: {line}")


# ----------------------------------------------------------------------------------------
# Phase 3: one heavy user
# ----------------------------------------------------------------------------------------


async def _light(ctx: Context) -> tuple[list[RunResult], list[RunResult]]:
    """The default page opened afresh ``--repeats`` times (one after the other), then rerun
    ``--light-reruns`` times by the last of those sessions."""
    opens = []
    session = None
    for k in range(ctx.args.repeats):
        session = Session(ctx.url, ctx.pages.default, timeout=ctx.args.timeout)
        opens.append(await session.open())
        if k < ctx.args.repeats - 1:
            await session.close()
    reruns = []
    assert session is not None
    if opens[-1].ok:
        key = session.find_key(ctx.pages.rerun_key)
        for i in range(ctx.args.light_reruns):
            if session.broken:
                break
            reruns.append(await session.set_widget(key, cycle_value(session.widget(key), i)))
    await session.close()
    return opens, reruns


async def _heavy(ctx: Context) -> tuple[RunResult, list[RunResult], list[RunResult],
                                        list[RunResult]]:
    heavy = Session(ctx.url, ctx.pages.heavy, timeout=ctx.args.timeout)
    heavy_first = await heavy.open()
    light_done = asyncio.Event()

    def values(i: int) -> float:  # new starts, below zero: no other session used them
        return -(i + 1) / 100

    async def light() -> tuple[list[RunResult], list[RunResult]]:
        await asyncio.sleep(0.5)  # the heavy user's first rerun is under way
        try:
            return await _light(ctx)
        finally:
            light_done.set()

    heavy_reruns, (opens, reruns) = await asyncio.gather(
        rerun_until(heavy, ctx.pages.heavy_key, light_done.is_set, values), light())
    await heavy.close()
    # What the app made of the link, and of the changes: for the report.
    key = heavy.find_key(ctx.pages.heavy_key) if heavy.widgets else "?"
    print(f"  heavy user's widget {key!r}; its link after the last run: "
          f"?{heavy.query[:160]}{'...' if len(heavy.query) > 160 else ''}")
    return heavy_first, heavy_reruns, opens, reruns


def phase_heavy(ctx: Context, idle: Idle) -> None:
    print(f"== load 3: one heavy user, {ctx.burners} CPU burner(s): ?{ctx.pages.heavy} "
          f"rerun back to back with a new {ctx.pages.heavy_key!r} each time, while the default "
          f"page is opened {ctx.args.repeats} times, then rerun {ctx.args.light_reruns} times; "
          "the same without the heavy user first (burners only)")
    burn_opens, burn_reruns = asyncio.run(_light(ctx))
    heavy_first, heavy_reruns, opens, reruns = asyncio.run(_heavy(ctx))
    rows = []
    light_ok = all(r.ok for r in (*opens, *reruns))
    for name, base, burners_only, loaded in (
        ("default page, first load (median)", idle.open_s, median(seconds_of(burn_opens)),
         median(seconds_of(opens))),
        ("default page, rerun (median)", idle.rerun_s, median(seconds_of(burn_reruns)),
         median(seconds_of(reruns))),
    ):
        ok = loaded / base <= HEAVY_RATIO and light_ok
        rows.append((name, f"{base:.3f}", f"{burners_only:.3f}", ratio(burners_only, base),
                     f"{loaded:.3f}", ratio(loaded, base), ratio(loaded, burners_only),
                     f"<= {HEAVY_RATIO:.0f}x idle: " + ctx.report.target(
                         ok, f"{name} beside a heavy user {ratio(loaded, base)} idle "
                             f"(<= {HEAVY_RATIO:.0f}x)")))
    print("\n".join(table(("figure", "idle s", "burners s", "x idle", "+heavy user s",
                           "x idle", "x burners", "target"), rows)))
    secs = seconds_of(heavy_reruns)
    print(f"heavy user: first load {heavy_first.seconds:.2f} s "
          f"({'ok' if heavy_first.ok else heavy_first.problem()}); {len(heavy_reruns)} heavy "
          f"rerun(s) meanwhile, median {median(secs):.2f} s")
    print(f"default page beside it: {sum(r.ok for r in opens)} of {len(opens)} loads and "
          f"{sum(r.ok for r in reruns)} of {len(reruns)} reruns ok. 'x burners' is the heavy "
          "user's own share: the ratio to the same page with the burners alone")
    for line in problems([*burn_opens, *burn_reruns, heavy_first, *heavy_reruns, *opens,
                          *reruns]):
        print(f"  failed: {line}")


# ----------------------------------------------------------------------------------------
# Phase 4: key press in Chromium, idle against busy
# ----------------------------------------------------------------------------------------


def phase_keypress(ctx: Context) -> None:
    m = ctx.args.background_sessions
    print(f"== load 4: key press to new loss in Chromium, default page: idle (burners "
          f"stopped, no other session) against {m} other sessions rerunning back to back "
          f"and {len(ctx.burn.burners.processes) if ctx.burn else 0} burner(s); "
          f"{ctx.args.presses} presses per side, interleaved")
    from . import browser  # Playwright is a test-only dependency: imported only here

    missing = browser.missing()
    if missing:
        print(f"  skipped: {missing}")
        return
    idle_times, busy_times, background = browser.key_press_under_load(
        ctx.url, "?" + ctx.pages.default if ctx.pages.default else "",
        presses=ctx.args.presses, background_sessions=m, rerun_key=ctx.pages.rerun_key,
        pause_others=ctx.burn.pause if ctx.burn else None,
        resume_others=ctx.burn.resume if ctx.burn else None)
    idle_s, busy_s = median(idle_times), median(busy_times)
    rows = [
        ("idle", f"{idle_s:.3f}", "1.00x", f"<= {KEYPRESS_IDLE_S:.2f} s: " + ctx.report.target(
            idle_s <= KEYPRESS_IDLE_S, f"key press idle {idle_s:.3f} s "
                                       f"(<= {KEYPRESS_IDLE_S:.2f} s)")),
        (f"{m} other sessions", f"{busy_s:.3f}", ratio(busy_s, idle_s),
         f"<= {KEYPRESS_BUSY_S:.2f} s: " + ctx.report.target(
             busy_s <= KEYPRESS_BUSY_S, f"key press with {m} other sessions {busy_s:.3f} s "
                                        f"(<= {KEYPRESS_BUSY_S:.2f} s)")),
    ]
    print("\n".join(table(("key press", "median s", "x idle", "target"), rows)))
    print("  idle s: " + " ".join(f"{t:.3f}" for t in idle_times))
    print("  busy s: " + " ".join(f"{t:.3f}" for t in busy_times))
    print(f"background: {len(background)} reruns, "
          f"{sum(not r.ok for r in background)} failed, "
          f"median {median(seconds_of(background)):.2f} s")
    for line in problems(background):
        print(f"  background failed: {line}")


# ----------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------


def counts(text: str) -> list[int]:
    """``"1,3,10"`` -> [1, 3, 10]; ``""`` or ``"none"`` -> []."""
    if text.strip().lower() in {"", "none", "0"}:
        return []
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r}") from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("counts must be positive")
    return values


PHASES = ("concurrency", "starvation", "heavy", "keypress")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the options of ``python -m bench --only load``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments meant for this group (``sys.argv[1:]`` by default).

    Returns
    -------
    argparse.Namespace
        The options, with ``pages`` (a `Pages`) and ``phases`` (list of str).
    """
    parser = argparse.ArgumentParser(
        prog="python -m bench --only load",
        description="Load on one `streamlit run` server, by protocol clients (Chromium only "
                    "for the key press). Prints figures beside targets; asserts nothing.",
    )
    parser.add_argument("--sessions", type=counts, default=[1, 3, 10, 30], metavar="N,N,..",
                        help="concurrency rounds: sessions opening the explorer at once "
                             "(default 1,3,10,30; 1, the baseline, is always run)")
    parser.add_argument("--starve", type=counts, default=[20, 50], metavar="M,M,..",
                        help="starvation rounds: sessions rerunning at once (default 20,50)")
    parser.add_argument("--starve-seconds", type=float, default=30.0, metavar="S",
                        help="how long each starvation round reruns (default 30)")
    parser.add_argument("--burn", type=int, default=2, metavar="N",
                        help="CPU-burning processes beside the server from phase 1 on "
                             "(default 2; the idle baseline always has none)")
    parser.add_argument("--settle", type=float, default=60.0, metavar="S",
                        help="seconds after the last concurrency round before reading the "
                             "server's memory (default 60)")
    parser.add_argument("--light-reruns", type=int, default=10, metavar="K",
                        help="reruns of the default page beside the heavy user (default 10)")
    parser.add_argument("--background-sessions", type=int, default=10, metavar="M",
                        help="sessions rerunning while Chromium times a key press (default 10)")
    parser.add_argument("--presses", type=int, default=7, metavar="K",
                        help="timed key presses per side, idle and busy (default 7)")
    parser.add_argument("--repeats", type=int, default=5, metavar="K",
                        help="timed runs of each idle baseline and of the one-session round "
                             "(default 5)")
    parser.add_argument("--phases", default=",".join(PHASES), metavar="P,P,..",
                        help=f"phases after the idle baseline (default all: {','.join(PHASES)})")
    parser.add_argument("--timeout", type=float, default=300.0, metavar="S",
                        help="seconds one run may take before it counts as failed (default 300)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="serve through scripts/serve_class.sh: N Streamlit processes "
                             "behind HAProxy (default 1: one plain `streamlit run`)")
    parser.add_argument("--app", type=Path, default=REPO_ROOT / "app.py",
                        help="the Streamlit script, served from its folder (default: app.py)")
    for name, default in (("explorer-query", PAGES.explorer), ("default-query", PAGES.default),
                          ("heavy-query", PAGES.heavy), ("rerun-key", PAGES.rerun_key),
                          ("heavy-key", PAGES.heavy_key)):
        parser.add_argument(f"--{name}", default=default, metavar="TEXT",
                            help=f"default {default!r}")
    args = parser.parse_args(argv)
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = sorted(set(args.phases) - set(PHASES))
    if unknown:
        parser.error(f"unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")
    if "{b0}" not in args.explorer_query:
        parser.error("--explorer-query needs a {b0} placeholder (a distinct start per session)")
    if min(args.repeats, args.presses, args.burn + 1, args.background_sessions + 1) < 1:
        parser.error("--repeats and --presses must be at least 1; --burn and "
                     "--background-sessions at least 0")
    args.pages = Pages(*(q.lstrip("?") for q in (args.explorer_query, args.default_query,
                                                   args.heavy_query)),
                       args.rerun_key, args.heavy_key)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load benchmark and print its report.

    Parameters
    ----------
    argv : sequence of str, optional
        Options of this group (see `parse_args`).

    Returns
    -------
    int
        0 once the options are valid, whatever the figures (a report, not a test).
    """
    args = parse_args(argv)
    import streamlit

    begin = time.monotonic()
    print(f"== group load: {DESCRIPTION}")
    print(f"python {platform.python_version()}, streamlit {streamlit.__version__}, "
          f"{os.cpu_count()} CPU(s); app {args.app}; burners in phases 1-4: {args.burn}")
    print("Every run is timed from the request to its script_finished at the client; a run "
          "fails on a timeout, a lost connection, an exception element or an st.error.")
    print(f"machine busy before the run (other processes): {machine_busy():.0%} of all CPUs")
    print()
    log_dir = Path(tempfile.mkdtemp(prefix="descent-lab-load-"))
    home = args.app.resolve().parent  # with workers, its scripts/serve_class.sh serves it
    server = ClassServer(args.workers, home, log_dir) if args.workers > 1 else Server(
        args.app, home, log_dir)
    served = (f"{home}/scripts/serve_class.sh: {args.workers} workers behind HAProxy"
              if args.workers > 1 else "one streamlit run process")
    print(f"served by {served}")
    keep_log = False
    try:
        with RssSampler(server) as rss:
            print(f"server up in {server.wait_healthy():.1f} s at {server.url}")
            ctx = Context(server, rss, args, args.pages)
            try:
                others = OtherLoad()
                idle = phase_idle(ctx)
                print(f"(phase idle: other processes on the machine used {others.cores():.2f} "
                      "CPU(s) meanwhile)\n")
            except (AppBrokenError, KeyError) as error:
                keep_log = True
                print(f"the app does not render cleanly, so nothing else is measured: {error}")
                print(f"server log ({server.log}):\n{server.log_tail(30)}")
                return 0
            with Burners(args.burn, limit=1800.0) as burners:
                ctx.burn = Burn(burners)
                phases: dict[str, Callable[[], None]] = {
                    "concurrency": lambda: phase_concurrency(ctx, idle),
                    "starvation": lambda: phase_starvation(ctx, idle),
                    "heavy": lambda: phase_heavy(ctx, idle),
                    "keypress": lambda: phase_keypress(ctx),
                }
                for name in args.phases:
                    others = OtherLoad()
                    try:
                        phases[name]()
                    except Exception as error:  # one broken phase must not hide the others
                        keep_log = True
                        print(f"phase {name} failed: {type(error).__name__}: {error}")
                        print(f"server log tail:\n{server.log_tail(15)}\n")
                    finally:
                        ctx.burn.resume()
                        busy = others.cores()
                        print(f"(phase {name}: other processes on the machine used {busy:.2f} "
                              "CPU(s) meanwhile" + (": the figures above competed with them)"
                                                    if busy > 0.1 else ")") + "\n")
        if args.workers > 1:
            workers = sorted(server.worker_rss_mb())
            print(f"RSS per worker: {', '.join(f'{mb:.0f}' for mb in workers)} MB; server "
                  f"tree in total (workers and balancer): {server.rss_mb():.0f} MB")
        else:
            print(f"RSS of the server: {server.rss_mb():.0f} MB")
    finally:
        server.stop()
        if keep_log:
            print(f"server log kept: {server.log}")
        else:
            shutil.rmtree(log_dir, ignore_errors=True)
    print(f"machine busy after the run (other processes): {machine_busy():.0%} of all CPUs")
    met = sum(ok for ok, _ in ctx.report.lines)
    print("Targets:")
    for ok, text in ctx.report.lines:
        print(f"  {verdict(ok)}  {text}")
    print(f"{met} of {len(ctx.report.lines)} targets met ({time.monotonic() - begin:.0f} s "
          "for this group)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
