"""The per-sample loop beside the vectorized code, both as the app runs them."""

from __future__ import annotations

import inspect

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import maths, optimizers, training

from ..context import ViewContext
from ..text import fmt


def training_loop_source() -> str:
    """The training loop itself (the lines of `training._descend` after its docstring), as it
    stands in the core."""
    source = inspect.getsource(training._descend)
    start = source.index("    thetas = np.empty(")
    return inspect.cleandoc("\n" + source[start:])


def render(ctx: ViewContext) -> None:
    st.markdown(
        "The gradient two ways: one sample at a time in plain Python, and all samples at once "
        "with numpy. Both are the code the app runs, read from the core's source as it is.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Loop**: `logreg_core.loop.loop_gradients`")
        st.code(inspect.getsource(lc.loop_gradients), language="python", wrap_lines=True)
    with right:
        st.markdown("**Vectorized**: the pass every training step runs")
        st.code(inspect.getsource(maths.LogisticProblem.terms), language="python",
                wrap_lines=True)
        st.markdown("with each sample's loss and σ from one exponential e^−|u|:")
        for formula in (maths.exp_minus_abs, maths.softplus_of, maths.sigmoid_of,
                        maths.l2_penalty):
            st.code(inspect.getsource(formula), language="python", wrap_lines=True)
        st.markdown("and the update of plain gradient descent:")
        st.code(inspect.getsource(optimizers.GradientDescent.step), language="python",
                wrap_lines=True)
        with st.expander("The training loop that calls them"):
            st.code(training_loop_source(), language="python", wrap_lines=True)
        with st.expander("sigmoid and the per-sample loss"):
            st.code(inspect.getsource(lc.sigmoid), language="python", wrap_lines=True)
            st.code(inspect.getsource(maths.sample_losses), language="python", wrap_lines=True)
    X, y = ctx.data.X, ctx.data.y
    loss, dw, db = lc.loop_gradients(X, y, ctx.w, ctx.b)
    plain = lc.loss_and_gradients(X, y, ctx.w, ctx.b)
    diff = max(abs(loss - plain.loss), *np.abs(np.asarray(dw) - plain.dw), abs(db - plain.db))
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    st.markdown(
        f"At step {ctx.k:,} (without the L2 term): loop loss {f(loss)}, vectorized "
        f"{f(plain.loss)}; loop db {f(db)}, vectorized {f(plain.db)}. Largest difference over "
        f"loss, dw and db: **{diff:.1e}** (the two add the same numbers in a different order, "
        "so they may differ in the last bits).")
