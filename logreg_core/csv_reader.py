"""Turning an uploaded CSV file (untrusted bytes) into training data, or into a clear message.

`read_csv_bytes` refuses as early and cheaply as it can (size, not text, not a table, a header
wider than `MAX_COLUMNS`), streams the records (`csv.reader`) to name a bad row by its line, then
lets `pandas.read_csv` parse the values; `prepare` checks the chosen columns. Nothing is written
to disk, unpickled, evaluated or imported. ``str(UploadError)`` says what is wrong and what to
do, quoting user text repr-style (cut to 40 characters): show it as plain text."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np
import pandas as pd

from .csv_cells import (
    DECIMAL_COMMA,
    NUMBER_LIKE,
    label_text,
    mask_missing,
    nearly_constant_words,
    read_numbers,
)
from .csv_cells import named as _named
from .csv_cells import plural as _plural
from .csv_cells import quote as _quote
from .csv_formats import ENCODING_NAMES, decode, not_text
from .csv_formats import TO_CSV as _TO_CSV
from .datasets import CONSTANT_RTOL, spread_ratio
from .errors import LogRegInputError
from .maths import MAX_ABS_FEATURE, check_data, column_mean_and_spread

MAX_ROWS = 50_000
MAX_FEATURES = 100
MAX_COLUMNS = MAX_FEATURES + 1  # the features and the label
#: server.maxUploadSize = 10 (.streamlit/config.toml): Streamlit's browser check counts MB of
#: 10**6 bytes (2**20 on Windows) and its server allows 10 * 2**20: this is the smallest limit.
MAX_BYTES = 10_000_000
#: Delimiters tried, in order of preference when several fit equally well.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

_SAMPLE_CHARS = 65_536  # text inspected to find the delimiter
_SEP_LINE = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)
_RULE_LINE = re.compile(r"[|:\s-]*-[|:\s-]*")  # Markdown's |---|, under a | header, quotes shut
_NUMBERS = {"integer", "floating", "mixed-integer-float"}  # pandas' infer_dtype: not bool
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
_NEEDS = "choose a CSV file with a header row of column names and one row per sample"


class UploadError(LogRegInputError):
    """A bad upload; ``str(err)`` is the message for the user (what is wrong + what to do).

    Attributes
    ----------
    code : str
        Short reason, e.g. "not_csv", "uneven_rows", "too_many_columns", "missing_values".
    columns, values : list of str
        The columns concerned (names not cut); up to 5 distinct values of the target.
    rows, line : int or None
        Rows affected; 1-based line of the first bad one.
    """

    def __init__(self, code: str, message: str, *, columns: Iterable[str] = (),
                 rows: int | None = None, line: int | None = None, values: Iterable[str] = ()):
        super().__init__(message)
        self.code, self.rows, self.line = code, rows, line
        self.columns, self.values = [str(c) for c in columns], [str(v) for v in values]

    def __reduce__(self):  # copy and pickle keep the code and attributes
        return (type(self), (self.code, str(self)), self.__dict__)


@dataclass(frozen=True)
class ParsedTable:
    """An uploaded CSV file, read.

    Attributes
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
        Named as in the header (stripped, invisible characters made spaces); int64 or float64
        columns where they hold only numbers, else text; missing cells NaN.
    encoding : {"utf-8", "utf-8-sig", "cp1252", "latin-1"}
    delimiter : {",", ";", "\\t", "|"}
    n_rows_in_file : int
        Data rows in the file; more than ``n_rows`` when a seeded sample was ``sampled``.
    sampled : bool
    notes : tuple of str
        Sentences for the UI about what was detected or changed.
    """

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    n_rows_in_file: int
    sampled: bool
    notes: tuple[str, ...]


def read_csv_bytes(data: bytes, *, max_rows: int = MAX_ROWS, sample_large: bool = False,
                   seed: int = 0) -> ParsedTable:
    """Read an uploaded CSV file from its bytes.

    Parameters
    ----------
    data : bytes
        The file's contents, untrusted: UTF-8 with or without a byte-order mark, else
        Windows-1252 or latin-1 (`csv_formats.decode`).
    max_rows : int, default MAX_ROWS
        Most data rows accepted; with more, keep a random sample of ``max_rows`` rows in file
        order (``sample_large``, seeded with ``np.random.default_rng(seed)``) or refuse.
    sample_large : bool, default False
    seed : int, default 0

    Returns
    -------
    ParsedTable
        Or raise `UploadError`, its code naming the problem ("not_text", "uneven_rows" ...).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"read_csv_bytes needs bytes, not {type(data).__name__}")
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise ValueError(f"max_rows must be a positive integer; got {max_rows!r}")
    if len(data := bytes(data)) > MAX_BYTES:
        size = math.ceil(len(data) / 100_000) / 10  # rounded up: never "10.0 MB, over 10 MB"
        raise UploadError("too_large", f"The file is {size:.1f} MB, over the {MAX_BYTES / 1e6:g} "
                          "MB limit (1 MB = 1,000,000 bytes): upload fewer rows or columns.")
    if problem := not_text(data):
        raise UploadError("not_text", problem)
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    text, encoding = decode(body, "utf-8" if body is data else "utf-8-sig")
    if not text.strip():
        what = "holds only blank space" if data else "is empty (0 bytes)"
        raise UploadError("empty", f"The file {what}: {_NEEDS}.")
    named = ENCODING_NAMES.get(encoding)  # UTF-8 goes without saying
    notes = [f"Read as {named} (not UTF-8)."] if named else []
    if sep_line := _SEP_LINE.match(text):  # Excel's hint line "sep=;", not part of the table
        text = text[sep_line.end():]
    lines = [line.strip() for line in text[:_SAMPLE_CHARS].splitlines()[:20] if line.strip()]
    first = lines[0] if lines else "-"
    words = max(len(piece.split()) for piece in re.split("[,;\t|]", first))  # 6+: prose
    if (first[0] in "{[" or (first[0] == "<" and not any(d in first for d in DELIMITERS))
            or ("|" in first and first.count('"') % 2 == 0 and len(lines) > 1
                and "|" in lines[1] and bool(_RULE_LINE.fullmatch(lines[1])))
            or (first[-1] in ".!?" and words > 5)):  # JSON or RTF, markup, Markdown, prose
        raise UploadError("not_csv", "This file is not a CSV table (a header row of column "
                          f"names, then one row of values per sample): {_TO_CSV}.")
    delimiter = sep_line.group(1) if sep_line else _detect_delimiter(text)
    if delimiter != ",":
        source = " (from the file's 'sep=' line)" if sep_line else ""
        notes.append(f"Detected {_DELIMITER_NAMES[delimiter]} as the delimiter{source}.")
    frame, names = _read_table(text, delimiter, int(bool(sep_line)), notes)
    if frame.shape[1] < 2:
        words = [len(line.split()) for line in lines]  # the same number twice or more: spaces
        raise UploadError("single_column", f"Only one column was found, headed "
                          f"{_quote(frame.columns[0])}: " + (
                              "separate the values with commas, not spaces." if words[0] >= 2
                              and words.count(words[0]) == len(words) else "a table needs "
                              "feature columns and a label column, so check which character "
                              f"separates the values ({_DELIMITER_NAMES[delimiter]} was used)."))
    if frame.empty:
        raise UploadError("header_only", f"The file has a header row ({_quote(*names, most=5)}) "
                          "but no data rows: add one row per sample below the header.")
    if (n_rows := len(frame)) > max_rows:
        if not sample_large:
            raise UploadError("too_large", f"The file has {n_rows:,} rows; the limit is "
                              f"{max_rows:,}: upload fewer rows, or let the app keep a random "
                              "sample of them.", rows=n_rows)
        keep = np.sort(np.random.default_rng(seed).choice(n_rows, size=max_rows, replace=False))
        frame = frame.iloc[keep].reset_index(drop=True)
        notes.append(f"Kept a random sample of {max_rows:,} of {n_rows:,} rows (seed {seed}).")
    return ParsedTable(frame=frame, encoding=encoding, delimiter=delimiter,
                       n_rows_in_file=n_rows, sampled=n_rows > max_rows, notes=tuple(notes))


