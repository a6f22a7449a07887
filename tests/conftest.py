"""Shared fixtures: the seed data sets as plain arrays."""

import numpy as np
import pytest


@pytest.fixture
def five_points():
    """Seed 001's data: X = 1..5, y = 0, 0, 0, 1, 1."""
    return np.arange(1.0, 6.0)[:, None], np.array([0.0, 0.0, 0.0, 1.0, 1.0])


@pytest.fixture
def overlapping():
    """Random two-feature data whose classes overlap, so a finite optimum exists."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 2))
    y = (X @ [1.5, -1.0] + 0.3 + rng.normal(scale=1.5, size=60) > 0).astype(float)
    return X, y
