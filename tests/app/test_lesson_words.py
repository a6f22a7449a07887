"""Words of the lesson that a walk found false, or giving an answer away, in states its
parts allow. References: hand arithmetic and plain loops (`tests.app.test_lesson.descend`)."""

import re

import numpy as np
import pytest

from dashboard import lesson
from tests.app.helpers import plain, player
from tests.app.test_lesson import X5, Y5, descend, expected, reveal, students


def title(at, number: int) -> str:
    return next(m.value for m in at.markdown
                if m.value.startswith(f"**Lesson, part {number} of"))


def test_the_rate_part_s_title_calls_no_rate_good_or_too_large(new_app):
    """Found by a lesson walk: part 6 was titled "Learning rate: too small, good, too large"
    above its options eta = 0.01, 0.5 and 2.29, which named the answer (0.5, "good") before
    the reveal; and with the part's own Standardize on, eta = 2.29 is no longer too large.
    By hand: standardized, [x 1]^T [x 1] = n I, so L = n / 4n = 1/4 and 2/L = 8 > 2.29, and
    both 0.5 and 2.29 end at the best fit after 2,000 steps (plain descent below)."""
    x, y = students()
    xs = (x - x.mean()) / np.sqrt(np.mean((x - x.mean()) ** 2))
    design = np.c_[xs, np.ones_like(xs)]
    assert np.allclose(design.T @ design, len(xs) * np.eye(2))
    middle, _, _ = descend(xs, y, 0.5, 2000)
    large, _, _ = descend(xs, y, 2.29, 2000)
    assert np.all(np.diff(large) <= 1e-15) and abs(large[-1] - middle[-1]) < 1e-12
    assert lesson.RATES_TRIO == (0.01, 0.5, 2.29)
    at = new_app(lesson="6").run()
    assert expected(6, lesson.settings_for(6)) == {"η = 0.5"}
    for query in ({"lesson": "6"}, {"lesson": "6", "std": "1"}):
        at = new_app(**query).run()
        assert not re.search(r"good|too (small|large)|best", title(at, 6), re.I), query
    at = reveal(new_app(lesson="6", std="1").run(), 6, "η = 2.29")
    assert at.success and "η = 2.29 ends at" in at.success[0].value
    assert "converging; at or below 2/L = 8)" in at.success[0].value


def test_the_lesson_s_rate_slider_names_no_form_it_does_not_draw(new_app):
    """Found by a lesson walk: in parts 4 and 5 the rate slider's help said "a rate typed
    under *Exact values* takes its place among them", and the lesson draws no Exact values
    form; a rate from a link does take its place there."""
    for number in (4, 5):
        at = new_app(lesson=str(number), lr="0.123").run()
        assert not [p for p in at.get("popover") if p.proto.popover.label == "Exact values"]
        slider = at.select_slider(key="learning_rate")
        assert "Exact values" not in slider.proto.help and "0.123" in slider.options
        assert "a rate a link gives takes its place" in slider.proto.help
    at = new_app().run()  # off the lesson the form is there, and named
    assert [p for p in at.get("popover") if p.proto.popover.label == "Exact values"]
    assert "*Exact values*" in at.select_slider(key="learning_rate").proto.help


def test_part_5_does_not_invite_to_watch_a_boundary_the_player_does_not_draw(new_app):
    """Found by a lesson walk: from w = 0.001, b = 10 one step at eta = 1e-12 leaves the
    boundary at x = -b/w = -10,000 (by hand below), and the reason ended "Press Play to watch
    it get there"; the player's picture spans x from 0.4 to 5.6 and draws the boundary only
    inside it. It now says so; where the boundary ends inside, it still invites to watch."""
    _, w, b = descend(X5, Y5, 1e-12, 1, w=0.001, b=10.0)
    assert -b / w == pytest.approx(-1e4)
    at = reveal(new_app(lesson="5", w0="0.001", b0="10", lr="1e-12", steps="1").run(), 5,
                "left of x = 1")
    low, high = player(at)["x_range"]
    assert (low, high) == (0.4, 5.6) and not low <= -b / w <= high
    said = plain(at.success[0].value)
    assert "watch it get there" not in said, said
    assert "outside the player's picture, which spans x from 0.4 to 5.6" in said, said
    at = reveal(new_app(lesson="5").run(), 5, "between 3 and 4")
    _, w, b = descend(X5, Y5, 0.5, 200)
    low, high = player(at)["x_range"]
    assert low <= -b / w <= high
    assert "Press Play to watch it get there." in at.success[0].value


