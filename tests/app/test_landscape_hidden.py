"""The landscape names the other optimizers' paths that lie under a path drawn over them
(a walk: at the iris petals, η = 50, momentum's path lay under Nesterov's and Newton's under
yours, names in the legend with no line to see). Checked by hand on the paths the chart
draws: each polyline sampled densely, every point of the hidden path within 1% of the
picture's width and height of the samples of the path over it."""

import itertools
import json
import re

import numpy as np
import pytest

from tests.app.helpers import landscape_paths, page_text, plain


def _clipped(a: np.ndarray, b: np.ndarray, margin: float = 0.02):
    """The part of the segment from a to b within the picture (the unit square) widened by
    ``margin`` on every side, by hand, or None: a point further out is more than 1% from every
    point of the picture (a diverging path's segments run out to 1e10 pictures and more)."""
    low, high, d, t0, t1 = -margin, 1 + margin, b - a, 0.0, 1.0
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return None
    for k in range(2):
        if d[k] == 0:
            if not low <= a[k] <= high:
                return None
            continue
        ta, tb = (low - a[k]) / d[k], (high - a[k]) / d[k]
        t0, t1 = max(t0, min(ta, tb)), min(t1, max(ta, tb))
    return None if t0 > t1 else (a + t0 * d, a + t1 * d)


def _dense(q: np.ndarray) -> np.ndarray:
    """Samples at most 5e-4 apart along each segment's part near the picture: the polyline
    there is at most 2.5e-4 from one. A lone point where the polyline is one point."""
    parts = [c for a, b in itertools.pairwise(q) if (c := _clipped(a, b)) is not None]
    if not parts:
        return q[np.all(np.isfinite(q), axis=1)]
    return np.vstack([a + np.linspace(0.0, 1.0, int(np.ceil(np.hypot(*(b - a)) / 5e-4))
                                      + 1)[:, None] * (b - a) for a, b in parts])


def near(path: np.ndarray, over: np.ndarray, low, size) -> bool:
    """Every point of ``path`` as drawn (its segments too) in the picture within 1% of it."""
    from scipy.spatial import cKDTree

    p, q = _dense((path - low) / size), (over - low) / size
    p = p[np.all((p >= 0) & (p <= 1), axis=1)]
    dense = _dense(q)
    if not len(p) or not len(dense):
        return False
    gaps, _ = cKDTree(dense).query(p)
    return bool(np.all(gaps <= 0.01 + 2.5e-4))


def drawn(at):
    """The landscape picture's corner and size (a, c) from its chart's axes, and each run's
    path as drawn, points in step order: ``(low, size, {run: ndarray of shape (n, 2)})``."""
    (chart,) = [e for e in at.get("vega_lite_chart") if e.proto.id.endswith("landscape_chart")]
    spec = json.loads(chart.proto.spec)
    x = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    y = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    paths = {r: f.sort_values("step")[["a", "c"]].to_numpy()
             for r, f in landscape_paths(at).groupby("run", sort=False)}
    return np.array([x[0], y[0]]), np.array([x[1] - x[0], y[1] - y[0]]), paths


@pytest.mark.parametrize("query", [{"data": "iris_petals", "lr": "50"}, {}])
def test_paths_under_others_are_named_with_the_path_over_them(new_app, query):
    at = new_app(tab="landscape", **query).run()
    text = plain(page_text(at))
    low, size, paths = drawn(at)
    said = re.search(r"On this picture (.*?) \(every point", text)
    mine = next(r for r in paths if r.endswith("(your run)"))
    names = {r: ("your run" if r == mine else r) for r in paths}
    pairs = [(a, b) for a in paths for b in paths
             if said and f"{names[a]}'s path lies under {names[b]}'s" in said[1]]
    for hidden, over in pairs:
        assert near(paths[hidden], paths[over], low, size), (hidden, over)
    if query:  # the walk's state: all three
        assert {(a, names[b]) for a, b in pairs} == {
            ("momentum (β = 0.9)", "Nesterov (β = 0.9)"),
            ("mini-batch SGD (batch 25, seed 0)", "momentum (β = 0.9)"),
            ("Newton's method", "your run")}
    else:  # the 5 points: momentum under Nesterov, as the optimizers' chart says of the loss
        assert pairs == [("momentum (β = 0.9)", "Nesterov (β = 0.9)")]


@pytest.mark.parametrize("query", [
    {"data": "breast_cancer"},
    {"data": "five_points", "w0": "1000", "b0": "-1000", "lr": "0.5"}])
def test_a_path_drawn_across_the_picture_is_not_said_to_lie_under_another(new_app, query):
    """A walk: on the default breast-cancer landscape (and the 5 points from a far start)
    Newton's path leaves the picture, its one corner inside the start every run shares, and
    its first segment crosses the picture far from the learner's path; the caption said it
    "lies under your run's". Checked on the drawn segments, sampled by hand."""
    at = new_app(tab="landscape", **query).run()
    assert not at.exception
    text = plain(page_text(at))
    low, size, paths = drawn(at)
    mine = next(r for r in paths if r.endswith("(your run)"))
    assert "Newton's method's path leaves the picture" in text
    assert not near(paths["Newton's method"], paths[mine], low, size)  # by hand: apart
    assert "Newton's method's path lies under" not in text
