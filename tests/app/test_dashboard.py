"""The dashboard through Streamlit's AppTest: every number checked against the core."""

import math
import re

import numpy as np
import pytest

import logreg_core as lc
from logreg_core import settings as cfg
from logreg_core.explain import fmt
from tests.app.conftest import loss_chart_frames, metric, open_tab, page_text, table


def core_history(dataset="five_points", standardize=False, **kwargs):
    data = lc.load_dataset(dataset)
    X = lc.Standardizer.fit(data.X).transform(data.X) if standardize else data.X
    d = cfg.defaults(dataset)
    params = dict(learning_rate=d.learning_rate, steps=d.steps, w0=list(d.w0), b0=d.b0, l2=0.0)
    params.update(kwargs)
    return lc.train(X, data.y, **params)


def test_default_page(app):
    history = core_history()
    assert metric(app, "Loss at step 0") == fmt(math.log(2)) == "0.6931"
    assert metric(app, "Loss at step 200") == fmt(history.loss[-1])
    assert metric(app, "w at step 200") == fmt(history.weights[-1, 0])
    assert metric(app, "b at step 200") == fmt(history.bias[-1])
    assert metric(app, "Accuracy") == "100%"
    assert app.success[0].value.startswith("Converging")
    assert "2/L = 0.6762" in page_text(app)
    assert not app.error and not app.warning


@pytest.mark.parametrize("dataset", list(lc.DATASETS))
def test_every_dataset_runs_without_exception(new_app, dataset):
    at = new_app(data=dataset).run()
    assert not at.exception and not at.error
    history = core_history(dataset, standardize=cfg.defaults(dataset).standardize)
    assert metric(at, f"Loss at step {history.steps_run:,}") == fmt(history.loss[-1])


def test_learning_rate_changes_the_run_but_not_the_start(app):
    start = metric(app, "Loss at step 0")
    app.select_slider(key="learning_rate_slider").set_value(0.2).run()
    assert not app.exception
    assert app.session_state.learning_rate == 0.2
    assert app.number_input(key="learning_rate_input").value == 0.2
    assert metric(app, "Loss at step 0") == start
    assert metric(app, "Loss at step 200") == fmt(core_history(learning_rate=0.2).loss[-1])
    # a typed rate off the 1-2-5 grid is used exactly; the slider shows the nearest grid value
    app.number_input(key="learning_rate_input").set_value(0.3).run()
    assert metric(app, "Loss at step 200") == fmt(core_history(learning_rate=0.3).loss[-1])
    assert app.select_slider(key="learning_rate_slider").value == 0.2
    assert app.query_params["lr"] == "0.3"


def test_steps_slider_and_typed_steps(app):
    app.slider(key="steps_slider").set_value(50).run()
    assert metric(app, "Loss at step 50") == fmt(core_history(steps=50).loss[-1])
    assert app.slider(key="inspect").value == 50  # the scrubber followed the end
    app.number_input(key="steps_input").set_value(100_000).run()
    assert not app.exception
    history = core_history(steps=100_000)
    assert metric(app, "Loss at step 100,000") == fmt(history.loss[-1])
    assert app.slider(key="steps_slider").value == cfg.STEPS_SLIDER_MAX
    curve, _ = loss_chart_frames(app)
    assert len(curve) <= 2000
    assert curve["step"].iloc[[0, -1]].tolist() == [0, 100_000]
    assert curve["loss"].to_numpy() == pytest.approx(history.loss[curve["step"].to_numpy()])


def test_starting_weight_and_bias_change_the_start(app):
    app.slider(key="w0_0_slider").set_value(1.5).run()
    expected = lc.mean_loss(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1], [1.5], 0.0)
    assert metric(app, "Loss at step 0") == fmt(expected)
    app.number_input(key="b0_input").set_value(-4.321).run()
    assert app.session_state.b0 == -4.321
    assert app.slider(key="b0_slider").value == pytest.approx(-4.32)
    expected = lc.mean_loss(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1], [1.5], -4.321)
    assert metric(app, "Loss at step 0") == fmt(expected)
    history = core_history(w0=[1.5], b0=-4.321)
    assert metric(app, "Loss at step 200") == fmt(history.loss[-1])
    app.button(key="reset").click().run()
    assert metric(app, "Loss at step 0") == "0.6931"


