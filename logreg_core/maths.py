r"""Logistic regression: one forward and backward pass, computed from the logits.

For data ``X`` of shape (n_samples, n_features), labels ``y`` in {0, 1}, weights ``w`` and
bias ``b``:

.. math::

    z_i = x_i \cdot w + b, \qquad p_i = \sigma(z_i) = \frac{1}{1 + e^{-z_i}}

    \ell_i = \log(1 + e^{z_i}) - y_i z_i
           \;(= -y_i \log p_i - (1 - y_i) \log(1 - p_i))

    J(w, b) = \frac{1}{n} \sum_i \ell_i + \frac{\lambda}{2} \lVert w \rVert^2

    \frac{\partial J}{\partial w_j} = \frac{1}{n} \sum_i (p_i - y_i)\, x_{ij} + \lambda w_j,
    \qquad
    \frac{\partial J}{\partial b} = \frac{1}{n} \sum_i (p_i - y_i)

Numerics. Every quantity is computed from the logit, never from ``log(p)``. Writing
``s_i = 1 - 2 y_i`` (+1 for label 0, -1 for label 1) and ``u_i = s_i z_i`` (positive when sample
i is on the wrong side of the boundary), the two quantities the loop needs are

.. math::

    \ell_i = \log(1 + e^{-|u_i|}) + \max(u_i, 0), \qquad p_i - y_i = s_i\, \sigma(u_i)

Both only ever exponentiate ``-|u|`` (so nothing overflows), and neither subtracts two nearly
equal numbers: at z = 40, y = 1 the naive ``logaddexp(0, z) - y*z`` rounds the loss 4e-18 to
exactly 0, and ``p - y`` rounds to 0 as well, while these forms keep full relative precision.
That is what lets the loss curve of separable data be drawn on a log axis all the way down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import LogRegInputError

#: Largest magnitude accepted in ``X``: its square (and a sum of a few thousand squares) stays
#: finite in float64 (max about 1.8e308), which the curvature bound ``X^T X`` needs.
MAX_ABS_FEATURE = 1e150


# --------------------------------------------------------------------------------------------
# Input checks (one place, one message style: what is wrong and what to do)
# --------------------------------------------------------------------------------------------


def check_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Validate training data and return it as float64 arrays.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
        Feature values; a 1-D array is read as one feature.
    y : array-like of shape (n_samples,)
        Labels, each 0 or 1 (booleans are accepted).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), float64

    Raises
    ------
    LogRegInputError
        Empty data, mismatched lengths, non-numeric or non-finite values, values too large to
        square, or labels other than 0 and 1.
    """
    try:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise LogRegInputError(
            f"X and y must hold numbers only ({exc}); convert or drop text columns first."
        ) from None
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise LogRegInputError(
            f"X must be a table of shape (n_samples, n_features); got {X.ndim} dimensions."
        )
    if y.ndim != 1:
        raise LogRegInputError(f"y must be one column of labels; got shape {y.shape}.")
    n_samples, n_features = X.shape
    if n_samples == 0:
        raise LogRegInputError("The data has no rows: give at least one sample.")
    if n_features == 0:
        raise LogRegInputError("The data has no feature columns: choose at least one feature.")
    if y.shape[0] != n_samples:
        raise LogRegInputError(
            f"X has {n_samples} rows but y has {y.shape[0]} labels: give one label per row."
        )
    if not np.all(np.isfinite(X)):
        bad = int(np.sum(~np.all(np.isfinite(X), axis=1)))
        raise LogRegInputError(
            f"X holds missing or infinite values in {bad} row(s): drop or fill those rows."
        )
    if np.max(np.abs(X)) > MAX_ABS_FEATURE:
        raise LogRegInputError(
            f"X holds values larger than {MAX_ABS_FEATURE:.0e} in magnitude, too large to square "
            "in double precision: rescale those features (e.g. standardize them)."
        )
    if not np.all((y == 0) | (y == 1)):
        found = np.unique(y[(y != 0) & (y != 1)])[:5]
        raise LogRegInputError(
            f"Labels must be 0 or 1; found {', '.join(f'{v:g}' for v in found)}: "
            "map the two classes to 0 and 1."
        )
    # One memory layout everywhere: reductions over a C- or an F-ordered copy of the same
    # numbers add in different orders, and the exported script must match to the last bit.
    return np.ascontiguousarray(X), y


