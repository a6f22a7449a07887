"""Charts of many runs: loss curves on shared axes, the last steps up close, the learning-rate
sweep and the steps each rate needs.

A diverging run would stretch a shared axis to 1e+280 and flatten every other curve: the
axes are capped where the other runs live, and a run that leaves them is marked where it
does ("off the chart") and named in the legend with where it overflowed. The limits 2/L and
2/μ* and the learner's rate are named in a legend, never as labels beside their lines (which
overlapped and were cut at the right edge, on a desktop and on a phone).
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import altair as alt
import numpy as np
import pandas as pd

from logreg_core.verdicts import Verdict

from .charts import (
    BOTTOM_LEGEND,
    FIT_WIDTH,
    HUGE_LABELS,
    LOG_FLOOR,
    MARKER_COLOR,
    RUN_COLORS,
    SMALL_STEPS,
    VERDICT_COLORS,
    VERDICT_DASH,
    VERDICT_SHAPES,
    ZIGZAG_SHARE,
    downsample,
    envelope_frame,
    log_ticks,
    small_steps,
    zigzags,
)
from .text import fmt, join_and, md_escape, plural


def within_words(step: int, verdict: Verdict) -> str:
    """A run's "steps to within 1%" as a table writes it (``step`` from
    `logreg_core.training.stays_within`, -1 where not reached): where rounding decides the
    run's state at that step, it decides the step too, and no figure is given."""
    if step < 0:
        return "not reached"
    return ROUNDING_DECIDES if verdict.rounding_decides(step) else f"{step:,}"


#: `within_words` where rounding decides the step.
ROUNDING_DECIDES = "decided by rounding"


def loss_texts(steps, loss, verdict: str | Verdict, digits: int) -> list[str]:
    """Each loss as a tooltip writes it: to ``digits`` (the page's "Digits shown"), or from
    the step where rounding decides the run's state (`Verdict.rounding_decides`) to its
    certain digits only, where fewer (a chaotic run at η = 1000 on the 20 students has one:
    "1e+02", not 100.922)."""
    if not isinstance(verdict, Verdict):
        return [fmt(v, digits) for v in loss]
    certain = max(1, min(digits, verdict.digits))
    return [fmt(v, certain if verdict.rounding_decides(int(k)) else digits)
            for k, v in zip(steps, loss, strict=True)]

#: Headroom of a capped axis above the highest loss of the runs that stay bounded.
CAP_HEADROOM = 3.0
#: Steps shown up close for oscillating runs.
ZOOM_STEPS = 40


def _verdict_scale() -> alt.Scale:
    return alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))


def kind_of(verdict: str | Verdict) -> str:
    """A verdict's kind ("converging", "oscillating", ...), from a `Verdict` or the kind."""
    return verdict.kind if isinstance(verdict, Verdict) else verdict


def verdicts_text(verdicts: dict) -> str:
    """Each run's verdict in full, by name, for a chart's text alternative: "η = 0.5:
    Converging: … η = 1: …", joined by a space, since each verdict ends its own sentence
    (joined by "; " they read "0.4015.; η = 1.1")."""
    return " ".join(f"{name}: {v.describe()}" for name, v in verdicts.items())


def curves_frame(curves: dict[str, np.ndarray], verdicts: dict[str, str | Verdict],
                 current: str | None = None, notes: dict[str, str] | None = None, *,
                 digits: int) -> pd.DataFrame:
    """Loss curves in long form for one chart: run, series, order, step, loss, verdict, current,
    label.

    Each curve is downsampled (see `charts.downsample`), or, when it zig-zags, replaced by its
    envelope (two series, "(high)" and "(low)"); entries after an overflow (nan) are dropped,
    never drawn. A `Verdict` gives its kind to the verdict column and its words, with what
    the run has shown of it (`Verdict.kind_words`: "settling in the long run, not yet"), to
    the legend; ``notes`` adds words to a run's legend label (where it overflowed).
    """
    frames = []
    notes = notes or {}
    for order, (name, loss) in enumerate(curves.items()):
        finite = np.flatnonzero(np.isfinite(loss))
        loss = loss[: finite[-1] + 1] if finite.size else loss[:0]
        verdict = verdicts[name]
        words = verdict.kind_words if isinstance(verdict, Verdict) else verdict
        common = {"run": name, "order": order, "verdict": kind_of(verdict),
                  "current": name == current,
                  "label": f"{name} · {words}{notes.get(name, '')}"}
        if zigzags(loss):  # two lines, highs and lows, rather than a solid band
            band = envelope_frame(loss)
            for part in ("high", "low"):  # each point at its own step, a point of the run
                steps = band[f"{part}_step"]
                frames.append(pd.DataFrame({
                    **common, "series": f"{name} ({part})", "step": steps,
                    "loss": band[part], "loss_text": loss_texts(steps, band[part], verdict,
                                                           digits)}))
            continue
        index = downsample(loss)
        frames.append(pd.DataFrame({**common, "series": name, "step": index,
                                    "loss": loss[index],
                                    "loss_text": loss_texts(index, loss[index], verdict, digits)}))
    return pd.concat(frames, ignore_index=True)


