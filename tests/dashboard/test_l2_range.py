"""The L2 strengths the page takes: 0, or `fields.L2_MIN` (1e-300) to `fields.L2_MAX`.

Below 1e-300 a link's value is refused with a notice naming the value used, and every value
taken has its best fit computed on every built-in data set (the two-label ones; the one
student has a single label, so its unpenalized bias runs off). Found by a walk:
``?data=five_points&l2=5e-324&lr=10`` said "there is no best fit to overshoot" (see
tests/core/test_tiny_l2.py for why, and for the best fit there).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logreg_core as lc
from dashboard import fields
from logreg_core.limits import learning_rate_limits
from tests.app.helpers import plain


@settings(max_examples=60, deadline=None)
@given(l2=st.floats(5e-324, fields.L2_MIN, exclude_max=True))
def test_a_link_below_the_smallest_l2_is_refused_with_a_notice(l2):
    raw = repr(l2)
    restored, (notice,) = fields.from_query({"l2": raw, "lr": "10"})
    assert restored.l2 == 0.0 and restored.learning_rate == 10
    assert plain(notice) == (f"Ignored link parameter **l2** = “{raw}”: expected 0, or a number "
                             "from 1e-300 to 100; using 0.")


@pytest.mark.parametrize("l2", [0.0, fields.L2_MIN, math.nextafter(fields.L2_MIN, 1.0), 1e-299,
                                0.1, fields.L2_MAX])
def test_zero_and_every_strength_from_the_smallest_up_are_taken(l2):
    restored, notices = fields.from_query({"l2": repr(l2)})
    assert notices == [] and restored.l2 == l2
    assert fields.from_query(fields.to_query(restored)) == (restored, [])


def standardized(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


#: Every built-in data set, raw and standardized where it can be (a constant feature cannot:
#: the one student's, as the page says).
SCALINGS = [(name, standardize) for name in sorted(lc.DATASETS) for standardize in (False, True)
            if not (standardize and np.any(lc.load_dataset(name).X.std(axis=0) == 0))]


@pytest.mark.parametrize(("name", "standardize"), SCALINGS)
def test_every_built_in_best_fit_is_computed_at_the_smallest_strengths(name, standardize):
    """At 1e-300, the next double up and 1e-299: a best fit is found wherever both labels
    are present (its gradient, written out here, vanishes against its terms' size), and no
    limit says there is none; with one label the limits say why there is none."""
    data = lc.load_dataset(name)
    X, y = data.X, data.y
    if standardize:
        X = standardized(X)
    for l2 in (fields.L2_MIN, math.nextafter(fields.L2_MIN, 1.0), 1e-299):
        limits = learning_rate_limits(X, y, l2)
        if np.all(y == y[0]):
            assert limits.no_optimum and limits.single_label == y[0]
            continue
        assert limits.local is not None and not limits.no_optimum, (name, l2, limits.reason)
        w, b = limits.optimum[:-1], limits.optimum[-1]
        s = 2 * y - 1
        error = -s * np.exp(-np.logaddexp(0, s * (X @ w + b)))  # p - y, no cancellation
        dw = X.T @ error / len(y) + l2 * w
        size = np.abs(X).T @ np.abs(error) / len(y) + np.abs(l2 * w)
        assert np.all(np.abs(dw) <= 1e-6 * size + 1e-300), (name, l2)
        assert abs(np.mean(error)) <= 1e-6 * np.mean(np.abs(error)) + 1e-300
