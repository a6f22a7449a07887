"""Uploads through AppTest: every bad file answered by its own message, sessions kept apart."""

import re
from pathlib import Path

import numpy as np
import pytest

import logreg_core as lc
from dashboard import fields
from dashboard.text import fmt
from logreg_core import csv_reader as upload
from tests.app.helpers import (
    every_view,
    metric,
    open_popover,
    open_view,
    page_text,
    plain,
    table,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad_csv"


def shown(at, kind: str) -> list[str]:
    return [plain(e.value) for e in at.get(kind)]


def open_tab(at, slug: str):
    return open_view(at, slug)


@pytest.fixture
def upload_app(new_app):
    def run(name: str, content: bytes | None = None, **query):
        at = new_app(**query).run()
        at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
        data = (CORPUS / name).read_bytes() if content is None else content
        at.file_uploader(key="upload_file").upload(name, data, "text/csv").run()
        assert not at.exception, at.exception
        return at

    return run


PARSE_ERRORS = {
    "empty.csv": ("empty", "The file is empty"),
    "whitespace_only.csv": ("empty", "only blank space"),
    "header_only.csv": ("header_only", "no data rows"),
    "binary_png.csv": ("not_text", "NUL"),
    "xlsx_renamed.csv": ("not_text", "Excel workbook"),
    "pickle.csv": ("not_text", "pickle"),
    "prose.csv": ("not_csv", "not a CSV table"),
    "single_column.csv": ("single_column", "Only one column"),
    "duplicate_columns.csv": ("duplicate_columns", "'x'"),
    "empty_column_name.csv": ("empty_column_name", "Column 2"),
    "uneven_rows.csv": ("uneven_rows", "Line 4 has 4 values"),
}
PREPARE_ERRORS = {
    "one_class.csv": ("one_class", "only one class"),
    "three_classes.csv": ("many_classes", "3 distinct values"),
    "missing_values.csv": ("missing_values", "Rows with missing values: 3 of 6"),
    "inf_values.csv": ("non_finite", "infinite values"),
    "huge_values.csv": ("too_big_values", "too large to square"),
}


@pytest.mark.parametrize("name", sorted(PARSE_ERRORS))
def test_file_that_cannot_be_read_gets_its_own_message(upload_app, name):
    code, phrase = PARSE_ERRORS[name]
    with pytest.raises(upload.UploadError) as expected:
        upload.read_csv_bytes((CORPUS / name).read_bytes())
    assert expected.value.code == code
    at = upload_app(name)
    assert shown(at, "error") == [str(expected.value)]
    assert phrase in shown(at, "error")[0]
    assert not at.metric  # no training on a file that could not be read
    assert at.selectbox(key="dataset").value == fields.UPLOAD  # the sidebar still works


@pytest.mark.parametrize("name", sorted(PREPARE_ERRORS))
def test_table_that_cannot_train_gets_its_own_message(upload_app, name):
    code, phrase = PREPARE_ERRORS[name]
    at = upload_app(name)
    errors = shown(at, "error")
    assert len(errors) == 1 and phrase in errors[0], errors
    parsed = upload.read_csv_bytes((CORPUS / name).read_bytes())
    with pytest.raises(upload.UploadError) as expected:
        upload.prepare(parsed.frame, at.session_state.up_target,
                       list(at.session_state.up_features))
    assert expected.value.code == code and errors == [str(expected.value)]


@pytest.mark.parametrize(
    ("name", "note"),
    [("latin1.csv", "latin-1"), ("semicolon.csv", "';'"), ("tab.csv", "tab"),
     ("bom_utf8.csv", None), ("text_labels.csv", "'no' → 0, 'yes' → 1")],
)
def test_good_files_train(upload_app, name, note):
    at = upload_app(name)
    assert not at.error
    parsed = upload.read_csv_bytes((CORPUS / name).read_bytes())
    prepared = upload.prepare(parsed.frame, at.session_state.up_target,
                              list(at.session_state.up_features))
    X = prepared.X
    assert at.toggle(key="standardize").value is prepared.suggest_standardize
    if prepared.suggest_standardize:
        X = lc.Standardizer.fit(X).transform(X)
    rate = at.session_state.learning_rate
    assert rate == fields.safe_learning_rate(lc.curvature_bound(X).guaranteed_rate)
    history = lc.train(X, prepared.y, learning_rate=rate, steps=500)
    assert history.verdict.kind == "converging"  # a fresh upload starts below the limit
    assert metric(at, "Loss at step 500") == fmt(history.loss[-1])
    if note:
        assert note in "\n".join(shown(open_tab(at, "data"), "markdown"))


def test_text_labels_can_be_swapped(upload_app):
    at = open_tab(upload_app("text_labels.csv"), "data")
    assert "'no' → 0, 'yes' → 1" in "\n".join(shown(at, "markdown"))
    at.toggle(key="up_swap").set_value(True).run()
    assert "'yes' → 0, 'no' → 1" in "\n".join(shown(at, "markdown"))


def test_non_numeric_feature_named_and_undone(upload_app):
    at = upload_app("non_numeric_feature.csv")
    assert not at.error  # text columns start unticked
    features = list(at.session_state.up_features)
    at.multiselect(key="up_features").set_value([*features, "city"]).run()
    assert "'city' does not hold only numbers: untick it" in shown(at, "error")[0]
    at.multiselect(key="up_features").set_value(features).run()
    assert not at.exception and at.metric
    assert not [e for e in shown(at, "error") if "city" in e]
    assert at.toggle(key="standardize").value is True  # the upload's choice survived the error


def test_missing_values_can_be_dropped(upload_app):
    at = upload_app("missing_values.csv")
    at.toggle(key="up_drop_missing").set_value(True).run()
    open_tab(at, "data")  # no tabs show while the file has a problem
    assert not at.error
    assert "Dropped 3 rows with missing values." in "\n".join(shown(at, "markdown"))


def test_constant_feature_blocks_standardization_only(upload_app):
    at = upload_app("constant_feature.csv")
    assert at.metric and not at.error
    at.toggle(key="standardize").set_value(True).run()
    assert not at.exception
    warnings = shown(at, "warning")
    assert any("'bias_col'" in w and "same value in every row" in w for w in warnings)
    assert at.metric  # trained unstandardized


def test_target_switch_removes_it_from_the_features(upload_app):
    at = upload_app("semicolon.csv")
    first_feature = at.session_state.up_features[0]
    at.selectbox(key="up_target").set_value(first_feature).run()
    assert not at.exception
    assert first_feature not in at.session_state.up_features


def test_scales_that_differ_are_standardized_and_reported_in_original_units(upload_app):
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=80), rng.normal(scale=1000.0, size=80)
    labels = (x1 + x2 / 1000 + rng.normal(size=80) > 0).astype(int)
    rows = "\n".join(f"{a},{b},{c}" for a, b, c in zip(x1, x2, labels, strict=True))
    at = upload_app("scales.csv", f"small,big,label\n{rows}\n".encode())
    assert at.toggle(key="standardize").value is True
    units = table(at, "original units")
    assert units.loc["w[big]", "original units"] == pytest.approx(
        units.loc["w[big]", "standardized"] / x2.std(), rel=1e-9)


