"""The Educational Psychologist (EP) workforce page (``notebooks/03_ep_workforce.ipynb``): what the notebook shows.

``ep = ep_workforce.model(page)`` reads the assumptions, the DfE release and the staffing return and computes the
page's numbers once (:class:`EPModel`); the other functions turn them into chart and table bundles, sentences and
metrics for ``page.show`` / ``page.say`` / ``page.write_metrics``. The wording is in
:mod:`helpers.pages.ep_workforce_text`, the tables in :mod:`helpers.pages.ep_workforce_tables`, the metrics in
:mod:`helpers.pages.ep_workforce_metrics` and the figures in :mod:`helpers.pages.workforce_charts`. Locum costs
are commercial information: only the notebook's ``exempt`` cells call :func:`costs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from helpers.analysis.workforce import EPAssumptions, dfe_demand
from helpers.analysis.workforce_projection import Projection, project_choices
from helpers.analysis.workforce_service import ServiceNow, release_growth, service_now
from helpers.config import PackConfig
from helpers.metrics import Metric
from helpers.pages import ep_workforce_metrics as metrics_
from helpers.pages import ep_workforce_tables as tables
from helpers.pages import ep_workforce_text as text
from helpers.pages import workforce_charts as charts
from helpers.present.chart import Chart, Table
from helpers.present.page import Page

#: Pack-config assumption name (``assumptions:``) of each field of :class:`~helpers.analysis.workforce.EPAssumptions`.
ASSUMPTION_NAMES: dict[str, str] = {
    "hours_per_assessment": "ep_hours_per_assessment",
    "productive_hours_per_fte_year": "productive_hours_per_fte_year",
    "locum_day_rate_gbp": "locum_day_rate_gbp",
    "locum_hours_per_day": "locum_hours_per_day",
    "advice_deadline_weeks": "advice_deadline_weeks",
    "cases_in_progress_per_fte": "ep_cases_in_progress_per_fte",
    "plan_weeks_outside_ep_advice": "plan_weeks_outside_ep_advice",
    "case_weeks_cv": "ep_case_weeks_cv",
}
#: Share of EP advice within 6 weeks the projection aims at when the pack config sets no target.
DEFAULT_ON_TIME_PCT = 80.0

#: What the page says instead of its supply, waiting and projection sections without a staffing return.
NO_STAFFING_DATA = (
    "Supply, waiting times and the choices for clearing the waiting list need the council's EP staffing return "
    "(EPs in post, locums, and requests for EP advice received and completed each month), which this pack does not "
    "have. Add it under inputs: workforce in the pack config (see data/templates/README.md) to see them.")

#: The body of the section "Three years ahead" (Markdown, shown only with a staffing return): how the projection
#: runs and what each choice is.
CHOICES_EXPLAINED = """\
The projection simulates each request for EP advice, week by week, 200 times over, because requests arrive unevenly
and cases take different lengths of time. It starts from today's estimated waiting list, and children are seen in
the order they asked. EPs in post change as they did over the last year (leavers, and joiners filling vacant funded
posts), and demand grows as described above. The choices are:

* **As now**: today's EPs and locums carry on;
* **As now, demand stops growing**: the same staff, with requests staying at today's level;
* **Recruit more EPs**: enough permanent EPs to keep up with today's demand, in post after six months (shown only
  when the EPs in post are not enough);
* **Locum packages A, B and C**: replace today's locums with enough locum time to clear the list in two years, one
  year or six months, then keep enough to hold it at its target size (shown only when there is a backlog to clear).

