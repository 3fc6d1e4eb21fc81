"""The request-growth page (01): the headline, comparisons with England, the region and similar councils, metrics.

The page's forecasts are in :mod:`helpers.pages.request_growth_forecasts`, its scenarios and EP hours in
:mod:`helpers.pages.request_growth_demand` and its monthly view in :mod:`helpers.pages.request_growth_monthly`;
figures in :mod:`helpers.pages.growth_charts`. Numbers come from :mod:`helpers.analysis.growth`; comparator groups
are :func:`helpers.areas.comparator_groups`'s. Sentences follow :mod:`helpers.present.narrative` rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from helpers import areas
from helpers.analysis import growth
from helpers.analysis.forecast import MeasureForecast
from helpers.analysis.growth import GrowthComparison
from helpers.areas import ENGLAND_CODE, LA, Group
from helpers.metrics import Metric
from helpers.pages import growth_charts
from helpers.pages.request_growth_demand import Demand, ep_hours_metric
from helpers.pages.request_growth_forecasts import backtest_metrics, forecast_metrics
from helpers.pages.request_growth_words import MEASURE_WORDS, SIMILAR_COUNCILS, capitalised, grew, years_as_text
from helpers.present import narrative
from helpers.present.chart import Chart, Table
from helpers.present.page import Page
from helpers.sources import neighbours

#: Said under the growth-by-area table when the pack config sets no statistical neighbours.
NO_NEIGHBOURS = "No statistical neighbours are set in the pack config, so similar councils are not shown."


@dataclass(frozen=True)
class Requests:
    """The council's requests (``requests``: latest unbroken run, for forecasts; ``history``: every published
    year, for growth), England's, and the two growth rates compared."""

    ees: pd.DataFrame
    la: LA
    requests: pd.Series
    history: pd.Series
    england: pd.Series
    vs_england: GrowthComparison


def requests(page: Page) -> Requests:
    """The page's council and its requests from the DfE release."""
    ees, la = page.ees, page.la
    history = growth.annual_series(ees, la.old_code, "requests_received", unbroken=False)
    england = growth.annual_series(ees, ENGLAND_CODE, "requests_received")
    return Requests(ees, la, growth.annual_series(ees, la.old_code, "requests_received"), history, england,
                    growth.compare_with_england(history, england))


def pace(c: GrowthComparison) -> str:
    """``"faster than"``, ``"slower than"`` or ``"the same pace as"`` (judged at the precision shown)."""
    if narrative.fmt(100 * c.la_rate, "%") == narrative.fmt(100 * c.england_rate, "%"):
        return "the same pace as"
    return "faster than" if c.la_rate > c.england_rate else "slower than"


def growth_vs_england_sentence(subject: str, c: GrowthComparison) -> str:
    """``"<subject> grew by 9.1% a year between 2019 and 2024, faster than England's 7.0% a year."``"""
    if narrative.is_missing(c.la_rate):
        return (f"Growth in {subject[0].lower() + subject[1:]} between {c.base} and {c.latest} cannot be worked out "
                f"(there were none in {c.base}); England's grew by {narrative.fmt(100 * c.england_rate, '%')} a year.")
    return (f"{subject} {grew(c.la_rate)} between {c.base} and {c.latest}, {pace(c)} England's "
            f"{narrative.fmt(100 * c.england_rate, '%')} a year.")


def latest_requests_sentence(la_name: str, requests: pd.Series, england: pd.Series) -> str:
    """The latest year's requests, the change on the year before, and England's figure for that year."""
    latest = int(requests.index[-1])
    previous = requests.get(latest - 1)
    change = "" if previous is None else f", {narrative.change(requests.iloc[-1], previous, 'count')}"
    return (f"In {latest} {la_name} received {narrative.fmt(requests.iloc[-1], 'count')} requests{change}. "
            f"England received {narrative.fmt(england.loc[latest], 'count')}.")


def headline(r: Requests) -> str:
    """The page headline: the council's growth in requests against England's."""
    return growth_vs_england_sentence(f"Requests for an EHC needs assessment in {r.la.name}", r.vs_england)


def latest_sentence(r: Requests) -> str:
    """The latest year's requests beside England's (:func:`latest_requests_sentence`)."""
    return latest_requests_sentence(r.la.name, r.history, r.england)


# --- compared with England, the region and similar councils -------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """Requests of the council and its comparator groups over the growth window ``base``–``latest``: yearly
    ``totals``, the ``index`` (base year = 100) and each group's growth a year (``rates``, by group name)."""

    la_name: str
    groups: list[Group]
    totals: pd.DataFrame
    index: pd.DataFrame
    rates: dict[str, float]
    base: int
    latest: int

    def rate(self, kind: str) -> float | None:
        """The growth a year of the group of this kind (``"region"``, ``"neighbours"``), None if it has none."""
        names = [g.name for g in self.groups if g.kind == kind]
        return self.rates.get(names[0]) if names else None


def comparator_groups(page: Page, r: Requests) -> list[Group]:
    """The council, England, its region and (if set) its statistical neighbours, named as the page names them."""
    codes = neighbours.neighbours_for(r.la, page.config, r.ees)
    names = {"la": r.la.name, "neighbours": SIMILAR_COUNCILS}
    return [replace(g, name=names.get(g.kind, g.name))
            for g in areas.comparator_groups(r.ees, r.la.old_code, neighbours=codes)]


