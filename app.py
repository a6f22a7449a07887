"""Descent Lab: watch logistic regression learn by gradient descent, one number at a time.

Run with ``streamlit run app.py``. This file only wires widgets to `logreg_core` and lays out
what it returns; every number on the page is computed there.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import replace
from typing import NamedTuple

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import logreg_core as lc
from logreg_core import charts, explain, explorer, landscape, seeds, tables, upload
from logreg_core import maths as core_maths
from logreg_core import settings as cfg
from logreg_core.script import standalone_script

st.set_page_config(page_title="Descent Lab", page_icon="📉", layout="wide")
# Altair checks every chart part against the Vega-Lite schema as it is built, which costs more
# than the rest of a rerun; the tests validate each chart builder's output instead
# (tests/core/test_charts.py).
alt.utils.schemapi.disable_debug_mode()

TABLE_ROWS = 20  # rows of the per-sample table shown before "n more rows hidden"
TRIAL_ROWS, TRIAL_STEPS = 200, 300  # seed 003's loop runs in plain Python: keep it small
EDIT_MAX_ROWS = 1000  # the table editor is offered up to this many rows
PLAY_SPEEDS = {"slow": (1.0, 1), "normal": (0.5, 1), "fast": (0.25, 5), "very fast": (0.25, 50)}


# ----------------------------------------------------------------------------------------
# Cached pure work (keyed by its inputs)
# ----------------------------------------------------------------------------------------


class Data(NamedTuple):
    """The data every view works on, whatever its source.

    ``key`` names the numbers exactly (source, options, edits, standardization); cached work
    is keyed by it, and receives the arrays as ``_data`` (not hashed again on every call).
    """

    key: str
    X: np.ndarray  # features as trained: standardized when chosen
    y: np.ndarray
    names: list
    X_raw: np.ndarray  # features as loaded or edited, before standardization
    title: str
    standardized: bool


@st.cache_data(show_spinner=False, max_entries=16)
def scaler(key: str, _X_raw: np.ndarray, names: tuple) -> lc.Standardizer:
    return lc.Standardizer.fit(_X_raw, list(names))


@st.cache_data(show_spinner="Training...", max_entries=6)
def run_training(key, _data: Data, learning_rate, steps, w0, b0, l2) -> lc.History:
    return lc.train(_data.X, _data.y, learning_rate=learning_rate, steps=steps, w0=list(w0),
                    b0=b0, l2=l2)


@st.cache_data(show_spinner=False, max_entries=32)
def curvature(key: str, _data: Data, l2: float) -> lc.CurvatureBound:
    return lc.curvature_bound(_data.X, l2)


@st.cache_data(show_spinner=False, max_entries=32)
def exact_fit(key: str, _data: Data, l2: float) -> lc.ExactFit:
    return lc.fit_exact(_data.X, _data.y, l2)


@st.cache_data(show_spinner="Training at many learning rates...", max_entries=16)
def rate_sweep(key, _data: Data, rates, steps, w0, b0, l2) -> lc.Sweep:
    return lc.learning_rate_sweep(_data.X, _data.y, list(rates), steps, list(w0), b0, l2)


@st.cache_data(show_spinner="Running the three optimizers...", max_entries=16)
def optimizers(key, _data: Data, learning_rate, steps, w0, b0, l2, batch_size, momentum,
               seed) -> explorer.OptimizerRuns:
    return explorer.optimizer_runs(
        _data.X, _data.y, learning_rate=learning_rate, steps=steps, w0=list(w0), b0=b0, l2=l2,
        batch_size=batch_size, momentum=momentum, seed=seed,
    )


@st.cache_data(show_spinner="Running Newton's method...", max_entries=16)
def newton_path(key, _data: Data, w0, b0, l2) -> explorer.Trajectory:
    return explorer.newton_trajectory(_data.X, _data.y, w0=list(w0), b0=b0, l2=l2)


@st.cache_data(show_spinner="Computing the loss landscape...", max_entries=32)
def loss_surface(key, _data: Data, center, axes, a_range, c_range, l2):
    surface = landscape.loss_grid(_data.X, _data.y, center[:-1], center[-1], axes, a_range,
                                  c_range, l2=l2)
    return surface, landscape.contour_segments(surface)


@st.cache_data(show_spinner=False, max_entries=32)
def gradient_check(key, _data: Data, w: tuple, b: float, l2: float):
    return tables.gradient_check_table(_data.X, _data.y, list(w), b, _data.names, l2)


@st.cache_data(show_spinner="Running seed 003's loop...", max_entries=32)
def seed_003_trial(key, _data: Data, w0, b0, learning_rate, steps, bugs):
    X, y = _data.X[:TRIAL_ROWS, :2], _data.y[:TRIAL_ROWS]
    correct = seeds.seed_003_run(X, y, w0[:2], b0, learning_rate, steps)
    buggy = seeds.seed_003_run(X, y, w0[:2], b0, learning_rate, steps, bugs)
    return correct, buggy, _data.names[:2]


@st.cache_data(show_spinner=False)
def seed_001() -> seeds.Seed001Report:
    return seeds.seed_001_report(long_run_steps=20_000)


@st.cache_data(show_spinner=False)
def seed_002() -> seeds.Seed002Report:
    return seeds.seed_002_report()


# ----------------------------------------------------------------------------------------
# Session state: settings, paired slider + typed inputs, the shared link
# ----------------------------------------------------------------------------------------


def paired_keys(n_features: int) -> list[str]:
    """Canonical keys that have a slider and a typed input: rate, steps, weights, bias."""
    return ["learning_rate", "steps", *(f"w0_{j}" for j in range(n_features)), "b0"]


def to_slider(key: str, value):
    """The slider position that shows a canonical value."""
    if key == "learning_rate":
        return cfg.snap_learning_rate(value)
    if key == "steps":
        return int(min(value, cfg.STEPS_SLIDER_MAX))
    limit = cfg.PARAM_SLIDER_LIMIT
    return float(np.clip(round(value, 2), -limit, limit))


def state_values(settings: cfg.Settings) -> dict:
    """Session-state keys and values that hold a configuration."""
    values = {
        "learning_rate": settings.learning_rate, "steps": settings.steps, "b0": settings.b0,
        "l2": settings.l2, "standardize": settings.standardize, "inspect": settings.inspect,
        "log_scale": settings.log_scale, "digits": settings.digits,
        "explorer": settings.explorer, "overlay_rates": settings.overlay_rates,
        "sweep_count": settings.sweep_count, "batch_size": settings.batch_size,
        "sgd_seed": settings.seed, "momentum": settings.momentum,
        "land_compare": True, "play_speed": "normal", "playing": False, "tab": settings.tab,
    }
    values.update({f"w0_{j}": value for j, value in enumerate(settings.w0)})
    return values


def apply_settings(settings: cfg.Settings, only_missing: bool = False,
                   keep_tab: bool = True) -> None:
    """Put a configuration into session state (before widgets exist, or in a callback).

    ``only_missing`` fills just the keys that are absent: Streamlit forgets a widget's value
    when a run ends without drawing it (as after a bad upload), and the next run needs one.
    ``keep_tab`` leaves the open tab alone: a new data set or a reset keeps the learner's
    view; only a link sets it.
    """
    state = st.session_state
    if state.get("dataset") != settings.dataset and not only_missing:
        state.dataset = settings.dataset  # an upload's defaults keep the data choice
    for key, value in state_values(settings).items():
        if (only_missing or (keep_tab and key == "tab")) and key in state:
            continue
        state[key] = value


def on_paired(key: str, widget: str) -> None:
    """A slider or typed box of a paired setting moved: it becomes the setting's value."""
    st.session_state[key] = st.session_state[f"{key}_{widget}"]
    if key == "steps":
        on_steps_changed()


