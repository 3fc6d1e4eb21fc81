"""Growth in EHCP requests, new plans and plans in place: annual series, compound growth, comparator totals.

Councils describe "the exponential increase in numbers of requests"; this module measures it. Growth over a window
is compound annual growth (:func:`cagr`, two end points); comparators (England, the region, statistical
neighbours) are :class:`helpers.areas.Group` objects, totalled from their published row where DfE publishes one
and otherwise as the sum over their members (a ratio of sums, ``modelling_methods.md`` §7.2). Forecasts are in
:mod:`helpers.analysis.forecast`. Pure functions: numbers in, frames and numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.areas import Group

#: First full calendar year of the EHCP system: plans began in September 2014 and 2014–2015 counts mix new plans
#: with statements (DfE SEN2 release notes), so trends start in 2016 (the January 2016 census for plans in place).
FIRST_FULL_YEAR = 2016
#: Years over which the page measures growth ("average growth a year"): the same five-year window everywhere.
GROWTH_YEARS = 5
#: The DfE measures the request-growth page follows, in the order it shows them.
MEASURES: tuple[str, ...] = ("requests_received", "new_plans", "plans_in_place")


def annual_series(ees: pd.DataFrame, area_code: str, measure: str, *, first_year: int = FIRST_FULL_YEAR,
                  unbroken: bool = True) -> pd.Series:
    """One area's annual values of ``measure`` from the DfE table, indexed by year: the latest unbroken run.

    Years before ``first_year`` (default :data:`FIRST_FULL_YEAR`), or with no value (``x``/``z`` in the release,
    or before the measure existed), are dropped, and only the most recent run of consecutive years is kept,
    because the forecasts assume equally spaced years. ``unbroken=False`` keeps every year with a value
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


def cagr(series: pd.Series, start: int | None = None, end: int | None = None) -> float:
    """Compound annual growth rate between two years: (value_end / value_start) ** (1 / (end - start)) - 1.

    Defaults to the first and last years of ``series``. Only the two end points matter. Growth from a year with
    none (0) is undefined: NaN.
    """
    start = int(series.index.min()) if start is None else start
    end = int(series.index.max()) if end is None else end
    if end <= start:
        raise ValueError(f"CAGR needs end > start, got {start}–{end}")
    first, last = float(series.loc[start]), float(series.loc[end])
    if first <= 0:
        return float("nan")
    return float((last / first) ** (1.0 / (end - start)) - 1.0)


def growth_window(series: pd.Series, years: int = GROWTH_YEARS) -> tuple[int, int]:
    """The base and latest year for the page's growth rates: the last ``years`` years the series has."""
    latest = int(series.index.max())
    return max(latest - years, int(series.index.min())), latest


@dataclass(frozen=True)
class GrowthComparison:
    """The LA's and England's compound growth a year (fractions, :func:`cagr`) over ``base``–``latest``."""

    base: int
    latest: int
    la_rate: float
    england_rate: float


def compare_with_england(requests: pd.Series, england: pd.Series, *, years: int = GROWTH_YEARS) -> GrowthComparison:
    """Growth of the LA's and England's series over the last ``years`` years both have (fewer if they are short)."""
    latest = int(requests.index[-1])
    base = max(latest - years, int(requests.index[0]), int(england.index[0]))
    return GrowthComparison(base, latest, cagr(requests, base, latest), cagr(england, base, latest))


def indexed(values: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Each group's series as an index, base year = 100, so areas of any size can share one chart.

    ``values``: tidy ``year``, ``group``, ``value``. Returns the same with ``index`` added; groups without a value
    in the base year are dropped.
    """
    base = values.loc[values["year"] == base_year].set_index("group")["value"]
    out = values.loc[values["group"].isin(base.index)].copy()
    out["index"] = 100.0 * out["value"] / out["group"].map(base)
    return out.reset_index(drop=True)


def group_codes(group: Group) -> tuple[str, ...]:
    """The ``area_code`` rows a group's total is read from: its published DfE row if it has one, else its members."""
    return (group.published_code,) if group.published_code else group.members


def comparator_totals(ees: pd.DataFrame, measure: str, groups: Iterable[Group]) -> pd.DataFrame:
    """Yearly totals of ``measure`` for comparator groups (:func:`helpers.areas.comparator_groups`).

    A group's value is its published row (England, a region) or the sum over its members (ratio of sums,
    ``modelling_methods.md`` §7.2), counted only in years where every member has a value, so a missing neighbour
    never looks like a fall. Returns tidy ``year``, ``group`` (the group's name), ``value``, ``areas``.
    """
    frames = []
    for group in groups:
        codes = group_codes(group)
        rows = ees.loc[ees["area_code"].isin(codes), ["year", "area_code", measure]]
        by_year = rows.groupby("year")[measure].agg(["sum", "count"])
        complete = by_year.loc[by_year["count"] == len(set(codes))]
        frames.append(pd.DataFrame({"year": complete.index.astype(int), "group": group.name,
                                    "value": complete["sum"].to_numpy(float), "areas": complete["count"].to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["year", "group", "value", "areas"])


def group_growth_rates(totals: pd.DataFrame, base: int, latest: int) -> dict[str, float]:
    """Each group's compound growth a year (fraction) from ``base`` to ``latest``; groups missing either are left out.

    ``totals``: tidy ``year``, ``group``, ``value`` from :func:`comparator_totals`.
    """
    window = totals[totals["year"].between(base, latest)]
    return {str(name): cagr(part.set_index("year")["value"], base, latest)
            for name, part in window.groupby("group", sort=False) if {base, latest} <= set(part["year"])}


def recent_growth(totals: pd.Series, *, years: int = GROWTH_YEARS) -> float | None:
    """Growth a year (fraction, :func:`cagr`) over a yearly total's last ``years`` years from
    :data:`FIRST_FULL_YEAR` (fewer if it has fewer); None when it has under two years."""
    t = totals[totals.index >= FIRST_FULL_YEAR]
    if not len(t):
        return None
    end = int(t.index.max())
    start = max(end - years, int(t.index.min()))
    return cagr(t, start, end) if start < end and start in t.index else None


def growth_by_area(ees: pd.DataFrame, groups: Sequence[Group], *, measures: Sequence[str] = MEASURES,
                   years: int = GROWTH_YEARS) -> dict[str, dict[str, float | None]]:
    """Growth a year (fraction, :func:`recent_growth`) of each measure for each comparator group: group name →
    measure → rate (None where a group has under two years). Each measure uses its own last ``years`` years."""
    return {group.name: {measure: recent_growth(comparator_totals(ees, measure, [group]).set_index("year")["value"],
                                                years=years) for measure in measures}
            for group in groups}
