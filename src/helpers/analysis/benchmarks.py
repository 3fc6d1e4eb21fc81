"""Benchmarking an LA against England, its region, its statistical neighbours and any custom group.

Inputs are the ``ees`` table (one row per year, geography and area; ``area_code`` is DfE's 3-digit LA number for
LAs, stable across ONS code changes, so a series joins across Buckinghamshire's or Somerset's new codes).

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
* **Funnel plot** of every LA against England's figure (:mod:`helpers.analysis.funnel`): PHE significance labels at the
  95% and 99.8% limits, and the same labels against limits widened for the usual variation between LAs
  (Spiegelhalter 2005 additive random effects, winsorised z-scores, on the logit scale so that the limits stay
  inside 0-100% at every size: :data:`SPREAD_SCALE`). The two readings are told in one sentence
  (:func:`funnel_sentences`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from helpers.analysis import funnel
from helpers.analysis.intervals import byar_interval, wilson_interval
from helpers.present import narrative

Kind = Literal["proportion", "growth"]
from helpers.areas import ENGLAND_CODE, LA_LEVEL, Group, comparator_groups  # noqa: E402 - England's code is defined once


@dataclass(frozen=True)
class Measure:
    """An indicator built from counts in the ``ees`` table.

    ``proportion``: 100 × numerator / Σ denominator columns. ``growth``: the change in percent of one count on the
    year before, 100 × (count_t / count_{t−1} − 1), so a group's growth is Σ count_t / Σ count_{t−1} − 1 over the
    LAs with both years. ``higher_is_better`` is None when neither direction is better (no rank or band).
    """

    id: str
    label: str
    short: str
    numerator: str
    denominator: tuple[str, ...]
    kind: Kind
    higher_is_better: bool | None
    message: str = ""


MEASURES: dict[str, Measure] = {m.id: m for m in (
    Measure("timeliness", "EHC plans issued within 20 weeks, excluding exception cases (%)",
            "Plans issued within 20 weeks (%)", "plans_issued_within_20_weeks_ex", ("plans_issued_ex",),
            "proportion", True, "{value} of new EHC plans were issued within 20 weeks"),
    Measure("refusal_rate", "Requests for assessment refused, as a share of decisions made (%)",
            "Requests refused (% of decisions)", "requests_decided_not_to_assess",
            ("requests_decided_to_assess", "requests_decided_not_to_assess"), "proportion", None,
            "{value} of decisions on requests for an EHC needs assessment were refusals"),
    Measure("decisions_6_weeks", "Decisions on requests for assessment made within 6 weeks (%)",
            "Decisions within 6 weeks (%)", "requests_decided_within_6_weeks",
            ("requests_decided_within_6_weeks", "requests_decided_over_6_weeks"), "proportion", True,
            "{value} of decisions on whether to assess were made within the 6-week time limit"),
    Measure("reviews_4_weeks", "Annual-review decisions sent within 4 weeks of the meeting (%)",
            "Annual reviews within 4 weeks (%)", "reviews_decision_within_4_weeks",
            ("reviews_decision_within_4_weeks", "reviews_decision_over_4_weeks"), "proportion", True,
            "{value} of annual-review decisions were sent within 4 weeks of the meeting"),
    Measure("over_a_year", "EHC plans that took more than a year, excluding exception cases (%)",
            "Plans taking over a year (%)", "plans_issued_over_52_weeks_ex", ("plans_issued_ex",),
            "proportion", False, "{value} of new EHC plans took more than a year"),
    Measure("requests_growth", "Change in requests for assessment on the year before (%)",
            "Growth in requests (%)", "requests_received", ("requests_received",), "growth", None),
    Measure("plans_growth", "Change in EHC plans in place on the year before (%)",
            "Growth in plans in place (%)", "plans_in_place", ("plans_in_place",), "growth", None),
    Measure("tribunal_share", "Requests linked to a tribunal, as a share of requests received (%)",
            "Tribunal-related requests (% of requests)", "requests_tribunal_related", ("requests_received",),
            "proportion", None, "{value} of requests for an assessment were linked to a tribunal"),
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


def la_position(values: pd.DataFrame, la_code: str, year: int, measure: Measure, *,
                seed: int = 20250626) -> dict[str, object]:
    """Where one LA sits among all LAs in a year: value, LAIT rank and band, quartiles and rank interval.

    Returns a mapping with ``value``, ``rank``, ``of`` (LAs ranked), ``band``, ``quartiles`` (Series),
    ``rank_lower``, ``rank_upper``, ``median_rank``, ``p_top_quartile``, ``p_bottom_quartile``. Rank, band and
    intervals are None for a measure with no polarity or an LA with no value that year.
    """
    las = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)].set_index("area_code")
    value = float(las.at[la_code, "value"]) if la_code in las.index else np.nan
    out: dict[str, object] = {"value": value, "rank": None, "of": int(las["value"].notna().sum()),
                              "band": None, "quartiles": lait_quartiles(las["value"]) if las["value"].notna().any()
                              else None, "rank_lower": None, "rank_upper": None, "median_rank": None,
                              "p_top_quartile": None, "p_bottom_quartile": None}
    if measure.higher_is_better is None or np.isnan(value):
        return out
    out["rank"] = int(lait_rank(las["value"], measure.higher_is_better)[la_code])
    out["band"] = lait_bands(las["value"], measure.higher_is_better)[la_code]
    if measure.kind == "proportion":
        ri = rank_intervals(las["numerator"], las["denominator"], higher_is_better=measure.higher_is_better,
                            seed=seed)
        for key in ("rank_lower", "rank_upper", "median_rank", "p_top_quartile", "p_bottom_quartile"):
            out[key] = float(ri.at[la_code, key])
    return out


def la_values(values: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every LA with both counts known in ``year``: the points of a funnel plot (area_code, area_name, counts,
    value)."""
    rows = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)]
    rows = rows.dropna(subset=["numerator", "denominator"])
    return rows[["area_code", "area_name", "numerator", "denominator", "value"]].reset_index(drop=True)


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


