"""Predict, then reveal: the signs of the gradient and the next loss, guessed before they show.

With the mode on, the inspected step's questions take the place of its gradient on the first
screen, and until they are answered nothing on the page shows what they ask: the per-sample
errors and their products, the gradient and the update, the loss after the inspected step
(its curve is drawn only up to it), the verdict and the views. A new state (another step,
rate, start or data) is a new question.
"""

from __future__ import annotations

import hashlib
import math

import streamlit as st

import logreg_core as lc

from . import explain
from .context import ViewContext
from .text import fmt, md_escape

SIGNS = ("negative", "zero", "positive")
MOVES = ("go down", "stay the same", "go up")


def run_key(ctx: ViewContext) -> str:
    """Names the run the questions are asked along (its states differ only by the step)."""
    s = ctx.settings
    parts = [ctx.data.key, s.learning_rate, s.w0, s.b0, s.l2, s.steps]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def key(ctx: ViewContext) -> str:
    """Names the state the questions are about (no "_": widget keys end with it)."""
    return hashlib.sha1(f"{run_key(ctx)}:{ctx.k}".encode()).hexdigest()[:10]


def seen_later(session, ctx: ViewContext) -> bool:
    """Whether a later step of this run was revealed: its screen showed the loss curve and
    the model up to it, which answer every question about an earlier step."""
    return (session.get("revealed_run") == run_key(ctx)
            and ctx.k < session.get("revealed_step", -1))


def pending(session, ctx: ViewContext) -> bool:
    """Whether a prediction is open: the mode is on, this state is not revealed yet, and no
    later step of the run was (`seen_later`)."""
    return (bool(session.get("predict_mode")) and session.get("revealed") != key(ctx)
            and not seen_later(session, ctx))


def _sign(value: float, rounding: float) -> str:
    """The sign of a partial derivative, "zero" within its rounding (at a best fit the
    computed gradient is noise of about 1e-16, whose sign depends on the order of a sum)."""
    return SIGNS[int(value > rounding) - int(value < -rounding) + 1]


def _derivatives(ctx: ViewContext) -> dict[str, tuple[float, float]]:
    """Each asked partial derivative with its rounding (`logreg_core.gradient_rounding`)."""
    grad = ctx.grad_pass
    rounding = lc.gradient_rounding(grad)
    shown = {f"w{j}": (float(grad.dw[j]), float(rounding[j]))
             for j in range(min(len(ctx.names), 3))}
    return {**shown, "b": (float(grad.db), float(rounding[-1]))}


def truth(ctx: ViewContext) -> dict[str, str]:
    """The right answer of each question, from the core."""
    grad = ctx.grad_pass
    answers = {name: _sign(*pair) for name, pair in _derivatives(ctx).items()}
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
    return f"∂J/∂w for {md_escape(ctx.names[int(name[1:])], 40)} at step {ctx.k:,} is"


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
        same_run = session.get("revealed_run") == run_key(ctx)
        session.revealed_step = max(ctx.k, session.get("revealed_step", -1) if same_run else -1)
        session.revealed_run = run_key(ctx)
        session.revealed = state_key
        session.guesses = guesses
        st.rerun()
    st.caption("Make your guesses, then reveal the step.")
    if note := explain.rounding_note(ctx.history.verdict, ctx.k, "these questions are"):
        st.caption(note)


def truth_names(ctx: ViewContext) -> list[str]:
    return [*(f"w{j}" for j in range(min(len(ctx.names), 3))), "b", "loss"]


def feedback(ctx: ViewContext) -> None:
    """After the reveal: each guess against the computed answer, and why."""
    if st.session_state.get("revealed") != key(ctx):  # an earlier step, after a later one
        st.caption(f"You have seen step {st.session_state.revealed_step:,} of this run, which "
                   "answers the questions about this one: no prediction here. Step forward "
                   "past it for the next question.")
        return
    guesses = st.session_state.get("guesses", {})
    answers, derivatives = truth(ctx), _derivatives(ctx)
    right = sum(guesses.get(name) == value for name, value in answers.items())
    lines = [f"**{right} of {len(answers)} right.**"]
    for name, value in answers.items():
        mark = ":material/check_circle:" if guesses.get(name) == value else ":material/cancel:"
        if name == "loss":
            after = next_loss(ctx)
            lines.append(f"{mark} The loss goes from {fmt(ctx.grad_pass.loss, ctx.digits)} to "
                         + ("a number too large for double precision" if not math.isfinite(after)
                            else fmt(after, ctx.digits)) + f": it will {value}.")
        else:
            what = "db" if name == "b" else f"dw for {md_escape(ctx.names[int(name[1:])], 40)}"
            if value == "zero" and derivatives[name][0] != 0:
                value = "zero to rounding"
            effect = {"positive": "raising that parameter would raise the loss, so the step "
                                  "lowers it",
                      "negative": "raising that parameter would lower the loss, so the step "
                                  "raises it",
                      "zero": "the loss is flat in that direction here, so the step leaves it",
                      "zero to rounding": "its computed value is within the rounding of its "
                                          "terms, so the loss is flat in that direction here "
                                          "and the step leaves it"}
            lines.append(f"{mark} {what} is {value}: {effect[value]}.")
    st.markdown("  \n".join(lines))
    if note := explain.rounding_note(ctx.history.verdict, ctx.k, "these answers are"):
        st.caption(note)
