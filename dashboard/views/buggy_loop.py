"""A per-sample loop with five bugs, each a switch, run beside the corrected loop."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from logreg_core import examples
from logreg_core.training import stopped_moving_at
from logreg_core.twins import CHAOS_RTOL
from logreg_core.verdicts import classify_run

from .. import charts, compute, rate_charts
from ..context import ViewContext
from ..display import show_curves, show_frame, show_source
from ..text import first_of, fmt, fmt_apart, fmt_loss, plural

TRIAL_ROWS, TRIAL_STEPS = 200, 300  # the loop runs in plain Python: keep it small

#: Each bug's switch: a label short enough not to be cut in half a page (a checkbox's label
#: does not wrap: "instead of computed afresh…" was cut off), and what it replaces, in full.
BUG_LABELS = {
    "same_sample": ("every pass reads sample 1 (x, y)",
                    "Every pass reads sample 1 (x, y) instead of sample i."),
    "accumulated_error": ("the error is added up (dz += a − y)",
                          "The error is added up over the samples (dz += a − y) instead of "
                          "computed afresh for each (dz = a − y)."),
    "same_feature": ("both weight gradients use feature 2",
                     "Both weight gradients, dw1 and dw2, use the same feature: the second."),
    "bias_not_averaged": ("the bias gradient db is not divided by m",
                          "The bias gradient db is a sum over the samples, never divided by m."),
    "bias_self_update": ("b is updated with itself (b − α·b)",
                         "The bias is updated with itself (b − α·b), not with db."),
}
#: The same bugs in a few words, for the chart's legend and the table's rows.
BUG_SHORT = {"same_sample": "sample 1 only", "accumulated_error": "error accumulated",
             "same_feature": "one feature twice", "bias_not_averaged": "db not averaged",
             "bias_self_update": "b − α·b"}


def bias_self_update_effect(rate: float, b: float) -> str:
    """What b <- (1 - rate) b does, in words, for this rate and start: "at η = ... each step
    ...". η and 1 − η are written to the digits that tell them from the rates and factors
    where the words change (η = 0, 1, 2; 1 − η = 1, 0, −1): at η = 1.99999, "1 − η = −1, so b
    shrinks" read as the boundary it is not (a review)."""
    factor = 1.0 - rate
    eta = f"at η = {_apart_from(rate, (0.0, 1.0, 2.0), 6)} "
    if b == 0:
        return eta + "from b = 0 it never moves, whatever the data say."
    if factor == 0:
        return eta + "it sets b to 0 in one step and keeps it there."
    size = "shrinks towards 0" if abs(factor) < 1 else "grows" if abs(factor) > 1 else \
        "keeps its size"
    sign = " and flips sign every step" if factor < 0 else ""
    return (f"{eta}each step multiplies b by 1 − η = {_apart_from(factor, (1.0, 0.0, -1.0), 4)}, "
            f"so b {size}{sign}, whatever the data say.")


def _apart_from(value: float, edges: tuple[float, ...], digits: int) -> str:
    """``value`` to ``digits`` significant digits, or to as many more as it takes to read
    differently from every edge it is not (`fmt_apart`)."""
    return max((fmt_apart(value, edge, digits)[0] for edge in edges if edge != value),
               key=len)


def stuck_note(loss: float, correct_loss: np.ndarray, still: int, n_bugs: int,
               digits: int) -> str:
    """Where the loop with the bugs stops moving at state ``still``: it has settled, and
    where its loss is above the corrected loop's lowest, not at a best fit (no best fit's loss
    is above any loss). With sample 1 only, the errors added up and db not averaged on iris,
    it stops at step 1 at a true loss of 1628, beside "settling" (a visual walk)."""
    which = "this bug" if n_bugs == 1 else "these bugs"
    note = (f"The loop with {which} stops moving at step {still:,}: from there each update "
            f"leaves w and b as they are, so its true loss stays {fmt_loss(loss, digits)}")
    lowest = float(np.nanmin(correct_loss))
    if loss > lowest * (1 + 1e-9):
        note += (f", above the corrected loop's {fmt_loss(lowest, digits)}: it has settled, "
                 "but not at the best fit")
    return note + "."


