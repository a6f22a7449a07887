"""Benchmark group ``core``: `train` and `learning_rate_sweep` against plain baselines.

Pairs
-----
1. ``train`` keeping its full history vs `bare_descent` (the same maths, nothing kept) on the
   5-point data, 20,000 steps at learning rate 0.1; target ratio <= 1.3.
2. The same on the standardized breast-cancer data, 2,000 steps at 0.1; target <= 1.15.
3. ``learning_rate_sweep`` over 32 rates ``logspace(-4, 1)`` x 1,000 steps vs 32 separate
   ``train`` calls, breast cancer standardized; target <= 0.25.
4. The same with 50 rates x 2,000 steps; target <= 0.25.

Each pair also checks, on its untimed warm-up results, that both sides computed the same thing:
equal final weights and bias for 1-2, equal final losses for 3-4.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from logreg_core import History, Standardizer, Sweep, learning_rate_sweep, load_dataset, train

from . import Check, Group, Pair

#: The 5-point example, as in ``data/five_points.csv``.
FIVE_X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
FIVE_Y = np.array([0.0, 0.0, 0.0, 1.0, 1.0])

LEARNING_RATE = 0.1


def bare_descent(
    X: np.ndarray, y: np.ndarray, learning_rate: float, steps: int
) -> tuple[np.ndarray, float]:
    """Baseline: full-batch gradient descent for logistic regression as a bare numpy loop.

    This is the reference `train` is timed against. It does the same maths per step (logits,
    stable sign-split sigmoid, mean cross-entropy loss, gradient, update) in plain readable
    numpy, but keeps nothing: no history, no input checks, no overflow detection. The loss is
    computed every step, as `train` does, and then thrown away.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), float64 labels 0/1
    learning_rate : float
    steps : int

    Returns
    -------
    w : ndarray of shape (n_features,)
        Final weights (starting from zeros).
    b : float
        Final bias (starting from 0).
    """
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(steps):
        z = X @ w + b
        e = np.exp(-np.abs(z))  # exp(-|z|) never overflows
        p = np.where(z >= 0, 1.0, e) / (1.0 + e)  # 1/(1+e^-z) for z >= 0, e^z/(1+e^z) below
        _loss = np.mean(np.logaddexp(0.0, z) - y * z)  # computed as train does, then dropped
        err = p - y
        dw = X.T @ err / n
        db = err.mean()
        w -= learning_rate * dw
        b -= learning_rate * db
    return w, float(b)


def separate_trains(
    X: np.ndarray, y: np.ndarray, learning_rates: np.ndarray, steps: int
) -> list[History]:
    """Baseline for the sweep: one `train` call per learning rate."""
    return [train(X, y, learning_rate=float(r), steps=steps) for r in learning_rates]


def _same_final_parameters(
    name: str,
) -> Callable[[tuple[np.ndarray, float], History], Check]:
    """Agreement check: `bare_descent` and `train` end at the same (w, b)."""

    def agree(bare: tuple[np.ndarray, float], history: History) -> Check:
        w, b = bare
        w_train, b_train = history.weights[-1], float(history.bias[-1])
        ok = bool(np.allclose(w, w_train) and np.isclose(b, b_train))
        gap = max(float(np.max(np.abs(w - w_train))), abs(b - b_train))
        return Check(
            f"{name}: final (w, b), bare loop vs train",
            ok,
            f"np.allclose {ok}, max abs diff {gap:.1e}",
        )

    return agree


def _same_final_losses(name: str) -> Callable[[list[History], Sweep], Check]:
    """Agreement check: each sweep row ends at the loss its separate `train` call ends at."""

    def agree(histories: list[History], sweep: Sweep) -> Check:
        separate = np.array([h.loss[-1] for h in histories])
        ok = bool(np.allclose(sweep.final_loss, separate, rtol=1e-9, atol=0.0))
        rel = float(np.max(np.abs(sweep.final_loss - separate) / np.abs(separate)))
        return Check(
            f"{name}: final losses, sweep vs separate trains",
            ok,
            f"np.allclose(rtol=1e-9) {ok}, max rel diff {rel:.1e}",
        )

    return agree


def prepare() -> list[Pair]:
    """Load the data and build the four pairs of this group."""
    data = load_dataset("breast_cancer")
    Xs = Standardizer.fit(data.X).transform(data.X)
    Xs = np.ascontiguousarray(Xs, dtype=float)
    ys = np.asarray(data.y, dtype=float)
    rates_32 = np.logspace(-4, 1, 32)
    rates_50 = np.logspace(-4, 1, 50)

    return [
        Pair(
            name="train vs bare loop, 5 points, 20k steps",
            baseline=lambda: bare_descent(FIVE_X, FIVE_Y, LEARNING_RATE, 20_000),
            measured=lambda: train(FIVE_X, FIVE_Y, learning_rate=LEARNING_RATE, steps=20_000),
            target=1.3,
            agree=_same_final_parameters("5 points, 20k steps"),
        ),
        Pair(
            name="train vs bare loop, breast cancer, 2k steps",
            baseline=lambda: bare_descent(Xs, ys, LEARNING_RATE, 2_000),
            measured=lambda: train(Xs, ys, learning_rate=LEARNING_RATE, steps=2_000),
            target=1.15,
            agree=_same_final_parameters("breast cancer, 2k steps"),
        ),
        Pair(
            name="sweep vs 32 trains, 1k steps",
            baseline=lambda: separate_trains(Xs, ys, rates_32, 1_000),
            measured=lambda: learning_rate_sweep(Xs, ys, rates_32, 1_000),
            target=0.25,
            agree=_same_final_losses("32 rates x 1k steps"),
        ),
        Pair(
            name="sweep vs 50 trains, 2k steps",
            baseline=lambda: separate_trains(Xs, ys, rates_50, 2_000),
            measured=lambda: learning_rate_sweep(Xs, ys, rates_50, 2_000),
            target=0.25,
            agree=_same_final_losses("50 rates x 2k steps"),
        ),
    ]


GROUP = Group(
    name="core",
    description="logreg_core: train and learning_rate_sweep against plain baselines",
    prepare=prepare,
)
