"""Where the best fits fill a line (an uploaded constant column), the landscape marks the one
the run can reach and says there is a line of them. References by hand: a numpy loop of
descent and scipy's best fit on the feature that varies."""

import numpy as np
from scipy.optimize import minimize

from dashboard import fields
from tests.app.helpers import chart_datasets, open_view, page_text, plain

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
