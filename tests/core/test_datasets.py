"""Built-in data sets, their notes, and standardization."""

import numpy as np
import pytest

from logreg_core import DATASETS, LogRegInputError, Standardizer, load_dataset
from logreg_core.datasets import constant_features


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_loads_with_a_source_note(name):
    data = load_dataset(name)
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert set(np.unique(data.y)) <= {0.0, 1.0}
    assert len(data.note) > 100 and data.note.startswith("# ")
    assert "seed" not in data.note.lower() and "shared/" not in data.note
    assert len(data.info.w0) in (0, data.n_features)
    assert not data.X.flags.writeable  # shared between sessions: nobody may change it


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


def test_breast_cancer_note_states_the_range_of_the_raw_features():
    cancer = load_dataset("breast_cancer")
    assert cancer.X.min() == 0 and cancer.X.max() == 4254
    assert cancer.feature_names[int(np.argmax(cancer.X.max(axis=0)))] == "worst_area"
    assert all("concav" in cancer.feature_names[j]
               for j in np.flatnonzero(cancer.X.min(axis=0) == 0))
    assert "0 (some concavity measurements) to 4,254 (the worst area)" in " ".join(
        cancer.note.split())


def test_notes_of_the_small_sets_say_only_what_holds_and_leave_the_best_fit_to_the_page():
    """A note is text as shipped; whether a best fit exists depends on L2 and on the learner's
    edits, so the page computes it (explain.best_fit_text) and no note claims it."""
    for name in ("five_points", "student", "wikipedia_students"):
        note = " ".join(load_dataset(name).note.split())
        assert "best fit" not in note and "minimum" not in note, name
    five = load_dataset("five_points")  # "split by any threshold between 3 and 4"
    assert np.all((five.X[:, 0] > 3.5) == (five.y == 1))
    assert "threshold between 3 and 4" in " ".join(five.note.split())
    wiki = load_dataset("wikipedia_students")
    rows = set(zip(wiki.X[:, 0], wiki.y, strict=True))
    assert (1.75, 1.0) in rows and (3.5, 0.0) in rows  # "1.75 h passed, 3.5 h failed"


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


def test_a_feature_of_tiny_values_is_not_constant():
    X = np.array([[1e-140, 1.0], [3e-140, 1.0 + 1e-15], [2e-140, 1.0]])
    assert constant_features(X, ["tiny", "rounding"]) == ["rounding"]
    scaled = Standardizer.fit(X[:, :1]).transform(X[:, :1])
    assert scaled[:, 0] == pytest.approx([-1.2247449, 1.2247449, 0.0], rel=1e-6)


@pytest.mark.parametrize("unit", [1e-300, 1e-155, 1e140])
def test_a_spread_whose_square_underflows_or_overflows_is_a_spread(unit):
    """Found by an upload walk: x = 1e-300 ... 5e-300 was called "the same value in every row"
    (its variance, about 2e-600, underflows to 0), and standardizing it "would divide by
    zero". Its z-scores are those of the same numbers in units of 1, written out here."""
    plain = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 1.5])
    X = (plain * unit)[:, None]
    assert constant_features(X, ["x"]) == []
    z = (plain - plain.mean()) / np.sqrt(np.mean((plain - plain.mean()) ** 2))
    assert Standardizer.fit(X).transform(X)[:, 0] == pytest.approx(z, rel=1e-12)


def test_a_title_that_gives_the_size_gives_the_datas():
    import re

    from logreg_core import DATASETS

    sized = []
    for name, info in DATASETS.items():
        if size := re.search(r"\((\d[\d,]*) × (\d+)\)", info.title):
            data = load_dataset(name)
            assert (int(size[1].replace(",", "")), int(size[2])) == data.X.shape, name
            sized.append(name)
    assert {"breast_cancer", "iris_petals"} <= set(sized)


def condition_of(x):
    """`single_feature_condition` of one feature, from its robust mean and spread."""
    from logreg_core.datasets import single_feature_condition
    from logreg_core.maths import column_mean_and_spread

    return single_feature_condition(*column_mean_and_spread(np.array(x, dtype=float)[:, None]))


@pytest.mark.parametrize(("x", "slow"), [
    ([1.0, 2.0, 3.0, 4.0, 5.0], False),  # the 5 points: κ = 70
    (list(np.linspace(20, 80, 10)), False),  # ages: κ = 2.2e4
    (list(np.linspace(1e4, 1e5, 10)), True),  # incomes: the bias crawls
    ([1000.0, 1001.0, 1002.0, 1003.0], True),  # spread 1 far from 0: nearly the bias
    ([1e-3, 2e-3, 3e-3, 4e-3], True),
])
def test_one_feature_beside_the_bias_is_slow_where_descent_would_crawl(x, slow):
    """The condition number of [x 1]ᵀ[x 1] by numpy, against the threshold 2e5 (about κ/2
    steps per factor e along the flatter direction, beyond the page's 100,000)."""
    A = np.column_stack([x, np.ones(len(x))])
    low, high = np.linalg.eigvalsh(A.T @ A)
    condition, found_slow = condition_of(x)
    assert condition == pytest.approx(np.log10(high / low), abs=1e-6)
    assert found_slow is slow is bool(high / low > 2e5)


@pytest.mark.parametrize("unit", [1e-300, 1e-150, 1e100])
def test_the_condition_of_one_feature_is_found_past_the_doubles(unit):
    """x = 1..4 in units u: [x 1]ᵀ[x 1] / 4 = [[7.5 u², 2.5 u], [2.5 u, 1]], whose determinant
    is the variance 1.25 u² (7.5 - 2.5²) and whose larger eigenvalue μ is 1 for u ≤ 1e-150
    (to within 1e-299) and 7.5 u² for u = 1e100 (to within 1e-200 of it): κ = μ² / 1.25 u²,
    1 / 1.25e-600 for u = 1e-300, which no double holds."""
    if unit < 1:
        expected = -np.log10(1.25) - 2 * np.log10(unit)  # μ = 1
    else:
        top = 7.5 * unit**2  # (+ 6.25 / 7.5: lost against 7.5e200)
        expected = 2 * np.log10(top) - np.log10(1.25) - 2 * np.log10(unit)
    condition, slow = condition_of([unit * k for k in (1, 2, 3, 4)])
    assert condition == pytest.approx(expected, abs=1e-9) and slow


def test_only_one_feature_that_varies_has_a_condition_here():
    from logreg_core.datasets import single_feature_condition

    assert single_feature_condition(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == (None, False)
    assert single_feature_condition(np.array([7.0]), np.array([0.0])) == (None, False)
