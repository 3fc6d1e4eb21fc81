"""helpers.analysis.timeliness and timeliness_trend against modelling_methods.md §3.3 / §9 values, hand calculations
and the real DfE release; the page's words (helpers.pages.timeliness*) on the same frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit, logit

from helpers.analysis import spc, timeliness
from helpers.analysis import timeliness_trend as trends
from helpers.pages import timeliness as page
from helpers.pages import timeliness_spc as spc_words
from helpers.pages import timeliness_tables as tables
from helpers.errors import InputError

SUCCESSES = [49, 62, 87]  # 16.4%, 20.5%, 29.0% of 300 plans (§3.3 worked example)
PLANS = [300, 300, 300]


# --- Wilson intervals and pooled rates --------------------------------------------------------------------

def test_wilson_interval_matches_reference() -> None:
    """§3.3: Wilson 95% CI for 87 of 300 (29%) is 24.2%–34.4%; no plans → no interval."""
    low, high = timeliness.wilson_pct(np.array([87, 0]), np.array([300, 0]))
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
    trend = trends.logit_trend(SUCCESSES, PLANS, months_per_step=12)
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
    trend = trends.logit_trend(x, n)
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
    trend = trends.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    forecast = trends.months_to_target(trend, 40)
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
    forecast = trends.months_to_target(trends.logit_trend(SUCCESSES, PLANS, months_per_step=12), 40)
    for months in (forecast.months_low, forecast.months_high):
        theta = months / 12
        stat = (target - a - theta * b) ** 2 / (va + 2 * theta * cab + theta ** 2 * vb)
        assert stat == pytest.approx(1.959964 ** 2, rel=1e-5)


def test_target_already_met_and_not_on_trend() -> None:
    trend = trends.logit_trend(SUCCESSES, PLANS, months_per_step=12)
    met = trends.months_to_target(trend, 25)  # fitted now 28.6% ≥ 25%
    assert (met.status, met.months) == ("met", 0.0)
    falling = trends.logit_trend([87, 62, 49], PLANS)
    assert trends.months_to_target(falling, 40).status == "not on current trend"
    # rising but not clear of chance: 60, 62, 64 of 300 (slope 0.02, SE ≈ 0.10)
    flat = trends.logit_trend([60, 62, 64], PLANS)
    result = trends.months_to_target(flat, 40)
    assert result.status == "not on current trend" and np.isnan(result.months)


def test_logit_trend_on_exact_logistic_series_recovers_slope() -> None:
    """Counts on an exact logistic curve, p_t = logit⁻¹(−2 + 0.1 t), n = 10⁶ per month: slope 0.1, and the target
    p = logit⁻¹(−2 + 0.1 × 20) = 50% is reached 20 − 11 = 9 months after the last point (t = 11)."""
    t = np.arange(12)
    n = np.full(12, 1_000_000)
    x = np.round(expit(-2 + 0.1 * t) * n)
    trend = trends.logit_trend(x, n)
    assert trend.slope == pytest.approx(0.1, abs=1e-4)
    assert trends.months_to_target(trend, 50).months == pytest.approx(9.0, abs=0.01)


# --- series from the local data (helpers.analysis.cases.by_period output, built by hand) ---------------------------

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


# --- from the cases table (helpers.analysis.cases.derive output, built by hand) -------------------------------------

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
    weeks as flagged by helpers.analysis.cases), 20–52 weeks 3 (25, 40, 52), over 52 weeks 1 (60) → 3/7, 3/7, 1/7."""
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
    from helpers.present import narrative

    text = page.headline(timeliness.annual_series(ees_frame(), "999", "E12000008"))
    assert text == (f"In 2024, 45.0% of new EHC plans in Testshire were issued within 20 weeks "
                    f"({narrative.one_in(45.0)}, leaving out exception cases), no change on the previous year, "
                    "compared with England's 45.0%.")


