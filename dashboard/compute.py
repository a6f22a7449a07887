"""The core's work for the page: cached by Streamlit, bounded in size and in time.

Data travel as a `Data` object whose ``key`` names its numbers exactly (source, edits,
standardization); Streamlit hashes it by that key (``hash_funcs``), never by its arrays.
Results that are read-only (every History, Sweep and fit: their arrays are frozen) are kept
with `st.cache_resource`, so a rerun gets the very object, not an unpickled copy.

Bounds. One run keeps at most `MAX_HISTORY_VALUES` parameter values (8 MB with its gradients)
and one request costs at most `WORK_BUDGET` work units, about a second and a half of one core
here (`steps_allowed` turns that into steps, and the page says when it cuts a run short), so
one user asking for the heaviest settings cannot hold the server for long. Each cache has a
fixed number of entries; ``python -m bench --only memory`` builds the largest entry of each
and prints every cache at its bound (about 250 MB together in the worst case, within half of
Community Cloud's smallest 690 MB; a class on the built-in data uses a few MB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import examples, landscape
from logreg_core.checks import GradientCheck, gradient_check
from logreg_core.frames import Frames, model_frames
from logreg_core.limits import LearningRateLimits, learning_rate_limits

#: Parameter values (steps x (features + 1)) one History may hold: 8 bytes each, twice (the
#: states and the gradients), so 8 MB.
MAX_HISTORY_VALUES = 500_000
#: Work one request may do, in units of one multiply-add (or one elementwise operation) on one
#: number. A step of plain descent costs about n (d + 31) of them (two products with X and
#: some thirty elementwise operations per sample) plus `STEP_OVERHEAD` for Python's own work;
#: measured here at 2.5e8 to 4e8 units per second (``python -m bench --only memory`` prints
#: the seconds of the largest runs).
WORK_BUDGET = 500_000_000
STEP_OVERHEAD = 4000
#: A learning-rate sweep advances all its rates together with one product per step: per rate,
#: a step costs about a sixteenth of a separate run's (``python -m bench --only core``: 40
#: rates x 1,000 steps on breast cancer in 0.2 s).
BATCHED_SPEEDUP = 16
#: Steps of an explorer run: past this the picture no longer changes.
EXPLORER_MAX_STEPS = 5000


@dataclass(frozen=True, eq=False)
class Data:
    """The data every view works on, whatever its source.

    Attributes
    ----------
    key : str
        Names the numbers exactly (source, edits, standardization); caches hash by it.
    X : ndarray of shape (n_samples, n_features)
        Features as trained: standardized when chosen.
    y : ndarray of shape (n_samples,)
    names : tuple of str
    X_raw : ndarray of shape (n_samples, n_features)
        Features as loaded or edited, before standardization.
    title : str
    standardized : bool
    scaler : Standardizer or None
    """

    key: str
    X: np.ndarray
    y: np.ndarray
    names: tuple
    X_raw: np.ndarray
    title: str
    standardized: bool
    scaler: lc.Standardizer | None = None

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


HASH = {Data: lambda data: data.key}


def steps_allowed(n_samples: int, n_features: int, runs: int = 1,
                  batched: bool = False) -> int:
    """Most steps each of ``runs`` runs may take on data of this size (see the module).

    ``batched`` runs advance together (a learning-rate sweep): they share one step's Python
    overhead instead of paying it each.
    """
    if batched:  # big matrix products and elementwise operations: measured 16x cheaper
        per_step = runs * n_samples * (n_features + 31) // BATCHED_SPEEDUP + STEP_OVERHEAD
    else:
        per_step = runs * (n_samples * (n_features + 31) + STEP_OVERHEAD)
    by_work = WORK_BUDGET // per_step
    by_memory = MAX_HISTORY_VALUES // (n_features + 1)
    return int(max(1, min(by_work, by_memory)))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=HASH)
def frames(data: Data, learning_rate: float, steps: int, w0: tuple, b0: float, l2: float,
           axes: tuple, keep: tuple) -> Frames:
    """The model picture of a run (`run`, same arguments) at its animation's frames."""
    history = run(data, learning_rate, steps, w0, b0, l2)
    return model_frames(data.X, data.y, history, axes, keep)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=HASH)
def limits(data: Data, l2: float) -> LearningRateLimits:
    return learning_rate_limits(data.X, data.y, l2)


@st.cache_resource(show_spinner="Training...", max_entries=16, hash_funcs=HASH)
def run(data: Data, learning_rate: float, steps: int, w0: tuple, b0: float,
        l2: float) -> lc.History:
    """Gradient descent, its verdict judged against this data's learning-rate limits."""
    return lc.train(data.X, data.y, learning_rate=learning_rate, steps=steps, w0=w0, b0=b0,
                    l2=l2, limits=limits(data, l2))


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=HASH)
def exact_fit(data: Data, l2: float) -> lc.ExactFit:
    return lc.fit_exact(data.X, data.y, l2)


@st.cache_resource(show_spinner="Training at many learning rates...", max_entries=16,
                   hash_funcs=HASH)
def sweep(data: Data, rates: tuple, steps: int, w0: tuple, b0: float, l2: float) -> lc.Sweep:
    return lc.learning_rate_sweep(data.X, data.y, rates, steps, w0, b0, l2,
                                  limits=limits(data, l2))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=HASH)
