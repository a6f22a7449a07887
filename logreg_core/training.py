r"""Training runs: any optimizer over many steps, and plain descent at many rates at once.

`train` runs one optimizer (see `optimizers`) from a starting point and keeps every state, its
full-data loss and the gradient each step used. Nothing non-finite is ever stored: when the
numbers overflow, the run stops at the last finite state and says where.

`learning_rate_sweep` runs full-batch gradient descent at many learning rates together, one
matrix product per step for all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .checks import (
    gradient_exactly_zero,
    gradient_rounding,
    gradient_rounding_ceiling,
    logit_rounding,
    loss_rounding_of,
    lost_derivatives,
)
from .errors import LogRegInputError
from .maths import (
    LogisticProblem,
    check_data,
    check_l2,
    check_learning_rate,
    check_parameters,
    l2_penalty,
    label_signs,
    loss_and_gradients,
    wrong_side_terms,
)
from .optimizers import Adam, GradientDescent, MiniBatchSGD, Momentum, Optimizer
from .twins import farther, long_double_problem
from .verdicts import Verdict, classify_run, idle_weights, stopped, unchanged

if TYPE_CHECKING:
    from .limits import LearningRateLimits

#: Most multiply-adds (samples x (features + 1) x steps) of a replay in long double
#: (`twins.long_double_problem`), whose products take no BLAS: about 0.4 s of one core here
#: (breast cancer, 500 steps of Nesterov: 0.83 s). Above it the replay is a double one from a
#: start nudged by an ulp (`Verdict.twin_kind` "nudged").
LONG_DOUBLE_WORK = 4_000_000
#: Most steps one run may take: the app offers 100,000; the cap only keeps a typo (an extra
#: zero or two) from allocating gigabytes.
MAX_STEPS = 1_000_000


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
        The gradient step t + 1 used (on the mini-batch for SGD, at the look-ahead point for
        Nesterov).
    grad_b : ndarray of shape (steps_run,)
    verdict : Verdict
        Where the run is heading (see `verdicts.classify_run`).
    optimizer : Optimizer
    l2 : float
    steps : int
        Steps asked for; `steps_run` is smaller when training stopped on overflow.
    """

    weights: np.ndarray
    bias: np.ndarray
    loss: np.ndarray
    grad_w: np.ndarray
    grad_b: np.ndarray
    verdict: Verdict
    optimizer: Optimizer
    l2: float
    steps: int

    @property
    def steps_run(self) -> int:
        """Steps actually taken."""
        return self.loss.shape[0] - 1

    @property
    def n_features(self) -> int:
        return self.weights.shape[1]

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @property
    def theta(self) -> np.ndarray:
        """Every state as one row ``(w_1, ..., w_d, b)``, shape (steps_run + 1, n_features + 1)."""
        return np.column_stack([self.weights, self.bias])

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays, in bytes."""
        return sum(a.nbytes for a in (self.weights, self.bias, self.loss, self.grad_w,
                                      self.grad_b))


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


def _optimizer_of(learning_rate, optimizer, batch_size, momentum, seed) -> Optimizer:
    """The optimizer a call asks for: an object, or plain descent (with the shortcuts)."""
    if optimizer is not None:
        if learning_rate is not None and learning_rate != optimizer.learning_rate:
            raise ValueError("give the learning rate in the optimizer, not beside it")
        return optimizer
    if learning_rate is None:
        raise LogRegInputError("Give a learning rate (or an optimizer) to train.")
    if batch_size is not None:
        return MiniBatchSGD(learning_rate, batch_size=batch_size, seed=seed)
    if momentum:
        return Momentum(learning_rate, beta=momentum)
    return GradientDescent(learning_rate)


def train(
    X,
    y,
    *,
    steps: int,
    learning_rate: float | None = None,
    optimizer: Optimizer | None = None,
    w0=None,
    b0: float = 0.0,
    l2: float = 0.0,
    batch_size: int | None = None,
    momentum: float = 0.0,
    seed: int = 0,
    limits: LearningRateLimits | None = None,
) -> History:
    """Run an optimizer from (w0, b0) and keep every state.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), labels 0/1
    steps : int
        Number of updates, 1 to `MAX_STEPS`.
    learning_rate : float, optional
        Shortcut for ``optimizer=GradientDescent(learning_rate)``.
    optimizer : Optimizer, optional
        Any entry of `optimizers.OPTIMIZERS`, configured.
    w0 : array-like of shape (n_features,), optional
        Starting weights (zeros by default).
    b0 : float, default 0
    l2 : float, default 0
        L2 strength (see `maths.loss_and_gradients`).
    batch_size, momentum, seed :
        Shortcuts for `MiniBatchSGD` and `Momentum` at ``learning_rate``; a batch of every
        sample is plain gradient descent.
    limits : LearningRateLimits, optional
        The learning-rate limits of this data and L2 (`limits.learning_rate_limits`): for
        plain gradient descent the verdict then says what they imply for this rate; for
        momentum and Nesterov it measures the tail against the best fit's loss.

    Returns
    -------
    History
        Its verdict is judged on the tail and, with ``limits``, on the rate's regime; an
        oscillating run (not mini-batch), and a gradient descent run above 2/L, is run a
        second time with its samples in the reverse order, which tells how many digits of its
        losses are certain and from which step rounding decides its state (`verdicts`).
    """
    X, y = check_data(X, y)
    n_samples, n_features = X.shape
    w0, b0 = check_parameters(w0, b0, n_features)
    if batch_size is not None and batch_size == n_samples:
        batch_size = None  # one batch of everything is plain gradient descent
    optimizer = _optimizer_of(learning_rate, optimizer, batch_size, momentum, seed)
    steps = check_steps(steps)
    problem = LogisticProblem(X, y, check_l2(l2))
    theta0 = np.append(w0, b0)
    thetas, losses, grads, last = _descend(problem, optimizer, theta0, steps)
    if last < 0:
        raise LogRegInputError(
            "The loss at the starting point is too large to compute: use smaller starting "
            "weights or rescale the features."
        )
    stopped_at = None if last == steps else last + 1
    loss = _frozen(losses[: last + 1])
    # A batch of every sample is gradient descent (its sums in a shuffled order): no noise.
    full_batch = isinstance(optimizer, MiniBatchSGD) and optimizer.batch_size >= n_samples
    stochastic = not (optimizer.needs_full_gradient or full_batch)
    regime = (limits.regime(optimizer.learning_rate)
              if limits is not None and (type(optimizer) is GradientDescent or full_batch)
              else None)
    # momentum and Nesterov: no theory of the rate here, but a damped zig-zag near the best
    # fit is settling (`verdicts._damped_near`). Not Adam: as its gradients shrink its steps
    # do not, and from near the best fit it may leave again (the 5 points at λ = 0.01, η = 5:
    # within 1% of it from step 71 to 608, then up to 33 times its loss by step 1,770, in
    # exact arithmetic too: a review of the rule's first version)
    best = (limits.optimum_loss if limits is not None and isinstance(optimizer, Momentum)
            and not stochastic else None)
    verdict = classify_run(loss, stopped_at, stochastic=stochastic, regime=regime,
                           best_loss=best)
    # Plain descent is a function of (w, b) alone: one step that changes nothing is a fixed
    # point. (Momentum and Adam carry a state that may move them again; SGD its batches.)
    # The step the run would take next counts too: one step of η = 100 takes the one
    # student to where every term of the gradient underflows (a walk: the verdict said "the
    # loss falls towards 0" of a run whose next step would change nothing).
    still, idle = None, False
    if type(optimizer) is GradientDescent:
        with np.errstate(all="ignore"):
            end_gradient = problem.loss_and_gradient(thetas[last])[1]
        following = optimizer.step(thetas[last], end_gradient, problem, None)[0]
        still = stopped_moving_at(np.vstack([thetas[: last + 1], following]))
        # every weight exactly 0 at every state and the next: the penalty acted on none
        idle = not np.any(thetas[: last + 1, :-1]) and not np.any(following[:-1])
    # Below 2/L a step cannot pull two nearby states apart (for a convex loss whose curvature
    # is at most L the step is nonexpansive), so rounding errors only add up, about an ulp a
    # step; above it nothing bounds their growth, and a run that settles in the end may part
    # from its twin on the way (`RateRegime.rounding_may_grow`).
    # Momentum and Adam carry a state whose updates round alike in any order: where their
    # loss rose (their steps overshoot), a replay in long double too (`twins.farther`)
    replays = {"order": LogisticProblem(np.ascontiguousarray(X[::-1]), y[::-1], problem.l2)
               } if verdict.replay_in_other_order else {}
    if (isinstance(optimizer, (Momentum, Adam)) and not stochastic
            and verdict.first_rise is not None):
        longer = (long_double_problem(problem)
                  if n_samples * (n_features + 1) * steps <= LONG_DOUBLE_WORK else None)
        replays["long double" if longer else "nudged"] = longer or problem
    twins = []
    for kind, other in replays.items():
        start = (theta0.astype(other.X.dtype) if kind != "nudged" else
                 theta0 + np.spacing(np.maximum(np.abs(theta0), 1.0)))
        twin_thetas, twin, twin_grads, twin_last = _descend(other, optimizer, start, steps)
        twins.append((twin[: twin_last + 1], _with_last(twin_grads[:twin_last], other,
                                                        twin_thetas[twin_last])))
    if twins:
        twin, twin_gradients = farther(loss, twins)
        verdict = classify_run(  # (the gradients are compared over their common states)
            loss, stopped_at, stochastic=stochastic, regime=regime, twin=twin,
            gradients=_with_last(grads[:last], problem, thetas[last]),
            twin_gradients=twin_gradients,
            gradient_floor=gradient_rounding_ceiling(X, thetas[: last + 1, :-1], problem.l2),
            best_loss=best, twin_kind=" or ".join(replays))
    if idle and regime is not None:
        verdict = idle_weights(verdict, weights_stay_zero(X, y))
    if still is not None:
        verdict = stopped(verdict, still, _why_still(
            X, y, thetas[still], grads[still] if still < last else end_gradient,
            optimizer.learning_rate, problem.l2))
    else:  # moving all along, perhaps without ever changing the loss
        verdict = unchanged(verdict, loss, bool(np.any(thetas[1: last + 1] != thetas[0])),
                            pushed=last > 0 and bool(np.any(grads[0])))
    return History(
        weights=_frozen(thetas[: last + 1, :-1]),
        bias=_frozen(thetas[: last + 1, -1]),
        loss=loss,
        grad_w=_frozen(grads[:last, :-1]),
        grad_b=_frozen(grads[:last, -1]),
        verdict=verdict,
        optimizer=optimizer,
        l2=problem.l2,
        steps=steps,
    )


def _why_still(X, y, theta: np.ndarray, gradient: np.ndarray, learning_rate: float = 0.0,
               l2: float = 0.0) -> str:
    """`Verdict.gradient_zero` of a run that stopped moving at ``theta`` (w..., b); with the
    run's ``learning_rate``, "order" where an update's reach, the gradient plus its rounding
    (`gradient_rounding`), comes to half the spacing of doubles at a parameter: summed in
    another order it may move by an ulp (a walk: iris at η = 30, λ = 0.001 stayed from step
    212 here and moved by an ulp to step 500 in a hand loop)."""
    if np.any(gradient) and not learning_rate:
        return ""
    grad_pass = loss_and_gradients(X, y, theta[:-1], theta[-1], l2)
    if not np.any(gradient):  # a derivative lost to underflow, as the tables write it
        if np.any(lost_derivatives(X, y, grad_pass)[0]):
            return "underflowed"
        exact = gradient_exactly_zero(X, y, theta[:-1], theta[-1], l2)
        return {True: "exact", False: "zero"}.get(exact, "unproven")
    reach = learning_rate * (np.abs(gradient) + gradient_rounding(grad_pass))
    return "order" if np.any(reach >= 0.5 * np.abs(np.spacing(theta))) else ""


def weights_stay_zero(X, y) -> bool:
    r"""Whether the gradient of every weight is exactly 0 at w = 0 whatever b is (with any L2):
    for each feature j, :math:`\sum_i x_{ij} = 0` and :math:`\sum_{y_i = 1} x_{ij} = 0`
    (`verdicts.idle_weights`), each sum exact (`math.fsum` rounds the exact sum once, and a
    sum of doubles that is not 0 is at least the smallest one, so it is 0 only when exact).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1

    Returns
    -------
    bool
    """
    return all(math.fsum(column) == 0 and math.fsum(column[y == 1]) == 0 for column in X.T)


def stopped_moving_at(theta) -> int | None:
    """The first state from which the parameters stay exactly the same to the run's end.

    Parameters
    ----------
    theta : array-like of shape (n_states, n_params)
        Every state of a run, ``(w_1, ..., w_d, b)`` per row (`train` appends the state one
        more step would reach: a run whose last step reached a fixed point has stopped).

    Returns
    -------
    int or None
        The first k with ``theta[j] == theta[k]`` for every j >= k, bit for bit; None where
        that is the last state alone (the run moved at its last step, or took none).
    """
    theta = np.asarray(theta, dtype=float)
    moved = np.flatnonzero(np.any(theta[1:] != theta[:-1], axis=1))  # step j + 1 moved
    k = int(moved[-1]) + 1 if moved.size else 0
    return k if k < theta.shape[0] - 1 else None


def _descend(problem: LogisticProblem, optimizer: Optimizer, theta0: np.ndarray,
             steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The training loop: ``steps`` updates of ``optimizer`` from ``theta0``.

    Returns
    -------
    thetas : ndarray of shape (steps + 1, n_features + 1)
    losses : ndarray of shape (steps + 1,)
    grads : ndarray of shape (steps, n_features + 1)
    last : int
        The last state whose loss is finite (-1 if not even the start's is); entries past
        it are not filled.
    """
    thetas = np.empty((steps + 1, problem.n_features + 1))
    losses = np.empty(steps + 1)
    grads = np.empty((steps, problem.n_features + 1))
    theta = thetas[0] = theta0
    state = optimizer.start(theta, problem.n_samples)
    last = steps  # the last state whose loss is finite
    with np.errstate(all="ignore"):  # overflow shows as a non-finite loss, checked below
        for t in range(steps):
            if optimizer.needs_full_gradient:
                loss, grad = problem.loss_and_gradient(theta)
            else:
                loss, grad = problem.loss(theta), None
            if not math.isfinite(loss):
                last = t - 1
                break
            losses[t] = loss
            theta, grads[t] = optimizer.step(theta, grad, problem, state)
            thetas[t + 1] = theta
        else:
            losses[steps] = problem.loss(theta)
            if not math.isfinite(losses[steps]):
                last = steps - 1
    return thetas, losses, grads, last


