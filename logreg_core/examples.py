"""Three textbook examples, recomputed exactly, with the figures the textbook prints.

1. The worked 5-point example: one step by hand from w = 2.197, b = -6.593 at eta = 0.1, and
   the textbook's claim that scikit-learn's default fit gives those w and b.
2. One student with two features: one step from w = (0.1, -0.2), b = 0, figures rounded.
3. A per-sample loop written with five bugs, each of which can be switched on, and a
   vectorized snippet that calls ``np.zeros(n_x, 1)``.

The ``PRINTED`` constants are quoted figures (what the textbook shows), kept so the page can
set each beside the exact value; every other number here is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import LogRegInputError
from .exact import ExactFit, fit_exact
from .maths import GradientPass, check_data, freeze_fields, mean_loss, step
from .training import History, train

# --------------------------------------------------------------------------------------------
# 1. The worked 5-point step
# --------------------------------------------------------------------------------------------

FIVE_X = (1.0, 2.0, 3.0, 4.0, 5.0)
FIVE_Y = (0.0, 0.0, 0.0, 1.0, 1.0)
WORKED_W, WORKED_B, WORKED_RATE = 2.197, -6.593, 0.1
WORKED_PRINTED = {
    "p": (0.012, 0.100, 0.500, 0.899, 0.988),
    "loss": (0.012, 0.105, 0.693, 0.106, 0.012),
    "sum (p - y) * x": 1.248,
    "dw": 0.2496,
    "sum (p - y)": 0.499,
    "db": 0.0998,
    "new w": 2.172,
    "new b": -6.603,
}


@dataclass(frozen=True)
class WorkedStep:
    """The worked step recomputed, and what the textbook's fitting claim really gives.

    Attributes
    ----------
    X : ndarray of shape (5, 1)
    y : ndarray of shape (5,)
    grad_pass : GradientPass
        At w = 2.197, b = -6.593.
    new_w, new_b : float
        After one step at rate 0.1.
    rows : list of (str, float or None, float)
        Quantity, the textbook's figure (None where it prints none), the exact value.
    sklearn_default : ExactFit
        The optimum with L2 ``1 / (C n)``, C = 1: what ``LogisticRegression()`` fits.
    unregularized : ExactFit
        Without L2: no finite optimum (the points are separable).
    """

    X: np.ndarray
    y: np.ndarray
    grad_pass: GradientPass
    new_w: float
    new_b: float
    rows: list
    sklearn_default: ExactFit
    unregularized: ExactFit

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only


def worked_long_run(steps: int = 20_000) -> History:
    """Plain gradient descent from the textbook's start at its own rate 0.1."""
    X, y = np.array(FIVE_X)[:, None], np.array(FIVE_Y)
    return train(X, y, learning_rate=WORKED_RATE, steps=steps, w0=[WORKED_W], b0=WORKED_B)


def lowest_weight(history: History) -> tuple[float, int]:
    """The smallest w of a one-feature run and the step it occurs at."""
    k = int(np.argmin(history.weights[:, 0]))
    return float(history.weights[k, 0]), k


def worked_step() -> WorkedStep:
    """Recompute the worked step and test the claim that scikit-learn fits w 2.197, b -6.593."""
    X, y = np.array(FIVE_X)[:, None], np.array(FIVE_Y)
    w_new, b_new, grad = step(X, y, [WORKED_W], WORKED_B, WORKED_RATE)
    printed = WORKED_PRINTED
    rows = [(f"p at x = {x:g}", printed["p"][i], grad.p[i]) for i, x in enumerate(FIVE_X)]
    rows += [(f"loss at x = {x:g}", printed["loss"][i], grad.sample_loss[i])
             for i, x in enumerate(FIVE_X)]
    rows += [
        ("mean loss J", None, grad.loss),
        ("sum of (p - y) x", printed["sum (p - y) * x"], grad.error_x[:, 0].sum()),
        ("dw", printed["dw"], grad.dw[0]),
        ("sum of (p - y)", printed["sum (p - y)"], grad.error.sum()),
        ("db", printed["db"], grad.db),
        ("new w", printed["new w"], w_new[0]),
        ("new b", printed["new b"], b_new),
    ]
    return WorkedStep(
        X=X, y=y, grad_pass=grad, new_w=float(w_new[0]), new_b=float(b_new), rows=rows,
        sklearn_default=fit_exact(X, y, l2=1.0 / len(y)),
        unregularized=fit_exact(X, y),
    )


