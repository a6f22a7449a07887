"""A user's own CSV file: the uploader, the column choices, and the resulting source.

The file is read in memory by `logreg_core.csv_reader` (never stored, never run). Every
problem becomes a notice that says what to change; column names and cells are shown escaped
or as plain table cells, never as Markdown or HTML.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import logreg_core as lc
from logreg_core import csv_reader as reader
from logreg_core.datasets import constant_features, single_feature_condition
from logreg_core.maths import column_mean_and_spread

from . import compute, fields, sources, state
from .charts import title_text
from .compute import Data, Source
from .text import first_of, fmt, fmt_log10, full_names_help, md_escape

PERSIST = {"persist_state": "session"}
#: Most digits the spreads' ratio is written with to tell it from 1: below the spreads' own
#: rounding (`datasets.spread_ratio`).
RATIO_DIGITS = 12


@dataclass(frozen=True, eq=False)
class Upload:
    """An uploaded file's bytes and their SHA-256 digest (caches hash by the digest)."""

    digest: str
    content: bytes


UPLOAD_HASH = {Upload: lambda upload: upload.digest}


@st.cache_resource(show_spinner="Reading your file...", max_entries=8, hash_funcs=UPLOAD_HASH)
def parse(upload: Upload, sample_large: bool) -> reader.ParsedTable:
    return reader.read_csv_bytes(upload.content, sample_large=sample_large)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=UPLOAD_HASH)
def prepare(upload: Upload, sample_large: bool, target: str, features: tuple, swap: bool,
            drop_missing: bool) -> reader.PreparedData:
    parsed = parse(upload, sample_large)
    return reader.prepare(parsed.frame, target, list(features), swap_labels=swap,
                          drop_missing=drop_missing)


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=UPLOAD_HASH)
def raw_guaranteed_rate(upload: Upload, sample_large: bool, target: str, features: tuple,
                        swap: bool, drop_missing: bool) -> float:
    """2/L of the features as uploaded (`prepare`, same arguments): a product of
    n_samples x (n_features + 1)^2, once per file and choice of columns, not per rerun."""
    X = prepare(upload, sample_large, target, features, swap, drop_missing).X
    return lc.curvature_bound(X, 0.0).guaranteed_rate


def show_problem(error: Exception) -> None:
    """A user's mistake, as a notice; the message may quote their column names or values."""
    st.error(md_escape(str(error), 1000), icon=":material/warning:")


def uploader(sidebar) -> None:
    sidebar.file_uploader(
        "CSV file", key="upload_file",
        help="Read in memory only: never stored, never run. Comma, semicolon, tab or | "
             "separated; UTF-8 or latin-1.")
    sidebar.caption(f"Up to {reader.MAX_BYTES / 1e6:g} MB, {reader.MAX_ROWS:,} rows and "
                    f"{reader.MAX_FEATURES} feature columns.")


def option_texts(columns: list[str], limit: int = 60) -> dict[str, str]:
    """How the column selectors write each column: capped at ``limit`` characters with "…"
    where cut (`charts.title_text`), and, where two read alike after the cut, with their place
    in the file: two 200-character names sharing their first 60 read as one option twice, each
    cut with no sign of it (a review)."""
    texts = {c: title_text(c, limit) for c in columns}
    alike = Counter(texts.values())
    return {c: f"{t} (column {i + 1:,})" if alike[t] > 1 else t
            for i, (c, t) in enumerate(texts.items())}


def column_options(sidebar, parsed: reader.ParsedTable, digest: str) -> None:
    """Target, features and label handling for an uploaded table."""
    s = st.session_state
    columns = [str(c) for c in parsed.frame.columns]
    if s.get("upload_options_for") != digest:  # a new file: fresh defaults
        candidates = reader.target_candidates(parsed.frame)
        target = candidates[0] if candidates else columns[-1]
        s.up_target = target
        numeric = reader.numeric_columns(parsed.frame)
        s.up_features = [c for c in numeric if c != target]
        s.up_text_columns = [c for c in columns if c not in numeric]
        s.up_swap = False
        s.up_drop_missing = False
        s.upload_options_for = digest
    texts = option_texts(columns)
    whole = [(texts[c], c) for c in columns]
    sidebar.selectbox("Target (label) column", columns, key="up_target",
                      format_func=texts.__getitem__, help=full_names_help(whole), **PERSIST)
    if s.up_target in s.up_features:
        sidebar.caption(f"{md_escape(s.up_target, 40)} is now the target, so it is no longer "
                        "a feature.")
    s.up_features = [c for c in s.up_features if c in columns and c != s.up_target]
    sidebar.multiselect("Feature columns", [c for c in columns if c != s.up_target],
                        key="up_features", format_func=texts.__getitem__,
                        help=full_names_help(whole, "Numeric columns are ticked to start with."),
                        **PERSIST)
    left_out = [c for c in s.get("up_text_columns", []) if c != s.up_target
                and c not in s.up_features]
    if left_out:  # said, so that a column missing from the features is no surprise
        sidebar.caption(f"Not numbers, so not ticked as features: "
                        f"{first_of([md_escape(c, 40) for c in left_out], 5)}.")
    sidebar.toggle("Swap which class is 1", key="up_swap", **PERSIST)
    sidebar.toggle("Drop rows with missing values", key="up_drop_missing", **PERSIST)