def test_target_sentences() -> None:
    """The sentence quotes the actual latest point (29.0% = 87/300), never the fitted line's value, and names the
    same trend verdict the scorecard shows."""
    basis = trends.TrendBasis(pd.Series(SUCCESSES), pd.Series(PLANS), 12, pd.Timestamp("2024-12-01"),
                              pd.Timestamp("2022-12-01"))
    on = spc_words.target_sentence(trends.months_to_target(basis.trend(), 40), basis)
    # 16.38 months after Dec 2024 → about 16 months → April 2026
    assert "in about 16.4 months (around April 2026; 95% interval" in on
    assert on.startswith("The latest figure (2024) is 29.0%. ")
    falling = trends.TrendBasis(pd.Series([87, 62, 49]), pd.Series(PLANS), 1, pd.Timestamp("2025-03-01"),
                                pd.Timestamp("2025-01-01"))
    off = spc_words.target_sentence(trends.months_to_target(falling.trend(), 40), falling,
                                    description="the last 3 months")
    assert off == ("The latest figure (Mar 2025) is 16.3%. The 40.0% target is not on the current trend: on the last "
                   "3 months the share is not rising clearly enough to say when the target would be reached.")
    assert spc_words.target_sentence(None, None).startswith("There are fewer than three periods")
    assert set(spc_words.target_metrics(trends.months_to_target(falling.trend(), 40), falling)) == {
        "months_to_target"}
    assert spc_words.target_metrics(trends.months_to_target(basis.trend(), 20), basis) == {}  # already met


def test_three_points_are_too_few_and_no_fitted_value_is_shown() -> None:
    """Kent-like: three yearly points 25.0%, 18.0%, 33.3% (of 2,400): the fitted line at the last point would be
    about 28% beside the actual 33.3%. With fewer than 5 points the verdict is 'too few figures to test' and the
    sentence says so, quoting only the actual figure; no months-to-target record is written."""
    basis = trends.TrendBasis(pd.Series([600, 432, 800]), pd.Series([2400, 2400, 2400]), 12,
                              pd.Timestamp("2024-07-01"), pd.Timestamp("2022-07-01"))
    verdict = trends.trend_verdict(basis)
    assert verdict.word == trends.TOO_FEW and not verdict.tested and verdict.points == 3
    forecast = trends.months_to_target(basis.trend(), 60)
    text = spc_words.target_sentence(forecast, basis, verdict)
    assert text == ("The latest figure (2024) is 33.3%. There are only 3 points (the DfE figures for 2022 to 2024): "
                    "too few to fit a reliable trend, so the page does not say when the 60.0% target would be reached.")
    assert "28." not in text
    assert spc_words.target_metrics(forecast, basis, verdict) == {}


@pytest.mark.parametrize(("within", "word", "phrase_in"), [
    # 5 yearly points of 1,000 plans; logit slope tested at 95% with the quasi-binomial standard error
    ([200, 250, 300, 350, 400], "improving", "rising clearly (trend: improving)"),
    ([400, 350, 300, 250, 200], "deteriorating", "the share is falling (trend: deteriorating)"),
    ([300, 320, 290, 310, 300], "no significant change", "(trend: no significant change)"),
    ([200, 400, 200, 400, 420], "no significant change", "(trend: no significant change)"),  # noisy: wide dispersion
])
def test_trend_verdict_and_target_sentence_agree(within, word, phrase_in) -> None:
    """One test decides both: the verdict word the scorecard shows and the page's sentence. A date is given only
    when the verdict is 'improving'."""
    basis = trends.TrendBasis(pd.Series(within), pd.Series([1000] * 5), 12, pd.Timestamp("2024-07-01"),
                              pd.Timestamp("2020-07-01"))
    verdict = trends.trend_verdict(basis)
    assert verdict.word == word
    forecast = trends.months_to_target(basis.trend(), 60)
    text = spc_words.target_sentence(forecast, basis, verdict)
    assert phrase_in in text
    assert ("would be reached in about" in text) == (word == "improving")
    assert spc_words.verdict_phrase(verdict, spc_words.basis_description(basis)) == (
        f"{word} (trend test on the DfE figures for 2020 to 2024)")


def test_fitted_trend_above_target_but_actual_below_is_not_called_met() -> None:
    """Demo case: the fitted line at the last month (65%) is above the 60% target but the latest actual month is
    50%: the sentence must not say the target is met."""
    basis = trends.TrendBasis(pd.Series([40, 50, 55, 60, 68, 75, 40]), pd.Series([80] * 7), 1,
                              pd.Timestamp("2025-09-01"), pd.Timestamp("2025-03-01"))
    assert spc_words.basis_description(basis) == "the last 7 months of the council's own data"
    verdict = trends.trend_verdict(basis)
    forecast = trends.months_to_target(basis.trend(), 60)
    text = spc_words.target_sentence(forecast, basis, verdict)
    assert text.startswith("The latest figure (Sep 2025) is 50.0%.")
    assert "already meets" not in text and "not met yet" in text or "not on the current trend" in text


