r"""The exact optimum by Newton's method (iteratively reweighted least squares).

With :math:`\theta = (w, b)`, :math:`A = [X\,1]` and :math:`r_i = p_i (1 - p_i)`:

.. math::

    g = \frac{1}{n} A^\top (p - y) + \lambda \bar\theta, \qquad
    H = \frac{1}{n} A^\top \operatorname{diag}(r) A + \lambda \bar I, \qquad
    \theta \leftarrow \theta - \alpha H^{-1} g

where the bar means "weights only" (the bias is not penalized) and alpha is found by
backtracking (`optimizers.backtrack`, along the gradient where no Newton step lowers the
loss), so the loss never rises.

Without L2 a finite optimum exists only when the classes overlap. If some (w, b) puts every
sample strictly on its own side, scaling it up drives the loss to 0 without ever reaching it:
the data are *separable*. Every per-sample loss is below log 2 exactly when that sample is on
its own side, so the moment Newton's iterate classifies all samples correctly we have a proof
of separability and stop; Newton gets there in a handful of iterations. When some samples lie
exactly on the splitting line, the loss stalls above 0 while the iterate runs off along a
direction that hurts no sample: `_runs_off` recognizes that.

Newton's method runs on each feature divided by a power of 2 near its largest magnitude
(exactly, with w multiplied by it, and the penalty λ/2·‖w‖² written in those units): its steps
are the same, and its tests of separation, of a minimum and of a run-off no longer depend on
the features' units. Features of 1e-300 beside the bias's 1 had a Hessian whose weight entries
underflowed to 0, and no step lowered the loss: "the best fit could not be computed" of
separable classes. With L2 only features larger than 1 are scaled (`_power_of_two_sizes`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .maths import (
    LogisticProblem,
    check_data,
    check_l2,
    check_parameters,
    freeze_fields,
    label_signs,
)
from .optimizers import backtrack

#: A gradient vanishes when it is at most this fraction of the sizes of the terms it sums
#: (`_term_sizes`). At a far best fit the terms are tiny and cancel against the penalty's,
#: and Newton's steps stop moving the parameters at 2.4e-8 of them (the 5 points at
#: λ = 1e-50: loss 2.382e-46); a far iterate on the way to infinity keeps a gradient as large
#: as its terms.
MINIMUM_RTOL = 1e-6


@dataclass(frozen=True)
class ExactFit:
    """Result of `fit_exact`.

    Attributes
    ----------
    w : ndarray of shape (n_features,)
        The optimum, or on separable data the last Newton iterate (a separating line; where
        that is beyond the largest double in X's units, a positive multiple of it that is
        not).
    b : float
    loss : float
        Loss at (w, b).
    converged : bool
        True when (w, b) is the optimum to within the tolerance.
    separable : bool
        True when no finite optimum exists (``l2 == 0`` and the classes can be split).
    direction : ndarray of shape (n_features + 1,)
        Unit vector along (w, b): on separable data, the direction in which the weights run off.
    iterations : int
    message : str
        A sentence for people.
    path : ndarray of shape (iterations + 1, n_features + 1)
        Every iterate (w, b), the start first.
    path_loss : ndarray of shape (iterations + 1,)
        The loss at each iterate.
    reason : str
        Why there is no finite best fit, as a clause ("" when there is one): the middle of
        ``message``, for sentences of their own.
    """

    w: np.ndarray
    b: float
    loss: float
    converged: bool
    separable: bool
    direction: np.ndarray
    iterations: int
    message: str
    path: np.ndarray
    path_loss: np.ndarray
    reason: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self)  # shared across sessions: read-only


def fit_exact(
    X, y, l2: float = 0.0, tol: float = 1e-10, max_iter: int | None = None, w0=None,
    b0: float = 0.0, stop_at_proof: bool = True,
) -> ExactFit:
    """Minimize the loss by Newton's method, or say why no minimum exists.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    l2 : float, default 0
    tol : float, default 1e-10
        Stop when no parameter moves by more than ``tol * (1 + |theta|_max)`` in a step.
    max_iter : int, optional
        By default 100, and 3 more for each decade of ``1 / l2`` below 1 (``l2`` in the
        units Newton's method runs in, the smallest over the features): on separable data
        a tiny L2 puts the best fit far out, and Newton's method walks there in steps of
        about one decade of ``l2`` per 2.3 iterations (λ = 1e-50 on the 5 points takes 115,
        λ = 1e-300 takes 688: with 100 the page said the best fit "could not be computed").
    w0 : array-like of shape (n_features,), optional
        Where Newton's method starts (zeros by default).
    b0 : float, default 0
    stop_at_proof : bool, default True
        Stop as soon as the data are shown separable. False keeps iterating (up to
        ``max_iter``), to watch Newton's method run off towards infinity.

    Returns
    -------
    ExactFit
    """
    X, y = check_data(X, y)
    l2 = check_l2(l2)
    n_samples, n_features = X.shape
    # Each feature in units of a power of 2 near its largest magnitude (module docstring);
    # theta below is (w * scale, b), and results are given back in X's units.
    scale = _power_of_two_sizes(X, l2)
    X = X / scale
    problem = _Problem(X, y, l2 / scale / scale)  # (scale² may overflow)
    if max_iter is None:  # (the walk is as long as the penalty is small in those units)
        smallest = max(float(np.min(problem.ridge, initial=l2)), 5e-324) if l2 else 1.0
        max_iter = 100 + (3 * math.ceil(-math.log10(smallest)) if smallest < 1 else 0)
    # rows of [X 1] signed so that a positive entry of Xs @ theta is a wrong-side logit
    Xs = np.column_stack([X, np.ones(n_samples)]) * label_signs(y)[:, None]

    # Directions of (w, b) that change no logit (a feature the same in every row duplicates
    # the bias): without L2 the loss is flat along them and the Hessian singular, so Newton's
    # steps are kept out of them; they would drift along the flat valley and look like a run
    # off to infinity.
    flat = flat_directions(Xs) if l2 == 0 else np.zeros((n_features + 1, 0))
    w0, b0 = check_parameters(w0, b0, n_features)
    theta = np.append(w0 * scale, b0)
    path, path_loss = [theta], []

    def result(**fields) -> ExactFit:
        with np.errstate(all="ignore"):
            in_units = np.array(path) / np.append(scale, 1.0)
        found = in_units[-1]
        if fields.get("separable") and not np.all(np.isfinite(found)):
            found = _finite_multiple(theta, scale)  # a separating line all the same
        elif fields.get("converged") and not np.all(np.isfinite(found)):
            # (x = 1e-310 to 4e-310, labels 0 1 0 1: w = 0.91 / 1e-310)
            fields.update(converged=False, message=(
                f"Newton's method found the best fit in units of each feature's largest "
                f"value after {fields['iterations']} iterations, but in the features' own "
                "units its weights are beyond 1.8e308, the largest double."))
        fields.setdefault("w", found[:-1])
        fields.setdefault("b", float(found[-1]))
        fields.setdefault("loss", float(loss))
        fields.setdefault("direction", _unit(found))
        return ExactFit(path=in_units, path_loss=np.array(path_loss), **fields)

    with np.errstate(all="ignore"):
        loss, grad = problem.loss_and_gradient(theta)
        path_loss.append(float(loss))
        def at_minimum(grad: np.ndarray, theta: np.ndarray) -> bool:
            """Whether the gradient ``grad`` at ``theta`` vanishes against the sizes of the
            terms it sums (`_term_sizes`): the loss is convex, so this is its minimum. Not
            where the loss computes as 0: every term has underflowed there, on the way to
            infinity. (Against the sizes the terms could have, |p - y| = 1, a far iterate
            of separable data with features of 1e100 and λ = 1e-300, whose penalty is 0 in
            their units, passed: "converged", loss 3.2e-308.)"""
            return bool(problem.loss(theta) > 0 and np.all(
                np.abs(grad) <= MINIMUM_RTOL * _term_sizes(problem, theta)))

        for iteration in range(1, max_iter + 1):
            if stop_at_proof and l2 == 0 and np.all(Xs @ theta < 0):
                return result(**_separable(iteration - 1, y))
            hess = problem.hessian(theta)
            try:
                direction = np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                direction = np.linalg.lstsq(hess, grad, rcond=None)[0]
            direction = direction - flat @ (flat.T @ direction)
            found = backtrack(problem, theta, loss, grad, (direction, grad))
            if found is None and at_minimum(grad, theta):  # no step lowers the loss, as
                # at a minimum: the start itself can be the best fit (an upload of x = 1, 2,
                # 1, 2 with labels 0, 0, 1, 1 has it at w = b = 0), which "found no step"
                # read as "there is no best fit"
                return result(converged=True, separable=False, iterations=iteration - 1,
                              message=("Newton's method started at the best fit: the "
                                       "gradient is 0 there." if iteration == 1 else
                                       f"Newton's method converged in {iteration - 1} "
                                       "iterations."))
            if found is None:
                # The loss may be flat to rounding around the best fit: with a feature of
                # 1e-300 and λ = 0.1 every logit underflows to 0, so the loss is ln 2 whatever
                # w is, and the best fit is at w = 5e-300. The full Newton step then lowers
                # the loss by nothing, yet lands where the gradient vanishes.
                candidate = theta - direction
                new_loss, new_grad = problem.loss_and_gradient(candidate)
                if new_loss <= loss and at_minimum(new_grad, candidate):
                    theta, loss = candidate, new_loss
                    path.append(theta)
                    path_loss.append(float(loss))
                    return result(converged=True, separable=False, iterations=iteration,
                                  message=f"Newton's method converged in {iteration} "
                                          "iterations.")
            if found is None:  # every sample saturated, the Hessian nearly singular: a far
                # start, where no step lowers the loss (the step used to be taken anyway,
                # from 85.5 to 1.7e8, and called converged)
                return result(
                    converged=False, separable=False, iterations=iteration - 1,
                    message=f"Newton's method found no step that lowers the loss after "
                            f"{iteration - 1} iterations.")
            candidate = found[0]
            new_loss, new_grad = problem.loss_and_gradient(candidate)
            moved = np.max(np.abs(candidate - theta))
            runs_off = (stop_at_proof and l2 == 0
                        and _runs_off(Xs, candidate - theta, moved, loss - new_loss, loss))
            theta, loss, grad = candidate, new_loss, new_grad
            path.append(theta)
            path_loss.append(float(loss))
            if runs_off:
                return result(**_separable(iteration, y, quasi=True))
            if moved <= tol * (1.0 + np.max(np.abs(theta))):
                # A minimum only where the gradient vanishes too, against the size of its
                # terms: from a far start (b = 746) short steps along a nearly singular
                # Hessian's direction stopped moving with dJ/db = 0.6, called converged.
                if at_minimum(grad, theta):
                    return result(
                        converged=True, separable=False, iterations=iteration,
                        message=f"Newton's method converged in {iteration} iterations.",
                    )
                return result(
                    converged=False, separable=False, iterations=iteration,
                    message=f"Newton's method stalled after {iteration} iterations: its "
                            "steps no longer move the parameters, yet the gradient is not 0 "
                            "(every sample far on one side, as from a far start).")
    separable = l2 == 0 and bool(np.all(Xs @ theta < 0))
    if separable:
        return result(**_separable(max_iter, y))
    return result(
        converged=False, separable=False, iterations=max_iter,
        message=f"Newton's method did not converge in {max_iter} iterations.",
    )


def _runs_off(Xs, move, moved, decrease, loss) -> bool:
    """Whether a Newton step heads off to infinity along a direction that never hurts a sample.

    Quasi-complete separation (a line splits the classes with some samples exactly on it): the
    loss stalls at a floor above 0 while the iterate keeps moving by a sizable step whose
    wrong-side logits ``Xs @ move`` are all <= 0, so no sample can stop it. At a true optimum
    the steps shrink instead, and a small correction raises some sample's logit.
    """
    if moved < 1e-3 or decrease > 1e-12 * loss:
        return False
    slack = 1e-9 * np.abs(Xs).sum(axis=1) * moved
    logits = Xs @ move  # and some sample must gain: a move that changes no logit is no run-off
    return bool(np.all(logits <= slack) and np.any(logits < -slack))


def flat_directions(Xs: np.ndarray) -> np.ndarray:
    """Orthonormal directions of (w, b) along which no logit changes: the null space of
    ``Xs`` (``[X 1]``, its rows perhaps signed), shape ``(d + 1, k)``. Found with each column
    scaled to length 1 (features in units of 1e-3 and 1e3 are not collinear for it), where a
    Gram eigenvalue at rounding level (1e-12 of the largest) is a direction of none."""
    # each column's length, from the column over its largest entry: the squares of entries
    # of 1e-300 underflow to 0, and a column of them read as a column of zeros, a direction
    # of none (x = 1e-300, -1e-300, 2e-300 has one best fit, which the landscape called a line)
    peak = np.max(np.abs(Xs), axis=0)
    peak = np.where(peak > 0, peak, 1.0)
    length = np.linalg.norm(Xs / peak, axis=0)
    length = np.where(length > 0, length, 1.0)
    unit = Xs / peak / length
    values, vectors = np.linalg.eigh(unit.T @ unit)
    flat = values <= 1e-12 * max(values[-1], np.finfo(float).tiny)
    null = vectors[:, flat]
    # entries at rounding level are rounding, not direction: put back in the columns' units
    # they grew past the true entries (x near 1e150 beside z = 2x: the true (2, -1, 0) came
    # back as (0, 5e-136, 1), moving the bias, and the landscape's reachable best fit with
    # it). Rounding level is eigh's error in a null vector, eps * largest / the smallest
    # eigenvalue kept out (the gap), times 64; not a fixed 1e-9: a true entry can be that
    # small (x = 1 + k 2^-33 beside z = k 2^-70, k = 0..4, has the flat direction
    # (1, -2^37, -1), whose z entry is 8e-10 of the largest in unit-length columns; dropped,
    # the direction read (1, 0, -1) and the reachable best fit kept w_z at 1.3e21 from a
    # start of 0). Never above 1e-9: that moves |unit @ v| by at most 1e-9 per column of
    # length 1, inside the 1e-6 (square root of 1e-12) a flat direction allows
    gap = values[~flat][0] if np.any(~flat) else values[-1]
    noise = min(64 * np.finfo(float).eps * values[-1] / max(gap, np.finfo(float).tiny), 1e-9)
    null = np.where(np.abs(null) > noise * np.max(np.abs(null), axis=0), null, 0.0)
    # back in Xs's units, each direction divided by column j's peak * length. The peak is
    # put back as its power of 2, each direction shifted so its largest entry is below 1:
    # dividing by a subnormal peak overflowed to inf and the directions read nan (x = 5e-324,
    # 1e-323, 1.5e-323 beside z = 2x: the landscape's diamond of a line of best fits at nan)
    mantissa, exponent = np.frexp(peak)
    parts = null / (mantissa * length)[:, None]
    size = np.frexp(parts)[1] - exponent[:, None]  # each entry's power of 2, to within 1
    top = np.max(np.where(parts != 0, size, np.iinfo(np.int32).min), axis=0)
    null = np.ldexp(parts, -exponent[:, None] - top[None, :])
    return np.linalg.qr(null)[0] if null.shape[1] else null


class _Problem:
    """The loss on features in units of powers of 2: `LogisticProblem` without L2 on
    ``X / scale``, plus the penalty in those units, ``sum(ridge * w'^2) / 2`` with
    ``ridge = l2 / scale^2`` (the same as ``l2 / 2 |w|^2`` for ``w' = w * scale``). The three
    methods `fit_exact` and `optimizers.backtrack` ask for."""

    def __init__(self, X: np.ndarray, y: np.ndarray, ridge: np.ndarray):
        self.data, self.ridge = LogisticProblem(X, y, 0.0), ridge
        self.any_ridge = bool(np.any(ridge))

    def loss(self, theta: np.ndarray) -> float:
        return self.data.loss(theta) + self._penalty(theta)

    def loss_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = self.data.loss_and_gradient(theta)
        if self.any_ridge:
            grad = grad + np.append(self.ridge * theta[:-1], 0.0)
        return loss + self._penalty(theta), grad

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        return self.data.hessian(theta) + np.diag(np.append(self.ridge, 0.0))

    def _penalty(self, theta: np.ndarray) -> float:
        return 0.5 * float(np.sum(self.ridge * theta[:-1] ** 2)) if self.any_ridge else 0.0


def _term_sizes(problem: _Problem, theta: np.ndarray) -> np.ndarray:
    """The size of the terms each partial derivative sums at ``theta``: ``mean |(p - y) x_j|
    + |ridge_j w_j|`` for each weight, ``mean |p - y|`` for the bias."""
    X = problem.data.X
    error = problem.data.terms(theta)[4]  # p - y
    size_w = np.abs(X).T @ np.abs(error) / len(error) + np.abs(problem.ridge * theta[:-1])
    return np.append(size_w, np.mean(np.abs(error)))


def _power_of_two_sizes(X: np.ndarray, l2: float) -> np.ndarray:
    """For each column, the power of 2 at or just above its largest magnitude (1 for a
    column of zeros): dividing by it is exact, and puts the column's largest value in
    [0.5, 1]. With L2, only for columns larger than 1: the penalty in those units,
    ``l2 / scale^2``, then only shrinks. (On a feature of 1e-300 with λ = 1e-200 it would be
    1e400, and the best fit's weight, 5e-101, 1e-351 in those units: both beyond doubles.)"""
    size = np.max(np.abs(X), axis=0)
    scale = np.where(size > 0, np.ldexp(1.0, np.frexp(size)[1]), 1.0)
    return scale if l2 == 0 else np.maximum(scale, 1.0)


def _finite_multiple(theta: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``theta`` (w * scale, b) in X's units, shrunk by a power of 2 where w / scale would
    pass the largest double (features of 1e-310): a positive multiple of a separating line
    separates too."""
    with np.errstate(divide="ignore"):
        sizes = np.log2(np.abs(theta[:-1])) - np.log2(scale)
    shrink = np.ldexp(1.0, -int(np.ceil(np.max(sizes))) + 1000)
    return np.append((theta[:-1] * shrink) / scale, theta[-1] * shrink)


def _unit(theta: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(theta)
    return theta / norm if norm > 0 else theta


def _separable(iteration, y, quasi: bool = False) -> dict:
    """The fields of an `ExactFit` that proves no finite optimum exists."""
    if np.all(y == y[0]):
        reason = (
            f"every label is {int(y[0])}, so pushing the bias towards "
            f"{'+' if y[0] == 1 else '-'}infinity lowers the loss forever"
        )
    elif quasi:
        reason = (
            "the classes can be split by a line with some samples exactly on it, so the loss "
            "keeps falling as the weights of that line grow"
        )
    else:
        reason = (
            "a line splits the two classes perfectly, so scaling up any (w, b) that draws "
            "such a line lowers the loss forever without reaching 0"
        )
    return dict(
        converged=False, separable=True, iterations=iteration, reason=reason,
        message=f"No finite best fit: {reason}. Add L2 regularization to get one.",
    )
