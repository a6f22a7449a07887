"""How numbers, charts and code reach the page: charts with a text alternative, grids and
small tables with every number to the digits chosen, source code with its lines whole. A leaf
of the dashboard (charts and text only), used by the first screen, the lesson and every view
alike."""

from __future__ import annotations

import inspect
import textwrap
import threading

import numpy as np
import pandas as pd
import pyarrow as pa  # Streamlit's own dependency: what every table reaches the browser as
import streamlit as st

from logreg_core.checks import NORMAL

from . import charts, rate_charts, tables
from .text import fmt, fmt_log10, fmt_loss


def show_chart(chart, *, key: str, alt: str, where=None, **options):
    """A chart on the page, stretched to the width, with a text alternative for screen
    readers: a spec dict as it is, an Altair chart through `charts.to_spec` (no schema
    validation at run time)."""
    spec = chart if isinstance(chart, dict) else charts.to_spec(chart)
    (where or st).vega_lite_chart(spec=spec, width="stretch", key=key, alt=alt, **options)


def show_curves(frame, title: str, *, key: str, alt: str) -> None:
    """Several runs' loss curves on shared axes (`rate_charts.curves_chart`, ``frame`` from
    `rate_charts.curves_frame`), and under them which runs are drawn as two lines, their highs
    and lows (`rate_charts.envelope_note`: without it they read as two runs)."""
    show_chart(rate_charts.curves_chart(frame, title), key=key, alt=alt)
    if note := rate_charts.envelope_note(frame):
        st.caption(note)


def show_formulas(heading: str, formulas, *, where=None) -> None:
    r"""A heading and display formulas in ONE element (what ``st.latex`` sends, ``$$`` blocks
    in Markdown, rendered by the same KaTeX, each formula its own block): an element costs the
    server about 0.2 ms on every rerun, whatever it holds.

    Parameters
    ----------
    heading : str
        Markdown (our own words: no user text).
    formulas : iterable of str
        LaTeX bodies, each written as ``$$ ... $$`` on lines of its own.
    """
    blocks = "\n\n".join(f"$$\n{tex}\n$$" for tex in formulas)
    (where or st).markdown(f"{heading}\n\n{blocks}" if heading else blocks)


def show_source(code, *, where=None):
    """Python source on the page as a code block whose lines stay whole.

    A long line scrolls sideways with its block instead of wrapping to column 0 (wrapped,
    ``def terms(self, theta: np.ndarray, rows=None) -> tuple:`` read as two lines, the second
    starting ``> tuple:``, and the Python looked broken). A method loses the indentation of
    its class, which would only push every line to the right.

    Parameters
    ----------
    code : str or function
        The source itself, or a function (or method) whose source `inspect.getsource` reads.
    where : container, optional
        Where to write it; the page where it runs by default.
    """
    text = code if isinstance(code, str) else inspect.getsource(code)
    return (where or st).code(textwrap.dedent(text), language="python", wrap_lines=False)


def number_format(digits: int) -> str:
    """The grids' number format: ``digits`` significant digits (printf %g, as `fmt`), in
    plain decimals from 1e-7 to 1e21, as the browser's printf writes %g (`js_number_text`);
    where `show_frame` is asked for ``exponents_as_text``, a column with a number `fmt`
    writes with an exponent is written by `fmt` instead (`takes_exponent`)."""
    return f"%.{digits}g"


#: The largest integer a JavaScript number holds exactly: the grid's number formats stop here.
SAFE_INTEGER = 2.0**53
#: Columns whose true values are all above 0, a probability σ(z) and a logistic loss: a 0
#: there is one that underflowed (below the smallest double), and is written "< 5e-324"
#: (`text.fmt_loss`), not "0" (at z = -2700 the tables said p = 0 and loss 0).
POSITIVE = frozenset({"p", "loss"})


def _writer(name):
    """How a float column is written as text: `fmt`, or `fmt_loss` for a `POSITIVE` one."""
    return fmt_loss if name in POSITIVE else fmt


