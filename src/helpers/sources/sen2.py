"""Read the SEN2 person-level return (XML as sent to DfE, or the same fields as a flat CSV) into tidy tables.

Field list, code sets and nesting follow the DfE SEN2 person-level guides and technical specifications for the
2023, 2024 and 2025 returns as reconstructed in ``../shared/reference/sen2_person_level.md`` (§1 items, §2 XML
structure, §4 validation, §5 version differences). The 2026 return uses the 2025 layout.

XML
    ``Message/Header`` then ``Message/Persons/Person*``; Person → Requests (1..n) → Assessment (0..1) → NamedPlan
    (0..1) → PlanDetail (1..2), and Requests → ActivePlans (0..1) → PlacementDetail (1..n), SENneed (1..2). The
    layout is taken from ``Header/CollectionDetails/Year`` (2023, 2024, 2025; 2026 reads as 2025) and every
    element is checked against that year's layout (e.g. ``Sex`` replaced ``GenderCurrent`` in 2024,
    ``RequestSource`` and ``DSCO`` arrived in 2025). No XML namespace is used. ``.xml.gz`` is read too.
Flat CSV
    One row per request, columns named as the XML tags; see ``data/templates/sen2_flat_csv.md``.

Streaming: the XML is read from disk with ``lxml.etree.iterparse``; each ``Person`` is converted, cleared and
removed from the tree once read, and every 5,000 requests the rows are packed into typed frames, so memory
holds the compact output tables, not the XML tree or millions of small Python objects
(``tests/unit/test_sen2.py::test_streaming_reader_clears_each_person``). Measured for a synthetic
50,000-person 2025-layout file (50,096 requests, 70 MB of XML; the same gzipped takes as long) on the
project machine (2 cores shared with other jobs): parse, validate and check rules in 5.3 s at load average 4,
21–25 s at load average 6; peak traced Python memory 44 MB (``tracemalloc``); process peak RSS 236–239 MB
(``resource.getrusage``), of which 124 MB is pandas/pyarrow/pandera/lxml imported before reading.

Errors
    Fatal (:class:`~helpers.errors.InputError`, one message naming the file, the element path such as
    ``Message/Persons/Person[1234]/Requests[2]/ReceivedDate`` or the CSV line, the field and what was expected):
    wrong root element or namespace, unknown year layout, an element not in that year's layout, malformed or
    truncated XML, impossible dates (``2024-02-30``), codes outside the code set, a malformed UPN/ULN/URN/UKPRN,
    a missing mandatory item (``RequestOutcome``, ``AssessmentOutcome``, ``NamedPlan/StartDate``, ...), more
    children than the schema allows (two ``Assessment`` elements under one request: the XSD's maxOccurs is 1
    and the 20-week measure would be ambiguous), and for CSV: a workbook saved by mistake, non-UTF-8 text,
    missing or unknown columns, and one ``PersonID`` carrying two different sets of person details.

    Reported, not fatal (``Sen2Tables.issues``; counts and element paths, never personal details): the
    guidance-implied business rules (reference §4), because real returns contain such records, DfE's COLLECT
    raises them as queries rather than rejecting the file, and the analyst needs the rest of the data meanwhile:
    ``dates_out_of_order``, ``outcome_date_missing``, ``outcome_date_unexpected``, ``assessment_not_agreed``,
    ``plan_not_agreed`` (a plan for a refused request or an assessment that did not decide to issue),
    ``date_after_reference_date``, ``duplicate_person`` (the same UPN or ULN on two Person records),
    ``no_identifier``, ``week20_missing`` and ``received_date_missing``. See :data:`RULES`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from lxml import etree

from helpers import schemas
from helpers.errors import InputError
from helpers.sources.textfile import DAMAGED, open_binary, read_csv_text

LAYOUTS: tuple[int, ...] = (2023, 2024, 2025)
"""SEN2 layouts understood; a header Year of 2026 is read with the 2025 layout (reference §5)."""

KIND = "a SEN2 person-level XML file (2023, 2024 or 2025 layout) or the SEN2 flat CSV"

RULES: dict[str, str] = {
    "dates_out_of_order": "A date comes before the date it follows (request received, decision, plan issued; "
                          "plan start and cease; placement entry and leaving)",
    "outcome_date_missing": "A decision (Y or N) has no outcome date",
    "outcome_date_unexpected": "An outcome date is given although the decision is not yet made (A)",
    "assessment_not_agreed": "An assessment is recorded for a request the LA did not agree to assess",
    "plan_not_agreed": "A named plan is recorded for a refused request or an assessment that did not decide to "
                       "issue a plan",
    "date_after_reference_date": "A date is after the reference (census or extract) date",
    "duplicate_person": "The same UPN or ULN appears on more than one person record",
    "no_identifier": "A person has none of UPN, ULN or 'UPN unknown' reason",
    "week20_missing": "A plan was issued but the 20-week exception flag (Week20) is blank",
    "received_date_missing": "A request (other than historical) has no date received",
}
"""Guidance-implied rules reported in :attr:`Sen2Tables.issues` (id → plain-English description)."""


@dataclass(frozen=True)
class Sen2Tables:
    """Validated SEN2 tables (child-level: keep in memory, never write them into a pack).

    ``persons``: one row per person; ``requests``: one per request; ``assessments``: one per Assessment;
    ``plans``: one per request holding a NamedPlan and/or ActivePlans; ``placements``: settings named in a
    plan (``kind='named'``) and settings attended (``kind='attended'``); ``needs``: SEN type of need, rank 1/2;
    ``issues``: rule failures (``rule``, ``description``, ``count``, ``examples``); ``layout``: 2023, 2024,
    2025 or ``"csv"``; ``reference_date``: the header ReferenceDate (or the ``reference_date`` argument).
    """

    source: Path
    layout: int | str
    reference_date: dt.date | None
    lea: str | None
    persons: pd.DataFrame
    requests: pd.DataFrame
    assessments: pd.DataFrame
    plans: pd.DataFrame
    placements: pd.DataFrame
    needs: pd.DataFrame
    issues: pd.DataFrame = field(repr=False)


# --- items: tag, column, kind, codes ------------------------------------------------------------------------------

_ALL = frozenset(LAYOUTS)


@dataclass(frozen=True)
class _Item:
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
def _allowed(item: _Item, layout: int) -> frozenset[str]:
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

_HEADER = [
    _Item("Collection", "collection", "code", _codes("SEN2")),
    _Item("Year", "year", "text"),
    _Item("ReferenceDate", "reference_date", "date"),
    _Item("SourceLevel", "source_level", "code", _codes("L")),
    _Item("LEA", "lea", "digits", size=3),
    _Item("SoftwareCode", "software_code", "text"),
    _Item("Release", "release", "text"),
    _Item("SerialNo", "serial_no", "text"),
    _Item("DateTime", "date_time", "text"),
    _Item("DMO", "dmo", "code", _codes("Y", "N", "R")),
    _Item("DCO", "dco", "code", _codes("Y", "N", "R")),
    _Item("DSCO", "dsco", "code", _codes("Y", "N", "R"), layouts=frozenset({2025})),
]
_PERSON = [
    _Item("Surname", "surname", "text"),
    _Item("Forename", "forename", "text"),
    _Item("PersonBirthDate", "birth_date", "date"),
    _Item("GenderCurrent", "sex", "code", _codes("0", "1", "2", "9"), layouts=frozenset({2023})),
    _Item("Sex", "sex", "code", _codes("M", "F", "U"), layouts=frozenset({2024, 2025})),
    _Item("Ethnicity", "ethnicity", "code", _ETHNICITY),
    _Item("PostCode", "postcode", "text"),
    _Item("UPN", "upn", "upn"),
    _Item("UniqueLearnerNumber", "uln", "digits", size=10),
    _Item("UPNunknown", "upn_unknown", "code", frozenset(f"UN{i}" for i in range(1, 11))),
]
_REQUEST = [
    _Item("ReceivedDate", "received_date", "date"),
    _Item("RequestSource", "request_source", "code", _codes("1", "2", "3", "4", "5"), layouts=frozenset({2025})),
    _Item("RYA", "rya", _FLAG),
    _Item("RequestOutcomeDate", "request_outcome_date", "date"),
    _Item("RequestOutcome", "request_outcome", "code", _OUTCOME),
    _Item("RequestMediation", "request_mediation", _FLAG),
    _Item("RequestTribunal", "request_tribunal", _FLAG),
    _Item("Exported", "exported", "digits", size=3),
]
_ASSESSMENT = [
    _Item("AssessmentOutcome", "assessment_outcome", "code", _OUTCOME),
    _Item("AssessmentOutcomeDate", "assessment_outcome_date", "date"),
    _Item("AssessmentMediation", "assessment_mediation", _FLAG),
    _Item("AssessmentTribunal", "assessment_tribunal", _FLAG),
    _Item("OtherMediation", "other_mediation", _FLAG),
    _Item("OtherTribunal", "other_tribunal", _FLAG),
    _Item("Week20", "week20", _FLAG),
]
_NAMED_PLAN = [
    _Item("StartDate", "start_date", "date"),
    _Item("PlanRes", "plan_res", "code", _codes("A", "B")),
    _Item("PlanWBP", "plan_wbp", "code", _codes("A", "T", "S")),
    _Item("PB", "pb", _FLAG),
    _Item("OA", "oa", _FLAG),
    _Item("DP", "dp", "code", _codes("E", "S", "H", "I")),
    _Item("CeaseDate", "cease_date", "date"),
    _Item("CeaseReason", "cease_reason", "code", frozenset(str(i) for i in range(1, 10))),
]
_SETTING = [
    _Item("URN", "urn", "digits", size=6),
    _Item("UKPRN", "ukprn", "digits", size=8),
    _Item("SENSetting", "sen_setting", "code", _SEN_SETTING, added=(("OTH", 2024),), alias=("SENsetting",)),
    _Item("SENSettingOther", "sen_setting_other", "text"),
    _Item("PlacementRank", "rank", "code", _codes("1", "2")),
    _Item("SENunitIndicator", "sen_unit", _FLAG),
    _Item("ResourcedProvisionIndicator", "resourced_provision", _FLAG),
]
_PLACEMENT = _SETTING + [
    _Item("EntryDate", "entry_date", "date"),
    _Item("LeavingDate", "leaving_date", "date"),
    _Item("AttendancePattern", "attendance_pattern", "ignore", layouts=frozenset({2023})),
    _Item("Res", "res", "code", _codes("A", "B"), layouts=frozenset({2024, 2025})),
    _Item("WBP", "wbp", "code", _codes("A", "T", "S"), layouts=frozenset({2024, 2025})),
]
_ACTIVE_PLAN = [
    _Item("TransferLA", "transfer_la", "digits", size=3),
    _Item("Res", "res", "code", _codes("A", "B"), layouts=frozenset({2023})),
    _Item("WBP", "wbp", "code", _codes("A", "T", "S"), layouts=frozenset({2023})),
    _Item("ReviewMeeting", "review_meeting", "date", layouts=frozenset({2024, 2025})),
    _Item("ReviewOutcome", "review_outcome", "code", _codes("A", "C", "M"), layouts=frozenset({2024, 2025})),
    _Item("ReviewDraft", "review_draft", "date", layouts=frozenset({2025})),
    _Item("LastReview", "last_review", "date"),
    _Item("PhaseTransferDueDate", "phase_transfer_due_date", "date", layouts=frozenset({2025})),
    _Item("PhaseTransferFinalDate", "phase_transfer_final_date", "date", layouts=frozenset({2025})),
]
_NEED = [
    _Item("SENtype", "sen_type", "code", _SEN_TYPE, added=(("DS", 2025),)),
    _Item("SENtypeRank", "rank", "code", _codes("1", "2")),
]

_GENDER_TO_SEX = {"1": "M", "2": "F", "0": "U", "9": "U"}
"""2023 ``GenderCurrent`` (CBDS: 0 not known, 1 male, 2 female, 9 not specified) mapped onto 2024's ``Sex``."""

