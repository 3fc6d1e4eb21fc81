"""Read the outcomes tracking template: one row per child, outcome area and review, with a score from 1 to 5.

Each outcome in a child's EHC plan is scored at each review on the council's five-point scale (1 = not yet
started towards the outcome, 5 = outcome achieved), so that development can be tracked over time. Columns and
rules are in ``data/templates/README.md``; an empty copy is ``data/templates/outcomes_template.csv``. The file is
child-level: it stays in memory, and every count the page shows is suppressed where the build suppresses.

The reader stops at the first problem with one clear message naming the file, the CSV line and the column: a
missing or unknown column, a blank cell, a child ID that looks like a unique pupil number (the template takes the
council's pseudonymous ID only), an unknown outcome area, a date that is not a date or is in the future, a score
that is not a whole number from 1 to 5, an age outside 0 to 25, the same child, area and review date twice, or a
child younger at a later review than at an earlier one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.sources import template_cells as cells

KIND = "the outcomes tracking template (see data/templates/README.md)"
COLUMNS: tuple[str, ...] = ("child_id", "outcome_area", "review_date", "age_at_review", "score")
"""Template columns, in order; every cell is required."""
AREAS: tuple[str, ...] = ("communication and interaction", "cognition and learning",
                          "social, emotional and mental health", "sensory and physical", "preparing for adulthood")
"""The outcome areas of the outcomes framework (the four broad areas of need in the SEND Code of Practice, 6.28,
and preparing for adulthood)."""
SCORES = range(1, 6)
MAX_AGE = 25

_AREAS = {a: a for a in AREAS} | {"semh": "social, emotional and mental health",
                                  "social emotional and mental health": "social, emotional and mental health",
                                  "pfa": "preparing for adulthood"}
_UPN = re.compile(r"[A-Za-z]\d{11}[0-9A-Za-z]")


def _record(row: pd.Series, file: Path, where: str) -> dict[str, object]:
    for column in COLUMNS:
        cells.required(row[column], file, where, column)
    child = row["child_id"]
    if _UPN.fullmatch(child):
        raise InputError(file, "this looks like a unique pupil number (UPN)", where=where, field="child_id",
                         expected="the council's pseudonymous child ID, never a UPN or name")
    score = cells.number(row["score"], file, where, "score", whole=True)
    if score not in SCORES:
        raise InputError(file, "a score outside the five-point scale", where=where, field="score",
                         expected="a whole number from 1 to 5", found=row["score"])
    age = cells.number(row["age_at_review"], file, where, "age_at_review", whole=True)
    if age > MAX_AGE:
        raise InputError(file, "an age outside the EHC plan age range", where=where, field="age_at_review",
                         expected=f"a whole number of years from 0 to {MAX_AGE}", found=row["age_at_review"])
    return {"child_id": child,
            "outcome_area": cells.choice(row["outcome_area"], file, where, "outcome_area", _AREAS),
            "review_date": cells.date(row["review_date"], file, where, "review_date"),
            "age_at_review": int(age), "score": int(score)}


def _check_reviews(frame: pd.DataFrame, file: Path, lines: pd.Series) -> None:
    """Each child, area and review date once; a child never younger at a later review."""
    repeated = frame.duplicated(["child_id", "outcome_area", "review_date"])
    if repeated.any():
        first = int(repeated.to_numpy().argmax())
        raise InputError(file, "the same child, outcome area and review date appear twice",
                         where=f"line {lines.iloc[first]}", field="review_date",
                         expected="one score per child, area and review", found=frame["review_date"].iloc[first].date())
    ordered = frame.assign(line=lines.to_numpy()).sort_values(["child_id", "review_date", "line"], kind="stable")
    younger = ordered.groupby("child_id")["age_at_review"].cummax() > ordered["age_at_review"]
    if younger.any():
        bad = ordered[younger].iloc[0]
        raise InputError(file, "the child is younger at this review than at an earlier one",
                         where=f"line {bad['line']}", field="age_at_review",
                         expected="an age at least the age at the child's earlier reviews",
                         found=int(bad["age_at_review"]))


def read(path: Path | str) -> pd.DataFrame:
    """Read and validate an outcomes tracking CSV (UTF-8, with or without a byte-order mark).

    Returns
    -------
    DataFrame
        One row per input row, columns :data:`COLUMNS`: ``child_id`` and ``outcome_area`` (one of
        :data:`AREAS`) as text, ``review_date`` as Timestamp, ``age_at_review`` and ``score`` as int, sorted by
        child, area and review date.

    Raises
    ------
    InputError
        Naming the file, line and column of the first problem (see the module docstring).
    """
    file = Path(path)
    raw, lines = cells.read_template(file, KIND, COLUMNS, "one row per child, outcome area and review")
    records = [_record(row, file, f"line {lines[index]}") for index, row in raw.iterrows()]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS)).astype({"review_date": "datetime64[us]"})
    _check_reviews(frame, file, lines.reset_index(drop=True))
    return frame.sort_values(["child_id", "outcome_area", "review_date"], kind="stable").reset_index(drop=True)