def neighbours_sentence(la_name: str, codes: list[str], names: pd.Series) -> str:
    """Plain English: who the LA's statistical neighbours are, or that none are set (so only England and region)."""
    if not codes:
        return ("No statistical neighbours are set for this pack (add them to the pack config, or point the config "
                "at DfE's neighbour list), so the page compares with England and the region only.")
    return (f"{la_name}'s statistical neighbours are " + ", ".join(str(names[c]) for c in codes[:-1])
            + f" and {names[codes[-1]]}.")


#: Scale of the limits allowing for variation between councils (see :mod:`helpers.analysis.funnel`): on the arcsine scale
#: real councils' spread of 20-week timeliness puts those limits at 0% and 100% at every size.
SPREAD_SCALE: funnel.Scale = "logit"

#: Funnel-plot roles of councils other than the LA itself (the LA's role is its own name).
NEIGHBOUR_ROLE = "Statistical neighbour"
OTHER_ROLE = "Other council"


def funnel_points(values: pd.DataFrame, year: int, baseline: float, *, la_code: str, la_name: str,
                  neighbours: list[str]) -> pd.DataFrame:
    """Every LA with both counts in ``year`` as a funnel-plot point, labelled against ``baseline``.

    Parameters
    ----------
    values : output of :func:`measure_values` for a proportion measure.
    year : the year to plot.
    baseline : the comparator proportion (0-1), England's figure on this page.
    la_code, la_name : the LA the page is about (3-digit area code and display name).
    neighbours : the LA's statistical neighbours (3-digit area codes).

    Returns
    -------
    :func:`la_values` columns plus ``significance`` (PHE label against the 95%/99.8% limits,
    :func:`helpers.analysis.funnel.significance`), ``allowing_for_variation`` (the same label against the additive
    overdispersion-adjusted limits, :func:`helpers.analysis.funnel.adjusted_limits`) and ``role`` (``la_name``,
    :data:`NEIGHBOUR_ROLE` or :data:`OTHER_ROLE`).
    """
    points = la_values(values, year)
    x, n = points["numerator"], points["denominator"]
    points["significance"] = funnel.significance(x, n, baseline=baseline)
    spread = funnel.overdispersion(x, n, baseline=baseline, scale=SPREAD_SCALE)
    points["allowing_for_variation"] = funnel.label(x / n, funnel.adjusted_limits(n, spread))
    points["role"] = np.select([points["area_code"] == la_code, points["area_code"].isin(neighbours)],
                               [la_name, NEIGHBOUR_ROLE], OTHER_ROLE)
    return points


