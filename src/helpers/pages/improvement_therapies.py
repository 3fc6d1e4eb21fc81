"""The therapies commissioning section of the improvement-evidence page: numbers, bundles, sentences, metrics.

``t = therapies_facts(rows, ...)`` computes the section once from the template's rows
(:func:`helpers.sources.therapies.read`); the other functions turn it into chart and table bundles and sentences.
Provider names and prices (cost per hour, cost per child) are commercial information: only the notebook's
``exempt`` cells call :func:`unit_costs` and :func:`providers`; the public build shows totals by type and the
compliant share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from helpers.analysis import therapies as calc
from helpers.analysis.forecast import MeasureForecast
from helpers.metrics import Metric
from helpers.pages import improvement_charts as charts
from helpers.present.chart import Chart, Table
from helpers.sources.therapies import COMPLIANT

#: Said instead of the section when the pack has no therapies return.
NO_THERAPIES = (
    "With the council's therapies commissioning return (one row per purchase, or per provider and month: the "
    "provider, therapy type, arrangement, children, hours and spend) this section would show spend by year and "
    "therapy type, how fast it is growing, the share bought under a compliant arrangement (the Qualified Provider "
    "List or a preferred provider), how concentrated spend is among providers, and spend projected from the "
    "forecast number of EHC plans. Add it under inputs: therapies in the pack config; the columns are in "
    "data/templates/README.md (template data/templates/therapies_template.csv).")


@dataclass(frozen=True)
class TherapyFacts:
    """The section's numbers: rows, yearly totals, spend by type, concentration by year, the projection."""

    rows: pd.DataFrame
    totals: pd.DataFrame
    types: pd.DataFrame
    spend: pd.Series
    concentration: list[calc.Concentration]
    projection: calc.SpendProjection | None
    qpl_start: int | None

    @property
    def latest(self) -> int:
        return int(self.spend.index.max()) if not self.spend.empty else int(self.totals["year"].max())


def therapies_facts(rows: pd.DataFrame, plans: MeasureForecast | None) -> TherapyFacts:
    """Everything the section shows, from the return's rows and the plans-in-place forecast (None: none made)."""
    totals = calc.yearly_totals(rows, COMPLIANT)
    spend = calc.complete_spend(totals)
    conc = [calc.concentration(calc.provider_spend(rows, int(y)), int(y)) for y in totals["year"]]
    projection = None
    if plans is not None:
        projection = calc.project_from_plans(spend, plans.series, plans.forecast)
    if projection is None:
        projection = calc.project_from_growth(spend)
    qpl = rows.loc[rows["framework_status"] == "QPL", "month"]
    qpl_start = None if qpl.empty else int(calc.financial_year(pd.Series([qpl.min()])).iloc[0])
    return TherapyFacts(rows, totals, calc.by_type(rows), spend, conc, projection, qpl_start)


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _money(value: float) -> str:
    return f"£{value:,.0f}"


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def spend_chart(t: TherapyFacts) -> Chart:
    """Spend by financial year, stacked by therapy type (totals by type: public)."""
    wide = t.types.pivot_table(index="year", columns="therapy_type", values="spend", aggfunc="sum", fill_value=0.0)
    wide = wide[wide.sum().sort_values(ascending=False).index]
    labels = [calc.year_label(int(y)) for y in wide.index]
    first, last = t.totals.iloc[0], t.totals.iloc[-1]
    rate = calc.spend_growth(t.spend)
    growth = "" if math.isnan(rate) else f", {rate * 100:.1f}% a year"
    title = (f"Spend on therapies rose from {_money(first['spend'])} in {calc.year_label(int(first['year']))} to "
             f"{_money(last['spend'])} in {calc.year_label(int(last['year']))}{growth}")
    biggest = wide.columns[0]
    alt = (f"Stacked bar chart of spend on therapies for each financial year from {labels[0]} to {labels[-1]}, by "
           f"therapy type; {biggest} is the largest part every year and the total rises each year.")
    data = pd.DataFrame({"Financial year": labels})
    for column in wide.columns:
        data[f"{_capital(column)} (£)"] = wide[column].to_numpy()
    data["Total (£)"] = wide.sum(axis=1).to_numpy()
    return Chart(charts.spend_by_type_bars(wide, labels), title, alt, data, name="therapy-spend-by-type")


