"""Therapies commissioning in numbers: spend by financial year and therapy type, growth, the compliant share,
provider concentration, unit costs, and spend projected from the plans-in-place forecast.

Pure functions on the frame of :func:`helpers.sources.therapies.read` (``month``, ``provider``, ``therapy_type``,
``framework_status``, ``children``, ``hours``, ``spend_gbp``); no sentences, no I/O. Financial years run April to
March and are labelled by their first calendar year (2019 = 2019-20). Only complete years (all twelve months in
the file) enter the growth rate and the projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.analysis.growth import cagr

MONTHS_IN_YEAR = 12
TOP_N = 5


def financial_year(months: pd.Series) -> pd.Series:
    """The financial year of each month, as its first calendar year (April 2019 to March 2020 = 2019)."""
    stamps = pd.to_datetime(months)
    return (stamps.dt.year - (stamps.dt.month < 4).astype(int)).astype(int)


def year_label(year: int) -> str:
    """2019 → "2019-20"."""
    return f"{year}-{(year + 1) % 100:02d}"


def _with_year(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(year=financial_year(rows["month"]))


def yearly_totals(rows: pd.DataFrame, compliant: tuple[str, ...]) -> pd.DataFrame:
    """One row per financial year: ``months`` in the file, ``complete``, ``spend``, ``compliant_spend``,
    ``compliant_pct`` (share of spend under a compliant arrangement, 0-100) and ``providers`` (distinct names)."""
    data = _with_year(rows).assign(ok=lambda d: d["spend_gbp"].where(d["framework_status"].isin(compliant), 0.0))
    out = data.groupby("year").agg(months=("month", "nunique"), spend=("spend_gbp", "sum"),
                                   compliant_spend=("ok", "sum"), providers=("provider", "nunique")).reset_index()
    out["complete"] = out["months"] >= MONTHS_IN_YEAR
    out["compliant_pct"] = np.where(out["spend"] > 0, 100 * out["compliant_spend"] / out["spend"], np.nan)
    return out


def complete_spend(totals: pd.DataFrame) -> pd.Series:
    """Spend by complete financial year (index = first calendar year), for the growth rate and the projection."""
    whole = totals[totals["complete"]]
    return pd.Series(whole["spend"].to_numpy(float), index=whole["year"].astype(int), name="spend")


def spend_growth(spend: pd.Series, start: int | None = None, end: int | None = None) -> float:
    """Average yearly growth in spend between two years (compound, as a fraction), by
    :func:`helpers.analysis.growth.cagr`; NaN with fewer than two years."""
    if len(spend) < 2:
        return float("nan")
    return cagr(spend, start, end)


def by_type(rows: pd.DataFrame) -> pd.DataFrame:
    """Spend, child-months and hours by financial year and therapy type, with the cost per child-month and per
    hour (NaN where no children or hours were recorded). A child-month is one child receiving the therapy from
    one provider in one month, so a child seen all year counts twelve times."""
    out = _with_year(rows).groupby(["year", "therapy_type"]).agg(
        spend=("spend_gbp", "sum"), child_months=("children", "sum"), hours=("hours", "sum")).reset_index()
    out["per_child_month"] = out["spend"] / out["child_months"].where(out["child_months"] > 0)
    out["per_hour"] = out["spend"] / out["hours"].where(out["hours"] > 0)
    return out


def provider_spend(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each provider's spend in one financial year, largest first: ``provider``, ``types`` (therapy types,
    "; "-joined), ``arrangement`` (the arrangement of most of its spend), ``spend``, ``share_pct``, ``hours``,
    ``per_hour`` (commercial: restricted build only)."""
    data = _with_year(rows)
    data = data[data["year"] == year]
    main = (data.groupby(["provider", "framework_status"])["spend_gbp"].sum().reset_index()
            .sort_values(["provider", "spend_gbp"], ascending=[True, False]).drop_duplicates("provider"))
    out = data.groupby("provider").agg(types=("therapy_type", lambda s: "; ".join(sorted(set(s)))),
                                       spend=("spend_gbp", "sum"), hours=("hours", "sum")).reset_index()
    out = out.merge(main[["provider", "framework_status"]].rename(columns={"framework_status": "arrangement"}),
                    on="provider")
    total = out["spend"].sum()
    out["share_pct"] = 100 * out["spend"] / total if total > 0 else np.nan
    out["per_hour"] = out["spend"] / out["hours"].where(out["hours"] > 0)
    order = ["provider", "types", "arrangement", "spend", "share_pct", "hours", "per_hour"]
    return out.sort_values(["spend", "provider"], ascending=[False, True])[order].reset_index(drop=True)