def upload_source(sidebar) -> Source | None:
    """The uploaded file as a `Source`, or None after saying what is missing or wrong."""
    s = st.session_state
    file = s.get("upload_file")
    if file is None and s.get("kept_upload") is not None:
        file = s.kept_upload  # the file uploaded before other data were shown
        sidebar.caption(f"Using your file {md_escape(file.name, 60)} from before; choose "
                        "another file above to replace it.")
    elif file is not None:
        s.kept_upload = file
    if file is None:
        st.info("Choose a CSV file in the sidebar: a header row of column names, one row per "
                "sample, numeric feature columns and a label column with two values."
                + (" The settings of the link this page opened with apply to it."
                   if state.UPLOAD_LINK in s else ""))
        return None
    content = file.getvalue()
    digest = hashlib.sha256(content).hexdigest()[:20]
    upload = Upload(digest, content)
    sample_key = f"up_sample_{digest}"

    def offer_sample() -> None:  # drawn while the file is too long, and while it is sampled
        sidebar.toggle(f"Use a random sample of {reader.MAX_ROWS:,} rows", key=sample_key,
                       **PERSIST)

    sample = s.get(sample_key, False)
    try:
        parsed = parse(upload, sample)
    except reader.UploadError as error:
        show_problem(error)
        if error.code == "too_large" and len(content) <= reader.MAX_BYTES:
            offer_sample()
        return None
    if parsed.sampled:
        offer_sample()
    column_options(sidebar, parsed, digest)
    options = (s.up_target, tuple(s.up_features), s.up_swap, s.up_drop_missing)
    try:
        prepared = prepare(upload, sample, *options)
    except reader.UploadError as error:
        show_problem(error)
        return None
    constant = constant_features(prepared.X, prepared.feature_names)
    # Features so large that even the slider's smallest rate is above 2/L on them: no start
    # on them lowers the loss at every step (one feature of 1e7 to 5e7: 2/L = 7.8e-15), so
    # they start standardized where they can be (an upload walk).
    guaranteed = raw_guaranteed_rate(upload, sample, *options)
    too_large = fields.safe_learning_rate(guaranteed) > guaranteed
    # (a feature of one value cannot be standardized: the page would then say "on to start
    # with" beside a warning that it is shown unstandardized, an upload walk)
    # one feature so tiny or large beside the bias's 1 that descent crawls as it is (x = 1e-300
    # to 4e-300: every logit underflowed, and the loss stayed ln 2 for good; an upload walk)
    condition, slow = (single_feature_condition(*column_mean_and_spread(prepared.X))
                       if prepared.X.shape[1] == 1 else (None, False))
    standardize = (prepared.suggest_standardize or too_large or slow) and not constant
    notes = [md_escape(n, 300) for n in parsed.notes]
    notes.append(f"Labels: {md_escape(prepared.mapping.describe(), 300)}.")
    if prepared.dropped_rows:
        notes.append(f"Dropped {prepared.dropped_rows:,} rows with missing values.")
    if constant:
        one, named = len(constant) == 1, ", ".join(f"'{md_escape(c, 60)}'" for c in constant)
        notes.append(f"{named} "
                     f"{'has' if one else 'have'} the same value in every row: "
                     f"{'it moves' if one else 'they move'} every logit alike, as the bias "
                     f"does, so {'it adds' if one else 'they add'} nothing to the fit.")
    if len(prepared.feature_names) - len(constant) >= 2:  # a ratio of two spreads or more
        # from logarithms where the ratio is beyond the largest double (spreads of 1e149 and
        # 1e-300 read "a factor of inf", an upload walk), and with the digits that tell a
        # ratio near 1 from 1, up to 12, below the spreads' rounding (x = 1..4 beside
        # z = 11..14 or 11, 12, 13.0001, 14 read "differ by a factor of 1")
        digits = next((d for d in range(3, RATIO_DIGITS + 1)
                       if f"{prepared.scale_ratio:,.{d}g}" != "1"), None)
        ratio = (f"{prepared.scale_ratio:,.{digits or 3}g}"
                 if math.isfinite(prepared.scale_ratio) else
                 fmt_log10(1.0, prepared.log10_scale_ratio, 3))
        notes.append((f"The features' spreads are the same to {RATIO_DIGITS} significant digits"
                      if digits is None else
                      f"The features' spreads differ by a factor of {ratio}") + (
                         "." if not prepared.suggest_standardize else
                         "; standardizing is on to start with." if not constant else
                         "; standardizing would even them out once the features of one value "
                         "are unticked."))
    if slow and not too_large:
        notes.append(slow_feature_note(prepared.feature_names[0], condition))
    if too_large:
        limit = fmt(fields.LEARNING_RATE_MIN, 2)
        notes.append(f"On the features as uploaded 2/L = {fmt(guaranteed, 4)}, below the "
                     f"smallest rate the page takes ({limit}): there a step may raise the "
                     "loss at every rate. " + (
                         "Standardize them (on to start with), or rescale them before "
                         "uploading." if not constant else
                         "Untick the features of one value and standardize the rest, or "
                         "rescale them before uploading (e.g. change the unit)."))
    key = "upload:" + digest + "|" + hashlib.sha1(
        json.dumps([*options, sample], default=str).encode()).hexdigest()[:12]
    source = Source(key=key, X=prepared.X, y=prepared.y, names=tuple(prepared.feature_names),
                    title=f"your file ({len(prepared.y):,} rows)",
                    note="**Your file**\n\n" + "\n\n".join(f"- {n}" for n in notes),
                    preview=preview_frame(parsed.frame))
    if s.get("upload_applied") != (digest, *options):
        # a new file or new columns: the starting point and the scaling start afresh, or as
        # the link made from an upload that the session opened with says, on its first file
        sizes = fields.Sizes(*prepared.X.shape)
        allowed = compute.steps_allowed(sizes.n_samples, sizes.n_features)
        start = fields.with_changes(
            fields.defaults(fields.UPLOAD, sizes), standardize=standardize,
            steps=min(500, allowed), inspect=min(500, allowed))
        def rate(scaled: bool) -> float:  # on the data as trained at that scaling
            return start_rate(sources.training_data(source, scaled, say=False))

        if not state.apply_upload_link(start, sizes, rate):
            state.apply_settings(fields.with_changes(start, learning_rate=rate(standardize)))
        s.upload_applied = (digest, *options)
    return source