def test_part_5_says_where_rounding_decides_the_boundary_it_asks_about(new_app):
    """Found by a lesson walk: from w = 49.25, b = 39 at eta = 1.06942 with lambda = 0.1 the
    run is chaotic, and after 150 steps part 5 marked "between 4 and 5" right (x = 4.551)
    without a word; descent in exact arithmetic (mpmath below) ends at x = 3.449, and plain
    replays in the two orders of the samples part. Parts 1 to 4 said so of the step they
    ask about; part 5 now says it of the run's last step, which its question is about."""
    import mpmath

    query = {"std": "0", "l2": "0.1", "w0": "49.25", "b0": "39.0", "lr": "1.06942"}
    rate, w0, b0, l2 = 1.06942, 49.25, 39.0, 0.1
    with mpmath.workdps(60):
        x, y = [mpmath.mpf(float(v)) for v in X5], [int(v) for v in Y5]
        w, b, eta, lam = (mpmath.mpf(v) for v in (w0, b0, rate, l2))
        for _ in range(150):
            error = [1 / (1 + mpmath.exp(-(w * xi + b))) - yi for xi, yi in zip(x, y, strict=True)]
            w, b = (w - eta * (mpmath.fsum(e * xi for e, xi in zip(error, x, strict=True)) / 5
                               + lam * w), b - eta * mpmath.fsum(error) / 5)
        assert 3 < float(-b / w) < 4
    for steps, parted in ((60, False), (150, True)):
        _, wf, bf = descend(X5, Y5, rate, steps, w0, b0, l2)
        _, wr, br = descend(X5[::-1], Y5[::-1], rate, steps, w0, b0, l2)
        assert (not np.allclose([wf, bf], [wr, br], rtol=1e-6, atol=0)) == parted, steps
        at = new_app(lesson="5", steps=str(steps), **query).run()
        notes = [c.value for c in at.caption if "rounding decides the state" in c.value]
        assert len(notes) == parted, (steps, notes)
        if parted:
            assert (f"rounding decides the state at step {steps}" in notes[0]
                    and "the question is about the state as this page computed it" in notes[0])


def test_part_5_s_boundary_never_reads_outside_the_option_marked_right(new_app):
    """Found by a lesson walk: standardized, from w = 1, b = 1.412 one step at eta = 1e-12
    ends with the boundary at x = -1.412, right of the first sample's x = -√2 = -1.41421
    (by hand below); "between -1.41 and -0.707" was marked right and the reason read "x =
    −b/w = -1.412", left of -1.41 as written. It now names the sample's x to the digits that
    tell the two apart."""
    x = (X5 - X5.mean()) / np.sqrt(np.mean((X5 - X5.mean()) ** 2))
    assert x[0] == pytest.approx(-np.sqrt(2))
    _, w, b = descend(x, Y5, 1e-12, 1, w=1.0, b=1.412)
    assert x[0] < -b / w < -1.41
    at = reveal(new_app(lesson="5", std="1", w0="1", b0="1.412", lr="1e-12", steps="1").run(),
                5, "between -1.41 and -0.707")
    said = plain(at.success[0].value).replace("−", "-")
    shown = re.search(r"x = -b/w = (\S+), just above (\S+)\.", said)
    assert shown, said
    boundary, edge = float(shown[1]), float(shown[2])
    assert boundary == float(f"{-b / w:.4g}") and edge == float(f"{x[0]:.4g}") and edge < boundary
