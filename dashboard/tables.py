"""Tables for the views: the per-sample breakdown of a step, its totals, the update, the
gradient check, the history download, and the data editor's frame.

All are built from core results (`GradientPass`, `GradientCheck`, `History`), so they cannot
disagree with each other or with the charts and formulas built from the same results.

User names become column headers only through `feature_labels`: line breaks and control
characters become spaces, and a name that collides with one of our own columns (a feature
called ``p`` or ``label``) gets a suffix, so no user name can replace or shadow our data.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

from logreg_core import GradientPass, History, gradient_update, sample_totals
from logreg_core.checks import GradientCheck, log10_outputs, signed_log10_errors

from .charts import title_text

#: The error's column, and each product's (`error_x_column`): spelt as the page's sentences and
#: the first screen's grid write them, with the minus sign U+2212 and a middle dot; the
#: step view's grid and the first screen's static table wrote "p - y" and "(p - y) * x"
#: beside them (a review).
ERROR = "p − y"
#: Our own column names in these tables; a feature may not take one of them.
RESERVED = frozenset({"y", "z", "p", "loss", ERROR, "b", "step", "label", "sample",
                      "parameter"})


def feature_labels(names, limit: int = 40) -> list[str]:
    """Column headers for features: cleaned, capped at ``limit`` characters (the model
    picture's axis titles take `charts.title_text`'s 60), distinct, and never one of
    `RESERVED`."""
    labels: list[str] = []
    for name in names:
        label = title_text(name, limit) or "(no name)"
        while label in RESERVED or label in labels:
            label += " (feature)"
        labels.append(label)
    return labels


def error_x_column(label: str) -> str:
    """Column name of ``(p - y) * x_j``: "(p − y)·x", "(p − y)·petal_length_cm"."""
    return f"(p − y)·{label}"


def underflowed_sizes(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The true sign (-1, 0 or +1) and log10 size of each cell of a per-sample table's p, loss,
    p - y and (p - y) * x_j columns, from its own z, y and feature columns
    (`logreg_core.checks.signed_log10_errors`, `logreg_core.checks.log10_outputs`).

    p - y = -s sigma(-s z) is never 0: -1 for label 1, +1 for label 0; (p - y) * x_j is 0 only
    where x_j is. A computed 0 beside a nonzero sign has underflowed (at w = 1000 the table
    read p < 5e-324 and, in the same row, p - y = 0: a visual walk); `display` writes its true
    size instead (a bound "> -5e-324" was false for a product with |x| > 1: a review).

    Returns
    -------
    dict of column name -> (sign, log10 size), each an ndarray of shape (n_rows,); empty
    without z, y and p - y columns
    """
    if not {"z", "y", ERROR} <= set(frame.columns):
        return {}
    z, y = frame["z"].to_numpy(), frame["y"].to_numpy()
    error_sign, error_size = signed_log10_errors(z, y)
    cells = {ERROR: (error_sign, error_size)}
    # p and the loss as well: at z = -800, y = 0, p - y read 3.7e-348 beside p < 5e-324, the
    # same number (p - y = p there) written as a bound (a review)
    for column, size in zip(("p", "loss"), log10_outputs(z, y), strict=True):
        if column in frame.columns:
            cells[column] = (np.ones_like(size), size)
    for label in frame.columns:
        product = error_x_column(str(label))
        if product in frame.columns and frame[label].dtype.kind in "fiu":
            x = frame[label].to_numpy(dtype=float)
            with np.errstate(divide="ignore"):
                cells[product] = (error_sign * np.sign(x), error_size + np.log10(np.abs(x)))
    return cells


def totals_underflowed(lost: tuple[np.ndarray, np.ndarray], grad_pass: GradientPass, names,
                       l2: float = 0.0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """`totals_table`'s sums and means of p - y and (p - y) * x_j that underflowed to 0, by
    column: the exact sign and log10 size of each row (sign 0 where the computed value
    stands), for `display.show_frame`'s ``exact``; ``lost`` from
    `logreg_core.checks.lost_derivatives` at the pass."""
    sign, size = lost
    n_features, log_n = len(grad_pass.data_dw), math.log10(len(grad_pass.z))
    columns = {ERROR: n_features} | {error_x_column(label): j
                                     for j, label in enumerate(feature_labels(names))}
    cells = {}
    for column, j in columns.items():
        rows = [(sign[j], size[j] + log_n), (sign[j], size[j])]  # sum, mean
        if l2:  # the L2 term (never an underflowed 0 of the data), then the gradient
            alone = j == n_features or grad_pass.l2_term[j] == 0
            rows += [(0.0, size[j]), (sign[j] if alone else 0.0, size[j])]
        cells[column] = (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]))
    return cells