def twin_caption(correct, twin, digits: int) -> str:
    """Where the corrected loop with its samples added in the reverse order (``twin``) has a
    loss more than `CHAOS_RTOL` away from ``correct``'s: from which step, and whether still at
    the end (then rounding decides the corrected loop's numbers) or only up to a step from
    which the two agree again (`Verdict.rejoined_at`); "" where they never part. (On iris,
    unscaled, at η = 1 from w = 0, b = 0 they are apart only from step 58 to step 112, and
    the page said rounding decided the numbers at step 300: a review.)"""
    together = classify_run(correct.loss, twin=twin.loss)
    if together.parted_at is None:
        return ""
    f = lambda v: fmt(v, digits)  # noqa: E731
    w = [f(v) for v in twin.weights[-1]]
    end = (f"w = {w[0] if len(w) == 1 else '(' + ', '.join(w) + ')'}, b = "
           f"{f(twin.bias[-1])}")
    first = (f"The corrected loop with its samples added in the reverse order first has a "
             f"loss more than {CHAOS_RTOL:.0e} of it away at step {together.parted_at:,}")
    if (back := together.rejoined_at) is not None:
        return (f"{first} and last at step {back - 1:,}; from step {back:,} on the two agree "
                f"to within {CHAOS_RTOL:.0e} of the loss, and it ends at {end}.")
    still = (", and is still that far at the last step" if len(correct.loss) == len(twin.loss)
             else "")
    return (f"{first}{still}; it ends at {end}: rounding decides the corrected loop's numbers "
            "above, and a replay by hand reaches others.")


def render(ctx: ViewContext) -> None:
    settings, data = ctx.settings, ctx.data
    st.markdown(
        "A widely copied derivation writes the gradient as a loop over the samples, then as "
        "vectorized numpy, and both contain mistakes. Switch each one on below: the loop runs "
        "with it beside the corrected loop, on the same data and from the same start, and the "
        "chart shows the true loss of every state either loop reaches.")
    cols = st.columns(2)
    bugs = frozenset(name for k, name in enumerate(examples.BUGS)
                     if cols[k % 2].checkbox(BUG_LABELS[name][0], key=f"bug_{name}",
                                             help=BUG_LABELS[name][1],
                                             persist_state="session"))
    rows = min(TRIAL_ROWS, data.n_samples)
    steps = min(settings.steps, TRIAL_STEPS)
    trial = compute.buggy_loop(data, rows, settings.w0, settings.b0, settings.learning_rate,
                               steps, bugs)
    correct, buggy, twin = trial.correct, trial.buggy, trial.twin
    names = data.names[:2]
    notes = []
    if len(names) < 2 and "same_feature" in bugs:
        notes.append("This data has one feature, so using the second feature for both weights "
                     "changes nothing here: pick a data set with two or more features.")
    if data.n_samples > TRIAL_ROWS or data.n_features > 2:
        notes.append(f"The loop runs on the first {plural(rows, 'sample')} and the first "
                     f"{plural(len(names), 'feature')}, as the textbook loop has two weights.")
    if steps < settings.steps:
        notes.append(f"Both loops run {steps} steps.")
    if settings.l2:
        notes.append(f"The textbook loop has no L2 term, so here both loops, their gradients "
                     f"and their losses leave it out (λ = 0, where the rest of the page uses "
                     f"λ = {fmt(settings.l2, 4)}).")
    if buggy.stopped_at:
        notes.append(f"The buggy loop's numbers overflowed at step {buggy.stopped_at}.")
    elif bugs and (still := stopped_moving_at(  # (w, b) the same from there to the end
            np.column_stack([buggy.weights, buggy.bias]))) is not None:
        notes.append(stuck_note(buggy.loss[still], correct.loss, still, len(bugs), ctx.digits))
    for note in notes:
        st.caption(note)
    # every bug named would outrun the legend and the table's column ("with sample 1 only,
    # error accumulated, db not av…": a visual walk); the switches above name them
    label = "with " + (f"all {len(examples.BUGS)} bugs" if len(bugs) == len(examples.BUGS) else
                       ", ".join(BUG_SHORT[b] for b in examples.BUGS if b in bugs))
    # with no bug on, the loop is the corrected loop: one run, not two that coincide (two
    # legend entries of one curve read as two runs: a visual walk)
    runs = {"corrected loop": correct, **({label: buggy} if bugs else {})}
    curves = {name: run.loss for name, run in runs.items()}
    verdicts = {name: classify_run(loss) for name, loss in curves.items()}
    frame = rate_charts.curves_frame(curves, verdicts, "corrected loop",
                                     digits=ctx.digits)
    show_curves(frame, "True loss of each state", key="trial_chart",
                alt=f"True loss of the corrected loop{f' and the loop {label}' if bugs else ''}"
                    f": from {fmt_loss(correct.loss[0], 4)} to {fmt_loss(correct.loss[-1], 4)}"
                    + (f" and {fmt_loss(buggy.loss[-1], 4)}." if bugs else "."))
    if not bugs:
        st.caption("Switch a bug on above: the loop with it then runs beside the corrected "
                   "loop.")
    if note := charts.floor_note(*curves.values()):
        st.caption(note)
    final = pd.DataFrame(
        [("corrected loop" if name == "corrected loop" else f"loop {name}", *run.weights[-1],
          run.bias[-1], run.loss[-1]) for name, run in runs.items()],
        columns=["run", *[f"w{j + 1}" for j in range(len(names))], "b", "true loss"])
    show_frame(final, ctx.digits, hide_index=True, key="trial_table")
    if caption := twin_caption(correct, twin, ctx.digits):
        st.caption(caption)
    if bugs & {"same_sample", "accumulated_error"} and len(buggy.reported):
        reported, true = float(buggy.reported[-1]), float(buggy.loss[-2])
        gap = abs(reported - true)
        # Against what the corrected loop reports at the same state, in the same arithmetic:
        # the loop's log(1 + e^z) - y z cancels for a confident sample of class 1 (1.9e-16 off
        # the true loss, or all of it), which no bug causes.
        if reported == trial.plain_report:  # these bugs leave the loss it reports alone
            these = "this bug does" if len(bugs) == 1 else "these bugs do"
            st.caption(f"The buggy loop also reports a loss of its own, "
                       f"{fmt(reported, ctx.digits)} on its last step, computed before that "
                       "step's update: the corrected loop reports the same at that state, so "
                       f"{these} not show in the loss it reports, only in where it goes.")
        else:
            st.caption(f"The buggy loop also reports a loss of its own: "
                       f"{fmt(reported, ctx.digits)} on its last step, computed before that "
                       f"step's update, where the true loss is {fmt(true, ctx.digits)} (off by "
                       f"{fmt(gap, ctx.digits)}); the table shows the state after the update.")
    st.markdown("**What each bug does alone, at your start**")
    st.markdown(bug_effects(ctx, rows, bugs))
    st.markdown("**The vectorized snippet** starts with `w = np.zeros(n_x, 1)`. Run here, numpy "
                "answers:")
    st.code(examples.numpy_zeros_error(), language=None)
    st.markdown("The second argument of `np.zeros` is the data type, not a second dimension; "
                "the shape must be one tuple: `np.zeros((n_x, 1))`.")
    with st.expander("The loop as this app runs it (bugs as switches)"):
        show_source(examples.buggy_loop_step)


