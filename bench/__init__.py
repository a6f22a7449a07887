"""Side-by-side timing benchmarks for the Descent Lab numeric core.

Run ``python -m bench`` from the repository root (``python -m bench --help`` for options).

Every benchmark is a `Pair`: a baseline and a measured callable timed in the same process,
interleaved (baseline, measured, measured, baseline, ...) so that a slow spell on a shared
machine hits both sides alike. The report gives the median time of each side and their ratio
``median(measured) / median(baseline)`` against a target maximum ratio. A missed target is
printed as MISS; it is a report, not a test, so the exit code stays 0.

A benchmark group (see `Group`) is a named, lazily prepared list of pairs; ``bench/__main__.py``
keeps the registry of groups. To add one, write a module beside ``core.py`` that defines a
``GROUP`` and list it there.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Check", "Group", "Pair", "Result", "Timed", "format_checks", "format_table", "run_pair",
    "time_call",
]


@dataclass(frozen=True)
class Timed:
    """What a side returns when only part of its call is the figure: the seconds of that
    part, which `time_call` takes instead of the whole call's (a side that first sets the
    scene, say starts other sessions and lets them settle, and then times a key press).

    Attributes
    ----------
    seconds : float
    """

    seconds: float


@dataclass(frozen=True)
class Check:
    """Outcome of a sanity check that keeps a comparison honest.

    Attributes
    ----------
    name : str
        What was checked.
    ok : bool
        Whether it held.
    detail : str
        The numbers behind the verdict, for the report.
    """

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Pair:
    """Two callables doing the same job, to be timed against each other.

    Attributes
    ----------
    name : str
        Short label for the report table.
    baseline : callable () -> object
        The reference implementation.
    measured : callable () -> object
        The implementation under test.
    target : float or None
        Largest acceptable ``median(measured) / median(baseline)``.
    agree : callable (baseline_result, measured_result) -> Check, optional
        Compares the results of one untimed warm-up call of each side, so the check costs
        nothing beyond the warm-up.
    target_seconds : float, optional
        For figures stated in seconds (the app's response times): the largest acceptable
        ``median(measured)``. The ratio to the baseline is still printed, so a slow machine
        shows as a slow baseline.
    """

    name: str
    baseline: Callable[[], Any]
    measured: Callable[[], Any]
    target: float | None
    agree: Callable[[Any, Any], Check] | None = None
    target_seconds: float | None = None


@dataclass(frozen=True)
class Group:
    """A named set of benchmark pairs.

    Attributes
    ----------
    name : str
        Key for ``--only``.
    description : str
        One line for the report and ``--list``.
    prepare : callable () -> list of Pair
        Builds the pairs (loading data etc.); only called when the group runs.
    """

    name: str
    description: str
    prepare: Callable[[], list[Pair]]


@dataclass(frozen=True)
class Result:
    """Timings of one `Pair`.

    Attributes
    ----------
    pair : Pair
    baseline_times, measured_times : tuple of float
        Seconds per call, in the order they were taken.
    check : Check or None
        Result of ``pair.agree`` on the warm-up outputs.
    """

    pair: Pair
    baseline_times: tuple[float, ...]
    measured_times: tuple[float, ...]
    check: Check | None

    @property
    def baseline_median(self) -> float:
        """Median seconds of the baseline."""
        return statistics.median(self.baseline_times)

    @property
    def measured_median(self) -> float:
        """Median seconds of the measured side."""
        return statistics.median(self.measured_times)

    @property
    def ratio(self) -> float:
        """``median(measured) / median(baseline)``."""
        return self.measured_median / self.baseline_median

    @property
    def passed(self) -> bool:
        """Whether the ratio (or the seconds, for a target in seconds) meets the target."""
        if self.pair.target_seconds is not None:
            return self.measured_median <= self.pair.target_seconds
        return self.ratio <= self.pair.target


def time_call(func: Callable[[], Any]) -> float:
    """Seconds one call of ``func`` takes, by `time.perf_counter`.

    Garbage from earlier calls is collected first so that neither side pays for the other's.
    The result is dropped only after the clock has stopped. A call that returns `Timed` says
    itself which part of it is the figure: its seconds are taken instead.

    Parameters
    ----------
    func : callable () -> object

    Returns
    -------
    float
    """
    gc.collect()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    if isinstance(result, Timed):
        elapsed = result.seconds
    del result
    return elapsed


def run_pair(pair: Pair, repeats: int) -> Result:
    """Warm up both sides once, check they agree, then time them interleaved.

    Repetition i runs baseline then measured when i is even and the other way round when i is
    odd, so neither side always goes first.

    Parameters
    ----------
    pair : Pair
    repeats : int
        Timed calls per side (odd numbers give a plain median).

    Returns
    -------
    Result
    """
    check = None
    warm_baseline = pair.baseline()
    warm_measured = pair.measured()
    if pair.agree is not None:
        check = pair.agree(warm_baseline, warm_measured)
    del warm_baseline, warm_measured

    baseline_times: list[float] = []
    measured_times: list[float] = []
    sides = ((pair.baseline, baseline_times), (pair.measured, measured_times))
    for i in range(repeats):
        for func, times in sides if i % 2 == 0 else sides[::-1]:
            times.append(time_call(func))
    return Result(pair, tuple(baseline_times), tuple(measured_times), check)


def format_checks(results: Sequence[Result]) -> list[str]:
    """One line per agreement check: OK or FAIL, name and detail."""
    return [
        f"  {'OK  ' if r.check.ok else 'FAIL'}  {r.check.name}: {r.check.detail}"
        for r in results
        if r.check is not None
    ]


def format_table(results: Sequence[Result]) -> list[str]:
    """The report table, one row per result, as plain-text lines."""
    headers = ("name", "baseline s", "measured s", "ratio", "target", "result")
    rows = [
        (
            r.pair.name,
            f"{r.baseline_median:.4f}",
            f"{r.measured_median:.4f}",
            f"{r.ratio:.3f}x",
            f"<= {r.pair.target_seconds:.2f} s" if r.pair.target_seconds is not None
            else f"<= {r.pair.target:.2f}x",
            "PASS" if r.passed else "MISS",
        )
        for r in results
    ]
    widths = [max(len(row[k]) for row in (headers, *rows)) for k in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join((first, *rest)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return [line(headers), rule, *(line(row) for row in rows)]
