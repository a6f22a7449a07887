"""Altair charts: the loss curve, the model, the explorer's curves and sweep, the landscape.

Builders take arrays and frames and return Altair charts; they never touch Streamlit. Field
names inside a chart are always our own (``x1``, ``loss``, ...): a user's column name is only
ever a title, cleaned of control characters, so no name can break a Vega expression or be
read as an encoding shorthand (``"a:b"`` would be field ``a`` of type ``b``).

Long runs are downsampled to at most `MAX_POINTS` points per series, keeping each bucket's
lowest and highest loss, the ends and the inspected step; a loss that zig-zags from step to
step is drawn as its envelope (two lines, highest and lowest per stretch) instead of a line
so dense it reads as a solid band.
"""

from __future__ import annotations

import io
import itertools
import math
import threading

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from logreg_core import sigmoid

MAX_POINTS = 2000
#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
CLASS_COLORS = ("#0072B2", "#E69F00")  # label 0 blue, label 1 orange
MARKER_COLOR = "#D55E00"
BOUNDARY_COLOR = "#009E73"
LOSS_COLOR = "#4C78A8"
#: Smallest loss drawn on a log axis (a loss of exactly 0 has no logarithm).
LOG_FLOOR = 1e-300
#: Above this share of direction changes between consecutive steps a curve is a zig-zag.
ZIGZAG_SHARE = 0.3
VERDICT_COLORS = {"converging": "#0072B2", "settling": "#009E73", "oscillating": "#E69F00",
                  "diverging": "#D55E00"}
VERDICT_DASH = {"converging": [1, 0], "settling": [8, 2], "oscillating": [5, 3],
                "diverging": [2, 2]}
VERDICT_SHAPES = {"converging": "circle", "settling": "diamond", "oscillating": "square",
                  "diverging": "triangle-up"}
#: Okabe-Ito colours (yellow left out: too faint on white) for up to eight runs.
RUN_COLORS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#000000",
              "#999999")
#: Fit the chart to the width only: legends below it add height instead of squeezing the plot,
#: which keeps plots readable on a phone.
FIT_WIDTH_SPEC = {"type": "fit-x", "contains": "padding"}
FIT_WIDTH = alt.AutoSizeParams(**FIT_WIDTH_SPEC)
#: Legends below the plot, one entry per line, labels cut to fit a phone's width.
BOTTOM_LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 300}


#: Altair's data transformers and themes are global to the process, and every session is a
#: thread of it: conversions take turns.
_CONVERT_LOCK = threading.Lock()


