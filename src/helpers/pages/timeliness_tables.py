"""Charts, tables and words of the timeliness page's published comparison, time bands and backlog (``02_timeliness``).

The numbers come from :mod:`helpers.analysis.timeliness` (the published series, the bands, the open caseload past
20 weeks) and :mod:`helpers.analysis.cases`; this module titles and describes them, renames columns for display,
bundles them as :class:`~helpers.present.chart.Chart` / :class:`~helpers.present.chart.Table` and makes their
metrics. The notebook reaches these through :mod:`helpers.pages.timeliness`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from helpers.analysis import cases as case_table
from helpers.analysis.timeliness import ALL_OPEN, BANDS, latest_la_year, local_issue_time_bands, year_to
from helpers.analysis.disclosure_linked import CHILD_LEVEL_COUNT
from helpers.metrics import Metric
from helpers.pages import timeliness_charts as figures
from helpers.pages.timeliness_spc import plans_key
from helpers.present import narrative
from helpers.present.chart import Chart, Table


# --- published comparison and time bands -------------------------------------------------------------------

def _comparison(annual: pd.DataFrame, region_name: str | None) -> str:
    """``"43.5% of new plans within 20 weeks, against 44.8% in the North West region and 47.4% in England"``."""
    latest = annual[annual["year"] == latest_la_year(annual)].set_index("level")["pct_within_20_weeks_ex"]
    region = (f"{narrative.fmt(latest['region'], '%')} in the {region_name} region and "
              if "region" in latest else "")
    return (f"{narrative.fmt(latest['la'], '%')} of new plans within 20 weeks, against {region}"
            f"{narrative.fmt(latest['england'], '%')} in England")


def comparison_title(annual: pd.DataFrame, la_name: str, region_name: str | None) -> str:
    """Headline for the yearly comparison chart: the council's latest published rate beside its region's and
    England's."""
    return f"In {latest_la_year(annual)}, {la_name} issued {_comparison(annual, region_name)}"


def comparison_alt(annual: pd.DataFrame, la_name: str, region_name: str | None) -> str:
    """Alt text for the yearly comparison chart: the council's series in words, then the latest comparison."""
    la = annual[annual["level"] == "la"].dropna(subset=["pct_within_20_weeks_ex"])
    return (narrative.describe_series(la.set_index("year")["pct_within_20_weeks_ex"], unit="%",
                                      label=f"the percentage of new EHC plans issued within 20 weeks in {la_name}")
            + f" Lines for {region_name} and England are shown for comparison: in {latest_la_year(annual)} "
            + f"{la_name} issued {_comparison(annual, region_name)}.")


def comparison_table(annual: pd.DataFrame) -> pd.DataFrame:
    """The data behind the yearly comparison chart, with readable column names."""
    return annual[[
        "year", "area_name", "plans_issued_ex", "plans_issued_within_20_weeks_ex", "pct_within_20_weeks_ex",
        "pct_within_20_weeks_ex_low", "pct_within_20_weeks_ex_high", "pct_within_20_weeks"]].set_axis(
        ["Year", "Area", "Plans issued (excl. exceptions)", "Within 20 weeks (excl. exceptions)",
         "% within 20 weeks (excl. exceptions)", "95% interval: low", "95% interval: high",
         "% within 20 weeks (incl. exceptions)"], axis=1)


def comparison_chart(annual: pd.DataFrame, target: float | None, la_name: str, region_name: str | None) -> Chart:
    """The yearly comparison chart bundle: the council's published rate beside its region's and England's."""
    return Chart(figures.annual_comparison(annual, target), comparison_title(annual, la_name, region_name),
                 comparison_alt(annual, la_name, region_name), comparison_table(annual), name="annual-comparison")


def bands_title(bands: pd.DataFrame, la_name: str) -> str:
    """Headline for the time-bands chart (:func:`published_issue_time_bands` for one year): the council's share
    of plans that took more than a year."""
    over_year = bands[(bands["level"] == "la") & (bands["band"] == BANDS[2])]["pct"].iloc[0]
    return (f"In {int(bands['year'].iloc[0])}, {narrative.fmt(over_year, '%')} of {la_name}'s new plans took more "
            "than a year")


