"""Where the best fits fill a line (an uploaded constant column), the landscape marks the one
the run can reach and says there is a line of them. References by hand: a numpy loop of
descent and scipy's best fit on the feature that varies."""

import numpy as np
import pytest
from mpmath import mp
from scipy.optimize import minimize

from dashboard import fields
from tests.app.helpers import chart_datasets, open_view, page_text, plain, uploaded_view

#: x = 1..5, c = 5 in every row, y = 0 0 1 1 0 (the walk's file).
CONSTANT = b"x,c,y\n1,5,0\n2,5,0\n3,5,1\n4,5,1\n5,5,0\n"


def _loss(theta, X, y):
    z = X @ theta[:-1] + theta[-1]
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def test_a_line_of_best_fits_marks_the_one_the_run_reaches(new_app):
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("c.csv", CONSTANT, "text/csv").run()
    at = open_view(at, "landscape")
    assert not at.exception
    X = np.array([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]], dtype=float)
    y = np.array([0, 0, 1, 1, 0], dtype=float)
    # by hand: the loss depends on w_x and 5 w_c + b only; the best fit on x alone
    one = minimize(lambda t: _loss(t, X[:, :1], y), np.zeros(2), method="BFGS",
                   options={"gtol": 1e-12})
    w_x, intercept = one.x
    # descent from 0 keeps w_c - 5 b = 0 (its gradient is (.., g, g * ...): d/dw_c = 5 d/db)
    w_c = 5 * intercept / 26
    reach = np.array([w_x, w_c, intercept - 5 * w_c])
    theta = np.zeros(3)
    for _ in range(500):  # the page's start for an upload: η = 0.2, 500 steps, not scaled
        z = X @ theta[:2] + theta[2]
        r = 1 / (1 + np.exp(-z)) - y
        theta = theta - 0.2 * np.append(X.T @ r, r.sum()) / 5
    assert np.allclose(theta, reach, atol=1e-3)  # the run reaches the line there
    (marks,) = [f for frames in chart_datasets(at) for f in frames if "what" in f.columns]
    best = marks.set_index("what").loc["best fit"]
    assert np.allclose([best["a"], best["c"]], reach[:2], atol=1e-6)
    # on the slice drawn (b held at the run's), the diamond is at the best loss
    assert abs(_loss(np.array([best["a"], best["c"], theta[2]]), X, y) - one.fun) < 1e-6
    text = plain(page_text(at))
    assert f"The best fits fill a line through the diamond, all with loss {one.fun:.4g}" in text
    assert "The diamond marks the one your run can reach" in text
    assert "The diamond marks the best fit" not in text


def test_features_too_small_to_square_have_one_best_fit_marked_where_it_is(new_app):
    """x = 1e-300, -1e-300, 2e-300 with labels 0 1 1, unstandardized: not split by any
    threshold (1 0 1 in order of x), and [x 1] has rank 2, so the best fit is one point. In
    units of 1e-300 it is that of x = 1, -1, 2 (mpmath's root of the gradient below); the
    landscape said the best fits fill a line and put the diamond at w = 0, where the loss is
    above that of b alone."""
    mp.dps = 60
    xs, ys = [1, -1, 2], [0, 1, 1]

    def gradient(w, b):
        errors = [1 / (1 + mp.exp(-(w * x + b))) - y for x, y in zip(xs, ys, strict=True)]
        return [mp.fsum(e * x for e, x in zip(errors, xs, strict=True)), mp.fsum(errors)]

    w, b = mp.findroot(gradient, (mp.mpf(-0.5), mp.mpf(1)))
    loss = mp.fsum(mp.log1p(mp.exp(-(w * x + b) if y else w * x + b))
                   for x, y in zip(xs, ys, strict=True)) / 3
    at = uploaded_view(new_app, b"x,y\n1e-300,0\n-1e-300,1\n2e-300,1\n", "landscape")
    assert not at.exception
    text = plain(page_text(at))
    assert f"The diamond marks the best fit (loss {mp.nstr(loss, 4)})." in text
    assert "fill a line" not in text
    (marks,) = [f for frames in chart_datasets(at) for f in frames if "what" in f.columns]
    best = marks.set_index("what").loc["best fit"]
    assert best["a"] == pytest.approx(float(w * mp.mpf(10) ** 300), rel=1e-6)
    assert best["c"] == pytest.approx(float(b), rel=1e-6)