def test_too_many_rows_offers_a_sample(upload_app):
    rows = "\n".join(f"{i % 7},{i % 2}" for i in range(upload.MAX_ROWS + 1))
    at = upload_app("big.csv", f"x,label\n{rows}\n".encode())
    assert "50,001" in shown(at, "error")[0] and "limit is 50,000" in shown(at, "error")[0]
    sample_key = next(t.key for t in at.toggle if t.key.startswith("up_sample_"))
    at.toggle(key=sample_key).set_value(True).run()
    assert not at.error and metric(at, "Loss at step 0")
    assert "random sample" in "\n".join(shown(open_tab(at, "data"), "markdown"))


def test_injected_names_stay_plain_text(upload_app):
    """The upload's own path (the names read, the preview); every view with these names is
    walked once, in tests/app/test_security.py."""
    at = upload_app("html_injection.csv")
    assert not at.exception
    names = list(at.session_state.up_features)
    assert "<script>alert(1)</script>" in names and "**bold**" in names
    labels = [s.label for s in open_popover(at, "start_weights").slider]
    assert any("\\*\\*bold\\*\\*" in label for label in labels)
    preview = table(open_tab(at, "data"), "label")  # the file as read: cells as plain text
    assert "<script>alert(1)</script>" in preview.columns
    assert preview["label"].tolist()[0] == "<b>yes</b>"


def test_two_sessions_never_see_each_others_upload(upload_app):
    first = open_tab(upload_app("semicolon.csv"), "data")
    second = open_tab(upload_app("text_labels.csv"), "data")
    first_cols = set(first.session_state.up_features)
    second_cols = set(second.session_state.up_features)
    assert first_cols != second_cols
    first.run()
    assert set(first.session_state.up_features) == first_cols
    preview_first = [d.value for d in first.dataframe if set(first_cols) <= set(d.value.columns)]
    assert preview_first and not any(
        second_cols & set(d.value.columns) - first_cols for d in first.dataframe)


def test_link_to_an_upload_explains(new_app):
    at = new_app(data="upload").run()
    assert not at.exception
    assert "links cannot carry files" in at.warning[0].value
    assert metric(at, "Loss at step 0") == "0.6931"


