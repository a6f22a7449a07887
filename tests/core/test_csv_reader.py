"""Uploaded CSV files (`logreg_core.csv_reader`): every bad input gets a code and a message that
says what is wrong and what to do; wide headers and odd column names cost nothing."""

import builtins
import copy
import gzip
import io
import pickle
import re
import tempfile
import tomllib
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logreg_core import csv_reader
from logreg_core.csv_reader import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_FEATURES,
    MAX_ROWS,
    LabelMapping,
    numeric_columns,
    prepare,
    read_csv_bytes,
    target_candidates,
)
from logreg_core.errors import LogRegInputError

from .csv_helpers import (
    CORPUS,
    NOT_A_TABLE,
    ROOT,
    prepare_error,
    prepare_file,
    read,
    read_error,
    table,
)

# --------------------------------------------------------------------------------------------
# The corpus: one file per case
# --------------------------------------------------------------------------------------------

#: file -> (code, fragments the message must contain)
READ_ERRORS = {
    "empty.csv": ("empty", ["empty", "0 bytes"]),
    "whitespace_only.csv": ("empty", ["blank space"]),
    "header_only.csv": ("header_only", ["'sepal_length'", "'species'", "no data rows"]),
    "binary_png.csv": ("not_text", ["NUL bytes"]),
    "xlsx_renamed.csv": ("not_text", ["Excel workbook (.xlsx)", "CSV UTF-8"]),
    "pickle.csv": ("not_text", ["Python pickle", "never opened"]),
    "prose.csv": ("not_csv", [NOT_A_TABLE]),
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
    "missing_values.csv": ("missing_values", ["Rows with missing values: 3 of 6", "'x1'",
                                              "'x2'", "'label'"], ["label", "x1", "x2"]),
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
    assert err.code == code and isinstance(err, LogRegInputError)
    for fragment in fragments:
        assert fragment in str(err)


@pytest.mark.parametrize("name", list(VALID))
def test_valid_file_parses(name):
    shape, delimiter, encoding, notes = VALID[name]
    parsed = read(name)
    assert parsed.frame.shape == shape
    assert (parsed.delimiter, parsed.encoding, parsed.notes) == (delimiter, encoding, notes)
    assert parsed.n_rows_in_file == shape[0] and not parsed.sampled
    assert list(parsed.frame.index) == list(range(shape[0]))


@pytest.mark.parametrize("name", list(PREPARE_ERRORS))
def test_file_that_parses_but_cannot_train(name):
    code, fragments, columns = PREPARE_ERRORS[name]
    frame = read(name).frame
    err = prepare_error(frame, frame.columns[-1], list(frame.columns[:-1]))
    assert err.code == code and sorted(err.columns) == columns
    for fragment in fragments:
        assert fragment in str(err)


def test_parsed_values_of_the_valid_files():
    latin = read("latin1.csv").frame
    assert list(latin.columns) == ["ville", "température", "durée", "réussi"]
    assert latin["ville"].tolist()[:2] == ["Zürich", "München"]
    assert latin["température"].dtype == float and latin["durée"].dtype == np.int64
    assert read("semicolon.csv").frame["hours"].tolist() == [0.5, 1.75, 2.0, 3.25, 4.0, 4.5]
    assert list(read("bom_utf8.csv").frame.columns) == ["größe", "breite", "ok"]  # no BOM
    assert read("tab.csv").frame.to_numpy().tolist()[0] == [0.1, 1.2, 0.0]


def test_html_and_markdown_in_names_and_cells_survive_verbatim():
    parsed = read("html_injection.csv")
    names = ["<script>alert(1)</script>", "**bold**", "$\\alpha$", "<img src=x onerror=alert(1)>",
             "label"]
    assert list(parsed.frame.columns) == names
    assert parsed.frame["label"].tolist() == ["<b>yes</b>", "**no**"] * 2
    assert numeric_columns(parsed.frame) == names[:4]
    assert target_candidates(parsed.frame) == ["label"]
    data = prepare(parsed.frame, "label", names[:4])
    assert data.feature_names == names[:4] and data.y.tolist() == [1, 0, 1, 0]
    assert data.mapping == LabelMapping("**no**", "<b>yes</b>")
    assert "'label'" in str(prepare_error(parsed.frame, "label", [*names[:4], "label"]))
    frame = parsed.frame.assign(**{"<b>x</b>": ["a", "b", "c", "d"]})
    err = prepare_error(frame, "label", ["**bold**", "<b>x</b>"])
    assert err.code == "non_numeric" and "'<b>x</b>'" in str(err)


def test_text_labels_map_and_train():
    data = prepare_file("text_labels.csv")
    assert data.mapping.describe() == "'no' → 0, 'yes' → 1"
    assert data.y.tolist() == [0, 1, 1, 0, 1, 0] and data.feature_names == ["age", "income"]
    assert data.X.shape == (6, 2) and data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert data.dropped_rows == 0
    # age spreads over ~11, income over ~16,000: one learning rate cannot suit both
    assert data.scale_ratio > 100 and data.suggest_standardize
    swapped = prepare_file("text_labels.csv", swap_labels=True)
    assert swapped.mapping.describe() == "'yes' → 0, 'no' → 1"
    assert swapped.y.tolist() == [1, 0, 0, 1, 0, 1]


def test_missing_values_can_be_dropped():
    frame = read("missing_values.csv").frame
    err = prepare_error(frame, "label", ["x1", "x2"])
    assert err.rows == 3 and "choose to drop those rows" in str(err)
    data = prepare_file("missing_values.csv", drop_missing=True)
    assert data.dropped_rows == 3 and data.y.tolist() == [0, 1, 1]
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 1.5], [4.0, 2.5]]