def test_l2_changes_the_run(app):
    app.number_input(key="l2").set_value(0.2).run()
    assert metric(app, "Loss at step 0") == "0.6931"  # w = 0: no penalty at the start
    assert metric(app, "Loss at step 200") == fmt(core_history(l2=0.2).loss[-1])
    assert "2/L = " + fmt(lc.max_stable_learning_rate(np.arange(1.0, 6.0)[:, None], 0.2)) in (
        page_text(app)
    )


def test_inspect_step_moves_every_view_but_not_the_run(app):
    before = {m.label: m.value for m in app.metric}
    app.slider(key="inspect").set_value(3).run()
    history = core_history()
    assert metric(app, "w at step 3") == fmt(history.weights[3, 0])
    assert metric(app, "b at step 3") == fmt(history.bias[3])
    assert metric(app, "Loss at step 0") == before["Loss at step 0"]
    assert metric(app, "Loss at step 200") == before["Loss at step 200"]
    rows = table(app, "z")
    grad = lc.loss_and_gradients(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1],
                                 history.weights[3], history.bias[3])
    assert rows["p"].to_numpy() == pytest.approx(grad.p, rel=1e-12)
    assert rows["(p - y) * x"].to_numpy() == pytest.approx(grad.error_x[:, 0], rel=1e-12)
    update = table(app, "new value")
    assert update["new value"].tolist() == pytest.approx(
        [history.weights[4, 0], history.bias[4]], rel=1e-12
    )
    marker = loss_chart_frames(app)[1]
    assert marker["step"].tolist() == [3]
    assert marker["loss"].tolist() == pytest.approx([history.loss[3]])


def test_formulas_agree_with_tables_to_the_digits_shown(app):
    app.slider(key="inspect").set_value(0).run()
    totals = table(app, "mean")
    update = table(app, "new value")
    latex = "\n".join(e.value for e in app.latex)
    assert f"= {fmt(totals.loc['mean', '(p - y) * x'])}" in latex
    assert f"= {fmt(totals.loc['mean', 'p - y'])}" in latex
    assert f"= {fmt(update.loc['w[x]', 'new value'])}" in latex
    assert f"= {fmt(update.loc['b', 'new value'])}" in latex


def test_digits_change_formatting_only(app):
    loss = core_history().loss[-1]
    app.select_slider(key="digits").set_value(7).run()
    assert metric(app, "Loss at step 200") == fmt(loss, 7)
    assert len(fmt(loss, 7).replace("0.", "")) > len(fmt(loss, 4).replace("0.", ""))


def test_log_scale_toggle(app):
    app.toggle(key="log_scale").set_value(True).run()
    assert not app.exception
    spec = app.get("vega_lite_chart")[0].proto.spec
    assert '"type": "log"' in spec.replace('":"', '": "')
    assert app.query_params["log"] == "1"


def test_seed_001_setting_and_its_corrections(app):
    app.button(key="load_seed_001").click().run()
    open_tab(app, "Seed 001: worked example")
    assert not app.exception
    assert metric(app, "Loss at step 0") == "0.1855"
    assert metric(app, "Loss at step 1") == fmt(core_history(
        learning_rate=0.1, steps=1, w0=[2.197], b0=-6.593).loss[-1])
    text = page_text(app) + page_text(open_tab(app, "Step in detail"))
    for figure in ("0.2497", "0.09982", "2.172", "-6.603"):
        assert figure in text, figure
    # what the seed gets wrong, computed live
    assert "w = **1.047**" in text and "b = **-3.748**" in text
    assert "No finite best fit" in text
    open_tab(app, "Seed 001: worked example")
    long_run = table(app, "boundary -b/w")
    assert np.all(np.diff(long_run["w"].to_numpy()[1:]) > 0)
    assert np.all(np.diff(long_run["loss"].to_numpy()) < 0)
    # the learner's own table sits beside the seed's and equals it at the seed's setting
    seed_table = table(app, "z", 0)
    yours = table(app, "z", 1)
    assert seed_table.equals(yours)


def test_student_walk_through(app):
    text = page_text(open_tab(app, "Seed 002: one student"))
    for figure in ("0.3005", "0.1341", "0.301", "0.135", "-2.005", "-3.341", "0.06682"):
        assert figure in text, figure
    comparison = table(app, "with p - y rounded to 2 places").set_index("quantity")
    rounded = comparison["with p - y rounded to 2 places"]
    assert rounded["new w1"] == pytest.approx(0.301) and rounded["new w2"] == pytest.approx(0.135)
    assert comparison.loc["new w1", "exact"] == pytest.approx(0.300456, abs=1e-6)


