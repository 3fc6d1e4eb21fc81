"""Pandera schemas for every tidy table: the one place that says what valid data is.

Readers validate with :func:`validate` so that a failure names the file, the row and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from helpers.areas import ENGLAND_CODE
from helpers.errors import InputError


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str | Path,
             row_labels: pd.Series | None = None) -> pd.DataFrame:
    """Validate ``frame`` against ``schema``; raise :class:`InputError` naming file, row and column.

    ``row_labels`` maps the frame's index to what the user sees (e.g. the CSV line number); by default the
    index value is reported as the row.
    """
    try:
        return schema.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        if cases is None or len(cases) == 0:
            raise InputError(file, str(exc).splitlines()[0]) from None
        first = cases.iloc[0]
        index = first.get("index")
        where = None
        if index is not None and not pd.isna(index):
            label = row_labels.loc[index] if row_labels is not None and index in row_labels.index else index
            where = f"row {label}"
        check = str(first.get("check"))
        column = first.get("column")
        n = len(cases)
        more = f" ({n} problems in all; this is the first)" if n > 1 else ""
        raise InputError(file, f"value fails the check {check}{more}", where=where,
                         field=None if pd.isna(column) else str(column),
                         found=first.get("failure_case")) from None


# --- EES (DfE release) schemas: owned by helpers.sources.ees -------------------------------------------------

#: Geography levels kept from the DfE release, highest first (the order rows are sorted in).
EES_LEVELS: tuple[str, ...] = ("National", "Regional", "Local authority")
#: Key and descriptive columns of the wide ``ees`` table (docs/architecture.md "Tables").
EES_KEYS: tuple[str, ...] = ("year", "geographic_level", "area_code", "area_name", "la_code", "region_code",
                             "region_name", "source")
#: Count measures of the ``ees`` table, in column order (counts of children/young people, requests or plans).
EES_COUNTS: tuple[str, ...] = (
    "requests_received", "requests_decided_to_assess", "requests_decided_not_to_assess", "requests_withdrawn",
    "requests_decision_not_made", "requests_decided_within_6_weeks", "requests_decided_over_6_weeks",
    "requests_mediation_related", "requests_tribunal_related", "assessments_completed", "assessments_plan_issued",
    "assessments_plan_not_issued", "new_plans", "plans_issued", "plans_issued_within_20_weeks", "plans_issued_ex",
    "plans_issued_within_20_weeks_ex", "plans_issued_20_to_52_weeks", "plans_issued_20_to_52_weeks_ex",
    "plans_issued_over_52_weeks", "plans_issued_over_52_weeks_ex", "plans_in_place", "reviews_expected",
    "reviews_decision_within_4_weeks", "reviews_decision_over_4_weeks", "plans_ceased",
    # from the 2025 and 2026 layouts (annual reviews) and the 2026 layout only (phase transfers)
    "reviews_completed", "reviews_not_completed", "reviews_outcome_amended", "reviews_outcome_ceased",
    "reviews_outcome_maintained", "phase_transfers_due", "phase_transfers_final", "phase_transfers_due_next_year",
    "phase_transfers_final_next_year",
)
#: Averages published by DfE (2026 layout on): not counts, so never summed or recomputed.
EES_AVERAGES: tuple[str, ...] = ("avg_weeks_to_issue", "avg_weeks_to_issue_ex")
#: Every measure read from the release (counts, then averages).
EES_MEASURES: tuple[str, ...] = (*EES_COUNTS, *EES_AVERAGES)
#: Percentages recomputed from counts: measure -> (numerator, denominator).
EES_PERCENTAGES: dict[str, tuple[str, str]] = {
    "pct_within_20_weeks": ("plans_issued_within_20_weeks", "plans_issued"),
    "pct_within_20_weeks_ex": ("plans_issued_within_20_weeks_ex", "plans_issued_ex"),
}
#: Every column of the ``ees`` table in order (percentages sit after the timeliness counts).
EES_COLUMNS: tuple[str, ...] = (
    *EES_KEYS, *EES_COUNTS[: EES_COUNTS.index("plans_in_place")], *EES_PERCENTAGES,
    *EES_COUNTS[EES_COUNTS.index("plans_in_place"):], *EES_AVERAGES,
)

_EES_COLUMN_CHECKS: dict[str, pa.Column] = {
    "year": pa.Column(int, pa.Check.in_range(2000, 2100)),
    "geographic_level": pa.Column(str, pa.Check.isin(EES_LEVELS)),
    "area_code": pa.Column(str, pa.Check.str_matches(rf"^({ENGLAND_CODE}|E12\d{{6}}|\d{{3}})$")),
    "area_name": pa.Column(str, pa.Check.str_length(min_value=1)),
    "la_code": pa.Column(str, pa.Check.str_matches(r"^E\d{8}$"), nullable=True),
    "region_code": pa.Column(str, pa.Check.str_matches(r"^E12\d{6}$"), nullable=True),
    "region_name": pa.Column(str, nullable=True),
    "source": pa.Column(str, pa.Check.str_length(min_value=1)),
    **{m: pa.Column(float, pa.Check.ge(0), nullable=True) for m in EES_MEASURES},
    **{m: pa.Column(float, pa.Check.in_range(0, 100), nullable=True) for m in EES_PERCENTAGES},
}
EES = pa.DataFrameSchema(
    {name: _EES_COLUMN_CHECKS[name] for name in EES_COLUMNS},
    unique=["year", "geographic_level", "area_code"],
    strict=True,
    ordered=True,
    coerce=False,
)

# --- SEN2 (person-level) schemas: owned by helpers.sources.sen2 -----------------------------------------------
# The reader checks code sets and formats item by item (so that a message can name the XML element); these
# schemas are the contract of the tidy tables it returns: columns, types, keys and code sets.


def _sen2_text(codes: list[str] | None = None, nullable: bool = True) -> pa.Column:
    return pa.Column(str, pa.Check.isin(codes) if codes else None, nullable=nullable)


def _sen2_date(nullable: bool = True) -> pa.Column:
    return pa.Column(pa.DateTime, nullable=nullable)


def _sen2_flag() -> pa.Column:
    return pa.Column("boolean", nullable=True)


_SEN2_OUTCOMES = ["Y", "N", "A", "W", "H"]
_SEN2_KEYS = {"person_id": _sen2_text(nullable=False), "request_id": _sen2_text(nullable=False)}

_t, _d, _f = _sen2_text, _sen2_date, _sen2_flag
SEN2: dict[str, pa.DataFrameSchema] = {
    "persons": pa.DataFrameSchema({
        "person_id": pa.Column(str, unique=True, nullable=False), "upn": _t(), "uln": _t(), "upn_unknown": _t(),
        "surname": _t(), "forename": _t(), "birth_date": _d(nullable=False), "sex": _t(["M", "F", "U"]),
        "ethnicity": _t(), "postcode": _t()}, strict=True, ordered=True),
    "requests": pa.DataFrameSchema({
        "person_id": _t(nullable=False), "request_id": pa.Column(str, unique=True, nullable=False),
        "received_date": _d(), "request_source": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4, 5]), nullable=True),
        "rya": _f(), "request_outcome_date": _d(), "request_outcome": _t(_SEN2_OUTCOMES, nullable=False),
        "request_mediation": _f(), "request_tribunal": _f(), "exported": _t()}, strict=True, ordered=True),
    "assessments": pa.DataFrameSchema({
        "person_id": _t(nullable=False), "request_id": pa.Column(str, unique=True, nullable=False),
        "assessment_outcome": _t(_SEN2_OUTCOMES, nullable=False), "assessment_outcome_date": _d(),
        "assessment_mediation": _f(), "assessment_tribunal": _f(), "other_mediation": _f(),
        "other_tribunal": _f(), "week20": _f()}, strict=True, ordered=True),
    "plans": pa.DataFrameSchema({
        **_SEN2_KEYS, "named": pa.Column("boolean"), "active": pa.Column("boolean"), "start_date": _d(),
        "cease_date": _d(), "cease_reason": pa.Column("Int64", pa.Check.in_range(1, 9), nullable=True),
        "plan_res": _t(["A", "B"]), "plan_wbp": _t(["A", "T", "S"]), "pb": _f(), "oa": _f(),
        "dp": _t(["E", "S", "H", "I"]), "transfer_la": _t(), "review_meeting": _d(),
        "review_outcome": _t(["A", "C", "M"]), "review_draft": _d(), "last_review": _d(),
        "phase_transfer_due_date": _d(), "phase_transfer_final_date": _d()},
        unique=["request_id"], strict=True, ordered=True),
    "placements": pa.DataFrameSchema({
        **_SEN2_KEYS, "kind": _t(["named", "attended"], nullable=False),
        "rank": pa.Column("Int64", pa.Check.isin([1, 2])), "urn": _t(), "ukprn": _t(), "sen_setting": _t(),
        "sen_setting_other": _t(), "sen_unit": _f(), "resourced_provision": _f(), "entry_date": _d(),
        "leaving_date": _d(), "res": _t(["A", "B"]), "wbp": _t(["A", "T", "S"])}, strict=True, ordered=True),
    "needs": pa.DataFrameSchema({
        **_SEN2_KEYS, "sen_type": _t(nullable=False), "rank": pa.Column("Int64", pa.Check.isin([1, 2]))},
        strict=True, ordered=True),
}
"""Tidy SEN2 tables returned by :func:`helpers.sources.sen2.read` (child-level: memory only)."""
del _t, _d, _f

# --- EP workforce schemas: owned by helpers.sources.workforce ---------------------------------------------------
# Column checks; cross-column rules (in post ≤ establishment + locum, completed ≤ received, ...) and period order
# are checked by the reader, which names the row and both columns.


def _workforce_measure(whole: bool = False, nullable: bool = True) -> pa.Column:
    checks = [pa.Check.ge(0)]
    if whole:
        checks.append(pa.Check(lambda s: (s % 1 == 0) | s.isna(), element_wise=False, name="whole number"))
    return pa.Column(float, checks, nullable=nullable)


WORKFORCE = pa.DataFrameSchema({
    "period_end": pa.Column(pa.DateTime, nullable=False),
    "establishment_fte": _workforce_measure(nullable=False),
    "eps_in_post_fte": _workforce_measure(nullable=False),
    "locum_fte": _workforce_measure(),
    "vacancies_fte": _workforce_measure(),
    "joiners_fte": _workforce_measure(),
    "leavers_fte": _workforce_measure(),
    "trainees": _workforce_measure(whole=True),
    "advice_requests_received": _workforce_measure(whole=True),
    "advice_completed": _workforce_measure(whole=True),
    "advice_completed_within_6_weeks": _workforce_measure(whole=True),
    "locum_spend_gbp": _workforce_measure(),
}, strict=True, ordered=True)
"""EP workforce table returned by :func:`helpers.sources.workforce.read` (template: data/templates/README.md)."""

# --- Statistical neighbours schema: owned by helpers.sources.neighbours ------------------------------------------

#: Closeness bands of the DfE/NFER statistical neighbour model (LAIT), after stripping the source's trailing spaces.
NEIGHBOUR_BANDS: tuple[str, ...] = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
_NINE_CHAR_CODE = r"^E\d{8}$"

NEIGHBOURS = pa.DataFrameSchema(
    {
        "la_code": pa.Column(str, pa.Check.str_matches(_NINE_CHAR_CODE)),
        "la_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "SN": pa.Column(int, pa.Check.in_range(1, 10)),
        "SN_code": pa.Column(str, pa.Check.str_matches(_NINE_CHAR_CODE)),
        "SN_name": pa.Column(str, pa.Check.str_length(min_value=1)),
        "SN_prox": pa.Column(str, pa.Check.isin(NEIGHBOUR_BANDS), nullable=True),
    },
    strict=False,
    coerce=False,
)
