"""From a parsed upload to X and y (`logreg_core.csv_reader`): the label and feature choices the
page offers, the label mapping, `prepare`'s checks, and random input that must raise only input
errors."""

import contextlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logreg_core.csv_reader import (
    MAX_FEATURES,
    LabelMapping,
    UploadError,
    label_mapping,
    numeric_columns,
    prepare,
    read_csv_bytes,
    target_candidates,
)
from logreg_core.errors import LogRegInputError
from logreg_core.maths import MAX_ABS_FEATURE, column_mean_and_spread

from .csv_helpers import (
    assert_plain_sentences,
    prepare_error,
)

# --------------------------------------------------------------------------------------------
# Defaults for the UI, labels
# --------------------------------------------------------------------------------------------


def test_numeric_columns_and_target_candidates():
    frame = pd.DataFrame({
        "label": [0, 1, 1, 0],
        "x": [1.5, np.nan, 2.0, 3.0],
        "text": ["a", "b", "a", "b"],
        "flag": [True, False, True, True],
        "empty": [np.nan] * 4,
        "mixed": [1, "b", 2, 3],
        "objnum": pd.Series([1, 2.5, None, 4], dtype=object),
        "three": [1, 2, 3, 1],
        "y": ["yes", "no", None, "yes"],
    })
    assert numeric_columns(frame) == ["label", "x", "objnum", "three"]
    assert target_candidates(frame) == ["y", "label", "text", "flag"]
    assert target_candidates(frame.drop(columns="y")) == ["label", "text", "flag"]
    # 1 and 1.0 are one value; 1 and "1" too (both read as "1")
    mixed = pd.DataFrame({"a": pd.Series([1, 1.0, "1", 0], dtype=object)})
    assert target_candidates(mixed) == ["a"]
    # 0 and False are two labels, not one (pd.unique takes them as equal: encoding raised)
    both = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0],
                         "t": pd.Series([None, False, True, 0], dtype=object)})
    with pytest.raises(LogRegInputError, match="3 distinct values"):
        prepare(both, "t", ["x"])
    # a last column of one value is a label of one class (an upload walk: x was taken)
    assert target_candidates(pd.DataFrame({"x": [1, 2], "label": [1, 1]})) == ["label", "x"]


@pytest.mark.parametrize(
    ("values", "negative", "positive", "y"),
    [
        ([1, 0, 1], "0", "1", [1, 0, 1]),
        ([1.0, 0.0, np.nan], "0", "1", [1, 0]),
        (["1", "0"], "0", "1", [1, 0]),
        ([True, False], "False", "True", [1, 0]),
        (["TRUE", "false", "True"], "false", "TRUE", None),  # two spellings of true: 3 classes
        (["TRUE", "false"], "false", "TRUE", [1, 0]),
        (["yes", "no", "yes"], "no", "yes", [1, 0, 1]),
        (["M", "B", "M"], "B", "M", [1, 0, 1]),
        (["b", "A"], "A", "b", [1, 0]),  # case-insensitive order
        (["a", "A"], "A", "a", [1, 0]),  # equal ignoring case: still deterministic
        ([10, 9], "9", "10", [1, 0]),  # numbers in numeric order
        ([1, -1], "-1", "1", [1, 0]),
        ([0.5, 2.25], "0.5", "2.25", [0, 1]),
        (pd.Series([10**30, 10**30 + 1], dtype=object), str(10**30), str(10**30 + 1), [0, 1]),
    ],
)
def test_label_mapping(values, negative, positive, y):
    series = pd.Series(values, name="target")
    if y is None:
        with pytest.raises(UploadError, match="3 distinct values"):
            label_mapping(series)
        return
    mapping = label_mapping(series)
    assert (mapping.negative, mapping.positive) == (negative, positive)
    assert mapping.encode(series.dropna()).tolist() == y
    assert label_mapping(series[::-1]) == mapping  # row order never decides the default
    swapped = label_mapping(series, swap=True)
    assert (swapped.negative, swapped.positive) == (positive, negative)
    assert swapped.encode(series.dropna()).tolist() == [1 - v for v in y]


def test_label_mapping_describe_quotes_user_text():
    assert LabelMapping("no", "yes").describe() == "'no' → 0, 'yes' → 1"
    assert LabelMapping("it's", "x" * 50).describe() == "\"it's\" → 0, '" + "x" * 39 + "…' → 1"


