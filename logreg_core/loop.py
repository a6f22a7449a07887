"""The gradient of logistic regression one sample at a time, as it is taught: a loop."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .maths import loss_and_gradients

__all__ = ["LoopComparison", "compare_loop", "loop_gradients"]


def loop_gradients(X, y, w, b):
    """Mean loss and gradients one sample at a time, in plain Python (no L2).

    The per-sample loop written the way it is usually taught, correctly: each pass reads
    sample i, the error is computed afresh for each sample, weight j uses feature j, and every
    sum is divided by the number of samples. A teaching copy on purpose: it writes the sigmoid
    and the softplus out again, in scalar Python, so that the page can show the loop as a
    student would write it; `LogisticProblem.terms` is its vectorized twin, and a test checks
    that they agree.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float

    Returns
    -------
    loss : float
    dw : list of float, length n_features
    db : float
    """
    X = np.asarray(X, dtype=float).tolist()
    y = np.asarray(y, dtype=float).tolist()
    w = np.asarray(w, dtype=float).tolist()
    n_samples, n_features = len(X), len(w)

    loss, dw, db = 0.0, [0.0] * n_features, 0.0
    for i in range(n_samples):
        z = b
        for j in range(n_features):
            z += w[j] * X[i][j]
        # sigmoid and log(1 + e^z) split on the sign of z, so exp never overflows
        if z >= 0:
            p = 1.0 / (1.0 + math.exp(-z))
            softplus = z + math.log1p(math.exp(-z))
        else:
            p = math.exp(z) / (1.0 + math.exp(z))
            softplus = math.log1p(math.exp(z))
        loss += softplus - y[i] * z
        error = p - y[i]
        for j in range(n_features):
            dw[j] += error * X[i][j]
        db += error

    return loss / n_samples, [d / n_samples for d in dw], db / n_samples


@dataclass(frozen=True)
class LoopComparison:
    """The loop against the vectorized pass at one state (no L2), and why they differ.

    Attributes
    ----------
    loop : tuple of float
        ``(J, dw_1, ..., dw_d, db)`` from `loop_gradients`.
    vectorized : tuple of float
        The same from `maths.loss_and_gradients`.
    difference : float
        The largest ``|loop - vectorized|`` over them.
    relative : float
        The largest ``|loop - vectorized| / |vectorized|`` over them (0 where both are 0,
        inf where only the vectorized one is).
    reordering : bool
        True when every difference is within what adding the same numbers in another order
        can make (each sum's terms are added one by one in the loop and pairwise in numpy):
        ``2 n eps mean|t_i|`` for a mean of terms ``t_i``, plus what the rounding of each
        logit (``delta z_i = 2 (d + 1) eps (|b| + sum_j |w_j x_ij|)``) moves it:
        ``mean(|p_i - y_i| delta z_i)`` for J, ``mean(p_i (1 - p_i) delta z_i |x_ij|)`` for
        dw_j (``|x_ij|`` = 1 for db). False when the loop is off by more: it writes each
        sample's loss as ``log(1 + e^z) - y z`` and its error as ``p - y``, and for a sample
        of class 1 with a large logit each is a difference of two nearly equal numbers
        (``z + log(1 + e^-z) - z`` and ``p - 1`` with p near 1), which loses the digits the
        vectorized pass keeps (it computes both from ``e^{-|z|}``). A sample of class 0 far
        on its side (``z << 0``) loses nothing in the loop: ``log(1 + e^z)`` and ``p`` are
        computed directly.
    largest_z : float
        The largest logit of a sample of class 1 (where the loop cancels); -inf with none.
    """

    loop: tuple[float, ...]
    vectorized: tuple[float, ...]
    difference: float
    relative: float
    reordering: bool
    largest_z: float


def compare_loop(X, y, w, b) -> LoopComparison:
    """`loop_gradients` against `maths.loss_and_gradients` at ``(w, b)``, with no L2.

    Parameters
    ----------
    X, y, w, b : as in `loop_gradients`

    Returns
    -------
    LoopComparison
    """
    loss, dw, db = loop_gradients(X, y, w, b)
    grad = loss_and_gradients(X, y, w, b)
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    n_samples, n_features = X.shape
    eps = np.finfo(float).eps
    looped = np.array([loss, *dw, db])
    plain = np.array([grad.loss, *grad.dw, grad.db])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        delta_z = 2 * (n_features + 1) * eps * (abs(b) + np.abs(X) @ np.abs(w))
        slope = grad.p * (1 - grad.p)
        error = np.abs(grad.error)
        sizes = np.concatenate([[np.mean(grad.sample_loss)],
                                np.mean(np.abs(grad.error_x), axis=0), [np.mean(error)]])
        moved = np.concatenate([[np.mean(error * delta_z)],
                                np.mean((slope * delta_z)[:, None] * np.abs(X), axis=0),
                                [np.mean(slope * delta_z)]])
        allowed = 2 * n_samples * eps * sizes + moved + np.finfo(float).tiny
        apart = np.abs(looped - plain)
        relative = np.where(apart == 0, 0.0, apart / np.abs(plain))
    return LoopComparison(loop=tuple(map(float, looped)), vectorized=tuple(map(float, plain)),
                          difference=float(apart.max()), relative=float(relative.max()),
                          reordering=bool(np.all(apart <= allowed)),
                          largest_z=float(np.max(grad.z[np.asarray(y) == 1],
                                                 initial=-np.inf)))
