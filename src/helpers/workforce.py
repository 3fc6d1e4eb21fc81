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

This module reads no files: the staffing table comes from :mod:`helpers.sources.workforce` (columns in
``docs/architecture.md``) and the assumptions from the pack config (:meth:`EPAssumptions.from_config`). Money
(locum cost) is commercial information: notebooks show it only in cells tagged ``exempt``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers import simulate, waitlist
from helpers.errors import InputError
from helpers.pack.config import PackConfig

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
    """Simulate each scenario (:func:`helpers.simulate.simulate`, weekly periods) and summarise it.

    Servers are cases in progress (:func:`service_lanes` of in-house plus locum FTE); a case takes
    ``assumptions.weeks_per_case`` weeks on average (gamma distributed with coefficient of variation
    ``assumptions.case_weeks_cv``). Every scenario uses the same seed, so differences between
    scenarios are not chance differences in the simulated requests. The ``backlog`` (requests not yet completed,
    some already being worked on) starts at the front of the queue, with every case-slot free at week 0.

    Returns
    -------
    weekly
        :func:`helpers.simulate.period_summary` for each scenario, with ``scenario`` (name) and ``key``, for the
        advice deadline and the EP part of the 20-week timetable (``within_<d>_weeks_pct`` columns).
    outcomes
        One row per scenario: ``key``, ``scenario``, ``locum_fte_mean``, ``in_house_fte_end``,
        ``weeks_to_advice_deadline`` and ``weeks_to_plan_deadline`` (first week from which at least
        ``on_time_pct``% of new requests get advice within the 6 weeks / within the EP share of 20 weeks, and keep
        doing so; NaN = not within the projection), ``weeks_to_clear_backlog`` (first week from which the
        average number waiting for work to start stays at or below the target list size,
        :func:`helpers.waitlist.target_queue_size`), ``advice_within_deadline_pct_last_year`` (requests in the
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
