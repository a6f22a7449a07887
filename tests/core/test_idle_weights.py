"""Runs whose weights never leave 0, and a run frozen above 2/λ: theory's growth of the
weights does not happen to them, and the verdict says so. Each fact is read off a plain-Python
loop (math, not numpy) or mpmath, never off the code under test."""

import itertools
import math

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logreg_core import learning_rate_sweep, loss_and_gradients, train
from logreg_core.limits import learning_rate_limits
from logreg_core.training import weights_stay_zero
from logreg_core.verdicts import CONVERGING, DIVERGING, SETTLING

#: The review's data: x = -1, 1, -1, 1 with labels 0, 0, 1, 1.
X4 = np.array([[-1.0], [1.0], [-1.0], [1.0]])
Y4 = np.array([0.0, 0.0, 1.0, 1.0])


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def hand_run(X, y, rate, steps, b0, l2):
    """Plain descent by hand from w = 0, b = b0: the weights and the bias at every state."""
    rows = [list(map(float, r)) for r in X]
    labels = [float(v) for v in y]
    w, b, states = [0.0] * len(rows[0]), float(b0), []
    for _ in range(steps + 1):
        states.append((list(w), b))
        errors = [sigmoid(sum(wj * xj for wj, xj in zip(w, r, strict=True)) + b) - label
                  for r, label in zip(rows, labels, strict=True)]
        dw = [sum(e * r[j] for e, r in zip(errors, rows, strict=True)) / len(rows) + l2 * w[j]
              for j in range(len(w))]
        db = sum(errors) / len(rows)
        w, b = [wj - rate * g for wj, g in zip(w, dw, strict=True)], b - rate * db
    return states


def exact_bias_losses(y, rate, steps, b0):
    """J(0, b) along descent on b alone, in mpmath at 40 digits."""
    mpmath.mp.dps = 40
    n, ones = len(y), int(sum(y))
    b, out = mpmath.mpf(b0), []
    for _ in range(steps + 1):
        # J(0, b) = mean softplus(b) - mean(y) b; its derivative sigma(b) - mean(y)
        out.append(mpmath.log1p(mpmath.exp(b)) - mpmath.mpf(ones) / n * b)
        b -= rate * (1 / (1 + mpmath.exp(-b)) - mpmath.mpf(ones) / n)
    return out


def never_rises(losses) -> bool:
    """Whether no loss is above the one before, beyond mpmath's own rounding at 40 digits."""
    return all(b <= a + mpmath.mpf(10) ** -35 for a, b in itertools.pairwise(losses))


@pytest.mark.parametrize("b0", [1.0, 0.0, -2.5])
def test_the_review_run_above_two_over_lambda_with_weights_at_0_is_not_diverging(b0):
    """The review: λ = 1, η = 5, b = 1 read "Diverging: ... the weights grow geometrically
    until the numbers overflow" beside "every weight is 0". By hand w stays exactly 0 at every
    state, Σx = 0 and Σ_{y=1} x = 0 (so its gradient is 0 whatever b is), and in mpmath the
    loss J(0, b) of descent on b alone never rises and falls to ln 2."""
    assert math.fsum(X4[:, 0]) == 0 and math.fsum(X4[Y4 == 1, 0]) == 0
    assert weights_stay_zero(X4, Y4)
    states = hand_run(X4, Y4, 5.0, 500, b0, 1.0)
    assert all(w == [0.0] for w, _ in states)
    exact = exact_bias_losses(Y4, 5, 500, b0)
    assert never_rises(exact)
    assert abs(exact[-1] - mpmath.log(2)) < 1e-30 or b0 == 0.0
    limits = learning_rate_limits(X4, Y4, 1.0)
    history = train(X4, Y4, learning_rate=5.0, steps=500, b0=b0, l2=1.0, limits=limits)
    assert not np.any(history.weights)
    assert history.loss[-1] == pytest.approx(float(exact[-1]), rel=1e-14)
    verdict = history.verdict
    assert verdict.kind == CONVERGING and verdict.theory == "weights_idle"
    assert verdict.weights_idle == "exact"
    text = verdict.describe()
    assert "grow geometrically" not in text and "overflow" not in text
    assert text.startswith(
        "Converging: above 2/λ = 2 the penalty alone would make every step overshoot the "
        "weights by more, but every weight starts at 0 and stays there: at w = 0 the gradient "
        "of every weight is exactly 0 whatever b is (for each feature, its sum over all "
        "samples and its sum over the samples labelled 1 are both exactly 0), so the penalty "
        "acts on no weight and descent moves b alone, on the loss at w = 0, whose curvature "
        "in b is at most 1/4: at or below 2/(1/4) = 8 no step raises it")
    if b0 == 0.0:  # the start is a best fit: nothing moves, and it says so too
        assert "so the start is a best fit" in text
    sweep = learning_rate_sweep(X4, Y4, [0.5, 5.0, 20.0], 500, b0=b0, l2=1.0, limits=limits)
    assert [v.theory for v in sweep.verdicts] == ["below_guarantee", "weights_idle",
                                                  "weights_idle"]
    assert sweep.verdicts[1].describe() == text
    assert sweep.verdicts[2].kind != DIVERGING  # beyond η = 8: as measured


