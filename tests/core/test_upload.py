"""Uploaded CSV files: every bad input gets its own code and a message naming the problem."""

import contextlib
import copy
import gzip
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logreg_core.datasets import Standardizer
from logreg_core.errors import LogRegInputError
from logreg_core.maths import MAX_ABS_FEATURE
from logreg_core.upload import (
    MAX_BYTES,
    MAX_FEATURES,
    MAX_ROWS,
    LabelMapping,
    ParsedTable,
    PreparedData,
    UploadError,
    constant_features,
    fit_standardizer,
    label_mapping,
    numeric_columns,
    prepare,
    read_csv_bytes,
    target_candidates,
)

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad_csv"


def read(name: str, **kwargs) -> ParsedTable:
    return read_csv_bytes((CORPUS / name).read_bytes(), **kwargs)


def read_error(data: bytes, **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        read_csv_bytes(data, **kwargs)
    return info.value


def prepare_error(frame: pd.DataFrame, target: str, features: list[str], **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        prepare(frame, target, features, **kwargs)
    return info.value


def prepare_file(name: str, **kwargs) -> PreparedData:
    """`prepare` with the last column as the target and the others as features."""
    frame = read(name).frame
    return prepare(frame, frame.columns[-1], list(frame.columns[:-1]), **kwargs)


def prepare_file_error(name: str, **kwargs) -> UploadError:
    frame = read(name).frame
    return prepare_error(frame, frame.columns[-1], list(frame.columns[:-1]), **kwargs)


def assert_plain_sentences(message: str) -> None:
    """One or two sentences, with a 'what to do' after the colon."""
    assert (message[0].isupper() or message[0].isdigit()) and message.endswith("."), message
    assert ": " in message, message
    assert "\n" not in message


# --------------------------------------------------------------------------------------------
# The corpus: one file per case
# --------------------------------------------------------------------------------------------

#: file -> (code, fragments the message must contain)
READ_ERRORS = {
    "empty.csv": ("empty", ["empty", "0 bytes"]),
    "whitespace_only.csv": ("empty", ["blank space"]),
    "header_only.csv": ("header_only", ["'sepal_length'", "'species'", "no data rows"]),
    "binary_png.csv": ("not_text", ["PNG image"]),
    "xlsx_renamed.csv": ("not_text", ["Excel workbook (.xlsx)", "CSV UTF-8"]),
    "pickle.csv": ("not_text", ["Python pickle", "never opened"]),
    "prose.csv": ("not_csv", ["ordinary text", "header row"]),
    "single_column.csv": ("single_column", ["one column", "'score'", "separates the values"]),
    "duplicate_columns.csv": ("duplicate_columns", ["'x'", "more than once"]),
    "empty_column_name.csv": ("empty_column_name", ["Column 2", "no name"]),
    "uneven_rows.csv": ("uneven_rows", ["Line 4", "4 values", "3 column names"]),
}

#: file -> (shape, delimiter, encoding, notes)
VALID = {
    "latin1.csv": ((5, 4), ",", "latin-1", ("Read as latin-1 (not UTF-8).",)),
    "semicolon.csv": ((6, 3), ";", "utf-8", ("Detected ';' as the delimiter.",)),
    "tab.csv": ((4, 3), "\t", "utf-8", ("Detected tab as the delimiter.",)),
    "bom_utf8.csv": ((3, 3), ",", "utf-8-sig", ()),
    "html_injection.csv": ((4, 5), ",", "utf-8", ()),
    "text_labels.csv": ((6, 3), ",", "utf-8", ()),
    "one_class.csv": ((4, 3), ",", "utf-8", ()),
    "three_classes.csv": ((6, 3), ",", "utf-8", ()),
    "non_numeric_feature.csv": ((4, 4), ",", "utf-8", ()),
    "missing_values.csv": ((6, 3), ",", "utf-8", ()),
    "inf_values.csv": ((4, 3), ",", "utf-8", ()),
    "huge_values.csv": ((4, 3), ",", "utf-8", ()),
    "constant_feature.csv": ((4, 3), ",", "utf-8", ()),
}

#: file -> (code prepare raises with the last column as target, fragments, columns attribute)
PREPARE_ERRORS = {
    "one_class.csv": ("one_class", ["'label'", "only one class", "'yes'"], ["label"]),
    "three_classes.csv": (
        "many_classes", ["'species'", "3 distinct values", "'setosa'", "'virginica'"], ["species"]
    ),
    "non_numeric_feature.csv": ("non_numeric", ["'city'", "untick"], ["city"]),
    "missing_values.csv": ("missing_values", ["3 rows of 6", "'x1'", "'x2'", "'label'"],
                           ["label", "x1", "x2"]),
    "inf_values.csv": ("non_finite", ["'x1'", "'x2'", "infinite"], ["x1", "x2"]),
    "huge_values.csv": ("too_big_values", ["'x2'", "1e+150"], ["x2"]),
}


def test_corpus_is_complete_small_and_documented():
    files = {p.name for p in CORPUS.iterdir()} - {"README.md"}
    assert files == set(READ_ERRORS) | set(VALID)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert (CORPUS / name).stat().st_size < 20 * 1024
        assert f"`{name}`" in readme


@pytest.mark.parametrize("name", list(READ_ERRORS))
def test_bad_file_has_its_code_and_names_the_problem(name):
    code, fragments = READ_ERRORS[name]
    err = read_error((CORPUS / name).read_bytes())
    assert err.code == code
    assert isinstance(err, LogRegInputError)
    for fragment in fragments:
        assert fragment in str(err)
    assert_plain_sentences(str(err))


@pytest.mark.parametrize("name", list(VALID))
def test_valid_file_parses(name):
    shape, delimiter, encoding, notes = VALID[name]
    table = read(name)
    assert table.frame.shape == shape
    assert table.delimiter == delimiter
    assert table.encoding == encoding
    assert table.notes == notes
    assert table.n_rows_in_file == shape[0] and not table.sampled
    assert list(table.frame.index) == list(range(shape[0]))


@pytest.mark.parametrize("name", list(PREPARE_ERRORS))
def test_file_that_parses_but_cannot_train(name):
    code, fragments, columns = PREPARE_ERRORS[name]
    err = prepare_file_error(name)
    assert err.code == code
    for fragment in fragments:
        assert fragment in str(err)
    assert sorted(err.columns) == columns
    assert_plain_sentences(str(err))


def test_parsed_values_of_the_valid_files():
    latin = read("latin1.csv").frame
    assert list(latin.columns) == ["ville", "température", "durée", "réussi"]
    assert latin["ville"].tolist()[:2] == ["Zürich", "München"]
    assert latin["température"].dtype == float and latin["durée"].dtype == np.int64

    semi = read("semicolon.csv").frame
    assert semi["hours"].tolist() == [0.5, 1.75, 2.0, 3.25, 4.0, 4.5]

    bom = read("bom_utf8.csv").frame
    assert list(bom.columns) == ["größe", "breite", "ok"]  # no "\ufeff" on the first name

    tab = read("tab.csv").frame
    assert tab.to_numpy().tolist()[0] == [0.1, 1.2, 0.0]


def test_html_and_markdown_in_names_and_cells_survive_verbatim():
    table = read("html_injection.csv")
    names = ["<script>alert(1)</script>", "**bold**", "$\\alpha$", "<img src=x onerror=alert(1)>",
             "label"]
    assert list(table.frame.columns) == names
    assert table.frame["label"].tolist() == ["<b>yes</b>", "**no**"] * 2
    assert numeric_columns(table.frame) == names[:4]
    assert target_candidates(table.frame) == ["label"]
    data = prepare(table.frame, "label", names[:4])
    assert data.feature_names == names[:4]
    assert data.mapping == LabelMapping("**no**", "<b>yes</b>")
    assert data.y.tolist() == [1, 0, 1, 0]
    # In messages the names are quoted like repr, never bare.
    err = prepare_error(table.frame, "label", [*names[:4], "label"])
    assert "'label'" in str(err)
    frame = table.frame.assign(**{"<b>x</b>": ["a", "b", "c", "d"]})
    err = prepare_error(frame, "label", ["**bold**", "<b>x</b>"])
    assert err.code == "non_numeric" and "'<b>x</b>'" in str(err)


def test_text_labels_map_and_train():
    data = prepare_file("text_labels.csv")
    assert data.mapping.describe() == "'no' → 0, 'yes' → 1"
    assert data.y.tolist() == [0, 1, 1, 0, 1, 0]
    assert data.X.shape == (6, 2) and data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert data.feature_names == ["age", "income"]
    assert data.dropped_rows == 0
    # age spreads over ~11, income over ~16,000: one learning rate cannot suit both
    assert data.scale_ratio > 100 and data.suggest_standardize
    swapped = prepare_file("text_labels.csv", swap_labels=True)
    assert swapped.mapping.describe() == "'yes' → 0, 'no' → 1"
    assert swapped.y.tolist() == [1, 0, 0, 1, 0, 1]


def test_missing_values_can_be_dropped():
    err = prepare_file_error("missing_values.csv")
    assert err.rows == 3 and "choose to drop those rows" in str(err)
    data = prepare_file("missing_values.csv", drop_missing=True)
    assert data.dropped_rows == 3
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 1.5], [4.0, 2.5]]
    assert data.y.tolist() == [0, 1, 1]