def bands_alt(bands: pd.DataFrame) -> str:
    """Alt text for the time-bands chart: every area's share in each band, in words."""
    areas = list(dict.fromkeys(bands["area_name"]))
    shares = "; ".join(f"{area}: " + ", ".join(f"{narrative.fmt(row.pct, '%')} {row.band.lower()}"
                                               for row in bands[bands["area_name"] == area].itertuples())
                       for area in areas)
    return (f"Stacked bar chart of new EHC plans issued in {int(bands['year'].iloc[0])} by time taken, for "
            f"{', '.join(areas)}. {shares}.")


def bands_table(bands: pd.DataFrame) -> pd.DataFrame:
    """The data behind the time-bands chart, with readable column names."""
    return bands[["year", "area_name", "band", "plans", "pct"]].set_axis(
        ["Year", "Area", "Time taken", "Plans", "%"], axis=1)


def bands_chart(bands: pd.DataFrame, la_name: str) -> Chart:
    """The time-bands chart bundle for one published year
    (:func:`helpers.analysis.timeliness.published_issue_time_bands`)."""
    return Chart(figures.issue_time_bands(bands), bands_title(bands, la_name), bands_alt(bands), bands_table(bands),
                 name="weeks-to-issue")


def over_year_metrics(bands: pd.DataFrame) -> dict[str, Metric]:
    """The ``over_52_weeks_pct`` metric from :func:`helpers.analysis.timeliness.published_issue_time_bands` for one
    year: the council's share of new plans that took more than a year, with England's and the region's (lower is
    better)."""
    over = bands[bands["band"] == BANDS[2]].set_index("level")["pct"]
    if "la" not in over.index or pd.isna(over["la"]):
        return {}
    return {"over_52_weeks_pct": Metric(
        value=float(over["la"]), unit="%", period=str(int(bands["year"].iloc[0])), higher_is_better=False,
        england=float(over["england"]) if "england" in over.index else None,
        region=float(over["region"]) if "region" in over.index else None,
        label="New EHC plans that took more than a year (excluding exceptions)")}


