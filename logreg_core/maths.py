r"""Logistic regression: one forward and backward pass, computed from the logits.

For data ``X`` of shape (n_samples, n_features), labels ``y`` in {0, 1}, weights ``w`` and
bias ``b``:

.. math::

    z_i = x_i \cdot w + b, \qquad p_i = \sigma(z_i) = \frac{1}{1 + e^{-z_i}}

    \ell_i = -y_i \log p_i - (1 - y_i) \log(1 - p_i) = \log(1 + e^{u_i}),
    \qquad u_i = s_i z_i, \quad s_i = 1 - 2 y_i

    J(w, b) = \frac{1}{n} \sum_i \ell_i + \frac{\lambda}{2} \lVert w \rVert^2

    \frac{\partial J}{\partial w} = \frac{1}{n} X^\top (p - y) + \lambda w,
    \qquad
    \frac{\partial J}{\partial b} = \frac{1}{n} \sum_i (p_i - y_i),
    \qquad p_i - y_i = s_i\, \sigma(u_i)

``u`` is the logit seen from the wrong side: positive when sample i is misclassified.
Everything comes from ``u`` and one exponential, ``e = e^{-|u|}`` (= ``e^{-|z|}``):

- the loss, softplus: ``log(1 + e^u) = log1p(e) + max(u, 0)``, which exponentiates nothing
  positive (no overflow) and subtracts nothing (at z = 40, y = 1 the naive
  ``log(1 + e^z) - y z`` rounds the loss 4e-18 to exactly 0; this form keeps it, so the loss of
  separable data can be drawn on a log axis all the way down);
- the sigmoid, split on the sign: ``1 / (1 + e)`` for u >= 0, ``e / (1 + e)`` below;
- the curvature p (1 - p) of the Hessian, as ``sigma(z) sigma(-z)`` (no ``1 - p``).

Each formula is written once here (`softplus_of`, `sigmoid_of`, `l2_penalty`,
`LogisticProblem.terms`, `LogisticProblem.hessian`) and every part of the core calls them:
training, the sweep, the tables, the landscape, the limits and the exact fit. The one
underflow rule (`exp_minus_abs`): e^-|u| is what ``np.exp`` rounds it to, a subnormal for
|u| in 708-745 and 0 beyond, with numpy's underflow flag ignored (0 or a subnormal is the
right answer there). Teaching copies written out on purpose, each saying so: the per-sample
loop `loop.loop_gradients`, the textbook's buggy loop (`examples.buggy_loop_step`) and the
standalone script (`script`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import LogRegInputError
from .update import gradient_update

#: Largest magnitude accepted in ``X``: its square (and a sum of a few thousand squares) stays
#: finite in float64 (max about 1.8e308), which the curvature bound ``X^T X`` needs.
MAX_ABS_FEATURE = 1e150

#: The fourth-order central stencil of `numerical_gradient`: the weight of J(t + k h) for each
#: offset k, the sum divided by 12 h. Its largest weight is how many times the loss the
#: difference of losses can reach (the page says so where that overflows).
STENCIL: dict[int, float] = {2: -1.0, 1: 8.0, -1: -8.0, -2: 1.0}
STENCIL_DIVISOR = 12.0


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
    X : ndarray of shape (n_samples, n_features), float64, C-contiguous
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
            "in double precision: rescale those features first (e.g. change their unit), or "
            "leave them out."
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


def column_mean_and_spread(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Each column's mean and standard deviation, computed on the column divided by its
    largest magnitude and scaled back.

    .. math:: \bar x_j = s_j \operatorname{mean}(x_j / s_j), \quad
              \sigma_j = s_j \operatorname{std}(x_j / s_j), \quad s_j = \max_i |x_{ij}|

    Written directly, the squares of values near 1e-300 underflow to 0 (a column of 1e-300 to
    5e-300 read as constant: an upload walk) and those of values near 1e200 overflow to inf.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), finite

    Returns
    -------
    mean, std : ndarray of shape (n_features,)
    """
    size = np.max(np.abs(X), axis=0, initial=0.0)
    size = np.where(size > 0, size, 1.0)
    unit = X / size
    return unit.mean(axis=0) * size, unit.std(axis=0) * size


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


def exp_minus_abs(u: np.ndarray) -> np.ndarray:
    """``e^{-|u|}`` in [0, 1]: never overflows. The core's one underflow rule.

    Where e^-|u| is below the smallest normal double (|u| > 708) numpy rounds it to a
    subnormal, and to 0 beyond |u| = 745: both are the right answer. Call under an error state
    that ignores underflow (numpy's default; `train` and the other loops set
    ``np.errstate(all="ignore")`` once around their loop, the public functions below set it
    themselves): an error-state context per call would cost more than the formula.
    """
    return np.exp(-np.abs(u))


