"""The "Plans in place and annual reviews" page (notebook 04_plans_and_reviews): wording, chart and table
bundles and metrics.

Numbers come from :mod:`helpers.analysis.plans` and :mod:`helpers.analysis.reviews`; the breakdowns (placement,
need, age) from :mod:`helpers.sources.ees_breakdowns`, read from the same release files as the ``ees`` table.
Comparisons are with England, the region and the statistical neighbours (:func:`helpers.areas.comparator_groups`).
Annual reviews and the metrics are in :mod:`helpers.pages.plans_reviews_annual`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import forecast, plans
from helpers.areas import Group, comparator_groups
from helpers.config import PackConfig
from helpers.errors import InputError
from helpers.present import narrative
from helpers.present.chart import Chart, Table
from helpers.present.page import Page
from helpers.pages import plans_reviews_charts as figures
from helpers.pages.request_growth_forecasts import METHOD_WORDS, too_few_years_sentence
from helpers.sources.ees_breakdowns import BREAKDOWNS_TABLE
from helpers.sources.ees_breakdowns_layouts import (
    AGE_BANDS,
    AGE_UNKNOWN,
    ALL,
    PLACEMENTS,
    SPECIAL,
    SPECIAL_INDEPENDENT,
)
from helpers.sources.neighbours import neighbours_for

#: The assumption giving officer hours per annual review (typed by h-workforce; read defensively).
REVIEW_HOURS = "annual_review_hours"
fmt = narrative.fmt


@dataclass(frozen=True)
class PlansPage:
    """What every part of the page needs: the council, its comparators, the tables and the review assumption."""

    la_name: str
    la_code: str
    ees: pd.DataFrame
    breakdowns: pd.DataFrame
    groups: tuple[Group, ...]
    review_hours: float | None

    @property
    def england(self) -> Group:
        return next(g for g in self.groups if g.kind == "england")

    def group(self, kind: str) -> Group | None:
        return next((g for g in self.groups if g.kind == kind), None)


def assumption_or_none(config: PackConfig, key: str) -> float | None:
    """An assumption's value through the config's accessor, or None when the config does not set it."""
    try:
        return config.assumption(key)
    except InputError:
        return None


def load(page: Page) -> PlansPage:
    """The page's inputs: the pack's council, its comparator groups and the release's breakdowns."""
    la, ees, c = page.la, page.ees, page.config.comparators
    groups = comparator_groups(ees, la.old_code, neighbours=neighbours_for(la, page.config, ees), custom=c.custom,
                               custom_name=c.custom_name)
    breakdowns = page.table(BREAKDOWNS_TABLE)  # read from the release once, by 00_data_quality
    breakdowns = breakdowns[breakdowns["year"] >= plans.FIRST_YEAR].reset_index(drop=True)  # EHC plans, not statements
    return PlansPage(la.name, la.old_code, ees, breakdowns, tuple(groups),
                     assumption_or_none(page.config, REVIEW_HOURS))


# --- plans in place ---------------------------------------------------------------------------------------------

def group_plans(p: PlansPage, group: Group) -> pd.Series:
    """A group's plans in place by census year: its published row, or the sum of its councils."""
    if group.published_code is not None:
        return plans.plans_series(p.ees, group.published_code)
    las = p.ees[p.ees["area_code"].isin(group.members) & (p.ees["year"] >= plans.FIRST_YEAR)]
    summed = las.groupby("year")["plans_in_place"].sum(min_count=len(group.members)).dropna()
    summed.index = summed.index.astype(int)
    return summed.astype(float)


def headline(p: PlansPage) -> str:
    """The page headline: the council's plans in place, the change on the year and the growth since 2015."""
    own = group_plans(p, p.groups[0])
    if own.empty:
        return f"DfE has published no figures for plans in place for {p.la_name}."
    year, last = int(own.index[-1]), own.iloc[-1]
    parts = [f"{p.la_name} maintained {fmt(last, 'count')} EHC plans in January {year}"]
    if year - 1 in own.index:
        change = last / own.loc[year - 1] * 100 - 100
        parts.append(f"{fmt(abs(change), '%')} {'more' if change >= 0 else 'fewer'} than a year before")
    rate, england = plans.annual_rate(own, 5), plans.annual_rate(group_plans(p, p.england), 5)
    text = ", ".join(parts)
    if not pd.isna(rate):
        text += (f"; over the last five years the number grew by {fmt(rate, '%')} a year on average "
                 f"(England {fmt(england, '%')})")
    return text + "."