def test_safe_percentages_show_what_the_counts_allow() -> None:
    """Demo bands 250, 312 and a hidden 1-4 (threshold 5): at one decimal place 250/563 = 44.4% but 250/566 = 44.2%,
    which would give the total and the hidden count away; as whole numbers all four totals give 44% and 55%, so
    those are shown and the hidden band's percentage is not. Nothing hidden: one decimal place."""
    assert timeliness.safe_percentages([250, 312, 3], 5) == [44.0, 55.0, None]
    assert timeliness.safe_percentages([250, 312, 30], 5) == [42.2, 52.7, 5.1]
    assert timeliness.safe_percentages([4, 3, 1], 4) == [None, None, None]
    assert timeliness.safe_percentages([0, 0, 0], 5) == [None, None, None]


def test_trend_basis_prefers_the_councils_months_then_published_years() -> None:
    """ees_frame: the LA has 2023 (36/80) and 2024 (72/160) only, too few years for a trend; adding 2022 gives three
    years, the last dated mid-2024; with a monthly chart of 13 months the basis is its last 12."""
    annual = timeliness.annual_series(ees_frame(), "999", "E12000008")
    assert trends.trend_basis(annual, None) is None
    earlier = ees_frame()[lambda f: f["year"] == 2023].assign(year=2022)  # 2022 as 2023: 36/80
    three = timeliness.annual_series(pd.concat([ees_frame(), earlier]), "999", "E12000008")
    basis = trends.trend_basis(three, None)
    assert trends.trend_verdict(basis).word == trends.TOO_FEW
    assert spc_words.basis_description(basis) == "the DfE figures for 2022 to 2024"
    assert (basis.months_per_step, basis.last_period) == (12, pd.Timestamp("2024-07-01"))
    assert basis.successes.tolist() == [36, 36, 72] and basis.plans.tolist() == [80, 80, 160]
    monthly = trends.monthly_spc(monthly_periods([10] * 13, [20] * 13), pd.Timestamp("2025-01-31"), None)
    local = trends.trend_basis(three, monthly)
    assert spc_words.basis_description(local) == "the last 12 months of the council's own data"
    assert (local.months_per_step, len(local.plans), local.last_period) == (1, 12, pd.Timestamp("2025-01-01"))


def test_overdue_statistics_withheld_for_few_cases() -> None:
    """With min_cases = 5 no stage (1 and 3 cases) nor the total (4) shows weeks statistics; counts stay."""
    table = timeliness.overdue_backlog(cases_frame(), min_cases=5)
    assert table["open_past_20_weeks"].tolist() == [1, 3, 4]
    assert table[["median_weeks_overdue", "p90_weeks_overdue", "oldest_weeks_overdue"]].isna().all().all()
    shown = timeliness.overdue_backlog(cases_frame(), min_cases=3)
    assert shown["median_weeks_overdue"].isna().tolist() == [True, False, False]


def test_spc_findings_name_the_signal_and_the_target() -> None:
    from helpers.analysis import spc

    values = pd.Series([20.0, 22, 20, 22, 20, 22, 20, 21, 22, 23, 24, 25, 26],
                       index=pd.date_range("2024-09-01", periods=13, freq="MS"))
    chart = spc.xmr(values)
    found = spc_words.spc_findings(chart, spc.variation(chart), spc.assurance(chart, 60), 60)
    assert found[0].startswith("In Sep 2025, 26.0% of plans were issued within 20 weeks.")
    assert found[1].startswith("Latest month: special cause variation: improving (run of 7 rising points).")
    assert found[2].startswith("Against the 60.0% target: target consistently missed.")


