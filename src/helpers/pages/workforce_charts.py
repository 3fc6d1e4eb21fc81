"""Figures for the Educational Psychologist (EP) workforce page (``notebooks/03_ep_workforce.ipynb``).

Each function takes the tidy frames of :mod:`helpers.analysis.workforce_service` and
:mod:`helpers.analysis.workforce_projection` and gives back a Matplotlib ``Figure``: no display, no files.
:mod:`helpers.pages.ep_workforce` bundles each figure with its title, alt text and data table. Lines are told apart
by marker and line style as well as colour and labelled directly at their ends (``style.label_line_ends``); bars are
hatched and carry their values.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.pages.ep_workforce_text import CHOICE_LABELS
from helpers.present.style import LINESTYLES, MARKERS, PALETTE, label_line_ends

#: Lines of the supply-and-demand chart: direct label → column of the supply table of
#: :func:`helpers.analysis.workforce_service.service_now`.
SUPPLY_LINES: dict[str, str] = {"EPs in post": "eps_in_post_fte", "EPs in post plus locums": "supply_fte",
                                "FTE needed (3-month average)": "fte_needed_3_month_average"}


def _month_axis(ax: Axes) -> None:
    """Three to six date ticks on the x axis, written 'Sep 2025'."""
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=6))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]


def fte_needed_bars(demand: pd.DataFrame, *, ylabel: str = "EP FTE needed for statutory advice") -> Figure:
    """One hatched bar per year of EP FTE needed (``year``, ``fte_needed``), each with its value above it."""
    fig = Figure()
    ax = fig.subplots()
    ax.bar(demand["year"], demand["fte_needed"], color=PALETTE[0], hatch="//", edgecolor="white")
    for x, y in zip(demand["year"], demand["fte_needed"], strict=True):
        ax.annotate(f"{y:.1f}", (x, y), xytext=(0, 3), textcoords="offset points", ha="center")
    ax.set_xticks(demand["year"])
    ax.set_ylabel(ylabel)
    return fig


def supply_demand_lines(supply: pd.DataFrame, lines: Mapping[str, str] = SUPPLY_LINES, *,
                        ylabel: str = "Full-time equivalents (FTE)") -> Figure:
    """Monthly lines of EP supply and need (``lines``: label → column), from ``period_end``, each labelled at its end.

    A marker every third month keeps the lines apart without crowding them; the y axis starts at 0.
    """
    fig = Figure()
    ax = fig.subplots()
    x = supply["period_end"]
    for i, column in enumerate(lines.values()):
        ax.plot(x, supply[column], color=PALETTE[i], marker=MARKERS[i], linestyle=LINESTYLES[i], markevery=3)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    _month_axis(ax)
    label_line_ends(ax, {label: (x.iloc[-1], float(supply[column].iloc[-1])) for label, column in lines.items()})
    return fig


def waiting_list_line(supply: pd.DataFrame, *, ylabel: str = "Requests for EP advice not yet completed") -> Figure:
    """The estimated waiting list at each month end (``period_end``, ``waiting_end``), from 0."""
    fig = Figure()
    ax = fig.subplots()
    ax.plot(supply["period_end"], supply["waiting_end"], color=PALETTE[0], marker=MARKERS[0])
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    _month_axis(ax)
    return fig


def projection_lines(weekly: pd.DataFrame, labels: Mapping[str, str] = CHOICE_LABELS, *,
                     ylabel: str = "Requests waiting or being worked on") -> Figure:
    """One line per choice (``key``) of the average list (``waiting_total``) by ``date``, labelled at its end.

    ``labels`` gives each choice's short label; a marker every 13 weeks (a quarter) keeps the lines apart.
    """
    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    ends = {}
    for i, (key, part) in enumerate(weekly.groupby("key", sort=False)):
        ax.plot(part["date"], part["waiting_total"], color=PALETTE[i], marker=MARKERS[i], linestyle=LINESTYLES[i],
                markevery=13)
        ends[labels[key]] = (part["date"].iloc[-1], float(part["waiting_total"].iloc[-1]))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(ylabel)
    _month_axis(ax)
    label_line_ends(ax, ends)
    return fig
