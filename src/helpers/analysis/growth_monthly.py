"""The monthly local series of requests (from SEN2): an STL seasonal decomposition and a 12-month forecast.

Pure functions: numbers in, frames out.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.seasonal import STL

from helpers.analysis.forecast_methods import LEVELS

#: Fewest months for an STL decomposition: two full seasonal cycles.
MIN_MONTHS = 24
#: The STL components of a monthly count add up to it (trend + seasonal + remainder = observed), so wherever the
#: observed count is suppressed they are withheld too: ``derived`` for a chart's suppression.
MONTHLY_COMPONENTS: dict[str, tuple[str, str]] = {
    c: ("observed", "observed") for c in ("trend", "seasonal", "remainder")}


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


def monthly_table(monthly: pd.DataFrame, ahead: pd.DataFrame) -> pd.DataFrame:
    """Decomposition and 80% forecast side by side, one row per month, for the data behind the monthly chart."""
    return monthly.merge(ahead[ahead["level"] == 0.8][["period", "mean", "lower", "upper"]], on="period", how="outer")
