"""A run that never moves because the exact gradient is 0 says so, not "in double precision".

`checks.gradient_exactly_zero` decides in rationals; here each answer is recomputed in
mpmath at 4,400 bits, enough to hold every sum of products of doubles exactly (their
exponents span under 2,200 bits each way), with the sigmoid from mpmath's own exp.
"""

import mpmath
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import loss_and_gradients, train
from logreg_core.checks import gradient_exactly_zero

BITS = 4400


def mp_gradient(X, y, w, b, l2=0.0):
    """The exact gradient (dw..., db) at the doubles, in mpmath at `BITS` bits."""
    with mpmath.workprec(BITS):
        n = len(y)
        grad = [mpmath.mpf(0)] * (X.shape[1] + 1)
        for row, label in zip(X, y, strict=True):
            z = sum((mpmath.mpf(float(x)) * mpmath.mpf(float(t)) for x, t in zip(row, w,
                                                                                   strict=True)),
                    mpmath.mpf(float(b)))
            error = 1 / (1 + mpmath.exp(-z)) - mpmath.mpf(float(label))
            for j, x in enumerate([*row, 1.0]):
                grad[j] += error * mpmath.mpf(float(x))
        return [g / n + (mpmath.mpf(float(l2)) * mpmath.mpf(float(w[j])) if j < len(w) else 0)
                for j, g in enumerate(grad)]


LABELS = np.array([0.0, 1.0, 0.0, 1.0])


def test_the_walks_uploads_start_at_an_exact_best_fit():
    """Found by a walk: x = 1, 1, 1, 1 (and -0, 0, -0, 0) with labels 0 1 0 1 read "in double
    precision its parameters never moved from the start: the gradient there computes as 0".
    By hand: z = 0 so p = 0.5, p - y = +-0.5, and mean((p - y) x) = (0.5 - 0.5 + 0.5 - 0.5) x / 4
    = 0 exactly; mpmath agrees to the last of 4,400 bits."""
    for xs in ([1.0, 1.0, 1.0, 1.0], [-0.0, 0.0, -0.0, 0.0]):
        X = np.array(xs)[:, None]
        assert all(g == 0 for g in mp_gradient(X, LABELS, [0.0], 0.0))
        assert gradient_exactly_zero(X, LABELS, [0.0], 0.0) is True
        history = train(X, LABELS, learning_rate=1.0, steps=50)
        verdict = history.verdict
        assert verdict.stopped_moving_at == 0 and verdict.gradient_zero == "exact"
        text = verdict.describe()
        assert ("its parameters never moved from the start, in exact arithmetic too: the "
                "gradient there is exactly 0 (every logit is exactly 0, so every p is exactly "
                "0.5, and the terms of each derivative cancel exactly), so the start is a best "
                "fit (the loss is convex), and the loss stays at 0.6931") in text
        assert "in double precision" not in text and "computes as 0" not in text


def test_a_gradient_that_computes_as_0_but_is_not_keeps_the_double_precision_words():
    """x = 1e-300 (four times, labels 0 1 0 1) from w = 1: z = 1e-300, p rounds to 0.5 and the
    computed gradient is 0 (by hand in numpy), but each term is a normal double (no underflow)
    and the exact dw is mean(sigma(z) - y) x = tanh(z/2)/2 x, about 2.5e-601 (mpmath)."""
    X = np.full((4, 1), 1e-300)
    grad = loss_and_gradients(X, LABELS, [1.0], 0.0)
    p = 1 / (1 + np.exp(-X[:, 0] * 1.0))
    assert np.all(p == 0.5) and np.mean((p - LABELS) * X[:, 0]) == 0
    assert grad.dw[0] == 0 and grad.db == 0 and np.all(np.abs(grad.error_x) > 2.2e-308)
    exact = mp_gradient(X, LABELS, [1.0], 0.0)
    assert exact[0] > 0 and mpmath.almosteq(exact[0], mpmath.mpf("2.5e-601"), 1e-6)
    assert gradient_exactly_zero(X, LABELS, [1.0], 0.0) is False
    history = train(X, LABELS, learning_rate=1.0, steps=50, w0=[1.0])
    assert history.verdict.gradient_zero == "zero"
    assert ("in double precision its parameters never moved from the start: the gradient there "
            "computes as 0 (its exact value is not 0), so the loss stays at 0.6931"
            ) in history.verdict.describe()


def test_a_gradient_that_underflows_keeps_its_words():
    """The one student from w = (-1000, 1000), b = 1000 (every term of the gradient below the
    smallest double, its exact value -e^-3000 x, not 0) keeps "in double precision"."""
    from logreg_core import load_dataset

    one = load_dataset("student")
    history = train(one.X, one.y, learning_rate=1000.0, steps=20, w0=[-1000.0, 1000.0],
                    b0=1000.0)
    exact = mp_gradient(one.X, one.y, [-1000.0, 1000.0], 1000.0)
    assert all(g != 0 for g in exact)
    assert history.verdict.gradient_zero == "underflowed"
    text = history.verdict.describe()
    assert "in double precision" in text and "exactly 0" not in text


VALUES = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 3.0, 1e-300, -1e-300, 1e300, 0.1])
#: Parameters: 0 half the time, so that every logit is often exactly 0 (the exact case)
PARAMETERS = st.one_of(st.sampled_from([0.0, -0.0]), VALUES)


@settings(max_examples=80, deadline=None)
@given(xs=st.lists(st.tuples(VALUES, VALUES), min_size=1, max_size=3),
       balanced=st.booleans(), labels=st.lists(st.sampled_from([0.0, 1.0]), min_size=6,
                                               max_size=6),
       w=st.tuples(PARAMETERS, PARAMETERS), b=PARAMETERS, l2=st.sampled_from([0.0, 0.0, 0.5]))
def test_an_exact_zero_is_claimed_only_where_it_holds(xs, balanced, labels, w, b, l2):
    """On small data at states anyone may pick (balanced pairs of labels, where z = 0 makes the
    gradient exactly 0, or any labels): True only where the 4,400-bit gradient is exactly 0,
    False only where it is not, and z exactly 0 everywhere always decides."""
    X = np.array(xs * 2 if balanced else xs, dtype=float)
    y = (np.array([0.0] * len(xs) + [1.0] * len(xs)) if balanced
         else np.array(labels[: len(xs)]))
    w = np.array(w, dtype=float)
    answer = gradient_exactly_zero(X, y, w, b, l2)
    exact = mp_gradient(X, y, w, b, l2)
    if answer is True:
        assert all(g == 0 for g in exact), exact
    elif answer is False:
        assert any(g != 0 for g in exact)
    with mpmath.workprec(BITS):
        zs = [sum((mpmath.mpf(float(x)) * mpmath.mpf(float(t)) for x, t in zip(row, w,
                                                                                strict=True)),
                  mpmath.mpf(float(b))) for row in X]
    if all(z == 0 for z in zs):
        assert answer is (all(g == 0 for g in exact))