def show_frame(frame, digits: int, *, where=None, labels=None, exact=None,
               exponents_as_text: bool = False, **options):
    """A scrolling grid of numbers, each shown to ``digits`` significant digits.

    Formatting is left to the grid (a printf format per column), not to a pandas Styler,
    whose per-cell formatting costs more than the rest of the table on every rerun.

    Parameters
    ----------
    frame : DataFrame
    digits : int
    where : container, optional
    labels : dict, optional
        Headers shown instead of some columns' names (our own words: no user text), e.g. a
        short "(p − y)·x₁" for "(p − y)·petal_length_cm"; the columns keep their names.
    exact : dict, optional
        For a frame that is not a per-sample table: column name -> (sign, log10 size) per
        row, the exact value of each cell that underflowed to 0 (`underflowed_as_text`).
    exponents_as_text : bool, default False
        Write a column holding a number that `fmt` writes with an exponent as `fmt` writes
        it, as text: for a small grid read beside formulas that write its numbers (the
        gradient check). A column of text sorts as text and is aligned left, so the
        per-sample tables keep their numbers and the grid's printf form (0.00002577).
    **options
        Passed to ``st.dataframe``; a ``column_config`` entry replaces the number format.
    """
    # The grid cannot format a number beyond 2^53 (it shows all 17 digits, flagged as an
    # error), nor give a subnormal double only the digits it holds (`fmt`), so a column that
    # holds one, after an overshoot or at a saturated sample, is written as text here.
    frame, lost = underflowed_as_text(frame, digits, exact)
    # With ``exponents_as_text``, a column holding a number that `fmt` writes with an
    # exponent is written by `fmt` too: the grid's printf writes plain decimals from 1e-7 to
    # 1e21, so the gradient check read 0.00002577 where the formula above it wrote
    # -2.576 × 10⁻⁵ (a caller's own format stays).
    configured = set(options.get("column_config", {}))
    huge = [c for c in columns_of_kind(frame, "f") if _beyond_format(frame[c].to_numpy())
            or (c in POSITIVE and np.any(frame[c].to_numpy() == 0))
            or (exponents_as_text and c not in configured
                and takes_exponent(frame[c].to_numpy(), digits))]
    if huge:
        frame = frame.assign(**{c: [_writer(c)(v, digits) for v in frame[c].tolist()]
                                for c in huge})
    huge += lost
    # Each column as wide as its longest text as the grid writes it: the grid sizes a column
    # to what it holds when first drawn and keeps that width as the numbers change, and a
    # right-aligned number too long for it lost its start (".343e+147)" for
    # "−10^(−4.343e+147)", "000000" for "1000000": a walk adding a sample at 1e149).
    headers = {c: (labels or {}).get(c, str(c)) for c in frame.columns}
    floats = columns_of_kind(frame, "f")
    longest = longest_number_texts(frame[floats].to_numpy(dtype=float), digits) if floats else []
    config = {c: st.column_config.NumberColumn(
        format=number_format(digits), width=grid_width(headers[c], texts))
        for c, texts in zip(floats, longest, strict=True)}
    config.update({c: st.column_config.TextColumn(alignment="right", width=grid_width(
        headers[c], map(str, frame[c].tolist()))) for c in huge})
    config.update({c: st.column_config.NumberColumn(format="%d", width=grid_width(
        headers[c], map(str, frame[c].tolist()))) for c in columns_of_kind(frame, "iu")})
    config.update({c: setting for c, setting in options.pop("column_config", {}).items()
                   if c not in huge})  # a caller's number format cannot show them either
    # a column of text the caller configured, as wide as its longest text too: the
    # optimizers' "0.4 (1 digit certain; not below the best fit)" showed "t certain; not
    # below the" in a column the grid sized for shorter cells
    for c in columns_of_kind(frame, "O"):
        if c in config and config[c].get("width") is None:
            config[c] = {**config[c], "width": grid_width(headers[c],
                                                         map(str, frame[c].tolist()))}
    for c, label in (labels or {}).items():
        if c in frame.columns:
            config[c] = {**config.get(c, {}), "label": label}
    return (where or st).dataframe(arrow_table(frame), column_config=config, **options)


#: What a grid's cells take in Chromium at 14 px (Source Sans, measured with a canvas): at
#: most 7 px a character (a digit, "e", a sign, "^"), 3 px a space, 8 px of padding each
#: side and a little more; a header counts up to `GRID_HEADER_MAX` px (it may be cut, a
#: number may not).
GRID_CHAR_WIDTH, GRID_SPACE_WIDTH, GRID_PADDING, GRID_HEADER_MAX = 7.0, 3.0, 24, 320


