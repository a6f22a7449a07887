"""The worked 5-point example: the textbook's step recomputed, and what it gets wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import logreg_core as lc
from logreg_core import examples

from .. import compute, sources, tables
from ..context import ViewContext
from ..display import full_height, show_frame
from ..text import COUNT_FORMAT, fmt, fmt_apart, fmt_printed


def comparison_frame(rows, digits: int) -> pd.DataFrame:
    """The textbook's printed figures as it printed them ("—" where it printed none) beside
    the exact values."""
    return pd.DataFrame([(q, fmt_printed(p), e) for q, p, e, *_ in rows],
                        columns=["quantity", "textbook", "exact"])


def printed_figures_text(report, digits: int) -> str:
    """How each of the textbook's printed figures came about, computed (see
    `examples.worked_figures`)."""
    figures = examples.worked_figures(report)
    rounded = [f for f in figures if f.how == "rounded"]
    parts = [f"Of its {len(figures)} printed figures, {len(rounded)} are the exact values "
             "rounded to the places shown."]
    for f in figures:
        exact = fmt(f.exact, max(digits, f.places + 1))
        if f.how == "cut off":
            parts.append(f"{f.quantity} ({f.printed:g}) is the exact {exact} cut off after "
                         f"{f.places} places: rounded it would be {f.exact:.{f.places}f}.")
        elif f.how == "carried":
            parts.append(f"{f.quantity} ({f.printed:g}) is computed from {f.source}; the exact "
                         f"value is {exact}.")
        elif f.how == "other":
            parts.append(f"{f.quantity} ({f.printed:g}) matches neither the exact {exact} "
                         "rounded nor its own rounded figures.")
    return " ".join(parts)


def render(ctx: ViewContext) -> None:
    report = compute.worked_step()
    digits = ctx.digits
    f = lambda v: fmt(v, digits)  # noqa: E731
    st.markdown(
        f"A classic textbook example works one gradient-descent step by hand on five points, "
        f"x = 1 … 5 with labels 0, 0, 0, 1, 1, from w = {examples.WORKED_W}, "
        f"b = {examples.WORKED_B} at η = {examples.WORKED_RATE}. Left: that step, recomputed. "
        "Right: the same table at your own starting point, to compare number by number.")
    left, right = st.columns(2)
    names = ("x",)
    with left:
        st.markdown(f"**The textbook's start**: w = {examples.WORKED_W}, "
                    f"b = {examples.WORKED_B}, η = {examples.WORKED_RATE}")
        grad = report.grad_pass
        show_frame(tables.breakdown_table(report.X, report.y, grad, names), digits,
                     key="worked_table")
        st.markdown(f"Loss **{f(grad.loss)}**, dw = **{f(grad.dw[0])}**, "
                    f"db = **{f(grad.db)}**; after one step w = **{f(report.new_w)}**, "
                    f"b = **{f(report.new_b)}**.")
    with right:
        if ctx.settings.dataset == "five_points" and not ctx.data.standardized:
            w0, b0 = np.array(ctx.settings.w0), ctx.settings.b0
            mine = lc.loss_and_gradients(report.X, report.y, w0, b0, ctx.settings.l2)
            st.markdown(f"**Your start**: w = {f(w0[0])}, b = {f(b0)}, "
                        f"η = {fmt(ctx.settings.learning_rate, 6)}")
            if sources.changed(ctx.source.key):  # the table is the textbook's data's
                st.caption("On the 5 points as loaded, to compare with the textbook's table: "
                           "you changed the data, and the first screen runs on your data.")
            show_frame(tables.breakdown_table(report.X, report.y, mine, names),
                                digits, key="worked_yours")
            w_new, b_new, _ = lc.step(report.X, report.y, w0, b0, ctx.settings.learning_rate,
                                      ctx.settings.l2)
            st.markdown(f"Loss **{f(mine.loss)}**, dw = **{f(mine.dw[0])}**, "
                        f"db = **{f(mine.db)}**; after one step w = **{f(w_new[0])}**, "
                        f"b = **{f(b_new)}**.")
        else:
            st.info("Choose the 5-point data, unstandardized, to compare with your own start: "
                    "its first screen has a **Load this step** button that loads the "
                    "textbook's.")
    st.markdown("**The textbook's figures beside the exact ones**")
    frame = comparison_frame(report.rows, digits)
    show_frame(frame, digits, key="worked_comparison", hide_index=True,
               height=full_height(frame), column_config={
                   "textbook": st.column_config.TextColumn(alignment="right")})
    st.markdown(printed_figures_text(report, digits))
    default, free = report.sklearn_default, report.unregularized
    st.markdown("**What it gets wrong about scikit-learn**")
    st.markdown(
        f"It says `LogisticRegression().fit(X, y)` gives w ≈ {examples.WORKED_W}, "
        f"b ≈ {examples.WORKED_B}. It does not. scikit-learn's default adds an L2 penalty "
        f"(C = 1, which is λ = 1/(C·n) = {f(1 / len(report.y))} here), and the optimum is "
        f"w = **{f(default.w[0])}**, b = **{f(default.b)}**, with the boundary at "
        f"x = {f(-default.b / default.w[0])} (found here by Newton's method; scikit-learn's "
        "own solver stops when its stopping rule, tol = 1e-4, is met, so its printed digits "
        "can differ from these in the last places).")
    history = compute.worked_long_run()
    lowest_w, lowest_at = examples.lowest_weight(history)
    marks = [m for m in (0, 10, 100, 1_000, 10_000, 20_000) if m <= history.steps_run]
    w, b = history.weights[marks, 0], history.bias[marks]
    long_run = pd.DataFrame({"step": marks, "w": w, "b": b, "loss": history.loss[marks],
                             "boundary -b/w": -b / w})
    st.markdown(
        f"Without the penalty there is no best fit at all: {free.reason}. Plain gradient "
        f"descent from the textbook's start at its own rate η = {examples.WORKED_RATE} shows "
        f"it: w first falls from {examples.WORKED_W} to {f(lowest_w)} (step {lowest_at:,}) "
        "while b adjusts, then grows for as long as the run lasts, and the loss creeps "
        "towards 0.")
    show_frame(long_run, digits, key="worked_long_run", hide_index=True,  # "10,000" as the
               column_config={"step": st.column_config.NumberColumn(format=COUNT_FORMAT)})
    # the boundary to the digits that tell it from 3 (at 2 digits it read "near x = 3 (at
    # x = 3)", a walk)
    boundary = fmt_apart(-examples.WORKED_B / examples.WORKED_W, 3.0, digits)[0]
    st.caption(
        "w = 2.197 and b = −6.593 look chosen rather than fitted: ln 9 = "
        f"{f(np.log(9))}, and b ≈ −3w puts the boundary near x = 3 "
        f"(at x = {boundary}), where p is 0.5, with p "
        f"= {f(lc.sigmoid(examples.WORKED_W * 2 + examples.WORKED_B))} and "
        f"{f(lc.sigmoid(examples.WORKED_W * 4 + examples.WORKED_B))} at x = 2 and 4.")
