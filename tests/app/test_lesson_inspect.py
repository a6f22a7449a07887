"""A lesson part opened by a link inspects a step of the run it shows.

Found by a walk: ``?lesson=5&lr=1000&steps=100000`` said "Inspected step 200: 7.44e-45" on a
100,000-step chart: part 5 inspects its run's last step (200 of its 200), the link changed
the steps, and the 200 stayed, though part 5 has no control that moves the inspected step.
"""

import numpy as np
import pytest

from dashboard import fields, lesson
from tests.app.helpers import caption_with, page_text, plain
from tests.app.test_lesson import X5, Y5, descend, expected, reveal

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
    assert at.session_state.inspect == last
    if lesson.PARTS[number - 1].uses_run:  # (parts 6 and 7 leave it out of their link)
        assert at.query_params["step"] == str(last)
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


@pytest.mark.parametrize("query", [{"lesson": "7", "l2": "100"}, {"lesson": "6"},
                                   {"lesson": "6", "l2": "100", "b0": "1000"}])
def test_the_rate_parts_link_says_nothing_of_a_run_they_do_not_show(new_app, query):
    """Found by a lesson walk: parts 6 and 7 compare their own three rates, yet the address
    carried the page's own run, at the part's rate, and the step it stopped at. At
    ?lesson=7&l2=100 it read step=78 before the reveal: the run at eta = 1, one of the
    options, overflows at step 79 (by hand below), so the link answered part of the
    question; part 6's lr=0.5 is its answer at its defaults. Neither is written now, and the
    address opens the same part again."""
    number = int(query["lesson"])
    settings = fields.from_query(query, base=lesson.settings_for(number))[0]
    at = new_app(**query).run()
    assert not at.exception
    assert "lr" not in at.query_params and "step" not in at.query_params
    if query.get("l2") == "100" and number == 7:  # the step that was written, by hand
        losses, _, _ = descend(X5, Y5, settings.learning_rate, 2000, settings.w0[0],
                               settings.b0, settings.l2)
        assert settings.learning_rate == 1 and len(losses) - 1 == 79
        assert not np.isfinite(losses[-1]) and at.session_state.inspect == 78
    if number == 6 and len(query) == 1:
        assert expected(6, settings) == {f"η = {settings.learning_rate:g}"}
    again = new_app(**dict(at.query_params)).run()
    assert not again.exception and not again.warning
    assert fields.from_state(again.session_state, 1) == fields.from_state(at.session_state, 1)
    assert dict(again.query_params) == dict(at.query_params)


def step_notice(at) -> str | None:
    """The notice about a linked step past the run's end, as a reader sees it, or None."""
    found = [plain(w.value) for w in at.warning if "past the end of this run" in w.value]
    assert len(found) <= 1, found
    return found[0] if found else None


def overflow_step(w0: float, b0: float, rate: float, l2: float, steps: int) -> int:
    """The first step whose loss is not finite, by hand (`descend`)."""
    losses, _, _ = descend(X5, Y5, rate, steps, w0, b0, l2)
    assert not np.isfinite(losses[-1])
    return len(losses) - 1


@pytest.mark.parametrize("query", [
    {"lesson": "3", "lr": "1000", "l2": "100", "steps": "100", "step": "100"},
    {"lesson": "5", "lr": "1000", "l2": "100", "steps": "100", "step": "100"},
    {"lesson": "1", "lr": "20", "l2": "3", "steps": "750", "step": "700", "w0": "0.4"},
    {"lr": "1000", "l2": "100", "steps": "100", "step": "100"},
    {"lr": "50", "l2": "0.5", "steps": "3000", "step": "2999", "b0": "-1.25"},
])
def test_a_linked_step_past_an_overflow_is_moved_and_the_page_says_why(new_app, query):
    """Found by a session: ``?lesson=4&lr=1000&l2=100&steps=100&step=100`` inspected step 30,
    and the address read step=30 without a word. The numbers overflow at step 31 (by hand),
    and the page now says so, and which step it shows; the address it writes opens that step
    with no notice."""
    at = new_app(**query).run()
    assert not at.exception, [e.value for e in at.exception]
    settings = fields.from_state(at.session_state, 1)
    stop = overflow_step(settings.w0[0], settings.b0, settings.learning_rate, settings.l2,
                         settings.steps)
    assert stop - 1 < int(query["step"])
    said = step_notice(at)
    assert said == (f"The link asks for **step** = {int(query['step']):,}, past the end of this "
                    f"run: the numbers overflow at step {stop:,}, so the run stops at step "
                    f"{stop - 1:,}. Step {stop - 1:,}, its last, is shown instead (the address "
                    f"now reads step={stop - 1})."), said
    assert at.session_state.inspect == stop - 1 and at.query_params["step"] == str(stop - 1)
    at.run()  # it stays (see dashboard/link_notices.py)
    assert step_notice(at) == said
    again = new_app(**dict(at.query_params)).run()
    assert step_notice(again) is None and not again.warning