def test_no_unsafe_html_anywhere():
    root = Path(__file__).resolve().parents[2]
    sources = [root / "app.py", *(root / "logreg_core").glob("*.py"),
               *(root / "dashboard").rglob("*.py")]
    assert not [p.name for p in sources if "unsafe_allow_html" in p.read_text()]


def test_raw_features_in_the_thousands_start_below_the_guarantee(upload_app):
    rng = np.random.default_rng(3)
    x1, x2 = rng.normal(5000, 800, size=60), rng.normal(3000, 500, size=60)
    labels = (x1 / 800 - x2 / 500 + rng.normal(size=60) > 0.25).astype(int)
    rows = "\n".join(f"{a},{b},{c}" for a, b, c in zip(x1, x2, labels, strict=True))
    at = upload_app("thousands.csv", f"area,volume,label\n{rows}\n".encode())
    at.toggle(key="standardize").set_value(False).run()
    at.button(key="reset").click().run()  # the upload's own start, unstandardized
    rate = at.session_state.learning_rate
    X = np.column_stack([x1, x2])
    guaranteed = lc.curvature_bound(X).guaranteed_rate
    assert guaranteed < 1e-4 and rate <= guaranteed  # below the slider's smallest rate
    history = lc.train(X, labels.astype(float), learning_rate=rate, steps=500)
    assert history.verdict.kind == "converging"
    assert not at.exception and "Diverging" not in " ".join(e.value for e in at.error)


def test_a_constant_column_is_said_and_is_no_separation(upload_app):
    """Found by a walk: a column the same in every row made the page say the classes can be
    split with samples on the line and the loss keeps falling; the classes overlap on the
    other column (here x = 1..6 with labels 0 1 0 1 0 1, by construction)."""
    rows = "\n".join(f"{x},7,{x % 2}" for x in range(1, 7))
    at = upload_app("constant.csv", f"x,k,label\n{rows}\n".encode())
    assert not at.exception
    text = page_text(open_tab(at, "data"))
    assert "'k' has the same value in every row" in text
    assert "spreads differ" not in text
    assert "No finite best fit" not in text and "no finite best fit" not in text


def test_a_text_column_left_out_of_the_features_is_named(upload_app):
    """Found by a walk: a text column was silently missing from the features."""
    rows = "\n".join(f"{x},{city},{x % 2}" for x, city in zip(range(1, 7), "abcabc",
                                                                 strict=True))
    at = upload_app("text.csv", f"x,city,label\n{rows}\n".encode())
    assert at.session_state.up_features == ["x"]
    assert any(c.value == "Not numbers, so not ticked as features: city." for c in at.caption)


@pytest.mark.parametrize(("count", "named"), [
    (2, "t1 and t2"), (7, "t1, t2, t3, t4, t5 and 2 more")])
def test_text_columns_left_out_are_listed_as_every_list_is(upload_app, count, named):
    """Two read "t1, t2" (no "and"), unlike every other list on the page (`text.first_of`)."""
    header = ",".join(f"t{k}" for k in range(1, count + 1))
    rows = "\n".join(f"{x}," + ",".join("ab"[x % 2] * 2 for _ in range(count)) + f",{x % 2}"
                     for x in range(1, 7))
    at = upload_app("texts.csv", f"x,{header},label\n{rows}\n".encode())
    assert f"Not numbers, so not ticked as features: {named}." in [c.value for c in at.caption]


def test_the_upload_notes_name_hostile_columns_as_plain_text(upload_app):
    """The two notes that name columns (a constant one, text ones left out): a link, a
    carriage return, LaTeX and bold stay text."""
    import csv
    import io

    hostile = "[go](http://evil.example/x)\r$x^2$ **b**"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["x", hostile, hostile + " 2", "label"])
    for x in range(1, 7):
        writer.writerow([x, 7, "abc"[x % 3], x % 2])
    at = upload_app("hostile.csv", out.getvalue().encode())
    assert not at.exception
    notes = [c.value for c in at.caption if c.value.startswith("Not numbers")]
    notes += [m.value for m in open_tab(at, "data").markdown
              if "same value in every row" in m.value]
    assert len(notes) == 2, notes
    for text in notes:
        assert "\\[go\\]\\(http" in text and "\r" not in text, text
        for live in ("](", "**b**"):
            assert live not in text, (live, text)
        assert not re.search(r"(?<!\\)\$", text), text


def test_the_share_view_of_an_upload_says_what_its_link_opens(upload_app):
    """Found by a walk: it said the link "opens the same data", then that links cannot carry
    files; the link opens the 5-point example with a note."""
    at = upload_app("students.csv", b"hours,passed\n1,0\n2,0\n3,1\n4,1\n2.5,1\n3.5,0\n")
    text = page_text(open_tab(at, "share"))
    assert "Links cannot carry files" in text and "5-point example" in text
    assert "opens the same data" not in text and "opens the same settings" not in text


