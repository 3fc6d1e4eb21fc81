"""Words and bundles of the timeliness page's monthly SPC chart and its target date (``02_timeliness``).

The numbers come from :mod:`helpers.analysis.timeliness_trend` (the monthly XmR chart, the trend test, the months
to the target); this module says them in plain English, bundles the chart with its title, alt text and data, and
makes the metrics records. The notebook reaches these through :mod:`helpers.pages.timeliness`.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.analysis import spc
from helpers.analysis.timeliness_trend import (
    TRIAL_LIMIT_MONTHS,
    MonthlySpc,
    TargetForecast,
    TrendBasis,
    TrendVerdict,
)
from helpers.metrics import Metric, Trend
from helpers.pages import timeliness_charts as figures
from helpers.present import narrative
from helpers.present.chart import Chart

#: Plain-English meaning of each variation icon (the point type of the latest point).
VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation: no significant change",
    "special_cause_improvement": "Special cause variation: improving",
    "special_cause_concern": "Special cause variation: a concern",
    "special_cause_neutral_high": "Special cause variation: unusually high",
    "special_cause_neutral_low": "Special cause variation: unusually low",
}

#: Plain-English name of each assurance icon (where the target sits against the process limits).
ASSURANCE_LABELS: dict[str, str] = {
    "consistent_pass": "Target consistently met",
    "consistent_fail": "Target consistently missed",
    "inconsistent": "Hit and miss",
}

#: What each assurance icon means, in a sentence.
ASSURANCE_MEANING: dict[str, str] = {
    "consistent_pass": "The target lies outside the process limits on the good side: as things stand it will be "
                       "met every period.",
    "consistent_fail": "The target lies outside the process limits on the wrong side: it will not be met unless "
                       "something changes.",
    "inconsistent": "The target lies between the process limits: as things stand it will be met in some periods "
                    "and missed in others.",
}

#: What the monthly chart is, said only when the chart is drawn.
SPC_EXPLANATION = (
    "This chart uses statistical process control (SPC), the method NHS England's \"Making Data Count\" programme "
    "uses in board reports. The dashed line is the average. The dotted lines are the process limits: the range in "
    "which months vary by chance alone. A month is marked as \"special cause\" (something has changed) when it falls "
    "outside the limits, when 7 months in a row rise or fall, when 7 months in a row sit on the same side of the "
    "average, or when 2 of 3 months in a row are close to a limit. Special-cause months are drawn as large "
    "triangles: pointing up for an improvement, down for a concern.")

#: The whole monthly section when the council's case data are missing: what it would show and how to add it.
NO_SEN2_MONTHLY = (
    "With the council's own case data (its SEN2 extract) this section would show the share of plans issued within "
    "20 weeks month by month on a statistical process control (SPC) chart, to tell a real change from normal ups "
    "and downs; DfE publishes the figure only once a year, so add the extract to the pack config (inputs: sen2) to "
    "see it.")

#: The monthly section when the case data have too few months for a chart.
TOO_FEW_MONTHS = "The council's case data have fewer than 3 months with plans issued: too few for a monthly chart."


def monthly_gap(has_cases: bool, monthly: MonthlySpc | None) -> str | None:
    """Why there is no monthly chart (no case data, or too few months), or None when there is one."""
    if not has_cases:
        return NO_SEN2_MONTHLY
    return TOO_FEW_MONTHS if monthly is None else None


# --- the monthly SPC chart ---------------------------------------------------------------------------------

#: Chart headline for each variation icon of the latest month (higher is better).
_SPC_TITLES = {
    "special_cause_improvement": "a real improvement (special cause variation)",
    "special_cause_concern": "a real deterioration (special cause variation)",
    "common_cause": "no significant change (common cause variation)",
}
#: How earlier special-cause months read in the chart headline.
_SPC_SIGNALS = {"special_cause_improvement": "an improvement", "special_cause_concern": "a concern"}


def month(period: object) -> str:
    """A month as ``"Sep 2025"``."""
    return str(pd.Timestamp(period).strftime("%b %Y"))


def spc_title(chart: pd.DataFrame) -> str:
    """Headline for the monthly SPC chart of the 20-week rate (higher is better): the latest month, then any
    earlier special-cause months.

    ``chart`` is :func:`helpers.analysis.spc.xmr` output. The Making Data Count variation icon reads only the
    latest point (:func:`helpers.analysis.spc.variation`), so a headline built from it alone could say "no
    significant change" above a chart showing special-cause triangles. The sentence gives the latest month's
    reading, then for each kind of special cause among the earlier months (an improvement, a concern) how many
    months and between which, the earlier kind first.
    """
    variation = spc.variation(chart)
    text = (f"In the latest month ({month(chart['period'].iloc[-1])}) the share of plans issued within 20 weeks "
            f"shows {_SPC_TITLES[variation]}")
    earlier = chart.iloc[:-1]
    flagged = earlier[earlier["special_cause"]]
    if flagged.empty:
        return text + (", and no earlier month shows special cause variation" if len(earlier) else "")
    parts = []  # (first month, words), told in time order
    for kind, words in _SPC_SIGNALS.items():
        months = flagged.loc[flagged["point_type"] == kind, "period"]
        if len(months):
            first, last = month(months.iloc[0]), month(months.iloc[-1])
            span = f"in {first}" if len(months) == 1 else f"in {len(months)} months between {first} and {last}"
            parts.append((months.iloc[0], f"{words} {span}"))
    link = ", but earlier months show" if variation == "common_cause" else "; earlier months also show"
    return f"{text}{link} special cause variation: {' and '.join(words for _, words in sorted(parts))}"


def spc_alt(chart: pd.DataFrame, target: float | None) -> str:
    """Alt text for the monthly SPC chart: the series in words, the average and limits, the signals, the target."""
    last = chart.iloc[-1]
    flagged = int(chart["special_cause"].sum())
    return (narrative.describe_series(chart.set_index("period")["value"], unit="%",
                                      label="the monthly percentage of new EHC plans issued within 20 weeks "
                                            "(excluding exceptions)")
            + f" The average is {narrative.fmt(last['mean'], '%')}, with process limits at "
            + f"{narrative.fmt(max(last['lpl'], 0), '%')} and {narrative.fmt(min(last['upl'], 100), '%')}. "
            + f"{narrative.plural(flagged, 'month')} {'is' if flagged == 1 else 'are'} marked as special cause."
            + (f" The target line is at {narrative.fmt(target, '%')}." if target is not None else ""))


def spc_table(monthly: MonthlySpc, annual: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data behind the monthly SPC chart, one row per month, with the counts and the rule that fired.

    ``attrs`` say what each count is (:mod:`helpers.analysis.disclosure_linked`), and with ``annual``
    (:func:`~helpers.analysis.timeliness.annual_series`) which published DfE years the months add up to."""
    chart, rates = monthly.chart, monthly.rates
    table = pd.DataFrame({
        "Month": chart["period"].dt.strftime("%b %Y"), "Plans issued": rates["plans"],
        "Within 20 weeks": rates["within_20_weeks"], "% within 20 weeks": chart["value"],
        "Average %": chart["mean"], "Lower limit %": chart["lpl"], "Upper limit %": chart["upl"],
        "Signal": chart["special_cause_type"]})
    months = list(table["Month"])
    # what each count is (helpers.analysis.disclosure_linked): the same plans as the 12-month bands table
    table.attrs = {
        "cells": {"Plans issued": [plans_key(m, "all") for m in months],
                  "Within 20 weeks": [plans_key(m, "within 20 weeks") for m in months]},
        "sums": [(plans_key(m, "all"), [plans_key(m, "within 20 weeks"), plans_key(m, "over 20 weeks")])
                 for m in months]}
    if chart["mean"].nunique() == 1 and math.isclose(chart["mean"].iloc[0], chart["value"].mean()):
        # the average is the mean of the monthly percentages: with the shown ones it gives back the hidden ones'
        table.attrs["means"] = {"Average %": [(plans_key(m, "within 20 weeks"), plans_key(m, "all"))
                                              for m in months]}
    if annual is not None:
        table.attrs["known"], years = _published_years(monthly, annual)
        table.attrs["sums"] += years
    return table


