"""Every optimizer against an independent loop of its textbook update, and the registry."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import (
    OPTIMIZERS,
    Adam,
    GradientDescent,
    LogRegInputError,
    MiniBatchSGD,
    Momentum,
    Nesterov,
    Newton,
    fit_exact,
    load_dataset,
    loss_and_gradients,
    train,
)


def gradient(X, y, theta, l2=0.0):
    grad = loss_and_gradients(X, y, theta[:-1], theta[-1], l2)
    return np.append(grad.dw, grad.db)


def test_gradient_descent_is_theta_minus_rate_times_gradient(overlapping):
    X, y = overlapping
    history = train(X, y, optimizer=GradientDescent(0.3), steps=15, l2=0.1)
    theta = np.zeros(3)
    for _ in range(15):
        theta = theta - 0.3 * gradient(X, y, theta, 0.1)
    assert history.theta[-1] == pytest.approx(theta, rel=1e-12)


def test_nesterov_takes_the_gradient_ahead(overlapping):
    X, y = overlapping
    history = train(X, y, optimizer=Nesterov(0.2, beta=0.8), steps=12)
    theta, velocity = np.zeros(3), np.zeros(3)
    for t in range(12):
        ahead = gradient(X, y, theta - 0.2 * 0.8 * velocity)
        assert np.append(history.grad_w[t], history.grad_b[t]) == pytest.approx(ahead,
                                                                              rel=1e-12)
        velocity = 0.8 * velocity + ahead
        theta = theta - 0.2 * velocity
    assert history.theta[-1] == pytest.approx(theta, rel=1e-12)


def test_adam_follows_kingma_and_ba(overlapping):
    X, y = overlapping
    history = train(X, y, optimizer=Adam(0.05), steps=20)
    theta, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    for t in range(1, 21):
        g = gradient(X, y, theta)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta = theta - 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    assert history.theta[-1] == pytest.approx(theta, rel=1e-10)


def test_newton_reaches_the_exact_fit_in_a_few_iterations():
    data = load_dataset("wikipedia_students")
    history = train(data.X, data.y, optimizer=Newton(1.0), steps=10)
    fit = fit_exact(data.X, data.y)
    assert history.theta[-1] == pytest.approx(np.append(fit.w, fit.b), abs=1e-9)
    assert np.all(np.diff(history.loss) <= 0)  # the line search never lets the loss rise


def hand_loss(X, y, theta, l2):
    """J by hand: mean log(1 + e^(-s z)), s = 2y - 1, plus λ/2 |w|² (as (λ/2 w_j) w_j)."""
    z = X @ theta[:-1] + theta[-1]
    return float(np.mean(np.logaddexp(0, -(2 * y - 1) * z)) + np.sum(l2 / 2 * theta[:-1]
                                                                     * theta[:-1]))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["five_points", "wikipedia_students", "iris_petals",
                             "breast_cancer"]),
       standardize=st.booleans(), l2=st.sampled_from([0.0, 0.1, 1.0]),
       w=st.floats(-1000, 1000), b=st.floats(-1000, 1000))
def test_newtons_loss_never_rises_from_any_start_a_link_allows(name, standardize, l2, w, b):
    """Found by a walk: from a far start every sample is saturated, the Hessian is nearly
    singular and the Newton direction enormous; when backtracking gave up, the step was still
    taken, and the loss went from 85.5 to 1.5e8 (iris, standardized, start (-50, -50, 50)).
    Checked here by hand: each recorded loss is J at the recorded parameters, and none is
    above the one before."""
    data = load_dataset(name)
    X = data.X
    if standardize:
        spread = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    history = train(X, data.y, optimizer=Newton(1.0), steps=25, w0=[w] * X.shape[1], b0=b,
                    l2=l2)
    losses = [hand_loss(X, data.y, theta, l2) for theta in history.theta]
    assert np.all(np.isfinite(losses))
    assert np.all(np.diff(losses) <= 1e-12 * np.abs(losses[:-1])), losses
    assert history.loss == pytest.approx(losses, rel=1e-9)
    # the exact fit's Newton from the same start: it called a loss of 1.7e8 "converged"
    fit = fit_exact(X, data.y, l2, max_iter=25, w0=[w] * X.shape[1], b0=b)
    losses = [hand_loss(X, data.y, theta, l2) for theta in fit.path]
    assert np.all(np.diff(losses) <= 1e-12 * np.abs(losses[:-1])), losses
    if fit.converged:  # then at a point where the gradient vanishes, by hand
        theta = np.append(fit.w, fit.b)
        z = X @ theta[:-1] + theta[-1]
        s = 2 * data.y - 1
        error = -s * np.exp(-np.logaddexp(0, s * z))
        gradient = np.append(X.T @ error / len(z) + l2 * theta[:-1], error.mean())
        assert np.max(np.abs(gradient)) < 1e-6, (fit.message, gradient)


def test_newton_from_a_far_start_reaches_the_best_fit_scipy_finds():
    """Unscaled iris with λ = 0.1 from (20, 20, -20): the walk's own Newton reached 0.4498,
    the page's went to 1.2e18."""
    from scipy.optimize import minimize

    data = load_dataset("iris_petals")
    X, y = data.X, data.y.astype(float)
    best = minimize(lambda theta: hand_loss(X, y, theta, 0.1), np.zeros(3), method="BFGS",
                    options={"gtol": 1e-10})
    history = train(X, y, optimizer=Newton(1.0), steps=25, w0=[20.0, 20.0], b0=-20.0, l2=0.1)
    assert history.loss[-1] == pytest.approx(best.fun, rel=1e-9)


