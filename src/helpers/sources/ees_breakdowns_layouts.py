"""Where the DfE release keeps its breakdowns of plans in place, described as data for
:mod:`helpers.sources.ees_breakdowns`.

Three breakdowns of the January census, each mapped onto one set of categories so that years from different
releases line up:

* ``placement`` (type of establishment attended): columns of ``caseload.csv``'s "All EHC plans" row in the
  2025 and 2026 topic files; rows of ``sen2_estab_caseload.csv`` (``establishment_type``) in the 2022 layout;
* ``need`` (primary type of need): columns of ``sen_needs_all_plans.csv`` (2025) or ``sen_needs_caseload.csv``
  (2026), "All EHC plans" row; not in the 2022 layout;
* ``ceased_reason`` and ``ceased_age`` (plans ceased in the calendar year, by reason and by age band):
  ``ceased_plans.csv``, columns of the "All ceased EHC plans" row and rows "Age plan ceased" (2025 layout on);
* ``age`` (age band of the child or young person): ``caseload.csv`` rows with breakdown_topic "Child or young
  persons age" (single years, grouped into DfE's 2022 bands); ``sen2_age_caseload.csv`` rows
  (``characteristic_age``) in the 2022 layout.

Each breakdown also carries the category :data:`ALL` (the published total of plans in place), the denominator
of every share. Source: ``../shared/ees/*/data-guidance/data-guidance.txt`` (column descriptions).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The category holding the published total of plans in place, in every breakdown of the census.
ALL = "All EHC plans"
#: The headline row of ``ceased_plans.csv``; the ceased breakdowns' total is stored under :data:`ALL` too.
CEASED = "All ceased EHC plans"

MAINSTREAM = "Mainstream school"
UNIT = "Resourced provision or SEN unit"
SPECIAL_LA = "Special school: council maintained"
SPECIAL_ACADEMY = "Special school: academy or free school"
SPECIAL_NM = "Special school: non-maintained"
SPECIAL_INDEPENDENT = "Special school: independent"
HOSPITAL = "Hospital school"
AP = "Alternative provision or pupil referral unit"
FE = "Further education college or other post-16 provider"
SPECIALIST_POST16 = "Specialist post-16 institution"
NEET = "Not in education, employment or training"
EHE = "Elective home education"
AWAITING = "Awaiting provision"
OTHER = "Other arrangements"
EARLY_YEARS = "Early years setting (non-maintained)"
UNKNOWN = "Placement not recorded"

#: Placement categories in display order.
PLACEMENTS: tuple[str, ...] = (MAINSTREAM, UNIT, SPECIAL_LA, SPECIAL_ACADEMY, SPECIAL_NM, SPECIAL_INDEPENDENT,
                               HOSPITAL, AP, FE, SPECIALIST_POST16, NEET, EHE, AWAITING, OTHER, EARLY_YEARS,
                               UNKNOWN)
#: The special-school categories (their sum is the share in special schools).
SPECIAL: tuple[str, ...] = (SPECIAL_LA, SPECIAL_ACADEMY, SPECIAL_NM, SPECIAL_INDEPENDENT, HOSPITAL)

#: ``caseload.csv`` (2025, 2026) column -> placement category. Only leaf columns: DfE's ``*_total`` and
#: ``ed_elsewhere`` columns are sums of these (``ed_elsewhere`` = EHE + other arrangements + NEET, checked on
#: England 2025: 49,750).
PLACEMENT_COLUMNS: dict[str, str] = {
    "mainstream_la_maintained": MAINSTREAM, "mainstream_academy": MAINSTREAM,
    "mainstream_free_school": MAINSTREAM, "mainstream_independent": MAINSTREAM,
    "mainstream_la_maintained_resourced_provision": UNIT, "mainstream_la_maintained_senunit": UNIT,
    "mainstream_academy_resourced_provision": UNIT, "mainstream_academy_senunit": UNIT,
    "mainstream_free_school_resourced_provision": UNIT, "mainstream_free_school_senunit": UNIT,
    "special_la_maintained": SPECIAL_LA, "special_academy_free": SPECIAL_ACADEMY,
    "special_academy": SPECIAL_ACADEMY, "special_free_school": SPECIAL_ACADEMY,
    "special_non_maintained": SPECIAL_NM, "special_independent": SPECIAL_INDEPENDENT,
    "ap_pru_academy": AP, "ap_pru_free_school": AP, "ap_pru_la_maintained": AP,
    "general_fe_tertiary_colleges": FE, "ukrlp_provider": FE, "specialist_post_16_institutions": SPECIALIST_POST16,
    "neet": NEET, "neet_ntci": NEET, "neet_other": NEET, "neet_other_csa": NEET,
    "elective_home_education": EHE,
    "other_arrangements_la": OTHER, "other_arrangements_parents": OTHER, "online_provider": OTHER,
    "w_settings": OTHER, "other_schools": OTHER, "other_placement_settings": OTHER,
    "perm_ex_2022": OTHER, "perm_ex": OTHER,
    "await_prov_2022": AWAITING, "await_prov": AWAITING,
    "nm_early_years": EARLY_YEARS, "placement_unknown": UNKNOWN,
}

#: ``sen2_estab_caseload.csv`` (2022) ``establishment_type`` -> placement category (rows whose type is "Total"
#: are DfE's group subtotals, except the Total/Total row, which is :data:`ALL`). Work-based learning
#: (apprenticeships, traineeships, supported internships; DfE's group "Unknown", 2016-2018) counts as post-16.
PLACEMENT_TYPES_2022: dict[str, str] = {
    "Mainstream - LA maintained": MAINSTREAM, "Mainstream - Academy": MAINSTREAM,
    "Mainstream - Free school": MAINSTREAM, "Mainstream - Independent": MAINSTREAM,
    "Mainstream - LA maintained - SEN unit": UNIT, "Mainstream - LA maintained - Resourced provision": UNIT,
    "Mainstream - Academy - SEN unit": UNIT, "Mainstream - Academy - Resourced Provision": UNIT,
    "Mainstream - Free school - SEN unit": UNIT, "Mainstream - Free school - Resourced provision": UNIT,
    "Special - LA maintained": SPECIAL_LA, "Special - Academy/free": SPECIAL_ACADEMY,
    "Special - Academy": SPECIAL_ACADEMY, "Special - Free school": SPECIAL_ACADEMY,
    "Special - Non-maintained": SPECIAL_NM, "Special - Independent": SPECIAL_INDEPENDENT, "Hospital School": HOSPITAL,
    "AP/PRU - LA maintained": AP, "AP/PRU - Academy": AP, "AP/PRU - Free school": AP,
    "General FE and tertiary colleges/HE": FE, "Other FE": FE, "Sixth form college": FE,
    "Specialist post-16 institutions": SPECIALIST_POST16, "Independent specialist providers": SPECIALIST_POST16,
    "Apprenticeship": FE, "Supported Internship": FE, "Traineeship": FE, "Work-based learning": FE,
    "NEET": NEET, "Elective home education": EHE,
    "Other": OTHER, "Other arrangements by local authority": OTHER, "Other arrangements by parents": OTHER,
    "Permanently excluded": OTHER, "Non-maintained early years": EARLY_YEARS, "Awaiting provision - total": AWAITING,
}
AWAITING_PREFIX_2022 = "Awaiting provision - "

#: Primary need: ``sen_needs_all_plans.csv`` column -> need (DfE's names, data guidance).
NEED_COLUMNS: dict[str, str] = {
    "number_asd": "Autistic spectrum disorder", "number_slcn": "Speech, language and communication needs",
    "number_semh": "Social, emotional and mental health", "number_mld": "Moderate learning difficulty",
    "number_sld": "Severe learning difficulty", "number_pmld": "Profound and multiple learning difficulty",
    "number_spld": "Specific learning difficulty", "number_pd": "Physical disability",
    "number_hi": "Hearing impairment", "number_vi": "Vision impairment", "number_msi": "Multi-sensory impairment",
    "number_ds": "Down syndrome", "number_oth": "Other difficulty or disability",
    "number_need_unknown": "Need not recorded",
}

#: Why plans ceased: ``ceased_plans.csv`` column -> reason (data guidance). The guidance calls ``other``
#: "reason is not recorded" and ``not_rec`` "ceased for other reasons", the reverse of their names, so the two
#: are one category. Calendar years.
CEASED_COLUMNS: dict[str, str] = {
    "max_age": "Maximum age reached", "needs_met": "Needs met without a plan", "he": "Moved to higher education",
    "employ": "Moved to paid employment", "transfer": "Transferred to another council",
    "no_engage": "Young person no longer wishes to engage", "moved_outside_eng": "Moved outside England",
    "deceased": "Child or young person died", "not_rec": "Other reason, or not recorded",
    "other": "Other reason, or not recorded",
}

AGE_BANDS: tuple[str, ...] = ("Under 5", "Age 5 to 10", "Age 11 to 15", "Age 16 to 19", "Age 20 to 25")
AGE_UNKNOWN = "Age not recorded"
_AGE_SINGLE = {"under 3": 0, "age 2 and under": 0, "age 20 and over": 20, **{f"age {n}": n for n in range(3, 26)}}


def age_band(label: str) -> str | None:
    """DfE's 2022 age band of a 2025-layout age label (``age 7`` -> "Age 5 to 10"); None for an unknown label."""
    age = _AGE_SINGLE.get(label.strip().lower())
    if age is None:
        return label.strip() if label.strip() in AGE_BANDS else None
    bounds = ((4, AGE_BANDS[0]), (10, AGE_BANDS[1]), (15, AGE_BANDS[2]), (19, AGE_BANDS[3]))
    return next((band for top, band in bounds if age <= top), AGE_BANDS[4])


@dataclass(frozen=True)
class BreakdownFile:
    """One release file holding a breakdown: its name, the layout and which breakdowns it gives."""

    name: str
    layout: str  # "topic" (2025, 2026) or "sen2_2022"
    breakdowns: tuple[str, ...]


#: The files read, by lower-case file name.
FILES: dict[str, BreakdownFile] = {
    "caseload.csv": BreakdownFile("caseload.csv", "topic", ("placement", "age")),
    "ceased_plans.csv": BreakdownFile("ceased_plans.csv", "topic", ("ceased_reason", "ceased_age")),
    "sen_needs_all_plans.csv": BreakdownFile("sen_needs_all_plans.csv", "topic", ("need",)),
    "sen_needs_caseload.csv": BreakdownFile("sen_needs_caseload.csv", "topic", ("need",)),
    "sen2_estab_caseload.csv": BreakdownFile("sen2_estab_caseload.csv", "sen2_2022", ("placement",)),
    "sen2_age_caseload.csv": BreakdownFile("sen2_age_caseload.csv", "sen2_2022", ("age",)),
}