def test_constant_feature_trains_but_cannot_be_standardized():
    data = prepare_file("constant_feature.csv")
    assert data.X[:, 1].tolist() == [5.0] * 4
    assert data.scale_ratio == 1.0 and not data.suggest_standardize  # only x1 varies
    assert constant_features(data.X, data.feature_names) == ["bias_col"]
    with pytest.raises(UploadError) as info:
        fit_standardizer(data.X, data.feature_names)
    err = info.value
    assert err.code == "constant_feature" and err.columns == ["bias_col"]
    assert "'bias_col'" in str(err) and "standardization off" in str(err)
    assert_plain_sentences(str(err))
    # Standardizer's own error names the column too, when given the names.
    with pytest.raises(LogRegInputError, match="'bias_col'"):
        Standardizer.fit(data.X, data.feature_names)
    scaler = fit_standardizer(data.X[:, :1], ["x1"])
    assert np.allclose(scaler.transform(data.X[:, :1]).std(axis=0), 1.0)


def test_constant_features_agrees_with_standardizer():
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=20), np.full(20, 1e6), np.full(20, -2.5),
                         1e6 + 1e-3 * rng.normal(size=20)])
    names = ["a", "b", "c", "d"]
    assert constant_features(X, names) == ["b", "c"]
    with pytest.raises(LogRegInputError, match="'b', 'c'"):
        Standardizer.fit(X, names)
    Standardizer.fit(X[:, [0, 3]])  # the varying ones are fine
    assert constant_features(np.arange(3.0), ["x"]) == []
    with pytest.raises(ValueError, match="names"):
        constant_features(X, names[:2])


