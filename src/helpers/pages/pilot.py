"""The early-support pilot page (``notebooks/07_early_support_pilot.ipynb``): did the pilot reduce requests?

``result = pilot.model(page)`` reads the two optional templates (``inputs: pilot_schools`` and
``pilot_requests``) and evaluates them (:func:`helpers.analysis.pilot.evaluate`); None without them, when the
page says what it would show and how to supply the files (:data:`NO_INPUTS`). The other functions turn the result
into chart and table bundles, sentences and metrics. Request counts are child-level: the bundles name them, so
small counts are hidden where the build suppresses.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from helpers.analysis import pilot as analysis
from helpers.analysis.pilot import Estimate, PilotResult
from helpers.metrics import Metric
from helpers.present.chart import Chart, Table
from helpers.present.page import Page
from helpers.present.style import LINESTYLES, MARKERS, PALETTE, label_line_ends
from helpers.sources import pilot as source

RATE = "Requests a year per 1,000 pupils (average school)"
GROUPS = {analysis.PILOT: "Pilot schools", analysis.OTHER: "Other schools"}
PERIODS = {analysis.BEFORE: "Before the pilot", analysis.AFTER: "After the start"}
#: School terms by their first month: autumn (September-December), spring (January-April), summer (May-August).
TERMS = {9: "Autumn", 1: "Spring", 5: "Summer"}
NO_INPUTS = (
    "This page evaluates an early-support pilot: whether requests for EHC needs assessment from the schools in the "
    "pilot fell compared with other schools, by how much (with a 95% confidence interval), and whether the two "
    "groups were moving in parallel before it started. It needs two files this pack does not have: the list of "
    "pilot schools with the date each started (URN, start date) and the requests for assessment from every school "
    "each month with its pupils on roll (URN, month, requests, pupils; pupils are needed to compare schools of "
    "different sizes, as requests per 1,000 pupils). Fill in data/templates/pilot_schools_template.csv and "
    "pilot_requests_template.csv (columns and rules in data/templates/README.md) and add them under inputs: "
    "pilot_schools and pilot_requests in the pack config.")


def model(page: Page) -> PilotResult | None:
    """The evaluation from the page's two pilot templates; None when the pack config does not give both."""
    inputs = page.config.inputs
    if inputs.pilot_schools is None or inputs.pilot_requests is None:
        return None
    schools, requests = source.read(inputs.pilot_schools, inputs.pilot_requests)
    return analysis.evaluate(schools, requests)


def _per_1000(value: float) -> str:
    return f"{abs(value):,.1f} a year per 1,000 pupils"


def _interval(e: Estimate, less: str = "fewer", more: str = "more") -> str:
    """'95% confidence interval: 3.3 to 8.0 fewer' (or 'more', or 'between 1.2 fewer and 0.8 more')."""
    lo, hi = e.lower_95, e.upper_95
    if hi < 0:
        return f"95% confidence interval: {abs(hi):,.1f} to {abs(lo):,.1f} {less}"
    if lo > 0:
        return f"95% confidence interval: {lo:,.1f} to {hi:,.1f} {more}"
    return f"95% confidence interval: between {abs(lo):,.1f} {less} and {hi:,.1f} {more}"


def _change(value: float) -> str:
    """'a fall of 2.3' or 'a rise of 3.4'."""
    return f"a {'fall' if value < 0 else 'rise'} of {abs(value):,.1f}"


def headline(r: PilotResult) -> str:
    """The answer in one or two sentences: the estimate, its interval and whether it shows a change."""
    e = r.effect
    text = (f"After the pilot started in {r.first_start:%B %Y}, requests for assessment from the {r.pilot_schools} "
            f"pilot schools were about {_per_1000(e.value)} {'lower' if e.value < 0 else 'higher'} than the other "
            f"{r.other_schools} schools' trend would predict ({_interval(e)})")
    if e.upper_95 < 0:
        return text + (f", about {abs(r.relative_pct):.0f}% fewer. The interval does not include zero, so chance "
                       "alone is an unlikely explanation.")
    if e.lower_95 > 0:
        return text + ". The interval does not include zero: requests rose compared with the other schools."
    return text + ". The interval includes zero, so these data cannot show whether the pilot made a difference."


