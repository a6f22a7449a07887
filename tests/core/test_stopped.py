"""Runs that stop moving in double precision: where their parameters stay the same to the bit,
and what the verdict says of them, each fact read off the states by hand, a hand loop or mpmath.
"""

import math

import numpy as np

from logreg_core import load_dataset, train
from logreg_core.verdicts import CONVERGING, SETTLING


def _frozen_by_hand(weights, bias):
    """The first state from which w and b never change again, walked back over the states
    one by one (None where the last step still moved them)."""
    k = len(bias) - 1
    while k > 0 and bias[k - 1] == bias[k] and all(weights[k - 1] == weights[k]):
        k -= 1
    return k if k < len(bias) - 1 else None


def test_a_run_whose_updates_round_away_is_not_said_to_keep_falling(five_points):
    """A review: on the 5 points at η = 1000, 100,000 steps, the verdict said "in the long run
    the loss falls towards 0", but from step 6 on w = 300 and b = -1100 stay the same to the
    bit and the loss stays at 7.44e-45: each update (about 3e-41) is below their rounding.
    Here a plain-Python loop (math, not numpy) runs the 100,000 steps; mpmath gives the loss
    and the update at the frozen state."""
    import math

    import mpmath

    from logreg_core.limits import learning_rate_limits
    from logreg_core.training import learning_rate_sweep

    X, y = five_points
    xs, ys, rate, steps = [float(v) for v in X[:, 0]], [float(v) for v in y], 1000.0, 100_000

    def sigmoid(z):  # without overflow on either side
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

    w, b, moved = 0.0, 0.0, []
    for t in range(1, steps + 1):
        errors = [sigmoid(w * x + b) - label for x, label in zip(xs, ys, strict=True)]
        new_w = w - rate * sum(e * x for e, x in zip(errors, xs, strict=True)) / len(xs)
        new_b = b - rate * sum(errors) / len(xs)
        if (new_w, new_b) != (w, b):
            moved.append(t)
        w, b = new_w, new_b
    assert (moved[-1], w, b) == (6, 300.0, -1100.0)  # nothing moved after step 6
    mpmath.mp.dps = 60
    zs = [mpmath.mpf(w) * x + b for x in xs]
    exact_loss = sum(mpmath.log1p(mpmath.exp(z)) - label * z
                     for z, label in zip(zs, ys, strict=True)) / len(xs)
    exact_dw = sum((1 / (1 + mpmath.exp(-z)) - label) * x
                   for z, label, x in zip(zs, ys, xs, strict=True)) / len(xs)
    exact_db = sum(1 / (1 + mpmath.exp(-z)) - label
                   for z, label in zip(zs, ys, strict=True)) / len(xs)
    assert abs(rate * exact_dw) < math.ulp(w) / 2 and abs(rate * exact_db) < math.ulp(b) / 2
    limits = learning_rate_limits(X, y)
    history = train(X, y, learning_rate=rate, steps=steps, limits=limits)
    verdict = history.verdict
    assert verdict.stopped_moving_at == 6 and verdict.gradient_zero == ""
    assert verdict.kind == SETTLING and not verdict.not_yet
    headline, _, measured = verdict.describe().partition(". Measured")
    assert "falls towards 0" not in headline and "in the long run" not in headline
    assert "has not risen in the 99,995 steps since; it ended at 7.44e-45" in measured
    assert (f"in exact arithmetic the loss would keep falling towards 0; in double precision, "
            f"though, its parameters have not moved since step 6: each update is below the "
            f"rounding of w and b, so the loss stays at {mpmath.nstr(exact_loss, 4)}"
            ) in headline, headline
    # the sweep says the same of the same rate, and nothing of one that still moves
    sweep = learning_rate_sweep(X, y, [10.0, rate], 3000, limits=limits)
    assert [v.stopped_moving_at for v in sweep.verdicts] == [None, 6]
    assert "in the long run the loss falls towards 0" in sweep.verdicts[0].describe()