def funnel_lines(points: pd.DataFrame, baseline: float) -> pd.DataFrame:
    """The funnel's lines in percent at PHE's axis denominators, for drawing.

    Columns ``n``, ``baseline``, ``lower_95``, ``upper_95``, ``lower_998``, ``upper_998`` (Wilson limits,
    :func:`helpers.analysis.funnel.limits`) and ``wide_lower_998``, ``wide_upper_998`` (99.8% limits allowing for the
    variation between LAs in ``points``, logit scale). On the logit scale the wide limits never reach 0% or
    100%; they are still left empty (NaN) if, even at the largest denominator, they come within 0.1 percentage
    points of 0% or 100% (they would then span the whole chart and no LA could be outside them).
    """
    axis = funnel.axis_populations(points["denominator"])
    lines = funnel.limits(axis, baseline)
    wide = funnel.adjusted_limits(axis, funnel.overdispersion(points["numerator"], points["denominator"],
                                                              baseline=baseline, scale=SPREAD_SCALE))
    shown = wide["lower_998"].iloc[-1] > 0.001 and wide["upper_998"].iloc[-1] < 0.999
    for side in ("lower", "upper"):
        lines[f"wide_{side}_998"] = wide[f"{side}_998"] if shown else np.nan
    percent = [c for c in lines.columns if c != "n"]
    lines[percent] = lines[percent] * 100
    return lines


def funnel_labels(points: pd.DataFrame, la_code: str) -> tuple[str | None, str | None]:
    """The LA's funnel labels (against England's limits, and allowing for variation); None if it has no point."""
    own = points[points["area_code"] == la_code]
    if own.empty:
        return None, None
    return own["significance"].iloc[0], own["allowing_for_variation"].iloc[0]


def la_value(points: pd.DataFrame, la_code: str) -> float | None:
    """The LA's percentage on the funnel plot (None if it has no point)."""
    own = points[points["area_code"] == la_code]
    return None if own.empty else float(own["value"].iloc[0])


def funnel_title(points: pd.DataFrame, la_code: str, la_name: str, year: int, baseline: float) -> str:
    """Headline for the funnel plot: the LA's 20-week figure beside England's (``baseline`` as a proportion)."""
    own = points[points["area_code"] == la_code]
    if own.empty:
        return f"{la_name} has no 20-week figure for {year}"
    value = float(own["value"].iloc[0])
    versus = narrative.compare(value, baseline * 100, "England", "%").split(", ", 1)[-1]
    return f"In {year}, {la_name} issued {narrative.fmt(value, '%')} of EHC plans within 20 weeks, {versus}"


def funnel_alt(points: pd.DataFrame, la_code: str, la_name: str, year: int, baseline: float) -> str:
    """Alt text for the funnel plot: what is drawn, where the LA sits and how many LAs lie outside 99.8%."""
    own = points[points["area_code"] == la_code]
    outside = int(points["significance"].str.endswith("(0.001)").sum())
    where = (f" at {narrative.fmt(own['value'].iloc[0], '%')} of {narrative.fmt(own['denominator'].iloc[0], 'count')}"
             " plans" if len(own) else "")
    others = ("; its statistical neighbours are triangles; each is labelled with its name. "
              if (points["role"] == NEIGHBOUR_ROLE).any() else ", labelled with its name. ")
    return (f"Funnel plot of the percentage of EHC plans issued within 20 weeks in {year} against the number of "
            f"plans issued (log scale), for {len(points)} councils. England's figure, "
            f"{narrative.fmt(baseline * 100, '%')}, is a horizontal line with funnel-shaped 95% and 99.8% limits "
            f"around it that narrow as councils get larger. {la_name} is a large diamond{where}{others}"
            f"{outside} of the {len(points)} councils lie outside the 99.8% limits.")