def zero_sum_words(errors: list[float]) -> str:
    """Why db, the loop's running sum of its ``errors`` (one per sample, in its order), is
    exactly 0, as it is where not dividing it by m changes nothing: the errors add up to 0,
    or they do not, and rounding after each sample made the sum 0 (errors 0.5, 1.2e-17,
    -0.5, of x = 0, -39, 0 with labels 0 0 1 from w = 1, b = 0: 0.5 + 1.2e-17 rounds to 0.5,
    and the page said "the errors add up to 0", a review). The exact sum is `math.fsum`'s,
    which is 0 only where the exact sum is."""
    total = math.fsum(errors)
    if total == 0:
        return "the errors a − y the loop computes add up to exactly 0"
    return (f"the errors a − y the loop computes add up to {fmt(total, 3)}, not 0, but its "
            "running sum of them, rounded after each sample, ends at exactly 0")


def bug_effects(ctx: ViewContext, rows: int, bugs: frozenset = frozenset()) -> str:
    """One line per bug, each with that bug alone, with this data's numbers at the run's
    start. A bug that gives the same step as the corrected loop on this data is said to make
    no difference here (never a number compared with itself). Where the switches on
    (``bugs``) hide one bug behind another, its line says so: with b updated with itself, b
    never reads db, so db's sum changes nothing (a walk: "as if b alone had a learning rate 5
    times larger" beside a run the same as with b − α·b alone)."""
    settings = ctx.settings
    X, y = ctx.data.X[:rows, :2], ctx.data.y[:rows]
    w0, b0, rate = np.array(settings.w0[:2]), settings.b0, settings.learning_rate
    f = lambda v: fmt(v, 3)  # noqa: E731
    correct = examples.buggy_loop_step(X, y, w0, b0, rate)
    with_bug = {bug: examples.buggy_loop_step(X, y, w0, b0, rate, {bug}) for bug in examples.BUGS}
    *_, dw, db = correct

    def same(bug: str) -> bool:  # the same step: same gradients and the same new w and b
        (w_a, b_a, _, dw_a, db_a), (w_b, b_b, _, dw_b, db_b) = correct, with_bug[bug]
        return w_a == w_b and b_a == b_b and dw_a == dw_b and db_a == db_b

    def no_difference(why: str) -> str:
        if rows == 1:  # then every step is the same, not only the first
            return f"makes no difference on this data: {why}."
        return f"gives the same first step as the corrected loop from this start: {why}."

    # Where the loop's sigma(z) rounds to every label, every error it computes is 0 and so is
    # every gradient, bug or none: at the student with w = (10, 10) the page gave "both
    # features have the same values here" (3 and 5) and, on 4 samples, "with one sample"
    # (a review). Each reason below is tested before it is given.
    errors = examples.loop_errors(X, y, w0, b0)
    errors_zero = not any(errors)
    certain = ("every error a − y the loop computes is 0 (its σ(z) rounds to each sample's "
               "label), so every gradient is 0 with the bug or without")
    same_step = "its gradients and its new w and b come out the same, to the last bit"

    def reason(*tested: tuple[bool, str]) -> str:
        return next((why for holds, why in tested if holds),
                    certain if errors_zero else same_step)

    sums = examples.running_error_sums(X, y, w0, b0)
    shown = ", ".join(f(v) for v in sums[:8]) + (", …" if len(sums) > 8 else "")
    # every sample where the sum is largest in size (on the 20 students from 0 it is 3 at
    # samples 6, 8, 10, 12 and 14, and the page named sample 6 alone beside a list showing
    # 3 at sample 8 too), past 5 of them the first 5 and how many more (x = 0..13 with labels
    # alternating 0 1 read "largest in size at 7 samples, the first sample 1")
    peaks = [int(i) + 1 for i in np.flatnonzero(np.abs(sums) == np.max(np.abs(sums)))]
    at_peak = (f"sample {peaks[0]}" if len(peaks) == 1 else
               f"samples {first_of(peaks, 5)}" if len(peaks) <= 5 else
               f"{len(peaks):,} samples ({first_of(peaks, 5)})")
    dw_acc, dw_same, db_raw = with_bug["accumulated_error"][3], with_bug["same_feature"][3], \
        with_bug["bias_not_averaged"][4]
    lines = []
    lines.append("- *Same sample*: " + (
        no_difference(reason(
            (rows == 1, "with one sample, sample 1 is every sample"),
            (bool(np.ptp(X, axis=0).max() == 0 and np.ptp(y) == 0), "every sample is a copy of "
             "sample 1"))) if same("same_sample") else
        f"every term of the sums is sample 1's, so the gradient is that of a data set made "
        f"of {rows} copies of sample 1: the model chases that one point."))
    if same("accumulated_error"):
        lines.append("- *Accumulated error*: " + no_difference(reason(
            (rows == 1, "the running sum of the errors equals each error"),
            (not errors_zero, "the running sums happen to give the same gradient"))))
    else:
        # opposite signs, not 0 against a sign (x = 1, 5, -1, labels 0 1 0, from 0: the
        # running sums 0.5, 0, 0.5 give dw = 0, which read "the wrong sign": a review)
        sign_flip = np.sign(dw_acc[0]) * np.sign(dw[0]) < 0
        lines.append(
            f"- *Accumulated error*: after sample i the loop's dz holds the sum of the first i "
            f"errors ({shown}), largest in size at {at_peak}, and each sample's "
            f"feature is multiplied by that sum. "
            + (f"The first weight's gradient comes out {f(dw_acc[0])} instead of {f(dw[0])}"
               + (": the wrong sign." if sign_flip else ".")
               if f(dw_acc[0]) != f(dw[0]) else
               f"The first weight's gradient reads {f(dw[0])} either way to the digits "
               "shown; the step still differs from the corrected loop's."))
    if X.shape[1] < 2:
        lines.append("- *Same feature*: with one feature there is no second one to confuse it "
                     "with.")
    elif same("same_feature"):
        lines.append("- *Same feature*: " + no_difference(reason(
            (bool(np.array_equal(X[:, 0], X[:, 1])), "both features have the same values "
             "here"))))
    else:
        lines.append(f"- *Same feature*: both weights get the second feature's gradient "
                     f"({f(dw_same[0])} and {f(dw_same[-1])}), so they move by the same amount "
                     "each step and the model cannot tell the features apart.")
    if same("bias_not_averaged"):
        lines.append("- *Bias not averaged*: " + no_difference(
            "with one sample the sum is the mean" if rows == 1 else
            certain if errors_zero else zero_sum_words(errors)))
    else:
        lines.append(f"- *Bias not averaged*: db is the sum, not the mean: {f(db_raw)} instead "
                     f"of {f(db)}, {rows} times too large, as if b alone had a learning rate "
                     f"{rows} times larger.")
    if {"bias_not_averaged", "bias_self_update"} <= bugs:
        lines[-1] += (" With *b updated with itself* also switched on, b never reads db, so in "
                      "the run above this bug changes nothing.")
    lines.append("- *Bias updated with itself*: b ← (1 − η)·b; "
                 + bias_self_update_effect(rate, b0))
    return "\n".join(lines)  # numbers and our own words only: nothing to escape
