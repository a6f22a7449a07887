"""Tables built from one pass: the textbook's columns, the L2 split, the editor's edits."""

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import tables
from dashboard.display import arrow_table, columns_of_kind, text_frame
from dashboard.text import fmt
from logreg_core import loss_and_gradients, step


def test_tables_reproduce_the_worked_step(five_points):
    X, y = five_points
    grad = loss_and_gradients(X, y, [2.197], -6.593)
    rows = tables.breakdown_table(X, y, grad, ["x"])
    assert list(rows.columns) == ["x", "y", "z", "p", "loss", "p − y", "(p − y)·x"]
    assert rows.index.tolist() == [1, 2, 3, 4, 5]
    # the textbook's rounded columns
    assert rows["z"].round(3).tolist() == [-4.396, -2.199, -0.002, 2.195, 4.392]
    assert rows["p"].round(3).tolist() == [0.012, 0.100, 0.500, 0.900, 0.988]
    totals = tables.totals_table(grad, ["x"])
    assert totals.loc["mean", "(p − y)·x"] == pytest.approx(0.249686, abs=5e-7)
    assert totals.loc["mean", "p − y"] == pytest.approx(0.0998183, abs=5e-8)
    assert totals.loc["mean", "loss"] == pytest.approx(grad.loss)
    assert "L2 term" not in totals.index
    update = tables.update_table([2.197], -6.593, grad, 0.1, ["x"])
    assert update.index.tolist() == ["w[x]", "b"]
    w_new, b_new, _ = step(X, y, [2.197], -6.593, 0.1)
    assert update["new value"].tolist() == [w_new[0], b_new]


def test_l2_is_its_own_row_and_column(five_points):
    X, y = five_points
    grad = loss_and_gradients(X, y, [1.0], -3.0, l2=0.2)
    totals = tables.totals_table(grad, ["x"], l2=0.2)
    assert totals.loc["L2 term", "(p − y)·x"] == pytest.approx(0.2)
    assert totals.loc["L2 term", "p − y"] == 0.0  # the bias is not penalized
    assert totals.loc["J and gradient", "(p − y)·x"] == grad.dw[0]
    update = tables.update_table([1.0], -3.0, grad, 0.5, ["x"], l2=0.2)
    assert update.loc["w[x]", "L2 term"] == pytest.approx(0.2)
    assert (update["data gradient"] + update["L2 term"]).tolist() == pytest.approx(
        update["gradient"].tolist())


def test_feature_labels_never_collide():
    assert tables.feature_labels(["p", "x", "x ", "a\nb", "label", ""]) == [
        "p (feature)", "x", "x (feature)", "a b", "label (feature)", "(no name)"]


def test_apply_edits_moves_flips_adds_and_deletes():
    frame = tables.editable_frame(np.arange(1.0, 6.0)[:, None], np.array([0, 0, 0, 1, 1.0]), 1)
    feature = tables.editor_columns(1)[0]
    assert frame[tables.EDITOR_LABEL].tolist() == [False, False, False, True, True]
    assert tables.apply_edits(frame, None).equals(frame)
    edited = tables.apply_edits(frame, {
        "edited_rows": {0: {feature: 1.5}, 2: {tables.EDITOR_LABEL: True}},
        "deleted_rows": [4],
        "added_rows": [{feature: 7.0}, {tables.EDITOR_LABEL: True}],
    })
    X, y = tables.edited_arrays(edited)
    assert X[:5, 0].tolist() == [1.5, 2.0, 3.0, 4.0, 7.0] and np.isnan(X[5, 0])
    assert y.tolist() == [0, 0, 1, 1, 0, 1]  # the new row without a label is 0
    assert frame[feature].tolist() == [1, 2, 3, 4, 5]  # the original is untouched


