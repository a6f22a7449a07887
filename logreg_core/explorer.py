"""The learning-rate explorer: many rates from one start, and optimizers side by side.

Builds the frames the explorer's charts draw, all from `learning_rate_sweep` and `train`:
an overlay of a few loss curves, a sweep of 30 to 60 rates across the stable limit, and
gradient descent beside mini-batch SGD and momentum from the same start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .charts import downsample
from .errors import LogRegInputError
from .exact import fit_exact
from .maths import CurvatureBound
from .training import History, Sweep, train

SWEEP_LOW = 1e-4
SWEEP_COUNT_DEFAULT, SWEEP_COUNT_MIN, SWEEP_COUNT_MAX = 40, 30, 60
OVERLAY_FACTORS = (0.1, 0.5, 1.0, 2.0, 4.0)
MAX_OVERLAY_RATES = 8
#: Steps of an explorer run: past this the picture no longer changes, and the sweep would
#: take seconds on the larger data sets.
EXPLORER_MAX_STEPS = 5000


def default_overlay_rates(learning_rate: float) -> tuple[float, ...]:
    """A handful of rates around the current one: x0.1, x0.5, x1, x2, x4."""
    return tuple(float(f"{learning_rate * f:.4g}") for f in OVERLAY_FACTORS)


def parse_rates(text: str) -> tuple[float, ...]:
    """Learning rates typed as a comma-separated list, e.g. ``"0.01, 0.1, 1"``.

    Raises
    ------
    LogRegInputError
        Anything that is not a list of 1 to 8 positive finite numbers.
    """
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise LogRegInputError("Type at least one learning rate, e.g. 0.01, 0.1, 1.")
    if len(parts) > MAX_OVERLAY_RATES:
        raise LogRegInputError(
            f"Give at most {MAX_OVERLAY_RATES} rates to overlay; you gave {len(parts)}."
        )
    rates = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise LogRegInputError(
                f"{part[:20]!r} is not a number: type rates like 0.05, 0.5, 2."
            ) from None
        if not (math.isfinite(value) and 1e-6 <= value <= 1000):
            raise LogRegInputError(f"Learning rates must lie from 1e-06 to 1000; got {part}.")
        rates.append(value)
    return tuple(sorted(set(rates)))


def sweep_rates(bound: CurvatureBound, count: int = SWEEP_COUNT_DEFAULT) -> np.ndarray:
    """``count`` rates, evenly spaced on a log axis from 1e-4 to past the stable limit.

    The top is 10 or four times 2/L, whichever is larger, so the sweep always shows where
    descent breaks.
    """
    if not SWEEP_COUNT_MIN <= count <= SWEEP_COUNT_MAX:
        raise LogRegInputError(
            f"Sweep {SWEEP_COUNT_MIN} to {SWEEP_COUNT_MAX} learning rates; got {count}."
        )
    top = max(10.0, 4.0 * bound.max_stable_learning_rate)
    return np.logspace(math.log10(SWEEP_LOW), math.log10(top), count)


def rate_label(rate: float) -> str:
    return f"η = {rate:.4g}"


def curves_frame(
    curves: dict[str, np.ndarray], verdicts: dict[str, str], current: str | None = None
) -> pd.DataFrame:
    """Loss curves in long form for one chart: run, step, loss, verdict, current.

    Each curve is downsampled to at most 2000 points (see `charts.downsample`); entries
    after an overflow (nan) are dropped, never drawn.

    Parameters
    ----------
    curves : dict of str to ndarray of shape (n_states,)
    verdicts : dict of str to str
    current : str, optional
        The run to draw thicker.
    """
    frames = []
    for order, (name, loss) in enumerate(curves.items()):
        finite = np.flatnonzero(np.isfinite(loss))
        loss = loss[: finite[-1] + 1] if finite.size else loss[:0]
        index = downsample(loss)
        frames.append(pd.DataFrame({
            "run": name, "order": order, "step": index, "loss": loss[index],
            "verdict": verdicts[name], "current": name == current,
        }))
    return pd.concat(frames, ignore_index=True)


def overlay_frame(sweep: Sweep, current_rate: float) -> pd.DataFrame:
    """The overlay's curves: one per rate of a sweep, the current rate marked."""
    names = [rate_label(r) for r in sweep.learning_rates]
    curves = dict(zip(names, sweep.loss, strict=True))
    verdicts = {n: v.kind for n, v in zip(names, sweep.verdicts, strict=True)}
    current = next(
        (n for n, r in zip(names, sweep.learning_rates, strict=True)
         if math.isclose(r, current_rate, rel_tol=1e-12)),
        None,
    )
    return curves_frame(curves, verdicts, current)


