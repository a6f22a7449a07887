"""The first and the last loss of a run read apart wherever they are different numbers: at a
tiny rate both read 0.6931 (a walk: lesson part 5 at η = 0.0001 read "the loss goes from 0.6931
to 0.6931", the first screen at η = 1e-12 "Loss 0.6931 at step 0, 0.6931 at step 100,000").
The reference is a plain-Python descent (math, not numpy) on the five points."""

import math
import re

import pytest

import logreg_core as lc
from tests.app.helpers import build, page_text, plain


def hand_run(rate: float, steps: int, dataset: str = "five_points", w: float = 0.0,
             b: float = 0.0) -> list[float]:
    """The loss at every step of descent on a one-feature data set, by hand."""
    data = lc.load_dataset(dataset)
    xs, ys = [float(r[0]) for r in data.X], [float(v) for v in data.y]

    def loss(w: float, b: float) -> float:
        return math.fsum(max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z
                         for z, y in ((w * x + b, y) for x, y in zip(xs, ys, strict=True))
                         ) / len(xs)

    losses = [loss(w, b)]
    for _ in range(steps):
        errors = [1 / (1 + math.exp(-(w * x + b))) - y for x, y in zip(xs, ys, strict=True)]
        w, b = (w - rate * math.fsum(e * x for e, x in zip(errors, xs, strict=True)) / len(xs),
                b - rate * math.fsum(errors) / len(xs))
        losses.append(loss(w, b))
    return losses


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
    losses = hand_run(rate, steps)
    start, end = losses[0], losses[-1]
    assert rounded_alike(first, start) and rounded_alike(last, end), (first, last, start, end)
    # the caption writes the inspected last step's loss as it writes the last loss
    assert f"Inspected step {steps:,}: {last}." in plain(page_text(at))


def test_losses_far_apart_keep_the_pages_digits():
    at = build().run()
    assert "Loss 0.6931 at step 0, 0.1711 at step 200" in plain(page_text(at))


@pytest.mark.parametrize("b0", ["-4.08", "-4.1"])
def test_the_lowest_loss_is_written_as_the_first_and_last_are(b0):
    """A review: the 20 students at η = 1.81 from w = 1.5, 3 digits, 100 steps. The first and
    last losses got the digits that tell them apart, the lowest did not: "Loss 0.40151 at step
    0, 0.40155 at step 100 (lowest 0.402 at step 0)", a lowest reading above both."""
    at = build(data="wikipedia_students", lr="1.81", steps="100", w0="1.5", b0=b0, digits="3",
               step="8").run()
    first, last, lowest, at_step, inspected = re.search(
        r"Loss ([0-9.]+) at step 0, ([0-9.]+) at step 100 \(lowest ([0-9.]+) at step (\d+)\)\. "
        r"Inspected step 8: ([0-9.]+)\.", plain(page_text(at))).groups()
    losses = hand_run(1.81, 100, "wikipedia_students", 1.5, float(b0))
    assert int(at_step) == min(range(len(losses)), key=losses.__getitem__)
    assert float(lowest) <= min(float(first), float(last))
    for text, value in ((first, losses[0]), (last, losses[-1]), (lowest, min(losses)),
                        (inspected, losses[8])):
        assert rounded_alike(text, value), (text, value)
        assert len(text) == len(first)  # one rounding for every loss of the caption