def test_csv_numbers_are_exact_and_text_is_quoted():
    import io

    import pandas as pd

    frame = pd.DataFrame({"step": [0, 1], "loss": [0.1 + 0.2, float("nan")], "name": ["a", "=b"]})
    text = tables.to_csv(frame)
    assert text.splitlines()[0] == '"step","loss","name"'
    back = pd.read_csv(io.StringIO(text))
    assert back["loss"].iloc[0] == 0.1 + 0.2 and np.isnan(back["loss"].iloc[1])
    assert back["name"].tolist() == ["a", "'=b"]
    # a whole number past 2^53 as repr writes it, not its 155 digits; still exact
    huge = tables.to_csv(pd.DataFrame({"w": [-2.4263312918741347e+154, 3.0]}))
    assert huge.splitlines()[1:] == ["-2.4263312918741347e+154", "3"]
    assert float(huge.splitlines()[1]) == -2.4263312918741347e+154


def test_text_frame_writes_floats_as_shown_and_keeps_the_rest():
    frame = pd.DataFrame({"x": [1.0, 2.5e-7], "y": [0, 1], "name": ["a", "b"],
                          "p − y": [-0.123456, 1e6]},
                         index=pd.RangeIndex(1, 3, name="sample"))
    out = text_frame(frame, 3)
    assert list(out.columns) == list(frame.columns) and out.index.equals(frame.index)
    assert out["x"].tolist() == [fmt(1.0, 3), fmt(2.5e-7, 3)]
    assert out["p − y"].tolist() == ["-0.123", fmt(1e6, 3)]
    assert out["y"].tolist() == [0, 1] and out["y"].dtype.kind == "i"
    assert out["name"].tolist() == ["a", "b"]
    assert columns_of_kind(frame, "f") == ["x", "p − y"]
    assert columns_of_kind(frame, "iu") == ["y"]


def test_text_frame_reads_columns_by_position_when_a_feature_shares_a_name():
    """An uploaded feature called "p" beside the pass's own "p" column: two columns, one name."""
    frame = pd.DataFrame([[3, 0.5, 0.25]]).set_axis(["y", "p", "p"], axis=1)
    out = text_frame(frame, 3)
    assert list(out.columns) == ["y", "p", "p"]
    assert out.iloc[0].tolist() == [3, fmt(0.5, 3), fmt(0.25, 3)]


@pytest.mark.parametrize("index", [
    pd.RangeIndex(1, 4, name="sample"),
    pd.Index(["w[x]", "w[p]", "b"], name="parameter"),
    pd.Index(["sum", "mean", "L2 term"]),
])
def test_arrow_table_is_the_frame_streamlit_would_have_sent(index):
    """The grids' fast conversion gives back the very frame (values, dtypes, index), as text
    too; twice, so that the kept schema is the one used the second time."""
    frame = pd.DataFrame({"x": [1.0, -2.5e-7, np.nan], "y": [0, 1, 1], "p − y": [0.5, 1e300, 0.0],
                          "passed": [True, False, True], "agrees": ["yes", "no", None]},
                         index=index)
    assert isinstance(frame["agrees"].dtype, pd.StringDtype)  # pandas' own text
    for _ in range(2):
        back = arrow_table(frame).to_pandas()
        pd.testing.assert_frame_equal(back, frame, check_index_type=False)
        assert back.index.name == frame.index.name
        text = arrow_table(frame, text_digits=3).to_pandas()
        pd.testing.assert_frame_equal(text, text_frame(frame, 3), check_index_type=False)
    assert arrow_table(frame, text_digits=2).to_pandas()["x"].tolist() == [
        fmt(v, 2) for v in frame["x"]]


def test_arrow_table_leaves_what_it_cannot_convert_to_streamlit():
    """Text in an object column, a name used twice, no rows: the frame as it is (or its text)."""
    named = pd.DataFrame({"quantity": ["loss J"], "textbook": [None]})  # an object column
    twice = pd.DataFrame([[3, 0.5, 0.25]]).set_axis(["y", "p", "p"], axis=1)
    for frame in (named, twice, named.iloc[:0]):
        assert arrow_table(frame) is frame
    assert arrow_table(twice, text_digits=3).iloc[0].tolist() == [3, fmt(0.5, 3), fmt(0.25, 3)]


