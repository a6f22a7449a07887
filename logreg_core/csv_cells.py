"""How the cells of an uploaded CSV file read: which are missing, and which columns hold
numbers in the file's own notation (a decimal comma, separators that group thousands).

Pure text handling on pandas columns; `csv_reader` calls `mask_missing` and `read_numbers`
on each file it reads."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Cells read as missing (after stripping whitespace): pandas' defaults plus "?" (UCI data sets).
NA_TOKENS: frozenset[str] = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "?",
})

DECIMAL_COMMA = re.compile(r"[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?")
NUMBER_LIKE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)", re.I)
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")  # '.' as the decimal mark, no exponent
# thousands grouped: 1.200 or 1.200,5; 1,200 or 1,200.5 (never 0.500 or 0,125: no group of 0)
_GROUPED_DOT = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d*)?")
_GROUPED_COMMA = re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d*)?")


def quote(*texts: object, most: int = 1000) -> str:
    """User text for a message: each cut to 40 characters, quoted like `repr`, then listed."""
    cut = [repr(t[:39] + "…" if len(t) > 40 else t) for t in map(str, texts[:most])]
    return ", ".join(cut) + (", ..." if len(texts) > most else "")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def named(names: Sequence[object], verbs: str = "/", noun: str = "column") -> str:
    """``"column 'a' holds"`` or ``"columns 'a', 'b' hold"`` for ``verbs="holds/hold"``."""
    verb = verbs.split("/")[len(names) > 1]
    return f"{noun}{'s' if len(names) > 1 else ''} {quote(*names)} {verb}".rstrip()


def nearly_constant_words(names: Sequence[object], low: str, high: str, small: bool) -> str:
    """Why features that are not of one value cannot be fitted, and what to do: their values
    (from ``low`` to ``high`` in the first) differ only far down their digits (subtract a
    round number near ``low``), or, ``small``, all lie below the smallest normal double, where
    a spread of 2.5e-324 (5e-324 and 1e-323 alternating) rounds to 0 (multiply them)."""
    its, them = ("its", "it") if len(names) == 1 else ("their", "them")
    where = "" if len(names) == 1 else f" in {quote(names[0])}"
    if small:
        return (f"The {named(names, 'holds/hold')} values too small for double precision to "
                f"hold {its} spread (from {low} to {high}{where}, below "
                f"{np.finfo(float).tiny:.2g} in size): "
                f"multiply every value by a round number such as 1e300 before uploading, or "
                f"untick {them}.")
    return (f"The {named(names, 'varies/vary')} only far down {its} digits (from {low} to "
            f"{high}{where}), too little for double precision to fit: subtract a round number "
            f"near {low} from every value before uploading, or untick {them}.")


def label_text(value: object) -> str:
    """A label value as text: 1, 1.0 and np.int64(1) are all "1"; True is "True"."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(float(value))
    if isinstance(value, int | np.integer):  # str() refuses more than 4,300 digits
        return str(int(value)) if abs(int(value)) < 10**4000 else hex(int(value))
    return str(value)


def mask_missing(series: pd.Series) -> tuple[pd.Series, str | None]:
    """A column of text stripped, its missing cells (`NA_TOKENS`) made NaN; and the one
    spelling of a missing cell kept as a value, if any.

    A column whose only values are one word and one such spelling keeps that spelling as a
    value: "None" beside "Severe" is a class (an upload walk: read as gaps, the page said the
    target had one class, and dropping the rows with gaps could not help). Text comes back
    in pandas' str dtype; a column pandas gave as Python objects that are not all strings
    (integers beyond 64 bits) only has its missing spellings masked.
    """
    present = series.dropna()
    if series.dtype == object and not all(isinstance(v, str) for v in present):
        gap = series.map(lambda v: isinstance(v, str) and v.strip() in NA_TOKENS).astype(bool)
        return series.mask(gap), None
    text = series.astype("str").str.strip()
    gap = text.isin(NA_TOKENS)
    tokens, values = text[gap & (text != "")], text[~gap & text.notna()]
    if (tokens.nunique() == 1 and values.nunique() == 1 and not any(
            pattern.fullmatch(values.iloc[0]) for pattern in (NUMBER_LIKE, DECIMAL_COMMA,
                                                               _GROUPED_DOT, _GROUPED_COMMA))):
        return text.mask(text == ""), str(tokens.iloc[0])  # a blank cell is still a gap
    return text.mask(gap), None


#: How a column of text reads as numbers (`_reading`), as patterns for pandas' str methods.
_READINGS_PATTERNS = {
    "number": NUMBER_LIKE.pattern.replace("(inf|infinity|nan)", "(?i:inf|infinity|nan)"),
    "integer": _INTEGER.pattern,
    "decimal_comma": DECIMAL_COMMA.pattern,
    "plain": _PLAIN.pattern,
    "grouped_dot": _GROUPED_DOT.pattern,
    "grouped_comma": _GROUPED_COMMA.pattern,
}


def _reading(present: pd.Series, delimiter: str) -> str:
    """How a column of text (no missing cells) reads as numbers.

    "number": '.' is the decimal mark (1.5, 2e3, inf), as pandas reads; "decimal_comma": 1,5
    (in a file not separated by commas); "grouped": separators group thousands, '.' with ','
    as the decimal mark (1.200,5) where commas do not separate the values, ',' (a quoted
    1,200.5) where they do; "dot_or_grouped": integers and values like 1.200 only, which the
    rest of the file decides (`read_numbers`); "text": none of these.
    """
    def every(*kinds: str) -> bool:
        pattern = "|".join(f"(?:{_READINGS_PATTERNS[kind]})" for kind in kinds)
        return bool(present.str.fullmatch(pattern).all())

    if delimiter == ",":
        return ("number" if every("number") else
                "grouped" if every("grouped_comma", "plain") else "text")
    if every("number"):
        return ("dot_or_grouped" if every("integer", "grouped_dot")
                and not every("integer") else "number")
    return ("decimal_comma" if every("decimal_comma") else
            "grouped" if every("grouped_dot", "decimal_comma") else "text")


