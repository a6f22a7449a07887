"""A tiny L2 strength on the page: the link and the L2 box take 0 or 1e-300 and up, and say
which value they used instead; with λ > 0 nothing on the page says there is no best fit.

Found by a walk: ``?data=five_points&l2=5e-324&lr=10`` read "there is no best fit to
overshoot: in the long run the loss falls towards 0", where a best fit exists (at w = 1471.07,
loss 5.4e-318: tests/core/test_tiny_l2.py).
"""

import numpy as np
import pytest

from logreg_core import load_dataset
from tests.app.helpers import every_view, page_text, plain
from tests.core.test_tiny_l2 import mp_best_fit

NO_BEST_FIT = ("no best fit", "no finite best fit", "falls towards 0", "keep falling towards 0")


@pytest.fixture(scope="module")
def at_smallest():
    """The 5 points' best fit at λ = 1e-300, by 60-digit Newton's method, and its local limit
    2/μ* from the Hessian there, written out with numpy."""
    data = load_dataset("five_points")
    x, y = data.X[:, 0], data.y
    w, b, loss = mp_best_fit(x, y, 1e-300)
    z = w * x + b
    curvature = np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2  # p (1 - p)
    A = np.column_stack([x, np.ones_like(x)])
    H = (A.T * curvature) @ A / len(x) + np.diag([1e-300, 0.0])
    return float(loss), 2 / np.linalg.eigvalsh(H)[-1]


def test_a_link_below_the_smallest_strength_says_which_it_used(new_app):
    at = new_app(data="five_points", l2="5e-324", lr="10").run()
    assert not at.exception
    notices = [plain(w.value) for w in at.warning if w.value.startswith("Ignored link")]
    assert notices == ["Ignored link parameter **l2** = “5e-324”: expected 0, or a number from "
                       "1e-300 to 100; using 0."]
    # λ = 0 as said: the 5 points (x = 1, 2, 3 labelled 0; 4, 5 labelled 1) are split at
    # x = 3.5, so there the page's "no best fit" is true
    assert at.session_state.l2 == 0.0
    data = load_dataset("five_points")
    assert np.all((data.X[:, 0] > 3.5) == (data.y == 1))
    assert "there is no best fit to overshoot" in page_text(at)


def test_at_the_smallest_strength_every_view_has_the_best_fit(new_app, at_smallest):
    loss, local = at_smallest
    at = new_app(data="five_points", l2="1e-300", lr="10").run()
    assert not at.exception and at.session_state.l2 == 1e-300
    (headline,) = [e.value for e in at.info if e.value.startswith("Settling")]
    assert f"2/μ* = {local:.4g}" in headline and f"the best fit (loss {loss:.4g})" in headline
    for slug in every_view(at):
        # (the worked step says, truly, what happens "without the penalty": λ = 0)
        text = page_text(at).replace("Without the penalty there is no best fit at all", "")
        for said in NO_BEST_FIT:
            assert said not in text, (slug, said)


def test_the_l2_box_takes_the_smallest_strength_for_one_below_it_and_says_so(new_app,
                                                                             at_smallest):
    loss, _ = at_smallest
    at = new_app(lr="10").run()
    at.number_input(key="l2").set_value(5e-324).run()
    assert at.session_state.l2 == 1e-300 and at.number_input(key="l2").value == 1e-300
    (said,) = [w.value for w in at.warning if w.value.startswith("λ =")]
    assert said.startswith("λ = 5e-324 is below 1e-300, the smallest positive L2 strength the "
                           "page takes, so λ is 1e-300")
    assert np.isinf(2 / 5e-324) and np.isfinite(2 / 1e-300)  # 2/λ overflows below ~1e-308
    # the edges it names, from numpy's own description of doubles
    tiny, largest = np.finfo(float).tiny, np.finfo(float).max
    edge = 2 / largest
    with np.errstate(over="ignore"):
        assert np.isinf(2 / (0.99 * edge)) and np.isfinite(2 / (1.01 * edge))
    assert (f"below {tiny:.2g}, the smallest normal double, λ and the best fit's loss lose "
            f"digits, from about {edge:.2g} down 2/λ overflows") in said, said
    assert f"the best fit (loss {loss:.4g})" in page_text(at)
    at.run()  # said once
    assert not [w for w in at.warning if w.value.startswith("λ =")]
    at.number_input(key="l2").set_value(0.0).run()  # 0 stays 0
    assert at.session_state.l2 == 0.0
