"""Altair charts of a training run: the loss curve and the model at one step.

Builders take arrays and return Altair charts; they never touch Streamlit. Long runs are
downsampled to at most `MAX_POINTS` points per series, keeping each bucket's lowest and
highest loss (so a zig-zag stays visible) and the ends and inspected step exactly.
"""

from __future__ import annotations

import itertools

import altair as alt
import numpy as np
import pandas as pd

from .maths import sigmoid

MAX_POINTS = 2000
#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
CLASS_COLORS = ("#0072B2", "#E69F00")  # label 0 blue, label 1 orange
MARKER_COLOR = "#D55E00"
BOUNDARY_COLOR = "#009E73"
#: Smallest loss drawn on a log axis (a loss of exactly 0 has no logarithm).
LOG_FLOOR = 1e-300


def downsample(values: np.ndarray, max_points: int = MAX_POINTS, keep=()) -> np.ndarray:
    """Indices of at most ``max_points`` entries that draw the same curve.

    The curve is cut into equal buckets; each bucket keeps its lowest and highest value, so
    oscillations and spikes survive. The first and last index and every index in ``keep``
    are always included.

    Parameters
    ----------
    values : ndarray of shape (n,)
    max_points : int
    keep : iterable of int

    Returns
    -------
    ndarray of int, sorted, unique, at most ``max_points`` long
    """
    n = values.shape[0]
    keep = sorted({int(k) for k in keep if 0 <= k < n} | {0, n - 1})
    if n <= max_points:
        return np.arange(n)
    n_buckets = max(1, (max_points - len(keep)) // 2)
    edges = np.linspace(0, n, n_buckets + 1).astype(int)
    picks = [np.asarray(keep)]
    for start, stop in itertools.pairwise(edges):
        chunk = values[start:stop]
        picks.append(np.array([start + np.argmin(chunk), start + np.argmax(chunk)]))
    return np.unique(np.concatenate(picks))


def class_scale() -> alt.Scale:
    return alt.Scale(domain=["0", "1"], range=list(CLASS_COLORS))


def loss_frame(loss: np.ndarray, inspect: int, log_scale: bool = False) -> pd.DataFrame:
    """The (downsampled) loss curve as a frame with columns step and loss."""
    index = downsample(loss, keep=(inspect,))
    values = loss[index]
    if log_scale:
        values = np.maximum(values, LOG_FLOOR)
    return pd.DataFrame({"step": index, "loss": values})


def loss_chart(loss: np.ndarray, inspect: int, log_scale: bool = False) -> alt.LayerChart:
    """Loss against step, with a marker at the inspected step and tooltips.

    Parameters
    ----------
    loss : ndarray of shape (n_states,)
    inspect : int
        Step to mark.
    log_scale : bool
        Logarithmic loss axis.
    """
    frame = loss_frame(loss, inspect, log_scale)
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    x = alt.X("step:Q", title="step", scale=alt.Scale(domain=[0, max(1, len(loss) - 1)]))
    y = alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""), scale=y_scale)
    tooltip = [alt.Tooltip("step:Q", format=","), alt.Tooltip("loss:Q", format=".6g")]
    base = alt.Chart(frame)
    line = base.mark_line(color="#4C78A8").encode(x=x, y=y)
    hover = base.mark_circle(size=60, opacity=0).encode(x=x, y=y, tooltip=tooltip)
    marker_frame = frame[frame["step"] == inspect]
    marker = alt.Chart(marker_frame).mark_point(
        size=140, filled=True, color=MARKER_COLOR
    ).encode(x=x, y=y, tooltip=tooltip)
    rule = alt.Chart(marker_frame).mark_rule(color=MARKER_COLOR, strokeDash=[4, 4]).encode(x=x)
    return alt.layer(line, hover, rule, marker).properties(
        title=f"Loss; marker at step {inspect:,}", height=320
    )


def _padded_range(values: np.ndarray, pad_fraction: float = 0.15) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    pad = max((high - low) * pad_fraction, 1.0 if high == low else 0.0)
    return low - pad, high + pad


