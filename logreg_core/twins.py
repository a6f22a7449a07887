"""Two runs of one computation whose sums went in different orders: where they part.

Gradient descent sums over the samples at every step; summed in another order, each sum rounds
differently. On a stable run the two stay within about 1e-15 of each other; on a chaotic one
the difference grows until it is as large as what is measured. `verdicts.classify_run` reads
these gaps to say which digits of a run are certain and from which step rounding decides it.

Another order is not always another rounding: where one sample dominates each sum, or the
rounding that grows is not in the sums (the updates of momentum's velocity, Adam's moments),
both orders round alike and part from the exact run together. Momentum on the 5 points at
η = 50 (β = 0.9, 200 steps) ends at 1.0208e-11 in either order, 8e-13 apart, where the exact
run (mpmath) ends at 3.60e-10. The same run in long double (`long_double_problem`: a 64-bit
significand, 11 bits more than a double's) ends at 3.61e-10: its rounding is 2,048 times
smaller, so its gap to the run is about the run's own error. `farther` keeps, state by state,
the replay further from the run.
"""

from __future__ import annotations

import numpy as np

from .maths import LogisticProblem

__all__ = ["CHAOS_RTOL", "EXTRA_BITS", "GRADIENT_PART_RTOL", "X87_NMANT", "farther",
           "first_index", "gradients_apart", "gradients_parted_at", "largest_gap",
           "long_double_problem", "loss_apart", "loss_gaps", "parted_at", "shared_digits"]

#: Two summation orders of a stable run agree to 1e-15 or so; on a chaotic one their
#: difference grows until it is as large as the band. A difference above this (half the
#: digits gone) marks a chaotic run.
CHAOS_RTOL = 1e-8
#: Two gradients of one run (summed in two orders) further apart than this share of the
#: larger have parted: rounding, not the maths, decides the state's gradient from there on
#: (a replay whose rounding is 100 times larger still agrees on every sign before it).
GRADIENT_PART_RTOL = 1e-3


def first_index(flags: np.ndarray) -> int | None:
    """The first index where ``flags`` holds, or None."""
    found = np.flatnonzero(flags)
    return int(found[0]) if found.size else None


def loss_apart(gaps: np.ndarray) -> np.ndarray:
    """Where two loss curves' relative gaps (`loss_gaps`) exceed `CHAOS_RTOL` (nan: not apart)."""
    with np.errstate(invalid="ignore"):
        return gaps > CHAOS_RTOL


def largest_gap(gaps: np.ndarray) -> float:
    """The largest finite gap, 0 where there is none."""
    return float(np.max(gaps[np.isfinite(gaps)], initial=0.0))


def loss_gaps(loss, twin) -> np.ndarray:
    """``|a - b| / |a|`` between two loss curves of one run, state by state over their common
    states; nan where either is not finite."""
    n = min(len(loss), len(twin))
    a, b = np.asarray(loss, dtype=float)[:n], np.asarray(twin, dtype=float)[:n]
    finite = np.isfinite(a) & np.isfinite(b)
    gaps = np.full(n, np.nan)
    gaps[finite] = np.abs(a[finite] - b[finite]) / np.maximum(np.abs(a[finite]),
                                                              np.finfo(float).tiny)
    return gaps


def shared_digits(a: float, b: float, most: int) -> int:
    """How many leading significant digits two numbers share as a page writes them: the
    largest d up to ``most`` such that ``a`` and ``b``, each written to 1, 2, ..., d
    significant digits, read the same every time (0 where even the first differs).

    The relative gap's -log10 may claim more: 0.5192 and 0.5142 are 1% apart, "2 digits" by
    it, yet written to two digits they read 0.52 and 0.51 (Adam on the 20 students,
    standardized, λ = 0.1, η = 5: the table said "0.52 (2 digits certain)", a review). It
    may claim fewer too (10.26 and 11.36 both read 1e+01): `classify_run` takes the lesser.
    """
    if a == b:
        return most
    shared = 0
    # (``.{d}e`` writes d + 1 significant digits, rounded as ``.{d + 1}g`` rounds them)
    while shared < most and f"{a:.{shared}e}" == f"{b:.{shared}e}":
        shared += 1
    return shared


