"""Predict first's answers say what the step does to each parameter as the step does it: a change
rounding drops leaves the parameter where it is, and a derivative zero to rounding whose η
times is not dropped moves it (a review: at η = 1000 on the 5 points, step 7, "so the step
raises it" where w stays 300; at the 20 students' best fit at η = 1000, "the step leaves it"
where w moves by 4e-14). References: the states by plain Python loops, the exact gradient
at them from mpmath, and the spacing of doubles from the exponent by hand."""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest

import logreg_core as lc
from dashboard import fields
from tests.app.helpers import page_text, plain

mpmath.mp.dps = 60


def reveal(at, guesses: dict[str, str]):
    """Turn Predict first on, answer each question and reveal; the page's text."""
    at.toggle(key="predict_mode").set_value(True).run()
    state = next(r.key for r in at.radio).rsplit("_", 1)[1]
    for name, guess in guesses.items():
        at.radio(key=f"guess_{name}_{state}").set_value(guess).run()
    at.button(key=f"reveal_{state}").click().run()
    assert not at.exception, at.exception
    return plain(page_text(at))


def exact_gradient(X, y, w: list[float], b: float) -> list:
    """(dw..., db) at these doubles, in 60-digit arithmetic."""
    mpmath.mp.dps = 60
    rows = [[mpmath.mpf(float(v)) for v in row] for row in X]
    terms = []
    for row, label in zip(rows, y, strict=True):
        z = mpmath.mpf(b) + mpmath.fsum(x * mpmath.mpf(wj) for x, wj in zip(row, w,
                                                                              strict=True))
        terms.append((1 / (1 + mpmath.exp(-z)) - int(label), row))
    n = len(terms)
    return ([mpmath.fsum(e * row[j] for e, row in terms) / n for j in range(len(w))]
            + [mpmath.fsum(e for e, _ in terms) / n])


def ulp(v: float) -> float:
    """The spacing of doubles at v away from 0, from its binary exponent."""
    return 2.0 ** (math.floor(math.log2(abs(v))) - 52)


def test_a_change_rounding_drops_is_not_said_to_raise_the_parameter(new_app):
    at = new_app(data="five_points", lr="1000", steps="20", step="7").run()
    text = reveal(at, {"w0": "negative", "b": "negative", "loss": "stay the same"})
    # the state at step 7, by a plain Python loop with the two-sided sigmoid
    data, start = lc.load_dataset("five_points"), fields.defaults("five_points")
    xs, ys = [float(v) for v in data.X[:, 0]], [float(v) for v in data.y]
    w, b = float(start.w0[0]), float(start.b0)
    for _ in range(7):
        errors = [(1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))) - t
                  for z, t in ((w * x + b, t) for x, t in zip(xs, ys, strict=True))]
        w, b = (w - 1000 * sum(e * x for e, x in zip(errors, xs, strict=True)) / 5,
                b - 1000 * sum(errors) / 5)
    assert (w, b) == (300.0, -1100.0)  # the review's state
    dw, db = exact_gradient(data.X, data.y, [w], b)
    for name, old, g in (("dw for x", w, dw), ("db", b, db)):
        assert g < 0  # the sign the page gives
        assert abs(1000 * g) < ulp(old) / 2  # so the step leaves it: w - 1000 dw rounds to w
        said = re.search(re.escape(name) + r" is negative: ([^\n]*)", text)[1]
        assert "so the step raises it" not in said, said
        assert said.startswith("raising that parameter would lower the loss, but its change "
                               f"η·g, {float(-1000 * g):.1e}, is at most half the spacing of "
                               f"doubles there (that spacing is {ulp(old):.1e} at "
                               f"{old:g}), so rounding drops it and the step leaves it"), said


def test_a_derivative_zero_to_rounding_that_moves_its_parameter_is_said_to_move_it(new_app):
    w, b = 1.5046454283733335, -4.077713431087631  # the 20 students' best fit, typed
    at = new_app(data="wikipedia_students", lr="1000.0", steps="1", step="0", w0=repr(w),
                 b0=repr(b)).run()
    text = reveal(at, {"w0": "zero", "b": "zero", "loss": "stay the same"})
    data = lc.load_dataset("wikipedia_students")
    exact = exact_gradient(data.X, data.y, [w], b)
    eps = np.finfo(float).eps
    for name, old, g, j in (("dw for hours", w, exact[0], 0), ("db", b, exact[1], 1)):
        assert abs(1000 * g) > ulp(old)  # the exact step moves it, by more than an ulp
        said = re.search(re.escape(name) + r" is zero to rounding: ([^\n]*)", text)[1]
        assert "the step leaves it" not in said and "flat" not in said, said
        found = re.search(r"its computed value, (\S+), is within the rounding of its terms "
                          r"\((\S+)\), so the exact value may be 0; the step still moves it, "
                          r"by η times that value: from (\S+) to (\S+)\.", said)
        assert found, said
        computed, before, after = (float(v) for v in found.group(1, 3, 4))
        unit = 10.0 ** -len(found[4].split(".")[1])  # the last digit printed
        sizes = np.abs(lc.loss_and_gradients(data.X, data.y, [w], b).error)
        sizes = np.mean(sizes * (np.abs(data.X[:, 0]) if j == 0 else 1))
        assert abs(computed - float(g)) <= 64 * eps * sizes + 1e-300  # within its rounding
        assert abs(before - old) <= unit / 2 and after != before  # from the start
        assert abs(after - (old - 1000 * computed)) <= unit / 2 + 4 * ulp(old)  # by η times it


SYMMETRIC = b"x,y\n-1,0\n1,0\n-1,1\n1,1\n"


@pytest.mark.parametrize(("b0", "words"), [
    (0.0, "the exact gradient here is 0, so the loss is flat in that direction and the step "
          "leaves it"),
    (1.0, "its computed value is exactly 0, so the step leaves it")])
def test_a_derivative_computed_as_exactly_0_is_called_flat_only_where_the_gradient_is(
        new_app, b0, words):
    """x = -1, 1, -1, 1 (labels 0 0 1 1) from w = 0: dw is exactly 0 whatever b is (each label's
    x sum to 0). At b = 0 db is 0 too, by hand: mean(1/2 - y) = 0; at b = 1 it is not, and
    "flat" is said only where the whole gradient is proved 0."""
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("u.csv", SYMMETRIC, "text/csv").run()
    for key, value in (("standardize", False), ("b0", b0)):
        at.session_state[key] = value
    at.run()
    exact = exact_gradient([[-1.0], [1.0], [-1.0], [1.0]], [0, 0, 1, 1], [0.0], b0)
    assert exact[0] == 0 and (exact[1] == 0) == (b0 == 0.0)
    text = reveal(at, {"w0": "zero", "b": "zero" if b0 == 0 else "positive",
                       "loss": "stay the same" if b0 == 0 else "go down"})
    said = re.search(r"dw for x is zero: ([^\n]*)", text)[1]
    assert said.startswith(words), said