def test_label_mapping_errors():
    with pytest.raises(UploadError) as info:
        label_mapping(pd.Series(["a", "a", None], name="cls"))
    err = info.value
    assert err.code == "one_class" and err.values == ["a"] and err.columns == ["cls"]
    assert "'cls'" in str(err) and "'a'" in str(err)
    assert_plain_sentences(str(err))
    with pytest.raises(UploadError, match="no values") as info:
        label_mapping(pd.Series([np.nan, np.nan]))
    assert info.value.code == "one_class" and info.value.columns == []
    with pytest.raises(UploadError) as info:
        label_mapping(pd.Series([f"c{i}" for i in range(8)], name="kind"))
    err = info.value
    assert err.code == "many_classes" and len(err.values) == 5
    assert "8 distinct values ('c0', 'c1', 'c2', 'c3', 'c4', ...)" in str(err)
    assert_plain_sentences(str(err))
    with pytest.raises(UploadError, match="3 distinct values"):
        label_mapping(pd.Series(np.arange(30) % 3 * 0.5))


# --------------------------------------------------------------------------------------------
# prepare: every error path
# --------------------------------------------------------------------------------------------


@pytest.fixture
def frame():
    return pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [10, 20, 30, 5],
                         "name": ["w", "x", "y", "z"], "y": ["no", "yes", "yes", "no"]})


def test_prepare_builds_checked_arrays(frame):
    data = prepare(frame, "y", ["b", "a", "b"])
    assert data.feature_names == ["b", "a"]
    assert data.X.tolist() == [[10, 1], [20, 2], [30, 3], [5, 4]]
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert data.y.dtype == np.float64 and data.y.tolist() == [0, 1, 1, 0]
    assert data.mapping == LabelMapping("no", "yes") and data.dropped_rows == 0
    assert data.scale_ratio == pytest.approx(frame["b"].std(ddof=0) / frame["a"].std(ddof=0))
    assert not data.suggest_standardize


@pytest.mark.parametrize(
    ("target", "features", "code", "fragment"),
    [
        ("y", ["a", "y"], "target_is_feature", "'y' is also ticked as a feature"),
        ("y", [], "no_features", "tick at least one"),
        ("y", ["a", "gone"], "unknown_column", "'gone'"),
        ("gone", ["a"], "unknown_column", "'gone'"),
        ("y", ["a", "name"], "non_numeric", "'name'"),
        ("name", ["a"], "many_classes", "4 distinct values"),
        ("a", ["b"], "many_classes", "'1', '2', '3', '4'"),
    ],
)
def test_prepare_errors(frame, target, features, code, fragment):
    err = prepare_error(frame, target, features)
    assert err.code == code and fragment in str(err)


def test_prepare_too_many_features():
    frame = pd.DataFrame(np.ones((3, MAX_FEATURES + 2)), columns=[f"f{i}" for i in range(102)])
    frame["y"] = [0, 1, 0]
    err = prepare_error(frame, "y", [f"f{i}" for i in range(MAX_FEATURES + 1)])
    assert err.code == "too_many_features" and "101 feature columns" in str(err)
    assert prepare(frame, "y", [f"f{i}" for i in range(MAX_FEATURES)]).X.shape == (3, 100)


def test_prepare_non_numeric_names_every_column_cut():
    names = [f"text column number {i} " + "x" * 40 for i in range(3)]
    frame = pd.DataFrame({n: ["a", "b"] for n in names} | {"ok": [1, 2], "y": [0, 1]})
    err = prepare_error(frame, "y", ["ok", *names])
    assert err.code == "non_numeric" and err.columns == names and "untick them" in str(err)
    for n in names:
        assert repr(n[:39] + "…") in str(err) and n not in str(err)
    # booleans are labels, not features
    err = prepare_error(pd.DataFrame({"f": [True, False], "y": [0, 1]}), "y", ["f"])
    assert err.code == "non_numeric" and "untick it" in str(err)


def test_prepare_missing_values():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0, 5.0],
                          "b": pd.array([1, 2, None, 4, 5], dtype="Int64"),
                          "y": ["p", "q", "p", None, "q"]})
    err = prepare_error(frame, "y", ["a", "b"])
    assert err.code == "missing_values" and err.rows == 3 and err.columns == ["y", "a", "b"]
    assert str(err).startswith("Rows with missing values: 3 of 5 (in 'y', 'a', 'b')")
    data = prepare(frame, "y", ["a", "b"], drop_missing=True)
    assert data.dropped_rows == 3 and data.X.tolist() == [[1, 1], [5, 5]]
    assert data.y.tolist() == [0, 1]
    # dropping rows may leave one class ...
    err = prepare_error(frame.assign(y=["p", "q", "p", "p", "p"]), "y", ["a", "b"],
                        drop_missing=True)
    assert err.code == "one_class"
    # ... or nothing at all
    err = prepare_error(frame.assign(a=np.nan), "y", ["a"], drop_missing=True)
    assert err.code == "missing_values" and "Every row" in str(err)


