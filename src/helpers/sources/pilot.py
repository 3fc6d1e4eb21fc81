"""Read the early-support pilot templates: the pilot schools (URN, start date) and requests by school and month.

Columns and rules are in ``data/templates/README.md`` (empty copies: ``pilot_schools_template.csv`` and
``pilot_requests_template.csv``). The requests file carries each school's pupils on roll, because a school's
requests only mean something against its size: the page compares requests per 1,000 pupils. Every problem stops
with one :class:`~helpers.errors.InputError` naming the file, the CSV line and the column. :func:`read` also
checks the two files against each other: every pilot school has rows of requests, there are schools outside the
pilot to compare with, and the months cover a stretch before and after the pilot started.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources import template_cells as cells

SCHOOLS_KIND = "the pilot schools template (see data/templates/README.md)"
REQUESTS_KIND = "the requests by school template (see data/templates/README.md)"
SCHOOL_COLUMNS: tuple[str, ...] = ("urn", "start_date")
REQUEST_COLUMNS: tuple[str, ...] = ("urn", "month", "requests", "pupils")
#: Months of requests needed before the first pilot start (to see the trend before) and from it (to see a change).
MONTHS_BEFORE = 6
MONTHS_AFTER = 3
#: Schools needed in each group: the confidence interval treats schools as the units that vary.
MIN_SCHOOLS = 2


def read_schools(path: Path | str) -> pd.DataFrame:
    """The pilot schools: columns ``urn`` (int) and ``start_date`` (Timestamp), one row per school, file order."""
    return _schools(Path(path))[0]


def _schools(file: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The pilot schools and the file line of each."""
    raw, lines = cells.read_template(file, SCHOOLS_KIND, SCHOOL_COLUMNS, "one row per " + SCHOOLS_KIND)
    records = [{"urn": cells.urn(row["urn"], file, f"line {lines[i]}"),
                "start_date": cells.date(row["start_date"], file, f"line {lines[i]}", "start_date")}
               for i, row in raw.iterrows()]
    frame = pd.DataFrame.from_records(records, columns=list(SCHOOL_COLUMNS))
    repeat = cells.first_repeat(frame["urn"])
    if repeat is not None:
        raise InputError(file, "the same school appears twice", where=f"line {lines.iloc[repeat]}", field="urn",
                         expected="each pilot school once", found=frame["urn"].iloc[repeat])
    return frame.astype({"urn": "int64", "start_date": "datetime64[us]"}), lines.reset_index(drop=True)


def _request_row(row: pd.Series, file: Path, where: str) -> dict[str, object]:
    school, when = cells.urn(row["urn"], file, where), cells.month(row["month"], file, where, "month")
    requests = cells.number(row["requests"], file, where, "requests", whole=True)
    pupils = cells.number(row["pupils"], file, where, "pupils", whole=True)
    if pupils == 0:
        raise InputError(file, "a school with no pupils", where=where, field="pupils",
                         expected="the number of pupils on roll that month (1 or more)", found=row["pupils"])
    if requests > pupils:
        raise InputError(file, "more requests than pupils", where=where, field="requests",
                         expected=f"at most pupils = {row['pupils']}", found=row["requests"])
    return {"urn": school, "month": when, "requests": requests, "pupils": pupils}


def read_requests(path: Path | str) -> pd.DataFrame:
    """Requests by school and month: ``urn`` (int), ``month`` (first day, Timestamp), ``requests`` and ``pupils``
    (int), one row per school and month, sorted by school then month."""
    file = Path(path)
    raw, lines = cells.read_template(file, REQUESTS_KIND, REQUEST_COLUMNS, "one row per " + REQUESTS_KIND)
    records = [_request_row(row, file, f"line {lines[i]}") for i, row in raw.iterrows()]
    frame = pd.DataFrame.from_records(records, columns=list(REQUEST_COLUMNS))
    repeat = cells.first_repeat(frame["urn"].astype(str) + " " + frame["month"].astype(str))
    if repeat is not None:
        raise InputError(file, "the same school and month appear twice", where=f"line {lines.iloc[repeat]}",
                         field="month", expected="one row per school and month",
                         found=f"{frame['urn'].iloc[repeat]} {frame['month'].iloc[repeat]:%Y-%m}")
    frame = frame.astype({"urn": "int64", "month": "datetime64[us]", "requests": "int64", "pupils": "int64"})
    return frame.sort_values(["urn", "month"]).reset_index(drop=True)


def _check_together(schools: pd.DataFrame, lines: pd.Series, requests: pd.DataFrame, schools_file: Path,
                    requests_file: Path) -> None:
    """The cross-file rules of the module docstring."""
    known = set(requests["urn"])
    absent = [i for i, u in enumerate(schools["urn"]) if u not in known]
    if absent:
        raise InputError(schools_file, "a pilot school has no rows in the requests file",
                         where=f"line {lines.iloc[absent[0]]}",
                         field="urn", expected=f"a URN that appears in {requests_file.name}",
                         found=schools["urn"].iloc[absent[0]])
    others = known - set(schools["urn"])
    if len(schools) < MIN_SCHOOLS or len(others) < MIN_SCHOOLS:
        raise InputError(requests_file, "too few schools to compare", field="urn",
                         expected=f"at least {MIN_SCHOOLS} pilot schools and {MIN_SCHOOLS} schools outside the pilot",
                         found=f"{len(schools)} pilot and {len(others)} other schools")
    first = schools["start_date"].min().to_period("M")
    months = requests["month"].dt.to_period("M")
    before, after = (months < first).sum(), (months >= first).sum()
    if months[months < first].nunique() < MONTHS_BEFORE or months[months >= first].nunique() < MONTHS_AFTER:
        raise InputError(requests_file, "the months do not cover the time before and after the pilot started",
                         field="month", expected=f"at least {MONTHS_BEFORE} months before {first:%B %Y} (the first "
                                                 f"start date) and {MONTHS_AFTER} from it",
                         found=f"{before} rows before and {after} from it")


def read(schools_path: Path | str, requests_path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both templates, validated each on its own (:func:`read_schools`, :func:`read_requests`) and together."""
    (schools, lines), requests = _schools(Path(schools_path)), read_requests(requests_path)
    _check_together(schools, lines, requests, Path(schools_path), Path(requests_path))
    return schools, requests
