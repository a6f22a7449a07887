"""Optimizers from the same start at the same rate: every entry of the core's registry."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import streamlit as st

import logreg_core as lc
from logreg_core.training import stays_within

from .. import charts, compute, explain, fields, rate_charts
from ..context import ViewContext
from ..display import show_curves, show_frame
from ..text import COUNT_FORMAT, fmt, fmt_loss, join_and, percent, plural
from .learning_rates import explorer_steps

#: The setting that feeds each optimizer field of the same meaning (the core's field names on
#: the left, the page's settings on the right). A field not listed keeps its own default, so a
#: new optimizer of the core appears here without a change, and the core knows no page name.
FROM_SETTINGS = {"learning_rate": "learning_rate", "beta": "momentum",
                 "batch_size": "batch_size", "seed": "seed"}


def build(cls: type[lc.Optimizer], settings: fields.Settings, n_samples: int) -> lc.Optimizer:
    """One optimizer of the core's registry, set up from the page's settings."""
    values = {f.name: getattr(settings, FROM_SETTINGS[f.name])
              for f in dataclasses.fields(cls) if f.name in FROM_SETTINGS}
    if "batch_size" in values:
        values["batch_size"] = min(values["batch_size"], n_samples)
    return cls(**values)


def configured(ctx: ViewContext) -> tuple[lc.Optimizer, ...]:
    """Every optimizer of `logreg_core.OPTIMIZERS`, built from the page's settings."""
    return tuple(build(cls, ctx.settings, ctx.data.n_samples)
                 for cls in lc.OPTIMIZERS.values())


def runs(ctx: ViewContext) -> dict[str, lc.History]:
    steps = explorer_steps(ctx, 2 * len(lc.OPTIMIZERS), batched=False)
    return compute.optimizer_runs(ctx.data, configured(ctx), steps, ctx.settings.w0,
                                  ctx.settings.b0, ctx.settings.l2)


#: Session-state key of a batch size or seed typed out of range (what the box took instead).
_TAKEN = "optimizer_box_taken"


def _take_whole(key: str, what: str, low: int, high: int) -> None:
    """A box's on_change: a number that is not a whole one in its range becomes the nearest
    whole one there, and the box says so once. The boxes have no bounds of their own: with
    them the browser kept a value past them in the box (in red) while the runs kept the value
    before, unsaid (as the L2 box did, found by a walk). And they take any number: a
    whole-number box turned a typed 2.7 into 2 and 1e200 into 1 before the page saw them."""
    typed = st.session_state[key]
    taken = nearest_whole(typed, low, high)
    if taken != typed:
        st.session_state[key] = float(taken)
        shown = f"{typed:,.15g}"
        st.session_state[_TAKEN] = (
            f"{what} {shown} is outside {low:,} to {high:,}, so it is {taken:,}."
            if not low <= typed <= high else
            f"{what} {shown} is not a whole number, so it is {taken:,}.")


def nearest_whole(typed: float, low: int, high: int) -> int:
    """The whole number in [low, high] nearest ``typed`` (halves round up)."""
    if typed != typed:  # not a number: the low end
        return low
    if not low <= typed <= high:
        return low if typed < low else high
    return math.floor(typed + 0.5)  # (at most high: high is whole)


def settings_row(n_samples: int) -> None:
    for key in ("batch_size", "seed"):  # the settings hold ints (`fields.from_state`)
        if not isinstance(st.session_state[key], float):
            st.session_state[key] = float(st.session_state[key])
    c1, c2, c3 = st.columns(3)
    c1.number_input("SGD batch size", step=1.0, format="%.0f", key="batch_size",
                    persist_state="session",
                    on_change=_take_whole, args=("batch_size", "A batch size of", 1, n_samples),
                    help=f"A whole number from 1 to {n_samples:,} (the number of samples).")
    c2.number_input("SGD seed", step=1.0, format="%.0f", key="seed", persist_state="session",
                    on_change=_take_whole, args=("seed", "The seed", 0, fields.SEED_MAX),
                    help="The same seed gives the same sample order, so a run can be repeated "
                         f"(a whole number from 0 to {fields.SEED_MAX:,}).")
    c3.slider("Momentum β (momentum and Nesterov)", 0.0, fields.MOMENTUM_MAX, step=0.01,
              key="momentum", persist_state="session")
    if taken := st.session_state.pop(_TAKEN, None):
        st.warning(taken, icon=":material/block:")


#: What a loss none of whose digits is certain says after its computed value: written to one
#: digit, momentum's last loss on the 5 points at η = 50 read "1e-11", an order of magnitude
#: of its own, where the run in exact arithmetic ends at 3.6e-10 (a review).
EVERY_DIGIT = "rounding decides every digit"


