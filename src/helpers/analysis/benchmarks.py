"""Benchmarking an LA against England, its region, its statistical neighbours and any custom group: the numbers.

Inputs are the ``ees`` table (one row per year, geography and area; ``area_code`` is DfE's 3-digit LA number for
LAs, stable across ONS code changes, so a series joins across Buckinghamshire's or Somerset's new codes). The
page's wording, tables and metrics are built from these numbers in :mod:`helpers.pages.benchmarks`; the funnel
plot's points and lines are in :mod:`helpers.analysis.benchmarks_funnel`.

Rules, with their sources:

* **Ratio of sums.** A group's value is Σ numerators / Σ denominators over its members with both known, never
  an average of percentages (modelling_methods.md §7.2; how DfE publishes regional and England figures). England
  and the region use DfE's published National/Regional row when it has both counts, which is that same ratio
  over every LA; the sum over member LAs is used otherwise. LAs with DfE ``x`` (NaN) are left out of a group
  and counted in ``members_missing``. The neighbours' median and range are shown alongside.
* **Intervals.** Proportions: Wilson score interval (statsmodels). Counts: Byar's approximation to the exact
  Poisson interval (PHEindicatormethods R/utils.R), used for growth with the base year taken as known.
* **LAIT rank and quartile band**, as DfE's Local Authority Interactive Tool shows them
  (dfe-analytical-services/local-authority-interactive-tool, R/fn_analysis.R ``calculate_quartile_band`` and
  ``calculate_rank`` @ 9135ada1, R/lait_modules/mod_la_lvl_table.R): quartiles are R's ``quantile()`` (type 7,
  numpy's default) of every LA's latest value; rank 1 is the best LA given the indicator's polarity, ties take
  the lowest rank; band A is the best quartile: for "higher is better", A = above the 75th percentile, B = above
  the median up to the 75th, C = above the 25th up to the median, D = from the minimum up to the 25th; for
  "lower is better" the order reverses (A = minimum up to the 25th percentile). LAIT ranks the published figures
  (percentages to 1 d.p.), so values are rounded to ``decimals`` first. Indicators with no polarity get no rank
  or band ("not applicable" in LAIT).
* **Rank intervals** by simulation (Marshall & Spiegelhalter 1998; modelling_methods.md §7.3): draw each LA's
  proportion from Beta(x + ½, n − x + ½), rank every draw, report the median rank and the 2.5-97.5 percentile
  ranks. These are pointwise intervals and somewhat anticonservative when LAs are close.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from helpers.analysis.intervals import byar_interval, wilson_interval
from helpers.areas import ENGLAND_CODE, LA_LEVEL, Group

#: ``ENGLAND_CODE`` and ``byar_interval`` are re-exported: callers and tests read them here.
__all__ = ["ENGLAND_CODE", "MEASURES", "Figures", "Measure", "Position", "area_names", "byar_interval",
           "group_values", "la_position", "lait_bands", "lait_quartiles", "lait_rank", "latest_figures",
           "latest_year", "measure_values", "measures_with_la_values", "rank_intervals", "report_year",
           "trend_table", "wilson_interval"]

Kind = Literal["proportion", "growth"]


@dataclass(frozen=True)
class Measure:
    """An indicator built from counts in the ``ees`` table, named by ``label`` (the ``measure`` of
    :func:`trend_table`).

    ``proportion``: 100 × numerator / Σ denominator columns. ``growth``: the change in percent of one count on the
    year before, 100 × (count_t / count_{t−1} − 1), so a group's growth is Σ count_t / Σ count_{t−1} − 1 over the
    LAs with both years. ``higher_is_better`` is None when neither direction is better (no rank or band).
    """

    id: str
    label: str
    numerator: str
    denominator: tuple[str, ...]
    kind: Kind
    higher_is_better: bool | None


MEASURES: dict[str, Measure] = {m.id: m for m in (
    Measure("timeliness", "EHC plans issued within 20 weeks, excluding exception cases (%)",
            "plans_issued_within_20_weeks_ex", ("plans_issued_ex",), "proportion", True),
    Measure("refusal_rate", "Requests for assessment refused, as a share of decisions made (%)",
            "requests_decided_not_to_assess", ("requests_decided_to_assess", "requests_decided_not_to_assess"),
            "proportion", None),
    Measure("decisions_6_weeks", "Decisions on requests for assessment made within 6 weeks (%)",
            "requests_decided_within_6_weeks", ("requests_decided_within_6_weeks", "requests_decided_over_6_weeks"),
            "proportion", True),
    Measure("reviews_4_weeks", "Annual-review decisions sent within 4 weeks of the meeting (%)",
            "reviews_decision_within_4_weeks", ("reviews_decision_within_4_weeks", "reviews_decision_over_4_weeks"),
            "proportion", True),
    Measure("over_a_year", "EHC plans that took more than a year, excluding exception cases (%)",
            "plans_issued_over_52_weeks_ex", ("plans_issued_ex",), "proportion", False),
    Measure("requests_growth", "Change in requests for assessment on the year before (%)",
            "requests_received", ("requests_received",), "growth", None),
    Measure("plans_growth", "Change in EHC plans in place on the year before (%)",
            "plans_in_place", ("plans_in_place",), "growth", None),
    Measure("tribunal_share", "Requests linked to a tribunal, as a share of requests received (%)",
            "requests_tribunal_related", ("requests_received",), "proportion", None),
)}


def measure_values(ees: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """Numerator, denominator and value of ``measure`` for every area and year in the ``ees`` table.

    Returns columns ``year, geographic_level, area_code, area_name, region_code, numerator, denominator, value``
    (value in percent). Value is NaN where a count is missing (DfE ``x``/``z``) or the denominator is 0. For a
    growth measure the denominator is the same area's count a year earlier, matched on ``area_code``.
    """
    keys = ["year", "geographic_level", "area_code", "area_name", "region_code"]
    for col in (measure.numerator, *measure.denominator):
        if col not in ees.columns:
            raise KeyError(f"the ees table has no column {col!r} needed for {measure.id}")
    out = ees[keys].copy()
    out["numerator"] = ees[measure.numerator].astype(float)
    if measure.kind == "growth":
        before = ees[["year", "area_code", measure.numerator]].copy()
        before["year"] = before["year"] + 1
        before = before.rename(columns={measure.numerator: "denominator"})
        out = out.merge(before, on=["year", "area_code"], how="left")
        out["denominator"] = out["denominator"].astype(float)
    else:
        out["denominator"] = ees[list(measure.denominator)].astype(float).sum(axis=1, min_count=len(
            measure.denominator))
    known = out["numerator"].notna() & out["denominator"].notna() & (out["denominator"] > 0)
    out.loc[~known, ["numerator", "denominator"]] = np.nan
    ratio = out["numerator"] / out["denominator"]
    out["value"] = 100 * (ratio - 1 if measure.kind == "growth" else ratio)
    return out.reset_index(drop=True)


def _interval(kind: Kind, numerator: np.ndarray, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of a value in percent: Wilson for proportions, Byar on the latest count for growth."""
    if kind == "proportion":
        lo, hi = wilson_interval(numerator, denominator)
        return 100 * lo, 100 * hi
    lo, hi = byar_interval(numerator)
    return 100 * (lo / denominator - 1), 100 * (hi / denominator - 1)