def grid_width(header: str, cells) -> int | None:
    """Pixels a grid's column needs to show each of its ``cells`` (texts) whole, a little more
    rather than less; None where its header is the wider (up to `GRID_HEADER_MAX`): the grid
    then sizes the column to the header itself, as measured, where this estimate of a
    header's letters is generous (given for every column, the gradient check's four columns
    no longer fit a phone's width)."""
    def width(text: str) -> float:
        return len(text) * GRID_CHAR_WIDTH - text.count(" ") * (GRID_CHAR_WIDTH
                                                                 - GRID_SPACE_WIDTH)

    cells = max(map(width, cells), default=0.0)
    if cells <= min(width(header), GRID_HEADER_MAX):
        return None
    return GRID_PADDING + round(cells)


def grid_number_texts(values: np.ndarray, digits: int) -> list[str]:
    """The texts the grid writes for ``values`` with the format `number_format` (its printf,
    sprintf-js: ``String(Number(x.toPrecision(digits)))``), one per distinct value: the
    number rounded to ``digits`` significant digits, written as JavaScript writes numbers
    (`js_number_text`: 1e6 is "1000000"). None or nan (a missing cell) is left out."""
    values = np.unique(np.asarray(values, dtype=float))
    return [js_number_text(float(f"{v:.{digits - 1}e}")) for v in values[np.isfinite(values)]]


def longest_number_texts(columns: np.ndarray, digits: int) -> list[list[str]]:
    """For each column, the longest of its `grid_number_texts` (a list of one text; none for
    a column with no number), without writing every value: a grid of 100 samples by 30
    features wrote some 4,000 texts on every rerun, for one width a column.

    Each value's text is at most `_text_length_bound` long (computed for the whole grid at
    once); a column's values are written in order of that bound, longest first, until no
    bound left exceeds the longest text written.

    Parameters
    ----------
    columns : ndarray of shape (n_rows, n_columns)
    digits : int
    """
    columns = np.asarray(columns, dtype=float)
    finite = np.isfinite(columns)
    bound = np.where(finite, _text_length_bound(np.where(finite, columns, 0.0), digits), -1)
    order = np.argsort(-bound, axis=0, kind="stable")
    longest = []
    for j in range(columns.shape[1]):
        best = ""
        for i in order[:, j]:
            if bound[i, j] <= len(best):
                break
            best = max(best, js_number_text(float(f"{columns[i, j]:.{digits - 1}e}")), key=len)
        longest.append([best] if best else [])
    return longest


def _text_length_bound(values: np.ndarray, digits: int) -> np.ndarray:
    """For each finite value, rounded to ``digits`` significant digits, a length its
    `js_number_text` cannot exceed.

    With ``value = 0.d₁d₂…d_k × 10^point`` the text's length depends only on the sign, k (at
    most ``digits``, and 17, the most a double needs) and ``point``, and grows with k; the
    rounding may carry into the next power of ten and log10 may miss by one next to a power of
    ten, so the longest of ``point`` − 1, ``point`` and ``point`` + 1 is taken.
    """
    size = np.abs(values)
    point = np.floor(np.log10(np.where(size > 0, size, 1.0))).astype(np.int64) + 1
    k = min(digits, 17)

    def length(at: np.ndarray) -> np.ndarray:
        exponent = np.abs(at - 1)
        written = 1 + (k if k > 1 else 0) + 2 + np.where(exponent >= 100, 3,
                                                         np.where(exponent >= 10, 2, 1))
        written = np.where((at > -6) & (at <= 0), 2 - at + k, written)
        written = np.where((at > 0) & (at < k) & (at <= 21), k + 1, written)
        return np.where((k <= at) & (at <= 21), at, written)

    longest = np.maximum.reduce([length(point + shift) for shift in (-1, 0, 1)])
    return np.where(size > 0, longest + (values < 0), 1)


