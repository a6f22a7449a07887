"""A guided lesson in seven parts, from one forward pass to separable data.

Each part loads a whole configuration (so it is also a link: ``?lesson=3``), shows two or
three sentences and one focused view, and asks a question. Everything in it is computed from
the state it shows: its sentences, its options and the right answer (several when they tie,
or when double precision cannot tell them apart: parts 2 and 7), so a learner who moves a
control gets a true page and, for a new state, a new question.
Until the learner answers, nothing on the screen gives the answer away: what would (a column,
a chart, a figure) appears with the reveal. Each part keeps the answers revealed in it, one per
state (`state_key`), for the session: back in a state they answered, the learner finds their
answer and its reveal; in any other, the part asks. A link carries no answer (`ANSWERS`).

Each part keeps its own data set (the sidebar says so, and a link's other data set is not
used while in the lesson) and draws only the controls that change what it shows
(`Part.controls`). tests/app/test_lesson.py walks every part and recomputes every answer
independently; the property test draws settings nobody chose.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import examples
from logreg_core.checks import derivative_signs, logit_rounding, underflowed_gradient
from logreg_core.frames import padded_range
from logreg_core.maths import label_signs

from . import charts, controls, explain, fields, lesson_rates, player, state, tables
from .context import ViewContext
from .display import show_chart, show_table, underflowed_as_text
from .lesson_rates import ALL_OVERFLOW as ALL_OVERFLOW  # the rate questions' last option
from .lesson_rates import RATES_TRIO, SEPARABLE_TRIO
from .text import (
    apart_digits,
    fmt,
    fmt_apart,
    fmt_log10,
    fmt_loss,
    fmt_paren,
    join_and,
    link_number,
    md_escape,
    plural,
)

#: Controls a part may draw: the sidebar's and the run's.
SIDEBAR = ("standardize", "start", "l2", "digits")
ALL = (*SIDEBAR, "learning_rate", "steps", "inspect")


@dataclass(frozen=True)
class Question:
    """A question computed from the page: its text, its options and its right options."""

    text: Callable[[ViewContext], str]
    options: Callable[[ViewContext], tuple[str, ...]]
    answers: Callable[[ViewContext], tuple[str, ...]]
    why: Callable[[ViewContext], str]


@dataclass(frozen=True)
class Part:
    """One part of the lesson.

    Attributes
    ----------
    title : str
    changes : dict
        Settings it loads (its data set among them).
    text : callable (ViewContext) -> str
        Two or three sentences, computed.
    before : callable (ViewContext) -> None
        What is shown while the question is open (nothing that answers it).
    after : callable (ViewContext) -> None
        What is shown once the answer is revealed, in its place.
    question : Question
    controls : tuple of str
        The controls this part draws (see `ALL`): each changes what it shows.
    at_inspected : bool
        Whether its question is about the inspected step (then a new step is a new question).
    asks_next : bool
        Whether its question is about the step after the inspected one (part 4): where the
        inspected step is its run's last, the run's end answers it (`link_step_when`).
    uses_run : bool
        Whether it shows the page's own run, at its rate; parts 6 and 7 show runs at rates of
        their own instead, and their link leaves that run's rate and step out (`link_query`).
    """

    title: str
    changes: dict
    text: Callable[[ViewContext], str]
    before: Callable[[ViewContext], None]
    after: Callable[[ViewContext], None]
    question: Question
    controls: tuple[str, ...]
    at_inspected: bool = True
    asks_next: bool = False
    uses_run: bool = True

    @property
    def dataset(self) -> str:
        return self.changes.get("dataset", "five_points")

    def settings(self, number: int) -> fields.Settings:
        base = fields.defaults(self.dataset)
        changes = {"dataset": self.dataset, "lesson": number, **self.changes}
        changes.setdefault("inspect", 0)
        return fields.with_changes(base, **changes)


# --------------------------------------------------------------------------------------------
# Computed pieces
# --------------------------------------------------------------------------------------------


def _x(ctx: ViewContext) -> np.ndarray:
    return ctx.data.X[:, 0]


def _x_name(ctx: ViewContext) -> str:
    return "x (standardized)" if ctx.data.standardized else "x"


def _samples(ctx: ViewContext) -> tuple[str, ...]:
    return tuple(f"sample {i + 1} (x = {fmt(v, 3)})" for i, v in enumerate(_x(ctx)))


def _ties_text(ctx: ViewContext, indices, to_rounding: bool = False) -> str:
    """The samples named, "(a tie)" after several, "(a tie, to rounding)" where their values
    are not the same double but within the rounding of computing them."""
    names = [f"sample {i + 1}" for i in indices]
    if len(names) == 1:
        return names[0]
    return join_and(names) + (" (a tie, to rounding)" if to_rounding else " (a tie)")


def _largest_loss(ctx: ViewContext) -> np.ndarray:
    """The samples with the largest loss: the largest wrong-side logit u = (1 − 2y)·z, since
    each loss is log(1 + e^u), which grows with u; several where their u are equal to the
    rounding of computing z (`logreg_core.checks.logit_rounding`), each a right answer.

    Decided on u, not on the losses: a tolerance on the losses (1e-12 of the largest, and at
    least 1e-12) made every loss below 1e-12 a tie (a review: at w = 100, b = -340 all five,
    5.9e-105 to 4.2e-18, "a tie"), and losses below 5e-324 all round to 0.
    """
    return _largest_to_rounding(ctx, label_signs(ctx.data.y) * ctx.grad_pass.z)


def _largest_to_rounding(ctx: ViewContext, values: np.ndarray) -> np.ndarray:
    """The samples whose ``values`` (± each logit z, shape (n_samples,)) are the largest, or
    equal to it to the rounding of computing z (`logreg_core.checks.logit_rounding`: two
    within their two bounds of each other), each a right answer."""
    bound = logit_rounding(ctx.data.X, ctx.w, ctx.b)
    top = int(np.argmax(values))
    return np.flatnonzero(values >= values[top] - (bound + bound[top]))


def _sign_word(value: float) -> str:
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


def _gradient_sign(ctx: ViewContext) -> str:
    """The sign of ∂J/∂w at the inspected step, "zero" when it is zero to rounding
    (`logreg_core.gradient_rounding`: at the optimum its sign is left to the order of a sum,
    so no sign is the right answer), the exact sign where its terms underflowed
    (`logreg_core.checks.derivative_signs`)."""
    sign = derivative_signs(ctx.data.X, ctx.data.y, ctx.grad_pass)[0]
    return _sign_word(sign)


def _next_loss(ctx: ViewContext) -> float:
    """The loss after one step from the inspected state (inf if the numbers overflow)."""
    return lc.loss_after_step(ctx.data.X, ctx.data.y, ctx.w, ctx.b, ctx.settings.learning_rate,
                              ctx.settings.l2)


def _boundary_options(ctx: ViewContext) -> tuple[str, ...]:
    xs = np.unique(_x(ctx))
    f = lambda v: fmt(v, 3)  # noqa: E731
    return (f"left of x = {f(xs[0])}",
            *(f"between {f(a)} and {f(b)}" for a, b in itertools.pairwise(xs)),
            f"right of x = {f(xs[-1])}", "nowhere: w = 0")


def _end_boundary(ctx: ViewContext) -> float | None:
    w, b = float(ctx.history.weights[-1, 0]), float(ctx.history.bias[-1])
    return None if w == 0 else -b / w


def _boundary_answers(ctx: ViewContext) -> tuple[str, ...]:
    options, at = _boundary_options(ctx), _end_boundary(ctx)
    xs = np.unique(_x(ctx))
    if at is None:
        return (options[-1],)
    if at < xs[0]:
        return (options[0],)
    if at > xs[-1]:
        return (options[-2],)
    return tuple(options[k + 1] for k, (a, b) in enumerate(itertools.pairwise(xs))
                 if a <= at <= b)


def _overflow_note(ctx: ViewContext) -> str:
    """Why a run has fewer steps than asked for: the numbers overflowed after the last."""
    run, asked = ctx.history.steps_run, ctx.history.steps
    if run >= asked:
        return ""
    return (f" Of the {asked:,} steps asked for, these are the {plural(run, 'step')} before "
            "the numbers overflowed.")


def _start(ctx: ViewContext) -> str:
    """The run's starting point."""
    s = ctx.settings
    return f"w = {fmt(s.w0[0], ctx.digits)}, b = {fmt(s.b0, ctx.digits)}"


