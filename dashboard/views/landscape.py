"""The loss over two parameters, the descent path on it, and the other optimizers' paths."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from logreg_core import landscape
from logreg_core.verdicts import DIVERGING

from .. import charts, compute, explain, fields, state, tables
from ..context import ViewContext
from ..display import show_chart
from ..landscape_chart import START_PARAM, drawing_order, landscape_chart
from ..text import fmt, fmt_loss, full_names_help, join_and, link_number, md_escape, percent
from .optimizers import runs as optimizer_runs

PATH_POINTS = 400


def path_frame(theta: np.ndarray, loss: np.ndarray, axes, name: str) -> pd.DataFrame:
    """A path projected on the landscape's two axes (downsampled, ends kept)."""
    index = charts.downsample(np.arange(len(loss), dtype=float), PATH_POINTS)
    return pd.DataFrame({"run": name, "step": index, "a": theta[index, axes[0]],
                         "c": theta[index, axes[1]], "loss": loss[index]})


#: A path every point of which is this close to a path drawn over it is hidden by it (in
#: units of the picture's width and height).
HIDDEN_SHARE = 0.01


def hidden_paths(paths: pd.DataFrame, behind: list[str], ranges) -> list[tuple[str, str]]:
    """Which of the other optimizers' paths lie under a path drawn over them, and under which
    (`logreg_core.landscape.lies_under`), in the order the chart draws them
    (`drawing_order`, yours on top). A walk: momentum's path lay under Nesterov's and
    Newton's under yours, names in the legend with no line to see. "your run" for yours."""
    drawn = {name: frame[["a", "c"]].to_numpy() for name, frame in paths.groupby("run",
                                                                                 sort=False)}
    mine = next(iter(drawn))
    order = drawing_order(list(drawn), behind)
    found = []
    for i, name in enumerate(order[:-1]):
        over = next((b for b in order[i + 1:] if landscape.lies_under(
            drawn[name], drawn[b], *ranges, share=HIDDEN_SHARE)), None)
        if over is not None:
            found.append((name, "your run" if over == mine else over))
    return found


def best_fit_words(flat: int, loss: str) -> str:
    """What the diamond marks: the best fit, or where the best fits fill a line, a plane or
    more (``flat`` dimensions, `logreg_core.landscape.reachable_best_fit`), the one the run
    can reach. A walk: with a constant column the diamond marked another point of the line,
    on a higher contour of the slice than the run's end, which had reached the line."""
    if not flat:
        return f"The diamond marks the best fit (loss {loss})."
    shape = {1: "line", 2: "plane"}.get(flat, f"flat set of {flat} dimensions")
    return (f"The best fits fill a {shape} through the diamond, all with loss {loss}: the "
            "features and the bias's column of ones are linearly dependent (as where a feature "
            "is the same in every sample, or equals a combination of the others plus a "
            "constant), so along it no logit w·x + b changes. The diamond marks the one your "
            f"run can reach: the gradient has no part along that {shape}, so descent never "
            "moves (w, b) along it (in exact arithmetic), and the only best fit it can reach "
            "is the one nearest its start.")


#: Below this angle (degrees) the sentence gives a bound, not a figure: the max-margin direction
#: is computed to about 1e-12 radians (`logreg_core.limits.max_margin_direction`), 6e-11
#: degrees, which leaves an angle of 1e-6 degrees its three digits.
ANGLE_SHOWN_FROM = 1e-6


def angle_note(ctx: ViewContext, direction: np.ndarray | None) -> str:
    """How far the inspected (w, b) still points from the max-margin ``direction``."""
    angle = None if direction is None else landscape.angle_degrees(np.append(ctx.w, ctx.b),
                                                                   direction)
    if angle is None:
        return ""
    if angle < ANGLE_SHOWN_FROM:
        return (f" At step {ctx.k:,}, (w, b) points along it, less than "
                f"{ANGLE_SHOWN_FROM:g}° away.")
    return f" At step {ctx.k:,}, (w, b) points {fmt(angle, 3)}° away from it."


def farthest_point(theta: np.ndarray, axes, params: list[str]) -> str:
    """Where a path reaches farthest along either of the picture's two axes, in words
    ("w = 25.3"), from its finite states of shape (n_states, n_features + 1)."""
    points = theta[:, list(axes)]
    points = points[np.all(np.isfinite(points), axis=1)]
    far = int(np.argmax(np.max(np.abs(points), axis=0)))
    column = points[:, far]
    value = float(column[np.argmax(np.abs(column))])
    return f"{md_escape(params[axes[far]], 60)} = {fmt(value, 3)}"