def js_number_text(value: float) -> str:
    """A finite double as JavaScript's ``String(x)`` writes it: the shortest digits that read
    back as it (those of Python's ``repr``), in plain decimals from 1e-7 up to 1e21, else
    as "1.5e+21" or "1.5e-7"."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    text = repr(abs(value))
    mantissa, _, power = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # value = 0.digits x 10^point
    point = len(whole) + int(power or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    rest = f".{digits[1:]}" if k > 1 else ""
    return f"{sign}{digits[0]}{rest}e{'+' if point > 0 else '-'}{abs(point - 1)}"


def underflowed_as_text(frame: pd.DataFrame, digits: int, cells: dict | None = None
                        ) -> tuple[pd.DataFrame, list]:
    """``frame`` with each column that holds an underflowed 0 or a subnormal (its true value not 0:
    ``cells``, by default `tables.underflowed_sizes`) written as text, its true value from log
    space (`fmt_log10`: -4.2e-1737), and those columns' names."""
    cells = tables.underflowed_sizes(frame) if cells is None else cells
    lost = [c for c, (sign, _) in cells.items()
            if c in frame.columns and np.any((np.abs(frame[c].to_numpy()) < NORMAL) & (sign != 0))]
    if not lost:
        return frame, []
    frame = frame.copy()
    for c in lost:
        sign, size = cells[c]
        frame[c] = [fmt_log10(s, k, digits) if abs(v) < NORMAL and s != 0 else fmt(v, digits)
                    for v, s, k in zip(frame[c].tolist(), sign, size, strict=True)]
    return frame, lost


def takes_exponent(values: np.ndarray, digits: int) -> bool:
    """Whether `fmt` writes any of ``values`` with an exponent (printf's %g rule: rounded to
    ``digits`` significant digits, below 1e-4 or at 10^digits and above), which the grid's
    number format writes in plain decimals. Only the values near that range are written to
    see: a grid of 569 rows holds few."""
    size = np.abs(values[np.isfinite(values)])
    near = size[(size > 0) & ((size < 1.001e-4) | (size >= 0.999 * 10.0**digits))]
    return any("e" in fmt(v, digits) for v in near.tolist())


def _beyond_format(values: np.ndarray) -> bool:
    """Whether a float column holds a number the grid's printf format cannot show right:
    beyond 2^53, or nonzero below the smallest normal double."""
    size = np.abs(values[np.isfinite(values)])
    return bool(np.any(size > SAFE_INTEGER) or np.any((size > 0) & (size < NORMAL)))


def show_table(frame, digits: int, *, alt: str, where=None):
    """A small static table, every number written as text to ``digits`` significant digits.

    The index is hidden where it is a range (1, 2, ... n), as ``st.table`` decides by itself,
    but said here: left to Streamlit, it turns the Arrow table back into a pandas frame to
    find out, on every rerun.
    """
    frame, _ = underflowed_as_text(frame, digits)
    return (where or st).table(arrow_table(frame, text_digits=digits),
                               hide_index=isinstance(frame.index, pd.RangeIndex), alt=alt)


#: Arrow schemas (with pandas' metadata: the index, the column names) by a frame's shape of
#: columns; read and written by every session's thread, so written under a lock.
_SCHEMAS: dict[tuple, pa.Schema] = {}
_SCHEMAS_LOCK = threading.Lock()
_MAX_SCHEMAS = 512
_FAST_KINDS = frozenset("fiub")  # float, integer, unsigned, bool: a dtype says the Arrow type


