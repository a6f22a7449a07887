"""The step the page shows, parameter by parameter, and the sums behind the gradient."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logreg_core as lc


def test_the_worked_step_by_hand(five_points):
    """w = 2.197, b = -6.593, η = 0.1 on the 5 points: the textbook's w' = 2.172, b' = -6.603
    (its dw = 0.2496 and db = 0.0998, exact to 4 places: 0.2497 and 0.0998)."""
    X, y = five_points
    grad = lc.loss_and_gradients(X, y, [2.197], -6.593)
    update = lc.gradient_update([2.197], -6.593, grad, 0.1)
    assert update.old.tolist() == [2.197, -6.593]
    assert update.gradient == pytest.approx([0.2497, 0.0998], abs=5e-5)
    assert update.change == pytest.approx([-0.02497, -0.00998], abs=5e-6)
    assert update.new_w == pytest.approx([2.172], abs=5e-4)
    assert update.new_b == pytest.approx(-6.603, abs=5e-4)
    assert update.new.tolist() == (update.old + update.change).tolist()


@settings(max_examples=40, deadline=None)
@given(w=st.floats(-20, 20), b=st.floats(-20, 20), rate=st.floats(1e-3, 50),
       l2=st.sampled_from([0.0, 0.1, 3.0]))
def test_the_shown_step_is_the_one_training_takes(w, b, rate, l2):
    """Bit for bit what `step` and `train` reach from the same point."""
    X, y = np.arange(1.0, 6.0)[:, None], np.array([0.0, 0.0, 0.0, 1.0, 1.0])
    grad = lc.loss_and_gradients(X, y, [w], b, l2)
    update = lc.gradient_update([w], b, grad, rate)
    w_new, b_new, _ = lc.step(X, y, [w], b, rate, l2)
    assert update.new_w.tolist() == w_new.tolist() and update.new_b == b_new
    history = lc.train(X, y, learning_rate=rate, steps=1, w0=[w], b0=b, l2=l2)
    if history.steps_run == 1:
        assert update.new_w.tolist() == history.weights[1].tolist()
        assert update.new_b == float(history.bias[1])


def test_sample_totals_are_the_columns_summed_by_hand(students):
    X, y = students
    grad = lc.loss_and_gradients(X, y, [0.8], -2.0)
    sums, means = lc.sample_totals(grad)
    p = 1 / (1 + np.exp(-(X[:, 0] * 0.8 - 2.0)))
    loss = [-yi * np.log(pi) - (1 - yi) * np.log(1 - pi) for pi, yi in zip(p, y, strict=True)]
    by_hand = [sum(loss), sum(p - y), sum((p - y) * X[:, 0])]
    assert sums == pytest.approx(by_hand, rel=1e-12)
    assert means == pytest.approx(np.array(by_hand) / len(y), rel=1e-12)
    # the means are the data part of J and the gradient
    assert means == pytest.approx([grad.loss, grad.db, grad.dw[0]], rel=1e-12)