def softplus_of(u: np.ndarray, e: np.ndarray) -> np.ndarray:
    r"""``log(1 + e^u)`` from ``u`` and ``e = e^{-|u|}``: :math:`\log(1 + e) + \max(u, 0)`."""
    return np.log1p(e) + np.maximum(u, 0.0)


def sigmoid_of(u: np.ndarray, e: np.ndarray) -> np.ndarray:
    r"""``sigma(u)`` from ``u`` and ``e = e^{-|u|}``: ``1 / (1 + e)`` for u >= 0, else
    ``e / (1 + e)``, so nothing exponentiated is positive."""
    return np.where(u >= 0, 1.0, e) / (1.0 + e)


def sigmoid(z):
    r"""Logistic function, stable for every finite input.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    The first form is used for z >= 0 and the second for z < 0 (`sigmoid_of`), so the
    exponent is always ``-|z|`` <= 0 and never overflows, even at |z| = 1e308.

    Parameters
    ----------
    z : float or ndarray of any shape

    Returns
    -------
    p : float or ndarray of the same shape, in [0, 1]
    """
    z = np.asarray(z, dtype=float)
    with np.errstate(under="ignore"):
        p = sigmoid_of(z, exp_minus_abs(z))
    return p[()] if p.ndim == 0 else p


def softplus(u):
    r"""``log(1 + e^u)``, stable for every finite input (`softplus_of`).

    .. math:: \log(1 + e^{u}) = \log(1 + e^{-|u|}) + \max(u, 0)
    """
    u = np.asarray(u, dtype=float)
    with np.errstate(under="ignore"):
        return softplus_of(u, exp_minus_abs(u))


def on_label_side(z, y) -> np.ndarray:
    """Which samples the model puts on their own label's side of p = 0.5.

    p >= 0.5 exactly when z >= 0, so sample i is right when ``(z_i >= 0) == (y_i == 1)``;
    the mean of the result is the accuracy.

    Parameters
    ----------
    z : ndarray of shape (n_samples,)
        Logits.
    y : ndarray of shape (n_samples,)
        Labels, 0 or 1.

    Returns
    -------
    ndarray of bool, shape (n_samples,)
    """
    return (np.asarray(z) >= 0) == (np.asarray(y) == 1)


def accuracy(z, y) -> float:
    """The share of samples on their own label's side: ``mean(on_label_side(z, y))``.

    Parameters
    ----------
    z : ndarray of shape (n_samples,)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    float in [0, 1]
    """
    return float(np.mean(on_label_side(z, y)))


def label_signs(y: np.ndarray) -> np.ndarray:
    """``s = 1 - 2y``: +1 for label 0, -1 for label 1. ``u = s z`` is the wrong-side logit."""
    return 1.0 - 2.0 * y