# --------------------------------------------------------------------------------------------
# Reading: more cases than the corpus holds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (gzip.compress(b"a,b\n1,2\n", mtime=0), "gzip-compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "old-style Excel workbook (.xls)"),
        (b"PK\x03\x04" + b"junk" * 10, "ZIP archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        ("x,y\n1,0\n".encode("utf-16"), "UTF-16"),
        ("x,y\n1,0\n2,1\n".encode("utf-16-le"), "UTF-16"),  # no byte-order mark
        (b"x,y\n1,\x000\n", "NUL bytes"),
        (bytes(range(1, 32)) * 10, "control characters"),
    ],
    ids=["pdf", "gzip", "xls", "zip", "jpeg", "utf16-bom", "utf16-le", "nul", "controls"],
)
def test_binary_files_are_named(data, fragment):
    err = read_error(data)
    assert err.code == "not_text"
    assert fragment in str(err)
    assert_plain_sentences(str(err))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"x": [1, 2], "y": [0, 1]}', "JSON"),
        ('[{"x": 1, "y": 0}, {"x": 2, "y": 1}]', "JSON"),
        ('{"x": 1, "y": 0}\n{"x": 2, "y": 1}\n', "JSON"),  # JSON lines
        ("<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>",
         "web page (HTML)"),
        ('<?xml version="1.0"?>\n<rows><row x="1"/></rows>', "XML"),
        ("{\\rtf1\\ansi x,y}", "rich-text (RTF)"),
        ("| x | y |\n|---|---|\n| 1 | 0 |\n| 2 | 1 |\n", "Markdown table"),
        ("Hello there, this is one sentence and not a table at all.", "ordinary text"),
    ],
)
def test_text_that_is_not_a_table_is_named(text, fragment):
    err = read_error(text.encode())
    assert err.code == "not_csv"
    assert fragment in str(err)


