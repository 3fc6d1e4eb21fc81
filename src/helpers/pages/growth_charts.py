"""Figures for the request-growth page (01): forecast fan charts, growth indexed to a base year, monthly requests.

Each builder takes tidy frames from :mod:`helpers.analysis.forecast`, :mod:`helpers.analysis.growth` and
:mod:`helpers.analysis.growth_monthly` and returns a Matplotlib ``Figure`` (no display, no I/O); the page modules
(:mod:`helpers.pages.request_growth` and its parts) wrap it in a :class:`helpers.present.chart.Chart`. Series differ
by marker and line style as well as colour, and lines are labelled directly
(:func:`helpers.present.style.label_line_ends`), so colour is never the only cue. The ``*_alt`` functions describe
each picture for screen readers.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.pages.request_growth_words import likely_range
from helpers.present import narrative
from helpers.present.style import LINESTYLES, MARKERS, PALETTE, label_line_ends

#: Likely-range bands, widest first so the narrower band is drawn on top: (level, opacity, hatch).
_BANDS: tuple[tuple[float, float, str | None], ...] = ((0.95, 0.15, "..."), (0.8, 0.35, None))
#: Colour of the reference line at index 100.
_REFERENCE = "#3D3D3D"


def fan_chart(series: pd.Series, fc: pd.DataFrame, what: str, flagged: tuple[int, ...] = ()) -> Figure:
    """Past values, the forecast as a dashed line, and its 80% and 95% likely ranges as shaded fans.

    ``series``: actual values indexed by year; ``fc``: tidy forecast (``year``, ``mean``, ``lower``, ``upper``,
    ``level``) from :func:`helpers.analysis.forecast_methods.forecast_path`; ``what``: the measure in words (the
    y-axis label); ``flagged``: years the forecast treats as missing (:mod:`helpers.analysis.outliers`), ringed and
    named in the legend. The fans and the forecast line start at the last actual point so the picture is continuous.
    """
    fig = Figure()
    ax = fig.subplots()
    last_year, last = int(series.index[-1]), float(series.iloc[-1])
    for level, shade, hatch in _BANDS:
        part = fc[fc["level"] == level]
        ax.fill_between([last_year, *part["year"]], [last, *part["lower"]], [last, *part["upper"]],
                        color=PALETTE[1], alpha=shade, hatch=hatch, linewidth=0, label=f"likely range ({level:.0%})")
    mean = fc[fc["level"] == fc["level"].min()]
    ax.plot(series.index, series.to_numpy(), marker=MARKERS[0], color=PALETTE[0], label="Actual")
    ax.plot([last_year, *mean["year"]], [last, *mean["mean"]], linestyle="--", marker=MARKERS[1], color=PALETTE[1],
            label="Forecast")
    marked = [y for y in flagged if y in series.index]
    if marked:
        ax.plot(marked, series.loc[marked].to_numpy(), linestyle="none", marker="o", markersize=13,
                markerfacecolor="none", markeredgecolor=_REFERENCE, label="Far from neighbouring years (not used)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(what[0].upper() + what[1:])
    # The actual and forecast lines meet at the last actual, so end labels would sit on top of each other (or off
    # their lines once nudged apart); the legend names them instead, by line style and marker as well as colour,
    # on an opaque background so no gridline runs through it.
    _legend(ax, loc="upper left")
    return fig


def _legend(ax, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """A legend on an opaque white box without a border, drawn above the gridlines."""
    legend = ax.legend(frameon=True, facecolor="white", edgecolor="none", framealpha=1.0, **kwargs)
    legend.set_zorder(5)


def fan_chart_alt(series: pd.Series, fc: pd.DataFrame, what: str) -> str:
    """Alt text for :func:`fan_chart`: the past series in words, then the first and last years' 80% ranges."""
    p80 = fc[fc["level"] == 0.8]
    first, final = p80.iloc[0], p80.iloc[-1]
    return (narrative.describe_series(series, unit="count", label=what) + f" A dashed forecast line continues to "
            f"{int(final['year'])}, with shaded likely ranges that widen each year: {likely_range(first)} in "
            f"{int(first['year'])}, and {likely_range(final)} in {int(final['year'])} (80% ranges).")


