"""Turning an uploaded CSV file (untrusted bytes) into training data, or into a clear message.

The pipeline, one step per function:

1. `read_csv_bytes`: bytes -> `ParsedTable` (a DataFrame plus what was detected).

   a. Size: more than `MAX_BYTES` is refused before anything is decoded.
   b. Binary files: known signatures (PNG, JPEG, GIF, PDF, ZIP/xlsx, old .xls, gzip, pickle,
      ...), NUL bytes (also UTF-16 text) or many control characters mean "not text".
   c. Decoding: UTF-8 with a byte-order mark, else UTF-8, else latin-1 (every byte sequence is
      valid latin-1, so this step cannot fail).
   d. Text that is not a table (JSON, HTML, XML, RTF, a Markdown table, prose) is named.
   e. Delimiter among ``, ; tab |``: an Excel ``sep=;`` first line if present, else
      `csv.Sniffer` on a sample, accepted only if every line of the sample then has as many
      fields as the header; else the delimiter that splits every sample line consistently.
   f. Structure pass (`csv.reader`, streaming): header names, and every row's length against
      the header's, so a bad row is reported by its line number (pandas would pad short rows
      with missing values without a word).
   g. Values: `pandas.read_csv` (C engine) reads the rows after the header, so numbers are
      parsed by pandas; the column names come from step f, exactly as written (only surrounding
      whitespace is stripped; pandas would rename duplicates and empty names).
   h. Tidying: text cells are stripped, the usual missing-value markers (``NA``, ``NaN``,
      ``null``, ``?``, empty, ...) become missing, ``1,5`` is read as 1.5 when the delimiter is
      not a comma, rows with no values and unnamed columns with no values are dropped.
   i. Rows: more than ``max_rows`` data rows is refused, or (``sample_large=True``) reduced to a
      seeded random sample kept in file order.

2. `numeric_columns` and `target_candidates`: the defaults the dashboard pre-selects.
3. `label_mapping`: the two classes of the target column -> 0 and 1.
4. `prepare`: table + chosen target and features -> ``X``, ``y`` checked by
   `logreg_core.maths.check_data`, plus a hint whether standardizing would help.
5. `constant_features` / `fit_standardizer`: constant columns, which train fine but cannot be
   standardized.

Safety. Everything is parsed in memory (`io.StringIO`, `io.BytesIO`): nothing is written to
disk, nothing is unpickled, evaluated or imported, and a cell is never interpreted beyond
"number or text".

Messages. Every problem raises `UploadError`, a `LogRegInputError` whose ``str()`` is one or two
plain sentences: what is wrong (naming the columns, lines, values or counts) and what to do.
User text inside a message (column names, cell values, the header line) is quoted repr-style
and cut to 40 characters, and may contain anything (``<script>``, ``**``, ``$``): the UI must
show messages and column names as plain text, never as Markdown or HTML.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .datasets import Standardizer, constant_features
from .errors import LogRegInputError
from .maths import MAX_ABS_FEATURE, check_data

MAX_ROWS = 50_000
MAX_FEATURES = 100
MAX_BYTES = 10 * 1024 * 1024  # matches server.maxUploadSize = 10 in .streamlit/config.toml

#: Delimiters tried, in order of preference when several fit equally well.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: Cells read as missing (after stripping whitespace): pandas' defaults plus "?" (UCI data sets).
NA_TOKENS: frozenset[str] = frozenset({
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "?",
})

_QUOTE_LIMIT = 40  # characters of user text shown in a message
_SAMPLE_CHARS = 65_536  # text inspected to find the delimiter
_SNIFF_CHARS = 8_192  # csv.Sniffer is regex-based and slow on long input
_SAMPLE_RECORDS = 200

_ADVICE_CSV = "upload the data as a CSV text file (one row per sample, values separated by commas)"
_ADVICE_EXCEL = "open it in Excel, choose File > Save As > CSV UTF-8, and upload the .csv file"
_ADVICE_UNZIP = "unpack it and upload the CSV file inside"

#: (leading bytes, what the file looks like, what to do). Checked before decoding.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image", _ADVICE_CSV),
    (b"\xff\xd8\xff", "a JPEG image", _ADVICE_CSV),
    (b"GIF87a", "a GIF image", _ADVICE_CSV),
    (b"GIF89a", "a GIF image", _ADVICE_CSV),
    (b"%PDF", "a PDF document", "export the table from the program that made it as CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Excel workbook (.xls) or other Office file",
     _ADVICE_EXCEL),
    (b"\x1f\x8b", "a gzip-compressed file", _ADVICE_UNZIP),
    (b"BZh91AY&SY", "a bzip2-compressed file", _ADVICE_UNZIP),
    (b"\xfd7zXZ\x00", "an xz-compressed file", _ADVICE_UNZIP),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _ADVICE_UNZIP),
    (b"PAR1", "a Parquet file", "save the data with DataFrame.to_csv and upload that"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV"),
    (b"\x93NUMPY", "a NumPy array file (.npy)", "save the data with numpy.savetxt as CSV"),
    (b"\x89HDF", "an HDF5 file", "save the data with DataFrame.to_csv and upload that"),
)
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

_SEP_LINE = re.compile(r"sep=(.)[ \t]*", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?")
_NUMBER_LIKE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)",
                          re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")  # not \t \n \f \r, DOS end \x1a
#: One physical line with its end, split where csv and pandas split lines (not at \f, \x85 ...).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_PANDAS_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


# --------------------------------------------------------------------------------------------
# The error and the message helpers
# --------------------------------------------------------------------------------------------


class UploadError(LogRegInputError):
    """A bad upload; ``str(err)`` is the message shown to the user (what is wrong + what to do).

    The message quotes user text repr-style and may contain Markdown or HTML characters: show
    it as plain text.

    Attributes
    ----------
    code : str
        Short machine-readable reason: "empty", "header_only", "not_text", "not_csv",
        "bad_quotes", "single_column", "uneven_rows", "duplicate_columns",
        "empty_column_name", "too_large", "one_class", "many_classes", "non_numeric",
        "missing_values", "non_finite", "too_big_values", "constant_feature",
        "target_is_feature", "no_features", "too_many_features", "unknown_column".
    columns : list of str
        The columns concerned, in full (not truncated), for the codes that are about columns;
        otherwise empty.
    rows : int or None
        How many rows are affected ("missing_values", "uneven_rows", "too_large").
    line : int or None
        1-based line of the file where the first problem is ("uneven_rows", "bad_quotes").
    values : list of str
        Up to 5 of the distinct values found ("one_class", "many_classes").
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        columns: Iterable[str] = (),
        rows: int | None = None,
        line: int | None = None,
        values: Iterable[str] = (),
    ):
        super().__init__(message)
        self.code = code
        self.columns = [str(c) for c in columns]
        self.rows = rows
        self.line = line
        self.values = [str(v) for v in values]

    def __reduce__(self):
        # Rebuild with the same code and attributes (copy, pickle of the exception itself).
        return (type(self), (self.code, str(self)), self.__dict__)


