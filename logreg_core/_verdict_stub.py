"""TEMPORARY stand-in for verdicts.py (being written); deleted once it lands."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Verdict:
    kind: str
    first_rise: int | None
    stopped_at: int | None

    def describe(self) -> str:
        return self.kind


def classify_run(loss, stopped_at=None, stochastic=False) -> Verdict:
    loss = np.asarray(loss, dtype=float)
    rises = np.flatnonzero(loss[1:] > loss[:-1] * (1.0 + 1e-12))
    first_rise = int(rises[0]) + 1 if rises.size else None
    if stopped_at is not None:
        return Verdict("diverging", first_rise or stopped_at, stopped_at)
    if first_rise is None:
        return Verdict("converging", None, None)
    return Verdict("diverging" if loss[-1] > loss[0] else "oscillating", first_rise, None)
