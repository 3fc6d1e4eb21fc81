"""helpers.analysis.spc against NHSRplotthedots / qicharts2 reference values (modelling_methods.md §9.4) and hand
calculations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import spc
from helpers.analysis.spc import _run_ends, _trend_ends
from helpers.pages import timeliness_spc as spc_words

# NHSRplotthedots vignette "Deviations from Excel defaults".
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
# R: set.seed(123); rnorm(20) (values as printed in modelling_methods.md §9.4).
RNORM_123 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
             -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
             0.49785048, -1.96661716, 0.70135590, -0.47279141]
# qicharts2 nhs_accidents (Mohammed et al., BMJ Qual Saf 2013).
ACC_R = [266501, 264225, 276532, 281461, 269071, 261215, 270409, 279778, 270483, 270320, 267923, 271478, 255353,
         256820, 261835, 259144, 255910, 260863, 264465, 260989]
ACC_N = [280443, 276823, 291681, 296155, 282343, 275888, 283867, 295251, 284468, 282529, 279618, 283932, 266629,
         268091, 276803, 271578, 266005, 273520, 278574, 273772]


def series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2023-01-01", periods=len(values), freq="MS"), dtype=float)


# --- limits ------------------------------------------------------------------------------------------------

def test_vignette_limits_with_screening() -> None:
    """Vignette: screened MR̄ = 1.000 (the two MRs of 8 are ≥ 3.267 × 1.882 and dropped), UPL 4.604, LPL −0.716."""
    chart = spc.xmr(series(VIGNETTE))
    assert chart["mean"].iloc[0] == pytest.approx(1.944, abs=5e-4)
    assert chart["upl"].iloc[0] == pytest.approx(4.604, abs=5e-4)
    assert chart["lpl"].iloc[0] == pytest.approx(-0.716, abs=5e-4)


def test_vignette_limits_without_screening_match_excel() -> None:
    """Unscreened (the MDC Excel tool): MR̄ = 32/17 = 1.882, UPL 6.952, LPL −3.063."""
    chart = spc.xmr(series(VIGNETTE), screen_outliers=False)
    assert chart["upl"].iloc[0] == pytest.approx(6.952, abs=5e-4)
    assert chart["lpl"].iloc[0] == pytest.approx(-3.063, abs=5e-4)


def test_rnorm_snapshot_limits() -> None:
    """NHSRplotthedots snapshot on set.seed(123); rnorm(20): mean 0.1416238, lpl −3.01138, upl 3.294627."""
    chart = spc.xmr(series(RNORM_123))
    assert chart["mean"].iloc[0] == pytest.approx(0.1416238, abs=1e-7)
    assert chart["lpl"].iloc[0] == pytest.approx(-3.01138, abs=1e-5)
    assert chart["upl"].iloc[0] == pytest.approx(3.294627, abs=1e-6)


def test_rnorm_snapshot_with_outlier() -> None:
    """Snapshot with y[15] = 10 (R, 1-based): mean 0.6694159; screened lpl −2.383666 / upl 3.722497;
    unscreened lpl −4.596625 / upl 5.935457."""
    values = list(RNORM_123)
    values[14] = 10
    screened = spc.xmr(series(values))
    plain = spc.xmr(series(values), screen_outliers=False)
    assert screened["mean"].iloc[0] == pytest.approx(0.6694159, abs=1e-7)
    assert (screened["lpl"].iloc[0], screened["upl"].iloc[0]) == pytest.approx((-2.383666, 3.722497), abs=1e-6)
    assert (plain["lpl"].iloc[0], plain["upl"].iloc[0]) == pytest.approx((-4.596625, 5.935457), abs=1e-6)


def test_rebase_recalculates_limits_per_baseline() -> None:
    """12 points alternating 1, 2 then 12 alternating 5, 6, rebased at the 13th: each baseline has MR̄ = 1
    (the jump of 3 between baselines is not a moving range), so means 1.5 / 5.5 and limits ±2.66; no signals.
    Without the rebase the second half sits outside the first half's limits."""
    s = series([1, 2] * 6 + [5, 6] * 6)
    chart = spc.xmr(s, rebase_at=[s.index[12]])
    assert chart["baseline"].tolist() == [0] * 12 + [1] * 12
    assert chart["mean"].tolist() == [1.5] * 12 + [5.5] * 12
    assert chart["upl"].tolist() == pytest.approx([4.16] * 12 + [8.16] * 12)
    assert not chart["special_cause"].any()
    assert spc.xmr(s)["special_cause"].any()