def _quote(text: object, limit: int = _QUOTE_LIMIT) -> str:
    """User text for a message: cut to ``limit`` characters, then quoted like `repr`."""
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def _quote_all(texts: Iterable[object]) -> str:
    return ", ".join(_quote(t) for t in texts)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _columns(names: Sequence[object], noun: str = "column") -> tuple[str, bool]:
    """``("column 'a'", False)`` or ``("columns 'a', 'b'", True)``: the phrase and its number."""
    several = len(names) > 1
    return f"{noun}{'s' if several else ''} {_quote_all(names)}", several


def _agree(names: Sequence[object], singular: str, plural: str) -> str:
    """``"column 'a' holds"`` or ``"columns 'a', 'b' hold"``."""
    phrase, several = _columns(names)
    return f"{phrase} {plural if several else singular}"


def _them(names: Sequence[object]) -> str:
    return "them" if len(names) > 1 else "it"


def _delimiter_name(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


# --------------------------------------------------------------------------------------------
# Reading: bytes -> ParsedTable
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedTable:
    """An uploaded CSV file, read.

    Attributes
    ----------
    frame : DataFrame
        All columns, named exactly as in the header (surrounding whitespace stripped); numbers
        where a column holds only numbers (int64 or float64), otherwise text, with missing
        cells as NaN. Index 0..n-1.
    encoding : str
        "utf-8", "utf-8-sig" (UTF-8 with a byte-order mark) or "latin-1".
    delimiter : str
        ",", ";", "\\t" or "|".
    n_rows_in_file : int
        Data rows in the file (without the header and empty rows), before any sampling.
    sampled : bool
        True when the file had more than ``max_rows`` rows and a seeded random sample of
        ``max_rows`` of them was kept (in file order).
    notes : tuple of str
        Plain sentences for the UI about what was detected or changed.
    """

    frame: pd.DataFrame
    encoding: str
    delimiter: str
    n_rows_in_file: int
    sampled: bool
    notes: tuple[str, ...]


def read_csv_bytes(
    data: bytes, *, max_rows: int = MAX_ROWS, sample_large: bool = False, seed: int = 0
) -> ParsedTable:
    """Read an uploaded CSV file from its bytes (see the module docstring for the steps).

    Parameters
    ----------
    data : bytes
        The file's contents, untrusted.
    max_rows : int, default MAX_ROWS
        Most data rows accepted.
    sample_large : bool, default False
        With more than ``max_rows`` rows: keep a random sample of ``max_rows`` rows (True)
        instead of refusing the file.
    seed : int, default 0
        Seed of the sample (``np.random.default_rng(seed)``).

    Returns
    -------
    ParsedTable

    Raises
    ------
    UploadError
        Codes "too_large", "empty", "not_text", "not_csv", "bad_quotes", "single_column",
        "uneven_rows", "duplicate_columns", "empty_column_name", "header_only".
    """
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"read_csv_bytes needs bytes, not {type(data).__name__}")
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise ValueError(f"max_rows must be a positive integer; got {max_rows!r}")

    if len(data) > MAX_BYTES:
        raise UploadError(
            "too_large",
            f"The file is {len(data) / 2**20:.1f} MB, over the {MAX_BYTES // 2**20} MB limit: "
            "upload a smaller file (for example a random sample of the rows).",
        )
    if not data.strip():
        raise UploadError("empty", _empty_message(data))
    _reject_binary(data)
    text, encoding = _decode(data)
    _reject_control_characters(text)
    if not text.strip():
        raise UploadError("empty", _empty_message(data))
    _reject_other_formats(text)

    notes: list[str] = []
    if encoding == "latin-1":
        notes.append("Read as latin-1 (not UTF-8).")

    # Excel's hint line "sep=;" names the delimiter and is not part of the table.
    first_line, _, rest = text.partition("\n")
    sep_line = _SEP_LINE.fullmatch(first_line.strip())
    line_offset = 0
    if sep_line and sep_line.group(1) in DELIMITERS:
        delimiter = sep_line.group(1)
        text, line_offset = rest, 1
        if delimiter != ",":
            notes.append(
                f"Detected {_delimiter_name(delimiter)} as the delimiter "
                "(from the file's 'sep=' line)."
            )
    else:
        delimiter = _detect_delimiter(text)
        if delimiter != ",":
            notes.append(f"Detected {_delimiter_name(delimiter)} as the delimiter.")

    layout = _read_layout(text, delimiter, line_offset)
    frame = _read_values(text, delimiter, layout, line_offset)
    frame, tidy_notes = _tidy(frame, layout, delimiter)
    notes.extend(tidy_notes)

    if not numeric_columns(frame) and _looks_like_prose(text):
        raise _not_csv_prose()
    if frame.shape[1] < 2:
        raise UploadError(
            "single_column",
            f"Only one column was found, headed {_quote(frame.columns[0])}: a table needs "
            "feature columns and a label column, so check which character separates the "
            f"values ({_delimiter_name(delimiter)} was used).",
        )
    if frame.empty:
        raise UploadError("header_only", _header_only_message(layout.names))

    n_rows = len(frame)
    sampled = False
    if n_rows > max_rows:
        if not sample_large:
            raise UploadError(
                "too_large",
                f"The file has {n_rows:,} rows; the limit is {max_rows:,}: upload fewer rows, "
                "or let the app keep a random sample of them.",
                rows=n_rows,
            )
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(n_rows, size=max_rows, replace=False))
        frame = frame.iloc[keep].reset_index(drop=True)
        sampled = True
        notes.append(f"Kept a random sample of {max_rows:,} of {n_rows:,} rows (seed {seed}).")

    return ParsedTable(
        frame=frame, encoding=encoding, delimiter=delimiter, n_rows_in_file=n_rows,
        sampled=sampled, notes=tuple(notes),
    )