def test_spc_title_names_the_latest_month_and_earlier_signals() -> None:
    """50, 52 alternating for 13 months from Jan 2024, with 99 in May 2024 and 1 in Oct 2024. By hand:
    mean = (6 × 50 + 5 × 52 + 99 + 1) / 13 = 660 / 13 = 50.77; moving ranges eight 2s, 47, 47, 49, 49, mean
    208 / 12 = 17.33, none ≥ 3.267 × 17.33 = 56.6 so none screened; limits 50.77 ∓ 2.66 × 17.33 = 4.66 and 96.88.
    So May (99) is above the upper limit (improvement), Oct (1) below the lower (concern), and Jan 2025 (50) is
    common cause: the title must say both, the earlier signal first."""
    values = pd.Series([50.0, 52, 50, 52, 99, 52, 50, 52, 50, 1, 50, 52, 50],
                       index=pd.date_range("2024-01-01", periods=13, freq="MS"))
    chart = spc.xmr(values)
    assert chart["upl"].iloc[0] == pytest.approx(660 / 13 + 2.66 * 208 / 12)
    assert spc_words.spc_title(chart) == (
        "In the latest month (Jan 2025) the share of plans issued within 20 weeks shows no significant change "
        "(common cause variation), but earlier months show special cause variation: an improvement in May 2024 "
        "and a concern in Oct 2024")


def test_spc_title_counts_runs_and_says_when_nothing_earlier_signals() -> None:
    """Sep 2024–Mar 2025 are 7 points below the mean (287 / 13 = 22.08): a concern; Mar–Sep 2025 rise 7 times in a
    row: an improvement ending at the latest month. A flat 50/52 series has no signal at all."""
    rising = pd.Series([20.0, 22, 20, 22, 20, 22, 20, 21, 22, 23, 24, 25, 26],
                       index=pd.date_range("2024-09-01", periods=13, freq="MS"))
    assert spc_words.spc_title(spc.xmr(rising)) == (
        "In the latest month (Sep 2025) the share of plans issued within 20 weeks shows a real improvement (special "
        "cause variation); earlier months also show special cause variation: a concern in 6 months between "
        "Sep 2024 and Feb 2025 and an improvement in 6 months between Mar 2025 and Aug 2025")
    flat = pd.Series([50.0, 52, 50, 52, 50, 52], index=pd.date_range("2024-09-01", periods=6, freq="MS"))
    assert spc_words.spc_title(spc.xmr(flat)).endswith(
        "shows no significant change (common cause variation), and no earlier month shows special cause variation")


def monthly_periods(within: list[int], plans: list[int]) -> pd.DataFrame:
    """A by_period-shaped frame from January 2024 with the given plans (excluding exceptions) per month."""
    return pd.DataFrame({"period": pd.date_range("2024-01-01", periods=len(plans), freq="MS"),
                         "plans_issued_ex": plans, "plans_issued_within_20_weeks_ex": within,
                         "plans_issued": plans, "plans_issued_within_20_weeks": within})


def test_monthly_spc_leaves_out_months_without_plans_and_needs_three() -> None:
    """Five months, the second with no plans: the chart has 4 points (5/10, 3/10, 6/12, 2/8 → 50, 30, 50, 25%),
    1 month left out, trial limits; with only two months with plans there is no chart."""
    monthly = trends.monthly_spc(monthly_periods([5, 0, 3, 6, 2], [10, 0, 10, 12, 8]),
                                     pd.Timestamp("2024-05-31"), 60)
    assert monthly.chart["value"].tolist() == pytest.approx([50, 30, 50, 25])
    assert monthly.rates["plans"].tolist() == [10, 10, 12, 8]
    assert monthly.months_without_plans == 1 and monthly.assurance is not None
    assert spc_words.spc_notes(monthly) == [
        "With only 4 months the limits are trial limits: treat the signals with caution.",
        "1 month with no plans issued is left out of the chart."]
    table = spc_words.spc_table(monthly)
    assert table["Month"].tolist() == ["Jan 2024", "Mar 2024", "Apr 2024", "May 2024"]
    assert table["Within 20 weeks"].tolist() == [5, 3, 6, 2]
    assert trends.monthly_spc(monthly_periods([5, 0, 3], [10, 0, 10]), pd.Timestamp("2024-03-31"), 60) is None
    assert spc_words.monthly_metrics(None, 60) == {}
    record = spc_words.monthly_metrics(monthly, 60)["monthly_pct_within_20_weeks"]
    assert (record.value, record.previous, record.period) == (25.0, 50.0, "May 2024")


