"""Built-in data sets (CSV files in ``data/``, each beside a note on its source) and scaling."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import LogRegInputError
from .maths import check_data, column_mean_and_spread

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class DatasetInfo:
    """What the app needs to know about a built-in data set before loading it.

    Attributes
    ----------
    name : str
        Key used in code and in shared links.
    title : str
        Label for people.
    target : str
        Label column of the CSV; every other column is a feature.
    standardize : bool
        Whether the dashboard standardizes the features by default.
    learning_rate, steps : float, int
        A starting setting that shows the story well.
    w0 : tuple of float
        Starting weights (zeros when empty).
    b0 : float
    """

    name: str
    title: str
    target: str
    standardize: bool = False
    learning_rate: float = 0.1
    steps: int = 1000
    w0: tuple[float, ...] = field(default_factory=tuple)
    b0: float = 0.0


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("five_points", "Worked example: 5 points", "y",
                    learning_rate=0.5, steps=200),
        DatasetInfo("student", "One student, two features", "passed",
                    learning_rate=0.1, steps=50, w0=(0.1, -0.2), b0=0.0),
        DatasetInfo("wikipedia_students", "20 students: hours studied vs passed", "passed",
                    learning_rate=0.2, steps=2000),
        DatasetInfo("iris_petals", "Iris petals: two species (100 × 2)", "virginica",
                    standardize=True, learning_rate=1.0, steps=200),
        DatasetInfo("breast_cancer", "Breast cancer (569 × 30)", "benign",
                    standardize=True, learning_rate=0.5, steps=500),
    )
}


@dataclass(frozen=True)
class Dataset:
    """A loaded data set.

    Attributes
    ----------
    info : DatasetInfo
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    feature_names : list of str
    note : str
        The Markdown note on the data's source.
    """

    info: DatasetInfo
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    note: str

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


@cache
def load_dataset(name: str) -> Dataset:
    """Load a built-in data set by name (see `DATASETS`).

    Parameters
    ----------
    name : str

    Returns
    -------
    Dataset
        Arrays are read-only and shared between calls.
    """
    if name not in DATASETS:
        raise LogRegInputError(
            f"Unknown data set {name!r}; choose one of: {', '.join(DATASETS)}."
        )
    info = DATASETS[name]
    frame = pd.read_csv(DATA_DIR / f"{name}.csv")
    features = [c for c in frame.columns if c != info.target]
    X, y = check_data(frame[features].to_numpy(dtype=float), frame[info.target].to_numpy())
    X.flags.writeable = False
    y.flags.writeable = False
    note = (DATA_DIR / f"{name}.md").read_text(encoding="utf-8")
    return Dataset(info=info, X=X, y=y, feature_names=features, note=note)


#: A feature whose spread is at most this fraction of its mean's size is constant to double
#: precision: standardizing it would magnify the rounding of its mean (`constant_features`).
CONSTANT_RTOL = 1e-12


def constant_features(X, names: Sequence[str]) -> list[str]:
    """Names of the features with the same value in every row.

    The rule `Standardizer.fit` applies: standard deviation 0, or at most
    ``CONSTANT_RTOL * |mean|``
    (a spread that small relative to the values is rounding, not data). The test is relative
    only: a feature measured in units of 1e-140 varies as much as one in units of 1.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    names : sequence of str, length n_features

    Returns
    -------
    list of str
        In column order; empty when every feature varies.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != len(names):
        raise ValueError(f"names has {len(names)} entries for X of shape {X.shape}")
    if X.shape[0] == 0:
        return []
    with np.errstate(all="ignore"):
        mean, scale = column_mean_and_spread(X)
    constant = (scale == 0) | (scale <= CONSTANT_RTOL * np.abs(mean))
    return [str(names[j]) for j in np.flatnonzero(constant)]


#: Above this condition number of ``[x 1]^T [x 1]`` (one feature beside the bias) gradient
#: descent on the feature as it is needs more steps than the page runs (100,000) to make
#: headway along one of the two directions: at w = b = 0 the loss bends by μ/4n along each
#: eigenvector of that matrix, a rate that does not overshoot along the steeper (η ≤ 2/L)
#: shrinks the error along the flatter by at most 1 - 2/κ a step, so a factor e takes about
#: κ/2 steps. Standardizing makes the matrix n·I: κ = 1.
SLOW_CONDITION = 2e5


def bias_condition_log10(mean: float, std: float) -> float:
    r"""log10 of the condition number κ of ``[x 1]^T [x 1] / n`` for one feature of this mean
    and (population) standard deviation ``std > 0``.

    The matrix is :math:`\begin{pmatrix} m^2 + s^2 & m \\ m & 1 \end{pmatrix}`, whose
    determinant is :math:`s^2`; with :math:`\mu_{max} = \frac{a + 1}{2} +
    \sqrt{(\frac{a - 1}{2})^2 + m^2}` (:math:`a = m^2 + s^2`) the smaller eigenvalue is
    :math:`s^2 / \mu_{max}`, so :math:`\kappa = (\mu_{max} / s)^2`. In logs, because a
    feature of 1e-300 has κ = 8e599, beyond doubles; the square root by `math.hypot`, because
    a feature of 1e150 has :math:`(a/2)^2` beyond them too.
    """
    a = mean * mean + std * std
    top = (a + 1) / 2 + math.hypot((a - 1) / 2, mean)
    return 2 * (math.log10(top) - math.log10(std))