def test_fix_after_n_points_freezes_limits() -> None:
    """Limits from the first 12 points (alternating 1, 2: mean 1.5, MR̄ 1, UPL 4.16); later points of 5 fall outside."""
    chart = spc.xmr(series([1, 2] * 6 + [5, 5, 5]), fix_after_n_points=12)
    assert chart["upl"].iloc[-1] == pytest.approx(4.16)
    assert chart["rule_outside_limits"].tolist() == [False] * 12 + [True] * 3


def test_flat_series_has_zero_width_limits_and_no_signal() -> None:
    """Every month 100%: MR̄ = 0, so the limits sit on the mean; no point is above, below or outside."""
    chart = spc.xmr(series([100.0] * 9))
    assert (chart["upl"] == 100).all() and (chart["lpl"] == 100).all()
    assert not chart["special_cause"].any()


def test_missing_value_and_unknown_rebase_point_are_refused() -> None:
    s = series([1, 2, np.nan, 2])
    with pytest.raises(ValueError, match="missing value"):
        spc.xmr(s)
    with pytest.raises(ValueError, match="rebase point"):
        spc.xmr(series([1, 2, 3]), rebase_at=[pd.Timestamp("2030-01-01")])


# --- rule helpers: the R package's own unit tests (test-ptd_calculate_point_type.R) --------------------------

def test_run_helper_matches_r_unit_tests() -> None:
    assert _run_ends(np.ones(6)).tolist() == [0] * 6
    assert _run_ends(np.array([1] * 6 + [-1])).tolist() == [0] * 7
    assert _run_ends(np.array([1] * 8 + [-1])).tolist() == [0] * 6 + [1, 1, 0]
    assert _run_ends(np.array([-1] * 8 + [1])).tolist() == [0] * 6 + [-1, -1, 0]


def test_trend_helper_matches_r_unit_tests() -> None:
    assert _trend_ends(np.arange(1, 7.0)).tolist() == [0] * 6
    assert _trend_ends(np.array([1, 2, 3, 3, 4, 5, 6.0])).tolist() == [0] * 7  # a tie breaks the trend
    assert _trend_ends(np.arange(1, 8.0)).tolist() == [0] * 6 + [1]
    assert _trend_ends(np.array([2, 1, 2, 3, 4, 5, 6, 7, 3.0])).tolist() == [0] * 7 + [1, 0]
    assert _trend_ends(np.arange(7, 0, -1.0)).tolist() == [0] * 6 + [-1]


# --- rules on hand-made series ---------------------------------------------------------------------------

OUTLIER = [1, 2] * 4 + [1, 8] + [1, 2] * 4  # 18 points, the 10th is 8


def test_point_outside_limits() -> None:
    """Mean = (9×1 + 8×2 + 8)/18 = 1.8333. MRs: 15 of 1 and two of 7; MR̄ = 29/17 = 1.706, screen ≥ 5.57 drops the
    7s, MR̄ = 1, so UPL = 4.4933, LPL = −0.8267. Only the 8 is outside."""
    chart = spc.xmr(series(OUTLIER))
    assert chart["upl"].iloc[0] == pytest.approx(1.8333333 + 2.66)
    assert chart["rule_outside_limits"].tolist() == [i == 9 for i in range(18)]
    assert chart["special_cause_type"].iloc[9] == "Above the upper process limit"
    assert chart["point_type"].iloc[9] == "special_cause_improvement"
    assert spc.xmr(series(OUTLIER), improvement="decrease")["point_type"].iloc[9] == "special_cause_concern"
    assert spc.xmr(series(OUTLIER), improvement="neutral")["point_type"].iloc[9] == "special_cause_neutral_high"
    assert (chart["point_type"].drop(index=9) == "common_cause").all()


