"""Landscape, playback, seed 003 on trial, predict-then-reveal, gradient check: through AppTest."""

import numpy as np
import pytest

import logreg_core as lc
from tests.app.conftest import chart_datasets, metric, open_tab, page_text, table


def frames_with(at, *columns):
    return [f for frames in chart_datasets(at) for f in frames
            if all(c in f.columns for c in columns)]


def test_landscape_shows_core_losses_and_the_run(app):
    open_tab(app, "Landscape")
    data = lc.load_dataset("five_points")
    history = lc.train(data.X, data.y, learning_rate=0.5, steps=200)
    (cells,) = frames_with(app, "log10 loss")
    assert len(cells) == 100 * 100
    for _, cell in cells.sample(15, random_state=0).iterrows():
        a, c = (cell["a"] + cell["a2"]) / 2, (cell["c"] + cell["c2"]) / 2
        assert cell["loss"] == pytest.approx(lc.mean_loss(data.X, data.y, [a], c), rel=1e-9)
    paths = next(iter(frames_with(app, "run", "a", "c")))
    mine = paths[paths["run"] == "gradient descent (your run)"]
    steps = mine["step"].to_numpy()
    assert mine["a"].to_numpy() == pytest.approx(history.weights[steps, 0])
    assert mine["c"].to_numpy() == pytest.approx(history.bias[steps])
    assert {"momentum (β = 0.9)", "Newton's method (IRLS)"} <= set(paths["run"])
    marks = frames_with(app, "what")[-1]
    assert "step 200" in set(marks["what"])
    assert "Newton's method has no finite target" in page_text(app)


def test_landscape_slice_for_many_features(new_app):
    at = new_app(data="breast_cancer", steps="50", tab="Landscape").run()
    assert not at.exception
    at.selectbox(key="land_x").set_value("w[worst_radius]").run()
    at.selectbox(key="land_y").set_value("b").run()
    assert not at.exception
    assert "A slice" in page_text(at)
    data = lc.load_dataset("breast_cancer")
    X = lc.Standardizer.fit(data.X).transform(data.X)
    history = lc.train(X, data.y, learning_rate=0.5, steps=50)
    (cells,) = frames_with(at, "log10 loss")
    cell = cells.iloc[1234]
    w = history.weights[-1].copy()
    w[data.feature_names.index("worst_radius")] = (cell["a"] + cell["a2"]) / 2
    assert cell["loss"] == pytest.approx(
        lc.mean_loss(X, data.y, w, (cell["c"] + cell["c2"]) / 2), rel=1e-9)


def test_playback_advances_and_pauses(app):
    app.slider(key="inspect").set_value(10).run()
    app.button(key="play").click().run()
    assert app.session_state.playing
    start = app.session_state.inspect
    for _ in range(3):
        app.session_state["last_tick"] = 0.0  # as if the tick interval had passed
        app.run()
    assert not app.exception
    assert app.session_state.inspect == start + 3
    assert metric(app, f"w at step {start + 3}")
    assert app.query_params["step"] == str(start + 3)
    app.button(key="play").click().run()
    assert not app.session_state.playing
    paused = app.session_state.inspect
    app.session_state["last_tick"] = 0.0
    app.run()
    assert app.session_state.inspect == paused  # paused: no more ticks
    app.button(key="step_back").click().run()
    assert app.session_state.inspect == paused - 1
    app.button(key="step_forward").click().run()
    app.button(key="step_forward").click().run()
    assert app.session_state.inspect == paused + 1


def test_playback_stops_at_the_end(new_app):
    at = new_app(steps="5", step="4").run()
    at.button(key="play").click().run()  # the first tick comes with the click
    at.session_state["last_tick"] = 0.0
    at.run()
    assert at.session_state.inspect == 5 and not at.session_state.playing


def test_seed_003_trial_switches(new_app):
    at = new_app(data="wikipedia_students", tab="Seed 003 on trial").run()
    before = table(at, "true loss")
    assert before["run"].tolist() == ["corrected loop", "seed 003 with no bugs"]
    assert before["true loss"].iloc[0] == pytest.approx(before["true loss"].iloc[1])
    at.checkbox(key="bug_bias_self_update").check().run()
    after = table(at, "true loss")
    assert after["b"].iloc[1] == 0.0 and after["b"].iloc[0] != 0.0
    assert after["true loss"].iloc[1] > after["true loss"].iloc[0]
    assert "Cannot interpret '1' as a data type" in "\n".join(c.value for c in at.code)


def test_predict_then_reveal(app):
    app.slider(key="inspect").set_value(0).run()
    app.toggle(key="predict_mode").set_value(True).run()
    assert "Make your guesses" in page_text(app)
    hidden = [d for d in app.dataframe if "relative error" in d.value.columns]
    assert hidden == []  # the step's tables wait for the reveal
    app.radio(key="guess_dw0_0").set_value("positive").run()
    app.radio(key="guess_db_0").set_value("positive").run()
    app.radio(key="guess_loss_0").set_value("go up").run()
    app.button(key="reveal_0").click().run()
    assert table(app, "relative error") is not None
    text = page_text(app)
    # at w = 0, b = 0 every p is 0.5: dw = mean((0.5 - y) x) < 0 and db = 0.5 - 0.4 > 0
    assert "**1 of 3 right.**" in text
    assert "❌ dw[x] is negative" in text and "✅ db is positive" in text
    assert "it will go down" in text


def test_gradient_check_shown(app):
    check = table(app, "relative error")
    assert check["relative error"].max() < 1e-6
    assert "Largest relative error" in page_text(app)


def test_every_tab_of_every_dataset_runs_clean(new_app):
    for name in lc.DATASETS:
        at = new_app(data=name, explore="1").run()
        for tab in lc.settings.TABS:
            open_tab(at, tab)
            assert not at.exception, (name, tab)
            assert np.all([not e.value.startswith("Traceback") for e in at.error])


def test_the_open_tab_is_in_the_link(new_app):
    at = new_app(tab="Why it works").run()
    assert at.session_state.tab == "Why it works"
    assert "The chain rule cancels to p − y" in page_text(at).replace("-", "−")
    assert at.query_params["tab"] == "Why it works"
    bad = new_app(tab="Nope").run()
    assert "Ignored link parameter tab='Nope'" in bad.warning[0].value