@dataclass(frozen=True)
class Concentration:
    """How concentrated one year's spend is: ``providers`` paid, ``top_share_pct`` (share of the largest
    :data:`TOP_N`), ``herfindahl`` (sum of squared percentage shares, 0-10,000) and ``equal_herfindahl`` (the
    index if every provider had an equal share: 10,000 / providers)."""

    year: int
    providers: int
    top_share_pct: float
    herfindahl: float
    equal_herfindahl: float


def concentration(providers: pd.DataFrame, year: int, top: int = TOP_N) -> Concentration:
    """Top-``top`` share and Herfindahl index from :func:`provider_spend` (``spend`` per provider)."""
    spend = providers["spend"].to_numpy(float)
    spend = spend[spend > 0]
    if spend.size == 0:
        return Concentration(year, 0, float("nan"), float("nan"), float("nan"))
    share = 100 * spend / spend.sum()
    top_share = float(np.sort(share)[::-1][:top].sum())
    return Concentration(year, int(spend.size), top_share, float(np.square(share).sum()), 10_000 / spend.size)


@dataclass(frozen=True)
class SpendProjection:
    """Projected spend by financial year (``year``, ``spend``, ``lower``, ``upper``) and how it was made:
    ``basis`` "plans" (spend per plan in place × the plans-in-place forecast, with its ``level`` range) or
    "growth" (the council's own average growth in spend carried forward, no range); ``per_plan`` and ``base_year``
    as used."""

    table: pd.DataFrame
    basis: str
    base_year: int
    base_spend: float
    per_plan: float | None
    growth: float | None
    level: float | None


def project_from_plans(spend: pd.Series, plans_in_place: pd.Series, forecast: pd.DataFrame,
                       level: float = 0.8) -> SpendProjection | None:
    """Spend per plan in place in the latest complete year, times the plans-in-place forecast and its range.

    ``plans_in_place`` is indexed by January census year and ``forecast`` is the tidy plans-in-place forecast
    (``year``, ``mean``, ``lower``, ``upper``, ``level``); financial year Y (April Y to March Y+1) is matched with
    the January Y+1 census. None when the census for the latest spend year or the forecast is missing.
    """
    if spend.empty:
        return None
    base = int(spend.index.max())
    plans = plans_in_place.get(base + 1)
    rows = forecast[np.isclose(forecast["level"], level)]
    if plans is None or pd.isna(plans) or float(plans) <= 0 or rows.empty:
        return None
    per_plan = float(spend.loc[base]) / float(plans)
    table = pd.DataFrame({"year": rows["year"].to_numpy(int) - 1, "spend": per_plan * rows["mean"].to_numpy(float),
                          "lower": per_plan * rows["lower"].to_numpy(float),
                          "upper": per_plan * rows["upper"].to_numpy(float)})
    table = table[table["year"] > base].reset_index(drop=True)
    if table.empty:
        return None
    return SpendProjection(table, "plans", base, float(spend.loc[base]), per_plan, None, level)


def project_from_growth(spend: pd.Series, years: int = 3) -> SpendProjection | None:
    """The council's own average yearly growth in spend carried forward ``years`` years (no range)."""
    rate = spend_growth(spend)
    if np.isnan(rate):
        return None
    base = int(spend.index.max())
    ahead = np.arange(1, years + 1)
    values = float(spend.loc[base]) * (1 + rate) ** ahead
    table = pd.DataFrame({"year": base + ahead, "spend": values, "lower": np.nan, "upper": np.nan})
    return SpendProjection(table, "growth", base, float(spend.loc[base]), None, rate, None)
