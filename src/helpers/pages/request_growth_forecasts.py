"""The request-growth page's forecasts (01): fan charts, how each forecast was made, and the back-test table.

Numbers come from :mod:`helpers.analysis.forecast`; sentences follow :mod:`helpers.present.narrative` rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.analysis import forecast, growth
from helpers.analysis.forecast import MIN_YEARS, STOCK_FLOW, MeasureForecast
from helpers.analysis.forecast_methods import (DAMPED, DRIFT, LOCAL_LEVEL, MIN_OOS, NAIVE, forecast_table,
                                               plausible_cap)
from helpers.areas import LA
from helpers.metrics import Metric
from helpers.pages import growth_charts
from helpers.pages.request_growth_words import MEASURE_WORDS, capitalised, grew, likely_range, years_as_text
from helpers.present import narrative
from helpers.present.chart import Chart, Table

#: Each forecast method in plain English.
METHOD_WORDS: dict[str, str] = {
    NAIVE: "carrying the latest figure forward (the naive method)",
    DRIFT: "continuing the average yearly change from the latest figure (the drift method)",
    LOCAL_LEVEL: "a smoothed recent level (simple exponential smoothing)",
    DAMPED: "a smoothed recent level and a trend that slowly fades (damped exponential smoothing)",
    STOCK_FLOW: "stock and flow: this January's plans, plus forecast new plans, minus plans expected to end",
}
#: Years of requests the back-test sentence asks for when there are too few to test the forecasts.
MIN_BACKTEST_YEARS = 7


def forecasts(ees: pd.DataFrame, area_code: str) -> dict[str, MeasureForecast | None]:
    """Requests, new plans and plans in place (stock and flow from the new-plans forecast); None: too few years.

    Called through the module (``forecast.forecast_measure``) so a test can replace the forecasts in one place.
    """
    new_plans = forecast.forecast_measure(ees, area_code, "new_plans")
    return {"requests_received": forecast.forecast_measure(ees, area_code, "requests_received"),
            "new_plans": new_plans, "plans_in_place": forecast.plans_in_place_forecast(ees, area_code, new_plans)}


def too_few_years_sentence(measure: str, la_name: str) -> str:
    """Why a measure has no forecast: fewer than :data:`MIN_YEARS` years in the release."""
    return (f"The DfE release has fewer than {MIN_YEARS} years of {MEASURE_WORDS[measure]} for {la_name}, "
            "too few to forecast.")


def forecast_title(f: MeasureForecast, history: pd.Series | None = None) -> str:
    """Headline for a fan chart: growth a year over the page's window (the same period as the page headline) and
    next year's 80% likely range."""
    s = f.series if history is None else history
    base, end = growth.growth_window(s)
    first = f.forecast[f.forecast["level"] == 0.8].iloc[0]
    rate = growth.cagr(s, base, end) if base in s.index and end in s.index else float("nan")
    what = capitalised(MEASURE_WORDS[f.measure])
    grown = (f"{what} {grew(rate)} from {base} to {end}" if not narrative.is_missing(rate)
             else f"{what}: growth from {base} cannot be worked out")
    return f"{grown}; {int(first['year'])} may see {likely_range(first)}"


def forecast_data(f: MeasureForecast) -> pd.DataFrame:
    """The data behind a fan chart (past and forecast side by side), with years as text and flagged years marked."""
    table = forecast_table(f.series, f.forecast)
    table["flagged"] = table["year"].isin(f.flagged).map({True: "implausible: treated as missing", False: ""})
    return years_as_text(table)


def fan_chart(f: MeasureForecast, history: pd.Series) -> Chart:
    """One measure's fan chart bundle; ``history``: every published year of the measure (for the title's growth)."""
    what = MEASURE_WORDS[f.measure]
    return Chart(growth_charts.fan_chart(f.series, f.forecast, what, f.flagged), forecast_title(f, history),
                 growth_charts.fan_chart_alt(f.series, f.forecast, what), forecast_data(f),
                 name=f"forecast-{f.measure}")


def section(ees: pd.DataFrame, la: LA, forecasts: Mapping[str, MeasureForecast | None],
            measure: str) -> tuple[Chart | None, str]:
    """A measure's fan chart and how its forecast was made, or (None, why there is no forecast)."""
    f = forecasts[measure]
    if f is None:
        return None, too_few_years_sentence(measure, la.name)
    return fan_chart(f, growth.annual_series(ees, la.old_code, measure, unbroken=False)), model_sentence(f, la.name)


def _error_words(score: pd.Series, naive: pd.Series | None) -> str:
    mae = narrative.fmt(score["mae"], "count")
    if naive is None or score.name == NAIVE:
        return f"its forecasts one year ahead were out by about {mae} on average"
    rel = score["mase"] / naive["mase"] if naive["mase"] > 0 else float("nan")
    if narrative.is_missing(rel):
        return f"its forecasts one year ahead were out by about {mae} on average"
    pct = narrative.fmt(abs(1 - rel) * 100, "%")
    better = "smaller" if rel < 1 else "larger"
    return (f"its forecasts one year ahead were out by about {mae} on average, {pct} {better} than the error of "
            f"simply carrying the latest figure forward (about {narrative.fmt(naive['mae'], 'count')})")