def funnel_note(lines: pd.DataFrame) -> str | None:
    """Note under the funnel plot when the limits allowing for variation are not drawn (see :func:`funnel_lines`)."""
    if lines["wide_lower_998"].notna().any():
        return None
    return ("Councils differ so much that, allowing for the usual variation between councils, the 99.8% limits run "
            "from almost 0% to almost 100% at every size, so they are not drawn: no council is outside them.")


def funnel_table(points: pd.DataFrame, baseline: float, la_name: str) -> pd.DataFrame:
    """The data behind the funnel plot: each council's counts, value, its own limits and labels (display columns).

    The LA first, then its neighbours, then every other council, each alphabetically.
    """
    bounds = funnel.limits(points["denominator"], baseline)
    limit_cols = ("lower_95", "upper_95", "lower_998", "upper_998")
    data = points.assign(**{c: bounds[c].to_numpy() * 100 for c in limit_cols})
    data["order"] = data["role"].map({la_name: 0, NEIGHBOUR_ROLE: 1}).fillna(2)
    for col in ("significance", "allowing_for_variation"):
        data[col] = data[col].map(funnel.plain_label)
    data = data.sort_values(["order", "area_name"])[[
        "area_name", "role", "denominator", "numerator", "value", *limit_cols, "significance",
        "allowing_for_variation"]].astype({"denominator": "Int64", "numerator": "Int64"})
    data.columns = ["Council", "Group", "Plans issued", "Within 20 weeks", "% within 20 weeks", "95% lower limit",
                    "95% upper limit", "99.8% lower limit", "99.8% upper limit", "Against England",
                    "Allowing for variation between councils"]
    return data


def funnel_verdict(la_name: str, value: float, baseline: float, label: str | None, wide: str | None, *,
                   further: int | None = None, councils: int | None = None) -> str | None:
    """The funnel plot's two tests told as one sentence: against England's limits for a council of this size
    (chance alone), and against the limits allowing for the usual differences between councils.

    ``value`` is the LA's percentage, ``baseline`` England's proportion (0-1); ``label`` and ``wide`` are the LA's
    :func:`helpers.analysis.funnel.label` readings against the plain and the wide limits; ``further`` of ``councils`` are
    further from England on the same side (said when the council is "not unusual", so the reader sees why). None
    when the LA has no point.
    The sentence never says "very unlikely to be chance" and then "not unusual" as if they disagreed: the first
    test asks whether the gap could be chance for one council, the second whether councils often differ this much.
    """
    if label is None or wide is None:
        return None
    mine = narrative.fmt(value, "%")
    england = narrative.fmt(baseline * 100, "%")
    side = "below" if value < baseline * 100 else "above"
    if label == "Not significant":
        head = (f"{la_name}'s {mine} is within the range chance alone would give a council of its size around "
                f"England's {england}, so it is not significantly different from England")
        if wide == "Not significant":
            return narrative.sentence(head)
    else:
        level = "99.8%" if label.endswith("(0.001)") else "95%"
        head = (f"{la_name}'s {mine} is {side} England's {england} by more than chance alone would explain for a "
                f"council of its size (outside the {level} limits)")
    if wide == "Not significant":
        tail = ("but councils differ widely, and allowing for the usual differences between councils it is not "
                "unusual among them")
        if further is not None and councils:
            tail += f" ({narrative.count_of(further, councils, 'council', verb='is', verb_plural='are')} further {side})"
    elif wide.endswith("(0.001)"):
        tail = ("and even allowing for the usual differences between councils it is outside the 99.8% limits: very "
                "unusual among councils (special-cause variation), so something specific to the council explains it")
    else:
        tail = ("and it stands out even allowing for the usual differences between councils (outside the 95% "
                "limits, though inside the 99.8% ones): worth watching")
    return narrative.sentence(f"{head}, {tail}")


