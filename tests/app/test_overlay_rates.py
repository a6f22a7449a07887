"""The rates the overlay draws or suggests are rates the page takes.

Found by a walk: at η = 1000 the overlay drew "η = 2000" and "η = 4000" (2× and 4× your rate)
and suggested them in its box's placeholder, while the box, a link and a click on the sweep
refuse any rate above 1000.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import fields
from dashboard.text import link_number
from dashboard.views.learning_rates import (
    OVERLAY_FACTORS,
    default_overlay_rates,
    overlay_factors,
    overlay_replaced_words,
)
from tests.app.helpers import frames_with, plain


def accepted(rate: float) -> bool:
    """Whether the box, a link and a click on the sweep all take this rate."""
    as_link = link_number(rate)
    box = fields.read_rates(as_link)
    settings, notices = fields.from_query({"lr": as_link})
    click = fields.LEARNING_RATE_MIN <= rate <= fields.LEARNING_RATE_MAX  # state.on_sweep_pick
    return box == (rate,) and not notices and settings.learning_rate == rate and click


def overlay_rates(at) -> list[float]:
    (overlay,) = [f for f in frames_with(at, "run") if f["run"].str.startswith("η").all()]
    return sorted(float(run.removeprefix("η = ")) for run in set(overlay["run"]))


@pytest.mark.parametrize("lr", ["1000", "600", "300", "0.5", "2e-12", "1e-12"])
def test_every_rate_drawn_or_suggested_is_one_the_page_takes(new_app, lr):
    at = new_app(lr=lr, steps="100000", tab="rates").run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    box = at.text_input(key="overlay_rates")
    suggested = fields.read_rates(box.proto.placeholder)
    assert suggested is not None, box.proto.placeholder  # the placeholder, typed, is taken
    drawn = overlay_rates(at)
    assert drawn == sorted(suggested) == sorted(default_overlay_rates(float(lr)))
    assert all(accepted(rate) for rate in drawn), drawn
    # the help and a caption say which of the usual factors were replaced, and by what
    words = overlay_replaced_words(float(lr))
    assert words in box.proto.help
    shown = [plain(c.value) for c in at.caption if c.value.startswith("At your rate")]
    assert shown == ([plain(words)] if words else [])
    # typing the suggestion draws the same curves, with no complaint
    box.input(box.proto.placeholder).run()
    assert not at.error and overlay_rates(at) == drawn
    assert fields.read_rates(at.query_params["rates"]) == suggested  # and the link keeps it


def test_at_the_largest_rate_the_companions_are_below_it(new_app):
    at = new_app(lr="1000", steps="100000", tab="rates").run()
    assert overlay_rates(at) == [100.0, 250.0, 500.0, 1000.0]
    (caption,) = [plain(c.value) for c in at.caption if c.value.startswith("At your rate")]
    assert caption == ("At your rate, 2× and 4× (2000 and 4000) are above 1000, the largest "
                       "rate the page runs, so the overlay draws 0.1×, 0.25×, 0.5× and 1× "
                       "your rate (100, 250, 500 and 1000).")


rates = st.one_of(st.sampled_from(fields.LEARNING_RATE_GRID),
                  st.floats(fields.LEARNING_RATE_MIN, fields.LEARNING_RATE_MAX),
                  st.sampled_from([fields.LEARNING_RATE_MIN, fields.LEARNING_RATE_MAX]))


@given(rates)
def test_default_companions_stay_within_the_rates_the_page_runs(lr):
    factors = overlay_factors(lr)
    chosen = default_overlay_rates(lr)
    assert lr in chosen and len(chosen) >= 4
    assert all(fields.LEARNING_RATE_MIN <= r <= fields.LEARNING_RATE_MAX for r in chosen)
    # the placeholder's text reads back as the same rates (the box and a link take it)
    assert fields.read_rates(", ".join(link_number(r) for r in chosen)) == chosen
    # the usual factors where they fit; the words name every one that does not
    words = overlay_replaced_words(lr)
    for f in OVERLAY_FACTORS:
        assert (f in factors) or (f"{f:g}×" in words.split("(")[0]), (lr, f, words)
    assert bool(words) == any(f not in factors for f in OVERLAY_FACTORS)
