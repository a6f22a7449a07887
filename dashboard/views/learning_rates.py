"""Learning rates: the same start at several rates, a sweep across both limits, and
one-click scenarios that show each behaviour where it really happens."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from .. import charts, compute, explain, fields, rate_charts, scenarios, state
from ..context import ViewContext
from ..display import show_chart, show_curves
from ..text import fmt, fmt_loss, join_and, link_number, md_escape, plural

OVERLAY_FACTORS = (0.1, 0.5, 1.0, 2.0, 4.0)
SWEEP_LOW = 1e-4


def explorer_steps(ctx: ViewContext, runs: int, batched: bool = True) -> int:
    """Steps of the explorer's runs: the run's, within the explorer's cap and the budget."""
    data = ctx.data
    return max(1, min(ctx.settings.steps, compute.EXPLORER_MAX_STEPS,
                      compute.steps_allowed(data.n_samples, data.n_features, runs, batched)))


def overlay_factors(learning_rate: float) -> dict[float, float]:
    """The overlay's companions of your rate, {factor: rate}: x0.1, x0.5, x1, x2 and x4, each
    within the rates the page runs. A factor whose rate would leave them (at η = 1000, x2 and
    x4 drew 2000 and 4000, which the box, a link and a click refuse) is replaced by its
    mirror, 1/factor, on the other side of your rate; a mirror already there is not repeated."""
    chosen: dict[float, float] = {}
    for f in OVERLAY_FACTORS:
        for factor in (f, 1 / f):
            rate = companion(learning_rate, factor)
            if fields.LEARNING_RATE_MIN <= rate <= fields.LEARNING_RATE_MAX:
                chosen.setdefault(factor, rate)
                break
    return dict(sorted(chosen.items()))


def companion(learning_rate: float, factor: float) -> float:
    """``factor`` x your rate to 4 digits, and x1 exactly (rounded, a rate picked on the sweep
    drew a near copy of the learner's curve)."""
    return learning_rate if factor == 1 else float(f"{learning_rate * factor:.4g}")


def default_overlay_rates(learning_rate: float) -> tuple[float, ...]:
    """The rates the overlay draws when its box is empty (`overlay_factors`), ascending."""
    return tuple(sorted(set(overlay_factors(learning_rate).values())))


def times(factor: float) -> str:
    return f"{factor:g}×"


def overlay_default_words() -> str:
    """What an empty box draws, in words (`OVERLAY_FACTORS`)."""
    return f"Empty: {join_and(times(f) for f in OVERLAY_FACTORS)} your rate."


def overlay_replaced_words(learning_rate: float) -> str:
    """Which of the usual factors an empty box cannot draw at this rate, why, and what it
    draws instead (`overlay_factors`), or "" where it draws them all."""
    factors = overlay_factors(learning_rate)
    out = [f for f in OVERLAY_FACTORS if f not in factors]
    if not out:
        return ""
    past = [companion(learning_rate, f) for f in out]
    bound = (f"above {link_number(fields.LEARNING_RATE_MAX)}, the largest"
             if past[0] > fields.LEARNING_RATE_MAX else
             f"below {link_number(fields.LEARNING_RATE_MIN)}, the smallest")
    return (f"At your rate, {join_and([times(f) for f in out])} "
            f"({join_and([link_number(r) for r in past])}) "
            f"{'is' if len(out) == 1 else 'are'} {bound} rate the page runs, so the overlay "
            f"draws {join_and([times(f) for f in factors])} your rate "
            f"({join_and([link_number(r) for r in factors.values()])}).")


def sweep_rates(limits, count: int, learning_rate: float | None = None) -> np.ndarray:
    """``count`` rates, even on a log axis from 1e-4 to past both limits (at least to 10),
    reaching down to a decade below 2/L and to your rate where they are smaller (unscaled
    breast cancer has 2/L = 4.8e-6: a sweep from 1e-4 showed no rate where descent works) and
    up to your rate where it is larger."""
    rates = [] if learning_rate is None else [learning_rate]
    low = min(SWEEP_LOW, 10.0 ** math.floor(math.log10(min(limits.guaranteed / 10, *rates,
                                                            SWEEP_LOW))))
    local = limits.local or limits.floor_local or 0.0  # (the floor's, without a best fit)
    top = max(10.0, 4.0 * limits.guaranteed, 2.0 * local, *rates)
    return np.logspace(math.log10(low), math.log10(top), count)