def test_at_two_over_lambda_and_above_the_local_limit_too():
    """The same data at η = 2/λ (λ = 0.5, η = 4) and between 2/μ* and 2/λ (λ = 0.1, 2/μ* =
    2/(1/4 + 0.1) = 5.71 by hand: Hessian diag(1/4 + λ, 1/4) at w = 0, b = 0, η = 7): the
    weights stay 0, and no swing of them is foretold."""
    for l2, rate, was in ((0.5, 4.0, "at_penalty"), (0.1, 7.0, "above_local")):
        limits = learning_rate_limits(X4, Y4, l2)
        if was == "above_local":
            assert limits.local == pytest.approx(2 / (0.25 + l2), rel=1e-9)
        assert limits.regime(rate).penalty_side == ("at" if was == "at_penalty" else None)
        history = train(X4, Y4, learning_rate=rate, steps=300, b0=1.5, l2=l2, limits=limits)
        assert all(w == [0.0] for w, _ in hand_run(X4, Y4, rate, 300, 1.5, l2))
        assert history.verdict.theory == "weights_idle", (l2, rate)
        assert history.verdict.kind == CONVERGING
        exact = exact_bias_losses(Y4, rate, 300, 1.5)
        assert never_rises(exact)


def test_weights_that_compute_as_0_without_being_0_in_exact_arithmetic():
    """x = 3, -1, -1, -1 (labels 0, 1, 0, 1): Σx = 0 but Σ_{y=1} x = -2, so at w = 0 the
    gradient of w is (σ(b)·0 + 2)/4 = 1/2 by hand, never 0: the weights move, and the
    verdict is theory's as before. x = 5e-324, 0, 0, 0 (labels 0, 0, 1, 1) from b = -1: the
    gradient of w at w = 0 is σ(b)·5e-324/4, not 0 in mpmath, but in doubles the product is at
    most the smallest double and a quarter of that rounds to 0 (by hand), so w stays 0 in
    double precision: judged on what was measured, and said to be rounding's doing."""
    X = np.array([[3.0], [-1.0], [-1.0], [-1.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    assert not weights_stay_zero(X, y)
    limits = learning_rate_limits(X, y, 1.0)
    history = train(X, y, learning_rate=5.0, steps=50, b0=1.0, l2=1.0, limits=limits)
    assert np.any(history.weights) and history.verdict.theory != "weights_idle"

    X = np.array([[5e-324], [0.0], [0.0], [0.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    assert not weights_stay_zero(X, y)
    states = hand_run(X, y, 5.0, 100, -1.0, 1.0)
    assert all(w == [0.0] for w, _ in states)
    assert all(sigmoid(b) * 5e-324 / 4 == 0.0 for _, b in states)
    mpmath.mp.dps = 30
    assert mpmath.mpf(5e-324) / (1 + mpmath.exp(1)) / 4 != 0  # the exact gradient at b = -1
    limits = learning_rate_limits(X, y, 1.0)
    history = train(X, y, learning_rate=5.0, steps=100, b0=-1.0, l2=1.0, limits=limits)
    verdict = history.verdict
    assert not np.any(history.weights)
    assert verdict.theory == "weights_idle" and verdict.weights_idle == "rounding"
    assert verdict.kind == verdict.measured
    assert ("but in this run every weight stayed exactly 0: the gradient of every weight "
            "computed as exactly 0 at every step, though at w = 0 it is not exactly 0 for "
            "every b (for some feature, its sum over all samples or its sum over the samples "
            "labelled 1 is not 0), so descent moved b alone") in verdict.describe()
    assert "grow geometrically" not in verdict.describe()


def symmetric_rows(points) -> tuple[list, list]:
    """Every point v with label 0 and 1, and -v with both labels too: over all samples and
    over label 1 every feature sums to 0."""
    rows, labels = [], []
    for v in points:
        for sign in (1, -1):
            for label in (0.0, 1.0):
                rows.append([sign * float(c) for c in v])
                labels.append(label)
    return rows, labels


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.integers(-4, 4), min_size=2, max_size=2), min_size=1, max_size=3),
       st.sampled_from([0.25, 1.0, 3.0]), st.floats(1.01, 4.0), st.floats(-3.0, 3.0),
       st.integers(0, 2))
def test_symmetric_data_keep_their_weights_at_0_and_the_verdict_says_so(points, l2, factor,
                                                                         b0, extra_ones):
    """Every point v with label 0 and 1, and -v with both labels too (some points repeated
    with label 1 only as pairs ±v): the sums over all samples and over label 1 are 0 by
    construction. By hand the weights stay 0; above 2/λ the verdict never foretells their
    growth, and at η ≤ 8 says converging where mpmath's J(0, b) never rises."""
    rows, labels = symmetric_rows(points)
    for _ in range(extra_ones):  # unbalanced labels: a pair ±v labelled 1
        rows += [[float(c) for c in points[0]], [-float(c) for c in points[0]]]
        labels += [1.0, 1.0]
    X, y = np.array(rows), np.array(labels)
    rate = factor * 2 / l2
    assert weights_stay_zero(X, y)
    steps = 200
    if not all(not any(w) for w, _ in hand_run(X, y, rate, steps, b0, l2)):
        return  # (rounding moved them in the hand loop's order: nothing to check here)
    limits = learning_rate_limits(X, y, l2)
    history = train(X, y, learning_rate=rate, steps=steps, b0=b0, l2=l2, limits=limits)
    if np.any(history.weights):
        return
    verdict = history.verdict
    assert verdict.theory == "weights_idle" and verdict.weights_idle == "exact"
    assert "grow geometrically" not in verdict.describe()
    assert verdict.kind != DIVERGING
    if rate <= 8:
        exact = exact_bias_losses(y, rate, steps, b0)
        assert never_rises(exact)
        assert verdict.kind == CONVERGING


def test_a_run_frozen_above_two_over_lambda_away_from_0_is_not_said_to_grow():
    """x = 1, -1 (labels 1, 0) from w = 1, b = 0, with λ the double the data's pull on w
    computes to there: the gradient computes as exactly 0 (by hand below), so nothing
    moves, at η = 10 above 2/λ = 7.44. Theory's growth is put in exact arithmetic."""
    X, y = np.array([[1.0], [-1.0]]), np.array([1.0, 0.0])
    l2 = -loss_and_gradients(X, y, np.array([1.0]), 0.0, 0.0).dw[0]
    assert l2 == pytest.approx(sigmoid(-1.0), rel=1e-15)  # σ(-1): the pull of both samples
    grad = loss_and_gradients(X, y, np.array([1.0]), 0.0, l2)
    assert grad.dw[0] == 0 and grad.db == 0
    limits = learning_rate_limits(X, y, l2)
    assert 2 / l2 < 10
    history = train(X, y, learning_rate=10.0, steps=50, w0=[1.0], b0=0.0, l2=l2, limits=limits)
    assert np.all(history.weights == 1.0) and np.all(history.bias == 0.0)
    verdict = history.verdict
    assert verdict.kind == SETTLING and verdict.theory == "above_penalty_stopped"
    assert ("above 2/λ = 7.437 the penalty alone makes every step overshoot the weights by "
            "more, so no state is stable: in exact arithmetic the slightest move of the "
            "weights away from this one grows into swings; in double precision, though, its "
            "parameters never moved from the start") in verdict.describe()
    sweep = learning_rate_sweep(X, y, [10.0], 50, w0=[1.0], b0=0.0, l2=l2, limits=limits)
    assert sweep.verdicts[0].describe() == verdict.describe()


#: x = -2, 2, -2, 2 with labels 0, 0, 1, 1: Σx = 0 and Σ_{y=1} x = 0, and without L2 the
#: Hessian at the best fit w = 0, b = 0 is diag(Σx²/4n, 1/4) = diag(1, 1/4) by hand, so 2/μ* = 2.
X2 = 2 * X4


def test_weights_at_0_without_l2_between_the_local_limit_and_8():
    """A review: uploaded as a CSV, this data at λ = 0 and η = 5 (above 2/μ* = 2, below 8)
    from b = 1 raised a TypeError where the verdict is written (its sentence wrote 2/λ,
    which does not exist without L2), and the page showed an exception. By hand the weights
    stay exactly 0; along b alone the curvature at the best fit is ȳ(1 - ȳ) = 1/4 < 2/η; in
    mpmath J(0, b) never rises. The verdict says so, and speaks of no penalty."""
    assert math.fsum(X2[:, 0]) == 0 and math.fsum(X2[Y4 == 1, 0]) == 0
    n = len(Y4)
    mu_star = max(math.fsum(X2[:, 0] ** 2) / (4 * n), 0.25)  # diag(1, 1/4): its largest
    rate = 5.0
    assert 2 / mu_star < rate < 8 and 2 / rate > 0.25
    assert all(w == [0.0] for w, _ in hand_run(X2, Y4, rate, 500, 1.0, 0.0))
    assert never_rises(exact_bias_losses(Y4, rate, 500, 1.0))
    limits = learning_rate_limits(X2, Y4, 0.0)
    assert limits.local == pytest.approx(2 / mu_star, rel=1e-12)
    history = train(X2, Y4, learning_rate=rate, steps=500, b0=1.0, limits=limits)
    verdict = history.verdict
    assert verdict.theory == "weights_idle" and verdict.weights_idle == "exact"
    assert verdict.kind == CONVERGING
    text = verdict.describe()
    assert text.startswith("Converging: above the local limit 2/μ* = 2 the best fit")
    assert "so descent moves b alone" in text
    assert "penalty" not in text and "2/λ" not in text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.integers(-4, 4), min_size=2, max_size=2), min_size=1, max_size=3),
       st.floats(0.0, 1.0), st.floats(-3.0, 3.0))