def _empty_message(data: bytes) -> str:
    if not data:
        return (
            "The file is empty (0 bytes): choose a CSV file with a header row of column names "
            "and one row per sample."
        )
    return (
        "The file holds only blank space, no data: choose a CSV file with a header row of "
        "column names and one row per sample."
    )


def _header_only_message(names: Sequence[str]) -> str:
    shown = _quote_all(n for n in names[:5] if n) + (", ..." if len(names) > 5 else "")
    return (
        f"The file has a header row ({shown}) but no data rows: add one row per sample below "
        "the header."
    )


def _not_text(what: str, advice: str) -> UploadError:
    return UploadError("not_text", f"This looks like {what}, not a CSV file: {advice}.")


def _reject_binary(data: bytes) -> None:
    """Raise "not_text" for bytes that are not text: known signatures, NUL bytes."""
    for signature, what, advice in _SIGNATURES:
        if data.startswith(signature):
            raise _not_text(what, advice)
    if data.startswith(_ZIP_SIGNATURES):
        # The archive's directory lists the member names in plain bytes.
        if b"xl/" in data:
            raise _not_text("an Excel workbook (.xlsx)", _ADVICE_EXCEL)
        if b"opendocument.spreadsheet" in data:
            raise _not_text(
                "an OpenDocument spreadsheet (.ods)",
                "open it, save it as CSV (Text CSV), and upload the .csv file",
            )
        if b"word/" in data:
            raise _not_text("a Word document (.docx)", _ADVICE_CSV)
        raise _not_text("a ZIP archive (an Excel .xlsx workbook is one)", _ADVICE_UNZIP)
    if len(data) > 1 and data[0] == 0x80 and 2 <= data[1] <= 5:
        # PROTO opcode + protocol 2-5: never loaded, since unpickling can run any code.
        raise _not_text(
            "a Python pickle",
            "pickles are never opened here because loading one can run code, so save the data "
            "with DataFrame.to_csv and upload that",
        )
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data):
        raise _not_text(
            "UTF-16 text (Excel's 'Unicode Text' format)",
            "save it as CSV UTF-8 and upload that",
        )
    if b"\x00" in data:
        raise UploadError(
            "not_text",
            "This file is not text (it contains NUL bytes), so it is not a CSV file: "
            "upload a CSV saved as plain text (UTF-8).",
        )