def on_steps_changed() -> None:
    """Keep the inspected step at the end of the run if it was there."""
    if st.session_state.inspect >= st.session_state.get("previous_steps", 0):
        st.session_state.inspect = st.session_state.steps


def on_dataset_changed() -> None:
    if st.session_state.dataset != cfg.UPLOAD:  # an upload gets its defaults with its file
        apply_settings(cfg.defaults(st.session_state.dataset))
    st.session_state.pop("upload_applied", None)


def reset_to_defaults() -> None:
    state = st.session_state
    if state.dataset == cfg.UPLOAD:
        state.pop("upload_applied", None)  # the next run applies the upload's defaults
    else:
        apply_settings(cfg.defaults(state.dataset))


def load_seed_001_setting() -> None:
    """The worked example's exact setting: one step from w 2.197, b -6.593 at rate 0.1."""
    base = cfg.defaults("five_points")
    apply_settings(replace(
        base, learning_rate=seeds.SEED_001_RATE, steps=1, w0=(seeds.SEED_001_W,),
        b0=seeds.SEED_001_B, inspect=0,
    ))


def initialize_state() -> None:
    """On a session's first run, read the shared link (or defaults) into session state."""
    if "initialized" in st.session_state:
        return
    settings, notices = cfg.from_query(st.query_params.to_dict())
    apply_settings(settings, keep_tab=False)
    st.session_state.link_notices = notices
    st.session_state.initialized = True


def sync_paired_widgets(n_features: int) -> None:
    """Point every slider and typed input at its canonical value before they are drawn."""
    for key in paired_keys(n_features):
        value = st.session_state[key]
        st.session_state[f"{key}_slider"] = to_slider(key, value)
        st.session_state[f"{key}_input"] = value


def current_settings(n_features: int) -> cfg.Settings:
    state = st.session_state
    return cfg.Settings(
        dataset=state.dataset, learning_rate=float(state.learning_rate), steps=int(state.steps),
        w0=tuple(float(state[f"w0_{j}"]) for j in range(n_features)), b0=float(state.b0),
        l2=float(state.l2), standardize=bool(state.standardize), inspect=int(state.inspect),
        log_scale=bool(state.log_scale), digits=int(state.digits),
        explorer=bool(state.explorer), overlay_rates=str(state.overlay_rates),
        sweep_count=int(state.sweep_count), batch_size=int(state.batch_size),
        seed=int(state.sgd_seed), momentum=float(state.momentum), tab=str(state.tab),
    )


# ----------------------------------------------------------------------------------------
# Sidebar
# ----------------------------------------------------------------------------------------


def paired_control(label: str, key: str, slider, typed, help_text: str) -> None:
    """A slider for dragging and a number box for exact values, bound to one setting."""
    slider(label, key=f"{key}_slider", on_change=on_paired, args=(key, "slider"),
           persist_state="session",
           help=help_text)
    typed(f"{label}: exact value", key=f"{key}_input", on_change=on_paired, args=(key, "input"),
          persist_state="session",
          label_visibility="collapsed")


def data_controls() -> None:
    """The sidebar's first part: which data, and for an upload the file and its columns."""
    sb = st.sidebar
    sb.title("Descent Lab")
    sb.selectbox(
        "Data", [*lc.DATASETS, cfg.UPLOAD], key="dataset", on_change=on_dataset_changed,
        format_func=lambda name: lc.DATASETS[name].title if name in lc.DATASETS
        else "Your own CSV file",
    )
    if st.session_state.dataset == cfg.UPLOAD:
        sb.file_uploader(
            "CSV file", key="upload_file",
            help="Read in memory only: never stored, never run. Comma, semicolon, tab or "
                 "| separated; UTF-8 or latin-1.",
        )
        sb.caption(f"Up to {upload.MAX_BYTES // 2**20} MB, {upload.MAX_ROWS:,} rows and "
                   f"{upload.MAX_FEATURES} feature columns.")


def upload_options(parsed: upload.ParsedTable, digest: str) -> None:
    """Target, features and label handling for an uploaded table (sidebar)."""
    state = st.session_state
    columns = [str(c) for c in parsed.frame.columns]
    if state.get("upload_options_for") != digest:  # a new file: fresh defaults
        candidates = upload.target_candidates(parsed.frame)
        target = candidates[0] if candidates else columns[-1]
        state.up_target = target
        state.up_features = [c for c in upload.numeric_columns(parsed.frame) if c != target]
        state.up_swap = False
        state.up_drop_missing = False
        state.upload_options_for = digest
    sb = st.sidebar
    sb.selectbox("Target (label) column", columns, key="up_target", persist_state="session")
    if state.up_target in state.up_features:
        sb.caption(f"{explain.md_escape(state.up_target, 40)} is now the target, so it is no "
                   "longer a feature.")
    state.up_features = [c for c in state.up_features if c in columns and c != state.up_target]
    sb.multiselect("Feature columns", [c for c in columns if c != state.up_target],
                   key="up_features", persist_state="session",
                   help="Numeric columns are ticked to start with.")
    sb.toggle("Swap which class is 1", key="up_swap", persist_state="session")
    sb.toggle("Drop rows with missing values", key="up_drop_missing", persist_state="session")


def training_controls(feature_names: list[str]) -> None:
    """The sidebar's second part: standardization, rate, steps, starting point, L2."""
    n_features = len(feature_names)
    sb = st.sidebar
    sb.toggle("Standardize features", key="standardize", persist_state="session",
              help="z-scores: each feature minus its mean, over its standard deviation.")
    with sb:
        paired_control(
            "Learning rate η", "learning_rate",
            lambda label, **kw: st.select_slider(
                label, options=cfg.LEARNING_RATE_GRID, format_func=cfg.format_number, **kw),
            lambda label, **kw: st.number_input(
                label, min_value=cfg.LEARNING_RATE_MIN, max_value=cfg.LEARNING_RATE_MAX,
                format="%g", step=None, **kw),
            "A log scale in 1-2-5 steps; type any rate below it.",
        )
        paired_control(
            "Steps", "steps",
            lambda label, **kw: st.slider(label, 1, cfg.STEPS_SLIDER_MAX, **kw),
            lambda label, **kw: st.number_input(
                label, min_value=1, max_value=cfg.STEPS_MAX, step=1, **kw),
            f"Drag up to {cfg.STEPS_SLIDER_MAX:,}; type up to {cfg.STEPS_MAX:,}.",
        )
        limit = cfg.PARAM_SLIDER_LIMIT
        param_slider = lambda label, **kw: st.slider(  # noqa: E731
            label, -limit, limit, step=0.01, format="%.2f", **kw)
        param_input = lambda label, **kw: st.number_input(  # noqa: E731
            label, min_value=-cfg.PARAM_MAX, max_value=cfg.PARAM_MAX, format="%g",
            step=0.001, **kw)
        weights = st.expander(f"Starting weights ({n_features})", expanded=n_features <= 2)
        with weights:
            for j, name in enumerate(feature_names):
                paired_control(f"w\\[{explain.md_escape(name, 40)}\\] at step 0", f"w0_{j}",
                               param_slider, param_input,
                               "Slider in steps of 0.01; type exact values below it.")
        paired_control("Bias b at step 0", "b0", param_slider, param_input,
                       "Slider in steps of 0.01; type exact values below it.")
        st.number_input("L2 strength λ", min_value=0.0, max_value=cfg.L2_MAX, format="%g",
                        step=0.01, key="l2", persist_state="session",
                        help="Adds λ/2·‖w‖² to the loss (the bias is not penalized). "
                             "λ = 1/(C·n) is scikit-learn's C.")
        st.select_slider("Digits shown", options=list(range(cfg.DIGITS_MIN, cfg.DIGITS_MAX + 1)),
                         key="digits", persist_state="session")
        c1, c2 = st.columns(2)
        c1.button("Reset", key="reset", on_click=reset_to_defaults,
                  help="This data set's starting settings.", width="stretch")
        c2.button("Seed 001 step", key="load_seed_001", on_click=load_seed_001_setting,
                  help="w = 2.197, b = -6.593, η = 0.1, one step, on the 5 points.",
                  width="stretch")


