"""The three textbook examples: the worked step, the one-student step, the buggy loop."""

import math

import numpy as np
import pytest

from logreg_core import examples, loss_and_gradients, train


def wiki_two_features():
    from logreg_core import load_dataset

    data = load_dataset("wikipedia_students")
    return np.column_stack([data.X[:, 0], np.sqrt(data.X[:, 0])]), data.y


def test_worked_step_figures():
    report = examples.worked_step()
    rows = {q: (p, e) for q, p, e in report.rows}
    assert rows["dw"][1] == pytest.approx(0.249686, abs=5e-7)
    assert rows["db"][1] == pytest.approx(0.0998183, abs=5e-8)
    assert rows["new w"][1] == pytest.approx(2.172031, abs=5e-7)
    assert rows["new b"][1] == pytest.approx(-6.602982, abs=5e-7)
    assert rows["mean loss J"] == (None, pytest.approx(0.185493, abs=5e-7))
    # by hand, p at x = 4 is 1 / (1 + e^-(2.197*4 - 6.593))
    assert rows["p at x = 4"][1] == pytest.approx(1 / (1 + math.exp(-2.195)), rel=1e-12)


def test_printed_mismatches_are_those_that_round_differently():
    report = examples.worked_step()
    found = {q for q, _, _ in examples.printed_mismatches(report.rows)}
    # checked by hand: p(4) = 0.89980 prints as 0.899; loss(3) = 0.69215 as 0.693; dw = 0.24969
    # as 0.2496 (the textbook's rounded sum 1.248 divided by 5)
    assert found == {"p at x = 4", "loss at x = 3", "dw"}
    assert examples.WORKED_PRINTED["dw"] == 1.248 / 5
    student = {q for q, _, _ in examples.printed_mismatches(examples.student_step().rows)}
    assert {"dw1", "dw2", "new w1", "new w2"} <= student


def test_sklearn_default_is_not_the_textbook_setting():
    from sklearn.linear_model import LogisticRegression

    report = examples.worked_step()
    X, y = report.X, report.y
    model = LogisticRegression().fit(X, y)  # the textbook's own call, default settings
    fitted_w, fitted_b = model.coef_[0, 0], model.intercept_[0]
    assert abs(fitted_w - examples.WORKED_W) > 1 and abs(fitted_b - examples.WORKED_B) > 2
    # the page's optimum: scikit-learn's stopping rule leaves it close but not exact
    exact = report.sklearn_default
    assert fitted_w == pytest.approx(exact.w[0], rel=1e-3)
    assert fitted_b == pytest.approx(exact.b, rel=1e-3)
    assert report.unregularized.separable


def test_long_run_w_dips_then_grows():
    history = examples.worked_long_run(20_000)
    lowest, at = examples.lowest_weight(history)
    w = history.weights[:, 0]
    assert at in range(1, 100) and lowest < examples.WORKED_W
    assert np.all(np.diff(w[at:]) > 0)  # then it grows for as long as the run lasts
    assert np.all(np.diff(history.loss) < 0)


def test_student_step_and_its_rounding():
    report = examples.student_step()
    assert report.new_w == pytest.approx([0.300456, 0.134094], abs=5e-7)
    rows = {q: r for q, *r in report.rows}
    assert rows["new w1"][2] == pytest.approx(0.301) and rows["new w2"][2] == pytest.approx(0.135)
    # each gradient is off by the rounding error times its feature
    error = -0.67 - float(report.grad_pass.error[0])
    assert report.rounding_error == pytest.approx(error)
    for name, x in (("dw1", 3.0), ("dw2", 5.0)):
        assert rows[name][2] - rows[name][1] == pytest.approx(error * x, rel=1e-12)
    assert report.rounding_error == pytest.approx(-0.00181, abs=5e-6)


def test_buggy_loop_without_bugs_matches_the_core():
    X, y = wiki_two_features()
    run = examples.buggy_loop_run(X, y, [0.0, 0.0], 0.0, 0.2, 100)
    history = train(X, y, learning_rate=0.2, steps=100)
    assert run.weights == pytest.approx(history.weights, rel=1e-10, abs=1e-12)
    assert run.bias == pytest.approx(history.bias, rel=1e-10, abs=1e-12)
    assert run.loss == pytest.approx(history.loss, rel=1e-10)
    assert run.reported == pytest.approx(history.loss[:-1], rel=1e-10)


