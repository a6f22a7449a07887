"""The first screen, read in one pass: the rate and steps, the model picture and the loss curve
moving together (`player`), where the run is heading, the inspected step's per-sample table
and gradient, and, beside them, the worked 5-point step (or what other data needs: on two
features, adding and removing samples). On a phone the blocks stack in that order."""

from __future__ import annotations

import numpy as np
import streamlit as st

import logreg_core as lc
from logreg_core import examples
from logreg_core.checks import change_digits, lost_derivatives

from . import compute, controls, explain, player, predict, sources, state, tables
from .context import ViewContext
from .display import full_height, show_frame, show_table, text_width
from .text import (
    fmt,
    fmt_log10,
    fmt_loss,
    fmt_paren,
    fmt_printed,
    link_number,
    md_escape,
    other_weights,
    percent,
    plural,
)

#: Samples shown as a plain text table on the first screen; more go in a scrolling grid.
TEXT_TABLE_ROWS = 10
GRID_ROWS = 100  # rows of the scrolling grid (every row is sent to the browser on each rerun)
#: Pixels the middle column gives its table on a 1400 px wide screen with the sidebar open: a
#: static table wider than this (`display.text_width`) is shown as a grid instead.
MIDDLE_WIDTH = 353


def run_controls(names) -> None:
    """Learning rate and steps side by side, right above the picture they change (so a phone
    shows them with it, without opening the sidebar), and the exact-values form."""
    row = st.container(horizontal=True, gap="small")
    with row:
        controls.learning_rate_slider(st)
        controls.steps_slider(st)
    controls.exact_values(st, names)


NOTICES = {"converging": st.success, "settling": st.info, "oscillating": st.warning,
           "diverging": st.error}


def headline(ctx: ViewContext) -> None:
    """Where the run is heading in one sentence; what was measured and the limits behind it
    in a popover beside it."""
    if ctx.future_hidden:
        st.caption("Where the run is heading appears once you reveal your prediction."
                   if ctx.pending else "Where the run is heading appears with the whole run "
                   "(the button in the views' place).")
        return
    verdict = ctx.history.verdict
    shown = verdict.measured if verdict.not_yet else verdict.kind  # its look: what it does now
    NOTICES[shown](explain.verdict_headline(ctx.history), icon=explain.VERDICT_ICONS[shown])
    # Drawn only while open (a rerun opens it): every element costs each first load.
    box = st.popover("What was measured", icon=":material/info:", key="measured_open",
                     on_change="rerun")
    if box.open:
        box.markdown(explain.verdict_text(ctx.history))
        box.caption(explain.limits_text(ctx.limits, ctx.settings.learning_rate, ctx.digits))
    if ctx.steps_cut:
        st.info(explain.budget_text(ctx), icon=":material/speed:")
    if ctx.history.steps_run < ctx.history.steps:
        st.caption(f"Showing the {plural(ctx.history.steps_run, 'step')} before the overflow.")


def metrics(ctx: ViewContext) -> None:
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    history, k = ctx.history, ctx.k
    accuracy = lc.accuracy(ctx.grad_pass.z, ctx.data.y)
    row = st.container(horizontal=True, gap="medium")  # wraps onto more rows when narrow
    card = {"width": "content"}
    # a loss that underflowed is "< 5e-324", never 0 (a walk: step 0 read 0 beside the last
    # step's "< 5e-324" on the one student from a far start, the same loss)
    row.metric("Loss at step 0", fmt_loss(history.loss[0], ctx.digits), **card)
    g = lambda v: fmt_loss(v, explain.loss_digits(ctx))  # noqa: E731
    if not ctx.future_hidden:  # the last loss tells whether this step lowered it
        first, last = float(history.loss[0]), float(history.loss[-1])
        # the change to the digits it holds: none where it is within the losses' rounding
        certain = change_digits(first, last, ctx.data.n_samples)
        certain = min(max(1, explain.loss_digits(ctx)), certain)  # a chaotic run: 1 digit
        # never moved from a start where the exact gradient is 0 (`Verdict.gradient_zero`):
        # the change is 0 in exact arithmetic too, as the verdict beside it says (an upload
        # of x = 1 1 2 2 3 3, labels 0 1 0 1 0 1, read "0 to rounding": a walk)
        exact = (history.verdict.stopped_moving_at == 0
                 and history.verdict.gradient_zero == "exact")
        row.metric(f"Loss at step {history.steps_run:,}", g(last),
                   delta=fmt(last - first, certain) if certain else
                   "0 exactly" if exact else "0 to rounding",
                   delta_color="inverse" if certain else "off",
                   delta_arrow="auto" if certain else "off",
                   help=explain.digits_note(history, ctx.digits) or None,
                   **card)
    w = ctx.w
    if len(w) <= 2:
        row.metric(f"w at step {k:,}", ", ".join(f(v) for v in w), **card)
    else:
        row.metric(f"‖w‖ at step {k:,}", f(np.linalg.norm(w)), **card)
    row.metric(f"b at step {k:,}", f(ctx.b), **card)
    row.metric(f"Accuracy at step {k:,}", percent(accuracy), **card)


