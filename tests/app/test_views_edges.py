"""Views at the edges of what the controls and links allow: states that walks through the
served app found false or broken, each checked against the core or by hand."""

import json
import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import logreg_core as lc
from dashboard.text import fmt
from tests.app.helpers import chart_datasets, frames_with, page_text, plain, table


@pytest.mark.parametrize("query", [
    # a rate picked on the sweep (6 digits) beside its own 4-digit multiple, 1x: they shared a
    # name, one curve was dropped and the thick line marked the 2x run (found by a walk)
    {"lr": "0.0888624"},
    # a typed rate equal to the page's to 4 digits: the page raised (zip, strict)
    {"lr": "0.522335", "rates": "0.1,0.5223"},
    {"lr": "0.5", "rates": "0.12341,0.12342,0.2"},
    # a typed rate within 1e-12 of yours took the thick line (a second walk)
    {"lr": "0.1", "rates": "0.09999999999999"},
])
def test_every_overlay_rate_has_its_own_curve_and_the_thick_one_is_yours(new_app, query):
    at = new_app(tab="rates", **query).run()
    assert not at.exception, [e.value for e in at.exception]
    data = lc.load_dataset("five_points")
    rate = float(query["lr"])
    # the default: 0.1x, 0.5x, 2x and 4x to 4 digits, and yours exactly (a rounded 1x drew
    # a near copy of your curve beside it, a second walk)
    typed = [float(r) for r in query["rates"].split(",")] if "rates" in query else [
        float(f"{rate * f:.4g}") for f in (0.1, 0.5, 2, 4)]
    (overlay,) = [f for f in frames_with(at, "run") if f["run"].str.startswith("η").all()]
    assert overlay["run"].nunique() == len({*typed, rate})
    (mine,) = set(overlay.loc[overlay["current"], "run"])
    def off(name):
        return abs(float(name.removeprefix("η = ")) - rate)

    assert all(off(mine) < off(other) for other in set(overlay["run"]) - {mine})
    rules = pd.concat(frames_with(at, "what", "kind")).drop_duplicates("what")
    assert set(rules.loc[rules["kind"] == "yours", "what"]) == {f"your {mine}"}
    loss = lc.train(data.X, data.y, learning_rate=rate, steps=200).loss
    rows = overlay[overlay["run"] == mine].sort_values("step")
    assert rows["loss"].to_numpy() == pytest.approx(loss[rows["step"].to_numpy()], rel=1e-12)


def test_the_sweep_reaches_below_2_over_L_and_every_rule_is_on_its_axis(new_app):
    """Unscaled breast cancer has 2/L = 4.8e-6: a sweep from 1e-4 up held no rate where
    descent works, and the 2/L rule and your rate's were drawn left of the axis (a walk)."""
    at = new_app(data="breast_cancer", std="0", lr="0.000001", steps="20", tab="rates").run()
    assert not at.exception, [e.value for e in at.exception]
    data = lc.load_dataset("breast_cancer")
    design = np.column_stack([data.X, np.ones(len(data.y))])
    two_over_l = 2 / (np.linalg.eigvalsh(design.T @ design)[-1] / (4 * len(data.y)))
    sweep = frames_with(at, "final_loss")[0]
    assert sweep["learning_rate"].min() <= two_over_l / 10
    assert sweep["learning_rate"].min() <= 1e-6
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    (spec,) = [s for s in specs if "Click a point" in json.dumps(s.get("title"))]
    low, high = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert low <= min(two_over_l, 1e-6) and high >= 10


@pytest.mark.parametrize(("query", "cause"), [
    # students at η = 10 for 50 steps: z = 233, J = 5.5e-102; the loop's loss is exactly 0
    ({"data": "student", "lr": "10", "steps": "50"}, "loses digits"),
    ({}, "in a different order"),  # the 5 points at step 200: the last bits
])
def test_loop_vs_vectorized_gives_the_cause_of_their_difference(new_app, query, cause):
    at = new_app(tab="code", **query).run()
    assert not at.exception
    (said,) = [m.value for m in at.markdown if "Largest difference over loss" in m.value]
    assert cause in said, said
    if cause == "loses digits":
        assert "loop loss 0, vectorized 5.463e-102" in said and "100% of the value" in said


@pytest.mark.parametrize("tab", ["code", "buggy"])
def test_code_blocks_keep_their_lines_whole(new_app, tab):
    """Found by a walk: wrapped at the column's width, a signature read
    "def terms(self, theta: np.ndarray, rows=None) -" and, on the next line from column 0,
    "> tuple:". Every code block scrolls sideways instead, its source dedented."""
    at = new_app(tab=tab).run()
    blocks = [c for c in at.code if c.language == "python"]
    assert blocks
    for block in blocks:
        assert not block.proto.wrap_lines, block.value[:60]
    assert not any(b.value.startswith(" ") for b in blocks)  # a method is dedented
    if tab == "code":
        assert any(b.value.startswith("def terms(self, theta: np.ndarray, rows=None) -> tuple:")
                   for b in blocks)


