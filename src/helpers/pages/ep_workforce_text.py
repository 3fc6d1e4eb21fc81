"""The EP workforce page's wording (``notebooks/03_ep_workforce.ipynb``): headline, chart titles, alt text, notes
and the findings, in plain English, from the numbers of :mod:`helpers.analysis.workforce_service` and
:mod:`helpers.analysis.workforce_projection`.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from helpers.analysis import waitlist
from helpers.analysis.workforce import WEEKS_PER_YEAR, EPAssumptions
from helpers.analysis.workforce_projection import Projection
from helpers.analysis.workforce_service import ServiceNow
from helpers.present import narrative

#: Short label of each choice (:func:`helpers.analysis.workforce_projection.standard_scenarios` key), for chart
#: line labels and alt text.
CHOICE_LABELS: dict[str, str] = {"as_is": "As now", "flat_demand": "Demand stops growing", "recruit": "Recruit",
                                 "locum_a": "Locums A", "locum_b": "Locums B", "locum_c": "Locums C"}
#: Full name of each choice but recruitment (:func:`choice_name`), in the tables, metrics and sentences.
CHOICE_NAMES: dict[str, str] = {"as_is": "As now", "flat_demand": "As now, demand stops growing",
                                "locum_a": "Locum package A: clear the list in 2 years",
                                "locum_b": "Locum package B: clear the list in 1 year",
                                "locum_c": "Locum package C: clear the list in 6 months"}
#: How the capacity table names each time to clear the list (weeks → words).
CLEARING_LABELS: dict[float, str] = {WEEKS_PER_YEAR / 2: "6 months", WEEKS_PER_YEAR: "1 year",
                                     2 * WEEKS_PER_YEAR: "2 years"}


def choice_name(key: str, recruits: float = 0.0) -> str:
    """The full name of a choice: ``"Recruit 2 more EPs"`` for ``recruit``, else :data:`CHOICE_NAMES`."""
    if key == "recruit":
        return f"Recruit {recruits:g} more EP{'s' if recruits != 1 else ''}"
    return CHOICE_NAMES[key]


def with_names(projection: Projection) -> Projection:
    """The projection with each choice's name (``scenario``) beside its key in ``outcomes`` and ``weekly``."""
    names = {row.key: choice_name(str(row.key), float(row.recruits)) for row in projection.outcomes.itertuples()}
    outcomes = projection.outcomes.copy()
    outcomes.insert(1, "scenario", outcomes["key"].map(names))
    weekly = projection.weekly.assign(scenario=projection.weekly["key"].map(names))
    return dataclasses.replace(projection, weekly=weekly, outcomes=outcomes)


def gap_words(now: ServiceNow) -> str:
    """'short of' when EPs and locums are fewer than needed, else 'more than'."""
    return "short of" if now.gap_fte > 0 else "more than"


def package_name(key: str) -> str:
    """'package C' for the key ``locum_c``: how the sentences name a locum package (its letter in the choices)."""
    return f"package {key.removeprefix('locum_').upper()}"


def when_text(weeks: float, start: pd.Timestamp) -> str:
    """'in about 47 weeks (August 2026)', 'straight away', or 'not within the three years' (NaN weeks)."""
    if narrative.is_missing(weeks):
        return "not within the three years"
    if weeks == 0:
        return "straight away"
    return f"in about {narrative.fmt(weeks, 'weeks')} ({start + pd.Timedelta(weeks=float(weeks)):%B %Y})"


def reached_text(weeks: float, start: pd.Timestamp) -> str:
    """'would be reached in about 21 weeks (February 2026)' or 'would not be reached within the three years'."""
    verb = "not be reached" if narrative.is_missing(weeks) else "be reached"
    return f"would {verb} {when_text(weeks, start).removeprefix('not ')}"