def test_a_file_without_a_header_trains_on_every_row(upload_app):
    """Found by a walk: the first row became the column names and one sample was lost."""
    at = upload_app("no_header.csv", b"1.0,0\n2.0,0\n3.0,1\n4.0,1\n2.5,1\n3.5,0\n")
    assert not at.exception and not at.error
    assert at.session_state.up_features == ["column 1"]
    assert "first row holds only numbers" in page_text(open_tab(at, "data"))
    x = np.array([1.0, 2.0, 3.0, 4.0, 2.5, 3.5])
    y = np.array([0, 0, 1, 1, 1, 0])
    rate = at.session_state.learning_rate
    w = b = 0.0
    for _ in range(at.session_state.steps):  # gradient descent by hand, on all six rows
        p = 1 / (1 + np.exp(-(w * x + b)))
        w, b = w - rate * np.mean((p - y) * x), b - rate * np.mean(p - y)
    z = w * x + b
    loss = np.mean(np.logaddexp(0, z) - y * z)
    shown_loss = next(m.value for m in at.metric if m.label.startswith("Loss at step")
                      and m.label != "Loss at step 0")
    assert float(shown_loss) == pytest.approx(loss, rel=1e-3)


def test_features_too_large_for_any_rate_start_standardized(upload_app):
    """Found by an upload walk: one feature of 1e7 to 5e7 started unstandardized at the
    slider's smallest rate, 1e-12, far above its 2/L = 7.8e-15: the loss rose to 80 and the
    run was chaotic. By hand: L = mu_max / 4n of [x 1]^T [x 1], and 2/L is below 1e-12."""
    x = np.linspace(1e7, 5e7, 40)
    labels = (x > 2.8e7).astype(int)
    labels[::7] = 1 - labels[::7]  # not separable
    content = "income,label\n" + "".join(f"{a:.0f},{b}\n" for a, b in zip(x, labels, strict=True))
    A = np.column_stack([x, np.ones_like(x)])
    guaranteed = 2 / (np.linalg.eigvalsh(A.T @ A)[-1] / (4 * len(x)))
    assert guaranteed < fields.LEARNING_RATE_MIN
    at = upload_app("big.csv", content.encode())
    assert at.session_state.standardize is True
    assert at.success and at.success[0].value.startswith("Converging")
    notes = "\n".join(shown(open_tab(at, "data"), "markdown"))
    assert f"2/L = {fmt(guaranteed, 4)}, below the smallest rate the page takes" in notes


def test_a_label_of_one_class_is_said_not_replaced_by_another_column(upload_app):
    """Found by an upload walk: "x,label / 1,1 / 2,1" took x (1 and 2) as the label and
    trained on the label as a constant feature; the label has one class, which it says."""
    at = upload_app("one_label.csv", b"x,label\n1,1\n2,1\n")
    assert at.session_state.up_target == "label"
    assert any("only one class" in e for e in shown(at, "error")) and not at.metric


def test_spreads_apart_beside_a_constant_feature_start_unstandardized_and_say_why(upload_app):
    """Found by an upload walk: spreads 1e4 apart beside a feature of one value: the note said
    "standardizing is on to start with" beside a warning that the features are shown
    unstandardized (the constant one blocks it)."""
    rows = "".join(f"{i % 7},{1000 * i},5,{i % 2}\n" for i in range(20))
    at = upload_app("scales_const.csv", ("small,big,k,label\n" + rows).encode())
    assert at.session_state.standardize is False and not at.warning
    notes = "\n".join(shown(open_tab(at, "data"), "markdown"))
    assert "standardizing is on to start with" not in notes
    assert "once the features of one value are unticked" in notes


def test_a_table_without_plain_numbers_says_what_to_write(upload_app):
    """Found by an upload walk: "50%" or "1,200" in every feature cell got "tick at least one
    numeric column", with none to tick."""
    at = upload_app("percent.csv", b"share,label\n50%,0\n20%,1\n75%,1\n10%,0\n")
    errors = shown(at, "error")
    assert any("no feature to tick" in e and "thousands separators" in e for e in errors)


def test_the_buggy_loop_never_says_a_number_comes_out_instead_of_itself(upload_app):
    """Found by an upload walk: on two identical columns the accumulated-error bug "comes out
    -0.0833 instead of -0.0833"."""
    content = b"a,b,label\n1,1,0\n2,2,1\n3,3,0\n4,4,1\n5,5,1\n6,6,0\n"
    at = open_tab(upload_app("identical.csv", content), "buggy")
    assert not at.exception
    text = plain(page_text(at))
    assert "The first weight's gradient" in text
    for said in re.findall(r"comes out (\S+) instead of (\S+?)[.:](?:\s|$)", text):
        assert said[0] != said[1], said