def test_a_linked_step_within_the_run_says_nothing(new_app):
    at = new_app(lesson="4", lr="1000", l2="100", steps="100", step="30").run()
    assert at.session_state.inspect == 30 and not at.warning
    at = new_app(lr="1000", l2="100", steps="100", step="31").run()
    assert at.session_state.inspect == 31 and not at.warning


def test_part_4_says_why_only_once_answered(new_app):
    """Part 4 asks whether the step after the inspected one raises the loss: at the run's last
    step, that the next one overflows is its answer ("up", by hand: the loss after step 31 is
    not finite), so the page says so after the reveal, and not before."""
    query = {"lesson": "4", "lr": "1000", "l2": "100", "steps": "100", "step": "100"}
    at = new_app(**query).run()
    settings = fields.from_state(at.session_state, 1)
    stop = overflow_step(settings.w0[0], settings.b0, settings.learning_rate, settings.l2, 100)
    assert expected(4, settings) == {"up"} and at.session_state.inspect == stop - 1
    assert step_notice(at) is None and "overflow" not in plain(page_text(at))
    at.run()
    assert step_notice(at) is None
    at = reveal(at, 4, "down")
    assert at.error and "overflow" in at.error[0].value
    assert f"the numbers overflow at step {stop:,}" in step_notice(at)
    at.button(key="lesson_next").click().run()  # another configuration: it goes
    assert step_notice(at) is None
    # moved before it is answered, the state is no longer the link's: nothing is said of it
    at = new_app(**query).run()
    at.select_slider(key="learning_rate").set_value(0.2).run()
    at = reveal(at, 4, "down")
    assert step_notice(at) is None


def test_a_part_that_does_not_show_the_run_says_nothing_of_its_end(new_app):
    """Parts 6 and 7 compare runs of their own; where the page's own run (at the part's rate)
    stops says whether a rate of the question overflows (`test_the_rate_parts_link_says_...`):
    no notice names it, before the reveal or after."""
    at = new_app(lesson="7", l2="100", step="2000").run()
    assert at.session_state.inspect < 2000 and step_notice(at) is None
    at = reveal(at, 7, lesson.ALL_OVERFLOW)
    assert step_notice(at) is None


def test_a_linked_step_past_the_work_budget_says_so(new_app):
    at = new_app(data="breast_cancer", steps="100000", step="100000").run()
    last = at.session_state.last_step
    assert last < 100_000 and at.session_state.inspect == last
    assert step_notice(at) == (f"The link asks for **step** = 100,000, past the end of this run: "
                               f"the page runs at most {last:,} steps on these data (the note "
                               f"on the run says why). Step {last:,}, its last, is shown "
                               f"instead (the address now reads step={last}).")


@pytest.mark.parametrize("step", [None, "30"])
def test_part_4_names_the_step_its_question_is_about(new_app, step):
    """Part 4 asked "After this step, ..." and named no step: at a linked step 30 the learner
    could not tell which update the question meant (a lesson walk). It names the inspected
    step, whose update its table shows."""
    query = {"lesson": "4", "lr": "1000", "l2": "100", "steps": "100"}
    at = new_app(**query, **({"step": step} if step else {})).run()
    k = int(step or 0)
    assert at.session_state.inspect == k
    labels = [r.label for r in at.radio]
    assert f"After the update at step {k:,}, will the loss go down, go up or stay the same?" \
        in labels, labels
