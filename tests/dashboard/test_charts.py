"""The chart builders: valid Vega-Lite, readable zig-zags, and user names only as titles."""

import json
import math
import re
import sys

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import logreg_core as lc
from dashboard import charts, landscape_chart, rate_charts
from dashboard.views.optimizers import overlap_sentence
from logreg_core import landscape


def spec(chart) -> dict:
    """The chart's spec, validated against the Vega-Lite schema (an Altair chart validates as
    it is written out; a spec dict is read back by Altair, its Arrow datasets left empty)."""
    if not isinstance(chart, dict):
        return chart.to_dict(validate=True)
    alt.LayerChart.from_dict({**chart, "datasets": {k: [] for k in chart["datasets"]}},
                             validate=True)
    return chart


def test_downsample_keeps_ends_marker_and_extremes():
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=100_001))
    values[54_321] = 1e6  # a spike must survive
    index = charts.downsample(values, keep=(777,))
    assert len(index) <= 2000
    assert {0, 100_000, 777, 54_321} <= set(index.tolist())
    assert values[index].max() == values.max() and values[index].min() == values.min()
    assert np.array_equal(charts.downsample(values[:50]), np.arange(50))


def test_a_two_cycle_is_drawn_as_two_lines_not_a_band():
    wiki = lc.load_dataset("wikipedia_students")
    history = lc.train(wiki.X, wiki.y, learning_rate=4, steps=2000)
    assert charts.zigzags(history.loss)
    frame = rate_charts.curves_frame({"η = 4": history.loss}, {"η = 4": "oscillating"},
                                     digits=4)
    assert set(frame["series"]) == {"η = 4 (high)", "η = 4 (low)"}
    tail = frame[frame["step"] > 500]
    highs = tail[tail["series"].str.endswith("(high)")]["loss"]
    lows = tail[tail["series"].str.endswith("(low)")]["loss"]
    assert highs.to_numpy() == pytest.approx(0.9543, abs=1e-3)  # each line flat: readable
    assert lows.to_numpy() == pytest.approx(0.6672, abs=1e-3)
    chart = spec(charts.loss_chart(history.loss, 10, digits=4))
    assert "area" in [layer["mark"]["type"] for layer in chart["layer"]]  # the band


def test_a_smooth_curve_stays_one_line():
    history = lc.train(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1], learning_rate=0.5,
                       steps=200)
    assert not charts.zigzags(history.loss)
    frame = rate_charts.curves_frame({"a": history.loss}, {"a": "converging"}, digits=4)
    assert set(frame["series"]) == {"a"}


@pytest.mark.parametrize("names", [["hours:studied", "b"], ["back\\slash", "new\nline"],
                                   ["a.b[0]", "$x$"]])
def test_user_names_are_titles_never_fields(names):
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(float)
    chart = spec(charts.model_chart_2d(X, y, np.array([1.0, 0.5]), 0.1, names))
    text = json.dumps({k: v for k, v in chart.items() if k != "datasets"})
    for name in names:
        assert f'"field": {json.dumps(name)}' not in text
        assert json.dumps(charts.title_text(name)) in text  # shown as a title, cleaned
    assert "\n" not in charts.title_text("new\nline") and "\\" in charts.title_text("a\\b")


