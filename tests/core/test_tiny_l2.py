"""A tiny L2 strength: with λ > 0 and both labels the loss always has a best fit, and nothing
says otherwise, even where double precision cannot reach it.

Found by a walk: ``?data=five_points&l2=5e-324&lr=10`` read "there is no best fit to overshoot:
in the long run the loss falls towards 0". At λ = 5e-324 the best fit is at w = 1471.07,
b = -5148.76 with loss 5.4e-318 (a 60-digit damped Newton's method below), a subnormal double,
which Newton's method in double precision does not reach; the limits then took the data's
separability without L2 for "no best fit". The references here are written out with mpmath
or numpy in the test, never the code under test.
"""

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import load_dataset, train
from logreg_core.limits import learning_rate_limits

SMALLEST_NORMAL = 2.2250738585072014e-308


def mp_best_fit(x, y, lam, iters=3000):
    """The best fit of one feature at L2 strength ``lam`` by damped Newton's method in 60
    digits, from w = b = 0: (w, b, loss)."""
    with mp.workdps(60):
        lam, n = mp.mpf(lam), len(x)
        xs = [mp.mpf(float(v)) for v in x]
        s = [1 if v == 0 else -1 for v in y]  # +1 where a positive logit is the wrong side

        def parts(w, b):
            J = gw = gb = hww = hwb = hbb = mp.mpf(0)
            for xi, si in zip(xs, s, strict=True):
                u = si * (w * xi + b)
                J += mp.log1p(mp.exp(u))
                sig = 1 / (1 + mp.exp(-u))
                gw, gb = gw + si * sig * xi, gb + si * sig
                c = sig * (1 - sig)
                hww, hwb, hbb = hww + c * xi * xi, hwb + c * xi, hbb + c
            return (J / n + lam * w * w / 2, gw / n + lam * w, gb / n, hww / n + lam,
                    hwb / n, hbb / n)

        w = b = mp.mpf(0)
        for _ in range(iters):
            J, gw, gb, hww, hwb, hbb = parts(w, b)
            det = hww * hbb - hwb * hwb
            dw, db = (hbb * gw - hwb * gb) / det, (hww * gb - hwb * gw) / det
            t = mp.mpf(1)
            while parts(w - t * dw, b - t * db)[0] > J and t > mp.mpf(2) ** -60:
                t /= 2
            w, b = w - t * dw, b - t * db
            if abs(t * dw) < mp.mpf(10) ** -40 * (1 + abs(w)):
                break
        return float(w), float(b), parts(w, b)[0]


@pytest.fixture(scope="module")
def five():
    data = load_dataset("five_points")
    return data.X, data.y


def test_at_the_smallest_double_the_best_fit_exists_and_is_said_to(five):
    X, y = five
    w, b, loss = mp_best_fit(X[:, 0], y, 5e-324)
    # finite, within the bound the sentence gives, and its loss below the smallest normal
    # double: why double precision's Newton's method does not reach it
    assert w == pytest.approx(1471.07, abs=0.01) and b == pytest.approx(-5148.76, abs=0.01)
    assert 0 < loss < SMALLEST_NORMAL
    radius = math.sqrt(2 * math.log(2)) / math.sqrt(5e-324)  # by hand: λ/2 r² = ln 2
    assert abs(w) < radius
    limits = learning_rate_limits(X, y, 5e-324)
    assert not limits.no_optimum and limits.local is None
    assert limits.reason.startswith("A best fit exists, but it could not be computed")
    assert f"√(2 ln 2/λ) = {radius:.4g}" in limits.reason
    assert "no finite best fit" not in limits.reason.lower()
    words = train(X, y, learning_rate=10, steps=200, l2=5e-324, limits=limits).verdict.describe()
    assert "no best fit" not in words and "falls towards 0" not in words, words


@settings(max_examples=25, deadline=None)
@given(exponent=st.floats(-300, 2), standardize=st.booleans())
def test_every_lambda_from_1e_300_up_has_its_best_fit_computed(five, exponent, standardize):
    """The L2 strengths the page takes (0, or 1e-300 to 100): on the 5 points, raw or
    standardized, the limits find the best fit, whose loss matches 60-digit Newton's method's
    and whose gradient, written out here, vanishes against the size of its terms."""
    X, y = five
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    lam = min(10.0 ** exponent, 100.0)
    limits = learning_rate_limits(X, y, lam)
    assert limits.local is not None and not limits.no_optimum, limits.reason
    _, _, loss = mp_best_fit(X[:, 0], y, lam)
    assert limits.optimum_loss == pytest.approx(float(loss), rel=1e-6)
    w, b = limits.optimum[0], limits.optimum[1]
    s = 2 * y - 1
    error = -s * np.exp(-np.logaddexp(0, s * (w * X[:, 0] + b)))  # p - y, no cancellation
    assert abs(np.mean(error * X[:, 0]) + lam * w) <= (
        1e-6 * (np.mean(np.abs(error * X[:, 0])) + abs(lam * w)) + 1e-300)
    assert abs(np.mean(error)) <= 1e-6 * np.mean(np.abs(error)) + 1e-300