def rules_frame(ctx: ViewContext, yours: str) -> pd.DataFrame:
    # Short labels: a legend cannot wrap, and on a phone a long one runs off the chart. The
    # caption under the charts says what each line is.
    rows = [(ctx.limits.guaranteed, f"2/L = {fmt(ctx.limits.guaranteed, 4)}", "guaranteed")]
    if ctx.limits.local is not None:
        rows.append((ctx.limits.local, f"2/μ* = {fmt(ctx.limits.local, 4)}", "local"))
    elif ctx.limits.floor_local is not None:  # the floor's, drawn alike
        rows.append((ctx.limits.floor_local, f"2/μ₀* = {fmt(ctx.limits.floor_local, 4)}",
                     "local"))
    # your rate as the overlay names it (its thick curve): 4 digits, or more where they are
    # needed to tell it from another rate drawn (a sweep click gives 0.0888624)
    rows.append((ctx.settings.learning_rate, f"your {yours}", "yours"))
    return pd.DataFrame(rows, columns=["learning_rate", "what", "kind"])


def long_run(limits, frozen: list[str], digits: int) -> str:
    """Where the runs of a sweep head without a best fit (`LearningRateLimits.floor`), as a
    clause; ``frozen`` says which stopped moving or never changed their loss (in double
    precision), and puts the long run in exact arithmetic."""
    exact = " in exact arithmetic" if frozen else ""
    rounding = "; in double precision " + ", and ".join(frozen) if frozen else ""
    if limits.floor == 0:
        return (f"the runs that do not diverge {'would ' if frozen else ''}fall towards 0 in "
                f"the long run{exact}, the slower ones later{rounding}")
    floor = ("the floor of the loss, above 0" if limits.floor is None else
             f"the floor of the loss, {fmt_loss(limits.floor, digits)}")
    where = f" (set by the {plural(limits.on_line, 'sample')} on every line that splits the " \
            "classes)" if limits.on_line else ""
    if limits.floor_local is None:
        return f"no run goes below {floor}{where}{rounding}"
    return (f"no run goes below {floor}{where}: below its local limit 2/μ₀* = "
            f"{fmt(limits.floor_local, 4)} the runs that come close enough "
            f"{'would ' if frozen else ''}fall towards it in the long run{exact}, never "
            f"reaching it, and above it they keep swinging{rounding}")


def sweep_frame(sweep, digits: int, rtol: float = 0.01) -> pd.DataFrame:
    """One row per swept rate: final loss (its words to ``digits``, `ended`), steps to within
    ``rtol`` of the best, verdict."""
    steps_in = sweep.steps_to_within(rtol)
    words = [rate_charts.within_words(int(s), v)
             for s, v in zip(steps_in, sweep.verdicts, strict=True)]
    # charted only where a figure is given (not reached, or decided by rounding: no point)
    reached = np.where([w[0].isdigit() for w in words], steps_in, np.nan)
    return pd.DataFrame({
        "learning_rate": sweep.learning_rates,
        "final_loss": sweep.final_loss,
        "steps_to_1pct": reached,
        "reached": words,
        "verdict": [v.kind for v in sweep.verdicts],
        "verdict_words": [v.kind_words for v in sweep.verdicts],
        "ended": [ended(v, final, digits)
                  for v, final in zip(sweep.verdicts, sweep.final_loss, strict=True)],
    })


def ended(verdict, final: float, digits: int) -> str:
    """How a swept run ended, in words: its last loss to ``digits`` (the page's setting), or
    to its certain digits where fewer, or its overflow."""
    if verdict.stopped_at is not None:
        return f"overflowed at step {verdict.stopped_at:,}"
    return fmt(final, max(1, min(digits, verdict.digits)))


def rate_names(rates) -> list[str]:
    """"η = 0.5" for each rate, to 4 significant digits, or to as many more as tell every
    two rates apart (a rate picked on the sweep has 6: 0.0888624 beside its rounded 0.08886,
    which shared a name, so that one curve was dropped and the thick line marked another)."""
    for digits in range(4, 18):
        names = [f"η = {r:.{digits}g}" for r in rates]
        if len(set(names)) == len(names):
            return names
    return [f"η = {r!r}" for r in rates]


def overlay_curves(sweep) -> tuple[dict, dict, dict]:
    """The overlay's curves, verdicts and legend notes (where a run overflowed), by name."""
    names = rate_names(sweep.learning_rates)
    curves = dict(zip(names, sweep.loss, strict=True))
    verdicts = dict(zip(names, sweep.verdicts, strict=True))
    notes = {n: overflow_note(v) for n, v in zip(names, sweep.verdicts, strict=True)
             if v.stopped_at is not None}
    return curves, verdicts, notes