def every_chart() -> list:
    """One chart from each builder."""
    built = []
    X = np.arange(1.0, 6.0)[:, None]
    y = np.array([0, 0, 0, 1, 1.0])
    history = lc.train(X, y, learning_rate=0.5, steps=300)
    built.append(charts.loss_chart(history.loss, 5, log_scale=True, digits=4))
    built.append(charts.model_chart_1d(X[:, 0], y, 1.0, -3.0, "x"))
    built.append(charts.probability_chart(np.linspace(0, 1, 7), np.array([0, 1] * 3 + [1.0])))
    frame = rate_charts.curves_frame({"a": history.loss, "b": history.loss * 2},
                                {"a": "converging", "b": "settling"}, current="a", digits=4)
    built.append(rate_charts.curves_chart(frame, "t"))
    blown = np.geomspace(0.7, 1e280, 301)
    capped = rate_charts.curves_frame({"a": history.loss, "up": blown},
                                      {"a": "converging", "up": "diverging"},
                                      notes={"up": ", overflowed at step 301"}, digits=4)
    built.append(rate_charts.curves_chart(capped, "capped"))
    zoom = rate_charts.zoom_frame({"c": np.tile([0.4, 0.5], 100)}, {"c": "oscillating"},
                                  digits=4)
    built.append(rate_charts.zoom_chart(zoom))
    rules = pd.DataFrame({"learning_rate": [0.6, 1.8, 0.5], "what": ["2/L", "2/μ*", "yours"],
                          "kind": ["guaranteed", "local", "yours"]})
    sweep = pd.DataFrame({"learning_rate": [0.1, 1.0], "final_loss": [0.5, 0.2],
                          "steps_to_1pct": [np.nan, 20.0], "reached": ["not reached", "20"],
                          "verdict": ["converging", "oscillating"],
                          "ended": ["0.5", "0.2"]})
    built.append(rate_charts.sweep_chart(sweep, rules, 300))
    built.append(rate_charts.speed_chart(sweep, rules, 300))
    surface = landscape.loss_grid(X, y, [1.0], -3.0, (0, 1), (-1, 4), (-10, 2), 30)
    paths = pd.DataFrame({"run": "gd", "step": [0, 1], "a": [0.0, 0.5], "c": [0.0, -1.0],
                          "loss": [0.69, 0.5]})
    marks = pd.DataFrame({"what": ["start", "step 1"], "a": [0.0, 0.5], "c": [0.0, -1.0]})
    built.append(landscape_chart.landscape_chart(surface, landscape.contour_segments(surface),
                                                 paths, marks, ("w[x]", "b"), digits=4))
    return built


def test_every_chart_builder_makes_a_valid_spec():
    for chart in every_chart():
        spec(chart)


def referenced_names(node) -> set[str]:
    """Every dataset name a spec's ``data`` entries refer to."""
    names = set()
    if isinstance(node, dict):
        if isinstance(node.get("data"), dict) and "name" in node["data"]:
            names.add(node["data"]["name"])
        for value in node.values():
            names |= referenced_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= referenced_names(value)
    return names


def test_dataset_names_are_ours_and_all_present():
    """Vega-Lite names its own derived datasets data_0, data_1, ...: one of ours under such a
    name fails in the browser ("Duplicate data set name"), which no schema check sees."""
    for chart in every_chart():
        sent = chart if isinstance(chart, dict) else charts.to_spec(chart)
        names = set(sent["datasets"])
        assert names and not any(re.fullmatch(r"data_\d+", n) for n in names), names
        assert referenced_names({k: v for k, v in sent.items() if k != "datasets"}) == names


def test_boundary_segment():
    segment = charts.boundary_segment([1.0, 1.0], -1.0, (0, 1), (0, 1))  # x + y = 1
    assert segment[["x", "y"]].to_numpy().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert charts.boundary_segment([1.0, 1.0], -10.0, (0, 1), (0, 1)) is None
    assert charts.boundary_segment([0.0, 0.0], 1.0, (0, 1), (0, 1)) is None


def test_landscape_cells_overlap_so_no_stripes_show():
    X = np.arange(1.0, 6.0)[:, None]
    surface = landscape.loss_grid(X, [0, 0, 0, 1, 1], [1.0], -3.0, (0, 1), (-1, 4),
                                     (-10, 2), 20)
    chart = landscape_chart.landscape_chart(surface, landscape.contour_segments(surface),
                                   pd.DataFrame(columns=["run", "step", "a", "c", "loss"]),
                                   pd.DataFrame({"what": ["start"], "a": [0.0], "c": [0.0]}),
                                   ("w", "b"), digits=4)
    cells = chart.layer[0].data
    width = cells["a2"] - cells["a"]
    step = surface.a[1] - surface.a[0]
    assert (width > step).all()  # each cell reaches past its neighbour's edge


def dataset(spec: dict, name: str) -> pd.DataFrame:
    """One Arrow dataset of a hand-written spec, read back."""
    return pa.ipc.open_stream(spec["datasets"][name]).read_all().to_pandas()


def boundary_label(spec: dict) -> tuple[list[float], list[str]]:
    rows = pd.concat([dataset(spec, "boundary_label_left"), dataset(spec, "boundary_label_right")])
    return rows["x"].tolist(), rows["text"].tolist()


