"""Sentences the page says about a run: where it is heading, the learning-rate limits, and
text alternatives for the charts. Every figure in them comes from a core result; the tests
recompute each claim (tests/dashboard/test_claims.py and the view tests)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from logreg_core import examples, on_label_side
from logreg_core.checks import NORMAL, log10_outputs
from logreg_core.frames import padded_range, plane_line, slice_logits
from logreg_core.limits import LearningRateLimits
from logreg_core.twins import CHAOS_RTOL, GRADIENT_PART_RTOL
from logreg_core.verdicts import ends_at_lowest, lowest_step

from . import compute, fields, tables
from .charts import floor_note
from .context import ViewContext
from .text import (
    apart_digits,
    fmt,
    fmt_all_digits,
    fmt_apart,
    fmt_log10,
    fmt_log_quotient,
    fmt_loss,
    md_escape,
    plural,
)

VERDICT_ICONS = {"converging": ":material/trending_down:", "settling": ":material/south_east:",
                 "oscillating": ":material/sync:", "diverging": ":material/trending_up:"}


def verdict_headline(history) -> str:
    """The verdict's first sentence: the kind and what the limits say of this rate (the
    measured part is in `verdict_text`), and the measured part too where this run has not
    shown the kind theory gives it (`Verdict.not_yet`): "Settling" above a loss that rose to
    2,000 would read as false."""
    text = history.verdict.describe()
    if history.verdict.not_yet:  # "... in the long run, not yet": what it did goes beside it
        return text
    head, found, _ = text.partition(". Measured")
    return head + "." if found else text


def verdict_text(history) -> str:
    """The verdict's own sentence (it says what was measured), as a notice."""
    return history.verdict.describe()


def times(ratio: float, digits: int) -> str:
    """A ratio to ``digits`` digits, or as many more as it takes not to read 1 when it is not
    exactly 1 (one ulp above 2/L read "1 × 2/L" beside "above the guaranteed rate")."""
    return fmt_apart(ratio, 1.0, digits)[0]


def limits_text(limits: LearningRateLimits, learning_rate: float, digits: int) -> str:
    """The two learning-rate limits of this data, and where the chosen rate sits."""
    f = lambda v: fmt(v, digits)  # noqa: E731
    # Without L2 the loss bends by L at w = 0, b = 0 (every p = 1/2); the penalty leaves the
    # bias out, so with it L = μmax/4n + λ only bounds the largest curvature.
    what = ("the sharpest the loss ever bends, its largest curvature anywhere" if not limits.l2
            else "a bound on how sharply the loss can bend: the data's largest curvature "
                 "plus λ")
    # "every step lowers the loss" is false where the gradient is 0 (a start at a best fit
    # stays there): said as the verdict says it (an upload walk: the same popover read that
    # the parameters never moved and the loss stayed at 0.6931)
    text = (f"Guaranteed rate 2/L = {f(limits.guaranteed)} (L: {what}): at or below it no "
            "step raises the loss, from any start, and each step lowers it while the "
            "gradient is not 0 (it is 0 only at a best fit). Your learning rate η = "
            f"{fmt(learning_rate, 6)} is "
            f"{times(learning_rate / limits.guaranteed, digits)} × 2/L. ")
    if limits.local is not None:
        text += (f"Local limit at the best fit 2/μ* = {f(limits.local)} (μ*: the loss's "
                 f"largest curvature at the best fit): above it descent cannot settle at the "
                 f"best fit (loss {f(limits.optimum_loss)}).")
    else:
        text += limits.reason + floor_limit_text(limits, digits)
    return text


def floor_limit_text(limits: LearningRateLimits, digits: int) -> str:
    """' Near the floor ... 2/μ₀* = 3.2 ...' where the loss has a floor above 0 and its local
    limit is known (`LearningRateLimits.floor_local`), else ""."""
    if limits.floor_local is None:
        return ""
    return (f" Near the floor the loss bends by at most μ₀* = {fmt(limits.floor_mu_max, digits)} "
            "(the largest eigenvalue of the Hessian it tends to there), so descent behaves as "
            f"near a best fit with local limit 2/μ₀* = {fmt(limits.floor_local, digits)}: "
            "above it descent cannot approach the floor.")