def test_the_students_textbook_column_says_what_it_printed_and_dashes_the_rest(new_app):
    """The grid wrote a grey "None" where the textbook printed no new b (a screenshot)."""
    from logreg_core import examples

    at = new_app(tab="student").run()
    frame = table(at, "with p − y rounded to -0.67 first")
    printed = dict(zip(frame["quantity"], frame["textbook"], strict=True))
    assert printed["new b"] == "—"
    assert all(isinstance(v, str) and v != "None" for v in printed.values())
    assert printed["new w1"] == f"{examples.STUDENT_PRINTED['new w1']:g}"


def test_the_worked_view_off_the_five_points_points_to_a_button_that_is_there(new_app):
    at = new_app(tab="worked", data="breast_cancer").run()
    (note,) = [i.value for i in at.info if "Load this step" in i.value]
    assert "its first screen has a **Load this step** button" in note
    at = new_app(data="five_points", std="0").run()
    assert at.button(key="load_worked").label == "Load this step"


def test_the_buggy_loops_reported_loss_is_off_only_where_it_is(new_app):
    """Found by a walk: with only the accumulated error on, the loop's own loss is the true
    loss, and the page wrote "(off by 0)"."""
    at = new_app(data="wikipedia_students", tab="buggy").run()
    at.checkbox(key="bug_accumulated_error").check().run()
    text = page_text(at)
    assert "this bug does not show in the loss it reports" in text and "off by" not in text
    at.checkbox(key="bug_accumulated_error").uncheck()
    at.checkbox(key="bug_same_sample").check().run()
    said = re.search(r"where the true loss is ([-\d.e]+) \(off by ([-\d.e+]+)\)", page_text(at))
    assert said and float(said[2]) > 0, page_text(at)[-500:]


@pytest.mark.parametrize("l2", ["0", "0.1"])
def test_one_label_is_said_as_one_label_not_as_a_line_splitting_classes(new_app, l2):
    """The one student has label 1: the rates caption said "a line splits the classes", and
    with L2 the landscape said nothing of the missing best fit (a double space), though the
    unpenalized bias runs off all the same (a walk)."""
    data = lc.load_dataset("student")
    assert set(data.y) == {1}
    at = new_app(data="student", l2=l2, tab="rates").run()
    text = page_text(at)
    assert "a line splits the classes" not in text
    assert "every label is 1, so the loss has no minimum" in text
    at = new_app(data="student", l2=l2, tab="landscape").run()
    (caption,) = [c.value for c in at.caption if c.value.startswith("Loss over")]
    assert "There is no best fit to mark: every label is 1" in caption and "  " not in caption
    at = new_app(data="student", l2=l2, tab="optimizers").run()
    assert "every label is 1, so the loss has no minimum" in page_text(at)


@pytest.mark.parametrize(("rate", "chaotic"), [("100", True), ("3", False)])
def test_the_buggy_view_says_where_rounding_decides_its_corrected_loop(new_app, rate, chaotic):
    """Found by a walk: at η = 100 on the 20 students the corrected loop's final w was shown
    as 109.35 while a replay gave 41.93. Two replays by hand that differ only in the order of
    the samples tell whether rounding decides the run."""
    data = lc.load_dataset("wikipedia_students")
    x, y = data.X[:, 0], data.y.astype(float)
    ends = []
    for order in (slice(None), slice(None, None, -1)):
        w = b = 0.0
        losses = []
        for _ in range(300):  # the view's loops run up to 300 steps
            s = 2 * y[order] - 1
            z = w * x[order] + b
            losses.append(np.mean(np.logaddexp(0, -s * z)))
            error = -s * np.exp(-np.logaddexp(0, s * z))  # p - y, without cancellation
            w, b = w - float(rate) * np.mean(error * x[order]), b - float(rate) * np.mean(error)
        ends.append(np.array(losses))
    apart = np.abs(ends[0] - ends[1]) / ends[0]
    assert (apart.max() > 1e-8) == chaotic
    at = new_app(data="wikipedia_students", lr=rate, tab="buggy").run()
    said = "rounding decides the corrected loop's numbers above" in page_text(at)
    assert said == chaotic


@pytest.mark.parametrize("bug", ["accumulated_error", "same_sample"])
def test_on_one_sample_the_buggy_loops_loss_is_not_called_off(new_app, bug):
    """With one sample neither bug changes anything (a second walk); the loop's own
    log(1 + e^z) - y z is 1.9e-16 off the true loss there, and the page said "off by" it."""
    at = new_app(data="student", tab="buggy").run()
    at.checkbox(key=f"bug_{bug}").check().run()
    before = table(at, "true loss")
    assert before["true loss"].iloc[0] == before["true loss"].iloc[1]  # the same run
    text = page_text(at)
    assert "this bug does not show in the loss it reports" in text and "off by" not in text


def test_a_lowest_loss_that_underflowed_is_not_called_0_alone(new_app):
    """A second walk: from b = 1000 with one label, Newton's loss underflows to 0 (the true
    loss, log(1 + e^-b) with b above 1000, is below 5e-324), and the caption's "(Newton's
    method's, 0)" read as if the run had reached a floor that does not exist."""
    at = new_app(data="student", w0="1000,1000", b0="1000", l2="0.1", tab="optimizers").run()
    tolerance = table(at, "final loss")
    assert "< 5e-324" in set(tolerance["final loss"])  # not "0": the loss is never 0
    assert "0, that is below the smallest number a double holds" in page_text(at)
    assert math.log1p(math.exp(-745.2)) == 0.0  # e^-745.2 is below the smallest double