def test_free_text_columns_are_a_table_not_prose():
    reviews = (
        b"review,stars,liked\n"
        b"\"A slow start, but the second half is wonderful. Recommended.\",4,yes\n"
        b"\"Too long. I left before the end, sadly.\",2,no\n"
    )
    table = read_csv_bytes(reviews)
    assert table.frame.shape == (2, 3) and table.frame["stars"].tolist() == [4, 2]
    # The same without quotes: the commas inside the reviews are the problem, not prose.
    err = read_error(reviews.replace(b'"', b""))
    assert err.code == "uneven_rows" and err.line == 2
    # Tags as column names are names, not a web page.
    table = read_csv_bytes(b"<div>,<table>,y\n1,2,0\n3,4,1\n")
    assert list(table.frame.columns) == ["<div>", "<table>", "y"]


def test_upload_error_is_a_plain_input_error():
    err = read_error(b"x,x\n1,2\n")
    assert isinstance(err, LogRegInputError) and isinstance(err, ValueError)
    clone = copy.deepcopy(err)
    assert (clone.code, str(clone), clone.columns) == ("duplicate_columns", str(err), ["x"])


def test_single_column_messages():
    err = read_error(b"x y label\n1 2 0\n3 4 1\n")
    assert err.code == "single_column"
    assert "'x y label'" in str(err) and "separated by spaces" in str(err)
    long_header = "a" * 100
    err = read_error(f"{long_header}\n1\n2\n".encode())
    assert "'" + "a" * 39 + "…'" in str(err) and long_header not in str(err)
    # With an Excel "sep=" line the delimiter is given, and one column is still one column.
    err = read_error(b"sep=;\nx,y\n1,2\n")
    assert err.code == "single_column" and "'x,y'" in str(err) and "';' was used" in str(err)
    # An unnamed, empty second column does not count.
    assert read_error(b"x,\n1,\n2,\n").code == "single_column"


def test_header_with_one_name_over_wider_rows():
    err = read_error(b"x\n1,2,3\n4,5,6\n")
    assert err.code == "uneven_rows" and err.line == 1
    assert "1 column name" in str(err) and "3 values each" in str(err)


def test_uneven_rows_reports_the_first_line_and_the_count():
    err = read_error(b"a,b,y\n1,2,0\n\n3,4\n5,6,7,8\n9,9,9\n")
    assert err.code == "uneven_rows"
    assert err.line == 4 and err.rows == 2
    assert str(err).startswith("Line 4 has 2 values but the header has 3 column names (2 rows")
    assert "'1,,3'" in str(err)
    err = read_error(b"a;b;y\n1;2;0\n3;4\n")
    assert "'1;;3'" in str(err)


def test_unclosed_quotes():
    err = read_error(b'a,b,y\n1,"2,0\n3,4,1\n')
    assert err.code == "bad_quotes" and err.line == 2
    assert "line 2" in str(err)
    err = read_error(b'a,b,y\n1,2,0\n3,4,"1\n')
    assert err.code == "bad_quotes" and err.line == 3
    # A quoted value may hold the delimiter, quotes and line ends.
    table = read_csv_bytes(b'a,"b,1",y\n1,"he said ""hi""",0\n2,"two\nlines",1\n')
    assert list(table.frame.columns) == ["a", "b,1", "y"]
    assert table.frame["b,1"].tolist() == ['he said "hi"', "two\nlines"]


