"""A lesson part opened by a link inspects a step of the run it shows.

Found by a walk: ``?lesson=5&lr=1000&steps=100000`` said "Inspected step 200: 7.44e-45" on a
100,000-step chart: part 5 inspects its run's last step (200 of its 200), the link changed
the steps, and the 200 stayed, though part 5 has no control that moves the inspected step.
"""

import pytest

from dashboard import lesson
from tests.app.helpers import caption_with, plain

#: The parts that inspect their run's last step, and no control of theirs moves it.
AT_THE_END = [n for n, part in enumerate(lesson.PARTS, 1)
              if "inspect" not in part.controls
              and lesson.settings_for(n).inspect == lesson.settings_for(n).steps]


def test_the_parts_that_show_their_end_are_found():
    assert AT_THE_END == [5, 6, 7]


@pytest.mark.parametrize("number", AT_THE_END)
@pytest.mark.parametrize("query", [{"lr": "1000", "steps": "100000"}, {"steps": "30"},
                                   {"steps": "5000"}])
def test_a_link_s_steps_move_the_inspected_step_to_their_end(new_app, number, query):
    at = new_app(lesson=str(number), **query).run()
    assert not at.exception and not at.error
    last = at.session_state.last_step  # the steps run (fewer where the numbers overflowed)
    assert at.session_state.steps == int(query["steps"])
    assert at.session_state.inspect == last and at.query_params["step"] == str(last)
    if number == 5:  # the part that shows the loss chart and its inspected step
        caption = plain(caption_with(at, "Loss "))
        assert f"Inspected step {last:,}:" in caption, caption
        # the Steps slider keeps it at the end
        at.select_slider(key="steps").set_value(1000).run()
        assert at.session_state.inspect == at.session_state.last_step


def test_a_link_that_names_the_step_keeps_it(new_app):
    at = new_app(lesson="5", steps="1000", step="300").run()
    assert at.session_state.inspect == 300
    assert "Inspected step 300:" in plain(caption_with(at, "Loss "))


def test_the_textbook_parts_stay_at_step_0(new_app):
    """Parts 1 to 4 are about the first step: a link's steps do not move them from step 0."""
    for number in range(1, 5):
        at = new_app(lesson=str(number), steps="50").run()
        assert at.session_state.inspect == 0, number
