"""The lesson remembers each answer for the state it was asked on, and reveals nothing else.

A part the learner answered shows their answer and its reveal when they come back to it (from
another part, after leaving the lesson, after a Reset to the state they answered in); a state
they have not answered in asks afresh, with nothing revealed. Answers live in session state
only: a link reopens the same state, and reveals nothing (a teacher's link to students).

The record these tests keep of what was answered is their own: a part's number, its data and
the settings of its run, read back from session state (the digits change how the reveal
reads, not the question or its answer; the view open outside the lesson is not in it).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard import fields, lesson
from tests.app.helpers import component_data, open_view, plain
from tests.app.test_lesson import HIDDEN_UNTIL_REVEAL

PARTS = range(1, len(lesson.PARTS) + 1)


def radio(at):
    """The question's radio (one per part on the page)."""
    (found,) = [r for r in at.radio if r.key.startswith("lesson_guess_")]
    return found


def verdict(at) -> str | None:
    """The reveal's verdict as a reader sees it ("Right." or "Not quite: ..."), or None."""
    shown = [*at.success, *at.error]
    assert len(shown) <= 1, [e.value for e in shown]
    return plain(shown[0].value) if shown else None


def after_shown(at, number: int) -> bool:
    """Whether what the part shows only with its reveal is on the page (`HIDDEN_UNTIL_REVEAL`;
    part 4 shows the same table before and after, and its question is about the next step)."""
    if number not in HIDDEN_UNTIL_REVEAL:
        return False
    kind, what = HIDDEN_UNTIL_REVEAL[number]
    if kind == "table":
        return any(what in t.value.columns for t in at.table)
    if kind == "player":
        return bool(component_data(at, "descent_lab_player"))
    return any(what in c.proto.spec for c in at.get("vega_lite_chart"))


def answer(at, index: int) -> str:
    """Choose option ``index`` (modulo their number) and reveal it; the option chosen."""
    number = at.session_state.lesson
    options = radio(at).options
    guess = options[index % len(options)]
    radio(at).set_value(guess).run()
    at.button(key=f"lesson_reveal_{number}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return guess


def question_state(at) -> tuple:
    """What the tests take a question to be about: the part, its data and the run it shows
    (the view open outside the lesson, and the digits shown, are not among them)."""
    held = fields.from_state(at.session_state, 1)  # (the lesson's data have one feature)
    return (at.session_state.lesson, held.dataset, held.standardize, held.learning_rate,
            held.steps, held.w0, held.b0, held.l2, held.inspect)


def check(at, answered: dict) -> None:
    """The page reveals the part's answer exactly where this state was answered, and then
    with the guess that was revealed; elsewhere it asks, with nothing revealed."""
    assert not at.exception, [e.value for e in at.exception]
    number = at.session_state.lesson
    kept = answered.get(question_state(at))
    shown = verdict(at)
    assert (shown is not None) == (kept is not None), (question_state(at), shown, kept)
    assert after_shown(at, number) == (kept is not None and number in HIDDEN_UNTIL_REVEAL)
    assert radio(at).value == kept and radio(at).disabled == (kept is not None)
    asks = [b for b in at.button if b.key == f"lesson_reveal_{number}"]
    assert bool(asks) == (kept is None)


def nothing_in_the_link(at) -> None:
    """The address holds settings only, and opens the same part asking afresh."""
    query = dict(at.query_params)
    assert set(query) <= fields.LINK_KEYS, query
    assert not any("guess" in v or "sample" in v or "η" in v for v in query.values()), query


@pytest.mark.parametrize("number", PARTS)
def test_an_answered_part_shows_its_answer_when_the_learner_comes_back(new_app, number):
    """The flaw: reveal part 1, reveal part 2, go back to part 1, and it asked again (one
    answer was kept for the whole lesson)."""
    other = number + 1 if number < len(lesson.PARTS) else number - 1
    away, back = ("lesson_next", "lesson_back") if other > number else (
        "lesson_back", "lesson_next")
    at = new_app(lesson=str(number)).run()
    answered = {}
    answered[question_state(at)] = answer(at, 1)
    said = verdict(at)
    check(at, answered)
    at.button(key=away).click().run()
    assert at.session_state.lesson == other
    check(at, answered)  # the other part asks
    answered[question_state(at)] = answer(at, 0)
    other_said = verdict(at)
    at.button(key=back).click().run()
    assert at.session_state.lesson == number
    check(at, answered)
    assert verdict(at) == said
    at.button(key=away).click().run()
    check(at, answered)
    assert verdict(at) == other_said


#: Per part, a control its question depends on and a value of it nobody picked.
MOVES = {1: ("slider", "b0", -1.37), 2: ("number_input", "l2", 0.013),
         3: ("toggle", "standardize", True), 4: ("select_slider", "learning_rate", 5.0),
         5: ("select_slider", "steps", 750), 6: ("select_slider", "steps", 150),
         7: ("number_input", "l2", 0.7)}


def move(at, kind: str, key: str, value) -> None:
    widget = next(w for w in at.get(kind) if w.key == key)
    widget.set_value(value).run()


@pytest.mark.parametrize("number", PARTS)
def test_a_changed_setting_asks_afresh_and_its_old_answer_comes_back_with_it(new_app,
                                                                             number):
    at = new_app(lesson=str(number)).run()
    answered = {question_state(at): answer(at, 2)}
    said = verdict(at)
    kind, key, value = MOVES[number]
    before = at.session_state[key]
    move(at, kind, key, value)
    assert at.session_state[key] == value
    check(at, answered)  # asked afresh: nothing revealed, the part's first view
    assert "Choose an answer, then reveal it." in [c.value for c in at.caption]
    answered[question_state(at)] = answer(at, 0)
    check(at, answered)
    move(at, kind, key, before)  # back to the state answered first
    check(at, answered)
    assert verdict(at) == said
    move(at, "select_slider", "digits", 7)  # how it reads, not what it asks
    check(at, answered)


def test_reset_a_scenario_and_a_link_reveal_only_what_was_answered(new_app):
    at = new_app(lesson="4").run()
    answered = {question_state(at): answer(at, 0)}
    move(at, "select_slider", "learning_rate", 50.0)
    check(at, answered)
    at.button(key="reset").click().run()  # Reset this part: the state answered
    check(at, answered)
    assert verdict(at) is not None
    # a scenario leaves the lesson; the lesson comes back at part 1, not answered
    at.button(key="lesson_leave").click().run()
    open_view(at, "rates")
    at.button(key="scenario_diverging").click().run()
    assert not at.exception and at.session_state.lesson == 0
    at.button(key="lesson_main").click().run()
    check(at, answered)
    assert verdict(at) is None
    at.button(key="lesson_next").click().run()
    at.button(key="lesson_next").click().run()
    at.button(key="lesson_next").click().run()
    check(at, answered)  # part 4 at its own settings: answered
    assert verdict(at) is not None
    nothing_in_the_link(at)
    shared = new_app(**dict(at.query_params)).run()  # a teacher's link, opened by a student
    assert question_state(shared) == question_state(at)
    check(shared, {})


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("answer"), st.integers(0, 9)),
    st.tuples(st.sampled_from(["next", "back", "reset", "leave and return", "link"])),
    st.tuples(st.just("set"), st.integers(0, 99), st.integers(0, 99))),
    min_size=3, max_size=10)