def _arrow_bytes(frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _to_named_arrow(data, datasets: dict) -> dict:
    """An Altair data transformer: a frame becomes a dataset of Arrow bytes, named by its
    place in the chart (the same chart with other numbers keeps its spec: see `Spec`).
    Vega-Lite names its own derived datasets ``data_0``, ``data_1``, ...; a dataset of ours
    under such a name breaks the chart in the browser ("Duplicate data set name")."""
    payload = _arrow_bytes(pd.DataFrame(data))
    for name, known in datasets.items():  # a frame the chart uses twice is sent once
        if known == payload:
            return {"name": name}
    name = f"frame_{len(datasets)}"  # not data_0, data_1, ...: Vega-Lite's own names
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register("descent_arrow", _to_named_arrow)


def to_spec(chart) -> dict:
    """An Altair chart as a Vega-Lite spec whose datasets are Arrow bytes, unvalidated.

    Altair checks every part of a chart against the Vega-Lite schema when it builds the spec,
    which costs more than the rest of a rerun; the tests validate each builder's output
    instead (tests/dashboard/test_charts.py). Streamlit's ``st.vega_lite_chart`` passes Arrow
    datasets on as they are.
    """
    datasets: dict[str, bytes] = {}
    with _CONVERT_LOCK, alt.data_transformers.enable("descent_arrow", datasets=datasets), \
            alt.theme.enable("none"):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def title_text(name: object, limit: int = 60) -> str:
    """A user's name as a chart title: control characters and line breaks to spaces, capped."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(name)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def downsample(values: np.ndarray, max_points: int = MAX_POINTS, keep=()) -> np.ndarray:
    """Indices of at most ``max_points`` entries that draw the same curve.

    The curve is cut into equal buckets; each keeps its lowest and highest value, so
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


def zigzags(loss: np.ndarray) -> bool:
    """Whether the loss changes direction at more than `ZIGZAG_SHARE` of its steps."""
    if loss.shape[0] < 40:
        return False
    signs = np.sign(np.diff(loss))
    return bool(np.mean(signs[1:] * signs[:-1] < 0) > ZIGZAG_SHARE)


def envelope_frame(loss: np.ndarray, n_buckets: int = 150) -> pd.DataFrame:
    """Highest and lowest loss per stretch of steps (columns step, high, low)."""
    edges = np.unique(np.linspace(0, loss.shape[0], n_buckets + 1).astype(int))
    rows = [(start, float(loss[start:stop].max()), float(loss[start:stop].min()))
            for start, stop in itertools.pairwise(edges)]
    return pd.DataFrame(rows, columns=["step", "high", "low"])


def loss_frame(loss: np.ndarray, inspect: int, log_scale: bool = False) -> pd.DataFrame:
    """The (downsampled) loss curve as a frame with columns step and loss."""
    index = downsample(loss, keep=(inspect,))
    values = loss[index]
    if log_scale:
        values = np.maximum(values, LOG_FLOOR)
    return pd.DataFrame({"step": index, "loss": values})


class Spec:
    """A Vega-Lite spec written directly as a dict, for the charts redrawn on every rerun.

    The loss curve and the model are rebuilt whenever a slider moves; building them through
    Altair (objects, deep copies, a global data transformer) costs several times more than
    writing the spec. Datasets are Arrow bytes, as Streamlit takes them, under fixed names.

    Fixed names, a fixed title and a fixed text alternative keep the spec the same from one
    slider move to the next, and then the browser swaps only the data into the chart it has;
    any change in the spec (a dataset named by its content, a number in the title) makes it
    build the chart again, which costs about 0.1 s of the page's time per chart.
    """

    def __init__(self) -> None:
        self.datasets: dict[str, bytes] = {}

    def data(self, frame: pd.DataFrame, name: str) -> dict:
        if name in self.datasets:
            raise ValueError(f"dataset {name!r} is given twice")
        self.datasets[name] = _arrow_bytes(frame)
        return {"name": name}

    def layered(self, layers: list[dict], **properties) -> dict:
        return {"layer": layers, "autosize": dict(FIT_WIDTH_SPEC),
                **properties, "datasets": self.datasets}


def _q(field: str, **extra) -> dict:
    return {"field": field, "type": "quantitative", **extra}


def loss_chart(loss: np.ndarray, inspect: int, log_scale: bool = False,
               height: int = 260) -> dict:
    """Loss against step, with a marker at the inspected step and tooltips (a spec dict).

    A zig-zagging loss is drawn as its envelope: two lines (highest and lowest loss of each
    stretch of steps) and the band between them.
    """
    spec = Spec()
    frame = loss_frame(loss, inspect, log_scale)
    y_scale = {"type": "log"} if log_scale else {"zero": False}
    y_title = "loss" + (" (log scale)" if log_scale else "")
    x = _q("step", title="step", scale={"domain": [0, max(1, len(loss) - 1)]})
    y = _q("loss", title=y_title, scale=y_scale)
    tooltip = [_q("step", format=","), _q("loss", format=".6g")]
    layers = []
    if zigzags(loss):
        band = envelope_frame(loss)
        if log_scale:
            band[["high", "low"]] = np.maximum(band[["high", "low"]], LOG_FLOOR)
        long = band.melt("step", var_name="envelope", value_name="loss")
        long["envelope"] = long["envelope"].map({"high": "highest loss per stretch",
                                                 "low": "lowest loss per stretch"})
        layers += [
            {"data": spec.data(band, "envelope"), "mark": {"type": "area", "opacity": 0.18,
                                               "color": LOSS_COLOR},
             "encoding": {"x": x, "y": _q("high", title=y_title, scale=y_scale),
                          "y2": {"field": "low"}}},
            {"data": spec.data(long, "envelope_lines"),
             "mark": {"type": "line", "color": LOSS_COLOR},
             "encoding": {"x": x, "y": y, "tooltip": [{"field": "envelope", "type": "nominal"},
                                                      *tooltip],
                          "strokeDash": {"field": "envelope", "type": "nominal", "title": None,
                                         "legend": {"orient": "bottom"}}}},
        ]
    else:
        curve = spec.data(frame, "loss")
        layers += [
            {"data": curve, "mark": {"type": "line", "color": LOSS_COLOR},
             "encoding": {"x": x, "y": y}},
            {"data": curve, "mark": {"type": "circle", "size": 60, "opacity": 0},
             "encoding": {"x": x, "y": y, "tooltip": tooltip}},
        ]
    marker = spec.data(frame[frame["step"] == inspect], "marker")
    layers += [
        {"data": marker, "mark": {"type": "rule", "color": MARKER_COLOR, "strokeDash": [4, 4]},
         "encoding": {"x": x}},
        {"data": marker, "mark": {"type": "point", "size": 140, "filled": True,
                                  "color": MARKER_COLOR},
         "encoding": {"x": x, "y": y, "tooltip": tooltip}},
    ]
    return spec.layered(layers, title="Loss; the dot is the inspected step", height=height)


def _padded_range(values: np.ndarray, pad_fraction: float = 0.15) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    pad = max((high - low) * pad_fraction, 1.0 if high == low else 0.0)
    return low - pad, high + pad


_CLASS_SCALE = {"domain": ["0", "1"], "range": list(CLASS_COLORS)}


def model_chart_1d(x: np.ndarray, y: np.ndarray, w: float, b: float, name: str) -> dict:
    """Data points, the sigmoid curve p(x) and the decision boundary x = -b / w (a spec dict)."""
    spec = Spec()
    low, high = _padded_range(x)
    grid = np.linspace(low, high, 200)
    x_scale = {"domain": [low, high], "nice": False}
    y_scale = {"domain": [-0.05, 1.05]}
    x_enc = _q("x", title=title_text(name), scale=x_scale)
    layers = [
        {"data": spec.data(pd.DataFrame({"p": [0.5]}), "half"),
         "mark": {"type": "rule", "color": "gray", "strokeDash": [2, 2]},
         "encoding": {"y": _q("p", scale=y_scale)}},
        {"data": spec.data(pd.DataFrame({"x": grid, "p": sigmoid(w * grid + b)}), "sigmoid"),
         "mark": {"type": "line", "color": "#CC79A7", "strokeWidth": 3},
         "encoding": {"x": x_enc, "y": _q("p", title="p = σ(w·x + b)", scale=y_scale),
                      "tooltip": [_q("x", format=".4g"), _q("p", format=".4g")]}},
        {"data": spec.data(pd.DataFrame({"x": x, "y": y,
                                         "label": y.astype(int).astype(str)}), "points"),
         "mark": {"type": "circle", "size": 120, "opacity": 0.9},
         "encoding": {"x": x_enc, "y": _q("y", scale=y_scale),
                      "color": {"field": "label", "type": "nominal", "title": "label",
                                "scale": _CLASS_SCALE},
                      "tooltip": [_q("x"), _q("y")]}},
    ]
    # The boundary's value is data (a label beside its line), not the title: see `Spec`.
    boundary = -b / w if w != 0 else math.nan
    inside = low <= boundary <= high  # False for nan and for ±inf
    if not math.isfinite(boundary):
        note = "no boundary: w = 0, p is the same everywhere"
    elif inside:
        note = f"x = −b/w = {boundary:.4g}"
    else:
        note = f"x = −b/w = {boundary:.4g}, off the chart"
    rule = pd.DataFrame({"x": [boundary] if inside else []}, dtype=float)
    # The label reads away from the nearer edge: right of a line in the left half, else left.
    at = boundary if inside else low
    label = pd.DataFrame({"x": [at], "text": [note]})
    none = label.iloc[:0]
    on_left = at <= (low + high) / 2
    layers += [
        {"data": spec.data(rule, "boundary"),
         "mark": {"type": "rule", "color": BOUNDARY_COLOR, "strokeDash": [6, 4],
                  "strokeWidth": 2},
         "encoding": {"x": _q("x", scale=x_scale),
                      "tooltip": [_q("x", title="boundary", format=".4g")]}},
    ]
    sides = (("left", label if on_left else none), ("right", none if on_left else label))
    for side, frame in sides:
        layers.append({
            "data": spec.data(frame, f"boundary_label_{side}"),
            "mark": {"type": "text", "align": side, "dx": 6 if side == "left" else -6,
                     "fontSize": 13, "fontWeight": "bold", "color": BOUNDARY_COLOR},
            "encoding": {"x": _q("x", scale=x_scale),
                         "y": {"datum": 0.8, "type": "quantitative", "scale": y_scale},
                         "text": {"field": "text", "type": "nominal"}}})
    return spec.layered(layers, title="p(x) and the decision boundary p = 0.5", height=300)


def model_chart_2d(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
                   names: list[str]) -> dict:
    """Points of two features, the predicted probability as a background, the line p = 0.5."""
    spec = Spec()
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
    titles = [title_text(n) for n in names]
    x_scale = {"domain": [x_low, x_high], "nice": False}
    y_scale = {"domain": [y_low, y_high], "nice": False}
    layers = [
        {"data": spec.data(cells, "cells"), "mark": {"type": "rect", "opacity": 0.3},
         "encoding": {"x": _q("x", scale=x_scale, title=titles[0]), "x2": {"field": "x2"},
                      "y": _q("y", scale=y_scale, title=titles[1]), "y2": {"field": "y2"},
                      "color": _q("p", title="p", legend={"gradientLength": 110},
                                  scale={"domain": [0, 1], "range": list(CLASS_COLORS)})}},
        {"data": spec.data(pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1],
                                         "label": y.astype(int).astype(str)}), "points"),
         "mark": {"type": "point", "size": 160, "filled": True, "stroke": "#222222",
                  "strokeWidth": 1.5, "opacity": 1},
         "encoding": {"x": _q("x1", scale=x_scale), "y": _q("x2", scale=y_scale),
                      "shape": {"field": "label", "type": "nominal",
                                "scale": {"domain": ["0", "1"],
                                          "range": ["circle", "triangle-up"]}},
                      "fill": {"field": "label", "type": "nominal", "title": "label",
                               "scale": _CLASS_SCALE},
                      "tooltip": [_q("x1", title=titles[0]), _q("x2", title=titles[1]),
                                  {"field": "label", "type": "nominal"}]}},
    ]
    # What the line is doing is data (a note in the corner), not the title: see `Spec`.
    line = boundary_segment(w, b, (x_low, x_high), (y_low, y_high))
    notes = []
    if np.all(w == 0):
        notes = ["no boundary: both weights are 0"]
    elif line is None:
        notes = ["the line p = 0.5 is outside the chart"]
    if line is None:
        line = pd.DataFrame({"x": [], "y": []}, dtype=float)
    layers += [
        {"data": spec.data(line, "boundary"),
         "mark": {"type": "line", "color": BOUNDARY_COLOR, "strokeWidth": 3},
         "encoding": {"x": _q("x", scale=x_scale), "y": _q("y", scale=y_scale)}},
        {"data": spec.data(pd.DataFrame({"text": notes}, dtype=str), "note"),
         "mark": {"type": "text", "align": "left", "baseline": "top", "x": 6, "y": 6,
                  "fontSize": 12, "color": BOUNDARY_COLOR},
         "encoding": {"text": {"field": "text", "type": "nominal"}}},
    ]
    return spec.layered(layers, title="predicted p and the line p = 0.5", height=300)


