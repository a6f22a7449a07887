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
import sys
import threading
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

from logreg_core import sigmoid
from logreg_core.frames import padded_range

from .text import fmt_log_quotient, fmt_loss

MAX_POINTS = 2000
#: Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
CLASS_COLORS = ("#0072B2", "#E69F00")  # label 0 blue, label 1 orange
MARKER_COLOR = "#D55E00"
BOUNDARY_COLOR = "#009E73"
LOSS_COLOR = "#4C78A8"
#: Smallest loss drawn on a log axis (a loss of exactly 0 has no logarithm).
LOG_FLOOR = 1e-300


def floor_note(*losses, where: str = "on the log axis, where it stops") -> str:
    """The sentence "Losses below 1e-300 are drawn at 1e-300 on the log axis, ..." where any
    finite loss drawn on a log scale (``where`` it is drawn) is below `LOG_FLOOR`, else "".
    A walk found the one student's loss of 1e-1303 drawn as a flat line at 1e-300, on an axis
    from 9.95e-301 to 1e-300, with nothing said."""
    low = [np.nanmin(np.where(np.isfinite(v), v, np.nan)) for v in map(np.asarray, losses)
           if np.any(np.isfinite(v))]
    if not low or min(low) >= LOG_FLOOR:
        return ""
    return (f"Losses below {LOG_FLOOR:.0e} are drawn at {LOG_FLOOR:.0e} {where} (a loss "
            "that underflowed to 0 has no logarithm).")
#: Above this share of direction changes between consecutive steps a curve is a zig-zag.
ZIGZAG_SHARE = 0.3
VERDICT_COLORS = {"converging": "#0072B2", "settling": "#009E73", "oscillating": "#E69F00",
                  "diverging": "#D55E00"}
VERDICT_DASH = {"converging": [1, 0], "settling": [8, 2], "oscillating": [5, 3],
                "diverging": [2, 2]}
VERDICT_SHAPES = {"converging": "circle", "settling": "diamond", "oscillating": "square",
                  "diverging": "triangle-up"}
#: A colour for each run the overlay can show (up to `fields.MAX_OVERLAY_RATES` typed rates
#: and yours): Okabe-Ito's, with yellow left out (too faint on white) and black, which the
#: dark theme's background hides, replaced by a purple; a brown for the ninth.
RUN_COLORS = ("#0072B2", "#009E73", "#E69F00", "#CC79A7", "#D55E00", "#56B4E9", "#7E57C2",
              "#999999", "#8C6D31")
#: Fit the chart to the width only: legends below it add height instead of squeezing the plot,
#: which keeps plots readable on a phone.
FIT_WIDTH_SPEC = {"type": "fit-x", "contains": "padding"}
FIT_WIDTH = alt.AutoSizeParams(**FIT_WIDTH_SPEC)
#: Legends below the plot, one entry per line, labels cut to fit a phone's width.
#: Legends under a chart, one entry a line; labels up to 520 px (four of the buggy loop's
#: bugs and a verdict) before Vega-Lite cuts them with an ellipsis.
BOTTOM_LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 520}


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


#: Fewest steps in a stretch of `envelope_frame`: each then holds a high and a low of any
#: zig-zag of period up to 8 (with 150 stretches, a run of 200 steps had stretches of one
#: step, and its "highest" and "lowest" lines zig-zagged across each other: a visual walk).
MIN_STRETCH = 8


