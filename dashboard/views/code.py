"""The per-sample loop beside the vectorized code, both as the app runs them."""

from __future__ import annotations

import inspect

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import maths, optimizers, training
from logreg_core.loop import compare_loop

from ..context import ViewContext
from ..display import show_source
from ..text import fmt, percent


def training_loop_source() -> str:
    """The training loop itself (the lines of `training._descend` after its docstring), as it
    stands in the core."""
    source = inspect.getsource(training._descend)
    start = source.index("    thetas = np.empty(")
    return inspect.cleandoc("\n" + source[start:])


def render(ctx: ViewContext) -> None:
    st.markdown(
        "The gradient two ways: one sample at a time in plain Python, and all samples at once "
        "with numpy. Both are the code the app runs, read from the core's source as it is; a "
        "line too long for its block scrolls sideways.")
    # One above the other, each the page's full width: its longest line (94 characters) fits
    # at 1400 px, where half the width cut every docstring and a scroll region a keyboard
    # cannot reach was left in each block (axe-core: scrollable-region-focusable).
    st.markdown("**Loop**: `logreg_core.loop.loop_gradients`")
    show_source(lc.loop_gradients)
    st.markdown("**Vectorized**: the pass every training step runs")
    show_source(maths.LogisticProblem.terms)
    st.markdown("with each sample's loss and σ from one exponential e^−|u|:")
    for formula in (maths.exp_minus_abs, maths.softplus_of, maths.sigmoid_of,
                    maths.l2_penalty):
        show_source(formula)
    st.markdown("and the update of plain gradient descent:")
    show_source(optimizers.GradientDescent.step)
    with st.expander("The training loop that calls them"):
        show_source(training_loop_source())
    with st.expander("sigmoid and the per-sample loss"):
        show_source(lc.sigmoid)
        show_source(maths.sample_losses)
    st.markdown(comparison_text(ctx))


def comparison_text(ctx: ViewContext) -> str:
    """The loop against the vectorized pass at the inspected step, and why they differ
    (`logreg_core.loop.compare_loop` decides which of the two reasons it is)."""
    c = compare_loop(ctx.data.X, ctx.data.y, ctx.w, ctx.b)
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    head = (f"At step {ctx.k:,} (without the L2 term): loop loss {f(c.loop[0])}, vectorized "
            f"{f(c.vectorized[0])}; loop db {f(c.loop[-1])}, vectorized {f(c.vectorized[-1])}. "
            f"Largest difference over loss, dw and db: **{c.difference:.1e}**")
    if c.reordering:
        return (head + " (the two add the same numbers in a different order, so they may "
                "differ in the last bits).")
    relative = "" if not np.isfinite(c.relative) else (
        f", {percent(c.relative)} of the value" if c.relative >= 0.01 else
        f", {fmt(c.relative, 2)} of the value")
    return (head + f"{relative}. That is more than adding the same numbers in another order "
            "can make: the loop writes each sample's loss as log(1 + e^z) − y·z and its error "
            "as p − y, and for a sample of class 1 with a large logit (here z reaches "
            f"{fmt(c.largest_z, 3)}) each is a difference of two nearly equal numbers, "
            "z + log(1 + e^−z) − z and p − 1 with p near 1, which loses digits. The vectorized "
            "pass computes both from e^−|z|, with no such subtraction, and keeps them.")
