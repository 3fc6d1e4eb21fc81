"""Tests for helpers.analysis.growth against published figures, hand calculations and simulated series with known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from helpers.analysis import growth

#: England initial requests for an EHC needs assessment, DfE "Education, health and care plans" 2025 release.
ENGLAND_REQUESTS = pd.Series([55235, 64555, 72423, 82329, 75951, 93302, 114482, 138242, 154489],
                             index=range(2016, 2025), dtype=float)


# --- growth rates -----------------------------------------------------------------------------------------------

def test_cagr_england_2021_to_2023_is_about_21_7_percent():
    """93,302 (2021) → 138,242 (2023): ratio 1.481662 over 2 years; √1.481662 = 1.217235, so CAGR = 21.72%."""
    assert growth.cagr(ENGLAND_REQUESTS, 2021, 2023) == pytest.approx(0.2172353, abs=1e-6)


def test_annual_growth_england():
    """114,482 / 93,302 − 1 = 22.70%; 138,242 / 114,482 − 1 = 20.75%; 2020: 75,951 / 82,329 − 1 = −7.75%."""
    g = growth.annual_growth(ENGLAND_REQUESTS).set_index("year")["growth"]
    assert np.isnan(g.loc[2016])
    assert g.loc[2022] == pytest.approx(0.2270048, abs=1e-6)
    assert g.loc[2023] == pytest.approx(0.2075435, abs=1e-6)
    assert g.loc[2020] == pytest.approx(75951 / 82329 - 1, abs=1e-9)


def test_annual_growth_is_nan_across_a_gap_in_years():
    g = growth.annual_growth(pd.Series([100.0, 110.0, 150.0], index=[2016, 2017, 2019]))
    assert np.isnan(g["growth"].iloc[2]) and g["growth"].iloc[1] == pytest.approx(0.1)


def test_cagr_needs_a_later_end_year():
    with pytest.raises(ValueError):
        growth.cagr(ENGLAND_REQUESTS, 2023, 2023)


def test_loglinear_growth_matches_modelling_methods_9_3():
    """§9.3: log-linear growth on (93,300; 114,500; 138,200) is 21.71% a year (slope 0.19644, by least squares on
    logs). The Poisson maximum-likelihood slope weights years by their counts, so it may differ by < 0.1 point."""
    fit = growth.fit_loglinear(pd.Series([93300.0, 114500.0, 138200.0], index=[2021, 2022, 2023]))
    assert fit.model == growth.LOGLINEAR and fit.family == "poisson"
    assert fit.growth == pytest.approx(0.2171, abs=0.001)
    assert fit.covid_year is None  # 2020 not in the series


def test_annual_series_keeps_latest_unbroken_run():
    ees = pd.DataFrame({"year": [2016, 2017, 2019, 2020, 2021, 2021], "area_code": ["886"] * 5 + ["887"],
                        "requests_received": [10.0, 11.0, 13.0, np.nan, 15.0, 99.0]})
    ees.loc[len(ees)] = [2022, "886", 16.0]
    s = growth.annual_series(ees, "886", "requests_received")
    assert list(s.index) == [2021, 2022] and list(s) == [15.0, 16.0]


def test_annual_series_starts_at_first_full_year():
    """2014 (September–December only) and 2015 (plans mixed with statements) are left out by default."""
    ees = pd.DataFrame({"year": [2014, 2015, 2016, 2017], "area_code": ["E92000001"] * 4,
                        "new_plans": [1359.0, 24654.0, 36094.0, 42162.0]})
    assert list(growth.annual_series(ees, "E92000001", "new_plans").index) == [2016, 2017]
    assert len(growth.annual_series(ees, "E92000001", "new_plans", first_year=2014)) == 4


def test_forecast_table_puts_past_and_future_side_by_side():
    series = pd.Series([10.0, 12.0], index=[2023, 2024])
    fc = pd.DataFrame({"year": [2025, 2025], "mean": [14.0, 14.0], "lower": [13.0, 12.0], "upper": [15.0, 16.0],
                       "level": [0.8, 0.95], "model": "m"})
    table = growth.forecast_table(series, fc)
    assert list(table.columns) == ["year", "actual", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert list(table["year"]) == [2023, 2024, 2025] and np.isnan(table["actual"].iloc[2])
    assert table["upper_95"].iloc[2] == 16.0 and np.isnan(table["forecast"].iloc[0])


def test_indexed_and_comparator_totals():
    """Neighbours A+B: 2019 10+30 = 40, 2020 15+45 = 60 → index 150; 2021 has only A, so it is left out."""
    ees = pd.DataFrame({"year": [2019, 2019, 2020, 2020, 2021], "area_code": ["A", "B", "A", "B", "A"],
                        "requests_received": [10.0, 30.0, 15.0, 45.0, 20.0]})
    totals = growth.comparator_totals(ees, "requests_received", {"Neighbours": ["A", "B"]})
    assert list(totals["year"]) == [2019, 2020] and list(totals["value"]) == [40.0, 60.0]
    idx = growth.indexed(totals, 2019)
    assert list(idx["index"]) == [100.0, 150.0]


# --- models on simulated series ---------------------------------------------------------------------------------

def _poisson_series(rng: np.random.Generator, n: int = 10, level: float = 400.0, rate: float = 0.12) -> pd.Series:
    t = np.arange(n)
    return pd.Series(rng.poisson(level * (1 + rate) ** t).astype(float), index=2010 + t)


def test_recovers_known_growth_rate_on_simulated_poisson_series():
    """True growth 12% a year; the average estimate over 60 seeds is within 0.3 points of it. The SE of one
    slope is about 1/√(Σ μₜ(t − t̄)²) ≈ 1/√(7,000 × 8.25) ≈ 0.004, i.e. 0.4 points, so the SE of the average is
    about 0.05 points and 0.3 points is six SEs."""
    rng = np.random.default_rng(20240601)
    estimates = [growth.fit_loglinear(_poisson_series(rng)).growth for _ in range(60)]
    assert np.mean(estimates) == pytest.approx(0.12, abs=0.003)


def test_recovers_growth_with_a_covid_dip():
    """True growth 15%; 2020 is 30% below trend. The 2020 indicator keeps the dip out of the slope."""
    rng = np.random.default_rng(7)
    t = np.arange(10)
    mu = 1000 * 1.15 ** t * np.where(2014 + t == 2020, 0.7, 1.0)
    fit = growth.fit_loglinear(pd.Series(rng.poisson(mu).astype(float), index=2014 + t))
    assert fit.covid_year == 2020
    assert fit.growth == pytest.approx(0.15, abs=0.01)


def test_family_choice_follows_dispersion():
    """Poisson counts keep the Poisson family; counts with 15% multiplicative noise (NB2 α ≈ 0.02, far beyond
    Poisson at these sizes) choose the negative binomial."""
    rng = np.random.default_rng(3)
    assert growth.fit_loglinear(_poisson_series(rng, n=12)).family == "poisson"
    t = np.arange(12)
    mu = 5000 * 1.1 ** t * rng.lognormal(0, 0.15, size=12)
    noisy = pd.Series(rng.poisson(mu).astype(float), index=2010 + t)
    fit = growth.fit_loglinear(noisy)
    assert fit.family == "negative binomial" and fit.dispersion > 0.005


def test_prediction_interval_coverage_90_percent_on_simulated_series():
    """Coverage of 90% intervals for the next year's count, over 200 seeds, lies in 85–95%.

    Each seed: 10 years of Poisson counts growing 12% a year from 400, fit, 90% interval for year 11, check the
    simulated year-11 count. With 200 independent seeds the binomial SD of the coverage is
    √(0.9 × 0.1 / 200) = 2.1 points, so a calibrated method lands in 85–95% (±2.4 SD) with probability ≈ 98%;
    the seeds are fixed, so the test is deterministic.
    """
    rng = np.random.default_rng(2025)
    covered = []
    for seed in range(200):
        s = _poisson_series(rng, n=11)
        fc = growth.forecast(growth.fit_loglinear(s.iloc[:10]), 1, levels=(0.9,), n_sims=2000, seed=seed)
        covered.append(fc["lower"].iloc[0] <= s.iloc[10] <= fc["upper"].iloc[0])
    assert 0.85 <= np.mean(covered) <= 0.95


def test_prediction_interval_coverage_90_percent_on_overdispersed_series():
    """As above with gamma–Poisson (NB2, α = 0.01: a 10% year-to-year wobble) counts growing 10% from 5,000, the
    kind of series a large LA has. The negative binomial is chosen and coverage over 200 seeds is in 85–95%."""
    rng = np.random.default_rng(9)
    covered, families = [], set()
    t = np.arange(11)
    for seed in range(200):
        mu = 5000 * 1.1 ** t * rng.gamma(1 / 0.01, 0.01, size=11)
        s = pd.Series(rng.poisson(mu).astype(float), index=2010 + t)
        fit = growth.fit_loglinear(s.iloc[:10])
        families.add(fit.family)
        fc = growth.forecast(fit, 1, levels=(0.9,), n_sims=2000, seed=seed)
        covered.append(fc["lower"].iloc[0] <= s.iloc[10] <= fc["upper"].iloc[0])
    assert families == {"negative binomial"}
    assert 0.85 <= np.mean(covered) <= 0.95


def test_forecast_intervals_widen_with_horizon_and_nest():
    fit = growth.choose_model(ENGLAND_REQUESTS)
    fc = growth.forecast(fit, 3)
    assert set(fc.columns) >= {"year", "mean", "lower", "upper", "level", "model"}
    assert list(fc["year"].unique()) == [2025, 2026, 2027]
    for level, part in fc.groupby("level"):
        width = (part["upper"] - part["lower"]).to_numpy()
        assert np.all(np.diff(width) > 0), level
        assert np.all(part["lower"] < part["mean"]) and np.all(part["mean"] < part["upper"])
    p80, p95 = (fc.loc[fc["level"] == lv].reset_index() for lv in (0.8, 0.95))
    assert np.all(p95["lower"] < p80["lower"]) and np.all(p95["upper"] > p80["upper"])


def test_damped_wrapper_equals_direct_ets_model_call():
    """§9.3: the ETS wrapper's output equals a direct ETSModel call (log scale, simple initial states; the 2020
    pulse is switched off with ``covid_year``)."""
    s = pd.concat([pd.Series([40000.0, 45000.0, 52000.0, 60000.0], index=range(2014, 2018)),
                   pd.Series([70000.0, 79000.0, 86000.0], index=[2018, 2019, 2020])])
    fit = growth.fit_damped(s, covid_year=1900)
    logy = np.log(s.to_numpy())
    direct = ETSModel(pd.Series(logy), error="add", trend="add", damped_trend=True, initialization_method="known",
                      initial_level=logy[0], initial_trend=logy[1] - logy[0]).fit(disp=False)
    frame = direct.get_prediction(start=7, end=9).summary_frame(alpha=0.05)
    ours = growth.forecast(fit, 3).query("level == 0.95")
    assert np.allclose(ours["lower"], np.exp(frame["pi_lower"]), rtol=1e-6)
    assert np.allclose(ours["upper"], np.exp(frame["pi_upper"]), rtol=1e-6)
    assert fit.aicc == pytest.approx(direct.aicc + 2 * logy.sum(), rel=1e-9)  # same k; −2 × log Jacobian


def test_damped_treats_2020_as_a_pulse():
    """In the middle of a series, 2020 is replaced on the log scale by the mean of 2019 and 2021 (the geometric
    mean of the counts: √(70,000 × 90,000) = 79,373); as the last year it is left out, so the first forecast is
    two steps ahead, for 2021."""
    values = [40000.0, 45000.0, 52000.0, 60000.0, 70000.0, 50000.0, 90000.0, 99000.0]
    s = pd.Series(values, index=range(2015, 2023))
    logy = np.log(values)
    logy[5] = np.log(np.sqrt(70000.0 * 90000.0))
    direct = ETSModel(pd.Series(logy), error="add", trend="add", damped_trend=True, initialization_method="known",
                      initial_level=logy[0], initial_trend=logy[1] - logy[0]).fit(disp=False)
    fit = growth.fit_damped(s)
    assert fit.covid_year == 2020 and fit.n_params == 5
    assert np.allclose(fit.result.params, direct.params, rtol=1e-6)

    ends_2020 = pd.Series([25000.0, 30000.0, 35000.0, *values[:6]], index=range(2012, 2021))
    fit = growth.fit_damped(ends_2020)
    assert int(fit.result.nobs) == 8
    fc = growth.forecast(fit, 2).query("level == 0.8")
    assert list(fc["year"]) == [2021, 2022]
    two_ahead = fit.result.get_prediction(start=9, end=9).summary_frame(alpha=0.2)
    assert fc["lower"].iloc[0] == pytest.approx(np.exp(two_ahead["pi_lower"].iloc[0]), rel=1e-9)


def test_aicc_chooses_loglinear_for_exponential_growth():
    """Constant 10% growth with Poisson noise: the two-parameter count model wins."""
    rng = np.random.default_rng(11)
    s = _poisson_series(rng, n=12, level=2000, rate=0.10)
    assert growth.choose_model(s).model == growth.LOGLINEAR


def test_aicc_chooses_damped_trend_when_growth_fades():
    """Growth starting at 40% and damped by φ = 0.7 a year (log-scale damped trend) with 1% noise: a straight
    log-linear line misfits badly, so damped ETS has the lower AICc despite its extra parameters."""
    rng = np.random.default_rng(5)
    growth_t = 0.4 * 0.7 ** np.arange(12)
    logy = np.log(1000) + np.cumsum(np.log1p(growth_t)) + rng.normal(0, 0.01, 12)
    s = pd.Series(np.round(np.exp(logy)), index=range(2010, 2022))
    chosen = growth.choose_model(s)
    assert chosen.model == growth.DAMPED
    assert chosen.aicc < growth.fit_loglinear(s).aicc


def test_damped_needs_enough_years():
    with pytest.raises(ValueError, match="at least"):
        growth.fit_damped(ENGLAND_REQUESTS.loc[2019:2024])


def test_trend_needs_three_consecutive_positive_years():
    with pytest.raises(ValueError):
        growth.fit_loglinear(pd.Series([1.0, 2.0], index=[2020, 2021]))
    with pytest.raises(ValueError):
        growth.fit_loglinear(pd.Series([1.0, 2.0, 3.0], index=[2018, 2020, 2021]))


# --- back-test --------------------------------------------------------------------------------------------------

def test_backtest_rolling_origin_on_exact_growth_has_no_error():
    """An exact 10% a year series (rounded to whole counts): every model forecasts it within 0.1%, and the first
    origin is the sixth year (fit 2014–2019, forecast 2020–2021)."""
    s = pd.Series(np.round(1000 * 1.1 ** np.arange(9)), index=range(2014, 2023))
    bt = growth.backtest(s, min_train=6, covid_year=1900)
    first = bt.loc[bt["origin"] == bt["origin"].min()]
    assert first["origin"].iloc[0] == 2019 and sorted(first["year"].unique()) == [2020, 2021]
    assert set(bt["horizon"]) == {1, 2}
    summary = growth.backtest_summary(bt).set_index("model")
    assert summary.loc["chosen model", "mape"] < 0.1
    assert summary.loc[growth.LOGLINEAR, "forecasts"] == 2 + 2 + 1  # origins 2019, 2020 (two years each), 2021 (one)


def test_backtest_summary_coverage_by_hand():
    rows = pd.DataFrame({"model": ["m"] * 4, "ape": [10.0, 20.0, 10.0, 20.0], "level": [0.8, 0.8, 0.95, 0.95],
                         "covered": [True, False, True, True]})
    out = growth.backtest_summary(rows).set_index("model")
    assert out.loc["m", "mape"] == 15.0 and out.loc["m", "forecasts"] == 2
    assert out.loc["m", "coverage_80"] == 50.0 and out.loc["m", "coverage_95"] == 100.0


# --- scenarios --------------------------------------------------------------------------------------------------

def test_conversion_rate_is_a_ratio_of_sums_over_three_years():
    """Last three years: (60 + 70 + 90) / (100 + 100 + 200) = 220 / 400 = 0.55 (not the mean of rates 0.567)."""
    r = pd.Series([50.0, 100.0, 100.0, 200.0], index=[2020, 2021, 2022, 2023])
    a = pd.Series([10.0, 60.0, 70.0, 90.0], index=[2020, 2021, 2022, 2023])
    assert growth.conversion_rate(r, a) == pytest.approx(0.55)


def test_scenarios_by_hand():
    """Latest 1,000; trend 1,100 → 1,210 → 1,331 (10% a year). Halves: 1,050, 1,102.5, 1,157.625. Stops: 1,000.
    User 5%: same as halves here. Assessments = requests × 0.6; EP hours = assessments × 12."""
    series = pd.Series([900.0, 1000.0], index=[2023, 2024])
    trend = pd.DataFrame({"year": [2025, 2026, 2027], "mean": [1100.0, 1210.0, 1331.0],
                          "lower": [1000.0, 1050.0, 1100.0], "upper": [1200.0, 1400.0, 1600.0], "level": 0.8,
                          "model": "m"})
    out = growth.scenarios(series, trend, conversion=0.6, hours_per_assessment=12.0,
                           extra={"Five per cent": 0.05, "Config trend": None})
    by = {name: part["requests"].to_numpy() for name, part in out.groupby("scenario")}
    assert np.allclose(by["Trend continues"], [1100, 1210, 1331])
    assert np.allclose(by["Growth halves"], [1050, 1102.5, 1157.625])
    assert np.allclose(by["Growth stops"], [1000, 1000, 1000])
    assert np.allclose(by["Five per cent"], [1050, 1102.5, 1157.625])
    assert np.allclose(by["Config trend"], [1100, 1210, 1331])
    row = out.loc[(out["scenario"] == "Trend continues") & (out["year"] == 2025)].iloc[0]
    assert row["assessments"] == pytest.approx(660) and row["ep_hours"] == pytest.approx(7920)
    assert row["requests_lower"] == 1000
    assert out.loc[out["scenario"] == "Growth stops", "requests_lower"].isna().all()


# --- monthly ----------------------------------------------------------------------------------------------------

def _monthly(n: int = 48, seed: int = 1) -> tuple[pd.Series, np.ndarray]:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2021-01-01", periods=n, freq="MS")
    pattern = 20 * np.sin(2 * np.pi * (idx.month.to_numpy() - 1) / 12)
    values = 100 + 0.5 * np.arange(n) + pattern + rng.normal(0, 3, n)
    return pd.Series(values, index=idx), pattern


def test_stl_components_add_up_and_recover_the_seasonal_pattern():
    """Observed = trend + seasonal + remainder; the seasonal part matches the true ±20 sine to within 3 (noise
    SD 3, averaged over 4 years)."""
    s, pattern = _monthly()
    d = growth.monthly_decomposition(s)
    assert np.allclose(d["trend"] + d["seasonal"] + d["remainder"], d["observed"])
    assert np.max(np.abs(d["seasonal"].to_numpy() - pattern)) < 3


def test_monthly_forecast_12_months_with_nested_intervals():
    s, _ = _monthly()
    fc = growth.monthly_forecast(s)
    assert len(fc) == 24 and fc["period"].min() == pd.Timestamp("2025-01-01")
    p80, p95 = (fc.loc[fc["level"] == lv].reset_index() for lv in (0.8, 0.95))
    assert np.all(p95["lower"] <= p80["lower"]) and np.all(p80["lower"] <= p80["mean"])
    assert np.all(p80["mean"] <= p80["upper"]) and np.all(p80["upper"] <= p95["upper"])
    # the trend continues: next January is higher than the last observed January
    assert p80.loc[p80["period"] == "2025-01-01", "mean"].iloc[0] > s.loc["2024-01-01"] - 6


def test_monthly_missing_month_counts_as_zero():
    s, _ = _monthly()
    d = growth.monthly_decomposition(s.drop(s.index[10]))
    assert len(d) == 48 and d["observed"].iloc[10] == 0.0


def test_monthly_needs_two_years():
    s, _ = _monthly(n=20)
    with pytest.raises(ValueError, match="24 months"):
        growth.monthly_decomposition(s)


# --- page wording and tables -------------------------------------------------------------------------------------

def test_grew_words_a_rate_at_the_precision_shown():
    assert growth.grew(0.074) == "grew by 7.4% a year"
    assert growth.grew(-0.021) == "fell by 2.1% a year"
    assert growth.grew(0.0004) == "stayed about level"  # rounds to 0.0%


def test_growth_vs_england_sentence_uses_the_last_five_years():
    """LA: 1,000 in 2019 → 1,610.51 in 2024 is 1.1⁵, so 10.0% a year. England (2025 release): 82,329 (2019) →
    154,489 (2024), ratio 1.876465, fifth root 1.134146, so 13.4% a year: the LA grew more slowly."""
    la = pd.Series([900.0, 1000.0, 1100.0, 1210.0, 1331.0, 1464.1, 1610.51], index=range(2018, 2025))
    c = growth.compare_with_england(la, ENGLAND_REQUESTS)
    assert (c.base, c.latest) == (2019, 2024)
    assert c.england_rate == pytest.approx(0.1341459, abs=1e-6)
    assert growth.growth_vs_england_sentence("Requests", c) == (
        "Requests grew by 10.0% a year between 2019 and 2024, slower than England's 13.4% a year.")


def test_comparators_title_names_the_comparators_grown_past():
    rates = {"Northshire": 0.10, "England": 0.05, "North East": 0.12}
    assert growth.comparators_title("Northshire", rates, 2019) == (
        "Since 2019, requests in Northshire grew faster than in England but not the others")
    assert growth.comparators_title("Northshire", {**rates, "North East": 0.01}, 2019).endswith("all comparators")


def test_group_growth_rates_leave_out_a_group_without_the_base_year():
    """A: 100 → 121 over two years is 10% a year; B has no 2019 value, so it has no rate."""
    totals = pd.DataFrame({"year": [2019, 2020, 2021, 2020, 2021], "group": ["A", "A", "A", "B", "B"],
                           "value": [100.0, 110.0, 121.0, 50.0, 60.0]})
    rates = growth.group_growth_rates(totals, 2019, 2021)
    assert list(rates) == ["A"] and rates["A"] == pytest.approx(0.10)


def _summary(mape: float, coverage_80: float, bench_mape: float) -> pd.DataFrame:
    return pd.DataFrame({"model": ["chosen model", growth.DRIFT], "forecasts": [6, 6], "mape": [mape, bench_mape],
                         "coverage_80": [coverage_80, 50.0], "coverage_95": [100.0, 80.0]})


def test_backtest_sentence_well_fairly_and_poorly():
    assert growth.backtest_sentence(_summary(8.0, 75.0, 9.0)) == (
        "The method back-tests well: its forecasts were out by 8.0% on average (no worse than the simple "
        "benchmark's 9.0%), and the actual figure fell inside the 80% likely range 75.0% of the time.")
    fair = growth.backtest_sentence(_summary(12.0, 75.0, 15.0))
    assert fair.startswith("The method back-tests only fairly") and "rough guide only" in fair
    poor = growth.backtest_sentence(_summary(8.0, 50.0, 9.0))  # ranges held only half the time
    assert poor.startswith("The method back-tests poorly") and "too narrow" in poor


def test_scenario_table_rounds_counts_and_shows_years_as_text():
    plan = pd.DataFrame({"scenario": ["Trend continues"], "year": [2025], "requests": [1234.6],
                         "requests_lower": [1100.4], "requests_upper": [1400.5], "assessments": [987.5],
                         "ep_hours": [14812.5]})
    table = growth.scenario_table(plan)
    assert table.loc[0, "Year"] == "2025"
    assert table.loc[0, "Requests"] == 1235 and table.loc[0, "Assessments"] == 988  # round half to even: 987.5 → 988
    assert str(table["EP hours for assessments"].dtype) == "Int64"


def test_plans_in_place_metrics_empty_without_local_figures():
    assert growth.plans_in_place_metrics(pd.Series(dtype=float), ENGLAND_REQUESTS) == {}


# --- the real DfE release ---------------------------------------------------------------------------------------

@pytest.mark.real_data
def test_england_and_kent_series_from_the_real_release(ees_2025):
    """Published figures (DfE EHC plans release 2025; ees_statistics.md §2.1, §2.3): England requests 93,302,
    114,482, 138,242 in 2021–2023 (CAGR 21.72%, as above); Kent (886) 4,001 requests in 2024 and 20,635 plans in
    place in January 2025."""
    from helpers.sources import ees

    table = ees.read_release(ees_2025).table
    england = growth.annual_series(table, "E92000001", "requests_received")
    assert england.loc[2021:2023].tolist() == [93302.0, 114482.0, 138242.0]
    assert growth.cagr(england, 2021, 2023) == pytest.approx(0.2172353, abs=1e-6)
    assert growth.annual_series(table, "886", "requests_received").loc[2024] == 4001.0
    assert growth.annual_series(table, "886", "plans_in_place").loc[2025] == 20635.0


def test_a_missing_year_is_kept_out_of_models_but_not_out_of_growth() -> None:
    """Hackney's requests are published for 2019–2022 and 2024 but not 2023 (x). Models use the latest unbroken
    run (2024 alone); growth between 2019 and 2024 uses every year: (622 / 559) ** (1 / 5) - 1 = 2.16% a year.
    With no 2023 figure the latest-year sentence makes no year-on-year comparison."""
    ees = pd.DataFrame({"area_code": "204", "year": [2019, 2020, 2021, 2022, 2023, 2024],
                        "requests_received": [559.0, 478.0, 498.0, 525.0, np.nan, 622.0]})
    assert growth.annual_series(ees, "204", "requests_received").index.tolist() == [2024]
    history = growth.annual_series(ees, "204", "requests_received", unbroken=False)
    assert history.index.tolist() == [2019, 2020, 2021, 2022, 2024]
    england = pd.Series([82329.0, 154489.0], index=[2019, 2024])
    c = growth.compare_with_england(history, england)
    assert (c.base, c.latest) == (2019, 2024) and c.la_rate == pytest.approx((622 / 559) ** 0.2 - 1)
    sentence = growth.latest_requests_sentence("Hackney", history, england)
    assert sentence == "In 2024 Hackney received 622 requests. England received 154,489."


def test_growth_from_zero_is_not_available() -> None:
    """The Isles of Scilly had 0 requests in some years: growth from 0 has no rate, and the sentence says why."""
    series = pd.Series([0.0, 2.0, 3.0], index=[2022, 2023, 2024])
    assert np.isnan(growth.cagr(series, 2022, 2024))
    c = growth.compare_with_england(series, pd.Series([100.0, 121.0], index=[2022, 2024]))
    assert growth.growth_vs_england_sentence("Requests in Scilly", c) == (
        "Growth in requests in Scilly between 2022 and 2024 cannot be worked out (there were none in 2022); "
        "England's grew by 10.0% a year.")


def test_a_zero_year_far_from_its_neighbours_is_treated_as_missing() -> None:
    """A published 0 between 50 and 60 (like West Berkshire's 2022 requests) is flagged (helpers.analysis.outliers) and
    treated as missing: the whole run is modelled (log(1 + count) allows zeros) and the forecast starts from the
    latest year. Fewer than MIN_YEARS usable years give no forecast."""
    years = list(range(2016, 2025))
    ees = pd.DataFrame({"area_code": "869", "year": years, "new_plans": [50.0, 0.0] + [60.0 + i for i in range(7)]})
    f = growth.forecast_measure(ees, "869", "new_plans")
    assert f is not None and f.series.index.tolist() == years and f.flagged == (2017,)
    first = f.forecast[f.forecast["level"] == 0.8].iloc[0]
    assert abs(first["mean"] - 66.0) <= 3.0  # 2024 was 66, rising by 1 a year
    short = pd.DataFrame({"area_code": "869", "year": [2023, 2024], "new_plans": [5.0, 6.0]})
    assert growth.forecast_measure(short, "869", "new_plans") is None
