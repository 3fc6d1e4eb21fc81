"""The timeliness page (``notebooks/02_timeliness.ipynb``): its facts, headline, sentences, bundles and metrics.

:func:`facts` works out every number the page shows, once, from the page's config and tables
(:mod:`helpers.analysis.timeliness`, :mod:`helpers.analysis.timeliness_trend`, :mod:`helpers.analysis.cases`);
the other functions say them in plain English or bundle them for ``page.show``. The monthly SPC chart and the
target date are worded in :mod:`helpers.pages.timeliness_spc`, the comparison, time bands and backlog in
:mod:`helpers.pages.timeliness_tables`; the notebook calls them all through this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import cases as case_table
from helpers.analysis import timeliness, timeliness_trend
from helpers.analysis.timeliness import PeriodRate, change_direction, latest_review
from helpers.analysis.timeliness_trend import MonthlySpc, TargetForecast, TrendBasis, TrendVerdict
from helpers.areas import LA
from helpers.metrics import Metric
from helpers.pages.timeliness_spc import (
    NO_SEN2_MONTHLY,
    NO_TARGET,
    SPC_EXPLANATION,
    basis_description,
    hidden_months,
    monthly_gap,
    monthly_metrics,
    spc_chart,
    spc_findings,
    spc_notes,
    target_metrics,
    target_sentence,
    verdict_phrase,
)
from helpers.pages.timeliness_tables import (
    BACKLOG_EXPLANATION,
    NO_SEN2_BACKLOG,
    backlog_by_stage,
    backlog_metrics,
    backlog_sentence,
    bands_chart,
    comparison_chart,
    impossible_dates_sentence,
    local_bands,
    open_by_weeks_overdue,
    over_year_metrics,
)
from helpers.present import narrative
from helpers.present.page import Page

__all__ = [
    "BACKLOG_EXPLANATION", "NO_SEN2_BACKLOG", "NO_SEN2_MONTHLY", "NO_TARGET", "SPC_EXPLANATION", "Facts",
    "annual_metric", "backlog_by_stage", "backlog_sentence", "bands_chart", "comparison_chart", "decisions_metrics",
    "decisions_sentence", "facts", "headline", "hidden_months", "impossible_dates_sentence", "local_bands",
    "metrics", "monthly_gap", "open_by_weeks_overdue", "reviews_metrics", "reviews_sentence", "spc_chart",
    "spc_findings", "spc_notes", "target_text",
]


@dataclass(frozen=True)
class Facts:
    """Every number the timeliness page shows, worked out once by :func:`facts`.

    ``cases``, ``periods``, ``monthly`` and ``backlog`` are None without the council's own case data (SEN2);
    ``basis``, ``verdict`` and ``forecast`` are None when there are too few points or (``forecast``) no target.
    """

    la: LA
    end: pd.Timestamp
    target: float | None
    hide_below: int
    annual: pd.DataFrame
    cases: pd.DataFrame | None
    periods: pd.DataFrame | None
    monthly: MonthlySpc | None
    basis: TrendBasis | None
    verdict: TrendVerdict | None
    forecast: TargetForecast | None
    bands: pd.DataFrame
    backlog: pd.DataFrame | None
    decisions: PeriodRate
    reviews: pd.DataFrame


def facts(page: Page) -> Facts:
    """The page's numbers from its config (period end, 20-week target), the DfE release and the SEN2 cases."""
    la, ees, end = page.la, page.ees, pd.Timestamp(page.config.period_end)
    target = page.config.target("timeliness_20_weeks_pct")
    annual = timeliness.annual_series(ees, la.old_code, la.region_code)
    cases = page.cases()
    periods = None if cases is None else case_table.by_period(cases, "M")
    monthly = None if periods is None else timeliness_trend.monthly_spc(periods, end, target)
    basis = timeliness_trend.trend_basis(annual, monthly)
    latest_year = annual[annual["year"] == timeliness.latest_la_year(annual)]
    return Facts(
        la=la, end=end, target=target, hide_below=page.hide_below, annual=annual, cases=cases, periods=periods,
        monthly=monthly, basis=basis, verdict=timeliness_trend.trend_verdict(basis),
        forecast=None if target is None or basis is None else timeliness_trend.months_to_target(basis.trend(), target),
        bands=timeliness.published_issue_time_bands(latest_year),
        backlog=None if cases is None else timeliness.overdue_backlog(cases, min_cases=page.hide_below),
        decisions=timeliness.decisions_within_6_weeks(periods, end, ees, la.old_code, la.region_code),
        reviews=timeliness.reviews_within_4_weeks(ees, la.old_code, la.region_code))


# --- the headline and the published rate ---------------------------------------------------------------------

def headline(annual: pd.DataFrame) -> str:
    """The page headline from :func:`~helpers.analysis.timeliness.annual_series`: the LA's latest published rate,
    its change and England's."""
    la = annual[(annual["level"] == "la") & annual["pct_within_20_weeks_ex"].notna()]
    if la.empty:
        return "DfE has published no 20-week timeliness figures for this council."
    latest = la.iloc[-1]
    year = int(latest["year"])
    previous = la[la["year"] == year - 1]["pct_within_20_weeks_ex"]
    england = annual[(annual["level"] == "england") & (annual["year"] == year)]["pct_within_20_weeks_ex"]
    value = latest["pct_within_20_weeks_ex"]
    parts = [(f"In {year}, {narrative.fmt(value, '%')} of new EHC plans in {latest['area_name']} were issued "
              f"within 20 weeks ({narrative.one_in(value)}, leaving out exception cases)")]
    if len(previous):
        parts.append(narrative.change(value, previous.iloc[0], "%", since="the previous year"))
    if len(england):
        parts.append("compared with England's " + narrative.fmt(england.iloc[0], "%"))
    return narrative.sentence(", ".join(parts))