def test_the_1d_boundary_label_says_where_minus_b_over_w_is():
    x, y = np.arange(1.0, 6.0), np.array([0, 0, 0, 1, 1.0])
    inside = charts.model_chart_1d(x, y, 2.0, -7.0, "x")  # -b/w = 3.5, inside 1..5
    assert dataset(inside, "boundary")["x"].tolist() == [3.5]
    assert boundary_label(inside) == ([3.5], ["x = −b/w = 3.5"])
    outside = charts.model_chart_1d(x, y, 1.0, -100.0, "x")  # -b/w = 100, off a 1..5 chart
    assert dataset(outside, "boundary").empty
    assert boundary_label(outside)[1] == ["x = −b/w = 100, off the chart"]
    flat = charts.model_chart_1d(x, y, 0.0, 0.3, "x")  # w = 0: p = sigma(0.3) everywhere
    assert dataset(flat, "boundary").empty
    assert boundary_label(flat)[1] == ["no boundary: w = 0, p is the same everywhere"]
    assert np.ptp(dataset(flat, "sigmoid")["p"]) == 0


def test_the_2d_note_speaks_only_when_the_line_is_missing():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 0, 1, 1.0])
    crossing = charts.model_chart_2d(X, y, np.array([0.0, 2.0]), -1.0, ["a", "b"])  # x2 = 0.5
    line = dataset(crossing, "boundary")
    assert len(line) == 2 and np.allclose(line["y"], 0.5)
    assert dataset(crossing, "note").empty
    far = charts.model_chart_2d(X, y, np.array([0.0, 1.0]), -50.0, ["a", "b"])  # x2 = 50
    assert dataset(far, "boundary").empty
    assert dataset(far, "note")["text"].tolist() == ["the line p = 0.5 is outside the chart"]
    flat = charts.model_chart_2d(X, y, np.zeros(2), 0.0, ["a", "b"])
    assert dataset(flat, "note")["text"].tolist() == ["no boundary: both weights are 0"]


def test_a_diverging_run_does_not_stretch_the_shared_axis():
    """Runs at 1e+280 would flatten every other curve: the axis stops above the bounded
    runs, the diverging one is clipped there with a mark, and its legend says it overflowed."""
    bounded = np.linspace(0.7, 0.4, 301)
    frame = rate_charts.curves_frame({"good": bounded, "up": np.geomspace(0.7, 1e280, 301)},
                                     {"good": "converging", "up": "diverging"},
                                     notes={"up": ", overflowed at step 301"}, digits=4)
    spec = charts.to_spec(rate_charts.curves_chart(frame, "t"))
    frames = [pa.ipc.open_stream(d).read_all().to_pandas() for d in spec["datasets"].values()]
    domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert domain[1] == pytest.approx(0.7 * rate_charts.CAP_HEADROOM)
    labels = {label for f in frames if "label" in f for label in f["label"]}
    assert "up · diverging, overflowed at step 301" in labels
    exits = [f for f in frames if "note" in f]
    assert len(exits) == 1 and exits[0]["run"].tolist() == ["up"]
    assert exits[0]["loss"].iloc[0] == pytest.approx(domain[1])
    sweep = pd.DataFrame({"learning_rate": [0.1, 1.0, 30.0], "final_loss": [0.5, 0.2, 1e280],
                          "steps_to_1pct": [np.nan, 20.0, np.nan],
                          "reached": ["not reached", "20", "not reached"],
                          "verdict": ["converging", "oscillating", "diverging"],
                          "ended": ["0.5", "0.2", "overflowed at step 9"]})
    rules = pd.DataFrame({"learning_rate": [0.6], "what": ["2/L"], "kind": ["guaranteed"]})
    sweep_spec = charts.to_spec(rate_charts.sweep_chart(sweep, rules, 300))
    points = next(pa.ipc.open_stream(d).read_all().to_pandas()
                  for d in sweep_spec["datasets"].values()
                  if "final_loss" in pa.ipc.open_stream(d).read_all().column_names)
    assert points["final_loss"].max() == pytest.approx(0.5 * rate_charts.CAP_HEADROOM)
    assert points["ended"].iloc[-1] == "overflowed at step 9"


def test_the_limits_are_named_in_a_legend_not_beside_their_lines():
    rules = pd.DataFrame({"learning_rate": [0.7458, 1.804, 0.5],
                          "what": ["2/L = 0.7458", "2/μ* = 1.804",
                                   "your η = 0.5"], "kind": ["guaranteed", "local", "yours"]})
    sweep = pd.DataFrame({"learning_rate": [0.1, 1.0], "final_loss": [0.5, 0.2],
                          "steps_to_1pct": [np.nan, 20.0], "reached": ["not reached", "20"],
                          "verdict": ["converging", "oscillating"], "ended": ["0.5", "0.2"]})
    spec = charts.to_spec(rate_charts.sweep_chart(sweep, rules, 300))
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in spec["layer"]]
    assert "text" not in marks  # no label to overlap or to be cut at the edge
    legend = spec["layer"][1]["encoding"]["color"]
    assert legend["legend"]["orient"] == "bottom"