# ----------------------------------------------------------------------------------------
# Views
# ----------------------------------------------------------------------------------------


def styled(frame, digits: int):
    """A frame with every number shown to ``digits`` significant digits.

    Missing cells only occur where a source document gives no figure; they read so.
    """
    integers = frame.select_dtypes("integer").columns
    floats = frame.select_dtypes("floating").columns
    formats = {c: (lambda v: explain.fmt(v, digits)) for c in floats}
    formats.update({c: "{:,}" for c in integers})
    return frame.style.format(formats, na_rep="(not given)")


def full_height(frame) -> int:
    """Pixel height that shows every row of a small table without scrolling."""
    return 38 + 35 * len(frame)


def headline(history: lc.History, settings: cfg.Settings, bound, fit, inspect_pass, y):
    digits = settings.digits
    f = lambda v: explain.fmt(v, digits)  # noqa: E731
    k = settings.inspect
    w, b = history.weights[k], history.bias[k]
    accuracy = float(np.mean((inspect_pass.z >= 0) == (y == 1)))
    row = st.container(horizontal=True, gap="large")  # wraps onto two rows on a phone
    card = {"width": "content"}
    row.metric("Loss at step 0", f(history.loss[0]), **card)
    row.metric(
        f"Loss at step {history.steps_run:,}", f(history.loss[-1]),
        delta=f(history.loss[-1] - history.loss[0]), delta_color="inverse", **card,
    )
    if len(w) == 1:
        row.metric(f"w at step {k:,}", f(w[0]), **card)
    elif len(w) == 2:
        row.metric(f"w at step {k:,}", f"{f(w[0])}, {f(w[1])}", **card)
    else:
        row.metric(f"‖w‖ at step {k:,}", f(np.linalg.norm(w)), **card)
    row.metric(f"b at step {k:,}", f(b), **card)
    row.metric(f"Accuracy at step {k:,}", f"{accuracy:.0%}", **card)
    verdict = history.verdict
    notice = {lc.CONVERGING: st.success, lc.OSCILLATING: st.warning, lc.DIVERGING: st.error}
    notice[verdict.kind](verdict.describe(bound.max_stable_learning_rate))
    rate = settings.learning_rate
    st.caption(
        f"Largest stable learning rate for this data: 2/L = {f(bound.max_stable_learning_rate)}"
        f" (L = λmax/4n + λ = {f(bound.L)}); your rate is {cfg.format_number(rate)}, "
        f"{f(rate / bound.max_stable_learning_rate)} × the limit. "
        + (f"Best possible loss: {f(fit.loss)} (Newton's method)." if fit.converged
           else "No finite best fit: " + fit.message.split(": ", 1)[-1])
    )
    if history.steps_run < history.steps:
        st.info(f"Showing the {history.steps_run:,} steps before the overflow.")


def model_view(X, y, w, b, names, inspect_pass, standardized: bool):
    suffix = " (standardized)" if standardized else ""
    if X.shape[1] == 1:
        chart = charts.model_chart_1d(X[:, 0], y, float(w[0]), float(b), names[0] + suffix)
    elif X.shape[1] == 2:
        chart = charts.model_chart_2d(X, y, w, b, [n + suffix for n in names])
    else:
        chart = charts.probability_chart(inspect_pass.p, y)
    st.altair_chart(chart, width="stretch", key="model_chart")


def predict_first(X, y, w, b, grad_pass, settings: cfg.Settings, names) -> bool:
    """Ask for the signs of the gradient and the loss change before showing the step.

    Returns True once the learner has revealed this step (or does not want to predict).
    """
    state = st.session_state
    k = settings.inspect
    if not st.toggle("Predict first, then reveal", key="predict_mode", persist_state="session",
                     help="Guess the signs before the numbers are shown."):
        return True
    shown = range(min(len(names), 3))
    signs = ["negative", "positive"]
    guesses = {}
    cols = st.columns(len(shown) + 2)
    for j in shown:
        guesses[f"dw[{names[j]}]"] = cols[j].radio(
            f"dJ/dw[{names[j]}] at step {k:,} is", signs, index=None, key=f"guess_dw{j}_{k}")
    guesses["db"] = cols[-2].radio(f"dJ/db at step {k:,} is", signs, index=None,
                                   key=f"guess_db_{k}")
    guesses["loss"] = cols[-1].radio("After this step the loss will", ["go down", "go up"],
                                     index=None, key=f"guess_loss_{k}")
    if not st.button("Reveal", key=f"reveal_{k}", type="primary") and \
            state.get("revealed") != k:
        st.caption("Make your guesses, then reveal the step.")
        return False
    state.revealed = k
    w_new, b_new, _ = lc.step(X, y, w, b, settings.learning_rate, settings.l2)
    new_loss = lc.mean_loss(X, y, w_new, b_new, settings.l2)
    truth = {f"dw[{names[j]}]": signs[int(grad_pass.dw[j] > 0)] for j in shown}
    truth["db"] = signs[int(grad_pass.db > 0)]
    truth["loss"] = "go up" if new_loss > grad_pass.loss else "go down"
    right = sum(guesses[key] == value for key, value in truth.items())
    lines = [f"**{right} of {len(truth)} right.**"]
    for key, value in truth.items():
        mark = "✅" if guesses[key] == value else "❌"
        if key == "loss":
            lines.append(
                f"{mark} The loss goes from {explain.fmt(grad_pass.loss, settings.digits)} to "
                f"{explain.fmt(new_loss, settings.digits)}: it will {value}. "
                + ("A step this large overshoots the valley." if value == "go up" else
                   "A small enough step against the gradient always lowers the loss.")
            )
        else:
            lines.append(
                f"{mark} {key} is {value}: raising that parameter would "
                f"{'raise' if value == 'positive' else 'lower'} the loss, so the step "
                f"{'lowers' if value == 'positive' else 'raises'} it."
            )
    st.markdown("\n\n".join(lines))
    return True


def step_detail(data: Data, w, b, grad_pass, settings: cfg.Settings):
    X, y, names = data.X, data.y, data.names
    digits = settings.digits
    n = X.shape[0]
    if not predict_first(X, y, w, b, grad_pass, settings, names):
        return
    st.markdown(
        f"**The pass at step {settings.inspect:,}**: every sample's logit, probability, "
        "loss and error. The means of the last columns are the gradient."
    )
    rows = tables.breakdown_table(X, y, grad_pass, names)
    st.dataframe(styled(rows.head(TABLE_ROWS), digits), key="breakdown_table")
    if n > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS} of {n} samples shown; {n - TABLE_ROWS} more hidden. "
                   "The sums and means below cover all rows.")
    totals = tables.totals_table(grad_pass, names)
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Sums and means over all samples** (the means are dw and db)")
        st.dataframe(styled(totals, digits), key="totals_table")
    with right:
        st.markdown(f"**The update** at η = {cfg.format_number(settings.learning_rate)}")
        update = tables.update_table(w, b, grad_pass, settings.learning_rate, names, settings.l2)
        st.dataframe(styled(update, digits), key="update_table")
    if data.standardized:
        to_original = scaler(data.key.removesuffix("|std"), data.X_raw, tuple(names))
        w_orig, b_orig = to_original.to_original_units(w, b)
        units = pd.DataFrame(
            {"standardized": np.append(w, b), "original units": np.append(w_orig, b_orig)},
            index=pd.Index(tables.parameter_names(names), name="parameter"),
        )
        st.markdown("**The same model in the features' original units** (w / scale, and b "
                    "minus the sum of w × mean / scale)")
        st.dataframe(styled(units, digits), key="original_units")
    st.markdown("**The same step as formulas**, numbers filled in")
    for line in explain.step_formulas(X, w, b, grad_pass, settings.learning_rate,
                                      l2=settings.l2, digits=digits):
        st.latex(line)
    st.markdown("**Gradient check**: the formula (p − y)·x against the slope measured by "
                "nudging each parameter (central differences)")
    check = gradient_check(data.key, data, tuple(w), b, settings.l2)
    st.dataframe(styled(check, digits).format({"relative error": "{:.1e}"}),
                 key="gradient_check")
    worst = float(check["relative error"].max())
    st.caption(f"Largest relative error {worst:.1e}: "
               + ("the formula is right to the accuracy of the check." if worst < 1e-6 else
                  "larger than expected: the loss may be too flat or too steep here."))


