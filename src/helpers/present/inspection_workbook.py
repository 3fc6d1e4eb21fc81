"""The restricted inspection workbook: List 1 (EHC plans), the open requests and the deep-dive sample, as one
accessible ``.xlsx`` (gptables, Analysis Function "Releasing statistics in spreadsheets").

A cover sheet, a contents sheet and one list per sheet, each list's header row frozen, and the protective
marking :data:`MARKING` at the top of every sheet and in every sheet's printed header. Columns come from
:mod:`helpers.analysis.inspection`; each column's SEN2 source and the blank columns the council fills from its
own systems are documented in ``docs/inspection_lists.md`` and listed in :data:`COUNCIL_FILLS`.

The file holds personal data: it is written with owner-only permissions (folder 0o700, file 0o600), created
with those permissions rather than changed afterwards, and formulas and links in text are never live.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import gptables as gpt
import pandas as pd

from helpers.present.sen2_labels import ETHNICITY, NEED, SEX, STAGE, labelled
from helpers.present.spreadsheet import formula_safe

MARKING = "OFFICIAL-SENSITIVE: personal data"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
WORKBOOK_NAME = "inspection_lists.xlsx"
NOT_RECORDED = "[x]"
"""A value SEN2 does not record for this person (GSS shorthand "not available")."""
_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # fixed, as in helpers.present.spreadsheet

#: (header, List 1 column): the list as the workbook shows it, in order.
LIST_ONE: tuple[tuple[str, str], ...] = (
    ("Person (SEN2 record number)", "person_id"), ("UPN", "upn"), ("ULN", "uln"),
    ("Reason UPN unknown", "upn_unknown"), ("Surname", "surname"), ("Forename", "forename"),
    ("Date of birth", "birth_date"), ("Age at the period end", "age"), ("Age phase", "age_phase"),
    ("Sex", "sex"), ("Ethnicity", "ethnicity"), ("Primary need", "primary_need"),
    ("Secondary need", "secondary_need"), ("First plan issued", "first_plan_issued"),
    ("Latest plan (start date)", "latest_plan"), ("Transferred in from LA", "transfer_la"),
    ("Last annual review", "last_review"), ("Days since last review (or plan start)", "days_since_review"),
    ("Annual review overdue (over 12 months)", "review_overdue"), ("Placement recorded as", "placement_source"),
    ("Placement URN", "placement_urn"), ("Placement UKPRN", "placement_ukprn"),
    ("Placement type", "placement_type"), ("Placement start", "placement_entry_date"),
    ("Residential", "residential"), ("Personal budget", "personal_budget"),
    ("EHC plans in place (more than 1 is a data error)", "plans_in_place"))
OPEN: tuple[tuple[str, str], ...] = (
    ("Person (SEN2 record number)", "person_id"), ("Request", "request_id"), ("UPN", "upn"), ("ULN", "uln"),
    ("Surname", "surname"), ("Forename", "forename"), ("Date of birth", "birth_date"),
    ("Age at request", "age_at_request"), ("Request received", "received_date"), ("Stage", "stage"),
    ("Decision to assess made", "decision_date"), ("Weeks open", "weeks_open"),
    ("Weeks past 20", "weeks_past_20"), ("20-week exception recorded", "exception"),
    ("Mediation (request)", "request_mediation"), ("Tribunal (request)", "request_tribunal"),
    ("Request source", "request_source"))
#: Blank columns for the council to fill from its own systems (SEN2 does not hold them), per sheet.
COUNCIL_FILLS: dict[str, tuple[str, ...]] = {
    "list_one": ("Out of area (council to fill)", "Establishment type from GIAS (council to fill)",
                 "Social care status: CIN, CP or CLA (council to fill)", "Exclusions (council to fill)",
                 "Attendance % (council to fill)", "Named caseworker (council to fill)",
                 "Health involvement (council to fill)"),
    "open": ("Reason for delay (council to fill)", "Named caseworker (council to fill)",
             "Social care status: CIN, CP or CLA (council to fill)"),
}
_LABELS = {"sex": SEX, "ethnicity": ETHNICITY, "primary_need": NEED, "secondary_need": NEED, "stage": STAGE}


def cell_text(value: object) -> object:
    """A cell as the workbook holds it: missing as ``[x]``, dates as YYYY-MM-DD, yes/no, numbers kept, text
    never a formula."""
    missing = value is None or value is pd.NA or value is pd.NaT
    if missing or (isinstance(value, float) and math.isnan(value)):
        return NOT_RECORDED
    if isinstance(value, pd.Timestamp | dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, int):
        return value
    text = str(value)
    return formula_safe(text) if not text.isdigit() else text


def display(frame: pd.DataFrame, columns: Sequence[tuple[str, str]], fills: Sequence[str] = ()) -> pd.DataFrame:
    """``frame`` as a sheet's table: codes labelled, cells as :func:`cell_text`, plain-English headers, then the
    blank ``fills`` columns for the council."""
    out = pd.DataFrame(index=frame.index)
    for header, column in columns:
        values = frame[column]
        if column in _LABELS:
            values = labelled(values.astype("object"), _LABELS[column])
        out[header] = values.astype("object").map(cell_text)
    for header in fills:
        out[header] = ""
    return out.reset_index(drop=True)


def _sheet(table: pd.DataFrame, name: str, title: str, notes: list[str]) -> gpt.GPTable:
    return gpt.GPTable(table=table, table_name=name, title=title, subtitles=[MARKING, *notes],
                       instructions="This worksheet contains one table. [x] means SEN2 does not record the "
                                    "value; blank columns headed '(council to fill)' are for the council's own data.",
                       legend=[f"{NOT_RECORDED} = not recorded in SEN2"],
                       source="The council's SEN2 person-level extract", index_columns={})


def _cover(title: str, intro: list[str], synthetic: bool) -> gpt.Cover:
    lines = [MARKING, "This workbook holds personal data about children and young people. Keep it on the "
             "council's secure systems and share it only through the inspectorate's secure route.", *intro]
    if synthetic:
        lines.insert(1, "SYNTHETIC DEMONSTRATION DATA: every person in this file is made up.")
    return gpt.Cover(title=title, intro=lines, about=[
        "Columns headed '(council to fill)' are blank because SEN2 does not hold them; "
        "docs/inspection_lists.md gives each column's SEN2 source."])


def private_folder(folder: Path) -> Path:
    """``folder`` created (with its parents) and set to owner-only access (0o700)."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    return folder


