"""The request-growth page's scenarios (01): requests, assessments and EP hours, and the EP-hours metric.

The conversion from requests to completed assessments and the EP assumptions are the EP page's
(:mod:`helpers.analysis.workforce`), so both pages and the front page quote one figure
(``01_request_growth.ep_hours_next_year``). Sentences follow :mod:`helpers.present.narrative` rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import workforce
from helpers.analysis.forecast import MeasureForecast
from helpers.analysis.growth_scenarios import STOPS, TREND, scenarios
from helpers.config import PackConfig
from helpers.metrics import Metric
from helpers.pages.ep_workforce import ep_assumptions
from helpers.pages.request_growth_words import years_as_text
from helpers.present import narrative
from helpers.present.chart import Table

#: Said instead of the scenario table when requests could not be forecast.
NO_SCENARIOS = "There are too few years of requests to project the scenarios."


@dataclass(frozen=True)
class Demand:
    """Requests turned into assessments and EP hours: the rate, the EP assumptions, the scenarios (None without a
    requests forecast) and the DfE's completed assessments in EP hours (``dfe``)."""

    rate: workforce.AssessmentRate
    assumptions: workforce.EPAssumptions
    plan: pd.DataFrame | None
    dfe: pd.DataFrame


def demand(config: PackConfig, ees: pd.DataFrame, la_code: str, requests: MeasureForecast | None) -> Demand:
    """The scenarios from the requests forecast, at the council's own assessment rate and the pack's assumptions."""
    rate = workforce.assessment_rate(ees, la_code, config.assumption("assessment_conversion"))
    assumptions = ep_assumptions(config)
    plan = None if requests is None else scenarios(
        requests.series, requests.forecast, conversion=rate.rate, hours_per_assessment=assumptions.hours_per_assessment,
        extra={s.name: s.growth_per_year for s in config.scenarios})
    return Demand(rate, assumptions, plan, workforce.dfe_demand(ees, la_code, assumptions))


def rate_basis(rate: workforce.AssessmentRate) -> str:
    """``"69.4% of requests, the share completed in 2022-2024: 8,087 assessments for 11,658 requests"``."""
    if not rate.own:
        return (f"{narrative.fmt(100 * rate.rate, '%')} of requests, the pack's assumed rate (the DfE release "
                "has no local figures)")
    period = str(rate.last) if rate.first == rate.last else f"{rate.first}-{rate.last}"
    return (f"{narrative.fmt(100 * rate.rate, '%')} of requests, the share completed in {period}: "
            f"{narrative.fmt(rate.assessments, 'count')} assessments for {narrative.fmt(rate.requests, 'count')} "
            "requests")


def assessment_rate_sentence(d: Demand) -> str:
    """How requests become assessments and EP hours (the same conversion as the EP page)."""
    return (f"Assessments are {rate_basis(d.rate)}; each assessment needs about "
            f"{narrative.fmt(d.assumptions.hours_per_assessment)} hours of EP time.")


def scenario_rows(plan: pd.DataFrame) -> pd.DataFrame:
    """The scenarios with plain-English headers, counts rounded to whole numbers and years as text."""
    table = plan.rename(columns={"scenario": "Scenario", "year": "Year", "requests": "Requests",
                                 "requests_lower": "Requests: likely range from (80%)",
                                 "requests_upper": "Requests: likely range to (80%)",
                                 "assessments": "Assessments", "ep_hours": "EP hours for assessments"})
    counts = table.columns.drop(["Scenario", "Year"])
    table[counts] = table[counts].round(0).astype("Int64")
    return years_as_text(table)


def scenario_table(plan: pd.DataFrame) -> Table:
    """The scenario table for the page."""
    return Table(scenario_rows(plan), "Requests, assessments and EP hours under each scenario", name="scenarios")


def scenario_sentence(plan: pd.DataFrame) -> str:
    """Next year's requests, assessments and EP hours if the trend continues, and EP hours if growth stops."""
    next_year = plan[plan["year"] == plan["year"].min()].set_index("scenario")
    trend = next_year.loc[TREND]
    return (f"If the trend continues, {int(trend['year'])} would bring about "
            f"{narrative.fmt(trend['requests'], 'count')} requests, "
            f"{narrative.fmt(trend['assessments'], 'count')} assessments and "
            f"{narrative.fmt(trend['ep_hours'], 'count')} hours of EP assessment time; if growth stops, "
            f"{narrative.fmt(next_year.loc[STOPS, 'ep_hours'], 'count')} hours.")


def _assessments(count: float) -> str:
    """``"assessment"`` or ``"assessments"`` as the count is shown (1 assessment, 2 assessments)."""
    return "assessment" if narrative.fmt(count, "count") == "1" else "assessments"


def ep_hours_metric(d: Demand) -> dict[str, Metric]:
    """Metric ``ep_hours_next_year``: next year's assessments and EP hours if the trend continues, computed once
    here and read by the EP page and the front page, with the latest actual year in the same sentence."""
    if d.plan is None:
        return {}
    trend = d.plan[d.plan["scenario"] == TREND].sort_values("year").iloc[0]
    year = int(trend["year"])
    fte = float(trend["ep_hours"]) / d.assumptions.productive_hours_per_fte_year
    finding = (f"If requests follow the forecast, {year} would bring about "
               f"{narrative.fmt(trend['assessments'], 'count')} {_assessments(trend['assessments'])} "
               f"({rate_basis(d.rate)}), needing about {narrative.fmt(trend['ep_hours'], 'count')} hours of EP time "
               f"({narrative.fmt(fte, 'FTE')}).")
    if not d.dfe.empty:
        latest = d.dfe.iloc[-1]
        finding += (f" In {int(latest['year'])} the {narrative.fmt(latest['assessments'], 'count')} "
                    f"{_assessments(latest['assessments'])} completed needed about "
                    f"{narrative.fmt(latest['ep_hours'], 'count')} hours "
                    f"({narrative.fmt(latest['fte_needed'], 'FTE')}).")
    hours = trend["ep_hours"]
    return {"ep_hours_next_year": Metric(
        value=None if narrative.is_missing(hours) else float(hours), unit="hours",
        label=f"EP hours needed for assessments in {year} if the trend continues", period=str(year),
        finding=finding, evidence="03_ep_workforce",
        extras={"assessments": float(trend["assessments"]), "requests": float(trend["requests"]), "fte": fte,
                "conversion": float(d.rate.rate)})}
