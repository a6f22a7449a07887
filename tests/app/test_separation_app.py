"""Uploaded data whose geometry the page's sentences depend on: a max-margin direction
perpendicular to the landscape's slice, classes split only with samples on the line, and
symmetric data whose weights never leave 0."""

import numpy as np
import pytest

from dashboard import fields
from tests.app.helpers import frames_with, open_view, page_text, plain

SQUARE = b"x1,x2,y\n-1,1,0\n-1,-1,0\n1,1,1\n1,-1,1\n"


@pytest.fixture
def upload(new_app):
    def run(content: bytes, **state):
        at = new_app().run()
        at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
        at.file_uploader(key="upload_file").upload("u.csv", content, "text/csv").run()
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    return run


def landscape_caption(at) -> str:
    return plain(next(c.value for c in at.caption if c.value.startswith("Loss over")))


def ray(at):
    return [f for f in frames_with(at, "a", "c") if len(f) == 2 and len(f.columns) == 2]


def test_a_max_margin_direction_perpendicular_to_the_slice_is_said_not_drawn(upload):
    """The square's max-margin direction is (1, 0, 0) by symmetry (tests/core/
    test_landscape.py): on the slice over w[x2] and b it has no part, and the ray drawn from
    its rounding (-4.4e-17 in both) pointed at 45 degrees; over w[x1] and b it is along w[x1]."""
    at = upload(SQUARE, land_x="w[x2]", land_y="b")
    open_view(at, "landscape")
    assert not at.exception, at.exception
    caption = landscape_caption(at)
    assert ray(at) == []
    assert "The dashed line" not in caption
    assert ("is perpendicular to this slice: its part along w[x2] and b is 0 (to rounding), "
            "so there is no dashed line to draw here.") in caption
    at.session_state["land_x"] = "w[x1]"
    at.run()
    (drawn,) = ray(at)
    step = np.diff(drawn.to_numpy(), axis=0)[0]
    assert step[0] > 0 and abs(step[1]) <= 1e-15 * step[0]  # along w[x1]: the rest, rounding
    caption = landscape_caption(at)
    assert "The dashed line points along the max-margin direction" in caption
    assert "perpendicular" not in caption


SYMMETRIC = b"x,y\n-1,0\n1,0\n-1,1\n1,1\n"


def test_weights_that_never_leave_0_are_not_said_to_grow_above_two_over_lambda(upload):
    """The review's page: λ = 1, η = 5, b = 1 on x = -1, 1, -1, 1 (labels 0 0 1 1) read
    "Diverging: ... the weights grow geometrically until the numbers overflow" beside "every
    weight is 0" (tests/core/test_idle_weights.py has the hand loop and mpmath)."""
    at = upload(SYMMETRIC, standardize=False)
    for key, value in (("l2", 1.0), ("learning_rate", 5.0), ("b0", 1.0)):
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    for view in ("step", "rates"):
        open_view(at, view)
        assert not at.exception, at.exception
        text = plain(page_text(at))
        assert "grow geometrically" not in text, view
        assert ("Converging: above 2/λ = 2 the penalty alone would make every step overshoot "
                "the weights by more, but every weight starts at 0 and stays there") in text


QUASI = b"x,y\n1,0\n2,0\n2,1\n3,1\n"


@pytest.mark.parametrize("rate, head", [
    (2.0, "Settling: above the guaranteed rate 2/L = 1.479 a step may raise the loss; there is "
          "no best fit, but below the floor's local limit 2/μ₀* = 3.2"),
    (5.0, "Oscillating in the long run, not yet: there is no best fit, and above the floor's "
          "local limit 2/μ₀* = 3.2 (μ₀*: the largest curvature of the loss near the floor) "
          "descent cannot approach the floor of the loss, 0.3466")])
def test_samples_on_every_splitting_line_give_the_loss_a_floor_not_0(upload, rate, head):
    """The review: x = 1, 2, 2, 3 (labels 0 0 1 1) at η = 2 read "in the long run the loss
    falls towards 0" and "Here a line splits the classes ... the runs that do not diverge fall
    towards 0", though the pair at x = 2 keeps J >= 2 ln 2 / 4 = 0.3466 (by hand; the floor
    and its limit 2/μ0* = 3.2 are checked in tests/core/test_floor.py). At η = 5, above that
    limit, descent swings about the floor for good."""
    at = upload(QUASI, learning_rate=rate)
    for view in ("step", "rates"):
        open_view(at, view)
        assert not at.exception, at.exception
        text = plain(page_text(at))
        assert "towards 0" not in text.replace("the others' loss falls towards 0", ""), view
        assert "a line splits the classes" not in text
        assert head in text
        assert "the floor of the loss, 0.3466" in text
        assert "2/μ₀* = 3.2" in text
    assert ("Here the classes can be split by a line only with some samples exactly on it "
            "(2 lie on every such line) and there is no L2, so the loss has no minimum") in text
    assert ("no run goes below the floor of the loss, 0.3466 (set by the 2 samples on every "
            "line that splits the classes): below its local limit 2/μ₀* = 3.2 the runs that "
            "come close enough fall towards it in the long run, never reaching it, and above "
            "it they keep swinging") in text
