"""The Learning rates view on data with one label: with L2, rates above 2/λ make the weights grow
until they overflow, and the page says so instead of "a large rate can only zig-zag" (a review:
the student at λ = 1, η = 3 read "can only zig-zag on the way" beside "Diverging: above
2/λ = 2 ...")."""

import math

import numpy as np
import pytest

import logreg_core as lc
from dashboard import fields
from tests.app.helpers import open_view, page_text, plain


def story_part(at) -> str:
    """The learning-rate story's "No local limit" paragraph, as a reader sees it."""
    text = plain(page_text(at))
    return next(p for p in text.split("\n") if p.startswith("**No local limit at a best fit.**"))


def weights_by_hand(l2: float, rate: float, steps: int) -> list[float]:
    """Full-batch descent on the student from its default start, by hand: plain Python
    floats, the sigmoid from math.exp; the size of w after each step (inf once it
    overflows)."""
    data, start = lc.load_dataset("student"), fields.defaults("student")
    x, label = [float(v) for v in data.X[0]], float(data.y[0])
    w, b = [float(v) for v in start.w0], float(start.b0)
    sizes = []
    for _ in range(steps):
        z = b + sum(wj * xj for wj, xj in zip(w, x, strict=True))
        p = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
        error = p - label
        w = [wj - rate * (error * xj + l2 * wj) for wj, xj in zip(w, x, strict=True)]
        b = b - rate * error
        size = math.hypot(*w)
        sizes.append(size)
        if not math.isfinite(size) or size > 1e300:
            break
    return sizes


@pytest.mark.parametrize(("l2", "rate", "penalty"), [("1", "3", "2"), ("0.1", "25", "20")])
def test_above_two_over_lambda_one_label_grows_rather_than_zigzags(new_app, l2, rate, penalty):
    at = open_view(new_app(data="student", l2=l2, lr=rate, steps="200").run(), "rates")
    assert not at.exception, at.exception
    said = story_part(at)
    assert "a large rate can only zig-zag" not in said, said
    assert (f"a rate below 2/λ = {penalty} can only zig-zag on the way; above it the penalty "
            "alone makes every step overshoot the weights by more, so they grow until the "
            "numbers overflow") in said, said
    # by hand: 2/λ, and the weights at this rate (above it) growing past 1e300
    assert float(penalty) == 2 / float(l2)
    sizes = weights_by_hand(float(l2), float(rate), 20_000)
    assert sizes[-1] > 1e300 or not np.isfinite(sizes[-1]), sizes[-5:]
    # and the count of swept rates that end lower is still given
    assert said.endswith("swept rates end below where they started.") or said.endswith(
        "swept rate ends below where it started."), said


def test_without_l2_one_label_keeps_the_zigzag_sentence(new_app):
    """λ = 0: no penalty to make the weights grow; the sentence is the one it was."""
    at = open_view(new_app(data="student", l2="0", lr="3", steps="200").run(), "rates")
    said = story_part(at)
    assert "With no best fit to overshoot, a large rate can only zig-zag on the way:" in said
    assert "2/λ" not in said