def test_constant_feature_trains():
    data = prepare_file("constant_feature.csv")
    assert data.X[:, 1].tolist() == [5.0] * 4
    assert data.scale_ratio == 1.0 and not data.suggest_standardize  # only x1 varies


# --------------------------------------------------------------------------------------------
# Files that are not text, and text that is not a table
# --------------------------------------------------------------------------------------------


def zipped(*members: str, content: str = "<x/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (zipped("[Content_Types].xml", "xl/workbook.xml"), "Excel workbook (.xlsx)"),
        (zipped("mimetype", content="application/vnd.oasis.opendocument.spreadsheet"),
         "OpenDocument spreadsheet (.ods)"),
        (zipped("word/document.xml"), "Word document (.docx)"),
        (zipped("data.csv"), "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(50), "old-style Excel workbook (.xls)"),
        (pickle.dumps({"x": [1.0]}, protocol=2), "Python pickle"),
        (pickle.dumps({"x": [1.0]}, protocol=5), "Python pickle"),
        ("x,y\n1,0\n".encode("utf-16"), "UTF-16"),
        ("x,y\n1,0\n2,1\n".encode("utf-16-le"), "UTF-16"),  # no byte-order mark
        ("x,y\n1,0\n2,1\n".encode("utf-16-be"), "UTF-16"),
        (b"x,y\n1,\x000\n", "NUL bytes"),
        (gzip.compress(b"a,b\n1,2\n", mtime=0), "NUL bytes"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "NUL bytes"),
        (b"SQLite format 3\x00" + bytes(100), "NUL bytes"),
    ],
    ids=["xlsx", "ods", "docx", "zip", "xls", "pickle2", "pickle5", "utf16-bom", "utf16-le",
         "utf16-be", "nul", "gzip", "jpeg", "sqlite"],
)
def test_files_that_are_not_text_are_refused(data, fragment):
    err = read_error(data)
    assert err.code == "not_text" and fragment in str(err)