def growth_sentence(t: TherapyFacts) -> str:
    """Growth from year to year and on average over the complete years."""
    s = t.spend
    if len(s) < 2:
        return "The return has fewer than two complete financial years, too few to measure growth in spend."
    steps = [f"{calc.spend_growth(s, int(a), int(b)) * 100:.1f}% in {calc.year_label(int(b))}"
             for a, b in zip(s.index[:-1], s.index[1:], strict=True)]
    partial = t.totals[~t.totals["complete"]]
    note = "" if partial.empty else (" The latest year in the return is not complete and is left out of the growth "
                                     "rates and the projection.")
    return (f"Spend grew by {', '.join(steps)}: on average {calc.spend_growth(s) * 100:.1f}% a year from "
            f"{calc.year_label(int(s.index[0]))} to {calc.year_label(int(s.index[-1]))}.{note}")


def compliant_chart(t: TherapyFacts) -> Chart:
    """The share of spend under the Qualified Provider List or a preferred provider, by year."""
    labels = [calc.year_label(int(y)) for y in t.totals["year"]]
    first, last = t.totals.iloc[0], t.totals.iloc[-1]
    title = (f"{_pct(last['compliant_pct'])} of therapy spend in {labels[-1]} was under a compliant arrangement, "
             f"against {_pct(first['compliant_pct'])} in {labels[0]}")
    alt = (f"Line chart of the share of therapy spend bought through the Qualified Provider List or a preferred "
           f"provider, from {_pct(first['compliant_pct'])} in {labels[0]} to {_pct(last['compliant_pct'])} in "
           f"{labels[-1]}.")
    by_status = t.rows.assign(year=calc.financial_year(t.rows["month"])).pivot_table(
        index="year", columns="framework_status", values="spend_gbp", aggfunc="sum", fill_value=0.0)
    data = pd.DataFrame({"Financial year": labels})
    for status in ("QPL", "preferred", "non-preferred", "personalised"):
        data[f"Spend: {status} (£)"] = by_status.reindex(t.totals["year"])[status].fillna(0).to_numpy() \
            if status in by_status else 0.0
    data["Spend: total (£)"] = t.totals["spend"].to_numpy()
    data["Compliant share (%)"] = t.totals["compliant_pct"].round(1).to_numpy()
    start = None if t.qpl_start is None else calc.year_label(t.qpl_start)
    return Chart(charts.compliant_share_line(labels, t.totals["compliant_pct"], start), title, alt, data,
                 name="therapy-compliant-share")


def concentration_table(t: TherapyFacts) -> Table:
    """Providers paid, the top five's share and the Herfindahl index by year (no provider named: public)."""
    data = pd.DataFrame({
        "Financial year": [calc.year_label(c.year) for c in t.concentration],
        "Providers paid": [c.providers for c in t.concentration],
        "Share of spend with the 5 largest (%)": [round(c.top_share_pct, 1) for c in t.concentration],
        "Herfindahl index (0 to 10,000)": [round(c.herfindahl) for c in t.concentration],
        "Index if every provider had an equal share": [round(c.equal_herfindahl) for c in t.concentration]})
    return Table(data, "How concentrated therapy spend is among providers", name="therapy-concentration")


def concentration_sentence(t: TherapyFacts) -> str:
    """What the Herfindahl index is and what this council's says."""
    last = t.concentration[-1]
    return (f"The Herfindahl index adds up the squares of each provider's percentage share of spend: 10,000 means one "
            f"provider has it all, and with {last.providers} providers an equal split would score "
            f"{last.equal_herfindahl:,.0f}. In {calc.year_label(last.year)} the index was {last.herfindahl:,.0f} and "
            f"the five largest providers had {_pct(last.top_share_pct)} of spend; competition authorities treat an "
            "index under 1,000 as unconcentrated: no single provider dominates, though the five largest "
            "together hold the share above.") \
        if last.herfindahl < 1000 else (
            f"In {calc.year_label(last.year)} the five largest providers had {_pct(last.top_share_pct)} of spend and "
            f"the Herfindahl index was {last.herfindahl:,.0f} (10,000 = one provider; {last.equal_herfindahl:,.0f} "
            "= an equal split): spend depends on a few providers.")


