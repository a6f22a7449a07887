"""The gradient check at large parameters: a nudge t + m h is stored as the nearest double,
and the check runs with an allowance for that rounding unless a nudge is really lost.

Every fact is recomputed here by another road: the stored nudges' errors in exact rational
arithmetic (`fractions.Fraction` of the doubles), and the stencil at the stored and at the
exact nudges, and the derivative itself, in mpmath at 50 digits.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import checks, load_dataset, train
from logreg_core.checks import NUDGE_LIMIT
from logreg_core.maths import STENCIL, numerical_gradient

#: The breast-cancer run of the walk: raw features, η = 1000, cut at 12,916 steps by the page.
WALK = {"learning_rate": 1000.0, "steps": 12_916}


def exact_nudge_errors(theta, steps) -> np.ndarray:
    """Per parameter, max over the stencil's m of |fl(t + m h) - t - m h| / (|m| h), in exact
    rational arithmetic on the doubles (the sum t + m h rounded by Python's float add, as
    numpy does)."""
    out = []
    for t, h in zip(theta, steps, strict=True):
        worst = Fraction(0)
        for m in STENCIL:
            stored = float(t) + m * float(h)
            if not np.isfinite(stored):
                worst = None
                break
            off = Fraction(stored) - Fraction(float(t)) - m * Fraction(float(h))
            worst = max(worst, abs(off) / (abs(m) * Fraction(float(h))))
        out.append(np.inf if worst is None else float(worst))
    return np.array(out)


def mp_loss(X, y, theta, l2=0.0):
    """J(theta) in mpmath from the doubles, exactly as defined: mean softplus of -s z."""
    n = len(y)
    total = mpmath.mpf(0)
    for row, label in zip(X, y, strict=True):
        z = sum(mpmath.mpf(float(x)) * t for x, t in zip(row, theta[:-1], strict=True))
        z += theta[-1]
        total += mpmath.log1p(mpmath.exp(-z)) if label == 1 else mpmath.log1p(mpmath.exp(z))
    return total / n + mpmath.mpf(l2) / 2 * sum(t * t for t in theta[:-1])


def mp_derivative(X, y, theta, k, l2=0.0):
    """dJ/dtheta_k in mpmath: mean((sigma(z) - y) x_k) (+ l2 w_k)."""
    total = mpmath.mpf(0)
    for row, label in zip(X, y, strict=True):
        z = sum(mpmath.mpf(float(x)) * t for x, t in zip(row, theta[:-1], strict=True))
        z += theta[-1]
        xk = mpmath.mpf(float(row[k])) if k < len(row) else mpmath.mpf(1)
        total += (1 / (1 + mpmath.exp(-z)) - label) * xk
    return total / len(y) + (mpmath.mpf(l2) * theta[k] if k < len(theta) - 1 else 0)


def stencil_gap(X, y, theta, steps, k, l2=0.0):
    """|stencil at the stored nudges - stencil at the exact nudges| / 12 h, in mpmath: what
    the nudges' rounding alone does to the central difference of parameter k."""
    h = mpmath.mpf(float(steps[k]))
    base = [mpmath.mpf(float(t)) for t in theta]
    gap = mpmath.mpf(0)
    for m, c in STENCIL.items():
        stored, exact = list(base), list(base)
        stored[k] = mpmath.mpf(float(theta[k]) + m * float(steps[k]))
        exact[k] = base[k] + m * h
        gap += c * (mp_loss(X, y, stored, l2) - mp_loss(X, y, exact, l2))
    return abs(gap) / (12 * h)


def walk_state():
    data = load_dataset("breast_cancer")
    history = train(data.X, data.y, **WALK)
    k = history.steps_run
    return data, history.weights[k], float(history.bias[k])


