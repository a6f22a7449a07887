"""The source documents' own figures, set beside the exact ones the core computes.

The constants below are what the documents print (quoted figures, not results): they exist so
the dashboard can show each claim next to the computed value and say where they part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .exact import ExactFit, fit_exact
from .maths import GradientPass, step
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