def sweep_frame(sweep: Sweep, rtol: float = 0.01) -> pd.DataFrame:
    """One row per swept rate: final loss, steps to get within ``rtol`` of the best, verdict.

    Columns: learning_rate, final_loss, steps_to_1pct (NaN where never reached, which the
    chart leaves out), verdict, stopped_at (NaN where the run never overflowed).
    """
    reached = sweep.steps_to_within(rtol).astype(float)
    reached[reached < 0] = np.nan
    stopped = sweep.stopped_at.astype(float)
    stopped[stopped < 0] = np.nan
    return pd.DataFrame({
        "learning_rate": sweep.learning_rates,
        "final_loss": sweep.final_loss,
        "steps_to_1pct": reached,
        "verdict": [v.kind for v in sweep.verdicts],
        "stopped_at": stopped,
    })


@dataclass(frozen=True)
class OptimizerRuns:
    """Gradient descent, mini-batch SGD and momentum from one start, at one rate.

    Attributes
    ----------
    runs : dict of str to History
        Keys "gradient descent", "mini-batch SGD (batch B, seed S)", "momentum (beta ...)".
    """

    runs: dict[str, History]

    def frame(self) -> pd.DataFrame:
        return curves_frame(
            {name: h.loss for name, h in self.runs.items()},
            {name: h.verdict.kind for name, h in self.runs.items()},
            current="gradient descent",
        )


def optimizer_runs(
    X, y, *, learning_rate: float, steps: int, w0, b0: float, l2: float,
    batch_size: int, momentum: float, seed: int,
) -> OptimizerRuns:
    """Run the three optimizers from the same start (see `train`)."""
    common = dict(learning_rate=learning_rate, steps=steps, w0=w0, b0=b0, l2=l2)
    return OptimizerRuns({
        "gradient descent": train(X, y, **common),
        f"mini-batch SGD (batch {batch_size}, seed {seed})": train(
            X, y, **common, batch_size=batch_size, seed=seed),
        f"momentum (β = {momentum:g})": train(X, y, **common, momentum=momentum),
    })


@dataclass(frozen=True)
class Trajectory:
    """One optimizer's states: parameters and loss per step (or per iteration for Newton).

    Attributes
    ----------
    name : str
    theta : ndarray of shape (n_states, n_features + 1)
        (w, b) of every state, the start first.
    loss : ndarray of shape (n_states,)
    """

    name: str
    theta: np.ndarray
    loss: np.ndarray


def compared_trajectories(
    X, y, *, learning_rate: float, steps: int, w0, b0: float, l2: float, batch_size: int,
    momentum: float, seed: int, newton_iterations: int = 25,
) -> list[Trajectory]:
    """Gradient descent, momentum, mini-batch SGD and Newton's method from the same start."""
    runs = optimizer_runs(X, y, learning_rate=learning_rate, steps=steps, w0=w0, b0=b0, l2=l2,
                          batch_size=batch_size, momentum=momentum, seed=seed)
    return [*trajectories_of(runs), newton_trajectory(X, y, w0=w0, b0=b0, l2=l2,
                                                      iterations=newton_iterations)]


def trajectories_of(runs: OptimizerRuns) -> list[Trajectory]:
    """The runs of `optimizer_runs` as trajectories (gradient descent first)."""
    return [Trajectory(name, np.column_stack([h.weights, h.bias]), h.loss)
            for name, h in runs.runs.items()]


def newton_trajectory(X, y, *, w0, b0: float, l2: float, iterations: int = 25) -> Trajectory:
    """Newton's method from (w0, b0), every iterate, even past a proof of separability."""
    newton = fit_exact(X, y, l2=l2, w0=w0, b0=b0, max_iter=iterations, stop_at_proof=False)
    return Trajectory("Newton's method (IRLS)", newton.path, newton.path_loss)


def steps_to_tolerance(trajectories: list[Trajectory], target: float,
                       rtol: float = 0.01) -> pd.DataFrame:
    """First step at which each trajectory's loss is within ``rtol`` of ``target``.

    Returns
    -------
    DataFrame with columns optimizer, steps (NaN where never), final loss, states
    """
    rows = []
    for t in trajectories:
        close = np.flatnonzero(t.loss <= target + rtol * abs(target))
        rows.append({
            "optimizer": t.name,
            "steps to within 1%": float(close[0]) if close.size else np.nan,
            "final loss": float(t.loss[-1]),
            "steps run": len(t.loss) - 1,
        })
    return pd.DataFrame(rows)