def lowest_reached(histories: dict[str, lc.History], digits: int) -> str:
    """Whose the lowest loss any run reached is, and that loss to the digits of it that are
    certain ("momentum (β = 0.9)'s, 2.32e-270, 3 digits certain"): where rounding decides a
    leader's state at its lowest step (`Verdict.rounding_decides`), no more than its certain
    digits (`Verdict.digits`), and where none is, the computed value "as computed". Momentum
    on the 5 points at η = 50 dips to 1.406e-59 at step 85, where the run in exact arithmetic
    (mpmath) dips to 3.01e-59: the sentence gave the four digits (a review)."""
    lows = {n: float(h.loss.min()) for n, h in histories.items()}
    low = min(lows.values())
    leaders = [n for n, v in lows.items() if v == low]
    whose = (f"{leaders[0]}'s" if len(leaders) == 1 else
             "every optimizer's" if len(leaders) == len(lows) else
             f"{len(leaders)} optimizers'")
    if low == 0:  # every sample's loss underflowed: at finite parameters never 0 itself
        return f"{whose}, 0, that is below the smallest number a double holds"
    certain = min([digits] + [histories[n].verdict.digits for n in leaders
                              if histories[n].verdict.rounding_decides(
                                  int(np.argmin(histories[n].loss)))])
    if certain == 0:
        return f"{whose}, {fmt(low, digits)} as computed, where {EVERY_DIGIT}"
    return f"{whose}, {fmt(low, certain)}" + (f", {plural(certain, 'digit')} certain"
                                              if certain < digits else "")


def tolerance_table(histories: dict[str, lc.History], target: float, digits: int,
                    reference: str = "the best fit") -> pd.DataFrame:
    """One row per optimizer: its verdict, the step from which it stays within 1% of
    ``target`` (`logreg_core.training.stays_within`), its last loss to the digits of it that
    are certain (`Verdict.final_digits`, no more than ``digits``) and the steps it ran. Where
    rounding decides the state (a chaotic run), so does the step: the table says so instead of
    a figure. A last loss shown to fewer digits than the others says how many are certain (a
    bare "0.4" beside Nesterov's "0.4357" read as exact and lower: a visual walk), and where it
    may read below ``target`` (Adam's "0.4" beside "the best fit (0.4439)", a walk) that it is
    not below ``reference`` (no loss is below the best fit, nor below the lowest any reached);
    where not even the first digit is certain, it says so."""
    shown_target = float(fmt(target, digits))
    rows = []
    for name, h in histories.items():
        v = h.verdict
        final, certain = float(h.loss[-1]), min(digits, v.final_digits)
        text = fmt_loss(final, certain or digits)
        below = final > 0 and certain < digits and float(text) < shown_target
        notes = ([EVERY_DIGIT] if certain == 0 else
                 [f"{plural(certain, 'digit')} certain"] if certain < digits else [])
        notes += [f"not below {reference}"] if below else []
        if notes:
            text += (" as computed" if certain == 0 else "") + f" ({'; '.join(notes)})"
        rows.append({"optimizer": name, "verdict": v.kind_words,
                     "steps to within 1%": rate_charts.within_words(
                         stays_within(h.loss, target, 0.01), v),
                     "final loss": text, "steps run": h.steps_run})
    return pd.DataFrame(rows)


def sgd_sentence(batch_size: int, n_samples: int, verdict) -> str:
    """What mini-batch SGD does at this batch size, and how often its loss rose (``verdict``:
    its run's, the same rises the verdicts count). A batch of every sample has no sampling
    noise, yet above 2/μ* its loss still swings: the page said "does not wobble" beside an
    oscillating full-batch run (the 20 students at η = 20, a hunt)."""
    if verdict.stopped_at is not None:
        rose = f"its numbers overflowed at step {verdict.stopped_at:,}"
    elif verdict.n_rises == 0:
        rose = f"its loss never rose in {plural(verdict.steps, 'step')}"
    else:
        rose = f"its loss rose at {verdict.n_rises:,} of its {verdict.steps:,} steps"
    if batch_size >= n_samples:
        batch = ("the one sample is gradient descent itself" if n_samples == 1 else
                 f"all {n_samples:,} samples is gradient descent itself, its sums run in a "
                 "shuffled order")
        return (f"Mini-batch SGD with a batch of {batch}: it has no sampling noise, and {rose}"
                + (" (from the rate, not from sampling)" if verdict.n_rises else ""))
    return (f"Mini-batch SGD follows the gradient of {plural(batch_size, 'random sample')} per "
            f"step: {rose}")


#: Above this the losses of two lines said to lie on each other differ by more than such
#: lines are taken to: the sentence then says the axis hides the difference.
NEAR_RATIO = 1.1