def _with_last(grads: np.ndarray, problem: LogisticProblem, theta: np.ndarray) -> np.ndarray:
    """The gradients of a run's states, the last one included (the loop takes no step from
    it, so it computes none there): shape (last + 1, n_features + 1)."""
    with np.errstate(all="ignore"):
        return np.vstack([grads, problem.loss_and_gradient(theta)[1]])


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a)  # own copy: the run's buffers are larger than what is kept
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class Sweep:
    """Loss curves of many learning rates from one start (read-only: shared across sessions).

    Attributes
    ----------
    learning_rates : ndarray of shape (n_rates,), read-only
    loss : ndarray of shape (n_rates, steps + 1), read-only
        Full-data loss of each rate at each state; after a run overflowed (see `stopped_at`)
        its remaining entries are nan, never shown as numbers.
    stopped_at : ndarray of shape (n_rates,), int, read-only
        Step at which each run overflowed, or -1 where it never did.
    verdicts : tuple of Verdict, length n_rates
    """

    learning_rates: np.ndarray
    loss: np.ndarray
    stopped_at: np.ndarray
    verdicts: tuple

    @property
    def final_loss(self) -> np.ndarray:
        """Last finite loss of each run, shape (n_rates,)."""
        last = np.where(self.stopped_at >= 0, self.stopped_at - 1, self.loss.shape[1] - 1)
        return self.loss[np.arange(self.loss.shape[0]), last]

    @property
    def best_rates(self) -> np.ndarray:
        """The rates whose runs reached the lowest loss any run saw (several where they tie:
        every loss of a saturated start can be 0), shape (n_best,)."""
        lows = np.nanmin(self.loss, axis=1)
        return self.learning_rates[lows == np.nanmin(lows)]

    def steps_to_within(self, rtol: float = 0.01) -> np.ndarray:
        """First step from which each run's loss stays within ``rtol`` of the best loss any
        run saw, to the end of the run (`stays_within`).

        Returns
        -------
        ndarray of shape (n_rates,), int
            -1 where a run does not end that close (it never got there, or only passed).
        """
        return stays_within(self.loss, np.nanmin(self.loss), rtol)