def overflow_note(verdict) -> str:
    """The words a run's legend label adds where it overflowed (`Verdict.stopped_at`)."""
    return f", overflowed at step {verdict.stopped_at:,}"


def your_run(curves: dict, verdicts: dict, notes: dict, name: str, history) -> None:
    """Put the first screen's run (`train`) in place of the sweep's at your rate, in the
    dicts of `overlay_curves`. The sweep sums each step in another order, so where a run
    stops moving by rounding the two may name different steps: on the 20 students
    standardized at η = 2.2, 300 steps, the sweep's stopped at step 253 and `train`'s never,
    and the overlay's words said so beside a headline that did not."""
    loss = np.full(len(curves[name]), np.nan)
    loss[: len(history.loss)] = history.loss
    curves[name], verdicts[name] = loss, history.verdict
    notes.pop(name, None)
    if history.verdict.stopped_at is not None:
        notes[name] = overflow_note(history.verdict)


def overlay_frame(curves: dict, verdicts: dict, notes: dict, current: str,
                  digits: int) -> pd.DataFrame:
    """The overlay chart's frame from `overlay_curves`, ``current`` (a name) drawn thick, its
    tooltips' losses to ``digits``."""
    return rate_charts.curves_frame(curves, verdicts, current, notes, digits=digits)


def sweep_heading(table: pd.DataFrame, sweep) -> str:
    """What the sweep shows: where descent stops working, or that nothing stops working."""
    lower = bool(np.all(sweep.final_loss < sweep.loss[:, 0]))
    if lower and not set(table["verdict"]) & {"oscillating", "diverging"}:
        low, high = table["learning_rate"].iloc[[0, -1]]
        return (f"**Sweep: every rate from {fmt(low, 4)} to {fmt(high, 4)} ends lower than "
                "it started**")  # 4 digits: 1000, not "1e+03" (a second walk)
    return "**Sweep: where descent stops working**"