def _published_years(monthly: MonthlySpc, annual: pd.DataFrame) -> tuple[dict[str, float],
                                                                          list[tuple[str, list[str]]]]:
    """DfE's published plans for each calendar year the chart covers whole, where the months add up to them:
    the year's count is then the sum of the months' (months left out of the chart had no plans)."""
    periods = pd.to_datetime(monthly.chart["period"]).reset_index(drop=True)
    rates = monthly.rates.reset_index(drop=True)
    known: dict[str, float] = {}
    sums: list[tuple[str, list[str]]] = []
    la = annual[annual["level"] == "la"]
    for row in la.itertuples(index=False):
        year = int(row.year)
        inside = (periods.dt.year == year).to_numpy()
        if periods.min() > pd.Timestamp(year, 1, 1) or periods.max() < pd.Timestamp(year, 12, 1):
            continue
        names = [f"{p:%b %Y}" for p in periods[inside]]
        for part, column, field in (("all", "plans", "plans_issued_ex"),
                                    ("within 20 weeks", "within_20_weeks", "plans_issued_within_20_weeks_ex")):
            value = getattr(row, field)
            if pd.isna(value) or float(rates.loc[inside, column].sum()) != float(value):
                continue
            known[plans_key(str(year), part)] = float(value)
            sums.append((plans_key(str(year), part), [plans_key(m, part) for m in names]))
    return known, sums