def test_a_log_loss_axis_labels_its_whole_range():
    """Found in a screenshot: the overlay's log axis, reaching 2.6, had no label above 1.
    Its ticks are 1, 2 and 5 times the powers of ten inside it; over many decades the powers
    alone, at most ten; Vega's own where fewer than three would fit."""
    from dashboard.charts import log_ticks

    assert log_ticks(0.07, 2.6) == [0.1, 0.2, 0.5, 1.0, 2.0]
    assert log_ticks(0.5, 0.7) == []
    many = log_ticks(1e-300, 1e300)
    assert 3 <= len(many) <= 10 and all(1e-300 <= t <= 1e300 for t in many)
    assert all(math.log10(t) == round(math.log10(t)) for t in many)


def test_every_overlay_run_has_a_colour_of_its_own_seen_on_both_themes():
    """Up to MAX_OVERLAY_RATES typed rates and yours: a ninth run reused the first colour,
    and Okabe-Ito's black vanished on the dark theme's background (#0E1117)."""
    from dashboard import fields

    colours = charts.RUN_COLORS
    assert len(set(colours)) == len(colours) >= fields.MAX_OVERLAY_RATES + 1

    def luminance(hex_colour):  # WCAG relative luminance
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for background in ("#FFFFFF", "#0E1117"):
        for colour in colours:
            light, dark = sorted([luminance(colour), luminance(background)], reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 2.0, (colour, background)


def test_an_envelope_of_a_zig_zag_does_not_zig_zag():
    """150 stretches over 201 steps were 1 or 2 steps long, so the "highest" and "lowest"
    lines of a 2-cycle crossed each other (a visual walk). A damped 2-cycle's envelope
    closes in: highs never rise, lows never fall."""
    t = np.arange(201)
    loss = 1.0 + 0.5 * (-1.0) ** t * 0.99 ** t
    band = charts.envelope_frame(loss)
    assert np.all(np.diff(band["high"]) <= 0) and np.all(np.diff(band["low"]) >= 0)
    assert np.all(band["high"] > band["low"])
    assert band["step"].tolist()[0] == 0 and len(band) == 201 // charts.MIN_STRETCH
    assert len(charts.envelope_frame(loss[:3])) == 1  # fewer steps than a stretch: one
    # every point of the two lines is a point of the run: Adam's high line at λ = 100 began
    # at step 0 at 13.2, its loss at step 1 (a walk)
    for part in ("high", "low"):
        assert np.array_equal(loss[band[f"{part}_step"]], band[part])
    frame = rate_charts.curves_frame({"a": loss}, {"a": "oscillating"}, digits=4)
    assert set(zip(frame["step"], frame["loss"], strict=True)) <= set(enumerate(loss))
    # the lesson's loss chart draws the same two lines, and no third: a melt of the band drew
    # its high_step and low_step columns as a line named "null" of losses 0 to 200, and the
    # run lay flat along the axis under it (?lesson=5&lr=2.5&steps=200)
    spec = charts.loss_chart(loss, 200, digits=4)
    lines = pa.ipc.open_stream(spec["datasets"]["envelope_lines"]).read_all().to_pandas()
    assert set(lines["envelope"]) == {"highest loss per stretch", "lowest loss per stretch"}
    assert set(zip(lines["step"], lines["loss"], strict=True)) <= set(enumerate(loss))
    assert list(lines["loss_text"]) == [f"{v:.4g}" for v in lines["loss"]]


def test_curves_that_lie_on_each_other_are_found_at_the_charts_scale():
    """Momentum's line was hidden under Nesterov's in the optimizers' chart (a visual walk):
    such pairs are named. On a log axis from 1 down to 1e-10, 3% apart is one line (0.013
    decades against a span of 10), 3 times apart is not; a constant ratio is the largest."""
    t = np.arange(101.0)
    falling = 10.0 ** (-t / 10)
    curves = {"a": falling, "b": falling * 1.03, "c": falling * 3.0}
    axis = rate_charts.loss_axis(rate_charts.curves_frame(
        curves, dict.fromkeys(curves, "converging"), digits=4))
    assert axis == (1e-10, 3.0)  # the curves' own range: no run diverges
    assert rate_charts.coinciding(curves, axis) == [
        (("a", "b"), pytest.approx(1.03), 101, 101, 101)]
    same = {"a": falling, "b": falling.copy()}
    assert rate_charts.coinciding(same, (1e-10, 1.0)) == [(("a", "b"), 1.0, 101, 101, 101)]
    # on a linear axis from 0 to 1, 0.001 apart is one line, and 1e-10 against 1e-9 too
    near = {"a": falling, "b": falling + 0.001}
    assert [group.names for group in rate_charts.coinciding(near, (1e-10, 1.001),
                                                            log_scale=False)] == [("a", "b")]


def test_lines_lie_on_each_other_only_on_the_axis_drawn():
    """An axis capped at 10 from 0.1 (two decades: 1% is 0.02 decades, a factor of 1.047):
    runs that leave it draw nothing above it, whatever their losses there (judged on their
    own range, 1e+9 and 1e+300 are 9 decades apart of 300, and a loss of 2 beside 20 was "on
    each other"). Steps where one line is on the chart and the other ended (an overflow,
    nan) are apart; ratios count only where both are on the chart. Lines every two of which
    lie on each other are named together: a, b, d and a, b, e (d and e are apart)."""
    curves = {"a": np.array([1.0, 2, 1e3, 1e6]), "b": np.array([1.0, 2, 2e3, 1e9]),
              "c": np.array([1.0, 2.5, 1e3, 1e6]), "d": np.array([1.0, 2, 9.99, 1e300]),
              "e": np.array([1.0, 2, np.nan, np.nan]), "f": np.array([1.0, 20, 1e3, 1e300])}
    found = rate_charts.coinciding(curves, (0.1, 10.0))
    # c at step 1: log10(2.5 / 2) = 0.097 decades; d at step 2: 0.0004 below the top;
    # e ended where d is still drawn; f at step 1: 20 is above the top, 2 is not
    assert found == [(("a", "b", "d"), 1.0, 2, 4, 4), (("a", "b", "e"), 1.0, 2, 4, 4)]
    assert overlap_sentence(found[0], (0.1, 10.0)) == (
        "The lines of a, b and d lie on each other at this scale: their losses are the same "
        "at the 2 steps where all are on the chart; at the other 2 steps at least one is "
        "above its top (10).")
    # every two on the chart together at one step, never all three: named pairwise
    turns = {"a": np.array([9.9, 9.9, 11]), "b": np.array([9.9, 11, 9.9]),
             "c": np.array([11, 9.9, 9.9])}
    assert [g.names for g in rate_charts.coinciding(turns, (0.1, 10.0))] == [
        ("a", "b"), ("a", "c"), ("b", "c")]
    # the group's ratio is that of its farthest two, where all are on the chart
    t = np.arange(101.0)
    three = {"a": 10.0 ** (-t / 10), "b": 1.02 * 10.0 ** (-t / 10), "c": 1.04 * 10.0 ** (-t / 10)}
    assert rate_charts.coinciding(three, (1e-10, 1.1)) == [
        (("a", "b", "c"), pytest.approx(1.04), 101, 101, 101)]
    (pair,) = rate_charts.coinciding({k: curves[k] for k in "ab"}, (0.1, 10.0))
    assert overlap_sentence(pair, (0.1, 10.0)) == (
        "The lines of a and b lie on each other at this scale: their losses are the same at "
        "the 2 steps where both are on the chart; at the other 2 steps at least one is above "
        "its top (10).")
    # on an axis of 10 decades a factor of 1.2 (0.079 decades) draws as one line, and the
    # sentence says so; of 100 decades, a factor of 2.5 (0.4 decades)
    falling = 10.0 ** -np.arange(1.0, 11)
    (wide,) = rate_charts.coinciding({"x": falling, "y": falling * 1.2}, (1e-10, 1.0))
    assert overlap_sentence(wide, (1e-10, 1.0)) == (
        "The lines of x and y lie on each other at this scale: at every step they are less "
        "than 1% of the axis's height apart (it spans 10 decades), though their losses differ "
        "by up to 20%.")
    (wider,) = rate_charts.coinciding({"x": falling, "y": falling * 2.5}, (1e-100, 1.0))
    assert overlap_sentence(wider, (1e-100, 1.0)).endswith(
        "(it spans 100 decades), though their losses differ by up to a factor of 2.5.")


def test_log_ticks_up_to_the_largest_double_raise_nothing():
    """A loss axis reaching 1.7e308 asked for 10.0**309, an OverflowError on the page (a
    state hunt); its ticks stop at the largest power of ten a double holds."""
    ticks = charts.log_ticks(0.5, sys.float_info.max)
    assert ticks and ticks[-1] <= sys.float_info.max and all(map(math.isfinite, ticks))
    assert max(ticks) >= 1e200  # powers of ten, every n-th, up to the axis's top


def d3_label(value: float, specifier: str) -> str:
    """What d3-format writes for the two kinds of specifier `charts.linear_ticks` gives:
    ",.Nf" (grouped fixed point) and ".N~e" (exponent form, trailing zeros trimmed)."""
    digits = int(re.search(r"\.(\d+)", specifier).group(1))
    if specifier.endswith("f"):
        return f"{value:,.{digits}f}"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{exponent[0]}{int(exponent[1:])}"


@pytest.mark.parametrize(("low", "high"), [
    (-1.3037e152, 6.3647e152),  # w of a diverging run (students, η = 1000, λ = 100)
    (-1803.46, 1435.12), (-1.25, 5.25), (999.5, 1000.5), (2.4e7, 2.9e7), (1e-5, 3.3e-5),
    (0.0, 1.7e308),
])
def test_linear_ticks_are_round_and_labelled_short_and_true(low, high):
    """Found on the landscape of ?tab=landscape&data=wikipedia_students&lr=1000&steps=50&l2=100:
    Vega wrote its w ticks with every digit of their doubles, "3.0000000000…". Each label
    now reads back to its tick and differs from its neighbours', with no digit to spare."""
    axis = charts.linear_ticks(low, high)
    ticks = axis["values"]
    assert 3 <= len(ticks) <= 10 and all(low <= t <= high for t in ticks)
    labels = [d3_label(t, axis["format"]) for t in ticks]
    assert len(set(labels)) == len(labels), labels
    assert [float(label.replace(",", "")) for label in labels] == ticks, labels
    fewer = re.sub(r"\d+", lambda m: str(max(0, int(m.group()) - 1)), axis["format"], count=1)
    if fewer != axis["format"]:  # one digit fewer no longer tells every tick apart
        assert len({d3_label(t, fewer) for t in ticks}) < len(ticks)


def test_linear_ticks_of_the_reported_landscape_read_in_exponent_form():
    axis = charts.linear_ticks(-1.3037e152, 6.3647e152)
    assert axis["labelExpr"] == "datum.value == 0 ? '0' : datum.label"
    assert ["0" if t == 0 else d3_label(t, axis["format"]) for t in axis["values"]] == [
        "-1e+152", "0", "1e+152", "2e+152", "3e+152", "4e+152", "5e+152", "6e+152"]


def test_linear_ticks_leave_an_empty_or_endless_range_to_vega():
    assert charts.linear_ticks(1.0, 1.0) == {}
    assert charts.linear_ticks(-1e308, 1e308) == {}  # the span overflows


def test_the_landscape_axes_carry_their_ticks():
    surface = landscape.loss_grid(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1], [1.0], -3.0,
                                  (0, 1), (-1, 4), (-10, 2), 20)
    chart = landscape_chart.landscape_chart(
        surface, landscape.contour_segments(surface),
        pd.DataFrame(columns=["run", "step", "a", "c", "loss"]),
        pd.DataFrame({"what": ["start"], "a": [0.0], "c": [0.0]}), ("w", "b"), digits=4).to_dict()
    for channel in ("x", "y"):
        encoding = chart["layer"][0]["encoding"][channel]
        assert encoding["axis"] == charts.linear_ticks(*encoding["scale"]["domain"])