def envelope_note(frame: pd.DataFrame) -> str | None:
    """What the two lines of a zig-zagging run are (`curves_frame` draws its envelope), for a
    caption under the chart; None where no run is drawn so. Without it the two lines of one
    colour read as two runs (a visual walk: every run but Newton's at η = 5)."""
    drawn = list(dict.fromkeys(frame.loc[frame["series"].str.endswith(" (high)"), "run"]))
    if not drawn:
        return None
    one, who = len(drawn) == 1, join_and(md_escape(name, 60) for name in drawn)
    who = who[:1].upper() + who[1:] if who[:1].isascii() else who  # (not "Η" for "η")
    return (f"{who}: {'its' if one else 'each one’s'} loss turns between rising and "
            f"falling at more than {ZIGZAG_SHARE:.0%} of its steps, "
            f"so {'it is' if one else 'each is'} drawn as two lines of "
            f"{'its' if one else 'its own'} colour: the highest and the lowest loss over each "
            "stretch of steps.")


def loss_cap(frame: pd.DataFrame, column: str = "loss") -> float | None:
    """The top of a shared axis: above the bounded runs' highest loss, when a diverging run
    would stretch it (None when every run is bounded, or every one diverges)."""
    bounded = frame[frame["verdict"] != "diverging"]
    if bounded.empty or len(bounded) == len(frame):
        return None
    top = float(bounded[column].max())
    return top * CAP_HEADROOM if top > 0 else None


def loss_axis(frame: pd.DataFrame, log_scale: bool = True) -> tuple[float, float]:
    """The loss axis `curves_chart` draws for ``frame`` (from `curves_frame`): from the lowest
    loss to the highest, or, where a diverging run would stretch it, from a little below the
    lowest to the cap (`loss_cap`); on a log axis a loss below `LOG_FLOOR` counts as it."""
    loss = np.maximum(frame["loss"], LOG_FLOOR) if log_scale else frame["loss"]
    low, high = float(loss.min()), float(loss.max())
    cap = loss_cap(frame.assign(loss=loss))
    return (low, high) if cap is None else (low / 1.5 if log_scale else low, cap)


#: Two curves closer than this share of a chart's loss axis at every step draw as one line.
COINCIDE_SHARE = 0.01


class Overlap(NamedTuple):
    """Curves that lie on each other on a chart's axis (see `coinciding`)."""

    #: Two or more runs, every two of which lie on each other, in the curves' order.
    names: tuple[str, ...]
    #: The largest ratio of two of their losses at a step where all are on the chart, >= 1.
    ratio: float
    #: Steps (of those all have) where all are on the chart, below its top.
    shown: int
    #: Steps all have; at each of the others at least one is above the chart's top.
    steps: int
    #: Steps the longest of them has: more than ``steps`` where one ended sooner (Newton's 25
    #: iterations beside 200 steps of the others).
    longest: int = 0


