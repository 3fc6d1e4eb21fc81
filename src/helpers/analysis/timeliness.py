"""20-week timeliness of new Education, Health and Care (EHC) plans: the published series, rates and time bands.

The statutory duty (SEND Regulations 2014, reg. 13): a final EHC plan within 20 weeks of the request for an
assessment. DfE publishes the share of new plans issued within 20 weeks each calendar year, including and excluding
the cases where a reg. 10 exception applied; the excluding-exceptions figure is the headline. The local series
(monthly or quarterly) comes from the LA's own SEN2 data through :func:`helpers.analysis.cases.by_period`, which owns
the 20-week counting rule; this module never re-derives it.

Every percentage is a ratio of sums recomputed from counts (never a mean of percentages) and carries a Wilson 95%
interval (``statsmodels.stats.proportion.proportion_confint(method="wilson")``), as ``modelling_methods.md`` §3.3
recommends. The module gives the published series (:func:`annual_series`), the other published time limits
(decisions within 6 weeks, annual reviews within 4 weeks: :func:`annual_share`), the monthly rates
(:func:`period_rates`), the weeks-to-issue bands and the open caseload past 20 weeks. The monthly SPC chart and the
trend test live in :mod:`helpers.analysis.timeliness_trend`; the page's words in :mod:`helpers.pages.timeliness`.
Numbers only: no sentences here.
"""

from __future__ import annotations

import itertools
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import test_proportions_2indep

from helpers.analysis.cases import OPEN_STAGES
from helpers.analysis.intervals import wilson_interval
from helpers.areas import ENGLAND_CODE as ENGLAND
from helpers.errors import InputError

#: The bands DfE publishes for time from request to plan: within 20 weeks, over 20 up to 52 weeks, over 52 weeks.
BANDS: tuple[str, str, str] = ("Within 20 weeks", "20 to 52 weeks", "Over 52 weeks")
#: Weeks to issue above which a plan falls in DfE's "over 52 weeks" (over one year) band.
YEAR_WEEKS = 52

#: The all-stages row of :func:`overdue_backlog`.
ALL_OPEN = "All open cases"

_ANNUAL_COUNTS = [
    "plans_issued", "plans_issued_within_20_weeks", "plans_issued_20_to_52_weeks", "plans_issued_over_52_weeks",
    "plans_issued_ex", "plans_issued_within_20_weeks_ex", "plans_issued_20_to_52_weeks_ex",
    "plans_issued_over_52_weeks_ex",
]


def _suffix(exclude_exceptions: bool) -> str:
    return "_ex" if exclude_exceptions else ""