def test_duplicate_and_empty_names():
    err = read_error(b"x,y, x ,y,z\n1,2,3,4,5\n")
    assert err.code == "duplicate_columns" and err.columns == ["x", "y"]
    assert "'x', 'y'" in str(err)
    long_name = "n" * 60
    err = read_error(f"{long_name},{long_name},y\n1,2,0\n".encode())
    assert err.columns == [long_name] and long_name not in str(err)
    err = read_error(b",x,y\n0,1,0\n1,2,1\n")  # DataFrame.to_csv with its index
    assert err.code == "empty_column_name" and "Column 1" in str(err)
    assert "row number" in str(err)


def test_names_are_kept_as_text_and_stripped():
    table = read_csv_bytes(b' 1 , True ,NaN,"  sp ace ",y\n1,2,3,4,0\n5,6,7,8,1\n')
    assert list(table.frame.columns) == ["1", "True", "NaN", "sp ace", "y"]
    assert all(isinstance(c, str) for c in table.frame.columns)


def test_tidying_cells():
    table = read_csv_bytes(
        b"x, note ,y\n 1.5 , hi ,yes\n?, NA ,no\n,,\n2,null,yes\n3,  ,no\n,,,\n"
    )
    frame = table.frame
    assert frame["x"].tolist()[:1] == [1.5] and np.isnan(frame["x"][1])
    assert frame["note"].tolist()[0] == "hi" and frame["note"].isna().sum() == 3
    assert frame["y"].tolist() == ["yes", "no", "yes", "no"]
    assert table.n_rows_in_file == 4
    assert table.notes == ("Skipped 2 empty rows.",)


def test_numbers_need_no_help_from_the_delimiter():
    table = read_csv_bytes(b'x,y\n"1.5",0\n" NA ",1\n3,0\n')
    assert table.frame["x"].dtype == float and np.isnan(table.frame["x"][1])
    table = read_csv_bytes(b"x;z;t;y\n1,5;1;1.000;0\n-2,25e1;7;2;1\n3;,5;,5;0\n")
    assert table.frame["x"].tolist() == [1.5, -22.5, 3.0]
    assert table.frame["z"].tolist() == [1.0, 7.0, 0.5]
    assert table.frame["t"].tolist() == ["1.000", "2", ",5"]  # 1.000 may mean 1000: left as text
    assert table.notes == (
        "Detected ';' as the delimiter.",
        "Read ',' as the decimal mark (1,5 as 1.5) in 2 columns.",
    )
    # With commas as delimiters, a "1,5" cell is a quoted text value.
    table = read_csv_bytes(b'x,y\n"1,5",0\n2,1\n')
    assert table.frame["x"].tolist() == ["1,5", "2"]
    assert numeric_columns(table.frame) == ["y"]


def test_line_endings_and_sep_line():
    for end in (b"\r\n", b"\r", b"\n"):
        table = read_csv_bytes(end.join([b"x,y", b"1,0", b"2,1"]) + end)
        assert table.frame.to_numpy().tolist() == [[1, 0], [2, 1]]
    table = read_csv_bytes(b"sep=|\r\nx|y\r\n1,5|0\r\n")
    assert table.delimiter == "|" and table.frame["x"].tolist() == [1.5]
    assert table.notes[0] == "Detected '|' as the delimiter (from the file's 'sep=' line)."
    err = read_error(b"sep=;\n")
    assert err.code == "empty"
    err = read_error(b"sep=;\nx;y\n1;2\n1\n")
    assert err.code == "uneven_rows" and err.line == 4  # lines counted from the 'sep=' line


def test_trailing_delimiters_are_forgiven():
    table = read_csv_bytes(b"x,y,\n1,0,\n2,1,\n")
    assert list(table.frame.columns) == ["x", "y"]
    assert table.notes == ("Ignored column 3, which has no name and no values.",)
    table = read_csv_bytes(b"x,,y,,\n1,,0,,\n2,,1\n")
    assert list(table.frame.columns) == ["x", "y"]
    assert table.notes == ("Ignored columns 2, 4, 5, which have no name and no values.",)
    table = read_csv_bytes(b"x,y\n1,0,\n2,1,,\n3,0\n")
    assert table.frame.shape == (3, 2)
    assert table.notes == ("Ignored empty values past the last column on 2 rows.",)