def test_symmetric_data_without_l2_above_the_local_limit(points, where, b0):
    """The symmetric data of the test above, without L2, at a rate between the local limit
    (taken by hand from the Hessian at w = 0, b = 0, where every p is 1/2: the largest
    eigenvalue of [X 1]ᵀ[X 1]/4n) and 8: the verdict is written, with no penalty in it."""
    rows, labels = symmetric_rows(points)
    X, y = np.array(rows), np.array(labels)
    A = np.column_stack([X, np.ones(len(y))])
    local = 2 / (np.linalg.eigvalsh(A.T @ A / (4 * len(y)))[-1])
    if not local < 7.5:
        return
    rate = local * 1.01 + where * (7.9 - local * 1.01)
    steps = 200
    if not all(not any(w) for w, _ in hand_run(X, y, rate, steps, b0, 0.0)):
        return
    limits = learning_rate_limits(X, y, 0.0)
    history = train(X, y, learning_rate=rate, steps=steps, b0=b0, limits=limits)
    if np.any(history.weights) or history.verdict.theory != "weights_idle":
        return
    text = history.verdict.describe()
    assert "penalty" not in text and "2/λ" not in text
    if history.verdict.kind == CONVERGING:
        assert never_rises(exact_bias_losses(y, rate, steps, b0))


