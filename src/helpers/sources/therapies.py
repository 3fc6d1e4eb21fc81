"""Read the therapies commissioning template: one row per purchase or per provider and month.

The council's own record of the therapies it buys for children with EHC plans (speech and language therapy,
occupational therapy, CBT, hydrotherapy, play therapy, ...): who provided it, under what arrangement (Qualified
Provider List, preferred provider, non-preferred spot purchase, or a personal budget), for how many children, how
many hours and at what cost. Columns and rules are in ``data/templates/README.md``; an empty copy is
``data/templates/therapies_template.csv``. Provider names and spend by provider are commercial information: the
pages show them only in the restricted build.

The reader stops at the first problem with one clear message naming the file, the CSV line and the column: a
missing or unknown column, a blank required cell, a month that is not a month or is in the future, an unknown
therapy type or arrangement, a number that is not a number, a negative value, children that are not a whole
number, or hours of therapy recorded for no children.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources import template_cells as cells

KIND = "the therapies commissioning template (see data/templates/README.md)"
COLUMNS: tuple[str, ...] = ("month", "provider", "therapy_type", "framework_status", "children", "hours",
                            "spend_gbp")
"""Template columns, in order; all must be present (``children`` and ``hours`` may be blank)."""
REQUIRED_VALUES: tuple[str, ...] = ("month", "provider", "therapy_type", "framework_status", "spend_gbp")

THERAPY_TYPES: tuple[str, ...] = ("speech and language therapy", "occupational therapy", "physiotherapy",
                                  "CBT", "hydrotherapy", "play therapy", "music therapy", "other")
"""The therapy types the template accepts (case does not matter; "speech and language" without "therapy" too)."""
FRAMEWORK_STATUSES: tuple[str, ...] = ("QPL", "preferred", "non-preferred", "personalised")
"""How each purchase was arranged: Qualified Provider List, preferred provider, spot purchase from a provider on
no list, or a personal budget the family directs."""
COMPLIANT: tuple[str, ...] = ("QPL", "preferred")
"""Arrangements that count as compliant with the council's procurement rules."""

_TYPES = {t.lower(): t for t in THERAPY_TYPES} | {t.lower().removesuffix(" therapy"): t for t in THERAPY_TYPES}
_TYPES |= {"cognitive behavioural therapy": "CBT", "cognitive behavioural therapy (cbt)": "CBT",
           "salt": "speech and language therapy", "ot": "occupational therapy"}
_STATUSES = {s.lower(): s for s in FRAMEWORK_STATUSES} | {"qualified provider list": "QPL",
                                                            "non preferred": "non-preferred",
                                                            "personal budget": "personalised"}


def _record(row: pd.Series, file: Path, where: str) -> dict[str, object]:
    """One row's cells, checked and converted."""
    for column in REQUIRED_VALUES:
        cells.required(row[column], file, where, column)
    record: dict[str, object] = {
        "month": cells.month(row["month"], file, where, "month"),
        "provider": " ".join(row["provider"].split()),
        "therapy_type": cells.choice(row["therapy_type"], file, where, "therapy_type", _TYPES),
        "framework_status": cells.choice(row["framework_status"], file, where, "framework_status", _STATUSES),
    }
    for column in ("children", "hours", "spend_gbp"):
        text = row[column]
        record[column] = float("nan") if text == "" else cells.number(text, file, where, column,
                                                                      whole=column == "children")
    hours, children = record["hours"], record["children"]
    if isinstance(hours, float) and hours > 0 and children == 0:
        raise InputError(file, "hours of therapy recorded for no children", where=where, field="children",
                         expected="the number of children the hours were for (1 or more)", found=row["children"])
    return record


def read(path: Path | str) -> pd.DataFrame:
    """Read and validate a therapies commissioning CSV (UTF-8, with or without a byte-order mark).

    Returns
    -------
    DataFrame
        One row per input row, columns :data:`COLUMNS`: ``month`` as the Timestamp of the month's first day,
        ``provider``, ``therapy_type`` (one of :data:`THERAPY_TYPES`) and ``framework_status`` (one of
        :data:`FRAMEWORK_STATUSES`) as text, the rest float (NaN = blank), in month order.

    Raises
    ------
    InputError
        Naming the file, line and column of the first problem (see the module docstring).
    """
    file = Path(path)
    raw, lines = cells.read_template(file, KIND, COLUMNS, "one row per purchase or per provider and month")
    records = [_record(row, file, f"line {lines[index]}") for index, row in raw.iterrows()]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype({
        "month": "datetime64[us]", "children": float, "hours": float, "spend_gbp": float})
    return frame.sort_values("month", kind="stable").reset_index(drop=True)