def seed_001_view(settings: cfg.Settings):
    report = seed_001()
    digits = settings.digits
    f = lambda v: explain.fmt(v, digits)  # noqa: E731
    st.markdown(
        "Seed 001 works one step by hand on five points, starting from w = 2.197, "
        "b = -6.593 at η = 0.1. Left: that setting, recomputed. Right: the same table at "
        "your own starting point, so each number can be compared."
    )
    left, right = st.columns(2)
    names = ["x"]
    with left:
        st.markdown(f"**Seed setting**: w = {seeds.SEED_001_W}, b = {seeds.SEED_001_B}, "
                    f"η = {seeds.SEED_001_RATE}")
        grad = report.grad_pass
        st.dataframe(styled(tables.breakdown_table(report.X, report.y, grad, names), digits),
                     key="seed_001_table")
        st.markdown(
            f"Loss **{f(grad.loss)}**, dw = **{f(grad.dw[0])}**, db = **{f(grad.db)}**; "
            f"after one step w = **{f(report.new_w)}**, b = **{f(report.new_b)}**."
        )
    with right:
        if settings.dataset == "five_points" and not settings.standardize:
            w0, b0 = np.array(settings.w0), settings.b0
            mine = lc.loss_and_gradients(report.X, report.y, w0, b0, settings.l2)
            st.markdown(f"**Your setting**: w = {f(w0[0])}, b = {f(b0)}, "
                        f"η = {cfg.format_number(settings.learning_rate)}")
            st.dataframe(styled(tables.breakdown_table(report.X, report.y, mine, names), digits),
                         key="seed_001_yours")
            new_w = w0[0] - settings.learning_rate * mine.dw[0]
            new_b = b0 - settings.learning_rate * mine.db
            st.markdown(
                f"Loss **{f(mine.loss)}**, dw = **{f(mine.dw[0])}**, db = **{f(mine.db)}**; "
                f"after one step w = **{f(new_w)}**, b = **{f(new_b)}**."
            )
        else:
            st.info("Choose the 5-point data, unstandardized, to compare with your own "
                    "sliders, or load the seed's setting with the sidebar's "
                    "**Seed 001 step** button.")
    st.markdown("##### Where the seed's figures part from the exact ones")
    st.dataframe(styled(report.comparison, digits), key="seed_001_comparison", hide_index=True,
                 height=full_height(report.comparison))
    st.markdown(
        "The seed rounds each probability to three places before using it, so its sums and "
        "its dw come out slightly off (its p at x = 4 is 0.899 where the exact value "
        f"{f(report.grad_pass.p[3])} rounds to 0.900)."
    )
    default, free = report.sklearn_default, report.unregularized
    st.markdown("##### What seed 001 gets wrong about scikit-learn")
    st.markdown(
        f"The seed says `LogisticRegression().fit(X, y)` gives w ≈ 2.197, b ≈ -6.593. It does "
        f"not. scikit-learn's default adds an L2 penalty (C = 1, which is λ = 1/(C·n) = "
        f"{f(1 / len(report.y))} here), and its optimum is w = **{f(default.w[0])}**, "
        f"b = **{f(default.b)}**, with the boundary at x = {f(-default.b / default.w[0])} "
        "(computed here by Newton's method; scikit-learn's own solver stops within its "
        "tolerance of 1e-4 of this)."
    )
    st.markdown(
        f"Without the penalty there is no best fit at all: {free.message.split(': ', 1)[-1]} "
        "Plain gradient "
        "descent from the seed's setting shows it: the loss creeps towards 0 while w keeps "
        "growing and the boundary settles halfway between x = 3 and x = 4."
    )
    st.dataframe(styled(report.long_run, digits), key="seed_001_long_run", hide_index=True)
    st.caption(
        "w = 2.197 and b = -6.593 look chosen rather than fitted: ln 9 ≈ 2.197, and b ≈ -3w "
        "puts the boundary at x = 3 with p = 0.1 and 0.9 at x = 2 and 4."
    )


def seed_002_view(settings: cfg.Settings):
    report = seed_002()
    digits = settings.digits
    f = lambda v: explain.fmt(v, digits)  # noqa: E731
    grad = report.grad_pass
    x1, x2 = seeds.SEED_002_X
    (w1, w2), b, rate = seeds.SEED_002_W, seeds.SEED_002_B, seeds.SEED_002_RATE
    st.markdown(
        f"One student studied {x1:g} hours, slept {x2:g} hours and passed (y = 1). "
        f"The model starts at w = ({w1:g}, {w2:g}), b = {b:g} and takes one step at η = {rate:g}."
    )
    st.markdown("**1. Forward pass**")
    st.latex(rf"z = w_1 x_1 + w_2 x_2 + b = {w1:g} \cdot {x1:g} + ({w2:g}) \cdot {x2:g} + {b:g}"
             rf" = {explain.tex_number(grad.z[0], digits)}")
    st.latex(rf"p = \sigma(z) = \frac{{1}}{{1 + e^{{{explain.tex_number(-grad.z[0], digits)}}}}}"
             rf" = {explain.tex_number(grad.p[0], digits)}")
    st.markdown("**2. Loss** (y = 1, so only −log p remains)")
    st.latex(rf"\ell = -\log p = {explain.tex_number(grad.loss, digits)}")
    st.markdown("**3. Error and gradients**")
    st.latex(rf"p - y = {explain.tex_number(grad.error[0], digits)}")
    st.latex(
        rf"\frac{{\partial \ell}}{{\partial w_1}} = (p - y)\,x_1 = "
        rf"{explain.tex_number(grad.dw[0], digits)},\quad"
        rf"\frac{{\partial \ell}}{{\partial w_2}} = (p - y)\,x_2 = "
        rf"{explain.tex_number(grad.dw[1], digits)},\quad"
        rf"\frac{{\partial \ell}}{{\partial b}} = p - y = {explain.tex_number(grad.db, digits)}"
    )
    st.markdown("**4. Update**")
    st.latex(
        rf"w_1 = {f(report.new_w[0])},\quad w_2 = {f(report.new_w[1])},\quad "
        rf"b = {f(report.new_b)}"
    )
    st.dataframe(styled(report.comparison, digits), key="seed_002_comparison", hide_index=True)
    st.markdown(
        f"The seed prints 0.301 and 0.135 for the new weights; exactly they are "
        f"{explain.fmt(report.new_w[0], 4)} and {explain.fmt(report.new_w[1], 4)}. The seed "
        "rounds the error p − y to -0.67 before multiplying by the features: -0.67 · 3 = -2.01 "
        "and -0.67 · 5 = -3.35 instead of "
        f"{explain.fmt(grad.dw[0], 5)} and {explain.fmt(grad.dw[1], 5)}, and the rounding "
        "error grows with each feature. The last column redoes the step with that rounding "
        "and lands on the seed's figures. The seed also computes the bias gradient but never "
        f"updates b; the step moves it to {explain.fmt(report.new_b, 4)}."
    )


