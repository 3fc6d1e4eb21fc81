"""Educational Psychologist (EP) supply and demand: stock-flow of staff, hours, the gap in FTE, and locum need.

``modelling_methods.md`` §6 (after the CAMHS CAPA demand-and-capacity template, §1.6):

* supply is a stock moved by flows: FTE next period = FTE − leavers + joiners + newly qualified EPs from training
  (a "push" model, §6.1), beside the establishment (vacancies) and locum FTE bought in;
* demand in hours = statutory assessments needing EP advice × EP hours per assessment (17.4 h in DfE's 2026
  time-use research, a pack-config assumption);
* capacity in hours = FTE × productive (statutory) hours per FTE; the gap in FTE is demand hours ÷ productive hours
  per FTE minus the FTE available;
* the locum time needed to clear a backlog within a target time (relief capacity, Fong et al. 2022) and then to keep
  the list at its target size (target capacity), and what it costs at the locum day rate.

The last section assembles the EP page (``notebooks/03_ep_workforce.ipynb``): the service today
(:func:`service_now`), the projection of each choice (:func:`project_choices`), and the page's tables, plain-English
sentences and metrics, so the notebook only calls them.

This module reads no files: the staffing table comes from :mod:`helpers.sources.workforce` (columns in
``docs/architecture.md``) and the assumptions from the pack config (:meth:`EPAssumptions.from_config`). Money
(locum cost) is commercial information: notebooks show it only in cells tagged ``exempt``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers.present import narrative
from helpers.analysis import simulate, waitlist
from helpers.errors import InputError
from helpers.config import PackConfig

#: Weeks in a year for converting yearly hours to weekly (the 37-hour week × 52 convention of §9.6).
WEEKS_PER_YEAR = 52.0
#: Statutory limit for issuing the final EHC plan, weeks from the request (SEND Regulations 2014, reg. 13).
PLAN_DEADLINE_WEEKS = 20.0

#: Pack-config assumption names used here (``assumptions:`` in the pack config).
ASSUMPTION_NAMES: dict[str, str] = {
    "hours_per_assessment": "ep_hours_per_assessment",
    "productive_hours_per_fte_year": "productive_hours_per_fte_year",
    "locum_day_rate_gbp": "locum_day_rate_gbp",
    "locum_hours_per_day": "locum_hours_per_day",
    "advice_deadline_weeks": "advice_deadline_weeks",
    "cases_in_progress_per_fte": "ep_cases_in_progress_per_fte",
    "plan_weeks_outside_ep_advice": "plan_weeks_outside_ep_advice",
    "case_weeks_cv": "ep_case_weeks_cv",
}


@dataclass(frozen=True)
class EPAssumptions:
    """The modelling assumptions of the EP page, each from the pack config (names in :data:`ASSUMPTION_NAMES`).

    Attributes
    ----------
    hours_per_assessment
        EP hours to write the statutory psychological advice for one EHC needs assessment.
    productive_hours_per_fte_year
        Hours per FTE per year available for statutory work, after leave, training and traded work. Applied to
        locum FTE too, so that an FTE of either kind means the same statutory hours.
    locum_day_rate_gbp, locum_hours_per_day
        What a paid locum day costs and how many statutory hours it buys.
    advice_deadline_weeks
        Statutory deadline for EP advice once requested (6 weeks; SEND Regulations 2014, reg. 8).
    cases_in_progress_per_fte
        Assessments one FTE works on at the same time; sets how many elapsed weeks a case takes once started.
    plan_weeks_outside_ep_advice
        Weeks of the 20-week timetable the other stages need (decision, drafting, 15 days for representations,
        finalising), so that EP advice must arrive within 20 minus this for the plan to be on time.
    case_weeks_cv
        Coefficient of variation (standard deviation ÷ mean) of the elapsed weeks one case takes once started;
        1 is as variable as an exponential distribution, smaller is more predictable.
    """

    hours_per_assessment: float
    productive_hours_per_fte_year: float
    locum_day_rate_gbp: float
    locum_hours_per_day: float
    advice_deadline_weeks: float
    cases_in_progress_per_fte: float
    plan_weeks_outside_ep_advice: float
    case_weeks_cv: float

    @classmethod
    def from_config(cls, config: PackConfig) -> EPAssumptions:
        """Read and check the assumptions; a missing or impossible value raises :class:`InputError` naming it."""
        values = {attr: config.assumption(key) for attr, key in ASSUMPTION_NAMES.items()}
        file = config.source_path or "config"
        for attr, key in ASSUMPTION_NAMES.items():
            if not np.isfinite(values[attr]) or values[attr] <= 0:
                raise InputError(file, "a modelling assumption must be a positive number",
                                 field=f"assumptions.{key}.value", expected="a number above 0", found=values[attr])
        if values["plan_weeks_outside_ep_advice"] >= PLAN_DEADLINE_WEEKS:
            raise InputError(file, "the other stages leave no time for EP advice within 20 weeks",
                             field="assumptions.plan_weeks_outside_ep_advice.value", expected="fewer than 20 weeks",
                             found=values["plan_weeks_outside_ep_advice"])
        return cls(**values)

    @property
    def productive_hours_per_fte_week(self) -> float:
        return self.productive_hours_per_fte_year / WEEKS_PER_YEAR

    @property
    def assessments_per_fte_week(self) -> float:
        """Statutory assessments one FTE completes per week."""
        return self.productive_hours_per_fte_week / self.hours_per_assessment

    @property
    def weeks_per_case(self) -> float:
        """Elapsed weeks from starting a case to sending the advice, with ``cases_in_progress_per_fte`` at once."""
        return self.cases_in_progress_per_fte / self.assessments_per_fte_week

    @property
    def plan_budget_weeks(self) -> float:
        """Weeks from request to EP advice that still let the plan be issued within 20 weeks."""
        return PLAN_DEADLINE_WEEKS - self.plan_weeks_outside_ep_advice

    @property
    def locum_cost_per_hour_gbp(self) -> float:
        return self.locum_day_rate_gbp / self.locum_hours_per_day


# --- hours and FTE --------------------------------------------------------------------------------------------

def demand_hours(assessments: ArrayLike, hours_per_assessment: float) -> np.ndarray | float:
    """EP hours needed: assessments × hours per assessment (§6.1; in the same period as ``assessments``)."""
    return np.asarray(assessments, float) * hours_per_assessment


def capacity_hours(fte: ArrayLike, productive_hours_per_fte: float) -> np.ndarray | float:
    """EP hours available: FTE × productive hours per FTE (in the period ``productive_hours_per_fte`` covers)."""
    return np.asarray(fte, float) * productive_hours_per_fte


def fte_needed(assessments_per_year: ArrayLike, hours_per_assessment: float,
               productive_hours_per_fte_year: float) -> np.ndarray | float:
    """FTE needed to meet demand: assessments × hours per assessment ÷ productive hours per FTE (§6.1).

    Example (§6.3): 1,000 assessments a year at 17.4 h and 1,300 h per FTE-year need 13.4 FTE.
    """
    return np.asarray(assessments_per_year, float) * hours_per_assessment / productive_hours_per_fte_year


def service_lanes(fte: ArrayLike, cases_in_progress_per_fte: float) -> np.ndarray:
    """Whole numbers of cases that can be in progress at once (the simulation's servers): FTE × cases per FTE.

    Rounded to the nearest case; with several cases per FTE the rounding changes capacity by well under one FTE.
    """
    return np.rint(np.maximum(np.asarray(fte, float), 0.0) * cases_in_progress_per_fte).astype(int)


# --- the staffing table ---------------------------------------------------------------------------------------

def _period_weeks(period_end: pd.Series) -> np.ndarray:
    """Length of each reporting period in weeks from consecutive period ends (the first takes the median)."""
    days = np.array(period_end.diff().dt.days, dtype=float)
    if len(days) > 1:
        days[0] = np.nanmedian(days[1:])
    else:
        days[:] = 7 * WEEKS_PER_YEAR / 12  # a lone row is taken to be a month
    return days / 7.0


def supply_demand(workforce: pd.DataFrame, assumptions: EPAssumptions) -> pd.DataFrame:
    """Per reporting period: EP supply and statutory demand in hours per year and FTE, and the gap.

    Columns: ``period_end``, ``period_weeks``, ``eps_in_post_fte``, ``locum_fte`` (a blank cell counts as no
    locums), ``supply_fte`` (both), ``establishment_fte``, ``advice_requests_received``, ``advice_completed``,
    ``advice_completed_within_6_weeks``, ``demand_hours_per_year`` (requests received in the period, annualised,
    × hours per assessment; NaN where requests are blank), ``capacity_hours_per_year`` (supply FTE × productive
    hours per FTE-year), ``fte_needed``, ``gap_fte`` (needed − supply; positive = short), ``waiting_end`` (see
    :func:`waiting_list`) and ``advice_within_6_weeks_pct``.
    """
    wf = workforce.sort_values("period_end").reset_index(drop=True)
    weeks = _period_weeks(wf["period_end"])
    per_year = WEEKS_PER_YEAR / weeks
    locums = wf["locum_fte"].fillna(0.0)
    supply = wf["eps_in_post_fte"] + locums
    demand = np.asarray(demand_hours(wf["advice_requests_received"] * per_year, assumptions.hours_per_assessment))
    needed = demand / assumptions.productive_hours_per_fte_year
    with np.errstate(invalid="ignore", divide="ignore"):
        completed = wf["advice_completed"].where(wf["advice_completed"] > 0)
        on_time = 100.0 * wf["advice_completed_within_6_weeks"] / completed
    return pd.DataFrame({
        "period_end": wf["period_end"],
        "period_weeks": weeks,
        "eps_in_post_fte": wf["eps_in_post_fte"],
        "locum_fte": locums,
        "supply_fte": supply,
        "establishment_fte": wf["establishment_fte"],
        "advice_requests_received": wf["advice_requests_received"],
        "advice_completed": wf["advice_completed"],
        "advice_completed_within_6_weeks": wf["advice_completed_within_6_weeks"],
        "demand_hours_per_year": demand,
        "capacity_hours_per_year": np.asarray(capacity_hours(supply, assumptions.productive_hours_per_fte_year)),
        "fte_needed": needed,
        "gap_fte": needed - supply,
        "waiting_end": waiting_list(wf).to_numpy(),
        "advice_within_6_weeks_pct": on_time,
    })


def waiting_list(workforce: pd.DataFrame) -> pd.Series:
    """Requests for EP advice still waiting at each period end: cumulative requests − cumulative completions.

    The staffing template records flows, not the list itself, so this assumes nobody was waiting before the first
    period in the file (the list can only be understated); it never goes below zero. A period with a blank count
    changes nothing.
    """
    wf = workforce.sort_values("period_end")
    net = np.nan_to_num((wf["advice_requests_received"] - wf["advice_completed"]).to_numpy(float))
    level = np.empty(len(net))
    running = 0.0
    for i, step in enumerate(net):  # a running sum floored at zero (Lindley's recursion)
        running = max(0.0, running + step)
        level[i] = running
    return pd.Series(level, index=wf.index, name="waiting_end").reindex(workforce.index)


@dataclass(frozen=True)
class Flows:
    """Staff flows observed over the last year of the staffing table, per week."""

    leaving_rate_per_week: float
    joiners_fte_per_week: float
    weeks_observed: float


def observed_flows(workforce: pd.DataFrame, *, weeks: float = WEEKS_PER_YEAR) -> Flows:
    """Leaving rate (leavers FTE per FTE in post per week) and joiners FTE per week over the last ``weeks``.

    Ratios of sums over the window, not averages of period rates, so short or small periods do not dominate.
    """
    wf = workforce.sort_values("period_end").reset_index(drop=True)
    length = _period_weeks(wf["period_end"])
    recent = wf["period_end"] > wf["period_end"].iloc[-1] - pd.Timedelta(weeks=weeks)
    span = float(length[recent].sum())
    exposure = float((wf.loc[recent, "eps_in_post_fte"] * length[recent]).sum())
    return Flows(
        leaving_rate_per_week=float(wf.loc[recent, "leavers_fte"].sum()) / exposure if exposure > 0 else 0.0,
        joiners_fte_per_week=float(wf.loc[recent, "joiners_fte"].sum()) / span if span > 0 else 0.0,
        weeks_observed=span,
    )


def stock_flow(fte_start: float, periods: int, *, leaving_rate: float, joiners_fte: ArrayLike = 0.0,
               qualifiers_fte: ArrayLike = 0.0, establishment_fte: float = np.inf) -> pd.DataFrame:
    """Project EPs in post: FTE next = FTE − leavers + joiners + qualifiers (push model, §6.1).

    ``leaving_rate`` is the share of FTE leaving per period; ``joiners_fte`` (recruits, movers and returners) and
    ``qualifiers_fte`` (newly qualified EPs taking posts) are FTE per period, a scalar or one value per period.
    Joiners and qualifiers only fill funded posts: FTE never rises above ``establishment_fte`` through them.
    Returns one row per period: ``period``, ``fte_start``, ``leavers_fte``, ``joiners_fte`` and
    ``qualifiers_fte`` (as taken up), ``fte_end``, ``establishment_fte`` and ``vacancies_fte``
    (establishment − FTE in post, not below 0).
    """
    if not 0 <= leaving_rate < 1:
        raise ValueError(f"leaving_rate must be in [0, 1), got {leaving_rate!r}")
    joiners = np.broadcast_to(np.asarray(joiners_fte, float), periods)
    qualifiers = np.broadcast_to(np.asarray(qualifiers_fte, float), periods)
    start, leavers, joined, qualified = (np.empty(periods) for _ in range(4))
    fte = float(fte_start)
    for p in range(periods):
        start[p], leavers[p] = fte, fte * leaving_rate
        room = max(establishment_fte - (fte - leavers[p]), 0.0)
        joined[p] = min(joiners[p], room)
        qualified[p] = min(qualifiers[p], room - joined[p])
        fte = fte - leavers[p] + joined[p] + qualified[p]
    end = start - leavers + joined + qualified
    return pd.DataFrame({
        "period": np.arange(periods), "fte_start": start, "leavers_fte": leavers, "joiners_fte": joined,
        "qualifiers_fte": qualified, "fte_end": end, "establishment_fte": establishment_fte,
        "vacancies_fte": np.maximum(establishment_fte - end, 0.0),
    })


# --- clearing the backlog with locums -------------------------------------------------------------------------

@dataclass(frozen=True)
class LocumNeed:
    """Capacity and locum time to clear an EP-advice backlog by a date and then hold the list at its target size.

    Rates are assessments per week; FTE are statutory-hour equivalents (``productive_hours_per_fte_year``);
    costs in pounds (commercial information: show only in ``exempt`` cells).
    """

    in_house_per_week: float
    target_queue_size: float
    relief_per_week: float
    sustain_per_week: float
    in_house_fte: float
    relief_fte: float
    sustain_fte: float
    locum_fte_clear: float
    locum_fte_sustain: float
    weeks_to_clear: float
    cost_clear_gbp: float
    cost_sustain_per_year_gbp: float


def locum_need(backlog: float, demand_per_week: float, in_house_fte: float, assumptions: EPAssumptions, *,
               weeks_to_clear: float, factor: float = waitlist.DEFAULT_FACTOR) -> LocumNeed:
    """Locum FTE and cost to bring ``backlog`` down to the target list size within ``weeks_to_clear``, then hold it.

    Target list size L* = λ · T / F (Little's law) with T the advice deadline; relief capacity
    λ + (L − L*) / Δt, never below the sustaining capacity; sustaining capacity λ + F / T (Kingman, Poisson arrivals and exponential service); each
    converted to FTE at ``hours_per_assessment`` ÷ productive hours per FTE-week (``modelling_methods.md`` §1.5,
    §9.6). Locums make up whatever the in-house FTE do not cover (never below 0), paid
    ``locum_day_rate_gbp`` per ``locum_hours_per_day`` hours.
    """
    per_fte = assumptions.assessments_per_fte_week
    deadline = assumptions.advice_deadline_weeks
    target = float(waitlist.target_queue_size(demand_per_week, deadline, factor))
    relief = float(waitlist.relief_capacity_per_week(demand_per_week, backlog, target, weeks_to_clear))
    sustain = float(waitlist.target_capacity_per_week(demand_per_week, deadline, factor))
    relief = max(relief, sustain)
    clear_fte = max(relief / per_fte - in_house_fte, 0.0)
    sustain_fte = max(sustain / per_fte - in_house_fte, 0.0)
    per_fte_week_gbp = assumptions.locum_cost_per_hour_gbp * assumptions.productive_hours_per_fte_week
    return LocumNeed(
        in_house_per_week=in_house_fte * per_fte, target_queue_size=target, relief_per_week=relief,
        sustain_per_week=sustain, in_house_fte=in_house_fte, relief_fte=relief / per_fte,
        sustain_fte=sustain / per_fte, locum_fte_clear=clear_fte, locum_fte_sustain=sustain_fte,
        weeks_to_clear=weeks_to_clear, cost_clear_gbp=clear_fte * per_fte_week_gbp * weeks_to_clear,
        cost_sustain_per_year_gbp=sustain_fte * per_fte_week_gbp * WEEKS_PER_YEAR,
    )


def locum_cost_gbp(locum_fte_by_week: ArrayLike, assumptions: EPAssumptions) -> float:
    """Cost of a weekly locum FTE path: Σ FTE × productive hours per FTE-week × day rate ÷ hours per day."""
    hours = float(np.sum(np.asarray(locum_fte_by_week, float))) * assumptions.productive_hours_per_fte_week
    return hours * assumptions.locum_cost_per_hour_gbp


# --- scenarios: staffing and demand paths, simulated --------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """One projection, week by week: mean new requests for EP advice, in-house EP FTE and locum FTE."""

    key: str
    name: str
    demand_per_week: np.ndarray
    in_house_fte: np.ndarray
    locum_fte: np.ndarray


def demand_path(demand_per_week: float, growth_per_year: float, weeks: int) -> np.ndarray:
    """Mean requests per week for ``weeks`` weeks, growing at a steady ``growth_per_year`` (0.06 = 6% a year)."""
    return demand_per_week * (1.0 + growth_per_year) ** (np.arange(weeks) / WEEKS_PER_YEAR)


def standard_scenarios(*, weeks: int, demand_per_week: float, growth_per_year: float, in_house_fte: float,
                       locum_fte: float, flows: Flows, backlog: float, assumptions: EPAssumptions,
                       establishment_fte: float = np.inf, recruit_week: int = 26) -> list[Scenario]:
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
        Scenario("as_is", "As now", growing, base, today),
        Scenario("flat_demand", "As now, demand stops growing", demand_path(demand_per_week, 0.0, weeks), base,
                 today),
    ]
    if recruits > 0:
        out.append(Scenario("recruit", f"Recruit {recruits:g} more EP{'s' if recruits != 1 else ''}", growing,
                            base + np.where(week >= recruit_week, recruits, 0.0), today))
    if backlog <= sustain.target_queue_size:
        return out
    per_fte = assumptions.assessments_per_fte_week
    sustain_fte = np.asarray(waitlist.target_capacity_per_week(growing, assumptions.advice_deadline_weeks)) / per_fte
    for key, label, clear_weeks in (("locum_a", "Locum package A: clear the list in 2 years", 2 * WEEKS_PER_YEAR),
                                    ("locum_b", "Locum package B: clear the list in 1 year", WEEKS_PER_YEAR),
                                    ("locum_c", "Locum package C: clear the list in 6 months", WEEKS_PER_YEAR / 2)):
        need = locum_need(backlog, demand_per_week, in_house_fte, assumptions, weeks_to_clear=clear_weeks)
        if need.locum_fte_clear == 0:
            continue
        relief_fte = need.relief_fte + (growing - demand_per_week) / per_fte
        required = np.where(week < clear_weeks, relief_fte, sustain_fte)
        out.append(Scenario(key, label, growing, base, np.maximum(required - base, 0.0)))
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
        :func:`helpers.analysis.simulate.period_summary` for each scenario, with ``scenario`` (name) and ``key``, for the
        advice deadline and the EP part of the 20-week timetable (``within_<d>_weeks_pct`` columns).
    outcomes
        One row per scenario: ``key``, ``scenario``, ``locum_fte_mean``, ``in_house_fte_end``,
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
            "key": s.key, "scenario": s.name, "locum_fte_mean": float(np.mean(s.locum_fte)),
            "in_house_fte_end": float(s.in_house_fte[-1]),
            "weeks_to_advice_deadline": simulate.weeks_to_reach(summary, advice_col, on_time_pct),
            "weeks_to_plan_deadline": simulate.weeks_to_reach(summary, plan_col, on_time_pct),
            "weeks_to_clear_backlog": simulate.weeks_to_reach(summary, "below_target", 1.0),
            "advice_within_deadline_pct_last_year": float(np.average(last_year[advice_col].fillna(0),
                                                                      weights=last_year["arrivals"])),
            "waiting_end": float(summary["waiting"].iloc[-1] + summary["in_service"].iloc[-1]),
            "locum_cost_gbp": locum_cost_gbp(s.locum_fte, assumptions),
        })
        weekly.append(summary.drop(columns="below_target").assign(scenario=s.name, key=s.key))
    return pd.concat(weekly, ignore_index=True), pd.DataFrame(rows)


# --- the EP page: the service today, the projection, tables, sentences and metrics ------------------------------

#: Weeks the page projects ahead (three years).
PROJECTION_WEEKS = 156
#: Simulated runs per choice: enough for the average line to be steady from run to run.
PROJECTION_RUNS = 200
#: Fixed seed, so the published projection is reproducible.
PROJECTION_SEED = 20251
#: Times to clear the list shown in the capacity table (label → weeks).
CLEARING_TIMES: dict[str, float] = {"6 months": 26, "1 year": 52, "2 years": 104}
#: Short label of each choice (:func:`standard_scenarios` key), for chart line labels and alt text.
CHOICE_LABELS: dict[str, str] = {"as_is": "As now", "flat_demand": "Demand stops growing", "recruit": "Recruit",
                                 "locum_a": "Locums A", "locum_b": "Locums B", "locum_c": "Locums C"}


def dfe_demand(ees: pd.DataFrame, area_code: str, assumptions: EPAssumptions) -> pd.DataFrame:
    """EP demand from the DfE release: assessments completed each year, in EP hours and FTE (§6.1).

    Columns ``year``, ``assessments``, ``ep_hours`` (:func:`demand_hours`) and ``fte_needed`` (:func:`fte_needed`);
    empty when the release has no assessments for ``area_code``. Published data, so available for every council.
    """
    # Imported here, not at the top: helpers.analysis.growth loads statsmodels, which nothing else in this module needs.
    from helpers.analysis import growth

    assessments = growth.annual_series(ees, area_code, "assessments_completed")
    out = pd.DataFrame({"year": assessments.index.astype(int), "assessments": assessments.to_numpy()})
    out["ep_hours"] = demand_hours(out["assessments"], assumptions.hours_per_assessment)
    out["fte_needed"] = fte_needed(out["assessments"], assumptions.hours_per_assessment,
                                   assumptions.productive_hours_per_fte_year)
    return out


def demand_growth(ees: pd.DataFrame, area_code: str,
                  request_growth_metrics: Mapping[str, Mapping[str, Any]]) -> tuple[float, str]:
    """Yearly growth in demand for the projection (0.06 = 6%), and where it comes from in words.

    Page 1's five-year average growth in requests (metric ``requests_cagr_5y`` of ``01_request_growth``) when it
    has one, so both pages tell the same story; otherwise the same average from the DfE release over the last five
    years (:func:`helpers.analysis.growth.cagr`); no growth when the release has fewer than two years of requests.
    """
    # Imported here, not at the top: helpers.analysis.growth loads statsmodels, which nothing else in this module needs.
    from helpers.analysis import growth

    from_01 = request_growth_metrics.get("requests_cagr_5y", {})
    if from_01.get("value") is not None:
        return (from_01["value"] / 100,
                f"the average yearly growth in requests for assessment, {from_01.get('period', 'recent years')}")
    requests = growth.annual_series(ees, area_code, "requests_received")
    if len(requests) < 2:
        return 0.0, "no growth: the DfE release has too few years of requests"
    last = int(requests.index[-1])
    first = max(last - 5, int(requests.index[0]))
    return growth.cagr(requests, first, last), f"the average yearly growth in requests for assessment, {first}-{last}"


@dataclass(frozen=True)
class ServiceNow:
    """The EP advice service over the last 12 months of the staffing return and at its last period end.

    ``supply`` is :func:`supply_demand` plus ``fte_needed_3_month_average``; ``latest`` its last row. Rates are
    requests per week over the last 52 weeks; ``fte_needed`` converts that demand to FTE; ``gap_fte`` is needed
    minus EPs and locums (positive = short); ``on_time_pct`` / ``on_time_pct_year_before`` the share of advice
    within the deadline in the last 12 months and the 12 before (NaN when none was completed);
    ``fte_in_post_year_ago`` EPs in post at the last period end a year or more back (None if the return is
    shorter); ``backlog`` the estimated list (:func:`waiting_list`); ``wait_weeks`` the wait of a new request at
    today's pace (:func:`helpers.analysis.waitlist.expected_wait_weeks`); ``target_list`` the target list size
    (:func:`helpers.analysis.waitlist.target_queue_size`); ``needs`` :func:`locum_need` for each of :data:`CLEARING_TIMES`.
    """

    supply: pd.DataFrame
    latest: pd.Series
    demand_per_week: float
    throughput_per_week: float
    fte_needed: float
    gap_fte: float
    on_time_pct: float
    on_time_pct_year_before: float
    fte_in_post_year_ago: float | None
    backlog: float
    wait_weeks: float
    target_list: float
    needs: dict[str, LocumNeed]

    @property
    def hold(self) -> LocumNeed:
        """The need with a year to clear; its sustaining figures (holding the list) do not depend on the time."""
        return self.needs["1 year"]

    @property
    def gap_words(self) -> str:
        """'short of' when EPs and locums are fewer than needed, else 'more than'."""
        return "short of" if self.gap_fte > 0 else "more than"


def service_now(staffing: pd.DataFrame, assumptions: EPAssumptions) -> ServiceNow:
    """The staffing return summed up: supply, demand, the gap, timeliness and the list (see :class:`ServiceNow`).

    Rates and shares are ratios of sums over the last 52 weeks, not averages of monthly rates, so short or quiet
    months do not dominate.
    """
    supply = supply_demand(staffing, assumptions)
    supply["fte_needed_3_month_average"] = supply["fte_needed"].rolling(3, min_periods=1).mean()
    last_end = supply["period_end"].iloc[-1]
    year = pd.Timedelta(weeks=WEEKS_PER_YEAR)
    recent = supply[supply["period_end"] > last_end - year]
    before = supply[supply["period_end"].between(last_end - 2 * year, last_end - year, inclusive="right")]
    year_ago = supply[supply["period_end"] <= last_end - year]
    latest = supply.iloc[-1]
    weeks = recent["period_weeks"].sum()
    demand_per_week = recent["advice_requests_received"].sum() / weeks
    throughput_per_week = recent["advice_completed"].sum() / weeks
    needed = float(fte_needed(demand_per_week * WEEKS_PER_YEAR, assumptions.hours_per_assessment,
                              assumptions.productive_hours_per_fte_year))
    backlog = float(latest["waiting_end"])
    in_house = float(latest["eps_in_post_fte"])
    return ServiceNow(
        supply=supply, latest=latest, demand_per_week=demand_per_week, throughput_per_week=throughput_per_week,
        fte_needed=needed, gap_fte=needed - latest["supply_fte"],
        on_time_pct=100 * recent["advice_completed_within_6_weeks"].sum() / recent["advice_completed"].sum(),
        on_time_pct_year_before=(100 * before["advice_completed_within_6_weeks"].sum()
                                 / before["advice_completed"].sum() if before["advice_completed"].sum() > 0
                                 else float("nan")),
        fte_in_post_year_ago=float(year_ago["eps_in_post_fte"].iloc[-1]) if len(year_ago) else None,
        backlog=backlog, wait_weeks=waitlist.expected_wait_weeks(backlog, throughput_per_week),
        target_list=waitlist.target_queue_size(demand_per_week, assumptions.advice_deadline_weeks),
        needs={label: locum_need(backlog, demand_per_week, in_house, assumptions, weeks_to_clear=w)
               for label, w in CLEARING_TIMES.items()},
    )


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


def package_name(key: str) -> str:
    """'package C' for the key ``locum_c``: how the sentences name a locum package (its letter in the choices)."""
    return f"package {key.removeprefix('locum_').upper()}"


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


def when_text(weeks: float, start: pd.Timestamp) -> str:
    """'in about 47 weeks (August 2026)', 'straight away', or 'not within the three years' (NaN weeks)."""
    if narrative.is_missing(weeks):
        return "not within the three years"
    if weeks == 0:
        return "straight away"
    return f"in about {narrative.fmt(weeks, 'weeks')} ({start + pd.Timedelta(weeks=float(weeks)):%B %Y})"


def reached_text(weeks: float, start: pd.Timestamp) -> str:
    """'would be reached in about 21 weeks (February 2026)' or 'would not be reached within the three years'."""
    verb = "not be reached" if narrative.is_missing(weeks) else "be reached"
    return f"would {verb} {when_text(weeks, start).removeprefix('not ')}"


def headline(la_name: str, demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None) -> str:
    """The page's headline: timeliness, the list and where it is heading; the DfE demand alone without local data."""
    if now is None or projection is None:
        if demand.empty:
            return f"Neither DfE figures on assessments nor local staffing data are available for {la_name}."
        latest = demand.iloc[-1]
        return (f"In {int(latest['year'])} the assessments completed in {la_name} needed about "
                f"{narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for statutory advice. There are no local "
                f"staffing data in this pack, so supply and waiting times are not shown.")
    end, today = round(projection.by_key.loc["as_is", "waiting_end"]), round(now.backlog)
    trend = ("stay about the same." if end == today else
             f"{'grow' if end > today else 'fall'} to about {narrative.fmt(end, 'count')} in three years.")
    return (f"{narrative.fmt(now.on_time_pct, '%')} of EP advice was on time in the last 12 months "
            f"(target {narrative.fmt(projection.on_time_pct, '%')}); about {narrative.fmt(today, 'count')} "
            f"requests are waiting or being worked on, and as now the list would {trend}")


def demand_title(demand: pd.DataFrame, la_name: str) -> str:
    """Headline of the DfE demand chart: the latest year's assessments and the EP FTE they needed."""
    latest = demand.iloc[-1]
    return (f"In {int(latest['year'])} the {narrative.fmt(latest['assessments'], 'count')} assessments completed "
            f"in {la_name} needed about {narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for statutory advice")


def demand_alt(demand: pd.DataFrame) -> str:
    """Alt text of the DfE demand chart: the bars' direction from first to last year and any peak."""
    return narrative.describe_series(demand.set_index("year")["fte_needed"], unit="FTE",
                                     label="EP full-time equivalents needed for statutory advice", chart="Bar chart")


def demand_chart_data(demand: pd.DataFrame) -> pd.DataFrame:
    """The data behind the DfE demand chart, with plain-English column names."""
    return demand.rename(columns={"year": "Year", "assessments": "Assessments completed",
                                  "ep_hours": "EP hours needed", "fte_needed": "EP FTE needed"})


def demand_note(assumptions: EPAssumptions, growth_per_year: float, growth_source: str, *,
                projection_shown: bool = True) -> str:
    """The assumptions behind the demand figures and (when the page has one) the growth the projection uses."""
    note = (f"Each assessment is taken to need {narrative.fmt(assumptions.hours_per_assessment)} hours of EP "
            f"time, and a full-time EP to have {narrative.fmt(assumptions.productive_hours_per_fte_year)} hours "
            f"a year for statutory work. This counts statutory advice only: EPs also do annual reviews, "
            f"tribunals, consultation and traded work with schools, which need time on top.")
    if not projection_shown:
        return note
    return (f"{note} The projection below assumes requests keep growing by "
            f"{narrative.fmt(100 * growth_per_year, '%')} a year ({growth_source}).")


def supply_title(now: ServiceNow) -> str:
    """Headline of the supply-and-demand chart: FTE needed against EPs and locums, and the difference."""
    return (f"Over the last year, statutory advice needed about {narrative.fmt(now.fte_needed, 'FTE')} of EP time; "
            f"the council had {narrative.fmt(now.latest['supply_fte'], 'FTE')} including locums, "
            f"{narrative.fmt(abs(now.gap_fte), 'FTE')} {now.gap_words} what was needed")


def supply_alt(now: ServiceNow) -> str:
    """Alt text of the supply-and-demand chart: how EPs in post and the FTE needed moved over the months."""
    monthly = now.supply.set_index("period_end")
    return (narrative.describe_series(monthly["eps_in_post_fte"], unit="FTE", label="EPs in post") + " "
            + narrative.describe_series(monthly["fte_needed_3_month_average"], unit="FTE",
                                        label="FTE needed for statutory advice (3-month average)",
                                        chart="A second line"))


def supply_chart_data(now: ServiceNow) -> pd.DataFrame:
    """The data behind the supply-and-demand chart, month by month, with plain-English column names."""
    return now.supply[["period_end", "eps_in_post_fte", "locum_fte", "supply_fte", "establishment_fte",
                       "advice_requests_received", "fte_needed"]].rename(columns={
        "period_end": "Month ending", "eps_in_post_fte": "EPs in post (FTE)", "locum_fte": "Locums (FTE)",
        "supply_fte": "EPs and locums (FTE)", "establishment_fte": "Funded posts (FTE)",
        "advice_requests_received": "Requests for EP advice", "fte_needed": "FTE needed for statutory advice"})


def supply_note(now: ServiceNow) -> str:
    """Funded posts, EPs in post, vacancies and locums at the last period end."""
    latest = now.latest
    vacant = max(latest["establishment_fte"] - latest["eps_in_post_fte"], 0)
    return (f"At {latest['period_end']:%B %Y} the council funded {narrative.fmt(latest['establishment_fte'], 'FTE')} "
            f"of EP posts and had {narrative.fmt(latest['eps_in_post_fte'], 'FTE')} in post "
            f"({narrative.fmt(vacant, 'FTE')} vacant), plus {narrative.fmt(latest['locum_fte'], 'FTE')} of locums. "
            f"The FTE needed counts statutory advice only.")


def waiting_title(now: ServiceNow) -> str:
    """Headline of the waiting-list chart: the list today and the wait of a new request at today's pace."""
    return (f"About {narrative.fmt(now.backlog, 'count')} requests for EP advice were waiting or being worked on at "
            f"{now.latest['period_end']:%B %Y}; at the current pace a new request would wait about "
            f"{narrative.fmt(now.wait_weeks, 'weeks')} for its advice")


def waiting_alt(now: ServiceNow) -> str:
    """Alt text of the waiting-list chart: how the estimated list moved over the months."""
    return narrative.describe_series(now.supply.set_index("period_end")["waiting_end"], unit="count",
                                     label="requests for EP advice not yet completed (estimated)")


def waiting_chart_data(now: ServiceNow) -> pd.DataFrame:
    """The data behind the waiting-list chart, month by month, with plain-English column names."""
    return now.supply[["period_end", "advice_requests_received", "advice_completed", "waiting_end",
                       "advice_within_6_weeks_pct"]].rename(columns={
        "period_end": "Month ending", "advice_requests_received": "Requests received",
        "advice_completed": "Advice completed", "waiting_end": "Waiting at month end (estimated)",
        "advice_within_6_weeks_pct": "Advice within 6 weeks (%)"})


def waiting_note(now: ServiceNow, assumptions: EPAssumptions, target_pct: float) -> str:
    """Advice on time in the last 12 months against the target, and requests in and advice out per week."""
    return (f"In the last 12 months {narrative.fmt(now.on_time_pct, '%')} of EP advice was completed within "
            f"{narrative.fmt(assumptions.advice_deadline_weeks, 'weeks')} ({narrative.one_in(now.on_time_pct)}), "
            f"against a target of {narrative.fmt(target_pct, '%')}. The service received about "
            f"{narrative.fmt(now.demand_per_week)} requests a week and completed about "
            f"{narrative.fmt(now.throughput_per_week)}.")


def capacity_table(now: ServiceNow) -> pd.DataFrame:
    """EP capacity today, to hold the list at its target size, and to clear it in each of :data:`CLEARING_TIMES`.

    The clearing rows are left out when the list is no longer than its target size (nothing to clear).
    """
    hold = now.hold
    rows = [{"Capacity": "EPs in post now", "Assessments a week": hold.in_house_per_week,
             "EP FTE": hold.in_house_fte, "Extra FTE needed": 0.0},
            {"Capacity": "Keep up with demand and hold the list at its target size",
             "Assessments a week": hold.sustain_per_week, "EP FTE": hold.sustain_fte,
             "Extra FTE needed": hold.locum_fte_sustain}]
    if now.backlog > now.target_list:
        rows += [{"Capacity": f"Clear the list to its target size in {label}", "Assessments a week": n.relief_per_week,
                  "EP FTE": n.relief_fte, "Extra FTE needed": n.locum_fte_clear} for label, n in now.needs.items()]
    return pd.DataFrame(rows)


def capacity_note(now: ServiceNow, assumptions: EPAssumptions) -> str:
    """The target list size, the capacity to hold it and to clear the list in a year, and the list's pressure."""
    deadline = assumptions.advice_deadline_weeks
    hold, year = now.hold, now.needs["1 year"]
    return (f"The target list size is about {narrative.fmt(now.target_list, 'count')} children waiting "
            f"(requests a week × {narrative.fmt(deadline, 'weeks')} ÷ 4), the size at which almost everyone can be "
            f"seen within the deadline. Keeping up with demand at that size needs about "
            f"{narrative.fmt(hold.sustain_fte, 'FTE')} of EP time for statutory advice: "
            + ("the EPs in post are enough." if hold.locum_fte_sustain == 0 else
               f"{narrative.fmt(hold.locum_fte_sustain, 'FTE')} more than the EPs in post.")
            + (f" Clearing the list within a year needs about {narrative.fmt(year.relief_fte, 'FTE')} "
               f"until it is cleared." if year.locum_fte_clear > 0 else "")
            + f" The waiting-list pressure (twice the wait divided by the deadline) is "
            f"{narrative.fmt(waitlist.waiting_list_pressure(now.wait_weeks, deadline))}; above 1 the deadline is "
            f"usually missed.")


def projection_title(projection: Projection) -> str:
    """Headline of the projection chart: the list in three years as now, and when the fastest locum package (C
    when it is offered) would clear it."""
    by_key, fastest = projection.by_key, (projection.packages or [None])[0]
    return (f"As now, about {narrative.fmt(by_key.loc['as_is', 'waiting_end'], 'count')} requests for EP advice "
            f"would be waiting or being worked on in three years"
            + (f"; locum {package_name(fastest)} would bring the list to its target size "
               f"{when_text(by_key.loc[fastest, 'weeks_to_clear_backlog'], projection.start)}" if fastest else ""))


def projection_alt(projection: Projection, backlog: float) -> str:
    """Alt text of the projection chart: the choices, the common start and each choice's list after three years."""
    ends = projection.by_key["waiting_end"]
    return (f"Line chart of the projected number of requests for EP advice waiting or being worked on "
            f"over the next three years under {len(ends)} choices, all starting from "
            f"{narrative.fmt(backlog, 'count')}. "
            + " ".join(f"{CHOICE_LABELS[k]}: {narrative.fmt(v, 'count')} after three years." for k, v in ends.items()))


def projection_chart_data(projection: Projection, assumptions: EPAssumptions) -> pd.DataFrame:
    """Every fourth week of the projection: average, 10th and 90th percentile runs, timeliness and staffing."""
    on_time = f"within_{assumptions.advice_deadline_weeks:g}_weeks_pct"
    weekly = projection.weekly
    return weekly[weekly["week"] % 4 == 0][["scenario", "date", "waiting_total", "waiting_p10", "waiting_p90",
                                            on_time, "in_house_fte", "locum_fte"]].rename(columns={
        "scenario": "Choice", "date": "Week starting", "waiting_total": "Waiting or being assessed",
        "waiting_p10": "Waiting, low run (10th percentile)", "waiting_p90": "Waiting, high run (90th percentile)",
        on_time: "New requests advised within 6 weeks (%)", "in_house_fte": "EPs in post (FTE)",
        "locum_fte": "Locums (FTE)"})


def _weeks_cell(value: float) -> str:
    """Whole weeks for a table cell, or 'Not within 3 years'."""
    return "Not within 3 years" if narrative.is_missing(value) else f"{value:.0f}"


def outcomes_table(projection: Projection) -> pd.DataFrame:
    """What each choice achieves: locums, EPs in post, weeks to clear the list and to reach the targets, the list."""
    o, target = projection.outcomes, projection.on_time_pct
    return pd.DataFrame({
        "Choice": o["scenario"],
        "Average locum FTE": o["locum_fte_mean"],
        "EPs in post after 3 years (FTE)": o["in_house_fte_end"],
        "Weeks until the backlog is cleared": o["weeks_to_clear_backlog"].map(_weeks_cell),
        f"Weeks until {target:.0f}% of advice is within 6 weeks": o["weeks_to_advice_deadline"].map(_weeks_cell),
        f"Weeks until {target:.0f}% of advice is in time for a 20-week plan":
            o["weeks_to_plan_deadline"].map(_weeks_cell),
        "Advice within 6 weeks in year 3 (%)": o["advice_within_deadline_pct_last_year"],
        "Children waiting after 3 years": o["waiting_end"].round().astype(int),
    })


def outcomes_note(now: ServiceNow, assumptions: EPAssumptions) -> str:
    """What 'cleared' and 'in time for a 20-week plan' mean in the outcomes table."""
    return (f"'Cleared' means no more children waiting for work to start than the target list size "
            f"({narrative.fmt(now.target_list, 'count')} at today's demand). "
            f"'In time for a 20-week plan' means EP advice within "
            f"{narrative.fmt(assumptions.plan_budget_weeks, 'weeks')} of the request, leaving "
            f"{narrative.fmt(assumptions.plan_weeks_outside_ep_advice, 'weeks')} for the decision to assess, "
            f"drafting the plan, the family's 15 days to comment and issuing it (a pack assumption).")


def cost_table(projection: Projection) -> pd.DataFrame:
    """Locum cost of each choice over the projection and per year, to the nearest £1,000 (exempt cells only)."""
    cost = projection.outcomes["locum_cost_gbp"]
    return pd.DataFrame({"Choice": projection.outcomes["scenario"], "Locum cost over 3 years (£)": cost.round(-3),
                         "Average locum cost a year (£)": (cost / 3).round(-3)})


def cost_note(staffing: pd.DataFrame, assumptions: EPAssumptions) -> str:
    """Locum spend in the last 12 months of the return and the rate the costs use (exempt cells only)."""
    last_end = staffing["period_end"].max()
    spend = staffing.loc[staffing["period_end"] > last_end - pd.Timedelta(weeks=WEEKS_PER_YEAR),
                         "locum_spend_gbp"].sum()
    return (f"Locum spend in the last 12 months was £{spend:,.0f}. Costs use the pack's day rate of "
            f"£{assumptions.locum_day_rate_gbp:,.0f} for {narrative.fmt(assumptions.locum_hours_per_day)} hours of "
            f"statutory work; recruiting EPs also costs salaries, which are not included here.")


def findings(demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None,
             assumptions: EPAssumptions) -> list[str]:
    """The page's conclusions in plain English, one sentence each."""
    out = []
    if not demand.empty:
        latest = demand.iloc[-1]
        out.append(f"Statutory assessments in {int(latest['year'])} needed about "
                   f"{narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for advice alone (DfE figures).")
    if now is None or projection is None:
        return out + ["Without local staffing data this page cannot show supply, the waiting list or the choices."]
    by_key, start, target = projection.by_key, projection.start, projection.on_time_pct
    as_is, packages = by_key.loc["as_is"], projection.packages
    out += [
        (f"Today the EPs and locums are {narrative.fmt(abs(now.gap_fte), 'FTE')} {now.gap_words} the time statutory "
         f"advice needs, and about {narrative.fmt(now.backlog, 'count')} requests for EP advice are waiting or being "
         f"worked on: at today's pace a new request would wait about {narrative.fmt(now.wait_weeks, 'weeks')} for "
         f"its advice, against a deadline of {narrative.fmt(assumptions.advice_deadline_weeks, 'weeks')}."),
        (f"Carrying on as now, about {narrative.fmt(as_is['waiting_end'], 'count')} children would be waiting in "
         f"three years, and {target:.0f}% of advice within 6 weeks "
         f"{reached_text(as_is['weeks_to_advice_deadline'], start)}."),
    ]
    if "recruit" in by_key.index:
        out.append(f"With the recruitment choice ('{by_key.loc['recruit', 'scenario']}'), about "
                   f"{narrative.fmt(by_key.loc['recruit', 'waiting_end'], 'count')} children would be waiting "
                   f"after three years: permanent staff help keep up with new requests, but "
                   + ("on their own do not clear the children already waiting." if packages else
                      "take months to arrive."))
    if packages:
        best, slow = by_key.loc[packages[0]], by_key.loc[packages[-1]]
        out += [
            (f"Locums can clear the list: {package_name(packages[0])} (about "
             f"{narrative.fmt(best['locum_fte_mean'], 'FTE')} of locums on average) would bring it to its target "
             f"size {when_text(best['weeks_to_clear_backlog'], start)}, with {target:.0f}% of advice within 6 weeks "
             f"{when_text(best['weeks_to_advice_deadline'], start)}"
             + (f"; the slowest, {package_name(packages[-1])}, {when_text(slow['weeks_to_advice_deadline'], start)}."
                if len(packages) > 1 else ".")),
            ("Locums only hold the gains while they stay: once the list is cleared, enough time to keep up with "
             "demand is still needed, from permanent EPs or continuing locum time."),
        ]
    return out


def _metric(value: Any, unit: str, label: str, period: str, **extra: Any) -> dict[str, Any]:
    """One metrics-JSON record (``docs/architecture.md``); a missing value becomes null."""
    return {"value": None if narrative.is_missing(value) else float(value), "unit": unit, "label": label,
            "period": period, **extra}


def page_metrics(demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None,
                 period_end: pd.Timestamp) -> dict[str, dict[str, Any]]:
    """The EP page's headline metrics for the metrics JSON (no costs: those are commercial).

    DfE-based FTE needed always (when the release has assessments); with local staffing data also EPs in post,
    locums, FTE needed and the gap, advice within 6 weeks, the waiting list and wait, and for each choice the weeks
    to clear the list and to reach the target share within 6 weeks and in time for a 20-week plan.
    """
    period = f"{period_end:%b %Y}"
    metrics: dict[str, dict[str, Any]] = {}
    if not demand.empty:
        latest = demand.iloc[-1]
        metrics["ep_fte_needed_dfe"] = _metric(latest["fte_needed"], "FTE",
                                               "EP FTE needed for statutory advice (DfE assessments completed)",
                                               str(int(latest["year"])))
    if now is None or projection is None:
        metrics["advice_within_6_weeks_pct"] = _metric(None, "%", "EP advice completed within 6 weeks", period,
                                                       finding="No local EP staffing data in this pack.")
        return metrics
    latest, target = now.latest, projection.on_time_pct
    metrics.update({
        "ep_fte_in_post": _metric(latest["eps_in_post_fte"], "FTE", "EPs in post (FTE)", period,
                                  higher_is_better=True, previous=now.fte_in_post_year_ago),
        "ep_locum_fte": _metric(latest["locum_fte"], "FTE", "Locum EPs (FTE)", period),
        "ep_fte_needed": _metric(now.fte_needed, "FTE", "EP FTE needed for statutory advice (last 12 months)",
                                 period),
        "ep_gap_fte": _metric(now.gap_fte, "FTE", "EP FTE short of statutory need, including locums (negative = spare)",
                              period, higher_is_better=False,
                              finding=f"EPs and locums are {narrative.fmt(abs(now.gap_fte), 'FTE')} {now.gap_words} "
                                      "the time statutory advice needs."),
        "advice_within_6_weeks_pct": _metric(
            now.on_time_pct, "%", "EP advice completed within 6 weeks (last 12 months)", period,
            previous=None if narrative.is_missing(now.on_time_pct_year_before) else now.on_time_pct_year_before,
            higher_is_better=True,
            finding=f"{narrative.fmt(now.on_time_pct, '%')} of EP advice was completed within 6 weeks in the last "
                    "12 months."),
        "ep_waiting_list": _metric(now.backlog, "count", "Requests for EP advice not yet completed (estimated)",
                                   period, higher_is_better=False),
        "ep_expected_wait_weeks": _metric(now.wait_weeks, "weeks",
                                          "Wait for EP advice for a new request at today's pace", period,
                                          higher_is_better=False),
    })
    for row in projection.outcomes.itertuples():
        metrics[f"weeks_to_clear_backlog_{row.key}"] = _metric(
            row.weeks_to_clear_backlog, "weeks", f"{row.scenario}: weeks until the waiting list is at its target size",
            period, higher_is_better=False)
        metrics[f"weeks_to_advice_deadline_{row.key}"] = _metric(
            row.weeks_to_advice_deadline, "weeks",
            f"{row.scenario}: weeks until {target:.0f}% of EP advice is within 6 weeks", period,
            higher_is_better=False)
        metrics[f"weeks_to_plan_deadline_{row.key}"] = _metric(
            row.weeks_to_plan_deadline, "weeks",
            f"{row.scenario}: weeks until {target:.0f}% of EP advice is in time for a 20-week plan", period,
            higher_is_better=False)
    return metrics


# --- one figure for assessment demand and EP hours (pages 01, 03 and the front page) ------------------------------
#: Years of published counts behind the share of requests that become completed assessments.
CONVERSION_YEARS = 3


@dataclass(frozen=True)
class AssessmentRate:
    """Assessments completed as a share of requests received: Σ assessments ÷ Σ requests over ``first``–``last``
    (a ratio of summed counts, never a mean of yearly percentages). ``own`` is False when the release has no
    local figures and the pack's assumption is used instead."""

    rate: float
    assessments: float
    requests: float
    first: int | None
    last: int | None
    own: bool

    @property
    def basis(self) -> str:
        """``"69.4% of requests, the share completed in 2022-2024: 8,087 assessments for 11,658 requests"``."""
        if not self.own:
            return (f"{narrative.fmt(100 * self.rate, '%')} of requests, the pack's assumed rate (the DfE release "
                    "has no local figures)")
        period = str(self.last) if self.first == self.last else f"{self.first}-{self.last}"
        return (f"{narrative.fmt(100 * self.rate, '%')} of requests, the share completed in {period}: "
                f"{narrative.fmt(self.assessments, 'count')} assessments for {narrative.fmt(self.requests, 'count')} "
                "requests")


def assessment_rate(ees: pd.DataFrame, area_code: str, fallback: float, *,
                    years: int = CONVERSION_YEARS) -> AssessmentRate:
    """The share of requests that become completed assessments, from the DfE counts (:class:`AssessmentRate`).

    The same measure as the EP page's demand chart (assessments completed), so page 01's scenarios, this page and
    the front page all convert requests to assessments in one way. E.g. Kent 2022–2024: (2,710 + 2,180 + 3,197)
    ÷ (3,669 + 3,988 + 4,001) = 8,087 ÷ 11,658 = 69.4%.
    """
    from helpers.analysis import growth

    requests = growth.annual_series(ees, area_code, "requests_received", unbroken=False)
    assessed = growth.annual_series(ees, area_code, "assessments_completed", unbroken=False)
    both = pd.concat([requests, assessed], axis=1, keys=["r", "a"]).dropna().sort_index().tail(years)
    if both.empty or both["r"].sum() <= 0:
        return AssessmentRate(float(fallback), float("nan"), float("nan"), None, None, own=False)
    return AssessmentRate(float(both["a"].sum() / both["r"].sum()), float(both["a"].sum()), float(both["r"].sum()),
                          int(both.index.min()), int(both.index.max()), own=True)


def _plural(count: float, word: str) -> str:
    """``word`` or ``word + "s"`` as the count is shown (1 assessment, 2 assessments)."""
    return word if narrative.fmt(count, "count") == "1" else word + "s"


def next_year_demand_metric(plan: pd.DataFrame, rate: AssessmentRate, assumptions: EPAssumptions,
                            demand: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Metric ``ep_hours_next_year``: next year's assessments and EP hours if the trend continues, computed once
    here (from :func:`helpers.analysis.growth.scenarios`, whose assessments are requests × ``rate``) and read by the EP page
    and the front page, with the latest actual year (``demand``, :func:`dfe_demand`) in the same sentence.
    """
    trend = plan[plan["scenario"] == "Trend continues"].sort_values("year").iloc[0]
    year = int(trend["year"])
    fte = float(trend["ep_hours"]) / assumptions.productive_hours_per_fte_year
    finding = (f"If requests follow the forecast, {year} would bring about "
               f"{narrative.fmt(trend['assessments'], 'count')} {_plural(trend['assessments'], 'assessment')} "
               f"({rate.basis}), needing about "
               f"{narrative.fmt(trend['ep_hours'], 'count')} hours of EP time "
               f"({narrative.fmt(fte, 'FTE')}).")
    if not demand.empty:
        latest = demand.iloc[-1]
        finding += (f" In {int(latest['year'])} the {narrative.fmt(latest['assessments'], 'count')} "
                    f"{_plural(latest['assessments'], 'assessment')} completed needed about "
                    f"{narrative.fmt(latest['ep_hours'], 'count')} hours "
                    f"({narrative.fmt(latest['fte_needed'], 'FTE')}).")
    return {"ep_hours_next_year": _metric(
        trend["ep_hours"], "hours", f"EP hours needed for assessments in {year} if the trend continues", str(year),
        assessments=float(trend["assessments"]), requests=float(trend["requests"]), fte=fte,
        conversion=rate.rate, finding=finding, evidence="03_ep_workforce")}


def assessment_rate_sentence(rate: AssessmentRate, hours_per_assessment: float) -> str:
    """How requests become assessments and EP hours on page 01 (the same conversion as the EP page)."""
    return (f"Assessments are {rate.basis}; each assessment needs about "
            f"{narrative.fmt(hours_per_assessment)} hours of EP time.")
