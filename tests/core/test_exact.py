"""Newton's method against scikit-learn, published fits and separability."""

import time
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from logreg_core import Standardizer, fit_exact, load_dataset, loss_and_gradients, train
from logreg_core.limits import learning_rate_limits


def sklearn_fit(X, y, C, tol=1e-12):
    model = LogisticRegression(C=C, tol=tol, max_iter=100_000).fit(X, y)
    return model.coef_[0], model.intercept_[0]


def test_matches_sklearn_unpenalized_on_overlapping_data(overlapping):
    X, y = overlapping
    fit = fit_exact(X, y)
    w, b = sklearn_fit(X, y, C=np.inf)
    assert fit.converged and not fit.separable
    assert fit.w == pytest.approx(w, abs=1e-6) and fit.b == pytest.approx(b, abs=1e-6)
    assert np.abs(loss_and_gradients(X, y, fit.w, fit.b).dw).max() < 1e-10


def test_matches_sklearn_c1_on_five_points(five_points):
    X, y = five_points
    fit = fit_exact(X, y, l2=1 / (1.0 * len(y)))
    assert fit.converged
    w, b = sklearn_fit(X, y, C=1.0)
    assert fit.w[0] == pytest.approx(w[0], abs=1e-8) and fit.b == pytest.approx(b, abs=1e-8)
    # scikit-learn's default tolerance (1e-4) stops at w 1.04704, b -3.74818, the figures
    # seed 001's code would print; the optimum itself is w 1.046964, b -3.748019
    default = LogisticRegression().fit(X, y)
    assert round(default.coef_[0, 0], 5) == 1.04704
    assert round(default.intercept_[0], 5) == -3.74818
    assert round(fit.w[0], 6) == 1.046964 and round(fit.b, 6) == -3.748019


def test_matches_sklearn_with_l2_on_cancer():
    data = load_dataset("breast_cancer")
    X = Standardizer.fit(data.X).transform(data.X)
    fit = fit_exact(X, data.y, l2=1 / (1.0 * len(data.y)))
    w, b = sklearn_fit(X, data.y, C=1.0, tol=1e-10)
    assert fit.converged
    assert fit.w == pytest.approx(w, abs=1e-5) and fit.b == pytest.approx(b, abs=1e-5)


def test_wikipedia_table_reproduces_published_fit():
    data = load_dataset("wikipedia_students")
    fit = fit_exact(data.X, data.y)
    assert fit.converged
    assert round(fit.b, 4) == -4.0777 and round(fit.w[0], 4) == 1.5046


def test_long_training_reaches_the_exact_fit():
    data = load_dataset("wikipedia_students")
    fit = fit_exact(data.X, data.y)
    history = train(data.X, data.y, learning_rate=0.3, steps=30_000)
    assert history.weights[-1] == pytest.approx(fit.w, abs=1e-7)
    assert history.bias[-1] == pytest.approx(fit.b, abs=1e-7)


@pytest.mark.parametrize("name", ["five_points", "student"])
def test_separable_data_says_no_finite_optimum_quickly(name):
    data = load_dataset(name)
    start = time.perf_counter()
    with np.errstate(all="raise"):
        fit = fit_exact(data.X, data.y)
    assert time.perf_counter() - start < 5  # "quickly": a generous bound, not a benchmark
    assert fit.separable and not fit.converged
    assert "No finite best fit" in fit.message
    # the returned line separates the classes
    z = data.X @ fit.w + fit.b
    assert np.all((z > 0) == (data.y == 1))


def test_sklearn_agrees_five_points_have_no_finite_unpenalized_fit(five_points):
    X, y = five_points
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = LogisticRegression(C=np.inf, max_iter=50).fit(X, y).coef_[0, 0]
        large = LogisticRegression(C=np.inf, max_iter=5000, tol=1e-12).fit(X, y).coef_[0, 0]
    assert large > small > 2.197  # the longer it runs, the larger w gets


def test_quasi_separable_data_is_flagged():
    # classes split at x = 0 with one sample of each class exactly on the boundary
    X = np.array([[-2.0], [-1.0], [0.0], [0.0], [1.0], [2.0]])
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    fit = fit_exact(X, y)
    assert fit.separable and "No finite best fit" in fit.message


