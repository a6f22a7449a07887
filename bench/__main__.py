"""Command line: ``python -m bench [--only GROUP] [--repeats N] [--list] [--verbose]``.

Prints a plain-text report per benchmark group: the agreement checks, then a table of median
baseline and measured seconds, their ratio, the target and PASS or MISS. The exit code is 0
even when a target is missed (the report is not a test); only bad arguments exit non-zero.

To add a group, write a module in this package that defines a `bench.Group` and append it to
`GROUPS`. A benchmark that is not a list of pairs (the load on a served app, with its own
phases and options) is a runner instead: a module with a ``main(argv)`` listed in `RUNNERS`.
It runs only when named (``python -m bench --only load``), and the options this command does
not know are its own (``python -m bench --only load --help`` lists them).
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import Group, Pair, Result, format_checks, format_table, run_pair
from . import load as load_runner
from . import memory as memory_runner

#: The modules that define a ``GROUP``, in the order the groups run.
GROUP_MODULES = ("core", "app", "landscape", "browser")


def import_group(module: str) -> Group:
    """``bench.<module>.GROUP``; a stand-in that says why, if the module cannot be imported.

    The groups import the app's core, which may be mid-change in a working tree: one that
    cannot be imported must not take ``--list`` or the other groups (the load runner needs
    nothing of the core) down with it.
    """
    try:
        return importlib.import_module(f".{module}", __package__).GROUP
    except ImportError as error:
        reason = f"cannot import bench.{module}: {error}"

        def unavailable() -> list[Pair]:
            print(f"  skipped: {reason}")
            return []

        return Group(module, f"({reason})", unavailable)


#: Every benchmark group, in the order they run. Names must be unique.
GROUPS: tuple[Group, ...] = tuple(import_group(module) for module in GROUP_MODULES)

#: Benchmarks with their own report and options, run only when named with --only:
#: name -> (description, main(argv) -> exit code).
RUNNERS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "load": (load_runner.DESCRIPTION, load_runner.main),
    "memory": (memory_runner.DESCRIPTION, memory_runner.main),
}

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
        (bool), ``runner_args`` (list of str: the options left for the runners named).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    names = [group.name for group in GROUPS] + list(RUNNERS)
    # A first look for --only: when a runner is named, --help is its own.
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--only", action="append")
    runners_named = set(probe.parse_known_args(argv)[0].only or ()) & set(RUNNERS)
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time the numeric core against baselines, side by side in one process.",
        add_help=not runners_named,
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
        default=None,
        metavar="N",
        help=f"timed calls per side, interleaved (default {DEFAULT_REPEATS}; passed on to a "
             "runner named with --only)",
    )
    parser.add_argument("--list", action="store_true", help="list the groups and exit")
    parser.add_argument(
        "--verbose", action="store_true", help="also print every timed call, in order"
    )
    args, extra = parser.parse_known_args(argv)
    if extra and not runners_named:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.runner_args = extra + ([] if args.repeats is None else ["--repeats", str(args.repeats)])
    if args.repeats is None:
        args.repeats = DEFAULT_REPEATS
    return args


def blas_threads() -> str:
    """The BLAS thread count numpy's OpenBLAS uses in this process (the served app sets 1).

    The sweep's matrix products may use several BLAS threads while `train`'s matrix-vector
    products use one, so the thread count matters for the sweep ratios.
    """
    from dashboard.blas import blas_threads as count

    threads = count()
    return "BLAS threads unknown (not OpenBLAS)" if threads is None else (
        f"OpenBLAS {threads} thread(s) (the served app uses 1: dashboard/blas.py)")


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
        for name, (description, _) in RUNNERS.items():
            print(f"{name}: {description}")
        return 0
    selected = [g for g in GROUPS if args.only is None or g.name in args.only]
    runners = [name for name in RUNNERS if args.only is not None and name in args.only]
    if not selected:  # runners only: their report has its own header
        for name in runners:
            RUNNERS[name][1](args.runner_args)
        return 0
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
    for name in runners:
        print()
        RUNNERS[name][1](args.runner_args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
