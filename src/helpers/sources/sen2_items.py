"""The items of the SEN2 person-level return: each element's tag, output column, kind and code set per layout
(``../shared/reference/sen2_person_level.md`` §1 and §5), the output tables' columns, and how one item's text is
parsed and checked (shared by the XML and the flat-CSV readers).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import InputError

LAYOUTS: tuple[int, ...] = (2023, 2024, 2025)
"""SEN2 layouts understood; a header Year of 2026 is read with the 2025 layout (reference §5)."""

KIND = "a SEN2 person-level XML file (2023, 2024 or 2025 layout) or the SEN2 flat CSV"
"""What the reader expects, for messages."""

Record = dict[str, object]
"""One parsed element or CSV row group: output column → value."""


# --- items: tag, column, kind, codes ------------------------------------------------------------------------------

_ALL = frozenset(LAYOUTS)


@dataclass(frozen=True)
class Item:
    """One element of the return: its tag, the output column, its kind, code set and layouts."""

    tag: str
    column: str
    kind: str  # date | flag | code | digits | upn | text | ignore
    codes: frozenset[str] = frozenset()
    added: tuple[tuple[str, int], ...] = ()  # codes added in a later layout: (code, first layout)
    layouts: frozenset[int] = _ALL
    size: int = 0  # number of digits for kind "digits"
    alias: tuple[str, ...] = ()  # other spellings of the tag seen in the wild

    def allowed(self, layout: int) -> frozenset[str]:
        return _allowed(self, layout)


@functools.cache
def _allowed(item: Item, layout: int) -> frozenset[str]:
    """An item's code set in one layout (cached: it is looked up for every element read)."""
    return item.codes | {code for code, first in item.added if layout >= first}


def _codes(*values: str) -> frozenset[str]:
    return frozenset(values)