def why_view(data: Data, w, b, grad_pass, settings: cfg.Settings):
    X, y = data.X, data.y
    digits = settings.digits
    st.markdown(
        f"Three facts make the gradient simple. Each is checked below with numbers at the "
        f"inspected step (step {settings.inspect:,}), sample 1."
    )
    checks = explain.why_it_works(float(grad_pass.z[0]), float(y[0]), float(X[0, 0]), digits)
    titles = {
        0: "The sigmoid's slope is built from the sigmoid itself",
        1: "The chain rule cancels to p − y",
        2: "The logit is the log-odds",
    }
    for index, check in enumerate(checks):
        st.markdown(f"**{titles[index]}**")
        st.latex(check.formula)
        st.caption(f"{check.detail} Relative difference: {check.relative_error:.1e}.")
    if len(checks) < 3:
        st.caption("At this step p is 0 or 1 to double precision, so the log-odds and the "
                   "loss's 1/p terms cannot be evaluated; the gradient p − y still can.")
    st.markdown("**Gradient check over all samples**: the formula against central differences")
    check = gradient_check(data.key, data, tuple(w), b, settings.l2)
    st.latex(
        rf"\max_k \frac{{|g_k - \hat g_k|}}{{\max(|g_k|, |\hat g_k|)}} = "
        rf"{explain.tex_number(float(check['relative error'].max()), 2)}"
    )
    st.caption("g is the gradient from (p − y)·x, ĝ the slope of the loss measured by nudging "
               "each parameter by a small h either way (a fourth-order central difference). "
               "Parameter by parameter in the Step in detail tab.")


def loop_view(X, y, w, b, grad_pass, settings: cfg.Settings):
    st.markdown(
        "The gradient two ways: one sample at a time in plain Python, and all samples at once "
        "with numpy. The code below is the code the app runs (read from the core's source)."
    )
    left, right = st.columns(2)
    with left:
        st.markdown("**Loop**: `logreg_core.maths.loop_gradients`")
        st.code(inspect.getsource(lc.loop_gradients), language="python", wrap_lines=True)
    with right:
        st.markdown("**Vectorized**: `loss_and_gradients` and the helper it calls")
        st.code(inspect.getsource(core_maths._logistic_terms), language="python",
                wrap_lines=True)
        st.code(inspect.getsource(lc.loss_and_gradients), language="python", wrap_lines=True)
    loss, dw, db = lc.loop_gradients(X, y, w, b)
    plain = lc.loss_and_gradients(X, y, w, b) if settings.l2 else grad_pass
    diff = max(abs(loss - plain.loss), *np.abs(np.asarray(dw) - plain.dw), abs(db - plain.db))
    digits = settings.digits
    f = lambda v: explain.fmt(v, digits)  # noqa: E731
    st.markdown(
        f"At step {settings.inspect:,} (without the L2 term): loop loss {f(loss)}, "
        f"vectorized {f(plain.loss)}; loop db {f(db)}, vectorized {f(plain.db)}. "
        f"Largest difference over loss, dw and db: **{diff:.1e}** (rounding only)."
    )


def share_view(data: Data, history: lc.History, settings: cfg.Settings):
    st.markdown(
        "**Share this exact view**: the address bar holds every setting, so copying the link "
        "reproduces it. The link of this view:"
    )
    query = "&".join(f"{k}={v}" for k, v in cfg.to_query(settings).items())
    st.code("?" + query, language=None)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Download the training history (CSV)",
        data=lambda: tables.history_frame(history, data.names).to_csv(index=False),
        file_name=f"descent_lab_{settings.dataset}_history.csv", mime="text/csv",
        key="download_history", on_click="ignore",
    )
    c2.download_button(
        "Download a numpy script that reruns it",
        data=lambda: standalone_script(
            data.X_raw, data.y, feature_names=data.names, learning_rate=settings.learning_rate,
            steps=settings.steps, w0=settings.w0, b0=settings.b0, l2=settings.l2,
            standardize=data.standardized, title=data.title,
        ),
        file_name="descent_lab_run.py", mime="text/x-python",
        key="download_script", on_click="ignore",
    )
    st.caption(
        f"The history has one row per state ({history.steps_run + 1:,} rows): weights, bias, "
        "loss and the gradient of the step taken from it. The script needs only numpy and "
        "prints the same loss curve to the last digit."
    )


def landscape_view(data: Data, history: lc.History, settings: cfg.Settings, fit) -> None:
    """The loss over two parameters with the descent path, and four optimizers compared."""
    names = data.names
    n_features = len(names)
    params = [landscape.axis_name(j, names) for j in range(n_features + 1)]
    if n_features == 1:
        axes = (0, 1)
    else:
        c1, c2 = st.columns(2)
        first = c1.selectbox("Horizontal axis", params, key="land_x", persist_state="session")
        second = c2.selectbox("Vertical axis", [p for p in params if p != first], key="land_y",
                              persist_state="session")
        axes = (params.index(first), params.index(second))
    compare = st.toggle("Also run momentum, mini-batch SGD and Newton's method",
                        key="land_compare", persist_state="session")
    k = settings.inspect
    theta = np.column_stack([history.weights, history.bias])
    steps = min(history.steps_run, explorer.EXPLORER_MAX_STEPS)
    runs = []
    if compare:  # the explorer's cached runs serve here too; GD is the run itself
        others = optimizers(data.key, data, settings.learning_rate, steps, settings.w0,
                            settings.b0, settings.l2, settings.batch_size, settings.momentum,
                            settings.seed)
        runs = [*explorer.trajectories_of(others)[1:],
                newton_path(data.key, data, settings.w0, settings.b0, settings.l2)]
    newton = [t for t in runs if t.name.startswith("Newton")]
    others = [t for t in runs if not t.name.startswith("Newton")]
    extra = [np.append(fit.w, fit.b)] if fit.converged else []
    (a_range, c_range) = landscape.grid_ranges(
        [theta] + [t.theta for t in others] + ([] if fit.separable else
                                               [t.theta for t in newton]), extra, axes)
    surface, segments = loss_surface(data.key, data, tuple(theta[k]),
                                     axes, a_range, c_range, settings.l2)
    paths = pd.concat(
        [landscape.path_frame(history.weights, history.bias, history.loss, axes,
                              "gradient descent (your run)")]
        + [landscape.path_frame(t.theta[:, :-1], t.theta[:, -1], t.loss, axes, t.name)
           for t in runs],
        ignore_index=True,
    )
    marks = [("start", theta[0, axes[0]], theta[0, axes[1]]),
             (f"step {k:,}", theta[k, axes[0]], theta[k, axes[1]])]
    ray = None
    if fit.converged:
        optimum = np.append(fit.w, fit.b)
        marks.append(("optimum", optimum[axes[0]], optimum[axes[1]]))
    elif fit.separable:
        direction = fit.direction[list(axes)]
        if np.linalg.norm(direction) > 0:
            span = max(a_range[1] - a_range[0], c_range[1] - c_range[0])
            start = theta[-1, list(axes)]
            ray = pd.DataFrame({"a": [start[0], start[0] + span * direction[0]],
                                "c": [start[1], start[1] + span * direction[1]]})
    chart = charts.landscape_chart(
        surface, segments, paths,
        pd.DataFrame(marks, columns=["what", "a", "c"]), (params[axes[0]], params[axes[1]]),
        ray,
    )
    st.altair_chart(chart, width="stretch", key="landscape_chart")
    held = "" if n_features == 1 else (
        f" A slice: every other parameter is held at its value at step {k:,}, so the heatmap "
        "changes as you scrub."
    )
    where = (f"The diamond is the optimum found by Newton's method (loss "
             f"{explain.fmt(fit.loss, settings.digits)})." if fit.converged else
             "There is no optimum to mark: the dashed line shows the direction in which the "
             "loss keeps falling, and where descent heads forever." if fit.separable else "")
    st.caption(f"Loss over {explain.md_escape(params[axes[0]], 60)} and "
               f"{explain.md_escape(params[axes[1]], 60)} (colour: log10 of the loss; "
               f"white lines: contours). The path is your run, step by step.{held} {where}")
    if not compare:
        return
    everything = [explorer.Trajectory("gradient descent", theta[:steps + 1],
                                      history.loss[:steps + 1]), *runs]
    target = fit.loss if fit.converged else min(float(t.loss.min()) for t in everything)
    table = explorer.steps_to_tolerance(everything, target)
    st.dataframe(styled(table, settings.digits), hide_index=True, key="tolerance_table")
    st.caption(
        f"Steps (iterations for Newton) until the loss is within 1% of "
        f"{'the optimum' if fit.converged else 'the lowest loss any of them reached'} "
        f"({explain.fmt(target, settings.digits)}). Newton's method uses the curvature too: "
        "each iteration solves a small linear system instead of taking a fixed-size step."
    )
    if fit.separable:
        st.info(
            "Newton's method has no finite target here. With the classes perfectly split, the "
            "loss keeps falling as (w, b) grows, so each Newton step jumps further along the "
            "same direction: its loss drops by a constant factor per iteration while w grows "
            "by a constant amount, for ever. Add L2 and it stops at a finite optimum in a few "
            "iterations."
        )
    curves = {t.name: t.loss for t in everything}
    verdicts = {t.name: lc.classify_loss(t.loss).kind for t in everything}
    st.altair_chart(charts.curves_chart(explorer.curves_frame(curves, verdicts,
                                                              "gradient descent"),
                                        "Loss per step (per iteration for Newton)"),
                    width="stretch", key="compare_chart")