def check_parameters(w, b, n_features: int) -> tuple[np.ndarray, float]:
    """Validate a weight vector and bias.

    Parameters
    ----------
    w : array-like of shape (n_features,) or None
        Weights; ``None`` means all zeros.
    b : float
        Bias.
    n_features : int
        Number of feature columns the weights must match.

    Returns
    -------
    w : ndarray of shape (n_features,), float64
    b : float
    """
    w = np.zeros(n_features) if w is None else np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (n_features,):
        raise LogRegInputError(
            f"Expected {n_features} weight(s), one per feature; got {w.shape[0]}."
        )
    try:
        b = float(b)
    except (TypeError, ValueError):
        raise LogRegInputError(f"The bias must be a number; got {b!r}.") from None
    if not (np.all(np.isfinite(w)) and math.isfinite(b)):
        raise LogRegInputError("Weights and bias must be finite numbers.")
    return w, b


def check_l2(l2) -> float:
    """Validate an L2 strength: a finite number >= 0."""
    l2 = float(l2)
    if not (math.isfinite(l2) and l2 >= 0):
        raise LogRegInputError(f"The L2 strength must be a finite number >= 0; got {l2:g}.")
    return l2


def check_learning_rate(learning_rate) -> float:
    """Validate a learning rate: a finite number > 0."""
    learning_rate = float(learning_rate)
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise LogRegInputError(
            f"The learning rate must be a positive number; got {learning_rate:g}."
        )
    return learning_rate


# --------------------------------------------------------------------------------------------
# The formulas
# --------------------------------------------------------------------------------------------


def sigmoid(z):
    r"""Logistic function, stable for every finite input.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    The first form is used for z >= 0 and the second for z < 0, so the exponent is always
    ``-|z|`` <= 0 and never overflows, even at |z| = 1e308.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    p : float or ndarray of the same shape, in [0, 1]
    """
    z = np.asarray(z, dtype=float)
    with np.errstate(under="ignore"):  # e**-|z| rounding to 0 is the right answer
        e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return p[()] if p.ndim == 0 else p


class _Workspace:
    """Scratch arrays for `_logistic_terms`, reused across the steps of a run.

    At a few thousand elements an array is large enough that allocating it afresh costs as much
    as the arithmetic; a training run allocates these once.
    """

    def __init__(self, shape: tuple[int, ...]):
        self.e = np.empty(shape)
        self.loss = np.empty(shape)
        self.sig = np.empty(shape)
        self.mask = np.empty(shape, dtype=bool)


def _logistic_terms(u: np.ndarray, work: _Workspace | None = None, with_sigmoid: bool = True):
    r"""Per-sample loss and sigmoid of the wrong-side logit ``u = (1 - 2y) z``.

    .. math:: \ell = \log(1 + e^{-|u|}) + \max(u, 0), \qquad
              \sigma(u) = \frac{\max(e^{-|u|}, [u \ge 0])}{1 + e^{-|u|}}

    (the numerator is 1 for u >= 0 and e^u otherwise: the sign-split sigmoid). The one
    implementation of the loss and its derivative: `loss_and_gradients`, `train`,
    `learning_rate_sweep` and `fit_exact` all call it. Works on any shape (the sweep passes
    (n_rates, n_samples)). Callers own the floating-point error state.

    Parameters
    ----------
    u : ndarray of any shape
    work : _Workspace of the same shape, optional
        Where to compute; the results are views into it, overwritten by the next call.
    with_sigmoid : bool, default True
        False skips sigma(u) (returned as None) when only the loss is needed.

    Returns
    -------
    sample_loss, sig : ndarray of the shape of u
    """
    if work is None:
        work = _Workspace(u.shape)
    e, loss, sig, mask = work.e, work.loss, work.sig, work.mask
    np.abs(u, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=loss)
    np.maximum(u, 0.0, out=sig)  # sig as scratch for max(u, 0)
    np.add(loss, sig, out=loss)
    if not with_sigmoid:
        return loss, None
    np.greater_equal(u, 0.0, out=mask)
    np.maximum(e, mask, out=sig)
    np.add(e, 1.0, out=e)
    np.divide(sig, e, out=sig)
    return loss, sig


