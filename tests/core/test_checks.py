"""The gradient check's criterion and the three facts behind the gradient."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import (
    checks,
    gradient_rounding,
    load_dataset,
    loss_and_gradients,
    loss_rounding,
    train,
)
from logreg_core.checks import derivative_signs, lost_derivatives, underflowed_gradient


def test_correct_gradient_passes_with_and_without_l2(cancer_std):
    X, y = cancer_std
    history = train(X, y, learning_rate=0.5, steps=20)
    for l2 in (0.0, 0.01):
        check = checks.gradient_check(X, y, history.weights[-1], history.bias[-1], l2)
        assert check.finite and check.passed.all()
        assert check.analytic.shape == (31,)


def test_a_wrong_gradient_fails(cancer_std, monkeypatch):
    X, y = cancer_std
    real = checks.loss_and_gradients

    def off_by_a_tenth_of_a_percent(*args):
        grad = real(*args)
        return type(grad)(**{**grad.__dict__, "dw": grad.dw * 1.001})

    monkeypatch.setattr(checks, "loss_and_gradients", off_by_a_tenth_of_a_percent)
    check = checks.gradient_check(X, y, np.full(30, 0.1), 0.2)
    assert not check.passed[:-1].any() and check.passed[-1]  # the bias was not tampered with


def test_near_the_optimum_a_tiny_correct_gradient_passes():
    # 20 students after 20,000 steps: |g| ~ 1e-16, where a relative error alone is noise
    data = load_dataset("wikipedia_students")
    history = train(data.X, data.y, learning_rate=0.5, steps=20_000)
    check = checks.gradient_check(data.X, data.y, history.weights[-1], history.bias[-1])
    assert np.abs(check.analytic).max() < 1e-12
    relative = np.abs(check.difference) / np.maximum(np.abs(check.analytic),
                                                     np.abs(check.numeric))
    assert relative.max() > 1e-6  # the old relative-only criterion would have failed it
    assert check.passed.all()


def test_overflowing_neighbours_are_reported_not_shown(five_points):
    X, y = five_points
    # the last finite state of a run at l2 = 100 that blows up: J is finite, 8 J is not
    check = checks.gradient_check(X, y, [1.8e153], 0.0, l2=100.0)
    assert not check.finite and not check.passed.any()
    assert np.all(np.isfinite(check.numeric))


@pytest.mark.parametrize("w", [-2.99e149, 1e12])
def test_a_nudge_lost_in_a_large_parameter_checks_nothing(five_points, w):
    """Found by a walk: at w = -3e149 (η = 100, λ = 100) w + h == w for h = 2e-4, the four
    losses were one number and the "central difference" -7e287 was rounding, yet it "agreed"
    under an allowance of 5e290. By hand: the stored nudge w + 2h - (w - 2h) is not 4h."""
    X, y = five_points
    h = 1e-3 / 5  # rel_step over the largest |x|
    assert (w + 2 * h) - (w - 2 * h) != pytest.approx(4 * h, rel=1e-6)
    check = checks.gradient_check(X, y, [w], 0.0, l2=100.0)
    assert check.finite and not check.resolved and not check.checked
    assert not check.passed.any()


def test_an_ordinary_parameter_is_resolved(five_points):
    check = checks.gradient_check(*five_points, [2.197], -6.593)
    assert check.resolved and check.checked and check.passed.all()


@pytest.mark.parametrize(("z", "y"), [(0.3, 1.0), (-2.0, 0.0), (12.0, 1.0), (-30.0, 1.0)])
def test_why_facts_hold(z, y):
    facts = checks.why_facts(z, y, x=2.5)
    p = 1 / (1 + math.exp(-z))
    assert facts.p == pytest.approx(p, rel=1e-12)
    assert facts.slope == pytest.approx(p * (1 - p), rel=1e-9)
    assert facts.slope_numeric == pytest.approx(facts.slope, rel=1e-6)
    assert facts.chain == pytest.approx(facts.error, rel=1e-9)
    assert facts.error == pytest.approx(p - y, rel=1e-9, abs=1e-15)
    assert facts.log_odds == pytest.approx(z, rel=1e-9)


def test_why_facts_at_saturation_skip_what_cannot_be_evaluated():
    facts = checks.why_facts(800.0, 1.0, x=1.0)
    assert facts.q == 0.0 and facts.chain is None and facts.log_odds is None
    assert facts.error == 0.0 and facts.slope == 0.0


@pytest.mark.parametrize("z", [720.0, 745.0, -720.0, -745.0])
def test_why_facts_below_the_normal_range_are_not_checked(z):
    """Found by the state hunt: at z = 745, 1 - p = 4.9e-324 keeps one bit, so the slope
    "computed two ways" was 4.9e-324 and 0 (relative difference 1), and log(p / q) was
    1/4.9e-324 = inf against z = 745. Below the smallest normal double nothing is checked."""
    facts = checks.why_facts(z, 1.0 if z > 0 else 0.0, x=1.0)
    assert 0 < min(facts.p, facts.q) < np.finfo(float).tiny or min(facts.p, facts.q) == 0
    assert facts.slope_numeric is None and facts.chain is None and facts.log_odds is None
    assert facts.error == pytest.approx(-math.exp(-abs(z)) if z > 0 else math.exp(-abs(z)),
                                        abs=1e-323)


@pytest.mark.parametrize("z", [700.0, -700.0, 35.0])
def test_why_facts_just_inside_the_normal_range_hold(z):
    facts = checks.why_facts(z, 1.0, x=1.0)
    exact_q = math.exp(-abs(z)) / (1 + math.exp(-abs(z)))  # the smaller of p and 1 - p
    assert facts.slope == pytest.approx(exact_q * (1 - exact_q), rel=1e-12)
    assert facts.slope_numeric == pytest.approx(facts.slope, rel=1e-6)
    assert facts.log_odds == pytest.approx(z, rel=1e-12)
    assert facts.chain == pytest.approx(facts.error, rel=1e-12)


def _exact_loss_and_gradient(z, X, y, w, l2):
    """J and (dw, db) at 40 digits from the pass's own logits (mpmath: no float rounding)."""
    import mpmath

    mpmath.mp.dps = 40
    n = len(y)
    # Each written without a cancellation (even 40 digits lose 1 - 1/(1 + 1e-77)): with
    # s = 2y - 1, p - y = -s / (1 + e^(s z)) and the loss is log(1 + e^(-s z)).
    signs = [2 * int(t) - 1 for t in y]
    z = [mpmath.mpf(float(v)) for v in z]
    errors = [-s / (1 + mpmath.exp(s * v)) for v, s in zip(z, signs, strict=True)]
    losses = [mpmath.log1p(mpmath.exp(-s * v)) for v, s in zip(z, signs, strict=True)]
    penalty = mpmath.mpf(l2) / 2 * sum(mpmath.mpf(float(v)) ** 2 for v in w)
    loss = sum(losses) / n + penalty
    dw = [sum(e * mpmath.mpf(float(x)) for e, x in zip(errors, X[:, j], strict=True)) / n
          + mpmath.mpf(l2) * mpmath.mpf(float(w[j])) for j in range(X.shape[1])]
    db = sum(errors) / n
    return loss, [*dw, db]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), d=st.integers(1, 3), seed=st.integers(0, 2**32 - 1),
       scale=st.sampled_from([0.1, 1.0, 10.0, 30.0]), l2=st.sampled_from([0.0, 0.1, 10.0]))