def _looks_utf16(data: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte."""
    head = data[:4096]
    half = len(head) // 2
    if half < 2:
        return False
    return max(head[0::2].count(0), head[1::2].count(0)) >= 0.9 * half


def _decode(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (with or without a byte-order mark), else latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return data[len(codecs.BOM_UTF8):].decode("latin-1"), "latin-1"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _reject_control_characters(text: str) -> None:
    """Raise "not_text" when over 1% of the characters are control codes (binary data)."""
    head = text[:_SAMPLE_CHARS]
    controls = len(_CONTROL.findall(head))
    if controls and controls * 100 > len(head):
        raise UploadError(
            "not_text",
            "This file does not look like text (it is full of control characters), so it is "
            "not a CSV file: upload a CSV saved as plain text (UTF-8).",
        )


def _reject_other_formats(text: str) -> None:
    """Raise "not_csv" for text in another well-known format: JSON, HTML, XML, RTF."""
    head = text.lstrip()
    lower = head[:200].lower()
    if head[:1] in ("{", "["):
        first_line = head.partition("\n")[0]
        for candidate in (head, first_line):
            try:
                parsed = json.loads(candidate)
            except (ValueError, RecursionError):
                continue
            if isinstance(parsed, dict | list):
                raise UploadError(
                    "not_csv",
                    "This looks like JSON, not a CSV table: convert it to CSV (a header row of "
                    "column names, then one row per sample) and upload that.",
                )
    if lower.startswith("{\\rtf"):
        raise UploadError(
            "not_csv",
            "This looks like a rich-text (RTF) document, not a CSV table: save the table as "
            "CSV (plain text) and upload that.",
        )
    if lower.startswith(("<!doctype html", "<html", "<!--")):
        raise UploadError(
            "not_csv",
            "This looks like a web page (HTML), not a CSV table: download the data as CSV "
            "instead of saving the page.",
        )
    if lower.startswith(("<?xml", "<svg")):
        raise UploadError(
            "not_csv",
            "This looks like XML, not a CSV table: export the data as CSV and upload that.",
        )


def _looks_like_prose(text: str) -> bool:
    """Sentences rather than rows: the first line reads as a sentence, not as column names
    (6+ words between delimiters), lines have many words, mostly letters, and end sentences.

    A CSV of free text (reviews, say) keeps short names in its header, so it is not prose.
    """
    lines = [line.strip() for line in text[:_SAMPLE_CHARS].splitlines()[:50]]
    lines = [line for line in lines if line]
    if not lines:
        return False
    if max(len(piece.split()) for piece in re.split(r"[,;\t|]", lines[0])) < 6:
        return False
    if sum(len(line.split()) for line in lines) < 6 * len(lines):
        return False
    chars = "".join(lines)
    letters = sum(c.isalpha() for c in chars)
    if letters < 0.6 * sum(not c.isspace() for c in chars):
        return False
    return any(re.search(r"[.!?](\s|$)", line) for line in lines)


def _not_csv_prose() -> UploadError:
    return UploadError(
        "not_csv",
        "This looks like ordinary text, not a table: a CSV file needs a header row of column "
        "names and then one row per sample, with values separated by commas.",
    )


def _sample(text: str) -> tuple[str, bool]:
    """The start of the text, cut at a line end; and whether it was cut."""
    if len(text) <= _SAMPLE_CHARS:
        return text, False
    cut = max(text.rfind("\n", 0, _SAMPLE_CHARS), text.rfind("\r", 0, _SAMPLE_CHARS))
    return text[: cut if cut > 0 else _SAMPLE_CHARS], True


def _field_counts(sample: str, delimiter: str, truncated: bool) -> list[int]:
    """Number of fields of each non-blank record of the sample (first record: the header)."""
    counts: list[int] = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
    try:
        for record in reader:
            if any(field.strip() for field in record):
                counts.append(len(record))
                if len(counts) > _SAMPLE_RECORDS:
                    break
    except csv.Error:
        pass
    if truncated and len(counts) > 1 and len(counts) <= _SAMPLE_RECORDS:
        counts.pop()  # the last record may be cut short
    return counts[:_SAMPLE_RECORDS]


def _detect_delimiter(text: str) -> str:
    """The delimiter among `DELIMITERS`, or raise "single_column" / "not_csv" / "uneven_rows".

    `csv.Sniffer`'s guess is kept if it splits the header into two or more fields and every
    other sample line into as many; otherwise the delimiter that does so with the most fields;
    otherwise the one that fits the most lines (the structure pass then names the bad line).
    """
    sample, truncated = _sample(text)
    counts = {d: _field_counts(sample, d, truncated) for d in DELIMITERS}

    def agreement(d: str) -> float:
        c = counts[d]
        return sum(n == c[0] for n in c) / len(c)

    if _is_markdown_table(sample):
        raise UploadError(
            "not_csv",
            "This looks like a Markdown table, not a CSV file: remove the '|' at the start and "
            "end of each line and the '---' line, or export the data as CSV.",
        )
    splits = [d for d in DELIMITERS if counts[d] and counts[d][0] >= 2]
    consistent = [d for d in splits if agreement(d) == 1.0]
    try:
        sniffed = csv.Sniffer().sniff(_sample_head(sample), delimiters="".join(DELIMITERS))
        guess = sniffed.delimiter
    except csv.Error:
        guess = None
    if guess in consistent:
        return guess
    if consistent:
        return max(consistent, key=lambda d: counts[d][0])  # ties: first in DELIMITERS
    if _looks_like_prose(text):
        raise _not_csv_prose()
    if splits:
        return max(splits, key=lambda d: (agreement(d), counts[d][0]))

    # No delimiter splits the header. The rows below may still be split consistently.
    header = sample.lstrip().splitlines()[0] if sample.strip() else ""
    for d in DELIMITERS:
        body = counts[d][1:]
        if body and body[0] >= 2 and all(n == body[0] for n in body):
            raise UploadError(
                "uneven_rows",
                f"The header {_quote(header)} has 1 column name but the rows below have "
                f"{body[0]} values each, separated by {_delimiter_name(d)}: add the missing "
                "column names to the header.",
                line=1,
            )
    words = [len(line.split()) for line in sample.splitlines() if line.strip()]
    if words and words[0] >= 2 and all(n == words[0] for n in words):
        hint = (
            "; the values seem to be separated by spaces, which are not read as delimiters: "
            "save the file with commas between the values."
        )
    else:
        hint = (
            ": a table needs feature columns and a label column, so check which character "
            "separates the values (',', ';', tab and '|' were tried)."
        )
    raise UploadError("single_column", f"Only one column was found, headed {_quote(header)}{hint}")


def _sample_head(sample: str) -> str:
    if len(sample) <= _SNIFF_CHARS:
        return sample
    cut = sample.rfind("\n", 0, _SNIFF_CHARS)
    return sample[: cut if cut > 0 else _SNIFF_CHARS]


def _is_markdown_table(sample: str) -> bool:
    """A header line framed by '|' followed by a '|---|' rule line."""
    lines = [line.strip() for line in sample.lstrip().splitlines()[:2]]
    return (
        len(lines) == 2 and len(lines[0]) > 1 and lines[0][0] == lines[0][-1] == "|"
        and re.fullmatch(r"\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*", lines[1]) is not None
    )


@dataclass(frozen=True)
class _Layout:
    """What the structure pass found."""

    names: list[str]  # header, stripped; "" for an unnamed column
    width: int  # most fields in any record (>= len(names))
    header_lines: int  # physical lines up to the end of the header record
    n_rows: int  # non-blank data rows
    n_blank: int  # data records whose fields are all blank
    n_padded: int  # rows with blank fields past the last column
    last_start: int  # 1-based line where the last record starts


def _read_layout(text: str, delimiter: str, line_offset: int) -> _Layout:
    """Stream the records once: header names and every row's length against the header's."""
    lines = (match.group() for match in _LINE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    header: list[str] | None = None
    header_start = header_lines = 0
    n_core = 0
    unnamed: list[int] = []
    unnamed_with_values: set[int] = set()
    n_rows = n_blank = n_padded = n_bad = 0
    first_bad: tuple[int, int, bool] | None = None  # line, values, spans several lines
    width = 0
    end = 0
    start = 1
    try:
        for record in reader:
            start, end = end + 1, reader.line_num
            n = len(record)
            if header is None:
                if any(field.strip() for field in record):
                    header, header_start, header_lines = record, start, end
                    names = [field.strip() for field in header]
                    _check_names(names)
                    n_core = len(names)
                    while not names[n_core - 1]:
                        n_core -= 1
                    unnamed = [j for j in range(len(names)) if not names[j]]
                    width = len(names)
                continue
            width = max(width, n)
            for j in unnamed:
                if j < n and record[j].strip():
                    unnamed_with_values.add(j)
            if n == len(header):
                if record[0].strip() or any(field.strip() for field in record):
                    n_rows += 1
                else:
                    n_blank += 1
                continue
            if not any(field.strip() for field in record):
                n_blank += 1
                continue
            n_rows += 1
            if n < n_core or any(field.strip() for field in record[len(header):]):
                n_bad += 1
                if first_bad is None:
                    first_bad = (start + line_offset, n, end > start)
            else:
                n_padded += n > len(header)
    except csv.Error as exc:
        raise UploadError(
            "bad_quotes",
            f"Line {start + line_offset} could not be read ({exc}): most likely a quote (\") is "
            "never closed there; close or remove it.",
            line=start + line_offset,
        ) from None

    if header is None:  # only a 'sep=' line
        raise UploadError(
            "empty",
            "The file has no header row and no data rows: choose a CSV file with a header row "
            "of column names and one row per sample.",
        )
    names = [field.strip() for field in header]
    if first_bad is not None:
        line, found, spans = first_bad
        expected = n_core
        if spans:  # a quoted value ran over line ends
            raise UploadError(
                "bad_quotes",
                f"A quoted value (\") starting on line {line} runs over several lines, so that "
                "row does not fit the header: close or remove the quote.",
                line=line,
            )
        if found < expected:
            example = "two tabs in a row" if delimiter == "\t" else f"'1{delimiter}{delimiter}3'"
            hint = f"an empty value still needs its delimiter, as in {example}"
        else:
            hint = "look for an extra delimiter, or a value containing one that is not in quotes"
        others = f" ({_plural(n_bad, 'row')} in all do not fit)" if n_bad > 1 else ""
        raise UploadError(
            "uneven_rows",
            f"Line {line} has {found} values but the header has {expected} column names"
            f"{others}: give every row exactly {expected} values ({hint}).",
            line=line, rows=n_bad,
        )
    for j in unnamed:
        if j in unnamed_with_values:
            raise UploadError(
                "empty_column_name",
                f"Column {j + 1} has values but no name in the header row: give it a name "
                "(or delete the column if it is just a row number).",
            )
    if n_rows == 0:
        if header_lines > header_start:  # a quote in the header ate the rest of the file
            raise UploadError(
                "bad_quotes",
                f"A quoted value (\") in the header on line {header_start + line_offset} runs "
                "over several lines, so the file seems to have no data rows: close or remove "
                "the quote.",
                line=header_start + line_offset,
            )
        if _looks_like_prose(text):
            raise _not_csv_prose()
        raise UploadError("header_only", _header_only_message(names))
    return _Layout(
        names=names, width=width, header_lines=header_lines, n_rows=n_rows, n_blank=n_blank,
        n_padded=n_padded, last_start=start + line_offset,
    )


def _check_names(names: list[str]) -> None:
    """Raise "duplicate_columns" for a name used twice (unnamed columns are checked later)."""
    seen: set[str] = set()
    duplicates: list[str] = []
    for name in names:
        if name and name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise _duplicates_error(duplicates, "header")


def _duplicates_error(duplicates: list[str], where: str) -> UploadError:
    phrase, several = _columns(duplicates, "column name")
    return UploadError(
        "duplicate_columns",
        f"The {phrase} {'each appear' if several else 'appears'} more than once in the {where}: "
        "rename the copies so that every column has its own name.",
        columns=duplicates,
    )


def _read_values(text: str, delimiter: str, layout: _Layout, line_offset: int) -> pd.DataFrame:
    """Parse the rows after the header with pandas' C parser; columns named 0..width-1."""
    start = 0
    for _, match in zip(range(layout.header_lines), _LINE.finditer(text), strict=False):
        start = match.end()
    # UTF-8 bytes: a quarter of the memory of a StringIO of the same text.
    body = text[start:].encode("utf-8")
    try:
        frame = pd.read_csv(
            io.BytesIO(body), encoding="utf-8", sep=delimiter, header=None,
            names=list(range(layout.width)),
            index_col=False, engine="c", quotechar='"', doublequote=True, skip_blank_lines=True,
            keep_default_na=True, na_values=["?"], low_memory=False,
        )
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=list(range(layout.width)))
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        message = str(exc).strip()
        if "EOF inside string" in message:
            raise UploadError(
                "bad_quotes",
                f"Line {layout.last_start} opens a quoted value (\") that is never closed, so "
                "the rest of the file reads as one value: close or remove that quote.",
                line=layout.last_start,
            ) from None
        match = _PANDAS_FIELDS.search(message)
        if match:
            line = int(match.group(2)) + layout.header_lines + line_offset
            raise UploadError(
                "uneven_rows",
                f"Line {line} has {match.group(3)} values but the header has "
                f"{len(layout.names)} column names: give every row exactly "
                f"{len(layout.names)} values (check the quotes on that line).",
                line=line,
            ) from None
        raise UploadError(
            "bad_quotes",
            "The rows could not be read consistently, most likely because of a stray quote "
            "character (\"): check the quotes in the file.",
        ) from None
    # The two parsers agree on rows unless they split quotes differently.
    if not layout.n_rows <= len(frame) <= layout.n_rows + layout.n_blank:
        raise UploadError(
            "bad_quotes",
            "The rows could not be read consistently, most likely because of a stray quote "
            "character (\"): check the quotes in the file.",
        )
    return frame


