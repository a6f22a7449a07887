"""The loss landscape: a 100 x 100 grid on the standardized breast-cancer data.

Target in seconds (0.5 s for 100 x 100). The baseline evaluates the same grid one point at a
time through `mean_loss`, the obvious way to write it.
"""

from __future__ import annotations

import numpy as np

from logreg_core import Standardizer, load_dataset, mean_loss, train
from logreg_core.landscape import loss_grid

from . import Check, Group, Pair

GRID = 100


def point_by_point(X, y, w, b, axes, a, c) -> np.ndarray:
    """The baseline: J at every grid point, one `mean_loss` call each."""
    loss = np.empty((len(c), len(a)))
    theta = np.append(w, b)
    for row, cv in enumerate(c):
        for col, av in enumerate(a):
            point = theta.copy()
            point[axes[0]], point[axes[1]] = av, cv
            loss[row, col] = mean_loss(X, y, point[:-1], point[-1])
    return loss


def prepare() -> list[Pair]:
    data = load_dataset("breast_cancer")
    X = Standardizer.fit(data.X).transform(data.X)
    history = train(X, data.y, learning_rate=0.5, steps=200)
    w, b = history.weights[-1], float(history.bias[-1])
    axes, a_range, c_range = (0, 30), (-3.0, 3.0), (-3.0, 3.0)
    a, c = np.linspace(*a_range, GRID), np.linspace(*c_range, GRID)

    def agree(baseline: np.ndarray, measured) -> Check:
        diff = float(np.max(np.abs(baseline - measured.loss) / baseline))
        return Check("100 x 100 grid, point by point vs broadcast", diff < 1e-12,
                     f"max rel diff {diff:.1e}")

    return [Pair(
        "landscape 100 x 100, breast cancer (569 x 30)",
        baseline=lambda: point_by_point(X, data.y, w, b, axes, a, c),
        measured=lambda: loss_grid(X, data.y, w, b, axes, a_range, c_range, GRID),
        target=None, agree=agree, target_seconds=0.5,
    )]


GROUP = Group(
    name="landscape",
    description="the loss landscape grid against a point-by-point loop",
    prepare=prepare,
)
