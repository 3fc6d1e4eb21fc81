"""The area SEND inspection data request's two person-level lists, from the SEN2 tables (pure: frames in and out).

Rules (stated once, used by the lists, the page and the workbook):

* **A plan in place** on a date: a ``NamedPlan`` whose ``StartDate`` is on or before the date and whose
  ``CeaseDate`` is blank or after it (DfE's caseload rule, ``../shared/reference/sen2_person_level.md`` §3).
  List 1 has one row per child or young person: when a person has two plans in place (a data error), the one
  that started last is listed and ``plans_in_place`` says how many there were.
* **Age** in completed years on the period end; **age phase** the DfE release's bands (:data:`AGE_PHASES`).
* **First plan issued**: the earliest ``StartDate`` of the person's named plans up to the period end; **latest
  plan**: the start of the plan in place.
* **Annual review overdue**: the period end is more than 365 days after the last annual review decision
  (``LastReview``), or, for a plan never reviewed, after the plan's start (the first review is due within 12
  months of the plan). 365 days is not overdue, 366 days is.
* **Placement**: the rank-1 placement attended (``PlacementDetail``) on the period end (entered on or before
  it, not left by it); else the rank-1 setting named in the plan (``PlanDetail``). Its type comes only from SEN2
  fields (:func:`placement_type`): SEN2 holds no establishment type or local authority for a URN, so "out of
  area" is left for the council to fill from GIAS.
* **Open requests**: the cases :func:`helpers.analysis.cases.derive` marks open at the period end (awaiting a
  decision, or agreed and being assessed); weeks open and weeks past 20 are its ``weeks_elapsed`` and
  ``weeks_overdue``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from helpers.sources.sen2 import Sen2Tables

REVIEW_DAYS = 365
"""Days after the last annual review (or the plan's start) on which a review is still not overdue."""
AGE_PHASES: tuple[str, ...] = ("Under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25", "Over 25")
"""Age bands of DfE's EHC plan release (age in completed years)."""
_AGE_EDGES = [-1, 4, 10, 15, 19, 25, np.inf]
SETTING_TYPES: dict[str, str] = {
    "OLA": "Other arrangements made by the council (EOTAS)",
    "OPA": "Alternative arrangements made by parents or the young person",
    "EHE": "Elective home education",
    "EYP": "Early years provider without a URN",
    "OTH": "Other setting (type named, no setting)",
    "NEET": "Not in education, employment or training",
    "NIEC": "Not in education or training: notice to cease issued",
    "NIEO": "Not in education or training: other",
}
"""SEN2 ``SENSetting`` codes (item 4.7c) as placement types."""
NOT_RECORDED = "Placement not recorded"

LIST_ONE_COLUMNS: tuple[str, ...] = (
    "person_id", "request_id", "upn", "uln", "upn_unknown", "surname", "forename", "birth_date", "age",
    "age_phase", "sex", "ethnicity", "primary_need", "secondary_need", "first_plan_issued", "latest_plan",
    "transfer_la", "last_review", "days_since_review", "review_overdue", "placement_source", "placement_urn",
    "placement_ukprn", "placement_type", "placement_entry_date", "residential", "personal_budget", "plans_in_place")
OPEN_COLUMNS: tuple[str, ...] = (
    "person_id", "request_id", "upn", "uln", "surname", "forename", "birth_date", "age_at_request",
    "received_date", "stage", "decision_date", "weeks_open", "weeks_past_20", "exception", "request_mediation",
    "request_tribunal", "request_source")
_IDENTITY = ["person_id", "upn", "uln", "upn_unknown", "surname", "forename", "birth_date", "sex", "ethnicity"]


def plans_in_place(tables: Sen2Tables, on: dt.date) -> pd.DataFrame:
    """Named plans in place on ``on`` (module rule), one row per plan with the ``plans`` table's columns."""
    day = pd.Timestamp(on)
    plans = tables.plans
    live = (plans["named"].fillna(False).astype(bool) & plans["start_date"].notna() & (plans["start_date"] <= day)
            & (plans["cease_date"].isna() | (plans["cease_date"] > day)))
    return plans[live].reset_index(drop=True)


def count_in_place(tables: Sen2Tables, on: dt.date) -> int:
    """Children and young people with a plan in place on ``on`` (one per person)."""
    return int(plans_in_place(tables, on)["person_id"].nunique())


def age_on(birth: pd.Series, on: dt.date) -> pd.Series:
    """Age in completed years on ``on`` (a birthday not yet reached that year counts one less)."""
    day = pd.Timestamp(on)
    before = (birth.dt.month > day.month) | ((birth.dt.month == day.month) & (birth.dt.day > day.day))
    return (day.year - birth.dt.year - before.astype(int)).astype("Int64")


def age_phase(age: pd.Series) -> pd.Series:
    """Age in completed years → :data:`AGE_PHASES` (ordered categories; missing age stays missing)."""
    return pd.cut(age.astype("float64"), bins=_AGE_EDGES, labels=list(AGE_PHASES), right=True)


def review_overdue(last_review: pd.Series, plan_start: pd.Series, on: dt.date) -> tuple[pd.Series, pd.Series]:
    """Days since the last review (or the plan's start when never reviewed) and whether that is over 365."""
    since = last_review.where(last_review.notna() & (last_review <= pd.Timestamp(on)), plan_start)
    days = (pd.Timestamp(on) - since).dt.days.astype("Int64")
    return days, (days > REVIEW_DAYS).astype("boolean")


def placement_type(setting: pd.Series, urn: pd.Series, ukprn: pd.Series, unit: pd.Series,
                   resourced: pd.Series) -> pd.Series:
    """A placement's type from SEN2 fields only: the ``SENSetting`` code's meaning, else a URN (school or early
    years setting, with its SEN unit or resourced provision flag), else a UKPRN (post-16 provider)."""
    school = pd.Series(np.select(
        [unit.fillna(False).astype(bool), resourced.fillna(False).astype(bool)],
        ["School or setting: SEN unit", "School or setting: resourced provision"],
        default="School or setting (URN)"), index=setting.index)
    out = pd.Series(NOT_RECORDED, index=setting.index, dtype="object")
    out = out.where(ukprn.isna(), "Post-16 provider (UKPRN)")
    out = out.where(urn.isna(), school)
    coded = setting.map(SETTING_TYPES)
    return out.where(coded.isna(), coded).astype("str")


def _placements(tables: Sen2Tables, requests: pd.Series, on: dt.date) -> pd.DataFrame:
    """One rank-1 placement per request: attended on ``on`` if any (latest entry), else named in the plan."""
    day = pd.Timestamp(on)
    pl = tables.placements
    pl = pl[pl["request_id"].isin(requests) & (pl["rank"] == 1)]
    attended = pl[(pl["kind"] == "attended") & (pl["entry_date"].isna() | (pl["entry_date"] <= day))
                  & (pl["leaving_date"].isna() | (pl["leaving_date"] > day))]
    attended = attended.sort_values(["request_id", "entry_date"]).drop_duplicates("request_id", keep="last")
    named = pl[(pl["kind"] == "named") & ~pl["request_id"].isin(attended["request_id"])]
    named = named.drop_duplicates("request_id", keep="first")
    both = pd.concat([attended, named], ignore_index=True)
    both["placement_source"] = both["kind"].map({"attended": "attended", "named": "named in plan"})
    both["placement_type"] = placement_type(both["sen_setting"], both["urn"], both["ukprn"], both["sen_unit"],
                                            both["resourced_provision"])
    return both.rename(columns={"urn": "placement_urn", "ukprn": "placement_ukprn",
                                "entry_date": "placement_entry_date", "res": "attended_res"})


def _needs(tables: Sen2Tables) -> pd.DataFrame:
    """Primary (rank 1) and secondary (rank 2) type of need per request."""
    needs = tables.needs.drop_duplicates(["request_id", "rank"])
    wide = needs.pivot(index="request_id", columns="rank", values="sen_type")
    return pd.DataFrame({"request_id": wide.index,
                         "primary_need": wide.get(1, pd.Series(index=wide.index, dtype="object")).to_numpy(),
                         "secondary_need": wide.get(2, pd.Series(index=wide.index, dtype="object")).to_numpy()})


def list_one(tables: Sen2Tables, period_end: dt.date) -> pd.DataFrame:
    """List 1: every child or young person with a plan in place at ``period_end`` (columns
    :data:`LIST_ONE_COLUMNS`, module rules), sorted by surname, forename and person."""
    end = pd.Timestamp(period_end)
    live = plans_in_place(tables, period_end)
    count = live.groupby("person_id").size().rename("plans_in_place")
    live = live.sort_values(["person_id", "start_date", "request_id"]).drop_duplicates("person_id", keep="last")
    named = tables.plans[tables.plans["named"].fillna(False).astype(bool) & (tables.plans["start_date"] <= end)]
    first = named.groupby("person_id")["start_date"].min().rename("first_plan_issued")
    df = live.merge(tables.persons[_IDENTITY], on="person_id", how="left")
    df = df.merge(first, on="person_id", how="left").merge(count, on="person_id", how="left")
    df = df.merge(_needs(tables), on="request_id", how="left")
    places = _placements(tables, df["request_id"], period_end)
    df = df.merge(places[["request_id", "placement_source", "placement_urn", "placement_ukprn", "placement_type",
                          "placement_entry_date", "attended_res"]], on="request_id", how="left")
    df["placement_type"] = df["placement_type"].fillna(NOT_RECORDED)
    df["age"] = age_on(df["birth_date"], period_end)
    df["age_phase"] = age_phase(df["age"])
    df["latest_plan"] = df["start_date"]
    df["last_review"] = df["last_review"].where(df["last_review"] <= end)
    df["days_since_review"], df["review_overdue"] = review_overdue(df["last_review"], df["start_date"], period_end)
    df["residential"] = df["attended_res"].where(df["attended_res"].notna(), df["plan_res"])
    df["personal_budget"] = df["pb"]
    df = df.sort_values(["surname", "forename", "person_id"], na_position="last")
    return df[list(LIST_ONE_COLUMNS)].reset_index(drop=True)


def open_requests(tables: Sen2Tables, cases: pd.DataFrame) -> pd.DataFrame:
    """Requests and assessments open at the cases' period end (columns :data:`OPEN_COLUMNS`), longest wait
    first. ``cases`` is :func:`helpers.analysis.cases.derive` of the same tables."""
    open_cases = cases[cases["open"].astype(bool)]
    df = open_cases.merge(tables.persons[_IDENTITY], on="person_id", how="left")
    extra = tables.requests[["request_id", "request_mediation", "request_tribunal", "request_source"]]
    df = df.merge(extra, on="request_id", how="left")
    df = df.rename(columns={"weeks_elapsed": "weeks_open", "weeks_overdue": "weeks_past_20"})
    df = df.sort_values(["weeks_open", "request_id"], ascending=[False, True])
    return df[list(OPEN_COLUMNS)].reset_index(drop=True)
