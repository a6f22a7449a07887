"""The notices about a bad link stay until they no longer hold (see dashboard/link_notices.py).

What each notice says (its parameter, value and the value used) is checked in
test_dashboard.py and tests/dashboard/test_fields.py; here, only how long it stays.
"""

from __future__ import annotations

from dashboard import fields
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


def test_a_misspelt_key_is_named_and_the_address_the_page_writes_opens_without_one(new_app):
    """A walk: ``?rate=0.1&Steps=5&LR=2`` ran the defaults (eta = 0.5, 200 steps) with no
    notice. Each key is named with the key it was likely meant to be, and nothing is guessed;
    Streamlit's own ``embed`` keys are not the page's to report. The address the page then
    writes, opened again, reports nothing."""
    at = new_app(rate="0.1", Steps="5", LR="2", foo="bar", embed="true").run()
    said = [w.value for w in at.warning if "no parameter of that name" in w.value]
    assert [w.split("**")[1] for w in said] == ["rate", "Steps", "LR", "foo"]
    assert [w.split("**")[3] if w.count("**") > 2 else None for w in said] == [
        "lr", "steps", "lr", None]
    assert at.session_state.learning_rate == 0.5 and at.session_state.steps == 200
    at.run()  # they stay, as every link notice does
    assert len([w for w in at.warning if "no parameter of that name" in w.value]) == 4
    written = {k: v for k, v in at.query_params.items() if k != "embed"}
    assert set(written) <= fields.LINK_KEYS
    again = new_app(**written, tab="rates", batch="3", seed="5", beta="0.5").run()
    assert not again.warning and not again.exception


def test_a_key_no_setting_has_given_twice_is_named_once(new_app):
    """``?Steps=5&Steps=9``: one notice that it is no key of the page's, none saying the
    last value is used (none is)."""
    at = new_app()
    at.query_params["Steps"] = ["5", "9"]
    at.run()
    assert [w.value.split("**")[1] for w in at.warning] == ["Steps"]
    assert "last one is used" not in at.warning[0].value
