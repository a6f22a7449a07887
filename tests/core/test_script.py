"""The downloadable script: it reruns the dashboard's run bit for bit, and no name reaches code.

Each generated script is run in a fresh Python in a temporary folder; a script that wrote any
file or printed anything unexpected would show here.
"""

import ast
import io
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from logreg_core import Standardizer, load_dataset, train
from logreg_core.script import standalone_script


def run_script(source: str, folder) -> pd.DataFrame:
    # bytes, not text: text mode would turn a \r inside a quoted name into a line break
    result = subprocess.run([sys.executable, "-I", "-"], input=source.encode(),
                            capture_output=True, timeout=120, check=False, cwd=folder)
    assert result.returncode == 0, result.stderr.decode()
    assert list(folder.iterdir()) == []  # it wrote nothing
    return pd.read_csv(io.BytesIO(result.stdout))


@pytest.mark.parametrize(("name", "kwargs"), [
    ("five_points", dict(learning_rate=0.5, steps=200, w0=[0.0], b0=0.0, l2=0.0,
                         standardize=False)),
    ("five_points", dict(learning_rate=0.1, steps=30, w0=[2.197], b0=-6.593, l2=0.3,
                         standardize=False)),
    ("breast_cancer", dict(learning_rate=0.5, steps=300, w0=[0.1] * 30, b0=-0.2, l2=0.01,
                           standardize=True)),
])
def test_script_reproduces_the_run_exactly(name, kwargs, tmp_path):
    data = load_dataset(name)
    X = Standardizer.fit(data.X).transform(data.X) if kwargs["standardize"] else data.X
    history = train(X, data.y, learning_rate=kwargs["learning_rate"], steps=kwargs["steps"],
                    w0=kwargs["w0"], b0=kwargs["b0"], l2=kwargs["l2"])
    source = standalone_script(data.X, data.y, feature_names=data.feature_names, **kwargs)
    assert "import streamlit" not in source and "logreg_core" not in source
    frame = run_script(source, tmp_path)
    assert np.array_equal(frame["loss"].to_numpy(), history.loss)
    assert np.array_equal(frame["b"].to_numpy(), history.bias)
    assert np.array_equal(frame[data.feature_names].to_numpy(), history.weights)


@pytest.mark.parametrize(("name", "learning_rate", "steps", "l2"), [
    ("five_points", 10, 200, 1.0),
    # the last steps have |w| past 1.3e154, where w.w overflows and λ/2 |w|² does not: the
    # script printed inf where the page (and its history CSV) had 2.9e306
    ("five_points", 1000, 300, 0.01),
    ("wikipedia_students", 100, 1000, 0.05),
])
def test_script_of_an_overflowing_run_stops_where_the_run_stopped(name, learning_rate, steps,
                                                                  l2, tmp_path):
    data = load_dataset(name)
    history = train(data.X, data.y, learning_rate=learning_rate, steps=steps, l2=l2)
    assert history.steps_run < steps  # the dashboard stopped before the overflow
    w0 = [0.0] * data.n_features
    source = standalone_script(data.X, data.y, feature_names=data.feature_names,
                               learning_rate=learning_rate, steps=history.steps_run, w0=w0,
                               b0=0.0, l2=l2, stopped_early=True)
    frame = run_script(source, tmp_path)
    assert len(frame) == history.steps_run + 1
    assert np.all(np.isfinite(frame.to_numpy()))
    assert np.array_equal(frame["loss"].to_numpy(), history.loss)


HOSTILE = [
    "x\rimport os; os.system('touch pwned')\r#", "a\nprint('injected')\n#", "b\r\nc",
    "v\x0btab", "f\x0cfeed", "g\x1cfs", "h\x1dgs", "i\x1ers", "j\x85nel", "k\u2028line",
    "l\u2029para", "'quote'", '"dq"', '"""triple"""', "'''single triple'''", "back\\slash\\",
    "# comment", "\\N{BULLET}", "{braces}", "x" * 10_000,
]


def test_hostile_names_never_reach_code(tmp_path):
    X = np.random.default_rng(0).normal(size=(6, len(HOSTILE)))
    y = np.array([0, 1, 0, 1, 1, 0.0])
    source = standalone_script(X, y, feature_names=HOSTILE, learning_rate=0.1, steps=3,
                               w0=np.zeros(len(HOSTILE)), b0=0.0)
    tree = ast.parse(source)
    calls = {node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
             for node in ast.walk(tree) if isinstance(node, ast.Call)}
    # only the calls the template makes: no os, no system, no print of anything injected
    assert calls <= {"loads", "array", "reshape", "mean", "std", "max", "exp", "abs", "where",
                     "log1p", "maximum", "len", "append", "print", "join", "range", "sum", "repr",
                     "float", "spreadsheet_safe", "startswith", "writer", "writerow", "seterr",
                     "concatenate", "isfinite"}
    names = [node for node in tree.body if isinstance(node, ast.Assign)
             and node.targets[0].id == "FEATURE_NAMES"]
    assert len(names) == 1  # the names are one JSON literal, nothing else
    assert all(ch.isascii() and (ch.isprintable() or ch == "\n") for ch in source)
    frame = run_script(source, tmp_path)
    assert list(frame.columns)[1:-2] == HOSTILE  # read back exactly, as CSV text


def test_script_header_is_safe_in_a_spreadsheet(tmp_path):
    names = ["=HYPERLINK(\"x\")", "+cmd", "-2", "@SUM(A1)", "ok"]
    X = np.arange(10.0).reshape(2, 5)
    source = standalone_script(X, np.array([0, 1.0]), feature_names=names, learning_rate=0.1,
                               steps=1, w0=np.zeros(5), b0=0.0)
    frame = run_script(source, tmp_path)
    assert list(frame.columns)[1:-2] == ["'" + n for n in names[:4]] + ["ok"]
