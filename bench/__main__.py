"""Command line: ``python -m bench [--only GROUP] [--repeats N] [--list] [--verbose]``.

Prints a plain-text report per benchmark group: the agreement checks, then a table of median
baseline and measured seconds, their ratio, the target and PASS or MISS. The exit code is 0
even when a target is missed (the report is not a test); only bad arguments exit non-zero.

To add a group, write a module in this package that defines a `bench.Group` and append it to
`GROUPS`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Sequence

import numpy as np

from . import Group, Result, app, browser, core, format_checks, format_table, landscape, run_pair

#: Every benchmark group, in the order they run. Names must be unique.
GROUPS: tuple[Group, ...] = (core.GROUP, app.GROUP, landscape.GROUP, browser.GROUP)

DEFAULT_REPEATS = 7


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    argparse.Namespace
        ``only`` (list of group names or None), ``repeats`` (int), ``list`` and ``verbose``
        (bool).
    """
    names = [group.name for group in GROUPS]
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time the numeric core against baselines, side by side in one process.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=names,
        metavar="GROUP",
        help=f"run only this group (repeatable); one of: {', '.join(names)}",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=DEFAULT_REPEATS,
        metavar="N",
        help=f"timed calls per side, interleaved (default {DEFAULT_REPEATS})",
    )
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    parser.add_argument(
        "--verbose", action="store_true", help="also print every timed call, in order"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def blas_threads() -> str:
    """The BLAS library and its thread count, if ``threadpoolctl`` is available.

    The sweep's matrix products may use several BLAS threads while `train`'s matrix-vector
    products use one, so the thread count matters for the sweep ratios.
    """
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS threads unknown (threadpoolctl not installed)"
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not pools:
        return "BLAS threads unknown"
    return ", ".join(f"{p['internal_api']} {p['num_threads']} thread(s)" for p in pools)


def run_group(group: Group, repeats: int, verbose: bool = False) -> list[Result]:
    """Run and print one group: header, agreement checks, table, misses.

    Parameters
    ----------
    group : Group
    repeats : int
    verbose : bool, default False
        Also print every timed call.

    Returns
    -------
    list of Result
    """
    print(f"== group {group.name}: {group.description}")
    start = time.perf_counter()
    results = []
    for pair in group.prepare():
        print(f"  running: {pair.name}", flush=True)
        results.append(run_pair(pair, repeats))
    print()
    print("Agreement checks (on the untimed warm-up results):")
    print("\n".join(format_checks(results)) or "  (none)")
    print()
    print("\n".join(format_table(results)))
    print()
    if verbose:
        for r in results:
            print(f"{r.pair.name}:")
            print("  baseline s: " + " ".join(f"{t:.4f}" for t in r.baseline_times))
            print("  measured s: " + " ".join(f"{t:.4f}" for t in r.measured_times))
        print()
    misses = [r for r in results if not r.passed]
    failed = [r for r in results if r.check is not None and not r.check.ok]
    for r in misses:
        if r.pair.target_seconds is not None:
            print(f"MISS: {r.pair.name}: {r.measured_median:.3f} s > target "
                  f"{r.pair.target_seconds:.2f} s")
        else:
            print(f"MISS: {r.pair.name}: ratio {r.ratio:.3f}x > target {r.pair.target:.2f}x")
    for r in failed:
        print(f"CHECK FAILED: {r.check.name}: the timings above compare different results")
    print(
        f"{len(results) - len(misses)} of {len(results)} targets met"
        f" ({time.perf_counter() - start:.1f} s for this group)"
    )
    print()
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected groups and print the report.

    Parameters
    ----------
    argv : sequence of str, optional

    Returns
    -------
    int
        Exit code: always 0 once the arguments are valid.
    """
    args = parse_args(argv)
    if args.list:
        for group in GROUPS:
            print(f"{group.name}: {group.description}")
        return 0
    selected = [g for g in GROUPS if args.only is None or g.name in args.only]
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPU(s), {blas_threads()}"
    )
    print(
        f"{args.repeats} interleaved timed calls per side after one warm-up; "
        "times are medians, ratio = measured / baseline"
    )
    print()
    all_results: list[Result] = []
    for group in selected:
        all_results.extend(run_group(group, args.repeats, args.verbose))
    missed = sum(not r.passed for r in all_results)
    print(f"Overall: {len(all_results) - missed} of {len(all_results)} targets met, {missed} MISS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