def farthest_outside(theta: np.ndarray, axes, ranges, params: list[str]) -> str:
    """Where a path reaches farthest outside the picture (its ``ranges`` along ``axes``), in
    words ("b = -70.2"): from b = -100 Newton's method leaves upwards, and the largest |b| of
    its path was its start, inside the picture (a review)."""
    points = theta[:, list(axes)]
    points = points[np.all(np.isfinite(points), axis=1)]
    low, high = (np.array([r[i] for r in ranges]) for i in (0, 1))
    beyond = np.maximum(low - points, points - high) / (high - low)  # in picture widths
    i, j = np.unravel_index(int(np.argmax(beyond)), beyond.shape)
    return f"{md_escape(params[axes[j]], 60)} = {fmt(float(points[i, j]), 3)}"


def render(ctx: ViewContext) -> None:
    names = ctx.names
    n_features = len(names)
    # as the tables name them: w[b (feature)] for a column "b", where this list read "w[b]"
    # beside the tables' "w[b (feature)]" (a review)
    params = tables.parameter_names(names)
    if n_features == 1:
        axes = (0, 1)
    else:
        c1, c2 = st.columns(2)
        whole = full_names_help(zip(params, names, strict=False))  # the weights' columns
        first = c1.selectbox("Horizontal axis", params, key="land_x", persist_state="session",
                             help=whole)
        second = c2.selectbox("Vertical axis", [p for p in params if p != first], key="land_y",
                              persist_state="session", help=whole)
        axes = (params.index(first), params.index(second))
    compare = st.toggle("Also show the other optimizers' paths", key="land_compare",
                        persist_state="session")
    history, k, fit = ctx.history, ctx.k, ctx.fit
    theta = history.theta
    others = {}
    if compare:
        others = {name: h for name, h in optimizer_runs(ctx).items()
                  if not name.startswith("gradient descent")}
    # where the best fits form a line (or more), the one this run can reach
    optimum, flat = (landscape.reachable_best_fit(ctx.data.X, np.append(fit.w, fit.b),
                                                  theta[0], ctx.settings.l2)
                     if fit.converged else (None, 0))
    extra = [optimum] if fit.converged else []
    # The picture is framed on your run, the best fit and the other paths that stay bounded:
    # one that diverges (to |w| ~ 1e154 before it overflows) would shrink the rest to a dot.
    diverging = [name for name, h in others.items() if h.verdict.kind == DIVERGING]
    framed = [theta] + [h.theta for name, h in others.items() if name not in diverging
                        and not (fit.separable and h.optimizer.key == "newton")]
    a_range, c_range = landscape.grid_ranges(framed, extra, axes)
    off_picture = [name for name in diverging
                   if not landscape.inside(others[name].theta, axes, a_range, c_range)]
    # Newton's method on separable data is left out of the framing (its steps run off
    # towards the max-margin direction): its path may leave the picture, and was then a name
    # in the legend with no line (a visual walk)
    runs_off = [name for name, h in others.items() if name not in diverging
                and not landscape.inside(h.theta, axes, a_range, c_range)]
    surface, segments = compute.loss_surface(ctx.data, tuple(theta[k]), axes, a_range, c_range,
                                             ctx.settings.l2)
    paths = pd.concat([path_frame(theta, history.loss, axes, "gradient descent (your run)")]
                      + [path_frame(h.theta, h.loss, axes, name) for name, h in others.items()],
                      ignore_index=True)
    marks = [("start", theta[0, axes[0]], theta[0, axes[1]]),
             (f"step {k:,}", theta[k, axes[0]], theta[k, axes[1]])]
    ray = None
    direction = None if fit.converged or not fit.separable else \
        compute.margin_direction(ctx.data)
    # its part in this slice, None where that is 0 to rounding (it is then perpendicular)
    d = None if direction is None else landscape.slice_direction(direction, axes)
    if fit.converged:
        marks.append(("best fit", optimum[axes[0]], optimum[axes[1]]))
    elif d is not None:  # separable
        span = max(a_range[1] - a_range[0], c_range[1] - c_range[0])
        end = theta[-1, list(axes)]
        ray = pd.DataFrame({"a": [end[0], end[0] + span * d[0]],
                            "c": [end[1], end[1] + span * d[1]]})
    # the jittery paths (mini-batch SGD's) are drawn under the others
    behind = [name for name, h in others.items() if not h.optimizer.needs_full_gradient]
    chart = landscape_chart(surface, segments, paths,
                                   pd.DataFrame(marks, columns=["what", "a", "c"]),
                                   (params[axes[0]], params[axes[1]]), ray, behind=behind,
                            digits=ctx.digits)
    refused = st.session_state.pop(state.PICK_REFUSED, None)
    if refused is not None:
        shown = [f"{v:,.0f}" if abs(v) < 1e6 else fmt(v, 3) for v in refused]
        st.warning(f"The point you clicked ({md_escape(params[axes[0]], 60)} = {shown[0]}, "
                   f"{md_escape(params[axes[1]], 60)} = {shown[1]}) is farther out than a start "
                   f"may be (at most {link_number(fields.PARAM_MAX)} either way, typed, linked "
                   "or by a slider), so the start stays where it was: click nearer the middle, "
                   "or lower the rate so the picture spans less.", icon=":material/block:")
    cells = tuple(float(np.ptp(g)) / max(len(g) - 1, 1) for g in (surface.a, surface.c))
    show_chart(chart, key="landscape_chart",
               on_select=functools.partial(state.on_landscape_pick, axes, n_features, cells),
               selection_mode=START_PARAM,
                    alt=f"Heatmap of the loss over {params[axes[0]]} and {params[axes[1]]}, "
                        f"from {fmt_loss(np.nanmin(surface.loss), 4)} to "
                        f"{fmt_loss(np.nanmax(surface.loss), 4)}, with the descent path from the "
                        f"start to step {history.steps_run:,}.")
    held = "" if n_features == 1 else (
        f" A slice: every other parameter is held at its value at step {k:,}, so the heatmap "
        "changes as you scrub.")
    if fit.converged:
        where = best_fit_words(flat, fmt_loss(fit.loss, ctx.digits))
    elif fit.separable:
        where = f"There is no best fit to mark: {fit.reason}." + (
            "" if direction is None else
            " The dashed line points along the max-margin direction of (w, b), the direction "
            "in which gradient descent's parameters run off in the long run (Soudry et al., "
            "2018)." + angle_note(ctx, direction) if d is not None else
            " The max-margin direction of (w, b), the direction in which gradient descent's "
            "parameters run off in the long run (Soudry et al., 2018), is perpendicular to "
            f"this slice: its part along {md_escape(params[axes[0]], 60)} and "
            f"{md_escape(params[axes[1]], 60)} is 0 (to rounding), so there is no dashed "
            "line to draw here." + angle_note(ctx, direction))
    # one label, with L2: the unpenalized bias still runs off
    elif no_minimum := explain.no_minimum(ctx.limits):
        where = f"There is no best fit to mark: {no_minimum}."
    else:  # it could not be computed (with λ > 0 it exists all the same: no "there is none")
        exists = "A best fit exists (λ > 0), but it" if ctx.settings.l2 > 0 else "The best fit"
        where = (f"{exists} could not be computed, so none is marked: "
                 f"{md_escape(fit.message, 200)}")
    if history.verdict.kind == DIVERGING:  # the picture is framed on it: say so
        where += (" Your run diverges at this rate and the picture is framed on its path, "
                  f"which runs out to {farthest_point(theta, axes, params)}.")
    for name in runs_off:
        where += (f" {md_escape(name[:1].upper() + name[1:], 60)}'s path leaves the picture: "
                  "it runs out to "
                  f"{farthest_outside(others[name].theta, axes, (a_range, c_range), params)}.")
    if hidden := hidden_paths(paths, behind, (a_range, c_range)):
        where += (" On this picture " + join_and(
            f"{md_escape(a, 60)}'s path lies under {md_escape(b, 60)}'s" for a, b in hidden)
            + f" (every point of {'it' if len(hidden) == 1 else 'each'} within "
            f"{percent(HIDDEN_SHARE)} of the picture's width and height of the path over it).")
    if off_picture:
        names_off = join_and(md_escape(n, 60) for n in off_picture)
        where += (f" {names_off[:1].upper()}{names_off[1:]} "
                  f"{'diverges' if len(off_picture) == 1 else 'diverge'} at this rate: "
                  f"{'its path leaves' if len(off_picture) == 1 else 'their paths leave'} "
                  "the picture.")
    st.caption(f"Loss over {md_escape(params[axes[0]], 60)} and "
               f"{md_escape(params[axes[1]], 60)} (colour: log10 of the loss; white lines: "
               f"contours). The white path is your run, step by step.{held} {where} Click the "
               "heatmap to start the run there (the sliders of the starting point do the "
               "same by keyboard)."
               + (f" {note}" if (note := charts.floor_note(
                   surface.loss, where="in colour, where the scale stops")) else ""))