def boundary_segment(w, b, x_range, y_range) -> pd.DataFrame | None:
    """End points of the line ``w0 x + w1 y + b = 0`` inside a box, or None if it misses it."""
    w = np.asarray(w, dtype=float)
    (x0, x1), (y0, y1) = x_range, y_range
    candidates = []
    if w[1] != 0:
        candidates += [(x, -(w[0] * x + b) / w[1]) for x in (x0, x1)]
    if w[0] != 0:
        candidates += [(-(w[1] * yv + b) / w[0], yv) for yv in (y0, y1)]
    inside = sorted((x, yv) for x, yv in candidates
                    if x0 - 1e-9 <= x <= x1 + 1e-9 and y0 - 1e-9 <= yv <= y1 + 1e-9)
    if len(inside) < 2:
        return None
    return pd.DataFrame({"x": [inside[0][0], inside[-1][0]], "y": [inside[0][1], inside[-1][1]]})


def probability_chart(p: np.ndarray, y: np.ndarray) -> dict:
    """Predicted probability of every sample, one row per label: for data with many features."""
    spec = Spec()
    rng = np.random.default_rng(0)  # fixed jitter, so the picture does not dance between steps
    frame = pd.DataFrame({
        "sample": np.arange(1, len(p) + 1), "p": p, "label": y.astype(int).astype(str),
        "jitter": rng.uniform(-0.3, 0.3, len(p)),
    })
    layers = [
        {"data": spec.data(frame, "samples"),
         "mark": {"type": "circle", "size": 40, "opacity": 0.6},
         "encoding": {"x": _q("p", title="predicted probability of label 1",
                              scale={"domain": [0, 1]}),
                      "y": {"field": "label", "type": "nominal", "title": "true label",
                            "sort": ["1", "0"]},
                      "yOffset": _q("jitter"),
                      "color": {"field": "label", "type": "nominal", "legend": None,
                                "scale": _CLASS_SCALE},
                      "tooltip": [_q("sample"), _q("p", format=".4g"),
                                  {"field": "label", "type": "nominal"}]}},
        {"data": spec.data(pd.DataFrame({"p": [0.5]}), "half"),
         "mark": {"type": "rule", "color": BOUNDARY_COLOR, "strokeDash": [6, 4],
                  "strokeWidth": 2},
         "encoding": {"x": _q("p")}},
    ]
    return spec.layered(layers, title="each sample's p; right of the line is predicted 1",
                        height=300)


