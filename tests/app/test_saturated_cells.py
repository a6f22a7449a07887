"""A saturated sample's p, loss and p - y are written as one number where they are one: at
z = -800 with label 0, p - y = p, and the loss log(1 + e^z) equals them to far more digits
than shown; the table wrote p - y 3.668e-348 (its size from log space) beside p and loss
"< 5e-324" (a review). References: mpmath at 60 digits, and the state by a plain loop."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import logreg_core as lc
from dashboard import fields, tables
from dashboard.display import underflowed_as_text
from tests.app.helpers import page_text, plain, table

mpmath.mp.dps = 60


def exact_text(value: mpmath.mpf, digits: int = 4) -> str:
    """``value`` (> 0) to ``digits`` significant digits, as the tables write it (1.5e-348)."""
    mantissa, exponent = mpmath.nstr(value, digits, min_fixed=1, max_fixed=0).split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent):+d}"


def rounds_to(text: str, exact: mpmath.mpf, digits: int = 4) -> bool:
    """Whether ``text`` is ``exact`` to ``digits`` significant digits: within half a unit of
    its last digit (and a hair more, for a tie the two roundings break differently)."""
    unit = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(exact)) - digits + 1)
    return abs(mpmath.mpf(text) - exact) <= unit * mpmath.mpf("0.500001")


def test_a_saturated_samples_p_and_loss_read_as_its_p_minus_y(new_app):
    at = new_app(data="five_points", tab="step", lr="1000", steps="20", step="7").run()
    assert not at.exception, at.exception
    data, start = lc.load_dataset("five_points"), fields.defaults("five_points")
    xs, ys = [float(v) for v in data.X[:, 0]], [int(v) for v in data.y]
    w, b = float(start.w0[0]), float(start.b0)
    for _ in range(7):  # the state at step 7, by a plain loop with the two-sided sigmoid
        errors = [(1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))) - t
                  for z, t in ((w * x + b, t) for x, t in zip(xs, ys, strict=True))]
        w, b = (w - 1000 * sum(e * x for e, x in zip(errors, xs, strict=True)) / 5,
                b - 1000 * sum(errors) / 5)
    rows = table(at, "p − y")
    for i, (x, label) in enumerate(zip(xs, ys, strict=True)):
        z = mpmath.mpf(w) * x + b
        p = 1 / (1 + mpmath.exp(-z))
        loss = mpmath.log1p(mpmath.exp(z)) if label == 0 else mpmath.log1p(mpmath.exp(-z))
        for column, exact in (("p", p), ("loss", loss)):
            if exact < mpmath.mpf(2) ** -1074:  # a double holds 0 here: the true size is shown
                assert rows[column].iloc[i] == exact_text(exact), (column, i, rows.iloc[i])
    first = rows.iloc[0]
    assert ys[0] == 0 and w * xs[0] + b == -800  # the review's sample
    assert first["p"] == first["loss"] == first["p − y"] == "3.668e-348", first


@settings(max_examples=60, deadline=None)
@given(z=st.lists(st.floats(-3000, 3000), min_size=1, max_size=6), data=st.data())
def test_every_underflowed_p_and_loss_cell_reads_its_exact_value(z, data):
    y = data.draw(st.lists(st.integers(0, 1), min_size=len(z), max_size=len(z)))
    z_, y_ = np.array(z), np.array(y)
    v = (1 - 2 * y_) * z_
    frame = pd.DataFrame({"y": y_, "z": z_, "p": 1 / (1 + np.exp(-np.clip(z_, -700, None))),
                          "loss": np.logaddexp(0, v), tables.ERROR: 0.0})
    frame.loc[z_ < -745, "p"] = 0.0  # what the core's sigmoid holds there
    frame.loc[v < -745, "loss"] = 0.0
    text, _ = underflowed_as_text(frame, 4, tables.underflowed_sizes(frame))
    for i, (zi, yi) in enumerate(zip(z, y, strict=True)):
        zm = mpmath.mpf(zi)
        p = 1 / (1 + mpmath.exp(-zm))
        loss = mpmath.log1p(mpmath.exp(zm if yi == 0 else -zm))
        for column, exact in (("p", p), ("loss", loss)):
            if frame[column].iloc[i] == 0:
                assert rounds_to(text[column].iloc[i], exact), (column, zi, yi, text.iloc[i])


def test_p_with_every_weight_0_reads_its_true_size_in_the_sentence_and_the_table(new_app):
    """At w = 0, b = -1000 the sentence read "p = σ(b) = 0 for every sample": σ is never 0."""
    at = new_app(data="five_points", w0="0", b0="-1000", step="0", steps="1").run()
    assert not at.exception, at.exception
    said = exact_text(1 / (1 + mpmath.exp(1000)))
    assert said == "5.076e-435"
    assert f"every weight is 0: no boundary, p = σ(b) = {said} for every sample" in plain(
        page_text(at))
    assert table(at, "p")["p"].tolist() == [said] * 5


def test_a_subnormal_p_and_loss_read_their_true_size(new_app):
    """A review: at w = 0, b = -745.1 every p is σ(-745.1) = 2.554e-324 (mpmath), which double
    precision holds as the subnormal 4.9e-324: the page wrote "p = σ(b) = 5e-324" and 5e-324
    in the table and the formulas, while at b = -745.2 (a double 0) it wrote the true size.
    Now a subnormal reads its true size too, from log space."""
    at = new_app(data="five_points", w0="0", b0="-745.1", steps="1", step="0").run()
    assert not at.exception, at.exception
    exact = 1 / (1 + mpmath.exp(mpmath.mpf("745.1")))
    assert f"p = σ(b) = {exact_text(exact)} for every sample" in plain(page_text(at))
    rows = table(at, "p")
    for column in ("p", "loss"):
        for text, label in zip(rows[column][rows["y"] == 0], rows["y"][rows["y"] == 0],
                               strict=True):
            assert label == 0 and rounds_to(str(text), exact), (column, text)
    (step,) = [m.value for m in at.markdown if r"p_1 &= \sigma(z_1)" in m.value]
    assert "5 \\times 10^{-324}" not in step and "2.554" in step, step


def test_the_why_view_gives_a_subnormal_p_its_true_size(new_app):
    """At w = 0 every logit is b. At b = -745.1 p = sigma(b) is 2.554e-324 (mpmath), held
    as the subnormal 4.9e-324, and the Why view said 'p is 5e-324', twice the truth; at
    b = 744 (label 0, so 1 - p is the small one) 1 - p is 7.7e-324, and it said '1e-323'."""
    for b0, small in (("-745.1", "p"), ("744", "1 - p"), ("-720", "p")):
        exact = 1 / (1 + mpmath.exp(abs(mpmath.mpf(b0))))  # sigma(-|b|), p or 1 - p
        at = new_app(data="five_points", tab="why", w0="0", b0=b0, lr="1e-12", steps="1",
                     step="0").run()
        assert not at.exception, at.exception
        (said,) = [line for line in plain(page_text(at)).split("\n")
                   if line.startswith("At this step")]
        shown = said.removeprefix(f"At this step {small} is ").split(",")[0]
        assert rounds_to(shown, exact, 2), (b0, said, mpmath.nstr(exact, 4))


def test_the_why_view_tells_a_p_just_below_the_smallest_normal_double_from_it(new_app):
    """ln of the smallest normal double 2^-1022 is -708.39642 (mpmath). At b = -708.42 p is
    e^-708.42 = 2.173e-308 (mpmath), and at b = 708.3965 1 - p is 2.2249e-308: both read
    2.2e-308 to two digits, and the Why view said 'p is 2.2e-308, below 2.2e-308'. The note
    now gives each the digits that tell it from 2^-1022, and the figure it gives is below."""
    normal = mpmath.mpf(2) ** -1022
    assert float(normal) == np.finfo(float).tiny
    for b0, small in (("-708.42", "p"), ("708.3965", "1 - p"), ("-720", "p")):
        exact = 1 / (1 + mpmath.exp(abs(mpmath.mpf(b0))))  # sigma(-|b|), p or 1 - p
        assert exact < normal
        at = new_app(data="five_points", tab="why", w0="0", b0=b0, lr="1e-12", steps="1",
                     step="0").run()
        assert not at.exception, at.exception
        (said,) = [line for line in plain(page_text(at)).split("\n")
                   if line.startswith("At this step")]
        shown, below = said.removeprefix(f"At this step {small} is ").split(", ")[0].split(
            " below ")[0], said.split(", below ")[1].split(",")[0]
        digits = len(shown.split("e")[0].replace(".", ""))
        assert rounds_to(shown, exact, digits), (b0, said, mpmath.nstr(exact, 8))
        assert rounds_to(below, normal, digits) and shown != below, said
        assert mpmath.mpf(shown) < mpmath.mpf(below), said


def test_a_logit_that_underflowed_to_0_reads_its_exact_value_in_the_formulas(new_app):
    """A walk: x = 1e-300 .. 4e-300 with labels 0 0 1 1 (η = 5, 500 steps). Every logit
    computes as 0, so dw = mean((1/2 - y) x) = -5e-301 at every step and w = 500 × 5 ×
    5e-301 = 1.25e-297 by hand; z_1 = w × 1e-300 is 1.25e-597 (mpmath), where the step's
    formulas read "= 0"."""
    from tests.app.helpers import formulas, uploaded_view

    at = uploaded_view(new_app, b"x,y\n1e-300,0\n2e-300,0\n3e-300,1\n4e-300,1\n", "step")
    assert not at.exception
    w = mpmath.mpf(500) * 5 * mpmath.mpf(5e-301)
    exact = mpmath.nstr(w * mpmath.mpf(1e-300), 4, strip_zeros=False)  # '1.250e-597'
    mantissa, exponent = exact.split("e")
    line = next(t for t in formulas(at) if r"z_1 &=" in t)
    assert line.endswith(rf"&= {mantissa} \times 10^{{{int(exponent)}}} \;\text{{(computed "
                         r"as 0)} \end{aligned}"), line
