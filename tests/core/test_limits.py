"""Learning-rate limits, the first rising rate and the max-margin direction, checked against
independent computations (scikit-learn's optimum, finite differences, scipy's optimizers) and
against what gradient descent actually does."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize, nnls
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from logreg_core import (
    learning_rate_sweep,
    load_dataset,
    loss_and_gradients,
    mean_loss,
    train,
)
from logreg_core.limits import (
    first_rising_rate,
    hessian,
    learning_rate_limits,
    max_margin_direction,
)
from logreg_core.verdicts import classify_run


@pytest.fixture(scope="module")
def one_student():
    data = load_dataset("student")
    return data.X, data.y




def augmented(X):
    return np.column_stack([X, np.ones(len(X))])


def sklearn_hessian_top(X, y, l2):
    """Largest Hessian eigenvalue at scikit-learn's optimum, built here from the formula."""
    if l2 == 0:
        model = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
    else:
        model = LogisticRegression(C=1.0 / (l2 * len(y)), tol=1e-12, max_iter=10_000)
    model.fit(X, y)
    A = augmented(X)
    p = 1.0 / (1.0 + np.exp(-(A @ np.append(model.coef_.ravel(), model.intercept_))))
    H = A.T @ (A * (p * (1 - p))[:, None]) / len(y)
    H[:-1, :-1] += l2 * np.eye(X.shape[1])
    return np.linalg.eigvalsh(H)[-1]


def rises(loss):
    loss = np.asarray(loss)
    return np.flatnonzero(np.diff(loss) > 1e-12 * np.abs(loss[1:])) + 1


# --------------------------------------------------------------------------------------------
# The limits
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_both_limits_on_the_students_match_independent_eigenvalues(students, l2):
    X, y = students
    limits = learning_rate_limits(X, y, l2)
    A = augmented(X)
    mu_max = np.linalg.eigvalsh(A.T @ A)[-1]
    assert limits.mu_max == pytest.approx(mu_max, rel=1e-12)
    assert limits.guaranteed == pytest.approx(2 / (mu_max / (4 * len(y)) + l2), rel=1e-12)
    assert limits.local == pytest.approx(2 / sklearn_hessian_top(X, y, l2), rel=1e-6)
    assert limits.local > limits.guaranteed  # the optimum is flatter than the worst case
    assert not limits.separable and limits.reason == ""


@pytest.mark.parametrize("name", ["five_points", "wikipedia_students", "iris_petals",
                                  "student", "breast_cancer"])
@pytest.mark.parametrize("l2", [0.0, 1.0])
def test_l_is_the_largest_curvature_without_l2_and_only_bounds_it_with(name, l2):
    """What the page says L is: without L2 the loss bends by exactly L at w = 0, b = 0 (every
    p = 1/2, where p(1 - p) is largest); with L2, which leaves the bias out, L = μmax/4n + λ
    bounds the largest curvature (here strictly, if by as little as 1e-12 on breast cancer,
    whose largest direction hardly involves the bias). The Hessian is built here from its
    formula, and its largest eigenvalue anywhere is where every p(1 - p) is 1/4."""
    data = load_dataset(name)
    limits = learning_rate_limits(data.X, data.y, l2)
    A = augmented(data.X)
    H = A.T @ A / (4 * len(data.y))
    H[:-1, :-1] += l2 * np.eye(data.X.shape[1])
    top = np.linalg.eigvalsh(H)[-1]
    L = 2 / limits.guaranteed
    if l2 == 0:
        assert top == pytest.approx(L, rel=1e-12)
    else:
        assert top < L


def test_the_students_figures_of_the_issue(students):
    limits = learning_rate_limits(*students)
    assert limits.guaranteed == pytest.approx(0.7458, abs=1e-4)
    assert limits.local == pytest.approx(1.804, abs=1e-3)
    assert limits.optimum_loss == pytest.approx(0.401494, abs=1e-6)