def _detect_delimiter(text: str) -> str:
    """The delimiter splitting the header into 2+ fields and most lines into as many, or ","."""
    sample = text.lstrip()[:_SAMPLE_CHARS]
    counts: dict[str, list[int]] = {}
    for d in DELIMITERS:  # fields in each non-blank record of the sample (the first: header)
        records = csv.reader(io.StringIO(sample, newline=""), delimiter=d)
        try:
            counts[d] = [len(r) for r in records if any(map(str.strip, r))]
        except csv.Error:  # the structure pass reports it with its line
            counts[d] = []
        if len(sample) == _SAMPLE_CHARS and len(counts[d]) > 1:
            counts[d].pop()  # the last record may be cut short
    if splits := [d for d in DELIMITERS if counts[d] and counts[d][0] >= 2]:
        return max(splits, key=lambda d: (counts[d].count(counts[d][0]) / len(counts[d]),
                                          counts[d][0]))
    return ","  # no delimiter splits the header: one column


def _read_table(text: str, delimiter: str, line_offset: int, notes: list[str]
                ) -> tuple[pd.DataFrame, list[str]]:
    """The table and its names (adding to ``notes``): `csv.reader` checks, pandas reads."""
    lines = io.StringIO(text, newline="")  # lines end where csv and pandas end them
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    names, renamed = [], []  # the header's names; (as written, as named) where they differ
    bad: tuple[int, int, bool] | None = None  # the first bad row: line, values, spans lines
    body = n_core = width = n_rows = n_blank = n_bad = start = end = 0
    before = header_at = 0  # where the record being read begins; where the header began
    try:
        for record in reader:
            start, end, n = end + 1, reader.line_num, len(record)
            blank = not any(map(str.strip, record))
            if names:  # rows may leave out unnamed last columns, or add blank ones
                if n <= MAX_COLUMNS and (blank or n == len(names) or (
                        n >= n_core and not any(map(str.strip, record[len(names):])))):
                    width, n_blank, n_rows = max(width, n), n_blank + blank, n_rows + (not blank)
                else:
                    n_bad, bad = n_bad + 1, bad or (start + line_offset, n, end > start)
            elif not blank and n > MAX_COLUMNS:  # before any name is cleaned or any row read
                raise UploadError("too_many_columns", f"The header has {n:,} columns; the limit "
                                  f"is {MAX_COLUMNS} ({MAX_FEATURES} features and the label): "
                                  "upload only the columns you need.")
            elif not blank:
                raw = [f.strip() for f in record]
                names = [f if f.isprintable() else "".join(  # a run of \n, U+200B ...: " "
                    " " if not p else "".join(g) for p, g in groupby(f, str.isprintable)).strip()
                    for f in raw]
                renamed = [(f, s) for f, s in zip(raw, names, strict=True) if f != s]
                if error := _duplicates(names, "header", renamed):
                    raise error
                body, width, header_at = lines.tell(), n, before
                n_core = max((j + 1 for j, name in enumerate(names) if name), default=0)
                names = names if n_core else []  # only invisible characters: a blank line
            before = lines.tell()
    except csv.Error as exc:  # e.g. a value longer than csv.field_size_limit()
        raise _bad_quotes(end + 1 + line_offset, f" ({exc})") from None  # the unread record
    if not names:  # e.g. only a 'sep=' line
        raise UploadError("empty", f"The file has no header row and no data rows: {_NEEDS}.")
    if all(NUMBER_LIKE.fullmatch(n) or DECIMAL_COMMA.fullmatch(n) for n in names):  # a sample
        notes.append(f"The first row holds only numbers ({_quote(*names, most=3)}), so it is "
                     "read as a sample, not as column names: the columns are named column 1 "
                     f"{'and' if len(names) == 2 else 'to'} column {len(names)}.")
        names = [f"column {j + 1}" for j in range(len(names))]
        body, n_rows, renamed = header_at, n_rows + 1, []
    if bad and bad[2]:  # a quoted value ran over the ends of lines
        raise _bad_quotes(bad[0])
    if bad:
        example = "two tabs in a row" if delimiter == "\t" else f"'1{delimiter}{delimiter}3'"
        hint = (f"an empty value still needs its delimiter, as in {example}" if bad[1] < n_core
                else "look for an extra delimiter, or one in a value without quotes")
        others = f" ({_plural(n_bad, 'row')} in all do not fit)" if n_bad > 1 else ""
        raise UploadError("uneven_rows", f"Line {bad[0]} has {bad[1]:,} values but the header "
                          f"has {_plural(n_core, 'column name')}{others}: give every row exactly "
                          f"{_plural(n_core, 'value')} ({hint}).", line=bad[0], rows=n_bad)
    try:
        # Gaps are told apart by `csv_cells.mask_missing`, not by pandas' list, which takes a
        # class named "None" or "NA" for one. Where ',' may be the decimal mark, columns read
        # as decimals come again as text (`csv_cells.read_numbers`): pandas reads 1.200 as
        # 1.2 even where '.' groups thousands. UTF-8 bytes: a quarter of a StringIO's memory.
        data = text[body:].encode("utf-8")
        frame = _parse(data, delimiter, width) if n_rows else pd.DataFrame(columns=range(width))
        if delimiter != "," and (floats := [j for j, d in frame.dtypes.items() if d.kind == "f"]):
            raw = _parse(data, delimiter, width, usecols=floats)
            for j in floats:
                frame[j] = raw[j]
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        last = start + line_offset if "EOF inside string" in str(exc) else None  # its quote
        raise _bad_quotes(last) from None
    if not n_rows <= len(frame) <= n_rows + n_blank:  # the parsers split quotes differently
        raise _bad_quotes(None)
    if renamed:
        changed = ", ".join(f"{_quote(old)} → {_quote(new)}" for old, new in renamed[:5])
        notes.append("Replaced line breaks and other invisible characters with spaces in column "
                     f"names: {changed}{', ...' if len(renamed) > 5 else ''}.")
    return _tidy(frame, names, delimiter, notes), [name for name in names if name]


