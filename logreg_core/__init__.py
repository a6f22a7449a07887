"""Descent Lab's numeric core: logistic regression trained by gradient descent, step by step.

Pure numpy and pandas (no Streamlit), so teachers can import it in a notebook::

    from logreg_core import load_dataset, train
    data = load_dataset("five_points")
    history = train(data.X, data.y, learning_rate=0.5, steps=200)
"""

from .datasets import DATASETS, Dataset, DatasetInfo, Standardizer, load_dataset
from .errors import LogRegInputError
from .exact import ExactFit, fit_exact
from .maths import (
    CurvatureBound,
    GradientPass,
    check_data,
    curvature_bound,
    loop_gradients,
    loss_and_gradients,
    max_stable_learning_rate,
    mean_loss,
    numerical_gradient,
    sigmoid,
    step,
)
from .tables import breakdown_table, parameter_names, totals_table, update_table
from .training import (
    CONVERGING,
    DIVERGING,
    OSCILLATING,
    History,
    Sweep,
    Verdict,
    classify_loss,
    learning_rate_sweep,
    train,
)

__all__ = [
    "CONVERGING", "DATASETS", "DIVERGING", "OSCILLATING",
    "CurvatureBound", "Dataset", "DatasetInfo", "ExactFit", "GradientPass", "History",
    "LogRegInputError", "Standardizer", "Sweep", "Verdict",
    "breakdown_table", "check_data", "classify_loss", "curvature_bound", "fit_exact",
    "learning_rate_sweep", "load_dataset", "loop_gradients", "loss_and_gradients",
    "max_stable_learning_rate", "mean_loss", "numerical_gradient", "parameter_names",
    "sigmoid", "step", "totals_table", "train", "update_table",
]