def _inspected(ctx: ViewContext) -> str:
    """The parameters the pass shown is computed at."""
    where = f"w = {fmt(ctx.w[0], ctx.digits)}, b = {fmt(ctx.b, ctx.digits)}"
    return where if ctx.k == 0 else f"{where}, after {plural(ctx.k, 'step')}"


# --------------------------------------------------------------------------------------------
# The focused views
# --------------------------------------------------------------------------------------------


#: The lesson's table's product column, its one feature called x: spelt as the step view's.
PRODUCT = tables.error_x_column("x")


def _table(ctx: ViewContext, columns: list[str]) -> None:
    rows = tables.breakdown_table(ctx.data.X, ctx.data.y, ctx.grad_pass, ctx.names)
    # underflowed cells as text while the columns have their own names (a review: renamed,
    # the products read 0 beside "> -5e-324")
    rows, _ = underflowed_as_text(rows, ctx.digits)
    label = tables.feature_labels(ctx.names)[0]
    rows = rows.rename(columns={label: _x_name(ctx), tables.error_x_column(label): PRODUCT})
    show_table(rows[columns], ctx.digits,
               alt=f"Each sample's {', '.join(columns)} at step {ctx.k:,}")


def _model(ctx: ViewContext) -> None:
    show_chart(charts.model_chart_1d(_x(ctx), ctx.data.y, float(ctx.w[0]), ctx.b,
                                     _x_name(ctx)),
               key="lesson_model", alt=explain.model_chart_alt(ctx))
    st.caption(explain.model_chart_caption(ctx))


