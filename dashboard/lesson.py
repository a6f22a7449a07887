"""A guided lesson in seven steps, from one forward pass to separable data.

Each step sets the controls (a whole configuration, so it is also a link: ``?lesson=3``),
shows one focused view with two or three sentences whose numbers are computed, and asks a
question to answer before the answer is revealed (the answer is computed from the core, never
typed in). tests/app/test_lesson.py walks every step and checks each answer independently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import examples

from . import charts, compute, explain, fields, state, tables
from .context import ViewContext
from .display import show_chart, text_frame
from .text import fmt


@dataclass(frozen=True)
class Question:
    """A question with its options; ``answer`` computes the right option from the page."""

    text: str
    options: tuple[str, ...]
    answer: Callable[[ViewContext], str]
    why: Callable[[ViewContext], str]


@dataclass(frozen=True)
class Step:
    title: str
    changes: dict
    text: Callable[[ViewContext], str]
    view: Callable[[ViewContext], None]
    question: Question

    def settings(self, number: int) -> fields.Settings:
        dataset = self.changes.get("dataset", "five_points")
        base = fields.defaults(dataset)
        changes = {"dataset": dataset, "lesson": number, **self.changes}
        changes.setdefault("inspect", 0)
        return fields.with_changes(base, **changes)


# --------------------------------------------------------------------------------------------
# The focused views
# --------------------------------------------------------------------------------------------


def _table(ctx: ViewContext, columns: list[str]) -> None:
    rows = tables.breakdown_table(ctx.data.X, ctx.data.y, ctx.grad_pass, ctx.names)
    st.table(text_frame(rows[columns], ctx.digits),
             alt=f"Each sample's {', '.join(columns)} at step {ctx.k:,}")


def _model(ctx: ViewContext) -> None:
    X, y = ctx.data.X, ctx.data.y
    show_chart(charts.model_chart_1d(X[:, 0], y, float(ctx.w[0]), ctx.b, ctx.names[0]),
               key="lesson_model", alt=explain.model_chart_alt(ctx))
    st.caption(explain.model_chart_caption(ctx))


def view_forward(ctx: ViewContext) -> None:
    left, right = st.columns([2, 3])
    with left:
        _table(ctx, ["x", "z", "p"])
    with right:
        _model(ctx)


def view_loss(ctx: ViewContext) -> None:
    _table(ctx, ["x", "y", "p", "loss"])


def view_gradient(ctx: ViewContext) -> None:
    _table(ctx, ["x", "y", "p", tables.ERROR, tables.error_x_column("x")])


def view_update(ctx: ViewContext) -> None:
    st.table(text_frame(tables.update_table(ctx.w, ctx.b, ctx.grad_pass, ctx.settings.learning_rate,
                                        ctx.names), ctx.digits),
             alt="The update of w and b")


def view_many(ctx: ViewContext) -> None:
    left, right = st.columns(2)
    with left:
        show_chart(charts.loss_chart(ctx.history.loss, ctx.k), key="lesson_loss",
                   alt=explain.loss_chart_alt(ctx))
        st.caption(explain.loss_chart_caption(ctx))
    with right:
        _model(ctx)


def _rates_chart(ctx: ViewContext, rates: tuple[float, ...]) -> lc.Sweep:
    sweep = compute.sweep(ctx.data, rates, ctx.settings.steps, ctx.settings.w0,
                          ctx.settings.b0, ctx.settings.l2)
    names = [f"η = {r:g}" for r in rates]
    frame = charts.curves_frame(dict(zip(names, sweep.loss, strict=True)),
                                {n: v.kind for n, v in zip(names, sweep.verdicts, strict=True)})
    show_chart(charts.curves_chart(frame, "Loss at three learning rates"),
                    key="lesson_rates",
                    alt="; ".join(f"{n}: {v.describe()}"
                                  for n, v in zip(names, sweep.verdicts, strict=True)))
    return sweep


RATES_TRIO = (0.01, 0.5, 2.29)
SEPARABLE_TRIO = (0.1, 1.0, 10.0)


def view_rates(ctx: ViewContext) -> None:
    _rates_chart(ctx, RATES_TRIO)


def view_separable(ctx: ViewContext) -> None:
    _rates_chart(ctx, SEPARABLE_TRIO)


def _lowest_rate(ctx: ViewContext, rates) -> str:
    sweep = compute.sweep(ctx.data, rates, ctx.settings.steps, ctx.settings.w0,
                          ctx.settings.b0, ctx.settings.l2)
    return f"η = {rates[int(np.argmin(sweep.final_loss))]:g}"


def _boundary_between(ctx: ViewContext) -> str:
    w, b = ctx.history.weights[-1, 0], ctx.history.bias[-1]
    x = -b / w
    low = int(np.floor(x))
    return f"between {low} and {low + 1}"


# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------

_TEXTBOOK = {"learning_rate": examples.WORKED_RATE, "steps": 1, "w0": (examples.WORKED_W,),
             "b0": examples.WORKED_B, "inspect": 0}

STEPS: tuple[Step, ...] = (
    Step(
        "Forward pass", _TEXTBOOK,
        lambda c: (f"The model scores each sample with a logit z = w·x + b (here w = "
                   f"{fmt(c.w[0], 4)}, b = {fmt(c.b, 4)}) and turns it into a probability "
                   "p = σ(z) = 1/(1 + e^(−z)). A large positive z gives p near 1, a large "
                   "negative one p near 0."),
        view_forward,
        Question("Which sample gets the p closest to 0.5?",
                 ("x = 1", "x = 2", "x = 3", "x = 4", "x = 5"),
                 lambda c: f"x = {c.data.X[int(np.argmin(abs(c.grad_pass.p - 0.5))), 0]:g}",
                 lambda c: (f"Its logit is the closest to 0 (z = "
                            f"{fmt(c.grad_pass.z[int(np.argmin(abs(c.grad_pass.p - 0.5)))], 3)}"
                            "): that is where the boundary p = 0.5 lies.")),
    ),
    Step(
        "Loss", _TEXTBOOK,
        lambda c: (f"Each sample's loss is −log of the probability the model gives its true "
                   f"label: −log p for label 1, −log(1 − p) for label 0. The loss J is their "
                   f"mean, {fmt(c.grad_pass.loss, 4)} here."),
        view_loss,
        Question("Which sample has the largest loss?",
                 ("x = 1", "x = 2", "x = 3", "x = 4", "x = 5"),
                 lambda c: f"x = {c.data.X[int(np.argmax(c.grad_pass.sample_loss)), 0]:g}",
                 lambda c: (f"Its loss is {fmt(c.grad_pass.sample_loss.max(), 4)}: the model "
                            "is least sure about it.")),
    ),
    Step(
        "Gradient", _TEXTBOOK,
        lambda c: ("The gradient says which way each parameter should move to raise the loss. "
                   "For logistic regression it is the mean of (p − y)·x for a weight and of "
                   "p − y for the bias: positive where the model predicts too high."),
        view_gradient,
        Question("Is dJ/dw positive or negative here?", ("positive", "negative"),
                 lambda c: "positive" if c.grad_pass.dw[0] > 0 else "negative",
                 lambda c: (f"dJ/dw = mean((p − y)·x) = {fmt(c.grad_pass.dw[0], 4)}: the "
                            "samples the model over-predicts weigh more.")),
    ),
    Step(
        "One update", _TEXTBOOK,
        lambda c: (f"The update moves each parameter against its gradient, by the learning "
                   f"rate η = {fmt(c.settings.learning_rate, 4)} times the gradient: "
                   "w ← w − η·dJ/dw and b ← b − η·dJ/db."),
        view_update,
        Question("After this step, will the loss go down or up?", ("down", "up"),
                 lambda c: "down" if c.history.loss[1] < c.history.loss[0] else "up",
                 lambda c: (f"It goes from {fmt(c.history.loss[0], 5)} to "
                            f"{fmt(c.history.loss[1], 5)}.")),
    ),
    Step(
        "Many steps", {"learning_rate": 0.5, "steps": 200, "w0": (0.0,), "b0": 0.0,
                       "inspect": 200},
        lambda c: (f"Repeat the step {c.history.steps_run:,} times from w = b = 0 at η = 0.5: the "
                   f"loss falls from {fmt(c.history.loss[0], 4)} to {fmt(c.history.loss[-1], 4)}"
                   " and the sigmoid sharpens around the gap between the classes. Press play "
                   "under the scrubber to watch it."),
        view_many,
        Question("After 200 steps, where is the boundary p = 0.5?",
                 ("between 2 and 3", "between 3 and 4", "between 4 and 5"),
                 _boundary_between,
                 lambda c: (f"At x = −b/w = "
                            f"{fmt(-c.history.bias[-1] / c.history.weights[-1, 0], 4)}, in the "
                            "gap between the last 0 and the first 1.")),
    ),
    Step(
        "Learning rate: too small, good, too large",
        {"dataset": "wikipedia_students", "learning_rate": 0.5, "steps": 2000,
         "inspect": 2000},
        lambda c: (f"Twenty students: the classes overlap, so there is a best fit (loss "
                   f"{fmt(c.limits.optimum_loss, 4)}). Every rate up to 2/L = "
                   f"{fmt(c.limits.guaranteed, 4)} lowers the loss at every step; above the "
                   f"local limit 2/μ* = {fmt(c.limits.local, 4)} descent cannot settle at the "
                   "best fit."),
        view_rates,
        Question("Which rate ends lowest after 2,000 steps?",
                 tuple(f"η = {r:g}" for r in RATES_TRIO),
                 lambda c: _lowest_rate(c, RATES_TRIO),
                 lambda c: ("0.01 is still crawling, 2.29 is above the local limit and "
                            "bounces in a cycle; 0.5 reaches the best fit.")),
    ),
    Step(
        "Separable data",
        {"dataset": "five_points", "learning_rate": 1.0, "steps": 2000, "inspect": 2000},
        lambda c: ("Back to the 5 points: a line splits them perfectly, so no finite best fit "
                   "exists and there is no local limit. The loss keeps falling as w grows, "
                   "and large rates, after zig-zagging at first, get there fastest."),
        view_separable,
        Question("Which rate ends lowest after 2,000 steps?",
                 tuple(f"η = {r:g}" for r in SEPARABLE_TRIO),
                 lambda c: _lowest_rate(c, SEPARABLE_TRIO),
                 lambda c: "The largest: with no best fit to overshoot, bigger steps just "
                           "travel further down the slope."),
    ),
)



def settings_for(number: int) -> fields.Settings:
    return STEPS[number - 1].settings(number)


def go_to(number: int) -> None:
    """Callback: open lesson step ``number`` (0 leaves the lesson)."""
    if number == 0:
        st.session_state.lesson = 0
        return
    state.load_settings(settings_for(number), keep_view=True)


def render(ctx: ViewContext) -> None:
    number = ctx.settings.lesson
    step = STEPS[number - 1]
    with st.container(border=True):
        nav = st.container(horizontal=True, vertical_alignment="center", gap="small")
        nav.markdown(f"**Lesson, step {number} of {len(STEPS)}: {step.title}**")
        nav.button("Back", key="lesson_back", icon=":material/arrow_back:",
                   disabled=number == 1, on_click=go_to, args=(number - 1,))
        nav.button("Next", key="lesson_next", icon=":material/arrow_forward:", type="primary",
                   disabled=number == len(STEPS), on_click=go_to, args=(number + 1,))
        nav.button("Leave the lesson", key="lesson_leave", on_click=go_to, args=(0,))
        st.markdown(step.text(ctx))
        step.view(ctx)
        question(ctx, step.question, number)


def question(ctx: ViewContext, q: Question, number: int) -> None:
    guess = st.radio(q.text, q.options, index=None, key=f"lesson_guess_{number}",
                     horizontal=True)
    revealed = st.session_state.get("lesson_revealed") == number
    if st.button("Reveal the answer", key=f"lesson_reveal_{number}", disabled=guess is None):
        st.session_state.lesson_revealed = number
        revealed = True
    if revealed:
        answer = q.answer(ctx)
        mark = "✅ Right" if guess == answer else f"❌ Not quite: {answer}"
        st.markdown(f"**{mark}.** {q.why(ctx)}")
    else:
        st.caption("Choose an answer, then reveal it.")
