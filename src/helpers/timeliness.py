"""20-week timeliness of new Education, Health and Care (EHC) plans: series, trend, target date, backlog.

The statutory duty (SEND Regulations 2014, reg. 13): a final EHC plan within 20 weeks of the request for an
assessment. DfE publishes the share of new plans issued within 20 weeks each calendar year, including and excluding
the cases where a reg. 10 exception applied; the excluding-exceptions figure is the headline. The local series
(monthly or quarterly) comes from the LA's own SEN2 data through :func:`helpers.cases.by_period`, which owns the
20-week counting rule; this module never re-derives it.

Every percentage is a ratio of sums recomputed from counts (never a mean of percentages) and carries a Wilson 95%
interval (``statsmodels.stats.proportion.proportion_confint(method="wilson")``), as ``modelling_methods.md`` §3.3
recommends. The module also gives the trend and the date the target would be met at it (:func:`logit_trend`,
:func:`months_to_target`), the weeks-to-issue bands, the open caseload past 20 weeks, the other published time
limits (decisions within 6 weeks, annual reviews within 4 weeks: :func:`annual_share`) and the page's sentences.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit, logit
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint, test_proportions_2indep
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from helpers import narrative, spc
from helpers.cases import OPEN_STAGES
from helpers.errors import InputError

ENGLAND = "E92000001"

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


def wilson_interval(successes: np.ndarray | pd.Series, n: np.ndarray | pd.Series,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``successes / n``, in per cent; NaN where ``n`` is 0 or missing.

    Wilson (1927) via ``statsmodels.stats.proportion.proportion_confint(method="wilson")``: it stays inside
    0–100% and keeps its coverage for small counts, unlike the normal approximation.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    ok = np.isfinite(x) & np.isfinite(m) & (m > 0)
    low = np.full(x.shape, np.nan)
    high = np.full(x.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(x[ok], m[ok], alpha=1 - level, method="wilson")
        low[ok], high[ok] = np.asarray(lo) * 100, np.asarray(hi) * 100
    return low, high


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
    low, high = wilson_interval(np.array([x]), np.array([n]))
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
        out[f"pct_within_20_weeks{ex}_low"], out[f"pct_within_20_weeks{ex}_high"] = wilson_interval(x, n)
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
    out["pct_low"], out["pct_high"] = wilson_interval(out["within"], out["total"])
    return out[out["pct"].notna()].reset_index(drop=True)


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
    """The monthly or quarterly share of plans issued within 20 weeks, from ``helpers.cases.by_period``.

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
    out["pct_low"], out["pct_high"] = wilson_interval(out["within_20_weeks"], out["plans"])
    return out.sort_values("period").reset_index(drop=True)


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


def _band_frame(counts: list[int] | list[float], total: float) -> pd.DataFrame:
    pct = [c / total * 100 if total else np.nan for c in counts]
    return pd.DataFrame({"band": list(BANDS), "plans": counts, "pct": pct})


def issue_time_bands(cases: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
                     exclude_exceptions: bool = True) -> pd.DataFrame:
    """Plans issued from ``start`` to ``end`` (inclusive) by time from request, in DfE's three bands.

    Uses the cases table's ``within_20_weeks`` (the 20-week rule belongs to ``helpers.cases``) for the first band
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

    A case counts when it is ``open`` and its ``weeks_overdue`` (weeks past 20, from ``helpers.cases``) is above
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


# --- sentences (numbers phrased by helpers.narrative) ------------------------------------------------------

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


def annual_metric(annual: pd.DataFrame) -> dict[str, object]:
    """The ``pct_within_20_weeks_ex`` metrics-JSON record from :func:`annual_series`: the LA's latest published
    rate with the previous year, region and England, the year-on-year test and the headline as the finding."""
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
        record["trend"] = change_direction(
            (before["plans_issued_within_20_weeks_ex"], latest["plans_issued_within_20_weeks_ex"]),
            (before["plans_issued_ex"], latest["plans_issued_ex"]))
    if record["england"] is not None:
        record["benchmark"] = narrative.sentence(narrative.compare(record["value"], record["england"], "England", "%"))
    return record


#: Chart headline for each variation icon (what the monthly SPC chart says, in words).
_SPC_TITLES = {
    "special_cause_improvement": "a real improvement (special cause variation)",
    "special_cause_concern": "a real deterioration (special cause variation)",
    "common_cause": "no significant change (common cause variation)",
}


def spc_title(variation: str) -> str:
    """Headline for the monthly SPC chart of the 20-week rate, from the variation icon (higher is better)."""
    return f"The monthly share of plans issued within 20 weeks shows {_SPC_TITLES[variation]}"


def spc_findings(chart: pd.DataFrame, variation: str, assurance: str | None, target: float | None) -> list[str]:
    """Plain-English findings for an XmR chart of the monthly percentage (latest point, variation, assurance)."""
    last = chart.iloc[-1]
    when = pd.Timestamp(last["period"]).strftime("%b %Y")
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


def target_sentence(forecast: TargetForecast, basis: str, last_period: pd.Timestamp) -> str:
    """When the target would be reached at the current trend, with its interval, or why no date can be given.

    ``basis`` says what the trend was fitted to (e.g. "the last 12 months of the council's own data").
    """
    target = narrative.fmt(forecast.target_pct, "%")
    now = narrative.fmt(forecast.current_pct, "%")
    if forecast.status == "met":
        return f"On {basis}, the trend line ({now} at the latest point) is already at or above the {target} target."
    if forecast.status == "not on current trend":
        return (f"The {target} target is not on the current trend: on {basis} the trend line ({now} at the latest "
                "point) is not rising clearly enough to say when the target would be reached.")
    when = (pd.Timestamp(last_period) + pd.DateOffset(months=round(forecast.months))).strftime("%B %Y")
    high = ("more than 10 years" if forecast.months_high > 120
            else narrative.fmt(forecast.months_high, "months"))
    return (f"If the trend in {basis} continued, the {target} target would be reached in about "
            f"{narrative.fmt(forecast.months, 'months')} (around {when}; 95% interval "
            f"{narrative.fmt(forecast.months_low, 'months')} to {high}). "
            f"The trend line is at {now} at the latest point.")
