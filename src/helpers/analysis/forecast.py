"""The forecasts the request-growth page publishes (issue 21): one measure's series, its method and its forecast.

Implausible years (:mod:`helpers.analysis.outliers`) are treated as missing; every method
(:mod:`helpers.analysis.forecast_methods`) is back-tested on the council's own years and the best used
(:mod:`helpers.analysis.forecast_backtest`); the range comes from the chosen method's back-test errors. Plans in
place are projected by stock and flow (:func:`stock_flow_forecast`), checked against the direct forecast.
Pure functions: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis import outliers
from helpers.analysis.forecast_backtest import choose_method, method_scores, rolling_backtest
from helpers.analysis.forecast_methods import forecast_path
from helpers.analysis.growth import annual_series

#: Fewest annual points a forecast is made from (after flagged years are left out).
MIN_YEARS = 3
STOCK_FLOW = "stock and flow"


@dataclass(frozen=True)
class MeasureForecast:
    """One measure's annual series and its forecast, with how the forecast method was chosen.

    ``series``: the published years modelled (latest unbroken run); ``forecast``: tidy (see
    :func:`helpers.analysis.forecast_methods.forecast_path`); ``method``: the method used, or :data:`STOCK_FLOW`
    for plans in place; ``scores``: :func:`~helpers.analysis.forecast_backtest.method_scores` of the back-test;
    ``backtest``: its rows; ``flagged``: years treated as missing (:mod:`helpers.analysis.outliers`); ``capped``:
    whether a range was capped at :func:`~helpers.analysis.forecast_methods.plausible_cap`; ``direct``: for a
    stock-and-flow projection, the direct forecast it was checked against.
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
    def direct_method(self) -> str:
        """The method of the direct forecast: the one used, or the one a stock-and-flow projection was checked by."""
        return str(self.direct["model"].iloc[0]) if self.direct is not None else self.method

    def score(self, method: str | None = None) -> pd.Series | None:
        """Back-test scores of ``method`` (default: the method used; the direct method for stock and flow)."""
        method = method or self.direct_method
        by = self.scores.set_index("method")
        return by.loc[method] if method in by.index else None


def forecast_series(series: pd.Series, measure: str, *, horizon: int = 3) -> MeasureForecast | None:
    """Flag implausible years, back-test every method on the series, and forecast with the best (see module notes).

    None when fewer than :data:`MIN_YEARS` usable years remain.
    """
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
    """:func:`forecast_series` of an area's measure from the DfE table (latest unbroken run, ``annual_series``).

    A published 0 is kept (the methods work on log(1 + count)); a 0 far from its neighbouring years (West
    Berkshire's 2022 requests) is flagged and treated as missing.
    """
    return forecast_series(annual_series(ees, area_code, measure), measure, horizon=horizon)


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
    stock = float(in_place.loc[int(in_place.index.max())])
    centre = {}
    for year in sorted(direct["year"].unique()):
        new = new_by_year.get(year - 1, new_plans.series.get(year - 1))
        if new is None or pd.isna(new):
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
