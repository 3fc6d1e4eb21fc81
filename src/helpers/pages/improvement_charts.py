"""Figures for the improvement-evidence page (``notebooks/06_improvement_evidence.ipynb``).

Each function takes a tidy frame from :mod:`helpers.analysis.therapies` or :mod:`helpers.analysis.outcomes` and
returns a Matplotlib ``Figure``: no display, no files. Bars are hatched as well as coloured, lines carry markers
and direct labels, so nothing is told apart by colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from helpers.present.style import MARKERS, PALETTE, label_line_ends

HATCHES = ("//", "..", "xx", "\\\\", "++", "oo", "--", "**")


def _pounds(ax_values: float, _pos: object = None) -> str:
    return f"£{ax_values / 1000:,.0f}k"


def spend_by_type_bars(spend: pd.DataFrame, labels: list[str]) -> Figure:
    """Stacked bars of spend by financial year (``labels``) and therapy type (``spend``: one column per type,
    one row per year), each year's total above its bar."""
    fig = Figure(figsize=(8, 4.8))
    ax = fig.subplots()
    x = np.arange(len(labels))
    bottom = np.zeros(len(labels))
    for i, column in enumerate(spend.columns):
        values = spend[column].to_numpy(float)
        ax.bar(x, values, bottom=bottom, label=column[0].upper() + column[1:], color=PALETTE[i % len(PALETTE)],
               hatch=HATCHES[i % len(HATCHES)], edgecolor="white")
        bottom += values
    for xi, total in zip(x, bottom, strict=True):
        ax.annotate(f"£{total:,.0f}", (xi, total), xytext=(0, 3), textcoords="offset points", ha="center")
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(FuncFormatter(_pounds))
    ax.set_ylabel("Spend on therapies")
    ax.legend(loc="upper left", fontsize=8.5, ncols=2)
    ax.set_ylim(0, bottom.max() * 1.35)
    return fig


def compliant_share_line(labels: list[str], shares: pd.Series, start_label: str | None) -> Figure:
    """The share of spend under a compliant arrangement by year (0-100%), with the list's opening year marked."""
    fig = Figure(figsize=(8, 4.2))
    ax = fig.subplots()
    ax.plot(labels, shares.to_numpy(float), marker=MARKERS[0], color=PALETTE[0])
    for label, value in zip(labels, shares, strict=True):
        ax.annotate(f"{value:.0f}%", (label, value), xytext=(0, 8), textcoords="offset points", ha="center")
    if start_label in labels:
        ax.axvline(labels.index(start_label), color=PALETTE[4], linestyle="--", linewidth=1)
        ax.annotate("Qualified Provider List opens", (labels.index(start_label), 5), xytext=(4, 0),
                    textcoords="offset points", fontsize=9)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Share of spend under QPL or preferred (%)")
    return fig


def projection_lines(history: pd.DataFrame, projection: pd.DataFrame) -> Figure:
    """Spend by year (``label``, ``spend``) and the projection after it, with its range shaded where given."""
    fig = Figure(figsize=(8, 4.2))
    ax = fig.subplots()
    ax.plot(history["label"], history["spend"], marker=MARKERS[0], color=PALETTE[0])
    joined = pd.concat([history.tail(1).assign(lower=history["spend"].iloc[-1], upper=history["spend"].iloc[-1]),
                        projection], ignore_index=True)
    ax.plot(joined["label"], joined["spend"], marker=MARKERS[1], linestyle="--", color=PALETTE[1])
    if projection["lower"].notna().all():
        ax.fill_between(joined["label"], joined["lower"].astype(float), joined["upper"].astype(float),
                        color=PALETTE[1], alpha=0.2, linewidth=0)
    ax.yaxis.set_major_formatter(FuncFormatter(_pounds))
    ax.set_ylim(0, max(float(joined["upper"].max(skipna=True) or 0), float(joined["spend"].max())) * 1.15)
    ax.set_ylabel("Spend on therapies")
    label_line_ends(ax, {"Spend": (history["label"].iloc[-1], float(history["spend"].iloc[-1])),
                         "Projected": (joined["label"].iloc[-1], float(joined["spend"].iloc[-1]))})
    return fig


def movement_bars(shares: pd.DataFrame, labels: list[str]) -> Figure:
    """Horizontal bars of the share improving by group (``labels``), with 95% interval whiskers, and the share
    declining beside it; ``shares`` as :func:`helpers.analysis.outcomes.movement_shares`."""
    fig = Figure(figsize=(8, 0.9 + 0.75 * len(labels)))
    ax = fig.subplots()
    y = np.arange(len(labels))
    for k, (move, colour, hatch) in enumerate((("improving", PALETTE[1], "//"), ("declining", PALETTE[2], ".."))):
        pct = shares[f"{move}_pct"].to_numpy(float)
        err = np.vstack([pct - shares[f"{move}_low"].to_numpy(float), shares[f"{move}_high"].to_numpy(float) - pct])
        ax.barh(y + (k - 0.5) * 0.38, pct, height=0.36, color=colour, hatch=hatch, edgecolor="white",
                xerr=err, capsize=3, label=f"Score went {'up' if move == 'improving' else 'down'}")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of children compared (%), with 95% confidence interval")
    ax.legend(loc="lower right")
    return fig
