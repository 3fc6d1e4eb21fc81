"""Reader for the release's supporting table of SEND Tribunal appeals per appealable decision.

DfE's release carries a spreadsheet-style CSV (``supporting-files/SEND Tribunals and appeal rate 2014-2024.csv``
in 2025, ``SEND appealable decisions rate 2024-2025.csv`` in 2026): title lines, a row of calendar years each
heading three columns (appeals registered, total appealable decisions, appeal rate), then one row per council
(name, 3-digit LA code) and an "England Total" row. This module finds the year row, reads the appeals and
decisions of every council and England, and returns them in the breakdowns' tidy form
(:data:`helpers.sources.ees_breakdowns.COLUMNS`): ``breakdown`` "appeals", ``category`` :data:`APPEALS` or
:data:`DECISIONS`, ``year`` the calendar year. The rate is left to be recomputed from the counts.

Cells: ``-`` is none (0); ``~`` (suppressed), ``..`` (not available) and blanks are left out; numbers may carry
thousands separators. Anything else in a count column is an :class:`~helpers.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from helpers.areas import ENGLAND_CODE
from helpers.errors import InputError

APPEALS = "Appeals registered"
DECISIONS = "Appealable decisions"
#: Lower-case file names of the supporting table in the releases known.
FILE_NAMES: frozenset[str] = frozenset({"send tribunals and appeal rate 2014-2024.csv",
                                        "send appealable decisions rate 2024-2025.csv"})
_YEAR = re.compile(r"^(19|20)\d{2}$")
_SKIP = {"~", "..", "", "x", "z"}


def read_appeals(data: bytes, file: str) -> pd.DataFrame:
    """Appeals and appealable decisions by year for every council and England, tidy (see the module notes)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(file, "the file is not UTF-8 text", expected="UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    header = next((i for i, r in enumerate(rows) if sum(bool(_YEAR.match(c.strip())) for c in r) >= 2), None)
    if header is None:
        raise InputError(file, "no row of years found", expected="a header row such as 'Local Authority, LA code, "
                         "2014, , , 2015, ...'")
    years = {j: int(c.strip()) for j, c in enumerate(rows[header]) if _YEAR.match(c.strip())}
    labels = rows[header + 1] if header + 1 < len(rows) else []
    code_col = _code_column(rows[header], labels)
    out = []
    for i, row in enumerate(rows[header + 2:], start=header + 3):
        if not row:
            continue
        name = row[0].strip()
        code = row[code_col].strip() if code_col is not None and code_col < len(row) else ""
        if re.fullmatch(r"\d{3}", code):
            level, area = "Local authority", code
        elif name.lower().startswith("england total"):
            level, area = "National", ENGLAND_CODE
        else:
            continue
        for j, year in years.items():
            for offset, category in ((0, APPEALS), (1, DECISIONS)):
                value = _count(row, j + offset, file, i, labels)
                if value is not None:
                    out.append({"year": year, "geographic_level": level, "area_code": area, "breakdown": "appeals",
                                "category": category, "count": value})
    return pd.DataFrame(out, columns=["year", "geographic_level", "area_code", "breakdown", "category", "count"])


def _code_column(years_row: list[str], labels: list[str]) -> int | None:
    """The column holding the 3-digit LA code ("LA code" or "Old LA code" in either header row)."""
    for row in (years_row, labels):
        for j, cell in enumerate(row):
            if "la code" in cell.strip().lower():
                return j
    return None


def _count(row: list[str], j: int, file: str, line: int, labels: list[str]) -> float | None:
    cell = row[j].strip() if j < len(row) else ""
    if cell in _SKIP:
        return None
    if cell == "-":
        return 0.0
    try:
        value = float(cell.replace(",", ""))
    except ValueError:
        value = -1.0
    if value < 0:
        field = labels[j].strip() if j < len(labels) else f"column {j + 1}"
        raise InputError(file, "not a count", where=f"line {line}", field=field,
                         expected="a number, '-' (none), '~' (suppressed) or '..' (not available)", found=cell)
    return value
