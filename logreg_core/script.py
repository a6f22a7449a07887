"""A standalone numpy-only Python script that reproduces a full-batch training run.

The script carries its data and settings, repeats `train`'s arithmetic operation for
operation (so its numbers are the core's to the last bit on the same numpy), and prints the
loss curve as CSV. A test runs it and compares.
"""

from __future__ import annotations

import numpy as np

from .maths import check_data

_TEMPLATE = '''\
"""Logistic regression trained by gradient descent: {title}.

Written by Descent Lab; needs only numpy. Run it with `python {file_name}`; it prints one
CSV row per state (step, weights, bias, loss). Every number matches the dashboard's run.
"""

import numpy as np

# Data: {n_samples} samples, features {feature_list}; label 1 or 0.
X = np.array({X}, dtype=float).reshape({n_samples}, {n_features})
y = np.array({y}, dtype=float)
STANDARDIZE = {standardize}
LEARNING_RATE = {learning_rate!r}
STEPS = {steps}
W0 = np.array({w0}, dtype=float)
B0 = {b0!r}
L2 = {l2!r}  # strength of the penalty L2 / 2 * |w|^2 (the bias is not penalized)

if STANDARDIZE:  # z-scores, with the population standard deviation
    X = (X - X.mean(axis=0)) / X.std(axis=0)

n_samples, n_features = X.shape

# s = +1 for label 0 and -1 for label 1; u = s * z is the logit measured towards the wrong
# side. With it, loss = log(1 + e^-|u|) + max(u, 0) and p - y = s * sigmoid(u): only e^-|u|
# is ever computed, so nothing overflows, and nothing small is lost to cancellation.
s = 1.0 - 2.0 * y
Xs = np.ascontiguousarray(np.column_stack([X, np.ones(n_samples)]) * s[:, None])
XsT_n = np.ascontiguousarray(Xs.T / n_samples)
penalized = np.append(np.full(n_features, L2), 0.0)


def loss_and_sigmoid(u):
    """Per-sample loss and sigmoid(u), for u = s * z."""
    e = np.exp(-np.abs(u))
    loss = np.log1p(e) + np.maximum(u, 0.0)
    sig = np.maximum(e, u >= 0.0) / (1.0 + e)  # numerator: 1 if u >= 0 else e^u
    return loss, sig


theta = np.append(W0, B0)  # weights, then bias
names = [{names}]
print(",".join(["step", *names, "b", "loss"]))
for t in range(STEPS + 1):
    sample_loss, sig = loss_and_sigmoid(Xs @ theta)
    loss = sample_loss.sum() / n_samples
    if L2:
        loss += 0.5 * L2 * (theta[:-1] @ theta[:-1])
    print(",".join(repr(float(v)) for v in (t, *theta, loss)))
    if t == STEPS:
        break
    gradient = XsT_n @ sig
    if L2:
        gradient += penalized * theta
    theta = theta - LEARNING_RATE * gradient
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
    title: str = "a Descent Lab run",
    file_name: str = "descent_lab_run.py",
) -> str:
    """Python source of a script that reruns full-batch gradient descent on this data.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data as loaded, before standardization (the script standardizes when asked, with the
        same arithmetic as `Standardizer`).
    y : array-like of shape (n_samples,)
    feature_names : list of str
    learning_rate : float
    steps : int
    w0 : array-like of shape (n_features,)
    b0 : float
    l2 : float
    standardize : bool
    title, file_name : str
        Used in the script's docstring.

    Returns
    -------
    str
    """
    X, y = check_data(X, y)
    quoted = ", ".join(repr(str(name)) for name in feature_names)
    return _TEMPLATE.format(
        title=title.replace('"""', "'''"),
        file_name=file_name,
        n_samples=X.shape[0],
        n_features=X.shape[1],
        feature_list=", ".join(str(n) for n in feature_names)[:200].replace("\n", " "),
        X=_numbers(X),
        y=_numbers(y),
        standardize=bool(standardize),
        learning_rate=float(learning_rate),
        steps=int(steps),
        w0=_numbers(np.asarray(w0, dtype=float)),
        b0=float(b0),
        l2=float(l2),
        names=quoted,
    )
