"""Choosing a council's forecast method by how well each would have forecast that council's own past years.

Rolling-origin back-test (FPP3 §5.10) of every method in :data:`helpers.analysis.forecast_methods.METHODS`, scored
by MASE (Hyndman & Koehler 2006) against the naive method: a method that does not beat the naive forecast is
not used. Pure functions: no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.forecast_methods import LEVELS, METHODS, MIN_OOS, NAIVE, method_forecast, path_bounds, to_log

#: Fewest training years at a back-test origin (drift needs a residual degree of freedom beyond its slope).
MIN_TRAIN = 4


def naive_scale(y: np.ndarray) -> float:
    """MASE scale: mean absolute year-on-year change of the training years (in-sample naive error), at least 1.

    E.g. 100, 110, 104 → (10 + 6) / 2 = 8. Floored at 1 so a perfectly flat small series does not divide by 0.
    """
    y = np.asarray(y, float)
    d = np.abs(np.diff(y))
    d = d[np.isfinite(d)]
    return max(float(np.mean(d)) if len(d) else 1.0, 1.0)


def _origin_rows(method: str, train: np.ndarray, actual: np.ndarray, years: np.ndarray, origin: int,
                 levels: tuple[float, ...]) -> pd.DataFrame:
    """One method's forecast from one origin, beside what was published, with its range limits."""
    h = len(actual)
    path = method_forecast(method, to_log(train), h)
    row: dict[str, object] = {"method": method, "origin": origin, "year": years, "horizon": np.arange(1, h + 1),
                              "actual": actual, "forecast": np.expm1(path.mean)}
    for level in levels:
        lo, hi = path_bounds(path, level)
        row[f"lower_{round(level * 100)}"] = lo
        row[f"upper_{round(level * 100)}"] = hi
    return pd.DataFrame(row)


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
        rows += [_origin_rows(method, train, y[cut:cut + h], years[cut:cut + h], int(years[cut - 1]), levels)
                 for method in methods]
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
