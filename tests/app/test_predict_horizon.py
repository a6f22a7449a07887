"""Predict first never asks what the screen has shown: the page draws the run only up to the
step asked about (or, after a reveal, its answer), and no step before the last one drawn is
asked about (two walks: a question at step 49 beside a curve drawn to step 50, and "Step
forward past it for the next question" beside the whole run, drawn after a reveal)."""

import numpy as np

import logreg_core as lc
from tests.app.helpers import inspect, page_text, plain, player


def predict_at(new_app, step: int):
    at = new_app(step=str(step)).run()
    at.toggle(key="predict_mode").set_value(True).run()
    return at


def reveal(at, guesses=(("w0", "negative"), ("b", "positive"), ("loss", "go down"))):
    state = next(r.key for r in at.radio).rsplit("_", 1)[1]
    for name, guess in guesses:
        at.radio(key=f"guess_{name}_{state}").set_value(guess).run()
    at.button(key=f"reveal_{state}").click().run()
    return at


def test_stepping_back_from_an_open_question_asks_nothing_the_curve_shows(new_app):
    at = predict_at(new_app, 50)
    assert at.radio and player(at)["last"] == 50  # drawn to the step asked about
    inspect(at, 49)  # the loss at step 50, on the curve, answers "after this step"
    assert not at.radio
    assert "You have seen step 50 of this run" in plain(page_text(at))
    assert player(at)["last"] == 50 and not at.tabs  # nothing more than was drawn


def test_after_a_reveal_the_next_question_is_not_answered_on_screen(new_app):
    at = reveal(predict_at(new_app, 50))
    text = plain(page_text(at))
    data = player(at)
    # the answer (the loss at step 51) and no later step: not the curve, nor the verdict,
    # the limits, the last loss or the views
    assert data["last"] == 51 and max(data["loss_curve"]["steps"]) == 51
    assert not at.success and not at.tabs and "2/L" not in text
    assert not [m for m in at.metric if m.label == "Loss at step 200"]
    assert "Drawn up to step 51: the later steps appear as you step forward" in text
    inspect(at, 51)  # the next question, whose answer is not on the page
    assert at.radio and player(at)["last"] == 51
    five = lc.load_dataset("five_points")  # by hand: the loss at step 52 is nowhere
    w, b = 0.0, 0.0
    for _ in range(52):
        p = 1 / (1 + np.exp(-(five.X[:, 0] * w + b)))
        w, b = w - 0.5 * np.mean((p - five.y) * five.X[:, 0]), b - 0.5 * np.mean(p - five.y)
    z = five.X[:, 0] * w + b
    loss_52 = np.mean(np.logaddexp(0, z) - five.y * z)
    assert f"{loss_52:.4g}" not in plain(page_text(at))


def test_the_whole_run_is_shown_on_request_and_then_nothing_on_it_is_asked(new_app):
    at = reveal(predict_at(new_app, 50))
    at.button(key="predict_show_all").click().run()
    assert at.tabs and at.success and player(at)["last"] == 200
    inspect(at, 120)
    assert not at.radio
    assert ("You have seen step 200 of this run, which answers the questions about this one: "
            "no prediction here. Change the rate, the start or the data for a run to predict."
            ) in plain(page_text(at))
    inspect(at, 200)  # nor about the step after the last: the verdict shown answers it
    assert not at.radio and at.success
    at.select_slider(key="learning_rate").set_value(0.2).run()  # another run: asked again
    assert at.radio
