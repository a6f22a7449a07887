"""A standalone numpy-only Python script that reproduces a full-batch training run.

The script carries its data and settings and runs the same arithmetic as `train` (the lines of
`LogisticProblem.terms`, `maths.l2_penalty` and `GradientDescent.step`, operation for
operation), so its numbers are the core's to the last bit on the same numpy. It prints the loss
curve as CSV. A copy of the core's formulas on purpose: the script must run with numpy alone;
tests/core/test_script.py checks it against `train`, bit for bit.

Safety: the script is code a user will run, and column names come from uploaded files. No
user text is ever pasted into code or comments: names travel only as a JSON string literal
(`json.dumps`, ASCII-only, so no line break or separator character survives to end a line),
and every other value is a number written by `repr`.
"""

from __future__ import annotations

import json

import numpy as np

from .maths import check_data

_TEMPLATE = '''\
"""Logistic regression trained by full-batch gradient descent, written by Descent Lab.

Needs only numpy. Run it with `python descent_lab_run.py`: it prints one CSV row per state
(step, weights, bias, loss), the same numbers as the dashboard's run to the last digit.
"""

import csv
import json
import sys

import numpy as np

FEATURE_NAMES = json.loads({names_json})
X = np.array({X}, dtype=float).reshape({n_samples}, {n_features})
y = np.array({y}, dtype=float)
STANDARDIZE = {standardize}
LEARNING_RATE = {learning_rate}
STEPS = {steps}  # {steps_note}
W0 = np.array({w0}, dtype=float)
B0 = {b0}
L2 = {l2}  # strength of the penalty L2 / 2 * |w|^2 (the bias is not penalized)

if STANDARDIZE:  # z-scores, with the population standard deviation, of each column divided
    # by its largest magnitude and scaled back (squares of values near 1e-300 underflow)
    size = np.abs(X).max(axis=0)
    size[size == 0] = 1.0
    unit = X / size
    X = (X - unit.mean(axis=0) * size) / (unit.std(axis=0) * size)


def spreadsheet_safe(text):
    """A leading quote keeps a spreadsheet from reading a name as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\\t", "\\r")) else text


np.seterr(all="ignore")  # e^-|u| may underflow to 0: the right answer
n = len(y)
s = 1.0 - 2.0 * y  # +1 for label 0, -1 for label 1
theta = np.append(W0, B0)  # weights, then bias
header = ["step", *(spreadsheet_safe(name) for name in FEATURE_NAMES), "b", "loss"]
csv.writer(sys.stdout, quoting=csv.QUOTE_ALL, lineterminator="\\n").writerow(header)
for t in range(STEPS + 1):
    w, b = theta[:-1], theta[-1]
    z = X @ w + b  # logits
    u = s * z  # each logit seen from the wrong side of its label
    e = np.exp(-np.abs(u))  # e^-|u| <= 1, shared by the loss and the sigmoid
    loss = (np.log1p(e) + np.maximum(u, 0.0)).sum() / n  # mean of log(1 + e^u)
    if L2:
        squares = np.sum(w * w)
        size = np.abs(w).max()
        if np.isfinite(squares) or not np.isfinite(size) or size == 0:
            loss += 0.5 * L2 * squares
        else:  # past |w| = 1.3e154 w.w overflows where L2 / 2 * |w|^2 may not: scale by max |w|
            loss += 0.5 * L2 * size * size * np.sum((w / size) ** 2)
    print(",".join(repr(float(v)) for v in (t, *theta, loss)))
    if t == STEPS:
        break
    error = s * np.where(u >= 0, 1.0, e) / (1.0 + e)  # s sigma(u), which is p - y
    dw = X.T @ error / n
    db = error.sum() / n
    if L2:
        dw += L2 * w
    theta = theta - LEARNING_RATE * np.concatenate((dw, [db]))
'''


def _numbers(values: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(v)) for v in np.ravel(values)) + "]"


def standalone_script(
    X,
    y,
    *,
    feature_names: list[str],
    learning_rate: float,
    steps: int,
    w0,
    b0: float,
    l2: float = 0.0,
    standardize: bool = False,
    stopped_early: bool = False,
) -> str:
    """Python source of a script that reruns full-batch gradient descent on this data.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data as loaded, before standardization (the script standardizes when asked, with the
        same arithmetic as `Standardizer`).
    y : array-like of shape (n_samples,)
    feature_names : list of str
        Any text at all: it reaches the script only as a JSON string literal.
    learning_rate : float
    steps : int
        The steps the dashboard's run took (fewer than asked when it stopped on overflow).
    w0 : array-like of shape (n_features,)
    b0 : float
    l2 : float
    standardize : bool
    stopped_early : bool
        Whether the run stopped there because the next state overflowed (said in a comment).

    Returns
    -------
    str
    """
    X, y = check_data(X, y)
    names = [str(name) for name in feature_names]
    if len(names) != X.shape[1]:
        raise ValueError(f"{len(names)} names for {X.shape[1]} features")
    return _TEMPLATE.format(
        names_json=repr(json.dumps(names)),
        n_samples=X.shape[0],
        n_features=X.shape[1],
        X=_numbers(X),
        y=_numbers(y),
        standardize=repr(bool(standardize)),
        learning_rate=repr(float(learning_rate)),
        steps=int(steps),
        steps_note=("the run's last finite state: one more step overflows" if stopped_early
                    else "as on the dashboard"),
        w0=_numbers(np.asarray(w0, dtype=float)),
        b0=repr(float(b0)),
        l2=repr(float(l2)),
    )