def test_the_walks_large_parameters_are_checked_and_pass():
    """Found by a walk: at parameters up to 3.07e6 the page refused the check ("a nudge of h ≈
    2.4e-07 is lost"), though the worst stored nudge is within 1.3e-4 of its size (exact
    rationals) and the central difference matches the analytic gradient."""
    mpmath.mp.dps = 50
    data, w, b = walk_state()
    theta = np.append(w, b)
    assert np.abs(theta).max() > 3e6
    check = checks.gradient_check(data.X, data.y, w, b)
    exact = exact_nudge_errors(theta, check.steps)
    np.testing.assert_allclose(check.nudge_error, exact, rtol=1e-12, atol=0)
    assert 1e-4 < exact.max() < NUDGE_LIMIT  # rounded, far from lost
    assert check.checked and check.passed.all()
    worst = int(np.argmax(exact))
    assert data.feature_names[worst] == "worst_area"
    # what the nudges' rounding does to the difference (mpmath) is within their allowance,
    # and the float central difference is within the whole allowance of the exact slope
    mp_theta = [mpmath.mpf(float(t)) for t in theta]
    for k in {worst, int(np.argmax(np.abs(theta)))}:
        assert stencil_gap(data.X, data.y, theta, check.steps, k) <= check.nudge_atol[k]
        slope = mp_derivative(data.X, data.y, mp_theta, k)
        assert abs(check.numeric[k] - slope) <= check.allowed[k]
        assert abs(check.analytic[k] - slope) <= 1e-9 * abs(slope)


@pytest.mark.parametrize("w", [-2.99e149, 1e12])
def test_a_nudge_really_lost_is_refused(five_points, w):
    """At w = -3e149, w + h is w; at 1e12 the spacing of doubles (1.2e-4) is most of h = 2e-4:
    by exact rationals the stored nudges are off by more than NUDGE_LIMIT, and nothing is
    checked."""
    X, y = five_points
    check = checks.gradient_check(X, y, [w], 0.0, l2=100.0)
    exact = exact_nudge_errors([w, 0.0], check.steps)
    assert exact[0] > NUDGE_LIMIT and check.nudge_error[0] == pytest.approx(exact[0])
    assert check.finite and not check.resolved and not check.passed.any()


DATA = {name: load_dataset(name) for name in ("five_points", "wikipedia_students", "student")}


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(DATA)), l2=st.sampled_from([0.0, 0.1]),
       exponents=st.lists(st.floats(-3, 17), min_size=3, max_size=3),
       signs=st.lists(st.sampled_from([-1.0, 1.0]), min_size=3, max_size=3),
       mantissas=st.lists(st.floats(1, 9.99), min_size=3, max_size=3))
def test_at_any_parameter_size_the_check_refuses_only_a_lost_nudge(name, l2, exponents, signs,
                                                                   mantissas):
    """At parameters of any size from 1e-3 to 1e18: the check's nudge errors are the exact
    ones (rationals); it runs exactly where every one is within NUDGE_LIMIT; and where it
    runs, the correct gradient passes, the nudges' rounding moves the stencil (mpmath) by no
    more than their allowance, and the float difference is within the allowance of the exact
    slope (mpmath)."""
    mpmath.mp.dps = 50
    data = DATA[name]
    n = data.X.shape[1] + 1
    theta = np.array([s * m * 10.0**e for s, m, e in zip(signs, mantissas, exponents,
                                                          strict=True)][:n])
    w, b = theta[:-1], float(theta[-1])
    check = checks.gradient_check(data.X, data.y, w, b, l2)
    steps = numerical_gradient(data.X, data.y, w, b, l2)[2]
    exact = exact_nudge_errors(theta, steps)
    np.testing.assert_allclose(check.nudge_error, exact, rtol=1e-9, atol=1e-15)
    assert check.resolved == bool(np.all(exact <= NUDGE_LIMIT))
    if not check.checked:
        assert not check.passed.any()
        return
    assert check.passed.all(), (np.abs(check.difference) / check.allowed).max()
    mp_theta = [mpmath.mpf(float(t)) for t in theta]
    for k in range(n):
        assert stencil_gap(data.X, data.y, theta, steps, k, l2) <= check.nudge_atol[k]
        slope = mp_derivative(data.X, data.y, mp_theta, k, l2)
        assert abs(check.numeric[k] - slope) <= check.allowed[k]