def _loss(ctx: ViewContext) -> None:
    show_chart(charts.loss_chart(ctx.history.loss, ctx.k, digits=ctx.digits,
                                  write=explain.run_loss_text(ctx)),
               key="lesson_loss",
               alt=explain.loss_chart_alt(ctx))
    st.caption(explain.loss_chart_caption(ctx))


def _nothing(ctx: ViewContext) -> None:
    return None


def _update(ctx: ViewContext) -> None:
    s = ctx.settings
    show_table(tables.update_table(ctx.w, ctx.b, ctx.grad_pass, s.learning_rate, ctx.names,
                                   s.l2), ctx.digits, alt="The update of w and b")


def _rates_question(rates) -> Question:
    """Which of three rates ends lowest from the same start (`lesson_rates`)."""
    return Question(lambda c: (f"From the same start, which rate ends lowest after "
                               f"{plural(lesson_rates.rates_sweep(c, rates)[1], 'step')}?"),
                    lambda c: lesson_rates.rate_options(rates),
                    lambda c: lesson_rates.lowest(c, rates),
                    lambda c: lesson_rates.rates_why(c, rates))


_TEXTBOOK = {"learning_rate": examples.WORKED_RATE, "steps": 1, "w0": (examples.WORKED_W,),
             "b0": examples.WORKED_B, "inspect": 0}


def _closest_to_half(ctx: ViewContext) -> np.ndarray:
    """The samples whose p is closest to 0.5: those whose logit is closest to 0 (σ grows with
    z), decided on z because p rounds to 1 (or 0) for every |z| above 37 and would make them
    all tie; several where their |z| are equal to the rounding of computing z
    (`logreg_core.checks.logit_rounding`), each a right answer.

    A tolerance relative to the smallest |z| (1e-12 of it) called z = −0.4999999999999 and
    0.5000000000001 (w = 1, b = −2.4999999999999) "equally close to 0", though the first is
    closer, to 1,000 times the rounding of either.
    """
    return _largest_to_rounding(ctx, -np.abs(ctx.grad_pass.z))


