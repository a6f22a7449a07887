"""Momentum and Nesterov whose swings die out at the best fit are settling, not oscillating
(`verdicts._damped_near`), checked against plain numpy loops and scipy's best fit; Adam's are
not judged so, since it may leave the best fit again.

A walk found iris (standardized, λ = 0.01, η = 1, 200 steps) reading "oscillating" for
momentum, Nesterov and Adam, while their losses were within 1e-10 of the best fit and still
closing in. A review of the first fix found Adam, called settling, leaving: below.
"""

import numpy as np
import pytest
from scipy.optimize import minimize

from logreg_core import Adam, Momentum, Nesterov, load_dataset, train
from logreg_core.limits import learning_rate_limits
from logreg_core.verdicts import classify_run

L2, ETA, BETA, STEPS = 0.01, 1.0, 0.9, 200


def _iris():
    d = load_dataset("iris_petals")
    X = (d.X - d.X.mean(axis=0)) / d.X.std(axis=0)  # population std, as the page standardizes
    return X, d.y.astype(float)


def _loss_grad(X, y, theta):
    """The L2-penalized mean logistic loss and its gradient, by hand."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * L2 * w @ w
    r = 1.0 / (1.0 + np.exp(-z)) - y
    return loss, np.append(X.T @ r / len(y) + L2 * w, r.mean())


def _by_hand(X, y, kind: str) -> np.ndarray:
    theta = np.zeros(X.shape[1] + 1)
    v, m, s = np.zeros_like(theta), np.zeros_like(theta), np.zeros_like(theta)
    out = [_loss_grad(X, y, theta)[0]]
    for t in range(1, STEPS + 1):
        if kind == "momentum":
            v = BETA * v + _loss_grad(X, y, theta)[1]
            theta = theta - ETA * v
        elif kind == "nesterov":
            v = BETA * v + _loss_grad(X, y, theta - ETA * BETA * v)[1]
            theta = theta - ETA * v
        else:  # Adam, beta1 0.9, beta2 0.999, eps 1e-8
            g = _loss_grad(X, y, theta)[1]
            m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
            theta = theta - ETA * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        out.append(_loss_grad(X, y, theta)[0])
    return np.array(out)


@pytest.mark.parametrize("kind, opt", [("momentum", Momentum(ETA, beta=BETA)),
                                       ("nesterov", Nesterov(ETA, beta=BETA))])
def test_swings_that_die_out_at_the_best_fit_are_settling(kind, opt):
    X, y = _iris()
    best = minimize(lambda t: _loss_grad(X, y, t), np.zeros(3), jac=True, method="BFGS",
                    options={"gtol": 1e-12}).fun
    loss = _by_hand(X, y, kind)
    tail = loss[STEPS // 2:]
    ups = np.clip(np.diff(tail), 0, None)
    # independently: it still rises in the tail, every value within 1% of the best fit, the
    # rises of its last quarter far below those of its first, and it ends at the best fit
    assert ups.any() and tail.max() <= 1.01 * best
    assert ups[-len(ups) // 4:].sum() < 0.5 * ups[: len(ups) // 4].sum()
    assert loss[-1] - best < 1e-6 * best
    history = train(X, y, optimizer=opt, steps=STEPS, l2=L2,
                    limits=learning_rate_limits(X, y, L2))
    np.testing.assert_allclose(history.loss, loss, rtol=1e-9)
    v = history.verdict
    assert (v.measured, v.kind, v.kind_words) == ("oscillating", "settling", "settling")
    text = v.describe()
    assert text.startswith("Settling: ") and "without settling" not in text
    assert "within 1% of the best fit" in text and "not yet" not in text


def test_swings_that_do_not_shrink_near_the_best_fit_stay_oscillating():
    """A zig-zag of constant size within 1% of the best fit: no sign of settling."""
    loss = np.r_[1.0, np.tile([0.5, 0.501], 150)]
    v = classify_run(loss, best_loss=0.5)
    assert (v.kind, v.theory) == ("oscillating", "")


def test_damped_swings_far_from_the_best_fit_stay_oscillating():
    """Shrinking swings (towards a zig-zag of 0.01 each way) 20% above the best fit: not
    near it, whatever their rises do."""
    steps = np.arange(400)
    loss = 0.6 + (0.01 + 0.05 * 0.99 ** steps) * (-1) ** steps
    v = classify_run(loss, best_loss=0.5)
    assert v.decay < 0.9  # the rises shrink ...
    assert (v.measured, v.kind, v.theory) == ("oscillating", "oscillating", "")  # ... far out


def test_adam_near_the_best_fit_is_not_called_settling():
    """A review: on the 5 points at λ = 0.01, η = 5 Adam is within 1% of the best fit from
    step 71 to 200 and read "settling"; by hand it leaves the 1% band later and reaches many
    times the best fit's loss (its steps do not shrink with its gradients)."""
    d = load_dataset("five_points")
    X, y = d.X.astype(float), d.y.astype(float)
    best = minimize(lambda t: _loss_grad(X, y, t), np.zeros(2), jac=True, method="BFGS",
                    options={"gtol": 1e-12}).fun
    theta, m, s, losses = np.zeros(2), np.zeros(2), np.zeros(2), []
    for t in range(1, 2001):
        g = _loss_grad(X, y, theta)[1]
        m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g * g
        theta = theta - 5.0 * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        losses.append(_loss_grad(X, y, theta)[0])
    losses = np.array(losses)
    assert losses[99:200].max() <= 1.01 * best  # near it by step 200 ...
    assert losses.max() > 10 * best  # ... and far from it later
    history = train(X, y, optimizer=Adam(5.0), steps=200, l2=L2,
                    limits=learning_rate_limits(X, y, L2))
    assert history.verdict.kind != "settling" and history.verdict.theory != "near_best"
