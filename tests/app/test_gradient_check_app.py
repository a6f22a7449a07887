"""The gradient check panel at large parameters: it runs where the nudges are only rounded,
says which nudge is furthest off, and refuses, naming the parameter, only where a nudge is
lost. Each figure is recomputed here from the core's run: the step h by hand (1e-3 over the
feature's largest size), the stored nudges' errors in exact rationals."""

import math
from fractions import Fraction

import numpy as np
import pytest

from dashboard.text import fmt
from logreg_core import load_dataset
from logreg_core.maths import STENCIL
from tests.app.helpers import core_history, open_view, page_text, plain


def furthest_nudge(theta, X):
    """The parameter whose stored nudge is furthest off (exact rationals), with its h and
    that fraction; h by hand: 1e-3 / max(1, max |x_j|), 1e-3 for the bias."""
    steps = [1e-3 / max(1.0, float(np.abs(X[:, j]).max())) for j in range(X.shape[1])]
    steps.append(1e-3)
    off = [max(abs(Fraction(float(t) + m * h) - Fraction(float(t)) - m * Fraction(h))
               / (abs(m) * Fraction(h)) for m in STENCIL)
           for t, h in zip(theta, steps, strict=True)]
    k = max(range(len(off)), key=off.__getitem__)
    return k, steps[k], float(off[k])


def test_the_walks_large_parameters_are_checked_and_the_rounded_nudge_named(new_app):
    """Found by a walk: breast cancer, raw features, η = 1000 (cut at 12,916 steps), the page
    said a nudge "is lost in their rounding" and refused; the worst nudge is 1.3e-4 off."""
    at = open_view(new_app(data="breast_cancer", std="0", lr="1000", steps="100000").run(),
                   "step")
    assert not at.exception
    history = core_history("breast_cancer", learning_rate=1000.0, steps=12_916)
    theta = np.append(history.weights[-1], history.bias[-1])
    k, h, off = furthest_nudge(theta, load_dataset("breast_cancer").X)
    assert 1e-4 < off < 1e-2
    text = plain(page_text(at))  # as a reader sees it: the names are escaped Markdown
    assert "not checked here" not in text and "cannot be checked" not in text
    checks = [d.value for d in at.dataframe if "central difference" in d.value.columns]
    assert len(checks) == 1 and (checks[0]["agrees"] == "yes").all()
    assert (f"the furthest off, on w[worst_area] = {fmt(theta[k], 3)} (h = {fmt(h, 2)}), by "
            f"{fmt(off, 2)} of its size") in text
    assert load_dataset("breast_cancer").feature_names[k] == "worst_area"
    # L by hand: p (1 - p) <= 1/4, so no curvature exceeds the top eigenvalue of A^T A / 4n
    X = load_dataset("breast_cancer").X
    A = np.column_stack([X, np.ones(len(X))])
    bound = np.linalg.eigvalsh(A.T @ A).max() / (4 * len(X))
    assert f"L = {fmt(bound, 3)} a bound on the loss's curvature" in text


def test_a_lost_nudge_is_refused_naming_its_parameter(new_app):
    """At η = 100, λ = 100 the weight is -3e149: w + h is w (h = 2e-4, by hand 1e-3 / 5), so
    the page says the check cannot be made, for that parameter, at that size."""
    at = open_view(new_app(lr="100", l2="100").run(), "step")
    assert not [d for d in at.dataframe if "central difference" in d.value.columns]
    history = core_history(learning_rate=100.0, l2=100.0)
    theta = np.append(history.weights[-1], history.bias[-1])
    k, h, off = furthest_nudge(theta, load_dataset("five_points").X)
    assert k == 0 and h == 2e-4 and off == 1.0 and theta[0] + h == theta[0]
    (notice,) = [plain(i.value) for i in at.info if "gradient is not checked here" in i.value]
    assert notice.startswith(
        f"w[x] is {fmt(theta[0], 3)}: at that size its nudges (its own step h = {fmt(h, 2)}, "
        f"and 2h) are stored as steps off by up to {fmt(100 * off, 3)}% of their size (w[x] + "
        "h is stored as w[x] itself), more than the 1% the check allows")


def hand_gradient(w: float, b: float) -> tuple[float, float]:
    """dJ/dw and dJ/db on the five points by a plain loop (math, two-sided sigmoid)."""
    data = load_dataset("five_points")
    xs, ys = [float(v) for v in data.X[:, 0]], [float(v) for v in data.y]
    errors = [(1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))) - y
              for z, y in ((w * x + b, y) for x, y in zip(xs, ys, strict=True))]
    return (math.fsum(e * x for e, x in zip(errors, xs, strict=True)) / len(xs),
            math.fsum(errors) / len(xs))


@pytest.mark.parametrize("digits", ["4", "3"])
def test_the_check_writes_a_tiny_gradient_as_the_formula_does(new_app, digits):
    """The five points at η = 10 over 5,000 steps end with dJ/dw = -2.576e-05 (by hand); the
    formula wrote -2.576 × 10⁻⁵ and the check's grid 0.00002577, the grid's printf form.
    Reference: the gradient by a plain loop, written with Python's %e to the digits asked."""
    at = open_view(new_app(data="five_points", lr="10", steps="5000", digits=digits).run(),
                   "step")
    assert not at.exception
    history = core_history("five_points", learning_rate=10.0, steps=5000)
    dw, db = hand_gradient(float(history.weights[-1, 0]), float(history.bias[-1]))
    assert 1e-6 < abs(dw) < 1e-4 and 1e-6 < abs(db) < 1e-4
    d = int(digits)
    (grid,) = [t.value for t in at.dataframe if "central difference" in t.value.columns]
    for column in ("from (p − y)·x", "central difference"):
        assert grid[column].tolist() == [f"{dw:.{d - 1}e}", f"{db:.{d - 1}e}"], grid[column]
    mantissa, exponent = f"{dw:.{d - 1}e}".split("e")
    assert rf"&= {mantissa} \times 10^{{{int(exponent)}}} \end{{aligned}}" in page_text(at)


def test_a_gradient_in_plain_decimals_stays_a_number(new_app):
    """At the default step-0 state every gradient is above 1e-4 (the formula writes it in
    plain decimals): the grid keeps its numbers, as numbers."""
    at = open_view(new_app().run(), "step")
    (grid,) = [t.value for t in at.dataframe if "central difference" in t.value.columns]
    assert grid["from (p − y)·x"].dtype.kind == "f"
    assert (grid["from (p − y)·x"].abs() > 1e-4).all()