def trial_view(data: Data, settings: cfg.Settings) -> None:
    """Seed 003's per-sample loop, each bug a switch, beside the corrected loop."""
    st.markdown(
        "Seed 003 writes the gradient as a loop over the samples, then a vectorized version. "
        "Both contain mistakes. Switch each one on below: the loop runs with it beside the "
        "corrected loop, on the same data and from the same start, and the chart shows the "
        "true loss of every state either loop reaches."
    )
    cols = st.columns(2)
    bugs = frozenset(
        name for k, (name, text) in enumerate(seeds.SEED_003_BUGS.items())
        if cols[k % 2].checkbox(text, key=f"bug_{name}", persist_state="session")
    )
    steps = min(settings.steps, TRIAL_STEPS)
    correct, buggy, names = seed_003_trial(
        data.key, data, settings.w0, settings.b0,
        settings.learning_rate, steps, bugs)
    notes = []
    if len(names) < 2 and "same_feature" in bugs:
        notes.append("This data has one feature, so using x[1] for both weights changes "
                     "nothing here: pick a data set with two or more features.")
    if len(data.y) > TRIAL_ROWS or len(data.names) > 2:
        notes.append(f"The loop runs on the first {min(TRIAL_ROWS, len(data.y))} samples "
                     f"and the first {len(names)} feature(s), as seed 003's loop has two "
                     "weights.")
    if steps < settings.steps:
        notes.append(f"Both loops run {steps} steps.")
    if buggy.stopped_at:
        notes.append(f"The buggy loop's numbers overflowed at step {buggy.stopped_at}.")
    for note in notes:
        st.caption(note)
    label = "seed 003 with " + (", ".join(sorted(bugs)) if bugs else "no bugs")
    curves = {"corrected loop": correct.loss, label: buggy.loss}
    verdicts = {name: lc.classify_loss(loss).kind for name, loss in curves.items()}
    st.altair_chart(charts.curves_chart(explorer.curves_frame(curves, verdicts,
                                                              "corrected loop"),
                                        "True loss of each state"),
                    width="stretch", key="trial_chart")
    rows = [("corrected loop", *correct.weights[-1], correct.bias[-1], correct.loss[-1]),
            (label, *buggy.weights[-1], buggy.bias[-1], buggy.loss[-1])]
    final = pd.DataFrame(rows, columns=["run", *[f"w[{n}]" for n in names], "b", "true loss"])
    st.dataframe(styled(final, settings.digits), hide_index=True, key="trial_table")
    if "same_sample" in bugs or "accumulated_error" in bugs:
        gap = abs(buggy.reported[-1] - buggy.loss[-2]) if len(buggy.reported) else 0.0
        st.caption(f"The buggy loop also reports a loss of its own: "
                   f"{explain.fmt(buggy.reported[-1], settings.digits)} on its last step, "
                   f"against a true {explain.fmt(buggy.loss[-2], settings.digits)} "
                   f"(off by {explain.fmt(gap, settings.digits)}).")
    st.markdown("**What each bug does**")
    st.markdown(
        "- *Same sample*: the gradient only ever sees sample 1, so the model fits that one "
        "point and ignores the rest.\n"
        "- *Accumulated error*: sample i is weighted by the sum of all errors so far, so late "
        "samples get huge, wrong gradients.\n"
        "- *Same feature*: both weights move together, so the model cannot tell the two "
        "features apart.\n"
        "- *Bias not averaged*: db is m times too large: a learning rate m times larger for b "
        "alone, which can overshoot.\n"
        "- *Bias updated with itself*: b shrinks towards 0 whatever the data say; from b = 0 "
        "it never moves."
    )
    st.markdown("**The vectorized snippet**: seed 003 starts it with `w = np.zeros(n_x, 1)`. "
                "Run here, numpy answers:")
    st.code(seeds.numpy_zeros_error(), language=None)
    st.markdown("The second argument of `np.zeros` is the data type, not a second dimension; "
                "the shape must be one tuple: `np.zeros((n_x, 1))`.")
    with st.expander("The loop as this app runs it (bugs as switches)"):
        st.code(inspect.getsource(seeds.seed_003_step), language="python", wrap_lines=True)


def playback_controls(last: int) -> None:
    """Play, pause, step back and forward, and speed, for the inspect-step scrubber."""
    state = st.session_state
    cols = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
    cols[0].button("◀ step", key="step_back", on_click=nudge_inspect, args=(-1, last),
                   width="stretch", help="One step back.")
    playing = state.get("playing", False)
    cols[1].button("⏸ pause" if playing else "▶ play", key="play", on_click=toggle_play,
                   args=(last,), width="stretch", help="Play the run from the inspected step.")
    cols[2].button("step ▶", key="step_forward", on_click=nudge_inspect, args=(1, last),
                   width="stretch", help="One step forward.")
    cols[3].select_slider("Speed", options=list(PLAY_SPEEDS), key="play_speed",
                          persist_state="session",
                          label_visibility="collapsed")
    interval, stride = PLAY_SPEEDS[state.get("play_speed", "normal")]

    @st.fragment(run_every=interval if playing else None)
    def ticker() -> None:
        import time

        if not state.get("playing"):
            return
        now = time.monotonic()
        if now - state.get("last_tick", 0.0) < interval:
            return  # a full rerun right after a tick: nothing to advance yet
        state.last_tick = now
        # the scrubber already exists in this run: hand the new step to the next run, which
        # sets it before drawing the scrubber
        state.pending_inspect = min(state.inspect + stride, last)
        if state.pending_inspect >= last:
            state.playing = False
        st.rerun()

    ticker()


def nudge_inspect(delta: int, last: int) -> None:
    st.session_state.playing = False
    st.session_state.inspect = int(np.clip(st.session_state.inspect + delta, 0, last))