def _verdict_scale() -> alt.Scale:
    return alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))


def curves_frame(curves: dict[str, np.ndarray], verdicts: dict[str, str],
                 current: str | None = None) -> pd.DataFrame:
    """Loss curves in long form for one chart: run, series, order, step, loss, verdict, current.

    Each curve is downsampled (see `downsample`), or, when it zig-zags, replaced by its
    envelope (two series, "(high)" and "(low)"); entries after an overflow (nan) are dropped,
    never drawn.
    """
    frames = []
    for order, (name, loss) in enumerate(curves.items()):
        finite = np.flatnonzero(np.isfinite(loss))
        loss = loss[: finite[-1] + 1] if finite.size else loss[:0]
        common = {"run": name, "order": order, "verdict": verdicts[name],
                  "current": name == current}
        if zigzags(loss):  # two lines, highs and lows, rather than a solid band
            band = envelope_frame(loss)
            for part in ("high", "low"):
                frames.append(pd.DataFrame({**common, "series": f"{name} ({part})",
                                            "step": band["step"], "loss": band[part]}))
            continue
        index = downsample(loss)
        frames.append(pd.DataFrame({**common, "series": name, "step": index,
                                    "loss": loss[index]}))
    return pd.concat(frames, ignore_index=True)


def curves_chart(frame: pd.DataFrame, title: str, log_scale: bool = True) -> alt.Chart:
    """Several loss curves on shared axes (frame from `curves_frame`).

    Each run has its own colour (Okabe-Ito, in order); the line style names the verdict
    (solid converging, long dashes settling, dashes oscillating, dots diverging); the current
    run is thicker. The legend reads "run · verdict". A zig-zagging run is two lines of its
    colour: the highest and the lowest loss of each stretch of steps.
    """
    frame = frame.copy()
    frame["label"] = frame["run"] + " · " + frame["verdict"]
    frame["width"] = np.where(frame["current"], 4.0, 1.8)
    if log_scale:
        frame["loss"] = np.maximum(frame["loss"], LOG_FLOOR)
    labels = list(dict.fromkeys(frame.sort_values("order")["label"]))
    colors = [RUN_COLORS[k % len(RUN_COLORS)] for k in range(len(labels))]
    # no "nice" log axis: it would round out to whole decades and squeeze the curves
    y_scale = alt.Scale(type="log", nice=False) if log_scale else alt.Scale(zero=False)
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""), scale=y_scale),
        color=alt.Color("label:N", sort=labels, title=None,
                        scale=alt.Scale(domain=labels, range=colors),
                        legend=alt.Legend(**BOTTOM_LEGEND)),
        strokeDash=alt.StrokeDash(
            "verdict:N", legend=None,
            scale=alt.Scale(domain=list(VERDICT_DASH), range=list(VERDICT_DASH.values()))),
        strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        detail="series:N",
        tooltip=["run:N", "verdict:N", alt.Tooltip("step:Q", format=","),
                 alt.Tooltip("loss:Q", format=".6g")],
    ).properties(title=alt.TitleParams(title, limit=0), height=300, autosize=FIT_WIDTH)