def test_a_feature_the_same_in_every_row_is_no_separation(overlapping):
    """Found by a walk: an upload with a constant column (it duplicates the bias) was called
    quasi-separable, "the loss keeps falling", where the classes overlap and the best fit is
    the one without that column. Reference: scikit-learn on the other features alone."""
    X, y = overlapping
    with_constant = np.column_stack([X, np.full(len(y), 7.0)])
    fit = fit_exact(with_constant, y)
    assert fit.converged and not fit.separable
    w, b = sklearn_fit(X, y, C=np.inf)
    assert fit.loss == pytest.approx(loss_and_gradients(X, y, w, b).loss, rel=1e-9)
    # the constant's weight and the bias share one role: only their sum in the logit counts
    assert fit.w[-1] * 7.0 + fit.b == pytest.approx(b, abs=1e-6)
    assert fit.w[:-1] == pytest.approx(w, abs=1e-6)


@pytest.mark.parametrize(("l2", "loss"), [(1e-50, 2.382e-46), (1e-300, 9.328e-295)])
def test_a_tiny_l2_on_separable_data_has_its_far_best_fit_found(l2, loss):
    """A second walk: with λ = 1e-50 the 5 points have a best fit at w = 216.29, b = -757.00,
    loss 2.382e-46 (80-digit damped Newton); 100 iterations did not reach it, and the page said
    the best fit 'could not be computed'. The gradient there, written out by hand, vanishes
    against the size of its terms."""
    data = load_dataset("five_points")
    x, y = data.X[:, 0], data.y
    fit = fit_exact(data.X, y, l2)
    assert fit.converged, fit.message
    assert fit.loss == pytest.approx(loss, rel=1e-3)
    s = 2 * y - 1
    z = fit.w[0] * x + fit.b
    error = -s * np.exp(-np.logaddexp(0, s * z))  # p - y, without cancellation
    dw, db = np.mean(error * x) + l2 * fit.w[0], np.mean(error)
    assert abs(dw) <= 1e-6 * np.mean(np.abs(error * x)) + 1e-300
    assert abs(db) <= 1e-6 * np.mean(np.abs(error)) + 1e-300


@pytest.mark.parametrize("x", [[1.0, 2.0, 1.0, 2.0], [7.0, 7.0, 7.0, 7.0]])
def test_a_start_at_the_best_fit_is_the_best_fit(x):
    """Found by an upload walk: x = 1, 2, 1, 2 with labels 0, 0, 1, 1 (or one constant
    feature) has its best fit at w = b = 0, where Newton's method starts. No step lowers the
    loss there, and the page said "there is no best fit". By hand: every p is 1/2, so the
    gradient mean((p - y) x), mean(p - y) is 0, and the loss is ln 2, which is convex."""
    X, y = np.array(x)[:, None], np.array([0.0, 0.0, 1.0, 1.0])
    assert np.mean((0.5 - y) * X[:, 0]) == 0 and np.mean(0.5 - y) == 0
    fit = fit_exact(X, y)
    assert fit.converged and not fit.separable and fit.iterations == 0, fit.message
    assert fit.loss == pytest.approx(np.log(2), rel=1e-15)
    # so the local limit is known: the Hessian there is [X 1]^T [X 1] / 16, whose largest
    # eigenvalue is L's, and 2/mu* = 2/L
    limits = learning_rate_limits(X, y)
    A = np.column_stack([X, np.ones(4)])
    assert limits.local == pytest.approx(2 / (np.linalg.eigvalsh(A.T @ A)[-1] / 16), rel=1e-12)


