"""Cell rules shared by the council's own CSV templates (therapies commissioning, outcomes tracking).

Each function checks one cell or the header and raises one :class:`~helpers.errors.InputError` naming the file,
the CSV line, the column, what was expected and what was found, the same standard as
:mod:`helpers.sources.workforce`. Dates may be written ``YYYY-MM-DD`` or ``DD/MM/YYYY`` (as Excel writes them).
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

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")


def check_header(frame: pd.DataFrame, columns: Sequence[str], file: Path, rows_are: str) -> None:
    """Every template column present, none unknown (with a "did you mean" hint), and at least one row."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(file, "required columns are missing", where="line 1", field=missing[0],
                         expected="columns " + ", ".join(missing))
    unknown = [c for c in frame.columns if c not in columns]
    if unknown:
        close = difflib.get_close_matches(unknown[0], columns, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(file, f"unknown column{hint}", where="line 1", field=unknown[0],
                         expected="the columns in data/templates/README.md")
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
    match = _UK_DATE.fullmatch(text)
    iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
    try:
        if not _ISO_DATE.fullmatch(iso):
            raise ValueError
        day = dt.date.fromisoformat(iso)
    except ValueError:
        raise InputError(file, "not a real date", where=where, field=column,
                         expected="a date written YYYY-MM-DD or DD/MM/YYYY", found=text) from None
    if day > dt.date.today():
        raise InputError(file, "a date in the future", where=where, field=column,
                         expected=f"a date on or before today ({dt.date.today():%Y-%m-%d})", found=text)
    return pd.Timestamp(day)


def month(text: str, file: Path, where: str, column: str) -> pd.Timestamp:
    """The first day of a month written ``YYYY-MM`` (or any date in it); not after the current month."""
    match = _ISO_MONTH.fullmatch(text)
    if match:
        try:
            first = dt.date(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise InputError(file, "not a real month", where=where, field=column,
                             expected="a month written YYYY-MM, e.g. 2024-04", found=text) from None
        if first > dt.date.today():
            raise InputError(file, "a month in the future", where=where, field=column,
                             expected=f"a month up to {dt.date.today():%Y-%m}", found=text)
        return pd.Timestamp(first)
    try:
        day = date(text, file, where, column)
    except InputError as exc:
        if exc.problem != "not a real date":
            raise
        raise InputError(file, "not a real month", where=where, field=column,
                         expected="a month written YYYY-MM, e.g. 2024-04", found=text) from None
    return pd.Timestamp(day.year, day.month, 1)


def number(text: str, file: Path, where: str, column: str, *, whole: bool = False) -> float:
    """A non-negative number (thousands commas and a leading £ allowed); a whole number when ``whole``."""
    cleaned = text.replace(",", "").removeprefix("£").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(file, "not a number", where=where, field=column, expected="a number (or a blank cell)",
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