# --- output tables: column → dtype --------------------------------------------------------------------------------

_COLUMNS: dict[str, dict[str, str]] = {
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


def _parse(item: _Item, text: str, layout: int, file: Path, where: str, name: str, *,
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


# --- accumulating rows ------------------------------------------------------------------------------------------


_CHUNK = 5000
"""Requests read between conversions of the accumulated rows into typed frames (keeps memory near the output)."""


@dataclass
class _Rows:
    """Rows of every table as they are read, with the element path or CSV line of each request and person.

    Every :data:`_CHUNK` requests the rows are converted into typed frames (:meth:`flush`), so memory holds the
    compact frames rather than millions of small Python objects.
    """

    chunks: dict[str, list[pd.DataFrame]] = field(default_factory=lambda: {name: [] for name in _COLUMNS})
    persons: list[dict] = field(default_factory=list)
    person_where: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    request_where: list[str] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)
    needs: list[dict] = field(default_factory=list)

    def add_request(self, person_id: str, number: int, where: str, request: dict, assessment: dict | None,
                    named: dict | None, plan_details: list[dict], active: dict | None,
                    attended: list[dict], needs: list[dict]) -> None:
        keys = {"person_id": person_id, "request_id": f"{person_id}-{number}"}
        self.requests.append(keys | request)
        self.request_where.append(where)
        if assessment is not None:
            self.assessments.append(keys | assessment)
        if named is not None or active is not None:
            self.plans.append(keys | {"named": named is not None, "active": active is not None}
                              | (named or {}) | (active or {}))
        # 2023: Res/WBP sit on ActivePlans; they describe the attended placements, so they are copied onto them
        carried = {k: v for k, v in (active or {}).items() if k in ("res", "wbp")}
        for detail in plan_details:
            self.placements.append(keys | {"kind": "named"} | detail)
        for detail in attended:
            self.placements.append(keys | {"kind": "attended"} | carried | detail)
        for need in needs:
            self.needs.append(keys | need)
        if len(self.requests) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        """Move the rows read so far into typed frames."""
        for name in _COLUMNS:
            records: list[dict] = getattr(self, name)
            if records:
                self.chunks[name].append(_frame(records, _COLUMNS[name]))
                records.clear()

    def tables(self) -> dict[str, pd.DataFrame]:
        """All rows as typed frames with the columns of :data:`_COLUMNS`."""
        self.flush()
        return {name: pd.concat(chunks, ignore_index=True) if chunks else _frame([], _COLUMNS[name])
                for name, chunks in self.chunks.items()}


# --- XML ----------------------------------------------------------------------------------------------------------


_MAX_CHILDREN = {"Assessment": 1, "ActivePlans": 1, "NamedPlan": 1, "PlanDetail": 2, "SENneed": 2}
_REQUIRED = {
    "Person": ("PersonBirthDate",),
    "Requests": ("RequestOutcome",),
    "Assessment": ("AssessmentOutcome",),
    "NamedPlan": ("StartDate",),
    "PlanDetail": ("PlacementRank",),
    "PlacementDetail": ("PlacementRank", "EntryDate"),
    "SENneed": ("SENtype", "SENtypeRank"),
}


def _lookup(items: list[_Item]) -> dict[str, _Item]:
    """Tag → item, including other spellings of the tag."""
    return {tag: item for item in items for tag in (item.tag, *item.alias)}


class _XmlReader:
    """Turns Person elements into rows; one instance per file."""

    def __init__(self, file: Path, layout: int) -> None:
        self.file = file
        self.layout = layout
        self.rows = _Rows()
        self.items = {name: _lookup(items) for name, items in (
            ("Person", _PERSON), ("Requests", _REQUEST), ("Assessment", _ASSESSMENT), ("NamedPlan", _NAMED_PLAN),
            ("PlanDetail", _SETTING), ("ActivePlans", _ACTIVE_PLAN), ("PlacementDetail", _PLACEMENT),
            ("SENneed", _NEED))}
        self.children = {"Person": ("Requests",), "Requests": ("Assessment", "ActivePlans"),
                         "Assessment": ("NamedPlan",), "NamedPlan": ("PlanDetail",),
                         "ActivePlans": ("PlacementDetail", "SENneed")}

    def group(self, el: etree._Element, path: str) -> tuple[dict, dict[str, list[tuple[etree._Element, str]]]]:
        """Values of one element's items and its child groups (with their paths); InputError on a misfit."""
        name = el.tag
        items = self.items[name]
        allowed_children = self.children.get(name, ())
        values: dict[str, object] = {}
        seen: set[str] = set()
        kids: dict[str, list[tuple[etree._Element, str]]] = {c: [] for c in allowed_children}
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                if isinstance(child, etree._Entity):
                    raise InputError(self.file, "an entity reference in the XML", where=path, field=child.text,
                                     expected="plain values (entity references are not allowed in SEN2 returns)")
                continue
            if tag in kids:
                n = len(kids[tag]) + 1
                limit = _MAX_CHILDREN.get(tag)
                if limit is not None and n > limit:
                    raise InputError(self.file, f"too many {tag} elements", where=f"{path}/{tag}[{n}]",
                                     expected=f"at most {limit} {tag} in each {name}", found=n)
                kids[tag].append((child, f"{path}/{tag}[{n}]"))
                continue
            item = items.get(tag)
            where = f"{path}/{tag}"
            if item is None:
                known = [i.tag for i in items.values() if self.layout in i.layouts] + list(allowed_children)
                close = difflib.get_close_matches(tag, known, n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise InputError(self.file, f"unexpected element in {name}{hint}", where=where,
                                 expected="one of " + ", ".join(dict.fromkeys(known)), found=tag)
            if self.layout not in item.layouts:
                years = " and ".join(map(str, sorted(item.layouts)))
                raise InputError(self.file, f"element not in the {self.layout} SEN2 layout (header Year)",
                                 where=where, expected=f"{tag} only in the {years} layout", found=tag)
            if item.column in seen:
                raise InputError(self.file, "element given twice", where=where, expected="at most one", found=tag)
            seen.add(item.column)
            if len(child) and any(isinstance(c, etree._Entity) for c in child):
                raise InputError(self.file, "an entity reference in the XML", where=where, field=tag,
                                 expected="plain values (entity references are not allowed in SEN2 returns)",
                                 found=next(c.text for c in child if isinstance(c, etree._Entity)))
            text = (child.text or "").strip()
            if not text or item.kind == "ignore":
                continue
            values[item.column] = _parse(item, text, self.layout, self.file, where, tag)
        for tag in _REQUIRED.get(name, ()):
            if items[tag].column not in values:
                raise InputError(self.file, f"a required element is missing or blank in {name}",
                                 where=f"{path}/{tag}", field=tag, expected=f"a {tag} in every {name}")
        return values, kids

    def person(self, el: etree._Element, number: int) -> None:
        path = f"Message/Persons/Person[{number}]"
        person_id = str(number)
        values, kids = self.group(el, path)
        if not kids["Requests"]:
            raise InputError(self.file, "a person has no Requests", where=path,
                             expected="at least one Requests element in each Person")
        self.rows.persons.append({"person_id": person_id} | values)
        self.rows.person_where.append(path)
        for k, (req_el, req_path) in enumerate(kids["Requests"], start=1):
            request, rkids = self.group(req_el, req_path)
            assessment = named = active = None
            plan_details: list[dict] = []
            attended: list[dict] = []
            needs: list[dict] = []
            for a_el, a_path in rkids["Assessment"]:
                assessment, akids = self.group(a_el, a_path)
                for n_el, n_path in akids["NamedPlan"]:
                    named, nkids = self.group(n_el, n_path)
                    plan_details = [self.group(d, p)[0] for d, p in nkids["PlanDetail"]]
            for p_el, p_path in rkids["ActivePlans"]:
                active, pkids = self.group(p_el, p_path)
                attended = [self.group(d, p)[0] for d, p in pkids["PlacementDetail"]]
                needs = [self.group(d, p)[0] for d, p in pkids["SENneed"]]
            self.rows.add_request(person_id, k, req_path, request, assessment, named, plan_details, active,
                                  attended, needs)


def _newlines(file: Path) -> int:
    """Number of line breaks in the (decompressed) file: a syntax error on the last line means it was cut off."""
    count = 0
    with open_binary(file, KIND) as stream:
        try:
            while chunk := stream.read(1 << 20):
                count += chunk.count(b"\n")
        except DAMAGED:
            pass
    return count


def _header(el: etree._Element, file: Path) -> dict[str, object]:
    """Header items (CollectionDetails and Source) with the layout year checked."""
    items = {i.tag: i for i in _HEADER}
    values: dict[str, object] = {}
    for section in el:
        if not isinstance(section.tag, str):
            continue
        if section.tag not in ("CollectionDetails", "Source"):
            raise InputError(file, "unexpected element in Header", where=f"Message/Header/{section.tag}",
                             expected="CollectionDetails and Source", found=section.tag)
        for child in section:
            if not isinstance(child.tag, str):
                continue
            where = f"Message/Header/{section.tag}/{child.tag}"
            item = items.get(child.tag)
            if item is None:
                raise InputError(file, "unexpected element in the header", where=where,
                                 expected="one of " + ", ".join(items), found=child.tag)
            text = (child.text or "").strip()
            if text:
                values[item.tag] = _parse(item, text, max(LAYOUTS), file, where, item.tag)
    year = values.get("Year")
    where = "Message/Header/CollectionDetails/Year"
    if year is None:
        raise InputError(file, "the header has no Year, so the SEN2 layout cannot be told", where=where,
                         expected="the return year, e.g. 2025")
    if not (isinstance(year, str) and year.isdigit() and int(year) in (*LAYOUTS, 2026)):
        raise InputError(file, "unknown SEN2 year layout", where=where, expected="2023, 2024, 2025 or 2026",
                         found=year)
    if "Collection" not in values:
        raise InputError(file, "the header does not say this is a SEN2 return",
                         where="Message/Header/CollectionDetails/Collection", expected="SEN2")
    values["layout"] = min(int(year), max(LAYOUTS))
    if "DSCO" in values and values["layout"] < 2025:
        raise InputError(file, f"element not in the {values['layout']} SEN2 layout",
                         where="Message/Header/Source/DSCO", expected="only in the 2025 layout", found="DSCO")
    return values


_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
_UNMARKED: tuple[tuple[bytes, str, str], ...] = (
    (b"<\x00?\x00", "UTF-16", "utf-16-le"), (b"\x00<\x00?", "UTF-16", "utf-16-be"), (b"<", "UTF-8", "utf-8"))
_DECLARED = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _xml_encoding(head: bytes, file: Path) -> str | None:
    """The encoding of an XML file from its first bytes (None: not XML); InputError when the XML declaration
    names a different encoding from the one the bytes are written in.

    A byte-order mark or the pattern of ``<?`` tells how the bytes are written (XML 1.0 appendix F); UTF-16
    with a matching declaration is valid XML and is read. A mismatch (a file saved as UTF-16 that still says
    ``encoding="UTF-8"``, or the reverse) gets a message about the XML, not the CSV advice.
    """
    actual = codec = None
    body = head
    for bom, name in _BOMS:
        if head.startswith(bom):
            actual, body = name, head[len(bom):]
            codec = {"UTF-8": "utf-8", "UTF-16": "utf-16", "UTF-32": "utf-32"}[name]
            body = head
            break
    if actual is None:
        stripped = head.lstrip(b" \t\r\n")
        for start, name, c in _UNMARKED:
            if stripped.startswith(start):
                actual, codec, body = name, c, stripped
                break
    if actual is None:
        return None
    text = body.decode(codec, errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        return None  # e.g. a CSV with a byte-order mark
    declared = _DECLARED.match(text)
    if declared:
        name = declared[1].upper().replace("_", "-")
        family = "UTF-16" if name.startswith("UTF-16") else "UTF-32" if name.startswith("UTF-32") else (
            "UTF-8" if name in ("UTF-8", "UTF8", "US-ASCII", "ASCII") else name)
        if family != actual and not (actual == "UTF-8" and family in ("ISO-8859-1", "LATIN-1", "WINDOWS-1252")):
            raise InputError(file, "the XML declaration names a different encoding from the one the file is "
                             "written in (re-save the XML so that they agree)", where="line 1 (XML declaration)",
                             field="encoding", expected=f'encoding="{actual}", as the file is written in {actual}',
                             found=declared[1])
    elif actual not in ("UTF-8",):
        raise InputError(file, "the XML is written in " + actual + " but has no XML declaration saying so",
                         where="line 1", expected=f'<?xml version="1.0" encoding="{actual}"?>')
    return actual


def _read_xml(stream: BinaryIO, file: Path) -> tuple[_Rows, dict[str, object]]:
    """Stream the XML, converting and clearing one Person at a time."""
    header: dict[str, object] | None = None
    reader: _XmlReader | None = None
    persons = 0
    stack: list[str] = []
    context = etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                              no_network=True, remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        for event, el in context:
            if event == "start":
                stack.append(el.tag)
                depth = len(stack)
                if depth == 1:
                    docinfo = el.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        raise InputError(file, "the XML has a document type declaration (DTD); SEN2 returns must "
                                         "not declare entities or a DTD", where="line 1", field="DOCTYPE",
                                         expected="no <!DOCTYPE ...> and no entity references (&name;)",
                                         found=docinfo.doctype or "an internal DTD")
                    qname = etree.QName(el)
                    if qname.namespace:
                        raise InputError(file, "wrong XML namespace on the root element", where=qname.localname,
                                         expected="a Message element with no namespace",
                                         found=f"namespace {qname.namespace}")
                    if el.tag != "Message":
                        raise InputError(file, "wrong root element; this is not a SEN2 return",
                                         where=str(el.tag), expected="Message")
                elif depth == 2 and el.tag not in ("Header", "Persons"):
                    raise InputError(file, "unexpected element in Message", where=f"Message/{el.tag}",
                                     expected="Header and Persons", found=el.tag)
                elif depth == 3 and stack[1] == "Persons":
                    if el.tag != "Person":
                        raise InputError(file, "unexpected element in Persons", where=f"Message/Persons/{el.tag}",
                                         expected="Person", found=el.tag)
                    if reader is None:
                        raise InputError(file, "Persons come before the Header", where="Message/Persons",
                                         expected="Header first, giving the return Year")
                continue
            stack.pop()
            depth = len(stack) + 1
            if depth == 2 and el.tag == "Header":
                header = _header(el, file)
                reader = _XmlReader(file, int(header["layout"]))  # type: ignore[arg-type]
                el.clear()
            elif depth == 3 and el.tag == "Person" and reader is not None:
                persons += 1
                reader.person(el, persons)
                el.clear()
                parent = el.getparent()
                while el.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        truncated = line is not None and line >= _newlines(file)
        problem = ("the XML stops part-way through (the file is truncated)" if truncated
                   else f"the XML is not well formed ({exc.msg})")
        raise InputError(file, problem, where=f"line {line}" if line else None,
                         expected="a complete, well-formed XML file") from None
    except DAMAGED:
        raise InputError(file, "the compressed (.gz) file is damaged or truncated", expected=KIND) from None
    if header is None or reader is None:
        raise InputError(file, "the return has no Header", where="Message/Header",
                         expected="Header/CollectionDetails with the return Year")
    if persons == 0:
        raise InputError(file, "the return holds no Person records", where="Message/Persons",
                         expected="at least one Person")
    return reader.rows, header


# --- CSV ----------------------------------------------------------------------------------------------------------

_CSV_PERSON = {"PersonID": None} | {i.tag: i for i in _PERSON}
_CSV_GROUPS: dict[str, dict[str, _Item]] = {
    "request": {i.tag: i for i in _REQUEST},
    "assessment": {i.tag: i for i in _ASSESSMENT},
    "named": {i.tag: i for i in _NAMED_PLAN},
    "plan_detail": {f"Plan{i.tag}": i for i in _SETTING if i.tag != "PlacementRank"},
    "active": {i.tag: i for i in _ACTIVE_PLAN if 2025 in i.layouts},
    "placement": {i.tag: i for i in _PLACEMENT if 2025 in i.layouts and i.tag != "PlacementRank"},
    "need1": {"SENtype1": _NEED[0]},
    "need2": {"SENtype2": _NEED[0]},
}
CSV_REQUIRED: tuple[str, ...] = ("PersonID", "PersonBirthDate", "ReceivedDate", "RequestOutcome",
                                 "RequestOutcomeDate", "AssessmentOutcome", "AssessmentOutcomeDate", "Week20")
"""Columns the flat CSV must have (others in ``data/templates/sen2_flat_csv.md`` are optional)."""
CSV_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(
    [*_CSV_PERSON] + [tag for group in _CSV_GROUPS.values() for tag in group]))
"""Every column the flat CSV may carry, in template order."""


def _csv_values(items: dict[str, _Item | None], cells: dict[str, str], file: Path, line: str) -> dict:
    """Parsed values of the given CSV columns present in one row (2023's GenderCurrent checked as 2023)."""
    out: dict[str, object] = {}
    for tag, item in items.items():
        if item is not None and tag in cells:
            layout = 2023 if tag == "GenderCurrent" else max(LAYOUTS)
            out[item.column] = _parse(item, cells[tag], layout, file, line, tag, uk_dates=True)
    return out


def _read_csv(file: Path) -> _Rows:
    """One row per request → the same rows as the XML (persons grouped by PersonID in order of appearance)."""
    table, lines = read_csv_text(file, KIND)
    header = list(table.columns)
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
    rows = _Rows()
    people: dict[str, tuple[dict, str, int]] = {}  # PersonID → (values, first line, requests so far)
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
        needs = [{"sen_type": grouped[g]["sen_type"], "rank": str(r)}
                 for r, g in ((1, "need1"), (2, "need2")) if grouped[g]]
        active = grouped["active"] or None
        if active is None and (placement or needs):
            active = {}
        rows.add_request(person_id, people[person_id][2], line, grouped["request"],
                         grouped["assessment"] or None, named,
                         [grouped["plan_detail"] | {"rank": "1"}] if grouped["plan_detail"] else [],
                         active, [placement | {"rank": "1"}] if placement else [], needs)
    return rows


# --- frames, schemas and rules ------------------------------------------------------------------------------------


def _frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """Rows → a typed frame with exactly ``columns`` (dates as datetime64, flags boolean, numbers Int64)."""
    frame = pd.DataFrame.from_records(records, columns=list(columns)) if records else pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in columns})
    for column, kind in columns.items():
        values = frame[column]
        if kind == "date":
            frame[column] = pd.to_datetime(values, format="%Y-%m-%d")
        elif kind == "bool":
            frame[column] = values.astype("boolean")
        elif kind == "int":
            frame[column] = pd.to_numeric(values).astype("Int64")
        else:
            frame[column] = values.astype("str")
    return frame