# --------------------------------------------------------------------------------------------
# 2. One student, two features
# --------------------------------------------------------------------------------------------

STUDENT_X = (3.0, 5.0)  # hours studied, hours slept
STUDENT_Y = 1.0
STUDENT_W, STUDENT_B, STUDENT_RATE = (0.1, -0.2), 0.0, 0.1
STUDENT_PRINTED = {"z": -0.7, "e^0.7": 2.013, "p": 0.33, "p - y": -0.67, "dw1": -2.01,
                   "dw2": -3.35, "db": -0.67, "new w1": 0.301, "new w2": 0.135}
#: The textbook rounds p - y to two places before multiplying by the features.
STUDENT_ROUNDED_ERROR = -0.67


@dataclass(frozen=True)
class StudentStep:
    """The one-student step recomputed.

    Attributes
    ----------
    grad_pass : GradientPass
    new_w : ndarray of shape (2,)
    new_b : float
    rows : list of (str, float or None, float, float)
        Quantity, the textbook's figure (None where it prints none), the exact value, and the
        value with p - y rounded to -0.67 first, as the textbook does.
    rounding_error : float
        ``-0.67 - (p - y)``: each gradient entry is off by this times its feature.
    """

    grad_pass: GradientPass
    new_w: np.ndarray
    new_b: float
    rows: list
    rounding_error: float

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only


def student_step() -> StudentStep:
    """Recompute the one-student step and show where its rounded figures come from."""
    X, y = np.array([STUDENT_X]), np.array([STUDENT_Y])
    w_new, b_new, grad = step(X, y, STUDENT_W, STUDENT_B, STUDENT_RATE)
    printed, e, rate = STUDENT_PRINTED, STUDENT_ROUNDED_ERROR, STUDENT_RATE
    (x1, x2), (w1, w2) = STUDENT_X, STUDENT_W
    rows = [
        ("z", printed["z"], grad.z[0], grad.z[0]),
        ("e^0.7", printed["e^0.7"], math.exp(0.7), math.exp(0.7)),
        ("p", printed["p"], grad.p[0], round(float(grad.p[0]), 2)),
        ("p - y", printed["p - y"], grad.error[0], e),
        ("dw1", printed["dw1"], grad.dw[0], e * x1),
        ("dw2", printed["dw2"], grad.dw[1], e * x2),
        ("db", printed["db"], grad.db, e),
        ("new w1", printed["new w1"], w_new[0], w1 - rate * e * x1),
        ("new w2", printed["new w2"], w_new[1], w2 - rate * e * x2),
        ("new b", None, b_new, STUDENT_B - rate * e),
    ]
    return StudentStep(grad_pass=grad, new_w=w_new, new_b=float(b_new), rows=rows,
                       rounding_error=e - float(grad.error[0]))


# --------------------------------------------------------------------------------------------
# 3. The buggy per-sample loop
# --------------------------------------------------------------------------------------------

#: The five bugs of the textbook's loop; each name switches one on in `buggy_loop_step`.
BUGS = ("same_sample", "accumulated_error", "same_feature", "bias_not_averaged",
        "bias_self_update")