def update_underflowed(lost: tuple[np.ndarray, np.ndarray], grad_pass: GradientPass,
                       learning_rate: float, l2: float = 0.0
                       ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """`update_table`'s gradients and changes that underflowed to 0, by column: the exact
    sign and log10 size of each parameter's row (sign 0 where the computed value stands),
    ``lost`` as in `totals_underflowed`. The step itself moved nothing: the exact change is
    below what a double holds."""
    sign, size = lost
    alone = np.append(grad_pass.l2_term, 0.0) == 0  # no penalty adds to the data's part
    total = np.where(alone, sign, 0.0)
    cells = {"gradient": (total, size),
             "− rate × gradient": (-total, size + math.log10(learning_rate))}
    if l2:
        cells["data gradient"] = (sign, size)
    return cells


def parameter_names(names) -> list[str]:
    """Names of the weights, then the bias: ``w[x]``, ..., ``b``."""
    return [f"w[{label}]" for label in feature_labels(names)] + ["b"]


def breakdown_table(X, y, grad_pass: GradientPass, names) -> pd.DataFrame:
    """One row per sample: features, label, z, p, loss, p - y and (p - y) * x_j.

    Returns
    -------
    DataFrame of shape (n_samples, 2 * n_features + 5), index 1..n_samples
    """
    labels = feature_labels(names)  # distinct, and never one of the names below
    X = np.asarray(X, dtype=float)
    columns = {label: X[:, j] for j, label in enumerate(labels)}
    columns.update({"y": np.asarray(y, dtype=int), "z": grad_pass.z, "p": grad_pass.p,
                    "loss": grad_pass.sample_loss, ERROR: grad_pass.error})
    columns.update({error_x_column(label): grad_pass.error_x[:, j]
                    for j, label in enumerate(labels)})
    # One constructor call, on every rerun: 0.11 ms for the 5 points, against 0.78 ms when the
    # columns were added one by one.
    return pd.DataFrame(columns, index=pd.RangeIndex(1, X.shape[0] + 1, name="sample"))


def gradient_first(rows: pd.DataFrame, names) -> pd.DataFrame:
    """`breakdown_table` rows (or some of their columns) with the columns the gradient
    averages, p - y and each (p - y) * x_j, moved to the front; the others follow in their
    order (the features, y, z, p, loss). On a narrow grid they are the ones in view.
    """
    first = [c for c in (ERROR, *map(error_x_column, feature_labels(names)))
             if c in rows.columns]
    return rows[first + [c for c in rows.columns if c not in first]]


def totals_table(grad_pass: GradientPass, names, l2: float = 0.0) -> pd.DataFrame:
    """Column sums and means of the loss, p - y and (p - y) * x_j over all samples.

    The means are the data part of J, db and each dw_j. With L2, a third row adds the
    penalty's part (lambda/2 |w|^2 to the loss, lambda w_j to dw_j, nothing to db) and a
    fourth gives the totals: the loss J and the gradient.
    """
    columns = ["loss", ERROR, *(error_x_column(label) for label in feature_labels(names))]
    rows, index = list(sample_totals(grad_pass)), ["sum", "mean"]
    if l2:
        rows += [[grad_pass.penalty, 0.0, *grad_pass.l2_term],
                 [grad_pass.loss, grad_pass.db, *grad_pass.dw]]
        index += ["L2 term", "J and gradient"]
    return pd.DataFrame(np.array(rows, dtype=float), index=pd.Index(index), columns=columns)


def update_table(w, b: float, grad_pass: GradientPass, learning_rate: float, names,
                 l2: float = 0.0) -> pd.DataFrame:
    """The update of every parameter: old value, gradient, minus rate times gradient, new value.

    With L2 the gradient is split into its data part and the ``l2 * w`` term.
    """
    update = gradient_update(w, b, grad_pass, learning_rate)
    columns = {"old value": update.old}
    if l2:  # the data's part as the pass computed it (dw - l2 w cancels when l2 w dwarfs it)
        columns.update({"data gradient": np.append(grad_pass.data_dw, grad_pass.db),
                        "L2 term": np.append(grad_pass.l2_term, 0.0)})
    # "−" (U+2212), not "-": a static table reads its header as Markdown, where "- " is a bullet
    columns.update({"gradient": update.gradient, "− rate × gradient": update.change,
                    "new value": update.new})
    return pd.DataFrame(columns, index=pd.Index(parameter_names(names), name="parameter"))


def gradient_check_table(check: GradientCheck, names) -> pd.DataFrame:
    """The gradient check parameter by parameter: both values, their difference, the allowance."""
    return pd.DataFrame({
        "from (p − y)·x": check.analytic, "central difference": check.numeric,
        "difference": check.difference, "allowed": check.allowed,
        "agrees": np.where(check.passed, "yes", "no"),
    }, index=pd.Index(parameter_names(names), name="parameter"))


def history_frame(history: History, names) -> pd.DataFrame:
    """A training history as one row per state, for download.

    Columns: step, one weight per feature, bias, loss, then the gradient the step from that
    state used (empty on the last state, which takes no step).
    """
    params = parameter_names(names)
    frame = pd.DataFrame({"step": np.arange(history.steps_run + 1)})
    for j, name in enumerate(params[:-1]):
        frame[name] = history.weights[:, j]
    frame["b"] = history.bias
    frame["loss"] = history.loss
    pad = np.full(1, np.nan)
    for j, name in enumerate(params[:-1]):
        frame[f"gradient {name}"] = np.concatenate([history.grad_w[:, j], pad])
    frame["gradient b"] = np.concatenate([history.grad_b, pad])
    return frame


#: A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
#: Injection"): such text is written with a leading single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(frame: pd.DataFrame) -> str:
    """A frame as CSV that is safe to open in a spreadsheet.

    Every text field (the header included) is quoted and defused by `spreadsheet_safe`;
    numbers are written exactly (``repr``), missing ones as empty fields.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    writer.writerow([spreadsheet_safe(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        writer.writerow([
            spreadsheet_safe(v) if isinstance(v, str)
            else "" if v is None or (isinstance(v, float) and math.isnan(v))
            else _Number(v)
            for v in row
        ])
    return out.getvalue()


class _Number(float):
    """A float the csv module leaves unquoted, written with every digit (repr): a whole
    number below 2^53 without its ".0" (a step, a count), a larger one as repr writes it
    (-2.4263312918741347e+154, not its 155 digits)."""

    def __str__(self) -> str:
        value = float(self)
        return str(int(value)) if value.is_integer() and abs(value) < 2.0**53 else repr(value)

    __repr__ = __str__


#: Internal column names of the data editor: features ``feature 1``..., then the class. The
#: user's names are shown as the columns' labels only, so they can never collide with ours.
EDITOR_LABEL = "__class__"


def editor_columns(n_features: int) -> list[str]:
    return [f"__feature_{j}__" for j in range(n_features)]


def editable_frame(X, y, n_features: int) -> pd.DataFrame:
    """The data as a table to edit: one column per feature and the class (True = 1)."""
    frame = pd.DataFrame(np.asarray(X, dtype=float), columns=editor_columns(n_features))
    frame[EDITOR_LABEL] = np.asarray(y) == 1
    return frame


def apply_edits(frame: pd.DataFrame, edits: dict | None) -> pd.DataFrame:
    """Apply a table editor's changes to the frame it was shown.

    ``edits`` has the shape Streamlit's data editor keeps in session state: ``edited_rows``
    ({row position: {column: value}}), ``deleted_rows`` (positions) and ``added_rows``
    (list of {column: value}); rows are edited first, then deleted, then added. A new row
    without a class gets class 0; other missing cells stay missing (NaN), for `check_data`
    to report.
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
        # element by element: a column with no class at all is float NaN, and fillna(False)
        # on it is deprecated (pandas 4 raises), which would crash on such a row
        added[EDITOR_LABEL] = [False if pd.isna(v) else bool(v)
                               for v in added[EDITOR_LABEL].tolist()]
        out = pd.concat([out, added.astype(frame.dtypes.to_dict(), errors="ignore")])
    return out.reset_index(drop=True)


def edited_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Features and 0/1 labels from an edited table (see `editable_frame`)."""
    features = frame.drop(columns=[EDITOR_LABEL])
    X = features.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    y = frame[EDITOR_LABEL].fillna(False).astype(bool).to_numpy(dtype=float)
    return X, y
