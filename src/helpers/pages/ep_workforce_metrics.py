"""The EP workforce page's metrics (``metrics_03_ep_workforce.json``) and page 01's ``ep_hours_next_year``: the one
figure for next year's assessments and EP hours, which the EP page and the front page read back.

No costs: locum costs are commercial information and stay in the exempt cells.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.analysis.workforce import AssessmentRate, EPAssumptions
from helpers.analysis.workforce_projection import Projection
from helpers.analysis.workforce_service import ServiceNow
from helpers.metrics import Metric, Unit
from helpers.pages.ep_workforce_text import gap_words
from helpers.present import narrative


def _metric(value: Any, unit: Unit, label: str, period: str, *, extras: dict[str, Any] | None = None,
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
                              finding=f"EPs and locums are {narrative.fmt(abs(now.gap_fte), 'FTE')} {gap_words(now)} "
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


def rate_basis(rate: AssessmentRate) -> str:
    """How requests become assessments: ``"69.4% of requests, the share completed in 2022-2024: 8,087 assessments
    for 11,658 requests"``, or the pack's assumed rate when the release has no local figures."""
    if not rate.own:
        return (f"{narrative.fmt(100 * rate.rate, '%')} of requests, the pack's assumed rate (the DfE release "
                "has no local figures)")
    period = str(rate.last) if rate.first == rate.last else f"{rate.first}-{rate.last}"
    return (f"{narrative.fmt(100 * rate.rate, '%')} of requests, the share completed in {period}: "
            f"{narrative.fmt(rate.assessments, 'count')} assessments for {narrative.fmt(rate.requests, 'count')} "
            "requests")


def _plural(count: float, word: str) -> str:
    """``word`` or ``word + "s"`` as the count is shown (1 assessment, 2 assessments)."""
    return word if narrative.fmt(count, "count") == "1" else word + "s"


def next_year_demand_metric(plan: pd.DataFrame, rate: AssessmentRate, assumptions: EPAssumptions,
                            demand: pd.DataFrame) -> dict[str, Metric]:
    """Metric ``ep_hours_next_year`` of page 01: next year's assessments and EP hours if the trend continues,
    computed once here (from ``plan``, :func:`helpers.analysis.growth.scenarios`, whose assessments are requests ×
    ``rate``) and read by the EP page and the front page, with the latest actual year (``demand``,
    :func:`helpers.analysis.workforce_service.dfe_demand`) in the same sentence.
    """
    trend = plan[plan["scenario"] == "Trend continues"].sort_values("year").iloc[0]
    year = int(trend["year"])
    fte = float(trend["ep_hours"]) / assumptions.productive_hours_per_fte_year
    finding = (f"If requests follow the forecast, {year} would bring about "
               f"{narrative.fmt(trend['assessments'], 'count')} {_plural(trend['assessments'], 'assessment')} "
               f"({rate_basis(rate)}), needing about "
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
        finding=finding, evidence="03_ep_workforce",
        extras={"assessments": float(trend["assessments"]), "requests": float(trend["requests"]), "fte": fte,
                "conversion": rate.rate})}


def assessment_rate_sentence(rate: AssessmentRate, hours_per_assessment: float) -> str:
    """How requests become assessments and EP hours on page 01 (the same conversion as the EP page)."""
    return (f"Assessments are {rate_basis(rate)}; each assessment needs about "
            f"{narrative.fmt(hours_per_assessment)} hours of EP time.")