def toggle_play(last: int) -> None:
    state = st.session_state
    state.playing = not state.get("playing", False)
    if state.playing and state.inspect >= last:
        state.inspect = 0  # replay from the start
    state.last_tick = 0.0


def explorer_view(data: Data, settings: cfg.Settings, bound, fit) -> None:
    """Many rates from the current start: overlay, sweep with the limit, optimizers."""
    digits = settings.digits
    steps = min(settings.steps, explorer.EXPLORER_MAX_STEPS)
    run_args = (data.key, data)
    start = (settings.w0, settings.b0, settings.l2)
    if steps < settings.steps:
        st.caption(f"The explorer runs the first {steps:,} of your {settings.steps:,} steps.")

    st.markdown("##### Same start, several rates")
    st.text_input(
        "Rates to overlay", key="overlay_rates", persist_state="session",
        placeholder=", ".join(cfg.format_number(r) for r in
                              explorer.default_overlay_rates(settings.learning_rate)),
        help="Comma-separated, up to 8. Empty: 0.1x, 0.5x, 1x, 2x and 4x your rate.",
    )
    try:
        rates = (explorer.parse_rates(settings.overlay_rates) if settings.overlay_rates.strip()
                 else explorer.default_overlay_rates(settings.learning_rate))
    except lc.LogRegInputError as error:
        st.error(f"{error} Showing the rates around yours instead.")
        rates = explorer.default_overlay_rates(settings.learning_rate)
    rates = tuple(sorted(set(rates) | {settings.learning_rate}))
    overlay = rate_sweep(*run_args, rates, steps, *start)
    st.altair_chart(
        charts.curves_chart(explorer.overlay_frame(overlay, settings.learning_rate),
                            "Loss from the same start; thick line: your rate"),
        width="stretch", key="overlay_chart",
    )

    st.markdown("##### Sweep: where descent breaks")
    st.slider("Rates in the sweep", explorer.SWEEP_COUNT_MIN, explorer.SWEEP_COUNT_MAX,
              key="sweep_count", persist_state="session")
    swept = explorer.sweep_rates(bound, settings.sweep_count)
    sweep = rate_sweep(*run_args, tuple(swept), steps, *start)
    sweep_table = explorer.sweep_frame(sweep)
    chart_args = (sweep_table, bound.max_stable_learning_rate, settings.learning_rate, steps)
    event = st.altair_chart(charts.sweep_chart(*chart_args), width="stretch",
                            key="sweep_chart", on_select="rerun", selection_mode="pick")
    st.altair_chart(charts.speed_chart(*chart_args), width="stretch", key="speed_chart")
    close = int(sweep_table["steps_to_1pct"].notna().sum())
    st.caption(
        f"{close} of {len(sweep_table)} rates get within 1% of the best loss any rate reached "
        f"in {steps:,} steps ({explain.fmt(float(np.nanmin(sweep.loss)), digits)})."
    )
    selection = (event or {}).get("selection") or {}
    picked = (selection.get("pick") or [{}])[0].get("learning_rate")
    if picked is not None and picked != st.session_state.get("last_pick"):
        st.session_state.last_pick = picked
        st.session_state.learning_rate = float(f"{picked:.6g}")
        st.rerun()
    st.markdown(explain.learning_rate_story(
        bound, len(data.y), settings.learning_rate, fit.separable, settings.l2, digits))

    st.markdown("##### Optimizers from the same start, at your rate")
    c1, c2, c3 = st.columns(3)
    c1.number_input("SGD batch size", min_value=1, max_value=len(data.y), step=1,
                    key="batch_size", persist_state="session")
    c2.number_input("SGD seed", min_value=0, max_value=2**31 - 1, step=1, key="sgd_seed",
                    persist_state="session",
                    help="The same seed gives the same sample order, so a run can be repeated.")
    c3.slider("Momentum β", 0.0, cfg.MOMENTUM_MAX, step=0.01, key="momentum",
              persist_state="session")
    runs = optimizers(*run_args, settings.learning_rate, steps, *start,
                      settings.batch_size, settings.momentum, settings.seed)
    st.altair_chart(charts.curves_chart(runs.frame(), "Gradient descent, SGD and momentum"),
                    width="stretch", key="optimizer_chart")
    finals = "; ".join(f"{name}: loss {explain.fmt(h.loss[-1], digits)} ({h.verdict.kind})"
                       for name, h in runs.runs.items())
    st.caption(
        f"After {steps:,} steps: {finals}. SGD follows the gradient of {settings.batch_size} "
        "random samples per step, so its loss wobbles; momentum adds β times the previous "
        "step to each step, which speeds up long gentle slopes and can overshoot."
    )


# ----------------------------------------------------------------------------------------
# Page
# ----------------------------------------------------------------------------------------


def editor_key(source_key: str) -> str:
    return "editor_" + hashlib.sha1(source_key.encode()).hexdigest()[:12]


def has_edits(edits) -> bool:
    return bool(edits) and any(edits.get(k) for k in ("edited_rows", "added_rows",
                                                     "deleted_rows"))


class Source(NamedTuple):
    """Data before edits and standardization, with what the Data tab says about it."""

    key: str
    X: np.ndarray
    y: np.ndarray
    names: list
    title: str
    note: str  # Markdown; for uploads built from escaped user text only
    preview: object = None  # the uploaded table, shown as plain cells


@st.cache_data(show_spinner="Reading your file...", max_entries=8)
def parse_upload(digest: str, _content: bytes, sample_large: bool) -> upload.ParsedTable:
    return upload.read_csv_bytes(_content, sample_large=sample_large)


@st.cache_data(show_spinner=False, max_entries=16)
def prepare_upload(digest: str, _parsed: upload.ParsedTable, target: str, features: tuple,
                   swap: bool, drop_missing: bool) -> upload.PreparedData:
    return upload.prepare(_parsed.frame, target, list(features), swap_labels=swap,
                          drop_missing=drop_missing)


def show_problem(error: lc.LogRegInputError) -> None:
    """A user's mistake, as a notice; the message may quote their column names or values."""
    st.error(explain.md_escape(str(error), 1000), icon="⚠️")


def upload_source() -> Source | None:
    """The uploaded file as a `Source`, or None after saying what is missing or wrong."""
    state = st.session_state
    file = state.get("upload_file")
    if file is None:
        st.info("Choose a CSV file in the sidebar: a header row of column names, one row per "
                "sample, numeric feature columns and a label column with two values.")
        return None
    content = file.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:20]
    sample_key = f"up_sample_{digest}"

    def offer_sample() -> None:  # drawn while the file is too long, and while it is sampled
        st.sidebar.toggle(f"Use a random sample of {upload.MAX_ROWS:,} rows", key=sample_key,
                          persist_state="session")

    sample = state.get(sample_key, False)
    try:
        parsed = parse_upload(digest, content, sample)
    except upload.UploadError as error:
        show_problem(error)
        if error.code == "too_large" and len(content) <= upload.MAX_BYTES:
            offer_sample()
        return None
    if parsed.sampled:
        offer_sample()
    upload_options(parsed, digest)
    options = (state.up_target, tuple(state.up_features), state.up_swap, state.up_drop_missing)
    try:
        prepared = prepare_upload(digest, parsed, *options)
    except upload.UploadError as error:
        show_problem(error)
        return None
    if state.get("upload_applied") != (digest, *options):
        # new file or columns: the starting point and scaling start afresh
        apply_settings(cfg.upload_defaults(len(prepared.feature_names), len(prepared.y),
                                           prepared.suggest_standardize))
        state.upload_applied = (digest, *options)
        state.choose_safe_rate = True  # once the data are scaled: see main()
    notes = [explain.md_escape(n, 300) for n in parsed.notes]
    notes.append(f"Labels: {explain.md_escape(prepared.mapping.describe(), 300)}.")
    if prepared.dropped_rows:
        notes.append(f"Dropped {prepared.dropped_rows:,} rows with missing values.")
    ratio = prepared.scale_ratio
    notes.append(
        f"The features' spreads differ by a factor of {ratio:,.3g}"
        + ("; standardizing is on to start with." if prepared.suggest_standardize else ".")
    )
    key = "upload:" + digest + "|" + hashlib.sha1(
        json.dumps([*options, sample], default=str).encode()).hexdigest()[:12]
    return Source(
        key=key, X=prepared.X, y=prepared.y, names=list(prepared.feature_names),
        title=f"your file ({len(prepared.y):,} rows)",
        note="#### Your file\n\n" + "\n\n".join(f"- {n}" for n in notes),
        preview=parsed.frame,
    )