def headline(la_name: str, demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None) -> str:
    """The page's headline: timeliness, the list and where it is heading; the DfE demand alone without local data."""
    if now is None or projection is None:
        if demand.empty:
            return f"Neither DfE figures on assessments nor local staffing data are available for {la_name}."
        latest = demand.iloc[-1]
        return (f"In {int(latest['year'])} the assessments completed in {la_name} needed about "
                f"{narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for statutory advice. There are no local "
                f"staffing data in this pack, so supply and waiting times are not shown.")
    end, today = round(projection.by_key.loc["as_is", "waiting_end"]), round(now.backlog)
    trend = ("stay about the same." if end == today else
             f"{'grow' if end > today else 'fall'} to about {narrative.fmt(end, 'count')} in three years.")
    return (f"{narrative.fmt(now.on_time_pct, '%')} of EP advice was on time in the last 12 months "
            f"(target {narrative.fmt(projection.on_time_pct, '%')}); about {narrative.fmt(today, 'count')} "
            f"requests are waiting or being worked on, and as now the list would {trend}")


def demand_title(demand: pd.DataFrame, la_name: str) -> str:
    """Headline of the DfE demand chart: the latest year's assessments and the EP FTE they needed."""
    latest = demand.iloc[-1]
    return (f"In {int(latest['year'])} the {narrative.fmt(latest['assessments'], 'count')} assessments completed "
            f"in {la_name} needed about {narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for statutory advice")


def demand_alt(demand: pd.DataFrame) -> str:
    """Alt text of the DfE demand chart: the bars' direction from first to last year and any peak."""
    return narrative.describe_series(demand.set_index("year")["fte_needed"], unit="FTE",
                                     label="EP full-time equivalents needed for statutory advice", chart="Bar chart")


def demand_note(assumptions: EPAssumptions, growth_per_year: float, growth_source: str, *,
                projection_shown: bool = True) -> str:
    """The assumptions behind the demand figures and (when the page has one) the growth the projection uses."""
    note = (f"Each assessment is taken to need {narrative.fmt(assumptions.hours_per_assessment)} hours of EP "
            f"time, and a full-time EP to have {narrative.fmt(assumptions.productive_hours_per_fte_year)} hours "
            f"a year for statutory work. This counts statutory advice only: EPs also do annual reviews, "
            f"tribunals, consultation and traded work with schools, which need time on top.")
    if not projection_shown:
        return note
    return (f"{note} The projection below assumes requests keep growing by "
            f"{narrative.fmt(100 * growth_per_year, '%')} a year ({growth_source}).")


def supply_title(now: ServiceNow) -> str:
    """Headline of the supply-and-demand chart: FTE needed against EPs and locums, and the difference."""
    return (f"Over the last year, statutory advice needed about {narrative.fmt(now.fte_needed, 'FTE')} of EP time; "
            f"the council had {narrative.fmt(now.latest['supply_fte'], 'FTE')} including locums, "
            f"{narrative.fmt(abs(now.gap_fte), 'FTE')} {gap_words(now)} what was needed")


def supply_alt(now: ServiceNow) -> str:
    """Alt text of the supply-and-demand chart: how EPs in post and the FTE needed moved over the months."""
    monthly = now.supply.set_index("period_end")
    return (narrative.describe_series(monthly["eps_in_post_fte"], unit="FTE", label="EPs in post") + " "
            + narrative.describe_series(monthly["fte_needed_3_month_average"], unit="FTE",
                                        label="FTE needed for statutory advice (3-month average)",
                                        chart="A second line"))


def supply_note(now: ServiceNow) -> str:
    """Funded posts, EPs in post, vacancies and locums at the last period end."""
    latest = now.latest
    vacant = max(latest["establishment_fte"] - latest["eps_in_post_fte"], 0)
    return (f"At {latest['period_end']:%B %Y} the council funded {narrative.fmt(latest['establishment_fte'], 'FTE')} "
            f"of EP posts and had {narrative.fmt(latest['eps_in_post_fte'], 'FTE')} in post "
            f"({narrative.fmt(vacant, 'FTE')} vacant), plus {narrative.fmt(latest['locum_fte'], 'FTE')} of locums. "
            f"The FTE needed counts statutory advice only.")