def render(ctx: ViewContext) -> None:
    settings, data, digits = ctx.settings, ctx.data, ctx.digits
    start = (settings.w0, settings.b0, settings.l2)
    scenarios.buttons(ctx)

    st.markdown("**Same start, several rates**")
    replaced = overlay_replaced_words(settings.learning_rate)
    st.text_input(
        "Rates to overlay", key="overlay_rates", persist_state="session",
        placeholder=", ".join(link_number(r) for r in
                              default_overlay_rates(settings.learning_rate)),
        help=f"Comma-separated, up to {fields.MAX_OVERLAY_RATES}. {overlay_default_words()} "
             + replaced)
    typed = fields.read_rates(settings.overlay_rates) if settings.overlay_rates.strip() else None
    if settings.overlay_rates.strip() and typed is None:
        st.error(f"“{md_escape(settings.overlay_rates, 60)}” is not a list of rates: type "
                 f"up to {fields.MAX_OVERLAY_RATES} numbers from "
                 f"{fields.LEARNING_RATE_MIN:g} to {fields.LEARNING_RATE_MAX:g}, separated "
                 "by commas (e.g. 0.05, 0.5, 2). Showing the rates around yours instead.")
    if typed is None and replaced:
        st.caption(replaced)
    rates = typed or default_overlay_rates(settings.learning_rate)
    rates = tuple(sorted({*rates, settings.learning_rate}))
    steps = explorer_steps(ctx, len(rates) + settings.sweep_count)
    if steps < settings.steps:
        st.caption(f"The explorer runs the first {steps:,} of your {settings.steps:,} steps.")
    overlay = compute.sweep(data, rates, steps, *start)
    curves, verdicts, notes = overlay_curves(overlay)
    # your curve: its rate is among them exactly (a typed 0.09999999999999 beside 0.1 took the
    # thick line when "close" was enough)
    yours = next(name for name, r in zip(curves, overlay.learning_rates, strict=True)
                 if r == settings.learning_rate)
    if ctx.history.steps == steps:  # your run as the first screen has it
        your_run(curves, verdicts, notes, yours, ctx.history)
    frame = overlay_frame(curves, verdicts, notes, yours, digits)
    show_curves(frame, "Loss from the same start; thick line: your rate", key="overlay_chart",
                alt="Loss curves of " + rate_charts.verdicts_text(verdicts))
    if note := charts.floor_note(*curves.values()):
        st.caption(note)
    zoom = rate_charts.zoom_frame(curves, verdicts, digits=digits)
    if not zoom.empty:
        show_chart(rate_charts.zoom_chart(zoom), key="zoom_chart",
                   alt="The last steps of the oscillating runs, each step a point.")
    swept = sweep_rates(ctx.limits, settings.sweep_count, settings.learning_rate)
    sweep = compute.sweep(data, tuple(swept), steps, *start)
    table = sweep_frame(sweep, digits)
    st.markdown(sweep_heading(table, sweep))
    st.slider("Rates in the sweep", fields.SWEEP_COUNT_MIN, fields.SWEEP_COUNT_MAX,
              key="sweep_count", persist_state="session")
    rules = rules_frame(ctx, yours)
    kinds = table["verdict_words"].value_counts()  # "settling in the long run, not yet"
    summary = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    refused = st.session_state.pop(state.SWEEP_PICK_REFUSED, None)
    if refused is not None:
        st.warning(f"The rate you clicked, η = {fmt(refused, 6)}, is outside the rates the page "
                   f"runs ({link_number(fields.LEARNING_RATE_MIN)} to "
                   f"{link_number(fields.LEARNING_RATE_MAX)}), so the rate stays "
                   f"{fmt(settings.learning_rate, 6)}. The sweep reaches past them to show "
                   "both limits.", icon=":material/block:")
    show_chart(rate_charts.sweep_chart(table, rules, steps), key="sweep_chart",
                    on_select=state.on_sweep_pick, selection_mode="pick",
                    alt=f"Loss after {plural(steps, 'step')} for {len(table)} rates from "
                        f"{fmt(swept[0], 3)} to {fmt(swept[-1], 3)}: {summary}.")
    if note := charts.floor_note(sweep.final_loss):
        st.caption(note)
    show_chart(rate_charts.speed_chart(table, rules, steps), key="speed_chart",
                    alt="The step from which each rate stays within 1% of the best loss any "
                        "rate reached.")
    close = int(table["steps_to_1pct"].notna().sum())
    # a run that stays within 1% from a step rounding decides is counted apart: it does in
    # this computation, not for certain ("0 of 40" had left out the iris petals' η = 2.286)
    undecided = int((table["reached"] == rate_charts.ROUNDING_DECIDES).sum())
    best = sweep.best_rates
    best_at = (f"at η = {fmt(best[0], 4)}" if len(best) == 1 else
               f"by {len(best)} rates, from η = {fmt(best[0], 4)} to {fmt(best[-1], 4)}")
    no_minimum = explain.no_minimum(ctx.limits)
    # a run whose updates fell below the rounding of w and b stays put (`stopped_moving_at`)
    still = sum(v.stopped_moving_at is not None for v in sweep.verdicts)
    # and one whose every change to the loss was lost to rounding (`loss_unchanged`)
    unchanged = sum(v.loss_unchanged for v in sweep.verdicts)
    frozen = ([f"{plural(still, 'run')} stopped moving (each update below the rounding of w "
               f"and b, or 0), so {'its' if still == 1 else 'their'} loss stays where it "
               "stopped"] if still else []) + (
        [f"the loss of {plural(unchanged, 'run')} never changed, though "
         f"{'its' if unchanged == 1 else 'their'} parameters moved (every change lost to "
         "rounding)"] if unchanged else [])
    race = ("" if not no_minimum else
            f" Here {no_minimum}: "
            f"the best is the lowest loss a run reached ({best_at}), not a "
            f"best fit, and {long_run(ctx.limits, frozen, digits)}.")
    st.caption(
        f"{close} of {len(table)} rates {'gets' if close == 1 else 'get'} within 1% of the "
        "best loss any rate reached in "
        f"{plural(steps, 'step')} ({fmt_loss(float(np.nanmin(sweep.loss)), digits)}) and "
        f"{'stays' if close == 1 else 'stay'} there to the last step"
        + (f"; {undecided} more {'does' if undecided == 1 else 'do'} in this computation, from "
           "a step that rounding decides" if undecided else "")
        + f".{race} "
        "Verdicts: "
        f"{summary}. Dashed line: 2/L, the guaranteed rate"
        + (", dotted: 2/μ*, the local limit" if ctx.limits.local is not None else
           ", dotted: 2/μ₀*, the floor's local limit" if ctx.limits.floor_local else "")
        + "; solid: your rate. Click a point to use its rate.")
    st.markdown(explain.learning_rate_story(ctx, sweep))
