"""Which samples lie on every splitting line, and the floor of the loss (`separation`), each
against an independent reference: scipy's linprog for the split, scipy's BFGS for the floor
and a large-weight sequence beside it, finite differences for the curvature there."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize
from scipy.special import log_expit

from logreg_core import fit_exact
from logreg_core.separation import separation


def signed_rows(X, y):
    return np.column_stack([X, np.ones(len(X))]) * (2 * np.asarray(y) - 1)[:, None]


def lp_split(X, y):
    """By linear programming: maximize sum t subject to Z d >= t, 0 <= t <= 1. Its optimum
    is 1 exactly on the samples some direction hurting no sample puts strictly on their side
    (I+), and 0 on those on every splitting line; also returns that d."""
    Z = signed_rows(X, y)
    n, dim = Z.shape
    result = linprog(np.r_[np.zeros(dim), -np.ones(n)],
                     A_ub=np.hstack([-Z, np.eye(n)]), b_ub=np.zeros(n),
                     bounds=[(None, None)] * dim + [(0, 1)] * n, method="highs")
    assert result.status == 0, result.message
    t = result.x[dim:]
    assert np.all((t < 1e-7) | (t > 1 - 1e-7)), t
    return t < 0.5, result.x[:dim]


def mean_loss(Z, theta, n):
    return float(-np.sum(log_expit(Z @ theta)) / n)


def scipy_floor(X, y, on_line):
    """The least loss of the samples on every line (over all n), by BFGS from 0, and where."""
    Z = signed_rows(X, y)[on_line]
    n = len(y)
    result = minimize(lambda t: mean_loss(Z, t, n), np.zeros(Z.shape[1]),
                      jac=lambda t: -Z.T @ (1 - np.exp(log_expit(Z @ t))) / n,
                      method="BFGS", options={"gtol": 1e-13, "maxiter": 10_000})
    return result.fun, result.x


def hessian_top_by_differences(X, y, on_line, theta, h=1e-5):
    Z = signed_rows(X, y)[on_line]
    n = len(y)
    grad = lambda t: -Z.T @ (1 - np.exp(log_expit(Z @ t))) / n  # noqa: E731
    columns = [(grad(theta + h * e) - grad(theta - h * e)) / (2 * h)
               for e in np.eye(len(theta))]
    H = np.array(columns)
    return float(np.linalg.eigvalsh((H + H.T) / 2)[-1])


def test_the_review_upload_two_samples_on_every_line():
    """x = 1, 2, 2, 3 with labels 0, 0, 1, 1: the two samples at x = 2 lie on every line
    that splits the classes; by hand softplus(z) + softplus(-z) >= 2 ln 2, so the floor is
    2 ln 2 / 4 = 0.3466, and the curvature of their loss at z = 0 along (w, b) = (2, 1)
    gives μ0* = 2 (1/4)(2² + 1²)/4 = 5/8, 2/μ0* = 3.2."""
    X, y = np.array([[1.0], [2.0], [2.0], [3.0]]), np.array([0.0, 0.0, 1.0, 1.0])
    found = separation(X, y)
    assert found.kind == "quasi"
    assert found.on_every_line.tolist() == [False, True, True, False]
    assert found.floor == pytest.approx(2 * math.log(2) / 4, rel=1e-14)
    assert found.floor_mu_max == pytest.approx(5 / 8, rel=1e-12)


@pytest.mark.parametrize("X, y, kind", [
    ([[1.0], [2.0], [3.0], [4.0], [5.0]], [0, 0, 0, 1, 1], "strict"),
    ([[1.0], [2.0]], [1, 1], "strict"),  # one label: the bias alone runs off
    ([[-1.0], [1.0], [-1.0], [1.0]], [0, 0, 1, 1], "overlap"),
    # a 2-D square's corner duplicated with the other label: on every line that splits
    ([[0, 0], [1, 0], [0, 1], [1, 1], [1, 1]], [0, 0, 0, 1, 0], "quasi"),
    # three points on the line x1 = 1 with mixed labels, and clear ones on either side
    ([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1]], [0, 0, 1, 0, 1, 1, 1], "quasi"),
])
def test_hand_made_cases(X, y, kind):
    X, y = np.array(X, dtype=float), np.array(y, dtype=float)
    found = separation(X, y)
    assert found.kind == kind
    on_line, _ = lp_split(X, y)
    assert found.on_every_line.tolist() == on_line.tolist()


small_data = st.integers(1, 2).flatmap(lambda d: st.lists(
    st.tuples(st.lists(st.integers(-2, 2), min_size=d, max_size=d), st.integers(0, 1)),
    min_size=2, max_size=9))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_data, st.booleans())
def test_separation_agrees_with_linear_programming_and_the_floor_with_bfgs(rows, twin):
    """Small integer data sets, many with repeated points or points on a line; ``twin``
    repeats the first point with the other label (then it and its twin lie on every line)."""
    if twin:
        rows = [*rows, (rows[0][0], 1 - rows[0][1])]
    X = np.array([r[0] for r in rows], dtype=float)
    y = np.array([r[1] for r in rows], dtype=float)
    found = separation(X, y)
    on_line, direction = lp_split(X, y)
    assert found.on_every_line.tolist() == on_line.tolist()
    event(found.kind)  # (150 examples: about 30 strict, 50 quasi, 70 overlapping)
    n, Z = len(y), signed_rows(X, y)
    fit = fit_exact(X, y)
    # Newton's method says there is no best fit exactly where some sample is off the line,
    # and that samples lie on it exactly where some do
    assert fit.separable == (not on_line.all())
    if fit.separable and len(set(y)) == 2:
        assert ("exactly on it" in fit.reason) == on_line.any(), fit.reason
    if not on_line.any():
        assert found.floor == 0.0
        return
    reference, theta = scipy_floor(X, y, on_line)
    assert found.floor == pytest.approx(reference, rel=1e-9, abs=1e-15)
    # the floor is the infimum: reached along theta + t d, never beaten by BFGS on all samples
    assert mean_loss(Z, theta + 60 * direction, n) == pytest.approx(reference, rel=1e-12)
    everything = minimize(lambda t: mean_loss(Z, t, n), np.zeros(Z.shape[1]), method="BFGS")
    assert everything.fun >= found.floor * (1 - 1e-12)
    assert found.floor_mu_max == pytest.approx(
        hessian_top_by_differences(X, y, on_line, found.floor_theta), rel=1e-6, abs=1e-12)