@pytest.mark.parametrize(
    "text",
    [
        '{"x": [1, 2], "y": [0, 1]}',
        '[{"x": 1, "y": 0}, {"x": 2, "y": 1}]',
        '{"x": 1, "y": 0}\n{"x": 2, "y": 1}\n',  # JSON lines: two columns to csv
        "<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table></body></html>",
        '<?xml version="1.0"?>\n<rows><row x="1"/></rows>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10">\n<rect/>\n</svg>',
        "{\\rtf1\\ansi x,y}",
        "| x | y |\n|---|---|\n| 1 | 0 |\n| 2 | 1 |\n",
        "| x | y |\n| :-- | --: |\n| 1 | 0 |\n",
        "Hello there, this is one sentence and not a table at all.",
        "sep=;\n{\"x\": 1}\n",
    ],
    ids=["json", "json-list", "json-lines", "html", "xml", "svg", "rtf", "markdown",
         "markdown-aligned", "prose", "json-after-sep"],
)
def test_text_that_is_not_a_table_gets_the_one_message(text):
    err = read_error(text.encode())
    assert (err.code, str(err)) == ("not_csv", NOT_A_TABLE)


@pytest.mark.parametrize(("header", "name"), [(b'"\r|-\r"', "|-"), (b'"a|\r|-\r"', "a| |-")],
                         ids=["cr", "pipe-in-quotes"])
def test_a_quoted_name_with_a_line_break_and_dashes_is_no_markdown(header, name):
    """Found by the random-names test: the quoted name "\r|-\r" put a line of its own that
    looked like Markdown's |---| rule under a header that was no Markdown header."""
    parsed = read_csv_bytes(header + b",label\n0,0\n0,1\n")
    assert list(parsed.frame.columns) == [name, "label"]


def test_tables_that_look_like_markup_or_prose_are_tables():
    reviews = (b"review,stars,liked\n"
               b"\"A slow start, but the second half is wonderful. Recommended.\",4,yes\n"
               b"\"Too long. I left before the end, sadly.\",2,no\n")
    assert read_csv_bytes(reviews).frame["stars"].tolist() == [4, 2]
    # the same without quotes: the commas inside the reviews are the problem, not prose
    err = read_error(reviews.replace(b'"', b""))
    assert err.code == "uneven_rows" and err.line == 2
    assert list(read_csv_bytes(b"<div>,<table>,y\n1,2,0\n3,4,1\n").frame.columns) == [
        "<div>", "<table>", "y"]
    parsed = read_csv_bytes(b"score|passed the exam?\n1|yes\n2|no\n")
    assert list(parsed.frame.columns) == ["score", "passed the exam?"]


