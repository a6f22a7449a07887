"""The parts every phase of the load benchmark (`bench.load`) shares: fresh starting points,
statistics, a plain-text table, the report of targets, the paused-or-running CPU burners, the
protocol-level scenarios (open many sessions at once, rerun one until told to stop) and the
context handed to each phase."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import math
import os
import signal
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .protocol import RunResult, Session, cycle_value
from .server import Burners, RssSampler, Server

if TYPE_CHECKING:
    from .load import Pages


# ----------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------


class Starts:
    """Starting biases that no other session of this run has used: 0.01, 0.02, ...

    Multiples of 0.01 (the bias slider's step) within the slider's range.
    """

    def __init__(self) -> None:
        self._next = itertools.count(1)

    def __call__(self) -> str:
        return f"{next(self._next) / 100:.2f}"


def p95(values: Sequence[float]) -> float:
    """95th percentile by nearest rank (nan for no values)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    """Median (nan for no values)."""
    return statistics.median(values) if values else math.nan


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain-text table lines: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[k])) for r in (headers, *rows)) for k in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        rest = (str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def problems(results: Sequence[RunResult]) -> list[str]:
    """The distinct problems of the failed runs, most frequent first, with their counts."""
    counts: dict[str, int] = {}
    for result in results:
        if not result.ok:
            counts[result.problem()] = counts.get(result.problem(), 0) + 1
    return [f"{n}x {text}" for text, n in sorted(counts.items(), key=lambda kv: -kv[1])]


def link_notices(results: Sequence[RunResult]) -> list[str]:
    """Distinct warnings the app showed (its notices about a link it could not read)."""
    return sorted({text for result in results for text in result.warnings})


class Report:
    """Collects the targets met and missed, for the summary at the end."""

    def __init__(self) -> None:
        self.lines: list[tuple[bool, str]] = []

    def target(self, ok: bool, text: str) -> str:
        self.lines.append((ok, text))
        return verdict(ok)


@dataclass
class Burn:
    """The CPU burners of the load phases, paused (SIGSTOP) for an idle measurement."""

    burners: Burners
    paused: bool = field(default=False)

    def pause(self) -> None:
        for process in self.burners.processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        for process in self.burners.processes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGCONT)
        self.paused = False


# ----------------------------------------------------------------------------------------
# Protocol-level scenarios (coroutines)
# ----------------------------------------------------------------------------------------


async def open_many(url: str, queries: Sequence[str], timeout: float
                    ) -> tuple[float, list[RunResult], list[Session]]:
    """Open one session per query, all at once; seconds until the last has rendered."""
    sessions = [Session(url, query, timeout=timeout) for query in queries]
    start = time.perf_counter()
    results = list(await asyncio.gather(*(s.open() for s in sessions)))
    return time.perf_counter() - start, results, sessions


async def close_all(sessions: Sequence[Session]) -> None:
    await asyncio.gather(*(s.close() for s in sessions))


async def rerun_until(session: Session, key: str, done: Callable[[], bool],
                      values: Callable[[int], object] | None = None) -> list[RunResult]:
    """Rerun ``session`` (a new value of widget ``key`` each time) until ``done()``.

    ``values(i)`` gives the i-th value; by default `cycle_value` moves the widget through
    its range. Stops early if the session breaks (timeout or lost connection).
    """
    results = []
    key = session.find_key(key)
    for i in itertools.count():
        if done() or session.broken:
            break
        value = values(i) if values else cycle_value(session.widget(key), i)
        results.append(await session.set_widget(key, value))
    return results


async def open_tabs(session: Session, server: Server, key: str, labels: Sequence[str],
                    count: int) -> tuple[list[RunResult], float]:
    """Open the tabs ``labels`` of the tab row ``key`` in turn, ``count`` times after an
    untimed first (which fills the other view's cache): the runs, and the server's CPU
    seconds per tab opened (nan, and no runs, when the page has no such tab row)."""
    if key not in session.widgets:
        return [], math.nan
    await session.set_widget(key, labels[1 % len(labels)])
    cpu = server.cpu_seconds()
    runs = [await session.set_widget(key, labels[i % len(labels)]) for i in range(count)]
    return runs, (server.cpu_seconds() - cpu) / max(1, len(runs))


def explorer_query(pages: Pages, b0: str) -> str:
    """The explorer's query string with its own starting bias."""
    return pages.explorer.replace("{b0}", b0)


def seconds_of(results: Sequence[RunResult]) -> list[float]:
    """Seconds of the runs that went through (ok, or drawn with an exception or error)."""
    return [r.seconds for r in results if r.status in {"ok", "compile_error"}]


@dataclass
class Context:
    """What every phase shares: the server, its memory sampler, the options, the report."""

    server: Server
    rss: RssSampler
    args: argparse.Namespace
    pages: Pages
    report: Report = field(default_factory=Report)
    starts: Starts = field(default_factory=Starts)
    burn: Burn | None = None

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def burners(self) -> int:
        return 0 if self.burn is None or self.burn.paused else len(self.burn.burners.processes)


@dataclass
class Idle:
    """Phase 0's figures, the baselines of the later phases."""

    opens: list[RunResult]
    reruns: list[RunResult]
    explorer: list[RunResult]
    cpu_per_rerun: float
    rss_start_mb: float
    rss_mb: float = math.nan
    switches: list[RunResult] = field(default_factory=list)  # tabs opened on the default page
    cpu_per_switch: float = math.nan

    @property
    def open_s(self) -> float:
        return median(seconds_of(self.opens))

    @property
    def rerun_s(self) -> float:
        return median(seconds_of(self.reruns))

    @property
    def explorer_s(self) -> float:
        return median(seconds_of(self.explorer))


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base and not math.isnan(base) else "n/a"


@dataclass
class Round:
    """One concurrency round: N sessions opening the explorer at once."""

    n: int
    wall: float
    results: list[RunResult]
    peak_mb: float
    cpu_s: float
    client_s: float
    repeats: int = 1
    peak_process_mb: float = math.nan  # the largest Streamlit process (one worker) at its peak

    @property
    def failed(self) -> int:
        return sum(not r.ok for r in self.results)


def merge(rounds: Sequence[Round]) -> Round:
    """Repeated rounds of one size as one: median seconds (of the rounds with no failure),
    every result, the highest peak memory, median CPU."""
    clean = [r.wall for r in rounds if not r.failed] or [math.nan]
    return Round(rounds[0].n, median(clean), [x for r in rounds for x in r.results],
                 max(r.peak_mb for r in rounds), median([r.cpu_s for r in rounds]),
                 median([r.client_s for r in rounds]), len(rounds),
                 max(r.peak_process_mb for r in rounds))
