"""One student with two features: the textbook's single step, and where its rounding goes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from logreg_core import examples

from .. import compute
from ..context import ViewContext
from ..display import show_frame
from ..text import fmt, fmt_printed, tex_number


def render(ctx: ViewContext) -> None:
    report = compute.student_step()
    digits = ctx.digits
    t = lambda v: tex_number(v, digits)  # noqa: E731
    grad = report.grad_pass
    x1, x2 = examples.STUDENT_X
    (w1, w2), b, rate = examples.STUDENT_W, examples.STUDENT_B, examples.STUDENT_RATE
    st.markdown(
        f"One student studied {x1:g} hours, slept {x2:g} hours and passed (y = 1). A classic "
        f"illustration starts the model at w = ({w1:g}, {w2:g}), b = {b:g} and takes one step "
        f"at η = {rate:g}.")
    st.markdown("**1. Forward pass**")
    # each formula an aligned block of short lines, as in "Take a step apart": on one line
    # the forward pass and the update were 450 and 540 px wide, past a phone's 358
    st.latex(rf"\begin{{aligned}} z &= w_1 x_1 + w_2 x_2 + b \\ &= {w1:g} \cdot {x1:g} + "
             rf"({w2:g}) \cdot {x2:g} + {b:g} \\ &= {t(grad.z[0])} \end{{aligned}}")
    st.latex(rf"p = \sigma(z) = \frac{{1}}{{1 + e^{{{t(-grad.z[0])}}}}} = {t(grad.p[0])}")
    st.markdown("**2. Loss** (y = 1, so only −log p remains)")
    st.latex(rf"\ell = -\log p = {t(grad.loss)}")
    st.markdown("**3. Error and gradients**")
    st.latex(rf"p - y = {t(grad.error[0])}")
    st.latex(rf"\frac{{\partial \ell}}{{\partial w_1}} = (p - y)\,x_1 = {t(grad.dw[0])}")
    st.latex(rf"\frac{{\partial \ell}}{{\partial w_2}} = (p - y)\,x_2 = {t(grad.dw[1])}")
    st.latex(rf"\frac{{\partial \ell}}{{\partial b}} = p - y = {t(grad.db)}")
    st.markdown("**4. Update**")
    st.latex(rf"\begin{{aligned}} w_1 &\leftarrow {t(report.new_w[0])} \\ w_2 &\leftarrow "
             rf"{t(report.new_w[1])} \\ b &\leftarrow {t(report.new_b)} \end{{aligned}}")
    frame = pd.DataFrame(report.rows, columns=["quantity", "textbook", "exact",
                                               "with p − y rounded to -0.67 first"])
    # as the textbook printed each figure, "—" where it printed none (the grid wrote "None")
    frame["textbook"] = [fmt_printed(row[1]) for row in report.rows]
    show_frame(frame, digits, key="student_comparison", hide_index=True,
               column_config={"textbook": st.column_config.TextColumn(alignment="right")})
    e = examples.STUDENT_ROUNDED_ERROR
    st.markdown(
        f"It prints {examples.STUDENT_PRINTED['new w1']} and "
        f"{examples.STUDENT_PRINTED['new w2']} for the new weights; exactly they are "
        f"{fmt(report.new_w[0], 4)} and {fmt(report.new_w[1], 4)}. It rounds the error p − y "
        f"to {e} before multiplying by the features: {e} · {x1:g} = {fmt(e * x1, 4)} and "
        f"{e} · {x2:g} = {fmt(e * x2, 4)} instead of {fmt(grad.dw[0], 5)} and "
        f"{fmt(grad.dw[1], 5)}. Each gradient is off by {fmt(report.rounding_error, 3)} times "
        "its feature, so the larger feature takes the larger error. The last column redoes "
        "the step with that rounding and lands on its figures. It also computes the bias "
        f"gradient but never updates b; the step moves it to {fmt(report.new_b, 4)}.")