def _forward_why(ctx: ViewContext) -> str:
    p, z, f = ctx.grad_pass.p, ctx.grad_pass.z, lambda v: fmt(v, ctx.digits)
    best = _closest_to_half(ctx)
    to_rounding = len(set(np.abs(z[best]).tolist())) > 1
    who = _ties_text(ctx, best, to_rounding).capitalize()
    if not np.any(ctx.w != 0):
        return (f"{who}: with w = 0 every logit is b = {f(ctx.b)} (p = {f(p[0])}) whatever "
                "x is, so no sample is closer to 0.5 than another, and there is no boundary.")
    if len(best) == 1:  # with the digits that tell its |z| from the next closest one's,
        # and that one beside it where the page's digits show them alike (z = -0.5 and 0.5 in
        # the table at b = -2.4999999999999: a visual walk)
        i = int(best[0])
        j = min((k for k in range(len(z)) if k != i), key=lambda k: abs(z[k]), default=None)
        digits = ctx.digits if j is None else (
            apart_digits(abs(z[i]), abs(z[j]), ctx.digits) or ctx.digits)
        beside = "" if digits == ctx.digits else f"; sample {j + 1}'s is {fmt(z[j], digits)}"
        return (f"{who}: its logit is the closest to 0 (z = {fmt(z[i], digits)}, p = "
                f"{fmt(p[i], digits)}{beside}), and p = 0.5 exactly where z = 0: that is "
                "where the boundary lies.")
    return (f"{who}: their logits are equally close to 0{', to rounding' if to_rounding else ''}"
            f" (z = {' and '.join(f(z[i]) for i in best)}, p = "
            f"{' and '.join(f(p[i]) for i in best)}), and p = 0.5 exactly where z = 0: that is "
            "where the boundary lies.")


def _loss_why(ctx: ViewContext) -> str:
    losses = ctx.grad_pass.sample_loss
    worst = _largest_loss(ctx)
    i = worst[0]
    label = int(ctx.data.y[i])
    # the label's probability is e^-loss: below the smallest double it would print as 0,
    # whose -log is not the loss shown (a lesson walk: "loss 2000 ... probability 0")
    chance = float(np.exp(-losses[i]))
    said = (fmt(chance, ctx.digits) if chance > 0 else
            f"e^−{fmt(losses[i], ctx.digits)}, too small for double precision")
    if len(worst) == 1:
        given = f"Its label is {label} and the model gives that label probability {said}"
    elif len(set(ctx.data.y[worst])) == 1:
        given = f"Their label is {label} and the model gives it probability {said} for each"
    else:  # a tie of both classes (w = b = 0: every p is 0.5): "its label is 0" was half true
        given = ("Their labels are 0 and 1, and the model gives each sample's own label "
                 f"probability {said}")
    each = "" if len(worst) == 1 else " each"
    z = ctx.grad_pass.z[worst] * label_signs(ctx.data.y[worst])
    who = _ties_text(ctx, worst, to_rounding=len(set(z.tolist())) > 1).capitalize()
    return (f"{who}: loss {fmt_loss(losses[i], ctx.digits)}{each}. "
            f"{given}: the less probable the truth, the larger −log of it.")


def _sign_text(ctx: ViewContext) -> str:
    sign = _gradient_sign(ctx)
    if sign != "zero" and ctx.grad_pass.dw[0] == 0:  # its terms underflowed
        lost = underflowed_gradient(ctx.data.X, ctx.data.y, ctx.grad_pass.z)
        return (f"{sign}: every term (p − y)·x here is below the smallest normal double, so "
                "the computed value is 0, but the exact one is about "
                f"{fmt_log10(lost.sign[0], lost.log10_size[0], ctx.digits)}")
    if sign == "zero" and ctx.grad_pass.dw[0] != 0:
        # (not "at the best fit": ∂J/∂b need not vanish with it, and the 5 points have none)
        return ("zero to rounding (its computed value is within the rounding of its terms, so "
                "the loss is flat along w here)")
    return sign


def _gradient_why(ctx: ViewContext) -> str:
    g, f = ctx.grad_pass, lambda v: fmt(v, ctx.digits)
    if ctx.settings.l2:  # the data's part as the pass computed it (`GradientPass.data_dw`)
        return (f"∂J/∂w = mean((p − y)·x) + λw = {f(g.data_dw[0])} + "
                f"{fmt_paren(g.l2_term[0], ctx.digits)} = "
                f"{f(g.dw[0])}: {_sign_text(ctx)}.")
    return (f"∂J/∂w = mean((p − y)·x) = {f(g.dw[0])}: {_sign_text(ctx)}. Each sample "
            "pulls by its error times its x, so the samples with large x weigh more.")