def test_the_hessian_at_the_optimum_matches_finite_differences_of_the_gradient(students):
    X, y = students
    l2 = 0.01
    limits = learning_rate_limits(X, y, l2)
    theta = limits.optimum
    h = 1e-5
    columns = []
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = h
        plus = loss_and_gradients(X, y, (theta + step)[:-1], (theta + step)[-1], l2)
        minus = loss_and_gradients(X, y, (theta - step)[:-1], (theta - step)[-1], l2)
        columns.append((np.append(plus.dw, plus.db) - np.append(minus.dw, minus.db)) / (2 * h))
    numeric = np.array(columns)
    assert np.allclose(numeric, hessian(X, y, theta[:-1], theta[-1], l2), atol=1e-7)
    assert limits.hessian_mu_max == pytest.approx(
        np.linalg.eigvalsh((numeric + numeric.T) / 2)[-1], rel=1e-6
    )
    assert limits.hessian_mu_min == pytest.approx(
        np.linalg.eigvalsh((numeric + numeric.T) / 2)[0], rel=1e-5
    )


def test_standardized_breast_cancer_with_l2_matches_scikit_learn(cancer_std):
    X, y = cancer_std
    limits = learning_rate_limits(X, y, 0.01)
    assert limits.local == pytest.approx(2 / sklearn_hessian_top(X, y, 0.01), rel=1e-5)
    assert limits.separable  # without L2 there would be no optimum


@pytest.mark.parametrize("name", ["five_points", "breast_cancer"])
def test_separable_data_without_l2_have_no_local_limit(name):
    data = load_dataset(name)
    limits = learning_rate_limits(data.X, data.y)
    assert limits.separable and limits.local is None and limits.hessian_mu_max is None
    assert limits.optimum_loss is None
    assert "no finite best fit" in limits.reason and "splits the two classes" in limits.reason
    assert limits.guaranteed > 0


@pytest.mark.parametrize("l2", [0.0, 0.01])
def test_one_student_has_no_optimum_even_with_l2(one_student, l2):
    limits = learning_rate_limits(*one_student, l2)
    assert limits.local is None
    assert "every label is" in limits.reason and "bias" in limits.reason


# --------------------------------------------------------------------------------------------
# The claims of the issue, run by gradient descent
# --------------------------------------------------------------------------------------------


def test_every_rate_up_to_the_local_limit_reaches_the_students_optimum(students):
    X, y = students
    limits = learning_rate_limits(X, y)
    rates = np.linspace(0.94, 1.7, 20)
    sweep = learning_rate_sweep(X, y, rates, steps=2000)
    assert np.all(np.abs(sweep.final_loss - 0.401494) < 1e-6)
    assert np.all(np.abs(sweep.final_loss - limits.optimum_loss) < 1e-10)
    assert np.all(rates > limits.guaranteed) and np.all(rates < limits.local)
    # Above the guarantee, some of them did raise the loss on the way.
    assert all(rises(row).size > 0 for row in sweep.loss[rates >= 1.27])


def test_above_the_local_limit_descent_cannot_settle_at_the_optimum(students):
    X, y = students
    limits = learning_rate_limits(X, y)
    for rate in (1.03 * limits.local, 2.29):
        loss = train(X, y, learning_rate=rate, steps=3000).loss
        verdict = classify_run(loss)
        assert verdict.kind == "oscillating" and verdict.period == 2
        assert verdict.low > limits.optimum_loss + 1e-4
    loss = train(X, y, learning_rate=2.29, steps=3000).loss
    assert np.sort(loss[-2:]) == pytest.approx([0.4614, 0.5084], abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["five_points", "wikipedia_students", "student", "breast_cancer"]),
    fraction=st.floats(0.05, 1.0),
    w0=st.floats(-5, 5),
    b0=st.floats(-5, 5),
    l2=st.sampled_from([0.0, 0.01, 1.0]),
)
def test_rates_up_to_the_guarantee_never_raise_the_loss(name, fraction, w0, b0, l2):
    data = load_dataset(name)
    limits = learning_rate_limits(data.X, data.y, l2)
    start = np.full(data.n_features, w0)
    loss = train(data.X, data.y, learning_rate=fraction * limits.guaranteed, steps=60,
                 w0=start, b0=b0, l2=l2).loss
    assert rises(loss).size == 0