def _why_sentence(f: MeasureForecast, la_name: str) -> str:
    """Which method was used and why: the back-test against the naive method, or too few years to test."""
    start, end = int(f.series.index[0]), int(f.series.index[-1])
    used = f.score()
    if used is None or int(used["forecasts"]) < MIN_OOS:
        return (f"There are too few years ({len(f.series)}, {start} to {end}) to test methods on past years, so the "
                f"forecast simply carries the latest figure forward.")
    n = int(used["forecasts"])
    if f.direct_method == NAIVE:
        return (f"Tested on {la_name}'s own past years ({n} one-year-ahead forecasts), no method beat simply "
                f"carrying the latest figure forward, so the forecast does that: {_error_words(used, None)}.")
    return (f"Tested on {la_name}'s own past years ({n} one-year-ahead forecasts), the best method was "
            f"{METHOD_WORDS[f.direct_method]}: {_error_words(used, f.score(NAIVE))}.")


def model_sentence(f: MeasureForecast, la_name: str = "this council") -> str:
    """How the forecast was made, in plain words: the method, why (the back-test against the naive method), and any
    flagged years and capped ranges."""
    parts = [_why_sentence(f, la_name)]
    if f.direct is not None:
        flow = f.forecast[f.forecast["level"] == f.forecast["level"].min()].iloc[0]
        dirc = f.direct[f.direct["level"] == f.direct["level"].min()].iloc[0]
        apart = narrative.fmt(100 * abs(flow["mean"] / dirc["mean"] - 1), "%")
        parts.append(f"Plans in place are projected by {METHOD_WORDS[STOCK_FLOW]} (at the council's recent rate of "
                     f"ending plans): {narrative.fmt(flow['mean'], 'count')} in January {int(flow['year'])}, against "
                     f"{narrative.fmt(dirc['mean'], 'count')} from the plans-in-place figures alone ({apart} apart).")
    if f.flagged:
        years = ", ".join(f"{y} ({narrative.fmt(f.series.loc[y], 'count')} as published)" for y in f.flagged)
        parts.append(f"{years} {'is' if len(f.flagged) == 1 else 'are'} far from the neighbouring years (see the "
                     "data-quality page) and treated as missing in the forecast.")
    if f.capped:
        parts.append(f"The counts are small, so a percentage swing is large; the likely ranges are capped at "
                     f"{narrative.fmt(plausible_cap(f.series), 'count')}, twice the highest year published: a range "
                     "beyond that would rest on a few children's cases, not on a trend.")
    return " ".join(parts)


def method_rows(forecasts: Mapping[str, MeasureForecast | None]) -> pd.DataFrame:
    """The back-test of every method for every measure, one row per measure and method, headers in plain English."""
    rows = []
    for measure, f in forecasts.items():
        if f is None or f.scores.empty:
            continue
        for r in f.scores.itertuples():
            rows.append({"Measure": capitalised(MEASURE_WORDS[measure]), "Method": METHOD_WORDS[r.method],
                         "Used": "yes" if r.method == f.direct_method else "",
                         "Forecasts checked": int(r.forecasts), "Average error (count)": round(r.mae),
                         "Error against the naive method (%)": round(100 * r.relative) if np.isfinite(r.relative)
                         else None,
                         "Actual inside 80% range (%)": round(r.coverage_80),
                         "Actual inside 95% range (%)": round(r.coverage_95)})
    return pd.DataFrame(rows)


def method_table(forecasts: Mapping[str, MeasureForecast | None], la_name: str) -> Table | None:
    """The back-test table for the page; None when no measure could be back-tested."""
    rows = method_rows(forecasts)
    if rows.empty:
        return None
    return Table(rows, f"Back-test of one-year-ahead forecasts for {la_name}, by measure and method",
                 name="backtest", row_header=False)


def backtest_too_short_sentence(n_years: int) -> str:
    """Why there is no back-test: too few years of requests."""
    return (f"There are only {n_years} years of requests, too few to test the forecasts against past years (at least "
            f"{MIN_BACKTEST_YEARS} are needed). Treat the forecasts as a rough guide.")


def forecast_metrics(fc: pd.DataFrame) -> dict[str, Metric]:
    """Next year's requests forecast (80% and 95% ranges). EP hours are written once, as ``ep_hours_next_year``."""
    next80 = fc[fc["level"] == 0.8].iloc[0]
    next95 = fc[fc["level"] == 0.95].iloc[0]
    year = int(next80["year"])
    return {"requests_forecast_next_year": Metric(
        value=float(next80["mean"]), unit="count", label=f"Requests forecast for {year}", period=str(year),
        lower_80=float(next80["lower"]), upper_80=float(next80["upper"]),
        lower_95=float(next95["lower"]), upper_95=float(next95["upper"]),
        finding=f"{year} may see {likely_range(next80)} requests.")}


def backtest_metrics(f: MeasureForecast) -> dict[str, Metric]:
    """The requests forecast's back-test error (MASE; below 1 beats the naive method's typical error) with the
    plain-words comparison against the naive method."""
    used = f.score()
    if used is None:
        return {}
    bt = f.backtest
    naive = f.score(NAIVE)
    return {"forecast_backtest_error": Metric(
        value=float(used["mase"]), unit="ratio",
        label="Error of past one-year forecasts of requests (MASE; below 1 beats the naive method)",
        period=f"{int(bt['origin'].min())}-{int(bt['year'].max())}", higher_is_better=False,
        finding=capitalised(_error_words(used, naive)) + ".",
        extras={"naive": float(naive["mase"]) if naive is not None else None})}