def test_the_rounding_bounds_hold_against_exact_arithmetic(n, d, seed, scale, l2):
    """`loss_rounding` and `gradient_rounding` bound the distance of the computed J and
    gradient from the exact ones at the pass's own logits (40-digit arithmetic), from a
    fair fit to saturated logits of ±300."""
    import mpmath

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.choice([0.5, 3.0, 10.0], size=d)
    y = rng.integers(0, 2, size=n)
    w, b = rng.normal(size=d) * scale, float(rng.normal() * scale)
    grad_pass = loss_and_gradients(X, y, w, b, l2)
    loss, gradient = _exact_loss_and_gradient(grad_pass.z, X, y, w, l2)
    computed = [*grad_pass.dw, grad_pass.db]
    assert abs(mpmath.mpf(float(grad_pass.loss)) - loss) <= loss_rounding(grad_pass)
    for value, exact, bound in zip(computed, gradient, gradient_rounding(grad_pass),
                                   strict=True):
        assert abs(mpmath.mpf(float(value)) - exact) <= bound


def test_at_the_best_fit_the_gradient_is_zero_to_rounding():
    """What the bound is for: 20 students after 20,000 steps, where the computed gradient is
    noise of about 1e-17, every partial derivative lies within it."""
    data = load_dataset("wikipedia_students")
    history = train(data.X, data.y, learning_rate=0.5, steps=20_000)
    grad_pass = loss_and_gradients(data.X, data.y, history.weights[-1], history.bias[-1])
    computed = np.append(grad_pass.dw, grad_pass.db)
    assert np.all(np.abs(computed) <= gradient_rounding(grad_pass))
    assert np.all(gradient_rounding(grad_pass) < 1e-14)