def growth_chart(p: PlansPage) -> Chart:
    """Plans in place indexed to the first census year, for the council and each comparator group."""
    series = {g.name: group_plans(p, g) for g in p.groups}
    counts = pd.DataFrame(series).sort_index()
    counts = counts[counts.iloc[:, 0].notna()]
    base = int(counts.index[0])
    index = counts / counts.iloc[0] * 100
    own, england = index.iloc[-1, 0], index[p.england.name].iloc[-1]
    faster = own > england
    title = (f"{p.la_name}'s plans in place have grown {'faster' if faster else 'more slowly'} than England's since "
             f"{base}: {own / 100:.1f} times the {base} number (England {england / 100:.1f} times)")
    rate = plans.annual_rate(counts.iloc[:, 0].dropna(), 5)
    england_rate = plans.annual_rate(counts[p.england.name].dropna(), 5)
    if not (pd.isna(rate) or pd.isna(england_rate)) and (rate > england_rate) != faster:
        # the headline quotes the last five years; say so when they point the other way from the whole period
        title += f", though {'faster' if rate > england_rate else 'more slowly'} over the last five years"
    alt = (f"Line chart of plans in place from January {base} to January {int(index.index[-1])}, indexed so that "
           f"{base} = 100, for {', '.join(index.columns)}. {p.la_name} ends at {own:.0f} and England at "
           f"{england:.0f}.")
    data = counts.round(0).rename(columns=lambda c: f"{c}: plans").join(index.round(1).rename(
        columns=lambda c: f"{c}: index ({base} = 100)")).rename_axis("Year").reset_index()
    return Chart(figures.index_lines(index, base_year=base), title, alt, data, name="plans-in-place-growth")


def forecast_table(p: PlansPage) -> tuple[Table | None, str]:
    """The next three Januaries' plans in place (growth machinery's stock-and-flow forecast) and a sentence."""
    new = forecast.forecast_measure(p.ees, p.la_code, "new_plans")
    fc = forecast.plans_in_place_forecast(p.ees, p.la_code, new)
    if fc is None:
        return None, too_few_years_sentence("plans_in_place", p.la_name)
    wide = fc.forecast.pivot_table(index="year", columns="level", values=["mean", "lower", "upper"])
    levels = sorted(fc.forecast["level"].unique())
    table = pd.DataFrame({"Year": wide.index.astype(int), "Central": wide[("mean", levels[0])].round(0).to_numpy()})
    for level in levels:
        table[f"{level:.0%} range"] = [f"{lo:,.0f} to {hi:,.0f}" for lo, hi in
                                       zip(wide[("lower", level)], wide[("upper", level)], strict=True)]
    first = table.iloc[-1]
    method = METHOD_WORDS.get(fc.method, fc.method)
    sentence = (f"If recent trends continue, {p.la_name} would have about {fmt(first['Central'], 'count')} plans "
                f"in January {int(first['Year'])} (forecast by {method}).")
    return Table(table, f"Forecast plans in place each January, {p.la_name}", name="plans-in-place-forecast"), sentence


# --- placement, need and age ------------------------------------------------------------------------------------

def _year(p: PlansPage, breakdown: str) -> int | None:
    return plans.latest_year(p.breakdowns, breakdown, p.la_code)


def share_table(p: PlansPage, breakdown: str, order: tuple[str, ...] = ()) -> Table:
    """Shares (%) of plans in place in the latest year for the council and every comparator group."""
    year = _year(p, breakdown)
    table = plans.share_table(p.breakdowns, p.groups, breakdown, year, order) if year else pd.DataFrame()
    if len(table):
        table = table.rename(columns={"category": _HEADERS[breakdown]}).round(1)
    return Table(table, _CAPTIONS[breakdown].format(year=year), name=f"{breakdown}-shares")


_HEADERS = {"placement": "Type of setting", "need": "Primary need", "age": "Age band",
            "ceased_reason": "Reason the plan ended", "ceased_age": "Age when the plan ended"}
_CAPTIONS = {"placement": "Plans in place by type of setting attended, January {year} (% of plans)",
             "need": "Plans in place by primary need, January {year} (% of plans)",
             "age": "Plans in place by age, January {year} (% of plans)",
             "ceased_reason": "Plans that ended in {year}, by reason (% of plans ended)",
             "ceased_age": "Plans that ended in {year}, by age (% of plans ended)"}