@dataclass(frozen=True)
class GradientPass:
    """Everything one forward and backward pass computes, at one (w, b).

    Attributes
    ----------
    z : ndarray of shape (n_samples,)
        Logits ``X @ w + b``.
    p : ndarray of shape (n_samples,)
        Probabilities ``sigmoid(z)``.
    sample_loss : ndarray of shape (n_samples,)
        Cross-entropy of each sample.
    penalty : float
        ``l2 / 2 * ||w||^2`` (0 without L2).
    loss : float
        ``mean(sample_loss) + penalty``: the quantity gradient descent minimizes.
    error : ndarray of shape (n_samples,)
        ``p - y``.
    error_x : ndarray of shape (n_samples, n_features)
        ``(p - y) * x_j`` for every sample and feature; its column means are the data part of
        ``dw``.
    dw : ndarray of shape (n_features,)
        ``mean(error_x, axis=0) + l2 * w``.
    db : float
        ``mean(error)``.
    """

    z: np.ndarray
    p: np.ndarray
    sample_loss: np.ndarray
    penalty: float
    loss: float
    error: np.ndarray
    error_x: np.ndarray
    dw: np.ndarray
    db: float


def loss_and_gradients(X, y, w, b, l2: float = 0.0) -> GradientPass:
    """One forward and backward pass: logits, probabilities, loss and gradients.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), labels 0/1
    w : array-like of shape (n_features,)
    b : float
    l2 : float, default 0
        L2 strength lambda; adds ``lambda/2 ||w||^2`` to the loss and ``lambda w`` to ``dw``.
        The bias is not penalized. ``l2 = 1 / (C * n_samples)`` matches scikit-learn's
        ``LogisticRegression(C=C)``.

    Returns
    -------
    GradientPass

    Raises
    ------
    LogRegInputError
        Bad data or parameters, or logits so large that the loss is not a finite number.
    """
    X, y = check_data(X, y)
    w, b = check_parameters(w, b, X.shape[1])
    l2 = check_l2(l2)
    with np.errstate(all="ignore"):
        z = X @ w + b
        s = 1.0 - 2.0 * y
        sample_loss, sig = _logistic_terms(s * z)
        penalty = 0.5 * l2 * float(w @ w)
        loss = float(np.mean(sample_loss)) + penalty
        error = s * sig
        error_x = error[:, None] * X
        dw = np.mean(error_x, axis=0) + l2 * w
        db = float(np.mean(error))
    if not (math.isfinite(loss) and np.all(np.isfinite(dw))):
        raise LogRegInputError(
            "The logits are too large for the loss to be a finite number: "
            "use smaller weights or rescale the features."
        )
    return GradientPass(
        z=z, p=sigmoid(z), sample_loss=sample_loss, penalty=penalty, loss=loss,
        error=error, error_x=error_x, dw=dw, db=db,
    )


def mean_loss(X, y, w, b, l2: float = 0.0) -> float:
    """The objective ``J(w, b)`` alone (see `loss_and_gradients`)."""
    return loss_and_gradients(X, y, w, b, l2).loss


def step(X, y, w, b, learning_rate: float, l2: float = 0.0):
    r"""One gradient-descent update.

    .. math:: w \leftarrow w - \eta\, \partial J / \partial w, \qquad
              b \leftarrow b - \eta\, \partial J / \partial b

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float
    learning_rate : float
        eta > 0.
    l2 : float, default 0

    Returns
    -------
    w_new : ndarray of shape (n_features,)
    b_new : float
    grad_pass : GradientPass
        The pass at the old (w, b) the update was computed from.
    """
    learning_rate = check_learning_rate(learning_rate)
    grad_pass = loss_and_gradients(X, y, w, b, l2)
    w_old, b_old = check_parameters(w, b, grad_pass.dw.shape[0])
    return w_old - learning_rate * grad_pass.dw, b_old - learning_rate * grad_pass.db, grad_pass