def envelope_frame(loss: np.ndarray, n_buckets: int = 150) -> pd.DataFrame:
    """Highest and lowest loss per stretch of steps (columns step, the stretch's first;
    high and high_step, the highest loss and the step it is at; low and low_step): at most
    ``n_buckets`` stretches, each of at least `MIN_STRETCH` steps (one, for fewer steps).
    A line through the highs is drawn at their own steps: at the stretch's first step, Adam's
    high line started at step 0 at 13.2, its loss at step 1, where every run starts at 0.6931
    (a walk)."""
    n_buckets = max(1, min(n_buckets, loss.shape[0] // MIN_STRETCH))
    edges = np.unique(np.linspace(0, loss.shape[0], n_buckets + 1).astype(int))
    rows = []
    for start, stop in itertools.pairwise(edges):
        part = loss[start:stop]
        high, low = int(np.argmax(part)), int(np.argmin(part))
        rows.append((start, float(part[high]), start + high, float(part[low]), start + low))
    return pd.DataFrame(rows, columns=["step", "high", "high_step", "low", "low_step"])


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


#: Up to this many steps an axis of steps gets a tick at each whole step (Vega would put
#: ticks at 0.05, 0.1, ... under one step).
SMALL_STEPS = 10


def small_steps(last: int) -> list[int]:
    """The ticks of an axis of steps 0..``last`` when it is short: every whole step."""
    return list(range(int(last) + 1))


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values of a log axis from ``low`` to ``high`` (both > 0): 1, 2 and 5 times each
    power of ten between them, or the powers alone (every n-th) where that would be more than
    ten ticks; none (Vega's own) where fewer than three fit. Vega's own choice left a loss
    axis reaching 2.6 with no label above 1."""
    # 10.0**309 is an OverflowError, not inf: a loss axis reaching 1.7e308 (the 5 points at
    # λ = 1, η = 27.38, 76 steps, a state hunt) raised it on the page
    first = math.floor(math.log10(low))
    last = min(math.ceil(math.log10(high)), sys.float_info.max_10_exp)
    ticks = [m * 10.0**k for k in range(first, last + 1) for m in (1, 2, 5)
             if low <= m * 10.0**k <= high]
    if len(ticks) < 3:  # a narrow range: Vega's own ticks (0.55, 0.6, 0.65) say more
        return []
    if len(ticks) <= 10:
        return ticks
    powers = [10.0**k for k in range(first, last + 1) if low <= 10.0**k <= high]
    return powers[:: math.ceil(len(powers) / 10)]


def linear_ticks(low: float, high: float, count: int = 6) -> dict:
    """The axis of a linear scale from ``low`` to ``high``: about ``count`` round ticks (1, 2
    or 5 times a power of ten apart, d3's rule) and a d3 format that writes each tick with
    the digits that tell it from its neighbours, and no more.

    Vega's own labels wrote a value of 1e21 or more with every digit of its double: the
    landscape framed on a diverging run (w out to 6.3e152) read "3.0000000000…" and
    "6.0000000000…". Here ticks from 1e6 up, or a step below 1e-4, are in exponent form
    ("3e+152", "1.25e-5"), the others in fixed point with the step's decimals ("0.2",
    "1,000"). Returns no settings (Vega's own ticks) for a range that is empty or not finite.

    Returns
    -------
    dict
        ``values``, ``format`` (and ``labelExpr``, which writes 0 as "0" in exponent form),
        the keyword arguments of ``alt.Axis`` or the entries of a spec's ``axis``.
    """
    span = high - low
    if not (math.isfinite(span) and span > 1e-300):  # 10.0**p of a subnormal step: 0
        return {}
    raw = span / count
    power = math.floor(math.log10(raw))
    error = raw / 10.0**power
    multiple = 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    if error >= math.sqrt(50):
        multiple, power = 1, power + 1
    step = multiple * 10.0**power
    if not (math.isfinite(low / step) and math.isfinite(high / step)):
        return {}
    first, last = math.ceil(low / step), math.floor(high / step)
    # From whole numbers: k m 10^p is the double nearest the round decimal (Python's int
    # arithmetic and int / int round once), where k * step would read 0.30000000000000004.
    ticks = [float(k * multiple * 10**power) if power >= 0
             else k * multiple / 10**-power for k in range(first, last + 1)]
    if len(set(ticks)) < 2:  # a range narrower than a double tells apart
        return {}
    biggest = max(abs(ticks[0]), abs(ticks[-1]))
    if biggest < 1e6 and step >= 1e-4:
        return {"values": ticks, "format": f",.{max(0, -power)}f"}
    mantissa = max(0, math.floor(math.log10(biggest)) - power)
    return {"values": ticks, "format": f".{mantissa}~e",
            "labelExpr": "datum.value == 0 ? '0' : datum.label"}


#: Axis labels from a million up in short exponent form: Vega's default writes a loss near
#: 1e306 with all its digits, cut off to "4.9999999999999…".
HUGE_LABELS = {"labelExpr": "abs(datum.value) >= 1e6 ? format(datum.value, '.3~e') : "
                            "datum.label"}


def _q(field: str, **extra) -> dict:
    return {"field": field, "type": "quantitative", **extra}


def loss_chart(loss: np.ndarray, inspect: int, log_scale: bool = False,
               height: int = 260, *, digits: int,
               write: Callable[[int], str] | None = None) -> dict:
    """Loss against step, with a marker at the inspected step and tooltips giving each loss
    to ``digits`` significant digits (a spec dict).

    A zig-zagging loss is drawn as its envelope: two lines (highest and lowest loss of each
    stretch of steps) and the band between them.

    Each tooltip writes the loss as ``write(step)`` does, the caption's own text for that
    step (`explain.run_loss_text`); without it `text.fmt_loss` to ``digits``. A d3 format
    wrote them otherwise: "7.44e-45" where the caption read 7.440e-45 (?lesson=5&lr=1000
    &steps=100000), "0.00001235" for 1.235e-05, "0" for a loss that underflowed.
    """
    spec = Spec()
    frame = loss_frame(loss, inspect, log_scale)
    y_scale = {"type": "log"} if log_scale else {"zero": False}
    y_title = "loss" + (" (log scale)" if log_scale else "")
    last = max(1, len(loss) - 1)
    x = _q("step", title="step", scale={"domain": [0, last]},
           **({"axis": {"values": small_steps(last), "format": "d"}}
              if last <= SMALL_STEPS else {}))
    y = _q("loss", title=y_title, scale=y_scale, axis=HUGE_LABELS)
    if write is None:
        def write(k: int) -> str:
            return fmt_loss(loss[k], digits)
    frame["loss_text"] = [write(int(k)) for k in frame["step"]]
    tooltip = [_q("step", format=","),
               {"field": "loss_text", "type": "nominal", "title": "loss"}]
    layers = []
    if zigzags(loss):
        band = envelope_frame(loss)
        if log_scale:
            band[["high", "low"]] = np.maximum(band[["high", "low"]], LOG_FLOOR)
        # each line through points of the run, at their own steps (a melt of the band drew
        # its high_step and low_step columns as a third line, "null", of losses 0 to 200
        # that flattened the run against the axis: ?lesson=5&lr=2.5&steps=200)
        long = pd.concat([pd.DataFrame({
            "step": band[f"{part}_step"], "envelope": words, "loss": band[part],
            "loss_text": [write(int(k)) for k in band[f"{part}_step"]]})
            for part, words in (("high", "highest loss per stretch"),
                                ("low", "lowest loss per stretch"))], ignore_index=True)
        layers += [
            {"data": spec.data(band, "envelope"), "mark": {"type": "area", "opacity": 0.18,
                                               "color": LOSS_COLOR},
             "encoding": {"x": x, "y": _q("high", title=y_title, scale=y_scale,
                                               axis=HUGE_LABELS),
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


_CLASS_SCALE = {"domain": ["0", "1"], "range": list(CLASS_COLORS)}


def model_chart_1d(x: np.ndarray, y: np.ndarray, w: float, b: float, name: str) -> dict:
    """Data points, the sigmoid curve p(x) and the decision boundary x = -b / w (a spec dict)."""
    spec = Spec()
    low, high = padded_range(np.asarray(x, dtype=float))  # the player's picture's, too
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
    with np.errstate(over="ignore"):
        boundary = -b / w if w != 0 else math.nan
    inside = low <= boundary <= high  # False for nan and for ±inf
    if w == 0:
        note = "no boundary: w = 0, p is the same everywhere"
    elif not math.isfinite(boundary):  # b = 1, w = 1e-310: was "no boundary: w = 0"
        note = f"x = −b/w = {fmt_log_quotient(-b, w)}, off the chart"
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
    (x_low, x_high), (y_low, y_high) = padded_range(X[:, 0]), padded_range(X[:, 1])
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
