"""One-click scenarios: each learning-rate behaviour where it really happens, as a link.

On the default 5 points every rate up to 10 ends lower than it started (the points are
separable), so the rate's lesson cannot be seen there. Each scenario sets the data, the rate
and the steps that show one behaviour; the verdict shown beside it is computed by the core,
and tests/app/test_scenarios.py checks that each scenario's verdict is the one it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from . import fields, state
from .context import ViewContext


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
    sentence : str
        What to look at, in one sentence (no figure that the page does not compute).
    changes : dict
        Settings that differ from the data set's defaults.
    """

    key: str
    title: str
    verdict: str
    sentence: str
    changes: dict

    def settings(self) -> fields.Settings:
        dataset = self.changes.get("dataset", "wikipedia_students")
        base = fields.defaults(dataset)
        changes = {"dataset": dataset, "view": "rates", **self.changes}
        changes.setdefault("inspect", changes.get("steps", base.steps))
        return fields.with_changes(base, **changes)

    def link(self) -> str:
        return "?" + urlencode(fields.to_query(self.settings()))


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("too_small", "Too small: slow", "converging",
             "The loss falls at every step, but after 2,000 steps it is still well above the "
             "best fit: a rate this far below 2/L wastes steps.",
             {"learning_rate": 0.01, "steps": 2000}),
    Scenario("good", "Good", "converging",
             "Below the guaranteed rate 2/L: every step lowers the loss, and the run reaches "
             "the best fit.",
             {"learning_rate": 0.5, "steps": 2000}),
    Scenario("above_guarantee", "Above 2/L, still settling", "settling",
             "Above the guaranteed rate the loss may rise on some steps, yet below the local "
             "limit at the best fit the run still settles there.",
             {"learning_rate": 1.27, "steps": 2000}),
    Scenario("cycle", "Oscillating for ever", "oscillating",
             "Above the local limit descent cannot settle at the best fit: it falls into a "
             "cycle and stays there, however many steps it takes.",
             {"learning_rate": 2.29, "steps": 2000}),
    Scenario("diverging", "Diverging (with L2)", "diverging",
             "With an L2 penalty the loss curves up like λ/2·‖w‖² far from the data, so a "
             "rate above 2/λ overshoots by more each step until the numbers overflow.",
             {"learning_rate": 3.0, "steps": 2000, "l2": 1.0}),
    Scenario("separable", "Separable: any rate wins", "settling",
             "The 5 points can be split perfectly, so there is no best fit and no local "
             "limit: even a rate far above 2/L ends lower than a small one, however it "
             "zig-zags at first.",
             {"dataset": "five_points", "learning_rate": 10.0, "steps": 2000}),
)
BY_KEY = {s.key: s for s in SCENARIOS}


def buttons(ctx: ViewContext) -> None:
    """A button per scenario (each also a link a teacher can send)."""
    st.markdown("**Scenarios: each behaviour where it really happens**")
    row = st.container(horizontal=True, gap="small")
    for scenario in SCENARIOS:
        row.button(scenario.title, key=f"scenario_{scenario.key}",
                   on_click=state.load_settings, args=(scenario.settings(),),
                   kwargs={"keep_view": False}, help=scenario.sentence)
    current = next((s for s in SCENARIOS if s.settings() == _comparable(ctx)), None)
    if current is not None:
        st.info(f"**{current.title}.** {current.sentence} This run: "
                f"{ctx.history.verdict.describe()}", icon=":material/science:")


def _comparable(ctx: ViewContext) -> fields.Settings:
    """The page's settings with the view set as a scenario sets it."""
    return fields.with_changes(ctx.settings, view="rates")
