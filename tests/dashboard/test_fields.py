"""Settings declared once: the link round trip, the notices, and the table they come from."""

import dataclasses
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import fields
from dashboard.views import VIEWS
from tests.app.helpers import plain


def test_every_setting_is_typed_and_has_its_own_link_key():
    hints = typing.get_type_hints(fields.Settings)
    for f in dataclasses.fields(fields.Settings):
        assert hints[f.name] in (str, bool, int, float, tuple[float, ...]), f.name
        assert isinstance(f.metadata["setting"], fields.Field), f.name
    assert len({f.url for f in fields.FIELDS}) == len(fields.FIELDS)  # one link key each


def test_defaults_have_the_declared_types():
    hints = typing.get_type_hints(fields.Settings)
    for name in ("five_points", "student", "wikipedia_students", "breast_cancer"):
        settings = fields.defaults(name)
        for f in dataclasses.fields(settings):
            kind = typing.get_origin(hints[f.name]) or hints[f.name]
            value = getattr(settings, f.name)
            assert isinstance(value, kind) or (kind is float and isinstance(value, int)), \
                (name, f.name, value)


def test_the_lesson_has_the_steps_the_settings_allow():
    from dashboard import lesson

    assert len(lesson.STEPS) == fields.LESSON_STEPS


@pytest.mark.parametrize("name", ["five_points", "student", "wikipedia_students",
                                  "breast_cancer"])
def test_defaults_round_trip_through_the_link(name):
    original = fields.defaults(name)
    restored, notices = fields.from_query(fields.to_query(original))
    assert restored == original and notices == []


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(fields.LEARNING_RATE_MIN, fields.LEARNING_RATE_MAX),
       steps=st.integers(1, fields.STEPS_MAX),
       w=st.floats(-fields.PARAM_MAX, fields.PARAM_MAX),
       b=st.floats(-fields.PARAM_MAX, fields.PARAM_MAX),
       l2=st.just(0.0) | st.floats(fields.L2_MIN, fields.L2_MAX), data=st.data())
def test_any_valid_settings_round_trip(rate, steps, w, b, l2, data):
    original = fields.with_changes(
        fields.defaults("five_points"), learning_rate=rate, steps=steps, w0=(w,), b0=b, l2=l2,
        standardize=data.draw(st.booleans()), inspect=data.draw(st.integers(0, steps)),
        log_scale=data.draw(st.booleans()), digits=data.draw(st.integers(2, 10)),
        view=data.draw(st.sampled_from([v.slug for v in VIEWS])),
        momentum=data.draw(st.floats(0, fields.MOMENTUM_MAX)),
        lesson=data.draw(st.integers(0, 7)))
    restored, notices = fields.from_query(fields.to_query(original))
    assert notices == [] and restored == original


def test_links_leave_out_what_is_at_its_default_but_never_the_run():
    query = fields.to_query(fields.defaults("five_points"))
    assert set(query) == {"data", "lr", "steps", "w0", "b0", "l2", "std", "step"}
    changed = fields.with_changes(fields.defaults("five_points"), view="rates", digits=6)
    assert fields.to_query(changed)["tab"] == "rates" and fields.to_query(changed)["digits"] == "6"


def test_bad_values_fall_back_with_one_notice_each():
    restored, notices = fields.from_query(
        {"lr": "0", "steps": "100001", "w0": "1,x", "digits": "11", "log": "yes", "b0": "inf"})
    assert restored == fields.defaults("five_points")
    assert len(notices) == 6
    assert notices[0].startswith("Ignored link parameter **lr** = “0”")
    assert "using 0.5" in plain(notices[0])


@pytest.mark.parametrize("raw", ["٣", "３", "1_000", "0x10", " 1e-3x", "nan", "inf", "1e999"])
def test_only_plain_ascii_numbers_are_read(raw):
    settings_, notices = fields.from_query({"lr": raw})
    assert settings_.learning_rate == 0.5 and len(notices) == 1


def test_notices_escape_the_link_value():
    for raw in ("[Reset here](https://evil.example/x)", "![x](http://127.0.0.1:8619/q.png)",
                "**bold** :red[red] $x^2$ <img src=x>"):
        _, (notice,) = fields.from_query({"data": raw})
        assert "](" not in notice.replace("\\](", "").replace("\\]\\(", "")
        for char in "[]()!*$:<>":
            assert char not in notice.split("“")[1].split("”")[0].replace("\\" + char, "")


def test_long_values_are_cut_in_notices():
    _, notices = fields.from_query({"data": "x" * 500})
    assert len(notices[0]) < 250


def test_inspect_fallback_names_the_steps_actually_used():
    restored, (notice,) = fields.from_query({"steps": "10", "step": "11"})
    assert restored.inspect == 10 and "from 0 to 10; using 10" in notice


def test_a_link_made_from_an_upload_gets_one_notice_only():
    restored, notices = fields.from_query({"data": "upload", "w0": "1,2,3,4", "batch": "30",
                                           "lr": "0.2"})
    assert len(notices) == 1 and "links cannot carry files" in notices[0]
    assert restored.dataset == "five_points" and restored.learning_rate == 0.2


def test_lesson_base_fills_what_the_link_leaves_out():
    from dashboard import lesson

    base = lesson.settings_for(6)
    restored, notices = fields.from_query({"lesson": "6"}, base=base)
    assert restored == base and notices == []
    mixed, _ = fields.from_query({"lesson": "6", "lr": "0.1"}, base=base)
    assert mixed == fields.with_changes(base, learning_rate=0.1)
    other, _ = fields.from_query({"lesson": "6", "data": "student"}, base=base)
    assert other.dataset == "student"  # another data set: the base does not apply


