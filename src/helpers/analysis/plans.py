"""Plans in place: how many, where the children and young people are placed, their primary needs, and whether
the published stock agrees with the flows in and out.

Pure functions over the ``ees`` table (:mod:`helpers.sources.ees`) and the tidy breakdowns frame
(:mod:`helpers.sources.ees_breakdowns`). Shares are recomputed from counts (count ÷ the published total of plans
in place), never averaged; a comparator group without a published row (statistical neighbours) is the sum of its
councils' counts. Years are January census years for stocks, calendar years for flows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.analysis.growth import cagr
from helpers.areas import LA_LEVEL, Group
from helpers.sources.ees_breakdowns_layouts import ALL, SPECIAL, SPECIAL_INDEPENDENT

#: First census year of EHC plans proper (statements of SEN were converted from September 2014).
FIRST_YEAR = 2015


def plans_series(ees: pd.DataFrame, area_code: str, *, first_year: int = FIRST_YEAR) -> pd.Series:
    """An area's plans in place by January census year (published years only)."""
    rows = ees.loc[(ees["area_code"] == area_code) & (ees["year"] >= first_year), ["year", "plans_in_place"]]
    series = rows.dropna().set_index("year")["plans_in_place"].astype(float).sort_index()
    series.index = series.index.astype(int)
    return series.rename("plans_in_place")


def growth_table(series: pd.Series) -> pd.DataFrame:
    """Year, plans in place, change on the year before (count and %), and the index (first year = 100)."""
    out = pd.DataFrame({"year": series.index.astype(int), "plans": series.to_numpy(float)})
    out["change"] = out["plans"].diff()
    out["pct_change"] = out["plans"].pct_change() * 100
    out["index"] = out["plans"] / out["plans"].iloc[0] * 100 if len(out) else np.nan
    return out


def annual_rate(series: pd.Series, years: int) -> float:
    """Average yearly growth (%) over the last ``years`` years (:func:`helpers.analysis.growth.cagr`); NaN when the
    series is too short."""
    if len(series) < 2:
        return float("nan")
    last = int(series.index.max())
    start = max(int(series.index.min()), last - years)
    if start not in series.index or last == start:
        return float("nan")
    return 100 * cagr(series, start, last)


def group_counts(breakdowns: pd.DataFrame, group: Group, breakdown: str) -> pd.DataFrame:
    """A comparator group's counts by year and category: its published row, or the sum of its councils' rows.

    A sum leaves out councils that publish only a total that year; a region without a published row (the appeals
    table has none) is the sum of its councils.
    """
    rows = breakdowns[breakdowns["breakdown"] == breakdown]
    if group.published_code is not None:
        own = rows[(rows["area_code"] == group.published_code) & (rows["geographic_level"] == group.level)]
        if len(own) or group.level != "Regional":
            return own[["year", "category", "count"]].reset_index(drop=True)
    own = rows[(rows["geographic_level"] == LA_LEVEL) & rows["area_code"].isin(group.members)]
    # a council whose breakdown is not published that year (only its total is) is left out of the sum
    published = own["category"].ne(ALL).groupby([own["year"], own["area_code"]]).transform("any")
    own = own[published]
    summed = own.groupby(["year", "category"], as_index=False)["count"].sum()
    return summed


def shares(counts: pd.DataFrame) -> pd.DataFrame:
    """Each category's share (%) of the year's total of plans in place: ``year, category, count, total, pct``."""
    totals = counts[counts["category"] == ALL].set_index("year")["count"]
    out = counts[counts["category"] != ALL].copy()
    out["total"] = out["year"].map(totals)
    out["pct"] = out["count"] / out["total"] * 100
    return out.dropna(subset=["total"]).sort_values(["year", "category"], ignore_index=True)


def share_table(breakdowns: pd.DataFrame, groups: Sequence[Group], breakdown: str, year: int,
                order: Sequence[str] = ()) -> pd.DataFrame:
    """Shares (%) in ``year``: one row per category, one column per group (by name), in ``order`` if given."""
    columns = {}
    for group in groups:
        s = shares(group_counts(breakdowns, group, breakdown))
        columns[group.name] = s[s["year"] == year].set_index("category")["pct"]
    table = pd.DataFrame(columns)
    if order:
        table = table.reindex([c for c in order if c in table.index])
    else:
        first = groups[0].name if groups else None
        table = table.sort_values(first, ascending=False) if first in table else table
    return table.rename_axis("category").reset_index()


def share_change(counts: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Each category's share in ``start`` and ``end`` and the change in percentage points."""
    s = shares(counts).pivot_table(index="category", columns="year", values="pct")
    if start not in s.columns or end not in s.columns:
        return pd.DataFrame(columns=["category", "start", "end", "change"])
    out = pd.DataFrame({"start": s[start], "end": s[end]})
    out["change"] = out["end"] - out["start"]
    return out.rename_axis("category").reset_index().sort_values("end", ascending=False, ignore_index=True)


def special_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """By year: the share (%) of plans in any special school and in independent special schools."""
    s = shares(counts)
    by_year = s.groupby("year")
    out = pd.DataFrame({
        "special": by_year.apply(lambda g: g.loc[g["category"].isin(SPECIAL), "pct"].sum(min_count=1)),
        "independent_special": by_year.apply(lambda g: g.loc[g["category"] == SPECIAL_INDEPENDENT, "pct"].sum(
            min_count=1)),
    })
    return out.rename_axis("year").reset_index()


def latest_year(breakdowns: pd.DataFrame, breakdown: str, area_code: str) -> int | None:
    """The latest year with a breakdown for the area (None if it has none)."""
    years = breakdowns.loc[(breakdowns["breakdown"] == breakdown) & (breakdowns["area_code"] == area_code), "year"]
    return int(years.max()) if len(years) else None


def stock_flow(ees: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """Published stock against last January's stock + new plans − plans ceased in the calendar year between.

    One row per census year T with all parts: ``year, previous, new_plans, ceased, expected, published, gap``
    (gap = published − expected: plans moving in or out of the area, late corrections, or recording gaps).
    """
    own = ees[ees["area_code"] == area_code].set_index("year").sort_index()
    stock = own["plans_in_place"]
    out = pd.DataFrame({"year": own.index.astype(int) + 1, "previous": stock.to_numpy(float),
                        "new_plans": own["new_plans"].to_numpy(float), "ceased": own["plans_ceased"].to_numpy(float)})
    out["published"] = out["year"].map(stock)
    out["expected"] = out["previous"] + out["new_plans"] - out["ceased"]
    out["gap"] = out["published"] - out["expected"]
    out["gap_pct"] = out["gap"] / out["published"] * 100
    cols = ["year", "previous", "new_plans", "ceased", "expected", "published", "gap", "gap_pct"]
    return out.dropna(subset=["expected", "published"])[cols].reset_index(drop=True)


def appeal_rates(counts: pd.DataFrame, appeals: str, decisions: str) -> pd.DataFrame:
    """Appeals to the SEND Tribunal per appealable decision by year: ``year, appeals, decisions, rate`` (%)."""
    wide = counts.pivot_table(index="year", columns="category", values="count", aggfunc="sum")
    if appeals not in wide or decisions not in wide:
        return pd.DataFrame(columns=["year", "appeals", "decisions", "rate"])
    out = pd.DataFrame({"appeals": wide[appeals], "decisions": wide[decisions]}).dropna()
    out = out[out["decisions"] > 0]
    out["rate"] = out["appeals"] / out["decisions"] * 100
    return out.rename_axis("year").reset_index()