def test_a_probability_or_loss_that_underflowed_is_not_written_0(new_app):
    """Found by a walk: at z = -2700 the tables said p = 0 and loss 0, yet σ(z) and the
    logistic loss are never 0: they are below the smallest double, and these columns write
    their true size (as p - y's: a review found 3.668e-348 beside "< 5e-324" for the same
    number). From w = -1000 every logit is -1000 x, so every p is e^(-1000 x) to far more
    digits than shown (1/(1 + e^u) = e^-u (1 - e^-u + ...)), and so is each label 0's loss."""
    assert math.exp(-1000.0) == 0.0 and math.log1p(math.exp(-1000.0)) == 0.0  # by hand

    def e_to(u: float) -> str:  # e^u from the log10 of its size, u = -1000 x
        size = u / math.log(10)
        # its mantissa rounded, so to 4 digits with the trailing zeros kept (fmt)
        return f"{10 ** (size - math.floor(size)):#.4g}e{math.floor(size):+d}"

    at = new_app(data="five_points", w0="-1000", b0="0", step="0", steps="1").run()
    rows = table(at, "loss")  # a grid: the true sizes are wider than the middle column
    assert list(rows["p"]) == [e_to(-1000.0 * x) for x in range(1, 6)]
    assert list(rows["loss"]) == [e_to(-1000.0 * x) for x in range(1, 4)] + [fmt(4000.0),
                                                                           fmt(5000.0)]
    assert rows["p"].iloc[0] == "5.076e-435"  # e^-1000, mpmath
    # and the step's formula: p_1 = 1/(1 + e^1000) at its true size, not "= 0"
    step = new_app(data="five_points", w0="-1000", b0="0", step="0", steps="1",
                   tab="step").run()
    (p1,) = [m.value for m in step.markdown if r"p_1 &= \sigma(z_1)" in m.value]
    assert (r"&= \frac{1}{1 + e^{1000}} \\ &= 5.076 \times 10^{-435} \end{aligned}"
            in p1), p1
    # a grid (100 samples of iris, standardized): where the hand's p underflows it says so
    at = new_app(data="iris_petals", w0="-1000,-1000", b0="0", step="0", steps="1").run()
    grid = next(d.value for d in at.dataframe if "p" in d.value.columns)
    data = lc.load_dataset("iris_petals")
    z = lc.Standardizer.fit(data.X).transform(data.X) @ [-1000.0, -1000.0]
    under = np.exp(np.minimum(z, 700.0)) == 0.0  # p = e^z / (1 + e^z) with e^z below 5e-324
    assert under.any() and not under.all()
    texts = grid["p"].astype(str).to_numpy()
    shown = under[: len(texts)]
    assert "0" not in texts and "< 5e-324" not in texts
    for text, zi in zip(texts[shown], z[: len(texts)][shown], strict=True):  # p = e^z there
        assert float(text.split("e")[0]) == float(f"{10 ** (zi / math.log(10) % 1):.4g}")
        assert int(text.split("e")[1]) == math.floor(zi / math.log(10)), (text, zi)


def test_an_error_that_underflowed_reads_its_true_size(new_app):
    """At w = 1000 the table read p < 5e-324 and, in the same row, p - y = 0 (a visual
    walk). By hand: z_4 = 4000 and z_5 = 5000, so p - y = -sigma(-z) = -e^-4000 and -e^-5000:
    -e^-4000 = -10^(-4000 / ln 10); (p - y)·x multiplies by 4 and 5 (mpmath: 4 e^-4000 =
    2.65541e-1737). The first three samples (label 0, z = 1000 to 3000) have
    p - y = 1 - e^-z, which rounds to 1."""
    at = new_app(w0="1000", step="0").run()
    (rows,) = [t.value for t in at.table if "p − y" in t.value.columns]  # the first screen's

    def tiny(log10_size: float) -> str:  # a negative number from the log10 of its size
        exponent = math.floor(log10_size)
        return f"-{10 ** (log10_size - exponent):#.4g}e{exponent:+d}"  # zeros kept (fmt)

    e4, e5 = -4000 / math.log(10), -5000 / math.log(10)
    assert rows["p − y"].tolist() == ["1", "1", "1", tiny(e4), tiny(e5)]
    assert rows["(p − y)·x"].tolist() == ["1", "2", "3", tiny(e4 + math.log10(4)),
                                            tiny(e5 + math.log10(5))]
    assert rows["(p − y)·x"].tolist()[3] == "-2.655e-1737"  # 4 e^-4000, mpmath
    assert rows["loss"].tolist()[3:] == [tiny(e4)[1:], tiny(e5)[1:]]  # log(1 + e^-z), = e^-z
    text = page_text(at)
    mantissa, exponent = tiny(e5).split("e")  # ∂J/∂w's last term: p_5 - y_5 as the table
    assert rf"+ \cdots + ({mantissa} \times 10^{{{int(exponent)}}}) \cdot 5\right)" in text
    mantissa, exponent = tiny(e5)[1:].split("e")  # J's last term, ℓ_5, as the table
    assert rf"+ \cdots + {mantissa} \times 10^{{{int(exponent)}}}\right)" in text


