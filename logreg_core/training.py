r"""Gradient descent over many steps: full batch, mini-batch SGD and heavy-ball momentum.

Each step from state :math:`\theta_t = (w_t, b_t)`:

.. math::

    g_t = \nabla J(\theta_t) \text{ (on a mini-batch for SGD)}, \qquad
    v_{t+1} = \beta v_t + g_t, \qquad
    \theta_{t+1} = \theta_t - \eta\, v_{t+1}

with :math:`\beta = 0` for plain gradient descent. The history keeps every state, its full-data
loss and the gradient each step used. Nothing non-finite is ever stored: when the numbers
overflow, training stops at the last finite state and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import LogRegInputError
from .maths import (
    _logistic_terms,
    _Workspace,
    check_data,
    check_l2,
    check_learning_rate,
    check_parameters,
)

#: Most steps one run may take: 100,000 is what the app offers; the cap only keeps a typo
#: (an extra zero or two) from allocating gigabytes.
MAX_STEPS = 1_000_000

CONVERGING, OSCILLATING, DIVERGING = "converging", "oscillating", "diverging"

#: A step "raises" the loss when it grows by more than this relative amount; smaller changes are
#: rounding noise of a sum of n terms, not a rise.
RISE_RTOL = 1e-12

#: How many steps run between the checks for overflow (a check per step would cost more than
#: the step itself on small data).
_CHECK_EVERY = 256


@dataclass(frozen=True)
class Verdict:
    """What a loss curve did.

    Attributes
    ----------
    kind : {"converging", "oscillating", "diverging"}
        converging: the loss never rose. oscillating: it rose at some step but ended below where
        it started. diverging: it ended above where it started, or the numbers overflowed.
    first_rise : int or None
        First step t at which ``loss[t] > loss[t - 1]``.
    stopped_at : int or None
        The step at which the numbers overflowed and training stopped (its state is not kept).
    """

    kind: str
    first_rise: int | None
    stopped_at: int | None

    def describe(self, max_stable_learning_rate: float | None = None) -> str:
        """One plain sentence for the dashboard."""
        if self.kind == CONVERGING:
            text = "Converging: the loss went down at every step."
        elif self.kind == OSCILLATING:
            text = (
                f"Oscillating: the loss first rose at step {self.first_rise}, "
                "yet ended below where it started."
            )
        elif self.stopped_at is not None:
            text = (
                f"Diverging: the numbers overflowed at step {self.stopped_at} and training "
                f"stopped there (the loss first rose at step {self.first_rise})."
            )
        else:
            text = (
                f"Diverging: the loss first rose at step {self.first_rise} "
                "and ended higher than it started."
            )
        if max_stable_learning_rate is not None and self.kind != CONVERGING:
            text += f" Rates below {max_stable_learning_rate:.4g} can never raise the loss."
        return text


def classify_loss(loss: np.ndarray, stopped_at: int | None = None) -> Verdict:
    """Name what a loss curve did (see `Verdict`).

    Parameters
    ----------
    loss : ndarray of shape (n_states,)
        Finite losses, state 0 first.
    stopped_at : int or None
        Where training stopped on overflow, if it did.

    Returns
    -------
    Verdict
    """
    loss = np.asarray(loss, dtype=float)
    rises = np.flatnonzero(loss[1:] > loss[:-1] * (1.0 + RISE_RTOL))
    first_rise = int(rises[0]) + 1 if rises.size else None
    if stopped_at is not None:
        if first_rise is None:  # overflow with no visible rise yet: it rose at the overflow
            first_rise = stopped_at
        return Verdict(DIVERGING, first_rise, stopped_at)
    if first_rise is None:
        return Verdict(CONVERGING, None, None)
    kind = DIVERGING if loss[-1] > loss[0] else OSCILLATING
    return Verdict(kind, first_rise, None)


@dataclass(frozen=True)
class History:
    """A training run, state by state (arrays are read-only).

    Attributes
    ----------
    weights : ndarray of shape (steps_run + 1, n_features)
        ``weights[t]`` is w after t steps; row 0 is the start.
    bias : ndarray of shape (steps_run + 1,)
    loss : ndarray of shape (steps_run + 1,)
        Full-data loss (with the L2 penalty) of each state. Always finite.
    grad_w : ndarray of shape (steps_run, n_features)
        The gradient step t + 1 used, computed at state t (on the mini-batch for SGD).
    grad_b : ndarray of shape (steps_run,)
    verdict : Verdict
    learning_rate, l2, momentum : float
    batch_size : int or None
        None for full-batch descent.
    seed : int
    steps : int
        Steps asked for; `steps_run` is smaller when training stopped on overflow.
    """

    weights: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    verdict: Verdict
    learning_rate: float
    l2: float
    momentum: float
    batch_size: int | None
    seed: int
    steps: int

    @property
    def steps_run(self) -> int:
        """Steps actually taken."""
        return self.loss.shape[0] - 1

    @property
    def n_features(self) -> int:
        return self.weights.shape[1]


def check_steps(steps) -> int:
    """Validate a number of steps: a whole number from 1 to `MAX_STEPS`."""
    try:
        as_int = int(steps)
    except (TypeError, ValueError):
        raise LogRegInputError(
            f"The number of steps must be a whole number; got {steps!r}."
        ) from None
    if as_int != steps or not 1 <= as_int <= MAX_STEPS:
        raise LogRegInputError(
            f"The number of steps must be a whole number from 1 to {MAX_STEPS:,}; got {steps}."
        )
    return as_int


def _augmented(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``S [X 1]`` and its transpose over n, with ``S = diag(1 - 2y)``.

    With these, the wrong-side logits are ``u = Xs @ theta`` and the data gradient is
    ``XsT_n @ sigmoid(u)``: the label signs are folded into the matrix once instead of being
    applied twice per step.
    """
    s = 1.0 - 2.0 * y
    Xs = np.column_stack([X, np.ones(X.shape[0])]) * s[:, None]
    return np.ascontiguousarray(Xs), np.ascontiguousarray(Xs.T / X.shape[0])