def test_delimiter_detection_prefers_the_consistent_split():
    # ';' splits every line into 3; ',' only appears inside decimals.
    table = read_csv_bytes(b"a;b;y\n1,5;2,5;0\n3,5;4;1\n")
    assert table.delimiter == ";"
    # '|' with commas inside the text values
    table = read_csv_bytes(b"name|score|y\nSmith, J.|1|0\nDoe, A.|2|1\n")
    assert table.delimiter == "|" and table.frame["name"].tolist() == ["Smith, J.", "Doe, A."]
    # Tabs win over spaces and commas inside values.
    table = read_csv_bytes(b"a b\tc, d\ty\n1 2\t3\t0\n")
    assert table.delimiter == "\t" and list(table.frame.columns) == ["a b", "c, d", "y"]


def test_file_too_large_in_bytes():
    err = read_error(b"x" * (MAX_BYTES + 1))
    assert err.code == "too_large" and "10.0 MB" in str(err) and "10 MB" in str(err)
    assert_plain_sentences(str(err))


def test_read_rejects_programming_errors():
    with pytest.raises(TypeError):
        read_csv_bytes("x,y\n1,0\n")
    with pytest.raises(ValueError):
        read_csv_bytes(b"x,y\n1,0\n", max_rows=0)
    assert read_csv_bytes(bytearray(b"x,y\n1,0\n")).frame.shape == (1, 2)


# --------------------------------------------------------------------------------------------
# Too many rows: refused, or sampled with a seed
# --------------------------------------------------------------------------------------------