def test_show_table_hides_the_index_where_streamlit_would():
    """`show_table` says whether to hide the index; Streamlit, left to decide on the frame
    itself, is the reference: a range index is hidden, a named one shown."""
    def page():
        import pandas as pd
        import streamlit as st

        from dashboard.display import show_table
        for index in (pd.RangeIndex(1, 3, name="sample"), pd.Index(["w[x]", "b"])):
            frame = pd.DataFrame({"p": [0.25, 0.5]}, index=index)
            show_table(frame, 3, alt="ours")
            st.table(frame)  # Streamlit's own choice

    at = AppTest.from_function(page, default_timeout=30).run()
    hidden = [t.proto.hide_index for t in at.table]
    assert hidden == [True, True, False, False]


def test_a_grid_column_beyond_two_to_the_53_is_written_to_the_digits_shown():
    """Found by a walk: after an overshoot the grid showed 2.6911042412794764e+150 with all
    its digits (its number formats stop at 2^53, flagged as an error); such a column now goes
    as text, `fmt` to the digits asked, and a column of ordinary numbers stays numbers."""
    def page():
        import pandas as pd

        from dashboard.display import show_frame
        show_frame(pd.DataFrame({"huge": [2.6911042412794764e150, -430.0],
                                 "plain": [0.5, 1.25]}), 4, key="grid")

    at = AppTest.from_function(page, default_timeout=30).run()
    shown = at.dataframe[0].value
    assert shown["huge"].tolist() == ["2.691e+150", "-430"]
    assert shown["plain"].tolist() == [0.5, 1.25]


def test_a_subnormal_number_is_shown_to_the_digits_it_holds():
    """Found by the state hunt: at z = 745 the loss e^-745 = 2.8e-324 is computed as the
    nearest double, 4.94e-324 (2^-1074, one bit), and the page wrote "4.941e-324". Below the
    smallest normal double a number is written with no more digits than it holds, in text and
    in the grids."""
    import math

    from dashboard.text import fmt

    assert math.exp(-745) == 2.0**-1074  # the true 2.8e-324 rounds to the one-bit double
    assert fmt(math.exp(-745)) == "5e-324" and fmt(-(2.0**-1074), 8) == "-5e-324"
    assert fmt(1e-320, 6) == "1e-320" and fmt(2.5e-310) == "2.5e-310"
    # found by a walk: 3 units of 2^-1074 read "1e-323", which reads back as 2 units
    for units in (3, 5, 15, 99):
        value = units * 2.0**-1074
        assert float(fmt(value, 8)) == value and len(fmt(value, 1).split("e")[0]) == 1
    assert fmt(2.3e-308) == "2.3e-308" and fmt(0.18549303, 6) == "0.185493"

    def page():
        import pandas as pd

        from dashboard.display import show_frame
        frame = pd.DataFrame({"loss": [2.0**-1074, 0.25], "plain": [0.5, 1e-3],
                              "tiny": [0.5, 1e-300]})
        show_frame(frame, 4, key="grid")
        show_frame(frame, 4, key="check", exponents_as_text=True)

    at = AppTest.from_function(page, default_timeout=30).run()
    shown, check = (grid.value for grid in at.dataframe)
    assert shown["loss"].tolist() == ["5e-324", "0.25"]
    # numbers, which sort as numbers, in the grid's printf form
    assert shown["plain"].tolist() == [0.5, 1e-3] and shown["tiny"].tolist() == [0.5, 1e-300]
    # asked for, a column with a number fmt writes with an exponent is written as fmt does
    assert check["plain"].tolist() == [0.5, 1e-3]
    assert check["tiny"].tolist() == ["0.5", "1e-300"]


