"""Pure builders behind the views: link round trip, downsampling, formulas, script export."""

import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import Standardizer, load_dataset, loss_and_gradients, train
from logreg_core import settings as cfg
from logreg_core.charts import boundary_segment, downsample, loss_frame
from logreg_core.explain import fmt, step_formulas, tex_number, tex_text, why_it_works
from logreg_core.script import standalone_script


def test_defaults_round_trip_through_the_link():
    for name in ("five_points", "student", "breast_cancer"):
        original = cfg.defaults(name)
        restored, notices = cfg.from_query(cfg.to_query(original))
        assert restored == original and notices == []


@settings(max_examples=50, deadline=None)
@given(
    rate=st.floats(cfg.LEARNING_RATE_MIN, cfg.LEARNING_RATE_MAX),
    steps=st.integers(1, cfg.STEPS_MAX),
    w=st.floats(-cfg.PARAM_MAX, cfg.PARAM_MAX),
    b=st.floats(-cfg.PARAM_MAX, cfg.PARAM_MAX),
    l2=st.floats(0, cfg.L2_MAX),
    data=st.data(),
)
def test_any_valid_settings_round_trip(rate, steps, w, b, l2, data):
    original = cfg.Settings(
        dataset="five_points", learning_rate=rate, steps=steps, w0=(w,), b0=b, l2=l2,
        standardize=data.draw(st.booleans()), inspect=data.draw(st.integers(0, steps)),
        log_scale=data.draw(st.booleans()), digits=data.draw(st.integers(2, 10)),
    )
    restored, notices = cfg.from_query(cfg.to_query(original))
    assert notices == []
    assert restored == original  # format_number keeps 10 digits: compare what a link holds
    assert cfg.to_query(restored) == cfg.to_query(original)


def test_bad_values_fall_back_with_one_notice_each():
    restored, notices = cfg.from_query(
        {"lr": "0", "steps": "100001", "w0": "1,x", "digits": "11", "log": "yes", "b0": "inf"}
    )
    assert restored == cfg.defaults("five_points")
    assert len(notices) == 6
    assert notices[0].startswith("Ignored link parameter lr='0'")
    assert "using 0.5" in notices[0]


def test_long_values_are_cut_in_notices():
    _, notices = cfg.from_query({"data": "x" * 500})
    assert len(notices[0]) < 200


def test_snap_learning_rate():
    assert cfg.snap_learning_rate(0.3) == 0.2  # log10 0.3 is nearer log10 0.2 than log10 0.5
    assert cfg.snap_learning_rate(0.4) == 0.5
    assert cfg.snap_learning_rate(1e-6) == 1e-4 and cfg.snap_learning_rate(50) == 10
    assert cfg.LEARNING_RATE_GRID[0] == 1e-4 and cfg.LEARNING_RATE_GRID[-1] == 10
    assert len(cfg.LEARNING_RATE_GRID) == 16


def test_downsample_keeps_ends_marker_and_extremes():
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=100_001))
    values[54_321] = 1e6  # a spike must survive
    index = downsample(values, keep=(777,))
    assert len(index) <= 2000
    assert {0, 100_000, 777, 54_321} <= set(index.tolist())
    assert values[index].max() == values.max() and values[index].min() == values.min()
    assert np.array_equal(downsample(values[:50]), np.arange(50))


def test_zigzag_survives_downsampling():
    zigzag = np.where(np.arange(50_001) % 2 == 0, 1.0, 2.0)
    kept = zigzag[downsample(zigzag)]
    assert set(kept.tolist()) == {1.0, 2.0}


def test_loss_frame_log_floor():
    frame = loss_frame(np.array([1.0, 0.0]), 1, log_scale=True)
    assert frame["loss"].min() > 0


def test_boundary_segment():
    segment = boundary_segment([1.0, 1.0], -1.0, (0, 1), (0, 1))  # x + y = 1
    assert segment[["x", "y"]].to_numpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert boundary_segment([1.0, 1.0], -10.0, (0, 1), (0, 1)) is None
    assert boundary_segment([0.0, 0.0], 1.0, (0, 1), (0, 1)) is None


def test_number_formats():
    assert fmt(-0.0) == "0" and fmt(0.249686) == "0.2497" and fmt(-6.602982, 4) == "-6.603"
    assert tex_number(1.2e-5) == r"1.2 \times 10^{-5}"


def test_tex_text_escapes_user_names():
    assert tex_text("a_b$c}") == r"\text{a\_b\$c\}}"
    assert tex_text(r"\input{/etc/passwd}").count("\\textbackslash{}") == 1
    assert len(tex_text("x" * 500)) < 60


def test_step_formulas_carry_the_table_numbers(five_points):
    X, y = five_points
    grad = loss_and_gradients(X, y, [2.197], -6.593)
    lines = step_formulas(X, np.array([2.197]), -6.593, grad, 0.1)
    text = "\n".join(lines)
    for figure in ("-4.396", "0.1855", "0.2497", "0.09982", "= 2.172", "= -6.603"):
        assert figure in text, figure
    many = step_formulas(np.ones((3, 5)), np.zeros(5), 0.0,
                         loss_and_gradients(np.ones((3, 5)), [0, 1, 0], np.zeros(5), 0.0), 0.1)
    assert "likewise for the other 2 weights" in many[-1]


def test_why_it_works_checks_agree():
    for z, y in ((-0.7, 1.0), (2.195, 1.0), (-4.396, 0.0), (30.0, 0.0), (40.0, 1.0)):
        checks = why_it_works(z, y, 3.0)
        assert len(checks) == 3
        assert all(c.relative_error < 1e-8 for c in checks), (z, y)
    # 1 - p underflows to 0: the loss's 1/(1 - p) cannot be evaluated, sigma' still can
    assert len(why_it_works(800.0, 1.0, 1.0)) == 1


def run_script(source: str) -> pd.DataFrame:
    out = subprocess.run([sys.executable, "-"], input=source, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return pd.read_csv(io.StringIO(out))


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("five_points", dict(learning_rate=0.5, steps=300, w0=[2.197], b0=-6.593, l2=0.0,
                             standardize=False)),
        ("student", dict(learning_rate=0.1, steps=50, w0=[0.1, -0.2], b0=0.0, l2=0.0,
                         standardize=False)),
        ("breast_cancer", dict(learning_rate=0.5, steps=60, w0=[0.0] * 30, b0=0.0, l2=0.01,
                               standardize=True)),
    ],
)
def test_exported_script_reproduces_the_run_exactly(name, kwargs):
    data = load_dataset(name)
    X = Standardizer.fit(data.X).transform(data.X) if kwargs["standardize"] else data.X
    history = train(X, data.y, learning_rate=kwargs["learning_rate"], steps=kwargs["steps"],
                    w0=kwargs["w0"], b0=kwargs["b0"], l2=kwargs["l2"])
    source = standalone_script(data.X, data.y, feature_names=data.feature_names, **kwargs)
    assert "import streamlit" not in source and "logreg_core" not in source
    frame = run_script(source)
    assert np.array_equal(frame["loss"].to_numpy(), history.loss)
    assert np.array_equal(frame["b"].to_numpy(), history.bias)
    assert np.array_equal(frame[data.feature_names].to_numpy(), history.weights)


def test_safe_learning_rate():
    assert cfg.safe_learning_rate(0.6762) == 0.5  # 0.9 x 0.676 = 0.61: 0.5 is the last below
    assert cfg.safe_learning_rate(0.02141) == 0.01
    assert cfg.safe_learning_rate(1000) == 10
    assert cfg.safe_learning_rate(1e-6) == 1e-4  # the slider's smallest
