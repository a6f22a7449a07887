"""The first and the last loss of a run read apart wherever they are different numbers: at a
tiny rate both read 0.6931 (a walk: lesson part 5 at η = 0.0001 read "the loss goes from 0.6931
to 0.6931", the first screen at η = 1e-12 "Loss 0.6931 at step 0, 0.6931 at step 100,000").
The reference is a plain-Python descent (math, not numpy) on the five points."""

import math
import re

import pytest

import logreg_core as lc
from tests.app.helpers import build, page_text, plain


def hand_losses(rate: float, steps: int) -> tuple[float, float]:
    """The loss at step 0 and at the last step of descent from w = b = 0, by hand."""
    data = lc.load_dataset("five_points")
    xs, ys = [float(r[0]) for r in data.X], [float(v) for v in data.y]

    def loss(w: float, b: float) -> float:
        return math.fsum(max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z
                         for z, y in ((w * x + b, y) for x, y in zip(xs, ys, strict=True))
                         ) / len(xs)

    w = b = 0.0
    first = loss(w, b)
    for _ in range(steps):
        errors = [1 / (1 + math.exp(-(w * x + b))) - y for x, y in zip(xs, ys, strict=True)]
        w, b = (w - rate * math.fsum(e * x for e, x in zip(errors, xs, strict=True)) / len(xs),
                b - rate * math.fsum(errors) / len(xs))
    return first, loss(w, b)


def rounded_alike(text: str, value: float) -> bool:
    """Whether ``text`` is ``value`` to the significant digits it shows."""
    digits = len(text.replace("0.", "", 1).lstrip("0").replace(".", ""))
    return float(text) == float(f"{value:.{digits - 1}e}")


@pytest.mark.parametrize(("query", "pattern", "rate", "steps"), [
    ({"data": "five_points", "std": "0", "lr": "0.0001", "steps": "1", "w0": "0", "b0": "0",
      "l2": "0", "step": "1", "lesson": "5"},
     r"the loss goes from ([0-9.]+) to ([0-9.]+)\.", 1e-4, 1),
    ({"lr": "1e-12", "steps": "100000"},
     r"Loss ([0-9.]+) at step 0, ([0-9.]+) at step 100,000", 1e-12, 100_000),
])
def test_a_loss_that_moved_reads_apart_from_where_it_started(query, pattern, rate, steps):
    at = build(**query).run()
    assert not at.exception
    first, last = re.search(pattern, plain(page_text(at))).groups()
    assert first != last
    start, end = hand_losses(rate, steps)
    assert rounded_alike(first, start) and rounded_alike(last, end), (first, last, start, end)
    # the caption writes the inspected last step's loss as it writes the last loss
    assert f"Inspected step {steps:,}: {last}." in plain(page_text(at))


def test_losses_far_apart_keep_the_pages_digits():
    at = build().run()
    assert "Loss 0.6931 at step 0, 0.1711 at step 200" in plain(page_text(at))