def _parse(data: bytes, delimiter: str, width: int, usecols: list | None = None
           ) -> pd.DataFrame:
    """pandas' C parser over the body (columns named 0 .. width - 1), missing cells only where
    blank or "?"; ``usecols`` as text."""
    return pd.read_csv(io.BytesIO(data), sep=delimiter, header=None, engine="c",
                       names=list(range(width)), index_col=False, keep_default_na=False,
                       na_values=["", "?"], low_memory=False, usecols=usecols,
                       dtype=None if usecols is None else str)


def _bad_quotes(line: int | None, detail: str = "") -> UploadError:
    return UploadError("bad_quotes", f"The rows{f' from line {line} on' if line else ''} could not "
                       f"be read{detail}, most likely because a quote (\") is never closed: close "
                       "or remove it (a value holding the delimiter must be quoted).", line=line)


def _duplicates(names: Iterable[str], where: str, renamed: Sequence[tuple[str, str]] = ()
                ) -> UploadError | None:
    """A "duplicate_columns" error if a name (other than "") is used twice, else None."""
    seen: set[str] = set()
    # set.add returns None: "n in seen or seen.add(n)" is true from a name's second time on
    twice = list(dict.fromkeys(n for n in names if n != "" and (n in seen or seen.add(n))))
    after = " (line breaks made spaces)" if set(twice) & {new for _, new in renamed} else ""
    phrase = _named(twice, "appears/each appear", "column name")
    return UploadError("duplicate_columns", f"The {phrase} more than once in the {where}{after}: "
                       "rename the copies so that every column has its own name.",
                       columns=twice) if twice else None