def single_feature_condition(means, stds) -> tuple[float | None, bool]:
    """For one feature that varies (``means`` and ``stds`` of length 1, ``stds[0] > 0``):
    log10 of the condition number κ of ``[x 1]^T [x 1]`` (`bias_condition_log10`), and
    whether it is above `SLOW_CONDITION`, too slow for the page's steps (x = 1e-300 to 4e-300:
    599.9, where every logit underflowed and the loss stayed ln 2). (None, False) otherwise:
    between features, their spreads' ratio tells (`csv_reader.PreparedData.scale_ratio`),
    and a constant feature cannot be standardized."""
    if len(stds) != 1 or not stds[0] > 0:
        return None, False
    condition = bias_condition_log10(float(means[0]), float(stds[0]))
    return condition, condition > math.log10(SLOW_CONDITION)


@dataclass(frozen=True)
class Standardizer:
    r"""Z-scores that remember their mean and scale.

    .. math:: x'_j = (x_j - \mu_j) / s_j

    A model ``w' . x' + b'`` on standardized features is the model
    ``w = w' / s`` and ``b = b' - sum_j w'_j mu_j / s_j`` on the original ones.

    Attributes
    ----------
    mean : ndarray of shape (n_features,)
    scale : ndarray of shape (n_features,)
        Population standard deviation of each feature (never 0).
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X, feature_names: list[str] | None = None) -> Standardizer:
        """Learn mean and scale from ``X`` of shape (n_samples, n_features).

        Raises
        ------
        LogRegInputError
            A constant feature, which standardization would divide by zero.
        """
        X, _ = check_data(X, np.zeros(len(X)))
        names = feature_names or [f"x{j + 1}" for j in range(X.shape[1])]
        constant = constant_features(X, names)
        if constant:
            listed = ", ".join(repr(name) for name in constant[:5])
            one = len(constant) == 1
            raise LogRegInputError(
                f"{'Feature' if one else 'Features'} {listed} {'has' if one else 'have'} the "
                "same value in every row, so standardizing would divide by zero: drop "
                f"{'it' if one else 'them'} (a constant feature tells the classes nothing the "
                "bias does not)."
            )
        mean, scale = column_mean_and_spread(X)
        return cls(mean=mean, scale=scale)

    def transform(self, X) -> np.ndarray:
        """Standardize ``X`` of shape (n_samples, n_features)."""
        return (np.asarray(X, dtype=float) - self.mean) / self.scale

    def to_original_units(self, w, b: float) -> tuple[np.ndarray, float]:
        """Weights and bias for the unstandardized features (see the class formula).

        Parameters
        ----------
        w : array-like of shape (n_features,)
        b : float

        Returns
        -------
        w : ndarray of shape (n_features,)
            ``±inf`` where ``w' / s`` is beyond the largest double (a spread of 1e-310: the
            caller says so).
        b : float
            From ``mu / s``, which stays finite where ``w' / s`` does not.
        """
        w = np.asarray(w, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return w / self.scale, float(b - np.sum(w * (self.mean / self.scale)))


def spread_ratio(X: np.ndarray, stds: np.ndarray) -> tuple[float, float]:
    """The largest over the smallest positive finite spread ``stds`` of ``X``'s columns
    (`maths.column_mean_and_spread`), and its log10; 1.0 and 0 with fewer than two.

    Where a spread is subnormal, whose double holds few of its digits, or the ratio is beyond
    the largest double, both come from each spread's logarithm, log10 s + log10 std(x / s),
    s the column's largest magnitude: z = 1e-323, 3e-323, 2e-323, 1e-323 holds 2, 6, 4, 2
    times 2^-1074, spread sqrt(11/4) 2^-1074 = 8.19e-324, a double of 9.88e-324, and beside
    x = 1e149..4e149 the Data view read a ratio of 1.13e+472 for 1.3646e+472.
    """
    keep = np.isfinite(stds) & (stds > 0)
    if keep.sum() < 2:
        return 1.0, 0.0
    size = np.max(np.abs(X[:, keep]), axis=0)
    with np.errstate(all="ignore"):
        logs = np.log10(size) + np.log10((X[:, keep] / size).std(axis=0))
        ratio = float(stds[keep].max() / stds[keep].min())
    log10_ratio = float(logs.max() - logs.min())
    if stds[keep].min() < np.finfo(float).tiny or not math.isfinite(ratio):
        ratio = 10.0 ** log10_ratio if log10_ratio < 308 else math.inf
    return ratio, log10_ratio