def test_a_product_with_a_feature_of_zero_is_zero_even_where_the_error_underflowed():
    """A product whose true value is above the smallest double in size while its error
    underflowed (z = 745.5 at x = 3: -5.1e-324 by mpmath, below "> -5e-324": a review)
    reads its size."""
    from dashboard import display

    frame = pd.DataFrame({"x": [0.0, 2.0, -2.0, 1.0, 3.0], "y": [1, 1, 0, 0, 1],
                          "z": [800.0, 800.0, -800.0, 0.0, 745.5],
                          "p − y": [-0.0, -0.0, 0.0, 0.5, -0.0],
                          "(p − y)·x": [-0.0, -0.0, -0.0, 0.5, -0.0]})
    text, lost = display.underflowed_as_text(frame, 2)
    assert lost == ["p − y", "(p − y)·x"]
    e800 = f"{10 ** (-800 / math.log(10) % 1):.2g}e{math.floor(-800 / math.log(10)):+d}"
    assert text["p − y"].tolist()[:4] == [f"-{e800}", f"-{e800}", e800, "0.5"]
    assert text["(p − y)·x"].tolist()[0] == "0"  # x = 0: the product is 0 itself
    assert text["(p − y)·x"].tolist()[-1] == "-5.1e-324"  # 3 / (1 + e^745.5), mpmath


def test_the_optimizers_view_names_the_lines_that_lie_on_each_other(new_app):
    """Momentum's line lay hidden under Nesterov's (a visual walk). By hand loops (heavy ball
    and Nesterov, η = 0.5, β = 0.9, 200 steps from 0 on the 5 points) their losses differ by
    at most 5%, against an axis of ten decades (Newton's method reaches 2e-11)."""
    X, y = np.arange(1.0, 6.0), np.array([0.0, 0, 0, 1, 1])

    def loss_and_grad(w, b):
        z = w * X + b
        loss = np.mean(np.logaddexp(0, z) - y * z)
        error = 1 / (1 + np.exp(-z)) - y
        return loss, np.array([np.mean(error * X), np.mean(error)])

    losses = {}
    for name, ahead in (("momentum", False), ("nesterov", True)):
        theta, v, curve = np.zeros(2), np.zeros(2), []
        for _ in range(200):
            curve.append(loss_and_grad(*theta)[0])
            look = theta - 0.5 * 0.9 * v if ahead else theta
            v = 0.9 * v + loss_and_grad(*look)[1]
            theta = theta - 0.5 * v
        curve.append(loss_and_grad(*theta)[0])
        losses[name] = np.array(curve)
    ratio = np.max(np.maximum(losses["momentum"] / losses["nesterov"],
                              losses["nesterov"] / losses["momentum"]))
    at = new_app(tab="optimizers").run()
    assert [c.value for c in at.caption if "lie on each other" in c.value] == [
        "The lines of momentum (β = 0.9) and Nesterov (β = 0.9) lie on each other at this "
        f"scale: their losses differ by at most {round(100 * (ratio - 1))}% at any step."]




def test_lines_of_different_lengths_lie_on_each_other_only_where_all_ran(new_app):
    """A walk: from w = b = 700 Newton's method (25 iterations, 26 points) lies on the others'
    200-step lines, and the caption said "their losses differ by at most 2% at any step",
    read as all 201. It names the steps all ran: as many as the shortest line drawn, each
    loss of which is within the share it gives of the others' at the same step (the chart's
    own data)."""
    at = new_app(tab="optimizers", w0="700", b0="700").run()
    said = [c.value for c in at.caption if "Newton's method lie on each other" in c.value]
    assert len(said) == 1, said
    rows = pd.concat(frames_with(at, "run", "step", "loss"))
    names = re.match(r"The lines of (.+) lie on each other", said[0]).group(1)
    runs = [r for r in rows["run"].unique() if r.split(" ·")[0] in names]
    lengths = {r: rows.loc[rows["run"] == r, "step"].nunique() for r in runs}
    shortest = min(lengths.values())
    assert max(lengths.values()) > shortest
    share = re.search(r"at most (\d+)% at each of the (\d+) steps all ran\.$", said[0])
    assert share and int(share.group(2)) == shortest, said
    losses = np.array([rows.loc[rows["run"] == r].sort_values("step")["loss"].to_numpy()
                       [:shortest] for r in runs])
    ratio = np.max(losses.max(axis=0) / losses.min(axis=0))
    assert round(100 * (ratio - 1)) == int(share.group(1)), (ratio, said)