def coinciding(curves: dict[str, np.ndarray], domain: tuple[float, float],
               log_scale: bool = True) -> list[Overlap]:
    """The groups of curves that lie on each other on the axis the chart draws. Two do where,
    at every step both have, they are closer than `COINCIDE_SHARE` of the axis's span (in
    log10 on a log axis), each clipped to the axis as the chart clips its lines. Steps where
    both are above the axis's top draw nothing; a curve that has ended (nan, an overflow)
    where the other is on the chart is apart from it. In the optimizers' chart momentum's
    line was hidden under Nesterov's, a name in the legend with no line to see (a visual
    walk); with a run overflowing at 1e+307, judged on the curves' own range of 300 decades,
    lines apart on an axis capped at 39 were said to lie on each other.

    A group is as large as it can be: every two of its curves lie on each other (three runs
    on one line were three pairs, three captions saying one thing at λ = 100).

    Parameters
    ----------
    curves : dict of name -> ndarray of shape (n_steps + 1,)
        Losses (nan after an overflow).
    domain : (low, high)
        The chart's loss axis (`loss_axis`).
    log_scale : bool

    Returns
    -------
    list of Overlap
        Largest groups first, then in the curves' order; none with a loss of 0 where all are
        on the chart, or never all on the chart.
    """
    low, high = domain
    if log_scale:
        span = math.log10(high) - math.log10(low) if 0 < low <= high else 0.0
    else:
        span = high - low
    if not (math.isfinite(span) and span > 0):
        return []

    def drawn(v: np.ndarray) -> np.ndarray:
        v = np.clip(v, low, high)
        return np.log10(v) if log_scale else v

    def together(names: tuple[str, ...]) -> Overlap | None:
        n = min(len(curves[name]) for name in names)
        v = np.array([np.asarray(curves[name][:n], float) for name in names])
        either = np.flatnonzero(np.isfinite(v).any(axis=0))
        n = either[-1] + 1 if either.size else 0  # no step where all have ended
        v = v[:, :n]
        off = ~(v <= high)  # above the top, or ended (nan)
        on = ~off.any(axis=0)
        if n < 2 or not on.any() or not np.all(v[:, on] > 0):
            return None
        for i in range(len(names)):  # every two: ended where the other is drawn, or apart
            for j in range(i + 1, len(names)):
                x, y = v[i], v[j]
                seen = ~(off[i] & off[j])
                if np.any(~(np.isfinite(x) & np.isfinite(y)) & seen) or not np.all(
                        np.abs(drawn(x[seen]) - drawn(y[seen])) < COINCIDE_SHARE * span):
                    return None
        shown = v[:, on]
        return Overlap(names, float(np.max(shown.max(axis=0) / shown.min(axis=0))),
                       int(on.sum()), n, max(len(curves[name]) for name in names))

    pairs = {pair for pair in itertools.combinations(curves, 2) if together(pair)}
    names = [name for name in curves if any(name in pair for pair in pairs)]
    found: list[Overlap] = []  # the largest groups whose every two lie on each other
    for size in range(len(names), 1, -1):
        for group in itertools.combinations(names, size):
            if (all(pair in pairs for pair in itertools.combinations(group, 2))
                    and not any(set(group) <= set(o.names) for o in found)
                    and (overlap := together(group))):
                found.append(overlap)
    return found


def curves_chart(frame: pd.DataFrame, title: str, log_scale: bool = True) -> alt.LayerChart:
    """Several loss curves on shared axes (frame from `curves_frame`).

    Each run has its own colour (Okabe-Ito, in order); the line style names the verdict
    (solid converging, long dashes settling, dashes oscillating, dots diverging); the current
    run is thicker. The legend reads "run · verdict". A run that leaves a capped axis (see
    `loss_cap`) is clipped there, with a triangle where it leaves.
    """
    frame = frame.copy()
    frame["width"] = np.where(frame["current"], 4.0, 1.8)
    if log_scale:
        frame["loss"] = np.maximum(frame["loss"], LOG_FLOOR)
    labels = list(dict.fromkeys(frame.sort_values("order")["label"]))
    colors = [RUN_COLORS[k % len(RUN_COLORS)] for k in range(len(labels))]
    cap = loss_cap(frame)
    # no "nice" axis: it would round out to whole decades and squeeze the curves; the domain
    # given, so what `coinciding` judges on is what is drawn
    low, high = loss_axis(frame, log_scale)
    scale = {"type": "log" if log_scale else "linear", "nice": False, "domain": [low, high]}
    x = alt.X("step:Q", title="step",
              axis=alt.Axis(values=small_steps(frame["step"].max()), format="d")
              if frame["step"].max() <= SMALL_STEPS else alt.Undefined)
    ticks = log_ticks(low, high) if log_scale and 0 < low < high else []
    axis = alt.Axis(values=ticks, format="~g", **HUGE_LABELS) if ticks else alt.Axis(
        **HUGE_LABELS)
    y = alt.Y("loss:Q", title="loss" + (" (log scale)" if log_scale else ""),
              scale=alt.Scale(**scale), axis=axis)
    color = alt.Color("label:N", sort=labels, title=None,
                      scale=alt.Scale(domain=labels, range=colors),
                      legend=alt.Legend(**BOTTOM_LEGEND))
    lines = alt.Chart(frame).mark_line(clip=True).encode(
        x=x, y=y, color=color,
        strokeDash=alt.StrokeDash(
            "verdict:N", legend=None,
            scale=alt.Scale(domain=list(VERDICT_DASH), range=list(VERDICT_DASH.values()))),
        strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        detail="series:N",
        tooltip=["run:N", "verdict:N", alt.Tooltip("step:Q", format=","),
                 alt.Tooltip("loss_text:N", title="loss")],
    )
    layers = [lines]
    if cap is not None:
        above = frame[frame["loss"] > cap]
        exits = above.sort_values("step").groupby("run", as_index=False).first()
        exits = exits.assign(loss=cap, note="off the chart from here")
        layers.append(alt.Chart(exits).mark_point(shape="triangle-up", size=120, filled=True,
                                                  clip=False).encode(
            x=x, y=y, color=color.legend(None),
            tooltip=["run:N", "note:N", alt.Tooltip("step:Q", format=",")]))
    return alt.layer(*layers).properties(title=alt.TitleParams(title, limit=0), height=300,
                                         autosize=FIT_WIDTH)


