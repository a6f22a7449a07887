"""Why the gradient is (p − y)·x: three facts, each checked live at the inspected step."""

from __future__ import annotations

import streamlit as st

from logreg_core.checks import NORMAL, log10_outputs, relative_difference, why_facts

from .. import formulas
from ..context import ViewContext
from ..text import fmt, fmt_log10
from .common import gradient_check_panel


def render(ctx: ViewContext) -> None:
    z, y, x = float(ctx.grad_pass.z[0]), float(ctx.data.y[0]), float(ctx.data.X[0, 0])
    facts = why_facts(z, y, x)
    checks = formulas.why_formulas(facts, ctx.digits)
    st.markdown(f"Three facts make the gradient simple. Each is checked below with numbers "
                f"{'' if len(checks) == 3 else 'where double precision allows, '}at the "
                f"inspected step (step {ctx.k:,}), sample 1 (z = {fmt(z, ctx.digits)}, "
                f"y = {int(y)}).")
    for title, formula, lhs, rhs in checks:
        st.markdown(f"**{title}**")
        st.latex(formula)
        st.caption(f"Computed two ways: {lhs:.{ctx.digits + 2}g} and {rhs:.{ctx.digits + 2}g} "
                   f"(relative difference {relative_difference(lhs, rhs):.1e}).")
    if facts.log_odds is None and min(facts.p, facts.q) >= NORMAL:  # z near 0
        st.caption(f"At this step z = {fmt(z, 2)} is so close to 0 that p = σ(z) holds few "
                   "of its digits (p = 0.5 + z/4, to the last place of 0.5), so the "
                   "log-odds is not checked here; the gradient p − y still can be.")
    elif len(checks) < 3:
        small, value = ("1 − p", facts.q) if z > 0 else ("p", facts.p)
        # a subnormal holds few digits, if any, of the true value: its size from log space
        # (at z = -745.1 p is 2.554e-324, held as 4.9e-324, and this read "p is 5e-324")
        # with digits enough to tell it from the smallest normal double: just below it both
        # read 2.2e-308 (at z = -708.42 the note said "p is 2.2e-308, below 2.2e-308");
        # where log space cannot tell them apart (within 1e-13 of it), "just below" it
        # (only for a subnormal value: a 0 may be p of z = -1e153, a size written 10^(...))
        shown = None
        if value:
            log10_size = float(log10_outputs([-abs(z)], [0])[0][0])
            shown = next(((written, normal) for d in range(2, 17)
                          if float(written := fmt_log10(1.0, log10_size, d))
                          < float(normal := fmt(NORMAL, d))), None)
        size = ("0 to double precision" if value == 0 else
                f"just below {fmt(NORMAL, 2)}, the smallest double that keeps all its digits"
                if shown is None else
                f"{shown[0]}, below {shown[1]}, the smallest double that keeps all its digits")
        lost = ("the log-odds and the loss's 1/p terms cannot be evaluated"
                if checks else "none of these facts can be checked with numbers")
        st.caption(f"At this step {small} is {size}, so {lost}; the gradient p − y still can.")
    st.markdown(
        f"Times ∂z/∂w = x (here x = {fmt(x, ctx.digits)}), the chain rule gives sample 1's "
        "term (p − y)·x. The gradient of J is the mean of these terms over all samples (plus "
        "λw with L2), which is what the tables add up.")
    gradient_check_panel(ctx)