def test_why_it_works_checks_pass(app):
    open_tab(app, "Why it works")
    captions = "\n".join(c.value for c in app.caption)
    differences = [float(part.split("Relative difference: ")[1].rstrip("."))
                   for part in captions.split("\n") if "Relative difference: " in part]
    assert len(differences) == 3 and max(differences) < 1e-6


def test_loop_and_vectorized_agree_and_show_their_source(app):
    open_tab(app, "Loop vs vectorized")
    code = "\n".join(c.value for c in app.code)
    assert "def loop_gradients(" in code and "def loss_and_gradients(" in code
    text = page_text(app)
    diff = float(text.split("Largest difference over loss, dw and db: **")[1].split("**")[0])
    assert diff < 1e-12


def test_link_with_parameters_reproduces_the_state(new_app):
    at = new_app(data="five_points", lr="0.1", steps="1", w0="2.197", b0="-6.593",
                 step="0", digits="6").run()
    assert not at.exception and not at.warning
    assert metric(at, "Loss at step 0") == "0.185493"
    assert at.session_state.learning_rate == 0.1
    assert at.slider(key="w0_0_slider").value == pytest.approx(2.2)
    assert at.number_input(key="w0_0_input").value == 2.197
    assert "2.17203" in page_text(at)
    # and the page writes the same link back
    assert at.query_params["w0"] == "2.197" and at.query_params["step"] == "0"


def test_two_feature_link(new_app):
    at = new_app(data="student", w0="0.1,-0.2", steps="1", step="0").run()
    assert not at.exception and not at.warning
    assert metric(at, "Loss at step 0") == "1.103"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"lr": "banana"}, "lr"),
        ({"lr": "-1"}, "lr"),
        ({"steps": "0"}, "steps"),
        ({"steps": "2.5"}, "steps"),
        ({"data": "<script>alert(1)</script>"}, "data"),
        ({"w0": "1,2"}, "w0"),
        ({"step": "999"}, "step"),
        ({"l2": "nan"}, "l2"),
        ({"std": "maybe"}, "std"),
    ],
)
def test_bad_link_parameters_give_a_notice(new_app, query, key):
    at = new_app(**query).run()
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert len(notices) == 1 and f"Ignored link parameter {key}=" in notices[0]
    assert metric(at, "Loss at step 0") == "0.6931"  # the rest uses the defaults


def test_diverging_rate_shows_notice_and_no_nan(new_app):
    at = new_app(data="breast_cancer", std="0", lr="100", steps="300").run()
    assert not at.exception
    assert at.error and "Diverging" in at.error[0].value
    assert "first rose at step 1" in at.error[0].value
    pages = [page_text(open_tab(at, tab)) for tab in lc.settings.TABS]
    shown = " ".join([m.value for m in at.metric] + pages)
    assert not re.search(r"\b(nan|inf|-inf)\b", shown, re.IGNORECASE)
    open_tab(at, "Step in detail")
    for column in ("z", "new value", "mean"):
        numbers = table(at, column).select_dtypes("number").to_numpy()
        assert np.all(np.isfinite(numbers))


def test_overflow_stops_and_says_so(new_app):
    at = new_app(lr="10", l2="1", steps="1000").run()
    assert not at.exception
    assert "overflowed at step" in at.error[0].value
    assert "steps before the overflow" in at.info[0].value
    assert at.slider(key="inspect").max < 1000


def test_dataset_switch_loads_its_defaults(app):
    app.selectbox(key="dataset").set_value("student").run()
    assert app.session_state.w0_0 == 0.1 and app.session_state.w0_1 == -0.2
    assert metric(app, "Loss at step 0") == "1.103"
    app.selectbox(key="dataset").set_value("breast_cancer").run()
    assert app.toggle(key="standardize").value is True
    assert "more hidden" in page_text(app)
    assert len(table(app, "z")) == 20


def test_downloads_are_offered(app):
    open_tab(app, "Share & download")
    labels = [b.label for b in app.get("download_button")]
    assert any("history" in label for label in labels)
    assert any("script" in label for label in labels)
