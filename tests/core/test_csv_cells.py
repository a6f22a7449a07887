"""How cells read (`logreg_core.csv_cells`): numbers in the file's own notation, spellings
of a gap that are classes, and the encodings around them, through `read_csv_bytes`."""

import pytest

from logreg_core import csv_reader
from logreg_core.csv_reader import read_csv_bytes


def test_dots_group_thousands_where_commas_are_the_decimal_mark():
    """Beside decimal commas, 1.200 is twelve hundred (an upload walk: it was read as 1.2,
    900 as 900, and the richest sample got a weight of the wrong sign)."""
    parsed = read_csv_bytes("Einkommen;Größe;bestanden\n1.200;1,55;0\n2.500;1,72;1\n"
                            "900;1,60;0\n3.100;1,81;1\n".encode())
    assert parsed.frame["Einkommen"].tolist() == [1200, 2500, 900, 3100]
    assert parsed.frame["Größe"].tolist() == [1.55, 1.72, 1.60, 1.81]
    assert parsed.notes[1:] == (
        "Read ',' as the decimal mark (1,5 as 1.5) in 1 column.",
        "Read '.' as the thousands separator (1.200 as 1200) in column 'Einkommen', as ',' is "
        "the decimal mark in this file.")
    # both marks in one value, or a number with two dots, can only be read one way
    parsed = read_csv_bytes(b"x;n;y\n1.200,5;-1.000.000;0\n2.500,0;+2.000;1\n")
    assert parsed.frame["x"].tolist() == [1200.5, 2500.0]
    assert parsed.frame["n"].tolist() == [-1_000_000, 2000]


def test_a_dot_that_may_group_thousands_is_read_as_a_decimal_mark_and_said():
    parsed = read_csv_bytes(b"a;y\n1.200;0\n900;1\n2.500;0\n")
    assert parsed.frame["a"].tolist() == [1.2, 900.0, 2.5]
    assert parsed.notes[1] == (
        "Read '.' as the decimal mark in column 'a' ('1.200' as 1.2): if it groups thousands "
        "there, write the numbers without it (1200) and upload the file again.")
    # 1.5 cannot group thousands: nothing to say
    assert read_csv_bytes(b"a;y\n1.5;0\n2.25;1\n").notes == ("Detected ';' as the delimiter.",)
    # a decimal point beside decimal commas: read as written, and said
    parsed = read_csv_bytes(b"a;b;y\n1.55;2,5;0\n2.25;3,5;1\n")
    assert parsed.frame["a"].tolist() == [1.55, 2.25]
    assert parsed.notes[-1] == ("Read '.' as the decimal mark in column 'a' as written, though "
                                "',' is the decimal mark in other columns: check the file.")


def test_quoted_commas_group_thousands_where_commas_separate_the_values():
    parsed = read_csv_bytes(b'income,age,y\n"1,200",30,0\n"2,500.5",40,1\n900,50,1\n')
    assert parsed.frame["income"].tolist() == [1200.0, 2500.5, 900.0]
    assert parsed.notes == ("Read ',' as the thousands separator (1,200 as 1200) in column "
                            "'income'.",)
    # "1,5" cannot group thousands: it stays text (a decimal comma in a comma file is a guess)
    assert read_csv_bytes(b'x,y\n"1,5",0\n"1,200",1\n').frame["x"].tolist() == ["1,5", "1,200"]


@pytest.mark.parametrize("token", ["None", "NA", "n/a", "null"])
def test_a_spelling_of_a_gap_beside_one_class_is_the_other_class(token):
    data = f"age,symptoms\n20,{token}\n30,{token}\n40,Severe\n50,Severe\n".encode()
    parsed = read_csv_bytes(data)
    assert parsed.frame["symptoms"].tolist() == [token, token, "Severe", "Severe"]
    assert parsed.notes == (f"Read {token!r} in 'symptoms' as a value, not as a missing cell: "
                            "it is the column's only other value.",)
    mapping = csv_reader.label_mapping(parsed.frame["symptoms"])
    assert {mapping.negative, mapping.positive} == {token, "Severe"}


def test_spellings_of_a_gap_are_gaps_beside_two_classes_or_numbers():
    parsed = read_csv_bytes(b"x,y,z\n1,yes,NA\n2,NA,5\n3,no,NA\n")
    assert parsed.frame["y"].isna().tolist() == [False, True, False]
    assert parsed.frame["z"].isna().tolist() == [True, False, True]  # 5 is a number: a gap
    assert parsed.notes == ()
    parsed = read_csv_bytes(b"x;z;y\n1;NA;0\n2;;1\n3;5,5;0\n")  # a decimal comma too
    assert parsed.frame["z"].isna().tolist() == [True, True, False]


