"""Predict, then reveal: the signs of the gradient and the next loss, guessed before they show.

With the mode on, the inspected step's questions take the place of its gradient on the first
screen, and until they are answered nothing on the page shows what they ask: the per-sample
errors and their products, the gradient and the update, the loss after the inspected step
(its curve is drawn only up to it), the verdict and the views. A new state (another step,
rate, start or data) is a new question.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
from collections.abc import Callable

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core.checks import (
    NORMAL,
    derivative_signs,
    gradient_exactly_zero,
    gradient_rounding,
    underflowed_gradient,
)

from . import explain, tables
from .context import ViewContext
from .text import (
    fmt,
    fmt_apart,
    fmt_log10,
    fmt_loss,
    label_escape,
    md_escape,
    spacing_words,
)

SIGNS = ("negative", "zero", "positive")
MOVES = ("go down", "stay the same", "go up")


def run_key(ctx: ViewContext) -> str:
    """Names the run the questions are asked along (its states differ only by the step). Not
    its number of steps: step k is the same state in a run of 100 steps as in one of 200, so
    a shorter run after a reveal asks nothing its screen answered (a lesson walk)."""
    s = ctx.settings
    parts = [ctx.data.key, s.learning_rate, s.w0, s.b0, s.l2]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def key(ctx: ViewContext) -> str:
    """Names the state the questions are about (no "_": widget keys end with it)."""
    return hashlib.sha1(f"{run_key(ctx)}:{ctx.k}".encode()).hexdigest()[:10]


def seen_through(session, ctx: ViewContext) -> int:
    """The last step of this run the page has drawn with the mode on (-1: none). Every
    question about an earlier step is answered by what was drawn: the loss curve and the
    model up to that step. Drawn with the mode off is not counted: the mode is the learner's
    choice to be asked, from wherever they turn it on."""
    return session.get("predict_seen", -1) if session.get("predict_run") == run_key(ctx) else -1


def pending(session, ctx: ViewContext) -> bool:
    """Whether a prediction is open: the mode is on, this state is not revealed yet, and no
    later step of the run was drawn (`seen_through`: a question at step 49 beside a curve
    drawn to step 50 was answered before it was asked, a walk)."""
    return (bool(session.get("predict_mode")) and session.get("revealed") != key(ctx)
            and ctx.k >= seen_through(session, ctx))


def horizon(session, ctx: ViewContext, is_pending: bool) -> int | None:
    """The last step the page may draw with the mode on (None with it off: the whole run),
    where a prediction is open or not (``is_pending``, `pending`). An open question at step
    k: up to k. After its reveal: up to k + 1, the answer, and no further: the whole run, the
    verdict and the views answered the next question before it was asked ("Step forward past
    it for the next question" led to a question the curve on screen answered, a walk). A
    step already answered: up to the last step drawn before."""
    if not session.get("predict_mode"):
        return None
    seen = seen_through(session, ctx)
    if is_pending:
        return ctx.k
    if session.get("revealed") == key(ctx):
        return max(seen, ctx.k + 1)
    return seen


def apply(session, ctx: ViewContext) -> ViewContext:
    """The context with its prediction state (`pending`, `horizon`), and what it draws
    remembered (`seen_through`)."""
    is_pending = pending(session, ctx)
    ctx = dataclasses.replace(ctx, pending=is_pending,
                              horizon=horizon(session, ctx, is_pending))
    if ctx.horizon is not None:
        session.predict_seen = max(seen_through(session, ctx), ctx.last_drawn)
        session.predict_run = run_key(ctx)
    return ctx


def show_whole_run(run: str, last: int) -> None:
    """The button's callback: the whole run is drawn from now on, and nothing on it is asked,
    not even about the step after its last: seen "through" ``last + 1``, as a reveal at the
    last step is (the verdict it shows answers that question; a walk found it asked)."""
    st.session_state.predict_run, st.session_state.predict_seen = run, last + 1


def views_wait(ctx: ViewContext) -> bool:
    """In the views' place while they would answer a question: why, and (after a reveal) a
    button that draws the whole run. Whether they wait."""
    if ctx.pending:
        st.info("Reveal your prediction above to open the views: they show the answer.",
                icon=":material/visibility_off:")
        return True
    if not ctx.future_hidden:
        return False
    st.info(f"The views show the whole run, and so answer the questions about the steps "
            f"after step {ctx.last_drawn:,}: step forward for the next question, or show the "
            "whole run (no more questions on this run).", icon=":material/visibility_off:")
    st.button("Show the whole run", key="predict_show_all", on_click=show_whole_run,
              args=(run_key(ctx), ctx.history.steps_run))
    return True


def _asked(ctx: ViewContext) -> dict[str, int]:
    """Each asked partial derivative's name and its index in ``(dw..., db)``."""
    return {**{f"w{j}": j for j in range(min(len(ctx.names), 3))}, "b": ctx.data.n_features}


def truth(ctx: ViewContext) -> dict[str, str]:
    """The right answer of each question, from the core: each derivative's sign, "zero"
    within its rounding (at a best fit the computed gradient is noise of about 1e-16, whose
    sign depends on the order of a sum), the exact sign where its terms underflowed
    (`logreg_core.checks.derivative_signs`)."""
    grad = ctx.grad_pass
    signs = derivative_signs(ctx.data.X, ctx.data.y, grad)
    answers = {name: SIGNS[int(signs[j]) + 1] for name, j in _asked(ctx).items()}
    after, slack = next_loss(ctx), lc.loss_change_rounding(grad)  # rounding is no move
    answers["loss"] = MOVES[int(after > grad.loss + slack) - int(after < grad.loss - slack) + 1]
    return answers


def next_loss(ctx: ViewContext) -> float:
    return lc.loss_after_step(ctx.data.X, ctx.data.y, ctx.w, ctx.b,
                              ctx.settings.learning_rate, ctx.settings.l2)


def _label(ctx: ViewContext, name: str) -> str:
    if name == "b":
        return f"∂J/∂b at step {ctx.k:,} is"
    if name == "loss":
        return "After this step the loss will"
    feature = tables.feature_labels(ctx.names)[int(name[1:])]  # "b (feature)": not the bias
    return f"∂J/∂w for {label_escape(feature, 40)} at step {ctx.k:,} is"


def questions(ctx: ViewContext) -> None:
    """The open questions and the reveal button."""
    state_key = key(ctx)
    guesses = {}
    for name in truth_names(ctx):
        options = MOVES if name == "loss" else SIGNS
        guesses[name] = st.radio(_label(ctx, name), options, index=None, horizontal=True,
                                 key=f"guess_{name}_{state_key}")
    if st.button("Reveal", key=f"reveal_{state_key}", type="primary",
                 disabled=any(g is None for g in guesses.values())):
        session = st.session_state
        session.revealed = state_key
        session.guesses = guesses
        st.rerun()
    st.caption("Make your guesses, then reveal the step.")
    if note := explain.rounding_note(ctx.history.verdict, ctx.k, "these questions are"):
        st.caption(note)


def truth_names(ctx: ViewContext) -> list[str]:
    return [*(f"w{j}" for j in range(min(len(ctx.names), 3))), "b", "loss"]


def step_words(ctx: ViewContext, step: lc.Update, j: int, value: str,
               flat: Callable[[], bool | None]) -> str:
    """Why derivative ``j`` of ``(dw..., db)`` has the sign ``value`` (`truth`), and what the
    step does to its parameter, read from the update itself: it lowers or raises it, or
    leaves it where the change is 0 or at most half the spacing of doubles there (at η = 1000
    on the 5 points, step 7, dw = -3e-44 read "so the step raises it" where w stays 300), and
    a derivative zero to rounding moves it where η times it is larger (the 20 students' best
    fit at η = 1000 read "the step leaves it" where w moved by 4e-14: a review). ``flat``
    says whether the exact gradient here is 0 (`gradient_exactly_zero`, asked once a feedback
    for every derivative that computes as 0)."""
    old, new, change = step.old[j], step.new[j], step.change[j]
    computed, digits = step.gradient[j], ctx.digits
    dropped = (f"{{}}, {fmt(change, 2)}, is at most half the spacing of doubles there "
               f"({spacing_words(old, digits)}), so rounding drops it and the step leaves it")
    if value in ("positive", "negative"):
        would = f"raising that parameter would {'raise' if value == 'positive' else 'lower'} " \
                "the loss"
        if new == old:
            return f"{would}, but " + dropped.format("its change η·g")
        return f"{would}, so the step {'lowers' if new < old else 'raises'} it"
    if computed == 0:  # flat where the exact gradient is 0, as decided in rational arithmetic
        if flat():
            return "the exact gradient here is 0, so the loss is flat in that direction and " \
                   "the step leaves it"
        return "its computed value is exactly 0, so the step leaves it"
    bound = gradient_rounding(ctx.grad_pass)[j]
    noise = (f"its computed value, {fmt(computed, digits)}, is within the rounding of its "
             f"terms ({fmt(bound, 2)}), so the exact value may be 0; ")
    if new == old:
        return noise + dropped.format("η times it")
    before, after = fmt_apart(old, new, digits)
    return noise + f"the step still moves it, by η times that value: from {before} to {after}"


def feedback(ctx: ViewContext) -> None:
    """After the reveal: each guess against the computed answer, and why."""
    if st.session_state.get("revealed") != key(ctx):  # an earlier step, after a later one
        seen = min(seen_through(st.session_state, ctx), ctx.history.steps_run)
        ahead = ("Step forward past it for the next question." if seen < ctx.history.steps_run
                 else "Change the rate, the start or the data for a run to predict.")
        st.caption(f"You have seen step {seen:,} of this run, which answers the questions "
                   f"about this one: no prediction here. {ahead}")
        return
    guesses = st.session_state.get("guesses", {})
    answers, asked = truth(ctx), _asked(ctx)
    computed = np.append(ctx.grad_pass.dw, ctx.grad_pass.db)
    lost = underflowed_gradient(ctx.data.X, ctx.data.y, ctx.grad_pass.z)
    step = lc.gradient_update(ctx.w, ctx.b, ctx.grad_pass, ctx.settings.learning_rate)
    flat = functools.cache(lambda: gradient_exactly_zero(ctx.data.X, ctx.data.y, ctx.w, ctx.b,
                                                         ctx.settings.l2))
    right = sum(guesses.get(name) == value for name, value in answers.items())
    lines = [f"**{right} of {len(answers)} right.**"]
    for name, value in answers.items():
        mark = ":material/check_circle:" if guesses.get(name) == value else ":material/cancel:"
        if name == "loss":
            after = next_loss(ctx)
            before, later = fmt_loss(ctx.grad_pass.loss, ctx.digits), fmt_loss(after, ctx.digits)
            if value != "stay the same" and math.isfinite(after) and ctx.grad_pass.loss and after:
                before, later = fmt_apart(ctx.grad_pass.loss, after, ctx.digits)  # not "0.6931
                # to 0.6931: it will go down" (a lesson walk)
            lines.append(f"{mark} The loss goes from {before} "
                         "to " + ("a number too large for double precision"
                                  if not math.isfinite(after) else later)
                         + f": it will {value}"
                         + (" in double precision (the exact step lowers it, by far less than "
                            "a double can hold)" if value == "stay the same"
                            and ctx.grad_pass.loss < NORMAL
                            and np.any(lost.underflowed & (lost.sign != 0)) else "")
                         + ".")
        else:
            what = "db" if name == "b" else \
                f"dw for {md_escape(tables.feature_labels(ctx.names)[int(name[1:])], 40)}"
            j = asked[name]
            if value != "zero" and abs(computed[j]) < NORMAL and lost.underflowed[j]:
                exact = fmt_log10(lost.sign[j], lost.log10_size[j], ctx.digits)
                effect = ("raising that parameter would "
                          f"{'raise' if value == 'positive' else 'lower'} the loss")
                terms = "p − y" if name == "b" else "(p − y)·x"  # db averages p − y alone
                lines.append(
                    f"{mark} {what} is {value}: every term {terms} here is below the "
                    f"smallest normal double ({fmt(NORMAL, 2)}), " + (
                        f"so its computed value is 0, but the exact one is about {exact}: "
                        f"{effect}, by less than double precision can hold, so the step "
                        "leaves it." if computed[j] == 0 else
                        f"where numbers keep only a few digits: its computed value is "
                        f"{fmt(computed[j], ctx.digits)} and the exact one about {exact}: "
                        f"{effect}."))
                continue
            said = "zero to rounding" if value == "zero" and computed[j] != 0 else value
            lines.append(f"{mark} {what} is {said}: {step_words(ctx, step, j, value, flat)}.")
    st.markdown("  \n".join(lines))
    if note := explain.rounding_note(ctx.history.verdict, ctx.k, "these answers are"):
        st.caption(note)
