r"""Learning-rate limits of full-batch gradient descent, and where separable runs head off to.

With :math:`A = [X\,1]` (n rows), :math:`\theta = (w, b)` and the loss :math:`J` of
`logreg_core.maths` (L2 strength :math:`\lambda` on the weights only), the Hessian is

.. math::

    H(\theta) = \frac{1}{n} A^\top \operatorname{diag}\big(p_i (1 - p_i)\big) A
                + \lambda \bar I, \qquad \bar I = \operatorname{diag}(1, \dots, 1, 0).

Two learning rates matter, and they are different:

**guaranteed** :math:`= 2 / L` with :math:`L = \mu_{max}(A^\top A) / 4n + \lambda`. Because
:math:`p (1 - p) \le 1/4`, no Hessian anywhere has an eigenvalue above L, so (descent lemma)
every full-batch step with :math:`\eta < 2/L` lowers the loss, from any start. It is a
*guarantee*, not the largest rate that works.

**local** :math:`= 2 / \mu_{max}(H^*)`, with :math:`H^*` the Hessian at the optimum. Near the
optimum a step multiplies the error along each eigenvector of :math:`H^*` by
:math:`1 - \eta \mu`; above the local limit the top one grows, so descent cannot settle at the
best fit (it cycles or worse). Below it descent settles there once close enough, even above the
guarantee (on the 20 students: guaranteed 0.7458, local 1.804). When there is no finite
optimum (separable classes without L2, or a single label, whose unpenalized bias runs off)
there is no local limit.

`first_rising_rate` measures the third number a teacher sees: the smallest rate at which one
step from a given point raises the loss. `max_margin_direction` gives the direction in which
(w, b) runs off on separable data (Soudry et al., 2018, "The implicit bias of gradient descent
on separable data").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .exact import _separable, fit_exact
from .maths import (
    LogisticProblem,
    check_data,
    check_l2,
    check_parameters,
    curvature_bound,
    exp_minus_abs,
    freeze_fields,
    l2_penalty,
    label_signs,
    loss_and_gradients,
    softplus_of,
)
from .separation import margin_program, separation
from .verdicts import RISE_RTOL, RateRegime

#: Grid density of `first_rising_rate`: 200 rates per factor of 10 (neighbours 1.2% apart), so
#: a band of rising rates narrower than that could be missed; bisection then pins the first
#: crossing to `RATE_RTOL`.
RATES_PER_DECADE = 200
RATE_RTOL = 1e-12

#: Most entries of one (rates x samples) block of logits evaluated at once (16 MB of float64).
_BLOCK = 2_000_000


@dataclass(frozen=True)
class LearningRateLimits:
    """The two learning-rate limits of full-batch descent on one data set (module docstring).

    Attributes
    ----------
    guaranteed : float
        ``2 / L``: every full-batch step with a smaller rate lowers the loss, from any start.
    L : float
        ``mu_max / (4 n) + l2``: no Hessian of the loss has a larger eigenvalue.
    mu_max : float
        Largest eigenvalue of ``[X 1]^T [X 1]``.
    local : float or None
        ``2 / hessian_mu_max``: above it descent cannot settle at the optimum. None when there
        is no finite optimum.
    hessian_mu_max, hessian_mu_min : float or None
        Largest and smallest eigenvalue of the Hessian at the optimum (L2 included).
    optimum_loss : float or None
        Loss at the optimum.
    optimum : ndarray of shape (n_features + 1,) or None
        The optimum (w, b), bias last.
    separable : bool
        Whether the classes can be split by a line (strictly, or with some samples on it), or
        all labels are equal; without L2 this is exactly when there is no finite optimum.
    reason : str
        Why ``local`` is None, as a plain sentence; empty when it is not.
    l2 : float
    n_samples : int
    single_label : int or None
        The label every sample has, where they all have the same one (then no line splits
        two classes: there is one, and the unpenalized bias runs off); None otherwise.
    floor : float or None
        Where there is no best fit (`no_optimum`), the infimum of the loss (`separation`): 0
        where a line has every sample strictly on its side, or every label is the same; above
        0 where ``on_line`` samples lie on every line that splits the classes: their best
        loss. None where there is a best fit, or the floor could not be computed.
    on_line : int
        How many samples lie on every splitting line (where there is no best fit).
    floor_mu_max : float or None
        Where the floor is above 0, μ₀*: the largest eigenvalue of the Hessian the loss
        tends to near it (that of those samples' loss at their best fit, divided by n).
    """

    guaranteed: float
    L: float
    mu_max: float
    local: float | None
    hessian_mu_max: float | None
    hessian_mu_min: float | None
    optimum_loss: float | None
    optimum: np.ndarray | None
    separable: bool
    reason: str
    l2: float
    n_samples: int
    single_label: int | None = None
    floor: float | None = None
    on_line: int = 0
    floor_mu_max: float | None = None

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only

    @property
    def floor_local(self) -> float | None:
        """2/μ₀*, the floor's local limit (`verdicts`), where there is no best fit and the
        floor is above 0 and known; else None."""
        return 2.0 / self.floor_mu_max if self.floor_mu_max else None

    @property
    def no_optimum(self) -> bool:
        """Whether the loss has no finite best fit, as proven: every label the same (the
        unpenalized bias runs off, with or without L2), or separable classes without L2.
        With λ > 0 and both labels there always is one, even where it could not be computed
        (`learning_rate_limits`): ``separable`` is about the data without L2, and at
        λ = 5e-324 on the 5 points the page said "there is no best fit to overshoot"."""
        return self.single_label is not None or (self.l2 == 0 and self.separable
                                                 and self.local is None)

    def regime(self, learning_rate: float) -> RateRegime:
        """What these limits say of full-batch descent at ``learning_rate`` (see `verdicts`)."""
        return RateRegime(
            learning_rate=float(learning_rate), guaranteed=self.guaranteed, local=self.local,
            optimum_loss=self.optimum_loss, l2=self.l2, no_optimum=self.no_optimum,
            reason=self.reason, floor=self.floor if self.no_optimum else None,
            floor_local=self.floor_local, on_line=self.on_line)


def hessian(X, y, w, b, l2: float = 0.0) -> np.ndarray:
    r"""Hessian of the loss at (w, b), bias last.

    .. math:: H = \frac{1}{n} A^\top \operatorname{diag}(p (1 - p)) A + \lambda \bar I

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float
    l2 : float, default 0

    Returns
    -------
    ndarray of shape (n_features + 1, n_features + 1)
    """
    X, y = check_data(X, y)
    w, b = check_parameters(w, b, X.shape[1])
    with np.errstate(under="ignore"):
        return LogisticProblem(X, y, check_l2(l2)).hessian(np.append(w, b))


def learning_rate_limits(X, y, l2: float = 0.0) -> LearningRateLimits:
    """The guaranteed and the local learning-rate limit (see `LearningRateLimits`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), labels 0/1
    l2 : float, default 0

    Returns
    -------
    LearningRateLimits
    """
    X, y = check_data(X, y)
    l2 = check_l2(l2)
    bound = curvature_bound(X, l2)
    common = dict(guaranteed=bound.guaranteed_rate, L=bound.L,
                  mu_max=bound.mu_max, l2=l2, n_samples=X.shape[0])
    none = dict(local=None, hessian_mu_max=None, hessian_mu_min=None, optimum_loss=None,
                optimum=None)
    if np.all(y == y[0]):
        label = int(y[0])
        unpenalized = " (which L2 does not penalize)" if l2 > 0 else ""
        reason = (
            f"There is no finite best fit, so no local limit: every label is {label}, so "
            f"pushing the bias{unpenalized} towards {'+' if label == 1 else '-'}infinity "
            "lowers the loss forever."
        )
        return LearningRateLimits(**common, **none, separable=True, reason=reason,
                                  single_label=label, floor=0.0)
    fit = fit_exact(X, y, l2)
    common["separable"] = bool(fit.separable if l2 == 0 else fit_exact(X, y, 0.0).separable)
    if fit.separable:
        return LearningRateLimits(**common, **none, **_without_best_fit(X, y, fit.reason))
    if not fit.converged:
        # every message of a fit that neither converged nor proved separable names
        # "Newton's method ...", which keeps its capital after the colon
        reason = (f"The best fit could not be computed, so no local limit is known: "
                  f"{fit.message}")
        if l2 > 0:  # then it exists: say so, and where it lies
            reason = (f"A best fit exists, but it could not be computed, so no local limit is "
                      f"known. {best_fit_exists(l2)} {fit.message}")
        return LearningRateLimits(**common, **none, reason=reason)
    eigenvalues = np.linalg.eigvalsh(hessian(X, y, fit.w, fit.b, l2))
    top = float(eigenvalues[-1])
    return LearningRateLimits(
        **common, local=2.0 / top, hessian_mu_max=top, hessian_mu_min=float(eigenvalues[0]),
        optimum_loss=float(fit.loss), optimum=np.append(fit.w, fit.b), reason="",
    )


def _without_best_fit(X: np.ndarray, y: np.ndarray, why: str) -> dict:
    """The fields of `LearningRateLimits` that say why there is no best fit and what the loss
    falls towards (`separation`), where Newton's method found none (``why``, its reason). The
    split decides the words: Newton's test of samples on the line is a heuristic."""
    try:
        split = separation(X, y)
    except RuntimeError:  # (rounding: the margin program could not decide)
        split = None
    if split is None or split.kind == "overlap":  # (overlap: Newton's method disagrees)
        return dict(floor=None, reason=f"There is no finite best fit, so no local limit: {why}. "
                                       "Add L2 regularization to get one.")
    if split.kind == "strict":  # (in Newton's method's words for it)
        return dict(floor=0.0, reason=(f"There is no finite best fit, so no local limit: "
                                       f"{_separable(0, y)['reason']}. Add L2 regularization "
                                       "to get one."))
    k, n = int(np.sum(split.on_every_line)), X.shape[0]
    # the floor is a mean over all n samples: those k samples' own best mean loss times k/n
    # (x = 1, 3, 3, 3, 3 with labels 0 0 0 1 1: 0.5545 = 4/5 of ln 2, where this said "0.5545,
    # the best loss of those 4 samples on their own", which is ln 2 = 0.6931: a walk)
    floor = ("above 0, set by those samples (it could not be computed here)"
             if split.floor is None else
             f"{split.floor:.4g}: those {k:,} samples' best mean loss on their own, "
             f"{split.floor * n / k:.4g}, times their share of the data, {k:,}/{n:,} (the "
             "others' loss falls towards 0)")
    return dict(
        floor=split.floor, on_line=k, floor_mu_max=split.floor_mu_max,
        reason=(f"There is no finite best fit, so no local limit at one: the classes can be "
                f"split by a line only with some samples exactly on it ({k:,} of the {n:,} lie "
                "on every such line), so the loss has no minimum, only a floor, approached as "
                f"the weights grow without bound: {floor}. Add L2 regularization to get a "
                "best fit."))


def best_fit_exists(l2: float) -> str:
    r"""Why the loss has a best fit with L2 strength ``l2 > 0`` and both labels present, and
    where it lies, as a sentence.

    The penalty alone makes :math:`J(w, b) \ge \frac{\lambda}{2} \lVert w \rVert^2`, which
    exceeds :math:`J(0, 0) = \ln 2` once :math:`\lVert w \rVert > \sqrt{2 \ln 2 / \lambda}`;
    for bounded w a bias running off to either side drives the loss of the samples of one
    label to infinity. So the loss grows without bound far out in every direction and,
    convex, has a minimum, unique because with λ > 0 it is strictly convex.
    """
    radius = math.sqrt(2.0 * math.log(2.0)) / math.sqrt(l2)  # (2 ln 2 / 5e-324 overflows)
    return (f"With λ = {l2:.4g} > 0 and both labels, the loss grows without bound far out in "
            f"every direction, so it has a minimum, with ‖w‖ ≤ √(2 ln 2/λ) = {radius:.4g} "
            "(beyond it λ/2·‖w‖² alone exceeds the loss at w = 0, b = 0, which is ln 2).")


def first_rising_rate(X, y, w, b, l2: float = 0.0, high: float = 1000.0) -> float | None:
    r"""Smallest learning rate at which ONE full-batch step from (w, b) raises the loss.

    With :math:`g = \nabla J(w, b)` and :math:`\varphi(\eta) = J((w, b) - \eta g)`, the answer
    is the smallest :math:`\eta > 0` with :math:`\varphi(\eta) > \varphi(0)` (beyond rounding,
    `RISE_RTOL`). No rate below the guarantee 2/L raises it (descent lemma), so the search
    scans a log grid from 2/L to ``high`` (`RATES_PER_DECADE` rates per factor of 10; the set
    of rising rates need not be an interval), then bisects between the last grid rate that
    does not raise the loss and the first that does.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    w : array-like of shape (n_features,)
    b : float
    l2 : float, default 0
    high : float, default 1000
        Largest rate tried.

    Returns
    -------
    float or None
        The rate, to relative precision `RATE_RTOL` (a rate that does raise the loss); None
        if no rate up to ``high`` does (e.g. one student, where every step lowers the loss, or
        at the optimum, where the gradient is zero).
    """
    X, y = check_data(X, y)
    w, b = check_parameters(w, b, X.shape[1])
    l2 = check_l2(l2)
    start = loss_and_gradients(X, y, w, b, l2)
    grad = np.append(start.dw, start.db)
    if not np.any(grad):
        return None
    s = label_signs(y)
    A = np.column_stack([X, np.ones(X.shape[0])])
    u0 = s * (A @ np.append(w, b))  # wrong-side logits
    du = s * (A @ grad)  # how they move per unit of rate (with a minus sign)
    limit = start.loss + RISE_RTOL * abs(start.loss)

    def losses(rates: np.ndarray) -> np.ndarray:
        out = np.empty(rates.size)
        chunk = max(1, _BLOCK // X.shape[0])
        for k in range(0, rates.size, chunk):
            r = rates[k:k + chunk, None]
            u = u0 - r * du
            with np.errstate(under="ignore"):
                data = softplus_of(u, exp_minus_abs(u)).sum(axis=1) / X.shape[0]
            out[k:k + chunk] = data + l2_penalty(w - r * start.dw, l2)[0]
        return out

    low = curvature_bound(X, l2).guaranteed_rate
    if high <= low:
        return None
    n_rates = max(2, int(np.ceil(RATES_PER_DECADE * np.log10(high / low))) + 1)
    grid = np.geomspace(low, high, n_rates)
    rising = np.flatnonzero(losses(grid) > limit)
    if rising.size == 0:
        return None
    k = int(rising[0])
    lo, hi = (grid[k - 1] if k > 0 else 0.0), grid[k]
    while hi - lo > RATE_RTOL * hi:
        mid = 0.5 * (lo + hi)
        if losses(np.array([mid]))[0] > limit:
            hi = mid
        else:
            lo = mid
    return float(hi)


def max_margin_direction(X, y, max_iter: int = 100_000) -> np.ndarray | None:
    r"""Unit direction of the hard-margin separator of the augmented points (no intercept).

    With :math:`a_i = [x_i, 1]`, :math:`s_i = 2 y_i - 1` and :math:`z_i = s_i a_i`, the answer
    is

    .. math:: \hat\theta = \arg\max_{\lVert\theta\rVert = 1} \min_i z_i \cdot \theta
              = \frac{\theta^*}{\lVert\theta^*\rVert}, \qquad
              \theta^* = \arg\min \tfrac12 \lVert\theta\rVert^2
              \text{ subject to } z_i \cdot \theta \ge 1,

    the direction in which gradient descent's (w, b) runs off on separable data (Soudry et
    al., 2018; the bias is just the last coordinate). The quadratic program is solved by the
    dual active-set method of Goldfarb and Idnani (1983) (`separation.margin_program`), which
    with an identity Hessian is simple: start at theta = 0, take the sample farthest on the
    wrong side of its constraint,
    move theta towards satisfying it while keeping the constraints already active satisfied
    with equality, and drop an active one whose multiplier would turn negative. It ends in
    finitely many steps with the exact set of support vectors; theta is then recomputed from
    them alone (the minimum-norm solution of ``z_i . theta = 1`` on that set, by QR), so the
    direction is accurate to rounding (about 1e-12 on the raw breast cancer features).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    max_iter : int, default 100000
        Cap on the steps of the active-set method (it takes a few per support vector).

    Returns
    -------
    ndarray of shape (n_features + 1,) or None
        The unit vector (w, b), bias last; None when no line splits the classes with a
        positive margin (overlapping classes, or samples exactly on every splitting line),
        and where the margin problem is beyond double precision: features of 1e-300 beside
        the bias's 1 put the separator's w near 2e300, whose square overflows (`fit_exact`
        tells separable classes in any units; the landscape then draws no direction).

    Raises
    ------
    RuntimeError
        The method did not finish in ``max_iter`` steps.
    """
    X, y = check_data(X, y)
    Z = np.column_stack([X, np.ones(X.shape[0])]) * (2.0 * y - 1.0)[:, None]
    theta = margin_program(Z, np.ones(Z.shape[0]), max_iter)[0]
    if theta is None:
        return None
    return theta / np.linalg.norm(theta)
