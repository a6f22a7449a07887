"""When momentum, Nesterov and Adam runs diverge: the core's verdict against theory.

The landscape and the optimizer views say "diverges" from the core's measured verdict; for
gradient descent the limits of `test_regimes` hold that verdict to scipy's best fit. Here the
reference for the other optimizers is linear stability, derived in this file:

- Far from the data, the loss is the L2 penalty λ/2‖w‖² plus a part whose gradient is
  bounded (|∇| ≤ max |x|). Each weight then follows the optimizer's linear iteration on a
  quadratic of curvature λ, driven by a bounded force: it grows without bound when the
  iteration matrix's spectral radius ρ exceeds 1 (and overflows after about
  log(1e308)/(2 log ρ) steps), and it stays bounded when ρ < 1.
- The iteration matrices on a quadratic of curvature h, state (θ, v), are written out below
  from each method's textbook update; their eigenvalues come from numpy.
- Adam moves each parameter by at most η (1 − β₁) / √(1 − β₂) per step (Kingma and Ba,
  2015, section 2.1), so it can never overflow.
"""

import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logreg_core as lc
from logreg_core.verdicts import DIVERGING

#: Data of the page (name, standardized) with few samples, so each example runs in ms.
DATA = [("five_points", False), ("five_points", True), ("wikipedia_students", False),
        ("student", False), ("iris_petals", True)]
MOMENTUM_MAX = 0.99  # the page's largest β (dashboard.fields.MOMENTUM_MAX)
L2_MAX = 100.0  # the page's largest λ (dashboard.fields.L2_MAX)
#: Random runs per test; DESCENT_LAB_RUNS=2000 hunts longer (as DESCENT_LAB_STATES does).
RUNS = int(os.environ.get("DESCENT_LAB_RUNS", "60"))


def data(name, standardize):
    d = lc.load_dataset(name)
    X = lc.Standardizer.fit(d.X).transform(d.X) if standardize else d.X
    return np.asarray(X, float), np.asarray(d.y, float)


def heavy_ball_matrix(rate, beta, h):
    """v ← βv + hθ, θ ← θ − ηv on J = hθ²/2."""
    return np.array([[1 - rate * h, -rate * beta], [h, beta]])


def nesterov_matrix(rate, beta, h):
    """v ← βv + h(θ − ηβv), θ ← θ − ηv on J = hθ²/2."""
    return np.array([[1 - rate * h, -rate * beta * (1 - rate * h)],
                     [h, beta * (1 - rate * h)]])


MATRICES = {"momentum": heavy_ball_matrix, "nesterov": nesterov_matrix}


def radius(kind, rate, beta, h):
    return float(np.max(np.abs(np.linalg.eigvals(MATRICES[kind](rate, beta, h)))))


def test_heavy_ball_is_stable_below_two_times_one_plus_beta_by_hand():
    # r² − (1 + β − ηh) r + β = 0 has both roots inside the unit circle iff 0 < ηh < 2(1 + β)
    assert radius("momentum", 3.79, 0.9, 1.0) < 1 < radius("momentum", 3.81, 0.9, 1.0)
    # Nesterov's limit is lower: ηh < 2(1 + β) / (1 + 2β), 1.357 at β = 0.9
    assert radius("nesterov", 1.35, 0.9, 1.0) < 1 < radius("nesterov", 1.37, 0.9, 1.0)


def steps_to_overflow(rho):
    """Steps after which growth by ρ per step has taken |w| ~ 1 past the overflow of w²."""
    return math.ceil(math.log(1e160) / math.log(rho))


@settings(max_examples=RUNS, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(DATA), kind=st.sampled_from(sorted(MATRICES)),
       beta=st.floats(0.0, MOMENTUM_MAX), l2=st.floats(0.01, L2_MAX),
       rate_exponent=st.floats(-3.0, 3.0), w_scale=st.floats(-2.0, 2.0))
def test_momentum_runs_diverge_exactly_where_the_penalty_makes_them_unstable(
        which, kind, beta, l2, rate_exponent, w_scale):
    X, y = data(*which)
    rate = 10.0 ** rate_exponent
    rho = radius(kind, rate, beta, l2)
    if 0.99 <= rho <= 1.2:  # too close to the limit to be seen within a step budget
        return
    optimizer = lc.OPTIMIZERS[kind](rate, beta=beta)
    w0 = np.full(X.shape[1], w_scale)
    if rho > 1.2:
        steps = min(5_000, 2 * steps_to_overflow(rho) + 50)
        history = lc.train(X, y, optimizer=optimizer, steps=steps, w0=w0, l2=l2)
        assert history.verdict.kind == DIVERGING, (rho, history.verdict)
        assert history.verdict.stopped_at is not None, (rho, history.verdict)
    else:
        history = lc.train(X, y, optimizer=optimizer, steps=2_000, w0=w0, l2=l2)
        assert history.verdict.stopped_at is None, (rho, history.verdict)
        assert history.verdict.kind != DIVERGING, (rho, history.verdict)


@settings(max_examples=max(10, RUNS // 2), deadline=None)
@given(which=st.sampled_from(DATA), l2=st.sampled_from([0.0, 0.1, 10.0, L2_MAX]),
       rate_exponent=st.floats(-3.0, 3.0))
def test_adam_moves_each_parameter_by_at_most_its_bound_and_never_overflows(
        which, l2, rate_exponent):
    X, y = data(*which)
    rate = 10.0 ** rate_exponent
    optimizer = lc.OPTIMIZERS["adam"](rate)
    bound = rate * (1 - optimizer.beta1) / math.sqrt(1 - optimizer.beta2)
    history = lc.train(X, y, optimizer=optimizer, steps=500, l2=l2)
    theta = np.column_stack([history.weights, history.bias])
    assert np.max(np.abs(np.diff(theta, axis=0))) <= bound * (1 + 1e-9)
    assert history.verdict.stopped_at is None and history.verdict.basis != "overflow"


@pytest.mark.parametrize("kind", sorted(MATRICES))
def test_without_l2_no_momentum_run_overflows(kind):
    # the gradient is bounded by max |x| and the velocity by that over 1 − β: |θ| grows at
    # most linearly, and 2,000 steps at η = 1000 stay far below any overflow
    X, y = data("five_points", False)
    history = lc.train(X, y, optimizer=lc.OPTIMIZERS[kind](1000.0, beta=MOMENTUM_MAX),
                       steps=2_000)
    assert history.verdict.stopped_at is None
    g_max = float(np.max(np.abs(np.column_stack([X, np.ones(len(y))]))))
    reach = 2_000 * 1000.0 * g_max / (1 - MOMENTUM_MAX)  # steps · η · |v|max, from θ = 0
    theta = np.column_stack([history.weights, history.bias])
    assert np.max(np.abs(theta)) <= reach * (1 + 1e-9)