def _tidy(frame: pd.DataFrame, names: list[str], delimiter: str, notes: list[str]) -> pd.DataFrame:
    """Named columns with clean text cells, numbers read, without empty rows (adding to
    ``notes``)."""
    columns, dropped, kept = {}, [], []
    for j in frame.columns[: len(names)]:  # past them: blank fields after the last column
        series = frame[j]
        if isinstance(series.dtype, pd.StringDtype) or series.dtype == object:
            series, token = mask_missing(series)
            if token is not None and names[j]:
                kept.append((names[j], token))
        if names[j]:
            columns[names[j]] = series
        elif series.notna().any():
            raise UploadError("empty_column_name", f"Column {j + 1} has values but no name in "
                              "the header row: give it a name (or delete the column if it is "
                              "just a row number).")
        else:
            dropped.append(str(j + 1))
    if dropped:
        notes.append(f"Ignored unnamed empty column{'s'[len(dropped) < 2:]} {', '.join(dropped)}.")
    read_numbers(columns, delimiter, notes)
    for name, token in kept:
        notes.append(f"Read {_quote(token)} in {_quote(name)} as a value, not as a missing "
                     "cell: it is the column's only other value.")
    frame = pd.DataFrame(columns, index=frame.index)
    if (empty := frame.isna().all(axis=1)).any():
        frame = frame[~empty]
        notes.append(f"Skipped {_plural(int(empty.sum()), 'empty row')}.")
    return frame.reset_index(drop=True)