def group_values(values: pd.DataFrame, groups: list[Group], measure: Measure,
                 years: list[int] | None = None) -> pd.DataFrame:
    """Each group's value per year as a ratio of sums, with its 95% interval and the spread of its members.

    Parameters
    ----------
    values : output of :func:`measure_values`.
    groups : from :func:`comparator_groups`.
    measure : the measure ``values`` was built from (decides the interval).
    years : years to report (default every year in ``values``).

    Returns
    -------
    One row per (year, group): ``year, group, kind, numerator, denominator, value, ci_lower, ci_upper,
    members, members_reporting, members_missing, member_median, member_min, member_max`` (values in percent;
    ``members`` counts the group's LAs present in the release that year). The member spread is given for
    multi-LA groups only.
    """
    years = sorted(values["year"].unique()) if years is None else years
    la_rows = values[values["geographic_level"] == LA_LEVEL].set_index(["year", "area_code"])
    rows = []
    for year in years:
        for g in groups:
            idx = [(year, code) for code in g.members if (year, code) in la_rows.index]
            members = la_rows.loc[idx] if idx else la_rows.iloc[0:0]
            reporting = members.dropna(subset=["numerator", "denominator"])
            x, n = float(reporting["numerator"].sum()), float(reporting["denominator"].sum())
            if g.published_code is not None:
                pub = values[(values["year"] == year) & (values["area_code"] == g.published_code)
                             & (values["geographic_level"] == g.level)].dropna(subset=["numerator", "denominator"])
                if len(pub):
                    x, n = float(pub["numerator"].iloc[0]), float(pub["denominator"].iloc[0])
            if n > 0:
                ratio = x / n
                value = 100 * (ratio - 1 if measure.kind == "growth" else ratio)
                lo, hi = (float(v[0]) for v in _interval(measure.kind, np.array([x]), np.array([n])))
            else:
                x = n = value = lo = hi = np.nan
            spread = reporting["value"] if g.kind != "la" else pd.Series(dtype=float)
            rows.append({
                "year": int(year), "group": g.name, "kind": g.kind,
                "numerator": x, "denominator": n, "value": value, "ci_lower": lo, "ci_upper": hi,
                "members": len(idx), "members_reporting": len(reporting),
                "members_missing": len(idx) - len(reporting),
                "member_median": spread.median() if len(spread) else np.nan,
                "member_min": spread.min() if len(spread) else np.nan,
                "member_max": spread.max() if len(spread) else np.nan,
            })
    return pd.DataFrame(rows)