def _tidy(frame: pd.DataFrame, layout: _Layout, delimiter: str) -> tuple[pd.DataFrame, list[str]]:
    """Name the columns, strip text, mark missing cells, drop empty rows and unnamed columns."""
    notes: list[str] = []
    names = layout.names
    keep = [j for j, name in enumerate(names) if name]
    dropped = [j + 1 for j, name in enumerate(names) if not name]
    if dropped:
        if len(dropped) == 1:
            notes.append(f"Ignored column {dropped[0]}, which has no name and no values.")
        else:
            listed = ", ".join(map(str, dropped))
            notes.append(f"Ignored columns {listed}, which have no name and no values.")
    if layout.n_padded:
        notes.append(
            f"Ignored empty values past the last column on {_plural(layout.n_padded, 'row')}."
        )
    frame = frame[keep]
    frame.columns = [names[j] for j in keep]

    n_decimal_comma = 0
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        series = frame[name]
        if _holds_text(series):
            series, decimal_comma = _clean_text(series, delimiter != ",")
            n_decimal_comma += decimal_comma
        columns[name] = series
    frame = pd.DataFrame(columns, index=frame.index)
    if n_decimal_comma:
        notes.append(
            f"Read ',' as the decimal mark (1,5 as 1.5) in {_plural(n_decimal_comma, 'column')}."
        )

    empty = frame.isna().all(axis=1)
    n_empty = int(empty.sum())
    if n_empty:
        frame = frame[~empty]
        notes.append(f"Skipped {_plural(n_empty, 'empty row')}.")
    return frame.reset_index(drop=True), notes