def test_lines_said_to_lie_on_each_other_do_on_the_axis_drawn(new_app):
    """The 5 points at λ = 100: four runs overflow near 1e+307 and the loss axis stops at
    39.49, where Adam starts near 13 and Newton's method stays at 0.67; the page said four
    pairs lay on each other, "their losses differ by at most 3030%", judging on the curves'
    own 300 decades. By hand from the chart's dataset and the domain its spec draws: a pair
    is named where at each step the two lines, clipped to the axis as Vega clips them, are
    less than 1% of its span (in decades) apart, or both above its top; the losses compared
    where both are on the chart. Newton's 26 iterations meet the others' first 26 steps."""
    at = new_app(data="five_points", l2="100", tab="optimizers").run()
    (index,) = [k for k, e in enumerate(at.get("vega_lite_chart"))
                if json.loads(e.proto.spec)["title"]["text"].startswith("Loss per step")]
    spec = json.loads(at.get("vega_lite_chart")[index].proto.spec)
    low, high = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert spec["layer"][0]["mark"]["clip"] is True and high == pytest.approx(39.49, abs=0.01)
    (lines,) = [f for f in chart_datasets(at)[index] if "series" in f and "note" not in f]
    plain_runs = [r for r, f in lines.groupby("run", sort=False) if f["series"].nunique() == 1]
    assert "Adam (η = 0.5)" not in plain_runs  # its zig-zag drawn as two lines: apart anyway
    span = math.log10(high) - math.log10(low)
    pairs = []
    for i, a in enumerate(plain_runs):
        for b in plain_runs[i + 1:]:
            both = lines[lines["run"] == a].merge(lines[lines["run"] == b], on="step")
            x, y = both["loss_x"].to_numpy(), both["loss_y"].to_numpy()
            drawn = ~((x > high) & (y > high))
            gap = np.abs(np.log10(np.clip(x, low, high)) - np.log10(np.clip(y, low, high)))
            if np.all(gap[drawn] < 0.01 * span):
                pairs.append((a, b))
    # gradient descent, momentum and Nesterov: 0.693, 1.79, then off the chart for good;
    # mini-batch SGD's one sample gives 29.7 at step 1, 1.2 decades above theirs. Every two
    # of the three lie on each other: one caption names the three (three said it pairwise)
    group = [r for r in plain_runs if any(r in pair for pair in pairs)]
    assert len(group) == 3 and len(pairs) == 3 and not any("mini-batch" in r for r in group)
    steps = lines[lines["run"].isin(group)].pivot(index="step", columns="run", values="loss")
    steps = steps.dropna()  # the steps all three have
    on = (steps <= high).all(axis=1)
    assert (steps[on].nunique(axis=1) == 1).all()  # the same start and the same first step
    assert [c.value for c in at.caption if "lie on each other" in c.value] == [
        f"The lines of {group[0]}, {group[1]} and {group[2]} lie on each other at this scale: "
        f"their losses are the same at the {on.sum()} steps where all are on the chart; at "
        f"the other {len(steps) - on.sum()} steps at least one is above its top "
        f"({high:.4g})."]

def test_derivatives_whose_every_term_underflowed_read_their_exact_value(new_app):
    """The one student after one step at η = 100: z = 2338, and every error term p − y is
    below the smallest double. The per-sample table read -4.346e-1016 while its sums and
    means, the update's gradient, the formulas and the first screen read 0. Reference: the
    error σ(z) − 1 = −1/(1 + e^z) at 50 digits in mpmath, from the page's own z."""
    import mpmath

    mpmath.mp.dps = 50
    at = new_app(data="student", lr="100", steps="1", tab="step").run()
    assert not at.exception, [e.value for e in at.exception]
    rows = next(d.value for d in at.dataframe if "z" in d.value.columns)
    z = float(rows["z"].iloc[0])
    x = lc.load_dataset("student").X[0]
    assert z > 745 * 2  # by hand: e^-z is far below the smallest double
    error = -1 / (1 + mpmath.exp(mpmath.mpf(z)))

    def shown(value) -> str:  # as the page writes a number of four digits
        mantissa, exponent = mpmath.nstr(value, 4, min_fixed=1, max_fixed=0).split("e")
        return f"{mantissa}e{int(exponent):+d}"

    exact = {"p − y": error, **{f"(p − y)·{name}": error * xj
                                for name, xj in zip(("hours_studied", "hours_slept"), x,
                                                    strict=True)}}
    totals = next(d.value for d in at.dataframe if "sum" in d.value.index)
    for column, value in exact.items():  # one sample: the sum and the mean are the term
        assert totals.loc["sum", column] == totals.loc["mean", column] == shown(value)
    update = next(d.value for d in at.dataframe if "gradient" in d.value.columns)
    derivatives = [exact["(p − y)·hours_studied"], exact["(p − y)·hours_slept"], error]
    assert update["gradient"].tolist() == [shown(v) for v in derivatives]
    assert update["− rate × gradient"].tolist() == [shown(-100 * v) for v in derivatives]
    assert (update["new value"] == update["old value"]).all()
    caption = next(c.value for c in at.caption if "log space" in c.value)
    assert "computes them as 0, and the step leaves those parameters where they are" in caption
    text = page_text(at)
    for value in derivatives:  # the first screen's lines, then the formulas
        assert f"= **{shown(value)}** (computed as 0)" in text
        mantissa, exponent = shown(value).split("e")
        assert (rf"= {mantissa} \times 10^{{{int(exponent)}}} \;\text{{(computed as 0)}}"
                in text)


