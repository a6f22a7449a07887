"""The source documents' own figures, set beside the exact ones the core computes.

The constants below are what the documents print (quoted figures, not results): they exist so
the dashboard can show each claim next to the computed value and say where they part.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import LogRegInputError
from .exact import ExactFit, fit_exact
from .maths import GradientPass, check_data, mean_loss, step
from .training import train

#: Seed 001 (`001_d823d0694191522a.txt`): five points and the setting it calls scikit-learn's fit.
SEED_001_X = (1.0, 2.0, 3.0, 4.0, 5.0)
SEED_001_Y = (0.0, 0.0, 0.0, 1.0, 1.0)
SEED_001_W, SEED_001_B, SEED_001_RATE = 2.197, -6.593, 0.1
SEED_001_PRINTED = {
    "p": (0.012, 0.100, 0.500, 0.899, 0.988),
    "loss": (0.012, 0.105, 0.693, 0.106, 0.012),
    "sum (p - y) * x": 1.248,
    "dw": 0.2496,
    "sum (p - y)": 0.499,
    "db": 0.0998,
    "new w": 2.172,
    "new b": -6.603,
}

#: Seed 002 (`002_95b29a2f66a3ea4a.txt`): one student, one step.
SEED_002_X = (3.0, 5.0)
SEED_002_Y = 1.0
SEED_002_W, SEED_002_B, SEED_002_RATE = (0.1, -0.2), 0.0, 0.1
SEED_002_PRINTED = {
    "z": -0.7,
    "e^0.7": 2.013,
    "p": 0.33,
    "p - y": -0.67,
    "dw1": -2.01,
    "dw2": -3.35,
    "db": -0.67,
    "new w1": 0.301,
    "new w2": 0.135,
}


@dataclass(frozen=True)
class Seed001Report:
    """Seed 001's worked step recomputed, and what its fitting claim really gives.

    Attributes
    ----------
    X : ndarray of shape (5, 1)
    y : ndarray of shape (5,)
    grad_pass : GradientPass
        At the seed's w = 2.197, b = -6.593.
    new_w, new_b : float
        After one step at rate 0.1.
    comparison : DataFrame
        Columns quantity, seed prints, exact.
    sklearn_default : ExactFit
        The optimum with L2 ``1 / (C n)``, C = 1: what ``LogisticRegression()`` fits.
    unregularized : ExactFit
        Without L2: no finite optimum (separable).
    long_run : DataFrame
        Plain gradient descent from the seed's setting: step, w, b, loss, boundary.
    """

    X: np.ndarray
    y: np.ndarray
    grad_pass: GradientPass
    new_w: float
    new_b: float
    comparison: pd.DataFrame
    sklearn_default: ExactFit
    unregularized: ExactFit
    long_run: pd.DataFrame


def seed_001_report(long_run_steps: int = 100_000, learning_rate: float = 0.5) -> Seed001Report:
    """Recompute seed 001's step and test its claim that scikit-learn fits w 2.197, b -6.593."""
    X = np.array(SEED_001_X)[:, None]
    y = np.array(SEED_001_Y)
    w_new, b_new, grad = step(X, y, [SEED_001_W], SEED_001_B, SEED_001_RATE)
    printed = SEED_001_PRINTED
    rows = [(f"p at x = {x:g}", printed["p"][i], grad.p[i]) for i, x in enumerate(SEED_001_X)]
    rows += [
        (f"loss at x = {x:g}", printed["loss"][i], grad.sample_loss[i])
        for i, x in enumerate(SEED_001_X)
    ]
    rows += [
        ("sum of (p - y) * x", printed["sum (p - y) * x"], grad.error_x[:, 0].sum()),
        ("dw", printed["dw"], grad.dw[0]),
        ("sum of (p - y)", printed["sum (p - y)"], grad.error.sum()),
        ("db", printed["db"], grad.db),
        ("new w", printed["new w"], w_new[0]),
        ("new b", printed["new b"], b_new),
    ]
    comparison = pd.DataFrame(rows, columns=["quantity", "seed prints", "exact"])
    history = train(X, y, learning_rate=learning_rate, steps=long_run_steps,
                    w0=[SEED_001_W], b0=SEED_001_B)
    marks = [m for m in (0, 10, 100, 1_000, 10_000, 100_000) if m <= history.steps_run]
    w, b = history.weights[marks, 0], history.bias[marks]
    long_run = pd.DataFrame({
        "step": marks, "w": w, "b": b, "loss": history.loss[marks], "boundary -b/w": -b / w,
    })
    return Seed001Report(
        X=X, y=y, grad_pass=grad, new_w=float(w_new[0]), new_b=float(b_new),
        comparison=comparison,
        sklearn_default=fit_exact(X, y, l2=1.0 / len(y)),
        unregularized=fit_exact(X, y),
        long_run=long_run,
    )


@dataclass(frozen=True)
class Seed002Report:
    """Seed 002's one-student step recomputed.

    Attributes
    ----------
    grad_pass : GradientPass
    new_w : ndarray of shape (2,)
    new_b : float
    comparison : DataFrame
        Columns quantity, seed prints, exact, and what the seed's rounding gives
        (the error rounded to -0.67 first, as the seed does).
    """

    grad_pass: GradientPass
    new_w: np.ndarray
    new_b: float
    comparison: pd.DataFrame