def _sweep_encodings(frame: pd.DataFrame, steps: int):
    domain = [float(frame["learning_rate"].min()), float(frame["learning_rate"].max())]
    x = alt.X("learning_rate:Q", title="learning rate η (log scale)",
              scale=alt.Scale(type="log", domain=domain, padding=12),
              axis=alt.Axis(format="~g"))
    tooltip = [alt.Tooltip("learning_rate:Q", title="η", format=".4g"),
               alt.Tooltip("final_loss:Q", title=f"loss at step {steps:,}", format=".6g"),
               alt.Tooltip("reached:N", title="steps to within 1%"),
               "verdict:N"]
    color = alt.Color("verdict:N", scale=_verdict_scale(), title="verdict",
                      legend=alt.Legend(orient="bottom", columns=2))
    shape = alt.Shape("verdict:N", title="verdict", scale=alt.Scale(
        domain=list(VERDICT_SHAPES), range=list(VERDICT_SHAPES.values())))
    return x, tooltip, color, shape


def _rate_rules(x, rules: pd.DataFrame) -> list:
    """Vertical rules at named rates (columns learning_rate, what, kind: limit or yours)."""
    layers = []
    for k, row in enumerate(rules.itertuples()):
        one = rules.iloc[[k]]
        if row.kind == "yours":
            layers += [
                alt.Chart(one).mark_rule(color=MARKER_COLOR, strokeWidth=2).encode(
                    x=x, tooltip=["what:N"]),
                alt.Chart(one).mark_text(align="right", dx=-4, baseline="top", fontSize=11,
                                         color=MARKER_COLOR).encode(
                    x=x, y=alt.value(4 + 14 * k), text="what:N"),
            ]
            continue
        layers += [
            alt.Chart(one).mark_rule(color="#777777", strokeDash=[6, 3]).encode(
                x=x, tooltip=["what:N"]),
            alt.Chart(one).mark_text(align="left", dx=4, baseline="top", color="#777777",
                                     fontSize=11).encode(
                x=x, y=alt.value(4 + 14 * k), text="what:N"),
        ]
    return layers