def waiting_title(now: ServiceNow) -> str:
    """Headline of the waiting-list chart: the list today and the wait of a new request at today's pace."""
    return (f"About {narrative.fmt(now.backlog, 'count')} requests for EP advice were waiting or being worked on at "
            f"{now.latest['period_end']:%B %Y}; at the current pace a new request would wait about "
            f"{narrative.fmt(now.wait_weeks, 'weeks')} for its advice")


def waiting_alt(now: ServiceNow) -> str:
    """Alt text of the waiting-list chart: how the estimated list moved over the months."""
    return narrative.describe_series(now.supply.set_index("period_end")["waiting_end"], unit="count",
                                     label="requests for EP advice not yet completed (estimated)")


def waiting_note(now: ServiceNow, assumptions: EPAssumptions, target_pct: float) -> str:
    """Advice on time in the last 12 months against the target, and requests in and advice out per week."""
    return (f"In the last 12 months {narrative.fmt(now.on_time_pct, '%')} of EP advice was completed within "
            f"{narrative.fmt(assumptions.advice_deadline_weeks, 'weeks')} ({narrative.one_in(now.on_time_pct)}), "
            f"against a target of {narrative.fmt(target_pct, '%')}. The service received about "
            f"{narrative.fmt(now.demand_per_week)} requests a week and completed about "
            f"{narrative.fmt(now.throughput_per_week)}.")


def capacity_note(now: ServiceNow, assumptions: EPAssumptions) -> str:
    """The target list size, the capacity to hold it and to clear the list in a year, and the list's pressure."""
    deadline = assumptions.advice_deadline_weeks
    hold = now.hold  # with a year to clear: its sustaining figures do not depend on the time
    return (f"The target list size is about {narrative.fmt(now.target_list, 'count')} children waiting "
            f"(requests a week × {narrative.fmt(deadline, 'weeks')} ÷ 4), the size at which almost everyone can be "
            f"seen within the deadline. Keeping up with demand at that size needs about "
            f"{narrative.fmt(hold.sustain_fte, 'FTE')} of EP time for statutory advice: "
            + ("the EPs in post are enough." if hold.locum_fte_sustain == 0 else
               f"{narrative.fmt(hold.locum_fte_sustain, 'FTE')} more than the EPs in post.")
            + (f" Clearing the list within a year needs about {narrative.fmt(hold.relief_fte, 'FTE')} "
               f"until it is cleared." if hold.locum_fte_clear > 0 else "")
            + f" The waiting-list pressure (twice the wait divided by the deadline) is "
            f"{narrative.fmt(waitlist.waiting_list_pressure(now.wait_weeks, deadline))}; above 1 the deadline is "
            f"usually missed.")


def projection_title(projection: Projection) -> str:
    """Headline of the projection chart: the list in three years as now, and when the fastest locum package (C
    when it is offered) would clear it."""
    by_key, fastest = projection.by_key, next(iter(projection.packages), None)
    return (f"As now, about {narrative.fmt(by_key.loc['as_is', 'waiting_end'], 'count')} requests for EP advice "
            f"would be waiting or being worked on in three years"
            + (f"; locum {package_name(fastest)} would bring the list to its target size "
               f"{when_text(by_key.loc[fastest, 'weeks_to_clear_backlog'], projection.start)}" if fastest else ""))


def projection_alt(projection: Projection, backlog: float) -> str:
    """Alt text of the projection chart: the choices, the common start and each choice's list after three years."""
    ends = projection.by_key["waiting_end"]
    return (f"Line chart of the projected number of requests for EP advice waiting or being worked on "
            f"over the next three years under {len(ends)} choices, all starting from "
            f"{narrative.fmt(backlog, 'count')}. "
            + " ".join(f"{CHOICE_LABELS[k]}: {narrative.fmt(v, 'count')} after three years." for k, v in ends.items()))