def model_chart_1d(x: np.ndarray, y: np.ndarray, w: float, b: float, name: str) -> alt.LayerChart:
    """Data points, the sigmoid curve p(x) and the decision boundary x = -b / w.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,)
    w, b : float
    name : str
        Feature name for the axis.
    """
    low, high = _padded_range(x)
    grid = np.linspace(low, high, 200)
    curve = pd.DataFrame({"x": grid, "p": sigmoid(w * grid + b)})
    points = pd.DataFrame({"x": x, "y": y, "label": y.astype(int).astype(str)})
    x_enc = alt.X("x:Q", title=name, scale=alt.Scale(domain=[low, high], nice=False))
    y_scale = alt.Scale(domain=[-0.05, 1.05])
    layers = [
        alt.Chart(pd.DataFrame({"p": [0.5]})).mark_rule(color="gray", strokeDash=[2, 2]).encode(
            y=alt.Y("p:Q", scale=y_scale)
        ),
        alt.Chart(curve).mark_line(color="#CC79A7", strokeWidth=3).encode(
            x=x_enc, y=alt.Y("p:Q", title="p = σ(w·x + b)", scale=y_scale),
            tooltip=[alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("p:Q", format=".4g")],
        ),
        alt.Chart(points).mark_circle(size=120, opacity=0.9).encode(
            x=x_enc, y=alt.Y("y:Q", scale=y_scale),
            color=alt.Color("label:N", scale=class_scale(), title="label"),
            tooltip=["x:Q", "y:Q"],
        ),
    ]
    boundary = -b / w if w != 0 else None
    title = "no boundary: w = 0, p is the same everywhere"
    if boundary is not None and np.isfinite(boundary):
        title = f"decision boundary x = -b/w = {boundary:.4g}"
        if low <= boundary <= high:
            layers.append(
                alt.Chart(pd.DataFrame({"x": [boundary]})).mark_rule(
                    color=BOUNDARY_COLOR, strokeDash=[6, 4], strokeWidth=2
                ).encode(x=alt.X("x:Q", scale=alt.Scale(domain=[low, high], nice=False)),
                         tooltip=[alt.Tooltip("x:Q", title="boundary", format=".4g")])
            )
        else:
            title += " (off the chart)"
    return alt.layer(*layers).properties(title=title, height=320)


def model_chart_2d(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, names: list[str]
) -> alt.LayerChart:
    """Points of two features, the predicted probability as a background, and the line p = 0.5.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)
    w : ndarray of shape (2,)
    b : float
    names : list of two str
    """
    (x_low, x_high), (y_low, y_high) = _padded_range(X[:, 0]), _padded_range(X[:, 1])
    n_cells = 40
    gx = np.linspace(x_low, x_high, n_cells + 1)
    gy = np.linspace(y_low, y_high, n_cells + 1)
    cx, cy = (gx[:-1] + gx[1:]) / 2, (gy[:-1] + gy[1:]) / 2
    mx, my = np.meshgrid(np.arange(n_cells), np.arange(n_cells))
    cells = pd.DataFrame({
        "x": gx[mx.ravel()], "x2": gx[mx.ravel() + 1],
        "y": gy[my.ravel()], "y2": gy[my.ravel() + 1],
        "p": sigmoid(w[0] * cx[mx.ravel()] + w[1] * cy[my.ravel()] + b),
    })
    x_scale = alt.Scale(domain=[x_low, x_high], nice=False)
    y_scale = alt.Scale(domain=[y_low, y_high], nice=False)
    background = alt.Chart(cells).mark_rect(opacity=0.3).encode(
        x=alt.X("x:Q", scale=x_scale, title=names[0]), x2="x2:Q",
        y=alt.Y("y:Q", scale=y_scale, title=names[1]), y2="y2:Q",
        color=alt.Color("p:Q", scale=alt.Scale(domain=[0, 1], range=list(CLASS_COLORS)),
                        title="p", legend=alt.Legend(gradientLength=110)),
    )
    points = pd.DataFrame({names[0]: X[:, 0], names[1]: X[:, 1],
                           "label": y.astype(int).astype(str)})
    dots = alt.Chart(points).mark_point(
        size=160, filled=True, stroke="#222222", strokeWidth=1.5, opacity=1
    ).encode(
        x=alt.X(f"{_field(names[0])}:Q", scale=x_scale),
        y=alt.Y(f"{_field(names[1])}:Q", scale=y_scale),
        shape=alt.Shape("label:N", scale=alt.Scale(domain=["0", "1"],
                                                   range=["circle", "triangle-up"])),
        fill=alt.Fill("label:N", scale=class_scale(), title="label"),
        tooltip=[alt.Tooltip(_field(n), type="quantitative") for n in names] + ["label:N"],
    )
    layers = [background, dots]
    line = boundary_segment(w, b, (x_low, x_high), (y_low, y_high))
    title = "p = 0.5 line: outside the chart" if line is None else "p = 0.5 line"
    if np.all(w == 0):
        title = "no boundary: both weights are 0"
    if line is not None:
        layers.append(alt.Chart(line).mark_line(color=BOUNDARY_COLOR, strokeWidth=3).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale)
        ))
    return alt.layer(*layers).properties(title=title, height=320)


