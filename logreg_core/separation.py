r"""Which samples lie on every line that splits the classes, and how low the loss can go.

With :math:`a_i = [x_i, 1]`, :math:`s_i = 2 y_i - 1` and :math:`z_i = s_i a_i`, the loss without
L2 is :math:`J(\theta) = \frac{1}{n} \sum_i \operatorname{softplus}(-z_i \cdot \theta)`. The
directions that hurt no sample form the cone :math:`C = \{d : z_i \cdot d \ge 0 \ \forall i\}`,
and they split the samples in two (the *quasi-complete separation* of Albert and Anderson,
1984):

- :math:`I_0`, the samples **on every splitting line**: :math:`z_i \cdot d = 0` for every d in C;
- the others, :math:`I_+`: for each, some d in C has :math:`z_i \cdot d > 0`, and the sum of
  those d is one direction :math:`d_+` in C that is positive on all of :math:`I_+` at once.

Then

.. math:: \inf_\theta J(\theta) = F = \frac{1}{n} \min_\theta \sum_{i \in I_0}
          \operatorname{softplus}(-z_i \cdot \theta),

the *floor* of the loss: J is at least the sum over :math:`I_0` (the other terms are positive),
and along :math:`\theta + t d_+` the terms of :math:`I_+` fall to 0 while those of :math:`I_0`
do not change. The minimum over :math:`I_0` exists: a direction with :math:`z_i \cdot d \ge 0` on
:math:`I_0`, positive on one of them, plus a large multiple of :math:`d_+` would lie in C and
be positive on a sample of :math:`I_0`; so the loss of :math:`I_0` grows in every direction
but those that change none of its logits. Three cases:

- :math:`I_+` empty (the classes **overlap**): J has a best fit, and F is its loss;
- :math:`I_0` empty (**strictly separable**, or one label): a line has every sample strictly
  on its side, F = 0;
- both (**quasi-separable**): no best fit, the weights grow without bound, and F > 0 (both
  labels are in :math:`I_0`: the bias column of :math:`\sum_{I_0} u_i z_i = 0` below).

As the terms of :math:`I_+` saturate, the Hessian of J tends to that of the :math:`I_0` terms
alone (divided by n), whose largest eigenvalue at their minimum, :math:`\mu_0^*`, plays the part
of :math:`\mu^*` at a best fit: below :math:`2/\mu_0^*` descent that comes close to the floor
settles towards it, above it the logits of :math:`I_0` are pushed away at every step.

By Farkas' lemma sample p is in :math:`I_0` exactly when :math:`\sum_i u_i z_i = 0` for some
:math:`u \ge 0` with :math:`u_p > 0`. `separation` finds :math:`I_0` with the margin program
:math:`\min \tfrac12 \lVert\theta\rVert^2` subject to :math:`z_i \cdot \theta \ge r_i`,
:math:`r_i = 1` for the samples not yet known to be in :math:`I_0` and 0 for the others, solved
by the dual active-set method of Goldfarb and Idnani (1983): it either solves it, or stops at a
sample p that cannot be satisfied, with :math:`z_p = \sum_{A} \rho_j z_j`, every
:math:`\rho_j \le 0` over the active samples A: a u as above, whose samples are all in
:math:`I_0`. They get :math:`r_i = 0`, and the program is solved again, at most once per sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .exact import _power_of_two_sizes, fit_exact
from .maths import LogisticProblem, check_data, freeze_fields

#: Two rounding thresholds of the margin program, both in units of machine epsilon. A sample
#: counts as on its side when its slack ``z_i . theta - r_i`` is above
#: ``-SLACK_EPS * eps * |z_i| * |theta|``, the rounding of that product; a direction counts as
#: independent of the active samples when its part outside their span is longer than
#: ``SPAN_EPS * eps`` times its length.
SLACK_EPS = 16
SPAN_EPS = 64
#: A multiplier of a certificate counts as negative below this share of the largest (the rest
#: is rounding); the sample the program stopped at is in the certificate whatever its size.
CERTIFICATE_RTOL = 1e-8


@dataclass(frozen=True)
class Separation:
    """How the classes split (module docstring).

    Attributes
    ----------
    on_every_line : ndarray of bool, shape (n_samples,)
        The samples on every line that splits the classes (:math:`I_0`).
    floor : float or None
        The infimum of the loss without L2, F: 0 where no sample is on every line; else the
        best loss of those samples alone, times their share of the samples; None where
        their best fit could not be computed.
    floor_theta : ndarray of shape (n_features + 1,) or None
        A (w, b) at which those samples' loss is least, bias last (None where there are none,
        or it could not be computed).
    floor_mu_max : float or None
        The largest eigenvalue of the Hessian of their loss (divided by n) there: the
        largest curvature the loss tends to as it approaches the floor.
    """

    on_every_line: np.ndarray
    floor: float | None
    floor_theta: np.ndarray | None
    floor_mu_max: float | None

    def __post_init__(self) -> None:
        freeze_fields(self)

    @property
    def kind(self) -> str:
        """"overlap" (every sample on every splitting line: there is none, and a best fit),
        "strict" (none is) or "quasi" (some are)."""
        on_line = int(np.sum(self.on_every_line))
        return ("overlap" if on_line == self.on_every_line.size else
                "strict" if on_line == 0 else "quasi")


def separation(X, y, max_iter: int = 100_000) -> Separation:
    """Which samples lie on every splitting line, and the floor of the loss (module docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), labels 0/1
    max_iter : int, default 100000
        Cap on the steps of each margin program.

    Returns
    -------
    Separation

    Raises
    ------
    RuntimeError
        A margin program did not finish in ``max_iter`` steps, or rounding stopped it at a
        sample whose certificate names no new one.
    """
    X, y = check_data(X, y)
    n = X.shape[0]
    # features in units of a power of 2 near their largest value: exact, and it changes no
    # sign of any z_i . d (d's weights scale inversely), so not which samples are on the line
    scale = _power_of_two_sizes(X, 0.0)
    Z = np.column_stack([X / scale, np.ones(n)]) * (2.0 * y - 1.0)[:, None]
    rhs = np.ones(n)
    for _ in range(n + 1):
        theta, certificate = margin_program(Z, rhs, max_iter)
        if theta is not None:
            break
        new = certificate[rhs[certificate] > 0]
        if new.size == 0:
            raise RuntimeError("separation: rounding stopped the margin program at a sample "
                               "already on every line")
        rhs[new] = 0.0
    on_line = rhs == 0
    if not np.any(on_line):
        return Separation(on_every_line=on_line, floor=0.0, floor_theta=None,
                          floor_mu_max=None)
    fit = fit_exact(X[on_line], y[on_line])
    if not fit.converged:
        return Separation(on_every_line=on_line, floor=None, floor_theta=None,
                          floor_mu_max=None)
    share = float(np.sum(on_line)) / n
    theta = np.append(fit.w, fit.b)
    with np.errstate(under="ignore"):
        hessian = LogisticProblem(X[on_line], y[on_line], 0.0).hessian(theta) * share
    return Separation(on_every_line=on_line, floor=float(fit.loss) * share, floor_theta=theta,
                      floor_mu_max=float(np.linalg.eigvalsh(hessian)[-1]))


def margin_program(Z: np.ndarray, rhs: np.ndarray,
                   max_iter: int) -> tuple[np.ndarray | None, np.ndarray]:
    """``argmin |theta|^2 / 2`` subject to ``Z @ theta >= rhs``, or a proof that there is none.

    Goldfarb-Idnani with G = I: the multipliers ``u`` of the active rows stay >= 0 and the
    active rows hold with equality after every full step. With ``rhs`` all 1 this is the
    hard-margin program of `limits.max_margin_direction`.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, dim)
        Rows z_i, none zero.
    rhs : ndarray of shape (n_samples,)
        Right-hand sides, each 0 or more.
    max_iter : int

    Returns
    -------
    theta : ndarray of shape (dim,) or None
        The solution; None where there is none.
    certificate : ndarray of int
        Where there is none, the rows i with ``u_i > 0`` in a ``u >= 0`` with ``u @ Z = 0``
        (the row the method stopped at and the active rows it leans on): each is on every
        line of the samples' cone (module docstring). Empty where there is a solution.

    Raises
    ------
    RuntimeError
        The method did not finish in ``max_iter`` steps.
    """
    eps = np.finfo(float).eps
    dim = Z.shape[1]
    sizes = np.linalg.norm(Z, axis=1)
    theta = np.zeros(dim)
    active: list[int] = []
    u = np.zeros(0)
    steps = 0
    while True:
        slack = Z @ theta - rhs
        p = int(np.argmin(slack / sizes))  # farthest (in distance) on the wrong side
        if slack[p] >= -SLACK_EPS * eps * sizes[p] * max(np.linalg.norm(theta), 1.0 / sizes[p]):
            return theta, np.zeros(0, dtype=int)
        row = Z[p]
        u_p = 0.0
        while True:  # steps towards satisfying row p
            steps += 1
            if steps > max_iter:
                raise RuntimeError(f"the margin program did not finish in {max_iter} steps")
            if active:
                Q, R = np.linalg.qr(Z[active].T)
                coef = Q.T @ row
                r = np.linalg.solve(R, coef)  # row = Z_A^T r + z
                z = row - Q @ coef if len(active) < dim else np.zeros(dim)
            else:
                r, z = np.zeros(0), row.copy()
            zz = float(z @ z)
            independent = zz > (SPAN_EPS * eps) ** 2 * float(row @ row)
            full_step = -(row @ theta - rhs[p]) / zz if independent else np.inf
            blocking = np.flatnonzero(r > 0)
            if blocking.size:
                ratios = u[blocking] / r[blocking]
                k = int(np.argmin(ratios))
                partial_step, leaving = float(ratios[k]), int(blocking[k])
            else:
                partial_step, leaving = np.inf, -1
            step = min(full_step, partial_step)
            if not np.isfinite(step):  # row p = sum of r_j z_j over the active rows, r <= 0
                negative = -r > CERTIFICATE_RTOL * max(1.0, float(np.max(np.abs(r), initial=0)))
                leaning = [active[j] for j in np.flatnonzero(negative)]
                return None, np.array([p, *leaning], dtype=int)
            if independent:
                theta = theta + step * z
            u = u - step * r
            u_p += step
            if full_step <= partial_step:
                active.append(p)
                u = np.append(u, u_p)
                # The active rows now hold with equality and theta is the least-norm point
                # that does so: recompute it from them to shed the drift of the updates.
                Q, R = np.linalg.qr(Z[active].T)
                theta = Q @ np.linalg.solve(R.T, rhs[active])
                break
            active.pop(leaving)
            u = np.delete(u, leaving)
