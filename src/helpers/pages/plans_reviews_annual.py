"""Annual reviews on the "Plans in place and annual reviews" page (04_plans_and_reviews), and the page's metrics.

Reviews due, completed and decided within 4 weeks of the meeting (:mod:`helpers.analysis.reviews`), compared
with the region, England and the statistical neighbours; the shortfall turned into officer time with the
``annual_review_hours`` assumption when the pack config sets it.
"""

from __future__ import annotations

import pandas as pd

from helpers.analysis import plans, reviews
from helpers.metrics import Metric
from helpers.present import narrative
from helpers.present.chart import Chart, Table
from helpers.pages import plans_reviews_charts as figures
from helpers.pages.plans_reviews import REVIEW_HOURS, PlansPage, group_plans
from helpers.sources.ees_breakdowns_appeals import APPEALS, DECISIONS

fmt = narrative.fmt


def comparison(p: PlansPage) -> pd.DataFrame:
    """Latest-year review figures for the council and each comparator group."""
    areas = {g.name: (g.published_code if g.published_code else g.members) for g in p.groups}
    return reviews.comparison(p.ees, areas)


def reviews_chart(p: PlansPage) -> Chart | None:
    """Reviews completed and decided within 4 weeks, as a share of reviews due, council against comparators."""
    table = comparison(p)
    if table.empty or table.iloc[0]["area"] != p.la_name:
        return None
    own = table.iloc[0]
    eng = table[table["area"] == p.england.name]
    eng_pct = eng["pct_within_4_weeks"].iloc[0] if len(eng) else None
    title = (f"{p.la_name} sent {fmt(own['pct_within_4_weeks'], '%')} of annual-review decisions within 4 weeks "
             f"of the meeting in {int(own['year'])} (England {fmt(eng_pct, '%')})")
    alt = (f"Bar chart for {', '.join(table['area'])} of annual reviews completed as a percentage of reviews due, "
           f"and decisions sent within 4 weeks as a percentage of decisions, in {int(own['year'])}. {p.la_name} "
           f"completed {fmt(own['pct_completed'], '%')} of the reviews due.")
    data = pd.DataFrame({"Area": table["area"], "Year": table["year"], "Reviews due": table["expected"],
                         "Completed (or decisions made)": table["completed"],
                         "Decision within 4 weeks": table["within_4_weeks"],
                         "Decision after 4 weeks": table["over_4_weeks"],
                         "Completed (% of due)": table["pct_completed"].round(1),
                         "Within 4 weeks (% of decisions)": table["pct_within_4_weeks"].round(1),
                         "Not completed": table["gap"]})
    return Chart(figures.review_bars(table), title, alt, data, name="annual-reviews")


def basis_sentence(p: PlansPage) -> str:
    """What "completed" means for the years the release gives."""
    t = reviews.review_table(p.ees, p.la_code)
    if t.empty:
        return f"DfE has not published annual-review figures for {p.la_name}."
    if (t["completed_basis"] == "reviews completed").all():
        return "\"Completed\" is DfE's count of reviews completed in the year."
    return ("This release does not count completed reviews directly, so \"completed\" here is the number of review "
            "decisions the council made in the year (sent within or after 4 weeks): the closest published figure.")


def officer_time_sentence(p: PlansPage) -> str:
    """The reviews not completed and the officer time they represent (or why that cannot be worked out)."""
    t = reviews.review_table(p.ees, p.la_code)
    if t.empty:
        return "There are no published annual-review figures to work out a shortfall from."
    last = t.iloc[-1]
    gap = f"{fmt(last['gap'], 'count')} of the {fmt(last['expected'], 'count')} reviews due in {int(last['year'])}"
    missing = "were not completed" if last["completed_basis"] == "reviews completed" else \
        "have no review decision recorded in the year"
    if p.review_hours is None:
        return (f"{gap} {missing}. The officer time this represents is not shown, because the pack has no agreed "
                f"figure for the hours one review takes (the assumption {REVIEW_HOURS}, listed on the assumptions "
                "page when it is set).")
    time = reviews.officer_time(last["gap"], p.review_hours)
    return (f"{gap} {missing}. At {fmt(p.review_hours)} officer hours per review (assumption "
            f"{REVIEW_HOURS}), completing them would take about {fmt(time['hours'], 'count')} hours: "
            f"{fmt(time['weeks'], 'count')} weeks of one full-time officer ({fmt(time['fte_years'], 'FTE')} for a "
            "year).")


