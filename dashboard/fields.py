"""Every setting of the dashboard, declared once.

`FIELDS` is the table. Each row names a setting (its attribute on `Settings` and its key in
session state), its key in a shared link, its default, how link text is read and written,
and what a valid value looks like. `Settings`, the link round trip (`to_query`, `from_query`)
and the session-state values (`state_values`, `from_state`) are derived from it; the widget of
each setting is drawn by `controls` under the same key.

Why a round trip of our own rather than Streamlit's ``bind="query-params"``: the binding
drops a malformed or out-of-range value silently, and a teacher whose link has a typo must
learn which parameter was ignored and what the page used instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any

from logreg_core import DATASETS, load_dataset

from .text import link_number, md_escape

DEFAULT_DATASET = "five_points"
UPLOAD = "upload"  # the dataset name of a user's own CSV file

#: Learning rates on the slider: 1-2-5 steps from 1e-4 to 100. Other rates (typed or linked)
#: are inserted in their place on the slider, so it always shows the rate in use.
LEARNING_RATE_GRID: tuple[float, ...] = tuple(
    float(f"{m}e{e}") for e in range(-4, 3) for m in (1, 2, 5) if float(f"{m}e{e}") <= 100
)
LEARNING_RATE_MIN, LEARNING_RATE_MAX = 1e-12, 1000.0
#: Steps on the slider: roughly even on a log scale, so 200 sits mid-slider and one key press
#: moves a readable amount at every size.
STEPS_GRID: tuple[int, ...] = (
    *(int(m * 10**e) for e in range(5) for m in (1, 1.5, 2, 3, 5, 7.5)
      if float(m * 10**e).is_integer()),
    100_000,
)
STEPS_MAX = 100_000
PARAM_SLIDER_LIMIT = 10.0  # sliders for starting weights and bias run over [-10, 10]
PARAM_MAX = 1000.0  # typed or linked starting values may go up to this magnitude
L2_MAX = 100.0
DIGITS_MIN, DIGITS_MAX, DIGITS_DEFAULT = 2, 10, 4
SWEEP_COUNT_DEFAULT, SWEEP_COUNT_MIN, SWEEP_COUNT_MAX = 40, 30, 60
MOMENTUM_MAX = 0.99
MAX_OVERLAY_RATES = 8
SEED_MAX = 2**31 - 1

#: A number as a link or a typed box may hold it: ASCII digits only. Python's float() also
#: reads "٣" (an Arabic-Indic three) or "1_000", which a link must not smuggle in unnoticed.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def read_number(raw: str, low: float, high: float) -> float | None:
    """A finite ASCII number in [low, high], or None."""
    raw = raw.strip()
    if not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) and low <= value <= high else None


def read_whole(raw: str, low: int, high: int) -> int | None:
    """A whole ASCII number in [low, high] (``"200"`` or ``"2e2"``), or None."""
    value = read_number(raw, low, high)
    return int(value) if value is not None and value == int(value) else None


def read_flag(raw: str) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get(raw.strip().lower())


def read_rates(raw: str) -> tuple[float, ...] | None:
    """Up to `MAX_OVERLAY_RATES` comma-separated learning rates, or None."""
    parts = [p for p in re.split(r"[,;\s]+", raw.strip()) if p]
    if not 1 <= len(parts) <= MAX_OVERLAY_RATES:
        return None
    rates = [read_number(p, LEARNING_RATE_MIN, LEARNING_RATE_MAX) for p in parts]
    return None if any(r is None for r in rates) else tuple(sorted(set(rates)))


@dataclass(frozen=True)
class Sizes:
    """What a data set's defaults and bounds depend on."""

    n_samples: int
    n_features: int


def dataset_sizes(name: str) -> Sizes:
    data = load_dataset(name)
    return Sizes(data.n_samples, data.n_features)


def safe_learning_rate(guaranteed: float) -> float:
    """Where a user's own data start: the largest slider rate at or below 0.9 x 2/L (every
    step lowers the loss), or 0.9 x 2/L itself (two digits) when even the slider's smallest
    rate is above it, as on raw features in the thousands."""
    grid = [r for r in LEARNING_RATE_GRID if r <= 0.9 * guaranteed]
    rate = grid[-1] if grid else float(f"{0.9 * guaranteed:.2g}")
    return max(rate, LEARNING_RATE_MIN)


