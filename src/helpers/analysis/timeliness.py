"""20-week timeliness of new Education, Health and Care (EHC) plans: series, trend, target date, backlog.

The statutory duty (SEND Regulations 2014, reg. 13): a final EHC plan within 20 weeks of the request for an
assessment. DfE publishes the share of new plans issued within 20 weeks each calendar year, including and excluding
the cases where a reg. 10 exception applied; the excluding-exceptions figure is the headline. The local series
(monthly or quarterly) comes from the LA's own SEN2 data through :func:`helpers.analysis.cases.by_period`, which owns the
20-week counting rule; this module never re-derives it.

Every percentage is a ratio of sums recomputed from counts (never a mean of percentages) and carries a Wilson 95%
interval (``statsmodels.stats.proportion.proportion_confint(method="wilson")``), as ``modelling_methods.md`` §3.3
recommends. The module also gives the trend and the date the target would be met at it (:func:`logit_trend`,
:func:`months_to_target`), the weeks-to-issue bands, the open caseload past 20 weeks, the other published time
limits (decisions within 6 weeks, annual reviews within 4 weeks: :func:`annual_share`), the monthly SPC chart
(:func:`monthly_spc`), and the timeliness page's sentences, display tables and metrics-JSON records; its figures
are drawn by :mod:`helpers.pages.timeliness_charts`.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit, logit
from scipy.stats import norm
from statsmodels.stats.proportion import test_proportions_2indep
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from helpers.present import narrative
from helpers.analysis import spc
from helpers.analysis.cases import OPEN_STAGES
from helpers.analysis.intervals import wilson_interval
from helpers.errors import InputError

from helpers.areas import ENGLAND_CODE as ENGLAND  # noqa: E402 - England's code is defined once

#: The bands DfE publishes for time from request to plan: within 20 weeks, over 20 up to 52 weeks, over 52 weeks.
BANDS: tuple[str, str, str] = ("Within 20 weeks", "20 to 52 weeks", "Over 52 weeks")
#: Weeks to issue above which a plan falls in DfE's "over 52 weeks" (over one year) band.
YEAR_WEEKS = 52

ALL_OPEN = "All open cases"

_ANNUAL_COUNTS = [
    "plans_issued", "plans_issued_within_20_weeks", "plans_issued_20_to_52_weeks", "plans_issued_over_52_weeks",
    "plans_issued_ex", "plans_issued_within_20_weeks_ex", "plans_issued_20_to_52_weeks_ex",
    "plans_issued_over_52_weeks_ex",
]


def _suffix(exclude_exceptions: bool) -> str:
    return "_ex" if exclude_exceptions else ""


def wilson_pct(successes: np.ndarray | pd.Series, n: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`helpers.analysis.intervals.wilson_interval` in per cent (0-100), as the timeliness tables show it."""
    low, high = wilson_interval(successes, n)
    return low * 100, high * 100


class Rate(NamedTuple):
    """A pooled proportion: ``successes`` of ``n``, as ``pct`` with its Wilson 95% interval."""

    successes: float
    n: float
    pct: float
    low: float
    high: float


def pooled_rate(frame: pd.DataFrame, numerator: str, denominator: str) -> Rate:
    """Σ numerator / Σ denominator over the rows of ``frame`` (e.g. the last 12 months), with a Wilson interval."""
    x, n = float(frame[numerator].sum()), float(frame[denominator].sum())
    low, high = wilson_pct(np.array([x]), np.array([n]))
    return Rate(x, n, x / n * 100 if n else np.nan, float(low[0]), float(high[0]))


_LEVEL_ORDER = {"la": 0, "region": 1, "england": 2}