def _update_answer(ctx: ViewContext) -> tuple[str, ...]:
    """The move of the loss; within the rounding allowed for it (a bound, not the error
    itself) its computed sign is right too: at J = 1400 a change of -3e-12 lies inside the
    9e-12 allowed, yet double precision gets it to 1.5% (a walk, against mpmath), and a
    learner who said "down" was told "Not quite"."""
    new = _next_loss(ctx)
    move = _move(ctx, new)
    if move == "stay the same" and new != ctx.grad_pass.loss:
        return move, _sign_move(ctx, new)
    return (move,)


def _sign_move(ctx: ViewContext, new: float) -> str:
    """"down" or "up", by the computed change's sign alone."""
    return "down" if new < ctx.grad_pass.loss else "up"


def _move(ctx: ViewContext, new: float) -> str:
    """How the loss moves in one step (at the best fit a step changes it by 1e-33, which is
    within `logreg_core.loss_change_rounding`: no move)."""
    old, slack = ctx.grad_pass.loss, lc.loss_change_rounding(ctx.grad_pass)
    return "up" if new > old + slack else "down" if new < old - slack else "stay the same"


def _change(value: float) -> str:
    """A change of the loss to 2 significant digits, and whole up to a million where it is
    larger (488, not 4.9e+02)."""
    size = abs(value)
    return fmt(value, 2 if size < 100 or not math.isfinite(size) else
               min(int(math.log10(size)) + 1, 6))


def _update_why(ctx: ViewContext) -> str:
    new, old = _next_loss(ctx), ctx.grad_pass.loss
    if not math.isfinite(new):
        return (f"It goes from {fmt(old, ctx.digits)} to a loss too large for double "
                "precision: this step overshoots by so much that the numbers overflow.")
    move = _move(ctx, new)
    if move == "stay the same":
        both = ("" if new == old else
                f" \"Stay the same\" and \"{_sign_move(ctx, new)}\", the computed change's "
                "sign, are both right.")
        return (f"It goes from {fmt(old, ctx.digits)} to {fmt(new, ctx.digits)}: the change, "
                f"{_change(new - old)}, is within the rounding allowed for the loss itself "
                f"(about {fmt(lc.loss_change_rounding(ctx.grad_pass), 1)}), so it may be "
                f"rounding.{both}")
    a, b = fmt_apart(old, new, ctx.digits)
    how = ("a step this long overshoots the curvature here" if move == "up" else
           "a step against the gradient lowers the loss when it is short enough for the "
           "curvature, and this one is")
    return f"It goes from {a} to {b} (a change of {_change(new - old)}): {how}."


def _boundary_why(ctx: ViewContext) -> str:
    at = _end_boundary(ctx)
    n = plural(ctx.history.steps_run, "step")
    if at is None:
        return f"After {n} w is 0: p is the same everywhere, so there is no boundary."
    # where −b/w rounds to a sample's x, the options' edge, but is not it: the digits that
    # tell them apart, for w and b too (a walk: "between 3 and 4" was right, and the reason
    # read "w = 1 and b = -3, so p = 0.5 at x = 3", the edge itself)
    xs = np.unique(_x(ctx))
    edge = float(xs[np.argmin(np.abs(xs - at))])
    digits, side = ctx.digits, ""
    # ... and where the options' 3 digits put the edge on the other side of −b/w as written
    # (a walk, standardized: "between -1.41 and -0.707" was right, the reason read "x = −b/w
    # = -1.412", below -1.41; the edge is -√2 = -1.41421)
    if at != edge and ((told := apart_digits(at, edge, digits)) != digits
                       or (at > edge) != (float(fmt(at, digits)) > float(fmt(edge, 3)))):
        digits = told or 17
        apart = apart_digits(at, edge, 3) or 17
        side = f", just {'above' if at > edge else 'below'} {fmt(edge, apart)}"
    # the player's picture spans the samples and a margin, and draws the boundary only
    # inside it (a walk: from w = 0.001, b = 10 it stays at x = -10,000, and the reason said
    # "Press Play to watch it get there")
    low, high = padded_range(_x(ctx))
    watch = ("Press Play to watch it get there." if low <= at <= high else
             f"That point lies outside the player's picture, which spans x from "
             f"{fmt(low, ctx.digits)} to {fmt(high, ctx.digits)}, so it draws no boundary "
             "at the end: press Play to watch the curve p(x) instead.")
    return (f"After {n} w = {fmt(ctx.history.weights[-1, 0], digits)} and b = "
            f"{fmt(ctx.history.bias[-1], digits)}, so p = 0.5 at x = −b/w = "
            f"{fmt(at, digits)}{side}. {watch}")


