"""Every setting of the dashboard, declared once: the `Settings` dataclass.

Each attribute of `Settings` carries, beside its type, how it travels (`setting`): its key in
a shared link, its kind (how link text is read and written, and what a valid value looks
like, bounds included), its default, and whether a link always carries it. The link round
trip (`to_query`, `from_query`), the session-state values (`state_values`, `from_state`), the
exact-values form (`exact_kind`) and the defaults are derived from those declarations; the
widget of each setting is drawn by `controls` under the attribute's name.

Adding a setting that links carry: one attribute here, its control in `controls`, and the
code that uses it.

Why a round trip of our own rather than Streamlit's ``bind="query-params"``: the binding
drops a malformed or out-of-range value silently, and a teacher whose link has a typo must
learn which parameter was ignored and what the page used instead; a key no setting has
(``Steps``, ``rate``) is named too, with the key it was likely meant to be, and never used as
that key (`unknown_keys`).

A leaf of the dashboard: it imports the tab table and the text helpers, no view, no lesson,
no session state, and no Streamlit.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from logreg_core import DATASETS, load_dataset

from .tabs import ALIASES, DEFAULT_TAB
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
#: The smallest positive L2 strength λ a link or the L2 box takes (0 is taken too). With λ > 0
#: the loss has a best fit, and on separable data a tiny λ puts it far out, with a loss of
#: about λ/2·‖w‖²: on the 5 points 9.3e-295 at λ = 1e-300 (w = 1,364). Below about 1e-308,
#: the smallest normal double, λ and that loss lose digits, 2/λ overflows, and Newton's method
#: cannot reach the best fit (on the 5 points from λ = 1e-315 on; at 5e-324 the page said "there
#: is no best fit"): the page would have nothing true to say of it. 1e-300 stays eight decades
#: clear of that edge, and every built-in data set's best fit is computed there
#: (tests/core/test_limits.py).
L2_MIN = 1e-300
DIGITS_MIN, DIGITS_MAX, DIGITS_DEFAULT = 2, 10, 4
SWEEP_COUNT_DEFAULT, SWEEP_COUNT_MIN, SWEEP_COUNT_MAX = 40, 30, 60
MOMENTUM_MAX = 0.99
MAX_OVERLAY_RATES = 8
SEED_MAX = 2**31 - 1
#: Steps of the guided lesson (`lesson.STEPS` has this many; a test checks it).
LESSON_STEPS = 7

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


# --------------------------------------------------------------------------------------------
# Kinds of setting: how link text is read and written, and what a valid value looks like
# --------------------------------------------------------------------------------------------

#: A bound that depends on the values read so far (in declaration order) and the data's sizes.
Bound = float | Callable[[Mapping[str, Any], Sizes], float]


def _bound(bound: Bound, values: Mapping[str, Any], sizes: Sizes) -> float:
    return bound(values, sizes) if callable(bound) else bound


@dataclass(frozen=True)
class Number:
    """A number in [low, high] (each bound a constant or a function of the values so far)."""

    low: Bound
    high: Bound
    whole: bool = False
    #: Where set, 0 or a number from it up: the values between 0 and it are refused (the L2
    #: strength, `L2_MIN`).
    positive_from: float | None = None

    def bounds(self, values: Mapping[str, Any], sizes: Sizes) -> tuple[float, float]:
        return _bound(self.low, values, sizes), _bound(self.high, values, sizes)

    def read(self, raw: str, values: Mapping[str, Any], sizes: Sizes):
        low, high = self.bounds(values, sizes)
        value = (read_whole if self.whole else read_number)(raw, low, high)
        if value is not None and self.positive_from and 0 < value < self.positive_from:
            return None
        return value

    def write(self, value) -> str:
        return str(value) if self.whole else link_number(value)

    def expected(self, values: Mapping[str, Any], sizes: Sizes) -> str:
        low, high = self.bounds(values, sizes)
        if self.whole:  # every digit: 2147483647, not 2.14748e+09
            return f"a whole number from {int(low)} to {int(high)}"
        if self.positive_from:
            return f"0, or a number from {self.positive_from:g} to {high:g}"
        return f"a number from {low:g} to {high:g}"


@dataclass(frozen=True)
class Flag:
    """On or off: ``1``/``true`` or ``0``/``false`` in a link."""

    def read(self, raw: str, values, sizes):
        return read_flag(raw)

    def write(self, value: bool) -> str:
        return "1" if value else "0"

    def expected(self, values, sizes) -> str:
        return "1 or 0"


@dataclass(frozen=True)
class Choice:
    """One of several names; ``accepted`` maps every name a link may use to the value."""

    accepted: Mapping[str, str]

    def read(self, raw: str, values, sizes):
        return self.accepted.get(raw.strip())

    def write(self, value: str) -> str:
        return value

    def expected(self, values, sizes) -> str:
        return "one of " + ", ".join(dict.fromkeys(self.accepted.values()))


#: One starting weight: what the exact-values form and a link accept for each.
WEIGHT = Number(-PARAM_MAX, PARAM_MAX)


@dataclass(frozen=True)
class Weights:
    """One `WEIGHT` per feature, comma-separated."""

    def read(self, raw: str, values, sizes: Sizes):
        numbers = [WEIGHT.read(part, values, sizes) for part in raw.split(",")]
        if len(numbers) != sizes.n_features or any(v is None for v in numbers):
            return None
        return tuple(numbers)

    def write(self, value: tuple) -> str:
        return ",".join(link_number(x) for x in value)

    def expected(self, values, sizes: Sizes) -> str:
        return (f"{sizes.n_features} comma-separated number(s) from {-PARAM_MAX:g} to "
                f"{PARAM_MAX:g}")


@dataclass(frozen=True)
class Rates:
    """Up to `MAX_OVERLAY_RATES` learning rates as text (empty: the page's own choice)."""

    def read(self, raw: str, values, sizes):
        if not raw.strip():
            return ""
        rates = read_rates(raw)
        return None if rates is None else ", ".join(link_number(r) for r in rates)

    def write(self, value: str) -> str:
        return value

    def expected(self, values, sizes) -> str:
        return (f"up to {MAX_OVERLAY_RATES} comma-separated rates from {LEARNING_RATE_MIN:g} "
                f"to {LEARNING_RATE_MAX:g}")


Kind = Number | Flag | Choice | Weights | Rates
#: A default: a function of the data set's name (None for an upload), its sizes and the
#: values so far.
Default = Callable[[str | None, Sizes, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Field:
    """How one attribute of `Settings` travels (see `setting`); ``name`` is the attribute."""

    url: str
    kind: Kind
    default: Default
    always_in_link: bool = False
    data_specific: bool = False
    spoken: tuple[str, ...] = ()
    name: str = ""

    def read(self, raw: str, values: Mapping[str, Any], sizes: Sizes):
        return self.kind.read(raw, values, sizes)

    def write(self, value) -> str:
        return self.kind.write(value)

    def expected(self, values: Mapping[str, Any], sizes: Sizes) -> str:
        return self.kind.expected(values, sizes)


def setting(url: str, kind: Kind, default: Default, *, always_in_link: bool = False,
            data_specific: bool = False, spoken: tuple[str, ...] = ()) -> Any:
    """Declare an attribute of `Settings` (a dataclass field with its `Field` as metadata).

    Parameters
    ----------
    url : str
        Its key in a shared link (one key space: every lookup is by attribute name).
    kind : Number, Flag, Choice, Weights or Rates
    default : callable (dataset name or None, Sizes, values so far) -> value
    always_in_link : bool
        Written to every link (what the run is); the others only when not at their default.
    data_specific : bool
        Its meaning depends on the data's shape: a link made with an uploaded file cannot
        carry it over to the example data it falls back to.
    spoken : tuple of str
        Other names a teacher may give it in a link beside its key and attribute name (the
        page's symbol for it): never read, only suggested (`suggested_key`).
    """
    return field(metadata={"setting": Field(url, kind, default, always_in_link,
                                            data_specific, spoken)})


def _const(value) -> Default:
    return lambda *_: value


def _from_info(attribute: str, fallback) -> Default:
    """A built-in data set's own starting value (`DatasetInfo`), or ``fallback`` for uploads."""
    def default(dataset, sizes, values):
        info = DATASETS.get(dataset)
        return getattr(info, attribute) if info is not None else fallback
    return default


def _default_w0(dataset, sizes: Sizes, values) -> tuple[float, ...]:
    info = DATASETS.get(dataset)
    if info is not None and info.w0:
        return tuple(float(v) for v in info.w0)
    return (0.0,) * sizes.n_features


@dataclass(frozen=True)
class Settings:
    """The whole configuration of the page. Attributes are read from a link in this order
    (a later bound or default may depend on an earlier value)."""

    dataset: str = setting("data", Choice({name: name for name in DATASETS}),
                           _const(DEFAULT_DATASET), always_in_link=True)
    standardize: bool = setting("std", Flag(), _from_info("standardize", False),
                                always_in_link=True)
    learning_rate: float = setting("lr", Number(LEARNING_RATE_MIN, LEARNING_RATE_MAX),
                                   _from_info("learning_rate", 0.1), always_in_link=True,
                                   spoken=("eta", "η"))
    steps: int = setting("steps", Number(1, STEPS_MAX, whole=True), _from_info("steps", 500),
                         always_in_link=True)
    w0: tuple[float, ...] = setting("w0", Weights(), _default_w0, always_in_link=True,
                                    data_specific=True)
    b0: float = setting("b0", WEIGHT, _from_info("b0", 0.0), always_in_link=True,
                        spoken=("bias",))
    l2: float = setting("l2", Number(0.0, L2_MAX, positive_from=L2_MIN), _const(0.0),
                        always_in_link=True, spoken=("lambda", "λ"))
    # the inspected step follows the end of the run unless the link says otherwise
    inspect: int = setting("step", Number(0, lambda values, sizes: values["steps"], whole=True),
                           lambda d, s, values: values["steps"], always_in_link=True)
    log_scale: bool = setting("log", Flag(), _const(False))
    digits: int = setting("digits", Number(DIGITS_MIN, DIGITS_MAX, whole=True),
                          _const(DIGITS_DEFAULT))
    view: str = setting("tab", Choice(ALIASES), _const(DEFAULT_TAB))
    overlay_rates: str = setting("rates", Rates(), _const(""))
    sweep_count: int = setting("sweep", Number(SWEEP_COUNT_MIN, SWEEP_COUNT_MAX, whole=True),
                               _const(SWEEP_COUNT_DEFAULT))
    batch_size: int = setting("batch", Number(1, lambda values, sizes: sizes.n_samples,
                                              whole=True),
                              lambda d, sizes, v: default_batch_size(sizes.n_samples),
                              data_specific=True)
    seed: int = setting("seed", Number(0, SEED_MAX, whole=True), _const(0))
    momentum: float = setting("beta", Number(0.0, MOMENTUM_MAX), _const(0.9), spoken=("β",))
    lesson: int = setting("lesson", Number(0, LESSON_STEPS, whole=True), _const(0))


#: Every setting, in the order links are read.
FIELDS: tuple[Field, ...] = tuple(replace(f.metadata["setting"], name=f.name)
                                  for f in dataclasses.fields(Settings))
FIELD: dict[str, Field] = {f.name: f for f in FIELDS}


def defaults(dataset: str = DEFAULT_DATASET, sizes: Sizes | None = None) -> Settings:
    """The starting settings of a data set (a built-in one, or an upload of these sizes)."""
    sizes = sizes or dataset_sizes(dataset)
    values: dict = {"dataset": dataset}
    for f in FIELDS[1:]:
        values[f.name] = f.default(dataset, sizes, values)
    return Settings(**values)


def to_query(settings: Settings, sizes: Sizes | None = None) -> dict[str, str]:
    """Settings as link parameters (short keys, human-readable values): what the run is
    always, the rest only when it differs from the default, which keeps links short."""
    base = defaults(settings.dataset, sizes) if settings.dataset in DATASETS or sizes else None
    return {
        f.url: f.write(getattr(settings, f.name)) for f in FIELDS
        if f.always_in_link or base is None
        or getattr(settings, f.name) != getattr(base, f.name)
    }


class Notice(str):
    """A notice about a link: its Markdown text (a ``str``, so it reads and compares as one),
    and ``about``, the names of the settings it is about (none for a key no setting has)."""

    about: tuple[str, ...]

    def __new__(cls, text: str, about: tuple[str, ...] = ()) -> Notice:
        notice = super().__new__(cls, text)
        notice.about = about
        return notice


#: A key of links made before views had names: ``explore=1`` opens the rates view.
LEGACY_EXPLORE = "explore"
#: Every key a link may hold: one per setting, and `LEGACY_EXPLORE`.
LINK_KEYS: frozenset[str] = frozenset({f.url for f in FIELDS} | {LEGACY_EXPLORE})


def _spoken_names() -> dict[str, str]:
    """Each name a setting goes by, in lower case, and its link key: the key, the attribute's
    name, each word of it and its ``spoken`` names (``learning_rate``, ``rate`` and ``eta``
    are ``lr``; ``momentum`` is ``beta``)."""
    names: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.url, f.name, *f.name.split("_"), *f.spoken):
            names.setdefault(name.lower(), f.url)
    return names


_SPOKEN = _spoken_names()


def suggested_key(key: str) -> str | None:
    """The link key a key no setting has was likely meant to be, or None.

    A name of a setting (`_spoken_names`) equal to it but for case and surrounding spaces
    (``Steps``, ``LR``, ``rate``), else the closest one that differs by little (difflib's
    ratio of 0.8 or more: ``stpes``, ``standardise``); never a guess on a longer key.
    """
    typed = key.strip().lower()
    if typed in _SPOKEN:
        return _SPOKEN[typed]
    if len(typed) > 40:
        return None
    close = difflib.get_close_matches(typed, _SPOKEN, n=1, cutoff=0.8)
    return _SPOKEN[close[0]] if close else None


def unknown_keys(query: Mapping[str, str]) -> list[Notice]:
    """A notice for each key of a link that no setting has: the page ignores it and says so,
    naming the key it was likely meant to be (`suggested_key`), which is not used instead."""
    notices: list[Notice] = []
    for key, raw in query.items():
        if key in LINK_KEYS:
            continue
        text = (f"Ignored link parameter **{md_escape(key, 40) or 'with no name'}** = "
                f"“{md_escape(raw, 40)}”: the page has no parameter of that name, so nothing "
                "was set from it.")
        hint = suggested_key(key)
        if hint is not None:
            text += f" Did you mean **{hint}**?"
        notices.append(Notice(text))
    return notices


def from_query(query: Mapping[str, str], base: Settings | None = None,
               sizes: Sizes | None = None) -> tuple[Settings, list[Notice]]:
    """Read settings from link parameters.

    Every missing parameter takes its default; every malformed or out-of-range one takes
    its default too, with one notice naming the parameter, the value found (escaped: the
    notice is Markdown) and the value used instead. A key no setting has gets a notice too
    (`unknown_keys`).

    Parameters
    ----------
    query : mapping of str to str
        E.g. ``st.query_params``.
    base : Settings, optional
        Where missing values come from instead of the data set's defaults (a lesson step's
        settings, so that ``?lesson=6`` alone opens that step as it is meant to be; an
        uploaded file's start). Used only when the link names no other data set. Where the
        base inspects its run's last step, a link that gives steps but no step inspects the
        last of those.
    sizes : Sizes, optional
        An uploaded file's sizes, to read a link made from an upload (``data=upload``) for
        that file, its data-specific settings included; ``base`` is then the file's start.
        Without them such a link opens the 5-point example, with a notice, and its
        data-specific settings are not read.

    Returns
    -------
    settings : Settings
    notices : list of Notice
        Markdown, with every link value escaped; each names the setting it is about.
    """
    notices: list[Notice] = []
    query = dict(query)
    dataset = query.get("data", DEFAULT_DATASET)
    skip: set[str] = set()
    if sizes is not None:
        assert base is not None and base.dataset == UPLOAD and dataset == UPLOAD, "an upload"
        query.pop("data")
    elif dataset == UPLOAD:
        notices.append(Notice(
            "This link was made with an uploaded file, and links cannot carry files: choose "
            "**Your own CSV file** under Data and upload it again, and the link's settings "
            "are applied to it. Until then, the 5-point example with the link's settings "
            "that do not depend on the data.",
            about=("dataset",)))
        query.pop("data")
        skip = {f.name for f in FIELDS if f.data_specific}
    if query.get(LEGACY_EXPLORE) == "1" and "tab" not in query:
        query["tab"] = "rates"
    if base is not None and query.get("data", base.dataset) != base.dataset:
        base = None
    if base is not None:
        dataset = base.dataset
    sizes = sizes or dataset_sizes(dataset if dataset in DATASETS else DEFAULT_DATASET)
    values: dict = {}
    for f in FIELDS:
        fallback = (getattr(base, f.name) if base is not None and not _follows(f, base)
                    else f.default(values.get("dataset"), sizes, values))
        raw = query.get(f.url)
        if raw is None or f.name in skip:
            values[f.name] = fallback
            continue
        value = f.read(raw, values, sizes)
        if value is None:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            notices.append(Notice(
                f"Ignored link parameter **{f.url}** = “{md_escape(shown, 60)}”: expected "
                f"{f.expected(values, sizes)}; using {md_escape(_shown(fallback))}.",
                about=(f.name,)))
            value = fallback
        values[f.name] = value
    return Settings(**values), notices + unknown_keys(query)


def _follows(f: Field, base: Settings) -> bool:
    """Whether a setting's fallback follows the link's values rather than the base's: the
    inspected step, where the base inspects its run's last (``?lesson=5&steps=100000``
    inspected part 5's step 200, which no control there moves)."""
    return f.name == "inspect" and base.inspect >= base.steps


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
    values = {f.name: _held(f, state[f.name]) for f in FIELDS if f.name != "w0"}
    values["w0"] = tuple(float(state[w0_key(j)]) for j in range(n_features))
    return Settings(**values)


def _held(f: Field, value):
    """A whole setting as an int: the SGD boxes hold floats (a whole-number box turned a typed
    2.7 into 2 before the page could see it), and a link writes ``3``, not ``3.0``."""
    return int(value) if isinstance(f.kind, Number) and f.kind.whole else value


def w0_key(j: int) -> str:
    """Session-state key (and widget key) of starting weight j."""
    return f"w0_{j}"


def exact_kind(key: str) -> Number:
    """What the exact-values form accepts for a session-state key: a setting's own kind, or
    `WEIGHT` for each starting weight (``w0_j``)."""
    kind = WEIGHT if key.startswith("w0_") else FIELD[key].kind
    assert isinstance(kind, Number), key
    return kind


def with_changes(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)