def test_on_the_five_points_every_fixed_rate_ends_below_log_2_and_the_largest_lowest(
    five_points,
):
    X, y = five_points
    rates = np.geomspace(1e-4, 10, 40)
    sweep = learning_rate_sweep(X, y, rates, steps=200)
    assert np.all(sweep.final_loss < np.log(2))
    assert np.argmin(sweep.final_loss) == rates.size - 1
    assert rises(sweep.loss[-1]).size > 0  # eta = 10 oscillated early on


def test_the_one_student_never_rises_at_any_rate(one_student):
    X, y = one_student
    for rate in (1.0, 1e2, 1e4):
        assert rises(train(X, y, learning_rate=rate, steps=100, w0=[0.1, -0.2]).loss).size == 0
    assert first_rising_rate(X, y, [0.1, -0.2], 0.0, high=1e6) is None


# --------------------------------------------------------------------------------------------
# The first rising rate
# --------------------------------------------------------------------------------------------


def one_step_change(X, y, w, b, l2):
    start = loss_and_gradients(X, y, w, b, l2)
    w = np.asarray(w, dtype=float)

    def change(rate):
        return mean_loss(X, y, w - rate * start.dw, b - rate * start.db, l2) - start.loss

    return change


def test_first_rising_rate_on_the_five_points_from_zero(five_points):
    X, y = five_points
    rate = first_rising_rate(X, y, [0.0], 0.0)
    change = one_step_change(X, y, [0.0], 0.0, 0.0)
    assert rate == pytest.approx(brentq(change, 0.9, 1.2, xtol=1e-14), rel=1e-9)
    assert rate == pytest.approx(1.0338, abs=1e-4)
    grid = np.linspace(1e-3, rate, 2000)[:-1]
    assert max(change(r) for r in grid) < 0  # nothing rises earlier
    assert change(rate) > 0
    # The issue's 0.767 is not a one-step figure: one step at 0.767 lowers the loss.
    assert change(0.767) < 0


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["five_points", "wikipedia_students"]),
    w0=st.floats(-4, 4),
    b0=st.floats(-6, 6),
    l2=st.sampled_from([0.0, 0.1]),
)
def test_first_rising_rate_matches_a_brute_force_scan(name, w0, b0, l2):
    data = load_dataset(name)
    X, y = data.X, data.y
    rate = first_rising_rate(X, y, [w0], b0, l2, high=100.0)
    # The loss after one step at each of 4000 rates, from the textbook formula.
    start = loss_and_gradients(X, y, [w0], b0, l2)
    grid = np.geomspace(1e-3, 100.0, 4000)
    w = w0 - grid[:, None] * start.dw  # (rates, 1)
    z = (X[:, 0][None, :] * w) + (b0 - grid * start.db)[:, None]
    after = np.mean(np.logaddexp(0, z) - y * z, axis=1) + 0.5 * l2 * w[:, 0] ** 2
    up = grid[after - start.loss > 1e-12 * start.loss]
    if rate is None:
        assert up.size == 0
        return
    assert rate >= learning_rate_limits(X, y, l2).guaranteed  # the descent lemma
    assert up.size and rate <= up[0] * (1 + 1e-9)
    assert rate == pytest.approx(up[0], rel=4e-3)  # the grid's spacing


def test_no_rate_raises_the_loss_at_the_optimum(students):
    limits = learning_rate_limits(*students)
    w, b = limits.optimum[:-1], limits.optimum[-1]
    rate = first_rising_rate(*students, w, b)
    # The gradient there is rounding noise: any rise is too small to count.
    assert rate is None or rate > limits.local


# --------------------------------------------------------------------------------------------
# The max-margin direction
# --------------------------------------------------------------------------------------------