def local_bands_table(cases: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> pd.DataFrame:
    """Plans issued in the 12 months to ``period_end`` by time taken, for display
    (:func:`helpers.analysis.timeliness.local_issue_time_bands`: a band's percentage that could give back a hidden
    count is not shown)."""
    return local_issue_time_bands(cases, period_end, hide_below).set_axis(["Time taken", "Plans", "% of plans"],
                                                                          axis=1)


def local_bands_caption(period_end: pd.Timestamp) -> str:
    """Caption of :func:`local_bands_table`, naming its 12 months."""
    start, end = year_to(period_end)
    return (f"Plans issued from {start:%d %B %Y} to {end:%d %B %Y} by time taken, excluding exceptions "
            "(council's own data)")


def local_bands(cases: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> Table:
    """The council's own time-bands table bundle (its plan counts are child-level), with what each count is:
    the 12 months' plans, which are the monthly SPC table's plans added up (declared only where they are)."""
    table = local_bands_table(cases, period_end, hide_below)
    period = f"12 months to {pd.Timestamp(period_end):%b %Y}"
    whole = plans_key(period, "all")
    counts = table["Plans"].astype(float)
    shown = table["% of plans"].astype("Float64")
    exact = all(pd.isna(p) or round(c / counts.sum() * 100, 1) == p for c, p in zip(counts, shown, strict=True))
    table.attrs = {"cells": {"Plans": [plans_key(period, str(band).lower()) for band in table["Time taken"]]},
                   "sums": [(whole, [plans_key(period, str(band).lower()) for band in table["Time taken"]])],
                   "shares": {"% of plans": ("Plans", whole, 0.05 if exact else 0.5)}}
    table.attrs["sums"] += _monthly_links(cases, period_end, period, counts.iloc[0], counts.sum())
    return Table(table, local_bands_caption(period_end), name="weeks-to-issue-local", child_level_counts=("Plans",))


def _monthly_links(cases: pd.DataFrame, period_end: pd.Timestamp, period: str, within: float,
                   plans: float) -> list[tuple[str, list[str]]]:
    """The 12 months' plans (all, and within 20 weeks) as sums of the monthly SPC table's, where they add up (a
    cases frame without every :data:`~helpers.analysis.cases.CASE_COLUMNS` has no monthly table to link)."""
    if not set(case_table.CASE_COLUMNS) <= set(cases.columns):
        return []
    monthly = case_table.by_period(cases, "M")
    start, end = year_to(period_end)
    months = monthly[(monthly["period"] >= start) & (monthly["period"] <= end)]
    if months["plans_issued_ex"].sum() != plans or months["plans_issued_within_20_weeks_ex"].sum() != within:
        return []
    names = [f"{pd.Timestamp(m):%b %Y}" for m in months["period"]]
    return [(plans_key(period, "all"), [plans_key(m, "all") for m in names]),
            (plans_key(period, "within 20 weeks"), [plans_key(m, "within 20 weeks") for m in names])]


# --- the open caseload past 20 weeks -----------------------------------------------------------------------

#: The backlog section when the council's case data are missing.
NO_SEN2_BACKLOG = (
    "With the council's own case data (its SEN2 extract) this section would count the children still waiting more "
    "than 20 weeks after their request, by stage and by how long overdue; DfE publishes only plans already issued, "
    "so add the extract to the pack config (inputs: sen2) to see it.")


#: What the backlog table counts, said above it.
BACKLOG_EXPLANATION = (
    "Requests for an assessment that are still open at the end of the period and were received more than 20 weeks "
    "ago, by where they are in the process. \"Weeks overdue\" counts the weeks past the 20-week limit. Small "
    "numbers are hidden in the public version of this pack so that no child can be identified.")


def backlog_sentence(backlog: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> str:
    """How many requests were open past 20 weeks at ``period_end`` and how overdue
    (:func:`helpers.analysis.timeliness.overdue_backlog`).

    A count from 1 to ``hide_below`` − 1 reads "fewer than <hide_below>" so that no child can be identified.
    """
    total = backlog.iloc[-1]
    waiting = total["open_past_20_weeks"]
    shown = f"fewer than {hide_below}" if 0 < waiting < hide_below else narrative.fmt(waiting, "count")
    text = (f"On {pd.Timestamp(period_end):%d %B %Y}, {shown} requests for an assessment were still open more than "
            "20 weeks after they were received")
    if not pd.isna(total["median_weeks_overdue"]):
        text += (f". Half of them were more than {narrative.fmt(total['median_weeks_overdue'], 'weeks')} overdue, "
                 f"one in ten more than {narrative.fmt(total['p90_weeks_overdue'], 'weeks')}, and the longest "
                 f"{narrative.fmt(total['oldest_weeks_overdue'], 'weeks')}")
    return narrative.sentence(text)


def backlog_table(backlog: pd.DataFrame) -> pd.DataFrame:
    """:func:`helpers.analysis.timeliness.overdue_backlog` with readable stage names and column names, for display."""
    return backlog.assign(stage=backlog["stage"].str.capitalize()).set_axis(
        ["Stage", "Requests open past 20 weeks", "Median weeks overdue", "90th percentile weeks overdue",
         "Longest wait past 20 weeks (weeks)"], axis=1)


def backlog_caption(period_end: pd.Timestamp) -> str:
    """Caption of :func:`backlog_table`."""
    return f"Open requests past the 20-week limit on {pd.Timestamp(period_end):%d %B %Y}, by stage"


def backlog_by_stage(backlog: pd.DataFrame, period_end: pd.Timestamp) -> Table:
    """The backlog table bundle: open requests past 20 weeks by stage (the counts are child-level)."""
    table = backlog_table(backlog)
    table.attrs = {"cells": {"Requests open past 20 weeks": [
        open_key(period_end, "all" if stage == ALL_OPEN else f"stage: {stage}")
        for stage in backlog["stage"]]}}
    return Table(table, backlog_caption(period_end), name="overdue-backlog",
                 child_level_counts=("Requests open past 20 weeks",))


#: What the backlog counts count (the population part of a disclosure key, see helpers.analysis.disclosure_linked).
OPEN_PAST_20_WEEKS = "requests open past 20 weeks"


def open_key(period_end: pd.Timestamp, part: str) -> str:
    """The disclosure key of a count of :data:`OPEN_PAST_20_WEEKS` on ``period_end`` in breakdown ``part``."""
    return f"{OPEN_PAST_20_WEEKS}|{pd.Timestamp(period_end):%d %b %Y}|{part}"


def open_by_weeks_overdue(cases: pd.DataFrame, period_end: pd.Timestamp) -> Table:
    """Every request still open at ``period_end`` by how long past 20 weeks it is
    (:func:`helpers.analysis.cases.open_by_weeks_overdue`; the counts are child-level)."""
    table = case_table.open_by_weeks_overdue(cases).set_axis(["Time past the 20-week limit", "Open requests"], axis=1)
    bands = [str(band) for band in table["Time past the 20-week limit"]]
    keys = [f"open requests|{pd.Timestamp(period_end):%d %b %Y}|{bands[0]}",
            *(open_key(period_end, f"overdue: {band}") for band in bands[1:])]
    table.attrs = {"cells": {"Open requests": keys}, "sums": [(open_key(period_end, "all"), keys[1:])]}
    return Table(table, f"All requests still open on {period_end:%d %B %Y}, by how long past 20 weeks they are",
                 name="open-by-weeks-overdue", child_level_counts=("Open requests",))


def backlog_metrics(backlog: pd.DataFrame | None, period_end: pd.Timestamp, hide_below: int) -> dict[str, Metric]:
    """Metrics of the open caseload past 20 weeks (none without case data); a count below ``hide_below`` is
    withheld and described in the finding instead."""
    if backlog is None:
        return {}
    total = backlog.iloc[-1]
    small = 0 < total["open_past_20_weeks"] < hide_below
    period = f"{pd.Timestamp(period_end):%d %b %Y}"
    waiting: dict[str, Any] = {"value": None if small else total["open_past_20_weeks"], "unit": "count",
                               "higher_is_better": False, "period": period,
                               "label": "Requests open past the 20-week limit",
                               "extras": {CHILD_LEVEL_COUNT: open_key(period_end, "all")}}
    if small:  # the finding is set only when the count is withheld
        waiting["finding"] = f"Fewer than {hide_below} requests were open past 20 weeks"
    return {
        "open_past_20_weeks": Metric(**waiting),
        "median_weeks_overdue": Metric(
            value=total["median_weeks_overdue"], unit="weeks", higher_is_better=False,
            period=period, label="Median weeks overdue of requests open past 20 weeks"),
    }


def impossible_dates_sentence(cases: pd.DataFrame, hide_below: int = 1) -> str:
    """One sentence: how many requests were left out for impossible dates
    (:func:`helpers.analysis.cases.impossible_dates`); a count from 1 to ``hide_below`` − 1 reads "fewer than
    <hide_below>", as in the tables (the count is child-level)."""
    n = case_table.impossible_dates(cases)
    if n == 0:
        return "Every request in the local extract has its dates in a possible order, so none is left out."
    many = n != 1 or hide_below > 1
    count = f"Fewer than {hide_below}" if n < hide_below else f"{n:,}"
    return (f"{count} request{'s' if many else ''} in the local extract "
            f"{'have' if many else 'has'} impossible dates (a decision or plan dated before the request was "
            "received, or a plan before the decision to assess) and "
            f"{'are' if many else 'is'} left out of the timeliness figures; the data-quality page lists "
            "the checks they fail.")
