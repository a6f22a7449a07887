"""Shared fixtures: the textbook data sets, the twenty students and the breast cancer data as
plain arrays; a served app for the tests that speak Streamlit's protocol."""

from pathlib import Path

import numpy as np
import pytest

from logreg_core import Standardizer, load_dataset

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _mpmath_digits():
    """Every test starts with mpmath at 60 digits: its precision is one setting of the whole
    process, and a test that set 30 left it there for the next one in its worker (a fresh
    clone's run found an exact gradient's sign flipped by it, in a module that had set 60 when
    it was imported)."""
    import mpmath

    mpmath.mp.dps = 60
    yield


@pytest.fixture
def five_points():
    """The worked example's data: X = 1..5, y = 0, 0, 0, 1, 1."""
    return np.arange(1.0, 6.0)[:, None], np.array([0.0, 0.0, 0.0, 1.0, 1.0])


@pytest.fixture
def overlapping():
    """Random two-feature data whose classes overlap, so a finite optimum exists."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 2))
    y = (X @ [1.5, -1.0] + 0.3 + rng.normal(scale=1.5, size=60) > 0).astype(float)
    return X, y


@pytest.fixture(scope="session")
def students():
    """The twenty students (hours studied, passed): overlapping classes, a finite optimum."""
    data = load_dataset("wikipedia_students")
    return data.X, data.y


@pytest.fixture(scope="session")
def cancer_raw():
    """The breast cancer data as loaded (features from 0 to 4,254)."""
    data = load_dataset("breast_cancer")
    return data.X, data.y


@pytest.fixture(scope="session")
def cancer_std(cancer_raw):
    """The breast cancer data standardized, as the page trains on it by default."""
    X, y = cancer_raw
    return Standardizer.fit(X).transform(X), y


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory):
    """`streamlit run app.py` on a free local port, for one module of protocol-client tests
    (`bench.protocol`: the websocket a browser tab speaks, no browser)."""
    from bench.server import Server

    server = Server(REPO / "app.py", REPO, tmp_path_factory.mktemp("logs"))
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def pytest_collection_modifyitems(items):
    """The browser tests share one server and one Chromium, and some of them count frames and
    time key presses: under pytest-xdist (``-n 2 --dist loadgroup``, as scripts/run_tests.sh
    runs them) they all go to one worker, in order, while the other worker takes the rest."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
