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

Pure numbers in, frames and numbers out: the staffing table comes from :mod:`helpers.sources.workforce` (columns in
``docs/architecture.md``) and the assumptions as an :class:`EPAssumptions` of plain values. :func:`dfe_demand` and
:func:`assessment_rate` convert the DfE release's requests and assessments (pages 01 and 03 and the front page use
the one rate). The service today is in :mod:`helpers.analysis.workforce_service`, the simulated choices in
:mod:`helpers.analysis.workforce_projection`, and the page's wording in :mod:`helpers.pages.ep_workforce`. Money
(locum cost) is commercial information: notebooks show it only in cells tagged ``exempt``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from helpers.analysis import growth, waitlist

#: Weeks in a year for converting yearly hours to weekly (the 37-hour week × 52 convention of §9.6). The one
#: weeks-per-year figure of the pack's models.
WEEKS_PER_YEAR = 52.0
#: Statutory limit for issuing the final EHC plan, weeks from the request (SEND Regulations 2014, reg. 13).
PLAN_DEADLINE_WEEKS = 20.0
#: Years of published counts behind the share of requests that become completed assessments.
CONVERSION_YEARS = 3

@dataclass(frozen=True)
class EPAssumptions:
    """The modelling assumptions of the EP page as plain numbers (:func:`helpers.pages.ep_workforce.ep_assumptions`
    reads them from the pack config, which checks their ranges on load).

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
    lanes: np.ndarray = np.rint(np.maximum(np.asarray(fte, float), 0.0) * cases_in_progress_per_fte).astype(int)
    return lanes


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

    Target list size L* = λ · T / F (Little's law) with T the advice deadline; relief capacity λ + (L − L*) / Δt,
    never below the sustaining capacity; sustaining capacity λ + F / T (Kingman, Poisson arrivals and exponential
    service); each converted to FTE at ``hours_per_assessment`` ÷ productive hours per FTE-week
    (``modelling_methods.md`` §1.5, §9.6). Locums make up whatever the in-house FTE do not cover (never below 0),
    paid ``locum_day_rate_gbp`` per ``locum_hours_per_day`` hours.
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


# --- EP demand from the DfE release (pages 01 and 03 and the front page) ---------------------------------------

def dfe_demand(ees: pd.DataFrame, area_code: str, assumptions: EPAssumptions) -> pd.DataFrame:
    """EP demand from the DfE release: assessments completed each year, in EP hours and FTE (§6.1).

    Columns ``year``, ``assessments``, ``ep_hours`` (:func:`demand_hours`) and ``fte_needed`` (:func:`fte_needed`);
    empty when the release has no assessments for ``area_code``. Published data, so available for every council.
    """
    assessments = growth.annual_series(ees, area_code, "assessments_completed")
    out = pd.DataFrame({"year": assessments.index.astype(int), "assessments": assessments.to_numpy()})
    out["ep_hours"] = demand_hours(out["assessments"], assumptions.hours_per_assessment)
    out["fte_needed"] = fte_needed(out["assessments"], assumptions.hours_per_assessment,
                                   assumptions.productive_hours_per_fte_year)
    return out


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


def assessment_rate(ees: pd.DataFrame, area_code: str, fallback: float, *,
                    years: int = CONVERSION_YEARS) -> AssessmentRate:
    """The share of requests that become completed assessments, from the DfE counts (:class:`AssessmentRate`).

    The same measure as the EP page's demand chart (assessments completed), so page 01's scenarios, this page and
    the front page all convert requests to assessments in one way. E.g. Kent 2022–2024: (2,710 + 2,180 + 3,197)
    ÷ (3,669 + 3,988 + 4,001) = 8,087 ÷ 11,658 = 69.4%.
    """
    requests = growth.annual_series(ees, area_code, "requests_received", unbroken=False)
    assessed = growth.annual_series(ees, area_code, "assessments_completed", unbroken=False)
    both = pd.concat([requests, assessed], axis=1, keys=["r", "a"]).dropna().sort_index().tail(years)
    if both.empty or both["r"].sum() <= 0:
        return AssessmentRate(float(fallback), float("nan"), float("nan"), None, None, own=False)
    return AssessmentRate(float(both["a"].sum() / both["r"].sum()), float(both["a"].sum()), float(both["r"].sum()),
                          int(both.index.min()), int(both.index.max()), own=True)