def reviews_history(p: PlansPage) -> Table:
    """The council's published review figures by year."""
    t = reviews.review_table(p.ees, p.la_code)
    table = pd.DataFrame({"Year": t["year"], "Reviews due": t["expected"], "Completed": t["completed"],
                          "Counted as": t["completed_basis"], "Decision within 4 weeks": t["within_4_weeks"],
                          "Within 4 weeks (% of decisions)": t["pct_within_4_weeks"].round(1),
                          "Not completed": t["gap"]})
    return Table(table, f"{p.la_name}'s annual reviews by year", name="annual-reviews-by-year")


# --- metrics ----------------------------------------------------------------------------------------------------

def metrics(p: PlansPage) -> dict[str, Metric]:
    """The page's headline metrics: plans in place and their growth, independent special share, reviews."""
    out: dict[str, Metric] = {}
    own, england = group_plans(p, p.groups[0]), group_plans(p, p.england)
    if len(own):
        year = int(own.index[-1])
        out["plans_in_place"] = Metric(value=int(own.iloc[-1]), unit="count", label="EHC plans in place",
                                       period=f"January {year}", higher_is_better=None,
                                       previous=int(own.loc[year - 1]) if year - 1 in own.index else None,
                                       england=int(england.get(year)) if year in england.index else None)
        out["plans_growth_5y_pct"] = Metric(
            value=round(plans.annual_rate(own, 5), 2), unit="%", label="Average yearly growth in plans in place, "
            "last five years", period=f"January {year - 5} to January {year}", higher_is_better=None,
            england=round(plans.annual_rate(england, 5), 2))
    special = plans.special_shares(plans.group_counts(p.breakdowns, p.groups[0], "placement")).dropna()
    eng_special = plans.special_shares(plans.group_counts(p.breakdowns, p.england, "placement")).set_index("year")
    if len(special):
        last = special.iloc[-1]
        out["independent_special_pct"] = Metric(
            value=round(float(last["independent_special"]), 2), unit="%",
            label="Plans in independent special schools", period=f"January {int(last['year'])}",
            higher_is_better=False, england=_round(eng_special["independent_special"].get(int(last["year"]))))
    rates = appeal_rates(p)
    if p.la_name in rates:
        last_rate = rates[p.la_name].iloc[-1]
        eng_rates = rates.get(p.england.name, pd.DataFrame(columns=["year", "rate"])).set_index("year")["rate"]
        out["appeal_rate_pct"] = Metric(
            value=round(float(last_rate["rate"]), 2), unit="%", label="Appeals to the SEND Tribunal per appealable "
            "decision", period=str(int(last_rate["year"])), higher_is_better=False,
            england=_round(eng_rates.get(int(last_rate["year"]))))
    table = comparison(p)
    if len(table) and table.iloc[0]["area"] == p.la_name:
        own_r = table.iloc[0]
        eng = table[table["area"] == p.england.name]
        by_kind = {g.kind: g.name for g in p.groups}
        within = table.set_index("area")["pct_within_4_weeks"]
        out["reviews_within_4_weeks_pct"] = Metric(
            value=round(float(own_r["pct_within_4_weeks"]), 2), unit="%",
            label="Annual-review decisions sent within 4 weeks", period=str(int(own_r["year"])),
            higher_is_better=True, england=_round(within.get(by_kind["england"])),
            region=_round(within.get(by_kind.get("region", ""))),
            neighbours=_round(within.get(by_kind.get("neighbours", ""))))
        out["reviews_completed_pct"] = Metric(
            value=round(float(own_r["pct_completed"]), 2), unit="%", label="Annual reviews due that were completed",
            period=str(int(own_r["year"])), higher_is_better=True,
            england=_round(eng["pct_completed"].iloc[0]) if len(eng) else None)
    return out


