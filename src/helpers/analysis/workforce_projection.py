"""The EP page's choices projected three years ahead: staffing and demand paths, simulated week by week.

:func:`standard_scenarios` builds the choices (carry on as now, demand stops growing, recruit, locum packages A-C);
:func:`project` simulates each (:func:`helpers.analysis.simulate.simulate`) and summarises what it achieves;
:func:`project_choices` does both from today's service (:class:`helpers.analysis.workforce_service.ServiceNow`).
Numbers only: the pages name the choices (:mod:`helpers.pages.ep_workforce`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis import simulate, waitlist
from helpers.analysis.workforce import (WEEKS_PER_YEAR, EPAssumptions, Flows, locum_cost_gbp, locum_need,
                                        observed_flows, service_lanes, stock_flow)
from helpers.analysis.workforce_service import ServiceNow

#: Weeks the page projects ahead (three years).
PROJECTION_WEEKS = int(3 * WEEKS_PER_YEAR)
#: Week from which the recruitment choice's new EPs are in post (recruiting takes about six months).
RECRUIT_WEEK = int(WEEKS_PER_YEAR / 2)
#: Simulated runs per choice: enough for the average line to be steady from run to run.
PROJECTION_RUNS = 200
#: Fixed seed, so the published projection is reproducible.
PROJECTION_SEED = 20251
#: Weeks each locum package takes to clear the list (its key → weeks): two years, one year, six months.
PACKAGE_WEEKS: dict[str, float] = {"locum_a": 2 * WEEKS_PER_YEAR, "locum_b": WEEKS_PER_YEAR,
                                   "locum_c": WEEKS_PER_YEAR / 2}


@dataclass(frozen=True)
class Scenario:
    """One projection, week by week: mean new requests for EP advice, in-house EP FTE and locum FTE.

    ``key`` names the choice (:func:`standard_scenarios`); ``recruits`` is the permanent FTE the ``recruit`` choice
    adds (the pages name each choice from these two).
    """

    key: str
    demand_per_week: np.ndarray
    in_house_fte: np.ndarray
    locum_fte: np.ndarray
    recruits: float = 0.0


def demand_path(demand_per_week: float, growth_per_year: float, weeks: int) -> np.ndarray:
    """Mean requests per week for ``weeks`` weeks, growing at a steady ``growth_per_year`` (0.06 = 6% a year)."""
    return demand_per_week * (1.0 + growth_per_year) ** (np.arange(weeks) / WEEKS_PER_YEAR)


def standard_scenarios(*, weeks: int, demand_per_week: float, growth_per_year: float, in_house_fte: float,
                       locum_fte: float, flows: Flows, backlog: float, assumptions: EPAssumptions,
                       establishment_fte: float = np.inf, recruit_week: int = RECRUIT_WEEK) -> list[Scenario]:
    """The page's scenarios, each ``weeks`` long.

    * ``as_is``: EPs in post follow the last year's leaving and joining rates (:func:`stock_flow`, joiners filling
      vacant funded posts only); today's locums stay; demand grows at ``growth_per_year``;
    * ``flat_demand``: as is, but demand stays at today's level;
    * ``recruit``: as is, plus enough permanent EPs (whole FTE) to sustain the target waiting list at today's
      demand (:func:`locum_need`'s sustaining capacity), in new posts from ``recruit_week`` (recruiting takes time);
      left out when the EPs in post already suffice;
    * ``locum_a`` / ``locum_b`` / ``locum_c``: instead of today's locums, enough locum time to clear the list to
      its target size within two years, one year or six months (relief capacity at today's demand plus the
      projected growth), then to hold it there (target capacity at the projected demand), week by week topping up
      the projected EPs in post; each left out when the list is no longer than its target size (nothing to clear)
      or the EPs in post already clear it in time.
    """
    base = stock_flow(in_house_fte, weeks, leaving_rate=flows.leaving_rate_per_week,
                      joiners_fte=flows.joiners_fte_per_week,
                      establishment_fte=establishment_fte)["fte_start"].to_numpy()
    growing = demand_path(demand_per_week, growth_per_year, weeks)
    week = np.arange(weeks)
    today = np.full(weeks, float(locum_fte))
    sustain = locum_need(backlog, demand_per_week, in_house_fte, assumptions, weeks_to_clear=WEEKS_PER_YEAR)
    recruits = float(np.ceil(max(sustain.sustain_fte - in_house_fte, 0.0)))
    out = [
        Scenario("as_is", growing, base, today),
        Scenario("flat_demand", demand_path(demand_per_week, 0.0, weeks), base, today),
    ]
    if recruits > 0:
        out.append(Scenario("recruit", growing, base + np.where(week >= recruit_week, recruits, 0.0), today,
                            recruits=recruits))
    if backlog <= sustain.target_queue_size:
        return out
    per_fte = assumptions.assessments_per_fte_week
    sustain_fte = np.asarray(waitlist.target_capacity_per_week(growing, assumptions.advice_deadline_weeks)) / per_fte
    for key, clear_weeks in PACKAGE_WEEKS.items():
        need = locum_need(backlog, demand_per_week, in_house_fte, assumptions, weeks_to_clear=clear_weeks)
        if need.locum_fte_clear == 0:
            continue
        relief_fte = need.relief_fte + (growing - demand_per_week) / per_fte
        required = np.where(week < clear_weeks, relief_fte, sustain_fte)
        out.append(Scenario(key, growing, base, np.maximum(required - base, 0.0)))
    return out


def project(scenarios: list[Scenario], backlog: float, assumptions: EPAssumptions, *, on_time_pct: float,
            replications: int = 200, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate each scenario (:func:`helpers.analysis.simulate.simulate`, weekly periods) and summarise it.

    Servers are cases in progress (:func:`service_lanes` of in-house plus locum FTE); a case takes
    ``assumptions.weeks_per_case`` weeks on average (gamma distributed with coefficient of variation
    ``assumptions.case_weeks_cv``). Every scenario uses the same seed, so differences between
    scenarios are not chance differences in the simulated requests. The ``backlog`` (requests not yet completed,
    some already being worked on) starts at the front of the queue, with every case-slot free at week 0.

    Returns
    -------
    weekly
        :func:`helpers.analysis.simulate.period_summary` for each scenario, with its ``key``, for the advice
        deadline and the EP part of the 20-week timetable (``within_<d>_weeks_pct`` columns).
    outcomes
        One row per scenario: ``key``, ``recruits``, ``locum_fte_mean``, ``in_house_fte_end``,
        ``weeks_to_advice_deadline`` and ``weeks_to_plan_deadline`` (first week from which at least
        ``on_time_pct``% of new requests get advice within the 6 weeks / within the EP share of 20 weeks, and keep
        doing so; NaN = not within the projection), ``weeks_to_clear_backlog`` (first week from which the
        average number waiting for work to start stays at or below the target list size,
        :func:`helpers.analysis.waitlist.target_queue_size`), ``advice_within_deadline_pct_last_year`` (requests in the
        final 52 weeks), ``waiting_end`` (waiting or being worked on at the end) and
        ``locum_cost_gbp`` (commercial: show only in ``exempt`` cells).
    """
    advice, plan = assumptions.advice_deadline_weeks, assumptions.plan_budget_weeks
    advice_col, plan_col = f"within_{advice:g}_weeks_pct", f"within_{plan:g}_weeks_pct"
    weekly, rows = [], []
    for s in scenarios:
        lanes = service_lanes(s.in_house_fte + s.locum_fte, assumptions.cases_in_progress_per_fte)
        run = simulate.simulate(s.demand_per_week, lanes, service_weeks_mean=assumptions.weeks_per_case,
                                service_cv=assumptions.case_weeks_cv, backlog_waited_weeks=np.zeros(round(backlog)),
                                replications=replications, seed=seed)
        summary = simulate.period_summary(run, deadlines_weeks=(advice, plan))
        target = waitlist.target_queue_size(s.demand_per_week, advice)
        summary = summary.assign(target_waiting=target, in_house_fte=s.in_house_fte, locum_fte=s.locum_fte)
        last_year = summary.tail(int(WEEKS_PER_YEAR))
        summary["below_target"] = (summary["waiting"] <= summary["target_waiting"]).astype(float)
        rows.append({
            "key": s.key, "recruits": s.recruits, "locum_fte_mean": float(np.mean(s.locum_fte)),
            "in_house_fte_end": float(s.in_house_fte[-1]),
            "weeks_to_advice_deadline": simulate.weeks_to_reach(summary, advice_col, on_time_pct),
            "weeks_to_plan_deadline": simulate.weeks_to_reach(summary, plan_col, on_time_pct),
            "weeks_to_clear_backlog": simulate.weeks_to_reach(summary, "below_target", 1.0),
            "advice_within_deadline_pct_last_year": float(np.average(last_year[advice_col].fillna(0),
                                                                      weights=last_year["arrivals"])),
            "waiting_end": float(summary["waiting"].iloc[-1] + summary["in_service"].iloc[-1]),
            "locum_cost_gbp": locum_cost_gbp(s.locum_fte, assumptions),
        })
        weekly.append(summary.drop(columns="below_target").assign(key=s.key))
    return pd.concat(weekly, ignore_index=True), pd.DataFrame(rows)


@dataclass(frozen=True)
class Projection:
    """The simulated choices (:func:`project`) dated from ``start``, with the target share on time they aim at.

    ``weekly`` adds ``date`` (start + week) and ``waiting_total`` (waiting plus being worked on) to
    :func:`project`'s weekly table.
    """

    weekly: pd.DataFrame
    outcomes: pd.DataFrame
    start: pd.Timestamp
    on_time_pct: float
    replications: int

    @property
    def by_key(self) -> pd.DataFrame:
        return self.outcomes.set_index("key")

    @property
    def packages(self) -> list[str]:
        """Keys of the locum packages in the projection, fastest (C) first."""
        return [k for k in ("locum_c", "locum_b", "locum_a") if k in self.by_key.index]


def project_choices(staffing: pd.DataFrame, now: ServiceNow, assumptions: EPAssumptions, *, growth_per_year: float,
                    on_time_pct: float, start: pd.Timestamp, weeks: int = PROJECTION_WEEKS,
                    replications: int = PROJECTION_RUNS, seed: int = PROJECTION_SEED) -> Projection:
    """Project the page's choices (:func:`standard_scenarios`) from today's service for ``weeks`` weeks.

    Staff flows are the last year's (:func:`observed_flows`); demand starts at the last 12 months' weekly rate and
    grows at ``growth_per_year``; a blank locum count is no locums.
    """
    latest = now.latest
    scenarios = standard_scenarios(
        weeks=weeks, demand_per_week=now.demand_per_week, growth_per_year=growth_per_year,
        in_house_fte=float(latest["eps_in_post_fte"]), locum_fte=float(np.nan_to_num(latest["locum_fte"])),
        flows=observed_flows(staffing), backlog=now.backlog, assumptions=assumptions,
        establishment_fte=float(latest["establishment_fte"]))
    weekly, outcomes = project(scenarios, now.backlog, assumptions, on_time_pct=on_time_pct,
                               replications=replications, seed=seed)
    weekly["date"] = start + pd.to_timedelta(weekly["week"] * 7, unit="D")
    weekly["waiting_total"] = weekly["waiting"] + weekly["in_service"]
    return Projection(weekly, outcomes, start, on_time_pct, replications)
