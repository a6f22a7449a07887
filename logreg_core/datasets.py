"""Built-in data sets (CSV files in ``data/``, each beside a note on its source) and scaling."""

from __future__ import annotations

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