PARTS: tuple[Part, ...] = (
    Part(
        "Forward pass", _TEXTBOOK,
        lambda c: (f"The model scores each sample with a logit z = w·x + b (here "
                   f"{_inspected(c)}) "
                   "and turns it into a probability p = σ(z) = 1/(1 + e^(−z)). A large "
                   "positive z gives p near 1, a large negative one p near 0."),
        lambda c: _table(c, [_x_name(c), "z"]),
        lambda c: (_table(c, [_x_name(c), "z", "p"]), _model(c)),
        Question(lambda c: "Which sample gets the p closest to 0.5?", _samples,
                 lambda c: tuple(_samples(c)[i] for i in _closest_to_half(c)),
                 _forward_why),
        controls=("standardize", "start", "digits"),
    ),
    Part(
        "Loss", _TEXTBOOK,
        lambda c: ("Each sample's loss is −log of the probability the model gives its true "
                   "label: −log p for label 1, −log(1 − p) for label 0. The loss J is their "
                   "mean" + (", plus the penalty λ/2·w²." if c.settings.l2 else ".")),
        lambda c: _table(c, [_x_name(c), "y", "p"]),
        lambda c: (_table(c, [_x_name(c), "y", "p", "loss"]),
                   st.markdown(f"J = **{fmt_loss(c.grad_pass.loss, c.digits)}**")),
        Question(lambda c: "Which sample has the largest loss?", _samples,
                 lambda c: tuple(_samples(c)[i] for i in _largest_loss(c)),
                 _loss_why),
        controls=SIDEBAR,
    ),
    Part(
        "Gradient", _TEXTBOOK,
        lambda c: ("The gradient says which way each parameter should move to raise the loss. "
                   "For logistic regression ∂J/∂w is the mean of (p − y)·x"
                   + (" plus λw" if c.settings.l2 else "") + ", and ∂J/∂b the mean of p − y: "
                   "positive where the model predicts too high."),
        lambda c: _table(c, [_x_name(c), "y", "p", tables.ERROR]),
        lambda c: _table(c, [_x_name(c), "y", "p", tables.ERROR, PRODUCT]),
        Question(lambda c: f"Is ∂J/∂w at step {c.k:,} positive, negative or zero?",
                 lambda c: ("positive", "negative", "zero"),
                 lambda c: (_gradient_sign(c),), _gradient_why),
        controls=SIDEBAR,
    ),
    Part(
        "One update", _TEXTBOOK,
        lambda c: (f"The update moves each parameter against its gradient, by the learning "
                   f"rate η = {link_number(c.settings.learning_rate)} times the gradient: "
                   "w ← w − η·∂J/∂w and b ← b − η·∂J/∂b."),
        lambda c: _update(c),
        lambda c: _update(c),
        Question(lambda c: (f"After the update at step {c.k:,}, will the loss go down, go up "
                            "or stay the same?"),
                 lambda c: ("down", "up", "stay the same"), _update_answer, _update_why),
        controls=(*SIDEBAR, "learning_rate"), asks_next=True,
    ),
    Part(
        "Many steps", {"learning_rate": 0.5, "steps": 200, "w0": (0.0,), "b0": 0.0,
                       "inspect": 200},
        lambda c: (f"Repeat the step {plural(c.history.steps_run, 'time')} from {_start(c)} at η = "
                   f"{link_number(c.settings.learning_rate)}: the loss goes from "
                   "{} to {}.".format(*explain.first_and_last_loss(c)) + _overflow_note(c)),
        _loss,
        lambda c: player.show(c, key="lesson_player"),
        Question(lambda c: (f"After {plural(c.history.steps_run, 'step')}, where is the "
                            "boundary p = 0.5?"),
                 _boundary_options, _boundary_answers, _boundary_why),
        controls=(*SIDEBAR, "learning_rate", "steps"), at_inspected=False,
    ),
    Part(
        "Learning rate: small, middle, large",
        {"dataset": "wikipedia_students", "learning_rate": 0.5, "steps": 2000,
         "inspect": 2000},
        lambda c: f"{md_escape(c.data.title)}. {lesson_rates.limits_sentence(c)}",
        _nothing,
        lambda c: lesson_rates.rates_chart(c, RATES_TRIO),
        _rates_question(RATES_TRIO),
        controls=(*SIDEBAR, "steps"), at_inspected=False, uses_run=False,
    ),
    Part(
        "Separable data",
        {"dataset": "five_points", "learning_rate": 1.0, "steps": 2000, "inspect": 2000},
        lambda c: f"{md_escape(c.data.title)}, as in part 1. {lesson_rates.limits_sentence(c)}",
        _nothing,
        lambda c: lesson_rates.rates_chart(c, SEPARABLE_TRIO),
        _rates_question(SEPARABLE_TRIO),
        controls=(*SIDEBAR, "steps"), at_inspected=False, uses_run=False,
    ),
)
#: The lesson's parts, by the name the settings know them by (`fields.LESSON_STEPS`).
STEPS = PARTS


