"""Demand scenarios for the next years: requests, assessments and EP assessment hours, ordered by construction.

Pure functions: numbers in, frames out.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

TREND = "Trend continues"
HALVES = "Growth halves"
STOPS = "Growth stops"


def scenarios(series: pd.Series, trend: pd.DataFrame, *, conversion: float, hours_per_assessment: float,
              extra: Mapping[str, float | None] | None = None) -> pd.DataFrame:
    """Requests, assessments and EP assessment hours per year under demand scenarios.

    * "Trend continues": the forecast ``mean`` in ``trend`` (tidy, from :mod:`helpers.analysis.forecast`), with
      its 80% range;
    * "Growth halves": from the latest actual, each year grows by half the trend's growth for that year;
    * "Growth stops": requests stay at the latest actual (or follow the trend where it falls), so the built-in
      scenarios are ordered by construction: growth stops ≤ growth halves ≤ trend continues, for requests and
      for the assessments and EP hours derived from them (both are requests × a fixed factor);
    * ``extra``: named growth rates per year (fraction) from the pack config; ``None`` means the trend. A config
      scenario with a built-in name replaces the built-in one (the pack config is the user's explicit choice).
    Assessments = requests × ``conversion`` (the LA's own rate); EP hours = assessments × ``hours_per_assessment``
    (a pack-config assumption). Returns tidy ``scenario``, ``year``, ``requests``, ``requests_lower``,
    ``requests_upper`` (trend only), ``assessments``, ``ep_hours``.
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
        TREND: mean,
        HALVES: latest * np.cumprod(1.0 + np.where(steps > 0, steps / 2.0, steps)),
        STOPS: latest * np.cumprod(1.0 + np.minimum(steps, 0.0)),
    }
    for name, rate in (extra or {}).items():
        paths[name] = mean if rate is None else latest * (1.0 + rate) ** h
    frames = []
    for name, requests in paths.items():
        is_trend = name == TREND
        frames.append(pd.DataFrame({
            "scenario": name, "year": years, "requests": requests,
            "requests_lower": t["lower"].to_numpy(float) if is_trend else np.nan,
            "requests_upper": t["upper"].to_numpy(float) if is_trend else np.nan,
        }))
    out = pd.concat(frames, ignore_index=True)
    out["assessments"] = out["requests"] * conversion
    out["ep_hours"] = out["assessments"] * hours_per_assessment
    return out
