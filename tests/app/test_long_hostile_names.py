"""Two 200-character feature names that share their first 199 characters and hold Markdown,
HTML, a link and a formula: every view draws, every label, option and header the page writes
for them (but the raw upload's own preview) is capped and still tells the two apart, and no
sentence lets their Markdown through. The sidebar's target and feature selectors cut both to
the same 60 characters, with no sign of the cut: one option twice (a review). Reference: the
names written out here."""

from __future__ import annotations

from dashboard import fields
from tests.app.helpers import open_view
from tests.app.test_long_names import long_name_csv

STEM = ("*dolor* [sit](http://x.y) <b>amet</b> $x^2$ _" * 5)[:199]
NAMES = (STEM + "1", STEM + "2")
VIEWS = ("step", "landscape", "buggy", "data", "optimizers")


def test_long_hostile_names_stay_capped_distinct_and_escaped(new_app):
    at = new_app().run()
    at.selectbox(key="dataset").set_value(fields.UPLOAD).run()
    at.file_uploader(key="upload_file").upload("long.csv", long_name_csv(*NAMES),
                                               "text/csv").run()
    assert not at.exception and not at.error, [*at.exception, *at.error]
    for view in VIEWS:
        open_view(at, view)
        assert not at.exception and not at.error, (view, [*at.exception, *at.error])
        for widget in [*at.slider, *at.text_input, *at.number_input, *at.radio]:
            assert len(widget.label) <= 80, (view, widget.label)
        for box in [*at.selectbox, *at.multiselect]:  # the options as the page writes them
            assert all(len(str(o)) <= 80 for o in box.options), (view, box.options)
            assert len(set(box.options)) == len(box.options), (view, box.options)
        for frame in at.dataframe:
            if list(frame.value.columns) == [*NAMES, "label"]:
                continue  # the file as uploaded (the Data view's preview)
            headers = [str(c) for c in frame.value.columns]
            assert all(len(h) <= 80 for h in headers), (view, headers)
        helps = [w.help for w in (*at.slider, *at.selectbox, *at.multiselect) if w.help]
        for text in [m.value for m in (*at.markdown, *at.caption, *at.info)] + helps:
            # every special character of a name arrives escaped: no link, tag or formula
            for raw in ("](http", "<b>", "$x^2$", "*dolor*"):
                assert raw not in text, (view, raw, text[:200])
    # the sidebar's selectors: each cut name says so, and the two say which column they are
    cut = STEM[:59] + "…"
    assert at.selectbox(key="up_target").options == [f"{cut} (column 1)", f"{cut} (column 2)",
                                                     "label"]