def _holds_text(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.StringDtype) or pd.api.types.is_object_dtype(series.dtype)


def _clean_text(series: pd.Series, decimal_comma: bool) -> tuple[pd.Series, bool]:
    """Strip text cells, mark missing ones, and read the column as numbers if it holds only
    numbers (pandas keeps a column as text when e.g. ' NA ' or '1,5' is in it)."""
    series = series.astype(object)
    series = series.map(lambda v: v.strip() if isinstance(v, str) else v)
    missing = series.map(lambda v: isinstance(v, str) and v in NA_TOKENS).astype(bool)
    series = series.mask(missing, np.nan)
    present = series.dropna()
    if present.empty or not all(isinstance(v, str) for v in present):
        return _as_text(series), False
    first = present.iloc[0]
    if _NUMBER_LIKE.fullmatch(first):
        numbers = pd.to_numeric(series, errors="coerce")
        if numbers.notna().sum() == len(present):
            return numbers, False
    if decimal_comma and _DECIMAL_COMMA.fullmatch(first):
        text = present.astype(str)
        if text.str.fullmatch(_DECIMAL_COMMA.pattern).all():
            numbers = pd.to_numeric(series.str.replace(",", ".", regex=False), errors="coerce")
            if numbers.notna().sum() == len(present):
                return numbers, True
    return _as_text(series), False


def _as_text(series: pd.Series) -> pd.Series:
    """Back to pandas' own dtype for the column (str when it holds only text)."""
    return pd.Series(series.tolist(), index=series.index, name=series.name)


# --------------------------------------------------------------------------------------------
# Defaults for the UI
# --------------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _is_numeric_column(series: pd.Series, *, allow_empty: bool = False) -> bool:
    """Whether every non-missing value is a number (booleans are not numbers here)."""
    dtype = series.dtype
    if dtype.kind in "iuf" and not pd.api.types.is_bool_dtype(dtype):
        return allow_empty or bool(series.notna().any())
    if pd.api.types.is_object_dtype(dtype):
        present = series.dropna()
        return (allow_empty or not present.empty) and all(_is_number(v) for v in present)
    return False


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """Columns whose values are all numbers (missing cells allowed, booleans not numbers).

    Columns with no values at all are left out. These are the features the dashboard
    pre-selects (after removing the chosen target, which is often a 0/1 number column too).

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    list of str
        In the frame's column order.
    """
    return [name for name in frame.columns if _is_numeric_column(frame[name])]


def target_candidates(frame: pd.DataFrame) -> list[str]:
    """Columns with exactly two distinct non-missing values: possible targets.

    Values are compared as `label_mapping` compares them (1 and 1.0 are one value).

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    list of str
        The last column first if it qualifies (the usual place of the label), then the others
        in the frame's order.
    """
    found = [name for name in frame.columns if _distinct_labels(frame[name], 2)[1] == 2]
    if found and found[-1] == frame.columns[-1]:
        found.insert(0, found.pop())
    return found


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


