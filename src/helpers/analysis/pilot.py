"""Did an early-support pilot reduce requests for EHC needs assessment? Difference in differences by school.

The outcome is each school's requests in a month per 1,000 pupils on roll, written as a yearly rate (× 12) so it
reads like the published figures. The estimate compares the change in pilot schools, from before their start to
after it, with the change in the other schools over the same months: a two-way fixed-effects regression

    rate[school, month] = school effect + month effect + effect × (pilot school from its start month) + error,

fitted by ordinary least squares (statsmodels) with standard errors clustered by school, because a school's
months are not independent of each other. Each school-month counts equally. With one start date and every school
present every month this is exactly (pilot after − pilot before) − (others after − others before) of the average
school's rate (:func:`group_rates`), which the page shows beside it. The pre-trend check fits the same model to
the months before the start with a separate straight-line trend for pilot schools: a clear difference in slope
means the two groups were already drifting apart, and the estimate would carry that drift.

Numbers only: the page's wording is in :mod:`helpers.pages.pilot`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

#: Months in a year: a monthly rate × 12 is a yearly rate.
MONTHS_PER_YEAR = 12
#: Pupils the rate is expressed per.
PER_PUPILS = 1000
#: The two-sided confidence level of every interval.
CONFIDENCE = 0.95
#: Keys of the two groups of schools and the two periods (the page names them).
PILOT, OTHER = "pilot", "other"
BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class Estimate:
    """A regression coefficient with its 95% interval and two-sided p-value (cluster-robust by school)."""

    value: float
    lower_95: float
    upper_95: float
    p_value: float


@dataclass(frozen=True)
class PilotResult:
    """What the page shows: the panel, the before/after table, the estimate and the pre-trend check.

    ``effect`` is the change in the yearly rate per 1,000 pupils the pilot is estimated to have made (negative =
    fewer requests); ``relative_pct`` the same as a share of what pilot schools' rate would have been without it
    (after − effect); ``pre_trend`` the pilot schools' extra change per year before the start; ``common_start``
    False when schools started in different months; ``first_start`` the first start month.
    """

    panel: pd.DataFrame
    groups: pd.DataFrame
    by_term: pd.DataFrame
    effect: Estimate
    relative_pct: float
    pre_trend: Estimate
    common_start: bool
    first_start: pd.Timestamp
    pilot_schools: int
    other_schools: int


def panel(schools: pd.DataFrame, requests: pd.DataFrame) -> pd.DataFrame:
    """One row per school and month: the requests rows with ``pilot`` (0/1), ``start`` (the school's start month,
    or the first pilot start for other schools), ``after`` (month ≥ start), ``treated`` (pilot and after),
    ``rate`` (requests a year per 1,000 pupils), ``months`` (months from the first start) and ``group``/``period``
    labels."""
    starts = schools.assign(start=schools["start_date"].dt.to_period("M").dt.to_timestamp()).set_index("urn")["start"]
    first = starts.min()
    out = requests.copy()
    out["pilot"] = out["urn"].isin(starts.index).astype(int)
    out["start"] = out["urn"].map(starts).fillna(first).astype("datetime64[us]")
    out["after"] = (out["month"] >= out["start"]).astype(int)
    out["treated"] = out["pilot"] * out["after"]
    out["rate"] = out["requests"] / out["pupils"] * PER_PUPILS * MONTHS_PER_YEAR
    out["months"] = ((out["month"].dt.year - first.year) * 12 + out["month"].dt.month - first.month).astype(int)
    out["group"] = np.where(out["pilot"] == 1, PILOT, OTHER)
    out["period"] = np.where(out["after"] == 1, AFTER, BEFORE)
    return out


def group_rates(data: pd.DataFrame) -> pd.DataFrame:
    """Per group and period: ``schools``, ``months``, ``requests`` (total), ``pupils`` (average on roll, summed over
    schools), ``rate`` (the average school-month rate, as the regression weighs them) and ``pooled_rate`` (all
    requests ÷ all pupil-months, yearly per 1,000)."""
    g = data.groupby(["group", "period"], sort=False)
    out = pd.DataFrame({
        "schools": g["urn"].nunique(), "months": g["month"].nunique(), "requests": g["requests"].sum(),
        "pupils": g["pupils"].sum() / g["month"].nunique(), "rate": g["rate"].mean(),
        "pooled_rate": g["requests"].sum() / g["pupils"].sum() * PER_PUPILS * MONTHS_PER_YEAR,
    }).reset_index()
    key = out["group"].map({PILOT: 0, OTHER: 2}) + out["period"].map({BEFORE: 0, AFTER: 1})
    return out.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def terms(data: pd.DataFrame) -> pd.DataFrame:
    """Average school rate per group and school term (``term`` = its first day: September for autumn, January
    for spring, May for summer), with requests; terms the data do not cover in full are left out."""
    month = data["month"].dt.month
    first = np.select([month >= 9, month >= 5], [9, 5], 1)
    start = pd.to_datetime(pd.DataFrame({"year": data["month"].dt.year, "month": first, "day": 1}))
    t = data.assign(term=start)
    g = t.groupby(["term", "group"])
    out = pd.DataFrame({"months": g["month"].nunique(), "requests": g["requests"].sum(),
                        "rate": g["rate"].mean()}).reset_index()
    return out[out["months"] == 4].drop(columns="months").reset_index(drop=True)


def _fit(formula: str, data: pd.DataFrame, term: str) -> Estimate:
    """OLS of ``formula`` with errors clustered by school; the estimate of ``term``."""
    groups = pd.factorize(data["urn"])[0]
    fit = smf.ols(formula, data=data).fit(cov_type="cluster", cov_kwds={"groups": groups})
    low, high = fit.conf_int(alpha=1 - CONFIDENCE).loc[term]
    return Estimate(float(fit.params[term]), float(low), float(high), float(fit.pvalues[term]))


def difference_in_differences(data: pd.DataFrame) -> Estimate:
    """The pilot's effect on the yearly rate per 1,000 pupils: the two-way fixed-effects model of the module
    docstring, clustered by school."""
    return _fit("rate ~ treated + C(urn) + C(month)", data, "treated")


def pre_trend(data: pd.DataFrame) -> Estimate:
    """Pilot schools' extra change in the rate per year before the first start (0 = parallel trends)."""
    before = data[data["month"] < data.loc[data["pilot"] == 1, "start"].min()].assign(
        years=lambda d: d["months"] / MONTHS_PER_YEAR)
    return _fit("rate ~ pilot:years + C(urn) + C(month)", before, "pilot:years")


def evaluate(schools: pd.DataFrame, requests: pd.DataFrame) -> PilotResult:
    """The whole evaluation from the two validated templates (:func:`helpers.sources.pilot.read`)."""
    data = panel(schools, requests)
    groups = group_rates(data)
    effect = difference_in_differences(data)
    pilot_after = float(groups.loc[(groups["group"] == PILOT) & (groups["period"] == AFTER), "rate"].iloc[0])
    without = pilot_after - effect.value
    starts = schools["start_date"].dt.to_period("M")
    return PilotResult(
        panel=data, groups=groups, by_term=terms(data), effect=effect,
        relative_pct=100 * effect.value / without if without > 0 else float("nan"), pre_trend=pre_trend(data),
        common_start=starts.nunique() == 1, first_start=starts.min().to_timestamp(),
        pilot_schools=int(data.loc[data["pilot"] == 1, "urn"].nunique()),
        other_schools=int(data.loc[data["pilot"] == 0, "urn"].nunique()))
