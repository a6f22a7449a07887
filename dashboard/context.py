"""The one object every view receives: the settings, the data and the run, computed once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import logreg_core as lc
from logreg_core.limits import LearningRateLimits

from . import compute
from .compute import Data, Source
from .fields import Settings


@dataclass(frozen=True)
class ViewContext:
    """What a view may show, all computed by the core for this rerun.

    Attributes
    ----------
    settings : Settings
    source : Source
        The data as loaded, before the table editor's edits and standardization (with its
        note and, for uploads, the table read).
    data : Data
        The data as trained.
    history : History
        The main run: gradient descent at the chosen rate from the chosen start.
    steps_cut : bool
        Whether the run takes fewer steps than asked (the work budget, see `compute`).
    limits : LearningRateLimits
        The guaranteed rate 2/L and the local limit at the optimum.
    fit : ExactFit
        The optimum by Newton's method, or why there is none.
    k : int
        The inspected step.
    w : ndarray of shape (n_features,)
    b : float
        The parameters at step k.
    grad_pass : GradientPass
        The forward and backward pass at step k.
    pending : bool
        A prediction about step k is open (see `predict`): what would answer it waits.
    horizon : int or None
        The last step the page may draw (Predict first, see `predict.horizon`), or None:
        the whole run.
    """

    settings: Settings
    source: Source
    data: Data
    history: lc.History
    steps_cut: bool
    limits: LearningRateLimits
    fit: lc.ExactFit
    k: int
    w: np.ndarray
    b: float
    grad_pass: lc.GradientPass
    pending: bool = False
    horizon: int | None = None

    @property
    def last_drawn(self) -> int:
        """The last step the page draws: the horizon, or the run's last step."""
        last = self.history.steps_run
        return last if self.horizon is None else min(self.horizon, last)

    @property
    def future_hidden(self) -> bool:
        """Whether what tells of the steps after `last_drawn` waits: the verdict, the limits,
        the last loss and the views describe the whole run, and answer questions about its
        later steps (and, while a prediction is open, about this one: at or below 2/L every
        step lowers the loss)."""
        return self.pending or self.last_drawn < self.history.steps_run

    @property
    def digits(self) -> int:
        return self.settings.digits

    @property
    def names(self) -> tuple:
        return self.data.names


def run_main(data: Data, settings: Settings) -> tuple[lc.History, bool]:
    """The main run within the work budget: the run, and whether its steps were cut."""
    allowed = compute.steps_allowed(data.n_samples, data.n_features)
    steps = min(settings.steps, allowed)
    history = compute.run(data, settings.learning_rate, steps, settings.w0, settings.b0,
                          settings.l2)
    return history, steps < settings.steps


def build(settings: Settings, source: Source, data: Data, history: lc.History,
          steps_cut: bool) -> ViewContext:
    k = min(settings.inspect, history.steps_run)
    w, b = history.weights[k], float(history.bias[k])
    return ViewContext(
        settings=settings, source=source, data=data, history=history, steps_cut=steps_cut,
        limits=compute.limits(data, settings.l2), fit=compute.exact_fit(data, settings.l2),
        k=k, w=w, b=b, grad_pass=lc.loss_and_gradients(data.X, data.y, w, b, settings.l2),
    )