def _label_text(value: object) -> str:
    """A label value as text: 1, 1.0 and np.int64(1) are all "1"; True is "True"."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        try:
            return str(int(value))
        except ValueError:  # more digits than Python converts to decimal (4300)
            return hex(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _distinct_labels(series: pd.Series, limit: int) -> tuple[dict[str, object], int]:
    """The distinct non-missing values of a column, compared as text (see `_label_text`).

    Returns
    -------
    found : dict
        Text -> one value with that text, for the first ``limit`` texts in order of first
        appearance.
    count : int
        How many distinct texts there are in all.
    """
    uniques = pd.unique(series.dropna())
    if series.dtype.kind in "iufb" or isinstance(series.dtype, pd.StringDtype):
        # Distinct numbers (or strings) have distinct texts: no need to look at them all.
        found = {_label_text(v): v for v in uniques[:limit]}
        return found, len(uniques)
    found = {}
    for value in uniques:
        found.setdefault(_label_text(value), value)
    return dict(list(found.items())[:limit]), len(found)


@dataclass(frozen=True)
class LabelMapping:
    """Which original value of the target column is class 0 and which is class 1.

    Attributes
    ----------
    negative : str
        The original value, as text, mapped to 0.
    positive : str
        The original value, as text, mapped to 1.
    """

    negative: str
    positive: str

    def describe(self) -> str:
        """The mapping for people, e.g. ``'no' → 0, 'yes' → 1``."""
        return f"{_quote(self.negative)} → 0, {_quote(self.positive)} → 1"

    def encode(self, values: pd.Series) -> np.ndarray:
        """0/1 float labels for non-missing ``values`` (each must be one of the two classes)."""
        codes = {self.negative: 0.0, self.positive: 1.0}
        return np.fromiter((codes[_label_text(v)] for v in values), dtype=float,
                           count=len(values))


def label_mapping(values: pd.Series, swap: bool = False) -> LabelMapping:
    """Map the two classes of a target column to 0 and 1.

    0/1 (numbers or the text "0"/"1") and booleans or "true"/"false" in any case map naturally
    (0 and false to 0). Other pairs are sorted, numerically if both are numbers, else as text
    ignoring case, and the first maps to 0, so the default never depends on row order.

    Parameters
    ----------
    values : Series
        The target column; missing values are ignored.
    swap : bool, default False
        Exchange the two classes.

    Returns
    -------
    LabelMapping

    Raises
    ------
    UploadError
        "one_class" with fewer than two distinct values, "many_classes" with more than two.
    """
    found, count = _distinct_labels(values, 5)
    column = f"The target column {_quote(values.name)}" if values.name is not None else "The target"
    texts = list(found)
    if count < 2:
        if not texts:
            raise UploadError(
                "one_class",
                f"{column} has no values: choose a column with two classes as the target.",
                columns=[] if values.name is None else [str(values.name)],
            )
        raise UploadError(
            "one_class",
            f"{column} has only one class ({_quote(texts[0])}): logistic regression needs "
            "two classes, so choose another target column (or upload rows of both classes).",
            columns=[] if values.name is None else [str(values.name)], values=texts,
        )
    if count > 2:
        shown = _quote_all(texts) + (", ..." if count > len(texts) else "")
        raise UploadError(
            "many_classes",
            f"{column} has {count:,} distinct values ({shown}) but logistic regression "
            "needs exactly two classes: choose a column with two values, or merge the classes "
            "into two before uploading.",
            columns=[] if values.name is None else [str(values.name)], values=texts,
        )

    a, b = texts
    folded = {a.casefold(), b.casefold()}
    if folded == {"0", "1"}:
        negative, positive = (a, b) if a == "0" else (b, a)
    elif folded == {"false", "true"}:
        negative, positive = (a, b) if a.casefold() == "false" else (b, a)
    elif _is_number(found[a]) and _is_number(found[b]):
        negative, positive = (a, b) if found[a] < found[b] else (b, a)  # exact, even huge ints
    else:
        negative, positive = sorted(texts, key=lambda t: (t.casefold(), t))
    if swap:
        negative, positive = positive, negative
    return LabelMapping(negative=negative, positive=positive)


# --------------------------------------------------------------------------------------------
# Training data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedData:
    """Training data from an uploaded table.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
        float64, C-contiguous, finite, every value at most `MAX_ABS_FEATURE` in magnitude.
    y : ndarray of shape (n_samples,)
        float64 labels 0/1.
    feature_names : list of str
    mapping : LabelMapping
    dropped_rows : int
        Rows removed for missing values (0 unless ``drop_missing``).
    scale_ratio : float
        Largest over smallest standard deviation of the features, among the finite positive
        ones (1.0 when fewer than two features vary).
    suggest_standardize : bool
        ``scale_ratio > 100``: one learning rate cannot suit every feature.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    mapping: LabelMapping
    dropped_rows: int
    scale_ratio: float
    suggest_standardize: bool