#: What the monthly and 12-month plan counts count (the population part of a disclosure key).
PLANS_ISSUED = "new EHC plans issued, excluding exceptions"


def plans_key(period: str, part: str) -> str:
    """The disclosure key of a count of :data:`PLANS_ISSUED` in ``period`` (``"Oct 2024"``, or ``"12 months to
    Sep 2025"``) and band ``part`` (``"all"``, ``"within 20 weeks"``, ...)."""
    return f"{PLANS_ISSUED}|{period}|{part}"


def hidden_months(monthly: MonthlySpc, hide_below: int) -> pd.Series:
    """True for each month of the chart whose plan counts are suppressed (1 to ``hide_below`` − 1 plans, or
    within 20 weeks): its percentage would give them back, so it is not shown in the table, the alt text, the
    sentences or the metrics (:mod:`helpers.analysis.disclosure_linked`)."""
    rates = monthly.rates.reset_index(drop=True)
    small = [(rates[c] > 0) & (rates[c] < hide_below) for c in ("plans", "within_20_weeks")]
    return pd.Series((small[0] | small[1]).to_numpy(), index=monthly.chart.index)


def _masked(chart: pd.DataFrame, hidden: pd.Series | None) -> pd.DataFrame:
    """The chart with the percentages of ``hidden`` months blanked (the average and limits stay)."""
    if hidden is None or not hidden.any():
        return chart
    return chart.assign(value=chart["value"].mask(hidden.to_numpy()))


def spc_findings(chart: pd.DataFrame, variation: str, assurance: str | None, target: float | None, *,
                 hidden: pd.Series | None = None) -> list[str]:
    """Plain-English findings for an XmR chart of the monthly percentage (latest point, variation, assurance);
    the latest month's percentage is not given where its counts are suppressed (``hidden``, from
    :func:`hidden_months`)."""
    last = chart.iloc[-1]
    when = month(last["period"])
    flagged = int(chart["special_cause"].sum())
    signal = f" ({last['special_cause_type'].lower()})" if variation != "common_cause" else ""
    latest = (f"In {when}, so few plans were issued that the month's percentage is not shown."
              if hidden is not None and bool(hidden.iloc[-1]) else
              f"In {when}, {narrative.fmt(last['value'], '%')} of plans were issued within 20 weeks.")
    out = [
        (f"{latest} The average over "
         f"the {len(chart)} months shown is {narrative.fmt(last['mean'], '%')}; months between "
         f"{narrative.fmt(max(last['lpl'], 0), '%')} and {narrative.fmt(min(last['upl'], 100), '%')} are within "
         "normal variation (the process limits)."),
        (f"Latest month: {VARIATION_LABELS[variation].lower()}{signal}. "
         f"{narrative.plural(flagged, 'month')} of {len(chart)} {'shows' if flagged == 1 else 'show'} special cause "
         "variation."),
    ]
    if assurance is not None and target is not None:
        out.append(f"Against the {narrative.fmt(target, '%')} target: {ASSURANCE_LABELS[assurance].lower()}. "
                   f"{ASSURANCE_MEANING[assurance]}")
    return out


