"""The per-request case table derived from SEN2 tables, its monthly/quarterly aggregates and DfE's headline counts.

Counting rules (stated once, used everywhere):

* **20 weeks.** The EHC plan must be issued within 20 weeks of the date the request for an EHC needs assessment
  was received (SEND Regulations 2014, reg. 13(2); SEND Code of Practice 2015, para 9.40). A plan is *within 20
  weeks* when it is issued no later than 140 days after the request received date: day 140 counts as within,
  day 141 does not. DfE measures "the duration, in days, between the date of the request for assessment and
  the date of the assessment outcome" (PQ 2202, July 2024) but does not publish whether its boundary is ≤140
  or <140 days (``../shared/reference/sen2_person_level.md`` §3); ≤140 is the reading of "within 20 weeks".
* **Weeks** are days / 7, not rounded.
* **Exceptions.** "Excluding exceptions" drops plans whose SEN2 ``Week20`` flag is 1 (one of the reg. 13(3)
  exceptions applied); "including exceptions" counts every plan issued.
* **6 weeks.** The decision whether to assess must be given within 6 weeks (reg. 5(1)): decided within 6
  weeks ⇔ request outcome date − received date ≤ 42 days.
* **As at the period end.** A case is described as it stood on ``period_end``: requests received later are
  left out and decision or issue dates after it are treated as not yet happened, so a newer extract reproduces
  an older quarter's figures. Dates that run backwards (outcome before the request) give no duration and no
  20-week or 6-week result (DfE treats such cases as "not available", PQ 2202); the reader reports them.
* Historical requests (``RequestOutcome = H``: decision before the collection period, or a plan transferred
  in) are not cases: they have no request-to-plan timeline in this data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from helpers.sources.sen2 import Sen2Tables

WITHIN_20_WEEKS_DAYS = 140
"""Last day (counting from the request received date) on which a plan is still issued within 20 weeks."""
DECISION_DAYS = 42
"""Last day on which the decision whether to assess is within 6 weeks (SEND Regulations 2014, reg. 5(1))."""

OPEN_STAGES: tuple[str, ...] = ("awaiting decision", "being assessed")
STAGES: tuple[str, ...] = ("plan issued", "refused", "withdrawn", "assessed, no plan", *OPEN_STAGES)
OVERDUE_BANDS: tuple[str, ...] = ("not yet 20 weeks", "up to 6 weeks overdue", "6 to 12 weeks overdue",
                                  "12 to 26 weeks overdue", "over 26 weeks overdue")
"""Bands of weeks overdue (elapsed − 20) for open cases: 0; (0, 6]; (6, 12]; (12, 26]; over 26."""

CASE_COLUMNS: tuple[str, ...] = (
    "person_id", "request_id", "received_date", "decision_date", "decision", "weeks_to_decision",
    "decided_within_6_weeks", "assessment_outcome", "plan_issue_date", "weeks_to_issue", "within_20_weeks",
    "exception", "stage", "open", "weeks_elapsed", "weeks_overdue", "age_at_request", "dates_impossible")
PERIOD_COLUMNS: tuple[str, ...] = (
    "period", "requests_received", "decisions", "decisions_within_6_weeks", "refusals", "plans_issued",
    "plans_issued_within_20_weeks", "plans_issued_ex", "plans_issued_within_20_weeks_ex", "pct_within_20_weeks",
    "pct_within_20_weeks_ex")
HEADLINE_KEYS: tuple[str, ...] = (
    "requests_received", "requests_decided_to_assess", "requests_decided_not_to_assess", "requests_withdrawn",
    "plans_issued", "plans_issued_within_20_weeks", "plans_issued_ex", "plans_issued_within_20_weeks_ex",
    "new_plans")

_DECISIONS = {"Y": "assess", "N": "not_assess", "W": "withdrawn", "A": "pending"}


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole days from ``earlier`` to ``later`` (float, NaN when either is missing or the order is reversed)."""
    days = (later - earlier).dt.days.astype("float64")
    return days.where(days >= 0)


