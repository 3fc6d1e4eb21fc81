"""The EP workforce page's metrics (``metrics_03_ep_workforce.json``).

No costs: locum costs are commercial information and stay in the exempt cells.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.analysis.workforce_projection import Projection
from helpers.analysis.workforce_service import ServiceNow
from helpers.metrics import Metric, Unit
from helpers.pages.ep_workforce_text import gap_words
from helpers.present import narrative


def metric(value: Any, unit: Unit, label: str, period: str, *, extras: dict[str, Any] | None = None,
            **fields: Any) -> Metric:
    """One metric (a missing value becomes null); ``fields`` are :class:`~helpers.metrics.Metric`'s own keys."""
    return Metric(value=None if narrative.is_missing(value) else float(value), unit=unit, label=label, period=period,
                  extras=extras or {}, **fields)


def page_metrics(demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None,
                 period_end: pd.Timestamp) -> dict[str, Metric]:
    """The EP page's headline metrics for the metrics JSON (no costs: those are commercial).

    DfE-based FTE needed always (when the release has assessments); with local staffing data also EPs in post,
    locums, FTE needed and the gap, advice within 6 weeks, the waiting list and wait, and for each choice the weeks
    to clear the list and to reach the target share within 6 weeks and in time for a 20-week plan.
    """
    period = f"{period_end:%b %Y}"
    metrics: dict[str, Metric] = {}
    if not demand.empty:
        latest = demand.iloc[-1]
        metrics["ep_fte_needed_dfe"] = metric(latest["fte_needed"], "FTE",
                                               "EP FTE needed for statutory advice (DfE assessments completed)",
                                               str(int(latest["year"])))
    if now is None or projection is None:
        metrics["advice_within_6_weeks_pct"] = metric(None, "%", "EP advice completed within 6 weeks", period,
                                                       finding="No local EP staffing data in this pack.")
        return metrics
    latest, target = now.latest, projection.on_time_pct
    metrics.update({
        "ep_fte_in_post": metric(latest["eps_in_post_fte"], "FTE", "EPs in post (FTE)", period,
                                  higher_is_better=True, previous=now.fte_in_post_year_ago),
        "ep_locum_fte": metric(latest["locum_fte"], "FTE", "Locum EPs (FTE)", period),
        "ep_fte_needed": metric(now.fte_needed, "FTE", "EP FTE needed for statutory advice (last 12 months)",
                                 period),
        "ep_gap_fte": metric(now.gap_fte, "FTE", "EP FTE short of statutory need, including locums (negative = spare)",
                              period, higher_is_better=False,
                              finding=f"EPs and locums are {narrative.fmt(abs(now.gap_fte), 'FTE')} {gap_words(now)} "
                                      "the time statutory advice needs."),
        "advice_within_6_weeks_pct": metric(
            now.on_time_pct, "%", "EP advice completed within 6 weeks (last 12 months)", period,
            previous=None if narrative.is_missing(now.on_time_pct_year_before) else now.on_time_pct_year_before,
            higher_is_better=True,
            finding=f"{narrative.fmt(now.on_time_pct, '%')} of EP advice was completed within 6 weeks in the last "
                    "12 months."),
        "ep_waiting_list": metric(now.backlog, "count", "Requests for EP advice not yet completed (estimated)",
                                   period, higher_is_better=False),
        "ep_expected_wait_weeks": metric(now.wait_weeks, "weeks",
                                          "Wait for EP advice for a new request at today's pace", period,
                                          higher_is_better=False),
    })
    for row in projection.outcomes.itertuples():
        metrics[f"weeks_to_clear_backlog_{row.key}"] = metric(
            row.weeks_to_clear_backlog, "weeks", f"{row.scenario}: weeks until the waiting list is at its target size",
            period, higher_is_better=False)
        metrics[f"weeks_to_advice_deadline_{row.key}"] = metric(
            row.weeks_to_advice_deadline, "weeks",
            f"{row.scenario}: weeks until {target:.0f}% of EP advice is within 6 weeks", period,
            higher_is_better=False)
        metrics[f"weeks_to_plan_deadline_{row.key}"] = metric(
            row.weeks_to_plan_deadline, "weeks",
            f"{row.scenario}: weeks until {target:.0f}% of EP advice is in time for a 20-week plan", period,
            higher_is_better=False)
    return metrics