def _areas(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """The LA's, its region's and England's rows of the DfE table, with a ``level`` column (la/region/england)."""
    levels = {"la": ("Local authority", la_code), "england": ("National", ENGLAND)}
    if region_code:
        levels["region"] = ("Regional", region_code)
    parts = []
    for level, (geography, code) in levels.items():
        rows = ees[(ees["geographic_level"] == geography) & (ees["area_code"] == code)]
        if rows.empty:
            raise InputError("ees", "area not found in the DfE release", field="area_code",
                             expected=f"a {geography.lower()} row", found=code)
        parts.append(rows.assign(level=level))
    out = pd.concat(parts, ignore_index=True)
    return out.assign(_order=out["level"].map(_LEVEL_ORDER)).sort_values(["year", "_order"]).drop(columns="_order")


def annual_series(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """The published annual 20-week series for the LA, its region and England, one row per (year, area).

    ``ees`` is the wide DfE table (``helpers.sources.ees.read_release``); ``la_code`` is the LA's 3-digit DfE
    code (its ``area_code``), stable across code changes. Years with no timeliness figures are dropped.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``level`` (``"la"``, ``"region"``, ``"england"``), ``area_code``, ``area_name``, the counts
        ``plans_issued[_ex]``, ``plans_issued_within_20_weeks[_ex]``, ``plans_issued_20_to_52_weeks[_ex]``,
        ``plans_issued_over_52_weeks[_ex]``, and ``pct_within_20_weeks[_ex]`` recomputed from the counts with
        Wilson 95% limits ``..._low`` / ``..._high``. ``_ex`` = excluding exception cases (the headline measure).
    """
    out = _areas(ees, la_code, region_code)[["year", "level", "area_code", "area_name", *_ANNUAL_COUNTS]]
    for ex in ("", "_ex"):
        x, n = out[f"plans_issued_within_20_weeks{ex}"], out[f"plans_issued{ex}"]
        out[f"pct_within_20_weeks{ex}"] = (x / n.where(n > 0)) * 100
        out[f"pct_within_20_weeks{ex}_low"], out[f"pct_within_20_weeks{ex}_high"] = wilson_pct(x, n)
    has_data = out[["pct_within_20_weeks", "pct_within_20_weeks_ex"]].notna().any(axis=1)
    return out[has_data].reset_index(drop=True)


def annual_share(ees: pd.DataFrame, la_code: str, region_code: str | None, within: str, over: str) -> pd.DataFrame:
    """A published "within the time limit" share for the LA, region and England: ``within / (within + over)``.

    For example decisions on requests within 6 weeks (``requests_decided_within_6_weeks``,
    ``requests_decided_over_6_weeks``) or annual-review decisions within 4 weeks of the meeting
    (``reviews_decision_within_4_weeks``, ``reviews_decision_over_4_weeks``). Returns ``year``, ``level``,
    ``area_name``, ``within``, ``total``, ``pct`` and its Wilson 95% limits ``pct_low`` / ``pct_high``; years with
    no figure are dropped.
    """
    rows = _areas(ees, la_code, region_code)
    out = pd.DataFrame({"year": rows["year"], "level": rows["level"], "area_name": rows["area_name"],
                        "within": rows[within], "total": rows[within] + rows[over]})
    out["pct"] = out["within"] / out["total"].where(out["total"] > 0) * 100
    out["pct_low"], out["pct_high"] = wilson_pct(out["within"], out["total"])
    return out[out["pct"].notna()].reset_index(drop=True)


class PeriodRate(NamedTuple):
    """A rate with the period it covers in words (``"12 months to Sep 2025"`` or a year, ``"2024"``); both None
    when there is no figure."""

    period: str | None
    rate: Rate | None


def decisions_within_6_weeks(periods: pd.DataFrame | None, period_end: pd.Timestamp, ees: pd.DataFrame,
                             la_code: str, region_code: str | None) -> PeriodRate:
    """The share of decisions on whether to assess made within 6 weeks of the request (SEND Regulations 2014,
    reg. 5), pooled over the 12 months to ``period_end`` from the council's own data (``periods`` from
    ``helpers.analysis.cases.by_period(cases, "M")``), or, without it (None), DfE's latest published year for the council.
    """
    if periods is not None:
        last_year = periods[periods["period"] <= pd.Timestamp(period_end)].tail(12)
        return PeriodRate(f"12 months to {pd.Timestamp(period_end):%b %Y}",
                          pooled_rate(last_year, "decisions_within_6_weeks", "decisions"))
    published = annual_share(ees, la_code, region_code, "requests_decided_within_6_weeks",
                             "requests_decided_over_6_weeks")
    latest = published[published["level"] == "la"].tail(1)
    if latest.empty:
        return PeriodRate(None, None)
    return PeriodRate(str(int(latest["year"].iloc[0])),
                      Rate(*latest[["within", "total", "pct", "pct_low", "pct_high"]].iloc[0]))


def change_direction(successes: tuple[float, float], n: tuple[float, float], level: float = 0.95) -> str:
    """``"improving"``, ``"deteriorating"`` or ``"no significant change"`` between two proportions (earlier, later).

    A two-sided score test for the difference of two independent proportions
    (``statsmodels.stats.proportion.test_proportions_2indep``, Newcombe-type, as ``modelling_methods.md`` §3.3
    suggests for a year-on-year change); higher is better.
    """
    if min(n) <= 0:
        return "no significant change"
    with np.errstate(divide="ignore", invalid="ignore"):  # its odds ratio (unused) is infinite at 0% or 100%
        result = test_proportions_2indep(successes[1], n[1], successes[0], n[0], method="score")
    if not result.pvalue < 1 - level:  # also when undefined (NaN): both 0% or both 100%
        return "no significant change"
    return "improving" if successes[1] / n[1] > successes[0] / n[0] else "deteriorating"


def period_rates(periods: pd.DataFrame, *, exclude_exceptions: bool = True, freq: Literal["M", "Q"] = "M",
                 period_end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The monthly or quarterly share of plans issued within 20 weeks, from ``helpers.analysis.cases.by_period``.

    ``period_end`` drops a last period that had not finished by then (a part month would understate the count and
    mislead an SPC chart). Periods with no plans issued have no percentage (NaN).

    Returns
    -------
    pandas.DataFrame
        ``period`` (period start), ``plans`` (plans issued), ``within_20_weeks``, ``pct`` (0–100) and Wilson 95%
        limits ``pct_low`` / ``pct_high``.
    """
    ex = _suffix(exclude_exceptions)
    out = pd.DataFrame({
        "period": pd.to_datetime(periods["period"]),
        "plans": periods[f"plans_issued{ex}"].astype(float),
        "within_20_weeks": periods[f"plans_issued_within_20_weeks{ex}"].astype(float),
    })
    if period_end is not None:
        ends = out["period"].dt.to_period(freq).dt.end_time.dt.normalize()
        out = out[ends <= pd.Timestamp(period_end)]
    out["pct"] = out["within_20_weeks"] / out["plans"].where(out["plans"] > 0) * 100
    out["pct_low"], out["pct_high"] = wilson_pct(out["within_20_weeks"], out["plans"])
    return out.sort_values("period").reset_index(drop=True)


#: Months on the SPC chart: the last two years, the Making Data Count advice on baselines.
SPC_MONTHS = 24
#: Fewest months with plans issued that make an SPC chart.
MIN_SPC_MONTHS = 3
#: With fewer points than this the process limits are only trial limits (Making Data Count).
TRIAL_LIMIT_MONTHS = 12


@dataclass(frozen=True)
class MonthlySpc:
    """The monthly SPC chart of the 20-week rate and its reading, from :func:`monthly_spc`.

    ``rates`` (columns of :func:`period_rates`) and ``chart`` (:func:`helpers.analysis.spc.xmr` of their ``pct``) have one
    row per month with plans issued, in the same order; ``variation`` and ``assurance`` are the Making Data Count
    icons (:func:`helpers.analysis.spc.variation`, :func:`helpers.analysis.spc.assurance`); ``months_without_plans`` counts the
    months of the window left off the chart because no plan was issued in them.
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

    ``successes`` of ``plans`` issued within 20 weeks per step of ``months_per_step`` months; ``last_period`` dates
    the last point; ``description`` says in words what the points are, for the sentence.
    """

    successes: pd.Series
    plans: pd.Series
    months_per_step: int
    last_period: pd.Timestamp
    description: str

    @property
    def latest_pct(self) -> float:
        """The actual percentage at the last point (never the fitted line's value)."""
        plans = float(self.plans.iloc[-1])
        return float(self.successes.iloc[-1]) / plans * 100 if plans else float("nan")

    @property
    def latest_label(self) -> str:
        """The last point in words: a year for published figures, a month for the council's own."""
        return str(self.last_period.year) if self.months_per_step == 12 else _month(self.last_period)

    def trend(self) -> LogitTrend:
        """The logit trend through these points (:func:`logit_trend`)."""
        return logit_trend(self.successes, self.plans, months_per_step=self.months_per_step)


def trend_basis(annual: pd.DataFrame, monthly: MonthlySpc | None, *, months: int = 12,
                years: int = 5) -> TrendBasis | None:
    """What the trend test and the target date are worked out from: the council's own last ``months`` months when
    it has a monthly chart, otherwise its last ``years`` published DfE years (:func:`annual_series`). None with
    fewer than 3 points; :func:`trend_verdict` also refuses to test fewer than :data:`MIN_TREND_POINTS`.

    A published calendar year is dated 1 July, its middle, so months to the target count from there.
    """
    if monthly is not None:
        recent = monthly.rates.tail(months)
        return TrendBasis(recent["within_20_weeks"], recent["plans"], 1, recent["period"].iloc[-1],
                          f"the last {len(recent)} months of the council's own data")
    recent = annual[annual["level"] == "la"].dropna(subset=["pct_within_20_weeks_ex"]).tail(years)
    if len(recent) < 3:
        return None
    first, last = int(recent["year"].iloc[0]), int(recent["year"].iloc[-1])
    return TrendBasis(recent["plans_issued_within_20_weeks_ex"], recent["plans_issued_ex"], 12,
                      pd.Timestamp(last, 7, 1), f"the DfE figures for {first} to {last}")


#: Fewest points the trend test and the target date use: with 3 or 4 points a fitted line is mostly noise (one
#: or two residual degrees of freedom), so the page says there are too few figures instead.
MIN_TREND_POINTS = 5

#: The trend word when there are too few points to test.
TOO_FEW = "too few figures to test"


@dataclass(frozen=True)
class TrendVerdict:
    """The one trend test of the 20-week rate, used by the timeliness page and the front-page scorecard alike.

    ``word``: ``"improving"`` / ``"deteriorating"`` (the logit slope differs from zero at the 95% level, up or
    down), ``"no significant change"``, or :data:`TOO_FEW`; ``basis`` says what it was tested on; ``points`` how
    many points.
    """

    word: str
    basis: str
    points: int

    @property
    def tested(self) -> bool:
        return self.word != TOO_FEW

    @property
    def phrase(self) -> str:
        """``"no significant change (trend test on the DfE figures for 2020 to 2024)"``."""
        if not self.tested:
            return f"not tested: only {self.points} points ({self.basis}), too few for a trend"
        return f"{self.word} (trend test on {self.basis})"


def trend_verdict(basis: TrendBasis | None, level: float = 0.95) -> TrendVerdict | None:
    """Is the 20-week rate rising or falling? The slope of :func:`logit_trend` through ``basis`` tested at
    ``level`` (two-sided, quasi-binomial standard error): the same fit and level as :func:`months_to_target`, whose
    Fieller interval is bounded exactly when this test finds a rise, so the page and the scorecard cannot disagree.
    None without a basis; :data:`TOO_FEW` with fewer than :data:`MIN_TREND_POINTS` points."""
    if basis is None:
        return None
    points = int((basis.plans > 0).sum())
    if points < MIN_TREND_POINTS:
        return TrendVerdict(TOO_FEW, basis.description, points)
    trend = basis.trend()
    z = norm.ppf(0.5 + level / 2)
    if trend.slope > z * trend.slope_se:
        word = "improving"
    elif trend.slope < -z * trend.slope_se:
        word = "deteriorating"
    else:
        word = "no significant change"
    return TrendVerdict(word, basis.description, points)


def _band_frame(counts: list[int] | list[float], total: float) -> pd.DataFrame:
    pct = [c / total * 100 if total else np.nan for c in counts]
    return pd.DataFrame({"band": list(BANDS), "plans": counts, "pct": pct})


def issue_time_bands(cases: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
                     exclude_exceptions: bool = True) -> pd.DataFrame:
    """Plans issued from ``start`` to ``end`` (inclusive) by time from request, in DfE's three bands.

    Uses the cases table's ``within_20_weeks`` (the 20-week rule belongs to ``helpers.analysis.cases``) for the first band
    and ``weeks_to_issue`` > 52 for "over 52 weeks", as DfE's ``plans_issued_gt_1_year`` column. Returns ``band``,
    ``plans`` (count; child-level) and ``pct`` of the plans issued.
    """
    issued = cases[cases["plan_issue_date"].between(pd.Timestamp(start), pd.Timestamp(end))
                   & cases["within_20_weeks"].notna()]
    if exclude_exceptions:
        issued = issued[~issued["exception"].eq(True)]
    within = issued["within_20_weeks"].eq(True)
    over_year = ~within & (issued["weeks_to_issue"] > YEAR_WEEKS)
    counts = [int(within.sum()), int((~within & ~over_year).sum()), int(over_year.sum())]
    return _band_frame(counts, float(len(issued)))


def published_issue_time_bands(annual: pd.DataFrame, *, exclude_exceptions: bool = True) -> pd.DataFrame:
    """The published bands for each row of :func:`annual_series`: ``year``, ``level``, ``area_name``, ``band``,
    ``plans``, ``pct`` (of all plans issued that year, including or excluding exception cases)."""
    ex = _suffix(exclude_exceptions)
    parts = []
    for row in annual.itertuples(index=False):
        counts = [float(getattr(row, f"plans_issued_within_20_weeks{ex}")),
                  float(getattr(row, f"plans_issued_20_to_52_weeks{ex}")),
                  float(getattr(row, f"plans_issued_over_52_weeks{ex}"))]
        frame = _band_frame(counts, float(getattr(row, f"plans_issued{ex}")))
        parts.append(frame.assign(year=row.year, level=row.level, area_name=row.area_name))
    out = pd.concat(parts, ignore_index=True)
    return out[["year", "level", "area_name", "band", "plans", "pct"]]


def overdue_backlog(cases: pd.DataFrame, *, min_cases: int = 1) -> pd.DataFrame:
    """Open cases past the 20-week deadline at the period end, by stage, with an all-stages row last.

    A case counts when it is ``open`` and its ``weeks_overdue`` (weeks past 20, from ``helpers.analysis.cases``) is above
    zero. Percentiles use numpy's default linear interpolation. The weeks statistics of a row with fewer than
    ``min_cases`` cases are withheld (NaN): for one or two children they would describe individuals (public
    builds pass the disclosure threshold).

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``open_past_20_weeks`` (count; child-level), ``median_weeks_overdue``, ``p90_weeks_overdue``,
        ``oldest_weeks_overdue`` (NaN where a stage has no such case, or too few).
    """
    late = cases[cases["open"].eq(True) & (cases["weeks_overdue"] > 0)]
    stages = [*OPEN_STAGES, *sorted(set(late["stage"]) - set(OPEN_STAGES))]
    rows = []
    for stage, group in [*((s, late[late["stage"] == s]) for s in stages), (ALL_OPEN, late)]:
        weeks = group["weeks_overdue"].to_numpy(dtype=float)
        shown = len(weeks) >= max(1, min_cases)
        rows.append({
            "stage": stage,
            "open_past_20_weeks": len(weeks),
            "median_weeks_overdue": float(np.median(weeks)) if shown else np.nan,
            "p90_weeks_overdue": float(np.percentile(weeks, 90)) if shown else np.nan,
            "oldest_weeks_overdue": float(weeks.max()) if shown else np.nan,
        })
    return pd.DataFrame(rows)


def year_to(period_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the 12 months ending on ``period_end`` (both inclusive)."""
    end = pd.Timestamp(period_end)
    return end - pd.DateOffset(months=12) + pd.Timedelta(days=1), end


# --- sentences (numbers phrased by helpers.present.narrative) ------------------------------------------------------

def headline(annual: pd.DataFrame) -> str:
    """The page headline from :func:`annual_series`: the LA's latest published rate, its change and England's."""
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


def annual_metric(annual: pd.DataFrame, verdict: TrendVerdict | None = None) -> dict[str, object]:
    """The ``pct_within_20_weeks_ex`` metrics-JSON record from :func:`annual_series`: the LA's latest published
    rate with the previous year, region and England, and the headline as the finding. ``trend`` is the page's own
    trend test (:func:`trend_verdict`), with ``trend_basis`` saying what it was tested on, so that the scorecard
    shows the same verdict as this page; without a verdict, the year-on-year score test
    (:func:`change_direction`)."""
    la = annual[(annual["level"] == "la") & annual["pct_within_20_weeks_ex"].notna()]
    record: dict[str, object] = {"value": None, "unit": "%", "higher_is_better": True,
                                 "label": "New EHC plans issued within 20 weeks (excluding exceptions)"}
    if la.empty:
        return record
    latest = la.iloc[-1]
    year = int(latest["year"])
    same_year = annual[annual["year"] == year].set_index("level")["pct_within_20_weeks_ex"]
    record.update(value=float(latest["pct_within_20_weeks_ex"]), period=str(year),
                  england=same_year.get("england"), region=same_year.get("region"), finding=headline(annual))
    earlier = la[la["year"] == year - 1]
    if len(earlier):
        before = earlier.iloc[0]
        record["previous"] = float(before["pct_within_20_weeks_ex"])
        if verdict is None:
            record["trend"] = change_direction(
                (before["plans_issued_within_20_weeks_ex"], latest["plans_issued_within_20_weeks_ex"]),
                (before["plans_issued_ex"], latest["plans_issued_ex"]))
    if verdict is not None:
        record["trend"] = verdict.word
        record["trend_basis"] = verdict.basis
        record["trend_phrase"] = verdict.phrase
    if record["england"] is not None:
        record["benchmark"] = narrative.sentence(narrative.compare(record["value"], record["england"], "England", "%"))
    return record


#: What the monthly chart is, said only when the chart is drawn.
SPC_EXPLANATION = (
    "This chart uses statistical process control (SPC), the method NHS England's \"Making Data Count\" programme "
    "uses in board reports. The dashed line is the average. The dotted lines are the process limits: the range in "
    "which months vary by chance alone. A month is marked as \"special cause\" (something has changed) when it falls "
    "outside the limits, when 7 months in a row rise or fall, when 7 months in a row sit on the same side of the "
    "average, or when 2 of 3 months in a row are close to a limit. Special-cause months are drawn as large "
    "triangles: pointing up for an improvement, down for a concern.")

#: The whole monthly section when the council's case data are missing: what it would show and how to add it.
NO_SEN2_MONTHLY = (
    "With the council's own case data (its SEN2 extract) this section would show the share of plans issued within "
    "20 weeks month by month on a statistical process control (SPC) chart, to tell a real change from normal ups "
    "and downs; DfE publishes the figure only once a year, so add the extract to the pack config (inputs: sen2) to "
    "see it.")

#: The backlog section when the council's case data are missing.
NO_SEN2_BACKLOG = (
    "With the council's own case data (its SEN2 extract) this section would count the children still waiting more "
    "than 20 weeks after their request, by stage and by how long overdue; DfE publishes only plans already issued, "
    "so add the extract to the pack config (inputs: sen2) to see it.")


# --- the monthly SPC chart ---------------------------------------------------------------------------------

#: Chart headline for each variation icon of the latest month (higher is better).
_SPC_TITLES = {
    "special_cause_improvement": "a real improvement (special cause variation)",
    "special_cause_concern": "a real deterioration (special cause variation)",
    "common_cause": "no significant change (common cause variation)",
}
#: How earlier special-cause months read in the chart headline.
_SPC_SIGNALS = {"special_cause_improvement": "an improvement", "special_cause_concern": "a concern"}


def _month(period: object) -> str:
    return pd.Timestamp(period).strftime("%b %Y")


def spc_title(chart: pd.DataFrame) -> str:
    """Headline for the monthly SPC chart of the 20-week rate (higher is better): the latest month, then any
    earlier special-cause months.

    ``chart`` is :func:`helpers.analysis.spc.xmr` output. The Making Data Count variation icon reads only the latest point
    (:func:`helpers.analysis.spc.variation`), so a headline built from it alone could say "no significant change" above a
    chart showing special-cause triangles. The sentence gives the latest month's reading, then for each kind of
    special cause among the earlier months (an improvement, a concern) how many months and between which, the
    earlier kind first.
    """
    variation = spc.variation(chart)
    text = (f"In the latest month ({_month(chart['period'].iloc[-1])}) the share of plans issued within 20 weeks "
            f"shows {_SPC_TITLES[variation]}")
    earlier = chart.iloc[:-1]
    flagged = earlier[earlier["special_cause"]]
    if flagged.empty:
        return text + (", and no earlier month shows special cause variation" if len(earlier) else "")
    parts = []  # (first month, words), told in time order
    for kind, words in _SPC_SIGNALS.items():
        months = flagged.loc[flagged["point_type"] == kind, "period"]
        if len(months):
            first, last = _month(months.iloc[0]), _month(months.iloc[-1])
            span = f"in {first}" if len(months) == 1 else f"in {len(months)} months between {first} and {last}"
            parts.append((months.iloc[0], f"{words} {span}"))
    link = ", but earlier months show" if variation == "common_cause" else "; earlier months also show"
    return f"{text}{link} special cause variation: {' and '.join(words for _, words in sorted(parts))}"


def spc_alt(chart: pd.DataFrame, target: float | None) -> str:
    """Alt text for the monthly SPC chart: the series in words, the average and limits, the signals, the target."""
    last = chart.iloc[-1]
    flagged = int(chart["special_cause"].sum())
    return (narrative.describe_series(chart.set_index("period")["value"], unit="%",
                                      label="the monthly percentage of new EHC plans issued within 20 weeks "
                                            "(excluding exceptions)")
            + f" The average is {narrative.fmt(last['mean'], '%')}, with process limits at "
            + f"{narrative.fmt(max(last['lpl'], 0), '%')} and {narrative.fmt(min(last['upl'], 100), '%')}. "
            + f"{narrative.plural(flagged, 'month')} {'is' if flagged == 1 else 'are'} marked as special cause."
            + (f" The target line is at {narrative.fmt(target, '%')}." if target is not None else ""))


def spc_table(monthly: MonthlySpc) -> pd.DataFrame:
    """The data behind the monthly SPC chart, one row per month, with the counts and the rule that fired."""
    chart, rates = monthly.chart, monthly.rates
    return pd.DataFrame({
        "Month": chart["period"].dt.strftime("%b %Y"), "Plans issued": rates["plans"],
        "Within 20 weeks": rates["within_20_weeks"], "% within 20 weeks": chart["value"],
        "Average %": chart["mean"], "Lower limit %": chart["lpl"], "Upper limit %": chart["upl"],
        "Signal": chart["special_cause_type"]})


def spc_findings(chart: pd.DataFrame, variation: str, assurance: str | None, target: float | None) -> list[str]:
    """Plain-English findings for an XmR chart of the monthly percentage (latest point, variation, assurance)."""
    last = chart.iloc[-1]
    when = _month(last["period"])
    flagged = int(chart["special_cause"].sum())
    signal = f" ({last['special_cause_type'].lower()})" if variation != "common_cause" else ""
    out = [
        (f"In {when}, {narrative.fmt(last['value'], '%')} of plans were issued within 20 weeks. The average over "
         f"the {len(chart)} months shown is {narrative.fmt(last['mean'], '%')}; months between "
         f"{narrative.fmt(max(last['lpl'], 0), '%')} and {narrative.fmt(min(last['upl'], 100), '%')} are within "
         "normal variation (the process limits)."),
        (f"Latest month: {spc.VARIATION_LABELS[variation].lower()}{signal}. "
         f"{narrative.plural(flagged, 'month')} of {len(chart)} {'shows' if flagged == 1 else 'show'} special cause "
         "variation."),
    ]
    if assurance is not None and target is not None:
        out.append(f"Against the {narrative.fmt(target, '%')} target: {spc.ASSURANCE_LABELS[assurance].lower()}. "
                   f"{spc.ASSURANCE_MEANING[assurance]}")
    return out


def spc_notes(monthly: MonthlySpc) -> list[str]:
    """Caveats under the SPC chart: trial limits (fewer than 12 months) and months left out for having no plans."""
    notes = []
    shown = len(monthly.chart)
    if shown < TRIAL_LIMIT_MONTHS:
        notes.append(f"With only {shown} months the limits are trial limits: treat the signals with caution.")
    if monthly.months_without_plans:
        left_out = monthly.months_without_plans
        notes.append(f"{narrative.plural(left_out, 'month')} with no plans issued "
                     f"{'is' if left_out == 1 else 'are'} left out of the chart.")
    return notes


def monthly_metrics(monthly: MonthlySpc | None, target: float | None) -> dict[str, dict[str, object]]:
    """Metrics-JSON records from the monthly SPC chart (none without one): the latest month's rate with the SPC
    trend, and the variation and assurance icons with their plain-English meaning."""
    if monthly is None:
        return {}
    chart, variation, assurance = monthly.chart, monthly.variation, monthly.assurance
    last_month = _month(chart["period"].iloc[-1])
    trend = {"special_cause_improvement": "improving", "special_cause_concern": "deteriorating"}
    return {
        "monthly_pct_within_20_weeks": {
            "value": chart["value"].iloc[-1], "unit": "%", "period": last_month, "higher_is_better": True,
            "previous": chart["value"].iloc[-2] if len(chart) > 1 else None,
            "label": "New EHC plans issued within 20 weeks in the latest month (excluding exceptions)",
            "trend": trend.get(variation, "no significant change"),
            "finding": spc_findings(chart, variation, assurance, target)[0]},
        "spc_variation": {
            "value": None, "unit": None, "period": last_month, "code": variation,
            "label": "SPC variation in the monthly 20-week rate", "finding": spc.VARIATION_LABELS[variation]},
        "spc_assurance": {
            "value": None, "unit": None, "period": last_month, "code": assurance,
            "label": "SPC assurance against the 20-week target",
            "finding": spc.ASSURANCE_LABELS[assurance] if assurance else "No target set"},
    }


# --- the target date ---------------------------------------------------------------------------------------

def target_sentence(forecast: TargetForecast | None, basis: TrendBasis | None,
                    verdict: TrendVerdict | None = None, latest: float | None = None) -> str:
    """When the target would be reached at the current trend, with its interval, or why no date can be given.

    ``basis`` (:func:`trend_basis`) says what the trend was fitted to; ``verdict`` (:func:`trend_verdict`) is the
    trend test the scorecard also shows, and ``latest`` the latest actual figure (%; default: the basis's last
    point). The fitted line's value is never given as the council's position: the sentence quotes the actual
    latest figure, and whether the target is met is judged on it.
    """
    if forecast is None or basis is None:
        return "There are fewer than three periods of figures, too few to fit a trend."
    target = narrative.fmt(forecast.target_pct, "%")
    if latest is None:
        latest = basis.latest_pct
    now = f"The latest figure ({basis.latest_label}) is {narrative.fmt(latest, '%')}. "
    if latest >= forecast.target_pct:
        return f"The latest figure ({basis.latest_label}), {narrative.fmt(latest, '%')}, already meets the {target} target."
    if verdict is not None and not verdict.tested:
        return (f"{now}There are only {verdict.points} points ({basis.description}): too few to fit a reliable "
                f"trend, so the page does not say when the {target} target would be reached.")
    word = verdict.word if verdict is not None else None
    if forecast.status == "on trend" and word in (None, "improving"):
        when = (pd.Timestamp(basis.last_period) + pd.DateOffset(months=round(forecast.months))).strftime("%B %Y")
        high = ("more than 10 years" if forecast.months_high > 120
                else narrative.fmt(forecast.months_high, "months"))
        return (f"{now}On {basis.description} the share is rising clearly (trend: improving). If that trend "
                f"continued, the {target} target would be reached in about "
                f"{narrative.fmt(forecast.months, 'months')} (around {when}; 95% interval "
                f"{narrative.fmt(forecast.months_low, 'months')} to {high}).")
    if forecast.status == "met" and word in (None, "improving"):
        return (f"{now}On {basis.description} the share is rising and the trend line has reached the {target} "
                "target, but the latest figure is still below it, so the target is not met yet.")
    if word == "deteriorating":
        return (f"{now}The {target} target is not on the current trend: on {basis.description} the share is falling "
                "(trend: deteriorating), so it is moving away from the target.")
    shown = f" (trend: {word})" if word else ""
    text = (f"{now}The {target} target is not on the current trend: on {basis.description} the share is not "
            f"rising clearly enough{shown} to say when the target would be reached.")
    if word == "no significant change" and basis.months_per_step == 12:
        pcts = [narrative.fmt(x / n * 100, "%") for x, n in zip(basis.successes, basis.plans) if n > 0]
        text += (f" The {len(pcts)} yearly figures were {', '.join(pcts[:-1])} and {pcts[-1]}: a change from one "
                 "year to the next is not on its own a trend.")
    return text


def target_metrics(forecast: TargetForecast | None, basis: TrendBasis | None,
                   verdict: TrendVerdict | None = None, latest: float | None = None) -> dict[str, dict[str, object]]:
    """The ``months_to_target`` metrics-JSON record; none when there is no forecast, the target is already met, or
    there are too few points to test a trend."""
    if forecast is None or basis is None or forecast.status == "met" or (verdict is not None and not verdict.tested):
        return {}
    dated = forecast.status == "on trend" and (verdict is None or verdict.word == "improving")
    return {"months_to_target": {
        "value": forecast.months if dated else None, "unit": "months",
        "period": _month(basis.last_period), "higher_is_better": False,
        "label": "Months until the 20-week target is reached at the current trend",
        "finding": target_sentence(forecast, basis, verdict, latest)}}


# --- published comparison and time bands -------------------------------------------------------------------

def latest_la_year(annual: pd.DataFrame) -> int:
    """The latest year with a published 20-week figure for the council in :func:`annual_series`."""
    return int(annual.loc[(annual["level"] == "la") & annual["pct_within_20_weeks_ex"].notna(), "year"].max())


def _comparison(annual: pd.DataFrame, region_name: str | None) -> str:
    """``"43.5% of new plans within 20 weeks, against 44.8% in the North West region and 47.4% in England"``."""
    latest = annual[annual["year"] == latest_la_year(annual)].set_index("level")["pct_within_20_weeks_ex"]
    region = (f"{narrative.fmt(latest['region'], '%')} in the {region_name} region and "
              if "region" in latest else "")
    return (f"{narrative.fmt(latest['la'], '%')} of new plans within 20 weeks, against {region}"
            f"{narrative.fmt(latest['england'], '%')} in England")


def comparison_title(annual: pd.DataFrame, la_name: str, region_name: str | None) -> str:
    """Headline for the yearly comparison chart: the council's latest published rate beside its region's and
    England's."""
    return f"In {latest_la_year(annual)}, {la_name} issued {_comparison(annual, region_name)}"


def comparison_alt(annual: pd.DataFrame, la_name: str, region_name: str | None) -> str:
    """Alt text for the yearly comparison chart: the council's series in words, then the latest comparison."""
    la = annual[annual["level"] == "la"].dropna(subset=["pct_within_20_weeks_ex"])
    return (narrative.describe_series(la.set_index("year")["pct_within_20_weeks_ex"], unit="%",
                                      label=f"the percentage of new EHC plans issued within 20 weeks in {la_name}")
            + f" Lines for {region_name} and England are shown for comparison: in {latest_la_year(annual)} "
            + f"{la_name} issued {_comparison(annual, region_name)}.")


def comparison_table(annual: pd.DataFrame) -> pd.DataFrame:
    """The data behind the yearly comparison chart, with readable column names."""
    return annual[[
        "year", "area_name", "plans_issued_ex", "plans_issued_within_20_weeks_ex", "pct_within_20_weeks_ex",
        "pct_within_20_weeks_ex_low", "pct_within_20_weeks_ex_high", "pct_within_20_weeks"]].set_axis(
        ["Year", "Area", "Plans issued (excl. exceptions)", "Within 20 weeks (excl. exceptions)",
         "% within 20 weeks (excl. exceptions)", "95% interval: low", "95% interval: high",
         "% within 20 weeks (incl. exceptions)"], axis=1)


def bands_title(bands: pd.DataFrame, la_name: str) -> str:
    """Headline for the time-bands chart (:func:`published_issue_time_bands` for one year): the council's share
    of plans that took more than a year."""
    over_year = bands[(bands["level"] == "la") & (bands["band"] == BANDS[2])]["pct"].iloc[0]
    return (f"In {int(bands['year'].iloc[0])}, {narrative.fmt(over_year, '%')} of {la_name}'s new plans took more "
            "than a year")


def over_year_metrics(bands: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The ``over_52_weeks_pct`` metrics-JSON record from :func:`published_issue_time_bands` for one year: the
    council's share of new plans that took more than a year, with England's and the region's (lower is better)."""
    over = bands[bands["band"] == BANDS[2]].set_index("level")["pct"]
    if "la" not in over.index or pd.isna(over["la"]):
        return {}
    return {"over_52_weeks_pct": {
        "value": float(over["la"]), "unit": "%", "period": str(int(bands["year"].iloc[0])), "higher_is_better": False,
        "england": float(over["england"]) if "england" in over.index else None,
        "region": float(over["region"]) if "region" in over.index else None,
        "label": "New EHC plans that took more than a year (excluding exceptions)"}}


def bands_alt(bands: pd.DataFrame) -> str:
    """Alt text for the time-bands chart: every area's share in each band, in words."""
    areas = list(dict.fromkeys(bands["area_name"]))
    shares = "; ".join(f"{area}: " + ", ".join(f"{narrative.fmt(row.pct, '%')} {row.band.lower()}"
                                               for row in bands[bands["area_name"] == area].itertuples())
                       for area in areas)
    return (f"Stacked bar chart of new EHC plans issued in {int(bands['year'].iloc[0])} by time taken, for "
            f"{', '.join(areas)}. {shares}.")


def bands_table(bands: pd.DataFrame) -> pd.DataFrame:
    """The data behind the time-bands chart, with readable column names."""
    return bands[["year", "area_name", "band", "plans", "pct"]].set_axis(
        ["Year", "Area", "Time taken", "Plans", "%"], axis=1)


def safe_percentages(counts: list[int] | list[float], hide_below: int) -> list[float | None]:
    """Percentages of the total for a table whose counts from 1 to ``hide_below`` − 1 are hidden, at the finest
    precision that gives nothing away.

    Shown beside shown counts, a percentage gives back the total (count / percentage), and so any hidden count
    (total minus the others). So for each precision, one decimal place then whole numbers, every value the hidden
    counts could take (1 to ``hide_below`` − 1 each) is tried: if the shown bands' rounded percentages are the same
    for all of them, they reveal nothing and are shown at that precision; the hidden bands' own percentages are not
    shown (None). If no precision is safe, every percentage is withheld (all None). With nothing hidden, all
    percentages to one decimal place.
    """
    values = [float(c) for c in counts]
    small = [i for i, c in enumerate(values) if 0 < c < hide_below]
    total = sum(values)
    if not total:
        return [None] * len(values)
    if not small:
        return [round(c / total * 100, 1) for c in values]
    shown = [i for i in range(len(values)) if i not in small]
    for decimals in (1, 0):
        seen = set()
        for hidden in itertools.product(range(1, hide_below), repeat=len(small)):
            trial = list(values)
            for i, h in zip(small, hidden):
                trial[i] = float(h)
            whole = sum(trial)
            seen.add(tuple(round(trial[i] / whole * 100, decimals) for i in shown))
            if len(seen) > 1:
                break
        if len(seen) == 1:
            return [round(values[i] / total * 100, decimals) if i in shown else None for i in range(len(values))]
    return [None] * len(values)


def local_bands_table(cases: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> pd.DataFrame:
    """Plans issued in the 12 months to ``period_end`` by time taken (:func:`issue_time_bands`), for display.

    Percentages follow :func:`safe_percentages`: where a band has 1 to ``hide_below`` − 1 plans (public builds pass
    the disclosure threshold, others 1), the other bands' percentages are shown only at a precision that cannot
    give back the hidden count, and that band's own percentage is not shown.
    """
    bands = issue_time_bands(cases, *year_to(period_end))
    bands["pct"] = pd.array(safe_percentages(bands["plans"].tolist(), hide_below), dtype="Float64")
    return bands.set_axis(["Time taken", "Plans", "% of plans"], axis=1)


def local_bands_caption(period_end: pd.Timestamp) -> str:
    """Caption of :func:`local_bands_table`, naming its 12 months."""
    start, end = year_to(period_end)
    return (f"Plans issued from {start:%d %B %Y} to {end:%d %B %Y} by time taken, excluding exceptions "
            "(council's own data)")


# --- the open caseload past 20 weeks -----------------------------------------------------------------------

def backlog_sentence(backlog: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> str:
    """How many requests were open past 20 weeks at ``period_end`` and how overdue (:func:`overdue_backlog`).

    A count from 1 to ``hide_below`` − 1 reads "fewer than <hide_below>" so that no child can be identified.
    """
    total = backlog.iloc[-1]
    waiting = total["open_past_20_weeks"]
    shown = f"fewer than {hide_below}" if 0 < waiting < hide_below else narrative.fmt(waiting, "count")
    text = (f"On {pd.Timestamp(period_end):%d %B %Y}, {shown} requests for an assessment were still open more than "
            "20 weeks after they were received")
    if not pd.isna(total["median_weeks_overdue"]):
        text += (f". Half of them were more than {narrative.fmt(total['median_weeks_overdue'], 'weeks')} overdue, "
                 f"one in ten more than {narrative.fmt(total['p90_weeks_overdue'], 'weeks')}, and the longest "
                 f"{narrative.fmt(total['oldest_weeks_overdue'], 'weeks')}")
    return narrative.sentence(text)


def backlog_table(backlog: pd.DataFrame) -> pd.DataFrame:
    """:func:`overdue_backlog` with readable stage names and column names, for display."""
    return backlog.assign(stage=backlog["stage"].str.capitalize()).set_axis(
        ["Stage", "Requests open past 20 weeks", "Median weeks overdue", "90th percentile weeks overdue",
         "Longest wait past 20 weeks (weeks)"], axis=1)


def backlog_caption(period_end: pd.Timestamp) -> str:
    """Caption of :func:`backlog_table`."""
    return f"Open requests past the 20-week limit on {pd.Timestamp(period_end):%d %B %Y}, by stage"


def backlog_metrics(backlog: pd.DataFrame | None, period_end: pd.Timestamp,
                    hide_below: int) -> dict[str, dict[str, object]]:
    """Metrics-JSON records of the open caseload past 20 weeks (none without case data); a count below
    ``hide_below`` is withheld and described in the finding instead."""
    if backlog is None:
        return {}
    total = backlog.iloc[-1]
    small = 0 < total["open_past_20_weeks"] < hide_below
    period = f"{pd.Timestamp(period_end):%d %b %Y}"
    return {
        "open_past_20_weeks": {
            "value": None if small else total["open_past_20_weeks"], "unit": "count", "higher_is_better": False,
            **({"finding": f"Fewer than {hide_below} requests were open past 20 weeks"} if small else {}),
            "period": period, "label": "Requests open past the 20-week limit"},
        "median_weeks_overdue": {
            "value": total["median_weeks_overdue"], "unit": "weeks", "higher_is_better": False,
            "period": period, "label": "Median weeks overdue of requests open past 20 weeks"},
    }


# --- the other time limits: decisions within 6 weeks, annual reviews within 4 weeks ------------------------

def decisions_sentence(decisions: PeriodRate) -> str:
    """The share of decisions to assess made within 6 weeks with its 95% interval (:func:`decisions_within_6_weeks`).

    A span ("12 months to Sep 2025") takes "the"; a year does not.
    """
    rate = decisions.rate
    if rate is None or decisions.period is None or pd.isna(rate.pct):
        return "There are no figures for decisions within 6 weeks for this council."
    article = "" if decisions.period.isdigit() else "the "
    return (f"In {article}{decisions.period}, {narrative.fmt(rate.pct, '%')} of decisions on whether to assess were "
            f"made within 6 weeks (95% interval {narrative.fmt(rate.low, '%')} to {narrative.fmt(rate.high, '%')}).")


def decisions_metrics(decisions: PeriodRate) -> dict[str, dict[str, object]]:
    """The ``decisions_within_6_weeks_pct`` metrics-JSON record (value None without a figure)."""
    return {"decisions_within_6_weeks_pct": {
        "value": decisions.rate.pct if decisions.rate else None, "unit": "%", "period": decisions.period,
        "higher_is_better": True, "label": "Decisions on requests for assessment made within 6 weeks"}}


def reviews_within_4_weeks(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """DfE's published share of annual-review decisions sent within 4 weeks of the review meeting (SEND
    Regulations 2014, reg. 20) for the council, its region and England (:func:`annual_share`)."""
    return annual_share(ees, la_code, region_code, "reviews_decision_within_4_weeks", "reviews_decision_over_4_weeks")


def _latest_review(reviews: pd.DataFrame) -> tuple[pd.Series, float | None] | None:
    """The council's latest row of :func:`reviews_within_4_weeks` and England's rate that year (None if absent)."""
    la = reviews[reviews["level"] == "la"]
    if la.empty:
        return None
    latest = la.iloc[-1]
    england = reviews[(reviews["level"] == "england") & (reviews["year"] == latest["year"])]["pct"]
    return latest, (england.iloc[0] if len(england) else None)


def reviews_sentence(reviews: pd.DataFrame) -> str:
    """The council's latest published annual-review timeliness beside England's."""
    found = _latest_review(reviews)
    if found is None:
        return "DfE has not published annual-review timeliness for this council."
    latest, england = found
    return (f"In {int(latest['year'])}, {narrative.fmt(latest['pct'], '%')} of annual-review decisions were sent "
            f"within 4 weeks of the meeting (England {narrative.fmt(england, '%')}).")


def reviews_metrics(reviews: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The ``reviews_within_4_weeks_pct`` metrics-JSON record (none when DfE has published no figure)."""
    found = _latest_review(reviews)
    if found is None:
        return {}
    latest, england = found
    return {"reviews_within_4_weeks_pct": {
        "value": latest["pct"], "unit": "%", "period": str(int(latest["year"])), "higher_is_better": True,
        "england": england, "label": "Annual-review decisions sent within 4 weeks of the meeting"}}