def test_annual_metric_record() -> None:
    """LA 2023 36/80 = 45%, 2024 72/160 = 45%: previous 45, no significant change, England 45 and region 45."""
    record = page.annual_metric(timeliness.annual_series(ees_frame(), "999", "E12000008"))["pct_within_20_weeks_ex"]
    assert (record.value, record.period, record.previous) == (45.0, "2024", 45.0)
    assert (record.england, record.region) == (45.0, 45.0)
    assert record.trend == "no significant change"
    assert record.unit == "%" and record.higher_is_better is True
    assert record.benchmark == "45.0%, the same as England's."


def test_rates_of_100_percent_give_met_without_warnings(recwarn) -> None:
    """Bournemouth 2016–2018 (DfE): 92/94, 132/132, 145/148 within 20 weeks: already above a 60% target.
    A change from 100% to 100% is no significant change (statsmodels' odds ratio would divide by zero)."""
    trend = trends.logit_trend([92, 132, 145], [94, 132, 148], months_per_step=12)
    assert trends.months_to_target(trend, 60).status == "met"
    all_done = trends.logit_trend([94, 132, 148], [94, 132, 148], months_per_step=12)
    assert trends.months_to_target(all_done, 60).status == "met"
    assert timeliness.change_direction((132, 137), (132, 137)) == "no significant change"
    assert not [w for w in recwarn.list if issubclass(w.category, (RuntimeWarning, UserWarning))]


# --- the page's sentences, tables and metric records --------------------------------------------------------

def test_backlog_sentence_table_and_metrics_hide_small_counts() -> None:
    """cases_frame: 4 requests open past 20 weeks, overdue [2, 3, 10, 30] weeks: median 6.5, 90th percentile 24,
    longest 30 (as test_overdue_backlog). Below a threshold of 5 the count reads "fewer than 5" and is withheld."""
    end = pd.Timestamp("2025-03-31")
    shown = timeliness.overdue_backlog(cases_frame())
    assert tables.backlog_sentence(shown, end, 1) == (
        "On 31 March 2025, 4 requests for an assessment were still open more than 20 weeks after they were received. "
        "Half of them were more than 6.5 weeks overdue, one in ten more than 24 weeks, and the longest 30 weeks.")
    assert tables.backlog_metrics(shown, end, 1)["open_past_20_weeks"].value == 4
    hidden = timeliness.overdue_backlog(cases_frame(), min_cases=5)
    assert tables.backlog_sentence(hidden, end, 5) == (
        "On 31 March 2025, fewer than 5 requests for an assessment were still open more than 20 weeks after they "
        "were received.")
    record = tables.backlog_metrics(hidden, end, 5)["open_past_20_weeks"]
    assert record.value is None and record.finding == "Fewer than 5 requests were open past 20 weeks"
    assert tables.backlog_metrics(None, end, 5) == {}
    table = tables.backlog_table(shown)
    assert table["Stage"].tolist() == ["Awaiting decision", "Being assessed", "All open cases"]
    assert table.columns[1] == "Requests open past 20 weeks"


def test_local_bands_table_withholds_percentages_of_small_bands() -> None:
    """12 months to 31 March 2025 (1 April 2024 on): the 31 Dec 2024 plan now counts, so 4 within 20 weeks, 3 from
    20 to 52 weeks, 1 over 52 weeks (of 8). With a threshold of 4, 50% of 4 would give back the total 8 and so
    the hidden 1 (8 - 4 - 3): every percentage is withheld."""
    end = pd.Timestamp("2025-03-31")
    table = tables.local_bands_table(cases_frame(), end, 4)
    assert table["Plans"].tolist() == [4, 3, 1]
    assert table["% of plans"].isna().all()
    assert tables.local_bands_table(cases_frame(), end, 1)["% of plans"].tolist() == pytest.approx(
        [50.0, 37.5, 12.5])
    assert tables.local_bands_caption(end).startswith("Plans issued from 01 April 2024 to 31 March 2025")


def with_time_limits(ees: pd.DataFrame) -> pd.DataFrame:
    """ees_frame with decisions (30 of 40 within 6 weeks) and reviews (LA 20 of 80, England 60 of 100 in 4 weeks)."""
    la = ees["area_code"] == "999"
    return ees.assign(requests_decided_within_6_weeks=30.0, requests_decided_over_6_weeks=10.0,
                      reviews_decision_within_4_weeks=np.where(la, 20.0, 60.0),
                      reviews_decision_over_4_weeks=np.where(la, 60.0, 40.0))