def test_landscape_paths_are_drawn_so_that_none_hides_another():
    """At the default, momentum's, Nesterov's and Adam's paths ran down the valley under the
    max-margin ray and mini-batch SGD's jitter, and were hidden (a visual walk). The ray lies
    under every path, the jittery run under the smooth ones, each smooth one wider than the
    next (so one drawn over another leaves it showing at both edges), the learner's on top,
    and the runs' colours in one legend."""
    surface = landscape.loss_grid(np.arange(1.0, 6.0)[:, None], [0, 0, 0, 1, 1], [1.0], -3.0,
                                  (0, 1), (-1, 4), (-10, 2), 20)
    runs = ["mine", "momentum", "nesterov", "sgd"]
    paths = pd.DataFrame([(r, k, 0.1 * k, -k, 1.0) for r in runs for k in range(3)],
                         columns=["run", "step", "a", "c", "loss"])
    chart = spec(landscape_chart.landscape_chart(
        surface, landscape.contour_segments(surface), paths,
        pd.DataFrame({"what": ["start"], "a": [0.0], "c": [0.0]}), ("w", "b"),
        ray=pd.DataFrame({"a": [0.0, 1.0], "c": [0.0, -3.0]}), behind=["sgd"], digits=4))
    layers = chart["layer"]
    drawn = []
    for layer in layers[2:-1]:  # after the heatmap and contours, before the marks
        mark = layer["mark"]
        rows = pd.DataFrame(chart["datasets"][layer["data"]["name"]])
        name = rows["run"].unique().tolist() if "run" in rows else "ray"
        drawn.append((name, mark.get("strokeWidth"), mark.get("strokeDash")))
    assert [d[0] for d in drawn] == ["ray", "ray", ["sgd"], ["momentum"], ["nesterov"],
                                     ["mine"], ["mine"]]
    widths = [d[1] for d in drawn[2:5]]
    assert widths[0] < widths[2] < widths[1]  # the jittery thinnest; momentum over Nesterov
    legends = [layer["encoding"]["color"].get("legend", {}) for layer in layers
               if "color" in layer.get("encoding", {}) and "field" in layer["encoding"]["color"]
               and layer["encoding"]["color"]["field"] == "run"]
    assert sum(legend is not None for legend in legends) == 1


