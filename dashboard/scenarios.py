"""One-click scenarios: each learning-rate behaviour where it really happens, as a link.

On the default 5 points every rate up to 10 ends lower than it started (the points are
separable), so the rate's lesson cannot be seen there. Each scenario sets the data, the rate
and the steps that show one behaviour; "All four at once" overlays a rate too small, a good
one, one that oscillates and one that diverges, from one start. What each scenario's card says
is computed from the run shown (its figures, its verdict, the limits), and
tests/app/test_scenarios.py checks that each scenario's verdict is the one it names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from . import compute, fields, sources, state
from .context import ViewContext
from .text import fmt, link_number, plural

#: The settings that make a scenario what it is: a page whose settings match these is showing
#: it (the inspected step, the view and the digits may differ).
DEFINING = ("dataset", "standardize", "learning_rate", "steps", "w0", "b0", "l2",
            "overlay_rates")


@dataclass(frozen=True)
class Scenario:
    """A named setting that shows one behaviour.

    Attributes
    ----------
    key : str
    title : str
        The button's label.
    verdict : str
        The verdict kind the run must have (checked by a test).
    sentence : callable (ViewContext) -> str
        What to look at, computed from the run shown.
    changes : dict
        Settings that differ from the data set's defaults.
    hint : str
        The button's help: what it shows, in words (no figure).
    """

    key: str
    title: str
    verdict: str
    sentence: Callable[[ViewContext], str]
    changes: dict
    hint: str

    def settings(self) -> fields.Settings:
        dataset = self.changes.get("dataset", "wikipedia_students")
        base = fields.defaults(dataset)
        changes = {"dataset": dataset, "view": "rates", **self.changes}
        changes.setdefault("inspect", changes.get("steps", base.steps))
        return fields.with_changes(base, **changes)

    def link(self) -> str:
        return "?" + urlencode(fields.to_query(self.settings()))

    def shown_by(self, settings: fields.Settings) -> bool:
        own = self.settings()
        return all(getattr(settings, name) == getattr(own, name) for name in DEFINING)


def _f(ctx: ViewContext):
    return lambda v: fmt(v, ctx.digits)


def _too_small(c: ViewContext) -> str:
    f, h, lim = _f(c), c.history, c.limits
    return (f"The loss falls at every step, but after {plural(h.steps_run, 'step')} it is "
            f"{f(h.loss[-1])}, still above the best fit's {f(lim.optimum_loss)}: a rate "
            f"{f(lim.guaranteed / c.settings.learning_rate)} times below 2/L wastes steps.")


def step_changes(loss: np.ndarray) -> str:
    """How the computed ``loss`` of shape (steps + 1,) moved step by step, as a clause:
    "every step lowers the loss" where each is below the one before, else how many steps
    lowered it, how many left it the same double and how many raised it. Near the best fit
    a step lowers the exact loss by less than a double's spacing there: the "Good" run's loss
    computes as the same double at steps 1,985, 1,992, 1,997 and 2,000 as one step before,
    though in mpmath its exact loss falls at every step, and the card said "every step
    lowers the loss" (a review)."""
    change = np.diff(loss)
    fell, same, rose = (int(np.sum(t)) for t in (change < 0, change == 0, change > 0))
    if fell == len(change):
        return "every step lowers the loss"
    verb = lambda count, one, many: f"{count:,} {one if count == 1 else many}"  # noqa: E731
    parts = [verb(fell, "lowers", "lower") + " the loss"]
    if same:
        at = [int(k) + 1 for k in np.flatnonzero(change == 0)]
        where = f"at step {at[0]:,}" if same == 1 else f"the first at step {at[0]:,}"
        parts.append(f"{verb(same, 'leaves', 'leave')} its computed value the same double as "
                     f"one step before ({where})")
    if rose:
        parts.append(f"{verb(rose, 'raises', 'raise')} it, by at most "
                     f"{fmt(float(change.max()), 2)}")
    return (f"of the {plural(len(change), 'step')}, " + ", ".join(parts[:-1]) + " and "
            + parts[-1])


def _good(c: ViewContext) -> str:
    f, h, lim = _f(c), c.history, c.limits
    return (f"Below the guaranteed rate 2/L = {f(lim.guaranteed)}: "
            f"{step_changes(h.loss)}; after {plural(h.steps_run, 'step')} the loss is "
            f"{f(h.loss[-1])} (best fit {f(lim.optimum_loss)}).")


def _above_guarantee(c: ViewContext) -> str:
    f, v, lim = _f(c), c.history.verdict, c.limits
    return (f"Above the guaranteed rate 2/L = {f(lim.guaranteed)} the loss rose on "
            f"{plural(v.n_rises, 'step')}, yet below the local limit 2/μ* = {f(lim.local)} "
            f"the run settles at the best fit: {f(c.history.loss[-1])} after "
            f"{plural(c.history.steps_run, 'step')}.")


def _cycle(c: ViewContext) -> str:
    f, v = _f(c), c.history.verdict
    held = (f"a {v.period}-cycle between {f(v.low)} and {f(v.high)}" if v.basis == "cycle"
            else "swings that do not settle")
    return (f"Above the local limit 2/μ* = {f(c.limits.local)} descent cannot settle at the "
            f"best fit ({f(c.limits.optimum_loss)}): it is held in {held}, however many steps "
            "it takes.")


