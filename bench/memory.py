"""Memory behind the caches' bounds: how large each cached result can be, measured.

``python -m bench --only memory``. The page keeps read-only results in Streamlit's resource
caches (dashboard/compute.py), each with a fixed number of entries, and bounds the size of one
result by the work budget (`compute.steps_allowed`). This report builds the largest result each
cache can hold on the built-in data (and on the largest upload the reader accepts, where it
matters), measures its bytes (`numpy.ndarray.nbytes`, and the process's RSS growth for the run
cache filled to its bound), and prints the worst case of every cache beside the budget that
justifies it: Community Cloud gives an app as little as about 690 MB.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence

import numpy as np
import psutil

__all__ = ["DESCRIPTION", "main"]

DESCRIPTION = ("memory behind the cache bounds: the largest result each cache can hold, and "
               "the run cache filled to its bound (RSS); ~1 min")
BUDGET_MB = 690.0 / 2  # half of Cloud's smallest allowance for every cache together


def rss_mb() -> float:
    """This process's resident memory in MB."""
    return psutil.Process().memory_info().rss / 2**20


def history_mb(history) -> float:
    return history.nbytes / 2**20


def cache_bounds() -> dict[str, int]:
    """max_entries of each resource cache of dashboard/compute.py, read from the functions."""
    from dashboard import compute

    bounds = {}
    for name in ("run", "sweep", "optimizer_runs", "loss_surface", "limits", "exact_fit",
                 "check_gradient", "buggy_loop", "standardizer", "margin_direction",
                 "first_rising_rate", "end_ranges"):
        function = getattr(compute, name)
        bounds[name] = function._info.max_entries
    return bounds


def main(argv: Sequence[str] | None = None) -> int:
    """Print the memory report; 0 whatever the figures (a report, not a test)."""
    import logreg_core as lc
    from dashboard import compute, fields
    from dashboard.views.learning_rates import sweep_rates
    from dashboard.views.optimizers import build as build_optimizer
    from logreg_core.limits import learning_rate_limits

    begin = time.monotonic()
    print(f"== group memory: {DESCRIPTION}")
    bounds = cache_bounds()
    rows = []

    # 1. One run at the largest size the budget allows, on each data set (and a wide upload).
    cancer = lc.load_dataset("breast_cancer")
    X_std = lc.Standardizer.fit(cancer.X).transform(cancer.X)
    rng = np.random.default_rng(0)
    wide = rng.normal(size=(50_000, 100)), (rng.random(50_000) > 0.5).astype(float)
    cases = {"5 points": (lc.load_dataset("five_points").X, lc.load_dataset("five_points").y),
             "breast cancer (standardized)": (X_std, cancer.y),
             "upload 50,000 x 100": wide}
    largest_run = 0.0
    print("\none run at the most steps the budget allows (dashboard.compute.steps_allowed):")
    for name, (X, y) in cases.items():
        steps = min(fields.STEPS_MAX, compute.steps_allowed(*X.shape))
        start = time.perf_counter()
        history = lc.train(X, y, learning_rate=0.01, steps=steps)
        seconds = time.perf_counter() - start
        largest_run = max(largest_run, history_mb(history))
        print(f"  {name:30s} {steps:>7,} steps  {history_mb(history):6.2f} MB  "
              f"{seconds:5.2f} s to train")
    rows.append(("run", bounds["run"], largest_run))

    # 2. The explorer's sweep and the optimizer comparison at the explorer's largest size.
    limits = learning_rate_limits(X_std, cancer.y)
    runs_count = fields.SWEEP_COUNT_MAX + fields.MAX_OVERLAY_RATES + 1
    steps = min(compute.EXPLORER_MAX_STEPS,
                compute.steps_allowed(*X_std.shape, runs_count, batched=True))
    sweep = lc.learning_rate_sweep(X_std, cancer.y, sweep_rates(limits, fields.SWEEP_COUNT_MAX),
                                   steps)
    sweep_mb = sweep.loss.nbytes / 2**20
    rows.append(("sweep", bounds["sweep"], sweep_mb))
    optimizer_steps = min(compute.EXPLORER_MAX_STEPS,
                          compute.steps_allowed(*X_std.shape, 2 * len(lc.OPTIMIZERS)))
    total = 0.0
    for cls in lc.OPTIMIZERS.values():
        settings = fields.with_changes(fields.defaults("breast_cancer"), learning_rate=0.1,
                                       momentum=0.9, batch_size=32, seed=0)
        optimizer = build_optimizer(cls, settings, len(cancer.y))
        steps_here = min(optimizer_steps, 25) if cls.key == "newton" else optimizer_steps
        total += history_mb(lc.train(X_std, cancer.y, optimizer=optimizer, steps=steps_here))
    rows.append(("optimizer_runs", bounds["optimizer_runs"], total))
    print(f"\nexplorer on breast cancer: sweep of {fields.SWEEP_COUNT_MAX} rates x {steps:,} "
          f"steps {sweep_mb:.2f} MB; {len(lc.OPTIMIZERS)} optimizers x {optimizer_steps:,} "
          f"steps {total:.2f} MB")

    # 3. The landscape grid and its contours (100 x 100), and the small results.
    surface = lc.landscape.loss_grid(X_std, cancer.y, np.zeros(30), 0.0, (0, 30), (-3, 3),
                                     (-3, 3))
    segments = lc.landscape.contour_segments(surface)
    landscape_mb = (surface.loss.nbytes + segments.memory_usage(deep=True).sum()) / 2**20
    rows.append(("loss_surface", bounds["loss_surface"], landscape_mb))
    small = 31 * 31 * 8 / 2**20  # a Hessian-sized result: limits, fits, checks, directions
    for name in ("limits", "exact_fit", "check_gradient", "margin_direction",
                 "first_rising_rate", "end_ranges", "standardizer", "buggy_loop"):
        rows.append((name, bounds[name], small if name != "buggy_loop" else 0.05))

    print("\nevery cache at its bound (entries x the largest entry measured above):")
    print(f"  {'cache':16s} {'entries':>7s} {'largest MB':>10s} {'worst MB':>9s}")
    worst_total = 0.0
    for name, entries, largest in rows:
        worst = entries * largest
        worst_total += worst
        print(f"  {name:16s} {entries:>7d} {largest:>10.2f} {worst:>9.1f}")
    verdict = "PASS" if worst_total <= BUDGET_MB else "MISS"
    print(f"  {'all together':16s} {'':>7s} {'':>10s} {worst_total:>9.1f}   "
          f"target <= {BUDGET_MB:.0f} MB (half of 690): {verdict}")

    # 4. The run cache filled to its bound with the largest runs, as RSS.
    gc.collect()
    before = rss_mb()
    kept = [lc.train(X_std, cancer.y, learning_rate=0.01, b0=0.001 * k,
                     steps=compute.steps_allowed(*X_std.shape))
            for k in range(bounds["run"])]
    gc.collect()
    after = rss_mb()
    print(f"\nthe run cache filled to its bound: {len(kept)} breast-cancer runs of "
          f"{kept[0].steps_run:,} steps: RSS {before:.0f} -> {after:.0f} MB "
          f"(+{after - before:.0f} MB; nbytes say {sum(map(history_mb, kept)):.0f} MB)")
    print(f"({time.monotonic() - begin:.0f} s for this group)")
    return 0