def stays_within(loss, target: float, rtol: float = 0.01) -> np.ndarray:
    r"""First step from which each loss curve stays within ``rtol`` of ``target`` to its end.

    .. math:: s = \min\{k : J_j \le t + r\,|t| \text{ for every } j \ge k\}

    A run that comes within 1% and leaves again (an oscillating run passing through) has not
    reached it; nor has one that stopped before its last step (a nan: it overflowed).

    Parameters
    ----------
    loss : array-like of shape (n_steps + 1,) or (n_runs, n_steps + 1)
    target : float
    rtol : float

    Returns
    -------
    int or ndarray of shape (n_runs,)
        The step, or -1 where a curve does not end within ``rtol``.
    """
    loss = np.asarray(loss, dtype=float)
    with np.errstate(invalid="ignore"):
        close = loss <= target + rtol * abs(target)
    stays = np.flip(np.logical_and.accumulate(np.flip(close, axis=-1), axis=-1), axis=-1)
    first = np.where(stays.any(axis=-1), np.argmax(stays, axis=-1), -1)
    return int(first) if first.ndim == 0 else first


def learning_rate_sweep(
    X, y, learning_rates, steps: int, w0=None, b0: float = 0.0, l2: float = 0.0,
    limits: LearningRateLimits | None = None,
) -> Sweep:
    """Full-batch gradient descent at many learning rates at once, from one start.

    The formulas of `LogisticProblem.terms` with one row per rate: per step one product
    ``(n_rates, d) @ (d, n)`` forward and one back, instead of a separate run per rate. Each
    row equals ``train(...).loss`` for its rate up to the rounding of a matrix product against
    a vector product. The verdicts are judged as `train` judges them: on the rate's regime
    (with ``limits``) and, for oscillating rates and rates above 2/L, against a second sweep
    of those rates with the samples in the reverse order.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    learning_rates : array-like of shape (n_rates,)
    steps : int
    w0 : array-like of shape (n_features,), optional
    b0 : float, default 0
    l2 : float, default 0
    limits : LearningRateLimits, optional

    Returns
    -------
    Sweep
    """
    X, y = check_data(X, y)
    w0, b0 = check_parameters(w0, b0, X.shape[1])
    rates = np.array([check_learning_rate(r) for r in np.ravel(learning_rates)])
    if rates.size == 0:
        raise LogRegInputError("Give at least one learning rate to sweep.")
    steps = check_steps(steps)
    l2 = check_l2(l2)
    losses, stopped_at, still, last, last_gradient, idle = _sweep_losses(X, y, rates, steps,
                                                                         w0, b0, l2)
    if not np.isfinite(losses[:, 0]).all():
        raise LogRegInputError(
            "The loss at the starting point is too large to compute: use smaller starting "
            "weights or rescale the features."
        )
    regimes = [None if limits is None else limits.regime(r) for r in rates]
    verdicts = [classify_run(_finite_part(losses[k], stopped_at[k]), _stop(stopped_at[k]),
                             regime=regimes[k]) for k in range(rates.size)]
    swinging = [k for k, v in enumerate(verdicts) if v.replay_in_other_order]
    if swinging:
        twins = _sweep_losses(np.ascontiguousarray(X[::-1]), y[::-1], rates[swinging],
                              steps, w0, b0, l2)[0]
        for row, k in enumerate(swinging):
            verdicts[k] = classify_run(_finite_part(losses[k], stopped_at[k]),
                                       _stop(stopped_at[k]), regime=regimes[k],
                                       twin=twins[row])
    if np.any(idle):  # as `train` says it (`verdicts.idle_weights`)
        stay = weights_stay_zero(X, y)
        for k in np.flatnonzero(idle):
            if regimes[k] is not None:
                verdicts[k] = idle_weights(verdicts[k], stay)
    for k in np.flatnonzero(still >= 0):  # as `train` says it (`stopped_moving_at`)
        verdicts[k] = stopped(verdicts[k], int(still[k]),
                              _why_still(X, y, last[k], last_gradient[k], rates[k], l2))
    for k in np.flatnonzero((still < 0) & (stopped_at < 0)):  # moving to the end
        verdicts[k] = unchanged(verdicts[k], losses[k], moved=True)  # (it never stopped)
    for array in (rates, losses, stopped_at):
        array.flags.writeable = False
    return Sweep(learning_rates=rates, loss=losses, stopped_at=stopped_at,
                 verdicts=tuple(verdicts))


