"""Tests for helpers.analysis.growth (CAGR, comparator totals), its scenarios and monthly view, and the
request-growth page's wording, against published figures and hand calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import forecast, growth, growth_monthly, growth_scenarios
from helpers.analysis.forecast_methods import forecast_table
from helpers.areas import Group
from helpers.pages import request_growth, request_growth_demand
from helpers.pages.request_growth_words import grew

#: England initial requests for an EHC needs assessment, DfE "Education, health and care plans" 2025 release.
ENGLAND_REQUESTS = pd.Series([55235, 64555, 72423, 82329, 75951, 93302, 114482, 138242, 154489],
                             index=range(2016, 2025), dtype=float)


# --- growth rates -----------------------------------------------------------------------------------------------

def test_cagr_england_2021_to_2023_is_about_21_7_percent():
    """93,302 (2021) → 138,242 (2023): ratio 1.481662 over 2 years; √1.481662 = 1.217235, so CAGR = 21.72%."""
    assert growth.cagr(ENGLAND_REQUESTS, 2021, 2023) == pytest.approx(0.2172353, abs=1e-6)


def test_one_year_growth_england():
    """Growth over one year is the year-on-year change: 114,482 / 93,302 − 1 = 22.70%; 138,242 / 114,482 − 1 =
    20.75%; 2020: 75,951 / 82,329 − 1 = −7.75%."""
    assert growth.cagr(ENGLAND_REQUESTS, 2021, 2022) == pytest.approx(0.2270048, abs=1e-6)
    assert growth.cagr(ENGLAND_REQUESTS, 2022, 2023) == pytest.approx(0.2075435, abs=1e-6)
    assert growth.cagr(ENGLAND_REQUESTS, 2019, 2020) == pytest.approx(75951 / 82329 - 1, abs=1e-9)


def test_cagr_needs_a_later_end_year():
    with pytest.raises(ValueError):
        growth.cagr(ENGLAND_REQUESTS, 2023, 2023)


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
    table = forecast_table(series, fc)
    assert list(table.columns) == ["year", "actual", "forecast", "lower_80", "upper_80", "lower_95", "upper_95"]
    assert list(table["year"]) == [2023, 2024, 2025] and np.isnan(table["actual"].iloc[2])
    assert table["upper_95"].iloc[2] == 16.0 and np.isnan(table["forecast"].iloc[0])


def test_indexed_and_comparator_totals():
    """Neighbours A+B: 2019 10+30 = 40, 2020 15+45 = 60 → index 150; 2021 has only A, so it is left out."""
    ees = pd.DataFrame({"year": [2019, 2019, 2020, 2020, 2021], "area_code": ["A", "B", "A", "B", "A"],
                        "requests_received": [10.0, 30.0, 15.0, 45.0, 20.0]})
    totals = growth.comparator_totals(ees, "requests_received", [Group("Neighbours", "neighbours", ("A", "B"))])
    assert list(totals["year"]) == [2019, 2020] and list(totals["value"]) == [40.0, 60.0]
    idx = growth.indexed(totals, 2019)
    assert list(idx["index"]) == [100.0, 150.0]


def test_a_group_with_a_published_row_is_read_from_it_not_summed():
    """England's total is DfE's published England row (1,000), not the sum of the councils in the table (10 + 30):
    the published row includes councils with suppressed figures."""
    ees = pd.DataFrame({"year": [2019, 2019, 2019], "area_code": ["A", "B", "E92000001"],
                        "requests_received": [10.0, 30.0, 1000.0]})
    england = Group("England", "england", ("A", "B"), "E92000001", "National")
    assert growth.group_codes(england) == ("E92000001",)
    totals = growth.comparator_totals(ees, "requests_received", [england, Group("A", "la", ("A",))])
    assert totals.set_index("group")["value"].to_dict() == {"England": 1000.0, "A": 10.0}


def test_growth_by_area_rows_in_percent_with_none_for_a_short_group():
    """A: 100 (2019) → 161.051 (2024) is 1.1⁵, so 10.0% a year; B has one year only, so no rate."""
    ees = pd.DataFrame({"year": [2019, 2024, 2024], "area_code": ["A", "A", "B"],
                        "requests_received": [100.0, 161.051, 50.0], "new_plans": [10.0, 10.0, 5.0],
                        "plans_in_place": [np.nan, np.nan, np.nan]})
    rows = request_growth.growth_by_area_rows(ees, [Group("A", "la", ("A",)), Group("B", "custom", ("B",))])
    assert rows.columns.tolist() == [
        "Area", "Requests for an EHC needs assessment: growth a year (%)", "New EHC plans: growth a year (%)",
        "EHC plans in place (January): growth a year (%)"]
    assert rows.iloc[0, 1] == pytest.approx(10.0) and rows.iloc[0, 2] == 0.0
    assert rows.iloc[1, 1:].isna().all() and rows.iloc[0, 3] is None


# --- scenarios --------------------------------------------------------------------------------------------------

def test_scenarios_by_hand():
    """Latest 1,000; trend 1,100 → 1,210 → 1,331 (10% a year). Halves: 1,050, 1,102.5, 1,157.625. Stops: 1,000.
    User 5%: same as halves here. Assessments = requests × 0.6; EP hours = assessments × 12."""
    series = pd.Series([900.0, 1000.0], index=[2023, 2024])
    trend = pd.DataFrame({"year": [2025, 2026, 2027], "mean": [1100.0, 1210.0, 1331.0],
                          "lower": [1000.0, 1050.0, 1100.0], "upper": [1200.0, 1400.0, 1600.0], "level": 0.8,
                          "model": "m"})
    out = growth_scenarios.scenarios(series, trend, conversion=0.6, hours_per_assessment=12.0,
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
    d = growth_monthly.monthly_decomposition(s)
    assert np.allclose(d["trend"] + d["seasonal"] + d["remainder"], d["observed"])
    assert np.max(np.abs(d["seasonal"].to_numpy() - pattern)) < 3


def test_monthly_forecast_12_months_with_nested_intervals():
    s, _ = _monthly()
    fc = growth_monthly.monthly_forecast(s)
    assert len(fc) == 24 and fc["period"].min() == pd.Timestamp("2025-01-01")
    p80, p95 = (fc.loc[fc["level"] == lv].reset_index() for lv in (0.8, 0.95))
    assert np.all(p95["lower"] <= p80["lower"]) and np.all(p80["lower"] <= p80["mean"])
    assert np.all(p80["mean"] <= p80["upper"]) and np.all(p80["upper"] <= p95["upper"])
    # the trend continues: next January is higher than the last observed January
    assert p80.loc[p80["period"] == "2025-01-01", "mean"].iloc[0] > s.loc["2024-01-01"] - 6


def test_monthly_missing_month_counts_as_zero():
    s, _ = _monthly()
    d = growth_monthly.monthly_decomposition(s.drop(s.index[10]))
    assert len(d) == 48 and d["observed"].iloc[10] == 0.0


def test_monthly_needs_two_years():
    s, _ = _monthly(n=20)
    with pytest.raises(ValueError, match="24 months"):
        growth_monthly.monthly_decomposition(s)


# --- page wording and tables -------------------------------------------------------------------------------------

def test_grew_words_a_rate_at_the_precision_shown():
    assert grew(0.074) == "grew by 7.4% a year"
    assert grew(-0.021) == "fell by 2.1% a year"
    assert grew(0.0004) == "stayed about level"  # rounds to 0.0%


def test_growth_vs_england_sentence_uses_the_last_five_years():
    """LA: 1,000 in 2019 → 1,610.51 in 2024 is 1.1⁵, so 10.0% a year. England (2025 release): 82,329 (2019) →
    154,489 (2024), ratio 1.876465, fifth root 1.134146, so 13.4% a year: the LA grew more slowly."""
    la = pd.Series([900.0, 1000.0, 1100.0, 1210.0, 1331.0, 1464.1, 1610.51], index=range(2018, 2025))
    c = growth.compare_with_england(la, ENGLAND_REQUESTS)
    assert (c.base, c.latest) == (2019, 2024)
    assert c.england_rate == pytest.approx(0.1341459, abs=1e-6)
    assert request_growth.growth_vs_england_sentence("Requests", c) == (
        "Requests grew by 10.0% a year between 2019 and 2024, slower than England's 13.4% a year.")


def test_comparators_title_names_the_comparators_grown_past():
    rates = {"Northshire": 0.10, "England": 0.05, "North East": 0.12}
    assert request_growth.comparators_title("Northshire", rates, 2019) == (
        "Since 2019, requests in Northshire grew faster than in England but not the others")
    slower = {**rates, "North East": 0.01}
    assert request_growth.comparators_title("Northshire", slower, 2019).endswith("all comparators")


def test_group_growth_rates_leave_out_a_group_without_the_base_year():
    """A: 100 → 121 over two years is 10% a year; B has no 2019 value, so it has no rate."""
    totals = pd.DataFrame({"year": [2019, 2020, 2021, 2020, 2021], "group": ["A", "A", "A", "B", "B"],
                           "value": [100.0, 110.0, 121.0, 50.0, 60.0]})
    rates = growth.group_growth_rates(totals, 2019, 2021)
    assert list(rates) == ["A"] and rates["A"] == pytest.approx(0.10)


def test_scenario_table_rounds_counts_and_shows_years_as_text():
    plan = pd.DataFrame({"scenario": ["Trend continues"], "year": [2025], "requests": [1234.6],
                         "requests_lower": [1100.4], "requests_upper": [1400.5], "assessments": [987.5],
                         "ep_hours": [14812.5]})
    table = request_growth_demand.scenario_rows(plan)
    assert table.loc[0, "Year"] == "2025"
    assert table.loc[0, "Requests"] == 1235 and table.loc[0, "Assessments"] == 988  # round half to even: 987.5 → 988
    assert str(table["EP hours for assessments"].dtype) == "Int64"


def test_plans_in_place_metrics_empty_without_local_figures():
    assert request_growth.plans_in_place_metrics(pd.Series(dtype=float), ENGLAND_REQUESTS) == {}


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
    sentence = request_growth.latest_requests_sentence("Hackney", history, england)
    assert sentence == "In 2024 Hackney received 622 requests. England received 154,489."


def test_growth_from_zero_is_not_available() -> None:
    """The Isles of Scilly had 0 requests in some years: growth from 0 has no rate, and the sentence says why."""
    series = pd.Series([0.0, 2.0, 3.0], index=[2022, 2023, 2024])
    assert np.isnan(growth.cagr(series, 2022, 2024))
    c = growth.compare_with_england(series, pd.Series([100.0, 121.0], index=[2022, 2024]))
    assert request_growth.growth_vs_england_sentence("Requests in Scilly", c) == (
        "Growth in requests in Scilly between 2022 and 2024 cannot be worked out (there were none in 2022); "
        "England's grew by 10.0% a year.")


def test_a_zero_year_far_from_its_neighbours_is_treated_as_missing() -> None:
    """A published 0 between 50 and 60 (like West Berkshire's 2022 requests) is flagged (helpers.analysis.outliers) and
    treated as missing: the whole run is modelled (log(1 + count) allows zeros) and the forecast starts from the
    latest year. Fewer than MIN_YEARS usable years give no forecast."""
    years = list(range(2016, 2025))
    ees = pd.DataFrame({"area_code": "869", "year": years, "new_plans": [50.0, 0.0] + [60.0 + i for i in range(7)]})
    f = forecast.forecast_measure(ees, "869", "new_plans")
    assert f is not None and f.series.index.tolist() == years and f.flagged == (2017,)
    first = f.forecast[f.forecast["level"] == 0.8].iloc[0]
    assert abs(first["mean"] - 66.0) <= 3.0  # 2024 was 66, rising by 1 a year
    short = pd.DataFrame({"area_code": "869", "year": [2023, 2024], "new_plans": [5.0, 6.0]})
    assert forecast.forecast_measure(short, "869", "new_plans") is None