def test_integers_past_64_bits_show_in_the_data_view(upload_app):
    """pandas keeps them exact as Python integers, which Arrow cannot hold: the Data view was
    a traceback (an upload walk)."""
    at = open_tab(upload_app("bigint.csv", b"x,y\n18446744073709551617,0\n"
                             b"18446744073709551619,1\n3,0\n4,1\n"), "data")
    assert not at.exception
    preview = table(at, "x")
    assert preview["x"].tolist() == ["18446744073709551617", "18446744073709551619", "3", "4"]


def test_a_weight_beyond_the_largest_double_in_original_units_says_so(upload_app):
    """Spreads of 1e-310: w / scale overflows, and the whole column was blank in Chromium.
    b is finite (from mean / scale, 2.236 here), and shown."""
    at = upload_app("tiny.csv", b"x,y\n1e-310,0\n2e-310,1\n3e-310,0\n4e-310,1\n")
    at.toggle(key="standardize").set_value(True).run()
    assert not at.exception
    units = table(at, "original units")
    w, b = map(float, units["standardized"].tolist())  # as written, maybe with an exponent
    assert units["original units"].tolist()[0] == "overflows"
    x = np.array([1.0, 2.0, 3.0, 4.0])  # the same spread in units of 1e-310
    assert float(units["original units"].tolist()[1]) == pytest.approx(
        b - w * x.mean() / x.std(), rel=1e-3)
    assert any("beyond 1.8e+308, the largest double" in c for c in shown(at, "caption"))


#: What a page says only of a best fit it has: none of it may stand where there is none.
CLAIMS_A_BEST_FIT = ("the best fit (loss", "has a best fit", "A best fit exists",
                     "Local limit at the best fit", "marks the best fit", "2/μ*",
                     "could not be computed")


def test_a_feature_of_1e_300_has_no_best_fit_and_starts_standardized(upload_app):
    """An upload walk: x = 1e-300 to 4e-300 with labels 0, 0, 1, 1 read "Converging: ... each
    lowers it while the gradient is not 0" beside a loss that stayed 0.6931, and "The best
    fit could not be computed ... after 0 iterations", of classes a line splits. By hand:
    x = 2.5e-300 splits them; and beside the bias's column of ones, [x 1]ᵀ[x 1] / n is
    [[m² + s², m], [m, 1]] with m = 2.5e-300 and s² = 1.25e-600, determinant s², largest
    eigenvalue 1 (to 1e-600), so its condition number is 1 / 1.25e-600 = 8e599, computed from
    logarithms, so written to the note's 2 digits: 8.0e+599."""
    xs, labels = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1])
    assert np.all((2 * labels - 1) * (xs - 2.5) > 0)  # in units of 1e-300
    assert np.var(xs) == 1.25 and round(600 - np.log10(1.25), 3) == 599.903
    at = upload_app("tiny_split.csv", b"x,y\n1e-300,0\n2e-300,0\n3e-300,1\n4e-300,1\n")
    assert at.session_state.standardize is True  # suggested: the note says why
    notes = plain("\n".join(shown(open_tab(at, "data"), "markdown")))
    assert "makes the loss about 8.0e+599 times more curved one way than another" in notes
    assert "needs about 4.0e+599 steps" in notes and "on to start with" in notes
    for standardize in (True, False):
        at.toggle(key="standardize").set_value(standardize).run()
        for slug in every_view(at):
            text = plain(page_text(at))
            for claim in CLAIMS_A_BEST_FIT:
                assert claim not in text, (standardize, slug, claim)
            if slug == "rates":
                assert ("There is no finite best fit, so no local limit: a line splits the two "
                        "classes perfectly") in text
        assert "there is no best fit to settle at" in plain(page_text(open_tab(at, "step")))
    # as uploaded, every logit underflows to 0: the loss never moves from ln 2, and it says so
    (verdict,) = [e.value for e in at.success if e.value.startswith("Converging")]
    assert ("each lowers it while the gradient is not 0; in double precision, though, the "
            "loss never changed in 500 steps") in verdict
    assert f"the same double, {float(np.log(2))!r}, at every step" in verdict