def test_a_run_stuck_at_its_start_or_at_the_best_fit_says_so(students):
    """Unusual settings: the one student from w = (-1000, 1000), b = 1000 (z = 3000: every
    term of the gradient underflows to 0, so nothing ever moves); and the 20 students at
    η = 0.5, where descent reaches the best fit and the computed step leaves it in place. The
    freeze is read off each run's states by hand; mpmath says the first run's loss is
    e^-3000, below the smallest double."""
    import mpmath

    from logreg_core.limits import learning_rate_limits

    one = load_dataset("student")
    history = train(one.X, one.y, learning_rate=1000.0, steps=2000, w0=[-1000.0, 1000.0],
                    b0=1000.0, limits=learning_rate_limits(one.X, one.y))
    z = -1000 * mpmath.mpf(one.X[0, 0]) + 1000 * one.X[0, 1] + 1000
    assert mpmath.log1p(mpmath.exp(-z)) < mpmath.mpf(5e-324)
    assert _frozen_by_hand(history.weights, history.bias) == 0
    verdict = history.verdict
    # every term of the gradient underflowed: it computes as 0, and its exact value is not
    # (mpmath: -e^-3000 x for the one student, label 1)
    assert -mpmath.exp(-z) * one.X[0, 0] != 0
    assert verdict.stopped_moving_at == 0 and verdict.gradient_zero == "underflowed"
    assert ("in double precision, though, its parameters never moved from the start: the "
            "gradient there computes as 0, every term of it below the smallest double (its "
            "exact value is not 0), so the loss stays below 5e-324") in verdict.describe()
    assert "exactly 0" not in verdict.describe()

    X, y = students
    history = train(X, y, learning_rate=0.5, steps=20_000, limits=learning_rate_limits(X, y))
    k = _frozen_by_hand(history.weights, history.bias)
    assert k is not None and 0 < k < 20_000 and history.verdict.stopped_moving_at == k
    assert history.verdict.kind == CONVERGING
    # at the best fit the gradient is rounding itself: by hand, 0.5 times its terms' sizes
    # times 64 eps reaches half an ulp of w or b, so another order of the sums may move them
    w, b = history.weights[k, 0], history.bias[k]
    error = 1 / (1 + np.exp(-(X[:, 0] * w + b))) - y
    sizes = np.array([np.mean(np.abs(error * X[:, 0])), np.mean(np.abs(error))])
    assert np.any(0.5 * 64 * np.finfo(float).eps * sizes >= 0.5 * np.array([math.ulp(w),
                                                                            math.ulp(b)]))
    assert (f"its parameters have not moved since step {k:,}: each update is below the "
            "rounding of w and b, by so little that summed in another order it may move them "
            f"by an ulp, so the loss stays at {history.loss[k]:.4g}. Measured"
            ) in history.verdict.describe()
    # a run that still moves at its last step says nothing of the kind
    moving = train(X, y, learning_rate=0.5, steps=200, limits=learning_rate_limits(X, y))
    assert _frozen_by_hand(moving.weights, moving.bias) is None
    assert moving.verdict.stopped_moving_at is None
    assert "have not moved" not in moving.verdict.describe()


def test_a_run_frozen_at_the_best_fit_above_the_local_limit_is_not_said_to_swing(students):
    """Found by a walk: the 20 students started at their best fit at η = 1.9, above
    2/μ* = 1.804, read "descent cannot settle at the best fit, so it keeps swinging" beside
    "its parameters never moved from the start". By hand the gradient there is within
    rounding of 0 and no step moves the state: each update is below the rounding of w and b."""
    from logreg_core.limits import learning_rate_limits

    X, y = students
    w, b = 1.504645428373332, -4.077713431087626  # the walk's best fit (Newton by hand)
    error = 1 / (1 + np.exp(-(X[:, 0] * w + b))) - y  # by hand: a gradient of rounding
    assert abs(np.mean(error * X[:, 0])) < 1e-15 and abs(np.mean(error)) < 1e-15
    assert abs(1.9 * np.mean(error * X[:, 0])) < 2 * math.ulp(w)  # an update of an ulp or so
    limits = learning_rate_limits(X, y)
    assert limits.local < 1.9
    history = train(X, y, learning_rate=1.9, steps=50, w0=[w], b0=b, limits=limits)
    # whether an ulp moves depends on the order of the sums: the core's own states stay put
    assert np.all(history.weights == w) and np.all(history.bias == b)
    verdict = history.verdict
    text = verdict.describe()
    assert verdict.stopped_moving_at == 0 and verdict.kind == SETTLING, text
    assert "keeps swinging" not in text
    assert "is unstable: in exact arithmetic the slightest move away from it grows" in text
    assert "its parameters never moved from the start" in text


def test_a_freeze_that_another_order_of_the_sums_may_break_says_so():
    """Found by a walk: standardized iris at η = 30, λ = 0.001 "has not moved since step 212",
    while a hand loop summing the gradient in its own order moves w or b by an ulp at later
    steps. The sentence now says that another order may move them."""
    from logreg_core.limits import learning_rate_limits

    d = load_dataset("iris_petals")
    X = (d.X - d.X.mean(axis=0)) / d.X.std(axis=0)  # population std, by hand
    y = d.y.astype(float)
    history = train(X, y, learning_rate=30.0, steps=500, l2=0.001,
                    limits=learning_rate_limits(X, y, 0.001))
    k = history.verdict.stopped_moving_at
    assert k is not None and history.verdict.gradient_zero == "order"
    w, b, moved = history.weights[k].copy(), float(history.bias[k]), 0
    for _ in range(500 - k):  # the same state, stepped by hand in another order of the sums
        error = 1 / (1 + np.exp(-(X @ w + b))) - y
        grad_w = np.mean(error[:, None] * X, axis=0)
        new_w, new_b = w - 30.0 * (grad_w + 0.001 * w), b - 30.0 * np.mean(error)
        moved += int(np.any(new_w != w) or new_b != b)
        w, b = new_w, new_b
    assert moved > 0  # by an ulp or so: the freeze is this order's
    assert np.allclose(w, history.weights[k], rtol=1e-13, atol=1e-13)
    assert "summed in another order it may move them by an ulp" in history.verdict.describe()