def sample_losses(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Cross-entropy of each sample, from its logit: softplus of the wrong-side logit.

    .. math:: \ell = -y \log p - (1 - y) \log(1 - p) = \log(1 + e^{u}), \qquad u = (1 - 2y) z

    Parameters
    ----------
    z : ndarray of shape (..., n_samples)
        Logits (leading axes of rates or grid points are allowed).
    y : ndarray of shape (n_samples,)

    Returns
    -------
    ndarray of the shape of z
    """
    return softplus(label_signs(y) * z)


def wrong_side_terms(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""``log(1 + e^u)`` and ``sigma(u)`` of wrong-side logits, from one ``e^{-|u|}``.

    With ``u = s z`` (``s = 1 - 2y``), the first is each sample's loss and ``s`` times the
    second is ``p - y``. The training pass and the sweep share this; call it under an error
    state that ignores underflow (see `exp_minus_abs`).

    Parameters
    ----------
    u : ndarray of any shape

    Returns
    -------
    loss_terms, sigma : ndarrays of the shape of u
    """
    e = exp_minus_abs(u)
    return softplus_of(u, e), sigmoid_of(u, e)


def l2_penalty(w: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray]:
    r"""The L2 penalty and its gradient; the bias is never penalized.

    .. math:: P(w) = \frac{\lambda}{2} \lVert w \rVert^2, \qquad \nabla P = \lambda w

    Parameters
    ----------
    w : ndarray of shape (..., n_features)
        Weights (leading axes of rates or grid points are allowed).
    l2 : float
        The strength lambda >= 0.

    Returns
    -------
    penalty : ndarray of shape (...) (a 0-d array for one weight vector)
    gradient : ndarray of the shape of w
    """
    squares = np.sum(w * w, axis=-1)
    if np.isfinite(squares).all():
        return 0.5 * l2 * squares, l2 * w
    # Past |w| = 1.3e154, w·w overflows where λ/2 ‖w‖² may still be finite: scale by max |w|
    # there, so that a run stops when its loss overflows, not when this intermediate does.
    scale = np.max(np.abs(w), axis=-1)
    finite = np.isfinite(scale) & (scale > 0)
    safe = np.where(finite, scale, 1.0)
    rescaled = 0.5 * l2 * safe * safe * np.sum((w / safe[..., None]) ** 2, axis=-1)
    return np.where(finite, rescaled, 0.5 * l2 * squares), l2 * w


class LogisticProblem:
    """The training objective J on fixed data: what every optimizer asks about.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), checked (see `check_data`)
    y : ndarray of shape (n_samples,)
    l2 : float
        L2 strength lambda (the bias is not penalized).

    Notes
    -----
    Parameters travel as one vector ``theta = (w_1, ..., w_d, b)``. The methods do no input
    checks (callers check once, then call them thousands of times) and own no error state:
    every caller runs them under ``np.errstate(all="ignore")`` (e^-|u| may underflow to 0, the
    right answer; on overflow they return inf or nan, which `train` detects).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, l2: float = 0.0):
        self.X, self.y, self.l2 = X, y, l2
        self.sign = label_signs(y)  # +1 for label 0, -1 for label 1
        self.n_samples, self.n_features = X.shape

    def terms(self, theta: np.ndarray, rows=None) -> tuple:
        """One forward and backward pass, every intermediate kept (the module's formulas).

        This is the pass the training loop runs, line for line, and the one the tables show.

        Parameters
        ----------
        theta : ndarray of shape (n_features + 1,)
        rows : ndarray of int, optional
            Sample indices of a mini-batch; the loss and gradient are then its means.

        Returns
        -------
        tuple (z, e, loss_terms, sigma, error, data_dw, penalty, loss, dw, db)
            Logits, ``e^{-|z|}``, each sample's loss, ``sigma(u)``, ``p - y``, the data part
            of dJ/dw, the L2 penalty, J, dJ/dw (shape (n_features,)) and dJ/db. A plain
            tuple: it is built thousands of times a second.
        """
        X, s = (self.X, self.sign) if rows is None else (self.X[rows], self.sign[rows])
        w, b = theta[:-1], theta[-1]
        n = len(s)
        z = X @ w + b  # logits
        u = s * z  # each logit seen from the wrong side of its label
        e = exp_minus_abs(u)  # e^-|u|, shared by the loss and the sigmoid
        loss_terms, sigma = softplus_of(u, e), sigmoid_of(u, e)  # log(1 + e^u), sigma(u)
        loss = loss_terms.sum() / n  # the mean cross-entropy
        error = s * sigma  # s sigma(u), which is p - y
        dw = data_dw = X.T @ error / n
        db = error.sum() / n
        penalty = 0.0
        if self.l2:  # the penalty l2/2 |w|^2 and its gradient (the bias is not penalized)
            penalty, l2_gradient = l2_penalty(w, self.l2)
            loss += penalty
            dw = data_dw + l2_gradient
        return z, e, loss_terms, sigma, error, data_dw, penalty, loss, dw, db

    def loss_and_gradient(self, theta: np.ndarray, rows=None) -> tuple[float, np.ndarray]:
        """J and its gradient ``(dJ/dw_1, ..., dJ/dw_d, dJ/db)`` at theta (see `terms`)."""
        *_, loss, dw, db = self.terms(theta, rows)
        return loss, np.concatenate((dw, [db]))

    def loss(self, theta: np.ndarray) -> float:
        """J at theta, on all samples: the loss half of `terms` (no sigmoid, no gradient)."""
        w, b = theta[:-1], theta[-1]
        u = self.sign * (self.X @ w + b)
        loss = softplus_of(u, exp_minus_abs(u)).sum() / self.n_samples
        if self.l2:
            loss += l2_penalty(w, self.l2)[0]
        return loss

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        r"""Second derivatives of J at theta, shape (n_features + 1, n_features + 1).

        .. math:: H = \frac{1}{n} A^\top \operatorname{diag}(p (1 - p)) A + \lambda \bar I,
                  \qquad A = [X\;1]

        where the bar means weights only (the bias is not penalized); p (1 - p) is
        ``sigma(z) sigma(-z)``, from one exponential and without cancelling ``1 - p``.
        """
        A = np.column_stack([self.X, np.ones(self.n_samples)])
        z = A @ theta
        e = exp_minus_abs(z)
        curvature = sigmoid_of(z, e) * sigmoid_of(-z, e)  # p (1 - p)
        ridge = np.append(np.full(self.n_features, self.l2), 0.0)
        return (A.T * curvature) @ A / self.n_samples + np.diag(ridge)


def freeze_fields(result) -> None:
    """Make a frozen dataclass read-only through and through, from its ``__post_init__``:
    every array field non-writeable, every list field a tuple. Results are shared across
    sessions (the dashboard caches them once for everyone), so none may be changed in place.
    """
    for name, value in vars(result).items():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif isinstance(value, list):
            object.__setattr__(result, name, tuple(value))


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
    l2_term : ndarray of shape (n_features,)
        ``l2 * w``: the penalty's part of ``dw``.
    data_dw : ndarray of shape (n_features,)
        ``mean(error_x, axis=0)``, computed as ``X^T (p - y) / n``: the data's part of ``dw``,
        kept as computed (``dw - l2_term`` cancels to nothing once ``l2_term`` dwarfs it).
    dw : ndarray of shape (n_features,)
        ``data_dw + l2_term``.
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
    l2_term: np.ndarray
    data_dw: np.ndarray
    dw: np.ndarray
    db: float

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only


def loss_and_gradients(X, y, w, b, l2: float = 0.0) -> GradientPass:
    """One forward and backward pass with every intermediate kept (inputs checked).

    The pass is `LogisticProblem.terms`, the one the training loop runs: the training
    history, the tables and the formulas all show the same values, bit for bit. Only ``p``
    is added, from the same ``e^{-|z|}``.

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
        z, e, loss_terms, _, error, data_dw, penalty, loss, dw, db = LogisticProblem(
            X, y, l2).terms(np.append(w, b))
        p = sigmoid_of(z, e)  # |u| = |z|: the pass's own e^-|z|
        l2_term = l2_penalty(w, l2)[1]
    if not (math.isfinite(loss) and np.all(np.isfinite(dw)) and math.isfinite(db)):
        raise LogRegInputError(
            "The logits are too large for the loss to be a finite number: "
            "use smaller weights or rescale the features."
        )
    return GradientPass(
        z=z, p=p, sample_loss=loss_terms, penalty=float(penalty), loss=float(loss),
        error=error, error_x=error[:, None] * X, l2_term=l2_term, data_dw=data_dw, dw=dw,
        db=float(db),
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
    update = gradient_update(w_old, b_old, grad_pass, learning_rate)
    return update.new_w, update.new_b, grad_pass


def loss_after_step(X, y, w, b, learning_rate: float, l2: float = 0.0) -> float:
    """The loss after one gradient-descent step from (w, b): ``inf`` when that step overflows
    (a number too large for double precision, said as such by the callers).

    Parameters
    ----------
    X, y, w, b, learning_rate, l2 : as in `step`

    Returns
    -------
    float
    """
    w_new, b_new, _ = step(X, y, w, b, learning_rate, l2)
    try:
        return mean_loss(X, y, w_new, b_new, l2)
    except LogRegInputError:
        return math.inf


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
    steps : ndarray of shape (n_features + 1,)
        The step h used for each parameter.
    """
    X, y = check_data(X, y)
    w, b = check_parameters(w, b, X.shape[1])
    problem = LogisticProblem(X, y, check_l2(l2))
    theta = np.append(w, b)
    steps = rel_step / np.append(np.maximum(1.0, np.max(np.abs(X), axis=0)), 1.0)
    grad = np.empty_like(theta)
    with np.errstate(all="ignore"):
        for k in range(theta.size):
            unit = np.zeros_like(theta)
            unit[k] = steps[k]
            grad[k] = sum(weight * problem.loss(theta + offset * unit)
                          for offset, weight in STENCIL.items()) / (STENCIL_DIVISOR * steps[k])
    return grad[:-1], float(grad[-1]), steps


@dataclass(frozen=True)
class CurvatureBound:
    """How curved the loss can be anywhere, and the learning rate it guarantees.

    Attributes
    ----------
    mu_max : float
        Largest eigenvalue of ``[X 1]^T [X 1]``.
    L : float
        ``mu_max / (4 n) + l2``: no Hessian of ``J`` has an eigenvalue above it, because
        ``p (1 - p) <= 1/4``.
    guaranteed_rate : float
        ``2 / L``: at or below it every full-batch step lowers the loss (or leaves it where
        it is at a minimum), from any start. Not the largest rate that works: see
        `limits.learning_rate_limits` for the local limit at the optimum.
    """

    mu_max: float
    L: float
    guaranteed_rate: float


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
    A = np.column_stack([X, np.ones(X.shape[0])])
    mu_max = float(np.linalg.eigvalsh(A.T @ A)[-1])
    L = mu_max / (4 * X.shape[0]) + l2
    return CurvatureBound(mu_max=mu_max, L=L, guaranteed_rate=2.0 / L)
