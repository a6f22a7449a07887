"""The guided lesson: every step opens from its link, shows its view, and its answer is right.

Each answer is recomputed here from the core (or by hand), independently of the page.
"""

import numpy as np
import pytest

import logreg_core as lc
from dashboard import fields, lesson
from logreg_core import examples
from tests.app.helpers import page_text, plain

#: The right answer of each step, computed independently of dashboard/lesson.py.


def expected_answers() -> dict[int, str]:
    x = np.arange(1.0, 6.0)
    y = np.array([0, 0, 0, 1, 1.0])
    z = examples.WORKED_W * x + examples.WORKED_B
    p = 1 / (1 + np.exp(-z))
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    dw = np.mean((p - y) * x)
    w1 = examples.WORKED_W - 0.1 * dw
    b1 = examples.WORKED_B - 0.1 * np.mean(p - y)
    loss1 = np.mean(np.logaddexp(0, w1 * x + b1) - y * (w1 * x + b1))
    five = lc.train(x[:, None], y, learning_rate=0.5, steps=200)
    boundary = -five.bias[-1] / five.weights[-1, 0]
    wiki = lc.load_dataset("wikipedia_students")
    ends = {r: lc.train(wiki.X, wiki.y, learning_rate=r, steps=2000).loss[-1]
            for r in lesson.RATES_TRIO}
    separable = {r: lc.train(x[:, None], y, learning_rate=r, steps=2000).loss[-1]
                 for r in lesson.SEPARABLE_TRIO}
    return {
        1: f"x = {x[np.argmin(abs(p - 0.5))]:g}",
        2: f"x = {x[np.argmax(loss)]:g}",
        3: "positive" if dw > 0 else "negative",
        4: "down" if loss1 < np.mean(loss) else "up",
        5: f"between {int(np.floor(boundary))} and {int(np.floor(boundary)) + 1}",
        6: f"η = {min(ends, key=ends.get):g}",
        7: f"η = {min(separable, key=separable.get):g}",
    }


def test_the_answers_are_what_a_teacher_expects():
    answers = expected_answers()
    assert answers == {1: "x = 3", 2: "x = 3", 3: "positive", 4: "down",
                       5: "between 3 and 4", 6: "η = 0.5", 7: "η = 10"}


@pytest.mark.parametrize("number", range(1, len(lesson.STEPS) + 1))
def test_every_step_opens_from_its_link_and_reveals_the_right_answer(new_app, number):
    link = fields.to_query(lesson.settings_for(number))
    at = new_app(**link).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.warning
    assert at.session_state.lesson == number
    text = plain(page_text(at))
    assert f"Lesson, step {number} of {len(lesson.STEPS)}" in text
    assert not at.tabs  # one focused view: the tabs wait until the lesson is left
    step = lesson.STEPS[number - 1]
    at.radio(key=f"lesson_guess_{number}").set_value(step.question.options[0]).run()
    at.button(key=f"lesson_reveal_{number}").click().run()
    answer = expected_answers()[number]
    assert answer in step.question.options
    revealed = plain(page_text(at))
    right = step.question.options[0] == answer
    assert ("✅ Right" in revealed) == right
    assert right or f"❌ Not quite: {answer}" in revealed


def test_next_back_and_leave(new_app):
    at = new_app(lesson="1").run()
    at.button(key="lesson_next").click().run()
    assert at.session_state.lesson == 2 and at.query_params["lesson"] == "2"
    at.button(key="lesson_back").click().run()
    assert at.session_state.lesson == 1
    at.button(key="lesson_leave").click().run()
    assert at.session_state.lesson == 0 and at.tabs


def test_a_short_lesson_link_sets_the_steps_controls(new_app):
    at = new_app(lesson="6").run()  # only ?lesson=6: the step's own settings apply
    assert at.session_state.dataset == "wikipedia_students"
    assert at.session_state.steps == 2000 and at.session_state.learning_rate == 0.5
    assert not at.warning
