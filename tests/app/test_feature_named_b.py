"""An uploaded feature named as one of the page's own symbols ("b", "y", "z", "p", ...) is never
written so that it reads as that symbol. With a column "b" the tables said "w[b (feature)]",
but the landscape's axes offered "w[b]", the start sliders read "Weight of b at step 0" above
"Bias b at step 0", the gradient "∂J/∂w₁ (b)" above "∂J/∂b", Predict first asked "∂J/∂w for b"
beside "∂J/∂b", and the model's line "(x₁ is b, x₂ is w)" beside its bias term (a review).
Reference: the bias set by hand on its slider, and the names written out here."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import fields, tables
from tests.app.helpers import inspect, open_view, page_text, plain, player, table

ROWS = "\n".join(f"{i % 7 * 0.5},{i * 3 % 5},{int(i % 7 > 3)}" for i in range(20))


def uploaded(new_app, names: str):
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("data.csv", f"{names},label\n{ROWS}\n".encode(),
                                               "text/csv").run()
    assert not at.exception, at.exception
    return at


def test_a_column_named_b_is_never_written_as_the_bias(new_app):
    at = uploaded(new_app, "b,w")
    at.slider(key="b0").set_value(0.25)
    at.slider(key=fields.w0_key(0)).set_value(1.5)
    at.slider(key=fields.w0_key(1)).set_value(-0.5).run()
    at = inspect(at, 0)
    assert not at.exception, at.exception
    labels = [s.label for s in at.slider]
    assert "Weight of b (feature) at step 0" in labels and "Bias b at step 0" in labels
    assert "Weight of b at step 0" not in labels
    text = plain(page_text(at))
    for confusable in ("∂J/∂w₁ (b)", "x₁ is b,", "for b at", "dw for b "):
        assert confusable not in text, confusable
    assert "∂J/∂w₁ (b (feature)) = " in text and "(x₁ is b (feature), x₂ is w)" in text
    # the parameters' rows: one named "b", and it holds the bias set above, by hand
    rows = table(at, "old value")
    assert list(rows.index) == ["w[b (feature)]", "w[w]", "b"]
    assert list(rows["old value"]) == [1.5, -0.5, 0.25]
    at.toggle(key="predict_mode").set_value(True).run()
    asked = [r.label for r in at.radio]
    assert "∂J/∂w for b (feature) at step 0 is" in asked and "∂J/∂b at step 0 is" in asked
    at.toggle(key="predict_mode").set_value(False).run()  # the views wait for an answer
    open_view(at, "landscape")
    assert not at.exception, at.exception
    options = at.selectbox(key="land_x").options
    assert options == ["w[b (feature)]", "w[w]", "b"], options
    assert "Loss over w[b (feature)] and w[w]" in plain(page_text(at))


SYMBOLS = [*sorted(tables.RESERVED), "w", "w1", "w₁", "x", "x1", "b (feature)", "w[b]"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=5, unique=True))
def test_parameter_names_are_distinct_and_only_the_bias_is_b(names):
    params = tables.parameter_names(names)
    assert len(set(params)) == len(params) == len(names) + 1
    assert params[-1] == "b" and params.count("b") == 1
    labels = tables.feature_labels(names)
    assert not set(labels) & tables.RESERVED
    for name, label in zip(names, labels, strict=True):
        assert label == name or re.fullmatch(re.escape(name) + r"( \(feature\))+", label)


FOUR = "\n".join(f"{i % 7 * 0.5},{i * 3 % 5},{i * 7 % 4},{i % 3},{int(i % 7 > 3)}"
                 for i in range(20))


def test_the_picture_and_its_selectors_write_b_as_the_tables_do(new_app):
    """With features "b, w, z, v" the picture's axis titles read "b" and "w" and the
    Across/Up selectors offered "b", "w", "z", "v", beside the sliders' and tables'
    "b (feature)" and "z (feature)". The options stay the names: a session holding "z" keeps
    it, and once z is no longer a feature the selector goes back to the first one."""
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload(
        "four.csv", f"b,w,z,v,label\n{FOUR}\n".encode(), "text/csv").run()
    assert not at.exception, at.exception
    across, up = at.selectbox(key="plane_x"), at.selectbox(key="plane_y")
    assert across.options == ["b (feature)", "w", "z (feature)", "v"]
    assert up.options == ["w", "z (feature)", "v"]
    assert across.value == "b" and player(at)["titles"] == ["b (feature)", "w"]
    at.selectbox(key="plane_y").set_value("z").run()
    assert not at.exception, at.exception
    assert player(at)["titles"] == ["b (feature)", "z (feature)"]
    at.selectbox(key="plane_x").set_value("z").run()
    assert at.selectbox(key="plane_x").value == "z"
    assert player(at)["titles"] == ["z (feature)", "b (feature)"]
    at.multiselect(key="up_features").set_value(["b", "w", "v"]).run()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    assert at.selectbox(key="plane_x").value == "b"
    assert player(at)["titles"] == ["b (feature)", "w"]


def test_two_features_titles_read_as_the_tables(new_app):
    at = uploaded(new_app, "b,w")
    assert player(at)["titles"] == ["b (feature)", "w"]