def write(out: Path, title: str, sheets: dict[str, tuple[pd.DataFrame, str, list[str]]], *,
          intro: list[str], synthetic: bool) -> Path:
    """Write the workbook at ``out`` (owner-only): ``sheets`` maps a sheet name to (display table, title,
    notes); returns ``out``."""
    out = Path(out)
    private_folder(out.parent)
    tables = {name: _sheet(table, name, sheet_title, notes)
              for name, (table, sheet_title, notes) in sheets.items()}
    staging = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    os.close(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))  # owner-only from the start
    with warnings.catch_warnings():  # the council-to-fill columns are blank on purpose (stated on each sheet)
        warnings.filterwarnings("ignore", message=r"(?s)\s*(Empty or null cell|No note text)", category=UserWarning)
        book = gpt.produce_workbook(filename=str(staging), sheets=tables, cover=_cover(title, intro, synthetic),
                                    contentsheet_options={"subtitles": [MARKING]}, auto_width=True,
                                    workbook_options={"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"created": _CREATED, "title": title, "keywords": MARKING})
    for sheet in book.worksheets():
        sheet.set_header(f"&C{MARKING}")
        table = tables.get(sheet.get_name())
        if table is not None:
            sheet.freeze_panes(table.data_range[0] + 1, 0)
    book.close()
    staging.chmod(FILE_MODE)
    staging.replace(out)
    return out


def write_lists(out: Path, *, la_name: str, period_end: dt.date, list_one: pd.DataFrame, open_requests: pd.DataFrame,
                sample: pd.DataFrame, sample_rule: str, source_name: str, synthetic: bool) -> Path:
    """The inspection workbook at ``out``: cover, contents, List 1, open requests and the deep-dive sample."""
    end = f"{pd.Timestamp(period_end):%d %B %Y}"
    sample_columns = (("Sample number", "sample_number"), ("Stratum (primary need | placement type)", "stratum"),
                      *LIST_ONE)
    sheets = {
        "List_1_EHC_plans": (display(list_one, LIST_ONE, COUNCIL_FILLS["list_one"]),
                             f"List 1: children and young people with an EHC plan the council maintains, {end}",
                             [f"{len(list_one):,} children and young people, one row each."]),
        "Open_requests": (display(open_requests, OPEN, COUNCIL_FILLS["open"]),
                          f"Requests for an EHC needs assessment open on {end}, longest wait first",
                          [f"{len(open_requests):,} open requests and assessments."]),
        "Deep_dive_sample": (display(sample, sample_columns),
                             f"Cases drawn for a deep dive from List 1, {end}", [sample_rule]),
    }
    intro = [f"{la_name}: the lists an area SEND inspection asks for, from the SEN2 extract {source_name} "
             f"as it stood on {end}."]
    return write(out, f"{la_name}: area SEND inspection data request, {end}", sheets, intro=intro,
                 synthetic=synthetic)
