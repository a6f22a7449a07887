"""The loss landscape chart: a heatmap of log10(loss) over two parameters, its contour lines,
the descent paths and the marks (start, inspected step, best fit), and the max-margin ray."""

from __future__ import annotations

from collections.abc import Collection

import altair as alt
import numpy as np
import pandas as pd

from .charts import FIT_WIDTH, LOG_FLOOR, RUN_COLORS, linear_ticks, title_text
from .text import fmt, fmt_loss

#: The name of the heatmap's click selection (named, so the spec is the same on every rerun).
START_PARAM = "start_at"
#: The learner's own path: white over a dark halo, on every colour of the heatmap.
MINE_COLOR = "#FFFFFF"
#: The other optimizers' paths, in the registry's order (the overlay's run colours after the
#: first, so each optimizer has the colour it has in the optimizers' chart).
OTHER_COLORS = RUN_COLORS[1:]
#: The start, the inspected step and the best fit: Okabe-Ito's yellow outlined in black, a
#: colour no path has (they were the vermilion of Adam's path), bright on the heatmap's dark
#: cells and the dark theme's legend, outlined on its yellow cells and the light theme's.
MARK_FILL, MARK_STROKE = "#F0E442", "#000000"


def drawing_order(runs: list[str], behind: Collection[str]) -> list[str]:
    """The runs in the order `landscape_chart` draws their paths, the lowest first: those
    ``behind`` (the jittery ones), then the others in turn, and the learner's (the first of
    ``runs``) on top."""
    others = runs[1:]
    return [*(r for r in others if r in behind), *(r for r in others if r not in behind),
            *runs[:1]]


