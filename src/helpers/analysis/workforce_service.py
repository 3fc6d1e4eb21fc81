"""The EP advice service today, from the staffing return, and the growth in requests from the DfE release.

:func:`service_now` sums up the last 12 months of the staffing return (supply, demand, the gap, timeliness, the
waiting list and the locum time to clear it); :func:`release_growth` is the yearly growth in requests the
projection uses when page 01 has none. Numbers only: the wording is in :mod:`helpers.pages.ep_workforce`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import growth, waitlist
from helpers.analysis.workforce import WEEKS_PER_YEAR, EPAssumptions, LocumNeed, fte_needed, locum_need, supply_demand

#: Weeks to clear the list shown in the capacity table: six months, one year, two years.
CLEARING_WEEKS: tuple[float, ...] = (WEEKS_PER_YEAR / 2, WEEKS_PER_YEAR, 2 * WEEKS_PER_YEAR)
#: Years of requests behind the release's average growth (page 01's ``requests_cagr_5y`` uses the same).
GROWTH_YEARS = 5


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
    (:func:`helpers.analysis.waitlist.target_queue_size`); ``needs`` :func:`locum_need` for each of
    :data:`CLEARING_WEEKS` (weeks to clear → need).
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
    needs: dict[float, LocumNeed]

    @property
    def hold(self) -> LocumNeed:
        """The need with a year to clear; its sustaining figures (holding the list) do not depend on the time."""
        return self.needs[WEEKS_PER_YEAR]


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
        backlog=backlog, wait_weeks=float(waitlist.expected_wait_weeks(backlog, throughput_per_week)),
        target_list=float(waitlist.target_queue_size(demand_per_week, assumptions.advice_deadline_weeks)),
        needs={w: locum_need(backlog, demand_per_week, in_house, assumptions, weeks_to_clear=w)
               for w in CLEARING_WEEKS},
    )


def release_growth(ees: pd.DataFrame, area_code: str, *, years: int = GROWTH_YEARS) -> tuple[float, int, int] | None:
    """Average yearly growth in requests over the last ``years`` years of the DfE release (0.06 = 6%), with its
    first and last year (:func:`helpers.analysis.growth.cagr`); None when the release has fewer than two years."""
    requests = growth.annual_series(ees, area_code, "requests_received")
    if len(requests) < 2:
        return None
    last = int(requests.index[-1])
    first = max(last - years, int(requests.index[0]))
    return float(growth.cagr(requests, first, last)), first, last