def slsqp_direction(X, y):
    """Hard-margin separator of the augmented points by scipy's SLSQP on the primal."""
    Z = augmented(X) * (2 * y - 1)[:, None]
    result = minimize(
        lambda t: 0.5 * t @ t, np.ones(Z.shape[1]), jac=lambda t: t, method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda t: Z @ t - 1, "jac": lambda t: Z}],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    assert np.min(Z @ result.x) > 1 - 1e-8
    return result.x / np.linalg.norm(result.x)


def assert_kkt_certificate(X, y, direction):
    """Optimality: the direction is a nonnegative combination of the points at its margin."""
    Z = augmented(X) * (2 * y - 1)[:, None]
    margins = Z @ direction
    margin = margins.min()
    assert margin > 0
    support = margins <= margin * (1 + 1e-8)
    weights, residual = nnls(Z[support].T, direction)
    assert residual < 1e-9 and np.all(weights >= 0)


def test_max_margin_direction_of_the_five_points(five_points):
    direction = max_margin_direction(*five_points)
    assert direction == pytest.approx(np.array([2.0, -7.0]) / np.sqrt(53), abs=1e-14)


@pytest.mark.parametrize("which", ["raw", "standardized"])
def test_max_margin_direction_on_breast_cancer(cancer_raw, cancer_std, which):
    X, y = cancer_raw if which == "raw" else cancer_std
    direction = max_margin_direction(X, y)
    assert np.linalg.norm(direction) == pytest.approx(1.0, abs=1e-14)
    assert_kkt_certificate(X, y, direction)
    if which == "standardized":  # SLSQP is precise here; raw features are too ill-scaled
        assert np.linalg.norm(direction - slsqp_direction(X, y)) < 1e-8


def test_max_margin_direction_matches_scikit_learn_svc_on_random_separable_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 5))
    y = (X @ [1.0, -2.0, 0.5, 0.0, 1.0] + 0.4 > 0).astype(float)
    direction = max_margin_direction(X, y)
    assert np.linalg.norm(direction - slsqp_direction(X, y)) < 1e-8
    # SVC always fits an intercept; on the points z and -z its best intercept is 0.
    Z = augmented(X) * (2 * y - 1)[:, None]
    svc = SVC(kernel="linear", C=1e10, tol=1e-8).fit(
        np.vstack([Z, -Z]), np.r_[np.ones(len(Z)), -np.ones(len(Z))]
    )
    coef = svc.coef_.ravel()
    assert np.linalg.norm(direction - coef / np.linalg.norm(coef)) < 1e-4


def test_overlapping_or_touching_classes_have_no_max_margin_direction(students, overlapping):
    assert max_margin_direction(*students) is None
    assert max_margin_direction(*overlapping) is None
    # Two samples with the same x and different labels: no line splits them.
    assert max_margin_direction([[0.0], [1.0], [1.0], [2.0]], [0, 0, 1, 1]) is None


def test_one_student_runs_off_along_its_own_augmented_point(one_student):
    X, y = one_student
    a = augmented(X)[0] * (2 * y[0] - 1)
    assert max_margin_direction(X, y) == pytest.approx(a / np.linalg.norm(a), abs=1e-14)


def test_gradient_descent_heads_off_along_the_max_margin_direction(five_points):
    """Soudry et al. (2018): the direction converges, slowly (like 1 / log t)."""
    X, y = five_points
    direction = max_margin_direction(X, y)
    history = train(X, y, learning_rate=1.0, steps=10_000)
    angles = []
    for t in (100, 1_000, 10_000):
        theta = np.array([history.weights[t, 0], history.bias[t]])
        angles.append(np.arccos(min(1.0, theta @ direction / np.linalg.norm(theta))))
    assert angles[0] > angles[1] > angles[2] and angles[2] < 2e-3


def test_max_margin_direction_scales_to_many_samples():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(5_000, 30))
    y = (X @ rng.normal(size=30) + 0.2 > 0).astype(float)
    direction = max_margin_direction(X, y)
    assert_kkt_certificate(X, y, direction)