def builtin_source(name: str) -> Source:
    data = lc.load_dataset(name)
    return Source(key=f"builtin:{name}", X=data.X, y=data.y, names=list(data.feature_names),
                  title=data.info.title, note=data.note)


def load_data(source: Source) -> Data:
    """The data of this run: the source, the table editor's edits, standardization."""
    state = st.session_state
    key, title, X_raw, y = source.key, source.title, source.X, source.y
    edits = state.get(editor_key(source.key))
    if has_edits(edits):
        frame = tables.apply_edits(tables.editable_frame(X_raw, y, source.names), edits)
        try:
            X_raw, y = lc.check_data(*tables.edited_arrays(frame))
            digest = json.dumps(edits, sort_keys=True, default=str).encode()
            key += "|edits:" + hashlib.sha1(digest).hexdigest()[:16]
            title += " (edited)"
        except lc.LogRegInputError as error:
            st.error(f"Your edits of the table cannot be used yet: "
                     f"{explain.md_escape(error, 500)} Until then the page shows the data as "
                     "it was.")
    X, is_standardized = X_raw, False
    if state.standardize:
        try:
            X = scaler(key, X_raw, tuple(source.names)).transform(X_raw)
            key, is_standardized = key + "|std", True
        except lc.LogRegInputError as error:
            st.warning(f"{explain.md_escape(error, 500)} Showing the features unstandardized.")
    return Data(key=key, X=X, y=y, names=list(source.names), X_raw=X_raw, title=title,
                standardized=is_standardized)


def data_view(data: Data, source: Source) -> None:
    """The data's note and a table to edit it: move, add and remove points, flip labels."""
    state = st.session_state
    st.markdown(source.note)
    if source.preview is not None:
        st.markdown("##### The file as read")
        st.dataframe(source.preview.head(100), key="upload_preview")
        st.caption(f"First {min(100, len(source.preview))} of {len(source.preview):,} rows. "
                   "Cells and column names are shown as plain text.")
    st.markdown("##### Edit the data")
    if len(source.y) > EDIT_MAX_ROWS:
        st.caption(f"This data has {len(source.y):,} rows; the editor is offered up to "
                   f"{EDIT_MAX_ROWS:,}.")
        return
    st.caption("Change a value to move a point, tick or untick *label* to flip its class, and "
               "add or delete rows (the + and the bin in the table's toolbar). Everything on "
               "the page follows. New rows start with label 0.")
    st.data_editor(
        tables.editable_frame(source.X, source.y, source.names),
        key=editor_key(source.key), num_rows="dynamic", width="stretch",
        column_config={tables.LABEL: st.column_config.CheckboxColumn(
            "label", help="Ticked: label 1. Unticked: label 0.")},
    )
    if has_edits(state.get(editor_key(source.key))):
        st.caption(f"Edited: {len(data.y)} rows now. Edits are kept while you stay on this "
                   "data set; they are not part of shared links.")


def main() -> None:
    initialize_state()
    for notice in st.session_state.pop("link_notices", []):
        st.warning(notice, icon="🔗")
    state = st.session_state
    if "tab" not in state and "last_tab" in state:  # a run that stopped early forgot it
        state.tab = state.last_tab
    apply_settings(cfg.defaults(cfg.DEFAULT_DATASET), only_missing=True)
    data_controls()
    source = upload_source() if state.dataset == cfg.UPLOAD else builtin_source(state.dataset)
    if source is None:
        st.title("How logistic regression learns")
        return
    data = load_data(source)
    X, y, names = data.X, data.y, data.names
    if state.pop("choose_safe_rate", False):
        limit = curvature(data.key, data, 0.0).max_stable_learning_rate
        state.learning_rate = cfg.safe_learning_rate(limit)
    state.batch_size = int(min(state.batch_size, len(y)))
    n_features = len(names)
    sync_paired_widgets(n_features)
    training_controls(names)
    settings = current_settings(n_features)

    st.title("How logistic regression learns")
    st.markdown(
        "Each step computes a probability for every sample, measures the loss, and moves the "
        "weights against its gradient. Change the sidebar and watch every number move; drag "
        "the scrubber to inspect any step."
    )
    try:
        history = run_training(data.key, data, settings.learning_rate,
                               settings.steps, settings.w0, settings.b0, settings.l2)
    except lc.LogRegInputError as error:
        st.error(f"{error}")
        st.query_params.from_dict(cfg.to_query(settings))
        return
    bound = curvature(data.key, data, settings.l2)
    fit = exact_fit(data.key, data, settings.l2)

    last = history.steps_run
    if "pending_inspect" in state:  # a playback tick
        state.inspect = state.pop("pending_inspect")
    if state.inspect > last:
        state.inspect = last
    if last > 0:
        st.slider("Inspect step", 0, last, key="inspect", persist_state="session",
                  help="Every view below shows the state after this many steps.")
        playback_controls(last)
    settings = current_settings(n_features)
    state.previous_steps = settings.steps

    k = settings.inspect
    w, b = history.weights[k], float(history.bias[k])
    grad_pass = lc.loss_and_gradients(X, y, w, b, settings.l2)
    headline(history, settings, bound, fit, grad_pass, y)

    left, right = st.columns(2)
    with left:
        st.altair_chart(charts.loss_chart(history.loss, k, settings.log_scale), width="stretch",
                        key="loss_chart")
        st.toggle("Log scale", key="log_scale", persist_state="session")
    with right:
        model_view(X, y, w, b, names, grad_pass, data.standardized)

    st.toggle("Compare learning rates", key="explorer", persist_state="session",
              help="Overlay several rates from the same start, sweep 30 to 60 rates across "
                   "the stable limit, and compare gradient descent with SGD and momentum.")
    if settings.explorer:
        with st.container(border=True):
            explorer_view(data, settings, bound, fit)

    # Only the open tab's content runs: a rerun after a slider move redraws one tab, not nine.
    views = {
        "Step in detail": lambda: step_detail(data, w, b, grad_pass, settings),
        "Landscape": lambda: landscape_view(data, history, settings, fit),
        "Seed 001: worked example": lambda: seed_001_view(settings),
        "Seed 002: one student": lambda: seed_002_view(settings),
        "Seed 003 on trial": lambda: trial_view(data, settings),
        "Why it works": lambda: why_view(data, w, b, grad_pass, settings),
        "Loop vs vectorized": lambda: loop_view(X, y, w, b, grad_pass, settings),
        "Share & download": lambda: share_view(data, history, settings),
        "Data": lambda: data_view(data, source),
    }
    for tab, name in zip(st.tabs(list(cfg.TABS), key="tab", on_change="rerun"), cfg.TABS,
                         strict=True):
        with tab:
            if tab.open:
                views[name]()
    state.last_tab = state.tab  # tabs cannot persist their state: see main's first lines
    st.query_params.from_dict(cfg.to_query(current_settings(n_features)))


main()