def start_rate(data: Data) -> float:
    """Where an upload starts: the rate every step of which lowers the loss on the data as
    trained (`fields.safe_learning_rate`)."""
    return fields.safe_learning_rate(lc.curvature_bound(data.X, 0.0).guaranteed_rate)


def slow_feature_note(name: str, condition_log10: float) -> str:
    """Why one feature, as uploaded, starts standardized: its condition number beside the
    bias (`logreg_core.datasets.single_feature_condition`)."""
    curved, steps = (fmt_log10(1.0, c, 2) for c in (condition_log10,
                                                    condition_log10 - math.log10(2)))
    return (f"Beside the bias (1 in every row), '{md_escape(name, 60)}' as uploaded makes the "
            f"loss about {curved} times more curved one way than "
            "another at the start (the condition number of [x 1]ᵀ[x 1]): at a rate that does "
            f"not overshoot the steep way, descent needs about {steps} steps to make headway "
            f"the other way, and the page runs {fields.STEPS_MAX:,} at most. Standardizing "
            "gives the feature mean 0 and spread 1, and the condition number 1: on to start "
            "with.")


def preview_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The file as read, for the grid: a column of Python objects (integers past 64 bits,
    which pandas keeps exact and Arrow cannot hold: the Data view was a traceback, an upload
    walk) as the text of each value."""
    objects = [j for j, dtype in enumerate(frame.dtypes) if dtype.kind == "O"]
    if not objects:
        return frame
    frame = frame.copy()
    for j in objects:
        column = frame.iloc[:, j]
        frame.isetitem(j, column.map(lambda v: v if pd.isna(v) else str(v)).astype("str"))
    return frame