def default_batch_size(n_samples: int) -> int:
    """A quarter of the samples, at least 1 and at most 32: small enough to differ visibly
    from full-batch descent."""
    return min(32, max(1, n_samples // 4))


@dataclass(frozen=True)
class Field:
    """One setting.

    Attributes
    ----------
    name : str
        Attribute of `Settings` and session-state key (the widget's key).
    url : str
        Key in a shared link.
    default : callable (dataset name or None, Sizes, values so far) -> value
    read : callable (link text, values so far, Sizes) -> value or None
        None means the text is not a valid value.
    write : callable (value) -> link text
    expected : callable (values so far, Sizes) -> str
        What a valid value looks like, for the notice about an ignored one.
    """

    name: str
    url: str
    default: Callable[[str | None, Sizes, dict], Any]
    read: Callable[[str, dict, Sizes], Any]
    write: Callable[[Any], str]
    expected: Callable[[dict, Sizes], str]
    type: Any = field(default=Any, compare=False)


def _info(dataset):
    return DATASETS.get(dataset)


def _number_field(name, url, low, high, default, type_=float) -> Field:
    reader = read_whole if type_ is int else read_number
    word = "a whole number" if type_ is int else "a number"
    return Field(
        name, url, default,
        read=lambda raw, values, sizes: reader(raw, low(values, sizes), high(values, sizes)),
        write=(str if type_ is int else link_number),
        expected=lambda values, sizes: (
            f"{word} from {low(values, sizes):g} to {high(values, sizes):g}"),
        type=type_,
    )


def _const(value):
    return lambda *_: value


def _flag_field(name, url, default) -> Field:
    return Field(name, url, default, read=lambda raw, values, sizes: read_flag(raw),
                 write=lambda v: "1" if v else "0", expected=_const("1 or 0"), type=bool)


def _read_w0(raw: str, values: dict, sizes: Sizes):
    parts = raw.split(",")
    numbers = [read_number(p, -PARAM_MAX, PARAM_MAX) for p in parts]
    if len(numbers) != sizes.n_features or any(v is None for v in numbers):
        return None
    return tuple(numbers)


def _default_w0(dataset, sizes, values):
    info = _info(dataset)
    if info is not None and info.w0:
        return tuple(float(v) for v in info.w0)
    return (0.0,) * sizes.n_features


#: Every setting, in the order links are read (later fields may depend on earlier ones).
FIELDS: tuple[Field, ...] = (
    Field("dataset", "data", _const(DEFAULT_DATASET),
          read=lambda raw, values, sizes: raw if raw in DATASETS else None,
          write=str, expected=_const(f"one of {', '.join(DATASETS)}"), type=str),
    _flag_field("standardize", "std",
                lambda d, s, v: bool(_info(d).standardize) if _info(d) else False),
    _number_field("learning_rate", "lr", _const(LEARNING_RATE_MIN), _const(LEARNING_RATE_MAX),
                  lambda d, s, v: _info(d).learning_rate if _info(d) else 0.1),
    _number_field("steps", "steps", _const(1), _const(STEPS_MAX),
                  lambda d, s, v: _info(d).steps if _info(d) else 500, int),
    Field("w0", "w0", _default_w0, read=_read_w0,
          write=lambda v: ",".join(link_number(x) for x in v),
          expected=lambda values, sizes: (
              f"{sizes.n_features} comma-separated number(s) from {-PARAM_MAX:g} to "
              f"{PARAM_MAX:g}"),
          type=tuple),
    _number_field("b0", "b0", _const(-PARAM_MAX), _const(PARAM_MAX),
                  lambda d, s, v: float(_info(d).b0) if _info(d) else 0.0),
    _number_field("l2", "l2", _const(0.0), _const(L2_MAX), _const(0.0)),
    # the inspected step follows the end of the run unless the link says otherwise
    _number_field("inspect", "step", _const(0), lambda values, sizes: values["steps"],
                  lambda d, s, v: v["steps"], int),
    _flag_field("log_scale", "log", _const(False)),
    _number_field("digits", "digits", _const(DIGITS_MIN), _const(DIGITS_MAX),
                  _const(DIGITS_DEFAULT), int),
    Field("view", "tab", _const("step"), read=lambda raw, values, sizes: _view_of(raw),
          write=str, expected=lambda values, sizes: "the name of a view: " + ", ".join(
              sorted(set(_view_aliases().values()))), type=str),
    Field("overlay_rates", "rates", _const(""),
          read=lambda raw, values, sizes: (
              "" if not raw.strip() else
              None if (rates := read_rates(raw)) is None else
              ", ".join(link_number(r) for r in rates)),
          write=str,
          expected=_const(f"up to {MAX_OVERLAY_RATES} comma-separated rates from "
                          f"{LEARNING_RATE_MIN:g} to {LEARNING_RATE_MAX:g}"),
          type=str),
    _number_field("sweep_count", "sweep", _const(SWEEP_COUNT_MIN), _const(SWEEP_COUNT_MAX),
                  _const(SWEEP_COUNT_DEFAULT), int),
    _number_field("batch_size", "batch", _const(1), lambda values, sizes: sizes.n_samples,
                  lambda d, s, v: default_batch_size(s.n_samples), int),
    _number_field("seed", "seed", _const(0), _const(SEED_MAX), _const(0), int),
    _number_field("momentum", "beta", _const(0.0), _const(MOMENTUM_MAX), _const(0.9)),
    _number_field("lesson", "lesson", _const(0), lambda values, sizes: _lesson_steps(),
                  _const(0), int),
)

FIELD = {f.name: f for f in FIELDS}

#: The settings object: one frozen attribute per field, in table order.
Settings = make_dataclass("Settings", [(f.name, f.type) for f in FIELDS], frozen=True)
Settings.__doc__ = "The whole configuration of the page: one attribute per row of FIELDS."

def _view_aliases() -> dict[str, str]:
    """Valid values of the ``tab`` parameter (slugs, titles, older names) and their slugs.

    Imported when first needed: the registry's views import this module.
    """
    from .views import ALIASES

    return ALIASES


def _lesson_steps() -> int:
    from .lesson import STEPS

    return len(STEPS)


def _view_of(raw: str) -> str | None:
    return _view_aliases().get(raw.strip())


def defaults(dataset: str = DEFAULT_DATASET, sizes: Sizes | None = None) -> Settings:
    """The starting settings of a data set (a built-in one, or an upload of these sizes)."""
    sizes = sizes or dataset_sizes(dataset)
    values: dict = {"dataset": dataset}
    for f in FIELDS[1:]:
        values[f.name] = f.default(dataset, sizes, values)
    return Settings(**values)


#: Always written to a link: what the run is. The rest only when it differs from the default,
#: which keeps links short.
_ALWAYS_IN_LINK = {"dataset", "learning_rate", "steps", "w0", "b0", "l2", "standardize",
                   "inspect"}


def to_query(settings: Settings, sizes: Sizes | None = None) -> dict[str, str]:
    """Settings as link parameters (short keys, human-readable values)."""
    base = defaults(settings.dataset, sizes) if settings.dataset in DATASETS or sizes else None
    return {
        f.url: f.write(getattr(settings, f.name)) for f in FIELDS
        if f.name in _ALWAYS_IN_LINK or base is None
        or getattr(settings, f.name) != getattr(base, f.name)
    }


#: Link parameters whose meaning depends on the data's shape: a link made with an uploaded
#: file cannot carry them over to the example data it falls back to.
_DATA_SPECIFIC = {"w0", "batch"}


def from_query(query: Mapping[str, str],
               base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Read settings from link parameters.

    Every missing parameter takes its default; every malformed or out-of-range one takes
    its default too, with one notice naming the parameter, the value found (escaped: the
    notice is Markdown) and the value used instead.

    Parameters
    ----------
    query : mapping of str to str
        E.g. ``st.query_params``; unknown keys are ignored.
    base : Settings, optional
        Where missing values come from instead of the data set's defaults (a lesson step's
        settings, so that ``?lesson=6`` alone opens that step as it is meant to be). Used
        only when the link names no other data set.

    Returns
    -------
    settings : Settings
    notices : list of str
        Markdown, with every link value escaped.
    """
    notices: list[str] = []
    query = dict(query)
    dataset = query.get("data", DEFAULT_DATASET)
    skip: set[str] = set()
    if dataset == UPLOAD:
        notices.append(
            "This link was made with an uploaded file, and links cannot carry files: choose "
            "**Your own CSV file** under Data and upload it again. Showing the 5-point example."
        )
        query.pop("data")
        skip = _DATA_SPECIFIC
    if query.get("explore") == "1" and "tab" not in query:  # links made before views had names
        query["tab"] = "rates"
    if base is not None and query.get("data", base.dataset) != base.dataset:
        base = None
    if base is not None:
        dataset = base.dataset
    sizes = dataset_sizes(dataset if dataset in DATASETS else DEFAULT_DATASET)
    values: dict = {}
    for f in FIELDS:
        fallback = (getattr(base, f.name) if base is not None
                    else f.default(values.get("dataset"), sizes, values))
        raw = query.get(f.url)
        if raw is None or f.url in skip:
            values[f.name] = fallback
            continue
        value = f.read(raw, values, sizes)
        if value is None:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            notices.append(
                f"Ignored link parameter **{f.url}** = “{md_escape(shown, 60)}”: expected "
                f"{f.expected(values, sizes)}; using {md_escape(_shown(fallback))}."
            )
            value = fallback
        values[f.name] = value
    return Settings(**values), notices


def _shown(value) -> str:
    if value == "":
        return "the default"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(link_number(v) for v in value)
    if isinstance(value, float):
        return link_number(value)
    return str(value)


def state_values(settings: Settings) -> dict[str, Any]:
    """Session-state keys and values that hold a configuration (one key per widget)."""
    values = {f.name: getattr(settings, f.name) for f in FIELDS if f.name != "w0"}
    values.update({w0_key(j): value for j, value in enumerate(settings.w0)})
    return values


def from_state(state: Mapping[str, Any], n_features: int) -> Settings:
    """The settings session state holds now."""
    values = {f.name: state[f.name] for f in FIELDS if f.name != "w0"}
    values["w0"] = tuple(float(state[w0_key(j)]) for j in range(n_features))
    return Settings(**values)


def w0_key(j: int) -> str:
    """Session-state key (and widget key) of starting weight j."""
    return f"w0_{j}"


def with_changes(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)