def picture_column(ctx: ViewContext) -> None:
    """The model and the loss curve, one player; one caption each, computed."""
    axes = player.show(ctx, editable=ctx.data.n_features == 2)
    if ctx.future_hidden:
        st.caption(f"Drawn up to step {ctx.last_drawn:,}: the rest appears once you reveal."
                   if ctx.pending else f"Drawn up to step {ctx.last_drawn:,}: the later steps "
                   "appear as you step forward and predict them, or all at once with the "
                   "button in the views' place.")
    else:
        st.caption(explain.loss_chart_caption(ctx, log=bool(ctx.settings.log_scale)))
    st.caption(explain.model_chart_caption(ctx, axes))
    st.toggle("Loss on a log scale", key="log_scale", persist_state="session")


def shows_whole_pass(ctx: ViewContext) -> bool:
    """Whether the first screen's table holds every row and every column of the pass at the
    inspected step (few samples, at most two features, no prediction open)."""
    return (not ctx.pending and ctx.data.n_samples <= TEXT_TABLE_ROWS
            and ctx.data.n_features <= 2)


def gradient_column(ctx: ViewContext) -> None:
    """The per-sample pass at the inspected step, then the gradient and the update in words."""
    grad, digits, names = ctx.grad_pass, ctx.digits, ctx.names
    head = st.container(horizontal=True, vertical_alignment="center")
    head.markdown(f"**Every sample at step {ctx.k:,}**")
    head.toggle("Predict first", key="predict_mode", persist_state="session",
                help="Guess the signs of the gradient and whether the loss falls, before the "
                     "page shows them.")
    rows = tables.breakdown_table(ctx.data.X, ctx.data.y, grad, names)
    if ctx.pending:  # the forward pass only: the errors would answer the questions
        rows = rows.iloc[:, : min(len(names), 2)].join(rows[["y", "z", "p", "loss"]])
    elif len(names) > 2:  # keep the first screen narrow: the full table is in Step in detail
        rows = rows[["y", "z", "p", "loss", tables.ERROR]]
    # A static table where it fits the middle column, else a grid, where the columns the
    # gradient averages come first: many rows, more columns than the column holds side by
    # side, or numbers too long for it (a static table that scrolls sideways is a scroll
    # region a keyboard cannot reach, axe-core's scrollable-region-focusable; a grid is not).
    grid = (len(rows) > TEXT_TABLE_ROWS or len(names) > 1
            or text_width(rows, digits) > MIDDLE_WIDTH)
    if grid and not ctx.pending:
        rows = tables.gradient_first(rows, names)
    if not grid:
        show_table(rows, digits,
                   alt=f"The forward and backward pass of every sample at step {ctx.k:,}")
    else:
        shown = rows.head(GRID_ROWS)
        show_frame(shown, digits, key="first_breakdown", labels=short_labels(names),
                   height=full_height(shown) if len(shown) <= TEXT_TABLE_ROWS else 300)
        st.caption(grid_caption(ctx, len(rows)))
    if ctx.pending:
        predict.questions(ctx)
        return
    if st.session_state.get("predict_mode"):
        predict.feedback(ctx)  # which says where rounding decides the state
    st.markdown("  \n".join(gradient_lines(ctx)))
    if not st.session_state.get("predict_mode") and (note := explain.rounding_note(
            ctx.history.verdict, ctx.k, "these numbers are")):
        st.caption(note)