def test_windows_1252_is_read_as_such():
    """Excel's default in Western Europe: read as latin-1, its euro sign and curly quotes
    were control characters, and the note called them invisible."""
    data = "Preis in €;Note „gut“;y\n1;2;0\n2;3;1\n".encode("cp1252")
    parsed = read_csv_bytes(data)
    assert parsed.encoding == "cp1252" and list(parsed.frame.columns) == [
        "Preis in €", "Note „gut“", "y"]
    assert parsed.notes == ("Read as Windows-1252 (not UTF-8).",
                            "Detected ';' as the delimiter.")
    # a byte Windows-1252 leaves undefined: latin-1, which reads every byte
    assert read_csv_bytes(b"x\x81,y\n1,0\n2,1\n").encoding == "latin-1"


def test_integers_past_64_bits_stay_exact():
    for data in (b"x,y\n18446744073709551617,0\n3,1\n",
                 b"x;y\n18446744073709551617;0\n3;1\n4;0\n"):
        column = read_csv_bytes(data).frame["x"]
        assert column.tolist()[:2] == [18446744073709551617, 3]


@pytest.mark.parametrize(("values", "low", "high"), [
    (["1000000000000001", "1000000000000002", "1000000000000005"],
     "1000000000000001", "1000000000000005"),
    (["9007199254740993", "9007199254740995", "9007199254740999"],  # as written, not rounded
     "9007199254740993", "9007199254740999"),
])
def test_values_that_differ_only_far_down_their_digits_are_refused_in_words(values, low, high):
    """They are not of one value (the page said so, an upload walk), yet double precision
    cannot standardize them: say what to do instead."""
    rows = "\n".join(f"{v},{i % 2}" for i, v in enumerate(values))
    frame = read_csv_bytes(f"x,y\n{rows}\n".encode()).frame
    with pytest.raises(csv_reader.UploadError) as caught:
        csv_reader.prepare(frame, "y", ["x"])
    assert caught.value.code == "nearly_constant" and caught.value.columns == ["x"]
    assert str(caught.value) == (
        f"The column 'x' varies only far down its digits (from {low} to {high}), too little "
        f"for double precision to fit: subtract a round number near {low} from every value "
        "before uploading, or untick it.")
    # of one value: no error here (the page says it adds nothing to the fit)
    same = read_csv_bytes(f"x,y\n{values[0]},0\n{values[0]},1\n".encode()).frame
    assert csv_reader.prepare(same, "y", ["x"]).X.shape == (2, 1)


def test_values_too_small_for_their_spread_are_not_said_to_vary_far_down_their_digits():
    """5e-324 and 1e-323 alternating (a review): the page said the column "varies only far
    down its digits ... subtract a round number near 5e-324", advice that leaves it as it is.
    In fractions the values are 1 and 2 times 2^-1074, their spread half of 2^-1074, which as
    a double rounds to 0 (ties to even); times 1e300 the same column is read and kept."""
    from fractions import Fraction

    tick = Fraction(2) ** -1074
    values = [5e-324, 1e-323, 5e-324, 1e-323]
    assert [Fraction(v) / tick for v in values] == [1, 2, 1, 2]
    assert float(tick / 2) == 0.0  # the spread, 1/2 tick, is no double
    rows = "\n".join(f"{v!r},{i % 2},{i // 2}" for i, v in enumerate(values))
    frame = read_csv_bytes(f"x,z,y\n{rows}\n".encode()).frame
    with pytest.raises(csv_reader.UploadError) as caught:
        csv_reader.prepare(frame, "y", ["x", "z"])
    assert caught.value.code == "nearly_constant" and caught.value.columns == ["x"]
    assert str(caught.value) == (
        "The column 'x' holds values too small for double precision to hold its spread (from "
        "5e-324 to 1e-323, below 2.2e-308 in size): multiply every value by a round number "
        "such as 1e300 before uploading, or untick it.")
    scaled = "\n".join(f"{v * 1e300!r},{i % 2},{i // 2}" for i, v in enumerate(values))
    kept = csv_reader.prepare(read_csv_bytes(f"x,z,y\n{scaled}\n".encode()).frame, "y",
                              ["x", "z"])
    assert kept.X.shape == (4, 2)
