"""The learning-rate explorer through AppTest, checked against the core."""

import re

import numpy as np
import pytest

import logreg_core as lc
from logreg_core import explorer
from tests.app.conftest import chart_datasets, page_text


def frames_with(at, column):
    return [f for frames in chart_datasets(at) for f in frames if column in f.columns]


@pytest.fixture
def open_explorer(new_app):
    at = new_app(explore="1").run()
    assert not at.exception and not at.error
    return at


def test_sweep_chart_holds_the_core_sweep(open_explorer):
    data = lc.load_dataset("five_points")
    bound = lc.curvature_bound(data.X)
    rates = explorer.sweep_rates(bound, 40)
    sweep = lc.learning_rate_sweep(data.X, data.y, rates, 200)
    frame = frames_with(open_explorer, "final_loss")[0]
    assert frame["learning_rate"].to_numpy() == pytest.approx(rates, rel=1e-12)
    assert frame["final_loss"].to_numpy() == pytest.approx(sweep.final_loss, rel=1e-12)
    assert frame["verdict"].tolist() == [v.kind for v in sweep.verdicts]
    assert rates[0] == pytest.approx(1e-4) and rates[-1] >= 10 > bound.max_stable_learning_rate


def test_stable_limit_shown_is_8n_over_lambda_max(open_explorer):
    X = lc.load_dataset("five_points").X
    A = np.column_stack([X, np.ones(len(X))])
    limit = 8 * len(X) / np.linalg.eigvalsh(A.T @ A).max()
    rules = frames_with(open_explorer, "what")[0]
    assert rules["learning_rate"].iloc[0] == pytest.approx(limit, rel=1e-12)
    assert rules["what"].iloc[0] == f"2/L = {limit:.4g}"
    assert f"η = 2/L = **{limit:.4g}**" in page_text(open_explorer)


def test_selecting_a_sweep_point_sets_the_learning_rate(open_explorer):
    at = open_explorer
    at.session_state["sweep_chart"] = {"selection": {"pick": [{"learning_rate": 0.0316227766}]}}
    at.run()
    assert not at.exception
    assert at.session_state.learning_rate == pytest.approx(0.0316228)
    assert at.number_input(key="learning_rate_input").value == pytest.approx(0.0316228)
    assert at.query_params["lr"] == "0.0316228"
    history = lc.train(lc.load_dataset("five_points").X, lc.load_dataset("five_points").y,
                       learning_rate=0.0316228, steps=200)
    assert [m.value for m in at.metric if m.label == "Loss at step 200"] == [
        lc.explain.fmt(history.loss[-1])
    ]
    # moving the slider afterwards is not undone by the old selection
    at.select_slider(key="learning_rate_slider").set_value(0.2).run()
    assert at.session_state.learning_rate == 0.2


def test_overlay_labels_match_each_runs_verdict(new_app):
    at = new_app(explore="1", rates="0.05, 0.5, 2, 10").run()
    data = lc.load_dataset("five_points")
    (overlay,) = [f for f in frames_with(at, "run") if f["run"].str.startswith("η").all()]
    for run, rows in overlay.groupby("run"):
        rate = float(run.removeprefix("η = "))
        verdict = lc.train(data.X, data.y, learning_rate=rate, steps=200).verdict.kind
        assert set(rows["verdict"]) == {verdict}, run
        assert rows["current"].all() == (rate == 0.5)
    assert {"converging", "oscillating"} <= set(overlay["verdict"])


def test_optimizers_are_the_core_runs(new_app):
    at = new_app(explore="1", batch="2", seed="5", beta="0.8").run()
    data = lc.load_dataset("five_points")
    runs = next(f for f in frames_with(at, "run") if f["run"].eq("gradient descent").any())
    sgd = lc.train(data.X, data.y, learning_rate=0.5, steps=200, batch_size=2, seed=5)
    rows = runs[runs["run"] == "mini-batch SGD (batch 2, seed 5)"]
    assert rows["loss"].to_numpy() == pytest.approx(sgd.loss[rows["step"].to_numpy()])
    assert (runs["run"] == "momentum (β = 0.8)").any()


def test_bad_overlay_rates_explain_and_fall_back(open_explorer):
    at = open_explorer
    at.text_input(key="overlay_rates").input("0.1, fast").run()
    assert not at.exception
    assert "'fast' is not a number" in at.error[0].value
    assert frames_with(at, "run")  # the charts are still there


def test_explorer_state_is_in_the_link(open_explorer):
    at = open_explorer
    at.slider(key="sweep_count").set_value(55).run()
    at.text_input(key="overlay_rates").input("0.01,1").run()
    assert at.query_params["explore"] == "1"
    assert at.query_params["sweep"] == "55"
    assert at.query_params["rates"] == "0.01,1"
    assert len(frames_with(at, "final_loss")[0]) == 55


def test_cancer_above_the_limit_diverges_with_no_nan_on_the_page(new_app):
    at = new_app(data="breast_cancer", std="0", lr="100", steps="300", explore="1").run()
    assert not at.exception
    assert any("Diverging" in e.value for e in at.error)
    shown = " ".join([m.value for m in at.metric] + [page_text(at)])
    assert not re.search(r"\b(nan|inf|-inf)\b", shown, re.IGNORECASE)
    for frames in chart_datasets(at):
        for frame in frames:
            numbers = frame.select_dtypes("number").drop(
                columns=["steps_to_1pct", "stopped_at"], errors="ignore")
            assert np.all(np.isfinite(numbers.to_numpy())), list(frame.columns)