def limits_summary(limits: LearningRateLimits, learning_rate: float, digits: int) -> str:
    """The limits in one sentence (the words for them are in `limits_text`), each to the
    digits that tell it from your rate, and yours to 6 or as many more (η = 0.6761925 read
    "up to η = 2/L = 0.6762 ... (yours: 0.676193)", where 2/L is 0.67619242: a walk)."""
    floor_local = limits.floor_local  # (None where there is a best fit)
    shown = [v for v in (limits.guaranteed, limits.local, floor_local) if v is not None]
    f = lambda v: fmt_apart(v, learning_rate, digits)[0]  # noqa: E731
    yours = max((fmt_apart(learning_rate, v, 6)[0] for v in shown), key=len)
    local = (f"; descent can settle at the best fit only up to 2/μ* = {f(limits.local)}"
             if limits.local is not None else
             f"; there is no best fit, and descent can approach the floor of the loss only up "
             f"to 2/μ₀* = {f(floor_local)}" if floor_local is not None else
             "; there is no best fit to settle at" if no_minimum(limits) else
             "; the best fit could not be computed")
    return (f"No step raises the loss up to η = 2/L = {f(limits.guaranteed)}{local} "
            f"(yours: {yours}).")


def budget_text(ctx: ViewContext) -> str:
    return (f"This run stops after {ctx.history.steps:,} of the {ctx.settings.steps:,} steps "
            f"asked: on {ctx.data.n_samples:,} samples × {ctx.data.n_features + 1} parameters "
            "that is as much work as one page may do at a time, so that everyone sharing this "
            "server stays quick. Fewer features or samples allow more steps.")


def digits_note(history, digits: int) -> str:
    """Which of the run's loss digits are certain (its measured agreement with the same run
    summed in another order), for losses shown to ``digits`` at most, or "" where rounding
    decides none of them."""
    v = history.verdict
    if v.parted_at is None:
        return ""
    shown = ("so not even the first digit is certain; one is shown" if v.digits == 0 else
             f"so only {plural(v.digits, 'digit')} {'is' if v.digits == 1 else 'are'} shown"
             if v.digits < digits else
             f"so its first {plural(v.digits, 'digit')} are certain, and the {digits} shown")
    lead = "Chaotic" if v.chaotic else "Rounding decides the later digits"
    if v.rejoined_at is not None:  # apart only for a while: say where
        lead = (f"From step {v.rounding_decides_from:,} to step {v.rejoined_at - 1:,} rounding "
                "decides the later digits")
    return (f"{lead}: the same run with its samples added in the reverse order differs by up "
            f"to {v.gap_words}, {shown}.")


def loss_digits(ctx: ViewContext) -> int:
    """Significant digits for the run's losses: the reader's choice, but no more than the run
    has that are certain (fewer where rounding decides some: see `digits_note`)."""
    return min(ctx.digits, ctx.history.verdict.digits)


def loss_at(ctx: ViewContext, k: int) -> str:
    """The loss at step ``k`` as the page writes it: step 0 (before any chaos: certain) to the
    reader's digits, a later step to those that are certain (`loss_digits`), and one that
    underflowed as "< 5e-324" (`fmt_loss`). The caption and the player's readout both use it."""
    return fmt_loss(ctx.history.loss[k], ctx.digits if k == 0 else loss_digits(ctx))


def run_loss_text(ctx: ViewContext) -> Callable[[int], str]:
    """How the page's sentences write the run's loss at a step: as `loss_at` does, or, where
    the first and the last loss are different doubles that read alike to the page's digits,
    every step's loss to the digits that tell those two apart (`fmt_apart`), if the run's
    losses are certain to that many (`Verdict.digits`). At η = 0.0001 one step on the five
    points read "the loss goes from 0.6931 to 0.6931" where it fell from 0.693147 to 0.693137
    (a walk); and written alike, a lowest loss between them cannot read above both (the 20
    students at η = 1.81 from w = 1.5, b = -4.08, 3 digits: "Loss 0.40151 at step 0, 0.40155
    at step 100 (lowest 0.402 at step 0)", a review)."""
    loss, digits = ctx.history.loss, ctx.digits
    first, last = float(loss[0]), float(loss[-1])
    need = (apart_digits(first, last, digits) if first != last and first > 0 and last > 0
            and np.isfinite(first) and np.isfinite(last) else None)
    if need is not None and digits < need <= ctx.history.verdict.digits:
        return lambda k: (fmt_all_digits(float(loss[k]), need) if loss[k] > 0
                          else fmt_loss(loss[k], need))
    return lambda k: loss_at(ctx, k)


