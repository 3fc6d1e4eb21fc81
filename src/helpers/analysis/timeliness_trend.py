"""The 20-week rate over time: the monthly SPC chart, the logit trend test and the months until the target.

:func:`monthly_spc` gives the Making Data Count XmR chart of the council's monthly rate (:mod:`helpers.analysis.spc`);
:func:`trend_basis` chooses the points a trend is fitted to (the council's own months, else DfE's years);
:func:`trend_verdict` tests the logit slope and :func:`months_to_target` dates the target with Fieller's interval,
on the same fit and level so the page and the front-page scorecard cannot disagree. Numbers only: the words are in
:mod:`helpers.pages.timeliness_spc`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit, logit
from scipy.stats import norm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from helpers.analysis import spc
from helpers.analysis.timeliness import period_rates

#: Months on the SPC chart: the last two years, the Making Data Count advice on baselines.
SPC_MONTHS = 24
#: Fewest months with plans issued that make an SPC chart.
MIN_SPC_MONTHS = 3
#: With fewer points than this the process limits are only trial limits (Making Data Count).
TRIAL_LIMIT_MONTHS = 12


@dataclass(frozen=True)
class MonthlySpc:
    """The monthly SPC chart of the 20-week rate and its reading, from :func:`monthly_spc`.

    ``rates`` (columns of :func:`~helpers.analysis.timeliness.period_rates`) and ``chart``
    (:func:`helpers.analysis.spc.xmr` of their ``pct``) have one row per month with plans issued, in the same order;
    ``variation`` and ``assurance`` are the Making Data Count icons (:func:`helpers.analysis.spc.variation`,
    :func:`helpers.analysis.spc.assurance`); ``months_without_plans`` counts the months of the window left off the
    chart because no plan was issued in them.
    """

    rates: pd.DataFrame
    chart: pd.DataFrame
    variation: str
    assurance: str | None
    months_without_plans: int


def monthly_spc(periods: pd.DataFrame, period_end: pd.Timestamp, target: float | None, *,
                months: int = SPC_MONTHS) -> MonthlySpc | None:
    """XmR chart of the monthly share of plans issued within 20 weeks (excluding exceptions) over the last months.

    ``periods`` is ``helpers.analysis.cases.by_period(cases, "M")``; a month not finished by ``period_end`` is dropped
    (:func:`period_rates`). Of the last ``months`` months, those with no plans issued have no percentage and are
    left out (an XmR chart needs an unbroken series). Returns None when fewer than :data:`MIN_SPC_MONTHS` months
    remain: too few for process limits.
    """
    window = period_rates(periods, period_end=period_end).tail(months)
    rates = window[window["plans"] > 0].reset_index(drop=True)
    if len(rates) < MIN_SPC_MONTHS:
        return None
    chart = spc.xmr(rates.set_index("period")["pct"])
    return MonthlySpc(rates=rates, chart=chart, variation=spc.variation(chart),
                      assurance=spc.assurance(chart, target), months_without_plans=int((window["plans"] == 0).sum()))


@dataclass(frozen=True)
class LogitTrend:
    """A binomial logit trend fitted by :func:`logit_trend`; time is counted in steps back from the last point.

    ``level_now`` is the fitted log-odds at the last point and ``slope`` the change in log-odds per step;
    ``cov`` is their 2×2 covariance (level, slope) after the dispersion adjustment.
    """

    level_now: float
    slope: float
    slope_se: float
    cov: np.ndarray
    dispersion: float
    n_points: int
    months_per_step: float

    @property
    def odds_ratio(self) -> float:
        """Multiplicative change in the odds of a plan on time per step (e.g. per month)."""
        return float(np.exp(self.slope))

    @property
    def pct_now(self) -> float:
        """The fitted percentage at the last point."""
        return float(expit(self.level_now) * 100)


def logit_trend(successes: np.ndarray | pd.Series, n: np.ndarray | pd.Series, *,
                months_per_step: float = 1.0) -> LogitTrend:
    """Fit logit(p_t) = level + slope × t to equally spaced proportions (``successes`` of ``n``, in time order).

    A binomial GLM with a two-column [successes, failures] response (statsmodels ``GLM``), made quasi-binomial by
    scaling the covariance with the Pearson χ²/(k − 2) dispersion when the points vary more than binomial
    chance allows (``modelling_methods.md`` §3.3). The dispersion is floored at 1 so the trend is never claimed to
    be more certain than binomial sampling allows (with few points the Pearson estimate is itself noisy).
    The dispersion is taken from ``pearson_chi2`` rather than ``fit(scale="X2")``: with a two-column response
    statsmodels 0.15 divides that scale by the number of trials (e.g. 0.062 instead of 18.7 for six months of 300
    plans; cf. statsmodels issue #3612), which would make the trend look hundreds of times too certain.
    Time is centred on the last point so ``level_now`` is the current fitted log-odds.
    ``months_per_step`` is 1 for monthly data, 3 for quarterly, 12 for annual.

    Periods at 0% or 100% can push the log-odds towards ±infinity (statsmodels warns of "perfect separation");
    the warning is silenced because the fit then carries very large standard errors, and
    :func:`months_to_target` turns that into "met" or "not on current trend" rather than a spurious date.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    keep = m > 0
    if keep.sum() < 3:
        raise ValueError("a trend needs at least three periods with plans issued")
    t = (np.arange(len(x)) - (len(x) - 1))[keep]
    endog = np.column_stack([x[keep], m[keep] - x[keep]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = sm.GLM(endog, sm.add_constant(t), family=sm.families.Binomial()).fit()
    dispersion = max(1.0, float(fit.pearson_chi2 / fit.df_resid)) if fit.df_resid > 0 else 1.0
    cov = np.asarray(fit.cov_params()) * dispersion
    return LogitTrend(level_now=float(fit.params[0]), slope=float(fit.params[1]), slope_se=float(np.sqrt(cov[1, 1])),
                      cov=cov, dispersion=dispersion, n_points=int(keep.sum()), months_per_step=months_per_step)


@dataclass(frozen=True)
class TargetForecast:
    """When the fitted trend reaches a target.

    ``status``: ``"met"`` (the fitted current value is at or above the target), ``"on trend"`` (rising clearly
    enough to give a date, with its 95% interval) or ``"not on current trend"`` (not rising, or the rise is not
    clear of chance: no date can be given).
    """

    status: Literal["met", "on trend", "not on current trend"]
    target_pct: float
    current_pct: float
    months: float = np.nan
    months_low: float = np.nan
    months_high: float = np.nan


def months_to_target(trend: LogitTrend, target_pct: float, level: float = 0.95) -> TargetForecast:
    """Months from the last point until the fitted trend reaches ``target_pct`` (higher is better), with an interval.

    Point estimate: θ = (logit(target) − level_now) / slope steps. Interval: Fieller's (1954) confidence set for
    a ratio of two correlated estimates, i.e. every θ with (L − a − θb)² ≤ z²·Var(a + θb), solved as a quadratic.
    It is bounded only when the slope differs from zero at this confidence level (b² > z²·Var(b)); otherwise the
    data cannot date the target and the status is "not on current trend". Hand-written because statsmodels has
    no Fieller interval; the delta method would give a symmetric interval for a quantity that is far from
    symmetric. A lower limit below zero (the target may already be met) is reported as 0.
    """
    if not 0 < target_pct < 100:
        raise ValueError(f"target_pct must be between 0 and 100, got {target_pct}")
    target_logit = float(logit(target_pct / 100))
    current = trend.pct_now
    if trend.level_now >= target_logit:
        return TargetForecast("met", target_pct, current, months=0.0, months_low=0.0, months_high=0.0)
    z = norm.ppf(0.5 + level / 2)
    a, b = trend.level_now, trend.slope
    va, vb, cab = trend.cov[0, 0], trend.cov[1, 1], trend.cov[0, 1]
    quad_a = b * b - z * z * vb
    if b <= 0 or quad_a <= 0:
        return TargetForecast("not on current trend", target_pct, current)
    gap = target_logit - a
    quad_b = -2 * (gap * b + z * z * cab)
    quad_c = gap * gap - z * z * va
    root = np.sqrt(quad_b * quad_b - 4 * quad_a * quad_c)
    low, high = (-quad_b - root) / (2 * quad_a), (-quad_b + root) / (2 * quad_a)
    step = trend.months_per_step
    return TargetForecast("on trend", target_pct, current, months=float(gap / b * step),
                          months_low=float(max(0.0, low * step)), months_high=float(high * step))


@dataclass(frozen=True)
class TrendBasis:
    """The points a target-date trend is fitted to (from :func:`trend_basis`), oldest first.

    ``successes`` of ``plans`` issued within 20 weeks per step of ``months_per_step`` months (1: the council's own
    months; 12: DfE's published years); ``first_period`` and ``last_period`` date the first and last points.
    """

    successes: pd.Series
    plans: pd.Series
    months_per_step: int
    last_period: pd.Timestamp
    first_period: pd.Timestamp

    @property
    def published(self) -> bool:
        """True when the points are DfE's published years, False for the council's own months."""
        return self.months_per_step == 12

    @property
    def latest_pct(self) -> float:
        """The actual percentage at the last point (never the fitted line's value)."""
        plans = float(self.plans.iloc[-1])
        return float(self.successes.iloc[-1]) / plans * 100 if plans else float("nan")

    def trend(self) -> LogitTrend:
        """The logit trend through these points (:func:`logit_trend`)."""
        return logit_trend(self.successes, self.plans, months_per_step=self.months_per_step)


def trend_basis(annual: pd.DataFrame, monthly: MonthlySpc | None, *, months: int = 12,
                years: int = 5) -> TrendBasis | None:
    """What the trend test and the target date are worked out from: the council's own last ``months`` months when
    it has a monthly chart, otherwise its last ``years`` published DfE years
    (:func:`helpers.analysis.timeliness.annual_series`). None with fewer than 3 points; :func:`trend_verdict` also
    refuses to test fewer than :data:`MIN_TREND_POINTS`.

    A published calendar year is dated 1 July, its middle, so months to the target count from there.
    """
    if monthly is not None:
        recent = monthly.rates.tail(months)
        return TrendBasis(recent["within_20_weeks"], recent["plans"], 1, recent["period"].iloc[-1],
                          recent["period"].iloc[0])
    recent = annual[annual["level"] == "la"].dropna(subset=["pct_within_20_weeks_ex"]).tail(years)
    if len(recent) < 3:
        return None
    first, last = int(recent["year"].iloc[0]), int(recent["year"].iloc[-1])
    return TrendBasis(recent["plans_issued_within_20_weeks_ex"], recent["plans_issued_ex"], 12,
                      pd.Timestamp(last, 7, 1), pd.Timestamp(first, 7, 1))


#: Fewest points the trend test and the target date use: with 3 or 4 points a fitted line is mostly noise (one
#: or two residual degrees of freedom), so the page says there are too few figures instead.
MIN_TREND_POINTS = 5

#: The trend word when there are too few points to test.
TOO_FEW = "too few figures to test"


@dataclass(frozen=True)
class TrendVerdict:
    """The one trend test of the 20-week rate, used by the timeliness page and the front-page scorecard alike.

    ``word``: ``"improving"`` / ``"deteriorating"`` (the logit slope differs from zero at the 95% level, up or
    down), ``"no significant change"``, or :data:`TOO_FEW`; ``points``: how many points it was tested on.
    """

    word: str
    points: int

    @property
    def tested(self) -> bool:
        return self.word != TOO_FEW


def trend_verdict(basis: TrendBasis | None, level: float = 0.95) -> TrendVerdict | None:
    """Is the 20-week rate rising or falling? The slope of :func:`logit_trend` through ``basis`` tested at
    ``level`` (two-sided, quasi-binomial standard error): the same fit and level as :func:`months_to_target`, whose
    Fieller interval is bounded exactly when this test finds a rise, so the page and the scorecard cannot disagree.
    None without a basis; :data:`TOO_FEW` with fewer than :data:`MIN_TREND_POINTS` points."""
    if basis is None:
        return None
    points = int((basis.plans > 0).sum())
    if points < MIN_TREND_POINTS:
        return TrendVerdict(TOO_FEW, points)
    trend = basis.trend()
    z = norm.ppf(0.5 + level / 2)
    if trend.slope > z * trend.slope_se:
        word = "improving"
    elif trend.slope < -z * trend.slope_se:
        word = "deteriorating"
    else:
        word = "no significant change"
    return TrendVerdict(word, points)
