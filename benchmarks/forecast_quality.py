"""Forecast quality on the real 2025 release (issue 21): one year ahead from each origin we can back-test.

For every local authority in the 2025 release with published figures (series extended back with the 2022
release when present, as the packs do), for requests and new plans from origins 2022
and 2023 (forecasting 2023 and 2024) and for plans in place from January 2023 and 2024 (forecasting January 2024 and
2025), the series is cut at the origin, the pack's method is chosen and fitted on what was known then
(:func:`helpers.analysis.forecast.forecast_series`; stock and flow for plans in place) and its forecast scored against
the published figure: MASE (|actual − forecast| ÷ the mean absolute yearly change of the training years; below 1 beats
the naive method's typical error) and whether the actual fell inside the 80% and 95% ranges. The naive (last value)
forecast is scored the same way beside it. Targets: median MASE < 1 per series; 80% coverage 75–85%; 95% ≥ 90%.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEND_SHARED_DIR", ROOT.parent / "shared"))
SERIES = {"requests_received": (2022, 2023), "new_plans": (2022, 2023), "plans_in_place": (2023, 2024)}


def _cut(table: pd.DataFrame, origin: int, measure: str) -> pd.DataFrame:
    """The release as it stood at ``origin``: flows up to the origin year; for plans in place (a January census)
    the stock up to January ``origin`` and flows up to the calendar year before."""
    if measure != "plans_in_place":
        return table[table["year"] <= origin]
    cut = table[table["year"] <= origin].copy()
    flows = [c for c in cut.columns if c not in ("year", "geographic_level", "area_code", "area_name", "la_code",
                                                 "region_code", "region_name", "source", "plans_in_place")]
    cut.loc[cut["year"] == origin, flows] = np.nan
    return cut


def score_la(table: pd.DataFrame, code: str) -> list[dict]:
    from helpers.analysis import forecast
    from helpers.analysis.forecast_backtest import naive_scale

    rows = []
    full = table[table["area_code"] == code]
    for measure, origins in SERIES.items():
        actuals = full.set_index("year")[measure]
        for origin in origins:
            target = origin + 1
            actual = actuals.get(target)
            if actual is None or not np.isfinite(actual):
                continue
            cut = _cut(full, origin, measure)
            if measure == "plans_in_place":
                new = forecast.forecast_measure(cut, code, "new_plans", horizon=1)
                f = forecast.plans_in_place_forecast(cut, code, new, horizon=1)
            else:
                f = forecast.forecast_measure(cut, code, measure, horizon=1)
            if f is None or int(f.series.index[-1]) != origin:
                continue
            scale = naive_scale(f.series.to_numpy(float))
            fc = f.forecast.set_index("level")
            rows.append({"area_code": code, "measure": measure, "origin": origin, "method": f.method,
                         "actual": float(actual), "forecast": float(fc.loc[0.8, "mean"]),
                         "mase": abs(actual - fc.loc[0.8, "mean"]) / scale,
                         "naive_mase": abs(actual - f.series.iloc[-1]) / scale,
                         "in_80": fc.loc[0.8, "lower"] <= actual <= fc.loc[0.8, "upper"],
                         "in_95": fc.loc[0.95, "lower"] <= actual <= fc.loc[0.95, "upper"]})
    return rows


def run(las: int | None = None) -> pd.DataFrame:
    from helpers.sources import ees

    zpath = SHARED / "ees" / "education-health-and-care-plans_2025.zip"
    older = SHARED / "ees" / "education-health-and-care-plans_2022.zip"  # extends the series back, as packs do
    if not zpath.exists():
        return pd.DataFrame()
    table = ees.read_release([zpath, older] if older.exists() else [zpath]).table
    codes = sorted(table.loc[(table["geographic_level"] == "Local authority") & (table["year"] == 2024)
                             & table["requests_received"].notna(), "area_code"].unique())
    if las:
        codes = codes[:: max(len(codes) // las, 1)][:las]
    rows = [r for code in codes for r in score_la(table, code)]
    return pd.DataFrame(rows)


def report(scores: pd.DataFrame) -> str:
    if scores.empty:
        return "forecast quality: skipped (../shared absent)"
    lines = ["forecast quality, one year ahead, every council in the 2025 release (targets: median MASE < 1; "
             "80% coverage 75-85%; 95% coverage >= 90%)",
             f"{'series':<18} {'n':>4} {'LAs':>4} {'MASE':>6} {'naive':>6} {'beats naive':>11} {'in 80%':>7} "
             f"{'in 95%':>7}  targets"]
    for measure, part in scores.groupby("measure", sort=False):
        mase, naive = part["mase"].median(), part["naive_mase"].median()
        c80, c95 = 100 * part["in_80"].mean(), 100 * part["in_95"].mean()
        beats = 100 * (part["mase"] < part["naive_mase"]).mean()
        ok = [mase < 1, 75 <= c80 <= 85, c95 >= 90]
        verdict = "met" if all(ok) else "MISSED: " + ", ".join(
            name for name, good in zip(("MASE", "80%", "95%"), ok, strict=True) if not good)
        lines.append(f"{measure:<18} {len(part):>4} {part['area_code'].nunique():>4} {mase:6.2f} {naive:6.2f} "
                     f"{beats:10.0f}% {c80:6.1f}% {c95:6.1f}%  {verdict}")
    methods = scores.groupby(["measure", "method"]).size().unstack(fill_value=0)
    lines.append("methods chosen: " + "; ".join(
        f"{m}: " + ", ".join(f"{k} {v}" for k, v in row.items() if v) for m, row in methods.iterrows()))
    return "\n".join(lines)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else None
    print(report(run(n)))