def annual_metric(annual: pd.DataFrame, verdict: TrendVerdict | None = None,
                  basis: TrendBasis | None = None) -> dict[str, Metric]:
    """The ``pct_within_20_weeks_ex`` metric: the LA's latest published rate with the previous year, region and
    England, and the headline as the finding; none when DfE has published no figure for the council.

    ``trend`` is the page's own trend test (``verdict`` on ``basis``, with ``trend_basis`` saying what it was
    tested on and ``trend_phrase``), so that the scorecard shows the same verdict as this page; without a verdict,
    the year-on-year score test (:func:`~helpers.analysis.timeliness.change_direction`). An untested verdict (too
    few points) sets no ``trend``: its phrase says why.
    """
    la = annual[(annual["level"] == "la") & annual["pct_within_20_weeks_ex"].notna()]
    if la.empty:
        return {}
    latest = la.iloc[-1]
    year = int(latest["year"])
    same_year = annual[annual["year"] == year].set_index("level")["pct_within_20_weeks_ex"]
    record: dict[str, object] = {
        "value": float(latest["pct_within_20_weeks_ex"]), "unit": "%", "higher_is_better": True,
        "label": "New EHC plans issued within 20 weeks (excluding exceptions)", "period": str(year),
        "england": same_year.get("england"), "region": same_year.get("region"), "finding": headline(annual)}
    earlier = la[la["year"] == year - 1]
    if len(earlier):
        before = earlier.iloc[0]
        record["previous"] = float(before["pct_within_20_weeks_ex"])
        if verdict is None:
            record["trend"] = change_direction(
                (before["plans_issued_within_20_weeks_ex"], latest["plans_issued_within_20_weeks_ex"]),
                (before["plans_issued_ex"], latest["plans_issued_ex"]))
    if verdict is not None and basis is not None:
        if verdict.tested:
            record["trend"] = verdict.word
        record["trend_basis"] = basis_description(basis)
        record["trend_phrase"] = verdict_phrase(verdict, basis_description(basis))
    if record["england"] is not None:
        record["benchmark"] = narrative.sentence(narrative.compare(record["value"], record["england"], "England", "%"))
    return {"pct_within_20_weeks_ex": Metric.model_validate(record)}


def target_text(f: Facts) -> str:
    """The target section: when the target would be met at the current trend, or why not (no target set)."""
    return NO_TARGET if f.target is None else target_sentence(f.forecast, f.basis, f.verdict)


# --- the other time limits: decisions within 6 weeks, annual reviews within 4 weeks ------------------------

def period_label(decisions: PeriodRate) -> str | None:
    """The period of a rate in words: ``"12 months to Sep 2025"`` or a year, ``"2024"``; None without one."""
    if decisions.end is not None:
        return f"12 months to {decisions.end:%b %Y}"
    return None if decisions.year is None else str(decisions.year)


def decisions_sentence(decisions: PeriodRate) -> str:
    """The share of decisions to assess made within 6 weeks with its 95% interval
    (:func:`~helpers.analysis.timeliness.decisions_within_6_weeks`). A span ("12 months to Sep 2025") takes
    "the"; a year does not."""
    rate, period = decisions.rate, period_label(decisions)
    if rate is None or period is None or pd.isna(rate.pct):
        return "There are no figures for decisions within 6 weeks for this council."
    article = "" if period.isdigit() else "the "
    return (f"In {article}{period}, {narrative.fmt(rate.pct, '%')} of decisions on whether to assess were "
            f"made within 6 weeks (95% interval {narrative.fmt(rate.low, '%')} to {narrative.fmt(rate.high, '%')}).")


def decisions_metrics(decisions: PeriodRate) -> dict[str, Metric]:
    """The ``decisions_within_6_weeks_pct`` metric (none without a figure)."""
    period = period_label(decisions)
    if decisions.rate is None or period is None:
        return {}
    return {"decisions_within_6_weeks_pct": Metric(
        value=decisions.rate.pct, unit="%", period=period, higher_is_better=True,
        label="Decisions on requests for assessment made within 6 weeks")}


def reviews_sentence(reviews: pd.DataFrame) -> str:
    """The council's latest published annual-review timeliness beside England's."""
    found = latest_review(reviews)
    if found is None:
        return "DfE has not published annual-review timeliness for this council."
    latest, england = found
    return (f"In {int(latest['year'])}, {narrative.fmt(latest['pct'], '%')} of annual-review decisions were sent "
            f"within 4 weeks of the meeting (England {narrative.fmt(england, '%')}).")


def reviews_metrics(reviews: pd.DataFrame) -> dict[str, Metric]:
    """The ``reviews_within_4_weeks_pct`` metric (none when DfE has published no figure)."""
    found = latest_review(reviews)
    if found is None:
        return {}
    latest, england = found
    return {"reviews_within_4_weeks_pct": Metric(
        value=latest["pct"], unit="%", period=str(int(latest["year"])), higher_is_better=True,
        england=england, label="Annual-review decisions sent within 4 weeks of the meeting")}


def metrics(f: Facts) -> dict[str, Metric]:
    """Every metric the page publishes for the front page, the scorecard and the history."""
    return {**annual_metric(f.annual, f.verdict, f.basis), **monthly_metrics(f.monthly, f.target, f.hide_below),
            **backlog_metrics(f.backlog, f.end, f.hide_below), **decisions_metrics(f.decisions),
            **reviews_metrics(f.reviews), **target_metrics(f.forecast, f.basis, f.verdict),
            **over_year_metrics(f.bands)}
