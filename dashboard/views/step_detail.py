"""Step in detail: every sample's numbers at the inspected step, the sums, the update, the
same step as formulas, and a gradient check, with the option to predict before revealing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import logreg_core as lc

from .. import formulas, tables
from ..context import ViewContext
from ..display import show_frame
from ..text import fmt, md_escape
from .common import gradient_check_panel

TABLE_ROWS = 50  # rows of the per-sample table shown before "n more rows hidden"


def render(ctx: ViewContext) -> None:
    if not predict_first(ctx):
        return
    X, y, names, digits = ctx.data.X, ctx.data.y, ctx.names, ctx.digits
    n = X.shape[0]
    st.markdown(f"**The pass at step {ctx.k:,}**: every sample's logit z, probability p, loss "
                "and error p − y, and the error times each feature. The gradient is the mean "
                "of the last columns" + (", plus the L2 term λw for each weight." if
                                         ctx.settings.l2 else "."))
    rows = tables.breakdown_table(X, y, ctx.grad_pass, names)
    show_frame(rows.head(TABLE_ROWS), digits, key="breakdown_table")
    if n > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS} of {n:,} samples shown; {n - TABLE_ROWS:,} more hidden. "
                   "The sums and means below cover all rows.")
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Sums and means over all samples**" + (
            " (the means are dw and db)" if not ctx.settings.l2 else
            " (means, then the L2 term, then the gradient)"))
        show_frame(tables.totals_table(ctx.grad_pass, names, ctx.settings.l2),
                            digits, key="totals_table")
    with right:
        st.markdown(f"**The update** at η = {fmt(ctx.settings.learning_rate, 6)}")
        update = tables.update_table(ctx.w, ctx.b, ctx.grad_pass, ctx.settings.learning_rate,
                                     names, ctx.settings.l2)
        show_frame(update, digits, key="update_table")
    if ctx.data.standardized and ctx.data.scaler is not None:
        w_orig, b_orig = ctx.data.scaler.to_original_units(ctx.w, ctx.b)
        units = pd.DataFrame(
            {"standardized": np.append(ctx.w, ctx.b), "original units": np.append(w_orig, b_orig)},
            index=pd.Index(tables.parameter_names(names), name="parameter"))
        st.markdown("**The same model in the features' original units** (w / scale, and b "
                    "minus the sum of w × mean / scale)")
        show_frame(units, digits, key="original_units")
    st.markdown("**The same step as formulas**, numbers filled in")
    for line in formulas.step_formulas(X, ctx.w, ctx.b, ctx.grad_pass,
                                       ctx.settings.learning_rate, l2=ctx.settings.l2,
                                       digits=digits):
        st.latex(line)
    gradient_check_panel(ctx)


def predict_first(ctx: ViewContext) -> bool:
    """Ask for the signs of the gradient and the loss change before showing the step.

    Returns True once the learner has revealed this step (or does not want to predict).
    """
    state = st.session_state
    k = ctx.k
    if not st.toggle("Predict first, then reveal", key="predict_mode",
                     persist_state="session",
                     help="Guess the signs before the numbers are shown."):
        return True
    names = ctx.names
    shown = range(min(len(names), 3))
    signs = ["negative", "positive"]
    guesses = {}
    questions = st.container(horizontal=True, gap="medium")
    for j in shown:
        guesses[f"w{j}"] = questions.radio(
            f"dJ/dw for {md_escape(names[j], 40)} at step {k:,} is", signs, index=None,
            key=f"guess_dw{j}_{k}")
    guesses["b"] = questions.radio(f"dJ/db at step {k:,} is", signs, index=None,
                                   key=f"guess_db_{k}")
    guesses["loss"] = questions.radio("After this step the loss will", ["go down", "go up"],
                                      index=None, key=f"guess_loss_{k}")
    if not st.button("Reveal", key=f"reveal_{k}", type="primary") and state.get("revealed") != k:
        st.caption("Make your guesses, then reveal the step.")
        return False
    state.revealed = k
    grad = ctx.grad_pass
    w_new, b_new, _ = lc.step(ctx.data.X, ctx.data.y, ctx.w, ctx.b,
                              ctx.settings.learning_rate, ctx.settings.l2)
    new_loss = lc.mean_loss(ctx.data.X, ctx.data.y, w_new, b_new, ctx.settings.l2)
    truth = {f"w{j}": signs[int(grad.dw[j] > 0)] for j in shown}
    truth["b"] = signs[int(grad.db > 0)]
    truth["loss"] = "go up" if new_loss > grad.loss else "go down"
    right = sum(guesses[key] == value for key, value in truth.items())
    lines = [f"**{right} of {len(truth)} right.**"]
    for key, value in truth.items():
        mark = "✅" if guesses[key] == value else "❌"
        if key == "loss":
            lines.append(
                f"{mark} The loss goes from {fmt(grad.loss, ctx.digits)} to "
                f"{fmt(new_loss, ctx.digits)}: it will {value}. "
                + ("This step is too long for the curvature here: it overshoots." if
                   value == "go up" else
                   "A step against the gradient lowers the loss when it is short enough for "
                   "the curvature; this one is."))
        else:
            name = "db" if key == "b" else f"dw for {md_escape(names[int(key[1:])], 40)}"
            lines.append(
                f"{mark} {name} is {value}: raising that parameter would "
                f"{'raise' if value == 'positive' else 'lower'} the loss, so the step "
                f"{'lowers' if value == 'positive' else 'raises'} it.")
    st.markdown("\n\n".join(lines))
    return True