def test_a_sum_of_one_term_in_parentheses_is_not_wrapped_twice():
    """Found by a walk: the one student far out read J = 1/1 ((< 5×10⁻³²⁴)). One term that is
    a group of its own is not wrapped again; a term that needs the sum's parentheses (a
    product, a bare number) keeps them."""
    from dashboard.formulas import _sum_lines

    assert _sum_lines(r"\frac{1}{1}", 1, lambda i: "(< 5)") == [r"\frac{1}{1}(< 5)"]
    assert _sum_lines(r"\frac{1}{1}", 1, lambda i: r"(-1) \cdot 3") == [
        r"\frac{1}{1}\left((-1) \cdot 3\right)"]
    assert _sum_lines(r"\frac{1}{1}", 1, lambda i: "0.5") == [r"\frac{1}{1}\left(0.5\right)"]
    assert _sum_lines(r"\frac{1}{2}", 2, lambda i: "(-1)") == [
        r"\frac{1}{2}\left((-1) + (-1)\right)"]


def test_a_formula_line_holds_two_terms_only_where_a_phone_holds_them():
    """Two products of numbers like 1.437e-347648724 on one line were 573 px wide on a phone
    (a walk): such terms go one to a line; short ones stay two to a line."""
    from dashboard.formulas import LINE_CHARS, _joined_lines

    long = r"1.437 \times 10^{-347648724} \cdot 17.99"
    assert _joined_lines([long, long, long], 2) == [long, f"+ {long}", f"+ {long}"]
    short = r"0.01485 \cdot 1"
    assert _joined_lines([short] * 3, 2) == [f"{short} + {short}", f"+ {short}"]
    # by hand: "0.01485⋅1+0.01485⋅1" shows 19 characters, "1.437×10-347648724⋅17.99" 24
    assert 19 <= LINE_CHARS < 24 + 1 + 24


def test_a_product_too_long_for_a_line_is_broken_after_its_dot():
    """At 10 digits on the iris petals, 1/100 (0.0507817197 · (−0.2507790589) was 380 px on a
    358 px phone formula: a product too long for its line goes on two, and the next term
    starts a line of its own."""
    from dashboard.formulas import LINE_CHARS, _joined_lines

    a, x = "(-0.05114108341)", "(-0.6530390878)"
    product = rf"{a} \cdot {x}"
    # by hand: "+(-0.05114108341)⋅(-0.6530390878)" shows 1 + 16 + 1 + 15 = 33 characters
    assert LINE_CHARS < 33
    assert _joined_lines(["0.5", product, "0.25"], 2) == [
        "0.5", f"+ {a}", rf"\cdot {x}", "+ 0.25"]
    # the first line counts the sum's 1/n before it: "\frac{1}{100}(" shows 6 characters
    # (the \frac as one), "0.0507817197⋅(-0.2507790589)" 12 + 1 + 15 = 28
    first = r"0.0507817197 \cdot (-0.2507790589)"
    assert 28 <= LINE_CHARS < 6 + 28
    assert _joined_lines([first], 2) == [first]
    assert _joined_lines([first], 2, lead=r"\frac{1}{100}(") == [
        "0.0507817197", r"\cdot (-0.2507790589)"]
    # and the last line counts what closes the sum: "+(-0.09431838257)⋅0.2361705701" and its
    # ")" were 363 px; a term of LINE_CHARS with its "+" fits (1 + 2 + LINE_CHARS - 5 + 1 +
    # 1), and with a ")" it does not
    last = "0." + "1" * (LINE_CHARS - 5) + r" \cdot 2"
    assert _joined_lines(["0.5", last], 1) == ["0.5", f"+ {last}"]
    assert _joined_lines(["0.5", last], 1, tail=")") == [
        "0.5", "+ 0." + "1" * (LINE_CHARS - 5), r"\cdot 2"]