def numerical_gradient(X, y, w, b, l2: float = 0.0, rel_step: float = 1e-3):
    r"""Gradient of ``J`` by central differences, to check the analytic gradient.

    Uses the fourth-order central stencil

    .. math:: f'(t) \approx \frac{-f(t + 2h) + 8 f(t + h) - 8 f(t - h) + f(t - 2h)}{12 h}

    whose truncation error is O(h^4), so a fairly large h keeps rounding error small too.
    For weight j the step is ``h = rel_step / max(1, max_i |x_ij|)`` (the loss varies with
    ``w_j`` on the scale 1/|x_j|); for the bias ``h = rel_step``.

    Parameters
    ----------
    X, y, w, b, l2 : as in `loss_and_gradients`
    rel_step : float, default 1e-3

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float
    """
    X, y = check_data(X, y)
    w, b = check_parameters(w, b, X.shape[1])
    theta = np.append(w, b)
    scales = np.append(np.maximum(1.0, np.max(np.abs(X), axis=0)), 1.0)

    def objective(t: np.ndarray) -> float:
        return mean_loss(X, y, t[:-1], t[-1], l2)

    grad = np.empty_like(theta)
    for k in range(theta.size):
        h = rel_step / scales[k]
        unit = np.zeros_like(theta)
        unit[k] = h
        grad[k] = (
            -objective(theta + 2 * unit) + 8 * objective(theta + unit)
            - 8 * objective(theta - unit) + objective(theta - 2 * unit)
        ) / (12 * h)
    return grad[:-1], float(grad[-1])


def loop_gradients(X, y, w, b):
    """Mean loss and gradients one sample at a time, in plain Python (no L2).

    The form the source documents start from, with their bugs fixed: each pass reads sample
    i, the error is computed afresh for each sample, weight j uses feature j, every sum is
    divided by the number of samples. `loss_and_gradients` is the vectorized twin.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float

    Returns
    -------
    loss : float
    dw : list of float, length n_features
    db : float
    """
    X = np.asarray(X, dtype=float).tolist()
    y = np.asarray(y, dtype=float).tolist()
    w = np.asarray(w, dtype=float).tolist()
    n_samples, n_features = len(X), len(w)

    loss, dw, db = 0.0, [0.0] * n_features, 0.0
    for i in range(n_samples):
        z = b
        for j in range(n_features):
            z += w[j] * X[i][j]
        # sigmoid and log(1 + e^z) split on the sign of z, so exp never overflows
        if z >= 0:
            p = 1.0 / (1.0 + math.exp(-z))
            softplus = z + math.log1p(math.exp(-z))
        else:
            p = math.exp(z) / (1.0 + math.exp(z))
            softplus = math.log1p(math.exp(z))
        loss += softplus - y[i] * z
        error = p - y[i]
        for j in range(n_features):
            dw[j] += error * X[i][j]
        db += error

    return loss / n_samples, [d / n_samples for d in dw], db / n_samples


@dataclass(frozen=True)
class CurvatureBound:
    """How curved the loss can be anywhere, and the learning rate that follows.

    Attributes
    ----------
    lambda_max : float
        Largest eigenvalue of ``[X 1]^T [X 1]``.
    L : float
        ``lambda_max / (4 n) + l2``: no Hessian of ``J`` has an eigenvalue above it, because
        ``p (1 - p) <= 1/4``.
    max_stable_learning_rate : float
        ``2 / L``: below it a full-batch step can never increase the loss.
    """

    lambda_max: float
    L: float
    max_stable_learning_rate: float


def curvature_bound(X, l2: float = 0.0) -> CurvatureBound:
    """Curvature bound ``L`` of the loss on data ``X`` (see `CurvatureBound`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    l2 : float, default 0

    Returns
    -------
    CurvatureBound
    """
    X, _ = check_data(X, np.zeros(len(X)))
    l2 = check_l2(l2)
    Xa = np.column_stack([X, np.ones(X.shape[0])])
    lambda_max = float(np.linalg.eigvalsh(Xa.T @ Xa)[-1])
    L = lambda_max / (4 * X.shape[0]) + l2
    return CurvatureBound(lambda_max=lambda_max, L=L, max_stable_learning_rate=2.0 / L)


def max_stable_learning_rate(X, l2: float = 0.0) -> float:
    r"""Largest learning rate for which a full-batch step can never increase the loss.

    .. math:: \eta_{max} = 2 / L, \qquad
              L = \frac{\lambda_{max}([X\,1]^\top [X\,1])}{4 n} + \lambda

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    l2 : float, default 0

    Returns
    -------
    float
    """
    return curvature_bound(X, l2).max_stable_learning_rate