def first_and_last_loss(ctx: ViewContext) -> tuple[str, str]:
    """The losses at step 0 and at the run's last step as the sentences write them
    (`run_loss_text`)."""
    write = run_loss_text(ctx)
    return write(0), write(len(ctx.history.loss) - 1)


def loss_chart_alt(ctx: ViewContext) -> str:
    """The loss chart's text alternative. It names no figure that a slider changes: a chart
    whose text alternative changes is built again in the browser (see `charts.Spec`); the
    caption under the chart (`loss_chart_caption`) reads out the figures."""
    return (f"Line chart of the loss at each of {plural(ctx.history.steps_run, 'step')}, with a "
            "dot at the inspected step. The caption under the chart gives its figures.")


def loss_chart_caption(ctx: ViewContext, log: bool = False) -> str:
    """The loss chart's key figures as text: first, last and lowest loss, and the inspected
    step's. Under the player it names the inspected step, not "the dot": while the player
    plays, its dot moves on and the page (the tables, this caption) stays at that step. On a
    log axis (``log``), where losses below `charts.LOG_FLOOR` are drawn at it, it says so."""
    loss, k = ctx.history.loss, ctx.k
    last = len(loss) - 1
    # "lowest" with the tolerance a verdict's "rose" uses: a 2e-16 rounding rise is no rise
    lowest = lowest_step(loss)
    # every loss of the caption written alike ("0.69314 at step 1 … Inspected step 1: 0.6931"
    # read as two losses)
    write = run_loss_text(ctx)
    low = ("its lowest" if ends_at_lowest(loss) else
           f"lowest {write(lowest)} at step {lowest:,}")
    return (f"Loss {write(0)} at step 0, {write(last)} at step {last:,} ({low}). "
            f"Inspected step {k:,}: {write(k)}."
            + (f" {note}" if log and (note := floor_note(loss)) else ""))


def model_chart_alt(ctx: ViewContext) -> str:
    """The model chart's text alternative, with no figure a slider changes (see above); the
    caption under the chart (`model_chart_caption`) reads out the figures."""
    n_features = ctx.data.n_features
    if n_features == 1:
        return ("The data points and the sigmoid curve p(x) at the inspected step, with the "
                "decision boundary p = 0.5 drawn and labelled with its value where it falls "
                "inside the picture. The caption under "
                "the chart gives its figures.")
    held = "" if n_features == 2 else " chosen (the others held at their means)"
    return (f"The data points over the two features{held}, coloured by label, with the "
            "predicted probability at the inspected step as background and the line p = 0.5 "
            "where it crosses the picture. The caption under the chart gives its figures.")


#: The step the player draws, which its readout (the line under its buttons) names.
_PLAYER_STEP = "the step the player shows (the line under its buttons names it)"


def player_loss_alt(ctx: ViewContext) -> str:
    """The player's loss curve's text alternative. While it plays, its dot is not at the
    inspected step, and in the lesson no caption is under it: it names neither."""
    last = ctx.last_drawn  # `player.player_data`'s curve
    return (f"Line chart of the loss at each step from 0 to {last:,}, with a dot at "
            f"{_PLAYER_STEP.removesuffix(')')} and its loss).")


def player_picture_alt(ctx: ViewContext) -> str:
    """The player's model picture's text alternative (see `player_loss_alt`). Beyond two
    features it is the plane of the two chosen, not `model_chart_alt`'s rows of samples."""
    if ctx.data.n_features == 1:
        return ("The data points and the sigmoid curve p(x) at "
                f"{_PLAYER_STEP}, with the decision boundary p = 0.5 as a dashed line "
                "where it falls inside the picture.")
    which = ("the two features" if ctx.data.n_features == 2 else
             "the two features chosen above it, the others held at their means")
    return (f"The data points over {which}, coloured by label, with the predicted probability "
            f"as background and the line p = 0.5, where there is one, at {_PLAYER_STEP}.")


def model_chart_caption(ctx: ViewContext, axes: tuple[int, ...] | None = None) -> str:
    """The model chart's key figures as text: where the boundary is and how many samples
    are on the right side of it, at the inspected step; on a plane (``axes``, two features:
    both by default), that the line lies outside the picture where it does."""
    text = _model_figures(ctx)
    axes = tuple(range(ctx.data.n_features)) if axes is None else tuple(axes)
    if len(axes) == 2 and np.any(ctx.w != 0):
        if ctx.data.n_features > 2:
            text += slice_note(ctx, axes)
        text += outside_note(ctx, axes)
    verdict = ctx.history.verdict
    if verdict.rounding_decides(ctx.k):  # (the boundary and the count of a chaotic state:
        # the 20 students at η = 1000 read x = 2.607 and 16 of 20; summed forward by hand
        # 3.58 and 16, in reverse 4.90 and 12, a walk)
        text += (f" From step {verdict.rounding_decides_from:,} rounding decides the run's "
                 "state: these figures are the state as this page computed it, and the same "
                 "run summed in another order reaches others.")
    return text