def test_the_slice_of_three_features_holds_the_other_one_at_its_mean(upload_app):
    """A review: on three features the caption read "the other 1 features at their means".
    (The count itself is checked by hand on every state of the state hunt.)"""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 3))
    y = (X[:, 0] + 0.5 * X[:, 2] > 0).astype(int)
    rows = "\n".join(",".join(f"{float(v)!r}" for v in x) + f",{t}"
                     for x, t in zip(X, y, strict=True))
    at = upload_app("three.csv", f"a,b,c,label\n{rows}\n".encode())
    assert not at.exception and not at.error
    (said,) = [plain(c.value) for c in at.caption if "picture's slice" in c.value]
    assert re.search(r"In the picture's slice \(the other feature at its mean\), \d+ (is|are) "
                     r"on their label's side of its line\.", said), said


def test_the_limits_do_not_say_every_step_lowers_the_loss_where_the_gradient_is_0(upload_app):
    """An upload review: on x = 1, 1, 1, 1 with labels 0, 1, 0, 1 "What was measured" said
    "at or below it every step lowers the loss, from any start" beside its own words that the
    parameters never moved and the loss stays at 0.6931. By hand: at w = b = 0 every p is
    1/2, so ∂J/∂w = ∂J/∂b = mean(1/2 - y) = 0 exactly, and a step at any rate leaves w, b and
    J = ln 2 as they are: a step lowers the loss only while the gradient is not 0."""
    y = np.array([0.0, 1.0, 0.0, 1.0])
    error = 0.5 - y
    assert np.mean(error) == 0 and np.mean(error * 1.0) == 0  # exactly: a step stays put
    at = open_popover(upload_app("flat.csv", b"x,y\n1,0\n1,1\n1,0\n1,1\n"), "measured_open")
    A = np.ones((4, 2))  # [x 1]: L = μmax / 4n, μmax the largest eigenvalue of AᵀA (8)
    assert 2 / (np.linalg.eigvalsh(A.T @ A).max() / 16) == pytest.approx(4.0)
    assert at.session_state.learning_rate == 2.0  # at or below 2/L = 4
    said = [c for c in shown(at, "caption") if c.startswith("Guaranteed rate 2/L = 4 ")]
    assert said, shown(at, "caption")
    for text in said:
        assert "every step lowers the loss" not in text
        assert ("at or below it no step raises the loss, from any start, and each step lowers "
                "it while the gradient is not 0 (it is 0 only at a best fit)") in text
        assert "Your learning rate η = 2 is 0.5 × 2/L." in text
    assert "the loss stays at 0.6931" in plain(page_text(at))


def test_the_first_rising_rate_reads_apart_from_2_over_l_and_never_1_times_it(upload_app):
    """An upload review: the rates view read "at or below η = 2/L = 6.362 no step raises the
    loss" and below it "one step first raises the loss at η = 6.362, 1 × 2/L". Reference:
    2/L from the eigenvalues of [x 1]ᵀ[x 1] (numpy), and the first rate at which one step from
    w = b = 0 raises J, by bisection on J(-η g) - J(0) in mpmath (60 digits): 6.36174, which
    is 1.0000248 × 2/L = 6.361580."""
    import mpmath

    mpmath.mp.dps = 60
    x, y = [-1.5, -0.5, 0.5, 1.51], [1, 0, 0, 1]
    A = np.column_stack([x, np.ones(4)])
    guaranteed = 2 / (np.linalg.eigvalsh(A.T @ A).max() / 16)
    assert guaranteed == pytest.approx(6.361580, abs=1e-6)
    xs = [mpmath.mpf(v) for v in x]

    def rise(rate):  # J after one step from w = b = 0 (every p = 1/2), minus J there
        gw = sum((mpmath.mpf(0.5) - t) * v for v, t in zip(xs, y, strict=True)) / 4
        gb = sum(mpmath.mpf(0.5) - t for t in y) / 4
        w, b = -rate * gw, -rate * gb
        return sum(mpmath.log1p(mpmath.exp((1 - 2 * t) * (w * v + b)))
                   for v, t in zip(xs, y, strict=True)) / 4 - mpmath.log(2)

    low, high = mpmath.mpf(guaranteed), mpmath.mpf(7)
    assert rise(low) < 0 < rise(high)
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (low, mid) if rise(mid) > 0 else (mid, high)
    first = float(high)
    assert first / guaranteed == pytest.approx(1.0000248, abs=1e-7)
    at = open_view(upload_app("near.csv", b"x,y\n-1.5,1\n-0.5,0\n0.5,0\n1.51,1\n"), "rates")
    assert not at.session_state.standardize and at.session_state.b0 == at.session_state.w0_0 == 0
    text = plain(page_text(at))
    shown_2l = re.search(r"at or below η = 2/L = \*\*([\d.]+)\*\* no step raises", text)
    said = re.search(r"one step first raises the loss at η = ([\d.]+), ([\d.]+) × 2/L\.", text)
    assert shown_2l and said, text
    (g,), (rate, ratio) = shown_2l.groups(), said.groups()
    assert g != rate and ratio != "1", (g, rate, ratio)
    for figure, value in ((g, guaranteed), (rate, first), (ratio, first / guaranteed)):
        digits = len(figure.replace(".", "").lstrip("0"))
        assert figure == f"{value:#.{digits}g}".rstrip("."), (figure, value)


