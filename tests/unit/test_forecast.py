"""Honest forecasts (issue 21): methods that start from the latest actual, chosen by back-test against naive.

Checked against hand calculations and statsmodels run side by side, and on the real Kent, Medway and
Buckinghamshire series (skipped without ../shared).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

from helpers.analysis import forecast, forecast_backtest, forecast_methods, growth_monthly, growth_scenarios, workforce
from helpers.analysis.forecast_methods import DAMPED, DRIFT, LOCAL_LEVEL, NAIVE
from helpers.pages import request_growth_demand, request_growth_forecasts

YEARS = list(range(2016, 2025))


def _s(values: list[float], start: int = 2016) -> pd.Series:
    return pd.Series([float(v) for v in values], index=range(start, start + len(values)))


# --- building blocks against hand calculations and statsmodels ---------------------------------------------------

def test_naive_scale_by_hand():
    """100, 110, 104: yearly changes 10 and 6, mean 8. A flat series is floored at 1 (no division by 0)."""
    assert forecast_backtest.naive_scale(np.array([100.0, 110.0, 104.0])) == 8.0
    assert forecast_backtest.naive_scale(np.array([3.0, 3.0, 3.0])) == 1.0


def test_rolling_backtest_mase_by_hand():
    """Series 100, 110, 104, 120, 115 with four training years: one origin (2019), naive forecast 120 for 2020,
    actual 115: |115 − 120| = 5; scale = (10 + 6 + 16) / 3 = 10.667; scaled error 5 / 10.667 = 0.46875."""
    bt = forecast_backtest.rolling_backtest(_s([100, 110, 104, 120, 115]), methods=(NAIVE,))
    assert bt[["origin", "year"]].values.tolist() == [[2019, 2020]] and bt["forecast"].iloc[0] == pytest.approx(120)
    assert bt["ase"].iloc[0] == pytest.approx(0.46875)
    scores = forecast_backtest.method_scores(bt).set_index("method")
    assert scores.loc[NAIVE, "mae"] == pytest.approx(5.0) and scores.loc[NAIVE, "relative"] == 1.0


def test_naive_forecast_is_the_last_value_with_random_walk_variance():
    """Naive on z = log(1 + y): mean z_T; variance h·σ², σ² = mean squared change of z (FPP3 §5.5)."""
    y = np.array([100.0, 120.0, 110.0, 130.0])
    z = np.log1p(y)
    path = forecast_methods.method_forecast(NAIVE, z, 3)
    sigma2 = np.mean(np.diff(z) ** 2)
    assert np.allclose(path.mean, z[-1]) and np.allclose(path.var, [sigma2, 2 * sigma2, 3 * sigma2])


def test_drift_mean_matches_statsmodels_arima_010_with_drift():
    """Random walk with drift = ARIMA(0,1,0) with a constant (statsmodels, run side by side): same point forecasts
    (z_T + h·d, d = (z_T − z_1)/(T − 1)). The variance uses the unbiased σ² (÷ T − 2) and FPP3's
    (1 + h/(T − 1)) factor, so it is larger than ARIMA's MLE variance h·σ̂²_MLE by exactly that ratio."""
    y = np.array([300.0, 330.0, 350.0, 400.0, 420.0, 470.0])
    z = np.log1p(y)
    path = forecast_methods.method_forecast(DRIFT, z, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ARIMA(z, order=(0, 1, 0), trend="t").fit().get_forecast(3)
    assert np.allclose(path.mean, ref.predicted_mean, atol=1e-3)
    d = np.diff(z) - np.diff(z).mean()
    h = np.arange(1, 4)
    assert np.allclose(path.var, h * np.sum(d ** 2) / (len(z) - 2) * (1 + h / (len(z) - 1)))


def test_local_level_matches_simple_exponential_smoothing_by_hand_and_holt_winters():
    """Local level = simple exponential smoothing: with statsmodels' fitted α, the level recursion
    ℓ_t = ℓ_{t−1} + α(z_t − ℓ_{t−1}) from ℓ_0 = z_1 done by hand, and statsmodels' Holt-Winters
    ``SimpleExpSmoothing`` with the same α, give the same flat forecast."""
    y = np.array([200.0, 260.0, 240.0, 300.0, 280.0, 310.0])
    z = np.log1p(y)
    path = forecast_methods.method_forecast(LOCAL_LEVEL, z, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alpha = float(ETSModel(pd.Series(z), error="add", trend=None, initialization_method="known",
                               initial_level=float(z[0])).fit(disp=False).smoothing_level)
        hw = SimpleExpSmoothing(z, initialization_method="known", initial_level=float(z[0])).fit(
            smoothing_level=alpha, optimized=False).forecast(2)
    level = z[0]
    for value in z:
        level = level + alpha * (value - level)
    assert np.allclose(path.mean, level) and np.allclose(path.mean, hw)


def test_choose_method_prefers_the_simpler_on_a_tie_and_never_one_worse_than_naive():
    scores = pd.DataFrame({"method": [NAIVE, DRIFT, DAMPED], "mase": [1.0, 1.005, 1.2],
                           "forecasts": 5})
    assert forecast_backtest.choose_method(scores) == NAIVE  # drift within 1% of naive: the simpler wins
    scores["mase"] = [1.0, 0.7, 0.6]
    assert forecast_backtest.choose_method(scores) == DAMPED
    assert forecast_backtest.choose_method(scores.assign(forecasts=2)) == NAIVE  # two past forecasts cannot tell
    assert forecast_backtest.choose_method(pd.DataFrame(columns=["method", "mase", "forecasts"])) == NAIVE


def test_naive_year_one_is_the_last_actual_and_ranges_nest():
    fc, capped = forecast_methods.forecast_path(_s([500, 520, 480, 510, 530]), NAIVE, 3)
    p80, p95 = (fc[fc["level"] == lv].reset_index(drop=True) for lv in (0.8, 0.95))
    assert np.allclose(p80["mean"], 530.0) and not capped
    assert np.all(p95["lower"] <= p80["lower"]) and np.all(p80["upper"] <= p95["upper"])
    assert np.all(np.diff(p80["upper"]) > 0)  # widening with the horizon


def test_scenarios_are_ordered_even_when_the_trend_falls():
    """Trend 900 → 810 → 729 (−10% a year) from a latest 1,000: "growth stops" and "growth halves" follow it down
    (growth that is already negative cannot stop upwards), so stops ≤ halves ≤ trend in every year, and the same
    for EP hours (requests × conversion × hours)."""
    trend = pd.DataFrame({"year": [2025, 2026, 2027], "mean": [900.0, 810.0, 729.0], "lower": 0.0, "upper": 2e3,
                          "level": 0.8, "model": "m"})
    out = growth_scenarios.scenarios(_s([1100, 1000], 2023), trend, conversion=0.7, hours_per_assessment=17.4)
    for column in ("requests", "ep_hours"):
        by = {name: part[column].to_numpy() for name, part in out.groupby("scenario")}
        assert np.all(by["Growth stops"] <= by["Growth halves"] + 1e-9)
        assert np.all(by["Growth halves"] <= by["Trend continues"] + 1e-9)


# --- small councils ---------------------------------------------------------------------------------------------

def test_isles_of_scilly_forecasts_with_bounded_ranges():
    """Requests 2016–2024: 1, 1, 1, 0, 2, 3, 1, 8, 2 (a zero year, which the old trend back-test refused). The
    forecast is made, and no upper limit exceeds twice the highest year, 2 × 8 = 16 (the old 2027 95% upper limit
    was 42,257 requests)."""
    f = forecast.forecast_series(_s([1, 1, 1, 0, 2, 3, 1, 8, 2]), "requests_received")
    assert f is not None
    assert f.forecast["upper"].max() <= 16.0 and f.forecast["lower"].min() >= 0.0
    assert forecast_methods.plausible_cap(f.series) == 16.0
    assert forecast_methods.plausible_cap(_s([900, 1000, 1100])) == float("inf")  # larger councils are not capped


# --- one figure for assessments and EP hours ---------------------------------------------------------------------

def test_assessment_rate_is_a_ratio_of_summed_counts():
    """Kent 2022–2024 (DfE release 2025): assessments completed 2,710, 2,180, 3,197; requests 3,669, 3,988, 4,001.
    Rate = 8,087 / 11,658 = 0.6937 (the mean of the three yearly rates would be 0.6929)."""
    ees = pd.DataFrame({"area_code": "886", "year": [2021, 2022, 2023, 2024],
                        "requests_received": [4047.0, 3669.0, 3988.0, 4001.0],
                        "assessments_completed": [np.nan, 2710.0, 2180.0, 3197.0]})
    rate = workforce.assessment_rate(ees, "886", fallback=0.5)
    assert rate.own and (rate.first, rate.last) == (2022, 2024)
    assert rate.rate == pytest.approx(8087 / 11658)
    assert "8,087 assessments for 11,658 requests" in request_growth_demand.rate_basis(rate)
    none = workforce.assessment_rate(ees.assign(assessments_completed=np.nan), "886", fallback=0.5)
    assert not none.own and none.rate == 0.5


def test_ep_hours_metric_is_the_scenario_figure_with_the_latest_actual_beside_it():
    """Trend continues: 4,000 requests in 2025 × 0.694 = 2,776 assessments × 17.4 hours = 48,302.4 hours; at
    1,924 statutory hours per FTE-year (37 × 52) that is 25.1 FTE. The 2024 actual (3,197 assessments,
    55,627.8 hours) is in the same sentence, so the front page and the EP page cannot disagree."""
    plan = pd.DataFrame({"scenario": ["Trend continues", "Trend continues", "Growth stops"],
                         "year": [2025, 2026, 2025], "requests": [4000.0, 4100.0, 4000.0]})
    plan["assessments"] = plan["requests"] * 0.694
    plan["ep_hours"] = plan["assessments"] * 17.4
    rate = workforce.AssessmentRate(0.694, 8087.0, 11658.0, 2022, 2024, own=True)
    assumptions = workforce.EPAssumptions(hours_per_assessment=17.4, productive_hours_per_fte_year=37 * 52,
                                          locum_day_rate_gbp=650, locum_hours_per_day=7.4, advice_deadline_weeks=6,
                                          cases_in_progress_per_fte=4, plan_weeks_outside_ep_advice=12,
                                          case_weeks_cv=0.5)
    dfe = pd.DataFrame({"year": [2024], "assessments": [3197.0], "ep_hours": [3197 * 17.4],
                        "fte_needed": [3197 * 17.4 / (37 * 52)]})
    d = request_growth_demand.Demand(rate, assumptions, plan, dfe)
    record = request_growth_demand.ep_hours_metric(d)["ep_hours_next_year"].record()
    assert record["value"] == pytest.approx(48302.4) and record["period"] == "2025"
    assert record["assessments"] == pytest.approx(2776.0) and record["fte"] == pytest.approx(48302.4 / 1924)
    assert record["conversion"] == 0.694 and record["evidence"] == "03_ep_workforce"
    assert record["finding"] == (
        "If requests follow the forecast, 2025 would bring about 2,776 assessments (69.4% of requests, the share "
        "completed in 2022-2024: 8,087 assessments for 11,658 requests), needing about 48,302 hours of EP time "
        "(25.1 FTE). In 2024 the 3,197 assessments completed needed about 55,628 hours (28.9 FTE).")
    assert request_growth_demand.ep_hours_metric(request_growth_demand.Demand(rate, assumptions, None, dfe)) == {}


# --- the real release: Kent, Medway, Buckinghamshire -------------------------------------------------------------

@pytest.fixture(scope="module")
def release(ees_2025, ees_2022) -> pd.DataFrame:
    from helpers.sources import ees

    return ees.read_release([ees_2025, ees_2022]).table


@pytest.mark.real_data
@pytest.mark.parametrize("code", ["886", "887", "825"])
def test_year_one_is_continuous_with_the_last_actual(release, code):
    """For requests, new plans and plans in place, next year's forecast is continuous with the latest published
    figure "unless the council's own recent trend says otherwise": it lies within the chosen method's average
    back-test error (or 5% of the latest figure, if larger) of the band from the latest figure to the latest figure
    grown at the council's own average growth over its last three years. E.g. Buckinghamshire requests 1,365, 1,577,
    1,782 (2022-2024) grow about 14% a year, so about 2,010 for 2025 is continuous; Kent plans in place 20,635 in
    January 2025 growing about 5% a year allow about 21,700, not the old 26,333."""
    new = forecast.forecast_measure(release, code, "new_plans")
    forecasts = {"requests_received": forecast.forecast_measure(release, code, "requests_received"), "new_plans": new,
                 "plans_in_place": forecast.plans_in_place_forecast(release, code, new)}
    for measure, f in forecasts.items():
        s = f.series.drop(list(f.flagged))
        last = float(s.iloc[-1])
        g = (last / float(s.iloc[-4])) ** (1 / 3) - 1
        low, high = sorted((last, last * (1 + g)))
        first = float(f.forecast.loc[f.forecast["level"] == 0.8, "mean"].iloc[0])
        allowed = max(float(f.score()["mae"]), 0.05 * last)
        assert low - allowed <= first <= high + allowed, (code, measure, last, g, first, allowed)


@pytest.mark.real_data
def test_the_jumps_reported_in_issue_21_are_gone(release):
    """Kent plans in place 20,635 (January 2025) were forecast at 26,333 (+28%); Kent requests, flat at about
    4,000, at 4,780; Buckinghamshire new plans 779 at 1,030."""
    kent_new = forecast.forecast_measure(release, "886", "new_plans")
    kent_pip = forecast.plans_in_place_forecast(release, "886", kent_new)
    year_one = {f.measure: float(f.forecast.loc[f.forecast["level"] == 0.8, "mean"].iloc[0])
                for f in (kent_pip, forecast.forecast_measure(release, "886", "requests_received"))}
    assert year_one["plans_in_place"] < 1.08 * 20635 and year_one["requests_received"] < 1.05 * 4001
    bucks = forecast.forecast_measure(release, "825", "new_plans")
    assert float(bucks.forecast.loc[bucks.forecast["level"] == 0.8, "mean"].iloc[0]) < 1.1 * 779
    assert kent_pip.method == forecast.STOCK_FLOW and kent_pip.direct is not None


@pytest.mark.real_data
@pytest.mark.parametrize("code", ["886", "887", "825"])
def test_scenarios_ordered_for_requests_and_ep_hours(release, code):
    """Medway's "trend continues" used to give fewer EP hours than "growth stops"."""
    f = forecast.forecast_measure(release, code, "requests_received")
    rate = workforce.assessment_rate(release, code, fallback=0.7)
    plan = growth_scenarios.scenarios(f.series, f.forecast, conversion=rate.rate, hours_per_assessment=17.4)
    for column in ("requests", "ep_hours"):
        by = {name: part.sort_values("year")[column].to_numpy() for name, part in plan.groupby("scenario")}
        assert np.all(by["Growth stops"] <= by["Growth halves"] + 1e-9), (code, column)
        assert np.all(by["Growth halves"] <= by["Trend continues"] + 1e-9), (code, column)


@pytest.mark.real_data
def test_medway_2022_requests_are_treated_as_missing_in_its_forecast(release):
    f = forecast.forecast_measure(release, "887", "requests_received")
    assert f.flagged == (2022,)
    assert "2022 (309 as published)" in request_growth_forecasts.model_sentence(f, "Medway")


# --- the monthly decomposition never reveals a suppressed count (issue 23) ------------------------------------------

def test_stl_components_are_withheld_where_the_monthly_count_is_suppressed():
    """Trend + seasonal + remainder = observed, so a published decomposition beside a suppressed 3 would give the
    3 back. With growth_monthly.MONTHLY_COMPONENTS as ``derived``, the suppression withholds all three in that row
    only."""
    from helpers.analysis import disclosure

    idx = pd.date_range("2021-01-01", periods=36, freq="MS")
    counts = pd.Series(20 + 5 * np.sin(np.arange(36) / 2), index=idx).round()
    counts.iloc[7] = 3.0
    monthly = growth_monthly.monthly_decomposition(counts)
    assert np.allclose(monthly[["trend", "seasonal", "remainder"]].sum(axis=1), monthly["observed"])
    shown = disclosure.suppress(monthly, ["observed"], threshold=5, derived=growth_monthly.MONTHLY_COMPONENTS)
    hidden = shown.iloc[7]
    assert not any(isinstance(hidden[c], float) for c in ("observed", "trend", "seasonal", "remainder"))
    assert all(isinstance(shown.iloc[8][c], float) for c in ("trend", "seasonal", "remainder"))


def test_withhold_small_months_blanks_the_count_and_its_components_for_the_chart():
    monthly = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=3, freq="MS"),
                            "observed": [0.0, 3.0, 12.0], "trend": [4.0, 5.0, 6.0], "seasonal": [-1.0, 0.5, 2.0],
                            "remainder": [-3.0, -2.5, 4.0]})
    out = growth_monthly.withhold_small_months(monthly, 5)
    assert out.iloc[1][["observed", "trend", "seasonal", "remainder"]].isna().all()
    assert out.iloc[[0, 2]].notna().all().all()  # 0 and 12 are not small counts
