"""The gradient check panel, shared by Step in detail and Why (p − y)x."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from logreg_core.checks import (
    CHECK_ROUNDING,
    CHECK_RTOL,
    NUDGE_LIMIT,
    NUDGE_SAFETY,
    GradientCheck,
)
from logreg_core.maths import STENCIL, STENCIL_DIVISOR

from .. import compute, tables
from ..context import ViewContext
from ..display import show_formulas, show_frame
from ..text import fmt, md_escape

EPS = float(np.finfo(float).eps)
#: The allowance each parameter's difference is held to (`logreg_core.checks.GradientCheck`),
#: its long terms named (G, Δ) on lines of their own: in one line the nudges' term was wider
#: than a phone, a formula that scrolled sideways, out of a keyboard's reach (axe-core).
CRITERION = (r"\begin{aligned} |g - \hat g| \le\; & \underbrace{"
             rf"{CHECK_ROUNDING / EPS:g}\,\epsilon \max(1, |J|)/h}}_{{\text{{rounding}}}} \\ "
             rf"& + \underbrace{{10^{{{round(math.log10(CHECK_RTOL))}}} "
             r"G}_{\text{relative}} \\ & + \underbrace{"
             rf"{NUDGE_SAFETY:g}\,(G + 2hL)\,\Delta / {STENCIL_DIVISOR:g}h}}"
             r"_{\text{nudges' rounding}} \\ G &= \max(|g|, |\hat g|) \\ "
             r"\Delta &= \textstyle\sum_m |c_m|\,|\delta_m| \end{aligned}")


def lost_nudge_text(check: GradientCheck, theta, names) -> str:
    """Why the check is not made where a stored nudge is too far off (`check.resolved` false):
    the parameter whose nudge is furthest off, its size, its own h and by how much."""
    k = int(np.argmax(check.nudge_error))
    name = md_escape(tables.parameter_names(names)[k], 40)  # a user's feature name
    off = float(check.nudge_error[k])
    plus_h = float(check.nudges[list(STENCIL).index(1), k])
    stored = ("cannot be stored: a nudged value overflows" if not np.isfinite(off) else
              f"are stored as steps off by up to {fmt(100 * off, 3)}% of their size"
              + (f" ({name} + h is stored as {name} itself)" if plus_h == 0 else ""))
    return (f"{name} is {fmt(float(theta[k]), 3)}: at that size its nudges (its own step h = "
            f"{fmt(float(check.steps[k]), 2)}, and 2h) {stored}, more than the "
            f"{fmt(100 * NUDGE_LIMIT, 2)}% the check allows: the differences would measure "
            "that rounding along with the slope, so the gradient is not checked here; check "
            "an earlier step.")


def rounded_nudge_text(check: GradientCheck, theta, names) -> str:
    """Where a stored nudge is off by more than the relative part of the allowance: which
    one, and that the nudges' part covers it ("" where none is)."""
    k = int(np.argmax(check.nudge_error))
    if check.nudge_error[k] <= CHECK_RTOL:
        return ""
    name = md_escape(tables.parameter_names(names)[k], 40)  # a user's feature name
    return (f" At these sizes the nudges are not stored exactly: the furthest off, on {name} = "
            f"{fmt(float(theta[k]), 3)} (h = {fmt(float(check.steps[k]), 2)}), by "
            f"{fmt(float(check.nudge_error[k]), 2)} of its size; the nudges' part of the "
            "allowance covers what that rounding does to the difference.")


def gradient_check_panel(ctx: ViewContext) -> None:
    """The analytic gradient against central differences, with the criterion used."""
    heading = ("**Gradient check**: the gradient from (p − y)·x against the slope of the loss "
               "measured by nudging each parameter a little either way (a fourth-order "
               "central difference)")
    check = compute.check_gradient(ctx.data, tuple(ctx.w), ctx.b, ctx.settings.l2)
    theta = np.append(ctx.w, ctx.b)
    if not check.checked:
        st.markdown(heading)
        largest = max(abs(weight) for weight in STENCIL.values())
        st.info(f"At the nudged points the loss, or the difference of losses built from it "
                f"({largest:g} times the loss; here J = {fmt(ctx.grad_pass.loss, 3)}), is too "
                f"large for double precision (at most {fmt(np.finfo(float).max, 2)}), so the "
                "gradient cannot be checked here; check an earlier step."
                if not check.finite else lost_nudge_text(check, theta, ctx.names))
        return
    show_formulas(heading + ", each held to this allowance:", [CRITERION])
    show_frame(tables.gradient_check_table(check, ctx.names), ctx.digits, key="gradient_check",
               exponents_as_text=True,  # its numbers as the formulas above write them
               column_config={c: st.column_config.NumberColumn(format="%.1e")
                              for c in ("difference", "allowed")})
    agree = int(check.passed.sum())
    total = check.passed.size
    worst = float((abs(check.difference) / check.allowed).max())
    weights = ", ".join(fmt(c) for c in STENCIL.values())
    st.caption(
        f"{agree} of {total} parameters agree within that allowance (ε = "
        f"{fmt(EPS, 2)}, h the step of each parameter, δ_m how far its nudge m·h is "
        f"stored off, c_m the stencil's weights {weights}, L = {fmt(check.curvature, 3)} a "
        f"bound on the loss's curvature); the largest difference is {fmt(worst, 2)} × its "
        "allowance." + rounded_nudge_text(check, theta, ctx.names)
        + ("" if agree == total else
           " A disagreement means the formula or the code is wrong at this point.")
    )
