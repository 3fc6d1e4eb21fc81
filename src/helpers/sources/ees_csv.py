"""Read one DfE release CSV as text columns (pyarrow's fast reader), locating any unreadable line.

Every column is read as text so ``x``/``z`` survive and a bad cell can be named by line and column; the checks
on the values are in :mod:`helpers.sources.ees_checks`.
"""

from __future__ import annotations

import csv
import io
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from helpers.errors import InputError


def read_csv(data: bytes, file: str) -> tuple[pa.Table, list[str]]:
    """Every column as text (so ``x``/``z`` survive and bad cells can be located), via pyarrow's fast reader.

    Returns the table and the header's names as written. Duplicated header names (``review_meeting_prior_24``
    appears twice) are kept apart inside the table by numbering the repeats, so use column positions; a UTF-8
    byte-order mark is skipped.
    """
    if not data.strip():
        raise InputError(file, "the file is empty", expected="a CSV file with a header row and data rows")
    if data[:4] == b"PK\x03\x04":  # a zip signature: an Excel workbook saved with a .csv name
        raise InputError(file, "this is an Excel workbook, not a CSV file", where="line 1",
                         expected="the CSV file exactly as downloaded from explore-education-statistics")
    first = re.split(rb"[\r\n]", data, maxsplit=1)[0]  # pyarrow ends a row at CR, LF or CRLF
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), [])
    except UnicodeDecodeError as exc:
        raise InputError(file, "the file is not UTF-8 text", where="line 1", expected="UTF-8 text",
                         found=f"byte 0x{first[exc.start]:02x}") from None
    except csv.Error as exc:
        raise InputError(file, f"the header row is not readable CSV ({exc})", where="line 1") from None
    if not any(h.strip() for h in header):
        raise InputError(file, "the header row is empty", where="line 1", expected="the EES column names")
    header = [h.strip() for h in header]
    names = [f"{h} ({i})" if h in header[:i] else h for i, h in enumerate(header)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise locate_csv_problem(data, file, len(names), str(exc)) from None
    return table, header


def locate_csv_problem(data: bytes, file: str, n_columns: int, message: str) -> InputError:
    """Find the line pyarrow stumbled on (it does not report one), by re-reading the text slowly."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return InputError(file, "the file is not UTF-8 text", where=f"line {line}", expected="UTF-8 text",
                          found=f"byte 0x{data[exc.start]:02x}")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            if reader.line_num > 1 and record and len(record) != n_columns:
                return InputError(file, "this row has a different number of cells from the header",
                                  where=f"line {reader.line_num}", expected=f"{n_columns} cells",
                                  found=f"{len(record)} cells")
    except csv.Error as exc:
        return InputError(file, f"not a readable CSV file ({exc})", where=f"line {reader.line_num}")
    return InputError(file, f"not a readable CSV file ({message.splitlines()[0]})")


def columns_by_lower_name(names: list[str]) -> dict[str, int]:
    """Column index by lower-case name (first occurrence), so ``PC_x`` and ``pc_x`` both match ``pc_x``."""
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        out.setdefault(name.lower(), i)
    return out


def latest_year(table: pa.Table | None, lower: list[str]) -> int:
    """The latest calendar year (or census year, for ``202526``-style codes: 2026) in ``time_period``."""
    if table is None or "time_period" not in lower or table.num_rows == 0:
        return 0
    years = [int(m[:4]) + (1 if len(m) == 6 else 0)
             for m in pc.unique(pc.utf8_trim_whitespace(table.column(lower.index("time_period")))).to_pylist()
             if isinstance(m, str) and m.isdigit() and len(m) in (4, 6)]
    return max(years, default=0)


def csv_header(data: bytes, file: str) -> list[str]:
    """The header of a spreadsheet-style supporting file (listed, not read): it must at least be UTF-8 text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(file, "the file is not UTF-8 text", where=f"line {line}", expected="UTF-8 text",
                         found=f"byte 0x{data[exc.start]:02x}") from None
    return next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])