def _round(value: object) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)  # type: ignore[arg-type]


# --- appeals to the SEND Tribunal -------------------------------------------------------------------------------

def appeal_rates(p: PlansPage) -> dict[str, pd.DataFrame]:
    """Appeal rates by year for the council and each comparator group (groups with no figures left out)."""
    out = {}
    for g in p.groups:
        rates = plans.appeal_rates(plans.group_counts(p.breakdowns, g, "appeals"), APPEALS, DECISIONS)
        if len(rates):
            out[g.name] = rates
    return out


def appeals_chart(p: PlansPage) -> Chart | None:
    """Appeals registered with the SEND Tribunal per appealable decision, council against comparators."""
    rates = appeal_rates(p)
    if p.la_name not in rates:
        return None
    own = rates[p.la_name].iloc[-1]
    year = int(own["year"])
    eng = rates.get(p.england.name)
    eng_rate = eng.set_index("year")["rate"].get(year) if eng is not None else None
    ratio = own["rate"] / eng_rate if eng_rate else None
    words = "" if ratio is None else (f", {ratio:.1f} times England's rate" if ratio >= 1.2 else
                                      ", below England's rate" if ratio <= 0.8 else ", close to England's rate")
    title = (f"{fmt(own['appeals'], 'count')} appeals were registered against {p.la_name}'s decisions in {year}: "
             f"{fmt(own['rate'], '%')} of appealable decisions{words}")
    wide = pd.DataFrame({name: r.set_index("year")["rate"] for name, r in rates.items()}).sort_index()
    alt = (f"Line chart of appeals to the SEND Tribunal as a percentage of appealable decisions, "
           f"{int(wide.index[0])} to {int(wide.index[-1])}, for {', '.join(wide.columns)}. {p.la_name} is at "
           f"{fmt(own['rate'], '%')} in {year} (England {fmt(eng_rate, '%')}).")
    counts = rates[p.la_name].rename(columns={"year": "Year", "appeals": f"{p.la_name}: appeals registered",
                                              "decisions": f"{p.la_name}: appealable decisions", "rate": "drop"})
    data = counts.drop(columns="drop").merge(wide.round(2).rename(columns=lambda c: f"{c}: appeal rate (%)")
                                             .rename_axis("Year").reset_index(), on="Year", how="outer")
    note = ("Appeals per appealable decision (DfE's tribunal table). The benchmarks page and the summary show a "
            "different figure: the share of requests for an assessment that were linked to a tribunal.")
    return Chart(figures.rate_lines(wide), title, alt, data, name="tribunal-appeals", note=note)


# --- phase transfers (2026 release onward) ------------------------------------------------------------------------

def phase_transfer_sentence(p: PlansPage) -> str | None:
    """DfE's phase-transfer counts for the council and England (2026 release onward); None when not published."""
    cols = ["phase_transfers_due", "phase_transfers_final", "phase_transfers_due_next_year",
            "phase_transfers_final_next_year"]
    own = p.ees[p.ees["area_code"] == p.la_code].dropna(subset=cols, how="all").sort_values("year")
    if own.empty:
        return None
    row = own.iloc[-1]
    year = int(row["year"])
    eng = p.ees[(p.ees["area_code"] == p.england.published_code) & (p.ees["year"] == year)]
    eng_due = eng["phase_transfers_due_next_year"].iloc[0] if len(eng) else None
    return (f"A phase transfer review is the annual review held before a child moves to the next phase of education "
            f"(for example from primary to secondary school); the amended plan must be final by 15 February (or 31 "
            f"March for a move to post-16). DfE's return records for {p.la_name} "
            f"{fmt(row['phase_transfers_due'], 'count')} plans with a phase transfer review due in {year} and "
            f"{fmt(row['phase_transfers_final'], 'count')} final plans issued after one in {year}; for {year + 1}, "
            f"{fmt(row['phase_transfers_due_next_year'], 'count')} are due (England "
            f"{fmt(eng_due, 'count')}) and {fmt(row['phase_transfers_final_next_year'], 'count')} were already "
            "final when the return was made.")