def _hand_loss(X, y, theta, l2):
    """J at theta = (w, b), written here: mean log(1 + e^(-s z)) + λ/2 |w|², s = 2y - 1."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = X @ theta[:-1] + theta[-1]
        # λ/2 w first, then times w: w² alone overflows at |w| = 1.4e154, λ/2 w² need not
        return float(np.mean(np.logaddexp(0.0, -(2 * y - 1) * z))
                     + np.sum(l2 / 2 * theta[:-1] * theta[:-1]))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(["five_points", "wikipedia_students", "iris_petals",
                             "breast_cancer", "student"]),
       std=st.booleans(), l2=st.sampled_from([0.0, 0.0, 0.1, 1.0, 100.0]),
       rate=st.floats(-4, 3).map(lambda e: 10.0**e),
       start=st.sampled_from(["zero", "slider", "far"]), seed=st.integers(0, 2**32 - 1),
       steps=st.integers(1, 2000), pick=st.floats(0, 1))
def test_a_run_the_page_can_reach_passes_its_gradient_check(name, std, l2, rate, start,
                                                            seed, steps, pick):
    """Along runs a learner can set up (any data set, rate, L2 and start the controls and
    links allow, up to divergence), the correct gradient always passes its check where it
    can be checked, so the page's "A disagreement means the formula or the code is wrong"
    never shows for a right formula; and where it cannot be checked, the reason the page
    gives holds by hand: a nudged loss, or the stencil's 8 times it, overflows, or a stored
    nudge is off by more than NUDGE_LIMIT of its size."""
    from logreg_core import Standardizer

    data = load_dataset(name)
    X = data.X
    if std and name != "student":
        X = Standardizer.fit(X, list(data.feature_names)).transform(X)
    rng = np.random.default_rng(seed)
    spread = {"zero": 0.0, "slider": 10.0, "far": 200.0}[start]
    w0 = rng.uniform(-spread, spread, X.shape[1])
    b0 = float(rng.uniform(-spread, spread))
    history = train(X, data.y, learning_rate=rate,
                    steps=min(steps, 200) if name == "breast_cancer" else steps,
                    w0=w0, b0=b0, l2=l2)
    k = round(pick * history.steps_run)
    w, b = history.weights[k], float(history.bias[k])
    check = checks.gradient_check(X, data.y, w, b, l2)
    if check.checked:
        assert check.passed.all(), (np.abs(check.difference) / check.allowed).max()
        return
    assert not check.passed.any()
    theta = np.append(w, b)
    nudges = [theta + m * h * np.eye(theta.size)[j] for j, h in enumerate(check.steps)
              for m in (-2, -1, 1, 2)]
    losses = [_hand_loss(X, data.y, t, l2) for t in nudges]
    # the stencil adds 8 times a loss: beyond 1.8e308 / 8 its difference overflows too
    overflows = not all(np.isfinite(losses)) or 8 * max(losses) > np.finfo(float).max
    lost = any(abs(((t + m * h) - t) - m * h) > checks.NUDGE_LIMIT * abs(m) * h
               for t, h in zip(theta, check.steps, strict=True) for m in (-2, -1, 1, 2))
    assert overflows or lost
    assert check.finite == (not overflows)


def test_a_loss_change_keeps_only_the_digits_rounding_leaves():
    """Found by a walk: at J = 14580 a step of η = 1e-12 changed the loss by 8.3e-12 (exact
    arithmetic), and the page printed the float difference, -5.456968211e-12, to 10 digits.
    By hand: two losses near 14580 are each good to about 14 ulps (9e-11), so such a change
    has no certain digit; 0.6931 -> 0.1711 keeps far more than 4."""
    from logreg_core.checks import change_digits

    assert change_digits(14580.6652, 14580.6652 - 5.5e-12, 569) == 0
    assert change_digits(0.6931471805599453, 0.1711, 5) >= 10
    assert change_digits(3000.0, 3000.0 - 3.5e-11, 1) == 1  # 3.3 times the rounding


def test_a_loss_change_shown_to_its_certain_digits_is_within_its_rounding_of_the_exact():
    """The student from w = (1000, -1000), b = -1000, one step of η = 1e-12: the change of J
    is -3.5e-11 in exact arithmetic (mpmath, from the stored states); the float difference
    and its one certain digit both lie within the rounding bound of it."""
    import mpmath

    from logreg_core.checks import change_digits, loss_rounding_of

    mpmath.mp.dps = 40
    data = load_dataset("student")
    history = train(data.X, data.y, learning_rate=1e-12, steps=1, w0=[1000.0, -1000.0],
                    b0=-1000.0)
    exact = [mpmath.log1p(mpmath.exp(-(mpmath.mpf(float(w @ data.X[0])) + mpmath.mpf(
        float(b))))) for w, b in zip(history.weights, history.bias, strict=True)]
    change = float(exact[1] - exact[0])
    first, last = float(history.loss[0]), float(history.loss[1])
    digits = change_digits(first, last, 1)
    bound = loss_rounding_of(first, 1) + loss_rounding_of(last, 1)
    shown = float(f"{last - first:.{digits}g}")
    assert digits == 1 and abs(shown - change) <= bound + 0.5e-11


@pytest.mark.parametrize("z", [1e-17, -1e-300, 1e-9])
def test_the_log_odds_is_not_checked_where_p_holds_few_of_zs_digits(z):
    """Found by a walk: at z = 1e-17, p = σ(z) is 0.5 exactly, so log(p / (1 - p)) = 0 and
    the page said "computed two ways: 0 and 1e-17 (relative difference 1.0)". By hand: p is
    0.5 + z/4 held to half an ulp of 0.5 (5.6e-17), so below 1e-7 the log-odds keeps fewer
    than 9 of z's digits; at z = 0 and from 1e-7 on it is checked and agrees."""
    p = 1 / (1 + math.exp(-z))
    assert abs(math.log(p / (1 - p)) - z) > 1e-8 * abs(z)  # by hand: the digits are gone
    assert checks.why_facts(z, 1.0, x=1.0).log_odds is None
    for kept in (0.0, 1e-7, -3e-6):
        facts = checks.why_facts(kept, 1.0, x=1.0)
        assert facts.log_odds == pytest.approx(kept, rel=1e-8, abs=0.0)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(scale=st.floats(0.5, 5.0), far=st.floats(800.0, 3000.0),
       signs=st.lists(st.sampled_from([-1.0, 1.0]), min_size=2, max_size=2))