def _age_years(birth: pd.Series, on: pd.Series) -> pd.Series:
    """Age in completed years on a date (birthday not yet reached that year → one less)."""
    before_birthday = (on.dt.month < birth.dt.month) | ((on.dt.month == birth.dt.month) & (on.dt.day < birth.dt.day))
    return (on.dt.year - birth.dt.year - before_birthday.astype(int)).astype("Int64")


def _joined(tables: Sen2Tables, end: pd.Timestamp) -> pd.DataFrame:
    """Requests received by ``end`` (historical ones left out) with their assessment and the child's birth date."""
    req = tables.requests
    req = req[(req["request_outcome"] != "H") & req["received_date"].notna() & (req["received_date"] <= end)]
    df = req.merge(tables.assessments[["request_id", "assessment_outcome", "assessment_outcome_date", "week20"]],
                   on="request_id", how="left")
    return df.merge(tables.persons[["person_id", "birth_date"]], on="person_id", how="left")


def _decision(df: pd.DataFrame, end: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """Each request's decision (:data:`_DECISIONS`; "pending" when made after ``end``) and its date (assess or not
    only)."""
    outcome_date = df["request_outcome_date"].where(df["request_outcome_date"] <= end)
    decided_later = df["request_outcome"].isin(["Y", "N"]) & df["request_outcome_date"].notna() & outcome_date.isna()
    decision = df["request_outcome"].map(_DECISIONS).where(~decided_later, "pending")
    return decision, outcome_date.where(decision.isin(["assess", "not_assess"]))


def _impossible(df: pd.DataFrame) -> pd.Series:
    """Impossible dates (SEN2 rule dates_out_of_order): a decision before the request was received, or a plan
    issued before the request or before the decision to assess.

    Such records are left out of every timeliness count (decisions within 6 weeks, plans within 20 weeks) and
    counted instead (:func:`impossible_dates`).
    """
    return ((df["request_outcome_date"] < df["received_date"])
            | (df["assessment_outcome_date"] < df["received_date"])
            | (df["assessment_outcome_date"] < df["request_outcome_date"])).fillna(False).astype(bool)


def _assessment(df: pd.DataFrame, decision: pd.Series, end: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """The assessment outcome of agreed requests as at ``end`` (plan, no_plan, withdrawn, ongoing) and the plan's
    issue date."""
    a_date = df["assessment_outcome_date"].where(df["assessment_outcome_date"] <= end)
    a_later = df["assessment_outcome_date"].notna() & a_date.isna()
    a_code = df["assessment_outcome"]
    outcome = pd.Series(np.select(
        [(a_code == "Y") & a_date.notna(), (a_code == "N") & ~a_later, a_code == "W"],
        ["plan", "no_plan", "withdrawn"], default="ongoing"), index=df.index, dtype="str")
    assessment_outcome = outcome.where(decision == "assess")
    return assessment_outcome, a_date.where(assessment_outcome == "plan")


def derive(tables: Sen2Tables, period_end: dt.date) -> pd.DataFrame:
    """One row per request (columns :data:`CASE_COLUMNS`), as it stood at ``period_end``.

    Parameters
    ----------
    tables
        Validated SEN2 tables from :func:`helpers.sources.sen2.read`.
    period_end
        The date the case statuses and open-case waits are measured at (rules in the module docstring).

    Returns
    -------
    DataFrame
        ``decision`` is ``assess``, ``not_assess``, ``withdrawn`` or ``pending``; ``assessment_outcome`` (for
        agreed requests only) is ``plan``, ``no_plan``, ``withdrawn`` or ``ongoing`` (no outcome yet, or the
        decision to issue is made but the plan is not yet issued); ``stage`` is one of :data:`STAGES`;
        ``weeks_elapsed`` and ``weeks_overdue`` (max(0, elapsed − 20)) are given for open cases only.
    """
    end = pd.Timestamp(period_end)
    df = _joined(tables, end)
    decision, decision_date = _decision(df, end)
    impossible = _impossible(df)
    assessment_outcome, plan_issue_date = _assessment(df, decision, end)
    days_to_issue = _days(plan_issue_date, df["received_date"]).where(~impossible)
    days_to_decision = _days(decision_date, df["received_date"]).where(~impossible)
    stage = pd.Series(np.select(
        [decision == "pending", decision == "not_assess", decision == "withdrawn", assessment_outcome == "plan",
         assessment_outcome == "no_plan", assessment_outcome == "withdrawn"],
        ["awaiting decision", "refused", "withdrawn", "plan issued", "assessed, no plan", "withdrawn"],
        default="being assessed"), index=df.index, dtype="str")
    is_open = stage.isin(OPEN_STAGES)
    elapsed = ((end - df["received_date"]).dt.days / 7).where(is_open)
    cases = pd.DataFrame({
        "person_id": df["person_id"],
        "request_id": df["request_id"],
        "received_date": df["received_date"],
        "decision_date": decision_date,
        "decision": decision.astype("str"),
        "weeks_to_decision": days_to_decision / 7,
        "decided_within_6_weeks": (days_to_decision <= DECISION_DAYS).astype("boolean").where(
            days_to_decision.notna()),
        "assessment_outcome": assessment_outcome,
        "plan_issue_date": plan_issue_date,
        "weeks_to_issue": days_to_issue / 7,
        "within_20_weeks": (days_to_issue <= WITHIN_20_WEEKS_DAYS).astype("boolean").where(days_to_issue.notna()),
        "exception": df["week20"].fillna(False).astype(bool),
        "stage": stage,
        "open": is_open.astype(bool),
        "weeks_elapsed": elapsed,
        "weeks_overdue": (elapsed - 20).clip(lower=0),
        "age_at_request": _age_years(df["birth_date"], df["received_date"]),
        "dates_impossible": impossible.to_numpy(),
    })
    return cases.reset_index(drop=True)


def by_period(cases: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Monthly (``"M"``) or quarterly (``"Q"``) counts (columns :data:`PERIOD_COLUMNS`), one row per period start.

    Each event is counted in the period it happened: requests by received date, decisions and refusals by
    decision date, plans by issue date. Percentages are within-20-week plans over plans issued × 100
    (NaN when no plans were issued); ``_ex`` columns leave out exception cases.
    """
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be 'M' or 'Q', not {freq!r}")

    def start(dates: pd.Series) -> pd.Series:
        return dates.dt.to_period(freq).dt.start_time

    valid = ~cases["dates_impossible"].astype(bool)
    decided = cases["decision"].isin(["assess", "not_assess"]) & cases["decision_date"].notna() & valid
    plans = cases["plan_issue_date"].notna() & valid
    within = cases["within_20_weeks"].fillna(False).astype(bool)
    ex = ~cases["exception"]
    events = {
        "requests_received": start(cases["received_date"]),
        "decisions": start(cases["decision_date"][decided]),
        "decisions_within_6_weeks": start(cases["decision_date"][
            decided & cases["decided_within_6_weeks"].fillna(False).astype(bool)]),
        "refusals": start(cases["decision_date"][decided & (cases["decision"] == "not_assess")]),
        "plans_issued": start(cases["plan_issue_date"][plans]),
        "plans_issued_within_20_weeks": start(cases["plan_issue_date"][plans & within]),
        "plans_issued_ex": start(cases["plan_issue_date"][plans & ex]),
        "plans_issued_within_20_weeks_ex": start(cases["plan_issue_date"][plans & within & ex]),
    }
    all_starts = pd.concat(list(events.values())).dropna()
    if all_starts.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PERIOD_COLUMNS}).astype(
            {"period": "datetime64[us]"})
    periods = pd.period_range(all_starts.min(), all_starts.max(), freq=freq).start_time
    out = pd.DataFrame({"period": periods})
    for name, starts in events.items():
        out[name] = starts.value_counts().reindex(periods, fill_value=0).to_numpy().astype("int64")
    for suffix in ("", "_ex"):
        issued = out[f"plans_issued{suffix}"]
        out[f"pct_within_20_weeks{suffix}"] = (100 * out[f"plans_issued_within_20_weeks{suffix}"]
                                              / issued.where(issued > 0))
    return out[list(PERIOD_COLUMNS)]


def impossible_dates(cases: pd.DataFrame) -> int:
    """Requests left out of the timeliness figures because their dates run backwards (see :func:`derive`)."""
    return int(cases["dates_impossible"].astype(bool).sum())


def open_by_stage(cases: pd.DataFrame) -> pd.DataFrame:
    """Open cases at the period end by stage: ``stage``, ``open_cases``, ``overdue`` (past 20 weeks)."""
    open_cases = cases[cases["open"]]
    counts = open_cases["stage"].value_counts().reindex(list(OPEN_STAGES), fill_value=0)
    overdue = open_cases.loc[open_cases["weeks_overdue"] > 0, "stage"].value_counts().reindex(
        list(OPEN_STAGES), fill_value=0)
    return pd.DataFrame({"stage": list(OPEN_STAGES), "open_cases": counts.to_numpy().astype("int64"),
                         "overdue": overdue.to_numpy().astype("int64")})


def open_by_weeks_overdue(cases: pd.DataFrame) -> pd.DataFrame:
    """Open cases at the period end by band of weeks overdue (:data:`OVERDUE_BANDS`): ``band``, ``open_cases``.

    Overdue = weeks elapsed since the request − 20. Bands: 0 (not yet 20 weeks); over 0 to 6; over 6 to 12;
    over 12 to 26; over 26 weeks.
    """
    overdue = cases.loc[cases["open"], "weeks_overdue"]
    bands = pd.cut(overdue, bins=[-np.inf, 0, 6, 12, 26, np.inf], labels=list(OVERDUE_BANDS), right=True)
    counts = bands.value_counts().reindex(list(OVERDUE_BANDS), fill_value=0)
    return pd.DataFrame({"band": pd.Categorical(list(OVERDUE_BANDS), categories=list(OVERDUE_BANDS), ordered=True),
                         "open_cases": counts.to_numpy().astype("int64")})


def census_date(year: int) -> dt.date:
    """SEN2 census (reference) date: the third Thursday of January (reference §1.0: e.g. 2025-01-16)."""
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


def dfe_headlines(source: Sen2Tables | pd.DataFrame, year: int) -> dict[str, int | float]:
    """The DfE release's headline counts for one calendar year, from the LA's own person-level data.

    Definitions (``../shared/reference/sen2_person_level.md`` §3, DfE EES data guidance): requests received =
    requests with a received date in the year, split by their outcome (``requests_decided_to_assess``,
    ``..._not_to_assess``, ``requests_withdrawn``); plans issued = plans with an issue date (assessment outcome
    date, outcome Y) in the year; within 20 weeks per the module rule; ``_ex`` leaves out ``Week20 = 1`` cases;
    ``new_plans`` = named plans starting in the year after an assessment in this LA (outcome Y, so historical and
    transferred-in plans are left out).

    Parameters
    ----------
    source
        SEN2 tables: cases are derived as at the census date of January ``year + 1``, the date the DfE return
        describes, so the counts are those the LA would have returned. Or a cases table from :func:`derive`:
        outcomes are then as at that table's period end, and ``new_plans`` is NaN (cases carry no plan start).
    year
        Calendar year.

    Notes
    -----
    The 2024 release also left cases with mediation or tribunal out of its timeliness figures (EES 2024 data
    guidance); that one-year exclusion is not applied here.
    """
    if isinstance(source, Sen2Tables):
        cases = derive(source, census_date(year + 1))
        plans = source.plans.merge(source.assessments[["request_id", "assessment_outcome"]], on="request_id")
        new_plans: int | float = int((plans["named"] & (plans["assessment_outcome"] == "Y")
                                      & (plans["start_date"].dt.year == year)).sum())
    else:
        cases = source
        new_plans = float("nan")
    received = cases[cases["received_date"].dt.year == year]
    issued = cases[(cases["plan_issue_date"].dt.year == year) & ~cases["dates_impossible"].astype(bool)]
    within = issued["within_20_weeks"].fillna(False).astype(bool)
    ex = ~issued["exception"]
    return {
        "year": year,
        "requests_received": len(received),
        "requests_decided_to_assess": int((received["decision"] == "assess").sum()),
        "requests_decided_not_to_assess": int((received["decision"] == "not_assess").sum()),
        "requests_withdrawn": int((received["decision"] == "withdrawn").sum()),
        "plans_issued": len(issued),
        "plans_issued_within_20_weeks": int(within.sum()),
        "plans_issued_ex": int(ex.sum()),
        "plans_issued_within_20_weeks_ex": int((within & ex).sum()),
        "new_plans": new_plans,
    }
