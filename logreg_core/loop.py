"""The gradient of logistic regression one sample at a time, as it is taught: a loop."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["loop_gradients"]


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
