"""What a learner can set, its bounds and defaults, and its round trip through a shared link.

A `Settings` is the whole configuration of the dashboard. `to_query` writes it as URL query
parameters and `from_query` reads it back, replacing every missing, malformed or out-of-range
value by its default and saying so in a notice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from .datasets import DATASETS, load_dataset
from .errors import LogRegInputError
from .explorer import SWEEP_COUNT_DEFAULT, SWEEP_COUNT_MAX, SWEEP_COUNT_MIN, parse_rates

DEFAULT_DATASET = "five_points"
UPLOAD = "upload"  # the dataset name of a user's own CSV file

#: Learning rates offered on the slider: 1-2-5 steps from 1e-4 to 10.
LEARNING_RATE_GRID: tuple[float, ...] = tuple(
    float(f"{m}e{e}") for e in range(-4, 2) for m in (1, 2, 5) if float(f"{m}e{e}") <= 10
)
#: Rates that may be typed or linked (wider than the slider, so a sweep can reach past 10).
LEARNING_RATE_MIN, LEARNING_RATE_MAX = 1e-6, 1000.0
STEPS_SLIDER_MAX = 10_000
STEPS_MAX = 100_000
PARAM_SLIDER_LIMIT = 10.0  # sliders for starting weights and bias run over [-10, 10]
PARAM_MAX = 1000.0  # typed or linked starting values may go up to this magnitude
L2_MAX = 100.0
DIGITS_MIN, DIGITS_MAX, DIGITS_DEFAULT = 2, 10, 4
#: The dashboard's tabs, in order; the open one is part of a shared link.
TABS = (
    "Step in detail", "Landscape", "Seed 001: worked example", "Seed 002: one student",
    "Seed 003 on trial", "Why it works", "Loop vs vectorized", "Share & download", "Data",
)
MOMENTUM_MAX = 0.99


@dataclass(frozen=True)
class Settings:
    """Everything the sidebar sets.

    Attributes
    ----------
    dataset : str
        A key of `DATASETS`.
    learning_rate : float
    steps : int
    w0 : tuple of float, one per feature
    b0 : float
    l2 : float
    standardize : bool
    inspect : int
        The step every view shows, 0..steps.
    log_scale : bool
        Loss axis on a log scale.
    digits : int
        Significant digits shown in tables and formulas.
    explorer : bool
        Whether the learning-rate explorer is open.
    overlay_rates : str
        Rates to overlay, comma-separated; empty means "around the current rate".
    sweep_count : int
        Rates in the sweep.
    batch_size : int
        Mini-batch size of the SGD run.
    seed : int
        Seed of the SGD run's sample order.
    momentum : float
        Beta of the momentum run.
    tab : str
        The open tab, one of `TABS`.
    """

    dataset: str
    learning_rate: float
    steps: int
    w0: tuple[float, ...]
    b0: float
    l2: float
    standardize: bool
    inspect: int
    log_scale: bool
    digits: int
    explorer: bool = False
    overlay_rates: str = ""
    sweep_count: int = SWEEP_COUNT_DEFAULT
    batch_size: int = 1
    seed: int = 0
    momentum: float = 0.9
    tab: str = TABS[0]


def upload_defaults(n_features: int, n_samples: int, standardize: bool) -> Settings:
    """Starting settings for a user's own data: zeros, a moderate rate, 500 steps."""
    return Settings(
        dataset=UPLOAD, learning_rate=0.1, steps=500, w0=(0.0,) * n_features, b0=0.0, l2=0.0,
        standardize=standardize, inspect=500, log_scale=False, digits=DIGITS_DEFAULT,
        batch_size=default_batch_size(n_samples),
    )


def safe_learning_rate(max_stable_learning_rate: float) -> float:
    """The largest slider rate below 90% of the stable limit (or the smallest slider rate).

    Where a user's own data start: the loss falls at every step, as fast as the slider allows.
    """
    safe = [r for r in LEARNING_RATE_GRID if r <= 0.9 * max_stable_learning_rate]
    return safe[-1] if safe else LEARNING_RATE_GRID[0]