def test_nothing_is_unpickled(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nothing may be unpickled")

    for name in ("loads", "load", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(pd, "read_pickle", refuse)
    assert read("tab.csv").frame.shape == (4, 3)
    assert read_error((CORPUS / "pickle.csv").read_bytes()).code == "not_text"


def test_parsing_stays_in_memory(monkeypatch):
    data = (CORPUS / "text_labels.csv").read_bytes()
    read_csv_bytes(data)  # any lazy imports happen here, before files are refused

    def refuse(*args, **kwargs):
        raise AssertionError("no file may be opened or created")

    for module, name in [(builtins, "open"), (io, "open"), (tempfile, "mkstemp"),
                         (tempfile, "NamedTemporaryFile"), (tempfile, "TemporaryFile")]:
        monkeypatch.setattr(module, name, refuse)
    assert read_csv_bytes(data).frame.shape == (6, 3)
    assert read_csv_bytes(b"x;y\n1,5;0\n2,5;1\n").frame["x"].tolist() == [1.5, 2.5]


# --------------------------------------------------------------------------------------------
# Wide files, byte limit
# --------------------------------------------------------------------------------------------


def wide_csv(n_columns: int, n_rows: int = 2, delimiter: str = ",") -> bytes:
    header = delimiter.join(f"c{j}" for j in range(n_columns))
    rows = [delimiter.join(str((i + j) % 2) for j in range(n_columns)) for i in range(n_rows)]
    return table(header, *rows)


def test_wide_header_is_refused_before_any_table_is_built(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no table may be built from a header this wide")

    monkeypatch.setattr(pd, "read_csv", refuse)
    monkeypatch.setattr(pd, "DataFrame", refuse)
    data = wide_csv(100_000)
    assert 1_000_000 < len(data) < MAX_BYTES
    err = read_error(data)
    assert err.code == "too_many_columns"
    assert "100,000 columns" in str(err) and f"limit is {MAX_COLUMNS}" in str(err)
    # the rows below are never read: even unreadable ones do not change the answer
    assert read_error(data + b'"' + b"x" * 200_000 + b"\n").code == "too_many_columns"
    err = read_error(wide_csv(MAX_COLUMNS + 1, delimiter=";"))
    assert err.code == "too_many_columns" and f"{MAX_COLUMNS + 1} columns" in str(err)


def test_the_column_limit_is_the_features_and_the_label():
    assert MAX_COLUMNS == MAX_FEATURES + 1
    frame = read_csv_bytes(wide_csv(MAX_COLUMNS, n_rows=4)).frame
    assert frame.shape == (4, MAX_COLUMNS)
    data = prepare(frame, frame.columns[-1], list(frame.columns[:-1]))
    assert data.X.shape == (4, MAX_FEATURES)
    # empty names at the end of the header count too: they widen every row
    padded = wide_csv(MAX_COLUMNS - 1).replace(b"\n", b",,\n", 1)
    assert read_error(padded).code == "too_many_columns"
    # a row may add blank values past the header, but not beyond the limit
    assert read_csv_bytes(table("x,y", "1,0,,", "2,1")).frame.shape == (2, 2)
    err = read_error(table("x,y", "1,0" + "," * MAX_COLUMNS, "2,1"))
    assert err.code == "uneven_rows" and err.line == 2


def test_byte_limit_is_the_servers_in_megabytes_of_a_million_bytes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert MAX_BYTES == config["server"]["maxUploadSize"] * 10**6 == 10_000_000
    err = read_error(b"x" * (MAX_BYTES + 1))
    assert err.code == "too_large"
    assert "10.1 MB, over the 10 MB limit" in str(err) and "1,000,000 bytes" in str(err)
    assert read_error(b" " * MAX_BYTES).code == "empty"  # at the limit: read, not refused


# --------------------------------------------------------------------------------------------
# Column names: control and invisible characters, quotes, long names
# --------------------------------------------------------------------------------------------

INVISIBLE = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
             "\u2029", "\x01", "\x1f", "\t", "\x7f", "\x9f", "\u200b", "\u200e", "\u202e",
             "\u2066", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[repr(c) for c in INVISIBLE])
def test_a_control_or_invisible_character_in_a_name_becomes_a_space(char):
    name = f"a{char}b"
    parsed = read_csv_bytes(table(f'"{name}",y', "1,0", "2,1"))
    assert list(parsed.frame.columns) == ["a b", "y"]
    assert parsed.frame["a b"].tolist() == [1, 2]
    assert parsed.notes == (
        "Replaced line breaks and other invisible characters with spaces in column names: "
        f"{name!r} → 'a b'.",
    )


def test_runs_ends_and_many_renamed_names():
    header = ",".join(f'"{c}x{i}\r\n\x0b\u200b y{c}"' for i, c in enumerate(INVISIBLE[:7]))
    parsed = read_csv_bytes(table(header + ",label", *["1,2,3,4,5,6,7,0"] * 2))
    assert list(parsed.frame.columns) == [f"x{i}  y" for i in range(7)] + ["label"]
    note = parsed.notes[0]
    assert note.count(" → ") == 5 and note.endswith(", ....")
    assert repr("x0\r\n\x0b\u200b y") in note and "\n" not in note  # as written, stripped
    # a quoted line break in a name does not shift the lines of the rows below
    err = read_error(table('"a\nb",y', "1,0", "2"))
    assert err.code == "uneven_rows" and err.line == 4


def test_names_that_collide_once_cleaned_are_duplicates():
    err = read_error(table('"a\nb","a\u2028b",y', "1,2,0"))
    assert err.code == "duplicate_columns" and err.columns == ["a b"]
    assert "'a b'" in str(err) and "line breaks made spaces" in str(err)
    err = read_error(table('"\u200b",x,y', "1,2,0"))  # invisible only: no name at all
    assert err.code == "empty_column_name" and "Column 1" in str(err)


def test_quotes_backslashes_hashes_and_long_names_are_kept():
    long_name = "n" * 10_000
    header = f'"say ""hi""","""tri""",a\\b,#id,{long_name},"x\ny{"z" * 60}",label'
    parsed = read_csv_bytes(table(header, "1,2,3,4,5,6,0", "7,8,9,10,11,12,1"))
    names = ['say "hi"', '"tri"', "a\\b", "#id", long_name, "x y" + "z" * 60, "label"]
    assert list(parsed.frame.columns) == names and parsed.frame["#id"].tolist() == [4, 10]
    assert long_name not in parsed.notes[0] and repr("x\ny" + "z" * 36 + "…") in parsed.notes[0]
    data = prepare(parsed.frame, "label", names[:-1])
    assert data.feature_names == names[:-1] and data.X[1].tolist() == [7, 8, 9, 10, 11, 12]
    err = read_error(table(f"{long_name},{long_name},y", "1,2,0"))
    assert err.columns == [long_name] and repr("n" * 39 + "…") in str(err)
    assert long_name not in str(err)


NAME_CHARS = st.sampled_from([*"ab ,;|\"'#\\-", "\t", "\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c",
                              "\x85", "\u2028", "\u200b", "é"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(NAME_CHARS, max_size=6).map("".join), min_size=1, max_size=3))
def test_random_names_round_trip_cleaned(raw_names):
    names = [*raw_names, "label"]
    buffer = io.StringIO()
    csv_rows = [names, *[[*map(str, range(len(raw_names))), str(i % 2)] for i in range(2)]]
    pd.DataFrame(csv_rows).to_csv(buffer, header=False, index=False, quoting=1)
    # the reference: strip, each run of unprintable characters one space, strip again
    expected = [re.sub("\0+", " ", "".join(c if c.isprintable() else "\0" for c in n.strip()))
                .strip() for n in names]
    named = [e for e in expected if e]
    if len(named) < len(expected) or len(set(named)) < len(named):  # duplicates are found first
        code = "duplicate_columns" if len(set(named)) < len(named) else "empty_column_name"
        assert read_error(buffer.getvalue().encode()).code == code
        return
    parsed = read_csv_bytes(buffer.getvalue().encode())
    assert list(parsed.frame.columns) == expected
    assert parsed.frame["label"].tolist() == [0, 1]
    assert bool(parsed.notes) == any(n.strip() != e for n, e in zip(names, expected, strict=True))


# --------------------------------------------------------------------------------------------
# Reading: structure, delimiters, cells
# --------------------------------------------------------------------------------------------


def test_upload_error_is_a_plain_input_error_that_copies():
    err = read_error(b"x,x\n1,2\n")
    assert isinstance(err, LogRegInputError) and isinstance(err, ValueError)
    for clone in (copy.deepcopy(err), pickle.loads(pickle.dumps(err))):
        assert (clone.code, str(clone), clone.columns) == ("duplicate_columns", str(err), ["x"])


def test_single_column_messages():
    err = read_error(b"x y label\n1 2 0\n3 4 1\n")
    assert err.code == "single_column" and "'x y label'" in str(err) and "spaces" in str(err)
    err = read_error(f"{'a' * 100}\n1\n2\n".encode())
    assert "'" + "a" * 39 + "…'" in str(err) and "a" * 100 not in str(err)
    # with an Excel "sep=" line the delimiter is given, and one column is still one column
    err = read_error(b"sep=;\nx,y\n1,2\n")
    assert err.code == "single_column" and "'x,y'" in str(err) and "';' was used" in str(err)
    assert read_error(b"x,\n1,\n2,\n").code == "single_column"  # an unnamed empty column
    # a header of one name over rows of three values: the first row does not fit
    err = read_error(b"x\n1,2,3\n4,5,6\n")
    assert err.code == "uneven_rows" and (err.line, err.rows) == (2, 2)
    assert "3 values but the header has 1 column name" in str(err)


def test_uneven_rows_reports_the_first_line_and_the_count():
    err = read_error(b"a,b,y\n1,2,0\n\n3,4\n5,6,7,8\n9,9,9\n")
    assert err.code == "uneven_rows" and (err.line, err.rows) == (4, 2)
    assert str(err).startswith("Line 4 has 2 values but the header has 3 column names (2 rows")
    assert "'1,,3'" in str(err)
    assert "'1;;3'" in str(read_error(b"a;b;y\n1;2;0\n3;4\n"))
    assert "two tabs" in str(read_error(b"a\tb\ty\n1\t2\t0\n3\t4\n"))


def test_unclosed_quotes():
    err = read_error(b'a,b,y\n1,"2,0\n3,4,1\n')
    assert err.code == "bad_quotes" and err.line == 2 and "line 2" in str(err)
    err = read_error(b'a,b,y\n1,2,0\n3,4,"1\n')
    assert err.code == "bad_quotes" and err.line == 3
    err = read_error(b'a,b,y\n1,2,0\n3,"' + b"4" * 200_000 + b"\n")  # csv's field size limit
    assert err.code == "bad_quotes" and err.line == 3
    # a quoted value may hold the delimiter, quotes and line ends
    parsed = read_csv_bytes(b'a,"b,1",y\n1,"he said ""hi""",0\n2,"two\nlines",1\n')
    assert list(parsed.frame.columns) == ["a", "b,1", "y"]
    assert parsed.frame["b,1"].tolist() == ['he said "hi"', "two\nlines"]


def test_duplicate_and_empty_names():
    err = read_error(b"x,y, x ,y,z\n1,2,3,4,5\n")
    assert err.code == "duplicate_columns" and err.columns == ["x", "y"]
    assert "'x', 'y'" in str(err)
    err = read_error(b",x,y\n0,1,0\n1,2,1\n")  # DataFrame.to_csv with its index
    assert err.code == "empty_column_name" and "Column 1" in str(err) and "row number" in str(err)


def test_names_are_kept_as_text_and_stripped():
    parsed = read_csv_bytes(b' 1 , True ,NaN,"  sp ace ",y\n1,2,3,4,0\n5,6,7,8,1\n')
    assert list(parsed.frame.columns) == ["1", "True", "NaN", "sp ace", "y"]
    assert parsed.notes == ()


def test_tidying_cells():
    parsed = read_csv_bytes(table("x, note ,y", " 1.5 , hi ,yes", "?, NA ,no", ",,", "2,null,yes",
                                  "3,  ,no", ",,,"))
    frame = parsed.frame
    assert frame["x"].tolist()[:1] == [1.5] and np.isnan(frame["x"][1])
    assert frame["note"].tolist()[0] == "hi" and frame["note"].isna().sum() == 3
    assert frame["y"].tolist() == ["yes", "no", "yes", "no"]
    assert parsed.n_rows_in_file == 4 and parsed.notes == ("Skipped 2 empty rows.",)


def test_numbers_need_no_help_from_the_delimiter():
    parsed = read_csv_bytes(b'x,y\n"1.5",0\n" NA ",1\n3,0\n')
    assert parsed.frame["x"].dtype == float and np.isnan(parsed.frame["x"][1])
    parsed = read_csv_bytes(b"x;z;t;y\n1,5;1;1.000;0\n-2,25e1;7;2;1\n3;,5;,5;0\n")
    assert parsed.frame["x"].tolist() == [1.5, -22.5, 3.0]
    assert parsed.frame["z"].tolist() == [1.0, 7.0, 0.5]
    # ',' is the decimal mark in this file (,5 beside 1.000 too): '.' groups thousands
    assert parsed.frame["t"].tolist() == [1000.0, 2.0, 0.5]
    assert parsed.notes == ("Detected ';' as the delimiter.",
                            "Read ',' as the decimal mark (1,5 as 1.5) in 3 columns.",
                            "Read '.' as the thousands separator (1.200 as 1200) in column 't', "
                            "as ',' is the decimal mark in this file.")
    parsed = read_csv_bytes(b'x,y\n"1,5",0\n2,1\n')  # a comma delimiter: "1,5" is text
    assert parsed.frame["x"].tolist() == ["1,5", "2"] and numeric_columns(parsed.frame) == ["y"]


def test_line_endings_and_sep_line():
    for end in (b"\r\n", b"\r", b"\n"):
        parsed = read_csv_bytes(end.join([b"x,y", b"1,0", b"2,1"]) + end)
        assert parsed.frame.to_numpy().tolist() == [[1, 0], [2, 1]]
    parsed = read_csv_bytes(b"sep=|\r\nx|y\r\n1,5|0\r\n")
    assert parsed.delimiter == "|" and parsed.frame["x"].tolist() == [1.5]
    assert parsed.notes[0] == "Detected '|' as the delimiter (from the file's 'sep=' line)."
    assert read_csv_bytes(b"sep=\t\nx\ty\n1\t0\n").delimiter == "\t"
    assert read_error(b"sep=;\n").code == "empty"
    err = read_error(b"sep=;\nx;y\n1;2\n1\n")
    assert err.code == "uneven_rows" and err.line == 4  # lines counted from the 'sep=' line


def test_trailing_delimiters_are_forgiven():
    parsed = read_csv_bytes(b"x,y,\n1,0,\n2,1,\n")
    assert list(parsed.frame.columns) == ["x", "y"]
    assert parsed.notes == ("Ignored unnamed empty column 3.",)
    parsed = read_csv_bytes(b"x,,y,,\n1,,0,,\n2,,1\n")
    assert list(parsed.frame.columns) == ["x", "y"]
    assert parsed.notes == ("Ignored unnamed empty columns 2, 4, 5.",)
    parsed = read_csv_bytes(b"x,y\n1,0,\n2,1,,\n3,0\n")
    assert parsed.frame.to_numpy().tolist() == [[1, 0], [2, 1], [3, 0]] and parsed.notes == ()


def test_delimiter_detection_prefers_the_consistent_split():
    assert read_csv_bytes(b"a;b;y\n1,5;2,5;0\n3,5;4;1\n").delimiter == ";"
    parsed = read_csv_bytes(b"name|score|y\nSmith, J.|1|0\nDoe, A.|2|1\n")
    assert parsed.delimiter == "|" and parsed.frame["name"].tolist() == ["Smith, J.", "Doe, A."]
    parsed = read_csv_bytes(b"a b\tc, d\ty\n1 2\t3\t0\n")
    assert parsed.delimiter == "\t" and list(parsed.frame.columns) == ["a b", "c, d", "y"]
    # both split every whole line in two; the sample (64 KiB) ends in "x|y", which only '|'
    # splits: that cut line must not decide
    parsed = read_csv_bytes(b"ab|b,c\n" + b"x|y,1\n" * 20_000)
    assert parsed.delimiter == "," and parsed.frame.shape == (20_000, 2)


def test_read_rejects_programming_errors():
    with pytest.raises(TypeError):
        read_csv_bytes("x,y\n1,0\n")
    with pytest.raises(ValueError, match="max_rows"):
        read_csv_bytes(b"x,y\n1,0\n", max_rows=0)
    assert read_csv_bytes(bytearray(b"x,y\n1,0\n")).frame.shape == (1, 2)
    assert read_csv_bytes(memoryview(b"x,y\n1,0\n")).frame.shape == (1, 2)


def rows_csv(n: int) -> bytes:
    """A CSV file of n rows: id 0..n-1, a feature, a 0/1 label."""
    return table("id,x,y", *[f"{i},{i % 7 * 0.5},{i % 2}" for i in range(n)])


def test_too_many_rows_at_the_default_limit():
    data = rows_csv(MAX_ROWS + 1)  # generated: ~0.8 MB, never stored
    err = read_error(data)
    assert err.code == "too_large" and err.rows == MAX_ROWS + 1
    assert "50,001 rows" in str(err) and "50,000" in str(err) and "random sample" in str(err)
    parsed = read_csv_bytes(data, sample_large=True)
    assert parsed.frame.shape == (MAX_ROWS, 3) and parsed.sampled
    assert parsed.n_rows_in_file == MAX_ROWS + 1
    assert parsed.notes == ("Kept a random sample of 50,000 of 50,001 rows (seed 0).",)
    assert read_csv_bytes(rows_csv(MAX_ROWS)).frame.shape == (MAX_ROWS, 3)


def test_sampling_is_seeded_and_keeps_file_order():
    data = rows_csv(500)
    first = read_csv_bytes(data, max_rows=120, sample_large=True, seed=7)
    again = read_csv_bytes(data, max_rows=120, sample_large=True, seed=7)
    other = read_csv_bytes(data, max_rows=120, sample_large=True, seed=8)
    ids = first.frame["id"].to_numpy()
    expected = np.sort(np.random.default_rng(7).choice(500, size=120, replace=False))
    assert ids.tolist() == expected.tolist() and np.all(np.diff(ids) > 0)  # file order
    assert list(first.frame.index) == list(range(120))
    pd.testing.assert_frame_equal(first.frame, again.frame)
    assert other.frame["id"].tolist() != ids.tolist()
    assert first.notes == ("Kept a random sample of 120 of 500 rows (seed 7).",)
    assert (first.frame["x"] == first.frame["id"] % 7 * 0.5).all()  # rows keep their values
    small = read_csv_bytes(data, max_rows=500, sample_large=True)
    assert not small.sampled and small.notes == () and small.frame.shape == (500, 3)


def test_csv_written_by_pandas_reads_back_the_same_numbers():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.normal(size=(40, 3)) * [1, 1e-8, 1e9], columns=["a", "b", "c"])
    frame["y"] = rng.integers(0, 2, size=40)
    parsed = read_csv_bytes(frame.to_csv(index=False).encode())
    pd.testing.assert_frame_equal(parsed.frame, frame)
    assert parsed.delimiter == ","


def test_the_module_stays_small_and_pure():
    source = Path(csv_reader.__file__).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 600
    assert not re.search(r"^\s*(import|from)\s+(streamlit|altair)", source, re.MULTILINE)
    assert not hasattr(csv_reader, "fit_standardizer")


@pytest.mark.parametrize(("text", "values"), [
    ("1.0,0\n2.0,0\n3.0,1\n4.0,1\n2.5,0\n3.5,1\n", [1.0, 2.0, 3.0, 4.0, 2.5, 3.5]),
    ("sep=;\n-1,5;0\n2,5;1\n", [-1.5, 2.5]),
    ("\n\n7,1\n8e-1,0\n", [7.0, 0.8]),
])
def test_a_file_without_a_header_keeps_its_first_sample_and_says_so(text, values):
    """A first row of numbers only is a sample (found by a walk: it became the column names
    '1.0' and '0', and one of six samples was lost without a word)."""
    table = read_csv_bytes(text.encode())
    assert table.frame["column 1"].tolist() == pytest.approx(values)
    assert len(table.frame) == len(values) == table.n_rows_in_file
    assert any("first row holds only numbers" in note for note in table.notes)


@pytest.mark.parametrize("header", ["x,label", "1,label", "2019,2020x", "1.5,y"])
def test_a_header_with_any_name_that_is_not_a_number_stays_the_header(header):
    table = read_csv_bytes(f"{header}\n1,0\n2,1\n".encode())
    assert list(table.frame.columns) == [name.strip() for name in header.split(",")]
    assert len(table.frame) == 2 and not any("only numbers" in n for n in table.notes)