def buggy_loop_step(X, y, w, b, learning_rate: float, bugs=frozenset()):
    """One step of the textbook's per-sample loop, with any of its bugs switched on.

    With ``bugs`` empty this is the correct loop (the maths of `loop.loop_gradients`
    followed by an update). A teaching copy on purpose: the loop is shown on the page as the
    textbook wrote it, so it spells out its own sigmoid and loss in scalar Python. Each name
    in `BUGS` turns one bug on:

    - ``same_sample``: every pass reads sample 1 instead of sample i;
    - ``accumulated_error``: ``dz += a - y`` (a running sum) instead of ``dz = a - y``;
    - ``same_feature``: both weight gradients use the second feature;
    - ``bias_not_averaged``: db is never divided by m;
    - ``bias_self_update``: ``b = b - alpha * b`` instead of ``b - alpha * db``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float
    learning_rate : float
    bugs : collection of str

    Returns
    -------
    w_new : list of float
    b_new : float
    J : float
        The mean loss as this loop reports it (at the old w, b).
    dw : list of float
    db : float
        The gradients the loop computed.
    """
    unknown = set(bugs) - set(BUGS)
    if unknown:
        raise ValueError(f"unknown bug(s): {sorted(unknown)}")
    X = np.asarray(X, dtype=float).tolist()
    y = np.asarray(y, dtype=float).tolist()
    w = np.asarray(w, dtype=float).tolist()
    m, n_features = len(X), len(w)

    J, dw, db, dz = 0.0, [0.0] * n_features, 0.0, 0.0
    for i in range(m):
        x_i, y_i = (X[0], y[0]) if "same_sample" in bugs else (X[i], y[i])
        z = b + sum(w[j] * x_i[j] for j in range(n_features))
        a = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
        J += max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y_i * z  # log(1 + e^z) - y z
        if "accumulated_error" in bugs:
            dz += a - y_i
        else:
            dz = a - y_i
        for j in range(n_features):
            feature = min(1, n_features - 1) if "same_feature" in bugs else j
            dw[j] += x_i[feature] * dz
        db += dz
    J /= m
    dw = [d / m for d in dw]
    if "bias_not_averaged" not in bugs:
        db /= m
    w_new = [w[j] - learning_rate * dw[j] for j in range(n_features)]
    b_new = b - learning_rate * (b if "bias_self_update" in bugs else db)
    return w_new, b_new, J, dw, db


def loop_errors(X, y, w, b) -> list[float]:
    """The errors a - y the per-sample loop computes (`buggy_loop_step` with no bug), one per
    sample, in its scalar arithmetic: where its sigma(z) rounds to the label an error is
    exactly 0, though the exact p - y is not (-1.8e-35 at z = 80). Each is the loop's db
    over that sample alone (the loop as shown, run once per sample, not written again).

    Returns
    -------
    list of float, of length n_samples
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    return [buggy_loop_step(X[i:i + 1], y[i:i + 1], w, b, 1.0)[4] for i in range(len(y))]


def running_error_sums(X, y, w, b) -> np.ndarray:
    """What ``dz += a - y`` holds after each sample: the running sum of the errors p - y.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    X, y = check_data(X, y)
    errors = step(X, y, w, b, 1.0)[2].error
    return np.cumsum(errors)


@dataclass(frozen=True)
class LoopRun:
    """The buggy loop run for many steps.

    Attributes
    ----------
    bugs : frozenset of str
    weights : ndarray of shape (steps_run + 1, n_features)
    bias : ndarray of shape (steps_run + 1,)
    loss : ndarray of shape (steps_run + 1,)
        The true mean loss of each state (computed by the core, not by the loop).
    reported : ndarray of shape (steps_run,)
        The loss the loop itself reports at each step.
    stopped_at : int or None
        Step at which the numbers overflowed (the run is cut there).
    """

    bugs: frozenset
    weights: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    reported: np.ndarray
    stopped_at: int | None


def buggy_loop_run(X, y, w0, b0: float, learning_rate: float, steps: int,
                   bugs=frozenset()) -> LoopRun:
    """Repeat `buggy_loop_step`, recording each state and its true loss."""
    X, y = check_data(X, y)
    w, b = list(np.asarray(w0, dtype=float)), float(b0)
    weights, bias, loss, reported = [list(w)], [b], [mean_loss(X, y, w, b)], []
    stopped_at = None
    for t in range(steps):
        try:
            w, b, J, _, _ = buggy_loop_step(X, y, w, b, learning_rate, bugs)
            current = mean_loss(X, y, w, b)
        except (OverflowError, LogRegInputError):
            stopped_at = t + 1
            break
        weights.append(list(w))
        bias.append(b)
        loss.append(current)
        reported.append(J)
    return LoopRun(frozenset(bugs), np.array(weights), np.array(bias), np.array(loss),
                   np.array(reported), stopped_at)


