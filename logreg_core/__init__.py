"""Descent Lab's numeric core: logistic regression trained by gradient descent, step by step.

Numbers and data only: numpy and pandas, never Streamlit or Altair (a test enforces it), so
teachers can import it in a notebook::

    from logreg_core import load_dataset, train
    data = load_dataset("five_points")
    history = train(data.X, data.y, learning_rate=0.5, steps=200)
"""

from .checks import gradient_rounding, loss_change_rounding, loss_rounding
from .datasets import DATASETS, Dataset, DatasetInfo, Standardizer, load_dataset
from .errors import LogRegInputError
from .exact import ExactFit, fit_exact
from .loop import loop_gradients
from .maths import (
    CurvatureBound,
    GradientPass,
    LogisticProblem,
    accuracy,
    check_data,
    curvature_bound,
    loss_after_step,
    loss_and_gradients,
    mean_loss,
    numerical_gradient,
    on_label_side,
    sigmoid,
    step,
)
from .optimizers import (
    OPTIMIZERS,
    Adam,
    GradientDescent,
    MiniBatchSGD,
    Momentum,
    Nesterov,
    Newton,
    Optimizer,
)
from .training import History, Sweep, learning_rate_sweep, train
from .update import Update, gradient_update, sample_totals

__all__ = [
    "DATASETS", "OPTIMIZERS",
    "Adam", "CurvatureBound", "Dataset", "DatasetInfo", "ExactFit", "GradientDescent",
    "GradientPass", "History", "LogRegInputError", "LogisticProblem", "MiniBatchSGD",
    "Momentum", "Nesterov", "Newton", "Optimizer", "Standardizer", "Sweep", "Update",
    "accuracy", "check_data", "curvature_bound", "fit_exact", "gradient_rounding",
    "gradient_update", "learning_rate_sweep", "load_dataset", "loop_gradients",
    "loss_after_step", "loss_and_gradients", "loss_change_rounding", "loss_rounding", "mean_loss",
    "numerical_gradient", "on_label_side", "sample_totals", "sigmoid", "step", "train",
]