def train(
    X,
    y,
    *,
    learning_rate: float,
    steps: int,
    w0=None,
    b0: float = 0.0,
    l2: float = 0.0,
    batch_size: int | None = None,
    momentum: float = 0.0,
    seed: int = 0,
) -> History:
    """Run gradient descent and keep every state.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), labels 0/1
    learning_rate : float
        eta > 0.
    steps : int
        Number of updates, 1 to `MAX_STEPS`.
    w0 : array-like of shape (n_features,), optional
        Starting weights (zeros by default).
    b0 : float, default 0
    l2 : float, default 0
        L2 strength (see `loss_and_gradients`).
    batch_size : int, optional
        Mini-batch size for stochastic gradient descent; each epoch visits the samples in a
        fresh random order drawn from ``np.random.default_rng(seed)``. None: full batch.
    momentum : float, default 0
        Heavy-ball coefficient beta in [0, 1).
    seed : int, default 0

    Returns
    -------
    History
    """
    X, y = check_data(X, y)
    n_samples, n_features = X.shape
    w0, b0 = check_parameters(w0, b0, n_features)
    learning_rate = check_learning_rate(learning_rate)
    steps = check_steps(steps)
    l2 = check_l2(l2)
    momentum = float(momentum)
    if not 0.0 <= momentum < 1.0:
        raise LogRegInputError(f"Momentum must be in [0, 1); got {momentum:g}.")
    if batch_size is not None:
        if int(batch_size) != batch_size or not 1 <= batch_size <= n_samples:
            raise LogRegInputError(
                f"The batch size must be a whole number from 1 to {n_samples} (the number of "
                f"samples); got {batch_size}."
            )
        batch_size = int(batch_size)
        if batch_size == n_samples:
            batch_size = None  # one batch of everything is plain gradient descent

    Xs, XsT_n = _augmented(X, y)
    thetas = np.empty((steps + 1, n_features + 1))
    thetas[0, :-1], thetas[0, -1] = w0, b0
    losses = np.empty(steps + 1)
    grads = np.empty((steps, n_features + 1))
    penalized = np.ones(n_features + 1)
    penalized[-1] = 0.0  # the bias is not penalized
    l2_mask = l2 * penalized
    rng = np.random.default_rng(seed)
    order, cursor = np.arange(n_samples), n_samples
    velocity = np.zeros(n_features + 1)
    work = _Workspace((n_samples,))
    work_batch = _Workspace((batch_size,)) if batch_size else None

    # States 0..last_state hold parameters; losses are filled up to the same index below.
    last_state = steps
    with np.errstate(all="ignore"):  # overflow is detected below and stops the run
        for t in range(steps):
            theta = thetas[t]
            sample_loss, sig = _logistic_terms(Xs @ theta, work)
            losses[t] = sample_loss.sum() / n_samples
            if batch_size is None:
                np.matmul(XsT_n, sig, out=grads[t])
            else:
                if cursor + batch_size > n_samples:  # new epoch; a partial last batch is skipped
                    order, cursor = rng.permutation(n_samples), 0
                batch = order[cursor:cursor + batch_size]
                cursor += batch_size
                _, sig_batch = _logistic_terms(Xs[batch] @ theta, work_batch)
                np.matmul(Xs[batch].T, sig_batch, out=grads[t])
                grads[t] /= batch_size
            if l2:
                losses[t] += 0.5 * l2 * (theta[:-1] @ theta[:-1])
                grads[t] += l2_mask * theta
            if momentum:
                velocity *= momentum
                velocity += grads[t]
                np.subtract(theta, learning_rate * velocity, out=thetas[t + 1])
            else:
                np.subtract(theta, learning_rate * grads[t], out=thetas[t + 1])
            if (t + 1) % _CHECK_EVERY == 0 and not _all_finite(
                losses[t + 1 - _CHECK_EVERY : t + 1], thetas[t + 1]
            ):
                last_state = t + 1
                break
        sample_loss, _ = _logistic_terms(Xs @ thetas[last_state], work)
        losses[last_state] = sample_loss.sum() / n_samples
        if l2:
            losses[last_state] += 0.5 * l2 * (thetas[last_state, :-1] @ thetas[last_state, :-1])

    finite = np.isfinite(losses[: last_state + 1]) & np.all(
        np.isfinite(thetas[: last_state + 1]), axis=1
    )
    stopped_at = None if finite.all() else int(np.argmin(finite))  # first non-finite state
    if stopped_at == 0:
        raise LogRegInputError(
            "The loss at the starting point is too large to compute: use smaller starting "
            "weights or rescale the features."
        )
    last_good = last_state if stopped_at is None else stopped_at - 1

    keep = last_good + 1
    loss = losses[:keep]
    history = History(
        weights=_frozen(thetas[:keep, :-1]),
        bias=_frozen(thetas[:keep, -1]),
        loss=_frozen(loss),
        grad_w=_frozen(grads[:last_good, :-1]),
        grad_b=_frozen(grads[:last_good, -1]),
        verdict=classify_loss(loss, stopped_at),
        learning_rate=learning_rate,
        l2=l2,
        momentum=momentum,
        batch_size=batch_size,
        seed=int(seed),
        steps=steps,
    )
    return history