def sweep_chart(frame: pd.DataFrame, rules: pd.DataFrame, steps: int) -> alt.LayerChart:
    """Final loss against learning rate (log axes), the limits and the current rate.

    Points are coloured and shaped by verdict; dashed rules mark the guaranteed rate 2/L and
    the local limit at the optimum (where one exists), a solid one the current rate. A click
    selects the nearest point: the selection parameter ``pick`` carries ``learning_rate``.
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
    return alt.layer(points, *_rate_rules(x, rules)).properties(
        height=280, title="Click a point to use its rate", autosize=FIT_WIDTH)


def speed_chart(frame: pd.DataFrame, rules: pd.DataFrame, steps: int) -> alt.LayerChart:
    """Steps each rate needs to get within 1% of the best loss seen (where it gets there)."""
    x, tooltip, color, shape = _sweep_encodings(frame, steps)
    reached = frame[frame["steps_to_1pct"].notna()]
    points = alt.Chart(reached).mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("steps_to_1pct:Q", title="steps to within 1%",
                     scale=alt.Scale(type="symlog")),
        color=color.legend(None), shape=shape.legend(None), tooltip=tooltip,
    )
    return alt.layer(points, *_rate_rules(x, rules)).properties(
        height=200, autosize=FIT_WIDTH, title="Steps to get within 1% of the best")


def landscape_chart(surface, segments: pd.DataFrame, paths: pd.DataFrame, marks: pd.DataFrame,
                    names: tuple[str, str], ray: pd.DataFrame | None = None) -> alt.LayerChart:
    """The loss over two parameters: a heatmap of log10(loss), contour lines, descent paths.

    Cells overlap their neighbours, so no background shows through as stripes between them.
    The learner's own run (the first in ``paths``) is white over a dark halo, so it stands out
    on every colour of the heatmap, on light and dark pages alike.

    Parameters
    ----------
    surface : logreg_core.landscape.Landscape
    segments : DataFrame (columns level, a, c, a2, c2)
    paths : DataFrame (columns run, step, a, c, loss)
    marks : DataFrame (columns what, a, c)
    names : (str, str)
        Axis titles.
    ray : DataFrame, optional
        Two points (columns a, c): the direction in which descent runs off.
    """
    a, c = surface.a, surface.c
    da, dc = (a[1] - a[0]) / 2, (c[1] - c[0]) / 2
    ga, gc = np.meshgrid(a, c)
    with np.errstate(divide="ignore"):
        log_loss = np.log10(np.maximum(surface.loss, LOG_FLOOR))
    overlap = 1.3  # cells reach into their neighbours: no anti-aliasing seams show as stripes
    cells = pd.DataFrame({
        "a": (ga - da * overlap).ravel(), "a2": (ga + da * overlap).ravel(),
        "c": (gc - dc * overlap).ravel(), "c2": (gc + dc * overlap).ravel(),
        "log10 loss": log_loss.ravel(), "loss": surface.loss.ravel(),
    })
    x_scale = alt.Scale(domain=[float(a[0] - da), float(a[-1] + da)], nice=False, zero=False)
    y_scale = alt.Scale(domain=[float(c[0] - dc), float(c[-1] + dc)], nice=False, zero=False)
    x = alt.X("a:Q", title=title_text(names[0]), scale=x_scale)
    y = alt.Y("c:Q", title=title_text(names[1]), scale=y_scale)
    heat = alt.Chart(cells).mark_rect(clip=True).encode(
        x=x, x2="a2:Q", y=y, y2="c2:Q",
        color=alt.Color("log10 loss:Q", scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(title="log10 loss", orient="bottom",
                                          gradientLength=160)),
        tooltip=[alt.Tooltip("loss:Q", format=".4g")],
    )
    contours = alt.Chart(segments).mark_rule(
        color="white", opacity=0.5, strokeWidth=1, clip=True).encode(x=x, y=y, x2="a2:Q",
                                                                     y2="c2:Q")
    runs = list(dict.fromkeys(paths["run"]))
    colors = ["#FFFFFF", *RUN_COLORS[1:]]
    colors = [colors[k % len(colors)] for k in range(len(runs))]
    encode = dict(x=x, y=y, order="step:Q", detail="run:N")
    mine = paths[paths["run"] == runs[0]] if runs else paths
    halo = alt.Chart(mine).mark_line(color="#000000", strokeWidth=5, opacity=0.7,
                                     clip=True).encode(**encode)
    path = alt.Chart(paths).mark_line(
        point=alt.OverlayMarkDef(size=14, clip=True), strokeWidth=2.5, clip=True
    ).encode(
        **encode,
        color=alt.Color("run:N", sort=runs, title=None, scale=alt.Scale(domain=runs,
                                                                      range=colors),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=300,
                                          symbolStrokeColor="#555555", symbolStrokeWidth=1)),
        tooltip=["run:N", alt.Tooltip("step:Q", format=","), alt.Tooltip("loss:Q", format=".4g"),
                 alt.Tooltip("a:Q", title=title_text(names[0]), format=".4g"),
                 alt.Tooltip("c:Q", title=title_text(names[1]), format=".4g")],
    )
    layers = [heat, contours, halo, path]
    if ray is not None:  # white dashes over a dark halo, like the learner's own path
        layers += [alt.Chart(ray).mark_line(color="#000000", strokeWidth=5, opacity=0.6,
                                            clip=True).encode(x=x, y=y),
                   alt.Chart(ray).mark_line(color="#FFFFFF", strokeDash=[8, 5],
                                            strokeWidth=2.5, clip=True).encode(x=x, y=y)]
    layers.append(alt.Chart(marks).mark_point(
        size=260, filled=True, stroke="black", strokeWidth=1.5, clip=True
    ).encode(
        x=x, y=y,
        shape=alt.Shape("what:N", legend=alt.Legend(orient="bottom", title=None),
                        scale=alt.Scale(domain=list(marks["what"]),
                                        range=["circle", "cross", "diamond"][:len(marks)])),
        fill=alt.value(MARKER_COLOR),
        tooltip=["what:N", alt.Tooltip("a:Q", format=".4g"), alt.Tooltip("c:Q", format=".4g")],
    ))
    return alt.layer(*layers).properties(height=400, autosize=FIT_WIDTH)