def _is_numeric_column(series: pd.Series, allow_empty: bool = False) -> bool:
    """Whether every non-missing value is a number (booleans are not numbers here)."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    return (kind in _NUMBERS or (allow_empty and kind == "empty")) and (
        allow_empty or bool(series.notna().any()))


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Names of the columns of numbers (booleans are not; missing cells are allowed).

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)

    Returns
    -------
    list of str
    """
    return [name for name in frame.columns if _is_numeric_column(frame[name])]


def target_candidates(frame: pd.DataFrame) -> list[str]:
    """Columns with exactly two distinct non-missing values (compared as `label_mapping` does),
    and the last column if it has one.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)

    Returns
    -------
    list of str
        The last column first if it qualifies (the label's usual place), then in order. A last
        column of one value is a label of one class, not a reason to take another column as
        the label (an upload walk: "x,label / 1,1 / 2,1" took x, and trained on the label):
        it comes first, and preparing it says that it has only one class.
    """
    counts = {name: _distinct_labels(frame[name], 2)[1] for name in frame.columns}
    found = [name for name, count in counts.items() if count == 2]
    last = frame.columns[-1] if len(frame.columns) else None
    if last is not None and counts[last] == 1:
        return [last, *found]
    return found[-1:] + found[:-1] if found and found[-1] == last else found


def _distinct_labels(series: pd.Series, limit: int) -> tuple[dict[str, object], int]:
    """The first ``limit`` distinct values as text -> value; and how many texts in all."""
    if series.dtype.kind in "iufb" or isinstance(series.dtype, pd.StringDtype):
        # distinct numbers (or strings) have distinct texts: no need to look at them all
        uniques = pd.unique(series.dropna())
        return {label_text(v): v for v in uniques[:limit]}, len(uniques)
    # by text, not by pd.unique's equality, which takes 0 and False for one value (then "0"
    # had no label and encoding raised KeyError: a property test's frame of None, False,
    # True, 0)
    values = series.dropna()
    texts = values.map(label_text)
    first = ~texts.duplicated().to_numpy()
    found = dict(zip(texts[first], values[first], strict=True))
    return dict(list(found.items())[:limit]), len(found)


@dataclass(frozen=True)
class LabelMapping:
    """The original values of the target column (as text) mapped to class 0 and to class 1.

    Attributes
    ----------
    negative, positive : str
    """

    negative: str
    positive: str

    def describe(self) -> str:
        """The mapping for people, e.g. ``'no' → 0, 'yes' → 1``."""
        return f"{_quote(self.negative)} → 0, {_quote(self.positive)} → 1"

    def encode(self, values: pd.Series) -> np.ndarray:
        """Float 0/1 labels of shape (n_values,) for ``values`` (no missing, both classes)."""
        codes = {self.negative: 0.0, self.positive: 1.0}
        return np.fromiter((codes[label_text(v)] for v in values), float, count=len(values))