The lines show the average of all runs; the data table gives the range."""


@dataclass(frozen=True)
class EPModel:
    """The EP page's numbers, computed once: DfE demand for every council; with a staffing return also the
    service today (``now``) and the projected choices (``projection``, named), else None."""

    la_name: str
    assumptions: EPAssumptions
    on_time_pct: float
    period_end: pd.Timestamp
    demand: pd.DataFrame
    growth_per_year: float
    growth_source: str
    staffing: pd.DataFrame | None
    now: ServiceNow | None
    projection: Projection | None


def ep_assumptions(config: PackConfig) -> EPAssumptions:
    """The EP assumptions from the pack config (checked on load); :class:`~helpers.errors.InputError` naming any
    that is missing."""
    return EPAssumptions(**{attr: config.assumption(key) for attr, key in ASSUMPTION_NAMES.items()})


def demand_growth(ees: pd.DataFrame, area_code: str, request_growth: Mapping[str, Metric]) -> tuple[float, str]:
    """Yearly growth in demand for the projection (0.06 = 6%), and where it comes from in words.

    Page 1's five-year average growth in requests (metric ``requests_cagr_5y`` of ``01_request_growth``) when it
    has one, so both pages tell the same story; otherwise the same average from the DfE release over the last five
    years (:func:`helpers.analysis.workforce_service.release_growth`); no growth when the release has fewer than
    two years of requests.
    """
    from_01 = request_growth.get("requests_cagr_5y")
    if from_01 is not None and from_01.value is not None:
        return from_01.value / 100, f"the average yearly growth in requests for assessment, {from_01.period}"
    found = release_growth(ees, area_code)
    if found is None:
        return 0.0, "no growth: the DfE release has too few years of requests"
    rate, first, last = found
    return rate, f"the average yearly growth in requests for assessment, {first}-{last}"


def model(page: Page) -> EPModel:
    """Everything the page shows, from the page's config, DfE release, staffing return and page 01's metrics."""
    config, code = page.config, page.la.old_code
    assumptions = ep_assumptions(config)
    target = config.target("ep_advice_6_weeks_pct", DEFAULT_ON_TIME_PCT)
    on_time = DEFAULT_ON_TIME_PCT if target is None else target
    start = pd.Timestamp(config.period_end)
    growth_per_year, source = demand_growth(page.ees, code, page.metrics().get("01_request_growth", {}))
    staffing = page.workforce()
    now = None if staffing is None else service_now(staffing, assumptions)
    projection = None if staffing is None or now is None else text.with_names(project_choices(
        staffing, now, assumptions, growth_per_year=growth_per_year, on_time_pct=on_time, start=start))
    return EPModel(page.la.name, assumptions, on_time, start, dfe_demand(page.ees, code, assumptions),
                   growth_per_year, source, staffing, now, projection)


# --- what the notebook shows, section by section -------------------------------------------------------------------

def headline(ep: EPModel) -> str:
    return text.headline(ep.la_name, ep.demand, ep.now, ep.projection)


def no_demand(ep: EPModel) -> str:
    """Said instead of the demand chart when the release has no assessments for the council."""
    return f"The DfE release has no figures for assessments completed in {ep.la_name}."


def demand_chart(ep: EPModel) -> Chart:
    """EP FTE needed each year for the assessments completed (DfE figures)."""
    return Chart(charts.fte_needed_bars(ep.demand), text.demand_title(ep.demand, ep.la_name),
                 text.demand_alt(ep.demand), tables.demand_chart_data(ep.demand), name="ep-fte-needed-dfe")


def demand_note(ep: EPModel) -> str:
    return text.demand_note(ep.assumptions, ep.growth_per_year, ep.growth_source,
                            projection_shown=ep.projection is not None)


def supply_chart(now: ServiceNow) -> Chart:
    """EPs in post, with locums, against the FTE needed, month by month."""
    return Chart(charts.supply_demand_lines(now.supply), text.supply_title(now), text.supply_alt(now),
                 tables.supply_chart_data(now), name="ep-supply-demand")


def supply_note(now: ServiceNow) -> str:
    return text.supply_note(now)


def waiting_chart(now: ServiceNow) -> Chart:
    """The estimated waiting list at each month end."""
    return Chart(charts.waiting_list_line(now.supply), text.waiting_title(now), text.waiting_alt(now),
                 tables.waiting_chart_data(now), name="ep-waiting-list")


def waiting_note(ep: EPModel, now: ServiceNow) -> str:
    return text.waiting_note(now, ep.assumptions, ep.on_time_pct)


def capacity(now: ServiceNow) -> Table:
    return Table(tables.capacity_table(now), "EP capacity needed to clear and then hold the waiting list",
                 name="capacity-needed")


def capacity_note(ep: EPModel, now: ServiceNow) -> str:
    return text.capacity_note(now, ep.assumptions)


def projection_chart(ep: EPModel, projection: Projection) -> Chart:
    """The waiting list under each choice over the next three years (average of the simulated runs)."""
    backlog = 0.0 if ep.now is None else ep.now.backlog
    return Chart(charts.projection_lines(projection.weekly), text.projection_title(projection),
                 text.projection_alt(projection, backlog), tables.projection_chart_data(projection, ep.assumptions),
                 name="ep-waiting-projection")


def outcomes(projection: Projection) -> Table:
    caption = f"What each choice achieves over the next three years (average of {projection.replications} runs)"
    return Table(tables.outcomes_table(projection), caption, name="scenario-outcomes")


def outcomes_note(ep: EPModel, now: ServiceNow) -> str:
    return text.outcomes_note(now, ep.assumptions)


def costs(projection: Projection) -> Table:
    """Locum cost of each choice (commercial information: exempt cells only)."""
    return Table(tables.cost_table(projection), "Locum cost of each choice over the next three years",
                 name="scenario-costs")


def cost_note(ep: EPModel, staffing: pd.DataFrame) -> str:
    """Locum spend in the last 12 months and the rate the costs use (exempt cells only)."""
    return text.cost_note(staffing, ep.assumptions)


def findings(ep: EPModel) -> list[str]:
    return text.findings(ep.demand, ep.now, ep.projection, ep.assumptions)


def metrics(ep: EPModel) -> dict[str, Metric]:
    """The page's headline metrics (no costs)."""
    return metrics_.page_metrics(ep.demand, ep.now, ep.projection, ep.period_end)
