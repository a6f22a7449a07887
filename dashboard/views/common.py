"""The gradient check panel, shared by Step in detail and Why (p − y)x."""

from __future__ import annotations

import numpy as np
import streamlit as st

from logreg_core.maths import STENCIL

from .. import compute, tables
from ..context import ViewContext
from ..display import show_formulas, show_frame
from ..text import fmt

#: The allowance each parameter's difference is held to (`logreg_core.checks`).
CRITERION = (r"\begin{aligned} |g - \hat g| \le\; & \underbrace{100\,\epsilon \max(1, |J|)/h}"
             r"_{\text{rounding}} \\ & + \underbrace{10^{-6} \max(|g|, |\hat g|)}"
             r"_{\text{relative}} \end{aligned}")


def gradient_check_panel(ctx: ViewContext) -> None:
    """The analytic gradient against central differences, with the criterion used."""
    heading = ("**Gradient check**: the gradient from (p − y)·x against the slope of the loss "
               "measured by nudging each parameter a little either way (a fourth-order "
               "central difference)")
    check = compute.check_gradient(ctx.data, tuple(ctx.w), ctx.b, ctx.settings.l2)
    if not check.checked:
        st.markdown(heading)
        largest = max(abs(weight) for weight in STENCIL.values())
        st.info(f"At the nudged points the loss, or the difference of losses built from it "
                f"({largest:g} times the loss; here J = {fmt(ctx.grad_pass.loss, 3)}), is too "
                f"large for double precision (at most {fmt(np.finfo(float).max, 2)}), so the "
                "gradient cannot be checked here; check an earlier step."
                if not check.finite else
                f"The parameters are so large (up to {fmt(max(abs(ctx.b), *np.abs(ctx.w)), 2)}) "
                f"that a nudge of h ≈ {fmt(float(check.steps.min()), 2)} is lost in their "
                "rounding: the differences would measure rounding, not the slope, so the "
                "gradient cannot be checked here; check an earlier step.")
        return
    show_formulas(heading + ", each held to this allowance:", [CRITERION])
    show_frame(tables.gradient_check_table(check, ctx.names), ctx.digits, key="gradient_check",
               column_config={c: st.column_config.NumberColumn(format="%.1e")
                              for c in ("difference", "allowed")})
    agree = int(check.passed.sum())
    total = check.passed.size
    worst = float((abs(check.difference) / check.allowed).max())
    st.caption(
        f"{agree} of {total} parameters agree within that allowance (ε = "
        f"{fmt(2.0 ** -52, 2)}, h the step of each parameter); the largest difference is "
        f"{fmt(worst, 2)} × its allowance."
        + ("" if agree == total else
           " A disagreement means the formula or the code is wrong at this point.")
    )
