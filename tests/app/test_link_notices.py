"""The notices about a bad link stay until they no longer hold (see dashboard/link_notices.py).

What each notice says (its parameter, value and the value used) is checked in
test_dashboard.py and tests/dashboard/test_fields.py; here, only how long it stays.
"""

from __future__ import annotations

from tests.app.helpers import open_popover


def notices(at) -> list[str]:
    """The parameter each link notice on the page names, in page order."""
    return [w.value.split("**")[1] for w in at.warning if w.value.startswith("Ignored link")]


def test_the_notices_survive_reruns_that_change_nothing_they_name(new_app):
    """They vanished on the first rerun: a teacher who opened a popover never read them."""
    at = new_app(lr="abc", steps="0").run()
    assert notices(at) == ["lr", "steps"]
    open_popover(at)
    assert notices(at) == ["lr", "steps"]
    at.select_slider(key="digits").set_value(6).run()
    at.run()
    assert notices(at) == ["lr", "steps"] and not at.exception


def test_changing_a_setting_ends_its_notice_for_good(new_app):
    at = new_app(lr="abc", steps="0").run()
    rate = at.session_state.learning_rate  # the default the notice names as used
    at.select_slider(key="learning_rate").set_value(0.2).run()
    assert notices(at) == ["steps"]
    at.select_slider(key="learning_rate").set_value(rate).run()  # back: the link is not
    assert notices(at) == ["steps"]


def test_dismiss_ends_every_notice(new_app):
    at = new_app(lr="abc", steps="0").run()
    at.button(key="link_notices_dismiss").click().run()
    assert notices(at) == []
    at.run()
    assert notices(at) == [] and not at.exception


def test_another_data_set_ends_the_notices_of_the_link_it_replaces(new_app):
    """A new data set brings its own settings: the link's are no longer in use, even where
    they are equal (the 5 points and the students both start at b = 0)."""
    at = new_app(steps="0", b0="x").run()
    assert notices(at) == ["steps", "b0"]
    at.selectbox(key="dataset").set_value("student").run()
    assert notices(at) == [] and not at.exception
