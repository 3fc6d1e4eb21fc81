"""Growth in EHCP requests, assessments and plans: growth rates, trend models, forecasts, back-tests, scenarios.

Councils describe "the exponential increase in numbers of requests"; this module measures it and projects it
honestly, following ``modelling_methods.md`` §3 (statsmodels GLM and ETS) and Hyndman & Athanasopoulos, *Forecasting:
principles and practice* (FPP3 §13.7, short series):

* growth rates and compound annual growth (CAGR);
* the forecasts the pages publish (:func:`forecast_series`, issue 21): methods that start from the latest actual
  (naive, drift, simple exponential smoothing, damped-trend ETS on log(1 + count)), chosen per council and measure
  by a rolling-origin back-test on the council's own years, scored by MASE against the naive forecast (a method
  that does not beat naive is not used); ranges from the chosen method's own back-test errors; implausible years
  (:mod:`helpers.analysis.outliers`) treated as missing; small councils' ranges capped (:func:`plausible_cap`); plans in
  place by stock and flow (:func:`stock_flow_forecast`) checked against the direct forecast;
* the earlier trend models, kept as tested reference implementations but no longer published: a log-linear count
  model (Poisson GLM with a quasi-Poisson scale, or NB2) and damped ETS chosen by AICc (:func:`choose_model`), with
  simulated intervals, and their back-test (:func:`backtest`) against a random walk with drift;
* demand scenarios converted to assessments and Educational Psychologist (EP) hours, ordered by construction;
* the monthly local series (from SEN2) with an STL seasonal decomposition and a 12-month forecast;
* the request-growth page's sentences, tables and metrics records, worded by :mod:`helpers.present.narrative` rules.

In the earlier trend models the 2020 COVID dip is treated as a one-year pulse (option (a) in
``modelling_methods.md`` §3.4): a 2020 indicator in the count model, and for ETS (which cannot take a regressor)
2020 replaced by the geometric mean of 2019 and 2021 (the value a pulse leaves behind), counted as one extra
parameter when models are compared.

Forecast frames are tidy: one row per (``year``, ``level``) with ``mean``, ``lower``, ``upper`` and ``model``.
All functions are pure: no I/O, no printing, no plotting.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.eval_measures import aicc as _aicc
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.arima.model import ARIMA
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import STL

from helpers.present import narrative
from helpers.areas import ENGLAND_CODE

#: The pandemic year, modelled as a one-off pulse (requests dipped; timeliness rules were relaxed May–Sep 2020).
COVID_YEAR = 2020
#: First full calendar year of the EHCP system: plans began in September 2014 and 2014–2015 counts mix new plans
#: with statements (DfE SEN2 release notes), so trends start in 2016 (the January 2016 census for plans in place).
FIRST_FULL_YEAR = 2016
#: Prediction-interval levels shown on the page ("likely range").
LEVELS: tuple[float, ...] = (0.8, 0.95)
#: Fewest annual points a trend model is fitted to (two parameters plus at least one residual degree of freedom).
MIN_YEARS = 3
#: Cap on a simulated log count (e^25 ≈ 7e10), so a heavy-tailed parameter draw cannot overflow the sampler.
_MAX_LOG_COUNT = 25.0
#: Fewest months for an STL decomposition: two full seasonal cycles.
MIN_MONTHS = 24

LOGLINEAR = "log-linear"
DAMPED = "damped trend"
DRIFT = "drift (benchmark)"


# --- growth rates ----------------------------------------------------------------------------------------------

def annual_series(ees: pd.DataFrame, area_code: str, measure: str, *, first_year: int = FIRST_FULL_YEAR,
                  unbroken: bool = True) -> pd.Series:
    """One area's annual values of ``measure`` from the DfE table, indexed by year: the latest unbroken run.

    Years before ``first_year`` (default :data:`FIRST_FULL_YEAR`), or with no value (``x``/``z`` in the release,
    or before the measure existed), are dropped, and only the most recent run of consecutive years is kept,
    because the trend models assume equally spaced years. ``unbroken=False`` keeps every year with a value
    (for growth between two years, which a missing year in between does not affect).
    """
    rows = ees.loc[(ees["area_code"] == area_code) & (ees["year"] >= first_year), ["year", measure]].dropna()
    series = rows.set_index("year")[measure].astype(float).sort_index()
    series.index = series.index.astype(int)
    if series.empty or not unbroken:
        return series.rename(measure)
    breaks = np.flatnonzero(np.diff(series.index.to_numpy()) != 1)
    start = breaks[-1] + 1 if len(breaks) else 0
    return series.iloc[start:].rename(measure)


def annual_growth(series: pd.Series) -> pd.DataFrame:
    """Year-on-year growth: ``year``, ``value``, ``growth`` (fraction; NaN for the first year or a gap)."""
    s = series.sort_index().astype(float)
    years = s.index.to_numpy()
    prev = s.shift(1).where(np.r_[False, np.diff(years) == 1])
    return pd.DataFrame({"year": years, "value": s.to_numpy(), "growth": (s / prev - 1).to_numpy()})


def cagr(series: pd.Series, start: int | None = None, end: int | None = None) -> float:
    """Compound annual growth rate between two years: (value_end / value_start) ** (1 / (end - start)) - 1.

    Defaults to the first and last years of ``series``. Only the two end points matter, which is why the page
    shows it beside a fitted trend that uses every year. Growth from a year with none (0) is undefined: NaN.
    """
    start = int(series.index.min()) if start is None else start
    end = int(series.index.max()) if end is None else end
    if end <= start:
        raise ValueError(f"CAGR needs end > start, got {start}–{end}")
    first, last = float(series.loc[start]), float(series.loc[end])
    if first <= 0:
        return float("nan")
    return (last / first) ** (1.0 / (end - start)) - 1.0


def indexed(values: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Each group's series as an index, base year = 100, so areas of any size can share one chart.

    ``values``: tidy ``year``, ``group``, ``value``. Returns the same with ``index`` added; groups without a value
    in the base year are dropped.
    """
    base = values.loc[values["year"] == base_year].set_index("group")["value"]
    out = values.loc[values["group"].isin(base.index)].copy()
    out["index"] = 100.0 * out["value"] / out["group"].map(base)
    return out.reset_index(drop=True)