def prepare(
    frame: pd.DataFrame,
    target: str,
    features: list[str],
    *,
    swap_labels: bool = False,
    drop_missing: bool = False,
) -> PreparedData:
    """Turn a table and the chosen target and features into checked training data.

    Parameters
    ----------
    frame : DataFrame
        Usually `ParsedTable.frame`.
    target : str
        The label column; must have exactly two classes (see `label_mapping`).
    features : list of str
        Numeric feature columns (duplicates in the list are ignored).
    swap_labels : bool, default False
        Exchange which class is 1.
    drop_missing : bool, default False
        Drop the rows with a missing target or feature value instead of refusing them.

    Returns
    -------
    PreparedData

    Raises
    ------
    UploadError
        In this order: "target_is_feature", "no_features", "too_many_features",
        "unknown_column", "duplicate_columns", "one_class" / "many_classes", "non_numeric",
        "missing_values", "non_finite", "too_big_values".

    Notes
    -----
    A constant feature is not an error here (training works without standardization); see
    `constant_features` and `fit_standardizer`.
    """
    features = list(dict.fromkeys(features))
    if target in features:
        raise UploadError(
            "target_is_feature",
            f"The target column {_quote(target)} is also ticked as a feature: untick it "
            "(a feature that is the label would make the task trivial).",
            columns=[target],
        )
    if not features:
        raise UploadError(
            "no_features",
            "No feature columns are ticked: tick at least one numeric column as a feature.",
        )
    if len(features) > MAX_FEATURES:
        raise UploadError(
            "too_many_features",
            f"{len(features):,} feature columns are ticked; the limit is {MAX_FEATURES}: "
            "untick some of them.",
        )
    unknown = [c for c in [target, *features] if c not in frame.columns]
    if unknown:
        raise UploadError(
            "unknown_column",
            f"The table has no {_columns(unknown)[0]}: choose the target and the "
            "features again from the uploaded table's columns.",
            columns=unknown,
        )
    repeated = [c for c in [target, *features] if int((frame.columns == c).sum()) > 1]
    if repeated:
        raise _duplicates_error(repeated, "table")

    labels = frame[target]
    mapping = label_mapping(labels, swap=swap_labels)

    non_numeric = [c for c in features if not _is_numeric_column(frame[c], allow_empty=True)]
    if non_numeric:
        raise UploadError(
            "non_numeric",
            f"The feature {_agree(non_numeric, 'does', 'do')} not hold only numbers: "
            f"untick {_them(non_numeric)} (features must be numeric).",
            columns=non_numeric,
        )

    X = np.empty((len(frame), len(features)))
    overflow: list[str] = []
    for j, name in enumerate(features):
        try:
            X[:, j] = frame[name].to_numpy(dtype=float, na_value=np.nan)
        except OverflowError:  # a Python int beyond float range
            overflow.append(name)
            X[:, j] = 0.0

    missing_target = labels.isna().to_numpy()
    missing = missing_target | np.isnan(X).any(axis=1)
    dropped_rows = 0
    if missing.any():
        with_gaps = [target] if missing_target.any() else []
        with_gaps += [features[j] for j in np.flatnonzero(np.isnan(X).any(axis=0))]
        n_missing = int(missing.sum())
        if not drop_missing:
            raise UploadError(
                "missing_values",
                f"{_plural(n_missing, 'row')} of {len(frame):,} have missing values (in "
                f"{_quote_all(with_gaps)}): fill them in, or choose to drop those rows.",
                columns=with_gaps, rows=n_missing,
            )
        if n_missing == len(frame):
            raise UploadError(
                "missing_values",
                f"Every row has a missing value (in {_quote_all(with_gaps)}), so dropping them "
                "would leave no data: untick the columns with gaps, or fill them in.",
                columns=with_gaps, rows=n_missing,
            )
        keep = ~missing
        X = X[keep]
        labels = labels[keep]
        dropped_rows = n_missing
        mapping = label_mapping(labels, swap=swap_labels)

    infinite = [features[j] for j in np.flatnonzero(np.isinf(X).any(axis=0))]
    if infinite:
        raise UploadError(
            "non_finite",
            f"The feature {_agree(infinite, 'holds', 'hold')} infinite values (inf, or numbers "
            f"beyond 1.8e308): replace them with finite numbers, or untick {_them(infinite)}.",
            columns=infinite,
        )
    too_big = [
        name for j, name in enumerate(features)
        if name in overflow or np.abs(X[:, j]).max(initial=0.0) > MAX_ABS_FEATURE
    ]
    if too_big:
        raise UploadError(
            "too_big_values",
            f"The feature {_agree(too_big, 'holds', 'hold')} values beyond "
            f"{MAX_ABS_FEATURE:.0e} in magnitude, too large to square in double precision: "
            f"rescale them before uploading (e.g. change the unit), or untick {_them(too_big)}.",
            columns=too_big,
        )

    X, y = check_data(X, mapping.encode(labels))
    with np.errstate(all="ignore"):  # huge spreads overflow to inf, which is the answer
        stds = X.std(axis=0)
        usable = stds[np.isfinite(stds) & (stds > 0)]
        scale_ratio = float(usable.max() / usable.min()) if usable.size >= 2 else 1.0
    return PreparedData(
        X=X, y=y, feature_names=list(map(str, features)), mapping=mapping,
        dropped_rows=dropped_rows, scale_ratio=scale_ratio,
        suggest_standardize=scale_ratio > 100,
    )


# --------------------------------------------------------------------------------------------
# Constant features and standardization
# --------------------------------------------------------------------------------------------


def fit_standardizer(X, feature_names: Sequence[str]) -> Standardizer:
    """`Standardizer.fit`, with an upload-style error naming the constant columns.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    feature_names : sequence of str

    Returns
    -------
    Standardizer

    Raises
    ------
    UploadError
        "constant_feature", with ``columns`` naming them.
    """
    constant = constant_features(X, feature_names)
    if constant:
        raise UploadError(
            "constant_feature",
            f"The feature {_agree(constant, 'has', 'have')} the same value in every row, so "
            f"standardizing would divide by zero: untick {_them(constant)} (a constant column "
            "separates the classes no better than the bias), or turn standardization off.",
            columns=constant,
        )
    return Standardizer.fit(X, list(feature_names))