def label_mapping(values: pd.Series, swap: bool = False) -> LabelMapping:
    """Map the two classes of a target column to 0 and 1: 0/1 and true/false (any case)
    naturally, other pairs sorted (as numbers if both are, else as text ignoring case); raise
    `UploadError` "one_class" or "many_classes" unless there are exactly two.

    Parameters
    ----------
    values : Series of shape (n_rows,)
        The target column; missing values are ignored.
    swap : bool, default False
        Exchange the two classes.

    Returns
    -------
    LabelMapping
    """
    found, count = _distinct_labels(values, 5)
    texts, named = list(found), values.name is not None
    column = f"The target column {_quote(values.name)}" if named else "The target"
    where = {"columns": [str(values.name)] if named else [], "values": texts}
    if count < 2:
        what = f"only one class ({_quote(texts[0])})" if texts else "no values"
        raise UploadError("one_class", f"{column} has {what}: with no second class there is "
                          "nothing to tell apart, nor a way to say which class is 1, so choose "
                          "another target column (or upload rows of both classes).", **where)
    if count > 2:
        raise UploadError("many_classes", f"{column} has {count:,} distinct values "
                          f"({_quote(*texts)}{', ...' if count > len(texts) else ''}) but "
                          "logistic regression needs exactly two classes: choose a column with "
                          "two values, or merge the classes into two before uploading.", **where)
    (a, b), folded = texts, {t.casefold() for t in texts}
    if folded == {"0", "1"}:
        pair = (a, b) if a == "0" else (b, a)
    elif folded == {"false", "true"}:
        pair = (a, b) if a.casefold() == "false" else (b, a)
    elif pd.api.types.infer_dtype([found[a], found[b]]) in _NUMBERS:
        pair = (a, b) if found[a] < found[b] else (b, a)  # exact, even for huge ints
    else:
        pair = tuple(sorted(texts, key=lambda t: (t.casefold(), t)))
    return LabelMapping(*(pair[::-1] if swap else pair))


def _nearly_constant(frame: pd.DataFrame, X: np.ndarray, features: list[str],
                     means: np.ndarray, stds: np.ndarray) -> UploadError | None:
    """A "nearly_constant" error for features whose values differ only far down their digits
    (1000000000000001 to 1000000000000005: a spread of 1.4e-15 of their size, an upload
    walk), which `constant_features` takes for constant: the page then said they had the
    same value in every row and left them out of the best fit; or values all too small."""
    bad = [features[j] for j in range(X.shape[1]) if np.ptp(X[:, j]) > 0
           and stds[j] <= CONSTANT_RTOL * abs(means[j])]
    if not bad:
        return None
    values = frame[bad[0]].dropna()  # as read: integers past 2^53 exact
    low, high = (label_text(v) for v in (values.min(), values.max()))
    small = all(np.abs(X[:, features.index(c)]).max() < np.finfo(float).tiny for c in bad)
    return UploadError("nearly_constant", nearly_constant_words(bad, low, high, small),
                       columns=bad)


