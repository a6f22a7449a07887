"""Built-in data sets, standardization and the tables built from one pass."""

import numpy as np
import pytest

from logreg_core import (
    DATASETS,
    LogRegInputError,
    Standardizer,
    breakdown_table,
    load_dataset,
    loss_and_gradients,
    step,
    totals_table,
    update_table,
)


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_loads_with_a_source_note(name):
    data = load_dataset(name)
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert set(np.unique(data.y)) <= {0.0, 1.0}
    assert len(data.note) > 100 and data.note.startswith("# ")
    info = data.info
    assert len(info.w0) in (0, data.n_features)


def test_dataset_contents():
    five = load_dataset("five_points")
    assert five.X[:, 0].tolist() == [1, 2, 3, 4, 5] and five.y.tolist() == [0, 0, 0, 1, 1]
    student = load_dataset("student")
    assert student.X.tolist() == [[3, 5]] and student.y.tolist() == [1]
    wiki = load_dataset("wikipedia_students")
    assert wiki.X.shape == (20, 1) and wiki.y.sum() == 10
    cancer = load_dataset("breast_cancer")
    assert cancer.X.shape == (569, 30) and cancer.y.sum() == 357
    assert cancer.feature_names[0] == "mean_radius"


def test_unknown_dataset():
    with pytest.raises(LogRegInputError, match="Unknown data set 'iris'"):
        load_dataset("iris")


def test_standardizer_round_trip():
    cancer = load_dataset("breast_cancer")
    scaler = Standardizer.fit(cancer.X)
    Xs = scaler.transform(cancer.X)
    assert Xs.mean(axis=0) == pytest.approx(0, abs=1e-12)
    assert Xs.std(axis=0) == pytest.approx(1, rel=1e-12)
    rng = np.random.default_rng(0)
    w, b = rng.normal(size=30), 0.7
    w_orig, b_orig = scaler.to_original_units(w, b)
    assert cancer.X @ w_orig + b_orig == pytest.approx(Xs @ w + b, rel=1e-9, abs=1e-9)


def test_standardizer_names_constant_feature():
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    with pytest.raises(LogRegInputError, match=r"'sleep'.*same value in every row"):
        Standardizer.fit(X, ["hours", "sleep"])


def test_tables_reproduce_seed_001(five_points):
    X, y = five_points
    grad = loss_and_gradients(X, y, [2.197], -6.593)
    rows = breakdown_table(X, y, grad, ["x"])
    assert list(rows.columns) == ["x", "y", "z", "p", "loss", "p - y", "(p - y) * x"]
    assert rows.index.tolist() == [1, 2, 3, 4, 5]
    # the seed's rounded columns
    assert rows["z"].round(3).tolist() == [-4.396, -2.199, -0.002, 2.195, 4.392]
    assert rows["p"].round(3).tolist() == [0.012, 0.100, 0.500, 0.900, 0.988]
    assert rows["loss"].round(3).tolist() == [0.012, 0.105, 0.692, 0.106, 0.012]
    totals = totals_table(grad, ["x"])
    assert totals.loc["mean", "(p - y) * x"] == pytest.approx(0.249686, abs=5e-7)
    assert totals.loc["mean", "p - y"] == pytest.approx(0.0998183, abs=5e-8)
    assert totals.loc["sum", "(p - y) * x"] == pytest.approx(5 * 0.249686, abs=3e-6)
    assert totals.loc["mean", "loss"] == pytest.approx(grad.loss)
    update = update_table([2.197], -6.593, grad, 0.1, ["x"])
    assert update.index.tolist() == ["w[x]", "b"]
    assert update["new value"].round(6).tolist() == [2.172031, -6.602982]
    w_new, b_new, _ = step(X, y, [2.197], -6.593, 0.1)
    assert update["new value"].tolist() == [w_new[0], b_new]


def test_update_table_splits_l2(five_points):
    X, y = five_points
    grad = loss_and_gradients(X, y, [1.0], -3.0, l2=0.2)
    update = update_table([1.0], -3.0, grad, 0.5, ["x"], l2=0.2)
    assert update.loc["w[x]", "L2 term"] == pytest.approx(0.2)
    assert update.loc["b", "L2 term"] == 0.0
    assert (update["data gradient"] + update["L2 term"]).tolist() == pytest.approx(
        update["gradient"].tolist()
    )


def test_apply_edits_moves_flips_adds_and_deletes():
    from logreg_core.tables import apply_edits, editable_frame, edited_arrays

    frame = editable_frame(np.arange(1.0, 6.0)[:, None], np.array([0, 0, 0, 1, 1.0]), ["x"])
    assert frame["label"].tolist() == [False, False, False, True, True]
    assert apply_edits(frame, None).equals(frame)
    edited = apply_edits(frame, {
        "edited_rows": {0: {"x": 1.5}, 2: {"label": True}},
        "deleted_rows": [4],
        "added_rows": [{"x": 7.0}, {"label": True}],
    })
    X, y = edited_arrays(edited)
    assert X[:5, 0].tolist() == [1.5, 2.0, 3.0, 4.0, 7.0] and np.isnan(X[5, 0])
    assert y.tolist() == [0, 0, 1, 1, 0, 1]  # the new row without a label is 0
    assert frame["x"].tolist() == [1, 2, 3, 4, 5]  # the original is untouched