def default_batch_size(n_samples: int) -> int:
    """A quarter of the samples, at least 1 and at most 32: small enough to differ visibly
    from full-batch descent."""
    return min(32, max(1, n_samples // 4))


def defaults(dataset: str = DEFAULT_DATASET) -> Settings:
    """The starting settings of a built-in data set."""
    info = DATASETS[dataset]
    data = load_dataset(dataset)
    n_features = data.n_features
    w0 = tuple(float(v) for v in info.w0) if info.w0 else (0.0,) * n_features
    return Settings(
        dataset=dataset, learning_rate=info.learning_rate, steps=info.steps, w0=w0,
        b0=float(info.b0), l2=0.0, standardize=info.standardize, inspect=info.steps,
        log_scale=False, digits=DIGITS_DEFAULT,
        batch_size=default_batch_size(data.n_samples),
    )


def snap_learning_rate(learning_rate: float) -> float:
    """The slider value nearest to a rate, nearest on a log scale."""
    grid = np.log10(LEARNING_RATE_GRID)
    return LEARNING_RATE_GRID[int(np.argmin(np.abs(grid - math.log10(learning_rate))))]


def format_number(value: float) -> str:
    """A number as a person would type it (0.1, 2.197, 1e-05, 100000), and exactly.

    The shortest text that reads back as the same float, so a link holds the exact value.
    """
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def to_query(settings: Settings) -> dict[str, str]:
    """Settings as URL query parameters (short keys, human-readable values)."""
    return {
        "data": settings.dataset,
        "lr": format_number(settings.learning_rate),
        "steps": str(settings.steps),
        "w0": ",".join(format_number(v) for v in settings.w0),
        "b0": format_number(settings.b0),
        "l2": format_number(settings.l2),
        "std": "1" if settings.standardize else "0",
        "step": str(settings.inspect),
        "log": "1" if settings.log_scale else "0",
        "digits": str(settings.digits),
        "explore": "1" if settings.explorer else "0",
        "rates": settings.overlay_rates,
        "sweep": str(settings.sweep_count),
        "batch": str(settings.batch_size),
        "seed": str(settings.seed),
        "beta": format_number(settings.momentum),
        "tab": settings.tab,
    }


def _number(raw: str, low: float, high: float) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def _whole(raw: str, low: int, high: int) -> int | None:
    value = _number(raw, low, high)
    return int(value) if value is not None and value == int(value) else None


def _rates(raw: str) -> str | None:
    if not raw.strip():
        return ""
    try:
        return ", ".join(format_number(r) for r in parse_rates(raw))
    except LogRegInputError:
        return None


def _flag(raw: str) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get(raw.strip().lower())


def from_query(query: Mapping[str, str]) -> tuple[Settings, list[str]]:
    """Read settings from URL query parameters.

    Parameters
    ----------
    query : mapping of str to str
        E.g. ``st.query_params``; unknown keys are ignored.

    Returns
    -------
    settings : Settings
    notices : list of str
        One sentence per parameter that was ignored, naming it and the value used instead.
    """
    notices: list[str] = []

    def ignored(key: str, raw: str, expected: str, fallback: str) -> None:
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        notices.append(
            f"Ignored link parameter {key}={shown!r}: expected {expected}; using {fallback}."
        )

    dataset = query.get("data", DEFAULT_DATASET)
    if dataset == UPLOAD:
        notices.append(
            "This link was made with an uploaded file, and links cannot carry files: choose "
            "'Your own CSV file' under Data and upload it again. Showing the 5-point example."
        )
        dataset = DEFAULT_DATASET
    elif dataset not in DATASETS:
        ignored("data", dataset, f"one of {', '.join(DATASETS)}", DEFAULT_DATASET)
        dataset = DEFAULT_DATASET
    settings = defaults(dataset)
    changes: dict = {}

    def read(key, field, parse, expected):
        if key not in query:
            return
        value = parse(query[key])
        if value is None:
            ignored(key, query[key], expected, _shown(getattr(settings, field)))
        else:
            changes[field] = value

    read("lr", "learning_rate",
         lambda r: _number(r, LEARNING_RATE_MIN, LEARNING_RATE_MAX),
         f"a number from {LEARNING_RATE_MIN:g} to {LEARNING_RATE_MAX:g}")
    read("steps", "steps", lambda r: _whole(r, 1, STEPS_MAX),
         f"a whole number from 1 to {STEPS_MAX}")
    read("b0", "b0", lambda r: _number(r, -PARAM_MAX, PARAM_MAX),
         f"a number from {-PARAM_MAX:g} to {PARAM_MAX:g}")
    read("l2", "l2", lambda r: _number(r, 0.0, L2_MAX), f"a number from 0 to {L2_MAX:g}")
    read("std", "standardize", _flag, "1 or 0")
    read("log", "log_scale", _flag, "1 or 0")
    read("digits", "digits", lambda r: _whole(r, DIGITS_MIN, DIGITS_MAX),
         f"a whole number from {DIGITS_MIN} to {DIGITS_MAX}")

    read("explore", "explorer", _flag, "1 or 0")
    read("rates", "overlay_rates", _rates, "up to 8 comma-separated rates from 1e-06 to 1000")
    read("sweep", "sweep_count", lambda r: _whole(r, SWEEP_COUNT_MIN, SWEEP_COUNT_MAX),
         f"a whole number from {SWEEP_COUNT_MIN} to {SWEEP_COUNT_MAX}")
    n_samples = load_dataset(dataset).n_samples
    read("batch", "batch_size", lambda r: _whole(r, 1, n_samples),
         f"a whole number from 1 to {n_samples}")
    read("seed", "seed", lambda r: _whole(r, 0, 2**31 - 1), "a whole number from 0 to 2^31-1")
    read("beta", "momentum", lambda r: _number(r, 0.0, MOMENTUM_MAX),
         f"a number from 0 to {MOMENTUM_MAX}")

    read("tab", "tab", lambda r: r if r in TABS else None, "the name of a tab")

    n_features = len(settings.w0)

    def parse_w0(raw: str):
        parts = raw.split(",")
        values = [_number(p, -PARAM_MAX, PARAM_MAX) for p in parts]
        if len(values) != n_features or any(v is None for v in values):
            return None
        return tuple(values)

    read("w0", "w0", parse_w0,
         f"{n_features} comma-separated number(s) from {-PARAM_MAX:g} to {PARAM_MAX:g}")

    steps = changes.get("steps", settings.steps)
    read("step", "inspect", lambda r: _whole(r, 0, steps), f"a whole number from 0 to {steps}")
    if "inspect" not in changes:
        changes["inspect"] = steps  # follow the end of the run, wherever it is
    return replace(settings, **changes), notices


def _shown(value) -> str:
    if value == "":
        return "the default"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(format_number(v) for v in value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)