def _all_finite(losses: np.ndarray, theta: np.ndarray) -> bool:
    """Whether the losses of the last chunk of steps and the newest parameters are finite."""
    return bool(np.isfinite(losses).all() and np.isfinite(theta).all())


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)  # own copy: the run's scratch buffers are larger than what is kept
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class Sweep:
    """Loss curves of many learning rates from one start.

    Attributes
    ----------
    learning_rates : ndarray of shape (n_rates,)
    loss : ndarray of shape (n_rates, steps + 1)
        Full-data loss of each rate at each state; after a run overflowed (see `stopped_at`)
        its remaining entries are nan, never shown as numbers.
    stopped_at : ndarray of shape (n_rates,), int
        Step at which each run overflowed, or -1 where it never did.
    verdicts : list of Verdict, length n_rates
    """

    learning_rates: np.ndarray
    loss: np.ndarray
    stopped_at: np.ndarray
    verdicts: list

    @property
    def final_loss(self) -> np.ndarray:
        """Last finite loss of each run, shape (n_rates,)."""
        last = np.where(self.stopped_at >= 0, self.stopped_at - 1, self.loss.shape[1] - 1)
        return self.loss[np.arange(self.loss.shape[0]), last]

    def steps_to_within(self, rtol: float = 0.01) -> np.ndarray:
        """First step at which each run's loss is within ``rtol`` of the best loss any run saw.

        Returns
        -------
        ndarray of shape (n_rates,), int
            -1 where a run never got that close.
        """
        best = np.nanmin(self.loss)
        with np.errstate(invalid="ignore"):
            close = self.loss <= best + rtol * abs(best)
        reached = close.any(axis=1)
        return np.where(reached, np.argmax(close, axis=1), -1)