RISING = [3, 5, 3, 5, 3, 5, 3.0, 3.2, 3.4, 3.6, 3.8, 4.0, 4.2]


def test_trend_of_seven_rising_points() -> None:
    """The last 7 points rise strictly (3.0 → 4.2). Mean = 49.2/13 = 3.7846; MRs six of 2 and six of 0.2, MR̄ = 1.1,
    near limits 3.7846 ± 1.9507 = 1.834–5.735, so every point is inside them; sides alternate before the trend,
    so there is no shift. The 7 trend points (4 below the mean) are all flagged as improvement."""
    chart = spc.xmr(series(RISING))
    assert chart["mean"].iloc[0] == pytest.approx(49.2 / 13)
    assert not chart["near_limits"].any() and not chart["rule_outside_limits"].any()
    assert chart["rule_trend"].tolist() == [False] * 6 + [True] * 7
    assert (chart["special_cause_type"].iloc[6:] == "Run of 7 rising points").all()
    assert (chart["point_type"].iloc[6:] == "special_cause_improvement").all()
    assert spc.variation(chart) == "special_cause_improvement"


def test_trend_of_seven_falling_points_is_a_concern_when_higher_is_better() -> None:
    chart = spc.xmr(series([-v for v in RISING]))
    assert chart["rule_trend"].tolist() == [False] * 6 + [True] * 7
    assert (chart["special_cause_type"].iloc[6:] == "Run of 7 falling points").all()
    assert (chart["point_type"].iloc[6:] == "special_cause_concern").all()


def test_tie_breaks_a_trend() -> None:
    chart = spc.xmr(series([3, 5, 3, 5, 3, 5, 3.0, 3.2, 3.4, 3.4, 3.6, 3.8, 4.0]))
    assert not chart["rule_trend"].any()


def test_two_of_three_near_the_upper_limit() -> None:
    """20 points alternating 0, 1, then 3.0, 0.8, 3.0, then 0, 1. Mean = 17.8/25 = 0.712; MRs 19 of 1 plus 2, 2.2,
    2.2, 3.0, 1: MR̄ = 29.4/24 = 1.225; near upper limit 0.712 + (2/3)(2.66)(1.225) = 2.884, UPL 3.971. Both 3.0s are
    near the limit and the 0.8 between them is above the mean, so the two 3.0s are flagged (not the 0.8)."""
    chart = spc.xmr(series([0, 1] * 10 + [3.0, 0.8, 3.0] + [0, 1]))
    assert chart["near_upl"].iloc[0] == pytest.approx(0.712 + 2 / 3 * 2.66 * 1.225)
    assert chart.index[chart["rule_two_in_three"]].tolist() == [20, 22]
    assert (chart.loc[[20, 22], "special_cause_type"] == "2 of 3 points near the upper limit").all()
    assert chart.loc[21, "point_type"] == "common_cause"


def test_two_of_three_needs_all_three_on_one_side() -> None:
    """As above with 0.5 in the middle: mean 17.5/25 = 0.70 so 0.5 is below the mean; near limit 0.7 + (2/3)(2.66)(1.25)
    = 2.917 still puts both 3.0s near the limit, but NHSRplotthedots needs the whole window on one side: no signal."""
    chart = spc.xmr(series([0, 1] * 10 + [3.0, 0.5, 3.0] + [0, 1]))
    assert chart.loc[[20, 22], "near_limits"].all()
    assert not chart["rule_two_in_three"].any()


def test_shift_of_seven_points_above_the_mean() -> None:
    """[0, 1] × 5, then eight 0.9s, then 0, 1: mean 13.2/20 = 0.66. The 1 at position 10 and the eight 0.9s make 9
    points in a row above the mean (flagged); MR̄ = 11/19 = 0.579 keeps all points inside the near limits."""
    chart = spc.xmr(series([0, 1] * 5 + [0.9] * 8 + [0, 1]))
    assert chart["mean"].iloc[0] == pytest.approx(0.66)
    assert not chart["near_limits"].any()
    assert chart["rule_shift"].tolist() == [False] * 9 + [True] * 9 + [False] * 2
    assert (chart["special_cause_type"].iloc[9:18] == "7 points in a row above the average").all()
    assert spc.variation(chart) == "common_cause"


