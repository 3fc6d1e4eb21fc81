"""Cells of the council's own CSV templates (pilot schools, requests by school, EP recruitment): shared checks.

Each reader of :mod:`helpers.sources.pilot` and :mod:`helpers.sources.recruitment` reads its file with
:func:`read_template` (UTF-8 text, the exact column list, at least one row) and turns cells into values with the
parsers below, each raising one :class:`~helpers.errors.InputError` naming the file, the CSV line and the column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.textfile import read_csv_text

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_UK_MONTH = re.compile(r"(\d{1,2})/(\d{4})")


def read_template(path: Path | str, kind: str, columns: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """The template as all-string columns and each row's file line; InputError for an unknown column (with the
    closest known name; reported first, as it usually explains a missing one), a missing column or no rows."""
    file = Path(path)
    raw, lines = read_csv_text(file, kind)
    unknown = [c for c in raw.columns if c not in columns]
    if unknown:  # first: a misspelt column explains a "missing" one
        close = difflib.get_close_matches(unknown[0], columns, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(file, f"unknown column{hint}", where="line 1", field=unknown[0],
                         expected="the columns in data/templates/README.md")
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise InputError(file, "required columns are missing", where="line 1", field=missing[0],
                         expected="columns " + ", ".join(missing))
    if raw.empty:
        raise InputError(file, "the template has no rows", where="line 2", expected="one row per " + kind)
    return raw, lines


def required(text: str, file: Path, where: str, column: str) -> str:
    """The cell's text; InputError when it is blank."""
    if text == "":
        raise InputError(file, "a required value is blank", where=where, field=column, expected="a value in every row")
    return text


def date(text: str, file: Path, where: str, column: str) -> pd.Timestamp:
    """A date written YYYY-MM-DD or DD/MM/YYYY, not in the future."""
    match = _UK_DATE.fullmatch(required(text, file, where, column))
    iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
    try:
        if not _ISO_DATE.fullmatch(iso):
            raise ValueError
        day = dt.date.fromisoformat(iso)
    except ValueError:
        raise InputError(file, "not a real date", where=where, field=column,
                         expected="a date written YYYY-MM-DD or DD/MM/YYYY", found=text) from None
    return _not_future(pd.Timestamp(day), text, file, where, column)


def month(text: str, file: Path, where: str, column: str) -> pd.Timestamp:
    """A month written YYYY-MM, MM/YYYY or as any date in it; returned as the first day of the month."""
    cell = required(text, file, where, column)
    iso, uk = _ISO_MONTH.fullmatch(cell), _UK_MONTH.fullmatch(cell)
    parts = (int(iso[1]), int(iso[2])) if iso else (int(uk[2]), int(uk[1])) if uk else None
    if parts is None:
        return date(cell, file, where, column).to_period("M").to_timestamp()
    if not 1 <= parts[1] <= 12:
        raise InputError(file, "not a real month", where=where, field=column,
                         expected="a month written YYYY-MM (for example 2024-09)", found=text)
    return _not_future(pd.Timestamp(parts[0], parts[1], 1), text, file, where, column)


def _not_future(day: pd.Timestamp, text: str, file: Path, where: str, column: str) -> pd.Timestamp:
    if day.date() > dt.date.today():
        raise InputError(file, "a date in the future", where=where, field=column,
                         expected=f"a date on or before today ({dt.date.today():%Y-%m-%d})", found=text)
    return day


def number(text: str, file: Path, where: str, column: str, *, whole: bool = False) -> float:
    """A non-negative number (thousands commas and a leading £ allowed); a whole number when ``whole``."""
    cleaned = required(text, file, where, column).replace(",", "").removeprefix("£").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(file, "not a number", where=where, field=column, expected="a number", found=text) from None
    if not math.isfinite(value):
        raise InputError(file, "not a number", where=where, field=column, expected="a number", found=text)
    if value < 0:
        raise InputError(file, "a negative value", where=where, field=column, expected="0 or more", found=text)
    if whole and not value.is_integer():
        raise InputError(file, "a count that is not a whole number", where=where, field=column,
                         expected="a whole number", found=text)
    return value


def urn(text: str, file: Path, where: str, column: str = "urn") -> int:
    """A school's unique reference number (URN): six digits, as in Get Information about Schools."""
    cell = required(text, file, where, column)
    if not (cell.isdigit() and len(cell) == 6):
        raise InputError(file, "not a school URN", where=where, field=column,
                         expected="the school's 6-digit unique reference number (URN) from Get Information about "
                                  "Schools", found=text)
    return int(cell)


def first_repeat(keys: pd.Series) -> int | None:
    """Position of the first value that repeats an earlier one, or None."""
    repeated = keys.duplicated()
    return int(repeated.to_numpy().argmax()) if repeated.any() else None