def seed_002_report() -> Seed002Report:
    """Recompute seed 002's step and show where its rounded figures come from."""
    X = np.array([SEED_002_X])
    y = np.array([SEED_002_Y])
    w_new, b_new, grad = step(X, y, SEED_002_W, SEED_002_B, SEED_002_RATE)
    printed = SEED_002_PRINTED
    rounded_error = round(float(grad.error[0]), 2)  # the seed carries -0.67 forward
    rows = [
        ("z", printed["z"], grad.z[0], grad.z[0]),
        ("e^0.7", printed["e^0.7"], np.exp(0.7), np.exp(0.7)),
        ("p", printed["p"], grad.p[0], round(float(grad.p[0]), 2)),
        ("p - y", printed["p - y"], grad.error[0], rounded_error),
        ("dw1", printed["dw1"], grad.dw[0], rounded_error * SEED_002_X[0]),
        ("dw2", printed["dw2"], grad.dw[1], rounded_error * SEED_002_X[1]),
        ("db", printed["db"], grad.db, rounded_error),
        ("new w1", printed["new w1"], w_new[0],
         SEED_002_W[0] - SEED_002_RATE * rounded_error * SEED_002_X[0]),
        ("new w2", printed["new w2"], w_new[1],
         SEED_002_W[1] - SEED_002_RATE * rounded_error * SEED_002_X[1]),
        ("new b", np.nan, b_new, SEED_002_B - SEED_002_RATE * rounded_error),  # not given
    ]
    comparison = pd.DataFrame(
        rows, columns=["quantity", "seed prints", "exact", "with p - y rounded to 2 places"]
    )
    return Seed002Report(grad_pass=grad, new_w=w_new, new_b=float(b_new), comparison=comparison)



#: Seed 003 (`003_10219bb0216d827c.txt`): the bugs of its per-sample loop, each a switch here.
SEED_003_BUGS = {
    "same_sample": "every pass reads the same x and y (sample 1) instead of sample i",
    "accumulated_error": "the error dz is added up over the samples (dz += a - y) instead of "
                         "computed afresh for each (dz = a - y)",
    "same_feature": "both weight gradients use the same feature (x[1], the second one)",
    "bias_not_averaged": "the bias gradient db is never divided by m",
    "bias_self_update": "the bias is updated with itself (b - alpha * b), not with db",
}


def seed_003_step(X, y, w, b, learning_rate: float, bugs=frozenset()):
    """One step of seed 003's per-sample loop, with any of its bugs switched on.

    With ``bugs`` empty this is the correct loop (the same maths as `loop_gradients`
    followed by an update). Each name in `SEED_003_BUGS` turns one bug on.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float
    learning_rate : float
    bugs : collection of str

    Returns
    -------
    w_new : list of float
    b_new : float
    J : float
        The mean loss as this loop reports it (at the old w, b).
    """
    unknown = set(bugs) - set(SEED_003_BUGS)
    if unknown:
        raise ValueError(f"unknown bug(s): {sorted(unknown)}")
    X = np.asarray(X, dtype=float).tolist()
    y = np.asarray(y, dtype=float).tolist()
    w = np.asarray(w, dtype=float).tolist()
    m, n_features = len(X), len(w)

    J, dw, db, dz = 0.0, [0.0] * n_features, 0.0, 0.0
    for i in range(m):
        x_i, y_i = (X[0], y[0]) if "same_sample" in bugs else (X[i], y[i])
        z = b + sum(w[j] * x_i[j] for j in range(n_features))
        a = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        J += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y_i * z  # log(1 + e^z) - y z
        if "accumulated_error" in bugs:
            dz += a - y_i
        else:
            dz = a - y_i
        for j in range(n_features):
            feature = min(1, n_features - 1) if "same_feature" in bugs else j
            dw[j] += x_i[feature] * dz
        db += dz
    J /= m
    dw = [d / m for d in dw]
    if "bias_not_averaged" not in bugs:
        db /= m
    w_new = [w[j] - learning_rate * dw[j] for j in range(n_features)]
    b_new = b - learning_rate * (b if "bias_self_update" in bugs else db)
    return w_new, b_new, J


@dataclass(frozen=True)
class TrialRun:
    """Seed 003's loop run for many steps.

    Attributes
    ----------
    bugs : frozenset of str
    weights : ndarray of shape (steps + 1, n_features)
    bias : ndarray of shape (steps + 1,)
    loss : ndarray of shape (steps + 1,)
        The true mean loss of each state (computed by the core, not by the loop).
    reported : ndarray of shape (steps,)
        The loss the loop itself reports at each step.
    stopped_at : int or None
        Step at which the numbers overflowed (the run is cut there).
    """

    bugs: frozenset
    weights: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    reported: np.ndarray
    stopped_at: int | None


def seed_003_run(X, y, w0, b0: float, learning_rate: float, steps: int,
                 bugs=frozenset()) -> TrialRun:
    """Repeat `seed_003_step`, recording each state and its true loss."""
    X, y = check_data(X, y)
    w, b = list(np.asarray(w0, dtype=float)), float(b0)
    weights, bias, loss, reported = [list(w)], [b], [mean_loss(X, y, w, b)], []
    stopped_at = None
    for t in range(steps):
        try:
            w, b, J = seed_003_step(X, y, w, b, learning_rate, bugs)
            current = mean_loss(X, y, w, b)
        except (OverflowError, LogRegInputError):
            stopped_at = t + 1
            break
        weights.append(list(w))
        bias.append(b)
        loss.append(current)
        reported.append(J)
    return TrialRun(frozenset(bugs), np.array(weights), np.array(bias), np.array(loss),
                    np.array(reported), stopped_at)


def numpy_zeros_error() -> str:
    """What numpy says to seed 003's vectorized ``w = np.zeros(n_x, 1)``, run for real."""
    n_x = 2
    try:
        np.zeros(n_x, 1)
    except TypeError as error:
        return f"TypeError: {error}"
    return "no error"  # a numpy that accepted it would show here