def test_prepare_non_finite_and_huge():
    frame = pd.DataFrame({"a": [1.0, np.inf], "b": [1.0, -np.inf], "c": [1.0, 2.0], "y": [0, 1]})
    err = prepare_error(frame, "y", ["a", "c", "b"])
    assert err.code == "non_finite" and err.columns == ["a", "b"] and "untick them" in str(err)
    big = MAX_ABS_FEATURE * 10
    frame = pd.DataFrame({"a": [1.0, -big], "c": [1.0, 2.0], "y": [0, 1],
                          "huge_int": pd.Series([1, 10**400], dtype=object)})
    err = prepare_error(frame, "y", ["a", "c", "huge_int"])
    assert err.code == "too_big_values" and err.columns == ["a", "huge_int"]
    ok = prepare(frame.assign(a=[1.0, -MAX_ABS_FEATURE]), "y", ["a", "c"])
    assert ok.X[1, 0] == -MAX_ABS_FEATURE and ok.suggest_standardize


def test_prepare_rejects_duplicate_columns_of_a_hand_made_frame():
    frame = pd.DataFrame([[1, 2, 0], [3, 4, 1]], columns=["x", "x", "y"])
    err = prepare_error(frame, "y", ["x"])
    assert err.code == "duplicate_columns" and err.columns == ["x"] and "table" in str(err)


def test_scale_ratio_ignores_constant_and_overflowing_features():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "c": [7.0] * 4, "y": [0, 1, 0, 1],
                          "w": [-1e150, 1e150, -1e150, 1e150]})
    assert prepare(frame, "y", ["a", "c"]).scale_ratio == 1.0
    data = prepare(frame, "y", ["a", "w"])
    assert data.scale_ratio == pytest.approx(1e150 / np.std([0, 1, 2, 3]))
    assert data.suggest_standardize


# --------------------------------------------------------------------------------------------
# Nothing but UploadError, whatever the input
# --------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_upload_errors(data):
    try:
        parsed = read_csv_bytes(data)
    except UploadError as err:
        assert err.code and str(err) and "\n" not in str(err)
        return
    assert parsed.frame.shape[1] >= 2 and len(parsed.frame) >= 1


CSV_ALPHABET = st.sampled_from([*',;\t|"\n\r 0123456789.-+eEinfaNAyes?x{[<#', "\r\n", "é",
                                "\x0b", "\x85", "\u2028", "\u200b"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CSV_ALPHABET, max_size=120).map("".join),
       st.sampled_from(["utf-8", "latin-1", "utf-8-sig"]))
def test_random_csv_like_text_raises_only_upload_errors(text, encoding):
    try:
        parsed = read_csv_bytes(text.encode(encoding, errors="replace"))
    except UploadError as err:
        assert err.code and str(err) and "\n" not in str(err)
        return
    frame = parsed.frame
    assert frame.shape[1] >= 2 and len(frame) >= 1
    assert len(set(frame.columns)) == frame.shape[1] and all(frame.columns)
    assert all(name.isprintable() and name == name.strip() for name in frame.columns)
    for target in frame.columns[:2]:  # whatever parsed can be offered to prepare
        features = [c for c in numeric_columns(frame) if c != target]
        with contextlib.suppress(UploadError):
            prepare(frame, target, features, drop_missing=True)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["yes", "no", "1", "0", "", "NA", "**x**", "<b>"]),
)


@st.composite
def frames(draw):
    n_rows = draw(st.integers(min_value=0, max_value=6))
    columns = {}
    for j in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["float", "int", "object", "bool", "Int64"]))
        size = {"min_size": n_rows, "max_size": n_rows}
        if kind == "float":
            values = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), **size))
            columns[f"c{j}"] = pd.Series(values, dtype=float)
        elif kind == "int":
            values = draw(st.lists(st.integers(-(2**62), 2**62), **size))
            columns[f"c{j}"] = pd.Series(values, dtype=np.int64)
        elif kind == "bool":
            columns[f"c{j}"] = pd.Series(draw(st.lists(st.booleans(), **size)), dtype=bool)
        elif kind == "Int64":
            values = draw(st.lists(st.one_of(st.none(), st.integers(-5, 5)), **size))
            columns[f"c{j}"] = pd.array(values, dtype="Int64")
        else:
            columns[f"c{j}"] = pd.Series(draw(st.lists(CELLS, **size)), dtype=object)
    return pd.DataFrame(columns)