def test_a_gradient_whose_terms_underflow_keeps_its_exact_sign(scale, far, signs):
    """Found by a lesson walk: at z = 2338 on the one student Predict first said "dw is zero:
    the loss is flat in that direction", where the exact dw is -1.3e-1015. Reference: every
    term at 50 digits in mpmath, from the logits as computed."""
    import mpmath

    mpmath.mp.dps = 50
    X = np.array([[1.0, signs[0] * scale], [2.0, 0.5], [3.0, signs[1]]])
    y = np.array([0.0, 1.0, 1.0])
    w, b = np.array([far, 0.0]), -far * 1.5  # z = -far/2, far/2, 3 far/2: each on its side
    grad_pass = loss_and_gradients(X, y, w, b)
    z = grad_pass.z
    assert np.all(np.abs(z) >= 400)
    errors = [(-1 / (1 + mpmath.exp(mpmath.mpf(zi))) if yi else
               1 / (1 + mpmath.exp(-mpmath.mpf(zi)))) for zi, yi in zip(z, y, strict=True)]
    A = np.column_stack([X, np.ones(3)])
    exact = [sum(e * mpmath.mpf(a) for e, a in zip(errors, A[:, j], strict=True)) / 3
             for j in range(3)]
    lost = underflowed_gradient(X, y, z)
    for j, value in enumerate(exact):
        sizes = [abs(e * mpmath.mpf(a)) for e, a in zip(errors, A[:, j], strict=True)]
        assert lost.underflowed[j] == (max(sizes) < mpmath.mpf(np.finfo(float).tiny))
        if abs(value) <= 64 * np.finfo(float).eps * sum(sizes) / 3:  # cancels within the
            assert lost.sign[j] in (0, mpmath.sign(value))  # rounding of its terms
            continue
        assert lost.sign[j] == mpmath.sign(value)
        assert lost.log10_size[j] == pytest.approx(float(mpmath.log10(abs(value))), abs=1e-9)
    signs_found = derivative_signs(X, y, grad_pass)
    computed = np.append(grad_pass.dw, grad_pass.db)
    for j in range(3):
        if lost.underflowed[j]:
            assert signs_found[j] == lost.sign[j]
        else:  # beyond the rounding of its terms, the computed sign is the exact one
            assert signs_found[j] in (0, np.sign(computed[j]))
    # what the tables and formulas write where the computed derivative is 0: the exact value
    lost_sign, lost_size = lost_derivatives(X, y, grad_pass)
    for j, value in enumerate(exact):
        if computed[j] != 0 or not lost.underflowed[j] or lost.sign[j] == 0:
            assert lost_sign[j] == 0
            continue
        assert lost_sign[j] == mpmath.sign(value)
        assert lost_size[j] == pytest.approx(float(mpmath.log10(abs(value))), abs=1e-9)


