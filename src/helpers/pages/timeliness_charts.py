"""Figures for the 20-week timeliness page (``notebooks/02_timeliness.ipynb``).

Each function takes the tidy frames :mod:`helpers.analysis.timeliness` and :mod:`helpers.analysis.spc` return
and gives back a Matplotlib ``Figure``: no display, no files. :mod:`helpers.pages.timeliness_spc` and
:mod:`helpers.pages.timeliness_tables` bundle each figure with its title, alt text and data table as a
``Chart``. Series are told apart by marker, line style or hatching as well as colour, and labelled directly at
their ends (``style.label_line_ends``).
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.present import narrative
from helpers.present.style import LINESTYLES, MARKERS, PALETTE, label_line_ends
from helpers.analysis.timeliness import BANDS

#: Axis label of every chart of the 20-week rate.
RATE_LABEL = "% of plans issued within 20 weeks"

#: Point types drawn as large triangles on the SPC chart: (marker, colour, legend label).
_SIGNALS = {
    "special_cause_improvement": ("^", PALETTE[1], "Special cause: improvement"),
    "special_cause_concern": ("v", PALETTE[3], "Special cause: concern"),
}

#: Fill colour and hatching of each DfE time band (within 20 weeks, 20 to 52 weeks, over 52 weeks).
_BAND_STYLES = dict(zip(BANDS, [(PALETTE[1], ""), (PALETTE[0], "//"), (PALETTE[3], "xx")], strict=True))

#: Bar segments narrower than this (in percentage points) carry no value label: the text would not fit.
MIN_LABELLED_PCT = 6


def spc_chart(chart: pd.DataFrame, target: float | None) -> Figure:
    """The monthly XmR chart of the 20-week percentage: values, average, process limits, signals and target.

    ``chart`` is :func:`helpers.analysis.spc.xmr` output (``period``, ``value``, ``mean``, ``lpl``, ``upl``,
    ``special_cause``, ``point_type``). The process limits are drawn clipped to 0–100% because a percentage cannot
    go beyond them. Special-cause months are large triangles (up for an improvement, down for a concern), with a
    legend only when there are any.
    """
    fig = Figure(figsize=(10, 5.4))
    ax = fig.subplots()
    x = chart["period"]
    last = x.iloc[-1]
    ax.plot(x, chart["value"], color=PALETTE[0], marker="o", lw=2)
    ax.plot(x, chart["mean"], color=PALETTE[4], ls="--", lw=1.5)
    ax.plot(x, chart["upl"].clip(upper=100), color=PALETTE[4], ls=":", lw=1.5)
    ax.plot(x, chart["lpl"].clip(lower=0), color=PALETTE[4], ls=":", lw=1.5)
    for kind, (marker, colour, label) in _SIGNALS.items():
        hit = chart["point_type"] == kind
        if hit.any():
            ax.scatter(x[hit], chart.loc[hit, "value"], marker=marker, s=160, color=colour, zorder=3,
                       edgecolor="#0B0C0C", label=label)
    ends = {f"Average {narrative.fmt(chart['mean'].iloc[-1], '%')}": (last, chart["mean"].iloc[-1]),
            "Upper process limit": (last, min(chart["upl"].iloc[-1], 100)),
            "Lower process limit": (last, max(chart["lpl"].iloc[-1], 0))}
    if target is not None:
        ax.plot(x, [target] * len(x), color=PALETTE[2], lw=2, ls="-.")
        ends[f"Target {narrative.fmt(target, '%')}"] = (last, target)
    if chart["special_cause"].any():
        ax.legend(loc="upper left", frameon=False)
    ax.set_ylim(0, 100)
    ax.set_ylabel(RATE_LABEL)
    label_line_ends(ax, ends)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))  # type: ignore[no-untyped-call]
    return fig


def annual_comparison(annual: pd.DataFrame, target: float | None) -> Figure:
    """The published yearly 20-week rate for the council (with 95% interval bars), its region and England.

    ``annual`` is :func:`helpers.analysis.timeliness.annual_series` output; areas with no figure are left out.
    Each line is labelled at its last year with the area's name and value; ``target`` adds a dotted target line.
    """
    fig = Figure(figsize=(10, 5.4))
    ax = fig.subplots()
    ends: dict[str, tuple[float, float]] = {}
    for i, level in enumerate(["la", "region", "england"]):
        rows = annual[annual["level"] == level].dropna(subset=["pct_within_20_weeks_ex"])
        if rows.empty:
            continue
        y = rows["pct_within_20_weeks_ex"]
        if level == "la":
            # clipped at 0: at 0% or 100% the Wilson limit equals the value up to rounding error
            interval = np.clip([y - rows["pct_within_20_weeks_ex_low"], rows["pct_within_20_weeks_ex_high"] - y], 0,
                               None)
            ax.errorbar(rows["year"], y, yerr=interval, color=PALETTE[i], marker=MARKERS[i], lw=2.5, capsize=4, ms=8)
        else:
            ax.plot(rows["year"], y, color=PALETTE[i], marker=MARKERS[i], ls=LINESTYLES[i], lw=2, ms=7)
        ends[f"{rows['area_name'].iloc[-1]} {narrative.fmt(y.iloc[-1], '%')}"] = (rows["year"].iloc[-1], y.iloc[-1])
    years = sorted(annual["year"].unique())
    if target is not None:
        ax.plot(years, [target] * len(years), color=PALETTE[3], lw=2, ls=":")
        ends[f"Target {narrative.fmt(target, '%')}"] = (years[-1], target)
    ax.set_ylim(0, 100)
    ax.set_ylabel(RATE_LABEL)
    ax.set_xticks(years)
    label_line_ends(ax, ends)
    return fig


def issue_time_bands(bands: pd.DataFrame) -> Figure:
    """One stacked horizontal bar per area: the share of a year's new plans in each of DfE's three time bands.

    ``bands`` is :func:`helpers.analysis.timeliness.published_issue_time_bands` output for a single year. Bands
    differ by hatching as well as colour; segments of at least :data:`MIN_LABELLED_PCT` % carry their value. Areas
    are drawn top to bottom in the frame's order.
    """
    fig = Figure(figsize=(10, 3.8))
    ax = fig.subplots()
    areas = list(dict.fromkeys(bands["area_name"]))[::-1]
    left = pd.Series(0.0, index=areas)
    for band, (colour, hatch) in _BAND_STYLES.items():
        share = bands[bands["band"] == band].set_index("area_name")["pct"].reindex(areas)
        ax.barh(areas, share, left=left, color=colour, hatch=hatch, edgecolor="white", label=band)
        for area, value in share.items():
            if value >= MIN_LABELLED_PCT:
                ax.text(left[area] + value / 2, area, f"{value:.0f}%", ha="center", va="center", color="#0B0C0C",
                        fontsize=12, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
        left += share.fillna(0)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% of new plans issued in {int(bands['year'].iloc[0])} (excluding exceptions)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, frameon=False)
    return fig