def zoom_frame(curves: dict[str, np.ndarray], verdicts: dict[str, str | Verdict],
               steps: int = ZOOM_STEPS, *, digits: int) -> pd.DataFrame:
    """The last ``steps`` states of each oscillating run, every one (no envelope): up close a
    2-cycle zig-zags, where over thousands of steps it reads as two flat lines."""
    frames = []
    for order, (name, loss) in enumerate(curves.items()):
        if kind_of(verdicts[name]) != "oscillating" or not np.all(np.isfinite(loss)):
            continue
        start = max(0, len(loss) - steps)
        shown = np.arange(start, len(loss))
        frames.append(pd.DataFrame({"run": name, "order": order, "step": shown,
                                    "loss": loss[start:],
                                    "loss_text": loss_texts(shown, loss[start:],
                                                            verdicts[name], digits)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def zoom_chart(frame: pd.DataFrame) -> alt.Chart:
    """The last steps of the oscillating runs, each step a point, on a linear axis."""
    first = frame.sort_values("order").drop_duplicates("run")
    runs = list(first["run"])
    colors = [RUN_COLORS[int(k) % len(RUN_COLORS)] for k in first["order"]]
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("step:Q", title="step", axis=alt.Axis(format=",")),
        y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", sort=runs, title=None, scale=alt.Scale(domain=runs,
                                                                      range=colors),
                        legend=alt.Legend(**BOTTOM_LEGEND)),
        tooltip=["run:N", alt.Tooltip("step:Q", format=","),
                 alt.Tooltip("loss_text:N", title="loss")],
    ).properties(title=alt.TitleParams(f"The last {ZOOM_STEPS} steps of the oscillating runs, "
                                       "up close", limit=0), height=220, autosize=FIT_WIDTH)


def _sweep_encodings(frame: pd.DataFrame, steps: int, rules: pd.DataFrame | None = None):
    rates = frame["learning_rate"] if rules is None else pd.concat(
        [frame["learning_rate"], rules["learning_rate"]])
    domain = [float(rates.min()), float(rates.max())]  # every limit and your rate in view
    x = alt.X("learning_rate:Q", title="learning rate η (log scale)",
              scale=alt.Scale(type="log", domain=domain, padding=12),
              axis=alt.Axis(format="~g"))
    tooltip = [alt.Tooltip("learning_rate:Q", title="η", format=".4g"),
               alt.Tooltip("ended:N", title=f"loss after {plural(steps, 'step')}"),
               alt.Tooltip("reached:N", title="steps to within 1%"),
               # the verdict in words ("settling in the long run, not yet") where given
               alt.Tooltip("verdict_words:N" if "verdict_words" in frame else "verdict:N",
                           title="verdict")]
    color = alt.Color("verdict:N", scale=_verdict_scale(), title="verdict",
                      legend=alt.Legend(orient="bottom", columns=2))
    # the same title, field and legend as the colour: Vega-Lite draws one legend of coloured
    # shapes (two, the shapes' right of the plot in black, narrowed it on a phone and
    # vanished on the dark theme)
    shape = alt.Shape("verdict:N", title="verdict", scale=alt.Scale(
        domain=list(VERDICT_SHAPES), range=list(VERDICT_SHAPES.values())),
        legend=alt.Legend(orient="bottom", columns=2))
    return x, tooltip, color, shape