def _published(values: pd.Series, decimals: int | None) -> pd.Series:
    return values.round(decimals) if decimals is not None else values


def lait_rank(values: pd.Series, higher_is_better: bool, *, decimals: int | None = 1) -> pd.Series:
    """LAIT national rank: 1 = best given polarity, ties share the lowest rank, missing values get no rank.

    As R ``rank(-values, ties.method = "min")`` for "higher is better" (``rank(values, ...)`` otherwise) in LAIT
    ``calculate_rank``; values rounded to ``decimals`` first, as LAIT ranks the published figures.
    """
    v = _published(values.astype(float), decimals)
    return (-v if higher_is_better else v).rank(method="min", na_option="keep")


def lait_quartiles(values: pd.Series, *, decimals: int | None = 1) -> pd.Series:
    """The 0%, 25%, 50%, 75% and 100% quantiles of every LA's value (R ``quantile``, type 7), NaN ignored."""
    v = _published(values.astype(float), decimals).dropna()
    probs = [0, 0.25, 0.5, 0.75, 1]
    return pd.Series(np.quantile(v, probs), index=["0%", "25%", "50%", "75%", "100%"], name="quartile")


def lait_bands(values: pd.Series, higher_is_better: bool, *, decimals: int | None = 1) -> pd.Series:
    """LAIT quartile band A-D for every LA (A = best quartile given polarity; missing value -> missing band).

    Bands are closed above: for "lower is better", A = [min, Q25], B = (Q25, Q50], C = (Q50, Q75],
    D = (Q75, max]; for "higher is better", D = [min, Q25], C = (Q25, Q50], B = (Q50, Q75], A = (Q75, max]
    (LAIT ``calculate_quartile_band``).
    """
    v = _published(values.astype(float), decimals)
    q = lait_quartiles(values, decimals=decimals)
    order = ["D", "C", "B", "A"] if higher_is_better else ["A", "B", "C", "D"]
    choices = [v <= q["25%"], v <= q["50%"], v <= q["75%"], v <= q["100%"]]
    out = pd.Series(np.select(choices, order, default="").astype(object), index=values.index, name="band")
    out[v.isna()] = None
    return out


def rank_intervals(numerator: pd.Series, denominator: pd.Series, *, higher_is_better: bool = True,
                   draws: int = 4000, level: float = 0.95, seed: int = 20250626) -> pd.DataFrame:
    """Monte Carlo rank intervals for proportions (rank 1 = best), one row per area with both counts known.

    Each draw samples every area's proportion from Beta(x + ½, n − x + ½) (Jeffreys posterior) and ranks the
    areas; returns ``median_rank``, ``rank_lower``, ``rank_upper`` (the (1−level)/2 and (1+level)/2 percentiles
    of the drawn ranks), ``p_top_quartile`` and ``p_bottom_quartile`` (share of draws ranked in the best or worst
    quarter of areas) and ``areas`` (how many were ranked). Seeded, so a re-run gives the same numbers.
    """
    x = numerator.astype(float)
    n = denominator.astype(float)
    ok = x.notna() & n.notna() & (n > 0)
    x, n = x[ok].to_numpy(), n[ok].to_numpy()
    rng = np.random.default_rng(seed)
    sample = rng.beta(x + 0.5, n - x + 0.5, size=(draws, len(x)))
    key = -sample if higher_is_better else sample
    ranks = key.argsort(axis=1).argsort(axis=1) + 1
    areas = len(x)
    tail = (1 - level) / 2
    return pd.DataFrame({
        "median_rank": np.median(ranks, axis=0),
        "rank_lower": np.floor(np.quantile(ranks, tail, axis=0)),
        "rank_upper": np.ceil(np.quantile(ranks, 1 - tail, axis=0)),
        "p_top_quartile": (ranks <= areas / 4).mean(axis=0),
        "p_bottom_quartile": (ranks > 3 * areas / 4).mean(axis=0),
        "areas": areas,
    }, index=numerator.index[ok])


@dataclass(frozen=True)
class Position:
    """Where one LA sits among all LAs in a year (see :func:`la_position`)."""

    value: float
    of: int
    quartiles: pd.Series | None
    rank: int | None = None
    band: str | None = None
    rank_lower: float | None = None
    rank_upper: float | None = None
    median_rank: float | None = None
    p_top_quartile: float | None = None
    p_bottom_quartile: float | None = None


