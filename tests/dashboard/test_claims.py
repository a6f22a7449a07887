"""Every sentence the page states about the maths, recomputed here.

The page's text about learning rates (dashboard/explain.py, dashboard/views/*, the lesson and
the scenarios) makes claims; each test below computes one of them on the data the page shows
it for, independently of the page's own code where it can. Claims that are facts about the
core's results alone are checked once, in tests/core: "at or below 2/L no step raises the loss,
from any start" and "one student never rises" (test_limits.py, over random starts, rates and
L2), "on the 5 points every swept rate ends lower and the largest lowest" and "descent turns
towards the max-margin direction" (test_limits.py).
"""

import numpy as np
import pytest

import logreg_core as lc
from logreg_core.limits import first_rising_rate, learning_rate_limits, max_margin_direction


def data(name, standardize=False):
    d = lc.load_dataset(name)
    X = lc.Standardizer.fit(d.X).transform(d.X) if standardize else d.X
    return X, d.y


def test_first_rising_rate_is_above_the_guarantee_and_really_raises_the_loss():
    """"From your start, one step first raises the loss at η = …" """
    X, y = data("five_points")
    rate = first_rising_rate(X, y, [0.0], 0.0)
    guaranteed = lc.curvature_bound(X).guaranteed_rate
    assert rate > guaranteed
    before = lc.mean_loss(X, y, [0.0], 0.0)
    up = lc.step(X, y, [0.0], 0.0, rate * 1.001)
    down = lc.step(X, y, [0.0], 0.0, rate * 0.999)
    assert lc.mean_loss(X, y, up[0], up[1]) > before > lc.mean_loss(X, y, down[0], down[1])


def test_between_the_limits_a_run_can_rise_yet_settle_and_above_it_cannot():
    """"Between the two limits a step may raise the loss, yet the run can still settle; above
    2/μ* it cannot settle at the best fit" (20 students)."""
    X, y = data("wikipedia_students")
    limits = learning_rate_limits(X, y)
    between = lc.train(X, y, learning_rate=0.5 * (limits.guaranteed + limits.local), steps=4000)
    assert between.verdict.first_rise is not None
    assert between.loss[-1] == pytest.approx(limits.optimum_loss, rel=1e-9)
    above = lc.train(X, y, learning_rate=1.1 * limits.local, steps=4000)
    assert above.loss[-200:].min() > limits.optimum_loss * (1 + 1e-6)
    assert above.verdict.kind == "oscillating"


def test_with_l2_a_rate_above_two_over_lambda_blows_up():
    """"with L2 it can grow until the numbers overflow" (and the scenario's 2/λ)."""
    X, y = data("wikipedia_students")
    blown = lc.train(X, y, learning_rate=3.0, l2=1.0, steps=2000)
    assert blown.verdict.kind == "diverging" and blown.verdict.stopped_at is not None
    calm = lc.train(X, y, learning_rate=1.5, l2=1.0, steps=2000)  # below 2/λ = 2
    assert calm.verdict.stopped_at is None


def test_small_rates_halved_take_about_twice_the_steps():
    """"halve η and every stretch of the curve takes about twice as many steps" """
    X, y = data("wikipedia_students")
    target = 0.45
    steps = []
    for rate in (0.02, 0.01):
        history = lc.train(X, y, learning_rate=rate, steps=20_000)
        steps.append(int(np.argmax(history.loss <= target)))
    assert steps[1] / steps[0] == pytest.approx(2.0, rel=0.05)


def test_descent_turns_towards_the_max_margin_direction():
    """The landscape's ray: "the direction in which gradient descent's parameters run off in
    the long run"; the caption gives the angle at the inspected step."""
    # On the 5 points the turn is tests/core/test_limits.py's (the direction converges); on
    # standardized breast cancer it is slow: still far off after 2,000 steps.
    Xc, yc = data("breast_cancer", standardize=True)
    dc = max_margin_direction(Xc, yc)
    run = lc.train(Xc, yc, learning_rate=0.5, steps=2000)
    assert float(run.theta[-1] @ dc / np.linalg.norm(run.theta[-1])) < 0.9


def test_scaling_up_lowers_the_loss_only_for_a_separating_line():
    """The no-best-fit reason: "scaling up any (w, b) that draws such a line lowers the loss" """
    X, y = data("five_points")
    separating = np.array([2.0, -7.0])  # the line x = 3.5
    not_separating = np.array([1.0, -1.5])  # the line x = 1.5: x = 2 and 3 on the wrong side
    loss = lambda t: lc.mean_loss(X, y, t[:1], t[1])  # noqa: E731
    assert loss(3 * separating) < loss(2 * separating) < loss(separating)
    assert loss(3 * not_separating) > loss(not_separating)


def test_chaotic_runs_disagree_past_the_third_digit():
    """"past the third digit its numbers depend on how the computer rounded them" (the note
    beside a chaotic run): the same run summed in another order ends elsewhere."""
    X, y = data("breast_cancer")
    history = lc.train(X, y, learning_rate=0.5, steps=3000)
    assert history.verdict.kind == "oscillating" and history.verdict.basis == "irregular"
    other_order = lc.learning_rate_sweep(X, y, [0.5], 3000).final_loss[0]
    assert abs(other_order - history.loss[-1]) / history.loss[-1] > 1e-3
    early = lc.learning_rate_sweep(X, y, [0.5], 3).final_loss[0]
    assert early == pytest.approx(history.loss[3], rel=1e-9)  # the same until chaos grows


def test_readme_separable_claim_holds_on_breast_cancer_too():
    """README: "On separable data (the 5 points, breast cancer without L2) there is no best
    fit and no local limit: every rate ends lower than it started." """
    X, y = data("breast_cancer", standardize=True)
    assert learning_rate_limits(X, y).local is None
    sweep = lc.learning_rate_sweep(X, y, np.logspace(-4, 1.5, 40), 500)
    assert np.all(sweep.final_loss < sweep.loss[:, 0])


@pytest.mark.parametrize("ratio", [1 + 2**-52, 1 - 2**-53, 0.99999, 1.00004, 1.0, 2.5])
def test_a_rate_off_two_over_l_never_reads_one_times_it(ratio):
    """Found by a lesson walk: one ulp above 2/L the popover read "η = 0.676192 is 1 × 2/L"
    beside "above the guaranteed rate"."""
    from dashboard.explain import times

    said = times(ratio, 4)
    assert (said == "1") == (ratio == 1.0)
    assert float(said) == pytest.approx(ratio, rel=5e-4)
