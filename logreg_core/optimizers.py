r"""Optimizers: small objects with one interface, from plain gradient descent to Newton.

An optimizer is a frozen dataclass holding its settings (so it can key a cache). `train` asks
it for a fresh state, then calls ``step`` once per update::

    state = optimizer.start(theta0, n_samples)
    theta, grad_used = optimizer.step(theta, grad, problem, state)

where ``theta = (w_1, ..., w_d, b)``, ``grad`` is the full-data gradient at theta (computed
by `train` together with the loss it records) and ``problem`` is the `LogisticProblem`, for
optimizers that need more than that gradient (a mini-batch, a look-ahead point, the Hessian).
``step`` returns the new parameters and the gradient the update used. The state is a plain
dict the optimizer owns (velocity, moments, the sample order).

To add an optimizer: write a class here and add it to `OPTIMIZERS`; the comparison views list
every entry. Its settings are dataclass fields; a caller builds it by name (``Momentum(0.5,
beta=0.9)``), and a field a caller does not set keeps its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .errors import LogRegInputError
from .maths import LogisticProblem, check_learning_rate

#: The shortest step `backtrack` tries, as a fraction of its direction.
MIN_STEP_LENGTH = 1e-10
#: Armijo's constant: a step must lower J by at least this share of what the slope promises.
ARMIJO = 1e-4


def backtrack(problem: LogisticProblem, theta: np.ndarray, loss: float, grad: np.ndarray,
              directions) -> tuple[np.ndarray, float] | None:
    r"""The first step down along ``directions`` (each a d with :math:`\theta - \alpha d`)
    that lowers J enough, by backtracking.

    Along each direction in turn the step length starts at 1 and halves, down to
    `MIN_STEP_LENGTH`, until :math:`J(\theta - \alpha d) \le J(\theta) - 10^{-4} \alpha\,
    g \cdot d` (Armijo's rule); a direction with :math:`g \cdot d \le 0` leads nowhere
    down and is skipped.

    Parameters
    ----------
    problem : LogisticProblem
    theta : ndarray of shape (n_features + 1,)
    loss : float
        J at theta.
    grad : ndarray of shape (n_features + 1,)
        The gradient at theta.
    directions : iterable of ndarray of shape (n_features + 1,)

    Returns
    -------
    (theta_new, loss_new), or None where no direction gives a step that lowers J: the loss
    then never rises, because no step is taken.
    """
    for direction in directions:
        slope = float(grad @ direction)
        if not (np.isfinite(slope) and slope > 0):
            continue
        alpha = 1.0
        while alpha >= MIN_STEP_LENGTH:
            candidate = theta - alpha * direction
            new_loss = problem.loss(candidate)
            if new_loss <= loss - ARMIJO * alpha * slope:
                return candidate, float(new_loss)
            alpha /= 2
    return None


@dataclass(frozen=True)
class Optimizer:
    """Base class: the interface every optimizer implements.

    Attributes
    ----------
    learning_rate : float
        eta > 0 (Newton's method ignores it: it finds its own step).
    """

    learning_rate: float

    #: Short name used in links and as the registry key.
    key: ClassVar[str] = ""
    #: False when ``step`` never uses the full-data gradient (mini-batch SGD): `train` then
    #: computes only the loss at each state, not the gradient.
    needs_full_gradient: ClassVar[bool] = True

    def __post_init__(self) -> None:
        check_learning_rate(self.learning_rate)

    @property
    def label(self) -> str:
        """The optimizer and its settings, for legends and tables."""
        return f"gradient descent (η = {self.learning_rate:g})"

    def start(self, theta: np.ndarray, n_samples: int) -> dict[str, Any]:
        """A fresh state for a run from ``theta``."""
        return {}

    def step(self, theta: np.ndarray, grad: np.ndarray | None, problem: LogisticProblem,
             state: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """One update. Returns the new theta and the gradient the update used."""
        raise NotImplementedError


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    r"""Full-batch gradient descent: :math:`\theta \leftarrow \theta - \eta \nabla J`."""

    key: ClassVar[str] = "gd"

    def step(self, theta, grad, problem, state):
        return theta - self.learning_rate * grad, grad


@dataclass(frozen=True)
class Momentum(Optimizer):
    r"""Heavy-ball momentum.

    .. math:: v \leftarrow \beta v + \nabla J(\theta), \qquad \theta \leftarrow \theta - \eta v
    """

    beta: float = 0.9
    key: ClassVar[str] = "momentum"

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_beta(self.beta)

    @property
    def label(self) -> str:
        return f"momentum (β = {self.beta:g})"

    def start(self, theta, n_samples):
        return {"velocity": np.zeros_like(theta)}

    def step(self, theta, grad, problem, state):
        state["velocity"] = self.beta * state["velocity"] + grad
        return theta - self.learning_rate * state["velocity"], grad


@dataclass(frozen=True)
class Nesterov(Momentum):
    r"""Nesterov's accelerated gradient: the gradient is taken where momentum is heading.

    .. math:: v \leftarrow \beta v + \nabla J(\theta - \eta \beta v), \qquad
              \theta \leftarrow \theta - \eta v
    """

    key: ClassVar[str] = "nesterov"

    @property
    def label(self) -> str:
        return f"Nesterov (β = {self.beta:g})"

    def step(self, theta, grad, problem, state):
        ahead = theta - self.learning_rate * self.beta * state["velocity"]
        _, grad_ahead = problem.loss_and_gradient(ahead)
        state["velocity"] = self.beta * state["velocity"] + grad_ahead
        return theta - self.learning_rate * state["velocity"], grad_ahead


@dataclass(frozen=True)
class MiniBatchSGD(Optimizer):
    """Stochastic gradient descent on mini-batches of ``batch_size`` samples.

    Each epoch visits the samples in a fresh order drawn from ``default_rng(seed)``; a last
    batch smaller than ``batch_size`` is skipped, so every step averages the same number of
    samples.
    """

    batch_size: int = 1
    seed: int = 0
    key: ClassVar[str] = "sgd"
    needs_full_gradient: ClassVar[bool] = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if int(self.batch_size) != self.batch_size or self.batch_size < 1:
            raise LogRegInputError(
                f"The batch size must be a whole number of at least 1; got {self.batch_size}."
            )

    @property
    def label(self) -> str:
        return f"mini-batch SGD (batch {self.batch_size}, seed {self.seed})"

    def start(self, theta, n_samples):
        if self.batch_size > n_samples:
            raise LogRegInputError(
                f"The batch size must be a whole number from 1 to {n_samples} (the number of "
                f"samples); got {self.batch_size}."
            )
        return {"rng": np.random.default_rng(self.seed), "order": np.arange(n_samples),
                "cursor": n_samples}

    def step(self, theta, grad, problem, state):
        if state["cursor"] + self.batch_size > problem.n_samples:  # a new epoch
            state["order"], state["cursor"] = state["rng"].permutation(problem.n_samples), 0
        rows = state["order"][state["cursor"]:state["cursor"] + self.batch_size]
        state["cursor"] += self.batch_size
        _, grad_batch = problem.loss_and_gradient(theta, rows)
        return theta - self.learning_rate * grad_batch, grad_batch


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam: momentum on the gradient and a per-parameter step scaled by its recent size.

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \qquad
        \theta \leftarrow \theta - \eta \frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)}
        + \epsilon}

    (Kingma and Ba, 2015; their defaults beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-8.)
    """

    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    key: ClassVar[str] = "adam"

    @property
    def label(self) -> str:
        return f"Adam (η = {self.learning_rate:g})"

    def start(self, theta, n_samples):
        return {"m": np.zeros_like(theta), "v": np.zeros_like(theta), "t": 0}

    def step(self, theta, grad, problem, state):
        state["t"] += 1
        state["m"] = self.beta1 * state["m"] + (1 - self.beta1) * grad
        state["v"] = self.beta2 * state["v"] + (1 - self.beta2) * grad**2
        m_hat = state["m"] / (1 - self.beta1 ** state["t"])
        v_hat = state["v"] / (1 - self.beta2 ** state["t"])
        return theta - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon), grad


@dataclass(frozen=True)
class Newton(Optimizer):
    r"""Newton's method: solve :math:`H d = \nabla J`, step along d with backtracking.

    The step length starts at 1 and halves until the loss falls by at least
    ``1e-4 * slope * alpha`` (Armijo's rule: `backtrack`). The learning rate is not
    used: curvature sets the step.

    Where every sample is saturated (a far start), ``p (1 - p)`` is nearly 0, H nearly
    singular and d enormous (1e15 times the gradient and more): even a step of 1e-10 d then
    overshoots. The same search then runs along the gradient itself, and where that fails
    too the parameters stay. So the loss never rises.
    """

    key: ClassVar[str] = "newton"

    @property
    def label(self) -> str:
        return "Newton's method"

    def step(self, theta, grad, problem, state):
        hessian = problem.hessian(theta)
        try:
            direction = np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            direction = np.linalg.lstsq(hessian, grad, rcond=None)[0]
        found = backtrack(problem, theta, problem.loss(theta), grad, (direction, grad))
        return (theta if found is None else found[0]), grad


def _check_beta(beta: float) -> None:
    if not 0.0 <= beta < 1.0:
        raise LogRegInputError(f"Momentum must be in [0, 1); got {beta:g}.")


#: Every optimizer the comparison views run, in the order they are shown.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.key: cls for cls in (GradientDescent, Momentum, Nesterov, MiniBatchSGD, Adam, Newton)
}