@dataclass(frozen=True)
class PreparedData:
    """Training data from an uploaded table.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        float64, C-contiguous, finite, at most `MAX_ABS_FEATURE` in magnitude.
    y : ndarray of shape (n_samples,)
        float64 labels 0/1.
    feature_names : list of str, length n_features
    mapping : LabelMapping
    dropped_rows : int
        Rows removed for missing values (0 unless ``drop_missing``).
    scale_ratio, log10_scale_ratio : float
        Largest over smallest positive finite standard deviation of the features (else 1.0),
        and its log10 (`datasets.spread_ratio`); ``suggest_standardize`` above 100.
    suggest_standardize : bool
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    mapping: LabelMapping
    dropped_rows: int
    scale_ratio: float
    suggest_standardize: bool
    log10_scale_ratio: float = 0.0


def prepare(frame: pd.DataFrame, target: str, features: list[str], *, swap_labels: bool = False,
            drop_missing: bool = False) -> PreparedData:
    """Turn a table and the chosen target and features into checked training data.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    target : str
        The label column, with exactly two classes (see `label_mapping`).
    features : list of str
        Numeric feature columns (repeats are ignored; a constant one is no error).
    swap_labels : bool, default False
        Exchange which class is 1 (see `label_mapping`).
    drop_missing : bool, default False
        Drop the rows with a missing target or feature value instead of refusing them.

    Returns
    -------
    PreparedData
        Or raise `UploadError`, its code naming the problem ("non_numeric", "one_class" ...).
    """
    features = list(dict.fromkeys(features))
    if target in features:
        raise UploadError("target_is_feature", f"The target column {_quote(target)} is also "
                          "ticked as a feature: untick it (a feature that is the label would "
                          "make the task trivial).", columns=[target])
    if not features:
        if not [c for c in numeric_columns(frame) if c != target]:  # nothing to tick: say why
            raise UploadError(
                "no_features", "No column besides the target holds plain numbers, so there "
                "is no feature to tick: write numbers with a decimal point or comma and no "
                "thousands separators, percent signs or units (1200.5, not 1,200.50 or 50%).")
        raise UploadError("no_features", "No feature columns are ticked: tick at least one "
                          "numeric column as a feature.")
    if len(features) > MAX_FEATURES:
        raise UploadError("too_many_features", f"{len(features):,} feature columns are ticked; "
                          f"the limit is {MAX_FEATURES}: untick some of them.")
    if unknown := [c for c in [target, *features] if c not in frame.columns]:
        raise UploadError("unknown_column", f"The table has no {_named(unknown)}: choose the "
                          "target and features again from its columns.", columns=unknown)
    if error := _duplicates((c for c in frame.columns if c in [target, *features]), "table"):
        raise error
    labels = frame[target]
    mapping = label_mapping(labels, swap=swap_labels)
    if bad := [c for c in features if not _is_numeric_column(frame[c], allow_empty=True)]:
        raise UploadError("non_numeric", f"The feature {_named(bad, 'does/do')} not hold only "
                          f"numbers: untick {'them' if len(bad) > 1 else 'it'} (features must be "
                          "numeric).", columns=bad)
    X, overflow = np.zeros((len(frame), len(features))), []
    for j, name in enumerate(features):
        try:
            X[:, j] = frame[name].to_numpy(dtype=float, na_value=np.nan)
        except OverflowError:  # a Python int beyond float range
            overflow.append(name)
    missing = labels.isna().to_numpy() | np.isnan(X).any(axis=1)
    if n_missing := int(missing.sum()):
        gaps = [target] * bool(labels.isna().any())
        gaps += [features[j] for j in np.flatnonzero(np.isnan(X).any(axis=0))]
        if not drop_missing or n_missing == len(frame):
            raise UploadError("missing_values", f"Every row has a missing value (in "
                              f"{_quote(*gaps)}), so dropping them would leave no data: "
                              "untick the columns with gaps, or fill them in." if drop_missing
                              else f"Rows with missing values: {n_missing:,} of {len(frame):,} "
                              f"(in {_quote(*gaps)}): fill them in, or choose to drop those "
                              "rows.", columns=gaps, rows=n_missing)
        X, labels = X[~missing], labels[~missing]
        mapping = label_mapping(labels, swap=swap_labels)
    too_big = [name for j, name in enumerate(features)
               if name in overflow or np.abs(X[:, j]).max(initial=0.0) > MAX_ABS_FEATURE]
    for code, bad, problem in (
        ("non_finite", [features[j] for j in np.flatnonzero(np.isinf(X).any(axis=0))],
         "infinite values (inf, or numbers beyond 1.8e308): replace them with finite numbers"),
        ("too_big_values", too_big, f"values beyond {MAX_ABS_FEATURE:.0e} in magnitude, too "
         "large to square in double precision: rescale them before uploading (e.g. change the "
         "unit)"),
    ):
        if bad:
            raise UploadError(code, f"The feature {_named(bad, 'holds/hold')} {problem}, or "
                              f"untick {'them' if len(bad) > 1 else 'it'}.", columns=bad)
    X, y = check_data(X, mapping.encode(labels))
    with np.errstate(all="ignore"):
        means, stds = column_mean_and_spread(X)
    if error := _nearly_constant(frame[~missing], X, features, means, stds):  # rows kept
        raise error
    scale_ratio, log10_ratio = spread_ratio(X, stds)
    return PreparedData(X=X, y=y, feature_names=list(map(str, features)), mapping=mapping,
                        dropped_rows=n_missing, scale_ratio=scale_ratio,
                        suggest_standardize=scale_ratio > 100, log10_scale_ratio=log10_ratio)