def funnel_sentences(la_name: str, baseline: float, label: str | None, wide: str | None,
                     value: float | None = None, points: pd.DataFrame | None = None) -> list[tuple[str, str]]:
    """What the funnel plot says about the LA, as ``(text, kind)`` for :func:`helpers.present.charts.say`: the single
    sentence of :func:`funnel_verdict` as the headline. Empty when the LA has no point (both labels None).

    ``value`` (the LA's percentage) is needed for the sentence; without it the side is read from the label.
    ``points`` (:func:`funnel_points`) lets the sentence say how many councils are further from England.
    """
    if label is None or wide is None:
        return []
    if value is None:
        value = baseline * 100 + (-1 if label.startswith("Low") else 1)
    further = councils = None
    if points is not None and len(points):
        below = value < baseline * 100
        further = int((points["value"] < value).sum() if below else (points["value"] > value).sum())
        councils = len(points)
    verdict = funnel_verdict(la_name, value, baseline, label, wide, further=further, councils=councils)
    return [(verdict, "headline")] if verdict else []


def interval_table(group_rows: pd.DataFrame) -> pd.DataFrame:
    """Display table of each group's counts, value and 95% interval, from :func:`group_values` rows."""
    table = group_rows[["group", "denominator", "numerator", "value", "ci_lower", "ci_upper",
                        "members_reporting"]].astype({"denominator": "Int64", "numerator": "Int64"})
    table.columns = ["Area or group", "Plans issued", "Within 20 weeks", "% within 20 weeks",
                     "95% interval: lower", "95% interval: upper", "Councils with data"]
    return table


def summary_table(ees: pd.DataFrame, groups: list[Group], measures: list[Measure]) -> pd.DataFrame:
    """One row per measure, for the LA's latest year with data: the LA, each comparator group, the neighbours'
    range, and LAIT rank and band (where the measure has a polarity). Values in percent; display-ready columns.

    Measures the LA has no value for (e.g. tribunal-related requests before DfE collected them) are left out.
    """
    la_group = next(g for g in groups if g.kind == "la")
    la_code = la_group.members[0]
    rows = []
    for m in measures:
        values = measure_values(ees, m)
        year = latest_year(values, la_code)
        if year is None:
            continue
        table = group_values(values, groups, m, years=[year]).set_index("group")
        pos = la_position(values, la_code, year, m)
        row: dict[str, object] = {"Measure": m.label, "Year": str(year)}
        for g in groups:
            row[g.name] = table.at[g.name, "value"]
        nb = [g for g in groups if g.kind == "neighbours"]
        if nb:
            lo, hi = table.at[nb[0].name, "member_min"], table.at[nb[0].name, "member_max"]
            row["Neighbours' range"] = "–" if np.isnan(lo) else f"{lo:.1f} to {hi:.1f}"
        row["LAIT rank (1 = best)"] = (f"{pos['rank']} of {pos['of']}" if pos["rank"] is not None
                                       else "Not applicable")
        row["LAIT quartile band"] = pos["band"] if pos["band"] is not None else "Not applicable"
        rows.append(row)
    return pd.DataFrame(rows)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def position_sentence(la_name: str, pos: dict[str, object], measure: Measure, year: int) -> str:
    """Plain English: the LA's LAIT rank with its simulated interval and its quartile band."""
    if pos["rank"] is None:
        return f"{la_name} has no figure for {year}, so it cannot be ranked."
    best = "highest" if measure.higher_is_better else "lowest"
    band_text = {"A": "the best quarter of councils", "B": "the second-best quarter of councils",
                 "C": "the second-worst quarter of councils", "D": "the worst quarter of councils"}
    text = (f"In {year} {la_name} ranked {_ordinal(int(pos['rank']))} of {pos['of']} councils "
            f"(1st = the {best} figure), which is quartile band {pos['band']} in DfE's Local Authority Interactive "
            f"Tool (LAIT): {band_text[str(pos['band'])]}.")
    if pos["rank_lower"] is not None:
        lo, hi = int(pos["rank_lower"]), int(pos["rank_upper"])
        text += (f" Allowing for chance variation in each council's figure, its rank could plausibly be anywhere "
                 f"from {_ordinal(lo)} to {_ordinal(hi)} (95% interval), so small differences in rank mean little.")
    return text