def settings_for(number: int) -> fields.Settings:
    return PARTS[number - 1].settings(number)


def go_to(number: int) -> None:
    """Callback: open lesson part ``number`` (0 leaves the lesson)."""
    if number == 0:
        st.session_state.lesson = 0
        return
    state.load_settings(settings_for(number), keep_view=True)


def sidebar_controls(number: int) -> tuple[str, ...]:
    """The sidebar controls part ``number`` draws (0: not in the lesson, every control)."""
    return ALL if number == 0 else PARTS[number - 1].controls


#: The link keys of the page's own run: its rate and the step it inspects (`link_query`).
_RUN_KEYS = (fields.FIELD["learning_rate"].url, fields.FIELD["inspect"].url)


def link_query(query: dict[str, str], number: int) -> dict[str, str]:
    """The address of part ``number`` (``query``: its settings as link parameters), without
    the rate and the inspected step of the page's own run where the part does not show that
    run (`Part.uses_run`): a link without them opens the part's own (`fields.from_query`).
    Written, they answered parts 6 and 7 before the reveal: the rate is part 6's answer at
    its defaults (lr=0.5), and the step, where that hidden run stops, said that a rate of the
    question overflows (?lesson=7&l2=100 wrote step=78: eta = 1 overflows at step 79, the
    others at 164 and 52, and "none: all three overflow" is the answer)."""
    if number and not PARTS[number - 1].uses_run:
        return {k: v for k, v in query.items() if k not in _RUN_KEYS}
    return query


def link_step_when(ctx: ViewContext) -> str:
    """When the page may say that the step a link names lies past its run's end
    (`state.link_step_notice`): "never" in a part that does not show that run, "later" in
    one whose question the run's end answers until the learner has answered it (at
    ?lesson=4&lr=1000&l2=100&steps=100&step=100 "the numbers overflow at step 31" beside
    "After the update at step 30, will the loss go down, go up or stay the same?"), else
    "now"."""
    number = ctx.settings.lesson
    if not number:
        return "now"
    part = PARTS[number - 1]
    if not part.uses_run:
        return "never"
    if part.asks_next and answered(number, state_key(ctx, part)) is None:
        return "later"
    return "now"