def landscape_chart(surface, segments: pd.DataFrame, paths: pd.DataFrame, marks: pd.DataFrame,
                    names: tuple[str, str], ray: pd.DataFrame | None = None,
                    behind: Collection[str] = (), *, digits: int) -> alt.LayerChart:
    """The loss over two parameters: a heatmap of log10(loss), contour lines, descent paths.

    Cells overlap their neighbours, so no background shows through as stripes between them.
    The learner's own run (the first in ``paths``) is white over a dark halo, so it stands out
    on every colour of the heatmap, on light and dark pages alike, and drawn over the other
    runs; the marks (start, inspected step, best fit) are yellow outlined in black, a colour no
    path has, over everything.

    Parameters
    ----------
    surface : logreg_core.landscape.Landscape
    segments : DataFrame (columns level, a, c, a2, c2)
    paths : DataFrame (columns run, step, a, c, loss)
    marks : DataFrame (columns what, a, c)
    names : (str, str)
        Axis titles.
    ray : DataFrame, optional
        Two points (columns a, c): the direction in which descent runs off.
    behind : collection of str
        Runs drawn under the others, thinner and translucent: those that jitter (mini-batch
        SGD), whose scribble covered the smooth paths.
    digits : int
        Significant digits the tooltips give each loss and weight (the page's setting).
    """
    # every number of a tooltip written in Python as the captions write it (`text.fmt`,
    # `text.fmt_loss`): d3's ".4~g" wrote 1.235e-05 as "0.00001235", 5.0e+03 as "5e+3",
    # -1100 as "−1100" and an underflowed loss as "0" (the captions' "< 5e-324")
    def texts(values, write=fmt) -> list[str]:
        return [write(float(v), digits) for v in values]

    a, c = surface.a, surface.c
    da, dc = (a[1] - a[0]) / 2, (c[1] - c[0]) / 2
    ga, gc = np.meshgrid(a, c)
    with np.errstate(divide="ignore"):
        log_loss = np.log10(np.maximum(surface.loss, LOG_FLOOR))
    overlap = 1.3  # cells reach into their neighbours: no anti-aliasing seams show as stripes
    cells = pd.DataFrame({
        "a": (ga - da * overlap).ravel(), "a2": (ga + da * overlap).ravel(),
        "c": (gc - dc * overlap).ravel(), "c2": (gc + dc * overlap).ravel(),
        "log10 loss": log_loss.ravel(), "loss": surface.loss.ravel(),
        "at_a": ga.ravel(), "at_c": gc.ravel(),  # the cell's centre: where a click starts
        "loss_text": texts(surface.loss.ravel(), fmt_loss),
    })
    paths = paths.assign(loss_text=texts(paths["loss"], fmt_loss), a_text=texts(paths["a"]),
                         c_text=texts(paths["c"]))
    marks = marks.assign(a_text=texts(marks["a"]), c_text=texts(marks["c"]))
    x_domain = [float(a[0] - da), float(a[-1] + da)]
    y_domain = [float(c[0] - dc), float(c[-1] + dc)]
    # round ticks with short labels: a picture framed on a diverging run spans 1e152
    x = alt.X("a:Q", title=title_text(names[0]), axis=alt.Axis(**linear_ticks(*x_domain)),
              scale=alt.Scale(domain=x_domain, nice=False, zero=False))
    y = alt.Y("c:Q", title=title_text(names[1]), axis=alt.Axis(**linear_ticks(*y_domain)),
              scale=alt.Scale(domain=y_domain, nice=False, zero=False))
    # A click on a cell gives back its centre (`START_PARAM`): the view starts the run there.
    start_at = alt.selection_point(name=START_PARAM, fields=["at_a", "at_c"], on="click",
                                   clear=False)
    heat = alt.Chart(cells).mark_rect(clip=True, cursor="crosshair").add_params(
        start_at).encode(
        x=x, x2="a2:Q", y=y, y2="c2:Q",
        color=alt.Color("log10 loss:Q", scale=alt.Scale(scheme="viridis"),
                        legend=alt.Legend(title="log10 loss", orient="bottom",
                                          gradientLength=160)),
        tooltip=[alt.Tooltip("loss_text:N", title="loss")],
    )
    contours = alt.Chart(segments).mark_rule(
        color="white", opacity=0.5, strokeWidth=1, clip=True).encode(x=x, y=y, x2="a2:Q",
                                                                     y2="c2:Q")
    runs = list(dict.fromkeys(paths["run"]))
    encode = dict(x=x, y=y, order="step:Q", detail="run:N")
    tooltip = ["run:N", alt.Tooltip("step:Q", format=","),
               alt.Tooltip("loss_text:N", title="loss"),
               alt.Tooltip("a_text:N", title=title_text(names[0])),
               alt.Tooltip("c_text:N", title=title_text(names[1]))]
    mine = paths[paths["run"] == runs[0]] if runs else paths
    layers = [heat, contours]
    if ray is not None:  # white dashes over a dark halo, like the learner's own path
        layers += [alt.Chart(ray).mark_line(color="#000000", strokeWidth=5, opacity=0.6,
                                            clip=True).encode(x=x, y=y),
                   alt.Chart(ray).mark_line(color=MINE_COLOR, strokeDash=[8, 5],
                                            strokeWidth=2.5, clip=True).encode(x=x, y=y)]
    # The ray under every path; the jittery runs (``behind``) under the others, thin and
    # translucent; each smooth run a little wider than the next, so a path drawn over another
    # leaves it showing at both edges; the learner's on top. At the default, momentum's,
    # Nesterov's and Adam's paths run down the valley on the ray and under mini-batch SGD's
    # jitter, Nesterov's on momentum's, and were hidden; in one layer with the learner's, the
    # white path lay under Adam's and Newton's (visual walks).
    others = runs[1:]
    scale = alt.Scale(domain=others, range=[OTHER_COLORS[k % len(OTHER_COLORS)]
                                            for k in range(len(others))])
    # the learner's white path is no swatch in it (white on white): the caption names it
    legend = alt.Legend(orient="bottom", columns=1, labelLimit=300, symbolOpacity=1)
    order = drawing_order(runs, behind)[:-1]  # the learner's is drawn last, below
    smooth = [r for r in order if r not in behind]
    drawn = [(r, 1.5, 0.7) for r in order if r in behind] + [
        (r, 2.5 + 1.5 * (len(smooth) - 1 - k), 1.0) for k, r in enumerate(smooth)]
    for k, (run, width, opacity) in enumerate(drawn):
        layers.append(alt.Chart(paths[paths["run"] == run]).mark_line(
            point=alt.OverlayMarkDef(size=14, clip=True), strokeWidth=width, opacity=opacity,
            clip=True).encode(**encode, tooltip=tooltip, color=alt.Color(
                "run:N", sort=others, title=None, scale=scale,
                legend=legend if k == 0 else None)))
    layers += [
        alt.Chart(mine).mark_line(color="#000000", strokeWidth=5, opacity=0.7,
                                  clip=True).encode(**encode),
        alt.Chart(mine).mark_line(
            color=MINE_COLOR, point=alt.OverlayMarkDef(size=14, clip=True, color=MINE_COLOR),
            strokeWidth=2.5, clip=True).encode(**encode, tooltip=tooltip),
    ]
    layers.append(alt.Chart(marks).mark_point(
        size=260, filled=True, opacity=1, fill=MARK_FILL, stroke=MARK_STROKE, strokeWidth=1.5,
        clip=True
    ).encode(
        x=x, y=y,
        # the legend's symbols drawn as the marks are, outline and all, from the mark's own
        # fill and stroke (Vega's default, black on black outlines, all but vanished on the
        # dark theme; a fill and stroke encoded as values lost the outline, and 0.7 opaque
        # the yellow was pale on the light theme's white)
        shape=alt.Shape("what:N", legend=alt.Legend(orient="bottom", title=None,
                                                    symbolOpacity=1, symbolSize=150,
                                                    symbolStrokeWidth=1),
                        scale=alt.Scale(domain=list(marks["what"]),
                                        range=["circle", "cross", "diamond"][:len(marks)])),
        tooltip=["what:N", *tooltip[3:]],
    ))
    # the legends below the plot one above the other: side by side they ran off a phone's
    # width, which cut the colour bar and hid the optimizers' legend
    return alt.layer(*layers).properties(height=400, autosize=FIT_WIDTH).configure_legend(
        layout={"expr": "{bottom: {direction: 'vertical', anchor: 'start'}}"})