def _stop(stopped: int) -> int | None:
    return int(stopped) if stopped >= 0 else None


def _finite_part(loss: np.ndarray, stopped: int) -> np.ndarray:
    return loss[:stopped] if stopped >= 0 else loss


def _sweep_losses(X, y, rates, steps, w0, b0, l2) -> tuple[np.ndarray, ...]:
    """The sweep's loop: losses of shape (n_rates, steps + 1), nan after an overflow, the
    step each run overflowed at (-1: never), the state from which each run's parameters stayed
    the same to its end (`stopped_moving_at`; -1: none, or it overflowed), each run's
    last (w, b) and the gradient there, each of shape (n_rates, n_features + 1), and whether
    each run's weights were exactly 0 at every state and the next (`idle_weights`).

    The signs and the bias are folded into one matrix of signed samples ``A = s [X, 1]``, of
    shape (n_samples, n_features + 1), and each rate's weights and bias into one row
    of ``theta``: the wrong-side logits are ``U = theta A^T`` and the data
    gradient (w, then b) is ``sigma(U) A / n``, since ``p - y = s sigma(u)``. Two matrix
    products per step, and no separate pass for the signs, the bias or its gradient.
    """
    n_samples, n_features = X.shape
    s = label_signs(y)  # +1 for label 0, -1 for label 1
    A = s[:, None] * np.hstack([X, np.ones((n_samples, 1))])
    AT = np.ascontiguousarray(A.T)
    theta = np.tile(np.append(w0, b0), (rates.size, 1))  # one row (w, b) per rate
    losses = np.empty((rates.size, steps + 1))
    moved_to = np.zeros(rates.size, dtype=int)  # the state each run's last move reached
    idle = np.full(rates.size, not np.any(w0))  # weights exactly 0 so far
    with np.errstate(all="ignore"):
        # one gradient past the last state: a run whose next step would not move it has
        # stopped there (`train` takes the same look)
        for t in range(steps + 1):
            # wrong-side logits u = s z, (n_rates, n_samples)
            losses[:, t], gradient = _sweep_pass(theta @ AT, A, theta[:, :n_features], l2)
            new = theta - rates[:, None] * gradient
            moved = np.any(new != theta, axis=1)
            idle &= ~np.any(new[:, :n_features] != 0, axis=1)  # (nan is not 0)
            if t == steps:
                break
            moved_to[moved] = t + 1
            theta = new
    finite = np.isfinite(losses)
    # A state whose parameters overflowed has a non-finite loss too (inf or nan): the loss
    # alone tells where each run stopped.
    stopped_at = np.where(finite.all(axis=1), -1, np.argmin(finite, axis=1))
    for k in np.flatnonzero(stopped_at >= 0):
        losses[k, stopped_at[k]:] = np.nan
    still = np.where(~moved & (stopped_at < 0), moved_to, -1)
    return losses, stopped_at, still, theta, gradient, idle