def state_key(ctx: ViewContext, part: Part) -> str:
    """Names the state a question is about: a new state is a new question."""
    s = ctx.settings
    parts = [ctx.data.key, s.learning_rate, s.steps, s.w0, s.b0, s.l2]
    if part.at_inspected:
        parts.append(ctx.k)
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def render(ctx: ViewContext) -> None:
    number = ctx.settings.lesson
    part = PARTS[number - 1]
    with st.container(border=True):
        nav = st.container(horizontal=True, vertical_alignment="center", gap="small")
        nav.markdown(f"**Lesson, part {number} of {len(PARTS)}: {part.title}**")
        nav.button("Previous part", key="lesson_back", icon=":material/arrow_back:",
                   disabled=number == 1, on_click=go_to, args=(number - 1,))
        nav.button("Next part", key="lesson_next", icon=":material/arrow_forward:",
                   type="primary", disabled=number == len(PARTS), on_click=go_to,
                   args=(number + 1,))
        nav.button("Leave the lesson", key="lesson_leave", on_click=go_to, args=(0,))
        st.markdown(part.text(ctx))
        row = st.container(horizontal=True)
        if "learning_rate" in part.controls:
            with row:
                controls.learning_rate_slider(st, typed=False)
        if "steps" in part.controls:
            with row:
                controls.steps_slider(st)
        key = state_key(ctx, part)
        revealed = answered(number, key) is not None
        (part.after if revealed else part.before)(ctx)
        if (at := asked_at(ctx, part)) is not None and (note := explain.rounding_note(
                ctx.history.verdict, at, "the question is")):
            st.caption(note)
        question(ctx, part, number, key, revealed)


def asked_at(ctx: ViewContext, part: Part) -> int | None:
    """The step of the page's run a part's question is about: the inspected one, or the
    run's last (part 5's boundary "after 150 steps"); None where it asks of runs of its own
    (parts 6 and 7). Where rounding decides that step's state the page says so: part 5 at
    ?lesson=5&steps=150&l2=0.1&w0=49.25&b0=39&lr=1.06942 marked "between 4 and 5" right
    without a word, where the run in exact arithmetic ends at x = 3.449."""
    if part.at_inspected:
        return ctx.k
    return ctx.history.steps_run if part.uses_run else None


#: Session key of the answers the learner revealed: ``{(part number, state key): guess}``.
#: Session state only: a link carries settings, never answers (`link_query`), so a teacher's
#: link reveals nothing to the students who open it.
ANSWERS = "lesson_answers"


def answered(number: int, key: str) -> str | None:
    """The guess the learner revealed in part ``number`` at the state ``key`` names
    (`state_key`), or None where they have not answered that question."""
    return st.session_state.get(ANSWERS, {}).get((number, key))


def _reveal(number: int, key: str) -> None:
    """Remember the guess revealed, for its part and its state: each part keeps its answers
    while the learner visits others, and a state they come back to shows its answer again;
    a state they have not answered in asks afresh. Only the reveal of a state records it.
    (One answer for the whole lesson, as kept before, was forgotten as soon as another part
    was answered: reveal part 1, reveal part 2, go back, and part 1 asked again.)"""
    guess = st.session_state.get(f"lesson_guess_{number}_{key}")
    if guess is None:  # (the button waits for a choice)
        return
    st.session_state[ANSWERS] = {**st.session_state.get(ANSWERS, {}), (number, key): guess}


def question(ctx: ViewContext, part: Part, number: int, key: str, revealed: bool) -> None:
    """Ask; once revealed, mark the guess against the computed answers and say why."""
    q = part.question
    options = q.options(ctx)
    radio_key = f"lesson_guess_{number}_{key}"
    if revealed and st.session_state.get(radio_key) != (kept := answered(number, key)):
        st.session_state[radio_key] = kept  # the guess revealed, whatever the radio held
    # a choice not yet revealed is kept too while the radio is not drawn (another part)
    guess = st.radio(q.text(ctx), options, index=None, key=radio_key,
                     horizontal=len(options) <= 4, disabled=revealed, persist_state="session")
    if not revealed:
        st.button("Reveal the answer", key=f"lesson_reveal_{number}", disabled=guess is None,
                  on_click=_reveal, args=(number, key))
        st.caption("Choose an answer, then reveal it.")
        return
    answers = q.answers(ctx)
    assert set(answers) <= set(options), (answers, options)  # a programming error otherwise
    if guess in answers:
        st.success(f"**Right.** {q.why(ctx)}", icon=":material/check_circle:")
    else:
        listed = " or ".join(answers)
        st.error(f"**Not quite: {listed}.** {q.why(ctx)}", icon=":material/cancel:")
