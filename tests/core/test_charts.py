"""Every chart builder produces a valid Vega-Lite spec (the app skips this check for speed)."""

import altair as alt
import numpy as np
import pytest

from logreg_core import charts, curvature_bound, explorer, learning_rate_sweep, load_dataset, train


@pytest.fixture(autouse=True)
def strict_altair():
    # Streamlit sends data as Arrow with no row limit; Altair's inline default stops at 5000
    with alt.utils.schemapi.debug_mode(True), alt.data_transformers.enable(
        "default", max_rows=None
    ):
        yield


def valid(chart) -> dict:
    return chart.to_dict(validate=True)


def test_main_charts_are_valid(five_points):
    X, y = five_points
    history = train(X, y, learning_rate=0.5, steps=100)
    for log_scale in (False, True):
        valid(charts.loss_chart(history.loss, 10, log_scale))
    valid(charts.model_chart_1d(X[:, 0], y, 1.5, -4.0, "x"))
    valid(charts.model_chart_1d(X[:, 0], y, 0.0, 1.0, "x"))  # no boundary
    student = load_dataset("wikipedia_students")
    X2 = np.column_stack([student.X[:, 0], student.X[:, 0] ** 2])
    valid(charts.model_chart_2d(X2, student.y, np.array([1.0, -0.2]), -1.0, ["a.b", "c[0]"]))
    valid(charts.probability_chart(np.linspace(0, 1, 30), np.arange(30) % 2))


def test_explorer_charts_are_valid(five_points):
    X, y = five_points
    bound = curvature_bound(X, l2=1.0)
    sweep = learning_rate_sweep(X, y, explorer.sweep_rates(bound, 30), 300, l2=1.0)
    assert np.any(sweep.stopped_at >= 0)  # an overflowed run must chart cleanly too
    args = (explorer.sweep_frame(sweep), bound.max_stable_learning_rate, 0.5, 300)
    valid(charts.sweep_chart(*args))
    valid(charts.speed_chart(*args))
    valid(charts.curves_chart(explorer.overlay_frame(sweep, 0.5), "overlay"))
    runs = explorer.optimizer_runs(X, y, learning_rate=0.5, steps=50, w0=[0.0], b0=0.0,
                                   l2=0.0, batch_size=2, momentum=0.9, seed=1)
    valid(charts.curves_chart(runs.frame(), "optimizers", log_scale=False))