def short_labels(names) -> dict[str, str]:
    """Headers of the first screen's grid for the columns the gradient averages, short
    enough for them to fit its column side by side: "(p − y)·x₁" for
    "(p − y)·petal_length_cm" (the gradient's lines below say which feature x₁ is)."""
    labels = {tables.ERROR: "p − y"}
    labels.update({tables.error_x_column(label): f"(p − y)·{feature_symbol(j, len(names))}"
                   for j, label in enumerate(tables.feature_labels(names))})
    return labels


def grid_caption(ctx: ViewContext, n_rows: int) -> str:
    """What the first screen's grid holds: its rows, and where its columns are."""
    if n_rows <= TEXT_TABLE_ROWS:
        rows = ""
    elif n_rows <= GRID_ROWS:
        rows = (f"All {n_rows:,} samples (scroll the table down); the gradient below covers "
                "all of them. ")
    else:
        rows = (f"The first {GRID_ROWS:,} of {n_rows:,} samples (scroll the table down); the "
                "gradient below covers all of them. ")
    n = ctx.data.n_features
    if ctx.pending:
        columns = {1: "The feature", 2: "The features"}.get(n, "Two of the features")
        columns += ", y, z, p and the loss"
        return rows + f"{columns}, left to right: scroll sideways where they do not fit."
    if n <= 2:
        products = "(p − y)·x" if n == 1 else "(p − y)·x₁, (p − y)·x₂"
        return rows + (f"First p − y and {products}, which the gradient below averages; then "
                       f"the feature{'s' if n > 1 else ''}, y, z, p and the loss (scroll sideways "
                       "where they do not fit).")
    return rows + ("First p − y, which ∂J/∂b averages; then y, z, p and the loss (scroll "
                   "sideways where they do not fit). Each feature's (p − y)·x is under "
                   "*Take a step apart*.")


def gradient_lines(ctx: ViewContext) -> list[str]:
    """The gradient and the update of the inspected step, as chains of equalities: each
    expression equals the next, term by term, to the digits shown (a test evaluates them)."""
    grad, rate, names = ctx.grad_pass, ctx.settings.learning_rate, ctx.names
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    fp = lambda v: fmt_paren(v, ctx.digits)  # noqa: E731
    # a derivative whose every term underflowed is computed as 0: its exact value, as the
    # per-sample table beside it writes its terms (`lost_derivatives`)
    lost_sign, lost_size = lost_derivatives(ctx.data.X, ctx.data.y, grad)

    def exact(j: int, value: float) -> str:
        if value != 0 or lost_sign[j] == 0:
            return f"**{f(value)}**"
        return f"**{fmt_log10(lost_sign[j], lost_size[j], ctx.digits)}** (computed as 0)"

    lines = []
    for j, name in enumerate(tables.feature_labels(names[:3])):  # "b (feature)": not the bias
        w_j, x_j = weight_symbol(j, len(names)), feature_symbol(j, len(names))
        label = f"∂J/∂{w_j}" + (f" ({md_escape(name, 30)})" if len(names) > 1 else "")
        if ctx.settings.l2:
            data = (fmt_log10(lost_sign[j], lost_size[j], ctx.digits) if lost_sign[j] else
                    f(grad.data_dw[j]))
            lines.append(f"{label} = mean((p − y)·{x_j}) + λ{w_j} = {data} + "
                         f"{fp(grad.l2_term[j])} = {exact(j, grad.dw[j])}")
        else:
            lines.append(f"{label} = mean((p − y)·{x_j}) = {exact(j, grad.dw[j])}")
    lines.append(f"∂J/∂b = mean(p − y) = {exact(len(names), grad.db)}")
    update = lc.gradient_update(ctx.w, ctx.b, grad, rate)
    for j in range(min(len(names), 3)):
        w_j = weight_symbol(j, len(names))
        lines.append(f"{w_j} ← {w_j} − η·∂J/∂{w_j} = {f(ctx.w[j])} − {link_number(rate)}·"
                     f"{fp(grad.dw[j])} = **{f(update.new_w[j])}**")
    lines.append(f"b ← b − η·∂J/∂b = {f(ctx.b)} − {link_number(rate)}·{fp(grad.db)} = "
                 f"**{f(update.new_b)}**")
    if len(names) > 3:
        lines.append(f"… and likewise for {other_weights(len(names) - 3)}.")
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
    if ctx.pending:  # its gradient and update answer the questions at its own state, and
        # hint at them near it (a walk: "Load this step" with Predict first on showed
        # ∂J/∂w = 0.2497 beside "∂J/∂w at step 0 is ...")
        st.caption("Its figures appear once you reveal your prediction: they are the answers "
                   "at its own state.")
    else:
        worked_table(report)
    changed = sources.changed(ctx.source.key)
    if changed:  # its figures are the 5 points' as loaded, not the data the page now runs
        st.caption("These are the 5 points as loaded: you changed the data, and loading the "
                   "step puts it back.")
    st.button("Load this step", key="load_worked", icon=":material/school:",
              on_click=load_worked_step, args=(ctx.source.key,),
              help=f"The 5 points{' as loaded' if changed else ''}, w = {examples.WORKED_W}, "
                   f"b = {examples.WORKED_B}, η = {examples.WORKED_RATE}, one step.")