#: Two features, as /tmp walks used (semi.csv): labels overlap, so every rate runs.
TWO_FEATURES = (b"a;b;label\n1.34;8.47;1\n7.64;2.55;1\n4.95;4.49;0\n6.52;7.89;1\n"
                b"2.1;3.3;0\n5.5;1.2;0\n3.3;6.6;1\n8.8;5.5;0\n")


def test_a_link_made_from_an_upload_applies_its_settings_once_the_file_is_uploaded(upload_app):
    """A walk: after uploading the file again, the address read lr=0.1&steps=500&l2=0 and
    digits 4: every setting of the link was replaced by the upload's start, with no word, and
    w0 and batch were dropped. They now apply, read as a link is; a later upload starts
    afresh, as before."""
    link = {"data": "upload", "lr": "0.3", "steps": "50", "l2": "0.1", "digits": "6",
            "tab": "rates", "w0": "1,2", "b0": "0.5", "batch": "4", "std": "0", "step": "20"}
    at = upload_app("semi.csv", TWO_FEATURES, **link)
    s = at.session_state
    assert (s.learning_rate, s.steps, s.l2, s.digits, s.view, s.w0_0, s.w0_1, s.b0,
            s.batch_size, s.standardize, s.inspect) == (0.3, 50, 0.1, 6, "rates", 1.0, 2.0,
                                                        0.5, 4, False, 20)
    assert dict(at.query_params) == link  # the address opens it again, with the file
    assert [w.value for w in at.warning if "link" in w.value] == [
        "The settings of the link this page opened with now apply to your file."]
    at.file_uploader(key="upload_file").upload("other.csv", TWO_FEATURES + b"1;1;1\n",
                                               "text/csv").run()
    assert (s.steps, s.l2, s.digits) == (500, 0.0, 4) and not at.warning  # the link applied once


