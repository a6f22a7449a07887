"""The L2 box holds the strength the page runs, whatever is typed into it.

Found by a walk: with λ = 0.5, typing 101 (above `fields.L2_MAX`) left "101" in the box,
outlined in red, while the link and the run kept λ = 0.5: the box's own bounds made the
browser keep the value and never send it, so the page could not say so.
"""

import pytest

from dashboard import fields


def warnings_about_l2(at) -> list[str]:
    return [w.value for w in at.warning if w.value.startswith("λ =")]


def test_the_box_has_no_bounds_of_its_own_so_the_page_sees_every_value(new_app):
    """With min_value or max_value the browser refuses a value past them unseen by the page."""
    box = new_app().run().number_input(key="l2")
    assert not box.proto.has_min and not box.proto.has_max
    assert (f"0, or from {fields.link_number(fields.L2_MIN)} to "
            f"{fields.link_number(fields.L2_MAX)}.") in box.proto.help


@pytest.mark.parametrize(("typed", "taken", "said"), [
    (101.0, fields.L2_MAX,
     "λ = 101 is above 100, the largest L2 strength the page takes, so λ is 100."),
    (1e308, fields.L2_MAX,
     "λ = 1e+308 is above 100, the largest L2 strength the page takes, so λ is 100."),
    (-1.0, 0.0, "λ = -1 is below 0: a negative penalty would reward large weights rather than "
                "penalize them, so λ is 0."),
])
def test_a_strength_past_the_box_s_range_becomes_the_nearest_taken_and_it_says_so(
        new_app, typed, taken, said):
    at = new_app().run()
    at.number_input(key="l2").set_value(0.5).run()
    assert at.query_params["l2"] == "0.5" and not warnings_about_l2(at)
    at.number_input(key="l2").set_value(typed).run()
    # the box, the session, the link and the run all hold the strength taken
    assert at.number_input(key="l2").value == taken == at.session_state.l2
    assert fields.from_query(dict(at.query_params))[0].l2 == taken
    assert warnings_about_l2(at) == [said]
    at.run()  # said once
    assert not warnings_about_l2(at)


@pytest.mark.parametrize("typed", [0.0, fields.L2_MIN, 0.5, fields.L2_MAX])
def test_a_strength_the_page_takes_is_kept_without_a_word(new_app, typed):
    at = new_app().run()
    at.number_input(key="l2").set_value(typed).run()
    assert at.session_state.l2 == typed == at.number_input(key="l2").value
    assert not warnings_about_l2(at)


def test_minus_zero_is_zero_in_the_box_and_the_link(new_app):
    """A walk: typing -0 kept λ = -0.0 and the link read l2=-0 (from 0 the box sees no
    change; from 0.5 its callback sets 0)."""
    for start in ("0", "0.5"):
        at = new_app(l2=start).run()
        at.number_input(key="l2").set_value(-0.0).run()
        assert not at.exception and not at.warning
        assert at.query_params["l2"] in ("0", ["0"])
