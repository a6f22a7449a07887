"""The Learning rates view's count of rates that get within 1% of the best loss and stay."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.special import expit

import logreg_core as lc
from dashboard import rate_charts
from tests.app.helpers import frames_with, page_text, plain, uploaded_view


def _losses(X: np.ndarray, y: np.ndarray, rate: float, steps: int) -> np.ndarray:
    """Full-batch gradient descent from w = 0, b = 0, by hand with scipy's sigmoid: the loss
    at each step 0..steps (nan from an overflow on)."""
    w, b = np.zeros(X.shape[1]), 0.0
    out = np.full(steps + 1, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            z = X @ w + b
            out[k] = np.mean(np.logaddexp(0, z) - y * z)
            if not np.isfinite(out[k]):
                break
            error = expit(z) - y
            w, b = w - rate * X.T @ error / len(y), b - rate * error.mean()
    return out


@pytest.mark.parametrize(("query", "certain", "undecided"), [
    # a review: the caption said "0 of 40" and "18 of 40", leaving out a run that stays
    # within 1% from a step rounding decides (iris: η = 2.286 from step 2,631 on)
    ({"data": "iris_petals", "std": "0", "steps": "5000"}, 0, 1),
    ({"data": "wikipedia_students", "std": "1", "steps": "500"}, 18, 1),
    ({}, 1, 0),
])
def test_the_caption_counts_every_rate_that_stays_within_one_percent(new_app, query, certain,
                                                                     undecided):
    at = new_app(tab="rates", **query).run()
    (caption,) = [c.value for c in at.caption if "within 1% of the best" in c.value]
    one = certain == 1
    assert caption.startswith(f"{certain} of 40 rates {'gets' if one else 'get'} within 1% "
                              "of the best loss any rate reached"), caption
    more = (f"; {undecided} more {'does' if undecided == 1 else 'do'} in this computation, "
            "from a step that rounding decides" if undecided else "")
    assert f"{'stays' if one else 'stay'} there to the last step{more}." in caption
    frame = frames_with(at, "final_loss")[0]
    assert (frame["reached"] == rate_charts.ROUNDING_DECIDES).sum() == undecided
    assert frame["steps_to_1pct"].notna().sum() == certain
    # each rate the caption counts for certain stays within 1% of the best loss from its
    # step on, by hand (the best taken over the runs by hand)
    data = lc.load_dataset(query.get("data", "five_points"))
    X = (data.X - data.X.mean(0)) / data.X.std(0) if query.get("std") == "1" else data.X
    steps = int(query.get("steps", 200))
    runs = {rate: _losses(X, data.y, rate, steps) for rate in frame["learning_rate"]}
    best = min(np.nanmin(run) for run in runs.values())
    best_shown = float(re.search(r"steps \(([0-9.e-]+)\)", caption).group(1))
    assert best == pytest.approx(best_shown, rel=1e-3)
    for rate, step in zip(frame["learning_rate"], frame["steps_to_1pct"], strict=True):
        if step == step:  # a figure
            tail = runs[rate][int(step):]
            assert np.all(tail <= 1.01 * best * (1 + 1e-9)), rate
            assert runs[rate][int(step) - 1] > 1.01 * best * (1 - 1e-9) or step == 0, rate


def test_the_verdicts_list_reads_as_counts_where_weights_are_held_at_0(new_app):
    """x = 1e149, -1e149, 2e149 with labels 0 1 1, unstandardized: every p rounds to 1/2,
    so most of the 40 swept rates keep w = 0 and the loss ln 2 (tests/core/test_idle_weights
    checks that by a plain loop and mpmath). The summary joins one count per kind with
    commas, and the kind 'converging as computed, with every weight held at 0 by rounding'
    carried its own: '36 converging as computed, with every weight ..., 3 oscillating, ...'
    read as four items. Every item outside brackets starts with its count, and they add to
    the 40 rates."""
    at = uploaded_view(new_app, b"x,y\n1e149,0\n-1e149,1\n2e149,1\n", "rates")
    assert not at.exception, at.exception
    (line,) = [t for t in plain(page_text(at)).split("\n") if "Verdicts: " in t]
    summary = line.split("Verdicts: ")[1].split(". Dashed line")[0]
    assert "held at 0 by rounding" in summary
    items = re.split(r", (?![^()]*\))", summary)
    counts = [re.match(r"(\d+) ", item) for item in items]
    assert all(counts), items
    assert sum(int(m.group(1)) for m in counts) == 40, items