def rows_csv(n: int) -> bytes:
    """A CSV file of n rows: id 0..n-1, a feature, a 0/1 label."""
    lines = ["id,x,y"] + [f"{i},{i % 7 * 0.5},{i % 2}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def test_too_many_rows_at_the_default_limit():
    data = rows_csv(MAX_ROWS + 1)  # generated: ~0.8 MB, never stored
    err = read_error(data)
    assert err.code == "too_large" and err.rows == MAX_ROWS + 1
    assert "50,001 rows" in str(err) and "50,000" in str(err) and "random sample" in str(err)
    table = read_csv_bytes(data, sample_large=True)
    assert table.frame.shape == (MAX_ROWS, 3) and table.sampled
    assert table.n_rows_in_file == MAX_ROWS + 1
    assert table.notes == ("Kept a random sample of 50,000 of 50,001 rows (seed 0).",)
    assert read_csv_bytes(rows_csv(MAX_ROWS)).frame.shape == (MAX_ROWS, 3)


def test_sampling_is_seeded_and_keeps_file_order():
    data = rows_csv(500)
    first = read_csv_bytes(data, max_rows=120, sample_large=True, seed=7)
    again = read_csv_bytes(data, max_rows=120, sample_large=True, seed=7)
    other = read_csv_bytes(data, max_rows=120, sample_large=True, seed=8)
    ids = first.frame["id"].to_numpy()
    assert len(ids) == 120 and len(set(ids)) == 120
    assert np.all(np.diff(ids) > 0)  # original order
    assert list(first.frame.index) == list(range(120))
    expected = np.sort(np.random.default_rng(7).choice(500, size=120, replace=False))
    assert ids.tolist() == expected.tolist()
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert other.frame["id"].tolist() != ids.tolist()
    assert first.notes == ("Kept a random sample of 120 of 500 rows (seed 7).",)
    # Each row keeps its own values.
    assert (first.frame["x"] == first.frame["id"] % 7 * 0.5).all()
    # Under the limit nothing is sampled.
    small = read_csv_bytes(data, max_rows=500, sample_large=True)
    assert not small.sampled and small.notes == () and small.frame.shape == (500, 3)


# --------------------------------------------------------------------------------------------
# Defaults for the UI
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
    # 1 and 1.0 are one value; 1 and "1" too (both read as "1").
    assert target_candidates(pd.DataFrame({"a": pd.Series([1, 1.0, "1", 0], dtype=object)})) == [
        "a"
    ]


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


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
    # Row order never decides the default.
    assert label_mapping(series[::-1]) == mapping
    swapped = label_mapping(series, swap=True)
    assert (swapped.negative, swapped.positive) == (positive, negative)
    assert swapped.encode(series.dropna()).tolist() == [1 - v for v in y]


def test_label_mapping_describe_quotes_user_text():
    assert LabelMapping("no", "yes").describe() == "'no' → 0, 'yes' → 1"
    assert LabelMapping("it's", "x" * 50).describe() == (
        "\"it's\" → 0, '" + "x" * 39 + "…' → 1"
    )


def test_label_mapping_errors():
    with pytest.raises(UploadError) as info:
        label_mapping(pd.Series(["a", "a", None], name="cls"))
    err = info.value
    assert err.code == "one_class" and err.values == ["a"] and err.columns == ["cls"]
    assert "'cls'" in str(err) and "'a'" in str(err)
    with pytest.raises(UploadError, match="no values") as info:
        label_mapping(pd.Series([np.nan, np.nan]))
    assert info.value.code == "one_class"
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
def table():
    return pd.DataFrame({
        "a": [1.0, 2.0, 3.0, 4.0],
        "b": [10, 20, 30, 5],
        "name": ["w", "x", "y", "z"],
        "y": ["no", "yes", "yes", "no"],
    })


def test_prepare_builds_checked_arrays(table):
    data = prepare(table, "y", ["b", "a", "b"])
    assert data.feature_names == ["b", "a"]
    assert data.X.tolist() == [[10, 1], [20, 2], [30, 3], [5, 4]]
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert data.y.dtype == np.float64 and data.y.tolist() == [0, 1, 1, 0]
    assert data.mapping == LabelMapping("no", "yes")
    assert data.scale_ratio == pytest.approx(table["b"].std(ddof=0) / table["a"].std(ddof=0))
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
def test_prepare_errors(table, target, features, code, fragment):
    err = prepare_error(table, target, features)
    assert err.code == code
    assert fragment in str(err)
    assert_plain_sentences(str(err))


def test_prepare_too_many_features():
    frame = pd.DataFrame(np.ones((3, MAX_FEATURES + 2)), columns=[f"f{i}" for i in range(102)])
    frame["y"] = [0, 1, 0]
    err = prepare_error(frame, "y", [f"f{i}" for i in range(MAX_FEATURES + 1)])
    assert err.code == "too_many_features" and "101 feature columns" in str(err)
    prepare(frame, "y", [f"f{i}" for i in range(MAX_FEATURES)])


def test_prepare_non_numeric_names_every_column_truncated():
    names = [f"text column number {i} " + "x" * 40 for i in range(3)]
    frame = pd.DataFrame({n: ["a", "b"] for n in names} | {"ok": [1, 2], "y": [0, 1]})
    err = prepare_error(frame, "y", ["ok", *names])
    assert err.code == "non_numeric" and err.columns == names
    for n in names:
        assert repr(n[:39] + "…") in str(err)
        assert n not in str(err)
    # Booleans are labels, not features.
    err = prepare_error(pd.DataFrame({"f": [True, False], "y": [0, 1]}), "y", ["f"])
    assert err.code == "non_numeric"


def test_prepare_missing_values():
    frame = pd.DataFrame({
        "a": [1.0, np.nan, 3.0, 4.0, 5.0],
        "b": pd.array([1, 2, None, 4, 5], dtype="Int64"),
        "y": ["p", "q", "p", None, "q"],
    })
    err = prepare_error(frame, "y", ["a", "b"])
    assert err.code == "missing_values" and err.rows == 3 and err.columns == ["y", "a", "b"]
    assert str(err).startswith("3 rows of 5 have missing values (in 'y', 'a', 'b')")
    data = prepare(frame, "y", ["a", "b"], drop_missing=True)
    assert data.dropped_rows == 3 and data.X.tolist() == [[1, 1], [5, 5]]
    assert data.y.tolist() == [0, 1]
    # Dropping rows may leave one class ...
    err = prepare_error(frame.assign(y=["p", "q", "p", "p", "p"]), "y", ["a", "b"],
                        drop_missing=True)
    assert err.code == "one_class"
    # ... or nothing at all.
    err = prepare_error(frame.assign(a=np.nan), "y", ["a"], drop_missing=True)
    assert err.code == "missing_values" and "Every row" in str(err)


def test_prepare_non_finite_and_huge():
    frame = pd.DataFrame({"a": [1.0, np.inf], "b": [1.0, -np.inf], "c": [1.0, 2.0], "y": [0, 1]})
    err = prepare_error(frame, "y", ["a", "c", "b"])
    assert err.code == "non_finite" and err.columns == ["a", "b"]
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
    assert err.code == "duplicate_columns" and err.columns == ["x"]


def test_scale_ratio_ignores_constant_and_overflowing_features():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "c": [7.0] * 4, "y": [0, 1, 0, 1],
                          "w": [-1e150, 1e150, -1e150, 1e150]})
    data = prepare(frame, "y", ["a", "c"])
    assert data.scale_ratio == 1.0
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
        table = read_csv_bytes(data)
    except UploadError as err:
        assert err.code and str(err) and "\n" not in str(err)
        return
    assert table.frame.shape[1] >= 2 and len(table.frame) >= 1