def _pair(table: pd.DataFrame, la: str, england: str, column: str, rows: tuple[str, ...]) -> tuple[float, float]:
    hit = table[table[column].isin(rows)]
    return float(hit[la].sum(min_count=1)), float(hit[england].sum(min_count=1))


def placement_chart(p: PlansPage) -> Chart | None:
    """Where children and young people with plans are placed: council against England (and region)."""
    table = placement_table(p).data
    if table.empty:
        return None
    col, eng = "Type of setting", p.england.name
    year = _year(p, "placement")
    special, special_eng = _pair(table, p.la_name, eng, col, SPECIAL)
    ind, ind_eng = _pair(table, p.la_name, eng, col, (SPECIAL_INDEPENDENT,))
    title = (f"{fmt(special, '%')} of {p.la_name}'s plans are in special schools (England {fmt(special_eng, '%')}), "
             f"{fmt(ind, '%')} in independent special schools (England {fmt(ind_eng, '%')})")
    shown = [p.la_name, eng] + [g.name for g in p.groups if g.kind == "region"]
    alt = (f"Bar chart of the share of plans in place by type of setting in January {year} for "
           f"{', '.join(shown)}. The largest share for {p.la_name} is {table.iloc[table[p.la_name].idxmax()][col]}.")
    plot = table.rename(columns={col: "category"})
    return Chart(figures.share_bars(plot, shown), title, alt, table, name="placement-shares")


def placement_table(p: PlansPage) -> Table:
    """Placement shares for the council and every comparator group, in the page's order of settings."""
    return share_table(p, "placement", PLACEMENTS)


def placement_change(p: PlansPage) -> Table:
    """The council's placement shares now and five years earlier (or the earliest year), with the change."""
    counts = plans.group_counts(p.breakdowns, p.groups[0], "placement")
    end = _year(p, "placement")
    years = sorted(counts["year"].unique())
    start = max([y for y in years if end and y <= end - 5], default=years[0] if years else None)
    change = plans.share_change(counts, start, end) if end and start else pd.DataFrame()
    change = change.dropna(subset=["end"]).round(1) if len(change) else change
    change = change.set_axis(["Type of setting", f"January {start} (%)", f"January {end} (%)",
                              "Change (percentage points)"], axis=1) if len(change) else change
    return Table(change, f"How {p.la_name}'s placements have changed, January {start} to {end}",
                 name="placement-change")


def independent_sentence(p: PlansPage) -> str:
    """The trend in the share of plans in independent special schools."""
    s = plans.special_shares(plans.group_counts(p.breakdowns, p.groups[0], "placement")).dropna()
    e = plans.special_shares(plans.group_counts(p.breakdowns, p.england, "placement")).set_index("year")
    if len(s) < 2:
        return "The release has too few years of placements to show a trend in independent special schools."
    first, last = s.iloc[0], s.iloc[-1]
    eng = e["independent_special"].get(int(last["year"]))
    return (f"In January {int(last['year'])}, {fmt(last['independent_special'], '%')} of {p.la_name}'s plans "
            "were in an independent special school "
            f"(England {fmt(eng, '%')}), against {fmt(first['independent_special'], '%')} in January "
            f"{int(first['year'])}.")


def need_chart(p: PlansPage) -> Chart | None:
    """Primary need of children and young people with plans: council against England (and region)."""
    bundle = share_table(p, "need")
    table = bundle.data
    if table.empty:
        return None
    col, eng, year = "Primary need", p.england.name, _year(p, "need")
    top = table.iloc[table[p.la_name].idxmax()]
    title = (f"{top[col]} is the most common primary need in {p.la_name}: {fmt(top[p.la_name], '%')} of plans "
             f"(England {fmt(top[eng], '%')})")
    shown = [p.la_name, eng] + [g.name for g in p.groups if g.kind == "region"]
    alt = (f"Bar chart of the share of plans in place by primary need in January {year} for {', '.join(shown)}, "
           f"largest first.")
    return Chart(figures.share_bars(table.rename(columns={col: "category"}), shown), title, alt, table,
                 name="need-shares")


