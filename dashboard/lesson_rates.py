"""The lesson's learning-rate questions (parts 6 and 7): three rates from one start, and which
ends lowest, decided only as far as double precision can tell.

A run of 2,000 steps rounds at every step. Where two rates' final losses are closer together
than rounding may have moved them (`logreg_core.training.end_ranges`, measured against the
same runs kept to about twice double precision) the page says so and counts each as right;
elsewhere it names the lowest alone, with the digits that show it lowest. A fixed tolerance
did neither: 1e-12, and at least 1e-12 absolute, made every end below 1e-12 a tie (a review:
ends of 2.765760043e-13, 2.765760042e-13 and 2.765760039e-13 all "lowest", where mpmath
confirms the last).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import logreg_core as lc

from . import charts, compute, rate_charts
from .context import ViewContext
from .display import show_curves
from .text import apart_digits, fmt, join_and, link_number, plural

#: The rates parts 6 and 7 compare (on the students, then on the separable 5 points).
RATES_TRIO = (0.01, 0.5, 2.29)
SEPARABLE_TRIO = (0.1, 1.0, 10.0)
_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
assert len(RATES_TRIO) == len(SEPARABLE_TRIO) in _COUNT_WORDS
RATES_SHOWN = _COUNT_WORDS[len(RATES_TRIO)]

#: The last option of the rate questions, always offered: with L2 or a far start every rate
#: of the trio can overflow, and then no rate ends lowest.
ALL_OVERFLOW = f"none: all {RATES_SHOWN} overflow"


def rates_sweep(ctx: ViewContext, rates) -> tuple[lc.Sweep, int]:
    """The rates' runs from the page's start, and their steps (within the work budget)."""
    s, data = ctx.settings, ctx.data
    steps = min(s.steps, compute.steps_allowed(data.n_samples, data.n_features, len(rates),
                                               batched=True))
    return compute.sweep(data, tuple(rates), steps, s.w0, s.b0, s.l2), steps


def rate_option(rate: float) -> str:
    return f"η = {link_number(rate)}"


def rate_options(rates) -> tuple[str, ...]:
    return (*(rate_option(r) for r in rates), ALL_OVERFLOW)


def lowest_runs(ctx: ViewContext, rates) -> np.ndarray:
    """The runs that may end lowest: the lowest computed end, and every run whose end could
    lie at or below it but for rounding (`compute.end_ranges`: its range reaches below the
    top of another's). Empty where every run overflowed (an overflow is no end)."""
    sweep, steps = rates_sweep(ctx, rates)
    ended = sweep.stopped_at < 0
    if not ended.any():
        return np.array([], dtype=int)
    s = ctx.settings
    low, high = compute.end_ranges(ctx.data, tuple(rates), steps, s.w0, s.b0, s.l2)
    best = int(np.argmin(np.where(ended, sweep.final_loss, np.inf)))
    may = ended & (low <= high[ended].min())
    may[best] = True
    return np.flatnonzero(may)


def lowest(ctx: ViewContext, rates) -> tuple[str, ...]:
    """The question's right options (`lowest_runs`), or `ALL_OVERFLOW`."""
    runs = lowest_runs(ctx, rates)
    return tuple(rate_option(rates[k]) for k in runs) if runs.size else (ALL_OVERFLOW,)


def _where(rate: float, limits) -> str:
    """Where a rate sits among this data's limits, in words."""
    if side := limits.regime(rate).penalty_side:  # as the verdict takes it
        return f"{side} 2/λ = {fmt(2 / limits.l2, 4)}"
    if rate <= limits.guaranteed:
        return f"at or below 2/L = {fmt(limits.guaranteed, 4)}"
    if limits.floor_local is not None:  # no best fit, a floor above 0 (`LearningRateLimits`)
        return (f"above the floor's local limit 2/μ₀* = {fmt(limits.floor_local, 4)}"
                if rate > limits.floor_local else "between 2/L and the floor's local limit 2/μ₀*")
    if limits.local is None:
        return ("above 2/L, with no best fit to overshoot" if limits.floor == 0 else
                "above 2/L, with no best fit" if limits.no_optimum else
                "above 2/L, where the best fit could not be computed")
    if rate > limits.local:
        return f"above the local limit 2/μ* = {fmt(limits.local, 4)}"
    return "between 2/L and the local limit 2/μ*"


def _telling_digits(ctx: ViewContext, sweep: lc.Sweep, runs: np.ndarray) -> int:
    """Digits for the rates' ends: the reader's, or as many more as show the one lowest run
    below the nearest other end (2.766e-13 thrice read as no answer)."""
    ends = np.where(sweep.stopped_at < 0, sweep.final_loss, np.nan)
    if runs.size != 1 or np.count_nonzero(np.isfinite(ends)) < 2:
        return ctx.digits
    k = int(runs[0])
    others = np.delete(ends, k)
    near = float(others[np.nanargmin(np.abs(others - ends[k]))])
    return apart_digits(ends[k], near, ctx.digits) or 17


def _certain_digits(ctx: ViewContext, rates, sweep: lc.Sweep, steps: int) -> np.ndarray:
    """Significant digits of each run's final loss that rounding leaves certain, by its range
    (`compute.end_ranges`): 10 where it may be off by 1.3e-11 of itself; 17 where unknown (an
    overflow)."""
    s = ctx.settings
    low, high = compute.end_ranges(ctx.data, tuple(rates), steps, s.w0, s.b0, s.l2)
    with np.errstate(invalid="ignore", divide="ignore"):
        off = (high - low) / 2 / np.abs(sweep.final_loss)
        return np.where(np.isfinite(off) & (off > 0), np.floor(-np.log10(off)), 17).astype(int)


def rates_why(ctx: ViewContext, rates) -> str:
    """Each rate's end (or overflow), kind and place among the limits; where rounding decides
    which ends lowest, that too."""
    sweep, steps = rates_sweep(ctx, rates)
    runs = lowest_runs(ctx, rates)
    shown = _telling_digits(ctx, sweep, runs)
    parts = []
    for rate, verdict, end, stop, certain in zip(
            rates, sweep.verdicts, sweep.final_loss, sweep.stopped_at,
            _certain_digits(ctx, rates, sweep, steps), strict=True):
        digits = max(1, min(shown, verdict.digits, certain))  # no more than are certain
        ends = (f"overflows at step {int(stop):,}" if stop >= 0 else
                f"ends at {fmt(end, digits)}")
        kind = verdict.kind_words.replace(" (", ", ").replace(")", "")  # no nested brackets
        parts.append(f"η = {link_number(rate)} {ends} ({kind}; {_where(rate, ctx.limits)})")
    text = f"After {plural(steps, 'step')} from the same start: " + "; ".join(parts) + "."
    if runs.size > 1:
        text += (f" {join_and([rate_option(rates[k]) for k in runs])} end closer together "
                 f"than rounding may have moved them over {plural(steps, 'step')} (measured "
                 "against the same runs kept to about twice double precision): double "
                 "precision cannot tell which ends lower, so each of them counts as right.")
    return text


def limits_sentence(ctx: ViewContext) -> str:
    limits, f = ctx.limits, lambda v: fmt(v, ctx.digits)
    if limits.local is not None:
        return (f"There is a best fit (loss {f(limits.optimum_loss)}). At or below 2/L = "
                f"{f(limits.guaranteed)} no step raises the loss; above the local limit "
                f"2/μ* = {f(limits.local)} descent cannot settle at the best fit.")
    return f"{limits.reason} At or below 2/L = {f(limits.guaranteed)} no step raises the loss."


def rates_chart(ctx: ViewContext, rates) -> None:
    sweep, steps = rates_sweep(ctx, rates)
    names = [rate_option(r) for r in rates]
    verdicts = dict(zip(names, sweep.verdicts, strict=True))
    frame = rate_charts.curves_frame(dict(zip(names, sweep.loss, strict=True)), verdicts,
                                     digits=ctx.digits)
    title = f"Loss over {plural(steps, 'step')} at {RATES_SHOWN} rates"
    show_curves(frame, title, key="lesson_rates", alt=rate_charts.verdicts_text(verdicts))
    if note := charts.floor_note(*sweep.loss):
        st.caption(note)