_FLAG = "flag"
_ETHNICITY = _codes("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
                    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
_OUTCOME = _codes("Y", "N", "A", "W", "H")
_SEN_SETTING = _codes("OLA", "OPA", "EHE", "EYP", "NEET", "NIEC", "NIEO")
_SEN_TYPE = _codes("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH")

HEADER = [
    Item("Collection", "collection", "code", _codes("SEN2")),
    Item("Year", "year", "text"),
    Item("ReferenceDate", "reference_date", "date"),
    Item("SourceLevel", "source_level", "code", _codes("L")),
    Item("LEA", "lea", "digits", size=3),
    Item("SoftwareCode", "software_code", "text"),
    Item("Release", "release", "text"),
    Item("SerialNo", "serial_no", "text"),
    Item("DateTime", "date_time", "text"),
    Item("DMO", "dmo", "code", _codes("Y", "N", "R")),
    Item("DCO", "dco", "code", _codes("Y", "N", "R")),
    Item("DSCO", "dsco", "code", _codes("Y", "N", "R"), layouts=frozenset({2025})),
]
PERSON = [
    Item("Surname", "surname", "text"),
    Item("Forename", "forename", "text"),
    Item("PersonBirthDate", "birth_date", "date"),
    Item("GenderCurrent", "sex", "code", _codes("0", "1", "2", "9"), layouts=frozenset({2023})),
    Item("Sex", "sex", "code", _codes("M", "F", "U"), layouts=frozenset({2024, 2025})),
    Item("Ethnicity", "ethnicity", "code", _ETHNICITY),
    Item("PostCode", "postcode", "text"),
    Item("UPN", "upn", "upn"),
    Item("UniqueLearnerNumber", "uln", "digits", size=10),
    Item("UPNunknown", "upn_unknown", "code", frozenset(f"UN{i}" for i in range(1, 11))),
]
REQUEST = [
    Item("ReceivedDate", "received_date", "date"),
    Item("RequestSource", "request_source", "code", _codes("1", "2", "3", "4", "5"), layouts=frozenset({2025})),
    Item("RYA", "rya", _FLAG),
    Item("RequestOutcomeDate", "request_outcome_date", "date"),
    Item("RequestOutcome", "request_outcome", "code", _OUTCOME),
    Item("RequestMediation", "request_mediation", _FLAG),
    Item("RequestTribunal", "request_tribunal", _FLAG),
    Item("Exported", "exported", "digits", size=3),
]
ASSESSMENT = [
    Item("AssessmentOutcome", "assessment_outcome", "code", _OUTCOME),
    Item("AssessmentOutcomeDate", "assessment_outcome_date", "date"),
    Item("AssessmentMediation", "assessment_mediation", _FLAG),
    Item("AssessmentTribunal", "assessment_tribunal", _FLAG),
    Item("OtherMediation", "other_mediation", _FLAG),
    Item("OtherTribunal", "other_tribunal", _FLAG),
    Item("Week20", "week20", _FLAG),
]
NAMED_PLAN = [
    Item("StartDate", "start_date", "date"),
    Item("PlanRes", "plan_res", "code", _codes("A", "B")),
    Item("PlanWBP", "plan_wbp", "code", _codes("A", "T", "S")),
    Item("PB", "pb", _FLAG),
    Item("OA", "oa", _FLAG),
    Item("DP", "dp", "code", _codes("E", "S", "H", "I")),
    Item("CeaseDate", "cease_date", "date"),
    Item("CeaseReason", "cease_reason", "code", frozenset(str(i) for i in range(1, 10))),
]
SETTING = [
    Item("URN", "urn", "digits", size=6),
    Item("UKPRN", "ukprn", "digits", size=8),
    Item("SENSetting", "sen_setting", "code", _SEN_SETTING, added=(("OTH", 2024),), alias=("SENsetting",)),
    Item("SENSettingOther", "sen_setting_other", "text"),
    Item("PlacementRank", "rank", "code", _codes("1", "2")),
    Item("SENunitIndicator", "sen_unit", _FLAG),
    Item("ResourcedProvisionIndicator", "resourced_provision", _FLAG),
]
PLACEMENT = SETTING + [
    Item("EntryDate", "entry_date", "date"),
    Item("LeavingDate", "leaving_date", "date"),
    Item("AttendancePattern", "attendance_pattern", "ignore", layouts=frozenset({2023})),
    Item("Res", "res", "code", _codes("A", "B"), layouts=frozenset({2024, 2025})),
    Item("WBP", "wbp", "code", _codes("A", "T", "S"), layouts=frozenset({2024, 2025})),
]
ACTIVE_PLAN = [
    Item("TransferLA", "transfer_la", "digits", size=3),
    Item("Res", "res", "code", _codes("A", "B"), layouts=frozenset({2023})),
    Item("WBP", "wbp", "code", _codes("A", "T", "S"), layouts=frozenset({2023})),
    Item("ReviewMeeting", "review_meeting", "date", layouts=frozenset({2024, 2025})),
    Item("ReviewOutcome", "review_outcome", "code", _codes("A", "C", "M"), layouts=frozenset({2024, 2025})),
    Item("ReviewDraft", "review_draft", "date", layouts=frozenset({2025})),
    Item("LastReview", "last_review", "date"),
    Item("PhaseTransferDueDate", "phase_transfer_due_date", "date", layouts=frozenset({2025})),
    Item("PhaseTransferFinalDate", "phase_transfer_final_date", "date", layouts=frozenset({2025})),
]
NEED = [
    Item("SENtype", "sen_type", "code", _SEN_TYPE, added=(("DS", 2025),)),
    Item("SENtypeRank", "rank", "code", _codes("1", "2")),
]

_GENDER_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
"""2023 ``GenderCurrent`` (CBDS: 0 not known, 1 male, 2 female, 9 not specified) mapped onto 2024's ``Sex``."""

# --- output tables: column → dtype --------------------------------------------------------------------------------

COLUMNS: dict[str, dict[str, str]] = {
    "persons": {"person_id": "str", "upn": "str", "uln": "str", "upn_unknown": "str", "surname": "str",
                "forename": "str", "birth_date": "date", "sex": "str", "ethnicity": "str", "postcode": "str"},
    "requests": {"person_id": "str", "request_id": "str", "received_date": "date", "request_source": "int",
                 "rya": "bool", "request_outcome_date": "date", "request_outcome": "str",
                 "request_mediation": "bool", "request_tribunal": "bool", "exported": "str"},
    "assessments": {"person_id": "str", "request_id": "str", "assessment_outcome": "str",
                    "assessment_outcome_date": "date", "assessment_mediation": "bool",
                    "assessment_tribunal": "bool", "other_mediation": "bool", "other_tribunal": "bool",
                    "week20": "bool"},
    "plans": {"person_id": "str", "request_id": "str", "named": "bool", "active": "bool", "start_date": "date",
              "cease_date": "date", "cease_reason": "int", "plan_res": "str", "plan_wbp": "str", "pb": "bool",
              "oa": "bool", "dp": "str", "transfer_la": "str", "review_meeting": "date", "review_outcome": "str",
              "review_draft": "date", "last_review": "date", "phase_transfer_due_date": "date",
              "phase_transfer_final_date": "date"},
    "placements": {"person_id": "str", "request_id": "str", "kind": "str", "rank": "int", "urn": "str",
                   "ukprn": "str", "sen_setting": "str", "sen_setting_other": "str", "sen_unit": "bool",
                   "resourced_provision": "bool", "entry_date": "date", "leaving_date": "date", "res": "str",
                   "wbp": "str"},
    "needs": {"person_id": "str", "request_id": "str", "sen_type": "str", "rank": "int"},
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_UPN = re.compile(r"[A-Z]\d{12}|[A-Z]\d{11}[A-Z]")


# --- value parsing shared by XML and CSV -------------------------------------------------------------------------


def parse(item: Item, text: str, layout: int, file: Path, where: str, name: str, *,
           uk_dates: bool = False) -> object:
    """One item's text as a value (ISO date string, bool, code, digits); InputError when it breaks its rule.

    ``name`` is what the user sees for the field: the XML tag or the CSV column.
    """
    kind = item.kind
    if kind == "date":
        match = _DATE_UK.fullmatch(text) if uk_dates else None
        iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
        if not _DATE.fullmatch(iso):
            raise InputError(file, "not a date", where=where, field=name,
                             expected="a date written YYYY-MM-DD" + (" or DD/MM/YYYY" if uk_dates else ""),
                             found=text)
        try:
            day = dt.date.fromisoformat(iso)
        except ValueError:
            raise InputError(file, "no such date", where=where, field=name,
                             expected="a real calendar date", found=text) from None
        if day > dt.date.today():
            raise InputError(file, "a date in the future", where=where, field=name,
                             expected=f"a date on or before today ({dt.date.today():%Y-%m-%d})", found=text)
        return iso
    if kind == _FLAG:
        value = {"1": True, "0": False, "true": True, "false": False}.get(text.lower())
        if value is None:
            raise InputError(file, "not a yes/no flag", where=where, field=name, expected="1 or 0", found=text)
        return value
    if kind == "code":
        allowed = item.allowed(layout)
        if text not in allowed:
            raise InputError(file, "unknown code", where=where, field=name,
                             expected="one of " + ", ".join(sorted(allowed, key=lambda c: (len(c), c))),
                             found=text)
        return _GENDER_TO_SEX[text] if item.tag == "GenderCurrent" else text
    if kind == "digits":
        if not (text.isdigit() and text.isascii() and len(text) == item.size):
            raise InputError(file, "wrong format", where=where, field=name,
                             expected=f"{item.size} digits", found=text)
        return text
    if kind == "upn":
        if not _UPN.fullmatch(text):
            raise InputError(file, "not a valid UPN", where=where, field=name,
                             expected="a letter and 12 digits, or a letter, 11 digits and a letter", found=text)
        return text
    return text