def slice_note(ctx: ViewContext, axes: tuple[int, int]) -> str:
    """How many samples the picture's slice (the other features at their means) puts on their
    label's side of its line, with a leading space (`logreg_core.frames.slice_logits`). Found
    by a walk: on breast cancer the caption counted 562 of 569 on their side beside a picture
    where many more sat across its line."""
    right = on_label_side(slice_logits(ctx.data.X, ctx.w, ctx.b, axes), ctx.data.y)
    count = int(right.sum())
    others = ctx.data.n_features - 2  # "the other 1 features" on three (a review)
    held = ("feature at its mean" if others == 1 else f"{others:,} features at their means")
    return (f" In the picture's slice (the other {held}), {count:,} "
            f"{'is' if count == 1 else 'are'} on their label's side of its line.")


def outside_note(ctx: ViewContext, axes: tuple[int, int]) -> str:
    """The sentence "That line lies outside the picture: ..." (with a leading space; "The
    line p = 0.5 ..." on more than two features, where no sentence before names it) where the
    line does at the inspected step (`logreg_core.frames.plane_line`, in the box the picture
    draws), else "". Found by a walk: on the one student the plane spans the sample ± 1, the
    line was far off it, and the picture showed one flat colour under a caption that gave
    the line's equation."""
    line = plane_line(ctx.data.X, ctx.w, ctx.b, axes)
    if line.in_picture:
        return ""
    side = ("above" if line.centre_z > 0 else "below" if line.centre_z < 0 else None)
    where = f": p is {side} 0.5 all over it" if side else ""
    subject = "That line" if ctx.data.n_features == 2 else "The line p = 0.5"  # named before?
    return f" {subject} lies outside the picture{where}."


def _model_figures(ctx: ViewContext) -> str:
    """Where the boundary is and how many samples are on their label's side of it."""
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    right = on_label_side(ctx.grad_pass.z, ctx.data.y)
    if len(right) == 1:
        share = f"the one sample is {'on' if right[0] else 'not on'} its label's side of p = 0.5"
    else:
        count = int(right.sum())
        share = (f"{count:,} of {len(right):,} samples {'is' if count == 1 else 'are'} on "
                 "their label's side of p = 0.5")
    w, b = ctx.w, ctx.b
    if not np.any(w != 0):  # p = σ(b) for every sample: all on one side, or (b = 0) a tie
        p, z = ctx.grad_pass.p[0], ctx.grad_pass.z[0]
        tie = (" (which counts as class 1: p ≥ 0.5 is predicted 1)" if z == 0 else
               f" (just {'above' if z > 0 else 'below'} 0.5)" if f(p) == f(0.5) else "")
        # σ(b) is never 0: below the smallest double, its true size, as the table beside
        # writes it (at b = -1000 this read "p = σ(b) = 0": a review)
        said = f(p) if p >= NORMAL else fmt_log10(1.0, float(log10_outputs([z], [0])[0][0]),
                                             ctx.digits)
        return (f"At step {ctx.k:,} every weight is 0: no boundary, p = σ(b) = {said} for every "
                f"sample{tie}, so {share}.")
    scaler = ctx.data.scaler if ctx.data.standardized else None
    if ctx.data.n_features == 1:
        with np.errstate(over="ignore"):
            at = -b / w[0]
        # b/w may be beyond the largest double (b = 1, w = 1e-310): written from logarithms,
        # where the page read "x = −b/w = overflow" (a review)
        # (the curve's picture spans the samples and a margin: the boundary may be beyond it,
        # where the player and the lesson draw no line; a review)
        low, high = padded_range(ctx.data.X[:, 0])
        off = "" if low <= at <= high else (f" That point lies outside the picture, which "
                                            f"spans x from {f(low)} to {f(high)}.")
        beyond = " (beyond the largest double)"
        at_text = (f(at) if math.isfinite(at) else
                   fmt_log_quotient(-b, w[0], ctx.digits) + beyond)
        if scaler is None:
            return (f"At step {ctx.k:,} the boundary p = 0.5 is at x = −b/w = {at_text}; "
                    f"{share}.{off}")
        # the x the model sees is standardized: say so, and where that is in the data's units
        with np.errstate(over="ignore"):
            raw = float(scaler.mean[0] + scaler.scale[0] * at)
        raw_text = f(raw) if math.isfinite(raw) else fmt_log_quotient(
            -b, w[0], ctx.digits, times=scaler.scale[0]) + beyond  # the mean is lost
        return (f"At step {ctx.k:,} the boundary p = 0.5 is at x = −b/w = {at_text} in "
                f"standardized units, {raw_text} in the units of "
                f"{md_escape(tables.feature_labels(ctx.names)[0], 40)}; {share}.{off}")
    if ctx.data.n_features == 2:
        terms = " ".join(f"{'−' if v < 0 else '+'} {f(abs(v))}·{t}" for v, t in
                         ((w[0], "x₁"), (w[1], "x₂"), (b, "1")))
        terms = terms.removesuffix("·1").removeprefix("+ ")
        terms = "−" + terms.removeprefix("− ") if terms.startswith("− ") else terms
        both = ", both standardized" if scaler is not None else ""
        x1, x2 = (md_escape(name, 40) for name in tables.feature_labels(ctx.names))  # not
        # "x₁ is b" beside the bias b in the same equation (a review)
        return (f"At step {ctx.k:,} the line p = 0.5 is where {terms} = 0 (x₁ is "
                f"{x1}, x₂ is {x2}{both}); "
                f"{share}.")
    return f"At step {ctx.k:,}, {share}."


