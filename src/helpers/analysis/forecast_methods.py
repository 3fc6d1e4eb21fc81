"""The forecast methods the pages use (issue 21), on z = log(1 + count): naive, drift, local level, damped trend.

A long-run fitted trend restarts away from the latest year (Kent plans in place 20,635 → 26,333 in one year), so
every method here starts from the latest level (Hyndman & Athanasopoulos, *Forecasting: principles and practice*,
FPP3 §5.2, §8.1–8.2). Which method a council gets is decided by back-test (:mod:`helpers.analysis.forecast_backtest`);
the range then comes from that method's own back-test errors and small councils' ranges are capped
(:func:`plausible_cap`). Forecast frames are tidy: one row per (``year``, ``level``) with ``mean``, ``lower``,
``upper`` and ``model``. Pure functions: no I/O.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

#: Prediction-interval levels shown on the page ("likely range").
LEVELS: tuple[float, ...] = (0.8, 0.95)

NAIVE = "naive (last value)"
DRIFT = "drift (benchmark)"
LOCAL_LEVEL = "local level"
DAMPED = "damped trend"
#: Candidate methods, simplest first (ties go to the simpler). Naive and drift are the benchmarks (FPP3 §5.2).
METHODS: tuple[str, ...] = (NAIVE, DRIFT, LOCAL_LEVEL, DAMPED)
#: Fewest years for each method's fit; below it the method falls back to the naive forecast (said on the page).
_MIN_FIT = {NAIVE: 2, DRIFT: 3, LOCAL_LEVEL: 4, DAMPED: 6}
#: Fewest back-test errors for a range built from them (:func:`forecast_path`); fewer: the model's own variance.
MIN_OOS = 3
#: Upper limits of a range are capped at this multiple of the highest year published (see :func:`plausible_cap`).
PLAUSIBLE_FACTOR = 2.0
#: A series whose highest published year is below this is "small" and gets capped ranges (:func:`plausible_cap`).
SMALL_COUNT = 100


@dataclass(frozen=True)
class PathForecast:
    """A method's forecast on the log scale z = log(1 + count): ``mean`` and ``var`` (forecast variance) for
    horizons 1..h, and ``df``, the degrees of freedom of its variance estimate (for Student-t ranges)."""

    method: str
    mean: np.ndarray
    var: np.ndarray
    df: int


def to_log(y: np.ndarray) -> np.ndarray:
    """log(1 + y): counts of 0 are allowed (Isles of Scilly had 0 requests in 2019)."""
    z: np.ndarray = np.log1p(np.asarray(y, float))
    return z


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


def tidy(model: str, years: np.ndarray, mean: np.ndarray, bounds: dict[float, tuple[np.ndarray, np.ndarray]]
         ) -> pd.DataFrame:
    """A forecast as a tidy frame: ``year``, ``mean``, ``lower``, ``upper``, ``level``, ``model``."""
    rows = [pd.DataFrame({"year": years, "mean": mean, "lower": lo, "upper": hi, "level": level, "model": model})
            for level, (lo, hi) in bounds.items()]
    return pd.concat(rows, ignore_index=True).sort_values(["level", "year"], ignore_index=True)


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
    path = method_forecast(method, to_log(y), horizon)
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
    return tidy(path.method, years, mean, bounds), capped


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