def _field(name: str) -> str:
    """Escape characters Vega-Lite reads as field paths."""
    return name.replace("\\", "\\\\").replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")


def boundary_segment(w, b, x_range, y_range) -> pd.DataFrame | None:
    """End points of the line ``w0 x + w1 y + b = 0`` inside a box, or None if it misses it.

    Returns
    -------
    DataFrame with columns x, y and two rows, or None
    """
    w = np.asarray(w, dtype=float)
    (x0, x1), (y0, y1) = x_range, y_range
    candidates = []
    if w[1] != 0:
        for x in (x0, x1):
            candidates.append((x, -(w[0] * x + b) / w[1]))
    if w[0] != 0:
        for yv in (y0, y1):
            candidates.append((-(w[1] * yv + b) / w[0], yv))
    inside = [
        (x, yv) for x, yv in candidates
        if x0 - 1e-9 <= x <= x1 + 1e-9 and y0 - 1e-9 <= yv <= y1 + 1e-9
    ]
    if len(inside) < 2:
        return None
    inside.sort()
    return pd.DataFrame({"x": [inside[0][0], inside[-1][0]], "y": [inside[0][1], inside[-1][1]]})


def probability_chart(p: np.ndarray, y: np.ndarray) -> alt.LayerChart:
    """Predicted probability of every sample, one row per label: for data with many features.

    Parameters
    ----------
    p : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,)
    """
    rng = np.random.default_rng(0)  # fixed jitter, so the picture does not dance between steps
    frame = pd.DataFrame({
        "sample": np.arange(1, len(p) + 1), "p": p, "label": y.astype(int).astype(str),
        "jitter": rng.uniform(-0.3, 0.3, len(p)),
    })
    dots = alt.Chart(frame).mark_circle(size=40, opacity=0.6).encode(
        x=alt.X("p:Q", title="predicted probability of label 1", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title="true label", sort=["1", "0"]),
        yOffset=alt.YOffset("jitter:Q"),
        color=alt.Color("label:N", scale=class_scale(), legend=None),
        tooltip=["sample:Q", alt.Tooltip("p:Q", format=".4g"), "label:N"],
    )
    threshold = alt.Chart(pd.DataFrame({"p": [0.5]})).mark_rule(
        color=BOUNDARY_COLOR, strokeDash=[6, 4], strokeWidth=2
    ).encode(x="p:Q")
    return alt.layer(dots, threshold).properties(
        title="each sample's p; right of the line is predicted 1", height=320
    )


#: Okabe-Ito colours for the three verdicts, used by every explorer chart.
VERDICT_COLORS = {"converging": "#0072B2", "oscillating": "#E69F00", "diverging": "#D55E00"}
VERDICT_DASH = {"converging": [1, 0], "oscillating": [6, 3], "diverging": [2, 2]}
#: Okabe-Ito colours (yellow left out: too faint on white) for up to eight runs.
RUN_COLORS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#000000",
              "#999999")


#: Fit the chart to the width only: legends below it add height instead of squeezing the plot,
#: which keeps plots readable on a phone.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _verdict_scale() -> alt.Scale:
    return alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))