def best_fit_text(ctx: ViewContext) -> str:
    """Whether this data, at this L2, has a best fit: computed, never a data note's claim."""
    limits = ctx.limits
    if limits.local is not None:
        return (f"With λ = {fmt(ctx.settings.l2, ctx.digits)} this data has a best fit: loss "
                f"{fmt(limits.optimum_loss, ctx.digits)}.")
    return limits.reason


def worked_settings() -> fields.Settings:
    """The worked example's exact setting: one step from w 2.197, b -6.593 at rate 0.1."""
    return fields.with_changes(
        fields.defaults("five_points"), learning_rate=examples.WORKED_RATE, steps=1,
        w0=(examples.WORKED_W,), b0=examples.WORKED_B, inspect=0)


def learning_rate_story(ctx: ViewContext, sweep) -> str:
    """Markdown: what the two limits mean on this data, with its numbers and the sweep's."""
    f = lambda v: fmt(v, ctx.digits)  # noqa: E731
    limits, l2 = ctx.limits, ctx.settings.l2
    n = ctx.data.n_samples
    penalty = f" + λ = {f(limits.L - l2)} + {f(l2)}" if l2 else ""
    rising = compute.first_rising_rate(ctx.data, ctx.settings.w0, ctx.settings.b0, l2)
    # the first rising rate lies above 2/L, at times by 2.5e-5 of it: both to the digits
    # that tell them apart, and their ratio never "1 ×" (an upload review read "at or below
    # η = 2/L = 6.362 no step raises the loss" over "one step first raises the loss at
    # η = 6.362, 1 × 2/L")
    rises, guaranteed = (fmt_apart(rising, limits.guaranteed, ctx.digits) if rising is not None
                         else (None, f(limits.guaranteed)))
    parts = [
        f"**The guarantee, 2/L.** The largest eigenvalue of [X 1]ᵀ[X 1] is "
        f"μmax = {f(limits.mu_max)}. Because the sigmoid's slope p(1 − p) is at most 1/4, the "
        f"loss bends at most L = μmax/4n{penalty} = {f(limits.L)} (n = {n:,}) in any "
        f"direction, so at or below η = 2/L = **{guaranteed}** no step raises the "
        "loss, from any start, and every step lowers it except at the best fit itself, where "
        "the gradient is 0. It is a guarantee, not the largest rate that works: the "
        "loss rarely bends that much.",
    ]
    if rising is None:
        parts.append("**From your start**, no single step at any rate up to 1000 raises the "
                     "loss.")
    else:
        parts.append(f"**From your start**, one step first raises the loss at η = {rises}, "
                     f"{times(rising / limits.guaranteed, ctx.digits)} × 2/L.")
    if limits.local is not None:
        parts.append(
            f"**The local limit, 2/μ\\*.** At the best fit the loss bends by at most "
            f"μ\\* = {f(limits.hessian_mu_max)} (the largest eigenvalue of its Hessian there), "
            f"so descent can settle at the best fit only below η = 2/μ\\* = "
            f"**{f(limits.local)}**. Between the two limits a step may raise the loss, yet the "
            "run can still settle; above 2/μ\\* it cannot settle at the best fit: it keeps "
            "oscillating, or with L2 it can grow until the numbers overflow.")
    else:
        ended_lower = int(np.sum(sweep.final_loss < sweep.loss[:, 0]))
        lower = (f"{ended_lower} of the {len(sweep.learning_rates)} swept rates "
                 f"{'ends below where it' if ended_lower == 1 else 'end below where they'} "
                 "started.")
        # (no "no best fit" where it exists and could not be computed: λ > 0; and no "none
        # to overshoot" where the loss has a floor above 0: above 2/μ₀* runs swing about it)
        if limits.no_optimum and limits.floor == 0 and l2:  # one label: above 2/λ the
            # weights grow, they do not zig-zag (a review: "can only zig-zag" beside
            # "Diverging" on the student at λ = 1, η = 3)
            penalty = limits.regime(ctx.settings.learning_rate).penalty_limit
            lower = (f"With no best fit to overshoot, a rate below 2/λ = {f(penalty)} can "
                     "only zig-zag on the way; above it the penalty alone makes every step "
                     "overshoot the weights by more, so they grow until the numbers overflow "
                     f"(unless every weight stays exactly 0). {lower}")
        elif limits.no_optimum and limits.floor == 0:
            lower = ("With no best fit to overshoot, a large rate can only zig-zag on the "
                     f"way: {lower}")
        parts.append(
            f"**No local limit at a best fit.** {limits.reason}"
            f"{floor_limit_text(limits, ctx.digits)} " + lower[0].upper() + lower[1:])
    parts.append(
        "**Small rates are slow.** Each step moves η times the gradient, so for small η the "
        "path barely depends on η except in its speed: halve η and every stretch of the "
        "curve takes about twice as many steps.")
    return "\n\n".join(parts)