def group_members(groups: list[Group], names: pd.Series) -> pd.DataFrame:
    """Display table of each comparator group and its member councils (``names`` maps area_code to name)."""
    rows = []
    for g in groups:
        if g.kind == "la":
            continue
        if g.kind in ("england", "region"):
            who = "All councils" + (" in the region" if g.kind == "region" else " in England")
        else:
            who = ", ".join(str(names.get(c, c)) for c in g.members)
        rows.append({"Group": g.name, "Councils": who,
                     "How the figure is worked out": "DfE's published figure" if g.published_code
                     else "Sum of the councils' counts"})
    return pd.DataFrame(rows)


def band_table(quartiles: pd.Series, measure: Measure) -> pd.DataFrame:
    """LAIT's "up to and including" thresholds per band, in the order A (best) to D."""
    q = quartiles
    if measure.higher_is_better:
        rows = [("A", f"above {q['75%']:.1f}", f"{q['100%']:.1f}"), ("B", f"above {q['50%']:.1f}", f"{q['75%']:.1f}"),
                ("C", f"above {q['25%']:.1f}", f"{q['50%']:.1f}"), ("D", f"from {q['0%']:.1f}", f"{q['25%']:.1f}")]
    else:
        rows = [("A", f"from {q['0%']:.1f}", f"{q['25%']:.1f}"), ("B", f"above {q['25%']:.1f}", f"{q['50%']:.1f}"),
                ("C", f"above {q['50%']:.1f}", f"{q['75%']:.1f}"), ("D", f"above {q['75%']:.1f}", f"{q['100%']:.1f}")]
    return pd.DataFrame(rows, columns=["Band", "From", "Up to and including"])


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


def trends_alt(trends: pd.DataFrame, measures: list[Measure], la_name: str) -> str:
    """Alt text for the small multiples: what the LA's line does in each panel, and where England ended."""
    parts = [(f"Small multiple line charts, one per measure, of {la_name}, England, the region and comparator "
              "groups.")]
    for m in measures:
        panel = trends[trends["measure"] == m.label]
        own = panel[panel["kind"] == "la"].set_index("year")["value"]
        england = panel[panel["kind"] == "england"].dropna(subset=["value"])
        text = narrative.describe_series(own, unit="%", label=f"{la_name}: {m.label.replace(' (%)', '')}",
                                         chart="Panel")
        if len(england):
            text = text.rstrip(".") + f"; England {narrative.fmt(england['value'].iloc[-1], '%')} in " \
                                      f"{int(england['year'].iloc[-1])}."
        parts.append(text)
    return " ".join(parts)


def neighbour_table(values: pd.DataFrame, year: int, codes: list[str], points: pd.DataFrame) -> pd.DataFrame:
    """The LA and its neighbours in ``year``: value, LAIT rank and band among all LAs, and funnel labels.

    ``points`` is the funnel frame with ``area_code``, ``significance`` and ``allowing_for_variation``.
    """
    las = values[(values["geographic_level"] == LA_LEVEL) & (values["year"] == year)].set_index("area_code")
    rank = lait_rank(las["value"], True)
    band = lait_bands(las["value"], True)
    labels = points.set_index("area_code")
    rows = []
    for code in codes:
        known = code in las.index and not np.isnan(las.at[code, "value"])
        rows.append({
            "Council": las.at[code, "area_name"] if code in las.index else code,
            "Plans issued": las.at[code, "denominator"] if code in las.index else None,
            "% within 20 weeks": las.at[code, "value"] if code in las.index else np.nan,
            "LAIT rank (1 = best)": f"{int(rank[code])} of {int(rank.notna().sum())}" if known else "No figure",
            "LAIT quartile band": band[code] if known else "–",
            "Against England": funnel.plain_label(labels.at[code, "significance"]) if code in labels.index else "–",
            "Allowing for variation between councils": funnel.plain_label(labels.at[code, "allowing_for_variation"])
            if code in labels.index else "–",
        })
    out = pd.DataFrame(rows)
    out["Plans issued"] = out["Plans issued"].astype("Int64")
    return out