def numpy_zeros_error() -> str:
    """What numpy says to the snippet's ``w = np.zeros(n_x, 1)``, run for real."""
    n_x = 2
    try:
        np.zeros(n_x, 1)
    except TypeError as error:
        return f"TypeError: {error}"
    return "no error"  # a numpy that accepted it would show here


def _places(printed: float) -> int:
    """Decimal places a printed figure shows (``0.100`` is kept as 0.1: one place at least)."""
    text = repr(float(printed))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def cut_off(value: float, places: int) -> float:
    """``value`` with its digits after ``places`` decimal places dropped (towards 0)."""
    scale = 10.0**places
    return math.trunc(value * scale) / scale


@dataclass(frozen=True)
class PrintedFigure:
    """How a textbook figure relates to the exact value.

    Attributes
    ----------
    quantity : str
    printed, exact : float
    places : int
        Decimal places the figure is compared at (the textbook's, at least those printed).
    how : {"rounded", "carried", "cut off", "other"}
        The exact value rounded to those places; else computed from the textbook's own
        rounded figures (``source``), then rounded; else the exact value cut off there (not
        rounded); else none of these.
    source : str
        For "carried": the rounded figure(s) it was computed from, in words.
    """

    quantity: str
    printed: float
    exact: float
    places: int
    how: str
    source: str = ""


def worked_figures(report: WorkedStep) -> list[PrintedFigure]:
    """Every printed figure of the worked step and how it came about (see `PrintedFigure`).

    A figure printed as ``0.100`` reads back as 0.1, so places are compared at the largest
    count any figure of its kind shows (three for p and the per-point losses).
    """
    printed = WORKED_PRINTED
    p_printed = dict(zip(FIVE_X, printed["p"], strict=True))
    # what each figure could have been computed from, with the textbook's own rounded inputs
    carried = {f"loss at x = {x:g}": (
        -math.log(p_printed[x]) if y == 1 else -math.log(1 - p_printed[x]),
        f"its rounded p {p_printed[x]:g}") for x, y in zip(FIVE_X, FIVE_Y, strict=True)}
    for name, total in (("dw", "sum (p - y) * x"), ("db", "sum (p - y)")):
        carried[name] = (printed[total] / 5, f"its rounded sum {printed[total]:g} divided by 5")
    carried["new w"] = (WORKED_W - WORKED_RATE * printed["dw"], f"its dw {printed['dw']:g}")
    carried["new b"] = (WORKED_B - WORKED_RATE * printed["db"], f"its db {printed['db']:g}")
    out = []
    for quantity, value, exact in report.rows:
        if value is None:
            continue
        places = max(_places(value), 3 if quantity.startswith(("p at", "loss at")) else 0)
        if round(exact, places) == round(value, places):
            how, source = "rounded", ""
        elif quantity in carried and round(carried[quantity][0], places) == round(value, places):
            how, source = "carried", carried[quantity][1]
        elif cut_off(exact, places) == round(value, places):
            how, source = "cut off", ""
        else:
            how, source = "other", ""
        out.append(PrintedFigure(quantity, float(value), float(exact), places, how, source))
    return out


def printed_mismatches(rows) -> list[tuple[str, float, float]]:
    """The textbook figures that differ from the exact value rounded to the same places.

    Parameters
    ----------
    rows : list of (quantity, printed or None, exact, ...)
        As in `WorkedStep.rows` or `StudentStep.rows`.

    Returns
    -------
    list of (quantity, printed, exact)
    """
    out = []
    for quantity, printed, exact, *_ in rows:
        if printed is None:
            continue
        text = repr(float(printed))
        places = len(text.split(".")[1]) if "." in text and "e" not in text else 0
        if round(float(exact), places) != round(float(printed), places):
            out.append((quantity, float(printed), float(exact)))
    return out