def projection_chart(t: TherapyFacts, projection: calc.SpendProjection) -> Chart:
    """Spend by complete year and projected ahead, with the 80% range when projected from the plans forecast."""
    history = pd.DataFrame({"label": [calc.year_label(int(y)) for y in t.spend.index], "spend": t.spend.to_numpy()})
    ahead = projection.table.assign(label=[calc.year_label(int(y)) for y in projection.table["year"]])
    last = ahead.iloc[-1]
    ranged = projection.basis == "plans"
    span = f" (80% range {_money(last['lower'])} to {_money(last['upper'])})" if ranged else ""
    title = f"At the present rate therapy spend would reach about {_money(last['spend'])} by {last['label']}{span}"
    how = ("spend per EHC plan held at its latest level and the forecast number of plans" if ranged else
           "the council's own average growth in spend carried forward")
    alt = (f"Line chart of spend on therapies from {history['label'].iloc[0]} to {history['label'].iloc[-1]}, then "
           f"projected to {last['label']} from {how}.")
    data = pd.concat([history.assign(kind="actual"), ahead.assign(kind="projected")], ignore_index=True)
    data = data[["label", "kind", "spend", "lower", "upper"]].rename(columns={
        "label": "Financial year", "kind": "Actual or projected", "spend": "Spend (£)",
        "lower": "Low end of 80% range (£)", "upper": "High end of 80% range (£)"})
    for column in ("Spend (£)", "Low end of 80% range (£)", "High end of 80% range (£)"):
        data[column] = data[column].round(-2)
    return Chart(charts.projection_lines(history, ahead), title, alt, data, name="therapy-spend-projection")


def projection_sentence(projection: calc.SpendProjection) -> str:
    """How the projection was made, in words."""
    base = calc.year_label(projection.base_year)
    if projection.basis == "plans" and projection.per_plan is not None:
        return (f"The projection holds spend per EHC plan at its {base} level ({_money(projection.per_plan)} for each "
                "plan in place in the January census) and multiplies it by the forecast number of plans from the "
                "request-growth page; the range is that forecast's 80% range. It assumes the mix of therapies and "
                "prices stays as it is.")
    rate = 0.0 if projection.growth is None else projection.growth * 100
    return (f"No forecast of plans in place was available, so the projection carries the council's own average "
            f"growth in spend ({rate:.1f}% a year) forward from {base}. It has no range, and should be read as a "
            "rough guide only.")


def unit_costs(t: TherapyFacts) -> Table:
    """Cost per child-month and per hour by therapy type in the latest year (commercial: exempt cells only)."""
    rows = t.types[t.types["year"] == t.latest].sort_values("spend", ascending=False)
    data = pd.DataFrame({"Therapy type": rows["therapy_type"].map(_capital), "Spend (£)": rows["spend"].round(),
                         "Child-months": rows["child_months"], "Hours": rows["hours"],
                         "Cost per child a month (£)": rows["per_child_month"].round(),
                         "Cost per hour (£)": rows["per_hour"].round()})
    return Table(data, f"Cost per child and per hour by therapy type, {calc.year_label(t.latest)}",
                 name="therapy-unit-costs", child_level_counts=("Child-months",),
                 derived={"Cost per child a month (£)": ("Spend (£)", "Child-months")})


def providers(t: TherapyFacts) -> Table:
    """Each provider's spend, share, arrangement and cost per hour in the latest year (exempt cells only)."""
    rows = calc.provider_spend(t.rows, t.latest)
    data = pd.DataFrame({"Provider": rows["provider"], "Therapy types": rows["types"],
                         "Arrangement": rows["arrangement"], "Spend (£)": rows["spend"].round(),
                         "Share of spend (%)": rows["share_pct"].round(1), "Hours": rows["hours"],
                         "Cost per hour (£)": rows["per_hour"].round(2)})
    return Table(data, f"Spend by provider, {calc.year_label(t.latest)}", name="therapy-providers")


def metrics(t: TherapyFacts) -> dict[str, Metric]:
    """Headline therapy metrics (no provider, no price)."""
    last, period = t.totals.iloc[-1], calc.year_label(int(t.totals.iloc[-1]["year"]))
    conc = t.concentration[-1]
    out = {"therapy_compliant_pct": Metric(value=float(last["compliant_pct"]), unit="%", period=period,
                                           label="Therapy spend under a compliant arrangement", higher_is_better=True,
                                           previous=float(t.totals.iloc[-2]["compliant_pct"]) if len(t.totals) > 1
                                           else None),
           "therapy_top5_share_pct": Metric(value=conc.top_share_pct, unit="%", period=period,
                                            label="Therapy spend with the 5 largest providers",
                                            extras={"herfindahl": round(conc.herfindahl, 1),
                                                    "providers": conc.providers})}
    if len(t.spend) >= 2:
        out["therapy_spend_growth_pct"] = Metric(
            value=calc.spend_growth(t.spend) * 100, unit="%", label="Average yearly growth in therapy spend",
            period=f"{calc.year_label(int(t.spend.index[0]))} to {calc.year_label(int(t.spend.index[-1]))}",
            higher_is_better=False, extras={"spend_latest_gbp": float(t.spend.iloc[-1])})
    return out