def comparator_totals(ees: pd.DataFrame, measure: str, groups: Mapping[str, list[str]]) -> pd.DataFrame:
    """Yearly totals of ``measure`` for named groups of areas (``{"Statistical neighbours": [area codes]}``).

    A group's value is the sum over its members (ratio of sums, ``modelling_methods.md`` §7.2), counted only in
    years where every member has a value, so a missing neighbour never looks like a fall. Returns tidy
    ``year``, ``group``, ``value``, ``areas``.
    """
    frames = []
    for name, codes in groups.items():
        rows = ees.loc[ees["area_code"].isin(codes), ["year", "area_code", measure]]
        by_year = rows.groupby("year")[measure].agg(["sum", "count"])
        complete = by_year.loc[by_year["count"] == len(set(codes))]
        frames.append(pd.DataFrame({"year": complete.index.astype(int), "group": name,
                                    "value": complete["sum"].to_numpy(float), "areas": complete["count"].to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["year", "group", "value", "areas"])


# --- trend models -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrendFit:
    """A fitted annual trend model.

    ``model``: :data:`LOGLINEAR`, :data:`DAMPED` or :data:`DRIFT`; ``family``: ``"poisson"`` (quasi-Poisson scale)
    or ``"negative binomial"`` for the log-linear model; ``growth``: the fitted annual growth (fraction) for the
    next year; ``aicc``: on the count scale, comparable across models (NaN for the drift benchmark);
    ``n_params``: parameters counted in the AICc; ``dispersion``: quasi-Poisson φ or NB2 α; ``covid_year``: the
    year treated as a pulse, or None.
    """

    model: str
    series: pd.Series
    result: Any
    growth: float
    aicc: float
    n_params: int
    family: str | None = None
    dispersion: float = float("nan")
    covid_year: int | None = None


def _check_series(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = series.sort_index()
    years = s.index.to_numpy(int)
    y = s.to_numpy(float)
    if len(y) < MIN_YEARS:
        raise ValueError(f"a trend needs at least {MIN_YEARS} years, got {len(y)}")
    if np.any(np.diff(years) != 1):
        raise ValueError(f"a trend needs consecutive years, got {list(years)}")
    if not np.all(np.isfinite(y)) or np.any(y <= 0):
        raise ValueError("a trend needs positive counts in every year")
    return years, y


def _design(years: np.ndarray, base: int, covid_year: int | None) -> np.ndarray:
    """Intercept, years since ``base``, and (when ``covid_year`` is given) a pulse indicator for that year."""
    cols = [np.ones(len(years)), (years - base).astype(float)]
    if covid_year is not None:
        cols.append((years == covid_year).astype(float))
    return np.column_stack(cols)


def _fit_negbin(y: np.ndarray, X: np.ndarray, start: np.ndarray) -> Any:
    """NB2 maximum-likelihood fit (statsmodels ``NegativeBinomial``), or None when it does not give a usable fit.

    On Poisson-like data α̂ runs to 0 and the information matrix is singular; the Poisson model is then the right
    one anyway, so that case (and any failed optimisation) returns None rather than a warning.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(
            start_params=np.r_[start, 0.01], disp=0, maxiter=1000, method="lbfgs")
        try:
            cov = np.asarray(nb.cov_params())
        except (ValueError, np.linalg.LinAlgError):
            return None
    usable = (nb.mle_retvals["converged"] and np.isfinite(nb.llf) and nb.params[-1] > 1e-8
              and np.all(np.isfinite(cov)) and np.all(np.diag(cov) > 0))
    return nb if usable else None


def fit_loglinear(series: pd.Series, *, covid_year: int = COVID_YEAR) -> TrendFit:
    """Log-linear count trend, log E[Y_t] = β₀ + β₁(t − t₀) [+ β₂·1(t = 2020)]; growth = e^β₁ − 1.

    ``modelling_methods.md`` §3.1. Poisson and negative binomial (NB2, Var = μ + αμ²) are both fitted by maximum
    likelihood and the one with the lower AICc is kept; NB2 is only tried when the Poisson fit is over-dispersed
    (Pearson X²/(n − p) > 1) and NB2 leaves at least two residual degrees of freedom. When Poisson is kept its
    standard errors use the quasi-Poisson scale φ̂ = Pearson X²/(n − p) (floored at 1), because annual counts are
    nearly always more variable than Poisson. The 2020 indicator is included when 2020 is in the series and a
    residual degree of freedom remains (four years or more).
    """
    years, y = _check_series(series)
    covid = bool(np.any(years == covid_year)) and len(y) >= 4
    X = _design(years, int(years[0]), covid_year if covid else None)
    p = X.shape[1]
    poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    phi = max(1.0, float(poisson.pearson_chi2 / max(len(y) - p, 1)))
    best = ("poisson", poisson, _aicc(poisson.llf, len(y), p), phi)
    if phi > 1.0 and len(y) - (p + 1) >= 2:
        nb = _fit_negbin(y, X, poisson.params)
        nb_aicc = _aicc(nb.llf, len(y), p + 1) if nb is not None else np.inf
        if nb is not None and nb_aicc < best[2]:
            best = ("negative binomial", nb, nb_aicc, float(nb.params[-1]))
    family, result, aicc, dispersion = best
    if family == "poisson":
        result = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale=phi)
    return TrendFit(LOGLINEAR, series.sort_index().astype(float), result, float(np.expm1(result.params[1])),
                    float(aicc), p + (family == "negative binomial"), family, dispersion,
                    covid_year if covid else None)


def _covid_adjusted(years: np.ndarray, y: np.ndarray, covid_year: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Log series with the pulse year replaced by the geometric mean of its neighbours (dropped if it is last)."""
    logy = np.log(y)
    where = np.flatnonzero(years == covid_year)
    if not len(where) or where[0] == 0:
        return years, logy, False
    i = where[0]
    if i == len(y) - 1:
        return years[:-1], logy[:-1], True
    logy = logy.copy()
    logy[i] = 0.5 * (logy[i - 1] + logy[i + 1])
    return years, logy, True


def fit_damped(series: pd.Series, *, covid_year: int = COVID_YEAR) -> TrendFit:
    """Damped-trend exponential smoothing ETS(A,Ad,N) on log counts (statsmodels ``ETSModel``).

    ``modelling_methods.md`` §3.2; FPP3 §8.2 (damped trends suit horizons beyond 2–3 years). Free parameters:
    α, β, φ (plus σ); the initial level and trend are set from the first two points as in R
    ``forecast::holt(initial = "simple")`` rather than estimated, to keep the parameter count down on short
    series. AICc is on the count scale: the log-scale likelihood minus Σ log yₜ (the Jacobian of the log), so it
    can be compared with the count model. Needs two residual degrees of freedom for AICc.
    """
    years, y = _check_series(series)
    _, logy, covid = _covid_adjusted(years, y, covid_year)
    k = 4 + int(covid)  # α, β, φ, σ (+ the 2020 pulse)
    if len(logy) - k - 1 < 2:
        raise ValueError(f"damped-trend ETS needs at least {k + 3} years to fit (a final 2020 is left out), "
                         f"got {len(logy)}")
    model = ETSModel(pd.Series(logy, index=pd.RangeIndex(len(logy))), error="add", trend="add",
                     damped_trend=True, initialization_method="known",
                     initial_level=float(logy[0]), initial_trend=float(logy[1] - logy[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = model.fit(disp=False)
    llf_counts = float(result.llf) - float(np.sum(logy))
    next_step = float(result.phi * result.states["trend"].iloc[-1])
    return TrendFit(DAMPED, series.sort_index().astype(float), result,
                    float(np.expm1(next_step)), float(_aicc(llf_counts, len(logy), k)), k, None,
                    float("nan"), covid_year if covid else None)


def fit_drift(series: pd.Series) -> TrendFit:
    """Random walk with drift on log counts, ARIMA(0,1,0) with a constant: the benchmark every model must beat.

    FPP3 §5.2 ("drift method"); fitted with statsmodels ``ARIMA(order=(0, 1, 0), trend="t")``.
    """
    _, y = _check_series(series)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = ARIMA(np.log(y), order=(0, 1, 0), trend="t").fit()
    return TrendFit(DRIFT, series.sort_index().astype(float), result, float(np.expm1(result.params[0])),
                    float("nan"), 2)


def choose_model(series: pd.Series, *, covid_year: int = COVID_YEAR) -> TrendFit:
    """The trend model with the lowest AICc: log-linear count model or damped-trend ETS.

    FPP3 §13.7: AICc approximates one-step out-of-sample error and, on short series, favours models with few
    parameters; damped ETS is only a candidate when the series is long enough for its AICc.
    """
    fits = [fit_loglinear(series, covid_year=covid_year)]
    try:
        fits.append(fit_damped(series, covid_year=covid_year))
    except ValueError:
        pass
    return min(fits, key=lambda f: f.aicc)


# --- forecasts --------------------------------------------------------------------------------------------------

def _tidy(model: str, years: np.ndarray, mean: np.ndarray, bounds: dict[float, tuple[np.ndarray, np.ndarray]]
          ) -> pd.DataFrame:
    rows = [pd.DataFrame({"year": years, "mean": mean, "lower": lo, "upper": hi, "level": level, "model": model})
            for level, (lo, hi) in bounds.items()]
    return pd.concat(rows, ignore_index=True).sort_values(["level", "year"], ignore_index=True)


def simulate_loglinear(fit: TrendFit, years: np.ndarray, *, n_sims: int = 10_000, seed: int = 0) -> np.ndarray:
    """Simulated future counts from a log-linear fit, shape (n_sims, len(years)).

    ``modelling_methods.md`` §3.1: draw β* ~ N(β̂, Σ̂) (parameter uncertainty; multivariate t with n − p degrees
    of freedom for quasi-Poisson, whose scale is estimated), μ* = exp(X β*), then a count y* ~ NB2(μ*, α̂) or, for
    quasi-Poisson, a gamma–Poisson count with variance φ̂μ* (Poisson when φ̂ = 1). Hand written because
    statsmodels gives intervals for the mean only. Uncertainty in NB2's α̂ is not propagated, and with few years
    the residual autocorrelation is under-estimated (Turner et al. 2020), so the back-test reports real coverage.
    """
    rng = np.random.default_rng(seed)
    base = int(fit.series.index.min())
    X = _design(np.asarray(years), base, fit.covid_year)
    params = np.asarray(fit.result.params)
    cov = np.asarray(fit.result.cov_params())
    p = X.shape[1]
    beta = rng.multivariate_normal(params[:p], cov[:p, :p], size=n_sims, method="cholesky")
    if fit.family == "poisson":
        # quasi-Poisson: φ is estimated from n − p residual degrees of freedom, so β is multivariate t, not normal
        df = max(len(fit.series) - p, 1)
        beta = params[:p] + (beta - params[:p]) * np.sqrt(df / rng.chisquare(df, size=(n_sims, 1)))
    mu = np.exp(np.clip(beta @ X.T, None, _MAX_LOG_COUNT))
    if fit.family == "negative binomial":
        alpha = max(fit.dispersion, 1e-12)
        lam = rng.gamma(shape=1.0 / alpha, scale=alpha * mu)
    elif fit.dispersion > 1.0:
        excess = fit.dispersion - 1.0
        lam = rng.gamma(shape=mu / excess, scale=excess)
    else:
        lam = mu
    return rng.poisson(lam).astype(float)


def forecast(fit: TrendFit, horizon: int = 3, *, levels: tuple[float, ...] = LEVELS, n_sims: int = 10_000,
             seed: int = 0) -> pd.DataFrame:
    """Forecast the next ``horizon`` years with prediction intervals for the counts themselves.

    Returns tidy ``year``, ``mean``, ``lower``, ``upper``, ``level``, ``model``. Log-linear: ``mean`` = exp(x'β̂),
    limits are quantiles of :func:`simulate_loglinear`. Damped ETS and drift: statsmodels' analytic intervals on the
    log scale, exponentiated; ``mean`` is bias-adjusted, exp(m + v/2) (FPP3 §5.6), because exp(m) is a median.
    """
    last = int(fit.series.index.max())
    years = np.arange(last + 1, last + horizon + 1)
    if fit.model == LOGLINEAR:
        sims = simulate_loglinear(fit, years, n_sims=n_sims, seed=seed)
        X = _design(years, int(fit.series.index.min()), fit.covid_year)
        mean = np.exp(X @ np.asarray(fit.result.params)[:X.shape[1]])
        bounds = {lv: (np.quantile(sims, (1 - lv) / 2, axis=0), np.quantile(sims, (1 + lv) / 2, axis=0))
                  for lv in levels}
        return _tidy(fit.model, years, mean, bounds)
    if fit.model == DAMPED:
        n = int(fit.result.nobs)
        skipped = len(fit.series) - n  # 1 when a final 2020 was left out of the fit
        pred = fit.result.get_prediction(start=n + skipped, end=n + skipped + horizon - 1)
        m = np.asarray(pred.predicted_mean, float)
        sd = np.sqrt(np.asarray(pred.forecast_variance, float))
    else:
        pred = fit.result.get_forecast(horizon)
        m = np.asarray(pred.predicted_mean, float)
        sd = np.sqrt(np.asarray(pred.var_pred_mean, float))
    bounds = {}
    for lv in levels:
        z = stats.norm.ppf((1 + lv) / 2)
        bounds[lv] = (np.exp(m - z * sd), np.exp(m + z * sd))
    return _tidy(fit.model, years, np.exp(m + sd**2 / 2), bounds)


def forecast_table(series: pd.Series, fc: pd.DataFrame) -> pd.DataFrame:
    """Past values and a forecast side by side, one row per year, for the data table behind a fan chart.

    Columns: ``year``, ``actual`` (NaN in forecast years), ``forecast`` (NaN in past years) and, for each level
    in ``fc``, ``lower_80``/``upper_80`` etc.
    """
    past = pd.DataFrame({"year": series.index.astype(int), "actual": series.to_numpy(float)})
    wide = fc.loc[fc["level"] == fc["level"].min(), ["year", "mean"]].rename(columns={"mean": "forecast"})
    for level, part in fc.groupby("level"):
        pct = round(level * 100)
        wide = wide.merge(part[["year", "lower", "upper"]].rename(
            columns={"lower": f"lower_{pct}", "upper": f"upper_{pct}"}), on="year")
    return pd.concat([past, wide], ignore_index=True)


# --- back-testing -----------------------------------------------------------------------------------------------

def backtest(series: pd.Series, *, horizon: int = 2, min_train: int = 5, levels: tuple[float, ...] = LEVELS,
             covid_year: int = COVID_YEAR, n_sims: int = 4_000) -> pd.DataFrame:
    """Rolling-origin back-test (FPP3 §5.10): fit to the first years, forecast the next ``horizon``, move on a year.

    E.g. fit to 2014–2019 and forecast 2020–2021, then fit to 2014–2020 and forecast 2021–2022, and so on. The
    chosen model (AICc at each origin), the log-linear and damped models, and the drift benchmark are all run.
    Returns one row per (model, origin, year, level): ``model``, ``origin`` (last fitted year), ``year``,
    ``horizon``, ``actual``, ``mean``, ``lower``, ``upper``, ``level``, ``covered``, ``ape`` (absolute % error).
    """
    s = series.sort_index().astype(float)
    years = s.index.to_numpy(int)
    rows = []
    for cut in range(min_train, len(s)):
        train = s.iloc[:cut]
        fits: dict[str, TrendFit] = {}
        chosen = choose_model(train, covid_year=covid_year)
        fits["chosen model"] = chosen
        fits[LOGLINEAR] = fit_loglinear(train, covid_year=covid_year)
        try:
            fits[DAMPED] = fit_damped(train, covid_year=covid_year)
        except ValueError:
            pass
        fits[DRIFT] = fit_drift(train)
        h = min(horizon, len(s) - cut)
        for name, fit in fits.items():
            fc = forecast(fit, h, levels=levels, n_sims=n_sims, seed=cut)
            fc["model"] = name
            fc["origin"] = int(years[cut - 1])
            rows.append(fc)
    out = pd.concat(rows, ignore_index=True)
    out["actual"] = out["year"].map(s)
    out["horizon"] = out["year"] - out["origin"]
    out["covered"] = (out["actual"] >= out["lower"]) & (out["actual"] <= out["upper"])
    out["ape"] = 100.0 * (out["actual"] - out["mean"]).abs() / out["actual"]
    return out[["model", "origin", "year", "horizon", "actual", "mean", "lower", "upper", "level", "covered", "ape"]]


def backtest_summary(backtest_rows: pd.DataFrame) -> pd.DataFrame:
    """Per model: ``forecasts``, ``mape`` (mean absolute % error), and ``coverage_80``/``coverage_95`` (% of actual
    values inside the 80%/95% ranges; a well-calibrated model scores near 80 and 95)."""
    first_level = backtest_rows["level"].min()
    point = backtest_rows.loc[backtest_rows["level"] == first_level]
    out = point.groupby("model", sort=False).agg(forecasts=("ape", "size"), mape=("ape", "mean")).reset_index()
    for level in sorted(backtest_rows["level"].unique()):
        cov = backtest_rows.loc[backtest_rows["level"] == level].groupby("model", sort=False)["covered"].mean()
        out[f"coverage_{round(level * 100)}"] = out["model"].map(100.0 * cov)
    return out


# --- honest forecasts: methods that start from the latest actual, chosen by back-test ------------------------------
# Issue 21: a long-run fitted trend restarts away from the latest year (Kent plans in place 20,635 → 26,333 in one
# year). Every method below starts from the latest level, and a council's method is chosen by how well each would
# have forecast that council's own past years (rolling origin), scored by MASE (Hyndman & Koehler 2006) against the
# naive method: a method that does not beat the naive forecast is not used.

NAIVE = "naive (last value)"
LOCAL_LEVEL = "local level"
#: Candidate methods, simplest first (ties go to the simpler). Naive and drift are the benchmarks (FPP3 §5.2).
METHODS: tuple[str, ...] = (NAIVE, DRIFT, LOCAL_LEVEL, DAMPED)
BENCHMARK_METHODS: tuple[str, ...] = (NAIVE, DRIFT)
#: Fewest training years at a back-test origin (drift needs a residual degree of freedom beyond its slope).
MIN_TRAIN = 4
#: Fewest years for each method's fit; below it the method falls back to the naive forecast (said on the page).
_MIN_FIT = {NAIVE: 2, DRIFT: 3, LOCAL_LEVEL: 4, DAMPED: 6}
#: Fewest back-test errors for a range built from them (:func:`forecast_path`); fewer: the model's own variance.
MIN_OOS = 3
#: Upper limits of a range are capped at this multiple of the highest year published (see :func:`plausible_cap`).
PLAUSIBLE_FACTOR = 2.0


@dataclass(frozen=True)
class PathForecast:
    """A method's forecast on the log scale z = log(1 + count): ``mean`` and ``var`` (forecast variance) for
    horizons 1..h, and ``df``, the degrees of freedom of its variance estimate (for Student-t ranges)."""

    method: str
    mean: np.ndarray
    var: np.ndarray
    df: int


def _to_log(y: np.ndarray) -> np.ndarray:
    """log(1 + y): counts of 0 are allowed (Isles of Scilly had 0 requests in 2019)."""
    return np.log1p(np.asarray(y, float))


def _fill_missing(z: np.ndarray) -> np.ndarray:
    """Missing (flagged) years filled by straight-line interpolation on the log scale between their neighbours."""
    z = np.asarray(z, float).copy()
    bad = ~np.isfinite(z)
    if bad.any() and (~bad).sum() >= 2:
        idx = np.arange(len(z))
        z[bad] = np.interp(idx[bad], idx[~bad], z[~bad])
    return z


def _ets_path(z: np.ndarray, horizon: int, damped: bool) -> tuple[np.ndarray, np.ndarray]:
    series = pd.Series(z, index=pd.RangeIndex(len(z)))
    if damped:
        model = ETSModel(series, error="add", trend="add", damped_trend=True, initialization_method="known",
                         initial_level=float(z[0]), initial_trend=float(z[1] - z[0]))
    else:
        model = ETSModel(series, error="add", trend=None, initialization_method="known", initial_level=float(z[0]))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = model.fit(disp=False)
        pred = result.get_prediction(start=len(z), end=len(z) + horizon - 1)
        return np.asarray(pred.predicted_mean, float), np.asarray(pred.forecast_variance, float)


def method_forecast(method: str, z: np.ndarray, horizon: int) -> PathForecast:
    """Forecast ``horizon`` steps of a log series ``z`` with one of :data:`METHODS`.

    * naive: z_{T+h} = z_T, variance h·σ², σ² the mean squared yearly change (FPP3 §5.5);
    * drift: z_T + h·d, d = (z_T − z_1)/(T − 1), variance h·σ²·(1 + h/(T − 1)) (FPP3 §5.5, drift);
    * local level: simple exponential smoothing ETS(A,N,N) (statsmodels ``ETSModel``), analytic variance;
    * damped trend: ETS(A,Ad,N) started from the first two years, analytic variance.
    A method without enough years (:data:`_MIN_FIT`) falls back to naive. Every method starts from the latest
    level (naive and drift exactly; the smoothing models from their filtered level), so year one is continuous.
    """
    z = _fill_missing(z)
    n = len(z)
    h = np.arange(1, horizon + 1, dtype=float)
    if n < _MIN_FIT.get(method, 2) or method == NAIVE:
        if n < 2:
            raise ValueError("a forecast needs at least two years")
        diffs = np.diff(z)
        sigma2 = float(np.mean(diffs ** 2))
        return PathForecast(NAIVE, np.full(horizon, z[-1]), h * sigma2, max(n - 1, 1))
    if method == DRIFT:
        d = (z[-1] - z[0]) / (n - 1)
        resid = np.diff(z) - d
        sigma2 = float(np.sum(resid ** 2) / max(n - 2, 1))
        return PathForecast(DRIFT, z[-1] + h * d, h * sigma2 * (1 + h / (n - 1)), max(n - 2, 1))
    if method in (LOCAL_LEVEL, DAMPED):
        mean, var = _ets_path(z, horizon, damped=method == DAMPED)
        k = 1 if method == LOCAL_LEVEL else 3
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(var)) and np.all(var > 0)):
            return method_forecast(NAIVE, z, horizon)
        return PathForecast(method, mean, var, max(n - 1 - k, 1))
    raise ValueError(f"unknown forecast method {method!r}")


def path_bounds(path: PathForecast, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper limits on the count scale: Student-t quantiles (``path.df`` degrees of freedom, because σ is
    estimated from a handful of years) on the log scale, transformed back; lower limits floored at 0."""
    q = stats.t.ppf((1 + level) / 2, path.df)
    sd = np.sqrt(path.var)
    return np.maximum(np.expm1(path.mean - q * sd), 0.0), np.expm1(path.mean + q * sd)


def naive_scale(y: np.ndarray) -> float:
    """MASE scale: mean absolute year-on-year change of the training years (in-sample naive error), at least 1.

    E.g. 100, 110, 104 → (10 + 6) / 2 = 8. Floored at 1 so a perfectly flat small series does not divide by 0.
    """
    y = np.asarray(y, float)
    d = np.abs(np.diff(y))
    d = d[np.isfinite(d)]
    return max(float(np.mean(d)) if len(d) else 1.0, 1.0)


def rolling_backtest(series: pd.Series, *, horizon: int = 1, min_train: int = MIN_TRAIN,
                     levels: tuple[float, ...] = LEVELS, methods: tuple[str, ...] = METHODS,
                     flagged: tuple[int, ...] = ()) -> pd.DataFrame:
    """Rolling-origin back-test (FPP3 §5.10) of each method on one council's own series.

    At each origin the method sees only the years up to it (flagged years as missing), forecasts ``horizon``
    years ahead, and is scored against what was published: ``ase`` = |actual − forecast| ÷ :func:`naive_scale`
    of the training years (the mean of ``ase`` is the MASE; below 1 beats the naive method's typical in-sample
    error), and ``covered_80``/``covered_95``. Flagged years are not scored. Returns one row per (method,
    origin, year): ``method``, ``origin``, ``year``, ``horizon``, ``actual``, ``forecast`` and the scores.
    """
    s = series.sort_index().astype(float)
    years = s.index.to_numpy(int)
    y = s.to_numpy(float).copy()
    y[np.isin(years, list(flagged))] = np.nan
    rows = []
    for cut in range(min_train, len(s)):
        train = y[:cut]
        if np.isfinite(train).sum() < 2:
            continue
        h = min(horizon, len(s) - cut)
        for method in methods:
            path = method_forecast(method, _to_log(train), h)
            point = np.expm1(path.mean)
            row = {"method": method, "origin": int(years[cut - 1]), "year": years[cut:cut + h],
                   "horizon": np.arange(1, h + 1), "actual": y[cut:cut + h], "forecast": point}
            for level in levels:
                lo, hi = path_bounds(path, level)
                row[f"lower_{round(level * 100)}"] = lo
                row[f"upper_{round(level * 100)}"] = hi
            rows.append(pd.DataFrame(row))
    cols = ["method", "origin", "year", "horizon", "actual", "forecast", "ase"] + [
        f"covered_{round(lv * 100)}" for lv in levels]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    out = out[np.isfinite(out["actual"])].reset_index(drop=True)
    scales = {o: naive_scale(y[:list(years).index(o) + 1]) for o in out["origin"].unique()}
    out["ase"] = (out["actual"] - out["forecast"]).abs() / out["origin"].map(scales)
    for level in levels:
        pct = round(level * 100)
        out[f"covered_{pct}"] = (out["actual"] >= out[f"lower_{pct}"]) & (out["actual"] <= out[f"upper_{pct}"])
    return out


def method_scores(bt: pd.DataFrame) -> pd.DataFrame:
    """Per method: ``forecasts`` checked, ``mase`` (mean of ``ase``), ``mae`` (mean absolute error, counts), ``mape``
    (mean absolute % error, years with a count above 0), ``coverage_80``/``coverage_95`` (%), and
    ``relative`` = MASE ÷ the naive method's MASE (below 1: better than carrying the last value forward)."""
    if bt.empty:
        return pd.DataFrame(columns=["method", "forecasts", "mase", "mae", "mape", "coverage_80", "coverage_95",
                                     "relative"])
    bt = bt.assign(ae=(bt["actual"] - bt["forecast"]).abs(),
                   ape=100 * (bt["actual"] - bt["forecast"]).abs() / bt["actual"].where(bt["actual"] > 0))
    agg = bt.groupby("method", sort=False).agg(forecasts=("ase", "size"), mase=("ase", "mean"), mae=("ae", "mean"),
                                               mape=("ape", "mean"), coverage_80=("covered_80", "mean"),
                                               coverage_95=("covered_95", "mean"))
    agg[["coverage_80", "coverage_95"]] *= 100
    naive = agg.loc[NAIVE, "mase"] if NAIVE in agg.index else np.nan
    agg["relative"] = agg["mase"] / naive if naive and np.isfinite(naive) and naive > 0 else np.nan
    return agg.reset_index()


def choose_method(scores: pd.DataFrame) -> str:
    """The method with the lowest back-test MASE; ties (within 1%) go to the simpler (earlier in :data:`METHODS`).

    A method that does not beat the naive forecast can never be chosen over it, because naive is a candidate and
    comes first. With no back-test, or fewer than :data:`MIN_OOS` past forecasts (too few to tell methods
    apart), the naive forecast is used.
    """
    if scores.empty or scores["forecasts"].max() < MIN_OOS:
        return NAIVE
    by = scores.set_index("method")["mase"]
    best = float(by.min())
    for method in METHODS:
        if method in by.index and by[method] <= best * 1.01 + 1e-12:
            return method
    return NAIVE


#: A series whose highest published year is below this is "small" and gets capped ranges (:func:`plausible_cap`).
SMALL_COUNT = 100


def plausible_cap(series: pd.Series) -> float:
    """The highest count a small series' range may reach: :data:`PLAUSIBLE_FACTOR` × its highest year (at least
    10); infinite (no cap) when the highest year is :data:`SMALL_COUNT` or more.

    On a log scale a tiny series' swings (Isles of Scilly: 1, 1, 1, 0, 2, 3, 1, 8, 2 requests) make the upper
    limit explode (42,257 requests in 2027 under the old trend model), so for small councils the range stops at
    twice the highest year published and the page says so.
    """
    s = series.dropna()
    if not len(s) or float(s.max()) >= SMALL_COUNT:
        return float("inf")
    return max(PLAUSIBLE_FACTOR * float(s.max()), 10.0)


def forecast_path(series: pd.Series, method: str, horizon: int = 3, *, levels: tuple[float, ...] = LEVELS,
                  flagged: tuple[int, ...] = (), oos_errors: np.ndarray | None = None) -> tuple[pd.DataFrame, bool]:
    """Forecast ``horizon`` years after the last year of ``series`` with ``method`` (:func:`method_forecast`).

    ``oos_errors``: the method's one-year-ahead back-test errors on the log scale; with :data:`MIN_OOS` or more,
    the forecast variance at horizon h is h × their mean square (Student t with as many degrees of freedom as
    errors), so the range reflects the method's own track record on this council.

    Returns the tidy forecast (``year``, ``mean``, ``lower``, ``upper``, ``level``, ``model``; ``mean`` is the
    median on the count scale, exp of the log-scale mean, so year one with the naive method *is* the last actual)
    and whether any upper limit was capped at :func:`plausible_cap`.
    """
    s = series.sort_index().astype(float)
    y = s.to_numpy(float).copy()
    y[np.isin(s.index.to_numpy(int), list(flagged))] = np.nan
    path = method_forecast(method, _to_log(y), horizon)
    if oos_errors is not None and len(oos_errors) >= MIN_OOS:
        # the range comes from the method's own one-year-ahead errors on this council's past years (log scale),
        # growing with the horizon like a random walk's, not from the fit's residuals, which flatter it
        oos = float(np.mean(np.square(oos_errors)))
        h = np.arange(1, horizon + 1, dtype=float)
        path = PathForecast(path.method, path.mean, h * oos, len(oos_errors))
    last = int(s.index.max())
    years = np.arange(last + 1, last + horizon + 1)
    cap = plausible_cap(s)
    mean = np.minimum(np.expm1(path.mean), cap)
    bounds, capped = {}, False
    for level in levels:
        lo, hi = path_bounds(path, level)
        capped = capped or bool(np.any(hi > cap))
        bounds[level] = (np.minimum(lo, mean), np.minimum(hi, cap))
    return _tidy(path.method, years, mean, bounds), capped


def stock_flow_forecast(in_place: pd.Series, new_plans: MeasureForecast, ceased: pd.Series,
                        direct: pd.DataFrame) -> pd.DataFrame | None:
    """Plans in place projected by stock and flow: next January = this January + new plans − plans ceased + other.

    ``in_place`` is indexed by census year (January); ``new_plans`` and ``ceased`` by calendar year, so January
    T+1 = January T + new(T) − ceased(T) + other(T). Ceased plans are projected as the council's ceasing rate
    (ratio of summed counts: Σ ceased ÷ Σ plans in place at the start of those years) times the stock; ``other``
    (moves in and out of the area, corrections) is the mean of the published gap between the two sides. New plans
    are the new-plans forecast's central path. The ranges are the direct forecast's (``direct``), moved to the
    stock-and-flow centre and widened by the two methods' disagreement (added in quadrature on the log scale).
    None without ceased plans, or without a new-plans forecast for the years needed.
    """
    flows = pd.concat([in_place, new_plans.series, ceased], axis=1, keys=["stock", "new", "ceased"]).sort_index()
    flows["next_stock"] = in_place.reindex(flows.index + 1).to_numpy()
    both = flows.dropna(subset=["stock", "ceased"])
    if both.empty or both["stock"].sum() <= 0:
        return None
    rate = float(both["ceased"].sum() / both["stock"].sum())
    gap = (flows["next_stock"] - flows["stock"] - flows["new"] + flows["ceased"]).dropna()
    other = float(gap.mean()) if len(gap) else 0.0
    central_new = new_plans.forecast.loc[new_plans.forecast["level"] == new_plans.forecast["level"].min()]
    new_by_year = central_new.set_index("year")["mean"]
    last = int(in_place.index.max())
    stock = float(in_place.loc[last])
    years = sorted(direct["year"].unique())
    centre = {}
    for year in years:
        flow_year = year - 1
        new = new_by_year.get(flow_year, new_plans.series.get(flow_year))
        if new is None or narrative.is_missing(new):
            return None
        stock = stock + float(new) - rate * stock + other
        centre[year] = stock
    out = direct.copy()
    flow = out["year"].map(centre).clip(lower=0.0)
    if not (np.all(flow > 0) and np.all(out["mean"] > 0)):
        return None  # a projection that runs out of plans is no projection: the direct forecast is used
    # the range: the direct forecast's, moved to the stock-and-flow centre and widened (on the log scale) by the
    # disagreement between the two methods, which is itself uncertainty about next January
    disagreement = np.abs(np.log(flow / out["mean"]))
    below = np.sqrt(np.log(out["mean"] / out["lower"].clip(lower=1e-9)) ** 2 + disagreement ** 2)
    above = np.sqrt(np.log(out["upper"] / out["mean"]) ** 2 + disagreement ** 2)
    out["mean"], out["lower"], out["upper"] = flow, flow * np.exp(-below), flow * np.exp(above)
    out["model"] = STOCK_FLOW
    return out


STOCK_FLOW = "stock and flow"


# --- scenarios --------------------------------------------------------------------------------------------------

def conversion_rate(requests: pd.Series, assessed: pd.Series, *, years: int = 3) -> float:
    """Share of requests the LA decided to assess, as a ratio of sums over the last ``years`` years with both.

    From the DfE release: ``requests_decided_to_assess / requests_received``. A ratio of sums, not a mean of
    yearly rates (``modelling_methods.md`` §7.2), over three years to steady a small LA's rate.
    """
    both = pd.concat([requests, assessed], axis=1, keys=["r", "a"]).dropna().sort_index().tail(years)
    if both.empty or both["r"].sum() <= 0:
        return float("nan")
    return float(both["a"].sum() / both["r"].sum())


def scenarios(series: pd.Series, trend: pd.DataFrame, *, conversion: float, hours_per_assessment: float,
              extra: Mapping[str, float | None] | None = None) -> pd.DataFrame:
    """Requests, assessments and EP assessment hours per year under demand scenarios.

    * "Trend continues": the forecast ``mean`` in ``trend`` (from :func:`forecast`), with its 80% range;
    * "Growth halves": from the latest actual, each year grows by half the trend's growth for that year;
    * "Growth stops": requests stay at the latest actual (or follow the trend where it falls), so the built-in
      scenarios are ordered by construction: growth stops ≤ growth halves ≤ trend continues, for requests and
      for the assessments and EP hours derived from them (both are requests × a fixed factor);
    * ``extra``: named growth rates per year (fraction) from the pack config; ``None`` means the trend. A config
      scenario with a built-in name replaces the built-in one (the pack config is the user's explicit choice).
    Assessments = requests × ``conversion`` (the LA's own rate, :func:`conversion_rate`); EP hours =
    assessments × ``hours_per_assessment`` (a pack-config assumption). Returns tidy ``scenario``, ``year``,
    ``requests``, ``requests_lower``, ``requests_upper`` (trend only), ``assessments``, ``ep_hours``.
    """
    latest = float(series.sort_index().iloc[-1])
    t = trend.loc[trend["level"] == trend["level"].min()].sort_values("year")
    years = t["year"].to_numpy(int)
    mean = t["mean"].to_numpy(float)
    steps = mean / np.r_[latest, mean[:-1]] - 1.0
    h = np.arange(1, len(years) + 1)
    # Ordered by construction, year by year: stops ≤ halves ≤ trend. When the trend falls, "halves" and "stops"
    # follow it down (growth that is already negative cannot stop or halve upwards).
    paths: dict[str, np.ndarray] = {
        "Trend continues": mean,
        "Growth halves": latest * np.cumprod(1.0 + np.where(steps > 0, steps / 2.0, steps)),
        "Growth stops": latest * np.cumprod(1.0 + np.minimum(steps, 0.0)),
    }
    for name, rate in (extra or {}).items():
        paths[name] = mean if rate is None else latest * (1.0 + rate) ** h
    frames = []
    for name, requests in paths.items():
        is_trend = name == "Trend continues"
        frames.append(pd.DataFrame({
            "scenario": name, "year": years, "requests": requests,
            "requests_lower": t["lower"].to_numpy(float) if is_trend else np.nan,
            "requests_upper": t["upper"].to_numpy(float) if is_trend else np.nan,
        }))
    out = pd.concat(frames, ignore_index=True)
    out["assessments"] = out["requests"] * conversion
    out["ep_hours"] = out["assessments"] * hours_per_assessment
    return out


# --- monthly local series ---------------------------------------------------------------------------------------

def _monthly(series: pd.Series) -> pd.Series:
    """Monthly counts on a regular monthly PeriodIndex; a month with no row had no events, so it counts 0."""
    s = series.astype(float)
    months = pd.PeriodIndex(pd.DatetimeIndex(s.index), freq="M")
    s = pd.Series(s.to_numpy(), index=months, name=series.name).groupby(level=0).sum()
    s = s.reindex(pd.period_range(months.min(), months.max(), freq="M"), fill_value=0.0)
    if len(s) < MIN_MONTHS:
        raise ValueError(f"seasonal decomposition needs at least {MIN_MONTHS} months, got {len(s)}")
    return s


def _stl(s: pd.Series) -> Any:
    """Robust STL with a periodic seasonal pattern, as R ``stl(s.window = "periodic")`` (window 10n + 1, degree 0).

    With only a few years each month's sub-series has 2–4 points, and the default 7-point seasonal smoother would
    absorb all the noise into the "seasonal" pattern; one fixed pattern is what a short series supports.
    """
    return STL(s, period=12, seasonal=10 * len(s) + 1, seasonal_deg=0, robust=True).fit()


def monthly_decomposition(series: pd.Series) -> pd.DataFrame:
    """STL decomposition of a monthly count series into trend, a fixed seasonal pattern and the remainder.

    Cleveland et al. (1990), statsmodels ``STL``. Separates the seasonal pattern (e.g. requests peaking in term
    time) from the underlying trend. ``series``: indexed by month start. Returns ``period``, ``observed``,
    ``trend``, ``seasonal``, ``remainder``.
    """
    s = _monthly(series)
    res = _stl(s)
    return pd.DataFrame({"period": s.index.to_timestamp(), "observed": s.to_numpy(), "trend": res.trend.to_numpy(),
                         "seasonal": res.seasonal.to_numpy(), "remainder": res.resid.to_numpy()})


#: The STL components of a monthly count add up to it (trend + seasonal + remainder = observed), so wherever the
#: observed count is suppressed they are withheld too: ``derived`` for :func:`helpers.present.charts.show_chart`.
MONTHLY_COMPONENTS: dict[str, tuple[str, str]] = {
    c: ("observed", "observed") for c in ("trend", "seasonal", "remainder")}


def withhold_small_months(monthly: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """:func:`monthly_decomposition` with a month's count and its components blanked (NaN) where the count is from
    1 to ``threshold`` − 1, for a public chart: the picture shows no more than the suppressed table."""
    out = monthly.copy()
    small = (out["observed"] > 0) & (out["observed"] < threshold)
    out.loc[small, ["observed", *MONTHLY_COMPONENTS]] = np.nan
    return out


def monthly_forecast(series: pd.Series, horizon: int = 12, *, levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Forecast the next ``horizon`` months: STL seasonal adjustment + damped-trend ETS on the adjusted series.

    The method of statsmodels ``STLForecast`` (FPP3 §5.7): the STL seasonal component of the last year is
    carried forward (seasonal naive) and added to an ETS(A,Ad,N) forecast of the seasonally adjusted series. Done
    here with ``STL`` and ``ETSModel`` directly so the seasonal pattern is the periodic one of :func:`_stl` and the
    intervals are ETSModel's prediction intervals. The intervals leave out seasonal uncertainty. Lower limits are
    floored at 0. Returns tidy ``period``, ``mean``, ``lower``, ``upper``, ``level``, ``model``.
    """
    s = _monthly(series)
    seasonal = _stl(s).seasonal
    adjusted = (s - seasonal).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ets = ETSModel(adjusted, error="add", trend="add", damped_trend=True).fit(disp=False)
    pred = ets.get_prediction(start=len(s), end=len(s) + horizon - 1)
    ahead = seasonal.to_numpy()[-12:][np.arange(horizon) % 12]
    periods = pd.period_range(s.index[-1] + 1, periods=horizon, freq="M").to_timestamp()
    frames = []
    for level in levels:
        f = pred.summary_frame(alpha=1 - level)
        frames.append(pd.DataFrame({"period": periods, "mean": f["mean"].to_numpy() + ahead,
                                    "lower": np.maximum(f["pi_lower"].to_numpy() + ahead, 0.0),
                                    "upper": f["pi_upper"].to_numpy() + ahead,
                                    "level": level, "model": "STL + damped trend"}))
    return pd.concat(frames, ignore_index=True)


# --- page wording, tables and metrics ---------------------------------------------------------------------------
# Sentences and tables for the request-growth page (01). Numbers are written by :mod:`helpers.present.narrative` rules.

#: What each DfE measure is called in a sentence.
MEASURE_WORDS: dict[str, str] = {
    "requests_received": "requests for an EHC needs assessment",
    "new_plans": "new EHC plans",
    "plans_in_place": "EHC plans in place (January)",
}
#: Each model (and the back-test's "chosen model") in plain English.
MODEL_WORDS: dict[str, str] = {
    LOGLINEAR: "a steady-percentage growth trend (a log-linear count model)",
    DAMPED: "a trend whose growth slowly fades (damped exponential smoothing)",
    DRIFT: "the average change of past years carried forward (the simple benchmark)",
    "chosen model": "the model this page uses",
}
#: Fewest years of requests for a back-test: :func:`backtest`'s five training years plus a two-year horizon.
MIN_BACKTEST_YEARS = 7
#: Name of the statistical-neighbour group in comparisons and metrics.
SIMILAR_COUNCILS = "Similar councils"


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


def grew(rate: float) -> str:
    """``"grew by 7.4% a year"``, ``"fell by 2.1% a year"`` or ``"stayed about level"`` for a yearly rate (fraction).

    "Level" when the rate rounds to 0.0% at the precision shown, so a sentence never says "grew by 0.0%".
    """
    shown = narrative.fmt(abs(rate) * 100, "%")
    if shown == "0.0%":
        return "stayed about level"
    return f"{'grew' if rate > 0 else 'fell'} by {shown} a year"


def likely_range(row: pd.Series) -> str:
    """``"about 4,300 (likely range 4,000 to 4,600)"`` for one forecast row (``mean``, ``lower``, ``upper``)."""
    return (f"about {narrative.fmt(row['mean'], 'count')} (likely range {narrative.fmt(row['lower'], 'count')} "
            f"to {narrative.fmt(row['upper'], 'count')})")


def years_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its ``year``/``Year``/``origin`` columns as text, so tables show 2024, not 2,024."""
    return frame.astype({c: str for c in ("year", "Year", "origin") if c in frame.columns})


@dataclass(frozen=True)
class MeasureForecast:
    """One measure's annual series and its forecast, with how the forecast method was chosen.

    ``series``: the published years modelled (latest unbroken run); ``forecast``: tidy (see :func:`forecast_path`);
    ``method``: the method used (:data:`METHODS`, or :data:`STOCK_FLOW` for plans in place); ``scores``:
    :func:`method_scores` of the back-test; ``backtest``: its rows; ``flagged``: years treated as missing
    (:mod:`helpers.analysis.outliers`); ``capped``: whether a range was capped at :func:`plausible_cap`; ``direct``: for
    a stock-and-flow projection, the direct forecast it was checked against.
    """

    measure: str
    series: pd.Series
    forecast: pd.DataFrame
    method: str
    scores: pd.DataFrame
    backtest: pd.DataFrame
    flagged: tuple[int, ...] = ()
    capped: bool = False
    direct: pd.DataFrame | None = None

    @property
    def what(self) -> str:
        """The measure in words (:data:`MEASURE_WORDS`)."""
        return MEASURE_WORDS[self.measure]

    def score(self, method: str | None = None) -> pd.Series | None:
        """Back-test scores of ``method`` (default: the method used; the direct method for stock and flow)."""
        method = method or (self.direct["model"].iloc[0] if self.direct is not None else self.method)
        by = self.scores.set_index("method")
        return by.loc[method] if method in by.index else None


def forecast_series(series: pd.Series, measure: str, *, horizon: int = 3) -> MeasureForecast | None:
    """Flag implausible years, back-test every method on the series, and forecast with the best (see module notes).

    None when fewer than :data:`MIN_YEARS` usable years remain (:func:`too_few_years_sentence` says so).
    """
    # Imported here: helpers.analysis.outliers is tiny, but keeping the import local mirrors how workforce loads growth.
    from helpers.analysis import outliers

    series = series.sort_index().astype(float)
    flagged = tuple(outliers.flagged_years(series))
    if len(series) - len(flagged) < MIN_YEARS:
        return None
    bt = rolling_backtest(series, flagged=flagged)
    scores = method_scores(bt)
    method = choose_method(scores)
    own = bt[bt["method"] == method] if len(bt) else bt
    errors = (np.log1p(own["actual"]) - np.log1p(own["forecast"])).to_numpy(float) if len(own) else None
    fc, capped = forecast_path(series, method, horizon, flagged=flagged, oos_errors=errors)
    return MeasureForecast(measure, series, fc, fc["model"].iloc[0], scores, bt, flagged, capped)


def forecast_measure(ees: pd.DataFrame, area_code: str, measure: str, *, horizon: int = 3) -> MeasureForecast | None:
    """:func:`forecast_series` of an area's measure from the DfE table (latest unbroken run, :func:`annual_series`).

    A published 0 is kept (the models work on log(1 + count)); a 0 far from its neighbouring years (West
    Berkshire's 2022 requests) is flagged and treated as missing.
    """
    return forecast_series(annual_series(ees, area_code, measure), measure, horizon=horizon)


def plans_in_place_forecast(ees: pd.DataFrame, area_code: str, new_plans: MeasureForecast | None, *,
                            horizon: int = 3) -> MeasureForecast | None:
    """Plans in place: the stock-and-flow projection (:func:`stock_flow_forecast`) when the release has plans
    ceased and a new-plans forecast exists, checked against the direct forecast (kept in ``direct``); otherwise the
    direct forecast alone."""
    direct = forecast_measure(ees, area_code, "plans_in_place", horizon=horizon)
    if direct is None or new_plans is None:
        return direct
    ceased = annual_series(ees, area_code, "plans_ceased")
    flow = stock_flow_forecast(direct.series, new_plans, ceased, direct.forecast)
    if flow is None:
        return direct
    return MeasureForecast(direct.measure, direct.series, flow, STOCK_FLOW, direct.scores, direct.backtest,
                           direct.flagged, direct.capped, direct.forecast)


def too_few_years_sentence(measure: str, la_name: str) -> str:
    """Why a measure has no forecast: fewer than :data:`MIN_YEARS` years in the release."""
    return (f"The DfE release has fewer than {MIN_YEARS} years of {MEASURE_WORDS[measure]} for {la_name}, "
            "too few to forecast.")


#: Years over which the page measures growth ("average growth a year"): the same five-year window everywhere.
GROWTH_YEARS = 5


def growth_window(series: pd.Series, years: int = GROWTH_YEARS) -> tuple[int, int]:
    """The base and latest year for the page's growth rates: the last ``years`` years the series has."""
    latest = int(series.index.max())
    return max(latest - years, int(series.index.min())), latest


def forecast_title(f: MeasureForecast, history: pd.Series | None = None) -> str:
    """Headline for a fan chart: growth a year over the page's window (:func:`growth_window`, the same period as the
    page headline) and next year's 80% likely range."""
    s = f.series if history is None else history
    base, end = growth_window(s)
    first = f.forecast[f.forecast["level"] == 0.8].iloc[0]
    rate = cagr(s, base, end) if base in s.index and end in s.index else float("nan")
    grown = (f"{_capitalised(f.what)} {grew(rate)} from {base} to {end}" if not narrative.is_missing(rate)
             else f"{_capitalised(f.what)}: growth from {base} cannot be worked out")
    return f"{grown}; {int(first['year'])} may see {likely_range(first)}"


def forecast_data(f: MeasureForecast) -> pd.DataFrame:
    """The data behind a fan chart (:func:`forecast_table`), with years as text and flagged years marked."""
    table = forecast_table(f.series, f.forecast)
    table["flagged"] = table["year"].isin(f.flagged).map({True: "implausible: treated as missing", False: ""})
    return years_as_text(table)


#: Each forecast method in plain English.
METHOD_WORDS: dict[str, str] = {
    NAIVE: "carrying the latest figure forward (the naive method)",
    DRIFT: "continuing the average yearly change from the latest figure (the drift method)",
    LOCAL_LEVEL: "a smoothed recent level (simple exponential smoothing)",
    DAMPED: "a smoothed recent level and a trend that slowly fades (damped exponential smoothing)",
    STOCK_FLOW: "stock and flow: this January's plans, plus forecast new plans, minus plans expected to end",
}


def _error_words(score: pd.Series, naive: pd.Series | None) -> str:
    mae = narrative.fmt(score["mae"], "count")
    if naive is None or score.name == NAIVE:
        return f"its forecasts one year ahead were out by about {mae} on average"
    rel = score["mase"] / naive["mase"] if naive["mase"] > 0 else float("nan")
    if narrative.is_missing(rel):
        return f"its forecasts one year ahead were out by about {mae} on average"
    pct = narrative.fmt(abs(1 - rel) * 100, "%")
    better = "smaller" if rel < 1 else "larger"
    return (f"its forecasts one year ahead were out by about {mae} on average, {pct} {better} than the error of "
            f"simply carrying the latest figure forward (about {narrative.fmt(naive['mae'], 'count')})")


def model_sentence(f: MeasureForecast, la_name: str = "this council") -> str:
    """How the forecast was made, in plain words: the method, why (the back-test against the naive method), and any
    flagged years and capped ranges."""
    start, end = int(f.series.index[0]), int(f.series.index[-1])
    used = f.score()
    naive = f.score(NAIVE)
    direct_method = f.direct["model"].iloc[0] if f.direct is not None else f.method
    if used is None or int(used["forecasts"]) < MIN_OOS:
        why = (f"There are too few years ({len(f.series)}, {start} to {end}) to test methods on past years, so the "
               f"forecast simply carries the latest figure forward.")
    else:
        n = int(used["forecasts"])
        if direct_method == NAIVE:
            why = (f"Tested on {la_name}'s own past years ({n} one-year-ahead forecasts), no method beat simply "
                   f"carrying the latest figure forward, so the forecast does that: {_error_words(used, None)}.")
        else:
            why = (f"Tested on {la_name}'s own past years ({n} one-year-ahead forecasts), the best method was "
                   f"{METHOD_WORDS[direct_method]}: {_error_words(used, naive)}.")
    parts = [why]
    if f.direct is not None:
        flow = f.forecast[f.forecast["level"] == f.forecast["level"].min()].iloc[0]
        dirc = f.direct[f.direct["level"] == f.direct["level"].min()].iloc[0]
        apart = narrative.fmt(100 * abs(flow["mean"] / dirc["mean"] - 1), "%")
        parts.append(f"Plans in place are projected by {METHOD_WORDS[STOCK_FLOW]} (at the council's recent rate of "
                     f"ending plans): {narrative.fmt(flow['mean'], 'count')} in January {int(flow['year'])}, against "
                     f"{narrative.fmt(dirc['mean'], 'count')} from the plans-in-place figures alone ({apart} apart).")
    if f.flagged:
        years = ", ".join(f"{y} ({narrative.fmt(f.series.loc[y], 'count')} as published)" for y in f.flagged)
        parts.append(f"{years} {'is' if len(f.flagged) == 1 else 'are'} far from the neighbouring years (see the "
                     "data-quality page) and treated as missing in the forecast.")
    if f.capped:
        parts.append(f"The counts are small, so a percentage swing is large; the likely ranges are capped at "
                     f"{narrative.fmt(plausible_cap(f.series), 'count')}, twice the highest year published: a range "
                     "beyond that would rest on a few children's cases, not on a trend.")
    return " ".join(parts)


@dataclass(frozen=True)
class GrowthComparison:
    """The LA's and England's compound growth a year (fractions, :func:`cagr`) over ``base``–``latest``."""

    base: int
    latest: int
    la_rate: float
    england_rate: float

    @property
    def pace(self) -> str:
        """``"faster than"``, ``"slower than"`` or ``"the same pace as"`` (judged at the precision shown)."""
        if narrative.fmt(100 * self.la_rate, "%") == narrative.fmt(100 * self.england_rate, "%"):
            return "the same pace as"
        return "faster than" if self.la_rate > self.england_rate else "slower than"


def compare_with_england(requests: pd.Series, england: pd.Series, *, years: int = 5) -> GrowthComparison:
    """Growth of the LA's and England's series over the last ``years`` years both have (fewer if they are short)."""
    latest = int(requests.index[-1])
    base = max(latest - years, int(requests.index[0]), int(england.index[0]))
    return GrowthComparison(base, latest, cagr(requests, base, latest), cagr(england, base, latest))


def growth_vs_england_sentence(subject: str, c: GrowthComparison) -> str:
    """``"<subject> grew by 9.1% a year between 2019 and 2024, faster than England's 7.0% a year."``"""
    if narrative.is_missing(c.la_rate):
        return (f"Growth in {subject[0].lower() + subject[1:]} between {c.base} and {c.latest} cannot be worked out "
                f"(there were none in {c.base}); England's grew by {narrative.fmt(100 * c.england_rate, '%')} a year.")
    return (f"{subject} {grew(c.la_rate)} between {c.base} and {c.latest}, {c.pace} England's "
            f"{narrative.fmt(100 * c.england_rate, '%')} a year.")


def latest_requests_sentence(la_name: str, requests: pd.Series, england: pd.Series) -> str:
    """The latest year's requests, the change on the year before, and England's figure for that year."""
    latest = int(requests.index[-1])
    previous = requests.get(latest - 1)
    change = "" if previous is None else f", {narrative.change(requests.iloc[-1], previous, 'count')}"
    return (f"In {latest} {la_name} received {narrative.fmt(requests.iloc[-1], 'count')} requests{change}. "
            f"England received {narrative.fmt(england.loc[latest], 'count')}.")


def comparison_groups(la_name: str, la_code: str, region_name: str, region_code: str,
                      neighbour_codes: list[str]) -> dict[str, list[str]]:
    """Areas to compare, for :func:`comparator_totals`: the LA, England, its region and (if any) its neighbours."""
    groups = {la_name: [la_code], "England": [ENGLAND_CODE], region_name: [region_code]}
    if neighbour_codes:
        groups[SIMILAR_COUNCILS] = neighbour_codes
    return groups


def group_growth_rates(totals: pd.DataFrame, base: int, latest: int) -> dict[str, float]:
    """Each group's compound growth a year (fraction) from ``base`` to ``latest``; groups missing either are left out.

    ``totals``: tidy ``year``, ``group``, ``value`` from :func:`comparator_totals`.
    """
    window = totals[totals["year"].between(base, latest)]
    return {name: cagr(part.set_index("year")["value"], base, latest)
            for name, part in window.groupby("group", sort=False) if {base, latest} <= set(part["year"])}


def comparators_title(la_name: str, rates: Mapping[str, float], base: int) -> str:
    """Headline for the indexed chart: did the LA's requests grow faster than every comparator, none, or some?"""
    others = [n for n in rates if n != la_name]
    faster = [n for n in others if rates[la_name] > rates[n]]
    if len(faster) == len(others):
        return f"Since {base}, requests in {la_name} grew faster than in all comparators"
    if not faster:
        return f"Since {base}, requests in {la_name} grew more slowly than in all comparators"
    return f"Since {base}, requests in {la_name} grew faster than in {', '.join(faster)} but not the others"


def growth_by_area(ees: pd.DataFrame, groups: Mapping[str, list[str]], *, years: int = 5) -> pd.DataFrame:
    """Average growth a year (%, :func:`cagr`) of each measure in :data:`MEASURE_WORDS`, one row per area group.

    Each measure uses its own last ``years`` years from :data:`FIRST_FULL_YEAR` (fewer if the group has fewer);
    None where a group has under two years. Columns: ``Area`` and ``<Measure>: growth a year (%)``.
    """
    rows = []
    for name, codes in groups.items():
        row: dict[str, object] = {"Area": name}
        for measure, what in MEASURE_WORDS.items():
            t = comparator_totals(ees, measure, {name: codes}).set_index("year")["value"]
            t = t[t.index >= FIRST_FULL_YEAR]
            end = int(t.index.max()) if len(t) else None
            start = None if end is None else max(end - years, int(t.index.min()))
            ok = end is not None and start < end and start in t.index
            row[f"{_capitalised(what)}: growth a year (%)"] = 100 * cagr(t, start, end) if ok else None
        rows.append(row)
    return pd.DataFrame(rows)


def backtest_table(summary: pd.DataFrame) -> pd.DataFrame:
    """:func:`backtest_summary` as a page table: methods in words, headers in plain English, one decimal place."""
    return summary.assign(model=summary["model"].map(MODEL_WORDS)).round(1).rename(columns={
        "model": "Method", "forecasts": "Forecasts checked", "mape": "Average error (%)",
        "coverage_80": "Actual inside 80% range (%)", "coverage_95": "Actual inside 95% range (%)"})


def _backtest_verdict(summary: pd.DataFrame) -> tuple[str, str, str, str]:
    """Verdict, error clause, coverage clause and advice for the chosen model's back-test.

    "Well" needs all three: no worse than the drift benchmark (FPP3 §5.2), actual values inside the 80% range at
    least 60% of the time (well below 80% means the ranges were too narrow) and an average error under 10%.
    """
    by_model = summary.set_index("model")
    used, bench = by_model.loc["chosen model"], by_model.loc[DRIFT]
    beats_benchmark = used["mape"] <= bench["mape"]
    ranges_hold = used["coverage_80"] >= 60
    accurate = used["mape"] < 10
    verdict = ("The method back-tests well" if beats_benchmark and ranges_hold and accurate
               else "The method back-tests only fairly" if beats_benchmark and ranges_hold
               else "The method back-tests poorly")
    error = (f"its forecasts were out by {narrative.fmt(used['mape'], '%')} on average "
             f"({'no worse than' if beats_benchmark else 'worse than'} the simple benchmark's "
             f"{narrative.fmt(bench['mape'], '%')})")
    coverage = (f"the actual figure fell inside the 80% likely range {narrative.fmt(used['coverage_80'], '%')} "
                "of the time")
    if beats_benchmark and ranges_hold and accurate:
        advice = ""
    elif ranges_hold:
        advice = " Single forecast numbers are a rough guide only; plan with the likely ranges and the scenarios below."
    else:
        advice = (" The likely ranges were too narrow in the past, so treat them as a minimum and plan with the "
                  "scenarios below.")
    return verdict, error, coverage, advice


def backtest_sentence(summary: pd.DataFrame) -> str:
    """How well the chosen model back-tested (:func:`backtest_summary`), with advice when it did not do well."""
    verdict, error, coverage, advice = _backtest_verdict(summary)
    return f"{verdict}: {error}, and {coverage}.{advice}"


def backtest_too_short_sentence(n_years: int) -> str:
    """Why there is no back-test: fewer than :data:`MIN_BACKTEST_YEARS` years of requests."""
    return (f"There are only {n_years} years of requests, too few to test the forecasts against past years (at least "
            f"{MIN_BACKTEST_YEARS} are needed). Treat the forecasts as a rough guide.")


def conversion_sentence(conversion: float, hours_per_assessment: float, la_name: str, *, own_rate: bool) -> str:
    """The share of requests assessed (the LA's own rate, or the pack's assumption) and EP hours per assessment."""
    source = (f"{la_name}'s own rate in the DfE release" if own_rate
              else "the pack's assumed rate, as the DfE release has no local figure")
    return (f"Assessments are {narrative.fmt(100 * conversion, '%')} of requests ({source}); each assessment needs "
            f"about {narrative.fmt(hours_per_assessment)} hours of EP time.")


def scenario_table(plan: pd.DataFrame) -> pd.DataFrame:
    """:func:`scenarios` as a page table: plain-English headers, counts rounded to whole numbers, years as text."""
    table = plan.rename(columns={"scenario": "Scenario", "year": "Year", "requests": "Requests",
                                 "requests_lower": "Requests: likely range from (80%)",
                                 "requests_upper": "Requests: likely range to (80%)",
                                 "assessments": "Assessments", "ep_hours": "EP hours for assessments"})
    counts = table.columns.drop(["Scenario", "Year"])
    table[counts] = table[counts].round(0).astype("Int64")
    return years_as_text(table)


def scenario_sentence(plan: pd.DataFrame) -> str:
    """Next year's requests, assessments and EP hours if the trend continues, and EP hours if growth stops."""
    next_year = plan[plan["year"] == plan["year"].min()].set_index("scenario")
    trend = next_year.loc["Trend continues"]
    return (f"If the trend continues, {int(trend['year'])} would bring about "
            f"{narrative.fmt(trend['requests'], 'count')} requests, "
            f"{narrative.fmt(trend['assessments'], 'count')} assessments and "
            f"{narrative.fmt(trend['ep_hours'], 'count')} hours of EP assessment time; if growth stops, "
            f"{narrative.fmt(next_year.loc['Growth stops', 'ep_hours'], 'count')} hours.")


def monthly_shortfall_sentence(by_month: pd.Series | None) -> str:
    """Why there is no monthly view: no local case data (None), or fewer than :data:`MIN_MONTHS` months."""
    if by_month is None:
        return "No local case data were supplied for this pack, so there is no monthly view."
    return (f"The local case data cover {len(by_month)} months; at least {MIN_MONTHS} are needed to separate the "
            "seasonal pattern from the trend.")


def monthly_title(monthly: pd.DataFrame) -> str:
    """Headline for the monthly chart: the trend's direction over the last 12 months and the peak and low months.

    ``monthly``: :func:`monthly_decomposition` output (at least :data:`MIN_MONTHS` rows).
    """
    season = monthly.assign(month=monthly["period"].dt.strftime("%B")).groupby("month", sort=False)["seasonal"].mean()
    direction = "rising" if monthly["trend"].iloc[-1] - monthly["trend"].iloc[-13] > 0 else "falling"
    return (f"The underlying trend in monthly requests is {direction}; requests are usually highest in "
            f"{season.idxmax()} and lowest in {season.idxmin()}")


def monthly_table(monthly: pd.DataFrame, ahead: pd.DataFrame) -> pd.DataFrame:
    """Decomposition and 80% forecast side by side, one row per month, for the data behind the monthly chart."""
    return monthly.merge(ahead[ahead["level"] == 0.8][["period", "mean", "lower", "upper"]], on="period", how="outer")


def request_metrics(la_name: str, requests: pd.Series, england: pd.Series, region: pd.Series,
                    c: GrowthComparison, rates: Mapping[str, float], region_name: str) -> dict[str, dict]:
    """Metrics-JSON records for the latest requests and their growth (LA, England, region, neighbours)."""
    latest = c.latest
    previous = requests.get(latest - 1)
    change = "" if previous is None else f", {narrative.change(requests.iloc[-1], previous, 'count')}"
    return {
        "requests_latest": {
            "value": float(requests.iloc[-1]), "unit": "count", "label": "Requests for an EHC needs assessment",
            "period": str(latest), "previous": None if previous is None else float(previous),
            "england": float(england.loc[latest]),
            "region": float(region.loc[latest]) if latest in region.index else None,
            "finding": f"{la_name} received {narrative.fmt(requests.iloc[-1], 'count')} requests in {latest}{change}."},
        "requests_cagr_5y": {
            "value": 100 * c.la_rate, "unit": "%", "label": f"Average growth in requests a year, {c.base} to {latest}",
            "period": f"{c.base}-{latest}", "england": 100 * c.england_rate,
            "region": 100 * rates[region_name] if region_name in rates else None,
            "neighbours": 100 * rates[SIMILAR_COUNCILS] if SIMILAR_COUNCILS in rates else None,
            "finding": growth_vs_england_sentence("Requests", c)},
        "england_cagr_5y": {
            "value": 100 * c.england_rate, "unit": "%",
            "label": f"England: average growth in requests a year, {c.base} to {latest}",
            "period": f"{c.base}-{latest}"},
    }


def forecast_metrics(fc: pd.DataFrame) -> dict[str, dict]:
    """Metrics-JSON record: next year's requests forecast (80% and 95% ranges). EP hours are written once, by
    :func:`helpers.analysis.workforce.next_year_demand_metric` (metric ``ep_hours_next_year``)."""
    next80 = fc[fc["level"] == 0.8].iloc[0]
    next95 = fc[fc["level"] == 0.95].iloc[0]
    year = int(next80["year"])
    return {
        "requests_forecast_next_year": {
            "value": float(next80["mean"]), "unit": "count", "label": f"Requests forecast for {year}",
            "period": str(year), "lower_80": float(next80["lower"]), "upper_80": float(next80["upper"]),
            "lower_95": float(next95["lower"]), "upper_95": float(next95["upper"]),
            "finding": f"{year} may see {likely_range(next80)} requests."},
    }


def plans_in_place_metrics(in_place: pd.Series, england_in_place: pd.Series) -> dict[str, dict]:
    """Metrics-JSON record for the latest January count of plans in place (empty when the LA has none)."""
    if not len(in_place):
        return {}
    return {"plans_in_place_latest": {
        "value": float(in_place.iloc[-1]), "unit": "count", "label": "EHC plans in place (January census)",
        "period": str(int(in_place.index[-1])), "previous": float(in_place.iloc[-2]) if len(in_place) > 1 else None,
        "england": float(england_in_place.iloc[-1]) if len(england_in_place) else None}}


def backtest_metrics(f: MeasureForecast) -> dict[str, dict]:
    """Metrics-JSON record: the requests forecast's back-test error (MASE; below 1 beats the naive method's
    typical error) with the plain-words comparison against the naive method."""
    used = f.score()
    if used is None:
        return {}
    bt = f.backtest
    return {"forecast_backtest_error": {
        "value": float(used["mase"]), "unit": "ratio",
        "label": "Error of past one-year forecasts of requests (MASE; below 1 beats the naive method)",
        "period": f"{int(bt['origin'].min())}-{int(bt['year'].max())}", "higher_is_better": False,
        "naive": float(f.score(NAIVE)["mase"]) if f.score(NAIVE) is not None else None,
        "finding": _capitalised(_error_words(used, f.score(NAIVE))) + "."}}


def method_table(forecasts: Mapping[str, MeasureForecast | None]) -> pd.DataFrame:
    """The back-test of every method for every measure, as a page table (one row per measure and method)."""
    rows = []
    for measure, f in forecasts.items():
        if f is None or f.scores.empty:
            continue
        used = f.direct["model"].iloc[0] if f.direct is not None else f.method
        for r in f.scores.itertuples():
            rows.append({"Measure": _capitalised(MEASURE_WORDS[measure]), "Method": METHOD_WORDS[r.method],
                         "Used": "yes" if r.method == used else "",
                         "Forecasts checked": int(r.forecasts), "Average error (count)": round(r.mae),
                         "Error against the naive method (%)": round(100 * r.relative) if np.isfinite(r.relative)
                         else None,
                         "Actual inside 80% range (%)": round(r.coverage_80),
                         "Actual inside 95% range (%)": round(r.coverage_95)})
    return pd.DataFrame(rows)