def curves_chart(frame: pd.DataFrame, title: str, log_scale: bool = True) -> alt.Chart:
    """Several loss curves on shared axes (frame from `explorer.curves_frame`).

    Each run has its own colour from the colour-blind-safe Okabe-Ito set, in the order given;
    the line style names the verdict (solid converging, dashed oscillating, dotted
    diverging); the current run is drawn thicker. The legend reads "run · verdict".
    """
    frame = frame.copy()
    frame["label"] = frame["run"] + " · " + frame["verdict"]
    frame["width"] = np.where(frame["current"], 4.0, 1.8)
    if log_scale:
        frame["loss"] = np.maximum(frame["loss"], LOG_FLOOR)
    labels = list(dict.fromkeys(frame.sort_values("order")["label"]))
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""), scale=y_scale),
        color=alt.Color("label:N", sort=labels, title=None,
                        scale=alt.Scale(domain=labels, range=list(RUN_COLORS[:len(labels)])),
                        legend=alt.Legend(orient="bottom", direction="vertical",
                                          labelLimit=320)),
        strokeDash=alt.StrokeDash(
            "verdict:N", legend=None,
            scale=alt.Scale(domain=list(VERDICT_DASH), range=list(VERDICT_DASH.values()))),
        strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        detail="run:N",
        tooltip=["run:N", "verdict:N", alt.Tooltip("step:Q", format=","),
                 alt.Tooltip("loss:Q", format=".6g")],
    ).properties(title=alt.TitleParams(title, limit=0), height=300, autosize=FIT_WIDTH)


def _sweep_encodings(frame: pd.DataFrame, steps: int):
    domain = [float(frame["learning_rate"].min()), float(frame["learning_rate"].max())]
    x = alt.X("learning_rate:Q", title="learning rate η (log scale)",
              scale=alt.Scale(type="log", domain=domain), axis=alt.Axis(format="~g"))
    tooltip = [alt.Tooltip("learning_rate:Q", title="η", format=".4g"),
               alt.Tooltip("final_loss:Q", title=f"loss at step {steps:,}", format=".6g"),
               alt.Tooltip("steps_to_1pct:Q", title="steps to within 1%", format=","),
               "verdict:N"]
    color = alt.Color("verdict:N", scale=_verdict_scale(), title="verdict",
                      legend=alt.Legend(orient="bottom"))
    shape = alt.Shape("verdict:N", title="verdict", scale=alt.Scale(
        domain=list(VERDICT_COLORS), range=["circle", "square", "triangle-up"]))
    return x, tooltip, color, shape


def _rate_rules(x, max_stable_rate: float, current_rate: float) -> list:
    rules = pd.DataFrame({
        "learning_rate": [max_stable_rate, current_rate],
        "what": [f"2/L = {max_stable_rate:.4g}", f"your η = {current_rate:.4g}"],
    })
    return [
        alt.Chart(rules.iloc[[0]]).mark_rule(color="#444444", strokeDash=[6, 3]).encode(
            x=x, tooltip=["what:N"]),
        alt.Chart(rules.iloc[[0]]).mark_text(
            align="left", dx=4, baseline="top", color="#444444"
        ).encode(x=x, y=alt.value(4), text="what:N"),
        alt.Chart(rules.iloc[[1]]).mark_rule(color=MARKER_COLOR, strokeWidth=2).encode(
            x=x, tooltip=["what:N"]),
    ]


def sweep_chart(
    frame: pd.DataFrame, max_stable_rate: float, current_rate: float, steps: int
) -> alt.LayerChart:
    """Final loss against learning rate (log axes), with the stable limit and the current rate.

    Points are coloured and shaped by verdict; a dashed rule marks 2/L, labelled with its
    value, and a solid one the current rate. Clicking a point selects its rate: the
    selection parameter ``pick`` carries the field ``learning_rate``.

    Parameters
    ----------
    frame : DataFrame
        From `explorer.sweep_frame`.
    max_stable_rate, current_rate : float
    steps : int
    """
    pick = alt.selection_point(name="pick", fields=["learning_rate"], on="click",
                               clear=False, nearest=True)
    x, tooltip, color, shape = _sweep_encodings(frame, steps)
    frame = frame.assign(final_loss=np.maximum(frame["final_loss"], LOG_FLOOR))
    points = alt.Chart(frame).mark_point(filled=True, size=80).encode(
        x=x, y=alt.Y("final_loss:Q", title=f"loss after {steps:,} steps (log)",
                     scale=alt.Scale(type="log")),
        color=color, shape=shape, tooltip=tooltip,
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.6)),
    ).add_params(pick)
    return alt.layer(points, *_rate_rules(x, max_stable_rate, current_rate)).properties(
        height=280, title="Click a point to use its rate", autosize=FIT_WIDTH
    )