def test_the_sgd_sentence_counts_the_rises_it_speaks_of(new_app):
    """Found by a hunt: "a batch of all 20 samples is gradient descent itself ..., so its loss
    does not wobble" beside that run's verdict "oscillating" (the 20 students at η = 20);
    and "so its loss wobbles" at η = 1e-12, where it never rose. Reference: gradient descent
    by hand on the 5 points from 0 at η = 5 (a steady swing, so the order of the sums cannot
    move it), its rises counted beyond a relative 1e-12."""
    X, y = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]]), np.array([0.0, 0, 0, 1, 1])
    w, b, losses = np.zeros(1), 0.0, []
    for _ in range(201):
        z = X @ w + b
        losses.append(np.mean(np.logaddexp(0, z) - y * z))
        error = 1 / (1 + np.exp(-z)) - y
        w, b = w - 5 * X.T @ error / 5, b - 5 * error.mean()
    rises = int(np.sum(np.diff(losses) > 1e-12 * np.array(losses[:-1])))
    at = new_app(tab="optimizers", lr="5", steps="200", w0="0", b0="0", batch="5").run()
    assert not at.exception, [e.value for e in at.exception]
    (caption,) = [c.value for c in at.caption if "Mini-batch SGD" in c.value]
    assert (f"a batch of all 5 samples is gradient descent itself, its sums run in a shuffled "
            f"order: it has no sampling noise, and its loss rose at {rises} of its 200 steps "
            "(from the rate, not from sampling)") in caption
    at = new_app(tab="optimizers", lr="1e-12").run()  # steps of 1e-12: no rise to see
    (caption,) = [c.value for c in at.caption if "Mini-batch SGD" in c.value]
    assert ("follows the gradient of 1 random sample per step: its loss never rose in 200 "
            "steps") in caption and "wobble" not in caption


def test_the_worked_steps_figures_wait_for_the_reveal(new_app):
    """Found by a walk: with Predict first on, "Load this step" asked for the signs of ∂J/∂w
    and ∂J/∂b at w = 2.197, b = -6.593, while the worked panel beside the questions showed
    them (0.2497 and 0.0998, positive: by hand from the 5 points below)."""
    x, y = np.arange(1.0, 6.0), np.array([0.0, 0, 0, 1, 1])
    error = 1 / (1 + np.exp(-(2.197 * x - 6.593))) - y
    dw, db = float(np.mean(error * x)), float(np.mean(error))
    assert (fmt(dw), fmt(db)) == ("0.2497", "0.09982")
    at = new_app(lr="0.1", steps="1", w0="2.197", b0="-6.593", step="0").run()
    assert "0.2497" in page_text(at)  # the worked panel, with nothing asked
    at.toggle(key="predict_mode").set_value(True).run()
    assert any(r.key.startswith("guess_") for r in at.radio)
    text = page_text(at)
    assert "0.2497" not in text and "0.0998" not in text
    assert "Its figures appear once you reveal your prediction" in text
    state = next(r.key for r in at.radio).rsplit("_", 1)[1]
    for name in ("w0", "b"):
        at.radio(key=f"guess_{name}_{state}").set_value("positive").run()
    at.radio(key=f"guess_loss_{state}").set_value("go down").run()
    at.button(key=f"reveal_{state}").click().run()
    assert "0.2497" in page_text(at)


def test_a_loss_below_the_log_axis_is_said_to_be_drawn_at_its_floor(new_app):
    """Found by a walk: the one student from w = (-1000, 1000), b = 1000 has z = 3000 (by
    hand: -3000 + 5000 + 1000) and a loss log(1 + e^-3000), about 1e-1303. The log chart drew
    a flat line at 1e-300 on an axis from 9.95e-301 to 1e-300, unsaid, and the metric "Loss at
    step 0" read 0 beside "< 5e-324" at the last step, the same loss."""
    x = lc.load_dataset("student").X[0]
    assert float(x @ [-1000, 1000] + 1000) == 3000 and math.exp(-3000) == 0  # underflows
    query = {"data": "student", "lr": "1000", "steps": "100", "w0": "-1000,1000", "b0": "1000"}
    at = new_app(log="1", **query).run()
    assert [m.value for m in at.metric if m.label.startswith("Loss at step")] == \
        ["< 5e-324", "< 5e-324"]
    note = "Losses below 1e-300 are drawn at 1e-300 on the log axis, where it stops"
    assert any(note in c.value for c in at.caption)
    at = new_app(**query).run()  # a linear axis draws them at 0, as they are to its scale
    assert not any(note in c.value for c in at.caption)
    at = new_app(tab="landscape", **query).run()  # its colour is log10 of the loss (a review)
    assert any("Losses below 1e-300 are drawn at 1e-300 in colour, where the scale stops"
               in c.value for c in at.caption)


