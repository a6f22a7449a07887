"""AppTest fixtures: a fresh app per test."""

import pytest
import streamlit as st

from tests.app.helpers import build


@pytest.fixture
def new_app():
    """Build an AppTest (not yet run) with optional link parameters.

    Data caches (uploads) start empty. Resource caches (runs, fits, sweeps: pure functions of
    their inputs, read-only) are kept across tests: sharing them is what the server does too.
    """
    st.cache_data.clear()
    yield build
    st.cache_data.clear()


@pytest.fixture
def app(new_app):
    """The default page, run once and checked for exceptions."""
    at = new_app().run()
    assert not at.exception, [e.value for e in at.exception]
    return at