def speed_chart(
    frame: pd.DataFrame, max_stable_rate: float, current_rate: float, steps: int
) -> alt.LayerChart:
    """Steps each rate needs to get within 1% of the best loss seen (where it gets there)."""
    x, tooltip, color, shape = _sweep_encodings(frame, steps)
    reached = frame[frame["steps_to_1pct"].notna()]
    points = alt.Chart(reached).mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("steps_to_1pct:Q", title="steps to within 1%",
                     scale=alt.Scale(type="symlog")),
        color=color.legend(None), shape=shape.legend(None), tooltip=tooltip,
    )
    return alt.layer(points, *_rate_rules(x, max_stable_rate, current_rate)).properties(
        height=200, autosize=FIT_WIDTH,
        title="Steps to get within 1% of the best",
    )


def landscape_chart(
    landscape, segments: pd.DataFrame, paths: pd.DataFrame, marks: pd.DataFrame,
    names: tuple[str, str], ray: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """The loss over two parameters: a heatmap of log10(loss), contour lines, descent paths.

    Parameters
    ----------
    landscape : landscape.Landscape
    segments : DataFrame
        From `landscape.contour_segments` (columns level, a, c, a2, c2).
    paths : DataFrame
        From `landscape.path_frame`, one or more runs (columns run, step, a, c, loss).
    marks : DataFrame
        Points to mark (columns what, a, c), e.g. the inspected step and the optimum.
    names : (str, str)
        Axis titles.
    ray : DataFrame, optional
        Two points (columns a, c) of the direction a separable problem runs off to.
    """
    a, c = landscape.a, landscape.c
    da, dc = (a[1] - a[0]) / 2, (c[1] - c[0]) / 2
    ga, gc = np.meshgrid(a, c)
    with np.errstate(divide="ignore"):
        log_loss = np.log10(np.maximum(landscape.loss, LOG_FLOOR))
    cells = pd.DataFrame({
        "a": (ga - da).ravel(), "a2": (ga + da).ravel(), "c": (gc - dc).ravel(),
        "c2": (gc + dc).ravel(), "log10 loss": log_loss.ravel(), "loss": landscape.loss.ravel(),
    })
    x_scale = alt.Scale(domain=[float(a[0] - da), float(a[-1] + da)], nice=False, zero=False)
    y_scale = alt.Scale(domain=[float(c[0] - dc), float(c[-1] + dc)], nice=False, zero=False)
    x = alt.X("a:Q", title=names[0], scale=x_scale)
    y = alt.Y("c:Q", title=names[1], scale=y_scale)
    heat = alt.Chart(cells).mark_rect().encode(
        x=x, x2="a2:Q", y=y, y2="c2:Q",
        color=alt.Color("log10 loss:Q", scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(title="log10 loss", orient="bottom",
                                          gradientLength=160)),
        tooltip=[alt.Tooltip("loss:Q", format=".4g")],
    )
    contours = alt.Chart(segments).mark_rule(
        color="white", opacity=0.6, strokeWidth=1, clip=True
    ).encode(
        x=x, y=y, x2="a2:Q", y2="c2:Q",
    )
    runs = list(dict.fromkeys(paths["run"]))
    path = alt.Chart(paths).mark_line(
        point=alt.OverlayMarkDef(size=12, clip=True), strokeWidth=2, clip=True
    ).encode(
        x=x, y=y, order="step:Q",
        color=alt.Color("run:N", sort=runs, title=None,
                        scale=alt.Scale(domain=runs, range=["#FFFFFF", *RUN_COLORS[1:]][
                            :len(runs)]),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=260)),
        tooltip=["run:N", alt.Tooltip("step:Q", format=","), alt.Tooltip("loss:Q", format=".4g"),
                 alt.Tooltip("a:Q", title=names[0], format=".4g"),
                 alt.Tooltip("c:Q", title=names[1], format=".4g")],
    )
    layers = [heat, contours, path]
    if ray is not None:
        layers.append(alt.Chart(ray).mark_line(color=MARKER_COLOR, strokeDash=[6, 4],
                                               strokeWidth=2.5, clip=True).encode(x=x, y=y))
    layers.append(alt.Chart(marks).mark_point(
        size=260, filled=True, stroke="black", strokeWidth=1.5
    ).encode(
        x=x, y=y,
        shape=alt.Shape("what:N", legend=alt.Legend(orient="bottom", title=None),
                        scale=alt.Scale(range=["diamond", "cross", "circle"])),
        fill=alt.value(MARKER_COLOR), tooltip=["what:N", alt.Tooltip("a:Q", format=".4g"),
                                               alt.Tooltip("c:Q", format=".4g")],
    ))
    return alt.layer(*layers).properties(height=400, autosize=FIT_WIDTH)