def learning_rate_sweep(
    X, y, learning_rates, steps: int, w0=None, b0: float = 0.0, l2: float = 0.0
) -> Sweep:
    """Full-batch gradient descent at many learning rates at once, from one start.

    All rates advance together: per step one product ``(n, d+1) @ (d+1, n_rates)`` forward and
    one back, instead of a separate run per rate. Each row equals ``train(...).loss`` for its
    rate (up to the rounding of a matrix product against a vector product).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    learning_rates : array-like of shape (n_rates,)
    steps : int
    w0 : array-like of shape (n_features,), optional
    b0 : float, default 0
    l2 : float, default 0

    Returns
    -------
    Sweep
    """
    X, y = check_data(X, y)
    n_samples, n_features = X.shape
    w0, b0 = check_parameters(w0, b0, n_features)
    rates = np.array([check_learning_rate(r) for r in np.ravel(learning_rates)])
    if rates.size == 0:
        raise LogRegInputError("Give at least one learning rate to sweep.")
    steps = check_steps(steps)
    l2 = check_l2(l2)

    # Rates are rows, samples columns: every reduction then runs along contiguous memory.
    Xs, _ = _augmented(X, y)
    XsT = np.ascontiguousarray(Xs.T)
    Xs_n = Xs / n_samples
    theta = np.tile(np.append(w0, b0), (rates.size, 1))  # (n_rates, d+1)
    l2_mask = np.full(n_features + 1, l2)
    l2_mask[-1] = 0.0
    step_sizes = rates[:, None]
    u = np.empty((rates.size, n_samples))
    grad = np.empty_like(theta)
    work = _Workspace(u.shape)
    losses = np.empty((rates.size, steps + 1))
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            np.matmul(theta, XsT, out=u)
            sample_loss, sig = _logistic_terms(u, work)
            np.sum(sample_loss, axis=1, out=losses[:, t])
            losses[:, t] /= n_samples
            if l2:
                losses[:, t] += 0.5 * l2 * np.sum(theta[:, :-1] ** 2, axis=1)
            if t == steps:
                break
            np.matmul(sig, Xs_n, out=grad)
            if l2:
                grad += l2_mask * theta
            grad *= step_sizes
            theta -= grad
    finite = np.isfinite(losses)
    # A state whose parameters overflowed has a non-finite loss too (inf or nan): the loss
    # alone tells where each run stopped.
    stopped_at = np.where(finite.all(axis=1), -1, np.argmin(finite, axis=1))
    verdicts = []
    for k in range(rates.size):
        if stopped_at[k] >= 0:
            losses[k, stopped_at[k]:] = np.nan
            verdicts.append(classify_loss(losses[k, : stopped_at[k]], int(stopped_at[k])))
        else:
            verdicts.append(classify_loss(losses[k]))
    losses.flags.writeable = False
    return Sweep(learning_rates=rates, loss=losses, stopped_at=stopped_at, verdicts=verdicts)