def overlap_sentence(group: rate_charts.Overlap, domain: tuple[float, float]) -> str:
    """The caption naming lines that lie on each other on the chart's log axis (``domain``):
    how far apart their losses are where all are on the chart, and at how many steps one is
    above its top. On an axis capped at 39 where runs overflow, "their losses differ by at
    most 3030% at any step" counted steps drawn off the chart; on an axis of many decades
    losses a factor apart draw as one line, and the sentence says so."""
    every = group.shown == group.steps
    all_ = "both" if len(group.names) == 2 else "all"
    # "at any step" beside Newton's 26 points and the others' 201 read as all 201 (a walk)
    each = (f" at each of the {plural(group.steps, 'step')} {all_} ran"
            if group.steps < group.longest else "")
    where = "" if every else f" at the {plural(group.shown, 'step')} where {all_} are on the chart"
    head = f"The lines of {join_and(group.names)} lie on each other at this scale: "
    if group.ratio == 1:
        body = "their losses are the same" + ((each or " at every step") if every else where)
    elif group.ratio <= NEAR_RATIO:
        share = percent(group.ratio - 1)
        by = "less than 1%" if share == "< 1%" else f"at most {share}"
        body = f"their losses differ by {by}" + ((each or " at any step") if every else where)
    else:
        decades = math.log10(domain[1]) - math.log10(domain[0])
        apart = (f"a factor of {fmt(group.ratio, 3)}" if group.ratio >= 2 else
                 percent(group.ratio - 1))
        body = (f"at every step they are less than {percent(rate_charts.COINCIDE_SHARE)} of "
                f"the axis's height apart (it spans {fmt(decades, 3)} decades), though their "
                f"losses differ by up to {apart}{where}")
    if group.shown < group.steps:
        body += (f"; at the other {plural(group.steps - group.shown, 'step')} at least one is "
                 f"above its top ({fmt(domain[1], 4)})")
    return head + body + "."


def render(ctx: ViewContext) -> None:
    settings_row(ctx.data.n_samples)
    histories = runs(ctx)
    steps = max(h.steps_run for h in histories.values())
    frame = rate_charts.curves_frame({n: h.loss for n, h in histories.items()},
                                {n: h.verdict for n, h in histories.items()},
                                current=next(iter(histories)), digits=ctx.digits)
    show_curves(frame, "Loss per step (per iteration for Newton)", key="optimizer_chart",
                alt="Loss curves of " + rate_charts.verdicts_text(
                    {n: h.verdict for n, h in histories.items()}))
    if note := charts.floor_note(*(h.loss for h in histories.values())):
        st.caption(note)
    domain = rate_charts.loss_axis(frame)
    for group in rate_charts.coinciding({n: h.loss for n, h in histories.items()}, domain):
        st.caption(overlap_sentence(group, domain))
    target = ctx.fit.loss if ctx.fit.converged else min(float(h.loss.min())
                                                        for h in histories.values())
    best = "the best fit" if ctx.fit.converged else "the lowest loss any of them reached"
    show_frame(tolerance_table(histories, target, ctx.digits, best), ctx.digits,
               hide_index=True,
               key="tolerance_table", column_config={  # figures as text, aligned as figures
                   **{c: st.column_config.TextColumn(alignment="right")
                      for c in ("steps to within 1%", "final loss")},
                   # a count as the sentences and the column beside write it ("%d" read 2000
                   # beside "1,999" and "2,000 steps": a review)
                   "steps run": st.column_config.NumberColumn(format=COUNT_FORMAT)})
    reference = (f"the best fit ({fmt(target, ctx.digits)})" if ctx.fit.converged else
                 f"the lowest loss any of them reached ({lowest_reached(histories, ctx.digits)})"
                 + (f": {no_minimum}" if (no_minimum := explain.no_minimum(ctx.limits))
                    else ""))
    sgd = next(h for opt, h in zip(configured(ctx), histories.values(), strict=True)
               if isinstance(opt, lc.MiniBatchSGD))
    st.caption(
        f"Up to {plural(steps, 'step')} from the same start at η = "
        f"{fmt(ctx.settings.learning_rate, 6)}. \"Steps to within 1%\": from that step to the "
        f"last the loss stays within 1% of {reference}. "
        f"{sgd_sentence(ctx.settings.batch_size, ctx.data.n_samples, sgd.verdict)}; "
        "momentum adds β times the previous step to "
        "each step; Nesterov takes the gradient where momentum is heading; Adam scales each "
        "parameter's step by the size of its recent gradients; Newton's method uses the "
        "curvature and takes no learning rate, and runs at most "
        f"{compute.NEWTON_ITERATIONS} iterations (each solves a linear system as large as "
        "the parameters). Each Newton step is shortened until the loss falls; where the "
        "curvature is nearly 0 (every sample far on its side, as from a far start) no "
        "shortening is enough and it steps along the gradient instead; where no step along "
        "either lowers the loss as computed it stays where it is, so its loss never rises.")
    with st.expander("Where these come from in the code"):
        st.markdown("Each optimizer is a small class in `logreg_core/optimizers.py` with one "
                    "method, `step(theta, grad, problem, state)`; this view lists every entry "
                    "of its registry, so a new optimizer appears here by itself.")

