"""Figures for the benchmarks page (05_benchmarks): the funnel plot of every council and the trend small multiples.

Each function takes the tidy frames built in :mod:`helpers.analysis.benchmarks` and
:mod:`helpers.analysis.benchmarks_funnel` and returns a Matplotlib figure; nothing is shown or saved here
(:mod:`helpers.pages.benchmarks` bundles it and ``page.show`` shows it). Colour is never the only channel:
councils differ by marker and size, lines by marker and dash pattern, and highlighted councils and limits are
named on the chart.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers.analysis.benchmarks_funnel import NEIGHBOUR_ROLE, OTHER_ROLE
from helpers.present import narrative
from helpers.present.style import LINESTYLES, MARKERS, PALETTE

#: Palette / marker / dash index per comparator kind, the same on every chart of the page.
KIND_STYLE: dict[str, int] = {"la": 2, "england": 0, "region": 3, "neighbours": 1, "custom": 5}
_INK = "#0B0C0C"
_GREY = "#BFBFBF"
_LEADER = "#6F777B"


#: A label beside the plot: (y, text, the point it names or None for a line at y, bold).
Label = tuple[float, str, tuple[float, float] | None, bool]


def _label_column(ax: Axes, entries: list[Label], x_text: float, edge_x: float) -> None:
    """Stack text labels at ``x_text`` in value order, at least 5 y-units apart, the column moved down to end at 98.

    Each entry is ``(y, text, point, bold)``: a label with a leader line to its ``point``, or (point None) a label
    for a horizontal line at ``y``, anchored at the plot's right edge ``edge_x`` with no leader.
    """
    ys: list[float] = []
    for y, *_ in sorted(entries):
        ys.append(max(y, ys[-1] + 5) if ys else y)
    shift = max(0.0, ys[-1] - 98) if ys else 0.0
    for (y, text, point, bold), y_text in zip(sorted(entries), ys, strict=True):
        ax.annotate(text, point or (edge_x, y), xytext=(x_text, y_text - shift), ha="left", va="center",
                    fontsize=9.5, fontweight="bold" if bold else "normal", annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "lw": 0.6, "color": _LEADER} if point else None)


def _limit_lines(ax: Axes, lines: pd.DataFrame, lo_x: float, hi_x: float) -> None:
    """The baseline, the 95% and 99.8% limits and (when drawn) the wide 99.8% limits, each named once."""
    axis = lines["n"].to_numpy()
    ax.plot(axis, lines["baseline"], color=PALETTE[0], lw=1.6)
    limit_styles: list[tuple[str, dict[str, Any]]] = [("95", {"ls": "--", "lw": 1.1}), ("998", {"ls": ":", "lw": 1.5})]
    for level, style in limit_styles:
        for side in ("lower", "upper"):
            ax.plot(axis, lines[f"{side}_{level}"], color=PALETTE[0], **style)
    wide = bool(lines["wide_lower_998"].notna().any())
    if wide:
        for side in ("lower", "upper"):
            ax.plot(axis, lines[f"wide_{side}_998"], ls="-.", color=PALETTE[3], lw=1.3)
    # Name the limit lines where they are far apart: halfway along the (log) axis.
    at = int(np.argmin(np.abs(np.log(axis) - (0.5 * np.log(lo_x) + 0.5 * np.log(hi_x)))))
    names = [("upper_95", "95% limits: chance alone"), ("lower_998", "99.8% limits: chance alone")]
    if wide:
        names.append(("wide_lower_998", "99.8% limits allowing for usual differences between councils"))
    for col, text in names:
        above = col.startswith(("upper", "wide_lower"))  # the wide lower line sits near 0%: label above it
        ax.annotate(text, (axis[at], lines[col].iloc[at]), xytext=(4, 4 if above else -4),
                    textcoords="offset points", ha="left", va="bottom" if above else "top", fontsize=10,
                    color=_INK, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


def funnel_plot(points: pd.DataFrame, lines: pd.DataFrame, *, la_name: str, baseline_name: str = "England",
                x_label: str = "EHC plans issued in the year, excluding exceptions (log scale)",
                y_label: str = "% issued within 20 weeks") -> Figure:
    """Funnel plot: every council's percentage against its denominator (log scale) with control limits.

    Parameters
    ----------
    points : :func:`helpers.analysis.benchmarks_funnel.funnel_points` (``area_name``, ``denominator``, ``value``
        in percent, ``role``: ``la_name``, neighbour or other council).
    lines : :func:`helpers.analysis.benchmarks_funnel.funnel_lines` (``n`` and, in percent, ``baseline``, the 95%
        and 99.8% limits, and the 99.8% limits allowing for variation between councils, NaN when not drawn).
    la_name : the role value of the council the page is about (drawn as a large diamond, named in bold).
    baseline_name : who the baseline belongs to, named with its value beside the baseline line.
    x_label, y_label : axis titles.

    Other councils are small grey dots; the council and its neighbours are named in two columns of labels beside
    the plot area (left for the smaller half of the log axis, right for the larger); the limit lines are named
    halfway along the axis.
    """
    fig, ax = plt.subplots(figsize=(9.5, 6))
    styles: dict[str, dict[str, Any]] = {
        OTHER_ROLE: {"s": 16, "marker": "o", "color": _GREY, "zorder": 2},
        NEIGHBOUR_ROLE: {"s": 48, "marker": "^", "color": PALETTE[1], "edgecolor": _INK, "zorder": 3},
        la_name: {"s": 110, "marker": "D", "color": PALETTE[2], "edgecolor": _INK, "zorder": 4}}
    for role, style in styles.items():
        shown = points[points["role"] == role]
        ax.scatter(shown["denominator"], shown["value"], label=role, **style)
    lo_x, hi_x = points["denominator"].min() * 0.7, float(lines["n"].iloc[-1])
    _limit_lines(ax, lines, lo_x, hi_x)
    ax.set_xscale("log")
    ax.set_xlim(lo_x, hi_x)
    ax.set_ylim(0, 100)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    # Name every highlighted council in two columns of labels, one at each side, spaced so that none overlap;
    # the right-hand column also names the baseline.
    middle = np.sqrt(lo_x * hi_x)
    marked = points[points["role"] != OTHER_ROLE]
    entries: dict[bool, list[Label]] = {right: [(r.value, r.area_name, (r.denominator, r.value), r.role == la_name)
                                            for r in marked[(marked["denominator"] >= middle) == right].itertuples()]
                                        for right in (False, True)}
    baseline = float(lines["baseline"].iloc[0])
    entries[True].append((baseline, f"{baseline_name} {narrative.fmt(baseline, '%')}", None, False))
    _label_column(ax, entries[False], lo_x * 1.04, hi_x)
    _label_column(ax, entries[True], hi_x * 1.06, hi_x)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False, fontsize=10)
    return fig


def small_multiples(trends: pd.DataFrame, panels: dict[str, str], *, y_label: str = "%") -> Figure:
    """One small line chart per measure, two to a row, each line a comparator group, with one shared legend.

    Parameters
    ----------
    trends : :func:`helpers.analysis.benchmarks.trend_table` (``measure``, ``year``, ``group``, ``kind``, ``value``);
        groups are drawn and listed in the legend in the order they first appear.
    panels : measure label (as in ``trends["measure"]``) → panel title, in the order to draw the panels.
    y_label : the y-axis title of every panel.

    Each comparator kind keeps one colour, marker and dash pattern (:data:`KIND_STYLE`) in every panel; the
    council's own line is thicker. Years without a value are left out of a line.
    """
    rows = (len(panels) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(10, 3.4 * rows), squeeze=False)
    groups = list(trends.drop_duplicates("group")[["group", "kind"]].itertuples(index=False, name=None))
    for ax, (measure, title) in zip(axes.flat, panels.items(), strict=False):
        panel = trends[trends["measure"] == measure]
        for name, kind in groups:
            line = panel[panel["group"] == name].dropna(subset=["value"])
            style = KIND_STYLE[kind]
            ax.plot(line["year"], line["value"], label=name, color=PALETTE[style],
                    marker=MARKERS[style], ls=LINESTYLES[style], lw=2.4 if kind == "la" else 1.5, ms=6)
        ax.set_title(title, fontsize=11, loc="left")
        ax.set_ylabel(y_label)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        years = sorted(panel.dropna(subset=["value"])["year"].unique())
        if len(years) == 1:  # one year of data (e.g. annual reviews, first published for 2024): one tick, not 1950-2100
            ax.set_xlim(years[0] - 1, years[0] + 1)
            ax.set_xticks([years[0]])
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    # One legend for every panel, across the top of the figure (under an odd last panel it read as that panel's).
    top = 1 - 0.5 / (3.4 * rows)
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=min(len(labels), 3),
               frameon=False, title="Every panel:", title_fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, top - 0.02 * (1 + len(labels) // 4)))
    return fig
