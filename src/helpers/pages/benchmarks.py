"""The benchmarks page (``05_benchmarks``): how the council compares with England, its region and similar councils.

:func:`prepare` works out everything the page shows once (comparator groups, the 20-week funnel, the LA's rank,
each measure's latest figures, the trends); the other functions turn it into the page's sentences, charts,
tables and metrics. Numbers come from :mod:`helpers.analysis.benchmarks` and
:mod:`helpers.analysis.benchmarks_funnel`; figures from :mod:`helpers.pages.benchmarks_charts`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.analysis import benchmarks as bm
from helpers.analysis import benchmarks_funnel as bf
from helpers.areas import LA, Group, comparator_groups
from helpers.metrics import Metric
from helpers.pages import benchmarks_charts as plots
from helpers.pages import benchmarks_funnel as words
from helpers.pages import benchmarks_tables as tables
from helpers.pages.benchmarks_metrics import metrics as page_metrics
from helpers.present.chart import Chart, Table
from helpers.present.page import Page
from helpers.sources import neighbours

#: The measures the page sets side by side, in order.
MEASURE_IDS = ("timeliness", "decisions_6_weeks", "over_a_year", "reviews_4_weeks", "refusal_rate",
               "requests_growth", "plans_growth", "tribunal_share")

#: Each measure's panel title in the small multiples.
SHORT: dict[str, str] = {
    "timeliness": "Plans issued within 20 weeks (%)", "refusal_rate": "Requests refused (% of decisions)",
    "decisions_6_weeks": "Decisions within 6 weeks (%)", "reviews_4_weeks": "Annual reviews within 4 weeks (%)",
    "over_a_year": "Plans taking over a year (%)", "requests_growth": "Growth in requests (%)",
    "plans_growth": "Growth in plans in place (%)", "tribunal_share": "Tribunal-related requests (% of requests)",
}


@dataclass(frozen=True)
class Benchmarks:
    """What the page shows, worked out once by :func:`prepare`."""

    la: LA
    neighbours: list[str]
    groups: list[Group]
    names: pd.Series
    values: pd.DataFrame  # 20-week timeliness for every area and year
    year: int
    timeliness_groups: pd.DataFrame
    baseline: float  # England's 20-week proportion (0-1) in ``year``
    points: pd.DataFrame
    lines: pd.DataFrame
    position: bm.Position
    figures: list[bm.Figures]
    trends: pd.DataFrame


def prepare(page: Page) -> Benchmarks:
    """The comparator groups from the pack config, and every figure the page shows."""
    ees, la, cfg = page.ees, page.la, page.config
    codes = neighbours.neighbours_for(la, cfg, ees)
    custom = neighbours.resolve_codes(list(cfg.comparators.custom), ees, own=la.old_code,
                                      file=cfg.source_path or "config", key="comparators.custom")
    groups = comparator_groups(ees, la.old_code, neighbours=codes, custom=custom,
                               custom_name=cfg.comparators.custom_name)
    timeliness = bm.MEASURES["timeliness"]
    values = bm.measure_values(ees, timeliness)
    year = bm.report_year(values, la.old_code)
    t_groups = bm.group_values(values, groups, timeliness, years=[year])
    baseline = float(t_groups.set_index("kind").at["england", "value"]) / 100
    points = bf.funnel_points(values, year, baseline, la_code=la.old_code, la_name=la.name, neighbours=codes)
    measures = [bm.MEASURES[k] for k in MEASURE_IDS]
    figures = [f for m in measures if (f := bm.latest_figures(ees, groups, m, la.old_code)) is not None]
    return Benchmarks(la, codes, groups, bm.area_names(ees), values, year, t_groups, baseline, points,
                      bf.funnel_lines(points, baseline), bm.la_position(values, la.old_code, year, timeliness),
                      figures, bm.trend_table(ees, groups, measures))


def neighbours_sentence(b: Benchmarks) -> str:
    """Who the council's statistical neighbours are."""
    return tables.neighbours_sentence(b.la.name, b.neighbours, b.names)


def comparator_table(b: Benchmarks) -> Table:
    """Each comparator group and its member councils."""
    return Table(tables.group_members(b.groups, b.names), "Comparator groups used on this page",
                 name="comparator-groups")


def funnel_chart(b: Benchmarks) -> Chart:
    """Every council's 20-week figure on one funnel plot against England."""
    la = b.la
    return Chart(plots.funnel_plot(b.points, b.lines, la_name=la.name),
                 words.funnel_title(b.points, la.old_code, la.name, b.year, b.baseline),
                 words.funnel_alt(b.points, la.old_code, la.name, b.year, b.baseline),
                 words.funnel_table(b.points, b.baseline, la.name), name="funnel-20-weeks",
                 note=words.funnel_note(b.lines))


def funnel_sentences(b: Benchmarks) -> list[tuple[str, str]]:
    """What the funnel plot says about the council, as ``(text, kind)`` for ``page.say``."""
    label, wide = bf.funnel_labels(b.points, b.la.old_code)
    return words.funnel_sentences(b.la.name, b.baseline, label, wide, value=bf.la_value(b.points, b.la.old_code),
                                  points=b.points)


def position_sentence(b: Benchmarks) -> str:
    """The council's LAIT rank, its plausible range and its quartile band."""
    return tables.position_sentence(b.la.name, b.position, bm.MEASURES["timeliness"], b.year)


def band_table(b: Benchmarks) -> Table | None:
    """LAIT's quartile bands for 20-week timeliness (None when no council has a figure)."""
    if b.position.quartiles is None:
        return None
    return Table(tables.band_table(b.position.quartiles, bm.MEASURES["timeliness"]), name="lait-bands",
                 caption=f"LAIT quartile bands for 20-week timeliness in {b.year} (% within 20 weeks)")


def summary_tables(b: Benchmarks) -> list[Table]:
    """The main measures side by side, and 20-week timeliness with its 95% intervals."""
    return [Table(tables.summary_table(b.figures, b.groups), name="comparison-summary",
                  caption=f"{b.la.name} compared with England, its region and its comparator groups"),
            Table(tables.interval_table(b.timeliness_groups), name="timeliness-groups",
                  caption=f"20-week timeliness in {b.year} with 95% intervals (Wilson method)")]


def trends_chart(b: Benchmarks) -> Chart:
    """One small line chart per measure the council has figures for."""
    shown = bm.measures_with_la_values(b.trends, [bm.MEASURES[k] for k in MEASURE_IDS])
    return Chart(plots.small_multiples(b.trends, {m.label: SHORT[m.id] for m in shown}),
                 f"{b.la.name} against England, its region and its neighbours, measure by measure",
                 tables.trends_alt(b.trends, shown, b.la.name), b.trends.drop(columns=["kind"]),
                 name="trend-small-multiples")


def neighbours_table(b: Benchmarks) -> Table | None:
    """The council and its neighbours one by one (None when no neighbours are set)."""
    if not b.neighbours:
        return None
    return Table(tables.neighbour_table(b.values, b.year, [b.la.old_code] + b.neighbours, b.points),
                 caption=f"{b.la.name} and its statistical neighbours: 20-week timeliness in {b.year}",
                 name="neighbours-timeliness")


def metrics(b: Benchmarks) -> dict[str, Metric]:
    """The page's metrics for the front page."""
    label, wide = bf.funnel_labels(b.points, b.la.old_code)
    return page_metrics(b.figures, b.la.name, position=b.position, year=b.year, funnel_label=label,
                        funnel_label_wide=wide)
