"""The first screen: the run's controls, where it is heading, and side by side the loss curve,
the per-sample gradient table of the inspected step and the worked 5-point step."""

from __future__ import annotations

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import examples

from . import charts, compute, controls, explain, predict, state, tables
from .context import ViewContext
from .display import show_chart, show_frame, text_frame
from .text import fmt, fmt_loss, link_number, md_escape

#: Samples shown as a plain text table on the first screen; more go in a scrolling grid.
TEXT_TABLE_ROWS = 10
GRID_ROWS = 100  # rows of the scrolling grid (every row is sent to the browser on each rerun)


def run_controls(names) -> None:
    """Learning rate and steps, in the main area right above the loss curve they change (so
    a phone shows both on one screen, without opening the sidebar)."""
    controls.learning_rate_slider(st)
    controls.steps_slider(st)
    controls.exact_values(st, names)


def headline(ctx: ViewContext) -> None:
    """Where the run is heading, and the two learning-rate limits of this data."""
    if ctx.pending:
        st.caption("Where the run is heading appears once you reveal your prediction.")
        return
    verdict = ctx.history.verdict
    notice = {"converging": st.success, "settling": st.info, "oscillating": st.warning,
              "diverging": st.error}[verdict.kind]
    notice(explain.verdict_text(ctx.history), icon=explain.VERDICT_ICONS[verdict.kind])
    st.caption(explain.limits_text(ctx.limits, ctx.settings.learning_rate, ctx.digits))
    if ctx.steps_cut:
        st.info(explain.budget_text(ctx), icon=":material/speed:")
    if ctx.history.steps_run < ctx.history.steps:
        st.caption(f"Showing the {ctx.history.steps_run:,} steps before the overflow.")


def metrics(ctx: ViewContext) -> None:
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    history, k = ctx.history, ctx.k
    accuracy = float(np.mean(lc.on_label_side(ctx.grad_pass.z, ctx.data.y)))
    row = st.container(horizontal=True, gap="medium")  # wraps onto more rows when narrow
    card = {"width": "content"}
    row.metric("Loss at step 0", f(history.loss[0]), **card)
    g = lambda v: fmt_loss(v, explain.loss_digits(ctx))  # noqa: E731
    if not ctx.pending:  # the last loss tells whether this step lowered it
        row.metric(f"Loss at step {history.steps_run:,}", g(history.loss[-1]),
                   delta=fmt(history.loss[-1] - history.loss[0], explain.loss_digits(ctx)),
                   delta_color="inverse",
                   help=explain.chaos_note(history) if explain.chaotic(history) else None,
                   **card)
    w = ctx.w
    if len(w) <= 2:
        row.metric(f"w at step {k:,}", ", ".join(f(v) for v in w), **card)
    else:
        row.metric(f"‖w‖ at step {k:,}", f(np.linalg.norm(w)), **card)
    row.metric(f"b at step {k:,}", f(ctx.b), **card)
    row.metric(f"Accuracy at step {k:,}", f"{accuracy:.0%}", **card)


def loss_column(ctx: ViewContext) -> None:
    loss = ctx.history.loss
    if ctx.pending:  # only the steps up to the one being predicted
        show_chart(charts.loss_chart(loss[: ctx.k + 1], ctx.k, ctx.settings.log_scale),
                   key="loss_chart", alt=explain.loss_chart_alt(ctx))
        st.caption(f"Drawn up to step {ctx.k:,}: the rest appears once you reveal.")
    else:
        show_chart(charts.loss_chart(loss, ctx.k, ctx.settings.log_scale), key="loss_chart",
                   alt=explain.loss_chart_alt(ctx))
        st.caption(explain.loss_chart_caption(ctx))
    st.toggle("Log scale", key="log_scale", persist_state="session")


def model_chart(ctx: ViewContext) -> None:
    X, y, names = ctx.data.X, ctx.data.y, ctx.names
    suffix = " (standardized)" if ctx.data.standardized else ""
    if X.shape[1] == 1:
        chart = charts.model_chart_1d(X[:, 0], y, float(ctx.w[0]), ctx.b, names[0] + suffix)
    elif X.shape[1] == 2:
        chart = charts.model_chart_2d(X, y, ctx.w, ctx.b, [n + suffix for n in names])
    else:
        chart = charts.probability_chart(ctx.grad_pass.p, y)
    show_chart(chart, key="model_chart", alt=explain.model_chart_alt(ctx))
    st.caption(explain.model_chart_caption(ctx))


def gradient_column(ctx: ViewContext) -> None:
    """The per-sample pass at the inspected step, then the gradient and the update in words."""
    grad, digits, names = ctx.grad_pass, ctx.digits, ctx.names
    st.markdown(f"**Every sample at step {ctx.k:,}**")
    rows = tables.breakdown_table(ctx.data.X, ctx.data.y, grad, names)
    if ctx.pending:  # the forward pass only: the errors would answer the questions
        rows = rows.iloc[:, : min(len(names), 2)].join(rows[["y", "z", "p", "loss"]])
    elif len(names) > 2:  # keep the first screen narrow: the full table is in Step in detail
        rows = rows[["y", "z", "p", "loss", tables.ERROR]]
    if len(rows) <= TEXT_TABLE_ROWS:
        st.table(text_frame(rows, digits), alt=f"The forward and backward pass of every sample at "
                                           f"step {ctx.k:,}")
    else:
        show_frame(rows.head(GRID_ROWS), digits, key="first_breakdown", height=300)
        st.caption(f"The first {min(GRID_ROWS, len(rows)):,} of {len(rows):,} samples (scroll "
                   "the table); the gradient below covers all of them.")
    if ctx.pending:
        predict.questions(ctx)
        return
    if st.session_state.get("predict_mode"):
        predict.feedback(ctx)
    st.markdown("  \n".join(gradient_lines(ctx)))


