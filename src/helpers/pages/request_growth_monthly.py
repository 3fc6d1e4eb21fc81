"""The request-growth page's monthly view (01): requests a month from the council's own SEN2 cases.

The decomposition and forecast are :mod:`helpers.analysis.growth_monthly`'s; the chart never shows more than the
suppressed table (months with a small count are withheld in the picture too).
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import cases as case_tables
from helpers.analysis.growth_monthly import (MIN_MONTHS, MONTHLY_COMPONENTS, monthly_decomposition,
                                             monthly_forecast, monthly_table, withhold_small_months)
from helpers.pages import growth_charts
from helpers.present.chart import Chart
from helpers.present.page import Page


def requests_by_month(page: Page) -> pd.Series | None:
    """Requests received each month from the SEN2 cases (indexed by month start); None without local cases."""
    cases = page.cases()
    return None if cases is None else case_tables.by_period(cases, "M").set_index("period")["requests_received"]


def monthly_shortfall_sentence(by_month: pd.Series | None) -> str:
    """Why there is no monthly view: no local case data (None), or fewer than :data:`MIN_MONTHS` months."""
    if by_month is None:
        return "No local case data were supplied for this pack, so there is no monthly view."
    return (f"The local case data cover {len(by_month)} months; at least {MIN_MONTHS} are needed to separate the "
            "seasonal pattern from the trend.")


def monthly_title(monthly: pd.DataFrame) -> str:
    """Headline for the monthly chart: the trend's direction over the last 12 months and the peak and low months.

    ``monthly``: :func:`~helpers.analysis.growth_monthly.monthly_decomposition` output (at least
    :data:`MIN_MONTHS` rows).
    """
    season = monthly.assign(month=monthly["period"].dt.strftime("%B")).groupby("month", sort=False)["seasonal"].mean()
    direction = "rising" if monthly["trend"].iloc[-1] - monthly["trend"].iloc[-13] > 0 else "falling"
    return (f"The underlying trend in monthly requests is {direction}; requests are usually highest in "
            f"{season.idxmax()} and lowest in {season.idxmin()}")


def monthly_chart(page: Page) -> tuple[Chart | None, str | None]:
    """The monthly chart (its counts child-level, suppressed where the build suppresses), or (None, why not)."""
    by_month = requests_by_month(page)
    if by_month is None or len(by_month) < MIN_MONTHS:
        return None, monthly_shortfall_sentence(by_month)
    monthly, ahead = monthly_decomposition(by_month), monthly_forecast(by_month)
    pictured = withhold_small_months(monthly, page.hide_below) if page.suppress_small_counts else monthly
    chart = Chart(growth_charts.monthly_chart(pictured, ahead), monthly_title(monthly),
                  growth_charts.monthly_chart_alt(pictured, ahead), monthly_table(monthly, ahead),
                  name="monthly-requests", child_level_counts=("observed",),
                  derived=MONTHLY_COMPONENTS)  # withheld wherever the count is suppressed
    return chart, None
