r"""Numerical checks behind the page's claims: the gradient formula, why it is so simple,
and how far rounding alone moves the loss and the gradient.

`gradient_check` sets the analytic gradient beside central differences with an explicit
pass criterion; `why_facts` evaluates, at one sample, the three facts that make the gradient
``(p - y) x``: the sigmoid's slope, the chain rule's cancellation and the log-odds.
`loss_rounding`, `loss_change_rounding` and `gradient_rounding` bound the rounding of a
computed J, of a change of it and of each partial derivative: within them a loss has not
moved and a derivative is zero; `logit_rounding` bounds each logit's, within which two
samples' losses are equal. `underflowed_gradient` recovers, in log space, the sign of a
derivative whose every term underflowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .maths import (
    STENCIL,
    STENCIL_DIVISOR,
    GradientPass,
    curvature_bound,
    freeze_fields,
    label_signs,
    loss_and_gradients,
    numerical_gradient,
    sigmoid,
)

#: Relative part of the gradient check's tolerance: the fourth-order stencil's truncation
#: error at h = 1e-3 relative to the feature scale is far below this.
CHECK_RTOL = 1e-6
#: Rounding part: a difference quotient of losses near J loses about eps * |J| / h, with a
#: safety factor of 100 for the few additions in the stencil.
CHECK_ROUNDING = 100 * np.finfo(float).eps
#: Most a stored nudge may be off from its size, as a fraction of it, for the gradient check
#: to run: the nudges' part of the allowance (`GradientCheck`) is then at most
#: 2 * 20/12 * 1% (3.3%) of the slope, and beyond it the differences measure rounding more than
#: the slope.
NUDGE_LIMIT = 1e-2
#: Safety factor of the nudges' part of the gradient check's allowance.
NUDGE_SAFETY = 2.0
#: The stencil's offsets m, as a column (one row per nudge).
_OFFSETS = np.array(list(STENCIL), dtype=float)[:, None]
#: The smallest normal double: below it a number keeps fewer significant digits (one at
#: 5e-324), so the facts `why_facts` evaluates cannot be checked there.
NORMAL = float(np.finfo(float).tiny)
#: Below this |z| the log-odds log(p / (1 - p)) keeps fewer than about 9 of z's digits (p is
#: 0.5 + z/4 to half an ulp of 0.5), so `why_facts` does not evaluate it.
LOG_ODDS_MIN_Z = 1e-7
#: Rounding allowance of a computed partial derivative, relative to the sizes of its terms.
GRADIENT_ROUNDING = 64 * np.finfo(float).eps


def gradient_rounding(grad_pass: GradientPass) -> np.ndarray:
    r"""How far each computed partial derivative may be from the exact one by rounding alone.

    :math:`\partial J/\partial w_j = \operatorname{mean}((p - y)\,x_j) + \lambda w_j`, and each
    term is computed to a few units in the last place (``p - y`` comes from the sign-split
    sigmoid, to its own precision even where it is 1e-20). The sum of terms of both signs
    can cancel far below their sizes, so the bound is relative to the sizes, not to the sum:

    .. math:: 64\,\epsilon\,\Big(\operatorname{mean}_i |(p_i - y_i)\,x_{ij}| +
              |\lambda w_j|\Big), \qquad 64\,\epsilon\,\operatorname{mean}_i |p_i - y_i|

    for the weights and the bias, each plus the smallest normal number, :math:`2^{-1022}`,
    for errors below :math:`e^{-708}`, which underflow. 64 covers the worst case of a sum of
    about 60 terms (n epsilon) and the usual sqrt(n) epsilon far beyond. A derivative within
    its bound is zero to rounding: its sign says nothing (at a best fit the computed gradient
    is such noise). The logits are taken as computed: their own rounding moves the point,
    not the formula's value at it.

    Parameters
    ----------
    grad_pass : GradientPass
        The pass at the point (its ``error``, ``error_x`` and ``l2_term``).

    Returns
    -------
    ndarray of shape (n_features + 1,)
        The bounds of ``(dw, db)``.
    """
    size_w = np.mean(np.abs(grad_pass.error_x), axis=0) + np.abs(grad_pass.l2_term)
    size_b = np.mean(np.abs(grad_pass.error))
    return _gradient_bound(np.append(size_w, size_b))


def _gradient_bound(sizes: np.ndarray) -> np.ndarray:
    """The bound of `gradient_rounding` from the sizes of the terms of each partial
    derivative: 64 eps times each size, plus the smallest normal double."""
    return GRADIENT_ROUNDING * sizes + NORMAL


def gradient_rounding_ceiling(X, w, l2: float = 0.0) -> np.ndarray:
    r"""`gradient_rounding` with every :math:`|p_i - y_i|` at its largest, 1: a bound on the
    rounding of the computed gradient at any state, from the data and the weights alone
    (no pass), for many states at once:

    .. math:: 64\,\epsilon\,\Big(\operatorname{mean}_i |x_{ij}| + |\lambda w_j|\Big),
              \qquad 64\,\epsilon

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    w : ndarray of shape (n_states, n_features)
    l2 : float

    Returns
    -------
    ndarray of shape (n_states, n_features + 1)
    """
    return _gradient_bound(gradient_size_ceiling(X, w, l2))


def gradient_size_ceiling(X, w, l2: float = 0.0) -> np.ndarray:
    r"""The largest size the terms of each partial derivative can have at weights ``w``, every
    :math:`|p_i - y_i|` at its largest, 1: :math:`\operatorname{mean}_i |x_{ij}| +
    |\lambda w_j|` for dw_j and 1 for db, shape (n_states, n_features + 1). Against it a
    computed gradient is at the level of rounding (`gradient_rounding_ceiling`) or 0 (the
    exact fit's test of a minimum)."""
    w = np.atleast_2d(np.asarray(w, dtype=float))
    size_w = np.mean(np.abs(X), axis=0) + np.abs(l2 * w)
    return np.concatenate([size_w, np.ones((len(size_w), 1))], axis=-1)


@dataclass(frozen=True)
class UnderflowedGradient:
    r"""The data's part of each partial derivative where double precision lost it.

    A sample far on its label's side has an error :math:`p - y = -s\,\sigma(-s z)` (with
    :math:`s = 2y - 1`) of size :math:`e^{-\operatorname{softplus}(s z)}`, about
    :math:`e^{-|z|}`: past :math:`|z| = 745` it is 0 in double precision, and a pass where
    every sample is that far computes a gradient of exactly 0. The maths keeps a sign and a
    size, computed here in log space: each term's log size is
    :math:`-\operatorname{softplus}(s_i z_i) + \log |x_{ij}|`, and the mean is
    :math:`e^{m} \operatorname{mean}_i(\pm e^{t_{ij} - m})` with :math:`m` the largest.

    Attributes
    ----------
    underflowed : ndarray of bool, shape (n_features + 1,)
        Whether every term of ``mean((p - y) x_j)`` (and of ``mean(p - y)``, last) is below
        the smallest normal double, so that the computed one says nothing.
    sign : ndarray of shape (n_features + 1,)
        -1, 0 or +1: the sign of the exact ``mean((p - y) x_j)``; 0 where its terms cancel
        within `GRADIENT_ROUNDING` of their sizes (or all are 0).
    log10_size : ndarray of shape (n_features + 1,)
        ``log10 |mean((p - y) x_j)|`` (-inf where the sign is 0).
    """

    underflowed: np.ndarray
    sign: np.ndarray
    log10_size: np.ndarray

    def __post_init__(self) -> None:
        freeze_fields(self)  # read-only, as every result of the core


def underflowed_gradient(X, y, z) -> UnderflowedGradient:
    """The data's part of the gradient in log space (`UnderflowedGradient`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1
    z : ndarray of shape (n_samples,), the logits as computed

    Returns
    -------
    UnderflowedGradient
    """
    X, y, z = np.asarray(X, float), np.asarray(y, float), np.asarray(z, float)
    s = 2 * y - 1
    A = np.column_stack([X, np.ones(len(y))])
    with np.errstate(divide="ignore"):
        log_terms = -np.logaddexp(0, s * z)[:, None] + np.log(np.abs(A))
    top = np.max(log_terms, axis=0)
    finite = np.isfinite(top)
    top = np.where(finite, top, 0.0)
    scaled = np.exp(log_terms - top)  # each at most 1: no underflow of the largest terms
    total = np.sum(-s[:, None] * np.sign(A) * scaled, axis=0)
    signed = finite & (np.abs(total) > GRADIENT_ROUNDING * np.sum(scaled, axis=0))
    with np.errstate(divide="ignore"):
        log10_size = np.where(signed, (top + np.log(np.abs(total) / len(y))) / math.log(10),
                              -np.inf)
    return UnderflowedGradient(
        underflowed=finite & (top < math.log(NORMAL)),
        sign=np.where(signed, np.sign(total), 0.0), log10_size=log10_size)


def lost_derivatives(X, y, grad_pass: GradientPass) -> tuple[np.ndarray, np.ndarray]:
    """The exact sign and log10 size of each derivative's data part, ``mean((p - y) x_j)``
    then ``mean(p - y)``, where double precision computed it as 0 and the exact value is not
    0: every term is below the smallest normal double (`underflowed_gradient`).

    At w = (200.6, 333.9), b = 66.8 on the one student (z = 2338) the error is -4.346e-1016,
    and the tables summed it to a derivative of 0 beside it.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1
    grad_pass : GradientPass

    Returns
    -------
    sign, log10_size : ndarray of shape (n_features + 1,)
        ``sign`` is 0 where the computed value stands (it is not 0, or the exact one is 0).
    """
    lost = underflowed_gradient(X, y, grad_pass.z)
    computed = np.append(grad_pass.data_dw, grad_pass.db)
    return np.where(lost.underflowed & (computed == 0), lost.sign, 0.0), lost.log10_size


def lost_logit(x, w, b: float, z: float) -> tuple[float, float]:
    """The exact sign and log10 size of one sample's logit ``x · w + b`` where double
    precision computed it as 0 and the exact value is not 0 (every product below the
    smallest double: on x = 1e-300 .. 4e-300 with labels 0 0 1 1, w = 1.25e-297 after 500
    steps at η = 5, and z = 1.25e-597 read "= 0" in the step's formulas, a walk). Summed in
    rational arithmetic (`fractions.Fraction`): the doubles' exact values.

    Parameters
    ----------
    x : ndarray of shape (n_features,)
    w : ndarray of shape (n_features,)
    b : float
    z : float
        The logit as computed.

    Returns
    -------
    sign, log10_size : float
        ``sign`` is 0 where the computed value stands (it is not 0, or the exact one is 0).
    """
    x, w = np.ravel(x), np.ravel(w)
    if z != 0:
        return 0.0, 0.0
    exact = sum((Fraction(float(a)) * Fraction(float(t)) for a, t in zip(x, w, strict=True)),
                Fraction(float(b)))
    if exact == 0:
        return 0.0, 0.0
    size = math.log10(abs(exact.numerator)) - math.log10(exact.denominator)
    return (1.0 if exact > 0 else -1.0), size


#: Most products x_ij w_j `gradient_exactly_zero` sums in rational arithmetic (about 0.1 s).
EXACT_TERMS = 100_000


def gradient_exactly_zero(X, y, w, b, l2: float = 0.0) -> bool | None:
    r"""Whether the exact gradient at ``(w, b)`` is 0: True where it is, False where it is
    not, None where this cannot tell. Decided in rational arithmetic on the doubles
    (`fractions.Fraction`), not by computing the gradient in floating point.

    The logits :math:`z_i = x_i \cdot w + b` are exact rationals, and
    :math:`\sigma(z) = \tfrac12 + \tfrac z4 + r(z)` with :math:`|r(z)| \le |z|^3/48`
    (:math:`\sigma(z) = (1 + \tanh(z/2))/2`, and :math:`0 \le u - \tanh u \le u^3/3` for
    :math:`u \ge 0`, odd in u: both sides are 0 at 0, and their slopes :math:`\tanh^2 u` and
    :math:`u^2 - \tanh^2 u` are never negative). So each
    partial derivative is, with :math:`a_{ij} = x_{ij}` (1 for the bias, which has no λ term),

    .. math:: G_j = \operatorname{mean}_i\big((\tfrac12 - y_i + \tfrac{z_i}{4})\,a_{ij}\big)
              + \lambda w_j \quad \text{to within} \quad
              \operatorname{mean}_i |z_i|^3 |a_{ij}| / 48 .

    Where every :math:`z_i` is exactly 0 every p is exactly 1/2, the bound is 0 and
    :math:`G` is the gradient: it is 0 exactly where every :math:`G_j` is. Elsewhere a
    :math:`|G_j|` beyond its bound proves the gradient is not 0; otherwise (or on more than
    `EXACT_TERMS` products) nothing is decided.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1
    w : ndarray of shape (n_features,)
    b, l2 : float

    Returns
    -------
    bool or None
    """
    X = np.asarray(X, dtype=float)
    if X.size > EXACT_TERMS:
        return None
    w = [Fraction(float(v)) for v in np.ravel(w)]
    rows = [[Fraction(float(v)) for v in row] + [Fraction(1)] for row in X]
    z = [sum((a * t for a, t in zip(row, w, strict=False)), Fraction(float(b))) for row in rows]
    n, penalty = len(rows), [Fraction(float(l2)) * t for t in w] + [Fraction(0)]
    cubes = [abs(zi) ** 3 for zi in z]
    estimate = [sum((Fraction(1, 2) - Fraction(float(label)) + zi / 4) * row[j]
                    for row, label, zi in zip(rows, y, z, strict=True)) / n + penalty[j]
                for j in range(len(penalty))]
    if not any(z):
        return not any(estimate)
    bound = [sum(c * abs(row[j]) for row, c in zip(rows, cubes, strict=True)) / (48 * n)
             for j in range(len(penalty))]
    return False if any(abs(g) > r for g, r in zip(estimate, bound, strict=True)) else None


def signed_log10_errors(z, y) -> tuple[np.ndarray, np.ndarray]:
    r"""The sign and ``log10 |p - y|`` of each sample's error, exact where ``p - y``
    underflows (-1737.1 at z = 4000, y = 1, where double precision holds -0.0).

    .. math:: p - y = s\,\sigma(u), \qquad u = s z, \qquad s = 1 - 2y
              \;(\text{`label_signs`}), \qquad \log \sigma(u) = -\log(1 + e^{-u})

    Parameters
    ----------
    z : ndarray of shape (n_samples,), the logits
    y : ndarray of shape (n_samples,), labels 0/1

    Returns
    -------
    sign, log10_size : ndarray of shape (n_samples,)
        ``sign`` is never 0: p - y never is.
    """
    s = label_signs(np.asarray(y, dtype=float))
    return s, -np.logaddexp(0, -s * np.asarray(z, dtype=float)) / math.log(10)


def log10_outputs(z, y) -> tuple[np.ndarray, np.ndarray]:
    r"""``log10 p`` and ``log10`` of each sample's loss, exact where p or the loss underflows
    to 0 (at z = -800 both are 3.7e-348, as its p - y is: `signed_log10_errors`).

    .. math:: \log p = -\log(1 + e^{-z}), \qquad \ell = \log(1 + e^{v}), \quad v = s z,
              \qquad \log \ell = v + \log(1 - e^{v}/2 + \dots) \;(v \to -\infty)

    Below v = -37 the correction, under e^v / 2 < 5e-17, is less than half the spacing of
    doubles at |v| (7.1e-15 at 37), so ``log ℓ = v`` holds to double precision there.

    Parameters
    ----------
    z : ndarray of shape (n_samples,), the logits
    y : ndarray of shape (n_samples,), labels 0/1

    Returns
    -------
    log10_p, log10_loss : ndarray of shape (n_samples,)
    """
    z = np.asarray(z, dtype=float)
    v = label_signs(np.asarray(y, dtype=float)) * z
    with np.errstate(divide="ignore"):  # the branch not taken may hold log(0)
        log_loss = np.where(v < -37, v, np.log(np.logaddexp(0, v)))
    return -np.logaddexp(0, -z) / math.log(10), log_loss / math.log(10)


def derivative_signs(X, y, grad_pass: GradientPass) -> np.ndarray:
    """The sign of each partial derivative ``(dw..., db)`` at the pass's point: -1, 0 or +1.

    0 where the computed derivative is within its rounding (`gradient_rounding`: at a best
    fit its sign is left to the order of a sum), except where every term of the data's part
    underflowed and no penalty is added: there the sign is the exact one, from log space
    (`underflowed_gradient`; the computed 0 read as "the loss is flat here": a lesson walk).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    grad_pass : GradientPass

    Returns
    -------
    ndarray of shape (n_features + 1,)
    """
    values = np.append(grad_pass.dw, grad_pass.db)
    signs = np.where(np.abs(values) > gradient_rounding(grad_pass), np.sign(values), 0.0)
    lost = underflowed_gradient(X, y, grad_pass.z)
    alone = np.append(grad_pass.l2_term, 0.0) == 0
    return np.where((signs == 0) & lost.underflowed & alone, lost.sign, signs)


def logit_rounding(X, w, b) -> np.ndarray:
    r"""A bound on the rounding of each computed logit :math:`z_i = x_i \cdot w + b`.

    A dot product of d terms is good to :math:`\gamma_d \sum_j |x_{ij} w_j|`
    (:math:`\gamma_d \approx d\,\epsilon/2`, in any order of summation), and adding b rounds
    by half an ulp of the sum; so, with room,

    .. math:: (d + 1)\,\epsilon\,\Big(\sum_j |x_{ij} w_j| + |b|\Big) + 2^{-1022}

    the last for products below the smallest normal double. Two logits (or the wrong-side
    logits :math:`u = \pm z`, and so the losses, which grow with u) that differ by less than
    their two bounds are equal to rounding: which is larger is not decided by the numbers.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    sizes = np.abs(X) @ np.abs(w) + abs(float(b))
    return (X.shape[1] + 1) * float(np.finfo(float).eps) * sizes + NORMAL


def loss_rounding(grad_pass: GradientPass) -> float:
    r"""A bound on the rounding error of a computed J, for telling a change from rounding.

    Each sample's loss is a nonnegative softplus good to a few ulps, and numpy sums them
    pairwise, so the mean is good to about :math:`(\lceil\log_2 n\rceil + 4)\,\epsilon` of
    itself; doubled for room, plus the smallest normal number for losses below
    :math:`e^{-708}`, which underflow:

    .. math:: 2\,(\lceil\log_2 n\rceil + 4)\,\epsilon\,J + 2^{-1022}

    Parameters
    ----------
    grad_pass : GradientPass
        The pass at the point (its per-sample losses and its J).

    Returns
    -------
    float
    """
    return loss_rounding_of(grad_pass.loss, grad_pass.sample_loss.size)


def loss_rounding_of(loss: float, n_samples: int) -> float:
    """`loss_rounding` from a computed J of ``n_samples`` samples alone (no pass)."""
    return 2 * (math.ceil(math.log2(max(n_samples, 1))) + 4) * float(np.finfo(float).eps) * abs(
        loss) + NORMAL


def change_digits(before: float, after: float, n_samples: int) -> int:
    """Significant digits of ``after - before`` (two computed losses of ``n_samples``
    samples) that their rounding (`loss_rounding_of` each) leaves certain: 0 where the change
    is within it, at least 1 beyond it.

    At J = 14580 a change of 5e-12 is 3 ulps of the two losses: the float difference reads
    -5.5e-12 where the change between the stored states is -8.3e-12, so it has no digit.
    """
    bound = loss_rounding_of(before, n_samples) + loss_rounding_of(after, n_samples)
    change = abs(after - before)
    if change <= bound:
        return 0
    return max(1, math.floor(math.log10(change / bound)))


def loss_change_rounding(grad_pass: GradientPass) -> float:
    """The rounding of a change of J from the pass's: two computed losses near J, each within
    `loss_rounding`, so twice it. A change within it cannot be told from rounding (at a best
    fit a step changes J by about 1e-33); a new loss far above J is a rise either way.

    Parameters
    ----------
    grad_pass : GradientPass

    Returns
    -------
    float
    """
    return 2 * loss_rounding(grad_pass)


@dataclass(frozen=True)
class GradientCheck:
    r"""The analytic gradient against central differences, parameter by parameter.

    A parameter passes when

    .. math:: |g - \hat g| \le \text{atol} + \text{rtol} \max(|g|, |\hat g|) + \text{nudge},
              \qquad \text{atol} = 100\, \epsilon \max(1, |J|) / h

    (epsilon the double-precision unit, h the parameter's step): the rounding error of the
    difference quotient plus a relative allowance. Near an optimum |g| is tiny and the
    relative error alone would call a correct gradient wrong; the absolute part prevents it.

    The nudges' part covers their rounding. The stencil divides by the nominal 12 h, but the
    nudged parameter is stored as the double nearest ``t + m h``, a step of
    :math:`m h + \delta_m` (``delta_m = ((t + m h) - t) - m h``, computed exactly in doubles
    where the nudge is small beside t, by Sterbenz's lemma, and otherwise within a few
    epsilon of m h, inside the relative part). By the mean value theorem the loss there
    differs from the loss at the exact nudge by :math:`|\delta_m|` times the slope at some
    point of the stencil's span, which is within :math:`2 h L` of the slope at t (L:
    `curvature_bound`, a bound on the loss's curvature), so

    .. math:: \text{nudge} = 2\,\big(\max(|g|, |\hat g|) + 2 h L\big)
              \sum_m |c_m|\,|\delta_m| \,/\, 12 h

    (c_m the stencil's weights, 2 a safety factor). It is 0 where every nudge is stored
    exactly. Where a stored nudge is off by more than `NUDGE_LIMIT` of its size (at
    ``|w| = 1e149``, ``w + h == w``) nothing is checked (`resolved`).

    Attributes
    ----------
    analytic : ndarray of shape (n_features + 1,)
        ``(dw, db)`` from ``(p - y) x`` (plus ``l2 * w``).
    numeric : ndarray of shape (n_features + 1,)
    steps : ndarray of shape (n_features + 1,)
        The step h of each parameter.
    atol : ndarray of shape (n_features + 1,)
    rtol : float
    finite : bool
        False when the loss overflows at the nudged points (parameters near the limits of
        double precision): then nothing could be checked.
    nudges : ndarray of shape (len(STENCIL), n_features + 1)
        The step each nudge of `STENCIL`'s offsets m (in its order) is stored as:
        ``(t + m h) - t`` (inf where ``t + m h`` overflows).
    nudge_atol : ndarray of shape (n_features + 1,)
        The nudges' part of the allowance.
    curvature : float
        L, the bound on the loss's curvature the nudges' part uses.
    """

    analytic: np.ndarray
    numeric: np.ndarray
    steps: np.ndarray
    atol: np.ndarray
    rtol: float
    finite: bool
    nudges: np.ndarray
    nudge_atol: np.ndarray
    curvature: float

    @property
    def nudge_error(self) -> np.ndarray:
        """Per parameter, the largest ``|delta_m| / (|m| h)`` over its nudges: how far a
        stored nudge is off from its size, as a fraction of it (1 where ``t + h`` is stored
        as ``t``; inf where it overflows)."""
        sizes = np.abs(_OFFSETS) * self.steps
        return np.max(np.abs(nudge_rounding(self.nudges, self.steps)) / sizes, axis=0)

    @property
    def resolved(self) -> bool:
        """Whether every stored nudge is within `NUDGE_LIMIT` of its size: beyond it (at
        ``|w| = 1e149`` ``w + h == w``) the differences measure rounding more than the slope,
        and nothing is checked."""
        return bool(np.all(self.nudge_error <= NUDGE_LIMIT))

    @property
    def checked(self) -> bool:
        """Whether the differences could be taken at all (`finite` and `resolved`)."""
        return self.finite and self.resolved

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only

    @property
    def difference(self) -> np.ndarray:
        return self.analytic - self.numeric

    @property
    def allowed(self) -> np.ndarray:
        """The tolerance of each parameter: atol + rtol max(|g|, |g_num|) + nudge."""
        return (self.atol + self.rtol * np.maximum(np.abs(self.analytic), np.abs(self.numeric))
                + self.nudge_atol)

    @property
    def passed(self) -> np.ndarray:
        """Whether each parameter's difference is within its allowance (none where nothing
        could be checked)."""
        return (np.abs(self.difference) <= self.allowed) & self.checked


def stored_nudges(theta, steps) -> np.ndarray:
    """The step each nudge ``t + m h`` of `STENCIL` is stored as, ``(t + m h) - t``, one row
    per offset m (inf where the nudged value overflows); see `GradientCheck`."""
    theta, steps = np.asarray(theta, dtype=float), np.asarray(steps, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return (theta + _OFFSETS * steps) - theta


def nudge_rounding(nudges, steps) -> np.ndarray:
    """``delta_m``: how far each stored nudge is from ``m h`` (`GradientCheck`), one row per
    offset of `STENCIL`; inf where the nudged value overflowed."""
    with np.errstate(invalid="ignore"):
        delta = np.asarray(nudges, dtype=float) - _OFFSETS * np.asarray(steps, dtype=float)
    return np.where(np.isnan(delta), np.inf, delta)


def nudge_allowance(nudges, steps, slope, curvature: float) -> np.ndarray:
    """The nudges' part of the gradient check's allowance (`GradientCheck`), from the stored
    nudges, the steps, ``max(|g|, |g_num|)`` and the curvature bound L."""
    weights = np.abs(np.array(list(STENCIL.values())))[:, None]
    with np.errstate(over="ignore", invalid="ignore"):
        weighted = np.sum(weights * np.abs(nudge_rounding(nudges, steps)), axis=0)
        part = (NUDGE_SAFETY * (slope + 2 * steps * curvature) * weighted
                / (STENCIL_DIVISOR * steps))
    return np.where(weighted == 0, 0.0, np.where(np.isnan(part), np.inf, part))


def gradient_check(X, y, w, b, l2: float = 0.0) -> GradientCheck:
    """Compare the analytic gradient with a fourth-order central difference (see the class)."""
    grad = loss_and_gradients(X, y, w, b, l2)
    num_dw, num_db, steps = numerical_gradient(X, y, w, b, l2)
    analytic = np.append(grad.dw, grad.db)
    numeric = np.append(num_dw, num_db)
    finite = bool(np.all(np.isfinite(numeric)))
    atol = CHECK_ROUNDING * max(1.0, abs(grad.loss)) / steps
    if not finite:
        numeric = np.where(np.isfinite(numeric), numeric, 0.0)
    nudges = stored_nudges(np.append(np.asarray(w, dtype=float), float(b)), steps)
    curvature = curvature_bound(X, l2).L
    nudge_atol = nudge_allowance(nudges, steps, np.maximum(np.abs(analytic), np.abs(numeric)),
                                 curvature)
    return GradientCheck(analytic=analytic, numeric=numeric, steps=steps, atol=atol,
                         rtol=CHECK_RTOL, finite=finite, nudges=nudges, nudge_atol=nudge_atol,
                         curvature=curvature)


@dataclass(frozen=True)
class WhyFacts:
    """The three facts behind ``dl/dz = p - y``, evaluated at one sample.

    Attributes
    ----------
    z, y, x : float
        The sample's logit, label and first feature.
    p, q : float
        ``sigmoid(z)`` and ``1 - p`` (computed as ``sigmoid(-z)``, without cancellation).
    slope : float
        ``p q``: the sigmoid's slope from the formula.
    slope_numeric : float or None
        ``(sigmoid(z + h) - sigmoid(z - h)) / 2h`` at ``h``, on the side where sigma is small
        (sigma' is even, and small values keep their digits); None where the slope is below
        the smallest normal double (`NORMAL`), where doubles keep few digits or none and two
        ways of computing it need not agree.
    h : float
    dl_dp : float or None
        ``-y/p + (1 - y)/q``; None where p or q is below `NORMAL` (0 included).
    chain : float or None
        ``dl_dp * p q``, which must equal ``p - y``.
    error : float
        ``p - y`` (as ``-q`` for y = 1, without cancellation).
    log_odds : float or None
        ``log(p / q)``, which must equal z; None where p or q is below `NORMAL`, or where
        ``0 < |z| < LOG_ODDS_MIN_Z``: p then holds few of z's digits (at z = 1e-17 it is 0.5
        exactly, and the log-odds 0).
    """

    z: float
    y: float
    x: float
    p: float
    q: float
    slope: float
    slope_numeric: float | None
    h: float
    dl_dp: float | None
    chain: float | None
    error: float
    log_odds: float | None


def why_facts(z: float, y: float, x: float, h: float = 1e-5) -> WhyFacts:
    """Evaluate the three facts at a sample with logit z, label y and feature x."""
    p, q = float(sigmoid(z)), float(sigmoid(-z))
    numeric = (float(sigmoid(-abs(z) + h)) - float(sigmoid(-abs(z) - h))) / (2 * h)
    usable = p >= NORMAL and q >= NORMAL  # below, 1/q overflows and q has lost its digits
    dl_dp = -y / p + (1 - y) / q if usable else None
    return WhyFacts(
        z=z, y=y, x=x, p=p, q=q, slope=p * q,
        slope_numeric=numeric if p * q >= NORMAL else None, h=h, dl_dp=dl_dp,
        chain=dl_dp * p * q if usable else None,
        error=p - y if y == 0 else -q,
        log_odds=(math.log(p / q) if usable and (abs(z) >= LOG_ODDS_MIN_Z or z == 0)
                  else None),
    )


def relative_difference(a: float, b: float) -> float:
    """``|a - b| / max(|a|, |b|)`` (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale > 0 else 0.0