def test_a_run_whose_last_step_reaches_a_fixed_point_has_stopped():
    """Found at the end of the ninth session: the one student at η = 100 and 1 step read "in
    the long run the loss falls towards 0", though after that step z is about 2,338 and every
    term of the gradient underflows, so the next step would not move w or b. One step and
    two are stepped here by hand in plain Python (math, not numpy); the sweep says the same."""
    from logreg_core.limits import learning_rate_limits
    from logreg_core.training import learning_rate_sweep

    one = load_dataset("student")
    x, label = [float(v) for v in one.X[0]], float(one.y[0])

    def step(w, b):
        z = w[0] * x[0] + w[1] * x[1] + b
        error = (1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))) - label
        return [wi - 100.0 * error * xi for wi, xi in zip(w, x, strict=True)], b - 100.0 * error

    first = step([0.0, 0.0], 0.0)
    assert first != ([0.0, 0.0], 0.0) and step(*first) == first  # moved once, then never
    limits = learning_rate_limits(one.X, one.y)
    for steps in (1, 2):
        history = train(one.X, one.y, learning_rate=100.0, steps=steps, limits=limits)
        assert [*history.weights[-1], history.bias[-1]] == [*first[0], first[1]]
        verdict = history.verdict
        assert verdict.stopped_moving_at == 1 and verdict.gradient_zero == "underflowed"
        text = verdict.describe()
        assert "in the long run the loss falls towards 0" not in text, text
        when = ("would not move again after step 1" if steps == 1 else
                "have not moved since step 1")
        assert f"in double precision, though, its parameters {when}: the gradient there" in text
        sweep = learning_rate_sweep(one.X, one.y, [0.01, 100.0], steps, limits=limits)
        assert [v.stopped_moving_at for v in sweep.verdicts] == [None, 1]
        assert sweep.verdicts[1].describe() == text


def test_a_loss_that_never_changes_is_said_not_to_while_the_parameters_move():
    """An upload walk: x = 1e-300 to 4e-300 with labels 0, 0, 1, 1 at η = 5 (below 2/L = 8)
    read "Converging: ... each lowers it while the gradient is not 0" while the loss stayed
    0.6931 for 500 steps. A hand loop in plain Python floats: every logit w·x underflows to 0,
    so p = 1/2, dJ/dw = mean((1/2 - y) x) = -5e-301 at every step, w grows by 2.5e-300 a
    step to 1.25e-297 and b stays 0; the loss as computed is ln 2 at every state. In exact
    arithmetic (mpmath, 650 digits) the loss at step 500 is ln 2 - 6.25e-598, lower, by far
    less than half the spacing of doubles at ln 2."""
    import mpmath

    from logreg_core.limits import learning_rate_limits
    from logreg_core.training import learning_rate_sweep

    xs, ys = [1e-300, 2e-300, 3e-300, 4e-300], [0.0, 0.0, 1.0, 1.0]
    w = b = 0.0
    for _ in range(500):
        assert all(w * x + b == 0.0 for x in xs)  # underflowed: every p is 1/2
        w -= 5 * sum((0.5 - y) * x for x, y in zip(xs, ys, strict=True)) / 4
    assert math.isclose(w, 1.25e-297, rel_tol=1e-12)
    with mpmath.workdps(650):
        exact = sum(mpmath.log1p(mpmath.exp(-(2 * y - 1) * mpmath.mpf(w) * mpmath.mpf(x)))
                    for x, y in zip(xs, ys, strict=True)) / 4
        drop = mpmath.log(2) - exact
    assert 0 < drop < math.ulp(math.log(2)) / 2
    assert mpmath.almosteq(drop, mpmath.mpf(w) * mpmath.mpf("5e-301"), rel_eps=1e-6)

    X, y = np.array(xs)[:, None], np.array(ys)
    limits = learning_rate_limits(X, y)
    history = train(X, y, learning_rate=5, steps=500, limits=limits)
    assert np.all(history.loss == history.loss[0]) and history.weights[-1, 0] == w
    v = history.verdict
    assert v.loss_unchanged and v.stopped_moving_at is None
    text = v.describe()
    assert ("each lowers it while the gradient is not 0; in double precision, though, the "
            "loss never changed in 500 steps") in text
    assert f"the same double, {math.log(2)!r}, at every step" in text
    assert v.kind_words == "converging in exact arithmetic (the loss never changed)"
    sweep = learning_rate_sweep(X, y, [5.0, 50.0], 500, limits=limits)
    assert all(s.loss_unchanged for s in sweep.verdicts)
    assert "in exact arithmetic the loss would keep falling towards 0; in double precision, " \
           "though, the loss never changed" in sweep.verdicts[1].describe()


def test_runs_whose_loss_changes_or_that_never_moved_are_not_said_unchanged(five_points):
    X, y = five_points
    assert not train(X, y, learning_rate=0.1, steps=50).verdict.loss_unchanged
    # x = 1, 2, 1, 2 with labels 0, 0, 1, 1: the gradient at w = b = 0 is 0, nothing moves
    still = train(np.array([[1.0], [2.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0]),
                  learning_rate=1, steps=20).verdict
    assert not still.loss_unchanged and still.stopped_moving_at == 0