def _numbers_of(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")``, through pandas' own cast of its Arrow text
    where every cell is a number (a quarter of the time: a semicolon file of 101 columns took
    2.2 s against pandas' 0.3 s for the same file with commas, a review)."""
    for dtype in (("int64",) if bool(text.notna().all()) else ()) + ("float64",):
        try:
            return text.astype(dtype)
        except (ValueError, TypeError, OverflowError):
            continue
    return pd.to_numeric(text, errors="coerce")


def _as_numbers(text: pd.Series, reading: str, delimiter: str) -> pd.Series | None:
    """A column of text read as numbers the way ``reading`` says, or None if a value fails.
    Integers beyond 64 bits stay exact Python integers, as pandas itself gives them."""
    if reading == "decimal_comma":
        text = text.str.replace(",", ".", regex=False)
    elif reading == "grouped" and delimiter == ",":
        text = text.str.replace(",", "", regex=False)
    elif reading == "grouped":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    numbers = _numbers_of(text)
    if numbers.notna().sum() != text.notna().sum():
        return None
    present = text.dropna()
    if (numbers.dtype.kind == "f" and not present.empty  # 19 digits or more: maybe past 2^64
            and bool(present.str.fullmatch(_INTEGER.pattern).all())
            and int(present.str.lstrip("+-").str.len().max()) >= 19):
        return pd.Series([int(v) if isinstance(v, str) else v for v in text.tolist()],
                         index=text.index, dtype=object)
    return numbers


def read_numbers(columns: dict[str, pd.Series], delimiter: str, notes: list[str]) -> None:
    """Read the columns of text that hold numbers as numbers, in place (adding to ``notes``).

    Where commas separate the values, '.' is the decimal mark and ',' in a quoted 1,200 groups
    thousands. Elsewhere ',' may be the decimal mark (1,5), and where it is, '.' groups
    thousands (1.200,5): a column of integers and values like 1.200 is read so in a file that
    writes decimal commas, and with '.' as the decimal mark otherwise, saying so either way
    (an upload walk: beside decimal commas, incomes of 1.200 and 900 were read as 1.2 and
    900, and the richest sample got a weight of the wrong sign).
    """
    readings = {}
    for name, series in columns.items():
        if not isinstance(series.dtype, pd.StringDtype) or not series.notna().any():
            continue
        if not (series.str.contains(",", regex=False).any()
                or series.str.contains(".", regex=False).any()):  # no mark: pandas alone
            numbers = _as_numbers(series, "number", delimiter)  # no pattern per cell: fast
            if numbers is not None:
                columns[name] = numbers
                continue
        readings[name] = _reading(series.dropna(), delimiter)
    # the file's own notation: a decimal comma, or '.' grouping thousands (1.000.000)
    grouping = delimiter != "," and any(r in ("decimal_comma", "grouped")
                                        for r in readings.values())
    comma_mark = grouping and any(
        r in ("decimal_comma", "grouped") and bool(columns[name].str.contains(",").any())
        for name, r in readings.items())
    said: dict[str, list[str]] = {"comma": [], "dot_groups": [], "comma_groups": [],
                                  "dot_or_grouped": [], "mixed": []}
    examples: list[str] = []  # the first value with a '.' of each "dot_or_grouped" column
    for name, reading in readings.items():
        text = columns[name]
        if reading == "dot_or_grouped":
            reading = "grouped" if grouping else "number"
            if not grouping:
                said["dot_or_grouped"].append(name)
                examples.append(text[text.str.contains(".", regex=False)].iloc[0])
        elif reading == "number" and comma_mark and bool(text.str.contains(".", regex=False).any()):
            said["mixed"].append(name)
        if reading == "text" or (numbers := _as_numbers(text, reading, delimiter)) is None:
            continue
        columns[name] = numbers
        if reading == "grouped" and delimiter == ",":
            said["comma_groups"].append(name)
        elif reading in ("decimal_comma", "grouped"):
            if bool(text.str.contains(",", regex=False).any()):
                said["comma"].append(name)
            if bool(text.str.contains(".", regex=False).any()):
                said["dot_groups"].append(name)
    if said["comma"]:
        notes.append(f"Read ',' as the decimal mark (1,5 as 1.5) in "
                     f"{plural(len(said['comma']), 'column')}.")
    if said["dot_groups"]:
        notes.append("Read '.' as the thousands separator (1.200 as 1200) in "
                     f"{named(said['dot_groups'])}"
                     + (", as ',' is the decimal mark in this file." if comma_mark else "."))
    if said["comma_groups"]:
        notes.append(f"Read ',' as the thousands separator (1,200 as 1200) in "
                     f"{named(said['comma_groups'])}.")
    if said["dot_or_grouped"]:
        first = examples[0]
        notes.append(f"Read '.' as the decimal mark in {named(said['dot_or_grouped'])} "
                     f"({quote(first)} as {label_text(float(first))}): if it groups "
                     f"thousands there, write the numbers without it ({first.replace('.', '')})"
                     " and upload the file again.")
    if said["mixed"]:
        notes.append(f"Read '.' as the decimal mark in {named(said['mixed'])} as written, "
                     "though ',' is the decimal mark in other columns: check the file.")