FOUR = np.array([1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("unit", [1e-320, 1e-300, 1e-100, 1e100, 1e149])
def test_separation_is_found_in_any_units(unit):
    """Found by an upload walk: x = 1e-300 to 4e-300 with labels 0, 0, 1, 1 read "the best
    fit could not be computed ... found no step that lowers the loss after 0 iterations": the
    Hessian's weight entry, x²/16, underflowed to 0. By hand the line x = 2.5 units splits
    the classes (w = 1/unit, b = -2.5 puts every sample on its side), so there is no best
    fit, whatever the unit (up to 1e150, where the page stops taking features)."""
    X, y = (FOUR * unit)[:, None], np.array([0.0, 0.0, 1.0, 1.0])
    s = 2 * y - 1
    assert np.all(s * (X[:, 0] / unit - 2.5) > 0)
    fit = fit_exact(X, y)
    assert fit.separable and not fit.converged and "splits the two classes" in fit.reason
    assert np.all(np.isfinite(fit.w)) and np.all(s * (X @ fit.w + fit.b) > 0)  # it splits
    limits = learning_rate_limits(X, y)
    assert limits.no_optimum and limits.reason.startswith("There is no finite best fit")


def unit_scale_fit(y):
    """The best fit on x = 1, 2, 3, 4 without L2, by scipy (w, b, loss)."""
    from scipy.optimize import minimize

    s = 2 * y - 1

    def loss(theta):
        return np.mean(np.logaddexp(0, -s * (theta[0] * FOUR + theta[1])))

    found = minimize(loss, [0.0, 0.0], method="BFGS", options={"gtol": 1e-12})
    return found.x[0], found.x[1], found.fun


@pytest.mark.parametrize("unit", [1e-300, 1e-100, 1e100])
def test_the_best_fit_without_l2_is_the_same_in_any_units(unit):
    """Labels 0, 1, 0, 1 overlap: the best fit is that of x = 1..4 with w in the new unit."""
    y = np.array([0.0, 1.0, 0.0, 1.0])
    w, b, loss = unit_scale_fit(y)
    fit = fit_exact((FOUR * unit)[:, None], y)
    assert fit.converged and fit.loss == pytest.approx(loss, rel=1e-9)
    assert fit.w[0] * unit == pytest.approx(w, rel=1e-6) and fit.b == pytest.approx(b, rel=1e-6)


def test_a_best_fit_beyond_the_largest_double_is_not_called_found():
    """In units of 1e-310 the weight of the same best fit is 0.908 / 1e-310 = 9.1e309."""
    y = np.array([0.0, 1.0, 0.0, 1.0])
    w, _, _ = unit_scale_fit(y)
    assert w > np.finfo(float).max * 1e-310
    fit = fit_exact((FOUR * 1e-310)[:, None], y)
    assert not fit.converged and not fit.separable
    assert "beyond 1.8e308, the largest double" in fit.message


@pytest.mark.parametrize("l2", [1e-300, 1e-200, 0.1, 100.0])
def test_with_l2_a_best_fit_flat_to_rounding_is_found(l2):
    """x = 1e-300 to 4e-300, labels 0, 0, 1, 1: every logit w x + b underflows to 0 near the
    best fit, so the loss is ln 2 whatever w is, and no step lowers it. By hand, with every
    p = 1/2: dJ/dw = mean((1/2 - y) x) + λ w = -5e-301 + λ w, and dJ/db = mean(p - y) = 0,
    so the best fit is w = 5e-301 / λ (b within 1e-599 of 0)."""
    X, y = (FOUR * 1e-300)[:, None], np.array([0.0, 0.0, 1.0, 1.0])
    assert np.mean((0.5 - y) * X[:, 0]) == pytest.approx(-5e-301, rel=1e-15)
    fit = fit_exact(X, y, l2)
    assert fit.converged, fit.message
    assert fit.w[0] == pytest.approx(5e-301 / l2, rel=1e-12) and abs(fit.b) < 1e-290
    assert fit.loss == pytest.approx(np.log(2), rel=1e-15)


def test_a_far_iterate_whose_gradient_is_its_own_size_is_no_best_fit():
    """Features of 1e100 with λ = 1e-300: in the feature's units the penalty is 1e-500, and
    the best fit's loss far below any double. Newton's method stopped with the loss at
    3.2e-308 and was called converged, its gradient small against the size the terms could
    have (|p - y| = 1), not against the size they have: written out here, a fifth of it."""
    X, y = (FOUR * 1e100)[:, None], np.array([0.0, 0.0, 1.0, 1.0])
    fit = fit_exact(X, y, 1e-300)
    assert not fit.converged
    s = 2 * y - 1
    error = -s * np.exp(-np.logaddexp(0, s * (X[:, 0] * fit.w[0] + fit.b)))  # p - y
    terms = error * X[:, 0]
    assert abs(np.mean(terms) + 1e-300 * fit.w[0]) > 0.1 * np.mean(np.abs(terms))
    assert learning_rate_limits(X, y, 1e-300).reason.startswith("A best fit exists")