def test_each_bug_does_what_the_page_says():
    X, y = wiki_two_features()
    w, b, rate = np.array([0.3, -0.2]), 0.4, 0.1
    right_w, right_b, right_j, dw, _ = examples.buggy_loop_step(X, y, w, b, rate)
    grad = loss_and_gradients(X, y, w, b)
    assert right_j == pytest.approx(grad.loss) and dw == pytest.approx(grad.dw)
    assert right_w == pytest.approx(w - rate * grad.dw)
    assert right_b == pytest.approx(b - rate * grad.db)

    # same sample: the gradient of a data set made of copies of sample 1
    w1, _, j1, *_ = examples.buggy_loop_step(X, y, w, b, rate, {"same_sample"})
    copies = loss_and_gradients(np.repeat(X[:1], len(y), axis=0), np.repeat(y[:1], len(y)),
                                w, b)
    assert w1 == pytest.approx(w - rate * copies.dw) and j1 == pytest.approx(copies.loss)

    # accumulated error: sample i is weighted by the running sum of the errors
    *_, dw2, _ = examples.buggy_loop_step(X, y, w, b, rate, {"accumulated_error"})
    running = examples.running_error_sums(X, y, w, b)
    assert running == pytest.approx(np.cumsum(grad.error))
    assert dw2 == pytest.approx((running[:, None] * X).mean(axis=0))

    # same feature: both weights get feature 2's gradient
    *_, dw3, _ = examples.buggy_loop_step(X, y, w, b, rate, {"same_feature"})
    assert dw3[0] == pytest.approx(dw3[1]) and dw3[1] == pytest.approx(grad.dw[1])

    # bias not averaged: db is m times too large
    *_, db4 = examples.buggy_loop_step(X, y, w, b, rate, {"bias_not_averaged"})
    assert db4 == pytest.approx(len(y) * grad.db)

    # bias updated with itself: b <- (1 - rate) b, whatever the data; from 0 it never moves
    _, b5, *_ = examples.buggy_loop_step(X, y, w, b, rate, {"bias_self_update"})
    assert b5 == pytest.approx(b * (1 - rate))
    run = examples.buggy_loop_run(X, y, w, 0.0, rate, 50, {"bias_self_update"})
    assert np.all(run.bias == 0.0)

    with pytest.raises(ValueError, match="unknown bug"):
        examples.buggy_loop_step(X, y, w, b, rate, {"typo"})


def test_accumulated_error_on_the_five_points_from_zero(five_points):
    X, y = five_points
    running = examples.running_error_sums(X, y, [0.0], 0.0)
    assert running == pytest.approx([0.5, 1.0, 1.5, 1.0, 0.5])  # peaks mid-way
    *_, dw_right, _ = examples.buggy_loop_step(X, y, [0.0], 0.0, 0.1)
    *_, dw_acc, _ = examples.buggy_loop_step(X, y, [0.0], 0.0, 0.1, {"accumulated_error"})
    assert dw_right[0] == pytest.approx(-0.3) and dw_acc[0] == pytest.approx(2.7)


@pytest.mark.parametrize(("rate", "shrinks", "flips"), [(0.5, True, False), (1.5, True, True),
                                                          (2.5, False, True)])
def test_bias_self_update_shrinks_flips_or_grows(rate, shrinks, flips):
    X, y = wiki_two_features()
    run = examples.buggy_loop_run(X, y, [0.0, 0.0], 1.0, rate, 6, {"bias_self_update"})
    b = run.bias
    assert (abs(b[-1]) < abs(b[0])) == shrinks
    assert (np.sign(b[1]) != np.sign(b[0])) == flips


def test_buggy_loops_hurt_the_fit():
    X, y = wiki_two_features()
    correct = examples.buggy_loop_run(X, y, [0.0, 0.0], 0.0, 0.2, 200)
    for bug in ("same_sample", "accumulated_error", "same_feature"):
        buggy = examples.buggy_loop_run(X, y, [0.0, 0.0], 0.0, 0.2, 200, {bug})
        assert buggy.loss[-1] > correct.loss[-1] * 1.05, bug


def test_numpy_rejects_the_snippets_zeros_call():
    message = examples.numpy_zeros_error()
    assert message.startswith("TypeError") and "data type" in message