def test_sgd_batches_are_seeded_epochs(overlapping):
    X, y = overlapping
    history = train(X, y, optimizer=MiniBatchSGD(0.2, batch_size=16, seed=5), steps=8)
    rng = np.random.default_rng(5)
    theta, order, cursor = np.zeros(3), None, len(y)
    for t in range(8):
        if cursor + 16 > len(y):  # 60 samples: three batches of 16, the last 12 skipped
            order, cursor = rng.permutation(len(y)), 0
        rows = order[cursor:cursor + 16]
        cursor += 16
        g = gradient(X[rows], y[rows], theta)
        assert np.append(history.grad_w[t], history.grad_b[t]) == pytest.approx(g, rel=1e-12)
        theta = theta - 0.2 * g
    assert history.verdict.stochastic


def test_registry_holds_every_optimizer_once_each_with_its_own_label():
    assert list(OPTIMIZERS) == ["gd", "momentum", "nesterov", "sgd", "adam", "newton"]
    built = [cls(0.1) for cls in OPTIMIZERS.values()]
    assert [o.key for o in built] == list(OPTIMIZERS)
    assert len({o.label for o in built}) == len(built)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: GradientDescent(-1.0), "positive"),
    (lambda: Momentum(0.1, beta=1.0), "Momentum"),
    (lambda: MiniBatchSGD(0.1, batch_size=0), "batch size"),
])
def test_bad_settings_say_what_to_fix(make, message):
    with pytest.raises(LogRegInputError, match=message):
        make()


def test_optimizers_compared_on_the_students():
    data = load_dataset("wikipedia_students")
    best = fit_exact(data.X, data.y).loss
    reached = {}
    for optimizer in (GradientDescent(0.3), Momentum(0.3, beta=0.9), Nesterov(0.3, beta=0.9),
                      MiniBatchSGD(0.3, batch_size=5), Adam(0.3), Newton(0.3)):
        history = train(data.X, data.y, optimizer=optimizer, steps=3000)
        close = np.flatnonzero(history.loss <= best * 1.01)
        reached[optimizer.key] = int(close[0]) if close.size else None
    assert reached["newton"] < reached["momentum"] < reached["gd"]
    assert reached["nesterov"] < reached["gd"]


def test_a_batch_of_every_sample_is_gradient_descent_and_judged_as_such():
    """Found by a walk: with the batch at all 100 iris samples the page called the same run
    "settling" as gradient descent and "converging" as SGD, and said its loss wobbles. Its
    losses are gradient descent's (sums in a shuffled order) and it is judged as such."""
    from logreg_core.limits import learning_rate_limits

    data = load_dataset("iris_petals")
    n = len(data.y)
    limits = learning_rate_limits(data.X, data.y)
    for rate in (0.05, 5.0):
        sgd = train(data.X, data.y, optimizer=MiniBatchSGD(rate, n, 3), steps=300,
                    limits=limits)
        gd = train(data.X, data.y, learning_rate=rate, steps=300, limits=limits)
        assert sgd.verdict.kind == gd.verdict.kind and sgd.verdict.basis != "noise"
        assert sgd.loss[:20] == pytest.approx(gd.loss[:20], rel=1e-9)


def test_newton_that_never_leaves_its_start_is_stuck_not_converging():
    """A walk: x = 1e-300 .. 4e-300 with labels 0 0 1 1 from w = b = 0. The curvature and the
    slope g·g underflow, and Newton's search takes no step in 25 iterations: the table read
    "converging". In exact arithmetic (fractions) the first Newton direction takes w to about
    1.6e300: far from where it sat. A start at the best fit (x = 1, 1, 1, 1, labels 0 1 0 1,
    exact gradient 0) is not stuck, nor is the default 5 points."""
    from fractions import Fraction

    from logreg_core import Newton, load_dataset, train

    xs = [1e-300, 2e-300, 3e-300, 4e-300]
    X, y = np.array(xs)[:, None], np.array([0.0, 0.0, 1.0, 1.0])
    h = train(X, y, optimizer=Newton(1.0), w0=[0.0], b0=0.0, steps=25)
    assert not np.any(h.weights) and not np.any(h.bias)
    assert h.verdict.stuck and h.verdict.kind_words.startswith("stuck at its start")
    assert "never left the start" in h.verdict.describe()
    # exact Newton at w = b = 0: p = 1/2, H = 1/4 [[mean x², mean x], [mean x, 1]], g = mean(
    # (1/2 - y) [x, 1]); d = H⁻¹ g by Cramer's rule
    fx = [Fraction(v) for v in xs]
    fy = [Fraction(int(v)) for v in y]
    n = len(fx)
    mx2, mx = sum(v * v for v in fx) / n, sum(fx) / n
    gw = sum((Fraction(1, 2) - t) * v for v, t in zip(fx, fy, strict=True)) / n
    gb = sum(Fraction(1, 2) - t for t in fy) / n
    det = Fraction(1, 16) * (mx2 - mx * mx)
    dw = (Fraction(1, 4) * gw - Fraction(1, 4) * mx * gb) / det
    assert abs(float(-dw)) > 1e299
    for X2, y2 in [(np.ones((4, 1)), np.array([0.0, 1.0, 0.0, 1.0])),
                   (load_dataset("five_points").X, load_dataset("five_points").y)]:
        assert not train(X2, y2, optimizer=Newton(1.0), steps=25).verdict.stuck