def outcomes_note(now: ServiceNow, assumptions: EPAssumptions) -> str:
    """What 'cleared' and 'in time for a 20-week plan' mean in the outcomes table."""
    return (f"'Cleared' means no more children waiting for work to start than the target list size "
            f"({narrative.fmt(now.target_list, 'count')} at today's demand). "
            f"'In time for a 20-week plan' means EP advice within "
            f"{narrative.fmt(assumptions.plan_budget_weeks, 'weeks')} of the request, leaving "
            f"{narrative.fmt(assumptions.plan_weeks_outside_ep_advice, 'weeks')} for the decision to assess, "
            f"drafting the plan, the family's 15 days to comment and issuing it (a pack assumption).")


def cost_note(staffing: pd.DataFrame, assumptions: EPAssumptions) -> str:
    """Locum spend in the last 12 months of the return and the rate the costs use (exempt cells only)."""
    last_end = staffing["period_end"].max()
    spend = staffing.loc[staffing["period_end"] > last_end - pd.Timedelta(weeks=WEEKS_PER_YEAR),
                         "locum_spend_gbp"].sum()
    return (f"Locum spend in the last 12 months was £{spend:,.0f}. Costs use the pack's day rate of "
            f"£{assumptions.locum_day_rate_gbp:,.0f} for {narrative.fmt(assumptions.locum_hours_per_day)} hours of "
            f"statutory work; recruiting EPs also costs salaries, which are not included here.")


def findings(demand: pd.DataFrame, now: ServiceNow | None, projection: Projection | None,
             assumptions: EPAssumptions) -> list[str]:
    """The page's conclusions in plain English, one sentence each."""
    out = []
    if not demand.empty:
        latest = demand.iloc[-1]
        out.append(f"Statutory assessments in {int(latest['year'])} needed about "
                   f"{narrative.fmt(latest['fte_needed'], 'FTE')} of EP time for advice alone (DfE figures).")
    if now is None or projection is None:
        return out + ["Without local staffing data this page cannot show supply, the waiting list or the choices."]
    by_key, start, target = projection.by_key, projection.start, projection.on_time_pct
    as_is, packages = by_key.loc["as_is"], projection.packages
    out += [
        (f"Today the EPs and locums are {narrative.fmt(abs(now.gap_fte), 'FTE')} {gap_words(now)} the time statutory "
         f"advice needs, and about {narrative.fmt(now.backlog, 'count')} requests for EP advice are waiting or being "
         f"worked on: at today's pace a new request would wait about {narrative.fmt(now.wait_weeks, 'weeks')} for "
         f"its advice, against a deadline of {narrative.fmt(assumptions.advice_deadline_weeks, 'weeks')}."),
        (f"Carrying on as now, about {narrative.fmt(as_is['waiting_end'], 'count')} children would be waiting in "
         f"three years, and {target:.0f}% of advice within 6 weeks "
         f"{reached_text(as_is['weeks_to_advice_deadline'], start)}."),
    ]
    if "recruit" in by_key.index:
        out.append(f"With the recruitment choice ('{by_key.loc['recruit', 'scenario']}'), about "
                   f"{narrative.fmt(by_key.loc['recruit', 'waiting_end'], 'count')} children would be waiting "
                   f"after three years: permanent staff help keep up with new requests, but "
                   + ("on their own do not clear the children already waiting." if packages else
                      "take months to arrive."))
    if packages:
        best, slow = by_key.loc[packages[0]], by_key.loc[packages[-1]]
        out += [
            (f"Locums can clear the list: {package_name(packages[0])} (about "
             f"{narrative.fmt(best['locum_fte_mean'], 'FTE')} of locums on average) would bring it to its target "
             f"size {when_text(best['weeks_to_clear_backlog'], start)}, with {target:.0f}% of advice within 6 weeks "
             f"{when_text(best['weeks_to_advice_deadline'], start)}"
             + (f"; the slowest, {package_name(packages[-1])}, {when_text(slow['weeks_to_advice_deadline'], start)}."
                if len(packages) > 1 else ".")),
            ("Locums only hold the gains while they stay: once the list is cleared, enough time to keep up with "
             "demand is still needed, from permanent EPs or continuing locum time."),
        ]
    return out
