"""Page 01's ``ep_hours_next_year`` metric and its sentences: the one figure for next year's assessments and EP
hours, which the EP page and the front page read back.

Kept for notebook 01 as it stood; ``helpers.pages.request_growth_demand`` (page 01's own module) holds the same
functions, and after the merge of the two this module goes.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis.workforce import AssessmentRate, EPAssumptions
from helpers.metrics import Metric
from helpers.pages.ep_workforce_metrics import metric
from helpers.present import narrative


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
    return {"ep_hours_next_year": metric(
        trend["ep_hours"], "hours", f"EP hours needed for assessments in {year} if the trend continues", str(year),
        finding=finding, evidence="03_ep_workforce",
        extras={"assessments": float(trend["assessments"]), "requests": float(trend["requests"]), "fte": fte,
                "conversion": rate.rate})}


def assessment_rate_sentence(rate: AssessmentRate, hours_per_assessment: float) -> str:
    """How requests become assessments and EP hours on page 01 (the same conversion as the EP page)."""
    return (f"Assessments are {rate_basis(rate)}; each assessment needs about "
            f"{narrative.fmt(hours_per_assessment)} hours of EP time.")