def parted_at(loss, twin) -> int | None:
    """The first state at which two loss curves of one run differ by more than `CHAOS_RTOL`
    of the loss (None if they never do, over their common finite states)."""
    return first_index(loss_apart(loss_gaps(loss, twin)))


def gradients_parted_at(gradients, twin_gradients, floor=None) -> int | None:
    """The first state at which a partial derivative differs, between two gradient histories
    of one run, by more than `GRADIENT_PART_RTOL` of the larger of the two and by more than
    ``floor`` (a bound on the rounding of computing it at one state: a derivative that
    cancels to 1e-13 differs at its third digit between two orders of the same sum without
    the states differing); None if none does, over their common finite states.

    Parameters
    ----------
    gradients, twin_gradients : array-like of shape (k, n_params)
    floor : array-like of shape (k, n_params), optional
        0 where not given.
    """
    return first_index(gradients_apart(gradients, twin_gradients, floor))


def gradients_apart(gradients, twin_gradients, floor=None) -> np.ndarray:
    """At each common state, whether a partial derivative of the two histories is apart (the
    test `gradients_parted_at` names the first of). Shape (n_common,)."""
    n = min(len(gradients), len(twin_gradients))
    a = np.asarray(gradients, dtype=float)[:n]
    b = np.asarray(twin_gradients, dtype=float)[:n]
    floor = np.zeros_like(a) if floor is None else np.asarray(floor, dtype=float)[:n]
    with np.errstate(invalid="ignore"):
        gap = np.abs(a - b)
        scale = np.maximum(np.abs(a), np.abs(b))
        return np.any((gap > GRADIENT_PART_RTOL * scale) & (gap > floor), axis=-1)


#: The stored significand bits of the x87's 80-bit long double, the only long double a replay
#: runs in (`long_double_problem`), and how many more than a double's that is (11).
X87_NMANT = 63
EXTRA_BITS = X87_NMANT - np.finfo(float).nmant


def long_double_problem(problem: LogisticProblem) -> LogisticProblem | None:
    """``problem`` with its data in long double, so that a run from a long-double start
    computes every state in it (the module's docstring); None where long double is not the
    x87's 80-bit format (a 64-bit significand, `np.finfo` nmant 63): where it is no more
    precise than a double (macOS and Windows on ARM) a replay would round alike, and where it
    is IEEE quad (Linux on ARM) the processor has no quad arithmetic and software emulates
    it, tens of times slower, which `LONG_DOUBLE_WORK`'s budget of about 0.4 s does not
    allow. The caller then replays in doubles from a nudged start."""
    if np.finfo(np.longdouble).nmant != X87_NMANT:
        return None
    return LogisticProblem(problem.X.astype(np.longdouble), problem.y.astype(np.longdouble),
                           problem.l2)


def farther(loss, twins) -> tuple[np.ndarray, np.ndarray]:
    """Of several replays of one run, at each state the one whose loss is further from the
    run's (a non-finite one counts as furthest), over the states all have.

    Parameters
    ----------
    loss : array-like of shape (n_states,)
    twins : sequence of (losses, gradients), each of shape (m,) and (m, n_params)

    Returns
    -------
    twin, twin_gradients : ndarrays of shape (k,) and (k, n_params), k the fewest states
    """
    n = min(len(t) for t, _ in twins)
    losses = np.array([np.asarray(t, dtype=float)[:n] for t, _ in twins])
    grads = np.array([np.asarray(g, dtype=float)[:n] for _, g in twins])
    with np.errstate(invalid="ignore"):
        apart = np.abs(losses - np.asarray(loss, dtype=float)[:n])
    pick = np.argmax(np.where(np.isnan(apart), np.inf, apart), axis=0)
    states = np.arange(n)
    return losses[pick, states], grads[pick, states]
