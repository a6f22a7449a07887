"""Tables for the views: the per-sample breakdown of a step, its totals, and the update.

All three are built from one `GradientPass`, so they cannot disagree with each other or with
the charts and formulas built from the same pass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .maths import GradientPass, loss_and_gradients, numerical_gradient

ERROR = "p - y"


def error_x_column(feature: str) -> str:
    """Column name of ``(p - y) * x_j`` for a feature."""
    return f"(p - y) * {feature}"


def parameter_names(feature_names: list[str]) -> list[str]:
    """Names of the weights, then the bias: ``w[x]``, ..., ``b``."""
    return [f"w[{name}]" for name in feature_names] + ["b"]


def breakdown_table(X, y, grad_pass: GradientPass, feature_names: list[str]) -> pd.DataFrame:
    """One row per sample: features, label, z, p, loss, p - y and (p - y) * x_j.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    grad_pass : GradientPass
        The pass at the (w, b) being inspected.
    feature_names : list of str, length n_features

    Returns
    -------
    DataFrame of shape (n_samples, 2 * n_features + 5), index 1..n_samples
    """
    X = np.asarray(X, dtype=float)
    frame = pd.DataFrame(X, columns=feature_names)
    frame["y"] = np.asarray(y, dtype=int)
    frame["z"] = grad_pass.z
    frame["p"] = grad_pass.p
    frame["loss"] = grad_pass.sample_loss
    frame[ERROR] = grad_pass.error
    for j, name in enumerate(feature_names):
        frame[error_x_column(name)] = grad_pass.error_x[:, j]
    frame.index = pd.RangeIndex(1, X.shape[0] + 1, name="sample")
    return frame


def totals_table(grad_pass: GradientPass, feature_names: list[str]) -> pd.DataFrame:
    """Column sums and means of the loss, p - y and (p - y) * x_j over all samples.

    The means are the data part of the mean loss, of ``db`` and of each ``dw_j``.

    Returns
    -------
    DataFrame with index ["sum", "mean"] and columns loss, p - y, (p - y) * x_j
    """
    columns = {"loss": grad_pass.sample_loss, ERROR: grad_pass.error}
    for j, name in enumerate(feature_names):
        columns[error_x_column(name)] = grad_pass.error_x[:, j]
    frame = pd.DataFrame(columns)
    return pd.DataFrame({"sum": frame.sum(), "mean": frame.mean()}).T


def update_table(
    w, b: float, grad_pass: GradientPass, learning_rate: float, feature_names: list[str],
    l2: float = 0.0,
) -> pd.DataFrame:
    """The update of every parameter: old value, gradient, minus rate times gradient, new value.

    Parameters
    ----------
    w : array-like of shape (n_features,)
        Weights the pass was computed at.
    b : float
    grad_pass : GradientPass
    learning_rate : float
    feature_names : list of str
    l2 : float, default 0
        When positive, the gradient is split into its data part and the ``l2 * w`` term.

    Returns
    -------
    DataFrame indexed by parameter name (``w[x]``, ..., ``b``)
    """
    old = np.append(np.asarray(w, dtype=float), b)
    grad = np.append(grad_pass.dw, grad_pass.db)
    frame = pd.DataFrame(index=pd.Index(parameter_names(feature_names), name="parameter"))
    frame["old value"] = old
    if l2:
        penalty = np.append(l2 * old[:-1], 0.0)
        frame["data gradient"] = grad - penalty
        frame["L2 term"] = penalty
    frame["gradient"] = grad
    frame["- rate * gradient"] = -learning_rate * grad
    frame["new value"] = old - learning_rate * grad
    return frame


def history_frame(history, feature_names: list[str]) -> pd.DataFrame:
    """A training history as one row per state, for download.

    Columns: step, one weight per feature, bias, loss, then the gradient the step from that
    state used (empty on the last state, which takes no step).

    Parameters
    ----------
    history : History
    feature_names : list of str

    Returns
    -------
    DataFrame of shape (steps_run + 1, 2 * n_features + 4)
    """
    names = parameter_names(feature_names)
    frame = pd.DataFrame({"step": np.arange(history.steps_run + 1)})
    for j, name in enumerate(names[:-1]):
        frame[name] = history.weights[:, j]
    frame["b"] = history.bias
    frame["loss"] = history.loss
    pad = np.full(1, np.nan)
    for j, name in enumerate(names[:-1]):
        frame[f"gradient {name}"] = np.concatenate([history.grad_w[:, j], pad])
    frame["gradient b"] = np.concatenate([history.grad_b, pad])
    return frame


def gradient_check_table(X, y, w, b: float, feature_names: list[str],
                         l2: float = 0.0) -> pd.DataFrame:
    """The analytic gradient beside central differences, parameter by parameter.

    Relative error is ``|g - g_num| / max(|g|, |g_num|, 1e-12)``: below about 1e-6 the two
    agree to the accuracy central differences can reach.

    Returns
    -------
    DataFrame indexed by parameter: analytic, central difference, difference, relative error
    """
    grad = loss_and_gradients(X, y, w, b, l2)
    num_dw, num_db = numerical_gradient(X, y, w, b, l2)
    analytic = np.append(grad.dw, grad.db)
    numeric = np.append(num_dw, num_db)
    frame = pd.DataFrame(index=pd.Index(parameter_names(feature_names), name="parameter"))
    frame["analytic (p - y) x"] = analytic
    frame["central difference"] = numeric
    frame["difference"] = analytic - numeric
    frame["relative error"] = np.abs(analytic - numeric) / np.maximum(
        np.maximum(np.abs(analytic), np.abs(numeric)), 1e-12
    )
    return frame


LABEL = "label"


def editable_frame(X, y, feature_names: list[str]) -> pd.DataFrame:
    """The data as a table to edit: one column per feature and a ``label`` column (True = 1)."""
    frame = pd.DataFrame(np.asarray(X, dtype=float), columns=feature_names)
    frame[LABEL] = np.asarray(y) == 1
    return frame


def apply_edits(frame: pd.DataFrame, edits: dict | None) -> pd.DataFrame:
    """Apply a table editor's changes to the frame it was shown.

    ``edits`` has the shape Streamlit's data editor keeps in session state:
    ``edited_rows`` ({row position: {column: value}}), ``deleted_rows`` (positions) and
    ``added_rows`` (list of {column: value}); rows are edited first, then deleted, then added.
    A new row without a label gets label 0; other missing cells stay missing (NaN), for
    `check_data` to report.

    Returns
    -------
    DataFrame with the same columns, index 0..n-1
    """
    out = frame.copy()
    if not edits:
        return out
    for row, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            if column in out.columns:
                out.iat[int(row), out.columns.get_loc(column)] = value
    deleted = [int(r) for r in edits.get("deleted_rows") or [] if 0 <= int(r) < len(frame)]
    out = out.drop(index=out.index[deleted])
    added = pd.DataFrame(list(edits.get("added_rows") or []), columns=frame.columns)
    if len(added):
        added[LABEL] = added[LABEL].fillna(False)
        out = pd.concat([out, added.astype(frame.dtypes.to_dict(), errors="ignore")])
    return out.reset_index(drop=True)


def edited_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Features and 0/1 labels from an edited table (see `editable_frame`)."""
    features = frame.drop(columns=[LABEL])
    X = features.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    y = frame[LABEL].fillna(False).astype(bool).to_numpy(dtype=float)
    return X, y