def metrics(ees: pd.DataFrame, groups: list[Group], measures: list[Measure], la_code: str, *,
            position: dict[str, object], year: int, funnel_label: str | None,
            funnel_label_wide: str | None) -> dict[str, dict[str, object]]:
    """The page's metrics-JSON records (docs/architecture.md "Metrics JSON"): each measure's latest LA value with
    England, region and neighbours' figures, plus the 20-week rank, rank interval, LAIT band and funnel position."""
    out: dict[str, dict[str, object]] = {}
    names = {g.kind: g.name for g in groups}
    la_name = names["la"]
    for m in measures:
        values = measure_values(ees, m)
        latest = latest_year(values, la_code)
        if latest is None:
            continue
        table = group_values(values, groups, m, years=[latest]).set_index("kind")
        before = group_values(values, groups[:1], m, years=[latest - 1]).set_index("kind")
        value = table.at["la", "value"]
        record: dict[str, object] = {
            "value": value, "unit": "%", "label": m.label.replace(" (%)", ""), "period": str(latest),
            "previous": before.at["la", "value"] if len(before) else None,
            "england": table.at["england", "value"], "region": table.at["region", "value"],
            "neighbours": table.at["neighbours", "value"] if "neighbours" in table.index else None,
            "benchmark": narrative.compare(value, table.at["england", "value"], "England", "%"),
        }
        if m.higher_is_better is not None:
            record["higher_is_better"] = m.higher_is_better
        if m.kind == "proportion" and m.message:
            # ranked against England and the neighbours for the front page's key messages (helpers.analysis.scorecard.gaps)
            record["compare"] = True
            record["message"] = m.message.format(value=narrative.fmt(value, "%"))
        out[f"{m.id}_pct"] = record
    if "timeliness_pct" in out and position["rank"] is not None:
        out["timeliness_pct"]["finding"] = narrative.sentence(
            f"{la_name} issued {narrative.fmt(position['value'], '%')} of plans within 20 weeks in {year}, "
            f"LAIT quartile band {position['band']} (rank {position['rank']} of {position['of']})")
        out["timeliness_rank"] = {
            "value": position["rank"], "unit": "count", "period": str(year), "higher_is_better": False,
            "label": "National rank for plans issued within 20 weeks (1 = best, as in LAIT)",
            "of": position["of"], "band": position["band"], "rank_interval": [position["rank_lower"],
                                                                               position["rank_upper"]],
            "finding": position_sentence(la_name, position, MEASURES["timeliness"], year),
        }
        nb = out["timeliness_pct"].get("neighbours")
        if nb is not None and not np.isnan(float(nb)):  # type: ignore[arg-type]
            out["timeliness_neighbours_pct"] = {
                "value": nb, "unit": "%", "period": str(year), "higher_is_better": True,
                "label": "Statistical neighbours' plans issued within 20 weeks (all their plans together)"}
    if funnel_label is not None and "timeliness_pct" in out:
        out["timeliness_funnel"] = {
            "value": out["timeliness_pct"]["value"], "unit": "%", "period": str(year), "higher_is_better": True,
            "label": "Plans issued within 20 weeks: position on the funnel plot against England",
            "funnel_position": funnel_label, "allowing_for_variation": funnel_label_wide,
            "special_cause": bool(funnel_label_wide and funnel_label_wide.endswith("(0.001)")),
            "finding": funnel_verdict(la_name, float(out["timeliness_pct"]["value"]),  # type: ignore[arg-type]
                                      float(out["timeliness_pct"]["england"]) / 100,  # type: ignore[arg-type]
                                      funnel_label, funnel_label_wide),
        }
    return out
