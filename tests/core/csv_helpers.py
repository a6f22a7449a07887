"""Helpers shared by the CSV reader's tests (a plain module: never imported from a conftest)."""

from pathlib import Path

import pandas as pd
import pytest

from logreg_core.csv_reader import ParsedTable, PreparedData, UploadError, prepare, read_csv_bytes

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad_csv"
NOT_A_TABLE = (
    "This file is not a CSV table (a header row of column names, then one row of values per "
    "sample): save the data as CSV (one row per sample, values separated by commas) and upload "
    "that."
)


def read(name: str, **kwargs) -> ParsedTable:
    return read_csv_bytes((CORPUS / name).read_bytes(), **kwargs)


def read_error(data: bytes, **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        read_csv_bytes(data, **kwargs)
    assert_plain_sentences(str(info.value))
    return info.value


def prepare_error(frame: pd.DataFrame, target: str, features: list[str], **kwargs) -> UploadError:
    with pytest.raises(UploadError) as info:
        prepare(frame, target, features, **kwargs)
    assert_plain_sentences(str(info.value))
    return info.value


def prepare_file(name: str, **kwargs) -> PreparedData:
    """`prepare` with the last column as the target and the others as features."""
    frame = read(name).frame
    return prepare(frame, frame.columns[-1], list(frame.columns[:-1]), **kwargs)


def assert_plain_sentences(message: str) -> None:
    """What is wrong, a colon, what to do; one line, ending with a full stop."""
    assert (message[0].isupper() or message[0].isdigit()) and message.endswith("."), message
    assert ": " in message and "\n" not in message, message


def table(header: str, *rows: str) -> bytes:
    return "\n".join([header, *rows, ""]).encode()