def spc_notes(monthly: MonthlySpc) -> list[str]:
    """Caveats under the SPC chart: trial limits (fewer than 12 months) and months left out for having no plans."""
    notes = []
    shown = len(monthly.chart)
    if shown < TRIAL_LIMIT_MONTHS:
        notes.append(f"With only {shown} months the limits are trial limits: treat the signals with caution.")
    if monthly.months_without_plans:
        left_out = monthly.months_without_plans
        notes.append(f"{narrative.plural(left_out, 'month')} with no plans issued "
                     f"{'is' if left_out == 1 else 'are'} left out of the chart.")
    return notes


def spc_chart(monthly: MonthlySpc, target: float | None, hide_below: int = 1,
              annual: pd.DataFrame | None = None) -> Chart:
    """The monthly SPC chart bundle: figure, headline, alt text and its data (the monthly counts are child-level).

    A month whose counts are suppressed (:func:`hidden_months`) is not drawn and not described: its percentage
    would give its counts back. The average and limits are those of every month. ``annual`` (the published DfE
    series) links whole calendar years of months to DfE's published counts (:func:`spc_table`)."""
    shown = _masked(monthly.chart, hidden_months(monthly, hide_below))
    return Chart(figures.spc_chart(shown, target), spc_title(monthly.chart), spc_alt(shown, target),
                 spc_table(monthly, annual), name="spc-monthly-20-weeks",
                 child_level_counts=("Plans issued", "Within 20 weeks"),
                 derived={"% within 20 weeks": ("Within 20 weeks", "Plans issued")})


def monthly_metrics(monthly: MonthlySpc | None, target: float | None, hide_below: int = 1) -> dict[str, Metric]:
    """Metrics from the monthly SPC chart (none without one): the latest month's rate with the SPC trend, and the
    variation and assurance icons with their plain-English meaning; a month's rate is withheld where its counts
    are suppressed (:func:`hidden_months`)."""
    if monthly is None:
        return {}
    hidden = hidden_months(monthly, hide_below)
    chart, variation, assurance = _masked(monthly.chart, hidden), monthly.variation, monthly.assurance
    last_month = month(chart["period"].iloc[-1])
    trend: dict[str, Trend] = {"special_cause_improvement": "improving", "special_cause_concern": "deteriorating"}
    return {
        "monthly_pct_within_20_weeks": Metric(
            value=chart["value"].iloc[-1], unit="%", period=last_month, higher_is_better=True,
            previous=chart["value"].iloc[-2] if len(chart) > 1 else None,
            label="New EHC plans issued within 20 weeks in the latest month (excluding exceptions)",
            trend=trend.get(variation, "no significant change"),
            finding=spc_findings(chart, variation, assurance, target, hidden=hidden)[0]),
        "spc_variation": Metric(
            value=None, unit=None, period=last_month, extras={"code": variation},
            label="SPC variation in the monthly 20-week rate", finding=VARIATION_LABELS[variation]),
        "spc_assurance": Metric(
            value=None, unit=None, period=last_month, extras={"code": assurance},
            label="SPC assurance against the 20-week target",
            finding=ASSURANCE_LABELS[assurance] if assurance else "No target set"),
    }


# --- the trend and the target date -------------------------------------------------------------------------

#: What the target section says when the pack sets no target.
NO_TARGET = ("No target for 20-week timeliness is set in the pack config (targets: timeliness_20_weeks_pct), so "
             "there is no date to work out.")


def basis_description(basis: TrendBasis) -> str:
    """What the trend points are, in words: ``"the DfE figures for 2020 to 2024"`` or ``"the last 12 months of
    the council's own data"``."""
    if basis.published:
        return f"the DfE figures for {basis.first_period.year} to {basis.last_period.year}"
    return f"the last {len(basis.plans)} months of the council's own data"


def latest_label(basis: TrendBasis) -> str:
    """The last point in words: a year for published figures, a month for the council's own."""
    return str(basis.last_period.year) if basis.published else month(basis.last_period)


def verdict_phrase(verdict: TrendVerdict, description: str) -> str:
    """``"no significant change (trend test on the DfE figures for 2020 to 2024)"``; ``description`` is
    :func:`basis_description` of the points tested."""
    if not verdict.tested:
        return f"not tested: only {verdict.points} points ({description}), too few for a trend"
    return f"{verdict.word} (trend test on {description})"


