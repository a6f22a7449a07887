"""The model player through AppTest: the frames, text alternatives and loss axis the server
sends it, checked against the core."""

import re

import numpy as np
import pytest

import logreg_core as lc
from dashboard import player as player_module
from tests.app.helpers import (
    caption_with,
    core_history,
    loss_curve,
    player,
)


def test_the_player_draws_the_cores_frames(new_app):
    """The first screen's picture: frames of the core (logreg_core.frames), the run's loss."""
    at = new_app(data="iris_petals", steps="50").run()
    data = player(at)
    d = lc.load_dataset("iris_petals")
    X = lc.Standardizer.fit(d.X).transform(d.X)
    history = core_history("iris_petals", standardize=True, steps=50)
    assert data["kind"] == "plane" and data["frames"]["steps"] == list(range(51))
    assert data["frames"]["loss"] == pytest.approx(history.loss.tolist(), rel=1e-12)
    assert data["points"]["x"] == pytest.approx(X[:, 0].tolist())
    levels = np.frombuffer(__import__("base64").b64decode(data["frames"]["p"]), np.uint8)
    cells = len(data["grid"]) * len(data["grid_y"])
    f, row, col = 20, 3, 5
    z = (history.weights[f] @ [data["grid"][col], data["grid_y"][row]]) + history.bias[f]
    assert levels[f * cells + row * len(data["grid"]) + col] == round(255 / (1 + np.exp(-z)))
    assert data["editable"]


def test_the_player_is_sent_json_a_browser_can_read_when_the_loss_nears_the_largest_double(
        new_app):
    """λ = 100 at η = 0.1 on the 20 students (the controls reach it): the last finite loss is
    2.4e306 and the loss axis's 5% margin used to overflow to inf, which JSON.parse refused
    (the player showed a stack trace instead of the run)."""
    for query in ({"data": "wikipedia_students", "l2": "100", "lr": "0.1"},
                  # the last loss is 1.74e308: a margin below 0 made the browser's
                  # high - low overflow, and the curve vanished (a review)
                  {"data": "five_points", "l2": "19", "lr": "0.2", "steps": "500"}):
        data = player(new_app(**query).run())  # strict: no Infinity
        low, high = data["loss_curve"]["range"]
        assert max(data["loss_curve"]["loss"]) <= high <= np.finfo(float).max
        assert 0 <= low < high and np.isfinite(high - low), query


@pytest.mark.parametrize(("query", "words"), [
    ({}, "the sigmoid curve p(x)"),
    ({"data": "iris_petals"}, "over the two features,"),
    ({"data": "breast_cancer"}, "the others held at their means"),
])
def test_the_players_text_alternatives_describe_what_it_draws(new_app, query, words):
    """The player used the charts' text alternatives: "a dot at the inspected step" (while it
    plays, its dot is elsewhere), "the caption under the chart" (the lesson has none under
    it), and on breast cancer "one row per true label" (it draws the plane of two features).
    They now name the step the player shows, as its readout does."""
    data = player(new_app(**query).run())
    for alt in (data["alt_picture"], data["alt_loss"]):
        assert "the step the player shows" in alt
        assert "inspected" not in alt and "caption" not in alt
    assert words in data["alt_picture"]


@pytest.mark.parametrize("log", ["0", "1"])
def test_a_loss_that_barely_moves_is_drawn_flat(new_app, log):
    """Found by a walk: at η = 1e-12 the loss moves by 2e-11 over 200 steps, and the loss axis,
    fitted to that, drew a steep fall beside the caption's "0.6931 ... 0.6931". The axis now
    spans at least 1% of the loss (a ratio of 1.01 on a log axis), so the curve sits in the
    middle third of it, flat to the pixel on a 150 px chart."""
    curve = loss_curve(new_app(lr="1e-12", log=log).run())
    low, high = curve["range"]
    loss = np.array(curve["loss"])
    assert curve["log"] is (log == "1")
    assert 0 < loss.max() - loss.min() < 1e-10  # the run: a change of about 2e-11
    if log == "1":
        assert high / low >= 1 + player_module.LEAST_LOSS_SPAN
        height = np.log(loss / low) / np.log(high / low)
    else:
        assert high - low >= player_module.LEAST_LOSS_SPAN * loss.max()
        height = (loss - low) / (high - low)
    assert np.all((height > 0.3) & (height < 0.7))  # in the middle, not from top to bottom
    assert np.ptp(height) * 150 < 0.01  # less than a hundredth of a pixel


@pytest.mark.parametrize(("query", "fills"), [
    ({}, 0.9),  # 0.69 to 0.17: the curve fills the axis but for its 5% margins
    ({"log": "1"}, 0.99),  # a log axis: no margins
    ({"data": "breast_cancer", "std": "1"}, 0.9),
    ({"data": "wikipedia_students", "lr": "100"}, 0.9),  # oscillating
    ({"data": "five_points", "l2": "19", "lr": "0.2", "steps": "500"}, 0.9),  # diverging
])
def test_a_loss_that_moves_still_fills_its_axis(new_app, query, fills):
    """The least span widens only an axis narrower than it: a run whose loss moves is drawn
    across the whole axis as before (the default run, a log axis, breast cancer, runs that
    oscillate and diverge), within [0, the largest double]."""
    curve = loss_curve(new_app(**query).run())
    low, high = curve["range"]
    loss = np.array(curve["loss"])
    assert 0 <= low <= loss.min() and loss.max() <= high <= np.finfo(float).max
    spread = (np.log(loss.max() / loss.min()) / np.log(high / low) if curve["log"] else
              (loss.max() - loss.min()) / (high - low))
    assert spread >= fills, (query, spread)


@pytest.mark.parametrize(("values", "log"), [
    ([0.0, 0.0], False),  # a loss of 0 throughout
    ([5e-324, 5e-324], False),
    ([np.finfo(float).max] * 2, False),
    ([np.finfo(float).max] * 2, True),
    ([1e-300, 1e-300], True),  # `charts.LOG_FLOOR`
    ([0.5, 0.5], True),
])
def test_the_least_loss_span_keeps_the_axis_finite_and_in_bounds(values, log):
    """Widened around a constant loss at either end of the doubles, the range stays finite,
    ordered and within [0, the largest double] (positive on a log axis): JSON.parse takes no
    inf, and the browser divides by high - low."""
    low, high = player_module.loss_range(np.array(values), log)
    assert 0 <= low <= min(values) and max(values) <= high <= np.finfo(float).max
    assert low < high and np.isfinite(high - low)
    assert low > 0 or not log


@pytest.mark.parametrize("query", [
    {"data": "wikipedia_students", "lr": "100", "step": "0"},  # step 0: every digit chosen
    {"data": "wikipedia_students", "lr": "100"},  # later: the one certain digit
    {"data": "student", "w0": "1000,1000", "b0": "1000"},  # underflowed: "< 5e-324"
    {},
])
def test_the_players_readout_is_sent_the_loss_as_the_caption_writes_it(new_app, query):
    """The readout wrote the loss itself, and read "0.7" beside the caption's "0.6931" at step
    0, "0" beside "< 5e-324": it now shows the text the page wrote for each frame."""
    at = new_app(**query).run()
    data = player(at)
    k = data["inspect"]
    frame = data["frames"]["steps"].index(k)
    said = re.search(r"Inspected step [\d,]+: (.+)\.$", caption_with(at, "Loss ")).group(1)
    assert data["loss_texts"][frame] == said