def end_ranges(data: Data, rates: tuple, steps: int, w0: tuple, b0: float,
               l2: float) -> tuple[np.ndarray, np.ndarray]:
    """Where `sweep`'s (same arguments) final losses would lie but for rounding
    (`logreg_core.training.end_ranges`: the runs replayed to about twice double precision).
    Read-only arrays."""
    from logreg_core.training import end_ranges as measure

    low, high = measure(data.X, data.y, sweep(data, rates, steps, w0, b0, l2), steps, w0,
                        b0, l2)
    low.flags.writeable = high.flags.writeable = False
    return low, high


#: Newton's method's iterations at most: each solves a linear system as large as the
#: parameters, and a handful reach a best fit to rounding.
NEWTON_ITERATIONS = 25


@st.cache_resource(show_spinner="Running the optimizers...", max_entries=8, hash_funcs=HASH)
def optimizer_runs(data: Data, optimizers: tuple, steps: int, w0: tuple, b0: float,
                   l2: float) -> Mapping[str, lc.History]:
    """Every optimizer from the same start; Newton's method for at most `NEWTON_ITERATIONS`
    iterations. A read-only mapping: every session gets this very object."""
    return MappingProxyType({
        opt.label: lc.train(data.X, data.y, optimizer=opt, w0=w0, b0=b0, l2=l2,
                            steps=(min(steps, NEWTON_ITERATIONS) if isinstance(opt, lc.Newton)
                                   else steps),
                            limits=limits(data, l2))
        for opt in optimizers
    })


@st.cache_data(show_spinner="Computing the loss landscape...", max_entries=16,
               hash_funcs=HASH)
def loss_surface(data: Data, center: tuple, axes: tuple, a_range: tuple, c_range: tuple,
                 l2: float):
    """The loss over a plane and its contour lines. Cached as data, not as a resource: the
    contours are a DataFrame, which cannot be made read-only, so each session gets its own
    copy (a few thousand numbers)."""
    surface = landscape.loss_grid(data.X, data.y, center[:-1], center[-1], axes, a_range,
                                  c_range, l2=l2)
    return surface, landscape.contour_segments(surface)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=HASH)
def check_gradient(data: Data, w: tuple, b: float, l2: float) -> GradientCheck:
    return gradient_check(data.X, data.y, w, b, l2)


@st.cache_resource(show_spinner=False)
def worked_step() -> examples.WorkedStep:
    return examples.worked_step()


@st.cache_resource(show_spinner="Running the textbook's start for 20,000 steps...")
def worked_long_run() -> lc.History:
    return examples.worked_long_run()


@st.cache_resource(show_spinner=False)
def student_step() -> examples.StudentStep:
    return examples.student_step()


@dataclass(frozen=True)
class LoopTrial:
    """The textbook loop on trial (`buggy_loop`).

    Attributes
    ----------
    correct, buggy : examples.LoopRun
        The corrected loop and the loop with the bugs, from the same start.
    twin : examples.LoopRun
        The corrected loop with its samples in the reverse order: where rounding decides the
        run, it and ``correct`` part ways.
    plain_report : float or None
        What the corrected loop reports as its loss at the state from which the buggy loop
        took its last step, in the same arithmetic (None where the buggy loop took none):
        where it equals the buggy loop's own report, the bugs leave that report alone.
    """

    correct: examples.LoopRun
    buggy: examples.LoopRun
    twin: examples.LoopRun
    plain_report: float | None


@st.cache_resource(show_spinner="Running the loop...", max_entries=16, hash_funcs=HASH)
def buggy_loop(data: Data, rows: int, w0: tuple, b0: float, learning_rate: float, steps: int,
               bugs: frozenset) -> LoopTrial:
    X, y = data.X[:rows, :2], data.y[:rows]
    correct = examples.buggy_loop_run(X, y, w0[:2], b0, learning_rate, steps)
    buggy = examples.buggy_loop_run(X, y, w0[:2], b0, learning_rate, steps, bugs)
    twin = examples.buggy_loop_run(X[::-1], y[::-1], w0[:2], b0, learning_rate, steps)
    plain = None if not len(buggy.reported) else examples.buggy_loop_step(
        X, y, list(buggy.weights[-2]), float(buggy.bias[-2]), learning_rate)[2]
    return LoopTrial(correct, buggy, twin, plain)


@dataclass(frozen=True, eq=False)
class Source:
    """Data before standardization: a built-in set, an upload, or either after edits.

    Attributes
    ----------
    key : str
        Names the numbers exactly; caches hash by it.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    names : tuple of str
    title : str
    note : str
        Markdown about the data; for uploads built from escaped user text only.
    preview : DataFrame or None
        The uploaded table, shown as plain cells.
    """

    key: str
    X: np.ndarray
    y: np.ndarray
    names: tuple
    title: str
    note: str
    preview: object = None


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs={Source: lambda s: s.key})
def standardizer(source: Source) -> lc.Standardizer:
    """Mean and scale of the source's features (raises LogRegInputError on a constant one)."""
    return lc.Standardizer.fit(source.X, list(source.names))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=HASH)
def margin_direction(data: Data):
    """The max-margin direction of (w, b) on separable data, or None."""
    from logreg_core.limits import max_margin_direction

    return max_margin_direction(data.X, data.y)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=HASH)
def first_rising_rate(data: Data, w0: tuple, b0: float, l2: float) -> float | None:
    """The smallest rate at which one step from (w0, b0) raises the loss (None: none does)."""
    from logreg_core.limits import first_rising_rate as measure

    return measure(data.X, data.y, w0, b0, l2)