def target_sentence(forecast: TargetForecast | None, basis: TrendBasis | None,
                    verdict: TrendVerdict | None = None, latest: float | None = None,
                    description: str | None = None) -> str:
    """When the target would be reached at the current trend, with its interval, or why no date can be given.

    ``basis`` (:func:`~helpers.analysis.timeliness_trend.trend_basis`) says what the trend was fitted to, in words
    ``description`` (default :func:`basis_description`); ``verdict``
    (:func:`~helpers.analysis.timeliness_trend.trend_verdict`) is the trend test the scorecard also shows, and
    ``latest`` the latest actual figure (%; default: the basis's last point). The fitted line's value is never
    given as the council's position: the sentence quotes the actual latest figure, and whether the target is met
    is judged on it.
    """
    if forecast is None or basis is None:
        return "There are fewer than three periods of figures, too few to fit a trend."
    target = narrative.fmt(forecast.target_pct, "%")
    if latest is None:
        latest = basis.latest_pct
    if latest >= forecast.target_pct:
        return (f"The latest figure ({latest_label(basis)}), {narrative.fmt(latest, '%')}, already meets the "
                f"{target} target.")
    now = f"The latest figure ({latest_label(basis)}) is {narrative.fmt(latest, '%')}. "
    about = basis_description(basis) if description is None else description
    if verdict is not None and not verdict.tested:
        return (f"{now}There are only {verdict.points} points ({about}): too few to fit a reliable "
                f"trend, so the page does not say when the {target} target would be reached.")
    return now + _trend_reading(forecast, basis, verdict.word if verdict is not None else None, target, about)


def _trend_reading(forecast: TargetForecast, basis: TrendBasis, word: str | None, target: str, about: str) -> str:
    """The part of :func:`target_sentence` after the latest figure: the date at the trend, or why there is none."""
    if forecast.status == "on trend" and word in (None, "improving"):
        when = (pd.Timestamp(basis.last_period) + pd.DateOffset(months=round(forecast.months))).strftime("%B %Y")
        high = ("more than 10 years" if forecast.months_high > 120
                else narrative.fmt(forecast.months_high, "months"))
        return (f"On {about} the share is rising clearly (trend: improving). If that trend "
                f"continued, the {target} target would be reached in about "
                f"{narrative.fmt(forecast.months, 'months')} (around {when}; 95% interval "
                f"{narrative.fmt(forecast.months_low, 'months')} to {high}).")
    if forecast.status == "met" and word in (None, "improving"):
        return (f"On {about} the share is rising and the trend line has reached the {target} "
                "target, but the latest figure is still below it, so the target is not met yet.")
    if word == "deteriorating":
        return (f"The {target} target is not on the current trend: on {about} the share is falling "
                "(trend: deteriorating), so it is moving away from the target.")
    shown = f" (trend: {word})" if word else ""
    text = (f"The {target} target is not on the current trend: on {about} the share is not "
            f"rising clearly enough{shown} to say when the target would be reached.")
    if word == "no significant change" and basis.published:
        pcts = [narrative.fmt(x / n * 100, "%") for x, n in zip(basis.successes, basis.plans, strict=True) if n > 0]
        text += (f" The {len(pcts)} yearly figures were {', '.join(pcts[:-1])} and {pcts[-1]}: a change from one "
                 "year to the next is not on its own a trend.")
    return text


def target_metrics(forecast: TargetForecast | None, basis: TrendBasis | None,
                   verdict: TrendVerdict | None = None, latest: float | None = None) -> dict[str, Metric]:
    """The ``months_to_target`` metric; none when there is no forecast, the target is already met, or there are
    too few points to test a trend."""
    if forecast is None or basis is None or forecast.status == "met" or (verdict is not None and not verdict.tested):
        return {}
    dated = forecast.status == "on trend" and (verdict is None or verdict.word == "improving")
    return {"months_to_target": Metric(
        value=forecast.months if dated else None, unit="months", period=month(basis.last_period),
        higher_is_better=False, label="Months until the 20-week target is reached at the current trend",
        finding=target_sentence(forecast, basis, verdict, latest))}
