"""Open a user's data file safely: spot Excel workbooks saved by mistake, decompress gzip, insist on UTF-8.

Shared by the SEN2 flat-CSV reader and the EP workforce reader so that both give the same clear message for the
same mistake. Encoding decision: CSV files must be UTF-8 (a byte-order mark, as Excel's "CSV UTF-8" writes, is
accepted). A file saved with Excel's plain "CSV (Comma delimited)" option is Windows-1252; it is *rejected* with a
message saying how to re-save it, rather than guessed at, because a wrong guess silently changes characters and
the same bytes can decode under several encodings.
"""

from __future__ import annotations

import csv
import gzip
import io
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from helpers.errors import InputError

_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx / .ods / .zip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_GZIP_MAGIC = b"\x1f\x8b"
MAX_INPUT_BYTES = 2 * 1024 * 1024 * 1024
"""Largest data file accepted (a whole county's SEN2 XML is well under 1 GB); also the cap on gunzipped bytes."""


def open_binary(path: Path, kind: str) -> BinaryIO:
    """The file opened for reading bytes, gunzipped on the fly when gzip-compressed.

    InputError for a missing file or an Excel workbook saved by mistake. ``kind`` names the expected format in
    messages (e.g. ``"a SEN2 XML or CSV file"``).
    """
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError(path, "this is a folder, not a file", expected=kind)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, "not a regular file (a device, pipe or socket)", expected=kind)
        if st.st_size > MAX_INPUT_BYTES:
            raise InputError(path, f"the file is too large ({st.st_size:,} bytes)",
                             expected=f"{kind} of at most {MAX_INPUT_BYTES:,} bytes")
        with path.open("rb") as probe:
            magic = probe.read(4)
    except FileNotFoundError:
        raise InputError(path, "file not found", expected=kind) from None
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror})", expected=kind) from None
    if magic.startswith(_ZIP_MAGIC) or magic.startswith(_OLE_MAGIC):
        raise InputError(path, "this is an Excel workbook (or other zip file), not a text file; in Excel use "
                         "File > Save As > 'CSV UTF-8 (Comma delimited)'", expected=kind)
    if magic.startswith(_GZIP_MAGIC):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


DAMAGED = (EOFError, OSError, zlib.error)
"""What reading a damaged or truncated .gz file raises."""


def read_bytes(path: Path, kind: str) -> bytes:
    """The whole file's bytes (gunzipped when compressed); InputError when damaged, empty or a workbook."""
    with open_binary(path, kind) as fh:
        try:
            raw = fh.read(MAX_INPUT_BYTES + 1)
            if len(raw) > MAX_INPUT_BYTES:
                raise InputError(path, "the file unpacks to more than a data file can hold (a .gz bomb?)",
                                 expected=f"{kind} of at most {MAX_INPUT_BYTES:,} bytes")
        except DAMAGED:
            raise InputError(path, "the compressed (.gz) file is damaged or truncated", expected=kind) from None
    if not raw.strip():
        raise InputError(path, "the file is empty", expected=kind)
    return raw


def decode_utf8(raw: bytes, path: Path) -> str:
    """UTF-8 text with any byte-order mark removed; InputError naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, "the file is not UTF-8 text (Excel's plain 'CSV' option saves Windows-1252); "
                         "re-save it with File > Save As > 'CSV UTF-8 (Comma delimited)'",
                         where=f"line {line}", expected="UTF-8 text",
                         found=f"byte 0x{raw[exc.start]:02x}") from None


def read_csv_text(path: Path, kind: str) -> tuple[pd.DataFrame, pd.Series]:
    """A CSV as all-string columns (blank cells as ``""``) and the file line number of each row.

    Column names are stripped of surrounding spaces. Returns ``(frame, line_numbers)``; line numbers count the
    header as line 1, so the first data row is line 2, matching what a spreadsheet shows.
    """
    text = decode_utf8(read_bytes(path, kind), path)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    body: list[list[str]] = []
    lines: list[int] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [h.strip() for h in record]
                continue
            if len(record) != len(header):
                raise InputError(path, "this row has a different number of cells from the header",
                                 where=f"line {reader.line_num}", expected=f"{len(header)} cells",
                                 found=f"{len(record)} cells")
            body.append([cell.strip() for cell in record])
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV file ({exc})", where=f"line {reader.line_num}",
                         expected=kind) from None
    if header is None:
        raise InputError(path, "the file is empty", expected=kind)
    # Excel can leave unnamed, empty columns at the right of a sheet that was once wider: ignore them
    keep = [i for i, h in enumerate(header) if h or any(row[i] for row in body)]
    if len(keep) < len(header):
        header = [header[i] for i in keep]
        body = [[row[i] for i in keep] for row in body]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError(path, "a column name appears more than once", where="line 1",
                         field=duplicated[0], expected="each column once")
    frame = pd.DataFrame(body, columns=header, dtype=object)
    return frame, pd.Series(lines, index=frame.index, dtype="int64")
