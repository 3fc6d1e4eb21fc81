"""helpers.analysis.funnel against PHEindicatormethods' published test data and worked values from the literature."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import funnel
from helpers.pages import benchmarks_funnel as words


@pytest.fixture(scope="module")
def phe_inputs(shared_dir: Path) -> pd.DataFrame:
    """303 PCTs: numerator, denominator and PHEindicatormethods' significance label (tests/testthat, @093fd288)."""
    return pd.read_csv(shared_dir / "fixtures" / "funnel" / "testdata_funnel_prop_inputs.csv", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def phe_limits(shared_dir: Path) -> pd.DataFrame:
    """PHEindicatormethods' 100-row limits table (percent) for the same areas."""
    return pd.read_csv(shared_dir / "fixtures" / "funnel" / "testdata_funnel_prop_outputs.csv", encoding="utf-8-sig")


def test_pooled_baseline_matches_phe_table(phe_inputs: pd.DataFrame, phe_limits: pd.DataFrame) -> None:
    baseline = funnel.pooled_proportion(phe_inputs.numerator, phe_inputs.denominator)
    assert baseline * 100 == pytest.approx(80.642448, abs=1e-6)
    assert np.allclose(phe_limits.Baseline, 80.642448)


def test_wilson_limits_reproduce_all_100_phe_rows(phe_inputs: pd.DataFrame, phe_limits: pd.DataFrame) -> None:
    baseline = funnel.pooled_proportion(phe_inputs.numerator, phe_inputs.denominator)
    got = funnel.limits(phe_limits.Population, baseline, method="wilson")
    pairs = {"lower_95": "Lower2s0025limit", "upper_95": "Upper2s0025limit",
             "lower_998": "Lower3s0001limit", "upper_998": "Upper3s0001limit"}
    for ours, theirs in pairs.items():
        assert np.allclose(got[ours] * 100, phe_limits[theirs], atol=1e-5, rtol=0), ours


def test_phe_example_rows(phe_inputs: pd.DataFrame) -> None:
    """Rows quoted in modelling_methods.md §9.5: 664 -> (77.637263, 83.647632, 75.904239, 85.380656)."""
    baseline = funnel.pooled_proportion(phe_inputs.numerator, phe_inputs.denominator)
    got = funnel.limits([664, 110000], baseline) * 100
    assert np.allclose(got.loc[0, ["lower_95", "upper_95", "lower_998", "upper_998"]],
                       [77.637263, 83.647632, 75.904239, 85.380656], atol=1e-5)
    assert np.allclose(got.loc[1, ["lower_95", "upper_95", "lower_998", "upper_998"]],
                       [80.408963, 80.875933, 80.274317, 81.010578], atol=1e-5)


def test_axis_populations_reproduce_phe_x_axis(phe_inputs: pd.DataFrame, phe_limits: pd.DataFrame) -> None:
    assert np.array_equal(funnel.axis_populations(phe_inputs.denominator), phe_limits.Population.to_numpy())


def test_all_303_significance_labels(phe_inputs: pd.DataFrame) -> None:
    got = funnel.significance(phe_inputs.numerator, phe_inputs.denominator)
    assert (got == phe_inputs.significance).all()
    counts = got.value_counts().to_dict()
    assert counts == {"High (0.001)": 168, "Low (0.001)": 92, "Not significant": 32, "High (0.025)": 10,
                      "Low (0.025)": 1}


def test_missing_values_get_no_label_and_do_not_move_the_baseline() -> None:
    x = pd.Series([50.0, np.nan, 30.0])
    n = pd.Series([100.0, 80.0, 100.0])
    got = funnel.significance(x, n)
    assert got.isna().tolist() == [False, True, False]
    assert funnel.pooled_proportion(x, n) == pytest.approx(0.4)  # 80/200, the NaN row's 80 left out


@pytest.mark.parametrize(("theta", "n", "expected"), [
    (0.5, 100, (0.3412, 0.3968, 0.5932, 0.6488)),
    (0.5, 20, (0.1367, 0.2558, 0.6942, 0.8133)),
    (0.2, 50, (0.0348, 0.0844, 0.3071, 0.3791)),
])
def test_exact_binomial_interpolated_limits(theta: float, n: int, expected: tuple[float, ...]) -> None:
    """Spiegelhalter App. A.1.1 values verified with scipy in modelling_methods.md §5.2 (0.1%, 2.5%, 97.5%, 99.9%)."""
    got = funnel.limits([n], theta, method="exact").iloc[0]
    assert np.allclose(got[["lower_998", "lower_95", "upper_95", "upper_998"]], expected, atol=5e-5)


def test_exact_lower_limit_truncated_at_zero() -> None:
    """θ₀ = 0.2, n = 20: the 0.1% limit is −0.0457 before truncation (modelling_methods.md §5.2)."""
    assert funnel.limits([20], 0.2, method="exact").at[0, "lower_998"] == 0.0


def test_exact_interpolation_by_hand() -> None:
    """θ₀ = 0.5, n = 4: F(0..4) = 1/16, 5/16, 11/16, 15/16, 1.

    Upper 97.5%: r = 4 (F(3) = 0.9375 < 0.975), α = (1 − 0.975)/(1 − 0.9375) = 0.4, limit = (4 − 0.4)/4 = 0.9.
    Lower 2.5%: r = 0 (F(0) = 0.0625 ≥ 0.025), α = (0.0625 − 0.025)/(0.0625 − 0) = 0.6, limit = −0.6/4 → 0.
    """
    got = funnel.limits([4], 0.5, method="exact").iloc[0]
    assert got["upper_95"] == pytest.approx(0.9)
    assert got["lower_95"] == 0.0


def test_normal_limits() -> None:
    """θ₀ = 0.5, n = 100: 0.5 ± 1.959964 × 0.05 = (0.4020, 0.5980); ± 3.090232 × 0.05 = (0.3455, 0.6545)."""
    got = funnel.limits([100], 0.5, method="normal").iloc[0]
    assert np.allclose(got[["lower_998", "lower_95", "upper_95", "upper_998"]],
                       [0.3455, 0.4020, 0.5980, 0.6545], atol=5e-5)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        funnel.limits([0], 0.5)
    with pytest.raises(ValueError):
        funnel.limits([10], 1.0)
    with pytest.raises(ValueError):
        funnel.limits([10], 0.5, method="poisson")  # type: ignore[arg-type]


def test_overdispersion_on_phe_data(phe_inputs: pd.DataFrame) -> None:
    """Regression values in modelling_methods.md §5.3.6 (arcsine scale, 10% winsorising): φ̂ = 242.3, τ̂² = 1.433e-3."""
    od = funnel.overdispersion(phe_inputs.numerator, phe_inputs.denominator)
    assert od.areas == 303
    assert od.phi == pytest.approx(242.3, abs=0.05)
    assert od.tau2 == pytest.approx(1.433e-3, abs=5e-7)
    assert od.present


def test_overdispersion_by_hand() -> None:
    """Ten areas of n = 100 around θ₀ = 0.5 (x = 50 for all but two).

    s = 1/(2·10) = 0.05; area with x = 60: z = (asin√0.6 − π/4)/0.05 = (0.886077 − 0.785398)/0.05 = 2.013579;
    x = 40 gives −2.013579; all others 0. Winsorising at 10%/90% (type 7 quantiles of 10 values: the 10% point
    lies 0.9 of the way from the lowest to the second lowest) gives bounds −0.2013579 and +0.2013579, so
    φ̂ = 2 × 0.2013579² / 10 = 0.0081091 < 1: no overdispersion and τ̂² = 0 (I·φ̂ < I − 1).
    """
    x = np.array([60, 40, 50, 50, 50, 50, 50, 50, 50, 50], dtype=float)
    n = np.full(10, 100.0)
    od = funnel.overdispersion(x, n)
    assert od.phi == pytest.approx(2 * 0.2013579**2 / 10, rel=1e-5)
    assert od.tau2 == 0.0
    assert not od.present


def test_additive_limits_by_hand() -> None:
    """θ₀ = 0.5, τ² = 0.01, n = 100: s² = 0.0025; √(0.0125) = 0.111803; upper 95% = sin²(π/4 + 1.959964 × 0.111803)
    = sin²(1.004528) = 0.843916² = 0.712183."""
    od = funnel.Overdispersion(phi=5.0, tau2=0.01, areas=10, baseline=0.5, trim=0.1)
    got = funnel.adjusted_limits([100], od, kind="additive").iloc[0]
    assert got["upper_95"] == pytest.approx(np.sin(np.pi / 4 + 1.959964 * np.sqrt(0.0125)) ** 2, rel=1e-6)
    assert got["upper_95"] == pytest.approx(0.712183, abs=1e-6)
    assert got["lower_95"] == pytest.approx(1 - 0.712183, abs=1e-6)  # symmetric about 0.5 on this scale


def test_multiplicative_limits_by_hand() -> None:
    """φ = 4 doubles the arcsine-scale half-width: upper 99.8% at n = 100 = sin²(π/4 + 3.090232 × 2 × 0.05)."""
    od = funnel.Overdispersion(phi=4.0, tau2=0.0, areas=10, baseline=0.5, trim=0.1)
    got = funnel.adjusted_limits([100], od, kind="multiplicative").iloc[0]
    assert got["upper_998"] == pytest.approx(np.sin(np.pi / 4 + 3.090232 * 0.1) ** 2, rel=1e-6)


def test_additive_limits_do_not_shrink_to_a_point(phe_inputs: pd.DataFrame) -> None:
    od = funnel.overdispersion(phe_inputs.numerator, phe_inputs.denominator)
    wide = funnel.adjusted_limits([1e9], od).iloc[0]
    plain = funnel.limits([1e9], od.baseline).iloc[0]
    assert wide["upper_95"] - wide["lower_95"] > 0.1
    assert plain["upper_95"] - plain["lower_95"] < 0.001


def test_label_order_and_wording() -> None:
    bounds = pd.DataFrame({"lower_95": [0.4] * 5, "upper_95": [0.6] * 5, "lower_998": [0.3] * 5,
                           "upper_998": [0.7] * 5})
    got = funnel.label(pd.Series([0.2, 0.35, 0.5, 0.65, 0.8]), bounds)
    assert got.tolist() == ["Low (0.001)", "Low (0.025)", "Not significant", "High (0.025)", "High (0.001)"]
    assert set(words.SHORT_PLAIN) == set(funnel.LABELS)  # every label has a plain-English reading


def test_logit_additive_limits_by_hand() -> None:
    """θ₀ = 0.5, τ² = 0.01 on the logit scale, n = 100: s² = 1/(100 × 0.25) = 0.04; √(0.05) = 0.2236068;
    upper 95% = expit(0 + 1.959964 × 0.2236068) = expit(0.4382613) = 0.6078446;
    lower 99.8% = expit(−3.090232 × 0.2236068) = 0.3338113."""
    od = funnel.Overdispersion(phi=5.0, tau2=0.01, areas=10, baseline=0.5, trim=0.1, scale="logit")
    got = funnel.adjusted_limits([100], od).iloc[0]
    assert got["upper_95"] == pytest.approx(0.6078446, abs=1e-7)
    assert got["lower_95"] == pytest.approx(1 - 0.6078446, abs=1e-7)
    assert got["lower_998"] == pytest.approx(0.3338113, abs=1e-7)


def test_logit_overdispersion_by_hand() -> None:
    """Ten areas of n = 100 around θ₀ = 0.5: x = 60 and x = 40, the rest 50. s = 1/√(100 × 0.25) = 0.2.
    Empirical logit of 60/100 = ln(60.5/40.5) = 0.4013; z = 2.0066; of 50/100 = 0, z = 0. Winsorised at the
    10%/90% type-7 quantiles (±0.2 × 2.0066/2 ... = ±0.20066), φ̂ = 2 × 0.20066²/10 = 0.008053 < 1: τ̂² = 0."""
    x = np.array([60, 40, 50, 50, 50, 50, 50, 50, 50, 50], dtype=float)
    od = funnel.overdispersion(x, np.full(10, 100.0), scale="logit")
    z = np.log(60.5 / 40.5) / 0.2
    assert od.phi == pytest.approx(2 * (0.1 * z) ** 2 / 10, rel=1e-6)
    assert od.tau2 == 0.0 and od.scale == "logit"


def _spread_councils() -> tuple[np.ndarray, np.ndarray]:
    """30 councils of 400 cases whose rates spread like real councils (logit N(0, 0.3²) at evenly spaced
    quantiles: 138/400 = 34.5% to 262/400 = 65.5%), plus one council at 8 of 400 (2%)."""
    x = np.array([138, 152, 159, 165, 169, 173, 177, 180, 183, 186, 188, 191, 194, 196, 199, 201, 204, 206, 209,
                  212, 214, 217, 220, 223, 227, 231, 235, 241, 248, 262, 8], dtype=float)
    return x, np.full(len(x), 400.0)


def test_a_council_far_outside_the_usual_spread_must_be_flagged() -> None:
    """The 2% council is far outside both the chance limits and the between-council limits (the others span 35% to
    66%), so the logit-scale random-effects limits must flag it "Low (0.001)", while the 30 ordinary councils are
    all inside the 99.8% between-council limits (though many are outside the plain chance limits)."""
    x, n = _spread_councils()
    od = funnel.overdispersion(x, n, scale="logit")
    assert od.tau2 > 0
    wide = funnel.label(x / n, funnel.adjusted_limits(n, od))
    plain = funnel.significance(x, n, baseline=od.baseline)
    assert wide.iloc[-1] == "Low (0.001)"
    assert not wide.iloc[:-1].str.endswith("(0.001)").any()
    assert plain.iloc[:-1].str.endswith("(0.001)").sum() > wide.iloc[:-1].str.endswith("(0.001)").sum()


def test_logit_limits_are_finite_at_every_size_where_arcsine_ones_hit_0_and_100() -> None:
    """Councils spread from 3% to 100%, most of them in the tails (as 20-week timeliness in 2024: quartiles 29%,
    52%, 79%): the arcsine random-effects 99.8% limits are clipped to exactly 0% and 100% at every size, so nobody
    could be outside them; the logit ones stay strictly inside (0, 1), narrow towards a finite width as n grows,
    and flag the council at 100% of 1,200."""
    rates = np.r_[np.linspace(0.03, 0.29, 25), np.linspace(0.3, 0.78, 10), np.linspace(0.8, 1.0, 25)]
    n = np.tile([80.0, 300.0, 1200.0], 20)
    x = np.round(rates * n)
    sizes = [10, 100, 1000, 10000, 1e6]
    arcsine = funnel.adjusted_limits(sizes, funnel.overdispersion(x, n))
    assert (arcsine["lower_998"] == 0).all() and (arcsine["upper_998"] == 1).all()
    od = funnel.overdispersion(x, n, scale="logit")
    logit = funnel.adjusted_limits(sizes, od)
    assert ((logit["lower_998"] > 0) & (logit["upper_998"] < 1)).all()
    assert (logit["lower_998"] < logit["lower_95"]).all() and (logit["upper_95"] < logit["upper_998"]).all()
    width = logit["upper_998"] - logit["lower_998"]
    assert width.is_monotonic_decreasing and width.iloc[-1] > 0.1
    flagged = funnel.label(x / n, funnel.adjusted_limits(n, od))
    assert flagged.iloc[-1] == "High (0.001)" and (flagged == "High (0.001)").sum() == 1


def test_plain_labels_for_tables() -> None:
    assert words.plain_label("High (0.001)") == "Well above (outside the 99.8% limits)"
    assert words.plain_label("Not significant") == "Within the limits"
    assert words.plain_label(None) == "–"
    assert set(words.SHORT_PLAIN) == set(funnel.LABELS)