def need_years_sentence(p: PlansPage) -> str:
    """Which years of primary need the release holds (the change needs two)."""
    years = sorted(p.breakdowns.loc[(p.breakdowns["breakdown"] == "need") & (p.breakdowns["area_code"] == p.la_code),
                                    "year"].unique())
    if len(years) < 2:
        which = f"January {years[0]} only" if years else "no year"
        return (f"The DfE release read for this pack gives primary need of all plans for {which}, so the change "
                "in needs over time cannot be shown here; a later release adds the next year.")
    counts = plans.group_counts(p.breakdowns, p.groups[0], "need")
    change = plans.share_change(counts, int(years[0]), int(years[-1])).dropna()
    top = change.iloc[change["change"].abs().idxmax()]
    return (f"Between January {years[0]} and January {years[-1]} the largest change was in {top['category']}: "
            f"{fmt(top['start'], '%')} to {fmt(top['end'], '%')} of plans.")


def age_table(p: PlansPage) -> Table:
    """Plans in place by age band, council and comparators, latest year."""
    return share_table(p, "age", AGE_BANDS)


def ceased_sentence(p: PlansPage) -> str:
    """How many plans ended in the latest year and the most common reason, beside England."""
    table = share_table(p, "ceased_reason").data
    counts = plans.group_counts(p.breakdowns, p.groups[0], "ceased_reason")
    if table.empty or counts.empty:
        return f"The release read for this pack does not give the reasons {p.la_name}'s plans ended."
    year = int(counts["year"].max())
    total = counts[(counts["year"] == year) & (counts["category"] == ALL)]["count"].sum()
    top = table.iloc[table[p.la_name].idxmax()]
    return (f"In {year}, {fmt(total, 'count')} of {p.la_name}'s plans ended. The most common reason recorded was "
            f"\"{top[_HEADERS['ceased_reason']]}\": {fmt(top[p.la_name], '%')} of plans ended (England "
            f"{fmt(top[p.england.name], '%')}).")


def ceased_tables(p: PlansPage) -> tuple[Table, Table]:
    """Plans ended in the latest year by reason and by age band, council and comparators."""
    return share_table(p, "ceased_reason"), share_table(p, "ceased_age", (*AGE_BANDS, AGE_UNKNOWN))


# --- stock and flow ---------------------------------------------------------------------------------------------

def stock_flow_table(p: PlansPage) -> Table:
    """Published plans in place against last January + new plans − plans ceased, with the gap."""
    t = plans.stock_flow(p.ees, p.la_code)
    table = pd.DataFrame({"Year": t["year"], "Plans a year before": t["previous"],
                          "New plans in the year": t["new_plans"], "Plans ceased in the year": t["ceased"],
                          "Expected (before + new − ceased)": t["expected"], "Published": t["published"],
                          "Gap (published − expected)": t["gap"], "Gap (% of published)": t["gap_pct"].round(1)})
    return Table(table, f"Do {p.la_name}'s published plans add up? Stock and flow by January census", name="stock-flow")


def stock_flow_for(page: Page) -> tuple[str, Table]:
    """The stock-and-flow check for the data-quality page (00): its sentence and table, from the ``ees`` table
    only (no breakdowns or comparators are read)."""
    p = PlansPage(page.la.name, page.la.old_code, page.ees, pd.DataFrame(), (), None)
    return stock_flow_sentence(p), stock_flow_table(p)


def stock_flow_sentence(p: PlansPage) -> str:
    t = plans.stock_flow(p.ees, p.la_code)
    if t.empty:
        return (f"The release does not give both new and ceased plans for {p.la_name} in any year, so the stock of "
                "plans cannot be checked against the flows.")
    last = t.iloc[-1]
    more = "more" if last["gap"] >= 0 else "fewer"
    expected = last["previous"] + last["new_plans"] - last["ceased"]
    return (f"In January {int(last['year'])} DfE published {fmt(last['published'], 'count')} plans for "
            f"{p.la_name}. The {fmt(last['previous'], 'count')} plans of a year before, plus "
            f"{fmt(last['new_plans'], 'count')} new plans, minus {fmt(last['ceased'], 'count')} that ended, would "
            f"give {fmt(expected, 'count')}: the published figure is {fmt(abs(last['gap']), 'count')} {more} "
            f"({fmt(abs(last['gap_pct']), '%')} of the total). Gaps come from children moving in or out of "
            "the area, late corrections and recording differences; a large or growing gap is worth checking against "
            "the council's own records.")
