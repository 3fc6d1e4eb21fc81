"""The layouts of DfE's "Education, health and care plans" release, described as data (one table per layout).

Each :class:`Layout` lists the files of releases in that layout, the column and label of each file's headline
("All ...") row, which source column feeds which measure of the ``ees`` table, and what was renamed against the
layout before. :mod:`helpers.sources.ees` matches a release against these tables and never special-cases a year,
so the next renaming by DfE is a new :class:`Layout` (or a changed row) plus a test fixture, not new logic.

Column names are matched case-insensitively (``PC_`` / ``pc_``). A source column may hold a year placeholder,
resolved from the latest ``time_period`` in the file: ``{yyyy}`` (``review_expected_2025``), ``{yy}`` and
``{yy1}`` (the next year, two digits: ``due_26``), because DfE writes the collection year into some column names.

Sources: ``../shared/reference/ees_statistics.md`` §1 (2025 headers read from the real zip), the 2026 data
guidance and sample (``../shared/ees/2026-sample/README.md`` lists every change against 2025), the 2022 zip, and
the 2024 release's ``sen2_mi.csv`` and ``sen2_age_caseload.csv`` headers (``MastodonC/witan.send.benchmarking``
commit 5ca2fe17, ``src-data/education-health-and-care-plans_2024``). The 2023 release was not seen: it is assumed
to use the 2024 names (``docs/architecture.md``, "DfE release layouts").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileLayout:
    """One file of a release layout.

    ``headline`` holds (column, label) pairs that pick the headline rows (all must match; empty: every row is a
    headline row). ``measures`` maps ``ees`` measures to the source column (lower case); ``optional`` measures
    are read when their column is there. ``within`` lists
    (part, whole) measure pairs where the part can never exceed the whole. ``repair_topic`` names the breakdown
    topic whose rows add up to the headline, used to repair a region total copied into council rows.
    ``tidy`` is False for a spreadsheet-style supporting file, which is listed but not parsed. ``census`` marks a
    file whose four-digit ``time_period`` is a January census, not a calendar year of activity.
    """

    name: str
    headline: tuple[tuple[str, str], ...] = ()
    measures: Mapping[str, str] = field(default_factory=dict)
    optional: Mapping[str, str] = field(default_factory=dict)
    within: tuple[tuple[str, str], ...] = ()
    required: bool = True
    repair_topic: str | None = None
    tidy: bool = True
    census: bool = False


@dataclass(frozen=True)
class Layout:
    """A release layout: its files, and the reporting years of the releases that use it (``last_year`` None:
    still current). ``changes`` says in plain words what changed against the layout before (for the docs and
    the data-quality page)."""

    name: str
    first_year: int
    last_year: int | None
    files: tuple[FileLayout, ...]
    changes: tuple[str, ...] = ()

    def file(self, name: str) -> FileLayout | None:
        return next((f for f in self.files if f.name == name), None)


def _all(label: str) -> tuple[tuple[str, str], ...]:
    return (("breakdown", label),)


_TIMELINESS_PAIRS = (
    ("plans_issued_within_20_weeks", "plans_issued"), ("plans_issued_within_20_weeks_ex", "plans_issued_ex"),
    ("plans_issued_20_to_52_weeks", "plans_issued"), ("plans_issued_20_to_52_weeks_ex", "plans_issued_ex"),
    ("plans_issued_over_52_weeks", "plans_issued"), ("plans_issued_over_52_weeks_ex", "plans_issued_ex"),
)
_REQUESTS = {
    "requests_received": "requests_received_in_year",
    "requests_decided_to_assess": "requests_decided_to_assess",
    "requests_decided_not_to_assess": "requests_decided_not_to_assess",
    "requests_withdrawn": "requests_withdrawn",
    "requests_decision_not_made": "requests_decision_not_made",
    "requests_decided_within_6_weeks": "request_outcome_six_weeks",
    "requests_decided_over_6_weeks": "request_outcome_over_6_weeks",
    "requests_mediation_related": "mediation_related_request",
    "requests_tribunal_related": "tribunal_related_request",
}
_ASSESSMENTS = {
    "assessments_completed": "assess_in_year",
    "assessments_plan_issued": "assess_issued",
    "assessments_plan_not_issued": "assess_not_issued",
}
_TIMELINESS = {
    "plans_issued": "plans_issued_den",
    "plans_issued_within_20_weeks": "plans_issued_within_20_weeks",
    "plans_issued_ex": "plans_issued_den_ex",
    "plans_issued_within_20_weeks_ex": "plans_issued_20_weeks_ex",
    "plans_issued_20_to_52_weeks": "plans_issued_gt20weeks_ltyear",
    "plans_issued_20_to_52_weeks_ex": "plans_issued_gt20weeks_ltyear_ex",
    "plans_issued_over_52_weeks": "plans_issued_gt_1_year",
    "plans_issued_over_52_weeks_ex": "plans_issued_gt_1_year_ex",
}
# Files read for their x/z counts and keys only (no measure of the ees table comes from them).
_EXTRA_2025 = ("personal_budgets.csv", "residential_settings.csv", "sen_need_newplans.csv",
               "sen_needs_all_plans.csv", "work_based_placements.csv", "sen2_dmo_dco.csv")

LAYOUT_2026 = Layout(
    name="2026 topic files", first_year=2026, last_year=None,
    files=(
        FileLayout("requests.csv", _all("All requests for an EHC needs assessment"), _REQUESTS),
        FileLayout("assessments.csv", _all("All EHC needs assessments"), _ASSESSMENTS),
        FileLayout("newplans.csv", _all("All new EHC plans"), {"new_plans": "new_ehc_plans"}, repair_topic="Sex"),
        FileLayout("timeliness_20_week.csv", _all("All EHC plans"), {
            **_TIMELINESS, "avg_weeks_to_issue": "avg_weeks_issue_plan",
            "avg_weeks_to_issue_ex": "avg_weeks_issue_plan_exc"}, within=_TIMELINESS_PAIRS),
        FileLayout("caseload.csv", _all("All EHC plans"), {"plans_in_place": "ehcplans"}),
        FileLayout("annual_reviews.csv", _all("All reviews of EHC plans"), {
            "reviews_expected": "review_expected_{yyyy}",
            "reviews_completed": "review_completed_{yyyy}",
            "reviews_decision_within_4_weeks": "decision_4_weeks",
            "reviews_decision_over_4_weeks": "decision_over_4_weeks",
        }, {
            "reviews_not_completed": "review_not_completed",
            "reviews_outcome_amended": "outcome_amended",
            "reviews_outcome_ceased": "outcome_ceased",
            "reviews_outcome_maintained": "outcome_maintained",
        }),
        FileLayout("ceased_plans.csv", _all("All ceased EHC plans"), {"plans_ceased": "total_ceased"}),
        FileLayout("phase_transfers.csv", (), {
            "phase_transfers_due": "due_{yy}",
            "phase_transfers_final": "final_{yy}",
            "phase_transfers_due_next_year": "due_{yy1}",
            "phase_transfers_final_next_year": "final_{yy1}",
        }, required=False),
        *(FileLayout(n, required=False) for n in _EXTRA_2025 if n != "sen_needs_all_plans.csv"),
        FileLayout("sen_needs_caseload.csv", required=False),
        FileLayout("send appealable decisions rate 2024-2025.csv", required=False, tidy=False),
    ),
    changes=(
        "headline labels: requests 'All requests for EHC needs assessments' -> 'All requests for an EHC needs "
        "assessment'; newplans 'New EHC plans' -> 'All new EHC plans'; timeliness 'All EHC plans issued' -> "
        "'All EHC plans'; annual_reviews 'All annual reviews' -> 'All reviews of EHC plans'",
        "timeliness_20_week.csv: PC_ -> pc_, ltYear -> ltyear, new avg_weeks_issue_plan and "
        "avg_weeks_issue_plan_exc",
        "annual_reviews.csv: new column set (review_expected_2025, review_completed_2025, outcome_amended, "
        "decision_4_weeks, ...); the 2025 review_meeting_*, review_decision*, pc_ columns are gone",
        "new phase_transfers.csv (no breakdown columns; due_25, due_26, final_25, final_26, number_plans)",
        "caseload/newplans: special_academy_free split into special_academy and special_free_school; "
        "AP_PRU_total_pc -> ap_pru_total_pc; newplans await_prov_2022, perm_ex_2022 -> await_prov, perm_ex",
        "ceased_plans.csv drops not_rec; residential_settings Res_* -> res_*; sen_need_newplans adds number_ds, "
        "ds_pc; sen_needs_all_plans.csv -> sen_needs_caseload.csv",
        "supporting file 'SEND Tribunals and appeal rate 2014-2024.csv' -> 'SEND appealable decisions rate "
        "2024-2025.csv' (a spreadsheet-style table: listed, not read)",
    ),
)

LAYOUT_2025 = Layout(
    name="2025 topic files", first_year=2025, last_year=2025,
    files=(
        FileLayout("requests.csv", _all("All requests for EHC needs assessments"), _REQUESTS),
        FileLayout("assessments.csv", _all("All EHC needs assessments"), _ASSESSMENTS),
        FileLayout("newplans.csv", _all("New EHC plans"), {"new_plans": "new_ehc_plans"}, repair_topic="Sex"),
        FileLayout("timeliness_20_week.csv", _all("All EHC plans issued"), _TIMELINESS, within=_TIMELINESS_PAIRS),
        FileLayout("caseload.csv", _all("All EHC plans"), {"plans_in_place": "ehcplans"}),
        FileLayout("annual_reviews.csv", _all("All annual reviews"), {
            "reviews_expected": "review_expected",
            "reviews_decision_within_4_weeks": "number_decsion_4weeks",
            "reviews_decision_over_4_weeks": "number_decision_gt_4weeks",
        }, {
            "reviews_outcome_amended": "outcome_amend",
            "reviews_outcome_ceased": "outcome_cease",
            "reviews_outcome_maintained": "outcome_maintan",
        }),
        FileLayout("ceased_plans.csv", _all("All ceased EHC plans"), {"plans_ceased": "total_ceased"}),
        *(FileLayout(n, required=False) for n in _EXTRA_2025),
        FileLayout("send tribunals and appeal rate 2014-2024.csv", required=False, tidy=False),
    ),
    changes=("the release reorganised into topic files (requests.csv, timeliness_20_week.csv, ...) with series "
             "from 2019 (January 2019 census for caseload)",),
)

_MI_2022 = {
    "requests_received": "inreqehc",
    "requests_decided_not_to_assess": "assrefusedehc",
    "assessments_plan_issued": "newallehc",
    "assessments_plan_not_issued": "assnoneehc",
    "new_plans": "newallehc",
    "plans_issued": "totincexcehc",
    "plans_issued_within_20_weeks": "incexc20weekehc",
    "plans_issued_ex": "totnoexcehc",
    "plans_issued_within_20_weeks_ex": "noexc20weekehc",
}
#: snake_case names of the same columns (2024 release header; 2023 assumed the same).
_MI_2024 = {
    "requests_received": "inreq_ehc",
    "requests_decided_not_to_assess": "ass_refused_ehc",
    "assessments_plan_issued": "new_all_ehc",
    "assessments_plan_not_issued": "ass_none_ehc",
    "new_plans": "new_all_ehc",
    "plans_issued": "tot_inc_exc_ehc",
    "plans_issued_within_20_weeks": "inc_exc_20week_ehc",
    "plans_issued_ex": "tot_no_exc_ehc",
    "plans_issued_within_20_weeks_ex": "no_exc_20week_ehc",
}
_MI_EXTRA = ("sen2_age_new_plans.csv", "sen2_estab_caseload.csv", "sen2_estab_new_plans.csv",
             "sen2_wbp_residential_dmo.csv", "sen2_characteristics_caseload.csv",
             "sen2_characteristics_new_plans.csv", "sen2_dmo_dco.csv", "sen2_residential_statements.csv",
             "sen2_wbp.csv")

LAYOUT_2023 = Layout(
    name="2023-2024 sen2_mi (snake_case)", first_year=2023, last_year=2024,
    files=(
        # NewallEHC / new_all_ehc ("assessed and a plan issued") is both new plans and assessments ending in a
        # plan, as in the 2025 release (53,899 for England 2019 in both).
        FileLayout("sen2_mi.csv", (), _MI_2024, within=_TIMELINESS_PAIRS[:2]),
        FileLayout("sen2_age_caseload.csv", (("age", "Total"), ("ehcp_or_statement", "Total")),
                   {"plans_in_place": "num_caseload"}, census=True),
        *(FileLayout(n, required=False) for n in _MI_EXTRA),
    ),
    changes=("sen2_mi.csv columns renamed from CamelCase to snake_case (InreqEHC -> inreq_ehc, TotNoExcEHC -> "
             "tot_no_exc_ehc, ...); sen2_age_caseload.csv long format (age, ehcp_or_statement, num_caseload)",),
)

LAYOUT_2022 = Layout(
    name="2022 sen2_mi (CamelCase)", first_year=2022, last_year=2022,
    files=(
        FileLayout("sen2_mi.csv", (), _MI_2022, within=_TIMELINESS_PAIRS[:2]),
        # until 2018 Total_all includes statements of SEN, the predecessor of EHC plans (as DfE published it)
        FileLayout("sen2_age_caseload.csv", (("characteristic_age", "Total"),), {"plans_in_place": "total_all"},
                   census=True),
        *(FileLayout(n, required=False) for n in _MI_EXTRA),
    ),
)

#: Every layout understood, newest first (the order they are tried in).
LAYOUTS: tuple[Layout, ...] = (LAYOUT_2026, LAYOUT_2025, LAYOUT_2023, LAYOUT_2022)


def resolve(column: str, year: int) -> str:
    """A source column name with its year placeholders filled in for the file's latest year."""
    return column.format(yyyy=f"{year:04d}", yy=f"{year % 100:02d}", yy1=f"{(year + 1) % 100:02d}")