CSV_ALPHABET = st.sampled_from([*',;\t|"\n\r 0123456789.-+eEinfaNAyes?x', "\r\n", "é"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CSV_ALPHABET, max_size=120).map("".join),
       st.sampled_from(["utf-8", "latin-1", "utf-8-sig"]))
def test_random_csv_like_text_raises_only_upload_errors(text, encoding):
    try:
        table = read_csv_bytes(text.encode(encoding))
    except UploadError as err:
        assert err.code and str(err) and "\n" not in str(err)
        return
    frame = table.frame
    assert frame.shape[1] >= 2 and len(frame) >= 1
    assert len(set(frame.columns)) == frame.shape[1] and all(frame.columns)
    # Whatever parsed can be offered to prepare without any other exception.
    for target in frame.columns[:2]:
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
    n_cols = draw(st.integers(min_value=1, max_value=4))
    columns = {}
    for j in range(n_cols):
        kind = draw(st.sampled_from(["float", "int", "object", "bool", "Int64"]))
        if kind == "float":
            values = draw(st.lists(st.floats(allow_nan=True, allow_infinity=True),
                                   min_size=n_rows, max_size=n_rows))
            columns[f"c{j}"] = pd.Series(values, dtype=float)
        elif kind == "int":
            values = draw(st.lists(st.integers(-(2**62), 2**62), min_size=n_rows,
                                   max_size=n_rows))
            columns[f"c{j}"] = pd.Series(values, dtype=np.int64)
        elif kind == "bool":
            columns[f"c{j}"] = pd.Series(draw(st.lists(st.booleans(), min_size=n_rows,
                                                       max_size=n_rows)), dtype=bool)
        elif kind == "Int64":
            values = draw(st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=n_rows,
                                   max_size=n_rows))
            columns[f"c{j}"] = pd.array(values, dtype="Int64")
        else:
            columns[f"c{j}"] = pd.Series(draw(st.lists(CELLS, min_size=n_rows,
                                                       max_size=n_rows)), dtype=object)
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
    except UploadError as err:
        assert err.code and str(err)
        return
    except LogRegInputError:
        return
    X, y = prepared.X, prepared.y
    assert X.shape == (len(y), len(prepared.feature_names)) and len(y) >= 1
    assert np.all(np.isfinite(X)) and np.abs(X).max() <= MAX_ABS_FEATURE
    assert set(np.unique(y)) == {0.0, 1.0}
    assert prepared.scale_ratio >= 1.0
    assert prepared.dropped_rows == len(frame) - len(y)
    constant_features(X, prepared.feature_names)


def test_csv_written_by_pandas_reads_back_the_same_numbers():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.normal(size=(40, 3)) * [1, 1e-8, 1e9], columns=["a", "b", "c"])
    frame["y"] = rng.integers(0, 2, size=40)
    table = read_csv_bytes(frame.to_csv(index=False).encode())
    pd.testing.assert_frame_equal(table.frame, frame)
    assert table.delimiter == ","


def test_nothing_is_unpickled(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle.loads must never be called")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pd, "read_pickle", refuse)
    assert read("tab.csv").frame.shape == (4, 3)
    err = read_error((CORPUS / "pickle.csv").read_bytes())
    assert err.code == "not_text"
