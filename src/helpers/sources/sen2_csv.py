"""Read the SEN2 flat CSV (one row per request, columns named as the XML tags; ``data/templates/sen2_flat_csv.md``)
into the same rows as the XML reader. Dates may be written ``YYYY-MM-DD`` or ``DD/MM/YYYY``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from helpers.errors import InputError
from helpers.sources.sen2_items import (
    ACTIVE_PLAN,
    ASSESSMENT,
    KIND,
    LAYOUTS,
    NAMED_PLAN,
    NEED,
    PERSON,
    PLACEMENT,
    REQUEST,
    SETTING,
    Item,
    Record,
    parse,
)
from helpers.sources.sen2_rows import Rows
from helpers.sources.textfile import read_csv_text

_CSV_PERSON: dict[str, Item | None] = {"PersonID": None} | {i.tag: i for i in PERSON}
_CSV_GROUPS: dict[str, dict[str, Item]] = {
    "request": {i.tag: i for i in REQUEST},
    "assessment": {i.tag: i for i in ASSESSMENT},
    "named": {i.tag: i for i in NAMED_PLAN},
    "plan_detail": {f"Plan{i.tag}": i for i in SETTING if i.tag != "PlacementRank"},
    "active": {i.tag: i for i in ACTIVE_PLAN if 2025 in i.layouts},
    "placement": {i.tag: i for i in PLACEMENT if 2025 in i.layouts and i.tag != "PlacementRank"},
    "need1": {"SENtype1": NEED[0]},
    "need2": {"SENtype2": NEED[0]},
}
CSV_REQUIRED: tuple[str, ...] = ("PersonID", "PersonBirthDate", "ReceivedDate", "RequestOutcome",
                                 "RequestOutcomeDate", "AssessmentOutcome", "AssessmentOutcomeDate", "Week20")
"""Columns the flat CSV must have (others in ``data/templates/sen2_flat_csv.md`` are optional)."""
CSV_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    [*_CSV_PERSON] + [tag for group in _CSV_GROUPS.values() for tag in group]))
"""Every column the flat CSV may carry, in template order."""



def _csv_values(items: Mapping[str, Item | None], cells: dict[str, str], file: Path, line: str) -> Record:
    """Parsed values of the given CSV columns present in one row (2023's GenderCurrent checked as 2023)."""
    out: Record = {}
    for tag, item in items.items():
        if item is not None and tag in cells:
            layout = 2023 if tag == "GenderCurrent" else max(LAYOUTS)
            out[item.column] = parse(item, cells[tag], layout, file, line, tag, uk_dates=True)
    return out


def read_csv(file: Path) -> Rows:
    """One row per request → the same rows as the XML (persons grouped by PersonID in order of appearance)."""
    table, lines = read_csv_text(file, KIND)
    header = list(table.columns)
    _check_header(header, file)
    rows = Rows()
    people: dict[str, tuple[Record, str, int]] = {}  # PersonID → (values, first line, requests so far)
    for number, record in zip(lines, table.itertuples(index=False, name=None), strict=True):
        line = f"line {number}"
        cells = {h: c for h, c in zip(header, record, strict=True) if c}
        person_id = cells.get("PersonID")
        if person_id is None:
            raise InputError(file, "a request row has no PersonID", where=line, field="PersonID",
                             expected="the LA's own identifier for the child or young person")
        person = _csv_values(_CSV_PERSON, cells, file, line)
        if person_id in people:
            first, first_line, count = people[person_id]
            if first != person:
                differs = next(k for k in sorted(set(first) | set(person)) if first.get(k) != person.get(k))
                raise InputError(file, f"PersonID {person_id} has different person details from its row at "
                                 f"{first_line}", where=line, field=differs,
                                 expected="the same details on every row of one person")
            people[person_id] = (first, first_line, count + 1)
        else:
            people[person_id] = (person, line, 1)
            rows.persons.append({"person_id": person_id} | person)
            rows.person_where.append(line)
        _add_request(rows, person_id, people[person_id][2], line, cells, file)
    return rows


def _check_header(header: list[str], file: Path) -> None:
    """Every required column there, and no column the template does not know."""
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise InputError(file, "required columns are missing", where="line 1", field=missing[0],
                         expected="columns " + ", ".join(missing))
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], CSV_COLUMNS, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise InputError(file, f"unknown column{hint}", where="line 1", field=unknown[0],
                         expected="the columns in data/templates/sen2_flat_csv.md")


def _add_request(rows: Rows, person_id: str, number: int, line: str, cells: dict[str, str], file: Path) -> None:
    """One CSV row's request, assessment, plan, placement and needs, checked for the mandatory items."""
    grouped = {name: _csv_values(items, cells, file, line) for name, items in _CSV_GROUPS.items()}
    if "RequestOutcome" not in cells:
        raise InputError(file, "RequestOutcome is blank", where=line, field="RequestOutcome",
                         expected="Y, N, A, W or H")
    if grouped["assessment"] and "AssessmentOutcome" not in cells:
        raise InputError(file, "AssessmentOutcome is blank although other assessment columns are filled",
                         where=line, field="AssessmentOutcome", expected="Y, N, A, W or H")
    named = grouped["named"] or None
    if (named is not None or grouped["plan_detail"]) and "start_date" not in (named or {}):
        raise InputError(file, "a plan is described but its start date is blank", where=line,
                         field="StartDate", expected="the date the EHC plan started")
    if (named or grouped["plan_detail"]) and not grouped["assessment"]:
        raise InputError(file, "a plan is described but AssessmentOutcome is blank", where=line,
                         field="AssessmentOutcome", expected="Y, N, A, W or H")
    placement = grouped["placement"]
    if placement and "entry_date" not in placement:
        raise InputError(file, "a placement is described but its entry date is blank", where=line,
                         field="EntryDate", expected="the date the placement started")
    needs: list[Record] = [{"sen_type": grouped[g]["sen_type"], "rank": str(r)}
                           for r, g in ((1, "need1"), (2, "need2")) if grouped[g]]
    active = grouped["active"] or None
    if active is None and (placement or needs):
        active = {}
    rows.add_request(person_id, number, line, grouped["request"], grouped["assessment"] or None, named,
                     [grouped["plan_detail"] | {"rank": "1"}] if grouped["plan_detail"] else [],
                     active, [placement | {"rank": "1"}] if placement else [], needs)