def test_a_boundary_beyond_the_largest_double_is_no_missing_boundary():
    """A review: at w = 1e-310, b = 1 the lesson's chart said "no boundary: w = 0"; −b/w is
    −1e+310 (by hand: 1 / 1e-310), beyond the largest double and off the chart."""
    x, y = np.arange(1.0, 6.0), np.array([0, 0, 0, 1, 1.0])
    chart = spec(charts.model_chart_1d(x, y, 1e-310, 1.0, "x"))
    assert boundary_label(chart)[1] == ["x = −b/w = -1e+310, off the chart"]
    assert boundary_label(spec(charts.model_chart_1d(x, y, 0.0, 1.0, "x")))[1] == [
        "no boundary: w = 0, p is the same everywhere"]


def test_the_envelope_note_names_the_runs_drawn_as_two_lines():
    """A visual walk: runs drawn as their highs and lows read as two runs each. The note names
    exactly those whose loss turns at more than 30% of its steps, counted here by hand."""
    from dashboard import rate_charts
    from tests.app.helpers import plain

    steps = np.arange(200)
    curves = {"η = 5": 1 + 0.1 * (-1.0) ** steps * 0.99 ** steps,  # turns at every step
              "momentum (β = 0.9)": 1 + np.exp(-steps / 20.0),  # never turns
              "Adam (η = 5)": 1 + 0.1 * np.sin(steps / 1.3)}  # turns at about 1 step in 4
    turns = {name: float(np.mean(np.diff(np.sign(np.diff(loss))) != 0))
             for name, loss in curves.items()}
    assert turns["η = 5"] == 1.0 and turns["momentum (β = 0.9)"] == 0.0
    assert 0.2 < turns["Adam (η = 5)"] < 0.3
    frame = rate_charts.curves_frame(curves, {n: "oscillating" for n in curves}, digits=4)
    assert plain(rate_charts.envelope_note(frame)) == (
        "η = 5: its loss turns between rising and falling at more than 30% of its steps, so it "
        "is drawn as two lines of its colour: the highest and the lowest loss over each "
        "stretch of steps.")
    frame = rate_charts.curves_frame({"a": curves["η = 5"], "b": -curves["η = 5"],
                                      "c": curves["momentum (β = 0.9)"]},
                                     {n: "oscillating" for n in "abc"}, digits=4)
    assert rate_charts.envelope_note(frame).startswith("A and b: each one’s loss turns")
    assert rate_charts.envelope_note(rate_charts.curves_frame(
        {"c": curves["momentum (β = 0.9)"]}, {"c": "converging"}, digits=4)) is None