def test_decisions_within_6_weeks_local_and_published() -> None:
    """Local: Jan–Mar 2025 of by_period_frame, (15 + 20 + 25) / (30 + 31 + 29) = 60/90 = 66.7%. Published: the
    LA's 2024 figure, 30 / (30 + 10) = 75%. A span takes "the", a year does not."""
    ees = with_time_limits(ees_frame())
    local = timeliness.decisions_within_6_weeks(by_period_frame(), pd.Timestamp("2025-03-31"), ees, "999", None)
    assert page.period_label(local) == "12 months to Mar 2025" and local.rate.pct == pytest.approx(200 / 3)
    assert page.decisions_sentence(local).startswith(
        "In the 12 months to Mar 2025, 66.7% of decisions on whether to assess were made within 6 weeks (95% interval")
    published = timeliness.decisions_within_6_weeks(None, pd.Timestamp("2025-03-31"), ees, "999", None)
    assert page.period_label(published) == "2024" and published.rate.pct == pytest.approx(75.0)
    assert page.decisions_sentence(published).startswith("In 2024, 75.0% of decisions")
    assert page.decisions_metrics(published)["decisions_within_6_weeks_pct"].value == pytest.approx(75.0)
    none = timeliness.PeriodRate(None)
    assert page.decisions_sentence(none).startswith("There are no figures")
    assert page.decisions_metrics(none) == {}  # a metric needs a period: none is written without a figure


def test_reviews_sentence_and_metric() -> None:
    """LA 2024: 20 / (20 + 60) = 25%; England 60 / 100 = 60%."""
    reviews = timeliness.reviews_within_4_weeks(with_time_limits(ees_frame()), "999", None)
    assert page.reviews_sentence(reviews) == (
        "In 2024, 25.0% of annual-review decisions were sent within 4 weeks of the meeting (England 60.0%).")
    record = page.reviews_metrics(reviews)["reviews_within_4_weeks_pct"]
    assert (record.value, record.england, record.period) == (25.0, 60.0, "2024")
    assert page.reviews_sentence(reviews[reviews["level"] != "la"]).startswith("DfE has not published")


def test_comparison_and_band_sentences() -> None:
    """ees_frame 2024: every area 72/160 = 45% excluding exceptions; bands 72, 72, 16 of 160 = 45%, 45%, 10%."""
    annual = timeliness.annual_series(ees_frame(), "999", "E12000008")
    assert timeliness.latest_la_year(annual) == 2024
    assert tables.comparison_title(annual, "Testshire", "South East") == (
        "In 2024, Testshire issued 45.0% of new plans within 20 weeks, against 45.0% in the South East region and "
        "45.0% in England")
    no_region = timeliness.annual_series(ees_frame(), "999", None)
    assert tables.comparison_title(no_region, "Testshire", None).endswith(
        "within 20 weeks, against 45.0% in England")
    assert tables.comparison_alt(annual, "Testshire", "South East").endswith(
        "Lines for South East and England are shown for comparison: in 2024 Testshire issued 45.0% of new plans "
        "within 20 weeks, against 45.0% in the South East region and 45.0% in England.")
    assert tables.comparison_table(annual).columns[:2].tolist() == ["Year", "Area"]
    bands = timeliness.published_issue_time_bands(annual[annual["year"] == 2024])
    assert tables.bands_title(bands, "Testshire") == "In 2024, 10.0% of Testshire's new plans took more than a year"
    assert tables.bands_alt(bands) == (
        "Stacked bar chart of new EHC plans issued in 2024 by time taken, for Testshire, South East, England. "
        + "; ".join(f"{area}: 45.0% within 20 weeks, 45.0% 20 to 52 weeks, 10.0% over 52 weeks"
                    for area in ("Testshire", "South East", "England")) + ".")
    assert tables.bands_table(bands)["Plans"].tolist()[:3] == [72, 72, 16]