def wilson_pct(successes: np.ndarray | pd.Series, n: np.ndarray | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`helpers.analysis.intervals.wilson_interval` in per cent (0-100), as the timeliness tables show it."""
    low, high = wilson_interval(successes, n)
    return low * 100, high * 100


class Rate(NamedTuple):
    """A pooled proportion: ``successes`` of ``n``, as ``pct`` with its Wilson 95% interval."""

    successes: float
    n: float
    pct: float
    low: float
    high: float


def pooled_rate(frame: pd.DataFrame, numerator: str, denominator: str) -> Rate:
    """Σ numerator / Σ denominator over the rows of ``frame`` (e.g. the last 12 months), with a Wilson interval."""
    x, n = float(frame[numerator].sum()), float(frame[denominator].sum())
    low, high = wilson_pct(np.array([x]), np.array([n]))
    return Rate(x, n, x / n * 100 if n else np.nan, float(low[0]), float(high[0]))


_LEVEL_ORDER = {"la": 0, "region": 1, "england": 2}


def _areas(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """The LA's, its region's and England's rows of the DfE table, with a ``level`` column (la/region/england)."""
    levels = {"la": ("Local authority", la_code), "england": ("National", ENGLAND)}
    if region_code:
        levels["region"] = ("Regional", region_code)
    parts = []
    for level, (geography, code) in levels.items():
        rows = ees[(ees["geographic_level"] == geography) & (ees["area_code"] == code)]
        if rows.empty:
            raise InputError("ees", "area not found in the DfE release", field="area_code",
                             expected=f"a {geography.lower()} row", found=code)
        parts.append(rows.assign(level=level))
    out = pd.concat(parts, ignore_index=True)
    return out.assign(_order=out["level"].map(_LEVEL_ORDER)).sort_values(["year", "_order"]).drop(columns="_order")


def annual_series(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """The published annual 20-week series for the LA, its region and England, one row per (year, area).

    ``ees`` is the wide DfE table (``helpers.sources.ees.read_release``); ``la_code`` is the LA's 3-digit DfE
    code (its ``area_code``), stable across code changes. Years with no timeliness figures are dropped.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``level`` (``"la"``, ``"region"``, ``"england"``), ``area_code``, ``area_name``, the counts
        ``plans_issued[_ex]``, ``plans_issued_within_20_weeks[_ex]``, ``plans_issued_20_to_52_weeks[_ex]``,
        ``plans_issued_over_52_weeks[_ex]``, and ``pct_within_20_weeks[_ex]`` recomputed from the counts with
        Wilson 95% limits ``..._low`` / ``..._high``. ``_ex`` = excluding exception cases (the headline measure).
    """
    out = _areas(ees, la_code, region_code)[["year", "level", "area_code", "area_name", *_ANNUAL_COUNTS]]
    for ex in ("", "_ex"):
        x, n = out[f"plans_issued_within_20_weeks{ex}"], out[f"plans_issued{ex}"]
        out[f"pct_within_20_weeks{ex}"] = (x / n.where(n > 0)) * 100
        out[f"pct_within_20_weeks{ex}_low"], out[f"pct_within_20_weeks{ex}_high"] = wilson_pct(x, n)
    has_data = out[["pct_within_20_weeks", "pct_within_20_weeks_ex"]].notna().any(axis=1)
    return out[has_data].reset_index(drop=True)


def annual_share(ees: pd.DataFrame, la_code: str, region_code: str | None, within: str, over: str) -> pd.DataFrame:
    """A published "within the time limit" share for the LA, region and England: ``within / (within + over)``.

    For example decisions on requests within 6 weeks (``requests_decided_within_6_weeks``,
    ``requests_decided_over_6_weeks``) or annual-review decisions within 4 weeks of the meeting
    (``reviews_decision_within_4_weeks``, ``reviews_decision_over_4_weeks``). Returns ``year``, ``level``,
    ``area_name``, ``within``, ``total``, ``pct`` and its Wilson 95% limits ``pct_low`` / ``pct_high``; years with
    no figure are dropped.
    """
    rows = _areas(ees, la_code, region_code)
    out = pd.DataFrame({"year": rows["year"], "level": rows["level"], "area_name": rows["area_name"],
                        "within": rows[within], "total": rows[within] + rows[over]})
    out["pct"] = out["within"] / out["total"].where(out["total"] > 0) * 100
    out["pct_low"], out["pct_high"] = wilson_pct(out["within"], out["total"])
    return out[out["pct"].notna()].reset_index(drop=True)


class PeriodRate(NamedTuple):
    """A rate over the 12 months to ``end`` (the council's own data) or over the published calendar ``year``;
    ``rate`` None when there is no figure."""

    rate: Rate | None
    year: int | None = None
    end: pd.Timestamp | None = None


def decisions_within_6_weeks(periods: pd.DataFrame | None, period_end: pd.Timestamp, ees: pd.DataFrame,
                             la_code: str, region_code: str | None) -> PeriodRate:
    """The share of decisions on whether to assess made within 6 weeks of the request (SEND Regulations 2014,
    reg. 5), pooled over the 12 months to ``period_end`` from the council's own data (``periods`` from
    ``helpers.analysis.cases.by_period(cases, "M")``), or, without it (None), DfE's latest published year for the
    council.
    """
    if periods is not None:
        last_year = periods[periods["period"] <= pd.Timestamp(period_end)].tail(12)
        return PeriodRate(pooled_rate(last_year, "decisions_within_6_weeks", "decisions"),
                          end=pd.Timestamp(period_end))
    published = annual_share(ees, la_code, region_code, "requests_decided_within_6_weeks",
                             "requests_decided_over_6_weeks")
    latest = published[published["level"] == "la"].tail(1)
    if latest.empty:
        return PeriodRate(None)
    return PeriodRate(Rate(*latest[["within", "total", "pct", "pct_low", "pct_high"]].iloc[0]),
                      year=int(latest["year"].iloc[0]))


def change_direction(successes: tuple[float, float], n: tuple[float, float], level: float = 0.95) -> str:
    """``"improving"``, ``"deteriorating"`` or ``"no significant change"`` between two proportions (earlier, later).

    A two-sided score test for the difference of two independent proportions
    (``statsmodels.stats.proportion.test_proportions_2indep``, Newcombe-type, as ``modelling_methods.md`` §3.3
    suggests for a year-on-year change); higher is better.
    """
    if min(n) <= 0:
        return "no significant change"
    with np.errstate(divide="ignore", invalid="ignore"):  # its odds ratio (unused) is infinite at 0% or 100%
        result = test_proportions_2indep(successes[1], n[1], successes[0], n[0], method="score")
    if not result.pvalue < 1 - level:  # also when undefined (NaN): both 0% or both 100%
        return "no significant change"
    return "improving" if successes[1] / n[1] > successes[0] / n[0] else "deteriorating"


def period_rates(periods: pd.DataFrame, *, exclude_exceptions: bool = True, freq: Literal["M", "Q"] = "M",
                 period_end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The monthly or quarterly share of plans issued within 20 weeks, from ``helpers.analysis.cases.by_period``.

    ``period_end`` drops a last period that had not finished by then (a part month would understate the count and
    mislead an SPC chart). Periods with no plans issued have no percentage (NaN).

    Returns
    -------
    pandas.DataFrame
        ``period`` (period start), ``plans`` (plans issued), ``within_20_weeks``, ``pct`` (0–100) and Wilson 95%
        limits ``pct_low`` / ``pct_high``.
    """
    ex = _suffix(exclude_exceptions)
    out = pd.DataFrame({
        "period": pd.to_datetime(periods["period"]),
        "plans": periods[f"plans_issued{ex}"].astype(float),
        "within_20_weeks": periods[f"plans_issued_within_20_weeks{ex}"].astype(float),
    })
    if period_end is not None:
        ends = out["period"].dt.to_period(freq).dt.end_time.dt.normalize()
        out = out[ends <= pd.Timestamp(period_end)]
    out["pct"] = out["within_20_weeks"] / out["plans"].where(out["plans"] > 0) * 100
    out["pct_low"], out["pct_high"] = wilson_pct(out["within_20_weeks"], out["plans"])
    return out.sort_values("period").reset_index(drop=True)


def latest_la_year(annual: pd.DataFrame) -> int:
    """The latest year with a published 20-week figure for the council in :func:`annual_series`."""
    return int(annual.loc[(annual["level"] == "la") & annual["pct_within_20_weeks_ex"].notna(), "year"].max())


def reviews_within_4_weeks(ees: pd.DataFrame, la_code: str, region_code: str | None) -> pd.DataFrame:
    """DfE's published share of annual-review decisions sent within 4 weeks of the review meeting (SEND
    Regulations 2014, reg. 20) for the council, its region and England (:func:`annual_share`)."""
    return annual_share(ees, la_code, region_code, "reviews_decision_within_4_weeks", "reviews_decision_over_4_weeks")


def latest_review(reviews: pd.DataFrame) -> tuple[pd.Series, float | None] | None:
    """The council's latest row of :func:`reviews_within_4_weeks` and England's rate that year (None if absent)."""
    la = reviews[reviews["level"] == "la"]
    if la.empty:
        return None
    latest = la.iloc[-1]
    england = reviews[(reviews["level"] == "england") & (reviews["year"] == latest["year"])]["pct"]
    return latest, (england.iloc[0] if len(england) else None)


# --- weeks to issue and the open caseload past 20 weeks ----------------------------------------------------

def _band_frame(counts: list[int] | list[float], total: float) -> pd.DataFrame:
    pct = [c / total * 100 if total else np.nan for c in counts]
    return pd.DataFrame({"band": list(BANDS), "plans": counts, "pct": pct})


def issue_time_bands(cases: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *,
                     exclude_exceptions: bool = True) -> pd.DataFrame:
    """Plans issued from ``start`` to ``end`` (inclusive) by time from request, in DfE's three bands.

    Uses the cases table's ``within_20_weeks`` (the 20-week rule belongs to ``helpers.analysis.cases``) for the
    first band and ``weeks_to_issue`` > 52 for "over 52 weeks", as DfE's ``plans_issued_gt_1_year`` column.
    Returns ``band``, ``plans`` (count; child-level) and ``pct`` of the plans issued.
    """
    issued = cases[cases["plan_issue_date"].between(pd.Timestamp(start), pd.Timestamp(end))
                   & cases["within_20_weeks"].notna()]
    if exclude_exceptions:
        issued = issued[~issued["exception"].eq(True)]
    within = issued["within_20_weeks"].eq(True)
    over_year = ~within & (issued["weeks_to_issue"] > YEAR_WEEKS)
    counts = [int(within.sum()), int((~within & ~over_year).sum()), int(over_year.sum())]
    return _band_frame(counts, float(len(issued)))


def published_issue_time_bands(annual: pd.DataFrame, *, exclude_exceptions: bool = True) -> pd.DataFrame:
    """The published bands for each row of :func:`annual_series`: ``year``, ``level``, ``area_name``, ``band``,
    ``plans``, ``pct`` (of all plans issued that year, including or excluding exception cases)."""
    ex = _suffix(exclude_exceptions)
    parts = []
    for row in annual.itertuples(index=False):
        counts = [float(getattr(row, f"plans_issued_within_20_weeks{ex}")),
                  float(getattr(row, f"plans_issued_20_to_52_weeks{ex}")),
                  float(getattr(row, f"plans_issued_over_52_weeks{ex}"))]
        frame = _band_frame(counts, float(getattr(row, f"plans_issued{ex}")))
        parts.append(frame.assign(year=row.year, level=row.level, area_name=row.area_name))
    out = pd.concat(parts, ignore_index=True)
    return out[["year", "level", "area_name", "band", "plans", "pct"]]


def safe_percentages(counts: list[int] | list[float], hide_below: int) -> list[float | None]:
    """Percentages of the total for a table whose counts from 1 to ``hide_below`` − 1 are hidden, at the finest
    precision that gives nothing away.

    Shown beside shown counts, a percentage gives back the total (count / percentage), and so any hidden count
    (total minus the others). So for each precision, one decimal place then whole numbers, every value the hidden
    counts could take (1 to ``hide_below`` − 1 each) is tried: if the shown bands' rounded percentages are the same
    for all of them, they reveal nothing and are shown at that precision; the hidden bands' own percentages are not
    shown (None). If no precision is safe, every percentage is withheld (all None). With nothing hidden, all
    percentages to one decimal place.
    """
    values = [float(c) for c in counts]
    small = [i for i, c in enumerate(values) if 0 < c < hide_below]
    total = sum(values)
    if not total:
        return [None] * len(values)
    if not small:
        return [round(c / total * 100, 1) for c in values]
    shown = [i for i in range(len(values)) if i not in small]
    for decimals in (1, 0):
        seen = set()
        for hidden in itertools.product(range(1, hide_below), repeat=len(small)):
            trial = list(values)
            for i, h in zip(small, hidden, strict=True):
                trial[i] = float(h)
            whole = sum(trial)
            seen.add(tuple(round(trial[i] / whole * 100, decimals) for i in shown))
            if len(seen) > 1:
                break
        if len(seen) == 1:
            return [round(values[i] / total * 100, decimals) if i in shown else None for i in range(len(values))]
    return [None] * len(values)


def local_issue_time_bands(cases: pd.DataFrame, period_end: pd.Timestamp, hide_below: int) -> pd.DataFrame:
    """Plans issued in the 12 months to ``period_end`` by time taken (:func:`issue_time_bands`), with percentages
    that cannot give back a hidden count (:func:`safe_percentages`, nullable ``pct``).

    Where a band has 1 to ``hide_below`` − 1 plans (public builds pass the disclosure threshold, others 1), the other
    bands' percentages are kept only at a precision that cannot give back the hidden count, and that band's own
    percentage is withheld.
    """
    bands = issue_time_bands(cases, *year_to(period_end))
    bands["pct"] = pd.array(safe_percentages(bands["plans"].tolist(), hide_below), dtype="Float64")
    return bands


def overdue_backlog(cases: pd.DataFrame, *, min_cases: int = 1) -> pd.DataFrame:
    """Open cases past the 20-week deadline at the period end, by stage, with an all-stages row last.

    A case counts when it is ``open`` and its ``weeks_overdue`` (weeks past 20, from ``helpers.analysis.cases``) is
    above zero. Percentiles use numpy's default linear interpolation. The weeks statistics of a row with fewer than
    ``min_cases`` cases are withheld (NaN): for one or two children they would describe individuals (public
    builds pass the disclosure threshold).

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``open_past_20_weeks`` (count; child-level), ``median_weeks_overdue``, ``p90_weeks_overdue``,
        ``oldest_weeks_overdue`` (NaN where a stage has no such case, or too few).
    """
    late = cases[cases["open"].eq(True) & (cases["weeks_overdue"] > 0)]
    stages = [*OPEN_STAGES, *sorted(set(late["stage"]) - set(OPEN_STAGES))]
    rows = []
    for stage, group in [*((s, late[late["stage"] == s]) for s in stages), (ALL_OPEN, late)]:
        weeks = group["weeks_overdue"].to_numpy(dtype=float)
        shown = len(weeks) >= max(1, min_cases)
        rows.append({
            "stage": stage,
            "open_past_20_weeks": len(weeks),
            "median_weeks_overdue": float(np.median(weeks)) if shown else np.nan,
            "p90_weeks_overdue": float(np.percentile(weeks, 90)) if shown else np.nan,
            "oldest_weeks_overdue": float(weeks.max()) if shown else np.nan,
        })
    return pd.DataFrame(rows)


def year_to(period_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the 12 months ending on ``period_end`` (both inclusive)."""
    end = pd.Timestamp(period_end)
    return end - pd.DateOffset(months=12) + pd.Timedelta(days=1), end