#: Values nobody picked for each control a part may draw (sliders keep to their grid).
VALUES = {"learning_rate": ("select_slider", (0.002, 0.2, 5.0, 50.0)),
          "steps": ("select_slider", (30, 150, 750, 3000)),
          "b0": ("slider", (-3.71, 0.46, 2.95, 7.2)),
          "w0_0": ("slider", (-2.13, 0.0, 1.19, 6.62)),
          "l2": ("number_input", (0.0, 0.013, 0.7, 12.0)),
          "standardize": ("toggle", (False, True)),
          "digits": ("select_slider", (3, 7))}


def drawn(at) -> list[str]:
    keys = {w.key for kind in ("select_slider", "slider", "number_input", "toggle")
            for w in at.get(kind)}
    return [key for key in VALUES if key in keys]


def act(at, step, new_app, answered: dict):
    """Do one action; returns the page to go on with."""
    name = step[0]
    if name == "answer":
        if radio(at).disabled:
            return at
        state = question_state(at)
        answered[state] = answer(at, step[1])
    elif name in ("next", "back"):
        button = at.button(key=f"lesson_{name}")
        if not button.disabled:
            button.click().run()
    elif name == "reset":
        at.button(key="reset").click().run()
    elif name == "leave and return":
        at.button(key="lesson_leave").click().run()
        at.button(key="lesson_main").click().run()
    elif name == "link":
        nothing_in_the_link(at)
        shared = new_app(**dict(at.query_params)).run()
        assert question_state(shared) == question_state(at)
        check(shared, {})
    else:
        keys = drawn(at)
        key = keys[step[1] % len(keys)]
        kind, values = VALUES[key]
        move(at, kind, key, values[step[2] % len(values)])
    return at


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(list(PARTS)), steps=ACTIONS)
@example(start=1, steps=[("answer", 0), ("next",), ("answer", 1), ("back",), ("next",)])
@example(start=7, steps=[("answer", 3), ("set", 1, 1), ("answer", 0), ("set", 1, 0),
                         ("link",), ("back",), ("leave and return",)])
def test_no_reveal_ever_appears_where_the_learner_did_not_answer(new_app, start, steps):
    """Over walks nobody chose (answers, parts, Reset, leaving and coming back, the link
    opened anew, and settings moved to values nobody picked): the page reveals an answer
    exactly where this walk answered that part in that state."""
    at = new_app(lesson=str(start)).run()
    answered: dict = {}
    check(at, answered)
    for step in steps:
        at = act(at, step, new_app, answered)
        assert at.session_state.lesson in PARTS, step
        check(at, answered)