def gradient_lines(ctx: ViewContext) -> list[str]:
    """The gradient and the update of the inspected step, as chains of equalities: each
    expression equals the next, term by term, to the digits shown (a test evaluates them)."""
    grad, rate, names = ctx.grad_pass, ctx.settings.learning_rate, ctx.names
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    fp = lambda v: f"({f(v)})" if f(v).startswith("-") else f(v)  # noqa: E731
    lines = []
    for j, name in enumerate(names[:3]):
        w_j, x_j = weight_symbol(j, len(names)), feature_symbol(j, len(names))
        label = f"∂J/∂{w_j}" + (f" ({md_escape(name, 30)})" if len(names) > 1 else "")
        if ctx.settings.l2:
            data_part = grad.dw[j] - grad.l2_term[j]
            lines.append(f"{label} = mean((p − y)·{x_j}) + λ{w_j} = {f(data_part)} + "
                         f"{fp(grad.l2_term[j])} = **{f(grad.dw[j])}**")
        else:
            lines.append(f"{label} = mean((p − y)·{x_j}) = **{f(grad.dw[j])}**")
    lines.append(f"∂J/∂b = mean(p − y) = **{f(grad.db)}**")
    for j in range(min(len(names), 3)):
        w_j = weight_symbol(j, len(names))
        lines.append(f"{w_j} ← {w_j} − η·∂J/∂{w_j} = {f(ctx.w[j])} − {link_number(rate)}·"
                     f"{fp(grad.dw[j])} = **{f(ctx.w[j] - rate * grad.dw[j])}**")
    lines.append(f"b ← b − η·∂J/∂b = {f(ctx.b)} − {link_number(rate)}·{fp(grad.db)} = "
                 f"**{f(ctx.b - rate * grad.db)}**")
    if len(names) > 3:
        lines.append(f"… and likewise for the other {len(names) - 3} weights.")
    return lines


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def weight_symbol(j: int, n_features: int) -> str:
    """``w`` for one feature, ``w₁``, ``w₂``, ... for more."""
    return "w" if n_features == 1 else "w" + str(j + 1).translate(_SUBSCRIPTS)


def feature_symbol(j: int, n_features: int) -> str:
    return "x" if n_features == 1 else "x" + str(j + 1).translate(_SUBSCRIPTS)


def worked_column(ctx: ViewContext) -> None:
    """The worked 5-point step as text: the textbook's figures beside the exact ones."""
    report = compute.worked_step()
    st.markdown(f"**Worked example: one step by hand**  \n5 points, w = {examples.WORKED_W}, "
                f"b = {examples.WORKED_B}, η = {examples.WORKED_RATE}; exact to 4 places")
    wanted = {"mean loss J": "loss J", "dw": "dw", "db": "db", "new w": "w′", "new b": "b′"}
    lines = ["| quantity | textbook | exact |", "|---|---:|---:|"]
    for quantity, printed, exact in report.rows:
        if quantity in wanted:  # to the textbook's four decimal places, so digits line up
            shown = "—" if printed is None else f"{printed:g}"
            lines.append(f"| {wanted[quantity]} | {shown} | {exact:.4f} |")
    st.markdown("\n".join(lines))
    off = [f.quantity for f in examples.worked_figures(report) if f.how != "rounded"]
    st.caption(f"{len(off)} of its printed figures are not the exact values rounded "
               f"({', '.join(off)}): the *Worked example* tab says why.")
    st.button("Load this step", key="load_worked", icon=":material/school:",
              on_click=state.load_settings, args=(explain.worked_settings(),),
              help="The 5 points, w = 2.197, b = −6.593, η = 0.1, one step.")


def first_screen(ctx: ViewContext, names) -> None:
    """Side by side: the run (controls, loss curve, verdict), the inspected step's gradient
    table, and the worked 5-point step. On a phone the columns stack in that order."""
    left, middle, right = st.columns([4, 5, 3], gap="medium")
    with left:
        run_controls(names)
        loss_column(ctx)
        headline(ctx)
    with middle:
        inspect_header(ctx.history)
        gradient_column(ctx)
    with right:
        worked_column(ctx)
    st.divider()
    metrics(ctx)
    model_chart(ctx)


def inspect_header(history: lc.History) -> None:
    if history.steps_run > 0:
        controls.inspect_controls(history.steps_run)
    st.toggle("Predict first, then reveal", key="predict_mode", persist_state="session",
              help="Guess the signs of the gradient and whether the loss falls, before the "
                   "page shows them.")


def check_inputs_message(error: lc.LogRegInputError) -> None:
    st.error(md_escape(str(error), 1000), icon=":material/warning:")
