"""What a file uploaded as CSV is when it is not text: the formats people mistake for CSV
(spreadsheets, Word documents, ZIP archives, pickles, UTF-16 text), told from their first
bytes, each with what to do instead; and which encoding its text is in (`decode`). Nothing
is opened, unpacked or unpickled."""

from __future__ import annotations

import codecs
import re

TO_CSV = "save the data as CSV (one row per sample, values separated by commas) and upload that"
#: The encodings `decode` may name, as a note says them (UTF-8 goes without saying).
ENCODING_NAMES = {"latin-1": "latin-1", "cp1252": "Windows-1252"}
TO_CSV_EXCEL = "open it in Excel, choose File > Save As > CSV UTF-8, and upload the .csv file"


def not_text(data: bytes) -> str | None:
    """What a file people mistake for CSV is (a spreadsheet, a pickle, UTF-16 text, any binary
    file), and what to do instead, in one sentence; None for text."""
    zipped = data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"))
    head = data[:4096]  # ASCII text in UTF-16 has a NUL in every other byte
    utf16 = len(head) >= 4 and max(head[::2].count(0), head[1::2].count(0)) >= 0.45 * len(head)
    for found, what, advice in (  # a ZIP file lists the names of its members in plain bytes
        (zipped and b"xl/" in data, "an Excel workbook (.xlsx)", TO_CSV_EXCEL),
        (zipped and b"opendocument.spreadsheet" in data, "an OpenDocument spreadsheet (.ods)",
         "open it, save it as CSV (Text CSV), and upload the .csv file"),
        (zipped and b"word/" in data, "a Word document (.docx)", TO_CSV),
        (zipped, "a ZIP archive", "unpack it and upload the CSV file inside"),
        (data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
         "an old-style Excel workbook (.xls) or other Office file", TO_CSV_EXCEL),
        (data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"),  # protocol
         "a Python pickle", "pickles are never opened here because loading one can run code, "
         "so save the data with DataFrame.to_csv and upload that"),
        (utf16 or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)),
         "UTF-16 text (Excel's 'Unicode Text' format)", "save it as CSV UTF-8 and upload that"),
    ):
        if found:
            return f"This looks like {what}, not a CSV file: {advice}."
    if b"\x00" in data:  # images, PDFs, archives, databases ...: binary formats hold NULs
        return f"This file is not text (it contains NUL bytes), so it is not a CSV file: {TO_CSV}."
    return None


def decode(body: bytes, utf8: str) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (``utf8``, with or without its byte-order mark), else
    Windows-1252 where the file has bytes 0x80-0x9F that it defines (Excel's default in
    Western Europe writes the euro sign and curly quotes there: read as latin-1 they are
    invisible control characters), else latin-1, which reads every byte sequence."""
    try:
        return body.decode("utf-8"), utf8
    except UnicodeDecodeError:
        pass
    if re.search(rb"[\x80-\x9f]", body):
        try:
            return body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined there
            pass
    return body.decode("latin-1"), "latin-1"