def test_runs_that_stopped_moving_are_not_said_to_fall(new_app):
    """A review: at η = 1000 on the 5 points w and b stay the same to the bit from step 6 on
    (each update is below their rounding), yet the headline said "in the long run the loss
    falls towards 0", and the sweep's caption said so of every run that does not diverge.
    Here plain descent by hand, at the page's rate and at every swept rate, finds the last
    step that moved (w, b); the headline and the caption count the same."""
    from scipy.special import expit

    from dashboard.views.learning_rates import sweep_rates
    from logreg_core.limits import learning_rate_limits

    steps = 3000
    at = new_app(tab="rates", lr="1000", steps=str(steps)).run()
    assert not at.exception, [e.value for e in at.exception]
    data = lc.load_dataset("five_points")
    x, y = data.X[:, 0], data.y
    swept = sweep_rates(learning_rate_limits(data.X, data.y, 0.0), 40, 1000.0)
    rates = np.append(swept, 1000.0)  # the sweep's (the page's among them), the page's
    w, b = np.zeros(rates.size), np.zeros(rates.size)
    last_move = np.zeros(rates.size, dtype=int)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            error = expit(w[:, None] * x + b[:, None]) - y  # (rates, samples)
            new_w = w - rates * np.mean(error * x, axis=1)
            new_b = b - rates * np.mean(error, axis=1)
            last_move[(new_w != w) | (new_b != b)] = t
            w, b = new_w, new_b
    still = (last_move < steps) & np.isfinite(w) & np.isfinite(b)
    assert last_move[-1] == 6 and still[-1]  # the page's own rate
    text = page_text(at)
    assert "in the long run the loss falls towards 0" not in text
    assert ("in double precision, though, its parameters have not moved since step 6: each "
            "update is below the rounding of w and b, so the loss stays at 7.44e-45") in text
    (caption,) = [c.value for c in at.caption if "within 1% of the best" in c.value]
    count = int(still[:-1].sum())
    assert count > 0 and (f"in double precision {count} runs stopped moving (each update "
                          "below the rounding of w and b, or 0)") in caption, caption
    assert "would fall towards 0 in the long run in exact arithmetic" in caption


def test_a_change_that_rounding_drops_is_said_to_be_dropped(new_app):
    """Found by a walk: at η = 1000 on the 5 points the update table read w 300 -> 300 with
    a change of 2.976e-41 and no word why. The spacing of doubles at 300 is 2^(8 - 52), by
    hand; a change below half of it is lost when added."""
    assert 300 + 2.976e-41 == 300 and math.ulp(300.0) == 2.0**-44
    at = new_app(lr="1000", steps="100000", tab="step").run()
    update = next(d.value for d in at.dataframe if "new value" in d.value.columns)
    assert (update["new value"] == update["old value"]).all()
    assert (update["− rate × gradient"] != 0).all()
    (note,) = [c.value for c in at.caption if "spacing of doubles" in c.value]
    assert note.startswith(r"The new value of w\[x\] and b is the old one: each change is at "
                           "most half the spacing of doubles there (that spacing is "
                           f"{fmt(2.0**-44, 2)} at 300")
    at = new_app(tab="step").run()  # every parameter moves: nothing to say
    assert not [c.value for c in at.caption if "spacing of doubles" in c.value]


def test_your_curve_among_the_rates_is_the_first_screens_run(new_app):
    """The sweep sums each step in another order than `train`: on the 20 students
    standardized at η = 2.2, 300 steps, its run stops moving at step 253 (each update below
    the rounding of w and b) and `train`'s never does, so the overlay's words for your rate
    said so beside a headline that did not. Your curve is now the first screen's run."""
    from logreg_core.training import learning_rate_sweep

    at = new_app(data="wikipedia_students", std="1", lr="2.2", steps="300", tab="rates").run()
    assert not at.exception, [e.value for e in at.exception]
    data = lc.load_dataset("wikipedia_students")
    # the page's scaling (which of the two stops moving, and where, is a matter of ulps)
    X = lc.Standardizer.fit(data.X, list(data.feature_names)).transform(data.X)
    sweep = learning_rate_sweep(X, data.y, [2.2], 300)
    assert sweep.verdicts[0].stopped_moving_at is not None  # the sweep's run stopped
    history = lc.train(X, data.y, learning_rate=2.2, steps=300)
    assert history.verdict.stopped_moving_at is None  # the first screen's did not
    headline = next(e.value for e in at.success if str(e.value).startswith("Converging"))
    (overlay,) = [e.proto.alt for e in at.get("vega_lite_chart")
                  if e.proto.alt.startswith("Loss curves of")]
    assert f"η = 2.2: {plain(headline)}" in plain(overlay), (headline, overlay)
    yours = plain(overlay).split("η = 2.2: ")[1].split(" η = ")[0]
    assert "not moved since" not in yours and ".;" not in overlay


@pytest.mark.parametrize("digits", ["2", "4"])
def test_the_worked_steps_boundary_is_told_from_3(new_app, digits):
    """Found by a walk: at 2 digits the Worked example read "puts the boundary near x = 3
    (at x = 3)". By hand −b/w = 6.593/2.197 = 3.00091..., which reads 3.001 at 4 digits;
    p = 1/(1 + e^-(2.197 x - 6.593)) at x = 2 and 4."""
    at = new_app(tab="worked", digits=digits).run()
    (caption,) = [c.value for c in at.caption if "look chosen" in c.value]
    assert abs(6.593 / 2.197 - 3.00091) < 1e-5
    d = int(digits)
    p2, p4 = (1 / (1 + math.exp(-(2.197 * x - 6.593))) for x in (2, 4))
    assert (f"ln 9 = {math.log(9):.{d}g}, and b ≈ −3w puts the boundary near x = 3 (at "
            f"x = 3.001), where p is 0.5, with p = {p2:.{d}g} and {p4:.{d}g} at x = 2 and 4"
            ) in caption, caption


