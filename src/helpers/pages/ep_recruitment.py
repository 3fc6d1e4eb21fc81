"""The EP workforce page's section on recruitment and the independent-reports route (``03_ep_workforce``).

``rec = ep_recruitment.model(page, ep)`` reads the optional recruitment template (``inputs: recruitment``) and,
with a staffing return too, projects the advice queue with and without independent reports
(:func:`helpers.analysis.recruitment.route_projection`); None without the template, when the section says what it
would show and how to supply it (:data:`NOT_SUPPLIED`). Campaign spend is the council's own spending, not a
supplier's price, so it is shown in every build.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import recruitment as analysis
from helpers.analysis.recruitment import Recruitment
from helpers.analysis.workforce_projection import Projection
from helpers.pages.ep_workforce import EPModel
from helpers.pages.workforce_charts import projection_lines
from helpers.present import narrative
from helpers.present.chart import Chart, Table
from helpers.present.page import Page
from helpers.sources import recruitment as source

NOT_SUPPLIED = (
    "This section would show what recruiting EPs costs (campaign spend per appointment), how long posts take to "
    "fill, and how accepting EP advice from independent reports changes the waiting list, with and without the "
    "route. It needs the council's recruitment return (each month: EP posts advertised, applications, "
    "appointments, campaign spend, and EP advices supplied from independent reports), which this pack does not "
    "have. Fill in data/templates/ep_recruitment_template.csv (columns and rules in data/templates/README.md) and "
    "add it under inputs: recruitment in the pack config.")
EQUITY = (
    "A fairness caution: independent EP reports are usually paid for by families, so children whose families can "
    "afford a private assessment get their EP advice sooner, while children whose families cannot pay wait in the "
    "council's queue. A shorter queue helps everyone in it, but the route does not make access equal. If the "
    "council keeps it, it should check each report meets the statutory standard, record who uses the route (by "
    "area and by free school meals, for example) and report that alongside the waiting list.")
#: Line labels of the route chart.
LABELS = {analysis.WITHOUT: "Route closed now", analysis.WITH: "Route open for a year"}
#: Row names of the route table.
NAMES = {analysis.WITHOUT: "Stop accepting independent reports now",
         analysis.WITH: "Keep accepting them for a year, at the last 12 months' rate"}


@dataclass(frozen=True)
class Route:
    """The projection with and without the route, and each scenario's outcomes
    (:func:`helpers.analysis.recruitment.route_outcomes`, indexed by key)."""

    projection: Projection
    outcomes: pd.DataFrame


@dataclass(frozen=True)
class RecruitmentView:
    """The template summed up and, with a staffing return and reports in the last year, the route projection."""

    summary: Recruitment
    route: Route | None


def model(page: Page, ep: EPModel) -> RecruitmentView | None:
    """The section's numbers from the recruitment template and the EP page's model; None without the template."""
    if page.config.inputs.recruitment is None:
        return None
    summary = analysis.summarise(source.read(page.config.inputs.recruitment))
    if ep.staffing is None or ep.now is None or summary.reports_per_week == 0:
        return RecruitmentView(summary, None)
    route = analysis.route_projection(ep.staffing, ep.now, ep.assumptions, reports_per_week=summary.reports_per_week,
                                      growth_per_year=ep.growth_per_year, on_time_pct=ep.on_time_pct,
                                      start=ep.period_end)
    outcomes = analysis.route_outcomes(route, deadline_weeks=ep.assumptions.advice_deadline_weeks)
    return RecruitmentView(summary, Route(route, outcomes.set_index("key")))


def campaigns(rec: RecruitmentView) -> Table:
    """Recruitment by financial year."""
    y = rec.summary.by_year
    data = pd.DataFrame({"Financial year": y["year"], "Posts advertised": y["posts_advertised"],
                         "Applications": y["applications"], "EPs appointed": y["appointments"],
                         "Campaign spend (£)": y["campaign_cost_gbp"].round(),
                         "Advice from independent reports": y["independent_reports"]})
    return Table(data, "EP recruitment campaigns and independent reports by financial year",
                 name="ep-recruitment-by-year")


def campaigns_note(rec: RecruitmentView) -> str:
    """Posts, applications, appointments, spend per appointment and time to fill, over the whole return."""
    s = rec.summary
    fill = (f" On average an EP was appointed about {narrative.fmt(s.months_to_fill, 'months')} after the advert "
            f"(counting each appointment from the latest advert before it)." if s.appointments else "")
    cost = (f" Campaigns cost £{s.cost_gbp:,.0f} in all, about £{s.cost_per_appointment_gbp:,.0f} for each EP "
            f"appointed." if s.appointments else f" Campaigns cost £{s.cost_gbp:,.0f} and appointed nobody.")
    return (f"From {s.first_month:%B %Y} to {s.last_month:%B %Y} the council advertised "
            f"{narrative.fmt(s.posts, 'count')} EP posts (a post advertised again counts again), received "
            f"{narrative.fmt(s.applications, 'count')} applications "
            f"({narrative.fmt(s.applications_per_post)} a post) and appointed "
            f"{narrative.fmt(s.appointments, 'count')} EPs ({narrative.fmt(s.filled_pct, '%')} of posts "
            f"advertised).{cost}{fill}")


def route_chart(route: Route) -> Chart:
    """The waiting list with and without the route over the projection (average of the simulated runs)."""
    o = route.outcomes
    title = (f"Keeping independent reports for a year would leave about "
             f"{narrative.fmt(o.loc[analysis.WITH, 'waiting_1_year'], 'count')} requests for EP advice waiting or "
             f"being worked on after a year, against about "
             f"{narrative.fmt(o.loc[analysis.WITHOUT, 'waiting_1_year'], 'count')} without them")
    alt = (f"Line chart of the projected number of requests for EP advice waiting or being worked on over the next "
           f"three years, with the independent-reports route closed now and kept open for a year. After a year: "
           f"{narrative.fmt(o.loc[analysis.WITHOUT, 'waiting_1_year'], 'count')} closed, "
           f"{narrative.fmt(o.loc[analysis.WITH, 'waiting_1_year'], 'count')} open. After three years: "
           f"{narrative.fmt(o.loc[analysis.WITHOUT, 'waiting_end'], 'count')} and "
           f"{narrative.fmt(o.loc[analysis.WITH, 'waiting_end'], 'count')}.")
    weekly = route.projection.weekly
    data = weekly[weekly["week"] % 4 == 0][["key", "date", "waiting_total"]].assign(
        key=lambda d: d["key"].map(NAMES)).rename(columns={
            "key": "Choice", "date": "Week starting", "waiting_total": "Waiting or being worked on (average)"})
    return Chart(projection_lines(weekly, LABELS), title, alt, data, name="ep-independent-reports-projection")


def route_table(route: Route) -> Table:
    """Waiting after one and three years and advice within 6 weeks in the first year, with and without."""
    o = route.outcomes
    data = pd.DataFrame({"Choice": o.index.map(NAMES),
                         "Waiting after 1 year": o["waiting_1_year"].round().astype(int),
                         "Waiting after 3 years": o["waiting_end"].round().astype(int),
                         "New requests advised within 6 weeks in the first year (%)":
                             o["within_deadline_pct_first_year"].round(1)})
    caption = (f"The waiting list with and without independent reports (average of {route.projection.replications} "
               "runs)")
    return Table(data, caption, name="ep-independent-reports-outcomes")


def no_route(rec: RecruitmentView) -> str:
    """Said instead of the route projection: why there is none."""
    if rec.summary.reports_last_year == 0:
        return ("No EP advice came from independent reports in the last 12 months of the recruitment return, so "
                "there is no route to model.")
    return ("The effect of independent reports on the waiting list also needs the EP staffing return (see above), "
            "which this pack does not have.")


def route_note(rec: RecruitmentView) -> str:
    """What the route scenarios assume."""
    s = rec.summary
    return (f"In the 12 months to {s.last_month:%B %Y}, {narrative.fmt(s.reports_last_year, 'count')} requests for EP "
            f"advice were met by independent reports (about {narrative.fmt(s.reports_per_week)} a week). Those "
            f"requests are not in the staffing return's requests, so closing the route sends them back to the "
            f"council's EPs. Both lines otherwise use the 'As now' choice above: today's EPs and locums, the same "
            f"leaving and joining, and the same growth in demand; with the route open, it closes after a year. The "
            f"'As now' line above assumes independent reports carry on for ever, which is why it ends lower than both.")