class _Issues:
    """Collects rule failures: count and up to three places per rule."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, list[str]]] = {}

    def add(self, rule: str, mask: pd.Series, where: pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        n = int(mask.sum())
        if n:
            count, examples = self.found.get(rule, (0, []))
            examples = examples + [w for w in where[mask].head(3) if w not in examples]
            self.found[rule] = (count + n, examples[:3])

    def frame(self) -> pd.DataFrame:
        rows = [{"rule": rule, "description": RULES[rule], "count": count, "examples": "; ".join(examples)}
                for rule, (count, examples) in sorted(self.found.items())]
        return pd.DataFrame(rows, columns=["rule", "description", "count", "examples"]).astype(
            {"count": "int64"})


def _check_rules(t: dict[str, pd.DataFrame], rows: _Rows, reference_date: dt.date | None) -> pd.DataFrame:
    """Evaluate the guidance-implied rules (module docstring) on the typed tables."""
    issues = _Issues()
    req = t["requests"].copy()
    req["where"] = rows.request_where
    where_of = req.set_index("request_id")["where"]
    a = t["assessments"].merge(req[["request_id", "received_date", "request_outcome", "request_outcome_date"]],
                               on="request_id", how="left")
    a_where = a["request_id"].map(where_of)
    plans = t["plans"].merge(t["assessments"][["request_id", "assessment_outcome"]], on="request_id", how="left")
    plans = plans.merge(req[["request_id", "request_outcome"]], on="request_id", how="left")
    p_where = plans["request_id"].map(where_of)
    places = t["placements"]
    pl_where = places["request_id"].map(where_of)

    issues.add("received_date_missing", req["received_date"].isna() & (req["request_outcome"] != "H"),
               req["where"])
    issues.add("dates_out_of_order", req["request_outcome_date"] < req["received_date"], req["where"])
    issues.add("dates_out_of_order", (a["assessment_outcome_date"] < a["request_outcome_date"])
               | (a["assessment_outcome_date"] < a["received_date"]), a_where)
    issues.add("dates_out_of_order", plans["cease_date"] < plans["start_date"], p_where)
    issues.add("dates_out_of_order", places["leaving_date"] < places["entry_date"], pl_where)
    issues.add("outcome_date_missing", req["request_outcome"].isin(["Y", "N"]) & req["request_outcome_date"].isna(),
               req["where"])
    issues.add("outcome_date_missing", (a["assessment_outcome"] == "N") & a["assessment_outcome_date"].isna(),
               a_where)
    issues.add("outcome_date_unexpected", (req["request_outcome"] == "A") & req["request_outcome_date"].notna(),
               req["where"])
    issues.add("outcome_date_unexpected", (a["assessment_outcome"] == "A") & a["assessment_outcome_date"].notna(),
               a_where)
    issues.add("assessment_not_agreed", a["request_outcome"].isin(["N", "A", "W"]), a_where)
    issues.add("plan_not_agreed", plans["named"] & (plans["request_outcome"].isin(["N", "A", "W"])
                                                    | plans["assessment_outcome"].isin(["N", "A", "W"])), p_where)
    issues.add("week20_missing", (a["assessment_outcome"] == "Y") & a["assessment_outcome_date"].notna()
               & a["week20"].isna(), a_where)

    persons = t["persons"]
    person_where = pd.Series(rows.person_where, index=persons.index)
    for column in ("upn", "uln"):
        issues.add("duplicate_person", persons[column].notna() & persons[column].duplicated(keep="first"),
                   person_where)
    issues.add("no_identifier", persons[["upn", "uln", "upn_unknown"]].isna().all(axis=1), person_where)

    if reference_date is not None:
        limit = pd.Timestamp(reference_date)
        for name, where in (("requests", req["where"]), ("assessments", a_where), ("plans", p_where),
                            ("placements", pl_where)):
            dates = [c for c, kind in _COLUMNS[name].items() if kind == "date"]
            issues.add("date_after_reference_date", (t[name][dates] > limit).any(axis=1),
                       where.set_axis(t[name].index))
    return issues.frame()


def _validate(t: dict[str, pd.DataFrame], file: Path) -> dict[str, pd.DataFrame]:
    return {name: schemas.validate(frame, schemas.SEN2[name], file) for name, frame in t.items()}


def read(path: Path | str, reference_date: dt.date | None = None) -> Sen2Tables:
    """Read a SEN2 person-level XML (``.xml`` or ``.xml.gz``) or flat CSV into validated tables.

    Parameters
    ----------
    path
        The LA's SEN2 return or case-management extract. XML is recognised by content (it starts with ``<``),
        anything else is read as the flat CSV.
    reference_date
        Dates after this are reported (rule ``date_after_reference_date``). Defaults to the XML header's
        ``ReferenceDate``; for a CSV without it the rule is not checked.

    Returns
    -------
    Sen2Tables
        Tidy tables keyed by ``person_id`` (XML: the Person's position in the file, as the XML has no person ID;
        CSV: ``PersonID``) and ``request_id`` (``<person_id>-<n>``, the n-th request of that person).

    Raises
    ------
    InputError
        For the fatal problems listed in the module docstring.
    """
    file = Path(path)
    with open_binary(file, KIND) as stream:
        try:
            head = stream.peek(256)[:256]  # type: ignore[attr-defined]
        except DAMAGED:
            raise InputError(file, "the compressed (.gz) file is damaged or truncated", expected=KIND) from None
        is_xml = _xml_encoding(head, file) is not None
        if is_xml:
            rows, header = _read_xml(stream, file)
    if is_xml:
        layout: int | str = int(header["layout"])  # type: ignore[arg-type]
        header_date = header.get("ReferenceDate")
        if reference_date is None and header_date is not None:
            reference_date = dt.date.fromisoformat(str(header_date))
        lea = header.get("LEA")
    else:
        rows = _read_csv(file)
        layout, lea = "csv", None
    tables = _validate(rows.tables(), file)
    issues = _check_rules(tables, rows, reference_date)
    return Sen2Tables(source=file, layout=layout, reference_date=reference_date,
                      lea=None if lea is None else str(lea), issues=issues, **tables)

