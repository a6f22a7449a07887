r"""What one step of gradient descent shows, parameter by parameter and sample by sample.

The page's update table and formulas, and the first screen's update line, show the step from
the pass at (w, b): each parameter's gradient, its change and its new value, and the sums
over the samples whose means the gradient is. They are computed here, once, from a
`GradientPass`, so that every number shown comes from the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


class GradientPass(Protocol):
    """The fields of `logreg_core.maths.GradientPass` read here (maths imports this module:
    a protocol, not an import, keeps the import graph one-way)."""

    sample_loss: np.ndarray
    error: np.ndarray
    error_x: np.ndarray
    dw: np.ndarray
    db: float


@dataclass(frozen=True)
class Update:
    r"""One step of plain gradient descent on :math:`\theta = [w_1, \dots, w_d, b]`.

    .. math:: \theta' = \theta - \eta\, \nabla J(\theta)

    Attributes
    ----------
    old : ndarray of shape (n_features + 1,)
        ``[w, b]`` before the step.
    gradient : ndarray of shape (n_features + 1,)
        ``[dw, db]`` of the pass at ``old``.
    change : ndarray of shape (n_features + 1,)
        ``-learning_rate * gradient``.
    new : ndarray of shape (n_features + 1,)
        ``old - learning_rate * gradient``: what `logreg_core.step` and the training loop
        reach, bit for bit.
    """

    old: np.ndarray
    gradient: np.ndarray
    change: np.ndarray
    new: np.ndarray

    @property
    def new_w(self) -> np.ndarray:
        """The weights after the step, shape (n_features,)."""
        return self.new[:-1]

    @property
    def new_b(self) -> float:
        return float(self.new[-1])


def gradient_update(w, b: float, grad_pass: GradientPass, learning_rate: float) -> Update:
    """The step from (w, b) at this rate, with the gradient of ``grad_pass`` (the pass at
    (w, b)).

    Parameters
    ----------
    w : array-like of shape (n_features,)
    b : float
    grad_pass : GradientPass
    learning_rate : float

    Returns
    -------
    Update
    """
    old = np.append(np.asarray(w, dtype=float), float(b))
    gradient = np.append(grad_pass.dw, grad_pass.db)
    return Update(old, gradient, -learning_rate * gradient, old - learning_rate * gradient)


def sample_totals(grad_pass: GradientPass) -> tuple[np.ndarray, np.ndarray]:
    r"""Sums and means over the samples of the loss, the error and the error times each
    feature: the means are the data part of J, ``db`` and each ``dw_j``.

    .. math:: \frac{1}{n}\sum_i \ell_i, \quad \frac{1}{n}\sum_i (p_i - y_i), \quad
              \frac{1}{n}\sum_i (p_i - y_i)\, x_{ij}

    Each column is summed on its own (numpy's pairwise sum).

    Parameters
    ----------
    grad_pass : GradientPass

    Returns
    -------
    sums, means : ndarray of shape (n_features + 2,)
        In the order loss, error, then error times each feature.
    """
    per_sample = np.vstack([grad_pass.sample_loss, grad_pass.error, grad_pass.error_x.T])
    sums = per_sample.sum(axis=1)
    return sums, sums / per_sample.shape[1]
