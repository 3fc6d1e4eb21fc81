"""Read the EP (educational psychologist) workforce template: one row per month or quarter of staffing and demand.

The template is the project's own (``../shared/DATA.md`` §3); its columns are documented in
``data/templates/README.md`` and an empty copy is ``data/templates/ep_workforce_template.csv``. The reader checks
what a careless spreadsheet edit can break and stops with one clear message naming the file, the CSV line and
the column: a missing or unknown column, a date that is not a date, a number that is not a number, a negative
value, counts that are not whole numbers, EPs in post above the funded establishment plus locums, more advice
completed than requested (in total up to each period: a period may complete more than it received while a
backlog is cleared), more completed within 6 weeks than completed, and periods out of order or repeated.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from helpers import schemas
from helpers.errors import InputError
from helpers.sources import template_cells

KIND = "the EP workforce template (see data/templates/README.md)"
COLUMNS: tuple[str, ...] = (
    "period_end", "establishment_fte", "eps_in_post_fte", "locum_fte", "vacancies_fte", "joiners_fte",
    "leavers_fte", "trainees", "advice_requests_received", "advice_completed", "advice_completed_within_6_weeks",
    "locum_spend_gbp")
"""Template columns, in order; all must be present (cells may be blank except those in :data:`REQUIRED_VALUES`)."""
REQUIRED_VALUES: tuple[str, ...] = ("period_end", "establishment_fte", "eps_in_post_fte")
COUNTS: tuple[str, ...] = ("trainees", "advice_requests_received", "advice_completed",
                           "advice_completed_within_6_weeks")
"""Columns holding head counts, which must be whole numbers."""

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str, file: Path, where: str) -> pd.Timestamp:
    match = _UK_DATE.fullmatch(text)
    iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
    try:
        if not _ISO_DATE.fullmatch(iso):
            raise ValueError
        day = dt.date.fromisoformat(iso)
    except ValueError:
        raise InputError(file, "not a real date", where=where, field="period_end",
                         expected="the last day of the period, YYYY-MM-DD or DD/MM/YYYY", found=text) from None
    if day > dt.date.today():
        raise InputError(file, "a period in the future", where=where, field="period_end",
                         expected=f"a period ending on or before today ({dt.date.today():%Y-%m-%d})", found=text)
    return pd.Timestamp(day)


def _number(text: str, file: Path, where: str, column: str) -> float:
    """A cell as a non-negative number (thousands commas and a leading £ allowed); whole for counts."""
    cleaned = text.replace(",", "").removeprefix("£").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(file, "not a number", where=where, field=column, expected="a number (or a blank cell)",
                         found=text) from None
    if value < 0:
        raise InputError(file, "a negative value", where=where, field=column, expected="0 or more", found=text)
    if column in COUNTS and not value.is_integer():
        raise InputError(file, "a count that is not a whole number", where=where, field=column,
                         expected="a whole number", found=text)
    return value


def _check_row(row: pd.Series, file: Path, where: str) -> None:
    """Cross-column rules for one period."""
    locum = 0.0 if pd.isna(row["locum_fte"]) else row["locum_fte"]
    limit = row["establishment_fte"] + locum
    if row["eps_in_post_fte"] > limit + 1e-9:
        raise InputError(file, "more EPs in post than the establishment plus locums", where=where,
                         field="eps_in_post_fte", expected=f"at most establishment_fte + locum_fte = {limit:g}",
                         found=f"{row['eps_in_post_fte']:g}")
    part, whole = row["advice_completed_within_6_weeks"], row["advice_completed"]
    if pd.notna(part) and pd.notna(whole) and part > whole:
        raise InputError(file, "more advice completed within 6 weeks than completed", where=where,
                         field="advice_completed_within_6_weeks", expected=f"at most advice_completed = {whole:g}",
                         found=f"{part:g}")


def _check_totals(frame: pd.DataFrame, file: Path, lines: pd.Series) -> None:
    """Advice completed in total up to each period ≤ advice requested in total up to it.

    Per period, completions may exceed new requests while a backlog is cleared; in total they cannot, unless
    requests were already waiting before the first period in the file (start the file before the backlog).
    Blank cells count as 0.
    """
    done = frame["advice_completed"].fillna(0).cumsum()
    asked = frame["advice_requests_received"].fillna(0).cumsum()
    over = done > asked
    if over.any():
        first = int(over.to_numpy().argmax())
        raise InputError(file, "more advice completed than requested, in total since the first period",
                         where=f"line {lines.iloc[first]}", field="advice_completed",
                         expected=f"a total up to this period of at most {asked.iloc[first]:g} "
                                  "(the advice_requests_received so far)", found=f"a total of {done.iloc[first]:g}")


def read(path: Path | str) -> pd.DataFrame:
    """Read and validate an EP workforce CSV (UTF-8, with or without a byte-order mark).

    Returns
    -------
    DataFrame
        One row per period, columns :data:`COLUMNS`: ``period_end`` as Timestamp, the rest float (NaN = blank),
        in ascending period order.

    Raises
    ------
    InputError
        Naming the file, line and column of the first problem (see the module docstring).
    """
    file = Path(path)
    raw, lines = template_cells.read_template(file, KIND, COLUMNS, "one row per month or quarter")
    records = []
    for index, row in raw.iterrows():
        where = f"line {lines[index]}"
        for column in REQUIRED_VALUES:
            if row[column] == "":
                raise InputError(file, "a required value is blank", where=where, field=column,
                                 expected="a value in every row")
        record: dict[str, object] = {"period_end": _date(row["period_end"], file, where)}
        for column in COLUMNS[1:]:
            record[column] = float("nan") if row[column] == "" else _number(row[column], file, where, column)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype({"period_end": "datetime64[us]"})
    frame = schemas.validate(frame, schemas.WORKFORCE, file, row_labels=lines)  # the contract; cells checked above
    for index, row in frame.iterrows():
        _check_row(row, file, f"line {lines[index]}")
    order = frame["period_end"]
    repeated = order.duplicated()
    if repeated.any():
        first = int(repeated.to_numpy().argmax())
        raise InputError(file, "the same period appears twice", where=f"line {lines.iloc[first]}",
                         field="period_end", expected="one row per period", found=order.iloc[first].date())
    backwards = order.diff() < pd.Timedelta(0)
    if backwards.any():
        first = int(backwards.to_numpy().argmax())
        raise InputError(file, "periods are not in date order", where=f"line {lines.iloc[first]}",
                         field="period_end", expected=f"a date after {order.iloc[first - 1].date()}",
                         found=order.iloc[first].date())
    _check_totals(frame, file, lines)
    return frame.reset_index(drop=True)