#: How each kind of rule is drawn: the two limits dashed and dotted in grey, your rate solid.
RULE_STYLE = {"guaranteed": ("#777777", [6, 3]), "local": ("#777777", [2, 2]),
              "yours": (MARKER_COLOR, [1, 0])}


def _rate_rules(x, rules: pd.DataFrame) -> alt.Chart:
    """Vertical rules at named rates (columns learning_rate, what, kind), named in a legend
    below the chart."""
    names = list(rules["what"])
    styles = [RULE_STYLE[kind] for kind in rules["kind"]]
    return alt.Chart(rules).mark_rule(strokeWidth=2).encode(
        x=x,
        color=alt.Color("what:N", sort=names, title=None, scale=alt.Scale(
            domain=names, range=[c for c, _ in styles]),
            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
        strokeDash=alt.StrokeDash("what:N", sort=names, legend=None, scale=alt.Scale(
            domain=names, range=[d for _, d in styles])),
        tooltip=["what:N"],
    )


def sweep_chart(frame: pd.DataFrame, rules: pd.DataFrame, steps: int) -> alt.LayerChart:
    """Final loss against learning rate (log axes), the limits and the current rate.

    Points are coloured and shaped by verdict; a diverging rate whose loss would stretch the
    axis sits at its cap (its tooltip says how it ended). A click selects the nearest point:
    the selection parameter ``pick`` carries ``learning_rate``.
    """
    pick = alt.selection_point(name="pick", fields=["learning_rate"], on="click",
                               clear=False, nearest=True)
    x, tooltip, color, shape = _sweep_encodings(frame, steps, rules)
    cap = loss_cap(frame, "final_loss")
    shown = np.maximum(frame["final_loss"], LOG_FLOOR)
    if cap is not None:
        shown = np.minimum(shown, cap)
    frame = frame.assign(final_loss=shown)
    points = alt.Chart(frame).mark_point(filled=True, size=80).encode(
        x=x, y=alt.Y("final_loss:Q", title=f"loss after {plural(steps, 'step')} (log)",
                     scale=alt.Scale(type="log")),
        color=color, shape=shape, tooltip=tooltip,
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.6)),
    ).add_params(pick)
    return alt.layer(points, _rate_rules(x, rules)).resolve_scale(
        color="independent", shape="independent", strokeDash="independent").properties(
        height=280, title="Click a point to use its rate", autosize=FIT_WIDTH)


def speed_chart(frame: pd.DataFrame, rules: pd.DataFrame, steps: int) -> alt.LayerChart:
    """The step from which each rate stays within 1% of the best loss seen (where it does)."""
    x, tooltip, color, shape = _sweep_encodings(frame, steps, rules)
    reached = frame[frame["steps_to_1pct"].notna()]
    # From 0 to the next power of ten above the slowest run, ticked at the powers of ten: with
    # one run reaching, Vega's own domain put its point on the top edge, ticked 0, 200, 400.
    slowest = float(reached["steps_to_1pct"].max()) if len(reached) else 1.0
    top = 10 ** (math.floor(math.log10(max(slowest, 1.0))) + 1)
    points = alt.Chart(reached).mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("steps_to_1pct:Q", title="steps to within 1%",
                     scale=alt.Scale(type="symlog", domain=[0, top]),
                     axis=alt.Axis(values=[0, *(10 ** k for k in range(
                         1, int(math.log10(top)) + 1))], format=",d")),
        color=color.legend(None), shape=shape.legend(None), tooltip=tooltip,
    )
    return alt.layer(points, _rate_rules(x, rules).encode(
        color=alt.Color("what:N", legend=None, sort=list(rules["what"]), scale=alt.Scale(
            domain=list(rules["what"]), range=[RULE_STYLE[k][0] for k in rules["kind"]])))
    ).resolve_scale(color="independent", strokeDash="independent").properties(
        height=200, autosize=FIT_WIDTH, title="Steps until within 1% of the best, for good")