def test_weights_held_at_0_by_rounding_are_not_said_to_converge_in_exact_arithmetic():
    """x = 1e149, -1e149, 2e149 with labels 0 1 1, unstandardized: the sweep's second rate
    (4.9e-292, above 2/mu* = 4.4e-298) moves b by eta/6 a step, and every p = sigma(b) rounds
    to 1/2, so the weight's gradient computes as exactly 0 (a plain-float loop below) and its
    loss is ln 2 at every step. In exact arithmetic (mpmath at 400 digits, enough to hold
    1/2 + 1e-293) the weight moves from step 2 and, that far above 2/mu*, its swing grows
    until the loss passes 10 within 60 steps: the sweep's 'converging in exact arithmetic'
    was false. The rate below 2/L keeps its words: there theory decides, exactly."""
    xs, ys = [1e149, -1e149, 2e149], [0.0, 1.0, 1.0]
    rate = float(np.logspace(-299, 1, 40)[1])  # the page's sweep: 1e-299 to 10, 40 rates
    w, b = 0.0, 0.0
    for _ in range(500):
        errors = [sigmoid(w * x + b) - y for x, y in zip(xs, ys, strict=True)]
        assert errors == [0.5, -0.5, -0.5]
        w -= rate * sum(e * x for e, x in zip(errors, xs, strict=True)) / 3
        b -= rate * sum(errors) / 3
    assert w == 0.0 and b > 0.0
    with mpmath.workdps(400):
        mx, my, eta = [mpmath.mpf(x) for x in xs], ys, mpmath.mpf(rate)
        mw = mb = mpmath.mpf(0)
        for step in range(1, 61):  # noqa: B007 (the step it passes 10 is checked)
            p = [1 / (1 + mpmath.exp(-(mw * x + mb))) for x in mx]
            errors = [pi - y for pi, y in zip(p, my, strict=True)]
            mw -= eta * mpmath.fsum(e * x for e, x in zip(errors, mx, strict=True)) / 3
            mb -= eta * mpmath.fsum(errors) / 3
            loss = mpmath.fsum(mpmath.log1p(mpmath.exp(-(mw * x + mb) if y else mw * x + mb))
                               for x, y in zip(mx, my, strict=True)) / 3
            if loss > 10:
                break
        assert loss > 10 and step < 60, (step, loss)
    X, y = np.array(xs)[:, None], np.array(ys)
    sweep = learning_rate_sweep(X, y, [1e-299, rate], 500, limits=learning_rate_limits(X, y))
    below, above = sweep.verdicts
    assert below.kind_words == "converging in exact arithmetic (the loss never changed)"
    assert above.loss_unchanged and above.weights_idle == "rounding"
    assert "exact arithmetic" not in above.kind_words
    assert above.kind_words == ("converging as computed with every weight held at 0 by "
                                "rounding (the loss never changed)")