def arrow_table(frame: pd.DataFrame, text_digits: int | None = None):
    """``frame`` as the Arrow table Streamlit would send, index included, built cheaply.

    Streamlit converts a pandas frame with ``pyarrow.Table.from_pandas``, which works out the
    schema and pandas' metadata anew each time: 0.3 ms of a 0.35 ms conversion, on every grid
    of every rerun. The schema depends only on the columns' names and dtypes and the index's,
    so it is worked out once per such shape and kept; each rerun only wraps its arrays
    (0.02 ms). A frame whose Arrow types its dtypes do not settle (anything in an object
    column, a name used twice, no rows) goes to Streamlit as it is. ``table.to_pandas()`` gives
    ``frame`` back.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, n_columns)
    text_digits : int, optional
        Write every float as text to this many significant digits (`fmt`), as `text_frame`
        does, for ``st.table``.

    Returns
    -------
    pyarrow.Table of shape (n_rows, n_columns) plus the index's column (none for a range
    index), or the frame (`text_frame` of it, with
    ``text_digits``) where the fast way does not apply
    """
    dtypes = frame.dtypes.tolist()
    index = frame.index
    if (frame.empty or not frame.columns.is_unique or index.nlevels != 1
            or not all(map(_settled, dtypes)) or not _settled(index.dtype)):
        return frame if text_digits is None else text_frame(frame, text_digits)
    text = text_digits is not None
    # A range index (1, 2, ... n) is no column but a line of pandas' metadata, as Streamlit
    # sends it (a table then shows no header over the row numbers): its bounds are part of
    # the shape. Any other index is a column.
    ranged = isinstance(index, pd.RangeIndex)
    shape = (tuple(frame.columns.tolist()), tuple(dtypes), index.name, index.dtype,
             frame.columns.name, text,
             (index.start, index.stop, index.step) if ranged else None)
    schema = _SCHEMAS.get(shape)
    if schema is None:
        like = text_frame(frame, 1) if text else frame
        schema = pa.Schema.from_pandas(like, preserve_index=None if ranged else True)
        with _SCHEMAS_LOCK:
            if len(_SCHEMAS) >= _MAX_SCHEMAS:
                _SCHEMAS.clear()
            _SCHEMAS[shape] = schema
    # The schema lists the columns, then the index. The float columns come out of one call
    # (pandas' column by column access costs 8 µs a column); the others one by one, exact.
    where = [i for i, d in enumerate(dtypes) if d.kind == "f"]
    numbers_only = all(d.kind in _FAST_KINDS for d in dtypes)
    floats = iter((frame.to_numpy(dtype=float)[:, where] if numbers_only
                   else frame.iloc[:, where].to_numpy(dtype=float)).T if where else ())
    values = []
    for i, d in enumerate(dtypes):
        if d.kind != "f":
            values.append(frame.iloc[:, i].to_numpy())
            continue
        column = next(floats)  # the float columns come in their order
        write = _writer(frame.columns[i])
        values.append([write(v, text_digits) for v in column.tolist()] if text else column)
    if not ranged:
        values.append(index.to_numpy())
    return pa.Table.from_arrays(
        [pa.array(v, type=field.type, from_pandas=True)  # a missing text is null
         for v, field in zip(values, schema, strict=True)], schema=schema)


def _settled(dtype) -> bool:
    """Whether a column of this dtype has one Arrow type whatever it holds: numbers, truth
    values and pandas' own text (not an object column, which may hold anything)."""
    return dtype.kind in _FAST_KINDS or isinstance(dtype, pd.StringDtype)


def columns_of_kind(frame, kinds: str) -> list:
    """Names of the columns whose numpy dtype kind is one of ``kinds`` ("f" floating, "iu"
    integer). What ``select_dtypes`` answers, at a fraction of its cost on every rerun."""
    return [name for name, dtype in frame.dtypes.items() if dtype.kind in kinds]


def text_frame(frame, digits: int):
    """A small table with every number already written as text (`fmt`), for ``st.table``."""
    # Column by column by position (a feature may share a column's name) from numpy arrays,
    # in one constructor call: `iloc` per column cost more than the rest of the first
    # screen's table on every rerun.
    columns = {i: ([_writer(name)(v, digits) for v in values.tolist()]
                   if values.dtype.kind == "f" else values)
               for i, (name, values) in enumerate((name, column.to_numpy())
                                                  for name, column in frame.items())}
    return pd.DataFrame(columns, index=frame.index).set_axis(frame.columns, axis=1)


#: What a static table's cells take in Chromium at 14 px (Source Sans), measured: about 6.6 px
#: a digit or letter, 3 px a space, and 8 px of padding a column (app.py sets it).
CHAR_WIDTH, SPACE_WIDTH, CELL_PADDING = 6.6, 3.0, 8.0


def text_width(frame, digits: int) -> float:
    """About how many pixels wide `show_table` draws ``frame`` with its lines unbroken (no
    cell wraps), its widest text in each column; a little more rather than less. What decides
    whether a table fits a narrow column as it is (the first screen shows a grid if not)."""
    text = text_frame(underflowed_as_text(frame, digits)[0], digits)  # as `show_table` writes
    columns = [(str(name), [str(v) for v in column.tolist()]) for name, column in text.items()]
    if not isinstance(frame.index, pd.RangeIndex):
        columns.append((str(frame.index.name or ""), [str(v) for v in frame.index.tolist()]))
    return sum(CELL_PADDING + max(len(t) * CHAR_WIDTH - t.count(" ") * (CHAR_WIDTH - SPACE_WIDTH)
                                  for t in (name, *cells))
               for name, cells in columns)


def full_height(frame) -> int:
    """Pixel height that shows every row of a small table without scrolling."""
    return 38 + 35 * len(frame)