def rounding_note(verdict, k: int, about: str) -> str:
    """The sentence saying that rounding decides the state at step ``k`` of a run with this
    verdict (`Verdict.rounding_decides`), and from which step, or "" where it does not.
    ``about`` says what is "about the state as this page computed it" ("the question is")."""
    if not verdict.rounding_decides(k):
        return ""
    gradients, losses = verdict.gradients_parted_at, verdict.parted_at
    parted = sorted(
        [(t, f"a partial derivative more than {GRADIENT_PART_RTOL:.1%} away from this run's")
         for t in [gradients] if t is not None and t <= k]
        + [(t, f"a loss more than {CHAOS_RTOL:.0e} of it away")
           for t in [losses] if t is not None and t <= k])
    (t0, what0), *later = parted
    how = (f"from step {t0:,} on, the same run with its samples added in the reverse order "
           f"has {what0}" + "".join(f", and from step {t:,} on {what}" for t, what in later)
           + ".")
    if verdict.rejoined_at is not None:  # (after k: `rounding_decides`)
        how = how[:-1] + (f" (until step {verdict.rejoined_at:,}, from which the two agree "
                          "again).")
    chaotic = verdict.chaotic and losses is not None and losses <= k
    how = f"This run is chaotic: {how}" if chaotic else how[0].upper() + how[1:]
    return (f"{how} So rounding decides the state at step {k:,}, and a replay by hand "
            f"reaches other numbers: {about} about the state as this page computed it.")


def no_minimum(limits) -> str:
    """Why the loss has no minimum, as a clause ("every label is 1, so ..."), or "" where it
    has one (`LearningRateLimits`)."""
    if limits.single_label is not None:
        bias = "the bias, which L2 does not penalize," if limits.l2 else "the bias"
        return (f"every label is {limits.single_label}, so the loss has no minimum ({bias} "
                f"runs off towards {'+' if limits.single_label == 1 else '-'}infinity)")
    if limits.separable and limits.l2 == 0:
        split = ("a line splits the classes" if limits.floor == 0 else
                 "the classes can be split by a line only with some samples exactly on it "
                 f"({limits.on_line:,} lie on every such line)" if limits.on_line else
                 "the classes can be split by a line (perhaps with samples exactly on it)")
        return f"{split} and there is no L2, so the loss has no minimum"
    return ""