FINITE = st.floats(-1e6, 1e6, allow_subnormal=True) | st.floats(-1e-300, 1e-300)


@settings(max_examples=300, deadline=None)
@given(n_features=st.integers(1, 8), data=st.data())
def test_the_logit_rounding_bounds_the_computed_logits_error(n_features, data):
    """Each logit the pass computes is within `checks.logit_rounding` of the exact value of
    x · w + b for the doubles given, computed here in fractions (exact)."""
    from fractions import Fraction

    X = np.array(data.draw(st.lists(st.lists(FINITE, min_size=n_features,
                                             max_size=n_features), min_size=1, max_size=5)))
    w = np.array(data.draw(st.lists(FINITE, min_size=n_features, max_size=n_features)))
    b = data.draw(FINITE)
    y = np.arange(len(X)) % 2
    z = loss_and_gradients(X, y, w, b).z
    bound = checks.logit_rounding(X, w, b)
    for row, value, allowed in zip(X, z, bound, strict=True):
        exact = sum(Fraction(v) * Fraction(c) for v, c in zip(row, w, strict=True)) + Fraction(b)
        assert abs(Fraction(float(value)) - exact) <= Fraction(float(allowed)), (row, w, b)


def test_the_logit_rounding_is_a_few_ulps_of_the_terms():
    """By hand: at x = 3, w = 100, b = -340 the terms are 300 and 340, so the bound is
    2 eps (300 + 340) plus the smallest normal double."""
    bound = checks.logit_rounding(np.array([[3.0]]), np.array([100.0]), -340.0)
    assert bound[0] == 2 * np.finfo(float).eps * 640 + np.finfo(float).tiny


def test_a_logit_every_product_of_which_underflowed_reads_its_exact_value():
    """A walk: x = 1e-300 at w = 1.25e-297 computes z = 0, exactly 1.25e-597 (mpmath, from
    the doubles' own values); where the computed logit stands, or the exact one is 0, no
    sign. A sweep of products below the smallest double, with a bias that cancels or not."""
    import mpmath

    from logreg_core.checks import lost_logit

    for x, w, b in [([1e-300], [1.25e-297], 0.0), ([3e-200, -2e-170], [1e-150, 5e-160], 0.0),
                    ([-1e-300, 1e-300], [2e-100, 2e-100], 0.0), ([1.0], [0.5], -0.5),
                    ([1e-300], [1e-300], 1e-320)]:
        z = float(np.dot(x, w) + b)
        sign, size = lost_logit(np.array(x), np.array(w), b, z)
        exact = mpmath.fsum(mpmath.mpf(a) * mpmath.mpf(t) for a, t in zip(x, w, strict=True))
        exact += mpmath.mpf(b)
        if z != 0 or exact == 0:
            assert sign == 0, (x, w, b)
            continue
        assert sign == mpmath.sign(exact)
        assert abs(size - float(mpmath.log10(abs(exact)))) < 1e-12, (x, w, b, size)
