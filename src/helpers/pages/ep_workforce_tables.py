"""The EP workforce page's tables: the data behind each chart and the display tables, with plain-English headers.

Built from the frames of :mod:`helpers.analysis.workforce_service` and :mod:`helpers.analysis.workforce_projection`
(choices named by :func:`helpers.pages.ep_workforce_text.with_names`).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.workforce import EPAssumptions
from helpers.analysis.workforce_projection import Projection
from helpers.analysis.workforce_service import ServiceNow
from helpers.pages.ep_workforce_text import CLEARING_LABELS
from helpers.present import narrative


def demand_chart_data(demand: pd.DataFrame) -> pd.DataFrame:
    """The data behind the DfE demand chart, with plain-English column names."""
    return demand.rename(columns={"year": "Year", "assessments": "Assessments completed",
                                  "ep_hours": "EP hours needed", "fte_needed": "EP FTE needed"})


def supply_chart_data(now: ServiceNow) -> pd.DataFrame:
    """The data behind the supply-and-demand chart, month by month, with plain-English column names."""
    return now.supply[["period_end", "eps_in_post_fte", "locum_fte", "supply_fte", "establishment_fte",
                       "advice_requests_received", "fte_needed"]].rename(columns={
        "period_end": "Month ending", "eps_in_post_fte": "EPs in post (FTE)", "locum_fte": "Locums (FTE)",
        "supply_fte": "EPs and locums (FTE)", "establishment_fte": "Funded posts (FTE)",
        "advice_requests_received": "Requests for EP advice", "fte_needed": "FTE needed for statutory advice"})


def waiting_chart_data(now: ServiceNow) -> pd.DataFrame:
    """The data behind the waiting-list chart, month by month, with plain-English column names."""
    return now.supply[["period_end", "advice_requests_received", "advice_completed", "waiting_end",
                       "advice_within_6_weeks_pct"]].rename(columns={
        "period_end": "Month ending", "advice_requests_received": "Requests received",
        "advice_completed": "Advice completed", "waiting_end": "Waiting at month end (estimated)",
        "advice_within_6_weeks_pct": "Advice within 6 weeks (%)"})


def capacity_table(now: ServiceNow) -> pd.DataFrame:
    """EP capacity today, to hold the list at its target size, and to clear it in each of the clearing times.

    The clearing rows are left out when the list is no longer than its target size (nothing to clear).
    """
    hold = now.hold
    rows = [{"Capacity": "EPs in post now", "Assessments a week": hold.in_house_per_week,
             "EP FTE": hold.in_house_fte, "Extra FTE needed": 0.0},
            {"Capacity": "Keep up with demand and hold the list at its target size",
             "Assessments a week": hold.sustain_per_week, "EP FTE": hold.sustain_fte,
             "Extra FTE needed": hold.locum_fte_sustain}]
    if now.backlog > now.target_list:
        rows += [{"Capacity": f"Clear the list to its target size in {CLEARING_LABELS[weeks]}",
                  "Assessments a week": n.relief_per_week, "EP FTE": n.relief_fte,
                  "Extra FTE needed": n.locum_fte_clear} for weeks, n in now.needs.items()]
    return pd.DataFrame(rows)


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


def cost_table(projection: Projection) -> pd.DataFrame:
    """Locum cost of each choice over the projection and per year, to the nearest £1,000 (exempt cells only)."""
    cost = projection.outcomes["locum_cost_gbp"]
    return pd.DataFrame({"Choice": projection.outcomes["scenario"], "Locum cost over 3 years (£)": cost.round(-3),
                         "Average locum cost a year (£)": (cost / 3).round(-3)})
