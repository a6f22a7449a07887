"""Results shared across sessions are read-only through and through.

Every function of `dashboard.compute` cached with `st.cache_resource` hands every session the
very same object: one view that changed it would change every other student's page. Each is
called here with the default settings and walked: every array reachable must be read-only,
every container immutable (tuple, frozenset, read-only mapping, frozen dataclass), and an
attempt to change one from a view must raise.
"""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pandas as pd
import pytest

import logreg_core as lc
from dashboard import compute, sources

IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), np.generic, frozenset, range,
             types.FunctionType)


def mutable_parts(value, path: str = "result", seen: set | None = None) -> list[str]:
    """Paths of everything reachable from ``value`` that could be changed in place."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, IMMUTABLE):
        return []
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        found = [] if not value.flags.writeable else [f"{path} (writeable array)"]
        if value.dtype == object:
            for i, item in enumerate(value.ravel()):
                found += mutable_parts(item, f"{path}[{i}]", seen)
        return found
    if isinstance(value, (pd.DataFrame, pd.Series, list, dict, set, bytearray)):
        return [f"{path} ({type(value).__name__})"]
    if isinstance(value, (tuple, types.MappingProxyType)):
        items = value.items() if isinstance(value, types.MappingProxyType) else enumerate(value)
        return [p for k, v in items for p in mutable_parts(v, f"{path}[{k!r}]", seen)]
    if dataclasses.is_dataclass(value):
        found = [] if type(value).__dataclass_params__.frozen else [f"{path} (unfrozen)"]
        for field in dataclasses.fields(value):
            found += mutable_parts(getattr(value, field.name), f"{path}.{field.name}", seen)
        return found
    if hasattr(value, "__dict__") or hasattr(value, "__slots__"):  # an optimizer, a verdict
        names = list(getattr(value, "__dict__", {})) + list(getattr(value, "__slots__", ()))
        return [p for name in names
                for p in mutable_parts(getattr(value, name), f"{path}.{name}", seen)]
    return [f"{path} ({type(value).__name__}: unknown)"]


@pytest.fixture(scope="module")
def data():
    return sources.training_data(sources.builtin_source("wikipedia_students"), False)


def cached_results(data):
    """Each cached function of compute, called as the page calls it (default settings)."""
    start = ((0.0,), 0.0)
    yield "run", compute.run(data, 0.5, 200, *start, 0.0)
    yield "frames", compute.frames(data, 0.5, 200, *start, 0.0, (0,), ())
    yield "limits", compute.limits(data, 0.0)
    yield "exact_fit", compute.exact_fit(data, 0.0)
    yield "sweep", compute.sweep(data, (0.1, 1.0, 3.0), 50, *start, 0.0)
    yield "optimizer_runs", compute.optimizer_runs(
        data, (lc.GradientDescent(0.5), lc.Momentum(0.5, beta=0.9)), 20, *start, 0.0)
    yield "check_gradient", compute.check_gradient(data, (0.3,), -0.2, 0.0)
    yield "worked_step", compute.worked_step()
    yield "student_step", compute.student_step()


def test_every_cached_result_is_read_only_through_and_through(data):
    found = {name: parts for name, result in cached_results(data)
             if (parts := mutable_parts(result, name))}
    assert found == {}


def test_a_view_cannot_change_a_cached_fit_or_run(data):
    fit = compute.exact_fit(data, 0.0)
    with pytest.raises(ValueError, match="read-only"):
        fit.w[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        fit.loss = 0.0
    history = compute.run(data, 0.5, 200, (0.0,), 0.0, 0.0)
    with pytest.raises(ValueError, match="read-only"):
        history.loss[-1] = 0.0
    runs = compute.optimizer_runs(data, (lc.GradientDescent(0.5),), 5, (0.0,), 0.0, 0.0)
    with pytest.raises(TypeError):
        runs["another"] = history
    assert compute.exact_fit(data, 0.0).w[0] == fit.w[0]  # the next session's is the same


def test_the_landscape_is_each_sessions_own_copy(data):
    """The contours are a DataFrame (it cannot be frozen): cached as data, so each call gets
    its own copy and a change to one reaches no other session."""
    args = (data, (0.5, -1.0), (0, 1), (-1.0, 2.0), (-4.0, 2.0), 0.0)
    surface, segments = compute.loss_surface(*args)
    surface.loss[0, 0] = -1.0
    segments.loc[:, "a"] = 0.0
    again, segments_again = compute.loss_surface(*args)
    assert again.loss[0, 0] != -1.0 and not (segments_again["a"] == 0.0).all()