def la_position(values: pd.DataFrame, la_code: str, year: int, measure: Measure, *,
                seed: int = 20250626) -> Position:
    """Where one LA sits among all LAs in a year: value, LAIT rank (``of`` LAs ranked) and band, quartiles and the
    simulated rank interval. Rank, band and intervals are None for a measure with no polarity or an LA with no
    value that year; the interval also for a growth measure."""
    las = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)].set_index("area_code")
    value = float(las.at[la_code, "value"]) if la_code in las.index else np.nan
    base = Position(value=value, of=int(las["value"].notna().sum()),
                    quartiles=lait_quartiles(las["value"]) if las["value"].notna().any() else None)
    if measure.higher_is_better is None or np.isnan(value):
        return base
    rank = int(lait_rank(las["value"], measure.higher_is_better)[la_code])
    band = str(lait_bands(las["value"], measure.higher_is_better)[la_code])
    if measure.kind != "proportion":
        return Position(value, base.of, base.quartiles, rank, band)
    ri = rank_intervals(las["numerator"], las["denominator"], higher_is_better=measure.higher_is_better,
                        seed=seed).loc[la_code]
    return Position(value, base.of, base.quartiles, rank, band, float(ri["rank_lower"]), float(ri["rank_upper"]),
                    float(ri["median_rank"]), float(ri["p_top_quartile"]), float(ri["p_bottom_quartile"]))


def latest_year(values: pd.DataFrame, la_code: str) -> int | None:
    """The latest year in which the LA has a value (None if it never has one)."""
    own = values[(values["geographic_level"] == LA_LEVEL) & (values["area_code"] == la_code)].dropna(
        subset=["value"])
    return int(own["year"].max()) if len(own) else None


def report_year(values: pd.DataFrame, la_code: str) -> int:
    """The year a page reports: the LA's latest year with a value, else the latest year any area has one."""
    own = latest_year(values, la_code)
    return own if own is not None else int(values.dropna(subset=["value"])["year"].max())


def area_names(ees: pd.DataFrame) -> pd.Series:
    """Each area's latest name, indexed by ``area_code`` (so a renamed LA shows its current name)."""
    return ees.drop_duplicates("area_code", keep="last").set_index("area_code")["area_name"]



@dataclass(frozen=True)
class Figures:
    """One measure's figures for the LA's latest year with data: each group's value (by group name and by kind),
    the LA's value a year earlier, the neighbours' range and the LA's position among all LAs."""

    measure: Measure
    year: int
    by_group: dict[str, float]
    by_kind: dict[str, float]
    previous: float | None
    neighbours_range: tuple[float, float] | None
    position: Position


def latest_figures(ees: pd.DataFrame, groups: list[Group], measure: Measure, la_code: str) -> Figures | None:
    """:class:`Figures` for ``measure`` in the LA's latest year with a value; None if it never has one (e.g.
    tribunal-related requests before DfE collected them)."""
    values = measure_values(ees, measure)
    year = latest_year(values, la_code)
    if year is None:
        return None
    table = group_values(values, groups, measure, years=[year])
    before = group_values(values, groups[:1], measure, years=[year - 1])
    nb = table[table["kind"] == "neighbours"]
    spread = (float(nb["member_min"].iloc[0]), float(nb["member_max"].iloc[0])) if len(nb) else None
    return Figures(measure, year, dict(zip(table["group"], table["value"], strict=True)),
                   dict(zip(table["kind"], table["value"], strict=True)),
                   float(before["value"].iloc[0]) if len(before) else None, spread,
                   la_position(values, la_code, year, measure))


def trend_table(ees: pd.DataFrame, groups: list[Group], measures: list[Measure], *,
                years: int = 8) -> pd.DataFrame:
    """Every group's value per year for each measure over its last ``years`` years with data (long: measure,
    year, group, kind, value, ci_lower, ci_upper), for small multiples.

    Eight annual points by default: enough to show a trend (modelling_methods.md §3.4) without reaching back to
    2014-2015, the first part-year of EHC plans, whose growth rates (several hundred per cent) would flatten
    every later change.
    """
    frames = []
    for m in measures:
        values = measure_values(ees, m)
        known = sorted(values.dropna(subset=["value"])["year"].unique())[-years:]
        if not known:
            continue
        table = group_values(values, groups, m, years=known)
        frames.append(table.assign(measure=m.label)[["measure", "year", "group", "kind", "value", "ci_lower",
                                                     "ci_upper"]])
    return pd.concat(frames, ignore_index=True)


def measures_with_la_values(trends: pd.DataFrame, measures: list[Measure]) -> list[Measure]:
    """The measures for which the LA has at least one value in :func:`trend_table` (the panels worth drawing)."""
    own = trends[(trends["kind"] == "la") & trends["value"].notna()]
    return [m for m in measures if (own["measure"] == m.label).any()]
