"""EP recruitment and the independent-reports route: cost per appointment, time to fill, and the advice queue.

From the recruitment template (:mod:`helpers.sources.recruitment`): cost per appointment is all campaign spend ÷
all appointments (a ratio of sums); time to fill counts each appointment from the latest advert at or before it
(the campaign most likely to have produced it; a post advertised again counts from its latest advert), because
the monthly template does not link an appointment to its advert. The independent-reports route runs through the
EP page's queue model (:func:`helpers.analysis.workforce_projection.project`): the "as now" choice with the
children whose advice came from independent reports sent back to the council's EPs ("without"), against the same
with the route kept open for a year ("with"). Requests met by an independent report are taken to be outside the
staffing return's ``advice_requests_received`` (the template says so). Numbers only: the wording is in
:mod:`helpers.pages.ep_recruitment`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis.workforce import WEEKS_PER_YEAR, EPAssumptions, observed_flows
from helpers.analysis.workforce_projection import (PROJECTION_RUNS, PROJECTION_SEED, PROJECTION_WEEKS, Projection,
                                                   Scenario, project, standard_scenarios)
from helpers.analysis.workforce_service import ServiceNow

#: Weeks the independent-reports route stays open in the "with" scenario (the committee's year).
ROUTE_WEEKS = int(WEEKS_PER_YEAR)
#: Scenario keys: the route closed now, and open for :data:`ROUTE_WEEKS`.
WITHOUT, WITH = "without_reports", "with_reports"


@dataclass(frozen=True)
class Recruitment:
    """Totals over the template: ``cost_per_appointment_gbp`` (NaN without appointments), ``filled_pct``
    (appointments per post advertised), ``applications_per_post``, ``months_to_fill`` (mean, NaN without
    appointments), ``reports_last_year`` (independent reports in the last 12 months of the file) and
    ``reports_per_week`` (the same per week)."""

    by_year: pd.DataFrame
    posts: int
    applications: int
    appointments: int
    cost_gbp: float
    cost_per_appointment_gbp: float
    filled_pct: float
    applications_per_post: float
    months_to_fill: float
    reports_last_year: int
    reports_per_week: float
    first_month: pd.Timestamp
    last_month: pd.Timestamp


def financial_year(month: pd.Series) -> pd.Series:
    """'2024-25' for April 2024 to March 2025."""
    first = month.dt.year - (month.dt.month < 4).astype(int)
    return first.astype(str) + "-" + ((first + 1) % 100).astype(str).str.zfill(2)


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else float("nan")


def by_year(frame: pd.DataFrame) -> pd.DataFrame:
    """Per financial year: posts advertised, applications, appointments, campaign spend and independent reports.

    No cost per appointment by year: an appointment often falls in a later year than the campaign that made it.
    """
    g = frame.assign(year=financial_year(frame["month"])).groupby("year")
    return g[["posts_advertised", "applications", "appointments", "campaign_cost_gbp",
              "independent_reports"]].sum().reset_index()


def months_to_fill(frame: pd.DataFrame) -> np.ndarray:
    """Months from the latest advert at or before each appointment (one value per appointment; appointments before
    any advert are left out)."""
    index = np.arange(len(frame))
    latest = pd.Series(np.where(frame["posts_advertised"] > 0, index, np.nan)).ffill().to_numpy()
    lags = np.repeat(index - latest, frame["appointments"].to_numpy())
    kept: np.ndarray = lags[~np.isnan(lags)]
    return kept


def summarise(frame: pd.DataFrame) -> Recruitment:
    """The template summed up (:class:`Recruitment`)."""
    last = frame["month"].max()
    recent = frame[frame["month"] > last - pd.DateOffset(months=12)]
    weeks = len(recent) * WEEKS_PER_YEAR / 12
    lags = months_to_fill(frame)
    posts, appointments = int(frame["posts_advertised"].sum()), int(frame["appointments"].sum())
    cost = float(frame["campaign_cost_gbp"].sum())
    return Recruitment(
        by_year=by_year(frame), posts=posts, applications=int(frame["applications"].sum()),
        appointments=appointments, cost_gbp=cost, cost_per_appointment_gbp=_ratio(cost, appointments),
        filled_pct=100 * _ratio(appointments, posts),
        applications_per_post=_ratio(float(frame["applications"].sum()), posts),
        months_to_fill=float(lags.mean()) if len(lags) else float("nan"),
        reports_last_year=int(recent["independent_reports"].sum()),
        reports_per_week=float(recent["independent_reports"].sum()) / weeks if weeks > 0 else 0.0,
        first_month=frame["month"].min(), last_month=last)


def route_scenarios(as_now: Scenario, reports_per_week: float, *, route_weeks: int = ROUTE_WEEKS) -> list[Scenario]:
    """The "as now" choice without the route (its requests back with the EPs throughout) and with it for
    ``route_weeks`` weeks (those requests stay away, then return)."""
    weeks = np.arange(len(as_now.demand_per_week))
    back = as_now.demand_per_week + reports_per_week
    return [dataclasses.replace(as_now, key=WITHOUT, demand_per_week=back),
            dataclasses.replace(as_now, key=WITH, demand_per_week=np.where(weeks < route_weeks,
                                                                           as_now.demand_per_week, back))]


def route_projection(staffing: pd.DataFrame, now: ServiceNow, assumptions: EPAssumptions, *, reports_per_week: float,
                     growth_per_year: float, on_time_pct: float, start: pd.Timestamp,
                     weeks: int = PROJECTION_WEEKS, replications: int = PROJECTION_RUNS,
                     seed: int = PROJECTION_SEED) -> Projection:
    """The waiting list with and without the independent-reports route, from today's service, simulated as the EP
    page's choices are (same staff flows, demand growth, runs and seed)."""
    latest = now.latest
    choices = standard_scenarios(
        weeks=weeks, demand_per_week=now.demand_per_week, growth_per_year=growth_per_year,
        in_house_fte=float(latest["eps_in_post_fte"]), locum_fte=float(np.nan_to_num(latest["locum_fte"])),
        flows=observed_flows(staffing), backlog=now.backlog, assumptions=assumptions,
        establishment_fte=float(latest["establishment_fte"]))
    as_now = next(s for s in choices if s.key == "as_is")
    weekly, outcomes = project(route_scenarios(as_now, reports_per_week), now.backlog, assumptions,
                               on_time_pct=on_time_pct, replications=replications, seed=seed)
    weekly["date"] = start + pd.to_timedelta(weekly["week"] * 7, unit="D")
    weekly["waiting_total"] = weekly["waiting"] + weekly["in_service"]
    return Projection(weekly, outcomes, start, on_time_pct, replications)


def route_outcomes(projection: Projection, *, deadline_weeks: float) -> pd.DataFrame:
    """Per scenario (``key``): waiting or being worked on after one year and after the projection, and the share of
    new requests in the first year advised within ``deadline_weeks`` (weighted by arrivals)."""
    rows = []
    column = f"within_{deadline_weeks:g}_weeks_pct"
    for key, part in projection.weekly.groupby("key", sort=False):
        first = part[part["week"] < ROUTE_WEEKS]
        rows.append({"key": key, "waiting_1_year": float(part.loc[part["week"] == ROUTE_WEEKS - 1,
                                                                  "waiting_total"].iloc[0]),
                     "waiting_end": float(part["waiting_total"].iloc[-1]),
                     "within_deadline_pct_first_year": float(np.average(first[column].fillna(0),
                                                                         weights=first["arrivals"]))})
    return pd.DataFrame(rows)
