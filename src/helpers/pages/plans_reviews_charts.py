"""Figures for the "Plans in place and annual reviews" page (04_plans_and_reviews): drawing only; the page
module (:mod:`helpers.pages.plans_reviews`) supplies the data, titles and alt text."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.present.style import LINESTYLES, MARKERS, PALETTE, label_line_ends


def _area_lines(frame: pd.DataFrame, xlabel: str, ylabel: str) -> tuple[Figure, Axes]:
    """One line per area (columns of ``frame``, by year), the council's (first) thicker, each labelled at its end."""
    fig, ax = plt.subplots()
    ends = {}
    for i, name in enumerate(frame.columns):
        series = frame[name].dropna()
        ax.plot(series.index, series.to_numpy(), color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)], linewidth=2.6 if i == 0 else 1.6, label=name)
        if len(series):
            ends[name] = (series.index[-1], float(series.iloc[-1]))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.margins(y=0.08)
    label_line_ends(ax, ends)
    fig.tight_layout()
    return fig, ax


def index_lines(index: pd.DataFrame, *, base_year: int) -> Figure:
    """Plans in place indexed to ``base_year`` = 100, one line per area (columns of ``index``, by year)."""
    fig, ax = _area_lines(index, "January census", f"Plans in place ({base_year} = 100)")
    ax.axhline(100, color="#505a5f", linewidth=0.8)
    return fig


def share_bars(table: pd.DataFrame, columns: list[str], *, xlabel: str = "Share of plans in place (%)") -> Figure:
    """Horizontal grouped bars: one group per category (rows of ``table``), one bar per column in ``columns``."""
    rows = table.iloc[::-1]
    height = 0.8 / max(len(columns), 1)
    fig, ax = plt.subplots(figsize=(8.5, max(3.2, 0.42 * len(rows) * max(1, len(columns) / 2) + 1.2)))
    y = np.arange(len(rows))
    for i, col in enumerate(columns):
        values = rows[col].to_numpy(float)
        ax.barh(y + (len(columns) - 1 - i) * height - 0.4 + height / 2, np.nan_to_num(values), height=height,
                color=PALETTE[i % len(PALETTE)], label=col, hatch=None if i == 0 else ["", "//", "..", "xx"][i % 4],
                edgecolor="white")
    ax.set_yticks(y)
    ax.set_yticklabels(rows["category"].tolist())
    ax.set_xlabel(xlabel)
    # above the bars, where a reader starts, rather than below a long list of categories
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.01), ncol=min(len(columns), 3), frameon=False)
    fig.tight_layout()
    return fig


def review_bars(table: pd.DataFrame) -> Figure:
    """For each area: reviews completed (% of reviews due) and decisions sent within 4 weeks (% of decisions)."""
    fig, ax = plt.subplots()
    x = np.arange(len(table))
    completed = table["pct_completed"].to_numpy(float)
    within = table["pct_within_4_weeks"].to_numpy(float)
    ax.bar(x - 0.2, np.nan_to_num(completed), width=0.4, color=PALETTE[0], label="Reviews completed (% of due)")
    ax.bar(x + 0.2, np.nan_to_num(within), width=0.4, color=PALETTE[1], hatch="//", edgecolor="white",
           label="Decisions sent within 4 weeks (% of decisions)")
    for xs, vals in ((x - 0.2, completed), (x + 0.2, within)):
        for xi, v in zip(xs, vals, strict=True):
            if np.isfinite(v):
                ax.annotate(f"{v:.0f}%", (xi, v), xytext=(0, 3), textcoords="offset points", ha="center",
                            fontsize=10)
    ax.set_xticks(x)
    ax.set_xticklabels(table["area"].tolist())
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def stock_flow_bars(table: pd.DataFrame) -> Figure:
    """Published plans in place against last January + new plans − ceased, by census year."""
    fig, ax = plt.subplots()
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["expected"], width=0.4, color=PALETTE[4], label="Last January + new − ceased")
    ax.bar(x + 0.2, table["published"], width=0.4, color=PALETTE[0], hatch="//", edgecolor="white",
           label="Published plans in place")
    ax.set_xticks(x)
    ax.set_xticklabels([f"Jan {y}" for y in table["year"]])
    ax.set_ylabel("Plans in place")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def rate_lines(rates: pd.DataFrame) -> Figure:
    """One line per area (columns of ``rates``, by year): appeals per 100 appealable decisions over time."""
    fig, ax = _area_lines(rates, "Calendar year", "Appeals per 100 appealable decisions")
    ax.set_ylim(bottom=0)
    return fig