def rates_chart(r: PilotResult) -> Chart:
    """Average school's yearly rate per 1,000 pupils, pilot against other schools, term by term."""
    q = r.by_term
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    ends = {}
    for i, group in enumerate((analysis.PILOT, analysis.OTHER)):
        part = q[q["group"] == group]
        ax.plot(part["term"], part["rate"], color=PALETTE[i], marker=MARKERS[i], linestyle=LINESTYLES[i])
        ends[GROUPS[group]] = (part["term"].iloc[-1], float(part["rate"].iloc[-1]))
    ax.axvline(r.first_start, color="#505a5f", linestyle=":", linewidth=1.2)
    ax.annotate("Pilot starts", (r.first_start, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -12),
                textcoords="offset points", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Requests a year per 1,000 pupils")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]
    label_line_ends(ax, ends)
    names = q["term"].dt.month.map(TERMS) + " " + q["term"].dt.year.astype(str)
    data = pd.DataFrame({"Term": names, "Schools": q["group"].map(GROUPS), "Requests": q["requests"],
                         RATE: q["rate"]})
    rate = r.groups.set_index(["group", "period"])["rate"]
    gap_before, gap_after = (abs(rate[(analysis.PILOT, p)] - rate[(analysis.OTHER, p)])
                             for p in (analysis.BEFORE, analysis.AFTER))
    title = (f"Pilot schools made more requests per pupil than other schools before the pilot; the gap narrowed "
             f"from {gap_before:,.1f} to {gap_after:,.1f} a year per 1,000 pupils after it started"
             if gap_after < gap_before else
             f"The gap in requests per pupil between pilot and other schools went from {gap_before:,.1f} to "
             f"{gap_after:,.1f} a year per 1,000 pupils after the pilot started")
    alt = (f"Line chart of requests a year per 1,000 pupils, school term by term, in the {r.pilot_schools} pilot "
           f"schools and the {r.other_schools} other schools, with a dotted line where the pilot starts in "
           f"{r.first_start:%B %Y}. " + " ".join(
               f"{g}: {ends[g][1]:,.1f} in {names.iloc[-1]}." for g in ends))
    return Chart(fig, title, alt, data, name="pilot-requests-per-pupil", child_level_counts=("Requests",))


def groups_table(r: PilotResult) -> Table:
    """Before and after, pilot and other schools: schools, requests and the average school's rate."""
    g = r.groups
    data = pd.DataFrame({"Schools": g["group"].map(GROUPS), "Period": g["period"].map(PERIODS),
                         "Number of schools": g["schools"],
                         "Months": g["months"], "Requests": g["requests"],
                         "Pupils on roll (average)": g["pupils"].round(), RATE: g["rate"].round(2)})
    return Table(data, "Requests per 1,000 pupils before and after the pilot started", name="pilot-before-after",
                 child_level_counts=("Requests",))


def estimate_note(r: PilotResult) -> str:
    """How the estimate is worked out, in words a reader can check against the table."""
    g = r.groups.set_index(["group", "period"])["rate"]
    pilot_change = g[(analysis.PILOT, analysis.AFTER)] - g[(analysis.PILOT, analysis.BEFORE)]
    other_change = g[(analysis.OTHER, analysis.AFTER)] - g[(analysis.OTHER, analysis.BEFORE)]
    text = (f"The estimate is a difference in differences: the pilot schools' change ({_change(pilot_change)}) minus "
            f"the other schools' change over the same months ({_change(other_change)}), which takes out what affected "
            f"all schools, such as growing demand and the school calendar. It comes from a regression with one term "
            f"for each school and each month; the confidence interval allows for a school's months being alike "
            f"(standard errors clustered by school).")
    if not r.common_start:
        text += (" The pilot schools started in different months; each counts as in the pilot from its own start, "
                 "and the table's 'before' and 'after' for the other schools are split at the first start, so the "
                 "table and the estimate differ slightly.")
    return text


def pre_trend_note(r: PilotResult) -> str:
    """The pre-trend check in words: parallel before the start, or already drifting apart."""
    e = r.pre_trend
    change = (f"Before the pilot, the pilot schools' rate changed by {abs(e.value):,.1f} a year per 1,000 pupils "
              f"{'less' if e.value < 0 else 'more'} each year than the other schools' ({_interval(e, 'less')}).")
    if e.lower_95 > 0 or e.upper_95 < 0:
        return (change + " The two groups were already drifting apart before the pilot, so part of the estimated "
                "effect may be that drift rather than the pilot: treat the estimate with caution.")
    return (change + " That is consistent with the two groups moving in parallel before the pilot, which the "
            "estimate relies on; it does not prove they would have stayed parallel.")


def design_limits(r: PilotResult) -> list[str]:
    """What the design can and cannot show, one sentence each."""
    out = [
        ("It can show whether requests from pilot schools changed differently from other schools over the same "
         "months, which removes changes that affected every school (growing demand, the school year, national "
         "policy)."),
        ("It cannot rule out something else that changed in the pilot schools only, at the same time (new staff, "
         "another programme, a change in who attends), or differences between the two groups that began after the "
         "start."),
        ("Pilot schools were chosen, not allocated at random. Schools chosen because requests were high tend to "
         "fall back towards the average anyway (regression to the mean); the pre-trend check tests for a steady "
         "drift, not for a one-off peak just before the choice."),
        ("Fewer requests is not on its own a better outcome: it may mean needs were met earlier, or that children "
         "who need an assessment were not referred. Check the share of requests that lead to a plan, and children's "
         "progress, for the pilot schools."),
        ("If the pilot's staff also helped schools outside it, the comparison understates the effect."),
    ]
    if not r.common_start:
        out.append("With schools starting at different times, a regression like this one can be biased when the "
                   "effect grows over time; an event-study by start group would test that.")
    return out


def metrics(r: PilotResult | None, period_end: pd.Timestamp) -> dict[str, Metric]:
    """The page's metrics: the estimate with its interval, as a share, and the pre-trend check."""
    period = f"{period_end:%b %Y}"
    if r is None:
        return {"pilot_effect_per_1000": Metric(value=None, unit=None, period=period,
                                                label="Early-support pilot: change in requests per 1,000 pupils",
                                                finding="No pilot data in this pack.")}
    e, p = r.effect, r.pre_trend
    return {
        "pilot_effect_per_1000": Metric(
            value=e.value, unit=None, period=period, higher_is_better=False, lower_95=e.lower_95,
            upper_95=e.upper_95, label="Early-support pilot: change in requests a year per 1,000 pupils "
                                       "(difference in differences)", finding=headline(r),
            extras={"p_value": e.p_value, "pilot_schools": r.pilot_schools, "other_schools": r.other_schools,
                    "start": f"{r.first_start:%Y-%m}"}),
        "pilot_effect_pct": Metric(value=r.relative_pct, unit="%", period=period, higher_is_better=False,
                                   label="Early-support pilot: change in pilot schools' requests against the "
                                         "other schools' trend"),
        "pilot_pre_trend_per_year": Metric(
            value=p.value, unit=None, period=period, lower_95=p.lower_95, upper_95=p.upper_95,
            label="Early-support pilot: pilot schools' extra change per year before the start (0 = parallel)",
            extras={"p_value": p.p_value}),
    }