@settings(max_examples=150, deadline=None)
@given(frames(), st.data())
def test_random_frames_through_prepare_raise_only_input_errors(frame, data):
    names = list(frame.columns)
    target = data.draw(st.sampled_from(names))
    features = data.draw(st.lists(st.sampled_from(names), max_size=4))
    swap, drop = data.draw(st.booleans()), data.draw(st.booleans())
    numeric_columns(frame)
    target_candidates(frame)
    try:
        prepared = prepare(frame, target, features, swap_labels=swap, drop_missing=drop)
    except LogRegInputError as err:
        assert str(err)
        return
    X, y = prepared.X, prepared.y
    assert X.shape == (len(y), len(prepared.feature_names)) and len(y) >= 1
    assert np.all(np.isfinite(X)) and np.abs(X).max() <= MAX_ABS_FEATURE
    assert set(np.unique(y)) == {0.0, 1.0}
    assert prepared.scale_ratio >= 1.0 and prepared.dropped_rows == len(frame) - len(y)


def test_spreads_whose_ratio_is_beyond_the_largest_double_are_kept_apart():
    """x = 1e149 to 4e149 and z = 1e-300, 3e-300, 2e-300, 1e-300: their population spreads,
    by hand in fractions, are sqrt(5/4) e149 and sqrt(11/16) e-300, a ratio of 1.35e449, past
    1.8e308 (scale_ratio is inf); the Data view said 'spreads differ by a factor of inf'.
    column_mean_and_spread computes each spread to its digits
    (the page divides them in log space)."""
    from fractions import Fraction
    from math import log10

    x = [Fraction(k) * Fraction(10) ** 149 for k in (1, 2, 3, 4)]
    z = [Fraction(k) * Fraction(10) ** -300 for k in (1, 3, 2, 1)]

    def variance(values):
        mean = sum(values) / len(values)
        return sum((v - mean) ** 2 for v in values) / len(values)

    frame = pd.DataFrame({"x": [float(v) for v in x], "z": [float(v) for v in z],
                          "y": [0, 0, 1, 1]})
    data = prepare(frame, "y", ["x", "z"])
    assert data.scale_ratio == np.inf and data.suggest_standardize
    largest, smallest = column_mean_and_spread(data.X)[1]
    assert largest ** 2 == pytest.approx(float(variance(x)), rel=1e-12)
    assert smallest == pytest.approx(float(variance(z) * Fraction(10) ** 600) ** 0.5 * 1e-300,
                                     rel=1e-12)
    exact_log10 = (log10(variance(x).numerator) - log10(variance(x).denominator)
                   - log10(variance(z).numerator) + log10(variance(z).denominator)) / 2
    assert f"{10 ** (exact_log10 - 449):.3g}e+449" == "1.35e+449"


def exact_spread(values):
    """The population spread of the held doubles: the variance in fractions, its square root
    in mpmath (at the caller's precision)."""
    from fractions import Fraction

    import mpmath

    exact = [Fraction(v) for v in values]
    mean = sum(exact) / len(exact)
    variance = sum((v - mean) ** 2 for v in exact) / len(exact)
    return mpmath.sqrt(mpmath.mpf(variance.numerator) / variance.denominator)


@pytest.mark.parametrize("x_unit", [1e149, 1e-20])
def test_a_subnormal_spread_keeps_its_digits_in_the_ratio(x_unit):
    """z = 1e-323, 3e-323, 2e-323, 1e-323 holds 2, 6, 4, 2 times 2^-1074 (checked in
    fractions): its spread is sqrt(11/4) 2^-1074 = 8.19e-324, which as a double rounds to
    9.88e-324 (2^-1073). Beside x = 1, 2, 3, 4 times ``x_unit`` the ratio of spreads, by
    fractions and mpmath, is 1.365e472 (past the largest double) or 1.365e303 (a double);
    the Data view read 'a factor of 1.13e+472' from the rounded spread."""
    from fractions import Fraction

    import mpmath

    xs = [k * x_unit for k in (1.0, 2.0, 3.0, 4.0)]
    zs = [1e-323, 3e-323, 2e-323, 1e-323]
    tick = Fraction(2) ** -1074
    assert [Fraction(v) / tick for v in zs] == [2, 6, 4, 2]
    mpmath.mp.dps = 60
    exact = mpmath.log10(exact_spread(xs) / exact_spread(zs))
    data = prepare(pd.DataFrame({"x": xs, "z": zs, "y": [0, 0, 1, 1]}), "y", ["x", "z"])
    assert data.log10_scale_ratio == pytest.approx(float(exact), abs=1e-12)
    if exact < 308:
        assert data.scale_ratio == pytest.approx(float(10 ** exact), rel=1e-10)
    else:
        assert data.scale_ratio == np.inf