def load_worked_step(source_key: str) -> None:
    """Callback: the worked example's step, on its own 5 points (a walk: with the data
    edited, the page ran the step on them beside the textbook's figures for the 5 points)."""
    sources.forget_changes(source_key)
    state.load_settings(explain.worked_settings())


def worked_table(report: examples.WorkedStep) -> None:
    """The worked step's figures: the textbook's beside the exact ones, and which differ."""
    wanted = {"mean loss J": "loss J", "dw": "∂J/∂w", "db": "∂J/∂b", "new w": "w′", "new b": "b′"}
    lines = ["| quantity | textbook | exact |", "|---|---:|---:|"]
    for quantity, printed, exact in report.rows:
        if quantity in wanted:  # to the textbook's four decimal places, so digits line up
            shown = fmt_printed(printed)
            lines.append(f"| {wanted[quantity]} | {shown} | {exact:.4f} |")
    # keyed for the page's style (assets/page.css), which fits it to its narrow column
    st.container(key="worked_step").markdown("\n".join(lines))
    off = [f.quantity for f in examples.worked_figures(report) if f.how != "rounded"]
    st.caption(f"{len(off)} of its printed figures are not the exact values rounded "
               f"({', '.join(off)}): the *Worked example* tab says why.")


def side_column(ctx: ViewContext) -> None:
    """Beside the step: the worked 5-point step on the 5 points; on two features, the data the
    learner is changing by clicks; otherwise where the rate sits among the limits."""
    if ctx.settings.dataset == "five_points" and not ctx.data.standardized:
        worked_column(ctx)
    elif ctx.data.n_features == 2:
        st.markdown("**Move the boundary by hand**")
        st.caption("Click the plane to add a sample of the chosen class, or a sample to "
                   "remove it: the run, the limits and every table follow.")
        player.editing_controls(ctx)
    else:
        st.markdown("**The learning-rate limits of this data**")
        if ctx.future_hidden:  # at or below 2/L every step lowers the loss: that answers
            # a question, this one or a later one
            st.caption("They appear once you reveal your prediction." if ctx.pending else
                       "They appear with the whole run: they answer the questions ahead.")
            return
        st.caption(explain.limits_summary(ctx.limits, ctx.settings.learning_rate, ctx.digits))
        box = st.expander("What 2/L and 2/μ* mean", key="limits_open", on_change="rerun")
        if box.open:
            box.markdown(explain.limits_text(ctx.limits, ctx.settings.learning_rate,
                                             ctx.digits))


def first_screen(ctx: ViewContext, names) -> None:
    """Side by side: the run (controls, picture, loss, verdict), the inspected step's table
    and gradient, and the side column. On a phone the columns stack in that order."""
    left, middle, right = st.columns([9, 10, 6], gap="medium")
    with left:
        run_controls(names)
        picture_column(ctx)
        headline(ctx)
    with middle:
        gradient_column(ctx)
    with right:
        side_column(ctx)
    st.divider()
    metrics(ctx)


def check_inputs_message(error: lc.LogRegInputError, source_key: str | None = None) -> None:
    """What the run cannot be drawn for, and, given the data's key (`sources.clicks_key`), the
    way back if samples were added or removed beside the picture: never a dead end."""
    st.error(md_escape(str(error), 1000), icon=":material/warning:")
    if source_key is not None:
        player.changes_and_way_back(source_key)