def test_no_significant_change_on_yearly_figures_lists_them() -> None:
    """Kent 2020-2024 style: a jump in the last year beside a flat five-year trend; the sentence lists the five
    figures so "up 15 points on last year" in the headline and "no significant change" do not read as a clash."""
    basis = trends.TrendBasis(pd.Series([300, 297, 251, 180, 333]), pd.Series([1000] * 5), 12,
                              pd.Timestamp("2024-07-01"), pd.Timestamp("2020-07-01"))
    verdict = trends.trend_verdict(basis)
    assert verdict.word == "no significant change"
    text = spc_words.target_sentence(trends.months_to_target(basis.trend(), 60), basis, verdict)
    assert text.endswith("The 5 yearly figures were 30.0%, 29.7%, 25.1%, 18.0% and 33.3%: a change from one year to "
                         "the next is not on its own a trend.")


# --- the page's bundles and metrics (helpers.pages.timeliness*) ----------------------------------------------

def test_bundles_name_their_downloads_and_child_level_columns() -> None:
    """Each bundle carries the CSV name and the child-level columns the notebook used to pass by hand."""
    annual = timeliness.annual_series(ees_frame(), "999", "E12000008")
    comparison = page.comparison_chart(annual, 60, "Testshire", "South East")
    assert comparison.name == "annual-comparison" and comparison.title == tables.comparison_title(
        annual, "Testshire", "South East") and not comparison.child_level_counts
    bands = page.bands_chart(timeliness.published_issue_time_bands(annual[annual["year"] == 2024]), "Testshire")
    assert bands.name == "weeks-to-issue" and bands.data.columns[:2].tolist() == ["Year", "Area"]
    end = pd.Timestamp("2025-03-31")
    local = page.local_bands(cases_frame(), end, 4)
    assert (local.name, local.child_level_counts) == ("weeks-to-issue-local", ("Plans",))
    assert local.caption == tables.local_bands_caption(end)
    backlog = page.backlog_by_stage(timeliness.overdue_backlog(cases_frame()), end)
    assert (backlog.name, backlog.child_level_counts) == ("overdue-backlog", ("Requests open past 20 weeks",))
    waiting = page.open_by_weeks_overdue(cases_frame(), end)
    assert waiting.caption == "All requests still open on 31 March 2025, by how long past 20 weeks they are"
    assert waiting.data.columns.tolist() == ["Time past the 20-week limit", "Open requests"]
    assert waiting.data["Open requests"].sum() == 5 and waiting.child_level_counts == ("Open requests",)
    monthly = trends.monthly_spc(monthly_periods([5, 0, 3, 6, 2], [10, 0, 10, 12, 8]), pd.Timestamp("2024-05-31"), 60)
    chart = page.spc_chart(monthly, 60)
    assert chart.name == "spc-monthly-20-weeks" and chart.child_level_counts == ("Plans issued", "Within 20 weeks")
    assert chart.title == spc_words.spc_title(monthly.chart)


def test_monthly_gap_and_target_text_say_why_a_section_is_empty() -> None:
    assert page.monthly_gap(False, None) == page.NO_SEN2_MONTHLY
    assert page.monthly_gap(True, None).startswith("The council's case data have fewer than 3 months")
    monthly = trends.monthly_spc(monthly_periods([10] * 13, [20] * 13), pd.Timestamp("2025-01-31"), None)
    assert page.monthly_gap(True, monthly) is None


def test_untested_verdict_sets_no_trend_but_says_why() -> None:
    """Three published years: too few to test, so the metric has no trend word (the scorecard's trend is one of
    three words) and its phrase says why."""
    earlier = ees_frame()[lambda f: f["year"] == 2023].assign(year=2022)
    annual = timeliness.annual_series(pd.concat([ees_frame(), earlier]), "999", "E12000008")
    basis = trends.trend_basis(annual, None)
    record = page.annual_metric(annual, trends.trend_verdict(basis), basis)["pct_within_20_weeks_ex"]
    assert record.trend is None and "trend" not in record.record()
    assert record.trend_phrase == "not tested: only 3 points (the DfE figures for 2022 to 2024), too few for a trend"
    assert page.annual_metric(annual[annual["level"] != "la"]) == {}


def test_impossible_dates_sentence() -> None:
    frame = pd.DataFrame({"dates_impossible": [False, True, False]})
    assert page.impossible_dates_sentence(frame).startswith("1 request in the local extract has impossible dates")
    assert page.impossible_dates_sentence(frame.assign(dates_impossible=True)).startswith(
        "3 requests in the local extract have impossible dates")
    assert page.impossible_dates_sentence(frame.assign(dates_impossible=False)).startswith("Every request")