def test_grids():
    assert fields.LEARNING_RATE_GRID[0] == 1e-4 and fields.LEARNING_RATE_GRID[-1] == 100
    steps = fields.STEPS_GRID
    assert steps[0] == 1 and steps[-1] == fields.STEPS_MAX and list(steps) == sorted(set(steps))
    assert 10 <= steps.index(200) <= len(steps) - 10


def test_a_starting_slider_widens_to_a_linked_value_but_not_past_the_link_limit():
    """Found by a walk: at w0 = 1000 the slider ran from -1001 to 1001, past the ±1000 that
    links and the exact-value form accept."""
    from dashboard.controls import _slider_range

    assert _slider_range(3.0) == (-10.0, 10.0) and _slider_range(10.0) == (-10.0, 10.0)
    assert _slider_range(10.5) == (-11.0, 11.0)
    assert _slider_range(-1000.0) == (-1000.0, 1000.0) == _slider_range(999.2)


def test_a_key_no_setting_has_is_named_with_the_key_it_was_likely_meant_to_be():
    """A walk: ``?rate=0.1&Steps=5&LR=2`` and ``?foo=bar`` opened the defaults with no
    notice. Each is named and ignored; a close key is suggested, never used in its place."""
    restored, notices = fields.from_query({"rate": "0.1", "Steps": "5", "LR": "2",
                                           "foo": "bar"})
    assert restored == fields.defaults("five_points")  # lr 0.5, 200 steps: nothing guessed
    said = [plain(n) for n in notices]
    assert [s.split("**")[1] for s in notices] == ["rate", "Steps", "LR", "foo"]
    for text, meant in zip(said, ["lr", "steps", "lr", None], strict=True):
        assert "the page has no parameter of that name, so nothing was set from it" in text
        assert text.endswith(f"Did you mean **{meant}**?" if meant else "set from it."), text
    assert "“0.1”" in said[0] and all(n.about == () for n in notices)


@pytest.mark.parametrize(("key", "meant"), [
    ("stpes", "steps"), ("standardise", "std"), ("eta", "lr"), ("η", "lr"),
    ("momentum", "beta"), ("Step", "step"), (" lr ", "lr"), ("batch_size", "batch"),
    ("lambda", "l2"), ("w", None), ("epochs", None), ("date", None), ("x" * 500, None)])
def test_suggestions_are_only_names_of_a_setting_or_close_to_one(key, meant):
    assert fields.suggested_key(key) == meant


@pytest.mark.parametrize("key", [
    "[go](https://evil.example/x)", "![x](http://127.0.0.1:8619/q.png)",
    "**bold** :red[red] $x^2$ <img src=x>", "new\nline", "x" * 10_000, ""])
def test_an_unknown_key_is_named_escaped_and_cut(key):
    _, (notice,) = fields.from_query({key: key})
    assert len(notice) < 400 and "\n" not in notice
    name, value = notice.split("**")[1], notice.split("“")[1].split("”")[0]
    for shown in (name, value):
        assert "](" not in shown.replace("\\](", "").replace("\\]\\(", "")
        for char in "[]()!*$:<>":
            assert char not in shown.replace("\\" + char, ""), (char, shown)
    assert "Did you mean" not in notice


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dataset=st.sampled_from([*fields.DATASETS, fields.UPLOAD]))
def test_a_link_the_page_writes_has_no_key_the_page_does_not_know(data, dataset):
    """What the address bar and the Share view write (`fields.to_query`) never reads back as
    a key to report, whatever the settings (every one drawn away from its default)."""
    sizes = (fields.Sizes(data.draw(st.integers(1, 500)), data.draw(st.integers(1, 5)))
             if dataset == fields.UPLOAD else fields.dataset_sizes(dataset))
    steps = data.draw(st.integers(1, fields.STEPS_MAX))
    written = fields.to_query(fields.with_changes(
        fields.defaults(dataset, sizes), steps=steps, inspect=data.draw(st.integers(0, steps)),
        w0=tuple(data.draw(st.lists(st.floats(-1000, 1000), min_size=sizes.n_features,
                                    max_size=sizes.n_features))),
        log_scale=True, digits=data.draw(st.integers(2, 10)),
        view=data.draw(st.sampled_from([v.slug for v in VIEWS])),
        overlay_rates=data.draw(st.sampled_from(["0.01", "0.1, 1, 10"])),
        sweep_count=data.draw(st.integers(30, 60)),
        batch_size=data.draw(st.integers(1, sizes.n_samples)),
        seed=data.draw(st.integers(0, fields.SEED_MAX)),
        momentum=data.draw(st.floats(0, fields.MOMENTUM_MAX)),
        lesson=data.draw(st.integers(0, 7))), sizes)
    assert set(written) <= fields.LINK_KEYS
    assert fields.unknown_keys(written) == []
    _, notices = fields.from_query(written)
    assert not [n for n in notices if "no parameter of that name" in n]


def test_a_link_made_from_an_upload_is_read_for_a_file_of_its_sizes():
    """Once the file is uploaded again, its data-specific settings are read against it."""
    sizes = fields.Sizes(6, 2)
    start = fields.defaults(fields.UPLOAD, sizes)
    link = fields.to_query(fields.with_changes(start, w0=(1.0, 2.0), batch_size=6, l2=0.1,
                                               steps=50, inspect=20), sizes)
    restored, notices = fields.from_query(link, base=start, sizes=sizes)
    assert notices == [] and restored == fields.with_changes(
        start, w0=(1.0, 2.0), batch_size=6, l2=0.1, steps=50, inspect=20)
    smaller = fields.Sizes(5, 3)
    _, notices = fields.from_query(link, base=fields.defaults(fields.UPLOAD, smaller),
                                   sizes=smaller)
    assert [n.about for n in notices] == [("w0",), ("batch_size",)]