def _sweep_pass(U: np.ndarray, A: np.ndarray, weights: np.ndarray,
                l2: float) -> tuple[np.ndarray, np.ndarray]:
    """The sweep's pass from the wrong-side logits ``U`` (n_rates, n_samples): each run's loss
    and its gradient (w, then b), ``sigma(U) A / n`` and the penalty's part."""
    n_samples, n_features = A.shape[0], weights.shape[1]
    loss_terms, sigma = wrong_side_terms(U)
    loss = np.sum(loss_terms, axis=1) / n_samples
    if l2:  # (without L2 the penalty is 0: skipped, as `LogisticProblem.terms` does)
        penalty, l2_gradient = l2_penalty(weights, l2)
        loss += penalty
    gradient = sigma @ A / n_samples  # (n_rates, n_features + 1)
    if l2:
        gradient[:, :n_features] += l2_gradient
    return loss, gradient


#: How many times the difference between a run and its compensated replay (`end_ranges`)
#: the replay itself may be off: where the gradient's rounding, which both share, outweighs
#: the states' (the 5 points from w = 3, b = -10 at η = 10), mpmath finds the replay 1.8
#: times as far off as the difference.
REPLAY_SAFETY = 4.0


def end_ranges(X, y, sweep: Sweep, steps: int, w0, b0: float = 0.0,
               l2: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Where each run's final loss would lie but for rounding, as measured: the sweep's runs
    replayed with every state kept as an unevaluated sum of two doubles (``hi + lo``, each
    update added exactly, by TwoSum), whose final losses keep what rounding the states drops.

    At a start far out on separable data each step moves the state by less than its ulp, and
    what the rounding of the new state drops adds up: on the 5 points from w = 56, b = -196
    the final losses after 2,000 steps are off by 3e-12 of themselves (mpmath), where two of
    the rates' ends are 1.2e-10 apart; the replay is within 7e-15 there. The twin summed in
    another order (`Verdict.rounding_gap`) sees none of it: one sample dominates each sum.

    Each range is the replay's final loss, give or take `REPLAY_SAFETY` times its difference
    from the run's, plus what the two share: the rounding of the last logits
    (`checks.logit_rounding`; the data's loss moves by at most the largest change of a
    wrong-side logit, relative to itself, since :math:`\sigma(u) \le \log(1 + e^u)`, and
    absolutely, since :math:`\sigma(u) \le 1`: the smaller of the two, for a loss above 1
    that the penalty makes, 1e29 on the 20 students at λ = 1, η = 2.29, whose logits are
    good to 0.2 only), of the
    loss's sum (`checks.loss_rounding_of`) and, where the twin was run, its spread
    (`Verdict.rounding_gap`). An estimate, not a bound: it assumes the replay is no further
    off than that (tests/core/test_training.py holds it against mpmath).

    Where rounding decides the run's state at its end (`Verdict.rounding_decides`: a run
    that swings above the local limit, whose twin parted from it), the exact run is another
    orbit of the same swing, and its end lies within the losses the swing covered from the
    step rounding decides on (give or take the rounding of the last one): the range is cut to
    them. (The 20 students at λ = 0.1, η = 2.29: after 236 steps the run ends at 0.5928, and
    after 245 at 1.004, 17% from its twin; the compensated replay, which follows neither,
    stretched the range below η = 0.5's certain 0.4717, which the swing never came near
    (0.5436), and the lesson said double precision could not tell which ended lower: a hunt.)

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    sweep : Sweep
        `learning_rate_sweep` of the same data, steps, start and L2, given the data's
        limits: then its rates above 2/L have their twins, whose spread this takes (on the
        5 points from w = 0.94, b = 0.032, 300 steps at η = 10 end 2.8e-10 off, grown while
        the steps were large; the replay shares that and misses it, the twin does not).
    steps : int
    w0 : array-like of shape (n_features,)
    b0 : float
    l2 : float

    Returns
    -------
    low, high : ndarrays of shape (n_rates,)
        Both inf where the run or its replay overflowed (the replay, more exact, went past
        the largest double).
    """
    X, y = check_data(X, y)
    w0, b0 = check_parameters(w0, b0, X.shape[1])
    n_samples, n_features = X.shape
    A = label_signs(y)[:, None] * np.hstack([X, np.ones((n_samples, 1))])
    AT = np.ascontiguousarray(A.T)
    rates = np.asarray(sweep.learning_rates, dtype=float)
    hi = np.tile(np.append(w0, b0), (rates.size, 1))
    lo = np.zeros_like(hi)
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            weights = hi[:, :n_features] + lo[:, :n_features]
            replay, gradient = _sweep_pass(hi @ AT + lo @ AT, A, weights, l2)
            if t == steps:
                break
            move = -rates[:, None] * gradient
            total = hi + move  # TwoSum: total + error is hi + move exactly
            back = total - hi
            lo = lo + ((hi - (total - back)) + (move - back))
            hi = total + lo  # renormalized, so that lo stays below an ulp of hi
            lo = lo - (hi - total)
        end = sweep.final_loss
        rounding = (np.array([logit_rounding(X, h[:n_features], h[-1]).max() for h in hi])
                    * np.minimum(end, 1.0))
        rounding += [loss_rounding_of(v, n_samples) for v in end]
        shared = rounding + np.array([v.rounding_gap or 0.0 for v in sweep.verdicts]) * end
        allowance = REPLAY_SAFETY * np.abs(end - replay) + shared
        low, high = replay - allowance, replay + allowance
        for k, verdict in enumerate(sweep.verdicts):  # a swing rounding decides: its span
            if verdict.rounding_decides(steps):
                swing = sweep.loss[k, verdict.rounding_decides_from:]
                low[k] = max(low[k], float(np.nanmin(swing)) - rounding[k])
                high[k] = min(high[k], float(np.nanmax(swing)) + rounding[k])
        known = np.isfinite(replay) & np.isfinite(allowance) & (sweep.stopped_at < 0)
        return np.where(known, low, np.inf), np.where(known, high, np.inf)