def test_a_link_made_from_an_upload_says_which_settings_the_file_does_not_take(upload_app):
    """Two weights for three features, a batch larger than the file, a step past the steps, a
    hostile rate and a misspelt key: each is named (escaped) with what the file takes
    instead; the rate instead is the file's own start at the scaling the link asks for."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    rows = "".join(f"{a:.17g},{b:.17g},{c:.17g},{int(a > 0)}\n" for a, b, c in X)
    hostile = "[x](http://evil.example)**b**"
    at = upload_app("three.csv", f"a,b,c,label\n{rows}".encode(), data="upload",
                    lr=hostile, steps="50", step="80", w0="1,2", batch="40", std="1",
                    Steps="3")
    s = at.session_state
    said = [w.value for w in at.warning if "link" in w.value]
    assert said[0] == ("The settings of the link this page opened with now apply to your file, "
                       "but for the parameters named below.")
    assert [w.split("**")[1] for w in said[1:]] == ["lr", "w0", "step", "batch", "Steps"]
    standardized = lc.Standardizer.fit(X).transform(X)
    rate = fields.safe_learning_rate(lc.curvature_bound(standardized).guaranteed_rate)
    assert s.learning_rate == rate and f"using {fmt(rate, 4)}." in plain(said[1])
    assert "expected 3 comma-separated number(s)" in said[2] and (s.w0_0, s.w0_1, s.w0_2) == (
        0.0, 0.0, 0.0)
    assert (s.steps, s.inspect, s.batch_size, s.standardize) == (50, 50, 2, True)
    for text in said:
        assert "](" not in text and "**b**" not in text, text


def test_another_configuration_before_the_upload_ends_the_link_made_from_one(new_app):
    """The link's notice goes when another data set replaces what it set up, and so does its
    promise: the file then starts as any upload does."""
    at = new_app(data="upload", lr="0.3", steps="50").run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    assert "The settings of the link this page opened with apply to it." in at.info[0].value
    at.selectbox(key="dataset").set_value("student").run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    assert "link this page opened with" not in page_text(at)
    at.file_uploader(key="upload_file").upload("semi.csv", TWO_FEATURES, "text/csv").run()
    assert at.session_state.steps == 500 and not at.warning


def test_the_address_never_holds_a_run_the_page_does_not_show(new_app):
    """A walk: a first file the page cannot use left data=five_points... in the address, and a
    later one the last upload's rate and steps: copied, it opened another page. With no data
    to run, the address says only that the data are an upload, which opens the note to
    upload a file; a link waiting for its file stays as it was, to open the same again."""
    one_row = b"a,b,label\n1,2,0\n"
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    assert dict(at.query_params) == {"data": "upload"}
    uploader = at.file_uploader(key="upload_file")
    uploader.upload("onerow.csv", one_row, "text/csv").run()
    assert at.error and dict(at.query_params) == {"data": "upload"}
    at.file_uploader(key="upload_file").upload("semi.csv", TWO_FEATURES, "text/csv").run()
    at.select_slider(key="learning_rate").set_value(0.2).run()
    assert at.query_params["lr"] == "0.2" and at.query_params["data"] == "upload"
    at.file_uploader(key="upload_file").upload("onerow.csv", one_row, "text/csv").run()
    assert at.error and dict(at.query_params) == {"data": "upload"}
    opened = new_app(data="upload").run()
    assert "upload it again" in opened.warning[0].value and not opened.exception

    link = {"data": "upload", "lr": "0.3", "steps": "50", "w0": "1,2"}
    at = new_app(**link).run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("onerow.csv", one_row, "text/csv").run()
    assert at.error and dict(at.query_params) == link
    at.file_uploader(key="upload_file").upload("semi.csv", TWO_FEATURES, "text/csv").run()
    assert (at.session_state.learning_rate, at.session_state.w0_1) == (0.3, 2.0)


def test_a_ratio_of_spreads_beyond_the_largest_double_is_written_not_inf(upload_app):
    """Spreads sqrt(5/4) e149 and sqrt(11/16) e-300 (x = 1e149..4e149, z = 1e-300, 3e-300,
    2e-300, 1e-300): their ratio, sqrt(20/11) e449 by hand, is 1.35e+449; the Data view said
    'a factor of inf'."""
    assert f"{(20 / 11) ** 0.5:.3g}" == "1.35"
    at = upload_app("spreads.csv", b"x,z,y\n1e149,1e-300,0\n2e149,3e-300,0\n"
                                   b"3e149,2e-300,1\n4e149,1e-300,1\n")
    text = plain(page_text(open_tab(at, "data")))
    assert "The features' spreads differ by a factor of 1.35e+449;" in text
    assert "factor of inf" not in text


def test_a_subnormal_spread_is_divided_with_its_digits(upload_app):
    """x = 1e149..4e149 beside z = 1e-323, 3e-323, 2e-323, 1e-323 (2, 6, 4, 2 times
    2^-1074): spreads sqrt(5/4) e149 and sqrt(11/4) 2^-1074, a ratio of 1.3646e472 (mpmath).
    The subnormal spread rounds to 2^-1073 as a double, and the Data view said 'a factor of
    1.13e+472'."""
    import mpmath

    mpmath.mp.dps = 60
    exact = (mpmath.sqrt(mpmath.mpf(5) / 4) * mpmath.mpf(1e149)
             / (mpmath.sqrt(mpmath.mpf(11) / 4) * mpmath.mpf(2) ** -1074))
    assert mpmath.nstr(exact, 3) == "1.36e+472"
    at = upload_app("spreads.csv", b"x,z,y\n1e149,1e-323,0\n2e149,3e-323,0\n"
                                   b"3e149,2e-323,1\n4e149,1e-323,1\n")
    text = plain(page_text(open_tab(at, "data")))
    assert "The features' spreads differ by a factor of 1.36e+472;" in text


def test_spreads_near_alike_are_not_said_to_differ_by_a_factor_of_1(upload_app):
    """x = 1..4 beside z = 11..14: the same spread, sqrt(5/4), by hand; beside z = 11, 12,
    13.0001, 14 a ratio of 1.0000089 (fractions of the held doubles, then mpmath). The Data
    view said 'The features' spreads differ by a factor of 1' for both."""
    import mpmath

    from tests.core.test_csv_prepare import exact_spread as spread

    mpmath.mp.dps = 60
    for z, said in (([11, 12, 13, 14], "are the same to 12 significant digits."),
                    ([11, 12, 13.0001, 14], None)):
        exact = spread([1, 2, 3, 4]) / spread(z)
        exact = max(exact, 1 / exact)
        if said is None:  # the digits that tell it from 1: 6 here
            said = f"differ by a factor of {mpmath.nstr(exact, 6)}."
            assert said == "differ by a factor of 1.00001."
        else:
            assert exact == 1
        csv = "x,z,y\n" + "".join(f"{a},{b},{label}\n"
                                  for a, b, label in zip([1, 2, 3, 4], z, "0011", strict=True))
        text = plain(page_text(open_tab(upload_app("near.csv", csv.encode()), "data")))
        assert f"The features' spreads {said}" in text, said
        assert not re.search(r"a factor of 1\.(\s|$)", text)
