"""Step in detail: every sample's numbers at the inspected step, the sums, the update, the
same step as formulas, and a gradient check. (Predicting before the reveal happens on the
first screen: see `dashboard.predict`.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from logreg_core import Update, gradient_update
from logreg_core.checks import NORMAL, lost_derivatives

from .. import formulas, overview, tables
from ..context import ViewContext
from ..display import show_formulas, show_frame
from ..text import first_of, fmt, md_escape, spacing_words
from .common import gradient_check_panel

TABLE_ROWS = 50  # rows of the per-sample table shown before "n more rows hidden"


def underflow_caption(lost: np.ndarray, stays: np.ndarray, parameters: list[str]) -> str:
    """Why a derivative reads a tiny number where double precision computed 0 (``lost``:
    their indices among ``parameters``; ``stays``: for each, whether no L2 term moves it)."""
    one = lost.size == 1
    which = first_of([md_escape(parameters[j], 40) for j in lost], 3)
    them = "it" if one else "them"
    text = (f"Exact values from log space for {which}: every term (p − y)·x of "
            f"{'its' if one else 'their'} mean (p − y for b) is below the smallest normal double "
            f"({fmt(NORMAL, 2)}), so double precision computes {them} as 0")
    if stays.all():
        return text + (", and the step leaves that parameter where it is." if one else
                       ", and the step leaves those parameters where they are.")
    if not stays.any():
        return text + f", and only the L2 term λw moves {them}."
    return text + "; where λw is 0 too, the step leaves the parameter where it is."


def absorbed_note(step: Update, parameters: list[str], digits: int) -> str:
    """Where a change is not 0 yet the new value is the old one: the change is at most half
    the spacing of doubles at the old value, and rounding drops it (at η = 1000 on the
    5 points w = 300 takes a change of 3e-41 from step 6 on, and the table read 300 to 300
    with no word why: a walk). "" where every change moved its parameter."""
    absorbed = np.flatnonzero((step.change != 0) & (step.new == step.old))
    if not absorbed.size:
        return ""
    j = int(absorbed[0])
    which = first_of([md_escape(parameters[k], 40) for k in absorbed], 3)
    one = absorbed.size == 1
    return (f"The new value of {which} is the old one: {'its' if one else 'each'} "
            f"change is at most half the spacing of doubles there "
            f"({spacing_words(step.old[j], digits)}{'' if one else ', for the first'}), so "
            "rounding drops it.")


def render(ctx: ViewContext) -> None:
    X, y, names, digits = ctx.data.X, ctx.data.y, ctx.names, ctx.digits
    n = X.shape[0]
    what = ("every sample's logit z, probability p, loss and error p − y, and the error times "
            "each feature. The gradient is the mean of the last columns" +
            (", plus the L2 term λw for each weight." if ctx.settings.l2 else "."))
    if overview.shows_whole_pass(ctx):  # the same rows, once on the page
        st.markdown(f"**The pass at step {ctx.k:,}** is the table “Every sample at step "
                    f"{ctx.k:,}” above: {what}")
    else:
        st.markdown(f"**The pass at step {ctx.k:,}**: {what}")
        rows = tables.breakdown_table(X, y, ctx.grad_pass, names)
        show_frame(rows.head(TABLE_ROWS), digits, key="breakdown_table")
        if n > TABLE_ROWS:
            st.caption(f"First {TABLE_ROWS} of {n:,} samples shown; {n - TABLE_ROWS:,} more "
                       "hidden. The sums and means below cover all rows.")
    lost = lost_derivatives(X, y, ctx.grad_pass)  # once, for both tables and the caption
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Sums and means over all samples**" + (
            " (the means are dw and db)" if not ctx.settings.l2 else
            " (means, then the L2 term, then the gradient)"))
        show_frame(tables.totals_table(ctx.grad_pass, names, ctx.settings.l2), digits,
                   key="totals_table",
                   exact=tables.totals_underflowed(lost, ctx.grad_pass, names, ctx.settings.l2))
    with right:
        st.markdown(f"**The update** at η = {fmt(ctx.settings.learning_rate, 6)}")
        update = tables.update_table(ctx.w, ctx.b, ctx.grad_pass, ctx.settings.learning_rate,
                                     names, ctx.settings.l2)
        show_frame(update, digits, key="update_table",
                   exact=tables.update_underflowed(lost, ctx.grad_pass,
                                                   ctx.settings.learning_rate, ctx.settings.l2))
        which = np.flatnonzero(lost[0])
        if which.size:
            stays = np.append(ctx.grad_pass.l2_term, 0.0)[which] == 0
            st.caption(underflow_caption(which, stays, tables.parameter_names(names)))
        step = gradient_update(ctx.w, ctx.b, ctx.grad_pass, ctx.settings.learning_rate)
        if note := absorbed_note(step, tables.parameter_names(names), digits):
            st.caption(note)
    if ctx.data.standardized and ctx.data.scaler is not None:
        w_orig, b_orig = ctx.data.scaler.to_original_units(ctx.w, ctx.b)
        original = np.append(w_orig, b_orig)
        units = pd.DataFrame(
            {"standardized": np.append(ctx.w, ctx.b), "original units": original},
            index=pd.Index(tables.parameter_names(names), name="parameter"))
        st.markdown("**The same model in the features' original units** (w / scale, and b "
                    "minus the sum of w × mean / scale)")
        text = {}
        if not np.all(np.isfinite(original)):  # a spread of 1e-310: w / scale overflows
            text = {"original units": st.column_config.TextColumn(alignment="right")}
            units["original units"] = [fmt(v, digits) if np.isfinite(v) else "overflows"
                                       for v in original]
            st.caption("Overflows: a weight divided by its feature's spread (as small as "
                       f"{fmt(float(np.min(ctx.data.scaler.scale)), 4)}) is beyond "
                       f"{fmt(float(np.finfo(float).max), 2)}, the largest double.")
        show_frame(units, digits, key="original_units", column_config=text)
    # The formulas and the gradient check are drawn only while their expander is open: typeset
    # by KaTeX, the formulas alone took about 0.3 s of a fresh page's 2.4 s in Chromium on
    # breast cancer (python -m bench --only browser), on the default page too, for a part of
    # the page below the first screen's fold.
    box = st.expander("The same step as formulas, numbers filled in", key="step_formulas_open",
                      on_change="rerun", icon=":material/function:")
    if box.open:
        show_formulas("", formulas.step_formulas(X, y, ctx.w, ctx.b, ctx.grad_pass,
                                                 ctx.settings.learning_rate,
                                                 l2=ctx.settings.l2, digits=digits), where=box)
    box = st.expander("Gradient check: (p − y)·x against the loss's measured slope",
                      key="gradient_check_open", on_change="rerun", icon=":material/rule:")
    if box.open:
        with box:
            gradient_check_panel(ctx)
