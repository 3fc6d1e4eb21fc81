"""helpers.timeliness against modelling_methods.md §3.3 / §9 values, hand calculations and the real DfE release."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, logit

from helpers import timeliness
from helpers.errors import InputError

SUCCESSES = [49, 62, 87]  # 16.4%, 20.5%, 29.0% of 300 plans (§3.3 worked example)
PLANS = [300, 300, 300]


# --- Wilson intervals and pooled rates --------------------------------------------------------------------

def test_wilson_interval_matches_reference() -> None:
    """§3.3: Wilson 95% CI for 87 of 300 (29%) is 24.2%–34.4%; no plans → no interval."""
    low, high = timeliness.wilson_interval(np.array([87, 0]), np.array([300, 0]))
    assert (low[0], high[0]) == pytest.approx((24.2, 34.4), abs=0.05)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_pooled_rate_is_a_ratio_of_sums() -> None:
    """(5 + 45) / (10 + 90) = 50%, not the mean of 50% and 50%... and (1 + 9)/(10 + 90) = 10%, not (10% + 10%)/2;
    here months of 1/2 and 9/98 give 10/100 = 10%, whereas averaging the percentages would give 29.6%."""
    frame = pd.DataFrame({"x": [1, 9], "n": [2, 98]})
    rate = timeliness.pooled_rate(frame, "x", "n")
    assert rate.pct == pytest.approx(10.0)
    assert (rate.successes, rate.n) == (10, 100)
    assert rate.low < 10 < rate.high


# --- logit trend and months to target -------------------------------------------------------------------

def test_logit_trend_matches_worked_example() -> None:
    """§3.3: 16.4% → 20.5% → 29% with 300 plans each: logit slope 0.375 per year (SE 0.101), odds ratio 1.45.
    The Pearson dispersion of these three points is below 1 (0.0007), so the floor keeps the binomial SE."""
    trend = timeliness.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    assert trend.slope == pytest.approx(0.375, abs=5e-4)
    assert trend.slope_se == pytest.approx(0.101, abs=5e-4)
    assert trend.odds_ratio == pytest.approx(1.45, abs=5e-3)
    assert trend.dispersion == 1.0
    # fitted value now: logit⁻¹(−1.66650 + 2 × 0.37472) = logit⁻¹(−0.91706) = 28.56%
    assert trend.pct_now == pytest.approx(28.556, abs=1e-3)


def test_overdispersed_trend_uses_quasi_binomial_standard_errors() -> None:
    """Points that vary far more than binomial chance. Independent route: the same model fitted to proportions with
    var_weights = n and scale='X2' (which statsmodels computes correctly in that form), and the Pearson χ² by hand,
    Σ (x − n p̂)² / (n p̂ (1 − p̂)) / (6 − 2)."""
    x, n = np.array([50, 120, 60, 130, 90, 150]), np.full(6, 300)
    trend = timeliness.logit_trend(x, n)
    t = np.arange(6) - 5
    quasi = sm.GLM(x / n, sm.add_constant(t), family=sm.families.Binomial(), var_weights=n).fit(scale="X2")
    p_hat = expit(quasi.params[0] + quasi.params[1] * t)
    assert trend.dispersion == pytest.approx(((x - n * p_hat) ** 2 / (n * p_hat * (1 - p_hat))).sum() / 4, rel=1e-6)
    assert trend.dispersion > 1
    assert trend.slope_se == pytest.approx(quasi.bse[1], rel=1e-6)
    assert trend.level_now == pytest.approx(quasi.params[0], rel=1e-6)


def test_months_to_target_hand_check() -> None:
    """Target 40% from the worked example. Now (t = 2): a = −1.66650 + 2(0.37472) = −0.91706; logit(0.40) = −0.40547;
    θ = (−0.40547 + 0.91706) / 0.37472 = 1.3653 years = 16.38 months."""
    trend = timeliness.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    forecast = timeliness.months_to_target(trend, 40)
    assert forecast.status == "on trend"
    assert forecast.months == pytest.approx(16.38, abs=0.01)
    assert forecast.months_low < forecast.months < forecast.months_high


def test_months_to_target_interval_solves_fieller_equation() -> None:
    """Independent check: refit with t = 0, 1, 2 and move to t = 2 by hand, a = b0 + 2 b1,
    Var(a) = V00 + 4 V11 + 4 V01, Cov(a, b) = V01 + 2 V11. At each limit θ (in years) Fieller's statistic
    (L − a − θb)² / (Var a + 2θ Cov + θ² Var b) equals 1.96²."""
    fit = sm.GLM(np.column_stack([SUCCESSES, np.subtract(PLANS, SUCCESSES)]), sm.add_constant(np.arange(3.0)),
                 family=sm.families.Binomial()).fit()
    v = np.asarray(fit.cov_params())
    b0, b = fit.params
    a = b0 + 2 * b
    va, cab, vb = v[0, 0] + 4 * v[1, 1] + 4 * v[0, 1], v[0, 1] + 2 * v[1, 1], v[1, 1]
    target = logit(0.40)
    forecast = timeliness.months_to_target(timeliness.logit_trend(SUCCESSES, PLANS, months_per_step=12), 40)
    for months in (forecast.months_low, forecast.months_high):
        theta = months / 12
        stat = (target - a - theta * b) ** 2 / (va + 2 * theta * cab + theta ** 2 * vb)
        assert stat == pytest.approx(1.959964 ** 2, rel=1e-5)


def test_target_already_met_and_not_on_trend() -> None:
    trend = timeliness.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    met = timeliness.months_to_target(trend, 25)  # fitted now 28.6% ≥ 25%
    assert (met.status, met.months) == ("met", 0.0)
    falling = timeliness.logit_trend([87, 62, 49], PLANS)
    assert timeliness.months_to_target(falling, 40).status == "not on current trend"
    # rising but not clear of chance: 60, 62, 64 of 300 (slope 0.02, SE ≈ 0.10)
    flat = timeliness.logit_trend([60, 62, 64], PLANS)
    result = timeliness.months_to_target(flat, 40)
    assert result.status == "not on current trend" and np.isnan(result.months)


def test_logit_trend_on_exact_logistic_series_recovers_slope() -> None:
    """Counts on an exact logistic curve, p_t = logit⁻¹(−2 + 0.1 t), n = 10⁶ per month: slope 0.1, and the target
    p = logit⁻¹(−2 + 0.1 × 20) = 50% is reached 20 − 11 = 9 months after the last point (t = 11)."""
    t = np.arange(12)
    n = np.full(12, 1_000_000)
    x = np.round(expit(-2 + 0.1 * t) * n)
    trend = timeliness.logit_trend(x, n)
    assert trend.slope == pytest.approx(0.1, abs=1e-4)
    assert timeliness.months_to_target(trend, 50).months == pytest.approx(9.0, abs=0.01)


# --- series from the local data (helpers.cases.by_period output, built by hand) ---------------------------

def by_period_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "period": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]),
        "requests_received": [40, 42, 39, 10],
        "decisions": [30, 31, 29, 5],
        "decisions_within_6_weeks": [15, 20, 25, 4],
        "refusals": [5, 6, 4, 1],
        "plans_issued": [20, 0, 25, 5],
        "plans_issued_within_20_weeks": [5, 0, 10, 2],
        "plans_issued_ex": [18, 0, 20, 5],
        "plans_issued_within_20_weeks_ex": [5, 0, 9, 2],
        "pct_within_20_weeks": [25.0, np.nan, 40.0, 40.0],
        "pct_within_20_weeks_ex": [27.8, np.nan, 45.0, 40.0],
    })


def test_period_rates_excluding_exceptions_and_dropping_a_part_month() -> None:
    """Period end 15 April 2025: April is incomplete and dropped. Excluding exceptions: 5/18 = 27.8%, February has
    no plans (no percentage), March 9/20 = 45%."""
    rates = timeliness.period_rates(by_period_frame(), period_end=pd.Timestamp("2025-04-15"))
    assert rates["period"].dt.month.tolist() == [1, 2, 3]
    assert rates["plans"].tolist() == [18, 0, 20]
    assert rates["pct"].iloc[0] == pytest.approx(500 / 18)
    assert np.isnan(rates["pct"].iloc[1]) and np.isnan(rates["pct_low"].iloc[1])
    assert rates["pct"].iloc[2] == pytest.approx(45.0)
    including = timeliness.period_rates(by_period_frame(), exclude_exceptions=False)
    assert including["pct"].iloc[3] == pytest.approx(40.0) and len(including) == 4


def test_quarterly_period_end_keeps_a_finished_quarter() -> None:
    frame = by_period_frame().iloc[[0, 3]].assign(period=pd.to_datetime(["2025-01-01", "2025-04-01"]))
    rates = timeliness.period_rates(frame, freq="Q", period_end=pd.Timestamp("2025-03-31"))
    assert rates["period"].tolist() == [pd.Timestamp("2025-01-01")]


# --- annual series from the DfE table ---------------------------------------------------------------------

def ees_frame() -> pd.DataFrame:
    rows = []
    for year, scale in ((2023, 1), (2024, 2)):
        for level, code, name, region in (("Local authority", "999", "Testshire", "E12000008"),
                                          ("Regional", "E12000008", "South East", "E12000008"),
                                          ("National", "E92000001", "England", None),
                                          ("Local authority", "998", "Elsewhere", "E12000008")):
            rows.append({"year": year, "geographic_level": level, "area_code": code, "area_name": name,
                         "region_code": region,
                         "plans_issued": 100 * scale, "plans_issued_within_20_weeks": 40 * scale,
                         "plans_issued_20_to_52_weeks": 50 * scale, "plans_issued_over_52_weeks": 10 * scale,
                         "plans_issued_ex": 80 * scale, "plans_issued_within_20_weeks_ex": 36 * scale,
                         "plans_issued_20_to_52_weeks_ex": 36 * scale, "plans_issued_over_52_weeks_ex": 8 * scale,
                         "requests_received": 1.0})
    rows.append({**rows[0], "year": 2018, **{c: np.nan for c in rows[0] if c.startswith("plans")}})
    return pd.DataFrame(rows)


def test_annual_series_la_region_england() -> None:
    """Excluding exceptions: 36/80 = 45% (Wilson 95% 34.6%–55.8% by hand: centre (0.45 + 1.96²/160)/(1 + 1.96²/80),
    half-width 1.96 √(0.45·0.55/80 + 1.96²/25600)/(1 + 1.96²/80)); years without figures (2018) are dropped."""
    annual = timeliness.annual_series(ees_frame(), "999", "E12000008")
    assert annual["year"].tolist() == [2023] * 3 + [2024] * 3
    assert annual["level"].tolist() == ["la", "region", "england"] * 2
    assert annual["pct_within_20_weeks_ex"].tolist() == pytest.approx([45.0] * 6)
    assert annual["pct_within_20_weeks"].tolist() == pytest.approx([40.0] * 6)
    z = 1.959964
    p, n = 0.45, 80
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert annual["pct_within_20_weeks_ex_low"].iloc[0] == pytest.approx((centre - half) * 100, abs=1e-6)
    assert annual["pct_within_20_weeks_ex_high"].iloc[0] == pytest.approx((centre + half) * 100, abs=1e-6)


def test_annual_series_unknown_la_is_an_input_error() -> None:
    with pytest.raises(InputError, match="area not found"):
        timeliness.annual_series(ees_frame(), "123", "E12000008")


def test_published_bands_add_up() -> None:
    """Excluding exceptions 36 + 36 + 8 = 80 plans: 45%, 45%, 10%."""
    bands = timeliness.published_issue_time_bands(timeliness.annual_series(ees_frame(), "999", None))
    first = bands[(bands["year"] == 2023) & (bands["level"] == "la")]
    assert first["band"].tolist() == list(timeliness.BANDS)
    assert first["plans"].tolist() == [36, 36, 8]
    assert first["pct"].tolist() == pytest.approx([45.0, 45.0, 10.0])
    assert set(bands["level"]) == {"la", "england"}


# --- from the cases table (helpers.cases.derive output, built by hand) -------------------------------------

def cases_frame() -> pd.DataFrame:
    issue = pd.to_datetime(["2025-01-10", "2025-02-01", "2025-02-20", "2025-03-01", "2025-03-15", "2025-03-20",
                            "2025-03-31", "2024-12-31", "2025-02-02", None, None, None, None, None])
    weeks = [12, 19, 20, 25, 40, 52, 60, 10, 15, np.nan, np.nan, np.nan, np.nan, np.nan]
    within = pd.array([True, True, True, False, False, False, False, True, True, None, None, None, None, None],
                      dtype="boolean")
    return pd.DataFrame({
        "plan_issue_date": issue, "weeks_to_issue": weeks, "within_20_weeks": within,
        "exception": [False] * 8 + [True] + [False] * 5,
        "open": [False] * 9 + [True] * 5,
        "stage": ["plan issued"] * 9 + ["awaiting decision", "being assessed", "being assessed", "being assessed",
                                        "being assessed"],
        "weeks_overdue": [0.0] * 9 + [3.0, 0.0, 2.0, 10.0, 30.0],
    })


def test_issue_time_bands_from_cases() -> None:
    """Q1 2025 plans (the 31 Dec 2024 plan is out of range; the exception is dropped): within 20 weeks 3 (12, 19, 20
    weeks as flagged by helpers.cases), 20–52 weeks 3 (25, 40, 52), over 52 weeks 1 (60) → 3/7, 3/7, 1/7."""
    bands = timeliness.issue_time_bands(cases_frame(), pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"))
    assert bands["band"].tolist() == list(timeliness.BANDS)
    assert bands["plans"].tolist() == [3, 3, 1]
    assert bands["pct"].tolist() == pytest.approx([300 / 7, 300 / 7, 100 / 7])
    including = timeliness.issue_time_bands(cases_frame(), pd.Timestamp("2025-01-01"), pd.Timestamp("2025-03-31"),
                                            exclude_exceptions=False)
    assert including["plans"].tolist() == [4, 3, 1]


def test_overdue_backlog() -> None:
    """Open and past 20 weeks: awaiting decision [3]; being assessed [2, 10, 30] (the 0 is not overdue).
    All: [2, 3, 10, 30]: median 6.5, 90th percentile (linear) 10 + 0.7 × 20 = 24, oldest 30."""
    table = timeliness.overdue_backlog(cases_frame())
    assert table["stage"].tolist() == ["awaiting decision", "being assessed", "All open cases"]
    assert table["open_past_20_weeks"].tolist() == [1, 3, 4]
    assert table["median_weeks_overdue"].tolist() == [3.0, 10.0, 6.5]
    assert table["p90_weeks_overdue"].iloc[-1] == pytest.approx(24.0)
    assert table["oldest_weeks_overdue"].tolist() == [3.0, 30.0, 30.0]


def test_overdue_backlog_with_nothing_overdue() -> None:
    table = timeliness.overdue_backlog(cases_frame().assign(weeks_overdue=0.0))
    assert table["open_past_20_weeks"].tolist() == [0, 0, 0]
    assert table["median_weeks_overdue"].isna().all()


# --- the real DfE release (skips without ../shared or the ees reader) ----------------------------------------

@pytest.mark.real_data
def test_published_kent_and_england_figures(ees_2025) -> None:
    """DATA.md: Kent (886) 2019 28.7% (546 of 1,903), 2023 18.0%, 2024 33.3%; England 2024 46.4% of 84,866;
    England 2019 60.4% (excluding exceptions)."""
    ees = pytest.importorskip("helpers.sources.ees")
    table = ees.read_release(ees_2025).table
    annual = timeliness.annual_series(table, "886", "E12000008").set_index(["level", "year"])
    kent2019 = annual.loc[("la", 2019)]
    assert (kent2019["plans_issued_within_20_weeks_ex"], kent2019["plans_issued_ex"]) == (546, 1903)
    assert annual.loc[("la", 2023), "pct_within_20_weeks_ex"] == pytest.approx(18.0, abs=0.05)
    assert annual.loc[("la", 2024), "pct_within_20_weeks_ex"] == pytest.approx(33.3, abs=0.05)
    assert annual.loc[("england", 2024), "plans_issued_ex"] == 84866
    assert annual.loc[("england", 2024), "pct_within_20_weeks_ex"] == pytest.approx(46.4, abs=0.05)
    assert annual.loc[("england", 2019), "pct_within_20_weeks_ex"] == pytest.approx(60.4, abs=0.05)


# --- other published shares, change tests and sentences ---------------------------------------------------

def test_annual_share_within_time_limit() -> None:
    """Decisions within 6 weeks: within 40, over 60 → 40 of 100 = 40%."""
    ees = ees_frame().assign(requests_decided_within_6_weeks=40.0, requests_decided_over_6_weeks=60.0)
    share = timeliness.annual_share(ees, "999", "E12000008", "requests_decided_within_6_weeks",
                                    "requests_decided_over_6_weeks")
    assert share["year"].tolist() == [2018] + [2023] * 3 + [2024] * 3  # 2018 (LA only) has no plans but has decisions
    assert share["level"].tolist() == ["la"] + ["la", "region", "england"] * 2
    assert share["pct"].tolist() == pytest.approx([40.0] * 7)
    assert (share["total"] == 100).all()


def test_change_direction_matches_worked_example() -> None:
    """§3.3: 20.5% vs 29% of 300 (62 vs 87): z = 2.36, p = 0.018 → a significant improvement; 60 vs 64 of 300 is not."""
    assert timeliness.change_direction((62, 87), (300, 300)) == "improving"
    assert timeliness.change_direction((87, 62), (300, 300)) == "deteriorating"
    assert timeliness.change_direction((60, 64), (300, 300)) == "no significant change"


def test_headline_sentence() -> None:
    """LA 2024: 72/160 = 45%, the same as 2023 (36/80) and England."""
    from helpers import narrative

    text = timeliness.headline(timeliness.annual_series(ees_frame(), "999", "E12000008"))
    assert text == (f"In 2024, 45.0% of new EHC plans in Testshire were issued within 20 weeks "
                    f"({narrative.one_in(45.0)}, leaving out exception cases), no change on the previous year, "
                    "compared with England's 45.0%.")


def test_target_sentences() -> None:
    trend = timeliness.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    on = timeliness.target_sentence(timeliness.months_to_target(trend, 40), "the DfE figures for 2022 to 2024",
                                    pd.Timestamp("2024-12-01"))
    # 16.38 months after Dec 2024 → about 16 months → April 2026
    assert "in about 16.4 months (around April 2026; 95% interval" in on
    off = timeliness.target_sentence(timeliness.months_to_target(timeliness.logit_trend([87, 62, 49], PLANS), 40),
                                     "the last 3 months", pd.Timestamp("2025-03-01"))
    assert off.startswith("The 40.0% target is not on the current trend")


def test_overdue_statistics_withheld_for_few_cases() -> None:
    """With min_cases = 5 no stage (1 and 3 cases) nor the total (4) shows weeks statistics; counts stay."""
    table = timeliness.overdue_backlog(cases_frame(), min_cases=5)
    assert table["open_past_20_weeks"].tolist() == [1, 3, 4]
    assert table[["median_weeks_overdue", "p90_weeks_overdue", "oldest_weeks_overdue"]].isna().all().all()
    shown = timeliness.overdue_backlog(cases_frame(), min_cases=3)
    assert shown["median_weeks_overdue"].isna().tolist() == [True, False, False]


def test_spc_findings_name_the_signal_and_the_target() -> None:
    from helpers import spc

    values = pd.Series([20.0, 22, 20, 22, 20, 22, 20, 21, 22, 23, 24, 25, 26],
                       index=pd.date_range("2024-09-01", periods=13, freq="MS"))
    chart = spc.xmr(values)
    found = timeliness.spc_findings(chart, spc.variation(chart), spc.assurance(chart, 60), 60)
    assert found[0].startswith("In Sep 2025, 26.0% of plans were issued within 20 weeks.")
    assert found[1].startswith("Latest month: special cause variation: improving (run of 7 rising points).")
    assert found[2].startswith("Against the 60.0% target: target consistently missed.")
    assert timeliness.spc_title("common_cause").endswith("no significant change (common cause variation)")


def test_annual_metric_record() -> None:
    """LA 2023 36/80 = 45%, 2024 72/160 = 45%: previous 45, no significant change, England 45 and region 45."""
    record = timeliness.annual_metric(timeliness.annual_series(ees_frame(), "999", "E12000008"))
    assert (record["value"], record["period"], record["previous"]) == (45.0, "2024", 45.0)
    assert (record["england"], record["region"]) == (45.0, 45.0)
    assert record["trend"] == "no significant change"
    assert record["unit"] == "%" and record["higher_is_better"] is True
    assert record["benchmark"] == "45.0%, the same as England's."


def test_rates_of_100_percent_give_met_without_warnings(recwarn) -> None:
    """Bournemouth 2016–2018 (DfE): 92/94, 132/132, 145/148 within 20 weeks: already above a 60% target.
    A change from 100% to 100% is no significant change (statsmodels' odds ratio would divide by zero)."""
    trend = timeliness.logit_trend([92, 132, 145], [94, 132, 148], months_per_step=12)
    assert timeliness.months_to_target(trend, 60).status == "met"
    all_done = timeliness.logit_trend([94, 132, 148], [94, 132, 148], months_per_step=12)
    assert timeliness.months_to_target(all_done, 60).status == "met"
    assert timeliness.change_direction((132, 137), (132, 137)) == "no significant change"
    assert not [w for w in recwarn.list if issubclass(w.category, (RuntimeWarning, UserWarning))]