def test_point_on_the_mean_breaks_a_run() -> None:
    """Six points above a mean of exactly 0, one on it, six above, then balancing points below: no run of 7."""
    values = [1.0] * 6 + [0.0] + [1.0] * 6 + [-2.0] * 6
    assert sum(values) == 0
    chart = spc.xmr(series(values))
    assert not chart.loc[:12, "rule_shift"].any()
    assert chart.loc[13:, "rule_shift"].eq(False).all()  # six -2s: one short of a run


# --- icons ------------------------------------------------------------------------------------------------

def test_assurance_against_the_latest_limits() -> None:
    """OUTLIER chart: LPL −0.8267, UPL 4.4933. Target 5 is above the UPL: always missed when higher is better,
    always met when lower is better; −1 is below the LPL: the reverse; 2 lies between: hit and miss."""
    chart = spc.xmr(series(OUTLIER))
    assert spc.assurance(chart, 5, "increase") == "consistent_fail"
    assert spc.assurance(chart, 5, "decrease") == "consistent_pass"
    assert spc.assurance(chart, -1, "increase") == "consistent_pass"
    assert spc.assurance(chart, -1, "decrease") == "consistent_fail"
    assert spc.assurance(chart, 2, "increase") == "inconsistent"
    assert spc.assurance(chart, 2, "neutral") is None
    assert spc.assurance(chart, None, "increase") is None
    assert set(spc_words.ASSURANCE_LABELS) == set(spc_words.ASSURANCE_MEANING) == {"consistent_pass", "consistent_fail",
                                                                      "inconsistent"}


def test_every_point_type_has_a_plain_english_label() -> None:
    types = set()
    for improvement in ("increase", "decrease", "neutral"):
        for values in (OUTLIER, RISING, [-v for v in RISING]):
            types |= set(spc.xmr(series(values), improvement=improvement)["point_type"])
    assert types == set(spc_words.VARIATION_LABELS)


# --- p and p′ charts: qicharts2 nhs_accidents --------------------------------------------------------------

def test_p_chart_nhs_accidents() -> None:
    """p̄ = 0.952900; week-1 limits 0.95170–0.95410; 16 of 20 weeks outside (overdispersion)."""
    chart = spc.p_chart(pd.Series(ACC_R), pd.Series(ACC_N))
    assert chart["mean"].iloc[0] == pytest.approx(0.952900, abs=5e-7)
    assert (chart["lpl"].iloc[0], chart["upl"].iloc[0]) == pytest.approx((0.95170, 0.95410), abs=5e-6)
    assert int(chart["rule_outside_limits"].sum()) == 16


def test_laney_p_prime_chart_nhs_accidents() -> None:
    """Laney σ_z = 10.64; week-1 limits 0.94013–0.96567; no week outside."""
    chart = spc.p_chart(pd.Series(ACC_R), pd.Series(ACC_N), laney=True)
    assert chart["sigma_z"].iloc[0] == pytest.approx(10.64, abs=5e-3)
    assert (chart["lpl"].iloc[0], chart["upl"].iloc[0]) == pytest.approx((0.94013, 0.96567), abs=5e-6)
    assert int(chart["rule_outside_limits"].sum()) == 0


def test_p_chart_limits_are_truncated_to_zero_and_one() -> None:
    """p̄ = 2/20 = 0.1; a month of n = 2 has σ = √(0.1 × 0.9 / 2) = 0.212, so p̄ − 3σ < 0 → 0."""
    chart = spc.p_chart(pd.Series([1, 1, 0]), pd.Series([2, 9, 9]))
    assert chart["lpl"].iloc[0] == 0.0
    assert chart["upl"].iloc[0] == pytest.approx(0.1 + 3 * np.sqrt(0.1 * 0.9 / 2))
    with pytest.raises(ValueError, match="numerator"):
        spc.p_chart(pd.Series([3]), pd.Series([2]))
