"""Cell rules shared by the council's own CSV templates (therapies, outcomes, pilot schools and requests, EP
recruitment).

:func:`read_template` reads a template (UTF-8 text, the exact column list, at least one row); the parsers turn
one cell into a value. Each raises one :class:`~helpers.errors.InputError` naming the file, the CSV line, the column,
what was expected and what was found, the same standard as :mod:`helpers.sources.workforce`. Dates may be written
``YYYY-MM-DD`` or ``DD/MM/YYYY`` (as Excel writes them), months ``YYYY-MM``, ``MM/YYYY`` or as any date in them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources.textfile import read_csv_text

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
_UK_MONTH = re.compile(r"(\d{1,2})/(\d{4})")


def read_template(path: Path | str, kind: str, columns: Sequence[str],
                  rows_are: str) -> tuple[pd.DataFrame, pd.Series]:
    """The template as all-string columns and each row's file line (:func:`check_header` applied)."""
    file = Path(path)
    raw, lines = read_csv_text(file, kind)
    check_header(raw, columns, file, rows_are)
    return raw, lines


def check_header(frame: pd.DataFrame, columns: Sequence[str], file: Path, rows_are: str) -> None:
    """No unknown column (with a "did you mean" hint; reported first, as a misspelt column explains a missing
    one), every template column present, and at least one row."""
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(columns), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(file, f"unknown column{hint}", where="line 1", field=unknown[0],
                         expected="the columns in data/templates/README.md")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(file, "required columns are missing", where="line 1", field=missing[0],
                         expected="columns " + ", ".join(missing))
    if frame.empty:
        raise InputError(file, "the template has no rows", where="line 2", expected=rows_are)


def required(text: str, file: Path, where: str, column: str) -> str:
    """The cell's text; InputError when it is blank."""
    if text == "":
        raise InputError(file, "a required value is blank", where=where, field=column,
                         expected="a value in every row")
    return text


def date(text: str, file: Path, where: str, column: str) -> pd.Timestamp:
    """A real date on or before today, ``YYYY-MM-DD`` or ``DD/MM/YYYY``."""
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
    """The first day of a month written ``YYYY-MM``, ``MM/YYYY`` or as any date in it; not after this month."""
    cell = required(text, file, where, column)
    iso, uk = _ISO_MONTH.fullmatch(cell), _UK_MONTH.fullmatch(cell)
    parts = (int(iso[1]), int(iso[2])) if iso else (int(uk[2]), int(uk[1])) if uk else None
    if parts is None:
        try:
            return date(cell, file, where, column).to_period("M").to_timestamp()
        except InputError as exc:
            if exc.problem != "not a real date":
                raise
            raise InputError(file, "not a real month", where=where, field=column,
                             expected="a month written YYYY-MM, e.g. 2024-04", found=text) from None
    if not 1 <= parts[1] <= 12:
        raise InputError(file, "not a real month", where=where, field=column,
                         expected="a month written YYYY-MM, e.g. 2024-04", found=text)
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
        raise InputError(file, "not a number", where=where, field=column, expected="a number",
                         found=text) from None
    if not math.isfinite(value):
        raise InputError(file, "not a number", where=where, field=column, expected="a finite number", found=text)
    if value < 0:
        raise InputError(file, "a negative value", where=where, field=column, expected="0 or more", found=text)
    if whole and not value.is_integer():
        raise InputError(file, "a count that is not a whole number", where=where, field=column,
                         expected="a whole number", found=text)
    return value


def choice(text: str, file: Path, where: str, column: str, allowed: Mapping[str, str]) -> str:
    """The canonical value of a coded cell: ``allowed`` maps each accepted spelling (lower case) to it."""
    found = allowed.get(" ".join(text.lower().split()))
    if found is None:
        shown = sorted(set(allowed.values()))
        raise InputError(file, "not one of the allowed values", where=where, field=column,
                         expected="one of " + ", ".join(shown), found=text)
    return found


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