def _line_ends(index: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Each group's last (year, index) point, in the order the groups first appear."""
    return {name: (int(part["year"].iloc[-1]), float(part["index"].iloc[-1]))
            for name, part in index.groupby("group", sort=False)}


def indexed_chart(index: pd.DataFrame, *, highlight: str, ylabel: str) -> Figure:
    """One line per group of an indexed series (base year = 100), with a reference line at 100.

    ``index``: tidy ``year``, ``group``, ``index`` from :func:`helpers.analysis.growth.indexed`; ``highlight``: the
    group drawn thicker (the pack's LA). Each group has its own colour, marker and line style and a label at its end.
    """
    fig = Figure()
    ax = fig.subplots()
    for i, (name, part) in enumerate(index.groupby("group", sort=False)):
        ax.plot(part["year"], part["index"], marker=MARKERS[i], linestyle=LINESTYLES[i], color=PALETTE[i],
                linewidth=3 if name == highlight else 2)
    ax.axhline(100, color=_REFERENCE, linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    ends = _line_ends(index)
    label_line_ends(ax, ends)
    # label_line_ends spreads overlapping labels and gives a moved one a leader back to its line's end; each label
    # also takes its line's colour, so it is never read against another line.
    colours = {name: PALETTE[i] for i, name in enumerate(ends)}
    for text in ax.texts:
        if text.get_text() in colours:
            text.set_color(colours[text.get_text()])
    return fig


def indexed_chart_alt(index: pd.DataFrame, base: int, latest: int, what: str = "requests") -> str:
    """Alt text for :func:`indexed_chart`: the groups shown and each one's index in its last year."""
    ends = _line_ends(index)
    return (f"Line chart of {what} indexed to {base} = 100 for {', '.join(ends)}. By {latest}: "
            + "; ".join(f"{name} {point[1]:.0f}" for name, point in ends.items()) + ".")


def monthly_chart(monthly: pd.DataFrame, ahead: pd.DataFrame) -> Figure:
    """Monthly requests, their STL trend, and a 12-month forecast with 80% and 95% likely ranges.

    ``monthly``: ``period``, ``observed``, ``trend`` from
    :func:`helpers.analysis.growth_monthly.monthly_decomposition`; ``ahead``: tidy ``period``, ``mean``, ``lower``,
    ``upper``, ``level`` from :func:`helpers.analysis.growth_monthly.monthly_forecast`. The top of the y-axis leaves
    room for the three-column legend above the data.
    """
    fig = Figure()
    ax = fig.subplots()
    for level, shade, hatch in _BANDS:
        part = ahead[ahead["level"] == level]
        ax.fill_between(part["period"], part["lower"], part["upper"], color=PALETTE[1], alpha=shade, hatch=hatch,
                        linewidth=0, label=f"likely range ({level:.0%})")
    mean = ahead[ahead["level"] == 0.8]
    ax.plot(monthly["period"], monthly["observed"], marker=MARKERS[0], markersize=3, color=PALETTE[0], label="Actual")
    ax.plot(monthly["period"], monthly["trend"], linestyle="-.", color=PALETTE[2], label="Underlying trend")
    ax.plot(mean["period"], mean["mean"], linestyle="--", marker=MARKERS[1], markersize=3, color=PALETTE[1],
            label="Forecast")
    ax.set_ylim(0, 1.35 * max(monthly["observed"].max(), ahead["upper"].max()))
    ax.set_ylabel("Requests a month")
    _legend(ax, loc="upper left", ncol=3)  # lines differ by style and marker, not colour alone
    return fig


def monthly_chart_alt(monthly: pd.DataFrame, ahead: pd.DataFrame) -> str:
    """Alt text for :func:`monthly_chart`: the monthly series in words, the trend line and the forecast's end."""
    end = ahead.loc[ahead["level"] == 0.8, "period"].iloc[-1]
    return (narrative.describe_series(monthly.set_index("period")["observed"], unit="count",
                                      label="requests received each month")
            + f" A smoother trend line shows the underlying direction; a dashed forecast with shaded likely ranges "
            f"covers the next 12 months to {end:%B %Y}.")
