"""Read the EP recruitment template: one row per month of recruitment campaigns and independent reports accepted.

Columns and rules are in ``data/templates/README.md`` (empty copy: ``ep_recruitment_template.csv``). Every cell
is required (0 when nothing happened). The reader stops with one :class:`~helpers.errors.InputError` naming the
file, the CSV line and the column: a month that is not a month, a number that is not a whole number (spend may
have pence), a negative value, months repeated or out of order, and more appointments in total up to a month than
applications or posts advertised in total up to it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources import template_cells as cells

KIND = "the EP recruitment template (see data/templates/README.md)"
COLUMNS: tuple[str, ...] = ("month", "posts_advertised", "applications", "appointments", "campaign_cost_gbp",
                            "independent_reports")
COUNTS: tuple[str, ...] = ("posts_advertised", "applications", "appointments", "independent_reports")


def _totals_within(frame: pd.DataFrame, lines: pd.Series, file: Path, limit: str) -> None:
    """Appointments in total up to each month ≤ ``limit`` (applications or posts advertised) in total up to it."""
    done, allowed = frame["appointments"].cumsum(), frame[limit].cumsum()
    over = done > allowed
    if over.any():
        first = int(over.to_numpy().argmax())
        raise InputError(file, f"more appointments than {limit.replace('_', ' ')}, in total since the first month",
                         where=f"line {lines.iloc[first]}", field="appointments",
                         expected=f"a total up to this month of at most {allowed.iloc[first]:g} (the {limit} so far)",
                         found=f"a total of {done.iloc[first]:g}")


def read(path: Path | str) -> pd.DataFrame:
    """The recruitment months: ``month`` (first day, Timestamp), the counts as int and ``campaign_cost_gbp`` as
    float, in month order."""
    file = Path(path)
    raw, lines = cells.read_template(file, KIND, COLUMNS, "one row per " + KIND)
    records = []
    for i, row in raw.iterrows():
        where = f"line {lines[i]}"
        record: dict[str, object] = {"month": cells.month(row["month"], file, where, "month")}
        for column in COLUMNS[1:]:
            record[column] = cells.number(row[column], file, where, column, whole=column in COUNTS)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    lines = lines.reset_index(drop=True)
    repeat = cells.first_repeat(frame["month"])
    if repeat is not None:
        raise InputError(file, "the same month appears twice", where=f"line {lines.iloc[repeat]}", field="month",
                         expected="one row per month", found=f"{frame['month'].iloc[repeat]:%Y-%m}")
    backwards = frame["month"].diff() < pd.Timedelta(0)
    if backwards.any():
        first = int(backwards.to_numpy().argmax())
        raise InputError(file, "months are not in date order", where=f"line {lines.iloc[first]}", field="month",
                         expected=f"a month after {frame['month'].iloc[first - 1]:%Y-%m}",
                         found=f"{frame['month'].iloc[first]:%Y-%m}")
    _totals_within(frame, lines, file, "applications")
    _totals_within(frame, lines, file, "posts_advertised")
    return frame.astype({"month": "datetime64[us]", **{c: "int64" for c in COUNTS}})