def _diverging(c: ViewContext) -> str:
    f, v, l2 = _f(c), c.history.verdict, c.settings.l2
    where = (f"at step {v.stopped_at:,}" if v.stopped_at is not None else
             "after more steps than these")
    return (f"With L2 = {f(l2)} the loss curves up like λ/2·‖w‖² far from the data, so a rate "
            f"above 2/λ = {f(2 / l2)} overshoots by more each step until the numbers overflow, "
            f"here {where}.")


def _separable(c: ViewContext) -> str:
    f, h, rate = _f(c), c.history, c.settings.learning_rate
    end, start = h.loss[-1], h.loss[0]
    where = ("down from" if end < start else "up from" if end > start else "the same as")
    return (f"{c.limits.reason} η = {link_number(rate)} is "
            f"{f(rate / c.limits.guaranteed)} times 2/L, and after "
            f"{plural(h.steps_run, 'step')} its loss is {f(end)}, {where} "
            f"{f(start)} at step 0: with no best fit to overshoot it only zig-zags on its "
            "way towards 0" + ("." if end < start else ", a phase that takes longer the "
                                                      "larger η is."))


ALL_FOUR_RATES = (0.01, 0.5, 3.0, 25.0)


def _all_four(c: ViewContext) -> str:
    s = c.settings
    sweep = compute.sweep(c.data, ALL_FOUR_RATES, s.steps, s.w0, s.b0, s.l2)
    parts = []
    for rate, verdict, end in zip(ALL_FOUR_RATES, sweep.verdicts, sweep.final_loss,
                                  strict=True):
        how = (f"overflows at step {verdict.stopped_at:,}" if verdict.stopped_at is not None
               else f"ends at {fmt(end, max(1, min(c.digits, verdict.digits)))}")
        parts.append(f"η = {link_number(rate)} is {verdict.kind_words} and {how}")
    return f"From one start, over {plural(s.steps, 'step')}: " + "; ".join(parts) + "."


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("all_four", "All four at once", "converging", _all_four,
             {"learning_rate": 0.5, "steps": 300, "l2": 0.1,
              "overlay_rates": ", ".join(link_number(r) for r in ALL_FOUR_RATES)},
             "A rate too small, a good one, one that oscillates and one that diverges, from "
             "one start on one chart."),
    Scenario("too_small", "Too small: slow", "converging", _too_small,
             {"learning_rate": 0.01, "steps": 2000},
             "A rate far below the guarantee: every step lowers the loss, slowly."),
    Scenario("good", "Good", "converging", _good, {"learning_rate": 0.5, "steps": 2000},
             "Below the guaranteed rate: no step raises the loss, and it falls to the best "
             "fit."),
    Scenario("above_guarantee", "Above 2/L, still settling", "settling", _above_guarantee,
             {"learning_rate": 1.27, "steps": 2000},
             "Between the two limits: the loss may rise on some steps, yet it settles."),
    Scenario("cycle", "Oscillating for ever", "oscillating", _cycle,
             {"learning_rate": 2.29, "steps": 2000},
             "Above the local limit: descent cannot settle at the best fit."),
    Scenario("diverging", "Diverging (with L2)", "diverging", _diverging,
             {"learning_rate": 3.0, "steps": 2000, "l2": 1.0},
             "With L2 and a rate above 2/λ the numbers grow until they overflow."),
    Scenario("separable", "Separable: any rate wins", "settling", _separable,
             {"dataset": "five_points", "learning_rate": 10.0, "steps": 2000},
             "No best fit to overshoot: even a large rate ends lower than a small one."),
)
BY_KEY = {s.key: s for s in SCENARIOS}


def _load(scenario: Scenario) -> None:
    """Open a scenario, keeping the digits the learner chose (they do not define it)."""
    digits = st.session_state.get("digits")
    settings = scenario.settings()
    if digits is not None:
        settings = fields.with_changes(settings, digits=digits)
    state.load_settings(settings, keep_view=False)


def buttons(ctx: ViewContext) -> None:
    """A button per scenario (each also a link a teacher can send), and the card of the one
    the page shows, computed from its run."""
    st.markdown("**Scenarios: each behaviour where it really happens**")
    row = st.container(horizontal=True, gap="small")
    for scenario in SCENARIOS:
        row.button(scenario.title, key=f"scenario_{scenario.key}",
                   on_click=_load, args=(scenario,), help=scenario.hint)
    current = next((s for s in SCENARIOS if s.shown_by(ctx.settings)), None)
    if current is None:
        return
    if sources.changed(ctx.source.key):
        # a card speaks of the scenario's data as loaded: on edited data "the loss falls at
        # every step … below 2/L" stood beside a run that oscillated, and on data made
        # separable the card's limit was None, a TypeError (a review)
        st.caption(f"These are the settings of the scenario “{current.title}”, but you "
                   "changed its data (the table, or samples added or removed on the plane), so "
                   "its card, which describes the data as loaded, is not shown.")
        return
    st.info(f"**{current.title}.** {current.sentence(ctx)}", icon=":material/science:")