def comparison(page: Page, r: Requests) -> Comparison:
    """Requests of every comparator group over the headline's growth window."""
    groups = comparator_groups(page, r)
    base, latest = r.vs_england.base, r.vs_england.latest
    totals = growth.comparator_totals(r.ees, "requests_received", groups)
    index = growth.indexed(totals[totals["year"].between(base, latest)], base)
    return Comparison(r.la.name, groups, totals, index, growth.group_growth_rates(totals, base, latest), base, latest)


def comparators_title(la_name: str, rates: Mapping[str, float], base: int) -> str:
    """Headline for the indexed chart: did the LA's requests grow faster than every comparator, none, or some?"""
    others = [n for n in rates if n != la_name]
    faster = [n for n in others if rates[la_name] > rates[n]]
    if len(faster) == len(others):
        return f"Since {base}, requests in {la_name} grew faster than in all comparators"
    if not faster:
        return f"Since {base}, requests in {la_name} grew more slowly than in all comparators"
    return f"Since {base}, requests in {la_name} grew faster than in {', '.join(faster)} but not the others"


def indexed_chart(c: Comparison) -> Chart:
    """Requests of each group indexed to the base year, one line each."""
    figure = growth_charts.indexed_chart(c.index, highlight=c.la_name, ylabel=f"Requests ({c.base} = 100)")
    return Chart(figure, comparators_title(c.la_name, c.rates, c.base),
                 growth_charts.indexed_chart_alt(c.index, c.base, c.latest),
                 years_as_text(c.index[["year", "group", "value", "index"]]), name="requests-indexed")


def growth_by_area_rows(ees: pd.DataFrame, groups: list[Group]) -> pd.DataFrame:
    """Average growth a year (%) of each measure, one row per area: ``Area`` and ``<Measure>: growth a year (%)``."""
    rows = []
    for name, rates in growth.growth_by_area(ees, groups).items():
        row: dict[str, object] = {"Area": name}
        for measure, rate in rates.items():
            row[f"{capitalised(MEASURE_WORDS[measure])}: growth a year (%)"] = None if rate is None else 100 * rate
        rows.append(row)
    return pd.DataFrame(rows)


def growth_by_area_table(r: Requests, c: Comparison) -> Table:
    """The growth-by-area table for the page."""
    return Table(growth_by_area_rows(r.ees, c.groups),
                 "Average growth a year over the last five years (or as many as there are), by area",
                 name="growth-by-area")


def no_neighbours_note(c: Comparison) -> str | None:
    """:data:`NO_NEIGHBOURS` when the pack sets no statistical neighbours, else None."""
    return None if any(g.kind == "neighbours" for g in c.groups) else NO_NEIGHBOURS


# --- metrics ------------------------------------------------------------------------------------------------------

def request_metrics(r: Requests, c: Comparison) -> dict[str, Metric]:
    """The latest requests and their growth (LA, England, region, neighbours)."""
    latest, history = r.vs_england.latest, r.history
    previous = history.get(latest - 1)
    change = "" if previous is None else f", {narrative.change(history.iloc[-1], previous, 'count')}"
    region = growth.annual_series(r.ees, r.la.region_code, "requests_received")
    region_rate, neighbour_rate = c.rate("region"), c.rate("neighbours")
    base, la_rate, england_rate = r.vs_england.base, r.vs_england.la_rate, r.vs_england.england_rate
    return {
        "requests_latest": Metric(
            value=float(history.iloc[-1]), unit="count", label="Requests for an EHC needs assessment",
            period=str(latest), previous=None if previous is None else float(previous),
            england=float(r.england.loc[latest]),
            region=float(region.loc[latest]) if latest in region.index else None,
            finding=f"{r.la.name} received {narrative.fmt(history.iloc[-1], 'count')} requests in {latest}{change}."),
        "requests_cagr_5y": Metric(
            value=100 * la_rate, unit="%", label=f"Average growth in requests a year, {base} to {latest}",
            period=f"{base}-{latest}", england=100 * england_rate,
            region=None if region_rate is None else 100 * region_rate,
            neighbours=None if neighbour_rate is None else 100 * neighbour_rate,
            finding=growth_vs_england_sentence("Requests", r.vs_england)),
        "england_cagr_5y": Metric(
            value=100 * england_rate, unit="%", label=f"England: average growth in requests a year, {base} to {latest}",
            period=f"{base}-{latest}"),
    }


def plans_in_place_metrics(in_place: pd.Series, england_in_place: pd.Series) -> dict[str, Metric]:
    """The latest January count of plans in place (empty when the LA has none)."""
    if not len(in_place):
        return {}
    return {"plans_in_place_latest": Metric(
        value=float(in_place.iloc[-1]), unit="count", label="EHC plans in place (January census)",
        period=str(int(in_place.index[-1])), previous=float(in_place.iloc[-2]) if len(in_place) > 1 else None,
        england=float(england_in_place.iloc[-1]) if len(england_in_place) else None)}


def metrics(r: Requests, c: Comparison, forecasts: Mapping[str, MeasureForecast | None],
            demand: Demand) -> dict[str, Metric]:
    """Every metric the page publishes: requests and their growth, the requests forecast and its back-test, next
    year's EP hours (``ep_hours_next_year``, quoted by the EP page and the front page) and plans in place."""
    out = request_metrics(r, c)
    fc = forecasts["requests_received"]
    if fc is not None:
        out |= forecast_metrics(fc.forecast) | backtest_metrics(fc) | ep_hours_metric(demand)
    out |= plans_in_place_metrics(growth.annual_series(r.ees, r.la.old_code, "plans_in_place"),
                                  growth.annual_series(r.ees, ENGLAND_CODE, "plans_in_place"))
    return out