def test_a_chaotic_states_boundary_says_rounding_decides_it(new_app):
    """Found by a walk: at η = 1000 on the 20 students the first screen read "the boundary
    p = 0.5 is at x = −b/w = 2.607; 16 of 20 samples are on their label's side" with no
    caveat, while the run is chaotic. By hand, the same 2,000 steps summed forward and in
    reverse end at boundaries far apart; the caption now says that rounding decides them."""
    from scipy.special import expit

    data = lc.load_dataset("wikipedia_students")
    x, y = data.X[:, 0], data.y.astype(float)
    ends = []
    for order in (slice(None), slice(None, None, -1)):
        w = b = 0.0
        for _ in range(2000):
            error = expit(w * x[order] + b) - y[order]
            w, b = w - 1000 * np.mean(error * x[order]), b - 1000 * np.mean(error)
        ends.append(-b / w)
    assert abs(ends[0] - ends[1]) > 0.01, ends  # the order of the sums decides the boundary
    at = new_app(data="wikipedia_students", lr="1000").run()
    (caption,) = [c.value for c in at.caption if c.value.startswith("At step 2,000")]
    assert caption.endswith("rounding decides the run's state: these figures are the state "
                            "as this page computed it, and the same run summed in another "
                            "order reaches others."), caption
    at = new_app(data="wikipedia_students", lr="0.5").run()  # a run rounding does not decide
    (caption,) = [c.value for c in at.caption if c.value.startswith("At step")]
    assert "rounding decides" not in caption


def test_your_path_is_drawn_over_the_others_and_no_mark_has_a_path_colour(new_app):
    """The iris petals with the other optimizers' paths: the white path ("the white path is
    your run", says the caption) lay under Adam's and Newton's, all but hidden, and the
    start, step and best-fit marks were the vermilion of Adam's path (a visual walk). In the
    spec: your run's path is the last path layer and white, the marks come after it, and
    their fill is no path's colour, in the plot or in its legend."""
    at = new_app(data="iris_petals", tab="landscape").run()
    (chart,) = [e for e in at.get("vega_lite_chart") if e.proto.id.endswith("landscape_chart")]
    spec = json.loads(chart.proto.spec)
    frames = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas()
              for d in chart.proto.datasets}
    data = [frames[layer["data"]["name"]] for layer in spec["layer"]]
    paths = [k for k, f in enumerate(data) if "run" in f]
    drawn = [(k, spec["layer"][k]["mark"]) for k in paths  # not the black halo under yours
             if spec["layer"][k]["mark"].get("color") != "#000000"]
    *others, (last, mine) = drawn
    assert set(data[last]["run"]) == {"gradient descent (your run)"}
    assert mine["color"] == "#FFFFFF" and "The white path is your run" in page_text(at)
    colours = {mine["color"]}
    runs = set()
    for k, _ in others:  # one layer each (the jittery first), on one colour scale
        scale = spec["layer"][k]["encoding"]["color"]["scale"]
        assert set(data[k]["run"]) <= set(scale["domain"]) and len(scale["domain"]) == 5
        runs |= set(data[k]["run"])
        colours |= set(scale["range"])
    assert runs == set(scale["domain"]) and "Adam (η = 1)" in runs
    (marks,) = [k for k, f in enumerate(data) if "what" in f]
    assert marks == len(spec["layer"]) - 1 > last  # over every path
    mark = spec["layer"][marks]["mark"]  # the legend's symbols take the mark's own colours
    fill = mark["fill"]
    assert mark["filled"] and "fill" not in spec["layer"][marks]["encoding"]
    assert "symbolFillColor" not in spec["layer"][marks]["encoding"]["shape"]["legend"]
    assert set(data[marks]["what"]) == {"start", "step 200", "best fit"}
    assert fill.upper() not in {c.upper() for c in colours}, (fill, colours)


@pytest.mark.parametrize(("tab", "said"), [
    ("rates", "best loss any rate reached in 50 steps (< 5e-324)"),
])
def test_a_loss_below_the_smallest_double_never_reads_0(new_app, tab, said):
    """A review: at the student from w = (1000, 1000), b = 1000 the rates' caption said "the
    best loss any rate reached (0)" (the code view's "loop loss 0, vectorized 0" says what
    the two compute, and is right). By hand (mpmath): z =
    1000·(x₁ + x₂ + 1) and the loss log(1 + e^−z) is about e^−z, above 0 but below any
    double."""
    import mpmath

    x = lc.load_dataset("student").X[0]
    z = 1000 * (mpmath.mpf(float(x[0])) + mpmath.mpf(float(x[1])) + 1)
    assert 0 < mpmath.log1p(mpmath.exp(-z)) < mpmath.mpf(5e-324)
    at = new_app(data="student", w0="1000,1000", b0="1000", tab=tab).run()
    assert said in plain(page_text(at))
